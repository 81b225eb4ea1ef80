/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * tern-bench-idle: what the idle back-off of tern_epoll_wait() costs and
 * saves. A tern UDP echo server made of sockets (tern_socket, an epoll,
 * tern_epoll_wait with a 50 ms timeout, recvfrom, sendto) runs on the main
 * lcore; a raw generator on the worker lcore, wired to it by an in-process
 * ring pair, sends one datagram after an idle gap of each length asked for
 * and busy-waits for the echo. The round trip, in TSC cycles, is what a
 * request arriving after that much silence pays: generator to ring,
 * server's wake-up and its pass, echo back. Then, with nothing sent for
 * --idle-seconds, the server thread's CPU time (getrusage RUSAGE_THREAD)
 * over the wall time it spent waiting. Each mode (back-off off: busy-poll;
 * on: tern's defaults) is measured in the same run, alternating.
 *
 * Usage: tern-bench-idle [EAL options --] [--samples N] [--gaps us,us,...]
 *        [--idle-seconds S] [--rounds N] [--poll] [--check]
 * --poll: the server waits in tern_poll() instead of tern_epoll_wait().
 * --check (make test): fail unless the idle server with the back-off on
 * used under 20 % of a core and slept, and with it off did not sleep.
 * Without EAL options: --no-huge -m 256 --no-pci -l 0-1 --file-prefix tbi<pid>.
 * The last lines are machine-readable:
 *   IDLE mode=on|off gap_us=G median_us=... p99_us=... samples=N tsc_hz=...
 *   IDLECPU mode=on|off cpu_pct=... seconds=... sleeps=...
 */

#define _GNU_SOURCE	/* RUSAGE_THREAD */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/time.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_ring.h>
#include <rte_udp.h>

#include <tern/tern.h>

#include "bench_stack.h"

#define UDP_PORT	7
#define MAX_GAPS	16
#define WAIT_MS		50

static struct {
	struct bench_stack stk;		/* ports, devices, net, context */
	uint8_t tmpl[128];
	uint16_t tmpl_len;
	/* generator <-> server */
	volatile int phase;		/* 1: latency, 2: idle CPU, 0: stop */
	volatile int gen_done;
	volatile int gen_err;		/* the generator stopped: a negative errno */
	volatile unsigned int gen_at;	/* the sample it stopped at */
	/* generator's orders and results */
	uint64_t gap_cyc;
	unsigned int samples;
	uint64_t *rtt;			/* cycles, per sample */
	double idle_s;
	bool use_poll;			/* --poll: the server waits in tern_poll */
} B;

static void
build_template(const struct rte_ether_addr *smac, const struct rte_ether_addr *dmac)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)B.tmpl;
	struct rte_ipv4_hdr *ih = (struct rte_ipv4_hdr *)(eh + 1);
	struct rte_udp_hdr *uh = (struct rte_udp_hdr *)(ih + 1);
	unsigned int size = 32;

	eh->src_addr = *smac;
	eh->dst_addr = *dmac;
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	memset(ih, 0, sizeof(*ih));
	ih->version_ihl = RTE_IPV4_VHL_DEF;
	ih->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ih) + sizeof(*uh) + size));
	ih->time_to_live = 64;
	ih->next_proto_id = IPPROTO_UDP;
	ih->src_addr = rte_cpu_to_be_32(RTE_IPV4(10, 1, 0, 2));
	ih->dst_addr = rte_cpu_to_be_32(RTE_IPV4(10, 1, 0, 1));
	ih->hdr_checksum = rte_ipv4_cksum(ih);
	uh->src_port = rte_cpu_to_be_16(40000);
	uh->dst_port = rte_cpu_to_be_16(UDP_PORT);
	uh->dgram_len = rte_cpu_to_be_16((uint16_t)(sizeof(*uh) + size));
	memset(uh + 1, 0x5a, size);
	uh->dgram_cksum = 0;
	uh->dgram_cksum = rte_ipv4_udptcp_cksum(ih, uh);
	B.tmpl_len = (uint16_t)(sizeof(*eh) + sizeof(*ih) + sizeof(*uh) + size);
}

static int
setup(void)
{
	struct tern_dev_param dp = { .nb_mbufs = 4095 };
	int rc = bench_ring_pair(&B.stk, "tbi", 1024);

	if (rc == 0)
		rc = bench_stack_up(&B.stk, &dp);
	if (rc != 0)
		return rc;
	build_template(tern_dev_mac(B.stk.dev_g), tern_dev_mac(B.stk.dev_s));
	return 0;
}

/* The generator (worker lcore): one request per gap, each timed to its echo. */
static int gen_run(void);

static int
gen_main(void *arg)
{
	int r;

	(void)arg;
	r = gen_run();
	if (r != 0) {
		B.gen_err = r;
		B.phase = 0;	/* the server's loop ends */
	}
	return r;
}

static int
gen_run(void)
{
	uint64_t hz = rte_get_tsc_hz();
	unsigned int i;

	for (;;) {
		while (B.phase == 0 && !B.gen_done)
			rte_pause();
		if (B.gen_done)
			return 0;
		if (B.phase == 2) {
			/* silence: the server measures its own CPU */
			uint64_t end = rte_rdtsc() + (uint64_t)(B.idle_s * (double)hz);

			while (rte_rdtsc() < end)
				rte_delay_us_sleep(1000);
			B.phase = 0;
			continue;
		}
		for (i = 0; i < B.samples; i++) {
			struct rte_mbuf *m, *rx[8];

			B.gen_at = i;
			uint64_t t0, t1;
			uint16_t n;

			t0 = rte_rdtsc() + B.gap_cyc;
			/* a gap of silence: sleep most of it, spin the end */
			if (B.gap_cyc > hz / 1000 * 2)
				rte_delay_us_sleep((unsigned int)((B.gap_cyc - hz / 1000) * 1000000 /
								  hz));
			while (rte_rdtsc() < t0)
				rte_pause();
			m = rte_pktmbuf_alloc(B.stk.gen_mp);
			if (m == NULL)
				return -ENOMEM;
			memcpy(rte_pktmbuf_mtod(m, void *), B.tmpl, B.tmpl_len);
			m->data_len = m->pkt_len = B.tmpl_len;
			t0 = rte_rdtsc();
			if (rte_eth_tx_burst(B.stk.port_g, 0, &m, 1) != 1) {
				rte_pktmbuf_free(m);
				return -ENOBUFS;
			}
			do {
				n = rte_eth_rx_burst(B.stk.port_g, 0, rx, RTE_DIM(rx));
			} while (n == 0 && rte_rdtsc() - t0 < hz);
			t1 = rte_rdtsc();
			if (n == 0)
				return -ETIMEDOUT;
			rte_pktmbuf_free_bulk(rx, n);
			B.rtt[i] = t1 - t0;
		}
		B.phase = 0;
	}
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double
thread_cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		(double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* The server: echo until the generator's phase is over. */
static int
serve(int ep, int fd)
{
	struct epoll_event ev[8];
	struct sockaddr_storage from;
	char buf[256];

	while (B.phase != 0) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int n = B.use_poll ? tern_poll(&p, 1, WAIT_MS) :
			tern_epoll_wait(ep, ev, RTE_DIM(ev), WAIT_MS);

		if (n < 0)
			return -errno;
		for (;;) {
			socklen_t fl = sizeof(from);
			ssize_t r = tern_recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
						  &fl);

			if (r < 0)
				break;
			if (tern_sendto(fd, buf, (size_t)r, 0, (struct sockaddr *)&from, fl) != r)
				return -EIO;
		}
	}
	return 0;
}

static void
set_mode(bool on)
{
	struct tern_sock_idle off = { .spin_us = 0, .sleep_max_us = 0 };

	tern_sock_set_idle(B.stk.ctx, on ? NULL : &off);
}

int
main(int argc, char **argv)
{
	char prefix[64], *dargv[16];
	double gaps_us[MAX_GAPS] = { 0, 20, 100, 500, 2000, 10000 };
	unsigned int nb_gaps = 6, samples = 300, rounds = 2, g, r, i;
	bool check = false;
	double idle_s = 2;
	uint64_t hz;
	unsigned int worker;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = 0 };
	struct epoll_event e = { .events = EPOLLIN };
	int ret, fd, ep, a;

	for (a = 1; a < argc && strcmp(argv[a], "--") != 0; a++)
		;
	if (a < argc) {
		/* EAL options before "--" */
		ret = rte_eal_init(a, argv);
		a++;
	} else {
		int k = 0;

		snprintf(prefix, sizeof(prefix), "tbi%d", (int)getpid());
		dargv[k++] = argv[0];
		dargv[k++] = (char *)"--no-huge";
		dargv[k++] = (char *)"-m";
		dargv[k++] = (char *)"256";
		dargv[k++] = (char *)"--no-pci";
		dargv[k++] = (char *)"-l";
		dargv[k++] = (char *)"0-1";
		dargv[k++] = (char *)"--file-prefix";
		dargv[k++] = prefix;
		dargv[k++] = (char *)"--log-level=warning";
		ret = rte_eal_init(k, dargv);
		a = 1;
	}
	if (ret < 0) {
		fprintf(stderr, "tern-bench-idle: EAL init failed\n");
		return 1;
	}
	for (; a < argc; a++) {
		if (strcmp(argv[a], "--samples") == 0 && a + 1 < argc) {
			samples = (unsigned int)atoi(argv[++a]);
		} else if (strcmp(argv[a], "--rounds") == 0 && a + 1 < argc) {
			rounds = (unsigned int)atoi(argv[++a]);
		} else if (strcmp(argv[a], "--poll") == 0) {
			B.use_poll = true;
		} else if (strcmp(argv[a], "--check") == 0) {
			check = true;
		} else if (strcmp(argv[a], "--idle-seconds") == 0 && a + 1 < argc) {
			idle_s = atof(argv[++a]);
		} else if (strcmp(argv[a], "--gaps") == 0 && a + 1 < argc) {
			char *p = argv[++a], *end;

			for (nb_gaps = 0; nb_gaps < MAX_GAPS && *p != '\0'; nb_gaps++) {
				gaps_us[nb_gaps] = strtod(p, &end);
				if (end == p)
					break;
				p = *end == ',' ? end + 1 : end;
			}
		} else {
			fprintf(stderr, "tern-bench-idle: unknown option %s\n", argv[a]);
			return 1;
		}
	}
	if (samples < 2 || nb_gaps == 0 || rounds == 0) {
		fprintf(stderr, "tern-bench-idle: bad options\n");
		return 1;
	}
	worker = rte_get_next_lcore(-1, 1, 0);
	if (worker >= RTE_MAX_LCORE) {
		fprintf(stderr, "tern-bench-idle: needs two lcores (-l 0-1)\n");
		return 1;
	}
	ret = setup();
	if (ret != 0) {
		fprintf(stderr, "tern-bench-idle: setup: %s\n", strerror(-ret));
		return 1;
	}
	hz = rte_get_tsc_hz();
	fd = tern_socket(B.stk.ctx, AF_INET, SOCK_DGRAM, 0);
	sa.sin_port = rte_cpu_to_be_16(UDP_PORT);
	if (fd < 0 || tern_bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		return 1;
	ep = tern_epoll_create1(B.stk.ctx, 0);
	e.data.fd = fd;
	if (ep < 0 || tern_epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e) != 0)
		return 1;
	B.samples = samples;
	B.idle_s = idle_s;
	B.rtt = calloc(samples, sizeof(uint64_t));
	{
		/* rtt per (mode, gap): rounds * samples each */
		uint64_t *all = calloc((size_t)2 * nb_gaps * rounds * samples, sizeof(uint64_t));
		double cpu[2] = { 0, 0 }, wall[2] = { 0, 0 };
		struct tern_stats st0, st1;
		uint64_t sleeps[2] = { 0, 0 };
		int mode;

		if (all == NULL || B.rtt == NULL)
			return 1;
		rte_eal_remote_launch(gen_main, NULL, worker);
		printf("tern-bench-idle: UDP echo over sockets, %s timeout %d ms; "
		       "%u samples per gap and mode in %u rounds; TSC %.3f GHz\n",
		       B.use_poll ? "tern_poll" : "tern_epoll_wait", WAIT_MS, samples * rounds, rounds, (double)hz / 1e9);
		for (r = 0; r < rounds; r++) {
			for (i = 0; i < 2; i++) {
				mode = (int)((i + r) % 2);	/* alternate which goes first */
				set_mode(mode == 1);
				for (g = 0; g < nb_gaps; g++) {
					B.gap_cyc = (uint64_t)(gaps_us[g] * (double)hz / 1e6);
					B.phase = 1;
					if (serve(ep, fd) != 0 || B.gen_err != 0)
						goto gen_failed;
					memcpy(all + (((size_t)mode * nb_gaps + g) * rounds + r) *
						     samples,
					       B.rtt, samples * sizeof(uint64_t));
				}
				/* idle: nothing sent for idle_s */
				{
					uint64_t t0, t1;
					double c0, c1;

					tern_ctx_stats(B.stk.ctx, &st0);
					c0 = thread_cpu_s();
					t0 = rte_rdtsc();
					B.phase = 2;
					if (serve(ep, fd) != 0 || B.gen_err != 0)
						goto gen_failed;
					t1 = rte_rdtsc();
					c1 = thread_cpu_s();
					tern_ctx_stats(B.stk.ctx, &st1);
					cpu[mode] += c1 - c0;
					wall[mode] += (double)(t1 - t0) / (double)hz;
					sleeps[mode] += st1.idle_sleeps - st0.idle_sleeps;
				}
			}
		}
		B.gen_done = 1;
		rte_eal_wait_lcore(worker);
		for (mode = 0; mode < 2; mode++) {
			for (g = 0; g < nb_gaps; g++) {
				uint64_t *v = all + ((size_t)mode * nb_gaps + g) * rounds * samples;
				size_t n = (size_t)rounds * samples;

				qsort(v, n, sizeof(*v), cmp_u64);
				printf("IDLE mode=%s gap_us=%g median_us=%.2f p99_us=%.2f samples=%zu "
				       "tsc_hz=%" PRIu64 "\n", mode ? "on" : "off", gaps_us[g],
				       (double)v[n / 2] * 1e6 / (double)hz,
				       (double)v[n * 99 / 100] * 1e6 / (double)hz, n, hz);
			}
			printf("IDLECPU mode=%s cpu_pct=%.1f seconds=%.2f sleeps=%" PRIu64 "\n",
			       mode ? "on" : "off", wall[mode] > 0 ? 100 * cpu[mode] / wall[mode] : 0,
			       wall[mode], sleeps[mode]);
		}
		free(all);
		if (check) {
			double on = wall[1] > 0 ? 100 * cpu[1] / wall[1] : 100;

			if (on >= 20 || sleeps[1] == 0 || sleeps[0] != 0) {
				fprintf(stderr, "tern-bench-idle: check failed: idle CPU %.1f %% with "
					"the back-off, %" PRIu64 " sleeps on, %" PRIu64 " off\n",
					on, sleeps[1], sleeps[0]);
				ret = 1;
			} else {
				printf("tern-bench-idle: check passed\n");
			}
		}
	}
	if (0) {
gen_failed:
		{
			struct tern_stats st;

			tern_ctx_stats(B.stk.ctx, &st);
			fprintf(stderr, "tern-bench-idle: generator stopped: %s at sample %u "
				"(mode %s, gap %.0f us); server: rx %" PRIu64 " tx %" PRIu64
				" udp_in %" PRIu64 " udp_out %" PRIu64 "\n",
				strerror(-B.gen_err), B.gen_at, (i + r) % 2 ? "on" : "off",
				gaps_us[g], st.rx_pkts, st.tx_pkts, st.udp_in, st.udp_out);
		}
		B.gen_done = 1;
		rte_eal_wait_lcore(worker);
		ret = 1;
	}
	free(B.rtt);
	tern_close(ep);
	tern_close(fd);
	tern_ctx_destroy(B.stk.ctx);
	tern_net_destroy(B.stk.net);
	tern_dev_destroy(B.stk.dev_s);
	tern_dev_destroy(B.stk.dev_g);
	rte_ring_free(B.stk.r_gs);
	rte_ring_free(B.stk.r_sg);
	rte_eal_cleanup();
	return ret;
}
