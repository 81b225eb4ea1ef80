/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * What the UDP tests (test_udp.c, test_udp_input.c) share: datagrams built
 * independently of the library, reference checksums, and the context under
 * test on a virtual device. Helpers are static inline: each test binary is
 * one translation unit.
 */
#ifndef TERN_UDP_TEST_H
#define TERN_UDP_TEST_H
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_env.h"

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include <tern/tern.h>

#define CAP_MAX		256
#define FRAME_MAX	2048
#define DATA_MAX	70000
#define ETH_LEN		14
#define IP4_LEN		20
#define IP6_LEN		40
#define UDP_LEN		8
#define ICMP_LEN	8
#define MTU		1500
#define ET_IPV4		0x0800
#define ET_IPV6		0x86dd
#define PROTO_ICMP	1
#define PROTO_UDP	17
#define PROTO_FRAG6	44
#define PROTO_ICMPV6	58
#define TTL		64		/* the default TTL / hop limit */
#define ICMP_BURST	50		/* the default ICMP error burst */
#define MS		(1000ULL * 1000)
#define SEC		(1000ULL * MS)
#define EPHEMERAL_LO	49152
#define EPHEMERAL_HI	65535

#define PORT_US		7000		/* host order, ours */
#define PORT_PEER	40000		/* host order, the peers' */

#define FUZZ_FRAMES	1000
#define FUZZ_SEED	0x5eed2026u	/* TERN_TEST_SEED in the environment overrides it */

static const struct rte_ether_addr our_mac = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 } };
static const struct rte_ether_addr peer_mac = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 } };
static const struct rte_ether_addr peer2_mac = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x03 } };
static const struct rte_ether_addr bcast_mac = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
static const struct rte_ether_addr all_nodes_mac = { { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 } };

static const struct tern_ip6 our_ip6 = { { 0xfd, [15] = 0x01 } };
static const struct tern_ip6 our2_ip6 = { { 0xfd, 0x01, [15] = 0x01 } };
static const struct tern_ip6 peer_ip6 = { { 0xfd, [15] = 0x02 } };
static const struct tern_ip6 peer2_ip6 = { { 0xfd, [15] = 0x03 } };
static const struct tern_ip6 other_ip6 = { { 0xfd, [15] = 0x99 } };
static const struct tern_ip6 all_nodes_ip6 = { { 0xff, 0x02, [15] = 0x01 } };

static inline tern_ip4_t
ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return test_ip4(a, b, c, d);
}

/* The hosts of the tests: ours (two addresses), two peers, one stranger. */
enum host {
	US,		/* 10.0.0.1/24, fd00::1/64 */
	US2,		/* 192.168.1.1/24, fd01::1/64: a second address of ours */
	PEER,		/* 10.0.0.2, fd00::2: a permanent neighbor */
	PEER2,		/* 10.0.0.3, fd00::3: another one */
	OTHER,		/* 10.0.0.99, fd00::99: on the link, not ours */
	BCAST,		/* 10.0.0.255, ff02::1 */
};

tern_ip4_t
host4(enum host h);

const struct tern_ip6 *
host6(enum host h);

struct tern_sockaddr
host_sa(uint8_t family, enum host h, uint16_t port);

/* Any of our addresses (0.0.0.0 / ::), port @port (0: ephemeral). */
static inline struct tern_sockaddr
any_sa(uint8_t family, uint16_t port)
{
	struct tern_sockaddr sa;

	memset(&sa, 0, sizeof(sa));
	sa.family = family;
	sa.port = rte_cpu_to_be_16(port);
	return sa;
}

static inline void
assert_sa_equal(const struct tern_sockaddr *got, const struct tern_sockaddr *want)
{
	assert_int_equal(got->family, want->family);
	assert_int_equal(rte_be_to_cpu_16(got->port), rte_be_to_cpu_16(want->port));
	if (want->family == 4)
		assert_int_equal(rte_be_to_cpu_32(got->ip4), rte_be_to_cpu_32(want->ip4));
	else
		assert_memory_equal(got->ip6.a, want->ip6.a, 16);
}

/* ---- byte helpers, reference checksums, a seeded generator ---- */

/* Sum of the pseudo-header of IP header @ip for @len bytes of protocol @proto. */
uint16_t
ref_phdr(uint8_t family, const uint8_t *ip, uint32_t len, uint8_t proto);

static inline size_t
l4_off(uint8_t family)
{
	return ETH_LEN + (family == 4 ? IP4_LEN : IP6_LEN);
}

/* Does the UDP datagram @u (@ulen bytes) under IP header @ip check? */
static inline bool
udp_cksum_verifies(uint8_t family, const uint8_t *ip, const uint8_t *u, size_t ulen)
{
	return ref_sum(u, ulen, ref_phdr(family, ip, (uint32_t)ulen, PROTO_UDP)) == 0xffff;
}

/* Set the UDP checksum of frame @f computed over @ulen bytes (RFC 768: 0 goes as 0xffff). */
static inline void
udp_fix_cksum(uint8_t *f, uint8_t family, size_t ulen)
{
	uint8_t *u = f + l4_off(family);
	uint16_t c;

	put16(u + 6, 0);
	c = (uint16_t)~ref_sum(u, ulen, ref_phdr(family, f + ETH_LEN, (uint32_t)ulen, PROTO_UDP));
	put16(u + 6, c == 0 ? 0xffff : c);
}

static inline void
ip4_fix_cksum(uint8_t *f)
{
	uint8_t *ip = f + ETH_LEN;

	put16(ip + 10, 0);
	put16(ip + 10, ref_cksum(ip, IP4_LEN));
}

static uint32_t rng_state;

/* xorshift32: the same bytes in every run for one seed. */
static inline uint32_t
rng(void)
{
	uint32_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	rng_state = x;
	return x;
}

static inline void
fill(uint8_t *p, size_t len, uint32_t seed)
{
	size_t i;

	rng_state = seed ? seed : 1;
	for (i = 0; i < len; i++)
		p[i] = (uint8_t)rng();
}

static uint8_t data[DATA_MAX] __rte_unused;	/* payloads under test */
static uint8_t rbuf[DATA_MAX] __rte_unused;	/* what came back */

/* ---- datagrams on the wire, built without the library ---- */

struct dgram {
	uint8_t family;
	enum host src;
	enum host dst;
	uint16_t sport;		/* host order */
	uint16_t dport;
	const uint8_t *pl;
	size_t plen;
};

static inline struct dgram
dg(uint8_t family, enum host src, enum host dst, uint16_t sport, uint16_t dport,
   const uint8_t *pl, size_t plen)
{
	struct dgram d = {
		.family = family, .src = src, .dst = dst, .sport = sport, .dport = dport,
		.pl = pl, .plen = plen,
	};

	return d;
}

/*
 * The frame of @d from the peer's MAC to @dmac (NULL: ours), IPv4 with DF,
 * TTL / hop limit 64, checksums right. @return its length.
 */
size_t
dgram_frame(uint8_t *f, const struct dgram *d, const struct rte_ether_addr *dmac);

/* ---- the context under test, its device and what it sends ---- */

/*
 * "a" is the stack under test (US, US2, PEER and PEER2 permanent
 * neighbors); "b" plays PEER when a test needs a second stack. Only one
 * tern_net fits in the tests' EAL memory at a time (its route tables).
 */
struct fixture {
	struct test_env a;
	struct test_env b;
	unsigned int mark;		/* pool count at the start */
};

/* Open @e as side @side (0: a, 1: b) on a device claiming @caps. */
struct test_env *
env_open(struct test_env *e, int side, uint32_t caps);

static inline int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	*state = f;
	f->mark = tern_test_pool_mark();
	return 0;
}

int
teardown(void **state);

/* End of a test: nothing lost, everything freed, every mbuf back in the pool. */
static inline void
finish(struct fixture *f)
{
	assert_int_equal(f->a.cap_lost, 0);
	assert_int_equal(f->b.cap_lost, 0);
	test_env_close(&f->a);
	test_env_close(&f->b);
	tern_test_assert_pool_back();
}

struct tern_udp_stream *
stream_try(struct test_env *e, const struct tern_sockaddr *local,
	   const struct tern_sockaddr *remote,
	   uint32_t rxq_size, uint64_t udata);

static inline struct tern_udp_stream *
stream_open(struct test_env *e, const struct tern_sockaddr *local,
	    const struct tern_sockaddr *remote)
{
	struct tern_udp_stream *s = stream_try(e, local, remote, 0, 0);

	if (s == NULL)
		print_error("tern_udp_open: %s\n", rte_strerror(rte_errno));
	assert_non_null(s);
	return s;
}

/* Feed one frame (in segments of @seg_len bytes; 0: one) with @ol_flags, flush the output. */
static inline void
feed_segs(struct test_env *e, const uint8_t *f, size_t len, size_t seg_len, uint64_t ol_flags)
{
	struct rte_mbuf *m = tern_test_mbuf_from_segs(f, len, seg_len);

	m->ol_flags |= ol_flags;
	tern_ctx_input(e->ctx, 0, &m, 1);
	tern_ctx_flush(e->ctx);
}

static inline void
feed(struct test_env *e, const uint8_t *f, size_t len)
{
	feed_segs(e, f, len, 0, 0);
}

/* Build datagram @d (to our MAC) and feed it. */
static inline void
feed_dgram(struct test_env *e, const struct dgram *d)
{
	uint8_t f[FRAME_MAX];

	feed(e, f, dgram_frame(f, d, NULL));
}

/* Take the next datagram of @s: exactly @plen bytes of @pl, from @from. */
void
expect_dgram(struct tern_udp_stream *s, const uint8_t *pl, size_t plen,
	     const struct tern_sockaddr *from);

/*
 * Check captured frame @i of @e: datagram @d (as sent by us) to @dmac,
 * software checksums, every header field right.
 */
void
check_udp_out(const struct test_env *e, unsigned int i, const struct dgram *d,
	      const struct rte_ether_addr *dmac);

#endif /* TERN_UDP_TEST_H */
