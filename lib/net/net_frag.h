/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_NET_FRAG_H
#define TERN_NET_FRAG_H

/*
 * IPv4 and IPv6 fragmentation and reassembly (lib/net/frag.c).
 * Included by tern_net_priv.h; not installed.
 */

/* frag.c */
/* frag.c: reassembly and fragmentation (see the comments there) */
struct tern_frag_ctx;
int frag_ctx_init(struct tern_ctx *ctx);

/* Free every held fragment and cancel the timer. */
void frag_ctx_fini(struct tern_ctx *ctx);

/* Fragments (pieces of datagrams) held for reassembly. */
unsigned int frag_held(const struct tern_frag_ctx *fc);

/*
 * Reassembly input of IPv4 fragment @m (data at its IP header, checked by
 * ip4_input(), padding trimmed). Consumes @m. @bcast: sent to a
 * broadcast address (no ICMP about it).
 * @return NULL (held or dropped), or the whole datagram when @m completes
 *   it: data at the first fragment's IP header, total length set, MF and
 *   offset cleared, checksum right; that header and the first 64 bytes
 *   after it in one writable segment.
 */
struct rte_mbuf *ip4_reasm(struct tern_ctx *ctx, struct rte_mbuf *m, bool bcast);

/*
 * As ip4_reasm() for IPv6 fragment @m whose fragment header starts at
 * @frag_off and is named by the next header byte at @nh_off. The datagram
 * returned has no fragment header: the byte at @nh_off names what followed
 * it and the fragmentable part starts at @frag_off.
 */
struct rte_mbuf *ip6_reasm(struct tern_ctx *ctx, struct rte_mbuf *m, uint32_t nh_off,
				uint32_t frag_off);

/*
 * Send @m (data at its IPv4 header, built whole, no options) in fragments of
 * at most the MTU of @ifindex, to next hop @nh or, if not NULL, to @dmac.
 * Consumes @m. The L4 checksum must be complete, or left to the device with
 * RTE_MBUF_F_TX_UDP_CKSUM / TCP_CKSUM and the pseudo-header sum in its
 * field (then it is finished here in software).
 * @return 0, -ENOMEM, -EMSGSIZE (MTU too small, or above 65535 bytes).
 */
int ip4_fragment(struct tern_ctx *ctx, struct rte_mbuf *m, uint16_t ifindex, tern_ip4_t nh,
		      const struct rte_ether_addr *dmac);

/* As ip4_fragment(), @m at its 40-byte IPv6 header (no extension headers). */
int ip6_fragment(struct tern_ctx *ctx, struct rte_mbuf *m, uint16_t ifindex,
		      const struct tern_ip6 *nh, const struct rte_ether_addr *dmac);

/*
 * Will @l4_len bytes of L4 to @dst leave in fragments? A caller that lets
 * the device compute its L4 checksum should compute it itself when so
 * (ip4_fragment() finishes one left to the device, but at the cost of
 * a second pass over the data).
 */
bool ip4_needs_frag(struct tern_ctx *ctx, tern_ip4_t dst, uint32_t l4_len);
bool ip6_needs_frag(struct tern_ctx *ctx, const struct tern_ip6 *dst, uint32_t l4_len);

#endif /* TERN_NET_FRAG_H */
