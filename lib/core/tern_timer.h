/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_TIMER_H
#define TERN_TIMER_H

/*
 * A hashed timer wheel: one per context. Timers are intrusive (embedded in
 * whatever owns them); arming and cancelling are O(1); a run visits each
 * elapsed tick's slot once and fires the timers due by then, skipping those
 * that belong to a later lap of the wheel.
 */

#include <stdbool.h>
#include <stdint.h>

struct tern_timer;

/* The callback finds its owner from @t (container_of()). */
typedef void (*tern_timer_cb_t)(struct tern_timer *t);

struct tern_timer {
	struct tern_timer *next;
	struct tern_timer **pprev;	/* NULL when not armed */
	uint64_t expire;		/* tick */
	tern_timer_cb_t cb;
};

struct tern_timer_wheel {
	struct tern_timer **slots;
	uint32_t mask;
	uint64_t tick_ns;
	uint64_t cur_tick;	/* first tick not yet run */
	uint64_t nb_armed;
	uint64_t ticks_walked;	/* ticks timer_run() looked at: a work counter for tests */
};

/* nb_slots: power of two. @return 0, -EINVAL or -ENOMEM. */
int timer_wheel_init(struct tern_timer_wheel *w, uint32_t nb_slots, uint64_t tick_ns,
			  uint64_t now_ns, int socket_id);
/* Forget every timer (they are not fired) and free the slots. */
void timer_wheel_fini(struct tern_timer_wheel *w);

static inline void
timer_init(struct tern_timer *t, tern_timer_cb_t cb)
{
	t->next = NULL;
	t->pprev = NULL;
	t->expire = 0;
	t->cb = cb;
}

static inline bool
timer_pending(const struct tern_timer *t)
{
	return t->pprev != NULL;
}

/*
 * Arm (or re-arm) @t to fire at the first tick at or after @expire_ns.
 * A time already past fires at the next run.
 */
void timer_arm(struct tern_timer_wheel *w, struct tern_timer *t, uint64_t expire_ns);
/* Cancel @t if armed. */
void timer_cancel(struct tern_timer_wheel *w, struct tern_timer *t);

/*
 * Run every tick up to and including the one holding @now_ns.
 * @on_tick, if not NULL, is called with the start time of each tick that
 * holds timers, before they fire (the context uses it to step a manual
 * clock); empty ticks are skipped without a call.
 * @return timers fired.
 */
unsigned int timer_run(struct tern_timer_wheel *w, uint64_t now_ns,
			    void (*on_tick)(void *arg, uint64_t tick_ns), void *arg);

/* Time (ns) of the earliest tick that may hold a due timer, or UINT64_MAX. */
uint64_t timer_next(const struct tern_timer_wheel *w);

#endif /* TERN_TIMER_H */
