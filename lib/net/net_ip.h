/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_NET_IP_H
#define TERN_NET_IP_H

/*
 * IPv4, IPv6 and ICMP (lib/net/ip4.c, icmp4.c, ip6.c, icmp6.c) and the
 * destinations resolved once by senders (lib/net/dest.c).
 * Included by tern_net_priv.h; not installed.
 */

/* ip4.c */
/* Broadcast on @ifp: limited, or the directed broadcast of one of its subnets. */
bool ip4_is_bcast(const struct tern_iface *ifp, tern_ip4_t a);
void ip4_input(struct tern_ctx *ctx, uint16_t ifindex, struct rte_mbuf *m);

/*
 * Prepend an IPv4 header to @m (data at L4) and send it, in fragments if it
 * is larger than the interface MTU (see ip4_fragment()). @src 0:
 * chosen from the outgoing interface. Consumes @m.
 * @return 0, -ENETUNREACH, -ENOMEM, -EMSGSIZE (above 65535 bytes).
 */
int ip4_output(struct tern_ctx *ctx, struct rte_mbuf *m, tern_ip4_t src, tern_ip4_t dst,
		    uint8_t proto, uint8_t ttl);

/* ip4_output() with the route already looked up: @nh via @ifindex. */
int ip4_output_via(struct tern_ctx *ctx, struct rte_mbuf *m, tern_ip4_t src, tern_ip4_t dst,
			uint8_t proto, uint8_t ttl, uint16_t ifindex, tern_ip4_t nh);

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
	uint16_t ip4_sum;		/* of the IPv4 header as in hdr (length, id 0) */
	uint16_t mtu;			/* the interface's */
	uint64_t ol_flags;
	uint64_t until_ns;		/* the next hop's address is good until then */
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

/* An IPv6 header, no flow label; the payload length left to the caller. */
void ip6_hdr_fill(struct rte_ipv6_hdr *ih, const void *src, const void *dst,
		       uint8_t proto, uint8_t hlim);

/* ip6_output() with the route already looked up: @nh via @ifindex. */
int ip6_output_via(struct tern_ctx *ctx, uint16_t ifindex, const struct tern_ip6 *nh,
			struct rte_mbuf *m, const struct tern_ip6 *src,
			const struct tern_ip6 *dst, uint8_t proto, uint8_t hlim);

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

/* dest.c */
/*
 * A destination resolved once and kept by its user (a TCP connection, as
 * TLDK keeps one per stream): the route's interface and next hop, and the
 * link and IP headers of its packets while the next hop's link address is
 * known good. net_dest_output() checks it against the network's route and
 * neighbor generations and the neighbor's REACHABLE time at each send, and
 * resolves again what changed. The IPv4/IPv6 fork of a sender lives here.
 *
 * The headers are not in the dest: they sit in the context's template
 * cache (NET_TMPL_CACHE entries, the slot picked by the dest's tag), so an
 * idle connection costs 24 bytes for its destination, not a hundred; a
 * dest whose slot another took builds its headers again.
 */
union net_addr {
	tern_ip4_t ip4;
	struct tern_ip6 ip6;
	uint8_t a[16];
};
struct net_dest {
	uint32_t route_gen;		/* net->route_gen when the route was looked up */
	uint16_t tag;			/* its template slot and owner mark */
	uint16_t ifindex;
	uint8_t family;
	uint8_t proto;
	union net_addr nh;		/* next hop */
};

#define NET_TMPL_CACHE	1024		/* template slots per context, a power of 2 */

/* A slot of the template cache: the headers of the dest that owns it. */
struct net_tmpl_slot {
	const struct net_dest *owner;
	uint16_t tag;
	uint32_t route_gen;
	uint32_t neigh_gen;
	struct tern_ip_tmpl tmpl;
};

/*
 * Is @t, which net_dest_tmpl(@d) gave, still @d's? A sender that keeps @t
 * across several packets asks before each: a flush in between may run a
 * virtual device's tx callback that feeds this context, and what that
 * sends may take the slot.
 */
static inline bool
net_tmpl_slot_ours(const struct net_tmpl_slot *e, const struct net_dest *d)
{
	return e->owner == d && e->tag == d->tag;
}

static inline bool
net_dest_tmpl_ours(const struct net_dest *d, const struct tern_ip_tmpl *t)
{
	return net_tmpl_slot_ours(container_of(t, const struct net_tmpl_slot, tmpl), d);
}

/*
 * The headers of one next hop for packets that belong to no dest (replies
 * of a listener, resets): struct tern_ip_tmpl with the next hop and the
 * generations it was built under. @ok: it was built.
 */
struct net_oneshot_tmpl {
	bool ok;
	uint8_t proto;
	uint32_t route_gen;
	uint32_t neigh_gen;
	union net_addr nh;
	struct tern_ip_tmpl tmpl;
};

/*
 * The route to @dst (@family 4 or 6; 4 or 16 bytes): its interface into
 * @ifindex and next hop into @nh. @return 0 or -ENETUNREACH.
 */
static inline int
net_route_lookup(const struct tern_net *net, uint8_t family, const void *dst,
		 uint16_t *ifindex, union net_addr *nh)
{
	tern_ip4_t d4;

	if (family == 6)
		return tern_net_route6_lookup(net, dst, ifindex, &nh->ip6);
	memcpy(&d4, dst, 4);
	return tern_net_route4_lookup(net, d4, ifindex, &nh->ip4);
}

/*
 * Resolve the route of @d, packets of @proto to @dst: @return 0 or
 * -ENETUNREACH. The headers are built on the first send.
 */
int net_dest_init(struct tern_ctx *ctx, struct net_dest *d, uint8_t family,
		  const void *dst, uint8_t proto);

/*
 * Send @m (data at its L4 header) from @src to @dst (@d's family, 4 or 16
 * bytes each) through @d: with its headers when they are still good,
 * else through the IP output (which resolves the next hop, holds, or
 * fragments as needed). Consumes @m. @return 0, -ENETUNREACH (the route is
 * gone: counted in drop_ip4/6_noroute), or the IP output's error.
 */
int net_dest_output(struct tern_ctx *ctx, struct net_dest *d, const void *src,
		    const void *dst, struct rte_mbuf *m);

/*
 * Send @m (data at its L4 header) of @proto from @src to @dst (4 or 16 bytes
 * each, by @family) through next hop @nh of @ifindex: the IP output of
 * either family, for senders that looked the route up themselves.
 */
static inline int
net_output_via(struct tern_ctx *ctx, uint8_t family, uint16_t ifindex,
	       const union net_addr *nh, const void *src, const void *dst, uint8_t proto,
	       struct rte_mbuf *m)
{
	tern_ip4_t s4, d4;

	if (family == 6)
		return ip6_output_via(ctx, ifindex, &nh->ip6, m, src, dst, proto, 0);
	memcpy(&s4, src, 4);
	memcpy(&d4, dst, 4);
	return ip4_output_via(ctx, m, s4, d4, proto, 0, ifindex, nh->ip4);
}

/*
 * net_output_via() for a packet that belongs to no dest (a listener's
 * SYN-ACK, a reset), through the context's one-shot template: when the
 * last such packet went to the same next hop of the same interface and
 * neither a route nor a neighbor changed since (nor the next hop's
 * REACHABLE time ended), its link header is copied instead of looked up,
 * and the IP header is the template's with @src and @dst written in. The
 * bytes sent are those of net_output_via(). Otherwise (a next hop not
 * resolved, a broadcast or multicast @dst, a packet too big for the link)
 * net_output_via() itself. Consumes @m. @return as net_output_via().
 */
int net_output_oneshot(struct tern_ctx *ctx, uint8_t family, uint16_t ifindex,
		       const union net_addr *nh, const void *src, const void *dst,
		       uint8_t proto, struct rte_mbuf *m);

/*
 * @d's headers for packets from @src to @dst, built again if the route or
 * the next hop changed. @return the template, or NULL: use net_dest_output().
 */
const struct tern_ip_tmpl *net_dest_tmpl(struct tern_ctx *ctx, struct net_dest *d,
					 const void *src, const void *dst);

/* icmp_err.c */
/*
 * An ICMP or ICMPv6 error, checked by the net layer (RFC 5927 4.1: the
 * quoted IP header whole with 8 bytes of L4 after it, a first fragment,
 * our own address as its source) and handed to the transport of the
 * quoted protocol (net_ctx_set_l4_err()). The transport checks that the
 * flow is its own. Addresses and ports are as quoted: local is the source
 * of the packet we sent, remote its destination.
 */
#define NET_ICMP_ERR_SOFT	0	/* may pass (RFC 1122 4.2.3.9): reported on a timeout */
#define NET_ICMP_ERR_HARD	1	/* port/protocol unreachable, admin. prohibited */
#define NET_ICMP_ERR_PMTU	2	/* Fragmentation Needed / Packet Too Big: ->mtu */

struct net_icmp_err {
	uint8_t family;			/* 4 or 6 */
	uint8_t kind;			/* NET_ICMP_ERR_* */
	uint8_t type;			/* as received */
	uint8_t code;
	uint8_t proto;			/* of the quoted packet */
	uint8_t l4_len;			/* bytes in l4[]: 8 */
	uint16_t mtu;			/* PMTU: the next-hop MTU (RFC 1191 plateau if 0) */
	uint16_t quoted_len;		/* the quoted packet's IP length, by its header */
	uint16_t lport;			/* network order */
	uint16_t rport;
	int err;			/* the negative errno it stands for */
	union net_addr laddr;		/* ours: the quoted source */
	union net_addr raddr;		/* the quoted destination */
	uint8_t l4[8];			/* the first bytes of the quoted L4 header */
};

/* ICMP error @m (data at the ICMP header, not consumed): checked, to the transport. */
void icmp4_err_input(struct tern_ctx *ctx, const struct rte_mbuf *m,
		     const struct tern_ip_info *ip);
/* The same for ICMPv6 error messages (types below 128). */
void icmp6_err_input(struct tern_ctx *ctx, const struct rte_mbuf *m,
		     const struct tern_ip_info *ip);

/* pmtu.c: the path MTU cache (RFC 1191, RFC 8201), per context */
#define NET_PMTU_MIN4		552	/* floor for IPv4 (Linux's min_pmtu) */
#define NET_PMTU_MIN6		1280	/* RFC 8200 5 */
/* RFC 1191 6.3: an entry ages out after 10 minutes */
#define NET_PMTU_TIMEOUT_NS	(600ULL * 1000 * 1000 * 1000)

/* The floor of @family's path MTU. */
uint16_t net_pmtu_floor(uint8_t family);

/*
 * The path MTU kept for @dst (4 or 16 bytes by @family), or 0: none (the
 * link's). *@until_ns (if not NULL): when it ages out (UINT64_MAX without one). An entry
 * found aged out is dropped here (nc->pmtu_gen moves).
 */
uint16_t net_pmtu_get(struct tern_ctx *ctx, uint8_t family, const void *dst,
		      uint64_t *until_ns);

/*
 * A report that the path to @dst takes at most @mtu bytes: kept, raised to
 * the floor, if below what is kept; its age restarts. nc->pmtu_gen moves
 * when the value changes. @return the path MTU now kept (> 0), -EINVAL,
 * -ENOMEM.
 */
int net_pmtu_update(struct tern_ctx *ctx, uint8_t family, const void *dst, uint32_t mtu);

/* Age of the entries from now on (0: NET_PMTU_TIMEOUT_NS). */
void net_pmtu_set_timeout(struct tern_ctx *ctx, uint64_t ns);
void net_pmtu_fini(struct tern_ctx *ctx);

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

#endif /* TERN_NET_IP_H */
