/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * TCP data transfer between two stacks through the harness, one test per
 * behaviour: 100 MB checked byte for byte (clean, and through a lossy,
 * reordering, duplicating link), Nagle, delayed ACKs, SACK blocks for
 * out-of-order data, zero windows and persist probes, keepalive, and the
 * retransmission timer's backoff up to the abort.
 */
#define TCP_TEST_CAP_FIXTURE
#include "tcp_test.h"

static struct harness *
make(struct fixture *f, const char *name, const struct tern_tcp_config *cfg)
{
	harness_seed(name, 1);	/* no impairment here: printed for the record */
	f->h = harness_create_tcp(NULL, NULL, cfg);
	assert_non_null(f->h);
	return f->h;
}

static void
finish(struct fixture *f, struct tern_tcp_stream *l, struct tern_tcp_stream *a,
       struct tern_tcp_stream *b)
{
	struct harness *h = f->h;

	harness_set_impair(h, HARNESS_A, NULL);
	harness_set_impair(h, HARNESS_B, NULL);
	tern_tcp_abort(a);
	tern_tcp_abort(b);
	tern_tcp_close(l);
	harness_run(h, 20 * MS);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_A)), 0);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_B)), 0);
	tcp_assert_clean(h);
}

/* Close gracefully, A first; both ends must reach the end states. */
static void
close_graceful(struct harness *h, struct tern_tcp_stream *l, struct tern_tcp_stream *a,
	       struct tern_tcp_stream *b)
{
	tern_tcp_close(a);
	harness_run(h, 10 * MS);
	assert_int_equal(tern_tcp_read(b, (uint8_t[16]){ 0 }, 16), 0);
	assert_int_equal(tern_tcp_state(b), TERN_TCP_CLOSE_WAIT);
	tern_tcp_close(b);
	harness_run(h, 10 * MS);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_A)), 0);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_B)), 1);
	tern_tcp_close(l);
	tcp_assert_clean(h);
}

/* Data segments from @side, in order: their indexes in @c->rec (at most @max). */
static unsigned int
data_segs(const struct tcp_cap *c, enum harness_side side, unsigned int *idx, unsigned int max)
{
	unsigned int i, n = 0;

	for (i = 0; i < c->n && n < max; i++)
		if (c->rec[i].from == side && c->rec[i].len > 0)
			idx[n++] = i;
	return n;
}

/* ---------------------------------------------------------------------- */

/* 100 MB over IPv4, every byte checked; nothing is retransmitted on a clean wire. */
static void
test_transfer_100mb_ipv4(void **state)
{
	struct fixture *f = *state;
	struct harness *h = make(f, __func__, NULL);
	struct tern_tcp_stream *l, *a, *b;
	struct tern_tcp_info ia, ib;
	uint64_t total = 100ull << 20, t0, got;

	tcp_pair(h, 4, &l, &a, &b);
	t0 = harness_now(h);
	got = tcp_transfer(h, a, b, total, 100, 600 * SEC);
	printf("100 MB lossless: %" PRIu64 " bytes in %.3f s of virtual time\n", got,
	       (double)(harness_now(h) - t0) / SEC);
	assert_int_equal(got, total);
	tern_tcp_info(a, &ia);
	tern_tcp_info(b, &ib);
	assert_int_equal(ia.bytes_sent, total);
	assert_int_equal(ib.bytes_received, total);
	assert_int_equal(ia.segs_retrans, 0);
	assert_int_equal(STAT(h, HARNESS_A, tcp_retrans_segs), 0);
	assert_int_equal(STAT(h, HARNESS_A, tcp_rto_fired), 0);
	close_graceful(h, l, a, b);
}

/*
 * 100 MB through 1% loss, 1% reordering and 1% duplication in both
 * directions: it must complete, intact. Loss recovery is NewReno and the
 * RTO, so the bound is generous; the time it took is printed.
 */
static void
test_transfer_100mb_lossy_both_ways(void **state)
{
	struct fixture *f = *state;
	uint64_t seed = harness_seed(__func__, 4242);
	struct tern_impair_param ab = { .loss = 0.01, .reorder = 0.01, .dup = 0.01, .seed = seed };
	struct tern_impair_param ba = ab;
	struct tern_tcp_stream *l, *a, *b;
	struct tern_tcp_info ia;
	struct tern_stats sa, sb;
	uint64_t total = 100ull << 20, t0, got;
	struct harness *h;

	ba.seed = seed + 1;
	f->h = harness_create_tcp(&ab, &ba, NULL);
	assert_non_null(f->h);
	h = f->h;
	/* connect on a clean wire, then impair (a lost SYN costs only time, not coverage) */
	harness_set_impair(h, HARNESS_A, NULL);
	harness_set_impair(h, HARNESS_B, NULL);
	tcp_pair(h, 4, &l, &a, &b);
	harness_set_impair(h, HARNESS_A, &ab);
	harness_set_impair(h, HARNESS_B, &ba);
	t0 = harness_now(h);
	got = tcp_transfer(h, a, b, total, 101, 3600 * SEC);
	tern_tcp_info(a, &ia);
	sa = harness_stats(h, HARNESS_A);
	sb = harness_stats(h, HARNESS_B);
	printf("100 MB lossy (seed %" PRIu64 "): %" PRIu64 " bytes in %.3f s of virtual time; "
	       "A: %" PRIu64 " lost, %" PRIu64 " retransmitted, %" PRIu64 " fast retransmits, "
	       "%" PRIu64 " RTOs; B: %" PRIu64 " lost, %" PRIu64 " out-of-order\n", seed, got,
	       (double)(harness_now(h) - t0) / SEC, sa.impair_dropped, sa.tcp_retrans_segs,
	       sa.tcp_fast_retrans, sa.tcp_rto_fired, sb.impair_dropped, sb.tcp_ooo_segs);
	if (got != total)
		print_error("seed %" PRIu64 ": only %" PRIu64 " of %" PRIu64 " bytes\n", seed, got,
			    total);
	assert_int_equal(got, total);
	assert_true(sa.impair_dropped > 0 && sb.impair_dropped > 0);
	assert_true(sa.impair_duplicated > 0 && sa.impair_reordered > 0);
	assert_true(sa.tcp_retrans_segs > 0);
	assert_true(sb.tcp_ooo_segs > 0);
	assert_int_equal(ia.bytes_sent, total);
	finish(f, l, a, b);
}

/*
 * RFC 1122 4.2.3.4 (Nagle): while a small segment is unacknowledged, small
 * writes are held and coalesced until its ACK (here, B's delayed ACK).
 */
static void
test_nagle_coalesces_small_writes(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_config cfg = { .delack_ns = 40 * MS };
	struct harness *h = make(f, __func__, &cfg);
	struct tern_tcp_stream *l, *a, *b;
	unsigned int idx[64], n;
	uint8_t buf[1000];
	uint64_t off, delacks;

	tcp_pair(h, 4, &l, &a, &b);
	delacks = STAT(h, HARNESS_B, tcp_delayed_acks);
	cap_start(h, &f->cap);
	for (off = 0; off < sizeof(buf); off += 100) {
		pat_fill(buf, 100, off, 31);
		assert_int_equal(tern_tcp_write(a, buf, 100), 100);
	}
	harness_run(h, 200 * MS);
	assert_int_equal(tern_tcp_read(b, buf, sizeof(buf)), sizeof(buf));
	assert_int_equal(pat_check(buf, sizeof(buf), 0, 31), UINT64_MAX);
	n = data_segs(&f->cap, HARNESS_A, idx, 64);
	/* the first write alone, the other nine in one segment ... */
	assert_int_equal(n, 2);
	assert_int_equal(f->cap.rec[idx[0]].len, 100);
	assert_int_equal(f->cap.rec[idx[1]].len, 900);
	/* ... once B's delayed ACK of the first came back */
	assert_int_equal(f->cap.rec[idx[1]].t - f->cap.rec[idx[0]].t, cfg.delack_ns);
	assert_int_equal(STAT(h, HARNESS_B, tcp_delayed_acks), delacks + 2);
	cap_stop(h, &f->cap);
	finish(f, l, a, b);
}

/* TERN_TCP_F_NODELAY: every small write goes out at once. */
static void
test_nodelay_sends_each_small_write(void **state)
{
	struct fixture *f = *state;
	struct harness *h = make(f, __func__, NULL);
	struct tern_tcp_param p = { .flags = TERN_TCP_F_NODELAY };
	struct tern_tcp_stream *l, *a, *b;
	unsigned int idx[64], n, i;
	uint8_t buf[1000];
	uint64_t off;

	l = tcp_listen_b(h, 4, NULL);
	a = tcp_connect_a(h, 4, &p);
	b = tcp_accept_b(h, l, 10 * MS);
	assert_non_null(b);
	cap_start(h, &f->cap);
	for (off = 0; off < 1000; off += 100) {
		pat_fill(buf, 100, off, 32);
		assert_int_equal(tern_tcp_write(a, buf, 100), 100);
	}
	harness_run(h, 0);
	n = data_segs(&f->cap, HARNESS_A, idx, 64);
	assert_int_equal(n, 10);
	for (i = 0; i < n; i++) {
		assert_int_equal(f->cap.rec[idx[i]].len, 100);
		assert_int_equal(f->cap.rec[idx[i]].t, f->cap.rec[idx[0]].t);
	}
	harness_run(h, 100 * MS);
	assert_int_equal(tern_tcp_read(b, buf, sizeof(buf)), 1000);
	assert_int_equal(pat_check(buf, 1000, 0, 32), UINT64_MAX);
	cap_stop(h, &f->cap);
	finish(f, l, a, b);
}

/* RFC 9293 3.8.6.3 / RFC 1122 4.2.3.2: one segment is ACKed after the delayed-ACK timeout. */
static void
test_delayed_ack_one_segment_waits_delack(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_config cfg = { .delack_ns = 25 * MS };
	struct harness *h = make(f, __func__, &cfg);
	struct tern_tcp_stream *l, *a, *b;
	const struct seg_rec *d, *ack;
	unsigned int idx[4];
	uint64_t delacks;

	tcp_pair(h, 4, &l, &a, &b);
	delacks = STAT(h, HARNESS_B, tcp_delayed_acks);
	cap_start(h, &f->cap);
	assert_int_equal(tern_tcp_write(a, "0123456789", 10), 10);
	harness_run(h, 100 * MS);
	assert_int_equal(data_segs(&f->cap, HARNESS_A, idx, 4), 1);
	d = &f->cap.rec[idx[0]];
	assert_int_equal(cap_count(&f->cap, HARNESS_B, TH_ACK, false), 1);
	ack = cap_last(&f->cap, HARNESS_B);
	assert_int_equal(ack->ack, d->seq + 10);
	assert_int_equal(ack->t - d->t, cfg.delack_ns);
	assert_int_equal(STAT(h, HARNESS_B, tcp_delayed_acks), delacks + 1);
	cap_stop(h, &f->cap);
	assert_int_equal(tern_tcp_read(b, (uint8_t[16]){ 0 }, 16), 10);
	finish(f, l, a, b);
}

/* RFC 9293 3.8.6.3: an ACK for at least every second full segment, without delay. */
static void
test_delayed_ack_two_segments_ack_at_once(void **state)
{
	struct fixture *f = *state;
	struct harness *h = make(f, __func__, NULL);
	struct tern_tcp_stream *l, *a, *b;
	const struct seg_rec *ack;
	struct tern_tcp_info ia;
	unsigned int idx[4];
	uint8_t buf[2 * 1460];
	uint64_t delacks;
	uint32_t len;

	tcp_pair(h, 4, &l, &a, &b);
	tern_tcp_info(a, &ia);
	len = 2u * ia.mss;
	assert_true(len <= sizeof(buf));
	delacks = STAT(h, HARNESS_B, tcp_delayed_acks);
	cap_start(h, &f->cap);
	pat_fill(buf, len, 0, 5);
	assert_int_equal(tern_tcp_write(a, buf, len), len);
	harness_run(h, 100 * MS);
	assert_int_equal(data_segs(&f->cap, HARNESS_A, idx, 4), 2);
	assert_int_equal(cap_count(&f->cap, HARNESS_B, TH_ACK, false), 1);
	ack = cap_last(&f->cap, HARNESS_B);
	assert_int_equal(ack->ack, f->cap.rec[idx[0]].seq + len);
	assert_int_equal(ack->t, f->cap.rec[idx[1]].t);
	assert_int_equal(STAT(h, HARNESS_B, tcp_delayed_acks), delacks);
	cap_stop(h, &f->cap);
	assert_int_equal(tern_tcp_read(b, buf, sizeof(buf)), len);
	assert_int_equal(pat_check(buf, len, 0, 5), UINT64_MAX);
	finish(f, l, a, b);
}

/*
 * A request read and answered before the context's next flush: the answer
 * carries the window the read opened (tcp_stream.c, rcv_window_update()),
 * no segment goes for the window update alone; read without an answer,
 * the update goes at the flush.
 */
static void
test_window_update_rides_on_the_answer(void **state)
{
	struct fixture *f = *state;
	struct harness *h = make(f, __func__, NULL);
	struct tern_tcp_param p = { .flags = TERN_TCP_F_NODELAY };
	struct tern_tcp_stream *l, *a, *b, *a2, *b2;
	const struct seg_rec *r;
	uint8_t buf[64];
	uint64_t t0;

	l = tcp_listen_b(h, 4, NULL);
	a = tcp_connect_a(h, 4, &p);
	b = tcp_accept_b(h, l, 10 * MS);
	assert_non_null(b);
	tern_tcp_set_nodelay(b, true);
	cap_start(h, &f->cap);
	pat_fill(buf, sizeof(buf), 0, 9);
	assert_int_equal(tern_tcp_write(a, buf, sizeof(buf)), sizeof(buf));
	harness_run(h, 0);
	assert_int_equal(cap_count(&f->cap, HARNESS_A, 0, true), 1);
	cap_clear(&f->cap);
	/* B reads (the window opens by more than 2 MSS) and answers at once */
	assert_int_equal(tern_tcp_read(b, buf, sizeof(buf)), sizeof(buf));
	assert_int_equal(tern_tcp_write(b, buf, sizeof(buf)), sizeof(buf));
	harness_run(h, 0);
	assert_int_equal(cap_count(&f->cap, HARNESS_B, 0, false), 1);
	r = cap_last(&f->cap, HARNESS_B);
	assert_int_equal(r->len, sizeof(buf));
	assert_int_equal(tern_tcp_read(a, buf, sizeof(buf)), sizeof(buf));
	/* a second connection: B reads and does not answer, the update goes alone */
	a2 = tcp_connect_a(h, 4, &p);
	b2 = tcp_accept_b(h, l, 10 * MS);
	assert_non_null(b2);
	assert_int_equal(tern_tcp_write(a2, buf, sizeof(buf)), sizeof(buf));
	harness_run(h, 0);
	cap_clear(&f->cap);
	t0 = harness_now(h);
	assert_int_equal(tern_tcp_read(b2, buf, sizeof(buf)), sizeof(buf));
	harness_run(h, 0);
	assert_int_equal(cap_count(&f->cap, HARNESS_B, TH_ACK, false), 1);
	r = cap_last(&f->cap, HARNESS_B);
	assert_int_equal(r->len, 0);
	assert_int_equal(r->t, t0);	/* at the flush, not after the delayed-ACK time */
	cap_stop(h, &f->cap);
	tern_tcp_close(a2);
	tern_tcp_close(b2);
	finish(f, l, a, b);
}

/* Drop the second data segment A sends (its first transmission only). */
static bool
drop_second_data_seg(struct tcp_cap *c, const struct seg_rec *r)
{
	if (r->from != HARNESS_A || r->len == 0)
		return false;
	return ++c->arg == 2;
}

/*
 * RFC 2018 4, RFC 5681 4.2: every segment past a hole is ACKed at once with
 * SACK blocks; three duplicate ACKs bring a fast retransmission.
 */
static void
test_ooo_data_gets_sack_blocks_and_fast_retransmit(void **state)
{
	/* GRO off: each segment past the hole must reach TCP alone to be ACKed alone */
	struct tern_tcp_config gro_off = { .flags = TERN_TCP_CFG_NO_GRO };
	struct fixture *f = *state;
	struct harness *h = make(f, __func__, &gro_off);
	struct tern_tcp_stream *l, *a, *b;
	static uint8_t buf[6 * 1460];
	unsigned int idx[16], i, nsack = 0;
	struct tern_tcp_info ia;
	uint32_t s0, mss, len;
	uint64_t t0;

	tcp_pair(h, 4, &l, &a, &b);
	tern_tcp_info(a, &ia);
	mss = ia.mss;
	len = 6 * mss;
	cap_start(h, &f->cap);
	f->cap.filter = drop_second_data_seg;
	pat_fill(buf, len, 0, 6);
	t0 = harness_now(h);
	assert_int_equal(tern_tcp_write(a, buf, len), len);
	harness_run(h, 0);
	/* six segments, the second lost, then its fast retransmission, at once */
	assert_int_equal(data_segs(&f->cap, HARNESS_A, idx, 16), 7);
	s0 = f->cap.rec[idx[0]].seq;
	assert_true(f->cap.rec[idx[1]].dropped);
	assert_int_equal(f->cap.rec[idx[6]].seq, s0 + mss);
	assert_int_equal(f->cap.rec[idx[6]].t, t0);
	/* B's ACKs after the hole: ACK = the hole, SACK = what came past it */
	for (i = 0; i < f->cap.n; i++) {
		const struct seg_rec *r = &f->cap.rec[i];

		if (r->from != HARNESS_B || r->nb_sack == 0)
			continue;
		assert_true(i < idx[6]);	/* none after the hole is filled */
		nsack++;
		assert_int_equal(r->ack, s0 + mss);
		assert_int_equal(r->sack[0][0], s0 + 2 * mss);
		assert_int_equal(r->sack[0][1], s0 + (2 + nsack) * mss);
	}
	assert_int_equal(STAT(h, HARNESS_B, tcp_ooo_segs), 4);
	/* one duplicate ACK per segment past the hole (RFC 5681 4.2) */
	assert_int_equal(nsack, 4);
	assert_int_equal(STAT(h, HARNESS_A, tcp_fast_retrans), 1);
	assert_int_equal(STAT(h, HARNESS_A, tcp_rto_fired), 0);
	harness_run(h, 10 * MS);
	assert_int_equal(tern_tcp_read(b, buf, sizeof(buf)), len);
	assert_int_equal(pat_check(buf, len, 0, 6), UINT64_MAX);
	printf("hole repaired in %.3f ms\n", (double)(cap_last(&f->cap, HARNESS_A)->t - t0) / MS);
	assert_true(cap_last(&f->cap, HARNESS_A)->t - t0 < 5 * MS);
	cap_stop(h, &f->cap);
	finish(f, l, a, b);
}

/*
 * RFC 9293 3.8.6.1: a zero window is probed, with backoff, while the
 * receiver does not read; the transfer completes once it reads again.
 */
static void
test_zero_window_persist_probes_backoff(void **state)
{
	struct fixture *f = *state;
	struct harness *h = make(f, __func__, NULL);
	struct tern_tcp_param lp = { .rcvbuf = 16384 };
	struct tern_tcp_stream *l, *a, *b;
	struct tern_tcp_info ia;
	static uint8_t buf[65536];
	uint64_t total = 256 * 1024, sent = 0, got = 0, probes;
	uint64_t pt[32];
	unsigned int i, np = 0;
	ssize_t n;

	l = tcp_listen_b(h, 4, &lp);
	a = tcp_connect_a(h, 4, NULL);
	b = tcp_accept_b(h, l, 10 * MS);
	assert_non_null(b);
	cap_start(h, &f->cap);
	while (sent < total) {
		pat_fill(buf, sizeof(buf), sent, 77);
		n = tern_tcp_write(a, buf, sizeof(buf));
		if (n <= 0)
			break;
		sent += (uint64_t)n;
	}
	assert_int_equal(sent, total);
	harness_run(h, 10 * SEC);
	assert_int_equal(tern_tcp_rx_bytes(b), 16384);
	assert_int_equal(cap_last(&f->cap, HARNESS_B)->wnd, 0);
	probes = STAT(h, HARNESS_A, tcp_persist_probes);
	/* probes: a bare ACK one below SND.UNA, B answers with its zero window */
	for (i = 0; i < f->cap.n; i++) {
		const struct seg_rec *r = &f->cap.rec[i];

		if (r->from == HARNESS_A && r->len == 0 && np < RTE_DIM(pt))
			pt[np++] = r->t;
	}
	printf("%" PRIu64 " probes in 10 s at", probes);
	for (i = 0; i < np; i++)
		printf(" %.3f", (double)pt[i] / SEC);
	printf(" s\n");
	assert_true(probes >= 4);
	assert_int_equal(np, probes);
	for (i = 2; i < np; i++)
		assert_int_equal(pt[i] - pt[i - 1], 2 * (pt[i - 1] - pt[i - 2]));
	assert_int_equal(STAT(h, HARNESS_A, tcp_timeouts), 0);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_ESTABLISHED);
	cap_stop(h, &f->cap);
	/* reading resumes: the window opens and the rest follows */
	for (i = 0; i < 10000 && got < total; i++) {
		while ((n = tern_tcp_read(b, buf, sizeof(buf))) > 0) {
			assert_int_equal(pat_check(buf, (size_t)n, got, 77), UINT64_MAX);
			got += (uint64_t)n;
		}
		harness_run(h, MS);
	}
	assert_int_equal(got, total);
	harness_run(h, 100 * MS);
	tern_tcp_info(a, &ia);
	assert_int_equal(ia.unacked, 0);
	finish(f, l, a, b);
}

/* Keepalive probes that are answered keep an idle connection up. */
static void
test_keepalive_answered_keeps_connection(void **state)
{
	struct fixture *f = *state;
	struct harness *h = make(f, __func__, NULL);
	struct tern_tcp_param p = {
		.flags = TERN_TCP_F_KEEPALIVE,
		.keepidle_ns = 2 * SEC,
		.keepintvl_ns = SEC,
		.keepcnt = 2,
	};
	struct tern_tcp_stream *l, *a, *b;
	struct ev_tally ea = { 0 };

	l = tcp_listen_b(h, 4, NULL);
	a = tcp_connect_a(h, 4, &p);
	b = tcp_accept_b(h, l, 10 * MS);
	assert_non_null(b);
	harness_run(h, 9 * SEC);
	/* one probe every idle period, each answered */
	assert_int_equal(STAT(h, HARNESS_A, tcp_keepalive_probes), 4);
	assert_int_equal(STAT(h, HARNESS_A, tcp_timeouts), 0);
	ev_collect(h, HARNESS_A, &ea);
	assert_int_equal(ea.n[TERN_EV_ERROR], 0);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_ESTABLISHED);
	assert_int_equal(tcp_transfer(h, a, b, 10000, 1, SEC), 10000);
	finish(f, l, a, b);
}

/*
 * The peer vanishes (everything it sends is lost): keepcnt probes, keepintvl
 * apart, after keepidle of silence, then ETIMEDOUT at idle + cnt * intvl.
 */
static void
test_keepalive_peer_vanishes_etimedout(void **state)
{
	struct fixture *f = *state;
	struct harness *h = make(f, __func__, NULL);
	const uint64_t idle = 5 * SEC, intvl = SEC;
	const uint32_t cnt = 3;
	struct tern_tcp_param p = {
		.flags = TERN_TCP_F_KEEPALIVE,
		.keepidle_ns = idle,
		.keepintvl_ns = intvl,
		.keepcnt = cnt,
	};
	struct tern_impair_param gone = { .loss = 1.0 };
	struct tern_tcp_stream *l, *a, *b;
	struct ev_tally ea = { 0 };
	uint64_t t_est, t_err = 0;
	unsigned int i, np = 0;

	l = tcp_listen_b(h, 4, NULL);
	a = tcp_connect_a(h, 4, &p);
	b = tcp_accept_b(h, l, 10 * MS);
	assert_non_null(b);
	t_est = harness_now(h) - MS;	/* the handshake was done in the last step */
	harness_set_impair(h, HARNESS_B, &gone);
	cap_start(h, &f->cap);
	ev_collect(h, HARNESS_A, &ea);
	memset(&ea, 0, sizeof(ea));
	for (i = 0; i < 20000 && ea.n[TERN_EV_ERROR] == 0; i++) {
		harness_run(h, MS);
		ev_collect(h, HARNESS_A, &ea);
		t_err = harness_now(h);
	}
	printf("ETIMEDOUT %.3f s after the last segment received (bound %.3f s)\n",
	       (double)(t_err - t_est) / SEC, (double)(idle + cnt * intvl) / SEC);
	assert_int_equal(ea.n[TERN_EV_ERROR], 1);
	assert_int_equal(ea.last_err, -ETIMEDOUT);
	assert_true(t_err >= t_est + idle + cnt * intvl);
	assert_true(t_err <= t_est + idle + cnt * intvl + 3 * MS);
	assert_int_equal(STAT(h, HARNESS_A, tcp_keepalive_probes), cnt);
	assert_int_equal(STAT(h, HARNESS_A, tcp_timeouts), 1);
	/* the probes, keepintvl apart, the first after keepidle */
	for (i = 0; i < f->cap.n; i++) {
		const struct seg_rec *r = &f->cap.rec[i];

		if (r->from != HARNESS_A || r->dropped)
			continue;
		assert_int_equal(r->len, 0);
		assert_true(r->t >= t_est + idle + np * intvl &&
			    r->t <= t_est + idle + np * intvl + 2 * MS);
		np++;
	}
	assert_int_equal(np, cnt);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_CLOSED);
	assert_int_equal(tern_tcp_read(a, (uint8_t[8]){ 0 }, 8), -ETIMEDOUT);
	cap_stop(h, &f->cap);
	finish(f, l, a, b);
}

/*
 * RFC 6298 5.5-5.7: with every ACK lost, the data is retransmitted at
 * intervals that double from the RTO (here rto_min, 200 ms), and after
 * `retries` retransmissions the connection fails with ETIMEDOUT. The first
 * resend is the tail loss probe (RFC 8985 7.2: 2 SRTT plus the worst-case
 * delayed-ACK allowance for a lone segment, 200 ms, capped at the RTO, 200
 * ms here), after which the RTO runs.
 */
static void
test_rto_backoff_doubles_then_etimedout(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_config cfg = { .retries = 6 };
	struct harness *h = make(f, __func__, &cfg);
	struct tern_impair_param gone = { .loss = 1.0 };
	struct tern_tcp_stream *l, *a, *b;
	struct ev_tally ea = { 0 };
	unsigned int idx[16] = { 0 }, n, i;
	uint64_t t_err = 0, expect;
	uint8_t buf[1000];

	tcp_pair(h, 4, &l, &a, &b);
	harness_set_impair(h, HARNESS_B, &gone);
	cap_start(h, &f->cap);
	pat_fill(buf, sizeof(buf), 0, 1);
	assert_int_equal(tern_tcp_write(a, buf, sizeof(buf)), sizeof(buf));
	for (i = 0; i < 60000 && ea.n[TERN_EV_ERROR] == 0; i++) {
		harness_run(h, MS);
		ev_collect(h, HARNESS_A, &ea);
		t_err = harness_now(h);
	}
	n = data_segs(&f->cap, HARNESS_A, idx, 16);
	printf("transmissions at");
	for (i = 0; i < n; i++)
		printf(" %.3f", (double)(f->cap.rec[idx[i]].t - f->cap.rec[idx[0]].t) / SEC);
	printf(" s, ETIMEDOUT at %.3f s\n", (double)(t_err - f->cap.rec[idx[0]].t) / SEC);
	assert_int_equal(n, 2 + cfg.retries);
	/* the probe: PTO after the first transmission */
	assert_true(f->cap.rec[idx[1]].t - f->cap.rec[idx[0]].t >= 200 * MS &&
		    f->cap.rec[idx[1]].t - f->cap.rec[idx[0]].t <= 202 * MS);
	assert_int_equal(f->cap.rec[idx[1]].seq, f->cap.rec[idx[0]].seq);
	assert_int_equal(STAT(h, HARNESS_A, tcp_tlp_probes), 1);
	expect = 200 * MS;
	for (i = 2; i < n; i++, expect *= 2) {
		uint64_t d = f->cap.rec[idx[i]].t - f->cap.rec[idx[i - 1]].t;

		assert_true(d >= expect && d <= expect + MS);
		assert_int_equal(f->cap.rec[idx[i]].seq, f->cap.rec[idx[0]].seq);
	}
	/* the last timeout (the 7th) gives up */
	assert_true(t_err >= f->cap.rec[idx[n - 1]].t + expect &&
		    t_err <= f->cap.rec[idx[n - 1]].t + expect + 2 * MS);
	assert_int_equal(ea.n[TERN_EV_ERROR], 1);
	assert_int_equal(ea.last_err, -ETIMEDOUT);
	assert_int_equal(STAT(h, HARNESS_A, tcp_rto_fired), cfg.retries + 1);
	assert_int_equal(STAT(h, HARNESS_A, tcp_retrans_segs), cfg.retries + 1);
	assert_int_equal(STAT(h, HARNESS_A, tcp_timeouts), 1);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_CLOSED);
	cap_stop(h, &f->cap);
	finish(f, l, a, b);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

/*
 * RFC 1122 4.2.2.17: a receiver that keeps answering zero-window probes
 * keeps the connection open however long its window stays shut; only
 * probes that go unanswered count toward the abort (retries).
 */
static void
test_persist_answered_probes_never_give_up(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_config cfg = { .retries = 3, .rto_max_ns = 2 * SEC };
	struct harness *h = make(f, __func__, &cfg);
	struct tern_tcp_param lp = { .rcvbuf = 16384 };
	struct tern_impair_param gone = { .loss = 1.0 };
	struct tern_tcp_stream *l, *a, *b;
	struct ev_tally ea = { 0 };
	static uint8_t buf[65536];
	uint64_t probes, t0;
	unsigned int i;

	l = tcp_listen_b(h, 4, &lp);
	a = tcp_connect_a(h, 4, NULL);
	b = tcp_accept_b(h, l, 10 * MS);
	assert_non_null(b);
	pat_fill(buf, sizeof(buf), 0, 5);
	assert_int_equal(tern_tcp_write(a, buf, sizeof(buf)), sizeof(buf));
	harness_run(h, 120 * SEC);
	probes = STAT(h, HARNESS_A, tcp_persist_probes);
	printf("%" PRIu64 " answered probes in 120 s (retries %u)\n", probes, cfg.retries);
	assert_true(probes > 4 * (cfg.retries + 1));
	assert_int_equal(STAT(h, HARNESS_A, tcp_timeouts), 0);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_ESTABLISHED);
	/* the receiver vanishes: retries + 1 unanswered probes, then ETIMEDOUT */
	harness_set_impair(h, HARNESS_B, &gone);
	ev_collect(h, HARNESS_A, &ea);
	memset(&ea, 0, sizeof(ea));
	t0 = harness_now(h);
	for (i = 0; i < 60 && ea.n[TERN_EV_ERROR] == 0; i++) {
		harness_run(h, SEC);
		ev_collect(h, HARNESS_A, &ea);
	}
	printf("ETIMEDOUT %.1f s after the receiver vanished, %" PRIu64 " more probes\n",
	       (double)(harness_now(h) - t0) / SEC,
	       STAT(h, HARNESS_A, tcp_persist_probes) - probes);
	assert_int_equal(ea.n[TERN_EV_ERROR], 1);
	assert_int_equal(ea.last_err, -ETIMEDOUT);
	assert_int_equal(STAT(h, HARNESS_A, tcp_persist_probes) - probes, cfg.retries + 1);
	finish(f, l, a, b);
}

/*
 * After shutdown(SHUT_WR) the handle is open: FIN_WAIT_2 lasts past the
 * FIN_WAIT_2 timeout (which applies to closed handles) while the peer is
 * there, data still flows in, and keepalive reports a peer that vanishes
 * with ETIMEDOUT rather than dropping the connection silently.
 */
static void
test_keepalive_in_fin_wait_2_with_handle_open(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_config cfg = { .fin_wait2_ns = SEC };
	struct harness *h = make(f, __func__, &cfg);
	struct tern_tcp_param p = {
		.flags = TERN_TCP_F_KEEPALIVE,
		.keepidle_ns = 2 * SEC,
		.keepintvl_ns = SEC,
		.keepcnt = 2,
	};
	struct tern_impair_param gone = { .loss = 1.0 };
	struct tern_tcp_stream *l, *a, *b;
	struct ev_tally ea = { 0 };
	uint8_t buf[16];
	unsigned int i;

	l = tcp_listen_b(h, 4, NULL);
	a = tcp_connect_a(h, 4, &p);
	b = tcp_accept_b(h, l, 10 * MS);
	assert_non_null(b);
	assert_int_equal(tern_tcp_shutdown(a, SHUT_WR), 0);
	harness_run(h, 10 * MS);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_FIN_WAIT_2);
	harness_run(h, 10 * SEC);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_FIN_WAIT_2);
	assert_true(STAT(h, HARNESS_A, tcp_keepalive_probes) >= 4);
	assert_int_equal(tern_tcp_write(b, "late", 4), 4);
	harness_run(h, 10 * MS);
	assert_int_equal(tern_tcp_read(a, buf, sizeof(buf)), 4);
	/* B vanishes */
	harness_set_impair(h, HARNESS_B, &gone);
	ev_collect(h, HARNESS_A, &ea);
	memset(&ea, 0, sizeof(ea));
	for (i = 0; i < 100 && ea.n[TERN_EV_ERROR] == 0; i++) {
		harness_run(h, 100 * MS);
		ev_collect(h, HARNESS_A, &ea);
	}
	assert_int_equal(ea.n[TERN_EV_ERROR], 1);
	assert_int_equal(ea.last_err, -ETIMEDOUT);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_CLOSED);
	finish(f, l, a, b);
}

static bool
drop_first_data_seg(struct tcp_cap *c, const struct seg_rec *r)
{
	if (r->from != HARNESS_A || r->len == 0)
		return false;
	return ++c->arg == 1;
}

/*
 * A bare FIN past a hole is ACKed at once (a duplicate ACK for the hole)
 * and taken once the hole is filled: the reader sees all data, then EOF.
 */
static void
test_ooo_bare_fin_acked_at_once(void **state)
{
	struct fixture *f = *state;
	struct harness *h = make(f, __func__, NULL);
	struct tern_tcp_stream *l, *a, *b;
	static uint8_t buf[1000];
	const struct seg_rec *fin = NULL, *r;
	uint32_t s0 = 0;
	unsigned int i, nack = 0;

	tcp_pair(h, 4, &l, &a, &b);
	cap_start(h, &f->cap);
	f->cap.filter = drop_first_data_seg;
	pat_fill(buf, sizeof(buf), 0, 9);
	assert_int_equal(tern_tcp_write(a, buf, sizeof(buf)), sizeof(buf));
	harness_run(h, 0);
	assert_int_equal(tern_tcp_shutdown(a, SHUT_WR), 0);
	harness_run(h, 0);
	for (i = 0; i < f->cap.n; i++) {
		r = &f->cap.rec[i];
		if (r->from == HARNESS_A && r->len > 0 && s0 == 0)
			s0 = r->seq;
		if (r->from == HARNESS_A && (r->flags & TH_FIN) && fin == NULL)
			fin = r;
		else if (fin != NULL && r->from == HARNESS_B && r->t == fin->t)
			nack += r->ack == s0;
	}
	assert_non_null(fin);
	assert_int_equal(fin->len, 0);
	assert_int_equal(fin->seq, s0 + sizeof(buf));
	assert_int_equal(nack, 1);	/* the hole, ACKed at once */
	assert_int_equal(tern_tcp_rx_bytes(b), 0);
	harness_run(h, 5 * SEC);	/* the RTO resends the data */
	assert_int_equal(tern_tcp_read(b, buf, sizeof(buf)), sizeof(buf));
	assert_int_equal(pat_check(buf, sizeof(buf), 0, 9), UINT64_MAX);
	assert_int_equal(tern_tcp_read(b, buf, sizeof(buf)), 0);
	assert_int_equal(tern_tcp_state(b), TERN_TCP_CLOSE_WAIT);
	cap_stop(h, &f->cap);
	finish(f, l, a, b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_nagle_coalesces_small_writes),
		T(test_nodelay_sends_each_small_write),
		T(test_delayed_ack_one_segment_waits_delack),
		T(test_delayed_ack_two_segments_ack_at_once),
		T(test_window_update_rides_on_the_answer),
		T(test_ooo_data_gets_sack_blocks_and_fast_retransmit),
		T(test_zero_window_persist_probes_backoff),
		T(test_keepalive_answered_keeps_connection),
		T(test_keepalive_peer_vanishes_etimedout),
		T(test_rto_backoff_doubles_then_etimedout),
		T(test_persist_answered_probes_never_give_up),
		T(test_keepalive_in_fin_wait_2_with_handle_open),
		T(test_ooo_bare_fin_acked_at_once),
		T(test_transfer_100mb_ipv4),
		T(test_transfer_100mb_lossy_both_ways),
	};
	int ret;

	if (harness_eal_init("test_stack_tcp_data") != 0)
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	harness_eal_fini();
	return ret;
}
