/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * TCP loss recovery between two stacks through the harness:
 *
 * - 100 MB transfers checked byte for byte at 0, 1, 5, 10 and 30 % random
 *   loss with 1 % reordering and 1 % duplication, SACK and non-SACK peers,
 *   each within a bound of virtual time stated and justified below;
 * - recovery scenarios, one test each, named for the RFC clause: fast
 *   retransmit of a single loss, several losses in one window, a lost
 *   retransmission found by RACK, a tail loss repaired by a probe, a
 *   spurious retransmission undone by D-SACK, lost ACKs, NewReno's partial
 *   ACK and limited transmit for peers without SACK;
 * - the work per ACK (tree nodes visited plus segments walked) with 1,000
 *   and with 100,000 segments in flight: it grows like log n, not like n.
 *
 * The wire is a delay line (harness_set_wire_delay(): both directions, no
 * limit on what it holds) so that round trips are realistic; losses of the
 * scenarios are made by a tap on the wire that drops (or holds back) chosen
 * data segments, by their index in the stream. Segments are MSS-sized
 * (no TSO, no GRO where the build has them), so that an index is a packet.
 */
#include "tcp_test.h"

#include <math.h>

#include "tern_tcp_priv.h"	/* rtxq.visits, snd_nxt: the tests read internals */

#ifdef TERN_TCP_CFG_NO_TSO
#define LOSS_CFG_FLAGS	(TERN_TCP_CFG_NO_TSO | TERN_TCP_CFG_NO_GRO)
#else
#define LOSS_CFG_FLAGS	0u
#endif

#define DELAY		(10 * MS)	/* one way: a 20 ms round trip */
#define RTT		(2 * DELAY)
#define NSEG		4096		/* data segments a scenario tap tells apart */
#define NHOLD		4

static void dbg_state(const char *what, struct harness *h, const struct tern_tcp_stream *s);

/* ---------------------------------------------------------------------- */
/* A tap on the wire: records, drops and holds data segments by index. */

struct ltap {
	struct tcp_cap c;		/* what crossed the wire (if record) */
	struct harness *h;
	bool record;
	uint32_t base;			/* sequence number of the first data byte */
	uint32_t mss;			/* data bytes per segment; 0: no index */
	uint8_t drop[NSEG];		/* transmissions of segment k to lose, from the first */
	uint8_t hold[NSEG];		/* then transmissions to hold back (copied, not delivered) */
	uint16_t ntx[NSEG];		/* transmissions of segment k seen */
	struct rte_mbuf *held[NHOLD];	/* frames held back, in order, for harness_inject() */
	unsigned int nb_held;
	bool lose_b;			/* lose everything B sends */
	/* periodic loss: every `every`-th first transmission while `window` lasts */
	uint64_t every;
	uint64_t window;
	uint64_t first_tx;		/* first transmissions seen */
	uint64_t nb_periodic;		/* of them dropped */
	uint32_t high;			/* end of the highest data seen */
	bool have_high;
};

static void
rec_add(struct ltap *t, const struct seg_rec *r)
{
	struct tcp_cap *c = &t->c;

	if (c->n == c->cap) {
		unsigned int nc = c->cap ? c->cap * 2 : 1024;
		struct seg_rec *nr = realloc(c->rec, nc * sizeof(*nr));

		if (nr == NULL)
			return;
		c->rec = nr;
		c->cap = nc;
	}
	c->rec[c->n++] = *r;
}

static bool
ltap_fn(void *arg, enum harness_side from, struct rte_mbuf *m, uint64_t now_ns)
{
	struct ltap *t = arg;
	struct seg_rec r;
	bool drop = false, hold = false;

	if (!seg_parse(m, &r))
		return false;
	r.t = now_ns;
	r.from = (uint8_t)from;
	if (from == HARNESS_B && t->lose_b)
		drop = true;
	if (from == HARNESS_A && r.len > 0) {
		uint32_t off = r.seq - t->base;

		if (!t->have_high || (int32_t)(r.seq - t->high) >= 0) {
			/* a first transmission */
			t->high = r.seq + r.len;
			t->have_high = true;
			t->first_tx++;
			if (t->window > 0) {
				t->window--;
				if (t->first_tx % t->every == 0) {
					drop = true;
					t->nb_periodic++;
				}
			}
		}
		if (t->mss != 0 && off % t->mss == 0 && off / t->mss < NSEG) {
			uint32_t k = off / t->mss;
			unsigned int n = t->ntx[k]++;

			if (n < t->drop[k])
				drop = true;
			else if (n < (unsigned int)t->drop[k] + t->hold[k] && t->nb_held < NHOLD)
				hold = true;
		}
	}
	if (hold) {
		struct rte_mbuf *cp = rte_pktmbuf_copy(m, harness_pool(t->h, HARNESS_B), 0,
						       UINT32_MAX);

		if (cp != NULL)
			t->held[t->nb_held++] = cp;
	}
	r.dropped = drop || hold;
	if (t->record)
		rec_add(t, &r);
	return drop || hold;
}

/* Segment index of stream offset @seq, or -1. */
static int
seg_idx(const struct ltap *t, uint32_t seq)
{
	uint32_t off = seq - t->base;

	return t->mss != 0 && off % t->mss == 0 && off / t->mss < NSEG ? (int)(off / t->mss) : -1;
}

/* Records of A's transmissions of data segment @k, in order: @return how many (<= @max). */
static unsigned int
tx_of(const struct ltap *t, int k, const struct seg_rec **out, unsigned int max)
{
	unsigned int i, n = 0;

	for (i = 0; i < t->c.n && n < max; i++)
		if (t->c.rec[i].from == HARNESS_A && t->c.rec[i].len > 0 &&
		    seg_idx(t, t->c.rec[i].seq) == k)
			out[n++] = &t->c.rec[i];
	return n;
}

/* Data segments A put on the wire (recorded by the tap). */
static unsigned int
t_data_segs(const struct tcp_cap *c)
{
	unsigned int i, n = 0;

	for (i = 0; i < c->n; i++)
		n += c->rec[i].from == HARNESS_A && c->rec[i].len > 0;
	return n;
}

/* Data segments A sent more than once, counted per transmission after the first. */
static unsigned int
wire_retransmissions(const struct ltap *t)
{
	unsigned int k, n = 0;

	for (k = 0; k < NSEG; k++)
		if (t->ntx[k] > 1)
			n += t->ntx[k] - 1u;
	return n;
}

/* ---------------------------------------------------------------------- */
/* Fixture */

struct fixture {
	struct harness *h;
	struct ltap *tap;
	bool tso;			/* keep TSO on (make_pair adds only NO_GRO) */
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	f->tap = calloc(1, sizeof(*f->tap));
	if (f->tap == NULL) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	unsigned int i;
	int ret = 0;

	if (f->h != NULL) {
		harness_set_tap(f->h, NULL, NULL);
		for (i = 0; i < f->tap->nb_held; i++)
			rte_pktmbuf_free(f->tap->held[i]);
		ret = harness_destroy(f->h);
	}
	harness_set_pool_size(0);
	free(f->tap->c.rec);
	free(f->tap);
	free(f);
	return ret;
}

/*
 * Build the harness with @cfg (flags LOSS_CFG_FLAGS added), a delay line of
 * @delay each way, no impairment yet; connect A to B's listener with
 * listener parameters @lp and connect parameters @cp (NULL: defaults).
 */
static void
make_pair(struct fixture *f, const struct tern_tcp_config *cfg, uint64_t delay,
	  const struct tern_tcp_param *lp, const struct tern_tcp_param *cp,
	  struct tern_tcp_stream **l, struct tern_tcp_stream **a, struct tern_tcp_stream **b)
{
	struct tern_tcp_config c = { 0 };

	if (cfg != NULL)
		c = *cfg;
	c.flags |= f->tso ? (LOSS_CFG_FLAGS & ~TERN_TCP_CFG_NO_TSO) : LOSS_CFG_FLAGS;
	f->h = harness_create_tcp(NULL, NULL, &c);
	assert_non_null(f->h);
	harness_set_wire_delay(f->h, delay);
	*l = tcp_listen_b(f->h, 4, lp);
	*a = tcp_connect_a(f->h, 4, cp);
	*b = tcp_accept_b(f->h, *l, 5 * SEC);
	assert_non_null(*b);
	assert_int_equal(tern_tcp_state(*a), TERN_TCP_ESTABLISHED);
	f->tap->h = f->h;
}

/* Start the tap, indexing A's data from its next byte. */
static void
tap_start(struct fixture *f, struct tern_tcp_stream *a, bool record)
{
	struct tern_tcp_info ia;

	tern_tcp_info(a, &ia);
	f->tap->record = record;
	f->tap->base = a->snd_nxt;
	f->tap->mss = ia.mss;
	harness_set_tap(f->h, ltap_fn, f->tap);
}

/* Abort both ends, let the wire drain, check that every mbuf came back. */
static void
finish(struct fixture *f, struct tern_tcp_stream *l, struct tern_tcp_stream *a,
       struct tern_tcp_stream *b, uint64_t delay)
{
	struct harness *h = f->h;

	harness_set_tap(h, NULL, NULL);
	harness_set_impair(h, HARNESS_A, NULL);
	harness_set_impair(h, HARNESS_B, NULL);
	tern_tcp_abort(a);
	tern_tcp_abort(b);
	tern_tcp_close(l);
	harness_run(h, 2 * delay + 20 * MS);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_A)), 0);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_B)), 0);
	tcp_assert_clean(h);
}

/*
 * Move @total bytes from @tx to @rx (pattern @seed, checked as they arrive
 * if @check), in 1 ms steps, for at most @max_ns. Writes only what the send
 * buffer takes (no pattern is made for nothing). @return bytes received.
 */
static uint64_t
xfer(struct harness *h, struct tern_tcp_stream *tx, struct tern_tcp_stream *rx, uint64_t total,
     uint32_t seed, uint64_t max_ns)
{
	static uint8_t buf[65536];
	uint64_t sent = 0, got = 0, t0 = harness_now(h);
	ssize_t n;

	uint64_t last_got = 0, last_t = t0;

	while (got < total && harness_now(h) - t0 < max_ns) {
		if (got != last_got) {
			last_got = got;
			last_t = harness_now(h);
		} else if (harness_now(h) - last_t >= SEC && (harness_now(h) - last_t) % SEC == 0) {
			dbg_state("stall", h, tx);
		}
		while (sent < total) {
			size_t chunk = (size_t)RTE_MIN((uint64_t)sizeof(buf), total - sent);

			chunk = RTE_MIN(chunk, (size_t)tern_tcp_tx_space(tx));
			if (chunk == 0)
				break;
			pat_fill(buf, chunk, sent, seed);
			n = tern_tcp_write(tx, buf, chunk);
			if (n <= 0)
				break;
			sent += (uint64_t)n;
		}
		harness_run(h, MS);
		while ((n = tern_tcp_read(rx, buf, sizeof(buf))) > 0) {
			uint64_t bad = pat_check(buf, (size_t)n, got, seed);

			if (bad != UINT64_MAX) {
				print_error("byte %" PRIu64 " wrong\n", bad);
				return got;
			}
			got += (uint64_t)n;
		}
	}
	return got;
}

/* Debugging aid: A's recovery state, when TERN_LOSS_DEBUG is set. */
static void
dbg_state(const char *what, struct harness *h, const struct tern_tcp_stream *s)
{
	if (getenv("TERN_LOSS_DEBUG") == NULL)
		return;
	printf("[%.3f %s] una %u max %u nxt %u rtxq %u tf %#x lost %u sacked %u rtx_out %u "
	       "cwnd %u ssth %u wnd %u kind %u backoff %u rtx_tmr %.3f sndq %u dupacks %u "
	       "lost_head %p (%#x) sent_head %p recover %u undo_marker %u undo_retrans %d\n",
	       (double)harness_now(h) / SEC, what, s->snd_una - s->iss, s->snd_max - s->iss,
	       s->snd_nxt - s->iss, s->rec->rtxq.nb, s->tf, s->rec->lost_out, s->rec->sacked_out,
	       s->rec->retrans_out, s->cc->cwnd, s->cc->ssthresh, s->snd_wnd, s->rtx_kind, s->backoff,
	       s->tmr[TCP_T_RTX] ? (double)((uint64_t)s->tmr[TCP_T_RTX] << TCP_TMR_SHIFT) / SEC : 0.0, s->sndq_bytes,
	       s->dupacks, (void *)s->rec->lost_head, s->rec->lost_head ? s->rec->lost_head->flags : 0,
	       (void *)s->rec->sent_head, s->recover - s->iss, s->undo_marker ? s->undo_marker - s->iss : 0,
	       s->undo_retrans);
	fflush(stdout);
}

/* Write @nseg segments of pattern @seed at once (they fit the send buffer). */
static void
write_segs(struct tern_tcp_stream *a, unsigned int nseg, uint32_t seed)
{
	static uint8_t buf[NSEG * 1460];
	struct tern_tcp_info ia;
	uint32_t len;

	tern_tcp_info(a, &ia);
	len = nseg * ia.mss;
	assert_true(len <= sizeof(buf));
	pat_fill(buf, len, 0, seed);
	assert_int_equal(tern_tcp_write(a, buf, len), len);
}

/* Read everything @b has and check it against pattern @seed from offset @off: @return bytes. */
static uint64_t
read_check(struct tern_tcp_stream *b, uint64_t off, uint32_t seed)
{
	static uint8_t buf[65536];
	uint64_t got = 0;
	ssize_t n;

	while ((n = tern_tcp_read(b, buf, sizeof(buf))) > 0) {
		assert_int_equal(pat_check(buf, (size_t)n, off + got, seed), UINT64_MAX);
		got += (uint64_t)n;
	}
	return got;
}

/* ---------------------------------------------------------------------- */
/* 100 MB through random loss */

/*
 * Where the impairment applies: loss only on the data direction (A->B), at
 * the rate under test; 1 % reordering (an extra hold of 1-10 ms) and 1 %
 * duplication on both directions. ACK loss has its own test below
 * (test_ack_loss_rfc5681_cumulative_acks_need_no_retransmission); keeping
 * it out of these makes p the data loss rate of the models.
 *
 * Round trip R = 20 ms (a 10 ms delay line each way; the impairment layer's
 * own delay is not used: it holds at most 16384 packets per direction).
 * Buffers are the defaults (1 MB), so the window W = 1 MiB.
 *
 * The bound on virtual time, asserted:
 *
 *   T_bound = F * (T_ss + S / min(W / R, B(p, p_fr)))
 *
 *   S = 100 MiB; W / R = 52 MB/s, the window limit (2.0 s for S);
 *   T_ss = 10 R, slow start from IW to W (log2(W / IW) = 6.2 round trips,
 *   rounded up and a handshake added);
 *   B = MSS / (R sqrt(2 b p_fr / 3) + T0 min(1, 3 sqrt(3bp/8)) p (1 + 32 p^2)),
 *   the throughput of Padhye, Firoiu, Towsley and Kurose (SIGCOMM '98),
 *   with b = 2 (an ACK per two segments) and T0 = 200 ms (RTO = max(rto_min,
 *   SRTT + 4 RTTVAR) = rto_min at R = 20 ms). It models Reno, which needs a
 *   timeout for most multi-loss windows; NewReno (one loss per round trip
 *   without a timeout) and SACK with RACK-TLP do better, so B is a floor of
 *   the rate to expect. p_fr, the rate of window halvings (the first,
 *   Mathis, term), is p for a SACK peer: RACK's reordering window (RFC 8985
 *   6.2 step 4, grown by D-SACKs) tells late segments from lost ones. For a
 *   peer without SACK it is p + 1 %: a segment reordered past three others
 *   is a loss to NewReno's duplicate-ACK count (RFC 5681 3.2), and the
 *   reordering (not the timeout term) then halves the window as often;
 *   the halving is usually undone (Eifel), so this is pessimistic.
 *   F = 2, the safety factor: the 1 ms clock, the spread of the loss count
 *   around its mean, and the model's own approximations.
 *
 * At p = 0, 1, 5, 10, 30 %: T_bound = 4.4 s, 410 s, 1657 s, 4200 s,
 * 35549 s with SACK; 335 s, 549 s, 1728 s, 4251 s, 35579 s without. The
 * figures each run prints show how far below its bound it finished.
 */
#define XFER_TOTAL	((uint64_t)100 << 20)
#define XFER_F		2.0

static double
padhye_Bps(double p, double p_fr, double rtt_s, double t0_s, double mss, double b)
{
	double d;

	if (p_fr <= 0)
		return INFINITY;
	d = rtt_s * sqrt(2 * b * p_fr / 3) +
		t0_s * fmin(1.0, 3 * sqrt(3 * b * p / 8)) * p * (1 + 32 * p * p);
	return mss / d;
}

static uint64_t
xfer_bound_ns(double p, double p_fr, uint32_t mss, uint32_t wnd)
{
	double r = (double)RTT / SEC, rate = (double)wnd / r, b = padhye_Bps(p, p_fr, r, 0.2, mss, 2);
	double t = 10 * r + (double)XFER_TOTAL / fmin(rate, b);

	return (uint64_t)(XFER_F * t * SEC);
}

static void
transfer_lossy(struct fixture *f, const char *name, double p, bool sack, uint64_t def_seed)
{
	uint64_t seed = harness_seed(name, def_seed);
	struct tern_impair_param ab = { .loss = p, .reorder = 0.01, .dup = 0.01, .seed = seed };
	struct tern_impair_param ba = { .reorder = 0.01, .dup = 0.01, .seed = seed + 1 };
	struct tern_tcp_config cfg = { .flags = sack ? 0 : TERN_TCP_CFG_NO_SACK };
	struct tern_tcp_stream *l, *a, *b;
	struct tern_tcp_info ia;
	struct tern_stats sa, sb;
	uint64_t got, t0, took, bound;
	int64_t spurious;
	struct harness *h;

	make_pair(f, &cfg, DELAY, NULL, NULL, &l, &a, &b);
	h = f->h;
	tern_tcp_info(a, &ia);
	assert_int_equal(ia.sack_ok, sack);
	/* NewReno takes a segment reordered past DupThresh for a loss (see above) */
	bound = xfer_bound_ns(p, sack ? p : p + ab.reorder, ia.mss, 1u << 20);
	harness_set_impair(h, HARNESS_A, &ab);
	harness_set_impair(h, HARNESS_B, &ba);
	t0 = harness_now(h);
	got = xfer(h, a, b, XFER_TOTAL, (uint32_t)seed, bound);
	took = harness_now(h) - t0;
	sa = harness_stats(h, HARNESS_A);
	sb = harness_stats(h, HARNESS_B);
	spurious = (int64_t)sa.tcp_retrans_segs - (int64_t)sa.impair_dropped;	/* lost: all A's */
	printf("%s: %s, loss %.0f %%, seed %" PRIu64 ": %.3f s of virtual time (bound %.1f s); "
	       "lost %" PRIu64 ", retransmitted %" PRIu64 ", RTOs %" PRIu64
	       ", fast recoveries %" PRIu64 ", TLPs %" PRIu64 " (recoveries %" PRIu64
	       "), undo %" PRIu64 ", spurious %" PRId64 " (A's pure ACKs %" PRIu64
	       ", ACKs A dropped by PAWS %" PRIu64 "); D-SACKs sent %" PRIu64 ", received %"
	       PRIu64 "\n", name,
	       sack ? "SACK" : "no SACK", p * 100, seed,
	       (double)took / SEC, (double)bound / SEC, sa.impair_dropped, sa.tcp_retrans_segs,
	       sa.tcp_rto_fired, sa.tcp_fast_retrans, sa.tcp_tlp_probes, sa.tcp_tlp_recoveries,
	       sa.tcp_undo, spurious, sa.tcp_acks_out, sa.drop_tcp_paws, sb.tcp_dsack_sent,
	       sa.tcp_dsack_rcvd);
	fflush(stdout);
	if (got != XFER_TOTAL)
		print_error("seed %" PRIu64 ": %" PRIu64 " of %" PRIu64 " bytes in the bound\n",
			    seed, got, XFER_TOTAL);
	assert_int_equal(got, XFER_TOTAL);
	assert_true(took <= bound);
	if (p > 0) {
		assert_true(sa.impair_dropped > 0);
		/*
		 * Every lost transmission of a data segment needs one more of
		 * it; the losses counted include A's few pure ACKs (answers to
		 * reordered ACKs that PAWS rejects), at most tcp_acks_out.
		 */
		assert_true(sa.tcp_retrans_segs + sa.tcp_acks_out >= sa.impair_dropped);
	}
	assert_true(sa.impair_reordered > 0 && sa.impair_duplicated > 0);
	tern_tcp_info(a, &ia);
	assert_int_equal(ia.bytes_sent, XFER_TOTAL);
	finish(f, l, a, b, DELAY);
}

#define LOSSY(pct, p, seed)						\
static void								\
test_transfer_100mb_loss_##pct##_sack(void **state)			\
{									\
	transfer_lossy(*state, __func__, (p), true, (seed));		\
}									\
static void								\
test_transfer_100mb_loss_##pct##_nosack(void **state)			\
{									\
	transfer_lossy(*state, __func__, (p), false, (seed) + 100);	\
}

LOSSY(0pct, 0.0, 500)
LOSSY(1pct, 0.01, 501)
LOSSY(5pct, 0.05, 505)
LOSSY(10pct, 0.10, 510)
LOSSY(30pct, 0.30, 530)

/* ---------------------------------------------------------------------- */
/* Recovery scenarios */

/*
 * RFC 6675 5 / RFC 8985 6.2: one segment of a flight lost. Once three
 * segments above it are SACKed, RACK's reordering window is zero (RFC 8985
 * 6.2 step 4: DupThresh SACKed) and the segment is lost at once: it is
 * sent again when the ACK that shows it arrives, with no timeout, and
 * recovery is one episode with one retransmission.
 */
static void
test_rfc6675_rfc8985_single_loss_fast_retransmit(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_stream *l, *a, *b;
	const struct seg_rec *tx[4];
	uint64_t t_det = 0, t_rtx;
	unsigned int i, n;
	struct ltap *t = f->tap;

	make_pair(f, NULL, DELAY, NULL, NULL, &l, &a, &b);
	tap_start(f, a, true);
	t->drop[4] = 1;
	write_segs(a, 20, 11);
	harness_run(f->h, 10 * RTT);
	assert_int_equal(read_check(b, 0, 11), 20 * t->mss);
	n = tx_of(t, 4, tx, 4);
	assert_int_equal(n, 2);
	assert_true(tx[0]->dropped && !tx[1]->dropped);
	/* the first ACK that shows the hole: a SACK block above it */
	for (i = 0; i < t->c.n; i++)
		if (t->c.rec[i].from == HARNESS_B && t->c.rec[i].nb_sack > 0) {
			t_det = t->c.rec[i].t;
			break;
		}
	assert_true(t_det != 0);
	t_rtx = tx[1]->t - DELAY;	/* when A sent it */
	printf("lost at %.0f ms, detectable at %.0f ms, resent at %.0f ms (RTT %.0f ms)\n",
	       (double)(tx[0]->t - DELAY) / MS, (double)t_det / MS, (double)t_rtx / MS,
	       (double)RTT / MS);
	assert_true(t_rtx >= t_det && t_rtx - t_det <= RTT);
	assert_int_equal(wire_retransmissions(t), 1);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_retrans_segs), 1);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_segs_lost), 1);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_fast_retrans), 1);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_rto_fired), 0);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_tlp_probes), 0);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_undo), 0);
	finish(f, l, a, b, DELAY);
}

/*
 * RFC 6675 5 (NextSeg, pipe) / RFC 8985 6.2: three segments lost out of one
 * flight are each sent again once, in one recovery episode, with no timeout.
 */
static void
test_rfc6675_multiple_losses_one_window_one_recovery(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_stream *l, *a, *b;
	const struct seg_rec *tx[4];
	static const int lost[] = { 2, 5, 8 };
	struct ltap *t = f->tap;
	uint64_t first = UINT64_MAX, last = 0;
	unsigned int i;

	make_pair(f, NULL, DELAY, NULL, NULL, &l, &a, &b);
	tap_start(f, a, true);
	for (i = 0; i < RTE_DIM(lost); i++)
		t->drop[lost[i]] = 1;
	write_segs(a, 40, 12);
	harness_run(f->h, 10 * RTT);
	assert_int_equal(read_check(b, 0, 12), 40 * t->mss);
	for (i = 0; i < RTE_DIM(lost); i++) {
		assert_int_equal(tx_of(t, lost[i], tx, 4), 2);
		first = RTE_MIN(first, tx[1]->t);
		last = RTE_MAX(last, tx[1]->t);
	}
	printf("three holes resent between %.0f and %.0f ms\n", (double)(first - DELAY) / MS,
	       (double)(last - DELAY) / MS);
	/* all within the round trip that showed them */
	assert_true(last - first < RTT);
	assert_int_equal(wire_retransmissions(t), 3);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_retrans_segs), 3);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_segs_lost), 3);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_fast_retrans), 1);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_rto_fired), 0);
	finish(f, l, a, b, DELAY);
}

/*
 * RFC 8985 6.2 (and 2.2, "lost retransmissions"): the retransmission of a
 * lost segment is lost too. RACK compares transmission times: once a
 * segment sent after the retransmission is SACKed (and RACK.rtt has
 * passed), the retransmission is lost and goes again, about one round trip
 * later, in the same recovery episode, without a timeout.
 */
static void
test_rfc8985_6_2_lost_retransmission_detected_by_rack(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_stream *l, *a, *b;
	const struct seg_rec *tx[4];
	struct ltap *t = f->tap;
	uint64_t gap;

	make_pair(f, NULL, DELAY, NULL, NULL, &l, &a, &b);
	tap_start(f, a, true);
	t->drop[4] = 2;		/* the first transmission and the first retransmission */
	write_segs(a, 100, 13);
	harness_run(f->h, 20 * RTT);
	assert_int_equal(read_check(b, 0, 13), 100 * t->mss);
	assert_int_equal(tx_of(t, 4, tx, 4), 3);
	assert_true(tx[0]->dropped && tx[1]->dropped && !tx[2]->dropped);
	gap = tx[2]->t - tx[1]->t;
	printf("first retransmission at %.0f ms, second %.0f ms later (RTT %.0f ms)\n",
	       (double)(tx[1]->t - DELAY) / MS, (double)gap / MS, (double)RTT / MS);
	assert_true(gap >= RTT && gap <= 2 * RTT);
	assert_int_equal(wire_retransmissions(t), 2);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_segs_lost), 2);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_fast_retrans), 1);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_rto_fired), 0);
	finish(f, l, a, b, DELAY);
}

/*
 * RFC 8985 7: the last segment of a flight is lost, nothing follows it to
 * be SACKed. After the probe timeout (7.2: PTO = 2 SRTT, plus WCDelAckT =
 * 200 ms as one segment is in flight, at most the RTO) the last segment is
 * sent again as a probe, well before the RTO (rto_min = 1 s here, RFC 6298
 * 2.4's value, so that the two cannot coincide). The probe repairs the loss:
 * by 7.4.2 the sender knows it when an ACK passes TLP.end_seq with no
 * D-SACK for the probe, which the next write brings.
 */
static void
test_rfc8985_7_tail_loss_probe_repairs_without_rto(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_config cfg = { .rto_min_ns = SEC };
	struct tern_tcp_stream *l, *a, *b;
	const struct seg_rec *tx[4];
	struct ltap *t = f->tap;
	uint64_t t_ack = 0, pto;
	struct tern_tcp_info ia;
	unsigned int i;

	make_pair(f, &cfg, DELAY, NULL, NULL, &l, &a, &b);
	tap_start(f, a, true);
	/* nine segments, the last lost: the eight before are ACKed in pairs, at once */
	t->drop[8] = 1;
	write_segs(a, 9, 14);
	harness_run(f->h, 3 * SEC);
	assert_int_equal(tx_of(t, 8, tx, 4), 2);
	for (i = 0; i < t->c.n; i++)
		if (t->c.rec[i].from == HARNESS_B && t->c.rec[i].t < tx[1]->t)
			t_ack = t->c.rec[i].t;	/* the last ACK before the probe */
	tern_tcp_info(a, &ia);
	pto = tx[1]->t - DELAY - t_ack;
	printf("probe %.0f ms after the last ACK (SRTT %.1f ms, RTO %.0f ms)\n",
	       (double)pto / MS, ia.rtt_us / 1000.0, ia.rto_us / 1000.0);
	/* SRTT was the 20 ms round trip, within the 1 ms clock */
	assert_true(pto >= 2 * RTT + 200 * MS - 5 * MS && pto <= 2 * RTT + 200 * MS + 5 * MS);
	assert_true(pto < ia.rto_us * 1000ull);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_tlp_probes), 1);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_rto_fired), 0);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_fast_retrans), 0);
	assert_int_equal(ia.unacked, 0);
	assert_int_equal(read_check(b, 0, 14), 9 * t->mss);
	/* more data: its ACK passes TLP.end_seq without a D-SACK: the probe repaired a loss */
	write_segs(a, 2, 15);
	harness_run(f->h, 5 * RTT);
	assert_int_equal(read_check(b, 0, 15), 2 * t->mss);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_tlp_recoveries), 1);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_rto_fired), 0);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_retrans_segs), 1);
	finish(f, l, a, b, DELAY);
}

/*
 * RFC 5681 3.1 after a timeout with TSO: ten segments in one send entry,
 * all lost, no SACK (so no probe): the RTO leaves a window of one segment,
 * and only one MSS of the entry goes again; the rest follows in slow start
 * (two, then four...), each round a round trip apart, not all ten at once.
 */
static void
test_rfc5681_3_1_rto_resends_one_mss_of_a_tso_entry(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_config cfg = { .flags = TERN_TCP_CFG_NO_SACK };
	struct tern_tcp_stream *l, *a, *b;
	const struct seg_rec *tx[4];
	struct ltap *t = f->tap;
	uint64_t t0;
	unsigned int k;

	f->tso = true;
	make_pair(f, &cfg, DELAY, NULL, NULL, &l, &a, &b);
	tap_start(f, a, true);
	for (k = 0; k < 10; k++)
		t->drop[k] = 1;
	write_segs(a, 10, 17);
	harness_run(f->h, 10 * SEC);
	assert_true(STAT(f->h, HARNESS_A, tcp_tso_sw_bytes) > 0);
	assert_int_equal(read_check(b, 0, 17), 10 * t->mss);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_rto_fired), 1);
	assert_int_equal(tx_of(t, 0, tx, 4), 2);
	t0 = tx[1]->t;
	/* segments 1 and 2 go on the ACK of 0 (cwnd 2), a round trip later */
	for (k = 1; k < 10; k++) {
		assert_int_equal(tx_of(t, (int)k, tx, 4), 2);
		assert_true(tx[1]->t >= t0 + RTT);
	}
	assert_int_equal(wire_retransmissions(t), 10);
	finish(f, l, a, b, DELAY);
}

/*
 * RFC 5681 4.1: after 1 MB the window is far above the initial one; the
 * connection then stays silent for 2 s (more than the RTO) and sends
 * again: it starts from the restart window, min(IW, cwnd), and the burst
 * on the wire is that window, not the stale one. With
 * TERN_TCP_CFG_NO_IDLE_RESTART the window is kept.
 */
static void
idle_restart(struct fixture *f, bool keep)
{
	struct tern_tcp_config cfg = { .flags = keep ? TERN_TCP_CFG_NO_IDLE_RESTART : 0 };
	struct tern_tcp_stream *l, *a, *b;
	struct tern_tcp_info ia;
	uint32_t before, iw;

	make_pair(f, &cfg, DELAY, NULL, NULL, &l, &a, &b);
	assert_int_equal(xfer(f->h, a, b, 1 << 20, 18, 10 * SEC), 1 << 20);
	harness_run(f->h, RTT);
	tern_tcp_info(a, &ia);
	before = ia.cwnd;
	iw = 10 * ia.mss;
	assert_true(before > 4 * iw);
	harness_run(f->h, 2 * SEC);
	assert_true(2 * SEC > (uint64_t)ia.rto_us * 1000);
	tap_start(f, a, true);
	write_segs(a, 100, 19);
	tern_tcp_info(a, &ia);
	printf("cwnd %u before 2 s idle, %u after it (IW %u)%s\n", before, ia.cwnd, iw,
	       keep ? ", NO_IDLE_RESTART" : "");
	if (keep) {
		assert_true(ia.cwnd >= before);
		assert_int_equal(STAT(f->h, HARNESS_A, tcp_idle_restarts), 0);
	} else {
		assert_int_equal(ia.cwnd, iw);
		assert_int_equal(STAT(f->h, HARNESS_A, tcp_idle_restarts), 1);
		/* the first burst is the restart window: ten segments */
		harness_run(f->h, DELAY + MS);
		assert_int_equal(t_data_segs(&f->tap->c), 10);
	}
	harness_run(f->h, 2 * SEC);
	assert_int_equal(read_check(b, 0, 19), 100 * f->tap->mss);
	finish(f, l, a, b, DELAY);
}

static void
test_rfc5681_4_1_restart_window_after_idle(void **state)
{
	idle_restart(*state, false);
}

static void
test_idle_restart_off_keeps_the_window(void **state)
{
	idle_restart(*state, true);
}

/*
 * RFC 2883 (D-SACK) and RFC 3708: segment 3 of a flight is held back on the
 * wire until after its retransmission went out (three later segments were
 * SACKed, so RACK marked it lost), and reaches B before the retransmission.
 * The retransmission is then a duplicate: B reports it with a D-SACK, and A,
 * having had every retransmission of the episode reported so, undoes the
 * window reduction (cwnd and ssthresh back to what they were). Timestamps
 * are off: with them, the ACK of the held original would echo an older
 * timestamp than the retransmission's, and Eifel (RFC 3522) would undo
 * first; this test is about D-SACK.
 */
static void
test_rfc2883_rfc3708_spurious_retransmit_undone_by_dsack(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_config cfg = { .flags = TERN_TCP_CFG_NO_TS };
	struct tern_tcp_stream *l, *a, *b;
	struct tern_tcp_info i0, i1, i2;
	struct ltap *t = f->tap;
	unsigned int i, nd;

	make_pair(f, &cfg, DELAY, NULL, NULL, &l, &a, &b);
	tap_start(f, a, true);
	tern_tcp_info(a, &i0);
	t->hold[3] = 2;		/* the original, then its retransmission */
	write_segs(a, 40, 16);
	for (i = 0; i < 10 * RTT / MS && t->nb_held < 2; i++)
		harness_run(f->h, MS);
	assert_int_equal(t->nb_held, 2);
	tern_tcp_info(a, &i1);
	printf("in recovery: cwnd %u -> %u, ssthresh %u -> %u\n", i0.cwnd, i1.cwnd,
	       i0.ssthresh, i1.ssthresh);
	assert_true(i1.ssthresh < i0.ssthresh);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_fast_retrans), 1);
	/* the original arrives, late, then the retransmission: a duplicate */
	harness_inject(f->h, HARNESS_B, t->held[0]);
	harness_inject(f->h, HARNESS_B, t->held[1]);
	t->nb_held = 0;
	harness_run(f->h, 5 * RTT);
	assert_int_equal(read_check(b, 0, 16), 40 * t->mss);
	tern_tcp_info(a, &i2);
	printf("after the D-SACK: cwnd %u, ssthresh %u; D-SACKs sent %" PRIu64 ", received %"
	       PRIu64 ", undo %" PRIu64 "\n", i2.cwnd, i2.ssthresh,
	       STAT(f->h, HARNESS_B, tcp_dsack_sent), STAT(f->h, HARNESS_A, tcp_dsack_rcvd),
	       STAT(f->h, HARNESS_A, tcp_undo));
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_retrans_segs), 1);
	assert_int_equal(STAT(f->h, HARNESS_B, tcp_dsack_sent), 1);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_dsack_rcvd), 1);
	/* on the wire: one ACK whose first block is segment 3, below the ACK (RFC 2883 4.1.1) */
	for (i = 0, nd = 0; i < t->c.n; i++) {
		const struct seg_rec *r = &t->c.rec[i];

		if (r->from == HARNESS_B && r->nb_sack > 0 && r->sack[0][0] == t->base + 3 * t->mss &&
		    r->sack[0][1] == t->base + 4 * t->mss && SEQ_LEQ(r->sack[0][1], r->ack))
			nd++;
	}
	assert_int_equal(nd, 1);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_undo), 1);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_rto_fired), 0);
	/* restored: no lower than before the reduction */
	assert_int_equal(i2.ssthresh, i0.ssthresh);
	assert_true(i2.cwnd >= i1.cwnd && i2.cwnd >= i0.cwnd);
	finish(f, l, a, b, DELAY);
}

/*
 * RFC 5681 4.2 / RFC 9293 3.8.6.3: ACKs are cumulative, so losing 40 % of
 * them loses no data: nothing is marked lost by duplicate ACKs or SACK, no
 * recovery starts. The only retransmissions allowed are probes of a tail
 * whose every ACK was lost (a TLP or an RTO: the sender cannot tell a lost
 * ACK from lost data there), each answered at once.
 */
static void
test_ack_loss_rfc5681_cumulative_acks_need_no_retransmission(void **state)
{
	struct fixture *f = *state;
	uint64_t seed = harness_seed(__func__, 40);
	struct tern_impair_param ba = { .loss = 0.4, .seed = seed };
	const uint64_t total = 8ull << 20;
	struct tern_tcp_stream *l, *a, *b;
	struct tern_stats sa;
	uint64_t t0, got, took;

	make_pair(f, NULL, DELAY, NULL, NULL, &l, &a, &b);
	harness_set_impair(f->h, HARNESS_B, &ba);
	t0 = harness_now(f->h);
	got = xfer(f->h, a, b, total, 17, 30 * SEC);
	took = harness_now(f->h) - t0;
	harness_run(f->h, 2 * SEC);	/* the tail's ACKs */
	sa = harness_stats(f->h, HARNESS_A);
	printf("8 MB with 40 %% of ACKs lost (%" PRIu64 " of %" PRIu64 "): %.3f s; retransmitted %"
	       PRIu64 ", TLPs %" PRIu64 ", RTOs %" PRIu64 ", recoveries %" PRIu64 "\n",
	       STAT(f->h, HARNESS_B, impair_dropped), STAT(f->h, HARNESS_B, tcp_acks_out),
	       (double)took / SEC, sa.tcp_retrans_segs,
	       sa.tcp_tlp_probes, sa.tcp_rto_fired, sa.tcp_fast_retrans);
	assert_int_equal(got, total);
	assert_true(STAT(f->h, HARNESS_B, impair_dropped) > 100);
	assert_int_equal(sa.tcp_fast_retrans, 0);
	assert_true(sa.tcp_retrans_segs <= sa.tcp_tlp_probes + sa.tcp_rto_fired);
	/* 8 MB at the window limit (1 MB per 20 ms) takes 0.16 s, slow start aside */
	assert_true(took < 2 * SEC);
	finish(f, l, a, b, DELAY);
}

/*
 * RFC 6582 3.2 (NewReno, no SACK): two segments of one window lost. Three
 * duplicate ACKs resend the first; the ACK of that retransmission is partial
 * (below `recover`, it stops at the second hole), so the second hole is
 * resent at once on it, one round trip later, in the same recovery, with
 * no timeout.
 */
static void
test_rfc6582_newreno_partial_ack_resends_next_hole(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_config cfg = { .flags = TERN_TCP_CFG_NO_SACK };
	struct tern_tcp_stream *l, *a, *b;
	const struct seg_rec *t2[4], *t6[4];
	struct ltap *t = f->tap;
	uint64_t partial = 0;
	unsigned int i;

	make_pair(f, &cfg, DELAY, NULL, NULL, &l, &a, &b);
	tap_start(f, a, true);
	t->drop[2] = 1;
	t->drop[6] = 1;
	write_segs(a, 30, 18);
	harness_run(f->h, 20 * RTT);
	assert_int_equal(read_check(b, 0, 18), 30 * t->mss);
	assert_int_equal(tx_of(t, 2, t2, 4), 2);
	assert_int_equal(tx_of(t, 6, t6, 4), 2);
	/* B's partial ACK: the one for the retransmitted segment 2, up to the hole at 6 */
	for (i = 0; i < t->c.n; i++)
		if (t->c.rec[i].from == HARNESS_B && t->c.rec[i].ack == t->base + 6 * t->mss) {
			partial = t->c.rec[i].t;
			break;
		}
	printf("hole 2 resent at %.0f ms, partial ACK at %.0f ms, hole 6 resent at %.0f ms\n",
	       (double)(t2[1]->t - DELAY) / MS, (double)partial / MS,
	       (double)(t6[1]->t - DELAY) / MS);
	assert_true(partial != 0);
	assert_int_equal(t6[1]->t - DELAY, partial);	/* on the partial ACK itself */
	assert_int_equal(t6[1]->t - t2[1]->t, RTT);
	assert_int_equal(wire_retransmissions(t), 2);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_fast_retrans), 1);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_rto_fired), 0);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_retrans_segs), 2);
	finish(f, l, a, b, DELAY);
}

/* A duplicate ACK from B, as B would send it: ACK = A's SND.UNA, B's window unchanged. */
static void
inject_dupack(struct harness *h, struct tern_tcp_stream *a, struct tern_tcp_stream *b)
{
	struct seg_out o = {
		.from = HARNESS_B,
		.family = 4,
		.sport = TCP_PORT_B,
		.dport = tcp_lport(a),
		.seq = b->snd_nxt,
		.ack = a->snd_una,
		.flags = TH_ACK,
		.wnd = (uint16_t)(a->snd_wnd >> a->snd_ws),
	};

	seg_inject(h, &o);
}

/*
 * RFC 3042 (limited transmit), no SACK: with more data waiting than the
 * congestion window lets out, each of the first two duplicate ACKs sends
 * one new segment; the third brings the fast retransmission (RFC 5681 3.2)
 * of the first unacknowledged segment. B's own ACKs are lost meanwhile and
 * the duplicates are made by hand, one at a time, so that what A sends on
 * each is seen alone.
 */
static void
test_rfc3042_limited_transmit_on_first_two_dupacks(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_config cfg = { .flags = TERN_TCP_CFG_NO_SACK | TERN_TCP_CFG_NO_TS };
	struct tern_tcp_stream *l, *a, *b;
	struct ltap *t = f->tap;
	const struct seg_rec *r;
	uint32_t una, max0;
	unsigned int n0, k, i;

	make_pair(f, &cfg, 0, NULL, NULL, &l, &a, &b);
	/*
	 * One segment there and ACKed first: A's idea of B's window then comes
	 * from a scaled ACK (a SYN's is unscaled, and a hand-made duplicate
	 * must repeat the window exactly to count, RFC 5681 2).
	 */
	write_segs(a, 1, 19);
	harness_run(f->h, SEC);
	assert_true(read_check(b, 0, 19) > 0);
	assert_int_equal(a->snd_una, a->snd_max);
	tap_start(f, a, true);
	t->lose_b = true;
	write_segs(a, 16, 20);
	harness_run(f->h, 0);
	una = a->snd_una;
	max0 = a->snd_max;
	n0 = (max0 - una) / t->mss;	/* the congestion window's worth */
	assert_true(n0 >= 10 && n0 <= 14);
	assert_true(a->sndq_bytes >= 2 * t->mss);	/* more waits */
	for (k = 1; k <= 2; k++) {
		inject_dupack(f->h, a, b);
		dbg_state("dupack", f->h, a);
		/* exactly one new segment, the next one */
		assert_int_equal(cap_count(&t->c, HARNESS_A, 0, true), n0 + k);
		r = cap_last(&t->c, HARNESS_A);
		assert_int_equal(r->seq, max0 + (k - 1) * t->mss);
		assert_int_equal(r->len, t->mss);
		assert_int_equal(STAT(f->h, HARNESS_A, tcp_fast_retrans), 0);
		assert_int_equal(STAT(f->h, HARNESS_A, tcp_retrans_segs), 0);
	}
	/* the third: fast retransmit of SND.UNA */
	t->lose_b = false;
	i = t->c.n;
	inject_dupack(f->h, a, b);
	for (r = NULL; i < t->c.n && r == NULL; i++)
		if (t->c.rec[i].from == HARNESS_A && t->c.rec[i].len > 0)
			r = &t->c.rec[i];
	assert_non_null(r);
	assert_int_equal(r->seq, una);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_fast_retrans), 1);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_retrans_segs), 1);
	printf("%u segments in flight; dupacks 1 and 2: one new segment each; dupack 3: the "
	       "segment at SND.UNA resent\n", n0);
	harness_run(f->h, SEC);
	assert_int_equal(read_check(b, 0, 20), 16 * t->mss);
	assert_int_equal(STAT(f->h, HARNESS_A, tcp_rto_fired), 0);
	finish(f, l, a, b, 0);
}

/* ---------------------------------------------------------------------- */
/* Work per ACK */

struct work {
	uint64_t acks;
	uint64_t visits;
	uint64_t walked;
	uint64_t splits;
	uint64_t dropped;
	uint32_t max_inflight;
	uint64_t rto;
};

/*
 * Fill the pipe to @flight segments (the send buffer's limit: sndbuf =
 * flight * MSS), then lose every (flight / 10)-th segment for one window
 * (ten losses a window, so that the receiver's 32 out-of-order blocks
 * always suffice) and count, over the next 8 round trips, the tree nodes
 * visited (rtxq.visits) and the segments walked by SACK and RACK
 * (tcp_sack_walked) per ACK received (tcp_in_segs).
 */
static void
per_ack_work(struct fixture *f, uint32_t flight, struct work *w)
{
	const uint64_t delay = 50 * MS, rtt = 2 * delay;
	struct tern_tcp_config cfg = { 0 };
	struct tern_tcp_param lp = { .rcvbuf = TCP_MAX_BUF };
	struct tern_tcp_param cp = { 0 };
	struct tern_tcp_stream *l, *a, *b;
	static uint8_t buf[1 << 20];
	struct tern_stats s0, s1;
	struct ltap *t = f->tap;
	uint64_t v0, t_end, i;
	uint32_t mss = 1448;
	ssize_t n;

	/*
	 * A's pool holds the send buffer, the frames on the wire (sent by
	 * pointer) and what B queues of them; B's only its ACKs.
	 */
	harness_set_pool_size(flight < 10000 ? 0 : 3 * flight + 32768);
	cp.sndbuf = flight * mss;
	make_pair(f, &cfg, delay, &lp, &cp, &l, &a, &b);
	tap_start(f, a, false);
	assert_int_equal(t->mss, mss);
	/* ramp up until the whole send buffer is in flight, with room in the pipe */
	for (i = 0; i < 60 * SEC / MS; i++) {
		while ((n = tern_tcp_write(a, buf, RTE_MIN(sizeof(buf),
							   (size_t)tern_tcp_tx_space(a)))) > 0)
			;
		harness_run(f->h, MS);
		while (tern_tcp_read(b, buf, sizeof(buf)) > 0)
			;
		if (a->rec->rtxq.nb >= flight * 9 / 10 && a->cc->cwnd >= 2 * flight * mss)
			break;
	}
	printf("%u in flight after %.2f s (cwnd %u segments)\n", a->rec->rtxq.nb,
	       (double)harness_now(f->h) / SEC, a->cc->cwnd / mss);
	assert_true(a->rec->rtxq.nb >= flight * 9 / 10);
	s0 = harness_stats(f->h, HARNESS_A);
	v0 = tcp_rtxq_visits(a);
	t->every = flight / 10;
	t->window = flight;
	w->max_inflight = 0;
	t_end = harness_now(f->h) + 8 * rtt;
	while (harness_now(f->h) < t_end) {
		while ((n = tern_tcp_write(a, buf, RTE_MIN(sizeof(buf),
							   (size_t)tern_tcp_tx_space(a)))) > 0)
			;
		harness_run(f->h, MS);
		while (tern_tcp_read(b, buf, sizeof(buf)) > 0)
			;
		if (harness_now(f->h) % (10 * MS) == 0)
			dbg_state("work", f->h, a);
		/*
		 * The send buffer goes out in one burst a round trip and its
		 * ACKs come back in one step: the queue is full when they start
		 * and empties as they go; its fullest is the window.
		 */
		w->max_inflight = RTE_MAX(w->max_inflight, a->rec->rtxq.nb);
	}
	s1 = harness_stats(f->h, HARNESS_A);
	w->acks = s1.tcp_in_segs - s0.tcp_in_segs;
	w->visits = tcp_rtxq_visits(a) - v0;
	w->walked = s1.tcp_sack_walked - s0.tcp_sack_walked;
	w->splits = s1.tcp_sack_splits - s0.tcp_sack_splits;
	w->dropped = t->nb_periodic;
	w->rto = s1.tcp_rto_fired - s0.tcp_rto_fired;
	printf("%u segments in flight (at most %u in the queue, %" PRIu64 " lost): %" PRIu64
	       " ACKs, %" PRIu64 " tree visits, %" PRIu64 " segments walked, %" PRIu64
	       " splits, %" PRIu64 " RTOs: %.2f per ACK\n", flight, w->max_inflight, w->dropped,
	       w->acks, w->visits, w->walked, w->splits, w->rto,
	       (double)(w->visits + w->walked) / (double)w->acks);
	fflush(stdout);
	assert_true(w->acks > 0);
	assert_int_equal(w->dropped, 10);
	assert_int_equal(w->rto, 0);
	t->every = 0;
	finish(f, l, a, b, delay);
}

/*
 * Each per-ACK step on the retransmit queue is O(log n). With
 * 1,000 and then 100,000 segments in flight and the same ten losses a
 * window, the work per ACK grows by log(100,000) / log(1,000) = 1.7 if
 * logarithmic, by 100 if linear: it must grow by less than 3.
 */
static void
test_per_ack_work_logarithmic_in_segments_in_flight(void **state)
{
	struct fixture *f = *state;
	struct work small = { 0 }, big = { 0 };
	double ws, wb;

	harness_seed(__func__, 1);	/* no impairment: a fixed pattern of losses */
	per_ack_work(f, 1000, &small);
	assert_int_equal(teardown(state), 0);
	assert_int_equal(setup(state), 0);
	f = *state;
	per_ack_work(f, 100000, &big);
	ws = (double)(small.visits + small.walked) / (double)small.acks;
	wb = (double)(big.visits + big.walked) / (double)big.acks;
	printf("work per ACK: %.2f at 1,000 in flight, %.2f at 100,000: ratio %.2f "
	       "(log: %.2f, linear: 100)\n", ws, wb, wb / ws, log(100000.0) / log(1000.0));
	assert_true(big.max_inflight >= 100000);
	assert_true(small.max_inflight >= 1000);
	assert_true(wb / ws < 3.0);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_rfc6675_rfc8985_single_loss_fast_retransmit),
		T(test_rfc6675_multiple_losses_one_window_one_recovery),
		T(test_rfc8985_6_2_lost_retransmission_detected_by_rack),
		T(test_rfc8985_7_tail_loss_probe_repairs_without_rto),
		T(test_rfc5681_3_1_rto_resends_one_mss_of_a_tso_entry),
		T(test_rfc5681_4_1_restart_window_after_idle),
		T(test_idle_restart_off_keeps_the_window),
		T(test_rfc2883_rfc3708_spurious_retransmit_undone_by_dsack),
		T(test_ack_loss_rfc5681_cumulative_acks_need_no_retransmission),
		T(test_rfc6582_newreno_partial_ack_resends_next_hole),
		T(test_rfc3042_limited_transmit_on_first_two_dupacks),
		T(test_per_ack_work_logarithmic_in_segments_in_flight),
		T(test_transfer_100mb_loss_0pct_sack),
		T(test_transfer_100mb_loss_0pct_nosack),
		T(test_transfer_100mb_loss_1pct_sack),
		T(test_transfer_100mb_loss_1pct_nosack),
		T(test_transfer_100mb_loss_5pct_sack),
		T(test_transfer_100mb_loss_5pct_nosack),
		T(test_transfer_100mb_loss_10pct_sack),
		T(test_transfer_100mb_loss_10pct_nosack),
		T(test_transfer_100mb_loss_30pct_sack),
		T(test_transfer_100mb_loss_30pct_nosack),
	};
	int ret;

	/* the per-ACK test's pools: 2 x ~465,000 mbufs of ~2.4 kB */
	if (harness_eal_init_mem("test_stack_tcp_loss", 6144) != 0)
		return 1;
	if (getenv("TERN_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("TERN_TEST_FILTER"));	/* e.g. "*30pct*" */
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	harness_eal_fini();
	return ret;
}
