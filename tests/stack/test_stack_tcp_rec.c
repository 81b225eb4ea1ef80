/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * The loss-recovery block of a connection (struct tcp_rec: the retransmit
 * queue, the scoreboard, RACK and PRR state; tcp_rec_get()/tcp_rec_put()
 * in lib/tcp): held only while data is in flight or a recovery is on, so
 * that an idle connection does not carry it. A sends to B through the
 * harness:
 *
 * - an idle established connection holds none, at either end;
 * - the first send takes one, the ACK of the last byte gives it back, and
 *   so on for every exchange (the context's count of blocks in use goes
 *   back to 0 each time);
 * - a lost segment: the block stays through the recovery and goes back
 *   when it ends and the queue is empty;
 * - abort and close with data in flight give it back;
 * - no block to be had (the context's limit, as a failed allocation): the
 *   data waits in the send queue, counted (tcp_rec_nomem), and goes once
 *   another connection gives its block back (the retry timer); a connect
 *   without one fails at once with ENOBUFS.
 *
 * And the congestion-control block (struct tcp_cc_conn, tcp_cc_get()):
 * taken with the first thing a connection queues to send, kept until the
 * connection goes; none to be had: the data waits, counted (tcp_cc_nomem),
 * and goes once one can be had.
 *
 * Every test checks that both pools are back where they started.
 */
#define TCP_TEST_CAP_FIXTURE
#include "tcp_test.h"

#include "tern_tcp_priv.h"	/* the blocks: the tests read internals */

#define SEED_DEF	13

static struct harness *
make(struct fixture *f, const char *name)
{
	harness_seed(name, SEED_DEF);	/* no impairment but the tests' own */
	f->h = harness_create_tcp(NULL, NULL, NULL);
	assert_non_null(f->h);
	return f->h;
}

static struct tern_tcp_ctx *
tc_of(struct harness *h, enum harness_side s)
{
	return tcpc(harness_ctx(h, s));
}

/* Blocks in use in both contexts. */
static uint32_t
recs(struct harness *h)
{
	return tc_of(h, HARNESS_A)->recs.in_use + tc_of(h, HARNESS_B)->recs.in_use;
}

static void
write_all(struct tern_tcp_stream *s, uint64_t off, size_t len, uint32_t seed)
{
	static uint8_t buf[16384];

	assert_true(len <= sizeof(buf));
	pat_fill(buf, len, off, seed);
	assert_int_equal(tern_tcp_write(s, buf, len), (ssize_t)len);
}

/* Read what @s has, checked against pattern @seed from *@got. */
static void
read_check(struct tern_tcp_stream *s, uint64_t *got, uint32_t seed)
{
	static uint8_t buf[65536];
	ssize_t n;

	while ((n = tern_tcp_read(s, buf, sizeof(buf))) > 0) {
		assert_true(pat_check(buf, (size_t)n, *got, seed) == UINT64_MAX);
		*got += (uint64_t)n;
	}
}

/* Close gracefully, A first; nothing left, no block in use. */
static void
close_clean(struct harness *h, struct tern_tcp_stream *l, struct tern_tcp_stream *a,
	    struct tern_tcp_stream *b)
{
	harness_set_tap(h, NULL, NULL);
	harness_set_wire_delay(h, 0);
	tern_tcp_close(a);
	harness_run(h, 10 * MS);
	tern_tcp_close(b);
	tern_tcp_close(l);
	harness_run(h, 100 * SEC);	/* past TIME_WAIT */
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_A)), 0);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_B)), 0);
	assert_int_equal(recs(h), 0);
	tcp_assert_clean(h);
}

/* ---------------------------------------------------------------------- */

static void
test_rec_idle_connection_holds_none(void **state)
{
	struct fixture *f = *state;
	struct harness *h = make(f, __func__);
	struct tern_tcp_stream *l, *a, *b;

	tcp_pair(h, 4, &l, &a, &b);
	harness_run(h, 10 * MS);
	/* A's SYN took one (it was in A's queue); the SYN-ACK's ACK gave it back */
	assert_false(tcp_has_rec(a));
	assert_false(tcp_has_rec(b));
	assert_int_equal(recs(h), 0);
	assert_int_equal(tcp_stream_check(a), 0);
	assert_int_equal(tcp_stream_check(b), 0);
	close_clean(h, l, a, b);
}

/*
 * Twenty request/response exchanges over a 10 ms round trip: while a
 * request is unacknowledged its sender holds a block; once the answer has
 * acknowledged it and the answer's own ACK has come back, neither does.
 */
static void
test_rec_taken_on_send_given_back_when_acked(void **state)
{
	struct fixture *f = *state;
	struct harness *h = make(f, __func__);
	struct tern_tcp_stream *l, *a, *b;
	uint64_t got_a = 0, got_b = 0;
	unsigned int i;

	tcp_pair(h, 4, &l, &a, &b);
	harness_run(h, 10 * MS);
	harness_set_wire_delay(h, 5 * MS);
	for (i = 0; i < 20; i++) {
		write_all(a, got_b, 1000, 1);
		harness_run(h, MS);
		assert_true(tcp_has_rec(a));
		assert_int_equal(tc_of(h, HARNESS_A)->recs.in_use, 1);
		assert_false(tcp_has_rec(b));
		assert_int_equal(tcp_stream_check(a), 0);
		harness_run(h, 5 * MS);	/* B has it */
		read_check(b, &got_b, 1);
		assert_int_equal(got_b, (uint64_t)(i + 1) * 1000);
		write_all(b, got_a, 700, 2);
		harness_run(h, MS);
		assert_true(tcp_has_rec(b));
		harness_run(h, 60 * MS);	/* every ACK back, delayed ones (40 ms) too */
		read_check(a, &got_a, 2);
		assert_int_equal(got_a, (uint64_t)(i + 1) * 700);
		assert_false(tcp_has_rec(a));
		assert_false(tcp_has_rec(b));
		assert_int_equal(recs(h), 0);
		assert_int_equal(a->rtxq_bytes, 0);
	}
	assert_int_equal(STAT(h, HARNESS_A, tcp_rec_nomem), 0);
	close_clean(h, l, a, b);
}

/*
 * 100 KB with the 3rd data segment lost: the block stays through the
 * recovery (a fast retransmission or a probe), then goes back, the
 * scoreboard empty, and the data arrives whole.
 */
static void
test_rec_kept_through_recovery_given_back_after(void **state)
{
	struct fixture *f = *state;
	struct harness *h = make(f, __func__);
	struct tern_tcp_stream *l, *a, *b;
	struct drop_nth d = { .n = 3 };
	uint64_t got = 0, sent = 0, t0;
	const uint64_t total = 100000;

	tcp_pair(h, 4, &l, &a, &b);
	harness_run(h, 10 * MS);
	harness_set_wire_delay(h, 2 * MS);
	harness_set_tap(h, drop_nth_tap, &d);
	t0 = harness_now(h);
	while (got < total) {
		size_t n = (size_t)RTE_MIN((uint64_t)tern_tcp_tx_space(a), total - sent);

		n = RTE_MIN(n, (size_t)16384);
		if (n > 0) {
			write_all(a, sent, n, 3);
			sent += n;
		}
		harness_run(h, MS);
		read_check(b, &got, 3);
		if (a->snd_una != a->snd_max || a->sndq_bytes > 0)
			assert_true(tcp_has_rec(a));
		assert_int_equal(tcp_stream_check(a), 0);
		assert_true(harness_now(h) - t0 < 10 * SEC);
	}
	assert_int_equal(d.dropped, 1);
	assert_true(STAT(h, HARNESS_A, tcp_retrans_segs) >= 1);
	harness_run(h, 50 * MS);
	assert_false(a->tf & (TF_IN_RECOVERY | TF_LOSS));
	assert_false(tcp_has_rec(a));
	assert_int_equal(recs(h), 0);
	close_clean(h, l, a, b);
}

/* Data in flight, then an abort at both ends: every block back. */
static void
test_rec_given_back_on_abort(void **state)
{
	struct fixture *f = *state;
	struct harness *h = make(f, __func__);
	struct tern_tcp_stream *l, *a, *b;

	tcp_pair(h, 4, &l, &a, &b);
	harness_run(h, 10 * MS);
	harness_set_wire_delay(h, 5 * MS);
	write_all(a, 0, 8000, 4);
	write_all(b, 0, 3000, 5);
	harness_run(h, MS);
	assert_true(tcp_has_rec(a));
	assert_true(tcp_has_rec(b));
	assert_int_equal(recs(h), 2);
	tern_tcp_abort(a);
	assert_int_equal(tc_of(h, HARNESS_A)->recs.in_use, 0);
	tern_tcp_abort(b);
	assert_int_equal(recs(h), 0);
	tern_tcp_close(l);
	harness_set_wire_delay(h, 0);
	harness_run(h, 20 * MS);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_A)), 0);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_B)), 0);
	assert_int_equal(recs(h), 0);
	tcp_assert_clean(h);
}

/*
 * A closes with data and its FIN in flight, B's end is lost: A's block
 * stays while they are unacknowledged (retransmissions), and goes back
 * when the connection ends (A gives up, a reset from B's context, or
 * TIME_WAIT); nothing is left.
 */
static void
test_rec_given_back_on_close(void **state)
{
	struct fixture *f = *state;
	struct harness *h = make(f, __func__);
	struct tern_tcp_stream *l, *a, *b;
	uint64_t got = 0;

	tcp_pair(h, 4, &l, &a, &b);
	harness_run(h, 10 * MS);
	harness_set_wire_delay(h, 5 * MS);
	write_all(a, 0, 5000, 6);
	tern_tcp_close(a);	/* the handle goes; the stream lives on until its FIN is acknowledged */
	harness_run(h, MS);
	assert_int_equal(tc_of(h, HARNESS_A)->recs.in_use, 1);
	harness_run(h, 30 * MS);
	read_check(b, &got, 6);
	assert_int_equal(got, 5000);
	/* all of it acknowledged, the FIN too: A is in FIN_WAIT_2, without a block */
	assert_int_equal(tc_of(h, HARNESS_A)->recs.in_use, 0);
	harness_set_wire_delay(h, 0);
	tern_tcp_close(b);
	tern_tcp_close(l);
	harness_run(h, 100 * SEC);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_A)), 0);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_B)), 0);
	assert_int_equal(recs(h), 0);
	tcp_assert_clean(h);
}

/*
 * A's context may hold one block. Connection 1 has data in flight (a
 * 10 ms round trip); connection 2's write finds none: nothing goes,
 * tcp_rec_nomem counts it, the data waits in the send queue. Once
 * connection 1's data is acknowledged its block goes back and the retry
 * timer sends connection 2's data, intact. A connect meanwhile (no block
 * for its SYN) fails at once with ENOBUFS.
 */
static void
test_rec_none_to_be_had_data_waits_then_goes(void **state)
{
	struct fixture *f = *state;
	struct harness *h = make(f, __func__);
	struct tern_tcp_ctx *tca = tc_of(h, HARNESS_A);
	struct tern_tcp_stream *l, *a1, *b1, *a2, *b2, *a3;
	uint64_t got1 = 0, got2 = 0, nomem0, t0;
	struct ev_tally ev = { 0 };

	tcp_pair(h, 4, &l, &a1, &b1);
	a2 = tcp_connect_a(h, 4, NULL);
	b2 = tcp_accept_b(h, l, 5 * SEC);
	assert_non_null(b2);
	harness_run(h, 10 * MS);
	assert_int_equal(recs(h), 0);
	tca->rec_max = 1;
	harness_set_wire_delay(h, 5 * MS);
	nomem0 = STAT(h, HARNESS_A, tcp_rec_nomem);

	write_all(a1, 0, 4000, 7);
	harness_run(h, MS);
	assert_true(tcp_has_rec(a1));
	write_all(a2, 0, 3000, 8);
	harness_run(h, MS);
	assert_false(tcp_has_rec(a2));
	assert_int_equal(a2->snd_max, a2->snd_una);	/* nothing sent */
	assert_int_equal(a2->sndq_bytes, 3000);
	assert_true(STAT(h, HARNESS_A, tcp_rec_nomem) > nomem0);
	assert_int_equal(tcp_stream_check(a2), 0);

	/* a third connection: no block for its SYN either */
	a3 = tern_tcp_connect(harness_ctx(h, HARNESS_A), &(struct tern_tcp_param){
		.remote = harness_addr(HARNESS_B, 4, TCP_PORT_B),
		.local.family = 4,
	});
	assert_non_null(a3);
	assert_int_equal(tern_tcp_state(a3), TERN_TCP_CLOSED);
	ev_collect(h, HARNESS_A, &ev);
	assert_int_equal(ev.n[TERN_EV_ERROR], 1);
	assert_int_equal(ev.last_err, -ENOBUFS);
	tern_tcp_close(a3);

	/* connection 1's data acknowledged: its block back, connection 2's data goes */
	t0 = harness_now(h);
	while (got2 < 3000) {
		harness_run(h, MS);
		read_check(b1, &got1, 7);
		read_check(b2, &got2, 8);
		assert_true(harness_now(h) - t0 < 10 * SEC);
	}
	assert_int_equal(got1, 4000);
	harness_run(h, 30 * MS);
	assert_int_equal(recs(h), 0);
	tca->rec_max = UINT32_MAX;
	harness_set_wire_delay(h, 0);
	tern_tcp_close(a2);
	harness_run(h, 10 * MS);
	tern_tcp_close(b2);
	close_clean(h, l, a1, b1);
}

/* Congestion-control blocks in use in both contexts. */
static uint32_t
ccs(struct harness *h)
{
	return tc_of(h, HARNESS_A)->ccs.in_use + tc_of(h, HARNESS_B)->ccs.in_use;
}

/*
 * The congestion-control block (cwnd, ssthresh, the algorithm's state)
 * comes with the first thing a connection queues to send and stays with
 * it: A's SYN took one; B, which has sent nothing, holds none and its
 * tern_tcp_info() gives the initial window. B's first answer takes one,
 * set up as a new connection's (the initial window, for B's MSS); it is
 * kept once all is acknowledged, and goes with the connection.
 */
static void
test_cc_taken_with_first_send_kept_until_freed(void **state)
{
	struct fixture *f = *state;
	struct harness *h = make(f, __func__);
	struct tern_tcp_stream *l, *a, *b;
	struct tern_tcp_info ti;
	uint64_t got_a = 0, got_b = 0;

	tcp_pair(h, 4, &l, &a, &b);
	harness_run(h, 10 * MS);
	assert_non_null(a->cc);
	assert_null(b->cc);
	assert_int_equal(tc_of(h, HARNESS_A)->ccs.in_use, 1);
	assert_int_equal(tc_of(h, HARNESS_B)->ccs.in_use, 0);
	assert_true(a->cc->cwnd >= tcp_cc_iw(a->mss));
	tern_tcp_info(b, &ti);
	assert_int_equal(ti.cwnd, tcp_cc_iw(b->mss));
	assert_int_equal(ti.ssthresh, TCP_CC_SSTHRESH_INF);
	assert_int_equal(tcp_stream_check(b), 0);

	write_all(a, 0, 1000, 1);
	harness_run(h, 10 * MS);
	read_check(b, &got_b, 1);
	assert_int_equal(got_b, 1000);
	assert_null(b->cc);		/* received, ACKed, sent nothing */
	write_all(b, 0, 5000, 2);
	harness_run(h, 100 * MS);
	assert_non_null(b->cc);		/* taken as the data went out */
	assert_int_equal(b->cc->mss, b->mss);
	read_check(a, &got_a, 2);
	assert_int_equal(got_a, 5000);
	assert_false(tcp_has_rec(b));
	assert_non_null(b->cc);		/* kept, all acknowledged */
	assert_true(b->cc->cwnd >= tcp_cc_iw(b->mss));
	assert_int_equal(ccs(h), 2);
	assert_int_equal(STAT(h, HARNESS_B, tcp_cc_nomem), 0);
	close_clean(h, l, a, b);
	assert_int_equal(ccs(h), 0);
}

/*
 * No congestion-control block to be had (B's context may hold none, as a
 * failed allocation): B's write is queued but nothing goes; tcp_cc_nomem
 * counts it; no loss-recovery block or retransmit entry is taken for it.
 * Once blocks can be had again, the retry timer sends the data, intact.
 * A connect without one fails at once with ENOBUFS. Pools back to where
 * they started.
 */
static void
test_cc_none_to_be_had_data_waits_then_goes(void **state)
{
	struct fixture *f = *state;
	struct harness *h = make(f, __func__);
	struct tern_tcp_ctx *tcb = tc_of(h, HARNESS_B);
	struct tern_tcp_stream *l, *a, *b, *b2;
	uint64_t got = 0, nomem0, t0;
	struct ev_tally ev = { 0 };

	tcp_pair(h, 4, &l, &a, &b);
	harness_run(h, 10 * MS);
	assert_null(b->cc);
	tcb->cc_max = 0;
	nomem0 = STAT(h, HARNESS_B, tcp_cc_nomem);

	write_all(b, 0, 3000, 9);
	harness_run(h, 10 * MS);
	assert_null(b->cc);
	assert_false(tcp_has_rec(b));
	assert_int_equal(b->snd_max, b->snd_una);	/* nothing sent */
	assert_int_equal(b->sndq_bytes, 3000);
	assert_true(STAT(h, HARNESS_B, tcp_cc_nomem) > nomem0);
	assert_int_equal(tcb->ccs.in_use, 0);
	assert_int_equal(tcb->recs.in_use, 0);
	assert_int_equal(tcp_stream_check(b), 0);
	read_check(a, &got, 9);
	assert_int_equal(got, 0);

	/* a connect from B: no block for its SYN */
	b2 = tern_tcp_connect(harness_ctx(h, HARNESS_B), &(struct tern_tcp_param){
		.remote = harness_addr(HARNESS_A, 4, TCP_PORT_B),
		.local.family = 4,
	});
	assert_non_null(b2);
	assert_int_equal(tern_tcp_state(b2), TERN_TCP_CLOSED);
	ev_collect(h, HARNESS_B, &ev);
	assert_int_equal(ev.n[TERN_EV_ERROR], 1);
	assert_int_equal(ev.last_err, -ENOBUFS);
	tern_tcp_close(b2);

	/* blocks again: the retry timer (an RTO) sends the data */
	tcb->cc_max = UINT32_MAX;
	t0 = harness_now(h);
	while (got < 3000) {
		harness_run(h, MS);
		read_check(a, &got, 9);
		assert_true(harness_now(h) - t0 < 10 * SEC);
	}
	assert_int_equal(got, 3000);
	assert_non_null(b->cc);
	assert_int_equal(tcb->ccs.in_use, 1);
	close_clean(h, l, a, b);
	assert_int_equal(ccs(h), 0);
}

/* Streams of @h's side @sd by the walk of the control-block pool; each is checked. */
static unsigned int
walk_streams(struct harness *h, enum harness_side sd, const struct tern_tcp_stream *want)
{
	struct tern_tcp_ctx *tc = tc_of(h, sd);
	struct tcp_pool_iter it;
	struct tern_tcp_stream *x;
	unsigned int n = 0, seen = 0;

	TCP_FOREACH_STREAM(tc, it, x) {
		assert_ptr_equal(x->tc, tc);
		if (x == want)
			seen++;
		n++;
	}
	assert_int_equal(seen, want != NULL ? 1 : 0);
	return n;
}

/*
 * The control blocks live in the context's pool (no list of their own):
 * the walk finds every stream, listeners included, and none freed; a
 * freed block is the next one taken.
 */
static void
test_rec_stream_walk_sees_live_streams_only(void **state)
{
	struct fixture *f = *state;
	struct harness *h = make(f, __func__);
	struct tern_tcp_stream *l, *a, *b, *a2, *b2, *old;

	tcp_pair(h, 4, &l, &a, &b);
	harness_run(h, 10 * MS);
	assert_int_equal(walk_streams(h, HARNESS_A, a), 1);
	assert_int_equal(walk_streams(h, HARNESS_B, b), 2);	/* the listener and b */
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_B)), 2);
	a2 = tcp_connect_a(h, 4, NULL);
	b2 = tcp_accept_b(h, l, 10 * MS);
	assert_non_null(b2);
	assert_int_equal(walk_streams(h, HARNESS_B, b2), 3);
	/* b2 goes (abort: no TIME_WAIT block); the next control block taken is its */
	old = b2;
	tern_tcp_abort(b2);
	harness_run(h, 10 * MS);
	tern_tcp_close(a2);
	harness_run(h, 10 * MS);
	assert_int_equal(walk_streams(h, HARNESS_B, NULL), 2);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_B)), 2);
	assert_int_equal(walk_streams(h, HARNESS_A, a), 1);
	a2 = tcp_connect_a(h, 4, NULL);
	b2 = tcp_accept_b(h, l, 10 * MS);
	assert_non_null(b2);
	assert_ptr_equal(b2, old);
	assert_int_equal(walk_streams(h, HARNESS_B, b2), 3);
	tern_tcp_abort(b2);
	harness_run(h, 10 * MS);
	tern_tcp_close(a2);
	harness_run(h, 10 * MS);
	close_clean(h, l, a, b);
	assert_int_equal(walk_streams(h, HARNESS_A, NULL), 0);
	assert_int_equal(walk_streams(h, HARNESS_B, NULL), 0);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_rec_idle_connection_holds_none),
		T(test_rec_taken_on_send_given_back_when_acked),
		T(test_rec_kept_through_recovery_given_back_after),
		T(test_rec_given_back_on_abort),
		T(test_rec_given_back_on_close),
		T(test_rec_none_to_be_had_data_waits_then_goes),
		T(test_rec_stream_walk_sees_live_streams_only),
		T(test_cc_taken_with_first_send_kept_until_freed),
		T(test_cc_none_to_be_had_data_waits_then_goes),
	};
	int ret;

	if (harness_eal_init("test_stack_tcp_rec") != 0)
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	harness_eal_fini();
	return ret;
}
