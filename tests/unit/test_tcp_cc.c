/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * Congestion control (lib/tcp/tcp_cc*.c): NewReno (RFC 5681), CUBIC
 * (RFC 9438) and HyStart++ (RFC 9406), each driven through the ops table
 * alone by a simulated sender in virtual time. Needs neither EAL nor mbufs.
 *
 * The simulated sender keeps cwnd bytes in flight in MSS-sized segments;
 * each segment's ACK comes back one RTT after it was sent (the RTT may
 * depend on the send time, and ACKs never overtake each other: a FIFO
 * path), every segment or every second one is acknowledged, and each ACK
 * goes to on_ack with the RTT sample it carries. Nothing is random.
 *
 * The reference values (W_cubic, K, W_est) are computed here from the RFC's
 * formulas with their own arithmetic (a bisection cube root), not with the
 * library's.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_common.h"

#include "tcp_cc.h"

#define MSS		1460u
#define MS		1000000ull	/* ns */
#define SEC		1000000000ull	/* ns */
#define ISS		0xfffff000u	/* sequence numbers wrap during every run */
#define SIM_CAP		(1u << 17)	/* segments in flight at most */

#define RFC_C		0.4
#define RFC_BETA	0.7
#define RFC_ALPHA	(3.0 * (1.0 - RFC_BETA) / (1.0 + RFC_BETA))

/* ---------------------------------------------------------------------- */
/* The simulated sender */

enum {
	PH_NONE = 0,
	PH_SS,		/* the ACK grew cwnd by min(acked, L MSS) */
	PH_CSS,		/* by a quarter of that */
	PH_CA,		/* cwnd >= ssthresh after the ACK */
	PH_OTHER,
};

static const char *const ph_name[] = { "none", "SS", "CSS", "CA", "other" };

struct ph_change {
	uint8_t ph;
	uint32_t round;		/* the sender's round (below) when it changed */
	uint64_t t_ns;
	uint32_t cwnd;		/* after the ACK */
	uint32_t ssthresh;
};

struct sim {
	const struct tcp_cc_ops *ops;
	struct tcp_cc_conn *c;
	uint64_t now;
	uint32_t una, nxt;
	uint64_t *send_ns, *ack_ns;	/* FIFO of segments in flight */
	uint32_t head, tail;
	uint64_t last_ack_ns;
	uint32_t rtt_us;		/* the path's RTT, unless rtt_fn */
	uint32_t (*rtt_fn)(const struct sim *, uint64_t send_ns);
	uint32_t ack_every;		/* segments per ACK */
	uint32_t hs_l;			/* L of the slow start being checked, in MSS */
	uint32_t srtt_us, min_rtt_us;
	/* round tracking, as RFC 9406 4.2 defines a round */
	uint32_t round, round_end;
	bool round_open;
	/* what each ACK did */
	uint64_t acks;
	uint32_t nb[PH_OTHER + 1];
	uint8_t ph;
	struct ph_change log[32];
	uint32_t nb_log;
};

static void
sim_init(struct sim *s, const struct tcp_cc_ops *ops, struct tcp_cc_conn *c, uint32_t rtt_us,
	 uint64_t start_ns)
{
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->c = c;
	s->now = start_ns;
	s->una = ISS;
	s->nxt = ISS;
	s->send_ns = calloc(SIM_CAP, sizeof(uint64_t));
	s->ack_ns = calloc(SIM_CAP, sizeof(uint64_t));
	assert_non_null(s->send_ns);
	assert_non_null(s->ack_ns);
	s->rtt_us = rtt_us;
	s->ack_every = 1;
	s->hs_l = 8;
}

static void
sim_fini(struct sim *s)
{
	free(s->send_ns);
	free(s->ack_ns);
}

static uint32_t
sim_inflight(const struct sim *s)
{
	return s->tail - s->head;
}

/* Send one segment at @t. */
static void
sim_send_one(struct sim *s, uint64_t t)
{
	uint32_t rtt = s->rtt_fn != NULL ? s->rtt_fn(s, t) : s->rtt_us;
	uint64_t at = t + (uint64_t)rtt * 1000;

	assert_true(sim_inflight(s) < SIM_CAP - 1);
	if (at < s->last_ack_ns)
		at = s->last_ack_ns;	/* FIFO: an ACK never overtakes another */
	s->last_ack_ns = at;
	s->send_ns[s->tail % SIM_CAP] = t;
	s->ack_ns[s->tail % SIM_CAP] = at;
	s->tail++;
	s->nxt += MSS;
}

/* Send what cwnd allows, now. */
static void
sim_send(struct sim *s)
{
	while ((uint64_t)sim_inflight(s) * MSS + MSS <= s->c->cwnd)
		sim_send_one(s, s->now);
}

/* Send the window evenly over one RTT from now (a sender already ACK-clocked). */
static void
sim_send_spread(struct sim *s)
{
	uint32_t n = s->c->cwnd / MSS, i;

	for (i = 0; i < n; i++)
		sim_send_one(s, s->now + (uint64_t)s->rtt_us * 1000 * i / n);
}

static void
sim_note(struct sim *s, uint8_t ph)
{
	s->nb[ph]++;
	if (ph == s->ph)
		return;
	s->ph = ph;
	if (s->nb_log < sizeof(s->log) / sizeof(s->log[0]))
		s->log[s->nb_log++] = (struct ph_change){
			.ph = ph, .round = s->round, .t_ns = s->now,
			.cwnd = s->c->cwnd, .ssthresh = s->c->ssthresh,
		};
}

/* The next ACK: up to ack_every segments, at the last one's time. */
static void
sim_step(struct sim *s)
{
	struct tcp_cc_ack a;
	uint32_t k = 0, before, inc, full;
	uint64_t sent = 0;

	while (k < s->ack_every && sim_inflight(s) > 0) {
		s->now = s->ack_ns[s->head % SIM_CAP];
		sent = s->send_ns[s->head % SIM_CAP];
		s->head++;
		k++;
		if (sim_inflight(s) > 0 && s->ack_ns[s->head % SIM_CAP] > s->now)
			break;	/* the next segment is not here yet: ACK what we have */
	}
	s->una += k * MSS;
	if (!s->round_open || (int32_t)(s->una - s->round_end) >= 0) {
		s->round += s->round_open;
		s->round_end = s->nxt;
		s->round_open = true;
	}
	memset(&a, 0, sizeof(a));
	a.now_ns = s->now;
	a.acked = k * MSS;
	a.flight = s->nxt - s->una;
	a.ack = s->una;
	a.snd_nxt = s->nxt;
	a.rtt_us = (uint32_t)((s->now - sent) / 1000);
	if (s->srtt_us == 0)
		s->srtt_us = a.rtt_us;
	else	/* RFC 6298 2.3 */
		s->srtt_us = (7 * s->srtt_us + a.rtt_us) / 8;
	if (s->min_rtt_us == 0 || a.rtt_us < s->min_rtt_us)
		s->min_rtt_us = a.rtt_us;
	a.srtt_us = s->srtt_us;
	a.min_rtt_us = s->min_rtt_us;

	before = s->c->cwnd;
	s->ops->on_ack(s->c, &a);
	s->acks++;
	inc = s->c->cwnd - before;
	full = a.acked < s->hs_l * MSS ? a.acked : s->hs_l * MSS;
	if (s->c->cwnd >= s->c->ssthresh)
		sim_note(s, PH_CA);
	else if (inc == full)
		sim_note(s, PH_SS);
	else if (inc == full / 4)
		sim_note(s, PH_CSS);
	else
		sim_note(s, PH_OTHER);
	sim_send(s);
}

/* Process every ACK due at or before @t; the clock ends at @t. */
static void
sim_run_until(struct sim *s, uint64_t t)
{
	while (sim_inflight(s) > 0 && s->ack_ns[s->head % SIM_CAP] <= t)
		sim_step(s);
	if (s->now < t)
		s->now = t;
	sim_send(s);
}

static void
sim_print_log(const struct sim *s, const char *what)
{
	uint32_t i;

	print_message("%s: %u phase changes\n", what, s->nb_log);
	for (i = 0; i < s->nb_log; i++) {
		char ss[32] = "inf";

		if (s->log[i].ssthresh != TCP_CC_SSTHRESH_INF)
			snprintf(ss, sizeof(ss), "%.2f MSS", (double)s->log[i].ssthresh / MSS);
		print_message("  %-5s round %3u  t %8.3f ms  cwnd %7.2f MSS  ssthresh %s\n",
			      ph_name[s->log[i].ph], s->log[i].round,
			      (double)s->log[i].t_ns / MS, (double)s->log[i].cwnd / MSS, ss);
	}
}

/* A fresh connection of @ops. */
static void
conn_init(const struct tcp_cc_ops *ops, struct tcp_cc_conn *c, uint32_t mss)
{
	memset(c, 0xa5, sizeof(*c));	/* init must not rely on zeroed state */
	c->mss = mss;
	ops->init(c, 0);
}

static double
in_mss(uint32_t bytes)
{
	return (double)bytes / MSS;
}

/* ---------------------------------------------------------------------- */
/* Reference arithmetic, independent of the library's */

static double
ref_cbrt(double x)
{
	double lo = 0.0, hi = x > 1.0 ? x : 1.0;
	int i;

	for (i = 0; i < 200; i++) {
		double mid = (lo + hi) / 2;

		if (mid * mid * mid < x)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

static double
ref_fabs(double x)
{
	return x < 0 ? -x : x;
}

/* RFC 9438 Figure 1, in segments and seconds. */
static double
ref_w_cubic(double t, double k, double w_max)
{
	return RFC_C * (t - k) * (t - k) * (t - k) + w_max;
}

/* dW_cubic/dt: the window change per second at t. */
static double
ref_w_cubic_slope(double t, double k)
{
	return 3 * RFC_C * (t - k) * (t - k);
}

/*
 * RFC 9438 4.3: W_est after t seconds of a stage that began at @w0, with
 * alpha_cubic per RTT until W_est reaches @prior, one segment per RTT after.
 */
static double
ref_w_est(double t, double rtt, double w0, double prior)
{
	double rounds = t / rtt;
	double to_prior = w0 < prior ? (prior - w0) / RFC_ALPHA : 0.0;

	if (rounds <= to_prior)
		return w0 + RFC_ALPHA * rounds;
	return (w0 > prior ? w0 : prior) + (rounds - to_prior);
}

/* ---------------------------------------------------------------------- */
/* The ops table */

static void
test_cc_find_by_name(void **state)
{
	(void)state;
	assert_ptr_equal(tcp_cc_find("cubic"), &tcp_cc_cubic);
	assert_ptr_equal(tcp_cc_find("newreno"), &tcp_cc_newreno);
	assert_null(tcp_cc_find("reno"));
	assert_null(tcp_cc_find("CUBIC"));
	assert_null(tcp_cc_find("cubic "));
	assert_null(tcp_cc_find(""));
	assert_null(tcp_cc_find(NULL));
	assert_ptr_equal(tcp_cc_default(), &tcp_cc_cubic);
	assert_string_equal(tcp_cc_cubic.name, "cubic");
	assert_string_equal(tcp_cc_newreno.name, "newreno");
	assert_true(strlen(tcp_cc_cubic.name) < TCP_CC_NAME_MAX);
	assert_true(strlen(tcp_cc_newreno.name) < TCP_CC_NAME_MAX);
}

/* RFC 6928 2: IW = min(10 MSS, max(2 MSS, 14600)); RFC 5681 3.1: ssthresh high. */
static void
test_rfc6928_initial_window(void **state)
{
	static const struct {
		uint32_t mss, iw;
	} cases[] = {
		{ 536, 5360 }, { 1000, 10000 }, { 1200, 12000 }, { 1460, 14600 },
		{ 1500, 14600 }, { 4000, 14600 }, { 7300, 14600 }, { 9000, 18000 },
	};
	const struct tcp_cc_ops *algos[] = { &tcp_cc_newreno, &tcp_cc_cubic };
	struct tcp_cc_conn c;
	size_t i, j;

	(void)state;
	for (j = 0; j < 2; j++) {
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			conn_init(algos[j], &c, cases[i].mss);
			if (c.cwnd != cases[i].iw)
				print_error("%s mss %u: cwnd %u, expected %u\n", algos[j]->name,
					    cases[i].mss, c.cwnd, cases[i].iw);
			assert_int_equal(c.cwnd, cases[i].iw);
			assert_int_equal(c.ssthresh, TCP_CC_SSTHRESH_INF);
			assert_int_equal(tcp_cc_iw(cases[i].mss), cases[i].iw);
		}
	}
}

/* ---------------------------------------------------------------------- */
/* NewReno */

/* Slow start, RFC 5681 3.1 with RFC 3465 L = 2: cwnd doubles per RTT, ACKs per 1 or 2 segments. */
static void
test_newreno_slow_start_doubles_per_rtt(void **state)
{
	uint32_t every, k;

	(void)state;
	for (every = 1; every <= 2; every++) {
		struct tcp_cc_conn c;
		struct sim s;

		conn_init(&tcp_cc_newreno, &c, MSS);
		sim_init(&s, &tcp_cc_newreno, &c, 10000, 0);
		s.ack_every = every;
		sim_send(&s);
		for (k = 1; k <= 6; k++) {
			sim_run_until(&s, k * 10 * MS);
			if (c.cwnd != (10u * MSS) << k)
				print_error("ACK every %u: %u RTT: cwnd %.2f MSS, expected %u\n",
					    every, k, in_mss(c.cwnd), 10u << k);
			assert_int_equal(c.cwnd, (10u * MSS) << k);
		}
		assert_int_equal(c.ssthresh, TCP_CC_SSTHRESH_INF);
		sim_fini(&s);
	}
}

/* RFC 3465 2.2: a stretch ACK grows cwnd by at most L = 2 SMSS in slow start. */
static void
test_newreno_slow_start_abc_limit(void **state)
{
	struct tcp_cc_conn c;
	struct tcp_cc_ack a = { .now_ns = MS, .acked = 10 * MSS, .ack = ISS + 10 * MSS,
				.snd_nxt = ISS + 10 * MSS, .rtt_us = 1000, .srtt_us = 1000 };

	(void)state;
	conn_init(&tcp_cc_newreno, &c, MSS);
	tcp_cc_newreno.on_ack(&c, &a);
	assert_int_equal(c.cwnd, 12 * MSS);
	a.acked = 100;
	tcp_cc_newreno.on_ack(&c, &a);
	assert_int_equal(c.cwnd, 12 * MSS + 100);
}

/* Slow start stops at ssthresh, then avoidance: ~1 SMSS per RTT (RFC 5681 3.1). */
static void
test_newreno_avoidance_one_mss_per_rtt(void **state)
{
	uint32_t every;

	(void)state;
	for (every = 1; every <= 2; every++) {
		struct tcp_cc_conn c;
		struct sim s;
		uint32_t k;

		conn_init(&tcp_cc_newreno, &c, MSS);
		c.cwnd = 20 * MSS;
		c.ssthresh = 20 * MSS;
		sim_init(&s, &tcp_cc_newreno, &c, 50000, 0);
		s.ack_every = every;
		sim_send(&s);
		for (k = 1; k <= 20; k++) {
			sim_run_until(&s, k * 50 * MS);
			if (c.cwnd != (20 + k) * MSS)
				print_error("ACK every %u: %u RTT: cwnd %.2f MSS, expected %u\n",
					    every, k, in_mss(c.cwnd), 20 + k);
			assert_int_equal(c.cwnd, (20 + k) * MSS);
		}
		sim_fini(&s);
	}

	/* from slow start into avoidance: 10 -> 20 -> 40 -> 50 (ssthresh) -> +1 per RTT */
	{
		struct tcp_cc_conn c;
		struct sim s;

		conn_init(&tcp_cc_newreno, &c, MSS);
		c.ssthresh = 50 * MSS;
		sim_init(&s, &tcp_cc_newreno, &c, 10000, 0);
		sim_send(&s);
		sim_run_until(&s, 20 * MS);
		assert_int_equal(c.cwnd, 40 * MSS);
		sim_run_until(&s, 30 * MS);
		/* 40 ACKs: 10 to reach ssthresh, 30 MSS counted toward the next step */
		assert_int_equal(c.cwnd, 50 * MSS);
		sim_run_until(&s, 40 * MS);
		assert_int_equal(c.cwnd, 51 * MSS);
		sim_run_until(&s, 130 * MS);
		assert_true(c.cwnd >= 59 * MSS && c.cwnd <= 60 * MSS);
		assert_int_equal(c.ssthresh, 50 * MSS);
		sim_fini(&s);
	}
}

/* RFC 3465 2.1 byte counting: bytes past a cwnd's worth (or ssthresh) go to the next step. */
static void
test_newreno_avoidance_byte_counting(void **state)
{
	struct tcp_cc_conn c;
	struct tcp_cc_ack a = { .now_ns = MS, .acked = 3 * MSS, .rtt_us = 1000, .srtt_us = 1000 };
	int i;

	(void)state;
	conn_init(&tcp_cc_newreno, &c, MSS);
	c.cwnd = 10 * MSS;
	c.ssthresh = 10 * MSS;
	for (i = 0; i < 4; i++)		/* 12 MSS: one step, 2 MSS over */
		tcp_cc_newreno.on_ack(&c, &a);
	assert_int_equal(c.cwnd, 11 * MSS);
	for (i = 0; i < 3; i++)		/* 2 + 9 = 11 MSS: the next step */
		tcp_cc_newreno.on_ack(&c, &a);
	assert_int_equal(c.cwnd, 12 * MSS);

	/* the ACK that ends slow start: what is beyond ssthresh counts in avoidance */
	conn_init(&tcp_cc_newreno, &c, MSS);
	c.cwnd = 9 * MSS;
	c.ssthresh = 10 * MSS;
	a.acked = 2 * MSS;
	tcp_cc_newreno.on_ack(&c, &a);	/* +1 MSS to ssthresh, 1 MSS counted */
	assert_int_equal(c.cwnd, 10 * MSS);
	a.acked = MSS;
	for (i = 0; i < 8; i++)
		tcp_cc_newreno.on_ack(&c, &a);
	assert_int_equal(c.cwnd, 10 * MSS);
	tcp_cc_newreno.on_ack(&c, &a);	/* 1 + 9 = 10 MSS */
	assert_int_equal(c.cwnd, 11 * MSS);
}

/* RFC 5681 (4): ssthresh = max(FlightSize / 2, 2 SMSS); cwnd in recovery is the engine's. */
static void
test_newreno_loss_halves_flight(void **state)
{
	struct tcp_cc_conn c;
	struct sim s;

	(void)state;
	conn_init(&tcp_cc_newreno, &c, MSS);
	c.cwnd = 40 * MSS;
	c.ssthresh = 30 * MSS;
	tcp_cc_newreno.on_loss(&c, 40 * MSS, 0);
	assert_int_equal(c.ssthresh, 20 * MSS);
	assert_int_equal(c.cwnd, 40 * MSS);	/* PRR's to change */
	tcp_cc_newreno.on_loss(&c, 3 * MSS, 0);
	assert_int_equal(c.ssthresh, 2 * MSS);	/* the floor */
	tcp_cc_newreno.on_loss(&c, 33 * MSS + 1, 0);
	assert_int_equal(c.ssthresh, (33 * MSS + 1) / 2);

	/* the end of recovery: cwnd = ssthresh, then avoidance */
	tcp_cc_newreno.on_loss(&c, 40 * MSS, 0);
	c.cwnd = c.ssthresh;
	tcp_cc_newreno.on_recovery_end(&c, 0);
	assert_int_equal(c.cwnd, 20 * MSS);
	sim_init(&s, &tcp_cc_newreno, &c, 10000, 0);
	sim_send(&s);
	sim_run_until(&s, 50 * MS);
	assert_int_equal(c.cwnd, 25 * MSS);
	sim_fini(&s);
}

/* RFC 5681 (4) and 3.1: an RTO gives cwnd = 1 SMSS; only the first of a series sets ssthresh. */
static void
test_newreno_rto_one_segment(void **state)
{
	struct tcp_cc_conn c;
	struct sim s;

	(void)state;
	conn_init(&tcp_cc_newreno, &c, MSS);
	c.cwnd = 40 * MSS;
	c.ssthresh = 30 * MSS;
	tcp_cc_newreno.on_rto(&c, 40 * MSS, 1, 0);
	assert_int_equal(c.cwnd, MSS);
	assert_int_equal(c.ssthresh, 20 * MSS);
	tcp_cc_newreno.on_rto(&c, MSS, 0, 0);	/* backed-off retransmission timed out */
	assert_int_equal(c.cwnd, MSS);
	assert_int_equal(c.ssthresh, 20 * MSS);

	/* slow start from 1 MSS: 1, 2, 4, 8, 16, 20 (ssthresh), then +1 per RTT */
	sim_init(&s, &tcp_cc_newreno, &c, 10000, 0);
	sim_send(&s);
	sim_run_until(&s, 40 * MS);
	assert_int_equal(c.cwnd, 16 * MSS);
	sim_run_until(&s, 50 * MS);
	assert_int_equal(c.cwnd, 20 * MSS);
	sim_run_until(&s, 100 * MS);
	assert_true(c.cwnd >= 24 * MSS && c.cwnd <= 25 * MSS);
	sim_fini(&s);
}

/* An RTO in the middle of recovery does not lower ssthresh twice for one congestion event. */
static void
test_newreno_rto_in_recovery_keeps_ssthresh(void **state)
{
	struct tcp_cc_conn c;

	(void)state;
	conn_init(&tcp_cc_newreno, &c, MSS);
	c.cwnd = 40 * MSS;
	c.ssthresh = 30 * MSS;
	tcp_cc_newreno.on_loss(&c, 40 * MSS, 0);
	c.cwnd = 15 * MSS;	/* PRR */
	tcp_cc_newreno.on_rto(&c, 30 * MSS, 1, 0);
	assert_int_equal(c.cwnd, MSS);
	assert_int_equal(c.ssthresh, 20 * MSS);
	/* undo goes back to the state before the loss, not to PRR's cwnd */
	tcp_cc_newreno.undo(&c, 0);
	assert_int_equal(c.cwnd, 40 * MSS);
	assert_int_equal(c.ssthresh, 30 * MSS);

	/* after recovery ended, a later RTO is a new event */
	tcp_cc_newreno.on_loss(&c, 40 * MSS, 0);
	c.cwnd = c.ssthresh;
	tcp_cc_newreno.on_recovery_end(&c, 0);
	tcp_cc_newreno.on_rto(&c, 16 * MSS, 1, 0);
	assert_int_equal(c.ssthresh, 8 * MSS);
	assert_int_equal(c.cwnd, MSS);
}

/* Undo of a spurious reduction: cwnd and ssthresh back, never lower than now. */
static void
test_newreno_undo_restores(void **state)
{
	struct tcp_cc_conn c;

	(void)state;
	/* nothing to undo on a new connection */
	conn_init(&tcp_cc_newreno, &c, MSS);
	tcp_cc_newreno.undo(&c, 0);
	assert_int_equal(c.cwnd, 10 * MSS);
	assert_int_equal(c.ssthresh, TCP_CC_SSTHRESH_INF);

	/* fast retransmit, recovery over, then D-SACK shows it spurious */
	c.cwnd = 40 * MSS;
	c.ssthresh = 30 * MSS;
	tcp_cc_newreno.on_loss(&c, 40 * MSS, 0);
	c.cwnd = c.ssthresh;
	tcp_cc_newreno.on_recovery_end(&c, 0);
	assert_int_equal(c.cwnd, 20 * MSS);
	tcp_cc_newreno.undo(&c, 0);
	assert_int_equal(c.cwnd, 40 * MSS);
	assert_int_equal(c.ssthresh, 30 * MSS);
	/* once only */
	c.cwnd = 10 * MSS;
	tcp_cc_newreno.undo(&c, 0);
	assert_int_equal(c.cwnd, 10 * MSS);

	/* a spurious RTO */
	c.cwnd = 40 * MSS;
	c.ssthresh = 30 * MSS;
	tcp_cc_newreno.on_rto(&c, 36 * MSS, 1, 0);
	assert_int_equal(c.cwnd, MSS);
	assert_int_equal(c.ssthresh, 18 * MSS);
	tcp_cc_newreno.undo(&c, 0);
	assert_int_equal(c.cwnd, 40 * MSS);
	assert_int_equal(c.ssthresh, 30 * MSS);

	/* cwnd grew past the saved one meanwhile: kept */
	tcp_cc_newreno.on_loss(&c, 40 * MSS, 0);
	c.cwnd = 50 * MSS;
	tcp_cc_newreno.undo(&c, 0);
	assert_int_equal(c.cwnd, 50 * MSS);
	assert_int_equal(c.ssthresh, 30 * MSS);

	/* a loss in the initial slow start: undo makes ssthresh infinite again */
	conn_init(&tcp_cc_newreno, &c, MSS);
	tcp_cc_newreno.on_loss(&c, 10 * MSS, 0);
	assert_int_equal(c.ssthresh, 5 * MSS);
	tcp_cc_newreno.undo(&c, 0);
	assert_int_equal(c.ssthresh, TCP_CC_SSTHRESH_INF);
}

/* ---------------------------------------------------------------------- */
/* CUBIC */

/* A CUBIC connection right after the end of recovery from a loss at @w_max MSS (flight = cwnd). */
static void
cubic_after_loss(struct tcp_cc_conn *c, uint32_t w_max)
{
	conn_init(&tcp_cc_cubic, c, MSS);
	c->cwnd = w_max * MSS;
	tcp_cc_cubic.on_loss(c, w_max * MSS, 0);
	c->cwnd = c->ssthresh;
	tcp_cc_cubic.on_recovery_end(c, 0);
}

/*
 * RFC 9438 4.1/4.4/4.5: after a loss at W_max = 100 MSS, cwnd follows
 * W_cubic(t) = C (t - K)^3 + W_max, K = cbrt(W_max (1 - beta) / C).
 *
 * Tolerance: cwnd grows by (W_cubic(t + RTT) - cwnd) / cwnd per segment
 * acknowledged, and about cwnd segments are acknowledged per RTT, spread
 * over it: dcwnd/dt = (W(t + RTT) - cwnd) / RTT, a first-order lag of one
 * RTT behind a target one RTT ahead. With e = cwnd - W(t) and Taylor's
 * expansion, de/dt = -e / RTT + W''(t) RTT / 2 + O(RTT^2): e settles at
 * W''(t) RTT^2 / 2 (the "model" column). The tolerance is twice that plus
 * half a segment for the per-ACK steps: 0.5 + |W''(t)| RTT^2 MSS. A
 * target of W(t) instead of W(t + RTT) would trail by W'(t) RTT (2.4 MSS
 * at t = K/4) and fail.
 */
static void
test_cubic_rfc9438_window_follows_w_cubic(void **state)
{
	const double rtt = 0.2, w_max = 100.0;
	const double k = ref_cbrt(w_max * (1 - RFC_BETA) / RFC_C);
	const double at[] = { 0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0 };
	struct tcp_cc_conn c;
	struct sim s;
	uint64_t epoch;
	size_t i;

	(void)state;
	cubic_after_loss(&c, 100);
	assert_int_equal(c.ssthresh, 70 * MSS);
	assert_int_equal(c.cwnd, 70 * MSS);
	sim_init(&s, &tcp_cc_cubic, &c, (uint32_t)(rtt * 1e6), SEC);
	sim_send_spread(&s);
	epoch = SEC + (uint64_t)(rtt * SEC);	/* the first ACK in avoidance */

	print_message("CUBIC after a loss at W_max = %.0f MSS: C = %.1f, beta = %.1f, "
		      "RTT = %.0f ms, K = %.3f s, MSS %u\n",
		      w_max, RFC_C, RFC_BETA, rtt * 1e3, k, MSS);
	print_message("  %-6s %8s %12s %10s %10s %8s %8s %8s\n", "t/K", "t (s)", "W_cubic(t)",
		      "W_est(t)", "cwnd", "diff", "model", "tol");
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		double t = at[i] * k;
		double expect = ref_w_cubic(t, k, w_max);
		double est = ref_w_est(t, rtt, w_max * RFC_BETA, w_max);
		double w2 = 6 * RFC_C * (t - k);	/* W''(t) */
		double tol = 0.5 + ref_fabs(w2) * rtt * rtt;
		double got;

		sim_run_until(&s, epoch + (uint64_t)(t * SEC));
		got = in_mss(c.cwnd);
		print_message("  %-6.2f %8.3f %12.2f %10.2f %10.2f %+8.2f %+8.2f %8.2f\n", at[i], t,
			      expect, est, got, got - expect, w2 * rtt * rtt / 2, tol);
		/* the parameters keep W_est below: this is the cubic region */
		assert_true(est < expect - 1.0 || t == 0.0);
		assert_true(ref_fabs(got - expect) <= tol);
	}
	sim_fini(&s);
}

/*
 * RFC 9438 4.3: with a small W_max and a short RTT, W_est (Reno's rate,
 * alpha_cubic per RTT up to cwnd_prior, 1 MSS per RTT after) is above
 * W_cubic: cwnd follows W_est.
 */
static void
test_cubic_rfc9438_reno_friendly_region(void **state)
{
	const double rtt = 0.001, w_max = 20.0;
	const double k = ref_cbrt(w_max * (1 - RFC_BETA) / RFC_C);
	const double at[] = { 0.005, 0.010, 0.020, 0.050, 0.100 };
	struct tcp_cc_conn c;
	struct sim s;
	uint64_t epoch;
	size_t i;

	(void)state;
	cubic_after_loss(&c, 20);
	assert_int_equal(c.cwnd, 14 * MSS);
	sim_init(&s, &tcp_cc_cubic, &c, (uint32_t)(rtt * 1e6), SEC);
	sim_send_spread(&s);
	epoch = SEC + (uint64_t)(rtt * SEC);

	print_message("CUBIC Reno-friendly: W_max = %.0f MSS, RTT = %.0f ms, K = %.3f s\n",
		      w_max, rtt * 1e3, k);
	print_message("  %8s %12s %10s %10s %8s\n", "t (s)", "W_cubic(t)", "W_est(t)", "cwnd",
		      "tol");
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		double t = at[i];
		double cub = ref_w_cubic(t, k, w_max);
		double est = ref_w_est(t, rtt, w_max * RFC_BETA, w_max);
		/*
		 * W_est gains alpha / cwnd per segment acknowledged, so alpha times
		 * (segments acknowledged in an RTT) / cwnd per RTT. The sender has
		 * whole segments in flight, sent one RTT ago when cwnd was a little
		 * smaller: each RTT gains about 1.5 / cwnd less than the formula's
		 * step, which sums to a few percent by the end (ln of the growth);
		 * 1 MSS plus 3 % covers it.
		 */
		double tol = 1.0 + 0.03 * est;
		double got;

		sim_run_until(&s, epoch + (uint64_t)(t * SEC));
		got = in_mss(c.cwnd);
		print_message("  %8.3f %12.2f %10.2f %10.2f %8.2f\n", t, cub, est, got, tol);
		assert_true(est > cub + 1.0);
		assert_true(ref_fabs(got - est) <= tol);
	}
	sim_fini(&s);
}

/* RFC 9438 4.7: a loss below the previous W_max lowers W_max to cwnd (1 + beta) / 2. */
static void
test_cubic_rfc9438_fast_convergence(void **state)
{
	const double rtt = 0.2;
	const double w_fc = 80.0 * (1 + RFC_BETA) / 2;	/* 68 */
	const double w0 = 80.0 * RFC_BETA;			/* 56 */
	const double k_fc = ref_cbrt((w_fc - w0) / RFC_C);
	const double k_no = ref_cbrt((80.0 - w0) / RFC_C);
	struct tcp_cc_conn a, b;
	struct sim sa, sb;
	const double at[] = { 0.5, 1.0, 1.5 };
	size_t i;

	(void)state;
	/* a: losses at 100 then at 80 MSS; b: one loss at 80 MSS */
	conn_init(&tcp_cc_cubic, &a, MSS);
	a.cwnd = 100 * MSS;
	tcp_cc_cubic.on_loss(&a, 100 * MSS, 0);
	a.cwnd = a.ssthresh;
	tcp_cc_cubic.on_recovery_end(&a, 0);
	a.cwnd = 80 * MSS;
	tcp_cc_cubic.on_loss(&a, 80 * MSS, 0);
	a.cwnd = a.ssthresh;
	tcp_cc_cubic.on_recovery_end(&a, 0);
	cubic_after_loss(&b, 80);
	assert_int_equal(a.cwnd, 56 * MSS);
	assert_int_equal(b.cwnd, 56 * MSS);

	sim_init(&sa, &tcp_cc_cubic, &a, (uint32_t)(rtt * 1e6), SEC);
	sim_init(&sb, &tcp_cc_cubic, &b, (uint32_t)(rtt * 1e6), SEC);
	sim_send_spread(&sa);
	sim_send_spread(&sb);
	print_message("CUBIC fast convergence: loss at 80 MSS below W_max 100: W_max %.1f, "
		      "K %.3f s; without: W_max 80, K %.3f s\n", w_fc, k_fc, k_no);
	print_message("  %8s %12s %10s %12s %10s\n", "t (s)", "W_cubic fc", "cwnd", "W_cubic no",
		      "cwnd");
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		double t = at[i] * k_fc;
		uint64_t when = SEC + (uint64_t)(rtt * SEC) + (uint64_t)(t * SEC);
		double ea = ref_w_cubic(t, k_fc, w_fc), eb = ref_w_cubic(t, k_no, 80.0);
		double ga, gb;

		sim_run_until(&sa, when);
		sim_run_until(&sb, when);
		ga = in_mss(a.cwnd);
		gb = in_mss(b.cwnd);
		print_message("  %8.3f %12.2f %10.2f %12.2f %10.2f\n", t, ea, ga, eb, gb);
		assert_true(ref_fabs(ga - ea) <= ref_w_cubic_slope(t, k_fc) * rtt + 1.0);
		assert_true(ref_fabs(gb - eb) <= ref_w_cubic_slope(t, k_no) * rtt + 1.0);
	}
	/* at t = K_fc a sits on its plateau at 68, b is near 80 */
	assert_true(in_mss(b.cwnd) - in_mss(a.cwnd) > 8.0);

	/* a loss at or above W_max: W_max = cwnd, no fast convergence */
	cubic_after_loss(&a, 80);
	a.cwnd = 90 * MSS;
	tcp_cc_cubic.on_loss(&a, 90 * MSS, 0);
	assert_int_equal(a.ssthresh, 63 * MSS);
	sim_fini(&sa);
	sim_fini(&sb);
}

/*
 * RFC 9438 4.8: a timeout sets ssthresh = FlightSize * beta (first RTO of a
 * series only) and cwnd = 1 MSS; the first avoidance stage after it has
 * K = 0 and W_max = cwnd_epoch, whatever W_max was before.
 */
static void
test_cubic_rfc9438_rto(void **state)
{
	const double rtt = 0.2;
	struct tcp_cc_conn c;
	struct sim s;
	uint64_t ca_start = 0;
	double w0, prior;
	const double at[] = { 1.0, 2.0, 3.0, 4.0 };
	size_t i;

	(void)state;
	cubic_after_loss(&c, 100);	/* W_max = 100 */
	c.cwnd = 75 * MSS;
	tcp_cc_cubic.on_rto(&c, 75 * MSS, 1, 0);
	assert_int_equal(c.cwnd, MSS);
	assert_int_equal(c.ssthresh, 75 * MSS * 7 / 10);
	tcp_cc_cubic.on_rto(&c, MSS, 0, 0);
	assert_int_equal(c.cwnd, MSS);
	assert_int_equal(c.ssthresh, 75 * MSS * 7 / 10);
	w0 = in_mss(c.ssthresh);
	{
		/* no HyStart++ after a congestion event: RFC 3465 L = 2 MSS */
		struct tcp_cc_conn t = c;
		struct tcp_cc_ack st = { .now_ns = SEC, .acked = 4 * MSS, .ack = ISS,
					 .snd_nxt = ISS, .rtt_us = 200000, .srtt_us = 200000 };

		tcp_cc_cubic.on_ack(&t, &st);
		assert_int_equal(t.cwnd, 3 * MSS);
	}
	prior = 75.0;

	/* slow start (RFC 3465, L = 2 MSS) to ssthresh, then avoidance */
	sim_init(&s, &tcp_cc_cubic, &c, (uint32_t)(rtt * 1e6), SEC);
	s.hs_l = 2;
	sim_send(&s);
	sim_run_until(&s, SEC + 10 * 200 * MS);
	for (i = 0; i < s.nb_log; i++)
		if (s.log[i].ph == PH_CA && ca_start == 0)
			ca_start = s.log[i].t_ns;
	sim_print_log(&s, "CUBIC after an RTO");
	assert_true(ca_start != 0);
	assert_int_equal(s.nb[PH_OTHER], 0);	/* slow start all the way: L = 2, no HyStart++ */
	assert_int_equal(s.nb[PH_CSS], 0);

	print_message("CUBIC after an RTO: cwnd_epoch = W_max = %.2f MSS, K = 0 (old W_max 100)\n",
		      w0);
	print_message("  %8s %12s %10s %10s %18s\n", "t (s)", "W_cubic(t)", "W_est(t)", "cwnd",
		      "W_cubic, old W_max");
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		double t = at[i];
		double cub = ref_w_cubic(t, 0.0, w0);
		double est = ref_w_est(t, rtt, w0, prior);
		double expect = cub > est ? cub : est;
		double old = ref_w_cubic(t, ref_cbrt((100.0 - w0) / RFC_C), 100.0);
		double tol = ref_w_cubic_slope(t, 0.0) * rtt + 2.0;
		double got;

		/* the epoch starts at the ACK after the one that reached ssthresh */
		sim_run_until(&s, ca_start + (uint64_t)(t * SEC));
		got = in_mss(c.cwnd);
		print_message("  %8.3f %12.2f %10.2f %10.2f %18.2f\n", t, cub, est, got, old);
		assert_true(ref_fabs(got - expect) <= tol);
		assert_true(ref_fabs(got - old) > tol);
	}
	sim_fini(&s);

	/* an RTO during recovery keeps the loss's ssthresh */
	conn_init(&tcp_cc_cubic, &c, MSS);
	c.cwnd = 100 * MSS;
	tcp_cc_cubic.on_loss(&c, 100 * MSS, 0);
	assert_int_equal(c.ssthresh, 70 * MSS);
	c.cwnd = 60 * MSS;
	tcp_cc_cubic.on_rto(&c, 90 * MSS, 1, 0);
	assert_int_equal(c.ssthresh, 70 * MSS);
	assert_int_equal(c.cwnd, MSS);
	/* ssthresh never below 2 MSS */
	tcp_cc_cubic.on_recovery_end(&c, 0);
	tcp_cc_cubic.on_rto(&c, 2 * MSS, 1, 0);
	assert_int_equal(c.ssthresh, 2 * MSS);
}

/* Feed the same ACK to @n connections: one MSS every @gap_ns. */
static void
feed_same(struct tcp_cc_conn **cs, int n, uint64_t *now, uint32_t *una, uint64_t until,
	  uint64_t gap_ns, uint32_t rtt_us)
{
	while (*now < until) {
		struct tcp_cc_ack a;
		int i;

		*now += gap_ns;
		*una += MSS;
		memset(&a, 0, sizeof(a));
		a.now_ns = *now;
		a.acked = MSS;
		a.ack = *una;
		a.snd_nxt = *una + 100 * MSS;
		a.flight = 100 * MSS;
		a.rtt_us = rtt_us;
		a.srtt_us = rtt_us;
		a.min_rtt_us = rtt_us;
		for (i = 0; i < n; i++)
			tcp_cc_cubic.on_ack(cs[i], &a);
	}
}

/*
 * RFC 9438 4.9: undo after a spurious loss or RTO restores cwnd, ssthresh
 * and W_max, K, t_epoch, W_est: the connection goes on exactly as one that
 * never saw the event. A third one that keeps the reduction shows the
 * comparison can fail.
 */
static void
test_cubic_rfc9438_undo_spurious(void **state)
{
	struct tcp_cc_conn a, b, d, r;
	struct tcp_cc_conn *all[4] = { &a, &b, &d, &r };
	uint64_t now = SEC;
	uint32_t una = ISS;
	uint32_t a_cwnd, a_ssthresh;
	double ga, gb, gd, gr;

	(void)state;
	cubic_after_loss(&a, 100);
	/* 1 s in avoidance (growing fast, 14 MSS/s), an ACK every 2 ms */
	feed_same(all, 1, &now, &una, 2 * SEC, 2 * MS, 200000);
	assert_true(a.cwnd > 80 * MSS);
	b = a;
	d = a;
	r = a;
	a_cwnd = a.cwnd;
	a_ssthresh = a.ssthresh;

	/* b: spurious fast retransmit, d: the same but real, r: spurious RTO */
	tcp_cc_cubic.on_loss(&b, b.cwnd, now);
	tcp_cc_cubic.on_loss(&d, d.cwnd, now);
	b.cwnd = b.ssthresh;
	d.cwnd = d.ssthresh;
	tcp_cc_cubic.on_recovery_end(&b, now);
	tcp_cc_cubic.on_recovery_end(&d, now);
	tcp_cc_cubic.on_rto(&r, r.cwnd, 1, now);
	assert_int_equal(r.cwnd, MSS);
	assert_true(b.ssthresh < a.ssthresh);
	/* 200 ms of ACKs (new epochs begin) before the D-SACK / timestamps tell */
	feed_same(all, 4, &now, &una, 2 * SEC + 200 * MS, 2 * MS, 200000);
	assert_true(b.cwnd < a_cwnd);
	assert_true(r.cwnd < a_cwnd);
	tcp_cc_cubic.undo(&b, now);
	tcp_cc_cubic.undo(&r, now);
	assert_int_equal(b.cwnd, a_cwnd);
	assert_int_equal(b.ssthresh, a_ssthresh);
	assert_int_equal(r.cwnd, a_cwnd);
	assert_int_equal(r.ssthresh, a_ssthresh);

	feed_same(all, 4, &now, &una, 4 * SEC + 200 * MS, 2 * MS, 200000);
	ga = in_mss(a.cwnd);
	gb = in_mss(b.cwnd);
	gd = in_mss(d.cwnd);
	gr = in_mss(r.cwnd);
	print_message("CUBIC undo: 2 s after: never lost %.2f, loss undone %.2f, "
		      "RTO undone %.2f, loss kept %.2f MSS\n", ga, gb, gr, gd);
	/* back on the same curve (W_max, K, t_epoch): within a segment */
	assert_true(ref_fabs(ga - gb) <= 1.0);
	assert_true(ref_fabs(ga - gr) <= 1.0);
	assert_true(ga - gd > 5.0);

	/* undo once only; nothing to undo on a new connection */
	b.cwnd = 10 * MSS;
	tcp_cc_cubic.undo(&b, now);
	assert_int_equal(b.cwnd, 10 * MSS);
	conn_init(&tcp_cc_cubic, &b, MSS);
	tcp_cc_cubic.undo(&b, now);
	assert_int_equal(b.cwnd, 10 * MSS);
	assert_int_equal(b.ssthresh, TCP_CC_SSTHRESH_INF);

	/* ssthresh never lower than now: a loss far above the old ssthresh */
	cubic_after_loss(&b, 100);
	b.cwnd = 130 * MSS;
	tcp_cc_cubic.on_loss(&b, 130 * MSS, now);
	assert_int_equal(b.ssthresh, 91 * MSS);
	tcp_cc_cubic.undo(&b, now);
	assert_int_equal(b.ssthresh, 91 * MSS);
	assert_int_equal(b.cwnd, 130 * MSS);
}

/*
 * RFC 9438 4.9, the rest of the saved state: undo before any ACK (a D-SACK
 * during recovery) keeps the epoch going, and in the Reno-friendly region
 * W_est comes back too.
 */
static void
test_cubic_rfc9438_undo_restores_epoch_and_w_est(void **state)
{
	struct tcp_cc_conn a, b, d;
	struct tcp_cc_conn *all[3] = { &a, &b, &d };
	uint64_t now = SEC;
	uint32_t una = ISS;
	double ga, gb, gd;
	int region;

	(void)state;
	for (region = 0; region < 2; region++) {
		/* 0: the cubic region (RTT 200 ms); 1: Reno-friendly (W_max 20, RTT 1 ms) */
		uint32_t rtt_us = region == 0 ? 200000 : 1000;
		uint64_t gap = region == 0 ? 2 * MS : 50000;

		now = SEC;
		cubic_after_loss(&a, region == 0 ? 100 : 20);
		feed_same(all, 1, &now, &una, now + (region == 0 ? SEC : 20 * MS), gap, rtt_us);
		b = a;
		d = a;
		/* b: loss, undone at once; d: loss, recovery, ACKs, then undone */
		tcp_cc_cubic.on_loss(&b, b.cwnd, now);
		tcp_cc_cubic.on_loss(&d, d.cwnd, now);
		d.cwnd = d.ssthresh;
		tcp_cc_cubic.on_recovery_end(&d, now);
		tcp_cc_cubic.undo(&b, now);
		feed_same(&all[2], 1, &now, &una, now + (region == 0 ? 200 * MS : 5 * MS), gap,
			  rtt_us);
		tcp_cc_cubic.undo(&d, now);
		/* a had no ACKs meanwhile either: all three at the same point of one curve */
		assert_int_equal(d.cwnd, a.cwnd);
		feed_same(all, 3, &now, &una, now + (region == 0 ? 2 * SEC : 20 * MS), gap,
			  rtt_us);
		ga = in_mss(a.cwnd);
		gb = in_mss(b.cwnd);
		gd = in_mss(d.cwnd);
		print_message("CUBIC undo (%s region): never lost %.2f, undone at once %.2f, "
			      "undone after ACKs %.2f MSS\n",
			      region == 0 ? "cubic" : "Reno-friendly", ga, gb, gd);
		assert_true(ref_fabs(ga - gb) <= 1.0);
		assert_true(ref_fabs(ga - gd) <= 1.0);
	}
}

/*
 * RFC 9438 4.4/4.5: the target is clamped to [cwnd, 1.5 cwnd]: a cwnd
 * above W_cubic(t + RTT) does not shrink, and a target far above grows
 * cwnd by at most half of what is acknowledged.
 */
static void
test_cubic_rfc9438_target_clamp(void **state)
{
	struct tcp_cc_conn c;
	struct tcp_cc_ack a = { .acked = MSS, .rtt_us = 200000, .srtt_us = 200000,
				.min_rtt_us = 200000, .ack = ISS, .snd_nxt = ISS + 100 * MSS };
	uint32_t before;

	(void)state;
	cubic_after_loss(&c, 100);
	a.now_ns = SEC;
	tcp_cc_cubic.on_ack(&c, &a);	/* the epoch starts: K = 4.2 s */
	/* above the curve: W_cubic(0.1 s + RTT) = 75.6 MSS < 80 MSS, W_est ~70 */
	c.cwnd = 80 * MSS;
	a.now_ns = SEC + 100 * MS;
	tcp_cc_cubic.on_ack(&c, &a);
	assert_int_equal(c.cwnd, 80 * MSS);
	/* 20 s later W_cubic is ~1700 MSS: + 0.5 * acked */
	c.cwnd = 70 * MSS;
	a.now_ns = 21 * SEC;
	a.acked = 10 * MSS;
	before = c.cwnd;
	tcp_cc_cubic.on_ack(&c, &a);
	assert_true(c.cwnd - before >= 5 * MSS && c.cwnd - before <= 5 * MSS + 1);
}

/* An undone loss in the initial slow start: ssthresh infinite, slow start (HyStart++) again. */
static void
test_cubic_undo_in_slow_start(void **state)
{
	struct tcp_cc_conn c;
	struct sim s;

	(void)state;
	conn_init(&tcp_cc_cubic, &c, MSS);
	tcp_cc_cubic.on_loss(&c, 10 * MSS, 0);
	assert_int_equal(c.ssthresh, 7 * MSS);
	c.cwnd = c.ssthresh;
	tcp_cc_cubic.undo(&c, 0);
	assert_int_equal(c.ssthresh, TCP_CC_SSTHRESH_INF);
	assert_int_equal(c.cwnd, 10 * MSS);
	sim_init(&s, &tcp_cc_cubic, &c, 20000, 0);
	sim_send(&s);
	sim_run_until(&s, 60 * MS);
	assert_int_equal(c.cwnd, 80 * MSS);
	/* L = 8: a stretch ACK of 20 MSS grows cwnd by 8 MSS (HyStart++ is on) */
	{
		struct tcp_cc_ack a = { .now_ns = 61 * MS, .acked = 20 * MSS, .ack = s.una,
					.snd_nxt = s.nxt, .rtt_us = 20000, .srtt_us = 20000 };

		tcp_cc_cubic.on_ack(&c, &a);
		assert_int_equal(c.cwnd, 88 * MSS);
	}
	sim_fini(&s);
}

/* ---------------------------------------------------------------------- */
/* HyStart++ (RFC 9406) */

static uint64_t rtt_step_at;
static uint32_t rtt_before_us, rtt_after_us;
static uint64_t rtt_back_at;	/* 0: never */

/* rtt_before until rtt_step_at, rtt_after until rtt_back_at, rtt_before again after. */
static uint32_t
rtt_step(const struct sim *s, uint64_t send_ns)
{
	(void)s;
	if (send_ns < rtt_step_at)
		return rtt_before_us;
	if (rtt_back_at != 0 && send_ns >= rtt_back_at)
		return rtt_before_us;
	return rtt_after_us;
}

/* RFC 9406 4.2: with a constant RTT slow start goes on until ssthresh (or a loss). */
static void
test_rfc9406_constant_rtt_slow_start_continues(void **state)
{
	struct tcp_cc_conn c;
	struct sim s;

	(void)state;
	conn_init(&tcp_cc_cubic, &c, MSS);
	sim_init(&s, &tcp_cc_cubic, &c, 20000, 0);
	sim_send(&s);
	sim_run_until(&s, 9 * 20 * MS);
	assert_int_equal(c.cwnd, (10u * MSS) << 9);	/* doubled 9 times */
	assert_int_equal(c.ssthresh, TCP_CC_SSTHRESH_INF);
	assert_int_equal(s.nb[PH_CSS], 0);
	assert_int_equal(s.nb[PH_OTHER], 0);
	assert_int_equal(s.nb_log, 1);
	sim_fini(&s);

	/* a finite ssthresh: slow start to it exactly, then avoidance */
	conn_init(&tcp_cc_cubic, &c, MSS);
	c.ssthresh = 300 * MSS;
	sim_init(&s, &tcp_cc_cubic, &c, 20000, 0);
	sim_send(&s);
	sim_run_until(&s, 5 * 20 * MS);
	/* 160 -> 300 after 140 of the round's 160 ACKs; the last 20 in avoidance */
	assert_true(c.cwnd >= 300 * MSS && c.cwnd < 301 * MSS);
	sim_run_until(&s, 8 * 20 * MS);
	sim_print_log(&s, "HyStart++, constant RTT, ssthresh 300 MSS");
	assert_int_equal(c.ssthresh, 300 * MSS);
	assert_true(c.cwnd > 300 * MSS && c.cwnd < 330 * MSS);
	assert_int_equal(s.nb[PH_CSS], 0);
	assert_int_equal(s.log[s.nb_log - 1].ph, PH_CA);
	sim_fini(&s);
}

/* One run with the RTT stepping from @before_us to @after_us at 3 RTTs; was CSS entered? */
static bool
hystart_step_exits(uint32_t before_us, uint32_t after_us)
{
	struct tcp_cc_conn c;
	struct sim s;
	bool css;

	conn_init(&tcp_cc_cubic, &c, MSS);
	sim_init(&s, &tcp_cc_cubic, &c, before_us, 0);
	rtt_before_us = before_us;
	rtt_after_us = after_us;
	rtt_step_at = 3ull * before_us * 1000;
	rtt_back_at = 0;
	s.rtt_fn = rtt_step;
	sim_send(&s);
	sim_run_until(&s, 3ull * before_us * 1000 + 5ull * after_us * 1000);
	css = s.nb[PH_CSS] > 0;
	print_message("  RTT %7.3f -> %7.3f ms: %s (cwnd %.0f MSS)\n", before_us / 1e3,
		      after_us / 1e3, css ? "CSS" : "slow start", in_mss(c.cwnd));
	assert_int_equal(c.ssthresh, TCP_CC_SSTHRESH_INF);
	sim_fini(&s);
	return css;
}

/* The RTT grows by @step_us per round of the sender. */
static uint32_t rtt_ramp_base_us, rtt_ramp_step_us;

static uint32_t
rtt_ramp(const struct sim *s, uint64_t send_ns)
{
	(void)send_ns;
	return rtt_ramp_base_us + rtt_ramp_step_us * s->round;
}

/*
 * RFC 9406 4.2: the delay test compares a round with the round before it
 * only: an RTT creeping up by less than the threshold per round never ends
 * slow start, however far it goes in total.
 */
static void
test_rfc9406_compares_with_last_round_only(void **state)
{
	struct tcp_cc_conn c;
	struct sim s;

	(void)state;
	conn_init(&tcp_cc_cubic, &c, MSS);
	sim_init(&s, &tcp_cc_cubic, &c, 20000, 0);
	rtt_ramp_base_us = 20000;
	rtt_ramp_step_us = 3500;
	s.rtt_fn = rtt_ramp;
	sim_send(&s);
	while (s.round < 9)
		sim_step(&s);
	sim_print_log(&s, "HyStart++, RTT + 3.5 ms per round");
	print_message("  round %u: RTT %.1f ms, cwnd %.0f MSS\n", s.round, s.srtt_us / 1e3,
		      in_mss(c.cwnd));
	assert_true(s.srtt_us > 40000);
	assert_int_equal(s.nb[PH_CSS], 0);
	assert_int_equal(c.ssthresh, TCP_CC_SSTHRESH_INF);
	sim_fini(&s);

	/* 4 ms per round is enough */
	conn_init(&tcp_cc_cubic, &c, MSS);
	sim_init(&s, &tcp_cc_cubic, &c, 20000, 0);
	rtt_ramp_step_us = 4000;
	s.rtt_fn = rtt_ramp;
	sim_send(&s);
	while (s.round < 9)
		sim_step(&s);
	assert_true(s.nb[PH_CSS] > 0);
	sim_fini(&s);
}

/* RFC 9406 4.2: the exit threshold is lastRoundMinRTT + clamp(lastRoundMinRTT / 8, 4 ms, 16 ms). */
static void
test_rfc9406_exit_threshold(void **state)
{
	(void)state;
	print_message("HyStart++ exit threshold:\n");
	/* 20 ms: 2.5 ms, clamped up to 4 ms */
	assert_false(hystart_step_exits(20000, 23999));
	assert_true(hystart_step_exits(20000, 24000));
	/* 80 ms: 10 ms */
	assert_false(hystart_step_exits(80000, 89999));
	assert_true(hystart_step_exits(80000, 90000));
	/* 200 ms: 25 ms, clamped down to 16 ms */
	assert_false(hystart_step_exits(200000, 215999));
	assert_true(hystart_step_exits(200000, 216000));
	/* falling RTT: never */
	assert_false(hystart_step_exits(30000, 20000));
}

/*
 * RFC 9406 4.2: an RTT rise of more than the threshold moves to CSS (growth
 * / CSS_GROWTH_DIVISOR); CSS_ROUNDS rounds later (the partial one counts)
 * ssthresh = cwnd and congestion avoidance begins.
 */
static void
test_rfc9406_rtt_rise_css_then_avoidance(void **state)
{
	struct tcp_cc_conn c;
	struct sim s;
	const struct ph_change *css = NULL, *ca = NULL;
	uint32_t i;

	(void)state;
	conn_init(&tcp_cc_cubic, &c, MSS);
	sim_init(&s, &tcp_cc_cubic, &c, 20000, 0);
	rtt_before_us = 20000;
	rtt_after_us = 30000;
	rtt_step_at = 100 * MS;
	rtt_back_at = 0;
	s.rtt_fn = rtt_step;
	sim_send(&s);
	sim_run_until(&s, 600 * MS);
	sim_print_log(&s, "HyStart++, RTT 20 -> 30 ms at 100 ms");
	for (i = 0; i < s.nb_log; i++) {
		if (s.log[i].ph == PH_CSS && css == NULL)
			css = &s.log[i];
		if (s.log[i].ph == PH_CA && ca == NULL)
			ca = &s.log[i];
	}
	assert_int_equal(s.nb_log, 3);	/* SS, CSS, CA */
	assert_int_equal(s.log[0].ph, PH_SS);
	assert_non_null(css);
	assert_non_null(ca);
	assert_int_equal(s.nb[PH_OTHER], 0);	/* CSS grew by exactly a quarter */
	/* the first ACK with a 30 ms sample comes at 130 ms; 8 of them end slow start */
	assert_true(css->t_ns >= 130 * MS && css->t_ns < 160 * MS);
	assert_int_equal(ca->round - css->round, 5);
	assert_int_equal(ca->ssthresh, ca->cwnd);	/* ssthresh = cwnd */
	assert_true(c.ssthresh == ca->ssthresh);
	/* CSS grows 1.25x per round: far less than slow start's 2^5 */
	assert_true(ca->cwnd < 2 * css->cwnd * 2);
	assert_true(ca->cwnd > css->cwnd * 2);
	sim_fini(&s);
}

/* RFC 9406 4.2: in CSS, a round's min RTT below cssBaselineMinRtt resumes slow start. */
static void
test_rfc9406_css_back_to_slow_start(void **state)
{
	struct tcp_cc_conn c;
	struct sim s;

	(void)state;
	conn_init(&tcp_cc_cubic, &c, MSS);
	sim_init(&s, &tcp_cc_cubic, &c, 20000, 0);
	rtt_before_us = 20000;
	rtt_after_us = 30000;
	rtt_step_at = 100 * MS;
	rtt_back_at = 170 * MS;
	s.rtt_fn = rtt_step;
	sim_send(&s);
	sim_run_until(&s, 260 * MS);
	sim_print_log(&s, "HyStart++, RTT 20 -> 30 ms at 100 ms, back to 20 ms at 170 ms");
	assert_int_equal(s.nb_log, 3);
	assert_int_equal(s.log[0].ph, PH_SS);
	assert_int_equal(s.log[1].ph, PH_CSS);
	assert_int_equal(s.log[2].ph, PH_SS);
	/*
	 * Bursts leave at 160 and 190 ms (ACK times); the 190 ms one has the
	 * 20 ms RTT: its 8th ACK, at 210 ms, ends CSS.
	 */
	assert_true(s.log[2].t_ns >= 210 * MS && s.log[2].t_ns < 240 * MS);
	assert_true(s.log[2].round - s.log[1].round < 5);
	assert_int_equal(c.ssthresh, TCP_CC_SSTHRESH_INF);
	assert_int_equal(s.nb[PH_OTHER], 0);
	sim_fini(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cc_find_by_name),
		cmocka_unit_test(test_rfc6928_initial_window),
		cmocka_unit_test(test_newreno_slow_start_doubles_per_rtt),
		cmocka_unit_test(test_newreno_slow_start_abc_limit),
		cmocka_unit_test(test_newreno_avoidance_one_mss_per_rtt),
		cmocka_unit_test(test_newreno_avoidance_byte_counting),
		cmocka_unit_test(test_newreno_loss_halves_flight),
		cmocka_unit_test(test_newreno_rto_one_segment),
		cmocka_unit_test(test_newreno_rto_in_recovery_keeps_ssthresh),
		cmocka_unit_test(test_newreno_undo_restores),
		cmocka_unit_test(test_cubic_rfc9438_window_follows_w_cubic),
		cmocka_unit_test(test_cubic_rfc9438_reno_friendly_region),
		cmocka_unit_test(test_cubic_rfc9438_fast_convergence),
		cmocka_unit_test(test_cubic_rfc9438_rto),
		cmocka_unit_test(test_cubic_rfc9438_target_clamp),
		cmocka_unit_test(test_cubic_rfc9438_undo_spurious),
		cmocka_unit_test(test_cubic_rfc9438_undo_restores_epoch_and_w_est),
		cmocka_unit_test(test_cubic_undo_in_slow_start),
		cmocka_unit_test(test_rfc9406_constant_rtt_slow_start_continues),
		cmocka_unit_test(test_rfc9406_exit_threshold),
		cmocka_unit_test(test_rfc9406_compares_with_last_round_only),
		cmocka_unit_test(test_rfc9406_rtt_rise_css_then_avoidance),
		cmocka_unit_test(test_rfc9406_css_back_to_slow_start),
	};

	return cmocka_run_group_tests_name("tcp_cc", tests, NULL, NULL);
}
