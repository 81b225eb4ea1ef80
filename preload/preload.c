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
 * Waiting (preload_wait.c). An epoll instance is the kernel's; once a tern socket is added
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

__thread int pl_inside;
struct pl_state P = { .lock = PTHREAD_MUTEX_INITIALIZER };
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
REAL(int, dup, int);
REAL(int, dup2, int, int);
REAL(int, dup3, int, int, int);

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
	RESOLVE(ioctl); RESOLVE(dup); RESOLVE(dup2); RESOLVE(dup3);
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

void
pl_slot_clear(struct pl_fd *f)
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
void
pl_own(const char *call, int fd)
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
	uint64_t end = pl_now_ns() + (uint64_t)(e != NULL ? atoi(e) : 1000) * 1000000u;
	int fd;

	if (P.state != 1 || in_child || my_tid() != P.owner)
		return;
	pl_inside++;
	for (fd = 0; fd < P.hi; fd++) {
		struct pl_fd *f = &P.tab[fd];

		if (f->kind == PK_TERN || f->kind == PK_EPOLL) {
			tern_close(f->th);
			f->th = -1;
			f->kind = PK_KERNEL;
		}
	}
	while (tern_tcp_nb_conns(P.ctx) > 0 && pl_now_ns() < end) {
		tern_sock_ctx_poll(P.ctx);
		usleep(100);
	}
	pl_inside--;
}

static void
child_after_fork(void)
{
	/* pl_own() refuses tern calls in a child, close() only closes */
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
	pl_inside++;
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
	pl_inside--;
	goto out;
fail:
	pl_inside--;
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

	pl_own("socket", fd);
	pl_inside++;
	th = tern_socket(P.ctx, f->family, f->type, f->proto);
	if (th < 0) {
		pl_inside--;
		return -1;
	}
	for (i = 0; i < f->nb_opts; i++) {
		const struct pl_opt *o = &f->opts[i];

		if (tern_setsockopt(th, o->level, o->name, o->val, o->len) != 0 &&
		    getenv("TERN_PRELOAD_DEBUG") != NULL)
			fprintf(stderr, "tern-preload: fd %d: option %d/%d not taken by tern: %s\n",
				fd, o->level, o->name, strerror(errno));
	}
	pl_inside--;
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
	pl_slot_clear(f);
}

/* ---------------------------------------------------------------------- */
/* Blocking calls */

/* Until tern handle @th has one of @events (blocking calls). */
static void
tern_block(int th, short events)
{
	struct pollfd p = { .fd = th, .events = events };

	pl_inside++;
	tern_poll(&p, 1, -1);
	pl_inside--;
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
	if (fd < 0 || pl_inside || (domain != AF_INET && domain != AF_INET6) ||
	    (base != SOCK_STREAM && base != SOCK_DGRAM) || P.state < 0)
		return fd;
	f = pl_slot(fd);
	if (f == NULL)
		return fd;	/* beyond the table: the kernel's */
	pl_slot_clear(f);
	pl_mark_hi(fd);
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
	struct pl_fd *f = pl_ours(fd);
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
	pl_own("bind", fd);
	pl_inside++;
	r = tern_bind(f->th, addr, len);
	pl_inside--;
	return r;
}

int
listen(int fd, int backlog)
{
	struct pl_fd *f = pl_ours(fd);
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
	pl_own("listen", fd);
	pl_inside++;
	r = tern_listen(f->th, backlog);
	pl_inside--;
	return r;
}

int
accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	struct pl_fd *f = pl_ours(fd), *nf;
	int th, nfd, family;

	need_real();
	if (f == NULL || f->kind != PK_TERN)
		return real_accept4(fd, addr, len, flags);
	pl_own("accept", fd);
	for (;;) {
		pl_inside++;
		th = tern_accept4(f->th, addr, len, flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC));
		pl_inside--;
		if (th >= 0 || errno != EAGAIN || f->nonblock)
			break;
		tern_block(f->th, POLLIN);
	}
	if (th < 0)
		return -1;
	family = f->family;
	/* a kernel socket that is never bound holds the number */
	nfd = real_socket(family, SOCK_STREAM | (flags & SOCK_CLOEXEC), 0);
	nf = pl_slot(nfd);
	if (nf == NULL) {
		int e = nfd < 0 ? errno : EMFILE;

		if (nfd >= 0)
			real_close(nfd);
		pl_inside++;
		tern_close(th);
		pl_inside--;
		errno = e;
		return -1;
	}
	pl_slot_clear(nf);
	pl_mark_hi(nfd);
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
	struct pl_fd *f = pl_ours(fd);
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
	pl_own("connect", fd);
	pl_inside++;
	r = tern_connect(f->th, addr, len);
	pl_inside--;
	if (r == 0 || errno != EINPROGRESS || f->nonblock || f->type != SOCK_STREAM)
		return r;
	/* a blocking connect: wait for the outcome */
	tern_block(f->th, POLLOUT);
	pl_inside++;
	tern_getsockopt(f->th, SOL_SOCKET, SO_ERROR, &e, &el);
	pl_inside--;
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

static ssize_t
t_recvmsg(int fd, struct pl_fd *f, struct msghdr *m, int flags)
{
	bool nb = f->nonblock || (flags & MSG_DONTWAIT);
	ssize_t r;

	pl_own("recv", fd);
	for (;;) {
		pl_inside++;
		r = tern_recvmsg(f->th, m, flags & ~MSG_DONTWAIT);
		pl_inside--;
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

	pl_own("send", fd);
	for (i = 0; i < m->msg_iovlen; i++)
		total += m->msg_iov[i].iov_len;
	for (;;) {
		pl_inside++;
		r = tern_sendmsg(f->th, &mm, flags & ~MSG_DONTWAIT);
		pl_inside--;
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
	struct pl_fd *f = pl_ours(fd);

	need_real();
	if (!pl_tern_data(f))
		return real_recvmsg(fd, m, flags);
	return t_recvmsg(fd, f, m, flags);
}

ssize_t
sendmsg(int fd, const struct msghdr *m, int flags)
{
	struct pl_fd *f = pl_ours(fd);

	need_real();
	if (f != NULL && f->kind == PK_PENDING && m != NULL)
		f = place_by_dest(fd, f, m->msg_name, m->msg_namelen);
	if (!pl_tern_data(f))
		return real_sendmsg(fd, m, flags);
	return t_sendmsg(fd, f, m, flags);
}

ssize_t
recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen)
{
	struct pl_fd *f = pl_ours(fd);
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t r;

	need_real();
	if (!pl_tern_data(f))
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
	struct pl_fd *f = pl_ours(fd);
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf, .iov_len = len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_name = (void *)(uintptr_t)to, .msg_namelen = tolen };

	need_real();
	if (f != NULL && f->kind == PK_PENDING)
		f = place_by_dest(fd, f, to, tolen);
	if (!pl_tern_data(f))
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
	struct pl_fd *f = pl_ours(fd);
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	need_real();
	if (!pl_tern_data(f))
		return real_read(fd, buf, len);
	return t_recvmsg(fd, f, &m, 0);
}

ssize_t
write(int fd, const void *buf, size_t len)
{
	struct pl_fd *f = pl_ours(fd);
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf, .iov_len = len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	need_real();
	if (!pl_tern_data(f))
		return real_write(fd, buf, len);
	return t_sendmsg(fd, f, &m, 0);
}

ssize_t
readv(int fd, const struct iovec *iov, int cnt)
{
	struct pl_fd *f = pl_ours(fd);
	struct msghdr m = { .msg_iov = (struct iovec *)(uintptr_t)iov,
			    .msg_iovlen = (size_t)cnt };

	need_real();
	if (!pl_tern_data(f))
		return real_readv(fd, iov, cnt);
	return t_recvmsg(fd, f, &m, 0);
}

ssize_t
writev(int fd, const struct iovec *iov, int cnt)
{
	struct pl_fd *f = pl_ours(fd);
	struct msghdr m = { .msg_iov = (struct iovec *)(uintptr_t)iov,
			    .msg_iovlen = (size_t)cnt };

	need_real();
	if (!pl_tern_data(f))
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

	pl_own("sendfile", out);
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
	struct pl_fd *f = pl_ours(out);

	need_real();
	if (!pl_tern_data(f))
		return real_sendfile(out, in, off, count);
	return t_sendfile(out, f, in, off, count);
}

/* what programs built with _FILE_OFFSET_BITS=64 call (nginx) */
ssize_t
sendfile64(int out, int in, off64_t *off, size_t count)
{
	struct pl_fd *f = pl_ours(out);

	need_real();
	if (!pl_tern_data(f))
		return real_sendfile64(out, in, off, count);
	return t_sendfile(out, f, in, (off_t *)off, count);
}

int
sendmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags)
{
	struct pl_fd *f = pl_ours(fd);
	unsigned int i;

	need_real();
	if (!pl_tern_data(f))
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
	struct pl_fd *f = pl_ours(fd);
	unsigned int i;

	need_real();
	if (!pl_tern_data(f))
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
	struct pl_fd *f = pl_ours(fd);

	need_real();
	if (f != NULL) {
		if (f->th >= 0 && !in_child) {
			pl_own("close", fd);
			pl_inside++;
			tern_close(f->th);
			pl_inside--;
		}
		pl_slot_clear(f);
	}
	return real_close(fd);
}

int
shutdown(int fd, int how)
{
	struct pl_fd *f = pl_ours(fd);
	int r;

	need_real();
	if (!pl_tern_data(f))
		return real_shutdown(fd, how);
	pl_own("shutdown", fd);
	pl_inside++;
	r = tern_shutdown(f->th, how);
	pl_inside--;
	return r;
}

int
setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	struct pl_fd *f = pl_ours(fd);
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
	pl_own("setsockopt", fd);
	pl_inside++;
	r = tern_setsockopt(f->th, level, name, val, len);
	pl_inside--;
	return r;
}

int
getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	struct pl_fd *f = pl_ours(fd);
	int r;

	need_real();
	if (!pl_tern_data(f))
		return real_getsockopt(fd, level, name, val, len);
	pl_own("getsockopt", fd);
	pl_inside++;
	r = tern_getsockopt(f->th, level, name, val, len);
	pl_inside--;
	return r;
}

int
getsockname(int fd, struct sockaddr *a, socklen_t *len)
{
	struct pl_fd *f = pl_ours(fd);
	int r;

	need_real();
	if (!pl_tern_data(f))
		return real_getsockname(fd, a, len);
	pl_own("getsockname", fd);
	pl_inside++;
	r = tern_getsockname(f->th, a, len);
	pl_inside--;
	return r;
}

int
getpeername(int fd, struct sockaddr *a, socklen_t *len)
{
	struct pl_fd *f = pl_ours(fd);
	int r;

	need_real();
	if (!pl_tern_data(f))
		return real_getpeername(fd, a, len);
	pl_own("getpeername", fd);
	pl_inside++;
	r = tern_getpeername(f->th, a, len);
	pl_inside--;
	return r;
}

static int
do_fcntl(int (*fn)(int, int, ...), int fd, int cmd, va_list ap)
{
	struct pl_fd *f = pl_ours(fd);
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
	struct pl_fd *f = pl_ours(fd);
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
	pl_own("ioctl", fd);
	if (req == FIONREAD) {
		struct tern_tcp_stream *s;
		ssize_t n = 0;

		if (arg == NULL) {
			errno = EFAULT;
			return -1;
		}
		pl_inside++;
		if (f->type == SOCK_STREAM) {
			s = tern_sock_tcp_stream(f->th);
			n = s != NULL ? tern_tcp_rx_bytes(s) : 0;
		} else {
			/* the next datagram's length, left queued */
			n = tern_recv(f->th, NULL, 0, MSG_PEEK | MSG_TRUNC);
			if (n < 0)
				n = 0;
		}
		pl_inside--;
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
	struct pl_fd *f = pl_ours(fd);

	need_real();
	if (pl_tern_data(f)) {
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
	struct pl_fd *f = pl_ours(newfd);

	if (f == NULL)
		return;
	if (f->th >= 0 && !in_child) {
		pl_own("dup2", newfd);
		pl_inside++;
		tern_close(f->th);
		pl_inside--;
	}
	pl_slot_clear(f);
}

int
dup2(int fd, int newfd)
{
	need_real();
	if (pl_tern_data(pl_ours(fd))) {
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
	if (pl_tern_data(pl_ours(fd))) {
		fprintf(stderr, "tern-preload: dup3(%d): tern sockets cannot be duplicated\n", fd);
		errno = EOPNOTSUPP;
		return -1;
	}
	if (fd != newfd)
		dup_target(newfd);
	return real_dup3(fd, newfd, flags);
}

