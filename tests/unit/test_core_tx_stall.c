/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * The context's tx buffer against a device that takes nothing (lib/core/ctx.c,
 * port_flush()): a full device ring is waited out, nothing lost, in order;
 * a packet the device refuses for good is dropped from the head, counted in
 * drop_tx_refused, once the port made no progress for 64 flushes and 100 ms,
 * and the packets behind it go out; a packet tx_prepare refuses is dropped
 * at once. The device is a ring port (rte_eth_from_rings) whose tx ring the
 * test drains by hand. A device that refuses one packet for good, and one
 * with a tx_prepare, are that port with its burst or prepare function
 * wrapped in rte_eth_fp_ops[] (no virtual PMD of DPDK 22.11 does either
 * without root or a vhost peer).
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ring.h>

#include <tern/tern.h>

#include "test_common.h"

#include "tern_core.h"

#define MS		1000000ULL
#define STALL_FLUSHES	64		/* CTX_TX_STALL_FLUSHES */
#define STALL_NS	(100 * MS)	/* CTX_TX_STALL_NS */
#define SMALL_RING	64		/* takes 63 */
#define BIG_RING	1024
#define POISON		0x80000000u	/* a seq with this bit: the device refuses it */
#define T0		(1000 * MS)	/* the clock at the start of each test */

struct stall_cfg {
	unsigned int ring_size;
	bool refuse_poison;		/* wrap tx_pkt_burst: refuse POISON for good */
	bool prepare;			/* wrap tx_pkt_prepare: refuse POISON (EINVAL) */
	bool offloads;			/* a TX offload on (tx_prepare runs only then) */
	bool reuse_sent;		/* wrap tx_pkt_burst: what it took is rewritten at once */
};

struct stall_env {
	const struct stall_cfg *cfg;
	struct rte_ring *rx, *tx;
	uint16_t port;
	struct tern_dev *dev;
	struct tern_net *net;
	struct tern_ctx *ctx;
	unsigned int avail0;		/* mbufs in the pool at the start */
	unsigned int next_out;		/* next seq expected off the ring */
};

/* the wrapped device functions, one port at a time */
static eth_tx_burst_t orig_burst;
static eth_tx_prep_t orig_prepare;
static unsigned int prepare_calls;

static uint32_t
pkt_seq(const struct rte_mbuf *m)
{
	uint32_t v;

	memcpy(&v, rte_pktmbuf_mtod(m, const void *), sizeof(v));
	return v;
}

/* A device that stops at a POISON packet every time, as net_tap at a frame over its MTU. */
static uint16_t
refusing_burst(void *txq, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n; i++)
		if (pkt_seq(pkts[i]) & POISON)
			break;
	return i == 0 ? 0 : orig_burst(txq, pkts, i);
}

/*
 * A device that owns what it took: as memif, which copies and frees each
 * packet at once, after which another core may take and rewrite the mbuf
 * (here its length, at once). The ring behind still gets each packet.
 */
static uint16_t
reusing_burst(void *txq, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t k = orig_burst(txq, pkts, n), i;

	for (i = 0; i < k; i++)
		pkts[i]->pkt_len = 1;
	return k;
}

/* A tx_prepare that finds POISON packets malformed. */
static uint16_t
refusing_prepare(void *txq, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	(void)txq;
	prepare_calls++;
	for (i = 0; i < n; i++)
		if (pkt_seq(pkts[i]) & POISON) {
			rte_errno = EINVAL;
			break;
		}
	return i;
}

static int
stall_setup(void **state)
{
	static struct stall_env e;
	static unsigned int nb;
	const struct stall_cfg *cfg = *state;
	struct tern_dev_param dp = { .nb_mbufs = 2047 };
	struct tern_ctx_param cp = { .manual_clock = true, .socket_id = SOCKET_ID_ANY };
	char name[32];
	int port;

	memset(&e, 0, sizeof(e));
	e.cfg = cfg;
	nb++;
	snprintf(name, sizeof(name), "st_rx%u", nb);
	e.rx = rte_ring_create(name, 256, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "st_tx%u", nb);
	e.tx = rte_ring_create(name, cfg->ring_size, SOCKET_ID_ANY,
			       RING_F_SP_ENQ | RING_F_SC_DEQ);
	assert_non_null(e.rx);
	assert_non_null(e.tx);
	snprintf(name, sizeof(name), "st%u", nb);
	port = rte_eth_from_rings(name, &e.rx, 1, &e.tx, 1, SOCKET_ID_ANY);
	assert_true(port >= 0);
	e.port = (uint16_t)port;
	dp.no_offload = !cfg->offloads;
	e.dev = tern_dev_create(e.port, &dp);
	assert_non_null(e.dev);
	/* net_ring has no TX offload; say it has one, as a NIC with tx_prepare would */
	if (cfg->offloads)
		e.dev->caps |= TERN_CAP_TX_TCP_CKSUM;
	/* the device is started: its fast-path functions are in place now */
	orig_burst = rte_eth_fp_ops[e.port].tx_pkt_burst;
	orig_prepare = rte_eth_fp_ops[e.port].tx_pkt_prepare;
	if (cfg->refuse_poison)
		rte_eth_fp_ops[e.port].tx_pkt_burst = refusing_burst;
	if (cfg->reuse_sent)
		rte_eth_fp_ops[e.port].tx_pkt_burst = reusing_burst;
	prepare_calls = 0;
	if (cfg->prepare)
		rte_eth_fp_ops[e.port].tx_pkt_prepare = refusing_prepare;
	e.net = tern_net_create(NULL);
	assert_non_null(e.net);
	assert_int_equal(tern_net_iface_add(e.net, e.dev, 0), 0);
	cp.net = e.net;
	e.ctx = tern_ctx_create(&cp);
	assert_non_null(e.ctx);
	assert_int_equal(tern_ctx_set_time(e.ctx, T0), 0);
	e.avail0 = rte_mempool_avail_count(tern_ctx_pool(e.ctx));
	*state = &e;
	return 0;
}

static int
stall_teardown(void **state)
{
	struct stall_env *e = *state;

	rte_eth_fp_ops[e->port].tx_pkt_burst = orig_burst;
	rte_eth_fp_ops[e->port].tx_pkt_prepare = orig_prepare;
	tern_test_ring_port_fini(e->ctx, e->net, e->dev, e->rx, e->tx);
	return 0;
}

/* Queue packet @seq on port 0 (sent at the next flush). */
static void
queue_pkt(struct stall_env *e, uint32_t seq)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(tern_ctx_pool(e->ctx));

	assert_non_null(m);
	assert_non_null(rte_pktmbuf_append(m, 64));
	memset(rte_pktmbuf_mtod(m, void *), 0x5a, 64);
	memcpy(rte_pktmbuf_mtod(m, void *), &seq, sizeof(seq));
	ctx_tx(e->ctx, 0, m);
}

/*
 * Take what the device sent off its ring: @n packets, their seqs
 * e->next_out onwards, skipping @skip (UINT32_MAX: none).
 */
static void
expect_out(struct stall_env *e, unsigned int n, uint32_t skip)
{
	unsigned int i;
	void *obj = NULL;

	for (i = 0; i < n; i++) {
		if (e->next_out == skip)
			e->next_out++;
		assert_int_equal(rte_ring_dequeue(e->tx, &obj), 0);
		assert_int_equal(pkt_seq(obj), e->next_out);
		rte_pktmbuf_free(obj);
		e->next_out++;
	}
	assert_int_equal(rte_ring_count(e->tx), 0);
}

/* Let the device take one packet (seq e->next_out) off a full ring. */
static void
take_one(struct stall_env *e)
{
	void *obj = NULL;

	assert_int_equal(rte_ring_dequeue(e->tx, &obj), 0);
	assert_int_equal(pkt_seq(obj), e->next_out);
	rte_pktmbuf_free(obj);
	e->next_out++;
}

static void
set_time(struct stall_env *e, uint64_t ns)
{
	assert_int_equal(tern_ctx_set_time(e->ctx, ns), 0);
}

static struct tern_stats
stats(const struct stall_env *e)
{
	struct tern_stats st;

	tern_ctx_stats(e->ctx, &st);
	return st;
}

/*
 * Flush until the buffer is empty, taking what the device sent each time:
 * @expect packets, in order from e->next_out, without @skip.
 */
static void
drain_all(struct stall_env *e, unsigned int expect, uint32_t skip)
{
	unsigned int got = 0, i;
	void *obj = NULL;

	for (i = 0; i < 64 && (tern_ctx_pending(e->ctx) > 0 || rte_ring_count(e->tx) > 0);
	     i++) {
		while (rte_ring_dequeue(e->tx, &obj) == 0) {
			if (e->next_out == skip)
				e->next_out++;
			assert_int_equal(pkt_seq(obj), e->next_out);
			rte_pktmbuf_free(obj);
			e->next_out++;
			got++;
		}
		tern_ctx_flush(e->ctx);
	}
	assert_int_equal(tern_ctx_pending(e->ctx), 0);
	assert_int_equal(got, expect);
}

static void
assert_pool_back(const struct stall_env *e)
{
	assert_int_equal(rte_mempool_avail_count(tern_ctx_pool(e->ctx)), e->avail0);
}

/*
 * A full device ring for 99 ms and 1,000 flushes: every packet waits, none is
 * dropped; once the device drains they all go out, in order.
 */
static void
test_tx_full_ring_loses_nothing_within_limits(void **state)
{
	struct stall_env *e = *state;
	struct tern_stats st;
	unsigned int i;

	for (i = 0; i < SMALL_RING - 1 + 40; i++)
		queue_pkt(e, i);
	tern_ctx_flush(e->ctx);
	assert_int_equal(rte_ring_count(e->tx), SMALL_RING - 1);
	assert_int_equal(tern_ctx_pending(e->ctx), 40);
	for (i = 1; i <= 1000; i++) {
		set_time(e, T0 + i * (STALL_NS - MS) / 1000);
		tern_ctx_flush(e->ctx);
	}
	st = stats(e);
	assert_int_equal(st.drop_tx_refused, 0);
	assert_int_equal(st.drop_tx_full, 0);
	assert_int_equal(tern_ctx_pending(e->ctx), 40);
	drain_all(e, SMALL_RING - 1 + 40, UINT32_MAX);
	st = stats(e);
	assert_int_equal(st.tx_pkts, SMALL_RING - 1 + 40);
	assert_int_equal(st.drop_tx_refused, 0);
	assert_pool_back(e);
}

/*
 * Neither limit alone drops: 63 flushes over 10 s do not, nor 64 over
 * 99.999 ms; the flush that meets both drops the head (one packet) and
 * counts it. The rest still go out in order.
 */
static void
test_tx_stall_drops_head_after_flushes_and_time(void **state)
{
	struct stall_env *e = *state;
	uint64_t t1 = T0 + 10000 * MS;
	struct tern_stats st;
	unsigned int i;

	for (i = 0; i < SMALL_RING - 1 + 10; i++)
		queue_pkt(e, i);
	tern_ctx_flush(e->ctx);			/* 63 go, then stall 1 at T0 */
	for (i = 2; i < STALL_FLUSHES; i++) {	/* stalls 2..63, out to 10 s */
		set_time(e, T0 + i * 10000 * MS / STALL_FLUSHES);
		tern_ctx_flush(e->ctx);
	}
	assert_int_equal(stats(e).drop_tx_refused, 0);
	take_one(e);				/* progress: the count starts again */
	tern_ctx_flush(e->ctx);
	assert_int_equal(tern_ctx_pending(e->ctx), 9);
	/* stalls 1..64 of the new count, the first at t1, the last 1 us short of 100 ms */
	set_time(e, t1);
	for (i = 1; i <= STALL_FLUSHES; i++) {
		if (i == STALL_FLUSHES)
			set_time(e, t1 + STALL_NS - 1000);
		tern_ctx_flush(e->ctx);
	}
	assert_int_equal(stats(e).drop_tx_refused, 0);
	assert_int_equal(tern_ctx_pending(e->ctx), 9);
	/* 100 ms: the head (seq SMALL_RING, the oldest not on the ring) goes */
	set_time(e, t1 + STALL_NS);
	tern_ctx_flush(e->ctx);
	st = stats(e);
	assert_int_equal(st.drop_tx_refused, 1);
	assert_int_equal(st.drop_tx_full, 0);
	assert_int_equal(tern_ctx_pending(e->ctx), 8);
	/* and one only: the count starts again */
	tern_ctx_flush(e->ctx);
	assert_int_equal(stats(e).drop_tx_refused, 1);
	/* the ring's 1..63 (0 was taken), then 65..72: all but the dropped 64 */
	drain_all(e, SMALL_RING - 1 + 8, SMALL_RING);
	st = stats(e);
	assert_int_equal(st.tx_pkts, SMALL_RING - 1 + 1 + 8);
	assert_int_equal(st.drop_tx_refused, 1);
	assert_pool_back(e);
}

/*
 * The bug: a packet the device refuses for good stops the port, everything
 * behind it waits. After 64 flushes and 100 ms without progress it is
 * dropped and counted, and the packets behind it go out, in order.
 */
static void
test_tx_refused_head_dropped_then_rest_sent(void **state)
{
	struct stall_env *e = *state;
	struct tern_stats st;
	unsigned int i;

	queue_pkt(e, 0);
	queue_pkt(e, 1 | POISON);
	for (i = 2; i < 12; i++)
		queue_pkt(e, i);
	tern_ctx_flush(e->ctx);
	expect_out(e, 1, UINT32_MAX);		/* seq 0; the device stops at 1 */
	for (i = 1; i < STALL_FLUSHES; i++) {
		set_time(e, T0 + i * 10 * MS);
		tern_ctx_flush(e->ctx);
	}
	/* 63 flushes, 630 ms: still blocked, nothing went out, nothing dropped */
	assert_int_equal(rte_ring_count(e->tx), 0);
	assert_int_equal(tern_ctx_pending(e->ctx), 11);
	assert_int_equal(stats(e).drop_tx_refused, 0);
	tern_ctx_flush(e->ctx);			/* the 64th */
	st = stats(e);
	assert_int_equal(st.drop_tx_refused, 1);
	assert_int_equal(tern_ctx_pending(e->ctx), 10);
	tern_ctx_flush(e->ctx);
	expect_out(e, 10, 1);
	st = stats(e);
	assert_int_equal(st.tx_pkts, 11);
	assert_int_equal(st.drop_tx_refused, 1);
	assert_int_equal(st.drop_tx_full, 0);
	assert_int_equal(tern_ctx_pending(e->ctx), 0);
	/* the port works on: a new packet goes out at the next flush */
	queue_pkt(e, 12);
	tern_ctx_flush(e->ctx);
	expect_out(e, 1, UINT32_MAX);
	assert_pool_back(e);
}

/*
 * With a TX offload on, tx_prepare runs before the burst: a packet it
 * refuses is dropped and counted at once, the others go out in the same
 * flush, in order.
 */
static void
test_tx_prepare_refusal_dropped_at_once(void **state)
{
	struct stall_env *e = *state;
	struct tern_stats st;
	unsigned int i;

	queue_pkt(e, 0);
	queue_pkt(e, 1 | POISON);
	for (i = 2; i < 6; i++)
		queue_pkt(e, i);
	queue_pkt(e, 6 | POISON);
	tern_ctx_flush(e->ctx);
	assert_true(prepare_calls > 0);
	st = stats(e);
	assert_int_equal(st.drop_tx_refused, 2);
	assert_int_equal(st.tx_pkts, 5);
	assert_int_equal(tern_ctx_pending(e->ctx), 0);
	expect_out(e, 5, 1);
	assert_pool_back(e);
}

/* Without TX offloads tx_prepare is not run: the packet goes to the device as is. */
static void
test_tx_prepare_skipped_without_offloads(void **state)
{
	struct stall_env *e = *state;
	void *obj = NULL;

	queue_pkt(e, 0 | POISON);
	tern_ctx_flush(e->ctx);
	assert_int_equal(prepare_calls, 0);
	assert_int_equal(stats(e).drop_tx_refused, 0);
	assert_int_equal(rte_ring_dequeue(e->tx, &obj), 0);
	assert_int_equal(pkt_seq(obj), 0 | POISON);
	rte_pktmbuf_free(obj);
	assert_pool_back(e);
}

/*
 * tern_ctx_set_tx_hold(): fewer than a burst wait for the hold time from the
 * first flush that saw them, a burst goes at once, the order is kept, and
 * a hold of 0 sends at every flush again.
 */
static void
test_tx_hold_fills_bursts_or_waits_out_the_time(void **state)
{
	struct stall_env *e = *state;
	uint32_t seq = 0;
	unsigned int i;

	assert_int_equal(tern_ctx_set_tx_hold(e->ctx, 1000000001ULL), -EINVAL);
	assert_int_equal(tern_ctx_set_tx_hold(NULL, 0), -EINVAL);
	assert_int_equal(tern_ctx_set_tx_hold(e->ctx, 100 * 1000), 0);
	/* 5 packets: held by the first flush and the ones within 100 us */
	for (i = 0; i < 5; i++)
		queue_pkt(e, seq++);
	tern_ctx_flush(e->ctx);
	assert_int_equal(rte_ring_count(e->tx), 0);
	assert_int_equal(tern_ctx_set_time(e->ctx, T0 + 99 * 1000), 0);
	tern_ctx_flush(e->ctx);
	assert_int_equal(rte_ring_count(e->tx), 0);
	assert_int_equal(tern_ctx_pending(e->ctx), 5);
	/* 100 us after the first flush that saw them: out */
	assert_int_equal(tern_ctx_set_time(e->ctx, T0 + 100 * 1000), 0);
	tern_ctx_flush(e->ctx);
	expect_out(e, 5, UINT32_MAX);
	/* a full burst goes at the next flush, whatever the time */
	for (i = 0; i < 31; i++)
		queue_pkt(e, seq++);
	tern_ctx_flush(e->ctx);
	assert_int_equal(rte_ring_count(e->tx), 0);
	queue_pkt(e, seq++);
	tern_ctx_flush(e->ctx);
	expect_out(e, 32, UINT32_MAX);
	/* the hold starts again for the next packets: a flush that finds none resets it */
	tern_ctx_flush(e->ctx);
	assert_int_equal(tern_ctx_set_time(e->ctx, T0 + 300 * 1000), 0);
	queue_pkt(e, seq++);
	tern_ctx_flush(e->ctx);
	assert_int_equal(rte_ring_count(e->tx), 0);
	assert_int_equal(tern_ctx_set_time(e->ctx, T0 + 399 * 1000), 0);
	tern_ctx_flush(e->ctx);
	assert_int_equal(rte_ring_count(e->tx), 0);
	/* hold off: what waits goes at the next flush */
	assert_int_equal(tern_ctx_set_tx_hold(e->ctx, 0), 0);
	tern_ctx_flush(e->ctx);
	expect_out(e, 1, UINT32_MAX);
	queue_pkt(e, seq++);
	tern_ctx_flush(e->ctx);
	expect_out(e, 1, UINT32_MAX);
	assert_int_equal(stats(e).tx_pkts, seq);
	assert_int_equal(tern_ctx_pending(e->ctx), 0);
	assert_pool_back(e);
}

/* Packets held when the context goes go back to the pool. */
/*
 * tx_bytes counts what was sent as it was when handed over, not what the
 * mbufs hold afterwards (they are the device's then); the packets the
 * device left (a ring with room for 63) count when they go.
 */
static void
test_tx_bytes_counted_before_the_device_takes_them(void **state)
{
	struct stall_env *e = *state;
	struct tern_stats st;
	unsigned int i;

	for (i = 0; i < SMALL_RING - 1 + 10; i++)
		queue_pkt(e, i);
	tern_ctx_flush(e->ctx);
	st = stats(e);
	assert_int_equal(st.tx_pkts, SMALL_RING - 1);
	assert_int_equal(st.tx_bytes, (SMALL_RING - 1) * 64);
	drain_all(e, SMALL_RING - 1 + 10, UINT32_MAX);
	st = stats(e);
	assert_int_equal(st.tx_pkts, SMALL_RING - 1 + 10);
	assert_int_equal(st.tx_bytes, (SMALL_RING - 1 + 10) * 64);
	assert_pool_back(e);
}

static void
test_tx_hold_destroy_frees_held(void **state)
{
	struct stall_env *e = *state;
	struct rte_mempool *mp = tern_ctx_pool(e->ctx);

	assert_int_equal(tern_ctx_set_tx_hold(e->ctx, 100 * 1000), 0);
	queue_pkt(e, 0);
	queue_pkt(e, 1);
	tern_ctx_flush(e->ctx);
	assert_int_equal(tern_ctx_pending(e->ctx), 2);
	assert_int_equal(rte_ring_count(e->tx), 0);
	assert_int_equal(rte_mempool_avail_count(mp), e->avail0 - 2);
	tern_ctx_destroy(e->ctx);
	e->ctx = NULL;
	assert_int_equal(rte_mempool_avail_count(mp), e->avail0);
}

static const struct stall_cfg cfg_full = { .ring_size = SMALL_RING };
static const struct stall_cfg cfg_refuse = { .ring_size = BIG_RING, .refuse_poison = true };
static const struct stall_cfg cfg_prepare = {
	.ring_size = BIG_RING, .prepare = true, .offloads = true,
};
static const struct stall_cfg cfg_prepare_nooff = { .ring_size = BIG_RING, .prepare = true };
static const struct stall_cfg cfg_hold = { .ring_size = BIG_RING };
static const struct stall_cfg cfg_reuse = { .ring_size = SMALL_RING, .reuse_sent = true };

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate_setup_teardown(
			test_tx_full_ring_loses_nothing_within_limits, stall_setup,
			stall_teardown, (void *)(uintptr_t)&cfg_full),
		cmocka_unit_test_prestate_setup_teardown(
			test_tx_stall_drops_head_after_flushes_and_time, stall_setup,
			stall_teardown, (void *)(uintptr_t)&cfg_full),
		cmocka_unit_test_prestate_setup_teardown(
			test_tx_refused_head_dropped_then_rest_sent, stall_setup,
			stall_teardown, (void *)(uintptr_t)&cfg_refuse),
		cmocka_unit_test_prestate_setup_teardown(
			test_tx_prepare_refusal_dropped_at_once, stall_setup,
			stall_teardown, (void *)(uintptr_t)&cfg_prepare),
		cmocka_unit_test_prestate_setup_teardown(
			test_tx_prepare_skipped_without_offloads, stall_setup,
			stall_teardown, (void *)(uintptr_t)&cfg_prepare_nooff),
		cmocka_unit_test_prestate_setup_teardown(
			test_tx_hold_fills_bursts_or_waits_out_the_time, stall_setup,
			stall_teardown, (void *)(uintptr_t)&cfg_hold),
		cmocka_unit_test_prestate_setup_teardown(
			test_tx_bytes_counted_before_the_device_takes_them, stall_setup,
			stall_teardown, (void *)(uintptr_t)&cfg_reuse),
		cmocka_unit_test_prestate_setup_teardown(
			test_tx_hold_destroy_frees_held, stall_setup,
			stall_teardown, (void *)(uintptr_t)&cfg_hold),
	};
	int ret;

	if (tern_test_eal_init("core_tx_stall") != 0)
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	tern_test_eal_fini();
	return ret;
}
