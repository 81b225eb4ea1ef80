/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * TCP against a hostile or overloading peer, between two stacks through the
 * harness: the connection limit refuses SYNs instead of answering them with
 * a handshake it cannot finish; ACKs to invalid segments (out of window,
 * blind SYNs and resets on a live 4-tuple, RFC 5961) are rate-limited per
 * connection; a reset does not end TIME_WAIT (RFC 1337). Attack segments
 * are made by hand and injected; the wire is watched with a tap (tcp_cap).
 */
#include "tcp_conn_test.h"

#define PORT_FAKE	1234	/* a peer port A has no connection on */

/* ---------------------------------------------------------------------- */
/* The connection limit (tern_tcp_config.max_conns) */

/*
 * At max_conns, a SYN gets no SYN-ACK (with the syncache, or with a cookie
 * when @flags asks for cookies always): the client is not told "connected".
 * It is counted as drop_tcp_conn_limit, not as a memory shortage, and the
 * client's SYN retransmission gets in once a connection has gone.
 */
static void
conn_limit_refuses(struct fixture *f, const char *name, uint32_t flags)
{
	struct tern_tcp_config cfg = { .max_conns = 2, .flags = flags };
	struct harness *h = conn_make(f, name, &cfg);
	struct tern_tcp_stream *l, *a1, *b1, *a2, *b2;
	struct ev_tally ea = { 0 };
	uint64_t cookies0, added0;

	tcp_pair(h, 4, &l, &a1, &b1);	/* B holds the listener and b1: full */
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_B)), 2);
	cookies0 = STAT(h, HARNESS_B, tcp_cookies_sent);
	added0 = STAT(h, HARNESS_B, tcp_syncache_added);
	ev_collect(h, HARNESS_A, &ea);
	memset(&ea, 0, sizeof(ea));
	cap_start(h, &f->cap);
	a2 = tcp_connect_a(h, 4, NULL);
	harness_run(h, 500 * MS);
	assert_int_equal(cap_count(&f->cap, HARNESS_A, TH_SYN, false), 1);
	assert_int_equal(cap_count(&f->cap, HARNESS_B, TH_SYN | TH_ACK, false), 0);
	assert_int_equal(STAT(h, HARNESS_B, drop_tcp_conn_limit), 1);
	assert_int_equal(STAT(h, HARNESS_B, drop_tcp_nomem), 0);
	assert_int_equal(STAT(h, HARNESS_B, tcp_cookies_sent), cookies0);
	assert_int_equal(STAT(h, HARNESS_B, tcp_syncache_added), added0);
	assert_int_equal(tern_tcp_state(a2), TERN_TCP_SYN_SENT);
	ev_collect(h, HARNESS_A, &ea);
	assert_int_equal(ea.n[TERN_EV_CONNECTED], 0);
	/* b1 goes: the SYN retransmission (1 s) is answered */
	tern_tcp_abort(a1);
	tern_tcp_abort(b1);
	harness_run(h, 10 * MS);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_B)), 1);
	b2 = tcp_accept_b(h, l, 3 * SEC);
	assert_non_null(b2);
	assert_int_equal(tern_tcp_state(a2), TERN_TCP_ESTABLISHED);
	assert_int_equal(STAT(h, HARNESS_A, tcp_rto_fired), 1);
	assert_int_equal(STAT(h, HARNESS_B, drop_tcp_conn_limit), 1);
	still_works(h, a2, b2, 20000);
	conn_finish(f, l, a2, b2);
}

static void
test_conn_limit_syn_gets_no_synack(void **state)
{
	conn_limit_refuses(*state, __func__, 0);
}

static void
test_conn_limit_syn_gets_no_cookie(void **state)
{
	conn_limit_refuses(*state, __func__, TERN_TCP_CFG_COOKIES_ALWAYS);
}

/* Drop A's resets to the fake port: the half-open entry stays in the syncache. */
static bool
drop_fake_port_rst(struct tcp_cap *c, const struct seg_rec *r)
{
	(void)c;
	return r->from == HARNESS_A && r->sport == PORT_FAKE;
}

/*
 * A half-open connection taken below the limit whose ACK arrives at the
 * limit makes no connection and is counted as drop_tcp_conn_limit; the
 * entry stays, and the same ACK makes the connection once there is room.
 */
static void
test_conn_limit_reached_before_handshake_ack(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_config cfg = { .max_conns = 2 };
	struct harness *h = conn_make(f, __func__, &cfg);
	struct tern_tcp_stream *l, *a1, *b1, *b2;
	const struct seg_rec *synack;
	struct seg_out o;

	l = tcp_listen_b(h, 4, NULL);
	cap_start(h, &f->cap);
	f->cap.filter = drop_fake_port_rst;
	memset(&o, 0, sizeof(o));
	o.from = HARNESS_A;
	o.family = 4;
	o.sport = PORT_FAKE;
	o.dport = TCP_PORT_B;
	o.seq = 777000;
	o.flags = TH_SYN;
	o.wnd = 65535;
	seg_inject(h, &o);
	assert_int_equal(STAT(h, HARNESS_B, tcp_syncache_added), 1);
	synack = cap_last(&f->cap, HARNESS_B);
	assert_non_null(synack);
	assert_int_equal(synack->flags, TH_SYN | TH_ACK);
	o.ack = synack->seq + 1;
	/* a second connection fills B */
	a1 = tcp_connect_a(h, 4, NULL);
	b1 = tcp_accept_b(h, l, 10 * MS);
	assert_non_null(b1);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_B)), 2);
	/* the handshake's ACK of the first */
	o.seq = 777001;
	o.flags = TH_ACK;
	seg_inject(h, &o);
	assert_int_equal(STAT(h, HARNESS_B, drop_tcp_conn_limit), 1);
	assert_int_equal(STAT(h, HARNESS_B, drop_tcp_nomem), 0);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_B)), 2);
	assert_int_equal(tern_tcp_accept_burst(l, &b2, 1), 0);
	/* room again: the retransmitted ACK completes it */
	tern_tcp_abort(a1);
	tern_tcp_abort(b1);
	harness_run(h, 10 * MS);
	seg_inject(h, &o);
	assert_int_equal(tern_tcp_accept_burst(l, &b2, 1), 1);
	assert_int_equal(tern_tcp_state(b2), TERN_TCP_ESTABLISHED);
	assert_int_equal(STAT(h, HARNESS_B, drop_tcp_conn_limit), 1);
	f->cap.filter = NULL;
	conn_finish(f, l, NULL, b2);
}

/* ---------------------------------------------------------------------- */
/* ACKs to invalid segments, per connection (tern_tcp_config.invalid_ack_ns) */

/* Out-of-window pure ACKs in a burst draw one ACK; the next after 500 ms another. */
static void
test_invalid_ack_limit_out_of_window_acks(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	struct tern_tcp_stream *l, *a, *b;
	struct b_view v;
	unsigned int i, n0;

	pair_synced(f, &l, &a, &b);
	v = b_view(f);
	n0 = cap_count(&f->cap, HARNESS_B, TH_ACK, false);
	for (i = 0; i < 10; i++)
		inject_a(f, &v, TH_ACK, v.rcv_nxt + 0x40000000u + i * 1000, v.snd_nxt,
			 v.ts_recent, NULL, 0);
	assert_int_equal(STAT(h, HARNESS_B, drop_tcp_out_of_window), 10);
	assert_int_equal(cap_count(&f->cap, HARNESS_B, TH_ACK, false) - n0, 1);
	assert_int_equal(STAT(h, HARNESS_B, tcp_invalid_ack_limited), 9);
	/* within the interval: still none */
	harness_run(h, 400 * MS);
	n0 = cap_count(&f->cap, HARNESS_B, TH_ACK, false);
	inject_a(f, &v, TH_ACK, v.rcv_nxt + 0x40000000u, v.snd_nxt, v.ts_recent, NULL, 0);
	assert_int_equal(cap_count(&f->cap, HARNESS_B, TH_ACK, false) - n0, 0);
	assert_int_equal(STAT(h, HARNESS_B, tcp_invalid_ack_limited), 10);
	/* past it: one */
	harness_run(h, 101 * MS);
	inject_a(f, &v, TH_ACK, v.rcv_nxt + 0x40000000u, v.snd_nxt, v.ts_recent, NULL, 0);
	assert_int_equal(cap_count(&f->cap, HARNESS_B, TH_ACK, false) - n0, 1);
	assert_int_equal(STAT(h, HARNESS_B, tcp_invalid_ack_limited), 10);
	assert_int_equal(tern_tcp_state(b), TERN_TCP_ESTABLISHED);
	still_works(h, a, b, 20000);
	conn_finish(f, l, a, b);
}

/*
 * Blind SYNs on a live 4-tuple (RFC 5961 4), in and out of the window, and
 * blind resets in the window (RFC 5961 3): one ACK for the lot.
 */
static void
test_invalid_ack_limit_blind_syns_and_resets(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	struct tern_tcp_stream *l, *a, *b;
	struct ev_tally eb = { 0 };
	struct b_view v;
	unsigned int i, n0;

	pair_synced(f, &l, &a, &b);
	v = b_view(f);
	n0 = f->cap.n;
	for (i = 0; i < 20; i++) {
		uint32_t seq = (i & 1) ? v.rcv_nxt + 100 + i : v.rcv_nxt + 0x80000000u + i * 7919;

		inject_a(f, &v, TH_SYN, seq, 0, v.ts_recent, NULL, 0);
		inject_a(f, &v, TH_RST, v.rcv_nxt + 1 + i, 0, v.ts_recent, NULL, 0);
	}
	assert_int_equal(f->cap.n - n0, 1);
	assert_int_equal(f->cap.rec[n0].from, HARNESS_B);
	assert_int_equal(f->cap.rec[n0].flags, TH_ACK);
	assert_int_equal(STAT(h, HARNESS_B, tcp_invalid_ack_limited), 39);
	assert_int_equal(STAT(h, HARNESS_B, drop_tcp_rst_invalid), 20);
	ev_collect(h, HARNESS_B, &eb);
	assert_int_equal(eb.n[TERN_EV_ERROR], 0);
	assert_int_equal(tern_tcp_state(b), TERN_TCP_ESTABLISHED);
	still_works(h, a, b, 20000);
	conn_finish(f, l, a, b);
}

/*
 * Old duplicate data (the peer's retransmission after a lost ACK) is not
 * limited: every copy gets its duplicate ACK with a D-SACK block (RFC 2883).
 */
static void
test_invalid_ack_limit_spares_duplicate_data(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	struct tern_tcp_stream *l, *a, *b;
	struct b_view v;
	unsigned int i, n0;

	pair_synced(f, &l, &a, &b);
	v = b_view(f);
	n0 = f->cap.n;
	for (i = 0; i < 3; i++)
		inject_a(f, &v, TH_ACK, v.rcv_nxt - 5, v.snd_nxt, v.ts_recent, "hello", 5);
	assert_int_equal(f->cap.n - n0, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(f->cap.rec[n0 + i].from, HARNESS_B);
		assert_int_equal(f->cap.rec[n0 + i].ack, v.rcv_nxt);
		assert_int_equal(f->cap.rec[n0 + i].nb_sack, 1);
		assert_int_equal(f->cap.rec[n0 + i].sack[0][0], v.rcv_nxt - 5);
	}
	assert_int_equal(STAT(h, HARNESS_B, tcp_invalid_ack_limited), 0);
	still_works(h, a, b, 20000);
	conn_finish(f, l, a, b);
}

/*
 * Zero-window probes and keepalives (no data, SEQ = RCV.NXT - 1) are out
 * of the window, but the receiver must answer every one (RFC 9293 3.8.6.1,
 * RFC 1122 4.2.3.6): a burst of them draws an ACK each, while other
 * invalid segments stay limited.
 */
static void
test_invalid_ack_limit_spares_window_probes(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	struct tern_tcp_stream *l, *a, *b;
	struct b_view v;
	unsigned int i, n0;

	pair_synced(f, &l, &a, &b);
	v = b_view(f);
	n0 = f->cap.n;
	for (i = 0; i < 5; i++)
		inject_a(f, &v, TH_ACK, v.rcv_nxt - 1, v.snd_nxt, v.ts_recent, NULL, 0);
	assert_int_equal(f->cap.n - n0, 5);
	for (i = 0; i < 5; i++) {
		assert_int_equal(f->cap.rec[n0 + i].from, HARNESS_B);
		assert_int_equal(f->cap.rec[n0 + i].flags, TH_ACK);
		assert_int_equal(f->cap.rec[n0 + i].ack, v.rcv_nxt);
	}
	assert_int_equal(STAT(h, HARNESS_B, tcp_invalid_ack_limited), 0);
	/* out-of-window ACKs elsewhere: still one ACK for the lot */
	n0 = f->cap.n;
	for (i = 0; i < 3; i++)
		inject_a(f, &v, TH_ACK, v.rcv_nxt + 0x40000000u, v.snd_nxt, v.ts_recent, NULL, 0);
	assert_int_equal(f->cap.n - n0, 1);
	assert_int_equal(STAT(h, HARNESS_B, tcp_invalid_ack_limited), 2);
	still_works(h, a, b, 20000);
	conn_finish(f, l, a, b);
}

/*
 * A sender that probes a zero window faster than the receiver's invalid-ACK
 * limit (rto_max 60 ms, 3 retries) keeps the connection for as long as the
 * receiver answers, here 3 s of a reader that does not read (fuzz_tcp_pair
 * found it timing out after the first answered probe), and the data
 * arrives intact once it reads.
 */
static void
test_zero_window_probes_faster_than_the_limit_keep_the_connection(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_config cfg = {
		.rto_min_ns = 20 * MS, .rto_max_ns = 60 * MS, .rto_init_ns = 60 * MS, .retries = 3,
	};
	struct harness *h = conn_make(f, __func__, &cfg);
	struct tern_tcp_param lp = { .rcvbuf = 1500 };
	struct tern_tcp_stream *l, *a, *b;
	static uint8_t buf[20000];
	struct ev_tally ea = { 0 };
	uint64_t got = 0, t;
	ssize_t r;

	l = tcp_listen_b(h, 4, &lp);
	a = tcp_connect_a(h, 4, NULL);
	b = tcp_accept_b(h, l, SEC);
	assert_non_null(b);
	pat_fill(buf, sizeof(buf), 0, 11);
	assert_int_equal(tern_tcp_write(a, buf, sizeof(buf)), sizeof(buf));
	harness_run(h, 3 * SEC);
	assert_true(STAT(h, HARNESS_A, tcp_persist_probes) >= 20);
	assert_int_equal(STAT(h, HARNESS_A, tcp_timeouts), 0);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_ESTABLISHED);
	ev_collect(h, HARNESS_A, &ea);
	assert_int_equal(ea.n[TERN_EV_ERROR], 0);
	for (t = 0; got < sizeof(buf) && t < 5 * SEC; t += MS) {
		while ((r = tern_tcp_read(b, buf, sizeof(buf))) > 0) {
			assert_int_equal(pat_check(buf, (size_t)r, got, 11), UINT64_MAX);
			got += (uint64_t)r;
		}
		harness_run(h, MS);
	}
	assert_int_equal(got, sizeof(buf));
	conn_finish(f, l, a, b);
}

/*
 * The probes' backoff is not the retransmissions': a sender that probed
 * a zero window many times (every probe answered) and then sends into a
 * window opened by less than an MSS must not take its first RTO for the
 * last of its retries (rto_max 40 ms, 4 retries: that RTO came 40 ms after
 * the data and dropped the connection; fuzz_tcp_pair found it).
 */
static void
test_zero_window_probes_do_not_count_as_retransmissions(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_config cfg = {
		.rto_min_ns = 20 * MS, .rto_max_ns = 40 * MS, .rto_init_ns = 40 * MS, .retries = 4,
	};
	struct harness *h = conn_make(f, __func__, &cfg);
	struct tern_tcp_param lp = { .rcvbuf = 1500 };
	struct tern_tcp_stream *l, *a, *b;
	static uint8_t buf[20000];
	struct ev_tally ea = { 0 };
	uint64_t got = 0, t;
	ssize_t r;

	l = tcp_listen_b(h, 4, &lp);
	a = tcp_connect_a(h, 4, NULL);
	b = tcp_accept_b(h, l, SEC);
	assert_non_null(b);
	pat_fill(buf, sizeof(buf), 0, 12);
	assert_int_equal(tern_tcp_write(a, buf, sizeof(buf)), sizeof(buf));
	harness_run(h, SEC);
	assert_true(STAT(h, HARNESS_A, tcp_persist_probes) >= 10);
	/* a read that opens the window by half the buffer, less than an MSS */
	r = tern_tcp_read(b, buf, 750);
	assert_int_equal(r, 750);
	got = 750;
	harness_run(h, 200 * MS);
	assert_int_equal(STAT(h, HARNESS_A, tcp_timeouts), 0);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_ESTABLISHED);
	ev_collect(h, HARNESS_A, &ea);
	assert_int_equal(ea.n[TERN_EV_ERROR], 0);
	for (t = 0; got < sizeof(buf) && t < 5 * SEC; t += MS) {
		while ((r = tern_tcp_read(b, buf, sizeof(buf))) > 0) {
			assert_int_equal(pat_check(buf, (size_t)r, got, 12), UINT64_MAX);
			got += (uint64_t)r;
		}
		harness_run(h, MS);
	}
	assert_int_equal(got, sizeof(buf));
	conn_finish(f, l, a, b);
}

/* ---------------------------------------------------------------------- */
/* TIME_WAIT assassination (RFC 1337) */

/*
 * A holds TIME_WAIT; resets from B's 4-tuple, exactly at the sequence number
 * A expects and with or without ACK, are dropped and counted: the record
 * still blocks the 4-tuple and still ACKs a retransmitted FIN.
 */
static void
test_time_wait_survives_rst_rfc1337(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_config cfg = { .msl_ns = 5 * SEC };
	struct harness *h = conn_make(f, __func__, &cfg);
	struct tern_tcp_param p = { 0 }, p2;
	struct tern_tcp_stream *l, *a, *b;
	const struct seg_rec *fin_b;
	struct seg_out o;
	uint64_t rsts0;

	l = tcp_listen_b(h, 4, NULL);
	p.local = harness_addr(HARNESS_A, 4, 40100);
	a = tcp_connect_a(h, 4, &p);
	b = tcp_accept_b(h, l, 10 * MS);
	assert_non_null(b);
	cap_start(h, &f->cap);
	assert_int_equal(tern_tcp_shutdown(a, SHUT_WR), 0);
	harness_run(h, 5 * MS);
	assert_int_equal(tern_tcp_shutdown(b, SHUT_WR), 0);
	harness_run(h, 0);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_TIME_WAIT);
	fin_b = cap_last(&f->cap, HARNESS_B);
	assert_true(fin_b->flags & TH_FIN);
	memset(&o, 0, sizeof(o));
	o.from = HARNESS_B;
	o.family = 4;
	o.sport = TCP_PORT_B;
	o.dport = 40100;
	o.seq = fin_b->seq + 1;		/* what A's record expects next */
	o.ack = fin_b->ack;
	o.wnd = fin_b->wnd;
	o.ts = true;
	o.tsval = fin_b->tsval + 1;
	o.tsecr = fin_b->tsecr;
	tern_tcp_close(a);
	tern_tcp_close(b);
	harness_run(h, 10 * MS);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_A)), 0);
	rsts0 = STAT(h, HARNESS_A, tcp_in_rsts);
	cap_clear(&f->cap);
	o.flags = TH_RST;
	seg_inject(h, &o);
	o.flags = TH_RST | TH_ACK;
	seg_inject(h, &o);
	o.ts = false;
	seg_inject(h, &o);
	assert_int_equal(STAT(h, HARNESS_A, drop_tcp_tw_rst), 3);
	assert_int_equal(STAT(h, HARNESS_A, tcp_in_rsts), rsts0);
	assert_int_equal(cap_count(&f->cap, HARNESS_A, 0, false), 0);	/* no answer */
	/* the record is still there: the 4-tuple is taken ... */
	harness_run(h, SEC);
	p2 = p;
	p2.remote = harness_addr(HARNESS_B, 4, TCP_PORT_B);
	assert_null(tern_tcp_connect(harness_ctx(h, HARNESS_A), &p2));
	assert_int_equal(rte_errno, EADDRINUSE);
	/* ... and a retransmitted FIN is ACKed from it */
	o.seq = fin_b->seq;
	o.flags = TH_FIN | TH_ACK;
	o.ts = true;
	cap_clear(&f->cap);
	seg_inject(h, &o);
	assert_true(cap_count(&f->cap, HARNESS_A, TH_ACK, false) >= 1);
	assert_int_equal(f->cap.rec[0].from, HARNESS_A);
	assert_int_equal(f->cap.rec[0].flags, TH_ACK);
	assert_int_equal(f->cap.rec[0].ack, fin_b->seq + 1);
	assert_int_equal(STAT(h, HARNESS_A, tcp_tw_created), 1);
	/* it ends at 2 MSL, not before */
	harness_run(h, 2 * cfg.msl_ns);
	cap_clear(&f->cap);
	p2.local = harness_addr(HARNESS_A, 4, 40100);
	a = tcp_connect_a(h, 4, &p);
	b = tcp_accept_b(h, l, 10 * MS);
	assert_non_null(b);
	conn_finish(f, l, a, b);
}

/*
 * A TIME_WAIT record answers old SYNs (that cannot take the 4-tuple over)
 * with one ACK per invalid_ack_ns, not one each; a retransmitted FIN is
 * ACKed every time.
 */
static void
test_time_wait_invalid_ack_limit(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_config cfg = { .msl_ns = 5 * SEC };
	struct harness *h = conn_make(f, __func__, &cfg);
	struct tern_tcp_param p = { 0 };
	struct tern_tcp_stream *l, *a, *b;
	const struct seg_rec *fin_b, *last_a;
	struct seg_out syn, fin;
	unsigned int i;

	l = tcp_listen_b(h, 4, NULL);
	p.local = harness_addr(HARNESS_A, 4, 40200);
	a = tcp_connect_a(h, 4, &p);
	b = tcp_accept_b(h, l, 10 * MS);
	assert_non_null(b);
	cap_start(h, &f->cap);
	assert_int_equal(tern_tcp_shutdown(a, SHUT_WR), 0);
	harness_run(h, 5 * MS);
	assert_int_equal(tern_tcp_shutdown(b, SHUT_WR), 0);
	harness_run(h, 0);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_TIME_WAIT);
	fin_b = cap_last(&f->cap, HARNESS_B);
	last_a = cap_last(&f->cap, HARNESS_A);
	assert_true(fin_b->flags & TH_FIN);
	memset(&fin, 0, sizeof(fin));
	fin.from = HARNESS_B;
	fin.family = 4;
	fin.sport = TCP_PORT_B;
	fin.dport = 40200;
	fin.seq = fin_b->seq;
	fin.ack = fin_b->ack;
	fin.flags = TH_FIN | TH_ACK;
	fin.wnd = fin_b->wnd;
	fin.ts = true;
	fin.tsval = fin_b->tsval;
	fin.tsecr = fin_b->tsecr;
	/* an old SYN from B's side: a timestamp older than the record's */
	syn = fin;
	syn.flags = TH_SYN;
	syn.seq = fin_b->seq + 100000;
	syn.ack = 0;
	syn.tsval = fin_b->tsval - 100;
	syn.tsecr = 0;
	tern_tcp_close(a);
	tern_tcp_close(b);
	harness_run(h, 10 * MS);
	RTE_SET_USED(last_a);
	cap_clear(&f->cap);
	for (i = 0; i < 10; i++)
		seg_inject(h, &syn);
	assert_int_equal(cap_count(&f->cap, HARNESS_A, TH_ACK, false), 1);
	assert_int_equal(STAT(h, HARNESS_A, tcp_invalid_ack_limited), 9);
	/* a retransmitted FIN is not limited */
	for (i = 0; i < 3; i++)
		seg_inject(h, &fin);
	assert_int_equal(cap_count(&f->cap, HARNESS_A, TH_ACK, false), 4);
	/* after the interval, one more for an old SYN */
	harness_run(h, 501 * MS);
	seg_inject(h, &syn);
	assert_int_equal(cap_count(&f->cap, HARNESS_A, TH_ACK, false), 5);
	assert_int_equal(STAT(h, HARNESS_A, tcp_tw_reused), 0);
	assert_int_equal(STAT(h, HARNESS_A, tcp_tw_created), 1);
	harness_run(h, 2 * cfg.msl_ns);
	a = tcp_connect_a(h, 4, &p);
	b = tcp_accept_b(h, l, 10 * MS);
	assert_non_null(b);
	conn_finish(f, l, a, b);
}

/* ---------------------------------------------------------------------- */
/* Exhaustion: each gives an error or a counter, leaks nothing, and resumes */

/* Take every mbuf of @mp; @return how many (into *@held, to give back). */
static unsigned int
pool_take_all(struct rte_mempool *mp, struct rte_mbuf ***held)
{
	unsigned int n = 0, cap = 1024;
	struct rte_mbuf **v = malloc(cap * sizeof(*v)), *m;

	assert_non_null(v);
	while ((m = rte_pktmbuf_alloc(mp)) != NULL) {
		if (n == cap) {
			cap *= 2;
			v = realloc(v, cap * sizeof(*v));
			assert_non_null(v);
		}
		v[n++] = m;
	}
	*held = v;
	return n;
}

static void
pool_give_back(struct rte_mbuf **held, unsigned int n)
{
	rte_pktmbuf_free_bulk(held, n);
	free(held);
}

/* Read what @b has, checking the pattern from offset *@got. */
static void
read_pattern(struct tern_tcp_stream *b, uint64_t *got, uint32_t seed)
{
	static uint8_t buf[65536];
	ssize_t n;

	while ((n = tern_tcp_read(b, buf, sizeof(buf))) > 0) {
		assert_int_equal(pat_check(buf, (size_t)n, *got, seed), UINT64_MAX);
		*got += (uint64_t)n;
	}
}

/*
 * The receiver's pool is empty: it cannot send an ACK (drop_nomem), the
 * transfer stalls but nothing breaks; with the mbufs back, it completes.
 */
static void
test_exhaust_receiver_pool_empty_then_resumes(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	static uint8_t buf[200000];
	struct tern_tcp_stream *l, *a, *b;
	struct rte_mbuf **held;
	unsigned int nheld, i;
	uint64_t got = 0, stalled;

	tcp_pair(h, 4, &l, &a, &b);
	nheld = pool_take_all(harness_pool(h, HARNESS_B), &held);
	assert_true(nheld > 0);
	pat_fill(buf, sizeof(buf), 0, 41);
	assert_int_equal(tern_tcp_write(a, buf, sizeof(buf)), sizeof(buf));
	for (i = 0; i < 3000; i++) {
		harness_run(h, MS);
		read_pattern(b, &got, 41);
	}
	stalled = got;
	printf("receiver without mbufs: %" PRIu64 " of %zu bytes in 3 s, drop_nomem %" PRIu64
	       "\n", stalled, sizeof(buf), STAT(h, HARNESS_B, drop_nomem));
	assert_true(stalled < sizeof(buf));
	assert_true(STAT(h, HARNESS_B, drop_nomem) > 0);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_ESTABLISHED);
	pool_give_back(held, nheld);
	for (i = 0; i < 60000 && got < sizeof(buf); i++) {
		harness_run(h, MS);
		read_pattern(b, &got, 41);
	}
	assert_int_equal(got, sizeof(buf));
	still_works(h, a, b, 20000);
	conn_finish(f, l, a, b);
}

/* The sender's pool is empty: a write fails with -ENOBUFS, and works once mbufs are back. */
static void
test_exhaust_sender_pool_empty_write_enobufs(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	struct tern_tcp_stream *l, *a, *b;
	struct rte_mbuf **held;
	unsigned int nheld;

	tcp_pair(h, 4, &l, &a, &b);
	nheld = pool_take_all(harness_pool(h, HARNESS_A), &held);
	assert_int_equal(tern_tcp_write(a, "hello", 5), -ENOBUFS);
	harness_run(h, 100 * MS);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_ESTABLISHED);
	pool_give_back(held, nheld);
	still_works(h, a, b, 50000);
	conn_finish(f, l, a, b);
}

/* At max_conns an active open fails with ENOMEM; once one goes, it works. */
static void
test_exhaust_connect_at_max_conns_enomem(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_config cfg = { .max_conns = 3 };
	struct harness *h = conn_make(f, __func__, &cfg);
	struct tern_tcp_stream *l, *a1, *b1, *a2, *a3;
	struct tern_tcp_param p = { 0 };

	tcp_pair(h, 4, &l, &a1, &b1);
	a2 = tcp_connect_a(h, 4, NULL);
	a3 = tcp_connect_a(h, 4, NULL);	/* A holds 3 */
	p.remote = harness_addr(HARNESS_B, 4, TCP_PORT_B);
	p.local.family = 4;
	assert_null(tern_tcp_connect(harness_ctx(h, HARNESS_A), &p));
	assert_int_equal(rte_errno, ENOMEM);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_A)), 3);
	tern_tcp_abort(a3);
	harness_run(h, 10 * MS);
	a3 = tern_tcp_connect(harness_ctx(h, HARNESS_A), &p);
	assert_non_null(a3);
	tern_tcp_abort(a2);
	tern_tcp_abort(a3);
	still_works(h, a1, b1, 10000);
	conn_finish(f, l, a1, b1);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

/* ---------------------------------------------------------------------- */
/* SYN-ACKs built in the mbuf of their SYN (a SYN flood allocates nothing) */

/* B's frames as they left it, and how many */
struct b_frames {
	unsigned int n;
	uint16_t len[4];
	uint8_t b[4][128];
};

/* The tap: keep a copy of each frame of B (its SYN-ACKs) and drop it before A. */
static bool
keep_b_frames(void *arg, enum harness_side from, struct rte_mbuf *m, uint64_t now_ns)
{
	struct b_frames *bf = arg;

	RTE_SET_USED(now_ns);
	if (from != HARNESS_B)
		return false;
	if (bf->n < RTE_DIM(bf->b) && m->pkt_len <= sizeof(bf->b[0])) {
		const void *p = rte_pktmbuf_read(m, 0, m->pkt_len, bf->b[bf->n]);

		if (p != bf->b[bf->n])
			memcpy(bf->b[bf->n], p, m->pkt_len);
		bf->len[bf->n] = (uint16_t)m->pkt_len;
	}
	bf->n++;
	return true;
}

/*
 * The SYN-ACK that B builds in the SYN's own mbuf is, byte for byte, the
 * one it builds in a fresh mbuf (the path taken when the SYN's mbuf is
 * shared and B may not write it), for @family, a SYN with or without
 * timestamps (@ts: the SYN-ACK then has MSS and timestamps, or MSS
 * alone), cookies (@flags) or the syncache (the
 * second SYN is then a retransmission that the entry answers from a fresh
 * mbuf), and a device that offloads the checksums (@caps) or not. Only
 * the IPv4 identification (the next one) and so the header checksum differ.
 */
static void
synack_in_syn_same_bytes(struct fixture *f, const char *name, uint8_t family, bool ts,
			 uint32_t flags, uint32_t caps)
{
	struct tern_tcp_config cfg = { .flags = flags };
	struct b_frames bf;
	struct tern_tcp_stream *l;
	struct harness *h;
	struct seg_out o;
	struct rte_mbuf *m;
	uint16_t l3 = family == 4 ? 20 : 40, len, off, syn_len;
	uint8_t syn[128];
	bool same;

	harness_set_dev_caps(HARNESS_B, caps);
	h = conn_make(f, name, &cfg);
	harness_set_dev_caps(HARNESS_B, 0);
	memset(&bf, 0, sizeof(bf));
	l = tcp_listen_b(h, family, NULL);
	harness_set_tap(h, keep_b_frames, &bf);
	memset(&o, 0, sizeof(o));
	o.from = HARNESS_A;
	o.family = family;
	o.sport = PORT_FAKE;
	o.dport = TCP_PORT_B;
	o.seq = 777777;
	o.flags = TH_SYN;
	o.wnd = 65535;
	o.ts = ts;
	o.tsval = 4242;
	seg_inject(h, &o);
	assert_int_equal(STAT(h, HARNESS_B, tcp_synack_in_syn), 1);
	/* the same SYN in an mbuf the test holds a reference to */
	m = seg_build(h, &o);
	off = m->data_off;
	syn_len = m->data_len;
	assert_true(syn_len <= sizeof(syn));
	memcpy(syn, rte_pktmbuf_mtod(m, void *), syn_len);
	rte_mbuf_refcnt_update(m, 1);
	harness_inject(h, HARNESS_B, m);
	assert_int_equal(rte_mbuf_refcnt_read(m), 1);
	/* B did not write into it */
	same = memcmp((uint8_t *)m->buf_addr + off, syn, syn_len) == 0;
	rte_pktmbuf_free(m);
	assert_true(same);
	assert_int_equal(STAT(h, HARNESS_B, tcp_synack_in_syn), 1);
	assert_int_equal(STAT(h, HARNESS_B, tcp_cookies_sent),
			 (flags & TERN_TCP_CFG_COOKIES_ALWAYS) ? 2 : 0);
	assert_int_equal(bf.n, 2);
	len = bf.len[0];
	assert_int_equal(bf.len[1], len);
	/* MSS alone (4 bytes), or with timestamps */
	if (ts)
		assert_true(len > 14 + l3 + 24);
	else
		assert_int_equal(len, 14 + l3 + 24);
	assert_int_equal(bf.b[0][14 + l3 + 13], TH_SYN | TH_ACK);
	if (family == 4) {
		uint16_t id0 = (uint16_t)(bf.b[0][18] << 8 | bf.b[0][19]);
		uint16_t id1 = (uint16_t)(bf.b[1][18] << 8 | bf.b[1][19]);

		assert_int_equal(id1, (uint16_t)(id0 + 1));
		assert_int_equal(rte_ipv4_cksum((const struct rte_ipv4_hdr *)(bf.b[0] + 14)), 0);
		assert_int_equal(rte_ipv4_cksum((const struct rte_ipv4_hdr *)(bf.b[1] + 14)), 0);
		memcpy(bf.b[1] + 18, bf.b[0] + 18, 2);		/* identification */
		memcpy(bf.b[1] + 24, bf.b[0] + 24, 2);		/* header checksum */
	}
	assert_memory_equal(bf.b[0], bf.b[1], len);
	harness_set_tap(h, NULL, NULL);
	tern_tcp_close(l);
	harness_run(h, 10 * MS);
	tcp_assert_clean(h);
}

static void
test_synack_in_syn_same_bytes_cookie_ipv4(void **state)
{
	synack_in_syn_same_bytes(*state, __func__, 4, true, TERN_TCP_CFG_COOKIES_ALWAYS, 0);
	teardown(state);
	setup(state);
	synack_in_syn_same_bytes(*state, __func__, 4, false, TERN_TCP_CFG_COOKIES_ALWAYS, 0);
}

static void
test_synack_in_syn_same_bytes_cookie_ipv6(void **state)
{
	synack_in_syn_same_bytes(*state, __func__, 6, true, TERN_TCP_CFG_COOKIES_ALWAYS, 0);
	teardown(state);
	setup(state);
	synack_in_syn_same_bytes(*state, __func__, 6, false, TERN_TCP_CFG_COOKIES_ALWAYS, 0);
}

static void
test_synack_in_syn_same_bytes_syncache(void **state)
{
	synack_in_syn_same_bytes(*state, __func__, 4, true, 0, 0);
	teardown(state);
	setup(state);
	synack_in_syn_same_bytes(*state, __func__, 6, false, 0, 0);
}

static void
test_synack_in_syn_same_bytes_offload(void **state)
{
	uint32_t caps = TERN_CAP_TX_IP4_CKSUM | TERN_CAP_TX_TCP_CKSUM;

	synack_in_syn_same_bytes(*state, __func__, 4, true, TERN_TCP_CFG_COOKIES_ALWAYS, caps);
	teardown(state);
	setup(state);
	synack_in_syn_same_bytes(*state, __func__, 6, true, TERN_TCP_CFG_COOKIES_ALWAYS, caps);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_conn_limit_syn_gets_no_synack),
		T(test_conn_limit_syn_gets_no_cookie),
		T(test_conn_limit_reached_before_handshake_ack),
		T(test_invalid_ack_limit_out_of_window_acks),
		T(test_invalid_ack_limit_blind_syns_and_resets),
		T(test_invalid_ack_limit_spares_duplicate_data),
		T(test_invalid_ack_limit_spares_window_probes),
		T(test_zero_window_probes_faster_than_the_limit_keep_the_connection),
		T(test_zero_window_probes_do_not_count_as_retransmissions),
		T(test_time_wait_survives_rst_rfc1337),
		T(test_time_wait_invalid_ack_limit),
		T(test_exhaust_receiver_pool_empty_then_resumes),
		T(test_exhaust_sender_pool_empty_write_enobufs),
		T(test_exhaust_connect_at_max_conns_enomem),
		T(test_synack_in_syn_same_bytes_cookie_ipv4),
		T(test_synack_in_syn_same_bytes_cookie_ipv6),
		T(test_synack_in_syn_same_bytes_syncache),
		T(test_synack_in_syn_same_bytes_offload),
	};
	int ret;

	if (harness_eal_init("test_stack_tcp_harden") != 0)
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	harness_eal_fini();
	return ret;
}
