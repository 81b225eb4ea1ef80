/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * The context clock (lib/core/ctx.c): a manual clock that the test drives
 * (set_time, advance running the timers at their own tick time) and the TSC
 * clock (monotonic, follows real time, refuses to be set).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "test_common.h"

#include <tern/tern_ctx.h>
#include <tern/tern_dev.h>
#include <tern/tern_net.h>
#include <tern/tern_stats.h>

#include "tern_core.h"

#define MS		1000000ULL
#define TICK		(1 * MS)	/* the context's default tick */
#define NB_PROBES	4

struct probe {
	struct tern_timer t;
	struct tern_ctx *ctx;
	unsigned int fired;
	uint64_t seen_ns;	/* tern_ctx_now() inside the callback */
	uint64_t seen[16];	/* the same, for each of the first firings */
	struct probe *other;	/* armed for "now" by arm_other_now_cb */
};

struct fixture {
	struct tern_ctx *ctx;
	/* on the heap: the context's wheel may still link them at teardown */
	struct probe p[NB_PROBES];
};

static struct tern_net *net;
static struct tern_dev *dev;

static void
vdev_tx(void *arg, struct rte_mbuf **pkts, uint16_t n)
{
	(void)arg;
	rte_pktmbuf_free_bulk(pkts, n);
}

static int
group_setup(void **state)
{
	struct tern_net_param np = { .socket_id = SOCKET_ID_ANY };
	struct tern_vdev_param vp = {
		.name = "clock0",
		.mac = { .addr_bytes = { 0x02, 0, 0, 0, 0, 0x01 } },
		.mp = tern_test_pool(),
		.tx = vdev_tx,
	};

	(void)state;
	net = tern_net_create(&np);
	if (net == NULL) {
		print_error("tern_net_create: %s\n", rte_strerror(rte_errno));
		return -1;
	}
	dev = tern_dev_create_virtual(&vp);
	if (dev == NULL) {
		print_error("tern_dev_create_virtual: %s\n", rte_strerror(rte_errno));
		return -1;
	}
	if (tern_net_iface_add(net, dev, 0) < 0) {
		print_error("tern_net_iface_add failed\n");
		return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	tern_net_destroy(net);
	net = NULL;
	tern_dev_destroy(dev);
	dev = NULL;
	return 0;
}

static int
setup_clock(void **state, bool manual)
{
	struct tern_ctx_param cp = {
		.net = net,
		.socket_id = SOCKET_ID_ANY,
		.manual_clock = manual,
	};
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	tern_test_pool_mark();
	fx->ctx = tern_ctx_create(&cp);
	if (fx->ctx == NULL) {
		print_error("tern_ctx_create: %s\n", rte_strerror(rte_errno));
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int
setup_manual(void **state)
{
	return setup_clock(state, true);
}

static int
setup_tsc(void **state)
{
	return setup_clock(state, false);
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	tern_ctx_destroy(fx->ctx);
	free(fx);
	tern_test_assert_pool_back();
	return 0;
}

static void
probe_cb(struct tern_timer *t)
{
	struct probe *p = container_of(t, struct probe, t);

	assert_ptr_equal(t, &p->t);
	p->seen_ns = tern_ctx_now(p->ctx);
	if (p->fired < RTE_DIM(p->seen))
		p->seen[p->fired] = p->seen_ns;
	p->fired++;
}

static void
arm_other_now_cb(struct tern_timer *t)
{
	struct probe *p = container_of(t, struct probe, t);

	probe_cb(t);
	ctx_timer_arm(p->ctx, &p->other->t, tern_ctx_now(p->ctx));
}

static struct probe *
probe(struct fixture *fx, unsigned int i, tern_timer_cb_t cb)
{
	struct probe *p = &fx->p[i];

	p->ctx = fx->ctx;
	timer_init(&p->t, cb != NULL ? cb : probe_cb);
	return p;
}

static uint64_t
timers_fired(const struct tern_ctx *ctx)
{
	struct tern_stats st;

	tern_ctx_stats(ctx, &st);
	return st.timers_fired;
}

/* --- manual clock --- */

static void
manual_clock_starts_at_zero(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(tern_ctx_now(fx->ctx), 0);
	rte_delay_us_block(1000);
	/* the TSC does not move it */
	assert_int_equal(tern_ctx_update_time(fx->ctx), 0);
	assert_int_equal(tern_ctx_now(fx->ctx), 0);
}

static void
manual_clock_set_time_moves_forward(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(tern_ctx_set_time(fx->ctx, 5 * MS), 0);
	assert_int_equal(tern_ctx_now(fx->ctx), 5 * MS);
	assert_int_equal(tern_ctx_set_time(fx->ctx, 5 * MS), 0);	/* same time */
	assert_int_equal(tern_ctx_now(fx->ctx), 5 * MS);
	assert_int_equal(tern_ctx_set_time(fx->ctx, 5 * MS + 1), 0);
	assert_int_equal(tern_ctx_now(fx->ctx), 5 * MS + 1);
	assert_int_equal(tern_ctx_update_time(fx->ctx), 5 * MS + 1);
}

static void
manual_clock_set_time_backwards_is_einval(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(tern_ctx_set_time(fx->ctx, 10 * MS), 0);
	assert_int_equal(tern_ctx_set_time(fx->ctx, 10 * MS - 1), -EINVAL);
	assert_int_equal(tern_ctx_now(fx->ctx), 10 * MS);
	assert_int_equal(tern_ctx_set_time(fx->ctx, 0), -EINVAL);
	assert_int_equal(tern_ctx_now(fx->ctx), 10 * MS);
}

static void
manual_clock_advance_adds_to_time(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(tern_ctx_advance(fx->ctx, 3 * MS), 0);
	assert_int_equal(tern_ctx_now(fx->ctx), 3 * MS);
	assert_int_equal(tern_ctx_advance(fx->ctx, 0), 0);
	assert_int_equal(tern_ctx_now(fx->ctx), 3 * MS);
	assert_int_equal(tern_ctx_advance(fx->ctx, 1), 0);
	assert_int_equal(tern_ctx_now(fx->ctx), 3 * MS + 1);
	assert_int_equal(tern_ctx_set_time(fx->ctx, 7 * MS), 0);
	assert_int_equal(tern_ctx_advance(fx->ctx, 2 * MS + 5), 0);
	assert_int_equal(tern_ctx_now(fx->ctx), 9 * MS + 5);
}

static void
advance_runs_timers_at_their_tick_time(void **state)
{
	struct fixture *fx = *state;
	struct probe *a = probe(fx, 0, NULL);
	struct probe *b = probe(fx, 1, NULL);
	struct probe *c = probe(fx, 2, NULL);

	ctx_timer_arm(fx->ctx, &a->t, 2 * MS);
	ctx_timer_arm(fx->ctx, &b->t, 5 * MS + 300000);	/* fires at tick 6 */
	ctx_timer_arm(fx->ctx, &c->t, 20 * MS);
	assert_int_equal(tern_ctx_advance(fx->ctx, 10 * MS), 0);
	assert_int_equal(a->fired, 1);
	assert_int_equal(a->seen_ns, 2 * MS);
	assert_int_equal(b->fired, 1);
	assert_int_equal(b->seen_ns, 6 * MS);
	assert_int_equal(c->fired, 0);
	assert_int_equal(tern_ctx_now(fx->ctx), 10 * MS);
	assert_int_equal(timers_fired(fx->ctx), 2);

	assert_int_equal(tern_ctx_advance(fx->ctx, 9 * MS), 0);
	assert_int_equal(c->fired, 0);
	assert_int_equal(tern_ctx_advance(fx->ctx, 1 * MS), 0);
	assert_int_equal(c->fired, 1);
	assert_int_equal(c->seen_ns, 20 * MS);
	assert_int_equal(tern_ctx_now(fx->ctx), 20 * MS);
	assert_int_equal(timers_fired(fx->ctx), 3);
}

static void
advance_timer_armed_for_now_in_callback_fires_next_tick(void **state)
{
	struct fixture *fx = *state;
	struct probe *a = probe(fx, 0, arm_other_now_cb);
	struct probe *b = probe(fx, 1, NULL);

	a->other = b;
	ctx_timer_arm(fx->ctx, &a->t, 3 * MS);
	assert_int_equal(tern_ctx_advance(fx->ctx, 10 * MS), 0);
	assert_int_equal(a->seen_ns, 3 * MS);
	assert_int_equal(b->fired, 1);
	assert_int_equal(b->seen_ns, 3 * MS + TICK);
	assert_int_equal(tern_ctx_now(fx->ctx), 10 * MS);
}

static void
advance_periodic_timer_sees_each_period(void **state)
{
	struct fixture *fx = *state;
	struct probe *p = probe(fx, 0, NULL);
	unsigned int i;

	for (i = 1; i <= 5; i++) {
		ctx_timer_arm(fx->ctx, &p->t, tern_ctx_now(fx->ctx) + 4 * MS);
		assert_int_equal(tern_ctx_advance(fx->ctx, 4 * MS), 0);
		assert_int_equal(p->fired, i);
		assert_int_equal(p->seen_ns, i * 4 * MS);
	}
}

static void
set_time_past_timer_then_advance_never_goes_back(void **state)
{
	struct fixture *fx = *state;
	struct probe *p = probe(fx, 0, NULL);

	ctx_timer_arm(fx->ctx, &p->t, 10 * MS);
	/* set_time moves the clock only; the timer runs at the next advance */
	assert_int_equal(tern_ctx_set_time(fx->ctx, 50 * MS), 0);
	assert_int_equal(p->fired, 0);
	assert_int_equal(tern_ctx_advance(fx->ctx, 0), 0);
	assert_int_equal(p->fired, 1);
	assert_int_equal(p->seen_ns, 50 * MS);
	assert_int_equal(tern_ctx_now(fx->ctx), 50 * MS);
}

static void
run_timers_after_set_time_fires_due_timers(void **state)
{
	struct fixture *fx = *state;
	struct probe *a = probe(fx, 0, NULL);
	struct probe *b = probe(fx, 1, NULL);

	ctx_timer_arm(fx->ctx, &a->t, 5 * MS);
	ctx_timer_arm(fx->ctx, &b->t, 5 * MS + 1);
	assert_int_equal(tern_ctx_set_time(fx->ctx, 5 * MS), 0);
	assert_int_equal(tern_ctx_run_timers(fx->ctx), 1);
	assert_int_equal(a->fired, 1);
	assert_int_equal(a->seen_ns, 5 * MS);
	assert_int_equal(b->fired, 0);
	assert_int_equal(tern_ctx_run_timers(fx->ctx), 0);
	assert_int_equal(tern_ctx_set_time(fx->ctx, 6 * MS), 0);
	assert_int_equal(tern_ctx_run_timers(fx->ctx), 1);
	assert_int_equal(b->seen_ns, 6 * MS);
	assert_int_equal(timers_fired(fx->ctx), 2);
}

static void
destroy_with_armed_timers_does_not_fire_them(void **state)
{
	struct fixture *fx = *state;
	struct probe *a = probe(fx, 0, NULL);

	ctx_timer_arm(fx->ctx, &a->t, 5 * MS);
	tern_ctx_destroy(fx->ctx);
	fx->ctx = NULL;
	assert_int_equal(a->fired, 0);
	assert_false(timer_pending(&a->t));
}

/* --- TSC clock --- */

static void
tsc_clock_starts_near_zero(void **state)
{
	struct fixture *fx = *state;
	uint64_t now = tern_ctx_update_time(fx->ctx);

	/* nanoseconds since the context was created, a moment ago */
	assert_true(now < 1000 * MS);
	assert_int_equal(tern_ctx_now(fx->ctx), now);
}

static void
tsc_clock_refuses_set_time_and_advance(void **state)
{
	struct fixture *fx = *state;
	uint64_t now = tern_ctx_update_time(fx->ctx);

	assert_int_equal(tern_ctx_set_time(fx->ctx, now + 10 * MS), -EPERM);
	assert_int_equal(tern_ctx_advance(fx->ctx, 10 * MS), -EPERM);
	assert_true(tern_ctx_now(fx->ctx) < now + 10 * MS);
}

static void
tsc_clock_is_monotonic(void **state)
{
	struct fixture *fx = *state;
	uint64_t prev = tern_ctx_update_time(fx->ctx), now;
	unsigned int i;

	for (i = 0; i < 100000; i++) {
		now = tern_ctx_update_time(fx->ctx);
		assert_true(now >= prev);
		assert_int_equal(tern_ctx_now(fx->ctx), now);
		prev = now;
	}
}

static void
tsc_clock_follows_real_time(void **state)
{
	struct fixture *fx = *state;
	uint64_t t0, t1;

	t0 = tern_ctx_update_time(fx->ctx);
	rte_delay_us_block(20000);
	/* read at polls only: the cached value has not moved */
	assert_int_equal(tern_ctx_now(fx->ctx), t0);
	t1 = tern_ctx_update_time(fx->ctx);
	if (t1 - t0 < 15 * MS || t1 - t0 > 1000 * MS)
		print_error("20 ms of rte_delay_us_block() read as %" PRIu64 " ns\n", t1 - t0);
	assert_in_range(t1 - t0, 15 * MS, 1000 * MS);
}

static void
tsc_clock_runs_due_timers(void **state)
{
	struct fixture *fx = *state;
	struct probe *a = probe(fx, 0, NULL);
	uint64_t armed_at = tern_ctx_update_time(fx->ctx);

	ctx_timer_arm(fx->ctx, &a->t, armed_at + 2 * MS);
	assert_int_equal(tern_ctx_run_timers(fx->ctx), 0);
	rte_delay_us_block(5000);
	tern_ctx_update_time(fx->ctx);
	assert_int_equal(tern_ctx_run_timers(fx->ctx), 1);
	assert_int_equal(a->fired, 1);
	assert_true(a->seen_ns >= armed_at + 2 * MS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define MANUAL_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup_manual, teardown)
#define TSC_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup_tsc, teardown)
		MANUAL_TEST(manual_clock_starts_at_zero),
		MANUAL_TEST(manual_clock_set_time_moves_forward),
		MANUAL_TEST(manual_clock_set_time_backwards_is_einval),
		MANUAL_TEST(manual_clock_advance_adds_to_time),
		MANUAL_TEST(advance_runs_timers_at_their_tick_time),
		MANUAL_TEST(advance_timer_armed_for_now_in_callback_fires_next_tick),
		MANUAL_TEST(advance_periodic_timer_sees_each_period),
		MANUAL_TEST(set_time_past_timer_then_advance_never_goes_back),
		MANUAL_TEST(run_timers_after_set_time_fires_due_timers),
		MANUAL_TEST(destroy_with_armed_timers_does_not_fire_them),
		TSC_TEST(tsc_clock_starts_near_zero),
		TSC_TEST(tsc_clock_refuses_set_time_and_advance),
		TSC_TEST(tsc_clock_is_monotonic),
		TSC_TEST(tsc_clock_follows_real_time),
		TSC_TEST(tsc_clock_runs_due_timers),
#undef MANUAL_TEST
#undef TSC_TEST
	};
	int ret;

	if (tern_test_eal_init("core_clock") != 0)
		return 1;
	ret = cmocka_run_group_tests_name("core_clock", tests, group_setup, group_teardown);
	tern_test_eal_fini();
	return ret;
}
