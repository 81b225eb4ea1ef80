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
	uint8_t pad;
	uint8_t addr[16];
	uint64_t lla;		/* MAC in bits 0..47, state in 48..55 */
	uint64_t confirmed_ns;	/* last confirmation of reachability */
	uint64_t probe_ns;	/* last request sent (any context) */
	uint32_t probes;	/* requests sent since the last confirmation */
	uint32_t seq;		/* odd while the key is being rewritten */
} __rte_aligned(64);

struct tern_nexthop {
	uint32_t refcnt;
	uint16_t ifindex;
	uint8_t family;
	uint8_t onlink;
	uint8_t gw[16];
};

struct tern_net {
	struct tern_net_param p;
	uint64_t tsc_base;		/* shared time base of every context */
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

	rte_spinlock_t neigh_lock;
	uint32_t neigh_mask;
	struct tern_neigh *neigh;
};

/* Per-context L4 input hook: @m's data starts at the L4 header. */
struct tern_ip_info;
typedef void (*tern_l4_input_t)(struct tern_ctx *ctx, struct rte_mbuf *m,
				const struct tern_ip_info *ip);

/* What the IP layer tells L4 about a received packet. */
struct tern_ip_info {
	uint8_t family;		/* 4 or 6 */
	uint8_t proto;
	uint8_t ttl;		/* TTL / hop limit as received */
	uint8_t bcast;		/* sent to a broadcast or multicast address */
	uint16_t ifindex;
	uint16_t l3_len;	/* IP header(s) length before the L4 data */
	uint16_t l4_len;	/* L4 bytes (header and payload) */
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
	struct tern_held held[TERN_NEIGH_HOLD_MAX];
	/* upper layers' inputs, by IP protocol number */
	tern_l4_input_t l4_input[256];
	/* IPv4/IPv6 reassembly state (frag.c) */
	struct tern_frag_ctx *frag;
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

/* net.c */
int net_ctx_init(struct tern_ctx *ctx);
int net_ctx_set_l4(struct tern_ctx *ctx, uint8_t proto, tern_l4_input_t fn);
bool iface_has_addr4(const struct tern_iface *ifp, tern_ip4_t a);
bool iface_has_addr6(const struct tern_iface *ifp, const struct tern_ip6 *a);
tern_ip4_t iface_src4(const struct tern_iface *ifp, tern_ip4_t dst);
const struct tern_ip6 *iface_src6(const struct tern_iface *ifp, const struct tern_ip6 *dst);
bool icmp_ratelimit_ok(struct tern_ctx *ctx);
void net_ctx_set_icmp_rate(struct tern_ctx *ctx, uint32_t rate, uint32_t burst);

/*
 * One's complement sum of @len bytes at @buf added to @sum: 64-bit words
 * added with their carries counted apart (add + adc, no spills, no vector
 * shuffles), then folded back below 2^33 so callers may add a few 32-bit
 * terms. By RFC 1071 the sum of wider words folds to the same 16-bit sum.
 * Host byte order, like rte_raw_cksum(); finish with cksum_fold64().
 */
static inline uint64_t
cksum_add_scalar(const void *buf, size_t len, uint64_t sum)
{
	const uint8_t *p = buf;
	uint64_t c = 0, v;
	uint32_t w;
	uint16_t h;

	while (len >= 16) {
		uint64_t a, b;

		memcpy(&a, p, 8);
		memcpy(&b, p + 8, 8);
		c += __builtin_add_overflow(sum, a, &sum);
		c += __builtin_add_overflow(sum, b, &sum);
		p += 16;
		len -= 16;
	}
	if (len >= 8) {
		memcpy(&v, p, 8);
		c += __builtin_add_overflow(sum, v, &sum);
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		memcpy(&w, p, 4);
		c += __builtin_add_overflow(sum, (uint64_t)w, &sum);
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&h, p, 2);
		c += __builtin_add_overflow(sum, (uint64_t)h, &sum);
		p += 2;
		len -= 2;
	}
	if (len)
		c += __builtin_add_overflow(sum, (uint64_t)*p, &sum);
	sum += c;
	sum += sum < c;				/* end-around carry */
	return (sum & 0xffffffff) + (sum >> 32);	/* < 2^33 */
}

/*
 * From this many bytes on, cksum_add() calls the vector sum (AVX2 when
 * the CPU has it, picked once at start-up; else the scalar loop above).
 */
#define TERN_CKSUM_VEC_MIN	128

/* cksum.c */
uint64_t cksum_add_long(const void *buf, size_t len, uint64_t sum);
uint64_t cksum_copy(void *dst, const void *src, size_t len, uint64_t sum);
bool cksum_vec_set(bool on);

/* The one's complement sum of @len bytes at @buf added to @sum (see cksum_add_scalar). */
static inline uint64_t
cksum_add(const void *buf, size_t len, uint64_t sum)
{
	if (len >= TERN_CKSUM_VEC_MIN)
		return cksum_add_long(buf, len, sum);
	return cksum_add_scalar(buf, len, sum);
}

/* Fold a 64-bit sum to 16 bits (not complemented). */
static inline uint16_t
cksum_fold64(uint64_t sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The IPv4 header checksum of @ih (@ihl bytes), field included as it is. */
static inline uint16_t
ip4_hdr_cksum(const void *ih, uint16_t ihl)
{
	return (uint16_t)~cksum_fold64(cksum_add(ih, ihl, 0));
}

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

/* cksum.c */
uint16_t cksum_mbuf_segs(const struct rte_mbuf *m, uint32_t off, uint32_t len,
			      uint32_t sum);

/*
 * The checksum field value for @len bytes of @m from @off plus @sum (a
 * pseudo-header), or 0 when verifying data whose checksum is right.
 * Inline for data within the first segment, the common case.
 */
static inline uint16_t
cksum_mbuf(const struct rte_mbuf *m, uint32_t off, uint32_t len, uint32_t sum)
{
	if (likely(off + len <= m->data_len))
		return (uint16_t)~cksum_fold64(cksum_add(
			rte_pktmbuf_mtod_offset(m, const uint8_t *, off), len, sum));
	return cksum_mbuf_segs(m, off, len, sum);
}
uint32_t cksum_phdr4(tern_ip4_t src, tern_ip4_t dst, uint8_t proto, uint32_t len);
uint32_t cksum_phdr6(const struct tern_ip6 *src, const struct tern_ip6 *dst, uint8_t proto,
			  uint32_t len);
uint16_t cksum_fold(uint32_t sum);

/* eth.c */
void eth_input(struct tern_ctx *ctx, uint16_t port, struct rte_mbuf **pkts, uint16_t n);
/* Prepend the ethernet (and VLAN) header to @m and queue it on @ifindex. */
void eth_output(struct tern_ctx *ctx, uint16_t ifindex, struct rte_mbuf *m,
		     const struct rte_ether_addr *dst, uint16_t ether_type);

/* neigh.c */
enum tern_neigh_state neigh_get(const struct tern_net *net, uint16_t ifindex, uint8_t family,
				     const void *addr, uint64_t now_ns, struct rte_ether_addr *mac);
/* Record a MAC for a neighbor. @confirm: reachable (reply) or only stale. */
int neigh_update(struct tern_net *net, uint16_t ifindex, uint8_t family, const void *addr,
		      const struct rte_ether_addr *mac, enum tern_neigh_state st, uint64_t now_ns,
		      bool create);
/* Update only if an entry exists. */
void neigh_refresh(struct tern_net *net, uint16_t ifindex, uint8_t family, const void *addr,
			const struct rte_ether_addr *mac, enum tern_neigh_state st, uint64_t now_ns);
/*
 * Send @m (IP packet, no ethernet header) to next hop @addr of @ifindex:
 * at once if resolved, else held while it resolves. Consumes @m.
 */
void neigh_output(struct tern_ctx *ctx, uint16_t ifindex, uint8_t family, const void *addr,
		       struct rte_mbuf *m, uint16_t ether_type);
/*
 * The link address of next hop @addr of @ifindex into @mac, if it can be
 * used as it is (REACHABLE or PERMANENT: no probe due, nothing to hold).
 * @return 0, or -EAGAIN: send through neigh_output().
 */
int neigh_resolved(struct tern_ctx *ctx, uint16_t ifindex, uint8_t family,
			const void *addr, struct rte_ether_addr *mac);
/* Send held packets for (ifindex, family, addr) now that it resolved. */
void neigh_release(struct tern_ctx *ctx, uint16_t ifindex, uint8_t family, const void *addr);
void neigh_ctx_fini(struct tern_ctx *ctx);
void neigh_hold_timer(struct tern_timer *t, void *arg);

/* eth.c */
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

/* ip4.c */
void ip4_input(struct tern_ctx *ctx, uint16_t ifindex, struct rte_mbuf *m);
/*
 * Prepend an IPv4 header to @m (data at L4) and send it, in fragments if it
 * is larger than the interface MTU (see ip4_fragment()). @src 0:
 * chosen from the outgoing interface. Consumes @m.
 * @return 0, -ENETUNREACH, -ENOMEM, -EMSGSIZE (above 65535 bytes).
 */
int ip4_output(struct tern_ctx *ctx, struct rte_mbuf *m, tern_ip4_t src, tern_ip4_t dst,
		    uint8_t proto, uint8_t ttl);

/* Broadcast on @ifp: limited, or the directed broadcast of one of its subnets. */
bool ip4_is_bcast(const struct tern_iface *ifp, tern_ip4_t a);

/* icmp4.c */
void icmp4_input(struct tern_ctx *ctx, struct rte_mbuf *m, const struct tern_ip_info *ip);
/* Send an ICMP error about @orig (data at its IPv4 header); @orig is not consumed. */
void icmp4_error(struct tern_ctx *ctx, const struct rte_mbuf *orig, uint8_t type,
		      uint8_t code);
/*
 * As icmp4_error(), from our address @from (a router's error about a packet
 * not addressed to it), @info in the 32 bits after the checksum (the
 * next-hop MTU of Fragmentation Needed). @return true if it was sent (not
 * suppressed by the rules of RFC 1122 or the rate limit).
 */
bool icmp4_error_src(struct tern_ctx *ctx, const struct rte_mbuf *orig, uint8_t type,
		     uint8_t code, uint32_t info, tern_ip4_t from);

/* ip6.c */
void ip6_input(struct tern_ctx *ctx, uint16_t ifindex, struct rte_mbuf *m);
/* ip4_output() with the route already looked up: @nh via @ifindex. */
int ip4_output_via(struct tern_ctx *ctx, struct rte_mbuf *m, tern_ip4_t src, tern_ip4_t dst,
			uint8_t proto, uint8_t ttl, uint16_t ifindex, tern_ip4_t nh);
/* An IPv6 header, no flow label; the payload length left to the caller. */
void ip6_hdr_fill(struct rte_ipv6_hdr *ih, const void *src, const void *dst,
		       uint8_t proto, uint8_t hlim);
/* ip6_output() with the route already looked up: @nh via @ifindex. */
int ip6_output_via(struct tern_ctx *ctx, uint16_t ifindex, const struct tern_ip6 *nh,
			struct rte_mbuf *m, const struct tern_ip6 *src,
			const struct tern_ip6 *dst, uint8_t proto, uint8_t hlim);
/*
 * The link and IP headers of a run of packets to one destination, written
 * once (ip_tmpl_init()) and copied in front of each packet
 * (ip_tmpl_output()): what software TSO sends for each piece.
 */
#define TERN_IP_TMPL_MAX	(RTE_ETHER_HDR_LEN + 4 + 40)

struct tern_ip_tmpl {
	uint16_t ifindex;
	uint8_t family;
	uint8_t l2_len;
	uint8_t hlen;			/* l2_len + the IP header */
	bool ip_cksum_sw;		/* IPv4 header checksum in software */
	uint64_t ol_flags;
	uint8_t hdr[TERN_IP_TMPL_MAX];
};

/*
 * Headers for packets of @proto from @src to @dst (4 or 16 bytes, by
 * @family) through next hop @nh of @ifindex, which must be resolved now.
 * @return 0, or -EAGAIN (the next hop is not usable as it is, or @dst is
 * not unicast): send through the IP output functions instead.
 */
int ip_tmpl_init(struct tern_ctx *ctx, struct tern_ip_tmpl *t, uint8_t family,
		      const void *src, const void *dst, uint8_t proto, uint16_t ifindex,
		      const void *nh);
/*
 * Send @m (data at its L4 header, no larger than the link MTU allows) with
 * the headers of @t: IP length, identification and header checksum set.
 * Consumes @m.
 */
void ip_tmpl_output(struct tern_ctx *ctx, const struct tern_ip_tmpl *t,
			 struct rte_mbuf *m);
/* Source address for @dst (0 if no route). */
tern_ip4_t ip4_src_select(struct tern_ctx *ctx, tern_ip4_t dst);
/* Source address for @dst into @src. @return 0 or -ENETUNREACH. */
int ip6_src_select(struct tern_ctx *ctx, const struct tern_ip6 *dst, struct tern_ip6 *src);
/*
 * As ip4_output(); @src NULL: chosen (only for callers whose L4
 * checksum does not cover it). @hlim 0: default.
 */
int ip6_output(struct tern_ctx *ctx, struct rte_mbuf *m, const struct tern_ip6 *src,
		    const struct tern_ip6 *dst, uint8_t proto, uint8_t hlim);
/* Send on @ifindex to a link-local or multicast @dst, without a route. */
int ip6_output_if(struct tern_ctx *ctx, uint16_t ifindex, struct rte_mbuf *m,
		       const struct tern_ip6 *src, const struct tern_ip6 *dst, uint8_t proto,
		       uint8_t hlim);

/* icmp6.c */
void icmp6_input(struct tern_ctx *ctx, struct rte_mbuf *m, const struct tern_ip_info *ip);
void icmp6_error(struct tern_ctx *ctx, const struct rte_mbuf *orig, uint8_t type,
		      uint8_t code, uint32_t info);
/* As icmp6_error(), from our address @from. @return true if it was sent. */
bool icmp6_error_src(struct tern_ctx *ctx, const struct rte_mbuf *orig, uint8_t type,
		     uint8_t code, uint32_t info, const struct tern_ip6 *from);
int nd_solicit(struct tern_ctx *ctx, uint16_t ifindex, const struct tern_ip6 *target);
int nd_advertise_unsolicited(struct tern_ctx *ctx, uint16_t ifindex,
				  const struct tern_ip6 *addr);

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

/* fwd.c: forwarding of packets not for us (tern_net_forward_set()) */
/*
 * IPv4 packet @m (data at its header, checked by ip4_input()) came in on
 * @ifindex, forwarding on, for an address not ours: check it (RFC 1812),
 * answer an expired TTL, or gather it for fwd_flush(). Consumes @m.
 */
void fwd4_input(struct tern_ctx *ctx, uint16_t ifindex, struct rte_mbuf *m);
/* The same for IPv6 (RFC 8200, RFC 4291 2.5.6). */
void fwd6_input(struct tern_ctx *ctx, uint16_t ifindex, struct rte_mbuf *m);
/*
 * Forward what fwd4_input() and fwd6_input() gathered: one route lookup
 * for all, then TTL, MTU and next hop for each, queued on the output
 * ports. Called at the end of each input burst.
 */
void fwd_flush(struct tern_ctx *ctx);

/* The bit of @a in tern_net.local4_bloom: the top 6 bits of a multiplicative hash. */
static inline uint64_t
fwd_local4_bit(tern_ip4_t a)
{
	return 1ULL << ((uint32_t)(a * 0x9e3779b1u) >> 26);
}

/*
 * RFC 1624 eqn. 3: the checksum @hc of data in which the 16-bit word @old
 * became @new (all three as they are in the packet).
 */
static inline uint16_t
cksum_update16(uint16_t hc, uint16_t old, uint16_t new)
{
	uint32_t s = (uint32_t)(uint16_t)~hc + (uint16_t)~old + new;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* route.c */
int route_init(struct tern_net *net);
void route_fini(struct tern_net *net);

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

#endif /* TERN_NET_PRIV_H */
