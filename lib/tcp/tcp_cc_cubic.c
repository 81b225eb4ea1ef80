/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * CUBIC congestion control (RFC 9438) with HyStart++ (RFC 9406) in the
 * initial slow start. The window half only: loss detection and the rate
 * during recovery are the engine's (tcp_cc.h).
 *
 * Units: cwnd and ssthresh are bytes (struct tcp_cc_conn); the CUBIC
 * window function works in segments of the current SMSS and in seconds,
 * as the RFC writes it. Floating point (double) is used on the congestion
 * avoidance path of on_ack (W_cubic, W_est, the per-ACK increment), once
 * per epoch for K (a cube root by Newton's method: no libm), and for the
 * one multiplication by (1 + beta) / 2 in fast convergence. Slow start,
 * HyStart++ and ssthresh are integer arithmetic.
 *
 * What is implemented, by section of RFC 9438:
 * - 4.1/4.2  W_cubic(t) = C (t - K)^3 + W_max, K = cbrt((W_max - cwnd_epoch) / C),
 *            t from the start of the congestion avoidance stage (the first
 *            ACK in avoidance after slow start or recovery). When W_max is
 *            not above cwnd_epoch (avoidance reached without a loss, e.g. a
 *            HyStart++ exit), W_max = cwnd_epoch and K = 0: the curve starts
 *            convex at cwnd (the RFC's formula would give a negative K).
 * - 4.3      Reno-friendly region: W_est starts at cwnd_epoch and grows by
 *            alpha_cubic * segments_acked / cwnd per ACK, alpha_cubic =
 *            3 (1 - beta) / (1 + beta) until W_est reaches cwnd_prior, 1
 *            after; when W_cubic(t) < W_est, cwnd = W_est.
 * - 4.4/4.5  concave and convex regions: target = W_cubic(t + RTT) clamped
 *            to [cwnd, 1.5 cwnd]; cwnd += (target - cwnd) / cwnd per SMSS
 *            acknowledged (fractions of a byte are carried to the next ACK).
 *            RTT is the smoothed RTT (the latest sample, then min RTT, when
 *            the engine has none).
 * - 4.6      loss: ssthresh = max(FlightSize * beta, 2 SMSS), cwnd_prior = cwnd;
 *            cwnd during recovery is the engine's (PRR), cwnd = ssthresh at
 *            its end. FlightSize rather than cwnd: the RFC allows cwnd only
 *            with measures against growing cwnd while application-limited.
 * - 4.7      fast convergence: W_max = cwnd (1 + beta) / 2 when a loss comes
 *            below the previous W_max, cwnd otherwise.
 * - 4.8      timeout: on the first RTO of a series ssthresh as in 4.6 (not a
 *            second time if a loss already reduced for this event), cwnd =
 *            1 SMSS; in the first avoidance stage after it K = 0 and W_max =
 *            cwnd_epoch (W_est = cwnd_epoch as always).
 * - 4.9      spurious congestion events: the state before the last reduction
 *            (cwnd, ssthresh, W_max, K, t_epoch, W_est, cwnd_prior, HyStart++
 *            phase) is saved; undo restores it, cwnd and ssthresh never
 *            lower than they are now.
 * - 4.10 (slow start): HyStart++, below. Slow starts after a congestion
 *            event (after an RTO) use RFC 3465 ABC with L = 2 SMSS.
 *
 * HyStart++ (RFC 9406 4.2), only while ssthresh is still the initial
 * "infinite" one (4.3 recommends it for the initial slow start only):
 * a round ends when the cumulative ACK reaches the SND.NXT noted at its
 * start; currentRoundMinRTT is the minimum of every RTT sample in the
 * round, and once the round has N_RTT_SAMPLE samples the exit test runs on
 * each ACK: currentRoundMinRTT >= lastRoundMinRTT + clamp(lastRoundMinRTT / 8,
 * 4 ms, 16 ms) moves to Conservative Slow Start with cssBaselineMinRtt =
 * currentRoundMinRTT. CSS grows by min(acked, L SMSS) / 4 and goes back to
 * slow start when a round's minimum (after N_RTT_SAMPLE samples) drops below
 * the baseline; after CSS_ROUNDS rounds (the partial one it started in
 * counts) ssthresh = cwnd: congestion avoidance. A loss or RTO ends
 * HyStart++ for good. L = 8 SMSS: tern does not pace, and RFC 9406 4.3
 * says "L = infinity if paced, L = 8 if non-paced".
 */
#include <stdint.h>

#include "tcp_cc.h"
#include "tern_tcp_seq.h"

#define CUBIC_C			0.4	/* RFC 9438 5.1: segments / s^3 */
#define CUBIC_BETA		0.7	/* RFC 9438 4.6: beta_cubic */
#define CUBIC_BETA_NUM		7u	/* the same, for integer ssthresh */
#define CUBIC_BETA_DEN		10u
/* RFC 9438 4.3: alpha_cubic = 3 (1 - beta) / (1 + beta) */
#define CUBIC_ALPHA		(3.0 * (1.0 - CUBIC_BETA) / (1.0 + CUBIC_BETA))
#define CUBIC_ABC_L		2u	/* RFC 3465 2.2: L for non-HyStart slow start */

/* RFC 9406 4.3 */
#define HS_MIN_RTT_THRESH_US	4000u
#define HS_MAX_RTT_THRESH_US	16000u
#define HS_MIN_RTT_DIVISOR	8u
#define HS_N_RTT_SAMPLE		8u
#define HS_CSS_GROWTH_DIVISOR	4u
#define HS_CSS_ROUNDS		5u
#define HS_L			8u	/* non-paced */
#define HS_RTT_INF		UINT32_MAX

enum {
	HS_OFF = 0,	/* HyStart++ over (or never): plain slow start */
	HS_SS,		/* slow start, watching the delay */
	HS_CSS,		/* Conservative Slow Start */
};

#define CU_F_EPOCH		0x01	/* t_epoch, K, W_est are those of this stage */
#define CU_F_AFTER_RTO		0x02	/* next epoch: K = 0, W_max = cwnd_epoch (4.8) */
#define CU_F_IN_RECOVERY	0x04	/* on_loss seen, recovery not over */
#define CU_F_UNDO		0x08	/* prior_* hold a state to undo to */
#define CU_F_HS_ROUND		0x10	/* a HyStart++ round is open (hs_round_end) */
#define CU_F_SAVED		(CU_F_EPOCH | CU_F_AFTER_RTO)	/* what undo restores */

struct cubic {
	double w_est;			/* segments: Reno-friendly estimate */
	uint64_t t_epoch_ns;		/* start of this avoidance stage */
	float w_max;			/* segments */
	float k_s;			/* seconds */
	uint32_t cwnd_prior;		/* bytes: cwnd at the last reduction */
	float cwnd_frac;		/* bytes of growth not yet in cwnd, < 1 */
	/* state before the last reduction (4.9) */
	uint64_t prior_t_epoch_ns;
	float prior_w_est;
	float prior_w_max;
	float prior_k_s;
	uint32_t prior_cwnd;
	uint32_t prior_ssthresh;
	uint32_t prior_cwnd_prior;
	/* HyStart++ (RFC 9406) */
	uint32_t hs_round_end;		/* SND.NXT at the start of the round */
	uint32_t hs_last_min_us;	/* lastRoundMinRTT */
	uint32_t hs_cur_min_us;		/* currentRoundMinRTT */
	uint32_t hs_css_base_us;	/* cssBaselineMinRtt */
	uint16_t hs_samples;		/* rttSampleCount */
	uint8_t hs_css_rounds;		/* CSS rounds begun, the partial first included */
	uint8_t hs_phase;		/* HS_* */
	uint8_t flags;			/* CU_F_* */
	uint8_t prior_flags;		/* CU_F_SAVED bits before the last reduction */
	uint8_t prior_hs_phase;
	uint8_t pad;
};

_Static_assert(sizeof(struct cubic) <= sizeof(((struct tcp_cc_conn *)0)->priv),
	       "CUBIC state must fit in tcp_cc_conn.priv");

static inline struct cubic *
cu_of(struct tcp_cc_conn *c)
{
	return (struct cubic *)c->priv;
}

/* The engine sets mss; 536 (RFC 9293 3.7.1 default) guards a division. */
static inline uint32_t
cu_mss(const struct tcp_cc_conn *c)
{
	return c->mss != 0 ? c->mss : 536;
}

static inline uint32_t
cu_max(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

static inline uint32_t
cu_min(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* cwnd + inc, no higher than @limit. */
static inline uint32_t
cu_add(uint32_t cwnd, uint64_t inc, uint32_t limit)
{
	uint64_t w = (uint64_t)cwnd + inc;

	return w < limit ? (uint32_t)w : cu_max(cwnd, limit);
}

/* Cube root of x >= 0: scale into [1, 8), then Newton from 1.5 (6 steps: full precision). */
static double
cu_cbrt(double x)
{
	double scale = 1.0, g = 1.5;
	int i;

	if (!(x > 0.0))
		return 0.0;
	while (x >= 8.0) {
		x /= 8.0;
		scale *= 2.0;
	}
	while (x < 1.0) {
		x *= 8.0;
		scale /= 2.0;
	}
	for (i = 0; i < 6; i++)
		g = (2.0 * g + x / (g * g)) / 3.0;
	return g * scale;
}

/* RFC 9438 Figure 1: W_cubic(t) in segments, t in seconds. */
static inline double
cu_w_cubic(const struct cubic *cu, double t)
{
	double d = t - (double)cu->k_s;

	return CUBIC_C * d * d * d + (double)cu->w_max;
}

/* ssthresh after a congestion event (RFC 9438 4.6). */
static uint32_t
cu_ssthresh(const struct tcp_cc_conn *c, uint32_t flight)
{
	uint64_t s = (uint64_t)flight * CUBIC_BETA_NUM / CUBIC_BETA_DEN;

	return cu_max((uint32_t)s, 2 * cu_mss(c));
}

static void
hs_reset(struct cubic *cu, uint8_t phase)
{
	cu->hs_phase = phase;
	cu->hs_last_min_us = HS_RTT_INF;
	cu->hs_cur_min_us = HS_RTT_INF;
	cu->hs_css_base_us = HS_RTT_INF;
	cu->hs_samples = 0;
	cu->hs_css_rounds = 0;
	cu->flags &= ~CU_F_HS_ROUND;
}

static void
cu_init(struct tcp_cc_conn *c, uint64_t now_ns)
{
	struct cubic *cu = cu_of(c);

	(void)now_ns;
	*cu = (struct cubic){ .w_est = 0.0 };
	hs_reset(cu, HS_SS);
	c->cwnd = tcp_cc_iw(cu_mss(c));
	c->ssthresh = TCP_CC_SSTHRESH_INF;
}

/* Slow start with HyStart++ (RFC 9406 4.2). */
static void
hs_on_ack(struct tcp_cc_conn *c, struct cubic *cu, const struct tcp_cc_ack *a)
{
	uint32_t mss = cu_mss(c);
	uint32_t inc;

	/* a round ends when the ACK reaches the SND.NXT noted at its start */
	if (!(cu->flags & CU_F_HS_ROUND) || SEQ_GEQ(a->ack, cu->hs_round_end)) {
		if ((cu->flags & CU_F_HS_ROUND) && cu->hs_phase == HS_CSS) {
			if (cu->hs_css_rounds >= HS_CSS_ROUNDS) {
				/* CSS_ROUNDS rounds done: congestion avoidance */
				c->ssthresh = c->cwnd;
				hs_reset(cu, HS_OFF);
				return;
			}
			cu->hs_css_rounds++;
		}
		cu->hs_last_min_us = cu->hs_cur_min_us;
		cu->hs_cur_min_us = HS_RTT_INF;
		cu->hs_samples = 0;
		cu->hs_round_end = a->snd_nxt;
		cu->flags |= CU_F_HS_ROUND;
	}

	inc = cu_min(a->acked, HS_L * mss);
	if (cu->hs_phase == HS_CSS)
		inc /= HS_CSS_GROWTH_DIVISOR;
	c->cwnd = cu_add(c->cwnd, inc, c->ssthresh);

	if (a->rtt_us != 0) {
		cu->hs_cur_min_us = cu_min(cu->hs_cur_min_us, a->rtt_us);
		if (cu->hs_samples < UINT16_MAX)
			cu->hs_samples++;
	}
	if (cu->hs_samples < HS_N_RTT_SAMPLE || cu->hs_cur_min_us == HS_RTT_INF)
		return;
	if (cu->hs_phase == HS_SS && cu->hs_last_min_us != HS_RTT_INF) {
		uint32_t eta = cu->hs_last_min_us / HS_MIN_RTT_DIVISOR;

		eta = cu_max(HS_MIN_RTT_THRESH_US, cu_min(eta, HS_MAX_RTT_THRESH_US));
		if (cu->hs_cur_min_us >= cu->hs_last_min_us + eta) {
			cu->hs_css_base_us = cu->hs_cur_min_us;
			cu->hs_phase = HS_CSS;
			cu->hs_css_rounds = 1;	/* this partial round counts */
		}
	} else if (cu->hs_phase == HS_CSS && cu->hs_cur_min_us < cu->hs_css_base_us) {
		/* the exit was spurious: slow start again, HyStart++ included */
		cu->hs_css_base_us = HS_RTT_INF;
		cu->hs_phase = HS_SS;
	}
}

/* Congestion avoidance (RFC 9438 4.2-4.5). */
static void
cu_avoid(struct tcp_cc_conn *c, struct cubic *cu, const struct tcp_cc_ack *a)
{
	uint32_t mss = cu_mss(c);
	double cwnd_seg = (double)c->cwnd / mss;
	double t, rtt_s, w_t, target, inc;
	uint32_t rtt_us, whole;

	if (!(cu->flags & CU_F_EPOCH)) {
		cu->flags |= CU_F_EPOCH;
		cu->t_epoch_ns = a->now_ns;
		if ((cu->flags & CU_F_AFTER_RTO) || (double)cu->w_max <= cwnd_seg) {
			cu->w_max = (float)cwnd_seg;
			cu->k_s = 0.0f;
		} else {
			cu->k_s = (float)cu_cbrt(((double)cu->w_max - cwnd_seg) / CUBIC_C);
		}
		cu->flags &= ~CU_F_AFTER_RTO;
		cu->w_est = cwnd_seg;
		cu->cwnd_frac = 0.0f;
	}
	t = a->now_ns > cu->t_epoch_ns ? (double)(a->now_ns - cu->t_epoch_ns) * 1e-9 : 0.0;
	rtt_us = a->srtt_us != 0 ? a->srtt_us : a->rtt_us != 0 ? a->rtt_us : a->min_rtt_us;
	rtt_s = (double)rtt_us * 1e-6;

	/* 4.3: W_est += alpha * segments_acked / cwnd */
	cu->w_est += (cu->w_est * mss >= (double)cu->cwnd_prior ? 1.0 : CUBIC_ALPHA) *
		     (double)a->acked / (double)c->cwnd;
	w_t = cu_w_cubic(cu, t);
	if (w_t < cu->w_est) {
		/* Reno-friendly region */
		double w = cu->w_est * mss;

		if (w > (double)c->cwnd)
			c->cwnd = w < (double)TCP_CC_SSTHRESH_INF ? (uint32_t)w :
				  TCP_CC_SSTHRESH_INF;
		cu->cwnd_frac = 0.0f;
		return;
	}
	/* 4.4 concave, 4.5 convex: chase W_cubic(t + RTT), at most 1.5 cwnd */
	target = cu_w_cubic(cu, t + rtt_s);
	if (target < cwnd_seg)
		target = cwnd_seg;
	else if (target > 1.5 * cwnd_seg)
		target = 1.5 * cwnd_seg;
	inc = (target - cwnd_seg) / cwnd_seg * (double)a->acked + (double)cu->cwnd_frac;
	if (inc >= (double)TCP_CC_SSTHRESH_INF)
		inc = (double)TCP_CC_SSTHRESH_INF;
	whole = (uint32_t)inc;
	cu->cwnd_frac = (float)(inc - whole);
	c->cwnd = cu_add(c->cwnd, whole, TCP_CC_SSTHRESH_INF);
}

static void
cu_on_ack(struct tcp_cc_conn *c, const struct tcp_cc_ack *a)
{
	struct cubic *cu = cu_of(c);

	cu->flags &= ~CU_F_IN_RECOVERY;	/* on_ack comes outside recovery only */
	if (a->acked == 0)
		return;
	if (c->cwnd == 0)
		c->cwnd = cu_mss(c);	/* never below the loss window; avoidance divides by it */
	if (c->cwnd < c->ssthresh) {
		if (cu->hs_phase != HS_OFF) {
			hs_on_ack(c, cu, a);
		} else {
			/* RFC 3465 2.2, L = 2 SMSS, up to ssthresh */
			uint32_t inc = cu_min(a->acked, CUBIC_ABC_L * cu_mss(c));

			c->cwnd = cu_add(c->cwnd, inc, c->ssthresh);
		}
		return;
	}
	cu_avoid(c, cu, a);
}

/* Save what a reduction changes, for undo (RFC 9438 4.9). */
static void
cu_save(struct tcp_cc_conn *c, struct cubic *cu)
{
	cu->prior_cwnd = c->cwnd;
	cu->prior_ssthresh = c->ssthresh;
	cu->prior_w_max = cu->w_max;
	cu->prior_k_s = cu->k_s;
	cu->prior_t_epoch_ns = cu->t_epoch_ns;
	cu->prior_w_est = (float)cu->w_est;
	cu->prior_cwnd_prior = cu->cwnd_prior;
	cu->prior_flags = cu->flags & CU_F_SAVED;
	cu->prior_hs_phase = cu->hs_phase;
	cu->flags |= CU_F_UNDO;
}

static void
cu_on_loss(struct tcp_cc_conn *c, uint32_t flight, uint64_t now_ns)
{
	struct cubic *cu = cu_of(c);
	float cwnd_seg = (float)c->cwnd / (float)cu_mss(c);

	(void)now_ns;
	cu_save(c, cu);
	/* 4.7 fast convergence */
	if (cwnd_seg < cu->w_max)
		cu->w_max = cwnd_seg * (float)((1.0 + CUBIC_BETA) / 2.0);
	else
		cu->w_max = cwnd_seg;
	cu->cwnd_prior = c->cwnd;
	c->ssthresh = cu_ssthresh(c, flight);	/* 4.6 */
	cu->flags &= ~(CU_F_EPOCH | CU_F_AFTER_RTO);
	cu->flags |= CU_F_IN_RECOVERY;
	cu->hs_phase = HS_OFF;	/* RFC 9406 4.2: a loss ends slow start */
	cu->flags &= ~CU_F_HS_ROUND;
}

static void
cu_on_recovery_end(struct tcp_cc_conn *c, uint64_t now_ns)
{
	struct cubic *cu = cu_of(c);

	(void)now_ns;
	/* cwnd = ssthresh (the engine); the next ACK starts the epoch */
	cu->flags &= ~(CU_F_IN_RECOVERY | CU_F_EPOCH);
	cu->cwnd_frac = 0.0f;
}

static void
cu_on_rto(struct tcp_cc_conn *c, uint32_t flight, int first, uint64_t now_ns)
{
	struct cubic *cu = cu_of(c);

	(void)now_ns;
	if (first && !(cu->flags & CU_F_IN_RECOVERY)) {
		cu_save(c, cu);
		cu->cwnd_prior = c->cwnd;
		c->ssthresh = cu_ssthresh(c, flight);	/* 4.8: as in 4.6 */
	}
	/* in recovery, the loss has reduced ssthresh for this event already */
	cu->flags &= ~(CU_F_EPOCH | CU_F_IN_RECOVERY);
	cu->flags |= CU_F_AFTER_RTO;
	cu->hs_phase = HS_OFF;
	cu->flags &= ~CU_F_HS_ROUND;
	cu->cwnd_frac = 0.0f;
	c->cwnd = cu_mss(c);	/* the loss window (RFC 5681 3.1) */
}

static void
cu_undo(struct tcp_cc_conn *c, uint64_t now_ns)
{
	struct cubic *cu = cu_of(c);

	(void)now_ns;
	if (!(cu->flags & CU_F_UNDO))
		return;
	c->cwnd = cu_max(c->cwnd, cu->prior_cwnd);
	c->ssthresh = cu_max(c->ssthresh, cu->prior_ssthresh);
	cu->w_max = cu->prior_w_max;
	cu->k_s = cu->prior_k_s;
	cu->t_epoch_ns = cu->prior_t_epoch_ns;
	cu->w_est = cu->prior_w_est;
	cu->cwnd_prior = cu->prior_cwnd_prior;
	cu->flags &= ~(CU_F_SAVED | CU_F_UNDO | CU_F_IN_RECOVERY | CU_F_HS_ROUND);
	cu->flags |= cu->prior_flags;
	cu->cwnd_frac = 0.0f;
	if (cu->prior_hs_phase != HS_OFF && c->cwnd < c->ssthresh) {
		/* back in the initial slow start: HyStart++ goes on, new round */
		cu->hs_phase = cu->prior_hs_phase;
		cu->hs_samples = 0;
		cu->hs_cur_min_us = HS_RTT_INF;
	}
}

/*
 * Idle longer than an RTO: the window was cut to the restart window. The
 * time spent idle is not time on the curve: the next ACK starts a new epoch
 * from the cwnd it finds (W_max and the HyStart++ state stay).
 */
static void
cu_on_idle_restart(struct tcp_cc_conn *c, uint64_t now_ns)
{
	struct cubic *cu = cu_of(c);

	(void)now_ns;
	cu->flags &= ~CU_F_EPOCH;
}

const struct tcp_cc_ops tcp_cc_cubic = {
	.name = "cubic",
	.init = cu_init,
	.on_ack = cu_on_ack,
	.on_loss = cu_on_loss,
	.on_recovery_end = cu_on_recovery_end,
	.on_rto = cu_on_rto,
	.undo = cu_undo,
	.on_idle_restart = cu_on_idle_restart,
};
