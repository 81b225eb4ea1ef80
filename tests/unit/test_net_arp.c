/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * ARP (lib/net/arp.c, RFC 826) and the IPv4 side of the neighbor table
 * (lib/net/neigh.c): requests answered, senders learned under the merge
 * rule, malformed packets counted, packets held while a neighbor resolves
 * and released or timed out, entries aging, permanent entries kept.
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
#define ARP_LEN		28
#define IP4_LEN		20
#define ICMP_LEN	8
#define ECHO_DATA	16

#define ET_IPV4		0x0800
#define ET_ARP		0x0806
#define OP_REQUEST	1
#define OP_REPLY	2

#define NS		1ULL
#define MS		(1000ULL * 1000 * NS)
#define SEC		(1000ULL * MS)
/* tern_net_param defaults */
#define RETRANS_NS	(1 * SEC)
#define MAX_PROBES	3
#define REACHABLE_NS	(30 * SEC)
#define STALE_NS	(60 * SEC)

static const struct rte_ether_addr our_mac = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 } };
static const struct rte_ether_addr peer_mac = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 } };
static const struct rte_ether_addr peer_mac2 = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x22 } };
static const struct rte_ether_addr peer_mac3 = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x33 } };
static const struct rte_ether_addr bcast_mac = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
static const struct rte_ether_addr zero_mac;

#define OUR_IP4		test_ip4(10, 0, 0, 1)
#define PEER_IP4	test_ip4(10, 0, 0, 2)
#define THIRD_IP4	test_ip4(10, 0, 0, 3)
#define OTHER_IP4	test_ip4(10, 0, 0, 99)

/* ---- the context under test, its device and what it sends ---- */

/* One untagged interface with 10.0.0.1/24 and fd00::1/64; no neighbor known. */
static int
env_setup(void **state)
{
	static const struct tern_ip6 our_ip6 = { { 0xfd, [15] = 0x01 } };
	struct test_env_param p = { .name = "arp_test", .mac = our_mac, .mark_pool = true };
	struct test_env *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return -1;
	*state = e;
	if (test_env_open(e, &p) != 0 ||
	    tern_net_addr4_add(e->net, 0, OUR_IP4, 24) != 0 ||
	    tern_net_addr6_add(e->net, 0, &our_ip6, 64) != 0)
		return -1;
	return test_env_start(e);
}

/* State of the entry for @ip at time @now; @mac filled when usable. */
static enum tern_neigh_state
neigh_at(const struct test_env *e, tern_ip4_t ip, uint64_t now, struct rte_ether_addr *mac)
{
	return neigh_get(e->net, 0, 4, &ip, now, mac);
}

static enum tern_neigh_state
neigh_now(const struct test_env *e, tern_ip4_t ip, struct rte_ether_addr *mac)
{
	return neigh_at(e, ip, tern_ctx_now(e->ctx), mac);
}

/* ---- frame building and checking, independent of the library ---- */

/* An ARP packet for Ethernet/IPv4 (RFC 826). @return its length. */
static size_t
arp_pkt(uint8_t *p, uint16_t op, const struct rte_ether_addr *sha, tern_ip4_t sip,
	const struct rte_ether_addr *tha, tern_ip4_t tip)
{
	put16(p, 1);		/* Ethernet */
	put16(p + 2, ET_IPV4);
	p[4] = 6;
	p[5] = 4;
	put16(p + 6, op);
	memcpy(p + 8, sha->addr_bytes, 6);
	memcpy(p + 14, &sip, 4);
	memcpy(p + 18, tha->addr_bytes, 6);
	memcpy(p + 24, &tip, 4);
	return ARP_LEN;
}

/* Frame @src -> @dst of @type around @l3, zero-padded to 60 bytes. @return its length. */
static size_t
eth_frame(uint8_t *f, const struct rte_ether_addr *dst, const struct rte_ether_addr *src,
	  uint16_t type, const uint8_t *l3, size_t l3len)
{
	size_t len = ETH_LEN + l3len;

	memcpy(f, dst->addr_bytes, 6);
	memcpy(f + 6, src->addr_bytes, 6);
	put16(f + 12, type);
	memcpy(f + ETH_LEN, l3, l3len);
	if (len < 60) {
		memset(f + len, 0, 60 - len);
		len = 60;
	}
	return len;
}

/* Feed an ARP packet from @sha (also the frame's source) to @dst. */
static void
send_arp(struct test_env *e, const struct rte_ether_addr *dst, uint16_t op,
	 const struct rte_ether_addr *sha, tern_ip4_t sip, const struct rte_ether_addr *tha,
	 tern_ip4_t tip)
{
	uint8_t a[ARP_LEN], f[FRAME_MAX];

	arp_pkt(a, op, sha, sip, tha, tip);
	test_env_send(e, f, eth_frame(f, dst, sha, ET_ARP, a, sizeof(a)));
}

/* The peer asks who has 10.0.0.1, from @sha / @sip. */
static void
send_request_for_us(struct test_env *e, const struct rte_ether_addr *sha, tern_ip4_t sip)
{
	send_arp(e, &bcast_mac, OP_REQUEST, sha, sip, &zero_mac, OUR_IP4);
}

/* Captured packet @i is our ARP request for @target, broadcast. */
static void
check_arp_request(const struct test_env *e, unsigned int i, tern_ip4_t target)
{
	uint8_t f[FRAME_MAX];
	const uint8_t *a = f + ETH_LEN;
	tern_ip4_t our = OUR_IP4;
	size_t len = test_env_cap_copy(e, i, f, sizeof(f));

	assert_int_equal(len, ETH_LEN + ARP_LEN);
	assert_memory_equal(f, bcast_mac.addr_bytes, 6);
	assert_memory_equal(f + 6, our_mac.addr_bytes, 6);
	assert_int_equal(get16(f + 12), ET_ARP);
	assert_int_equal(get16(a), 1);
	assert_int_equal(get16(a + 2), ET_IPV4);
	assert_int_equal(a[4], 6);
	assert_int_equal(a[5], 4);
	assert_int_equal(get16(a + 6), OP_REQUEST);
	assert_memory_equal(a + 8, our_mac.addr_bytes, 6);
	assert_memory_equal(a + 14, &our, 4);
	assert_memory_equal(a + 18, zero_mac.addr_bytes, 6);
	assert_memory_equal(a + 24, &target, 4);
}

static bool
is_arp(const struct test_env *e, unsigned int i)
{
	uint8_t f[FRAME_MAX];

	test_env_cap_copy(e, i, f, sizeof(f));
	return get16(f + 12) == ET_ARP;
}

/* Captured packet @i is an echo request from us to @dst / @dst_mac with @seq. */
static void
check_echo_request(const struct test_env *e, unsigned int i, tern_ip4_t dst,
		   const struct rte_ether_addr *dst_mac, uint16_t id, uint16_t seq)
{
	uint8_t f[FRAME_MAX];
	const uint8_t *ip = f + ETH_LEN, *ic = ip + IP4_LEN;
	tern_ip4_t our = OUR_IP4;
	size_t len = test_env_cap_copy(e, i, f, sizeof(f));

	assert_int_equal(len, ETH_LEN + IP4_LEN + ICMP_LEN + ECHO_DATA);
	assert_memory_equal(f, dst_mac->addr_bytes, 6);
	assert_memory_equal(f + 6, our_mac.addr_bytes, 6);
	assert_int_equal(get16(f + 12), ET_IPV4);
	assert_int_equal(ip[0], 0x45);
	assert_int_equal(ip[9], 1);
	assert_memory_equal(ip + 12, &our, 4);
	assert_memory_equal(ip + 16, &dst, 4);
	assert_int_equal(ref_cksum(ip, IP4_LEN), 0);
	assert_int_equal(ic[0], 8);
	assert_int_equal(get16(ic + 4), id);
	assert_int_equal(get16(ic + 6), seq);
	assert_int_equal(ref_cksum(ic, ICMP_LEN + ECHO_DATA), 0);
}

/* ---- ARP input ---- */

static void
test_arp_request_for_us_is_answered(void **state)
{
	struct test_env *e = *state;
	uint8_t f[FRAME_MAX];
	const uint8_t *a = f + ETH_LEN;
	tern_ip4_t our = OUR_IP4, peer = PEER_IP4;
	struct tern_stats st;
	size_t len;

	send_request_for_us(e, &peer_mac, PEER_IP4);	/* padded to 60 bytes */
	st = test_env_stats(e);
	assert_int_equal(st.arp_in, 1);
	assert_int_equal(st.arp_req_in, 1);
	assert_int_equal(st.arp_rep_out, 1);
	assert_int_equal(st.drop_arp_bad, 0);
	assert_int_equal(e->nb_cap, 1);
	len = test_env_cap_copy(e, 0, f, sizeof(f));
	assert_int_equal(len, ETH_LEN + ARP_LEN);	/* the padding is not echoed */
	assert_memory_equal(f, peer_mac.addr_bytes, 6);
	assert_memory_equal(f + 6, our_mac.addr_bytes, 6);
	assert_int_equal(get16(f + 12), ET_ARP);
	assert_int_equal(get16(a), 1);
	assert_int_equal(get16(a + 2), ET_IPV4);
	assert_int_equal(a[4], 6);
	assert_int_equal(a[5], 4);
	assert_int_equal(get16(a + 6), OP_REPLY);
	assert_memory_equal(a + 8, our_mac.addr_bytes, 6);
	assert_memory_equal(a + 14, &our, 4);
	assert_memory_equal(a + 18, peer_mac.addr_bytes, 6);
	assert_memory_equal(a + 24, &peer, 4);
	test_env_finish(e);
}

static void
test_arp_request_sender_is_learned(void **state)
{
	struct test_env *e = *state;
	struct rte_ether_addr mac;

	assert_int_equal(neigh_now(e, PEER_IP4, &mac), TERN_NEIGH_NONE);
	send_request_for_us(e, &peer_mac, PEER_IP4);
	assert_int_equal(test_env_stats(e).neigh_learned, 1);
	memset(&mac, 0, sizeof(mac));
	assert_int_equal(neigh_now(e, PEER_IP4, &mac), TERN_NEIGH_REACHABLE);
	assert_mac_equal(&mac, &peer_mac);
	/* the public call sees it too (its clock is the TSC, seconds from here) */
	memset(&mac, 0, sizeof(mac));
	assert_int_equal(tern_net_neigh4_get(e->net, 0, PEER_IP4, &mac), TERN_NEIGH_REACHABLE);
	assert_mac_equal(&mac, &peer_mac);
	test_env_finish(e);
}

/* RFC 826: only a request for our address creates an entry. */
static void
test_arp_request_for_another_ip_is_not_answered(void **state)
{
	struct test_env *e = *state;
	struct tern_stats st;

	send_arp(e, &bcast_mac, OP_REQUEST, &peer_mac, PEER_IP4, &zero_mac, OTHER_IP4);
	st = test_env_stats(e);
	assert_int_equal(st.arp_req_in, 1);
	assert_int_equal(st.drop_arp_not_ours, 1);
	assert_int_equal(st.arp_rep_out, 0);
	assert_int_equal(st.neigh_learned, 0);
	assert_int_equal(e->nb_cap, 0);
	assert_int_equal(neigh_now(e, PEER_IP4, NULL), TERN_NEIGH_NONE);
	test_env_finish(e);
}

/* RFC 826 merge: a sender already known is updated whatever the target. */
static void
test_arp_for_another_ip_updates_existing_entry(void **state)
{
	struct test_env *e = *state;
	struct rte_ether_addr mac;

	send_request_for_us(e, &peer_mac, PEER_IP4);
	test_env_cap_clear(e);
	send_arp(e, &bcast_mac, OP_REQUEST, &peer_mac2, PEER_IP4, &zero_mac, OTHER_IP4);
	/* it refreshed an entry: used, not dropped */
	assert_int_equal(test_env_stats(e).drop_arp_not_ours, 0);
	assert_int_equal(test_env_stats(e).neigh_learned, 2);
	assert_int_equal(e->nb_cap, 0);
	assert_int_equal(neigh_now(e, PEER_IP4, &mac), TERN_NEIGH_REACHABLE);
	assert_mac_equal(&mac, &peer_mac2);
	/* and a stranger talking to another host is still not recorded */
	send_arp(e, &bcast_mac, OP_REQUEST, &peer_mac3, THIRD_IP4, &zero_mac, OTHER_IP4);
	assert_int_equal(neigh_now(e, THIRD_IP4, NULL), TERN_NEIGH_NONE);
	test_env_finish(e);
}

static void
test_arp_malformed_is_dropped(void **state)
{
	struct test_env *e = *state;
	static const struct rte_ether_addr mcast = { { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 } };
	uint8_t a[ARP_LEN], bad[ARP_LEN], f[FRAME_MAX];
	unsigned int nb = 0;
	struct tern_stats st;

	arp_pkt(a, OP_REQUEST, &peer_mac, PEER_IP4, &zero_mac, OUR_IP4);
#define SEND_BAD(stmt) do {							\
		memcpy(bad, a, sizeof(a));					\
		stmt;								\
		test_env_send(e, f, eth_frame(f, &bcast_mac, &peer_mac, ET_ARP, bad, \
					   sizeof(bad)));			\
		nb++;								\
	} while (0)
	SEND_BAD(put16(bad, 6));		/* hardware: IEEE 802 */
	SEND_BAD(put16(bad + 2, 0x86dd));	/* protocol: IPv6 */
	SEND_BAD(bad[4] = 5);			/* hlen */
	SEND_BAD(bad[5] = 6);			/* plen */
	SEND_BAD(put16(bad + 6, 3));		/* op: RARP request */
	SEND_BAD(put16(bad + 6, 0));
	SEND_BAD(memcpy(bad + 8, mcast.addr_bytes, 6));	/* multicast sender */
	SEND_BAD(memset(bad + 8, 0, 6));	/* zero sender */
#undef SEND_BAD
	/* truncated: 27 bytes, no padding */
	memcpy(f, bcast_mac.addr_bytes, 6);
	memcpy(f + 6, peer_mac.addr_bytes, 6);
	put16(f + 12, ET_ARP);
	memcpy(f + ETH_LEN, a, ARP_LEN - 1);
	test_env_send(e, f, ETH_LEN + ARP_LEN - 1);
	nb++;

	st = test_env_stats(e);
	assert_int_equal(st.arp_in, nb);
	assert_int_equal(st.drop_arp_bad, nb);
	assert_int_equal(st.arp_rep_out, 0);
	assert_int_equal(st.neigh_learned, 0);
	assert_int_equal(e->nb_cap, 0);
	assert_int_equal(neigh_now(e, PEER_IP4, NULL), TERN_NEIGH_NONE);
	test_env_finish(e);
}

/* A gratuitous ARP (sender = target) moves a known neighbor to its new MAC. */
static void
test_arp_gratuitous_updates_existing_entry(void **state)
{
	struct test_env *e = *state;
	struct rte_ether_addr mac;

	send_request_for_us(e, &peer_mac, PEER_IP4);
	test_env_cap_clear(e);
	/* request form */
	send_arp(e, &bcast_mac, OP_REQUEST, &peer_mac2, PEER_IP4, &zero_mac, PEER_IP4);
	assert_int_equal(neigh_now(e, PEER_IP4, &mac), TERN_NEIGH_REACHABLE);
	assert_mac_equal(&mac, &peer_mac2);
	/* reply form */
	send_arp(e, &bcast_mac, OP_REPLY, &peer_mac3, PEER_IP4, &bcast_mac, PEER_IP4);
	assert_int_equal(neigh_now(e, PEER_IP4, &mac), TERN_NEIGH_REACHABLE);
	assert_mac_equal(&mac, &peer_mac3);
	assert_int_equal(test_env_stats(e).arp_rep_out, 1);	/* only the first request */
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

static void
test_arp_gratuitous_does_not_create_entry(void **state)
{
	struct test_env *e = *state;

	send_arp(e, &bcast_mac, OP_REQUEST, &peer_mac, PEER_IP4, &zero_mac, PEER_IP4);
	send_arp(e, &bcast_mac, OP_REPLY, &peer_mac, PEER_IP4, &bcast_mac, PEER_IP4);
	assert_int_equal(neigh_now(e, PEER_IP4, NULL), TERN_NEIGH_NONE);
	assert_int_equal(test_env_stats(e).neigh_learned, 0);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

/* ---- resolution: hold, ask, release or give up ---- */

static void
test_arp_reply_releases_held_packet(void **state)
{
	struct test_env *e = *state;
	struct rte_ether_addr mac;
	struct tern_stats st;

	assert_int_equal(tern_icmp4_echo(e->ctx, PEER_IP4, 0x99, 1, ECHO_DATA), 0);
	tern_ctx_flush(e->ctx);
	st = test_env_stats(e);
	assert_int_equal(st.neigh_held, 1);
	assert_int_equal(st.arp_req_out, 1);
	assert_int_equal(tern_ctx_pending(e->ctx), 1);
	assert_int_equal(neigh_now(e, PEER_IP4, NULL), TERN_NEIGH_INCOMPLETE);
	assert_int_equal(e->nb_cap, 1);
	check_arp_request(e, 0, PEER_IP4);
	test_env_cap_clear(e);

	send_arp(e, &our_mac, OP_REPLY, &peer_mac, PEER_IP4, &our_mac, OUR_IP4);
	st = test_env_stats(e);
	assert_int_equal(st.arp_rep_in, 1);
	assert_int_equal(st.neigh_released, 1);
	assert_int_equal(st.arp_rep_out, 0);
	assert_int_equal(tern_ctx_pending(e->ctx), 0);
	assert_int_equal(neigh_now(e, PEER_IP4, &mac), TERN_NEIGH_REACHABLE);
	assert_mac_equal(&mac, &peer_mac);
	assert_int_equal(e->nb_cap, 1);
	check_echo_request(e, 0, PEER_IP4, &peer_mac, 0x99, 1);
	test_env_finish(e);
}

/* neigh_max_probes requests, neigh_retrans_ns apart, then the packet is dropped. */
static void
test_arp_unanswered_resolution_times_out(void **state)
{
	struct test_env *e = *state;
	unsigned int i;
	struct tern_stats st;

	assert_int_equal(tern_icmp4_echo(e->ctx, PEER_IP4, 1, 1, ECHO_DATA), 0);
	tern_ctx_flush(e->ctx);
	/* just before the deadline: every request sent, the packet still held */
	assert_int_equal(tern_ctx_advance(e->ctx, RETRANS_NS * MAX_PROBES - 1 * MS), 0);
	st = test_env_stats(e);
	assert_int_equal(st.drop_neigh_timeout, 0);
	assert_int_equal(tern_ctx_pending(e->ctx), 1);
	assert_int_equal(st.arp_req_out, MAX_PROBES);
	/* past it: dropped, and no more requests */
	assert_int_equal(tern_ctx_advance(e->ctx, 100 * MS), 0);
	st = test_env_stats(e);
	assert_int_equal(st.drop_neigh_timeout, 1);
	assert_int_equal(st.neigh_released, 0);
	assert_int_equal(st.arp_req_out, MAX_PROBES);
	assert_int_equal(tern_ctx_pending(e->ctx), 0);
	assert_int_equal(neigh_now(e, PEER_IP4, NULL), TERN_NEIGH_FAILED);
	assert_int_equal(e->nb_cap, MAX_PROBES);
	for (i = 0; i < e->nb_cap; i++)
		check_arp_request(e, i, PEER_IP4);
	test_env_finish(e);
}

/* At most TERN_NEIGH_HOLD packets wait per neighbor; they leave in order. */
static void
test_neigh_hold_queue_is_bounded_per_neighbor(void **state)
{
	struct test_env *e = *state;
	struct tern_stats st;
	uint16_t seq;

	for (seq = 0; seq <= TERN_NEIGH_HOLD; seq++)
		assert_int_equal(tern_icmp4_echo(e->ctx, PEER_IP4, 7, seq, ECHO_DATA), 0);
	tern_ctx_flush(e->ctx);
	st = test_env_stats(e);
	assert_int_equal(st.neigh_held, TERN_NEIGH_HOLD);
	assert_int_equal(st.drop_neigh_hold_full, 1);
	assert_int_equal(st.arp_req_out, 1);
	assert_int_equal(tern_ctx_pending(e->ctx), TERN_NEIGH_HOLD);
	assert_int_equal(e->nb_cap, 1);
	test_env_cap_clear(e);

	send_arp(e, &our_mac, OP_REPLY, &peer_mac, PEER_IP4, &our_mac, OUR_IP4);
	assert_int_equal(test_env_stats(e).neigh_released, TERN_NEIGH_HOLD);
	assert_int_equal(e->nb_cap, TERN_NEIGH_HOLD);
	for (seq = 0; seq < TERN_NEIGH_HOLD; seq++)
		check_echo_request(e, seq, PEER_IP4, &peer_mac, 7, seq);
	test_env_finish(e);
}

/* ---- aging ---- */

static void
test_neigh_entry_ages_reachable_stale_none(void **state)
{
	struct test_env *e = *state;
	const uint64_t t0 = 5 * SEC;
	struct rte_ether_addr mac;

	assert_int_equal(tern_ctx_set_time(e->ctx, t0), 0);
	send_request_for_us(e, &peer_mac, PEER_IP4);
	assert_int_equal(neigh_at(e, PEER_IP4, t0, NULL), TERN_NEIGH_REACHABLE);
	assert_int_equal(neigh_at(e, PEER_IP4, t0 + REACHABLE_NS, NULL), TERN_NEIGH_REACHABLE);
	memset(&mac, 0, sizeof(mac));
	assert_int_equal(neigh_at(e, PEER_IP4, t0 + REACHABLE_NS + 1, &mac), TERN_NEIGH_STALE);
	assert_mac_equal(&mac, &peer_mac);
	assert_int_equal(neigh_at(e, PEER_IP4, t0 + REACHABLE_NS + STALE_NS, NULL),
			 TERN_NEIGH_STALE);
	memset(&mac, 0, sizeof(mac));
	assert_int_equal(neigh_at(e, PEER_IP4, t0 + REACHABLE_NS + STALE_NS + 1, &mac),
			 TERN_NEIGH_NONE);
	assert_mac_equal(&mac, &zero_mac);	/* not filled when unusable */
	test_env_finish(e);
}

/* A stale entry is still used, and a new request goes out to refresh it. */
static void
test_neigh_stale_entry_is_used_and_reprobed(void **state)
{
	struct test_env *e = *state;
	unsigned int i, nb_arp = 0;

	send_request_for_us(e, &peer_mac, PEER_IP4);
	test_env_cap_clear(e);
	assert_int_equal(tern_ctx_set_time(e->ctx, REACHABLE_NS + 1 * SEC), 0);
	assert_int_equal(neigh_now(e, PEER_IP4, NULL), TERN_NEIGH_STALE);
	assert_int_equal(tern_icmp4_echo(e->ctx, PEER_IP4, 3, 4, ECHO_DATA), 0);
	tern_ctx_flush(e->ctx);
	assert_int_equal(test_env_stats(e).neigh_held, 0);
	assert_int_equal(test_env_stats(e).arp_req_out, 1);
	assert_int_equal(e->nb_cap, 2);
	for (i = 0; i < e->nb_cap; i++) {
		if (is_arp(e, i)) {
			check_arp_request(e, i, PEER_IP4);
			nb_arp++;
		} else {
			check_echo_request(e, i, PEER_IP4, &peer_mac, 3, 4);
		}
	}
	assert_int_equal(nb_arp, 1);
	test_env_finish(e);
}

static void
test_neigh_permanent_entry_never_ages_nor_is_overwritten(void **state)
{
	struct test_env *e = *state;
	struct rte_ether_addr mac;

	assert_int_equal(tern_net_neigh4_set(e->net, 0, PEER_IP4, &peer_mac), 0);
	assert_int_equal(neigh_at(e, PEER_IP4, 0, &mac), TERN_NEIGH_PERMANENT);
	assert_mac_equal(&mac, &peer_mac);
	assert_int_equal(neigh_at(e, PEER_IP4, 1000000 * SEC, &mac), TERN_NEIGH_PERMANENT);
	/* a request for us (answered), a gratuitous ARP and a reply all claim another MAC */
	send_request_for_us(e, &peer_mac2, PEER_IP4);
	assert_int_equal(test_env_stats(e).arp_rep_out, 1);
	send_arp(e, &bcast_mac, OP_REQUEST, &peer_mac2, PEER_IP4, &zero_mac, PEER_IP4);
	send_arp(e, &our_mac, OP_REPLY, &peer_mac2, PEER_IP4, &our_mac, OUR_IP4);
	memset(&mac, 0, sizeof(mac));
	assert_int_equal(neigh_now(e, PEER_IP4, &mac), TERN_NEIGH_PERMANENT);
	assert_mac_equal(&mac, &peer_mac);
	test_env_cap_clear(e);
	/* and it is used at once, without a request, even much later */
	assert_int_equal(tern_ctx_set_time(e->ctx, 1000 * SEC), 0);
	assert_int_equal(tern_icmp4_echo(e->ctx, PEER_IP4, 5, 6, ECHO_DATA), 0);
	tern_ctx_flush(e->ctx);
	assert_int_equal(test_env_stats(e).arp_req_out, 0);
	assert_int_equal(e->nb_cap, 1);
	check_echo_request(e, 0, PEER_IP4, &peer_mac, 5, 6);
	test_env_finish(e);
}

#define ENV_TEST(fn)	cmocka_unit_test_setup_teardown(fn, env_setup, test_env_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		ENV_TEST(test_arp_request_for_us_is_answered),
		ENV_TEST(test_arp_request_sender_is_learned),
		ENV_TEST(test_arp_request_for_another_ip_is_not_answered),
		ENV_TEST(test_arp_for_another_ip_updates_existing_entry),
		ENV_TEST(test_arp_malformed_is_dropped),
		ENV_TEST(test_arp_gratuitous_updates_existing_entry),
		ENV_TEST(test_arp_gratuitous_does_not_create_entry),
		ENV_TEST(test_arp_reply_releases_held_packet),
		ENV_TEST(test_arp_unanswered_resolution_times_out),
		ENV_TEST(test_neigh_hold_queue_is_bounded_per_neighbor),
		ENV_TEST(test_neigh_entry_ages_reachable_stale_none),
		ENV_TEST(test_neigh_stale_entry_is_used_and_reprobed),
		ENV_TEST(test_neigh_permanent_entry_never_ages_nor_is_overwritten),
	};
	int ret;

	if (tern_test_eal_init("net_arp") != 0)
		return 1;
	ret = cmocka_run_group_tests_name("net_arp", tests, NULL, NULL);
	tern_test_eal_fini();
	return ret;
}
