/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * The plain-ACK path of tcp_ack_recv() (an ACK of everything sent, no SACK
 * block, no loss episode, no probe out): it must leave a connection exactly
 * as the general path does. Two harnesses run the same exchange in lock
 * step, one with the plain path on (the default) and one with every ACK
 * through the general path (tern_tcp_ctx.ack_fast_off); after every
 * millisecond both ends' state is compared field by field (the second
 * harness takes the first's ISN secrets: the same numbers): sequence
 * variables, send window
 * and its update markers, RTT estimator and RTO, backoff, congestion window
 * and threshold, RACK's latest delivery and minimum RTT, the timers'
 * deadlines, the flags, the bytes queued and in flight, the loss-recovery
 * block held or not.
 *
 * - request/response over a 10 ms round trip (the plain path's case: every
 *   ACK acknowledges everything);
 * - a 200 KB transfer, several segments in flight (ACKs of part of what is
 *   out take the general path in both), then idle;
 * - the same with the 5th data segment lost: recovery, SACK blocks, a
 *   retransmission (the plain path must step aside, and be taken again
 *   after the recovery).
 *
 * Each checks that the plain path was taken (tcp_ack_fast) in one harness
 * and never in the other, and that every mbuf came back.
 */
#include "tcp_test.h"

#include "tern_tcp_priv.h"	/* the control block: the tests read internals */

#define SEED_DEF	29

struct twin {
	struct harness *h[2];	/* [0] plain path on, [1] off */
	struct tern_tcp_stream *l[2], *a[2], *b[2];
	uint64_t got_a[2], got_b[2];
};

static int
setup(void **state)
{
	struct twin *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return -1;
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct twin *t = *state;
	int ret = 0, i;

	for (i = 0; i < 2; i++)
		if (t->h[i] != NULL) {
			harness_set_tap(t->h[i], NULL, NULL);
			if (harness_destroy(t->h[i]) != 0)
				ret = -1;
		}
	free(t);
	return ret;
}

static void
twin_make(struct twin *t, const char *name)
{
	int i;

	for (i = 0; i < 2; i++) {
		harness_seed(name, SEED_DEF);
		t->h[i] = harness_create_tcp(NULL, NULL, NULL);
		assert_non_null(t->h[i]);
		tcpc(harness_ctx(t->h[i], HARNESS_A))->ack_fast_off = i == 1;
		tcpc(harness_ctx(t->h[i], HARNESS_B))->ack_fast_off = i == 1;
		if (i == 1) {
			/* the same ISNs and timestamp offsets in both: the same numbers throughout */
			enum harness_side sd;

			for (sd = HARNESS_A; sd <= HARNESS_B; sd++) {
				struct tern_tcp_ctx *x = tcpc(harness_ctx(t->h[0], sd));
				struct tern_tcp_ctx *y = tcpc(harness_ctx(t->h[1], sd));

				y->isn_secret = x->isn_secret;
				y->cookie_secret = x->cookie_secret;
			}
		}
		tcp_pair(t->h[i], 4, &t->l[i], &t->a[i], &t->b[i]);
		harness_run(t->h[i], 10 * MS);
	}
	assert_int_equal(harness_now(t->h[0]), harness_now(t->h[1]));
}

/* A timer's deadline from now (0: off), so that two harnesses compare. */
static uint64_t
tmr_rel(const struct harness *h, const struct tern_tcp_stream *s, unsigned int id)
{
	return s->tmr[id] == 0 ? 0 : s->tmr[id] - harness_now(h) + 1;
}

/* @x and @y (the same end of the two twins) in the same state. */
static void
same_state(const struct twin *t, const struct tern_tcp_stream *x, const struct tern_tcp_stream *y)
{
	unsigned int id;

	assert_int_equal(x->state, y->state);
	assert_int_equal(x->iss, y->iss);
	assert_int_equal(x->irs, y->irs);
	assert_int_equal(x->snd_una, y->snd_una);
	assert_int_equal(x->snd_nxt, y->snd_nxt);
	assert_int_equal(x->snd_max, y->snd_max);
	assert_int_equal(x->rcv_nxt, y->rcv_nxt);
	assert_int_equal(x->rcv_adv, y->rcv_adv);
	assert_int_equal(x->ts_recent, y->ts_recent);
	assert_int_equal(x->snd_wnd, y->snd_wnd);
	assert_int_equal(x->max_sndwnd, y->max_sndwnd);
	assert_int_equal(x->snd_wl1, y->snd_wl1);
	assert_int_equal(x->snd_wl2, y->snd_wl2);
	assert_int_equal(x->srtt, y->srtt);
	assert_int_equal(x->rttvar, y->rttvar);
	assert_int_equal(x->rto_us, y->rto_us);
	assert_int_equal(x->backoff, y->backoff);
	assert_int_equal(x->dupacks, y->dupacks);
	assert_int_equal(x->cc == NULL, y->cc == NULL);	/* a congestion-control block: sent */
	assert_int_equal(tcp_cwnd(x), tcp_cwnd(y));
	if (x->cc != NULL)
		assert_int_equal(x->cc->ssthresh, y->cc->ssthresh);
	assert_int_equal(x->min_rtt_us, y->min_rtt_us);
	assert_int_equal(x->rack_xmit_ns, y->rack_xmit_ns);
	assert_int_equal(x->rack_end_seq, y->rack_end_seq);
	assert_int_equal(x->recover, y->recover);
	assert_int_equal(x->tlp_high_seq, y->tlp_high_seq);
	assert_int_equal(x->undo_marker, y->undo_marker);
	assert_int_equal(x->soft_err, y->soft_err);
	assert_int_equal(x->tf, y->tf);
	assert_int_equal(x->sndq_bytes, y->sndq_bytes);
	assert_int_equal(x->rtxq_bytes, y->rtxq_bytes);
	assert_int_equal(tcp_has_rec(x), tcp_has_rec(y));
	assert_int_equal(x->rec->sacked_out, y->rec->sacked_out);
	assert_int_equal(x->rec->lost_out, y->rec->lost_out);
	assert_int_equal(x->rec->retrans_out, y->rec->retrans_out);
	assert_int_equal(x->rec->rtxq.nb, y->rec->rtxq.nb);
	for (id = 0; id < TCP_T_NB; id++)
		assert_int_equal(tmr_rel(t->h[0], x, id), tmr_rel(t->h[1], y, id));
	assert_int_equal(tcp_stream_check(x), 0);
	assert_int_equal(tcp_stream_check(y), 0);
}

static void
read_all(struct tern_tcp_stream *s, uint64_t *got)
{
	static uint8_t buf[65536];
	ssize_t n;

	while ((n = tern_tcp_read(s, buf, sizeof(buf))) > 0)
		*got += (uint64_t)n;
}

/* Both twins @ms milliseconds on, a millisecond at a time, compared after each. */
static void
twin_run(struct twin *t, unsigned int ms)
{
	unsigned int i, k;

	for (k = 0; k < ms; k++) {
		for (i = 0; i < 2; i++) {
			harness_run(t->h[i], MS);
			read_all(t->b[i], &t->got_b[i]);
			read_all(t->a[i], &t->got_a[i]);
		}
		same_state(t, t->a[0], t->a[1]);
		same_state(t, t->b[0], t->b[1]);
		assert_int_equal(t->got_a[0], t->got_a[1]);
		assert_int_equal(t->got_b[0], t->got_b[1]);
	}
}

static void
twin_write(struct twin *t, int side_a, size_t len)
{
	static uint8_t buf[262144];
	unsigned int i;

	assert_true(len <= sizeof(buf));
	memset(buf, 'x', len);
	for (i = 0; i < 2; i++)
		assert_int_equal(tern_tcp_write(side_a ? t->a[i] : t->b[i], buf, len),
				 (ssize_t)len);
}

/* The plain path taken in the first twin only; both closed cleanly. */
static void
twin_finish(struct twin *t)
{
	unsigned int i;

	assert_true(STAT(t->h[0], HARNESS_A, tcp_ack_fast) +
		    STAT(t->h[0], HARNESS_B, tcp_ack_fast) > 0);
	assert_int_equal(STAT(t->h[1], HARNESS_A, tcp_ack_fast) +
			 STAT(t->h[1], HARNESS_B, tcp_ack_fast), 0);
	for (i = 0; i < 2; i++) {
		harness_set_tap(t->h[i], NULL, NULL);
		harness_set_wire_delay(t->h[i], 0);
		tern_tcp_close(t->a[i]);
	}
	twin_run(t, 10);
	for (i = 0; i < 2; i++) {
		tern_tcp_close(t->b[i]);
		tern_tcp_close(t->l[i]);
		harness_run(t->h[i], 100 * SEC);	/* past TIME_WAIT */
		assert_int_equal(tern_tcp_nb_conns(harness_ctx(t->h[i], HARNESS_A)), 0);
		assert_int_equal(tern_tcp_nb_conns(harness_ctx(t->h[i], HARNESS_B)), 0);
		tcp_assert_clean(t->h[i]);
	}
}

/* ---------------------------------------------------------------------- */

static void
test_ackfast_request_response_same_state(void **state)
{
	struct twin *t = *state;
	unsigned int r;

	twin_make(t, __func__);
	for (r = 0; r < 2; r++)
		harness_set_wire_delay(t->h[r], 5 * MS);
	for (r = 0; r < 30; r++) {
		twin_write(t, 1, 100 + 37 * r);
		twin_run(t, 7);
		twin_write(t, 0, 64 + 11 * r);
		twin_run(t, 12);
	}
	twin_run(t, 60);	/* the delayed ACKs too */
	assert_int_equal(t->got_b[0], t->got_b[1]);
	twin_finish(t);
}

static void
test_ackfast_bulk_same_state(void **state)
{
	struct twin *t = *state;
	unsigned int i;

	twin_make(t, __func__);
	for (i = 0; i < 2; i++)
		harness_set_wire_delay(t->h[i], 2 * MS);
	twin_write(t, 1, 200000);
	twin_run(t, 300);
	assert_int_equal(t->got_b[0], 200000);
	twin_write(t, 0, 3000);
	twin_run(t, 50);
	twin_finish(t);
}

static void
test_ackfast_loss_recovery_same_state(void **state)
{
	struct twin *t = *state;
	struct drop_nth d[2] = { { .n = 5 }, { .n = 5 } };
	unsigned int i;

	twin_make(t, __func__);
	for (i = 0; i < 2; i++) {
		harness_set_wire_delay(t->h[i], 2 * MS);
		harness_set_tap(t->h[i], drop_nth_tap, &d[i]);
	}
	twin_write(t, 1, 100000);
	twin_run(t, 400);
	assert_int_equal(t->got_b[0], 100000);
	assert_true(STAT(t->h[0], HARNESS_A, tcp_retrans_segs) > 0);
	/* request/response after the recovery: the plain path again */
	for (i = 0; i < 5; i++) {
		twin_write(t, 1, 500);
		twin_run(t, 6);
		twin_write(t, 0, 500);
		twin_run(t, 6);
	}
	twin_run(t, 60);
	twin_finish(t);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_ackfast_request_response_same_state),
		T(test_ackfast_bulk_same_state),
		T(test_ackfast_loss_recovery_same_state),
	};
	int ret;

	if (harness_eal_init("test_stack_tcp_ackfast") != 0)
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	harness_eal_fini();
	return ret;
}
