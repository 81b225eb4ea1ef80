/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef PROXY_NET_H
#define PROXY_NET_H

/*
 * A three-node network for the transparent proxy tests, on manual clocks:
 *
 *   client C  10.1.0.2/24 fd01::2/64 --- link 0 --- P if0 10.1.0.1/24 fd01::1/64
 *   P if1 10.2.0.1/24 fd02::1/64 --- link 1 --- server S 10.2.0.2/24 fd02::2/64
 *
 * C routes 10.2/16 and fd02::/16 via P, S routes 10.1/16 and fd01::/16 via
 * P, P forwards on both interfaces. Neighbors are static. Each node has
 * its own tern_net, virtual devices, pool and context. Each link may lose
 * frames (a seeded generator, each direction on its own) and delay them.
 * A step callback (the proxy's relay, the endpoints) runs at every settle
 * round, between polls and deliveries.
 *
 * cmocka.h and its headers must come first (stack_harness.h brings them).
 */

#include "stack_harness.h"

enum pn_node { PN_C, PN_P, PN_S, PN_NB };
enum pn_link { PN_L0, PN_L1, PN_NB_LINKS };

struct pnet;

/* Called at every settle round; @return work done (0: nothing moved). */
typedef unsigned int (*pnet_step_fn)(void *arg);

/* Build the network; @tcp: P's TCP settings (NULL: defaults). NULL on failure. */
struct pnet *pnet_create(const struct tern_tcp_config *tcp_p);
/* Tear down; @return 0 if every pool got all its mbufs back. */
int pnet_destroy(struct pnet *n);

struct tern_ctx *pnet_ctx(const struct pnet *n, enum pn_node node);
/* Loss probability on link @l, direction toward the server (@up) or the client. */
void pnet_set_loss(struct pnet *n, enum pn_link l, bool up, double p, uint64_t seed);
/*
 * Reorder on link @l toward the server (@up) or the client: each frame,
 * with probability @p, is held @extra_ns longer than the link's delay, so
 * that frames sent after it overtake it (the loss generator's seed).
 */
void pnet_set_reorder(struct pnet *n, enum pn_link l, bool up, double p, uint64_t extra_ns);
/* One-way delay of link @l, both directions. */
void pnet_set_delay(struct pnet *n, enum pn_link l, uint64_t ns);
void pnet_set_step(struct pnet *n, pnet_step_fn fn, void *arg);
/* Drop every frame on link @l toward the server (@up) or the client: a silent peer. */
void pnet_set_blackhole(struct pnet *n, enum pn_link l, bool up, bool on);
/*
 * A router on link @l toward the server (@up) or the client with a next-hop
 * MTU of @mtu (0: none): an IPv4 packet with DF, or an IPv6 packet, longer
 * than @mtu is dropped and answered with ICMP Fragmentation Needed / ICMPv6
 * Packet Too Big from the router (host 254 / ::fe of the link's network)
 * to the packet's source, back down the link (pn_wire.too_big).
 */
void pnet_set_mtu(struct pnet *n, enum pn_link l, bool up, uint16_t mtu);
/* Advance all clocks by @ns in 1 ms steps, settling after each (and before). */
void pnet_run(struct pnet *n, uint64_t ns);
uint64_t pnet_now(const struct pnet *n);
/* Whether every pool holds what it held once built. */
bool pnet_pools_back(const struct pnet *n);

/* What crossed link @l toward the client (!@up) or the server (@up). */
struct pn_wire {
	uint64_t frames;
	uint64_t lost;
	uint64_t reordered;	/* held back for reordering */
	uint64_t tcp_synack;	/* TCP segments with SYN and ACK */
	uint64_t tcp_rst;
	uint64_t tcp;		/* TCP segments */
	uint64_t icmp;		/* ICMP and ICMPv6 messages */
	uint64_t too_big;	/* dropped by pnet_set_mtu()'s router, answered */
};
struct pn_wire pnet_wire(const struct pnet *n, enum pn_link l, bool up);

/* Address of node @node (P: its interface on link @l) for @family, port @port (host order). */
struct tern_sockaddr pn_addr(enum pn_node node, enum pn_link l, uint8_t family, uint16_t port);

#endif /* PROXY_NET_H */
