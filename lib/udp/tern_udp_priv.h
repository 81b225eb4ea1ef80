/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_UDP_PRIV_H
#define TERN_UDP_PRIV_H

/* Internal view of the UDP layer. Not installed. */

#include <stdbool.h>
#include <stdint.h>

#include <rte_udp.h>

#include <tern/tern_udp.h>

#include "tern_net_priv.h"

#define UDP_EPHEMERAL_LO	49152
#define UDP_EPHEMERAL_HI	65535
#define UDP_DEF_RXQ		1024
/* Headroom a datagram needs: UDP, IP, Ethernet and a VLAN tag. */
#define UDP_HEADROOM(family)	(sizeof(struct rte_udp_hdr) + \
				 ((family) == 4 ? 20 : 40) + RTE_ETHER_HDR_LEN + 4)

struct tern_udp_stream {
	struct tern_ctx *ctx;
	struct tern_udp_stream *next;		/* same local port */
	struct tern_udp_stream *all_next;	/* every stream of the context */
	struct tern_udp_stream **all_pprev;
	struct tern_sockaddr local;
	struct tern_sockaddr remote;
	bool connected;
	bool local_any;
	bool readable_posted;
	bool want_writable;	/* a send found the device queue full */
	int32_t err;		/* an ICMP hard error for the next call (udp_icmp.c) */
	bool sock_peer_set;	/* the sock layer's connected peer (udp_sock.c) */
	struct tern_sockaddr sock_peer;
	uint64_t udata;
	uint32_t rxq_mask;
	uint32_t rxq_head;
	uint32_t rxq_tail;
	struct rte_mbuf **rxq;
	/*
	 * The route of the last destination sent to (udp_output.c), with its
	 * headers in the context's template cache: an echo or a connected
	 * stream sends to one address again and again. family 0: none.
	 */
	struct net_dest dest;
	union net_addr dest_addr;
	union net_addr dest_src;	/* a wildcard-bound stream's source address to it */
	bool dest_unicast;	/* the headers may be reused (not a broadcast or multicast) */
	/*
	 * Sent to once only so far: no headers kept yet. A server answering
	 * many peers in turn then costs what it did before (the per-packet
	 * path) and takes no slot of the context's template cache.
	 */
	bool dest_once;
};

/* Per-context UDP state: streams by local port, per family. */
struct tern_udp_ctx {
	struct tern_udp_stream *all;
	uint32_t nb_want_writable;
	uint16_t next_ephemeral;
	struct tern_udp_stream *port4[65536];
	struct tern_udp_stream *port6[65536];
};

static inline struct tern_udp_ctx *
udpc(const struct tern_ctx *ctx)
{
	return ctx->udp_ctx;
}

/* udp_stream.c */
/* The UDP layer of a context (added by lib/stack). */
extern const struct ctx_layer_ops udp_layer_ops;
/* udp_lookup() past its common case: the best of several streams on a port. */
struct tern_udp_stream *udp_lookup_scan(struct tern_udp_stream *s,
					const struct tern_ip_info *ip, uint16_t sport);

/*
 * The stream datagram (@ip, @sport, @dport) goes to, or NULL: the most
 * specific of the streams on @dport (connected beats bound beats wildcard).
 * The common case, one unconnected wildcard stream on the port, is inline.
 */
static inline struct tern_udp_stream *
udp_lookup(const struct tern_udp_ctx *uc, const struct tern_ip_info *ip, uint16_t sport,
	   uint16_t dport)
{
	struct tern_udp_stream *s = ip->family == 4 ? uc->port4[rte_be_to_cpu_16(dport)] :
		uc->port6[rte_be_to_cpu_16(dport)];

	if (likely(s != NULL && s->next == NULL && !s->connected && s->local_any))
		return s;
	return s == NULL ? NULL : udp_lookup_scan(s, ip, sport);
}

/* udp_icmp.c */
/* The UDP layer's ICMP error handler (net_ctx_set_l4_err()). */
void udp_icmp_err(struct tern_ctx *ctx, const struct net_icmp_err *e);

/* The pending ICMP error of @s, cleared: reported once. @return it or 0. */
static inline int
udp_take_err(struct tern_udp_stream *s)
{
	int err = s->err;

	s->err = 0;
	return err;
}

/* udp_input.c */
void udp_input(struct tern_ctx *ctx, struct rte_mbuf *m, const struct tern_ip_info *ip);

#endif /* TERN_UDP_PRIV_H */
