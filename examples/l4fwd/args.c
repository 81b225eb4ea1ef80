/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/* tern-l4fwd: the command line (everything after the EAL's "--"). */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>

#include "l4fwd.h"

void
l4fwd_usage(FILE *f, const char *prog)
{
	fprintf(f,
"Usage: %s [EAL options] -- --addr A.B.C.D/LEN|--addr6 ADDR/LEN --lport P [options]\n"
"\n"
"A UDP or TCP workload over tern, one tern context per worker lcore:\n"
"  echo  every datagram received on --lport goes back to its sender\n"
"        (zero copy: tern_udp_recv_burst + tern_udp_reply_burst)\n"
"  fwd   datagrams received on --lport are relayed to --raddr/--raddr6:--rport;\n"
"        datagrams coming back from there are relayed to the last client seen\n"
"  rx    a sink: datagrams received on --lport are counted and freed\n"
"  tx    a source: datagrams of --size bytes go from --lport to\n"
"        --raddr/--raddr6:--rport, as fast as possible or at --rate (what\n"
"        comes back to --lport is counted and freed)\n"
"A stream is opened on --lport for each family given (--addr, --addr6).\n"
"Runs until SIGINT/SIGTERM, --duration, or --count datagrams.\n"
"\n"
"Options:\n"
"  --proto udp|tcp       transport protocol (default udp). With tcp: echo, rx\n"
"                        and fwd accept connections on --lport (fwd opens one to\n"
"                        the backend per client); tx opens --conns connections\n"
"                        per worker and family (at most 64 at once), each sends\n"
"                        the worker's share of --count bytes (0: no end) of a\n"
"                        fixed pattern, then a FIN; --size and --rate do not\n"
"                        apply; --count for echo, rx, fwd: connections to serve\n"
"  --api burst|sock      burst (default): the stream calls (zero-copy bursts of\n"
"                        mbufs); sock: TCP echo, rx and tx over the BSD-shaped\n"
"                        sockets and epoll of lib/sock (tern_socket, tern_accept,\n"
"                        tern_recv/tern_send, tern_epoll_wait; copies)\n"
"  --conns N             TCP tx: connections per worker and family, one after\n"
"                        another (default 1); needs --lport 0 if N > 1\n"
"  --mode MODE           echo, fwd, rx or tx (default echo)\n"
"  --addr A.B.C.D/LEN    IPv4 address and prefix length of the port\n"
"  --addr6 ADDR/LEN      IPv6 address and prefix length of the port\n"
"                        (at least one of --addr and --addr6 is required)\n"
"  --lport P             local UDP port of the streams (required; 0 picks an\n"
"                        ephemeral port, tx mode only)\n"
"  --raddr A.B.C.D       IPv4 remote: target of tx, backend of fwd (needs --addr)\n"
"  --raddr6 ADDR         IPv6 remote: target of tx, backend of fwd (needs --addr6)\n"
"  --rport P             remote UDP port (required with --raddr/--raddr6)\n"
"  --size N              tx: payload bytes per datagram, 0..%u (default %u);\n"
"                        more than fits in one IP packet is fragmented\n"
"  --count N             tx: datagrams to send in all, then exit; echo, fwd, rx:\n"
"                        exit once N datagrams were received (default 0: no limit)\n"
"  --rate PPS            tx: datagrams per second in all (default 0: as fast as\n"
"                        possible)\n"
"  --burst N             datagrams per receive/send call, 1..%u (default %u)\n"
"  --lcores N            worker contexts, one per EAL worker lcore, each on its own\n"
"                        device queue (default 1; N > 1 needs N worker lcores,\n"
"                        e.g. EAL -l 0-N). With no worker lcore the main lcore\n"
"                        polls; otherwise the main lcore only prints and times.\n"
"                        The device's RSS spreads flows over the contexts (or\n"
"                        tern's software dispatcher, for a device without RSS\n"
"                        or with fewer queues); TCP active opens pick local\n"
"                        ports whose replies come back to their own context\n"
"  --steer auto|rss|sw   with --lcores > 1, who steers flows to the contexts:\n"
"                        auto (default): the device's RSS if tern can read or\n"
"                        set its key and table, else tern's software dispatcher\n"
"                        (net_tap); rss: the device's queues even so, assuming\n"
"                        the default key (on net_tap TCP active opens then\n"
"                        fail); sw: the software dispatcher\n"
"  --port N              ethdev port to use (default 0)\n"
"  --gw A.B.C.D          IPv4 default gateway\n"
"  --gw6 ADDR            IPv6 default gateway\n"
"  --neigh IP,MAC        a permanent neighbor (IPv4 or IPv6) on the port, for a\n"
"                        peer that answers no ARP/ND (e.g. dpdk-testpmd);\n"
"                        repeatable, up to %u\n"
"  --stats-interval SEC  print rates and drop counters every SEC seconds\n"
"                        (default 0: only the final counters at exit)\n"
"  --duration SEC        exit after SEC seconds (default 0: run until a signal)\n"
"  --no-offload          use no device offload (software checksums)\n"
"  --tso                 TCP: let the device cut each send of up to 64000 bytes\n"
"                        into MSS-sized segments (TSO), if it has TSO,\n"
"                        multi-segment tx and TCP checksum offload; tern enables\n"
"                        the device's TSO only when asked. Without it, or on a\n"
"                        device without TSO, tern cuts the sends itself (software\n"
"                        TSO). Counters tcp_tso_segs, tcp_tso_sw_bytes. Not with\n"
"                        --no-offload\n"
"  --sha256              TCP rx and tx: a SHA-256 of the bytes each connection\n"
"                        received (rx) or sent (tx), printed when it ends (below)\n"
"  --pcap FILE           capture every frame read from and queued for the port to\n"
"                        FILE (pcapng, for tshark/Wireshark), checksums as on the\n"
"                        wire; the count is printed at exit\n"
"  --snaplen N           with --pcap: keep N bytes of each frame (64..65535,\n"
"                        default all)\n"
"  --impair SPEC         impair the port's traffic in both directions, like netem\n"
"                        but seeded: SPEC is key=value pairs separated by commas,\n"
"                        loss, dup, reorder, corrupt in percent, delay in ms,\n"
"                        seed (default 0), e.g. loss=1,reorder=1,delay=5,seed=42;\n"
"                        worker i uses seed + i (counters impair_*)\n"
"  -h, --help            this text\n"
"\n"
"tx and fwd first resolve the next hop of each remote (pinging it until its\n"
"MAC is known); tx sends nothing before.\n"
"\n"
"Output: \"" L4FWD_NAME ": ready\" once set up; at exit a line\n"
"\"" L4FWD_NAME ": final rx_dgrams=N tx_dgrams=N rx_bytes=N tx_bytes=N\" (payload\n"
"bytes, summed over workers), one such line per family, the application's\n"
"own drops if any, then every non-zero tern counter summed over contexts\n"
"under \"" L4FWD_NAME ": counters (final):\". With --sha256, each connection\n"
"prints as it ends \"" L4FWD_NAME ": conn ipv4|ipv6 rx|tx bytes=N secs=S\n"
"mbit_s=R end=done|error|open sha256=HEX\" (secs: since it was established;\n"
"open: still open at exit).\n"
"\n"
"Exit status: 0 on success, 1 on a run-time failure, 2 on bad options.\n"
"\n"
"Examples (TAP port, the kernel at 10.0.0.2 / fd00::2):\n"
"  %s --no-huge -m 512 --no-pci --vdev net_tap0,iface=tern0 -- \\\n"
"      --mode echo --addr 10.0.0.1/24 --addr6 fd00::1/64 --lport 7000\n"
"  %s --no-huge -m 512 --no-pci --vdev net_tap0,iface=tern0 -- \\\n"
"      --mode tx --addr 10.0.0.1/24 --lport 7000 --raddr 10.0.0.2 --rport 9000 \\\n"
"      --size 512 --count 10000\n",
		prog, TERN_UDP_MAX_PAYLOAD, L4FWD_DEF_SIZE, L4FWD_MAX_BURST, L4FWD_DEF_BURST,
		L4FWD_MAX_NEIGH, prog, prog);
}

const char *
l4fwd_mode_name(enum l4fwd_mode m)
{
	switch (m) {
	case L4FWD_ECHO: return "echo";
	case L4FWD_FWD: return "fwd";
	case L4FWD_RX: return "rx";
	case L4FWD_TX: return "tx";
	}
	return "?";
}

static int
parse_double(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return (errno != 0 || end == s || *end != '\0' || !(*out >= 0) || *out > 1e9) ? -1 : 0;
}

static int
parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v > max)
		return -1;
	*out = v;
	return 0;
}

/* An address with a mandatory, non-zero prefix length. */
static int
parse_prefix4(const char *s, tern_ip4_t *a, uint8_t *len)
{
	return (strchr(s, '/') == NULL || tern_ip4_parse(s, a, len) != 0 || *len == 0) ? -1 : 0;
}

static int
parse_prefix6(const char *s, struct tern_ip6 *a, uint8_t *len)
{
	return (strchr(s, '/') == NULL || tern_ip6_parse(s, a, len) != 0 || *len == 0) ? -1 : 0;
}

/* A host address: no prefix. */
static int
parse_host4(const char *s, tern_ip4_t *a)
{
	return (strchr(s, '/') != NULL || tern_ip4_parse(s, a, NULL) != 0) ? -1 : 0;
}

static int
parse_host6(const char *s, struct tern_ip6 *a)
{
	return (strchr(s, '/') != NULL || tern_ip6_parse(s, a, NULL) != 0) ? -1 : 0;
}

/* "IP,MAC": an IPv4 or IPv6 host address and an Ethernet address. */
static int
parse_neigh(const char *s, struct l4fwd_neigh *n)
{
	char buf[INET6_ADDRSTRLEN + RTE_ETHER_ADDR_FMT_SIZE + 2];
	char *comma;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	/* the last comma: an IPv6 address has none, a MAC has none */
	comma = strrchr(buf, ',');
	if (comma == NULL)
		return -1;
	*comma = '\0';
	if (rte_ether_unformat_addr(comma + 1, &n->mac) != 0 ||
	    !rte_is_unicast_ether_addr(&n->mac) || rte_is_zero_ether_addr(&n->mac))
		return -1;
	if (parse_host4(buf, &n->ip4) == 0 && n->ip4 != 0) {
		n->family = L4FWD_V4;
		return 0;
	}
	if (parse_host6(buf, &n->ip6) == 0) {
		n->family = L4FWD_V6;
		return 0;
	}
	return -1;
}

/* Checks across options, once all are read. */
static int
check_opts(const struct l4fwd_opts *o, bool have_lport, bool have_rport)
{
	const char *p = L4FWD_NAME;

	if (!o->have_addr[L4FWD_V4] && !o->have_addr[L4FWD_V6]) {
		fprintf(stderr, "%s: give --addr and/or --addr6\n", p);
		return -1;
	}
	if (!have_lport) {
		fprintf(stderr, "%s: give --lport\n", p);
		return -1;
	}
	if (o->lport == 0 && o->mode != L4FWD_TX) {
		fprintf(stderr, "%s: --lport 0 (ephemeral) only makes sense with --mode tx\n", p);
		return -1;
	}
	if (o->have_raddr[L4FWD_V4] && !o->have_addr[L4FWD_V4]) {
		fprintf(stderr, "%s: --raddr needs --addr (an IPv4 address to send from)\n", p);
		return -1;
	}
	if (o->have_raddr[L4FWD_V6] && !o->have_addr[L4FWD_V6]) {
		fprintf(stderr, "%s: --raddr6 needs --addr6 (an IPv6 address to send from)\n", p);
		return -1;
	}
	if ((o->have_gw[L4FWD_V4] && !o->have_addr[L4FWD_V4]) ||
	    (o->have_gw[L4FWD_V6] && !o->have_addr[L4FWD_V6])) {
		fprintf(stderr, "%s: --gw needs --addr, --gw6 needs --addr6\n", p);
		return -1;
	}
	if (o->mode == L4FWD_TX || o->mode == L4FWD_FWD) {
		if (!o->have_raddr[L4FWD_V4] && !o->have_raddr[L4FWD_V6]) {
			fprintf(stderr, "%s: --mode %s needs --raddr and/or --raddr6\n", p,
				l4fwd_mode_name(o->mode));
			return -1;
		}
		if (!have_rport) {
			fprintf(stderr, "%s: --mode %s needs --rport\n", p,
				l4fwd_mode_name(o->mode));
			return -1;
		}
	} else if (o->have_raddr[L4FWD_V4] || o->have_raddr[L4FWD_V6] || have_rport) {
		fprintf(stderr, "%s: --raddr, --raddr6 and --rport are for --mode tx and fwd\n",
			p);
		return -1;
	}
	for (unsigned int i = 0; i < o->nb_neigh; i++) {
		if (!o->have_addr[o->neigh[i].family]) {
			fprintf(stderr, "%s: --neigh %s needs --%s\n", p,
				o->neigh[i].family == L4FWD_V4 ? "for an IPv4 address" :
				"for an IPv6 address",
				o->neigh[i].family == L4FWD_V4 ? "addr" : "addr6");
			return -1;
		}
	}
	if (o->api_sock && (!o->tcp || o->mode == L4FWD_FWD)) {
		fprintf(stderr, "%s: --api sock runs the TCP echo, rx and tx modes (use --api "
			"burst for UDP and for fwd)\n", p);
		return -1;
	}
	if (o->tcp && o->mode == L4FWD_TX && o->lport != 0 && (o->lcores > 1 || o->conns > 1)) {
		fprintf(stderr, "%s: TCP tx with --lcores > 1 or --conns > 1 needs --lport 0 "
			"(a fixed local port is one 4-tuple for all)\n", p);
		return -1;
	}
	if (o->tso && (!o->tcp || o->no_offload)) {
		fprintf(stderr, "%s: --tso is for --proto tcp, without --no-offload\n", p);
		return -1;
	}
	if (o->sha256 && (!o->tcp || (o->mode != L4FWD_RX && o->mode != L4FWD_TX))) {
		fprintf(stderr, "%s: --sha256 is for --proto tcp --mode rx or tx\n", p);
		return -1;
	}
	if (o->mode != L4FWD_TX && o->rate != 0) {
		fprintf(stderr, "%s: --rate is for --mode tx\n", p);
		return -1;
	}
	return 0;
}

int
l4fwd_parse_args(int argc, char **argv, struct l4fwd_opts *o)
{
	enum { O_PROTO = 256, O_MODE, O_ADDR, O_ADDR6, O_LPORT, O_RADDR, O_RPORT, O_RADDR6,
	       O_SIZE, O_COUNT, O_RATE, O_BURST, O_LCORES, O_PORT, O_GW, O_GW6, O_STATS,
	       O_DURATION, O_NOOFF, O_NEIGH, O_IMPAIR, O_API, O_CONNS, O_SWDISP,
	       O_TSO, O_SHA256, O_PCAP, O_SNAPLEN, O_LAST = O_SNAPLEN };
	static const struct option lo[] = {
		{ "proto", required_argument, NULL, O_PROTO },
		{ "mode", required_argument, NULL, O_MODE },
		{ "addr", required_argument, NULL, O_ADDR },
		{ "addr6", required_argument, NULL, O_ADDR6 },
		{ "lport", required_argument, NULL, O_LPORT },
		{ "raddr", required_argument, NULL, O_RADDR },
		{ "rport", required_argument, NULL, O_RPORT },
		{ "raddr6", required_argument, NULL, O_RADDR6 },
		{ "size", required_argument, NULL, O_SIZE },
		{ "count", required_argument, NULL, O_COUNT },
		{ "rate", required_argument, NULL, O_RATE },
		{ "burst", required_argument, NULL, O_BURST },
		{ "lcores", required_argument, NULL, O_LCORES },
		{ "port", required_argument, NULL, O_PORT },
		{ "gw", required_argument, NULL, O_GW },
		{ "gw6", required_argument, NULL, O_GW6 },
		{ "stats-interval", required_argument, NULL, O_STATS },
		{ "duration", required_argument, NULL, O_DURATION },
		{ "no-offload", no_argument, NULL, O_NOOFF },
		{ "neigh", required_argument, NULL, O_NEIGH },
		{ "impair", required_argument, NULL, O_IMPAIR },
		{ "api", required_argument, NULL, O_API },
		{ "conns", required_argument, NULL, O_CONNS },
		{ "steer", required_argument, NULL, O_SWDISP },
		{ "tso", no_argument, NULL, O_TSO },
		{ "sha256", no_argument, NULL, O_SHA256 },
		{ "pcap", required_argument, NULL, O_PCAP },
		{ "snaplen", required_argument, NULL, O_SNAPLEN },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* What each option takes, for the error message; in enum order. */
	static const char *const expect[] = {
		"udp or tcp", "echo, fwd, rx or tx", "A.B.C.D/LEN", "ADDR/LEN", "a port, 0..65535",
		"A.B.C.D, not 0.0.0.0", "a port, 1..65535", "an IPv6 address", "bytes, 0..65507",
		"a count", "datagrams per second", "1..512", "a number of lcores, 1 or more",
		"a port id", "A.B.C.D", "an IPv6 address", "seconds", "seconds", "",
		"IP,MAC (a unicast MAC)",
		"loss=PCT,dup=PCT,reorder=PCT,corrupt=PCT,delay=MS,seed=N",
		"sock or burst", "a count, 1 or more", "auto, rss or sw", "", "",
		"a file name", "bytes, 64..65535",
	};
	bool have_lport = false, have_rport = false, have_conns = false;
	uint64_t v;
	int c;

	RTE_BUILD_BUG_ON(RTE_DIM(expect) != O_LAST - O_PROTO + 1);

	memset(o, 0, sizeof(*o));
	o->mode = L4FWD_ECHO;
	o->size = L4FWD_DEF_SIZE;
	o->burst = L4FWD_DEF_BURST;
	o->lcores = 1;
	o->conns = 1;
	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case O_PROTO:
			if (strcmp(optarg, "tcp") == 0)
				o->tcp = true;
			else if (strcmp(optarg, "udp") == 0)
				o->tcp = false;
			else
				goto bad;
			break;
		case O_MODE:
			if (strcmp(optarg, "echo") == 0)
				o->mode = L4FWD_ECHO;
			else if (strcmp(optarg, "fwd") == 0)
				o->mode = L4FWD_FWD;
			else if (strcmp(optarg, "rx") == 0)
				o->mode = L4FWD_RX;
			else if (strcmp(optarg, "tx") == 0)
				o->mode = L4FWD_TX;
			else
				goto bad;
			break;
		case O_ADDR:
			if (parse_prefix4(optarg, &o->addr, &o->addr_len) != 0)
				goto bad;
			o->have_addr[L4FWD_V4] = true;
			break;
		case O_ADDR6:
			if (parse_prefix6(optarg, &o->addr6, &o->addr6_len) != 0)
				goto bad;
			o->have_addr[L4FWD_V6] = true;
			break;
		case O_LPORT:
			if (parse_u64(optarg, UINT16_MAX, &v) != 0)
				goto bad;
			o->lport = (uint16_t)v;
			have_lport = true;
			break;
		case O_RADDR:
			if (parse_host4(optarg, &o->raddr) != 0 || o->raddr == 0)
				goto bad;
			o->have_raddr[L4FWD_V4] = true;
			break;
		case O_RADDR6:
			if (parse_host6(optarg, &o->raddr6) != 0)
				goto bad;
			o->have_raddr[L4FWD_V6] = true;
			break;
		case O_RPORT:
			if (parse_u64(optarg, UINT16_MAX, &v) != 0 || v == 0)
				goto bad;
			o->rport = (uint16_t)v;
			have_rport = true;
			break;
		case O_SIZE:
			if (parse_u64(optarg, TERN_UDP_MAX_PAYLOAD, &v) != 0)
				goto bad;
			o->size = (uint32_t)v;
			break;
		case O_COUNT:
			if (parse_u64(optarg, UINT64_MAX, &o->count) != 0)
				goto bad;
			break;
		case O_RATE:
			if (parse_u64(optarg, UINT32_MAX, &o->rate) != 0)
				goto bad;
			break;
		case O_BURST:
			if (parse_u64(optarg, L4FWD_MAX_BURST, &v) != 0 || v == 0)
				goto bad;
			o->burst = (uint16_t)v;
			break;
		case O_LCORES:
			if (parse_u64(optarg, RTE_MAX_LCORE - 1, &v) != 0 || v == 0)
				goto bad;
			o->lcores = (uint16_t)v;
			break;
		case O_PORT:
			if (parse_u64(optarg, UINT16_MAX - 1, &v) != 0)
				goto bad;
			o->port = (uint16_t)v;
			break;
		case O_GW:
			if (parse_host4(optarg, &o->gw) != 0)
				goto bad;
			o->have_gw[L4FWD_V4] = true;
			break;
		case O_GW6:
			if (parse_host6(optarg, &o->gw6) != 0)
				goto bad;
			o->have_gw[L4FWD_V6] = true;
			break;
		case O_STATS:
			if (parse_double(optarg, &o->stats_interval) != 0)
				goto bad;
			break;
		case O_DURATION:
			if (parse_double(optarg, &o->duration) != 0)
				goto bad;
			break;
		case O_NOOFF:
			o->no_offload = true;
			break;
		case O_NEIGH:
			if (o->nb_neigh == L4FWD_MAX_NEIGH) {
				fprintf(stderr, "%s: at most %u --neigh\n", L4FWD_NAME,
					L4FWD_MAX_NEIGH);
				return -1;
			}
			if (parse_neigh(optarg, &o->neigh[o->nb_neigh]) != 0)
				goto bad;
			o->nb_neigh++;
			break;
		case O_IMPAIR:
			if (tern_impair_parse(optarg, &o->impair) != 0)
				goto bad;
			o->have_impair = true;
			break;
		case O_API:
			if (strcmp(optarg, "sock") == 0)
				o->api_sock = true;
			else if (strcmp(optarg, "burst") == 0)
				o->api_sock = false;
			else
				goto bad;
			break;
		case O_CONNS:
			if (parse_u64(optarg, UINT32_MAX, &v) != 0 || v == 0)
				goto bad;
			o->conns = (uint32_t)v;
			have_conns = true;
			break;
		case O_SWDISP:
			o->sw_dispatch = strcmp(optarg, "sw") == 0;
			o->rss_assume = strcmp(optarg, "rss") == 0;
			if (!o->sw_dispatch && !o->rss_assume && strcmp(optarg, "auto") != 0)
				goto bad;
			break;
		case O_TSO:
			o->tso = true;
			break;
		case O_SHA256:
			o->sha256 = true;
			break;
		case O_PCAP:
			if (*optarg == '\0')
				goto bad;
			o->pcap = optarg;
			break;
		case O_SNAPLEN:
			if (parse_u64(optarg, UINT16_MAX, &v) != 0 || v < 64)
				goto bad;
			o->snaplen = (uint32_t)v;
			break;
		case 'h':
			l4fwd_usage(stdout, L4FWD_NAME);
			exit(0);
		default:
			/* getopt_long has said what was wrong */
			fprintf(stderr, "%s: see --help\n", L4FWD_NAME);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", L4FWD_NAME, argv[optind]);
		return -1;
	}
	if (have_conns && !(o->tcp && o->mode == L4FWD_TX)) {
		fprintf(stderr, "%s: --conns is for --proto tcp --mode tx\n", L4FWD_NAME);
		return -1;
	}
	return check_opts(o, have_lport, have_rport);
bad:
	fprintf(stderr, "%s: invalid value '%s' for --%s: expected %s (see --help)\n",
		L4FWD_NAME, optarg, lo[c - O_PROTO].name, expect[c - O_PROTO]);
	return -1;
}
