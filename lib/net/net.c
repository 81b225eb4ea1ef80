/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include "tern_net_priv.h"

#define NET_DEF_ROUTES		1024
#define NET_DEF_NEIGH		4096
#define NET_DEF_REACHABLE_NS	(30ULL * NS_PER_S)
#define NET_DEF_STALE_NS	(60ULL * NS_PER_S)
#define NET_DEF_RETRANS_NS	(1ULL * NS_PER_S)
#define NET_DEF_PROBES		3
#define NET_DEF_TTL		64
#define NET_DEF_ICMP_RATE	1000
#define NET_DEF_ICMP_BURST	50
#define NET_DEF_FRAG_TIMEOUT_NS	(30ULL * NS_PER_S)
#define NET_DEF_FRAG_PRESSURE_NS	(1ULL * NS_PER_S)
#define NET_DEF_FRAG_MEM	(4u << 20)
#define NET_DEF_FRAG_DGRAMS	1024

struct tern_net *
tern_net_create(const struct tern_net_param *param)
{
	struct tern_net_param p = { 0 };
	struct tern_net *net;
	int ret;

	if (param != NULL)
		p = *param;
	if (p.socket_id == 0)
		p.socket_id = SOCKET_ID_ANY;
	if (p.max_routes4 == 0)
		p.max_routes4 = NET_DEF_ROUTES;
	if (p.max_routes6 == 0)
		p.max_routes6 = NET_DEF_ROUTES;
	if (p.neigh_entries == 0)
		p.neigh_entries = NET_DEF_NEIGH;
	if (p.neigh_reachable_ns == 0)
		p.neigh_reachable_ns = NET_DEF_REACHABLE_NS;
	if (p.neigh_stale_ns == 0)
		p.neigh_stale_ns = NET_DEF_STALE_NS;
	if (p.neigh_retrans_ns == 0)
		p.neigh_retrans_ns = NET_DEF_RETRANS_NS;
	if (p.neigh_max_probes == 0)
		p.neigh_max_probes = NET_DEF_PROBES;
	if (p.ttl == 0)
		p.ttl = NET_DEF_TTL;
	if (p.frag_timeout_ns == 0)
		p.frag_timeout_ns = NET_DEF_FRAG_TIMEOUT_NS;
	if (p.frag_pressure_timeout_ns == 0)
		p.frag_pressure_timeout_ns = NET_DEF_FRAG_PRESSURE_NS;
	if (p.frag_pressure_timeout_ns > p.frag_timeout_ns)
		p.frag_pressure_timeout_ns = p.frag_timeout_ns;
	if (p.frag_mem_max == 0)
		p.frag_mem_max = NET_DEF_FRAG_MEM;
	if (p.frag_max_datagrams == 0)
		p.frag_max_datagrams = NET_DEF_FRAG_DGRAMS;
	if (!rte_is_power_of_2(p.neigh_entries)) {
		rte_errno = EINVAL;
		return NULL;
	}

	net = rte_zmalloc_socket("tern_net", sizeof(*net), RTE_CACHE_LINE_SIZE, p.socket_id);
	if (net == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	net->p = p;
	clock_init(&net->clock);
	rte_spinlock_init(&net->neigh_lock);
	net->neigh_mask = p.neigh_entries - 1;
	net->neigh = rte_zmalloc_socket("tern_neigh", sizeof(*net->neigh) * p.neigh_entries,
					RTE_CACHE_LINE_SIZE, p.socket_id);
	if (net->neigh == NULL) {
		rte_free(net);
		rte_errno = ENOMEM;
		return NULL;
	}
	ret = route_init(net);
	if (ret != 0) {
		rte_free(net->neigh);
		rte_free(net);
		rte_errno = -ret;
		return NULL;
	}
	return net;
}

void
tern_net_destroy(struct tern_net *net)
{
	if (net == NULL)
		return;
	route_fini(net);
	rte_free(net->neigh);
	rte_free(net);
}

/* fe80::/64 with the modified EUI-64 of @mac (RFC 4291 appendix A). */
static void
linklocal_from_mac(const struct rte_ether_addr *mac, struct tern_ip6 *a)
{
	memset(a, 0, sizeof(*a));
	a->a[0] = 0xfe;
	a->a[1] = 0x80;
	a->a[8] = mac->addr_bytes[0] ^ 0x02;
	a->a[9] = mac->addr_bytes[1];
	a->a[10] = mac->addr_bytes[2];
	a->a[11] = 0xff;
	a->a[12] = 0xfe;
	a->a[13] = mac->addr_bytes[3];
	a->a[14] = mac->addr_bytes[4];
	a->a[15] = mac->addr_bytes[5];
}

int
tern_net_iface_add(struct tern_net *net, struct tern_dev *dev, uint16_t vlan_id)
{
	struct tern_iface *ifp;
	uint16_t i;

	if (net == NULL || dev == NULL || vlan_id > 4094)
		return -EINVAL;
	/* Contexts bind their ports when created: none may miss one. */
	if (__atomic_load_n(&net->nb_ctx, __ATOMIC_ACQUIRE) != 0)
		return -EBUSY;
	for (i = 0; i < net->nb_ifaces; i++)
		if (net->ifaces[i].dev == dev)
			return -EEXIST;
	if (net->nb_ifaces == TERN_MAX_PORTS)
		return -ENOSPC;
	ifp = &net->ifaces[net->nb_ifaces];
	memset(ifp, 0, sizeof(*ifp));
	ifp->dev = dev;
	ifp->mac = dev->mac;
	ifp->ifindex = net->nb_ifaces;
	ifp->vlan_id = vlan_id;
	ifp->mtu = dev->mtu;
	linklocal_from_mac(&ifp->mac, &ifp->addr6[0].addr);
	ifp->addr6[0].len = 64;
	ifp->nb_addr6 = 1;
	net->nb_ifaces++;
	/* fe80::/64 is on-link on every interface; the first one routes it. */
	if (ifp->ifindex == 0)
		tern_net_route6_add(net, &ifp->addr6[0].addr, 64, NULL, 0);
	return ifp->ifindex;
}

uint16_t
tern_net_nb_ifaces(const struct tern_net *net)
{
	return net->nb_ifaces;
}

struct tern_dev *
tern_net_iface_dev(const struct tern_net *net, uint16_t ifindex)
{
	return ifindex < net->nb_ifaces ? net->ifaces[ifindex].dev : NULL;
}

static tern_ip4_t
mask4(uint8_t len)
{
	return len == 0 ? 0 : rte_cpu_to_be_32(~0u << (32 - len));
}

int
tern_net_addr4_add(struct tern_net *net, uint16_t ifindex, tern_ip4_t addr, uint8_t prefixlen)
{
	struct tern_iface *ifp;
	tern_ip4_t m;
	int ret;

	if (net == NULL || ifindex >= net->nb_ifaces || prefixlen == 0 || prefixlen > 32 ||
	    addr == 0)
		return -EINVAL;
	ifp = &net->ifaces[ifindex];
	if (iface_has_addr4(ifp, addr))
		return -EEXIST;
	if (ifp->nb_addr4 == TERN_MAX_ADDR4)
		return -ENOSPC;
	m = mask4(prefixlen);
	ret = tern_net_route4_add(net, addr & m, prefixlen, 0, ifindex);
	if (ret != 0)
		return ret;
	ifp->addr4[ifp->nb_addr4++] = (struct tern_addr4){ addr, m, prefixlen };
	if (prefixlen < 31)
		__atomic_fetch_or(&ifp->bcast4_bloom, fwd_local4_bit(addr | ~m), __ATOMIC_RELEASE);
	/* for the router's one-pass check (fwd_inline.h): ours, and our broadcast */
	__atomic_fetch_or(&net->local4_bloom, fwd_local4_bit(addr) | fwd_local4_bit(addr | ~m),
			  __ATOMIC_RELEASE);
	/* again, now the address is there: kept source addresses are chosen anew */
	__atomic_fetch_add(&net->route_gen, 1, __ATOMIC_RELEASE);
	return 0;
}

int
tern_net_addr6_add(struct tern_net *net, uint16_t ifindex, const struct tern_ip6 *addr,
		   uint8_t prefixlen)
{
	struct tern_iface *ifp;
	struct tern_ip6 pfx;
	unsigned int i;
	int ret;

	if (net == NULL || addr == NULL || ifindex >= net->nb_ifaces || prefixlen == 0 ||
	    prefixlen > 128 || ip6_is_unspec(addr) || ip6_is_multicast(addr))
		return -EINVAL;
	ifp = &net->ifaces[ifindex];
	if (iface_has_addr6(ifp, addr))
		return -EEXIST;
	if (ifp->nb_addr6 == TERN_MAX_ADDR6)
		return -ENOSPC;
	pfx = *addr;
	for (i = 0; i < 16; i++) {
		int bits = (int)prefixlen - (int)i * 8;

		if (bits <= 0)
			pfx.a[i] = 0;
		else if (bits < 8)
			pfx.a[i] &= (uint8_t)(0xff << (8 - bits));
	}
	ret = tern_net_route6_add(net, &pfx, prefixlen, NULL, ifindex);
	if (ret != 0)
		return ret;
	ifp->addr6[ifp->nb_addr6].addr = *addr;
	ifp->addr6[ifp->nb_addr6].len = prefixlen;
	ifp->nb_addr6++;
	/* again, now the address is there: kept source addresses are chosen anew */
	__atomic_fetch_add(&net->route_gen, 1, __ATOMIC_RELEASE);
	return 0;
}

bool
iface_has_addr4(const struct tern_iface *ifp, tern_ip4_t a)
{
	unsigned int i;

	for (i = 0; i < ifp->nb_addr4; i++)
		if (ifp->addr4[i].addr == a)
			return true;
	return false;
}

bool
iface_has_addr6(const struct tern_iface *ifp, const struct tern_ip6 *a)
{
	unsigned int i;

	for (i = 0; i < ifp->nb_addr6; i++)
		if (ip6_eq(&ifp->addr6[i].addr, a))
			return true;
	return false;
}

/* Source for @dst: an address of the same subnet, else the first one. */
tern_ip4_t
iface_src4(const struct tern_iface *ifp, tern_ip4_t dst)
{
	unsigned int i;

	for (i = 0; i < ifp->nb_addr4; i++)
		if ((ifp->addr4[i].addr & ifp->addr4[i].mask) == (dst & ifp->addr4[i].mask))
			return ifp->addr4[i].addr;
	return ifp->nb_addr4 ? ifp->addr4[0].addr : 0;
}

/* Source for @dst: link-local for link-local or multicast, else a global one. */
const struct tern_ip6 *
iface_src6(const struct tern_iface *ifp, const struct tern_ip6 *dst)
{
	if (ip6_is_linklocal(dst) || (ip6_is_multicast(dst) && (dst->a[1] & 0xf) <= 2) ||
	    ifp->nb_addr6 < 2)
		return &ifp->addr6[0].addr;
	return &ifp->addr6[1].addr;
}

bool
icmp_ratelimit_ok(struct tern_ctx *ctx)
{
	struct tern_net_ctx *nc = netc(ctx);
	uint64_t now = ctx->now_ns;

	nc->icmp_tokens_ns += now - nc->icmp_last_ns;
	nc->icmp_last_ns = now;
	if (nc->icmp_tokens_ns > nc->icmp_burst_ns)
		nc->icmp_tokens_ns = nc->icmp_burst_ns;
	if (nc->icmp_tokens_ns < nc->icmp_ns_per_token)
		return false;
	nc->icmp_tokens_ns -= nc->icmp_ns_per_token;
	return true;
}

static void
net_ctx_fini(struct tern_ctx *ctx)
{
	struct tern_net_ctx *nc = netc(ctx);

	if (nc == NULL)
		return;
	neigh_ctx_fini(ctx);
	__atomic_fetch_sub(&ctx->net->nb_ctx, 1, __ATOMIC_RELEASE);
	frag_ctx_fini(ctx);
	net_pmtu_fini(ctx);
	rte_free(nc->tmpl);
	rte_free(nc);
	ctx->net_ctx = NULL;
}

static unsigned int
net_ctx_pending(const struct tern_ctx *ctx)
{
	const struct tern_net_ctx *nc = ctx->net_ctx;

	return nc ? nc->nb_held + frag_held(nc->frag) : 0;
}

static int
net_ctx_init(struct tern_ctx *ctx, const struct tern_ctx_param *param)
{
	struct tern_net_ctx *nc;
	int ret;

	nc = rte_zmalloc_socket("tern_net_ctx", sizeof(*nc), RTE_CACHE_LINE_SIZE,
				ctx->socket_id);
	if (nc == NULL)
		return -ENOMEM;
	nc->net = ctx->net;
	ctx->net_ctx = nc;
	nc->tmpl = rte_zmalloc_socket("tern_tmpl", sizeof(*nc->tmpl) * NET_TMPL_CACHE +
				      sizeof(*nc->oneshot), RTE_CACHE_LINE_SIZE, ctx->socket_id);
	if (nc->tmpl != NULL)
		nc->oneshot = (struct net_oneshot_tmpl *)(nc->tmpl + NET_TMPL_CACHE);
	ret = nc->tmpl == NULL ? -ENOMEM : frag_ctx_init(ctx);
	if (ret != 0) {
		rte_free(nc->tmpl);
		rte_free(nc);
		ctx->net_ctx = NULL;
		return ret;
	}
	__atomic_fetch_add(&ctx->net->nb_ctx, 1, __ATOMIC_ACQ_REL);
	nc->ctx = ctx;
	timer_init(&nc->hold_timer, neigh_hold_timer);
	nc->l4_input[IPPROTO_ICMP] = icmp4_input;
	nc->l4_input[IPPROTO_ICMPV6] = icmp6_input;
	nc->ip4_id = (uint16_t)rte_rdtsc();
	nc->pmtu_timeout_ns = NET_PMTU_TIMEOUT_NS;
	nc->pmtu_next_ns = UINT64_MAX;
	net_ctx_set_icmp_rate(ctx, param->icmp_rate, param->icmp_burst);
	return 0;
}

/* The net layer in a context: Ethernet input at the bottom of every context. */
const struct ctx_layer_ops net_layer_ops = {
	.name = "net",
	.init = net_ctx_init,
	.fini = net_ctx_fini,
	.input = eth_input,
	.pending = net_ctx_pending,
	.tel_info = net_tel_info,
};

void
net_ctx_set_icmp_rate(struct tern_ctx *ctx, uint32_t rate, uint32_t burst)
{
	struct tern_net_ctx *nc = netc(ctx);

	if (rate == 0)
		rate = NET_DEF_ICMP_RATE;
	if (burst == 0)
		burst = NET_DEF_ICMP_BURST;
	nc->icmp_ns_per_token = NS_PER_S / rate;
	nc->icmp_burst_ns = nc->icmp_ns_per_token * burst;
	nc->icmp_tokens_ns = nc->icmp_burst_ns;
	nc->icmp_last_ns = ctx->now_ns;
}

int
net_ctx_set_l4(struct tern_ctx *ctx, uint8_t proto, tern_l4_input_t fn)
{
	struct tern_net_ctx *nc = netc(ctx);

	if (nc == NULL)
		return -EINVAL;
	nc->l4_input[proto] = fn;
	return 0;
}

int
net_ctx_set_claim(struct tern_ctx *ctx, uint8_t proto, net_claim_t fn)
{
	struct tern_net_ctx *nc = netc(ctx);

	if (nc == NULL)
		return -EINVAL;
	nc->claim_proto = proto;
	nc->claim_fn = fn;
	return 0;
}

int
net_ctx_set_l4_err(struct tern_ctx *ctx, uint8_t proto, tern_l4_err_t fn)
{
	struct tern_net_ctx *nc = netc(ctx);

	if (nc == NULL)
		return -EINVAL;
	nc->l4_err[proto] = fn;
	return 0;
}

/*
 * "ADDR" or "ADDR/LEN" of family @af into @addr (4 or 16 bytes) and @len
 * (may be NULL; @max without a prefix length); no longer than the longest
 * such string of the family. @return 0 or -EINVAL.
 */
static int
addr_parse(int af, const char *s, void *addr, uint8_t *len, unsigned long max)
{
	size_t longest = af == AF_INET ? INET_ADDRSTRLEN + 3 : INET6_ADDRSTRLEN + 4;
	char buf[INET6_ADDRSTRLEN + 5];
	const char *slash;
	unsigned long l = max;
	char *end;

	if (s == NULL || addr == NULL || strlen(s) > longest)
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(s, '/');
	if (slash != NULL) {
		buf[slash - s] = '\0';
		/* digits only: strtoul() would take blanks and a sign */
		if (!isdigit((unsigned char)slash[1]))
			return -EINVAL;
		errno = 0;
		l = strtoul(slash + 1, &end, 10);
		if (errno != 0 || *end != '\0' || l > max)
			return -EINVAL;
	}
	if (inet_pton(af, buf, addr) != 1)
		return -EINVAL;
	if (len != NULL)
		*len = (uint8_t)l;
	return 0;
}

int
tern_ip4_parse(const char *s, tern_ip4_t *addr, uint8_t *len)
{
	return addr_parse(AF_INET, s, addr, len, 32);
}

int
tern_ip6_parse(const char *s, struct tern_ip6 *addr, uint8_t *len)
{
	return addr_parse(AF_INET6, s, addr == NULL ? NULL : addr->a, len, 128);
}
