/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * tern-hello: the smallest useful tern program. One context on one port
 * answers ARP, ND and ping (IPv4 and IPv6), can ping a peer itself, and
 * prints its counters. The demo (`make run`) and the interop tests drive it
 * over a TAP port whose other end is the Linux kernel in a namespace. The
 * port, addresses, routes and the context come from the common bring-up
 * (tern_app.h); this file is the ping logic.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include <tern/tern.h>

struct opts {
	tern_ip4_t ping;
	struct tern_ip6 ping6;
	unsigned int count;
	double interval;
	double ping_delay;
	double stats_interval;
	uint16_t vlan;
	bool have_ping, have_ping6;
	/* the run's outcome */
	unsigned int sent4, sent6;
};

enum { O_VLAN, O_PING, O_PING6, O_COUNT, O_INTERVAL, O_PING_DELAY, O_STATS };

static const struct tern_app_opt hello_opts[] = {
	{ "vlan", "ID", "accept and send 802.1Q frames with this VLAN id (the\n"
	  "first port's)", "1..4094", O_VLAN },
	{ "ping", "A.B.C.D", "send ICMP echo requests to this address", "A.B.C.D", O_PING },
	{ "ping6", "ADDR", "send ICMPv6 echo requests to this address", "an IPv6 address",
	  O_PING6 },
	{ "count", "N", "echo requests to send with --ping/--ping6 (default 10)",
	  "1..1000000", O_COUNT },
	{ "interval", "SEC", "between echo requests (default 0.1)", "seconds", O_INTERVAL },
	{ "ping-delay", "SEC", "wait before the first echo request (default 0.5)", "seconds",
	  O_PING_DELAY },
	{ "stats-interval", "SEC", "print counters every SEC seconds (default 0: only at\n"
	  "exit)", "seconds", O_STATS },
	{ NULL, NULL, NULL, NULL, 0 },
};

static int
parse_double(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return (errno != 0 || end == s || *end != '\0' || !(*out >= 0)) ? -1 : 0;
}

static int
parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 0);
	return (errno != 0 || end == s || *end != '\0' || s[0] == '-' || *out > max) ? -1 : 0;
}

static int
parse_opt(void *arg, int id, const char *val)
{
	struct opts *o = arg;
	unsigned long v;

	switch (id) {
	case O_VLAN:
		if (parse_uint(val, 4094, &v) != 0 || v == 0)
			return TERN_APP_OPT_BAD;
		o->vlan = (uint16_t)v;
		return 0;
	case O_PING:
		if (tern_ip4_parse(val, &o->ping, NULL) != 0 || strchr(val, '/'))
			return TERN_APP_OPT_BAD;
		o->have_ping = true;
		return 0;
	case O_PING6:
		if (tern_ip6_parse(val, &o->ping6, NULL) != 0 || strchr(val, '/'))
			return TERN_APP_OPT_BAD;
		o->have_ping6 = true;
		return 0;
	case O_COUNT:
		if (parse_uint(val, 1000000, &v) != 0 || v == 0)
			return TERN_APP_OPT_BAD;
		o->count = (unsigned int)v;
		return 0;
	case O_INTERVAL:
		return parse_double(val, &o->interval) != 0 ? TERN_APP_OPT_BAD : 0;
	case O_PING_DELAY:
		return parse_double(val, &o->ping_delay) != 0 ? TERN_APP_OPT_BAD : 0;
	case O_STATS:
		return parse_double(val, &o->stats_interval) != 0 ? TERN_APP_OPT_BAD : 0;
	}
	return TERN_APP_OPT_BAD;
}

static int
check(struct tern_app *app, void *arg)
{
	struct tern_app_config *c = tern_app_config(app);
	struct opts *o = arg;
	bool v4 = false, v6 = false;
	unsigned int i;

	for (i = 0; i < c->nb_ports; i++) {
		v4 |= c->port[i].nb_addr4 > 0;
		v6 |= c->port[i].nb_addr6 > 0;
	}
	if ((o->have_ping && !v4) || (o->have_ping6 && !v6)) {
		fprintf(stderr, "tern-hello: --ping needs --addr, --ping6 needs --addr6\n");
		return -1;
	}
	if (o->vlan != 0)
		c->port[0].vlan = o->vlan;
	if (c->dev.nb_mbufs == 0)
		c->dev.nb_mbufs = 4095;
	return 0;
}

static void
print_stats(const struct tern_stats *st, const char *when)
{
	unsigned int i;

	printf("tern-hello: counters (%s):\n", when);
	for (i = 0; i < TERN_STATS_COUNT; i++) {
		uint64_t v = tern_stats_value(st, i);

		if (v != 0)
			printf("  %-24s %12" PRIu64 "  %s\n", tern_stats_name(i), v,
			       tern_stats_desc(i));
	}
	fflush(stdout);
}

static uint64_t
stat_by_name(const struct tern_stats *st, const char *name)
{
	unsigned int i;

	for (i = 0; i < TERN_STATS_COUNT; i++)
		if (strcmp(tern_stats_name(i), name) == 0)
			return tern_stats_value(st, i);
	return 0;
}

/* The worker: answer, ping, print; worker 0 pings (the others only answer). */
static int
hello_main(struct tern_app_worker *w, void *arg)
{
	struct tern_ctx *ctx = tern_app_worker_ctx(w);
	struct opts *o = arg;
	uint64_t hz = rte_get_tsc_hz(), start, next_stats, next_ping;
	bool pinger = tern_app_worker_index(w) == 0;
	struct tern_stats st;

	start = rte_rdtsc();
	next_stats = o->stats_interval > 0 ?
		start + (uint64_t)(o->stats_interval * (double)hz) : UINT64_MAX;
	next_ping = start + (uint64_t)(o->ping_delay * (double)hz);
	while (tern_app_running(w)) {
		uint64_t now;

		tern_ctx_poll(ctx);
		now = rte_rdtsc();
		if (pinger && now >= next_ping && (o->sent4 < o->count * o->have_ping ||
						   o->sent6 < o->count * o->have_ping6)) {
			if (o->have_ping && o->sent4 < o->count &&
			    tern_icmp4_echo(ctx, o->ping, 0x7e57, (uint16_t)o->sent4, 56) == 0)
				o->sent4++;
			if (o->have_ping6 && o->sent6 < o->count &&
			    tern_icmp6_echo(ctx, &o->ping6, 0x7e57, (uint16_t)o->sent6, 56) == 0)
				o->sent6++;
			next_ping = now + (uint64_t)(o->interval * (double)hz);
		}
		if (pinger && now >= next_stats) {
			tern_ctx_stats(ctx, &st);
			print_stats(&st, "interval");
			next_stats = now + (uint64_t)(o->stats_interval * (double)hz);
		}
	}
	/* Let the last replies arrive. */
	for (start = rte_rdtsc(); rte_rdtsc() - start < hz / 5;)
		tern_ctx_poll(ctx);
	return 0;
}

static void
print_ready(struct tern_app *app, void *arg)
{
	(void)app;
	(void)arg;
	printf("tern-hello: ready\n");
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	static struct opts o = { .count = 10, .interval = 0.1, .ping_delay = 0.5 };
	static const struct tern_app_param param = {
		.name = "tern-hello",
		.synopsis = "--addr A.B.C.D/LEN|--addr6 ADDR/LEN [options]",
		.about = "Answers ARP, IPv6 neighbor discovery and ping on one DPDK port, and can\n"
			 "ping a peer. Runs until SIGINT/SIGTERM or --duration.\n",
		.epilog = "Exit status: 0 on success (and, with --ping/--ping6, every reply "
			  "received),\n1 on a run-time failure or missing replies, 2 on bad "
			  "options.\n\n"
			  "Example (TAP port, kernel peer at 10.0.0.2):\n"
			  "  tern-hello --no-huge -m 512 --no-pci --vdev net_tap0,iface=tern0 -- \\\n"
			  "      --addr 10.0.0.1/24 --addr6 fd00::1/64 --ping 10.0.0.2\n",
		.opts = hello_opts,
		.parse = parse_opt,
		.check = check,
		.arg = &o,
		.section = "hello",
		.flags = TERN_APP_F_NEED_ADDR | TERN_APP_F_ONE_PORT,
	};
	struct tern_app *app;
	struct tern_stats st;
	int rc;

	app = tern_app_init(argc, argv, &param, &rc);
	if (app == NULL)
		return rc;
	rc = tern_app_run(app, &(struct tern_app_worker_ops){ .main = hello_main,
							      .ready = print_ready, .arg = &o });
	if (rc == 0) {
		tern_app_stats_sum(app, &st);
		print_stats(&st, "final");
		if (o.have_ping || o.have_ping6) {
			uint64_t r4 = stat_by_name(&st, "icmp4_echo_rep_in");
			uint64_t r6 = stat_by_name(&st, "icmp6_echo_rep_in");

			printf("tern-hello: ping: %u sent, %" PRIu64 " replies (IPv4); "
			       "%u sent, %" PRIu64 " replies (IPv6)\n", o.sent4, r4, o.sent6, r6);
			if (r4 < o.sent4 || r6 < o.sent6 || o.sent4 < o.count * o.have_ping ||
			    o.sent6 < o.count * o.have_ping6)
				rc = 1;
		}
	}
	tern_app_fini(app);
	return rc;
}
