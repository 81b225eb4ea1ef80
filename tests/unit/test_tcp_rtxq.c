/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * The TCP retransmit queue (lib/tcp/tcp_rtxq.c): a red-black tree of
 * segments ordered by sequence number. Every structural test runs
 * tcp_rtxq_check() (order, colours, black height, parent pointers,
 * cached ends, count, no overlap) after batches of changes and compares the
 * in-order walk with a reference; one test shows that check() catches each
 * broken rule. Needs neither EAL nor mbufs: the tree never touches seg->m.
 *
 * The random tests use a seeded PRNG; the seed is printed and can be set
 * with TERN_TEST_SEED=<number> to replay a failure.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_common.h"

#include "tern_tcp_seq.h"
#include "tcp_rtxq.h"

#define DEFAULT_SEED	0x5eedc0de2026ull
#define BIG_N		100000u
#define BATCH		1000u	/* check() after this many changes */
#define SEG_LEN		100u	/* bytes of every segment in the regular layouts */

/* ---------------------------------------------------------------------- */
/* Helpers */

static uint64_t rng_state;

/* splitmix64: small, full period, good enough to shuffle. */
static uint64_t
rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform-enough value in [0, n). */
static uint32_t
rng_below(uint32_t n)
{
	return (uint32_t)(rng_next() % n);
}

/* Seed the PRNG from TERN_TEST_SEED or the default, and print it. */
static uint64_t
rng_seed(const char *test)
{
	const char *env = getenv("TERN_TEST_SEED");
	uint64_t seed = env != NULL ? strtoull(env, NULL, 0) : DEFAULT_SEED;

	rng_state = seed;
	print_message("%s: seed 0x%llx (TERN_TEST_SEED to replay)\n", test,
		      (unsigned long long)seed);
	return seed;
}

/* @n zeroed segments; seg i starts at base + i * stride and spans len. */
static struct tern_tcp_seg *
segs_make(uint32_t n, uint32_t base, uint32_t stride, uint32_t len)
{
	struct tern_tcp_seg *s = calloc(n, sizeof(*s));
	uint32_t i;

	assert_non_null(s);
	for (i = 0; i < n; i++) {
		s[i].seq = base + i * stride;
		s[i].len = len;
	}
	return s;
}

/* 0..n-1 in a random order. */
static uint32_t *
perm_make(uint32_t n)
{
	uint32_t *p = malloc(n * sizeof(*p));
	uint32_t i, j, t;

	assert_non_null(p);
	for (i = 0; i < n; i++)
		p[i] = i;
	for (i = n - 1; i > 0; i--) {
		j = rng_below(i + 1);
		t = p[i];
		p[i] = p[j];
		p[j] = t;
	}
	return p;
}

#define assert_rtxq_valid(q) assert_int_equal(tcp_rtxq_check(q), 0)

/*
 * Walk @q forwards from first and backwards from last and assert both walks
 * meet exactly the segments of @segs whose @present flag is set (all of
 * them if @present is NULL), in index order.
 */
static void
assert_walk(const struct tern_tcp_rtxq *q, struct tern_tcp_seg *segs, const bool *present,
	    uint32_t n)
{
	const struct tern_tcp_seg *s = tcp_rtxq_first(q);
	uint32_t i, nb = 0;

	for (i = 0; i < n; i++) {
		if (present != NULL && !present[i])
			continue;
		assert_ptr_equal(s, &segs[i]);
		s = tcp_rtxq_next(s);
		nb++;
	}
	assert_null(s);
	assert_int_equal(q->nb, nb);

	s = tcp_rtxq_last(q);
	for (i = n; i-- > 0;) {
		if (present != NULL && !present[i])
			continue;
		assert_ptr_equal(s, &segs[i]);
		s = tcp_rtxq_prev(s);
	}
	assert_null(s);
}

/* Whether @v <= 2 log2(n + 1), in integers: 2^v <= (n + 1)^2. */
static bool
within_2log2(uint64_t v, uint64_t n)
{
	return v < 64 && (UINT64_C(1) << v) <= (n + 1) * (n + 1);
}

/* Insert every segment of @segs in the order @order (NULL: index order). */
static void
insert_all(struct tern_tcp_rtxq *q, struct tern_tcp_seg *segs, const uint32_t *order, uint32_t n,
	   bool check_batches)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		assert_int_equal(tcp_rtxq_insert(q, &segs[order != NULL ? order[i] : i]), 0);
		if (check_batches && (i + 1) % BATCH == 0) {
			assert_int_equal(q->nb, i + 1);
			assert_rtxq_valid(q);
		}
	}
	assert_rtxq_valid(q);
}

/* ---------------------------------------------------------------------- */
/* Basics */

static void
test_rtxq_empty_queue(void **state)
{
	struct tern_tcp_rtxq q;

	(void)state;
	memset(&q, 0xa5, sizeof(q));
	tcp_rtxq_init(&q);
	assert_true(tcp_rtxq_empty(&q));
	assert_null(tcp_rtxq_first(&q));
	assert_null(tcp_rtxq_last(&q));
	assert_int_equal(q.nb, 0);
	assert_int_equal(q.visits, 0);
	assert_null(tcp_rtxq_find(&q, 0));
	assert_null(tcp_rtxq_find(&q, 0x80000000u));
	assert_null(tcp_rtxq_find_ge(&q, 0));
	assert_int_equal(q.visits, 0);
	assert_rtxq_valid(&q);
}

static void
test_rtxq_single_segment_in_and_out(void **state)
{
	struct tern_tcp_rtxq q;
	struct tern_tcp_seg s;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.seq = 1000;
	s.len = 1;
	s.flags = TERN_TCP_SEG_SYN;
	tcp_rtxq_init(&q);
	assert_int_equal(tcp_rtxq_insert(&q, &s), 0);
	assert_false(tcp_rtxq_empty(&q));
	assert_ptr_equal(tcp_rtxq_first(&q), &s);
	assert_ptr_equal(tcp_rtxq_last(&q), &s);
	assert_null(tcp_rtxq_next(&s));
	assert_null(tcp_rtxq_prev(&s));
	assert_ptr_equal(tcp_rtxq_find(&q, 1000), &s);
	assert_null(tcp_rtxq_find(&q, 1001));
	assert_null(tcp_rtxq_find(&q, 999));
	assert_rtxq_valid(&q);

	tcp_rtxq_unlink(&q, &s);
	assert_true(tcp_rtxq_empty(&q));
	assert_null(tcp_rtxq_first(&q));
	assert_null(tcp_rtxq_last(&q));
	assert_int_equal(q.nb, 0);
	assert_rtxq_valid(&q);
	/* The node is cleared, the rest of the segment is not touched. */
	assert_null(s.rb.left);
	assert_null(s.rb.right);
	assert_int_equal(s.rb.parent_color, 0);
	assert_int_equal(s.flags, TERN_TCP_SEG_SYN);
	assert_int_equal(s.seq, 1000);
}

/* ---------------------------------------------------------------------- */
/* Insertion */

static void
test_rtxq_insert_in_order_100k(void **state)
{
	struct tern_tcp_seg *segs = segs_make(BIG_N, 1, SEG_LEN, SEG_LEN);
	struct tern_tcp_rtxq q;

	(void)state;
	tcp_rtxq_init(&q);
	insert_all(&q, segs, NULL, BIG_N, true);
	assert_ptr_equal(tcp_rtxq_first(&q), &segs[0]);
	assert_ptr_equal(tcp_rtxq_last(&q), &segs[BIG_N - 1]);
	assert_walk(&q, segs, NULL, BIG_N);
	free(segs);
}

static void
test_rtxq_insert_reverse_order_100k(void **state)
{
	struct tern_tcp_seg *segs = segs_make(BIG_N, 0x40000000u, SEG_LEN, SEG_LEN);
	struct tern_tcp_rtxq q;
	uint32_t i;

	(void)state;
	tcp_rtxq_init(&q);
	for (i = BIG_N; i-- > 0;) {
		assert_int_equal(tcp_rtxq_insert(&q, &segs[i]), 0);
		assert_ptr_equal(tcp_rtxq_first(&q), &segs[i]);
		if ((BIG_N - i) % BATCH == 0) {
			assert_int_equal(q.nb, BIG_N - i);
			assert_rtxq_valid(&q);
		}
	}
	assert_rtxq_valid(&q);
	assert_ptr_equal(tcp_rtxq_last(&q), &segs[BIG_N - 1]);
	assert_walk(&q, segs, NULL, BIG_N);
	free(segs);
}

static void
test_rtxq_insert_random_order_100k(void **state)
{
	struct tern_tcp_seg *segs = segs_make(BIG_N, 0x12345678u, SEG_LEN, SEG_LEN);
	struct tern_tcp_rtxq q;
	uint32_t *order;

	(void)state;
	rng_seed(__func__);
	order = perm_make(BIG_N);
	tcp_rtxq_init(&q);
	insert_all(&q, segs, order, BIG_N, true);
	assert_ptr_equal(tcp_rtxq_first(&q), &segs[0]);
	assert_ptr_equal(tcp_rtxq_last(&q), &segs[BIG_N - 1]);
	assert_walk(&q, segs, NULL, BIG_N);
	free(order);
	free(segs);
}

static void
test_rtxq_duplicate_seq_rejected_with_eexist(void **state)
{
	struct tern_tcp_seg *segs = segs_make(64, 5000, SEG_LEN, SEG_LEN);
	struct tern_tcp_seg dup;
	struct tern_tcp_rtxq q;
	const uint32_t at[] = { 0, 1, 31, 32, 62, 63 };
	unsigned int i;

	(void)state;
	tcp_rtxq_init(&q);
	insert_all(&q, segs, NULL, 64, false);
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		memset(&dup, 0, sizeof(dup));
		dup.seq = segs[at[i]].seq;
		dup.len = 10;	/* a different length does not matter: seq decides */
		assert_int_equal(tcp_rtxq_insert(&q, &dup), -EEXIST);
		assert_int_equal(q.nb, 64);
		assert_ptr_equal(tcp_rtxq_find(&q, dup.seq), &segs[at[i]]);
		assert_rtxq_valid(&q);
	}
	/* The same segment twice. */
	assert_int_equal(tcp_rtxq_insert(&q, &segs[40]), -EEXIST);
	assert_rtxq_valid(&q);
	assert_walk(&q, segs, NULL, 64);
	free(segs);
}

/* Appending after the last segment compares one node, whatever the size. */
static void
test_rtxq_append_fast_path_visits_one_node(void **state)
{
	struct tern_tcp_seg *segs = segs_make(BIG_N, 7, SEG_LEN, SEG_LEN);
	struct tern_tcp_rtxq q;
	uint64_t before;
	uint32_t i;

	(void)state;
	tcp_rtxq_init(&q);
	for (i = 0; i < BIG_N; i++) {
		before = q.visits;
		assert_int_equal(tcp_rtxq_insert(&q, &segs[i]), 0);
		assert_int_equal(q.visits - before, i == 0 ? 0 : 1);
	}
	assert_rtxq_valid(&q);
	/* The tree is still balanced: the fast path rebalances too. */
	before = q.visits;
	assert_ptr_equal(tcp_rtxq_find(&q, segs[BIG_N / 3].seq), &segs[BIG_N / 3]);
	assert_true(within_2log2(q.visits - before, BIG_N));
	free(segs);
}

/* ---------------------------------------------------------------------- */
/* Lookup */

static void
test_rtxq_find_start_middle_last_byte_and_gaps(void **state)
{
	/* Segments of 100 every 200: a gap of 100 after each. */
	struct tern_tcp_seg *segs = segs_make(1000, 10000, 200, SEG_LEN);
	struct tern_tcp_seg syn;
	struct tern_tcp_rtxq q;
	uint32_t *order;
	uint32_t i, seq;

	(void)state;
	rng_seed(__func__);
	order = perm_make(1000);
	tcp_rtxq_init(&q);
	insert_all(&q, segs, order, 1000, false);
	for (i = 0; i < 1000; i++) {
		seq = segs[i].seq;
		assert_ptr_equal(tcp_rtxq_find(&q, seq), &segs[i]);
		assert_ptr_equal(tcp_rtxq_find(&q, seq + SEG_LEN / 2), &segs[i]);
		assert_ptr_equal(tcp_rtxq_find(&q, seq + SEG_LEN - 1), &segs[i]);
		assert_null(tcp_rtxq_find(&q, seq + SEG_LEN));
		assert_null(tcp_rtxq_find(&q, seq + 150));
		assert_null(tcp_rtxq_find(&q, seq + 199));
	}
	/* Before the first, after the last, and half the space away. */
	assert_null(tcp_rtxq_find(&q, 9999));
	assert_null(tcp_rtxq_find(&q, 0));
	assert_null(tcp_rtxq_find(&q, tcp_seg_end(&segs[999])));
	assert_null(tcp_rtxq_find(&q, 10000 + 0x80000000u));

	/* A one-byte segment (a SYN) just below the first. */
	memset(&syn, 0, sizeof(syn));
	syn.seq = 9999;
	syn.len = 1;
	syn.flags = TERN_TCP_SEG_SYN;
	assert_int_equal(tcp_rtxq_insert(&q, &syn), 0);
	assert_ptr_equal(tcp_rtxq_first(&q), &syn);
	assert_ptr_equal(tcp_rtxq_find(&q, 9999), &syn);
	assert_ptr_equal(tcp_rtxq_find(&q, 10000), &segs[0]);
	assert_null(tcp_rtxq_find(&q, 9998));
	assert_rtxq_valid(&q);
	free(order);
	free(segs);
}

static void
test_rtxq_find_ge_first_not_entirely_below(void **state)
{
	struct tern_tcp_seg *segs = segs_make(1000, 10000, 200, SEG_LEN);
	struct tern_tcp_rtxq q;
	uint32_t *order;
	uint32_t i, seq;

	(void)state;
	rng_seed(__func__);
	order = perm_make(1000);
	tcp_rtxq_init(&q);
	insert_all(&q, segs, order, 1000, false);

	/* Below the first segment: the first. */
	assert_ptr_equal(tcp_rtxq_find_ge(&q, 0), &segs[0]);
	assert_ptr_equal(tcp_rtxq_find_ge(&q, 9999), &segs[0]);
	for (i = 0; i < 1000; i++) {
		struct tern_tcp_seg *next = i + 1 < 1000 ? &segs[i + 1] : NULL;

		seq = segs[i].seq;
		/* Inside: the segment itself, up to its last byte. */
		assert_ptr_equal(tcp_rtxq_find_ge(&q, seq), &segs[i]);
		assert_ptr_equal(tcp_rtxq_find_ge(&q, seq + 1), &segs[i]);
		assert_ptr_equal(tcp_rtxq_find_ge(&q, seq + SEG_LEN - 1), &segs[i]);
		/* Its end and the gap after it: the next one. */
		assert_ptr_equal(tcp_rtxq_find_ge(&q, seq + SEG_LEN), next);
		assert_ptr_equal(tcp_rtxq_find_ge(&q, seq + 199), next);
	}
	assert_null(tcp_rtxq_find_ge(&q, tcp_seg_end(&segs[999]) + 12345));

	/* O(1) at the ends: 1 visit for the first, 2 for none. */
	q.visits = 0;
	assert_ptr_equal(tcp_rtxq_find_ge(&q, 10050), &segs[0]);
	assert_int_equal(q.visits, 1);
	q.visits = 0;
	assert_null(tcp_rtxq_find_ge(&q, tcp_seg_end(&segs[999])));
	assert_int_equal(q.visits, 2);
	assert_rtxq_valid(&q);
	free(order);
	free(segs);
}

/*
 * After n inserts, a find visits at most 2 log2(n + 1) nodes (the height
 * bound of a red-black tree), hit or miss, for in-order, reverse and random
 * insertion orders.
 */
static void
check_find_visits_logarithmic(uint32_t n)
{
	struct tern_tcp_rtxq q;
	struct tern_tcp_seg *segs;
	uint32_t *order;
	uint64_t before, v, worst = 0;
	uint32_t i, pass;

	for (pass = 0; pass < 3; pass++) {
		segs = segs_make(n, 0xfff00000u, 2 * SEG_LEN, SEG_LEN);
		order = perm_make(n);
		if (pass < 2) {
			for (i = 0; i < n; i++)
				order[i] = pass == 0 ? i : n - 1 - i;
		}
		tcp_rtxq_init(&q);
		insert_all(&q, segs, order, n, false);
		for (i = 0; i < n; i++) {
			before = q.visits;
			assert_ptr_equal(tcp_rtxq_find(&q, segs[i].seq + SEG_LEN / 2), &segs[i]);
			v = q.visits - before;
			assert_true(v >= 1);
			if (v > worst)
				worst = v;
			if (!within_2log2(v, n))
				fail_msg("n %u pass %u: find of seg %u visited %llu nodes", n, pass, i,
					 (unsigned long long)v);
			/* A miss in the gap after it walks a whole path. */
			before = q.visits;
			assert_null(tcp_rtxq_find(&q, segs[i].seq + SEG_LEN + 1));
			v = q.visits - before;
			if (v > worst)
				worst = v;
			if (!within_2log2(v, n))
				fail_msg("n %u pass %u: miss after seg %u visited %llu nodes", n, pass,
					 i, (unsigned long long)v);
			/* find_ge: its two cached compares plus one path. */
			before = q.visits;
			assert_ptr_equal(tcp_rtxq_find_ge(&q, segs[i].seq + SEG_LEN + 1),
					 i + 1 < n ? &segs[i + 1] : NULL);
			v = q.visits - before;
			if (v > 2 && !within_2log2(v - 2, n))
				fail_msg("n %u pass %u: find_ge after seg %u visited %llu nodes", n,
					 pass, i, (unsigned long long)v);
		}
		free(order);
		free(segs);
	}
	print_message("n %u: worst find visited %llu nodes\n", n, (unsigned long long)worst);
}

static void
test_rtxq_find_visits_logarithmic_1000(void **state)
{
	(void)state;
	rng_seed(__func__);
	check_find_visits_logarithmic(1000);
}

static void
test_rtxq_find_visits_logarithmic_100000(void **state)
{
	(void)state;
	rng_seed(__func__);
	check_find_visits_logarithmic(BIG_N);
}

/* ---------------------------------------------------------------------- */
/* Removal */

/* The ACK pattern: cumulative ACKs take segments off the front. */
static void
test_rtxq_unlink_front_loop_ack_pattern(void **state)
{
	struct tern_tcp_seg *segs = segs_make(BIG_N, 0x7fff0000u, SEG_LEN, SEG_LEN);
	struct tern_tcp_rtxq q;
	struct tern_tcp_seg *s;
	uint32_t ack, i = 0, removed = 0;

	(void)state;
	rng_seed(__func__);
	tcp_rtxq_init(&q);
	insert_all(&q, segs, NULL, BIG_N, false);
	ack = segs[0].seq;
	while (!tcp_rtxq_empty(&q)) {
		/* An ACK for 0 to 3 segments and a bit, sometimes mid-segment. */
		ack += rng_below(4 * SEG_LEN);
		while ((s = tcp_rtxq_first(&q)) != NULL && SEQ_LEQ(tcp_seg_end(s), ack)) {
			assert_ptr_equal(s, &segs[i]);
			tcp_rtxq_unlink(&q, s);
			i++;
			if (++removed % BATCH == 0)
				assert_rtxq_valid(&q);
		}
		/* What is left starts with the segment the ACK lands in, or after. */
		assert_ptr_equal(tcp_rtxq_find_ge(&q, ack), tcp_rtxq_first(&q));
		assert_int_equal(q.nb, BIG_N - i);
	}
	assert_int_equal(i, BIG_N);
	assert_null(tcp_rtxq_first(&q));
	assert_null(tcp_rtxq_last(&q));
	assert_rtxq_valid(&q);
	free(segs);
}

static void
test_rtxq_unlink_back_loop_keeps_last(void **state)
{
	struct tern_tcp_seg *segs = segs_make(10000, 3, SEG_LEN, SEG_LEN);
	struct tern_tcp_rtxq q;
	uint32_t i;

	(void)state;
	tcp_rtxq_init(&q);
	insert_all(&q, segs, NULL, 10000, false);
	for (i = 10000; i-- > 0;) {
		assert_ptr_equal(tcp_rtxq_last(&q), &segs[i]);
		tcp_rtxq_unlink(&q, &segs[i]);
		assert_ptr_equal(tcp_rtxq_first(&q), i > 0 ? &segs[0] : NULL);
		if (i % 500 == 0)
			assert_rtxq_valid(&q);
	}
	assert_true(tcp_rtxq_empty(&q));
	assert_rtxq_valid(&q);
	free(segs);
}

static void
test_rtxq_random_unlinks(void **state)
{
	struct tern_tcp_seg *segs = segs_make(BIG_N, 0xabcd0000u, SEG_LEN, SEG_LEN);
	bool *present = calloc(BIG_N, sizeof(*present));
	struct tern_tcp_rtxq q;
	uint32_t *ins, *del;
	uint32_t i, k;

	(void)state;
	assert_non_null(present);
	rng_seed(__func__);
	ins = perm_make(BIG_N);
	del = perm_make(BIG_N);
	tcp_rtxq_init(&q);
	insert_all(&q, segs, ins, BIG_N, false);
	for (i = 0; i < BIG_N; i++)
		present[i] = true;

	for (i = 0; i < BIG_N; i++) {
		k = del[i];
		tcp_rtxq_unlink(&q, &segs[k]);
		present[k] = false;
		assert_null(tcp_rtxq_find(&q, segs[k].seq));
		assert_null(tcp_rtxq_find(&q, segs[k].seq + SEG_LEN - 1));
		if ((i + 1) % BATCH == 0) {
			assert_int_equal(q.nb, BIG_N - i - 1);
			assert_rtxq_valid(&q);
		}
		if (i + 1 == BIG_N / 2)
			assert_walk(&q, segs, present, BIG_N);
	}
	assert_true(tcp_rtxq_empty(&q));
	assert_rtxq_valid(&q);
	free(ins);
	free(del);
	free(present);
	free(segs);
}

/*
 * Random inserts, unlinks, finds and find_ge against a reference: slots on
 * a grid of 16 sequence numbers, each holding a segment of 1..16 bytes or
 * nothing.
 */
static void
test_rtxq_random_mixed_ops_match_reference(void **state)
{
	enum { SLOTS = 2048, STRIDE = 16, OPS = 300000 };
	const uint32_t base = 0xffffc000u;	/* the grid crosses the wrap */
	struct tern_tcp_seg *segs = segs_make(SLOTS, base, STRIDE, 1);
	bool *present = calloc(SLOTS, sizeof(*present));
	struct tern_tcp_rtxq q;
	const struct tern_tcp_seg *want;
	uint32_t op, k, j, off, seq;

	(void)state;
	assert_non_null(present);
	rng_seed(__func__);
	tcp_rtxq_init(&q);
	for (op = 0; op < OPS; op++) {
		k = rng_below(SLOTS);
		switch (rng_below(4)) {
		case 0:
		case 1:
			if (present[k]) {
				tcp_rtxq_unlink(&q, &segs[k]);
				present[k] = false;
			} else {
				segs[k].len = 1 + rng_below(STRIDE);
				assert_int_equal(tcp_rtxq_insert(&q, &segs[k]), 0);
				present[k] = true;
			}
			break;
		case 2:
			off = rng_below(STRIDE);
			seq = segs[k].seq + off;
			want = present[k] && off < segs[k].len ? &segs[k] : NULL;
			assert_ptr_equal(tcp_rtxq_find(&q, seq), want);
			break;
		default:
			off = rng_below(STRIDE);
			seq = segs[k].seq + off;
			want = NULL;
			if (present[k] && off < segs[k].len) {
				want = &segs[k];
			} else {
				for (j = k + 1; j < SLOTS; j++) {
					if (present[j]) {
						want = &segs[j];
						break;
					}
				}
			}
			assert_ptr_equal(tcp_rtxq_find_ge(&q, seq), want);
			break;
		}
		if ((op + 1) % BATCH == 0)
			assert_rtxq_valid(&q);
		if ((op + 1) % 50000 == 0)
			assert_walk(&q, segs, present, SLOTS);
	}
	assert_walk(&q, segs, present, SLOTS);
	free(present);
	free(segs);
}

/* ---------------------------------------------------------------------- */
/* Sequence space and walks */

static void
test_rtxq_seq_wraps_around_2_32(void **state)
{
	/* 64 segments of 256 from 0xfffff000: segment 16 starts at 0. */
	struct tern_tcp_seg *segs = segs_make(64, 0xfffff000u, 256, 256);
	struct tern_tcp_seg straddle;
	struct tern_tcp_rtxq q, q2;
	uint32_t *order;
	uint32_t i;

	(void)state;
	rng_seed(__func__);
	order = perm_make(64);
	tcp_rtxq_init(&q);
	insert_all(&q, segs, order, 64, false);
	assert_int_equal(segs[16].seq, 0);
	assert_int_equal(tcp_rtxq_first(&q)->seq, 0xfffff000u);
	assert_int_equal(tcp_rtxq_last(&q)->seq, 0x2f00);
	assert_walk(&q, segs, NULL, 64);
	assert_ptr_equal(tcp_rtxq_find(&q, 0xffffffffu), &segs[15]);
	assert_ptr_equal(tcp_rtxq_find(&q, 0), &segs[16]);
	assert_ptr_equal(tcp_rtxq_find(&q, 0xfffff000u), &segs[0]);
	assert_ptr_equal(tcp_rtxq_find(&q, 0x2fff), &segs[63]);
	assert_null(tcp_rtxq_find(&q, 0x3000));
	assert_null(tcp_rtxq_find(&q, 0xffffefffu));
	assert_ptr_equal(tcp_rtxq_find_ge(&q, 0xffffffffu), &segs[15]);
	assert_ptr_equal(tcp_rtxq_find_ge(&q, 0), &segs[16]);
	assert_ptr_equal(tcp_rtxq_find_ge(&q, 0xffff0000u), &segs[0]);
	assert_null(tcp_rtxq_find_ge(&q, 0x3000));
	/* Duplicates are still seen across the wrap. */
	memset(&straddle, 0, sizeof(straddle));
	straddle.seq = 0;
	straddle.len = 1;
	assert_int_equal(tcp_rtxq_insert(&q, &straddle), -EEXIST);
	/* ACK them off the front, through the wrap. */
	for (i = 0; i < 64; i++) {
		assert_ptr_equal(tcp_rtxq_first(&q), &segs[i]);
		tcp_rtxq_unlink(&q, &segs[i]);
		assert_rtxq_valid(&q);
	}
	assert_true(tcp_rtxq_empty(&q));

	/* One segment across the wrap itself: [0xffffff80, 0x80). */
	straddle.seq = 0xffffff80u;
	straddle.len = 256;
	tcp_rtxq_init(&q2);
	for (i = 0; i < 8; i++)
		assert_int_equal(tcp_rtxq_insert(&q2, &segs[i]), 0);	/* ..0xfffff800 */
	assert_int_equal(tcp_rtxq_insert(&q2, &straddle), 0);
	segs[20].seq = 0x100;
	assert_int_equal(tcp_rtxq_insert(&q2, &segs[20]), 0);
	assert_rtxq_valid(&q2);
	assert_ptr_equal(tcp_rtxq_last(&q2), &segs[20]);
	assert_ptr_equal(tcp_rtxq_find(&q2, 0xffffff80u), &straddle);
	assert_ptr_equal(tcp_rtxq_find(&q2, 0xffffffffu), &straddle);
	assert_ptr_equal(tcp_rtxq_find(&q2, 0), &straddle);
	assert_ptr_equal(tcp_rtxq_find(&q2, 0x7f), &straddle);
	assert_null(tcp_rtxq_find(&q2, 0x80));
	assert_ptr_equal(tcp_rtxq_find_ge(&q2, 0x10), &straddle);
	assert_ptr_equal(tcp_rtxq_find_ge(&q2, 0x80), &segs[20]);
	assert_ptr_equal(tcp_rtxq_next(&straddle), &segs[20]);
	assert_ptr_equal(tcp_rtxq_prev(&straddle), &segs[7]);
	free(order);
	free(segs);
}

static void
test_rtxq_next_prev_walks(void **state)
{
	struct tern_tcp_seg *segs = segs_make(5000, 0x7ffffc00u, 300, 250);
	bool *present = calloc(5000, sizeof(*present));
	struct tern_tcp_rtxq q;
	const struct tern_tcp_seg *s;
	uint32_t *order;
	uint32_t i, k;

	(void)state;
	assert_non_null(present);
	rng_seed(__func__);
	order = perm_make(5000);
	tcp_rtxq_init(&q);
	insert_all(&q, segs, order, 5000, false);
	assert_walk(&q, segs, NULL, 5000);
	assert_null(tcp_rtxq_prev(&segs[0]));
	assert_null(tcp_rtxq_next(&segs[4999]));
	for (i = 1; i < 5000; i++) {
		assert_ptr_equal(tcp_rtxq_next(&segs[i - 1]), &segs[i]);
		assert_ptr_equal(tcp_rtxq_prev(&segs[i]), &segs[i - 1]);
	}
	/* Drop every third one and walk again: next/prev skip the holes. */
	for (i = 0; i < 5000; i++)
		present[i] = true;
	for (i = 0; i < 5000; i++) {
		k = order[i];
		if (k % 3 == 1) {
			tcp_rtxq_unlink(&q, &segs[k]);
			present[k] = false;
		}
	}
	assert_rtxq_valid(&q);
	assert_walk(&q, segs, present, 5000);
	/* From the middle, the walk goes on both ways. */
	s = tcp_rtxq_find(&q, segs[2499].seq);
	assert_ptr_equal(s, &segs[2499]);
	assert_ptr_equal(tcp_rtxq_next(s), &segs[2501]);
	assert_ptr_equal(tcp_rtxq_prev(s), &segs[2498]);
	free(order);
	free(present);
	free(segs);
}

/* ---------------------------------------------------------------------- */
/* The validator itself */

/* Set the colour bit of @n (0 red, 1 black): a corruption by hand. */
static void
set_color(struct tern_rb_node *n, unsigned int black)
{
	n->parent_color = (n->parent_color & ~(uintptr_t)1) | black;
}

static bool
is_black(const struct tern_rb_node *n)
{
	return n == NULL || (n->parent_color & 1) != 0;
}

static void
test_rtxq_check_detects_each_broken_rule(void **state)
{
	struct tern_tcp_seg *segs = segs_make(100, 1000, SEG_LEN, SEG_LEN);
	struct tern_tcp_seg chain[70];
	struct tern_tcp_rtxq q;
	struct tern_rb_node *l, *r;
	uintptr_t saved;
	uint32_t saved32, i;

	(void)state;
	tcp_rtxq_init(&q);
	insert_all(&q, segs, NULL, 100, false);
	l = q.root->left;
	r = q.root->right;
	assert_non_null(l);
	assert_non_null(r);

	set_color(q.root, 0);
	assert_int_equal(tcp_rtxq_check(&q), TERN_TCP_RTXQ_ERR_ROOT_RED);
	set_color(q.root, 1);
	assert_rtxq_valid(&q);

	saved = l->parent_color;
	l->parent_color = (uintptr_t)r | (saved & 1);
	assert_int_equal(tcp_rtxq_check(&q), TERN_TCP_RTXQ_ERR_PARENT);
	l->parent_color = saved;
	saved = q.root->parent_color;
	q.root->parent_color = (uintptr_t)l | 1;
	assert_int_equal(tcp_rtxq_check(&q), TERN_TCP_RTXQ_ERR_PARENT);
	q.root->parent_color = saved;
	assert_rtxq_valid(&q);

	/* A node and its left child both red. */
	{
		unsigned int cl = !is_black(l), cll = !is_black(l->left);

		assert_non_null(l->left);
		set_color(l, 0);
		set_color(l->left, 0);
		assert_int_equal(tcp_rtxq_check(&q), TERN_TCP_RTXQ_ERR_RED_RED);
		set_color(l, !cl);
		set_color(l->left, !cll);
	}
	assert_rtxq_valid(&q);

	/* The first segment has no left child: an extra black under it. */
	{
		struct tern_tcp_seg extra;

		memset(&extra, 0, sizeof(extra));
		extra.seq = 1;
		extra.len = 1;
		extra.rb.parent_color = (uintptr_t)&segs[0].rb | 1;
		segs[0].rb.left = &extra.rb;
		q.first = &extra;
		q.nb++;
		assert_int_equal(tcp_rtxq_check(&q), TERN_TCP_RTXQ_ERR_BLACK_HEIGHT);
		segs[0].rb.left = NULL;
		q.first = &segs[0];
		q.nb--;
	}
	assert_rtxq_valid(&q);

	saved32 = segs[50].seq;
	segs[50].seq = segs[51].seq + 10;
	assert_int_equal(tcp_rtxq_check(&q), TERN_TCP_RTXQ_ERR_ORDER);
	segs[50].seq = segs[49].seq;
	assert_int_equal(tcp_rtxq_check(&q), TERN_TCP_RTXQ_ERR_ORDER);
	segs[50].seq = saved32;
	assert_rtxq_valid(&q);

	segs[50].len = SEG_LEN + 1;
	assert_int_equal(tcp_rtxq_check(&q), TERN_TCP_RTXQ_ERR_OVERLAP);
	segs[50].len = SEG_LEN;
	assert_rtxq_valid(&q);

	q.first = &segs[1];
	assert_int_equal(tcp_rtxq_check(&q), TERN_TCP_RTXQ_ERR_FIRST_LAST);
	q.first = &segs[0];
	q.last = &segs[98];
	assert_int_equal(tcp_rtxq_check(&q), TERN_TCP_RTXQ_ERR_FIRST_LAST);
	q.last = &segs[99];
	assert_rtxq_valid(&q);

	q.nb++;
	assert_int_equal(tcp_rtxq_check(&q), TERN_TCP_RTXQ_ERR_COUNT);
	q.nb -= 2;
	assert_int_equal(tcp_rtxq_check(&q), TERN_TCP_RTXQ_ERR_COUNT);
	q.nb++;
	assert_rtxq_valid(&q);

	/* Three starts, each less than 2^31 after the one before, 0xa0000000 in all. */
	tcp_rtxq_init(&q);
	segs[0].seq = 0;
	segs[1].seq = 0x50000000u;
	segs[2].seq = 0xa0000000u;
	for (i = 0; i < 3; i++)
		assert_int_equal(tcp_rtxq_insert(&q, &segs[i]), 0);
	assert_int_equal(tcp_rtxq_check(&q), TERN_TCP_RTXQ_ERR_SPAN);

	/* A chain of 70 right children, parent pointers consistent. */
	memset(chain, 0, sizeof(chain));
	for (i = 0; i < 70; i++) {
		chain[i].seq = i * 10;
		chain[i].len = 10;
		chain[i].rb.parent_color = (i > 0 ? (uintptr_t)&chain[i - 1].rb : 0) | 1;
		if (i + 1 < 70)
			chain[i].rb.right = &chain[i + 1].rb;
	}
	tcp_rtxq_init(&q);
	q.root = &chain[0].rb;
	q.first = &chain[0];
	q.last = &chain[69];
	q.nb = 70;
	assert_int_equal(tcp_rtxq_check(&q), TERN_TCP_RTXQ_ERR_DEPTH);
	/* Cut to 10, then a cycle back to the root: caught by its parent pointer. */
	chain[9].rb.right = NULL;
	q.last = &chain[9];
	q.nb = 10;
	assert_int_equal(tcp_rtxq_check(&q), TERN_TCP_RTXQ_ERR_BLACK_HEIGHT);
	chain[9].rb.right = &chain[0].rb;
	assert_int_equal(tcp_rtxq_check(&q), TERN_TCP_RTXQ_ERR_PARENT);
	free(segs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rtxq_empty_queue),
		cmocka_unit_test(test_rtxq_single_segment_in_and_out),
		cmocka_unit_test(test_rtxq_insert_in_order_100k),
		cmocka_unit_test(test_rtxq_insert_reverse_order_100k),
		cmocka_unit_test(test_rtxq_insert_random_order_100k),
		cmocka_unit_test(test_rtxq_duplicate_seq_rejected_with_eexist),
		cmocka_unit_test(test_rtxq_append_fast_path_visits_one_node),
		cmocka_unit_test(test_rtxq_find_start_middle_last_byte_and_gaps),
		cmocka_unit_test(test_rtxq_find_ge_first_not_entirely_below),
		cmocka_unit_test(test_rtxq_find_visits_logarithmic_1000),
		cmocka_unit_test(test_rtxq_find_visits_logarithmic_100000),
		cmocka_unit_test(test_rtxq_unlink_front_loop_ack_pattern),
		cmocka_unit_test(test_rtxq_unlink_back_loop_keeps_last),
		cmocka_unit_test(test_rtxq_random_unlinks),
		cmocka_unit_test(test_rtxq_random_mixed_ops_match_reference),
		cmocka_unit_test(test_rtxq_seq_wraps_around_2_32),
		cmocka_unit_test(test_rtxq_next_prev_walks),
		cmocka_unit_test(test_rtxq_check_detects_each_broken_rule),
	};

	return cmocka_run_group_tests_name("tcp_rtxq", tests, NULL, NULL);
}
