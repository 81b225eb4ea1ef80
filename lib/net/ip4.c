/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "tern_net_priv.h"

#define IP4_BCAST	UINT32_MAX

static const struct rte_ether_addr bcast_mac = {
	.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }
};

static inline bool
ip4_is_martian_src(tern_ip4_t a)
{
	uint8_t b0 = ((const uint8_t *)&a)[0];

	/* 0/8, 127/8, multicast and class E (broadcast included) */
	return b0 == 0 || b0 == 127 || b0 >= 224;
}

bool
ip4_is_bcast(const struct tern_iface *ifp, tern_ip4_t a)
{
	unsigned int i;

	if (a == IP4_BCAST)
		return true;
	if (!(__atomic_load_n(&ifp->bcast4_bloom, __ATOMIC_RELAXED) & fwd_local4_bit(a)))
		return false;
	for (i = 0; i < ifp->nb_addr4; i++)
		if (ifp->addr4[i].len < 31 && (a | ifp->addr4[i].mask) == IP4_BCAST &&
		    (a & ifp->addr4[i].mask) == (ifp->addr4[i].addr & ifp->addr4[i].mask))
			return true;
	return false;
}

static bool
ip4_is_ours(const struct tern_net *net, const struct tern_iface *ifp, tern_ip4_t a)
{
	uint16_t i;

	if (iface_has_addr4(ifp, a))
		return true;
	/* weak host model: any interface's address */
	for (i = 0; i < net->nb_ifaces; i++)
		if (iface_has_addr4(&net->ifaces[i], a))
			return true;
	return false;
}

/*
 * An ICMP error not to us (at offset @off of @m) quoting a packet of the
 * claiming transport: does the transport have that flow? Then the error
 * is about a packet we sent from an address not ours (a transparent
 * connection's), and is ours to take.
 */
static bool
ip4_claimed_err(struct tern_ctx *ctx, const struct rte_mbuf *m, uint32_t off)
{
	const struct tern_net_ctx *nc = netc(ctx);
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_ipv4_hdr *oh;
	uint16_t ports[2];
	uint32_t ihl;

	/* type, code, checksum, 4 bytes; the quoted header; 4 bytes of ports */
	if (m->data_len < off + 8 + sizeof(*oh) || (p[off] != 3 && p[off] != 11 && p[off] != 12))
		return false;
	oh = (const struct rte_ipv4_hdr *)(p + off + 8);
	ihl = (uint32_t)(oh->version_ihl & 0xf) << 2;
	if ((oh->version_ihl >> 4) != 4 || ihl < sizeof(*oh) ||
	    oh->next_proto_id != nc->claim_proto ||
	    (rte_be_to_cpu_16(oh->fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK) ||
	    m->data_len < off + 8 + ihl + sizeof(ports))
		return false;
	memcpy(ports, p + off + 8 + ihl, sizeof(ports));
	return nc->claim_fn(ctx, 4, &oh->dst_addr, &oh->src_addr, ports[1], ports[0], true);
}

/*
 * A packet not to us: does a transport claim it (transparent proxying)?
 * Only whole datagrams: a fragment's ports are not all there. An ICMP
 * error about one of the transport's flows too (ip4_claimed_err()).
 */
static bool
ip4_claimed(struct tern_ctx *ctx, const struct rte_mbuf *m, const struct rte_ipv4_hdr *ih,
	    uint16_t ihl)
{
	const struct tern_net_ctx *nc = netc(ctx);
	uint16_t ports[2];

	if ((rte_be_to_cpu_16(ih->fragment_offset) &
	     (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) ||
	    m->data_len < ihl + sizeof(ports))
		return false;
	if (ih->next_proto_id == IPPROTO_ICMP) {
		if (!ip4_claimed_err(ctx, m, ihl))
			return false;
	} else {
		if (ih->next_proto_id != nc->claim_proto)
			return false;
		memcpy(ports, rte_pktmbuf_mtod_offset(m, const uint8_t *, ihl), sizeof(ports));
		if (!nc->claim_fn(ctx, 4, &ih->src_addr, &ih->dst_addr, ports[0], ports[1], false))
			return false;
	}
	TERN_STAT_INC(ctx, ip_claimed);
	return true;
}

static inline bool
ip4_cksum_ok(const struct rte_mbuf *m, const struct rte_ipv4_hdr *ih, uint16_t ihl)
{
	uint64_t f = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;

	if (f == RTE_MBUF_F_RX_IP_CKSUM_GOOD)
		return true;
	if (f == RTE_MBUF_F_RX_IP_CKSUM_BAD)
		return false;
	return ip4_hdr_cksum(ih, ihl) == 0;
}

void
ip4_input(struct tern_ctx *ctx, uint16_t ifindex, struct rte_mbuf *m)
{
	struct tern_net_ctx *nc = netc(ctx);
	const struct tern_iface *ifp = &ctx->net->ifaces[ifindex];
	const struct rte_ipv4_hdr *ih;
	struct tern_ip_info ip;
	uint16_t ihl, tot, frag;
	tern_l4_input_t fn;

	TERN_STAT_INC(ctx, ip4_in);
	if (unlikely(m->data_len < sizeof(*ih))) {
		TERN_STAT_INC(ctx, drop_ip4_short);
		goto drop;
	}
	ih = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	ihl = (uint16_t)((ih->version_ihl & 0x0f) << 2);
	if (unlikely((ih->version_ihl >> 4) != 4 || ihl < sizeof(*ih))) {
		TERN_STAT_INC(ctx, drop_ip4_version);
		goto drop;
	}
	if (unlikely(ihl > m->data_len)) {
		TERN_STAT_INC(ctx, drop_ip4_short);
		goto drop;
	}
	tot = rte_be_to_cpu_16(ih->total_length);
	if (unlikely(tot < ihl || tot > m->pkt_len)) {
		TERN_STAT_INC(ctx, drop_ip4_len);
		goto drop;
	}
	if (unlikely(!ip4_cksum_ok(m, ih, ihl))) {
		TERN_STAT_INC(ctx, drop_ip4_cksum);
		goto drop;
	}
	if (m->pkt_len > tot)	/* ethernet padding */
		pkt_cut(m, tot);
	if (unlikely(ip4_is_martian_src(ih->src_addr))) {
		TERN_STAT_INC(ctx, drop_ip4_src);
		goto drop;
	}
	ip.bcast = ip4_is_bcast(ifp, ih->dst_addr);
	ip.transparent = 0;
	if (!ip.bcast && unlikely(!ip4_is_ours(ctx->net, ifp, ih->dst_addr))) {
		if (unlikely(nc->claim_fn != NULL) && ip4_claimed(ctx, m, ih, ihl)) {
			ip.transparent = 1;
		} else if (ifp->fwd & TERN_FWD_IP4) {
			fwd4_input(ctx, ifindex, m);
			return;
		} else {
			TERN_STAT_INC(ctx, drop_ip4_not_ours);
			goto drop;
		}
	}
	frag = rte_be_to_cpu_16(ih->fragment_offset);
	if (unlikely(frag & (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))) {
		m = ip4_reasm(ctx, m, ip.bcast);
		if (m == NULL)
			return;		/* held, or dropped and counted */
		/* The whole datagram, under its first fragment's header. */
		ih = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
		ihl = (uint16_t)((ih->version_ihl & 0x0f) << 2);
		tot = rte_be_to_cpu_16(ih->total_length);
	}
	if (ihl > sizeof(*ih))
		TERN_STAT_INC(ctx, ip4_opts_skipped);

	ip.family = 4;
	ip.proto = ih->next_proto_id;
	ip.ttl = ih->time_to_live;
	ip.ifindex = ifindex;
	ip.l3_len = ihl;
	ip.l4_len = tot - ihl;
	ip.v4.src = ih->src_addr;
	ip.v4.dst = ih->dst_addr;
	m->l3_len = ihl;

	fn = nc->l4_input[ip.proto];
	if (unlikely(fn == NULL)) {
		TERN_STAT_INC(ctx, drop_ip4_proto);
		if (!ip.bcast)
			icmp4_error(ctx, m, 3 /* unreachable */, 2 /* protocol */);
		goto drop;
	}
	rte_pktmbuf_adj(m, ihl);
	fn(ctx, m, &ip);
	return;
drop:
	rte_pktmbuf_free(m);
}

int
ip4_output(struct tern_ctx *ctx, struct rte_mbuf *m, tern_ip4_t src, tern_ip4_t dst,
		uint8_t proto, uint8_t ttl)
{
	tern_ip4_t nh;
	uint16_t ifindex;

	if (unlikely(tern_net_route4_lookup(ctx->net, dst, &ifindex, &nh) != 0)) {
		TERN_STAT_INC(ctx, drop_ip4_noroute);
		rte_pktmbuf_free(m);
		return -ENETUNREACH;
	}
	return ip4_output_via(ctx, m, src, dst, proto, ttl, ifindex, nh);
}

/* An IPv4 header without options, checksum 0; length and identification left to the caller. */
static inline void
ip4_hdr_fill(struct rte_ipv4_hdr *ih, tern_ip4_t src, tern_ip4_t dst, uint8_t proto,
	     uint8_t ttl, bool df)
{
	ih->version_ihl = RTE_IPV4_VHL_DEF;
	ih->type_of_service = 0;
	ih->fragment_offset = rte_cpu_to_be_16(df ? RTE_IPV4_HDR_DF_FLAG : 0);
	ih->time_to_live = ttl;
	ih->next_proto_id = proto;
	ih->src_addr = src;
	ih->dst_addr = dst;
	ih->hdr_checksum = 0;
}

int
ip4_output_via(struct tern_ctx *ctx, struct rte_mbuf *m, tern_ip4_t src, tern_ip4_t dst,
		    uint8_t proto, uint8_t ttl, uint16_t ifindex, tern_ip4_t nh)
{
	struct tern_net_ctx *nc = netc(ctx);
	const struct tern_iface *ifp = &ctx->net->ifaces[ifindex];
	struct rte_ipv4_hdr *ih;
	uint16_t len;
	bool frag, bcast;

	if (unlikely(m->pkt_len + sizeof(*ih) > UINT16_MAX)) {
		TERN_STAT_INC(ctx, drop_frag_too_big);
		rte_pktmbuf_free(m);
		return -EMSGSIZE;
	}
	len = (uint16_t)(m->pkt_len + sizeof(*ih));
	/* Too big for the link: fragments, unless the device segments it (TSO). */
	frag = len > ifp->mtu &&
		!(m->ol_flags & (RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_UDP_SEG));
	if (src == 0)
		src = iface_src4(ifp, nh);
	ih = (struct rte_ipv4_hdr *)rte_pktmbuf_prepend(m, sizeof(*ih));
	if (unlikely(ih == NULL)) {
		TERN_STAT_INC(ctx, drop_nomem);
		rte_pktmbuf_free(m);
		return -ENOMEM;
	}
	ip4_hdr_fill(ih, src, dst, proto, ttl ? ttl : ctx->net->p.ttl, !frag);
	ih->total_length = rte_cpu_to_be_16(len);
	ih->packet_id = rte_cpu_to_be_16(nc->ip4_id++);
	m->l3_len = sizeof(*ih);
	/* Through a gateway it is not a broadcast of ours. */
	bcast = dst == IP4_BCAST || (nh == dst && ip4_is_bcast(ifp, dst));
	if (frag) {
		TERN_STAT_INC(ctx, ip4_out);
		return ip4_fragment(ctx, m, ifindex, nh, bcast ? &bcast_mac : NULL);
	}
	if (ifp->dev->caps & TERN_CAP_TX_IP4_CKSUM) {
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	} else {
		m->ol_flags |= RTE_MBUF_F_TX_IPV4;
		ih->hdr_checksum = ip4_hdr_cksum(ih, sizeof(*ih));
	}
	TERN_STAT_INC(ctx, ip4_out);
	if (bcast) {
		eth_output(ctx, ifindex, m, &bcast_mac, RTE_ETHER_TYPE_IPV4);
	} else if ((((const uint8_t *)&dst)[0] & 0xf0) == 0xe0) {
		/* multicast: 01:00:5e and the group's low 23 bits (RFC 1112) */
		const uint8_t *g = (const uint8_t *)&dst;
		struct rte_ether_addr mac = {
			.addr_bytes = { 0x01, 0x00, 0x5e, g[1] & 0x7f, g[2], g[3] }
		};

		eth_output(ctx, ifindex, m, &mac, RTE_ETHER_TYPE_IPV4);
	} else {
		neigh_output(ctx, ifindex, 4, &nh, m, RTE_ETHER_TYPE_IPV4);
	}
	return 0;
}

int
ip_tmpl_init(struct tern_ctx *ctx, struct tern_ip_tmpl *t, uint8_t family,
		  const void *src, const void *dst, uint8_t proto, uint16_t ifindex,
		  const void *nh)
{
	const struct tern_iface *ifp = &ctx->net->ifaces[ifindex];
	struct rte_ether_addr mac;
	uint64_t until;
	uint16_t type = family == 4 ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6;
	tern_ip4_t s4 = 0, d4 = 0;

	if (family == 4) {
		memcpy(&s4, src, 4);
		memcpy(&d4, dst, 4);
		if (ip4_is_bcast(ifp, d4) || (((const uint8_t *)dst)[0] & 0xf0) == 0xe0)
			return -EAGAIN;
	} else if (ip6_is_multicast(dst)) {
		return -EAGAIN;
	}
	if (neigh_resolved(ctx, ifindex, family, nh, &mac, &until) != 0)
		return -EAGAIN;
	memset(t, 0, sizeof(*t));
	t->ifindex = ifindex;
	t->family = family;
	t->mtu = ifp->mtu;
	t->until_ns = until;
	t->l2_len = (uint8_t)eth_hdr_write(ifp, t->hdr, &mac, type);
	/* as ip4_output_via() and ip6_output_via() write them */
	if (family == 4) {
		struct rte_ipv4_hdr *ih = (struct rte_ipv4_hdr *)(t->hdr + t->l2_len);

		ip4_hdr_fill(ih, s4, d4, proto, ctx->net->p.ttl, true);
		t->ip4_sum = cksum_fold64(cksum_add_scalar(ih, sizeof(*ih), 0));
		t->hlen = (uint8_t)(t->l2_len + sizeof(*ih));
		t->ol_flags = RTE_MBUF_F_TX_IPV4;
		if (ifp->dev->caps & TERN_CAP_TX_IP4_CKSUM)
			t->ol_flags |= RTE_MBUF_F_TX_IP_CKSUM;
		else
			t->ip_cksum_sw = true;
	} else {
		struct rte_ipv6_hdr *ih = (struct rte_ipv6_hdr *)(t->hdr + t->l2_len);

		ip6_hdr_fill(ih, src, dst, proto, ctx->net->p.ttl);
		t->hlen = (uint8_t)(t->l2_len + sizeof(*ih));
		t->ol_flags = RTE_MBUF_F_TX_IPV6;
	}
	return 0;
}

void
ip_tmpl_output(struct tern_ctx *ctx, const struct tern_ip_tmpl *t, struct rte_mbuf *m)
{
	uint32_t l4 = m->pkt_len;
	uint8_t *h = (uint8_t *)rte_pktmbuf_prepend(m, t->hlen);

	if (unlikely(h == NULL)) {
		TERN_STAT_INC(ctx, drop_nomem);
		rte_pktmbuf_free(m);
		return;
	}
	/* Ethernet and IPv4, the common case: a copy of constant length, inlined */
	if (likely(t->hlen == RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr)))
		memcpy(h, t->hdr, RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr));
	else
		memcpy(h, t->hdr, t->hlen);
	m->l2_len = t->l2_len;
	m->l3_len = t->hlen - t->l2_len;
	m->ol_flags |= t->ol_flags;
	if (t->family == 4) {
		struct rte_ipv4_hdr *ih = (struct rte_ipv4_hdr *)(h + t->l2_len);

		uint16_t tot = rte_cpu_to_be_16((uint16_t)(l4 + sizeof(*ih)));
		uint16_t id = rte_cpu_to_be_16(netc(ctx)->ip4_id++);

		ih->total_length = tot;
		ih->packet_id = id;
		if (t->ip_cksum_sw) {
			/* the template's sum, and the two fields that change (RFC 1071) */
			uint32_t sum = (uint32_t)t->ip4_sum + tot + id;

			sum = (sum & 0xffff) + (sum >> 16);
			sum = (sum & 0xffff) + (sum >> 16);
			ih->hdr_checksum = (uint16_t)~sum;
		}
		TERN_STAT_INC(ctx, ip4_out);
	} else {
		struct rte_ipv6_hdr *ih = (struct rte_ipv6_hdr *)(h + t->l2_len);

		ih->payload_len = rte_cpu_to_be_16((uint16_t)l4);
		TERN_STAT_INC(ctx, ip6_out);
	}
	ctx_tx(ctx, t->ifindex, m);
}
