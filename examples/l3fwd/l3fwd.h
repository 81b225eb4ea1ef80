/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef L3FWD_H
#define L3FWD_H

/* tern-l3fwd: an IPv4/IPv6 router over tern's net layer (lib/net/fwd.c). */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_ether.h>

#include <tern/tern.h>

#define L3FWD_NAME	"tern-l3fwd"
#define L3FWD_MAX_ROUTES	256
#define L3FWD_MAX_NEIGH		256
#define L3FWD_MAX_LCORES	RTE_MAX_LCORE

struct l3fwd_port_opt {
	uint16_t port_id;		/* ethdev port */
	uint16_t mtu;			/* 0: the device's */
	uint8_t nb_addr4, nb_addr6;
	tern_ip4_t addr4[TERN_MAX_ADDR4];
	uint8_t len4[TERN_MAX_ADDR4];
	struct tern_ip6 addr6[TERN_MAX_ADDR6 - 1];	/* the link-local one is made */
	uint8_t len6[TERN_MAX_ADDR6 - 1];
};

struct l3fwd_route_opt {
	uint8_t family;			/* 4 or 6 */
	uint8_t len;
	bool have_via;
	int dev;			/* ethdev port of dev=, or -1: found from via */
	tern_ip4_t pfx4, via4;
	struct tern_ip6 pfx6, via6;
	const char *text;		/* for messages */
};

struct l3fwd_neigh_opt {
	uint8_t family;
	int dev;			/* ethdev port of dev=, or -1: found by route */
	tern_ip4_t ip4;
	struct tern_ip6 ip6;
	struct rte_ether_addr mac;
	const char *text;
};

struct l3fwd_opts {
	unsigned int nb_ports;
	struct l3fwd_port_opt port[TERN_MAX_PORTS];
	unsigned int nb_routes;
	struct l3fwd_route_opt route[L3FWD_MAX_ROUTES];
	unsigned int nb_neigh;
	struct l3fwd_neigh_opt neigh[L3FWD_MAX_NEIGH];
	unsigned int lcores;		/* contexts: one per worker lcore, a queue each */
	double stats_interval;		/* seconds; 0: no periodic line */
	double duration;		/* seconds; 0: until SIGINT/SIGTERM */
	bool no_offload;
	bool no_fwd4, no_fwd6;
};

/* args.c */
void l3fwd_usage(FILE *f);
/* @return 0, or -1 after a message on stderr (exit status 2). */
int l3fwd_parse_args(int argc, char **argv, struct l3fwd_opts *o);

#endif /* L3FWD_H */
