/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>

#include <rte_mbuf.h>

#include "tern_tcp_priv.h"

/*
 * Loss recovery: what an ACK tells the sender, and what it sends again.
 *
 * The scoreboard lives on the retransmit queue (an rbtree by sequence
 * number): each segment is SACKed, marked lost, retransmitted, or none.
 * Besides the tree, a segment in flight and not SACKed sits on the "sent"
 * list, ordered by its last transmission time; a segment marked lost and
 * not yet sent again sits on the "lost" list. Byte counters follow the
 * marks, so the sender's estimate of what is in the network is O(1):
 *
 *   pipe = (SND.MAX - SND.UNA) - sacked_out - lost_out + retrans_out
 *
 * (RFC 6675 2: SetPipe, with lost segments counted once more when sent
 * again.) Loss detection is RACK (RFC 8985 6): a segment is lost when one
 * sent after it has been delivered and a reordering window has passed
 * since; walking the sent list from its oldest end visits only segments
 * that are found lost, plus one. SACK blocks are applied only where they
 * differ from the previous ACK's (sack_cache), so a block that grows by a
 * segment costs one tree search and one segment. Hence every per-ACK step
 * is O(log n) in the segments in flight, amortised (the counters in
 * rtxq.visits and tcp_sack_walked let tests check it).
 *
 * Peers without SACK get NewReno (RFC 6582): three duplicate ACKs mark the
 * first segment lost, every duplicate ACK counts one segment as gone from
 * the network (which gives limited transmit, RFC 3042), a partial ACK marks
 * the next one lost.
 *
 * While in recovery the sending rate follows PRR (RFC 6937); the window
 * reduction and growth are the congestion control's (tcp_cc.h). Spurious
 * reductions are undone: by D-SACK (RFC 2883, 3708), when every
 * retransmission of the episode turns out to be a duplicate, and by the
 * timestamp of the first ACK after a timeout (Eifel, RFC 3522). A tail loss
 * probe (RFC 8985 7) resends the last segment (or sends a new one) after
 * two round trips of silence, so that a lost tail is repaired by fast
 * recovery rather than by a timeout.
 */

#define DUPTHRESH	3
#define TCP_TLP_MIN_NS	(2ULL * 1000000)	/* probe timeout floor: 2 ms */
#define TCP_WCDELACK_NS	(200ULL * 1000000)	/* RFC 8985 7.2: WCDelAckT */

/* ---------------------------------------------------------------------- */
/* The sent and lost lists */

static void
list_unlink(struct tern_tcp_seg **head, struct tern_tcp_seg **tail, struct tern_tcp_seg *seg)
{
	if (seg->tprev != NULL)
		seg->tprev->tnext = seg->tnext;
	else
		*head = seg->tnext;
	if (seg->tnext != NULL)
		seg->tnext->tprev = seg->tprev;
	else
		*tail = seg->tprev;
	seg->tnext = seg->tprev = NULL;
}

static void
list_append(struct tern_tcp_seg **head, struct tern_tcp_seg **tail, struct tern_tcp_seg *seg)
{
	seg->tnext = NULL;
	seg->tprev = *tail;
	if (*tail != NULL)
		(*tail)->tnext = seg;
	else
		*head = seg;
	*tail = seg;
}

/* Take @seg off whichever list holds it. */
static void
seg_off_list(struct tern_tcp_stream *s, struct tern_tcp_seg *seg)
{
	if (!(seg->flags & TERN_TCP_SEG_ON_LIST))
		return;
	if ((seg->flags & (TERN_TCP_SEG_LOST | TERN_TCP_SEG_RTX_OUT)) == TERN_TCP_SEG_LOST)
		list_unlink(&s->rec->lost_head, &s->rec->lost_tail, seg);
	else
		list_unlink(&s->rec->sent_head, &s->rec->sent_tail, seg);
	seg->flags &= ~TERN_TCP_SEG_ON_LIST;
}

void
tcp_sack_sent(struct tern_tcp_stream *s, struct tern_tcp_seg *seg, bool rtx)
{
	seg_off_list(s, seg);
	if (rtx && (seg->flags & TERN_TCP_SEG_LOST) && !(seg->flags & TERN_TCP_SEG_RTX_OUT)) {
		seg->flags |= TERN_TCP_SEG_RTX_OUT;
		s->rec->retrans_out += seg->len;
	}
	if (rtx && s->undo_marker != 0) {
		s->undo_retrans++;
		if (s->retrans_tsval == 0)
			s->retrans_tsval = seg->tsval;
	}
	if (s->tf & TF_IN_RECOVERY)
		s->rec->prr_out += seg->len;
	if (seg->flags & TERN_TCP_SEG_SACKED)
		return;		/* a probe of a SACKed segment: nothing to track */
	list_append(&s->rec->sent_head, &s->rec->sent_tail, seg);
	seg->flags |= TERN_TCP_SEG_ON_LIST;
}

void
tcp_sack_forget(struct tern_tcp_stream *s, struct tern_tcp_seg *seg)
{
	seg_off_list(s, seg);
	TERN_ASSERT(!(seg->flags & TERN_TCP_SEG_SACKED) || s->rec->sacked_out >= seg->len);
	TERN_ASSERT(!(seg->flags & TERN_TCP_SEG_LOST) || s->rec->lost_out >= seg->len);
	TERN_ASSERT(!(seg->flags & TERN_TCP_SEG_RTX_OUT) || s->rec->retrans_out >= seg->len);
	if (seg->flags & TERN_TCP_SEG_SACKED)
		s->rec->sacked_out -= seg->len;
	if (seg->flags & TERN_TCP_SEG_LOST)
		s->rec->lost_out -= seg->len;
	if (seg->flags & TERN_TCP_SEG_RTX_OUT)
		s->rec->retrans_out -= seg->len;
	seg->flags &= ~(TERN_TCP_SEG_SACKED | TERN_TCP_SEG_LOST | TERN_TCP_SEG_RTX_OUT);
}

/* @seg is to lose @d bytes at its front (a partial ACK): the counters follow. */
static void
seg_trim_counts(struct tern_tcp_stream *s, const struct tern_tcp_seg *seg, uint32_t d)
{
	TERN_ASSERT(d < seg->len);
	TERN_ASSERT(!(seg->flags & TERN_TCP_SEG_SACKED) || s->rec->sacked_out >= d);
	TERN_ASSERT(!(seg->flags & TERN_TCP_SEG_LOST) || s->rec->lost_out >= d);
	TERN_ASSERT(!(seg->flags & TERN_TCP_SEG_RTX_OUT) || s->rec->retrans_out >= d);
	if (seg->flags & TERN_TCP_SEG_SACKED)
		s->rec->sacked_out -= d;
	if (seg->flags & TERN_TCP_SEG_LOST)
		s->rec->lost_out -= d;
	if (seg->flags & TERN_TCP_SEG_RTX_OUT)
		s->rec->retrans_out -= d;
}

/* Mark @seg lost: off the sent list, onto the lost list. */
static void
mark_lost(struct tern_tcp_stream *s, struct tern_tcp_seg *seg)
{
	seg_off_list(s, seg);
	if (seg->flags & TERN_TCP_SEG_RTX_OUT) {
		/* its retransmission is lost too */
		TERN_ASSERT(s->rec->retrans_out >= seg->len);
		seg->flags &= ~TERN_TCP_SEG_RTX_OUT;
		s->rec->retrans_out -= seg->len;
	}
	if (!(seg->flags & TERN_TCP_SEG_LOST)) {
		seg->flags |= TERN_TCP_SEG_LOST;
		s->rec->lost_out += seg->len;
	}
	list_append(&s->rec->lost_head, &s->rec->lost_tail, seg);
	seg->flags |= TERN_TCP_SEG_ON_LIST;
	TERN_STAT_INC(s->tc->ctx, tcp_segs_lost);
}

uint32_t
tcp_pipe(const struct tern_tcp_stream *s)
{
	uint32_t out = s->snd_max - s->snd_una;
	uint32_t gone = s->rec->sacked_out + s->rec->lost_out;

	out = out > gone ? out - gone : 0;
	return out + s->rec->retrans_out;
}

/* ---------------------------------------------------------------------- */
/* Splitting a segment at a SACK block's edge */

/*
 * Cut the chain @m (single-segment mbufs, head's pkt_len and nb_segs
 * right) after @d bytes. @return the second part (its head made right),
 * or NULL on mbuf shortage (nothing changed).
 */
static struct rte_mbuf *
chain_split(struct rte_mempool *mp, struct rte_mbuf *m, uint32_t d)
{
	uint32_t total = m->pkt_len, off = 0;
	uint16_t nb1 = 0, nb = m->nb_segs;
	struct rte_mbuf *x = m, *prev = NULL, *rest;

	while (off + x->data_len <= d) {
		off += x->data_len;
		prev = x;
		x = x->next;
		nb1++;
	}
	if (off == d) {
		/* the cut falls between two mbufs */
		prev->next = NULL;
		rest = x;
	} else {
		struct rte_mbuf *part = rte_pktmbuf_alloc(mp);
		uint16_t keep = (uint16_t)(d - off);

		if (part == NULL)
			return NULL;
		rte_pktmbuf_attach(part, x);
		part->data_off = (uint16_t)(x->data_off + keep);
		part->data_len = (uint16_t)(x->data_len - keep);
		part->next = x->next;
		x->data_len = keep;
		x->next = NULL;
		nb1++;
		nb++;
		rest = part;
	}
	m->pkt_len = d;
	m->nb_segs = nb1;
	rest->pkt_len = total - d;
	rest->nb_segs = (uint16_t)(nb - nb1);
	return rest;
}

/*
 * Split @seg so that a new segment starts at @at (inside it). The new one
 * takes the marks, the transmission history and the list position.
 * @return the new (upper) segment, or NULL (nothing changed).
 */
struct tern_tcp_seg *
tcp_seg_split(struct tern_tcp_stream *s, struct tern_tcp_seg *seg, uint32_t at)
{
	uint32_t d = at - seg->seq;
	uint32_t dlen = seg->len - !!(seg->flags & TERN_TCP_SEG_SYN) -
		!!(seg->flags & TERN_TCP_SEG_FIN);
	uint32_t off = d - !!(seg->flags & TERN_TCP_SEG_SYN);
	struct tern_tcp_seg *n;
	struct rte_mbuf *rest = NULL;

	if (off == 0 || off >= dlen || seg->m == NULL)
		return NULL;	/* only data is split, not a SYN or FIN alone */
	n = tcp_segpool_get(&s->tc->segpool);
	if (n == NULL)
		return NULL;
	rest = chain_split(s->tc->ctx->mp, seg->m, off);
	if (rest == NULL) {
		tcp_segpool_put(&s->tc->segpool, n);
		return NULL;
	}
	memset(n, 0, sizeof(*n));
	n->seq = at;
	n->len = seg->len - d;
	n->m = rest;
	n->xmit_ns = seg->xmit_ns;
	n->nb_tx = seg->nb_tx;
	n->tsval = seg->tsval;
	n->flags = seg->flags & ~(TERN_TCP_SEG_SYN | TERN_TCP_SEG_ON_LIST);
	seg->flags &= ~TERN_TCP_SEG_FIN;
	seg->len = d;
	tcp_rtxq_insert(&s->rec->rtxq, n);
	if (seg->flags & TERN_TCP_SEG_ON_LIST) {
		struct tern_tcp_seg **head, **tail;

		if ((seg->flags & (TERN_TCP_SEG_LOST | TERN_TCP_SEG_RTX_OUT)) == TERN_TCP_SEG_LOST) {
			head = &s->rec->lost_head;
			tail = &s->rec->lost_tail;
		} else {
			head = &s->rec->sent_head;
			tail = &s->rec->sent_tail;
		}
		/* right after @seg: same transmission time, higher sequence */
		n->tprev = seg;
		n->tnext = seg->tnext;
		if (seg->tnext != NULL)
			seg->tnext->tprev = n;
		else
			*tail = n;
		seg->tnext = n;
		n->flags |= TERN_TCP_SEG_ON_LIST;
		RTE_SET_USED(head);
	}
	TERN_STAT_INC(s->tc->ctx, tcp_sack_splits);
	return n;
}

/* ---------------------------------------------------------------------- */
/* RACK (RFC 8985 6) */

/* Whether (t1, seq1) was sent after (t2, seq2) (RFC 8985 6.2, RACK_sent_after). */
static inline bool
sent_after(uint64_t t1, uint32_t seq1, uint64_t t2, uint32_t seq2)
{
	return t1 > t2 || (t1 == t2 && SEQ_GT(seq1, seq2));
}

/* A segment was delivered (ACKed or SACKed): RACK.xmit_ts / end_seq / rtt. */
static void
rack_delivered(struct tern_tcp_stream *s, const struct tern_tcp_seg *seg,
	       const struct tcp_seg_in *si, bool sacked)
{
	uint64_t now = s->tc->ctx->now_ns;
	uint32_t rtt_us = (uint32_t)RTE_MIN((now - seg->xmit_ns) / 1000, (uint64_t)UINT32_MAX);

	if (seg->flags & TERN_TCP_SEG_RETRANS) {
		/*
		 * RFC 8985 6.2 step 2: ambiguous if it came back faster than
		 * any round trip could (an answer to an older transmission),
		 * or, for a cumulative ACK, if the timestamp echo shows it
		 * answers an older one. A SACK's echo is no evidence: the
		 * receiver echoes the segment at its left edge (RFC 7323
		 * 4.3), older than the out-of-order one SACKed; demanding it
		 * would leave a tail loss probe's SACK unable to reveal the
		 * losses below it (RFC 8985 7.4).
		 */
		bool ts = (s->tf & TF_TS_OK) && (si->opts.flags & TERN_TCP_OPT_F_TS);

		/* (no timestamps: Karn, nothing tells the transmissions apart) */
		if (!sacked && (!ts || SEQ_LT(si->opts.ts_ecr, seg->tsval)))
			return;
		/* (less a timer tick: a timer's send is stamped up to a tick late) */
		if (s->min_rtt_us != 0 &&
		    (uint64_t)rtt_us * 1000 + s->tc->ctx->wheel.tick_ns < (uint64_t)s->min_rtt_us * 1000)
			return;
	}
	if (s->min_rtt_us == 0 || rtt_us < s->min_rtt_us)
		s->min_rtt_us = rtt_us ? rtt_us : 1;
	s->rec->rack_rtt_us = rtt_us;
	if (sent_after(seg->xmit_ns, tcp_seg_end(seg), s->rack_xmit_ns, s->rack_end_seq)) {
		s->rack_xmit_ns = seg->xmit_ns;
		s->rack_end_seq = tcp_seg_end(seg);
	}
}

/* RFC 8985 6.2 step 4, RACK_update_reo_wnd(). */
static uint64_t
rack_reo_wnd_ns(const struct tern_tcp_stream *s)
{
	uint64_t w;

	if (!s->rack_reord) {
		if (s->tf & (TF_IN_RECOVERY | TF_LOSS))
			return 0;
		if (s->rec->sacked_out >= (DUPTHRESH - 1) * (uint32_t)s->mss + 1)
			return 0;
	}
	w = (uint64_t)s->rack_reo_mult * s->min_rtt_us * 1000 / 4;
	return RTE_MIN(w, (uint64_t)(s->srtt >> TCP_RTT_SHIFT) * 1000);
}

/*
 * RFC 8985 6.2 step 5, RACK_detect_loss(): mark lost what was sent before
 * the latest delivered segment and has waited RACK.rtt + reo_wnd.
 * @return the time left before the next one would be (0: none waits).
 */
static uint64_t
rack_detect_loss(struct tern_tcp_stream *s)
{
	uint64_t now = s->tc->ctx->now_ns, reo = rack_reo_wnd_ns(s);
	uint64_t rtt = (uint64_t)s->rec->rack_rtt_us * 1000;
	struct tern_tcp_seg *seg;

	if (s->rack_xmit_ns == 0)
		return 0;
	while ((seg = s->rec->sent_head) != NULL) {
		uint64_t due;

		TERN_STAT_INC(s->tc->ctx, tcp_sack_walked);
		if (!sent_after(s->rack_xmit_ns, s->rack_end_seq, seg->xmit_ns,
				tcp_seg_end(seg)))
			return 0;	/* sent after the latest delivery: not yet */
		due = seg->xmit_ns + rtt + reo;
		if (due > now)
			return due - now;
		mark_lost(s, seg);
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* SACK blocks (RFC 2018, RFC 2883) */

/* Mark [l, r) SACKed. @return bytes newly SACKed. */
static uint32_t
sack_range(struct tern_tcp_stream *s, uint32_t l, uint32_t r, const struct tcp_seg_in *si)
{
	struct tern_tcp_seg *seg = tcp_rtxq_find_ge(&s->rec->rtxq, l);
	uint32_t newly = 0;

	while (seg != NULL && SEQ_LT(seg->seq, r)) {
		struct tern_tcp_seg *next;

		TERN_STAT_INC(s->tc->ctx, tcp_sack_walked);
		if (seg->flags & TERN_TCP_SEG_SACKED) {
			seg = tcp_rtxq_next(seg);
			continue;
		}
		if (SEQ_LT(seg->seq, l)) {
			/* the block starts inside: SACK the upper part only */
			seg = tcp_seg_split(s, seg, l);
			continue;
		}
		if (SEQ_GT(tcp_seg_end(seg), r) && tcp_seg_split(s, seg, r) == NULL)
			break;	/* cannot split: leave it unSACKed */
		next = tcp_rtxq_next(seg);
		/* reordering: delivered below what was SACKed already, never resent */
		if (s->rec->sacked_out > 0 && SEQ_LT(tcp_seg_end(seg), s->rec->high_sacked) &&
		    !(seg->flags & TERN_TCP_SEG_RETRANS))
			s->rack_reord = 1;
		rack_delivered(s, seg, si, true);
		tcp_sack_forget(s, seg);
		seg->flags |= TERN_TCP_SEG_SACKED;
		s->rec->sacked_out += seg->len;
		newly += seg->len;
		if (s->rec->sacked_out == seg->len || SEQ_GT(tcp_seg_end(seg), s->rec->high_sacked))
			s->rec->high_sacked = tcp_seg_end(seg);
		seg = next;
	}
	return newly;
}

/* A D-SACK block [l, r) arrived: a duplicate reached the peer. */
static void
dsack_in(struct tern_tcp_stream *s, uint32_t l, uint32_t r)
{
	TERN_STAT_INC(s->tc->ctx, tcp_dsack_rcvd);
	/* RFC 8985 6.2 step 4: reordering (or spurious retransmission) shown */
	if (s->rack_reo_mult < 16)
		s->rack_reo_mult++;
	s->rack_reord = 1;
	/*
	 * A duplicate of a retransmission of the episode: at or above
	 * undo_marker and, as undo may now come after the episode ended (see
	 * tcp_ack_recv()), below `recover`, so that later network duplicates
	 * of new data do not count (RFC 3708 3).
	 */
	if (s->undo_marker != 0 && SEQ_GEQ(l, s->undo_marker) && SEQ_LEQ(r, s->recover) &&
	    s->undo_retrans > 0)
		s->undo_retrans--;
	if (s->tlp_high_seq != 0 && r == s->tlp_high_seq)
		s->tf &= ~TF_TLP_RTX;	/* the probe was a duplicate: nothing was lost */
}

/*
 * Apply the SACK option of @si. Parts of blocks that were in the previous
 * ACK's option are skipped: they were applied then.
 * @return bytes newly SACKed.
 */
static uint32_t
sack_in(struct tern_tcp_stream *s, const struct tcp_seg_in *si, bool *dsack)
{
	const struct tern_tcp_opts *o = &si->opts;
	uint32_t newly = 0, cache[TERN_TCP_SACK_MAX][2];
	unsigned int i, j, nc = 0;

	for (i = 0; i < o->nb_sack; i++) {
		uint32_t l = o->sack[i].left, r = o->sack[i].right;

		if (!SEQ_LT(l, r))
			continue;
		/* RFC 2883 4: the first block is a D-SACK if below the ACK or inside the second */
		if (i == 0 && (SEQ_LEQ(r, si->ack) ||
			       (o->nb_sack > 1 && SEQ_GEQ(l, o->sack[1].left) &&
				SEQ_LEQ(r, o->sack[1].right)))) {
			dsack_in(s, l, r);
			*dsack = true;
			continue;
		}
		/* nothing in flight: no scoreboard (tcp_rec_none, read only) */
		if (unlikely(!tcp_has_rec(s)))
			continue;
		/* RFC 2018 and 5961-style sanity: inside (SND.UNA, SND.MAX] */
		if (SEQ_LEQ(l, si->ack) || SEQ_GT(r, s->snd_max) || SEQ_LT(l, s->snd_una)) {
			if (SEQ_LT(l, si->ack) && SEQ_GT(r, si->ack) && SEQ_LEQ(r, s->snd_max))
				l = si->ack;	/* overlaps the ACK: keep the part above */
			else
				continue;
		}
		cache[nc][0] = l;
		cache[nc][1] = r;
		nc++;
		/* the part not covered by a block already applied */
		for (j = 0; j < s->rec->nb_sack_cache; j++) {
			uint32_t cl = s->rec->sack_cache[j][0], cr = s->rec->sack_cache[j][1];

			if (SEQ_LEQ(cl, l) && SEQ_GEQ(cr, r)) {
				l = r;	/* all of it */
				break;
			}
			if (SEQ_LEQ(cl, l) && SEQ_GT(cr, l))
				l = cr;	/* the block grew at its right edge */
			else if (SEQ_LT(cl, r) && SEQ_GEQ(cr, r))
				r = cl;	/* ... or at its left edge */
		}
		if (SEQ_LT(l, r))
			newly += sack_range(s, l, r, si);
	}
	if (nc > 0 || s->rec->nb_sack_cache != 0) {
		memcpy(s->rec->sack_cache, cache, sizeof(cache[0]) * nc);
		s->rec->nb_sack_cache = (uint8_t)nc;
	}
	return newly;
}

/* ---------------------------------------------------------------------- */
/* Undo (RFC 2883, RFC 3522, RFC 3708) */

static void
undo_reduction(struct tern_tcp_stream *s)
{
	struct tern_tcp_seg *seg;

	/* the cc block: taken with the first send, kept until the stream is freed */
	TERN_ASSERT(s->cc != NULL);
	tcp_cc_of(s)->undo(s->cc, s->tc->ctx->now_ns);
	/* what was marked lost and not yet resent is in flight after all */
	while ((seg = s->rec->lost_head) != NULL) {
		list_unlink(&s->rec->lost_head, &s->rec->lost_tail, seg);
		seg->flags &= ~(TERN_TCP_SEG_LOST | TERN_TCP_SEG_ON_LIST);
		TERN_ASSERT(s->rec->lost_out >= seg->len);
		s->rec->lost_out -= seg->len;
		list_append(&s->rec->sent_head, &s->rec->sent_tail, seg);
		seg->flags |= TERN_TCP_SEG_ON_LIST;
	}
	s->tf &= ~(TF_IN_RECOVERY | TF_LOSS);
	s->undo_marker = 0;
	s->undo_retrans = 0;
	s->retrans_tsval = 0;
	TERN_STAT_INC(s->tc->ctx, tcp_undo);
}

/* ---------------------------------------------------------------------- */
/* Recovery (RFC 6675, RFC 6582) and PRR (RFC 6937) */

static void
recovery_enter(struct tern_tcp_stream *s, uint32_t flight)
{
	s->tf |= TF_IN_RECOVERY;
	s->recover = s->snd_max;
	TERN_ASSERT(s->cc != NULL);
	tcp_cc_of(s)->on_loss(s->cc, flight, s->tc->ctx->now_ns);
	s->rec->prr_delivered = 0;
	s->rec->prr_out = 0;
	s->rec->recover_fs = RTE_MAX(flight, 1u);
	s->undo_marker = s->snd_una ? s->snd_una : 1;
	s->undo_retrans = 0;
	s->retrans_tsval = 0;
	s->tlp_high_seq = 0;
	TERN_STAT_INC(s->tc->ctx, tcp_fast_retrans);
}

/* RFC 6937 3: the congestion window that lets PRR send what it may now. */
static void
prr_update(struct tern_tcp_stream *s, uint32_t delivered)
{
	uint32_t pipe = tcp_pipe(s), ssthresh;
	int64_t sndcnt;

	TERN_ASSERT(s->cc != NULL);
	ssthresh = s->cc->ssthresh;
	s->rec->prr_delivered += delivered;
	if (pipe > ssthresh) {
		/* proportional rate reduction */
		sndcnt = (int64_t)(((uint64_t)s->rec->prr_delivered * ssthresh + s->rec->recover_fs - 1) /
				   s->rec->recover_fs) - s->rec->prr_out;
	} else {
		/* slow start reduction bound (PRR-SSRB) */
		int64_t limit = RTE_MAX((int64_t)s->rec->prr_delivered - s->rec->prr_out,
					(int64_t)delivered) + s->mss;

		sndcnt = RTE_MIN((int64_t)ssthresh - pipe, limit);
	}
	if (sndcnt < 0)
		sndcnt = 0;
	/* the fast retransmission itself goes at once (RFC 6937 3.1) */
	if (s->rec->prr_out == 0 && sndcnt < s->mss && s->rec->lost_head != NULL)
		sndcnt = s->mss;
	s->cc->cwnd = pipe + (uint32_t)sndcnt;
}

/* ---------------------------------------------------------------------- */
/* Timers: RTO, probe timeout, RACK reordering timeout share TCP_T_RTX */

/* RFC 8985 7.2: the probe timeout. */
static uint64_t
tlp_pto_ns(const struct tern_tcp_stream *s)
{
	uint64_t srtt = (uint64_t)(s->srtt >> TCP_RTT_SHIFT) * 1000;
	uint64_t pto = 2 * srtt;

	if (s->snd_max - s->snd_una <= s->mss)
		pto += TCP_WCDELACK_NS;	/* a lone segment may wait for a delayed ACK */
	/* a floor against timer granularity and ACK jitter on sub-ms paths */
	pto = RTE_MAX(pto, TCP_TLP_MIN_NS);
	return RTE_MIN(pto, tcp_rto_ns(s));
}

void
tcp_rtx_schedule(struct tern_tcp_stream *s, uint64_t reo_left, bool restart)
{
	uint64_t now = s->tc->ctx->now_ns;

	if (tcp_rtxq_empty(&s->rec->rtxq)) {
		tcp_timer_clear(s, TCP_T_RTX);
		return;
	}
	if (reo_left != 0) {
		s->rtx_kind = TCP_RTX_REO;
		tcp_timer_set(s, TCP_T_RTX, now + reo_left);
		return;
	}
	if ((s->tf & TF_SACK_OK) && !(s->tf & (TF_IN_RECOVERY | TF_LOSS)) &&
	    s->tlp_high_seq == 0 && s->srtt != 0 && s->state == TERN_TCP_ESTABLISHED &&
	    s->backoff == 0) {
		s->rtx_kind = TCP_RTX_TLP;
		tcp_timer_set(s, TCP_T_RTX, now + tlp_pto_ns(s));
		return;
	}
	if (!restart && s->rtx_kind == TCP_RTX_RTO && s->tmr[TCP_T_RTX] != 0)
		return;		/* RFC 6298 5.1: an RTO already running stays */
	s->rtx_kind = TCP_RTX_RTO;
	tcp_timer_set(s, TCP_T_RTX, now + tcp_rto_ns(s));
}

/* The probe timeout fired (RFC 8985 7.3). */
void
tcp_tlp_fire(struct tern_tcp_stream *s)
{
	struct tern_tcp_seg *seg;
	uint32_t flight = s->snd_max - s->snd_una;

	TERN_STAT_INC(s->tc->ctx, tcp_tlp_probes);
	s->tf &= ~TF_TLP_RTX;
	if (s->sndq_bytes > 0 && s->snd_wnd > flight &&
	    s->snd_wnd - flight >= RTE_MIN((uint32_t)s->mss, s->sndq_bytes)) {
		/* new data, if the peer's window lets it: one segment */
		uint32_t cwnd;

		TERN_ASSERT(s->cc != NULL);
		cwnd = s->cc->cwnd;
		s->cc->cwnd = tcp_pipe(s) + s->mss;
		s->tf |= TF_PUSH;
		tcp_output(s);
		s->cc->cwnd = RTE_MAX(cwnd, s->cc->cwnd - s->mss);
	} else if ((seg = tcp_rtxq_last(&s->rec->rtxq)) != NULL) {
		/*
		 * The whole last entry (up to tso_max), not its last MSS as RFC
		 * 8985 7.3 and Linux do: against the Linux receiver over net_tap
		 * at 5 % loss the one-MSS probe took 8-15 s for 100 MB with 14-33
		 * RTOs, the whole entry 5-7 s with 6-14 (docs/tcp.md).
		 */
		if (tcp_xmit_seg(s, seg, true) == 0) {
			seg->flags |= TERN_TCP_SEG_TLP;
			s->tf |= TF_TLP_RTX;
		}
	}
	s->tlp_high_seq = s->snd_max;
	s->rtx_kind = TCP_RTX_RTO;
	tcp_timer_set(s, TCP_T_RTX, s->tc->ctx->now_ns + tcp_rto_ns(s));
}

/* The RACK reordering timer fired (RFC 8985 6.3). */
void
tcp_reo_fire(struct tern_tcp_stream *s)
{
	uint64_t left = rack_detect_loss(s);

	if (s->rec->lost_head != NULL && !(s->tf & (TF_IN_RECOVERY | TF_LOSS)))
		recovery_enter(s, s->snd_max - s->snd_una);
	if (s->tf & TF_IN_RECOVERY)
		prr_update(s, 0);
	tcp_rtx_schedule(s, left, true);
	tcp_output(s);
}

/* A retransmission timeout (RFC 6298 5.4-5.6, RFC 6675 5.1, RFC 5681 3.1). */
void
tcp_sack_rto(struct tern_tcp_stream *s, bool first)
{
	struct tern_tcp_seg *seg;
	uint32_t flight = s->snd_max - s->snd_una;

	TERN_ASSERT(s->cc != NULL);
	tcp_cc_of(s)->on_rto(s->cc, flight, first, s->tc->ctx->now_ns);
	if (first) {
		s->undo_marker = s->snd_una ? s->snd_una : 1;
		s->undo_retrans = 0;
		s->retrans_tsval = 0;
	}
	s->tf &= ~TF_IN_RECOVERY;
	s->tf |= TF_LOSS;
	s->recover = s->snd_max;
	s->tlp_high_seq = 0;
	s->dupacks = 0;
	if (!(s->tf & TF_SACK_OK))
		s->rec->sacked_out = 0;	/* NewReno's count of duplicate ACKs */
	seg = tcp_rtxq_first(&s->rec->rtxq);
	if ((s->tf & TF_SACK_OK) && seg != NULL && (seg->flags & TERN_TCP_SEG_SACKED)) {
		/*
		 * RFC 2018 8, RFC 6675 5.1: the segment at SND.UNA was SACKed
		 * yet not acknowledged: the receiver reneged (tern's does when
		 * its out-of-order queue is full). Turn off every SACKed bit,
		 * else nothing is resent and the timeouts go on forever.
		 */
		for (; seg != NULL; seg = tcp_rtxq_next(seg))
			if (seg->flags & TERN_TCP_SEG_SACKED) {
				seg->flags &= ~TERN_TCP_SEG_SACKED;
				s->rec->sacked_out -= seg->len;
			}
		s->rec->nb_sack_cache = 0;
		s->rec->high_sacked = s->snd_una;
	}
	/* everything not SACKed is lost, resent in sequence order */
	for (seg = tcp_rtxq_first(&s->rec->rtxq); seg != NULL; seg = tcp_rtxq_next(seg)) {
		if (seg->flags & TERN_TCP_SEG_SACKED)
			continue;
		if ((seg->flags & TERN_TCP_SEG_LOST) && !(seg->flags & TERN_TCP_SEG_RTX_OUT))
			seg_off_list(s, seg);	/* re-queued below, in order */
		mark_lost(s, seg);
	}
}

/* ---------------------------------------------------------------------- */
/* ACK processing */

/* Free what @ack covers. @return bytes delivered by it (not SACKed before). */
static uint32_t
ack_remove(struct tern_tcp_stream *s, const struct tcp_seg_in *si, int64_t *rtt_ns)
{
	uint32_t ack = si->ack, delivered = 0;
	uint64_t now = s->tc->ctx->now_ns, xmit_ns = 0;
	struct tern_tcp_seg *seg;
	bool rtx_acked = false;

	/*
	 * The RTT sample (RFC 6298 3, Karn): from the last segment newly
	 * delivered by this ACK, sent once and not SACKed before (a SACKed one
	 * was delivered earlier: its wait for the cumulative ACK is no round
	 * trip), and none if the ACK covers a retransmitted segment (the ACK
	 * that fills a repaired hole, ambiguous: it would count the whole
	 * recovery as one round trip and inflate the RTO).
	 */
	while ((seg = tcp_rtxq_first(&s->rec->rtxq)) != NULL &&
	       SEQ_LEQ(tcp_seg_end(seg), ack)) {
		if (!(seg->flags & TERN_TCP_SEG_SACKED)) {
			delivered += seg->len;
			rack_delivered(s, seg, si, false);
			if (seg->nb_tx == 1)
				xmit_ns = seg->xmit_ns;
		}
		if (seg->nb_tx > 1)
			rtx_acked = true;
		tcp_sack_forget(s, seg);
		tcp_rtxq_unlink(&s->rec->rtxq, seg);
		TERN_ASSERT(s->rtxq_bytes >= seg->len);
		s->rtxq_bytes -= seg->len;
		tcp_seg_free_acked(s, seg);
	}
	if (seg == NULL && s->tc->nb_acked > 0)
		tcp_acked_flush(s->tc);	/* all acknowledged: nothing to batch with */
	if (seg != NULL && SEQ_LT(seg->seq, ack)) {
		uint32_t d = ack - seg->seq;

		rack_delivered(s, seg, si, false);
		seg_trim_counts(s, seg, d);
		delivered += d;
		if (seg->flags & TERN_TCP_SEG_SYN) {
			seg->flags &= ~TERN_TCP_SEG_SYN;
			d--;
			seg->len--;
			s->rtxq_bytes--;
			seg->seq++;
		}
		seg->m = tcp_chain_trim_front(seg->m, d);
		seg->seq += d;
		seg->len -= d;
		s->rtxq_bytes -= d;
		if (seg->nb_tx == 1)
			xmit_ns = seg->xmit_ns;
		else
			rtx_acked = true;
	}
	*rtt_ns = xmit_ns != 0 && !rtx_acked ? (int64_t)(now - xmit_ns) : -1;
	return delivered;
}

/* RTT from the timestamp echo, when the acknowledged segments gave none (RFC 7323 4). */
static inline int64_t
ack_ts_rtt(const struct tern_tcp_stream *s, const struct tcp_seg_in *si)
{
	uint32_t ms;

	if (!(s->tf & TF_TS_OK) || !(si->opts.flags & TERN_TCP_OPT_F_TS) || si->opts.ts_ecr == 0 ||
	    (s->tf & (TF_IN_RECOVERY | TF_LOSS)))
		return -1;
	ms = tcp_ts_now(s->tc) + s->ts_off - si->opts.ts_ecr;
	return ms < 60000 ? (int64_t)ms * 1000000 : -1;
}

/* The congestion control's view of an ACK that delivered @delivered bytes. */
static inline void
ack_cc(struct tern_tcp_stream *s, uint32_t delivered, int64_t rtt_ns)
{
	struct tcp_cc_ack ca;

	ca.now_ns = s->tc->ctx->now_ns;
	ca.acked = delivered;
	ca.flight = tcp_pipe(s);
	ca.ack = s->snd_una;
	ca.snd_nxt = s->snd_max;
	ca.rtt_us = rtt_ns >= 0 ? (uint32_t)RTE_MAX(rtt_ns / 1000, (int64_t)1) : 0;
	ca.srtt_us = s->srtt >> TCP_RTT_SHIFT;
	ca.min_rtt_us = s->min_rtt_us;
	ca.pad = 0;
	TERN_ASSERT(delivered == 0 || s->cc != NULL);
	if (delivered > 0)
		tcp_cc_of(s)->on_ack(s->cc, &ca);
}

/*
 * The common ACK: everything sent is acknowledged (SEG.ACK = SND.MAX, above
 * SND.UNA), no SACK block, no loss episode, no tail loss probe out, nothing
 * marked lost. tcp_ack_recv() itself, with what cannot happen then left out:
 * after ack_remove() the retransmit queue and the sent list are empty (every
 * entry lies in [SND.UNA, SND.MAX)), so RACK has nothing to mark, NewReno
 * sees no duplicate or partial ACK, no Eifel or D-SACK undo (both need a
 * recovery or a SACK), no TLP decision, no recovery to enter or end. The
 * RTT sample, the RTO's reset, the window of the congestion control, the
 * timer and the block's return are done as there (tests/stack/
 * test_stack_tcp_ackfast.c: the same state after each ACK either way).
 */
static inline bool
ack_plain(const struct tern_tcp_stream *s, const struct tcp_seg_in *si, bool sack)
{
	return !sack && si->ack == s->snd_max && SEQ_GT(si->ack, s->snd_una) &&
	       !(s->tf & (TF_IN_RECOVERY | TF_LOSS)) && s->tlp_high_seq == 0 &&
	       s->rec->lost_head == NULL && !s->tc->ack_fast_off;
}

static void
ack_recv_plain(struct tern_tcp_stream *s, const struct tcp_seg_in *si)
{
	uint32_t ack = si->ack, acked = ack - s->snd_una, delivered;
	int64_t rtt_ns;

	delivered = ack_remove(s, si, &rtt_ns);
	TERN_ASSERT(tcp_rtxq_empty(&s->rec->rtxq) && s->rec->sent_head == NULL);
	if (rtt_ns < 0)
		rtt_ns = ack_ts_rtt(s, si);
	if (rtt_ns >= 0)
		tcp_rtt_sample(s, (uint64_t)rtt_ns);
	s->snd_una = ack;
	if (SEQ_LT(s->snd_nxt, s->snd_una))
		s->snd_nxt = s->snd_una;
	s->backoff = 0;
	s->soft_err = 0;
	if (!(s->tf & TF_SACK_OK)) {
		if (s->rec->sacked_out != 0)
			s->rec->sacked_out = s->rec->sacked_out > acked ?
				s->rec->sacked_out - acked : 0;
		s->dupacks = 0;
	}
	ack_cc(s, delivered, rtt_ns);
	TERN_ASSERT(s->cc != NULL);	/* ack_plain(): the ACK took what was sent */
	if (s->cc->cwnd > TCP_MAX_BUF)
		s->cc->cwnd = TCP_MAX_BUF;
	tcp_rtx_schedule(s, 0, true);	/* the queue is empty: the timer stops */
	tcp_mark_dirty(s);
	if (si->len == 0 && !(si->flags & TH_FIN))
		tcp_rec_put(s);
}

void
tcp_ack_recv(struct tern_tcp_stream *s, const struct tcp_seg_in *si, bool is_dup)
{
	uint32_t ack = si->ack, acked = 0, delivered = 0, flight_before;
	uint64_t now = s->tc->ctx->now_ns, reo_left;
	int64_t rtt_ns = -1;	/* no sample */
	bool dsack = false, sack = (s->tf & TF_SACK_OK) && si->opts.nb_sack > 0;

	if (ack_plain(s, si, sack)) {
		TERN_STAT_INC(s->tc->ctx, tcp_ack_fast);
		ack_recv_plain(s, si);
		return;
	}
	flight_before = s->snd_max - s->snd_una;
	if (sack)
		delivered += sack_in(s, si, &dsack);
	if (SEQ_GT(ack, s->snd_una)) {
		acked = ack - s->snd_una;
		delivered += ack_remove(s, si, &rtt_ns);
		/* RTT: Karn's rule on the segment, else the timestamp echo (RFC 7323 4) */
		if (rtt_ns < 0)
			rtt_ns = ack_ts_rtt(s, si);
		if (rtt_ns >= 0)
			tcp_rtt_sample(s, (uint64_t)rtt_ns);
		/* Eifel (RFC 3522): the first ACK after a retransmission echoes an older timestamp */
		if (s->undo_marker != 0 && s->retrans_tsval != 0 && (s->tf & TF_TS_OK) &&
		    (si->opts.flags & TERN_TCP_OPT_F_TS) && si->opts.ts_ecr != 0 &&
		    SEQ_LT(si->opts.ts_ecr, s->retrans_tsval) &&
		    (s->tf & (TF_IN_RECOVERY | TF_LOSS))) {
			TERN_STAT_INC(s->tc->ctx, tcp_spurious_rtx);
			undo_reduction(s);
		}
		s->snd_una = ack;
		if (SEQ_LT(s->snd_nxt, s->snd_una))
			s->snd_nxt = s->snd_una;
		s->backoff = 0;
		s->soft_err = 0;	/* the path works: an earlier ICMP explains nothing now */
		if (!(s->tf & TF_SACK_OK)) {
			/* NewReno: the duplicate ACKs counted as gone are part of this ACK */
			if (s->rec->sacked_out != 0)
				s->rec->sacked_out = s->rec->sacked_out > acked ?
					s->rec->sacked_out - acked : 0;
			s->dupacks = 0;
		}
	}
	/*
	 * Every retransmission was a duplicate (RFC 3708 3). The D-SACK of the
	 * last one usually comes after recovery ended: the late original
	 * filled the hole, its ACK passed `recover`, then the retransmission
	 * arrived as a duplicate. So undo also outside recovery while the
	 * episode's undo_marker stands (Linux: tcp_try_undo_dsack() in Open).
	 */
	if (dsack && s->undo_marker != 0 && s->undo_retrans == 0)
		undo_reduction(s);

	/* Loss detection */
	if (!(s->tf & TF_SACK_OK)) {
		if (is_dup) {
			s->dupacks++;
			/* RFC 6675 / 3042: one segment left the network per duplicate ACK */
			if (s->rec->sacked_out + s->mss <= flight_before && tcp_has_rec(s))
				s->rec->sacked_out += s->mss;
			if (s->dupacks == DUPTHRESH && !(s->tf & (TF_IN_RECOVERY | TF_LOSS)) &&
			    SEQ_GEQ(s->snd_una, s->recover)) {
				struct tern_tcp_seg *first = tcp_rtxq_first(&s->rec->rtxq);

				if (first != NULL && !(first->flags & TERN_TCP_SEG_LOST))
					mark_lost(s, first);
			}
		} else if (acked > 0 && (s->tf & TF_IN_RECOVERY) && SEQ_LT(ack, s->recover)) {
			/* RFC 6582 3.2 (5): a partial ACK, the next hole is lost too */
			struct tern_tcp_seg *first = tcp_rtxq_first(&s->rec->rtxq);

			if (first != NULL && !(first->flags & TERN_TCP_SEG_LOST))
				mark_lost(s, first);
		}
		reo_left = 0;
	} else {
		/* (nothing on the sent list: nothing to mark, no time left to wait) */
		reo_left = s->rec->sent_head != NULL ? rack_detect_loss(s) : 0;
	}

	/*
	 * TLP episode (RFC 8985 7.4). A probe that resent data was either
	 * needed (the original was lost: a congestion response is due) or a
	 * duplicate, which the peer reports with a D-SACK (dsack_in() clears
	 * TF_TLP_RTX). An ACK of exactly tlp_high_seq cannot tell yet (the
	 * D-SACK for the probe may follow it): wait, unless it acknowledged
	 * nothing. An ACK past it (new data was sent and acknowledged since)
	 * without a D-SACK means the probe repaired a loss.
	 */
	if (s->tlp_high_seq != 0 && SEQ_GEQ(ack, s->tlp_high_seq)) {
		bool decide = !(s->tf & TF_TLP_RTX) || SEQ_GT(ack, s->tlp_high_seq) ||
			acked == 0;

		if (decide) {
			if ((s->tf & TF_TLP_RTX) && SEQ_GT(ack, s->tlp_high_seq) &&
			    !(s->tf & (TF_IN_RECOVERY | TF_LOSS))) {
				TERN_ASSERT(s->cc != NULL);
				tcp_cc_of(s)->on_loss(s->cc, flight_before, now);
				s->cc->cwnd = s->cc->ssthresh;
				tcp_cc_of(s)->on_recovery_end(s->cc, now);
				TERN_STAT_INC(s->tc->ctx, tcp_tlp_recoveries);
			}
			s->tf &= ~TF_TLP_RTX;
			s->tlp_high_seq = 0;
		}
	}

	/* Recovery */
	if (s->rec->lost_head != NULL && !(s->tf & (TF_IN_RECOVERY | TF_LOSS)) &&
	    (SEQ_GEQ(s->snd_una, s->recover) || (s->tf & TF_SACK_OK)))
		recovery_enter(s, flight_before);
	if ((s->tf & (TF_IN_RECOVERY | TF_LOSS)) && SEQ_GEQ(s->snd_una, s->recover) &&
	    acked > 0) {
		if (s->tf & TF_IN_RECOVERY) {
			TERN_ASSERT(s->cc != NULL);
			s->cc->cwnd = s->cc->ssthresh;	/* RFC 6937: end of recovery */
			tcp_cc_of(s)->on_recovery_end(s->cc, now);
		}
		s->tf &= ~(TF_IN_RECOVERY | TF_LOSS);
		if (!(s->tf & TF_SACK_OK) && s->rec->sacked_out != 0)
			s->rec->sacked_out = 0;
	}
	if (s->tf & TF_IN_RECOVERY) {
		prr_update(s, delivered);
	} else if (acked > 0 || (delivered > 0 && !(s->tf & TF_LOSS))) {
		ack_cc(s, delivered, rtt_ns);
	}
	/* (no block: nothing was ever sent, this ACK acknowledged nothing) */
	if (s->cc != NULL && s->cc->cwnd > TCP_MAX_BUF)
		s->cc->cwnd = TCP_MAX_BUF;
	if (acked > 0 || reo_left != 0 || s->rec->lost_head != NULL)
		tcp_rtx_schedule(s, reo_left, acked > 0);
	if (acked > 0 || delivered > 0 || s->rec->lost_head != NULL)
		tcp_mark_dirty(s);
	/*
	 * All acknowledged, no recovery on: the block goes back until the next
	 * send. Not when the ACK came with data or a FIN: an answer (or our
	 * FIN) is likely to follow at once, and it would take the block again;
	 * the pure ACK we send for them gives it back if nothing went
	 * (tcp_send_ack()).
	 */
	if (acked > 0 && si->len == 0 && !(si->flags & TH_FIN))
		tcp_rec_put(s);
}

unsigned int
tcp_sack_mtu_lost(struct tern_tcp_stream *s)
{
	struct tern_tcp_seg *seg;
	unsigned int n = 0;

	for (seg = tcp_rtxq_first(&s->rec->rtxq); seg != NULL; seg = tcp_rtxq_next(seg)) {
		uint32_t syn = !!(seg->flags & TERN_TCP_SEG_SYN);
		uint32_t dlen = seg->len - syn - !!(seg->flags & TERN_TCP_SEG_FIN);

		if ((seg->flags & TERN_TCP_SEG_SACKED) || dlen <= s->mss)
			continue;
		for (;;) {
			struct tern_tcp_seg *up = NULL;

			/* an entry above TCP_TSO_MSS_MAX goes out whole: cut it to the MSS */
			if (s->mss > TCP_TSO_MSS_MAX && dlen > s->mss)
				up = tcp_seg_split(s, seg, seg->seq + syn + s->mss);
			/* not one already waiting on the lost list */
			if ((seg->flags & (TERN_TCP_SEG_LOST | TERN_TCP_SEG_RTX_OUT)) !=
			    TERN_TCP_SEG_LOST) {
				mark_lost(s, seg);
				n++;
			}
			if (up == NULL)
				break;
			seg = up;
			syn = 0;
			dlen = seg->len - !!(seg->flags & TERN_TCP_SEG_FIN);
		}
	}
	if (n > 0 && !(s->tf & (TF_IN_RECOVERY | TF_LOSS))) {
		/* a loss episode, not a congestion event: no reduction, nothing to undo */
		s->tf |= TF_LOSS;
		s->recover = s->snd_max;
		s->undo_marker = 0;
		s->tlp_high_seq = 0;
	}
	return n;
}

/* Initial congestion window, RFC 6928. */
void
tcp_cc_init(struct tern_tcp_stream *s)
{
	if (s->cc_id == 0)
		s->cc_id = tcp_cc_id(s->tc->cc_ops);
	/* a block taken already (our SYN): start it again with the MSS now known */
	if (s->cc != NULL) {
		s->cc->mss = s->mss;
		tcp_cc_of(s)->init(s->cc, s->tc->ctx->now_ns);
	}
	s->rack_reo_mult = 1;
	/*
	 * RFC 6582 3.2 step 1: recover starts at the ISS. Left at 0, the
	 * check of step 2 (snd_una below recover: no new recovery) held for
	 * every connection whose sequence numbers lie in the half below 0,
	 * and half of all connections never did a fast retransmit.
	 */
	s->recover = s->iss;
}

/* Free every entry of the retransmit queue. */
void
tcp_rtxq_free_all(struct tern_tcp_stream *s)
{
	struct tern_tcp_seg *seg;

	while ((seg = tcp_rtxq_first(&s->rec->rtxq)) != NULL) {
		tcp_sack_forget(s, seg);
		tcp_rtxq_unlink(&s->rec->rtxq, seg);
		tcp_seg_free(s, seg);
	}
	s->rtxq_bytes = 0;
	/* the stream ends: no recovery to go on with, the block goes back */
	s->tf &= ~(TF_IN_RECOVERY | TF_LOSS);
	if (tcp_has_rec(s))
		tcp_rec_release(s);
	/* the stream ends: its acknowledged data waits no longer either */
	tcp_acked_flush(s->tc);
}
