/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * tern-l3fwd: an IPv4/IPv6 router. The forwarding itself is tern's
 * (lib/net/fwd.c, switched on per interface with tern_net_forward_set());
 * the common bring-up (tern_app.h) brings the ports, addresses, routes and
 * neighbors up and runs one context per worker lcore (each on its own
 * queue of every port); this program switches forwarding on, prints rates
 * and, on exit, the counters.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "l3fwd.h"

struct l3fwd_app {
	struct l3fwd_opts o;
	struct tern_app *app;
	uint64_t hz, start_tsc, next_stats_tsc, last_stats_tsc;
	/* the previous interval's totals, for rates */
	struct rte_eth_stats last_eth[TERN_MAX_PORTS];
	uint64_t last_fwd, last_drop;
};

/* Every context's counters added up. Read while they run: a moment's view. */
static uint64_t
stats_drops(const struct tern_stats *st)
{
	uint64_t n = 0;
	unsigned int k;

	for (k = 0; k < TERN_STATS_COUNT; k++)
		if (strncmp(tern_stats_name(k), "drop_", 5) == 0)
			n += tern_stats_value(st, k);
	return n;
}

static void
print_interval(struct l3fwd_app *l3, uint64_t now)
{
	const struct tern_app_config *c = tern_app_config(l3->app);
	double dt = (double)(now - l3->last_stats_tsc) / (double)l3->hz;
	struct tern_stats st;
	uint64_t fwd, drop;
	unsigned int i;

	if (dt <= 0)
		return;
	tern_app_stats_sum(l3->app, &st);
	fwd = st.fwd4_pkts + st.fwd6_pkts;
	drop = stats_drops(&st);
	printf("%s: %.1fs fwd %.0f pps drop %.0f pps", L3FWD_NAME,
	       (double)(now - l3->start_tsc) / (double)l3->hz,
	       (double)(fwd - l3->last_fwd) / dt, (double)(drop - l3->last_drop) / dt);
	l3->last_fwd = fwd;
	l3->last_drop = drop;
	for (i = 0; i < c->nb_ports; i++) {
		struct rte_eth_stats es;

		if (rte_eth_stats_get(c->port[i].port_id, &es) != 0)
			continue;
		printf(" | port %u rx %.0f tx %.0f pps missed %" PRIu64, c->port[i].port_id,
		       (double)(es.ipackets - l3->last_eth[i].ipackets) / dt,
		       (double)(es.opackets - l3->last_eth[i].opackets) / dt,
		       es.imissed - l3->last_eth[i].imissed);
		l3->last_eth[i] = es;
	}
	printf("\n");
	fflush(stdout);
	l3->last_stats_tsc = now;
}

/* Main lcore, about every millisecond. */
static void
control(struct tern_app *app, void *arg)
{
	struct l3fwd_app *l3 = arg;
	uint64_t now = rte_rdtsc();

	(void)app;
	if (now >= l3->next_stats_tsc) {
		print_interval(l3, now);
		l3->next_stats_tsc = now + (uint64_t)(l3->o.stats_interval * (double)l3->hz);
	}
}

static void
print_final(struct l3fwd_app *l3)
{
	const struct tern_app_config *c = tern_app_config(l3->app);
	double secs = (double)(rte_rdtsc() - l3->start_tsc) / (double)l3->hz;
	struct tern_stats st;
	unsigned int i, k;

	tern_app_stats_sum(l3->app, &st);
	printf("%s: %.3f s, forwarded %" PRIu64 " IPv4 and %" PRIu64 " IPv6 packets, "
	       "dropped %" PRIu64 "\n", L3FWD_NAME, secs, st.fwd4_pkts, st.fwd6_pkts,
	       stats_drops(&st));
	for (i = 0; i < c->nb_ports; i++) {
		struct rte_eth_stats es;

		if (rte_eth_stats_get(c->port[i].port_id, &es) != 0)
			continue;
		printf("%s: port %u: rx %" PRIu64 " tx %" PRIu64 " missed %" PRIu64
		       " rx errors %" PRIu64 " tx errors %" PRIu64 "\n", L3FWD_NAME,
		       c->port[i].port_id, es.ipackets, es.opackets, es.imissed, es.ierrors,
		       es.oerrors);
	}
	for (i = 0; i < tern_app_nb_workers(l3->app); i++) {
		const struct tern_app_worker *w = tern_app_worker(l3->app, i);
		struct tern_stats cs;

		if (tern_app_worker_stats(l3->app, i, &cs) != 0)
			continue;
		printf("%s: context %u (lcore %u, queue %u): forwarded %" PRIu64 " IPv4 and %"
		       PRIu64 " IPv6 packets\n", L3FWD_NAME, i, tern_app_worker_lcore(w),
		       tern_app_worker_index(w), cs.fwd4_pkts, cs.fwd6_pkts);
	}
	printf("%s: counters (final, non-zero):\n", L3FWD_NAME);
	for (k = 0; k < TERN_STATS_COUNT; k++)
		if (tern_stats_value(&st, k) != 0)
			printf("  %-24s %" PRIu64 "\n", tern_stats_name(k),
			       tern_stats_value(&st, k));
	fflush(stdout);
}

/* The forwarding itself is the context's: poll until the stop. */
static int
worker_main(struct tern_app_worker *w, void *arg)
{
	struct tern_ctx *ctx = tern_app_worker_ctx(w);

	if (l3fwd_ctx_setup(&((struct l3fwd_app *)arg)->o, ctx) != 0)
		return -1;
	while (tern_app_running(w))
		tern_ctx_poll(ctx);
	return 0;
}

static void
ready(struct tern_app *app, void *arg)
{
	struct l3fwd_app *l3 = arg;
	const struct tern_app_config *c = tern_app_config(app);
	unsigned int i;

	printf("%s: %u context(s) on lcore(s)", L3FWD_NAME, tern_app_nb_workers(app));
	for (i = 0; i < tern_app_nb_workers(app); i++)
		printf(" %u", tern_app_worker_lcore(tern_app_worker(app, i)));
	printf("%s; TSC %" PRIu64 " Hz\n%s: ready\n",
	       tern_app_main_is_worker(app) ? " (the main lcore)" : "", l3->hz, L3FWD_NAME);
	fflush(stdout);
	l3->start_tsc = rte_rdtsc();
	l3->last_stats_tsc = l3->start_tsc;
	l3->next_stats_tsc = l3->o.stats_interval > 0 ?
		l3->start_tsc + (uint64_t)(l3->o.stats_interval * (double)l3->hz) : UINT64_MAX;
	for (i = 0; i < c->nb_ports; i++)
		rte_eth_stats_get(c->port[i].port_id, &l3->last_eth[i]);
}

int
main(int argc, char **argv)
{
	static struct l3fwd_app l3;
	struct tern_app_param param;
	const struct tern_app_config *c;
	unsigned int i;
	int rc;

	l3fwd_param(&param, &l3.o);
	l3.app = tern_app_init(argc, argv, &param, &rc);
	if (l3.app == NULL)
		return rc;
	c = tern_app_config(l3.app);
	for (i = 0; i < c->nb_ports; i++)
		tern_net_forward_set(tern_app_net(l3.app), (uint16_t)i,
				     (l3.o.no_fwd4 ? 0 : TERN_FWD_IP4) |
				     (l3.o.no_fwd6 ? 0 : TERN_FWD_IP6));
	l3.hz = rte_get_tsc_hz();
	rc = tern_app_run(l3.app, &(struct tern_app_worker_ops){
		.main = worker_main, .ready = ready, .control = control, .arg = &l3 });
	if (rc == 0)
		print_final(&l3);
	tern_app_fini(l3.app);
	return rc;
}
