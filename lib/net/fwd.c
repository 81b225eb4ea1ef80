/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * IP forwarding: what arrives on an interface with forwarding on and is
 * not for one of our addresses.
 *
 * ip4_input() and ip6_input() check the header as for any packet (version,
 * length, checksum, source martians) and hand a packet not for us to
 * fwd4_input() / fwd6_input(), which apply the router's own checks
 * (RFC 1812 5.3.7, RFC 4291 2.5.6, link-layer broadcasts), answer an
 * expired TTL with Time Exceeded, and gather the rest. At the end of the
 * input burst fwd_flush() looks all their routes up at once
 * (rte_lpm_lookup_bulk, rte_lpm6_lookup_bulk_func), then for each packet:
 * MTU (Fragmentation Needed, fragments, or Packet Too Big), TTL / hop
 * limit decremented (IPv4 checksum updated by RFC 1624), the next hop's
 * MAC from the shared neighbor table (the last one kept across the burst:
 * consecutive packets mostly share one), the Ethernet header rewritten in
 * place and the packet queued on the output port, whose buffer goes out
 * in bursts at the next flush. A next hop not resolved goes through
 * neigh_output(), which holds the packet and sends ARP or ND.
 */
#include <errno.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_lpm.h>
#include <rte_lpm6.h>
#include <rte_mbuf.h>

#include "tern_net_priv.h"
#include "fwd_inline.h"

#define ICMP4_DEST_UNREACH	3
#define ICMP4_NET_UNREACH	0
#define ICMP4_FRAG_NEEDED	4
#define ICMP4_TIME_EXCEEDED	11
#define ICMP6_DST_UNREACH	1
#define ICMP6_NO_ROUTE		0
#define ICMP6_PACKET_TOO_BIG	2
#define ICMP6_TIME_EXCEEDED	3
#define IP6_HLEN		40
#define FWD4_NO_ROUTE		UINT32_MAX	/* rte_lpm_lookupx4()'s default: no next hop is */

_Static_assert(FWD_BATCH % 4 == 0, "fwd4_flush() looks routes up four at a time");

const uint8_t fwd4_first_byte[256] = {
	[0] = 1, [127] = 1, [169] = 2, [224 ... 255] = 1,
};

int
tern_net_forward_set(struct tern_net *net, uint16_t ifindex, uint32_t flags)
{
	if (net == NULL || ifindex >= net->nb_ifaces || (flags & ~(TERN_FWD_IP4 | TERN_FWD_IP6)))
		return -EINVAL;
	__atomic_store_n(&net->ifaces[ifindex].fwd, (uint8_t)flags, __ATOMIC_RELAXED);
	return 0;
}

int
tern_net_forward_get(const struct tern_net *net, uint16_t ifindex)
{
	if (net == NULL || ifindex >= net->nb_ifaces)
		return -EINVAL;
	return __atomic_load_n(&net->ifaces[ifindex].fwd, __ATOMIC_RELAXED);
}

/*
 * Came in a link-layer broadcast or multicast frame (RFC 1812 5.3.4: not
 * to be forwarded). The Ethernet header is still in front of the data.
 */
static inline bool
fwd_l2_group(const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eh;

	if (m->l2_len < sizeof(*eh) || rte_pktmbuf_headroom(m) < m->l2_len)
		return false;
	eh = rte_pktmbuf_mtod_offset(m, const struct rte_ether_hdr *, -(int)m->l2_len);
	return rte_is_multicast_ether_addr(&eh->dst_addr);
}

/* Our address to send an error about a packet from @src that came in on @ifindex. */
static tern_ip4_t
fwd4_err_src(struct tern_ctx *ctx, uint16_t ifindex, tern_ip4_t src)
{
	tern_ip4_t a = iface_src4(&ctx->net->ifaces[ifindex], src);
	union net_addr nh;
	uint16_t ifx;

	if (a != 0)
		return a;
	/* none on that interface: the one the route back to @src leaves by */
	if (net_route_lookup(ctx->net, 4, &src, &ifx, &nh) != 0)
		return 0;
	return iface_src4(&ctx->net->ifaces[ifx], nh.ip4);
}

static void
fwd4_error(struct tern_ctx *ctx, uint16_t ifindex, struct rte_mbuf *m, uint8_t type,
	   uint8_t code, uint32_t info)
{
	const struct rte_ipv4_hdr *ih = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);

	if (!icmp4_error_src(ctx, m, type, code, info,
			     fwd4_err_src(ctx, ifindex, ih->src_addr)))
		return;
	if (type == ICMP4_TIME_EXCEEDED)
		TERN_STAT_INC(ctx, fwd_icmp_time_out);
	else if (code == ICMP4_FRAG_NEEDED)
		TERN_STAT_INC(ctx, fwd_icmp_too_big_out);
}

void
fwd4_input(struct tern_ctx *ctx, uint16_t ifindex, struct rte_mbuf *m)
{
	struct tern_net_ctx *nc = netc(ctx);
	const struct rte_ipv4_hdr *ih = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	const uint8_t *d = (const uint8_t *)&ih->dst_addr;
	const uint8_t *s = (const uint8_t *)&ih->src_addr;

	/* RFC 1812 5.3.7: no forwarding to 0/8, 127/8 or class E; multicast is not routed here */
	if (unlikely(d[0] >= 224)) {
		if (d[0] < 240)
			TERN_STAT_INC(ctx, drop_fwd4_mcast);
		else
			TERN_STAT_INC(ctx, drop_fwd4_dst);
		goto drop;
	}
	/* RFC 1812 5.3.4: a unicast packet in a link-layer broadcast */
	if (unlikely(fwd_l2_group(m))) {
		TERN_STAT_INC(ctx, drop_fwd4_l2bcast);
		goto drop;
	}
	if (unlikely(d[0] == 0 || d[0] == 127)) {
		TERN_STAT_INC(ctx, drop_fwd4_dst);
		goto drop;
	}
	/* RFC 3927 7: link-local addresses stay on their link */
	if (unlikely((d[0] == 169 && d[1] == 254) || (s[0] == 169 && s[1] == 254))) {
		TERN_STAT_INC(ctx, drop_fwd4_linklocal);
		goto drop;
	}
	/* RFC 1812 5.3.1: a TTL that would reach 0 here ends with Time Exceeded */
	if (unlikely(ih->time_to_live <= 1)) {
		TERN_STAT_INC(ctx, drop_fwd4_ttl);
		fwd4_error(ctx, ifindex, m, ICMP4_TIME_EXCEEDED, 0, 0);
		goto drop;
	}
	/* gathered as fwd4_fast() gathers: from the Ethernet header, l2_len long */
	if (unlikely(rte_pktmbuf_prepend(m, m->l2_len) == NULL)) {
		TERN_STAT_INC(ctx, drop_nomem);
		goto drop;
	}
	if (unlikely(nc->nb_fwd4 == FWD_BATCH))
		fwd_flush(ctx);
	nc->fwd4_if[nc->nb_fwd4] = ifindex;
	nc->fwd4_dst[nc->nb_fwd4] = rte_be_to_cpu_32(ih->dst_addr);
	nc->fwd4[nc->nb_fwd4++] = m;
	return;
drop:
	rte_pktmbuf_free(m);
}

/*
 * Decrement the TTL (at least 2 here) and update the header checksum to
 * match: RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m'), with m the 16-bit word
 * of TTL and protocol. In the byte order it is read in (TTL the low byte
 * of m on a little-endian CPU, the high one on a big-endian one; ones'
 * complement sums do not care), m' = m - 1 (or m - 0x100) with no borrow,
 * so ~m + m' is the constant 0xfffe (0xfeff): one addition and one fold
 * (the sum is at most 0x1fffd), the same result as cksum_update16() (the
 * unit tests compare both with a full recompute).
 */
static inline void
fwd4_ttl_dec(struct rte_ipv4_hdr *ih)
{
	uint32_t s = (uint32_t)(uint16_t)~ih->hdr_checksum +
		(RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN ? 0xfffe : 0xfeff);

	ih->time_to_live--;
	s = (s & 0xffff) + (s >> 16);
	ih->hdr_checksum = (uint16_t)~s;
}

/* @m is larger than the MTU of @out: fragments, or Fragmentation Needed if DF. */
static void
fwd4_too_big(struct tern_ctx *ctx, uint16_t in, uint16_t out, tern_ip4_t gw,
	     struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ih = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint16_t mtu = ctx->net->ifaces[out].mtu;

	if (rte_be_to_cpu_16(ih->fragment_offset) & RTE_IPV4_HDR_DF_FLAG) {
		/* RFC 1191 4: the MTU of the next hop in the low 16 bits */
		TERN_STAT_INC(ctx, drop_fwd4_df);
		fwd4_error(ctx, in, m, ICMP4_DEST_UNREACH, ICMP4_FRAG_NEEDED, mtu);
		rte_pktmbuf_free(m);
		return;
	}
	if (rte_ipv4_hdr_len(ih) != sizeof(*ih)) {
		/* ip4_fragment() copies a bare header into each piece */
		TERN_STAT_INC(ctx, drop_fwd4_opts_frag);
		rte_pktmbuf_free(m);
		return;
	}
	fwd4_ttl_dec(ih);
	m->ol_flags &= RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL;
	TERN_STAT_INC(ctx, fwd4_pkts);
	TERN_STAT_INC(ctx, fwd4_fragmented);
	ip4_fragment(ctx, m, out, gw, NULL);
}

/* The Ethernet header to @mac from @out in front of @m, and out it goes. */
static inline void
fwd_send(struct tern_ctx *ctx, const struct tern_iface *ofp, struct rte_mbuf *m,
	 const struct rte_ether_addr *mac, uint16_t ether_type)
{
	uint16_t hlen = ofp->vlan_id ? RTE_ETHER_HDR_LEN + 4 : RTE_ETHER_HDR_LEN;
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, hlen);

	if (unlikely(eh == NULL)) {
		TERN_STAT_INC(ctx, drop_nomem);
		rte_pktmbuf_free(m);
		return;
	}
	if (likely(ofp->vlan_id == 0)) {
		rte_ether_addr_copy(mac, &eh->dst_addr);
		rte_ether_addr_copy(&ofp->mac, &eh->src_addr);
		eh->ether_type = rte_cpu_to_be_16(ether_type);
	} else {
		eth_hdr_write(ofp, eh, mac, ether_type);
	}
	m->l2_len = hlen;
	/* what the receiving port said about it is no order to the sending one */
	m->ol_flags &= RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL;
	ctx_tx(ctx, ofp->ifindex, m);
}

/*
 * The output port's tx buffer as fwd4_flush() fills it for a run of
 * packets to one next hop: its fill level in a register (ctx_tx() reloads
 * it after every write to a packet), written back before anything else
 * may send (fwd4_txq_sync()). max is 0 when ctx_tx() must see each packet
 * (a capture on).
 */
struct fwd4_txq {
	struct tern_ctx_port *p;	/* NULL: none held */
	uint16_t n;			/* p->tx_n while held */
	uint16_t max;
};

static inline void
fwd4_txq_sync(struct fwd4_txq *q)
{
	if (q->p != NULL) {
		q->p->tx_n = q->n;
		q->p = NULL;
		q->max = 0;
	}
}

static inline void
fwd4_txq_hold(struct tern_ctx *ctx, struct fwd4_txq *q, uint16_t out)
{
	fwd4_txq_sync(q);
	q->p = &ctx->ports[out];
	q->n = q->p->tx_n;
	q->max = ctx->cap == NULL ? TERN_TX_BUF : 0;
}

static void
fwd4_flush(struct tern_ctx *ctx)
{
	struct tern_net_ctx *nc = netc(ctx);
	struct tern_net *net = ctx->net;
	uint32_t hop[FWD_BATCH];
	uint16_t n = nc->nb_fwd4, i;
	/* the last next hop checked and resolved, for the packets after it */
	const struct tern_iface *ofp = NULL;
	struct rte_ether_hdr eth;	/* its MACs, for the frames to it */
	uint16_t last_out = UINT16_MAX;
	tern_ip4_t last_gw = 0;
	bool resolved = false, in_place = false;	/* in_place: untagged out */
	uint16_t mtu = 0;
	uint32_t nfwd = 0;
	struct fwd4_txq txq = { .p = NULL, .n = 0, .max = 0 };

	nc->nb_fwd4 = 0;
	/* four at a time (FWD_BATCH is a multiple of 4): the last few padded */
	for (i = n; i & 3; i++)
		nc->fwd4_dst[i] = 0;
	for (i = 0; i < n; i += 4) {
		xmm_t ip;

		memcpy(&ip, &nc->fwd4_dst[i], sizeof(ip));
		rte_lpm_lookupx4(net->lpm4, ip, &hop[i], FWD4_NO_ROUTE);
	}
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = nc->fwd4[i];
		uint16_t l2 = m->l2_len;
		uint8_t *frame = rte_pktmbuf_mtod(m, uint8_t *);
		struct rte_ipv4_hdr *ih = (struct rte_ipv4_hdr *)(frame + l2);
		const struct tern_nexthop *nh;
		uint32_t idx;
		uint16_t out;
		tern_ip4_t gw;

		if (likely(hop[i] != FWD4_NO_ROUTE)) {
			idx = hop[i];
		} else {
			int32_t def = __atomic_load_n(&net->default4, __ATOMIC_ACQUIRE);

			if (unlikely(def < 0)) {
				TERN_STAT_INC(ctx, drop_fwd4_noroute);
				fwd4_txq_sync(&txq);
				rte_pktmbuf_adj(m, l2);
				fwd4_error(ctx, nc->fwd4_if[i], m, ICMP4_DEST_UNREACH,
					   ICMP4_NET_UNREACH, 0);
				rte_pktmbuf_free(m);
				continue;
			}
			idx = (uint32_t)def;
		}
		nh = &net->nexthops[idx];
		out = nh->ifindex;
		if (nh->onlink)
			gw = ih->dst_addr;
		else
			memcpy(&gw, nh->gw, 4);
		/* the same next hop as the packet before: checked and resolved already */
		if (out != last_out || gw != last_gw) {
			ofp = &net->ifaces[out];
			/* RFC 2644: directed broadcasts are not forwarded by default */
			if (unlikely(nh->onlink && ip4_is_bcast(ofp, gw))) {
				TERN_STAT_INC(ctx, drop_fwd4_bcast);
				rte_pktmbuf_free(m);
				last_out = UINT16_MAX;
				continue;
			}
			last_out = out;
			last_gw = gw;
			resolved = false;
			mtu = ofp->mtu;
			in_place = ofp->vlan_id == 0;
			fwd4_txq_hold(ctx, &txq, out);
		}
		if (unlikely(FWD_BE16(ih->total_length) > mtu)) {
			fwd4_txq_sync(&txq);
			rte_pktmbuf_adj(m, l2);
			fwd4_too_big(ctx, nc->fwd4_if[i], out, gw, m);
			continue;
		}
		fwd4_ttl_dec(ih);
		nfwd++;
		if (!resolved) {
			if (unlikely(neigh_resolved(ctx, out, 4, &gw, &eth.dst_addr, NULL) != 0)) {
				/* held while ARP resolves it, or sent while stale and probed */
				fwd4_txq_sync(&txq);
				rte_pktmbuf_adj(m, l2);
				m->ol_flags &= RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL;
				neigh_output(ctx, out, 4, &gw, m, RTE_ETHER_TYPE_IPV4);
				continue;
			}
			rte_ether_addr_copy(&ofp->mac, &eth.src_addr);
			resolved = true;
		}
		if (likely(l2 == RTE_ETHER_HDR_LEN && in_place)) {
			/* an untagged IPv4 frame in and out: the two MACs change */
			memcpy(frame, &eth, 2 * RTE_ETHER_ADDR_LEN);
			m->ol_flags &= RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL;
			if (likely(txq.n < txq.max)) {
				txq.p->tx_buf[txq.n++] = m;
			} else {
				/* full (one flush, or the drop), or captured */
				fwd4_txq_sync(&txq);
				ctx_tx(ctx, out, m);
				fwd4_txq_hold(ctx, &txq, out);
			}
		} else {
			fwd4_txq_sync(&txq);
			rte_pktmbuf_adj(m, l2);
			fwd_send(ctx, ofp, m, &eth.dst_addr, RTE_ETHER_TYPE_IPV4);
		}
	}
	fwd4_txq_sync(&txq);
	TERN_STAT_ADD(ctx, fwd4_pkts, nfwd);
}

static inline bool
ip6_is_loopback(const struct tern_ip6 *a)
{
	static const struct tern_ip6 lo = { .a = { [15] = 1 } };

	return ip6_eq(a, &lo);
}

static void
fwd6_error(struct tern_ctx *ctx, uint16_t ifindex, struct rte_mbuf *m, uint8_t type,
	   uint8_t code, uint32_t info)
{
	const struct rte_ipv6_hdr *ih = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	struct tern_ip6 src, from;

	memcpy(src.a, ih->src_addr, 16);
	/* a global address of the interface it came in on, if it has one */
	from = *iface_src6(&ctx->net->ifaces[ifindex], &src);
	if (ip6_is_linklocal(&from) && ip6_src_select(ctx, &src, &from) != 0)
		return;
	if (!icmp6_error_src(ctx, m, type, code, info, &from))
		return;
	if (type == ICMP6_TIME_EXCEEDED)
		TERN_STAT_INC(ctx, fwd_icmp_time_out);
	else if (type == ICMP6_PACKET_TOO_BIG)
		TERN_STAT_INC(ctx, fwd_icmp_too_big_out);
}

void
fwd6_input(struct tern_ctx *ctx, uint16_t ifindex, struct rte_mbuf *m)
{
	struct tern_net_ctx *nc = netc(ctx);
	const struct rte_ipv6_hdr *ih = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	const struct tern_ip6 *src = (const struct tern_ip6 *)ih->src_addr;
	const struct tern_ip6 *dst = (const struct tern_ip6 *)ih->dst_addr;

	if (unlikely(ip6_is_multicast(dst))) {
		TERN_STAT_INC(ctx, drop_fwd6_mcast);
		goto drop;
	}
	if (unlikely(fwd_l2_group(m))) {
		TERN_STAT_INC(ctx, drop_fwd6_l2bcast);
		goto drop;
	}
	/* RFC 4291 2.5.2, 2.5.3: never forwarded from or to :: or ::1 */
	if (unlikely(ip6_is_unspec(src) || ip6_is_loopback(src))) {
		TERN_STAT_INC(ctx, drop_fwd6_src);
		goto drop;
	}
	if (unlikely(ip6_is_unspec(dst) || ip6_is_loopback(dst))) {
		TERN_STAT_INC(ctx, drop_fwd6_dst);
		goto drop;
	}
	/* RFC 4291 2.5.6: link-local sources and destinations stay on their link */
	if (unlikely(ip6_is_linklocal(src) || ip6_is_linklocal(dst))) {
		TERN_STAT_INC(ctx, drop_fwd6_linklocal);
		goto drop;
	}
	/* RFC 8200 3, RFC 4443 3.3: hop limit exhausted */
	if (unlikely(ih->hop_limits <= 1)) {
		TERN_STAT_INC(ctx, drop_fwd6_hlim);
		fwd6_error(ctx, ifindex, m, ICMP6_TIME_EXCEEDED, 0, 0);
		goto drop;
	}
	if (unlikely(nc->nb_fwd6 == FWD_BATCH))
		fwd_flush(ctx);
	nc->fwd6_if[nc->nb_fwd6] = ifindex;
	nc->fwd6[nc->nb_fwd6++] = m;
	return;
drop:
	rte_pktmbuf_free(m);
}

static void
fwd6_flush(struct tern_ctx *ctx)
{
	struct tern_net_ctx *nc = netc(ctx);
	struct tern_net *net = ctx->net;
	uint8_t dst[FWD_BATCH][16];
	int32_t hop[FWD_BATCH];
	uint16_t n = nc->nb_fwd6, i;
	struct rte_ether_addr mac;
	uint16_t last_out = UINT16_MAX;
	struct tern_ip6 last_gw;

	nc->nb_fwd6 = 0;
	for (i = 0; i < n; i++)
		memcpy(dst[i], rte_pktmbuf_mtod(nc->fwd6[i], const struct rte_ipv6_hdr *)->dst_addr,
		       16);
	rte_lpm6_lookup_bulk_func(net->lpm6, dst, hop, n);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = nc->fwd6[i];
		struct rte_ipv6_hdr *ih = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
		const struct tern_nexthop *nh;
		const struct tern_ip6 *gw;
		uint16_t out, mtu;

		if (unlikely(hop[i] < 0)) {
			hop[i] = __atomic_load_n(&net->default6, __ATOMIC_ACQUIRE);
			if (unlikely(hop[i] < 0)) {
				TERN_STAT_INC(ctx, drop_fwd6_noroute);
				fwd6_error(ctx, nc->fwd6_if[i], m, ICMP6_DST_UNREACH,
					   ICMP6_NO_ROUTE, 0);
				rte_pktmbuf_free(m);
				continue;
			}
		}
		nh = &net->nexthops[hop[i]];
		out = nh->ifindex;
		gw = nh->onlink ? (const struct tern_ip6 *)dst[i] :
			(const struct tern_ip6 *)nh->gw;
		mtu = net->ifaces[out].mtu;
		/* RFC 8200 5: routers do not fragment; RFC 4443 3.2 / RFC 8201 */
		if (unlikely(IP6_HLEN + (uint32_t)rte_be_to_cpu_16(ih->payload_len) > mtu)) {
			TERN_STAT_INC(ctx, drop_fwd6_too_big);
			fwd6_error(ctx, nc->fwd6_if[i], m, ICMP6_PACKET_TOO_BIG, 0, mtu);
			rte_pktmbuf_free(m);
			continue;
		}
		ih->hop_limits--;
		TERN_STAT_INC(ctx, fwd6_pkts);
		if (out != last_out || !ip6_eq(gw, &last_gw)) {
			if (unlikely(neigh_resolved(ctx, out, 6, gw, &mac, NULL) != 0)) {
				m->ol_flags &= RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL;
				neigh_output(ctx, out, 6, gw, m, RTE_ETHER_TYPE_IPV6);
				last_out = UINT16_MAX;
				continue;
			}
			last_out = out;
			last_gw = *gw;
		}
		fwd_send(ctx, &net->ifaces[out], m, &mac, RTE_ETHER_TYPE_IPV6);
	}
}

void
fwd_flush(struct tern_ctx *ctx)
{
	struct tern_net_ctx *nc = netc(ctx);

	if (nc->nb_fwd4 != 0)
		fwd4_flush(ctx);
	if (nc->nb_fwd6 != 0)
		fwd6_flush(ctx);
}
