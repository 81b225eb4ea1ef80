/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * NewReno congestion control (RFC 5681): the window half of it. Loss
 * detection and the sending rate during recovery (RFC 6582, RFC 6675,
 * PRR) are the engine's; see tcp_cc.h for who calls what when.
 *
 * - init: IW per RFC 6928, ssthresh "arbitrarily high" (RFC 5681 3.1).
 * - slow start (cwnd < ssthresh): Appropriate Byte Counting, RFC 3465
 *   2.2 with L = 2 SMSS: cwnd += min(acked, 2 SMSS) per ACK, so a receiver
 *   that ACKs every second segment (RFC 5681 4.2) still doubles cwnd per
 *   RTT. Growth stops at ssthresh; the bytes beyond go to avoidance.
 * - congestion avoidance: byte counting (RFC 5681 3.1, RFC 3465 2.1):
 *   one SMSS per cwnd of bytes acknowledged, i.e. ~1 SMSS per RTT.
 * - loss: ssthresh = max(FlightSize / 2, 2 SMSS) (RFC 5681 (4)).
 * - RTO: on the first of a series the same ssthresh, unless the loss of
 *   this congestion event has already lowered it; cwnd = 1 SMSS (the loss
 *   window, RFC 5681 3.1).
 * - undo: cwnd and ssthresh back to at least what they were before the
 *   last reduction (RFC 3522 / RFC 2883 style; as Linux does).
 */
#include <stdint.h>

#include "tcp_cc.h"

#define NR_ABC_L	2	/* RFC 3465 2.2: L, in SMSS */

#define NR_F_IN_RECOVERY	0x1	/* on_loss seen, recovery not over */
#define NR_F_UNDO		0x2	/* prior_* hold a state to undo to */

struct newreno {
	uint32_t ca_acked;		/* bytes acked in avoidance, < cwnd */
	uint32_t prior_cwnd;		/* before the last reduction */
	uint32_t prior_ssthresh;
	uint32_t flags;			/* NR_F_* */
};

_Static_assert(sizeof(struct newreno) <= sizeof(((struct tcp_cc_conn *)0)->priv),
	       "NewReno state must fit in tcp_cc_conn.priv");

static inline struct newreno *
nr_of(struct tcp_cc_conn *c)
{
	return (struct newreno *)c->priv;
}

/* The engine sets mss; 536 (RFC 9293 3.7.1 default) guards a division. */
static inline uint32_t
nr_mss(const struct tcp_cc_conn *c)
{
	return c->mss != 0 ? c->mss : 536;
}

static inline uint32_t
nr_max(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

static inline uint32_t
nr_min(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static void
nr_init(struct tcp_cc_conn *c, uint64_t now_ns)
{
	struct newreno *nr = nr_of(c);

	(void)now_ns;
	nr->ca_acked = 0;
	nr->prior_cwnd = 0;
	nr->prior_ssthresh = 0;
	nr->flags = 0;
	c->cwnd = tcp_cc_iw(nr_mss(c));
	c->ssthresh = TCP_CC_SSTHRESH_INF;
}

static void
nr_on_ack(struct tcp_cc_conn *c, const struct tcp_cc_ack *a)
{
	struct newreno *nr = nr_of(c);
	uint32_t mss = nr_mss(c);
	uint32_t acked = a->acked;

	nr->flags &= ~NR_F_IN_RECOVERY;	/* on_ack comes outside recovery only */
	if (c->cwnd < c->ssthresh) {
		/* slow start, RFC 3465 2.2 with L = 2 SMSS */
		uint32_t inc = nr_min(acked, NR_ABC_L * mss);
		uint32_t room = c->ssthresh - c->cwnd;

		if (inc < room) {
			c->cwnd += inc;
			return;
		}
		c->cwnd = c->ssthresh;
		acked -= room;	/* inc >= room: the rest counts in avoidance */
		if (acked == 0)
			return;
	}
	/* congestion avoidance: one SMSS per cwnd of bytes acknowledged */
	nr->ca_acked += acked;
	if (nr->ca_acked >= c->cwnd) {
		nr->ca_acked -= c->cwnd;
		if (c->cwnd <= TCP_CC_SSTHRESH_INF - mss)
			c->cwnd += mss;
		if (nr->ca_acked >= c->cwnd)	/* a huge stretch ACK: one step per ACK */
			nr->ca_acked = 0;
	}
}

/* Remember cwnd and ssthresh before a reduction, for undo. */
static void
nr_save(struct tcp_cc_conn *c)
{
	struct newreno *nr = nr_of(c);

	nr->prior_cwnd = c->cwnd;
	nr->prior_ssthresh = c->ssthresh;
	nr->flags |= NR_F_UNDO;
}

static uint32_t
nr_half_flight(const struct tcp_cc_conn *c, uint32_t flight)
{
	return nr_max(flight / 2, 2 * nr_mss(c));
}

static void
nr_on_loss(struct tcp_cc_conn *c, uint32_t flight, uint64_t now_ns)
{
	struct newreno *nr = nr_of(c);

	(void)now_ns;
	nr_save(c);
	c->ssthresh = nr_half_flight(c, flight);	/* RFC 5681 (4) */
	nr->ca_acked = 0;
	nr->flags |= NR_F_IN_RECOVERY;
}

static void
nr_on_recovery_end(struct tcp_cc_conn *c, uint64_t now_ns)
{
	struct newreno *nr = nr_of(c);

	(void)now_ns;
	/* the engine has set cwnd = ssthresh (RFC 6582 3.2 (6), RFC 6937) */
	nr->flags &= ~NR_F_IN_RECOVERY;
	nr->ca_acked = 0;
}

static void
nr_on_rto(struct tcp_cc_conn *c, uint32_t flight, int first, uint64_t now_ns)
{
	struct newreno *nr = nr_of(c);

	(void)now_ns;
	if (first && !(nr->flags & NR_F_IN_RECOVERY)) {
		nr_save(c);
		c->ssthresh = nr_half_flight(c, flight);	/* RFC 5681 (4) */
	}
	/*
	 * In recovery the loss has already set ssthresh (and saved the state
	 * to undo to) for this congestion event; the timeout only shrinks
	 * cwnd. Later timeouts of a series keep ssthresh (RFC 5681 3.1).
	 */
	nr->flags &= ~NR_F_IN_RECOVERY;
	c->cwnd = nr_mss(c);	/* the loss window: 1 SMSS */
	nr->ca_acked = 0;
}

static void
nr_undo(struct tcp_cc_conn *c, uint64_t now_ns)
{
	struct newreno *nr = nr_of(c);

	(void)now_ns;
	if (!(nr->flags & NR_F_UNDO))
		return;
	c->cwnd = nr_max(c->cwnd, nr->prior_cwnd);
	c->ssthresh = nr_max(c->ssthresh, nr->prior_ssthresh);
	nr->flags &= ~(NR_F_UNDO | NR_F_IN_RECOVERY);
	nr->ca_acked = 0;
}

const struct tcp_cc_ops tcp_cc_newreno = {
	.name = "newreno",
	.init = nr_init,
	.on_ack = nr_on_ack,
	.on_loss = nr_on_loss,
	.on_recovery_end = nr_on_recovery_end,
	.on_rto = nr_on_rto,
	.undo = nr_undo,
};
