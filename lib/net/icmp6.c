/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include <tern/tern_icmp.h>

#include "tern_net_priv.h"

/* ICMPv6 (RFC 4443) and neighbor discovery (RFC 4861). */

#define ICMP6_DST_UNREACH	1
#define ICMP6_ECHO_REQUEST	128
#define ICMP6_ECHO_REPLY	129
#define ND_NEIGHBOR_SOLICIT	135
#define ND_NEIGHBOR_ADVERT	136

#define ND_OPT_SLLA		1
#define ND_OPT_TLLA		2

#define NA_FLAG_ROUTER		0x80
#define NA_FLAG_SOLICITED	0x40
#define NA_FLAG_OVERRIDE	0x20

#define ND_HLIM			255
#define ICMP6_ERR_MAX		(1280 - 40 - 8)	/* the minimum MTU */

struct icmp6_hdr {
	uint8_t type;
	uint8_t code;
	rte_be16_t cksum;
	rte_be32_t data;	/* id/seq, flags, pointer, mtu... */
} __rte_packed;

/* NS and NA share one layout: header, target, options. */
struct nd_msg {
	struct icmp6_hdr h;
	uint8_t target[16];
	uint8_t opts[];
} __rte_packed;

struct nd_opt_lla {
	uint8_t type;
	uint8_t len;		/* in units of 8 bytes */
	uint8_t mac[RTE_ETHER_ADDR_LEN];
} __rte_packed;

static const struct tern_ip6 all_nodes = { .a = { 0xff, 0x02, [15] = 0x01 } };

static uint16_t
icmp6_cksum(const struct rte_mbuf *m, uint32_t len, const struct tern_ip6 *src,
	    const struct tern_ip6 *dst)
{
	return cksum_mbuf(m, 0, len, cksum_phdr6(src, dst, IPPROTO_ICMPV6, len));
}

/*
 * Find link-layer address option @type in the options of an ND message of
 * @len bytes (options from @off). @return 1 found, 0 absent, -1 malformed.
 */
static int
nd_find_lla(const struct rte_mbuf *m, uint32_t off, uint32_t len, uint8_t type,
	    struct rte_ether_addr *mac)
{
	int found = 0;

	while (off < len) {
		uint8_t hdr[2];
		const uint8_t *o;
		uint32_t olen;

		if (len - off < 2)
			return -1;
		o = rte_pktmbuf_read(m, off, 2, hdr);
		if (o == NULL || o[1] == 0)
			return -1;	/* RFC 4861 4.6: a zero length is invalid */
		olen = (uint32_t)o[1] * 8;
		if (olen > len - off)
			return -1;
		if (o[0] == type && !found) {
			struct nd_opt_lla buf;
			const struct nd_opt_lla *l;

			if (olen < sizeof(buf))
				return -1;
			l = rte_pktmbuf_read(m, off, sizeof(buf), &buf);
			if (l == NULL)
				return -1;
			memcpy(mac->addr_bytes, l->mac, RTE_ETHER_ADDR_LEN);
			found = 1;
		}
		off += olen;
	}
	return found;
}

/* Build and send an NA for @target to @dst (unicast or all-nodes). */
static int
nd_send_na(struct tern_ctx *ctx, uint16_t ifindex, const struct tern_ip6 *target,
	   const struct tern_ip6 *dst, uint8_t flags)
{
	const struct tern_iface *ifp = &ctx->net->ifaces[ifindex];
	struct nd_opt_lla *o;
	struct nd_msg *na;
	uint32_t len = sizeof(*na) + sizeof(*o);
	struct rte_mbuf *m = ctx_alloc_pkt(ctx, (uint16_t)len, (void **)&na);

	if (m == NULL)
		return -ENOMEM;
	memset(na, 0, len);
	na->h.type = ND_NEIGHBOR_ADVERT;
	na->h.data = rte_cpu_to_be_32((uint32_t)flags << 24);
	memcpy(na->target, target->a, 16);
	o = (struct nd_opt_lla *)na->opts;
	o->type = ND_OPT_TLLA;
	o->len = 1;
	memcpy(o->mac, ifp->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	na->h.cksum = icmp6_cksum(m, len, target, dst);
	TERN_STAT_INC(ctx, nd_na_out);
	return ip6_output_if(ctx, ifindex, m, target, dst, IPPROTO_ICMPV6, ND_HLIM);
}

static void
nd_ns_input(struct tern_ctx *ctx, struct rte_mbuf *m, const struct tern_ip_info *ip)
{
	const struct tern_iface *ifp = &ctx->net->ifaces[ip->ifindex];
	struct rte_ether_addr slla;
	struct tern_ip6 target;
	const struct nd_msg *ns;
	struct nd_msg buf;
	bool unspec = ip6_is_unspec(&ip->v6.src);
	int has_slla;

	TERN_STAT_INC(ctx, nd_ns_in);
	ns = rte_pktmbuf_read(m, 0, sizeof(buf), &buf);
	if (ns == NULL || ip->ttl != ND_HLIM || ns->h.code != 0 || ip->l4_len < sizeof(*ns)) {
		TERN_STAT_INC(ctx, drop_nd_bad);
		return;
	}
	memcpy(target.a, ns->target, 16);
	has_slla = nd_find_lla(m, sizeof(*ns), ip->l4_len, ND_OPT_SLLA, &slla);
	if (has_slla < 0 || ip6_is_multicast(&target) ||
	    (unspec && (has_slla || !ip6_is_multicast(&ip->v6.dst)))) {
		TERN_STAT_INC(ctx, drop_nd_bad);
		return;
	}
	if (!iface_has_addr6(ifp, &target)) {
		TERN_STAT_INC(ctx, drop_nd_not_ours);
		return;
	}
	if (!unspec && has_slla) {
		/*
		 * RFC 4861 7.2.3 makes this entry STALE; we mark it reachable,
		 * as the asker just proved it is there, which spares a probe
		 * when we answer it.
		 */
		if (neigh_update(ctx->net, ip->ifindex, 6, ip->v6.src.a, &slla,
				      TERN_NEIGH_REACHABLE, ctx->now_ns, true) == 0) {
			TERN_STAT_INC(ctx, neigh_learned);
			neigh_release(ctx);
		}
	}
	/* A DAD probe (unspecified source) is answered to all-nodes. */
	nd_send_na(ctx, ip->ifindex, &target, unspec ? &all_nodes : &ip->v6.src,
		   (uint8_t)((unspec ? 0 : NA_FLAG_SOLICITED) | NA_FLAG_OVERRIDE));
}

static void
nd_na_input(struct tern_ctx *ctx, struct rte_mbuf *m, const struct tern_ip_info *ip)
{
	struct rte_ether_addr tlla, cached;
	enum tern_neigh_state cur, st;
	struct tern_ip6 target;
	const struct nd_msg *na;
	struct nd_msg buf;
	uint8_t flags;
	int has_tlla;

	TERN_STAT_INC(ctx, nd_na_in);
	na = rte_pktmbuf_read(m, 0, sizeof(buf), &buf);
	if (na == NULL || ip->ttl != ND_HLIM || na->h.code != 0 || ip->l4_len < sizeof(*na)) {
		TERN_STAT_INC(ctx, drop_nd_bad);
		return;
	}
	flags = (uint8_t)(rte_be_to_cpu_32(na->h.data) >> 24);
	memcpy(target.a, na->target, 16);
	has_tlla = nd_find_lla(m, sizeof(*na), ip->l4_len, ND_OPT_TLLA, &tlla);
	if (has_tlla < 0 || ip6_is_multicast(&target) ||
	    (ip6_is_multicast(&ip->v6.dst) && (flags & NA_FLAG_SOLICITED))) {
		TERN_STAT_INC(ctx, drop_nd_bad);
		return;
	}
	if (has_tlla == 0)
		return;		/* nothing we can use */
	/*
	 * RFC 4861 7.2.5: only an entry we have is updated. An incomplete one
	 * takes the address (reachable if solicited, else stale). A complete
	 * one keeps a different cached address unless Override is set (it
	 * only goes stale); with the same address or Override, the answer
	 * confirms it when solicited.
	 */
	cur = neigh_get(ctx->net, ip->ifindex, 6, target.a, ctx->now_ns, &cached);
	if (cur == TERN_NEIGH_NONE || cur == TERN_NEIGH_PERMANENT)
		return;
	st = (flags & NA_FLAG_SOLICITED) ? TERN_NEIGH_REACHABLE : TERN_NEIGH_STALE;
	if (cur == TERN_NEIGH_REACHABLE || cur == TERN_NEIGH_STALE) {
		bool same = rte_is_same_ether_addr(&cached, &tlla);

		if (!(flags & NA_FLAG_OVERRIDE) && !same) {
			if (cur == TERN_NEIGH_REACHABLE)
				neigh_update(ctx->net, ip->ifindex, 6, target.a, &cached,
						  TERN_NEIGH_STALE, ctx->now_ns, false);
			return;
		}
		if (same && !(flags & NA_FLAG_SOLICITED))
			return;	/* nothing new */
	}
	if (neigh_update(ctx->net, ip->ifindex, 6, target.a, &tlla, st, ctx->now_ns,
			      false) == 0) {
		TERN_STAT_INC(ctx, neigh_learned);
		neigh_release(ctx);
	}
}

void
icmp6_input(struct tern_ctx *ctx, struct rte_mbuf *m, const struct tern_ip_info *ip)
{
	struct icmp6_hdr *ic;
	const struct tern_ip6 *src;
	struct tern_ip6 sel;

	TERN_STAT_INC(ctx, icmp6_in);
	if (unlikely(ip->l4_len < sizeof(*ic) || m->data_len < sizeof(*ic))) {
		TERN_STAT_INC(ctx, drop_icmp6_short);
		goto drop;
	}
	if (unlikely(icmp6_cksum(m, ip->l4_len, &ip->v6.src, &ip->v6.dst) != 0)) {
		TERN_STAT_INC(ctx, drop_icmp6_cksum);
		goto drop;
	}
	ic = rte_pktmbuf_mtod(m, struct icmp6_hdr *);
	if (unlikely(ip->transparent)) {
		/* claimed for a transparent flow: only an error about it (ip6.c) */
		icmp6_err_input(ctx, m, ip);
		goto drop;
	}
	switch (ic->type) {
	case ICMP6_ECHO_REQUEST:
		TERN_STAT_INC(ctx, icmp6_echo_in);
		if (ic->code != 0 || ip6_is_unspec(&ip->v6.src))
			goto drop;
		/* To a group, answer from our own unicast address (RFC 4443 4.2). */
		sel = ip->bcast ? *iface_src6(&ctx->net->ifaces[ip->ifindex], &ip->v6.src) :
			ip->v6.dst;
		src = &sel;
		ic->type = ICMP6_ECHO_REPLY;
		ic->cksum = 0;
		ic->cksum = icmp6_cksum(m, ip->l4_len, src, &ip->v6.src);
		m->ol_flags &= RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL;	/* ownership stays */
		TERN_STAT_INC(ctx, icmp6_echo_out);
		if (ip6_is_linklocal(&ip->v6.src))
			ip6_output_if(ctx, ip->ifindex, m, src, &ip->v6.src,
					   IPPROTO_ICMPV6, 0);
		else
			ip6_output(ctx, m, src, &ip->v6.src, IPPROTO_ICMPV6, 0);
		return;
	case ICMP6_ECHO_REPLY:
		TERN_STAT_INC(ctx, icmp6_echo_rep_in);
		break;
	case ND_NEIGHBOR_SOLICIT:
		nd_ns_input(ctx, m, ip);
		break;
	case ND_NEIGHBOR_ADVERT:
		nd_na_input(ctx, m, ip);
		break;
	default:
		if (ic->type < 128)	/* an error (RFC 4443 2.1): to the transport it quotes */
			icmp6_err_input(ctx, m, ip);
		else
			TERN_STAT_INC(ctx, icmp6_other_in);
		break;
	}
drop:
	rte_pktmbuf_free(m);
}

void
icmp6_error(struct tern_ctx *ctx, const struct rte_mbuf *orig, uint8_t type, uint8_t code,
		 uint32_t info)
{
	const struct rte_ipv6_hdr *oh = rte_pktmbuf_mtod(orig, const struct rte_ipv6_hdr *);
	struct tern_ip6 odst;

	memcpy(odst.a, oh->dst_addr, 16);
	icmp6_error_src(ctx, orig, type, code, info, &odst);
}

bool
icmp6_error_src(struct tern_ctx *ctx, const struct rte_mbuf *orig, uint8_t type, uint8_t code,
		uint32_t info, const struct tern_ip6 *from)
{
	const struct rte_ipv6_hdr *oh = rte_pktmbuf_mtod(orig, const struct rte_ipv6_hdr *);
	struct tern_ip6 osrc, odst;
	struct icmp6_hdr *ic;
	struct rte_mbuf *m;
	const void *p;
	uint32_t len;
	uint8_t *data;

	memcpy(osrc.a, oh->src_addr, 16);
	memcpy(odst.a, oh->dst_addr, 16);
	/* RFC 4443 2.4 (e): not to a group, not from the unspecified address. */
	if (ip6_is_multicast(&odst) || ip6_is_unspec(&osrc) ||
	    ip6_is_multicast(&osrc))
		return false;
	if (oh->proto == IPPROTO_ICMPV6) {
		uint8_t t, tb;
		const uint8_t *tp = rte_pktmbuf_read(orig, 40, 1, &tb);

		t = tp ? *tp : 0;
		if (t < 128)	/* an error message */
			return false;
	}
	if (!icmp_ratelimit_ok(ctx)) {
		TERN_STAT_INC(ctx, icmp6_ratelimited);
		return false;
	}
	len = RTE_MIN(orig->pkt_len, (uint32_t)ICMP6_ERR_MAX);
	m = ctx_alloc_pkt(ctx, (uint16_t)(sizeof(*ic) + len), (void **)&ic);
	if (m == NULL)
		return false;
	ic->type = type;
	ic->code = code;
	ic->cksum = 0;
	ic->data = rte_cpu_to_be_32(info);
	data = (uint8_t *)(ic + 1);
	p = rte_pktmbuf_read(orig, 0, len, data);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return false;
	}
	if (p != data)
		memcpy(data, p, len);
	ic->cksum = icmp6_cksum(m, m->pkt_len, from, &osrc);
	if (type == ICMP6_DST_UNREACH)
		TERN_STAT_INC(ctx, icmp6_unreach_out);
	return ip6_output(ctx, m, from, &osrc, IPPROTO_ICMPV6, 0) == 0;
}

int
nd_solicit(struct tern_ctx *ctx, uint16_t ifindex, const struct tern_ip6 *target)
{
	const struct tern_iface *ifp = &ctx->net->ifaces[ifindex];
	const struct tern_ip6 *src;
	struct tern_ip6 dst;
	struct nd_opt_lla *o;
	struct nd_msg *ns;
	uint32_t len = sizeof(*ns) + sizeof(*o);
	struct rte_mbuf *m = ctx_alloc_pkt(ctx, (uint16_t)len, (void **)&ns);

	if (m == NULL)
		return -ENOMEM;
	ip6_solicited_node(target, &dst);
	src = iface_src6(ifp, target);
	memset(ns, 0, len);
	ns->h.type = ND_NEIGHBOR_SOLICIT;
	memcpy(ns->target, target->a, 16);
	o = (struct nd_opt_lla *)ns->opts;
	o->type = ND_OPT_SLLA;
	o->len = 1;
	memcpy(o->mac, ifp->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	ns->h.cksum = icmp6_cksum(m, len, src, &dst);
	TERN_STAT_INC(ctx, nd_ns_out);
	return ip6_output_if(ctx, ifindex, m, src, &dst, IPPROTO_ICMPV6, ND_HLIM);
}

int
nd_advertise_unsolicited(struct tern_ctx *ctx, uint16_t ifindex,
			      const struct tern_ip6 *addr)
{
	return nd_send_na(ctx, ifindex, addr, &all_nodes, NA_FLAG_OVERRIDE);
}

int
tern_icmp6_echo(struct tern_ctx *ctx, const struct tern_ip6 *dst, uint16_t id, uint16_t seq,
		uint16_t len)
{
	struct icmp6_hdr *ic;
	struct tern_ip6 src;
	struct rte_mbuf *m;
	uint8_t *p;
	uint16_t i;

	if (len > RTE_ETHER_MTU - 40 - sizeof(*ic))
		return -EMSGSIZE;
	if (ip6_src_select(ctx, dst, &src) != 0) {
		TERN_STAT_INC(ctx, drop_ip6_noroute);
		return -ENETUNREACH;
	}
	m = ctx_alloc_pkt(ctx, (uint16_t)(sizeof(*ic) + len), (void **)&ic);
	if (m == NULL)
		return -ENOMEM;
	ic->type = ICMP6_ECHO_REQUEST;
	ic->code = 0;
	ic->cksum = 0;
	ic->data = rte_cpu_to_be_32(((uint32_t)id << 16) | seq);
	p = (uint8_t *)(ic + 1);
	for (i = 0; i < len; i++)
		p[i] = (uint8_t)i;
	ic->cksum = icmp6_cksum(m, m->pkt_len, &src, dst);
	return ip6_output(ctx, m, &src, dst, IPPROTO_ICMPV6, 0);
}
