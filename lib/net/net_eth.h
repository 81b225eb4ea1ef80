/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_NET_ETH_H
#define TERN_NET_ETH_H

/*
 * The link layer (lib/net/eth.c, arp.c, neigh.c): Ethernet/VLAN input and
 * output, ARP, the shared neighbor table and the packets held for it.
 * Included by tern_net_priv.h; not installed.
 */

/* eth.c */
void eth_input(struct tern_ctx *ctx, uint16_t port, struct rte_mbuf **pkts, uint16_t n);

/* Prepend the ethernet (and VLAN) header to @m and queue it on @ifindex. */
void eth_output(struct tern_ctx *ctx, uint16_t ifindex, struct rte_mbuf *m,
		     const struct rte_ether_addr *dst, uint16_t ether_type);

/*
 * Write the Ethernet header (and VLAN tag, if @ifp has one) of a frame from
 * @ifp to @dst at @buf. @return its length.
 */
uint16_t eth_hdr_write(const struct tern_iface *ifp, void *buf,
			    const struct rte_ether_addr *dst, uint16_t ether_type);

/* arp.c */
void arp_input(struct tern_ctx *ctx, uint16_t ifindex, struct rte_mbuf *m);
int arp_request(struct tern_ctx *ctx, uint16_t ifindex, tern_ip4_t target);
int arp_gratuitous(struct tern_ctx *ctx, uint16_t ifindex, tern_ip4_t addr);

/* neigh.c */
enum tern_neigh_state neigh_get(const struct tern_net *net, uint16_t ifindex, uint8_t family,
				     const void *addr, uint64_t now_ns, struct rte_ether_addr *mac);

/* The home slot of a key in net->neigh[] (tests check the reach against it). */
uint32_t neigh_home(const struct tern_net *net, uint16_t ifindex, uint8_t family,
		    const void *addr);

/* Record a MAC for a neighbor. @confirm: reachable (reply) or only stale. */
int neigh_update(struct tern_net *net, uint16_t ifindex, uint8_t family, const void *addr,
		      const struct rte_ether_addr *mac, enum tern_neigh_state st, uint64_t now_ns,
		      bool create);

/*
 * Send @m (IP packet, no ethernet header) to next hop @addr of @ifindex:
 * at once if resolved, else held while it resolves. Consumes @m.
 */
void neigh_output(struct tern_ctx *ctx, uint16_t ifindex, uint8_t family, const void *addr,
		       struct rte_mbuf *m, uint16_t ether_type);

/*
 * The link address of next hop @addr of @ifindex into @mac, if it can be
 * used as it is (REACHABLE or PERMANENT: no probe due, nothing to hold);
 * @until (may be NULL): the time it stops being so (UINT64_MAX: never).
 * @return 0, or -EAGAIN: send through neigh_output().
 */
int neigh_resolved(struct tern_ctx *ctx, uint16_t ifindex, uint8_t family,
		   const void *addr, struct rte_ether_addr *mac, uint64_t *until);

/*
 * A neighbor answer reached this context: send the held packets whose next
 * hop is now resolved (all of them are looked at: a few, bounded by
 * TERN_NEIGH_HOLD_MAX), drop those timed out.
 */
void neigh_release(struct tern_ctx *ctx);
void neigh_ctx_fini(struct tern_ctx *ctx);
void neigh_hold_timer(struct tern_timer *t);

#endif /* TERN_NET_ETH_H */
