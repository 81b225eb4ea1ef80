/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * The hashed timer wheel (lib/core/timer.c): timers fire at their tick and
 * never before, cancel and re-arm from anywhere (callbacks included), timers
 * more than one lap ahead wait for their lap.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include <rte_malloc.h>

#include "test_common.h"

#include "tern_timer.h"

#define T		1000ULL		/* tick, ns */
#define NB_SLOTS	16		/* a small wheel: laps come quickly */
#define MAX_TICKS	64
#define NB_MANY		1000
#define NB_MANY_NEXT	100

struct fixture {
	struct tern_timer_wheel w;
	uint64_t tick_time;		/* last on_tick() time */
	unsigned int nb_ticks;		/* on_tick() calls */
	uint64_t ticks[MAX_TICKS];	/* their times */
	unsigned int seq;		/* callbacks run so far */
};

struct probe {
	struct tern_timer t;
	struct fixture *fx;
	unsigned int fired;
	uint64_t fired_at;		/* tick time when it last fired */
	unsigned int order;		/* fx->seq when it last fired */
	struct probe *other;		/* target of the action callbacks */
	uint64_t arg_ns;		/* time or period for the action callbacks */
	unsigned int max_fires;		/* periodic: stop after that many */
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	if (timer_wheel_init(&fx->w, NB_SLOTS, T, 0, SOCKET_ID_ANY) != 0) {
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	/*
	 * Not timer_wheel_fini(): it unlinks the timers still armed, and
	 * those of a failed test lived on its (gone) stack frame.
	 */
	rte_free(fx->w.slots);
	free(fx);
	return 0;
}

static void
on_tick(void *arg, uint64_t tick_ns)
{
	struct fixture *fx = arg;

	if (fx->nb_ticks > 0)
		assert_true(tick_ns > fx->tick_time);
	if (fx->nb_ticks < MAX_TICKS)
		fx->ticks[fx->nb_ticks] = tick_ns;
	fx->nb_ticks++;
	fx->tick_time = tick_ns;
}

static unsigned int
run(struct fixture *fx, uint64_t now_ns)
{
	return timer_run(&fx->w, now_ns, on_tick, fx);
}

static void
probe_cb(struct tern_timer *t)
{
	struct probe *p = container_of(t, struct probe, t);

	assert_ptr_equal(t, &p->t);
	assert_false(timer_pending(t));
	p->fired++;
	p->fired_at = p->fx->tick_time;
	p->order = ++p->fx->seq;
}

static void
probe_init(struct probe *p, struct fixture *fx, tern_timer_cb_t cb)
{
	*p = (struct probe){ .fx = fx };
	timer_init(&p->t, cb != NULL ? cb : probe_cb);
}

static void
arm(struct fixture *fx, struct probe *p, uint64_t ns)
{
	timer_arm(&fx->w, &p->t, ns);
	assert_true(timer_pending(&p->t));
}

/* Callbacks that act on another timer (p->other) as they fire. */

static void
cancel_other_cb(struct tern_timer *t)
{
	struct probe *p = container_of(t, struct probe, t);

	probe_cb(t);
	timer_cancel(&p->fx->w, &p->other->t);
}

static void
arm_other_cb(struct tern_timer *t)
{
	struct probe *p = container_of(t, struct probe, t);

	probe_cb(t);
	if (p->other != NULL)
		timer_arm(&p->fx->w, &p->other->t, p->arg_ns);
}

static void
arm_other_now_cb(struct tern_timer *t)
{
	struct probe *p = container_of(t, struct probe, t);

	probe_cb(t);
	timer_arm(&p->fx->w, &p->other->t, p->fx->tick_time);
}

static void
periodic_cb(struct tern_timer *t)
{
	struct probe *p = container_of(t, struct probe, t);

	probe_cb(t);
	if (p->fired < p->max_fires)
		timer_arm(&p->fx->w, t, p->fired_at + p->arg_ns);
}

/* --- init --- */

static void
wheel_init_rejects_bad_geometry(void **state)
{
	struct tern_timer_wheel w = { 0 };

	(void)state;
	assert_int_equal(timer_wheel_init(&w, 0, T, 0, SOCKET_ID_ANY), -EINVAL);
	assert_int_equal(timer_wheel_init(&w, 12, T, 0, SOCKET_ID_ANY), -EINVAL);
	assert_int_equal(timer_wheel_init(&w, 16, 0, 0, SOCKET_ID_ANY), -EINVAL);
	assert_int_equal(timer_wheel_init(&w, 1, T, 0, SOCKET_ID_ANY), 0);
	assert_non_null(w.slots);
	timer_wheel_fini(&w);
	assert_null(w.slots);
}

static void
wheel_init_starts_at_given_time(void **state)
{
	struct fixture *fx = *state;
	struct tern_timer_wheel w;
	struct probe past, next;
	uint64_t now = 100 * T + T / 2;

	assert_int_equal(timer_wheel_init(&w, NB_SLOTS, T, now, SOCKET_ID_ANY), 0);
	probe_init(&past, fx, NULL);
	probe_init(&next, fx, NULL);
	timer_arm(&w, &past.t, 50 * T);
	timer_arm(&w, &next.t, now + 1);
	assert_int_equal(timer_next(&w), 100 * T);
	assert_int_equal(timer_run(&w, now, on_tick, fx), 1);
	assert_int_equal(past.fired, 1);
	assert_int_equal(past.fired_at, 100 * T);
	assert_int_equal(next.fired, 0);
	assert_int_equal(timer_run(&w, 101 * T, on_tick, fx), 1);
	assert_int_equal(next.fired_at, 101 * T);
	timer_wheel_fini(&w);
}

/* --- arm and fire --- */

static void
timer_fires_at_its_tick_not_before(void **state)
{
	struct fixture *fx = *state;
	struct probe p;

	probe_init(&p, fx, NULL);
	arm(fx, &p, 5 * T);
	assert_int_equal(fx->w.nb_armed, 1);
	assert_int_equal(run(fx, 5 * T - 1), 0);
	assert_int_equal(p.fired, 0);
	assert_true(timer_pending(&p.t));
	assert_int_equal(run(fx, 5 * T), 1);
	assert_int_equal(p.fired, 1);
	assert_int_equal(p.fired_at, 5 * T);
	assert_false(timer_pending(&p.t));
	assert_int_equal(fx->w.nb_armed, 0);
	assert_int_equal(run(fx, 100 * T), 0);
	assert_int_equal(p.fired, 1);
}

static void
timer_between_ticks_fires_at_next_tick_never_early(void **state)
{
	struct fixture *fx = *state;
	struct probe p;

	probe_init(&p, fx, NULL);
	arm(fx, &p, 5 * T + 1);
	assert_int_equal(run(fx, 6 * T - 1), 0);
	assert_int_equal(p.fired, 0);
	assert_int_equal(run(fx, 6 * T), 1);
	assert_int_equal(p.fired_at, 6 * T);
}

static void
timer_armed_at_time_zero_fires_on_first_run(void **state)
{
	struct fixture *fx = *state;
	struct probe p;

	probe_init(&p, fx, NULL);
	arm(fx, &p, 0);
	assert_int_equal(run(fx, 0), 1);
	assert_int_equal(p.fired, 1);
	assert_int_equal(p.fired_at, 0);
}

static void
timer_armed_in_the_past_fires_on_next_run(void **state)
{
	struct fixture *fx = *state;
	struct probe p;

	probe_init(&p, fx, NULL);
	assert_int_equal(run(fx, 10 * T + T / 2), 0);
	arm(fx, &p, 3 * T);
	/* The wheel is past tick 3: it lands on the first tick not yet run. */
	assert_int_equal(timer_next(&fx->w), 11 * T);
	assert_int_equal(run(fx, 11 * T), 1);
	assert_int_equal(p.fired, 1);
	assert_int_equal(p.fired_at, 11 * T);
	assert_int_equal(run(fx, 50 * T), 0);
	assert_int_equal(p.fired, 1);
}

static void
timer_far_future_expiry_does_not_wrap_to_now(void **state)
{
	struct fixture *fx = *state;
	struct probe p;

	probe_init(&p, fx, NULL);
	arm(fx, &p, UINT64_MAX);
	assert_int_equal(run(fx, 100 * T), 0);
	assert_int_equal(p.fired, 0);
	assert_true(timer_pending(&p.t));
	timer_cancel(&fx->w, &p.t);
}

/* --- cancel --- */

static void
timer_cancelled_does_not_fire(void **state)
{
	struct fixture *fx = *state;
	struct probe p;

	probe_init(&p, fx, NULL);
	arm(fx, &p, 5 * T);
	timer_cancel(&fx->w, &p.t);
	assert_false(timer_pending(&p.t));
	assert_int_equal(fx->w.nb_armed, 0);
	assert_int_equal(timer_next(&fx->w), UINT64_MAX);
	assert_int_equal(run(fx, 100 * T), 0);
	assert_int_equal(p.fired, 0);
}

static void
timer_cancel_of_unarmed_timer_is_noop(void **state)
{
	struct fixture *fx = *state;
	struct probe a, b, idle, done;

	probe_init(&a, fx, NULL);
	probe_init(&b, fx, NULL);
	probe_init(&idle, fx, NULL);
	probe_init(&done, fx, NULL);
	arm(fx, &done, 1 * T);
	assert_int_equal(run(fx, 1 * T), 1);
	arm(fx, &a, 5 * T);
	arm(fx, &b, 5 * T);

	timer_cancel(&fx->w, &idle.t);	/* never armed */
	timer_cancel(&fx->w, &idle.t);
	timer_cancel(&fx->w, &done.t);	/* already fired */
	assert_int_equal(fx->w.nb_armed, 2);
	timer_cancel(&fx->w, &a.t);
	timer_cancel(&fx->w, &a.t);	/* already cancelled */
	assert_int_equal(fx->w.nb_armed, 1);

	assert_int_equal(run(fx, 5 * T), 1);
	assert_int_equal(a.fired, 0);
	assert_int_equal(b.fired, 1);
	assert_int_equal(idle.fired, 0);
	assert_int_equal(done.fired, 1);
	assert_int_equal(fx->w.nb_armed, 0);
}

static void
timer_cancel_unlinks_from_any_place_in_its_slot(void **state)
{
	struct fixture *fx = *state;
	struct probe p[5];
	unsigned int i;

	for (i = 0; i < RTE_DIM(p); i++) {
		probe_init(&p[i], fx, NULL);
		arm(fx, &p[i], 7 * T);
	}
	/* Slots are lists: cancel the first armed, the last, and one between. */
	timer_cancel(&fx->w, &p[0].t);
	timer_cancel(&fx->w, &p[4].t);
	timer_cancel(&fx->w, &p[2].t);
	assert_int_equal(fx->w.nb_armed, 2);
	assert_int_equal(run(fx, 7 * T), 2);
	assert_int_equal(p[0].fired + p[2].fired + p[4].fired, 0);
	assert_int_equal(p[1].fired, 1);
	assert_int_equal(p[3].fired, 1);
}

/* --- re-arm --- */

static void
timer_rearmed_later_fires_only_at_new_time(void **state)
{
	struct fixture *fx = *state;
	struct probe p;

	probe_init(&p, fx, NULL);
	arm(fx, &p, 5 * T);
	arm(fx, &p, 9 * T);
	assert_int_equal(fx->w.nb_armed, 1);
	assert_int_equal(timer_next(&fx->w), 9 * T);
	assert_int_equal(run(fx, 8 * T), 0);
	assert_int_equal(p.fired, 0);
	assert_int_equal(run(fx, 9 * T), 1);
	assert_int_equal(p.fired_at, 9 * T);
	assert_int_equal(fx->w.nb_armed, 0);
}

static void
timer_rearmed_earlier_fires_once_at_new_time(void **state)
{
	struct fixture *fx = *state;
	struct probe p;

	probe_init(&p, fx, NULL);
	arm(fx, &p, 9 * T);
	arm(fx, &p, 2 * T);
	assert_int_equal(fx->w.nb_armed, 1);
	assert_int_equal(run(fx, 2 * T), 1);
	assert_int_equal(p.fired_at, 2 * T);
	assert_int_equal(run(fx, 40 * T), 0);
	assert_int_equal(p.fired, 1);
}

/* --- laps --- */

static void
timer_laps_ahead_waits_for_its_lap(void **state)
{
	struct fixture *fx = *state;
	struct probe far, near;
	uint64_t due = (3 * NB_SLOTS + 5) * T, now;

	probe_init(&far, fx, NULL);
	probe_init(&near, fx, NULL);
	arm(fx, &far, due);
	arm(fx, &near, 5 * T);		/* same slot, first lap */
	assert_int_equal(timer_next(&fx->w), 5 * T);
	for (now = 0; now < due; now += T) {
		run(fx, now);
		assert_int_equal(far.fired, 0);
		assert_true(timer_pending(&far.t));
	}
	assert_int_equal(near.fired, 1);
	assert_int_equal(near.fired_at, 5 * T);
	assert_int_equal(timer_next(&fx->w), due);
	assert_int_equal(run(fx, due), 1);
	assert_int_equal(far.fired, 1);
	assert_int_equal(far.fired_at, due);
}

static void
timer_laps_ahead_fires_once_on_a_long_jump(void **state)
{
	struct fixture *fx = *state;
	struct probe a, b, c;

	probe_init(&a, fx, NULL);
	probe_init(&b, fx, NULL);
	probe_init(&c, fx, NULL);
	/* Three laps of the same slot. */
	arm(fx, &a, 5 * T);
	arm(fx, &b, (NB_SLOTS + 5) * T);
	arm(fx, &c, (2 * NB_SLOTS + 5) * T);
	assert_int_equal(run(fx, 1000 * T), 3);
	assert_int_equal(a.fired_at, 5 * T);
	assert_int_equal(b.fired_at, (NB_SLOTS + 5) * T);
	assert_int_equal(c.fired_at, (2 * NB_SLOTS + 5) * T);
	assert_true(a.order < b.order && b.order < c.order);
	assert_int_equal(a.fired + b.fired + c.fired, 3);
	assert_int_equal(fx->w.nb_armed, 0);
}

/*
 * A clock that jumps far ahead (a context not polled for hours, a manual
 * clock set forward) with timers armed: they still fire at their own tick,
 * in order, and the catch-up jumps between them instead of walking every
 * empty tick (found by the fuzz harnesses: a jump of N hours with one timer
 * armed walked N x 3.6 million ticks of 1 ms).
 */
static void
long_clock_jump_fires_in_order_without_walking_every_tick(void **state)
{
	struct fixture *fx = *state;
	const uint64_t far = 10ULL * 1000 * 1000;	/* ticks: 10^7 laps of nothing */
	struct probe a, b, c;
	uint64_t walked;

	probe_init(&a, fx, NULL);
	probe_init(&b, fx, NULL);
	probe_init(&c, fx, NULL);
	arm(fx, &a, 3 * T);
	arm(fx, &b, far * T);
	arm(fx, &c, (3 * far + 7) * T);
	walked = fx->w.ticks_walked;
	assert_int_equal(run(fx, 4 * far * T), 3);
	assert_int_equal(a.fired_at, 3 * T);
	assert_int_equal(b.fired_at, far * T);
	assert_int_equal(c.fired_at, (3 * far + 7) * T);
	assert_true(a.order < b.order && b.order < c.order);
	assert_int_equal(fx->w.nb_armed, 0);
	/* at most a lap walked around each timer, not 4 x 10^7 ticks */
	assert_true(fx->w.ticks_walked - walked <= 3 * (2 * NB_SLOTS));
	/* and the wheel is at the end: a timer armed now fires at its tick */
	arm(fx, &a, (4 * far + 2) * T);
	assert_int_equal(run(fx, (4 * far + 2) * T), 1);
	assert_int_equal(a.fired_at, (4 * far + 2) * T);
}

static void
timers_fire_in_tick_order(void **state)
{
	struct fixture *fx = *state;
	struct probe p[6];
	static const uint64_t due[] = { 9, 2, NB_SLOTS + 1, 4, 3, NB_SLOTS - 1 };
	unsigned int i, j;

	for (i = 0; i < RTE_DIM(p); i++) {
		probe_init(&p[i], fx, NULL);
		arm(fx, &p[i], due[i] * T);
	}
	assert_int_equal(run(fx, 3 * NB_SLOTS * T), RTE_DIM(p));
	for (i = 0; i < RTE_DIM(p); i++) {
		assert_int_equal(p[i].fired_at, due[i] * T);
		for (j = 0; j < RTE_DIM(p); j++)
			if (due[i] < due[j])
				assert_true(p[i].order < p[j].order);
	}
}

/* --- crowded slots --- */

static struct probe many[NB_MANY + NB_MANY_NEXT];

static void
many_timers_in_one_slot_all_fire(void **state)
{
	struct fixture *fx = *state;
	unsigned int i, fired = 0;

	for (i = 0; i < RTE_DIM(many); i++) {
		probe_init(&many[i], fx, NULL);
		/* the first NB_MANY this lap, the rest one lap later */
		arm(fx, &many[i], (i < NB_MANY ? 7 : 7 + NB_SLOTS) * T);
	}
	assert_int_equal(fx->w.nb_armed, RTE_DIM(many));
	assert_int_equal(run(fx, 7 * T), NB_MANY);
	for (i = 0; i < RTE_DIM(many); i++) {
		if (i < NB_MANY) {
			assert_int_equal(many[i].fired, 1);
			assert_int_equal(many[i].fired_at, 7 * T);
		} else {
			assert_int_equal(many[i].fired, 0);
			assert_true(timer_pending(&many[i].t));
		}
	}
	assert_int_equal(fx->w.nb_armed, NB_MANY_NEXT);
	assert_int_equal(run(fx, (7 + NB_SLOTS) * T), NB_MANY_NEXT);
	for (i = 0; i < RTE_DIM(many); i++)
		fired += many[i].fired;
	assert_int_equal(fired, RTE_DIM(many));
	assert_int_equal(fx->w.nb_armed, 0);
}

/* --- callbacks acting on timers --- */

static void
callback_arming_timer_for_now_fires_it_on_next_run(void **state)
{
	struct fixture *fx = *state;
	struct probe a, b;

	probe_init(&a, fx, arm_other_now_cb);
	probe_init(&b, fx, NULL);
	a.other = &b;
	arm(fx, &a, 5 * T);
	assert_int_equal(run(fx, 5 * T), 1);
	assert_true(timer_pending(&b.t));
	assert_int_equal(b.fired, 0);
	/* Not lost for a lap: it is due at the very next tick. */
	assert_int_equal(timer_next(&fx->w), 6 * T);
	assert_int_equal(run(fx, 6 * T), 1);
	assert_int_equal(b.fired, 1);
	assert_int_equal(b.fired_at, 6 * T);
}

static void
callback_arming_timer_for_now_fires_it_next_tick_same_run(void **state)
{
	struct fixture *fx = *state;
	struct probe a, b;

	probe_init(&a, fx, arm_other_now_cb);
	probe_init(&b, fx, NULL);
	a.other = &b;
	arm(fx, &a, 5 * T);
	assert_int_equal(run(fx, 10 * T), 2);
	assert_int_equal(b.fired, 1);
	assert_int_equal(b.fired_at, 6 * T);
}

static void
callback_arming_timer_in_the_past_does_not_lose_it(void **state)
{
	struct fixture *fx = *state;
	struct probe a, b;

	probe_init(&a, fx, arm_other_cb);
	probe_init(&b, fx, NULL);
	a.other = &b;
	a.arg_ns = 1 * T;
	arm(fx, &a, (NB_SLOTS - 1) * T);
	assert_int_equal(run(fx, (NB_SLOTS - 1) * T), 1);
	assert_int_equal(run(fx, NB_SLOTS * T), 1);
	assert_int_equal(b.fired_at, NB_SLOTS * T);
}

static void
callback_arming_timer_one_lap_ahead_in_own_slot_waits(void **state)
{
	struct fixture *fx = *state;
	struct probe a, b;

	probe_init(&a, fx, arm_other_cb);
	probe_init(&b, fx, NULL);
	a.other = &b;
	a.arg_ns = (5 + NB_SLOTS) * T;	/* the slot being run, next lap */
	arm(fx, &a, 5 * T);
	assert_int_equal(run(fx, (4 + NB_SLOTS) * T), 1);
	assert_int_equal(b.fired, 0);
	assert_int_equal(run(fx, (5 + NB_SLOTS) * T), 1);
	assert_int_equal(b.fired_at, (5 + NB_SLOTS) * T);
}

static void
callback_cancelling_timer_due_same_tick_stops_it(void **state)
{
	struct fixture *fx = *state;
	struct probe a, b;

	/* Each cancels the other: whichever runs first, the other must not. */
	probe_init(&a, fx, cancel_other_cb);
	probe_init(&b, fx, cancel_other_cb);
	a.other = &b;
	b.other = &a;
	arm(fx, &a, 5 * T);
	arm(fx, &b, 5 * T);
	assert_int_equal(run(fx, 5 * T), 1);
	assert_int_equal(a.fired + b.fired, 1);
	assert_false(timer_pending(&a.t));
	assert_false(timer_pending(&b.t));
	assert_int_equal(fx->w.nb_armed, 0);
	assert_int_equal(run(fx, 100 * T), 0);
	assert_int_equal(a.fired + b.fired, 1);
}

static void
callback_cancelling_timer_due_same_tick_in_crowded_slot(void **state)
{
	struct fixture *fx = *state;
	struct probe killer, victim, p[4];
	unsigned int i, others = 0, fired;

	probe_init(&killer, fx, cancel_other_cb);
	probe_init(&victim, fx, NULL);
	killer.other = &victim;
	arm(fx, &victim, 5 * T);
	for (i = 0; i < RTE_DIM(p); i++) {
		probe_init(&p[i], fx, NULL);
		arm(fx, &p[i], 5 * T);
	}
	arm(fx, &killer, 5 * T);
	fired = run(fx, 5 * T);
	for (i = 0; i < RTE_DIM(p); i++)
		others += p[i].fired;
	assert_int_equal(others, RTE_DIM(p));
	assert_int_equal(killer.fired, 1);
	assert_int_equal(fired, 1 + RTE_DIM(p) + victim.fired);
	/* The victim fires only if its turn came before the killer's. */
	if (victim.fired)
		assert_true(victim.order < killer.order);
	assert_false(timer_pending(&victim.t));
	assert_int_equal(fx->w.nb_armed, 0);
	assert_int_equal(run(fx, 100 * T), 0);
}

static void
callback_rearming_timer_due_same_tick_moves_it(void **state)
{
	struct fixture *fx = *state;
	struct probe a, b, *first, *second;

	probe_init(&a, fx, arm_other_cb);
	probe_init(&b, fx, arm_other_cb);
	a.other = &b;
	b.other = &a;
	a.arg_ns = 8 * T;
	b.arg_ns = 8 * T;
	arm(fx, &a, 5 * T);
	arm(fx, &b, 5 * T);
	assert_int_equal(run(fx, 7 * T), 1);
	first = a.fired ? &a : &b;
	second = a.fired ? &b : &a;
	assert_int_equal(first->fired_at, 5 * T);
	assert_int_equal(second->fired, 0);
	assert_true(timer_pending(&second->t));
	/* the second, at its new time, moves the first (already run) to 12 T */
	second->arg_ns = 12 * T;
	first->other = NULL;
	assert_int_equal(run(fx, 8 * T), 1);
	assert_int_equal(second->fired, 1);
	assert_int_equal(second->fired_at, 8 * T);
	assert_true(timer_pending(&first->t));
	assert_int_equal(run(fx, 11 * T), 0);
	assert_int_equal(run(fx, 12 * T), 1);
	assert_int_equal(first->fired, 2);
	assert_int_equal(first->fired_at, 12 * T);
	assert_int_equal(fx->w.nb_armed, 0);
}

static void
callback_rearming_itself_is_periodic(void **state)
{
	struct fixture *fx = *state;
	struct probe p;
	unsigned int i;

	probe_init(&p, fx, periodic_cb);
	p.arg_ns = 3 * T;
	p.max_fires = 100;
	arm(fx, &p, 2 * T);
	assert_int_equal(run(fx, 20 * T), 7);	/* 2, 5, 8, 11, 14, 17, 20 */
	assert_int_equal(p.fired, 7);
	assert_int_equal(p.fired_at, 20 * T);
	assert_true(timer_pending(&p.t));
	assert_int_equal(timer_next(&fx->w), 23 * T);
	/* across laps, a tick at a time */
	for (i = 21; i <= 4 * NB_SLOTS + 2; i++)
		run(fx, i * T);
	assert_int_equal(p.fired, 7 + (4 * NB_SLOTS + 2 - 20) / 3);
	timer_cancel(&fx->w, &p.t);
	assert_int_equal(run(fx, 200 * T), 0);
}

static void
callback_rearming_itself_for_now_runs_once_per_tick(void **state)
{
	struct fixture *fx = *state;
	struct probe p;

	probe_init(&p, fx, periodic_cb);
	p.arg_ns = 0;		/* "now", again and again: must not spin */
	p.max_fires = 1000;
	arm(fx, &p, 2 * T);
	assert_int_equal(run(fx, 10 * T), 9);
	assert_int_equal(p.fired_at, 10 * T);
	timer_cancel(&fx->w, &p.t);
}

/* --- next and on_tick --- */

static void
timer_next_is_earliest_due_tick(void **state)
{
	struct fixture *fx = *state;
	struct probe a, b, c;

	probe_init(&a, fx, NULL);
	probe_init(&b, fx, NULL);
	probe_init(&c, fx, NULL);
	assert_int_equal(timer_next(&fx->w), UINT64_MAX);
	arm(fx, &a, 9 * T);
	arm(fx, &b, 4 * T + 1);			/* rounds up to tick 5 */
	assert_int_equal(timer_next(&fx->w), 5 * T);
	timer_cancel(&fx->w, &b.t);
	assert_int_equal(timer_next(&fx->w), 9 * T);
	/* a later lap in a slot scanned before slot 9 */
	arm(fx, &c, (NB_SLOTS + 1) * T);
	assert_int_equal(timer_next(&fx->w), 9 * T);
	timer_cancel(&fx->w, &a.t);
	assert_int_equal(timer_next(&fx->w), (NB_SLOTS + 1) * T);
	assert_int_equal(run(fx, 3 * T), 0);
	assert_int_equal(timer_next(&fx->w), (NB_SLOTS + 1) * T);
	assert_int_equal(run(fx, (NB_SLOTS + 1) * T), 1);
	assert_int_equal(timer_next(&fx->w), UINT64_MAX);
}

static void
timer_next_beyond_one_lap(void **state)
{
	struct fixture *fx = *state;
	struct probe a;

	probe_init(&a, fx, NULL);
	arm(fx, &a, (5 * NB_SLOTS + 3) * T);
	assert_int_equal(timer_next(&fx->w), (5 * NB_SLOTS + 3) * T);
	assert_int_equal(run(fx, timer_next(&fx->w)), 1);
}

static void
on_tick_gets_tick_time_before_that_ticks_timers(void **state)
{
	struct fixture *fx = *state;
	struct probe a, b, c;
	bool saw3 = false, saw7 = false;
	unsigned int i;

	probe_init(&a, fx, NULL);
	probe_init(&b, fx, NULL);
	probe_init(&c, fx, NULL);
	arm(fx, &a, 3 * T);
	arm(fx, &b, 7 * T);
	arm(fx, &c, 7 * T - 1);
	assert_int_equal(run(fx, 10 * T + T / 2), 3);
	assert_true(fx->nb_ticks >= 2 && fx->nb_ticks <= 11);
	for (i = 0; i < fx->nb_ticks; i++) {
		assert_int_equal(fx->ticks[i] % T, 0);
		assert_true(fx->ticks[i] <= 10 * T);
		saw3 |= fx->ticks[i] == 3 * T;
		saw7 |= fx->ticks[i] == 7 * T;
	}
	assert_true(saw3);
	assert_true(saw7);
	/* probe_cb records the last on_tick time: it was the timer's own tick */
	assert_int_equal(a.fired_at, 3 * T);
	assert_int_equal(b.fired_at, 7 * T);
	assert_int_equal(c.fired_at, 7 * T);
}

static void
run_without_on_tick_fires_timers(void **state)
{
	struct fixture *fx = *state;
	struct probe a;

	probe_init(&a, fx, NULL);
	arm(fx, &a, 3 * T);
	assert_int_equal(timer_run(&fx->w, 2 * T, NULL, NULL), 0);
	assert_int_equal(timer_run(&fx->w, 3 * T, NULL, NULL), 1);
	assert_int_equal(a.fired, 1);
	assert_int_equal(fx->nb_ticks, 0);
}

static void
wheel_fini_forgets_armed_timers(void **state)
{
	struct fixture *fx = *state;
	struct probe p[3];
	unsigned int i;

	for (i = 0; i < RTE_DIM(p); i++) {
		probe_init(&p[i], fx, NULL);
		arm(fx, &p[i], (i * NB_SLOTS + 2) * T);
	}
	timer_wheel_fini(&fx->w);
	for (i = 0; i < RTE_DIM(p); i++) {
		assert_false(timer_pending(&p[i].t));
		assert_int_equal(p[i].fired, 0);
	}
	assert_int_equal(fx->w.nb_armed, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define TIMER_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		TIMER_TEST(wheel_init_rejects_bad_geometry),
		TIMER_TEST(wheel_init_starts_at_given_time),
		TIMER_TEST(timer_fires_at_its_tick_not_before),
		TIMER_TEST(timer_between_ticks_fires_at_next_tick_never_early),
		TIMER_TEST(timer_armed_at_time_zero_fires_on_first_run),
		TIMER_TEST(timer_armed_in_the_past_fires_on_next_run),
		TIMER_TEST(timer_far_future_expiry_does_not_wrap_to_now),
		TIMER_TEST(timer_cancelled_does_not_fire),
		TIMER_TEST(timer_cancel_of_unarmed_timer_is_noop),
		TIMER_TEST(timer_cancel_unlinks_from_any_place_in_its_slot),
		TIMER_TEST(timer_rearmed_later_fires_only_at_new_time),
		TIMER_TEST(timer_rearmed_earlier_fires_once_at_new_time),
		TIMER_TEST(timer_laps_ahead_waits_for_its_lap),
		TIMER_TEST(timer_laps_ahead_fires_once_on_a_long_jump),
		TIMER_TEST(long_clock_jump_fires_in_order_without_walking_every_tick),
		TIMER_TEST(timers_fire_in_tick_order),
		TIMER_TEST(many_timers_in_one_slot_all_fire),
		TIMER_TEST(callback_arming_timer_for_now_fires_it_on_next_run),
		TIMER_TEST(callback_arming_timer_for_now_fires_it_next_tick_same_run),
		TIMER_TEST(callback_arming_timer_in_the_past_does_not_lose_it),
		TIMER_TEST(callback_arming_timer_one_lap_ahead_in_own_slot_waits),
		TIMER_TEST(callback_cancelling_timer_due_same_tick_stops_it),
		TIMER_TEST(callback_cancelling_timer_due_same_tick_in_crowded_slot),
		TIMER_TEST(callback_rearming_timer_due_same_tick_moves_it),
		TIMER_TEST(callback_rearming_itself_is_periodic),
		TIMER_TEST(callback_rearming_itself_for_now_runs_once_per_tick),
		TIMER_TEST(timer_next_is_earliest_due_tick),
		TIMER_TEST(timer_next_beyond_one_lap),
		TIMER_TEST(on_tick_gets_tick_time_before_that_ticks_timers),
		TIMER_TEST(run_without_on_tick_fires_timers),
		TIMER_TEST(wheel_fini_forgets_armed_timers),
#undef TIMER_TEST
	};
	int ret;

	if (tern_test_eal_init("core_timer") != 0)
		return 1;
	ret = cmocka_run_group_tests_name("core_timer", tests, NULL, NULL);
	tern_test_eal_fini();
	return ret;
}
