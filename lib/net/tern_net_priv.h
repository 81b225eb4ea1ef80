/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_NET_PRIV_H
#define TERN_NET_PRIV_H

/*
 * Internal view of the net layer: interfaces, the shared neighbor table,
 * routes, per-context net state and the input/output helpers the upper
 * layers (UDP, TCP) call. Not installed.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_spinlock.h>

#include <tern/tern_net.h>

#include "tern_core.h"

struct rte_lpm;
struct rte_lpm6;

struct tern_addr4 {
	tern_ip4_t addr;
	tern_ip4_t mask;
	uint8_t len;
};

struct tern_addr6 {
	struct tern_ip6 addr;
	uint8_t len;
};

struct tern_iface {
	struct tern_dev *dev;
	struct rte_ether_addr mac;
	uint16_t ifindex;
	uint16_t vlan_id;	/* 0: untagged */
	uint16_t mtu;
	uint8_t fwd;		/* TERN_FWD_IP4 | TERN_FWD_IP6: forward what arrives here */
	uint8_t nb_addr4;
	uint8_t nb_addr6;
	/*
	 * The directed broadcasts of addr4[] (prefixes shorter than /31), as a
	 * one-word Bloom filter (fwd_local4_bit()): a clear bit, and
	 * ip4_is_bcast() answers "no" without the loop over the addresses.
	 */
	uint64_t bcast4_bloom;
	struct tern_addr4 addr4[TERN_MAX_ADDR4];
	struct tern_addr6 addr6[TERN_MAX_ADDR6];	/* [0] is link-local */
};

/*
 * A neighbor entry. A slot, once `used`, stays used (lookups stop at the
 * first unused slot), but an entry that aged out or failed may be given to
 * a new key: the writer makes `seq` odd, rewrites the key, makes it even.
 * Readers on any lcore compare the key and read `lla` (MAC and state in one
 * 64-bit word) between two reads of an even, unchanged `seq`. Writers hold
 * net->neigh_lock.
 */
struct tern_neigh {
	uint32_t used;
	uint16_t ifindex;
	uint8_t family;		/* 4 or 6 */
	uint8_t reach;		/* of this slot as a home: 1 + the farthest key's distance */
	uint8_t addr[16];
	uint64_t lla;		/* MAC in bits 0..47, state in 48..55 */
	uint64_t confirmed_ns;	/* REACHABLE: last confirmation; STALE: when it was made stale */
	uint64_t probe_ns;	/* last request sent (any context) */
	uint32_t probes;	/* requests sent since the last confirmation */
	uint32_t seq;		/* odd while the key is being rewritten */
} __rte_aligned(64);

struct net_route_ent {
	uint8_t family;
	uint8_t len;
	uint16_t nh;			/* index in nexthops[] */
	uint8_t prefix[16];
};

struct tern_nexthop {
	uint32_t refcnt;
	uint16_t ifindex;
	uint8_t family;
	uint8_t onlink;
	uint8_t gw[16];
};

struct tern_net {
	struct tern_net_param p;
	struct tern_clock clock;	/* time base shared by every context */
	uint32_t nb_ctx;		/* contexts bound to it (atomic) */
	uint16_t nb_ifaces;
	/*
	 * A one-word Bloom filter of the IPv4 addresses the host path takes:
	 * every interface's addresses and directed broadcasts (fwd_local4_bit()).
	 * A clear bit: surely not ours, the router's one-pass check goes on.
	 * Addresses are never removed, so it only gains bits.
	 */
	uint64_t local4_bloom;
	struct tern_iface ifaces[TERN_MAX_PORTS];

	struct rte_lpm *lpm4;
	struct rte_lpm6 *lpm6;
	rte_spinlock_t route_lock;
	struct tern_nexthop nexthops[TERN_MAX_NEXTHOPS];
	int32_t default4;		/* next hop of 0.0.0.0/0, or -1 */
	int32_t default6;		/* next hop of ::/0, or -1 */
	/* every route as added, for listing (rte_lpm/lpm6 cannot be walked) */
	struct net_route_ent *routes;
	uint32_t nb_routes;
	uint32_t routes_cap;
	/* bumped by every route change, and by every neighbor link address or
	 * state change: what was resolved before is looked up again (net_dest) */
	uint32_t route_gen;
	uint32_t neigh_gen;

	rte_spinlock_t neigh_lock;
	uint32_t neigh_mask;
	struct tern_neigh *neigh;
};

/* Per-context L4 input hook: @m's data starts at the L4 header. */
struct tern_ip_info;
typedef void (*tern_l4_input_t)(struct tern_ctx *ctx, struct rte_mbuf *m,
				const struct tern_ip_info *ip);

/*
 * Per-context claim on packets not addressed to us (transparent proxying):
 * addresses as in the header (4 or 16 bytes), ports in network order.
 * @quoted: the tuple is that of a packet an ICMP error quotes, turned
 * around (src the quoted destination): only a flow the transport has may
 * claim it, not a rule for new ones.
 * @return true to deliver the packet to the transport as if it were ours.
 */
typedef bool (*net_claim_t)(struct tern_ctx *ctx, uint8_t family, const void *src,
			    const void *dst, uint16_t sport, uint16_t dport, bool quoted);

/* Per-context L4 error hook: an ICMP error quoting a packet of the protocol. */
struct net_icmp_err;
typedef void (*tern_l4_err_t)(struct tern_ctx *ctx, const struct net_icmp_err *e);

/* What the IP layer tells L4 about a received packet. */
struct tern_ip_info {
	uint8_t family;		/* 4 or 6 */
	uint8_t proto;
	uint8_t ttl;		/* TTL / hop limit as received */
	uint8_t bcast;		/* sent to a broadcast or multicast address */
	uint16_t ifindex;
	uint16_t l3_len;	/* IP header(s) length before the L4 data */
	uint16_t l4_len;	/* L4 bytes (header and payload) */
	/* not to one of our addresses: a transport's claim took it (net_ctx_set_claim()) */
	uint8_t transparent;
	union {
		struct {
			tern_ip4_t src;
			tern_ip4_t dst;
		} v4;
		struct {
			struct tern_ip6 src;
			struct tern_ip6 dst;
		} v6;
	};
};

/* A packet waiting for its next hop to resolve. */
struct tern_held {
	struct rte_mbuf *m;	/* complete but for the ethernet header */
	uint64_t deadline_ns;
	uint16_t ifindex;
	uint16_t ether_type;	/* host order */
	uint8_t family;
	uint8_t addr[16];
};

/* Packets to forward gathered before one route lookup for all (fwd.c). */
#define FWD_BATCH	64

/* Per-context net state. */
struct tern_net_ctx {
	struct tern_net *net;
	uint16_t ip4_id;
	/* ICMP error rate limit: a token bucket */
	uint64_t icmp_tokens_ns;	/* tokens held, as ns worth of rate */
	uint64_t icmp_last_ns;
	uint64_t icmp_ns_per_token;
	uint64_t icmp_burst_ns;
	/* the last neighbor used: entries never move, so a pointer stays valid */
	struct tern_neigh *last_neigh;
	/* packets held while resolving */
	uint32_t nb_held;
	struct tern_timer hold_timer;
	struct tern_ctx *ctx;		/* the context (for the hold timer) */
	struct tern_held held[TERN_NEIGH_HOLD_MAX];
	/*
	 * Packets of protocol claim_proto not addressed to us go to claim_fn
	 * first (NULL: none, the forwarding path's only test of it).
	 */
	net_claim_t claim_fn;
	uint8_t claim_proto;
	/* upper layers' inputs, by IP protocol number */
	tern_l4_input_t l4_input[256];
	/* their ICMP error handlers, by the quoted packet's protocol (icmp_err.c) */
	tern_l4_err_t l4_err[256];
	/* the path MTU cache (pmtu.c): allocated at the first report */
	struct net_pmtu_cache *pmtu;
	uint32_t pmtu_nb;
	uint32_t pmtu_gen;		/* bumped when an entry changes or ages out */
	uint64_t pmtu_timeout_ns;
	uint64_t pmtu_next_ns;		/* the first entry ages out then (UINT64_MAX: none) */
	/* IPv4/IPv6 reassembly state (frag.c) */
	struct tern_frag_ctx *frag;
	/* link and IP headers of destinations (dest.c) */
	uint16_t tmpl_tag;		/* the next dest's tag */
	struct net_tmpl_slot *tmpl;	/* NET_TMPL_CACHE slots */
	/*
	 * The headers of the last next hop that a packet of no dest went to
	 * (net_output_oneshot()): its addresses are rewritten for each. In
	 * the block of tmpl, behind its slots.
	 */
	struct net_oneshot_tmpl *oneshot;
	/* packets to forward, gathered over an input burst (fwd.c) */
	uint16_t nb_fwd4;
	uint16_t nb_fwd6;
	uint16_t fwd4_if[FWD_BATCH];	/* the interface each came in on */
	uint32_t fwd4_dst[FWD_BATCH];	/* its destination, host order (rte_lpm's) */
	uint16_t fwd6_if[FWD_BATCH];
	struct rte_mbuf *fwd4[FWD_BATCH];
	struct rte_mbuf *fwd6[FWD_BATCH];
};

#define TERN_NEIGH_HOLD_CHECK_NS	(10ULL * 1000 * 1000)	/* 10 ms */

static inline struct tern_net_ctx *
netc(struct tern_ctx *ctx)
{
	return ctx->net_ctx;
}

/* address and mbuf helpers */
/*
 * Cut packet @m to @len bytes (<= its length), across segments: the
 * segments past the cut are freed. rte_pktmbuf_trim() only shortens the
 * last segment.
 */
static inline void
pkt_cut(struct rte_mbuf *m, uint32_t len)
{
	struct rte_mbuf *seg = m, *rest;
	uint32_t left = len;
	uint16_t nb = 1;

	if (likely(m->next == NULL)) {
		m->data_len = (uint16_t)len;
		m->pkt_len = len;
		return;
	}
	while (left > seg->data_len && seg->next != NULL) {
		left -= seg->data_len;
		seg = seg->next;
		nb++;
	}
	seg->data_len = (uint16_t)left;
	rest = seg->next;
	seg->next = NULL;
	m->nb_segs = nb;
	m->pkt_len = len;
	rte_pktmbuf_free(rest);
}

/* IPv6 address helpers */
static inline bool
ip6_is_unspec(const struct tern_ip6 *a)
{
	static const struct tern_ip6 zero;

	return memcmp(a, &zero, sizeof(*a)) == 0;
}
static inline bool
ip6_is_multicast(const struct tern_ip6 *a)
{
	return a->a[0] == 0xff;
}
static inline bool
ip6_is_linklocal(const struct tern_ip6 *a)
{
	return a->a[0] == 0xfe && (a->a[1] & 0xc0) == 0x80;
}
static inline bool
ip6_eq(const struct tern_ip6 *a, const struct tern_ip6 *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/* ff02::1:ffXX:XXXX for @a */
static inline void
ip6_solicited_node(const struct tern_ip6 *a, struct tern_ip6 *out)
{
	memset(out, 0, sizeof(*out));
	out->a[0] = 0xff;
	out->a[1] = 0x02;
	out->a[11] = 0x01;
	out->a[12] = 0xff;
	out->a[13] = a->a[13];
	out->a[14] = a->a[14];
	out->a[15] = a->a[15];
}

/* 33:33:xx:xx:xx:xx for multicast @a */
static inline void
ip6_mcast_mac(const struct tern_ip6 *a, struct rte_ether_addr *mac)
{
	mac->addr_bytes[0] = 0x33;
	mac->addr_bytes[1] = 0x33;
	memcpy(&mac->addr_bytes[2], &a->a[12], 4);
}

/* net.c */
/* The net layer of a context (lib/stack adds it first). */
extern const struct ctx_layer_ops net_layer_ops;

/*
 * Deliver IP protocol @proto to @fn (UDP and TCP register at init; a test
 * may take a protocol over). @return 0, or -EINVAL without a net layer.
 */
int net_ctx_set_l4(struct tern_ctx *ctx, uint8_t proto, tern_l4_input_t fn);

/*
 * Hand the ICMP/ICMPv6 errors quoting a packet of @proto to @fn (NULL:
 * none, counted in drop_icmp_err_no_proto). @return 0, or -EINVAL without
 * a net layer.
 */
int net_ctx_set_l4_err(struct tern_ctx *ctx, uint8_t proto, tern_l4_err_t fn);

/*
 * Let @fn claim the packets of @proto (not fragmented, no IPv6 extension
 * header) that arrive for an address not ours, before forwarding decides
 * (NULL: stop). A claimed packet goes up with tern_ip_info.transparent set.
 * @return 0, or -EINVAL without a net layer.
 */
int net_ctx_set_claim(struct tern_ctx *ctx, uint8_t proto, net_claim_t fn);

/* Drop the path MTU entries that aged out (pmtu.c). */
void net_pmtu_age(struct tern_ctx *ctx);

/*
 * The path MTU cache's generation: it moves when an entry changes or ages
 * out, so a user that read the cache at one generation need not keep the
 * entry's deadline as well.
 */
static inline uint32_t
net_pmtu_gen(struct tern_ctx *ctx)
{
	struct tern_net_ctx *nc = ctx->net_ctx;

	if (unlikely(ctx->now_ns >= nc->pmtu_next_ns))
		net_pmtu_age(ctx);
	return nc->pmtu_gen;
}
bool iface_has_addr4(const struct tern_iface *ifp, tern_ip4_t a);
bool iface_has_addr6(const struct tern_iface *ifp, const struct tern_ip6 *a);
tern_ip4_t iface_src4(const struct tern_iface *ifp, tern_ip4_t dst);
const struct tern_ip6 *iface_src6(const struct tern_iface *ifp, const struct tern_ip6 *dst);
bool icmp_ratelimit_ok(struct tern_ctx *ctx);
void net_ctx_set_icmp_rate(struct tern_ctx *ctx, uint32_t rate, uint32_t burst);

/* route.c */
int route_init(struct tern_net *net);
void route_fini(struct tern_net *net);
/* Call @fn for every route (route_lock held: @fn must not change routes). */
void route_list(struct tern_net *net, void (*fn)(const struct net_route_ent *e,
					      const struct tern_nexthop *nh, void *arg), void *arg);

/* net_telemetry.c */
/* The net layer's part of a context's /tern/ctx/list entry (net_layer_ops.tel_info). */
void net_tel_info(const struct tern_ctx *ctx, struct rte_tel_data *d);

/* the net layer's files, each with its own header */
#include "net_cksum.h"
#include "net_eth.h"
#include "net_ip.h"
#include "net_frag.h"

#endif /* TERN_NET_PRIV_H */
