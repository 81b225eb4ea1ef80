/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <string.h>

#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "tern_udp_priv.h"

static inline bool
udp_cksum_ok(struct tern_ctx *ctx, const struct rte_mbuf *m, const struct tern_ip_info *ip,
	     uint16_t ulen)
{
	uint64_t f = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;
	uint32_t phdr;

	/* The device's verdict (reassembly clears it: no device saw the whole). */
	/* NONE: the data was verified, the field is partial (vhost, virtio). */
	if (f == RTE_MBUF_F_RX_L4_CKSUM_GOOD || f == RTE_MBUF_F_RX_L4_CKSUM_NONE) {
		TERN_STAT_INC(ctx, udp_cksum_rx_hw);
		return true;
	}
	if (f == RTE_MBUF_F_RX_L4_CKSUM_BAD) {
		TERN_STAT_INC(ctx, udp_cksum_rx_hw);
		return false;
	}
	TERN_STAT_INC(ctx, udp_cksum_rx_sw);
	phdr = ip->family == 4 ? cksum_phdr4(ip->v4.src, ip->v4.dst, IPPROTO_UDP, ulen) :
		cksum_phdr6(&ip->v6.src, &ip->v6.dst, IPPROTO_UDP, ulen);
	return cksum_mbuf(m, 0, ulen, phdr) == 0;
}

void
udp_input(struct tern_ctx *ctx, struct rte_mbuf *m, const struct tern_ip_info *ip)
{
	const struct rte_udp_hdr *uh;
	struct tern_udp_stream *s;
	uint16_t ulen;
	uint32_t n;

	TERN_STAT_INC(ctx, udp_in);
	if (unlikely(ip->l4_len < sizeof(*uh) || m->data_len < sizeof(*uh))) {
		TERN_STAT_INC(ctx, drop_udp_short);
		goto drop;
	}
	uh = rte_pktmbuf_mtod(m, const struct rte_udp_hdr *);
	ulen = rte_be_to_cpu_16(uh->dgram_len);
	if (unlikely(ulen < sizeof(*uh) || ulen > ip->l4_len)) {
		TERN_STAT_INC(ctx, drop_udp_len);
		goto drop;
	}
	if (uh->dgram_cksum == 0) {
		/* RFC 8200 8.1: IPv6 requires the checksum. */
		if (ip->family == 6) {
			TERN_STAT_INC(ctx, drop_udp_zero_cksum6);
			goto drop;
		}
	} else if (unlikely(!udp_cksum_ok(ctx, m, ip, ulen))) {
		TERN_STAT_INC(ctx, drop_udp_cksum);
		goto drop;
	}
	if (ulen < ip->l4_len)
		pkt_cut(m, ulen);

	s = udp_lookup(udpc(ctx), ip, uh->src_port, uh->dst_port);
	if (unlikely(s == NULL)) {
		TERN_STAT_INC(ctx, drop_udp_noport);
		if (!ip->bcast) {
			/* The error quotes the datagram from its IP header on. */
			rte_pktmbuf_prepend(m, ip->l3_len);
			if (ip->family == 4)
				icmp4_error(ctx, m, 3, 3);	/* port unreachable */
			else
				icmp6_error(ctx, m, 1, 4, 0);	/* port unreachable */
		}
		goto drop;
	}
	n = s->rxq_tail - s->rxq_head;
	if (unlikely(n > s->rxq_mask)) {
		TERN_STAT_INC(ctx, drop_udp_rxq_full);
		goto drop;
	}
	rte_pktmbuf_adj(m, sizeof(*uh));
	m->l4_len = sizeof(*uh);
	m->packet_type = (ip->family == 4 ? RTE_PTYPE_L3_IPV4_EXT_UNKNOWN :
			  RTE_PTYPE_L3_IPV6_EXT_UNKNOWN) | RTE_PTYPE_L4_UDP;
	s->rxq[s->rxq_tail++ & s->rxq_mask] = m;
	/* Once per wake-up; retried on the next datagram if the queue was full. */
	if (!s->readable_posted) {
		struct tern_event ev = {
			.type = TERN_EV_READABLE, .obj = s, .udata = s->udata,
		};

		s->readable_posted = ctx_post_event(ctx, &ev) == 0;
	}
	return;
drop:
	rte_pktmbuf_free(m);
}

uint16_t
tern_udp_recv_burst(struct tern_udp_stream *s, struct rte_mbuf **pkts, uint16_t n)
{
	uint32_t avail = s->rxq_tail - s->rxq_head;
	uint16_t i;

	if (avail == 0 && unlikely(s->err != 0)) {
		rte_errno = -udp_take_err(s);	/* nothing queued: the ICMP error */
		return 0;
	}
	if (n > avail)
		n = (uint16_t)avail;
	for (i = 0; i < n; i++)
		pkts[i] = s->rxq[s->rxq_head++ & s->rxq_mask];
	if (s->rxq_head == s->rxq_tail)
		s->readable_posted = false;
	return n;
}

/* The source (@dst false) or destination address and port of datagram @m. */
static int
pkt_addr(const struct rte_mbuf *m, bool dst, struct tern_sockaddr *sa)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_udp_hdr *uh;

	if ((m->packet_type & RTE_PTYPE_L4_MASK) != RTE_PTYPE_L4_UDP ||
	    rte_pktmbuf_headroom(m) < (uint32_t)m->l4_len + m->l3_len)
		return -EINVAL;
	uh = (const struct rte_udp_hdr *)(d - m->l4_len);
	memset(sa, 0, sizeof(*sa));
	sa->port = dst ? uh->dst_port : uh->src_port;
	if (RTE_ETH_IS_IPV4_HDR(m->packet_type)) {
		const struct rte_ipv4_hdr *ih =
			(const struct rte_ipv4_hdr *)(d - m->l4_len - m->l3_len);

		sa->family = 4;
		sa->ip4 = dst ? ih->dst_addr : ih->src_addr;
	} else {
		const struct rte_ipv6_hdr *ih =
			(const struct rte_ipv6_hdr *)(d - m->l4_len - m->l3_len);

		sa->family = 6;
		memcpy(sa->ip6.a, dst ? ih->dst_addr : ih->src_addr, 16);
	}
	return 0;
}

int
tern_udp_pkt_src(const struct rte_mbuf *m, struct tern_sockaddr *src)
{
	return pkt_addr(m, false, src);
}

int
tern_udp_pkt_dst(const struct rte_mbuf *m, struct tern_sockaddr *dst)
{
	return pkt_addr(m, true, dst);
}

ssize_t
tern_udp_recvfrom(struct tern_udp_stream *s, void *buf, size_t len, struct tern_sockaddr *src)
{
	struct rte_mbuf *m;
	const void *p;
	uint32_t n;

	if (s->rxq_tail == s->rxq_head && unlikely(s->err != 0))
		return udp_take_err(s);
	if (tern_udp_recv_burst(s, &m, 1) == 0)
		return -EAGAIN;
	if (src != NULL)
		tern_udp_pkt_src(m, src);
	n = len < m->pkt_len ? (uint32_t)len : m->pkt_len;
	p = rte_pktmbuf_read(m, 0, n, buf);
	if (p != NULL && p != buf)
		memcpy(buf, p, n);
	rte_pktmbuf_free(m);
	return n;
}
