/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * syn-flood: tcp-crr (bench_tcp.c: a tern client on the worker lcore keeps
 * --window connections going against a tern server on the main lcore, over
 * the ring pair) while a generator on the client's lcore puts spoofed SYNs
 * into the server port's rx ring after each client round, as fast as it
 * goes. The SYNs come from 2^22 sources (100.64.0.0/10) and 60,000 ports,
 * cycled through 65,536 frames built beforehand with their checksums; a
 * burst is copied into fresh mbufs of the generator's own pool. The
 * generator leaves 1,024 free places in the ring for the client's frames
 * (a NIC's rx queue shared by both would drop either alike; here the
 * server's capacity is what is measured, not the queue's).
 *
 * The server's SYN-ACKs to the spoofed sources go to a gateway MAC
 * (bench_tcp_flood_target()). On a real network they leave the server's
 * NIC for that gateway and the legitimate client never sees them; here the
 * server's port and the client's share one ring. So an rx callback on the
 * client's port takes the frames addressed to the gateway out of each rx
 * burst and frees them (ethdev runs it inside rte_eth_rx_burst(), before
 * tern's input): the client's context never sees them, as its Ethernet
 * input did before (drop_eth_not_ours, ~240 instructions a frame on the
 * client's lcore, which the generator and the legitimate client share).
 * The server still builds, checksums and sends every SYN-ACK. They are
 * counted and printed (SYN-ACKs to the flood).
 *
 * Each run measures tcp-crr twice on the same contexts: without the flood,
 * then with it. Printed: the legitimate connections/s of both and their
 * ratio, the flood's SYNs/s (into the ring, i.e. taken by the server), the
 * SYN cookies the server sent, and what it held at the end of the flooded
 * phase: connections, syncache entries in use (its table is allocated once,
 * at its size, whatever the load), mbufs of its pool, and the change of
 * the rte_malloc heap over the flooded phase.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>
#include <rte_tcp.h>

#include <tern/tern.h>

#include "bench.h"

#define SF_FRAMES	65536
#define SF_LEN		(14 + 20 + 24)	/* Ethernet, IPv4, TCP with an MSS option */
#define SF_BURST	32
#define SF_RING_SPARE	1024		/* free places left for the client's frames */
#define SF_POOL		16383
#define SF_CATCH_UP	8		/* --flood-rate: bursts at most after one client round */

static struct {
	struct bench_flood_target ft;
	struct rte_mempool *mp;
	uint8_t (*frames)[SF_LEN];
	uint32_t next;
	volatile bool on;
	volatile uint64_t sent;		/* SYNs put into the ring */
	volatile uint64_t refused;	/* not: the ring had no room, or no mbuf */
	volatile uint64_t synacks;	/* the server's frames to the gateway, freed at rx */
	const struct rte_eth_rxtx_callback *rx_cb;
	uint64_t t_first, t_last;	/* TSC of the first and last burst sent */
	uint64_t bursts;
	/* --flood-rate: SYNs due by now = (TSC - t_pace) * pace_per_tsc */
	double pace_per_tsc;		/* 0: unpaced */
	uint64_t t_pace;
	uint64_t paced;			/* SYNs offered (sent or refused) since t_pace */
	/* the server's, sampled by the generator every 256 bursts: the most seen */
	unsigned int max_mb, max_conns;
	size_t max_heap;
} F;

static void
sf_build(void)
{
	static const struct rte_ether_addr src_mac = { { 0x02, 0, 0, 0, 0, 0xaa } };
	uint32_t i;

	for (i = 0; i < SF_FRAMES; i++) {
		uint8_t *f = F.frames[i];
		struct rte_ether_hdr *eh = (struct rte_ether_hdr *)f;
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);
		struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
		uint8_t *opt = (uint8_t *)(th + 1);
		uint32_t h = i * 2654435761u;

		memset(f, 0, SF_LEN);
		eh->dst_addr = F.ft.mac;
		eh->src_addr = src_mac;
		eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
		ip->version_ihl = 0x45;
		ip->total_length = rte_cpu_to_be_16(20 + 24);
		ip->packet_id = rte_cpu_to_be_16((uint16_t)i);
		ip->time_to_live = 64;
		ip->next_proto_id = IPPROTO_TCP;
		/* 100.64.0.0/10: 2^22 sources */
		ip->src_addr = rte_cpu_to_be_32((100u << 24 | 64u << 16) + (h >> 10));
		ip->dst_addr = F.ft.ip;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		th->src_port = rte_cpu_to_be_16((uint16_t)(1024 + (i * 7919u) % 60000));
		th->dst_port = rte_cpu_to_be_16(F.ft.tcp_port);
		th->sent_seq = rte_cpu_to_be_32(h ^ 0x5bd1e995u);
		th->data_off = (20 + 4) / 4 << 4;
		th->tcp_flags = RTE_TCP_SYN_FLAG;
		th->rx_win = rte_cpu_to_be_16(64240);
		opt[0] = 2;		/* MSS 1460 */
		opt[1] = 4;
		opt[2] = 1460 >> 8;
		opt[3] = 1460 & 0xff;
		th->cksum = rte_ipv4_udptcp_cksum(ip, th);
	}
}

/* The generator: one burst of SYNs into the server's rx ring, room permitting. */
static void
sf_burst_one(void)
{
	struct rte_mbuf *m[SF_BURST];
	unsigned int i, k;

	if (!F.on)
		return;
	if (F.pace_per_tsc > 0) {
		uint64_t now = rte_rdtsc();

		if (F.t_pace == 0)
			F.t_pace = now;
		/* not due yet: the offered rate is the one asked for, no more */
		if ((double)(F.paced + SF_BURST) > (double)(now - F.t_pace) * F.pace_per_tsc)
			return;
		F.paced += SF_BURST;
	}
	if (rte_ring_free_count(F.ft.ring) < SF_RING_SPARE + SF_BURST ||
	    rte_pktmbuf_alloc_bulk(F.mp, m, SF_BURST) != 0) {
		F.refused += SF_BURST;
		return;
	}
	for (i = 0; i < SF_BURST; i++) {
		rte_memcpy(rte_pktmbuf_mtod(m[i], void *), F.frames[F.next], SF_LEN);
		m[i]->data_len = SF_LEN;
		m[i]->pkt_len = SF_LEN;
		m[i]->port = F.ft.port;
		F.next = (F.next + 1) & (SF_FRAMES - 1);
	}
	k = rte_ring_enqueue_burst(F.ft.ring, (void **)m, SF_BURST, NULL);
	if (k < SF_BURST) {
		rte_pktmbuf_free_bulk(m + k, SF_BURST - k);
		F.refused += SF_BURST - k;
	}
	F.sent += k;
	F.t_last = rte_rdtsc();
	if (F.t_first == 0)
		F.t_first = F.t_last;
	if ((++F.bursts & 255) == 0) {
		/* reads of the server's state from this lcore: racy, for a maximum */
		F.max_mb = RTE_MAX(F.max_mb, rte_mempool_in_use_count(F.ft.srv_pool));
		F.max_conns = RTE_MAX(F.max_conns, tern_tcp_nb_conns(F.ft.srv));
	}
}

/*
 * After each client round: one burst, or with --flood-rate as many as are
 * due (at most SF_CATCH_UP: a long client round does not make a spike).
 */
static void
sf_burst(void)
{
	unsigned int i;

	for (i = 0; i < (F.pace_per_tsc > 0 ? SF_CATCH_UP : 1u); i++) {
		uint64_t paced = F.paced;

		sf_burst_one();
		if (F.paced == paced)
			break;	/* none due (or unpaced: one a round) */
	}
}

/*
 * The client port's rx callback (the client's lcore): frames to the gateway
 * (the flood's SYN-ACKs) are freed, the rest keep their order.
 */
static uint16_t
sf_rx_filter(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t nb,
	     uint16_t max, void *arg)
{
	struct rte_mbuf *gone[SF_BURST];
	uint16_t i, keep = 0, ng = 0;

	RTE_SET_USED(port);
	RTE_SET_USED(queue);
	RTE_SET_USED(max);
	RTE_SET_USED(arg);
	for (i = 0; i < nb; i++) {
		const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(pkts[i], struct rte_ether_hdr *);

		if (!rte_is_same_ether_addr(&eh->dst_addr, &F.ft.gw_mac)) {
			pkts[keep++] = pkts[i];
			continue;
		}
		gone[ng++] = pkts[i];
		if (ng == SF_BURST) {
			rte_pktmbuf_free_bulk(gone, ng);
			F.synacks += ng;
			ng = 0;
		}
	}
	if (ng > 0) {
		rte_pktmbuf_free_bulk(gone, ng);
		F.synacks += ng;
	}
	return keep;
}

static size_t
heap_bytes(void)
{
	struct rte_malloc_socket_stats st;

	if (rte_malloc_get_socket_stats((int)rte_socket_id(), &st) != 0)
		return 0;
	return st.heap_allocsz_bytes;
}

int
bench_synflood(const struct bench_opts *o, uint64_t hz)
{
	double cps0[64], cps1[64], ratio[64], fr[64];
	uint64_t sent0, ck0, rx0, sa0;
	double cpp;
	size_t h0, h1;
	struct tern_stats st;
	struct bench_run r;
	unsigned int i, max_mb = 0, max_conns = 0;
	int ret;

	memset(&F, 0, sizeof(F));
	ret = bench_tcp_setup(o);
	if (ret == 0)
		ret = bench_tcp_flood_target(&F.ft);
	if (ret != 0) {
		fprintf(stderr, "tern-bench: syn-flood set-up: %s\n", strerror(-ret));
		bench_tcp_teardown();
		return 1;
	}
	F.frames = malloc(sizeof(*F.frames) * SF_FRAMES);
	F.mp = rte_pktmbuf_pool_create("sf_pool", SF_POOL, 256, 0,
				       RTE_PKTMBUF_HEADROOM + 128, (int)rte_socket_id());
	if (F.frames == NULL || F.mp == NULL) {
		fprintf(stderr, "tern-bench: syn-flood: no memory for the generator\n");
		bench_tcp_teardown();
		rte_mempool_free(F.mp);
		free(F.frames);
		return 1;
	}
	sf_build();
	F.rx_cb = rte_eth_add_rx_callback(F.ft.cli_port, 0, sf_rx_filter, NULL);
	if (F.rx_cb == NULL) {
		fprintf(stderr, "tern-bench: syn-flood: no rx callback on the client's port\n");
		bench_tcp_teardown();
		rte_mempool_free(F.mp);
		free(F.frames);
		return 1;
	}
	bench_tcp_set_cli_hook(sf_burst);
	for (i = 0; i < o->runs && i < RTE_DIM(cps0); i++) {
		F.on = false;
		ret = bench_tcp_run(o, &r);
		if (ret != 0)
			break;
		cps0[i] = r.ops_per_s;
		tern_ctx_stats(F.ft.srv, &st);
		ck0 = st.tcp_cookies_sent;
		rx0 = st.rx_pkts;
		h0 = heap_bytes();
		sent0 = F.sent;
		sa0 = F.synacks;
		F.t_first = F.t_last = 0;
		F.max_mb = F.max_conns = 0;
		F.pace_per_tsc = o->flood_mpps * 1e6 / (double)hz;
		F.t_pace = 0;
		F.paced = 0;
		F.on = true;
		ret = bench_tcp_run(o, &r);	/* the generator runs in its client rounds */
		F.on = false;
		h1 = heap_bytes();
		if (ret != 0)
			break;
		cps1[i] = r.ops_per_s;
		ratio[i] = cps0[i] > 0 ? cps1[i] / cps0[i] : 0;
		fr[i] = F.t_last > F.t_first ? (double)(F.sent - sent0) * (double)hz /
			(double)(F.t_last - F.t_first) : 0;
		max_mb = RTE_MAX(max_mb, F.max_mb);
		max_conns = RTE_MAX(max_conns, F.max_conns);
		tern_ctx_stats(F.ft.srv, &st);
		/* the server's busy cycles of the measured time, over the packets of the call */
		cpp = st.rx_pkts > rx0 ? r.cycles_per_op_all * (double)r.ops /
		      (double)(st.rx_pkts - rx0) : 0;
		printf("  run %u: legit %.0f conn/s without the flood, %.0f with it (%.2f); "
		       "flood %.3f M SYN/s, %lu SYNs (%lu refused: ring or pool full); "
		       "server: %lu cookies sent; %lu SYN-ACKs to the flood freed before the client; "
		       "~%.0f busy cycles per packet received, "
		       "at most %u connections and %u mbufs in use during the flood, heap %+zd B "
		       "over the flooded phase; legit errors %lu\n",
		       i + 1, cps0[i], cps1[i], ratio[i], fr[i] / 1e6,
		       (unsigned long)(F.sent - sent0), (unsigned long)F.refused,
		       (unsigned long)(st.tcp_cookies_sent - ck0),
		       (unsigned long)(F.synacks - sa0), cpp, F.max_conns, F.max_mb,
		       (ssize_t)(h1 - h0), (unsigned long)r.drops);
		F.refused = 0;
	}
	bench_tcp_set_cli_hook(NULL);
	/* both lcores are stopped: nothing is in the callback */
	if (rte_eth_remove_rx_callback(F.ft.cli_port, 0, F.rx_cb) == 0)
		rte_free((void *)(uintptr_t)F.rx_cb);
	if (ret == 0 && i > 0)
		printf("RESULT workload=syn-flood legit_cps=%.0f legit_cps_flood=%.0f ratio=%.2f "
		       "flood_mpps=%.3f flood_offered_mpps=%.3f server_max_conns=%u "
		       "server_max_mbufs=%u tsc_hz=%lu\n",
		       bench_median(cps0, i), bench_median(cps1, i), bench_median(ratio, i),
		       bench_median(fr, i) / 1e6, o->flood_mpps, max_conns, max_mb,
		       (unsigned long)hz);
	bench_tcp_teardown();
	rte_mempool_free(F.mp);
	free(F.frames);
	return ret == 0 ? 0 : 1;
}
