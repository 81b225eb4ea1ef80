/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * The path MTU cache (lib/net/pmtu.c; RFC 1191 6.3, RFC 8201 5):
 *
 * - a destination with no entry has none (0): the link's MTU;
 * - a report keeps the value for that destination only, and the cache's
 *   generation moves; a higher report later is ignored (RFC 1191 6.3:
 *   only a decrease), a lower one replaces it;
 * - never below the floor: 552 for IPv4 (Linux's min_pmtu), 1280 for IPv6
 *   (RFC 8200 5);
 * - an entry ages out NET_PMTU_TIMEOUT_NS (10 minutes) after it was
 *   lowered: still there a nanosecond before, gone at the deadline (the
 *   generation moves, pmtu_expired counts it);
 * - more destinations than the probe window holds: the one that expires
 *   first gives way (pmtu_evicted).
 *
 * Every test ends with the mbuf pool back where it started.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_env.h"

#include <tern/tern.h>

#include "tern_net_priv.h"

#define MS	(1000ULL * 1000)
#define SEC	(1000ULL * MS)
#define T0	SEC

static const struct rte_ether_addr our_mac = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 } };

static struct test_env *
env_open(void **state)
{
	struct test_env_param p = {
		.name = "pmtu", .mac = our_mac, .mtu = 1500, .mark_pool = true,
	};
	struct test_env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	*state = e;
	assert_int_equal(test_env_open(e, &p), 0);
	assert_int_equal(test_env_start(e), 0);
	assert_int_equal(tern_ctx_set_time(e->ctx, T0), 0);
	return e;
}

static void
addr_of(uint8_t family, uint8_t last, uint8_t *a)
{
	memset(a, 0, 16);
	if (family == 4) {
		a[0] = 192;
		a[1] = 0;
		a[2] = 2;
		a[3] = last;
	} else {
		a[0] = 0x20;
		a[1] = 0x01;
		a[2] = 0x0d;
		a[3] = 0xb8;
		a[15] = last;
	}
}

static void
lower_only_per_destination(void **state, uint8_t family)
{
	struct test_env *e = env_open(state);
	uint16_t mid = family == 4 ? 1400 : 1400, low = family == 4 ? 1200 : 1300;
	uint8_t d1[16], d2[16];
	uint64_t until;
	uint32_t gen;

	addr_of(family, 1, d1);
	addr_of(family, 2, d2);
	assert_int_equal(net_pmtu_get(e->ctx, family, d1, &until), 0);
	assert_true(until == UINT64_MAX);
	gen = net_pmtu_gen(e->ctx);
	assert_int_equal(net_pmtu_update(e->ctx, family, d1, mid), mid);
	assert_int_not_equal(net_pmtu_gen(e->ctx), gen);
	assert_int_equal(net_pmtu_get(e->ctx, family, d1, &until), mid);
	assert_true(until == T0 + NET_PMTU_TIMEOUT_NS);
	/* another destination, and the other family's same bytes, have none */
	assert_int_equal(net_pmtu_get(e->ctx, family, d2, &until), 0);
	assert_int_equal(net_pmtu_get(e->ctx, family == 4 ? 6 : 4, d1, &until), 0);
	/* higher: ignored, nothing moves */
	gen = net_pmtu_gen(e->ctx);
	assert_int_equal(net_pmtu_update(e->ctx, family, d1, 1500), mid);
	assert_int_equal(net_pmtu_gen(e->ctx), gen);
	assert_int_equal(net_pmtu_get(e->ctx, family, d1, &until), mid);
	/* lower: taken */
	assert_int_equal(net_pmtu_update(e->ctx, family, d1, low), low);
	assert_int_not_equal(net_pmtu_gen(e->ctx), gen);
	assert_int_equal(net_pmtu_get(e->ctx, family, d1, &until), low);
	assert_int_equal(test_env_stats(e).pmtu_lowered, 2);
	test_env_finish(e);
}

static void
test_pmtu_ip4_lowered_only_per_destination(void **state)
{
	lower_only_per_destination(state, 4);
}

static void
test_pmtu_ip6_lowered_only_per_destination(void **state)
{
	lower_only_per_destination(state, 6);
}

/* RFC 1191 / RFC 8200: no path MTU below the floor, whatever the report says. */
static void
test_pmtu_floor_552_ip4_1280_ip6(void **state)
{
	struct test_env *e = env_open(state);
	uint8_t d4[16], d6[16];
	uint64_t until;

	addr_of(4, 9, d4);
	addr_of(6, 9, d6);
	assert_int_equal(net_pmtu_update(e->ctx, 4, d4, 68), 552);
	assert_int_equal(net_pmtu_get(e->ctx, 4, d4, &until), 552);
	assert_int_equal(net_pmtu_update(e->ctx, 6, d6, 576), 1280);
	assert_int_equal(net_pmtu_get(e->ctx, 6, d6, &until), 1280);
	assert_int_equal(net_pmtu_floor(4), 552);
	assert_int_equal(net_pmtu_floor(6), 1280);
	assert_int_equal(net_pmtu_update(e->ctx, 5, d6, 1000), -EINVAL);
	test_env_finish(e);
}

/* RFC 1191 6.3: 10 minutes after the last decrease, the link's MTU again. */
static void
test_pmtu_ages_out_after_10_minutes(void **state)
{
	struct test_env *e = env_open(state);
	uint8_t d[16];
	uint64_t until;
	uint32_t gen;

	addr_of(4, 7, d);
	assert_int_equal(net_pmtu_update(e->ctx, 4, d, 1000), 1000);
	assert_int_equal(tern_ctx_set_time(e->ctx, T0 + NET_PMTU_TIMEOUT_NS - 1), 0);
	assert_int_equal(net_pmtu_get(e->ctx, 4, d, &until), 1000);
	gen = net_pmtu_gen(e->ctx);
	assert_int_equal(tern_ctx_set_time(e->ctx, T0 + NET_PMTU_TIMEOUT_NS), 0);
	assert_int_equal(net_pmtu_get(e->ctx, 4, d, &until), 0);
	assert_true(until == UINT64_MAX);
	assert_int_not_equal(net_pmtu_gen(e->ctx), gen);
	assert_int_equal(test_env_stats(e).pmtu_expired, 1);
	/* learned again, a full timeout from now */
	assert_int_equal(net_pmtu_update(e->ctx, 4, d, 1100), 1100);
	assert_int_equal(net_pmtu_get(e->ctx, 4, d, &until), 1100);
	assert_true(until == T0 + 2 * NET_PMTU_TIMEOUT_NS);
	test_env_finish(e);
}

/*
 * A user keeps only the generation it read: the generation moves when the
 * first entry ages out, without anyone reading that entry; the next one
 * moves it again at its own deadline, and nothing moves in between.
 */
static void
test_pmtu_gen_moves_when_an_entry_ages_out(void **state)
{
	struct test_env *e = env_open(state);
	uint8_t d1[16], d2[16];
	uint32_t gen;

	addr_of(4, 7, d1);
	addr_of(4, 8, d2);
	assert_int_equal(net_pmtu_update(e->ctx, 4, d1, 1000), 1000);
	assert_int_equal(tern_ctx_set_time(e->ctx, T0 + 5 * MS), 0);
	assert_int_equal(net_pmtu_update(e->ctx, 4, d2, 1200), 1200);
	gen = net_pmtu_gen(e->ctx);
	assert_int_equal(tern_ctx_set_time(e->ctx, T0 + NET_PMTU_TIMEOUT_NS - 1), 0);
	assert_int_equal(net_pmtu_gen(e->ctx), gen);
	assert_int_equal(tern_ctx_set_time(e->ctx, T0 + NET_PMTU_TIMEOUT_NS), 0);
	assert_int_not_equal(net_pmtu_gen(e->ctx), gen);
	assert_int_equal(test_env_stats(e).pmtu_expired, 1);
	gen = net_pmtu_gen(e->ctx);
	assert_int_equal(tern_ctx_set_time(e->ctx, T0 + 5 * MS + NET_PMTU_TIMEOUT_NS - 1), 0);
	assert_int_equal(net_pmtu_gen(e->ctx), gen);
	assert_int_equal(net_pmtu_get(e->ctx, 4, d2, NULL), 1200);
	assert_int_equal(tern_ctx_set_time(e->ctx, T0 + 5 * MS + NET_PMTU_TIMEOUT_NS), 0);
	assert_int_not_equal(net_pmtu_gen(e->ctx), gen);
	assert_int_equal(test_env_stats(e).pmtu_expired, 2);
	assert_int_equal(net_pmtu_get(e->ctx, 4, d1, NULL), 0);
	assert_int_equal(net_pmtu_get(e->ctx, 4, d2, NULL), 0);
	test_env_finish(e);
}

/* More destinations than slots: every update lands, the oldest entries give way. */
static void
test_pmtu_full_table_evicts_first_to_expire(void **state)
{
	struct test_env *e = env_open(state);
	uint8_t d[16];
	uint64_t until;
	unsigned int i, found = 0;

	for (i = 0; i < 600; i++) {
		addr_of(6, 0, d);
		d[14] = (uint8_t)(i >> 8);
		d[15] = (uint8_t)i;
		assert_int_equal(tern_ctx_set_time(e->ctx, T0 + i * MS), 0);
		assert_int_equal(net_pmtu_update(e->ctx, 6, d, 1400), 1400);
		assert_int_equal(net_pmtu_get(e->ctx, 6, d, &until), 1400);
	}
	for (i = 0; i < 600; i++) {
		addr_of(6, 0, d);
		d[14] = (uint8_t)(i >> 8);
		d[15] = (uint8_t)i;
		found += net_pmtu_get(e->ctx, 6, d, &until) == 1400;
	}
	/* 256 slots at most; the newest is always there */
	assert_true(found <= 256);
	assert_true(found >= 1);
	assert_int_equal(test_env_stats(e).pmtu_evicted, 600 - found);
	test_env_finish(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_pmtu_gen_moves_when_an_entry_ages_out,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_pmtu_ip4_lowered_only_per_destination,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_pmtu_ip6_lowered_only_per_destination,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_pmtu_floor_552_ip4_1280_ip6, test_env_teardown),
		cmocka_unit_test_teardown(test_pmtu_ages_out_after_10_minutes, test_env_teardown),
		cmocka_unit_test_teardown(test_pmtu_full_table_evicts_first_to_expire,
					  test_env_teardown),
	};
	int ret;

	if (tern_test_eal_init("net_pmtu") != 0)
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	tern_test_eal_fini();
	return ret;
}
