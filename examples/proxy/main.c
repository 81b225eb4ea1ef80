/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * tern-proxy: a transparent TCP proxy that is a router for everything it
 * does not intercept. The network comes up as tern-l3fwd's (same options,
 * examples/l3fwd/net.c); each context (one per worker lcore, a queue of
 * every port each) has transparent listeners for the --intercept rules and
 * a relay (relay.c) that splits each intercepted connection in two legs.
 * docs/proxy.md has the design.
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
#include <rte_launch.h>
#include <rte_lcore.h>

#include "l3fwd.h"
#include "relay.h"

#define PROXY_NAME		"tern-proxy"
#define PROXY_MAX_RULES		32
#define PROXY_MAX_WORKERS	64

struct proxy_opts {
	unsigned int nb_rules;
	struct tern_tcp_tproxy_rule rule[PROXY_MAX_RULES];
	bool source_proxy;
	bool accept_first;
	unsigned long max_conns;	/* per context */
	double idle;			/* seconds */
	unsigned long buf;		/* bytes of each leg's buffers; 0: tern's */
};

enum { W_INIT, W_READY, W_FAILED, W_DONE };

struct proxy_worker {
	struct tern_ctx *ctx;
	struct relay *relay;
	struct tern_tcp_stream *l[PROXY_MAX_RULES];
	unsigned int lcore;
	uint16_t queue;
	int state;
	char err[160];
} __rte_cache_aligned;

static struct {
	struct l3fwd_opts o;
	struct proxy_opts po;
	struct tern_net *net;
	struct tern_dev *dev[TERN_MAX_PORTS];
	unsigned int nb_workers;
	bool main_is_worker;
	struct proxy_worker w[PROXY_MAX_WORKERS];
	uint64_t hz, start_tsc, end_tsc, next_stats_tsc, last_stats_tsc;
	struct relay_stats last;
	uint64_t last_fwd;
} app;

static volatile int stop;
static volatile int go;
static volatile sig_atomic_t got_signal;

static void
on_signal(int sig)
{
	got_signal = sig;
}

static void
usage(FILE *f)
{
	fprintf(f,
"Usage: %s [EAL options] -- --port P,addr=A.B.C.D/LEN[,addr6=ADDR/LEN] ...\n"
"                   --intercept tcp:PORTS[@PREFIX] ... [--source client|proxy]\n"
"                   [--handshake connect-first|accept-first] [tern-l3fwd options]\n"
"\n"
"A transparent TCP proxy on tern. Routes like tern-l3fwd; TCP connections\n"
"through it that match an --intercept rule are split in two: the proxy\n"
"answers the client for the server's address, connects to the server (from\n"
"the client's address by default) and relays the data, acknowledging each\n"
"side's data itself and recovering each leg's loss on that leg. Everything\n"
"else is routed unchanged. Runs until SIGINT/SIGTERM or --duration, then\n"
"prints the counters. Design: docs/proxy.md.\n"
"\n"
"Options:\n", PROXY_NAME);
	l3fwd_usage_options(f);
	fprintf(f,
"  --intercept tcp:PORTS[@PREFIX]\n"
"                        take TCP connections to ports PORTS (N or N-M) of\n"
"                        addresses in PREFIX (A.B.C.D/LEN or ADDR6/LEN; none:\n"
"                        any address, IPv4 and IPv6). Repeat for more rules;\n"
"                        the longest matching prefix wins\n"
"  --source client|proxy the server sees the client's address and port\n"
"                        (client, the default), or the proxy's address (proxy)\n"
"  --handshake connect-first|accept-first\n"
"                        connect-first (default): the client gets its SYN-ACK\n"
"                        only once the server accepted; a refused or silent\n"
"                        server is a reset to the client. accept-first: the\n"
"                        client is answered at once, reset if the server fails\n"
"  --max-conns N         proxied connections per context (default 1024); more\n"
"                        are reset and counted (limit)\n"
"  --idle-timeout S      reset a proxied connection idle S seconds (default\n"
"                        300; 0: never)\n"
"  --buf BYTES           send and receive buffer of each leg (default: tern's,\n"
"                        1 MB); bounds the memory of a connection\n"
"  --help                this text\n"
"\n"
"Exit status: 0 after a clean run, 1 on a run-time failure, 2 on bad\n"
"arguments.\n");
}

static int
bad(const char *what, const char *arg)
{
	fprintf(stderr, "%s: %s: \"%s\" (see --help)\n", PROXY_NAME, what, arg);
	return -1;
}

static int
parse_ulong(const char *s, unsigned long lo, unsigned long hi, unsigned long *v)
{
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	*v = strtoul(s, &end, 10);
	return *end != '\0' || *v < lo || *v > hi ? -1 : 0;
}

/* tcp:PORTS[@PREFIX] */
static int
parse_intercept(struct proxy_opts *po, const char *arg)
{
	char buf[128], *at, *dash;
	unsigned long lo, hi;
	struct tern_tcp_tproxy_rule r;
	unsigned int fam;

	if (strncmp(arg, "tcp:", 4) != 0 || strlen(arg) >= sizeof(buf))
		return bad("--intercept: expected tcp:PORTS[@PREFIX]", arg);
	strcpy(buf, arg + 4);
	at = strchr(buf, '@');
	if (at != NULL)
		*at++ = '\0';
	dash = strchr(buf, '-');
	if (dash != NULL)
		*dash++ = '\0';
	if (parse_ulong(buf, 1, 65535, &lo) != 0 ||
	    (dash != NULL ? parse_ulong(dash, lo, 65535, &hi) : (hi = lo, 0)) != 0)
		return bad("--intercept: ports are N or N-M, 1..65535", arg);
	memset(&r, 0, sizeof(r));
	r.port_lo = (uint16_t)lo;
	r.port_hi = (uint16_t)hi;
	if (at != NULL) {
		if (strchr(at, '/') == NULL)
			return bad("--intercept: the prefix needs /LEN", arg);
		if (tern_ip4_parse(at, &r.prefix.ip4, &r.prefix_len) == 0)
			r.prefix.family = 4;
		else if (tern_ip6_parse(at, &r.prefix.ip6, &r.prefix_len) == 0)
			r.prefix.family = 6;
		else
			return bad("--intercept: bad prefix", arg);
	}
	for (fam = 4; fam <= 6; fam += 2) {
		if (at != NULL && r.prefix.family != fam)
			continue;
		if (po->nb_rules == PROXY_MAX_RULES)
			return bad("--intercept: too many rules", arg);
		po->rule[po->nb_rules] = r;
		po->rule[po->nb_rules].prefix.family = (uint8_t)fam;
		po->nb_rules++;
	}
	return 0;
}

static const struct option proxy_lo[] = {
	{ "intercept", required_argument, NULL, 0 },
	{ "source", required_argument, NULL, 0 },
	{ "handshake", required_argument, NULL, 0 },
	{ "max-conns", required_argument, NULL, 0 },
	{ "idle-timeout", required_argument, NULL, 0 },
	{ "buf", required_argument, NULL, 0 },
	{ NULL, 0, NULL, 0 },
};

static int
parse_opt(void *arg, int idx, const char *optarg)
{
	struct proxy_opts *po = arg;
	unsigned long v;
	char *end;

	switch (idx) {
	case 0:
		return parse_intercept(po, optarg);
	case 1:
		if (strcmp(optarg, "client") == 0)
			po->source_proxy = false;
		else if (strcmp(optarg, "proxy") == 0)
			po->source_proxy = true;
		else
			return bad("--source: client or proxy", optarg);
		return 0;
	case 2:
		if (strcmp(optarg, "connect-first") == 0)
			po->accept_first = false;
		else if (strcmp(optarg, "accept-first") == 0)
			po->accept_first = true;
		else
			return bad("--handshake: connect-first or accept-first", optarg);
		return 0;
	case 3:
		if (parse_ulong(optarg, 1, 1u << 20, &v) != 0)
			return bad("--max-conns: 1..1048576", optarg);
		po->max_conns = v;
		return 0;
	case 4:
		po->idle = strtod(optarg, &end);
		if (*optarg == '\0' || *end != '\0' || po->idle < 0 || po->idle > 1e7)
			return bad("--idle-timeout: seconds >= 0", optarg);
		return 0;
	case 5:
		if (parse_ulong(optarg, 4096, 1u << 30, &v) != 0)
			return bad("--buf: 4096..1073741824 bytes", optarg);
		po->buf = v;
		return 0;
	default:
		return -1;
	}
}

static int
state_get(const struct proxy_worker *w)
{
	return __atomic_load_n(&w->state, __ATOMIC_ACQUIRE);
}

static void
state_set(struct proxy_worker *w, int st)
{
	__atomic_store_n(&w->state, st, __ATOMIC_RELEASE);
}

static int
worker_setup(struct proxy_worker *w)
{
	const struct proxy_opts *po = &app.po;
	struct tern_ctx_param cp = { 0 };
	struct relay_cfg rc = { 0 };
	unsigned int i;

	cp.net = app.net;
	cp.queue_id = w->queue;
	w->ctx = tern_ctx_create(&cp);
	if (w->ctx == NULL) {
		snprintf(w->err, sizeof(w->err), "context on queue %u: %s", w->queue,
			 rte_strerror(rte_errno));
		return -1;
	}
	rc.ctx = w->ctx;
	rc.connect_first = !po->accept_first;
	rc.source_proxy = po->source_proxy;
	rc.sndbuf = rc.rcvbuf = (uint32_t)po->buf;
	rc.max_pairs = (uint32_t)po->max_conns;
	rc.idle_ns = (uint64_t)(po->idle * 1e9);
	w->relay = relay_create(&rc);
	if (w->relay == NULL) {
		snprintf(w->err, sizeof(w->err), "relay: no memory");
		return -1;
	}
	for (i = 0; i < po->nb_rules; i++) {
		w->l[i] = relay_listen(w->relay, &po->rule[i]);
		if (w->l[i] == NULL) {
			snprintf(w->err, sizeof(w->err), "--intercept rule %u: %s", i + 1,
				 rte_strerror(rte_errno));
			return -1;
		}
	}
	return 0;
}

static int
worker_main(void *arg)
{
	struct proxy_worker *w = arg;

	if (worker_setup(w) != 0) {
		state_set(w, W_FAILED);
		return -1;
	}
	state_set(w, W_READY);
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE) && !__atomic_load_n(&stop, __ATOMIC_ACQUIRE))
		rte_pause();
	if (w->queue == 0)
		tern_ctx_announce(w->ctx);
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		tern_ctx_poll(w->ctx);
		relay_step(w->relay);
	}
	tern_ctx_flush(w->ctx);
	state_set(w, W_DONE);
	return 0;
}

/* Every relay's and context's counters added up (a moment's view while they run). */
static void
sum(struct relay_stats *rs, struct tern_stats *ts, uint64_t *active)
{
	struct tern_stats st;
	unsigned int i, k;

	memset(rs, 0, sizeof(*rs));
	memset(ts, 0, sizeof(*ts));
	*active = 0;
	for (i = 0; i < app.nb_workers; i++) {
		const struct relay *r = app.w[i].relay;

		if (app.w[i].ctx == NULL || r == NULL)
			continue;
		for (k = 0; k < sizeof(*rs) / sizeof(uint64_t); k++)
			((uint64_t *)rs)[k] += ((const uint64_t *)&r->st)[k];
		*active += r->nb_active;
		tern_ctx_stats(app.w[i].ctx, &st);
		for (k = 0; k < TERN_STATS_COUNT; k++)
			((uint64_t *)ts)[k] += tern_stats_value(&st, k);
	}
}

static void
print_interval(uint64_t now)
{
	double dt = (double)(now - app.last_stats_tsc) / (double)app.hz;
	struct relay_stats rs;
	struct tern_stats ts;
	uint64_t active, fwd;

	if (dt <= 0)
		return;
	sum(&rs, &ts, &active);
	fwd = ts.fwd4_pkts + ts.fwd6_pkts;
	printf("%s: %.1fs proxied %" PRIu64 " open, %.0f conn/s, up %.1f Mbit/s, down %.1f "
	       "Mbit/s, refused %" PRIu64 ", limit %" PRIu64 " | fwd %.0f pps\n", PROXY_NAME,
	       (double)(now - app.start_tsc) / (double)app.hz, active,
	       (double)(rs.accepted - app.last.accepted) / dt,
	       (double)(rs.bytes_up - app.last.bytes_up) * 8 / dt / 1e6,
	       (double)(rs.bytes_down - app.last.bytes_down) * 8 / dt / 1e6, rs.refused,
	       rs.limit, (double)(fwd - app.last_fwd) / dt);
	fflush(stdout);
	app.last = rs;
	app.last_fwd = fwd;
	app.last_stats_tsc = now;
}

static bool
control(void)
{
	uint64_t now = rte_rdtsc();

	if (got_signal != 0 || now >= app.end_tsc)
		return true;
	if (now >= app.next_stats_tsc) {
		print_interval(now);
		app.next_stats_tsc = now + (uint64_t)(app.o.stats_interval * (double)app.hz);
	}
	return false;
}

static void
print_final(void)
{
	double secs = (double)(rte_rdtsc() - app.start_tsc) / (double)app.hz;
	struct relay_stats rs;
	struct tern_stats ts;
	uint64_t active;
	unsigned int k;

	sum(&rs, &ts, &active);
	printf("%s: %.3f s, proxied %" PRIu64 " connections (%" PRIu64 " server legs up, %"
	       PRIu64 " finished, %" PRIu64 " refused, %" PRIu64 " resets carried, %" PRIu64
	       " over the limit, %" PRIu64 " idle), %" PRIu64 " bytes up, %" PRIu64
	       " down, most held by one %" PRIu64 " bytes; forwarded %" PRIu64 " IPv4 and %"
	       PRIu64 " IPv6 packets\n", PROXY_NAME, secs, rs.accepted, rs.connected,
	       rs.finished, rs.refused, rs.resets, rs.limit, rs.idle, rs.bytes_up, rs.bytes_down,
	       rs.max_held, ts.fwd4_pkts, ts.fwd6_pkts);
	for (k = 0; k < app.nb_workers; k++)
		if (app.w[k].relay != NULL)
			printf("%s: context %u (lcore %u, queue %u): proxied %" PRIu64 " connections, %"
			       PRIu64 " from another port of the client's address\n", PROXY_NAME, k,
			       app.w[k].lcore, app.w[k].queue, app.w[k].relay->st.accepted,
			       app.w[k].relay->st.port_fallback);
	printf("%s: counters (final, non-zero):\n", PROXY_NAME);
	for (k = 0; k < TERN_STATS_COUNT; k++)
		if (tern_stats_value(&ts, k) != 0)
			printf("  %-24s %" PRIu64 "\n", tern_stats_name(k),
			       tern_stats_value(&ts, k));
	fflush(stdout);
}

static int
start_workers(void)
{
	unsigned int i, lcore, nready;

	for (i = 0; i < app.nb_workers; i++)
		app.w[i].queue = (uint16_t)i;
	if (app.main_is_worker) {
		app.w[0].lcore = rte_lcore_id();
		if (worker_setup(&app.w[0]) != 0) {
			fprintf(stderr, "%s: %s\n", PROXY_NAME, app.w[0].err);
			return -1;
		}
		return 0;
	}
	i = 0;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (i == app.nb_workers)
			break;
		app.w[i].lcore = lcore;
		if (rte_eal_remote_launch(worker_main, &app.w[i], lcore) != 0) {
			fprintf(stderr, "%s: could not launch a worker on lcore %u\n", PROXY_NAME,
				lcore);
			return -1;
		}
		i++;
	}
	for (;;) {
		nready = 0;
		for (i = 0; i < app.nb_workers; i++) {
			int st = state_get(&app.w[i]);

			if (st == W_FAILED) {
				fprintf(stderr, "%s: worker %u (lcore %u): %s\n", PROXY_NAME, i,
					app.w[i].lcore, app.w[i].err);
				return -1;
			}
			nready += st == W_READY;
		}
		if (nready == app.nb_workers)
			return 0;
		if (got_signal != 0)
			return -1;
		usleep(1000);
	}
}

int
main(int argc, char **argv)
{
	const struct l3fwd_ext ext = {
		.prog = PROXY_NAME,
		.opts = proxy_lo,
		.parse = parse_opt,
		.usage = usage,
		.arg = &app.po,
	};
	struct l3fwd_opts *o = &app.o;
	unsigned int nb_wlcores, i, n;
	int ret, rc = 1;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "%s: EAL init failed: %s (try --help after --)\n", PROXY_NAME,
			rte_strerror(rte_errno));
		return 2;
	}
	argc -= ret;
	argv += ret;
	argv[0] = (char *)PROXY_NAME;
	app.po.max_conns = 1024;
	app.po.idle = 300;
	if (l3fwd_parse_args_ext(argc, argv, o, &ext) != 0) {
		rte_eal_cleanup();
		return 2;
	}
	if (app.po.nb_rules == 0) {
		fprintf(stderr, "%s: at least one --intercept is needed (tern-l3fwd routes "
			"without one; see --help)\n", PROXY_NAME);
		rte_eal_cleanup();
		return 2;
	}
	nb_wlcores = rte_lcore_count() - 1;
	if ((o->lcores > 1 && nb_wlcores < o->lcores) || o->lcores > PROXY_MAX_WORKERS) {
		fprintf(stderr, "%s: --lcores %u needs %u worker lcores, the EAL has %u\n",
			PROXY_NAME, o->lcores, o->lcores, nb_wlcores);
		rte_eal_cleanup();
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	app.hz = rte_get_tsc_hz();
	app.nb_workers = o->lcores;
	app.main_is_worker = nb_wlcores == 0;
	ret = l3fwd_setup_net(o, PROXY_NAME, (uint16_t)app.nb_workers, &app.net, app.dev);
	if (ret != 0) {
		rc = ret;
		goto out;
	}
	if (start_workers() != 0) {
		__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
		goto join;
	}
	printf("%s: %u context(s), %u rule(s), source %s, %s; TSC %" PRIu64 " Hz\n%s: ready\n",
	       PROXY_NAME, app.nb_workers, app.po.nb_rules,
	       app.po.source_proxy ? "proxy" : "client",
	       app.po.accept_first ? "accept-first" : "connect-first", app.hz, PROXY_NAME);
	fflush(stdout);
	app.start_tsc = rte_rdtsc();
	app.last_stats_tsc = app.start_tsc;
	app.end_tsc = o->duration > 0 ?
		app.start_tsc + (uint64_t)(o->duration * (double)app.hz) : UINT64_MAX;
	app.next_stats_tsc = o->stats_interval > 0 ?
		app.start_tsc + (uint64_t)(o->stats_interval * (double)app.hz) : UINT64_MAX;
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	if (app.main_is_worker) {
		tern_ctx_announce(app.w[0].ctx);
		for (n = 0; ; n++) {
			tern_ctx_poll(app.w[0].ctx);
			relay_step(app.w[0].relay);
			if ((n & 1023) == 0 && control())
				break;
		}
		tern_ctx_flush(app.w[0].ctx);
	} else {
		while (!control())
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
		print_final();
	for (i = 0; i < app.nb_workers; i++) {
		relay_destroy(app.w[i].relay);
		if (app.w[i].ctx != NULL)
			tern_ctx_flush(app.w[i].ctx);	/* the resets */
		tern_ctx_destroy(app.w[i].ctx);
	}
out:
	tern_net_destroy(app.net);
	for (i = 0; i < o->nb_ports; i++)
		tern_dev_destroy(app.dev[i]);
	rte_eal_cleanup();
	return rc;
}
