/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "tern_tcp_priv.h"

/*
 * TCP input. Segments are checked (length, checksum) as IP hands them up
 * and held until the end of the input burst; then one bulk lookup of the
 * connection hash finds their control blocks, and each is processed in
 * arrival order following RFC 9293 3.10.7 ("SEGMENT ARRIVES"), with RFC
 * 7323 PAWS, RFC 5961 challenge ACKs and RFC 5681/6582 congestion
 * control. Output is deferred to the end of the burst (tcp_post_input):
 * one ACK can answer several segments.
 */

static inline bool
tcp_cksum_ok(struct tern_ctx *ctx, const struct rte_mbuf *m, const struct tern_ip_info *ip)
{
	uint64_t f = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;
	uint32_t phdr;

	if (f == RTE_MBUF_F_RX_L4_CKSUM_GOOD || f == RTE_MBUF_F_RX_L4_CKSUM_NONE) {
		TERN_STAT_INC(ctx, tcp_cksum_rx_hw);
		return true;
	}
	if (f == RTE_MBUF_F_RX_L4_CKSUM_BAD) {
		TERN_STAT_INC(ctx, tcp_cksum_rx_hw);
		return false;
	}
	TERN_STAT_INC(ctx, tcp_cksum_rx_sw);
	phdr = ip->family == 4 ? cksum_phdr4(ip->v4.src, ip->v4.dst, IPPROTO_TCP, ip->l4_len) :
		cksum_phdr6(&ip->v6.src, &ip->v6.dst, IPPROTO_TCP, ip->l4_len);
	return cksum_mbuf(m, 0, ip->l4_len, phdr) == 0;
}

void
tcp_input(struct tern_ctx *ctx, struct rte_mbuf *m, const struct tern_ip_info *ip)
{
	struct tern_tcp_ctx *tc = tcpc(ctx);
	const struct rte_tcp_hdr *th;
	uint16_t hlen;

	TERN_STAT_INC(ctx, tcp_in_segs);
	if (unlikely(ip->bcast)) {
		TERN_STAT_INC(ctx, drop_tcp_bcast);
		goto drop;
	}
	if (unlikely(ip->l4_len < sizeof(*th) || m->data_len < sizeof(*th))) {
		TERN_STAT_INC(ctx, drop_tcp_short);
		goto err;
	}
	th = rte_pktmbuf_mtod(m, const struct rte_tcp_hdr *);
	hlen = (th->data_off >> 4) * 4;
	if (unlikely(hlen < sizeof(*th) || hlen > ip->l4_len)) {
		TERN_STAT_INC(ctx, drop_tcp_bad_off);
		goto err;
	}
	if (unlikely(m->data_len < hlen)) {
		/* options split across segments: not worth a copy */
		TERN_STAT_INC(ctx, drop_tcp_short);
		goto err;
	}
	if (unlikely(!tcp_cksum_ok(ctx, m, ip))) {
		TERN_STAT_INC(ctx, drop_tcp_cksum);
		goto err;
	}
	if (m->pkt_len > ip->l4_len)
		pkt_cut(m, ip->l4_len);
	tc->in[tc->nb_in].m = m;
	tc->in[tc->nb_in].ip = *ip;
	tc->in[tc->nb_in].segs = 1;
	if ((m->ol_flags & RTE_MBUF_F_RX_LRO) && m->tso_segsz != 0 && ip->l4_len > hlen)
		/* a super-segment the NIC coalesced: the segments it stands for */
		tc->in[tc->nb_in].segs = (uint16_t)RTE_MAX(1u, (ip->l4_len - hlen + m->tso_segsz -
							      1u) / m->tso_segsz);
	tcp_key_make(&tc->in_key[tc->nb_in], ip, th->src_port, th->dst_port);
	if (++tc->nb_in == TCP_IN_BATCH)
		tcp_flush_input(tc);
	return;
err:
	TERN_STAT_INC(ctx, tcp_in_errs);
drop:
	rte_pktmbuf_free(m);
}

void
tcp_set_state(struct tern_tcp_stream *s, uint8_t st)
{
	if (st == TERN_TCP_ESTABLISHED && s->state != TERN_TCP_ESTABLISHED)
		TERN_STAT_INC(s->tc->ctx, tcp_conn_established);
	s->state = st;
}

/*
 * The connection is over (closed, reset, timed out): out of the hash, no
 * timers, no queued output. With @err, the received data goes too and the
 * application hears of the error. The control block stays until the
 * application closes its handle.
 */
void
tcp_drop(struct tern_tcp_stream *s, int err)
{
	if (s->tf & TF_DONE)
		return;
	if (s->state == TERN_TCP_SYN_SENT || s->state == TERN_TCP_SYN_RECEIVED)
		TERN_STAT_INC(s->tc->ctx, tcp_attempt_fails);
	else if (err == -ECONNRESET &&
		 (s->state == TERN_TCP_ESTABLISHED || s->state == TERN_TCP_CLOSE_WAIT))
		TERN_STAT_INC(s->tc->ctx, tcp_estab_resets);
	s->tf |= TF_DONE;
	tcp_set_state(s, TERN_TCP_CLOSED);
	if (s->tf & TF_IN_HASH) {
		tcp_hash_del(s->tc, &s->key);
		s->tf &= ~TF_IN_HASH;
	}
	tcp_timer_stop_all(s);
	tcp_sndq_free(s);
	tcp_rtxq_free_all(s);
	if (s->ooo != NULL) {
		tcp_ooo_purge(s->ooo);
		rte_free(s->ooo);
		s->ooo = NULL;
	}
	if (err != 0) {
		tcp_rcvq_free(s);
		s->err = err;
		tcp_post(s, TERN_EV_ERROR, err);
	}
}

/* Free a finished control block the application no longer holds. */
void
tcp_conn_done(struct tern_tcp_stream *s)
{
	if (!(s->tf & TF_DONE) || !(s->tf & TF_APP_CLOSED) || (s->tf & TF_DIRTY))
		return;
	tcp_timer_stop_all(s);
	tcp_stream_purge(s);
	tcp_stream_free(s);
}

/* RFC 5961 7: at most challenge_ack_limit challenge ACKs per second. */
bool
tcp_challenge_ok(struct tern_tcp_ctx *tc)
{
	uint64_t sec = tc->ctx->now_ns / 1000000000ULL;

	if (sec != tc->chal_second) {
		tc->chal_second = sec;
		tc->chal_count = 0;
	}
	if (tc->chal_count >= tc->cfg.challenge_ack_limit) {
		TERN_STAT_INC(tc->ctx, tcp_challenge_limited);
		return false;
	}
	tc->chal_count++;
	return true;
}

/*
 * Per connection, at most one ACK every invalid_ack_ns in answer to invalid
 * segments (out of window, PAWS, RFC 5961 challenges), as Linux does with
 * tcp_invalid_ratelimit: otherwise every blind segment on a live 4-tuple
 * draws an ACK, and two stacks that disagree can loop. Segments with data
 * or a FIN (and no SYN) are exempt, as in Linux: they are not part of an
 * ACK loop, and their duplicate ACK (or D-SACK) may be what the peer's
 * loss recovery waits for. So is a zero-window probe or a keepalive (no
 * data, SEQ = RCV.NXT - 1): the receiver must answer it (RFC 9293
 * 3.8.6.1, RFC 1122 4.2.3.6), and a sender whose probes go unanswered
 * drops a live connection (found by fuzz_tcp_pair: probes every 20-60 ms
 * after one answered, all silenced, the sender timed out). Such a segment
 * needs RCV.NXT, which a blind sender does not know, and our answer is
 * acceptable to the peer, so no loop. @return true if the ACK may go.
 */
static bool
tcp_invalid_ack_ok(struct tern_tcp_stream *s, const struct tcp_seg_in *si)
{
	const struct tern_tcp_ctx *tc = s->tc;
	uint64_t now = s->tc->ctx->now_ns;

	if ((si->len > 0 || (si->flags & TH_FIN)) && !(si->flags & TH_SYN))
		return true;
	if (si->len == 0 && !(si->flags & (TH_SYN | TH_FIN | TH_RST)) &&
	    si->seq == s->rcv_nxt - 1)
		return true;
	if (tc->cfg.flags & TERN_TCP_CFG_NO_INVALID_ACK_LIMIT)
		return true;
	if (s->invalid_ack_t != 0 &&
	    (uint32_t)(tcp_t20(now) - s->invalid_ack_t) < (uint32_t)(tc->cfg.invalid_ack_ns >> TCP_T20_SHIFT)) {
		TERN_STAT_INC(s->tc->ctx, tcp_invalid_ack_limited);
		return false;
	}
	s->invalid_ack_t = tcp_t20(now) != 0 ? tcp_t20(now) : 1;
	return true;
}

static void
tcp_challenge_ack(struct tern_tcp_stream *s, const struct tcp_seg_in *si)
{
	if (!tcp_invalid_ack_ok(s, si) || !tcp_challenge_ok(s->tc))
		return;
	TERN_STAT_INC(s->tc->ctx, tcp_challenge_acks);
	tcp_send_ack(s);
}

/* Take the peer's SYN options into @s (both SYNs seen: what both offered). */
static void
tcp_syn_opts_apply(struct tern_tcp_stream *s, const struct tcp_seg_in *si)
{
	const struct tern_tcp_opts *o = &si->opts;
	const struct tern_tcp_config *cfg = &s->tc->cfg;
	/* RFC 9293 3.7.1: without the option, 536 (IPv4) or 1220 (IPv6) */
	uint16_t peer_mss = (o->flags & TERN_TCP_OPT_F_MSS) ? o->mss :
		(s->key.family == 4 ? 536 : 1220);
	if ((o->flags & TERN_TCP_OPT_F_WS) && !(cfg->flags & TERN_TCP_CFG_NO_WSCALE)) {
		s->tf |= TF_WS_OK;
		s->snd_ws = o->wscale;
	} else {
		s->snd_ws = 0;
		s->rcv_ws = 0;
	}
	if ((o->flags & TERN_TCP_OPT_F_TS) && !(cfg->flags & TERN_TCP_CFG_NO_TS)) {
		s->tf |= TF_TS_OK;
		s->ts_recent = o->ts_val;
		s->ts_recent_t = tcp_t20(s->tc->ctx->now_ns);
	}
	if (o->sack_permitted && !(cfg->flags & TERN_TCP_CFG_NO_SACK))
		s->tf |= TF_SACK_OK;
	tcp_set_mss(s, peer_mss);
}

/*
 * The data a segment carries at most: the peer's MSS or our MTU's, less
 * the timestamps every segment carries (RFC 6691: the MSS option counts no
 * TCP options).
 */
void
tcp_set_mss(struct tern_tcp_stream *s, uint16_t peer_mss)
{
	uint32_t mss;

	/* a path MTU kept for the destination: start below it (RFC 1191 6.3) */
	if (tcp_pmtu_stale(s)) {
		s->pmtu = net_pmtu_get(s->tc->ctx, s->key.family, s->key.raddr, NULL);
		s->pmtu_gen = net_pmtu_gen(s->tc->ctx);
	}
	s->peer_mss = peer_mss;
	mss = tcp_min(peer_mss, tcp_path_mss(s));
	if (s->tf & TF_TS_OK)
		mss -= TERN_TCPOLEN_TS + 2;
	s->mss = (uint16_t)tcp_max(mss, 64);
	if (s->cc != NULL)
		s->cc->mss = s->mss;
}

static void
tcp_established(struct tern_tcp_stream *s)
{
	tcp_set_state(s, TERN_TCP_ESTABLISHED);
	s->backoff = 0;
	if (s->tf & TF_FIN_QUEUED)
		tcp_set_state(s, TERN_TCP_FIN_WAIT_1);	/* shut before it connected */
	if (s->tf & TF_KEEPALIVE)
		tcp_timer_set_keep(s, s->tc->ctx->now_ns + tcp_keepidle_ns(s));
}

/* Drop @d bytes from the front of a chain of single-segment mbufs. */
struct rte_mbuf *
tcp_chain_trim_front(struct rte_mbuf *m, uint32_t d)
{
	uint32_t total = m != NULL ? m->pkt_len : 0;
	uint16_t nb = m != NULL ? m->nb_segs : 0;

	while (m != NULL && d >= m->data_len) {
		struct rte_mbuf *next = m->next;

		d -= m->data_len;
		total -= m->data_len;
		nb--;
		m->next = NULL;
		m->nb_segs = 1;
		m->pkt_len = m->data_len;
		rte_pktmbuf_free_seg(m);
		m = next;
	}
	if (m != NULL) {
		m->data_off += (uint16_t)d;
		m->data_len -= (uint16_t)d;
		m->pkt_len = total - d;
		m->nb_segs = nb;
	}
	return m;
}

/*
 * Timestamps: remember the newest TSval from a segment at the left edge
 * (RFC 7323 4.3: SEG.SEQ <= Last.ACK.sent), the one our ACKs echo.
 */
static inline void
tcp_ts_recent_update(struct tern_tcp_stream *s, const struct tcp_seg_in *si)
{
	if ((s->tf & TF_TS_OK) && (si->opts.flags & TERN_TCP_OPT_F_TS) &&
	    SEQ_LEQ(si->seq, s->last_ack_sent) && SEQ_GEQ(si->opts.ts_val, s->ts_recent)) {
		s->ts_recent = si->opts.ts_val;
		s->ts_recent_t = tcp_t20(s->tc->ctx->now_ns);
	}
}

/*
 * Send window update from a segment (RFC 9293 3.10.7.4, fifth check), or
 * from one whose ACK is newer than the one the window came with (as Linux
 * does): the peer's ACKs only grow, so that segment was sent later, even
 * if its sequence number is older (a retransmission of the peer's data).
 * The window counts from SND.UNA; a newer ACK whose window was ignored
 * moved the right edge past what the peer offered (found by
 * fuzz_tcp_pair: 417 bytes sent past a window, then retransmitted into
 * the zero window until the retries ran out).
 */
static void
tcp_update_wnd(struct tern_tcp_stream *s, const struct tcp_seg_in *si)
{
	uint32_t wnd = si->wnd << s->snd_ws;

	if (SEQ_LT(s->snd_wl1, si->seq) ||
	    (s->snd_wl1 == si->seq && SEQ_LEQ(s->snd_wl2, si->ack)) ||
	    SEQ_GT(si->ack, s->snd_wl2)) {
		bool opened = wnd > s->snd_wnd;

		s->snd_wnd = wnd;
		if (SEQ_GT(si->seq, s->snd_wl1))
			s->snd_wl1 = si->seq;
		s->snd_wl2 = si->ack;
		if (wnd > s->max_sndwnd)
			s->max_sndwnd = wnd;
		if (opened && s->tmr[TCP_T_PERSIST] != 0) {
			/*
			 * The peer answers. The probes' backoff is not the
			 * retransmissions': left in place, the first RTO of the
			 * data this window lets go counted every probe as a
			 * retransmission and could drop the connection at once
			 * (found by fuzz_tcp_pair: a window opened by less than
			 * an MSS, the data sent, the first RTO over the limit).
			 */
			s->pprobes = 0;
			if (s->snd_max == s->snd_una)
				s->backoff = 0;
			if (wnd >= s->mss)
				tcp_timer_clear(s, TCP_T_PERSIST);
		}
		if (opened)
			tcp_mark_dirty(s);
	}
}

static void
tcp_check_writable(struct tern_tcp_stream *s)
{
	uint32_t used = s->sndq_bytes + s->rtxq_bytes;

	if ((s->tf & TF_WANT_WRITABLE) && s->snd_buf > used &&
	    s->snd_buf - used >= RTE_MIN(s->snd_buf / 4, 65536u)) {
		s->tf &= ~TF_WANT_WRITABLE;
		tcp_post(s, TERN_EV_WRITABLE, 0);
	}
}

/* Our FIN was acknowledged. @return false if @s is gone from the hash (TIME_WAIT, closed). */
static bool
tcp_fin_acked(struct tern_tcp_stream *s)
{
	switch (s->state) {
	case TERN_TCP_FIN_WAIT_1:
		tcp_set_state(s, TERN_TCP_FIN_WAIT_2);
		if (s->tf & TF_APP_CLOSED)
			tcp_timer_set(s, TCP_T_KEEP, s->tc->ctx->now_ns + s->tc->cfg.fin_wait2_ns);
		return true;
	case TERN_TCP_CLOSING:
		tcp_tw_enter(s);
		return false;
	case TERN_TCP_LAST_ACK:
		tcp_drop(s, 0);
		return false;
	default:
		return true;
	}
}

/* Data for the application, in order: to the receive queue. */
static void
tcp_rcvq_append(struct tern_tcp_stream *s, struct rte_mbuf *m, uint32_t len)
{
	while (m != NULL) {
		struct rte_mbuf *next = m->next;

		m->next = NULL;
		if (m->data_len == 0) {
			m->nb_segs = 1;
			rte_pktmbuf_free_seg(m);
			m = next;
			continue;
		}
		m->nb_segs = 1;
		m->pkt_len = m->data_len;
		if (s->rcvq_tail == NULL)
			s->rcvq_head = m;
		else
			s->rcvq_tail->next = m;
		s->rcvq_tail = m;
		m = next;
	}
	s->rcvq_bytes += len;
	s->bytes_received += len;
	if (s->rcvq_head != NULL && !(s->tf & TF_READABLE_POSTED)) {
		s->tf |= TF_READABLE_POSTED;
		tcp_post(s, TERN_EV_READABLE, 0);
	}
}

/* Data [l, r) came twice: report it in the next ACK (RFC 2883 4). */
static void
tcp_dsack_note(struct tern_tcp_stream *s, uint32_t l, uint32_t r)
{
	if (!(s->tf & TF_SACK_OK) || !SEQ_LT(l, r))
		return;
	s->dsack[0] = l;
	s->dsack[1] = r;
	s->tf |= TF_DSACK;
}

/* In-order data: to the receive queue, or counted and freed after SHUT_RD. */
static void
tcp_rcv_deliver(struct tern_tcp_stream *s, struct rte_mbuf *m, uint32_t len)
{
	if (s->tf & TF_RD_SHUT) {
		rte_pktmbuf_free(m);
		s->bytes_received += len;
	} else {
		tcp_rcvq_append(s, m, len);
	}
}

/* The peer's FIN, in order. @return false if @s left the hash (TIME_WAIT). */
static bool
tcp_fin_in(struct tern_tcp_stream *s)
{
	s->rcv_nxt++;
	s->tf |= TF_FIN_RCVD | TF_ACK_NOW;
	s->tf &= ~TF_OOO_FIN;
	tcp_post(s, TERN_EV_CLOSED, 0);
	switch (s->state) {
	case TERN_TCP_SYN_RECEIVED:
	case TERN_TCP_ESTABLISHED:
		tcp_set_state(s, TERN_TCP_CLOSE_WAIT);
		break;
	case TERN_TCP_FIN_WAIT_1:
		tcp_set_state(s, TERN_TCP_CLOSING);
		break;
	case TERN_TCP_FIN_WAIT_2:
		tcp_send_ack(s);
		tcp_tw_enter(s);
		return false;
	default:
		break;
	}
	return true;
}

/* Segment text (RFC 9293 3.10.7.4, seventh check) and FIN. */
static void
tcp_data_in(struct tern_tcp_stream *s, struct rte_mbuf *m, struct tcp_seg_in *si)
{
	bool fin = si->flags & TH_FIN;
	uint32_t len = si->len;

	if (len > 0 && (s->tf & TF_APP_CLOSED)) {
		/* RFC 1122 4.2.2.13: data after the close: reset */
		TERN_STAT_INC(s->tc->ctx, drop_tcp_after_close);
		rte_pktmbuf_free(m);
		tcp_send_ctl(s, TH_RST | TH_ACK, s->snd_nxt);
		tcp_drop(s, -ECONNRESET);
		return;
	}
	if (len == 0 || s->state == TERN_TCP_CLOSE_WAIT || s->state == TERN_TCP_CLOSING ||
	    s->state == TERN_TCP_LAST_ACK || s->state == TERN_TCP_TIME_WAIT) {
		rte_pktmbuf_free(m);
		len = 0;
		if (fin && si->seq != s->rcv_nxt && !(s->tf & TF_FIN_RCVD)) {
			/* a bare FIN past a hole: kept for later, the hole ACKed now */
			s->ooo_fin = si->seq;
			s->tf |= TF_OOO_FIN;
			TERN_STAT_INC(s->tc->ctx, tcp_ooo_segs);
			tcp_send_ack(s);
			return;
		}
	} else if (si->seq == s->rcv_nxt) {
		bool hole_filled = s->ooo != NULL && s->ooo->nb > 0;

		/*
		 * Two segments or more are owed an ACK and more data came in
		 * the same burst: that ACK goes now, so that an ACK covers at
		 * most two segments (RFC 5681 4.2; RFC 9293 3.8.6.3), not the
		 * whole burst. The last is still left to the end of the burst,
		 * where data may carry it. A GRO run counts once: it reaches
		 * here as one segment, and is acknowledged as one.
		 */
		if (s->segs_unacked >= 2 && (s->tf & TF_ACK_NOW) &&
		    tcp_send_ctl(s, TH_ACK, s->snd_nxt) == 0) {
			TERN_STAT_INC(s->tc->ctx, tcp_acks_in_burst);
			/* this segment is at Last.ACK.sent now: its TSval is the one to echo */
			tcp_ts_recent_update(s, si);
		}
		s->rcv_nxt += len;
		tcp_rcv_deliver(s, m, len);
		if (hole_filled) {
			struct rte_mbuf *tail;
			uint32_t n, nb;
			struct rte_mbuf *h = tcp_ooo_pull(s->ooo, s->rcv_nxt, &tail, &n, &nb);

			if (h != NULL) {
				s->rcv_nxt += n;
				tcp_rcv_deliver(s, h, n);
			}
			s->tf |= TF_ACK_NOW;
		}
		/* ACK every second segment (RFC 9293 3.8.6.3), else delay */
		s->segs_unacked += si->segs;
		if (s->segs_unacked >= 2) {
			s->tf |= TF_ACK_NOW;
		} else if (!(s->tf & TF_ACK_NOW)) {
			s->tf |= TF_DELACK;
			if (s->tmr[TCP_T_DELACK] == 0)
				tcp_timer_set(s, TCP_T_DELACK,
					      s->tc->ctx->now_ns + s->tc->cfg.delack_ns);
		}
	} else {
		struct tern_tcp_sack_block dsack;
		int ret;

		if (s->ooo == NULL) {
			s->ooo = rte_zmalloc_socket("tern_tcp_ooo", sizeof(*s->ooo), 0,
						    s->tc->ctx->socket_id);
			if (s->ooo == NULL) {
				TERN_STAT_INC(s->tc->ctx, drop_tcp_ooo_full);
				rte_pktmbuf_free(m);
				s->tf |= TF_ACK_NOW;
				return;
			}
			tcp_ooo_init(s->ooo);
		}
		TERN_STAT_INC(s->tc->ctx, tcp_ooo_segs);
		ret = tcp_ooo_insert(s->ooo, s->rcv_nxt, si->seq, m, len, &dsack);
		if (ret < 0)
			TERN_STAT_INC(s->tc->ctx, drop_tcp_ooo_full);
		else if (dsack.left != dsack.right)
			tcp_dsack_note(s, dsack.left, dsack.right);
		if (fin) {
			s->ooo_fin = si->seq + len;
			s->tf |= TF_OOO_FIN;
		}
		/*
		 * RFC 5681 4.2: an out-of-order segment elicits an immediate
		 * duplicate ACK, one per segment (with its SACK blocks, RFC
		 * 2018 4): the sender counts them for fast retransmit, so
		 * they must not be folded into one ACK per input burst.
		 */
		tcp_send_ack(s);
		return;
	}
	if (fin && si->seq + len == s->rcv_nxt) {
		tcp_fin_in(s);
		return;
	}
	if ((s->tf & TF_OOO_FIN) && s->rcv_nxt == s->ooo_fin)
		tcp_fin_in(s);
}

/* SYN_SENT (RFC 9293 3.10.7.3). */
static void
tcp_syn_sent_in(struct tern_tcp_stream *s, struct rte_mbuf *m, struct tcp_seg_in *si)
{
	bool ack_ok = false;

	if (si->flags & TH_ACK) {
		if (SEQ_LEQ(si->ack, s->iss) || SEQ_GT(si->ack, s->snd_max)) {
			TERN_STAT_INC(s->tc->ctx, drop_tcp_syn_sent_bad);
			if (!(si->flags & TH_RST))
				tcp_send_ctl(s, TH_RST, si->ack);
			goto drop;
		}
		ack_ok = true;
	}
	if (si->flags & TH_RST) {
		if (ack_ok) {
			TERN_STAT_INC(s->tc->ctx, tcp_in_rsts);
			tcp_drop(s, -ECONNREFUSED);
		} else {
			TERN_STAT_INC(s->tc->ctx, drop_tcp_syn_sent_bad);
		}
		goto drop;
	}
	if (!(si->flags & TH_SYN)) {
		TERN_STAT_INC(s->tc->ctx, drop_tcp_syn_sent_bad);
		goto drop;
	}
	s->irs = si->seq;
	s->rcv_nxt = si->seq + 1;
	/*
	 * The window our SYN offered (unscaled, RFC 7323 2.2) holds from
	 * RCV.NXT on: data on the SYN-ACK may fill it. (RCV.NXT alone put the
	 * edge behind the data taken from a SYN-ACK.)
	 */
	s->rcv_adv = s->rcv_nxt + RTE_MIN(tcp_rcv_space(s), (uint32_t)UINT16_MAX);
	s->last_ack_sent = s->rcv_nxt;
	tcp_syn_opts_apply(s, si);
	tcp_cc_init(s);
	s->snd_wl1 = si->seq;
	s->snd_wl2 = si->ack;
	if (ack_ok) {
		/* SYN-ACK: a SYN never has its window scaled */
		s->snd_wnd = si->wnd;
		s->max_sndwnd = s->snd_wnd;
		tcp_ack_recv(s, si, false);
		tcp_established(s);
		s->tf |= TF_ACK_NOW | TF_CONNECTED_POSTED;
		tcp_post(s, TERN_EV_CONNECTED, 0);
		si->seq++;		/* past the SYN: data may follow */
		si->flags &= ~TH_SYN;
		if (si->len > 0 || (si->flags & TH_FIN)) {
			tcp_data_in(s, m, si);
			m = NULL;
		}
		tcp_mark_dirty(s);
		goto drop;
	}
	/* Simultaneous open: our SYN goes again with an ACK. */
	s->snd_wnd = si->wnd;
	s->max_sndwnd = s->snd_wnd;
	tcp_set_state(s, TERN_TCP_SYN_RECEIVED);
	{
		struct tern_tcp_seg *seg = tcp_rtxq_first(&s->rec->rtxq);

		if (seg != NULL)
			tcp_xmit_seg(s, seg, true);
	}
drop:
	rte_pktmbuf_free(m);
}

/*
 * A pure duplicate ACK that only lost a race with a newer segment carries an
 * older timestamp; PAWS would drop it with the SACK blocks it brings, which
 * loss recovery needs under reordering. Let it through when it can do no
 * harm: no data, at RCV.NXT, acking exactly SND.UNA, not changing the window,
 * and its timestamp at most one RTO older than TS.Recent (an old duplicate
 * from a previous incarnation is far older than that).
 */
static bool
tcp_disordered_ack(const struct tern_tcp_stream *s, const struct tcp_seg_in *si)
{
	uint64_t rto_ticks;

	if (si->len != 0 || (si->flags & (TH_SYN | TH_FIN | TH_RST)) || !(si->flags & TH_ACK))
		return false;
	if (si->seq != s->rcv_nxt || si->ack != s->snd_una ||
	    (si->wnd << s->snd_ws) != s->snd_wnd)
		return false;
	rto_ticks = tcp_rto_ns(s) * TCP_TS_HZ / 1000000000ULL + 1;
	return (uint64_t)(s->ts_recent - si->opts.ts_val) <= rto_ticks;
}

/*
 * A segment for a connection in a synchronized state or SYN_RECEIVED
 * (RFC 9293 3.10.7.4).
 */
void
tcp_conn_input(struct tern_tcp_stream *s, struct rte_mbuf *m, struct tcp_seg_in *si)
{
	struct tern_ctx *ctx = s->tc->ctx;
	uint32_t rcv_wnd, seglen, d;
	bool ok;

	if (unlikely(s->state < TERN_TCP_ESTABLISHED)) {
		if (s->state == TERN_TCP_SYN_SENT) {
			tcp_syn_sent_in(s, m, si);
			return;
		}
		if (s->tf & TF_SYN_HELD) {
			tcp_held_input(s, m, si);
			return;
		}
	}
	s->idle_t = tcp_t20(ctx->now_ns);
	s->kprobes = 0;

	/* PAWS (RFC 7323 5.3) */
	if ((s->tf & TF_TS_OK) && (si->opts.flags & TERN_TCP_OPT_F_TS) && !(si->flags & TH_RST) &&
	    SEQ_LT(si->opts.ts_val, s->ts_recent) &&
	    tcp_t20_age(ctx->now_ns, s->ts_recent_t) < TCP_PAWS_IDLE_NS && !tcp_disordered_ack(s, si)) {
		TERN_STAT_INC(ctx, tcp_paws_rejects);
		TERN_STAT_INC(ctx, drop_tcp_paws);
		if ((si->len > 0 || (si->flags & (TH_SYN | TH_FIN))) && tcp_invalid_ack_ok(s, si)) {
			/* answer data, not a stale pure ACK (no ACK ping-pong) */
			s->tf |= TF_ACK_NOW;
			tcp_mark_dirty(s);
		}
		goto drop;
	}

	/* first: sequence number acceptable? */
	rcv_wnd = SEQ_GT(s->rcv_adv, s->rcv_nxt) ? s->rcv_adv - s->rcv_nxt : 0;
	seglen = si->len + !!(si->flags & TH_SYN) + !!(si->flags & TH_FIN);
	if (seglen == 0)
		ok = rcv_wnd == 0 ? si->seq == s->rcv_nxt :
			SEQ_IN(si->seq, s->rcv_nxt, s->rcv_nxt + rcv_wnd);
	else
		ok = rcv_wnd != 0 &&
			(SEQ_IN(si->seq, s->rcv_nxt, s->rcv_nxt + rcv_wnd) ||
			 SEQ_IN(si->seq + seglen - 1, s->rcv_nxt, s->rcv_nxt + rcv_wnd));
	if (!ok && seglen > 0 && rcv_wnd == 0 && si->seq == s->rcv_nxt)
		ok = true;	/* a probe at the edge of a zero window: ACK processing only */
	if (!ok) {
		if (!(si->flags & TH_RST)) {
			if (tcp_invalid_ack_ok(s, si)) {
				s->tf |= TF_ACK_NOW;
				tcp_mark_dirty(s);
			}
			TERN_STAT_INC(ctx, drop_tcp_out_of_window);
			if (si->len > 0 && SEQ_LEQ(si->seq + si->len, s->rcv_nxt))
				tcp_dsack_note(s, si->seq, si->seq + si->len);	/* RFC 2883 4.1.1 */
		} else {
			TERN_STAT_INC(ctx, drop_tcp_rst_invalid);
		}
		goto drop;
	}

	/* second: RST (RFC 5961 3.2) */
	if (si->flags & TH_RST) {
		if (si->seq != s->rcv_nxt) {
			tcp_challenge_ack(s, si);
			TERN_STAT_INC(ctx, drop_tcp_rst_invalid);
			goto drop;
		}
		TERN_STAT_INC(ctx, tcp_in_rsts);
		if (s->state == TERN_TCP_SYN_RECEIVED)
			tcp_drop(s, -ECONNREFUSED);
		else if (s->state == TERN_TCP_CLOSING || s->state == TERN_TCP_LAST_ACK)
			tcp_drop(s, 0);
		else
			tcp_drop(s, -ECONNRESET);
		goto drop;
	}

	/* fourth: SYN in a synchronized state (RFC 5961 4.2) */
	if (si->flags & TH_SYN) {
		tcp_challenge_ack(s, si);
		goto drop;
	}

	/* fifth: ACK */
	if (!(si->flags & TH_ACK)) {
		TERN_STAT_INC(ctx, drop_tcp_no_ack);
		goto drop;
	}
	if (s->state == TERN_TCP_SYN_RECEIVED) {
		if (!(SEQ_LT(s->snd_una, si->ack) && SEQ_LEQ(si->ack, s->snd_max))) {
			tcp_send_ctl(s, TH_RST, si->ack);
			goto drop;
		}
		s->snd_wnd = si->wnd << s->snd_ws;
		s->max_sndwnd = s->snd_wnd;
		s->snd_wl1 = si->seq;
		s->snd_wl2 = si->ack;
		tcp_established(s);
		if (!(s->tf & TF_CONNECTED_POSTED)) {
			s->tf |= TF_CONNECTED_POSTED;
			tcp_post(s, TERN_EV_CONNECTED, 0);
		}
	}
	/* RFC 5961 5.2: an ACK must fall in [SND.UNA - MAX.SND.WND, SND.NXT] */
	if (SEQ_GT(si->ack, s->snd_max)) {
		TERN_STAT_INC(ctx, drop_tcp_future_ack);
		tcp_challenge_ack(s, si);
		goto drop;
	}
	if (SEQ_LT(si->ack, s->snd_una - s->max_sndwnd)) {
		TERN_STAT_INC(ctx, drop_tcp_old_ack);
		tcp_challenge_ack(s, si);
		goto drop;
	}

	s->pprobes = 0;		/* the peer answers: zero-window probing may go on */

	tcp_ts_recent_update(s, si);

	{
		/* RFC 5681 2: a duplicate ACK */
		bool is_dup = si->ack == s->snd_una && si->len == 0 && !(si->flags & TH_FIN) &&
			(si->wnd << s->snd_ws) == s->snd_wnd && s->snd_max != s->snd_una;
		bool acked = SEQ_GT(si->ack, s->snd_una);

		if (acked || is_dup || ((s->tf & TF_SACK_OK) && si->opts.nb_sack > 0))
			tcp_ack_recv(s, si, is_dup);
		if (acked) {
			tcp_check_writable(s);
			if ((s->tf & TF_FIN_SENT) && s->snd_una == s->snd_max) {
				tcp_update_wnd(s, si);
				if (!tcp_fin_acked(s))
					goto drop;
			}
		} else if (si->ack == s->snd_una && si->len > 0 && !(s->tf & TF_SACK_OK)) {
			s->dupacks = 0;
		}
	}
	tcp_update_wnd(s, si);

	/* trim to the window: the part already received, the part past it */
	if (SEQ_LT(si->seq, s->rcv_nxt)) {
		d = s->rcv_nxt - si->seq;
		if (d > si->len) {
			/* nothing new but maybe the FIN: seq + len is rcv_nxt - 1 at most */
			if ((si->flags & TH_FIN) && si->seq + si->len != s->rcv_nxt)
				si->flags &= ~TH_FIN;
			d = si->len;
		}
		if (d > 0) {
			m = tcp_chain_trim_front(m, d);
			s->tf |= TF_ACK_NOW;	/* a duplicate: the peer missed our ACK */
			tcp_dsack_note(s, si->seq, si->seq + d);
		}
		si->seq += d;
		si->len -= d;
	}
	if (si->len > 0 && SEQ_GT(si->seq + si->len, s->rcv_nxt + rcv_wnd)) {
		uint32_t keep = s->rcv_nxt + rcv_wnd - si->seq;

		if (SEQ_LT(s->rcv_nxt + rcv_wnd, si->seq))
			keep = 0;
		TERN_STAT_INC(ctx, drop_tcp_rcvbuf);
		si->flags &= ~TH_FIN;
		if (keep == 0) {
			rte_pktmbuf_free(m);
			m = NULL;
		} else {
			pkt_cut(m, keep);
		}
		si->len = keep;
		s->tf |= TF_ACK_NOW;
	}
	if (si->len > 0 || (si->flags & TH_FIN)) {
		tcp_data_in(s, m, si);
		m = NULL;
	}
	tcp_mark_dirty(s);
drop:
	rte_pktmbuf_free(m);
}

/* A segment to a listener (RFC 9293 3.10.7.2). */
static void
tcp_listen_in(struct tern_tcp_ctx *tc, struct tern_tcp_stream *l, struct rte_mbuf *m,
	      const struct tern_ip_info *ip, struct tcp_seg_in *si)
{
	if (si->flags & TH_RST) {
		TERN_STAT_INC(tc->ctx, drop_tcp_listen_bad);
		goto drop;
	}
	if (si->flags & TH_ACK) {
		if (!(si->flags & TH_SYN) && tcp_cookie_ack_input(tc, l, m, ip, si))
			return;
		TERN_STAT_INC(tc->ctx, drop_tcp_listen_bad);
		tcp_send_rst_reply(tc->ctx, ip, si);
		goto drop;
	}
	if (!(si->flags & TH_SYN)) {
		TERN_STAT_INC(tc->ctx, drop_tcp_listen_bad);
		goto drop;
	}
	if (si->opts_err != 0) {
		TERN_STAT_INC(tc->ctx, drop_tcp_bad_opts);
		goto drop;
	}
	tcp_syn_input(tc, l, m, ip, si);
	return;
drop:
	rte_pktmbuf_free(m);
}

/* Parse a held segment and hand it to its owner. */
static void
tcp_segment(struct tern_tcp_ctx *tc, struct rte_mbuf *m, const struct tern_ip_info *ip,
	    const struct tern_tcp_key *key, uint16_t segs, void *rec, unsigned int tag)
{
	const struct rte_tcp_hdr *th = rte_pktmbuf_mtod(m, const struct rte_tcp_hdr *);
	struct tern_tcp_stream *s, *l;
	struct tcp_seg_in si;

	si.th = th;
	si.key = key;
	si.segs = segs;
	si.hlen = (th->data_off >> 4) * 4;
	si.seq = rte_be_to_cpu_32(th->sent_seq);
	si.ack = rte_be_to_cpu_32(th->recv_ack);
	si.wnd = rte_be_to_cpu_16(th->rx_win);
	si.flags = th->tcp_flags & 0x3f;
	si.opts_err = tcp_opts_parse((const uint8_t *)(th + 1), si.hlen - sizeof(*th),
					  &si.opts);
	si.len = ip->l4_len - si.hlen;
	if (unlikely((si.flags & (TH_SYN | TH_FIN)) == (TH_SYN | TH_FIN) ||
		     (si.flags & (TH_SYN | TH_RST)) == (TH_SYN | TH_RST))) {
		TERN_STAT_INC(tc->ctx, drop_tcp_bad_flags);
		goto drop;
	}
	/* What travels on is the payload (headers dropped), the parsed header in si. */
	if (si.len > 0) {
		rte_pktmbuf_adj(m, si.hlen);
	}
	switch (tag) {
	case TCP_REC_TCB:
		if (rec != NULL) {
			s = rec;
			tcp_conn_input(s, si.len > 0 ? m : (rte_pktmbuf_free(m), NULL), &si);
			if (!(s->tf & TF_DONE))
				TCP_CHECK(s);
			if ((s->tf & TF_DONE) && !(s->tf & TF_DIRTY))
				tcp_conn_done(s);
			return;
		}
		break;
	case TCP_REC_SYN:
		tcp_syn_ack_input(tc, rec, m, ip, &si);
		return;
	case TCP_REC_TW:
		if (tcp_tw_input(tc, rec, m, ip, &si))
			return;
		break;
	}
	/* an address not ours: only a transparent listener may answer for it */
	l = likely(!ip->transparent) ? tcp_listener_lookup(tc, ip, th->dst_port) :
		tcp_tproxy_listener(tc, ip, th->dst_port);
	if (l != NULL) {
		tcp_listen_in(tc, l, m, ip, &si);
		return;
	}
	TERN_STAT_INC(tc->ctx, drop_tcp_noport);
	tcp_send_rst_reply(tc->ctx, ip, &si);
drop:
	rte_pktmbuf_free(m);
}

/* Process the held segments: one bulk lookup, then each in order. */
/*
 * Why not rte_gro: rte_gro_reassemble() merges a burst before TCP sees it,
 * by 4-tuple and sequence alone; here a run is merged only from RCV.NXT on
 * (each out-of-order segment must still draw its duplicate ACK), with the
 * connection already looked up once for the run.
 *
 * GRO: fold segment @b into @a, the one before it in the burst, of the same
 * connection, the run starting at RCV.NXT (tcp_flush_input checks it). Only
 * plain data in order: @a carries ACK alone, @b ACK and maybe PSH (which
 * ends the run), both data, the same ACK, window and option bytes (so the
 * same timestamps), @b starting where @a ends. The merged
 * segment goes to TCP input as one, counting for @a->segs + @b->segs
 * (delayed ACKs and byte counting see them all).
 * *@tail is the last segment of @a's chain, moved on to @b's (not walked
 * to for each merge, as rte_pktmbuf_chain() does).
 * @return true if merged (@b->m is then NULL).
 */
static bool
tcp_gro_merge(struct tern_tcp_ctx *tc, struct tcp_in_pkt *a, struct tcp_in_pkt *b,
	      struct rte_mbuf **tail)
{
	struct rte_tcp_hdr *ta = rte_pktmbuf_mtod(a->m, struct rte_tcp_hdr *);
	const struct rte_tcp_hdr *tb = rte_pktmbuf_mtod(b->m, const struct rte_tcp_hdr *);
	uint16_t ha = (ta->data_off >> 4) * 4, hb = ha;
	uint32_t la = a->ip.l4_len - ha, lb = b->ip.l4_len - hb, o;
	uint8_t ba[8], bb[8];
	uint64_t wa, wb, d;
	uint32_t x, y;

	/*
	 * Bytes 8 to 15 at once: the ACK number, the data offset (so the same
	 * header length), the window; the flags byte (13) apart.
	 */
	memcpy(ba, &ta->recv_ack, 8);
	memcpy(bb, &tb->recv_ack, 8);
	ba[5] = bb[5] = 0;
	memcpy(&wa, ba, 8);
	memcpy(&wb, bb, 8);
	d = wa ^ wb;
	/* the options (the same length): NOP, NOP, timestamps at once, else by words */
	if (d == 0 && ha == sizeof(*ta) + 2 + TERN_TCPOLEN_TS) {
		memcpy(&wa, ta + 1, 8);
		memcpy(&wb, tb + 1, 8);
		memcpy(&x, (const uint8_t *)(ta + 1) + 8, 4);
		memcpy(&y, (const uint8_t *)(tb + 1) + 8, 4);
		d = (wa ^ wb) | (x ^ y);
	} else {
		for (o = sizeof(*ta); d == 0 && o < ha; o += 4) {
			memcpy(&x, (const uint8_t *)ta + o, 4);
			memcpy(&y, (const uint8_t *)tb + o, 4);
			d |= x ^ y;
		}
	}
	if (d != 0 || la == 0 || lb == 0 ||
	    (ta->tcp_flags & 0x3f) != TH_ACK || (tb->tcp_flags & 0x3f & ~TH_PSH) != TH_ACK ||
	    rte_be_to_cpu_32(tb->sent_seq) != rte_be_to_cpu_32(ta->sent_seq) + la ||
	    (uint32_t)a->ip.l4_len + lb > UINT16_MAX ||
	    a->m->nb_segs + b->m->nb_segs > RTE_MBUF_MAX_NB_SEGS)
		return false;
	ta->tcp_flags |= tb->tcp_flags & TH_PSH;
	rte_pktmbuf_adj(b->m, hb);
	(*tail)->next = b->m;
	a->m->nb_segs = (uint16_t)(a->m->nb_segs + b->m->nb_segs);
	a->m->pkt_len += b->m->pkt_len;
	*tail = rte_pktmbuf_lastseg(b->m);
	b->m->pkt_len = b->m->data_len;
	a->ip.l4_len = (uint16_t)(a->ip.l4_len + lb);
	a->segs = (uint16_t)(a->segs + b->segs);
	b->m = NULL;
	TERN_STAT_INC(tc->ctx, tcp_gro_merged);
	return true;
}

/* @a and @b are the same connection's key (all 40 bytes, as tcp_key_make writes them). */
static inline bool
tcp_key_same(const struct tern_tcp_key *a, const struct tern_tcp_key *b)
{
	uint64_t x[5], y[5];

	RTE_BUILD_BUG_ON(sizeof(*a) != sizeof(x));
	memcpy(x, a, sizeof(x));
	memcpy(y, b, sizeof(y));
	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) |
		(x[4] ^ y[4])) == 0;
}

void
tcp_flush_input(struct tern_tcp_ctx *tc)
{
	const void *keys[TCP_IN_BATCH];
	void *data[TCP_IN_BATCH];
	uint32_t hv[TCP_IN_BATCH];
	uint8_t ki[TCP_IN_BATCH];	/* segment i's key is keys[ki[i]] */
	uint64_t hits = 0, same = 0;	/* same: bit i, key i is key i - 1 */
	uint16_t n = tc->nb_in, i, nk = 0;

	RTE_BUILD_BUG_ON(TCP_IN_BATCH > 64);
	if (n == 0)
		return;
	tc->nb_in = 0;
	/* one lookup for each run of segments of one connection */
	for (i = 0; i < n; i++) {
		if (i > 0 && tcp_key_same(&tc->in_key[i], &tc->in_key[i - 1]))
			same |= 1ULL << i;
		else {
			hv[nk] = tcp_key_hv(&tc->in_key[i]);
			keys[nk++] = &tc->in_key[i];
		}
		ki[i] = (uint8_t)(nk - 1);
	}
	rte_hash_lookup_with_hash_bulk_data(tc->hash, keys, hv, nk, &hits, data);
	tc->chg_bloom = 0;
	for (i = 0; i < n; i++) {
		void *rec = NULL;
		unsigned int tag = TCP_REC_TCB;

		if (tc->chg_bloom & (1ULL << (hv[ki[i]] & 63))) {
			/* an earlier segment may have changed this key's entry: look again */
			rec = tcp_hash_lookup_hv(tc, &tc->in_key[i], hv[ki[i]], &tag);
		} else if (hits & (1ULL << ki[i])) {
			tag = (uintptr_t)data[ki[i]] & TCP_REC_MASK;
			rec = (void *)((uintptr_t)data[ki[i]] & ~(uintptr_t)TCP_REC_MASK);
		}
		if (tc->in[i].m == NULL)
			continue;	/* coalesced into an earlier one */
		/*
		 * GRO only for a run that starts at RCV.NXT (the segments before
		 * it in the burst are done: it is exact). Past a hole each
		 * segment must reach TCP alone, to be answered by a duplicate
		 * ACK of its own (RFC 5681 4.2) that the sender counts.
		 */
		if (tag == TCP_REC_TCB && rec != NULL && !(tc->cfg.flags & TERN_TCP_CFG_NO_GRO) &&
		    rte_be_to_cpu_32(rte_pktmbuf_mtod(tc->in[i].m,
						      const struct rte_tcp_hdr *)->sent_seq) ==
		    ((const struct tern_tcp_stream *)rec)->rcv_nxt) {
			struct rte_mbuf *tail = rte_pktmbuf_lastseg(tc->in[i].m);
			uint16_t j;

			for (j = i + 1; j < n && (same & (1ULL << j)); j++)
				if (!tcp_gro_merge(tc, &tc->in[i], &tc->in[j], &tail))
					break;
		}
		tcp_segment(tc, tc->in[i].m, &tc->in[i].ip, &tc->in_key[i], tc->in[i].segs, rec,
			    tag);
	}
}
