/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * Why not rte_timer: rte_timer_manage() reads the TSC itself and keeps its
 * lists per lcore behind a lock; a context's timers run on the context's own
 * clock (a manual one in tests, so every TCP timer is deterministic) and a
 * connection re-arms its timer on nearly every ACK: a hashed wheel with O(1)
 * intrusive arm and cancel, no lock, no allocation.
 */
#include <errno.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_malloc.h>

#include "tern_assert.h"
#include "tern_timer.h"

int
timer_wheel_init(struct tern_timer_wheel *w, uint32_t nb_slots, uint64_t tick_ns,
		      uint64_t now_ns, int socket_id)
{
	if (nb_slots == 0 || !rte_is_power_of_2(nb_slots) || tick_ns == 0)
		return -EINVAL;
	w->slots = rte_zmalloc_socket("tern_timer_slots", sizeof(*w->slots) * nb_slots,
				      RTE_CACHE_LINE_SIZE, socket_id);
	if (w->slots == NULL)
		return -ENOMEM;
	w->mask = nb_slots - 1;
	w->tick_ns = tick_ns;
	w->cur_tick = now_ns / tick_ns;
	w->nb_armed = 0;
	w->ticks_walked = 0;
	return 0;
}

void
timer_wheel_fini(struct tern_timer_wheel *w)
{
	uint32_t i;
	struct tern_timer *t, *n;

	if (w->slots == NULL)
		return;
	for (i = 0; i <= w->mask; i++) {
		for (t = w->slots[i]; t != NULL; t = n) {
			n = t->next;
			t->next = NULL;
			t->pprev = NULL;
		}
	}
	rte_free(w->slots);
	w->slots = NULL;
	w->nb_armed = 0;
}

static inline void
timer_link(struct tern_timer **head, struct tern_timer *t)
{
	t->next = *head;
	if (t->next != NULL)
		t->next->pprev = &t->next;
	*head = t;
	t->pprev = head;
}

static inline void
timer_unlink(struct tern_timer *t)
{
	TERN_ASSERT(*t->pprev == t);
	TERN_ASSERT(t->next == NULL || t->next->pprev == &t->next);
	*t->pprev = t->next;
	if (t->next != NULL)
		t->next->pprev = t->pprev;
	t->next = NULL;
	t->pprev = NULL;
}

void
timer_arm(struct tern_timer_wheel *w, struct tern_timer *t, uint64_t expire_ns)
{
	/* round up without overflow: UINT64_MAX means "never", not tick 0 */
	uint64_t tick = expire_ns / w->tick_ns + (expire_ns % w->tick_ns != 0);

	TERN_ASSERT(t->cb != NULL);
	if (timer_pending(t))
		timer_unlink(t);
	else
		w->nb_armed++;
	if (tick < w->cur_tick)
		tick = w->cur_tick;
	t->expire = tick;
	timer_link(&w->slots[tick & w->mask], t);
}

void
timer_cancel(struct tern_timer_wheel *w, struct tern_timer *t)
{
	if (!timer_pending(t))
		return;
	TERN_ASSERT(w->nb_armed > 0);
	timer_unlink(t);
	w->nb_armed--;
}

/* The earliest tick a timer waits for, or UINT64_MAX: a scan of one lap. */
static uint64_t
next_tick(const struct tern_timer_wheel *w)
{
	uint64_t tick, best = UINT64_MAX;
	uint32_t i;
	const struct tern_timer *t;

	if (w->nb_armed == 0)
		return UINT64_MAX;
	for (i = 0; i <= w->mask; i++) {
		tick = w->cur_tick + i;
		for (t = w->slots[tick & w->mask]; t != NULL; t = t->next)
			if (t->expire < best)
				best = t->expire;
		if (best <= tick)
			break;
	}
	return best;
}

unsigned int
timer_run(struct tern_timer_wheel *w, uint64_t now_ns,
	       void (*on_tick)(void *arg, uint64_t tick_ns), void *arg)
{
	uint64_t target = now_ns / w->tick_ns;
	unsigned int fired = 0;

	while (w->cur_tick <= target) {
		uint64_t tick = w->cur_tick;
		struct tern_timer *local = NULL, *t;

		if (w->nb_armed == 0) {
			/* Nothing can fire: jump to the end. */
			w->cur_tick = target + 1;
			break;
		}
		if (target - tick > w->mask) {
			/*
			 * More than a lap to catch up (a clock that jumped, a
			 * context not polled for a while): jump to the earliest
			 * tick a timer waits for, one scan of the wheel, rather
			 * than walk every empty tick on the way (hours of ticks
			 * with one timer armed were billions of steps).
			 */
			uint64_t next = next_tick(w);

			if (next > tick) {
				w->cur_tick = next <= target ? next : target + 1;
				continue;
			}
		}
		w->ticks_walked++;
		/*
		 * Mark the tick as run before firing, so that a callback that
		 * arms a timer for "now" lands on the next tick, not on the
		 * slot being emptied. Move the slot to a local list: callbacks
		 * may cancel or re-arm any timer, this slot's included.
		 */
		w->cur_tick = tick + 1;
		local = w->slots[tick & w->mask];
		if (local == NULL)
			continue;
		w->slots[tick & w->mask] = NULL;
		local->pprev = &local;
		if (on_tick != NULL)
			on_tick(arg, tick * w->tick_ns);
		while ((t = local) != NULL) {
			timer_unlink(t);
			if (t->expire > tick) {
				/* a later lap of the wheel */
				timer_link(&w->slots[tick & w->mask], t);
				continue;
			}
			TERN_ASSERT(w->nb_armed > 0);
			w->nb_armed--;
			t->cb(t);
			fired++;
		}
	}
	return fired;
}

uint64_t
timer_next(const struct tern_timer_wheel *w)
{
	uint64_t best = next_tick(w);

	return best == UINT64_MAX ? best : best * w->tick_ns;
}
