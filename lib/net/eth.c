/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "tern_net_priv.h"
#include "fwd_inline.h"

#define ETH_PF_MBUF	8	/* mbufs prefetched ahead */
#define ETH_PF_DATA	4	/* packet data prefetched ahead */

static void
eth_input_one(struct tern_ctx *ctx, const struct tern_iface *ifp, struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eh;
	uint16_t type, off = sizeof(*eh), vlan = 0;
	bool tagged = false;

	TERN_STAT_INC(ctx, eth_in);
	if (unlikely(m->data_len < sizeof(*eh))) {
		TERN_STAT_INC(ctx, drop_eth_short);
		goto drop;
	}
	eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (!rte_is_multicast_ether_addr(&eh->dst_addr) &&
	    !rte_is_same_ether_addr(&eh->dst_addr, &ifp->mac)) {
		TERN_STAT_INC(ctx, drop_eth_not_ours);
		goto drop;
	}
	type = rte_be_to_cpu_16(eh->ether_type);
	if (m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED) {
		tagged = true;
		vlan = m->vlan_tci & 0xfff;
	} else if (type == RTE_ETHER_TYPE_VLAN) {
		const struct rte_vlan_hdr *vh;

		if (unlikely(m->data_len < sizeof(*eh) + sizeof(*vh))) {
			TERN_STAT_INC(ctx, drop_eth_short);
			goto drop;
		}
		vh = (const struct rte_vlan_hdr *)(eh + 1);
		tagged = true;
		vlan = rte_be_to_cpu_16(vh->vlan_tci) & 0xfff;
		type = rte_be_to_cpu_16(vh->eth_proto);
		off += sizeof(*vh);
	}
	/* VLAN 0 is a priority tag: it belongs to the untagged interface. */
	if (unlikely(tagged ? vlan != ifp->vlan_id : ifp->vlan_id != 0)) {
		TERN_STAT_INC(ctx, drop_eth_vlan);
		goto drop;
	}
	rte_pktmbuf_adj(m, off);
	m->l2_len = off;
	switch (type) {
	case RTE_ETHER_TYPE_IPV4:
		ip4_input(ctx, ifp->ifindex, m);
		return;
	case RTE_ETHER_TYPE_IPV6:
		ip6_input(ctx, ifp->ifindex, m);
		return;
	case RTE_ETHER_TYPE_ARP:
		arp_input(ctx, ifp->ifindex, m);
		return;
	default:
		TERN_STAT_INC(ctx, drop_eth_type);
		break;
	}
drop:
	rte_pktmbuf_free(m);
}

/*
 * What host4_fast() needs of the input interface, read once per burst
 * (host4_in_init()).
 */
struct host4_in {
	uint64_t mac;		/* our MAC as a frame's first 8 bytes load, masked */
	tern_ip4_t addr;	/* the interface's first address */
	/* what the L4 input is told: the fields the same for every frame set once */
	struct tern_ip_info ip;
};

/*
 * @return false if no frame of @ifp can take host4_fast() this burst: a
 * VLAN interface, no IPv4 address, or a first address that is also a
 * broadcast address of the interface (ip4_input() takes it as one).
 */
static inline bool
host4_in_init(struct host4_in *in, const struct tern_iface *ifp)
{
	uint64_t mac = 0;

	if (ifp->vlan_id != 0 || ifp->nb_addr4 == 0)
		return false;
	in->addr = ifp->addr4[0].addr;
	if (ip4_is_bcast(ifp, in->addr))
		return false;
	memcpy(&mac, &ifp->mac, sizeof(ifp->mac));
	in->mac = mac & FWD4_MAC_MASK;
	in->ip.family = 4;
	in->ip.bcast = 0;
	in->ip.ifindex = ifp->ifindex;
	in->ip.l3_len = sizeof(struct rte_ipv4_hdr);
	in->ip.transparent = 0;
	return true;
}

/*
 * Frame @m (data at its Ethernet header) came in on the interface of @in:
 * if it is the common case of a packet for us (untagged, to our MAC, a
 * valid 20-byte IPv4 header whose checksum the device found good or that
 * sums right, no martian source, not a fragment, to the interface's first
 * address, a protocol with an input), hand it to that input at once, as
 * eth_input_one() and ip4_input() would, with the same tern_ip_info. The
 * caller counts it (eth_in, ip4_in). @return true if it took @m; false:
 * send it through the usual input, which checks, counts and answers the
 * rest (each check here is one of those, so nothing it refuses is lost).
 */
static inline bool
host4_fast(struct tern_ctx *ctx, struct host4_in *in, struct rte_mbuf *m)
{
	static const uint8_t type_vhl[4] = { 0x08, 0x00, RTE_IPV4_VHL_DEF, 0 };
	static const uint8_t type_vhl_mask[4] = { 0xff, 0xff, 0xff, 0 };
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_ipv4_hdr *ih = (const struct rte_ipv4_hdr *)(f + RTE_ETHER_HDR_LEN);
	uint64_t ol = m->ol_flags, ck = ol & RTE_MBUF_F_RX_IP_CKSUM_MASK, w;
	struct tern_ip_info *ip;
	tern_l4_input_t fn;
	uint32_t tv, k, km;
	uint16_t tot;

	if (m->data_len < RTE_ETHER_HDR_LEN + sizeof(*ih))
		return false;
	memcpy(&w, f, 8);
	memcpy(&tv, f + 12, 4);		/* ether_type, version and header length, TOS */
	memcpy(&k, type_vhl, 4);
	memcpy(&km, type_vhl_mask, 4);
	if ((w & FWD4_MAC_MASK) != in->mac || (tv & km) != k ||
	    (ol & RTE_MBUF_F_RX_VLAN_STRIPPED) || ih->dst_addr != in->addr)
		return false;
	tot = FWD_BE16(ih->total_length);
	/* 20 <= tot <= pkt_len - 14 (pkt_len >= data_len >= 34 here) */
	if ((uint32_t)tot - sizeof(*ih) > m->pkt_len - (RTE_ETHER_HDR_LEN + sizeof(*ih)) ||
	    ck == RTE_MBUF_F_RX_IP_CKSUM_BAD ||
	    (ck != RTE_MBUF_F_RX_IP_CKSUM_GOOD && !fwd4_hdr_cksum_ok(ih)))
		return false;
	if ((fwd4_first_byte[((const uint8_t *)&ih->src_addr)[0]] & 1) ||
	    (ih->fragment_offset & FWD_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)))
		return false;
	fn = netc(ctx)->l4_input[ih->next_proto_id];
	if (unlikely(fn == NULL))
		return false;

	ip = &in->ip;
	ip->proto = ih->next_proto_id;
	ip->ttl = ih->time_to_live;
	ip->l4_len = tot - sizeof(*ih);
	memcpy(&ip->v4, &ih->src_addr, sizeof(ip->v4));	/* source, then destination */
	if (m->pkt_len > (uint32_t)tot + RTE_ETHER_HDR_LEN)	/* ethernet padding */
		pkt_cut(m, (uint32_t)tot + RTE_ETHER_HDR_LEN);
	/* rte_pktmbuf_adj() by both headers, whose checks were made above */
	m->data_off += RTE_ETHER_HDR_LEN + sizeof(*ih);
	m->data_len -= RTE_ETHER_HDR_LEN + sizeof(*ih);
	m->pkt_len -= RTE_ETHER_HDR_LEN + sizeof(*ih);
	m->l2_len = RTE_ETHER_HDR_LEN;
	m->l3_len = sizeof(*ih);
	fn(ctx, m, ip);
	return true;
}

/* The headers, and the next line: a small datagram's payload, summed by UDP. */
static inline void
eth_prefetch_data(const struct rte_mbuf *m)
{
	const char *d = rte_pktmbuf_mtod(m, const char *);

	rte_prefetch0(d);
	if (m->data_len > RTE_CACHE_LINE_SIZE)
		rte_prefetch0(d + RTE_CACHE_LINE_SIZE);
}

/*
 * The rest of the frame, from its third line: a port that does not check
 * L4 checksums leaves the whole payload to be summed in software, and the
 * payload of a frame written by another core is cold. Asked for one frame
 * ahead, so its lines come in while the frame before is summed.
 */
static inline void
eth_prefetch_rest(const struct rte_mbuf *m)
{
	const char *d = rte_pktmbuf_mtod(m, const char *);
	uint32_t l;

	for (l = 2 * RTE_CACHE_LINE_SIZE; l < m->data_len; l += RTE_CACHE_LINE_SIZE)
		rte_prefetch0(d + l);
}

void
eth_input(struct tern_ctx *ctx, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	const struct tern_iface *ifp = &ctx->net->ifaces[port];
	bool sw_l4 = !(ifp->dev->caps & TERN_CAP_RX_L4_CKSUM);
	bool fwd4 = __atomic_load_n(&ifp->fwd, __ATOMIC_RELAXED) & TERN_FWD_IP4;
	struct tern_net_ctx *nc = netc(ctx);
	struct fwd4_in in = { 0 };
	struct host4_in hin = { 0 };
	int host4 = -1;		/* not yet asked: a router's burst may never need it */
	uint16_t i, nb = 0, nfast = 0;

	/*
	 * Packets written by another core (or a NIC) miss the cache twice: the
	 * mbuf, then the data its buf_addr/data_off point to. Ask for the
	 * mbufs further ahead than the data.
	 */
	if (fwd4) {
		fwd4 = fwd4_in_init(&in, ctx, ifp);
		nb = nc->nb_fwd4;
	}
	for (i = 0; i < n && i < ETH_PF_MBUF; i++)
		rte_prefetch0(pkts[i]);
	for (i = 0; i < n && i < ETH_PF_DATA; i++)
		eth_prefetch_data(pkts[i]);
	for (i = 0; i < n; i++) {
		if (i + ETH_PF_MBUF < n)
			rte_prefetch0(pkts[i + ETH_PF_MBUF]);
		/* a router's common case first: what it forwards needs no more */
		if (fwd4) {
			/* its headers: the first line */
			if (i + ETH_PF_DATA < n)
				rte_prefetch0(rte_pktmbuf_mtod(pkts[i + ETH_PF_DATA], void *));
			if (fwd4_fast(ctx, &in, pkts[i], &nb)) {
				nfast++;
				continue;
			}
			nc->nb_fwd4 = nb;
		} else if (i + ETH_PF_DATA < n) {
			eth_prefetch_data(pkts[i + ETH_PF_DATA]);
		}
		/* not for a frame the device (or whoever marked it) found good */
		if (sw_l4 && i + 1 < n &&
		    (pkts[i + 1]->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) !=
			    RTE_MBUF_F_RX_L4_CKSUM_GOOD)
			eth_prefetch_rest(pkts[i + 1]);
		if (unlikely(host4 < 0))
			host4 = host4_in_init(&hin, ifp);
		if (host4 && host4_fast(ctx, &hin, pkts[i]))
			nfast++;
		else
			eth_input_one(ctx, ifp, pkts[i]);
		/* the input path may have gathered it, or flushed */
		if (fwd4)
			nb = nc->nb_fwd4;
	}
	if (fwd4)
		nc->nb_fwd4 = nb;
	TERN_STAT_ADD(ctx, eth_in, nfast);
	TERN_STAT_ADD(ctx, ip4_in, nfast);
	fwd_flush(ctx);
}

uint16_t
eth_hdr_write(const struct tern_iface *ifp, void *buf, const struct rte_ether_addr *dst,
		   uint16_t ether_type)
{
	struct rte_ether_hdr *eh = buf;

	rte_ether_addr_copy(dst, &eh->dst_addr);
	rte_ether_addr_copy(&ifp->mac, &eh->src_addr);
	if (ifp->vlan_id) {
		struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eh + 1);

		eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
		vh->vlan_tci = rte_cpu_to_be_16(ifp->vlan_id);
		vh->eth_proto = rte_cpu_to_be_16(ether_type);
		return sizeof(*eh) + sizeof(*vh);
	}
	eh->ether_type = rte_cpu_to_be_16(ether_type);
	return sizeof(*eh);
}

void
eth_output(struct tern_ctx *ctx, uint16_t ifindex, struct rte_mbuf *m,
		const struct rte_ether_addr *dst, uint16_t ether_type)
{
	const struct tern_iface *ifp = &ctx->net->ifaces[ifindex];
	uint16_t hlen = sizeof(struct rte_ether_hdr) +
		(ifp->vlan_id ? sizeof(struct rte_vlan_hdr) : 0);
	void *eh = rte_pktmbuf_prepend(m, hlen);

	if (unlikely(eh == NULL)) {
		TERN_STAT_INC(ctx, drop_nomem);
		rte_pktmbuf_free(m);
		return;
	}
	m->l2_len = eth_hdr_write(ifp, eh, dst, ether_type);
	ctx_tx(ctx, ifindex, m);
}
