/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * tern-proxy: a transparent TCP proxy that is a router for everything it
 * does not intercept. The common bring-up (tern_app.h) brings the ports,
 * addresses, routes and neighbors up and runs one context per worker
 * lcore; tern-l3fwd's own options come from examples/l3fwd/opts.c. Each
 * context has transparent listeners for the --intercept rules and a relay
 * (relay.c) that splits each intercepted connection in two legs.
 * docs/proxy.md has the design.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>

#include "l3fwd.h"
#include "relay.h"

#define PROXY_NAME		"tern-proxy"
#define PROXY_MAX_RULES		32
#define PROXY_MAX_WORKERS	64

enum {
	O_INTERCEPT = L3FWD_OPT_LAST + 1, O_SOURCE, O_HANDSHAKE, O_MAX_CONNS, O_IDLE, O_BUF,
};

static const struct tern_app_opt proxy_own_opts[] = {
	{ "intercept", "tcp:PORTS[@PREFIX]",
	  "take TCP connections to ports PORTS (N or N-M) of\n"
	  "addresses in PREFIX (A.B.C.D/LEN or ADDR6/LEN; none:\n"
	  "any address, IPv4 and IPv6). Repeat for more rules;\n"
	  "the longest matching prefix wins", "tcp:N[-M][@PREFIX/LEN]", O_INTERCEPT },
	{ "source", "client|proxy",
	  "the server sees the client's address and port\n"
	  "(client, the default), or the proxy's address (proxy)", "client or proxy",
	  O_SOURCE },
	{ "handshake", "connect-first|accept-first",
	  "connect-first (default): the client gets its SYN-ACK\n"
	  "only once the server accepted; a refused or silent\n"
	  "server is a reset to the client. accept-first: the\n"
	  "client is answered at once, reset if the server fails",
	  "connect-first or accept-first", O_HANDSHAKE },
	{ "max-conns", "N", "proxied connections per context (default 1024); more\n"
	  "are reset and counted (limit)", "1..1048576", O_MAX_CONNS },
	{ "idle-timeout", "S", "reset a proxied connection idle S seconds (default\n"
	  "300; 0: never)", "seconds >= 0", O_IDLE },
	{ "buf", "BYTES", "send and receive buffer of each leg (default: tern's,\n"
	  "1 MB); bounds the memory of a connection", "4096..1073741824", O_BUF },
};

struct proxy_worker {
	struct relay *relay;
	struct relay_stats st;		/* at the end of the run */
	uint32_t nb_active;
};

static struct {
	struct l3fwd_opts l3o;
	unsigned int nb_rules;
	struct tern_tcp_tproxy_rule rule[PROXY_MAX_RULES];
	bool source_proxy;
	bool accept_first;
	unsigned long max_conns;
	double idle;
	unsigned long buf;
	struct tern_app *app;
	struct proxy_worker w[PROXY_MAX_WORKERS];
	uint64_t hz, start_tsc, next_stats_tsc, last_stats_tsc;
	struct relay_stats last;
	uint64_t last_fwd;
} px;

/* l3fwd's options, ours, the end */
static struct tern_app_opt opts[L3FWD_OPT_LAST + 1 + RTE_DIM(proxy_own_opts) + 1];

static int
parse_ulong(const char *s, unsigned long lo, unsigned long hi, unsigned long *v)
{
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno != 0 || *end != '\0' || *v < lo || *v > hi ? -1 : 0;
}

/* tcp:PORTS[@PREFIX] */
static int
parse_intercept(const char *arg)
{
	char buf[128], *at, *dash;
	unsigned long lo, hi;
	struct tern_tcp_tproxy_rule r;
	unsigned int fam;

	if (strncmp(arg, "tcp:", 4) != 0 || strlen(arg) >= sizeof(buf))
		return TERN_APP_OPT_BAD;
	strcpy(buf, arg + 4);
	at = strchr(buf, '@');
	if (at != NULL)
		*at++ = '\0';
	dash = strchr(buf, '-');
	if (dash != NULL)
		*dash++ = '\0';
	if (parse_ulong(buf, 1, 65535, &lo) != 0)
		return TERN_APP_OPT_BAD;
	hi = lo;
	if (dash != NULL && parse_ulong(dash, lo, 65535, &hi) != 0)
		return TERN_APP_OPT_BAD;
	memset(&r, 0, sizeof(r));
	r.port_lo = (uint16_t)lo;
	r.port_hi = (uint16_t)hi;
	if (at != NULL) {
		if (strchr(at, '/') == NULL)
			return TERN_APP_OPT_BAD;
		if (tern_ip4_parse(at, &r.prefix.ip4, &r.prefix_len) == 0)
			r.prefix.family = 4;
		else if (tern_ip6_parse(at, &r.prefix.ip6, &r.prefix_len) == 0)
			r.prefix.family = 6;
		else
			return TERN_APP_OPT_BAD;
	}
	for (fam = 4; fam <= 6; fam += 2) {
		if (at != NULL && r.prefix.family != fam)
			continue;
		if (px.nb_rules == PROXY_MAX_RULES) {
			fprintf(stderr, "%s: --intercept: more than %u rules\n", PROXY_NAME,
				PROXY_MAX_RULES);
			return TERN_APP_OPT_FAIL;
		}
		px.rule[px.nb_rules] = r;
		px.rule[px.nb_rules].prefix.family = (uint8_t)fam;
		px.nb_rules++;
	}
	return 0;
}

static int
parse_opt(void *arg, int id, const char *val)
{
	unsigned long v;
	char *end;

	if (id <= L3FWD_OPT_LAST)
		return l3fwd_parse_opt(arg, id, val);
	switch (id) {
	case O_INTERCEPT:
		return parse_intercept(val);
	case O_SOURCE:
		if (strcmp(val, "client") != 0 && strcmp(val, "proxy") != 0)
			return TERN_APP_OPT_BAD;
		px.source_proxy = strcmp(val, "proxy") == 0;
		return 0;
	case O_HANDSHAKE:
		if (strcmp(val, "connect-first") != 0 && strcmp(val, "accept-first") != 0)
			return TERN_APP_OPT_BAD;
		px.accept_first = strcmp(val, "accept-first") == 0;
		return 0;
	case O_MAX_CONNS:
		if (parse_ulong(val, 1, 1u << 20, &v) != 0)
			return TERN_APP_OPT_BAD;
		px.max_conns = v;
		return 0;
	case O_IDLE:
		errno = 0;
		px.idle = strtod(val, &end);
		return errno != 0 || end == val || *end != '\0' || !(px.idle >= 0) ||
			px.idle > 1e7 ? TERN_APP_OPT_BAD : 0;
	case O_BUF:
		if (parse_ulong(val, 4096, 1u << 30, &v) != 0)
			return TERN_APP_OPT_BAD;
		px.buf = v;
		return 0;
	}
	return TERN_APP_OPT_BAD;
}

static int
check(struct tern_app *app, void *arg)
{
	(void)arg;
	if (px.nb_rules == 0) {
		fprintf(stderr, "%s: at least one --intercept is needed (tern-l3fwd routes "
			"without one; see --help)\n", PROXY_NAME);
		return -1;
	}
	if (tern_app_config(app)->lcores > PROXY_MAX_WORKERS) {
		fprintf(stderr, "%s: --lcores: at most %u\n", PROXY_NAME, PROXY_MAX_WORKERS);
		return -1;
	}
	/*
	 * --source client: the server leg's replies (server -> client's address
	 * and port) must reach the context of the client leg (client -> server):
	 * a symmetric hash puts both on one queue, so the client's port is kept.
	 */
	if (!px.source_proxy)
		tern_app_config(app)->dev.rss_symmetric = true;
	return 0;
}

/* On the worker's lcore: its relay and a listener per rule. */
static int
worker_init(struct tern_app_worker *w, void *arg)
{
	struct proxy_worker *pw = &px.w[tern_app_worker_index(w)];
	struct relay_cfg rc = { 0 };
	unsigned int i;

	(void)arg;
	rc.ctx = tern_app_worker_ctx(w);
	rc.connect_first = !px.accept_first;
	rc.source_proxy = px.source_proxy;
	rc.sndbuf = rc.rcvbuf = (uint32_t)px.buf;
	rc.max_pairs = (uint32_t)px.max_conns;
	rc.idle_ns = (uint64_t)(px.idle * 1e9);
	pw->relay = relay_create(&rc);
	if (pw->relay == NULL) {
		tern_app_worker_error(w, "relay: no memory");
		return -1;
	}
	for (i = 0; i < px.nb_rules; i++)
		if (relay_listen(pw->relay, &px.rule[i]) == NULL) {
			tern_app_worker_error(w, "--intercept rule %u: %s", i + 1,
					      rte_strerror(rte_errno));
			return -1;
		}
	return 0;
}

static int
worker_main(struct tern_app_worker *w, void *arg)
{
	struct tern_ctx *ctx = tern_app_worker_ctx(w);
	struct relay *r = px.w[tern_app_worker_index(w)].relay;

	(void)arg;
	if (l3fwd_ctx_setup(&px.l3o, ctx) != 0)
		return -1;
	while (tern_app_running(w)) {
		tern_ctx_poll(ctx);
		relay_step(r);
	}
	return 0;
}

/* Before the context goes: the relay's connections are reset, its counters kept. */
static void
worker_fini(struct tern_app_worker *w, void *arg)
{
	struct proxy_worker *pw = &px.w[tern_app_worker_index(w)];

	(void)arg;
	if (pw->relay == NULL)
		return;
	pw->st = pw->relay->st;
	relay_destroy(pw->relay);
	pw->relay = NULL;
	tern_ctx_flush(tern_app_worker_ctx(w));	/* the resets */
}

/* Every relay's counters added up: live ones read racily (a moment's view), final ones kept. */
static void
relay_sum(struct relay_stats *rs, uint64_t *active)
{
	unsigned int i, k;

	memset(rs, 0, sizeof(*rs));
	*active = 0;
	for (i = 0; i < tern_app_nb_workers(px.app); i++) {
		const struct relay *r = px.w[i].relay;
		const struct relay_stats *s = r != NULL ? &r->st : &px.w[i].st;

		for (k = 0; k < sizeof(*rs) / sizeof(uint64_t); k++)
			((uint64_t *)rs)[k] += ((const uint64_t *)s)[k];
		if (r != NULL)
			*active += r->nb_active;
	}
}

static void
control(struct tern_app *app, void *arg)
{
	uint64_t now = rte_rdtsc(), active, fwd;
	double dt = (double)(now - px.last_stats_tsc) / (double)px.hz;
	struct relay_stats rs;
	struct tern_stats ts;

	(void)arg;
	if (now < px.next_stats_tsc || dt <= 0)
		return;
	px.next_stats_tsc = now + (uint64_t)(px.l3o.stats_interval * (double)px.hz);
	relay_sum(&rs, &active);
	tern_app_stats_sum(app, &ts);
	fwd = ts.fwd4_pkts + ts.fwd6_pkts;
	printf("%s: %.1fs proxied %" PRIu64 " open, %.0f conn/s, up %.1f Mbit/s, down %.1f "
	       "Mbit/s, refused %" PRIu64 ", limit %" PRIu64 " | fwd %.0f pps\n", PROXY_NAME,
	       (double)(now - px.start_tsc) / (double)px.hz, active,
	       (double)(rs.accepted - px.last.accepted) / dt,
	       (double)(rs.bytes_up - px.last.bytes_up) * 8 / dt / 1e6,
	       (double)(rs.bytes_down - px.last.bytes_down) * 8 / dt / 1e6, rs.refused,
	       rs.limit, (double)(fwd - px.last_fwd) / dt);
	fflush(stdout);
	px.last = rs;
	px.last_fwd = fwd;
	px.last_stats_tsc = now;
}

static void
ready(struct tern_app *app, void *arg)
{
	(void)arg;
	printf("%s: %u context(s), %u rule(s), source %s, %s; TSC %" PRIu64 " Hz\n%s: ready\n",
	       PROXY_NAME, tern_app_nb_workers(app), px.nb_rules,
	       px.source_proxy ? "proxy" : "client",
	       px.accept_first ? "accept-first" : "connect-first", px.hz, PROXY_NAME);
	fflush(stdout);
	px.start_tsc = rte_rdtsc();
	px.last_stats_tsc = px.start_tsc;
	px.next_stats_tsc = px.l3o.stats_interval > 0 ?
		px.start_tsc + (uint64_t)(px.l3o.stats_interval * (double)px.hz) : UINT64_MAX;
}

static void
print_final(void)
{
	double secs = (double)(rte_rdtsc() - px.start_tsc) / (double)px.hz;
	struct relay_stats rs;
	struct tern_stats ts;
	uint64_t active;
	unsigned int k;

	relay_sum(&rs, &active);
	tern_app_stats_sum(px.app, &ts);
	printf("%s: %.3f s, proxied %" PRIu64 " connections (%" PRIu64 " server legs up, %"
	       PRIu64 " finished, %" PRIu64 " refused, %" PRIu64 " resets carried, %" PRIu64
	       " over the limit, %" PRIu64 " idle), %" PRIu64 " bytes up, %" PRIu64
	       " down, most held by one %" PRIu64 " bytes; forwarded %" PRIu64 " IPv4 and %"
	       PRIu64 " IPv6 packets\n", PROXY_NAME, secs, rs.accepted, rs.connected,
	       rs.finished, rs.refused, rs.resets, rs.limit, rs.idle, rs.bytes_up, rs.bytes_down,
	       rs.max_held, ts.fwd4_pkts, ts.fwd6_pkts);
	for (k = 0; k < tern_app_nb_workers(px.app); k++) {
		const struct tern_app_worker *w = tern_app_worker(px.app, k);

		printf("%s: context %u (lcore %u, queue %u): proxied %" PRIu64 " connections, %"
		       PRIu64 " from another port of the client's address\n", PROXY_NAME, k,
		       tern_app_worker_lcore(w), tern_app_worker_index(w), px.w[k].st.accepted,
		       px.w[k].st.port_fallback);
	}
	printf("%s: counters (final, non-zero):\n", PROXY_NAME);
	for (k = 0; k < TERN_STATS_COUNT; k++)
		if (tern_stats_value(&ts, k) != 0)
			printf("  %-24s %" PRIu64 "\n", tern_stats_name(k),
			       tern_stats_value(&ts, k));
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	struct tern_app_param param;
	const struct tern_app_config *c;
	unsigned int i, n = 0;
	int rc;

	l3fwd_param(&param, &px.l3o);
	for (i = 0; l3fwd_opts_table[i].name != NULL; i++)
		opts[n++] = l3fwd_opts_table[i];
	for (i = 0; i < RTE_DIM(proxy_own_opts); i++)
		opts[n++] = proxy_own_opts[i];
	param.name = PROXY_NAME;
	param.synopsis = "--port P,addr=A.B.C.D/LEN[,addr6=ADDR/LEN] ...\n"
		"                   --intercept tcp:PORTS[@PREFIX] ... [--source client|proxy]\n"
		"                   [--handshake connect-first|accept-first] [tern-l3fwd options]";
	param.about = "A transparent TCP proxy on tern. Routes like tern-l3fwd; TCP connections\n"
		"through it that match an --intercept rule are split in two: the proxy\n"
		"answers the client for the server's address, connects to the server (from\n"
		"the client's address by default) and relays the data, acknowledging each\n"
		"side's data itself and recovering each leg's loss on that leg. Everything\n"
		"else is routed unchanged. Runs until SIGINT/SIGTERM or --duration, then\n"
		"prints the counters. Design: docs/proxy.md.\n";
	param.opts = opts;
	param.parse = parse_opt;
	param.check = check;
	param.arg = &px.l3o;
	param.section = "proxy";
	px.max_conns = 1024;
	px.idle = 300;
	px.app = tern_app_init(argc, argv, &param, &rc);
	if (px.app == NULL)
		return rc;
	c = tern_app_config(px.app);
	for (i = 0; i < c->nb_ports; i++)
		tern_net_forward_set(tern_app_net(px.app), (uint16_t)i,
				     (px.l3o.no_fwd4 ? 0 : TERN_FWD_IP4) |
				     (px.l3o.no_fwd6 ? 0 : TERN_FWD_IP6));
	px.hz = rte_get_tsc_hz();
	rc = tern_app_run(px.app, &(struct tern_app_worker_ops){
		.init = worker_init, .main = worker_main, .fini = worker_fini, .ready = ready,
		.control = control });
	if (rc == 0)
		print_final();
	tern_app_fini(px.app);
	return rc;
}
