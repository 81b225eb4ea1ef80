/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * UDP echo through tern. A raw generator on a worker lcore keeps a window of
 * 64-byte datagrams in flight to the stack-under-test on the main lcore,
 * which answers them with tern_udp_recv_burst + tern_udp_reply_burst. The
 * two are wired by an in-process ring pair (pointer moves only: the figure
 * is the stack's cost) or a memif pair (packets copied, like a NIC ring).
 *
 * cycles_per_op counts the stack core's TSC cycles in loop rounds that
 * moved packets (rx burst, input, reply, tx burst), divided by the
 * datagrams echoed; idle rounds are not counted.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_ring.h>
#include <rte_udp.h>

#include <tern/tern.h>

#include "bench_stack.h"

#include "bench.h"

#define GEN_BURST	32
#define STACK_BURST	64
#define UDP_PORT	9

static struct {
	struct bench_stack stk;		/* ports, devices, net, context */
	struct tern_udp_stream *st;
	uint8_t tmpl[2048];
	uint16_t tmpl_len;
	volatile bool stop;
	/* generator counters (worker lcore) */
	volatile uint64_t gen_sent, gen_rcvd, gen_lost;
} B;

static int
find_port(const char *prefix, uint16_t *port)
{
	uint16_t p;
	char name[RTE_ETH_NAME_MAX_LEN];

	RTE_ETH_FOREACH_DEV(p) {
		if (rte_eth_dev_get_name_by_port(p, name) == 0 &&
		    strncmp(name, prefix, strlen(prefix)) == 0) {
			*port = p;
			return 0;
		}
	}
	return -ENODEV;
}

static void
build_template(const struct rte_ether_addr *smac, const struct rte_ether_addr *dmac,
	       unsigned int size)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)B.tmpl;
	struct rte_ipv4_hdr *ih = (struct rte_ipv4_hdr *)(eh + 1);
	struct rte_udp_hdr *uh = (struct rte_udp_hdr *)(ih + 1);
	uint8_t *pl = (uint8_t *)(uh + 1);
	unsigned int i;

	eh->src_addr = *smac;
	eh->dst_addr = *dmac;
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	memset(ih, 0, sizeof(*ih));
	ih->version_ihl = RTE_IPV4_VHL_DEF;
	ih->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ih) + sizeof(*uh) + size));
	ih->time_to_live = 64;
	ih->next_proto_id = IPPROTO_UDP;
	ih->src_addr = rte_cpu_to_be_32(RTE_IPV4(10, 1, 0, 2));
	ih->dst_addr = rte_cpu_to_be_32(RTE_IPV4(10, 1, 0, 1));
	ih->hdr_checksum = rte_ipv4_cksum(ih);
	uh->src_port = rte_cpu_to_be_16(40000);
	uh->dst_port = rte_cpu_to_be_16(UDP_PORT);
	uh->dgram_len = rte_cpu_to_be_16((uint16_t)(sizeof(*uh) + size));
	for (i = 0; i < size; i++)
		pl[i] = (uint8_t)i;
	uh->dgram_cksum = 0;
	uh->dgram_cksum = rte_ipv4_udptcp_cksum(ih, uh);
	B.tmpl_len = (uint16_t)(sizeof(*eh) + sizeof(*ih) + sizeof(*uh) + size);
}

int
bench_udp_echo_setup(const struct bench_opts *o)
{
	struct tern_dev_param dp = { .nb_mbufs = 16383, .no_offload = o->sw };
	struct tern_udp_param up = { 0 };
	int ret;

	if (o->size > 1472) {
		fprintf(stderr, "tern-bench: --size up to 1472 (one frame)\n");
		return -EINVAL;
	}
	if (strcmp(o->wire, "ring") == 0) {
		int rc = bench_ring_pair(&B.stk, "tb", 4096);

		if (rc != 0)
			return rc;
	} else {
		/* memif: the EAL args name net_memif0 (server) and net_memif1 (client). */
		if (find_port("net_memif0", &B.stk.port_s) != 0 ||
		    find_port("net_memif1", &B.stk.port_g) != 0) {
			fprintf(stderr, "tern-bench: --wire memif needs --vdev net_memif0,role=server"
				" and --vdev net_memif1,role=client on one socket\n");
			return -ENODEV;
		}
	}
	ret = bench_stack_up(&B.stk, &dp);
	if (ret != 0)
		return ret;
	up.local.family = 4;
	up.local.port = rte_cpu_to_be_16(UDP_PORT);
	up.rxq_size = 4096;
	B.st = tern_udp_open(B.stk.ctx, &up);
	if (B.st == NULL)
		return -rte_errno;
	build_template(tern_dev_mac(B.stk.dev_g), tern_dev_mac(B.stk.dev_s), o->size);
	return 0;
}

struct gen_state {
	uint64_t sent, rcvd, lost, last_rx, stall;
};

/* One generator step: top the window up, take the echoes back. */
static void
gen_step(const struct bench_opts *o, struct gen_state *g)
{
	struct rte_mbuf *tx[GEN_BURST], *rx[GEN_BURST];
	uint64_t inflight = g->sent - g->rcvd - g->lost;
	uint16_t i, n, k;

	if (inflight < o->window) {
		k = (uint16_t)RTE_MIN((uint64_t)GEN_BURST, o->window - inflight);
		if (rte_pktmbuf_alloc_bulk(B.stk.gen_mp, tx, k) == 0) {
			for (i = 0; i < k; i++) {
				rte_memcpy(rte_pktmbuf_mtod(tx[i], void *), B.tmpl, B.tmpl_len);
				tx[i]->data_len = B.tmpl_len;
				tx[i]->pkt_len = B.tmpl_len;
			}
			n = rte_eth_tx_burst(B.stk.port_g, 0, tx, k);
			if (n < k)
				rte_pktmbuf_free_bulk(tx + n, k - n);
			g->sent += n;
		}
	}
	n = rte_eth_rx_burst(B.stk.port_g, 0, rx, GEN_BURST);
	if (n > 0) {
		rte_pktmbuf_free_bulk(rx, n);
		g->rcvd += n;
		g->last_rx = rte_rdtsc();
		/*
		 * Echoes of datagrams already counted lost (the stall below
		 * fires when this lcore lost the CPU for longer than the stall
		 * time): they were late, not lost. Without this the window
		 * count underflows and the generator stops for good.
		 */
		if (g->rcvd + g->lost > g->sent)
			g->lost = g->sent - g->rcvd;
	} else if (inflight >= o->window && rte_rdtsc() - g->last_rx > g->stall) {
		/* Nothing came back for the stall time with a full window: lost. */
		g->lost += inflight;
		g->last_rx = rte_rdtsc();
	}
	B.gen_sent = g->sent;
	B.gen_rcvd = g->rcvd;
	B.gen_lost = g->lost;
}

static void
gen_init(struct gen_state *g)
{
	memset(g, 0, sizeof(*g));
	g->last_rx = rte_rdtsc();
	g->stall = rte_get_tsc_hz() / 100;
	g->sent = B.gen_sent;
	g->rcvd = B.gen_rcvd;
	g->lost = B.gen_lost;
}

static int
gen_loop(void *arg)
{
	struct gen_state g;

	gen_init(&g);
	while (!B.stop)
		gen_step(arg, &g);
	return 0;
}

static unsigned int
stack_round(struct tern_event *ev, struct rte_mbuf **pkts)
{
	unsigned int total = 0;
	uint16_t n, k;

	tern_ctx_poll(B.stk.ctx);
	tern_ctx_events(B.stk.ctx, ev, 32);
	while ((n = tern_udp_recv_burst(B.st, pkts, STACK_BURST)) > 0) {
		k = tern_udp_reply_burst(B.st, pkts, n);
		if (k < n)
			rte_pktmbuf_free_bulk(pkts + k, n - k);
		total += n;
	}
	tern_ctx_flush(B.stk.ctx);
	return total;
}

int
bench_udp_echo_run(const struct bench_opts *o, struct bench_run *r)
{
	struct rte_mbuf *pkts[STACK_BURST];
	struct tern_event ev[32];
	struct gen_state g;
	uint64_t hz = rte_get_tsc_hz(), t, start, t0 = 0, end = 0;
	uint64_t busy = 0, done = 0, base_rcvd = 0, base_lost = 0;
	unsigned int worker = rte_get_next_lcore(-1, 1, 0), n;

	if (!o->single && worker >= RTE_MAX_LCORE) {
		fprintf(stderr, "tern-bench: needs two lcores (EAL -l 0-1), or --single\n");
		return -EINVAL;
	}
	B.stop = false;
	gen_init(&g);
	if (!o->single)
		rte_eal_remote_launch(gen_loop, (void *)(uintptr_t)o, worker);
	start = rte_rdtsc();
	for (;;) {
		uint64_t a, b;

		if (o->single)
			gen_step(o, &g);
		a = rte_rdtsc();

		n = stack_round(ev, pkts);
		b = rte_rdtsc();
		if (t0 == 0) {
			if (b - start >= (uint64_t)(o->seconds * 0.1 * (double)hz)) {
				t0 = b;
				base_rcvd = B.gen_rcvd;
				base_lost = B.gen_lost;
				end = t0 + (uint64_t)(o->seconds * (double)hz);
			}
			continue;
		}
		if (n > 0) {
			busy += b - a;
			done += n;
		}
		if (b >= end)
			break;
	}
	t = rte_rdtsc();
	r->ops = B.gen_rcvd - base_rcvd;
	/* late echoes take back what was counted lost: never below 0 */
	r->drops = B.gen_lost > base_lost ? B.gen_lost - base_lost : 0;
	B.stop = true;
	if (!o->single)
		rte_eal_wait_lcore(worker);
	/* Drain what is still in flight. */
	for (start = rte_rdtsc(); rte_rdtsc() - start < hz / 50;) {
		struct rte_mbuf *rx[GEN_BURST];
		uint16_t k;

		stack_round(ev, pkts);
		k = rte_eth_rx_burst(B.stk.port_g, 0, rx, GEN_BURST);
		rte_pktmbuf_free_bulk(rx, k);
		/* counted, so that the next run starts with an empty window */
		B.gen_rcvd += k;
		if (B.gen_rcvd + B.gen_lost > B.gen_sent)	/* late, not lost */
			B.gen_lost = B.gen_sent - B.gen_rcvd;
	}
	r->ops_per_s = (double)r->ops * (double)hz / (double)(t - t0);
	r->cycles_per_op = done ? (double)busy / (double)done : 0;
	return 0;
}

void
bench_udp_echo_teardown(void)
{
	tern_udp_close(B.st);
	tern_ctx_destroy(B.stk.ctx);
	tern_net_destroy(B.stk.net);
	tern_dev_destroy(B.stk.dev_s);
	tern_dev_destroy(B.stk.dev_g);
	rte_ring_free(B.stk.r_gs);
	rte_ring_free(B.stk.r_sg);
}
