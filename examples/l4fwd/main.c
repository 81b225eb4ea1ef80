/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * tern-l4fwd: a UDP echo server, relay, sink and source over tern's stream
 * API, one context per worker lcore (after TLDK's l4fwd, our own code).
 * This file sets up the device, the network and the workers, then times
 * the run and prints the counters; worker.c is the data path.
 */

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "l4fwd.h"

volatile int l4fwd_stop;
volatile int l4fwd_go;
static volatile sig_atomic_t got_signal;

static void
on_signal(int sig)
{
	got_signal = sig;
}

static void
request_stop(struct l4fwd_app *app)
{
	if (!l4fwd_stop) {
		app->stop_tsc = rte_rdtsc();
		__atomic_store_n(&l4fwd_stop, 1, __ATOMIC_RELEASE);
	}
}

/*
 * Timing, counting and printing, on the main lcore: about every
 * millisecond, from its own loop or from the worker loop it runs. Only
 * here is l4fwd_stop set once the workers run, so the live counters read
 * here always come from contexts that still exist.
 */
static void
control(void *arg)
{
	struct l4fwd_app *app = arg;
	const struct l4fwd_opts *o = &app->o;
	uint64_t now = rte_rdtsc();
	unsigned int i;

	if (got_signal != 0 || now >= app->end_tsc) {
		request_stop(app);
		return;
	}
	if (o->mode == L4FWD_TX && o->count != 0) {
		for (i = 0; i < app->nb_workers; i++)
			if (l4fwd_state_get(&app->w[i]) != L4FWD_W_FINISHED)
				break;
		if (i == app->nb_workers) {
			app->tx_done = true;
			request_stop(app);
			return;
		}
	} else if (o->count != 0) {
		struct l4fwd_stats s;

		l4fwd_stats_sum(app, &s);
		if (o->tcp ? s.t.done >= o->count :
		    s.c[L4FWD_V4].rx_dgrams + s.c[L4FWD_V6].rx_dgrams >= o->count) {
			request_stop(app);
			return;
		}
	}
	if (now >= app->next_stats_tsc) {
		l4fwd_print_interval(app, now);
		app->next_stats_tsc = now + (uint64_t)(o->stats_interval * (double)app->hz);
	}
}

/* Device, network, addresses, routes. @return 0, 1 (run-time failure) or 2 (bad value). */
static int
setup_net(struct l4fwd_app *app)
{
	const struct l4fwd_opts *o = &app->o;
	struct tern_dev_param dp = { 0 };
	const char *p = L4FWD_NAME;
	char caps[256], mac[RTE_ETHER_ADDR_FMT_SIZE];
	int ifindex;

	dp.nb_queues = o->lcores;
	dp.no_offload = o->no_offload;
	dp.sw_dispatch = o->sw_dispatch;
	dp.rss_assume = o->rss_assume;
	/* TSO is enabled only when asked for by name; LRO and UFO stay off */
	if (o->tso)
		dp.allow_caps = UINT32_MAX & ~(uint32_t)(TERN_CAP_RX_LRO | TERN_CAP_TX_UFO);
	app->dev = tern_dev_create(o->port, &dp);
	if (app->dev == NULL) {
		fprintf(stderr, "%s: port %u with %u queue(s): %s\n", p, o->port, o->lcores,
			rte_strerror(rte_errno));
		return 1;
	}
	app->net = tern_net_create(NULL);
	if (app->net == NULL) {
		fprintf(stderr, "%s: net: %s\n", p, rte_strerror(rte_errno));
		return 1;
	}
	ifindex = tern_net_iface_add(app->net, app->dev, 0);
	if (ifindex < 0) {
		fprintf(stderr, "%s: interface: %s\n", p, rte_strerror(-ifindex));
		return 1;
	}
	app->ifindex = (uint16_t)ifindex;
	if ((o->have_addr[L4FWD_V4] &&
	     tern_net_addr4_add(app->net, ifindex, o->addr, o->addr_len) != 0) ||
	    (o->have_addr[L4FWD_V6] &&
	     tern_net_addr6_add(app->net, ifindex, &o->addr6, o->addr6_len) != 0)) {
		fprintf(stderr, "%s: could not add the addresses\n", p);
		return 2;
	}
	if ((o->have_gw[L4FWD_V4] && tern_net_route4_add(app->net, 0, 0, o->gw, ifindex) != 0) ||
	    (o->have_gw[L4FWD_V6] &&
	     tern_net_route6_add(app->net, &(struct tern_ip6){ { 0 } }, 0, &o->gw6,
				 ifindex) != 0)) {
		fprintf(stderr, "%s: could not add the default routes\n", p);
		return 2;
	}
	for (unsigned int i = 0; i < o->nb_neigh; i++) {
		const struct l4fwd_neigh *n = &o->neigh[i];
		int r = n->family == L4FWD_V4 ?
			tern_net_neigh4_set(app->net, ifindex, n->ip4, &n->mac) :
			tern_net_neigh6_set(app->net, ifindex, &n->ip6, &n->mac);

		if (r != 0) {
			fprintf(stderr, "%s: --neigh: %s\n", p, rte_strerror(-r));
			return 2;
		}
	}
	if (o->have_raddr[L4FWD_V4]) {
		tern_ip4_t nh;
		uint16_t ifi;

		if (tern_net_route4_lookup(app->net, o->raddr, &ifi, &nh) != 0) {
			fprintf(stderr, "%s: no route to --raddr (put it in --addr's subnet or "
				"give --gw)\n", p);
			return 2;
		}
	}
	if (o->have_raddr[L4FWD_V6]) {
		struct tern_ip6 nh;
		uint16_t ifi;

		if (tern_net_route6_lookup(app->net, &o->raddr6, &ifi, &nh) != 0) {
			fprintf(stderr, "%s: no route to --raddr6 (put it in --addr6's subnet or "
				"give --gw6)\n", p);
			return 2;
		}
	}
	rte_ether_format_addr(mac, sizeof(mac), tern_dev_mac(app->dev));
	printf("%s: port %u mac %s mtu %u queues %u offloads: %s\n", p, o->port, mac,
	       tern_dev_mtu(app->dev), tern_dev_nb_queues(app->dev),
	       tern_dev_caps_str(tern_dev_caps(app->dev), caps, sizeof(caps)));
	printf("%s: port %u device offers: %s\n", p, o->port,
	       tern_dev_caps_str(tern_dev_caps_avail(app->dev), caps, sizeof(caps)));
	printf("%s: steering: %s\n", p, tern_dev_steering_str(app->dev, caps, sizeof(caps)));
	return 0;
}

/* Start every worker; @return 0 once all are ready, -1 if one failed. */
static int
start_workers(struct l4fwd_app *app)
{
	const struct l4fwd_opts *o = &app->o;
	unsigned int i, lcore, nready;

	for (i = 0; i < app->nb_workers; i++) {
		struct l4fwd_worker *w = &app->w[i];

		w->idx = i;
		w->queue = (uint16_t)i;
		w->ep = -1;
		w->net = app->net;
		w->o = o;
		w->cap = app->cap;
		/* --count and --rate are totals: share them out. */
		w->unlimited = o->count == 0;
		w->quota = o->count / app->nb_workers + (i < o->count % app->nb_workers);
		w->rate = o->rate / app->nb_workers + (i < o->rate % app->nb_workers);
		if (o->rate != 0 && w->rate == 0)
			w->rate = 1;
	}
	if (app->main_is_worker) {
		app->w[0].lcore = rte_lcore_id();
		if (l4fwd_worker_setup(&app->w[0]) != 0) {
			fprintf(stderr, "%s: worker 0: %s\n", L4FWD_NAME, app->w[0].err);
			l4fwd_state_set(&app->w[0], L4FWD_W_FAILED);
			return -1;
		}
		l4fwd_state_set(&app->w[0], L4FWD_W_READY);
		return 0;
	}
	i = 0;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (i == app->nb_workers)
			break;
		app->w[i].lcore = lcore;
		if (rte_eal_remote_launch(l4fwd_worker_main, &app->w[i], lcore) != 0) {
			fprintf(stderr, "%s: could not launch a worker on lcore %u\n", L4FWD_NAME,
				lcore);
			l4fwd_state_set(&app->w[i], L4FWD_W_FAILED);
			return -1;
		}
		i++;
	}
	for (;;) {
		nready = 0;
		for (i = 0; i < app->nb_workers; i++) {
			int st = l4fwd_state_get(&app->w[i]);

			if (st == L4FWD_W_FAILED) {
				fprintf(stderr, "%s: worker %u (lcore %u): %s\n", L4FWD_NAME, i,
					app->w[i].lcore, app->w[i].err);
				return -1;
			}
			nready += st == L4FWD_W_READY;
		}
		if (nready == app->nb_workers)
			return 0;
		if (got_signal != 0)
			return -1;
		usleep(1000);
	}
}

static void
print_ready(const struct l4fwd_app *app)
{
	const struct l4fwd_opts *o = &app->o;
	struct tern_sockaddr sa;
	unsigned int i;
	int f;

	for (f = 0; f < L4FWD_NB_FAMILIES; f++) {
		if (app->w[0].s[f] == NULL)
			continue;
		tern_udp_local(app->w[0].s[f], &sa);
		printf("%s: udp%s stream on port %u in each of %u context(s)\n", L4FWD_NAME,
		       f == L4FWD_V4 ? "4" : "6", rte_be_to_cpu_16(sa.port), app->nb_workers);
	}
	printf("%s: mode %s, api %s, %u worker(s) on lcore(s)", L4FWD_NAME,
	       l4fwd_mode_name(o->mode), o->api_sock ? "sock" : "burst", app->nb_workers);
	for (i = 0; i < app->nb_workers; i++)
		printf(" %u", app->w[i].lcore);
	printf("%s\n", app->main_is_worker ? " (the main lcore)" : "");
	printf("%s: ready\n", L4FWD_NAME);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	struct l4fwd_app app;
	struct l4fwd_opts *o = &app.o;
	unsigned int nb_wlcores, i;
	int ret, rc = 1;

	memset(&app, 0, sizeof(app));
	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "%s: EAL init failed: %s (try --help after --)\n", L4FWD_NAME,
			rte_strerror(rte_errno));
		return 2;
	}
	argc -= ret;
	argv += ret;
	argv[0] = (char *)L4FWD_NAME;
	if (l4fwd_parse_args(argc, argv, o) != 0) {
		rte_eal_cleanup();
		return 2;
	}
	nb_wlcores = rte_lcore_count() - 1;
	if (o->lcores > 1 && nb_wlcores < o->lcores) {
		fprintf(stderr, "%s: --lcores %u needs %u worker lcores, the EAL has %u "
			"(give the EAL -l 0-%u)\n", L4FWD_NAME, o->lcores, o->lcores, nb_wlcores,
			o->lcores);
		rte_eal_cleanup();
		return 2;
	}
	if (rte_eth_dev_count_avail() == 0) {
		fprintf(stderr, "%s: no ethdev port; add one, e.g. --vdev net_tap0,iface=tern0\n",
			L4FWD_NAME);
		rte_eal_cleanup();
		return 1;
	}
	if (!rte_eth_dev_is_valid_port(o->port)) {
		fprintf(stderr, "%s: port %u does not exist (%u port(s))\n", L4FWD_NAME, o->port,
			rte_eth_dev_count_avail());
		rte_eal_cleanup();
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	l4fwd_tx_pattern_init();
	l4fwd_tcp_pattern_init();

	app.hz = rte_get_tsc_hz();
	app.nb_workers = o->lcores;
	app.main_is_worker = nb_wlcores == 0;
	app.w = rte_zmalloc("l4fwd_workers", sizeof(*app.w) * app.nb_workers,
			    RTE_CACHE_LINE_SIZE);
	if (app.w == NULL) {
		fprintf(stderr, "%s: out of memory\n", L4FWD_NAME);
		goto out;
	}
	ret = setup_net(&app);
	if (ret != 0) {
		rc = ret;
		goto out;
	}
	if (o->pcap != NULL) {
		app.cap = tern_capture_open(o->pcap, o->snaplen);
		if (app.cap == NULL) {
			fprintf(stderr, "%s: --pcap %s: %s\n", L4FWD_NAME, o->pcap,
				rte_strerror(rte_errno));
			rc = 1;
			goto out;
		}
	}
	if (start_workers(&app) != 0) {
		request_stop(&app);
		goto join;
	}
	print_ready(&app);

	app.start_tsc = rte_rdtsc();
	app.last_stats_tsc = app.start_tsc;
	app.end_tsc = o->duration > 0 ?
		app.start_tsc + (uint64_t)(o->duration * (double)app.hz) : UINT64_MAX;
	app.next_stats_tsc = o->stats_interval > 0 ?
		app.start_tsc + (uint64_t)(o->stats_interval * (double)app.hz) : UINT64_MAX;
	__atomic_store_n(&l4fwd_go, 1, __ATOMIC_RELEASE);

	if (app.main_is_worker) {
		l4fwd_worker_loop(&app.w[0], control, &app);
	} else {
		while (!l4fwd_stop) {
			control(&app);
			usleep(1000);
		}
	}
	rc = 0;
join:
	if (app.main_is_worker)
		l4fwd_worker_teardown(&app.w[0]);
	else
		rte_eal_mp_wait_lcore();
	for (i = 0; i < app.nb_workers; i++)
		if (l4fwd_state_get(&app.w[i]) == L4FWD_W_FAILED)
			rc = 1;
	if (rc == 0) {
		if (app.tx_done && o->tcp)
			printf("%s: tx done: --count %" PRIu64 " bytes sent on each connection\n",
			       L4FWD_NAME, o->count);
		else if (app.tx_done)
			printf("%s: tx done: --count %" PRIu64 " datagrams handed to the stack\n",
			       L4FWD_NAME, o->count);
		l4fwd_print_final(&app);
		/* a TCP tx connection that failed ends the run, as a failure */
		for (i = 0; i < app.nb_workers; i++)
			if (app.w[i].tcp_tx_failed) {
				fprintf(stderr, "%s: worker %u: %s\n", L4FWD_NAME, i, app.w[i].err);
				rc = 1;
			}
	}
out:
	if (app.cap != NULL) {
		uint64_t pkts, lost;

		/* the contexts are gone: what they held is written */
		tern_capture_stats(app.cap, &pkts, &lost);
		printf("%s: capture: %" PRIu64 " frames to %s, %" PRIu64 " lost\n", L4FWD_NAME,
		       pkts, o->pcap, lost);
		tern_capture_close(app.cap);
	}
	rte_free(app.w);
	tern_net_destroy(app.net);
	tern_dev_destroy(app.dev);
	rte_eal_cleanup();
	return rc;
}
