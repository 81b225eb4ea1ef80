/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "tern_net_priv.h"

/*
 * Destinations resolved once (struct net_dest): the one place where a
 * sender's route lookup and IPv4/IPv6 fork live. A TCP connection keeps
 * one; its packets go out with headers written once (in the context's
 * template cache), until a route or a neighbor changes (net->route_gen,
 * net->neigh_gen) or the next hop's REACHABLE time ends: then they are
 * resolved again, and meanwhile sent through the per-packet IP output,
 * which probes, holds and fragments.
 */


int
net_dest_init(struct tern_ctx *ctx, struct net_dest *d, uint8_t family, const void *dst,
	      uint8_t proto)
{
	struct tern_net_ctx *nc = netc(ctx);

	memset(d, 0, sizeof(*d));
	d->family = family;
	d->proto = proto;
	/* a new tag: a slot still marked for a freed dest at this address is not ours */
	d->tag = nc->tmpl_tag++;
	d->route_gen = __atomic_load_n(&ctx->net->route_gen, __ATOMIC_ACQUIRE);
	return net_route_lookup(ctx->net, family, dst, &d->ifindex, &d->nh);
}

/*
 * The route again if it changed since @d looked it up: @return 0 or
 * -ENETUNREACH. Without a route, @d keeps no generation: it is looked up
 * again at each send until a route comes back.
 */
static int
dest_route_check(struct tern_ctx *ctx, struct net_dest *d, const void *dst)
{
	uint32_t gen = __atomic_load_n(&ctx->net->route_gen, __ATOMIC_ACQUIRE);
	int ret;

	if (likely(gen == d->route_gen))
		return 0;
	ret = net_route_lookup(ctx->net, d->family, dst, &d->ifindex, &d->nh);
	if (ret == 0)
		d->route_gen = gen;
	return ret;
}

/* @d's headers, its route checked: @return the template, or NULL. */
static const struct tern_ip_tmpl *
dest_tmpl(struct tern_ctx *ctx, struct net_dest *d, const void *src, const void *dst)
{
	struct tern_net_ctx *nc = netc(ctx);
	struct net_tmpl_slot *e = &nc->tmpl[d->tag & (NET_TMPL_CACHE - 1)];
	uint32_t ngen = __atomic_load_n(&ctx->net->neigh_gen, __ATOMIC_ACQUIRE);

	if (likely(net_tmpl_slot_ours(e, d) && e->route_gen == d->route_gen &&
		   e->neigh_gen == ngen && ctx->now_ns < e->tmpl.until_ns))
		return &e->tmpl;
	e->owner = NULL;
	if (ip_tmpl_init(ctx, &e->tmpl, d->family, src, dst, d->proto, d->ifindex,
			 d->nh.a) != 0)
		return NULL;
	e->owner = d;
	e->tag = d->tag;
	e->route_gen = d->route_gen;
	e->neigh_gen = ngen;
	return &e->tmpl;
}

const struct tern_ip_tmpl *
net_dest_tmpl(struct tern_ctx *ctx, struct net_dest *d, const void *src, const void *dst)
{
	if (unlikely(dest_route_check(ctx, d, dst) != 0))
		return NULL;
	return dest_tmpl(ctx, d, src, dst);
}

int
net_dest_output(struct tern_ctx *ctx, struct net_dest *d, const void *src, const void *dst,
		struct rte_mbuf *m)
{
	const struct tern_ip_tmpl *t;

	/* the route is gone: not to the next hop it had (as ip4_output / ip6_output) */
	if (unlikely(dest_route_check(ctx, d, dst) != 0)) {
		if (d->family == 4)
			TERN_STAT_INC(ctx, drop_ip4_noroute);
		else
			TERN_STAT_INC(ctx, drop_ip6_noroute);
		rte_pktmbuf_free(m);
		return -ENETUNREACH;
	}
	t = dest_tmpl(ctx, d, src, dst);

	/* the template does not fragment: what is too big for the link goes below */
	if (likely(t != NULL) &&
	    (m->pkt_len + t->hlen - t->l2_len <= t->mtu ||
	     (m->ol_flags & (RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_UDP_SEG)))) {
		ip_tmpl_output(ctx, t, m);
		return 0;
	}
	return net_output_via(ctx, d->family, d->ifindex, &d->nh, src, dst, d->proto, m);
}



/* The same next hop of @family (only its 4 or 16 bytes are set). */
static inline bool
oneshot_same_nh(const union net_addr *a, const union net_addr *b, uint8_t family)
{
	uint64_t x[2], y[2];

	if (family == 4)
		return a->ip4 == b->ip4;
	memcpy(x, a->a, 16);
	memcpy(y, b->a, 16);
	return ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
}

/* @dst (4 or 16 bytes) is one that ip_tmpl_init() refuses: broadcast or multicast. */
static inline bool
oneshot_not_unicast(struct tern_ctx *ctx, uint8_t family, uint16_t ifindex, const void *dst)
{
	tern_ip4_t d4;

	if (family == 6)
		return ip6_is_multicast((const struct tern_ip6 *)dst);
	memcpy(&d4, dst, 4);
	return (((const uint8_t *)dst)[0] & 0xf0) == 0xe0 ||
		ip4_is_bcast(&ctx->net->ifaces[ifindex], d4);
}

int
net_output_oneshot(struct tern_ctx *ctx, uint8_t family, uint16_t ifindex,
		   const union net_addr *nh, const void *src, const void *dst, uint8_t proto,
		   struct rte_mbuf *m)
{
	struct net_oneshot_tmpl *o = netc(ctx)->oneshot;
	struct tern_ip_tmpl *t = &o->tmpl;
	uint32_t rgen = __atomic_load_n(&ctx->net->route_gen, __ATOMIC_ACQUIRE);
	uint32_t ngen = __atomic_load_n(&ctx->net->neigh_gen, __ATOMIC_ACQUIRE);
	size_t alen = family == 4 ? 4 : 16;
	uint8_t *ih;

	if (!(o->ok && t->family == family && t->ifindex == ifindex && o->proto == proto &&
	      o->route_gen == rgen && o->neigh_gen == ngen && ctx->now_ns < t->until_ns &&
	      oneshot_same_nh(&o->nh, nh, family))) {
		o->ok = false;
		/* built for this packet's addresses: a broadcast or multicast @dst is refused */
		if (ip_tmpl_init(ctx, t, family, src, dst, proto, ifindex, nh->a) != 0)
			return net_output_via(ctx, family, ifindex, nh, src, dst, proto, m);
		o->ok = true;
		o->proto = proto;
		o->route_gen = rgen;
		o->neigh_gen = ngen;
		memcpy(&o->nh, nh, alen);
	} else if (oneshot_not_unicast(ctx, family, ifindex, dst)) {
		/* as ip_tmpl_init() refuses them: not to the next hop's unicast address */
		return net_output_via(ctx, family, ifindex, nh, src, dst, proto, m);
	}
	if (m->pkt_len + t->hlen - t->l2_len > t->mtu)
		return net_output_via(ctx, family, ifindex, nh, src, dst, proto, m);
	/* the addresses of this packet in the template's IP header */
	ih = t->hdr + t->l2_len;
	if (family == 4) {
		memcpy(ih + offsetof(struct rte_ipv4_hdr, src_addr), src, 4);
		memcpy(ih + offsetof(struct rte_ipv4_hdr, dst_addr), dst, 4);
		t->ip4_sum = cksum_fold64(cksum_add_scalar(ih, sizeof(struct rte_ipv4_hdr), 0));
	} else {
		memcpy(ih + offsetof(struct rte_ipv6_hdr, src_addr), src, 16);
		memcpy(ih + offsetof(struct rte_ipv6_hdr, dst_addr), dst, 16);
	}
	ip_tmpl_output(ctx, t, m);
	return 0;
}
