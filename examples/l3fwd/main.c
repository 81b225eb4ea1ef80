/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * tern-l3fwd: an IPv4/IPv6 router. The forwarding itself is tern's
 * (lib/net/fwd.c, switched on per interface with tern_net_forward_set());
 * this program only brings the ports, addresses, routes and neighbors up,
 * runs one context per worker lcore (each on its own queue of every
 * port), prints rates and, on exit, the counters.
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

#include "l3fwd.h"

enum { W_INIT, W_READY, W_FAILED, W_DONE };

struct l3fwd_worker {
	struct tern_ctx *ctx;
	struct tern_net *net;
	unsigned int lcore;
	uint16_t queue;
	int state;			/* W_*, atomic */
	char err[128];
} __rte_cache_aligned;

struct l3fwd_app {
	struct l3fwd_opts o;
	struct tern_net *net;
	struct tern_dev *dev[TERN_MAX_PORTS];
	unsigned int nb_workers;
	bool main_is_worker;
	struct l3fwd_worker w[64];
	uint64_t hz, start_tsc, end_tsc, next_stats_tsc, last_stats_tsc;
	/* the previous interval's totals, for rates */
	struct rte_eth_stats last_eth[TERN_MAX_PORTS];
	uint64_t last_fwd, last_drop;
};

static volatile int stop;
static volatile int go;
static volatile sig_atomic_t got_signal;

static void
on_signal(int sig)
{
	got_signal = sig;
}

/* The interface of ethdev port @port_id. @return it, or -1. */
static int
ifindex_of(const struct l3fwd_app *app, int port_id)
{
	unsigned int i;

	for (i = 0; i < app->o.nb_ports; i++)
		if (app->o.port[i].port_id == port_id)
			return (int)i;
	return -1;
}

/* Interface for next hop @a of @family: on-link through some port's subnet. */
static int
ifindex_onlink(const struct l3fwd_app *app, uint8_t family, tern_ip4_t a4,
	       const struct tern_ip6 *a6)
{
	uint16_t ifi;

	if (family == 4) {
		tern_ip4_t nh;

		if (tern_net_route4_lookup(app->net, a4, &ifi, &nh) != 0 || nh != a4)
			return -1;
	} else {
		struct tern_ip6 nh;

		if (tern_net_route6_lookup(app->net, a6, &ifi, &nh) != 0 ||
		    memcmp(&nh, a6, sizeof(nh)) != 0)
			return -1;
	}
	return ifi;
}

/* Ports, addresses, routes, neighbors. @return 0, 1 (run-time failure) or 2 (bad value). */
static int
setup_net(struct l3fwd_app *app)
{
	const struct l3fwd_opts *o = &app->o;
	char caps[256], mac[RTE_ETHER_ADDR_FMT_SIZE];
	unsigned int i, k;
	int ret;

	app->net = tern_net_create(NULL);
	if (app->net == NULL) {
		fprintf(stderr, "%s: net: %s\n", L3FWD_NAME, rte_strerror(rte_errno));
		return 1;
	}
	for (i = 0; i < o->nb_ports; i++) {
		const struct l3fwd_port_opt *p = &o->port[i];
		struct tern_dev_param dp = { 0 };

		if (!rte_eth_dev_is_valid_port(p->port_id)) {
			fprintf(stderr, "%s: --port %u: no such ethdev port (%u port(s); add "
				"one with the EAL's --vdev)\n", L3FWD_NAME, p->port_id,
				rte_eth_dev_count_avail());
			return 2;
		}
		dp.nb_queues = (uint16_t)app->nb_workers;
		dp.mtu = p->mtu;
		dp.no_offload = o->no_offload;
		app->dev[i] = tern_dev_create(p->port_id, &dp);
		if (app->dev[i] == NULL) {
			fprintf(stderr, "%s: port %u with %u queue(s): %s\n", L3FWD_NAME,
				p->port_id, app->nb_workers, rte_strerror(rte_errno));
			return 1;
		}
		ret = tern_net_iface_add(app->net, app->dev[i], 0);
		if (ret != (int)i) {
			fprintf(stderr, "%s: port %u: interface: %s\n", L3FWD_NAME, p->port_id,
				rte_strerror(-ret));
			return 1;
		}
		for (k = 0; k < p->nb_addr4; k++)
			if (tern_net_addr4_add(app->net, (uint16_t)i, p->addr4[k],
					       p->len4[k]) != 0) {
				fprintf(stderr, "%s: port %u: could not add an IPv4 address "
					"(twice, or an overlapping subnet?)\n", L3FWD_NAME,
					p->port_id);
				return 2;
			}
		for (k = 0; k < p->nb_addr6; k++)
			if (tern_net_addr6_add(app->net, (uint16_t)i, &p->addr6[k],
					       p->len6[k]) != 0) {
				fprintf(stderr, "%s: port %u: could not add an IPv6 address\n",
					L3FWD_NAME, p->port_id);
				return 2;
			}
		tern_net_forward_set(app->net, (uint16_t)i,
				     (o->no_fwd4 ? 0 : TERN_FWD_IP4) |
				     (o->no_fwd6 ? 0 : TERN_FWD_IP6));
		rte_ether_format_addr(mac, sizeof(mac), tern_dev_mac(app->dev[i]));
		printf("%s: port %u mac %s mtu %u queues %u offloads: %s\n", L3FWD_NAME,
		       p->port_id, mac, tern_dev_mtu(app->dev[i]),
		       tern_dev_nb_queues(app->dev[i]),
		       tern_dev_caps_str(tern_dev_caps(app->dev[i]), caps, sizeof(caps)));
	}
	for (i = 0; i < o->nb_routes; i++) {
		const struct l3fwd_route_opt *r = &o->route[i];
		int ifi = r->dev >= 0 ? ifindex_of(app, r->dev) :
			ifindex_onlink(app, r->family, r->via4, &r->via6);

		if (ifi < 0) {
			fprintf(stderr, "%s: --route %s: %s\n", L3FWD_NAME, r->text,
				r->dev >= 0 ? "dev= names no --port" :
				"via= is in no port's subnet (add dev=P)");
			return 2;
		}
		ret = r->family == 4 ?
			tern_net_route4_add(app->net, r->pfx4, r->len,
					    r->have_via ? r->via4 : 0, (uint16_t)ifi) :
			tern_net_route6_add(app->net, &r->pfx6, r->len,
					    r->have_via ? &r->via6 : NULL, (uint16_t)ifi);
		if (ret != 0) {
			fprintf(stderr, "%s: --route %s: %s\n", L3FWD_NAME, r->text,
				rte_strerror(-ret));
			return 2;
		}
	}
	for (i = 0; i < o->nb_neigh; i++) {
		const struct l3fwd_neigh_opt *nb = &o->neigh[i];
		int ifi = nb->dev >= 0 ? ifindex_of(app, nb->dev) : -1;

		if (nb->dev < 0) {
			uint16_t f;

			if (nb->family == 4) {
				tern_ip4_t nh;

				ifi = tern_net_route4_lookup(app->net, nb->ip4, &f, &nh) == 0 ?
					f : -1;
			} else {
				struct tern_ip6 nh;

				ifi = tern_net_route6_lookup(app->net, &nb->ip6, &f, &nh) == 0 ?
					f : -1;
			}
		}
		if (ifi < 0) {
			fprintf(stderr, "%s: --neigh %s: %s\n", L3FWD_NAME, nb->text,
				nb->dev >= 0 ? "dev= names no --port" :
				"no route to it (add dev=P)");
			return 2;
		}
		ret = nb->family == 4 ?
			tern_net_neigh4_set(app->net, (uint16_t)ifi, nb->ip4, &nb->mac) :
			tern_net_neigh6_set(app->net, (uint16_t)ifi, &nb->ip6, &nb->mac);
		if (ret != 0) {
			fprintf(stderr, "%s: --neigh %s: %s\n", L3FWD_NAME, nb->text,
				rte_strerror(-ret));
			return 2;
		}
	}
	return 0;
}

static int
state_get(const struct l3fwd_worker *w)
{
	return __atomic_load_n(&w->state, __ATOMIC_ACQUIRE);
}

static void
state_set(struct l3fwd_worker *w, int st)
{
	__atomic_store_n(&w->state, st, __ATOMIC_RELEASE);
}

static int
worker_setup(struct l3fwd_worker *w)
{
	struct tern_ctx_param cp = { 0 };

	cp.net = w->net;
	cp.queue_id = w->queue;
	w->ctx = tern_ctx_create(&cp);
	if (w->ctx == NULL) {
		snprintf(w->err, sizeof(w->err), "context on queue %u: %s", w->queue,
			 rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

static int
worker_main(void *arg)
{
	struct l3fwd_worker *w = arg;

	if (worker_setup(w) != 0) {
		state_set(w, W_FAILED);
		return -1;
	}
	state_set(w, W_READY);
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE) && !__atomic_load_n(&stop, __ATOMIC_ACQUIRE))
		rte_pause();
	if (w->queue == 0)
		tern_ctx_announce(w->ctx);
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED))
		tern_ctx_poll(w->ctx);
	tern_ctx_flush(w->ctx);
	state_set(w, W_DONE);
	return 0;
}

/* Every context's counters added up. Read while they run: a moment's view. */
static void
stats_sum(const struct l3fwd_app *app, struct tern_stats *sum)
{
	struct tern_stats st;
	unsigned int i, k;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < app->nb_workers; i++) {
		if (app->w[i].ctx == NULL)
			continue;
		tern_ctx_stats(app->w[i].ctx, &st);
		for (k = 0; k < TERN_STATS_COUNT; k++)
			((uint64_t *)sum)[k] += tern_stats_value(&st, k);
	}
}

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
print_interval(struct l3fwd_app *app, uint64_t now)
{
	double dt = (double)(now - app->last_stats_tsc) / (double)app->hz;
	struct tern_stats st;
	uint64_t fwd, drop;
	unsigned int i;

	if (dt <= 0)
		return;
	stats_sum(app, &st);
	fwd = st.fwd4_pkts + st.fwd6_pkts;
	drop = stats_drops(&st);
	printf("%s: %.1fs fwd %.0f pps drop %.0f pps", L3FWD_NAME,
	       (double)(now - app->start_tsc) / (double)app->hz,
	       (double)(fwd - app->last_fwd) / dt, (double)(drop - app->last_drop) / dt);
	app->last_fwd = fwd;
	app->last_drop = drop;
	for (i = 0; i < app->o.nb_ports; i++) {
		struct rte_eth_stats es;

		if (rte_eth_stats_get(app->o.port[i].port_id, &es) != 0)
			continue;
		printf(" | port %u rx %.0f tx %.0f pps missed %" PRIu64, app->o.port[i].port_id,
		       (double)(es.ipackets - app->last_eth[i].ipackets) / dt,
		       (double)(es.opackets - app->last_eth[i].opackets) / dt,
		       es.imissed - app->last_eth[i].imissed);
		app->last_eth[i] = es;
	}
	printf("\n");
	fflush(stdout);
	app->last_stats_tsc = now;
}

/* @return true when the run should end. */
static bool
control(struct l3fwd_app *app)
{
	uint64_t now = rte_rdtsc();

	if (got_signal != 0 || now >= app->end_tsc)
		return true;
	if (now >= app->next_stats_tsc) {
		print_interval(app, now);
		app->next_stats_tsc = now + (uint64_t)(app->o.stats_interval * (double)app->hz);
	}
	return false;
}

static void
print_final(struct l3fwd_app *app)
{
	double secs = (double)(rte_rdtsc() - app->start_tsc) / (double)app->hz;
	struct tern_stats st;
	unsigned int i, k;

	stats_sum(app, &st);
	printf("%s: %.3f s, forwarded %" PRIu64 " IPv4 and %" PRIu64 " IPv6 packets, "
	       "dropped %" PRIu64 "\n", L3FWD_NAME, secs, st.fwd4_pkts, st.fwd6_pkts,
	       stats_drops(&st));
	for (i = 0; i < app->o.nb_ports; i++) {
		struct rte_eth_stats es;

		if (rte_eth_stats_get(app->o.port[i].port_id, &es) != 0)
			continue;
		printf("%s: port %u: rx %" PRIu64 " tx %" PRIu64 " missed %" PRIu64
		       " rx errors %" PRIu64 " tx errors %" PRIu64 "\n", L3FWD_NAME,
		       app->o.port[i].port_id, es.ipackets, es.opackets, es.imissed, es.ierrors,
		       es.oerrors);
	}
	for (i = 0; i < app->nb_workers; i++) {
		struct tern_stats cs;

		if (app->w[i].ctx == NULL)
			continue;
		tern_ctx_stats(app->w[i].ctx, &cs);
		printf("%s: context %u (lcore %u, queue %u): forwarded %" PRIu64 " IPv4 and %"
		       PRIu64 " IPv6 packets\n", L3FWD_NAME, i, app->w[i].lcore, app->w[i].queue,
		       cs.fwd4_pkts, cs.fwd6_pkts);
	}
	printf("%s: counters (final, non-zero):\n", L3FWD_NAME);
	for (k = 0; k < TERN_STATS_COUNT; k++)
		if (tern_stats_value(&st, k) != 0)
			printf("  %-24s %" PRIu64 "\n", tern_stats_name(k),
			       tern_stats_value(&st, k));
	fflush(stdout);
}

/* Launch the workers; @return 0 once all are ready, -1 if one failed. */
static int
start_workers(struct l3fwd_app *app)
{
	unsigned int i, lcore, nready;

	for (i = 0; i < app->nb_workers; i++) {
		app->w[i].net = app->net;
		app->w[i].queue = (uint16_t)i;
	}
	if (app->main_is_worker) {
		app->w[0].lcore = rte_lcore_id();
		if (worker_setup(&app->w[0]) != 0) {
			fprintf(stderr, "%s: %s\n", L3FWD_NAME, app->w[0].err);
			return -1;
		}
		return 0;
	}
	i = 0;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (i == app->nb_workers)
			break;
		app->w[i].lcore = lcore;
		if (rte_eal_remote_launch(worker_main, &app->w[i], lcore) != 0) {
			fprintf(stderr, "%s: could not launch a worker on lcore %u\n", L3FWD_NAME,
				lcore);
			return -1;
		}
		i++;
	}
	for (;;) {
		nready = 0;
		for (i = 0; i < app->nb_workers; i++) {
			int st = state_get(&app->w[i]);

			if (st == W_FAILED) {
				fprintf(stderr, "%s: worker %u (lcore %u): %s\n", L3FWD_NAME, i,
					app->w[i].lcore, app->w[i].err);
				return -1;
			}
			nready += st == W_READY;
		}
		if (nready == app->nb_workers)
			return 0;
		if (got_signal != 0)
			return -1;
		usleep(1000);
	}
}

int
main(int argc, char **argv)
{
	static struct l3fwd_app app;
	struct l3fwd_opts *o = &app.o;
	unsigned int nb_wlcores, i, n;
	int ret, rc = 1;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "%s: EAL init failed: %s (try --help after --)\n", L3FWD_NAME,
			rte_strerror(rte_errno));
		return 2;
	}
	argc -= ret;
	argv += ret;
	argv[0] = (char *)L3FWD_NAME;
	if (l3fwd_parse_args(argc, argv, o) != 0) {
		rte_eal_cleanup();
		return 2;
	}
	nb_wlcores = rte_lcore_count() - 1;
	if (o->lcores > 1 && nb_wlcores < o->lcores) {
		fprintf(stderr, "%s: --lcores %u needs %u worker lcores, the EAL has %u "
			"(give the EAL -l 0-%u)\n", L3FWD_NAME, o->lcores, o->lcores, nb_wlcores,
			o->lcores);
		rte_eal_cleanup();
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	app.hz = rte_get_tsc_hz();
	app.nb_workers = o->lcores;
	app.main_is_worker = nb_wlcores == 0;
	ret = setup_net(&app);
	if (ret != 0) {
		rc = ret;
		goto out;
	}
	if (start_workers(&app) != 0) {
		__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
		goto join;
	}
	printf("%s: %u context(s) on lcore(s)", L3FWD_NAME, app.nb_workers);
	for (i = 0; i < app.nb_workers; i++)
		printf(" %u", app.w[i].lcore);
	printf("%s; TSC %" PRIu64 " Hz\n%s: ready\n", app.main_is_worker ? " (the main lcore)" : "",
	       app.hz, L3FWD_NAME);
	fflush(stdout);

	app.start_tsc = rte_rdtsc();
	app.last_stats_tsc = app.start_tsc;
	app.end_tsc = o->duration > 0 ?
		app.start_tsc + (uint64_t)(o->duration * (double)app.hz) : UINT64_MAX;
	app.next_stats_tsc = o->stats_interval > 0 ?
		app.start_tsc + (uint64_t)(o->stats_interval * (double)app.hz) : UINT64_MAX;
	for (i = 0; i < o->nb_ports; i++)
		rte_eth_stats_get(o->port[i].port_id, &app.last_eth[i]);
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);

	if (app.main_is_worker) {
		tern_ctx_announce(app.w[0].ctx);
		for (n = 0; ; n++) {
			tern_ctx_poll(app.w[0].ctx);
			if ((n & 1023) == 0 && control(&app))
				break;
		}
		tern_ctx_flush(app.w[0].ctx);
	} else {
		while (!control(&app))
			usleep(1000);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	rc = 0;
join:
	if (!app.main_is_worker)
		rte_eal_mp_wait_lcore();
	for (i = 0; i < app.nb_workers; i++)
		if (state_get(&app.w[i]) == W_FAILED)
			rc = 1;
	if (rc == 0)
		print_final(&app);
	for (i = 0; i < app.nb_workers; i++)
		tern_ctx_destroy(app.w[i].ctx);
out:
	tern_net_destroy(app.net);
	for (i = 0; i < o->nb_ports; i++)
		tern_dev_destroy(app.dev[i]);
	rte_eal_cleanup();
	return rc;
}
