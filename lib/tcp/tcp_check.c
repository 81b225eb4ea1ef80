/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <inttypes.h>
#include <stdio.h>

#include <rte_mbuf.h>

#include "tern_tcp_priv.h"

/*
 * The invariants of one connection, checked from outside the code that
 * keeps them: TCP_CHECK() (TERN_ASSERT builds) after each input segment,
 * output run and timer expiry, and the fuzz harnesses after each step.
 * The byte counters of the scoreboard are recomputed from the marks on the
 * retransmit queue; a walk is O(n), so beyond TCP_CHECK_WALK_MAX segments
 * only the O(1) rules are checked (tests with 100,000 segments in flight
 * would otherwise be quadratic).
 */

#define TCP_CHECK_WALK_MAX	1024

static const char *const check_rule[] = {
	[TCP_CHK_OK] = "ok",
	[TCP_CHK_RTXQ] = "retransmit queue tree (tcp_rtxq_check)",
	[TCP_CHK_SND_ORDER] = "SND.UNA <= SND.NXT <= SND.MAX",
	[TCP_CHK_RTXQ_SPAN] = "retransmit queue inside [SND.UNA, SND.MAX)",
	[TCP_CHK_REC] = "a connection without a loss-recovery block has nothing in flight, no recovery on",
	[TCP_CHK_RTXQ_BYTES] = "rtxq_bytes is the sum of the segments' lengths",
	[TCP_CHK_SACKED] = "sacked_out is the sum of the SACKed segments",
	[TCP_CHK_LOST] = "lost_out is the sum of the segments marked lost",
	[TCP_CHK_RETRANS] = "retrans_out is the sum of the retransmissions in flight",
	[TCP_CHK_MARKS] = "segment marks: SACKed excludes lost, resent implies lost",
	[TCP_CHK_LISTS] = "sent and lost lists hold the unSACKed segments",
	[TCP_CHK_PIPE] = "scoreboard counters within the data in flight",
	[TCP_CHK_RCV_WND] = "RCV.NXT within the advertised window (+1 for a FIN)",
	[TCP_CHK_RCVQ] = "rcvq_bytes is the data in the receive queue",
	[TCP_CHK_SNDQ] = "sndq_bytes is the data in the send queue",
	[TCP_CHK_TIMER] = "data in flight has a retransmission or probe timer",
	[TCP_CHK_STATE] = "state is a known one",
};

const char *
tcp_check_rule(int err)
{
	unsigned int i = (unsigned int)-err;

	return i < RTE_DIM(check_rule) && check_rule[i] != NULL ? check_rule[i] : "?";
}

/* Length of a chain of packets linked by ->next (single segments). */
static uint64_t
chain_bytes(const struct rte_mbuf *m, uint32_t max_segs, bool *cut)
{
	uint64_t n = 0;
	uint32_t i = 0;

	for (; m != NULL; m = m->next) {
		if (++i > max_segs) {
			*cut = true;
			break;
		}
		n += m->data_len;
	}
	return n;
}

static bool
synchronized(uint8_t st)
{
	return st >= TERN_TCP_SYN_RECEIVED && st <= TERN_TCP_TIME_WAIT;
}

/* The scoreboard walk: counters from the marks, lists from the flags. */
static int
check_walk(const struct tern_tcp_stream *s)
{
	const struct tern_tcp_seg *seg, *t;
	uint64_t bytes = 0, sacked = 0, lost = 0, rtx = 0;
	uint32_t on_list = 0, listed = 0, limit = s->rec->rtxq.nb + 1;

	for (seg = s->rec->rtxq.first; seg != NULL; seg = tcp_rtxq_next(seg)) {
		uint16_t f = seg->flags;

		bytes += seg->len;
		if (f & TERN_TCP_SEG_SACKED)
			sacked += seg->len;
		if (f & TERN_TCP_SEG_LOST)
			lost += seg->len;
		if (f & TERN_TCP_SEG_RTX_OUT)
			rtx += seg->len;
		if ((f & TERN_TCP_SEG_SACKED) && (f & (TERN_TCP_SEG_LOST | TERN_TCP_SEG_RTX_OUT)))
			return -TCP_CHK_MARKS;
		if ((f & TERN_TCP_SEG_RTX_OUT) && !(f & TERN_TCP_SEG_LOST))
			return -TCP_CHK_MARKS;
		if (f & TERN_TCP_SEG_ON_LIST)
			on_list++;
	}
	if (bytes != s->rtxq_bytes)
		return -TCP_CHK_RTXQ_BYTES;
	if ((s->tf & TF_SACK_OK) && sacked != s->rec->sacked_out)
		return -TCP_CHK_SACKED;
	if (lost != s->rec->lost_out)
		return -TCP_CHK_LOST;
	if (rtx != s->rec->retrans_out)
		return -TCP_CHK_RETRANS;
	for (t = s->rec->sent_head; t != NULL; t = t->tnext) {
		if (++listed > limit || !(t->flags & TERN_TCP_SEG_ON_LIST) ||
		    (t->flags & TERN_TCP_SEG_SACKED) ||
		    (t->flags & (TERN_TCP_SEG_LOST | TERN_TCP_SEG_RTX_OUT)) == TERN_TCP_SEG_LOST)
			return -TCP_CHK_LISTS;
		if (t->tnext == NULL && t != s->rec->sent_tail)
			return -TCP_CHK_LISTS;
	}
	for (t = s->rec->lost_head; t != NULL; t = t->tnext) {
		if (++listed > limit || !(t->flags & TERN_TCP_SEG_ON_LIST) ||
		    (t->flags & (TERN_TCP_SEG_LOST | TERN_TCP_SEG_RTX_OUT)) != TERN_TCP_SEG_LOST)
			return -TCP_CHK_LISTS;
		if (t->tnext == NULL && t != s->rec->lost_tail)
			return -TCP_CHK_LISTS;
	}
	if (listed != on_list)
		return -TCP_CHK_LISTS;
	return 0;
}

int
tcp_stream_check(const struct tern_tcp_stream *s)
{
	const struct tern_tcp_seg *first, *last;
	uint32_t flight;
	bool cut = false;
	int ret;

	if (s->state > TERN_TCP_TIME_WAIT)
		return -TCP_CHK_STATE;
	if (s->state == TERN_TCP_LISTEN)
		return 0;
	/* no loss-recovery block: nothing in the queue, no recovery on */
	if (!tcp_has_rec(s) && (s->rtxq_bytes != 0 || (s->tf & (TF_IN_RECOVERY | TF_LOSS))))
		return -TCP_CHK_REC;
	if (s->rec->rtxq.nb <= TCP_CHECK_WALK_MAX && tcp_rtxq_check(&s->rec->rtxq) != 0)
		return -TCP_CHK_RTXQ;
	if (s->state == TERN_TCP_CLOSED && tcp_rtxq_empty(&s->rec->rtxq))
		return 0;
	if (SEQ_GT(s->snd_una, s->snd_nxt) || SEQ_GT(s->snd_nxt, s->snd_max))
		return -TCP_CHK_SND_ORDER;
	flight = s->snd_max - s->snd_una;
	first = tcp_rtxq_first(&s->rec->rtxq);
	last = tcp_rtxq_last(&s->rec->rtxq);
	if (first != NULL && (first->seq != s->snd_una || tcp_seg_end(last) != s->snd_max))
		return -TCP_CHK_RTXQ_SPAN;
	if (s->rtxq_bytes > flight)
		return -TCP_CHK_RTXQ_BYTES;
	if (s->rec->lost_out > s->rtxq_bytes || s->rec->retrans_out > s->rec->lost_out ||
	    s->rec->sacked_out > flight ||
	    ((s->tf & TF_SACK_OK) && s->rec->sacked_out + s->rec->lost_out > s->rtxq_bytes))
		return -TCP_CHK_PIPE;
	if (s->rec->rtxq.nb <= TCP_CHECK_WALK_MAX) {
		ret = check_walk(s);
		if (ret != 0)
			return ret;
	}
	/* a FIN taken at a zero window leaves RCV.NXT one past the edge */
	if (synchronized(s->state) && SEQ_GT(s->rcv_nxt, s->rcv_adv + 1))
		return -TCP_CHK_RCV_WND;
	if (chain_bytes(s->rcvq_head, TCP_CHECK_WALK_MAX, &cut) != s->rcvq_bytes && !cut)
		return -TCP_CHK_RCVQ;
	cut = false;
	if (chain_bytes(s->sndq_head, TCP_CHECK_WALK_MAX, &cut) != s->sndq_bytes && !cut)
		return -TCP_CHK_SNDQ;
	if (first != NULL && !(s->tf & TF_DONE) && s->state != TERN_TCP_CLOSED &&
	    s->tmr[TCP_T_RTX] == 0 && s->tmr[TCP_T_PERSIST] == 0)
		return -TCP_CHK_TIMER;
	return 0;
}

int
tcp_stream_check_print(const struct tern_tcp_stream *s)
{
	int ret = tcp_stream_check(s);

	if (ret != 0)
		fprintf(stderr,
			"tcp check: %s broken: state %s una %u nxt %u max %u rtxq %u segs %" PRIu32
			" bytes sacked %u lost %u retrans %u rcv_nxt %u rcv_adv %u\n",
			tcp_check_rule(ret), tern_tcp_state_name(s->state), s->snd_una,
			s->snd_nxt, s->snd_max, s->rec->rtxq.nb, s->rtxq_bytes, s->rec->sacked_out,
			s->rec->lost_out, s->rec->retrans_out, s->rcv_nxt, s->rcv_adv);
	return ret;
}
