/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#define _GNU_SOURCE	/* RTLD_NEXT, epoll_pwait2, ppoll */
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/select.h>

#include "preload.h"

/*
 * libtern_preload.so's waits (docs/dropin.md): epoll, poll and select over
 * tern sockets and kernel descriptors together, with the back-off, and the
 * wrapping of the program's signal handlers that lets a polling wait end
 * with EINTR. The descriptors and the other calls: preload.c.
 */

#define REAL(ret, name, ...)						\
	static ret (*real_##name)(__VA_ARGS__)
REAL(ssize_t, write, int, const void *, size_t);
REAL(int, epoll_create, int);
REAL(int, epoll_create1, int);
REAL(int, epoll_ctl, int, int, int, struct epoll_event *);
REAL(int, epoll_pwait, int, struct epoll_event *, int, int, const sigset_t *);
REAL(int, epoll_pwait2, int, struct epoll_event *, int, const struct timespec *,
     const sigset_t *);
REAL(int, poll, struct pollfd *, nfds_t, int);
REAL(int, ppoll, struct pollfd *, nfds_t, const struct timespec *, const sigset_t *);
REAL(int, select, int, fd_set *, fd_set *, fd_set *, struct timeval *);
REAL(int, sigaction, int, const struct sigaction *, struct sigaction *);

#define RESOLVE(name)	(real_##name = dlsym(RTLD_NEXT, #name))

static void
resolve_all(void)
{
	RESOLVE(write); RESOLVE(epoll_create); RESOLVE(epoll_create1); RESOLVE(epoll_ctl);
	RESOLVE(epoll_pwait); RESOLVE(epoll_pwait2); RESOLVE(poll); RESOLVE(ppoll);
	RESOLVE(select); RESOLVE(sigaction);
}

static pthread_once_t resolved = PTHREAD_ONCE_INIT;

static inline void
need_real(void)
{
	if (real_sigaction == NULL)
		pthread_once(&resolved, resolve_all);
}

/* ---------------------------------------------------------------------- */
/*
 * Signals. A wait that polls never sleeps in a system call the signal
 * could interrupt, so it could not tell that the program's handler ran
 * (nginx's SIGTERM handler sets a flag and expects epoll_wait to fail with
 * EINTR). The program's handlers are wrapped: the wrapper counts, then
 * calls the handler; a wait that sees the count move fails with EINTR, as
 * the kernel's would.
 */
static volatile unsigned long pl_sigs;
static struct sigaction app_act[NSIG];

static void
sig_wrap(int sig, siginfo_t *si, void *uc)
{
	const struct sigaction *a;

	pl_sigs++;
	if (getenv("TERN_PRELOAD_DEBUG") != NULL) {
		char m[64];
		int n = snprintf(m, sizeof(m), "tern-preload: signal %d\n", sig);

		if (real_write(2, m, (size_t)n) < 0)
			return;
	}
	if (sig <= 0 || sig >= NSIG)
		return;
	a = &app_act[sig];
	if (a->sa_flags & SA_SIGINFO)
		a->sa_sigaction(sig, si, uc);
	else if (a->sa_handler != SIG_IGN && a->sa_handler != SIG_DFL)
		a->sa_handler(sig);
}

static bool
is_handler(const struct sigaction *a)
{
	return (a->sa_flags & SA_SIGINFO) ||
		(a->sa_handler != SIG_IGN && a->sa_handler != SIG_DFL);
}

int
sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	struct sigaction w, prev;
	int r;

	need_real();
	/* DPDK's own (the TAP PMD's real-time signal, ...) are not the program's */
	if (sig <= 0 || sig >= NSIG || sig == SIGKILL || sig == SIGSTOP || pl_inside)
		return real_sigaction(sig, act, old);
	if (act == NULL) {
		r = real_sigaction(sig, NULL, &prev);
		if (r == 0 && old != NULL)
			*old = (prev.sa_flags & SA_SIGINFO) && prev.sa_sigaction == sig_wrap ?
				app_act[sig] : prev;
		return r;
	}
	if (!is_handler(act)) {
		r = real_sigaction(sig, act, &prev);
	} else {
		w = *act;
		w.sa_flags |= SA_SIGINFO;
		w.sa_sigaction = sig_wrap;
		app_act[sig] = *act;	/* before the wrapper can run */
		r = real_sigaction(sig, &w, &prev);
	}
	if (r == 0 && old != NULL) {
		if ((prev.sa_flags & SA_SIGINFO) && prev.sa_sigaction == sig_wrap)
			*old = app_act[sig];
		else
			*old = prev;
	}
	return r;
}

sighandler_t
signal(int sig, sighandler_t h)
{
	struct sigaction a, old;

	memset(&a, 0, sizeof(a));
	a.sa_handler = h;
	a.sa_flags = SA_RESTART;
	sigemptyset(&a.sa_mask);
	if (sigaction(sig, &a, &old) != 0)
		return SIG_ERR;
	return (old.sa_flags & SA_SIGINFO) ? (sighandler_t)(void (*)(void))old.sa_sigaction :
		old.sa_handler;
}

/* ---------------------------------------------------------------------- */
/* Waiting: tern passes and the kernel's wait, with the back-off */

struct backoff {
	uint64_t start_ns, last_ns, end_ns;	/* end 0: none */
	uint64_t step;
};

static void
backoff_init(struct backoff *b, int timeout_ms)
{
	b->start_ns = b->last_ns = pl_now_ns();
	b->end_ns = timeout_ms < 0 ? 0 : b->start_ns + (uint64_t)timeout_ms * 1000000u;
	b->step = 0;
}

/*
 * Nothing yet: @return -1 if the timeout passed, else the kernel wait to do
 * now in ns (0: none, poll again at once).
 */
static int64_t
backoff_next(struct backoff *b)
{
	uint64_t t = pl_now_ns(), ns;

	if (b->end_ns != 0 && t >= b->end_ns)
		return -1;
	if (t - b->last_ns < P.spin_ns || P.step_max_ns == 0)
		return 0;
	ns = b->step == 0 ? PL_STEP_MIN_NS : b->step * 2;
	if (ns > P.step_max_ns)
		ns = P.step_max_ns;
	b->step = ns;
	if (b->end_ns != 0 && b->end_ns - t < ns)
		ns = b->end_ns - t;
	return (int64_t)ns;
}

/* ---------------------------------------------------------------------- */
/* epoll */

int
epoll_create1(int flags)
{
	need_real();
	return real_epoll_create1(flags);	/* a tern half comes with the first tern socket */
}

int
epoll_create(int size)
{
	need_real();
	return real_epoll_create(size);
}

int
epoll_ctl(int ep, int op, int fd, struct epoll_event *ev)
{
	struct pl_fd *e, *f = pl_ours(fd);
	int r;

	need_real();
	if (!pl_tern_data(f))
		return real_epoll_ctl(ep, op, fd, ev);
	pl_own("epoll_ctl", fd);
	e = pl_slot(ep);
	if (e == NULL || (e->kind != PK_KERNEL && e->kind != PK_EPOLL)) {
		errno = EINVAL;
		return -1;
	}
	if (e->kind == PK_KERNEL) {
		/* check that @ep is an epoll: a harmless query of the kernel */
		struct epoll_event probe = { 0 };

		if (real_epoll_ctl(ep, EPOLL_CTL_DEL, fd, &probe) != 0 && errno != ENOENT &&
		    errno != EPERM)
			return -1;
		pl_inside++;
		r = tern_epoll_create1(P.ctx, 0);
		pl_inside--;
		if (r < 0)
			return -1;
		pl_slot_clear(e);
		pl_mark_hi(ep);
		e->kind = PK_EPOLL;
		e->th = r;
	}
	pl_inside++;
	r = tern_epoll_ctl(e->th, op, f->th, ev);
	pl_inside--;
	return r;
}

/* The mixed wait: tern passes and the kernel's epoll, backing off. */
static int
mixed_epoll_wait(int ep, struct pl_fd *e, struct epoll_event *ev, int max, int timeout,
		 const sigset_t *mask)
{
	struct backoff b;
	unsigned long sigs;
	int n, k;

	pl_own("epoll_wait", ep);
	if (max <= 0 || ev == NULL) {
		errno = max <= 0 ? EINVAL : EFAULT;
		return -1;
	}
	backoff_init(&b, timeout);
	sigs = pl_sigs;
	for (;;) {
		int64_t ns;

		pl_inside++;
		n = tern_epoll_wait(e->th, ev, max, 0);
		pl_inside--;
		if (n < 0)
			return -1;
		if (n < max) {
			k = real_epoll_pwait(ep, ev + n, max - n, 0, mask);
			if (k < 0)
				return n > 0 ? n : -1;
			n += k;
		}
		if (n > 0 || timeout == 0)
			return n;
		if (pl_sigs != sigs) {
			errno = EINTR;	/* a handler ran: as the kernel's wait */
			return -1;
		}
		ns = backoff_next(&b);
		if (ns < 0)
			return 0;
		if (ns > 0) {
			struct timespec ts = { .tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000 };

			/* sleep in the kernel's epoll: its descriptors wake it at once */
			k = real_epoll_pwait2 != NULL ?
				real_epoll_pwait2(ep, ev, max, &ts, mask) :
				real_epoll_pwait(ep, ev, max, (int)((ns + 999999) / 1000000), mask);
			if (k < 0 && errno == EINTR && pl_sigs == sigs)
				continue;	/* a signal of DPDK's own (the TAP PMD's) */
			if (k != 0)
				return k;	/* kernel events, or an error (EINTR) */
		}
	}
}

int
epoll_pwait(int ep, struct epoll_event *ev, int max, int timeout, const sigset_t *mask)
{
	struct pl_fd *e = pl_ours(ep);

	need_real();
	if (e == NULL || e->kind != PK_EPOLL)
		return real_epoll_pwait(ep, ev, max, timeout, mask);
	return mixed_epoll_wait(ep, e, ev, max, timeout, mask);
}

int
epoll_wait(int ep, struct epoll_event *ev, int max, int timeout)
{
	return epoll_pwait(ep, ev, max, timeout, NULL);
}

/* ---------------------------------------------------------------------- */
/* poll, select */

static int
mixed_poll(struct pollfd *fds, nfds_t n, int timeout, const sigset_t *mask)
{
	struct pollfd tst[PL_POLL_STACK], kst[PL_POLL_STACK], *tp = tst, *kp = kst;
	nfds_t *tix = NULL, *kix = NULL, nt = 0, nk = 0, i;
	nfds_t tix_st[PL_POLL_STACK], kix_st[PL_POLL_STACK];
	unsigned long sigs;
	struct backoff b;
	int ret = -1;

	if (n > PL_POLL_STACK) {
		tp = calloc(n, sizeof(*tp));
		kp = calloc(n, sizeof(*kp));
		tix = calloc(n, sizeof(*tix));
		kix = calloc(n, sizeof(*kix));
		if (tp == NULL || kp == NULL || tix == NULL || kix == NULL) {
			errno = ENOMEM;
			goto out;
		}
	} else {
		tix = tix_st;
		kix = kix_st;
	}
	for (i = 0; i < n; i++) {
		struct pl_fd *f = pl_ours(fds[i].fd);

		fds[i].revents = 0;
		if (pl_tern_data(f)) {
			tp[nt] = (struct pollfd){ .fd = f->th, .events = fds[i].events };
			tix[nt++] = i;
		} else {
			kp[nk] = fds[i];
			kix[nk++] = i;
		}
	}
	pl_own("poll", -1);
	backoff_init(&b, timeout);
	sigs = pl_sigs;
	for (;;) {
		int a = 0, k = 0;
		int64_t ns;

		if (nt > 0) {
			pl_inside++;
			a = tern_poll(tp, nt, 0);
			pl_inside--;
			if (a < 0)
				goto out;
		}
		if (nk > 0) {
			struct timespec z = { 0, 0 };

			k = real_ppoll(kp, nk, &z, mask);
			if (k < 0 && a == 0)
				goto out;
		}
		if (a > 0 || k > 0 || timeout == 0)
			break;
		if (pl_sigs != sigs) {
			errno = EINTR;
			goto out;
		}
		ns = backoff_next(&b);
		if (ns < 0)
			break;
		if (ns > 0) {
			struct timespec ts = { .tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000 };

			k = real_ppoll(kp, nk, &ts, mask);
			if (k < 0 && errno == EINTR && pl_sigs == sigs)
				continue;	/* a signal of DPDK's own */
			if (k < 0)
				goto out;
			if (k > 0) {
				/* one more pass of tern, not to leave its news for later */
				if (nt > 0) {
					pl_inside++;
					tern_poll(tp, nt, 0);
					pl_inside--;
				}
				break;
			}
		}
	}
	ret = 0;
	for (i = 0; i < nt; i++) {
		fds[tix[i]].revents = tp[i].revents;
		ret += tp[i].revents != 0;
	}
	for (i = 0; i < nk; i++) {
		fds[kix[i]].revents = kp[i].revents;
		ret += kp[i].revents != 0;
	}
out:
	if (tp != tst) {
		free(tp);
		free(kp);
		free(tix);
		free(kix);
	}
	return ret;
}

/* Whether any of @fds is a tern socket. */
static bool
any_tern(const struct pollfd *fds, nfds_t n)
{
	nfds_t i;

	if (P.state != 1 || pl_inside)
		return false;
	for (i = 0; i < n; i++)
		if (pl_tern_data(pl_ours(fds[i].fd)))
			return true;
	return false;
}

int
ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts, const sigset_t *mask)
{
	int timeout;

	need_real();
	if (!any_tern(fds, n))
		return real_ppoll(fds, n, ts, mask);
	timeout = ts == NULL ? -1 : (int)(ts->tv_sec * 1000 + ts->tv_nsec / 1000000);
	return mixed_poll(fds, n, timeout, mask);
}

int
poll(struct pollfd *fds, nfds_t n, int timeout)
{
	need_real();
	if (!any_tern(fds, n))
		return real_poll(fds, n, timeout);
	return mixed_poll(fds, n, timeout, NULL);
}

int
select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv)
{
	struct pollfd pst[PL_POLL_STACK], *p = pst;
	nfds_t n = 0, i;
	bool tern = false;
	int fd, r, timeout;

	need_real();
	if (P.state != 1 || pl_inside || nfds <= 0 || nfds > FD_SETSIZE)
		return real_select(nfds, rd, wr, ex, tv);
	for (fd = 0; fd < nfds; fd++)
		if ((rd && FD_ISSET(fd, rd)) || (wr && FD_ISSET(fd, wr)) ||
		    (ex && FD_ISSET(fd, ex))) {
			n++;
			tern |= pl_tern_data(pl_ours(fd));
		}
	if (!tern)
		return real_select(nfds, rd, wr, ex, tv);
	/* as poll(2) */
	if (n > PL_POLL_STACK && (p = calloc(n, sizeof(*p))) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	for (fd = 0, i = 0; fd < nfds; fd++) {
		short ev = 0;

		if (rd && FD_ISSET(fd, rd))
			ev |= POLLIN;
		if (wr && FD_ISSET(fd, wr))
			ev |= POLLOUT;
		if (ex && FD_ISSET(fd, ex))
			ev |= POLLPRI;
		if (ev != 0)
			p[i++] = (struct pollfd){ .fd = fd, .events = ev };
	}
	timeout = tv == NULL ? -1 : (int)(tv->tv_sec * 1000 + tv->tv_usec / 1000);
	r = mixed_poll(p, n, timeout, NULL);
	if (r >= 0) {
		if (rd)
			FD_ZERO(rd);
		if (wr)
			FD_ZERO(wr);
		if (ex)
			FD_ZERO(ex);
		r = 0;
		for (i = 0; i < n; i++) {
			short re = p[i].revents;

			if (re & POLLNVAL) {
				errno = EBADF;
				r = -1;
				break;
			}
			if (rd && (re & (POLLIN | POLLHUP | POLLERR)) && (p[i].events & POLLIN)) {
				FD_SET(p[i].fd, rd);
				r++;
			}
			if (wr && (re & (POLLOUT | POLLERR)) && (p[i].events & POLLOUT)) {
				FD_SET(p[i].fd, wr);
				r++;
			}
			if (ex && (re & POLLPRI)) {
				FD_SET(p[i].fd, ex);
				r++;
			}
		}
	}
	if (p != pst)
		free(p);
	return r;
}
