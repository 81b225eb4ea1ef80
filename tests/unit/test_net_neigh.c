/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * The shared neighbor table under churn: entries that aged out are given to
 * new neighbors (the table does not fill up with the dead), live and
 * permanent ones are kept, and ARP from senders off our subnets creates
 * nothing.
 */

#include <string.h>

#include <rte_arp.h>
#include <rte_ether.h>

#include <tern/tern.h>

#include "tern_net_priv.h"
#include "test_common.h"

#define NEIGH_SLOTS	256
#define SEC		1000000000ULL

struct nenv {
	struct tern_dev *dev;
	struct tern_net *net;
	struct tern_ctx *ctx;
	unsigned int avail0;
};

static const struct rte_ether_addr our_mac = { .addr_bytes = { 0x02, 0, 0, 0, 0, 1 } };

static void
sink(void *arg, struct rte_mbuf **pkts, uint16_t n)
{
	(void)arg;
	rte_pktmbuf_free_bulk(pkts, n);
}

static int
nsetup(void **state)
{
	static struct nenv e;
	struct tern_net_param np = { .neigh_entries = NEIGH_SLOTS, .socket_id = SOCKET_ID_ANY };
	struct tern_vdev_param vp = { .name = "neigh", .mac = our_mac, .tx = sink };
	struct tern_ctx_param cp = { .manual_clock = true, .socket_id = SOCKET_ID_ANY };
	tern_ip4_t a;

	memset(&e, 0, sizeof(e));
	e.avail0 = tern_test_pool_mark();
	vp.mp = tern_test_pool();
	e.dev = tern_dev_create_virtual(&vp);
	assert_non_null(e.dev);
	e.net = tern_net_create(&np);
	assert_non_null(e.net);
	assert_int_equal(tern_net_iface_add(e.net, e.dev, 0), 0);
	assert_int_equal(tern_ip4_parse("10.0.0.1", &a, NULL), 0);
	assert_int_equal(tern_net_addr4_add(e.net, 0, a, 16), 0);
	cp.net = e.net;
	e.ctx = tern_ctx_create(&cp);
	assert_non_null(e.ctx);
	*state = &e;
	return 0;
}

static int
nteardown(void **state)
{
	struct nenv *e = *state;

	tern_ctx_destroy(e->ctx);
	tern_net_destroy(e->net);
	tern_dev_destroy(e->dev);
	tern_test_assert_pool_back();
	return 0;
}

/* An ARP request for 10.0.0.1 from @sip with a MAC made from @sip. */
static void
arp_from(struct nenv *e, tern_ip4_t sip)
{
	uint8_t f[sizeof(struct rte_ether_hdr) + sizeof(struct rte_arp_hdr)];
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)f;
	struct rte_arp_hdr *ah = (struct rte_arp_hdr *)(eh + 1);
	struct rte_mbuf *m;
	tern_ip4_t tip;

	memset(f, 0, sizeof(f));
	memset(&eh->dst_addr, 0xff, RTE_ETHER_ADDR_LEN);
	eh->src_addr.addr_bytes[0] = 0x02;
	memcpy(&eh->src_addr.addr_bytes[2], &sip, 4);
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	ah->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	ah->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ah->arp_hlen = RTE_ETHER_ADDR_LEN;
	ah->arp_plen = 4;
	ah->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	ah->arp_data.arp_sha = eh->src_addr;
	ah->arp_data.arp_sip = sip;
	tern_ip4_parse("10.0.0.1", &tip, NULL);
	ah->arp_data.arp_tip = tip;
	m = tern_test_mbuf_from(f, sizeof(f));
	tern_ctx_input(e->ctx, 0, &m, 1);
	tern_ctx_flush(e->ctx);
}

static tern_ip4_t
host(unsigned int i)
{
	/* 10.0.(i / 250 + 1).(i % 250 + 2): inside 10.0.0.0/16 */
	return rte_cpu_to_be_32(RTE_IPV4(10, 0, i / 250 + 1, i % 250 + 2));
}

static enum tern_neigh_state
state_of(struct nenv *e, tern_ip4_t ip)
{
	return neigh_get(e->net, 0, 4, &ip, tern_ctx_now(e->ctx), NULL);
}

/*
 * Every key lies within its home slot's reach (lookups search no farther);
 * @return the sum of the keys' distances from their homes.
 */
static unsigned int
check_reach(struct nenv *e)
{
	unsigned int i, d, sum = 0;

	for (i = 0; i < NEIGH_SLOTS; i++) {
		const struct tern_neigh *n = &e->net->neigh[i];
		uint32_t home;

		if (n->used == 0)
			continue;
		home = neigh_home(e->net, n->ifindex, n->family, n->addr);
		d = (i - home) & (NEIGH_SLOTS - 1);
		assert_true(d < e->net->neigh[home].reach);
		sum += d;
	}
	return sum;
}

/* A table full of live neighbors refuses new ones; once they age out, it takes them. */
static void
test_neigh_aged_entries_are_reused(void **state)
{
	struct nenv *e = *state;
	struct tern_stats st;
	unsigned int i, learned = 0;
	tern_ip4_t perm, late;
	struct rte_ether_addr pmac = { .addr_bytes = { 0x02, 9, 9, 9, 9, 9 } };

	tern_ip4_parse("10.0.200.1", &perm, NULL);
	assert_int_equal(tern_net_neigh4_set(e->net, 0, perm, &pmac), 0);
	/* more senders than slots: some cannot be learned now */
	for (i = 0; i < 2 * NEIGH_SLOTS; i++)
		arp_from(e, host(i));
	for (i = 0; i < 2 * NEIGH_SLOTS; i++)
		learned += state_of(e, host(i)) == TERN_NEIGH_REACHABLE;
	assert_true(learned < 2 * NEIGH_SLOTS);
	assert_true(learned > NEIGH_SLOTS / 2);
	late = host(5 * NEIGH_SLOTS);
	arp_from(e, late);
	check_reach(e);
	/* a day later every learned entry has aged out (reachable 30 s + stale 60 s) */
	assert_int_equal(tern_ctx_advance(e->ctx, 24 * 3600 * SEC), 0);
	assert_int_equal(state_of(e, host(0)), TERN_NEIGH_NONE);
	/* new neighbors take their slots: all of a fresh batch is learned */
	for (i = 0; i < NEIGH_SLOTS / 4; i++)
		arp_from(e, host(3 * NEIGH_SLOTS + i));
	for (i = 0; i < NEIGH_SLOTS / 4; i++)
		assert_int_equal(state_of(e, host(3 * NEIGH_SLOTS + i)), TERN_NEIGH_REACHABLE);
	arp_from(e, late);
	assert_int_equal(state_of(e, late), TERN_NEIGH_REACHABLE);
	check_reach(e);
	/* the permanent entry was never given away */
	assert_int_equal(state_of(e, perm), TERN_NEIGH_PERMANENT);
	tern_ctx_stats(e->ctx, &st);
	assert_true(st.neigh_learned >= learned + NEIGH_SLOTS / 4 + 1);
}

/*
 * A long run of short-lived neighbors: rounds of new senders, each round
 * dead (an hour) before the next, until nearly every slot has been used
 * once. A new key takes its home slot when that one is dead, so the reach
 * stays near one and a lookup of an absent key reads a slot or two, where
 * a search to the first never-used slot would now read a whole chain.
 */
static void
test_neigh_dead_table_keeps_short_searches(void **state)
{
	struct nenv *e = *state;
	unsigned int i, round, used = 0, reach = 0;

	for (round = 0; round < 48; round++) {
		for (i = 0; i < NEIGH_SLOTS / 8; i++)
			arp_from(e, host(round * 1000 + i));
		for (i = 0; i < NEIGH_SLOTS / 8; i++)
			assert_int_equal(state_of(e, host(round * 1000 + i)), TERN_NEIGH_REACHABLE);
		check_reach(e);
		assert_int_equal(tern_ctx_advance(e->ctx, 3600 * SEC), 0);
		assert_int_equal(state_of(e, host(round * 1000)), TERN_NEIGH_NONE);
	}
	for (i = 0; i < NEIGH_SLOTS; i++) {
		used += e->net->neigh[i].used != 0;
		reach += RTE_MAX(e->net->neigh[i].reach, 1);
	}
	assert_true(used >= NEIGH_SLOTS * 95 / 100);
	/* slots read by the lookup of an absent key, on average over its home */
	assert_true(reach <= 2 * NEIGH_SLOTS);
}

/* RFC 826 merge, bounded: a sender outside our subnets is answered but not learned. */
static void
test_neigh_offlink_sender_creates_no_entry(void **state)
{
	struct nenv *e = *state;
	struct tern_stats st;
	tern_ip4_t far;

	tern_ip4_parse("192.0.2.7", &far, NULL);
	arp_from(e, far);
	assert_int_equal(state_of(e, far), TERN_NEIGH_NONE);
	tern_ctx_stats(e->ctx, &st);
	assert_int_equal(st.arp_rep_out, 1);
	assert_int_equal(st.neigh_learned, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_neigh_aged_entries_are_reused, nsetup,
						nteardown),
		cmocka_unit_test_setup_teardown(test_neigh_dead_table_keeps_short_searches, nsetup,
						nteardown),
		cmocka_unit_test_setup_teardown(test_neigh_offlink_sender_creates_no_entry, nsetup,
						nteardown),
	};
	int ret;

	if (tern_test_eal_init("net_neigh") != 0)
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	tern_test_eal_fini();
	return ret;
}
