/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * tern-l4fwd: its own options. The port, addresses, routes, neighbors,
 * --lcores, --duration, --pcap and --config are the common bring-up's
 * (tern_app.h), which prints both in --help.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>

#include "l4fwd.h"

enum {
	O_PROTO, O_MODE, O_LPORT, O_RADDR, O_RPORT, O_RADDR6, O_SIZE, O_COUNT, O_RATE,
	O_BURST, O_STATS, O_IMPAIR, O_API, O_CONNS, O_STEER, O_TSO, O_SHA256, O_TX_HOLD,
};

#define STR_(x)	#x
#define STR(x)	STR_(x)

static const struct tern_app_opt l4fwd_opts[] = {
	{ "proto", "udp|tcp", "transport protocol (default udp). With tcp: echo, rx\n"
	  "and fwd accept connections on --lport (fwd opens one to\n"
	  "the backend per client); tx opens --conns connections\n"
	  "per worker and family (at most 64 at once), each sends\n"
	  "the worker's share of --count bytes (0: no end) of a\n"
	  "fixed pattern, then a FIN; --size and --rate do not\n"
	  "apply; --count for echo, rx, fwd: connections to serve", "udp or tcp", O_PROTO },
	{ "api", "burst|sock", "burst (default): the stream calls (zero-copy bursts of\n"
	  "mbufs); sock: TCP echo, rx and tx over the BSD-shaped\n"
	  "sockets and epoll of lib/sock (tern_socket, tern_accept,\n"
	  "tern_recv/tern_send, tern_epoll_wait; copies)", "sock or burst", O_API },
	{ "conns", "N", "TCP tx: connections per worker and family, one after\n"
	  "another (default 1); needs --lport 0 if N > 1", "a count, 1 or more", O_CONNS },
	{ "mode", "MODE", "echo, fwd, rx or tx (default echo)", "echo, fwd, rx or tx", O_MODE },
	{ "lport", "P", "local UDP/TCP port of the streams (required; 0 picks an\n"
	  "ephemeral port, tx mode only)", "a port, 0..65535", O_LPORT },
	{ "raddr", "A.B.C.D", "IPv4 remote: target of tx, backend of fwd (needs --addr)",
	  "A.B.C.D, not 0.0.0.0", O_RADDR },
	{ "raddr6", "ADDR", "IPv6 remote: target of tx, backend of fwd (needs --addr6)",
	  "an IPv6 address", O_RADDR6 },
	{ "rport", "P", "remote port (required with --raddr/--raddr6)", "a port, 1..65535",
	  O_RPORT },
	{ "size", "N", "tx: payload bytes per datagram, 0.." STR(TERN_UDP_MAX_PAYLOAD)
	  " (default " STR(L4FWD_DEF_SIZE) ");\nmore than fits in one IP packet is fragmented",
	  "bytes, 0..65507", O_SIZE },
	{ "count", "N", "tx: datagrams to send in all, then exit; echo, fwd, rx:\n"
	  "exit once N datagrams were received (default 0: no limit)", "a count", O_COUNT },
	{ "rate", "PPS", "tx: datagrams per second in all (default 0: as fast as\npossible)",
	  "datagrams per second", O_RATE },
	{ "burst", "N", "datagrams per receive/send call, 1.." STR(L4FWD_MAX_BURST)
	  " (default " STR(L4FWD_DEF_BURST) ")", "1..512", O_BURST },
	{ "tx-hold", "US", "send a port's packets in bursts of 32, or once the\n"
	  "oldest has waited US microseconds (default 0: at the end\n"
	  "of every poll; tern_ctx_set_tx_hold())", "0..1000000", O_TX_HOLD },
	{ "steer", "auto|rss|sw", "with --lcores > 1, who steers flows to the contexts:\n"
	  "auto (default): the device's RSS if tern can read or\n"
	  "set its key and table, else tern's software dispatcher\n"
	  "(net_tap); rss: the device's queues even so, assuming\n"
	  "the default key (on net_tap TCP active opens then\n"
	  "fail); sw: the software dispatcher", "auto, rss or sw", O_STEER },
	{ "stats-interval", "SEC", "print rates and drop counters every SEC seconds\n"
	  "(default 0: only the final counters at exit)", "seconds", O_STATS },
	{ "tso", NULL, "TCP: let the device cut each send of up to 64000 bytes\n"
	  "into MSS-sized segments (TSO), if it has TSO,\n"
	  "multi-segment tx and TCP checksum offload; tern enables\n"
	  "the device's TSO only when asked. Without it, or on a\n"
	  "device without TSO, tern cuts the sends itself (software\n"
	  "TSO). Counters tcp_tso_segs, tcp_tso_sw_bytes. Not with\n"
	  "--no-offload", NULL, O_TSO },
	{ "sha256", NULL, "TCP rx and tx: a SHA-256 of the bytes each connection\n"
	  "received (rx) or sent (tx), printed when it ends (below)", NULL, O_SHA256 },
	{ "impair", "SPEC", "impair the port's traffic in both directions, like netem\n"
	  "but seeded: SPEC is key=value pairs separated by commas,\n"
	  "loss, dup, reorder, corrupt in percent, delay in ms,\n"
	  "seed (default 0), e.g. loss=1,reorder=1,delay=5,seed=42;\n"
	  "worker i uses seed + i (counters impair_*)",
	  "loss=PCT,dup=PCT,reorder=PCT,corrupt=PCT,delay=MS,seed=N", O_IMPAIR },
	{ NULL, NULL, NULL, NULL, 0 },
};

static const char l4fwd_about[] =
"A UDP or TCP workload over tern, one tern context per worker lcore:\n"
"  echo  every datagram received on --lport goes back to its sender\n"
"        (zero copy: tern_udp_recv_burst + tern_udp_reply_burst)\n"
"  fwd   datagrams received on --lport are relayed to --raddr/--raddr6:--rport;\n"
"        datagrams coming back from there are relayed to the last client seen\n"
"  rx    a sink: datagrams received on --lport are counted and freed\n"
"  tx    a source: datagrams of --size bytes go from --lport to\n"
"        --raddr/--raddr6:--rport, as fast as possible or at --rate (what\n"
"        comes back to --lport is counted and freed)\n"
"A stream is opened on --lport for each family given (--addr, --addr6), on\n"
"one port (--port N, default 0). Runs until SIGINT/SIGTERM, --duration, or\n"
"--count datagrams. With --lcores N > 1 each context has its own device\n"
"queue; the main lcore only prints and times. The device's RSS spreads\n"
"flows over the contexts (or tern's software dispatcher, for a device\n"
"without RSS or with fewer queues); TCP active opens pick local ports whose\n"
"replies come back to their own context. --neigh IP,MAC is for a peer that\n"
"answers no ARP/ND (e.g. dpdk-testpmd).\n";

static const char l4fwd_epilog[] =
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
"  " L4FWD_NAME " --no-huge -m 512 --no-pci --vdev net_tap0,iface=tern0 -- \\\n"
"      --mode echo --addr 10.0.0.1/24 --addr6 fd00::1/64 --lport 7000\n"
"  " L4FWD_NAME " --no-huge -m 512 --no-pci --vdev net_tap0,iface=tern0 -- \\\n"
"      --mode tx --addr 10.0.0.1/24 --lport 7000 --raddr 10.0.0.2 --rport 9000 \\\n"
"      --size 512 --count 10000\n"
"  " L4FWD_NAME " --config examples/config/l4fwd-echo.ini\n";

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

/* One of tern-l4fwd's options (tern_app_parse_t). */
static int
parse_opt(void *arg, int id, const char *val)
{
	struct l4fwd_opts *o = arg;
	uint64_t v;

	switch (id) {
	case O_PROTO:
		if (strcmp(val, "tcp") == 0)
			o->tcp = true;
		else if (strcmp(val, "udp") == 0)
			o->tcp = false;
		else
			return TERN_APP_OPT_BAD;
		return 0;
	case O_MODE:
		if (strcmp(val, "echo") == 0)
			o->mode = L4FWD_ECHO;
		else if (strcmp(val, "fwd") == 0)
			o->mode = L4FWD_FWD;
		else if (strcmp(val, "rx") == 0)
			o->mode = L4FWD_RX;
		else if (strcmp(val, "tx") == 0)
			o->mode = L4FWD_TX;
		else
			return TERN_APP_OPT_BAD;
		return 0;
	case O_LPORT:
		if (parse_u64(val, UINT16_MAX, &v) != 0)
			return TERN_APP_OPT_BAD;
		o->lport = (uint16_t)v;
		o->have_lport = true;
		return 0;
	case O_RADDR:
		if (parse_host4(val, &o->raddr) != 0 || o->raddr == 0)
			return TERN_APP_OPT_BAD;
		o->have_raddr[L4FWD_V4] = true;
		return 0;
	case O_RADDR6:
		if (parse_host6(val, &o->raddr6) != 0)
			return TERN_APP_OPT_BAD;
		o->have_raddr[L4FWD_V6] = true;
		return 0;
	case O_RPORT:
		if (parse_u64(val, UINT16_MAX, &v) != 0 || v == 0)
			return TERN_APP_OPT_BAD;
		o->rport = (uint16_t)v;
		o->have_rport = true;
		return 0;
	case O_SIZE:
		if (parse_u64(val, TERN_UDP_MAX_PAYLOAD, &v) != 0)
			return TERN_APP_OPT_BAD;
		o->size = (uint32_t)v;
		return 0;
	case O_COUNT:
		return parse_u64(val, UINT64_MAX, &o->count) != 0 ? TERN_APP_OPT_BAD : 0;
	case O_RATE:
		return parse_u64(val, UINT32_MAX, &o->rate) != 0 ? TERN_APP_OPT_BAD : 0;
	case O_BURST:
		if (parse_u64(val, L4FWD_MAX_BURST, &v) != 0 || v == 0)
			return TERN_APP_OPT_BAD;
		o->burst = (uint16_t)v;
		return 0;
	case O_STATS:
		return parse_double(val, &o->stats_interval) != 0 ? TERN_APP_OPT_BAD : 0;
	case O_TX_HOLD:
		if (parse_u64(val, 1000000, &v) != 0)
			return TERN_APP_OPT_BAD;
		o->tx_hold_ns = v * 1000;
		return 0;
	case O_IMPAIR:
		if (tern_impair_parse(val, &o->impair) != 0)
			return TERN_APP_OPT_BAD;
		o->have_impair = true;
		return 0;
	case O_API:
		if (strcmp(val, "sock") == 0)
			o->api_sock = true;
		else if (strcmp(val, "burst") == 0)
			o->api_sock = false;
		else
			return TERN_APP_OPT_BAD;
		return 0;
	case O_CONNS:
		if (parse_u64(val, UINT32_MAX, &v) != 0 || v == 0)
			return TERN_APP_OPT_BAD;
		o->conns = (uint32_t)v;
		o->have_conns = true;
		return 0;
	case O_STEER:
		o->sw_dispatch = strcmp(val, "sw") == 0;
		o->rss_assume = strcmp(val, "rss") == 0;
		if (!o->sw_dispatch && !o->rss_assume && strcmp(val, "auto") != 0)
			return TERN_APP_OPT_BAD;
		return 0;
	case O_TSO:
		o->tso = true;
		return 0;
	case O_SHA256:
		o->sha256 = true;
		return 0;
	}
	return TERN_APP_OPT_BAD;
}

/* Checks across options, once all are read (tern_app_param::check). */
static int
check_opts(struct tern_app *app, void *arg)
{
	struct tern_app_config *c = tern_app_config(app);
	struct l4fwd_opts *o = arg;
	const char *p = L4FWD_NAME;

	o->port = c->port[0].port_id;
	o->lcores = (uint16_t)c->lcores;
	o->no_offload = c->dev.no_offload;
	o->have_addr[L4FWD_V4] = c->port[0].nb_addr4 > 0;
	o->have_addr[L4FWD_V6] = c->port[0].nb_addr6 > 0;
	if (o->have_conns && !(o->tcp && o->mode == L4FWD_TX)) {
		fprintf(stderr, "%s: --conns is for --proto tcp --mode tx\n", p);
		return -1;
	}
	if (!o->have_lport) {
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
	if (o->mode == L4FWD_TX || o->mode == L4FWD_FWD) {
		if (!o->have_raddr[L4FWD_V4] && !o->have_raddr[L4FWD_V6]) {
			fprintf(stderr, "%s: --mode %s needs --raddr and/or --raddr6\n", p,
				l4fwd_mode_name(o->mode));
			return -1;
		}
		if (!o->have_rport) {
			fprintf(stderr, "%s: --mode %s needs --rport\n", p,
				l4fwd_mode_name(o->mode));
			return -1;
		}
	} else if (o->have_raddr[L4FWD_V4] || o->have_raddr[L4FWD_V6] || o->have_rport) {
		fprintf(stderr, "%s: --raddr, --raddr6 and --rport are for --mode tx and fwd\n",
			p);
		return -1;
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
	/* the device: TSO only when asked for by name; LRO and UFO stay off */
	c->dev.sw_dispatch = o->sw_dispatch;
	c->dev.rss_assume = o->rss_assume;
	if (o->tso)
		c->dev.allow_caps = UINT32_MAX & ~(uint32_t)(TERN_CAP_RX_LRO | TERN_CAP_TX_UFO);
	return 0;
}

void
l4fwd_param(struct tern_app_param *p, struct l4fwd_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->mode = L4FWD_ECHO;
	o->size = L4FWD_DEF_SIZE;
	o->burst = L4FWD_DEF_BURST;
	o->lcores = 1;
	o->conns = 1;
	memset(p, 0, sizeof(*p));
	p->name = L4FWD_NAME;
	p->synopsis = "--addr A.B.C.D/LEN|--addr6 ADDR/LEN --lport P [options]";
	p->about = l4fwd_about;
	p->epilog = l4fwd_epilog;
	p->opts = l4fwd_opts;
	p->parse = parse_opt;
	p->check = check_opts;
	p->arg = o;
	p->section = "l4fwd";
	p->flags = TERN_APP_F_NEED_ADDR | TERN_APP_F_ONE_PORT;
}
