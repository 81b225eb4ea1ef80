/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * The common bring-up (tern_app.h): the EAL, the devices and the network
 * from the options app_args.c read, the workers, the stop, the teardown.
 */

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cfgfile.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_pause.h>
#include <rte_pdump.h>

#include <tern/tern_capture.h>
#include <tern/tern_ctx.h>

#include "app_priv.h"

#define APP_MAX_EAL_ARGS	256

enum app_wstate {
	W_INIT = 0,
	W_READY,	/* context made, ops->init done */
	W_FAILED,	/* set-up failed */
	W_DONE,		/* context destroyed */
};

static volatile sig_atomic_t got_signal;

static void
on_signal(int sig)
{
	got_signal = sig;
}

static const char *
name_of(const struct tern_app *app)
{
	return app->param.name != NULL ? app->param.name : "tern";
}

/* The interface of the next hop @a: on-link through some port's subnet. */
static int
ifindex_onlink(const struct tern_app *app, uint8_t family, tern_ip4_t a4,
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

/* Any route to @a: its interface, or -1. */
static int
ifindex_routed(const struct tern_app *app, uint8_t family, tern_ip4_t a4,
	       const struct tern_ip6 *a6)
{
	uint16_t ifi;

	if (family == 4) {
		tern_ip4_t nh;

		return tern_net_route4_lookup(app->net, a4, &ifi, &nh) == 0 ? ifi : -1;
	} else {
		struct tern_ip6 nh;

		return tern_net_route6_lookup(app->net, a6, &ifi, &nh) == 0 ? ifi : -1;
	}
}

int
tern_app_ifindex(const struct tern_app *app, uint16_t port_id)
{
	unsigned int i;

	for (i = 0; i < app->cfg.nb_ports; i++)
		if (app->cfg.port[i].port_id == port_id)
			return (int)i;
	return -1;
}

/* One port: device, interface, addresses. @return 0, 1 or 2 (exit status). */
static int
port_up(struct tern_app *app, unsigned int i)
{
	const struct tern_app_port *p = &app->cfg.port[i];
	struct tern_dev_param dp = app->cfg.dev;
	const char *n = name_of(app);
	char caps[256], mac[RTE_ETHER_ADDR_FMT_SIZE];
	unsigned int k;
	int ret;

	if (!rte_eth_dev_is_valid_port(p->port_id)) {
		fprintf(stderr, "%s: port %u does not exist (%u port(s); add one with the EAL's "
			"--vdev)\n", n, p->port_id, rte_eth_dev_count_avail());
		return 2;
	}
	if (p->mtu != 0)
		dp.mtu = p->mtu;
	app->dev[i] = tern_dev_create(p->port_id, &dp);
	if (app->dev[i] == NULL) {
		fprintf(stderr, "%s: port %u with %u queue(s): %s\n", n, p->port_id, dp.nb_queues,
			rte_strerror(rte_errno));
		return 1;
	}
	ret = tern_net_iface_add(app->net, app->dev[i], p->vlan);
	if (ret != (int)i) {
		fprintf(stderr, "%s: port %u: interface: %s\n", n, p->port_id,
			rte_strerror(ret < 0 ? -ret : EINVAL));
		return 1;
	}
	for (k = 0; k < p->nb_addr4; k++)
		if (tern_net_addr4_add(app->net, (uint16_t)i, p->addr4[k], p->len4[k]) != 0) {
			fprintf(stderr, "%s: port %u: could not add an IPv4 address (twice, or an "
				"overlapping subnet?)\n", n, p->port_id);
			return 2;
		}
	for (k = 0; k < p->nb_addr6; k++)
		if (tern_net_addr6_add(app->net, (uint16_t)i, &p->addr6[k], p->len6[k]) != 0) {
			fprintf(stderr, "%s: port %u: could not add an IPv6 address\n", n,
				p->port_id);
			return 2;
		}
	rte_ether_format_addr(mac, sizeof(mac), tern_dev_mac(app->dev[i]));
	printf("%s: port %u mac %s mtu %u queues %u offloads: %s\n", n, p->port_id, mac,
	       tern_dev_mtu(app->dev[i]), tern_dev_nb_queues(app->dev[i]),
	       tern_dev_caps_str(tern_dev_caps(app->dev[i]), caps, sizeof(caps)));
	printf("%s: port %u device offers: %s\n", n, p->port_id,
	       tern_dev_caps_str(tern_dev_caps_avail(app->dev[i]), caps, sizeof(caps)));
	printf("%s: port %u steering: %s\n", n, p->port_id,
	       tern_dev_steering_str(app->dev[i], caps, sizeof(caps)));
	return 0;
}

/* Default routes, routes, neighbors. @return 0 or 2. */
static int
routes_up(struct tern_app *app)
{
	const struct tern_app_config *c = &app->cfg;
	const char *n = name_of(app);
	unsigned int i;
	int ifi, ret;

	if (c->have_gw4) {
		ifi = ifindex_onlink(app, 4, c->gw4, NULL);
		if (ifi < 0 && c->nb_ports == 1)
			ifi = 0;
		if (ifi < 0 || tern_net_route4_add(app->net, 0, 0, c->gw4, (uint16_t)ifi) != 0) {
			fprintf(stderr, "%s: could not add the default route (--gw in no port's "
				"subnet?)\n", n);
			return 2;
		}
	}
	if (c->have_gw6) {
		ifi = ifindex_onlink(app, 6, 0, &c->gw6);
		if (ifi < 0 && c->nb_ports == 1)
			ifi = 0;
		if (ifi < 0 || tern_net_route6_add(app->net, &(struct tern_ip6){ { 0 } }, 0,
						   &c->gw6, (uint16_t)ifi) != 0) {
			fprintf(stderr, "%s: could not add the IPv6 default route (--gw6 in no "
				"port's subnet?)\n", n);
			return 2;
		}
	}
	for (i = 0; i < c->nb_routes; i++) {
		const struct tern_app_route *r = &c->route[i];

		ifi = r->port >= 0 ? tern_app_ifindex(app, (uint16_t)r->port) :
			ifindex_onlink(app, r->family, r->via4, &r->via6);
		if (ifi < 0) {
			fprintf(stderr, "%s: --route %s: %s\n", n, r->text,
				r->port >= 0 ? "port= names no --port" :
				"via= is in no port's subnet (add port=N)");
			return 2;
		}
		ret = r->family == 4 ?
			tern_net_route4_add(app->net, r->pfx4, r->len, r->have_via ? r->via4 : 0,
					    (uint16_t)ifi) :
			tern_net_route6_add(app->net, &r->pfx6, r->len,
					    r->have_via ? &r->via6 : NULL, (uint16_t)ifi);
		if (ret != 0) {
			fprintf(stderr, "%s: --route %s: %s\n", n, r->text, rte_strerror(-ret));
			return 2;
		}
	}
	for (i = 0; i < c->nb_neigh; i++) {
		const struct tern_app_neigh *nb = &c->neigh[i];

		ifi = nb->port >= 0 ? tern_app_ifindex(app, (uint16_t)nb->port) :
			ifindex_routed(app, nb->family, nb->ip4, &nb->ip6);
		if (ifi < 0 && nb->port < 0 && c->nb_ports == 1)
			ifi = 0;
		if (ifi < 0) {
			fprintf(stderr, "%s: --neigh %s: %s\n", n, nb->text,
				nb->port >= 0 ? "port= names no --port" : "no route to it (add port=N)");
			return 2;
		}
		ret = nb->family == 4 ?
			tern_net_neigh4_set(app->net, (uint16_t)ifi, nb->ip4, &nb->mac) :
			tern_net_neigh6_set(app->net, (uint16_t)ifi, &nb->ip6, &nb->mac);
		if (ret != 0) {
			fprintf(stderr, "%s: --neigh %s: %s\n", n, nb->text, rte_strerror(-ret));
			return 2;
		}
	}
	return 0;
}

/* Everything after the options. @return 0, 1 or 2 (exit status). */
static int
app_up(struct tern_app *app)
{
	const struct tern_app_config *c = &app->cfg;
	const char *n = name_of(app);
	unsigned int nb_wlcores = rte_lcore_count() - 1, i;
	int ret;

	if (c->lcores > 1 && nb_wlcores < c->lcores) {
		fprintf(stderr, "%s: --lcores %u needs %u worker lcores, the EAL has %u (give the "
			"EAL -l 0-%u)\n", n, c->lcores, c->lcores, nb_wlcores, c->lcores);
		return 2;
	}
	app->nb_workers = c->lcores;
	app->main_is_worker = nb_wlcores == 0;
	if (rte_eth_dev_count_avail() == 0) {
		fprintf(stderr, "%s: no ethdev port; add one, e.g. --vdev net_tap0,iface=tern0\n", n);
		return 1;
	}
	app->net = tern_net_create(NULL);
	if (app->net == NULL) {
		fprintf(stderr, "%s: net: %s\n", n, rte_strerror(rte_errno));
		return 1;
	}
	for (i = 0; i < c->nb_ports; i++) {
		ret = port_up(app, i);
		if (ret != 0)
			return ret;
	}
	ret = routes_up(app);
	if (ret != 0)
		return ret;
	if (c->pcap != NULL) {
		app->cap = tern_capture_open(c->pcap, c->snaplen);
		if (app->cap == NULL) {
			fprintf(stderr, "%s: --pcap %s: %s\n", n, c->pcap, rte_strerror(rte_errno));
			return 1;
		}
	}
	if (c->pdump) {
		ret = rte_pdump_init();
		if (ret != 0) {
			fprintf(stderr, "%s: --pdump: rte_pdump_init: %s\n", n,
				rte_strerror(rte_errno));
			return 1;
		}
		app->pdump_on = true;
	}
	fflush(stdout);
	return 0;
}

/* rte_eal_init() with @eal (argv[0] first), then tern's @targ. @return status. */
static int
app_bringup(struct tern_app *app, int neal, char **eal, int ntarg, char **targ)
{
	const char *n = name_of(app);
	int ret;

	ret = rte_eal_init(neal, eal);
	if (ret < 0) {
		if (rte_errno != EALREADY) {
			fprintf(stderr, "%s: EAL init failed: %s (try --help after --)\n", n,
				rte_strerror(rte_errno));
			return 2;
		}
	} else {
		app->eal_owned = true;
		if (ret < neal - 1) {
			fprintf(stderr, "%s: unexpected EAL argument '%s' (tern's options go after "
				"--)\n", n, eal[ret + 1]);
			return 2;
		}
	}
	if (targ != NULL && app_parse_argv(app, ntarg, targ) != 0)
		return 2;
	if (app_finish(app) != 0)
		return 2;
	return app_up(app);
}

static bool
is_help(const char *a)
{
	return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

struct tern_app *
tern_app_init(int argc, char **argv, const struct tern_app_param *param, int *status)
{
	char *eal[APP_MAX_EAL_ARGS], **targ;
	int neal = 0, ntarg, dd, i, st;
	bool ours = false;
	struct tern_app *app;
	const char *path;

	app = app_new(param);
	targ = calloc((size_t)argc + 1, sizeof(*targ));
	if (app == NULL || targ == NULL) {
		fprintf(stderr, "%s: out of memory\n", param != NULL ? param->name : "tern");
		free(targ);
		app_free(app);
		*status = 1;
		return NULL;
	}
	for (dd = 1; dd < argc && strcmp(argv[dd], "--") != 0; dd++)
		;
	if (dd == argc) {
		/* no "--": tern's arguments if --config or --help is among them */
		for (i = 1; i < argc && !ours; i++)
			ours = is_help(argv[i]) || strcmp(argv[i], "--config") == 0 ||
				strncmp(argv[i], "--config=", 9) == 0;
		dd = ours ? 0 : argc;
	}
	targ[0] = (char *)(uintptr_t)name_of(app);
	ntarg = 1;
	/* a --config among the EAL's arguments is tern's all the same */
	for (i = 1; i < dd && i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < dd) {
			targ[ntarg++] = argv[i++];
			targ[ntarg++] = argv[i];
		} else if (strncmp(argv[i], "--config=", 9) == 0) {
			targ[ntarg++] = argv[i];
		}
	}
	for (i = dd + 1; i < argc; i++)
		targ[ntarg++] = argv[i];
	st = 2;
	for (i = 1; i < ntarg; i++)
		if (is_help(targ[i])) {
			tern_app_usage(&app->param, stdout);
			st = 0;
			goto fail;
		}
	path = app_find_config(ntarg, targ);
	if (path != NULL && app_parse_file(app, path) != 0)
		goto fail;
	eal[neal++] = targ[0];
	if (app_file_eal_args(app, eal, &neal, APP_MAX_EAL_ARGS - 1) != 0)
		goto fail;
	for (i = 1; i < (dd == 0 ? 1 : dd) && i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < dd) {
			i++;
			continue;
		}
		if (strncmp(argv[i], "--config=", 9) == 0)
			continue;
		if (neal == APP_MAX_EAL_ARGS - 1) {
			fprintf(stderr, "%s: too many EAL arguments\n", name_of(app));
			goto fail;
		}
		eal[neal++] = argv[i];
	}
	eal[neal] = NULL;
	st = app_bringup(app, neal, eal, ntarg, targ);
	if (st != 0)
		goto fail;
	free(targ);
	return app;
fail:
	free(targ);
	tern_app_fini(app);
	*status = st;
	return NULL;
}

struct tern_app *
tern_app_init_config(const char *path, const struct tern_app_param *param, int *status)
{
	char *eal[APP_MAX_EAL_ARGS];
	struct tern_app *app;
	int neal = 0, st = 2;

	app = app_new(param);
	if (app == NULL) {
		*status = 1;
		return NULL;
	}
	eal[neal++] = (char *)(uintptr_t)name_of(app);
	if (path == NULL || app_parse_file(app, path) != 0 ||
	    app_file_eal_args(app, eal, &neal, APP_MAX_EAL_ARGS - 1) != 0)
		goto fail;
	eal[neal] = NULL;
	st = app_bringup(app, neal, eal, 0, NULL);
	if (st != 0)
		goto fail;
	return app;
fail:
	if (path == NULL)
		fprintf(stderr, "%s: no configuration file\n", name_of(app));
	tern_app_fini(app);
	*status = st;
	return NULL;
}

struct tern_app_config *
tern_app_config(struct tern_app *app)
{
	return &app->cfg;
}

const char *
tern_app_config_get(const struct tern_app *app, const char *section, const char *name)
{
	if (app->file == NULL)
		return NULL;
	return rte_cfgfile_get_entry(app->file, section, name);
}

struct tern_net *
tern_app_net(const struct tern_app *app)
{
	return app->net;
}

struct tern_dev *
tern_app_dev(const struct tern_app *app, unsigned int i)
{
	return i < app->cfg.nb_ports ? app->dev[i] : NULL;
}

struct tern_capture *
tern_app_capture(const struct tern_app *app)
{
	return app->cap;
}

unsigned int
tern_app_nb_workers(const struct tern_app *app)
{
	return app->nb_workers;
}

bool
tern_app_main_is_worker(const struct tern_app *app)
{
	return app->main_is_worker;
}

/* ---- the run ---- */

static int
wstate(const struct tern_app_worker *w)
{
	return __atomic_load_n(&w->state, __ATOMIC_ACQUIRE);
}

static void
wstate_set(struct tern_app_worker *w, int st)
{
	__atomic_store_n(&w->state, st, __ATOMIC_RELEASE);
}

static bool
stopped(const struct tern_app *app)
{
	return __atomic_load_n(&app->stop, __ATOMIC_ACQUIRE) != 0;
}

/*
 * Main lcore: end the run if asked, else the application's control round.
 * The stop is set only here (and before go): what a control round reads of
 * the contexts exists.
 */
static void
control_round(struct tern_app *app)
{
	if (got_signal != 0 || __atomic_load_n(&app->stop_req, __ATOMIC_ACQUIRE) != 0 ||
	    rte_rdtsc() >= app->end_tsc) {
		__atomic_store_n(&app->stop, 1, __ATOMIC_RELEASE);
		return;
	}
	if (app->ops->control != NULL)
		app->ops->control(app, app->ops->arg);
	if (__atomic_load_n(&app->stop_req, __ATOMIC_ACQUIRE) != 0)
		__atomic_store_n(&app->stop, 1, __ATOMIC_RELEASE);
}

void
tern_app_stop(struct tern_app *app)
{
	__atomic_store_n(&app->stop_req, 1, __ATOMIC_RELEASE);
}

bool
tern_app_running(struct tern_app_worker *w)
{
	struct tern_app *app = w->app;

	if (__atomic_load_n(&app->stop, __ATOMIC_RELAXED) != 0)
		return false;
	if (w->on_main) {
		uint64_t now = rte_rdtsc();

		if (now >= w->next_ctl) {
			control_round(app);
			w->next_ctl = now + rte_get_tsc_hz() / 1000;
			return !stopped(app);
		}
	}
	return true;
}

/* Context, capture, ops->init. @return 0 or -1 (w->err says why). */
static int
worker_init(struct tern_app_worker *w)
{
	struct tern_app *app = w->app;
	struct tern_ctx_param cp = { 0 };

	cp.net = app->net;
	cp.queue_id = (uint16_t)w->idx;
	w->ctx = tern_ctx_create(&cp);
	if (w->ctx == NULL) {
		tern_app_worker_error(w, "context on queue %u: %s", w->idx, rte_strerror(rte_errno));
		return -1;
	}
	if (app->cap != NULL)
		tern_ctx_set_capture(w->ctx, app->cap);
	if (app->ops->init != NULL && app->ops->init(w, app->ops->arg) != 0) {
		if (w->err[0] == '\0')
			tern_app_worker_error(w, "set-up failed");
		return -1;
	}
	return 0;
}

/* ops->main (unless stopped before go), ops->fini, the context's end. */
static void
worker_body(struct tern_app_worker *w, bool run)
{
	struct tern_app *app = w->app;

	if (run) {
		if (w->idx == 0)
			tern_ctx_announce(w->ctx);
		w->rc = app->ops->main(w, app->ops->arg);
	}
	if (w->ctx != NULL) {
		if (app->ops->fini != NULL)
			app->ops->fini(w, app->ops->arg);
		tern_ctx_flush(w->ctx);
		tern_ctx_stats(w->ctx, &w->final);
		w->have_final = true;
		tern_ctx_destroy(w->ctx);
		w->ctx = NULL;
	}
}

static int
worker_launch(void *arg)
{
	struct tern_app_worker *w = arg;
	struct tern_app *app = w->app;

	if (worker_init(w) != 0) {
		wstate_set(w, W_FAILED);
		worker_body(w, false);
		return -1;
	}
	wstate_set(w, W_READY);
	while (!__atomic_load_n(&app->go, __ATOMIC_ACQUIRE) && !stopped(app))
		rte_pause();
	worker_body(w, !stopped(app));
	wstate_set(w, W_DONE);
	return 0;
}

/* Wait until every worker is ready. @return 0, or -1 (one failed, or a signal). */
static int
wait_ready(struct tern_app *app)
{
	unsigned int i, nready;

	for (;;) {
		nready = 0;
		for (i = 0; i < app->nb_workers; i++) {
			int st = wstate(&app->w[i]);

			if (st == W_FAILED)
				return -1;
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
tern_app_run(struct tern_app *app, const struct tern_app_worker_ops *ops)
{
	const char *n = name_of(app);
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	unsigned int i, lcore;
	int rc = 0;

	if (ops == NULL || ops->main == NULL || app->w != NULL) {
		fprintf(stderr, "%s: tern_app_run: no main, or run twice\n", n);
		return 1;
	}
	app->ops = ops;
	app->w = rte_zmalloc("tern_app_workers", sizeof(*app->w) * app->nb_workers,
			     RTE_CACHE_LINE_SIZE);
	if (app->w == NULL) {
		fprintf(stderr, "%s: out of memory\n", n);
		return 1;
	}
	for (i = 0; i < app->nb_workers; i++) {
		app->w[i].app = app;
		app->w[i].idx = i;
	}
	got_signal = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	app->end_tsc = UINT64_MAX;
	if (app->main_is_worker) {
		struct tern_app_worker *w = &app->w[0];

		w->lcore = rte_lcore_id();
		w->on_main = true;
		if (worker_init(w) != 0)
			wstate_set(w, W_FAILED);
		else
			wstate_set(w, W_READY);
	} else {
		i = 0;
		RTE_LCORE_FOREACH_WORKER(lcore) {
			if (i == app->nb_workers)
				break;
			app->w[i].lcore = lcore;
			if (rte_eal_remote_launch(worker_launch, &app->w[i], lcore) != 0) {
				tern_app_worker_error(&app->w[i], "could not launch it");
				wstate_set(&app->w[i], W_FAILED);
				break;
			}
			i++;
		}
	}
	if (wait_ready(app) != 0) {
		rc = 1;
		__atomic_store_n(&app->stop, 1, __ATOMIC_RELEASE);
		goto join;
	}
	if (ops->ready != NULL)
		ops->ready(app, ops->arg);
	if (app->cfg.duration > 0)
		app->end_tsc = rte_rdtsc() + (uint64_t)(app->cfg.duration *
							(double)rte_get_tsc_hz());
	__atomic_store_n(&app->go, 1, __ATOMIC_RELEASE);
	if (app->main_is_worker) {
		app->w[0].next_ctl = 0;
		worker_body(&app->w[0], true);
		wstate_set(&app->w[0], W_DONE);
	} else {
		while (!stopped(app)) {
			control_round(app);
			usleep(1000);
		}
	}
join:
	if (app->main_is_worker)
		worker_body(&app->w[0], false);
	else
		rte_eal_mp_wait_lcore();
	for (i = 0; i < app->nb_workers; i++) {
		const struct tern_app_worker *w = &app->w[i];

		if (wstate(w) == W_FAILED || w->rc != 0) {
			if (w->err[0] != '\0')
				fprintf(stderr, "%s: worker %u (lcore %u): %s\n", n, i, w->lcore,
					w->err);
			rc = 1;
		}
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return rc;
}

struct tern_ctx *
tern_app_worker_ctx(const struct tern_app_worker *w)
{
	return w->ctx;
}

unsigned int
tern_app_worker_index(const struct tern_app_worker *w)
{
	return w->idx;
}

unsigned int
tern_app_worker_lcore(const struct tern_app_worker *w)
{
	return w->lcore;
}

struct tern_app *
tern_app_worker_app(const struct tern_app_worker *w)
{
	return w->app;
}

struct tern_app_worker *
tern_app_worker(const struct tern_app *app, unsigned int i)
{
	return app->w != NULL && i < app->nb_workers ? &app->w[i] : NULL;
}

void
tern_app_worker_error(struct tern_app_worker *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->err, sizeof(w->err), fmt, ap);
	va_end(ap);
}

int
tern_app_worker_stats(const struct tern_app *app, unsigned int i, struct tern_stats *st)
{
	const struct tern_app_worker *w;

	if (app->w == NULL || i >= app->nb_workers)
		return -EINVAL;
	w = &app->w[i];
	if (w->have_final) {
		*st = w->final;
		return 0;
	}
	if (w->ctx == NULL)
		return -ENOENT;
	tern_ctx_stats(w->ctx, st);
	return 0;
}

void
tern_app_stats_sum(const struct tern_app *app, struct tern_stats *sum)
{
	struct tern_stats st;
	unsigned int i, k;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < app->nb_workers; i++) {
		if (tern_app_worker_stats(app, i, &st) != 0)
			continue;
		for (k = 0; k < TERN_STATS_COUNT; k++)
			((uint64_t *)sum)[k] += tern_stats_value(&st, k);
	}
}

void
tern_app_print_port_stats(const struct tern_app *app, FILE *f)
{
	struct tern_dev_port_stats ps;
	unsigned int i;

	for (i = 0; i < app->cfg.nb_ports; i++) {
		if (app->dev[i] == NULL || tern_dev_port_stats(app->dev[i], &ps) != 0)
			continue;
		fprintf(f, "%s: port %u:", name_of(app), app->cfg.port[i].port_id);
#define PORT_FIELD(fld, d)	fprintf(f, " " #fld "=%" PRIu64, ps.fld);
		TERN_DEV_PORT_STATS(PORT_FIELD)
#undef PORT_FIELD
		fprintf(f, "\n");
	}
	fflush(f);
}

void
tern_app_fini(struct tern_app *app)
{
	unsigned int i;

	if (app == NULL)
		return;
	if (app->cap != NULL) {
		uint64_t pkts, lost;

		/* the contexts are gone: what they held is written */
		tern_capture_stats(app->cap, &pkts, &lost);
		printf("%s: capture: %" PRIu64 " frames to %s, %" PRIu64 " lost\n", name_of(app),
		       pkts, app->cfg.pcap, lost);
		tern_capture_close(app->cap);
		app->cap = NULL;
	}
	if (app->cfg.port_stats)
		tern_app_print_port_stats(app, stdout);
	fflush(stdout);
	if (app->pdump_on)
		rte_pdump_uninit();
	tern_net_destroy(app->net);
	for (i = 0; i < TERN_MAX_PORTS; i++)
		tern_dev_destroy(app->dev[i]);
	rte_free(app->w);
	app->w = NULL;
	if (app->eal_owned)
		rte_eal_cleanup();
	app_free(app);
}
