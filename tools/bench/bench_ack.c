/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * tern-bench-ack: the time the sender spends on each ACK with 1,000 and
 * with 100,000 segments in flight and periodic loss. The scenario
 * is that of test_per_ack_work_logarithmic_in_segments_in_flight
 * (tests/stack/test_stack_tcp_loss.c), which counts the work per ACK
 * deterministically; this program times it with the TSC instead:
 *
 * - two contexts in the stack harness, a 50 ms delay line each way, no
 *   TSO or GRO (where the build has them), A's send buffer holding exactly
 *   the segments to keep in flight, B's receive buffer the largest;
 * - ramp up until the send buffer is in flight, then lose every
 *   (flight / 10)-th first transmission for one window (ten losses) and,
 *   over the next 8 round trips, add up the TSC cycles A spends in
 *   tern_ctx_input() of the ACK bursts B sends (harness_side_cycles(): the
 *   ACK processing and the output it triggers) and the ACKs (tcp_in_segs);
 * - a fresh pair for each of --runs repetitions (5), after one warm-up run
 *   that is not counted (the first run at a size faults in the pools'
 *   memory and warms the caches), the median per size.
 *
 * Prints the TSC rate, the ACKs and the median cycles (and ns) per ACK at
 * both sizes, their ratio, and one machine-readable line:
 *
 * RESULT workload=ack-cost inflight_1k_cycles_per_ack=<x>
 *        inflight_100k_cycles_per_ack=<x> ratio=<x> tsc_hz=<n>
 *
 * Every mbuf must come back to its pool after each run (else exit 1).
 * Usage: tern-bench-ack [--runs N]
 */
#include "tcp_test.h"

#include <rte_cycles.h>

#include "tern_tcp_priv.h"	/* rtxq.nb, cc.cwnd, snd_nxt: the ramp-up reads them */

#ifdef TERN_TCP_CFG_NO_TSO
#define BENCH_CFG_FLAGS	(TERN_TCP_CFG_NO_TSO | TERN_TCP_CFG_NO_GRO)
#else
#define BENCH_CFG_FLAGS	0u
#endif

#define MAX_RUNS	15

/* The tap: periodic loss of A's first transmissions while `window` lasts. */
struct ptap {
	uint64_t every;
	uint64_t window;
	uint64_t first_tx;
	uint64_t nb_dropped;
	uint32_t high;			/* end of the highest data seen */
	bool have_high;
};

static bool
ptap_fn(void *arg, enum harness_side from, struct rte_mbuf *m, uint64_t now_ns)
{
	struct ptap *t = arg;
	struct seg_rec r;

	(void)now_ns;
	if (from != HARNESS_A || !seg_parse(m, &r) || r.len == 0)
		return false;
	if (t->have_high && (int32_t)(r.seq - t->high) < 0)
		return false;		/* a retransmission */
	t->high = r.seq + r.len;
	t->have_high = true;
	t->first_tx++;
	if (t->window == 0)
		return false;
	t->window--;
	if (t->every != 0 && t->first_tx % t->every == 0) {
		t->nb_dropped++;
		return true;
	}
	return false;
}

struct sample {
	uint64_t acks;
	uint64_t cycles;
	uint64_t dropped;
	uint64_t rto;
	uint32_t max_inflight;
	double wall_s;
};

static void
pump(struct harness *h, struct tern_tcp_stream *a, struct tern_tcp_stream *b)
{
	static uint8_t buf[1 << 20];

	while (tern_tcp_write(a, buf, RTE_MIN(sizeof(buf), (size_t)tern_tcp_tx_space(a))) > 0)
		;
	harness_run(h, MS);
	while (tern_tcp_read(b, buf, sizeof(buf)) > 0)
		;
}

/* One run at @flight segments in flight. @return 0, -1 (a leak, a failure). */
static int
run_once(uint32_t flight, struct sample *w)
{
	const uint64_t delay = 50 * MS, rtt = 2 * delay;
	const uint32_t mss = 1448;
	struct tern_tcp_config cfg = { .flags = BENCH_CFG_FLAGS };
	struct tern_tcp_param lp = { .rcvbuf = TCP_MAX_BUF };
	struct tern_tcp_param cp = { .sndbuf = flight * mss };
	struct tern_tcp_stream *l, *a, *b;
	struct ptap tap = { 0 };
	struct tern_stats s0, s1;
	struct tern_tcp_info ia;
	struct harness *h;
	uint64_t c0, t_end, i, w0;
	int ret = 0;

	memset(w, 0, sizeof(*w));
	w0 = rte_rdtsc();
	harness_set_pool_size(flight < 10000 ? 0 : 3 * flight + 32768);
	h = harness_create_tcp(NULL, NULL, &cfg);
	if (h == NULL)
		return -1;
	harness_set_wire_delay(h, delay);
	l = tcp_listen_b(h, 4, &lp);
	a = tcp_connect_a(h, 4, &cp);
	b = tcp_accept_b(h, l, 5 * SEC);
	if (b == NULL || tern_tcp_state(a) != TERN_TCP_ESTABLISHED) {
		fprintf(stderr, "bench-ack: no connection\n");
		harness_destroy(h);
		return -1;
	}
	tern_tcp_info(a, &ia);
	if (ia.mss != mss)
		fprintf(stderr, "bench-ack: MSS %u, not %u\n", ia.mss, mss);
	tap.have_high = true;
	tap.high = a->snd_nxt;
	harness_set_tap(h, ptap_fn, &tap);
	for (i = 0; i < 60 * SEC / MS; i++) {
		pump(h, a, b);
		if (a->rec->rtxq.nb >= flight * 9 / 10 && a->cc->cwnd >= 2 * flight * mss)
			break;
	}
	if (a->rec->rtxq.nb < flight * 9 / 10) {
		fprintf(stderr, "bench-ack: only %u of %u in flight\n", a->rec->rtxq.nb, flight);
		ret = -1;
	}
	s0 = harness_stats(h, HARNESS_A);
	c0 = harness_side_cycles(h, HARNESS_A);
	tap.every = flight / 10;
	tap.window = flight;
	t_end = harness_now(h) + 8 * rtt;
	while (ret == 0 && harness_now(h) < t_end) {
		pump(h, a, b);
		w->max_inflight = RTE_MAX(w->max_inflight, a->rec->rtxq.nb);
	}
	s1 = harness_stats(h, HARNESS_A);
	w->cycles = harness_side_cycles(h, HARNESS_A) - c0;
	w->acks = s1.tcp_in_segs - s0.tcp_in_segs;
	w->rto = s1.tcp_rto_fired - s0.tcp_rto_fired;
	w->dropped = tap.nb_dropped;

	/* as the tests' finish(): abort both ends, drain, every mbuf back */
	harness_set_tap(h, NULL, NULL);
	tern_tcp_abort(a);
	tern_tcp_abort(b);
	tern_tcp_close(l);
	harness_run(h, 2 * delay + 20 * MS);
	if (tern_tcp_nb_conns(harness_ctx(h, HARNESS_A)) != 0 ||
	    tern_tcp_nb_conns(harness_ctx(h, HARNESS_B)) != 0 ||
	    tern_ctx_pending(harness_ctx(h, HARNESS_A)) != 0 ||
	    tern_ctx_pending(harness_ctx(h, HARNESS_B)) != 0 || !harness_pools_back(h))
		ret = -1;
	if (harness_destroy(h) != 0)
		ret = -1;
	harness_set_pool_size(0);
	w->wall_s = (double)(rte_rdtsc() - w0) / (double)rte_get_tsc_hz();
	if (w->acks == 0 || w->dropped != 10)
		ret = -1;
	if (ret != 0)
		fprintf(stderr, "bench-ack: run at %u in flight failed (%" PRIu64 " ACKs, %"
			PRIu64 " lost, mbufs or connections left over?)\n", flight, w->acks,
			w->dropped);
	return ret;
}

static int
cmp_dbl(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

/* @runs runs at @flight in flight: @return the median cycles per ACK, or -1. */
static double
measure(uint32_t flight, unsigned int runs, double hz)
{
	double cpa[MAX_RUNS], med;
	struct sample w;
	unsigned int r;

	if (run_once(flight, &w) != 0)	/* warm-up, not counted */
		return -1;
	printf("  %6u in flight, warm-up: %.1f s\n", flight, w.wall_s);
	for (r = 0; r < runs; r++) {
		if (run_once(flight, &w) != 0)
			return -1;
		cpa[r] = (double)w.cycles / (double)w.acks;
		printf("  %6u in flight, run %u: %" PRIu64 " ACKs, %" PRIu64 " lost, %" PRIu64
		       " RTOs, at most %u queued: %.0f cycles/ACK (%.1f ns), %.1f s\n", flight,
		       r + 1, w.acks, w.dropped, w.rto, w.max_inflight, cpa[r],
		       cpa[r] * 1e9 / hz, w.wall_s);
		fflush(stdout);
	}
	qsort(cpa, runs, sizeof(cpa[0]), cmp_dbl);
	med = runs % 2 ? cpa[runs / 2] : (cpa[runs / 2 - 1] + cpa[runs / 2]) / 2;
	printf("%6u in flight: median %.0f cycles/ACK, %.1f ns/ACK (min %.0f, max %.0f) over %u"
	       " runs\n", flight, med, med * 1e9 / hz, cpa[0], cpa[runs - 1], runs);
	return med;
}

int
main(int argc, char **argv)
{
	unsigned int runs = 5;
	double hz, small, big;
	uint64_t t0;
	int ret = 0;

	if (argc == 3 && strcmp(argv[1], "--runs") == 0) {
		runs = (unsigned int)atoi(argv[2]);
	} else if (argc != 1) {
		fprintf(stderr, "usage: %s [--runs N]\n", argv[0]);
		return 2;
	}
	if (runs == 0 || runs > MAX_RUNS) {
		fprintf(stderr, "bench-ack: --runs 1..%d\n", MAX_RUNS);
		return 2;
	}
	/* the 100,000 pools: 2 x ~332,000 mbufs of ~2.4 kB, as the test's */
	if (harness_eal_init_mem("tern_bench_ack", 6144) != 0)
		return 1;
	hz = (double)rte_get_tsc_hz();
	t0 = rte_rdtsc();
	printf("ack-cost: TSC %.0f Hz; the sender's cycles in tern_ctx_input() per ACK, "
	       "8 round trips after ten losses in one window; median of %u runs\n", hz, runs);
	small = measure(1000, runs, hz);
	big = small < 0 ? -1 : measure(100000, runs, hz);
	if (small <= 0 || big <= 0) {
		ret = 1;
	} else {
		printf("ratio 100,000 / 1,000: %.2f (log: %.2f, linear: 100); %.1f s\n",
		       big / small, 5.0 / 3.0, (double)(rte_rdtsc() - t0) / hz);
		printf("RESULT workload=ack-cost inflight_1k_cycles_per_ack=%.0f "
		       "inflight_100k_cycles_per_ack=%.0f ratio=%.2f tsc_hz=%" PRIu64 "\n",
		       small, big, big / small, rte_get_tsc_hz());
	}
	fflush(stdout);
	harness_eal_fini();
	return ret;
}
