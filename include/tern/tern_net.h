/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_NET_H
#define TERN_NET_H

/**
 * @file
 * The network configuration shared by every context: interfaces (one per
 * device), their addresses, the IPv4/IPv6 routes and the neighbor table
 * (ARP and ND). Configure it on the main lcore before the workers start.
 * The neighbor table is then written by the contexts as ARP/ND traffic
 * arrives and read by all of them without locks.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include <tern/tern_config.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tern_net;
struct tern_dev;

/** An IPv4 address in network byte order. */
typedef uint32_t tern_ip4_t;

/** An IPv6 address. */
struct tern_ip6 {
	uint8_t a[16];		/**< network byte order */
};

/** An IPv4 or IPv6 address and a port (network byte order). */
struct tern_sockaddr {
	uint8_t family;		/**< 4 or 6 */
	uint8_t pad;		/**< zero */
	uint16_t port;		/**< network byte order */
	union {
		tern_ip4_t ip4;
		struct tern_ip6 ip6;
	};
};

/** Parameters of tern_net_create(). Zeroed fields take the defaults. */
struct tern_net_param {
	int socket_id;			/**< default SOCKET_ID_ANY */
	uint32_t max_routes4;		/**< default 1024 */
	uint32_t max_routes6;		/**< default 1024 */
	uint32_t neigh_entries;		/**< power of two; default 4096 */
	uint64_t neigh_reachable_ns;	/**< default 30 s */
	uint64_t neigh_stale_ns;	/**< kept stale after that; default 60 s */
	uint64_t neigh_retrans_ns;	/**< between requests; default 1 s */
	uint32_t neigh_max_probes;	/**< requests before giving up; default 3 */
	uint8_t ttl;			/**< IPv4 TTL / IPv6 hop limit; default 64 */
	/** Reassembly, per context: an incomplete datagram is dropped after this; default 30 s. */
	uint64_t frag_timeout_ns;
	/**
	 * Reassembly under pressure, per context: while the datagrams, bytes or
	 * pieces held are above 3/4 of their bound, an incomplete datagram is
	 * dropped once it is this old (drop_frag_pressure), before a bound
	 * pushes out a younger one; default 1 s, at most frag_timeout_ns.
	 */
	uint64_t frag_pressure_timeout_ns;
	/** Reassembly, per context: bytes of fragments held at most; default 4 MiB. */
	uint32_t frag_mem_max;
	/** Reassembly, per context: datagrams in progress at most; default 1024. */
	uint32_t frag_max_datagrams;
	/** Do not reassemble: fragments are dropped and counted (drop_frag_bad). */
	bool no_reassembly;
};

/** @return a new network, or NULL with rte_errno (EINVAL, ENOMEM, EEXIST). */
TERN_API struct tern_net *tern_net_create(const struct tern_net_param *param);

/** Free a network. Its contexts must be destroyed first. Safe on NULL. */
TERN_API void tern_net_destroy(struct tern_net *net);

/**
 * Add device @p dev as the next interface.
 * @param net the network
 * @param dev a device made by tern_dev_create() or tern_dev_create_virtual()
 * @param vlan_id 0 for untagged, else 802.1Q VLAN id (1..4094) to accept
 *   and to tag output with.
 * @return the interface index (also the port index of tern_ctx_input()), or
 *   -EINVAL, -ENOSPC (TERN_MAX_PORTS reached), -EEXIST (added already),
 *   -EBUSY (a context of this network exists: add every interface first).
 *   An IPv6 link-local address (EUI-64 from the MAC) is added with it.
 */
TERN_API int tern_net_iface_add(struct tern_net *net, struct tern_dev *dev, uint16_t vlan_id);

/** Number of interfaces. */
TERN_API uint16_t tern_net_nb_ifaces(const struct tern_net *net);

/** Device of interface @p ifindex, or NULL. */
TERN_API struct tern_dev *tern_net_iface_dev(const struct tern_net *net, uint16_t ifindex);

/**
 * Add IPv4 address @p addr/@p prefixlen on @p ifindex, and its connected
 * route. @return 0, -EINVAL, -ENOSPC, -EEXIST.
 */
TERN_API int tern_net_addr4_add(struct tern_net *net, uint16_t ifindex, tern_ip4_t addr,
				uint8_t prefixlen);

/**
 * Add IPv6 address @p addr/@p prefixlen on @p ifindex, and its connected
 * route. @return 0, -EINVAL, -ENOSPC, -EEXIST.
 */
TERN_API int tern_net_addr6_add(struct tern_net *net, uint16_t ifindex,
				const struct tern_ip6 *addr, uint8_t prefixlen);

/**
 * Add an IPv4 route @p prefix/@p len via gateway @p gw (0: on-link) out of
 * @p ifindex. A /0 prefix is the default route. @return 0, -EINVAL, -ENOSPC.
 * Adding routes while contexts run is safe; deleting or replacing one is
 * not yet (its next hop and rte_lpm's groups are reused without a grace
 * period): change those before the workers start or while they are paused.
 */
TERN_API int tern_net_route4_add(struct tern_net *net, tern_ip4_t prefix, uint8_t len,
				 tern_ip4_t gw, uint16_t ifindex);

/** Remove an IPv4 route. @return 0, -ENOENT. */
TERN_API int tern_net_route4_del(struct tern_net *net, tern_ip4_t prefix, uint8_t len);

/**
 * Add an IPv6 route via @p gw (NULL or :: for on-link) out of @p ifindex.
 * @return 0, -EINVAL, -ENOSPC.
 */
TERN_API int tern_net_route6_add(struct tern_net *net, const struct tern_ip6 *prefix,
				 uint8_t len, const struct tern_ip6 *gw, uint16_t ifindex);

/** Remove an IPv6 route. @return 0, -ENOENT. */
TERN_API int tern_net_route6_del(struct tern_net *net, const struct tern_ip6 *prefix,
				 uint8_t len);

/**
 * Look up the route to @p dst. On success fill @p ifindex and @p nexthop
 * (the gateway, or @p dst itself when on-link). @return 0 or -ENETUNREACH.
 * Lock-free; safe from any lcore.
 */
TERN_API int tern_net_route4_lookup(const struct tern_net *net, tern_ip4_t dst,
				    uint16_t *ifindex, tern_ip4_t *nexthop);

/** IPv6 form of tern_net_route4_lookup(). */
TERN_API int tern_net_route6_lookup(const struct tern_net *net, const struct tern_ip6 *dst,
				    uint16_t *ifindex, struct tern_ip6 *nexthop);

/** Neighbor entry states. */
enum tern_neigh_state {
	TERN_NEIGH_NONE = 0,	/**< no entry */
	TERN_NEIGH_INCOMPLETE,	/**< resolving: requests sent, no answer yet */
	TERN_NEIGH_REACHABLE,	/**< confirmed within neigh_reachable_ns */
	TERN_NEIGH_STALE,	/**< usable; refreshed on next use */
	TERN_NEIGH_FAILED,	/**< did not answer */
	TERN_NEIGH_PERMANENT,	/**< configured by hand */
};

/**
 * Look up the neighbor of @p ifindex with IPv4 address @p ip.
 * @return its state; @p mac is filled when the state is usable
 *   (REACHABLE, STALE, PERMANENT). Lock-free; safe from any lcore.
 */
TERN_API enum tern_neigh_state tern_net_neigh4_get(const struct tern_net *net, uint16_t ifindex,
						   tern_ip4_t ip, struct rte_ether_addr *mac);

/** IPv6 form of tern_net_neigh4_get(). */
TERN_API enum tern_neigh_state tern_net_neigh6_get(const struct tern_net *net, uint16_t ifindex,
						   const struct tern_ip6 *ip,
						   struct rte_ether_addr *mac);

/** Add a permanent IPv4 neighbor. @return 0, -EINVAL, -ENOSPC. */
TERN_API int tern_net_neigh4_set(struct tern_net *net, uint16_t ifindex, tern_ip4_t ip,
				 const struct rte_ether_addr *mac);

/** Add a permanent IPv6 neighbor. @return 0, -EINVAL, -ENOSPC. */
TERN_API int tern_net_neigh6_set(struct tern_net *net, uint16_t ifindex,
				 const struct tern_ip6 *ip, const struct rte_ether_addr *mac);

/** Name of a neighbor state ("reachable", ...). */
TERN_API const char *tern_neigh_state_name(enum tern_neigh_state st);

/** Forwarding switches of tern_net_forward_set(), one bit per family. */
#define TERN_FWD_IP4	0x1	/**< forward IPv4 received on the interface */
#define TERN_FWD_IP6	0x2	/**< forward IPv6 received on the interface */

/**
 * Switch forwarding on or off for packets received on @p ifindex, like
 * the kernel's per-interface `forwarding` sysctls: a packet that arrives
 * there and is not for one of our addresses is routed out (RFC 1812 and
 * RFC 8200 checks, TTL / hop limit decremented, next hop resolved by ARP
 * or ND, fragmented or answered with ICMP as its size and DF bit say)
 * instead of dropped as drop_ip4_not_ours / drop_ip6_not_ours. Packets
 * to our own addresses still reach our own protocols. Link-local,
 * broadcast and multicast traffic is never forwarded.
 *
 * May be called at any time, from any lcore: contexts see the change
 * from their next packet on.
 *
 * @param net the network
 * @param ifindex the interface packets arrive on (tern_net_iface_add()'s index)
 * @param flags TERN_FWD_IP4 | TERN_FWD_IP6, or 0 for off.
 * @return 0, or -EINVAL (@p net NULL, no such interface, unknown flag).
 */
TERN_API int tern_net_forward_set(struct tern_net *net, uint16_t ifindex, uint32_t flags);

/**
 * The forwarding switches of @p ifindex (TERN_FWD_IP4 | TERN_FWD_IP6).
 * @return them, or -EINVAL (@p net NULL, no such interface). Any lcore.
 */
TERN_API int tern_net_forward_get(const struct tern_net *net, uint16_t ifindex);

/**
 * Parse "a.b.c.d" or "a.b.c.d/len". @return 0 or -EINVAL. @p len is set to
 * 32 when absent (NULL allowed).
 */
TERN_API int tern_ip4_parse(const char *s, tern_ip4_t *addr, uint8_t *len);

/** Parse an IPv6 address, optionally with "/len" (128 when absent). */
TERN_API int tern_ip6_parse(const char *s, struct tern_ip6 *addr, uint8_t *len);

#ifdef __cplusplus
}
#endif

#endif /* TERN_NET_H */
