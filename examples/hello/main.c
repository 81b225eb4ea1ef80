/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * tern-hello: the smallest useful tern program. One context on one port
 * answers ARP, ND and ping (IPv4 and IPv6), can ping a peer itself, and
 * prints its counters. The demo (`make run`) and the interop tests drive it
 * over a TAP port whose other end is the Linux kernel in a namespace.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>

#include <tern/tern.h>

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct opts {
	uint16_t port;
	tern_ip4_t addr;
	uint8_t addr_len;
	tern_ip4_t gw;
	struct tern_ip6 addr6;
	uint8_t addr6_len;
	struct tern_ip6 gw6;
	tern_ip4_t ping;
	struct tern_ip6 ping6;
	unsigned int count;
	double interval;
	double ping_delay;
	double duration;
	double stats_interval;
	uint16_t vlan;
	bool no_offload;
	bool have_addr, have_addr6, have_gw, have_gw6, have_ping, have_ping6;
};

static void
usage(FILE *f, const char *prog)
{
	fprintf(f,
"Usage: %s [EAL options] -- [options]\n"
"\n"
"Answers ARP, IPv6 neighbor discovery and ping on one DPDK port, and can\n"
"ping a peer. Runs until SIGINT/SIGTERM or --duration.\n"
"\n"
"Options:\n"
"  --port N              ethdev port to use (default 0)\n"
"  --addr A.B.C.D/LEN    IPv4 address and prefix length (required unless --addr6)\n"
"  --addr6 ADDR/LEN      IPv6 address and prefix length\n"
"  --gw A.B.C.D          IPv4 default gateway\n"
"  --gw6 ADDR            IPv6 default gateway\n"
"  --vlan ID             accept and send 802.1Q frames with this VLAN id\n"
"  --ping A.B.C.D        send ICMP echo requests to this address\n"
"  --ping6 ADDR          send ICMPv6 echo requests to this address\n"
"  --count N             echo requests to send with --ping/--ping6 (default 10)\n"
"  --interval SEC        between echo requests (default 0.1)\n"
"  --ping-delay SEC      wait before the first echo request (default 0.5)\n"
"  --duration SEC        exit after SEC seconds (default: run until a signal)\n"
"  --stats-interval SEC  print counters every SEC seconds (default 0: only at exit)\n"
"  --no-offload          use no device offload (software checksums)\n"
"  -h, --help            this text\n"
"\n"
"Exit status: 0 on success (and, with --ping/--ping6, every reply received),\n"
"1 on a run-time failure or missing replies, 2 on bad options.\n"
"\n"
"Example (TAP port, kernel peer at 10.0.0.2):\n"
"  %s --no-huge -m 512 --no-pci --vdev net_tap0,iface=tern0 -- \\\n"
"      --addr 10.0.0.1/24 --addr6 fd00::1/64 --ping 10.0.0.2\n",
		prog, prog);
}

static int
parse_double(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return (errno != 0 || *end != '\0' || *out < 0) ? -1 : 0;
}

static int
parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 0);
	return (errno != 0 || *end != '\0' || s[0] == '-' || *out > max) ? -1 : 0;
}

static int
parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_PORT = 256, O_ADDR, O_ADDR6, O_GW, O_GW6, O_VLAN, O_PING, O_PING6, O_COUNT,
	       O_INTERVAL, O_PING_DELAY, O_DURATION, O_STATS, O_NOOFF };
	static const struct option lo[] = {
		{ "port", required_argument, NULL, O_PORT },
		{ "addr", required_argument, NULL, O_ADDR },
		{ "addr6", required_argument, NULL, O_ADDR6 },
		{ "gw", required_argument, NULL, O_GW },
		{ "gw6", required_argument, NULL, O_GW6 },
		{ "vlan", required_argument, NULL, O_VLAN },
		{ "ping", required_argument, NULL, O_PING },
		{ "ping6", required_argument, NULL, O_PING6 },
		{ "count", required_argument, NULL, O_COUNT },
		{ "interval", required_argument, NULL, O_INTERVAL },
		{ "ping-delay", required_argument, NULL, O_PING_DELAY },
		{ "duration", required_argument, NULL, O_DURATION },
		{ "stats-interval", required_argument, NULL, O_STATS },
		{ "no-offload", no_argument, NULL, O_NOOFF },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	int c;

	o->count = 10;
	o->interval = 0.1;
	o->ping_delay = 0.5;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case O_PORT:
			if (parse_uint(optarg, UINT16_MAX - 1, &v) != 0)
				goto bad;
			o->port = (uint16_t)v;
			break;
		case O_ADDR:
			if (tern_ip4_parse(optarg, &o->addr, &o->addr_len) != 0 ||
			    o->addr_len == 0 || strchr(optarg, '/') == NULL)
				goto bad;
			o->have_addr = true;
			break;
		case O_ADDR6:
			if (tern_ip6_parse(optarg, &o->addr6, &o->addr6_len) != 0 ||
			    o->addr6_len == 0 || strchr(optarg, '/') == NULL)
				goto bad;
			o->have_addr6 = true;
			break;
		case O_GW:
			if (tern_ip4_parse(optarg, &o->gw, NULL) != 0 || strchr(optarg, '/'))
				goto bad;
			o->have_gw = true;
			break;
		case O_GW6:
			if (tern_ip6_parse(optarg, &o->gw6, NULL) != 0 || strchr(optarg, '/'))
				goto bad;
			o->have_gw6 = true;
			break;
		case O_VLAN:
			if (parse_uint(optarg, 4094, &v) != 0 || v == 0)
				goto bad;
			o->vlan = (uint16_t)v;
			break;
		case O_PING:
			if (tern_ip4_parse(optarg, &o->ping, NULL) != 0 || strchr(optarg, '/'))
				goto bad;
			o->have_ping = true;
			break;
		case O_PING6:
			if (tern_ip6_parse(optarg, &o->ping6, NULL) != 0 || strchr(optarg, '/'))
				goto bad;
			o->have_ping6 = true;
			break;
		case O_COUNT:
			if (parse_uint(optarg, 1000000, &v) != 0 || v == 0)
				goto bad;
			o->count = (unsigned int)v;
			break;
		case O_INTERVAL:
			if (parse_double(optarg, &o->interval) != 0)
				goto bad;
			break;
		case O_PING_DELAY:
			if (parse_double(optarg, &o->ping_delay) != 0)
				goto bad;
			break;
		case O_DURATION:
			if (parse_double(optarg, &o->duration) != 0)
				goto bad;
			break;
		case O_STATS:
			if (parse_double(optarg, &o->stats_interval) != 0)
				goto bad;
			break;
		case O_NOOFF:
			o->no_offload = true;
			break;
		case 'h':
			usage(stdout, argv[0]);
			exit(0);
		default:
			fprintf(stderr, "tern-hello: see --help\n");
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "tern-hello: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (!o->have_addr && !o->have_addr6) {
		fprintf(stderr, "tern-hello: give --addr and/or --addr6\n");
		return -1;
	}
	if ((o->have_ping && !o->have_addr) || (o->have_ping6 && !o->have_addr6)) {
		fprintf(stderr, "tern-hello: --ping needs --addr, --ping6 needs --addr6\n");
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "tern-hello: invalid value '%s' for --%s\n", optarg,
		lo[c - O_PORT].name);
	return -1;
}

static void
print_stats(struct tern_ctx *ctx, const char *when)
{
	struct tern_stats st;
	unsigned int i;

	tern_ctx_stats(ctx, &st);
	printf("tern-hello: counters (%s):\n", when);
	for (i = 0; i < TERN_STATS_COUNT; i++) {
		uint64_t v = tern_stats_value(&st, i);

		if (v != 0)
			printf("  %-24s %12" PRIu64 "  %s\n", tern_stats_name(i), v,
			       tern_stats_desc(i));
	}
	fflush(stdout);
}

static uint64_t
stat_by_name(struct tern_ctx *ctx, const char *name)
{
	struct tern_stats st;
	unsigned int i;

	tern_ctx_stats(ctx, &st);
	for (i = 0; i < TERN_STATS_COUNT; i++)
		if (strcmp(tern_stats_name(i), name) == 0)
			return tern_stats_value(&st, i);
	return 0;
}

int
main(int argc, char **argv)
{
	struct tern_dev_param dp = { 0 };
	struct tern_ctx_param cp = { 0 };
	struct opts o = { 0 };
	struct tern_net *net = NULL;
	struct tern_ctx *ctx = NULL;
	struct tern_dev *dev = NULL;
	uint64_t hz, start, next_stats, next_ping, end;
	unsigned int sent4 = 0, sent6 = 0;
	char caps[256];
	int ret, rc = 1, ifindex;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "tern-hello: EAL init failed: %s (try --help after --)\n",
			rte_strerror(rte_errno));
		return 2;
	}
	argc -= ret;
	argv += ret;
	argv[0] = (char *)"tern-hello";
	if (parse_args(argc, argv, &o) != 0) {
		rte_eal_cleanup();
		return 2;
	}
	if (rte_eth_dev_count_avail() == 0) {
		fprintf(stderr, "tern-hello: no ethdev port; add one, e.g. "
			"--vdev net_tap0,iface=tern0\n");
		goto out;
	}
	if (!rte_eth_dev_is_valid_port(o.port)) {
		fprintf(stderr, "tern-hello: port %u does not exist (%u port(s))\n", o.port,
			rte_eth_dev_count_avail());
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	dp.no_offload = o.no_offload;
	dp.nb_mbufs = 4095;
	dev = tern_dev_create(o.port, &dp);
	if (dev == NULL) {
		fprintf(stderr, "tern-hello: port %u: %s\n", o.port, rte_strerror(rte_errno));
		goto out;
	}
	net = tern_net_create(NULL);
	if (net == NULL) {
		fprintf(stderr, "tern-hello: net: %s\n", rte_strerror(rte_errno));
		goto out;
	}
	ifindex = tern_net_iface_add(net, dev, o.vlan);
	if (ifindex < 0 ||
	    (o.have_addr && tern_net_addr4_add(net, ifindex, o.addr, o.addr_len) != 0) ||
	    (o.have_addr6 && tern_net_addr6_add(net, ifindex, &o.addr6, o.addr6_len) != 0) ||
	    (o.have_gw && tern_net_route4_add(net, 0, 0, o.gw, ifindex) != 0) ||
	    (o.have_gw6 && tern_net_route6_add(net, &(struct tern_ip6){ { 0 } }, 0, &o.gw6,
					       ifindex) != 0)) {
		fprintf(stderr, "tern-hello: could not configure the interface\n");
		goto out;
	}
	cp.net = net;
	ctx = tern_ctx_create(&cp);
	if (ctx == NULL) {
		fprintf(stderr, "tern-hello: context: %s\n", rte_strerror(rte_errno));
		goto out;
	}
	{
		const struct rte_ether_addr *mac = tern_dev_mac(dev);
		char m[RTE_ETHER_ADDR_FMT_SIZE];

		rte_ether_format_addr(m, sizeof(m), mac);
		printf("tern-hello: port %u mac %s mtu %u offloads: %s\n", o.port, m,
		       tern_dev_mtu(dev), tern_dev_caps_str(tern_dev_caps(dev), caps,
							    sizeof(caps)));
	}
	printf("tern-hello: ready\n");
	fflush(stdout);
	tern_ctx_announce(ctx);

	hz = rte_get_tsc_hz();
	start = rte_rdtsc();
	end = o.duration > 0 ? start + (uint64_t)(o.duration * (double)hz) : UINT64_MAX;
	next_stats = o.stats_interval > 0 ?
		start + (uint64_t)(o.stats_interval * (double)hz) : UINT64_MAX;
	next_ping = start + (uint64_t)(o.ping_delay * (double)hz);
	while (!stop) {
		uint64_t now;

		tern_ctx_poll(ctx);
		now = rte_rdtsc();
		if (now >= end)
			break;
		if (now >= next_ping && (sent4 < o.count * o.have_ping ||
					 sent6 < o.count * o.have_ping6)) {
			if (o.have_ping && sent4 < o.count &&
			    tern_icmp4_echo(ctx, o.ping, 0x7e57, (uint16_t)sent4, 56) == 0)
				sent4++;
			if (o.have_ping6 && sent6 < o.count &&
			    tern_icmp6_echo(ctx, &o.ping6, 0x7e57, (uint16_t)sent6, 56) == 0)
				sent6++;
			next_ping = now + (uint64_t)(o.interval * (double)hz);
		}
		if (now >= next_stats) {
			print_stats(ctx, "interval");
			next_stats = now + (uint64_t)(o.stats_interval * (double)hz);
		}
	}
	/* Let the last replies arrive. */
	for (start = rte_rdtsc(); rte_rdtsc() - start < hz / 5;)
		tern_ctx_poll(ctx);
	print_stats(ctx, "final");
	rc = 0;
	if (o.have_ping || o.have_ping6) {
		uint64_t r4 = stat_by_name(ctx, "icmp4_echo_rep_in");
		uint64_t r6 = stat_by_name(ctx, "icmp6_echo_rep_in");

		printf("tern-hello: ping: %u sent, %" PRIu64 " replies (IPv4); "
		       "%u sent, %" PRIu64 " replies (IPv6)\n", sent4, r4, sent6, r6);
		if (r4 < sent4 || r6 < sent6 || sent4 < o.count * o.have_ping ||
		    sent6 < o.count * o.have_ping6)
			rc = 1;
	}
out:
	tern_ctx_destroy(ctx);
	tern_net_destroy(net);
	tern_dev_destroy(dev);
	rte_eal_cleanup();
	return rc;
}
