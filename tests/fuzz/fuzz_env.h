/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef FUZZ_ENV_H
#define FUZZ_ENV_H

/*
 * What every fuzz harness shares: a process-wide EAL, mbuf pool and
 * tern_net (a tern_net is costly to build: its route tables), with two
 * virtual interfaces: 0 untagged, 1 on VLAN 100. We are 10.0.0.1/24 and
 * fd00::1/64 on interface 0, 10.1.0.1/24 and fd01::1/64 on interface 1;
 * 10.0.0.2 and fd00::2 are permanent neighbors (the peer the harnesses
 * play). Each input gets a fresh context on a manual clock (fuzz_ctx_open)
 * that starts an hour after the previous one's, so what the net learned
 * from earlier inputs (neighbors) has aged out; fuzz_ctx_close() destroys
 * it and aborts if an mbuf did not come back to the pool.
 *
 * Reading the input: struct fuzz_in takes bytes from the front; past the
 * end it yields zeros, so a harness never reads out of bounds.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include <tern/tern.h>

#define FUZZ_FRAME_MAX		2000	/* bytes of one frame at most */
#define FUZZ_CAP_MAX		64	/* frames sent kept for the harness */
#define FUZZ_MS			(1000ULL * 1000)
#define FUZZ_PORT_US		7000
#define FUZZ_PORT_PEER		40000
#define FUZZ_VLAN		100

struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t
fuzz_u8(struct fuzz_in *in)
{
	uint8_t v = 0;

	if (in->n > 0) {
		v = in->p[0];
		in->p++;
		in->n--;
	}
	return v;
}

static inline uint16_t
fuzz_u16(struct fuzz_in *in)
{
	uint16_t hi = fuzz_u8(in);

	return (uint16_t)(hi << 8 | fuzz_u8(in));
}

static inline uint32_t
fuzz_u32(struct fuzz_in *in)
{
	uint32_t hi = fuzz_u16(in);

	return hi << 16 | fuzz_u16(in);
}

/* Up to @max bytes (fewer at the end of the input) into @buf. @return how many. */
size_t fuzz_take(struct fuzz_in *in, uint8_t *buf, size_t max);

/* The length-prefixed record of the input (16-bit length), into @buf. */
size_t fuzz_record(struct fuzz_in *in, uint8_t *buf, size_t max);

/* Build the shared parts once (EAL included). Aborts on failure. */
void fuzz_env_init(const char *name);

/* A fresh context (manual clock); @tcp NULL: small TCP tables. */
struct tern_ctx *fuzz_ctx_open(const struct tern_tcp_config *tcp);

/* Destroy the context; abort if the pool did not get every mbuf back. */
void fuzz_ctx_close(void);

/* The context of the current input. */
struct tern_ctx *fuzz_ctx(void);

/*
 * Hand @len bytes to the context's input on interface @port, as one mbuf
 * or, if @split is in (0, @len), as a chain of two cut at @split; then flush.
 */
void fuzz_input(uint16_t port, const uint8_t *f, size_t len, size_t split);

/*
 * Advance the context's clock by @ns, timers run. The clock runs its timer
 * wheel tick by tick (1 ms), so an input may advance it by FUZZ_TIME_BUDGET
 * in all, no more (enough for the reassembly timeout, TIME_WAIT and a few
 * retransmission timeouts): an input of many long steps would take
 * seconds and tell nothing more.
 */
#define FUZZ_TIME_BUDGET	(150ULL * 1000 * FUZZ_MS)
void fuzz_advance(uint64_t ns);

/* Keep frames the context sends (up to FUZZ_CAP_MAX), or free them at once. */
void fuzz_capture(bool on);
unsigned int fuzz_nb_cap(void);
struct rte_mbuf *fuzz_cap(unsigned int i);
void fuzz_cap_clear(void);
/* Frames the context sent in this input. */
uint64_t fuzz_nb_sent(void);

/* Addresses: ours and the peer's on interface 0, ours on interface 1. */
tern_ip4_t fuzz_ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);
extern const struct rte_ether_addr fuzz_mac_us, fuzz_mac_peer;
extern const struct tern_ip6 fuzz_ip6_us, fuzz_ip6_peer, fuzz_ip6_us1;
#define FUZZ_IP4_US	fuzz_ip4(10, 0, 0, 1)
#define FUZZ_IP4_PEER	fuzz_ip4(10, 0, 0, 2)
#define FUZZ_IP4_US1	fuzz_ip4(10, 1, 0, 1)

/* ---- building frames: all fields big-endian, as on the wire ---- */

void fuzz_put16(uint8_t *p, uint16_t v);
void fuzz_put32(uint8_t *p, uint32_t v);
uint16_t fuzz_get16(const uint8_t *p);
uint32_t fuzz_get32(const uint8_t *p);

/* Ethernet header peer -> us (@vlan: with an 802.1Q tag). @return its length. */
size_t fuzz_eth(uint8_t *f, uint16_t type, bool vlan);

/* RFC 1071 sum of @len bytes added to @sum (not folded to 16 bits until the end). */
uint16_t fuzz_cksum(const void *p, size_t len, uint32_t sum);

/* Set the checksum of IPv4 header @ip (its IHL). */
void fuzz_ip4_fix(uint8_t *ip);

/*
 * Set the checksum at offset @ck_off of the @len-byte L4 message @l4 of
 * protocol @proto under IP header @ip (family 4 or 6; pseudo-header; ICMPv4
 * has none).
 */
void fuzz_l4_fix(uint8_t family, const uint8_t *ip, uint8_t *l4, size_t len, uint8_t proto,
		 size_t ck_off);

/*
 * On the current context: a UDP stream and a TCP listener (backlog 4) on
 * port FUZZ_PORT_US of every address, IPv4 and IPv6; drain: take what they
 * received (datagrams freed, connections accepted, read and closed) and
 * the context's events.
 */
void fuzz_services_open(void);
void fuzz_services_drain(void);

#endif /* FUZZ_ENV_H */
