/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_FWD_INLINE_H
#define TERN_FWD_INLINE_H

/*
 * The one-pass check of a packet to forward (fwd.c is the rest), inline in
 * eth_input()'s loop: a call per packet and the reloads around it cost
 * about a sixth of the instructions of a forwarded packet (callgrind).
 */

#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "tern_net_priv.h"

/* Sum of a 20-byte IPv4 header (no options), folded: 0xffff when its checksum is right. */
static inline uint16_t
fwd4_hdr_sum20(const void *ih)
{
	const uint8_t *p = ih;
	uint64_t a, b, sum;
	uint32_t c;

	memcpy(&a, p, 8);
	memcpy(&b, p + 8, 8);
	memcpy(&c, p + 16, 4);
	sum = (a & 0xffffffff) + (a >> 32) + (b & 0xffffffff) + (b >> 32) + c;
	return cksum_fold64(sum);
}

/*
 * @a may be one of our addresses or a directed broadcast of one of our
 * subnets: the host path decides (a false positive only costs the longer
 * path).
 */
static inline bool
fwd4_maybe_local(const struct tern_net *net, tern_ip4_t a)
{
	return (__atomic_load_n(&net->local4_bloom, __ATOMIC_RELAXED) & fwd_local4_bit(a)) != 0;
}

/*
 * Frame @m (data at its Ethernet header) came in on @ifp, IPv4 forwarding
 * on: if it is the common case of a packet to forward (untagged, to our
 * MAC, a valid 20-byte header, TTL above 1, no martian, not for us), count
 * it as eth_input() and ip4_input() would and gather it for fwd_flush()
 * at once. @return true if it took @m; false: send it through the usual
 * input, which checks, counts and answers the rest.
 */
static inline bool
fwd4_fast(struct tern_ctx *ctx, const struct tern_iface *ifp, struct rte_mbuf *m)
{
	struct tern_net_ctx *nc = netc(ctx);
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_ipv4_hdr *ih = (const struct rte_ipv4_hdr *)(eh + 1);
	const uint8_t *d = (const uint8_t *)&ih->dst_addr;
	const uint8_t *s = (const uint8_t *)&ih->src_addr;
	uint64_t ck = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
	uint16_t tot;

	/* an untagged IPv4 frame to our MAC, a bare 20-byte header */
	if (m->data_len < RTE_ETHER_HDR_LEN + sizeof(*ih) ||
	    eh->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    ih->version_ihl != RTE_IPV4_VHL_DEF || ifp->vlan_id != 0 ||
	    (m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED) ||
	    !rte_is_same_ether_addr(&eh->dst_addr, &ifp->mac))
		return false;
	tot = rte_be_to_cpu_16(ih->total_length);
	if (tot < sizeof(*ih) || (uint32_t)tot + RTE_ETHER_HDR_LEN > m->pkt_len ||
	    ck == RTE_MBUF_F_RX_IP_CKSUM_BAD ||
	    (ck != RTE_MBUF_F_RX_IP_CKSUM_GOOD && fwd4_hdr_sum20(ih) != 0xffff))
		return false;
	/* nothing the checks of fwd4_input() or ip4_input() would stop or answer */
	if (ih->time_to_live <= 1 || s[0] == 0 || s[0] == 127 || s[0] >= 224 ||
	    d[0] == 0 || d[0] == 127 || d[0] >= 224 ||
	    (d[0] == 169 && d[1] == 254) || (s[0] == 169 && s[1] == 254) ||
	    fwd4_maybe_local(ctx->net, ih->dst_addr))
		return false;
	/* a transport may claim it (transparent proxying): ip4_input() asks */
	if (unlikely(nc->claim_fn != NULL) &&
	    (ih->next_proto_id == nc->claim_proto || ih->next_proto_id == IPPROTO_ICMP))
		return false;
	TERN_STAT_INC(ctx, eth_in);
	TERN_STAT_INC(ctx, ip4_in);
	rte_pktmbuf_adj(m, RTE_ETHER_HDR_LEN);
	m->l2_len = RTE_ETHER_HDR_LEN;
	if (m->pkt_len > tot)	/* ethernet padding */
		pkt_cut(m, tot);
	if (unlikely(nc->nb_fwd4 == FWD_BATCH))
		fwd_flush(ctx);
	nc->fwd4_if[nc->nb_fwd4] = ifp->ifindex;
	nc->fwd4_dst[nc->nb_fwd4] = rte_be_to_cpu_32(ih->dst_addr);
	nc->fwd4[nc->nb_fwd4++] = m;
	return true;
}

#endif /* TERN_FWD_INLINE_H */
