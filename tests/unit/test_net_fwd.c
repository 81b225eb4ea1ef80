/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * IP forwarding (lib/net/fwd.c): a context with two interfaces on virtual
 * devices, forwarding on. Frames are built here, independently of the
 * library, fed in on one interface, and what leaves either interface is
 * read byte by byte: the forwarded packet, its TTL and checksum, the
 * Ethernet header of the next hop, the ICMP errors back to the source.
 * Every drop reason is checked against its own counter and no other.
 * Every test ends with every mbuf back in the pool.
 *
 *   peer A 10.1.0.2 / fd01::2 --- if0 10.1.0.1/24 fd01::1/64  [tern]
 *   if1 10.2.0.1/24 fd02::1/64 (MTU 1280) --- peer B 10.2.0.2 / fd02::2
 *   10.3.0.0/16 and fd03::/64 via peer B
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_env.h"

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include <tern/tern.h>

#include "tern_net_priv.h"

#define ET_IPV4		0x0800
#define ET_IPV6		0x86dd
#define ET_ARP		0x0806
#define PROTO_ICMP	1
#define PROTO_UDP	17
#define PROTO_ICMPV6	58
#define IP4_LEN		20
#define IP6_LEN		40
#define MTU_B		1280
#define FRAME_MAX	2048
#define CAP		256

static const struct rte_ether_addr mac_if0 = { { 0x02, 0, 0, 0, 0x0a, 0x01 } };
static const struct rte_ether_addr mac_if1 = { { 0x02, 0, 0, 0, 0x0b, 0x01 } };
static const struct rte_ether_addr mac_pa = { { 0x02, 0, 0, 0, 0x0a, 0x02 } };
static const struct rte_ether_addr mac_pb = { { 0x02, 0, 0, 0, 0x0b, 0x02 } };
static const struct rte_ether_addr mac_bcast = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };

static const struct tern_ip6 ip6_if0 = { { 0xfd, 0x01, [15] = 1 } };
static const struct tern_ip6 ip6_if1 = { { 0xfd, 0x02, [15] = 1 } };
static const struct tern_ip6 ip6_pa = { { 0xfd, 0x01, [15] = 2 } };
static const struct tern_ip6 ip6_pb = { { 0xfd, 0x02, [15] = 2 } };
static const struct tern_ip6 ip6_far = { { 0xfd, 0x03, [15] = 9 } };	/* via peer B */
static const struct tern_ip6 pfx6_far = { { 0xfd, 0x03 } };

#define IP_IF0	test_ip4(10, 1, 0, 1)
#define IP_IF1	test_ip4(10, 2, 0, 1)
#define IP_PA	test_ip4(10, 1, 0, 2)
#define IP_PB	test_ip4(10, 2, 0, 2)

struct fixture {
	struct test_env cap[2];		/* only the capture fields: what each device sent */
	struct tern_net *net;
	struct tern_dev *dev[2];
	struct tern_ctx *ctx;
};

static uint32_t rng_state;

static uint32_t
rng(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct tern_net_param np = { .socket_id = SOCKET_ID_ANY };
	struct tern_ctx_param cp = { .socket_id = SOCKET_ID_ANY, .manual_clock = true };
	struct tern_vdev_param vp = { 0 };
	struct tern_ip6 pfx;
	unsigned int i;

	assert_non_null(fx);
	*state = fx;
	tern_test_pool_mark();
	fx->net = tern_net_create(&np);
	assert_non_null(fx->net);
	for (i = 0; i < 2; i++) {
		fx->cap[i].cap_max = CAP;
		vp.name = i == 0 ? "fwd0" : "fwd1";
		vp.mac = i == 0 ? mac_if0 : mac_if1;
		vp.mtu = i == 0 ? 1500 : MTU_B;
		vp.mp = tern_test_pool();
		vp.tx = test_env_tx;
		vp.tx_arg = &fx->cap[i];
		fx->dev[i] = tern_dev_create_virtual(&vp);
		assert_non_null(fx->dev[i]);
		assert_int_equal(tern_net_iface_add(fx->net, fx->dev[i], 0), (int)i);
	}
	assert_int_equal(tern_net_addr4_add(fx->net, 0, IP_IF0, 24), 0);
	assert_int_equal(tern_net_addr4_add(fx->net, 1, IP_IF1, 24), 0);
	assert_int_equal(tern_net_addr6_add(fx->net, 0, &ip6_if0, 64), 0);
	assert_int_equal(tern_net_addr6_add(fx->net, 1, &ip6_if1, 64), 0);
	assert_int_equal(tern_net_route4_add(fx->net, test_ip4(10, 3, 0, 0), 16, IP_PB, 1), 0);
	pfx = pfx6_far;
	assert_int_equal(tern_net_route6_add(fx->net, &pfx, 64, &ip6_pb, 1), 0);
	assert_int_equal(tern_net_neigh4_set(fx->net, 0, IP_PA, &mac_pa), 0);
	assert_int_equal(tern_net_neigh4_set(fx->net, 1, IP_PB, &mac_pb), 0);
	assert_int_equal(tern_net_neigh6_set(fx->net, 0, &ip6_pa, &mac_pa), 0);
	assert_int_equal(tern_net_neigh6_set(fx->net, 1, &ip6_pb, &mac_pb), 0);
	for (i = 0; i < 2; i++)
		assert_int_equal(tern_net_forward_set(fx->net, (uint16_t)i,
						      TERN_FWD_IP4 | TERN_FWD_IP6), 0);
	cp.net = fx->net;
	fx->ctx = tern_ctx_create(&cp);
	assert_non_null(fx->ctx);
	tern_ctx_set_time(fx->ctx, 1000000000ULL);
	tern_ctx_flush(fx->ctx);
	test_env_cap_clear(&fx->cap[0]);
	test_env_cap_clear(&fx->cap[1]);
	tern_ctx_stats_reset(fx->ctx);
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	test_env_cap_clear(&fx->cap[0]);
	test_env_cap_clear(&fx->cap[1]);
	tern_ctx_destroy(fx->ctx);
	tern_net_destroy(fx->net);
	tern_dev_destroy(fx->dev[0]);
	tern_dev_destroy(fx->dev[1]);
	assert_int_equal(fx->cap[0].cap_lost + fx->cap[1].cap_lost, 0);
	free(fx);
	tern_test_assert_pool_back();
	return 0;
}

/* ---- frames ---- */

struct f4 {
	tern_ip4_t src, dst;
	uint8_t ttl;
	uint8_t proto;
	uint8_t ihl;		/* 0: 20 */
	uint16_t frag;		/* flags and offset, host order */
	uint16_t plen;		/* bytes after the IP header */
	const struct rte_ether_addr *dmac;	/* NULL: if0's */
};

/* An Ethernet + IPv4 frame from peer A; payload byte i is (i * 7 + 3). */
static size_t
frame4(uint8_t *f, const struct f4 *p)
{
	uint8_t *ip = f + TEST_ETH_LEN;
	uint8_t ihl = p->ihl ? p->ihl : IP4_LEN;
	unsigned int i;

	test_eth_hdr(f, p->dmac ? p->dmac : &mac_if0, &mac_pa, ET_IPV4);
	memset(ip, 0, ihl);
	ip[0] = (uint8_t)(0x40 | (ihl / 4));
	put16(ip + 2, (uint16_t)(ihl + p->plen));
	put16(ip + 4, 0x1234);
	put16(ip + 6, p->frag);
	ip[8] = p->ttl;
	ip[9] = p->proto ? p->proto : PROTO_UDP;
	memcpy(ip + 12, &p->src, 4);
	memcpy(ip + 16, &p->dst, 4);
	for (i = ihl; i < ihl + p->plen; i++)
		ip[i] = (uint8_t)((i - ihl) * 7 + 3);
	put16(ip + 10, ref_cksum(ip, ihl));
	return TEST_ETH_LEN + ihl + p->plen;
}

struct f6 {
	const struct tern_ip6 *src, *dst;
	uint8_t hlim;
	uint16_t plen;
	const struct rte_ether_addr *dmac;
};

static size_t
frame6(uint8_t *f, const struct f6 *p)
{
	uint8_t *ip = f + TEST_ETH_LEN;
	unsigned int i;

	test_eth_hdr(f, p->dmac ? p->dmac : &mac_if0, &mac_pa, ET_IPV6);
	memset(ip, 0, IP6_LEN);
	ip[0] = 0x60;
	put16(ip + 4, p->plen);
	ip[6] = PROTO_UDP;
	ip[7] = p->hlim;
	memcpy(ip + 8, p->src->a, 16);
	memcpy(ip + 24, p->dst->a, 16);
	for (i = 0; i < p->plen; i++)
		ip[IP6_LEN + i] = (uint8_t)(i * 7 + 3);
	return TEST_ETH_LEN + IP6_LEN + p->plen;
}

/* Feed @len bytes at @f on interface @port, then flush what goes out. */
static void
feed(struct fixture *fx, uint16_t port, const uint8_t *f, size_t len)
{
	struct rte_mbuf *m = tern_test_mbuf_from(f, len);

	tern_ctx_input(fx->ctx, port, &m, 1);
	tern_ctx_flush(fx->ctx);
}

static struct tern_stats
stats(const struct fixture *fx)
{
	struct tern_stats st;

	tern_ctx_stats(fx->ctx, &st);
	return st;
}

/* The sum of every drop_* counter: a drop test expects exactly its own. */
static uint64_t
drops(const struct fixture *fx)
{
	struct tern_stats st = stats(fx);
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < TERN_STATS_COUNT; i++)
		if (strncmp(tern_stats_name(i), "drop_", 5) == 0)
			n += tern_stats_value(&st, i);
	return n;
}

/* Check that captured frame @i of interface @port is an IPv4 frame to @dmac; copy it. */
static size_t
out_frame(struct fixture *fx, unsigned int port, unsigned int i, uint8_t *buf,
	  const struct rte_ether_addr *dmac, uint16_t type)
{
	const struct rte_ether_addr *smac = port == 0 ? &mac_if0 : &mac_if1;
	size_t len = test_env_cap_copy(&fx->cap[port], i, buf, FRAME_MAX);

	assert_true(len >= TEST_ETH_LEN);
	assert_memory_equal(buf, dmac->addr_bytes, 6);
	assert_memory_equal(buf + 6, smac->addr_bytes, 6);
	assert_int_equal(get16(buf + 12), type);
	return len;
}

/* ---- IPv4 TTL ---- */

/* RFC 1812 5.3.1: TTL 2 leaves with TTL 1, header checksum still right. */
static void
test_fwd4_ttl_2_is_forwarded_with_ttl_1(void **state)
{
	struct fixture *fx = *state;
	struct f4 p = { .src = IP_PA, .dst = IP_PB, .ttl = 2, .plen = 100 };
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	size_t len = frame4(in, &p), olen;
	struct tern_stats st;

	feed(fx, 0, in, len);
	assert_int_equal(fx->cap[0].nb_cap, 0);
	assert_int_equal(fx->cap[1].nb_cap, 1);
	olen = out_frame(fx, 1, 0, out, &mac_pb, ET_IPV4);
	assert_int_equal(olen, len);
	assert_int_equal(out[TEST_ETH_LEN + 8], 1);
	assert_int_equal(ref_cksum(out + TEST_ETH_LEN, IP4_LEN), 0);
	/* all but TTL and checksum as received */
	in[TEST_ETH_LEN + 8] = 1;
	memcpy(in + TEST_ETH_LEN + 10, out + TEST_ETH_LEN + 10, 2);
	assert_memory_equal(in + TEST_ETH_LEN, out + TEST_ETH_LEN, len - TEST_ETH_LEN);
	st = stats(fx);
	assert_int_equal(st.fwd4_pkts, 1);
	/* counted as received by Ethernet and IPv4, as any packet */
	assert_int_equal(st.eth_in, 1);
	assert_int_equal(st.ip4_in, 1);
	assert_int_equal(drops(fx), 0);
}

/* A short packet in a padded minimum frame leaves without the padding. */
static void
test_fwd4_ethernet_padding_is_not_forwarded(void **state)
{
	struct fixture *fx = *state;
	struct f4 p = { .src = IP_PA, .dst = IP_PB, .ttl = 5, .plen = 8 };
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	size_t len = frame4(in, &p);

	memset(in + len, 0xee, 60 - len);
	feed(fx, 0, in, 60);
	assert_int_equal(fx->cap[1].nb_cap, 1);
	assert_int_equal(out_frame(fx, 1, 0, out, &mac_pb, ET_IPV4), len);
	assert_int_equal(stats(fx).fwd4_pkts, 1);
}

/* TTL 1 and TTL 0: Time Exceeded (type 11, code 0) from the ingress address. */
static void
check_time_exceeded4(struct fixture *fx, uint8_t ttl)
{
	struct f4 p = { .src = IP_PA, .dst = IP_PB, .ttl = ttl, .plen = 64 };
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	size_t len = frame4(in, &p), olen;
	const uint8_t *ip = out + TEST_ETH_LEN, *ic = ip + IP4_LEN;
	struct tern_stats st;
	tern_ip4_t a;

	feed(fx, 0, in, len);
	assert_int_equal(fx->cap[1].nb_cap, 0);
	assert_int_equal(fx->cap[0].nb_cap, 1);
	olen = out_frame(fx, 0, 0, out, &mac_pa, ET_IPV4);
	assert_int_equal(ip[9], PROTO_ICMP);
	memcpy(&a, ip + 12, 4);
	assert_int_equal(a, IP_IF0);
	memcpy(&a, ip + 16, 4);
	assert_int_equal(a, IP_PA);
	assert_int_equal(ref_cksum(ip, IP4_LEN), 0);
	assert_int_equal(ic[0], 11);
	assert_int_equal(ic[1], 0);
	assert_int_equal(ref_cksum(ic, olen - TEST_ETH_LEN - IP4_LEN), 0);
	/* the whole offending packet quoted as received (it is under 548 bytes) */
	assert_int_equal(olen - TEST_ETH_LEN - IP4_LEN - 8, len - TEST_ETH_LEN);
	assert_memory_equal(ic + 8, in + TEST_ETH_LEN, len - TEST_ETH_LEN);
	st = stats(fx);
	assert_int_equal(st.drop_fwd4_ttl, 1);
	assert_int_equal(st.fwd_icmp_time_out, 1);
	assert_int_equal(st.fwd4_pkts, 0);
	assert_int_equal(drops(fx), 1);
}

static void
test_fwd4_ttl_1_gets_time_exceeded(void **state)
{
	check_time_exceeded4(*state, 1);
}

static void
test_fwd4_ttl_0_gets_time_exceeded(void **state)
{
	check_time_exceeded4(*state, 0);
}

/* ---- the checksum update (RFC 1624) ---- */

static void
random_hdr(uint8_t *ip)
{
	unsigned int i;

	for (i = 0; i < IP4_LEN; i++)
		ip[i] = (uint8_t)rng();
	ip[0] = 0x45;
	put16(ip + 10, 0);
	put16(ip + 10, ref_cksum(ip, IP4_LEN));
}

/* RFC 1624 eqn. 3 on any word of any header equals a full recompute. */
static void
test_cksum_update16_matches_full_recompute(void **state)
{
	uint8_t ip[IP4_LEN];
	unsigned int k, w;

	(void)state;
	rng_state = 1624;
	for (k = 0; k < 100000; k++) {
		uint16_t old, new, hc;

		random_hdr(ip);
		do {
			w = rng() % (IP4_LEN / 2);
		} while (w == 5);		/* not the checksum itself */
		memcpy(&old, ip + 2 * w, 2);
		new = (uint16_t)rng();
		if (k % 4 == 0)
			new = old - rte_cpu_to_be_16(0x0100);	/* a TTL decrement */
		memcpy(&hc, ip + 10, 2);
		memcpy(ip + 2 * w, &new, 2);
		hc = cksum_update16(hc, old, new);
		put16(ip + 10, 0);
		if (rte_be_to_cpu_16(hc) != ref_cksum(ip, IP4_LEN))
			fail_msg("header %u, word %u: %04x, full %04x", k, w,
				 rte_be_to_cpu_16(hc), ref_cksum(ip, IP4_LEN));
	}
}

/*
 * Random headers (TOS, ID, flags, fragment offset, TTL 2..255, protocol,
 * source) forwarded in bursts of 32: each leaves with TTL - 1 and the
 * checksum a full recompute gives.
 */
static void
test_fwd4_random_headers_checksum_equals_full_recompute(void **state)
{
	struct fixture *fx = *state;
	struct rte_mbuf *ms[32];
	uint8_t in[32][128], out[FRAME_MAX];
	uint64_t sent = 0;
	unsigned int b, i;

	rng_state = 1812;
	for (b = 0; b < 64; b++) {
		for (i = 0; i < 32; i++) {
			struct f4 p = {
				.src = test_ip4(10, 1, (uint8_t)rng(), (uint8_t)(1 + rng() % 250)),
				.dst = (rng() & 1) ? IP_PB :
					test_ip4(10, 3, (uint8_t)rng(), (uint8_t)rng()),
				.ttl = (uint8_t)(2 + rng() % 254),
				.proto = (uint8_t)rng(),
				.frag = (uint16_t)(rng() & 0x7fff),
				.plen = 40,
			};
			uint8_t *ip = in[i] + TEST_ETH_LEN;

			frame4(in[i], &p);
			ip[1] = (uint8_t)rng();			/* TOS */
			put16(ip + 4, (uint16_t)rng());		/* ID */
			put16(ip + 10, 0);
			put16(ip + 10, ref_cksum(ip, IP4_LEN));
			ms[i] = tern_test_mbuf_from(in[i], TEST_ETH_LEN + IP4_LEN + 40);
		}
		tern_ctx_input(fx->ctx, 0, ms, 32);
		tern_ctx_flush(fx->ctx);
		assert_int_equal(fx->cap[1].nb_cap, 32);
		for (i = 0; i < 32; i++) {
			const uint8_t *ip = out + TEST_ETH_LEN;
			uint16_t got;

			out_frame(fx, 1, i, out, &mac_pb, ET_IPV4);
			assert_int_equal(ip[8], in[i][TEST_ETH_LEN + 8] - 1);
			got = get16(ip + 10);
			memcpy(in[i] + TEST_ETH_LEN, ip, IP4_LEN);
			put16(in[i] + TEST_ETH_LEN + 10, 0);
			assert_int_equal(got, ref_cksum(in[i] + TEST_ETH_LEN, IP4_LEN));
		}
		sent += 32;
		test_env_cap_clear(&fx->cap[1]);
	}
	assert_int_equal(stats(fx).fwd4_pkts, sent);
	assert_int_equal(drops(fx), 0);
}

/*
 * Random headers in bursts of 32, every other one with one bit flipped in
 * bytes 4 to 19 (ID to destination: a single flipped bit always breaks a
 * ones' complement sum): the broken ones are all counted in drop_ip4_cksum
 * and none leaves; the others, in the same bursts, are all forwarded. The
 * one-pass check verifies the checksum its own way (fwd4_hdr_cksum_ok()).
 */
static void
test_fwd4_random_headers_one_bit_flipped_dropped(void **state)
{
	struct fixture *fx = *state;
	struct rte_mbuf *ms[32];
	uint8_t in[128];
	uint64_t good = 0, bad = 0;
	unsigned int b, i;

	rng_state = 1624;
	for (b = 0; b < 64; b++) {
		for (i = 0; i < 32; i++) {
			struct f4 p = {
				.src = test_ip4(10, 1, (uint8_t)rng(), (uint8_t)(1 + rng() % 250)),
				.dst = test_ip4(10, 3, (uint8_t)rng(), (uint8_t)rng()),
				.ttl = (uint8_t)(2 + rng() % 254),
				.proto = (uint8_t)rng(),
				.frag = (uint16_t)(rng() & 0x7fff),
				.plen = 40,
			};
			uint8_t *ip = in + TEST_ETH_LEN;

			frame4(in, &p);
			put16(ip + 4, (uint16_t)rng());		/* ID */
			put16(ip + 10, 0);
			put16(ip + 10, ref_cksum(ip, IP4_LEN));
			if (i & 1) {
				uint32_t bit = rng() % (16 * 8);

				ip[4 + bit / 8] ^= (uint8_t)(1u << (bit % 8));
				bad++;
			} else {
				good++;
			}
			ms[i] = tern_test_mbuf_from(in, TEST_ETH_LEN + IP4_LEN + 40);
		}
		tern_ctx_input(fx->ctx, 0, ms, 32);
		tern_ctx_flush(fx->ctx);
		assert_int_equal(fx->cap[1].nb_cap, 16);
		test_env_cap_clear(&fx->cap[1]);
	}
	assert_int_equal(stats(fx).fwd4_pkts, good);
	assert_int_equal(stats(fx).drop_ip4_cksum, bad);
	assert_int_equal(drops(fx), bad);
}

/* ---- IPv4 drop reasons, one counter each ---- */

static void
check_drop4(struct fixture *fx, const struct f4 *p, size_t off_counter, bool icmp_back)
{
	uint8_t in[FRAME_MAX];
	size_t len = frame4(in, p);
	struct tern_stats st;

	feed(fx, 0, in, len);
	st = stats(fx);
	assert_int_equal(*(const uint64_t *)((const uint8_t *)&st + off_counter), 1);
	assert_int_equal(drops(fx), 1);
	assert_int_equal(st.fwd4_pkts, 0);
	assert_int_equal(fx->cap[1].nb_cap, 0);
	assert_int_equal(fx->cap[0].nb_cap, icmp_back ? 1 : 0);
}

#define DROP4(fx, p, name, icmp) check_drop4((fx), (p), offsetof(struct tern_stats, name), (icmp))

static void
test_fwd4_link_broadcast_frame_not_forwarded(void **state)
{
	struct f4 p = { .src = IP_PA, .dst = IP_PB, .ttl = 64, .plen = 20, .dmac = &mac_bcast };

	DROP4(*state, &p, drop_fwd4_l2bcast, false);
}

static void
test_fwd4_martian_destinations_not_forwarded(void **state)
{
	const tern_ip4_t dst[] = {
		test_ip4(127, 0, 0, 1), test_ip4(0, 1, 2, 3), test_ip4(240, 0, 0, 1),
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(dst); i++) {
		struct fixture *fx = *state;
		struct f4 p = { .src = IP_PA, .dst = dst[i], .ttl = 64, .plen = 20 };

		tern_ctx_stats_reset(fx->ctx);
		DROP4(fx, &p, drop_fwd4_dst, false);
	}
}

static void
test_fwd4_multicast_not_forwarded(void **state)
{
	struct f4 p = { .src = IP_PA, .dst = test_ip4(239, 1, 2, 3), .ttl = 64, .plen = 20 };

	DROP4(*state, &p, drop_fwd4_mcast, false);
}

static void
test_fwd4_link_local_source_or_destination_not_forwarded(void **state)
{
	struct fixture *fx = *state;
	struct f4 p = { .src = IP_PA, .dst = test_ip4(169, 254, 1, 1), .ttl = 64, .plen = 20 };

	DROP4(fx, &p, drop_fwd4_linklocal, false);
	tern_ctx_stats_reset(fx->ctx);
	p.src = test_ip4(169, 254, 7, 7);
	p.dst = IP_PB;
	DROP4(fx, &p, drop_fwd4_linklocal, false);
}

static void
test_fwd4_directed_broadcast_not_forwarded(void **state)
{
	struct f4 p = { .src = IP_PA, .dst = test_ip4(10, 2, 0, 255), .ttl = 64, .plen = 20 };

	DROP4(*state, &p, drop_fwd4_bcast, false);
}

/* No route: Destination Unreachable, net (type 3 code 0), back to the source. */
static void
test_fwd4_no_route_gets_net_unreachable(void **state)
{
	struct fixture *fx = *state;
	struct f4 p = { .src = IP_PA, .dst = test_ip4(192, 0, 2, 1), .ttl = 64, .plen = 20 };
	uint8_t out[FRAME_MAX];

	DROP4(fx, &p, drop_fwd4_noroute, true);
	out_frame(fx, 0, 0, out, &mac_pa, ET_IPV4);
	assert_int_equal(out[TEST_ETH_LEN + IP4_LEN], 3);
	assert_int_equal(out[TEST_ETH_LEN + IP4_LEN + 1], 0);
	assert_int_equal(stats(fx).icmp4_unreach_out, 1);
}

/* The checks every IPv4 packet gets count as they do for our own traffic. */
static void
test_fwd4_bad_header_checksum_length_and_source_counted(void **state)
{
	struct fixture *fx = *state;
	struct f4 p = { .src = IP_PA, .dst = IP_PB, .ttl = 64, .plen = 20 };
	uint8_t in[FRAME_MAX];
	size_t len;

	len = frame4(in, &p);
	in[TEST_ETH_LEN + 10] ^= 0x5a;
	feed(fx, 0, in, len);
	assert_int_equal(stats(fx).drop_ip4_cksum, 1);
	assert_int_equal(drops(fx), 1);

	tern_ctx_stats_reset(fx->ctx);
	len = frame4(in, &p);
	put16(in + TEST_ETH_LEN + 2, 200);	/* longer than the frame */
	put16(in + TEST_ETH_LEN + 10, 0);
	put16(in + TEST_ETH_LEN + 10, ref_cksum(in + TEST_ETH_LEN, IP4_LEN));
	feed(fx, 0, in, len);
	assert_int_equal(stats(fx).drop_ip4_len, 1);
	assert_int_equal(drops(fx), 1);

	tern_ctx_stats_reset(fx->ctx);
	p.src = test_ip4(127, 0, 0, 5);
	len = frame4(in, &p);
	feed(fx, 0, in, len);
	assert_int_equal(stats(fx).drop_ip4_src, 1);
	assert_int_equal(drops(fx), 1);
	assert_int_equal(stats(fx).fwd4_pkts, 0);
	assert_int_equal(fx->cap[1].nb_cap, 0);
}

/* Forwarding off on the ingress interface: not ours, dropped as before. */
static void
test_fwd4_off_on_ingress_drops_not_ours(void **state)
{
	struct fixture *fx = *state;
	struct f4 p = { .src = IP_PA, .dst = IP_PB, .ttl = 64, .plen = 20 };

	assert_int_equal(tern_net_forward_set(fx->net, 0, TERN_FWD_IP6), 0);
	assert_int_equal(tern_net_forward_get(fx->net, 0), TERN_FWD_IP6);
	DROP4(fx, &p, drop_ip4_not_ours, false);
	assert_int_equal(tern_net_forward_set(fx->net, 2, TERN_FWD_IP4), -EINVAL);
	assert_int_equal(tern_net_forward_set(fx->net, 0, 0x4), -EINVAL);
	assert_int_equal(tern_net_forward_get(fx->net, 5), -EINVAL);
}

/* A router is also a host: an echo request to if1's address arriving on if0 is answered. */
static void
test_fwd4_own_address_reaches_the_stack(void **state)
{
	struct fixture *fx = *state;
	struct f4 p = { .src = IP_PA, .dst = IP_IF1, .ttl = 64, .plen = 16,
			.proto = PROTO_ICMP };
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	uint8_t *ic = in + TEST_ETH_LEN + IP4_LEN;
	size_t len = frame4(in, &p);

	memset(ic, 0, 16);
	ic[0] = 8;
	put16(ic + 2, ref_cksum(ic, 16));
	feed(fx, 0, in, len);
	assert_int_equal(fx->cap[0].nb_cap, 1);
	out_frame(fx, 0, 0, out, &mac_pa, ET_IPV4);
	assert_int_equal(out[TEST_ETH_LEN + IP4_LEN], 0);	/* echo reply */
	assert_int_equal(stats(fx).icmp4_echo_out, 1);
	assert_int_equal(stats(fx).fwd4_pkts, 0);
}

/* A route via a gateway: out to the gateway's MAC, the destination unchanged. */
static void
test_fwd4_route_via_gateway_uses_gateway_mac(void **state)
{
	struct fixture *fx = *state;
	struct f4 p = { .src = IP_PA, .dst = test_ip4(10, 3, 7, 7), .ttl = 9, .plen = 30 };
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	size_t len = frame4(in, &p);

	feed(fx, 0, in, len);
	assert_int_equal(fx->cap[1].nb_cap, 1);
	out_frame(fx, 1, 0, out, &mac_pb, ET_IPV4);
	assert_memory_equal(out + TEST_ETH_LEN + 16, &p.dst, 4);
	assert_int_equal(out[TEST_ETH_LEN + 8], 8);
}

/* A next hop not yet known: the packet is held, ARP asks, the reply releases it. */
static void
test_fwd4_next_hop_learned_by_arp(void **state)
{
	struct fixture *fx = *state;
	const struct rte_ether_addr mac_c = { { 0x02, 0, 0, 0, 0x0b, 0x03 } };
	tern_ip4_t ip_c = test_ip4(10, 2, 0, 3), a;
	struct f4 p = { .src = IP_PA, .dst = ip_c, .ttl = 64, .plen = 50 };
	uint8_t in[FRAME_MAX], out[FRAME_MAX], *arp = in + TEST_ETH_LEN;
	size_t len = frame4(in, &p);

	feed(fx, 0, in, len);
	assert_int_equal(stats(fx).neigh_held, 1);
	assert_int_equal(fx->cap[1].nb_cap, 1);
	out_frame(fx, 1, 0, out, &mac_bcast, ET_ARP);
	assert_int_equal(get16(out + TEST_ETH_LEN + 6), 1);	/* request */
	memcpy(&a, out + TEST_ETH_LEN + 24, 4);
	assert_int_equal(a, ip_c);
	test_env_cap_clear(&fx->cap[1]);

	/* the reply, from C to if1 */
	test_eth_hdr(in, &mac_if1, &mac_c, ET_ARP);
	put16(arp, 1);
	put16(arp + 2, ET_IPV4);
	arp[4] = 6;
	arp[5] = 4;
	put16(arp + 6, 2);
	memcpy(arp + 8, mac_c.addr_bytes, 6);
	memcpy(arp + 14, &ip_c, 4);
	memcpy(arp + 18, mac_if1.addr_bytes, 6);
	a = IP_IF1;
	memcpy(arp + 24, &a, 4);
	feed(fx, 1, in, TEST_ETH_LEN + 28);
	assert_int_equal(fx->cap[1].nb_cap, 1);
	len = out_frame(fx, 1, 0, out, &mac_c, ET_IPV4);
	assert_int_equal(len, TEST_ETH_LEN + IP4_LEN + 50);
	assert_int_equal(out[TEST_ETH_LEN + 8], 63);
	assert_int_equal(stats(fx).neigh_released, 1);
	assert_int_equal(stats(fx).fwd4_pkts, 1);
	assert_int_equal(drops(fx), 0);
}

/* ---- IPv4 MTU and DF (RFC 1191, RFC 791) ---- */

/* Exactly the next link's MTU goes through whole. */
static void
test_fwd4_at_mtu_is_forwarded_whole(void **state)
{
	struct fixture *fx = *state;
	struct f4 p = { .src = IP_PA, .dst = IP_PB, .ttl = 64, .frag = 0x4000,
			.plen = MTU_B - IP4_LEN };
	uint8_t in[FRAME_MAX];

	feed(fx, 0, in, frame4(in, &p));
	assert_int_equal(fx->cap[1].nb_cap, 1);
	assert_int_equal(fx->cap[1].cap[0]->pkt_len, TEST_ETH_LEN + MTU_B);
	assert_int_equal(stats(fx).fwd4_fragmented, 0);
	assert_int_equal(drops(fx), 0);
}

/* DF and too big: Fragmentation Needed with the next hop's MTU in bytes 6-7. */
static void
test_fwd4_df_too_big_gets_frag_needed_with_mtu(void **state)
{
	struct fixture *fx = *state;
	struct f4 p = { .src = IP_PA, .dst = IP_PB, .ttl = 64, .frag = 0x4000,
			.plen = MTU_B - IP4_LEN + 1 };
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	const uint8_t *ic = out + TEST_ETH_LEN + IP4_LEN;
	size_t olen;
	tern_ip4_t a;

	DROP4(fx, &p, drop_fwd4_df, true);
	frame4(in, &p);
	olen = out_frame(fx, 0, 0, out, &mac_pa, ET_IPV4);
	memcpy(&a, out + TEST_ETH_LEN + 12, 4);
	assert_int_equal(a, IP_IF0);
	assert_int_equal(ic[0], 3);
	assert_int_equal(ic[1], 4);
	assert_int_equal(get16(ic + 4), 0);
	assert_int_equal(get16(ic + 6), MTU_B);
	assert_int_equal(ref_cksum(ic, olen - TEST_ETH_LEN - IP4_LEN), 0);
	/* the header as it came, TTL not yet decremented, then data */
	assert_memory_equal(ic + 8, in + TEST_ETH_LEN, IP4_LEN + 8);
	assert_int_equal(stats(fx).fwd_icmp_too_big_out, 1);
}

/*
 * Check the fragments captured on if1 rebuild @in's payload from
 * @base bytes on, with MF on the last one as @last_mf says.
 */
static void
check_fragments(struct fixture *fx, const uint8_t *in, uint16_t plen, uint32_t base,
		bool last_mf)
{
	uint8_t out[FRAME_MAX], payload[FRAME_MAX];
	uint32_t got = 0;
	unsigned int i;

	assert_true(fx->cap[1].nb_cap >= 2);
	for (i = 0; i < fx->cap[1].nb_cap; i++) {
		const uint8_t *ip = out + TEST_ETH_LEN;
		size_t len = out_frame(fx, 1, i, out, &mac_pb, ET_IPV4);
		uint16_t fo, tot;

		assert_true(len - TEST_ETH_LEN <= MTU_B);
		assert_int_equal(ref_cksum(ip, IP4_LEN), 0);
		assert_int_equal(ip[8], in[TEST_ETH_LEN + 8] - 1);
		assert_int_equal(get16(ip + 4), 0x1234);
		tot = get16(ip + 2);
		fo = get16(ip + 6);
		assert_int_equal((uint32_t)(fo & 0x1fff) * 8, base + got);
		if (i + 1 < fx->cap[1].nb_cap)
			assert_true(fo & 0x2000);
		else
			assert_int_equal(!!(fo & 0x2000), last_mf);
		memcpy(payload + got, ip + IP4_LEN, tot - IP4_LEN);
		got += tot - IP4_LEN;
	}
	assert_int_equal(got, plen);
	assert_memory_equal(payload, in + TEST_ETH_LEN + IP4_LEN, plen);
}

/* No DF and too big: fragments that rebuild the payload, each fitting the MTU. */
static void
test_fwd4_no_df_too_big_is_fragmented(void **state)
{
	struct fixture *fx = *state;
	struct f4 p = { .src = IP_PA, .dst = IP_PB, .ttl = 64, .plen = 1400 };
	uint8_t in[FRAME_MAX];

	feed(fx, 0, in, frame4(in, &p));
	assert_int_equal(fx->cap[0].nb_cap, 0);
	assert_int_equal(fx->cap[1].nb_cap, 2);
	check_fragments(fx, in, 1400, 0, false);
	assert_int_equal(stats(fx).fwd4_fragmented, 1);
	assert_int_equal(stats(fx).fwd4_pkts, 1);
	assert_int_equal(stats(fx).frag_out, 2);
	assert_int_equal(drops(fx), 0);
}

/* A fragment fragmented again keeps its offset, and MF on its last piece. */
static void
test_fwd4_fragment_refragmented_keeps_offset_and_mf(void **state)
{
	struct fixture *fx = *state;
	struct f4 p = { .src = IP_PA, .dst = IP_PB, .ttl = 64, .plen = 1400,
			.frag = 0x2000 | 100 };
	uint8_t in[FRAME_MAX];

	feed(fx, 0, in, frame4(in, &p));
	assert_int_equal(fx->cap[1].nb_cap, 2);
	check_fragments(fx, in, 1400, 800, true);
	assert_int_equal(drops(fx), 0);
}

/* A header with options takes the long path, and is forwarded as it is. */
static void
test_fwd4_options_forwarded_unchanged(void **state)
{
	struct fixture *fx = *state;
	struct f4 p = { .src = IP_PA, .dst = IP_PB, .ttl = 7, .ihl = 24, .plen = 40 };
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	size_t len = frame4(in, &p);

	feed(fx, 0, in, len);
	assert_int_equal(fx->cap[1].nb_cap, 1);
	assert_int_equal(out_frame(fx, 1, 0, out, &mac_pb, ET_IPV4), len);
	assert_int_equal(out[TEST_ETH_LEN + 8], 6);
	assert_int_equal(ref_cksum(out + TEST_ETH_LEN, 24), 0);
	assert_memory_equal(out + TEST_ETH_LEN + 20, in + TEST_ETH_LEN + 20,
			    len - TEST_ETH_LEN - 20);
	assert_int_equal(stats(fx).fwd4_pkts, 1);
	assert_int_equal(stats(fx).ip4_opts_skipped, 0);	/* not for us: not parsed */
	assert_int_equal(drops(fx), 0);
}

/* A directed broadcast of the ingress subnet is ours (the host's), not forwarded. */
static void
test_fwd4_ingress_subnet_broadcast_reaches_the_host(void **state)
{
	struct fixture *fx = *state;
	struct f4 p = { .src = IP_PA, .dst = test_ip4(10, 1, 0, 255), .ttl = 64, .plen = 8,
			.proto = 253 };
	uint8_t in[FRAME_MAX];

	feed(fx, 0, in, frame4(in, &p));
	assert_int_equal(stats(fx).fwd4_pkts, 0);
	assert_int_equal(stats(fx).drop_ip4_proto, 1);	/* the host: no such protocol */
	assert_int_equal(fx->cap[1].nb_cap, 0);
	assert_int_equal(fx->cap[0].nb_cap, 0);		/* no ICMP about a broadcast */
}

/* Options and too big: counted, not fragmented with a bare header. */
static void
test_fwd4_options_too_big_dropped(void **state)
{
	struct f4 p = { .src = IP_PA, .dst = IP_PB, .ttl = 64, .ihl = 24, .plen = 1400 };

	DROP4(*state, &p, drop_fwd4_opts_frag, false);
}

/* ---- IPv6 ---- */

static void
test_fwd6_hop_limit_2_is_forwarded_with_1(void **state)
{
	struct fixture *fx = *state;
	struct f6 p = { .src = &ip6_pa, .dst = &ip6_pb, .hlim = 2, .plen = 80 };
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	size_t len = frame6(in, &p);

	feed(fx, 0, in, len);
	assert_int_equal(fx->cap[1].nb_cap, 1);
	assert_int_equal(out_frame(fx, 1, 0, out, &mac_pb, ET_IPV6), len);
	assert_int_equal(out[TEST_ETH_LEN + 7], 1);
	in[TEST_ETH_LEN + 7] = 1;
	assert_memory_equal(in + TEST_ETH_LEN, out + TEST_ETH_LEN, len - TEST_ETH_LEN);
	assert_int_equal(stats(fx).fwd6_pkts, 1);
	assert_int_equal(drops(fx), 0);

	/* and through the gateway route */
	test_env_cap_clear(&fx->cap[1]);
	p.dst = &ip6_far;
	feed(fx, 0, in, frame6(in, &p));
	assert_int_equal(fx->cap[1].nb_cap, 1);
	out_frame(fx, 1, 0, out, &mac_pb, ET_IPV6);
	assert_memory_equal(out + TEST_ETH_LEN + 24, ip6_far.a, 16);
}

/* An ICMPv6 error on if0 about @in: type, code, info, checksum, source fd01::1. */
static void
check_icmp6_back(struct fixture *fx, const uint8_t *in, size_t len, uint8_t type,
		 uint8_t code, uint32_t info)
{
	uint8_t out[FRAME_MAX];
	const uint8_t *ip = out + TEST_ETH_LEN, *ic = ip + IP6_LEN;
	size_t olen;

	assert_int_equal(fx->cap[0].nb_cap, 1);
	olen = out_frame(fx, 0, 0, out, &mac_pa, ET_IPV6);
	assert_int_equal(ip[6], PROTO_ICMPV6);
	assert_memory_equal(ip + 8, ip6_if0.a, 16);
	assert_memory_equal(ip + 24, ip6_pa.a, 16);
	assert_int_equal(ic[0], type);
	assert_int_equal(ic[1], code);
	assert_int_equal(get32(ic + 4), info);
	assert_int_equal(ref_icmp6_cksum(&ip6_if0, &ip6_pa, ic, olen - TEST_ETH_LEN - IP6_LEN),
			 0);
	assert_memory_equal(ic + 8, in + TEST_ETH_LEN, RTE_MIN(len - TEST_ETH_LEN, 1232u));
}

static void
test_fwd6_hop_limit_1_gets_time_exceeded(void **state)
{
	struct fixture *fx = *state;
	struct f6 p = { .src = &ip6_pa, .dst = &ip6_pb, .hlim = 1, .plen = 80 };
	uint8_t in[FRAME_MAX];
	size_t len = frame6(in, &p);

	feed(fx, 0, in, len);
	assert_int_equal(fx->cap[1].nb_cap, 0);
	check_icmp6_back(fx, in, len, 3, 0, 0);
	assert_int_equal(stats(fx).drop_fwd6_hlim, 1);
	assert_int_equal(stats(fx).fwd_icmp_time_out, 1);
	assert_int_equal(drops(fx), 1);
}

/* RFC 8200 5: never fragmented by a router; Packet Too Big with the MTU (RFC 8201). */
static void
test_fwd6_too_big_gets_packet_too_big(void **state)
{
	struct fixture *fx = *state;
	struct f6 p = { .src = &ip6_pa, .dst = &ip6_pb, .hlim = 64,
			.plen = MTU_B - IP6_LEN + 1 };
	uint8_t in[FRAME_MAX];
	size_t len = frame6(in, &p);

	feed(fx, 0, in, len);
	assert_int_equal(fx->cap[1].nb_cap, 0);
	check_icmp6_back(fx, in, len, 2, 0, MTU_B);
	assert_int_equal(stats(fx).drop_fwd6_too_big, 1);
	assert_int_equal(stats(fx).fwd_icmp_too_big_out, 1);
	assert_int_equal(drops(fx), 1);

	/* one byte less goes through */
	test_env_cap_clear(&fx->cap[0]);
	p.plen--;
	feed(fx, 0, in, frame6(in, &p));
	assert_int_equal(fx->cap[1].nb_cap, 1);
	assert_int_equal(stats(fx).fwd6_pkts, 1);
}

static void
test_fwd6_no_route_gets_unreachable(void **state)
{
	struct fixture *fx = *state;
	const struct tern_ip6 far = { { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
	struct f6 p = { .src = &ip6_pa, .dst = &far, .hlim = 64, .plen = 8 };
	uint8_t in[FRAME_MAX];
	size_t len = frame6(in, &p);

	feed(fx, 0, in, len);
	check_icmp6_back(fx, in, len, 1, 0, 0);
	assert_int_equal(stats(fx).drop_fwd6_noroute, 1);
	assert_int_equal(drops(fx), 1);
}

static void
check_drop6(struct fixture *fx, const struct f6 *p, size_t off_counter)
{
	uint8_t in[FRAME_MAX];
	struct tern_stats st;

	tern_ctx_stats_reset(fx->ctx);
	feed(fx, 0, in, frame6(in, p));
	st = stats(fx);
	assert_int_equal(*(const uint64_t *)((const uint8_t *)&st + off_counter), 1);
	assert_int_equal(drops(fx), 1);
	assert_int_equal(st.fwd6_pkts, 0);
	assert_int_equal(fx->cap[0].nb_cap + fx->cap[1].nb_cap, 0);
}

#define DROP6(fx, p, name) check_drop6((fx), (p), offsetof(struct tern_stats, name))

static void
test_fwd6_martians_not_forwarded(void **state)
{
	struct fixture *fx = *state;
	const struct tern_ip6 ll = { { 0xfe, 0x80, [15] = 7 } };
	const struct tern_ip6 mc = { { 0xff, 0x0e, [15] = 7 } };
	const struct tern_ip6 lo = { { [15] = 1 } };
	const struct tern_ip6 unspec = { { 0 } };
	struct f6 p = { .src = &ip6_pa, .dst = &ip6_pb, .hlim = 64, .plen = 8 };

	p.dmac = &mac_bcast;
	DROP6(fx, &p, drop_fwd6_l2bcast);
	p.dmac = NULL;
	p.dst = &mc;
	DROP6(fx, &p, drop_fwd6_mcast);
	p.dst = &lo;
	DROP6(fx, &p, drop_fwd6_dst);
	p.dst = &ip6_pb;
	p.src = &unspec;
	DROP6(fx, &p, drop_fwd6_src);
	p.src = &lo;
	DROP6(fx, &p, drop_fwd6_src);
	p.src = &ll;
	DROP6(fx, &p, drop_fwd6_linklocal);
	p.src = &ip6_pa;
	p.dst = &ll;
	DROP6(fx, &p, drop_fwd6_linklocal);
}

/* ---- bursts ---- */

/*
 * One burst mixing both families, both next hops, and drops: what leaves
 * if1 keeps the order it came in, per port, and every packet is counted
 * once.
 */
static void
test_fwd_mixed_burst_keeps_order_and_counts(void **state)
{
	struct fixture *fx = *state;
	struct rte_mbuf *ms[48];
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	unsigned int i, n4 = 0, n6 = 0, nd = 0, j4 = 0;

	for (i = 0; i < 48; i++) {
		size_t len;

		if (i % 3 == 0) {
			struct f6 p = { .src = &ip6_pa, .dst = &ip6_far, .hlim = 64,
					.plen = (uint16_t)(8 + i) };

			len = frame6(in, &p);
			n6++;
		} else if (i % 7 == 0) {
			struct f4 p = { .src = IP_PA, .dst = test_ip4(127, 0, 0, 1), .ttl = 64,
					.plen = 8 };

			len = frame4(in, &p);
			nd++;
		} else {
			struct f4 p = { .src = IP_PA,
					.dst = (i & 1) ? IP_PB : test_ip4(10, 3, 0, (uint8_t)i),
					.ttl = 64, .plen = (uint16_t)(8 + i) };

			len = frame4(in, &p);
			n4++;
		}
		ms[i] = tern_test_mbuf_from(in, len);
	}
	tern_ctx_input(fx->ctx, 0, ms, 48);
	tern_ctx_flush(fx->ctx);
	assert_int_equal(fx->cap[1].nb_cap, n4 + n6);
	assert_int_equal(stats(fx).fwd4_pkts, n4);
	assert_int_equal(stats(fx).fwd6_pkts, n6);
	assert_int_equal(stats(fx).drop_fwd4_dst, nd);
	assert_int_equal(drops(fx), nd);
	/* the IPv4 packets in their order, by their lengths */
	for (i = 0; i < fx->cap[1].nb_cap; i++) {
		size_t len = test_env_cap_copy(&fx->cap[1], i, out, FRAME_MAX);

		if (get16(out + 12) != ET_IPV4)
			continue;
		while (j4 % 3 == 0 || j4 % 7 == 0)
			j4++;
		assert_int_equal(len, TEST_ETH_LEN + IP4_LEN + 8 + j4);
		j4++;
	}
}

int
main(void)
{
#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_fwd4_ttl_2_is_forwarded_with_ttl_1),
		T(test_fwd4_ethernet_padding_is_not_forwarded),
		T(test_fwd4_ttl_1_gets_time_exceeded),
		T(test_fwd4_ttl_0_gets_time_exceeded),
		cmocka_unit_test(test_cksum_update16_matches_full_recompute),
		T(test_fwd4_random_headers_checksum_equals_full_recompute),
		T(test_fwd4_random_headers_one_bit_flipped_dropped),
		T(test_fwd4_link_broadcast_frame_not_forwarded),
		T(test_fwd4_martian_destinations_not_forwarded),
		T(test_fwd4_multicast_not_forwarded),
		T(test_fwd4_link_local_source_or_destination_not_forwarded),
		T(test_fwd4_directed_broadcast_not_forwarded),
		T(test_fwd4_no_route_gets_net_unreachable),
		T(test_fwd4_bad_header_checksum_length_and_source_counted),
		T(test_fwd4_off_on_ingress_drops_not_ours),
		T(test_fwd4_own_address_reaches_the_stack),
		T(test_fwd4_route_via_gateway_uses_gateway_mac),
		T(test_fwd4_next_hop_learned_by_arp),
		T(test_fwd4_at_mtu_is_forwarded_whole),
		T(test_fwd4_df_too_big_gets_frag_needed_with_mtu),
		T(test_fwd4_no_df_too_big_is_fragmented),
		T(test_fwd4_fragment_refragmented_keeps_offset_and_mf),
		T(test_fwd4_options_forwarded_unchanged),
		T(test_fwd4_ingress_subnet_broadcast_reaches_the_host),
		T(test_fwd4_options_too_big_dropped),
		T(test_fwd6_hop_limit_2_is_forwarded_with_1),
		T(test_fwd6_hop_limit_1_gets_time_exceeded),
		T(test_fwd6_too_big_gets_packet_too_big),
		T(test_fwd6_no_route_gets_unreachable),
		T(test_fwd6_martians_not_forwarded),
		T(test_fwd_mixed_burst_keeps_order_and_counts),
	};
#undef T
	int ret;

	if (tern_test_eal_init("net_fwd") != 0)
		return 1;
	ret = cmocka_run_group_tests_name("net_fwd", tests, NULL, NULL);
	tern_test_eal_fini();
	return ret;
}
