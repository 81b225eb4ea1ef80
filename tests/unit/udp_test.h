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

static inline tern_ip4_t
host4(enum host h)
{
	switch (h) {
	case US:
		return ip4(10, 0, 0, 1);
	case US2:
		return ip4(192, 168, 1, 1);
	case PEER:
		return ip4(10, 0, 0, 2);
	case PEER2:
		return ip4(10, 0, 0, 3);
	case OTHER:
		return ip4(10, 0, 0, 99);
	case BCAST:
		return ip4(10, 0, 0, 255);
	}
	return 0;
}

static const struct tern_ip6 *
host6(enum host h)
{
	switch (h) {
	case US:
		return &our_ip6;
	case US2:
		return &our2_ip6;
	case PEER:
		return &peer_ip6;
	case PEER2:
		return &peer2_ip6;
	case OTHER:
		return &other_ip6;
	case BCAST:
		return &all_nodes_ip6;
	}
	return NULL;
}

static inline struct tern_sockaddr
host_sa(uint8_t family, enum host h, uint16_t port)
{
	struct tern_sockaddr sa;

	memset(&sa, 0, sizeof(sa));
	sa.family = family;
	sa.port = rte_cpu_to_be_16(port);
	if (family == 4)
		sa.ip4 = host4(h);
	else
		sa.ip6 = *host6(h);
	return sa;
}

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
static inline uint16_t
ref_phdr(uint8_t family, const uint8_t *ip, uint32_t len, uint8_t proto)
{
	uint8_t ph[40] = { 0 };

	if (family == 4) {
		memcpy(ph, ip + 12, 8);		/* source, destination */
		ph[9] = proto;
		put16(ph + 10, (uint16_t)len);
		return ref_sum(ph, 12, 0);
	}
	memcpy(ph, ip + 8, 32);			/* RFC 8200 8.1 */
	put16(ph + 32, (uint16_t)(len >> 16));
	put16(ph + 34, (uint16_t)len);
	ph[39] = proto;
	return ref_sum(ph, 40, 0);
}

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

static uint8_t data[DATA_MAX];		/* payloads under test */
static uint8_t rbuf[DATA_MAX];		/* what came back */

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
static inline size_t
dgram_frame(uint8_t *f, const struct dgram *d, const struct rte_ether_addr *dmac)
{
	uint8_t *ip = f + ETH_LEN, *u = f + l4_off(d->family);
	size_t ulen = UDP_LEN + d->plen;

	memcpy(f, (dmac != NULL ? dmac : &our_mac)->addr_bytes, 6);
	memcpy(f + 6, peer_mac.addr_bytes, 6);
	if (d->family == 4) {
		tern_ip4_t s = host4(d->src), t = host4(d->dst);

		put16(f + 12, ET_IPV4);
		memset(ip, 0, IP4_LEN);
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(IP4_LEN + ulen));
		put16(ip + 4, 0x1234);
		put16(ip + 6, 0x4000);
		ip[8] = TTL;
		ip[9] = PROTO_UDP;
		memcpy(ip + 12, &s, 4);
		memcpy(ip + 16, &t, 4);
		ip4_fix_cksum(f);
	} else {
		put16(f + 12, ET_IPV6);
		memset(ip, 0, IP6_LEN);
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)ulen);
		ip[6] = PROTO_UDP;
		ip[7] = TTL;
		memcpy(ip + 8, host6(d->src)->a, 16);
		memcpy(ip + 24, host6(d->dst)->a, 16);
	}
	put16(u, d->sport);
	put16(u + 2, d->dport);
	put16(u + 4, (uint16_t)ulen);
	if (d->plen != 0)
		memcpy(u + UDP_LEN, d->pl, d->plen);
	udp_fix_cksum(f, d->family, ulen);
	return l4_off(d->family) + ulen;
}

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
static inline struct test_env *
env_open(struct test_env *e, int side, uint32_t caps)
{
	struct test_env_param p = {
		.name = side ? "udp_b" : "udp_a", .mac = side ? peer_mac : our_mac,
		.caps = caps, .cap_max = CAP_MAX,
	};
	struct tern_net *n;

	assert_int_equal(test_env_open(e, &p), 0);
	n = e->net;
	if (side == 0) {
		assert_int_equal(tern_net_addr4_add(n, 0, host4(US), 24), 0);
		assert_int_equal(tern_net_addr4_add(n, 0, host4(US2), 24), 0);
		assert_int_equal(tern_net_addr6_add(n, 0, &our_ip6, 64), 0);
		assert_int_equal(tern_net_addr6_add(n, 0, &our2_ip6, 64), 0);
		assert_int_equal(tern_net_neigh4_set(n, 0, host4(PEER), &peer_mac), 0);
		assert_int_equal(tern_net_neigh4_set(n, 0, host4(PEER2), &peer2_mac), 0);
		assert_int_equal(tern_net_neigh6_set(n, 0, &peer_ip6, &peer_mac), 0);
		assert_int_equal(tern_net_neigh6_set(n, 0, &peer2_ip6, &peer2_mac), 0);
	} else {
		assert_int_equal(tern_net_addr4_add(n, 0, host4(PEER), 24), 0);
		assert_int_equal(tern_net_addr6_add(n, 0, &peer_ip6, 64), 0);
		assert_int_equal(tern_net_neigh4_set(n, 0, host4(US), &our_mac), 0);
		assert_int_equal(tern_net_neigh6_set(n, 0, &our_ip6, &our_mac), 0);
	}
	assert_int_equal(test_env_start(e), 0);
	return e;
}

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

static inline int
teardown(void **state)
{
	struct fixture *f = *state;

	if (f != NULL) {
		test_env_close(&f->a);
		test_env_close(&f->b);
		free(f);
	}
	return 0;
}

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

static inline struct tern_udp_stream *
stream_try(struct test_env *e, const struct tern_sockaddr *local,
	   const struct tern_sockaddr *remote,
	   uint32_t rxq_size, uint64_t udata)
{
	struct tern_udp_param p;

	memset(&p, 0, sizeof(p));
	p.local = *local;
	if (remote != NULL)
		p.remote = *remote;
	p.rxq_size = rxq_size;
	p.udata = udata;
	return tern_udp_open(e->ctx, &p);
}

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
static inline void
expect_dgram(struct tern_udp_stream *s, const uint8_t *pl, size_t plen,
	     const struct tern_sockaddr *from)
{
	struct tern_sockaddr src;
	struct rte_mbuf *m;

	assert_int_equal(tern_udp_recv_burst(s, &m, 1), 1);
	tern_test_assert_mbuf_bytes(m, pl, plen);
	assert_int_equal(tern_udp_pkt_src(m, &src), 0);
	assert_sa_equal(&src, from);
	rte_pktmbuf_free(m);
}

/*
 * Check captured frame @i of @e: datagram @d (as sent by us) to @dmac,
 * software checksums, every header field right.
 */
static inline void
check_udp_out(const struct test_env *e, unsigned int i, const struct dgram *d,
	      const struct rte_ether_addr *dmac)
{
	static uint8_t f[FRAME_MAX];
	const uint8_t *ip = f + ETH_LEN, *u = f + l4_off(d->family);
	size_t ulen = UDP_LEN + d->plen;

	assert_int_equal(test_env_cap_copy(e, i, f, sizeof(f)), l4_off(d->family) + ulen);
	assert_memory_equal(f, dmac->addr_bytes, 6);
	assert_memory_equal(f + 6, our_mac.addr_bytes, 6);
	if (d->family == 4) {
		tern_ip4_t s = host4(d->src), t = host4(d->dst);

		assert_int_equal(get16(f + 12), ET_IPV4);
		assert_int_equal(ip[0], 0x45);
		assert_int_equal(get16(ip + 2), IP4_LEN + ulen);
		assert_int_equal(get16(ip + 6), 0x4000);	/* DF, not a fragment */
		assert_int_equal(ip[8], TTL);
		assert_int_equal(ip[9], PROTO_UDP);
		assert_int_equal(ref_sum(ip, IP4_LEN, 0), 0xffff);
		assert_memory_equal(ip + 12, &s, 4);
		assert_memory_equal(ip + 16, &t, 4);
	} else {
		assert_int_equal(get16(f + 12), ET_IPV6);
		assert_int_equal(ip[0] >> 4, 6);
		assert_int_equal(get16(ip + 4), ulen);
		assert_int_equal(ip[6], PROTO_UDP);
		assert_int_equal(ip[7], TTL);
		assert_memory_equal(ip + 8, host6(d->src)->a, 16);
		assert_memory_equal(ip + 24, host6(d->dst)->a, 16);
	}
	assert_int_equal(get16(u), d->sport);
	assert_int_equal(get16(u + 2), d->dport);
	assert_int_equal(get16(u + 4), ulen);
	assert_int_not_equal(get16(u + 6), 0);
	assert_true(udp_cksum_verifies(d->family, ip, u, ulen));
	if (d->plen != 0)
		assert_memory_equal(u + UDP_LEN, d->pl, d->plen);
	assert_int_equal(e->cap[i]->ol_flags & RTE_MBUF_F_TX_L4_MASK, 0);
}

#endif /* TERN_UDP_TEST_H */
