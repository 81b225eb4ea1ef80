/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/* tern-l3fwd: the command line (everything after the EAL's "--"). */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l3fwd.h"

void
l3fwd_usage(FILE *f)
{
	fprintf(f,
"Usage: %s [EAL options] -- --port P,addr=A.B.C.D/LEN[,addr6=ADDR/LEN] ...\n"
"                   [--route PREFIX/LEN,via=GW|dev=P] [--neigh IP,MAC] [options]\n"
"\n"
"An IPv4 and IPv6 router on tern's net layer. Packets that arrive on a port\n"
"and are not for one of its addresses are checked (RFC 1812, RFC 4291),\n"
"their TTL / hop limit decremented, routed by longest prefix, and sent to\n"
"the next hop, whose MAC is learned by ARP / neighbor discovery (or given\n"
"with --neigh). Too big: fragmented, or ICMP Fragmentation Needed when DF is\n"
"set; IPv6 Packet Too Big. Expired: ICMP / ICMPv6 Time Exceeded, from the\n"
"address of the port it came in on. Packets to our own addresses are\n"
"answered (ping). Runs until SIGINT/SIGTERM or --duration, then prints the\n"
"counters.\n"
"\n"
"Options:\n"
"  --port P,addr=A.B.C.D/LEN,addr6=ADDR/LEN[,mtu=N]\n"
"                        use ethdev port P (an EAL --vdev or PCI device), with\n"
"                        these addresses (addr and addr6 may each be repeated,\n"
"                        either may be left out). Repeat --port for each port;\n"
"                        in --route and --neigh a port is named by P\n"
"  --route PREFIX/LEN,via=GW[,dev=P]\n"
"  --route PREFIX/LEN,dev=P\n"
"                        a route, IPv4 or IPv6 (0.0.0.0/0, ::/0: default), to\n"
"                        gateway GW (its port found from the port subnets, or\n"
"                        dev=P), or on-link out of port P. Each port's own\n"
"                        subnets are routed without --route\n"
"  --neigh IP,MAC[,dev=P]\n"
"                        a permanent neighbor (no ARP/ND for it); its port is\n"
"                        found from the routes, or dev=P\n"
"  --lcores N            forwarding contexts, one per EAL worker lcore, each on\n"
"                        its own queue of every port (default 1; N > 1 needs N\n"
"                        worker lcores, e.g. EAL -l 0-N; with no worker lcore\n"
"                        the main lcore forwards). A port without RSS gets\n"
"                        tern's software dispatcher\n"
"  --stats-interval S    every S seconds, a line per port: packets per second\n"
"                        received and sent, and packets forwarded and dropped\n"
"                        per second (default 0: none)\n"
"  --duration S          stop after S seconds (default 0: on SIGINT/SIGTERM)\n"
"  --no-fwd4, --no-fwd6  do not forward that family (still answer for ours)\n"
"  --no-offload          use no device offload (software checksums)\n"
"  --help                this text\n"
"\n"
"Exit status: 0 after a clean run, 1 on a run-time failure, 2 on bad\n"
"arguments.\n",
		L3FWD_NAME);
}

static int
bad(const char *what, const char *arg)
{
	fprintf(stderr, "%s: %s: \"%s\" (see --help)\n", L3FWD_NAME, what, arg);
	return -1;
}

static int
parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno != 0 || *end != '\0' || *v > max ? -1 : 0;
}

static int
parse_double(const char *s, double *v)
{
	char *end;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	*v = strtod(s, &end);
	return errno != 0 || *end != '\0' || *v < 0 || *v > 1e9 ? -1 : 0;
}

/* Ethdev port number "P" in @s. @return it, or -1. */
static int
port_number(const char *s)
{
	unsigned long p;

	return parse_uint(s, UINT16_MAX - 1, &p) != 0 ? -1 : (int)p;
}

/* Split "a,k=v,k=v" in place: @fields get the pieces, @return how many. */
static unsigned int
split(char *s, char **fields, unsigned int max)
{
	unsigned int n = 0;
	char *save = NULL, *t;

	for (t = strtok_r(s, ",", &save); t != NULL && n < max; t = strtok_r(NULL, ",", &save))
		fields[n++] = t;
	return t == NULL ? n : max + 1;
}

static int
parse_port(struct l3fwd_opts *o, const char *arg)
{
	char buf[512], *f[16];
	struct l3fwd_port_opt *p;
	unsigned long v;
	unsigned int n, i;

	if (o->nb_ports == TERN_MAX_PORTS)
		return bad("--port: too many ports", arg);
	if (strlen(arg) >= sizeof(buf))
		return bad("--port: too long", arg);
	strcpy(buf, arg);
	n = split(buf, f, RTE_DIM(f));
	if (n == 0 || n > RTE_DIM(f) || parse_uint(f[0], UINT16_MAX, &v) != 0)
		return bad("--port: expected P,addr=A.B.C.D/LEN,addr6=ADDR/LEN", arg);
	p = &o->port[o->nb_ports];
	memset(p, 0, sizeof(*p));
	p->port_id = (uint16_t)v;
	for (i = 0; i < o->nb_ports; i++)
		if (o->port[i].port_id == p->port_id)
			return bad("--port: port given twice", arg);
	for (i = 1; i < n; i++) {
		if (strncmp(f[i], "addr=", 5) == 0) {
			if (p->nb_addr4 == TERN_MAX_ADDR4)
				return bad("--port: too many addr=", arg);
			if (tern_ip4_parse(f[i] + 5, &p->addr4[p->nb_addr4],
					   &p->len4[p->nb_addr4]) != 0 ||
			    strchr(f[i], '/') == NULL || p->len4[p->nb_addr4] == 0)
				return bad("--port: addr= needs A.B.C.D/LEN, LEN 1..32", arg);
			p->nb_addr4++;
		} else if (strncmp(f[i], "addr6=", 6) == 0) {
			if (p->nb_addr6 == TERN_MAX_ADDR6 - 1)
				return bad("--port: too many addr6=", arg);
			if (tern_ip6_parse(f[i] + 6, &p->addr6[p->nb_addr6],
					   &p->len6[p->nb_addr6]) != 0 ||
			    strchr(f[i], '/') == NULL || p->len6[p->nb_addr6] == 0)
				return bad("--port: addr6= needs ADDR/LEN, LEN 1..128", arg);
			p->nb_addr6++;
		} else if (strncmp(f[i], "mtu=", 4) == 0) {
			if (parse_uint(f[i] + 4, 9000, &v) != 0 || v < 576)
				return bad("--port: mtu= needs 576..9000", arg);
			p->mtu = (uint16_t)v;
		} else {
			return bad("--port: unknown field (addr=, addr6=, mtu=)", arg);
		}
	}
	o->nb_ports++;
	return 0;
}

/* IPv4 or IPv6 address @s (no prefix) into @family and @a4 / @a6. */
static int
parse_ip(const char *s, uint8_t *family, tern_ip4_t *a4, struct tern_ip6 *a6)
{
	if (strchr(s, '/') != NULL)
		return -1;
	if (tern_ip4_parse(s, a4, NULL) == 0) {
		*family = 4;
		return 0;
	}
	if (tern_ip6_parse(s, a6, NULL) == 0) {
		*family = 6;
		return 0;
	}
	return -1;
}

static int
parse_route(struct l3fwd_opts *o, const char *arg)
{
	char buf[256], *f[4];
	struct l3fwd_route_opt *r;
	unsigned int n, i;
	uint8_t fam;

	if (o->nb_routes == L3FWD_MAX_ROUTES)
		return bad("--route: too many routes", arg);
	if (strlen(arg) >= sizeof(buf))
		return bad("--route: too long", arg);
	strcpy(buf, arg);
	n = split(buf, f, RTE_DIM(f));
	r = &o->route[o->nb_routes];
	memset(r, 0, sizeof(*r));
	r->dev = -1;
	r->text = arg;
	if (n < 2 || n > 3 || strchr(f[0], '/') == NULL)
		return bad("--route: expected PREFIX/LEN,via=GW or PREFIX/LEN,dev=P", arg);
	if (tern_ip4_parse(f[0], &r->pfx4, &r->len) == 0)
		r->family = 4;
	else if (tern_ip6_parse(f[0], &r->pfx6, &r->len) == 0)
		r->family = 6;
	else
		return bad("--route: bad prefix", arg);
	for (i = 1; i < n; i++) {
		if (strncmp(f[i], "via=", 4) == 0) {
			if (parse_ip(f[i] + 4, &fam, &r->via4, &r->via6) != 0 || fam != r->family)
				return bad("--route: via= needs an address of the prefix's family",
					   arg);
			r->have_via = true;
		} else if (strncmp(f[i], "dev=", 4) == 0) {
			r->dev = port_number(f[i] + 4);
			if (r->dev < 0)
				return bad("--route: dev= needs a port number", arg);
		} else {
			return bad("--route: unknown field (via=, dev=)", arg);
		}
	}
	if (!r->have_via && r->dev < 0)
		return bad("--route: needs via=GW or dev=P", arg);
	o->nb_routes++;
	return 0;
}

static int
parse_neigh(struct l3fwd_opts *o, const char *arg)
{
	char buf[256], *f[3];
	struct l3fwd_neigh_opt *nb;
	unsigned int n;

	if (o->nb_neigh == L3FWD_MAX_NEIGH)
		return bad("--neigh: too many neighbors", arg);
	if (strlen(arg) >= sizeof(buf))
		return bad("--neigh: too long", arg);
	strcpy(buf, arg);
	n = split(buf, f, RTE_DIM(f));
	nb = &o->neigh[o->nb_neigh];
	memset(nb, 0, sizeof(*nb));
	nb->dev = -1;
	nb->text = arg;
	if (n < 2 || n > 3 || parse_ip(f[0], &nb->family, &nb->ip4, &nb->ip6) != 0 ||
	    rte_ether_unformat_addr(f[1], &nb->mac) != 0)
		return bad("--neigh: expected IP,MAC[,dev=P]", arg);
	if (n == 3) {
		if (strncmp(f[2], "dev=", 4) != 0)
			return bad("--neigh: unknown field (dev=)", arg);
		nb->dev = port_number(f[2] + 4);
		if (nb->dev < 0)
			return bad("--neigh: dev= needs a port number", arg);
	}
	o->nb_neigh++;
	return 0;
}

enum {
	OPT_PORT = 256, OPT_ROUTE, OPT_NEIGH, OPT_LCORES, OPT_STATS, OPT_DURATION,
	OPT_NO_OFFLOAD, OPT_NO_FWD4, OPT_NO_FWD6, OPT_HELP,
};

int
l3fwd_parse_args(int argc, char **argv, struct l3fwd_opts *o)
{
	static const struct option lo[] = {
		{ "port", required_argument, NULL, OPT_PORT },
		{ "route", required_argument, NULL, OPT_ROUTE },
		{ "neigh", required_argument, NULL, OPT_NEIGH },
		{ "lcores", required_argument, NULL, OPT_LCORES },
		{ "stats-interval", required_argument, NULL, OPT_STATS },
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "no-offload", no_argument, NULL, OPT_NO_OFFLOAD },
		{ "no-fwd4", no_argument, NULL, OPT_NO_FWD4 },
		{ "no-fwd6", no_argument, NULL, OPT_NO_FWD6 },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	int c;

	memset(o, 0, sizeof(*o));
	o->lcores = 1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case OPT_PORT:
			if (parse_port(o, optarg) != 0)
				return -1;
			break;
		case OPT_ROUTE:
			if (parse_route(o, optarg) != 0)
				return -1;
			break;
		case OPT_NEIGH:
			if (parse_neigh(o, optarg) != 0)
				return -1;
			break;
		case OPT_LCORES:
			if (parse_uint(optarg, 64, &v) != 0 || v == 0)
				return bad("--lcores: needs 1..64", optarg);
			o->lcores = (unsigned int)v;
			break;
		case OPT_STATS:
			if (parse_double(optarg, &o->stats_interval) != 0)
				return bad("--stats-interval: needs seconds >= 0", optarg);
			break;
		case OPT_DURATION:
			if (parse_double(optarg, &o->duration) != 0)
				return bad("--duration: needs seconds >= 0", optarg);
			break;
		case OPT_NO_OFFLOAD:
			o->no_offload = true;
			break;
		case OPT_NO_FWD4:
			o->no_fwd4 = true;
			break;
		case OPT_NO_FWD6:
			o->no_fwd6 = true;
			break;
		case OPT_HELP:
			l3fwd_usage(stdout);
			exit(0);
		default:
			return bad("unknown option or missing value",
				   argv[optind - 1] != NULL ? argv[optind - 1] : "?");
		}
	}
	if (optind < argc)
		return bad("unexpected argument", argv[optind]);
	if (o->nb_ports == 0) {
		fprintf(stderr, "%s: at least one --port is needed (see --help)\n", L3FWD_NAME);
		return -1;
	}
	return 0;
}
