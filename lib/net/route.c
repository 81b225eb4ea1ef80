/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_lpm.h>
#include <rte_lpm6.h>
#include <rte_malloc.h>

#include "tern_net_priv.h"

int
route_init(struct tern_net *net)
{
	struct rte_lpm_config c4 = {
		.max_rules = net->p.max_routes4,
		.number_tbl8s = 256,
	};
	struct rte_lpm6_config c6 = {
		.max_rules = net->p.max_routes6,
		.number_tbl8s = 1024,
	};
	char name[RTE_MEMZONE_NAMESIZE];

	snprintf(name, sizeof(name), "tern4_%p", (void *)net);
	net->lpm4 = rte_lpm_create(name, net->p.socket_id, &c4);
	if (net->lpm4 == NULL)
		return -rte_errno;
	snprintf(name, sizeof(name), "tern6_%p", (void *)net);
	net->lpm6 = rte_lpm6_create(name, net->p.socket_id, &c6);
	if (net->lpm6 == NULL) {
		rte_lpm_free(net->lpm4);
		net->lpm4 = NULL;
		return -rte_errno;
	}
	rte_spinlock_init(&net->route_lock);
	net->default4 = -1;
	net->default6 = -1;
	return 0;
}

void
route_fini(struct tern_net *net)
{
	rte_lpm_free(net->lpm4);
	rte_lpm6_free(net->lpm6);
	net->lpm4 = NULL;
	net->lpm6 = NULL;
	rte_free(net->routes);
	net->routes = NULL;
	net->nb_routes = 0;
}

/* Find or make the next hop (family, gw, ifindex); takes a reference. */
static int
nexthop_get(struct tern_net *net, uint8_t family, const void *gw, uint16_t ifindex)
{
	static const uint8_t zero[16];
	size_t alen = family == 4 ? 4 : 16;
	bool onlink = memcmp(gw, zero, alen) == 0;
	int i, free_slot = -1;

	for (i = 0; i < TERN_MAX_NEXTHOPS; i++) {
		struct tern_nexthop *nh = &net->nexthops[i];

		if (nh->refcnt == 0) {
			if (free_slot < 0)
				free_slot = i;
			continue;
		}
		if (nh->family == family && nh->ifindex == ifindex && nh->onlink == onlink &&
		    memcmp(nh->gw, gw, alen) == 0) {
			nh->refcnt++;
			return i;
		}
	}
	if (free_slot < 0)
		return -ENOSPC;
	net->nexthops[free_slot] = (struct tern_nexthop){
		.refcnt = 1, .ifindex = ifindex, .family = family, .onlink = onlink,
	};
	memcpy(net->nexthops[free_slot].gw, gw, alen);
	return free_slot;
}

static void
nexthop_put(struct tern_net *net, uint32_t idx)
{
	/* a route held the reference it gives back */
	TERN_ASSERT(idx < TERN_MAX_NEXTHOPS && net->nexthops[idx].refcnt > 0);
	if (idx < TERN_MAX_NEXTHOPS && net->nexthops[idx].refcnt > 0)
		net->nexthops[idx].refcnt--;
}

/* @prefix of @len bits as the table holds it, the host bits cleared, into @out. */
static void
route_key(uint8_t family, const void *prefix, uint8_t len, uint8_t out[16])
{
	unsigned int i;

	memset(out, 0, 16);
	memcpy(out, prefix, family == 4 ? 4 : 16);
	for (i = len; i < (family == 4 ? 32u : 128u); i++)
		out[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
}

/* The listing of routes: @nh now for (@family, @pfx, @len); route_lock held. */
static int
route_list_set(struct tern_net *net, uint8_t family, const void *pfx, uint8_t len, int nh)
{
	struct net_route_ent *e;
	uint8_t prefix[16];
	uint32_t i;

	route_key(family, pfx, len, prefix);
	for (i = 0; i < net->nb_routes; i++) {
		e = &net->routes[i];
		if (e->family == family && e->len == len &&
		    memcmp(e->prefix, prefix, 16) == 0) {
			e->nh = (uint16_t)nh;
			return 0;
		}
	}
	if (net->nb_routes == net->routes_cap) {
		uint32_t cap = net->routes_cap ? net->routes_cap * 2 : 64;
		void *n = rte_realloc(net->routes, sizeof(*e) * cap, 0);

		if (n == NULL)
			return -ENOMEM;
		net->routes = n;
		net->routes_cap = cap;
	}
	e = &net->routes[net->nb_routes++];
	memset(e, 0, sizeof(*e));
	e->family = family;
	e->len = len;
	e->nh = (uint16_t)nh;
	memcpy(e->prefix, prefix, sizeof(e->prefix));
	return 0;
}

/* Drop (@family, @pfx, @len) from the listing; route_lock held. */
static void
route_list_del(struct tern_net *net, uint8_t family, const void *pfx, uint8_t len)
{
	uint8_t prefix[16];
	uint32_t i;

	route_key(family, pfx, len, prefix);
	for (i = 0; i < net->nb_routes; i++) {
		struct net_route_ent *e = &net->routes[i];

		if (e->family == family && e->len == len &&
		    memcmp(e->prefix, prefix, 16) == 0) {
			net->routes[i] = net->routes[--net->nb_routes];
			return;
		}
	}
}

void
route_list(struct tern_net *net, void (*fn)(const struct net_route_ent *e,
					     const struct tern_nexthop *nh, void *arg), void *arg)
{
	uint32_t i;

	rte_spinlock_lock(&net->route_lock);
	for (i = 0; i < net->nb_routes; i++)
		fn(&net->routes[i], &net->nexthops[net->routes[i].nh], arg);
	rte_spinlock_unlock(&net->route_lock);
}

/*
 * The two tables behind one interface: rte_lpm for IPv4 (host-order keys,
 * depths 1..32) and rte_lpm6; the default route (/0, which neither takes)
 * is kept apart in default4 / default6. Route lock held.
 */
static int
lpm_present(struct tern_net *net, uint8_t family, const uint8_t *prefix, uint8_t len,
	    uint32_t *nh)
{
	uint32_t p4;

	if (family == 6)
		return rte_lpm6_is_rule_present(net->lpm6, prefix, len, nh);
	memcpy(&p4, prefix, 4);
	return rte_lpm_is_rule_present(net->lpm4, rte_be_to_cpu_32(p4), len, nh);
}

static int
lpm_set(struct tern_net *net, uint8_t family, const uint8_t *prefix, uint8_t len, int nh,
	bool add)
{
	uint32_t p4;

	if (family == 6)
		return add ? rte_lpm6_add(net->lpm6, prefix, len, (uint32_t)nh) :
			rte_lpm6_delete(net->lpm6, prefix, len);
	memcpy(&p4, prefix, 4);
	return add ? rte_lpm_add(net->lpm4, rte_be_to_cpu_32(p4), len, (uint32_t)nh) :
		rte_lpm_delete(net->lpm4, rte_be_to_cpu_32(p4), len);
}

/* Add or replace route @prefix/@len (@family) via @gw (all zero: on-link) on @ifindex. */
static int
route_add(struct tern_net *net, uint8_t family, const uint8_t *prefix, uint8_t len,
	  const uint8_t *gw, uint16_t ifindex)
{
	int32_t *dflt = family == 4 ? &net->default4 : &net->default6;
	uint32_t old;
	int nh, ret;

	rte_spinlock_lock(&net->route_lock);
	nh = nexthop_get(net, family, gw, ifindex);
	if (nh < 0) {
		rte_spinlock_unlock(&net->route_lock);
		return nh;
	}
	if (len == 0) {
		if (*dflt >= 0)
			nexthop_put(net, (uint32_t)*dflt);
		__atomic_store_n(dflt, nh, __ATOMIC_RELEASE);
		ret = 0;
	} else {
		/* Replacing a route drops the old next hop's reference. */
		if (lpm_present(net, family, prefix, len, &old) == 1)
			nexthop_put(net, old);
		ret = lpm_set(net, family, prefix, len, nh, true);
		if (ret != 0)
			nexthop_put(net, (uint32_t)nh);
	}
	if (ret == 0)
		/* a listing short of memory misses the route; the lookups do not */
		(void)route_list_set(net, family, prefix, len, nh);
	__atomic_fetch_add(&net->route_gen, 1, __ATOMIC_RELEASE);
	rte_spinlock_unlock(&net->route_lock);
	return ret < 0 ? ret : 0;
}

static int
route_del(struct tern_net *net, uint8_t family, const uint8_t *prefix, uint8_t len)
{
	int32_t *dflt = family == 4 ? &net->default4 : &net->default6;
	uint32_t old;
	int ret = -ENOENT;

	rte_spinlock_lock(&net->route_lock);
	if (len == 0) {
		if (*dflt >= 0) {
			nexthop_put(net, (uint32_t)*dflt);
			__atomic_store_n(dflt, -1, __ATOMIC_RELEASE);
			ret = 0;
		}
	} else if (lpm_present(net, family, prefix, len, &old) == 1) {
		ret = lpm_set(net, family, prefix, len, 0, false);
		if (ret == 0)
			nexthop_put(net, old);
	}
	if (ret == 0)
		route_list_del(net, family, prefix, len);
	__atomic_fetch_add(&net->route_gen, 1, __ATOMIC_RELEASE);
	rte_spinlock_unlock(&net->route_lock);
	return ret;
}

int
tern_net_route4_add(struct tern_net *net, tern_ip4_t prefix, uint8_t len, tern_ip4_t gw,
		    uint16_t ifindex)
{
	if (net == NULL || len > 32 || ifindex >= net->nb_ifaces)
		return -EINVAL;
	return route_add(net, 4, (const uint8_t *)&prefix, len, (const uint8_t *)&gw, ifindex);
}

int
tern_net_route4_del(struct tern_net *net, tern_ip4_t prefix, uint8_t len)
{
	if (net == NULL || len > 32)
		return -EINVAL;
	return route_del(net, 4, (const uint8_t *)&prefix, len);
}

int
tern_net_route6_add(struct tern_net *net, const struct tern_ip6 *prefix, uint8_t len,
		    const struct tern_ip6 *gw, uint16_t ifindex)
{
	static const struct tern_ip6 zero;

	if (net == NULL || prefix == NULL || len > 128 || ifindex >= net->nb_ifaces)
		return -EINVAL;
	return route_add(net, 6, prefix->a, len, (gw != NULL ? gw : &zero)->a, ifindex);
}

int
tern_net_route6_del(struct tern_net *net, const struct tern_ip6 *prefix, uint8_t len)
{
	if (net == NULL || prefix == NULL || len > 128)
		return -EINVAL;
	return route_del(net, 6, prefix->a, len);
}

/*
 * The end of a lookup: table entry @idx (@found), else the default route
 * @dflt; its interface into @ifindex, the next hop (@dst itself on-link)
 * into @nexthop (@alen bytes). @return 0 or -ENETUNREACH.
 */
static inline int
route_result(const struct tern_net *net, bool found, uint32_t idx, const int32_t *dflt,
	     const void *dst, size_t alen, uint16_t *ifindex, void *nexthop)
{
	const struct tern_nexthop *nh;

	if (!found) {
		int32_t d = __atomic_load_n(dflt, __ATOMIC_ACQUIRE);

		if (d < 0)
			return -ENETUNREACH;
		idx = (uint32_t)d;
	}
	nh = &net->nexthops[idx];
	*ifindex = nh->ifindex;
	memcpy(nexthop, nh->onlink ? dst : (const void *)nh->gw, alen);
	return 0;
}

int
tern_net_route4_lookup(const struct tern_net *net, tern_ip4_t dst, uint16_t *ifindex,
		       tern_ip4_t *nexthop)
{
	uint32_t idx = 0;
	bool found = rte_lpm_lookup(net->lpm4, rte_be_to_cpu_32(dst), &idx) == 0;

	return route_result(net, found, idx, &net->default4, &dst, 4, ifindex, nexthop);
}

int
tern_net_route6_lookup(const struct tern_net *net, const struct tern_ip6 *dst,
		       uint16_t *ifindex, struct tern_ip6 *nexthop)
{
	uint32_t idx = 0;
	bool found = rte_lpm6_lookup(net->lpm6, dst->a, &idx) == 0;

	return route_result(net, found, idx, &net->default6, dst->a, 16, ifindex, nexthop->a);
}
