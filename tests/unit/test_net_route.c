/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * Routing decisions (lib/net/route.c) through the public calls: connected
 * routes from tern_net_addr4_add / addr6_add, longest prefix match, default
 * routes, deletion, gateway versus on-link next hops, argument checks; and
 * the address parsers tern_ip4_parse / tern_ip6_parse (lib/net/net.c).
 * No mbuf is taken here: there is no packet, only the tables.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_common.h"

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>

#include <tern/tern.h>

#define NB_IFACES	2

struct env {
	struct tern_net *net;
	struct tern_dev *dev[NB_IFACES];
};

/* a.b.c.d in network byte order (RTE_IPV4() shifts an int into its sign bit) */
static tern_ip4_t
ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	const uint8_t bytes[4] = { a, b, c, d };
	tern_ip4_t v;

	memcpy(&v, bytes, sizeof(v));
	return v;
}

/* An IPv6 address from text, or the test fails. */
static struct tern_ip6
ip6(const char *s)
{
	struct tern_ip6 a;

	assert_int_equal(tern_ip6_parse(s, &a, NULL), 0);
	return a;
}

static void
vdev_tx(void *arg, struct rte_mbuf **pkts, uint16_t n)
{
	(void)arg;
	rte_pktmbuf_free_bulk(pkts, n);
}

/* Two interfaces, no address yet. */
static int
env_setup(void **state)
{
	struct tern_net_param np = { .socket_id = SOCKET_ID_ANY };
	struct tern_vdev_param vp = { 0 };
	struct env *e = calloc(1, sizeof(*e));
	unsigned int i;

	if (e == NULL)
		return -1;
	*state = e;
	e->net = tern_net_create(&np);
	if (e->net == NULL)
		return -1;
	vp.mp = tern_test_pool();
	vp.tx = vdev_tx;
	for (i = 0; i < NB_IFACES; i++) {
		vp.name = i == 0 ? "route0" : "route1";
		vp.mac = (struct rte_ether_addr){ { 0x02, 0, 0, 0, 0, (uint8_t)(i + 1) } };
		e->dev[i] = tern_dev_create_virtual(&vp);
		if (e->dev[i] == NULL || tern_net_iface_add(e->net, e->dev[i], 0) != (int)i)
			return -1;
	}
	return 0;
}

static int
env_teardown(void **state)
{
	struct env *e = *state;
	unsigned int i;

	if (e == NULL)
		return 0;
	tern_net_destroy(e->net);
	for (i = 0; i < NB_IFACES; i++)
		tern_dev_destroy(e->dev[i]);
	free(e);
	return 0;
}

/* Assert that @dst goes out of @ifindex to @nexthop. */
static void
assert_route4(const struct env *e, tern_ip4_t dst, uint16_t ifindex, tern_ip4_t nexthop)
{
	uint16_t ifx = UINT16_MAX;
	tern_ip4_t nh = 0;

	assert_int_equal(tern_net_route4_lookup(e->net, dst, &ifx, &nh), 0);
	assert_int_equal(ifx, ifindex);
	assert_int_equal(rte_be_to_cpu_32(nh), rte_be_to_cpu_32(nexthop));
}

static void
assert_unreach4(const struct env *e, tern_ip4_t dst)
{
	uint16_t ifx;
	tern_ip4_t nh;

	assert_int_equal(tern_net_route4_lookup(e->net, dst, &ifx, &nh), -ENETUNREACH);
}

static void
assert_route6(const struct env *e, const char *dst, uint16_t ifindex, const char *nexthop)
{
	struct tern_ip6 d = ip6(dst), want = ip6(nexthop), nh;
	uint16_t ifx = UINT16_MAX;

	memset(&nh, 0xee, sizeof(nh));
	assert_int_equal(tern_net_route6_lookup(e->net, &d, &ifx, &nh), 0);
	assert_int_equal(ifx, ifindex);
	assert_memory_equal(nh.a, want.a, 16);
}

static void
assert_unreach6(const struct env *e, const char *dst)
{
	struct tern_ip6 d = ip6(dst), nh;
	uint16_t ifx;

	assert_int_equal(tern_net_route6_lookup(e->net, &d, &ifx, &nh), -ENETUNREACH);
}

static int
route6_add(struct env *e, const char *prefix, uint8_t len, const char *gw, uint16_t ifindex)
{
	struct tern_ip6 p = ip6(prefix), g;

	if (gw == NULL)
		return tern_net_route6_add(e->net, &p, len, NULL, ifindex);
	g = ip6(gw);
	return tern_net_route6_add(e->net, &p, len, &g, ifindex);
}

static int
route6_del(struct env *e, const char *prefix, uint8_t len)
{
	struct tern_ip6 p = ip6(prefix);

	return tern_net_route6_del(e->net, &p, len);
}

/* ---- IPv4 ---- */

static void
test_route4_addr_add_creates_connected_route(void **state)
{
	struct env *e = *state;

	assert_unreach4(e, ip4(10, 0, 0, 7));
	assert_int_equal(tern_net_addr4_add(e->net, 0, ip4(10, 0, 0, 1), 24), 0);
	assert_int_equal(tern_net_addr4_add(e->net, 1, ip4(192, 168, 1, 1), 24), 0);
	/* on-link: the destination is its own next hop */
	assert_route4(e, ip4(10, 0, 0, 7), 0, ip4(10, 0, 0, 7));
	assert_route4(e, ip4(10, 0, 0, 255), 0, ip4(10, 0, 0, 255));
	assert_route4(e, ip4(192, 168, 1, 9), 1, ip4(192, 168, 1, 9));
	assert_unreach4(e, ip4(10, 0, 1, 7));
	assert_unreach4(e, ip4(192, 168, 2, 9));
}

static void
test_route4_longest_prefix_wins(void **state)
{
	struct env *e = *state;

	assert_int_equal(tern_net_addr4_add(e->net, 0, ip4(10, 0, 0, 1), 24), 0);
	assert_int_equal(tern_net_addr4_add(e->net, 1, ip4(192, 168, 1, 1), 24), 0);
	assert_int_equal(tern_net_route4_add(e->net, ip4(10, 1, 0, 0), 16, ip4(10, 0, 0, 254), 0),
			 0);
	assert_int_equal(tern_net_route4_add(e->net, ip4(10, 1, 2, 0), 24, ip4(10, 0, 0, 253), 0),
			 0);
	assert_int_equal(tern_net_route4_add(e->net, ip4(10, 1, 2, 128), 25,
					     ip4(192, 168, 1, 254), 1), 0);
	assert_int_equal(tern_net_route4_add(e->net, ip4(10, 1, 2, 200), 32,
					     ip4(10, 0, 0, 252), 0), 0);
	assert_route4(e, ip4(10, 1, 9, 9), 0, ip4(10, 0, 0, 254));
	assert_route4(e, ip4(10, 1, 2, 3), 0, ip4(10, 0, 0, 253));
	assert_route4(e, ip4(10, 1, 2, 129), 1, ip4(192, 168, 1, 254));
	assert_route4(e, ip4(10, 1, 2, 200), 0, ip4(10, 0, 0, 252));
	assert_route4(e, ip4(10, 1, 2, 201), 1, ip4(192, 168, 1, 254));
	assert_unreach4(e, ip4(10, 2, 0, 1));
}

static void
test_route4_default_route_used_when_nothing_else_matches(void **state)
{
	struct env *e = *state;

	assert_int_equal(tern_net_addr4_add(e->net, 0, ip4(10, 0, 0, 1), 24), 0);
	assert_unreach4(e, ip4(8, 8, 8, 8));
	assert_int_equal(tern_net_route4_add(e->net, 0, 0, ip4(10, 0, 0, 254), 0), 0);
	assert_route4(e, ip4(8, 8, 8, 8), 0, ip4(10, 0, 0, 254));
	assert_route4(e, ip4(255, 255, 255, 254), 0, ip4(10, 0, 0, 254));
	assert_route4(e, ip4(10, 0, 0, 7), 0, ip4(10, 0, 0, 7));	/* more specific */
}

static void
test_route4_no_route_is_unreachable(void **state)
{
	struct env *e = *state;

	assert_unreach4(e, ip4(10, 0, 0, 1));
	assert_unreach4(e, ip4(0, 0, 0, 0));
	assert_unreach4(e, ip4(255, 255, 255, 255));
}

static void
test_route4_delete_restores_less_specific_route(void **state)
{
	struct env *e = *state;

	assert_int_equal(tern_net_addr4_add(e->net, 0, ip4(10, 0, 0, 1), 24), 0);
	assert_int_equal(tern_net_route4_add(e->net, 0, 0, ip4(10, 0, 0, 254), 0), 0);
	assert_int_equal(tern_net_route4_add(e->net, ip4(10, 1, 0, 0), 16, ip4(10, 0, 0, 253), 0),
			 0);
	assert_int_equal(tern_net_route4_add(e->net, ip4(10, 1, 2, 0), 24, ip4(10, 0, 0, 252), 0),
			 0);
	assert_route4(e, ip4(10, 1, 2, 3), 0, ip4(10, 0, 0, 252));
	assert_int_equal(tern_net_route4_del(e->net, ip4(10, 1, 2, 0), 24), 0);
	assert_route4(e, ip4(10, 1, 2, 3), 0, ip4(10, 0, 0, 253));
	assert_int_equal(tern_net_route4_del(e->net, ip4(10, 1, 0, 0), 16), 0);
	assert_route4(e, ip4(10, 1, 2, 3), 0, ip4(10, 0, 0, 254));
	assert_int_equal(tern_net_route4_del(e->net, 0, 0), 0);
	assert_unreach4(e, ip4(10, 1, 2, 3));
	/* the connected route is untouched */
	assert_route4(e, ip4(10, 0, 0, 9), 0, ip4(10, 0, 0, 9));
	/* what is gone cannot go again */
	assert_int_equal(tern_net_route4_del(e->net, ip4(10, 1, 2, 0), 24), -ENOENT);
	assert_int_equal(tern_net_route4_del(e->net, 0, 0), -ENOENT);
	assert_int_equal(tern_net_route4_del(e->net, ip4(10, 0, 0, 0), 25), -ENOENT);
}

static void
test_route4_gateway_route_gives_gateway_onlink_gives_destination(void **state)
{
	struct env *e = *state;

	assert_int_equal(tern_net_route4_add(e->net, ip4(172, 16, 0, 0), 12, 0, 1), 0);
	assert_int_equal(tern_net_route4_add(e->net, ip4(172, 20, 0, 0), 16, ip4(172, 16, 0, 1),
					     1), 0);
	assert_route4(e, ip4(172, 17, 3, 4), 1, ip4(172, 17, 3, 4));
	assert_route4(e, ip4(172, 20, 3, 4), 1, ip4(172, 16, 0, 1));
}

static void
test_route4_add_replaces_same_prefix(void **state)
{
	struct env *e = *state;

	assert_int_equal(tern_net_route4_add(e->net, ip4(10, 9, 0, 0), 16, ip4(10, 0, 0, 1), 0),
			 0);
	assert_int_equal(tern_net_route4_add(e->net, ip4(10, 9, 0, 0), 16, ip4(10, 0, 0, 2), 1),
			 0);
	assert_route4(e, ip4(10, 9, 1, 1), 1, ip4(10, 0, 0, 2));
	assert_int_equal(tern_net_route4_add(e->net, 0, 0, ip4(10, 0, 0, 1), 0), 0);
	assert_int_equal(tern_net_route4_add(e->net, 0, 0, ip4(10, 0, 0, 3), 1), 0);
	assert_route4(e, ip4(1, 2, 3, 4), 1, ip4(10, 0, 0, 3));
	/* one delete removes it: there was one route, not two */
	assert_int_equal(tern_net_route4_del(e->net, ip4(10, 9, 0, 0), 16), 0);
	assert_int_equal(tern_net_route4_del(e->net, ip4(10, 9, 0, 0), 16), -ENOENT);
	assert_route4(e, ip4(10, 9, 1, 1), 1, ip4(10, 0, 0, 3));
}

static void
test_route4_invalid_arguments_are_rejected(void **state)
{
	struct env *e = *state;

	assert_int_equal(tern_net_route4_add(e->net, ip4(10, 0, 0, 0), 33, 0, 0), -EINVAL);
	assert_int_equal(tern_net_route4_add(e->net, ip4(10, 0, 0, 0), 8, 0, NB_IFACES),
			 -EINVAL);
	assert_int_equal(tern_net_route4_add(e->net, ip4(10, 0, 0, 0), 8, 0, UINT16_MAX),
			 -EINVAL);
	assert_int_equal(tern_net_route4_add(NULL, ip4(10, 0, 0, 0), 8, 0, 0), -EINVAL);
	assert_int_equal(tern_net_route4_del(e->net, ip4(10, 0, 0, 0), 33), -EINVAL);
	assert_int_equal(tern_net_route4_del(NULL, ip4(10, 0, 0, 0), 8), -EINVAL);
	/* nothing was added on the way */
	assert_unreach4(e, ip4(10, 0, 0, 1));
	/* and the address calls check theirs */
	assert_int_equal(tern_net_addr4_add(e->net, 0, ip4(10, 0, 0, 1), 33), -EINVAL);
	assert_int_equal(tern_net_addr4_add(e->net, 0, ip4(10, 0, 0, 1), 0), -EINVAL);
	assert_int_equal(tern_net_addr4_add(e->net, NB_IFACES, ip4(10, 0, 0, 1), 24), -EINVAL);
	assert_unreach4(e, ip4(10, 0, 0, 1));
}

/* ---- IPv6 ---- */

static void
test_route6_addr_add_creates_connected_route(void **state)
{
	struct env *e = *state;
	struct tern_ip6 a = ip6("fd00::1"), b = ip6("fd01::1");

	assert_unreach6(e, "fd00::7");
	assert_int_equal(tern_net_addr6_add(e->net, 0, &a, 64), 0);
	assert_int_equal(tern_net_addr6_add(e->net, 1, &b, 64), 0);
	assert_route6(e, "fd00::7", 0, "fd00::7");
	assert_route6(e, "fd00::ffff:ffff:ffff:ffff", 0, "fd00::ffff:ffff:ffff:ffff");
	assert_route6(e, "fd01::9", 1, "fd01::9");
	assert_unreach6(e, "fd00:0:0:1::7");
	/* link-local is on-link, from the first interface */
	assert_route6(e, "fe80::1234", 0, "fe80::1234");
}

static void
test_route6_longest_prefix_wins(void **state)
{
	struct env *e = *state;

	assert_int_equal(route6_add(e, "2001:db8::", 32, "fe80::1", 0), 0);
	assert_int_equal(route6_add(e, "2001:db8:1::", 48, "fe80::2", 0), 0);
	assert_int_equal(route6_add(e, "2001:db8:1:2::", 64, "fe80::3", 1), 0);
	assert_int_equal(route6_add(e, "2001:db8:1:2::99", 128, "fe80::4", 0), 0);
	assert_route6(e, "2001:db8:9::1", 0, "fe80::1");
	assert_route6(e, "2001:db8:1:9::1", 0, "fe80::2");
	assert_route6(e, "2001:db8:1:2::1", 1, "fe80::3");
	assert_route6(e, "2001:db8:1:2::99", 0, "fe80::4");
	assert_unreach6(e, "2001:db9::1");
}

static void
test_route6_default_route_used_when_nothing_else_matches(void **state)
{
	struct env *e = *state;
	struct tern_ip6 a = ip6("fd00::1");

	assert_int_equal(tern_net_addr6_add(e->net, 0, &a, 64), 0);
	assert_unreach6(e, "2001:4860::8888");
	assert_int_equal(route6_add(e, "::", 0, "fe80::1", 1), 0);
	assert_route6(e, "2001:4860::8888", 1, "fe80::1");
	assert_route6(e, "fd00::7", 0, "fd00::7");
}

static void
test_route6_no_route_is_unreachable(void **state)
{
	struct env *e = *state;

	assert_unreach6(e, "2001:db8::1");
	assert_unreach6(e, "::1");
}

static void
test_route6_delete_restores_less_specific_route(void **state)
{
	struct env *e = *state;

	assert_int_equal(route6_add(e, "::", 0, "fe80::1", 0), 0);
	assert_int_equal(route6_add(e, "2001:db8::", 32, "fe80::2", 0), 0);
	assert_int_equal(route6_add(e, "2001:db8:1::", 48, "fe80::3", 0), 0);
	assert_route6(e, "2001:db8:1::5", 0, "fe80::3");
	assert_int_equal(route6_del(e, "2001:db8:1::", 48), 0);
	assert_route6(e, "2001:db8:1::5", 0, "fe80::2");
	assert_int_equal(route6_del(e, "2001:db8::", 32), 0);
	assert_route6(e, "2001:db8:1::5", 0, "fe80::1");
	assert_int_equal(route6_del(e, "::", 0), 0);
	assert_unreach6(e, "2001:db8:1::5");
	assert_int_equal(route6_del(e, "2001:db8:1::", 48), -ENOENT);
	assert_int_equal(route6_del(e, "::", 0), -ENOENT);
}

static void
test_route6_gateway_route_gives_gateway_onlink_gives_destination(void **state)
{
	struct env *e = *state;

	assert_int_equal(route6_add(e, "fd10::", 16, NULL, 1), 0);
	assert_int_equal(route6_add(e, "fd20::", 16, "::", 1), 0);	/* :: is on-link too */
	assert_int_equal(route6_add(e, "fd30::", 16, "fd10::1", 1), 0);
	assert_route6(e, "fd10::42", 1, "fd10::42");
	assert_route6(e, "fd20::42", 1, "fd20::42");
	assert_route6(e, "fd30::42", 1, "fd10::1");
}

static void
test_route6_invalid_arguments_are_rejected(void **state)
{
	struct env *e = *state;
	struct tern_ip6 p = ip6("fd00::"), a = ip6("fd00::1"), mc = ip6("ff02::1");

	assert_int_equal(tern_net_route6_add(e->net, &p, 129, NULL, 0), -EINVAL);
	assert_int_equal(tern_net_route6_add(e->net, &p, 64, NULL, NB_IFACES), -EINVAL);
	assert_int_equal(tern_net_route6_add(e->net, NULL, 64, NULL, 0), -EINVAL);
	assert_int_equal(tern_net_route6_add(NULL, &p, 64, NULL, 0), -EINVAL);
	assert_int_equal(tern_net_route6_del(e->net, &p, 129), -EINVAL);
	assert_int_equal(tern_net_route6_del(e->net, NULL, 64), -EINVAL);
	assert_unreach6(e, "fd00::1");
	assert_int_equal(tern_net_addr6_add(e->net, 0, &a, 129), -EINVAL);
	assert_int_equal(tern_net_addr6_add(e->net, NB_IFACES, &a, 64), -EINVAL);
	assert_int_equal(tern_net_addr6_add(e->net, 0, &mc, 64), -EINVAL);
	assert_unreach6(e, "fd00::1");
}

/* ---- address parsing ---- */

static void
test_ip4_parse_accepts_addresses_and_prefixes(void **state)
{
	static const struct {
		const char *s;
		uint8_t a, b, c, d, len;
	} good[] = {
		{ "10.0.0.1", 10, 0, 0, 1, 32 },
		{ "10.0.0.0/24", 10, 0, 0, 0, 24 },
		{ "0.0.0.0/0", 0, 0, 0, 0, 0 },
		{ "255.255.255.255/32", 255, 255, 255, 255, 32 },
		{ "192.168.1.1/1", 192, 168, 1, 1, 1 },
	};
	tern_ip4_t a;
	uint8_t len;
	size_t i;

	(void)state;
	for (i = 0; i < RTE_DIM(good); i++) {
		a = 0;
		len = 99;
		if (tern_ip4_parse(good[i].s, &a, &len) != 0)
			fail_msg("\"%s\" rejected", good[i].s);
		assert_int_equal(a, ip4(good[i].a, good[i].b, good[i].c, good[i].d));
		assert_int_equal(len, good[i].len);
	}
	/* the length is optional */
	assert_int_equal(tern_ip4_parse("10.1.2.3", &a, NULL), 0);
	assert_int_equal(a, ip4(10, 1, 2, 3));
}

static void
test_ip4_parse_rejects_malformed_strings(void **state)
{
	static const char *const bad[] = {
		"", "10.0.0", "10.0.0.256", "10.0.0.1.2", "a.b.c.d", "10.0.0.1 ", " 10.0.0.1",
		"10.0.0.1/", "10.0.0.1/33", "10.0.0.1/x", "10.0.0.1/24x", "10.0.0.1/24/8",
		"/24", "10.0.0.1/-1", "10.0.0.1/999999999999999999999", "fd00::1",
		"10.0.0.1/00000000000000024",	/* longer than any address with a length */
	};
	tern_ip4_t a;
	uint8_t len;
	size_t i;

	(void)state;
	for (i = 0; i < RTE_DIM(bad); i++)
		if (tern_ip4_parse(bad[i], &a, &len) != -EINVAL)
			fail_msg("\"%s\" accepted", bad[i]);
	assert_int_equal(tern_ip4_parse(NULL, &a, &len), -EINVAL);
	assert_int_equal(tern_ip4_parse("10.0.0.1", NULL, &len), -EINVAL);
}

static void
test_ip6_parse_accepts_addresses_and_prefixes(void **state)
{
	static const struct {
		const char *s;
		uint8_t a[16];
		uint8_t len;
	} good[] = {
		{ "fd00::1", { 0xfd, [15] = 1 }, 128 },
		{ "fd00::/8", { 0xfd }, 8 },
		{ "::", { 0 }, 128 },
		{ "::/0", { 0 }, 0 },
		{ "::1", { [15] = 1 }, 128 },
		{ "fe80::1:2", { 0xfe, 0x80, [13] = 1, [15] = 2 }, 128 },
		{ "2001:db8::/32", { 0x20, 0x01, 0x0d, 0xb8 }, 32 },
		{ "::ffff:10.0.0.1/128", { [10] = 0xff, [11] = 0xff, [12] = 10, [15] = 1 }, 128 },
		{ "1:2:3:4:5:6:7:8/64",
		  { 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8 }, 64 },
	};
	struct tern_ip6 a;
	uint8_t len;
	size_t i;

	(void)state;
	for (i = 0; i < RTE_DIM(good); i++) {
		memset(&a, 0xee, sizeof(a));
		len = 0;
		if (tern_ip6_parse(good[i].s, &a, &len) != 0)
			fail_msg("\"%s\" rejected", good[i].s);
		assert_memory_equal(a.a, good[i].a, 16);
		assert_int_equal(len, good[i].len);
	}
	assert_int_equal(tern_ip6_parse("fd00::2", &a, NULL), 0);
}

static void
test_ip6_parse_rejects_malformed_strings(void **state)
{
	static const char *const bad[] = {
		"", "fd00:::1", "fd00::1::2", "12345::1", "1:2:3:4:5:6:7:8:9", "g::1",
		"fd00::1/", "fd00::1/129", "fd00::1/x", "fd00::1/64x", "fd00::1/64/8", "/64",
		"fe80::1%eth0", "10.0.0.1", "fd00::1 ", "fd00::1/-1",
	};
	struct tern_ip6 a;
	uint8_t len;
	size_t i;

	(void)state;
	for (i = 0; i < RTE_DIM(bad); i++)
		if (tern_ip6_parse(bad[i], &a, &len) != -EINVAL)
			fail_msg("\"%s\" accepted", bad[i]);
	assert_int_equal(tern_ip6_parse(NULL, &a, &len), -EINVAL);
	assert_int_equal(tern_ip6_parse("fd00::1", NULL, &len), -EINVAL);
}

/*
 * The documented form is "addr/len" with len in decimal digits. strtoul()
 * also takes leading blanks and a sign: "/ 24", "/+24", and "/-0" (a host
 * address turned into a default route) must not pass.
 */
static void
test_ip_parse_rejects_sign_or_blank_in_prefix_length(void **state)
{
	static const char *const bad4[] = { "10.0.0.1/ 24", "10.0.0.1/+24", "10.0.0.1/-0" };
	static const char *const bad6[] = { "fd00::1/ 64", "fd00::1/+64", "fd00::1/-0" };
	struct tern_ip6 a6;
	tern_ip4_t a4;
	uint8_t len;
	size_t i;

	(void)state;
	for (i = 0; i < RTE_DIM(bad4); i++)
		if (tern_ip4_parse(bad4[i], &a4, &len) != -EINVAL)
			fail_msg("\"%s\" accepted (len %u)", bad4[i], len);
	for (i = 0; i < RTE_DIM(bad6); i++)
		if (tern_ip6_parse(bad6[i], &a6, &len) != -EINVAL)
			fail_msg("\"%s\" accepted (len %u)", bad6[i], len);
}

#define ENV_TEST(fn)	cmocka_unit_test_setup_teardown(fn, env_setup, env_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		ENV_TEST(test_route4_addr_add_creates_connected_route),
		ENV_TEST(test_route4_longest_prefix_wins),
		ENV_TEST(test_route4_default_route_used_when_nothing_else_matches),
		ENV_TEST(test_route4_no_route_is_unreachable),
		ENV_TEST(test_route4_delete_restores_less_specific_route),
		ENV_TEST(test_route4_gateway_route_gives_gateway_onlink_gives_destination),
		ENV_TEST(test_route4_add_replaces_same_prefix),
		ENV_TEST(test_route4_invalid_arguments_are_rejected),
		ENV_TEST(test_route6_addr_add_creates_connected_route),
		ENV_TEST(test_route6_longest_prefix_wins),
		ENV_TEST(test_route6_default_route_used_when_nothing_else_matches),
		ENV_TEST(test_route6_no_route_is_unreachable),
		ENV_TEST(test_route6_delete_restores_less_specific_route),
		ENV_TEST(test_route6_gateway_route_gives_gateway_onlink_gives_destination),
		ENV_TEST(test_route6_invalid_arguments_are_rejected),
		cmocka_unit_test(test_ip4_parse_accepts_addresses_and_prefixes),
		cmocka_unit_test(test_ip4_parse_rejects_malformed_strings),
		cmocka_unit_test(test_ip6_parse_accepts_addresses_and_prefixes),
		cmocka_unit_test(test_ip6_parse_rejects_malformed_strings),
		cmocka_unit_test(test_ip_parse_rejects_sign_or_blank_in_prefix_length),
	};
	int ret;

	if (tern_test_eal_init("net_route") != 0)
		return 1;
	ret = cmocka_run_group_tests_name("net_route", tests, NULL, NULL);
	tern_test_eal_fini();
	return ret;
}
