/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "tern_net_priv.h"

#define IP6_HDR_LEN		40
#define IP6_MAX_EXT		8	/* extension headers walked before giving up */

#define NH_HOPOPTS		0
#define NH_ROUTING		43
#define NH_FRAGMENT		44
#define NH_NONE			59
#define NH_DSTOPTS		60

/* Multicast groups we are in on @ifp: all-nodes and our solicited-node groups. */
static bool
ip6_mcast_is_ours(const struct tern_iface *ifp, const struct tern_ip6 *a)
{
	static const struct tern_ip6 all_nodes = {
		.a = { 0xff, 0x02, [15] = 0x01 }
	};
	struct tern_ip6 sn;
	unsigned int i;

	if (ip6_eq(a, &all_nodes))
		return true;
	for (i = 0; i < ifp->nb_addr6; i++) {
		ip6_solicited_node(&ifp->addr6[i].addr, &sn);
		if (ip6_eq(a, &sn))
			return true;
	}
	return false;
}

static bool
ip6_is_ours(const struct tern_net *net, const struct tern_iface *ifp, const struct tern_ip6 *a)
{
	uint16_t i;

	if (iface_has_addr6(ifp, a))
		return true;
	if (ip6_is_linklocal(a))
		return false;	/* link-local: only the receiving interface's */
	for (i = 0; i < net->nb_ifaces; i++)
		if (iface_has_addr6(&net->ifaces[i], a))
			return true;
	return false;
}

/*
 * An ICMPv6 error not to us quoting a packet of the claiming transport
 * (its header right after the quoted fixed header): does the transport
 * have that flow? As ip4_claimed_err().
 */
static bool
ip6_claimed_err(struct tern_ctx *ctx, const struct rte_mbuf *m)
{
	const struct tern_net_ctx *nc = netc(ctx);
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *) + IP6_HDR_LEN;
	const struct rte_ipv6_hdr *oh = (const struct rte_ipv6_hdr *)(p + 8);
	uint16_t ports[2];

	/* errors are types 1-4; type, code, checksum, 4 bytes; the quoted header; ports */
	if (m->data_len < IP6_HDR_LEN + 8 + IP6_HDR_LEN + sizeof(ports) || p[0] < 1 || p[0] > 4 ||
	    (rte_be_to_cpu_32(oh->vtc_flow) >> 28) != 6 || oh->proto != nc->claim_proto)
		return false;
	memcpy(ports, p + 8 + IP6_HDR_LEN, sizeof(ports));
	return nc->claim_fn(ctx, 6, oh->dst_addr, oh->src_addr, ports[1], ports[0], true);
}

/*
 * A packet not to us: does a transport claim it (transparent proxying)?
 * Only with the transport header right after the fixed header. An ICMPv6
 * error about one of the transport's flows too (ip6_claimed_err()).
 */
static bool
ip6_claimed(struct tern_ctx *ctx, const struct rte_mbuf *m, const struct rte_ipv6_hdr *ih)
{
	const struct tern_net_ctx *nc = netc(ctx);
	uint16_t ports[2];

	if (ih->proto == IPPROTO_ICMPV6) {
		if (!ip6_claimed_err(ctx, m))
			return false;
	} else {
		if (ih->proto != nc->claim_proto || m->data_len < IP6_HDR_LEN + sizeof(ports))
			return false;
		memcpy(ports, rte_pktmbuf_mtod_offset(m, const uint8_t *, IP6_HDR_LEN),
		       sizeof(ports));
		if (!nc->claim_fn(ctx, 6, ih->src_addr, ih->dst_addr, ports[0], ports[1], false))
			return false;
	}
	TERN_STAT_INC(ctx, ip_claimed);
	return true;
}

void
ip6_input(struct tern_ctx *ctx, uint16_t ifindex, struct rte_mbuf *m)
{
	struct tern_net_ctx *nc = netc(ctx);
	const struct tern_iface *ifp = &ctx->net->ifaces[ifindex];
	const struct rte_ipv6_hdr *ih;
	struct tern_ip_info ip;
	uint32_t plen, off = IP6_HDR_LEN, nh_off;
	uint8_t nh, buf[2];
	const uint8_t *eh;
	tern_l4_input_t fn;
	bool reasm = false;
	unsigned int n;

	TERN_STAT_INC(ctx, ip6_in);
	if (unlikely(m->data_len < IP6_HDR_LEN)) {
		TERN_STAT_INC(ctx, drop_ip6_short);
		goto drop;
	}
	ih = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	if (unlikely((rte_be_to_cpu_32(ih->vtc_flow) >> 28) != 6)) {
		TERN_STAT_INC(ctx, drop_ip6_version);
		goto drop;
	}
	plen = rte_be_to_cpu_16(ih->payload_len);
	if (unlikely(IP6_HDR_LEN + plen > m->pkt_len)) {
		TERN_STAT_INC(ctx, drop_ip6_len);
		goto drop;
	}
	if (m->pkt_len > IP6_HDR_LEN + plen)
		pkt_cut(m, IP6_HDR_LEN + plen);
	memcpy(ip.v6.src.a, ih->src_addr, 16);
	memcpy(ip.v6.dst.a, ih->dst_addr, 16);
	if (unlikely(ip6_is_multicast(&ip.v6.src))) {
		TERN_STAT_INC(ctx, drop_ip6_src);
		goto drop;
	}
	ip.bcast = ip6_is_multicast(&ip.v6.dst);
	ip.transparent = 0;
	if (ip.bcast ? !ip6_mcast_is_ours(ifp, &ip.v6.dst) :
		       !ip6_is_ours(ctx->net, ifp, &ip.v6.dst)) {
		if (unlikely(nc->claim_fn != NULL) && !ip.bcast && ip6_claimed(ctx, m, ih)) {
			ip.transparent = 1;
		} else if (ifp->fwd & TERN_FWD_IP6) {
			fwd6_input(ctx, ifindex, m);
			return;
		} else {
			TERN_STAT_INC(ctx, drop_ip6_not_ours);
			goto drop;
		}
	}

	/* Walk the extension headers we can skip; reassemble at a fragment header. */
	nh = ih->proto;
	nh_off = offsetof(struct rte_ipv6_hdr, proto);
	for (n = 0; ; n++) {
		if (nh == NH_FRAGMENT) {
			if (unlikely(reasm)) {
				/* a fragment header inside a reassembled datagram */
				TERN_STAT_INC(ctx, drop_frag_bad);
				goto drop;
			}
			m = ip6_reasm(ctx, m, nh_off, off);
			if (m == NULL)
				return;		/* held, or dropped and counted */
			/* The whole datagram: go on after where the fragment header was. */
			reasm = true;
			ih = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
			plen = rte_be_to_cpu_16(ih->payload_len);
			nh = *rte_pktmbuf_mtod_offset(m, const uint8_t *, nh_off);
			continue;
		}
		if (nh != NH_HOPOPTS && nh != NH_ROUTING && nh != NH_DSTOPTS)
			break;
		if (unlikely(n == IP6_MAX_EXT || (nh == NH_HOPOPTS && n != 0))) {
			TERN_STAT_INC(ctx, drop_ip6_ext);
			goto drop;
		}
		eh = rte_pktmbuf_read(m, off, 2, buf);
		if (unlikely(eh == NULL || off + ((uint32_t)eh[1] + 1) * 8 > m->pkt_len)) {
			TERN_STAT_INC(ctx, drop_ip6_ext);
			goto drop;
		}
		if (nh == NH_ROUTING) {
			/* segments left must be 0 for a header we do not process */
			uint8_t rh[4];
			const uint8_t *r = rte_pktmbuf_read(m, off, 4, rh);

			if (r == NULL || r[3] != 0) {
				TERN_STAT_INC(ctx, drop_ip6_ext);
				goto drop;
			}
		}
		nh_off = off;
		nh = eh[0];
		off += ((uint32_t)eh[1] + 1) * 8;
		TERN_STAT_INC(ctx, ip6_ext_skipped);
	}
	if (nh == NH_NONE) {
		TERN_STAT_INC(ctx, drop_ip6_proto);	/* nothing follows */
		goto drop;
	}

	ip.family = 6;
	ip.proto = nh;
	ip.ttl = ih->hop_limits;
	ip.ifindex = ifindex;
	ip.l3_len = (uint16_t)off;
	ip.l4_len = (uint16_t)(IP6_HDR_LEN + plen - off);
	m->l3_len = off;

	fn = nc->l4_input[nh];
	if (unlikely(fn == NULL)) {
		TERN_STAT_INC(ctx, drop_ip6_proto);
		if (!ip.bcast)	/* parameter problem: unrecognized next header */
			icmp6_error(ctx, m, 4, 1, nh_off);
		goto drop;
	}
	if (unlikely(off > m->data_len)) {
		/* headers span segments: make L4 start a segment's data */
		TERN_STAT_INC(ctx, drop_ip6_ext);
		goto drop;
	}
	rte_pktmbuf_adj(m, (uint16_t)off);
	fn(ctx, m, &ip);
	return;
drop:
	rte_pktmbuf_free(m);
}

int
ip6_src_select(struct tern_ctx *ctx, const struct tern_ip6 *dst, struct tern_ip6 *src)
{
	struct tern_ip6 nh;
	uint16_t ifindex;

	if (tern_net_route6_lookup(ctx->net, dst, &ifindex, &nh) != 0)
		return -ENETUNREACH;
	*src = *iface_src6(&ctx->net->ifaces[ifindex], dst);
	return 0;
}

void
ip6_hdr_fill(struct rte_ipv6_hdr *ih, const void *src, const void *dst, uint8_t proto,
		  uint8_t hlim)
{
	ih->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ih->proto = proto;
	ih->hop_limits = hlim;
	memcpy(ih->src_addr, src, 16);
	memcpy(ih->dst_addr, dst, 16);
}

int
ip6_output_via(struct tern_ctx *ctx, uint16_t ifindex, const struct tern_ip6 *nh,
	 struct rte_mbuf *m, const struct tern_ip6 *src, const struct tern_ip6 *dst,
	 uint8_t proto, uint8_t hlim)
{
	const struct tern_iface *ifp = &ctx->net->ifaces[ifindex];
	struct rte_ipv6_hdr *ih;
	uint32_t plen = m->pkt_len;
	struct rte_ether_addr mac;
	bool frag;

	if (unlikely(plen > UINT16_MAX)) {
		TERN_STAT_INC(ctx, drop_frag_too_big);
		rte_pktmbuf_free(m);
		return -EMSGSIZE;
	}
	/* Too big for the link: fragments, unless the device segments it (TSO). */
	frag = plen + IP6_HDR_LEN > ifp->mtu &&
		!(m->ol_flags & (RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_UDP_SEG));
	if (src == NULL)
		src = iface_src6(ifp, dst);
	ih = (struct rte_ipv6_hdr *)rte_pktmbuf_prepend(m, IP6_HDR_LEN);
	if (unlikely(ih == NULL)) {
		TERN_STAT_INC(ctx, drop_nomem);
		rte_pktmbuf_free(m);
		return -ENOMEM;
	}
	ip6_hdr_fill(ih, src->a, dst->a, proto, hlim ? hlim : ctx->net->p.ttl);
	ih->payload_len = rte_cpu_to_be_16((uint16_t)plen);
	m->l3_len = IP6_HDR_LEN;
	m->ol_flags |= RTE_MBUF_F_TX_IPV6;
	TERN_STAT_INC(ctx, ip6_out);
	if (ip6_is_multicast(dst))
		ip6_mcast_mac(dst, &mac);
	if (frag)
		return ip6_fragment(ctx, m, ifindex, nh,
					 ip6_is_multicast(dst) ? &mac : NULL);
	if (ip6_is_multicast(dst))
		eth_output(ctx, ifindex, m, &mac, RTE_ETHER_TYPE_IPV6);
	else
		neigh_output(ctx, ifindex, 6, nh->a, m, RTE_ETHER_TYPE_IPV6);
	return 0;
}

int
ip6_output(struct tern_ctx *ctx, struct rte_mbuf *m, const struct tern_ip6 *src,
		const struct tern_ip6 *dst, uint8_t proto, uint8_t hlim)
{
	struct tern_ip6 nh;
	uint16_t ifindex;

	if (unlikely(tern_net_route6_lookup(ctx->net, dst, &ifindex, &nh) != 0)) {
		TERN_STAT_INC(ctx, drop_ip6_noroute);
		rte_pktmbuf_free(m);
		return -ENETUNREACH;
	}
	return ip6_output_via(ctx, ifindex, &nh, m, src, dst, proto, hlim);
}

int
ip6_output_if(struct tern_ctx *ctx, uint16_t ifindex, struct rte_mbuf *m,
		   const struct tern_ip6 *src, const struct tern_ip6 *dst, uint8_t proto,
		   uint8_t hlim)
{
	return ip6_output_via(ctx, ifindex, dst, m, src, dst, proto, hlim);
}
