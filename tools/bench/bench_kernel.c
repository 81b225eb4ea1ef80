/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * The Linux kernel baseline for UDP echo: a server thread pinned to one core
 * echoes with recvmmsg/sendmmsg over loopback; a client thread on the other
 * core keeps a window of datagrams in flight and counts the echoes. Same
 * payload size, same batch size (32) as tern's run.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define KB_BATCH	32
#define KB_MAXSZ	2048

struct kb_state {
	int srv_fd;
	int cli_fd;
	struct sockaddr_in srv_addr;
	atomic_bool stop;
	unsigned int size;
};

static void
pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *
kb_server(void *arg)
{
	struct kb_state *st = arg;
	static char bufs[KB_BATCH][KB_MAXSZ];
	struct sockaddr_in from[KB_BATCH];
	struct mmsghdr msgs[KB_BATCH];
	struct iovec iov[KB_BATCH];
	int i, n;

	pin(0);
	while (!atomic_load_explicit(&st->stop, memory_order_relaxed)) {
		for (i = 0; i < KB_BATCH; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = KB_MAXSZ;
			memset(&msgs[i], 0, sizeof(msgs[i]));
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_name = &from[i];
			msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
		}
		n = recvmmsg(st->srv_fd, msgs, KB_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			continue;
		for (i = 0; i < n; i++)
			iov[i].iov_len = msgs[i].msg_len;
		sendmmsg(st->srv_fd, msgs, (unsigned int)n, 0);
	}
	return NULL;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct kb_client_arg {
	const struct bench_opts *o;
	struct bench_run *r;
	int ret;
};

static int kb_client(const struct bench_opts *o, struct bench_run *r);

static void *
kb_client_thread(void *arg)
{
	struct kb_client_arg *a = arg;

	a->ret = kb_client(a->o, a->r);
	return NULL;
}

/*
 * Both ends run in threads of their own: pinning the caller (the DPDK main
 * lcore) would move it onto the generator's CPU for every later tern run.
 */
int
bench_kernel_udp_echo(const struct bench_opts *o, struct bench_run *r)
{
	struct kb_client_arg a = { .o = o, .r = r, .ret = -1 };
	pthread_t t;

	if (pthread_create(&t, NULL, kb_client_thread, &a) != 0)
		return -errno;
	pthread_join(t, NULL);
	return a.ret;
}

static int
kb_client(const struct bench_opts *o, struct bench_run *r)
{
	static char sbuf[KB_MAXSZ], rbufs[KB_BATCH][KB_MAXSZ];
	struct mmsghdr smsg[KB_BATCH], rmsg[KB_BATCH];
	struct iovec siov[KB_BATCH], riov[KB_BATCH];
	struct kb_state st;
	socklen_t alen = sizeof(st.srv_addr);
	pthread_t srv;
	uint64_t sent = 0, rcvd = 0, base;
	double t0, t1, start;
	int i, n, bufsz = 4 << 20;

	memset(&st, 0, sizeof(st));
	st.size = o->size;
	st.srv_fd = socket(AF_INET, SOCK_DGRAM, 0);
	st.cli_fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (st.srv_fd < 0 || st.cli_fd < 0)
		return -errno;
	setsockopt(st.srv_fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	setsockopt(st.cli_fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	st.srv_addr.sin_family = AF_INET;
	st.srv_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(st.srv_fd, (struct sockaddr *)&st.srv_addr, sizeof(st.srv_addr)) != 0 ||
	    getsockname(st.srv_fd, (struct sockaddr *)&st.srv_addr, &alen) != 0 ||
	    connect(st.cli_fd, (struct sockaddr *)&st.srv_addr, sizeof(st.srv_addr)) != 0) {
		close(st.srv_fd);
		close(st.cli_fd);
		return -errno;
	}
	memset(sbuf, 0xab, sizeof(sbuf));
	for (i = 0; i < KB_BATCH; i++) {
		siov[i].iov_base = sbuf;
		siov[i].iov_len = o->size;
		memset(&smsg[i], 0, sizeof(smsg[i]));
		smsg[i].msg_hdr.msg_iov = &siov[i];
		smsg[i].msg_hdr.msg_iovlen = 1;
		riov[i].iov_base = rbufs[i];
		riov[i].iov_len = KB_MAXSZ;
		memset(&rmsg[i], 0, sizeof(rmsg[i]));
		rmsg[i].msg_hdr.msg_iov = &riov[i];
		rmsg[i].msg_hdr.msg_iovlen = 1;
	}
	atomic_store(&st.stop, false);
	pthread_create(&srv, NULL, kb_server, &st);
	pin(1);

	/* Warm up for a tenth of the run, then measure. */
	start = now_s();
	t0 = 0;
	base = 0;
	for (;;) {
		double t = now_s();

		if (t0 == 0 && t - start >= o->seconds * 0.1) {
			t0 = t;
			base = rcvd;
		}
		if (t0 != 0 && t - t0 >= o->seconds)
			break;
		if (sent - rcvd < o->window) {
			unsigned int k = (unsigned int)(o->window - (sent - rcvd) < KB_BATCH ? o->window - (sent - rcvd) : KB_BATCH);

			n = sendmmsg(st.cli_fd, smsg, k, MSG_DONTWAIT);
			if (n > 0)
				sent += (uint64_t)n;
		}
		n = recvmmsg(st.cli_fd, rmsg, KB_BATCH, MSG_DONTWAIT, NULL);
		if (n > 0)
			rcvd += (uint64_t)n;
		else if (sent - rcvd >= o->window) {
			/* A lost datagram must not stall the window for ever. */
			struct timeval tv = { 0, 1000 };

			setsockopt(st.cli_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
			n = recvmmsg(st.cli_fd, rmsg, KB_BATCH, 0, NULL);
			if (n > 0)
				rcvd += (uint64_t)n;
			else
				sent = rcvd;	/* forget the lost ones */
		}
	}
	t1 = now_s();
	atomic_store(&st.stop, true);
	pthread_join(srv, NULL);
	close(st.srv_fd);
	close(st.cli_fd);
	r->ops = rcvd - base;
	r->ops_per_s = (double)r->ops / (t1 - t0);
	r->cycles_per_op = 0;
	r->drops = 0;
	return 0;
}
