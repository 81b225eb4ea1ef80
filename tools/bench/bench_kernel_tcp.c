/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * The Linux kernel baseline for the TCP workloads: a server thread pinned to
 * CPU 0 and a client thread pinned to CPU 1, non-blocking sockets over
 * loopback, one level-triggered epoll instance each (epoll_wait blocks, up
 * to 10 ms). The same sizes, windows and connection counts as tern's run;
 * TCP_NODELAY on both ends for tcp-crr and tcp-rr, as in tern's run.
 *
 *  tcp-crr     the server listens on 8 ports and the client takes them in
 *              turn: its active closes leave TIME_WAIT sockets, and with
 *              tcp_tw_reuse (2: loopback only, Debian's default) a 4-tuple
 *              is reused after 1 s, so one port (28,232 ephemeral ports a
 *              second) could limit the rate.
 *  tcp-conns   as many connections as the open-file limit allows (two
 *              descriptors each); memory is the growth of the slab caches
 *              (/proc/slabinfo: active objects times their size, summed)
 *              over both ends, so per connection and per end it is that
 *              over 2 N. Other processes' slab use adds noise.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define KT_EVENTS	64
#define KT_MAX_LISTEN	8
#define KT_LISTENER	(1ull << 32)	/* epoll data of a listener: this | index */
#define KT_BUF		65536

enum kt_kind { KT_CRR, KT_RR, KT_STREAM, KT_CONNS };

struct kt_state {
	const struct bench_opts *o;
	enum kt_kind kind;
	unsigned int size, window, conns;
	int lfd[KT_MAX_LISTEN];
	struct sockaddr_in addr[KT_MAX_LISTEN];
	unsigned int nb_listen;
	int ep;				/* the server's */
	uint8_t *srv_open;		/* by fd: the server holds it */
	unsigned int nb_fd;
	atomic_bool stop;
	atomic_uint_fast64_t srv_bytes;
	atomic_uint_fast64_t srv_accepted;
	uint64_t errors;
};

static void
pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

uint64_t
bench_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1024;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	return rl.rlim_cur;
}

static void
nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static void
srv_close(struct kt_state *st, int fd)
{
	if ((unsigned int)fd < st->nb_fd)
		st->srv_open[fd] = 0;
	close(fd);
}

static void
srv_accept(struct kt_state *st, int lfd)
{
	struct epoll_event ev;
	int fd;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
		atomic_fetch_add_explicit(&st->srv_accepted, 1, memory_order_relaxed);
		if ((unsigned int)fd < st->nb_fd)
			st->srv_open[fd] = 1;
		if (st->kind == KT_CONNS)
			continue;	/* idle */
		if (st->kind != KT_STREAM)
			nodelay(fd);
		ev.events = EPOLLIN;
		ev.data.u64 = (uint64_t)fd;
		if (epoll_ctl(st->ep, EPOLL_CTL_ADD, fd, &ev) != 0)
			srv_close(st, fd);
	}
}

/* One read per readiness; crr and rr echo it, stream counts it. */
static void
srv_read(struct kt_state *st, int fd, char *buf)
{
	ssize_t n = read(fd, buf, KT_BUF);

	if (n > 0) {
		atomic_fetch_add_explicit(&st->srv_bytes, (uint64_t)n, memory_order_relaxed);
		if (st->kind != KT_STREAM && write(fd, buf, (size_t)n) != n)
			srv_close(st, fd);
	} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
		srv_close(st, fd);
	}
}

static void *
kt_server(void *arg)
{
	struct kt_state *st = arg;
	struct epoll_event ev[KT_EVENTS];
	static char buf[KT_BUF];
	int i, n;

	pin(0);
	while (!atomic_load_explicit(&st->stop, memory_order_relaxed)) {
		n = epoll_wait(st->ep, ev, KT_EVENTS, 10);
		for (i = 0; i < n; i++) {
			if (ev[i].data.u64 & KT_LISTENER)
				srv_accept(st, st->lfd[ev[i].data.u64 & 0xff]);
			else
				srv_read(st, (int)ev[i].data.u64, buf);
		}
	}
	return NULL;
}

/* Slab memory in use: active objects times object size over every cache. */
static uint64_t
slab_bytes(void)
{
	FILE *f = fopen("/proc/slabinfo", "r");
	char line[512], name[128];
	unsigned long active, total, size;
	uint64_t sum = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "%127s %lu %lu %lu", name, &active, &total, &size) == 4)
			sum += (uint64_t)active * size;
	fclose(f);
	return sum;
}

/* A non-blocking connect to listener @i. @return the fd, or -1. */
static int
cli_connect(struct kt_state *st, unsigned int i, bool nb)
{
	int fd = socket(AF_INET, SOCK_STREAM | (nb ? SOCK_NONBLOCK : 0), 0);

	if (fd < 0)
		return -1;
	if (st->kind == KT_CRR || st->kind == KT_RR)
		nodelay(fd);
	if (connect(fd, (struct sockaddr *)&st->addr[i], sizeof(st->addr[i])) != 0 &&
	    errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

struct kt_conn {
	int fd;
	uint32_t got;
	bool connecting;
};

/* The measured loop of crr, rr and stream (client side). */
static int
kt_client_steady(struct kt_state *st, struct bench_run *r)
{
	struct epoll_event ev[KT_EVENTS], e;
	static char req[KT_BUF], rbuf[KT_BUF];
	unsigned int nc, i, nb_free = 0, next = 0;
	struct kt_conn *c;
	uint32_t *free_slot;
	uint64_t ops = 0, base_ops = 0, base_bytes = 0;
	double start, t0 = 0, t1;
	int ep, n, k;

	nc = st->kind == KT_CRR ? st->window : st->kind == KT_RR ? st->conns : 1;
	c = calloc(nc, sizeof(*c));
	free_slot = calloc(nc, sizeof(*free_slot));
	ep = epoll_create1(0);
	if (c == NULL || free_slot == NULL || ep < 0) {
		free(c);
		free(free_slot);
		return -ENOMEM;
	}
	memset(req, 'q', sizeof(req));
	for (i = 0; i < nc; i++) {
		c[i].fd = -1;
		if (st->kind == KT_CRR) {
			free_slot[nb_free++] = i;
			continue;
		}
		/* rr, stream: connected before the clock starts */
		c[i].fd = cli_connect(st, 0, false);
		if (c[i].fd < 0)
			goto fail;
		fcntl(c[i].fd, F_SETFL, fcntl(c[i].fd, F_GETFL) | O_NONBLOCK);
		e.events = st->kind == KT_STREAM ? EPOLLOUT : EPOLLIN;
		e.data.u32 = i;
		epoll_ctl(ep, EPOLL_CTL_ADD, c[i].fd, &e);
		if (st->kind == KT_RR && write(c[i].fd, req, st->size) != (ssize_t)st->size)
			goto fail;
	}
	start = now_s();
	for (;;) {
		double t = now_s();

		if (t0 == 0 && t - start >= st->o->seconds * 0.1) {
			t0 = t;
			base_ops = ops;
			base_bytes = atomic_load(&st->srv_bytes);
		}
		if (t0 != 0 && t - t0 >= st->o->seconds)
			break;
		/* crr: keep the window of connections going */
		while (nb_free > 0) {
			i = free_slot[--nb_free];
			c[i].fd = cli_connect(st, next++ % st->nb_listen, true);
			if (c[i].fd < 0) {
				st->errors++;
				free_slot[nb_free++] = i;
				break;
			}
			c[i].got = 0;
			c[i].connecting = true;
			e.events = EPOLLOUT;
			e.data.u32 = i;
			epoll_ctl(ep, EPOLL_CTL_ADD, c[i].fd, &e);
		}
		n = epoll_wait(ep, ev, KT_EVENTS, 10);
		for (k = 0; k < n; k++) {
			struct kt_conn *x = &c[ev[k].data.u32];
			ssize_t m;

			if (x->fd < 0)
				continue;
			if (st->kind == KT_STREAM) {
				if (write(x->fd, req, KT_BUF) < 0 && errno != EAGAIN)
					goto fail;
				continue;
			}
			if (x->connecting) {
				int err = 0;
				socklen_t len = sizeof(err);

				getsockopt(x->fd, SOL_SOCKET, SO_ERROR, &err, &len);
				x->connecting = false;
				if (err == 0 && write(x->fd, req, st->size) == (ssize_t)st->size) {
					e.events = EPOLLIN;
					e.data.u32 = ev[k].data.u32;
					epoll_ctl(ep, EPOLL_CTL_MOD, x->fd, &e);
					continue;
				}
				m = -1;
			} else {
				m = read(x->fd, rbuf, st->size - x->got);
				if (m < 0 && errno == EAGAIN)
					continue;
			}
			if (m <= 0) {
				st->errors++;
				close(x->fd);
				x->fd = -1;
				if (st->kind == KT_CRR)
					free_slot[nb_free++] = ev[k].data.u32;
				continue;
			}
			x->got += (uint32_t)m;
			if (x->got < st->size)
				continue;
			ops++;
			x->got = 0;
			if (st->kind == KT_CRR) {
				close(x->fd);	/* active close: TIME_WAIT here */
				x->fd = -1;
				free_slot[nb_free++] = ev[k].data.u32;
			} else if (write(x->fd, req, st->size) != (ssize_t)st->size) {
				goto fail;
			}
		}
	}
	t1 = now_s();
	if (st->kind == KT_STREAM) {
		uint64_t bytes = atomic_load(&st->srv_bytes) - base_bytes;

		r->ops = bytes / BENCH_TCP_STREAM_OP;
		r->gbps = (double)bytes * 8 / (t1 - t0) / 1e9;
		r->ops_per_s = (double)bytes / BENCH_TCP_STREAM_OP / (t1 - t0);
	} else {
		r->ops = ops - base_ops;
		r->ops_per_s = (double)r->ops / (t1 - t0);
	}
	for (i = 0; i < nc; i++)
		if (c[i].fd >= 0)
			close(c[i].fd);
	close(ep);
	free(c);
	free(free_slot);
	return 0;
fail:
	for (i = 0; i < nc; i++)
		if (c[i].fd >= 0)
			close(c[i].fd);
	close(ep);
	free(c);
	free(free_slot);
	return -EIO;
}

/* tcp-conns: open N idle connections, --window at a time; time it; count the slab. */
static int
kt_client_conns(struct kt_state *st, struct bench_run *r)
{
	struct epoll_event ev[KT_EVENTS], e;
	unsigned int n_open = 0, inflight = 0, up = 0, i;
	uint64_t slab0, slab1;
	double t0, t1;
	int *fds, ep, n, k;

	fds = calloc(st->conns, sizeof(*fds));
	ep = epoll_create1(0);
	if (fds == NULL || ep < 0) {
		free(fds);
		return -ENOMEM;
	}
	slab0 = slab_bytes();
	t0 = now_s();
	while (up < st->conns || atomic_load(&st->srv_accepted) < st->conns) {
		while (inflight < st->window && n_open < st->conns) {
			int fd = cli_connect(st, 0, true);

			if (fd < 0) {
				st->errors++;
				break;
			}
			fds[n_open] = fd;
			e.events = EPOLLOUT;
			e.data.u32 = n_open++;
			epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
			inflight++;
		}
		n = epoll_wait(ep, ev, KT_EVENTS, 10);
		for (k = 0; k < n; k++) {
			int fd = fds[ev[k].data.u32], err = 0;
			socklen_t len = sizeof(err);

			getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
			epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
			inflight--;
			if (err != 0)
				st->errors++;
			else
				up++;
		}
		if (now_s() - t0 > 60 || st->errors > st->conns)
			break;
	}
	t1 = now_s();
	slab1 = slab_bytes();
	r->ops = up;
	r->ops_per_s = (double)up / (t1 - t0);
	r->bytes_per_conn = up ? ((double)slab1 - (double)slab0) / (2.0 * up) : 0;
	printf("  kernel: %u connections up in %.3f s; slab caches grew %.0f B: %.0f B per "
	       "connection (both ends), %.0f B per end\n", up, t1 - t0,
	       (double)slab1 - (double)slab0, up ? ((double)slab1 - (double)slab0) / up : 0,
	       r->bytes_per_conn);
	for (i = 0; i < n_open; i++)
		close(fds[i]);
	close(ep);
	free(fds);
	return up == st->conns ? 0 : -EIO;
}

struct kt_arg {
	const struct bench_opts *o;
	struct bench_run *r;
	int ret;
};

static void *
kt_client(void *arg)
{
	struct kt_arg *a = arg;
	const struct bench_opts *o = a->o;
	struct kt_state st;
	struct epoll_event e;
	socklen_t alen;
	pthread_t srv;
	uint64_t nofile;
	unsigned int i;
	int one = 1;

	memset(&st, 0, sizeof(st));
	st.o = o;
	st.kind = strcmp(o->workload, "tcp-crr") == 0 ? KT_CRR :
		  strcmp(o->workload, "tcp-rr") == 0 ? KT_RR :
		  strcmp(o->workload, "tcp-stream") == 0 ? KT_STREAM : KT_CONNS;
	st.size = o->size;
	st.window = o->window ? o->window :
		    st.kind == KT_CONNS ? BENCH_TCP_OPEN_WINDOW : BENCH_TCP_CRR_WINDOW;
	st.conns = o->conns ? o->conns :
		   st.kind == KT_CONNS ? BENCH_TCP_CONNS : BENCH_TCP_RR_CONNS;
	nofile = bench_raise_nofile();
	if (st.kind == KT_CONNS && st.conns > (nofile - 64) / 2) {
		st.conns = (unsigned int)((nofile - 64) / 2);
		printf("  kernel: %u connections (two descriptors each, open-file limit %lu)\n",
		       st.conns, (unsigned long)nofile);
	}
	st.nb_fd = (unsigned int)nofile;
	st.srv_open = calloc(st.nb_fd, 1);
	st.nb_listen = st.kind == KT_CRR ? KT_MAX_LISTEN : 1;
	st.ep = epoll_create1(0);
	a->ret = -EIO;
	if (st.srv_open == NULL || st.ep < 0)
		goto out;
	for (i = 0; i < st.nb_listen; i++) {
		st.lfd[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		st.addr[i].sin_family = AF_INET;
		st.addr[i].sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		alen = sizeof(st.addr[i]);
		setsockopt(st.lfd[i], SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (st.lfd[i] < 0 ||
		    bind(st.lfd[i], (struct sockaddr *)&st.addr[i], sizeof(st.addr[i])) != 0 ||
		    getsockname(st.lfd[i], (struct sockaddr *)&st.addr[i], &alen) != 0 ||
		    listen(st.lfd[i], 4096) != 0)
			goto out;
		e.events = EPOLLIN;
		e.data.u64 = KT_LISTENER | i;
		epoll_ctl(st.ep, EPOLL_CTL_ADD, st.lfd[i], &e);
	}
	atomic_store(&st.stop, false);
	if (pthread_create(&srv, NULL, kt_server, &st) != 0)
		goto out;
	pin(1);
	if (st.kind == KT_CONNS)
		a->ret = kt_client_conns(&st, a->r);
	else
		a->ret = kt_client_steady(&st, a->r);
	atomic_store(&st.stop, true);
	pthread_join(srv, NULL);
	a->r->drops = st.errors;
	a->r->cycles_per_op = 0;
out:
	for (i = 0; i < st.nb_fd && st.srv_open != NULL; i++)
		if (st.srv_open[i])
			close((int)i);
	for (i = 0; i < st.nb_listen; i++)
		if (st.lfd[i] > 0)
			close(st.lfd[i]);
	if (st.ep >= 0)
		close(st.ep);
	free(st.srv_open);
	return NULL;
}

/*
 * Both ends run in threads of their own: pinning the caller (the DPDK main
 * lcore) would move it onto the client's CPU for every later tern run.
 */
int
bench_kernel_tcp(const struct bench_opts *o, struct bench_run *r)
{
	struct kt_arg a = { .o = o, .r = r, .ret = -1 };
	pthread_t t;

	if (pthread_create(&t, NULL, kt_client, &a) != 0)
		return -errno;
	pthread_join(t, NULL);
	return a.ret;
}
