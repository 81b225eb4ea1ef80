/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * TCP connection management between two stacks through the harness, one
 * test per behaviour: the handshake on the wire, simultaneous open, every
 * reset case (RFC 9293 3.10.7, RFC 5961 3), the close sequences, TIME_WAIT
 * expiry and reuse, PAWS (RFC 7323 5), challenge ACKs and their rate limit
 * (RFC 5961), SYN cookies, SYN-ACK retransmission and a full backlog.
 * Segments are watched on the wire with a tap (tcp_cap) and, where a test
 * plays a blind attacker or an old duplicate, made by hand and injected.
 */
#include "tcp_conn_test.h"

#define PORT_FAKE	1234	/* a peer port A has no connection on */

/* The harness of a test, with TCP settings @cfg (NULL: defaults); the seed is printed. */
/* ---------------------------------------------------------------------- */

/* RFC 9293 3.5: SYN, SYN-ACK, ACK with the options each side offers. */
static void
test_handshake_three_segments_with_options(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	struct tern_tcp_stream *l, *a, *b;
	const struct seg_rec *r;
	uint64_t t0;

	cap_start(h, &f->cap);
	l = tcp_listen_b(h, 4, NULL);
	a = tcp_connect_a(h, 4, NULL);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_SYN_SENT);
	t0 = harness_now(h);
	b = tcp_accept_b(h, l, 10 * MS);
	assert_non_null(b);
	assert_int_equal(f->cap.n, 3);
	r = f->cap.rec;
	assert_int_equal(r[0].from, HARNESS_A);
	assert_int_equal(r[0].flags, TH_SYN);
	assert_true(r[0].has_mss && r[0].mss == 1460);
	assert_true(r[0].has_ws && r[0].has_sackp && r[0].has_ts);
	assert_int_equal(r[0].tsecr, 0);
	assert_int_equal(r[1].from, HARNESS_B);
	assert_int_equal(r[1].flags, TH_SYN | TH_ACK);
	assert_int_equal(r[1].ack, r[0].seq + 1);
	assert_true(r[1].has_mss && r[1].mss == 1460);
	assert_true(r[1].has_ws && r[1].has_sackp && r[1].has_ts);
	assert_int_equal(r[1].tsecr, r[0].tsval);
	assert_int_equal(r[2].from, HARNESS_A);
	assert_int_equal(r[2].flags, TH_ACK);
	assert_int_equal(r[2].seq, r[0].seq + 1);
	assert_int_equal(r[2].ack, r[1].seq + 1);
	assert_int_equal(r[2].len, 0);
	assert_int_equal(r[2].tsecr, r[1].tsval);
	/* no latency on the harness wire: all within the first step */
	assert_true(r[2].t - t0 < MS);
	assert_int_equal(STAT(h, HARNESS_A, tcp_active_opens), 1);
	assert_int_equal(STAT(h, HARNESS_A, tcp_conn_established), 1);
	assert_int_equal(STAT(h, HARNESS_B, tcp_passive_opens), 1);
	assert_int_equal(STAT(h, HARNESS_B, tcp_syncache_added), 1);
	assert_int_equal(STAT(h, HARNESS_B, tcp_conn_established), 1);
	assert_int_equal(STAT(h, HARNESS_B, tcp_cookies_sent), 0);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_A)), 1);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_B)), 2);
	conn_finish(f, l, a, b);
}

/* RFC 9293 3.5 figure 8: both ends connect at once; SYNs cross. */
static void
test_simultaneous_open(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	struct tern_tcp_param pa, pb;
	struct tern_tcp_stream *a, *b;
	struct ev_tally ea = { 0 }, eb = { 0 };
	bool a_synrcvd = false, b_synrcvd = false;
	unsigned int i;

	memset(&pa, 0, sizeof(pa));
	memset(&pb, 0, sizeof(pb));
	pa.local = harness_addr(HARNESS_A, 4, 5000);
	pa.remote = harness_addr(HARNESS_B, 4, 6000);
	pb.local = harness_addr(HARNESS_B, 4, 6000);
	pb.remote = harness_addr(HARNESS_A, 4, 5000);
	cap_start(h, &f->cap);
	a = tern_tcp_connect(harness_ctx(h, HARNESS_A), &pa);
	b = tern_tcp_connect(harness_ctx(h, HARNESS_B), &pb);
	assert_non_null(a);
	assert_non_null(b);
	f->cap.watch[HARNESS_A] = a;
	f->cap.watch[HARNESS_B] = b;
	harness_run(h, 10 * MS);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_ESTABLISHED);
	assert_int_equal(tern_tcp_state(b), TERN_TCP_ESTABLISHED);
	for (i = 0; i < f->cap.n; i++) {
		a_synrcvd |= f->cap.rec[i].st[HARNESS_A] == TERN_TCP_SYN_RECEIVED;
		b_synrcvd |= f->cap.rec[i].st[HARNESS_B] == TERN_TCP_SYN_RECEIVED;
	}
	assert_true(a_synrcvd && b_synrcvd);
	/* each sent a SYN, then its SYN again with an ACK; nobody reset */
	assert_int_equal(f->cap.rec[0].flags, TH_SYN);
	assert_int_equal(f->cap.rec[1].flags, TH_SYN);
	assert_int_equal(cap_count(&f->cap, HARNESS_A, TH_SYN | TH_ACK, false), 1);
	assert_int_equal(cap_count(&f->cap, HARNESS_B, TH_SYN | TH_ACK, false), 1);
	assert_int_equal(cap_count(&f->cap, HARNESS_A, TH_RST, false), 0);
	assert_int_equal(cap_count(&f->cap, HARNESS_B, TH_RST, false), 0);
	/* within the first millisecond: no timeout was needed */
	assert_true(cap_last(&f->cap, HARNESS_A)->t < MS);
	assert_int_equal(STAT(h, HARNESS_A, tcp_rto_fired), 0);
	assert_int_equal(STAT(h, HARNESS_B, tcp_rto_fired), 0);
	ev_collect(h, HARNESS_A, &ea);
	ev_collect(h, HARNESS_B, &eb);
	assert_int_equal(ea.n[TERN_EV_CONNECTED], 1);
	assert_int_equal(eb.n[TERN_EV_CONNECTED], 1);
	assert_int_equal(ea.n[TERN_EV_ERROR] + eb.n[TERN_EV_ERROR], 0);
	assert_int_equal(STAT(h, HARNESS_A, tcp_active_opens), 1);
	assert_int_equal(STAT(h, HARNESS_B, tcp_active_opens), 1);
	still_works(h, a, b, 100000);
	conn_finish(f, NULL, a, b);
}

/* RFC 9293 3.10.7.1 and 3.10.7.3: a SYN to a closed port is reset; the connector fails. */
static void
test_rst_to_syn_on_closed_port_econnrefused(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	struct tern_tcp_stream *a;
	struct ev_tally ea = { 0 };
	const struct seg_rec *syn, *rst;

	cap_start(h, &f->cap);
	a = tcp_connect_a(h, 4, NULL);
	harness_run(h, 5 * MS);
	assert_int_equal(f->cap.n, 2);
	syn = &f->cap.rec[0];
	rst = &f->cap.rec[1];
	assert_int_equal(rst->from, HARNESS_B);
	assert_int_equal(rst->flags, TH_RST | TH_ACK);
	assert_int_equal(rst->seq, 0);
	assert_int_equal(rst->ack, syn->seq + 1);
	ev_collect(h, HARNESS_A, &ea);
	assert_int_equal(ea.n[TERN_EV_ERROR], 1);
	assert_int_equal(ea.last_err, -ECONNREFUSED);
	assert_int_equal(ea.n[TERN_EV_CONNECTED], 0);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_CLOSED);
	assert_int_equal(tern_tcp_read(a, (uint8_t[8]){ 0 }, 8), -ECONNREFUSED);
	assert_int_equal(STAT(h, HARNESS_B, drop_tcp_noport), 1);
	assert_int_equal(STAT(h, HARNESS_B, tcp_out_rsts), 1);
	assert_int_equal(STAT(h, HARNESS_A, tcp_in_rsts), 1);
	assert_int_equal(STAT(h, HARNESS_A, tcp_attempt_fails), 1);
	conn_finish(f, NULL, a, NULL);
}

/* RFC 5961 3.2: a reset whose sequence number is exactly RCV.NXT resets the connection. */
static void
test_rst_in_window_exact_seq_econnreset(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	struct tern_tcp_stream *l, *a, *b;
	struct ev_tally ea = { 0 }, eb = { 0 };
	struct b_view v;

	pair_synced(f, &l, &a, &b);
	v = b_view(f);
	ev_collect(h, HARNESS_B, &eb);
	memset(&eb, 0, sizeof(eb));
	inject_a(f, &v, TH_RST, v.rcv_nxt, 0, v.ts_recent, NULL, 0);
	ev_collect(h, HARNESS_B, &eb);
	assert_int_equal(eb.n[TERN_EV_ERROR], 1);
	assert_int_equal(eb.last_err, -ECONNRESET);
	assert_int_equal(tern_tcp_state(b), TERN_TCP_CLOSED);
	assert_int_equal(tern_tcp_read(b, (uint8_t[8]){ 0 }, 8), -ECONNRESET);
	/* SO_ERROR takes the error once; then reads see the end, writes EPIPE (POSIX) */
	assert_int_equal(tern_tcp_error(b), -ECONNRESET);
	assert_int_equal(tern_tcp_error(b), 0);
	assert_int_equal(tern_tcp_read(b, (uint8_t[8]){ 0 }, 8), 0);
	assert_int_equal(tern_tcp_write(b, "x", 1), -EPIPE);
	assert_int_equal(STAT(h, HARNESS_B, tcp_in_rsts), 1);
	assert_int_equal(STAT(h, HARNESS_B, tcp_estab_resets), 1);
	assert_int_equal(STAT(h, HARNESS_B, tcp_challenge_acks), 0);
	/* A knows nothing yet; its next segment meets no connection and is reset */
	assert_int_equal(tern_tcp_state(a), TERN_TCP_ESTABLISHED);
	assert_int_equal(tern_tcp_write(a, "x", 1), 1);
	harness_run(h, 5 * MS);
	ev_collect(h, HARNESS_A, &ea);
	assert_int_equal(ea.n[TERN_EV_ERROR], 1);
	assert_int_equal(ea.last_err, -ECONNRESET);
	/* (B's listener answers: an ACK to LISTEN gets <SEQ=SEG.ACK><CTL=RST>) */
	assert_int_equal(STAT(h, HARNESS_B, drop_tcp_listen_bad), 1);
	assert_int_equal(cap_count(&f->cap, HARNESS_B, TH_RST, false), 1);
	conn_finish(f, l, a, b);
}

/* RFC 5961 3.2: a reset in the window but not at RCV.NXT gets a challenge ACK. */
static void
test_rst_in_window_inexact_challenge_ack(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	struct tern_tcp_stream *l, *a, *b;
	struct ev_tally eb = { 0 };
	const struct seg_rec *r;
	struct b_view v;
	unsigned int n0;

	pair_synced(f, &l, &a, &b);
	v = b_view(f);
	n0 = f->cap.n;
	inject_a(f, &v, TH_RST, v.rcv_nxt + 1000, 0, v.ts_recent, NULL, 0);
	/* exactly one segment from B: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
	assert_int_equal(f->cap.n, n0 + 1);
	r = &f->cap.rec[n0];
	assert_int_equal(r->from, HARNESS_B);
	assert_int_equal(r->flags, TH_ACK);
	assert_int_equal(r->seq, v.snd_nxt);
	assert_int_equal(r->ack, v.rcv_nxt);
	assert_int_equal(STAT(h, HARNESS_B, tcp_challenge_acks), 1);
	assert_int_equal(STAT(h, HARNESS_B, drop_tcp_rst_invalid), 1);
	assert_int_equal(STAT(h, HARNESS_B, tcp_in_rsts), 0);
	ev_collect(h, HARNESS_B, &eb);
	assert_int_equal(eb.n[TERN_EV_ERROR], 0);
	assert_int_equal(tern_tcp_state(b), TERN_TCP_ESTABLISHED);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_ESTABLISHED);
	still_works(h, a, b, 100000);
	conn_finish(f, l, a, b);
}

/* RFC 9293 3.10.7.4 / RFC 5961 3.2: a reset outside the window is dropped silently. */
static void
test_rst_out_of_window_ignored(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	struct tern_tcp_stream *l, *a, *b;
	struct ev_tally eb = { 0 };
	struct b_view v;
	unsigned int n0;

	pair_synced(f, &l, &a, &b);
	v = b_view(f);
	n0 = f->cap.n;
	inject_a(f, &v, TH_RST, v.rcv_nxt + 0x40000000u, 0, v.ts_recent, NULL, 0);
	inject_a(f, &v, TH_RST, v.rcv_nxt - 1000, 0, v.ts_recent, NULL, 0);
	inject_a(f, &v, TH_RST | TH_ACK, v.rcv_nxt - 1, v.snd_nxt, v.ts_recent, NULL, 0);
	assert_int_equal(f->cap.n, n0);		/* not a single answer */
	assert_int_equal(STAT(h, HARNESS_B, drop_tcp_rst_invalid), 3);
	assert_int_equal(STAT(h, HARNESS_B, tcp_challenge_acks), 0);
	assert_int_equal(STAT(h, HARNESS_B, tcp_in_rsts), 0);
	ev_collect(h, HARNESS_B, &eb);
	assert_int_equal(eb.n[TERN_EV_ERROR], 0);
	assert_int_equal(tern_tcp_state(b), TERN_TCP_ESTABLISHED);
	still_works(h, a, b, 100000);
	conn_finish(f, l, a, b);
}

/* tern_tcp_abort() sends a reset; the peer fails with ECONNRESET. */
static void
test_abort_sends_rst_peer_econnreset(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	struct tern_tcp_stream *l, *a, *b;
	struct ev_tally ea = { 0 }, eb = { 0 };
	const struct seg_rec *r;
	struct b_view v;
	unsigned int n0;

	pair_synced(f, &l, &a, &b);
	v = b_view(f);
	n0 = f->cap.n;
	ev_collect(h, HARNESS_A, &ea);
	memset(&ea, 0, sizeof(ea));
	tern_tcp_abort(a);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_A)), 0);
	harness_run(h, 5 * MS);
	assert_int_equal(f->cap.n, n0 + 1);
	r = &f->cap.rec[n0];
	assert_int_equal(r->from, HARNESS_A);
	assert_true(r->flags & TH_RST);
	assert_int_equal(r->seq, v.rcv_nxt);
	ev_collect(h, HARNESS_B, &eb);
	ev_collect(h, HARNESS_A, &ea);
	assert_int_equal(eb.n[TERN_EV_ERROR], 1);
	assert_int_equal(eb.last_err, -ECONNRESET);
	assert_int_equal(ea.n[TERN_EV_ERROR] + ea.n[TERN_EV_CLOSED], 0);	/* handle gone */
	assert_int_equal(tern_tcp_state(b), TERN_TCP_CLOSED);
	assert_int_equal(STAT(h, HARNESS_A, tcp_out_rsts), 1);
	assert_int_equal(STAT(h, HARNESS_B, tcp_in_rsts), 1);
	assert_int_equal(STAT(h, HARNESS_B, tcp_estab_resets), 1);
	conn_finish(f, l, NULL, b);
}

/* RFC 9293 3.10.4, RFC 2525 2.17: close() with unread data resets the connection. */
static void
test_close_with_unread_data_sends_rst(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	struct tern_tcp_stream *l, *a, *b;
	struct ev_tally ea = { 0 };
	uint8_t buf[1000];

	pair_synced(f, &l, &a, &b);
	pat_fill(buf, sizeof(buf), 0, 3);
	assert_int_equal(tern_tcp_write(a, buf, sizeof(buf)), sizeof(buf));
	harness_run(h, 100 * MS);
	assert_int_equal(tern_tcp_rx_bytes(b), sizeof(buf));
	tern_tcp_close(b);
	harness_run(h, 5 * MS);
	assert_int_equal(cap_count(&f->cap, HARNESS_B, TH_RST, false), 1);
	assert_int_equal(cap_count(&f->cap, HARNESS_B, TH_FIN, false), 0);
	assert_int_equal(STAT(h, HARNESS_B, tcp_out_rsts), 1);
	ev_collect(h, HARNESS_A, &ea);
	assert_int_equal(ea.n[TERN_EV_ERROR], 1);
	assert_int_equal(ea.last_err, -ECONNRESET);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_CLOSED);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_B)), 1);	/* the listener */
	conn_finish(f, l, a, NULL);
}

/* RFC 9293 3.6 case 1: A closes first (FIN_WAIT_1, FIN_WAIT_2, TIME_WAIT), B follows. */
static void
test_close_active_a_then_b(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	struct tern_tcp_stream *l, *a, *b;
	struct ev_tally ea = { 0 }, eb = { 0 };
	const struct seg_rec *r;

	pair_synced(f, &l, &a, &b);
	cap_clear(&f->cap);
	assert_int_equal(tern_tcp_shutdown(a, SHUT_WR), 0);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_FIN_WAIT_1);
	assert_int_equal(tern_tcp_write(a, "x", 1), -EPIPE);
	harness_run(h, 5 * MS);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_FIN_WAIT_2);
	assert_int_equal(tern_tcp_state(b), TERN_TCP_CLOSE_WAIT);
	ev_collect(h, HARNESS_B, &eb);
	assert_int_equal(eb.n[TERN_EV_CLOSED], 1);
	assert_int_equal(tern_tcp_read(b, (uint8_t[8]){ 0 }, 8), 0);
	/* FIN from A, then B's ACK of it, at once (a FIN is ACKed without delay) */
	assert_int_equal(f->cap.n, 2);
	assert_int_equal(f->cap.rec[0].flags & (TH_FIN | TH_ACK), TH_FIN | TH_ACK);
	assert_int_equal(f->cap.rec[1].from, HARNESS_B);
	assert_int_equal(f->cap.rec[1].ack, f->cap.rec[0].seq + 1);
	assert_int_equal(f->cap.rec[1].t, f->cap.rec[0].t);
	assert_int_equal(tern_tcp_shutdown(b, SHUT_WR), 0);
	assert_int_equal(tern_tcp_state(b), TERN_TCP_LAST_ACK);
	harness_run(h, 5 * MS);
	assert_int_equal(tern_tcp_state(b), TERN_TCP_CLOSED);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_TIME_WAIT);
	r = cap_last(&f->cap, HARNESS_A);
	assert_int_equal(r->flags, TH_ACK);
	assert_int_equal(r->ack, cap_last(&f->cap, HARNESS_B)->seq + 1);
	ev_collect(h, HARNESS_A, &ea);
	ev_collect(h, HARNESS_B, &eb);
	assert_int_equal(ea.n[TERN_EV_CLOSED], 1);
	assert_int_equal(ea.n[TERN_EV_ERROR] + eb.n[TERN_EV_ERROR], 0);
	assert_int_equal(STAT(h, HARNESS_A, tcp_tw_created), 1);
	assert_int_equal(STAT(h, HARNESS_B, tcp_tw_created), 0);
	assert_int_equal(STAT(h, HARNESS_A, tcp_out_rsts) + STAT(h, HARNESS_B, tcp_out_rsts), 0);
	tern_tcp_close(a);
	tern_tcp_close(b);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_A)), 0);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_B)), 1);
	conn_finish(f, l, NULL, NULL);
}

/*
 * The passive close: B hears A's FIN (CLOSE_WAIT), still sends 300 kB, then
 * closes its handle at once (LAST_ACK): the data, then the FIN, all arrive.
 */
static void
test_close_passive_sends_queued_data_then_fin(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	struct tern_tcp_stream *l, *a, *b;
	static uint8_t buf[300000];
	uint64_t got = 0;
	ssize_t n;
	int i;

	pair_synced(f, &l, &a, &b);
	assert_int_equal(tern_tcp_shutdown(a, SHUT_WR), 0);
	harness_run(h, 5 * MS);
	assert_int_equal(tern_tcp_state(b), TERN_TCP_CLOSE_WAIT);
	pat_fill(buf, sizeof(buf), 0, 11);
	assert_int_equal(tern_tcp_write(b, buf, sizeof(buf)), sizeof(buf));
	tern_tcp_close(b);
	b = NULL;
	for (i = 0; i < 1000; i++) {
		harness_run(h, MS);
		while ((n = tern_tcp_read(a, buf, sizeof(buf))) > 0) {
			assert_int_equal(pat_check(buf, (size_t)n, got, 11), UINT64_MAX);
			got += (uint64_t)n;
		}
		if (n == 0)
			break;
	}
	assert_int_equal(got, sizeof(buf));
	assert_int_equal(n, 0);		/* end of stream after the data */
	assert_int_equal(tern_tcp_state(a), TERN_TCP_TIME_WAIT);
	harness_run(h, 5 * MS);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_B)), 1);	/* B is gone */
	assert_int_equal(STAT(h, HARNESS_B, tcp_out_rsts), 0);
	conn_finish(f, l, a, b);
}

/* RFC 9293 3.6 case 2: both close at once: FIN_WAIT_1, CLOSING, TIME_WAIT on both. */
static void
test_close_simultaneous_closing_then_time_wait(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	struct tern_tcp_stream *l, *a, *b;
	bool closing = false;
	unsigned int i;

	pair_synced(f, &l, &a, &b);
	cap_clear(&f->cap);
	f->cap.watch[HARNESS_A] = a;
	f->cap.watch[HARNESS_B] = b;
	assert_int_equal(tern_tcp_shutdown(a, SHUT_WR), 0);
	assert_int_equal(tern_tcp_shutdown(b, SHUT_WR), 0);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_FIN_WAIT_1);
	assert_int_equal(tern_tcp_state(b), TERN_TCP_FIN_WAIT_1);
	harness_run(h, 5 * MS);
	for (i = 0; i < f->cap.n; i++)
		closing |= f->cap.rec[i].st[HARNESS_A] == TERN_TCP_CLOSING &&
			f->cap.rec[i].st[HARNESS_B] == TERN_TCP_CLOSING;
	assert_true(closing);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_TIME_WAIT);
	assert_int_equal(tern_tcp_state(b), TERN_TCP_TIME_WAIT);
	assert_int_equal(cap_count(&f->cap, HARNESS_A, TH_FIN, false), 1);
	assert_int_equal(cap_count(&f->cap, HARNESS_B, TH_FIN, false), 1);
	assert_int_equal(STAT(h, HARNESS_A, tcp_tw_created), 1);
	assert_int_equal(STAT(h, HARNESS_B, tcp_tw_created), 1);
	assert_int_equal(STAT(h, HARNESS_A, tcp_retrans_segs), 0);
	assert_int_equal(STAT(h, HARNESS_B, tcp_retrans_segs), 0);
	conn_finish(f, l, a, b);
}

/* RFC 9293 3.6: after SHUT_WR the other direction still carries data. */
static void
test_shutdown_wr_half_close_data_flows_back(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	struct tern_tcp_stream *l, *a, *b;
	struct ev_tally eb = { 0 };

	pair_synced(f, &l, &a, &b);
	assert_int_equal(tern_tcp_shutdown(a, SHUT_WR), 0);
	harness_run(h, 5 * MS);
	ev_collect(h, HARNESS_B, &eb);
	assert_int_equal(eb.n[TERN_EV_CLOSED], 1);
	assert_int_equal(tern_tcp_read(b, (uint8_t[8]){ 0 }, 8), 0);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_FIN_WAIT_2);
	assert_int_equal(tcp_transfer(h, b, a, 4u << 20, 5, 30 * SEC), 4u << 20);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_FIN_WAIT_2);
	assert_int_equal(tern_tcp_state(b), TERN_TCP_CLOSE_WAIT);
	assert_int_equal(tern_tcp_write(a, "x", 1), -EPIPE);
	assert_int_equal(tern_tcp_shutdown(b, SHUT_WR), 0);
	harness_run(h, 5 * MS);
	assert_int_equal(tern_tcp_read(a, (uint8_t[8]){ 0 }, 8), 0);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_TIME_WAIT);
	assert_int_equal(tern_tcp_state(b), TERN_TCP_CLOSED);
	conn_finish(f, l, a, b);
}

/* RFC 9293 3.6.1: a TIME_WAIT record holds the 4-tuple for 2 MSL, then goes. */
static void
test_time_wait_expires_after_2msl(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_config cfg = { .msl_ns = 500 * MS };
	struct harness *h = conn_make(f, __func__, &cfg);
	struct tern_tcp_param p = { 0 }, p2;
	struct tern_tcp_stream *l, *a, *b, *a2;
	struct seg_out fin;
	const struct seg_rec *r;
	uint64_t t_tw;

	l = tcp_listen_b(h, 4, NULL);
	p.local = harness_addr(HARNESS_A, 4, 40000);
	a = tcp_connect_a(h, 4, &p);
	b = tcp_accept_b(h, l, 10 * MS);
	assert_non_null(b);
	cap_start(h, &f->cap);
	assert_int_equal(tern_tcp_shutdown(a, SHUT_WR), 0);
	harness_run(h, 5 * MS);
	assert_int_equal(tern_tcp_shutdown(b, SHUT_WR), 0);
	harness_run(h, 0);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_TIME_WAIT);
	t_tw = cap_last(&f->cap, HARNESS_A)->t;		/* its last ACK: when it entered */
	tern_tcp_close(a);
	tern_tcp_close(b);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_A)), 0);
	/* the record still blocks the 4-tuple just before 2 MSL ... */
	harness_run(h, t_tw + 2 * cfg.msl_ns - 2 * MS - harness_now(h));
	p2 = p;
	p2.remote = harness_addr(HARNESS_B, 4, TCP_PORT_B);
	assert_null(tern_tcp_connect(harness_ctx(h, HARNESS_A), &p2));
	assert_int_equal(rte_errno, EADDRINUSE);
	/* ... and ACKs a retransmitted FIN */
	r = cap_last(&f->cap, HARNESS_B);
	assert_true(r->flags & TH_FIN);
	memset(&fin, 0, sizeof(fin));
	fin.from = HARNESS_B;
	fin.family = 4;
	fin.sport = TCP_PORT_B;
	fin.dport = 40000;
	fin.seq = r->seq;
	fin.ack = r->ack;
	fin.flags = TH_FIN | TH_ACK;
	fin.wnd = r->wnd;
	fin.ts = true;
	fin.tsval = r->tsval;
	fin.tsecr = r->tsecr;
	cap_clear(&f->cap);
	seg_inject(h, &fin);
	/* (B, CLOSED by then, resets the ACK; the record ignores resets, RFC 1337) */
	assert_int_equal(cap_count(&f->cap, HARNESS_A, 0, false), 1);
	assert_int_equal(f->cap.rec[0].from, HARNESS_A);
	assert_int_equal(f->cap.rec[0].flags, TH_ACK);
	assert_int_equal(f->cap.rec[0].ack, fin.seq + 1);
	assert_int_equal(STAT(h, HARNESS_A, drop_tcp_tw), 1);
	/* after 2 MSL the record is gone: the same FIN now meets a reset */
	harness_run(h, 4 * MS);
	cap_clear(&f->cap);
	seg_inject(h, &fin);
	assert_int_equal(f->cap.n, 1);
	assert_int_equal(f->cap.rec[0].from, HARNESS_A);
	assert_true(f->cap.rec[0].flags & TH_RST);
	assert_int_equal(STAT(h, HARNESS_A, drop_tcp_noport), 1);
	assert_int_equal(STAT(h, HARNESS_A, tcp_tw_created), 1);
	/* and the 4-tuple can be used again */
	a2 = tcp_connect_a(h, 4, &p);
	b = tcp_accept_b(h, l, 10 * MS);
	assert_non_null(b);
	assert_int_equal(tern_tcp_state(a2), TERN_TCP_ESTABLISHED);
	assert_int_equal(tcp_lport(a2), 40000);
	conn_finish(f, l, a2, b);
}

/*
 * B closed first and holds TIME_WAIT; A reconnects from the same port.
 * With timestamps, a SYN whose timestamp is newer takes the record over
 * (RFC 6191); one with an older timestamp is answered with an ACK.
 */
static void
test_time_wait_reuse_by_syn_with_newer_timestamp(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	struct tern_tcp_param p = { 0 };
	struct tern_tcp_stream *l, *a, *b;
	const struct seg_rec *r, *syn = NULL;
	struct seg_out o;
	uint32_t last_tsval;
	unsigned int i;

	l = tcp_listen_b(h, 4, NULL);
	p.local = harness_addr(HARNESS_A, 4, 40001);
	a = tcp_connect_a(h, 4, &p);
	b = tcp_accept_b(h, l, 10 * MS);
	assert_non_null(b);
	assert_int_equal(tcp_transfer(h, a, b, 10000, 1, SEC), 10000);
	cap_start(h, &f->cap);
	assert_int_equal(tern_tcp_shutdown(b, SHUT_WR), 0);
	harness_run(h, 5 * MS);
	assert_int_equal(tern_tcp_shutdown(a, SHUT_WR), 0);
	harness_run(h, 5 * MS);
	assert_int_equal(tern_tcp_state(b), TERN_TCP_TIME_WAIT);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_CLOSED);
	r = cap_last(&f->cap, HARNESS_A);
	last_tsval = r->tsval;
	tern_tcp_close(a);
	tern_tcp_close(b);
	harness_run(h, 100 * MS);
	/* an old duplicate SYN (older timestamp) does not take the record over */
	memset(&o, 0, sizeof(o));
	o.from = HARNESS_A;
	o.family = 4;
	o.sport = 40001;
	o.dport = TCP_PORT_B;
	o.seq = r->seq + 100000;
	o.flags = TH_SYN;
	o.wnd = 65535;
	o.ts = true;
	o.tsval = last_tsval - 10;
	cap_clear(&f->cap);
	seg_inject(h, &o);
	assert_int_equal(STAT(h, HARNESS_B, tcp_tw_reused), 0);
	assert_int_equal(STAT(h, HARNESS_B, drop_tcp_tw), 1);
	assert_int_equal(cap_count(&f->cap, HARNESS_B, TH_ACK, false), 1);
	assert_int_equal(cap_count(&f->cap, HARNESS_B, TH_SYN, false), 0);
	/* a new connection from the same port: its SYN's timestamp is newer */
	cap_clear(&f->cap);
	a = tcp_connect_a(h, 4, &p);
	b = tcp_accept_b(h, l, 10 * MS);
	assert_non_null(b);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_ESTABLISHED);
	for (i = 0; i < f->cap.n && syn == NULL; i++)
		if (f->cap.rec[i].flags == TH_SYN)
			syn = &f->cap.rec[i];
	assert_non_null(syn);
	assert_true((int32_t)(syn->tsval - last_tsval) > 0);
	assert_int_equal(STAT(h, HARNESS_B, tcp_tw_reused), 1);
	assert_int_equal(STAT(h, HARNESS_B, tcp_tw_created), 1);
	assert_int_equal(tcp_transfer(h, a, b, 100000, 2, SEC), 100000);
	conn_finish(f, l, a, b);
}

/*
 * Without timestamps, a SYN with a higher sequence number takes TIME_WAIT
 * over (RFC 1122 4.2.2.13).
 */
static void
test_time_wait_reuse_by_syn_with_higher_seq_no_ts(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_config cfg = { .flags = TERN_TCP_CFG_NO_TS };
	struct harness *h = conn_make(f, __func__, &cfg);
	struct tern_tcp_param p = { 0 };
	struct tern_tcp_stream *l, *a, *b;
	const struct seg_rec *syn = NULL;
	uint32_t old_end;
	unsigned int i;

	l = tcp_listen_b(h, 4, NULL);
	p.local = harness_addr(HARNESS_A, 4, 40002);
	a = tcp_connect_a(h, 4, &p);
	b = tcp_accept_b(h, l, 10 * MS);
	assert_non_null(b);
	cap_start(h, &f->cap);
	assert_int_equal(tcp_transfer(h, a, b, 1000, 1, SEC), 1000);
	assert_int_equal(tern_tcp_shutdown(b, SHUT_WR), 0);
	harness_run(h, 5 * MS);
	assert_int_equal(tern_tcp_shutdown(a, SHUT_WR), 0);
	harness_run(h, 5 * MS);
	assert_int_equal(tern_tcp_state(b), TERN_TCP_TIME_WAIT);
	old_end = cap_last(&f->cap, HARNESS_A)->seq;	/* A's FIN + 1 */
	assert_false(cap_last(&f->cap, HARNESS_A)->has_ts);
	tern_tcp_close(a);
	tern_tcp_close(b);
	harness_run(h, 100 * MS);
	cap_clear(&f->cap);
	a = tcp_connect_a(h, 4, &p);
	b = tcp_accept_b(h, l, 10 * MS);
	assert_non_null(b);
	for (i = 0; i < f->cap.n && syn == NULL; i++)
		if (f->cap.rec[i].flags == TH_SYN)
			syn = &f->cap.rec[i];
	assert_non_null(syn);
	assert_true((int32_t)(syn->seq - old_end) > 0);
	assert_int_equal(STAT(h, HARNESS_B, tcp_tw_reused), 1);
	assert_int_equal(tcp_transfer(h, a, b, 100000, 2, SEC), 100000);
	conn_finish(f, l, a, b);
}

/* RFC 7323 5.3: a segment with a timestamp older than TS.Recent is dropped (and ACKed). */
static void
test_paws_rejects_old_timestamp(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	struct tern_tcp_stream *l, *a, *b;
	uint8_t junk[100];
	struct b_view v;
	unsigned int n0;

	pair_synced(f, &l, &a, &b);
	v = b_view(f);
	n0 = f->cap.n;
	memset(junk, 'X', sizeof(junk));
	inject_a(f, &v, TH_ACK | TH_PSH, v.rcv_nxt, v.snd_nxt, v.ts_recent - 1000, junk,
		 sizeof(junk));
	assert_int_equal(STAT(h, HARNESS_B, drop_tcp_paws), 1);
	assert_int_equal(STAT(h, HARNESS_B, tcp_paws_rejects), 1);
	assert_int_equal(tern_tcp_rx_bytes(b), 0);
	/* the drop is ACKed with the unchanged RCV.NXT */
	assert_int_equal(f->cap.n, n0 + 1);
	assert_int_equal(f->cap.rec[n0].from, HARNESS_B);
	assert_int_equal(f->cap.rec[n0].ack, v.rcv_nxt);
	/* the real bytes at that sequence number arrive intact */
	assert_int_equal(tcp_transfer(h, a, b, 100000, 9, SEC), 100000);
	assert_int_equal(tern_tcp_state(b), TERN_TCP_ESTABLISHED);
	conn_finish(f, l, a, b);
}

/*
 * RFC 7323 5.3 and reordering: a pure duplicate ACK overtaken by a newer
 * segment (its TSval a little older than TS.Recent) is not a PAWS victim;
 * one far older is dropped, and neither is answered (no ACK for an ACK).
 */
static void
test_paws_lets_disordered_pure_ack_through(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	struct tern_tcp_stream *l, *a, *b;
	const struct seg_rec *ra;
	struct b_view v;
	struct seg_out o;
	unsigned int n0;

	pair_synced(f, &l, &a, &b);
	v = b_view(f);
	ra = cap_last(&f->cap, HARNESS_A);
	assert_non_null(ra);
	o = (struct seg_out){
		.from = HARNESS_A, .family = 4, .sport = v.aport, .dport = TCP_PORT_B,
		.seq = v.rcv_nxt, .ack = v.snd_nxt, .flags = TH_ACK, .wnd = ra->wnd,
		.ts = true, .tsval = v.ts_recent - 1, .tsecr = v.tsval,
	};
	n0 = f->cap.n;
	seg_inject(h, &o);
	harness_run(h, 10 * MS);
	assert_int_equal(STAT(h, HARNESS_B, drop_tcp_paws), 0);
	assert_int_equal(STAT(h, HARNESS_B, tcp_paws_rejects), 0);
	/* far older than one RTO: an old duplicate, dropped */
	o.tsval = v.ts_recent - 100000;
	seg_inject(h, &o);
	harness_run(h, 10 * MS);
	assert_int_equal(STAT(h, HARNESS_B, drop_tcp_paws), 1);
	/* a window update with an old timestamp is not exempt either */
	o.tsval = v.ts_recent - 1;
	o.wnd = ra->wnd - 1;
	seg_inject(h, &o);
	harness_run(h, 10 * MS);
	assert_int_equal(STAT(h, HARNESS_B, drop_tcp_paws), 2);
	/* B answered none of the three */
	assert_int_equal(f->cap.n, n0);
	still_works(h, a, b, 100000);
	conn_finish(f, l, a, b);
}

/*
 * tern_tcp_set_nodelay() on a listener after it listens: the streams it
 * accepts inherit it (two small writes go out at once, without Nagle's
 * wait for an ACK); cleared again, the next accepted stream does not.
 */
static void
test_nodelay_set_on_listener_is_inherited(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	struct tern_tcp_stream *l, *a, *b, *a2, *b2;

	l = tcp_listen_b(h, 4, NULL);
	tern_tcp_set_nodelay(l, true);
	a = tcp_connect_a(h, 4, NULL);
	b = tcp_accept_b(h, l, SEC);
	assert_non_null(b);
	harness_run(h, 10 * MS);
	cap_start(h, &f->cap);
	assert_int_equal(tern_tcp_write(b, "a", 1), 1);
	assert_int_equal(tern_tcp_write(b, "b", 1), 1);
	harness_run(h, 0);	/* no time passes: A's delayed ACK does not come */
	assert_int_equal(cap_count(&f->cap, HARNESS_B, TH_ACK, true), 2);
	/* off again: the next one waits for the ACK of its first small write */
	tern_tcp_set_nodelay(l, false);
	a2 = tcp_connect_a(h, 4, NULL);
	b2 = tcp_accept_b(h, l, SEC);
	assert_non_null(b2);
	harness_run(h, 10 * MS);
	cap_clear(&f->cap);
	assert_int_equal(tern_tcp_write(b2, "a", 1), 1);
	assert_int_equal(tern_tcp_write(b2, "b", 1), 1);
	harness_run(h, 0);
	assert_int_equal(cap_count(&f->cap, HARNESS_B, TH_ACK, true), 1);
	tern_tcp_abort(a2);
	tern_tcp_abort(b2);
	conn_finish(f, l, a, b);
}

/* RFC 5961 4.2: a SYN in the window of an established connection gets a challenge ACK. */
static void
test_challenge_ack_for_syn_in_window(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	struct tern_tcp_stream *l, *a, *b;
	struct ev_tally eb = { 0 };
	const struct seg_rec *r;
	struct b_view v;
	unsigned int n0;

	pair_synced(f, &l, &a, &b);
	v = b_view(f);
	n0 = f->cap.n;
	inject_a(f, &v, TH_SYN, v.rcv_nxt + 100, 0, v.ts_recent, NULL, 0);
	assert_int_equal(f->cap.n, n0 + 1);
	r = &f->cap.rec[n0];
	assert_int_equal(r->from, HARNESS_B);
	assert_int_equal(r->flags, TH_ACK);
	assert_int_equal(r->seq, v.snd_nxt);
	assert_int_equal(r->ack, v.rcv_nxt);
	assert_int_equal(STAT(h, HARNESS_B, tcp_challenge_acks), 1);
	ev_collect(h, HARNESS_B, &eb);
	assert_int_equal(eb.n[TERN_EV_ERROR], 0);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_ESTABLISHED);
	assert_int_equal(tern_tcp_state(b), TERN_TCP_ESTABLISHED);
	still_works(h, a, b, 100000);
	conn_finish(f, l, a, b);
}

/* RFC 5961 5.2 / RFC 9293 3.10.7.4: an ACK of data never sent gets an ACK and is dropped. */
static void
test_challenge_ack_for_ack_of_unsent_data(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	struct tern_tcp_stream *l, *a, *b;
	uint8_t junk[10];
	struct b_view v;
	unsigned int n0;

	pair_synced(f, &l, &a, &b);
	v = b_view(f);
	n0 = f->cap.n;
	memset(junk, 'Y', sizeof(junk));
	inject_a(f, &v, TH_ACK, v.rcv_nxt, v.snd_nxt + 100000, v.ts_recent, junk, sizeof(junk));
	assert_int_equal(f->cap.n, n0 + 1);
	assert_int_equal(f->cap.rec[n0].flags, TH_ACK);
	assert_int_equal(f->cap.rec[n0].ack, v.rcv_nxt);
	assert_int_equal(STAT(h, HARNESS_B, drop_tcp_future_ack), 1);
	assert_int_equal(STAT(h, HARNESS_B, tcp_challenge_acks), 1);
	assert_int_equal(tern_tcp_rx_bytes(b), 0);	/* its data is dropped with it */
	assert_int_equal(tern_tcp_state(b), TERN_TCP_ESTABLISHED);
	still_works(h, a, b, 100000);
	conn_finish(f, l, a, b);
}

/* RFC 5961 7: at most challenge_ack_limit challenge ACKs a second. */
static void
test_challenge_ack_rate_limit(void **state)
{
	struct fixture *f = *state;
	/* the context's limit alone, not the per-connection one */
	struct tern_tcp_config cfg = { .challenge_ack_limit = 3,
				       .flags = TERN_TCP_CFG_NO_INVALID_ACK_LIMIT };
	struct harness *h = conn_make(f, __func__, &cfg);
	struct tern_tcp_stream *l, *a, *b;
	struct b_view v;
	unsigned int i, n0;

	pair_synced(f, &l, &a, &b);
	v = b_view(f);
	assert_true(harness_now(h) < 900 * MS);	/* all within the first second */
	n0 = f->cap.n;
	for (i = 0; i < 10; i++)
		inject_a(f, &v, TH_SYN, v.rcv_nxt + 100 + i, 0, v.ts_recent, NULL, 0);
	assert_int_equal(STAT(h, HARNESS_B, tcp_challenge_acks), 3);
	assert_int_equal(STAT(h, HARNESS_B, tcp_challenge_limited), 7);
	assert_int_equal(f->cap.n - n0, 3);
	/* the next second has a fresh allowance */
	harness_run(h, SEC - harness_now(h) % SEC + MS);
	inject_a(f, &v, TH_SYN, v.rcv_nxt + 200, 0, v.ts_recent, NULL, 0);
	assert_int_equal(STAT(h, HARNESS_B, tcp_challenge_acks), 4);
	assert_int_equal(tern_tcp_state(b), TERN_TCP_ESTABLISHED);
	still_works(h, a, b, 10000);
	conn_finish(f, l, a, b);
}

/* Drop A's resets to the fake port: the half-open entry stays in the syncache. */
static bool
drop_fake_port_rst(struct tcp_cap *c, const struct seg_rec *r)
{
	(void)c;
	return r->from == HARNESS_A && r->sport == PORT_FAKE;
}

/* Check a cookie connection carries the options A offered, and data in both directions. */
static void
cookie_conn_check(struct harness *h, struct tern_tcp_stream *a, struct tern_tcp_stream *b,
		  uint16_t mss_opt)
{
	/* the cookie keeps the MSS option; segments carry 12 bytes of timestamps */
	uint16_t mss = (uint16_t)(mss_opt - 12);
	struct tern_tcp_info ia, ib;

	tern_tcp_info(a, &ia);
	tern_tcp_info(b, &ib);
	assert_true(ia.ts_ok && ib.ts_ok);
	assert_true(ia.sack_ok && ib.sack_ok);
	assert_true(ia.rcv_wscale > 0);
	assert_int_equal(ib.snd_wscale, ia.rcv_wscale);	/* recovered from the timestamp */
	assert_int_equal(ia.snd_wscale, ib.rcv_wscale);
	assert_int_equal(ib.mss, mss);
	assert_int_equal(ia.mss, mss);
	assert_int_equal(tcp_transfer(h, a, b, 4u << 20, 21, 30 * SEC), 4u << 20);
	assert_int_equal(tcp_transfer(h, b, a, 1u << 20, 22, 30 * SEC), 1u << 20);
}

/* RFC 4987 3.6: with the syncache full, a SYN cookie carries the handshake. */
static void
test_syn_cookie_handshake_when_syncache_full(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_config cfg = { .syncache_size = 1 };
	struct harness *h = conn_make(f, __func__, &cfg);
	struct tern_tcp_stream *l, *a, *b;
	struct seg_out o;

	l = tcp_listen_b(h, 4, NULL);
	cap_start(h, &f->cap);
	f->cap.filter = drop_fake_port_rst;
	/* a half-open connection fills the syncache */
	memset(&o, 0, sizeof(o));
	o.from = HARNESS_A;
	o.family = 4;
	o.sport = PORT_FAKE;
	o.dport = TCP_PORT_B;
	o.seq = 12345;
	o.flags = TH_SYN;
	o.wnd = 65535;
	seg_inject(h, &o);
	assert_int_equal(STAT(h, HARNESS_B, tcp_syncache_added), 1);
	assert_int_equal(f->cap.nb_dropped, 1);
	a = tcp_connect_a(h, 4, NULL);
	b = tcp_accept_b(h, l, 10 * MS);
	assert_non_null(b);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_ESTABLISHED);
	assert_int_equal(STAT(h, HARNESS_B, tcp_syncache_overflow), 1);
	assert_int_equal(STAT(h, HARNESS_B, tcp_cookies_sent), 1);
	assert_int_equal(STAT(h, HARNESS_B, tcp_cookies_ok), 1);
	assert_int_equal(STAT(h, HARNESS_B, tcp_syncache_added), 1);
	cookie_conn_check(h, a, b, 1460);
	conn_finish(f, l, a, b);
}

/* TERN_TCP_CFG_COOKIES_ALWAYS (IPv6): every SYN gets a cookie, none is held. */
static void
test_syn_cookie_always_ipv6(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_config cfg = { .flags = TERN_TCP_CFG_COOKIES_ALWAYS };
	struct harness *h = conn_make(f, __func__, &cfg);
	struct tern_tcp_stream *l, *a, *b;

	l = tcp_listen_b(h, 6, NULL);
	a = tcp_connect_a(h, 6, NULL);
	b = tcp_accept_b(h, l, 10 * MS);
	assert_non_null(b);
	assert_int_equal(STAT(h, HARNESS_B, tcp_syncache_added), 0);
	assert_int_equal(STAT(h, HARNESS_B, tcp_cookies_sent), 1);
	assert_int_equal(STAT(h, HARNESS_B, tcp_cookies_ok), 1);
	cookie_conn_check(h, a, b, 1440);
	conn_finish(f, l, a, b);
}

/* RFC 4987 3.6: without timestamps nothing carries window scale and SACK: none. */
static void
test_syn_cookie_without_timestamps_drops_options(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_config cfg = {
		.flags = TERN_TCP_CFG_COOKIES_ALWAYS | TERN_TCP_CFG_NO_TS
	};
	struct harness *h = conn_make(f, __func__, &cfg);
	struct tern_tcp_stream *l, *a, *b;
	struct tern_tcp_info ia, ib;

	l = tcp_listen_b(h, 4, NULL);
	a = tcp_connect_a(h, 4, NULL);
	b = tcp_accept_b(h, l, 10 * MS);
	assert_non_null(b);
	assert_int_equal(STAT(h, HARNESS_B, tcp_cookies_ok), 1);
	tern_tcp_info(a, &ia);
	tern_tcp_info(b, &ib);
	assert_false(ia.ts_ok || ib.ts_ok || ia.sack_ok || ib.sack_ok);
	assert_int_equal(ia.snd_wscale + ia.rcv_wscale + ib.snd_wscale + ib.rcv_wscale, 0);
	assert_int_equal(tcp_transfer(h, a, b, 1u << 20, 23, 30 * SEC), 1u << 20);
	conn_finish(f, l, a, b);
}

/* Drop B's first SYN-ACK and every retransmitted SYN of A. */
static bool
drop_first_synack(struct tcp_cap *c, const struct seg_rec *r)
{
	if (r->from == HARNESS_B && r->flags == (TH_SYN | TH_ACK) && c->arg == 0) {
		c->arg = 1;
		return true;
	}
	return r->from == HARNESS_A && r->flags == TH_SYN && r != &c->rec[0];
}

/* The syncache retransmits a lost SYN-ACK after rto_init (RFC 6298 5, RFC 9293 3.8.1). */
static void
test_synack_retransmitted_from_syncache(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	struct tern_tcp_stream *l, *a, *b;
	const struct seg_rec *r = NULL;
	uint64_t t0;
	unsigned int i;

	l = tcp_listen_b(h, 4, NULL);
	cap_start(h, &f->cap);
	f->cap.filter = drop_first_synack;
	t0 = harness_now(h);
	a = tcp_connect_a(h, 4, NULL);
	b = tcp_accept_b(h, l, 2 * SEC);
	assert_non_null(b);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_ESTABLISHED);
	assert_int_equal(STAT(h, HARNESS_B, tcp_synack_retrans), 1);
	for (i = 0; i < f->cap.n; i++)
		if (f->cap.rec[i].flags == (TH_SYN | TH_ACK) && !f->cap.rec[i].dropped)
			r = &f->cap.rec[i];
	assert_non_null(r);
	printf("SYN-ACK retransmitted at %.3f s\n", (double)(r->t - t0) / SEC);
	assert_true(r->t - t0 >= SEC && r->t - t0 <= SEC + 2 * MS);
	assert_int_equal(tcp_transfer(h, a, b, 10000, 3, SEC), 10000);
	conn_finish(f, l, a, b);
}

/* A's first SYN, taken off the wire and copied twice. */
struct syn_grab {
	struct rte_mempool *mp;
	struct rte_mbuf *m[2];
};

static bool
grab_first_syn(void *arg, enum harness_side from, struct rte_mbuf *m, uint64_t now_ns)
{
	struct syn_grab *g = arg;
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_tcp_hdr *th;

	(void)now_ns;
	if (from != HARNESS_A || g->m[0] != NULL ||
	    eh->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4))
		return false;
	th = rte_pktmbuf_mtod_offset(m, const struct rte_tcp_hdr *,
				     sizeof(*eh) + sizeof(struct rte_ipv4_hdr));
	if (th->tcp_flags != RTE_TCP_SYN_FLAG)
		return false;
	g->m[0] = rte_pktmbuf_copy(m, g->mp, 0, UINT32_MAX);
	g->m[1] = rte_pktmbuf_copy(m, g->mp, 0, UINT32_MAX);
	return true;
}

/*
 * A SYN and its duplicate in one input burst: the second finds the syncache
 * entry the first added (the burst's bulk lookup missed both; the key
 * changed in the hash in between, so it is looked up again) and gets the
 * SYN-ACK again, not a second entry.
 */
static void
test_duplicate_syn_in_one_burst_finds_syncache_entry(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	struct syn_grab g = { .mp = harness_pool(h, HARNESS_A) };
	struct tern_tcp_stream *l, *a, *b;

	l = tcp_listen_b(h, 4, NULL);
	harness_set_tap(h, grab_first_syn, &g);
	a = tcp_connect_a(h, 4, NULL);
	assert_non_null(a);
	harness_run(h, MS);
	harness_set_tap(h, NULL, NULL);
	assert_non_null(g.m[0]);
	assert_non_null(g.m[1]);
	assert_int_equal(STAT(h, HARNESS_B, tcp_syncache_added), 0);
	harness_inject_burst(h, HARNESS_B, g.m, 2);
	assert_int_equal(STAT(h, HARNESS_B, tcp_syncache_added), 1);
	b = tcp_accept_b(h, l, 2 * SEC);
	assert_non_null(b);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_ESTABLISHED);
	assert_int_equal(STAT(h, HARNESS_B, tcp_syncache_added), 1);
	assert_int_equal(STAT(h, HARNESS_B, tcp_passive_opens), 1);
	assert_int_equal(tcp_transfer(h, a, b, 10000, 3, SEC), 10000);
	conn_finish(f, l, a, b);
}

/* A listener whose accept queue is full drops SYNs; the peer's retransmission gets in later. */
static void
test_listener_backlog_full_drops_syn(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	struct tern_tcp_param lp = { .backlog = 1 };
	struct tern_tcp_stream *l, *a1, *a2, *b1, *b2;
	struct ev_tally ea = { 0 };
	uint64_t t0;

	l = tcp_listen_b(h, 4, &lp);
	a1 = tcp_connect_a(h, 4, NULL);
	harness_run(h, 5 * MS);
	assert_int_equal(tern_tcp_state(a1), TERN_TCP_ESTABLISHED);
	t0 = harness_now(h);
	a2 = tcp_connect_a(h, 4, NULL);
	harness_run(h, 500 * MS);
	assert_int_equal(tern_tcp_state(a2), TERN_TCP_SYN_SENT);
	assert_int_equal(STAT(h, HARNESS_B, drop_tcp_backlog), 1);
	assert_int_equal(STAT(h, HARNESS_B, tcp_out_rsts), 0);
	assert_int_equal(tern_tcp_accept_burst(l, &b1, 1), 1);
	b2 = tcp_accept_b(h, l, 2 * SEC);
	assert_non_null(b2);
	assert_int_equal(tern_tcp_state(a2), TERN_TCP_ESTABLISHED);
	/* after A's SYN retransmission (rto_init, 1 s) */
	assert_true(harness_now(h) - t0 >= SEC);
	assert_int_equal(STAT(h, HARNESS_A, tcp_rto_fired), 1);
	ev_collect(h, HARNESS_A, &ea);
	assert_int_equal(ea.n[TERN_EV_CONNECTED], 2);
	assert_int_equal(ea.n[TERN_EV_ERROR], 0);
	tern_tcp_abort(a1);
	tern_tcp_abort(b1);
	conn_finish(f, l, a2, b2);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

/* The listener's own MSS (tern_tcp_param.mss) is what its SYN-ACK offers. */
static void
test_listener_mss_in_synack(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	struct tern_tcp_param lp = { .mss = 1000 };
	struct tern_tcp_stream *l, *a, *b;
	struct tern_tcp_info ia;
	unsigned int i, nsynack = 0;

	cap_start(h, &f->cap);
	l = tcp_listen_b(h, 4, &lp);
	a = tcp_connect_a(h, 4, NULL);
	b = tcp_accept_b(h, l, 10 * MS);
	assert_non_null(b);
	for (i = 0; i < f->cap.n; i++) {
		const struct seg_rec *r = &f->cap.rec[i];

		if (r->from != HARNESS_B || r->flags != (TH_SYN | TH_ACK))
			continue;
		nsynack++;
		assert_true(r->has_mss);
		assert_int_equal(r->mss, 1000);
	}
	assert_int_equal(nsynack, 1);
	/* A sends at most that, less the timestamp option */
	tern_tcp_info(a, &ia);
	assert_int_equal(ia.mss, 1000 - 12);
	cap_stop(h, &f->cap);
	conn_finish(f, l, a, b);
}

/*
 * Data that comes before the accept is announced by a READABLE posted at
 * accept time; the udata set right after the accept reaches that event.
 */
static void
test_set_udata_after_accept_retags_queued_events(void **state)
{
	struct fixture *f = *state;
	struct harness *h = conn_make(f, __func__, NULL);
	struct tern_tcp_param lp = { .udata = 7 };
	struct tern_tcp_stream *l, *a, *b = NULL;
	struct tern_event ev[16];
	unsigned int n, i, nread = 0;

	l = tcp_listen_b(h, 4, &lp);
	a = tcp_connect_a(h, 4, NULL);
	harness_run(h, 10 * MS);
	assert_int_equal(tern_tcp_write(a, "early", 5), 5);
	harness_run(h, 10 * MS);
	/* nothing yet about the connection the application has not accepted */
	while (tern_ctx_events(harness_ctx(h, HARNESS_B), ev, RTE_DIM(ev)) > 0)
		;
	assert_int_equal(tern_tcp_accept_burst(l, &b, 1), 1);
	assert_int_equal(tern_tcp_udata(b), 7);	/* inherited */
	tern_tcp_set_udata(b, 99);
	n = tern_ctx_events(harness_ctx(h, HARNESS_B), ev, RTE_DIM(ev));
	for (i = 0; i < n; i++) {
		if (ev[i].obj != b)
			continue;
		assert_int_equal(ev[i].udata, 99);
		nread += ev[i].type == TERN_EV_READABLE;
	}
	assert_int_equal(nread, 1);
	conn_finish(f, l, a, b);
}

#define NB_OVF	2100	/* connections: 2 events each overflow a 4096-event queue */

/*
 * An event that does not fit in the full queue is counted (events_lost),
 * and the stream is not left silent: the next data posts READABLE again.
 */
static void
test_event_queue_full_counted_and_readable_reposted(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_config cfg = { .max_conns = 4 * NB_OVF };
	struct harness *h = conn_make(f, __func__, &cfg);
	struct tern_ctx *ca = harness_ctx(h, HARNESS_A);
	static struct tern_tcp_stream *as[NB_OVF], *bs[NB_OVF];
	static uint8_t seen[NB_OVF];
	struct tern_event ev[256];
	struct tern_tcp_stream *l;
	unsigned int i, j, n, nb = 0, lost, nseen = 0;
	uint8_t c;

	l = tcp_listen_b(h, 4, &(struct tern_tcp_param){ .backlog = NB_OVF });
	for (i = 0; i < NB_OVF; i++) {
		as[i] = tcp_connect_a(h, 4, NULL);
		tern_tcp_set_udata(as[i], i);
	}
	for (j = 0; j < 200 && nb < NB_OVF; j++) {
		harness_run(h, MS);
		nb += tern_tcp_accept_burst(l, bs + nb, (uint16_t)(NB_OVF - nb));
	}
	assert_int_equal(nb, NB_OVF);
	/* A's queue now has NB_OVF CONNECTED; one byte each adds NB_OVF READABLE */
	for (i = 0; i < NB_OVF; i++)
		assert_int_equal(tern_tcp_write(bs[i], "x", 1), 1);
	harness_run(h, 50 * MS);
	lost = (unsigned int)STAT(h, HARNESS_A, events_lost);
	printf("%u events lost of %u\n", lost, 2 * NB_OVF);
	assert_true(lost > 0);
	while ((n = tern_ctx_events(ca, ev, RTE_DIM(ev))) > 0)
		for (j = 0; j < n; j++)
			if (ev[j].type == TERN_EV_READABLE)
				seen[ev[j].udata] = 1;
	for (i = 0; i < NB_OVF; i++)
		nseen += seen[i];
	assert_int_equal(nseen, NB_OVF - lost);
	/* the streams whose READABLE was lost get one with the next byte */
	for (i = 0; i < NB_OVF; i++)
		assert_int_equal(tern_tcp_write(bs[i], "y", 1), 1);
	harness_run(h, 50 * MS);
	while ((n = tern_ctx_events(ca, ev, RTE_DIM(ev))) > 0)
		for (j = 0; j < n; j++)
			if (ev[j].type == TERN_EV_READABLE)
				seen[ev[j].udata] = 1;
	for (i = 0; i < NB_OVF; i++) {
		assert_int_equal(tern_tcp_rx_bytes(as[i]), 2);
		assert_true(seen[i]);	/* announced in the first round, or now */
		assert_int_equal(tern_tcp_read(as[i], &c, 1), 1);
	}
	for (i = 0; i < NB_OVF; i++) {
		tern_tcp_abort(as[i]);
		tern_tcp_abort(bs[i]);
	}
	conn_finish(f, l, NULL, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_handshake_three_segments_with_options),
		T(test_simultaneous_open),
		T(test_rst_to_syn_on_closed_port_econnrefused),
		T(test_rst_in_window_exact_seq_econnreset),
		T(test_rst_in_window_inexact_challenge_ack),
		T(test_rst_out_of_window_ignored),
		T(test_abort_sends_rst_peer_econnreset),
		T(test_close_with_unread_data_sends_rst),
		T(test_close_active_a_then_b),
		T(test_close_passive_sends_queued_data_then_fin),
		T(test_close_simultaneous_closing_then_time_wait),
		T(test_shutdown_wr_half_close_data_flows_back),
		T(test_time_wait_expires_after_2msl),
		T(test_time_wait_reuse_by_syn_with_newer_timestamp),
		T(test_time_wait_reuse_by_syn_with_higher_seq_no_ts),
		T(test_paws_rejects_old_timestamp),
		T(test_paws_lets_disordered_pure_ack_through),
		T(test_nodelay_set_on_listener_is_inherited),
		T(test_challenge_ack_for_syn_in_window),
		T(test_challenge_ack_for_ack_of_unsent_data),
		T(test_challenge_ack_rate_limit),
		T(test_syn_cookie_handshake_when_syncache_full),
		T(test_syn_cookie_always_ipv6),
		T(test_syn_cookie_without_timestamps_drops_options),
		T(test_synack_retransmitted_from_syncache),
		T(test_duplicate_syn_in_one_burst_finds_syncache_entry),
		T(test_listener_backlog_full_drops_syn),
		T(test_listener_mss_in_synack),
		T(test_set_udata_after_accept_retags_queued_events),
		T(test_event_queue_full_counted_and_readable_reposted),
	};
	int ret;

	if (harness_eal_init("test_stack_tcp_conn") != 0)
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	harness_eal_fini();
	return ret;
}
