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

/*
 * Whether the ones' complement sum of a 20-byte IPv4 header (no options)
 * is 0xffff: its checksum is right. Two 64-bit words and a 32-bit one
 * added with their carries brought around (RFC 1071: wider words fold to
 * the same sum); each fold to half the width is the high half of x plus x
 * rotated by half its width, which carries around the end by itself.
 */
static inline bool
fwd4_hdr_cksum_ok(const void *ih)
{
	const uint8_t *p = ih;
	uint64_t a, b, sum;
	uint32_t c, t;

	memcpy(&a, p, 8);
	memcpy(&b, p + 8, 8);
	memcpy(&c, p + 16, 4);
	/* after a carry out the sum is at most 2^64 - 2: adding it back cannot carry */
	sum = a + b;
	sum += sum < b;
	sum += c;
	sum += sum < c;
	t = (uint32_t)((sum + ((sum << 32) | (sum >> 32))) >> 32);
	t = (t + ((t << 16) | (t >> 16))) >> 16;
	return (uint16_t)t == 0xffff;
}

/* Byte swaps the compiler sees through (rte_be_to_cpu_16() is an asm block on x86). */
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
#define FWD_BE16(x)	__builtin_bswap16(x)
#define FWD_BE32(x)	__builtin_bswap32(x)
#else
#define FWD_BE16(x)	(x)
#define FWD_BE32(x)	(x)
#endif

/* What fwd4_fast() needs of the input interface: read once per burst (fwd4_in_init()). */
struct fwd4_in {
	uint64_t mac;		/* our MAC, as the first 8 bytes of a frame to it load, masked */
	uint64_t bloom;		/* tern_net.local4_bloom */
	uint16_t ifindex;
	bool claim;		/* a transport may claim packets (transparent proxying) */
	uint8_t claim_proto;
};

/* The first 8 bytes of a frame: its destination MAC and two more. */
#define FWD4_MAC_MASK	(RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN ? 0x0000ffffffffffffULL : \
			 0xffffffffffff0000ULL)

/*
 * Martian first bytes, of either address (RFC 1812 5.3.7, ip4_is_martian_src()):
 * 1 for 0/8, 127/8 and 224/3 (class D and E); 2 for 169, whose 169.254/16 is
 * link-local (RFC 3927 7). 0 for every other.
 */
extern const uint8_t fwd4_first_byte[256];

/* @return false if @ifp's packets cannot take fwd4_fast() (a VLAN interface). */
static inline bool
fwd4_in_init(struct fwd4_in *in, struct tern_ctx *ctx, const struct tern_iface *ifp)
{
	struct tern_net_ctx *nc = netc(ctx);
	uint64_t mac = 0;

	if (ifp->vlan_id != 0)
		return false;
	memcpy(&mac, &ifp->mac, sizeof(ifp->mac));
	in->mac = mac & FWD4_MAC_MASK;
	in->bloom = __atomic_load_n(&ctx->net->local4_bloom, __ATOMIC_RELAXED);
	in->ifindex = ifp->ifindex;
	in->claim = nc->claim_fn != NULL;
	in->claim_proto = nc->claim_proto;
	return true;
}

/*
 * Frame @m (data at its Ethernet header) came in on the interface of @in,
 * IPv4 forwarding on: if it is the common case of a packet to forward
 * (untagged, to our MAC, a valid 20-byte header, TTL above 1, no martian,
 * not for us), gather it for fwd_flush() at once, as batch entry *@nb,
 * its data still at the Ethernet header (m->l2_len bytes long).
 * The caller counts it as eth_input() and ip4_input() would (eth_in,
 * ip4_in). @return true if it took @m; false: send it through the usual
 * input, which checks, counts and answers the rest.
 */
static inline bool
fwd4_fast(struct tern_ctx *ctx, const struct fwd4_in *in, struct rte_mbuf *m, uint16_t *nb)
{
	static const uint8_t type_vhl[4] = { 0x08, 0x00, RTE_IPV4_VHL_DEF, 0 };
	static const uint8_t type_vhl_mask[4] = { 0xff, 0xff, 0xff, 0 };
	struct tern_net_ctx *nc = netc(ctx);
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_ipv4_hdr *ih = (const struct rte_ipv4_hdr *)(f + RTE_ETHER_HDR_LEN);
	const uint8_t *d = (const uint8_t *)&ih->dst_addr;
	const uint8_t *s = (const uint8_t *)&ih->src_addr;
	uint64_t ol = m->ol_flags, ck = ol & RTE_MBUF_F_RX_IP_CKSUM_MASK, w;
	uint32_t tv, k, km;
	uint16_t tot;
	uint8_t t;

	/* an untagged IPv4 frame to our MAC, a bare 20-byte header */
	if (m->data_len < RTE_ETHER_HDR_LEN + sizeof(*ih))
		return false;
	memcpy(&w, f, 8);
	memcpy(&tv, f + 12, 4);		/* ether_type, version and header length, TOS */
	memcpy(&k, type_vhl, 4);
	memcpy(&km, type_vhl_mask, 4);
	if ((w & FWD4_MAC_MASK) != in->mac || (tv & km) != k ||
	    (ol & RTE_MBUF_F_RX_VLAN_STRIPPED))
		return false;
	tot = FWD_BE16(ih->total_length);
	/* 20 <= tot <= pkt_len - 14 (pkt_len >= data_len >= 34 here) */
	if ((uint32_t)tot - sizeof(*ih) > m->pkt_len - (RTE_ETHER_HDR_LEN + sizeof(*ih)) ||
	    ck == RTE_MBUF_F_RX_IP_CKSUM_BAD ||
	    (ck != RTE_MBUF_F_RX_IP_CKSUM_GOOD && !fwd4_hdr_cksum_ok(ih)))
		return false;
	/* nothing the checks of fwd4_input() or ip4_input() would stop or answer */
	if (ih->time_to_live <= 1)
		return false;
	t = fwd4_first_byte[s[0]] | fwd4_first_byte[d[0]];
	if (unlikely(t != 0) &&
	    ((t & 1) || (d[0] == 169 && d[1] == 254) || (s[0] == 169 && s[1] == 254)))
		return false;
	/* maybe one of our addresses or a directed broadcast of one of our subnets */
	if (in->bloom & fwd_local4_bit(ih->dst_addr))
		return false;
	/* a transport may claim it (transparent proxying): ip4_input() asks */
	if (unlikely(in->claim) &&
	    (ih->next_proto_id == in->claim_proto || ih->next_proto_id == IPPROTO_ICMP))
		return false;
	/*
	 * Gathered with its Ethernet header (fwd4_flush() rewrites it in
	 * place): l2_len says how long; no other Tx offload field is used
	 * on the way out (the offload flags are cleared there).
	 */
	m->tx_offload = rte_mbuf_tx_offload(RTE_ETHER_HDR_LEN, 0, 0, 0, 0, 0, 0);
	if (m->pkt_len > (uint32_t)tot + RTE_ETHER_HDR_LEN)	/* ethernet padding */
		pkt_cut(m, (uint32_t)tot + RTE_ETHER_HDR_LEN);
	if (unlikely(*nb == FWD_BATCH)) {
		nc->nb_fwd4 = *nb;
		fwd_flush(ctx);
		*nb = 0;
	}
	nc->fwd4_if[*nb] = in->ifindex;
	nc->fwd4_dst[*nb] = FWD_BE32(ih->dst_addr);
	nc->fwd4[(*nb)++] = m;
	return true;
}

#endif /* TERN_FWD_INLINE_H */
