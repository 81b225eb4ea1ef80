/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * fcntl and fcntl64 are both defined here: without the large-file
 * redirection (x86_64's off_t is 64 bits either way).
 */
#undef _FILE_OFFSET_BITS
#define _GNU_SOURCE	/* RTLD_NEXT, accept4, epoll_pwait2, ppoll, gettid */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>

#include "preload.h"

/*
 * libtern_preload.so: the socket calls of an unmodified single-threaded
 * event-loop program, carried onto tern (docs/dropin.md).
 *
 * Descriptors. socket(AF_INET/AF_INET6, SOCK_STREAM/SOCK_DGRAM) makes a
 * real kernel socket and hands its number to the program; it stays
 * "pending" until bind, connect, listen or sendto says where it goes: to
 * an address of tern's (or the wildcard, unless TERN_ANY=kernel), and a
 * tern socket is made and becomes that descriptor's other half; to a
 * kernel address (loopback and the TERN_KERNEL prefixes), and it stays the
 * kernel socket it is. A tern socket's kernel half is never bound: it only
 * holds the number, so a tern descriptor can never collide with one the
 * kernel hands out (at the price of one kernel descriptor per tern socket;
 * accepted tern sockets get a fresh unbound kernel socket for theirs).
 * Options set while pending go to the kernel socket and are replayed onto
 * the tern one.
 *
 * Waiting. An epoll instance is the kernel's; once a tern socket is added
 * it gets a tern epoll as its other half. epoll_wait polls both without
 * sleeping for a short spin, then sleeps in the kernel's epoll_pwait2 in
 * growing steps (10 us to 1 ms), so a kernel descriptor wakes it at once
 * and a tern packet waits at most one step. poll and select do the same
 * over ppoll. Blocking calls on a tern socket (a socket without O_NONBLOCK)
 * wait the same way. The tern context runs only inside these calls: the
 * program's event loop is the stack's.
 *
 * Threads and fork. The thread that made the first tern socket owns tern
 * (an EAL lcore from then on). A call on a tern descriptor from any other
 * thread, or in a child after fork(), prints why and aborts: the child
 * may only close them (its copy of the stack is never run). Calls on
 * kernel descriptors pass through from any thread, in parent or child.
 */

#define PL_SPIN_NS	100000		/* busy-poll this long after the last event */
#define PL_STEP_MIN_NS	10000
#define PL_STEP_MAX_NS	1000000	/* TERN_IDLE_SPIN_US, TERN_IDLE_SLEEP_MAX_US change them */
#define PL_MAX_OPTS	32
#define PL_OPT_LEN	32
#define PL_FD_MAX	(1 << 20)	/* descriptors the table covers */
#define PL_POLL_STACK	64

enum pl_kind {
	PK_KERNEL = 0,		/* not ours: libc */
	PK_PENDING,		/* an AF_INET/AF_INET6 socket not yet placed */
	PK_TERN,		/* a tern socket; the kernel one holds the number */
	PK_EPOLL,		/* a kernel epoll with a tern half */
};

struct pl_opt {
	int level, name;
	socklen_t len;
	uint8_t val[PL_OPT_LEN];
};

struct pl_fd {
	uint8_t kind;
	uint8_t nonblock;
	int family, type, proto;
	int th;			/* tern handle (socket, or the epoll's tern half) */
	unsigned int nb_opts;
	struct pl_opt *opts;	/* PK_PENDING: options to replay */
};

static struct {
	int state;		/* 0: not started, 1: running, -1: failed */
	struct tern_ctx *ctx;
	pid_t owner;		/* thread id */
	pid_t pid;
	struct pl_config cfg;
	struct pl_fd *tab;
	int tab_size;
	int hi;			/* above every descriptor made ours */
	uint64_t spin_ns;	/* the back-off of the waits */
	uint64_t step_max_ns;	/* 0: never sleep */
	pthread_mutex_t lock;	/* the start */
} P = { .lock = PTHREAD_MUTEX_INITIALIZER };

static __thread int inside;	/* in tern or the EAL: every call goes to libc */
static __thread pid_t tl_tid;	/* gettid(), cached: a system call per socket call costs */
static volatile bool in_child;	/* after fork(), in the child (pthread_atfork) */

static inline pid_t
my_tid(void)
{
	if (tl_tid == 0)
		tl_tid = gettid();
	return tl_tid;
}

/* ---------------------------------------------------------------------- */
/* libc's own */

#define REAL(ret, name, ...)						\
	static ret (*real_##name)(__VA_ARGS__)
REAL(int, socket, int, int, int);
REAL(int, bind, int, const struct sockaddr *, socklen_t);
REAL(int, listen, int, int);
REAL(int, accept, int, struct sockaddr *, socklen_t *);
REAL(int, accept4, int, struct sockaddr *, socklen_t *, int);
REAL(int, connect, int, const struct sockaddr *, socklen_t);
REAL(ssize_t, read, int, void *, size_t);
REAL(ssize_t, write, int, const void *, size_t);
REAL(ssize_t, readv, int, const struct iovec *, int);
REAL(ssize_t, writev, int, const struct iovec *, int);
REAL(ssize_t, send, int, const void *, size_t, int);
REAL(ssize_t, recv, int, void *, size_t, int);
REAL(ssize_t, sendto, int, const void *, size_t, int, const struct sockaddr *, socklen_t);
REAL(ssize_t, recvfrom, int, void *, size_t, int, struct sockaddr *, socklen_t *);
REAL(ssize_t, sendmsg, int, const struct msghdr *, int);
REAL(ssize_t, recvmsg, int, struct msghdr *, int);
REAL(int, sendmmsg, int, struct mmsghdr *, unsigned int, int);
REAL(int, recvmmsg, int, struct mmsghdr *, unsigned int, int, struct timespec *);
REAL(ssize_t, sendfile, int, int, off_t *, size_t);
REAL(ssize_t, sendfile64, int, int, off64_t *, size_t);
REAL(int, close, int);
REAL(int, shutdown, int, int);
REAL(int, setsockopt, int, int, int, const void *, socklen_t);
REAL(int, getsockopt, int, int, int, void *, socklen_t *);
REAL(int, getsockname, int, struct sockaddr *, socklen_t *);
REAL(int, getpeername, int, struct sockaddr *, socklen_t *);
REAL(int, fcntl, int, int, ...);
REAL(int, fcntl64, int, int, ...);
REAL(int, ioctl, int, unsigned long, ...);
REAL(int, epoll_create, int);
REAL(int, epoll_create1, int);
REAL(int, epoll_ctl, int, int, int, struct epoll_event *);
REAL(int, epoll_wait, int, struct epoll_event *, int, int);
REAL(int, epoll_pwait, int, struct epoll_event *, int, int, const sigset_t *);
REAL(int, epoll_pwait2, int, struct epoll_event *, int, const struct timespec *,
     const sigset_t *);
REAL(int, poll, struct pollfd *, nfds_t, int);
REAL(int, ppoll, struct pollfd *, nfds_t, const struct timespec *, const sigset_t *);
REAL(int, select, int, fd_set *, fd_set *, fd_set *, struct timeval *);
REAL(int, dup, int);
REAL(int, dup2, int, int);
REAL(int, dup3, int, int, int);
REAL(int, sigaction, int, const struct sigaction *, struct sigaction *);
REAL(sighandler_t, signal, int, sighandler_t);

#define RESOLVE(name)	(real_##name = dlsym(RTLD_NEXT, #name))

static void
resolve_all(void)
{
	RESOLVE(socket); RESOLVE(bind); RESOLVE(listen); RESOLVE(accept); RESOLVE(accept4);
	RESOLVE(connect); RESOLVE(read); RESOLVE(write); RESOLVE(readv); RESOLVE(writev);
	RESOLVE(send); RESOLVE(recv); RESOLVE(sendto); RESOLVE(recvfrom); RESOLVE(sendmsg);
	RESOLVE(recvmsg); RESOLVE(sendmmsg); RESOLVE(recvmmsg); RESOLVE(sendfile);
	RESOLVE(sendfile64);
	RESOLVE(close); RESOLVE(shutdown); RESOLVE(setsockopt); RESOLVE(getsockopt);
	RESOLVE(getsockname); RESOLVE(getpeername); RESOLVE(fcntl); RESOLVE(fcntl64);
	RESOLVE(ioctl); RESOLVE(epoll_create); RESOLVE(epoll_create1); RESOLVE(epoll_ctl);
	RESOLVE(epoll_wait); RESOLVE(epoll_pwait); RESOLVE(epoll_pwait2); RESOLVE(poll);
	RESOLVE(ppoll); RESOLVE(select); RESOLVE(dup); RESOLVE(dup2); RESOLVE(dup3);
	RESOLVE(sigaction); RESOLVE(signal);
}

static pthread_once_t resolved = PTHREAD_ONCE_INIT;

static inline void
need_real(void)
{
	if (real_close == NULL)
		pthread_once(&resolved, resolve_all);
}

/* ---------------------------------------------------------------------- */
/* The descriptor table */

__attribute__((constructor))
static void
pl_ctor(void)
{
	struct rlimit rl;
	size_t n = PL_FD_MAX;
	void *p;

	need_real();
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY &&
	    rl.rlim_max < n)
		n = rl.rlim_max;
	/* lazily backed: untouched pages cost nothing */
	p = mmap(NULL, n * sizeof(struct pl_fd), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return;
	P.tab = p;
	P.tab_size = (int)n;
	P.pid = getpid();
}

static inline struct pl_fd *
slot(int fd)
{
	if (fd < 0 || fd >= P.tab_size || P.tab == NULL)
		return NULL;
	return &P.tab[fd];
}

/* @fd becomes ours: the exit flush looks below P.hi. */
static inline void
mark_hi(int fd)
{
	if (fd >= P.hi)
		P.hi = fd + 1;
}

/* Our entry of @fd if it is not a plain kernel descriptor (and not inside tern). */
static inline struct pl_fd *
ours(int fd)
{
	struct pl_fd *f = slot(fd);

	if (f == NULL || f->kind == PK_KERNEL || inside)
		return NULL;
	return f;
}

static void
slot_clear(struct pl_fd *f)
{
	free(f->opts);
	memset(f, 0, sizeof(*f));
}

__attribute__((noreturn, format(printf, 1, 2)))
static void
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tern-preload: FATAL: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

/* A call on a tern descriptor: only from the owner thread, never in a child. */
static void
own(const char *call, int fd)
{
	if (in_child)
		die("%s(%d) on a tern socket in a child process after fork(): not supported "
		    "(the child may only close them)", call, fd);
	if (my_tid() != P.owner)
		die("%s(%d) on a tern socket from thread %d; tern belongs to thread %d "
		    "(single-threaded event loops only)", call, fd, (int)gettid(), (int)P.owner);
}

/* ---------------------------------------------------------------------- */
/* Bring-up */

static uint64_t now_ns(void);

static void
pl_print_stats(void)
{
	struct tern_stats st;
	const uint64_t *v = (const uint64_t *)&st;
	unsigned int i;

	if (P.state != 1 || in_child)
		return;
	tern_ctx_stats(P.ctx, &st);
	fprintf(stderr, "tern-preload: counters (final)\n");
	for (i = 0; i < TERN_STATS_COUNT; i++)
		if (v[i] != 0)
			fprintf(stderr, "%s %" PRIu64 "\n", tern_stats_name(i), v[i]);
}

/*
 * At exit: nobody runs the stack any more, so what the program wrote last
 * would never leave. Close the tern sockets (gracefully: queued data, then
 * a FIN) and run the context until the connections are gone or
 * TERN_LINGER_MS (default 1000) passes.
 */
static void
pl_exit_flush(void)
{
	const char *e = getenv("TERN_LINGER_MS");
	uint64_t end = now_ns() + (uint64_t)(e != NULL ? atoi(e) : 1000) * 1000000u;
	int fd;

	if (P.state != 1 || in_child || my_tid() != P.owner)
		return;
	inside++;
	for (fd = 0; fd < P.hi; fd++) {
		struct pl_fd *f = &P.tab[fd];

		if (f->kind == PK_TERN || f->kind == PK_EPOLL) {
			tern_close(f->th);
			f->th = -1;
			f->kind = PK_KERNEL;
		}
	}
	while (tern_tcp_nb_conns(P.ctx) > 0 && now_ns() < end) {
		tern_sock_ctx_poll(P.ctx);
		usleep(100);
	}
	inside--;
}

static void
child_after_fork(void)
{
	/* own() refuses tern calls in a child, close() only closes */
	in_child = true;
	tl_tid = 0;	/* the forking thread's copy: the child's own thread id differs */
}

/* Start tern: EAL, port 0, addresses, a context owned by this thread. */
static int
pl_start(void)
{
	struct pl_config *c = &P.cfg;
	struct tern_net *net;
	int ret = 0;

	pthread_mutex_lock(&P.lock);
	if (P.state != 0) {
		ret = P.state == 1 ? 0 : -1;
		goto out;
	}
	P.state = -1;
	inside++;
	if (pl_bringup(c, &net) != 0)
		goto fail;
	P.ctx = tern_ctx_create(&(struct tern_ctx_param){ .net = net, .queue_id = 0 });
	if (P.ctx == NULL || tern_sock_ctx_init(P.ctx, NULL) != 0) {
		fprintf(stderr, "tern-preload: context: %s\n", rte_strerror(rte_errno));
		goto fail;
	}
	tern_ctx_announce(P.ctx);
	P.spin_ns = PL_SPIN_NS;
	P.step_max_ns = PL_STEP_MAX_NS;
	if (getenv("TERN_IDLE_SPIN_US") != NULL)
		P.spin_ns = strtoull(getenv("TERN_IDLE_SPIN_US"), NULL, 10) * 1000;
	if (getenv("TERN_IDLE_SLEEP_MAX_US") != NULL)
		P.step_max_ns = strtoull(getenv("TERN_IDLE_SLEEP_MAX_US"), NULL, 10) * 1000;
	/* the socket API's own waits (blocking calls) the same way */
	tern_sock_set_idle(P.ctx, &(struct tern_sock_idle){
		.spin_us = (uint32_t)(P.spin_ns / 1000),
		.sleep_max_us = (uint32_t)(P.step_max_ns / 1000) });
	P.owner = my_tid();
	P.pid = getpid();
	pthread_atfork(NULL, NULL, child_after_fork);
	/* run last-registered first: the counters after the flush */
	if (c->stats)
		atexit(pl_print_stats);
	atexit(pl_exit_flush);
	P.state = 1;
	fprintf(stderr, "tern-preload: tern started on port 0, owner thread %d\n", (int)P.owner);
	inside--;
	goto out;
fail:
	inside--;
	ret = -1;
	fprintf(stderr, "tern-preload: tern did not start; AF_INET sockets stay the kernel's\n");
out:
	pthread_mutex_unlock(&P.lock);
	return ret;
}

/* ---------------------------------------------------------------------- */
/* Where an address goes */

static bool
in_prefix(const struct pl_prefix *p, const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET && p->family == 4) {
		uint32_t a = ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr);
		uint32_t n = ntohl(p->ip4);
		uint32_t m = p->len == 0 ? 0 : ~0u << (32 - p->len);

		return (a & m) == (n & m);
	}
	if (sa->sa_family == AF_INET6 && p->family == 6) {
		const uint8_t *a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
		unsigned int i, bits = p->len;

		for (i = 0; i < 16 && bits > 0; i++, bits = bits > 8 ? bits - 8 : 0) {
			uint8_t m = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));

			if ((a[i] & m) != (p->ip6.a[i] & m))
				return false;
		}
		return true;
	}
	return false;
}

static bool
is_any(const struct sockaddr *sa)
{
	static const uint8_t zero[16];

	if (sa->sa_family == AF_INET)
		return ((const struct sockaddr_in *)sa)->sin_addr.s_addr == htonl(INADDR_ANY);
	return memcmp(((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr, zero, 16) == 0;
}

/* Whether a socket bound (@local) or sending (!@local) to @sa goes to tern. */
static bool
goes_to_tern(const struct sockaddr *sa, socklen_t len, bool local)
{
	const struct pl_config *c = &P.cfg;
	unsigned int i;

	if (sa == NULL || len < sizeof(sa_family_t) ||
	    (sa->sa_family != AF_INET && sa->sa_family != AF_INET6))
		return false;
	if ((sa->sa_family == AF_INET && len < sizeof(struct sockaddr_in)) ||
	    (sa->sa_family == AF_INET6 && len < sizeof(struct sockaddr_in6)))
		return false;
	if (pl_start() != 0)
		return false;
	for (i = 0; i < c->nb_kernel; i++)
		if (in_prefix(&c->kernel[i], sa))
			return false;
	if (!local)
		return true;	/* every destination not left to the kernel */
	if (is_any(sa))
		return !c->any_kernel;
	if (sa->sa_family == AF_INET)
		return c->have4 && ((const struct sockaddr_in *)sa)->sin_addr.s_addr == c->addr4;
	return c->have6 && memcmp(((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr,
				  c->addr6.a, 16) == 0;
}

/* Make the tern half of pending socket @fd; its options replayed. @return 0 or -1. */
static int
make_tern(int fd, struct pl_fd *f)
{
	unsigned int i;
	int th;

	own("socket", fd);
	inside++;
	th = tern_socket(P.ctx, f->family, f->type, f->proto);
	if (th < 0) {
		inside--;
		return -1;
	}
	for (i = 0; i < f->nb_opts; i++) {
		const struct pl_opt *o = &f->opts[i];

		if (tern_setsockopt(th, o->level, o->name, o->val, o->len) != 0 &&
		    getenv("TERN_PRELOAD_DEBUG") != NULL)
			fprintf(stderr, "tern-preload: fd %d: option %d/%d not taken by tern: %s\n",
				fd, o->level, o->name, strerror(errno));
	}
	inside--;
	free(f->opts);
	f->opts = NULL;
	f->nb_opts = 0;
	f->th = th;
	f->kind = PK_TERN;
	return 0;
}

/* A pending socket that turned out to be the kernel's. */
static void
keep_kernel(struct pl_fd *f)
{
	slot_clear(f);
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
	if (sig <= 0 || sig >= NSIG || sig == SIGKILL || sig == SIGSTOP || inside)
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

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
backoff_init(struct backoff *b, int timeout_ms)
{
	b->start_ns = b->last_ns = now_ns();
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
	uint64_t t = now_ns(), ns;

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

/* Until tern handle @th has one of @events (blocking calls). */
static void
tern_block(int th, short events)
{
	struct pollfd p = { .fd = th, .events = events };

	inside++;
	tern_poll(&p, 1, -1);
	inside--;
}

/* ---------------------------------------------------------------------- */
/* socket, bind, listen, accept, connect */

int
socket(int domain, int type, int protocol)
{
	int fd, base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct pl_fd *f;

	need_real();
	fd = real_socket(domain, type, protocol);
	if (fd < 0 || inside || (domain != AF_INET && domain != AF_INET6) ||
	    (base != SOCK_STREAM && base != SOCK_DGRAM) || P.state < 0)
		return fd;
	f = slot(fd);
	if (f == NULL)
		return fd;	/* beyond the table: the kernel's */
	slot_clear(f);
	mark_hi(fd);
	f->kind = PK_PENDING;
	f->family = domain;
	f->type = base;
	f->proto = protocol;
	f->nonblock = (type & SOCK_NONBLOCK) != 0;
	f->th = -1;
	return fd;
}

int
bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct pl_fd *f = ours(fd);
	int r;

	need_real();
	if (f == NULL || f->kind == PK_EPOLL)
		return real_bind(fd, addr, len);
	if (f->kind == PK_PENDING) {
		if (!goes_to_tern(addr, len, true)) {
			keep_kernel(f);
			return real_bind(fd, addr, len);
		}
		if (make_tern(fd, f) != 0)
			return -1;
	}
	own("bind", fd);
	inside++;
	r = tern_bind(f->th, addr, len);
	inside--;
	return r;
}

int
listen(int fd, int backlog)
{
	struct pl_fd *f = ours(fd);
	int r;

	need_real();
	if (f == NULL || f->kind == PK_EPOLL)
		return real_listen(fd, backlog);
	if (f->kind == PK_PENDING) {
		/* unbound: the wildcard */
		struct sockaddr_in6 any = { .sin6_family = (sa_family_t)f->family };

		if (!goes_to_tern((struct sockaddr *)&any, sizeof(any), true)) {
			keep_kernel(f);
			return real_listen(fd, backlog);
		}
		if (make_tern(fd, f) != 0)
			return -1;
	}
	own("listen", fd);
	inside++;
	r = tern_listen(f->th, backlog);
	inside--;
	return r;
}

int
accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	struct pl_fd *f = ours(fd), *nf;
	int th, nfd, family;

	need_real();
	if (f == NULL || f->kind != PK_TERN)
		return real_accept4(fd, addr, len, flags);
	own("accept", fd);
	for (;;) {
		inside++;
		th = tern_accept4(f->th, addr, len, flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC));
		inside--;
		if (th >= 0 || errno != EAGAIN || f->nonblock)
			break;
		tern_block(f->th, POLLIN);
	}
	if (th < 0)
		return -1;
	family = f->family;
	/* a kernel socket that is never bound holds the number */
	nfd = real_socket(family, SOCK_STREAM | (flags & SOCK_CLOEXEC), 0);
	nf = slot(nfd);
	if (nf == NULL) {
		int e = nfd < 0 ? errno : EMFILE;

		if (nfd >= 0)
			real_close(nfd);
		inside++;
		tern_close(th);
		inside--;
		errno = e;
		return -1;
	}
	slot_clear(nf);
	mark_hi(nfd);
	nf->kind = PK_TERN;
	nf->family = family;
	nf->type = SOCK_STREAM;
	nf->th = th;
	nf->nonblock = (flags & SOCK_NONBLOCK) != 0;
	return nfd;
}

int
accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	return accept4(fd, addr, len, 0);
}

int
connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct pl_fd *f = ours(fd);
	socklen_t el = sizeof(int);
	int r, e = 0;

	need_real();
	if (f == NULL || f->kind == PK_EPOLL)
		return real_connect(fd, addr, len);
	if (f->kind == PK_PENDING) {
		if (!goes_to_tern(addr, len, false)) {
			keep_kernel(f);
			return real_connect(fd, addr, len);
		}
		if (make_tern(fd, f) != 0)
			return -1;
	}
	own("connect", fd);
	inside++;
	r = tern_connect(f->th, addr, len);
	inside--;
	if (r == 0 || errno != EINPROGRESS || f->nonblock || f->type != SOCK_STREAM)
		return r;
	/* a blocking connect: wait for the outcome */
	tern_block(f->th, POLLOUT);
	inside++;
	tern_getsockopt(f->th, SOL_SOCKET, SO_ERROR, &e, &el);
	inside--;
	if (e != 0) {
		errno = e;
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Data */

/* A UDP sendto on a pending socket: placed by its destination. */
static struct pl_fd *
place_by_dest(int fd, struct pl_fd *f, const struct sockaddr *to, socklen_t tolen)
{
	if (f == NULL || f->kind != PK_PENDING)
		return f;
	if (to == NULL || !goes_to_tern(to, tolen, false)) {
		keep_kernel(f);
		return NULL;
	}
	return make_tern(fd, f) == 0 ? f : NULL;
}

static bool
tern_data(struct pl_fd *f)
{
	return f != NULL && f->kind == PK_TERN;
}

static ssize_t
t_recvmsg(int fd, struct pl_fd *f, struct msghdr *m, int flags)
{
	bool nb = f->nonblock || (flags & MSG_DONTWAIT);
	ssize_t r;

	own("recv", fd);
	for (;;) {
		inside++;
		r = tern_recvmsg(f->th, m, flags & ~MSG_DONTWAIT);
		inside--;
		if (r >= 0 || errno != EAGAIN || nb)
			return r;
		tern_block(f->th, POLLIN);
	}
}

static ssize_t
t_sendmsg(int fd, struct pl_fd *f, const struct msghdr *m, int flags)
{
	bool nb = f->nonblock || (flags & MSG_DONTWAIT);
	struct msghdr mm = *m;
	struct iovec iov[64];
	size_t done = 0, total = 0;
	ssize_t r;
	size_t i;

	own("send", fd);
	for (i = 0; i < m->msg_iovlen; i++)
		total += m->msg_iov[i].iov_len;
	for (;;) {
		inside++;
		r = tern_sendmsg(f->th, &mm, flags & ~MSG_DONTWAIT);
		inside--;
		if (r < 0) {
			if (errno != EAGAIN || nb)
				return done > 0 ? (ssize_t)done : -1;
			tern_block(f->th, POLLOUT);
			continue;
		}
		done += (size_t)r;
		if (nb || done >= total || f->type != SOCK_STREAM)
			return (ssize_t)done;
		/* blocking and short: the rest after room comes */
		{
			size_t skip = done, k = 0;

			for (i = 0; i < m->msg_iovlen && k < RTE_DIM(iov); i++) {
				const struct iovec *v = &m->msg_iov[i];

				if (skip >= v->iov_len) {
					skip -= v->iov_len;
					continue;
				}
				iov[k].iov_base = (uint8_t *)v->iov_base + skip;
				iov[k].iov_len = v->iov_len - skip;
				skip = 0;
				k++;
			}
			mm.msg_iov = iov;
			mm.msg_iovlen = k;
		}
		tern_block(f->th, POLLOUT);
	}
}

ssize_t
recvmsg(int fd, struct msghdr *m, int flags)
{
	struct pl_fd *f = ours(fd);

	need_real();
	if (!tern_data(f))
		return real_recvmsg(fd, m, flags);
	return t_recvmsg(fd, f, m, flags);
}

ssize_t
sendmsg(int fd, const struct msghdr *m, int flags)
{
	struct pl_fd *f = ours(fd);

	need_real();
	if (f != NULL && f->kind == PK_PENDING && m != NULL)
		f = place_by_dest(fd, f, m->msg_name, m->msg_namelen);
	if (!tern_data(f))
		return real_sendmsg(fd, m, flags);
	return t_sendmsg(fd, f, m, flags);
}

ssize_t
recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen)
{
	struct pl_fd *f = ours(fd);
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t r;

	need_real();
	if (!tern_data(f))
		return real_recvfrom(fd, buf, len, flags, from, fromlen);
	if (from != NULL && fromlen != NULL) {
		m.msg_name = from;
		m.msg_namelen = *fromlen;
	}
	r = t_recvmsg(fd, f, &m, flags);
	if (r >= 0 && from != NULL && fromlen != NULL)
		*fromlen = m.msg_namelen;
	return r;
}

ssize_t
recv(int fd, void *buf, size_t len, int flags)
{
	return recvfrom(fd, buf, len, flags, NULL, NULL);
}

ssize_t
sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
       socklen_t tolen)
{
	struct pl_fd *f = ours(fd);
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf, .iov_len = len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_name = (void *)(uintptr_t)to, .msg_namelen = tolen };

	need_real();
	if (f != NULL && f->kind == PK_PENDING)
		f = place_by_dest(fd, f, to, tolen);
	if (!tern_data(f))
		return real_sendto(fd, buf, len, flags, to, tolen);
	return t_sendmsg(fd, f, &m, flags);
}

ssize_t
send(int fd, const void *buf, size_t len, int flags)
{
	return sendto(fd, buf, len, flags, NULL, 0);
}

ssize_t
read(int fd, void *buf, size_t len)
{
	struct pl_fd *f = ours(fd);
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	need_real();
	if (!tern_data(f))
		return real_read(fd, buf, len);
	return t_recvmsg(fd, f, &m, 0);
}

ssize_t
write(int fd, const void *buf, size_t len)
{
	struct pl_fd *f = ours(fd);
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf, .iov_len = len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	need_real();
	if (!tern_data(f))
		return real_write(fd, buf, len);
	return t_sendmsg(fd, f, &m, 0);
}

ssize_t
readv(int fd, const struct iovec *iov, int cnt)
{
	struct pl_fd *f = ours(fd);
	struct msghdr m = { .msg_iov = (struct iovec *)(uintptr_t)iov,
			    .msg_iovlen = (size_t)cnt };

	need_real();
	if (!tern_data(f))
		return real_readv(fd, iov, cnt);
	return t_recvmsg(fd, f, &m, 0);
}

ssize_t
writev(int fd, const struct iovec *iov, int cnt)
{
	struct pl_fd *f = ours(fd);
	struct msghdr m = { .msg_iov = (struct iovec *)(uintptr_t)iov,
			    .msg_iovlen = (size_t)cnt };

	need_real();
	if (!tern_data(f))
		return real_writev(fd, iov, cnt);
	if (cnt <= 0 || cnt > 1024) {
		errno = EINVAL;
		return -1;
	}
	return t_sendmsg(fd, f, &m, 0);
}

/* sendfile to a tern socket: read from the file, send (a copy, not zero-copy). */
static ssize_t
t_sendfile(int out, struct pl_fd *f, int in, off_t *off, size_t count)
{
	static uint8_t buf[65536];
	size_t done = 0;

	own("sendfile", out);
	while (done < count) {
		size_t n = count - done < sizeof(buf) ? count - done : sizeof(buf);
		ssize_t r = off != NULL ? pread(in, buf, n, *off) : real_read(in, buf, n);
		struct iovec iov;
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t w;

		if (r <= 0) {
			if (r < 0 && done == 0)
				return -1;
			break;
		}
		/* take only what the socket takes now (non-blocking: it may be short) */
		iov.iov_base = buf;
		iov.iov_len = (size_t)r;
		w = t_sendmsg(out, f, &m, 0);
		if (w <= 0) {
			if (off == NULL && r > 0)
				lseek(in, -r, SEEK_CUR);
			if (done == 0)
				return -1;
			break;
		}
		if (off != NULL)
			*off += w;
		else if (w < r)
			lseek(in, w - r, SEEK_CUR);
		done += (size_t)w;
		if (w < r)
			break;
	}
	return (ssize_t)done;
}

ssize_t
sendfile(int out, int in, off_t *off, size_t count)
{
	struct pl_fd *f = ours(out);

	need_real();
	if (!tern_data(f))
		return real_sendfile(out, in, off, count);
	return t_sendfile(out, f, in, off, count);
}

/* what programs built with _FILE_OFFSET_BITS=64 call (nginx) */
ssize_t
sendfile64(int out, int in, off64_t *off, size_t count)
{
	struct pl_fd *f = ours(out);

	need_real();
	if (!tern_data(f))
		return real_sendfile64(out, in, off, count);
	return t_sendfile(out, f, in, (off_t *)off, count);
}

int
sendmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags)
{
	struct pl_fd *f = ours(fd);
	unsigned int i;

	need_real();
	if (!tern_data(f))
		return real_sendmmsg(fd, v, n, flags);
	for (i = 0; i < n; i++) {
		ssize_t r = t_sendmsg(fd, f, &v[i].msg_hdr, flags);

		if (r < 0)
			return i > 0 ? (int)i : -1;
		v[i].msg_len = (unsigned int)r;
	}
	return (int)n;
}

int
recvmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags, struct timespec *timeout)
{
	struct pl_fd *f = ours(fd);
	unsigned int i;

	need_real();
	if (!tern_data(f))
		return real_recvmmsg(fd, v, n, flags, timeout);
	for (i = 0; i < n; i++) {
		/* the first may wait; the rest take what is there */
		ssize_t r = t_recvmsg(fd, f, &v[i].msg_hdr, i == 0 ? flags : flags | MSG_DONTWAIT);

		if (r < 0)
			return i > 0 ? (int)i : -1;
		v[i].msg_len = (unsigned int)r;
	}
	return (int)n;
}

/* ---------------------------------------------------------------------- */
/* close, shutdown, options, names, fcntl, ioctl, dup */

int
close(int fd)
{
	struct pl_fd *f = ours(fd);

	need_real();
	if (f != NULL) {
		if (f->th >= 0 && !in_child) {
			own("close", fd);
			inside++;
			tern_close(f->th);
			inside--;
		}
		slot_clear(f);
	}
	return real_close(fd);
}

int
shutdown(int fd, int how)
{
	struct pl_fd *f = ours(fd);
	int r;

	need_real();
	if (!tern_data(f))
		return real_shutdown(fd, how);
	own("shutdown", fd);
	inside++;
	r = tern_shutdown(f->th, how);
	inside--;
	return r;
}

int
setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	struct pl_fd *f = ours(fd);
	int r;

	need_real();
	if (f == NULL || f->kind == PK_EPOLL)
		return real_setsockopt(fd, level, name, val, len);
	if (f->kind == PK_PENDING) {
		r = real_setsockopt(fd, level, name, val, len);
		if (r == 0 && val != NULL && len <= PL_OPT_LEN) {
			struct pl_opt *o;

			if (f->opts == NULL)
				f->opts = calloc(PL_MAX_OPTS, sizeof(*o));
			if (f->opts != NULL && f->nb_opts < PL_MAX_OPTS) {
				o = &f->opts[f->nb_opts++];
				o->level = level;
				o->name = name;
				o->len = len;
				memcpy(o->val, val, len);
			}
		}
		return r;
	}
	own("setsockopt", fd);
	inside++;
	r = tern_setsockopt(f->th, level, name, val, len);
	inside--;
	return r;
}

int
getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	struct pl_fd *f = ours(fd);
	int r;

	need_real();
	if (!tern_data(f))
		return real_getsockopt(fd, level, name, val, len);
	own("getsockopt", fd);
	inside++;
	r = tern_getsockopt(f->th, level, name, val, len);
	inside--;
	return r;
}

int
getsockname(int fd, struct sockaddr *a, socklen_t *len)
{
	struct pl_fd *f = ours(fd);
	int r;

	need_real();
	if (!tern_data(f))
		return real_getsockname(fd, a, len);
	own("getsockname", fd);
	inside++;
	r = tern_getsockname(f->th, a, len);
	inside--;
	return r;
}

int
getpeername(int fd, struct sockaddr *a, socklen_t *len)
{
	struct pl_fd *f = ours(fd);
	int r;

	need_real();
	if (!tern_data(f))
		return real_getpeername(fd, a, len);
	own("getpeername", fd);
	inside++;
	r = tern_getpeername(f->th, a, len);
	inside--;
	return r;
}

static int
do_fcntl(int (*fn)(int, int, ...), int fd, int cmd, va_list ap)
{
	struct pl_fd *f = ours(fd);
	long arg = va_arg(ap, long);

	if (f != NULL && f->kind != PK_EPOLL) {
		if (cmd == F_GETFL) {
			int fl = fn(fd, F_GETFL);

			if (fl < 0)
				return fl;
			return (fl & ~O_NONBLOCK) | (f->nonblock ? O_NONBLOCK : 0);
		}
		if (cmd == F_SETFL) {
			f->nonblock = (arg & O_NONBLOCK) != 0;
			return fn(fd, F_SETFL, arg);	/* the kernel half too */
		}
		if (f->kind == PK_TERN && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)) {
			errno = EOPNOTSUPP;
			fprintf(stderr, "tern-preload: fcntl(%d, F_DUPFD): tern sockets cannot be "
				"duplicated\n", fd);
			return -1;
		}
	}
	return fn(fd, cmd, arg);
}

int
fcntl(int fd, int cmd, ...)
{
	va_list ap;
	int r;

	need_real();
	va_start(ap, cmd);
	r = do_fcntl(real_fcntl, fd, cmd, ap);
	va_end(ap);
	return r;
}

int
fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	int r;

	need_real();
	va_start(ap, cmd);
	r = do_fcntl(real_fcntl64 != NULL ? real_fcntl64 : real_fcntl, fd, cmd, ap);
	va_end(ap);
	return r;
}

int
ioctl(int fd, unsigned long req, ...)
{
	struct pl_fd *f = ours(fd);
	va_list ap;
	void *arg;

	need_real();
	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (f == NULL || f->kind == PK_EPOLL)
		return real_ioctl(fd, req, arg);
	if (req == FIONBIO) {
		if (arg == NULL) {
			errno = EFAULT;
			return -1;
		}
		f->nonblock = *(int *)arg != 0;
		return real_ioctl(fd, req, arg);
	}
	if (f->kind != PK_TERN)
		return real_ioctl(fd, req, arg);
	own("ioctl", fd);
	if (req == FIONREAD) {
		struct tern_tcp_stream *s;
		ssize_t n = 0;

		if (arg == NULL) {
			errno = EFAULT;
			return -1;
		}
		inside++;
		if (f->type == SOCK_STREAM) {
			s = tern_sock_tcp_stream(f->th);
			n = s != NULL ? tern_tcp_rx_bytes(s) : 0;
		} else {
			/* the next datagram's length, left queued */
			n = tern_recv(f->th, NULL, 0, MSG_PEEK | MSG_TRUNC);
			if (n < 0)
				n = 0;
		}
		inside--;
		*(int *)arg = (int)n;
		return 0;
	}
	fprintf(stderr, "tern-preload: ioctl(%d, 0x%lx) on a tern socket: not supported\n", fd,
		req);
	errno = ENOTTY;
	return -1;
}

int
dup(int fd)
{
	struct pl_fd *f = ours(fd);

	need_real();
	if (tern_data(f)) {
		fprintf(stderr, "tern-preload: dup(%d): tern sockets cannot be duplicated\n", fd);
		errno = EOPNOTSUPP;
		return -1;
	}
	return real_dup(fd);
}

/* @newfd is about to be replaced: its tern half goes. */
static void
dup_target(int newfd)
{
	struct pl_fd *f = ours(newfd);

	if (f == NULL)
		return;
	if (f->th >= 0 && !in_child) {
		own("dup2", newfd);
		inside++;
		tern_close(f->th);
		inside--;
	}
	slot_clear(f);
}

int
dup2(int fd, int newfd)
{
	need_real();
	if (tern_data(ours(fd))) {
		fprintf(stderr, "tern-preload: dup2(%d): tern sockets cannot be duplicated\n", fd);
		errno = EOPNOTSUPP;
		return -1;
	}
	if (fd != newfd)
		dup_target(newfd);
	return real_dup2(fd, newfd);
}

int
dup3(int fd, int newfd, int flags)
{
	need_real();
	if (tern_data(ours(fd))) {
		fprintf(stderr, "tern-preload: dup3(%d): tern sockets cannot be duplicated\n", fd);
		errno = EOPNOTSUPP;
		return -1;
	}
	if (fd != newfd)
		dup_target(newfd);
	return real_dup3(fd, newfd, flags);
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
	struct pl_fd *e, *f = ours(fd);
	int r;

	need_real();
	if (!tern_data(f))
		return real_epoll_ctl(ep, op, fd, ev);
	own("epoll_ctl", fd);
	e = slot(ep);
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
		inside++;
		r = tern_epoll_create1(P.ctx, 0);
		inside--;
		if (r < 0)
			return -1;
		slot_clear(e);
		mark_hi(ep);
		e->kind = PK_EPOLL;
		e->th = r;
	}
	inside++;
	r = tern_epoll_ctl(e->th, op, f->th, ev);
	inside--;
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

	own("epoll_wait", ep);
	if (max <= 0 || ev == NULL) {
		errno = max <= 0 ? EINVAL : EFAULT;
		return -1;
	}
	backoff_init(&b, timeout);
	sigs = pl_sigs;
	for (;;) {
		int64_t ns;

		inside++;
		n = tern_epoll_wait(e->th, ev, max, 0);
		inside--;
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
	struct pl_fd *e = ours(ep);

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
		struct pl_fd *f = ours(fds[i].fd);

		fds[i].revents = 0;
		if (tern_data(f)) {
			tp[nt] = (struct pollfd){ .fd = f->th, .events = fds[i].events };
			tix[nt++] = i;
		} else {
			kp[nk] = fds[i];
			kix[nk++] = i;
		}
	}
	own("poll", -1);
	backoff_init(&b, timeout);
	sigs = pl_sigs;
	for (;;) {
		int a = 0, k = 0;
		int64_t ns;

		if (nt > 0) {
			inside++;
			a = tern_poll(tp, nt, 0);
			inside--;
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
					inside++;
					tern_poll(tp, nt, 0);
					inside--;
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

	if (P.state != 1 || inside)
		return false;
	for (i = 0; i < n; i++)
		if (tern_data(ours(fds[i].fd)))
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
	if (P.state != 1 || inside || nfds <= 0 || nfds > FD_SETSIZE)
		return real_select(nfds, rd, wr, ex, tv);
	for (fd = 0; fd < nfds; fd++)
		if ((rd && FD_ISSET(fd, rd)) || (wr && FD_ISSET(fd, wr)) ||
		    (ex && FD_ISSET(fd, ex))) {
			n++;
			tern |= tern_data(ours(fd));
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
