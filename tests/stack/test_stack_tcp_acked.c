/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * Acknowledged data is freed late, but not too late (lib/tcp: the context
 * holds up to TCP_ACKED_MAX (8) acknowledged chains; tcp_seg_free_acked(),
 * tcp_acked_flush() and tcp_chains_free() in tcp_output.c), A sending to B
 * through the harness:
 *
 * - once the last ACK of a bulk transfer (software TSO entries) has been
 *   taken, with no input after it, the sender's pool holds again what it
 *   held before the data was queued, but for the frames B has not read
 *   yet: an emptied retransmit queue leaves nothing deferred;
 * - in the middle of a transfer over a long pipe, the mbufs out of the
 *   sender's pool never exceed those of its send and retransmit queues, of
 *   its frames on the wire and in B's receive queue, plus 8 entries' worth
 *   (TSO entries, and entries of one MSS): deferral is bounded;
 * - the deferred chains are freed by the 9th, after an input burst that
 *   acknowledged no entry, on a retransmission timeout and when the
 *   context ends (each from a state where chains wait);
 * - zero-copy sends whose mbufs the application keeps a reference to: once
 *   acknowledged and flushed, each holds its bytes, with reference count 1,
 *   as the one segment it was given as; the application frees them and the
 *   pool is whole;
 * - sends of clones (indirect mbufs): freed with their entry, the direct
 *   mbuf's reference count back, whether the application kept the direct
 *   one or not; entries mixing mbufs of two pools: each back to its own.
 *
 * Every test checks that both pools are back to where they started.
 */
#include <limits.h>

#define TCP_TEST_CAP_FIXTURE
#include "tcp_test.h"

#include "tern_tcp_priv.h"	/* queues and the acknowledged chains: the tests read internals */

#define SEED_DEF	11
/*
 * The rule under test: at most this many acknowledged chains wait
 * (TCP_ACKED_MAX). Not taken from the header, so that a change there is
 * caught by the behaviour, not followed by the tests.
 */
#define ACKED_MAX	8
#define DATA_LEN	1000	/* bytes of an application's mbuf: not a multiple of the MSS */

static struct harness *
make(struct fixture *f, const char *name)
{
	harness_seed(name, SEED_DEF);	/* no impairment here: printed for the record */
	f->h = harness_create_tcp(NULL, NULL, NULL);
	assert_non_null(f->h);
	return f->h;
}

static unsigned int
pool_avail(const struct harness *h, enum harness_side s)
{
	return rte_mempool_avail_count(harness_pool(h, s));
}

/*
 * mbufs taken from a pool for chain @m (linked by next): an indirect one
 * counts with the direct mbuf it holds (an upper bound: that one may be
 * counted elsewhere too).
 */
static unsigned int
chain_cost(const struct rte_mbuf *m)
{
	unsigned int n = 0;

	for (; m != NULL; m = m->next)
		n += RTE_MBUF_DIRECT(m) ? 1 : 2;
	return n;
}

/* What stream @s holds of data to send: its send queue and its retransmit queue. */
static unsigned int
send_side_cost(const struct tern_tcp_stream *s)
{
	const struct tern_tcp_seg *g;
	unsigned int n = chain_cost(s->sndq_head);

	for (g = tcp_rtxq_first(&s->rec->rtxq); g != NULL; g = tcp_rtxq_next(g))
		n += chain_cost(g->m);
	return n;
}

/* mbufs of pool @mp that stream @s holds received (receive queue, and out of order). */
static unsigned int
recv_side_from(const struct tern_tcp_stream *s, const struct rte_mempool *mp)
{
	const struct rte_mbuf *m;
	unsigned int n = 0;

	for (m = s->rcvq_head; m != NULL; m = m->next)
		if (m->pool == mp)
			n++;
	if (s->ooo != NULL)
		n += s->ooo->nb_mbufs;
	return n;
}

/* Read what B has, checking it against pattern @seed from offset *@got. */
static void
read_b(struct tern_tcp_stream *b, uint64_t *got, uint32_t seed)
{
	static uint8_t buf[65536];
	ssize_t n;

	while ((n = tern_tcp_read(b, buf, sizeof(buf))) > 0) {
		uint64_t bad = pat_check(buf, (size_t)n, *got, seed);

		if (bad != UINT64_MAX)
			fail_msg("byte %" PRIu64 " wrong", bad);
		*got += (uint64_t)n;
	}
}

/* Queue what A's send buffer takes of the @total bytes of pattern @seed. */
static void
write_a(struct tern_tcp_stream *a, uint64_t *sent, uint64_t total, uint32_t seed)
{
	static uint8_t buf[65536];
	ssize_t n;

	while (*sent < total) {
		size_t chunk = (size_t)RTE_MIN((uint64_t)sizeof(buf), total - *sent);

		chunk = RTE_MIN(chunk, (size_t)tern_tcp_tx_space(a));
		if (chunk == 0)
			break;
		pat_fill(buf, chunk, *sent, seed);
		n = tern_tcp_write(a, buf, chunk);
		assert_true(n > 0);
		*sent += (uint64_t)n;
	}
}

/* A's everything sent and acknowledged. */
static bool
a_all_acked(const struct tern_tcp_stream *a)
{
	return a->sndq_bytes == 0 && a->snd_una == a->snd_max &&
		tcp_rtxq_first(&a->rec->rtxq) == NULL;
}

/* Close gracefully, A first, and check that nothing is left anywhere. */
static void
close_clean(struct harness *h, struct tern_tcp_stream *l, struct tern_tcp_stream *a,
	    struct tern_tcp_stream *b)
{
	harness_set_tap(h, NULL, NULL);
	tern_tcp_close(a);
	harness_run(h, 10 * MS);
	assert_int_equal(tern_tcp_read(b, (uint8_t[16]){ 0 }, 16), 0);
	tern_tcp_close(b);
	tern_tcp_close(l);
	harness_run(h, 100 * SEC);	/* past TIME_WAIT */
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_A)), 0);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_B)), 0);
	tcp_assert_clean(h);
}

/* Abort both ends (a transfer left half done) and check that nothing is left anywhere. */
static void
abort_clean(struct harness *h, struct tern_tcp_stream *l, struct tern_tcp_stream *a,
	    struct tern_tcp_stream *b)
{
	harness_set_tap(h, NULL, NULL);
	harness_set_wire_delay(h, 0);
	tern_tcp_abort(a);
	tern_tcp_abort(b);
	tern_tcp_close(l);
	harness_run(h, 20 * MS);	/* the delay line empties */
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_A)), 0);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_B)), 0);
	tcp_assert_clean(h);
}

/* ---------------------------------------------------------------------- */

/*
 * 2 MB in software TSO entries over a 10 ms round trip; the test stops the
 * clock at the end of the step in which A took the ACK of its last byte,
 * and makes sure (from the wire) that no frame reached A after that ACK: no
 * input burst without an acknowledged entry flushed A's deferred chains.
 * They were freed when the retransmit queue emptied: A holds nothing, and
 * its pool is short only of the frames B has not read yet.
 */
static void
test_acked_nothing_deferred_once_rtx_queue_empty(void **state)
{
	struct fixture *f = *state;
	struct harness *h = make(f, __func__);
	struct tern_tcp_ctx *tca = tcpc(harness_ctx(h, HARNESS_A));
	struct tern_tcp_stream *l, *a, *b;
	const uint64_t total = 2u << 20;
	const uint32_t seed = 21;
	uint64_t sent = 0, got = 0, t0;
	unsigned int mark, held_b, i, first_full = UINT_MAX, after = 0;
	uint32_t end;

	tcp_pair(h, 4, &l, &a, &b);
	harness_run(h, 10 * MS);
	harness_set_wire_delay(h, 5 * MS);	/* a 10 ms round trip: many of them */
	assert_int_equal(tern_ctx_pending(harness_ctx(h, HARNESS_A)), 0);
	mark = pool_avail(h, HARNESS_A);
	cap_start(h, &f->cap);
	t0 = harness_now(h);
	for (;;) {
		write_a(a, &sent, total, seed);
		harness_run(h, MS);
		if (sent == total && a_all_acked(a))
			break;
		/* once B has it all, no reading: its window updates would reach A */
		if (!(sent == total && a->sndq_bytes == 0 && b->rcv_nxt == a->snd_max))
			read_b(b, &got, seed);
		assert_true(harness_now(h) - t0 < 30 * SEC);
	}
	end = a->snd_max;
	/* no frame reached A after the one that acknowledged everything */
	for (i = 0; i < f->cap.n; i++) {
		const struct seg_rec *r = &f->cap.rec[i];

		if (r->from != HARNESS_B)
			continue;
		if (first_full != UINT_MAX)
			after++;
		else if (r->ack == end)
			first_full = i;
	}
	assert_true(first_full != UINT_MAX);
	if (after != 0)
		fail_msg("%u frames reached A after the ACK of its last byte: the test no longer "
			 "isolates the flush of an emptied retransmit queue", after);
	held_b = recv_side_from(b, harness_pool(h, HARNESS_A));
	printf("2 MB in %.3f s virtual; tso_sw_bytes %" PRIu64 "; at the last ACK: %u deferred, "
	       "%u of A's mbufs out (%u in B's receive queue)\n",
	       (double)(harness_now(h) - t0) / SEC, STAT(h, HARNESS_A, tcp_tso_sw_bytes),
	       tca->nb_acked, mark - pool_avail(h, HARNESS_A), held_b);
	assert_true(STAT(h, HARNESS_A, tcp_tso_sw_bytes) > total / 2);
	assert_int_equal(tca->nb_acked, 0);
	assert_int_equal(tern_ctx_pending(harness_ctx(h, HARNESS_A)), 0);
	assert_int_equal(mark - pool_avail(h, HARNESS_A), held_b);
	/* and once B read them, all of it */
	read_b(b, &got, seed);
	assert_int_equal(got, total);
	assert_int_equal(pool_avail(h, HARNESS_A), mark);
	harness_set_wire_delay(h, 0);
	harness_run(h, 10 * MS);	/* the delay line empties */
	close_clean(h, l, a, b);
}

/*
 * The watch of deferral_bounded(): frames delivered by sender (what A sent
 * and B has not had is on the wire or the delay line), and the bound
 * checked at every sample.
 */
struct bound_watch {
	struct harness *h;
	struct tern_tcp_stream *a, *b;
	unsigned int mark;		/* A's pool before the data */
	uint64_t base_a;		/* frames A had sent then */
	uint64_t delivered[HARNESS_NB_SIDES];
	unsigned int max_cost;		/* most mbufs of one frame from A */
	unsigned int bound_deferred;	/* ACKED_MAX entries' worth */
	uint64_t samples, deferred_samples, over;
	int max_extra;			/* most mbufs out beyond what is accounted for */
	int max_deferred;		/* most mbufs of A's deferred chains */
};

/* Sample: the mbufs out of A's pool against the bound. */
static void
bound_sample(struct bound_watch *bw, const char *where)
{
	struct tern_tcp_ctx *tc = tcpc(harness_ctx(bw->h, HARNESS_A));
	unsigned int out = bw->mark - pool_avail(bw->h, HARNESS_A);
	unsigned int queued = send_side_cost(bw->a);
	unsigned int wire = (unsigned int)(harness_frames_sent(bw->h, HARNESS_A) - bw->base_a -
					   bw->delivered[HARNESS_A]) * RTE_MAX(bw->max_cost, 1u);
	unsigned int held_b = recv_side_from(bw->b, harness_pool(bw->h, HARNESS_A));
	unsigned int known = queued + wire + held_b, i;
	int extra = (int)out - (int)known, deferred = 0;

	for (i = 0; i < tc->nb_acked; i++)
		deferred += (int)chain_cost(tc->acked[i]);
	bw->samples++;
	if (deferred > 0)
		bw->deferred_samples++;
	if (deferred > bw->max_deferred)
		bw->max_deferred = deferred;
	if (extra > bw->max_extra)
		bw->max_extra = extra;
	if (out > known + bw->bound_deferred && bw->over++ == 0)
		print_error("%s at %.3f s: %u of A's mbufs out: %u queued, %u on the wire, %u at "
			    "B, %u deferred at most; %u more (%u chains deferred)\n", where,
			    (double)harness_now(bw->h) / SEC, out, queued, wire, held_b,
			    bw->bound_deferred, out - known - bw->bound_deferred, tc->nb_acked);
}

/* Count the frames; before B's go to A (A between two input bursts), sample. */
static bool
bound_tap(void *arg, enum harness_side from, struct rte_mbuf *m, uint64_t now_ns)
{
	struct bound_watch *bw = arg;
	unsigned int c = chain_cost(m);

	RTE_SET_USED(now_ns);
	if (from == HARNESS_B)
		bound_sample(bw, "before an input burst");
	bw->delivered[from]++;
	if (from == HARNESS_A && c > bw->max_cost)
		bw->max_cost = c;
	return false;
}

/*
 * 8 MB over a 10 ms round trip (the harness's delay line), B's window
 * (256 KB) smaller than A's send buffer (1 MB): A always has data waiting,
 * and the ACKs of a window come back in many input bursts. Before every
 * frame B sends reaches A, and after every 1 ms step, the mbufs out of A's
 * pool are at most: its send queue and retransmit queue (an indirect mbuf
 * counted with its direct one), its frames not yet delivered (at most the
 * largest frame's mbufs each), its frames in B's receive queue, and
 * ACKED_MAX entries' worth: an entry holds at most tso_max / mss + 1 mbufs
 * (one MSS each, as tern_tcp_write() fills them; 1 without TSO) and one
 * direct mbuf held by an indirect one.
 */
static void
deferral_bounded(void **state, const char *name, uint32_t cfg_flags)
{
	struct fixture *f = *state;
	struct tern_tcp_config cfg = { .flags = cfg_flags };
	struct tern_tcp_param lp = { .rcvbuf = 256 * 1024 };
	struct tern_tcp_stream *l, *a, *b;
	const uint64_t total = 8u << 20;
	const uint32_t seed = 22, tso_max = 64000;	/* tern_tcp_config's default */
	bool tso = !(cfg_flags & TERN_TCP_CFG_NO_TSO);
	struct bound_watch bw;
	uint64_t sent = 0, got = 0, t0;
	struct harness *h;

	harness_seed(name, SEED_DEF);
	h = f->h = harness_create_tcp(NULL, NULL, &cfg);
	assert_non_null(h);
	l = tcp_listen_b(h, 4, &lp);
	a = tcp_connect_a(h, 4, NULL);
	b = tcp_accept_b(h, l, 5 * SEC);
	assert_non_null(b);
	harness_run(h, 10 * MS);
	harness_set_wire_delay(h, 5 * MS);
	memset(&bw, 0, sizeof(bw));
	bw.h = h;
	bw.a = a;
	bw.b = b;
	bw.bound_deferred = ACKED_MAX * ((tso ? tso_max / a->mss + 1 : 1) + 1);
	bw.mark = pool_avail(h, HARNESS_A);
	bw.base_a = harness_frames_sent(h, HARNESS_A);
	harness_set_tap(h, bound_tap, &bw);
	t0 = harness_now(h);
	while (got < total) {
		write_a(a, &sent, total, seed);
		harness_run(h, MS);
		bound_sample(&bw, "after a step");
		read_b(b, &got, seed);
		assert_true(harness_now(h) - t0 < 60 * SEC);
	}
	printf("8 MB in %.3f s virtual; %" PRIu64 " samples, %" PRIu64 " with chains deferred, "
	       "at most %d mbufs in them; at most %d mbufs out beyond the queues, the wire and "
	       "B (bound %u)\n", (double)(harness_now(h) - t0) / SEC, bw.samples,
	       bw.deferred_samples, bw.max_deferred, bw.max_extra, bw.bound_deferred);
	assert_int_equal(bw.over, 0);
	/* chains were deferred: the bound was put to the test */
	assert_true(bw.deferred_samples > 0);
	if (tso)
		assert_true(STAT(h, HARNESS_A, tcp_tso_sw_bytes) > total / 2);
	else
		assert_int_equal(STAT(h, HARNESS_A, tcp_tso_sw_bytes), 0);
	harness_run(h, 100 * MS);
	assert_int_equal(pool_avail(h, HARNESS_A), bw.mark);
	close_clean(h, l, a, b);
}

/* Entries of up to 64,000 bytes (software TSO). */
static void
test_acked_deferral_bounded_mid_transfer_tso(void **state)
{
	deferral_bounded(state, __func__, 0);
}

/*
 * Entries of one MSS (no TSO): an ACK frees whole entries, many an input
 * burst, so the cap itself bounds what waits.
 */
static void
test_acked_deferral_bounded_mid_transfer_one_mss_entries(void **state)
{
	deferral_bounded(state, __func__, TERN_TCP_CFG_NO_TSO);
}

/*
 * A transfer of pattern @seed as in deferral_bounded()
 * (10 ms round trip, B's window 256 KB), stopped at the end of the first
 * 1 ms step after which A holds acknowledged chains, with data in flight.
 */
static void
run_until_deferred(struct harness *h, struct tern_tcp_stream **l, struct tern_tcp_stream **a,
		   struct tern_tcp_stream **b, uint32_t seed)
{
	struct tern_tcp_param lp = { .rcvbuf = 256 * 1024 };
	struct tern_tcp_ctx *tca = tcpc(harness_ctx(h, HARNESS_A));
	const uint64_t total = 8u << 20;
	uint64_t sent = 0, got = 0, t0;

	*l = tcp_listen_b(h, 4, &lp);
	*a = tcp_connect_a(h, 4, NULL);
	*b = tcp_accept_b(h, *l, 5 * SEC);
	assert_non_null(*b);
	harness_run(h, 10 * MS);
	harness_set_wire_delay(h, 5 * MS);
	t0 = harness_now(h);
	for (;;) {
		write_a(*a, &sent, total, seed);
		harness_run(h, MS);
		if (tca->nb_acked > 0 && tcp_rtxq_first(&(*a)->rec->rtxq) != NULL)
			break;
		read_b(*b, &got, seed);
		if (got == total || harness_now(h) - t0 > 10 * SEC)
			fail_msg("no step ended with chains deferred");
	}
	printf("at %.3f s: %u chains deferred (%u mbufs pending at A)\n",
	       (double)(harness_now(h) - t0) / SEC, tca->nb_acked,
	       tern_ctx_pending(harness_ctx(h, HARNESS_A)));
}

/*
 * An ACK from @from's stream @s to @peer that acknowledges nothing @peer
 * does not know acknowledged: a duplicate.
 */
static struct rte_mbuf *
dup_ack(struct harness *h, enum harness_side from, const struct tern_tcp_stream *s,
	const struct tern_tcp_stream *peer)
{
	struct seg_out o = {
		.from = from, .family = 4, .sport = tcp_lport(s), .dport = tcp_lport(peer),
		.seq = s->snd_nxt, .ack = peer->snd_una, .flags = TH_ACK,
		.wnd = (uint16_t)((s->rcv_adv - s->rcv_nxt) >> s->rcv_ws),
		.ts = true, .tsval = peer->ts_recent, .tsecr = s->ts_recent,
	};

	return seg_build(h, &o);
}

/*
 * A holds acknowledged chains; one input burst that acknowledges no entry
 * (B's ACK again: a duplicate) and they are freed.
 */
static void
test_acked_flushed_after_input_burst_acking_no_entry(void **state)
{
	struct fixture *f = *state;
	struct harness *h = make(f, __func__);
	struct tern_tcp_ctx *tca = tcpc(harness_ctx(h, HARNESS_A));
	struct tern_tcp_stream *l, *a, *b;
	unsigned int before, pending;
	uint32_t una;
	uint64_t in0, paws0;

	run_until_deferred(h, &l, &a, &b, 31);
	before = pool_avail(h, HARNESS_A);
	pending = tern_ctx_pending(harness_ctx(h, HARNESS_A));
	una = a->snd_una;
	in0 = STAT(h, HARNESS_A, tcp_in_segs);
	paws0 = STAT(h, HARNESS_A, tcp_paws_rejects);
	harness_inject(h, HARNESS_A, dup_ack(h, HARNESS_B, b, a));
	/* taken, acknowledging nothing new */
	assert_int_equal(STAT(h, HARNESS_A, tcp_in_segs), in0 + 1);
	assert_int_equal(STAT(h, HARNESS_A, tcp_paws_rejects), paws0);
	assert_int_equal(a->snd_una, una);
	assert_int_equal(tca->nb_acked, 0);
	/* the chains went back to the pool, and nothing else moved */
	assert_int_equal(tern_ctx_pending(harness_ctx(h, HARNESS_A)) + pool_avail(h, HARNESS_A),
			 pending + before);
	assert_true(pool_avail(h, HARNESS_A) > before);
	abort_clean(h, l, a, b);
}

/* Drop what B sends: A gets no input at all. */
static bool
drop_b_tap(void *arg, enum harness_side from, struct rte_mbuf *m, uint64_t now_ns)
{
	RTE_SET_USED(arg);
	RTE_SET_USED(m);
	RTE_SET_USED(now_ns);
	return from == HARNESS_B;
}

/*
 * A holds acknowledged chains and B falls silent: nothing frees them until
 * the retransmission timeout, which does.
 */
static void
test_acked_flushed_on_rto(void **state)
{
	struct fixture *f = *state;
	struct harness *h = make(f, __func__);
	struct tern_tcp_ctx *tca = tcpc(harness_ctx(h, HARNESS_A));
	struct tern_tcp_stream *l, *a, *b;
	unsigned int nb;
	uint64_t rto0, t0;

	run_until_deferred(h, &l, &a, &b, 32);
	nb = tca->nb_acked;
	rto0 = STAT(h, HARNESS_A, tcp_rto_fired);
	harness_set_tap(h, drop_b_tap, NULL);
	t0 = harness_now(h);
	while (STAT(h, HARNESS_A, tcp_rto_fired) == rto0) {
		/* no input: they wait */
		assert_int_equal(tca->nb_acked, nb);
		harness_run(h, MS);
		assert_true(harness_now(h) - t0 < 5 * SEC);
	}
	printf("RTO after %.3f s\n", (double)(harness_now(h) - t0) / SEC);
	assert_int_equal(tca->nb_acked, 0);
	abort_clean(h, l, a, b);
}

/*
 * One MSS an entry (no TSO), ten of them in flight (the initial window),
 * B's ACKs lost; then one ACK for the first nine: the ninth chain frees the
 * eight before it, and A's pool is short of at most ACKED_MAX entries'
 * mbufs (one each) beyond its queues and B's receive queue.
 */
static void
test_acked_ninth_chain_frees_the_eight_before(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_config cfg = { .flags = TERN_TCP_CFG_NO_TSO };
	struct harness *h;
	struct tern_tcp_ctx *tca;
	struct tern_tcp_stream *l, *a, *b;
	const struct tern_tcp_seg *g;
	unsigned int mark, n, out, known;
	uint64_t sent = 0;
	uint32_t ack = 0;
	struct seg_out o;

	harness_seed(__func__, SEED_DEF);
	h = f->h = harness_create_tcp(NULL, NULL, &cfg);
	assert_non_null(h);
	tca = tcpc(harness_ctx(h, HARNESS_A));
	tcp_pair(h, 4, &l, &a, &b);
	harness_run(h, 10 * MS);
	mark = pool_avail(h, HARNESS_A);
	harness_set_tap(h, drop_b_tap, NULL);
	write_a(a, &sent, 100 * a->mss, 34);
	harness_run(h, 0);
	/* the entries in flight, one mbuf each; the end of the ninth */
	for (n = 0, g = tcp_rtxq_first(&a->rec->rtxq); g != NULL; g = tcp_rtxq_next(g)) {
		assert_int_equal(chain_cost(g->m), 1);
		if (++n == ACKED_MAX + 1)
			ack = g->seq + g->len;
	}
	printf("%u entries in flight\n", n);
	assert_true(n > ACKED_MAX + 1);
	assert_int_equal(tca->nb_acked, 0);
	memset(&o, 0, sizeof(o));
	o.from = HARNESS_B;
	o.family = 4;
	o.sport = tcp_lport(b);
	o.dport = tcp_lport(a);
	o.seq = b->snd_nxt;
	o.ack = ack;
	o.flags = TH_ACK;
	o.wnd = (uint16_t)((b->rcv_adv - b->rcv_nxt) >> b->rcv_ws);
	o.ts = true;
	o.tsval = a->ts_recent;
	o.tsecr = b->ts_recent;
	harness_inject(h, HARNESS_A, seg_build(h, &o));
	assert_int_equal(a->snd_una, ack);
	assert_non_null(tcp_rtxq_first(&a->rec->rtxq));
	out = mark - pool_avail(h, HARNESS_A);
	known = send_side_cost(a) + recv_side_from(b, harness_pool(h, HARNESS_A));
	printf("%u chains deferred; %u of A's mbufs out, %u in its queues and at B\n",
	       tca->nb_acked, out, known);
	assert_true(tca->nb_acked <= ACKED_MAX);
	/* the eight before went back: not all nine wait */
	assert_true(out <= known + ACKED_MAX);
	abort_clean(h, l, a, b);
}

/* A holds acknowledged chains when the contexts end: they are freed with A's. */
static void
test_acked_flushed_at_context_end(void **state)
{
	struct fixture *f = *state;
	struct harness *h = make(f, __func__);
	struct tern_tcp_stream *l, *a, *b;

	run_until_deferred(h, &l, &a, &b, 33);
	/* the connections still up: the context's end frees what waits */
	assert_true(tcpc(harness_ctx(h, HARNESS_A))->nb_acked > 0);
	f->h = NULL;
	/* 0: every mbuf of both pools came back */
	assert_int_equal(harness_destroy(h), 0);
}

/*
 * A stream that ends (here aborted by the application) takes the context's
 * deferred chains with it: nothing waits for more input or the context's
 * end once its data has nowhere to go.
 */
static void
test_acked_flushed_when_stream_ends(void **state)
{
	struct fixture *f = *state;
	struct harness *h = make(f, __func__);
	struct tern_tcp_stream *l, *a, *b;

	run_until_deferred(h, &l, &a, &b, 35);
	assert_true(tcpc(harness_ctx(h, HARNESS_A))->nb_acked > 0);
	tern_tcp_abort(a);
	assert_int_equal(tcpc(harness_ctx(h, HARNESS_A))->nb_acked, 0);
	tern_tcp_abort(b);
	tern_tcp_close(l);
	f->h = NULL;
	assert_int_equal(harness_destroy(h), 0);
}

/* mbufs of @len bytes of pattern @seed from stream offset @off on, from pool @mp. */
static struct rte_mbuf *
pat_mbuf(struct rte_mempool *mp, uint16_t len, uint64_t off, uint32_t seed)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t *p;

	assert_non_null(m);
	p = (uint8_t *)rte_pktmbuf_append(m, len);
	assert_non_null(p);
	pat_fill(p, len, off, seed);
	return m;
}

/* What the application remembers of an mbuf it sent: where its bytes are. */
struct kept {
	struct rte_mbuf *m;
	uint16_t data_off;
	uint16_t len;
	uint64_t off;		/* stream offset of its first byte */
};

/* How the application sends its mbufs (zero_copy()). */
enum zc_mode {
	ZC_GIVE,	/* handed over, forgotten */
	ZC_KEEP_REF,	/* rte_mbuf_refcnt_update(m, 1) first: the application keeps it */
	ZC_CLONE_KEEP,	/* a clone (indirect) sent, the direct one kept */
	ZC_CLONE_DROP,	/* a clone sent, the direct one freed at once */
};

/* Send what the application prepared in @k[*@next..@n) as far as A takes it. */
static void
send_kept(struct tern_tcp_stream *a, struct kept *k, unsigned int n, unsigned int *next,
	  enum zc_mode mode, struct rte_mempool *mp)
{
	bool clone = mode == ZC_CLONE_KEEP || mode == ZC_CLONE_DROP;

	while (*next < n) {
		struct rte_mbuf *m = k[*next].m;

		if (clone) {
			m = rte_pktmbuf_clone(k[*next].m, mp);
			assert_non_null(m);
			assert_false(RTE_MBUF_DIRECT(m));
		}
		if (tern_tcp_send_burst(a, &m, 1) != 1) {
			assert_int_equal(rte_errno, EAGAIN);
			if (clone)
				rte_pktmbuf_free(m);
			break;
		}
		if (mode == ZC_GIVE)
			k[*next].m = NULL;
		if (mode == ZC_CLONE_DROP) {
			rte_pktmbuf_free(k[*next].m);	/* the clone holds it */
			k[*next].m = NULL;
		}
		(*next)++;
	}
}

/*
 * Send @n mbufs of DATA_LEN bytes (zero copy) as @mode says, from A's pool,
 * or if @two_pools every other one from B's (clones always from A's). Run
 * until all is acknowledged and A holds nothing deferred. Then every mbuf
 * the application kept has reference count 1 and its bytes where they
 * were; it frees them, and both pools hold what they held before.
 */
static void
zero_copy(void **state, const char *name, unsigned int n, enum zc_mode mode, bool two_pools)
{
	struct fixture *f = *state;
	struct harness *h = make(f, name);
	struct rte_mempool *mpa = harness_pool(h, HARNESS_A), *mpb = harness_pool(h, HARNESS_B);
	struct tern_tcp_stream *l, *a, *b;
	const uint32_t seed = 23;
	struct kept *k = calloc(n, sizeof(*k));
	uint64_t got = 0, total = (uint64_t)n * DATA_LEN, t0;
	unsigned int mark_a, mark_b, i, next = 0, kept = 0;
	bool keep = mode == ZC_KEEP_REF || mode == ZC_CLONE_KEEP;

	assert_non_null(k);
	tcp_pair(h, 4, &l, &a, &b);
	harness_run(h, 10 * MS);
	mark_a = pool_avail(h, HARNESS_A);
	mark_b = pool_avail(h, HARNESS_B);
	for (i = 0; i < n; i++) {
		k[i].off = (uint64_t)i * DATA_LEN;
		k[i].m = pat_mbuf(two_pools && i % 2 == 1 ? mpb : mpa, DATA_LEN, k[i].off, seed);
		k[i].data_off = k[i].m->data_off;
		k[i].len = k[i].m->data_len;
		if (mode == ZC_KEEP_REF)
			rte_mbuf_refcnt_update(k[i].m, 1);	/* the application's own */
	}
	t0 = harness_now(h);
	while (!(next == n && a_all_acked(a))) {
		send_kept(a, k, n, &next, mode, mpa);
		harness_run(h, MS);
		read_b(b, &got, seed);
		assert_true(harness_now(h) - t0 < 30 * SEC);
	}
	/* at the end of the step that acknowledged all: nothing waits at A */
	assert_int_equal(tcpc(harness_ctx(h, HARNESS_A))->nb_acked, 0);
	assert_int_equal(tern_ctx_pending(harness_ctx(h, HARNESS_A)), 0);
	read_b(b, &got, seed);
	assert_int_equal(got, total);
	harness_run(h, 0);	/* B's window updates to A */
	assert_int_equal(tern_ctx_pending(harness_ctx(h, HARNESS_A)), 0);
	assert_int_equal(tern_ctx_pending(harness_ctx(h, HARNESS_B)), 0);
	printf("%u mbufs of %u bytes sent (mode %d)%s; tso_sw_bytes %" PRIu64 "\n", n,
	       DATA_LEN, mode, two_pools ? ", from two pools" : "",
	       STAT(h, HARNESS_A, tcp_tso_sw_bytes));
	assert_true(STAT(h, HARNESS_A, tcp_tso_sw_bytes) > 0);
	if (keep) {
		unsigned int chained = 0, moved = 0, first = UINT_MAX;

		/* A let go of every one: only the application's are out */
		assert_int_equal((mark_a - pool_avail(h, HARNESS_A)) +
				 (mark_b - pool_avail(h, HARNESS_B)), n);
		for (i = 0; i < n; i++) {
			struct rte_mbuf *m = k[i].m;
			const uint8_t *p = (const uint8_t *)m->buf_addr + k[i].data_off;

			assert_int_equal(rte_mbuf_refcnt_read(m), 1);
			assert_true(RTE_MBUF_DIRECT(m));
			if (pat_check(p, k[i].len, k[i].off, seed) != UINT64_MAX)
				fail_msg("mbuf %u: its bytes changed", i);
			/* what it says it holds is (a part of) what it held */
			if (m->data_off < k[i].data_off ||
			    m->data_off + m->data_len > k[i].data_off + k[i].len)
				fail_msg("mbuf %u: data_off %u data_len %u outside what it held",
					 i, m->data_off, m->data_len);
			if (m->data_off != k[i].data_off || m->data_len != k[i].len)
				moved++;
			/*
			 * One segment, as the application gave it, or rte_pktmbuf_free()
			 * frees what it is chained to as well. Counted, unchained here
			 * so that the rest of the test stands, and failed below.
			 */
			if (m->next != NULL || m->nb_segs != 1) {
				if (chained++ == 0)
					first = i;
				m->next = NULL;
				m->nb_segs = 1;
			}
			rte_pktmbuf_free(m);
			kept++;
		}
		printf("kept mbufs: %u of %u left chained (next set, nb_segs > 1), %u with "
		       "data_off / data_len changed\n", chained, kept, moved);
		assert_int_equal(pool_avail(h, HARNESS_A), mark_a);
		assert_int_equal(pool_avail(h, HARNESS_B), mark_b);
		if (chained > 0)
			fail_msg("%u of the %u mbufs the application kept (refcnt 1, its own "
				 "again) are still chained to others, the first mbuf %u: freeing "
				 "them with rte_pktmbuf_free() would free those too", chained, n,
				 first);
	}
	assert_int_equal(pool_avail(h, HARNESS_A), mark_a);
	assert_int_equal(pool_avail(h, HARNESS_B), mark_b);
	free(k);
	close_clean(h, l, a, b);
}

/* Zero-copy sends kept by the application: theirs again, whole, once acknowledged. */
static void
test_acked_zero_copy_kept_mbufs_returned_whole(void **state)
{
	zero_copy(state, __func__, 2000, ZC_KEEP_REF, false);
}

/* Clones sent, the direct mbufs kept: their reference counts back to 1. */
static void
test_acked_indirect_entries_freed_direct_kept(void **state)
{
	zero_copy(state, __func__, 2000, ZC_CLONE_KEEP, false);
}

/* Clones sent, the direct mbufs dropped: freed with the clones, the pool whole. */
static void
test_acked_indirect_entries_freed_direct_dropped(void **state)
{
	zero_copy(state, __func__, 2000, ZC_CLONE_DROP, false);
}

/* Entries mixing mbufs of two pools: each goes back to its own. */
static void
test_acked_mbufs_of_two_pools_back_to_their_own(void **state)
{
	zero_copy(state, __func__, 2000, ZC_GIVE, true);
}

/* Clones of direct mbufs from two pools, the directs dropped: each back to its own. */
static void
test_acked_indirect_of_two_pools_back_to_their_own(void **state)
{
	zero_copy(state, __func__, 2000, ZC_CLONE_DROP, true);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_acked_nothing_deferred_once_rtx_queue_empty),
		T(test_acked_deferral_bounded_mid_transfer_tso),
		T(test_acked_deferral_bounded_mid_transfer_one_mss_entries),
		T(test_acked_flushed_after_input_burst_acking_no_entry),
		T(test_acked_flushed_on_rto),
		T(test_acked_flushed_at_context_end),
		T(test_acked_flushed_when_stream_ends),
		T(test_acked_ninth_chain_frees_the_eight_before),
		T(test_acked_zero_copy_kept_mbufs_returned_whole),
		T(test_acked_indirect_entries_freed_direct_kept),
		T(test_acked_indirect_entries_freed_direct_dropped),
		T(test_acked_mbufs_of_two_pools_back_to_their_own),
		T(test_acked_indirect_of_two_pools_back_to_their_own),
	};
	int ret;

	if (harness_eal_init("test_stack_tcp_acked") != 0)
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	harness_eal_fini();
	return ret;
}
