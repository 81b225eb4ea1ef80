/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * tern-l3fwd's own options and its bring-up parameters, apart from main()
 * so that a program taking tern-l3fwd's options and more can build this
 * file in (see l3fwd.h).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "l3fwd.h"

enum { O_STATS, O_NO_FWD4, O_NO_FWD6, O_TX_HOLD };

const struct tern_app_opt l3fwd_opts_table[] = {
	{ "stats-interval", "S", "every S seconds, a line per port: packets per second\n"
	  "received and sent, and packets forwarded and dropped\n"
	  "per second (default 0: none)", "seconds >= 0", O_STATS },
	{ "no-fwd4", NULL, "do not forward IPv4 (still answer for ours)", NULL, O_NO_FWD4 },
	{ "no-fwd6", NULL, "do not forward IPv6 (still answer for ours)", NULL, O_NO_FWD6 },
	{ "tx-hold", "US", "send a port's packets in bursts of 32, or when the\n"
	  "oldest has waited US microseconds, as DPDK's l3fwd does\n"
	  "(its drain time is 100); default 0: at every poll", "0..1000000", O_TX_HOLD },
	{ NULL, NULL, NULL, NULL, 0 },
};

int
l3fwd_parse_opt(void *arg, int id, const char *val)
{
	struct l3fwd_opts *o = arg;
	char *end;

	switch (id) {
	case O_STATS:
		errno = 0;
		o->stats_interval = strtod(val, &end);
		return errno != 0 || end == val || *end != '\0' || !(o->stats_interval >= 0) ||
			o->stats_interval > 1e9 ? TERN_APP_OPT_BAD : 0;
	case O_NO_FWD4:
		o->no_fwd4 = true;
		return 0;
	case O_NO_FWD6:
		o->no_fwd6 = true;
		return 0;
	case O_TX_HOLD: {
		unsigned long long us;

		errno = 0;
		us = strtoull(val, &end, 10);
		if (errno != 0 || end == val || *end != '\0' || val[0] == '-' || us > 1000000)
			return TERN_APP_OPT_BAD;
		o->tx_hold_ns = us * 1000;
		return 0;
	}
	}
	return TERN_APP_OPT_BAD;
}

int
l3fwd_ctx_setup(const struct l3fwd_opts *o, struct tern_ctx *ctx)
{
	return tern_ctx_set_tx_hold(ctx, o->tx_hold_ns);
}

void
l3fwd_param(struct tern_app_param *p, struct l3fwd_opts *o)
{
	memset(p, 0, sizeof(*p));
	p->name = L3FWD_NAME;
	p->synopsis = "--port P,addr=A.B.C.D/LEN[,addr6=ADDR/LEN] ...\n"
		"                   [--route PREFIX/LEN,via=GW|port=P] [--neigh IP,MAC] [options]";
	p->about = "An IPv4 and IPv6 router on tern's net layer. Packets that arrive on a port\n"
		"and are not for one of its addresses are checked (RFC 1812, RFC 4291),\n"
		"their TTL / hop limit decremented, routed by longest prefix, and sent to\n"
		"the next hop, whose MAC is learned by ARP / neighbor discovery (or given\n"
		"with --neigh). Too big: fragmented, or ICMP Fragmentation Needed when DF is\n"
		"set; IPv6 Packet Too Big. Expired: ICMP / ICMPv6 Time Exceeded, from the\n"
		"address of the port it came in on. Packets to our own addresses are\n"
		"answered (ping). Runs until SIGINT/SIGTERM or --duration, then prints the\n"
		"counters. In --route and --neigh a port is named by its number P (port=P,\n"
		"or dev=P as before). A port without RSS gets tern's software dispatcher\n"
		"when --lcores > 1.\n";
	p->epilog = "Exit status: 0 after a clean run, 1 on a run-time failure, 2 on bad\n"
		"arguments.\n";
	p->opts = l3fwd_opts_table;
	p->parse = l3fwd_parse_opt;
	p->arg = o;
	p->section = "l3fwd";
}

