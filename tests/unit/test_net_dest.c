/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * A destination resolved once and kept by its sender (struct net_dest,
 * net_dest_init(), net_dest_output(), net_route_lookup() in lib/net/dest.c):
 * its route is looked up again when the network's routes change
 * (net->route_gen), its link and IP header template built again when a
 * neighbor changes (net->neigh_gen) or the next hop's REACHABLE time ends
 * (what neigh_resolved() returns). For IPv4 and IPv6:
 *
 * - to a next hop not yet resolved, a send goes through the IP output: the
 *   packet is held and an ARP request / neighbor solicitation goes out; once
 *   the next hop answers, the next send uses the template, and its frame is
 *   the one ip4_output_via() / ip6_output_via() make of the same bytes, but
 *   for the IPv4 identification and checksum;
 * - a route added or deleted after the destination was made moves its next
 *   send to the new next hop; a route deleted with none left makes its sends
 *   fail (-ENETUNREACH, dropped and counted) until a route comes back;
 * - a neighbor's new MAC is on the next frame;
 * - once the next hop's REACHABLE time ends, the next send goes through the
 *   per-packet path, which sends a probe (the entry is STALE), and the
 *   template is used again once the neighbor is confirmed; an entry made
 *   STALE by a neighbor advertisement (RFC 4861 7.2.5) does the same;
 * - a packet larger than the MTU, without a TSO flag, goes through the IP
 *   output and is fragmented (DF clear); one exactly at the MTU, or larger
 *   with a TSO flag, goes on the template;
 * - net_route_lookup() and net_dest_init() with no route: -ENETUNREACH.
 *
 * Every test ends with the mbuf pool back where it started.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_env.h"

#include <rte_ether.h>
#include <rte_mbuf.h>

#include <tern/tern.h>

#include "tern_net_priv.h"

#define FRAME_MAX	4096
#define ETH_LEN		14
#define IP4_LEN		20
#define IP6_LEN		40
#define FH6_LEN		8	/* IPv6 fragment header */
#define MTU		1500
#define PROTO_TCP	6
#define PROTO_ICMPV6	58
#define NH_FRAGMENT	44
#define ARP_REQUEST	1
#define ND_NS		135
#define ND_NA		136
#define ND_LEN		24
#define OPT_TLLA	2

#define MS		(1000ULL * 1000)
#define SEC		(1000ULL * MS)
#define T0		SEC			/* the clock at the start of each test */
#define REACHABLE_NS	(30 * SEC)		/* tern_net_param's default */

static const struct rte_ether_addr our_mac = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 } };
static const struct rte_ether_addr peer_mac = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 } };
static const struct rte_ether_addr peer_mac2 = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x22 } };
static const struct rte_ether_addr gw_mac = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0xfe } };
static const struct rte_ether_addr gw2_mac = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0xfd } };
/* what a next hop's MAC is changed to behind a destination's back (dest_send_on_tmpl()) */
static const struct rte_ether_addr mark_mac = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0xee } };

/* The addresses of one family: 4 or 16 bytes each. */
struct fam {
	uint8_t family;
	union net_addr our, peer, gw, gw2, far, far_pfx, any;
	uint8_t far_len;	/* of far_pfx: more specific than the default route */
};

static void
fam_get(uint8_t family, struct fam *f)
{
	static const struct tern_ip6 our6 = { { 0xfd, [15] = 0x01 } };
	static const struct tern_ip6 peer6 = { { 0xfd, [15] = 0x02 } };
	static const struct tern_ip6 gw6 = { { 0xfd, [15] = 0xfe } };
	static const struct tern_ip6 gw26 = { { 0xfd, [15] = 0xfd } };
	static const struct tern_ip6 far6 = { { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x09 } };
	static const struct tern_ip6 far6_pfx = { { 0x20, 0x01, 0x0d, 0xb8 } };

	memset(f, 0, sizeof(*f));
	f->family = family;
	if (family == 4) {
		f->our.ip4 = test_ip4(10, 0, 0, 1);
		f->peer.ip4 = test_ip4(10, 0, 0, 2);
		f->gw.ip4 = test_ip4(10, 0, 0, 254);
		f->gw2.ip4 = test_ip4(10, 0, 0, 253);
		f->far.ip4 = test_ip4(192, 0, 2, 9);
		f->far_pfx.ip4 = test_ip4(192, 0, 2, 0);
		f->far_len = 24;
	} else {
		f->our.ip6 = our6;
		f->peer.ip6 = peer6;
		f->gw.ip6 = gw6;
		f->gw2.ip6 = gw26;
		f->far.ip6 = far6;
		f->far_pfx.ip6 = far6_pfx;
		f->far_len = 32;
	}
}

static size_t
alen(const struct fam *f)
{
	return f->family == 4 ? 4 : 16;
}

/* ---- the context under test ---- */

/*
 * One interface, MTU 1500, with 10.0.0.1/24 and fd00::1/64 (their connected
 * routes); no other route, no neighbor; the clock at T0.
 */
static struct test_env *
env_open(void **state)
{
	struct test_env_param p = {
		.name = "dest", .mac = our_mac, .mtu = MTU,
		.cap_max = TEST_ENV_CAP_MAX, .mark_pool = true,
	};
	struct test_env *e = calloc(1, sizeof(*e));
	struct fam f4, f6;

	assert_non_null(e);
	*state = e;
	fam_get(4, &f4);
	fam_get(6, &f6);
	assert_int_equal(test_env_open(e, &p), 0);
	assert_int_equal(tern_net_addr4_add(e->net, 0, f4.our.ip4, 24), 0);
	assert_int_equal(tern_net_addr6_add(e->net, 0, &f6.our.ip6, 64), 0);
	assert_int_equal(test_env_start(e), 0);
	assert_int_equal(tern_ctx_set_time(e->ctx, T0), 0);
	return e;
}

static void
route_add(struct test_env *e, const struct fam *f, const union net_addr *pfx, uint8_t len,
	  const union net_addr *gw)
{
	if (f->family == 4)
		assert_int_equal(tern_net_route4_add(e->net, pfx->ip4, len, gw->ip4, 0), 0);
	else
		assert_int_equal(tern_net_route6_add(e->net, &pfx->ip6, len, &gw->ip6, 0), 0);
}

static void
route_del(struct test_env *e, const struct fam *f, const union net_addr *pfx, uint8_t len)
{
	if (f->family == 4)
		assert_int_equal(tern_net_route4_del(e->net, pfx->ip4, len), 0);
	else
		assert_int_equal(tern_net_route6_del(e->net, &pfx->ip6, len), 0);
}

/* @addr a neighbor in state @st with @mac, confirmed now (as ARP / ND input does). */
static void
neigh_set(struct test_env *e, const struct fam *f, const union net_addr *addr,
	  const struct rte_ether_addr *mac, enum tern_neigh_state st)
{
	assert_int_equal(neigh_update(e->net, 0, f->family, addr->a, mac, st,
				      tern_ctx_now(e->ctx), true), 0);
}

static enum tern_neigh_state
neigh_state(const struct test_env *e, const struct fam *f, const union net_addr *addr)
{
	return neigh_get(e->net, 0, f->family, addr->a, tern_ctx_now(e->ctx), NULL);
}

/* ---- counters of the family ---- */

static uint64_t
ip_out(const struct tern_stats *st, const struct fam *f)
{
	return f->family == 4 ? st->ip4_out : st->ip6_out;
}

/* ARP requests or neighbor solicitations sent */
static uint64_t
probes(const struct tern_stats *st, const struct fam *f)
{
	return f->family == 4 ? st->arp_req_out : st->nd_ns_out;
}

/* IP packets a probe adds: a neighbor solicitation is one (ip6_out), an ARP request none */
static uint64_t
probe_ip(const struct fam *f)
{
	return f->family == 6 ? 1 : 0;
}

static uint64_t
noroute(const struct tern_stats *st, const struct fam *f)
{
	return f->family == 4 ? st->drop_ip4_noroute : st->drop_ip6_noroute;
}

/* ---- sending ---- */

/* The L4 bytes of packet @k, @len long. */
static void
l4_fill(uint8_t *p, size_t len, unsigned int k)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + k * 31 + 3);
}

static struct rte_mbuf *
l4_mbuf(size_t len, unsigned int k, uint64_t ol_flags)
{
	static uint8_t l4[FRAME_MAX];
	struct rte_mbuf *m;

	l4_fill(l4, len, k);
	m = tern_test_mbuf_from(l4, len);
	m->ol_flags |= ol_flags;
	return m;
}

/* Packet @k of @len L4 bytes through @d to @dst, flushed. @return what net_dest_output() did. */
static int
dest_send(struct test_env *e, const struct fam *f, struct net_dest *d,
	  const union net_addr *dst, size_t len, unsigned int k, uint64_t ol_flags)
{
	int ret = net_dest_output(e->ctx, d, f->our.a, dst->a, l4_mbuf(len, k, ol_flags));

	tern_ctx_flush(e->ctx);
	return ret;
}

/* The same through the per-packet path to next hop @nh: ip4_output_via / ip6_output_via. */
static void
via_send(struct test_env *e, const struct fam *f, const union net_addr *nh,
	 const union net_addr *dst, size_t len, unsigned int k)
{
	struct rte_mbuf *m = l4_mbuf(len, k, 0);

	if (f->family == 4)
		assert_int_equal(ip4_output_via(e->ctx, m, f->our.ip4, dst->ip4, PROTO_TCP, 0, 0,
						nh->ip4), 0);
	else
		assert_int_equal(ip6_output_via(e->ctx, 0, &nh->ip6, m, &f->our.ip6, &dst->ip6,
						PROTO_TCP, 0), 0);
	tern_ctx_flush(e->ctx);
}

/* @d's slot of the context's template cache. */
static struct net_tmpl_slot *
dest_slot(struct test_env *e, const struct net_dest *d)
{
	return &netc(e->ctx)->tmpl[d->tag & (NET_TMPL_CACHE - 1)];
}

/* Whether @d's headers are built and its slot is still its own. */
static bool
dest_has_tmpl(struct test_env *e, const struct net_dest *d)
{
	return net_tmpl_slot_ours(dest_slot(e, d), d);
}

/*
 * @addr's MAC in the table set to @mac (REACHABLE, confirmed now) behind the
 * destinations' back: the neighbor generation put back as it was, so that
 * nothing built before sees the change.
 */
static void
neigh_set_hidden(struct test_env *e, const struct fam *f, const union net_addr *addr,
		 const struct rte_ether_addr *mac)
{
	uint32_t gen = __atomic_load_n(&e->net->neigh_gen, __ATOMIC_ACQUIRE);

	neigh_set(e, f, addr, mac, TERN_NEIGH_REACHABLE);
	__atomic_store_n(&e->net->neigh_gen, gen, __ATOMIC_RELEASE);
}

/*
 * Send packet @k as dest_send() does, its next hop's MAC (@mac) changed to
 * mark_mac behind @d's back for that send only: a frame to @mac can only
 * have been built from @d's template, one to mark_mac only by the
 * per-packet path, which looks the neighbor up. @d's template is brought
 * up to date first (net_dest_tmpl(), as the send itself would: it must be
 * good), so that it is not built from the mark. @return true for the
 * template; the frame is the last captured one.
 */
static bool
dest_send_on_tmpl(struct test_env *e, const struct fam *f, struct net_dest *d,
		  const union net_addr *dst, size_t len, unsigned int k, uint64_t ol_flags,
		  const struct rte_ether_addr *mac)
{
	unsigned int n = e->nb_cap;
	uint8_t buf[RTE_ETHER_ADDR_LEN];
	union net_addr nh = d->nh;
	const uint8_t *dmac;

	assert_ptr_equal(net_dest_tmpl(e->ctx, d, f->our.a, dst->a), &dest_slot(e, d)->tmpl);
	neigh_set_hidden(e, f, &nh, &mark_mac);
	assert_int_equal(dest_send(e, f, d, dst, len, k, ol_flags), 0);
	neigh_set_hidden(e, f, &nh, mac);
	assert_int_equal(e->nb_cap, n + 1);
	dmac = rte_pktmbuf_read(e->cap[n], 0, sizeof(buf), buf);
	assert_non_null(dmac);
	if (memcmp(dmac, mac->addr_bytes, RTE_ETHER_ADDR_LEN) == 0)
		return true;
	assert_memory_equal(dmac, mark_mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	return false;
}

/* ---- frames ---- */

static uint8_t fbuf[FRAME_MAX], fbuf2[FRAME_MAX];

/*
 * Captured frame @i is packet @k (@len L4 bytes) of TCP from us to @dst in
 * one unfragmented IP packet, sent to @dmac (IPv4: DF set, checksum good).
 */
static void
assert_data_frame(const struct test_env *e, unsigned int i, const struct fam *f,
		  const struct rte_ether_addr *dmac, const union net_addr *dst, size_t len,
		  unsigned int k)
{
	static uint8_t l4[FRAME_MAX];
	size_t flen = test_env_cap_copy(e, i, fbuf, sizeof(fbuf));
	const uint8_t *ip = fbuf + ETH_LEN;
	size_t hl = f->family == 4 ? IP4_LEN : IP6_LEN;

	assert_int_equal(flen, ETH_LEN + hl + len);
	assert_memory_equal(fbuf, dmac->addr_bytes, 6);
	assert_memory_equal(fbuf + 6, our_mac.addr_bytes, 6);
	if (f->family == 4) {
		assert_int_equal(get16(fbuf + 12), RTE_ETHER_TYPE_IPV4);
		assert_int_equal(ip[0], 0x45);
		assert_int_equal(get16(ip + 2), IP4_LEN + len);
		assert_int_equal(get16(ip + 6), 0x4000);	/* DF, not a fragment */
		assert_int_equal(ip[9], PROTO_TCP);
		assert_int_equal(ref_sum(ip, IP4_LEN, 0), 0xffff);
		assert_memory_equal(ip + 12, f->our.a, 4);
		assert_memory_equal(ip + 16, dst->a, 4);
	} else {
		assert_int_equal(get16(fbuf + 12), RTE_ETHER_TYPE_IPV6);
		assert_int_equal(ip[0] >> 4, 6);
		assert_int_equal(get16(ip + 4), len);
		assert_int_equal(ip[6], PROTO_TCP);
		assert_memory_equal(ip + 8, f->our.a, 16);
		assert_memory_equal(ip + 24, dst->a, 16);
	}
	l4_fill(l4, len, k);
	assert_memory_equal(ip + hl, l4, len);
}

/* Captured frame @i asks for @target: an ARP request or a neighbor solicitation. */
static void
assert_probe_frame(const struct test_env *e, unsigned int i, const struct fam *f,
		   const union net_addr *target)
{
	size_t flen = test_env_cap_copy(e, i, fbuf, sizeof(fbuf));

	assert_memory_equal(fbuf + 6, our_mac.addr_bytes, 6);
	if (f->family == 4) {
		assert_true(flen >= ETH_LEN + 28);
		assert_int_equal(get16(fbuf + 12), RTE_ETHER_TYPE_ARP);
		assert_int_equal(get16(fbuf + ETH_LEN + 6), ARP_REQUEST);
		assert_memory_equal(fbuf + ETH_LEN + 24, target->a, 4);
	} else {
		assert_true(flen >= ETH_LEN + IP6_LEN + ND_LEN);
		assert_int_equal(get16(fbuf + 12), RTE_ETHER_TYPE_IPV6);
		assert_int_equal(fbuf[ETH_LEN + 6], PROTO_ICMPV6);
		assert_int_equal(fbuf[ETH_LEN + IP6_LEN], ND_NS);
		assert_memory_equal(fbuf + ETH_LEN + IP6_LEN + 8, target->a, 16);
	}
}

/* ---- the tests ---- */

/*
 * To a next hop not yet resolved: the send goes through the IP output (one
 * ip_out), which holds the packet and asks (one ARP request / NS). Once the
 * next hop answers, the held packet goes, and the next send is built from
 * the template: the frame ip4_output_via() / ip6_output_via() make of the
 * same bytes to the same next hop, but for the IPv4 identification (one
 * more: one counter for both) and so the checksum.
 */
static void
unresolved_then_template(void **state, uint8_t family)
{
	struct test_env *e = env_open(state);
	struct tern_stats st0, st1;
	struct net_dest d;
	struct fam f;
	size_t la, lb, l2 = ETH_LEN;

	fam_get(family, &f);
	route_add(e, &f, &f.any, 0, &f.gw);
	assert_int_equal(net_dest_init(e->ctx, &d, family, f.far.a, PROTO_TCP), 0);
	assert_int_equal(d.ifindex, 0);
	assert_memory_equal(d.nh.a, f.gw.a, alen(&f));

	st0 = test_env_stats(e);
	assert_int_equal(dest_send(e, &f, &d, &f.far, 100, 0, 0), 0);
	st1 = test_env_stats(e);
	assert_false(dest_has_tmpl(e, &d));
	assert_int_equal(ip_out(&st1, &f) - ip_out(&st0, &f), 1 + probe_ip(&f));
	assert_int_equal(st1.neigh_held - st0.neigh_held, 1);
	assert_int_equal(probes(&st1, &f) - probes(&st0, &f), 1);
	assert_int_equal(tern_ctx_pending(e->ctx), 1);
	assert_int_equal(e->nb_cap, 1);
	assert_probe_frame(e, 0, &f, &f.gw);
	assert_int_equal(neigh_state(e, &f, &f.gw), TERN_NEIGH_INCOMPLETE);

	/* the gateway answers: the held packet goes at the next hold check */
	neigh_set(e, &f, &f.gw, &gw_mac, TERN_NEIGH_REACHABLE);
	assert_int_equal(tern_ctx_advance(e->ctx, TERN_NEIGH_HOLD_CHECK_NS), 0);
	st0 = test_env_stats(e);
	assert_int_equal(st0.neigh_released - st1.neigh_released, 1);
	assert_int_equal(tern_ctx_pending(e->ctx), 0);
	assert_int_equal(e->nb_cap, 2);
	assert_data_frame(e, 1, &f, &gw_mac, &f.far, 100, 0);

	/* the next send: on the template, nothing held or asked */
	assert_true(dest_send_on_tmpl(e, &f, &d, &f.far, 200, 1, 0, &gw_mac));
	st1 = test_env_stats(e);
	assert_true(dest_has_tmpl(e, &d));
	assert_int_equal(ip_out(&st1, &f) - ip_out(&st0, &f), 1);
	assert_int_equal(st1.neigh_held, st0.neigh_held);
	assert_int_equal(probes(&st1, &f), probes(&st0, &f));
	assert_int_equal(e->nb_cap, 3);
	assert_data_frame(e, 2, &f, &gw_mac, &f.far, 200, 1);

	/* the same bytes through ip4_output_via / ip6_output_via */
	via_send(e, &f, &f.gw, &f.far, 200, 1);
	assert_int_equal(e->nb_cap, 4);
	assert_data_frame(e, 3, &f, &gw_mac, &f.far, 200, 1);
	la = test_env_cap_copy(e, 2, fbuf, sizeof(fbuf));
	lb = test_env_cap_copy(e, 3, fbuf2, sizeof(fbuf2));
	assert_int_equal(la, lb);
	if (family == 4) {
		assert_int_equal(get16(fbuf2 + l2 + 4), (uint16_t)(get16(fbuf + l2 + 4) + 1));
		memset(fbuf + l2 + 4, 0, 2);
		memset(fbuf2 + l2 + 4, 0, 2);
		memset(fbuf + l2 + 10, 0, 2);
		memset(fbuf2 + l2 + 10, 0, 2);
	}
	assert_memory_equal(fbuf, fbuf2, la);
	assert_int_equal(e->cap[2]->l2_len, e->cap[3]->l2_len);
	assert_int_equal(e->cap[2]->l3_len, e->cap[3]->l3_len);
	assert_int_equal(e->cap[2]->ol_flags, e->cap[3]->ol_flags);
	test_env_finish(e);
}

static void
test_dest_ip4_unresolved_holds_then_template_as_ip4_output_via(void **state)
{
	unresolved_then_template(state, 4);
}

static void
test_dest_ip6_unresolved_holds_then_template_as_ip6_output_via(void **state)
{
	unresolved_then_template(state, 6);
}

/*
 * A route to the far prefix through another gateway, added after the
 * destination was made, takes its next send; deleting it gives the next
 * send back to the default gateway. Both gateways are resolved: nothing is
 * asked or held, every send is on a template.
 */
static void
route_change_moves_next_hop(void **state, uint8_t family)
{
	struct test_env *e = env_open(state);
	struct tern_stats st0, st1;
	struct net_dest d;
	struct fam f;

	fam_get(family, &f);
	route_add(e, &f, &f.any, 0, &f.gw);
	neigh_set(e, &f, &f.gw, &gw_mac, TERN_NEIGH_REACHABLE);
	assert_int_equal(net_dest_init(e->ctx, &d, family, f.far.a, PROTO_TCP), 0);
	st0 = test_env_stats(e);
	assert_int_equal(dest_send(e, &f, &d, &f.far, 64, 0, 0), 0);
	assert_true(dest_has_tmpl(e, &d));
	assert_data_frame(e, 0, &f, &gw_mac, &f.far, 64, 0);

	/*
	 * The second gateway becomes known (the neighbor generation moves: the
	 * template is built again) while the route still says the first.
	 */
	neigh_set(e, &f, &f.gw2, &gw2_mac, TERN_NEIGH_REACHABLE);
	assert_int_equal(dest_send(e, &f, &d, &f.far, 64, 1, 0), 0);
	assert_data_frame(e, 1, &f, &gw_mac, &f.far, 64, 1);

	/* a more specific route through the second gateway */
	route_add(e, &f, &f.far_pfx, f.far_len, &f.gw2);
	assert_int_equal(dest_send(e, &f, &d, &f.far, 64, 2, 0), 0);
	assert_true(dest_has_tmpl(e, &d));
	assert_memory_equal(d.nh.a, f.gw2.a, alen(&f));
	assert_data_frame(e, 2, &f, &gw2_mac, &f.far, 64, 2);
	assert_int_equal(dest_send(e, &f, &d, &f.far, 64, 3, 0), 0);
	assert_data_frame(e, 3, &f, &gw2_mac, &f.far, 64, 3);

	/* deleted: back to the default route */
	route_del(e, &f, &f.far_pfx, f.far_len);
	assert_int_equal(dest_send(e, &f, &d, &f.far, 64, 4, 0), 0);
	assert_memory_equal(d.nh.a, f.gw.a, alen(&f));
	assert_data_frame(e, 4, &f, &gw_mac, &f.far, 64, 4);

	st1 = test_env_stats(e);
	assert_int_equal(e->nb_cap, 5);
	assert_int_equal(ip_out(&st1, &f) - ip_out(&st0, &f), 5);
	assert_int_equal(probes(&st1, &f), probes(&st0, &f));
	assert_int_equal(st1.neigh_held, st0.neigh_held);
	test_env_finish(e);
}

static void
test_dest_ip4_route_change_moves_next_hop(void **state)
{
	route_change_moves_next_hop(state, 4);
}

static void
test_dest_ip6_route_change_moves_next_hop(void **state)
{
	route_change_moves_next_hop(state, 6);
}

/*
 * The only route to the destination deleted: its sends fail with
 * -ENETUNREACH, counted as drop_ip4_noroute / drop_ip6_noroute, and nothing
 * goes out (not to the old next hop, not on its template), however many;
 * a new route through another gateway takes the next one.
 */
static void
route_gone_is_unreachable(void **state, uint8_t family)
{
	struct test_env *e = env_open(state);
	struct tern_stats st0, st1;
	struct net_dest d;
	struct fam f;

	fam_get(family, &f);
	route_add(e, &f, &f.any, 0, &f.gw);
	neigh_set(e, &f, &f.gw, &gw_mac, TERN_NEIGH_REACHABLE);
	neigh_set(e, &f, &f.gw2, &gw2_mac, TERN_NEIGH_REACHABLE);
	assert_int_equal(net_dest_init(e->ctx, &d, family, f.far.a, PROTO_TCP), 0);
	assert_int_equal(dest_send(e, &f, &d, &f.far, 64, 0, 0), 0);
	assert_int_equal(e->nb_cap, 1);
	assert_data_frame(e, 0, &f, &gw_mac, &f.far, 64, 0);

	route_del(e, &f, &f.any, 0);
	st0 = test_env_stats(e);
	assert_int_equal(dest_send(e, &f, &d, &f.far, 64, 1, 0), -ENETUNREACH);
	assert_int_equal(dest_send(e, &f, &d, &f.far, 64, 2, 0), -ENETUNREACH);
	st1 = test_env_stats(e);
	assert_int_equal(noroute(&st1, &f) - noroute(&st0, &f), 2);
	assert_int_equal(ip_out(&st1, &f), ip_out(&st0, &f));
	assert_int_equal(e->nb_cap, 1);
	assert_int_equal(tern_ctx_pending(e->ctx), 0);

	route_add(e, &f, &f.any, 0, &f.gw2);
	assert_int_equal(dest_send(e, &f, &d, &f.far, 64, 3, 0), 0);
	assert_int_equal(e->nb_cap, 2);
	assert_data_frame(e, 1, &f, &gw2_mac, &f.far, 64, 3);
	test_env_finish(e);
}

static void
test_dest_ip4_route_gone_is_unreachable(void **state)
{
	route_gone_is_unreachable(state, 4);
}

static void
test_dest_ip6_route_gone_is_unreachable(void **state)
{
	route_gone_is_unreachable(state, 6);
}

/* The on-link peer's MAC changes (as an ARP reply / NA with another one): the next frame has it. */
static void
neigh_mac_change(void **state, uint8_t family)
{
	struct test_env *e = env_open(state);
	struct tern_stats st0, st1;
	struct net_dest d;
	struct fam f;

	fam_get(family, &f);
	neigh_set(e, &f, &f.peer, &peer_mac, TERN_NEIGH_REACHABLE);
	assert_int_equal(net_dest_init(e->ctx, &d, family, f.peer.a, PROTO_TCP), 0);
	assert_memory_equal(d.nh.a, f.peer.a, alen(&f));	/* on the link */
	st0 = test_env_stats(e);
	assert_int_equal(dest_send(e, &f, &d, &f.peer, 80, 0, 0), 0);
	assert_true(dest_has_tmpl(e, &d));
	assert_data_frame(e, 0, &f, &peer_mac, &f.peer, 80, 0);

	assert_int_equal(tern_ctx_advance(e->ctx, SEC), 0);
	neigh_set(e, &f, &f.peer, &peer_mac2, TERN_NEIGH_REACHABLE);
	assert_int_equal(dest_send(e, &f, &d, &f.peer, 80, 1, 0), 0);
	assert_true(dest_has_tmpl(e, &d));
	assert_data_frame(e, 1, &f, &peer_mac2, &f.peer, 80, 1);
	assert_int_equal(dest_send(e, &f, &d, &f.peer, 80, 2, 0), 0);
	assert_data_frame(e, 2, &f, &peer_mac2, &f.peer, 80, 2);
	st1 = test_env_stats(e);
	assert_int_equal(e->nb_cap, 3);
	assert_int_equal(ip_out(&st1, &f) - ip_out(&st0, &f), 3);
	assert_int_equal(probes(&st1, &f), probes(&st0, &f));
	test_env_finish(e);
}

/*
 * A dest made again in the same storage (a freed connection's control block
 * reused) for another destination, with a tag that falls on the same
 * template slot (NET_TMPL_CACHE inits later): its first frame goes to the
 * new destination, not out of the old one's headers left in the slot.
 */
static void
slot_reuse_same_storage(void **state, uint8_t family)
{
	struct test_env *e = env_open(state);
	struct net_dest d;
	struct fam f;
	unsigned int i;
	uint16_t tag;

	fam_get(family, &f);
	neigh_set(e, &f, &f.peer, &peer_mac, TERN_NEIGH_REACHABLE);
	neigh_set(e, &f, &f.gw, &peer_mac2, TERN_NEIGH_REACHABLE);
	assert_int_equal(net_dest_init(e->ctx, &d, family, f.peer.a, PROTO_TCP), 0);
	tag = d.tag;
	assert_int_equal(dest_send(e, &f, &d, &f.peer, 80, 0, 0), 0);
	assert_true(dest_has_tmpl(e, &d));
	assert_data_frame(e, 0, &f, &peer_mac, &f.peer, 80, 0);
	for (i = 0; i < NET_TMPL_CACHE; i++)
		assert_int_equal(net_dest_init(e->ctx, &d, family, f.gw.a, PROTO_TCP), 0);
	assert_int_equal(d.tag & (NET_TMPL_CACHE - 1), tag & (NET_TMPL_CACHE - 1));
	assert_int_not_equal(d.tag, tag);
	assert_false(dest_has_tmpl(e, &d));
	assert_int_equal(dest_send(e, &f, &d, &f.gw, 80, 1, 0), 0);
	assert_true(dest_has_tmpl(e, &d));
	assert_data_frame(e, 1, &f, &peer_mac2, &f.gw, 80, 1);
	assert_int_equal(e->nb_cap, 2);
	test_env_finish(e);
}

static void
test_dest_ip4_slot_reuse_same_storage(void **state)
{
	slot_reuse_same_storage(state, 4);
}

static void
test_dest_ip6_slot_reuse_same_storage(void **state)
{
	slot_reuse_same_storage(state, 6);
}

/*
 * A template kept across several sends (the UDP reply burst keeps one per
 * run) is asked net_dest_tmpl_ours() before each: once another dest whose
 * tag falls on the same slot has taken it, the answer is no, and the next
 * net_dest_tmpl() builds the first dest's headers again.
 */
static void
kept_tmpl_taken(void **state, uint8_t family)
{
	struct test_env *e = env_open(state);
	const struct tern_ip_tmpl *t1, *t2;
	struct net_dest d1, d2;
	struct fam f;
	unsigned int i;

	fam_get(family, &f);
	neigh_set(e, &f, &f.peer, &peer_mac, TERN_NEIGH_REACHABLE);
	neigh_set(e, &f, &f.gw, &peer_mac2, TERN_NEIGH_REACHABLE);
	assert_int_equal(net_dest_init(e->ctx, &d1, family, f.peer.a, PROTO_TCP), 0);
	for (i = 0; i < NET_TMPL_CACHE; i++)
		assert_int_equal(net_dest_init(e->ctx, &d2, family, f.gw.a, PROTO_TCP), 0);
	assert_int_equal(d2.tag & (NET_TMPL_CACHE - 1), d1.tag & (NET_TMPL_CACHE - 1));
	t1 = net_dest_tmpl(e->ctx, &d1, f.our.a, f.peer.a);
	assert_non_null(t1);
	assert_true(net_dest_tmpl_ours(&d1, t1));
	assert_false(net_dest_tmpl_ours(&d2, t1));
	t2 = net_dest_tmpl(e->ctx, &d2, f.our.a, f.gw.a);
	assert_ptr_equal(t2, t1);		/* the same slot */
	assert_false(net_dest_tmpl_ours(&d1, t1));
	assert_true(net_dest_tmpl_ours(&d2, t2));
	t1 = net_dest_tmpl(e->ctx, &d1, f.our.a, f.peer.a);
	assert_true(net_dest_tmpl_ours(&d1, t1));
	assert_false(net_dest_tmpl_ours(&d2, t2));
	/* and what it sends goes to the peer, not out of d2's headers */
	assert_int_equal(dest_send(e, &f, &d1, &f.peer, 80, 0, 0), 0);
	assert_data_frame(e, 0, &f, &peer_mac, &f.peer, 80, 0);
	assert_int_equal(e->nb_cap, 1);
	test_env_finish(e);
}

static void
test_dest_ip4_kept_tmpl_taken_is_not_ours(void **state)
{
	kept_tmpl_taken(state, 4);
}

static void
test_dest_ip6_kept_tmpl_taken_is_not_ours(void **state)
{
	kept_tmpl_taken(state, 6);
}

static void
test_dest_ip4_neigh_mac_change_on_next_frame(void **state)
{
	neigh_mac_change(state, 4);
}

static void
test_dest_ip6_neigh_mac_change_on_next_frame(void **state)
{
	neigh_mac_change(state, 6);
}

/*
 * The peer confirmed at T0: sends up to the last nanosecond of its
 * REACHABLE time are on the template, with no probe; the first one after
 * goes through the per-packet path, which sends it to the MAC it has (the
 * entry is STALE) and probes; once the peer is confirmed again, the
 * template is back, with no more probes.
 */
static void
reachable_time_ends(void **state, uint8_t family)
{
	struct test_env *e = env_open(state);
	struct tern_stats st0, st1;
	struct net_dest d;
	struct fam f;

	fam_get(family, &f);
	neigh_set(e, &f, &f.peer, &peer_mac, TERN_NEIGH_REACHABLE);
	assert_int_equal(net_dest_init(e->ctx, &d, family, f.peer.a, PROTO_TCP), 0);
	st0 = test_env_stats(e);
	assert_int_equal(dest_send(e, &f, &d, &f.peer, 80, 0, 0), 0);
	assert_true(dest_has_tmpl(e, &d));
	assert_int_equal(tern_ctx_advance(e->ctx, REACHABLE_NS - 1), 0);
	assert_int_equal(neigh_state(e, &f, &f.peer), TERN_NEIGH_REACHABLE);
	assert_int_equal(dest_send(e, &f, &d, &f.peer, 80, 1, 0), 0);
	assert_true(dest_has_tmpl(e, &d));
	st1 = test_env_stats(e);
	assert_int_equal(probes(&st1, &f), probes(&st0, &f));
	assert_int_equal(e->nb_cap, 2);

	/* past it: STALE */
	assert_int_equal(tern_ctx_advance(e->ctx, 2), 0);
	assert_int_equal(neigh_state(e, &f, &f.peer), TERN_NEIGH_STALE);
	assert_int_equal(dest_send(e, &f, &d, &f.peer, 80, 2, 0), 0);
	assert_false(dest_has_tmpl(e, &d));
	st1 = test_env_stats(e);
	assert_int_equal(probes(&st1, &f) - probes(&st0, &f), 1);
	assert_int_equal(st1.neigh_held, st0.neigh_held);
	assert_int_equal(ip_out(&st1, &f) - ip_out(&st0, &f), 3 + probe_ip(&f));
	assert_int_equal(e->nb_cap, 4);
	assert_data_frame(e, 2, &f, &peer_mac, &f.peer, 80, 2);
	assert_probe_frame(e, 3, &f, &f.peer);

	/* the peer answers (same MAC): the template again */
	neigh_set(e, &f, &f.peer, &peer_mac, TERN_NEIGH_REACHABLE);
	assert_int_equal(dest_send(e, &f, &d, &f.peer, 80, 3, 0), 0);
	assert_true(dest_has_tmpl(e, &d));
	assert_int_equal(dest_send(e, &f, &d, &f.peer, 80, 4, 0), 0);
	st1 = test_env_stats(e);
	assert_int_equal(probes(&st1, &f) - probes(&st0, &f), 1);
	assert_int_equal(e->nb_cap, 6);
	assert_data_frame(e, 4, &f, &peer_mac, &f.peer, 80, 3);
	assert_data_frame(e, 5, &f, &peer_mac, &f.peer, 80, 4);
	test_env_finish(e);
}

static void
test_dest_ip4_reachable_time_end_probes(void **state)
{
	reachable_time_ends(state, 4);
}

static void
test_dest_ip6_reachable_time_end_probes(void **state)
{
	reachable_time_ends(state, 6);
}

/*
 * RFC 4861 7.2.5: an advertisement without Override carrying another
 * address makes a REACHABLE entry STALE (its address kept). The next send
 * through a destination to it is not on the old template: it goes through
 * the per-packet path, to the address kept, and probes. The peer is
 * confirmed @at after T0 (the network's clock started at 0), the
 * advertisement comes 1 s later.
 */
static void
stale_by_na(void **state, uint64_t at)
{
	struct test_env *e = env_open(state);
	uint8_t msg[ND_LEN + 8], frame[ETH_LEN + IP6_LEN + sizeof(msg)];
	struct tern_stats st0, st1;
	struct rte_mbuf *m;
	struct net_dest d;
	struct fam f;

	fam_get(6, &f);
	if (at > 0)
		assert_int_equal(tern_ctx_advance(e->ctx, at), 0);
	neigh_set(e, &f, &f.peer, &peer_mac, TERN_NEIGH_REACHABLE);
	assert_int_equal(net_dest_init(e->ctx, &d, 6, f.peer.a, PROTO_TCP), 0);
	st0 = test_env_stats(e);
	assert_int_equal(dest_send(e, &f, &d, &f.peer, 80, 0, 0), 0);
	assert_true(dest_has_tmpl(e, &d));
	assert_int_equal(tern_ctx_advance(e->ctx, SEC), 0);

	/* an unsolicited NA, no Override, with another link address */
	memset(msg, 0, sizeof(msg));
	msg[0] = ND_NA;
	memcpy(msg + 8, f.peer.a, 16);
	msg[ND_LEN] = OPT_TLLA;
	msg[ND_LEN + 1] = 1;
	memcpy(msg + ND_LEN + 2, peer_mac2.addr_bytes, 6);
	put16(msg + 2, ref_icmp6_cksum(&f.peer.ip6, &f.our.ip6, msg, sizeof(msg)));
	test_eth_hdr(frame, &our_mac, &peer_mac2, RTE_ETHER_TYPE_IPV6);
	memset(frame + ETH_LEN, 0, IP6_LEN);
	frame[ETH_LEN] = 0x60;
	put16(frame + ETH_LEN + 4, sizeof(msg));
	frame[ETH_LEN + 6] = PROTO_ICMPV6;
	frame[ETH_LEN + 7] = 255;
	memcpy(frame + ETH_LEN + 8, f.peer.a, 16);
	memcpy(frame + ETH_LEN + 24, f.our.a, 16);
	memcpy(frame + ETH_LEN + IP6_LEN, msg, sizeof(msg));
	m = tern_test_mbuf_from(frame, sizeof(frame));
	tern_ctx_input(e->ctx, 0, &m, 1);
	tern_ctx_flush(e->ctx);
	st1 = test_env_stats(e);
	assert_int_equal(st1.nd_na_in - st0.nd_na_in, 1);
	assert_int_equal(e->nb_cap, 1);
	/* STALE at once, and still a microsecond later, when the next send comes */
	assert_int_equal(neigh_state(e, &f, &f.peer), TERN_NEIGH_STALE);
	assert_int_equal(tern_ctx_advance(e->ctx, 1000), 0);
	assert_int_equal(neigh_state(e, &f, &f.peer), TERN_NEIGH_STALE);

	assert_int_equal(dest_send(e, &f, &d, &f.peer, 80, 1, 0), 0);
	st1 = test_env_stats(e);
	assert_false(dest_has_tmpl(e, &d));
	assert_int_equal(probes(&st1, &f) - probes(&st0, &f), 1);
	assert_int_equal(e->nb_cap, 3);
	assert_data_frame(e, 1, &f, &peer_mac, &f.peer, 80, 1);
	assert_probe_frame(e, 2, &f, &f.peer);
	test_env_finish(e);
}

/* Past the first REACHABLE time of the network's clock. */
static void
test_dest_ip6_stale_by_na_probes(void **state)
{
	stale_by_na(state, 2 * REACHABLE_NS);
}

/* Within the first REACHABLE time of the network's clock (2 s after its start). */
static void
test_dest_ip6_stale_by_na_early_probes(void **state)
{
	stale_by_na(state, 0);
}

/*
 * Sizes against the MTU, the peer resolved: a packet exactly at the MTU
 * goes on the template; one byte more, without a TSO flag, goes through
 * the IP output and is fragmented there (IPv4: two fragments, DF clear,
 * MF on the first; IPv6: two with a fragment header), the fragments
 * carrying the packet's bytes; a packet twice the MTU with
 * RTE_MBUF_F_TX_TCP_SEG goes whole on the template (the device segments).
 */
static void
mtu_and_fragments(void **state, uint8_t family)
{
	struct test_env *e = env_open(state);
	size_t hl = family == 4 ? IP4_LEN : IP6_LEN;
	size_t fit = MTU - hl, big = fit + 1, off = 0, i;
	static uint8_t l4[FRAME_MAX], got[FRAME_MAX];
	struct tern_stats st0, st1;
	struct net_dest d;
	struct fam f;

	fam_get(family, &f);
	neigh_set(e, &f, &f.peer, &peer_mac, TERN_NEIGH_REACHABLE);
	assert_int_equal(net_dest_init(e->ctx, &d, family, f.peer.a, PROTO_TCP), 0);

	st0 = test_env_stats(e);
	assert_true(dest_send_on_tmpl(e, &f, &d, &f.peer, fit, 0, 0, &peer_mac));
	st1 = test_env_stats(e);
	assert_true(dest_has_tmpl(e, &d));
	assert_int_equal(e->nb_cap, 1);
	assert_data_frame(e, 0, &f, &peer_mac, &f.peer, fit, 0);
	assert_int_equal(st1.frag_fragmented, st0.frag_fragmented);

	/* one byte over: fragments */
	assert_int_equal(dest_send(e, &f, &d, &f.peer, big, 1, 0), 0);
	st1 = test_env_stats(e);
	assert_int_equal(st1.frag_fragmented - st0.frag_fragmented, 1);
	assert_int_equal(st1.frag_out - st0.frag_out, 2);
	assert_int_equal(ip_out(&st1, &f) - ip_out(&st0, &f), 2);
	assert_int_equal(e->nb_cap, 3);
	for (i = 0; i < 2; i++) {
		size_t flen = test_env_cap_copy(e, 1 + i, fbuf, sizeof(fbuf));
		const uint8_t *ip = fbuf + ETH_LEN;
		size_t plen;

		assert_true(flen <= ETH_LEN + MTU);
		assert_memory_equal(fbuf, peer_mac.addr_bytes, 6);
		if (family == 4) {
			uint16_t fo = get16(ip + 6);

			assert_int_equal(get16(fbuf + 12), RTE_ETHER_TYPE_IPV4);
			assert_int_equal(fo & 0x4000, 0);			/* DF clear */
			assert_int_equal(!!(fo & 0x2000), i == 0);		/* MF */
			assert_int_equal((size_t)(fo & 0x1fff) * 8, off);
			assert_int_equal(ref_sum(ip, IP4_LEN, 0), 0xffff);
			assert_memory_equal(ip + 16, f.peer.a, 4);
			plen = get16(ip + 2) - IP4_LEN;
			assert_int_equal(flen, ETH_LEN + IP4_LEN + plen);
			memcpy(got + off, ip + IP4_LEN, plen);
		} else {
			const uint8_t *fh = ip + IP6_LEN;

			assert_int_equal(get16(fbuf + 12), RTE_ETHER_TYPE_IPV6);
			assert_int_equal(ip[6], NH_FRAGMENT);
			assert_int_equal(fh[0], PROTO_TCP);
			assert_int_equal(get16(fh + 2) & 1, i == 0);	/* M */
			assert_int_equal(get16(fh + 2) & 0xfff8, off);
			assert_memory_equal(ip + 24, f.peer.a, 16);
			plen = get16(ip + 4) - FH6_LEN;
			assert_int_equal(flen, ETH_LEN + IP6_LEN + FH6_LEN + plen);
			memcpy(got + off, fh + FH6_LEN, plen);
		}
		off += plen;
	}
	assert_int_equal(off, big);
	l4_fill(l4, big, 1);
	assert_memory_equal(got, l4, big);

	/* twice the MTU for the device's TSO: whole, on the template */
	assert_true(dest_send_on_tmpl(e, &f, &d, &f.peer, 2 * MTU, 2, RTE_MBUF_F_TX_TCP_SEG,
				      &peer_mac));
	st1 = test_env_stats(e);
	assert_true(dest_has_tmpl(e, &d));
	assert_int_equal(st1.frag_fragmented - st0.frag_fragmented, 1);
	assert_int_equal(e->nb_cap, 4);
	assert_data_frame(e, 3, &f, &peer_mac, &f.peer, 2 * MTU, 2);
	assert_true(e->cap[3]->ol_flags & RTE_MBUF_F_TX_TCP_SEG);
	test_env_finish(e);
}

static void
test_dest_ip4_over_mtu_fragmented_by_ip_output(void **state)
{
	mtu_and_fragments(state, 4);
}

static void
test_dest_ip6_over_mtu_fragmented_by_ip_output(void **state)
{
	mtu_and_fragments(state, 6);
}

/*
 * net_route_lookup() gives the connected route's next hop (the address
 * itself) and a gateway's; with no route, -ENETUNREACH, and net_dest_init()
 * the same.
 */
static void
route_lookup(void **state, uint8_t family)
{
	struct test_env *e = env_open(state);
	union net_addr nh;
	struct net_dest d;
	uint16_t ifindex;
	struct fam f;

	fam_get(family, &f);
	memset(&nh, 0xaa, sizeof(nh));
	assert_int_equal(net_route_lookup(e->net, family, f.far.a, &ifindex, &nh), -ENETUNREACH);
	assert_int_equal(net_dest_init(e->ctx, &d, family, f.far.a, PROTO_TCP), -ENETUNREACH);
	assert_int_equal(net_route_lookup(e->net, family, f.peer.a, &ifindex, &nh), 0);
	assert_int_equal(ifindex, 0);
	assert_memory_equal(nh.a, f.peer.a, alen(&f));
	route_add(e, &f, &f.any, 0, &f.gw);
	assert_int_equal(net_route_lookup(e->net, family, f.far.a, &ifindex, &nh), 0);
	assert_int_equal(ifindex, 0);
	assert_memory_equal(nh.a, f.gw.a, alen(&f));
	assert_int_equal(net_dest_init(e->ctx, &d, family, f.far.a, PROTO_TCP), 0);
	assert_memory_equal(d.nh.a, f.gw.a, alen(&f));
	tern_ctx_flush(e->ctx);
	assert_int_equal(e->nb_sent, 0);
	test_env_finish(e);
}

static void
test_dest_ip4_no_route_is_enetunreach(void **state)
{
	route_lookup(state, 4);
}

static void
test_dest_ip6_no_route_is_enetunreach(void **state)
{
	route_lookup(state, 6);
}

/* ---- the one-shot template (net_output_oneshot()) ---- */

/* Packet @k of @len L4 bytes to @dst through next hop @nh, one-shot, flushed. */
static void
oneshot_send(struct test_env *e, const struct fam *f, const union net_addr *nh,
	     const union net_addr *dst, size_t len, unsigned int k)
{
	assert_int_equal(net_output_oneshot(e->ctx, f->family, 0, nh, f->our.a, dst->a, PROTO_TCP,
					    l4_mbuf(len, k, 0)), 0);
	tern_ctx_flush(e->ctx);
}

/* Captured frames @i and @j are the same but for the IPv4 identification and checksum. */
static void
assert_same_frames(const struct test_env *e, unsigned int i, unsigned int j, uint8_t family)
{
	size_t la = test_env_cap_copy(e, i, fbuf, sizeof(fbuf));
	size_t lb = test_env_cap_copy(e, j, fbuf2, sizeof(fbuf2));

	assert_int_equal(la, lb);
	if (family == 4) {
		memset(fbuf + ETH_LEN + 4, 0, 2);
		memset(fbuf2 + ETH_LEN + 4, 0, 2);
		memset(fbuf + ETH_LEN + 10, 0, 2);
		memset(fbuf2 + ETH_LEN + 10, 0, 2);
	}
	assert_memory_equal(fbuf, fbuf2, la);
	assert_int_equal(e->cap[i]->l2_len, e->cap[j]->l2_len);
	assert_int_equal(e->cap[i]->l3_len, e->cap[j]->l3_len);
	assert_int_equal(e->cap[i]->ol_flags, e->cap[j]->ol_flags);
}

/*
 * net_output_oneshot() sends what ip4_output_via() / ip6_output_via() send:
 * to a destination behind the gateway, to another one behind it (the
 * template kept, the addresses rewritten), to an on-link peer (another next
 * hop: built again), behind the gateway again after its MAC changed (the
 * neighbor generation); to a next hop not resolved it goes through the IP
 * output, which holds the packet and asks.
 */
static void
oneshot_as_output_via(void **state, uint8_t family)
{
	struct test_env *e = env_open(state);
	union net_addr far2;
	struct tern_stats st0, st1;
	struct fam f;

	fam_get(family, &f);
	route_add(e, &f, &f.any, 0, &f.gw);
	neigh_set(e, &f, &f.gw, &gw_mac, TERN_NEIGH_REACHABLE);
	neigh_set(e, &f, &f.peer, &peer_mac, TERN_NEIGH_REACHABLE);
	far2 = f.far;
	far2.a[alen(&f) - 1]++;

	oneshot_send(e, &f, &f.gw, &f.far, 60, 0);
	via_send(e, &f, &f.gw, &f.far, 60, 0);
	oneshot_send(e, &f, &f.gw, &far2, 40, 1);
	via_send(e, &f, &f.gw, &far2, 40, 1);
	oneshot_send(e, &f, &f.peer, &f.peer, 40, 2);
	via_send(e, &f, &f.peer, &f.peer, 40, 2);
	assert_int_equal(e->nb_cap, 6);
	assert_data_frame(e, 0, &f, &gw_mac, &f.far, 60, 0);
	assert_same_frames(e, 0, 1, family);
	assert_data_frame(e, 2, &f, &gw_mac, &far2, 40, 1);
	assert_same_frames(e, 2, 3, family);
	assert_data_frame(e, 4, &f, &peer_mac, &f.peer, 40, 2);
	assert_same_frames(e, 4, 5, family);

	/* the gateway's new MAC on the next frame */
	oneshot_send(e, &f, &f.gw, &f.far, 40, 3);
	neigh_set(e, &f, &f.gw, &gw2_mac, TERN_NEIGH_REACHABLE);
	oneshot_send(e, &f, &f.gw, &far2, 40, 4);
	assert_int_equal(e->nb_cap, 8);
	assert_data_frame(e, 6, &f, &gw_mac, &f.far, 40, 3);
	assert_data_frame(e, 7, &f, &gw2_mac, &far2, 40, 4);

	/* a next hop not resolved: held, asked for */
	st0 = test_env_stats(e);
	oneshot_send(e, &f, &f.gw2, &f.far, 40, 5);
	st1 = test_env_stats(e);
	assert_int_equal(st1.neigh_held - st0.neigh_held, 1);
	assert_int_equal(probes(&st1, &f) - probes(&st0, &f), 1);
	assert_int_equal(e->nb_cap, 9);
	assert_probe_frame(e, 8, &f, &f.gw2);
	test_env_finish(e);
}

static void
test_dest_ip4_oneshot_as_ip4_output_via(void **state)
{
	oneshot_as_output_via(state, 4);
}

static void
test_dest_ip6_oneshot_as_ip6_output_via(void **state)
{
	oneshot_as_output_via(state, 6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(
			test_dest_ip4_unresolved_holds_then_template_as_ip4_output_via,
			test_env_teardown),
		cmocka_unit_test_teardown(
			test_dest_ip6_unresolved_holds_then_template_as_ip6_output_via,
			test_env_teardown),
		cmocka_unit_test_teardown(test_dest_ip4_route_change_moves_next_hop,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_dest_ip6_route_change_moves_next_hop,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_dest_ip4_route_gone_is_unreachable,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_dest_ip6_route_gone_is_unreachable,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_dest_ip4_neigh_mac_change_on_next_frame,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_dest_ip6_neigh_mac_change_on_next_frame,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_dest_ip4_reachable_time_end_probes,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_dest_ip6_reachable_time_end_probes,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_dest_ip6_stale_by_na_probes, test_env_teardown),
		cmocka_unit_test_teardown(test_dest_ip6_stale_by_na_early_probes,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_dest_ip4_over_mtu_fragmented_by_ip_output,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_dest_ip6_over_mtu_fragmented_by_ip_output,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_dest_ip4_slot_reuse_same_storage,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_dest_ip6_slot_reuse_same_storage,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_dest_ip4_kept_tmpl_taken_is_not_ours,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_dest_ip6_kept_tmpl_taken_is_not_ours,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_dest_ip4_no_route_is_enetunreach,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_dest_ip6_no_route_is_enetunreach,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_dest_ip4_oneshot_as_ip4_output_via,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_dest_ip6_oneshot_as_ip6_output_via,
					  test_env_teardown),
	};
	int ret;

	if (tern_test_eal_init("net_dest") != 0)
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	tern_test_eal_fini();
	return ret;
}
