/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * The link and IP header template of a resolved unicast next hop
 * (ip_tmpl_init(), ip_tmpl_output() in lib/net/ip4.c and
 * neigh_resolved() in lib/net/neigh.c), what software TSO sends each
 * piece with. For IPv4 and IPv6, untagged and on a VLAN, with and without
 * the device's IPv4 header checksum offload:
 *
 * - a packet sent through the template is the frame ip4_output_via() /
 *   ip6_output_via() make of the same L4 bytes to the same neighbor,
 *   byte for byte but for the IPv4 identification (one counter for both
 *   paths, one more per packet) and so the header checksum, which
 *   verifies; the frames are also checked field by field against a
 *   reference built here; l2_len, l3_len and ol_flags are the same;
 *   ip4_out / ip6_out count one per packet;
 * - the template is refused (-EAGAIN) for a next hop that is unknown,
 *   INCOMPLETE or STALE, and nothing is held, probed or sent for it; and
 *   for a broadcast or multicast destination even when the next hop is
 *   resolved.
 *
 * Every test ends with the mbuf pool back where it started.
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

#define FRAME_MAX	1600
#define ETH_LEN		14
#define VLAN_LEN	4
#define IP4_LEN		20
#define IP6_LEN		40
#define TEST_VLAN	7
#define TEST_TTL	64	/* tern_net_param's default */
#define PROTO_TCP	6
#define PROTO_UDP	17

#define MS		(1000ULL * 1000)
#define SEC		(1000ULL * MS)
#define REACHABLE_NS	(30 * SEC)	/* tern_net_param's default */

static const struct rte_ether_addr our_mac = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 } };
static const struct rte_ether_addr peer_mac = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 } };
static const struct rte_ether_addr gw_mac = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0xfe } };
static const struct rte_ether_addr peer2_mac = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x22 } };

#define OUR_IP4		test_ip4(10, 0, 0, 1)
#define PEER_IP4	test_ip4(10, 0, 0, 2)
#define PEER2_IP4	test_ip4(10, 0, 0, 3)
#define GW_IP4		test_ip4(10, 0, 0, 254)
#define FAR_IP4		test_ip4(192, 0, 2, 9)

static const struct tern_ip6 our_ip6 = { { 0xfd, [15] = 0x01 } };
static const struct tern_ip6 peer_ip6 = { { 0xfd, [15] = 0x02 } };
static const struct tern_ip6 peer2_ip6 = { { 0xfd, [15] = 0x03 } };
static const struct tern_ip6 gw_ip6 = { { 0xfd, [15] = 0xfe } };
static const struct tern_ip6 far_ip6 = { { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x09 } };

/* ---- the context under test ---- */

/*
 * One interface (VLAN @vlan, 0: untagged; offloads @caps) with 10.0.0.1/24
 * and fd00::1/64; no neighbor known. @return the env (closed by the test).
 */
static struct test_env *
env_open(void **state, uint16_t vlan, uint32_t caps)
{
	struct test_env_param p = {
		.name = "ip_tmpl", .mac = our_mac, .caps = caps, .vlan_id = vlan,
		.cap_max = TEST_ENV_CAP_MAX, .mark_pool = true,
	};
	struct test_env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	*state = e;
	assert_int_equal(test_env_open(e, &p), 0);
	assert_int_equal(tern_net_addr4_add(e->net, 0, OUR_IP4, 24), 0);
	assert_int_equal(tern_net_addr6_add(e->net, 0, &our_ip6, 64), 0);
	assert_int_equal(test_env_start(e), 0);
	return e;
}

/* Make @addr (4 or 16 bytes by @family) a neighbor in state @st with @mac, confirmed now. */
static void
neigh_set(struct test_env *e, uint8_t family, const void *addr, const struct rte_ether_addr *mac,
	  enum tern_neigh_state st)
{
	assert_int_equal(neigh_update(e->net, 0, family, addr, mac, st,
					   tern_ctx_now(e->ctx), true), 0);
}

static enum tern_neigh_state
neigh_state(const struct test_env *e, uint8_t family, const void *addr)
{
	return neigh_get(e->net, 0, family, addr, tern_ctx_now(e->ctx), NULL);
}

/* ---- reference frames, built here from the RFCs, not by the library ---- */

/* The L4 bytes of packet @k, @len long. */
static void
l4_fill(uint8_t *p, size_t len, unsigned int k)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + k * 31 + 3);
}

/*
 * The frame we expect for @len L4 bytes @l4 of @proto from us to @dmac,
 * @src -> @dst (4 or 16 bytes by @family), on VLAN @vlan (0: none): IPv4
 * with DF, TTL 64, identification @id and a header checksum (or 0 if
 * @cksum_hw); IPv6 with traffic class and flow label 0, hop limit 64.
 * @return its length.
 */
static size_t
ref_frame(uint8_t *f, uint16_t vlan, uint8_t family, const struct rte_ether_addr *dmac,
	  const void *src, const void *dst, uint8_t proto, const uint8_t *l4, size_t len,
	  uint16_t id, bool cksum_hw)
{
	uint16_t et = family == 4 ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6;
	size_t l2 = ETH_LEN;
	uint8_t *ip;

	if (vlan != 0) {
		test_eth_hdr(f, dmac, &our_mac, RTE_ETHER_TYPE_VLAN);
		put16(f + ETH_LEN, vlan);
		put16(f + ETH_LEN + 2, et);
		l2 += VLAN_LEN;
	} else {
		test_eth_hdr(f, dmac, &our_mac, et);
	}
	ip = f + l2;
	if (family == 4) {
		memset(ip, 0, IP4_LEN);
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(IP4_LEN + len));
		put16(ip + 4, id);
		put16(ip + 6, 0x4000);	/* DF */
		ip[8] = TEST_TTL;
		ip[9] = proto;
		memcpy(ip + 12, src, 4);
		memcpy(ip + 16, dst, 4);
		if (!cksum_hw)
			put16(ip + 10, ref_cksum(ip, IP4_LEN));
		memcpy(ip + IP4_LEN, l4, len);
		return l2 + IP4_LEN + len;
	}
	memset(ip, 0, IP6_LEN);
	ip[0] = 0x60;
	put16(ip + 4, (uint16_t)len);
	ip[6] = proto;
	ip[7] = TEST_TTL;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
	memcpy(ip + IP6_LEN, l4, len);
	return l2 + IP6_LEN + len;
}

/* ---- one destination, both paths ---- */

struct dest {
	uint8_t family;
	const void *src, *dst, *nh;	/* 4 or 16 bytes each, by family */
	const struct rte_ether_addr *nh_mac;
	uint8_t proto;
};

/* Send @m (L4 bytes) to @d through the per-packet path: IP output, then the neighbor. */
static void
send_normal(struct test_env *e, const struct dest *d, struct rte_mbuf *m)
{
	if (d->family == 4) {
		tern_ip4_t src, dst, nh;

		memcpy(&src, d->src, 4);
		memcpy(&dst, d->dst, 4);
		memcpy(&nh, d->nh, 4);
		assert_int_equal(ip4_output_via(e->ctx, m, src, dst, d->proto, 0, 0, nh), 0);
	} else {
		assert_int_equal(ip6_output_via(e->ctx, 0, d->nh, m, d->src, d->dst, d->proto,
						     0), 0);
	}
}

/* Packets of the comparison: L4 lengths, each sent both ways. */
static const size_t l4_lens[] = { 1, 20, 333, 1024, 1400 };

/*
 * For each length of l4_lens, the same L4 bytes to @d through the normal
 * path and through the template, in turn (normal first, then template on
 * even rounds; the other way round on odd ones). Then, for every pair: the
 * frames are byte-identical apart from the IPv4 identification and header
 * checksum, each matches the reference (the identification one more per
 * packet, over both paths: one counter), the IPv4 checksum verifies, the
 * mbufs' l2_len, l3_len and ol_flags are the same and as expected; every
 * template packet moved ip4_out or ip6_out by one and nothing else.
 * @seg_len: 0, or the L4 bytes split into mbufs of that many bytes.
 */
static void
same_frames(struct test_env *e, const struct dest *d, uint16_t vlan, uint32_t caps,
	    size_t seg_len)
{
	const size_t nb = RTE_DIM(l4_lens);
	bool hw = d->family == 4 && (caps & TERN_CAP_TX_IP4_CKSUM);
	size_t l2 = ETH_LEN + (vlan != 0 ? VLAN_LEN : 0);
	size_t l3 = d->family == 4 ? IP4_LEN : IP6_LEN;
	uint64_t ol = d->family == 4 ?
		RTE_MBUF_F_TX_IPV4 | (hw ? RTE_MBUF_F_TX_IP_CKSUM : 0) : RTE_MBUF_F_TX_IPV6;
	static uint8_t l4[FRAME_MAX], fa[FRAME_MAX], fb[FRAME_MAX], ref[FRAME_MAX];
	struct tern_ip_tmpl t;
	struct tern_stats st0, st1;
	uint16_t id0 = 0;
	unsigned int i, base = e->nb_cap;

	assert_int_equal(ip_tmpl_init(e->ctx, &t, d->family, d->src, d->dst, d->proto, 0,
					   d->nh), 0);
	for (i = 0; i < nb; i++) {
		struct rte_mbuf *mn, *mt;
		unsigned int w;

		l4_fill(l4, l4_lens[i], i);
		mn = tern_test_mbuf_from_segs(l4, l4_lens[i], seg_len);
		mt = tern_test_mbuf_from_segs(l4, l4_lens[i], seg_len);
		for (w = 0; w < 2; w++) {
			if ((w == 0) == (i % 2 == 0)) {
				send_normal(e, d, mn);
				continue;
			}
			st0 = test_env_stats(e);
			ip_tmpl_output(e->ctx, &t, mt);
			st1 = test_env_stats(e);
			assert_int_equal(st1.ip4_out - st0.ip4_out, d->family == 4 ? 1 : 0);
			assert_int_equal(st1.ip6_out - st0.ip6_out, d->family == 6 ? 1 : 0);
			assert_int_equal(st1.drop_nomem, st0.drop_nomem);
		}
	}
	tern_ctx_flush(e->ctx);
	assert_int_equal(e->nb_cap, base + 2 * nb);
	assert_int_equal(e->cap_lost, 0);
	for (i = 0; i < 2 * nb; i++) {
		/* frame i: the normal path's or the template's, by the order above */
		const struct rte_mbuf *m = e->cap[base + i];
		size_t len = test_env_cap_copy(e, base + i, fa, sizeof(fa));
		size_t k = i / 2, rlen;
		uint16_t id = 0;

		l4_fill(l4, l4_lens[k], (unsigned int)k);
		if (d->family == 4) {
			id = get16(fa + l2 + 4);
			if (i == 0)
				id0 = id;
			/* one counter for both paths: one more per packet */
			assert_int_equal(id, (uint16_t)(id0 + i));
			if (!hw)
				assert_int_equal(ref_sum(fa + l2, IP4_LEN, 0), 0xffff);
		}
		rlen = ref_frame(ref, vlan, d->family, d->nh_mac, d->src, d->dst, d->proto, l4,
				 l4_lens[k], id, hw);
		assert_int_equal(len, rlen);
		assert_memory_equal(fa, ref, rlen);
		assert_int_equal(m->l2_len, l2);
		assert_int_equal(m->l3_len, l3);
		assert_int_equal(m->ol_flags, ol);
	}
	/* and the two frames of each pair against each other */
	for (i = 0; i < 2 * nb; i += 2) {
		const struct rte_mbuf *ma = e->cap[base + i], *mb = e->cap[base + i + 1];
		size_t la = test_env_cap_copy(e, base + i, fa, sizeof(fa));
		size_t lb = test_env_cap_copy(e, base + i + 1, fb, sizeof(fb));

		assert_int_equal(la, lb);
		if (d->family == 4) {
			/* masked: the identification and, when computed here, the checksum */
			memset(fa + l2 + 4, 0, 2);
			memset(fb + l2 + 4, 0, 2);
			memset(fa + l2 + 10, 0, 2);
			memset(fb + l2 + 10, 0, 2);
		}
		assert_memory_equal(fa, fb, la);
		assert_int_equal(ma->l2_len, mb->l2_len);
		assert_int_equal(ma->l3_len, mb->l3_len);
		assert_int_equal(ma->ol_flags, mb->ol_flags);
	}
	test_env_cap_clear(e);
}

/* The on-link peer, resolved (REACHABLE, learned now). */
static void
dest_peer(struct test_env *e, uint8_t family, struct dest *d)
{
	memset(d, 0, sizeof(*d));
	d->family = family;
	d->proto = PROTO_TCP;
	d->nh_mac = &peer_mac;
	if (family == 4) {
		static tern_ip4_t src, dst;

		src = OUR_IP4;
		dst = PEER_IP4;
		d->src = &src;
		d->dst = &dst;
		d->nh = &dst;
	} else {
		d->src = &our_ip6;
		d->dst = &peer_ip6;
		d->nh = &peer_ip6;
	}
	neigh_set(e, family, d->nh, &peer_mac, TERN_NEIGH_REACHABLE);
}

/*
 * The whole comparison for @family on VLAN @vlan with offloads @caps: to
 * the on-link peer (REACHABLE), in one mbuf and in a chain; UDP as well as
 * TCP; to a host off the link through a PERMANENT gateway.
 */
static void
tmpl_matches_normal_path(void **state, uint8_t family, uint16_t vlan, uint32_t caps)
{
	struct test_env *e = env_open(state, vlan, caps);
	static tern_ip4_t src4, far4, gw4;
	struct dest d;

	dest_peer(e, family, &d);
	same_frames(e, &d, vlan, caps, 0);
	same_frames(e, &d, vlan, caps, 100);	/* L4 bytes in a chain of mbufs */
	d.proto = PROTO_UDP;
	same_frames(e, &d, vlan, caps, 0);

	/* off the link: the gateway's MAC, the far host's address */
	d.proto = PROTO_TCP;
	d.nh_mac = &gw_mac;
	if (family == 4) {
		src4 = OUR_IP4;
		far4 = FAR_IP4;
		gw4 = GW_IP4;
		d.src = &src4;
		d.dst = &far4;
		d.nh = &gw4;
		assert_int_equal(tern_net_neigh4_set(e->net, 0, gw4, &gw_mac), 0);
	} else {
		d.dst = &far_ip6;
		d.nh = &gw_ip6;
		assert_int_equal(tern_net_neigh6_set(e->net, 0, &gw_ip6, &gw_mac), 0);
	}
	same_frames(e, &d, vlan, caps, 0);
	test_env_finish(e);
}

static void
test_tmpl_ip4_matches_ip4_output_via(void **state)
{
	tmpl_matches_normal_path(state, 4, 0, 0);
}

static void
test_tmpl_ip4_vlan_matches_ip4_output_via(void **state)
{
	tmpl_matches_normal_path(state, 4, TEST_VLAN, 0);
}

static void
test_tmpl_ip4_cksum_offload_matches_ip4_output_via(void **state)
{
	tmpl_matches_normal_path(state, 4, 0, TERN_CAP_TX_IP4_CKSUM);
}

static void
test_tmpl_ip4_vlan_cksum_offload_matches_ip4_output_via(void **state)
{
	tmpl_matches_normal_path(state, 4, TEST_VLAN, TERN_CAP_TX_IP4_CKSUM);
}

static void
test_tmpl_ip6_matches_ip6_output_via(void **state)
{
	tmpl_matches_normal_path(state, 6, 0, 0);
}

static void
test_tmpl_ip6_vlan_matches_ip6_output_via(void **state)
{
	tmpl_matches_normal_path(state, 6, TEST_VLAN, 0);
}

/* IPv4 checksum offload changes nothing for IPv6. */
static void
test_tmpl_ip6_cksum_offload_matches_ip6_output_via(void **state)
{
	tmpl_matches_normal_path(state, 6, 0, TERN_CAP_TX_IP4_CKSUM);
}

static void
test_tmpl_ip6_vlan_cksum_offload_matches_ip6_output_via(void **state)
{
	tmpl_matches_normal_path(state, 6, TEST_VLAN, TERN_CAP_TX_IP4_CKSUM);
}

/* ---- refusals ---- */

/*
 * ip_tmpl_init() for next hop @nh of @family (from us to @nh) is
 * refused, and neither that nor the next 5 s of clock send anything, hold
 * anything or probe @nh: its state is still @st.
 */
static void
refused_quietly(struct test_env *e, uint8_t family, const void *nh, enum tern_neigh_state st)
{
	const void *src = family == 4 ? (const void *)&(tern_ip4_t){ OUR_IP4 } :
		(const void *)&our_ip6;
	struct tern_stats st0 = test_env_stats(e), st1;
	unsigned int sent = e->nb_sent;
	struct tern_ip_tmpl t;

	assert_int_equal(neigh_state(e, family, nh), st);
	assert_int_equal(ip_tmpl_init(e->ctx, &t, family, src, nh, PROTO_TCP, 0, nh),
			 -EAGAIN);
	tern_ctx_flush(e->ctx);
	assert_int_equal(e->nb_sent, sent);
	assert_int_equal(tern_ctx_advance(e->ctx, 5 * SEC), 0);
	tern_ctx_flush(e->ctx);
	assert_int_equal(e->nb_sent, sent);
	st1 = test_env_stats(e);
	assert_int_equal(st1.neigh_held, st0.neigh_held);
	assert_int_equal(st1.arp_req_out, st0.arp_req_out);
	assert_int_equal(st1.nd_ns_out, st0.nd_ns_out);
	assert_int_equal(st1.ip4_out, st0.ip4_out);
	assert_int_equal(st1.ip6_out, st0.ip6_out);
	assert_int_equal(tern_ctx_pending(e->ctx), 0);
	assert_int_equal(neigh_state(e, family, nh), st);
}

/*
 * Unknown, INCOMPLETE and STALE next hops are refused quietly; a REACHABLE
 * or PERMANENT one is taken, with its MAC.
 */
static void
refuses_unresolved(void **state, uint8_t family)
{
	struct test_env *e = env_open(state, 0, 0);
	const void *a = family == 4 ? (const void *)&(tern_ip4_t){ PEER_IP4 } :
		(const void *)&peer_ip6;
	const void *b = family == 4 ? (const void *)&(tern_ip4_t){ PEER2_IP4 } :
		(const void *)&peer2_ip6;
	const void *src = family == 4 ? (const void *)&(tern_ip4_t){ OUR_IP4 } :
		(const void *)&our_ip6;
	struct rte_ether_addr mac;
	struct tern_ip_tmpl t;

	/* unknown */
	refused_quietly(e, family, a, TERN_NEIGH_NONE);
	assert_int_equal(neigh_resolved(e->ctx, 0, family, a, &mac, NULL), -EAGAIN);
	/* resolving */
	neigh_set(e, family, a, NULL, TERN_NEIGH_INCOMPLETE);
	refused_quietly(e, family, a, TERN_NEIGH_INCOMPLETE);
	/* answered: taken, with the MAC */
	neigh_set(e, family, a, &peer_mac, TERN_NEIGH_REACHABLE);
	assert_int_equal(neigh_resolved(e->ctx, 0, family, a, &mac, NULL), 0);
	assert_mac_equal(&mac, &peer_mac);
	assert_int_equal(ip_tmpl_init(e->ctx, &t, family, src, a, PROTO_TCP, 0, a), 0);
	assert_memory_equal(t.hdr, peer_mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	/* past the reachable time: STALE, refused (the normal path would probe it) */
	assert_int_equal(tern_ctx_advance(e->ctx, REACHABLE_NS + SEC), 0);
	refused_quietly(e, family, a, TERN_NEIGH_STALE);
	assert_int_equal(neigh_resolved(e->ctx, 0, family, a, &mac, NULL), -EAGAIN);
	/* a permanent entry never goes stale */
	if (family == 4)
		assert_int_equal(tern_net_neigh4_set(e->net, 0, *(const tern_ip4_t *)b,
						     &peer2_mac), 0);
	else
		assert_int_equal(tern_net_neigh6_set(e->net, 0, b, &peer2_mac), 0);
	assert_int_equal(tern_ctx_advance(e->ctx, 10 * REACHABLE_NS), 0);
	assert_int_equal(ip_tmpl_init(e->ctx, &t, family, src, b, PROTO_TCP, 0, b), 0);
	assert_memory_equal(t.hdr, peer2_mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	/* the entry last used (b) does not answer for another address (a, now gone) */
	refused_quietly(e, family, a, TERN_NEIGH_NONE);
	assert_int_equal(ip_tmpl_init(e->ctx, &t, family, src, b, PROTO_TCP, 0, b), 0);
	assert_memory_equal(t.hdr, peer2_mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	assert_int_equal(e->nb_sent, 0);
	test_env_finish(e);
}

static void
test_tmpl_ip4_refuses_unknown_incomplete_stale_neighbor(void **state)
{
	refuses_unresolved(state, 4);
}

static void
test_tmpl_ip6_refuses_unknown_incomplete_stale_neighbor(void **state)
{
	refuses_unresolved(state, 6);
}

/*
 * Broadcast (limited, and the directed broadcast of our subnet) and
 * multicast destinations are refused even through a resolved next hop:
 * they go to a group MAC, never the neighbor's.
 */
static void
test_tmpl_ip4_refuses_broadcast_and_multicast(void **state)
{
	struct test_env *e = env_open(state, 0, 0);
	const tern_ip4_t dsts[] = {
		test_ip4(255, 255, 255, 255), test_ip4(10, 0, 0, 255), test_ip4(224, 0, 0, 1),
		test_ip4(239, 255, 1, 2), test_ip4(230, 1, 2, 3),
	};
	tern_ip4_t src = OUR_IP4, nh = PEER_IP4;
	struct tern_ip_tmpl t;
	unsigned int i;

	neigh_set(e, 4, &nh, &peer_mac, TERN_NEIGH_REACHABLE);
	/* the control: a unicast destination through it is taken */
	assert_int_equal(ip_tmpl_init(e->ctx, &t, 4, &src, &nh, PROTO_UDP, 0, &nh), 0);
	for (i = 0; i < RTE_DIM(dsts); i++)
		assert_int_equal(ip_tmpl_init(e->ctx, &t, 4, &src, &dsts[i], PROTO_UDP, 0,
						   &nh), -EAGAIN);
	tern_ctx_flush(e->ctx);
	assert_int_equal(e->nb_sent, 0);
	test_env_finish(e);
}

static void
test_tmpl_ip6_refuses_multicast(void **state)
{
	struct test_env *e = env_open(state, 0, 0);
	const struct tern_ip6 dsts[] = {
		{ { 0xff, 0x02, [15] = 0x01 } },			/* all nodes */
		{ { 0xff, 0x02, [11] = 0x01, [12] = 0xff, [15] = 0x02 } },	/* solicited */
		{ { 0xff, 0x0e, [15] = 0x42 } },			/* global scope */
	};
	struct tern_ip_tmpl t;
	unsigned int i;

	neigh_set(e, 6, &peer_ip6, &peer_mac, TERN_NEIGH_REACHABLE);
	assert_int_equal(ip_tmpl_init(e->ctx, &t, 6, &our_ip6, &peer_ip6, PROTO_UDP, 0,
					   &peer_ip6), 0);
	for (i = 0; i < RTE_DIM(dsts); i++)
		assert_int_equal(ip_tmpl_init(e->ctx, &t, 6, &our_ip6, &dsts[i], PROTO_UDP, 0,
						   &peer_ip6), -EAGAIN);
	tern_ctx_flush(e->ctx);
	assert_int_equal(e->nb_sent, 0);
	test_env_finish(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_tmpl_ip4_matches_ip4_output_via,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_tmpl_ip4_vlan_matches_ip4_output_via,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_tmpl_ip4_cksum_offload_matches_ip4_output_via,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_tmpl_ip4_vlan_cksum_offload_matches_ip4_output_via,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_tmpl_ip6_matches_ip6_output_via,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_tmpl_ip6_vlan_matches_ip6_output_via,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_tmpl_ip6_cksum_offload_matches_ip6_output_via,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_tmpl_ip6_vlan_cksum_offload_matches_ip6_output_via,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_tmpl_ip4_refuses_unknown_incomplete_stale_neighbor,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_tmpl_ip6_refuses_unknown_incomplete_stale_neighbor,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_tmpl_ip4_refuses_broadcast_and_multicast,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_tmpl_ip6_refuses_multicast, test_env_teardown),
	};
	int ret;

	if (tern_test_eal_init("net_ip_tmpl") != 0)
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	tern_test_eal_fini();
	return ret;
}
