/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * RSS steering (lib/core/rss.c): tern's Toeplitz hash against rte_thash's
 * own rte_softrss() with the key as the device holds it (and against the
 * published verification vectors of the Toeplitz RSS spec); the ephemeral
 * port choice of an active open against a 4-queue, 128-entry redirection
 * table as a NIC applies it (hash -> RETA -> queue); exhaustion; the
 * software dispatcher's choice of owner and its rings.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_common.h"

#include <rte_byteorder.h>
#include <rte_eth_ring.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_tcp.h>
#include <rte_thash.h>

#include <tern/tern_dev.h>

#include "tern_core.h"

#define NQ		4
#define RETA		128
#define LO		32768
#define HI		60999

/* A redirection table that is not round robin: a seeded shuffle of it. */
static void
make_reta(uint16_t *reta, unsigned int n, unsigned int nq, unsigned int seed)
{
	unsigned int i, j;
	uint16_t t;

	srand(seed);
	for (i = 0; i < n; i++)
		reta[i] = (uint16_t)(i % nq);
	for (i = n - 1; i > 0; i--) {
		j = (unsigned int)rand() % (i + 1);
		t = reta[i];
		reta[i] = reta[j];
		reta[j] = t;
	}
}

/* The NIC's view, independent of tern: rte_softrss() over the reply's tuple. */
static uint16_t
nic_queue4(const struct tern_rss *r, const uint16_t *reta, uint32_t src_be, uint32_t dst_be,
	   uint16_t sport, uint16_t dport)
{
	union rte_thash_tuple t;
	uint32_t h;

	memset(&t, 0, sizeof(t));
	t.v4.src_addr = rte_be_to_cpu_32(src_be);
	t.v4.dst_addr = rte_be_to_cpu_32(dst_be);
	t.v4.sport = sport;
	t.v4.dport = dport;
	h = rte_softrss((uint32_t *)&t, RTE_THASH_V4_L4_LEN, r->key);
	return reta[h & (RETA - 1)];
}

static uint16_t
nic_queue6(const struct tern_rss *r, const uint16_t *reta, const uint8_t *src, const uint8_t *dst,
	   uint16_t sport, uint16_t dport)
{
	struct rte_ipv6_hdr ip;
	union rte_thash_tuple t;
	uint32_t h;

	memset(&t, 0, sizeof(t));
	memcpy(ip.src_addr, src, 16);
	memcpy(ip.dst_addr, dst, 16);
	rte_thash_load_v6_addrs(&ip, &t);
	t.v6.sport = sport;
	t.v6.dport = dport;
	h = rte_softrss((uint32_t *)&t, RTE_THASH_V6_L4_LEN, r->key);
	return reta[h & (RETA - 1)];
}

/* ---- the hash ---- */

static uint32_t
ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return rte_cpu_to_be_32((uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d);
}

/*
 * The verification suite of the Toeplitz RSS spec, default key: source
 * 66.9.149.187:2794 -> destination 161.142.100.80:1766 hashes (with ports)
 * to 0x51ccc178; IPv6 3ffe:2501:200:1fff::7:2794 -> 3ffe:2501:200:3::1:1766
 * to 0x40207d3d.
 */
static void
test_hash_published_vectors(void **state)
{
	static const uint8_t s6[16] = { 0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x1f, 0xff,
					[15] = 7 };
	static const uint8_t d6[16] = { 0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x00, 0x03,
					[15] = 1 };
	struct tern_rss r;

	(void)state;
	assert_int_equal(rss_init(&r, NULL, 0, NULL, RETA, NQ), 0);
	assert_int_equal(rss_hash4(&r, ip4(66, 9, 149, 187), ip4(161, 142, 100, 80),
					RTE_BE16(2794), RTE_BE16(1766)), 0x51ccc178);
	assert_int_equal(rss_hash6(&r, s6, d6, RTE_BE16(2794), RTE_BE16(1766)),
			 0x40207d3d);
}

/* tern's hash (converted key, rte_softrss_be) equals rte_softrss with the raw key. */
static void
test_hash_equals_rte_softrss(void **state)
{
	uint8_t key[52], a[16], b[16];
	struct tern_rss r;
	unsigned int i, k;

	(void)state;
	srand(7);
	for (k = 0; k < sizeof(key); k++)
		key[k] = (uint8_t)rand();
	assert_int_equal(rss_init(&r, key, sizeof(key), NULL, RETA, NQ), 0);
	for (i = 0; i < 2000; i++) {
		uint32_t s = (uint32_t)rand(), d = (uint32_t)rand();
		uint16_t sp = (uint16_t)rand(), dp = (uint16_t)rand();
		union rte_thash_tuple t;
		struct rte_ipv6_hdr ip;

		memset(&t, 0, sizeof(t));
		t.v4.src_addr = rte_be_to_cpu_32(s);
		t.v4.dst_addr = rte_be_to_cpu_32(d);
		t.v4.sport = rte_be_to_cpu_16(sp);
		t.v4.dport = rte_be_to_cpu_16(dp);
		assert_int_equal(rss_hash4(&r, s, d, sp, dp),
				 rte_softrss((uint32_t *)&t, RTE_THASH_V4_L4_LEN, key));
		for (k = 0; k < 16; k++) {
			a[k] = (uint8_t)rand();
			b[k] = (uint8_t)rand();
		}
		memset(&t, 0, sizeof(t));
		memcpy(ip.src_addr, a, 16);
		memcpy(ip.dst_addr, b, 16);
		rte_thash_load_v6_addrs(&ip, &t);
		t.v6.sport = rte_be_to_cpu_16(sp);
		t.v6.dport = rte_be_to_cpu_16(dp);
		assert_int_equal(rss_hash6(&r, a, b, sp, dp),
				 rte_softrss((uint32_t *)&t, RTE_THASH_V6_L4_LEN, key));
	}
}

static void
test_init_rejects_bad_tables(void **state)
{
	uint16_t reta[RETA] = { 0 };
	uint8_t key[40] = { 1 };
	struct tern_rss r;

	(void)state;
	assert_int_equal(rss_init(&r, key, 36, NULL, RETA, NQ), -EINVAL);
	assert_int_equal(rss_init(&r, key, 40, NULL, 0, NQ), -EINVAL);
	assert_int_equal(rss_init(&r, key, 40, NULL, TERN_RSS_RETA_MAX + 1, NQ), -EINVAL);
	reta[5] = NQ;
	assert_int_equal(rss_init(&r, key, 40, reta, RETA, NQ), -EINVAL);
	reta[5] = NQ - 1;
	assert_int_equal(rss_init(&r, key, 40, reta, RETA, NQ), 0);
}

/* ---- the port choice ---- */

/* Ports already used, per 4-tuple set under test: a bitmap over host-order ports. */
struct used {
	uint8_t bit[65536 / 8];
};

static bool
used_taken(void *arg, uint16_t port_be)
{
	struct used *u = arg;
	uint16_t p = rte_be_to_cpu_16(port_be);

	return (u->bit[p / 8] >> (p % 8)) & 1;
}

static void
used_set(struct used *u, uint16_t port_be)
{
	uint16_t p = rte_be_to_cpu_16(port_be);

	u->bit[p / 8] |= (uint8_t)(1u << (p % 8));
}

/*
 * Every port chosen for queue q: the peer's reply to it (src = remote, dst
 * = local, dport = the port) goes through rte_softrss and the RETA to q.
 * The contexts share the table of used ports here, as they share the wire:
 * no port (so no 4-tuple) is ever chosen twice.
 */
static void
pick_many(uint8_t family)
{
	static const uint8_t l6[16] = { 0xfd, 0x00, [15] = 1 };
	static const uint8_t r6[16] = { 0xfd, 0x00, [15] = 2 };
	uint32_t l4 = ip4(10, 0, 0, 1), r4 = ip4(10, 0, 0, 2);
	const uint8_t *la = family == 4 ? (const uint8_t *)&l4 : l6;
	const uint8_t *ra = family == 4 ? (const uint8_t *)&r4 : r6;
	uint16_t reta[RETA], next[NQ], port, rport = RTE_BE16(9000);
	struct used *u = calloc(1, sizeof(*u));
	struct tern_rss r;
	unsigned int q, i, per_q[NQ] = { 0 };

	assert_non_null(u);
	make_reta(reta, RETA, NQ, 11);
	assert_int_equal(rss_init(&r, NULL, 0, reta, RETA, NQ), 0);
	for (q = 0; q < NQ; q++)
		next[q] = LO;	/* every context starts at the same place, as today */
	for (i = 0; i < 2000; i++) {
		for (q = 0; q < NQ; q++) {
			assert_int_equal(rss_pick_port(&r, family, la, ra, rport, (uint16_t)q,
							    LO, HI, &next[q], used_taken, u,
							    &port), 0);
			used_set(u, port);
			per_q[q]++;
			if (family == 4)
				assert_int_equal(nic_queue4(&r, reta, r4, l4,
							    rte_be_to_cpu_16(rport),
							    rte_be_to_cpu_16(port)), q);
			else
				assert_int_equal(nic_queue6(&r, reta, r6, l6,
							    rte_be_to_cpu_16(rport),
							    rte_be_to_cpu_16(port)), q);
		}
	}
	for (q = 0; q < NQ; q++)
		assert_int_equal(per_q[q], 2000);
	free(u);
}

static void
test_pick_port_reply_lands_on_own_queue_v4(void **state)
{
	(void)state;
	pick_many(4);
}

static void
test_pick_port_reply_lands_on_own_queue_v6(void **state)
{
	(void)state;
	pick_many(6);
}

/*
 * Each context keeps its own table of used ports (as each tern context
 * does): the sets they pick are still disjoint, since a port's reply lands
 * on exactly one queue.
 */
static void
test_contexts_never_share_a_tuple(void **state)
{
	uint32_t l4 = ip4(192, 168, 1, 10), r4 = ip4(192, 168, 1, 20);
	uint16_t reta[RETA], port;
	struct used *u = calloc(NQ, sizeof(*u));
	uint8_t *owner = calloc(65536, 1);
	struct tern_rss r;
	unsigned int q, i;

	(void)state;
	assert_non_null(u);
	assert_non_null(owner);
	make_reta(reta, RETA, NQ, 3);
	assert_int_equal(rss_init(&r, NULL, 0, reta, RETA, NQ), 0);
	for (q = 0; q < NQ; q++) {
		uint16_t next = LO;

		for (i = 0; i < 3000; i++) {
			assert_int_equal(rss_pick_port(&r, 4, (const uint8_t *)&l4,
							    (const uint8_t *)&r4, RTE_BE16(80),
							    (uint16_t)q, LO, HI, &next, used_taken,
							    &u[q], &port), 0);
			used_set(&u[q], port);
			assert_int_equal(owner[rte_be_to_cpu_16(port)], 0);
			owner[rte_be_to_cpu_16(port)] = (uint8_t)(q + 1);
		}
	}
	free(owner);
	free(u);
}

/*
 * A context can use exactly the ports whose reply lands on its queue; once
 * they are all taken, EADDRINUSE (and the search goes round the whole
 * range, so a port freed anywhere is found again).
 */
static void
test_pick_port_exhaustion_eaddrinuse(void **state)
{
	uint32_t l4 = ip4(10, 1, 0, 1), r4 = ip4(10, 1, 0, 2);
	uint16_t reta[RETA], port, next = LO, q = 2, freed = 0;
	struct used *u = calloc(1, sizeof(*u));
	struct tern_rss r;
	unsigned int p, expect = 0, got = 0;

	(void)state;
	assert_non_null(u);
	make_reta(reta, RETA, NQ, 5);
	assert_int_equal(rss_init(&r, NULL, 0, reta, RETA, NQ), 0);
	for (p = LO; p <= HI; p++)
		if (nic_queue4(&r, reta, r4, l4, 443, (uint16_t)p) == q)
			expect++;
	assert_true(expect > (HI - LO + 1) / NQ / 2);
	while (rss_pick_port(&r, 4, (const uint8_t *)&l4, (const uint8_t *)&r4,
				  RTE_BE16(443), q, LO, HI, &next, used_taken, u, &port) == 0) {
		used_set(u, port);
		freed = port;
		got++;
		assert_true(got <= expect);
	}
	assert_int_equal(got, expect);
	assert_int_equal(rss_pick_port(&r, 4, (const uint8_t *)&l4, (const uint8_t *)&r4,
					    RTE_BE16(443), q, LO, HI, &next, used_taken, u,
					    &port), -EADDRINUSE);
	/* free one: it is found again */
	p = rte_be_to_cpu_16(freed);
	u->bit[p / 8] &= (uint8_t)~(1u << (p % 8));
	assert_int_equal(rss_pick_port(&r, 4, (const uint8_t *)&l4, (const uint8_t *)&r4,
					    RTE_BE16(443), q, LO, HI, &next, used_taken, u,
					    &port), 0);
	assert_int_equal(port, freed);
	free(u);
}

/* One queue (or no RSS model): today's behaviour, consecutive ports. */
static void
test_pick_port_one_queue_sequential(void **state)
{
	uint32_t l4 = ip4(10, 1, 0, 1), r4 = ip4(10, 1, 0, 2);
	struct used *u = calloc(1, sizeof(*u));
	uint16_t next = LO, port;
	struct tern_rss r;
	unsigned int i;

	(void)state;
	assert_non_null(u);
	for (i = 0; i < 100; i++) {
		assert_int_equal(rss_pick_port(NULL, 4, (const uint8_t *)&l4,
						    (const uint8_t *)&r4, RTE_BE16(80), 0, LO, HI,
						    &next, used_taken, u, &port), 0);
		assert_int_equal(rte_be_to_cpu_16(port), LO + i);
		used_set(u, port);
	}
	assert_int_equal(rss_init(&r, NULL, 0, NULL, RETA, 1), 0);
	assert_int_equal(rss_pick_port(&r, 4, (const uint8_t *)&l4, (const uint8_t *)&r4,
					    RTE_BE16(80), 0, LO, HI, &next, used_taken, u,
					    &port), 0);
	assert_int_equal(rte_be_to_cpu_16(port), LO + 100);
	free(u);
}

/* ---- the software dispatcher ---- */

static const struct rte_ether_addr mac_a = { { 0x02, 0, 0, 0, 0, 1 } };
static const struct rte_ether_addr mac_b = { { 0x02, 0, 0, 0, 0, 2 } };

/* An Ethernet + IPv4 + TCP frame @src:@sp -> @dst:@dp (checksums not needed). */
static struct rte_mbuf *
tcp4_frame(uint32_t src, uint32_t dst, uint16_t sp, uint16_t dp, uint16_t frag)
{
	uint8_t f[14 + 20 + 20];
	struct rte_ether_hdr *e = (void *)f;
	struct rte_ipv4_hdr *ip = (void *)(f + 14);
	struct rte_tcp_hdr *th = (void *)(f + 34);

	memset(f, 0, sizeof(f));
	e->dst_addr = mac_a;
	e->src_addr = mac_b;
	e->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = 0x45;
	ip->total_length = RTE_BE16(40);
	ip->fragment_offset = rte_cpu_to_be_16(frag);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_TCP;
	ip->src_addr = src;
	ip->dst_addr = dst;
	th->src_port = rte_cpu_to_be_16(sp);
	th->dst_port = rte_cpu_to_be_16(dp);
	th->data_off = 0x50;
	return tern_test_mbuf_from(f, sizeof(f));
}

static struct rte_mbuf *
arp_frame(void)
{
	uint8_t f[14 + 28];

	memset(f, 0, sizeof(f));
	memcpy(f, &mac_a, 6);
	memcpy(f + 6, &mac_b, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	return tern_test_mbuf_from(f, sizeof(f));
}

/*
 * The owner of a packet is the queue the NIC would pick: for a reply to a
 * port chosen for queue q, q; fragments by addresses; ARP and ICMP queue 0.
 */
static void
test_dispatch_owner(void **state)
{
	uint32_t l4 = ip4(10, 0, 0, 1), r4 = ip4(10, 0, 0, 2);
	uint16_t reta[RETA], next[NQ], port;
	struct used *u = calloc(1, sizeof(*u));
	struct tern_rss r;
	struct rte_mbuf *m;
	unsigned int q, i;

	(void)state;
	tern_test_pool_mark();
	assert_non_null(u);
	make_reta(reta, RETA, NQ, 9);
	assert_int_equal(rss_init(&r, NULL, 0, reta, RETA, NQ), 0);
	for (q = 0; q < NQ; q++) {
		next[q] = LO;
		for (i = 0; i < 50; i++) {
			assert_int_equal(rss_pick_port(&r, 4, (const uint8_t *)&l4,
							    (const uint8_t *)&r4, RTE_BE16(9000),
							    (uint16_t)q, LO, HI, &next[q],
							    used_taken, u, &port), 0);
			used_set(u, port);
			m = tcp4_frame(r4, l4, 9000, rte_be_to_cpu_16(port), 0);
			assert_int_equal(rss_pkt_queue(&r, m), q);
			rte_pktmbuf_free(m);
		}
	}
	m = arp_frame();
	assert_int_equal(rss_pkt_queue(&r, m), 0);
	rte_pktmbuf_free(m);
	/* fragments of one datagram: all with the same owner, whatever the ports */
	{
		struct rte_mbuf *a = tcp4_frame(r4, l4, 1, 2, RTE_IPV4_HDR_MF_FLAG);
		struct rte_mbuf *b = tcp4_frame(r4, l4, 3, 4, 185);

		assert_int_equal(rss_pkt_queue(&r, a), rss_pkt_queue(&r, b));
		rte_pktmbuf_free(a);
		rte_pktmbuf_free(b);
	}
	free(u);
	tern_test_assert_pool_back();
}

/* The dispatcher keeps its own, hands the rest to their owners' rings, in order. */
static void
test_dispatch_rings(void **state)
{
	uint32_t l4 = ip4(10, 0, 0, 1), r4 = ip4(10, 0, 0, 2);
	struct rte_mbuf *pkts[TERN_RX_BURST], *m;
	struct tern_dev *dev;
	unsigned int q, i, want[NQ] = { 0 }, got;
	uint16_t owner[TERN_RX_BURST], kept;
	char name[32];

	(void)state;
	tern_test_pool_mark();
	dev = rte_zmalloc(NULL, sizeof(*dev), 0);
	assert_non_null(dev);
	dev->nb_queues = NQ;
	dev->steer = TERN_STEER_SW;
	assert_int_equal(rss_init(&dev->rss, NULL, 0, NULL, RETA, NQ), 0);
	dev->disp = rte_zmalloc(NULL, sizeof(*dev->disp) * NQ, 0);
	dev->sw_rx = rte_zmalloc(NULL, sizeof(*dev->sw_rx) * NQ, 0);
	assert_non_null(dev->disp);
	assert_non_null(dev->sw_rx);
	for (q = 0; q < NQ; q++) {
		snprintf(name, sizeof(name), "test_rss_%u", q);
		dev->sw_rx[q] = rte_ring_create(name, 64, SOCKET_ID_ANY, RING_F_SC_DEQ);
		assert_non_null(dev->sw_rx[q]);
	}
	for (i = 0; i < TERN_RX_BURST; i++) {
		pkts[i] = i == 5 ? arp_frame() : tcp4_frame(r4, l4, 9000, (uint16_t)(40000 + i), 0);
		owner[i] = rss_pkt_queue(&dev->rss, pkts[i]);
		want[owner[i]]++;
		/* the sequence number of the packet in its TCP checksum field */
		if (i != 5)
			rte_pktmbuf_mtod_offset(pkts[i], uint8_t *, 14 + 20 + 16)[0] = (uint8_t)i;
	}
	kept = rss_dispatch(dev, 1, pkts, TERN_RX_BURST);
	assert_int_equal(kept, want[1]);
	for (i = 0; i < kept; i++)
		assert_int_equal(rss_pkt_queue(&dev->rss, pkts[i]), 1);
	rte_pktmbuf_free_bulk(pkts, kept);
	assert_int_equal(dev->disp[1].rx, TERN_RX_BURST);
	assert_int_equal(dev->disp[1].kept, want[1]);
	assert_int_equal(dev->disp[1].passed, TERN_RX_BURST - want[1]);
	for (q = 0; q < NQ; q++) {
		int last = -1;

		if (q == 1)
			continue;
		got = 0;
		while (rte_ring_dequeue(dev->sw_rx[q], (void **)&m) == 0) {
			if (m->pkt_len != 14 + 28) {
				int seq = rte_pktmbuf_mtod_offset(m, uint8_t *, 14 + 20 + 16)[0];

				assert_int_equal(rss_pkt_queue(&dev->rss, m), q);
				assert_true(seq > last);	/* in order */
				last = seq;
			} else {
				assert_int_equal(q, 0);		/* ARP */
			}
			rte_pktmbuf_free(m);
			got++;
		}
		assert_int_equal(got, want[q]);
	}
	for (q = 0; q < NQ; q++)
		rte_ring_free(dev->sw_rx[q]);
	rte_free(dev->sw_rx);
	rte_free(dev->disp);
	rte_free(dev);
	tern_test_assert_pool_back();
}

/*
 * tern_dev_param.rss_symmetric on a device without RSS (net_ring, two
 * queues): tern's dispatcher hashes with the symmetric key, so a flow's
 * two directions have one owner; without it, some flows' do not.
 */
static unsigned int
split_flows(bool symmetric)
{
	struct rte_ring *rx[NQ], *tx[NQ];
	struct tern_dev_param dp;
	struct tern_dev *dev;
	char name[32], buf[160];
	unsigned int q, i, split = 0;
	uint64_t rng = 0x9e3779b97f4a7c15ULL;
	static unsigned int nb;
	int port;

	nb++;
	for (q = 0; q < NQ; q++) {
		snprintf(name, sizeof(name), "sym_rx%u_%u", nb, q);
		rx[q] = rte_ring_create(name, 64, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "sym_tx%u_%u", nb, q);
		tx[q] = rte_ring_create(name, 64, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
		assert_non_null(rx[q]);
		assert_non_null(tx[q]);
	}
	snprintf(name, sizeof(name), "sym%u", nb);
	port = rte_eth_from_rings(name, rx, NQ, tx, NQ, SOCKET_ID_ANY);
	assert_true(port >= 0);
	memset(&dp, 0, sizeof(dp));
	dp.nb_queues = NQ;
	dp.rss_symmetric = symmetric;
	dev = tern_dev_create((uint16_t)port, &dp);
	assert_non_null(dev);
	assert_int_equal(tern_dev_steering(dev), TERN_STEER_SW);
	tern_dev_steering_str(dev, buf, sizeof(buf));
	assert_int_equal(strstr(buf, "symmetric hash") != NULL, symmetric);
	for (i = 0; i < 1000; i++) {
		uint32_t a, b;
		uint16_t pa, pb;
		struct rte_mbuf *m1, *m2;

		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		a = (uint32_t)(rng >> 32);
		b = (uint32_t)rng;
		pa = (uint16_t)(rng >> 16) | 1;
		pb = (uint16_t)(rng >> 40) | 1;
		m1 = tcp4_frame(a, b, pa, pb, 0);
		m2 = tcp4_frame(b, a, pb, pa, 0);
		split += rss_pkt_queue(&dev->rss, m1) != rss_pkt_queue(&dev->rss, m2);
		rte_pktmbuf_free(m1);
		rte_pktmbuf_free(m2);
	}
	tern_dev_destroy(dev);		/* stops and closes the port */
	for (q = 0; q < NQ; q++) {
		rte_ring_free(rx[q]);
		rte_ring_free(tx[q]);
	}
	return split;
}

static void
test_symmetric_key_one_owner_per_flow(void **state)
{
	unsigned int sym, dflt;

	(void)state;
	tern_test_pool_mark();
	sym = split_flows(true);
	dflt = split_flows(false);
	printf("flows whose directions have two owners, of 1000: symmetric key %u, default %u\n",
	       sym, dflt);
	assert_int_equal(sym, 0);
	assert_true(dflt > 0);
	tern_test_assert_pool_back();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_published_vectors),
		cmocka_unit_test(test_hash_equals_rte_softrss),
		cmocka_unit_test(test_init_rejects_bad_tables),
		cmocka_unit_test(test_pick_port_reply_lands_on_own_queue_v4),
		cmocka_unit_test(test_pick_port_reply_lands_on_own_queue_v6),
		cmocka_unit_test(test_contexts_never_share_a_tuple),
		cmocka_unit_test(test_pick_port_exhaustion_eaddrinuse),
		cmocka_unit_test(test_pick_port_one_queue_sequential),
		cmocka_unit_test(test_dispatch_owner),
		cmocka_unit_test(test_dispatch_rings),
		cmocka_unit_test(test_symmetric_key_one_owner_per_flow),
	};
	int ret;

	if (tern_test_eal_init("rss") != 0)
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	tern_test_eal_fini();
	return ret;
}
