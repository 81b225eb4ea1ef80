/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * tern-l4fwd: a UDP echo server, relay, sink and source over tern's stream
 * API, one context per worker lcore (after TLDK's l4fwd, our own code).
 * The common bring-up (tern_app.h) sets up the EAL, the port, the network
 * and a context per worker; this file opens the workload on them, times
 * the run and prints the counters; worker.c is the data path.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_malloc.h>

#include "l4fwd.h"

static void
request_stop(struct l4fwd_app *app)
{
	if (app->stop_tsc == 0)
		app->stop_tsc = rte_rdtsc();
	tern_app_stop(app->app);
}

/*
 * Counting and printing, on the main lcore about every millisecond (the
 * bring-up's control round, never after the stop: the live counters read
 * here come from contexts that still exist).
 */
static void
control(struct tern_app *ta, void *arg)
{
	struct l4fwd_app *app = arg;
	const struct l4fwd_opts *o = &app->o;
	uint64_t now = rte_rdtsc();
	unsigned int i;

	(void)ta;
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

/* --raddr/--raddr6 must be routed. @return 0 or -1 (bad options). */
static int
check_remotes(const struct l4fwd_app *app)
{
	const struct l4fwd_opts *o = &app->o;
	uint16_t ifi;

	if (o->have_raddr[L4FWD_V4]) {
		tern_ip4_t nh;

		if (tern_net_route4_lookup(app->net, o->raddr, &ifi, &nh) != 0) {
			fprintf(stderr, "%s: no route to --raddr (put it in --addr's subnet or "
				"give --gw)\n", L4FWD_NAME);
			return -1;
		}
	}
	if (o->have_raddr[L4FWD_V6]) {
		struct tern_ip6 nh;

		if (tern_net_route6_lookup(app->net, &o->raddr6, &ifi, &nh) != 0) {
			fprintf(stderr, "%s: no route to --raddr6 (put it in --addr6's subnet or "
				"give --gw6)\n", L4FWD_NAME);
			return -1;
		}
	}
	return 0;
}

/* On each worker's lcore, once its context exists (tern_app_worker_ops::init). */
static int
worker_init(struct tern_app_worker *aw, void *arg)
{
	struct l4fwd_app *app = arg;
	struct l4fwd_worker *w = &app->w[tern_app_worker_index(aw)];

	w->aw = aw;
	w->lcore = tern_app_worker_lcore(aw);
	if (l4fwd_worker_setup(w) != 0) {
		w->setup_failed = true;
		tern_app_worker_error(aw, "%s", w->err);
		return -1;
	}
	return 0;
}

static int
worker_main(struct tern_app_worker *aw, void *arg)
{
	struct l4fwd_app *app = arg;

	l4fwd_worker_loop(&app->w[tern_app_worker_index(aw)]);
	return 0;
}

static void
worker_fini(struct tern_app_worker *aw, void *arg)
{
	struct l4fwd_app *app = arg;

	l4fwd_worker_teardown(&app->w[tern_app_worker_index(aw)]);
}

static void
print_ready(struct tern_app *ta, void *arg)
{
	struct l4fwd_app *app = arg;
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
	printf("%s\n", tern_app_main_is_worker(ta) ? " (the main lcore)" : "");
	printf("%s: ready\n", L4FWD_NAME);
	fflush(stdout);
	app->start_tsc = rte_rdtsc();
	app->last_stats_tsc = app->start_tsc;
	app->next_stats_tsc = o->stats_interval > 0 ?
		app->start_tsc + (uint64_t)(o->stats_interval * (double)app->hz) : UINT64_MAX;
}

int
main(int argc, char **argv)
{
	static struct l4fwd_app app;
	struct l4fwd_opts *o = &app.o;
	struct tern_app_param param;
	unsigned int i;
	int rc;

	l4fwd_param(&param, o);
	app.app = tern_app_init(argc, argv, &param, &rc);
	if (app.app == NULL)
		return rc;
	app.net = tern_app_net(app.app);
	app.dev = tern_app_dev(app.app, 0);
	if (check_remotes(&app) != 0) {
		tern_app_fini(app.app);
		return 2;
	}
	l4fwd_tx_pattern_init();
	l4fwd_tcp_pattern_init();
	app.hz = rte_get_tsc_hz();
	app.nb_workers = tern_app_nb_workers(app.app);
	app.w = rte_zmalloc("l4fwd_workers", sizeof(*app.w) * app.nb_workers,
			    RTE_CACHE_LINE_SIZE);
	if (app.w == NULL) {
		fprintf(stderr, "%s: out of memory\n", L4FWD_NAME);
		tern_app_fini(app.app);
		return 1;
	}
	for (i = 0; i < app.nb_workers; i++) {
		struct l4fwd_worker *w = &app.w[i];

		w->idx = i;
		w->queue = (uint16_t)i;
		w->ep = -1;
		w->net = app.net;
		w->o = o;
		/* --count and --rate are totals: share them out. */
		w->unlimited = o->count == 0;
		w->quota = o->count / app.nb_workers + (i < o->count % app.nb_workers);
		w->rate = o->rate / app.nb_workers + (i < o->rate % app.nb_workers);
		if (o->rate != 0 && w->rate == 0)
			w->rate = 1;
	}
	rc = tern_app_run(app.app, &(struct tern_app_worker_ops){
		.init = worker_init, .main = worker_main, .fini = worker_fini,
		.ready = print_ready, .control = control, .arg = &app });
	if (app.stop_tsc == 0)
		for (i = 0; i < app.nb_workers; i++)
			if (app.w[i].stop_tsc != 0 &&
			    (app.stop_tsc == 0 || app.w[i].stop_tsc < app.stop_tsc))
				app.stop_tsc = app.w[i].stop_tsc;
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
	rte_free(app.w);
	tern_app_fini(app.app);
	return rc;
}
