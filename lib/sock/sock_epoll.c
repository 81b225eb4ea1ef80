/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include <rte_cycles.h>

#include "tcp_sock.h"
#include "sock_priv.h"

/*
 * Readiness and epoll. Each epoll keeps a ready list of items that may be
 * ready; what is reported is read from the stream's state at that moment
 * (sock_poll_mask()), never remembered. Items get on the list by a wake-up:
 * an event of the context about their socket, an epoll_ctl(), or the watch
 * list. A level-triggered item goes back on the list after each report and
 * leaves it when found not ready; an edge-triggered one leaves it at each
 * report and comes back only with the next wake-up.
 *
 * Some changes come without an event: data arriving while the stream's
 * READABLE is still outstanding (the application did not read it empty), a
 * connection joining a non-empty accept queue, room in a send buffer that
 * had filled without a short send. The sockets where such a change can
 * happen are on the table's watch list, checked at every pass: their level
 * (bytes, datagrams or connections queued) against what was last seen, and
 * their readiness against what was last computed; a rise is a wake-up.
 */

/* Bytes, datagrams or connections waiting: what a new arrival raises. */
static uint32_t
sock_level(const struct sock *s)
{
	if (s->kind == SK_UDP)
		return s->udp != NULL ? tern_udp_rx_count(s->udp) : 0;
	if (s->kind != SK_TCP || s->tcp == NULL)
		return 0;
	if (s->st == SS_LISTEN)
		return tcp_sock_acceptq_len(s->tcp);
	if (s->st == SS_CONNECTED)
		return tern_tcp_rx_bytes(s->tcp);
	return 0;
}

static uint32_t
tcp_mask(struct sock *s)
{
	uint32_t m = 0;
	bool rd;

	switch (s->st) {
	case SS_NEW:
		/* as Linux: a socket in CLOSE is writable and hung up */
		return EPOLLOUT | EPOLLWRNORM | EPOLLHUP;
	case SS_LISTEN:
		return tcp_sock_acceptq_len(s->tcp) > 0 ? EPOLLIN | EPOLLRDNORM : 0;
	case SS_CONNECTING:
		return 0;
	case SS_DEAD:
		return EPOLLIN | EPOLLRDNORM | EPOLLOUT | EPOLLWRNORM | EPOLLHUP | EPOLLRDHUP;
	default:
		break;
	}
	rd = (s->fl & SF_SHUT_RD) || tcp_sock_fin_rcvd(s->tcp);
	if (rd || tern_tcp_rx_bytes(s->tcp) > 0)
		m |= EPOLLIN | EPOLLRDNORM;
	if (rd)
		m |= EPOLLRDHUP;
	/* after SHUT_WR a send fails at once: that is writable too */
	if ((s->fl & SF_SHUT_WR) || tern_tcp_tx_space(s->tcp) > 0)
		m |= EPOLLOUT | EPOLLWRNORM;
	if (rd && (s->fl & SF_SHUT_WR))
		m |= EPOLLHUP;
	return m;
}

uint32_t
sock_poll_mask(struct sock *s)
{
	uint32_t m = 0;

	if (s->kind == SK_TCP) {
		sock_sync(s);
		m = tcp_mask(s);
	} else if (s->kind == SK_UDP) {
		if ((s->fl & SF_SHUT_RD) || (s->udp != NULL && tern_udp_rx_count(s->udp) > 0))
			m |= EPOLLIN | EPOLLRDNORM;
		if (s->fl & SF_SHUT_RD)
			m |= EPOLLRDHUP;
		m |= EPOLLOUT | EPOLLWRNORM;
		if ((s->fl & (SF_SHUT_RD | SF_SHUT_WR)) == (SF_SHUT_RD | SF_SHUT_WR))
			m |= EPOLLHUP;
		if (s->udp != NULL && udp_sock_error(s->udp, false) != 0)
			m |= EPOLLERR;	/* an ICMP error for the connected peer */
	}
	if (s->so_error != 0)
		m |= EPOLLERR;
	return m;
}

void
sock_wake(struct sock *s)
{
	struct ep_item *it;

	LIST_FOREACH(it, &s->items, sock_link) {
		if (it->ready || it->disabled)
			continue;
		TAILQ_INSERT_TAIL(&it->ep->ready, it, ready_link);
		it->ready = true;
		it->ep->nb_ready++;
	}
}

static void
unwatch(struct sock *s)
{
	if (!(s->fl & SF_WATCHED))
		return;
	TAILQ_REMOVE(&s->t->watch, s, watch_link);
	s->fl &= ~SF_WATCHED;
}

/* Whether an item of @s waits for EPOLLOUT. */
static bool
wants_out(const struct sock *s)
{
	const struct ep_item *it;

	LIST_FOREACH(it, &s->items, sock_link)
		if (!it->disabled && (it->events & EPOLLOUT))
			return true;
	return false;
}

/* Watch @s if something may arrive silently (@lvl > 0) or it waits for room. */
static void
watch_set(struct sock *s, uint32_t lvl, uint32_t mask)
{
	bool need = false;

	if (!LIST_EMPTY(&s->items)) {
		need = lvl > 0;
		if (!need && !(mask & EPOLLOUT) && s->st != SS_LISTEN)
			need = wants_out(s);
	}
	if (need && !(s->fl & SF_WATCHED)) {
		TAILQ_INSERT_TAIL(&s->t->watch, s, watch_link);
		s->fl |= SF_WATCHED;
	} else if (!need) {
		unwatch(s);
	}
}

void
sock_watch_update(struct sock *s)
{
	if (LIST_EMPTY(&s->items)) {
		unwatch(s);
		return;
	}
	watch_set(s, sock_level(s), sock_poll_mask(s));
}

void
sock_after_io(struct sock *s, bool rx)
{
	uint32_t mask, lvl;

	if (LIST_EMPTY(&s->items))
		return;
	mask = sock_poll_mask(s);
	lvl = sock_level(s);
	/* forget what went away; what is new stays new for the next pass */
	s->last_mask &= mask;
	if (rx)
		s->seen = lvl;
	watch_set(s, lvl, mask);
}

static void
item_free(struct ep_item *it)
{
	struct sock_ep *ep = it->ep;

	LIST_REMOVE(it, sock_link);
	TAILQ_REMOVE(&ep->items, it, ep_link);
	if (it->ready) {
		TAILQ_REMOVE(&ep->ready, it, ready_link);
		ep->nb_ready--;
	}
	free(it);
}

void
sock_epoll_detach(struct sock *s)
{
	struct ep_item *it;

	while ((it = LIST_FIRST(&s->items)) != NULL)
		item_free(it);
	unwatch(s);
}

void
sock_epoll_free(struct sock *es)
{
	struct sock_ep *ep = es->ep;
	struct ep_item *it;

	while ((it = TAILQ_FIRST(&ep->items)) != NULL) {
		struct sock *s = it->s;

		item_free(it);
		if (LIST_EMPTY(&s->items))
			unwatch(s);
	}
	free(ep);
	es->ep = NULL;
}

/* ---------------------------------------------------------------------- */
/* The pass: poll, events, watch list */

static void
on_event(struct sock_table *t, const struct tern_event *ev)
{
	struct sock *s = sock_of_udata(t, ev->udata);
	uint32_t mask, lvl;

	if (s == NULL) {
		if (!(ev->udata & SOCK_UDATA_TAG) && t->hook != NULL)
			t->hook(t->ctx, ev, t->hook_arg);
		return;
	}
	if (s->kind == SK_TCP ? ev->obj != (void *)s->tcp : ev->obj != (void *)s->udp)
		return;		/* an older stream's, with the udata it inherited */
	if (LIST_EMPTY(&s->items))
		return;
	sock_wake(s);
	mask = sock_poll_mask(s);
	lvl = sock_level(s);
	s->last_mask = mask;
	s->seen = lvl;
	watch_set(s, lvl, mask);
}

bool
sock_table_pass(struct sock_table *t)
{
	struct tern_event ev[SOCK_EV_BATCH];
	struct sock *s, *next;
	unsigned int n, i;
	bool work;

	work = tern_ctx_poll(t->ctx) > 0;
	while ((n = tern_ctx_events(t->ctx, ev, SOCK_EV_BATCH)) > 0) {
		work = true;
		for (i = 0; i < n; i++)
			on_event(t, &ev[i]);
	}
	for (s = TAILQ_FIRST(&t->watch); s != NULL; s = next) {
		uint32_t mask = sock_poll_mask(s), lvl = sock_level(s);

		next = TAILQ_NEXT(s, watch_link);
		if (lvl > s->seen || (mask & ~s->last_mask) != 0)
			sock_wake(s);
		s->seen = lvl;
		s->last_mask = mask;
		watch_set(s, lvl, mask);
	}
	return work;
}

/* ---------------------------------------------------------------------- */
/*
 * The idle back-off. A wait with a timeout (not 0) that finds nothing
 * busy-polls for idle_spin after the last pass that did work, then sleeps
 * between passes: IDLE_STEP_MIN_NS first, doubling up to idle_max_ns, never
 * past the wait's own end nor the context's next timer. Any work (a packet,
 * an event) and any wait that reports something start it over. The state
 * lives in the table, so an application calling the wait in a loop backs
 * off across its calls.
 */
#define IDLE_STEP_MIN_NS	10000	/* 10 us */
#define IDLE_MIN_SLEEP_NS	1000	/* a shorter sleep is not worth the call */

void
sock_idle_init(struct sock_table *t)
{
	t->idle_spin = rte_get_tsc_hz() / 1000000 * TERN_SOCK_IDLE_SPIN_US;
	t->idle_max_ns = (uint64_t)TERN_SOCK_IDLE_SLEEP_MAX_US * 1000;
	t->idle_from = rte_get_tsc_cycles();
	t->idle_step_ns = 0;
}

int
tern_sock_set_idle(struct tern_ctx *ctx, const struct tern_sock_idle *idle)
{
	struct sock_table *t = sock_table_of(ctx, true);

	if (t == NULL)
		return -1;
	if (idle == NULL) {
		sock_idle_init(t);
		return 0;
	}
	if (idle->sleep_max_us > 1000000)
		return sock_err(EINVAL);
	t->idle_spin = rte_get_tsc_hz() / 1000000 * idle->spin_us;
	t->idle_max_ns = (uint64_t)idle->sleep_max_us * 1000;
	t->idle_from = rte_get_tsc_cycles();
	t->idle_step_ns = 0;
	return 0;
}

static void
idle_reset(struct sock_table *t)
{
	t->idle_from = rte_get_tsc_cycles();
	t->idle_step_ns = 0;
}

/*
 * Nothing to report after a pass of @tabs (@nb; the first one's settings
 * rule): spin on, or sleep a step. @end: the wait's end in TSC (0: none).
 */
static void
idle_pause(struct sock_table **tabs, unsigned int nb, uint64_t end, bool work)
{
	struct sock_table *t = tabs[0];
	uint64_t now, ns, next, cur, hz;
	struct timespec ts;
	unsigned int i;

	if (work) {
		for (i = 0; i < nb; i++)
			idle_reset(tabs[i]);
		return;
	}
	if (t->idle_max_ns == 0)
		return;				/* back-off off: busy-poll */
	now = rte_get_tsc_cycles();
	if (now - t->idle_from < t->idle_spin)
		return;				/* still spinning */
	ns = t->idle_step_ns == 0 ? IDLE_STEP_MIN_NS : t->idle_step_ns * 2;
	if (ns > t->idle_max_ns)
		ns = t->idle_max_ns;
	t->idle_step_ns = ns;
	hz = rte_get_tsc_hz();
	if (end != 0) {
		uint64_t left = end > now ? (end - now) * 1000000000 / hz : 0;

		if (left < ns)
			ns = left;
	}
	for (i = 0; i < nb; i++) {
		next = timer_next(&tabs[i]->ctx->wheel);
		cur = tabs[i]->ctx->now_ns;
		if (next == UINT64_MAX)
			continue;
		if (next <= cur)
			return;			/* a timer is due: pass again */
		if (next - cur < ns)
			ns = next - cur;
	}
	if (ns < IDLE_MIN_SLEEP_NS)
		return;
	ts.tv_sec = (time_t)(ns / 1000000000);
	ts.tv_nsec = (long)(ns % 1000000000);
	clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
	TERN_STAT_INC(t->ctx, idle_sleeps);
	TERN_STAT_ADD(t->ctx, idle_sleep_ns, ns);
}

/* ---------------------------------------------------------------------- */
/* The calls */

int
tern_epoll_create1(struct tern_ctx *ctx, int flags)
{
	struct sock_table *t;
	struct sock *s;

	if (flags & ~EPOLL_CLOEXEC)
		return sock_err(EINVAL);
	t = sock_table_of(ctx, true);
	if (t == NULL)
		return -1;
	s = sock_alloc(t, SK_EPOLL, 0);
	if (s == NULL)
		return -1;
	s->ep = calloc(1, sizeof(*s->ep));
	if (s->ep == NULL) {
		sock_free(s);
		return sock_err(ENOMEM);
	}
	TAILQ_INIT(&s->ep->items);
	TAILQ_INIT(&s->ep->ready);
	return sock_handle(s);
}

int
tern_epoll_create(struct tern_ctx *ctx, int size)
{
	if (size <= 0)
		return sock_err(EINVAL);
	return tern_epoll_create1(ctx, 0);
}

static struct sock *
epoll_get(int epfd)
{
	struct sock *es = sock_get(epfd);

	if (es != NULL && es->kind != SK_EPOLL) {
		errno = EINVAL;
		return NULL;
	}
	return es;
}

int
tern_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	struct sock *es = epoll_get(epfd), *s;
	struct ep_item *it;

	if (es == NULL)
		return -1;
	s = sock_get(fd);
	if (s == NULL)
		return -1;
	if (s->t != es->t)
		return sock_err(EXDEV);
	if (s == es)
		return sock_err(EINVAL);
	if (s->kind == SK_EPOLL)
		return sock_err(EPERM);
	LIST_FOREACH(it, &s->items, sock_link)
		if (it->ep == es->ep)
			break;
	switch (op) {
	case EPOLL_CTL_ADD:
		if (ev == NULL)
			return sock_err(EFAULT);
		if (it != NULL)
			return sock_err(EEXIST);
		it = calloc(1, sizeof(*it));
		if (it == NULL)
			return sock_err(ENOMEM);
		it->ep = es->ep;
		it->s = s;
		TAILQ_INSERT_TAIL(&es->ep->items, it, ep_link);
		LIST_INSERT_HEAD(&s->items, it, sock_link);
		break;
	case EPOLL_CTL_MOD:
		if (ev == NULL)
			return sock_err(EFAULT);
		if (it == NULL)
			return sock_err(ENOENT);
		if (ev->events & EPOLLEXCLUSIVE)
			return sock_err(EINVAL);
		break;
	case EPOLL_CTL_DEL:
		if (it == NULL)
			return sock_err(ENOENT);
		item_free(it);
		sock_watch_update(s);
		return 0;
	default:
		return sock_err(EINVAL);
	}
	it->events = ev->events & ~EPOLLEXCLUSIVE;
	it->data = ev->data;
	it->disabled = false;
	/* report the state as it is now, once at least */
	sock_wake(s);
	sock_watch_update(s);
	return 0;
}

/* Report what is ready on @ep, at most @max. */
static int
ep_collect(struct sock_ep *ep, struct epoll_event *out, int max)
{
	uint32_t budget = ep->nb_ready;
	int n = 0;

	while (n < max && budget-- > 0) {
		struct ep_item *it = TAILQ_FIRST(&ep->ready);
		struct sock *s = it->s;
		uint32_t mask, lvl, rev;

		TAILQ_REMOVE(&ep->ready, it, ready_link);
		it->ready = false;
		ep->nb_ready--;
		if (it->disabled)
			continue;
		mask = sock_poll_mask(s);
		lvl = sock_level(s);
		rev = mask & (it->events | EPOLLERR | EPOLLHUP);
		if (rev != 0) {
			out[n].events = rev;
			out[n].data = it->data;
			n++;
			s->last_mask = mask;
			s->seen = lvl;
			if (it->events & EPOLLONESHOT) {
				it->disabled = true;
			} else if (!(it->events & EPOLLET)) {
				/* level-triggered: checked again at the next wait */
				TAILQ_INSERT_TAIL(&ep->ready, it, ready_link);
				it->ready = true;
				ep->nb_ready++;
			}
		}
		watch_set(s, lvl, mask);
	}
	return n;
}

int
tern_epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout_ms)
{
	struct sock *es = epoll_get(epfd);
	struct sock_table *t;
	uint64_t end = 0;
	int n;

	if (es == NULL)
		return -1;
	if (maxevents <= 0)
		return sock_err(EINVAL);
	if (events == NULL)
		return sock_err(EFAULT);
	t = es->t;
	if (timeout_ms > 0)
		end = rte_get_tsc_cycles() + rte_get_tsc_hz() / 1000 * (uint64_t)timeout_ms;
	for (;;) {
		bool work = sock_table_pass(t);

		n = ep_collect(es->ep, events, maxevents);
		if (n > 0) {
			idle_reset(t);
			return n;
		}
		if (timeout_ms == 0 || t->ctx->manual_clock)
			return 0;
		if (timeout_ms > 0 && rte_get_tsc_cycles() >= end)
			return 0;
		idle_pause(&t, 1, end, work);
	}
}

/*
 * poll(2) over tern sockets: each one's readiness as epoll would see it
 * (sock_poll_mask(); POLLIN, POLLOUT, ... have the values of EPOLLIN,
 * EPOLLOUT, ...), after one pass of every context the sockets are on.
 * Waits as tern_epoll_wait() does.
 */
#define SOCK_POLL_MAX	(1u << 20)	/* descriptors in one call, at most */

int
tern_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
	struct sock_table *seen[TERN_SOCK_MAX_CTX];
	bool manual = false;
	uint64_t end = 0;
	unsigned int nb_seen, k;
	nfds_t i;
	int n;

	if (nfds > 0 && fds == NULL)
		return sock_err(EFAULT);
	if (nfds > (nfds_t)SOCK_POLL_MAX)
		return sock_err(EINVAL);
	if (timeout_ms > 0)
		end = rte_get_tsc_cycles() + rte_get_tsc_hz() / 1000 * (uint64_t)timeout_ms;
	for (;;) {
		bool work = false;

		/* one pass of each context the sockets are on */
		nb_seen = 0;
		for (i = 0; i < nfds; i++) {
			struct sock *s = fds[i].fd >= 0 ? sock_get_sk(fds[i].fd) : NULL;

			if (s == NULL)
				continue;
			for (k = 0; k < nb_seen && seen[k] != s->t; k++)
				;
			if (k == nb_seen && nb_seen < RTE_DIM(seen)) {
				seen[nb_seen++] = s->t;
				work |= sock_table_pass(s->t);
				manual |= s->t->ctx->manual_clock;
			}
		}
		n = 0;
		for (i = 0; i < nfds; i++) {
			struct sock *s;

			fds[i].revents = 0;
			if (fds[i].fd < 0)
				continue;	/* ignored, as poll(2) does */
			s = sock_get_sk(fds[i].fd);
			if (s == NULL) {
				fds[i].revents = POLLNVAL;
			} else {
				uint32_t m = sock_poll_mask(s);

				/* errors and hang-ups are reported unasked */
				fds[i].revents = (short)(m & ((uint32_t)(uint16_t)fds[i].events |
							      POLLERR | POLLHUP));
			}
			if (fds[i].revents != 0)
				n++;
		}
		if (n > 0) {
			for (k = 0; k < nb_seen; k++)
				idle_reset(seen[k]);
			return n;
		}
		if (timeout_ms == 0 || manual)
			return 0;
		if (timeout_ms > 0 && rte_get_tsc_cycles() >= end)
			return 0;
		if (nb_seen > 0)
			idle_pause(seen, nb_seen, end, work);
	}
}
