/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * The per-context element pool of lib/tcp (tcp_pool.c: control blocks,
 * loss-recovery blocks, retransmit queue entries) and the compact times a
 * control block keeps: timer deadlines as the low 32 bits of a wheel tick,
 * 2^20-ns times, keepalive settings in ms.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_malloc.h>

#include "test_common.h"

#include "tern_tcp_priv.h"

#define ELT	64u

static size_t
heap_used(void)
{
	struct rte_malloc_socket_stats st;

	assert_int_equal(rte_malloc_get_socket_stats(0, &st), 0);
	return st.heap_allocsz_bytes;
}

/* Every element the walk gives, counted; each is among @elts (or free). */
static unsigned int
walk_count(const struct tcp_pool *p)
{
	struct tcp_pool_iter it;
	unsigned int n = 0;

	tcp_pool_iter_init(p, &it);
	while (tcp_pool_iter_next(p, &it) != NULL)
		n++;
	return n;
}

static void
test_pool_grows_a_chunk_at_a_time_and_reuses_last_given_back(void **state)
{
	struct tcp_pool p;
	uint8_t *e[5], *x;
	size_t h0 = heap_used();
	unsigned int i, j;

	(void)state;
	tcp_pool_init(&p, "test_pool", ELT, 4, UINT32_MAX, true, 0);
	assert_int_equal(walk_count(&p), 0);
	for (i = 0; i < 5; i++) {
		e[i] = tcp_pool_get(&p);
		assert_non_null(e[i]);
		/* a new chunk's elements are zeroed */
		for (j = 0; j < ELT; j++)
			assert_int_equal(e[i][j], 0);
		memset(e[i], 0xa5, ELT);
		for (j = 0; j < i; j++)
			assert_ptr_not_equal(e[i], e[j]);
	}
	assert_int_equal(p.in_use, 5);
	assert_int_equal(p.nb, 8);		/* two chunks of 4 */
	assert_int_equal(walk_count(&p), 8);
	assert_true(heap_used() > h0);
	tcp_pool_put(&p, e[1]);
	tcp_pool_put(&p, e[3]);
	assert_int_equal(p.in_use, 3);
	/* last given back, first taken: its link word cleared, the rest as it was */
	x = tcp_pool_get(&p);
	assert_ptr_equal(x, e[3]);
	assert_null(*(void **)x);
	assert_int_equal(x[sizeof(void *)], 0xa5);
	assert_ptr_equal(tcp_pool_get(&p), e[1]);
	assert_int_equal(p.nb, 8);
	tcp_pool_fini(&p);
	assert_int_equal(heap_used(), h0);
}

static void
test_pool_max_bounds_the_elements_made(void **state)
{
	struct tcp_pool p;
	void *e[6];
	unsigned int i;

	(void)state;
	tcp_pool_init(&p, "test_pool", ELT, 4, 6, false, 0);
	for (i = 0; i < 6; i++) {
		e[i] = tcp_pool_get(&p);
		assert_non_null(e[i]);
	}
	assert_int_equal(p.nb, 6);		/* the second chunk cut to 2 */
	assert_null(tcp_pool_get(&p));
	assert_int_equal(p.in_use, 6);
	tcp_pool_put(&p, e[0]);
	assert_ptr_equal(tcp_pool_get(&p), e[0]);
	assert_int_equal(walk_count(&p), 6);
	tcp_pool_fini(&p);
}

static void
test_pool_walk_survives_elements_given_back_meanwhile(void **state)
{
	struct tcp_pool p;
	struct tcp_pool_iter it;
	void *e[10], *x;
	unsigned int i, n = 0;

	(void)state;
	tcp_pool_init(&p, "test_pool", ELT, 3, UINT32_MAX, true, 0);
	for (i = 0; i < 10; i++)
		e[i] = tcp_pool_get(&p);
	tcp_pool_iter_init(&p, &it);
	while ((x = tcp_pool_iter_next(&p, &it)) != NULL) {
		for (i = 0; i < 10; i++)
			if (e[i] == x)
				break;
		if (i < 10)
			tcp_pool_put(&p, x);
		n++;
	}
	assert_int_equal(n, p.nb);
	assert_int_equal(p.in_use, 0);
	tcp_pool_fini(&p);
}

/*
 * Deadlines: 32 bits of 2^14 ns, rounded up. Near the clock (up to
 * TCP_TMR_MAX_NS ahead, a little behind), across the 32-bit wrap of the
 * units: the first nanosecond at which one is due is at most its exact
 * time and less than a unit before it, and the clock rounded up reaches
 * the deadline there and not a nanosecond before.
 */
static void
test_tmr_due_from_first_ns_across_wrap(void **state)
{
	const uint64_t wrap = 1ull << (32 + TCP_TMR_SHIFT);
	const uint64_t nows[] = { 5, 1000000000, wrap - 3, wrap + 7, 7 * wrap + 123456789 };
	const int64_t ds[] = { 0, 1, 16383, 16384, 16385, 1000000, 200000000,
			       (int64_t)TCP_TMR_MAX_NS, -1, -16384, -1000000 };
	unsigned int i, j;

	(void)state;
	for (i = 0; i < RTE_DIM(nows); i++) {
		for (j = 0; j < RTE_DIM(ds); j++) {
			uint64_t d, first;
			uint32_t t;

			if ((int64_t)nows[i] + ds[j] <= 0)
				continue;
			d = (uint64_t)((int64_t)nows[i] + ds[j]);
			t = tcp_tmr_units(d);
			first = tcp_tmr_ns(nows[i], t);
			assert_true(first <= d);
			assert_true(d - first < (1u << TCP_TMR_SHIFT));
			assert_false(tcp_tmr_before(tcp_tmr_units(first), t));
			assert_true(tcp_tmr_before(tcp_tmr_units(first - 1), t));
			assert_false(tcp_tmr_before(tcp_tmr_units(d), t));
			assert_false(tcp_tmr_before(t, t));
		}
	}
}

/* 2^20-ns times: the end of the tick is never before the time, at most 2^20 ns after. */
static void
test_t20_end_of_tick_bounds_the_time(void **state)
{
	const uint64_t ts[] = { 0, 1, (1ull << 20) - 1, 1ull << 20, 123456789012ull,
				(1ull << 52) - 5, (1ull << 52) + 5 };
	const uint64_t ages[] = { 0, 1, 1000000, 3600ull * 1000000000, 40ull * 86400 * 1000000000 };
	unsigned int i, j;

	(void)state;
	for (i = 0; i < RTE_DIM(ts); i++) {
		for (j = 0; j < RTE_DIM(ages); j++) {
			uint64_t now = ts[i] + ages[j];
			uint64_t end = tcp_t20_ns(now, tcp_t20(ts[i]));

			assert_true(end > ts[i]);
			assert_true(end <= ts[i] + (1ull << TCP_T20_SHIFT));
			assert_true(tcp_t20_age(now, tcp_t20(ts[i])) <= ages[j] + (1ull << 20));
			assert_true(tcp_t20_age(now, tcp_t20(ts[i])) + (1ull << 20) > ages[j]);
		}
	}
}

/* Keepalive times a stream sets are kept in ms, rounded up; 0 stays "the context's". */
static void
test_keepalive_ms_rounds_up_and_keeps_zero(void **state)
{
	(void)state;
	assert_int_equal(tcp_keep_ms(0), 0);
	assert_int_equal(tcp_keep_ms(1), 1);
	assert_int_equal(tcp_keep_ms(1000000), 1);
	assert_int_equal(tcp_keep_ms(1000001), 2);
	assert_int_equal(tcp_keep_ms(7200ull * 1000000000), 7200000);
	assert_int_equal(tcp_keep_ms(UINT64_MAX), UINT32_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_grows_a_chunk_at_a_time_and_reuses_last_given_back),
		cmocka_unit_test(test_pool_max_bounds_the_elements_made),
		cmocka_unit_test(test_pool_walk_survives_elements_given_back_meanwhile),
		cmocka_unit_test(test_tmr_due_from_first_ns_across_wrap),
		cmocka_unit_test(test_t20_end_of_tick_bounds_the_time),
		cmocka_unit_test(test_keepalive_ms_rounds_up_and_keeps_zero),
	};
	int ret;

	if (tern_test_eal_init("tcp_pool") != 0)
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	tern_test_eal_fini();
	return ret;
}
