/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_telemetry.h>

#include "tern_net_priv.h"

/*
 * The net layer on the telemetry socket (see lib/core/telemetry.c):
 *
 *   /tern/net/routes[,ID]  the routes of context ID's network (default:
 *                          the first context's)
 *   /tern/net/neigh[,ID]   its neighbor table: address, MAC, state
 *
 * The neighbor table is read without a lock, as every context reads it;
 * the route listing under the route lock.
 */

#define NET_TEL_NEIGH_MAX	128	/* entries listed at most (the socket's reply is 16 KB) */

struct net_pick {
	struct tern_net *net;
};

static void
pick_net(const struct tern_ctx *ctx, void *arg)
{
	struct net_pick *p = arg;

	if (p->net == NULL)
		p->net = ctx->net;
}

/* The network of context @params (or the first one's): NULL if none. */
static struct tern_net *
tel_net(const char *params)
{
	struct net_pick p = { NULL };
	int id = -1;

	if (params != NULL && *params != '\0') {
		id = ctx_tel_param_id(params);
		if (id < 0)
			return NULL;
	}
	/* a network outlives its contexts: the caller may use it after the walk */
	ctx_registry_walk(id, pick_net, &p);
	return p.net;
}

static void
addr_str(uint8_t family, const void *a, char *buf, size_t len)
{
	if (inet_ntop(family == 4 ? AF_INET : AF_INET6, a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
}

struct route_walk {
	struct rte_tel_data *d;
	unsigned int n;
};

static void
route_one(const struct net_route_ent *e, const struct tern_nexthop *nh, void *arg)
{
	struct route_walk *w = arg;
	struct rte_tel_data *r = rte_tel_data_alloc();
	char a[INET6_ADDRSTRLEN + 4], gw[INET6_ADDRSTRLEN], key[16];

	if (r == NULL)
		return;
	rte_tel_data_start_dict(r);
	addr_str(e->family, e->prefix, a, sizeof(a));
	snprintf(a + strlen(a), sizeof(a) - strlen(a), "/%u", e->len);
	rte_tel_data_add_dict_string(r, "prefix", a);
	rte_tel_data_add_dict_int(r, "dev", nh->ifindex);
	if (nh->onlink) {
		rte_tel_data_add_dict_string(r, "via", "on-link");
	} else {
		addr_str(e->family, nh->gw, gw, sizeof(gw));
		rte_tel_data_add_dict_string(r, "via", gw);
	}
	/* dicts in a dict keyed "0", "1", ...: telemetry nests one level, and keys are [A-Za-z0-9_/] */
	snprintf(key, sizeof(key), "%u", w->n);
	if (rte_tel_data_add_dict_container(w->d, key, r, 0) != 0)
		rte_tel_data_free(r);
	else
		w->n++;
}

static int
tel_routes(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct tern_net *net = tel_net(params);
	struct route_walk w = { d, 0 };

	RTE_SET_USED(cmd);
	if (net == NULL)
		return -ENOENT;
	rte_tel_data_start_dict(d);
	route_list(net, route_one, &w);
	return 0;
}

static int
tel_neigh(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct tern_net *net = tel_net(params);
	uint64_t now;
	uint32_t i, n = 0;

	RTE_SET_USED(cmd);
	if (net == NULL)
		return -ENOENT;
	now = clock_ns(&net->clock, rte_rdtsc());
	rte_tel_data_start_dict(d);	/* dicts in a dict, keyed "0", "1", ... */
	for (i = 0; i <= net->neigh_mask && n < NET_TEL_NEIGH_MAX; i++) {
		const struct tern_neigh *e = &net->neigh[i];
		struct rte_ether_addr mac = { { 0 } };
		char a[INET6_ADDRSTRLEN], m[RTE_ETHER_ADDR_FMT_SIZE], k[16];
		struct rte_tel_data *r;
		enum tern_neigh_state st;
		uint8_t key[16];
		uint8_t fam;
		uint16_t ifx;

		if (__atomic_load_n(&e->used, __ATOMIC_ACQUIRE) == 0)
			continue;
		fam = e->family;
		ifx = e->ifindex;
		memcpy(key, e->addr, sizeof(key));
		st = neigh_get(net, ifx, fam, key, now, &mac);
		if (st == TERN_NEIGH_NONE)
			continue;
		r = rte_tel_data_alloc();
		if (r == NULL)
			break;
		rte_tel_data_start_dict(r);
		addr_str(fam, key, a, sizeof(a));
		rte_ether_format_addr(m, sizeof(m), &mac);
		rte_tel_data_add_dict_string(r, "addr", a);
		rte_tel_data_add_dict_int(r, "dev", ifx);
		rte_tel_data_add_dict_string(r, "mac", m);
		rte_tel_data_add_dict_string(r, "state", tern_neigh_state_name(st));
		snprintf(k, sizeof(k), "%u", n);
		if (rte_tel_data_add_dict_container(d, k, r, 0) != 0) {
			rte_tel_data_free(r);
			break;
		}
		n++;
	}
	return 0;
}

void
net_tel_info(const struct tern_ctx *ctx, struct rte_tel_data *d)
{
	const struct tern_net_ctx *nc = ctx->net_ctx;

	if (nc != NULL)
		rte_tel_data_add_dict_u64(d, "neigh_held", nc->nb_held);
}

RTE_INIT(tern_net_telemetry)
{
	rte_telemetry_register_cmd("/tern/net/routes", tel_routes,
		"tern's routes. Parameter: a context id (its network; default the first)");
	rte_telemetry_register_cmd("/tern/net/neigh", tel_neigh,
		"tern's neighbor table (ARP, ND). Parameter: a context id (its network)");
}
