/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <string.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_prefetch.h>
#include <rte_tcp.h>

#include "tern_tcp_priv.h"

/*
 * TCP output: segmentation of the send queue into retransmit-queue entries
 * (Nagle, sender-side silly window avoidance, the congestion and the peer's
 * windows), the transmission of one entry, pure ACKs, resets and the
 * window we advertise.
 *
 * A transmitted segment is a fresh mbuf holding the headers and, when it
 * fits, a copy of the data (one copy of at most an MSS beats an indirect
 * mbuf's allocation and two atomic reference count updates); a segment too
 * large for one mbuf carries clones of the queued data behind its header.
 * The queued data stays in the retransmit queue until acknowledged.
 */

/* Bytes the receive buffer can still take. */
uint32_t
tcp_rcv_space(const struct tern_tcp_stream *s)
{
	uint32_t used = s->rcvq_bytes + (s->ooo != NULL ? tcp_ooo_bytes(s->ooo) : 0);

	return s->rcv_buf > used ? s->rcv_buf - used : 0;
}

/*
 * The window field for a segment we send now, and the right edge it
 * advertises recorded in rcv_adv. The edge never moves left (RFC 9293
 * 3.8.6.2.2: shrinking is strongly discouraged); it moves right only by a
 * full segment or half the buffer at a time (receiver-side silly window
 * avoidance, RFC 1122 4.2.3.3).
 */
uint16_t
tcp_wnd_to_send(struct tern_tcp_stream *s)
{
	uint32_t space = tcp_rcv_space(s);
	uint32_t adv = s->rcv_adv - s->rcv_nxt;	/* what the peer may still send */
	uint32_t max = (uint32_t)UINT16_MAX << s->rcv_ws;
	uint32_t win, thresh;

	if (SEQ_LT(s->rcv_adv, s->rcv_nxt))
		adv = 0;
	if (space > max)
		space = max;
	thresh = RTE_MIN((uint32_t)s->rcv_mss, s->rcv_buf / 2);
	if (space > adv && space - adv >= thresh)
		win = space;
	else if (space > adv && adv == 0 && space >= thresh)
		win = space;
	else
		win = adv;
	/* Rounding down by the scale would shrink the edge: round up instead. */
	win = (win + (1u << s->rcv_ws) - 1) >> s->rcv_ws;
	if (win > UINT16_MAX)
		win = UINT16_MAX;
	if (SEQ_GT(s->rcv_nxt + (win << s->rcv_ws), s->rcv_adv))
		s->rcv_adv = s->rcv_nxt + (win << s->rcv_ws);
	return (uint16_t)win;
}

/* Fill the options of a segment from @s: timestamps and SACK blocks. */
static void
tcp_fill_opts(struct tern_tcp_stream *s, struct tern_tcp_opts *o)
{
	o->flags = 0;
	o->nb_sack = 0;
	o->ts_val = 0;
	if (s->tf & TF_TS_OK) {
		o->flags |= TERN_TCP_OPT_F_TS;
		o->ts_val = tcp_ts_now(s->tc) + s->ts_off;
		o->ts_ecr = s->ts_recent;
	}
	if ((s->tf & (TF_SACK_OK | TF_DSACK)) == (TF_SACK_OK | TF_DSACK)) {
		/* RFC 2883: the duplicate range first, once */
		o->sack[0].left = s->dsack[0];
		o->sack[0].right = s->dsack[1];
		o->nb_sack = 1;
		s->tf &= ~TF_DSACK;
		TERN_STAT_INC(s->tc->ctx, tcp_dsack_sent);
	}
	if ((s->tf & TF_SACK_OK) && s->ooo != NULL && s->ooo->nb > 0)
		o->nb_sack += (uint8_t)tcp_ooo_sack(s->ooo, o->sack + o->nb_sack,
							 TERN_TCP_SACK_MAX - o->nb_sack);
	if (o->nb_sack > 0)
		o->flags |= TERN_TCP_OPT_F_SACK;
}

/* The options of our SYN or SYN-ACK. */
static void
tcp_fill_syn_opts(struct tern_tcp_stream *s, struct tern_tcp_opts *o, bool synack)
{
	const struct tern_tcp_config *cfg = &s->tc->cfg;

	memset(o, 0, sizeof(*o));
	o->flags = TERN_TCP_OPT_F_MSS;
	o->mss = s->rcv_mss;
	if (synack ? (s->tf & TF_WS_OK) : !(cfg->flags & TERN_TCP_CFG_NO_WSCALE)) {
		o->flags |= TERN_TCP_OPT_F_WS;
		o->wscale = s->rcv_ws;
	}
	if (synack ? (s->tf & TF_SACK_OK) : !(cfg->flags & TERN_TCP_CFG_NO_SACK)) {
		o->flags |= TERN_TCP_OPT_F_SACK_PERM;
		o->sack_permitted = true;
	}
	if (synack ? (s->tf & TF_TS_OK) : !(cfg->flags & TERN_TCP_CFG_NO_TS)) {
		o->flags |= TERN_TCP_OPT_F_TS;
		o->ts_val = tcp_ts_now(s->tc) + s->ts_off;
		o->ts_ecr = s->ts_recent;
	}
}

/* The pseudo-header sum of @k's addresses for @len TCP bytes (RFC 9293 3.1). */
static inline uint32_t
tcp_phdr(const struct tern_tcp_key *k, uint32_t len)
{
	tern_ip4_t src, dst;

	if (k->family == 6)
		return cksum_phdr6((const struct tern_ip6 *)k->laddr,
					(const struct tern_ip6 *)k->raddr, IPPROTO_TCP, len);
	memcpy(&src, k->laddr, 4);
	memcpy(&dst, k->raddr, 4);
	return cksum_phdr4(src, dst, IPPROTO_TCP, len);
}

/*
 * Set the checksum of the TCP segment at @m's data (header and payload).
 * @dsum: NULL, or the sum of the payload already taken (by the copy that
 * put it behind the header, in @m's one segment): only the header is summed.
 */
static void
tcp_cksum(struct tern_ctx *ctx, struct rte_mbuf *m, const struct tern_tcp_key *k,
	  uint16_t ifindex, const uint64_t *dsum)
{
	struct rte_tcp_hdr *th = rte_pktmbuf_mtod(m, struct rte_tcp_hdr *);
	uint32_t len = m->pkt_len, phdr = tcp_phdr(k, len);

	m->l4_len = (th->data_off >> 4) * 4;
	if (m->nb_segs == 1 && (ctx->net->ifaces[ifindex].dev->caps & TERN_CAP_TX_TCP_CKSUM)) {
		th->cksum = cksum_fold(phdr);
		m->ol_flags |= RTE_MBUF_F_TX_TCP_CKSUM;
		TERN_STAT_INC(ctx, tcp_cksum_tx_hw);
		return;
	}
	th->cksum = 0;
	if (dsum != NULL)
		th->cksum = (uint16_t)~cksum_fold64(cksum_add_scalar(th, m->l4_len,
									       *dsum + phdr));
	else
		th->cksum = cksum_mbuf(m, 0, len, phdr);
	TERN_STAT_INC(ctx, tcp_cksum_tx_sw);
}

/*
 * A TSO send (RTE_MBUF_F_TX_TCP_SEG): the device cuts it into @mss-byte
 * segments and sets each checksum; the field holds the pseudo-header sum
 * without the length, as DPDK asks.
 */
static void
tcp_cksum_tso(struct tern_ctx *ctx, struct rte_mbuf *m, const struct tern_tcp_key *k,
	      uint16_t mss, uint16_t frame_max)
{
	struct rte_tcp_hdr *th = rte_pktmbuf_mtod(m, struct rte_tcp_hdr *);

	m->l4_len = (th->data_off >> 4) * 4;
	if (frame_max != 0) {
		/* a device that counts the headers in: pieces smaller than the MSS */
		uint32_t hdrs = RTE_ETHER_HDR_LEN + (k->family == 4 ? 20u : 40u) + m->l4_len;

		if (frame_max > hdrs && frame_max - hdrs < mss)
			mss = (uint16_t)(frame_max - hdrs);
	}
	m->tso_segsz = mss;
	m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_TCP_CKSUM;
	th->cksum = cksum_fold(tcp_phdr(k, 0));
	TERN_STAT_INC(ctx, tcp_tso_segs);
	TERN_STAT_INC(ctx, tcp_cksum_tx_hw);
}

/* Fill the fixed part of TCP header @th (@olen bytes of options behind it), checksum 0. */
static inline void
tcp_fill_hdr(struct rte_tcp_hdr *th, const struct tern_tcp_key *k, uint32_t seq, uint32_t ack,
	     uint8_t flags, uint16_t wnd, int olen)
{
	th->src_port = k->lport;
	th->dst_port = k->rport;
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->data_off = (uint8_t)(((sizeof(*th) + olen) / 4) << 4);
	th->tcp_flags = flags;
	th->rx_win = rte_cpu_to_be_16(wnd);
	th->cksum = 0;
	th->tcp_urp = 0;
}

/* Write @opts (@syn_opts: SYN layout) into @buf. @return their length. */
static inline int
tcp_opts_put(uint8_t *buf, size_t size, const struct tern_tcp_opts *opts, bool syn_opts)
{
	int olen = 0;

	if (opts != NULL) {
		olen = syn_opts ? tcp_opts_write_syn(buf, size, opts) :
			tcp_opts_write(buf, size, opts);
		if (olen < 0)
			olen = 0;
	}
	return olen;
}

/*
 * Write a TCP header with @opts at the front of @m's data (room for it
 * prepended). @syn_opts: SYN layout.
 */
static struct rte_tcp_hdr *
tcp_put_hdr(struct rte_mbuf *m, const struct tern_tcp_key *k, uint32_t seq, uint32_t ack,
	    uint8_t flags, uint16_t wnd, const struct tern_tcp_opts *opts, bool syn_opts)
{
	uint8_t obuf[TERN_TCP_OPT_MAX];
	struct rte_tcp_hdr *th;
	int olen = tcp_opts_put(obuf, sizeof(obuf), opts, syn_opts), i;

	RTE_BUILD_BUG_ON(TERN_TCP_OPT_MAX % 4 != 0);

	th = (struct rte_tcp_hdr *)rte_pktmbuf_prepend(m, (uint16_t)(sizeof(*th) + olen));
	if (th == NULL)
		return NULL;
	tcp_fill_hdr(th, k, seq, ack, flags, wnd, olen);
	/* whole words (the writers pad options to them): a few moves, no call */
	TERN_ASSERT(olen % 4 == 0);
	for (i = 0; i < olen; i += 4)
		memcpy((uint8_t *)(th + 1) + i, obuf + i, 4);
	return th;
}

/* Room for every header in front of fresh mbuf @m's data (headers are prepended). */
static inline void
tcp_hdr_mbuf_room(struct rte_mbuf *m)
{
	m->data_off = RTE_MIN((uint16_t)(TCP_HDR_ROOM + 60 + RTE_PKTMBUF_HEADROOM),
			      m->buf_len);
}

/* An empty mbuf with room for every header in front. */
static struct rte_mbuf *
tcp_hdr_mbuf(struct tern_ctx *ctx)
{
	struct rte_mbuf *m = ctx_alloc_mbuf(ctx);

	if (m == NULL)
		return NULL;
	tcp_hdr_mbuf_room(m);
	return m;
}

/*
 * @m, a received packet done with, made an empty mbuf with room for every
 * header in front, as tcp_hdr_mbuf() gives: when it is plain (direct, ours
 * alone, one segment, room enough), so that the answer to it costs no
 * allocation and no free; else it is freed and a fresh mbuf taken. @return
 * NULL (counted) when the pool is empty.
 */
static struct rte_mbuf *
tcp_reuse_mbuf(struct tern_ctx *ctx, struct rte_mbuf *m)
{
	if (likely(RTE_MBUF_DIRECT(m) && rte_mbuf_refcnt_read(m) == 1 && m->next == NULL &&
		   m->buf_len >= TCP_HDR_ROOM + 60 + RTE_PKTMBUF_HEADROOM)) {
		rte_pktmbuf_reset(m);
		tcp_hdr_mbuf_room(m);
		return m;
	}
	rte_pktmbuf_free(m);
	return tcp_hdr_mbuf(ctx);
}

/*
 * Send a segment that belongs to no control block: resets, ACKs from a
 * TIME_WAIT record, SYN-ACKs of the syncache. The route is looked up.
 */
int
tcp_send_raw(struct tern_ctx *ctx, const struct tern_tcp_key *k,
	     uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd,
	     const struct tern_tcp_opts *opts, bool syn_opts)
{
	union net_addr nh;
	uint16_t ifindex;

	if (net_route_lookup(ctx->net, k->family, k->raddr, &ifindex, &nh) != 0)
		return -ENETUNREACH;
	return tcp_send_raw_via(ctx, k, ifindex, &nh, seq, ack, flags, wnd, opts, syn_opts, NULL);
}

int
tcp_send_raw_via(struct tern_ctx *ctx, const struct tern_tcp_key *k, uint16_t ifindex,
		 const union net_addr *nh, uint32_t seq, uint32_t ack, uint8_t flags,
		 uint16_t wnd, const struct tern_tcp_opts *opts, bool syn_opts,
		 struct rte_mbuf *in)
{
	struct rte_mbuf *m;

	/*
	 * One packet, no connection to keep its headers for: not a dest's
	 * template (which would take a slot of the context's template cache
	 * from a connection, at every SYN-ACK of a flood), but the context's
	 * one-shot template, kept for the last next hop.
	 */
	m = in != NULL ? tcp_reuse_mbuf(ctx, in) : tcp_hdr_mbuf(ctx);
	if (m == NULL)
		return -ENOBUFS;
	if (m == in)
		TERN_STAT_INC(ctx, tcp_synack_in_syn);
	if (tcp_put_hdr(m, k, seq, ack, flags, wnd, opts, syn_opts) == NULL) {
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	tcp_cksum(ctx, m, k, ifindex, NULL);
	if (flags & TH_RST)
		TERN_STAT_INC(ctx, tcp_out_rsts);
	TERN_STAT_INC(ctx, tcp_out_segs);
	return net_output_oneshot(ctx, k->family, ifindex, nh, k->laddr, k->raddr, IPPROTO_TCP, m);
}

/* The reset that answers segment @si for which there is no connection (RFC 9293 3.10.7.1). */
void
tcp_send_rst_reply(struct tern_ctx *ctx, const struct tern_ip_info *ip,
		   const struct tcp_seg_in *si)
{
	struct tern_tcp_key k;
	uint32_t seglen;

	if (si->flags & TH_RST)
		return;
	tcp_key_make(&k, ip, si->th->src_port, si->th->dst_port);
	if (si->flags & TH_ACK) {
		tcp_send_raw(ctx, &k, si->ack, 0, TH_RST, 0, NULL, false);
		return;
	}
	seglen = si->len + !!(si->flags & TH_SYN) + !!(si->flags & TH_FIN);
	tcp_send_raw(ctx, &k, 0, si->seq + seglen, TH_RST | TH_ACK, 0, NULL, false);
}

/* Hand a built segment @m (data at the TCP header; @dsum: see tcp_cksum()) to IP. */
static int
tcp_send_built(struct tern_tcp_stream *s, struct rte_mbuf *m, const uint64_t *dsum)
{
	tcp_cksum(s->tc->ctx, m, &s->key, s->dest.ifindex, dsum);
	return net_dest_output(s->tc->ctx, &s->dest, s->key.laddr, s->key.raddr, m);
}

/* The ACK we owe has been sent with this segment. */
static inline void
tcp_acked_now(struct tern_tcp_stream *s)
{
	s->tf &= ~(TF_ACK_NOW | TF_DELACK);
	s->segs_unacked = 0;
	s->last_ack_sent = s->rcv_nxt;
	tcp_timer_clear(s, TCP_T_DELACK);
}

/* A control segment without data from @s: ACK, RST, probe (@seq). */
int
tcp_send_ctl(struct tern_tcp_stream *s, uint8_t flags, uint32_t seq)
{
	struct tern_tcp_opts o;
	struct rte_mbuf *m = tcp_hdr_mbuf(s->tc->ctx);
	uint16_t wnd;

	if (m == NULL)
		return -ENOBUFS;
	tcp_fill_opts(s, &o);
	wnd = (flags & TH_RST) ? 0 : tcp_wnd_to_send(s);
	tcp_put_hdr(m, &s->key, seq, (flags & TH_ACK) ? s->rcv_nxt : 0, flags, wnd, &o, false);
	if (flags & TH_ACK)
		tcp_acked_now(s);
	if (flags & TH_RST)
		TERN_STAT_INC(s->tc->ctx, tcp_out_rsts);
	else
		TERN_STAT_INC(s->tc->ctx, tcp_acks_out);
	TERN_STAT_INC(s->tc->ctx, tcp_out_segs);
	return tcp_send_built(s, m, NULL);
}

void
tcp_send_ack(struct tern_tcp_stream *s)
{
	tcp_send_ctl(s, TH_ACK, s->snd_nxt);
	/* nothing sent with it: a block kept for an answer (tcp_ack_recv()) goes back */
	tcp_rec_put(s);
}

/*
 * Copy @len bytes from offset @off of the chain @src (single-segment mbufs)
 * into @dst. @sum: also sum them in the copy (one pass, see
 * cksum_copy()) for a checksum done in software. @return that sum
 * (host order, unfolded, as if @dst were summed), or 0 without @sum.
 */
static uint64_t
tcp_copy_chain(uint8_t *dst, const struct rte_mbuf *src, uint32_t off, uint32_t len, bool sum)
{
	uint64_t acc = 0;
	bool odd = false;

	for (; src != NULL && off >= src->data_len; src = src->next)
		off -= src->data_len;
	for (; src != NULL && len > 0; src = src->next) {
		uint32_t n = RTE_MIN(len, (uint32_t)src->data_len - off);
		const uint8_t *p = rte_pktmbuf_mtod_offset(src, const uint8_t *, off);

		if (!sum) {
			memcpy(dst, p, n);
		} else if (!odd) {
			acc += cksum_copy(dst, p, n, 0);
		} else {
			/* bytes at an odd offset of the packet: their sum byte-swapped */
			uint16_t h = cksum_fold64(cksum_copy(dst, p, n, 0));

			acc += (uint16_t)((h << 8) | (h >> 8));
		}
		if (n & 1)
			odd = !odd;
		dst += n;
		len -= n;
		off = 0;
	}
	return acc;
}

/* Bookkeeping once entry @seg went out (again, if @rtx), its first packet carrying @tsval. */
static void
tcp_seg_sent(struct tern_tcp_stream *s, struct tern_tcp_seg *seg, bool rtx, uint32_t tsval,
	     uint32_t nsegs)
{
	seg->xmit_ns = s->tc->ctx->now_ns;
	seg->tsval = tsval;
	seg->nb_tx++;
	seg->flags &= ~TERN_TCP_SEG_TLP;
	/* counted in segments on the wire (RFC 4022), whoever cut them */
	if (rtx) {
		seg->flags |= TERN_TCP_SEG_RETRANS;
		s->segs_retrans += nsegs;
		TERN_STAT_ADD(s->tc->ctx, tcp_retrans_segs, nsegs);
	} else {
		TERN_STAT_ADD(s->tc->ctx, tcp_out_segs, nsegs);
	}
	tcp_sack_sent(s, seg, rtx);
}

/* Cut SACK blocks so that a packet with @dlen data bytes stays within the MTU. */
static void
tcp_sack_fit(struct tern_tcp_stream *s, struct tern_tcp_opts *o, uint32_t dlen)
{
	uint32_t room = tcp_path_mss(s) - dlen;
	uint32_t base = (o->flags & TERN_TCP_OPT_F_TS) ? TERN_TCPOLEN_TS + 2 : 0;

	if (o->nb_sack == 0 || dlen == 0)
		return;
	while (o->nb_sack > 0 && base + 4 + 8u * o->nb_sack > room)
		o->nb_sack--;
	if (o->nb_sack == 0)
		o->flags &= ~TERN_TCP_OPT_F_SACK;
}

/*
 * Software TSO takes its header mbufs from the pool TCP_TSO_BATCH at a time
 * and prefetches, TCP_TSO_AHEAD pieces before it copies one, the lines the
 * piece is copied into (for writing: the mbuf itself too, reset only when
 * the piece is built) and from (for reading). Both are cold
 * when the mbufs cross cores (on a ring pair the receiving core frees them),
 * and a copy that waits for each line in turn costs more than the rest of
 * the piece.
 */
#define TCP_TSO_BATCH	16
#define TCP_TSO_AHEAD	1

/*
 * Prefetch for writing what a piece of @len data bytes fills in header mbuf
 * @m, taken from pool @mp and not reset yet: its two lines, reset when the
 * piece is built, and the headers and data from the start of its data room
 * (the address follows from the pool, not from the cold mbuf).
 */
static inline void
tcp_tso_prefetch(struct rte_mbuf *m, struct rte_mempool *mp, uint32_t len)
{
	uint8_t *p = (uint8_t *)rte_mbuf_buf_addr(m, mp) + RTE_PKTMBUF_HEADROOM;
	uint32_t l;

	rte_prefetch0_write(m);
	rte_prefetch0_write(RTE_PTR_ADD(m, RTE_CACHE_LINE_SIZE));
	for (l = 0; l < len + TCP_HDR_ROOM + 60; l += RTE_CACHE_LINE_SIZE)
		rte_prefetch0_write(p + l);
}

/* Prefetch @len bytes of queued data at cursor (*@pf, *@pf_off) for reading; move the cursor on. */
static inline void
tcp_tso_prefetch_src(const struct rte_mbuf **pf, uint32_t *pf_off, uint32_t len)
{
	while (*pf != NULL && len > 0) {
		const struct rte_mbuf *d = *pf;
		uint32_t k = RTE_MIN(len, (uint32_t)d->data_len - *pf_off);
		uintptr_t a = (uintptr_t)rte_pktmbuf_mtod_offset(d, const uint8_t *, *pf_off);

		for (a = RTE_ALIGN_FLOOR(a, RTE_CACHE_LINE_SIZE);
		     a < (uintptr_t)rte_pktmbuf_mtod_offset(d, const uint8_t *, *pf_off + k);
		     a += RTE_CACHE_LINE_SIZE)
			rte_prefetch0((const void *)a);
		len -= k;
		*pf_off += k;
		if (*pf_off >= d->data_len) {
			*pf = d->next;
			*pf_off = 0;
			if (*pf != NULL)
				rte_prefetch0(*pf);
		}
	}
}

/*
 * The TCP header of every piece of a software TSO send after the first: the
 * same options (the timestamps; SACK blocks go in the first only), ACK and
 * window, so it is written once with sequence number 0 and summed once
 * with the pseudo-header (length 0). Each piece copies it, sets its
 * sequence number and adds that and its length to the sum.
 */
struct tcp_tso_hdr {
	uint64_t sum;		/* header + pseudo-header without length, host order */
	uint16_t len;		/* 0: not written yet */
	uint8_t b[sizeof(struct rte_tcp_hdr) + TERN_TCP_OPT_MAX];
};

static void
tcp_tso_hdr_init(struct tcp_tso_hdr *h, const struct tern_tcp_stream *s, uint16_t wnd,
		 const struct tern_tcp_opts *o)
{
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)h->b;
	int olen = tcp_opts_put(h->b + sizeof(*th), TERN_TCP_OPT_MAX, o, false);

	tcp_fill_hdr(th, &s->key, 0, s->rcv_nxt, TH_ACK, wnd, olen);
	h->len = (uint16_t)(sizeof(*th) + olen);
	h->sum = cksum_add_scalar(h->b, h->len, tcp_phdr(&s->key, 0));
}

/*
 * Put header @h in front of piece @m (@seq, @flags, its payload summed to
 * @dsum) and set the checksum. By RFC 1071 the sum is the template's plus
 * the fields that differ: the sequence number, the length and the flags
 * beyond ACK (the last piece's PSH, FIN), each as the big-endian word it
 * is in memory, added in host order like the rest (the flags are the
 * second byte of their word).
 */
static inline int
tcp_tso_hdr_put(struct tern_ctx *ctx, const struct tcp_tso_hdr *h, struct rte_mbuf *m,
		uint32_t seq, uint8_t flags, uint64_t dsum)
{
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)rte_pktmbuf_prepend(m, h->len);
	rte_be32_t seq_be = rte_cpu_to_be_32(seq);
	uint64_t sum;

	if (unlikely(th == NULL))
		return -ENOBUFS;
	sum = dsum + rte_cpu_to_be_16((uint16_t)m->pkt_len);	/* header and data */
	memcpy(th, h->b, h->len);
	th->sent_seq = seq_be;
	th->tcp_flags = flags;
	sum += h->sum + seq_be + rte_cpu_to_be_16((uint16_t)(flags - TH_ACK));
	th->cksum = (uint16_t)~cksum_fold64(sum);
	m->l4_len = h->len;
	TERN_STAT_INC(ctx, tcp_cksum_tx_sw);
	return 0;
}

/*
 * Why not rte_gso: rte_gso_segment() makes each piece an indirect mbuf on
 * the payload and leaves the TCP checksum to the device; on a port without
 * checksum offload the pieces would be read again to sum them. Here each
 * piece is copied once and summed in the copy, with headers written from
 * the stream's template (docs/benchmarks.md, offload section).
 *
 * Software TSO: cut entry @seg (@dlen data bytes) into MSS-sized packets
 * with the headers the device would write: @o and the SACK blocks in the
 * first, the last with @last_flags. Each piece is a header mbuf with a copy
 * of its data, summed in the copy when the port does not do checksums.
 * With the next hop resolved, the link and IP headers (tern_ip_tmpl) and
 * the TCP header (struct tcp_tso_hdr) of the pieces are written once.
 * @return 0, or -ENOBUFS when not even the first piece could go.
 */
static int
tcp_tso_sw(struct tern_tcp_stream *s, struct tern_tcp_seg *seg, uint32_t dlen,
	   const struct tern_tcp_opts *o, uint16_t wnd, uint8_t last_flags)
{
	struct tern_ctx *ctx = s->tc->ctx;
	struct rte_mbuf *hm[TCP_TSO_BATCH], *src = seg->m, *m;
	const struct rte_mbuf *pf = seg->m;
	uint32_t soff = 0, nb_hm = 0, k = 0, i, pf_off = 0, pf_done, off, n;
	bool sw_cksum = !(ctx->net->ifaces[s->dest.ifindex].dev->caps & TERN_CAP_TX_TCP_CKSUM);
	struct tcp_tso_hdr th;
	struct tern_tcp_opts o_next;
	const struct tern_ip_tmpl *ipt;
	uint64_t dsum;

	/* the stream's link and IP headers for every piece, when they are good */
	ipt = net_dest_tmpl(ctx, &s->dest, s->key.laddr, s->key.raddr);
	th.len = 0;
	o_next = *o;
	o_next.nb_sack = 0;
	o_next.flags &= ~TERN_TCP_OPT_F_SACK;
	/* the source of the first pieces now, then of one piece TCP_TSO_AHEAD on each time */
	pf_done = RTE_MIN(dlen, (uint32_t)TCP_TSO_AHEAD * s->mss);
	tcp_tso_prefetch_src(&pf, &pf_off, pf_done);
	for (off = 0; off < dlen; off += n) {
		uint8_t flags = TH_ACK;

		n = RTE_MIN((uint32_t)s->mss, dlen - off);
		if (off + n == dlen)
			flags |= last_flags;
		if (pf_done < dlen) {
			i = RTE_MIN((uint32_t)s->mss, dlen - pf_done);
			tcp_tso_prefetch_src(&pf, &pf_off, i);
			pf_done += i;
		}
		if (k == nb_hm) {
			/* the next batch of header mbufs; its first pieces prefetched now */
			nb_hm = RTE_MIN((uint32_t)TCP_TSO_BATCH, (dlen - off + s->mss - 1) / s->mss);
			if (rte_mempool_get_bulk(ctx->mp, (void **)hm, nb_hm) != 0)
				nb_hm = 0;
			for (i = 0; i < nb_hm && i < TCP_TSO_AHEAD; i++)
				tcp_tso_prefetch(hm[i], ctx->mp, s->mss);
			k = 0;
		}
		if (k < nb_hm) {
			if (k + TCP_TSO_AHEAD < nb_hm)
				tcp_tso_prefetch(hm[k + TCP_TSO_AHEAD], ctx->mp, s->mss);
			/* reset now, its lines prefetched: as rte_pktmbuf_alloc() */
			m = hm[k++];
			rte_pktmbuf_reset(m);
			tcp_hdr_mbuf_room(m);
		} else {
			m = tcp_hdr_mbuf(ctx);	/* the pool is short: one at a time */
		}
		if (m == NULL) {
			TERN_STAT_INC(ctx, drop_nomem);
			if (off == 0)
				return -ENOBUFS;
			break;	/* the rest is lost: recovery resends it */
		}
		/* from a cursor in the chain, not walked from its head for each piece */
		dsum = tcp_copy_chain((uint8_t *)rte_pktmbuf_append(m, (uint16_t)n), src, soff, n,
				      sw_cksum);
		for (soff += n; src != NULL && soff >= src->data_len; src = src->next)
			soff -= src->data_len;
		if (off > 0 && ipt != NULL && sw_cksum) {
			if (th.len == 0)
				tcp_tso_hdr_init(&th, s, wnd, &o_next);
			if (tcp_tso_hdr_put(ctx, &th, m, seg->seq + off, flags, dsum) == 0) {
				ip_tmpl_output(ctx, ipt, m);
			} else {
				TERN_STAT_INC(ctx, drop_nomem);
				rte_pktmbuf_free(m);
			}
			continue;
		}
		tcp_put_hdr(m, &s->key, seg->seq + off, s->rcv_nxt, flags, wnd,
			    off == 0 ? o : &o_next, false);
		if (ipt != NULL) {
			tcp_cksum(ctx, m, &s->key, s->dest.ifindex, sw_cksum ? &dsum : NULL);
			ip_tmpl_output(ctx, ipt, m);
		} else {
			tcp_send_built(s, m, sw_cksum ? &dsum : NULL);
		}
	}
	TERN_STAT_ADD(ctx, tcp_tso_sw_bytes, dlen);
	return 0;
}

/*
 * Transmit entry @seg of more than one MSS: as one TSO send when the port
 * cuts it (TERN_CAP_TX_TSO with TERN_CAP_TX_MULTISEG: the header mbuf
 * chained to clones of the data), else cut here into MSS-sized packets
 * with the same headers the device would write (software TSO). Either way
 * the wire sees the same segments. Over IPv4 the device must also do the
 * header checksum: it rewrites each piece's total length, and DPDK's TSO
 * contract (RTE_MBUF_F_TX_TCP_SEG) asks for RTE_MBUF_F_TX_IP_CKSUM, which
 * the IP layer sets only on a port with TERN_CAP_TX_IP4_CKSUM. A port whose
 * TSO knows IPv4 only (tso_ipv4_only: net_tap) gets IPv6 cut here.
 */
static int
tcp_xmit_tso(struct tern_tcp_stream *s, struct tern_tcp_seg *seg, bool rtx, uint32_t dlen)
{
	struct tern_ctx *ctx = s->tc->ctx;
	const struct tern_dev *dev = ctx->net->ifaces[s->dest.ifindex].dev;
	uint32_t caps = dev->caps;
	uint32_t need = TERN_CAP_TX_TSO | TERN_CAP_TX_MULTISEG | TERN_CAP_TX_TCP_CKSUM |
		(s->key.family == 4 ? TERN_CAP_TX_IP4_CKSUM : 0);
	bool tail = tcp_rtxq_next(seg) == NULL && s->sndq_bytes == 0;
	uint8_t last_flags = (tail ? TH_PSH : 0) | ((seg->flags & TERN_TCP_SEG_FIN) ? TH_FIN : 0);
	struct tern_tcp_opts o;
	struct rte_mbuf *m;
	uint16_t wnd;

	if (!ctx_tx_room(ctx, s->dest.ifindex))
		return -ENOBUFS;
	tcp_fill_opts(s, &o);
	tcp_sack_fit(s, &o, s->mss);
	wnd = tcp_wnd_to_send(s);
	if ((caps & need) == need && !(s->key.family == 6 && dev->tso_ipv4_only)) {
		struct rte_mbuf *c;

		m = tcp_hdr_mbuf(ctx);
		c = m != NULL ? rte_pktmbuf_clone(seg->m, ctx->mp) : NULL;
		if (c == NULL || rte_pktmbuf_chain(m, c) != 0) {
			rte_pktmbuf_free(c);
			rte_pktmbuf_free(m);
			TERN_STAT_INC(ctx, drop_nomem);
			return -ENOBUFS;
		}
		tcp_put_hdr(m, &s->key, seg->seq, s->rcv_nxt, TH_ACK | last_flags, wnd, &o, false);
		tcp_cksum_tso(ctx, m, &s->key, s->mss, dev->tso_frame_max);
		net_dest_output(ctx, &s->dest, s->key.laddr, s->key.raddr, m);
	} else if (tcp_tso_sw(s, seg, dlen, &o, wnd, last_flags) != 0) {
		return -ENOBUFS;
	}
	tcp_acked_now(s);
	tcp_seg_sent(s, seg, rtx, o.ts_val, (dlen + s->mss - 1) / s->mss);
	return 0;
}

/*
 * Transmit retransmit-queue entry @seg (again, if @rtx).
 * @return 0 or a negative errno (nothing was sent; the entry stays).
 */
int
tcp_xmit_seg(struct tern_tcp_stream *s, struct tern_tcp_seg *seg, bool rtx)
{
	struct tern_ctx *ctx = s->tc->ctx;
	uint32_t dlen = seg->len - !!(seg->flags & TERN_TCP_SEG_SYN) -
		!!(seg->flags & TERN_TCP_SEG_FIN);
	struct tern_tcp_opts o;
	struct rte_mbuf *m;
	uint8_t flags = 0;
	uint16_t wnd;
	bool syn = seg->flags & TERN_TCP_SEG_SYN, sw_cksum = false;
	uint64_t dsum = 0;

	if (dlen > s->mss && !syn && seg->m != NULL && s->mss <= TCP_TSO_MSS_MAX)
		return tcp_xmit_tso(s, seg, rtx, dlen);
	if (!ctx_tx_room(ctx, s->dest.ifindex))
		return -ENOBUFS;
	m = tcp_hdr_mbuf(ctx);
	if (m == NULL)
		return -ENOBUFS;
	if (dlen > 0) {
		if (dlen <= rte_pktmbuf_tailroom(m)) {
			sw_cksum = !(ctx->net->ifaces[s->dest.ifindex].dev->caps & TERN_CAP_TX_TCP_CKSUM);
			dsum = tcp_copy_chain((uint8_t *)rte_pktmbuf_append(m, (uint16_t)dlen),
					      seg->m, 0, dlen, sw_cksum);
		} else {
			struct rte_mbuf *c = rte_pktmbuf_clone(seg->m, ctx->mp);

			if (c == NULL || rte_pktmbuf_chain(m, c) != 0) {
				rte_pktmbuf_free(c);
				rte_pktmbuf_free(m);
				TERN_STAT_INC(ctx, drop_nomem);
				return -ENOBUFS;
			}
		}
	}
	if (syn) {
		flags |= TH_SYN;
		tcp_fill_syn_opts(s, &o, s->state != TERN_TCP_SYN_SENT);
	} else {
		tcp_fill_opts(s, &o);
		/* a full segment has room for fewer SACK blocks: keep it in the MTU */
		tcp_sack_fit(s, &o, dlen);
	}
	if (s->state != TERN_TCP_SYN_SENT)
		flags |= TH_ACK;
	if (seg->flags & TERN_TCP_SEG_FIN)
		flags |= TH_FIN;
	if (dlen > 0 && (tcp_rtxq_next(seg) == NULL) && s->sndq_bytes == 0)
		flags |= TH_PSH;
	/* SYNs carry an unscaled window (RFC 7323 2.2). */
	if (syn) {
		uint32_t w = RTE_MIN(tcp_rcv_space(s), (uint32_t)UINT16_MAX);

		wnd = (uint16_t)w;
		if (SEQ_GT(s->rcv_nxt + w, s->rcv_adv))
			s->rcv_adv = s->rcv_nxt + w;
	} else {
		wnd = tcp_wnd_to_send(s);
	}
	tcp_put_hdr(m, &s->key, seg->seq, (flags & TH_ACK) ? s->rcv_nxt : 0, flags, wnd, &o,
		    syn);
	if (flags & TH_ACK)
		tcp_acked_now(s);
	tcp_seg_sent(s, seg, rtx, o.ts_val, 1);
	tcp_send_built(s, m, sw_cksum ? &dsum : NULL);
	return 0;
}

/* The most one retransmit-queue entry holds: one MSS, or a TSO send. */
static inline uint32_t
tcp_seg_max(const struct tern_tcp_stream *s)
{
	const struct tern_tcp_config *cfg = &s->tc->cfg;

	if ((cfg->flags & TERN_TCP_CFG_NO_TSO) || s->mss > TCP_TSO_MSS_MAX)
		return s->mss;
	return RTE_MAX((uint32_t)s->mss, cfg->tso_max / s->mss * s->mss);
}

/*
 * Take @len bytes off the front of the send queue as a chain of
 * single-segment mbufs (the head's pkt_len and nb_segs describe the
 * chain), splitting an mbuf by reference when the cut falls inside it.
 */
static struct rte_mbuf *
tcp_sndq_take(struct tern_tcp_stream *s, uint32_t len)
{
	struct rte_mbuf *head = NULL, *tail = NULL, *m;
	uint32_t left = len;
	uint16_t nb = 0;

	while (left > 0) {
		m = s->sndq_head;
		if (m->data_len > left) {
			struct rte_mbuf *part = rte_pktmbuf_alloc(s->tc->ctx->mp);

			if (part == NULL)
				break;
			rte_pktmbuf_attach(part, m);
			part->data_len = (uint16_t)left;
			part->pkt_len = left;
			m->data_off += (uint16_t)left;
			m->data_len -= (uint16_t)left;
			m->pkt_len = m->data_len;
			m = part;
		} else {
			s->sndq_head = m->next;
			if (s->sndq_head == NULL)
				s->sndq_tail = NULL;
			m->next = NULL;
		}
		left -= m->data_len;
		if (head == NULL)
			head = m;
		else
			tail->next = m;
		tail = m;
		nb++;
	}
	if (head != NULL) {
		head->pkt_len = len - left;
		head->nb_segs = nb;
	}
	s->sndq_bytes -= len - left;
	return head;
}

static struct tern_tcp_seg *
tcp_seg_alloc(struct tern_tcp_stream *s)
{
	struct tern_tcp_seg *seg = tcp_segpool_get(&s->tc->segpool);

	if (seg == NULL) {
		TERN_STAT_INC(s->tc->ctx, drop_nomem);
		return NULL;
	}
	memset(seg, 0, sizeof(*seg));
	return seg;
}

/*
 * Freeing acknowledged data. An entry is acknowledged a window after it
 * was sent, when its mbufs have left the cache, and rte_pktmbuf_free()
 * walks a chain one next pointer at a time: a miss in turn for each mbuf
 * (44 for a 64,000-byte entry of MSS-sized mbufs), the largest item of a
 * bulk sender's time. So the ACK path defers the chains it frees, up to
 * TCP_ACKED_MAX, and tcp_chains_free() walks them side by side: one mbuf
 * of each chain a pass, the next pointers of different chains loaded
 * together and each mbuf prefetched the pass before it is released, then
 * put back to the pool in bulk. The deferred chains are freed when the
 * queue is full, after an input burst that acknowledged no entry, when a
 * stream's retransmit queue empties or is freed (the stream ends), on a
 * retransmission timeout and when the context ends: at most TCP_ACKED_MAX
 * entries wait, and only while a stream with data in flight lives.
 */
#define TCP_FREE_BATCH	32

/*
 * Release @n mbufs (segments of tern's chains, any reference count) and put
 * them back in bulk. One that someone else still holds (an application's
 * zero-copy send it kept a reference to) leaves the chain whole: a single
 * segment again, as it was handed to tern, not linked to tern's next.
 */
static void
tcp_mbufs_put(struct rte_mbuf **b, unsigned int n)
{
	unsigned int i, j;

	for (i = 0, j = 0; i < n; i++) {
		struct rte_mbuf *f;

		if (unlikely(rte_mbuf_refcnt_read(b[i]) > 1)) {
			b[i]->next = NULL;
			b[i]->nb_segs = 1;
			b[i]->pkt_len = b[i]->data_len;
		}
		f = rte_pktmbuf_prefree_seg(b[i]);

		if (f == NULL)
			continue;
		if (j > 0 && f->pool != b[0]->pool) {
			rte_mempool_put_bulk(b[0]->pool, (void **)b, j);
			j = 0;
		}
		b[j++] = f;
	}
	if (j > 0)
		rte_mempool_put_bulk(b[0]->pool, (void **)b, j);
}

/* Free the @n chains at @c (emptied), walking them side by side. */
static void
tcp_chains_free(struct rte_mbuf **c, unsigned int n)
{
	struct rte_mbuf *b[TCP_FREE_BATCH];
	unsigned int nb = 0, i;

	if (n == 1 && c[0]->next == NULL) {
		/* one mbuf (request/response traffic): nothing to walk side by side */
		tcp_mbufs_put(c, 1);
		return;
	}
	while (n > 0) {
		for (i = 0; i < n;) {
			struct rte_mbuf *m = c[i];

			c[i] = m->next;
			b[nb++] = m;
			if (nb == TCP_FREE_BATCH) {
				tcp_mbufs_put(b, nb);
				nb = 0;
			}
			if (c[i] == NULL) {
				c[i] = c[--n];
				continue;
			}
			rte_prefetch0_write(c[i]);
			rte_prefetch0_write(RTE_PTR_ADD(c[i], RTE_CACHE_LINE_SIZE));
			i++;
		}
	}
	if (nb > 0)
		tcp_mbufs_put(b, nb);
}

/* Free chain @m, tern's own linking of single-segment mbufs (see tcp_mbufs_put()). */
void
tcp_chain_free(struct rte_mbuf *m)
{
	if (m != NULL)
		tcp_chains_free(&m, 1);
}

/* Free the acknowledged chains the context deferred. */
void
tcp_acked_flush(struct tern_tcp_ctx *tc)
{
	tcp_chains_free(tc->acked, tc->nb_acked);
	tc->nb_acked = 0;
}

void
tcp_seg_free(struct tern_tcp_stream *s, struct tern_tcp_seg *seg)
{
	tcp_chain_free(seg->m);
	tcp_segpool_put(&s->tc->segpool, seg);
}

/* Free entry @seg, acknowledged: its data with the context's deferred chains. */
void
tcp_seg_free_acked(struct tern_tcp_stream *s, struct tern_tcp_seg *seg)
{
	struct tern_tcp_ctx *tc = s->tc;

	if (seg->m != NULL) {
		if (tc->nb_acked == TCP_ACKED_MAX)
			tcp_acked_flush(tc);
		tc->acked[tc->nb_acked++] = seg->m;
		tc->acked_new = true;
	}
	tcp_segpool_put(&tc->segpool, seg);
}

/* Queue a new entry for [snd_nxt, +len) with @flags and send it. */
static int
tcp_send_new(struct tern_tcp_stream *s, uint32_t len, uint16_t flags)
{
	struct tern_tcp_seg *seg;

	/*
	 * The first entry in the retransmit queue: the loss-recovery block
	 * with it; the first ever: the congestion-control block (kept).
	 */
	if (unlikely(tcp_cc_get(s) != 0 || tcp_rec_get(s) != 0))
		return -ENOBUFS;
	seg = tcp_seg_alloc(s);
	if (seg == NULL) {
		tcp_rec_put(s);
		return -ENOBUFS;
	}
	seg->seq = s->snd_nxt;
	seg->flags = flags;
	if (len > 0) {
		seg->m = tcp_sndq_take(s, len);
		if (seg->m == NULL) {
			tcp_segpool_put(&s->tc->segpool, seg);
			tcp_rec_put(s);
			return -ENOBUFS;
		}
		len = seg->m->pkt_len;
	}
	seg->len = len + !!(flags & TERN_TCP_SEG_SYN) + !!(flags & TERN_TCP_SEG_FIN);
	tcp_rtxq_insert(&s->rec->rtxq, seg);
	s->rtxq_bytes += seg->len;
	s->snd_nxt += seg->len;
	if (SEQ_GT(s->snd_nxt, s->snd_max))
		s->snd_max = s->snd_nxt;
	s->bytes_sent += len;
	if (flags & TERN_TCP_SEG_FIN)
		s->tf |= TF_FIN_SENT;
	tcp_xmit_seg(s, seg, false);
	tcp_rtx_schedule(s, 0, false);
	return 0;
}

/* Queue and send our SYN (active open). */
int
tcp_send_syn(struct tern_tcp_stream *s)
{
	return tcp_send_new(s, 0, TERN_TCP_SEG_SYN);
}

/*
 * Retransmit the segments marked lost, oldest mark first, while the
 * congestion window has room for them (RFC 6675 5: NextSeg rule 1; after a
 * timeout, everything not SACKed). @return segments sent; *@blocked: the
 * window (or the device) stopped it before the list was done.
 */
static unsigned int
tcp_output_rtx(struct tern_tcp_stream *s, bool *blocked)
{
	struct tern_tcp_seg *seg;
	unsigned int n = 0;

	*blocked = false;
	TERN_ASSERT(s->rec->lost_head == NULL || s->cc != NULL);
	while ((seg = s->rec->lost_head) != NULL) {
		uint32_t pipe = tcp_pipe(s);
		uint32_t room = s->cc->cwnd > pipe ? s->cc->cwnd - pipe : 0;

		if (room < RTE_MIN(seg->len, (uint32_t)s->mss)) {
			*blocked = true;
			break;
		}
		/* a TSO entry bigger than the room: resend whole MSS of it, the rest waits */
		if (seg->len > room)
			tcp_seg_split(s, seg, seg->seq + room - room % s->mss);
		if (tcp_xmit_seg(s, seg, true) != 0) {
			*blocked = true;
			break;
		}
		n++;
	}
	return n;
}

/* Back to the restart window after an idle period (RFC 5681 4.1). */
static void
tcp_idle_restart(struct tern_tcp_stream *s)
{
	uint32_t rw;

	TERN_ASSERT(s->cc != NULL);	/* rack_xmit_ns is set: a segment was sent */
	rw = tcp_cc_iw(s->cc->mss);

	if (s->cc->cwnd <= rw)
		return;
	s->cc->cwnd = rw;
	if (tcp_cc_of(s)->on_idle_restart != NULL)
		tcp_cc_of(s)->on_idle_restart(s->cc, s->tc->ctx->now_ns);
	TERN_STAT_INC(s->tc->ctx, tcp_idle_restarts);
}

/*
 * Send what the windows allow: retransmissions after a timeout, then new
 * data, then the FIN; an ACK if one is owed and nothing else carried it.
 */
void
tcp_output(struct tern_tcp_stream *s)
{
	uint32_t wnd, flight, avail, len;
	bool sent = false, short_mem = false;

	if (s->tf & TF_DONE)
		return;
	switch (s->state) {
	case TERN_TCP_CLOSED:
	case TERN_TCP_LISTEN:
	case TERN_TCP_TIME_WAIT:
		return;
	case TERN_TCP_SYN_SENT:
	case TERN_TCP_SYN_RECEIVED:
		if (s->tf & TF_ACK_NOW)
			tcp_send_ack(s);
		return;
	default:
		break;
	}
	/* the path MTU cache changed (another connection's ICMP) or an entry aged out */
	if (unlikely(tcp_pmtu_stale(s)))
		tcp_pmtu_refresh(s);
	/*
	 * RFC 5681 4.1: data to send after more than one RTO without sending
	 * (nothing in flight; the last delivered transmission was the last
	 * one): start from the restart window.
	 */
	if (s->sndq_bytes > 0 && s->snd_nxt == s->snd_una && s->rack_xmit_ns != 0 &&
	    !(s->tc->cfg.flags & TERN_TCP_CFG_NO_IDLE_RESTART) &&
	    s->tc->ctx->now_ns - s->rack_xmit_ns > tcp_rto_ns(s))
		tcp_idle_restart(s);
	if (s->rec->lost_head != NULL) {
		bool blocked;

		sent = tcp_output_rtx(s, &blocked) > 0;
		if (blocked)
			goto out;
	}
	for (;;) {
		uint32_t pipe;

		flight = s->snd_nxt - s->snd_una;
		if (s->sndq_bytes > 0) {
			/* new data: within the peer's window and the congestion window's room */
			pipe = tcp_pipe(s);
			wnd = s->snd_wnd > flight ? s->snd_wnd - flight : 0;
			avail = tcp_cwnd(s);
			avail = avail > pipe ? avail - pipe : 0;
			avail = RTE_MIN(avail, wnd);
			len = tcp_min(tcp_min(tcp_seg_max(s), s->sndq_bytes), avail);
			if (len == 0)
				break;
			/* a TSO entry is whole segments, but for the tail of the queue */
			if (len > s->mss && len < s->sndq_bytes)
				len -= len % s->mss;
			if (len < s->mss) {
				/* Nagle (RFC 1122 4.2.3.4): one small segment in flight at most. */
				if (len == s->sndq_bytes && flight > 0 &&
				    !(s->tf & (TF_NODELAY | TF_PUSH | TF_FIN_QUEUED)))
					break;
				/* sender SWS: a window-limited piece must be worth it */
				if (len < s->sndq_bytes && len < s->max_sndwnd / 2 && flight > 0)
					break;
			}
			if (!ctx_tx_room(s->tc->ctx, s->dest.ifindex))
				break;
			if (tcp_send_new(s, len,
					 (s->sndq_bytes == len && (s->tf & TF_FIN_QUEUED)) ?
					 TERN_TCP_SEG_FIN : 0) != 0) {
				short_mem = true;
				break;
			}
			sent = true;
			continue;
		}
		if ((s->tf & (TF_FIN_QUEUED | TF_FIN_SENT)) == TF_FIN_QUEUED) {
			if (tcp_send_new(s, 0, TERN_TCP_SEG_FIN) == 0)
				sent = true;
			else
				short_mem = true;
		}
		break;
	}
	s->tf &= ~TF_PUSH;
	/*
	 * Data waits for a window that is closed and nothing in flight: probe
	 * it. Or no memory for it (no retransmit queue entry or loss-recovery
	 * block) and nothing in flight whose ACK would bring us back: the same
	 * timer tries again (tcp_timer_persist()).
	 */
	if (s->snd_nxt == s->snd_una && s->tmr[TCP_T_PERSIST] == 0 &&
	    ((s->sndq_bytes > 0 && s->snd_wnd < s->mss && s->snd_wnd < s->sndq_bytes) ||
	     unlikely(short_mem)))
		tcp_timer_set(s, TCP_T_PERSIST, s->tc->ctx->now_ns + tcp_rto_ns(s));
out:
	if (!sent && (s->tf & TF_ACK_NOW))
		tcp_send_ack(s);
	TCP_CHECK(s);
}
