/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * IPv6 neighbor discovery (lib/net/icmp6.c, RFC 4861) and the IPv6 side of
 * the neighbor table: solicitations for our addresses answered, malformed or
 * foreign ones counted, duplicate address detection answered to all-nodes,
 * advertisements resolving a held packet, echo to all-nodes answered from a
 * unicast address. Checksums are checked against a reference written here.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_env.h"

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include <tern/tern.h>

#include "tern_net_priv.h"

#define CAP_MAX		64
#define FRAME_MAX	1600
#define ETH_LEN		14
#define IP6_LEN		40
#define ICMP_LEN	8
#define ND_LEN		24	/* ICMPv6 header, reserved/flags, target */
#define OPT_LEN		8	/* one link-layer address option */
#define ECHO_DATA	16

#define ET_IPV6		0x86dd
#define PROTO_ICMPV6	58
#define ND_HLIM		255

#define ICMP6_ECHO_REQUEST	128
#define ICMP6_ECHO_REPLY	129
#define ND_NS			135
#define ND_NA			136
#define OPT_SLLA		1
#define OPT_TLLA		2
#define NA_R			0x80
#define NA_S			0x40
#define NA_O			0x20

static const struct rte_ether_addr our_mac = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 } };
static const struct rte_ether_addr peer_mac = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 } };

static const struct tern_ip6 our_ip6 = { { 0xfd, [15] = 0x01 } };
static const struct tern_ip6 peer_ip6 = { { 0xfd, [15] = 0x02 } };
static const struct tern_ip6 other_ip6 = { { 0xfd, [15] = 0x99 } };
static const struct tern_ip6 unspec_ip6;
static const struct tern_ip6 all_nodes = { { 0xff, 0x02, [15] = 0x01 } };
/* fe80::ff:fe00:1: modified EUI-64 of our MAC (RFC 4291 appendix A) */
static const struct tern_ip6 our_ll = {
	{ 0xfe, 0x80, [11] = 0xff, [12] = 0xfe, [15] = 0x01 }
};
static const struct tern_ip6 peer_ll = { { 0xfe, 0x80, [15] = 0x02 } };

/* ff02::1:ffXX:XXXX (RFC 4291 2.7.1) and its MAC 33:33:ff:XX:XX:XX (RFC 2464 7). */
static struct tern_ip6
sol_node(const struct tern_ip6 *a)
{
	struct tern_ip6 s = { { 0xff, 0x02, [11] = 0x01, [12] = 0xff } };

	memcpy(&s.a[13], &a->a[13], 3);
	return s;
}

static struct rte_ether_addr
mcast_mac(const struct tern_ip6 *a)
{
	struct rte_ether_addr m = { { 0x33, 0x33 } };

	memcpy(&m.addr_bytes[2], &a->a[12], 4);
	return m;
}

/* ---- the context under test, its device and what it sends ---- */

/* One untagged interface with 10.0.0.1/24 and fd00::1/64; no neighbor known. */
static int
env_setup(void **state)
{
	struct test_env_param p = { .name = "nd_test", .mac = our_mac, .mark_pool = true };
	struct test_env *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return -1;
	*state = e;
	if (test_env_open(e, &p) != 0 ||
	    tern_net_addr4_add(e->net, 0, rte_cpu_to_be_32(0x0a000001), 24) != 0 ||
	    tern_net_addr6_add(e->net, 0, &our_ip6, 64) != 0)
		return -1;
	return test_env_start(e);
}

static enum tern_neigh_state
neigh6(const struct test_env *e, const struct tern_ip6 *ip, struct rte_ether_addr *mac)
{
	return neigh_get(e->net, 0, 6, ip->a, tern_ctx_now(e->ctx), mac);
}

/* ---- frame building and checking, independent of the library ---- */

/*
 * An NS or NA for @target; @flags in the NA's first reserved byte; a
 * link-layer address option @opt (0: none) carrying @lla. Checksum left 0.
 * @return its length.
 */
static size_t
nd_msg(uint8_t *p, uint8_t type, uint8_t flags, const struct tern_ip6 *target, uint8_t opt,
       const struct rte_ether_addr *lla)
{
	memset(p, 0, ND_LEN);
	p[0] = type;
	p[4] = flags;
	memcpy(p + 8, target->a, 16);
	if (opt == 0)
		return ND_LEN;
	p[ND_LEN] = opt;
	p[ND_LEN + 1] = 1;	/* 8 bytes */
	memcpy(p + ND_LEN + 2, lla->addr_bytes, 6);
	return ND_LEN + OPT_LEN;
}

/*
 * Feed ICMPv6 message @msg (@len bytes; its checksum is filled in here) from
 * @src to @dst with hop limit @hlim, in a frame from the peer to @dmac.
 */
static void
send_icmp6(struct test_env *e, const struct rte_ether_addr *dmac, const struct tern_ip6 *src,
	   const struct tern_ip6 *dst, uint8_t hlim, uint8_t *msg, size_t len)
{
	uint8_t f[FRAME_MAX];
	struct rte_mbuf *m;

	put16(msg + 2, 0);
	put16(msg + 2, ref_icmp6_cksum(src, dst, msg, len));
	memcpy(f, dmac->addr_bytes, 6);
	memcpy(f + 6, peer_mac.addr_bytes, 6);
	put16(f + 12, ET_IPV6);
	memset(f + ETH_LEN, 0, IP6_LEN);
	f[ETH_LEN] = 0x60;
	put16(f + ETH_LEN + 4, (uint16_t)len);
	f[ETH_LEN + 6] = PROTO_ICMPV6;
	f[ETH_LEN + 7] = hlim;
	memcpy(f + ETH_LEN + 8, src->a, 16);
	memcpy(f + ETH_LEN + 24, dst->a, 16);
	memcpy(f + ETH_LEN + IP6_LEN, msg, len);
	m = tern_test_mbuf_from(f, ETH_LEN + IP6_LEN + len);
	tern_ctx_input(e->ctx, 0, &m, 1);
	tern_ctx_flush(e->ctx);
}

/* The peer solicits @target from @src to @dst, with its SLLA (or none). */
static void
send_ns(struct test_env *e, const struct tern_ip6 *src, const struct tern_ip6 *dst,
	const struct tern_ip6 *target, uint8_t hlim, bool slla)
{
	struct rte_ether_addr dmac = mcast_mac(dst);
	uint8_t msg[64];
	size_t len;

	len = nd_msg(msg, ND_NS, 0, target, slla ? OPT_SLLA : 0, &peer_mac);
	send_icmp6(e, ip6_is_multicast(dst) ? &dmac : &our_mac, src, dst, hlim, msg, len);
}

static void
send_na(struct test_env *e, const struct tern_ip6 *dst, uint8_t flags, uint8_t hlim)
{
	struct rte_ether_addr dmac = mcast_mac(dst);
	uint8_t msg[64];
	size_t len;

	len = nd_msg(msg, ND_NA, flags, &peer_ip6, OPT_TLLA, &peer_mac);
	send_icmp6(e, ip6_is_multicast(dst) ? &dmac : &our_mac, &peer_ip6, dst, hlim, msg,
		   len);
}

/*
 * Frame @f (@len bytes) is an ICMPv6 message from us (MAC) to @dmac, IPv6
 * @src -> @dst, hop limit @hlim, of @mlen bytes with a right checksum.
 * @return the message.
 */
static const uint8_t *
check_icmp6(const uint8_t *f, size_t len, const struct rte_ether_addr *dmac,
	    const struct tern_ip6 *src, const struct tern_ip6 *dst, uint8_t hlim, size_t mlen)
{
	const uint8_t *ip = f + ETH_LEN, *msg = ip + IP6_LEN;

	assert_int_equal(len, ETH_LEN + IP6_LEN + mlen);
	assert_memory_equal(f, dmac->addr_bytes, 6);
	assert_memory_equal(f + 6, our_mac.addr_bytes, 6);
	assert_int_equal(get16(f + 12), ET_IPV6);
	assert_int_equal(ip[0] >> 4, 6);
	assert_int_equal(get16(ip + 4), mlen);
	assert_int_equal(ip[6], PROTO_ICMPV6);
	assert_int_equal(ip[7], hlim);
	assert_memory_equal(ip + 8, src->a, 16);
	assert_memory_equal(ip + 24, dst->a, 16);
	assert_int_equal(ref_icmp6_cksum(src, dst, msg, mlen), 0);
	return msg;
}

/* Captured packet @i is an NA for @target with @flags and our MAC as TLLA. */
static void
check_na(const struct test_env *e, unsigned int i, const struct rte_ether_addr *dmac,
	 const struct tern_ip6 *src, const struct tern_ip6 *dst, const struct tern_ip6 *target,
	 uint8_t flags)
{
	uint8_t f[FRAME_MAX];
	size_t len = test_env_cap_copy(e, i, f, sizeof(f));
	const uint8_t *na = check_icmp6(f, len, dmac, src, dst, ND_HLIM, ND_LEN + OPT_LEN);

	assert_int_equal(na[0], ND_NA);
	assert_int_equal(na[1], 0);
	assert_int_equal(na[4], flags);
	assert_int_equal(na[5] | na[6] | na[7], 0);
	assert_memory_equal(na + 8, target->a, 16);
	assert_int_equal(na[ND_LEN], OPT_TLLA);
	assert_int_equal(na[ND_LEN + 1], 1);
	assert_memory_equal(na + ND_LEN + 2, our_mac.addr_bytes, 6);
}

/* ---- neighbor solicitation input ---- */

static void
test_nd_ns_for_our_address_gets_solicited_override_na(void **state)
{
	struct test_env *e = *state;
	struct tern_ip6 sn = sol_node(&our_ip6);
	struct rte_ether_addr mac;
	struct tern_stats st;

	send_ns(e, &peer_ip6, &sn, &our_ip6, ND_HLIM, true);
	st = test_env_stats(e);
	assert_int_equal(st.nd_ns_in, 1);
	assert_int_equal(st.nd_na_out, 1);
	assert_int_equal(st.drop_nd_bad, 0);
	assert_int_equal(e->nb_cap, 1);
	check_na(e, 0, &peer_mac, &our_ip6, &peer_ip6, &our_ip6, NA_S | NA_O);
	/* the SLLA taught us the asker */
	assert_int_equal(neigh6(e, &peer_ip6, &mac), TERN_NEIGH_REACHABLE);
	assert_mac_equal(&mac, &peer_mac);
	test_env_finish(e);
}

/* A unicast NS (neighbor unreachability detection) is answered the same way. */
static void
test_nd_unicast_ns_is_answered(void **state)
{
	struct test_env *e = *state;

	send_ns(e, &peer_ip6, &our_ip6, &our_ip6, ND_HLIM, true);
	assert_int_equal(test_env_stats(e).nd_na_out, 1);
	assert_int_equal(e->nb_cap, 1);
	check_na(e, 0, &peer_mac, &our_ip6, &peer_ip6, &our_ip6, NA_S | NA_O);
	test_env_finish(e);
}

static void
test_nd_ns_for_our_link_local_is_answered_from_it(void **state)
{
	struct test_env *e = *state;
	struct tern_ip6 sn = sol_node(&our_ll);

	send_ns(e, &peer_ll, &sn, &our_ll, ND_HLIM, true);
	assert_int_equal(test_env_stats(e).nd_na_out, 1);
	assert_int_equal(e->nb_cap, 1);
	check_na(e, 0, &peer_mac, &our_ll, &peer_ll, &our_ll, NA_S | NA_O);
	test_env_finish(e);
}

/* RFC 4861 7.1.1: a hop limit other than 255 means it crossed a router. */
static void
test_nd_ns_with_hop_limit_not_255_is_dropped(void **state)
{
	struct test_env *e = *state;
	struct tern_ip6 sn = sol_node(&our_ip6);

	send_ns(e, &peer_ip6, &sn, &our_ip6, ND_HLIM - 1, true);
	assert_int_equal(test_env_stats(e).nd_ns_in, 1);
	assert_int_equal(test_env_stats(e).drop_nd_bad, 1);
	assert_int_equal(test_env_stats(e).nd_na_out, 0);
	assert_int_equal(e->nb_cap, 0);
	assert_int_equal(neigh6(e, &peer_ip6, NULL), TERN_NEIGH_NONE);
	test_env_finish(e);
}

/* RFC 4861 4.6: an option of length zero is invalid, and so is the message. */
static void
test_nd_ns_with_zero_length_option_is_dropped(void **state)
{
	struct test_env *e = *state;
	struct tern_ip6 sn = sol_node(&our_ip6);
	struct rte_ether_addr dmac = mcast_mac(&sn);
	uint8_t msg[64];
	size_t len;

	/* a zero-length SLLA */
	len = nd_msg(msg, ND_NS, 0, &our_ip6, OPT_SLLA, &peer_mac);
	msg[ND_LEN + 1] = 0;
	send_icmp6(e, &dmac, &peer_ip6, &sn, ND_HLIM, msg, len);
	/* a zero-length option of another type (a nonce) before a good SLLA */
	len = nd_msg(msg, ND_NS, 0, &our_ip6, OPT_SLLA, &peer_mac);
	memmove(msg + ND_LEN + OPT_LEN, msg + ND_LEN, OPT_LEN);
	memset(msg + ND_LEN, 0, OPT_LEN);
	msg[ND_LEN] = 14;
	send_icmp6(e, &dmac, &peer_ip6, &sn, ND_HLIM, msg, len + OPT_LEN);
	assert_int_equal(test_env_stats(e).nd_ns_in, 2);
	assert_int_equal(test_env_stats(e).drop_nd_bad, 2);
	assert_int_equal(test_env_stats(e).nd_na_out, 0);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

static void
test_nd_ns_for_another_target_is_dropped(void **state)
{
	struct test_env *e = *state;

	send_ns(e, &peer_ip6, &our_ip6, &other_ip6, ND_HLIM, true);
	assert_int_equal(test_env_stats(e).nd_ns_in, 1);
	assert_int_equal(test_env_stats(e).drop_nd_not_ours, 1);
	assert_int_equal(test_env_stats(e).nd_na_out, 0);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

/* The solicited-node group of an address not ours is not joined. */
static void
test_nd_ns_to_another_solicited_node_group_is_dropped(void **state)
{
	struct test_env *e = *state;
	struct tern_ip6 sn = sol_node(&other_ip6);

	send_ns(e, &peer_ip6, &sn, &other_ip6, ND_HLIM, true);
	assert_int_equal(test_env_stats(e).drop_ip6_not_ours, 1);
	assert_int_equal(test_env_stats(e).nd_ns_in, 0);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

/* RFC 4861 7.2.4: a DAD probe gets an NA to all-nodes, S clear, and teaches nothing. */
static void
test_nd_dad_ns_gets_na_to_all_nodes(void **state)
{
	struct test_env *e = *state;
	struct tern_ip6 sn = sol_node(&our_ip6);
	struct rte_ether_addr an_mac = mcast_mac(&all_nodes);

	send_ns(e, &unspec_ip6, &sn, &our_ip6, ND_HLIM, false);
	assert_int_equal(test_env_stats(e).nd_na_out, 1);
	assert_int_equal(test_env_stats(e).neigh_learned, 0);
	assert_int_equal(e->nb_cap, 1);
	check_na(e, 0, &an_mac, &our_ip6, &all_nodes, &our_ip6, NA_O);
	assert_int_equal(neigh6(e, &unspec_ip6, NULL), TERN_NEIGH_NONE);
	test_env_finish(e);
}

/* RFC 4861 7.1.1: from the unspecified address, no source link-layer option. */
static void
test_nd_dad_ns_with_slla_is_dropped(void **state)
{
	struct test_env *e = *state;
	struct tern_ip6 sn = sol_node(&our_ip6);

	send_ns(e, &unspec_ip6, &sn, &our_ip6, ND_HLIM, true);
	assert_int_equal(test_env_stats(e).drop_nd_bad, 1);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

/* ---- resolution through NS / NA ---- */

/* Our NS for @target: to its solicited-node group, SLLA = our MAC. */
static void
check_ns(const struct test_env *e, unsigned int i, const struct tern_ip6 *target)
{
	struct tern_ip6 sn = sol_node(target);
	struct rte_ether_addr dmac = mcast_mac(&sn);
	uint8_t f[FRAME_MAX];
	size_t len = test_env_cap_copy(e, i, f, sizeof(f));
	const uint8_t *ns = check_icmp6(f, len, &dmac, &our_ip6, &sn, ND_HLIM,
					ND_LEN + OPT_LEN);

	assert_int_equal(ns[0], ND_NS);
	assert_int_equal(ns[1], 0);
	assert_int_equal(ns[4] | ns[5] | ns[6] | ns[7], 0);
	assert_memory_equal(ns + 8, target->a, 16);
	assert_int_equal(ns[ND_LEN], OPT_SLLA);
	assert_int_equal(ns[ND_LEN + 1], 1);
	assert_memory_equal(ns + ND_LEN + 2, our_mac.addr_bytes, 6);
}

static void
check_echo6_request(const struct test_env *e, unsigned int i, uint16_t id, uint16_t seq)
{
	uint8_t f[FRAME_MAX];
	size_t len = test_env_cap_copy(e, i, f, sizeof(f));
	const uint8_t *ic = check_icmp6(f, len, &peer_mac, &our_ip6, &peer_ip6, 64,
					ICMP_LEN + ECHO_DATA);

	assert_int_equal(ic[0], ICMP6_ECHO_REQUEST);
	assert_int_equal(get16(ic + 4), id);
	assert_int_equal(get16(ic + 6), seq);
}

static void
test_nd_na_resolves_incomplete_entry_and_releases_held_packet(void **state)
{
	struct test_env *e = *state;
	struct rte_ether_addr mac, dmac;
	struct tern_ip6 sn;
	struct tern_stats st;

	assert_int_equal(tern_icmp6_echo(e->ctx, &peer_ip6, 0x5151, 2, ECHO_DATA), 0);
	tern_ctx_flush(e->ctx);
	st = test_env_stats(e);
	assert_int_equal(st.neigh_held, 1);
	assert_int_equal(st.nd_ns_out, 1);
	assert_int_equal(tern_ctx_pending(e->ctx), 1);
	assert_int_equal(neigh6(e, &peer_ip6, NULL), TERN_NEIGH_INCOMPLETE);
	assert_int_equal(e->nb_cap, 1);
	/* ff02::1:ff00:2 on 33:33:ff:00:00:02 */
	sn = sol_node(&peer_ip6);
	dmac = mcast_mac(&sn);
	assert_int_equal(sn.a[11], 0x01);
	assert_int_equal(sn.a[12], 0xff);
	assert_int_equal(sn.a[15], 0x02);
	assert_int_equal(dmac.addr_bytes[2], 0xff);
	assert_int_equal(dmac.addr_bytes[5], 0x02);
	check_ns(e, 0, &peer_ip6);
	test_env_cap_clear(e);

	send_na(e, &our_ip6, NA_S | NA_O, ND_HLIM);
	st = test_env_stats(e);
	assert_int_equal(st.nd_na_in, 1);
	assert_int_equal(st.neigh_learned, 1);
	assert_int_equal(st.neigh_released, 1);
	assert_int_equal(tern_ctx_pending(e->ctx), 0);
	assert_int_equal(neigh6(e, &peer_ip6, &mac), TERN_NEIGH_REACHABLE);
	assert_mac_equal(&mac, &peer_mac);
	assert_int_equal(e->nb_cap, 1);
	check_echo6_request(e, 0, 0x5151, 2);
	test_env_finish(e);
}

/* RFC 4861 7.1.2: an NA to a multicast address must not have S set. */
static void
test_nd_na_with_solicited_flag_to_multicast_is_dropped(void **state)
{
	struct test_env *e = *state;

	assert_int_equal(tern_icmp6_echo(e->ctx, &peer_ip6, 1, 1, ECHO_DATA), 0);
	tern_ctx_flush(e->ctx);
	test_env_cap_clear(e);
	send_na(e, &all_nodes, NA_S | NA_O, ND_HLIM);
	assert_int_equal(test_env_stats(e).nd_na_in, 1);
	assert_int_equal(test_env_stats(e).drop_nd_bad, 1);
	assert_int_equal(test_env_stats(e).neigh_released, 0);
	assert_int_equal(neigh6(e, &peer_ip6, NULL), TERN_NEIGH_INCOMPLETE);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

static void
test_nd_na_with_hop_limit_not_255_is_dropped(void **state)
{
	struct test_env *e = *state;

	assert_int_equal(tern_icmp6_echo(e->ctx, &peer_ip6, 1, 1, ECHO_DATA), 0);
	tern_ctx_flush(e->ctx);
	test_env_cap_clear(e);
	send_na(e, &our_ip6, NA_S | NA_O, 64);
	assert_int_equal(test_env_stats(e).drop_nd_bad, 1);
	assert_int_equal(neigh6(e, &peer_ip6, NULL), TERN_NEIGH_INCOMPLETE);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

/* RFC 4861 7.2.5: with no entry, an advertisement is silently discarded. */
static void
test_nd_unsolicited_na_does_not_create_entry(void **state)
{
	struct test_env *e = *state;

	send_na(e, &all_nodes, NA_O, ND_HLIM);
	assert_int_equal(test_env_stats(e).nd_na_in, 1);
	assert_int_equal(test_env_stats(e).drop_nd_bad, 0);
	assert_int_equal(test_env_stats(e).neigh_learned, 0);
	assert_int_equal(neigh6(e, &peer_ip6, NULL), TERN_NEIGH_NONE);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

/*
 * RFC 4861 7.2.5: an NA with the Override flag clear must not replace a
 * cached link-layer address that differs (a REACHABLE entry only turns
 * STALE); only O set, or an INCOMPLETE entry, takes the new address.
 */
static void
test_nd_na_without_override_keeps_cached_mac(void **state)
{
	static const struct rte_ether_addr mac2 = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x22 } };
	struct test_env *e = *state;
	struct rte_ether_addr mac;
	uint8_t msg[64];
	size_t len;

	assert_int_equal(tern_icmp6_echo(e->ctx, &peer_ip6, 1, 1, ECHO_DATA), 0);
	tern_ctx_flush(e->ctx);
	send_na(e, &our_ip6, NA_S | NA_O, ND_HLIM);
	assert_int_equal(neigh6(e, &peer_ip6, &mac), TERN_NEIGH_REACHABLE);
	assert_mac_equal(&mac, &peer_mac);
	test_env_cap_clear(e);

	len = nd_msg(msg, ND_NA, NA_S, &peer_ip6, OPT_TLLA, &mac2);
	send_icmp6(e, &our_mac, &peer_ip6, &our_ip6, ND_HLIM, msg, len);
	assert_int_equal(test_env_stats(e).nd_na_in, 2);
	memset(&mac, 0, sizeof(mac));
	assert_int_not_equal(neigh6(e, &peer_ip6, &mac), TERN_NEIGH_NONE);
	assert_mac_equal(&mac, &peer_mac);
	test_env_finish(e);
}

/* ---- echo to a group ---- */

/* RFC 4443 4.2: the reply to a multicast echo comes from a unicast address. */
static void
test_icmp6_echo_to_all_nodes_is_answered_from_unicast(void **state)
{
	struct test_env *e = *state;
	struct rte_ether_addr an_mac = mcast_mac(&all_nodes);
	uint8_t msg[64], f[FRAME_MAX];
	const uint8_t *ic;
	size_t len, i;

	assert_int_equal(tern_net_neigh6_set(e->net, 0, &peer_ip6, &peer_mac), 0);
	memset(msg, 0, sizeof(msg));
	msg[0] = ICMP6_ECHO_REQUEST;
	put16(msg + 4, 0xabcd);
	put16(msg + 6, 42);
	for (i = 0; i < ECHO_DATA; i++)
		msg[ICMP_LEN + i] = (uint8_t)(i * 3);
	send_icmp6(e, &an_mac, &peer_ip6, &all_nodes, 64, msg, ICMP_LEN + ECHO_DATA);
	assert_int_equal(test_env_stats(e).icmp6_echo_out, 1);
	assert_int_equal(e->nb_cap, 1);
	len = test_env_cap_copy(e, 0, f, sizeof(f));
	ic = check_icmp6(f, len, &peer_mac, &our_ip6, &peer_ip6, 64, ICMP_LEN + ECHO_DATA);
	assert_int_equal(ic[0], ICMP6_ECHO_REPLY);
	assert_int_equal(ic[1], 0);
	assert_memory_equal(ic + 4, msg + 4, 4 + ECHO_DATA);
	test_env_finish(e);
}

#define ENV_TEST(fn)	cmocka_unit_test_setup_teardown(fn, env_setup, test_env_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		ENV_TEST(test_nd_ns_for_our_address_gets_solicited_override_na),
		ENV_TEST(test_nd_unicast_ns_is_answered),
		ENV_TEST(test_nd_ns_for_our_link_local_is_answered_from_it),
		ENV_TEST(test_nd_ns_with_hop_limit_not_255_is_dropped),
		ENV_TEST(test_nd_ns_with_zero_length_option_is_dropped),
		ENV_TEST(test_nd_ns_for_another_target_is_dropped),
		ENV_TEST(test_nd_ns_to_another_solicited_node_group_is_dropped),
		ENV_TEST(test_nd_dad_ns_gets_na_to_all_nodes),
		ENV_TEST(test_nd_dad_ns_with_slla_is_dropped),
		ENV_TEST(test_nd_na_resolves_incomplete_entry_and_releases_held_packet),
		ENV_TEST(test_nd_na_with_solicited_flag_to_multicast_is_dropped),
		ENV_TEST(test_nd_na_with_hop_limit_not_255_is_dropped),
		ENV_TEST(test_nd_unsolicited_na_does_not_create_entry),
		ENV_TEST(test_nd_na_without_override_keeps_cached_mac),
		ENV_TEST(test_icmp6_echo_to_all_nodes_is_answered_from_unicast),
	};
	int ret;

	if (tern_test_eal_init("net_nd") != 0)
		return 1;
	ret = cmocka_run_group_tests_name("net_nd", tests, NULL, NULL);
	tern_test_eal_fini();
	return ret;
}
