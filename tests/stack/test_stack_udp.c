/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * UDP between two stacks through the harness (stack_harness.h), with and
 * without impairment on the A->B link: 10,000 datagrams, each carrying its
 * number, its send time and a pattern derived from its number, go from A to
 * B; what B receives is checked byte for byte and logged in arrival order.
 * The seeded decisions of the impairment layer are predicted here with a
 * reference generator written from tern_impair.h alone, so "5% loss" means
 * exactly these datagrams. The impairment spec parser is tested here too.
 * Every test ends with nothing pending and both pools whole.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack_harness.h"

#include <rte_byteorder.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#define MS		HARNESS_MS
#define N_DGRAMS	10000u
#define PER_STEP	100u		/* datagrams sent per 1 ms step */
#define DRAIN_NS	(100 * MS)	/* run after the last send */
#define PAYLOAD		32
#define PORT_B		7000
#define DEF_SEED	0x5eed2026ULL

struct fixture {
	struct harness *h;
	uint32_t *log;			/* datagram numbers in arrival order */
	uint32_t nb_log;
	uint32_t cap;
	uint32_t bad;			/* datagrams with wrong bytes */
	uint64_t lat_min, lat_max;	/* send to receive, at step granularity */
};

/* ---- the reference generator (tern_impair.h: splitmix64, 53-bit draws) ---- */

static uint64_t
ref_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static bool
ref_chance(uint64_t *s, double p)
{
	if (p <= 0)
		return false;
	return (double)(ref_next(s) >> 11) * 0x1.0p-53 < p;
}

/* ---- datagrams ---- */

static void
payload_fill(uint8_t *b, uint32_t seq, uint64_t t)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		b[i] = (uint8_t)(seq >> (24 - 8 * i));
	memcpy(b + 4, &t, sizeof(t));
	for (i = 12; i < PAYLOAD; i++)
		b[i] = (uint8_t)(seq * 7 + i);
}

/* @return the datagram's number, or UINT32_MAX if its bytes are wrong. */
static uint32_t
payload_check(const uint8_t *b, ssize_t len, uint64_t *t)
{
	uint32_t seq;
	unsigned int i;

	if (len != PAYLOAD)
		return UINT32_MAX;
	seq = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	memcpy(t, b + 4, sizeof(*t));
	for (i = 12; i < PAYLOAD; i++)
		if (b[i] != (uint8_t)(seq * 7 + i))
			return UINT32_MAX;
	return seq < N_DGRAMS ? seq : UINT32_MAX;
}

static struct tern_udp_stream *
stream_open(struct harness *h, enum harness_side side, uint8_t family, uint16_t port,
	    const struct tern_sockaddr *remote)
{
	struct tern_udp_param p;
	struct tern_udp_stream *s;

	memset(&p, 0, sizeof(p));
	p.local = harness_addr(side, family, port);
	if (remote != NULL)
		p.remote = *remote;
	p.rxq_size = 16384;
	s = tern_udp_open(harness_ctx(h, side), &p);
	assert_non_null(s);
	return s;
}

/* Take what B has received, check it, log it. */
static void
drain(struct fixture *f, struct tern_udp_stream *s)
{
	uint8_t buf[2048];
	uint64_t t, lat;
	uint32_t seq;
	ssize_t len;

	while ((len = tern_udp_recvfrom(s, buf, sizeof(buf), NULL)) != -EAGAIN) {
		seq = payload_check(buf, len, &t);
		if (seq == UINT32_MAX) {
			f->bad++;
			continue;
		}
		lat = harness_now(f->h) - t;
		f->lat_min = RTE_MIN(f->lat_min, lat);
		f->lat_max = RTE_MAX(f->lat_max, lat);
		assert_true(f->nb_log < f->cap);
		f->log[f->nb_log++] = seq;
	}
}

/*
 * Send N_DGRAMS datagrams from A to B, PER_STEP per 1 ms step, then run
 * DRAIN_NS more; B's arrivals are in f->log. Ends with the streams closed,
 * nothing pending and both pools whole.
 */
static void
transfer(struct fixture *f, uint8_t family)
{
	struct tern_sockaddr to_b = harness_addr(HARNESS_B, family, PORT_B);
	struct tern_udp_stream *sa, *sb;
	uint8_t buf[PAYLOAD];
	uint32_t sent = 0, k;
	uint64_t t;

	sb = stream_open(f->h, HARNESS_B, family, PORT_B, NULL);
	sa = stream_open(f->h, HARNESS_A, family, 0, &to_b);
	f->lat_min = UINT64_MAX;
	while (sent < N_DGRAMS) {
		for (k = 0; k < PER_STEP && sent < N_DGRAMS; k++, sent++) {
			payload_fill(buf, sent, harness_now(f->h));
			assert_int_equal(tern_udp_sendto(sa, buf, PAYLOAD, NULL), PAYLOAD);
		}
		harness_run(f->h, HARNESS_STEP_NS);
		drain(f, sb);
	}
	for (t = 0; t < DRAIN_NS; t += HARNESS_STEP_NS) {
		harness_run(f->h, HARNESS_STEP_NS);
		drain(f, sb);
	}
	tern_udp_close(sa);
	tern_udp_close(sb);
	harness_run(f->h, 0);
	assert_int_equal(tern_ctx_pending(harness_ctx(f->h, HARNESS_A)), 0);
	assert_int_equal(tern_ctx_pending(harness_ctx(f->h, HARNESS_B)), 0);
	assert_true(harness_pools_back(f->h));
}

/* End of a test: everything torn down, every mbuf of both pools back. */
static void
finish(struct fixture *f)
{
	int ret = harness_destroy(f->h);

	f->h = NULL;
	assert_int_equal(ret, 0);
}

static struct tern_impair_param
impair(double loss, double dup, double reorder, double corrupt, uint64_t delay_ns,
       uint64_t seed)
{
	struct tern_impair_param p = {
		.loss = loss, .dup = dup, .reorder = reorder, .corrupt = corrupt,
		.delay_ns = delay_ns, .seed = seed,
	};

	return p;
}

static void
start(struct fixture *f, const struct tern_impair_param *a_to_b)
{
	f->h = harness_create(a_to_b, NULL);
	assert_non_null(f->h);
}

/* How many times each datagram arrived. */
static void
count_arrivals(const struct fixture *f, uint8_t *times)
{
	uint32_t i;

	memset(times, 0, N_DGRAMS);
	for (i = 0; i < f->nb_log; i++) {
		assert_true(times[f->log[i]] < UINT8_MAX);
		times[f->log[i]]++;
	}
}

/* Sum of B's drop_* counters. */
static uint64_t
drops(const struct tern_stats *st)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < TERN_STATS_COUNT; i++)
		if (strncmp(tern_stats_name(i), "drop_", 5) == 0)
			n += tern_stats_value(st, i);
	return n;
}

/* ---- the tests ---- */

static void
no_impairment(struct fixture *f, uint8_t family)
{
	struct tern_stats a, b;
	uint32_t i;

	start(f, NULL);
	transfer(f, family);
	assert_int_equal(f->bad, 0);
	assert_int_equal(f->nb_log, N_DGRAMS);
	for (i = 0; i < N_DGRAMS; i++)
		if (f->log[i] != i)
			fail_msg("arrival %u is datagram %u", i, f->log[i]);
	/* sent in one step, received in the same one */
	assert_int_equal(f->lat_max, HARNESS_STEP_NS);
	a = harness_stats(f->h, HARNESS_A);
	b = harness_stats(f->h, HARNESS_B);
	assert_int_equal(a.udp_out, N_DGRAMS);
	assert_int_equal(b.udp_in, N_DGRAMS);
	assert_int_equal(drops(&a), 0);
	assert_int_equal(drops(&b), 0);
	assert_int_equal(harness_frames_sent(f->h, HARNESS_A), N_DGRAMS);
	assert_int_equal(harness_frames_sent(f->h, HARNESS_B), 0);
	finish(f);
}

static void
test_ip4_10000_datagrams_arrive_in_order_without_impairment(void **state)
{
	no_impairment(*state, 4);
}

static void
test_ip6_10000_datagrams_arrive_in_order_without_impairment(void **state)
{
	no_impairment(*state, 6);
}

static void
test_loss_drops_exactly_the_datagrams_the_seed_picks(void **state)
{
	struct fixture *f = *state;
	uint64_t seed = harness_seed(__func__, DEF_SEED), s = seed;
	struct tern_impair_param p = impair(0.05, 0, 0, 0, 0, seed);
	uint8_t times[N_DGRAMS];
	uint32_t i, predicted = 0;
	struct tern_stats a;

	start(f, &p);
	transfer(f, 4);
	assert_int_equal(f->bad, 0);
	count_arrivals(f, times);
	for (i = 0; i < N_DGRAMS; i++) {
		bool lost = ref_chance(&s, p.loss);

		predicted += lost;
		if (times[i] != !lost)
			fail_msg("seed %" PRIu64 ": datagram %u arrived %u times, predicted %s",
				 seed, i, times[i], lost ? "lost" : "once");
	}
	/* about 5%, and in order */
	assert_in_range(predicted, N_DGRAMS / 40, N_DGRAMS / 10);
	for (i = 1; i < f->nb_log; i++)
		assert_true(f->log[i - 1] < f->log[i]);
	a = harness_stats(f->h, HARNESS_A);
	assert_int_equal(f->nb_log, N_DGRAMS - predicted);
	assert_int_equal(a.impair_dropped, predicted);
	assert_int_equal(a.udp_out, N_DGRAMS);
	assert_int_equal(harness_stats(f->h, HARNESS_B).udp_in, N_DGRAMS - predicted);
	finish(f);
}

static void
test_dup_delivers_the_duplicates_the_seed_picks(void **state)
{
	struct fixture *f = *state;
	uint64_t seed = harness_seed(__func__, DEF_SEED + 1), s = seed;
	struct tern_impair_param p = impair(0, 0.05, 0, 0, 0, seed);
	uint8_t times[N_DGRAMS];
	uint32_t i, predicted = 0;

	start(f, &p);
	transfer(f, 4);
	assert_int_equal(f->bad, 0);
	count_arrivals(f, times);
	for (i = 0; i < N_DGRAMS; i++) {
		bool dup = ref_chance(&s, p.dup);

		predicted += dup;
		if (times[i] != 1 + dup)
			fail_msg("seed %" PRIu64 ": datagram %u arrived %u times, predicted %u",
				 seed, i, times[i], 1 + dup);
	}
	assert_in_range(predicted, N_DGRAMS / 40, N_DGRAMS / 10);
	assert_int_equal(f->nb_log, N_DGRAMS + predicted);
	assert_int_equal(harness_stats(f->h, HARNESS_A).impair_duplicated, predicted);
	assert_int_equal(harness_frames_sent(f->h, HARNESS_A), N_DGRAMS + predicted);
	finish(f);
}

static void
test_reorder_changes_the_order_not_the_multiset(void **state)
{
	struct fixture *f = *state;
	uint64_t seed = harness_seed(__func__, DEF_SEED + 2), s = seed;
	struct tern_impair_param p = impair(0, 0, 0.05, 0, 0, seed);
	uint8_t times[N_DGRAMS];
	uint32_t i, predicted = 0, out_of_order = 0;
	struct tern_stats a;

	start(f, &p);
	transfer(f, 4);
	assert_int_equal(f->bad, 0);
	assert_int_equal(f->nb_log, N_DGRAMS);
	count_arrivals(f, times);
	for (i = 0; i < N_DGRAMS; i++)
		if (times[i] != 1)
			fail_msg("seed %" PRIu64 ": datagram %u arrived %u times", seed, i,
				 times[i]);
	for (i = 0; i < N_DGRAMS; i++) {
		if (ref_chance(&s, p.reorder)) {
			predicted++;
			ref_next(&s);	/* the hold */
		}
	}
	for (i = 1; i < N_DGRAMS; i++)
		out_of_order += f->log[i - 1] > f->log[i];
	assert_in_range(predicted, N_DGRAMS / 40, N_DGRAMS / 10);
	if (out_of_order == 0)
		fail_msg("seed %" PRIu64 ": every datagram arrived in order", seed);
	a = harness_stats(f->h, HARNESS_A);
	assert_int_equal(a.impair_reordered, predicted);
	assert_int_equal(a.impair_delayed, predicted);
	/* held at most TERN_IMPAIR_REORDER_MAX_NS, rounded up to the step */
	assert_true(f->lat_max <= HARNESS_STEP_NS + TERN_IMPAIR_REORDER_MAX_NS);
	finish(f);
}

static void
test_delay_50ms_holds_every_datagram_exactly_50ms(void **state)
{
	struct fixture *f = *state;
	struct tern_impair_param p = impair(0, 0, 0, 0, 50 * MS, 1);
	uint32_t i;

	start(f, &p);
	transfer(f, 4);
	assert_int_equal(f->bad, 0);
	assert_int_equal(f->nb_log, N_DGRAMS);
	for (i = 0; i < N_DGRAMS; i++)
		assert_int_equal(f->log[i], i);
	/* sent at t, arrived in the step ending at t + 50 ms */
	assert_int_equal(f->lat_min, 50 * MS);
	assert_int_equal(f->lat_max, 50 * MS);
	assert_int_equal(harness_stats(f->h, HARNESS_A).impair_delayed, N_DGRAMS);
	finish(f);
}

static void
test_delay_50ms_nothing_before_everything_after(void **state)
{
	struct fixture *f = *state;
	struct tern_impair_param p = impair(0, 0, 0, 0, 50 * MS, 1);
	struct tern_sockaddr to_b = harness_addr(HARNESS_B, 4, PORT_B);
	struct tern_udp_stream *sa, *sb;
	uint8_t buf[PAYLOAD];
	uint32_t i;

	start(f, &p);
	sb = stream_open(f->h, HARNESS_B, 4, PORT_B, NULL);
	sa = stream_open(f->h, HARNESS_A, 4, 0, &to_b);
	for (i = 0; i < 1000; i++) {
		payload_fill(buf, i, 0);
		assert_int_equal(tern_udp_sendto(sa, buf, PAYLOAD, NULL), PAYLOAD);
	}
	harness_run(f->h, 0);
	assert_int_equal(tern_ctx_pending(harness_ctx(f->h, HARNESS_A)), 1000);
	for (i = 0; i < 49; i++) {
		harness_run(f->h, MS);
		assert_int_equal(tern_udp_rx_count(sb), 0);
		assert_int_equal(harness_frames_sent(f->h, HARNESS_A), 0);
	}
	harness_run(f->h, MS);
	assert_int_equal(harness_now(f->h), 50 * MS);
	assert_int_equal(tern_udp_rx_count(sb), 1000);
	assert_int_equal(tern_ctx_pending(harness_ctx(f->h, HARNESS_A)), 0);
	f->lat_min = UINT64_MAX;
	drain(f, sb);
	assert_int_equal(f->nb_log, 1000);
	assert_int_equal(f->bad, 0);
	tern_udp_close(sa);
	tern_udp_close(sb);
	assert_true(harness_pools_back(f->h));
	finish(f);
}

static void
corrupt(struct fixture *f, uint8_t family, uint64_t seed)
{
	struct tern_impair_param p = impair(0, 0, 0, 0.05, 0, seed);
	uint8_t times[N_DGRAMS];
	struct tern_stats a, b;
	uint64_t dropped;
	uint32_t i;

	start(f, &p);
	transfer(f, family);
	a = harness_stats(f->h, HARNESS_A);
	b = harness_stats(f->h, HARNESS_B);
	dropped = drops(&b);
	printf("corrupted %" PRIu64 ": B dropped %" PRIu64 " (udp cksum %" PRIu64
	       ", ip4 cksum %" PRIu64 "), delivered %u\n", a.impair_corrupted, dropped,
	       b.drop_udp_cksum, b.drop_ip4_cksum, f->nb_log);
	/* never delivered with wrong bytes */
	if (f->bad != 0)
		fail_msg("seed %" PRIu64 ": %u datagrams delivered corrupted", seed, f->bad);
	count_arrivals(f, times);
	for (i = 0; i < N_DGRAMS; i++)
		assert_true(times[i] <= 1);
	assert_in_range(a.impair_corrupted, N_DGRAMS / 40, N_DGRAMS / 10);
	/* every datagram is delivered intact or dropped and counted */
	assert_int_equal(f->nb_log + dropped, N_DGRAMS);
	assert_true(dropped <= a.impair_corrupted);
	assert_true(b.drop_udp_cksum + b.drop_ip4_cksum > 0);
	if (family == 6)
		assert_true(b.drop_udp_cksum > 0);
	finish(f);
}

static void
test_ip4_corrupted_datagrams_are_dropped_by_checksum(void **state)
{
	corrupt(*state, 4, harness_seed(__func__, DEF_SEED + 3));
}

static void
test_ip6_corrupted_datagrams_are_dropped_by_checksum(void **state)
{
	corrupt(*state, 6, harness_seed(__func__, DEF_SEED + 4));
}

/* One run with every impairment at once; its arrivals stay in f->log. */
static void
mixed_run(struct fixture *f, uint64_t seed)
{
	struct tern_impair_param p = impair(0.02, 0.02, 0.02, 0.02, 5 * MS, seed);

	f->nb_log = 0;
	f->bad = 0;
	start(f, &p);
	transfer(f, 4);
	assert_int_equal(f->bad, 0);
	finish(f);
}

static void
test_same_seed_same_arrivals_other_seed_differs(void **state)
{
	struct fixture *f = *state;
	uint64_t seed = harness_seed(__func__, DEF_SEED + 5);
	uint32_t *first = calloc(f->cap, sizeof(*first)), n1, n2;
	bool same;

	assert_non_null(first);
	mixed_run(f, seed);
	n1 = f->nb_log;
	memcpy(first, f->log, n1 * sizeof(*first));
	mixed_run(f, seed);
	n2 = f->nb_log;
	same = n1 == n2 && memcmp(first, f->log, n1 * sizeof(*first)) == 0;
	if (!same) {
		free(first);
		fail_msg("seed %" PRIu64 ": two runs differ (%u and %u arrivals)", seed, n1, n2);
	}
	mixed_run(f, seed + 1);
	same = n1 == f->nb_log && memcmp(first, f->log, n1 * sizeof(*first)) == 0;
	free(first);
	if (same)
		fail_msg("seeds %" PRIu64 " and %" PRIu64 " gave the same arrivals", seed,
			 seed + 1);
}

/*
 * Pings both ways through a link corrupting 30% of what each side sends:
 * every IPv4 and ICMP byte is under a checksum, so every corrupted packet
 * is dropped and counted, and the rest is answered.
 */
static void
test_corrupted_pings_are_all_dropped_and_counted(void **state)
{
	struct fixture *f = *state;
	uint64_t seed = harness_seed(__func__, DEF_SEED + 6);
	struct tern_impair_param p = impair(0, 0, 0, 0.3, 0, seed);
	struct tern_impair_param q = impair(0, 0, 0, 0.3, 0, seed + 1);
	struct tern_sockaddr to_a = harness_addr(HARNESS_A, 4, 0);
	struct tern_stats a, b;
	uint32_t i;

	f->h = harness_create(&p, &q);
	assert_non_null(f->h);
	for (i = 0; i < 1000; i++) {
		assert_int_equal(tern_icmp4_echo(harness_ctx(f->h, HARNESS_B), to_a.ip4, 1,
						 (uint16_t)i, 56), 0);
		harness_run(f->h, HARNESS_STEP_NS);
	}
	a = harness_stats(f->h, HARNESS_A);
	b = harness_stats(f->h, HARNESS_B);
	printf("corrupted A->B %" PRIu64 ", B->A %" PRIu64 "; drops A %" PRIu64 ", B %" PRIu64
	       "; echo in %" PRIu64 ", replies in %" PRIu64 "\n", a.impair_corrupted,
	       b.impair_corrupted, drops(&a), drops(&b), a.icmp4_echo_in, b.icmp4_echo_rep_in);
	assert_true(a.impair_corrupted > 0 && b.impair_corrupted > 0);
	assert_int_equal(drops(&a), b.impair_corrupted);
	assert_int_equal(drops(&b), a.impair_corrupted);
	assert_int_equal(a.icmp4_echo_in, 1000 - b.impair_corrupted);
	assert_int_equal(b.icmp4_echo_rep_in, a.icmp4_echo_in - a.impair_corrupted);
	assert_int_equal(tern_ctx_pending(harness_ctx(f->h, HARNESS_A)), 0);
	assert_int_equal(tern_ctx_pending(harness_ctx(f->h, HARNESS_B)), 0);
	assert_true(harness_pools_back(f->h));
	finish(f);
}

static void
test_held_packets_are_pending_and_freed_by_destroy(void **state)
{
	struct fixture *f = *state;
	struct tern_impair_param p = impair(0, 0, 0, 0, 1000 * MS, 1);
	struct tern_sockaddr to_a = harness_addr(HARNESS_A, 6, PORT_B);
	struct tern_udp_stream *sb;
	uint8_t buf[PAYLOAD];
	uint32_t i;

	f->h = harness_create(NULL, &p);	/* B->A this time */
	assert_non_null(f->h);
	sb = stream_open(f->h, HARNESS_B, 6, 0, &to_a);
	for (i = 0; i < 100; i++) {
		payload_fill(buf, i, 0);
		assert_int_equal(tern_udp_sendto(sb, buf, PAYLOAD, NULL), PAYLOAD);
	}
	harness_run(f->h, 10 * MS);
	assert_int_equal(tern_ctx_pending(harness_ctx(f->h, HARNESS_B)), 100);
	assert_int_equal(harness_frames_sent(f->h, HARNESS_B), 0);
	assert_true(rte_mempool_avail_count(harness_pool(f->h, HARNESS_B)) + 100 <=
		    HARNESS_POOL_SIZE);
	tern_udp_close(sb);
	/* destroyed with 100 packets held: all back in the pool */
	finish(f);
}

static void
test_impair_parse_reads_percent_ms_and_seed(void **state)
{
	struct tern_impair_param p;

	(void)state;
	assert_int_equal(tern_impair_parse("loss=1,reorder=1,dup=1,delay=5,seed=42", &p), 0);
	assert_true(p.loss == 0.01 && p.reorder == 0.01 && p.dup == 0.01 && p.corrupt == 0);
	assert_int_equal(p.delay_ns, 5 * MS);
	assert_int_equal(p.seed, 42);
	assert_int_equal(tern_impair_parse("corrupt=0.5,delay=0.25,seed=0x10", &p), 0);
	assert_true(p.corrupt == 0.005 && p.loss == 0);
	assert_int_equal(p.delay_ns, 250000);
	assert_int_equal(p.seed, 16);
	assert_int_equal(tern_impair_parse("loss=100", &p), 0);
	assert_true(p.loss == 1.0);
	assert_int_equal(tern_impair_parse("seed=18446744073709551615", &p), 0);
	assert_int_equal(p.seed, UINT64_MAX);
}

static void
test_impair_parse_rejects_malformed_specs(void **state)
{
	static const char *const bad[] = {
		"", ",", "loss", "loss=", "=1", "loss=1,", ",loss=1", "loss=1,,dup=1",
		"loss=101", "loss=-1", "loss=+1", "loss= 1", "loss=1x", "loss=nan",
		"loss=inf", "jitter=1", "LOSS=1", "loss=1,loss=2", "delay=-5",
		"delay=3600001", "seed=-1", "seed=18446744073709551616", "seed=abc",
		"loss=1;dup=1", "dup=1=2",
	};
	struct tern_impair_param p, before;
	unsigned int i;

	(void)state;
	memset(&p, 0xa5, sizeof(p));
	before = p;
	for (i = 0; i < RTE_DIM(bad); i++) {
		if (tern_impair_parse(bad[i], &p) != -EINVAL)
			fail_msg("\"%s\" accepted", bad[i]);
		assert_memory_equal(&p, &before, sizeof(p));
	}
	assert_int_equal(tern_impair_parse(NULL, &p), -EINVAL);
	assert_int_equal(tern_impair_parse("loss=1", NULL), -EINVAL);
}

static void
test_set_impair_rejects_probabilities_out_of_range(void **state)
{
	struct fixture *f = *state;
	struct tern_impair_param p = impair(0, 0, 0, 0, 0, 1);
	struct tern_ctx *a;

	start(f, NULL);
	a = harness_ctx(f->h, HARNESS_A);
	p.loss = 1.5;
	assert_int_equal(tern_ctx_set_impair(a, &p), -EINVAL);
	p.loss = -0.1;
	assert_int_equal(tern_ctx_set_impair(a, &p), -EINVAL);
	p.loss = 0;
	p.dup = 0.0 / 0.0;
	assert_int_equal(tern_ctx_set_impair(a, &p), -EINVAL);
	p.dup = 0;
	assert_int_equal(tern_ctx_set_impair_dir(a, 0, &p), -EINVAL);
	assert_int_equal(tern_ctx_set_impair_dir(a, 4, &p), -EINVAL);
	assert_int_equal(tern_ctx_set_impair(a, &p), 0);
	assert_int_equal(tern_ctx_set_impair(a, NULL), 0);
	finish(f);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	f->cap = 2 * N_DGRAMS;
	f->log = calloc(f->cap, sizeof(*f->log));
	if (f->log == NULL) {
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

	if (f != NULL) {
		harness_destroy(f->h);
		free(f->log);
		free(f);
	}
	return 0;
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_ip4_10000_datagrams_arrive_in_order_without_impairment),
		T(test_ip6_10000_datagrams_arrive_in_order_without_impairment),
		T(test_loss_drops_exactly_the_datagrams_the_seed_picks),
		T(test_dup_delivers_the_duplicates_the_seed_picks),
		T(test_reorder_changes_the_order_not_the_multiset),
		T(test_delay_50ms_holds_every_datagram_exactly_50ms),
		T(test_delay_50ms_nothing_before_everything_after),
		T(test_ip4_corrupted_datagrams_are_dropped_by_checksum),
		T(test_ip6_corrupted_datagrams_are_dropped_by_checksum),
		T(test_same_seed_same_arrivals_other_seed_differs),
		T(test_corrupted_pings_are_all_dropped_and_counted),
		T(test_held_packets_are_pending_and_freed_by_destroy),
		T(test_impair_parse_reads_percent_ms_and_seed),
		T(test_impair_parse_rejects_malformed_specs),
		T(test_set_impair_rejects_probabilities_out_of_range),
	};
	int ret;

	if (harness_eal_init("test_stack_udp") != 0)
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	harness_eal_fini();
	return ret;
}
