/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "tern_udp_priv.h"

/*
 * UDP output. The checksum is left to the device when the outgoing
 * interface offers it and the datagram leaves in one piece; otherwise it is
 * computed here (a fragmented datagram's checksum covers every fragment).
 */

/* Fill the UDP header at @m's data and its checksum (offloaded or not). */
static void
udp_finish(struct tern_ctx *ctx, struct rte_mbuf *m, const struct tern_sockaddr *src,
	   const struct tern_sockaddr *dst, uint16_t ulen, const struct tern_iface *ifp)
{
	struct rte_udp_hdr *uh = rte_pktmbuf_mtod(m, struct rte_udp_hdr *);
	uint16_t iphlen = dst->family == 4 ? sizeof(struct rte_ipv4_hdr) :
		sizeof(struct rte_ipv6_hdr);
	uint32_t phdr;

	uh->src_port = src->port;
	uh->dst_port = dst->port;
	uh->dgram_len = rte_cpu_to_be_16(ulen);
	phdr = dst->family == 4 ? cksum_phdr4(src->ip4, dst->ip4, IPPROTO_UDP, ulen) :
		cksum_phdr6(&src->ip6, &dst->ip6, IPPROTO_UDP, ulen);
	m->l4_len = sizeof(*uh);
	/* The device sums it only for a datagram that leaves in one piece. */
	if ((ifp->dev->caps & TERN_CAP_TX_UDP_CKSUM) && (uint32_t)ulen + iphlen <= ifp->mtu) {
		uh->dgram_cksum = cksum_fold(phdr);
		m->ol_flags |= RTE_MBUF_F_TX_UDP_CKSUM;
		TERN_STAT_INC(ctx, udp_cksum_tx_hw);
	} else {
		uh->dgram_cksum = 0;
		uh->dgram_cksum = cksum_mbuf(m, 0, ulen, phdr);
		if (uh->dgram_cksum == 0)
			uh->dgram_cksum = 0xffff;	/* 0 means "none" */
		TERN_STAT_INC(ctx, udp_cksum_tx_sw);
	}
}

/*
 * @s's route to @dst: the one kept from the last send if it is for the same
 * address and no route changed since, else looked up (net_dest_init()).
 * @return 0 or -ENETUNREACH.
 */
static int
udp_dest(struct tern_udp_stream *s, const struct tern_sockaddr *dst)
{
	struct tern_ctx *ctx = s->ctx;
	struct net_dest *d = &s->dest;
	uint32_t gen = __atomic_load_n(&ctx->net->route_gen, __ATOMIC_ACQUIRE);
	bool same = dst->family == 4 ? s->dest_addr.ip4 == dst->ip4 :
		memcmp(&s->dest_addr.ip6, &dst->ip6, 16) == 0;
	int ret;

	if (likely(same && d->family == dst->family && d->route_gen == gen))
		return 0;
	ret = net_dest_init(ctx, d, dst->family, &dst->ip4, IPPROTO_UDP);
	if (unlikely(ret != 0)) {
		d->family = 0;
		return ret;
	}
	memcpy(s->dest_addr.a, &dst->ip4, dst->family == 4 ? 4 : 16);
	/* the source address follows the route (an address added moves route_gen) */
	if (dst->family == 4)
		s->dest_src.ip4 = iface_src4(&ctx->net->ifaces[d->ifindex], d->nh.ip4);
	else
		s->dest_src.ip6 = *iface_src6(&ctx->net->ifaces[d->ifindex], &dst->ip6);
	s->dest_once = true;
	if (dst->family == 4)
		s->dest_unicast = dst->ip4 != UINT32_MAX &&
			(((const uint8_t *)&dst->ip4)[0] & 0xf0) != 0xe0 &&
			!(d->nh.ip4 == dst->ip4 && ip4_is_bcast(&ctx->net->ifaces[d->ifindex],
								 dst->ip4));
	else
		s->dest_unicast = dst->ip6.a[0] != 0xff;
	return 0;
}

/* Send one payload @m from @s to @dst. On error @m still belongs to the caller. */
static int
udp_send_one(struct tern_udp_stream *s, struct rte_mbuf *m, const struct tern_sockaddr *dst)
{
	struct tern_ctx *ctx = s->ctx;
	const struct tern_iface *ifp;
	struct tern_sockaddr src;
	union net_addr nh;
	uint16_t ifindex;
	uint32_t ulen;
	int ret;

	if (unlikely(dst->family != s->local.family))
		return -EAFNOSUPPORT;
	if (unlikely(dst->port == 0))
		return -EINVAL;
	ulen = m->pkt_len + sizeof(struct rte_udp_hdr);
	if (unlikely(m->pkt_len > TERN_UDP_MAX_PAYLOAD ||
		     (dst->family == 6 && ulen > UINT16_MAX))) {
		TERN_STAT_INC(ctx, drop_udp_too_big);
		return -EMSGSIZE;
	}
	/* Room for every header in front, or nothing is sent at all. */
	if (unlikely(rte_pktmbuf_headroom(m) < UDP_HEADROOM(dst->family)))
		return -ENOBUFS;
	/* the route: kept from the last datagram to the same address */
	ret = udp_dest(s, dst);
	if (unlikely(ret != 0)) {
		TERN_STAT_INC(ctx, drop_udp_noroute);
		return -ENETUNREACH;
	}
	ifindex = s->dest.ifindex;
	nh = s->dest.nh;
	/* The device queue full: keep the datagram, say so, wake up later. */
	if (unlikely(!ctx_tx_room(ctx, ifindex))) {
		if (!s->want_writable) {
			s->want_writable = true;
			udpc(ctx)->nb_want_writable++;
		}
		return -ENOBUFS;
	}
	ifp = &ctx->net->ifaces[ifindex];
	src = s->local;
	if (s->local_any) {		/* kept by udp_dest() */
		if (dst->family == 4)
			src.ip4 = s->dest_src.ip4;
		else
			src.ip6 = s->dest_src.ip6;
	}
	rte_pktmbuf_prepend(m, sizeof(struct rte_udp_hdr));
	udp_finish(ctx, m, &src, dst, (uint16_t)ulen, ifp);
	TERN_STAT_INC(ctx, udp_out);
	if (likely(s->dest_unicast && !s->dest_once)) {
		net_dest_output(ctx, &s->dest, &src.ip4, &dst->ip4, m);	/* its headers, kept */
	} else {
		/* the first datagram to an address, a broadcast, a multicast */
		s->dest_once = false;
		net_output_via(ctx, dst->family, ifindex, &nh, &src.ip4, &dst->ip4, IPPROTO_UDP,
			       m);
	}
	return 0;
}

/* Send @n datagrams to @dst, or to @dst[i] each when @each; stop at the first refusal. */
static uint16_t
udp_send_n(struct tern_udp_stream *s, struct rte_mbuf **pkts, uint16_t n,
	   const struct tern_sockaddr *dst, bool each)
{
	uint16_t i;
	int ret;

	if (unlikely(s->err != 0) && n > 0) {
		rte_errno = -udp_take_err(s);	/* an ICMP error came since the last call */
		return 0;
	}
	for (i = 0; i < n; i++) {
		ret = udp_send_one(s, pkts[i], each ? &dst[i] : dst);
		if (unlikely(ret != 0)) {
			rte_errno = -ret;
			break;
		}
	}
	return i;
}

uint16_t
tern_udp_send_burst(struct tern_udp_stream *s, struct rte_mbuf **pkts, uint16_t n,
		    const struct tern_sockaddr *dst)
{
	if (dst == NULL) {
		if (!s->connected) {
			rte_errno = EDESTADDRREQ;
			return 0;
		}
		dst = &s->remote;
	}
	return udp_send_n(s, pkts, n, dst, false);
}

uint16_t
tern_udp_sendv_burst(struct tern_udp_stream *s, struct rte_mbuf **pkts, uint16_t n,
		     const struct tern_sockaddr *dst)
{
	if (dst == NULL) {
		rte_errno = EINVAL;
		return 0;
	}
	return udp_send_n(s, pkts, n, dst, true);
}

/*
 * The common case of a reply: IPv4, to the address the last datagram went
 * to, whose route and headers (s->dest and its template) are kept. What
 * belongs to the stream (its family, the kept destination's kind and route
 * generation, the source address) is read once per run of datagrams
 * (reply_run_init()), again after any datagram that took the general path;
 * what belongs to the datagram is checked for each. Anything else (another
 * address, the first datagram to one, a full device queue, too big for the
 * link) goes through udp_send_one().
 */
struct reply_run {
	const struct tern_ip_tmpl *t;	/* found for dst4 at the run's first datagram */
	struct tern_sockaddr src;
	tern_ip4_t dst4;		/* the kept destination */
	bool ok;			/* the stream and its kept destination allow the fast path */
};

static inline void
reply_run_init(struct tern_udp_stream *s, struct reply_run *r)
{
	const struct tern_ctx *ctx = s->ctx;

	r->t = NULL;
	r->ok = s->local.family == 4 && s->dest.family == 4 && s->dest_unicast &&
		!s->dest_once &&
		s->dest.route_gen == __atomic_load_n(&ctx->net->route_gen, __ATOMIC_ACQUIRE);
	if (!r->ok)
		return;
	r->dst4 = s->dest_addr.ip4;
	r->src = s->local;
	if (s->local_any)
		r->src.ip4 = s->dest_src.ip4;
}

/*
 * @return true if @m went out. @echo: @m's data is as received
 * (tern_udp_echo_burst()): the reply keeps the request's UDP checksum where
 * it covers the same words.
 */
static inline bool
udp_reply4_fast(struct tern_udp_stream *s, struct rte_mbuf *m, struct reply_run *r, bool echo)
{
	struct tern_ctx *ctx = s->ctx;
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_udp_hdr *ruh;
	const struct rte_ipv4_hdr *rih;
	struct tern_sockaddr dst;
	uint32_t ulen;

	if (!r->ok ||
	    (m->packet_type & (RTE_PTYPE_L3_MASK | RTE_PTYPE_L4_MASK)) !=
	    (RTE_PTYPE_L3_IPV4_EXT_UNKNOWN | RTE_PTYPE_L4_UDP) ||
	    m->l4_len != sizeof(*ruh) || m->l3_len < sizeof(*rih) ||
	    rte_pktmbuf_headroom(m) < UDP_HEADROOM(4) ||
	    rte_pktmbuf_headroom(m) < (uint32_t)m->l4_len + m->l3_len)
		return false;
	ruh = (const struct rte_udp_hdr *)(d - sizeof(*ruh));
	rih = (const struct rte_ipv4_hdr *)(d - sizeof(*ruh) - m->l3_len);
	dst.ip4 = rih->src_addr;
	dst.port = ruh->src_port;
	ulen = m->pkt_len + sizeof(struct rte_udp_hdr);
	if (dst.ip4 != r->dst4 || dst.port == 0 || m->pkt_len > TERN_UDP_MAX_PAYLOAD)
		return false;
	if (unlikely(ctx->ports[s->dest.ifindex].tx_n >= TERN_TX_BUF)) {
		if (!ctx_tx_room(ctx, s->dest.ifindex))
			return false;
		/*
		 * The port was flushed: a virtual device's tx callback may have
		 * fed this context, and what that sent may have taken the
		 * template's slot. (With room, nothing below flushes.)
		 */
		if (r->t != NULL && !net_dest_tmpl_ours(&s->dest, r->t))
			r->t = NULL;
	}
	dst.family = 4;
	if (r->t == NULL) {
		r->t = net_dest_tmpl(ctx, &s->dest, &r->src.ip4, &r->dst4);
		if (r->t == NULL)
			return false;
	}
	if (ulen + r->t->hlen - r->t->l2_len > r->t->mtu)
		return false;
	/*
	 * An echo: the same addresses, ports, length and data, swapped places
	 * in the sum, so the same checksum (0, none, stays none). Not when the
	 * device said the field holds a partial sum (L4_CKSUM_NONE).
	 */
	echo = echo && rih->dst_addr == r->src.ip4 && ruh->dst_port == r->src.port &&
		ruh->dgram_len == rte_cpu_to_be_16((uint16_t)ulen) &&
		(m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) != RTE_MBUF_F_RX_L4_CKSUM_NONE;
	/* Received flags must not read as transmit requests (as below). */
	m->ol_flags &= RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL;
	m->packet_type = 0;
	if (echo) {
		/* the request's header, in place: only the ports change */
		struct rte_udp_hdr *uh =
			(struct rte_udp_hdr *)rte_pktmbuf_prepend(m, sizeof(*uh));

		uh->dst_port = dst.port;
		uh->src_port = r->src.port;
		m->l4_len = sizeof(*uh);
		TERN_STAT_INC(ctx, udp_cksum_tx_kept);
	} else {
		rte_pktmbuf_prepend(m, sizeof(struct rte_udp_hdr));
		udp_finish(ctx, m, &r->src, &dst, (uint16_t)ulen,
			   &ctx->net->ifaces[s->dest.ifindex]);
	}
	TERN_STAT_INC(ctx, udp_out);
	ip_tmpl_output(ctx, r->t, m);
	return true;
}

static inline uint16_t
udp_reply_n(struct tern_udp_stream *s, struct rte_mbuf **pkts, uint16_t n, bool echo)
{
	struct reply_run r;
	struct tern_sockaddr dst;
	uint32_t ptype;
	uint64_t ol;
	uint16_t i;
	int ret;

	reply_run_init(s, &r);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (likely(udp_reply4_fast(s, m, &r, echo)))
			continue;
		ret = tern_udp_pkt_src(m, &dst);
		if (unlikely(ret != 0)) {
			rte_errno = -ret;
			break;
		}
		/*
		 * Received flags must not read as transmit requests; what says
		 * how the buffer is owned (indirect, external) must stay.
		 */
		ol = m->ol_flags;
		ptype = m->packet_type;
		m->ol_flags &= RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL;
		m->packet_type = 0;
		ret = udp_send_one(s, m, &dst);
		/* it may have changed s->dest: read the stream again */
		reply_run_init(s, &r);
		if (unlikely(ret != 0)) {
			/* still the caller's, as received: it may try again */
			m->ol_flags = ol;
			m->packet_type = ptype;
			rte_errno = -ret;
			break;
		}
	}
	return i;
}

uint16_t
tern_udp_reply_burst(struct tern_udp_stream *s, struct rte_mbuf **pkts, uint16_t n)
{
	return udp_reply_n(s, pkts, n, false);
}

uint16_t
tern_udp_echo_burst(struct tern_udp_stream *s, struct rte_mbuf **pkts, uint16_t n)
{
	return udp_reply_n(s, pkts, n, true);
}

ssize_t
tern_udp_sendto(struct tern_udp_stream *s, const void *buf, size_t len,
		const struct tern_sockaddr *dst)
{
	struct rte_mbuf *head = NULL, *tail = NULL, *m;
	const uint8_t *p = buf;
	size_t left = len;
	int ret;

	if (unlikely(s->err != 0))
		return udp_take_err(s);	/* an ICMP error came since the last call */
	if (dst == NULL) {
		if (!s->connected)
			return -EDESTADDRREQ;
		dst = &s->remote;
	}
	if (len > TERN_UDP_MAX_PAYLOAD) {
		TERN_STAT_INC(s->ctx, drop_udp_too_big);
		return -EMSGSIZE;
	}
	/* Copy into a chain; the first segment keeps its headroom for headers. */
	do {
		uint16_t room, chunk;
		char *d;

		m = ctx_alloc_mbuf(s->ctx);
		if (m == NULL) {
			rte_pktmbuf_free(head);
			return -ENOBUFS;
		}
		if (head != NULL)
			m->data_off = 0;	/* only the first needs headroom */
		room = rte_pktmbuf_tailroom(m);
		chunk = (uint16_t)RTE_MIN(left, (size_t)room);
		d = rte_pktmbuf_append(m, chunk);
		memcpy(d, p, chunk);
		p += chunk;
		left -= chunk;
		if (head == NULL) {
			head = m;
		} else {
			tail->next = m;
			head->nb_segs++;
			head->pkt_len += chunk;
		}
		tail = m;
	} while (left > 0);
	ret = udp_send_one(s, head, dst);
	if (ret != 0) {
		rte_pktmbuf_free(head);
		return ret;
	}
	return (ssize_t)len;
}
