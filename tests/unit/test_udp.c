/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * UDP streams (lib/udp): datagrams built here, independently of the library,
 * are fed as Ethernet frames to a context on a virtual device, and what it
 * sends is captured and checked byte by byte, checksums against a reference
 * written here. One test per behaviour: headers and checksums both ways,
 * checksum offload, demultiplexing and binding rules, the receive queue and
 * its events, ICMP port unreachable and its rate limit, malformed input, and
 * the copying wrappers. Every test ends with every mbuf back in the pool.
 */
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

static tern_ip4_t
ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return rte_cpu_to_be_32(RTE_IPV4(a, b, c, d));
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

static tern_ip4_t
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

static struct tern_sockaddr
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
static struct tern_sockaddr
any_sa(uint8_t family, uint16_t port)
{
	struct tern_sockaddr sa;

	memset(&sa, 0, sizeof(sa));
	sa.family = family;
	sa.port = rte_cpu_to_be_16(port);
	return sa;
}

static void
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
static uint16_t
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

static size_t
l4_off(uint8_t family)
{
	return ETH_LEN + (family == 4 ? IP4_LEN : IP6_LEN);
}

/* Does the UDP datagram @u (@ulen bytes) under IP header @ip check? */
static bool
udp_cksum_verifies(uint8_t family, const uint8_t *ip, const uint8_t *u, size_t ulen)
{
	return ref_sum(u, ulen, ref_phdr(family, ip, (uint32_t)ulen, PROTO_UDP)) == 0xffff;
}

/* Set the UDP checksum of frame @f computed over @ulen bytes (RFC 768: 0 goes as 0xffff). */
static void
udp_fix_cksum(uint8_t *f, uint8_t family, size_t ulen)
{
	uint8_t *u = f + l4_off(family);
	uint16_t c;

	put16(u + 6, 0);
	c = (uint16_t)~ref_sum(u, ulen, ref_phdr(family, f + ETH_LEN, (uint32_t)ulen, PROTO_UDP));
	put16(u + 6, c == 0 ? 0xffff : c);
}

static void
ip4_fix_cksum(uint8_t *f)
{
	uint8_t *ip = f + ETH_LEN;

	put16(ip + 10, 0);
	put16(ip + 10, ref_cksum(ip, IP4_LEN));
}

static uint32_t rng_state;

/* xorshift32: the same bytes in every run for one seed. */
static uint32_t
rng(void)
{
	uint32_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	rng_state = x;
	return x;
}

static void
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

static struct dgram
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
static size_t
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
static struct test_env *
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

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	*state = f;
	f->mark = tern_test_pool_mark();
	return 0;
}

static int
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
static void
finish(struct fixture *f)
{
	assert_int_equal(f->a.cap_lost, 0);
	assert_int_equal(f->b.cap_lost, 0);
	test_env_close(&f->a);
	test_env_close(&f->b);
	tern_test_assert_pool_back();
}

static struct tern_udp_stream *
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

static struct tern_udp_stream *
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
static void
feed_segs(struct test_env *e, const uint8_t *f, size_t len, size_t seg_len, uint64_t ol_flags)
{
	struct rte_mbuf *m = tern_test_mbuf_from_segs(f, len, seg_len);

	m->ol_flags |= ol_flags;
	tern_ctx_input(e->ctx, 0, &m, 1);
	tern_ctx_flush(e->ctx);
}

static void
feed(struct test_env *e, const uint8_t *f, size_t len)
{
	feed_segs(e, f, len, 0, 0);
}

/* Build datagram @d (to our MAC) and feed it. */
static void
feed_dgram(struct test_env *e, const struct dgram *d)
{
	uint8_t f[FRAME_MAX];

	feed(e, f, dgram_frame(f, d, NULL));
}

/* Take the next datagram of @s: exactly @plen bytes of @pl, from @from. */
static void
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
static void
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

/* ==== headers built and parsed ==== */

/* A datagram to a bound port comes out with exactly its payload and its sender. */
static void
recv_case(void **state, uint8_t family)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(family, PORT_US);
	struct tern_sockaddr from = host_sa(family, PEER, PORT_PEER);
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	struct dgram d = dg(family, PEER, US, PORT_PEER, PORT_US, data, 100);
	struct dgram empty = dg(family, PEER, US, PORT_PEER, PORT_US, NULL, 0);

	fill(data, 100, 1);
	feed_dgram(a, &d);
	feed_dgram(a, &empty);
	assert_int_equal(tern_udp_rx_count(s), 2);
	expect_dgram(s, data, 100, &from);
	expect_dgram(s, NULL, 0, &from);
	assert_int_equal(tern_udp_rx_count(s), 0);
	assert_int_equal(test_env_stats(a).udp_in, 2);
	assert_int_equal(test_env_stats(a).udp_cksum_rx_sw, 2);
	assert_int_equal(a->nb_cap, 0);		/* nothing answered */
	tern_udp_close(s);
	finish(f);
}

static void
test_ip4_datagram_is_received_with_its_payload_and_sender(void **state)
{
	recv_case(state, 4);
}

static void
test_ip6_datagram_is_received_with_its_payload_and_sender(void **state)
{
	recv_case(state, 6);
}

/*
 * send_burst, sendto and a connected stream's send to a permanent neighbor
 * leave at once with every header field right and a checksum that verifies.
 */
static void
send_case(void **state, uint8_t family)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(family, PORT_US);
	struct tern_sockaddr to = host_sa(family, PEER, PORT_PEER);
	struct tern_sockaddr to2 = host_sa(family, PEER2, PORT_PEER + 1);
	struct tern_udp_stream *s = stream_open(a, &local, NULL), *c;
	struct dgram d0 = dg(family, US, PEER, PORT_US, PORT_PEER, data, 1);
	struct dgram d1 = dg(family, US, PEER, PORT_US, PORT_PEER, data + 1, 200);
	struct dgram d2 = dg(family, US, PEER, PORT_US, PORT_PEER, data + 300, 301);
	struct dgram d3 = dg(family, US, PEER2, PORT_US + 1, PORT_PEER + 1, data + 700, 64);
	struct rte_mbuf *m[2];

	fill(data, 1000, 2);
	m[0] = tern_test_mbuf_from(d0.pl, d0.plen);
	m[1] = tern_test_mbuf_from(d1.pl, d1.plen);
	assert_int_equal(tern_udp_send_burst(s, m, 2, &to), 2);
	assert_int_equal(tern_udp_sendto(s, d2.pl, d2.plen, &to), d2.plen);
	/* a connected stream sends to its remote when given no destination */
	local = any_sa(family, PORT_US + 1);
	c = stream_open(a, &local, &to2);
	assert_int_equal(tern_udp_sendto(c, d3.pl, d3.plen, NULL), d3.plen);
	tern_ctx_flush(a->ctx);
	assert_int_equal(a->nb_cap, 4);
	check_udp_out(a, 0, &d0, &peer_mac);
	check_udp_out(a, 1, &d1, &peer_mac);
	check_udp_out(a, 2, &d2, &peer_mac);
	check_udp_out(a, 3, &d3, &peer2_mac);
	assert_int_equal(test_env_stats(a).udp_out, 4);
	assert_int_equal(test_env_stats(a).udp_cksum_tx_sw, 4);
	assert_int_equal(test_env_stats(a).udp_cksum_tx_hw, 0);
	assert_int_equal(test_env_stats(a).neigh_held, 0);
	tern_udp_close(s);
	tern_udp_close(c);
	finish(f);
}

static void
test_ip4_send_builds_headers_and_checksum(void **state)
{
	send_case(state, 4);
}

static void
test_ip6_send_builds_headers_and_checksum(void **state)
{
	send_case(state, 6);
}

/* RFC 768: a checksum that computes to 0 is sent as all ones (0 means "none"). */
static void
test_checksum_computed_as_zero_is_sent_as_ffff(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(4, PORT_US), to = host_sa(4, PEER, PORT_PEER);
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	struct dgram d = dg(4, US, PEER, PORT_US, PORT_PEER, data, 32);
	uint8_t fr[FRAME_MAX], *u = fr + l4_off(4);
	uint16_t sum;

	/* Choose the last payload word so that the whole sum is 0xffff. */
	fill(data, 30, 3);
	data[30] = data[31] = 0;
	dgram_frame(fr, &d, &peer_mac);
	put16(u + 6, 0);
	sum = ref_sum(u, UDP_LEN + 32, ref_phdr(4, fr + ETH_LEN, UDP_LEN + 32, PROTO_UDP));
	put16(data + 30, (uint16_t)~sum);
	assert_int_equal(tern_udp_sendto(s, data, 32, &to), 32);
	tern_ctx_flush(a->ctx);
	assert_int_equal(a->nb_cap, 1);
	check_udp_out(a, 0, &d, &peer_mac);
	test_env_cap_copy(a, 0, fr, sizeof(fr));
	assert_int_equal(get16(u + 6), 0xffff);
	tern_udp_close(s);
	finish(f);
}

/* ==== checksum offload ==== */

/*
 * Send @plen bytes of data from a fresh context on a device with @caps and
 * return the UDP checksum of the frame, completed as a NIC would when it was
 * left to the device; the UDP datagram goes into @udp.
 */
static uint16_t
offload_send(struct fixture *f, uint32_t caps, uint8_t family, size_t plen, uint8_t *udp)
{
	struct test_env *a = env_open(&f->a, 0, caps);
	struct tern_sockaddr local = any_sa(family, PORT_US), to = host_sa(family, PEER, PORT_PEER);
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	uint8_t fr[FRAME_MAX], *ip = fr + ETH_LEN, *u = fr + l4_off(family);
	size_t ulen = UDP_LEN + plen;
	const struct rte_mbuf *m;
	uint16_t c;

	assert_int_equal(tern_udp_sendto(s, data, plen, &to), plen);
	tern_ctx_flush(a->ctx);
	assert_int_equal(a->nb_cap, 1);
	m = a->cap[0];
	assert_int_equal(test_env_cap_copy(a, 0, fr, sizeof(fr)), l4_off(family) + ulen);
	if (caps & TERN_CAP_TX_UDP_CKSUM) {
		assert_int_equal(m->ol_flags & RTE_MBUF_F_TX_L4_MASK, RTE_MBUF_F_TX_UDP_CKSUM);
		assert_true(m->ol_flags & (family == 4 ? RTE_MBUF_F_TX_IPV4 : RTE_MBUF_F_TX_IPV6));
		assert_int_equal(m->l2_len, ETH_LEN);
		assert_int_equal(m->l3_len, family == 4 ? IP4_LEN : IP6_LEN);
		assert_int_equal(m->l4_len, UDP_LEN);
		/* the pseudo-header sum, not complemented, waits in the field */
		assert_int_equal(get16(u + 6), ref_phdr(family, ip, (uint32_t)ulen, PROTO_UDP));
		if (family == 4) {
			assert_true(m->ol_flags & RTE_MBUF_F_TX_IP_CKSUM);
			put16(ip + 10, ref_cksum(ip, IP4_LEN));
		}
		/* the NIC: sum of the datagram from the UDP header on, complemented */
		c = ref_cksum(u, ulen);
		put16(u + 6, c == 0 ? 0xffff : c);
		assert_int_equal(test_env_stats(a).udp_cksum_tx_hw, 1);
		assert_int_equal(test_env_stats(a).udp_cksum_tx_sw, 0);
	} else {
		assert_int_equal(m->ol_flags & RTE_MBUF_F_TX_L4_MASK, 0);
		assert_false(m->ol_flags & RTE_MBUF_F_TX_IP_CKSUM);
		assert_int_equal(test_env_stats(a).udp_cksum_tx_hw, 0);
		assert_int_equal(test_env_stats(a).udp_cksum_tx_sw, 1);
	}
	if (family == 4)
		assert_int_equal(ref_sum(ip, IP4_LEN, 0), 0xffff);
	assert_true(udp_cksum_verifies(family, ip, u, ulen));
	memcpy(udp, u, ulen);
	tern_udp_close(s);
	test_env_close(a);
	return get16(udp + 6);
}

static void
offload_case(void **state, uint8_t family)
{
	static const size_t sizes[] = { 0, 1, 333, 1024 };
	const uint32_t hw = TERN_CAP_TX_UDP_CKSUM | TERN_CAP_TX_IP4_CKSUM;
	struct fixture *f = *state;
	uint8_t by_hw[FRAME_MAX], by_sw[FRAME_MAX];
	unsigned int i;

	for (i = 0; i < RTE_DIM(sizes); i++) {
		fill(data, sizes[i], 10 + i);
		assert_int_equal(offload_send(f, hw, family, sizes[i], by_hw),
				 offload_send(f, 0, family, sizes[i], by_sw));
		assert_memory_equal(by_hw, by_sw, UDP_LEN + sizes[i]);
	}
	finish(f);
}

static void
test_ip4_checksum_offload_completes_to_the_software_checksum(void **state)
{
	offload_case(state, 4);
}

static void
test_ip6_checksum_offload_completes_to_the_software_checksum(void **state)
{
	offload_case(state, 6);
}

/* The device's receive verdict: GOOD trusted, BAD dropped, UNKNOWN checked here. */
static void
rx_cksum_case(void **state, uint8_t family)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(family, PORT_US);
	struct tern_sockaddr from = host_sa(family, PEER, PORT_PEER);
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	struct dgram d = dg(family, PEER, US, PORT_PEER, PORT_US, data, 50);
	uint8_t good[FRAME_MAX], bad[FRAME_MAX];
	size_t len;

	fill(data, 50, 4);
	len = dgram_frame(good, &d, NULL);
	memcpy(bad, good, len);
	bad[l4_off(family) + 7] ^= 0x5a;	/* a wrong checksum */

	feed_segs(a, bad, len, 0, RTE_MBUF_F_RX_L4_CKSUM_GOOD);
	assert_int_equal(tern_udp_rx_count(s), 1);
	assert_int_equal(test_env_stats(a).udp_cksum_rx_hw, 1);
	assert_int_equal(test_env_stats(a).udp_cksum_rx_sw, 0);

	feed_segs(a, good, len, 0, RTE_MBUF_F_RX_L4_CKSUM_BAD);
	assert_int_equal(tern_udp_rx_count(s), 1);
	assert_int_equal(test_env_stats(a).drop_udp_cksum, 1);
	assert_int_equal(test_env_stats(a).udp_cksum_rx_sw, 0);

	feed_segs(a, good, len, 0, RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN);
	assert_int_equal(tern_udp_rx_count(s), 2);
	assert_int_equal(test_env_stats(a).udp_cksum_rx_sw, 1);

	feed_segs(a, bad, len, 0, RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN);
	assert_int_equal(tern_udp_rx_count(s), 2);
	assert_int_equal(test_env_stats(a).udp_cksum_rx_sw, 2);
	assert_int_equal(test_env_stats(a).drop_udp_cksum, 2);

	expect_dgram(s, data, 50, &from);
	expect_dgram(s, data, 50, &from);
	assert_int_equal(a->nb_cap, 0);		/* no ICMP about a bad checksum */
	tern_udp_close(s);
	finish(f);
}

static void
test_ip4_rx_checksum_good_trusted_bad_dropped_unknown_verified(void **state)
{
	rx_cksum_case(state, 4);
}

static void
test_ip6_rx_checksum_good_trusted_bad_dropped_unknown_verified(void **state)
{
	rx_cksum_case(state, 6);
}

/*
 * RTE_MBUF_F_RX_L4_CKSUM_NONE: "the L4 checksum is not correct in the packet
 * data, but the integrity of the L4 data is verified" (rte_mbuf_core.h; what
 * vhost in its compliant offload-flags mode reports for a guest's packet whose
 * checksum was left partial). The datagram is good and must be delivered.
 */
static void
test_rx_checksum_none_data_verified_is_accepted(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(4, PORT_US), from = host_sa(4, PEER, PORT_PEER);
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	struct dgram d = dg(4, PEER, US, PORT_PEER, PORT_US, data, 50);
	uint8_t fr[FRAME_MAX], *ip = fr + ETH_LEN, *u = fr + l4_off(4);
	size_t len;

	fill(data, 50, 5);
	len = dgram_frame(fr, &d, NULL);
	/* a partial checksum: the pseudo-header sum only, as a sender offloading it leaves */
	put16(u + 6, ref_phdr(4, ip, UDP_LEN + 50, PROTO_UDP));
	feed_segs(a, fr, len, 0, RTE_MBUF_F_RX_L4_CKSUM_NONE);
	assert_int_equal(test_env_stats(a).drop_udp_cksum, 0);
	assert_int_equal(tern_udp_rx_count(s), 1);
	expect_dgram(s, data, 50, &from);
	tern_udp_close(s);
	finish(f);
}

/* ==== echo ==== */

/* reply_burst sends each datagram back to its own sender, through its buffer. */
static void
reply_case(void **state, uint8_t family)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(family, PORT_US);
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	struct dgram in1 = dg(family, PEER, US, 1111, PORT_US, data, 40);
	struct dgram in2 = dg(family, PEER2, US, 2222, PORT_US, data + 100, 77);
	struct dgram out1 = dg(family, US, PEER, PORT_US, 1111, rbuf, 40);
	struct dgram out2 = dg(family, US, PEER2, PORT_US, 2222, data + 100, 77);
	struct rte_mbuf *m[2];

	fill(data, 200, 6);
	feed_dgram(a, &in1);
	feed_dgram(a, &in2);
	assert_int_equal(tern_udp_recv_burst(s, m, 2), 2);
	/* the data may be rewritten in place */
	*rte_pktmbuf_mtod(m[0], uint8_t *) ^= 0xff;
	memcpy(rbuf, data, 40);
	rbuf[0] ^= 0xff;
	assert_int_equal(tern_udp_reply_burst(s, m, 2), 2);
	tern_ctx_flush(a->ctx);
	assert_int_equal(a->nb_cap, 2);
	check_udp_out(a, 0, &out1, &peer_mac);
	check_udp_out(a, 1, &out2, &peer2_mac);
	assert_int_equal(test_env_stats(a).udp_out, 2);
	tern_udp_close(s);
	finish(f);
}

static void
test_ip4_reply_burst_answers_each_sender(void **state)
{
	reply_case(state, 4);
}

static void
test_ip6_reply_burst_answers_each_sender(void **state)
{
	reply_case(state, 6);
}

/* ==== demultiplexing and binding ==== */

/* A connected stream gets its peer's datagrams; the wildcard one on the port gets the rest. */
static void
test_connected_stream_takes_precedence_for_its_peer(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local4 = any_sa(4, PORT_US), local6 = any_sa(6, PORT_US);
	struct tern_sockaddr peer4 = host_sa(4, PEER, PORT_PEER);
	struct tern_sockaddr peer6 = host_sa(6, PEER, PORT_PEER);
	struct tern_udp_stream *w4, *c4, *w6, *c6;
	struct dgram d;
	unsigned int i;

	/* IPv4: wildcard opened first; IPv6: the connected one first */
	w4 = stream_open(a, &local4, NULL);
	c4 = stream_open(a, &local4, &peer4);
	c6 = stream_open(a, &local6, &peer6);
	w6 = stream_open(a, &local6, NULL);
	fill(data, 16, 7);
	for (i = 0; i < 2; i++) {
		uint8_t fam = i == 0 ? 4 : 6;
		struct tern_udp_stream *w = i == 0 ? w4 : w6, *c = i == 0 ? c4 : c6;

		d = dg(fam, PEER, US, PORT_PEER, PORT_US, data, 16);
		feed_dgram(a, &d);
		assert_int_equal(tern_udp_rx_count(c), 1);
		assert_int_equal(tern_udp_rx_count(w), 0);
		d = dg(fam, PEER, US, PORT_PEER + 1, PORT_US, data, 16);	/* other port */
		feed_dgram(a, &d);
		d = dg(fam, PEER2, US, PORT_PEER, PORT_US, data, 16);	/* other host */
		feed_dgram(a, &d);
		assert_int_equal(tern_udp_rx_count(c), 1);
		assert_int_equal(tern_udp_rx_count(w), 2);
	}
	/* closing the wildcard one leaves the connected one only its peer's */
	tern_udp_close(w4);
	d = dg(4, PEER2, US, PORT_PEER, PORT_US, data, 16);
	feed_dgram(a, &d);
	assert_int_equal(tern_udp_rx_count(c4), 1);
	assert_int_equal(test_env_stats(a).drop_udp_noport, 1);
	test_env_cap_clear(a);	/* its port unreachable */
	tern_udp_close(c4);
	tern_udp_close(w6);
	tern_udp_close(c6);
	finish(f);
}

/* A stream bound to one of our addresses wins over a wildcard one, whatever the order. */
static void
test_stream_bound_to_address_wins_over_wildcard(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_udp_stream *w, *b;
	struct tern_sockaddr any, mine;
	struct dgram d;
	unsigned int i;

	fill(data, 16, 8);
	for (i = 0; i < 4; i++) {
		uint8_t fam = i < 2 ? 4 : 6;
		uint16_t port = (uint16_t)(PORT_US + i);

		any = any_sa(fam, port);
		mine = host_sa(fam, US, port);
		if (i % 2 == 0) {
			w = stream_open(a, &any, NULL);
			b = stream_open(a, &mine, NULL);
		} else {
			b = stream_open(a, &mine, NULL);
			w = stream_open(a, &any, NULL);
		}
		d = dg(fam, PEER, US, PORT_PEER, port, data, 16);
		feed_dgram(a, &d);
		assert_int_equal(tern_udp_rx_count(b), 1);
		assert_int_equal(tern_udp_rx_count(w), 0);
		d = dg(fam, PEER, US2, PORT_PEER, port, data, 16);	/* our other address */
		feed_dgram(a, &d);
		assert_int_equal(tern_udp_rx_count(b), 1);
		assert_int_equal(tern_udp_rx_count(w), 1);
		tern_udp_close(w);
		tern_udp_close(b);
	}
	assert_int_equal(test_env_stats(a).drop_udp_noport, 0);
	finish(f);
}

static void
expect_open_fails(struct test_env *e, const struct tern_sockaddr *local,
		  const struct tern_sockaddr *remote, int err)
{
	rte_errno = 0;
	assert_null(stream_try(e, local, remote, 0, 0));
	assert_int_equal(rte_errno, err);
}

/* The same local address, port and remote twice is EADDRINUSE; anything less is allowed. */
static void
test_exact_duplicate_is_eaddrinuse(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr any4 = any_sa(4, PORT_US), mine4 = host_sa(4, US, PORT_US);
	struct tern_sockaddr any6 = any_sa(6, PORT_US), mine6 = host_sa(6, US, PORT_US);
	struct tern_sockaddr peer = host_sa(4, PEER, PORT_PEER);
	struct tern_sockaddr peer_p2 = host_sa(4, PEER, PORT_PEER + 1);
	struct tern_udp_stream *s[8];
	unsigned int i;

	s[0] = stream_open(a, &any4, NULL);
	expect_open_fails(a, &any4, NULL, EADDRINUSE);
	s[1] = stream_open(a, &mine4, NULL);
	expect_open_fails(a, &mine4, NULL, EADDRINUSE);
	s[2] = stream_open(a, &any4, &peer);
	expect_open_fails(a, &any4, &peer, EADDRINUSE);
	s[3] = stream_open(a, &any4, &peer_p2);
	s[4] = stream_open(a, &mine4, &peer);
	expect_open_fails(a, &mine4, &peer, EADDRINUSE);
	s[5] = stream_open(a, &any6, NULL);		/* same port, other family */
	expect_open_fails(a, &any6, NULL, EADDRINUSE);
	s[6] = stream_open(a, &mine6, NULL);
	expect_open_fails(a, &mine6, NULL, EADDRINUSE);
	/* closed, the address is free again */
	tern_udp_close(s[0]);
	s[0] = stream_open(a, &any4, NULL);
	for (i = 0; i < 7; i++)
		tern_udp_close(s[i]);
	finish(f);
}

static void
test_local_address_not_ours_is_eaddrnotavail(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr other4 = host_sa(4, OTHER, PORT_US), peer4 = host_sa(4, PEER, PORT_US);
	struct tern_sockaddr other6 = host_sa(6, OTHER, PORT_US), peer6 = host_sa(6, PEER, PORT_US);

	expect_open_fails(a, &other4, NULL, EADDRNOTAVAIL);
	expect_open_fails(a, &peer4, NULL, EADDRNOTAVAIL);
	expect_open_fails(a, &other6, NULL, EADDRNOTAVAIL);
	expect_open_fails(a, &peer6, NULL, EADDRNOTAVAIL);
	finish(f);
}

/* Families must agree: at open (EAFNOSUPPORT) and at send. */
static void
test_ip4_stream_with_ip6_remote_is_eafnosupport(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr any4 = any_sa(4, PORT_US), any6 = any_sa(6, PORT_US);
	struct tern_sockaddr peer4 = host_sa(4, PEER, PORT_PEER);
	struct tern_sockaddr peer6 = host_sa(6, PEER, PORT_PEER);
	struct tern_udp_stream *s;
	struct rte_mbuf *m;

	expect_open_fails(a, &any4, &peer6, EAFNOSUPPORT);
	expect_open_fails(a, &any6, &peer4, EAFNOSUPPORT);
	s = stream_open(a, &any4, NULL);
	fill(data, 10, 9);
	assert_int_equal(tern_udp_sendto(s, data, 10, &peer6), -EAFNOSUPPORT);
	m = tern_test_mbuf_from(data, 10);
	rte_errno = 0;
	assert_int_equal(tern_udp_send_burst(s, &m, 1, &peer6), 0);
	assert_int_equal(rte_errno, EAFNOSUPPORT);
	tern_test_assert_mbuf_bytes(m, data, 10);	/* still the caller's, untouched */
	rte_pktmbuf_free(m);
	tern_ctx_flush(a->ctx);
	assert_int_equal(a->nb_cap, 0);
	tern_udp_close(s);
	finish(f);
}

/* Port 0 picks a free port in 49152..65535, really bound, used as the source. */
static void
test_port_zero_picks_an_ephemeral_port(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_udp_stream *s[6];
	uint16_t port[6];
	struct tern_sockaddr sa, to = host_sa(4, PEER, PORT_PEER);
	uint8_t fr[FRAME_MAX];
	unsigned int i, j;
	struct dgram d;

	for (i = 0; i < 6; i++) {
		uint8_t fam = i < 3 ? 4 : 6;

		sa = any_sa(fam, 0);
		s[i] = stream_open(a, &sa, NULL);
		tern_udp_local(s[i], &sa);
		assert_int_equal(sa.family, fam);
		port[i] = rte_be_to_cpu_16(sa.port);
		assert_in_range(port[i], EPHEMERAL_LO, EPHEMERAL_HI);
		for (j = 0; j < i; j++)
			if (j / 3 == i / 3)
				assert_int_not_equal(port[i], port[j]);
	}
	fill(data, 8, 10);
	for (i = 0; i < 6; i++) {
		d = dg(i < 3 ? 4 : 6, PEER, US, PORT_PEER, port[i], data, 8);
		feed_dgram(a, &d);
		assert_int_equal(tern_udp_rx_count(s[i]), 1);
	}
	assert_int_equal(tern_udp_sendto(s[0], data, 8, &to), 8);
	tern_ctx_flush(a->ctx);
	assert_int_equal(a->nb_cap, 1);
	test_env_cap_copy(a, 0, fr, sizeof(fr));
	assert_int_equal(get16(fr + l4_off(4)), port[0]);
	for (i = 0; i < 6; i++)
		tern_udp_close(s[i]);
	finish(f);
}

/* Closing a stream frees what it had queued, at once. */
static void
test_close_frees_queued_datagrams(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(4, PORT_US);
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	struct dgram d = dg(4, PEER, US, PORT_PEER, PORT_US, data, 300);
	unsigned int i;

	fill(data, 300, 11);
	for (i = 0; i < 5; i++)
		feed_dgram(a, &d);
	assert_int_equal(tern_udp_rx_count(s), 5);
	assert_int_equal(tern_test_pool_avail(), f->mark - 5);
	tern_udp_close(s);
	assert_int_equal(a->nb_cap, 0);
	tern_test_assert_pool_back();		/* with the context still alive */
	assert_int_equal(tern_ctx_pending(a->ctx), 0);
	finish(f);
}

/* ==== the receive queue ==== */

static void
test_receive_queue_holds_rxq_size_datagrams(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(4, PORT_US), from = host_sa(4, PEER, PORT_PEER);
	struct tern_udp_stream *s;
	struct rte_mbuf *m[8];
	uint8_t pl[12][4];
	unsigned int i, round;
	struct dgram d;

	assert_null(stream_try(a, &local, NULL, 3, 0));		/* not a power of 2 */
	assert_int_equal(rte_errno, EINVAL);
	s = stream_try(a, &local, NULL, 4, 0);
	assert_non_null(s);
	for (round = 0; round < 2; round++) {
		for (i = 0; i < 6; i++) {
			memset(pl[i], (int)(round * 16 + i), sizeof(pl[i]));
			d = dg(4, PEER, US, PORT_PEER, PORT_US, pl[i], sizeof(pl[i]));
			feed_dgram(a, &d);
		}
		assert_int_equal(tern_udp_rx_count(s), 4);
		assert_int_equal(test_env_stats(a).drop_udp_rxq_full, 2 * (round + 1));
		/* the first four, in order */
		for (i = 0; i < 4; i++)
			expect_dgram(s, pl[i], sizeof(pl[i]), &from);
		assert_int_equal(tern_udp_recv_burst(s, m, 8), 0);
	}
	assert_int_equal(a->nb_cap, 0);
	tern_udp_close(s);
	finish(f);
}

/* One READABLE event when the queue goes from empty to not, with the stream's udata. */
static void
test_readable_event_once_per_empty_to_nonempty(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(4, PORT_US);
	struct tern_udp_stream *s = stream_try(a, &local, NULL, 0, 0xfeedbeefcafeULL);
	struct dgram d = dg(4, PEER, US, PORT_PEER, PORT_US, data, 10);
	struct tern_event ev[8];
	struct rte_mbuf *m[8];
	unsigned int i;

	assert_non_null(s);
	assert_int_equal(tern_udp_udata(s), 0xfeedbeefcafeULL);
	fill(data, 10, 12);
	assert_int_equal(tern_ctx_events(a->ctx, ev, 8), 0);
	for (i = 0; i < 3; i++)
		feed_dgram(a, &d);
	assert_int_equal(tern_ctx_events(a->ctx, ev, 8), 1);
	assert_int_equal(ev[0].type, TERN_EV_READABLE);
	assert_ptr_equal(ev[0].obj, s);
	assert_int_equal(ev[0].udata, 0xfeedbeefcafeULL);
	/* more while not empty: nothing new, even after a partial read */
	feed_dgram(a, &d);
	assert_int_equal(tern_udp_recv_burst(s, m, 2), 2);
	rte_pktmbuf_free_bulk(m, 2);
	feed_dgram(a, &d);
	assert_int_equal(tern_ctx_events(a->ctx, ev, 8), 0);
	/* drained, then refilled: one more */
	assert_int_equal(tern_udp_recv_burst(s, m, 8), 3);
	rte_pktmbuf_free_bulk(m, 3);
	assert_int_equal(tern_ctx_events(a->ctx, ev, 8), 0);
	feed_dgram(a, &d);
	feed_dgram(a, &d);
	assert_int_equal(tern_ctx_events(a->ctx, ev, 8), 1);
	assert_int_equal(ev[0].type, TERN_EV_READABLE);
	assert_ptr_equal(ev[0].obj, s);
	assert_int_equal(ev[0].udata, 0xfeedbeefcafeULL);
	/* recvfrom drains too */
	assert_int_equal(tern_udp_recvfrom(s, rbuf, sizeof(rbuf), NULL), 10);
	assert_int_equal(tern_udp_recvfrom(s, rbuf, sizeof(rbuf), NULL), 10);
	feed_dgram(a, &d);
	assert_int_equal(tern_ctx_events(a->ctx, ev, 8), 1);
	tern_udp_close(s);
	finish(f);
}

/* ==== ICMP port unreachable ==== */

/* The error to @d's sender: @type/@code, quoting the @qlen bytes of @quote. */
static void
check_unreach(const struct test_env *e, unsigned int i, uint8_t family, const uint8_t *quote,
	      size_t qlen)
{
	static uint8_t fr[FRAME_MAX];
	const uint8_t *ip = fr + ETH_LEN, *ic = fr + l4_off(family);
	size_t len = test_env_cap_copy(e, i, fr, sizeof(fr)), mlen = ICMP_LEN + qlen;

	assert_int_equal(len, l4_off(family) + mlen);
	assert_memory_equal(fr, peer_mac.addr_bytes, 6);
	if (family == 4) {
		tern_ip4_t us = host4(US), peer = host4(PEER);

		assert_int_equal(get16(fr + 12), ET_IPV4);
		assert_int_equal(get16(ip + 2), IP4_LEN + mlen);
		assert_int_equal(ip[9], PROTO_ICMP);
		assert_int_equal(ref_sum(ip, IP4_LEN, 0), 0xffff);
		assert_memory_equal(ip + 12, &us, 4);
		assert_memory_equal(ip + 16, &peer, 4);
		assert_int_equal(ic[0], 3);		/* destination unreachable */
		assert_int_equal(ic[1], 3);		/* port unreachable */
		assert_int_equal(ref_sum(ic, mlen, 0), 0xffff);
	} else {
		assert_int_equal(get16(fr + 12), ET_IPV6);
		assert_int_equal(get16(ip + 4), mlen);
		assert_int_equal(ip[6], PROTO_ICMPV6);
		assert_memory_equal(ip + 8, our_ip6.a, 16);
		assert_memory_equal(ip + 24, peer_ip6.a, 16);
		assert_int_equal(ic[0], 1);		/* destination unreachable */
		assert_int_equal(ic[1], 4);		/* port unreachable */
		assert_int_equal(ref_sum(ic, mlen, ref_phdr(6, ip, (uint32_t)mlen, PROTO_ICMPV6)),
				 0xffff);
	}
	assert_int_equal(get16(ic + 4), 0);		/* unused */
	assert_int_equal(get16(ic + 6), 0);
	assert_memory_equal(ic + ICMP_LEN, quote, qlen);
}

static void
unreach_case(void **state, uint8_t family)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr other = any_sa(family, PORT_US + 1);
	struct tern_udp_stream *s = stream_open(a, &other, NULL);
	struct dgram d = dg(family, PEER, US, PORT_PEER, PORT_US, data, 64);
	uint8_t fr[FRAME_MAX];
	size_t len;

	fill(data, 64, 13);
	len = dgram_frame(fr, &d, NULL);
	feed(a, fr, len);
	assert_int_equal(a->nb_cap, 1);
	/* the whole datagram from its IP header on */
	check_unreach(a, 0, family, fr + ETH_LEN, len - ETH_LEN);
	assert_int_equal(test_env_stats(a).drop_udp_noport, 1);
	if (family == 4)
		assert_int_equal(test_env_stats(a).icmp4_unreach_out, 1);
	else
		assert_int_equal(test_env_stats(a).icmp6_unreach_out, 1);
	assert_int_equal(tern_udp_rx_count(s), 0);
	tern_udp_close(s);
	finish(f);
}

static void
test_ip4_closed_port_answers_port_unreachable_quoting_the_datagram(void **state)
{
	unreach_case(state, 4);
}

static void
test_ip6_closed_port_answers_icmp6_port_unreachable(void **state)
{
	unreach_case(state, 6);
}

/* With a clock that does not move, at most a burst of errors; the rest are counted. */
static void
test_port_unreachable_is_rate_limited(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct dgram d = dg(4, PEER, US, PORT_PEER, PORT_US, data, 20);
	unsigned int i, n;

	fill(data, 20, 14);
	for (i = 0; i < 200; i++)
		feed_dgram(a, &d);
	n = a->nb_cap;
	assert_in_range(n, 1, ICMP_BURST);
	assert_int_equal(test_env_stats(a).icmp4_unreach_out, n);
	assert_int_equal(test_env_stats(a).icmp4_ratelimited, 200 - n);
	assert_int_equal(test_env_stats(a).drop_udp_noport, 200);
	test_env_cap_clear(a);
	/* 1 ms at the default 1000/s earns one more */
	assert_int_equal(tern_ctx_advance(a->ctx, 1 * MS), 0);
	feed_dgram(a, &d);
	feed_dgram(a, &d);
	assert_int_equal(a->nb_cap, 1);
	assert_int_equal(test_env_stats(a).icmp4_ratelimited, 200 - n + 1);
	finish(f);
}

/* Nothing answers a datagram sent to a broadcast or multicast address. */
static void
test_no_port_unreachable_for_broadcast(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct dgram d;
	uint8_t fr[FRAME_MAX], *ip = fr + ETH_LEN;
	size_t len;

	fill(data, 20, 15);
	d = dg(4, PEER, BCAST, PORT_PEER, PORT_US, data, 20);		/* 10.0.0.255 */
	feed(a, fr, dgram_frame(fr, &d, &bcast_mac));
	len = dgram_frame(fr, &d, &bcast_mac);				/* 255.255.255.255 */
	memset(ip + 16, 0xff, 4);
	ip4_fix_cksum(fr);
	udp_fix_cksum(fr, 4, UDP_LEN + 20);
	feed(a, fr, len);
	d = dg(6, PEER, BCAST, PORT_PEER, PORT_US, data, 20);		/* ff02::1 */
	feed(a, fr, dgram_frame(fr, &d, &all_nodes_mac));
	assert_int_equal(test_env_stats(a).drop_udp_noport, 3);
	assert_int_equal(a->nb_cap, 0);
	assert_int_equal(test_env_stats(a).icmp4_unreach_out + test_env_stats(a).icmp6_unreach_out, 0);
	/* the same to our unicast address is answered */
	d = dg(4, PEER, US, PORT_PEER, PORT_US, data, 20);
	feed_dgram(a, &d);
	assert_int_equal(a->nb_cap, 1);
	finish(f);
}

/* ==== malformed input ==== */

/* The IP header says 4 bytes of UDP: shorter than a UDP header. */
static void
test_truncated_udp_header_is_dropped(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr l4 = any_sa(4, PORT_US), l6 = any_sa(6, PORT_US);
	struct tern_udp_stream *s4 = stream_open(a, &l4, NULL), *s6 = stream_open(a, &l6, NULL);
	struct dgram d = dg(4, PEER, US, PORT_PEER, PORT_US, data, 40);
	uint8_t fr[FRAME_MAX];
	size_t len;

	fill(data, 40, 16);
	/* the rest of the frame is there: IP takes it as padding */
	len = dgram_frame(fr, &d, NULL);
	put16(fr + ETH_LEN + 2, IP4_LEN + 4);
	ip4_fix_cksum(fr);
	feed(a, fr, len);
	feed(a, fr, ETH_LEN + IP4_LEN + 4);
	d = dg(6, PEER, US, PORT_PEER, PORT_US, data, 40);
	len = dgram_frame(fr, &d, NULL);
	put16(fr + ETH_LEN + 4, 4);
	feed(a, fr, len);
	feed(a, fr, ETH_LEN + IP6_LEN + 4);
	assert_int_equal(test_env_stats(a).drop_udp_short, 4);
	assert_int_equal(tern_udp_rx_count(s4) + tern_udp_rx_count(s6), 0);
	assert_int_equal(a->nb_cap, 0);
	tern_udp_close(s4);
	tern_udp_close(s6);
	finish(f);
}

/* A UDP length beyond the IP payload, or below the UDP header, is dropped. */
static void
test_udp_length_above_ip_payload_is_dropped(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr l4 = any_sa(4, PORT_US), l6 = any_sa(6, PORT_US);
	struct tern_udp_stream *s4 = stream_open(a, &l4, NULL), *s6 = stream_open(a, &l6, NULL);
	static const uint16_t bad_len[] = { UDP_LEN + 40 + 1, UDP_LEN + 1000, 7, 0 };
	uint8_t fr[FRAME_MAX];
	unsigned int i, fam;
	struct dgram d;
	size_t len;

	fill(data, 40, 17);
	for (fam = 4; fam <= 6; fam += 2) {
		d = dg((uint8_t)fam, PEER, US, PORT_PEER, PORT_US, data, 40);
		for (i = 0; i < RTE_DIM(bad_len); i++) {
			len = dgram_frame(fr, &d, NULL);
			put16(fr + l4_off((uint8_t)fam) + 4, bad_len[i]);
			udp_fix_cksum(fr, (uint8_t)fam, UDP_LEN + 40);
			feed(a, fr, len);
		}
	}
	assert_int_equal(test_env_stats(a).drop_udp_len, 2 * RTE_DIM(bad_len));
	assert_int_equal(tern_udp_rx_count(s4) + tern_udp_rx_count(s6), 0);
	assert_int_equal(a->nb_cap, 0);
	tern_udp_close(s4);
	tern_udp_close(s6);
	finish(f);
}

/*
 * A UDP length below the IP payload: the datagram is the length field's,
 * the rest is dropped; also when the packet comes in a chain of segments
 * (a NIC scattering a large frame, or a reassembled datagram).
 */
static void
test_udp_length_below_ip_payload_is_trimmed(void **state)
{
	static const size_t seg_lens[] = { 0, 64 };
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr l4 = any_sa(4, PORT_US), l6 = any_sa(6, PORT_US);
	struct tern_sockaddr from4 = host_sa(4, PEER, PORT_PEER);
	struct tern_sockaddr from6 = host_sa(6, PEER, PORT_PEER), src;
	struct tern_udp_stream *s4 = stream_open(a, &l4, NULL), *s6 = stream_open(a, &l6, NULL);
	uint8_t fr[FRAME_MAX];
	unsigned int i, fam;
	struct rte_mbuf *m;
	struct dgram d;
	size_t len;

	fill(data, 100, 18);
	for (fam = 4; fam <= 6; fam += 2) {
		struct tern_udp_stream *s = fam == 4 ? s4 : s6;

		d = dg((uint8_t)fam, PEER, US, PORT_PEER, PORT_US, data, 100);
		for (i = 0; i < RTE_DIM(seg_lens); i++) {
			len = dgram_frame(fr, &d, NULL);
			put16(fr + l4_off((uint8_t)fam) + 4, UDP_LEN + 40);
			udp_fix_cksum(fr, (uint8_t)fam, UDP_LEN + 40);	/* over 48 bytes */
			feed_segs(a, fr, len, seg_lens[i], 0);
			assert_int_equal(tern_udp_rx_count(s), 1);
			assert_int_equal(tern_udp_recv_burst(s, &m, 1), 1);
			if (m->pkt_len != 40)
				print_error("IPv%u in %zu-byte segments (0: one): %u bytes\n",
					    fam, seg_lens[i], m->pkt_len);
			tern_test_assert_mbuf_bytes(m, data, 40);
			assert_int_equal(tern_udp_pkt_src(m, &src), 0);
			assert_sa_equal(&src, fam == 4 ? &from4 : &from6);
			rte_pktmbuf_free(m);
		}
	}
	assert_int_equal(test_env_stats(a).drop_udp_len + test_env_stats(a).drop_udp_cksum, 0);
	tern_udp_close(s4);
	tern_udp_close(s6);
	finish(f);
}

/* RFC 768: a zero checksum over IPv4 means "none" and is accepted. */
static void
test_ip4_zero_checksum_is_accepted(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(4, PORT_US), from = host_sa(4, PEER, PORT_PEER);
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	struct dgram d = dg(4, PEER, US, PORT_PEER, PORT_US, data, 30);
	uint8_t fr[FRAME_MAX];
	size_t len;

	fill(data, 30, 19);
	len = dgram_frame(fr, &d, NULL);
	put16(fr + l4_off(4) + 6, 0);
	feed(a, fr, len);
	assert_int_equal(tern_udp_rx_count(s), 1);
	expect_dgram(s, data, 30, &from);
	assert_int_equal(test_env_stats(a).udp_cksum_rx_sw + test_env_stats(a).udp_cksum_rx_hw, 0);
	tern_udp_close(s);
	finish(f);
}

/* RFC 8200 8.1: over IPv6 the checksum is mandatory; a zero one is dropped. */
static void
test_ip6_zero_checksum_is_dropped(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(6, PORT_US);
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	struct dgram d = dg(6, PEER, US, PORT_PEER, PORT_US, data, 30);
	uint8_t fr[FRAME_MAX];
	size_t len;

	fill(data, 30, 20);
	len = dgram_frame(fr, &d, NULL);
	put16(fr + l4_off(6) + 6, 0);
	feed(a, fr, len);
	/* even when the device vouches for it */
	feed_segs(a, fr, len, 0, RTE_MBUF_F_RX_L4_CKSUM_GOOD);
	assert_int_equal(tern_udp_rx_count(s), 0);
	assert_int_equal(test_env_stats(a).drop_udp_zero_cksum6, 2);
	assert_int_equal(a->nb_cap, 0);
	tern_udp_close(s);
	finish(f);
}

/* ---- the garbage flood ---- */

static const int fuzz_sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
static struct sigaction fuzz_old[RTE_DIM(fuzz_sigs)];
static char fuzz_msg[128];
static volatile size_t fuzz_msg_len;
static uint32_t fuzz_seed;

/* On a crash, say which seed and frame, then let cmocka's handler (or the default) act. */
static void
fuzz_on_signal(int sig)
{
	unsigned int i;
	ssize_t r;

	r = write(STDOUT_FILENO, fuzz_msg, fuzz_msg_len);
	(void)r;
	for (i = 0; i < RTE_DIM(fuzz_sigs); i++)
		if (fuzz_sigs[i] == sig)
			sigaction(sig, &fuzz_old[i], NULL);
	/* a fault runs again on return, under the previous handler */
}

static void
fuzz_signals(bool on)
{
	struct sigaction sa;
	unsigned int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fuzz_on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < RTE_DIM(fuzz_sigs); i++) {
		if (on)
			sigaction(fuzz_sigs[i], &sa, &fuzz_old[i]);
		else
			sigaction(fuzz_sigs[i], &fuzz_old[i], NULL);
	}
}

static void
fuzz_where(unsigned int frame)
{
	int n = snprintf(fuzz_msg, sizeof(fuzz_msg),
			 "garbage flood failed: seed 0x%08x (TERN_TEST_SEED=%u), frame %u\n",
			 fuzz_seed, fuzz_seed, frame);

	fuzz_msg_len = n > 0 ? (size_t)n : 0;
}

#define fuzz_check(cond) do {						\
	if (!(cond)) {							\
		print_error("%s", fuzz_msg);				\
		fuzz_signals(false);					\
	}								\
	assert_true(cond);						\
} while (0)

/*
 * A random frame of 0..200 bytes to our MAC, IPv4 or IPv6. Some are pure
 * garbage after the Ethernet header; others get a checked IP header, a UDP
 * header for our stream's port with random lengths, or a whole valid
 * datagram, so that the garbage reaches every layer. @return its length.
 */
static size_t
fuzz_frame(uint8_t *fr, uint64_t *ol_flags, size_t *seg_len)
{
	static const uint64_t l4f[] = {
		RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN, RTE_MBUF_F_RX_L4_CKSUM_GOOD,
		RTE_MBUF_F_RX_L4_CKSUM_BAD, RTE_MBUF_F_RX_L4_CKSUM_NONE,
	};
	static const uint8_t nh6[] = { PROTO_UDP, PROTO_UDP, PROTO_FRAG6, 0, 43, 60, 58 };
	size_t len = rng() % 201, i, l3len;
	uint8_t fam = (rng() & 1) ? 6 : 4, *ip = fr + ETH_LEN, *u = fr + l4_off(fam);
	unsigned int mode = rng() % 4;
	enum host dst = rng() % 8 == 0 ? BCAST : US;

	for (i = 0; i < FRAME_MAX; i++)
		fr[i] = (uint8_t)rng();
	memcpy(fr, (dst == BCAST ? (fam == 4 ? &bcast_mac : &all_nodes_mac) : &our_mac)->addr_bytes,
	       6);
	memcpy(fr + 6, peer_mac.addr_bytes, 6);
	put16(fr + 12, fam == 4 ? ET_IPV4 : ET_IPV6);
	*ol_flags = l4f[rng() % RTE_DIM(l4f)];
	*seg_len = rng() % 8 == 0 ? 64 + rng() % 64 : 0;
	if (mode == 0 || len < ETH_LEN)
		return len;
	l3len = len - ETH_LEN;
	/* a plausible IP header: right version, lengths near the truth, ours */
	if (fam == 4) {
		tern_ip4_t s = host4(PEER), t = host4(dst);

		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(mode == 1 ? rng() % (l3len + 16) : l3len));
		if (mode > 1 || rng() % 2)
			put16(ip + 6, (uint16_t)(rng() % 3 ? 0x4000 : 0));
		ip[9] = PROTO_UDP;
		memcpy(ip + 12, &s, 4);
		memcpy(ip + 16, &t, 4);
		ip4_fix_cksum(fr);
	} else {
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)(mode == 1 ? rng() % (l3len + 16) :
					 l3len > IP6_LEN ? l3len - IP6_LEN : 0));
		ip[6] = mode == 1 ? nh6[rng() % RTE_DIM(nh6)] : PROTO_UDP;
		memcpy(ip + 8, peer_ip6.a, 16);
		memcpy(ip + 24, host6(dst)->a, 16);
	}
	if (mode == 1 || len < l4_off(fam) + UDP_LEN)
		return len;
	/* a UDP header for our stream (mostly) with a length near the truth */
	if (rng() % 4)
		put16(u + 2, PORT_US);
	if (mode == 2) {
		put16(u + 4, (uint16_t)(rng() % (len - l4_off(fam) + 16)));
		if (rng() % 2)
			put16(u + 6, 0);
		return len;
	}
	put16(u + 4, (uint16_t)(len - l4_off(fam)));
	udp_fix_cksum(fr, fam, len - l4_off(fam));
	return len;
}

/* Read what the streams hold: check each sender, echo half, free the rest. */
static unsigned int
fuzz_drain(struct test_env *e, struct tern_udp_stream **s, unsigned int nb_s)
{
	struct tern_event ev[64];
	struct rte_mbuf *m[32];
	struct tern_sockaddr src;
	unsigned int i, j, got = 0;
	uint16_t n, sent;

	while (tern_ctx_events(e->ctx, ev, RTE_DIM(ev)) != 0)
		;
	for (i = 0; i < nb_s; i++) {
		n = tern_udp_recv_burst(s[i], m, RTE_DIM(m));
		got += n;
		for (j = 0; j < n; j++)
			fuzz_check(tern_udp_pkt_src(m[j], &src) == 0 && src.family == (i ? 6 : 4));
		sent = tern_udp_reply_burst(s[i], m, n / 2);
		for (j = sent; j < n; j++)
			rte_pktmbuf_free(m[j]);
	}
	tern_ctx_flush(e->ctx);
	return got;
}

/* 1000 random frames never crash the stack and leave every mbuf where it belongs. */
static void
test_garbage_flood_never_crashes_and_leaks_nothing(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr l4 = any_sa(4, PORT_US), l6 = any_sa(6, PORT_US);
	struct tern_udp_stream *s[2];
	const char *env_seed = getenv("TERN_TEST_SEED");
	unsigned int i, delivered = 0;
	uint8_t fr[FRAME_MAX];

	fuzz_seed = env_seed != NULL ? (uint32_t)strtoul(env_seed, NULL, 0) : FUZZ_SEED;
	rng_state = fuzz_seed ? fuzz_seed : 1;
	s[0] = stream_try(a, &l4, NULL, 64, 4);
	s[1] = stream_try(a, &l6, NULL, 64, 6);
	assert_non_null(s[0]);
	assert_non_null(s[1]);
	a->discard = true;
	fuzz_where(0);
	fuzz_signals(true);
	for (i = 0; i < FUZZ_FRAMES; i++) {
		uint64_t ol;
		size_t seg, len = fuzz_frame(fr, &ol, &seg);

		fuzz_where(i);
		feed_segs(a, fr, len, seg, ol);
		if (i % 16 == 15)
			delivered += fuzz_drain(a, s, 2);
		fuzz_check(tern_ctx_advance(a->ctx, 1 * MS) == 0);
	}
	fuzz_where(FUZZ_FRAMES);
	delivered += fuzz_drain(a, s, 2);
	tern_udp_close(s[0]);
	tern_udp_close(s[1]);
	/* Long enough for held fragments and unresolved neighbors to give up. */
	fuzz_check(tern_ctx_advance(a->ctx, 120 * SEC) == 0);
	tern_ctx_flush(a->ctx);
	fuzz_check(tern_ctx_pending(a->ctx) == 0);
	fuzz_check(tern_test_pool_avail() == f->mark);
	/* the flood reached UDP, and some of it got through */
	fuzz_check(test_env_stats(a).udp_in > FUZZ_FRAMES / 10);
	fuzz_check(delivered > 0);
	fuzz_signals(false);
	finish(f);
}

/* ==== the copying wrappers ==== */

/* 1 byte and the most that fits in a 1500-byte IPv4 packet leave whole. */
static void
test_sendto_1_and_1472_bytes_leave_in_one_frame(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(4, PORT_US), to = host_sa(4, PEER, PORT_PEER);
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	struct dgram d1 = dg(4, US, PEER, PORT_US, PORT_PEER, data, 1);
	struct dgram d2 = dg(4, US, PEER, PORT_US, PORT_PEER, data + 1, MTU - IP4_LEN - UDP_LEN);

	fill(data, 2000, 21);
	assert_int_equal(tern_udp_sendto(s, d1.pl, d1.plen, &to), 1);
	assert_int_equal(tern_udp_sendto(s, d2.pl, d2.plen, &to), 1472);
	tern_ctx_flush(a->ctx);
	assert_int_equal(a->nb_cap, 2);
	check_udp_out(a, 0, &d1, &peer_mac);
	check_udp_out(a, 1, &d2, &peer_mac);
	assert_int_equal(test_env_stats(a).frag_fragmented, 0);
	tern_udp_close(s);
	finish(f);
}

/*
 * @len bytes by sendto go out in @nb_frags fragments (none above the MTU)
 * and a second stack, fed them, rebuilds the same datagram for recvfrom.
 */
static void
sendto_frag_case(void **state, uint8_t family, size_t len, unsigned int nb_frags)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0), *b;
	struct tern_sockaddr local = any_sa(family, PORT_US), to = host_sa(family, PEER, PORT_PEER);
	struct tern_sockaddr from = host_sa(family, US, PORT_US), src;
	struct tern_udp_stream *s = stream_open(a, &local, NULL), *r;
	struct rte_mbuf *frames[CAP_MAX];
	uint8_t fr[FRAME_MAX];
	size_t total = 0, fl;
	unsigned int i, n;

	fill(data, len, 22 + (uint32_t)len);
	assert_int_equal(tern_udp_sendto(s, data, len, &to), len);
	tern_ctx_flush(a->ctx);
	n = a->nb_cap;
	if (n != nb_frags)
		print_error("%u frame(s) sent for %zu bytes, %u expected\n", n, len, nb_frags);
	assert_int_equal(n, nb_frags);
	for (i = 0; i < n; i++) {
		const uint8_t *ip = fr + ETH_LEN;

		fl = test_env_cap_copy(a, i, fr, sizeof(fr));
		assert_true(fl <= ETH_LEN + MTU);
		assert_memory_equal(fr, peer_mac.addr_bytes, 6);
		if (family == 4) {
			assert_int_equal(ip[9], PROTO_UDP);
			assert_int_equal(!!(get16(ip + 6) & 0x2000), i + 1 < n);	/* MF */
			total += fl - ETH_LEN - IP4_LEN;
		} else {
			assert_int_equal(ip[6], PROTO_FRAG6);
			assert_int_equal(ip[IP6_LEN], PROTO_UDP);
			assert_int_equal(get16(ip + IP6_LEN + 2) & 1, i + 1 < n);	/* M */
			total += fl - ETH_LEN - IP6_LEN - 8;
		}
	}
	assert_int_equal(total, UDP_LEN + len);
	assert_int_equal(test_env_stats(a).udp_out, 1);
	assert_int_equal(test_env_stats(a).udp_cksum_tx_sw, 1);
	assert_int_equal(test_env_stats(a).frag_fragmented, 1);

	/* to the peer's own stack (one tern_net at a time: a goes first) */
	memcpy(frames, a->cap, n * sizeof(frames[0]));
	a->nb_cap = 0;
	tern_udp_close(s);
	test_env_close(a);
	b = env_open(&f->b, 1, 0);
	local = any_sa(family, PORT_PEER);
	r = stream_open(b, &local, NULL);
	for (i = 0; i < n; i++)
		tern_ctx_input(b->ctx, 0, &frames[i], 1);
	tern_ctx_flush(b->ctx);
	assert_int_equal(test_env_stats(b).frag_reasm_ok, 1);
	assert_int_equal(test_env_stats(b).drop_udp_cksum, 0);
	assert_int_equal(tern_udp_rx_count(r), 1);
	memset(rbuf, 0, len);
	assert_int_equal(tern_udp_recvfrom(r, rbuf, sizeof(rbuf), &src), len);
	assert_memory_equal(rbuf, data, len);
	assert_sa_equal(&src, &from);
	assert_int_equal(tern_ctx_pending(b->ctx), 0);
	tern_udp_close(r);
	finish(f);
}

static void
test_ip4_sendto_5000_bytes_fragments_and_reassembles(void **state)
{
	sendto_frag_case(state, 4, 5000, 4);		/* 5008 bytes of UDP, 1480 a fragment */
}

static void
test_ip6_sendto_5000_bytes_fragments_and_reassembles(void **state)
{
	sendto_frag_case(state, 6, 5000, 4);		/* 1448 a fragment */
}

static void
test_sendto_65507_bytes_is_the_largest_datagram(void **state)
{
	sendto_frag_case(state, 4, TERN_UDP_MAX_PAYLOAD, 45);
}

static void
test_sendto_above_65507_bytes_is_emsgsize(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(4, PORT_US), to = host_sa(4, PEER, PORT_PEER);
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	struct rte_mbuf *m;

	assert_int_equal(tern_udp_sendto(s, data, TERN_UDP_MAX_PAYLOAD + 1, &to), -EMSGSIZE);
	m = tern_test_mbuf_from(data, TERN_UDP_MAX_PAYLOAD + 1);
	rte_errno = 0;
	assert_int_equal(tern_udp_send_burst(s, &m, 1, &to), 0);
	assert_int_equal(rte_errno, EMSGSIZE);
	assert_int_equal(m->pkt_len, TERN_UDP_MAX_PAYLOAD + 1);	/* still the caller's */
	rte_pktmbuf_free(m);
	assert_int_equal(test_env_stats(a).drop_udp_too_big, 2);
	tern_ctx_flush(a->ctx);
	assert_int_equal(a->nb_cap, 0);
	tern_udp_close(s);
	finish(f);
}

/* recvfrom into a short buffer copies what fits and frees the datagram. */
static void
test_recvfrom_short_buffer_truncates_and_frees(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(4, PORT_US), from = host_sa(4, PEER, PORT_PEER), src;
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	struct dgram d = dg(4, PEER, US, PORT_PEER, PORT_US, data, 100);
	uint8_t buf[16];

	fill(data, 100, 23);
	feed_dgram(a, &d);
	feed_dgram(a, &d);
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(tern_udp_recvfrom(s, buf, 10, &src), 10);
	assert_memory_equal(buf, data, 10);
	assert_int_equal(buf[10], 0xee);		/* nothing past the length given */
	assert_sa_equal(&src, &from);
	/* the rest of it is gone: the next call gets the next datagram */
	assert_int_equal(tern_udp_rx_count(s), 1);
	assert_int_equal(tern_udp_recvfrom(s, rbuf, sizeof(rbuf), NULL), 100);
	assert_memory_equal(rbuf, data, 100);
	assert_int_equal(tern_udp_rx_count(s), 0);
	tern_test_assert_pool_back();		/* freed now, not at close */
	tern_udp_close(s);
	finish(f);
}

static void
test_recvfrom_empty_is_eagain(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(4, PORT_US), src;
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	struct rte_mbuf *m;

	assert_int_equal(tern_udp_recvfrom(s, rbuf, sizeof(rbuf), &src), -EAGAIN);
	assert_int_equal(tern_udp_recv_burst(s, &m, 1), 0);
	tern_udp_close(s);
	finish(f);
}

/* No destination and not connected: -EDESTADDRREQ, nothing sent, nothing taken. */
static void
test_send_without_destination_on_unconnected_stream_is_edestaddrreq(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(4, PORT_US);
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	struct rte_mbuf *m;

	fill(data, 10, 24);
	assert_int_equal(tern_udp_sendto(s, data, 10, NULL), -EDESTADDRREQ);
	m = tern_test_mbuf_from(data, 10);
	rte_errno = 0;
	assert_int_equal(tern_udp_send_burst(s, &m, 1, NULL), 0);
	assert_int_equal(rte_errno, EDESTADDRREQ);
	tern_test_assert_mbuf_bytes(m, data, 10);
	rte_pktmbuf_free(m);
	tern_ctx_flush(a->ctx);
	assert_int_equal(a->nb_cap, 0);
	assert_int_equal(test_env_stats(a).udp_out, 0);
	tern_udp_close(s);
	finish(f);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_ip4_datagram_is_received_with_its_payload_and_sender),
		T(test_ip6_datagram_is_received_with_its_payload_and_sender),
		T(test_ip4_send_builds_headers_and_checksum),
		T(test_ip6_send_builds_headers_and_checksum),
		T(test_checksum_computed_as_zero_is_sent_as_ffff),
		T(test_ip4_checksum_offload_completes_to_the_software_checksum),
		T(test_ip6_checksum_offload_completes_to_the_software_checksum),
		T(test_ip4_rx_checksum_good_trusted_bad_dropped_unknown_verified),
		T(test_ip6_rx_checksum_good_trusted_bad_dropped_unknown_verified),
		T(test_rx_checksum_none_data_verified_is_accepted),
		T(test_ip4_reply_burst_answers_each_sender),
		T(test_ip6_reply_burst_answers_each_sender),
		T(test_connected_stream_takes_precedence_for_its_peer),
		T(test_stream_bound_to_address_wins_over_wildcard),
		T(test_exact_duplicate_is_eaddrinuse),
		T(test_local_address_not_ours_is_eaddrnotavail),
		T(test_ip4_stream_with_ip6_remote_is_eafnosupport),
		T(test_port_zero_picks_an_ephemeral_port),
		T(test_close_frees_queued_datagrams),
		T(test_receive_queue_holds_rxq_size_datagrams),
		T(test_readable_event_once_per_empty_to_nonempty),
		T(test_ip4_closed_port_answers_port_unreachable_quoting_the_datagram),
		T(test_ip6_closed_port_answers_icmp6_port_unreachable),
		T(test_port_unreachable_is_rate_limited),
		T(test_no_port_unreachable_for_broadcast),
		T(test_truncated_udp_header_is_dropped),
		T(test_udp_length_above_ip_payload_is_dropped),
		T(test_udp_length_below_ip_payload_is_trimmed),
		T(test_ip4_zero_checksum_is_accepted),
		T(test_ip6_zero_checksum_is_dropped),
		T(test_garbage_flood_never_crashes_and_leaks_nothing),
		T(test_sendto_1_and_1472_bytes_leave_in_one_frame),
		T(test_ip4_sendto_5000_bytes_fragments_and_reassembles),
		T(test_ip6_sendto_5000_bytes_fragments_and_reassembles),
		T(test_sendto_65507_bytes_is_the_largest_datagram),
		T(test_sendto_above_65507_bytes_is_emsgsize),
		T(test_recvfrom_short_buffer_truncates_and_frees),
		T(test_recvfrom_empty_is_eagain),
		T(test_send_without_destination_on_unconnected_stream_is_edestaddrreq),
	};
	int ret;

	if (tern_test_eal_init("udp") != 0)
		return 1;
	ret = cmocka_run_group_tests_name("udp", tests, NULL, NULL);
	tern_test_eal_fini();
	return ret;
}
