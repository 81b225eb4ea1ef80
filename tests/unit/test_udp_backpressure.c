/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * UDP sends against a device that stops taking packets: the stream gets
 * ENOBUFS (the datagram stays the caller's, nothing is dropped), and one
 * TERN_EV_WRITABLE once the device has room again. The device is a ring
 * port (rte_eth_from_rings) whose tx ring the test drains by hand.
 */

#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ring.h>

#include <tern/tern.h>

#include "test_common.h"

#define TXR_SIZE	64

struct bp_env {
	struct rte_ring *rx, *tx;
	struct tern_dev *dev;
	struct tern_net *net;
	struct tern_ctx *ctx;
	struct tern_udp_stream *s;
	struct tern_sockaddr peer;
};

static int
bp_setup(void **state)
{
	static struct bp_env e;
	struct tern_dev_param dp = { .nb_mbufs = 2047 };
	struct tern_ctx_param cp = { .manual_clock = true, .socket_id = SOCKET_ID_ANY };
	struct tern_udp_param up = { 0 };
	struct rte_ether_addr peer_mac = { .addr_bytes = { 0x02, 0, 0, 0, 0, 2 } };
	tern_ip4_t a;
	int port;

	memset(&e, 0, sizeof(e));
	e.rx = rte_ring_create("bp_rx", 256, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	e.tx = rte_ring_create("bp_tx", TXR_SIZE, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	assert_non_null(e.rx);
	assert_non_null(e.tx);
	port = rte_eth_from_rings("bp", &e.rx, 1, &e.tx, 1, SOCKET_ID_ANY);
	assert_true(port >= 0);
	e.dev = tern_dev_create((uint16_t)port, &dp);
	assert_non_null(e.dev);
	e.net = tern_net_create(NULL);
	assert_non_null(e.net);
	assert_int_equal(tern_net_iface_add(e.net, e.dev, 0), 0);
	assert_int_equal(tern_ip4_parse("10.9.0.1", &a, NULL), 0);
	assert_int_equal(tern_net_addr4_add(e.net, 0, a, 24), 0);
	assert_int_equal(tern_ip4_parse("10.9.0.2", &a, NULL), 0);
	assert_int_equal(tern_net_neigh4_set(e.net, 0, a, &peer_mac), 0);
	cp.net = e.net;
	e.ctx = tern_ctx_create(&cp);
	assert_non_null(e.ctx);
	up.local.family = 4;
	up.local.port = rte_cpu_to_be_16(5000);
	up.udata = 0xfeed;
	e.s = tern_udp_open(e.ctx, &up);
	assert_non_null(e.s);
	e.peer.family = 4;
	e.peer.ip4 = a;
	e.peer.port = rte_cpu_to_be_16(6000);
	*state = &e;
	return 0;
}

static int
bp_teardown(void **state)
{
	struct bp_env *e = *state;

	tern_udp_close(e->s);
	tern_test_ring_port_fini(e->ctx, e->net, e->dev, e->rx, e->tx);
	return 0;
}

static struct rte_mbuf *
payload(struct tern_ctx *ctx)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(tern_ctx_pool(ctx));

	assert_non_null(m);
	assert_non_null(rte_pktmbuf_append(m, 32));
	memset(rte_pktmbuf_mtod(m, void *), 0x5a, 32);
	return m;
}

static unsigned int
drain(struct rte_ring *r)
{
	unsigned int n = 0;
	void *obj;

	while (rte_ring_dequeue(r, &obj) == 0) {
		rte_pktmbuf_free(obj);
		n++;
	}
	return n;
}

/* A full device queue refuses datagrams with ENOBUFS; then one WRITABLE. */
static void
test_udp_full_device_gives_enobufs_then_writable(void **state)
{
	struct bp_env *e = *state;
	struct tern_event ev[8];
	struct tern_stats st;
	struct rte_mbuf *m;
	unsigned int sent = 0, i, n, left;
	unsigned int avail0 = rte_mempool_avail_count(tern_ctx_pool(e->ctx));
	uint16_t k;

	/* The ring takes TXR_SIZE - 1, the context buffers TERN_TX_BUF more. */
	for (i = 0; i < TXR_SIZE + TERN_TX_BUF + 16; i++) {
		m = payload(e->ctx);
		rte_errno = 0;
		k = tern_udp_send_burst(e->s, &m, 1, &e->peer);
		if (k == 0) {
			assert_int_equal(rte_errno, ENOBUFS);
			/* the datagram is still ours: nothing was dropped */
			rte_pktmbuf_free(m);
			break;
		}
		sent++;
	}
	assert_int_equal(sent, TXR_SIZE - 1 + TERN_TX_BUF);
	tern_ctx_stats(e->ctx, &st);
	assert_int_equal(st.drop_tx_full, 0);
	assert_int_equal(st.udp_out, sent);
	/* still full: a flush posts nothing */
	tern_ctx_flush(e->ctx);
	assert_int_equal(tern_ctx_events(e->ctx, ev, 8), 0);

	/* The device drains: the next flush makes room and wakes the stream once. */
	left = drain(e->tx);
	tern_ctx_flush(e->ctx);
	n = tern_ctx_events(e->ctx, ev, 8);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].type, TERN_EV_WRITABLE);
	assert_ptr_equal(ev[0].obj, e->s);
	assert_int_equal(ev[0].udata, 0xfeed);
	/* no second event without a new refusal */
	tern_ctx_flush(e->ctx);
	assert_int_equal(tern_ctx_events(e->ctx, ev, 8), 0);
	/* every accepted datagram reaches the device, a ring-full at a time */
	for (i = 0; i < 64 && tern_ctx_pending(e->ctx) > 0; i++) {
		left += drain(e->tx);
		tern_ctx_flush(e->ctx);
	}
	left += drain(e->tx);
	assert_int_equal(tern_ctx_pending(e->ctx), 0);
	assert_int_equal(left, sent);
	/* and sending works again */
	m = payload(e->ctx);
	assert_int_equal(tern_udp_send_burst(e->s, &m, 1, &e->peer), 1);
	tern_ctx_flush(e->ctx);
	assert_int_equal(drain(e->tx), 1);
	/* every mbuf is back in the pool */
	assert_int_equal(rte_mempool_avail_count(tern_ctx_pool(e->ctx)), avail0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_udp_full_device_gives_enobufs_then_writable,
						bp_setup, bp_teardown),
	};
	int ret;

	if (tern_test_eal_init("udp_bp") != 0)
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	tern_test_eal_fini();
	return ret;
}
