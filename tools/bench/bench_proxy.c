/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * The transparent proxy in process: a tern client, the proxy and a tern
 * server, three contexts (each a whole stack: devices, tern_net, context),
 * wired by two ring pairs (rte_eth_from_rings: pointer moves only):
 *
 *   client 10.1.0.2 == proxy port 0 10.1.0.1 | port 1 10.2.0.1 == server 10.2.0.2
 *
 * The client connects to the server's address, port 5000 (or the next
 * ports); the proxy, set up as tern-proxy is (forwarding on both ports, a
 * transparent listener for 10.2.0.0/24 and the ports, connect-first, the
 * server leg from the client's address and port), takes the connection and
 * relays it with examples/proxy/relay.c, the relay tern-proxy runs. The
 * proxy runs on the main lcore and is the one timed; the client and the
 * server take turns on the worker lcore (--single: all three take turns on
 * the main lcore, only the proxy's turns timed).
 *
 *  proxy-crr     the client keeps --window connections going: connect,
 *                --size byte request, the server's echo, close. An op is a
 *                proxied connection.
 *  proxy-rr      --conns connections through the proxy, one --size byte
 *                request in flight on each; the server echoes. An op is a
 *                request answered.
 *  proxy-stream  one connection, the client sends MSS-sized mbufs without
 *                end. An op is 64 KiB the server received.
 *
 * cycles_per_op: the proxy's loop rounds that did work (rx bursts of both
 * ports, TCP input of both legs, relay_step(), output), leaving out rounds
 * longer than 200 us, over the proxy's own units: pairs ended (crr), bytes
 * relayed both ways over twice the request size (rr), bytes relayed to the
 * server (stream).
 *
 * Memory per proxied connection, measured before the runs, twice: fresh
 * contexts, the proxy's made on an rte_malloc heap of its own (the way
 * tcp-conns measures its server), the relay made for as many pairs; the
 * client opens N connections through the proxy (over 5 server ports) and
 * leaves them idle. The total is the proxy heap's use with them open (both
 * legs' control blocks, the connection hash, every table of the context)
 * less its use before the context was made, plus what the relay took from
 * malloc (mallinfo2()). bytes_per_conn is the growth of the total from
 * N = BENCH_PROXY_MEM_CONNS / 5 to N = BENCH_PROXY_MEM_CONNS, per
 * connection: what one more costs, the tables sized for the count
 * included, the context's fixed part (event queue, segment pool) not.
 *
 * TIME_WAIT: the client closes first (TIME_WAIT on the client, at most
 * 4,096 records, the oldest released early, as in tcp-crr); the proxy's
 * server legs pass the FIN on and so close actively too: the proxy context
 * also holds at most 4,096 TIME_WAIT records. The proxy's client legs and
 * the server close passively.
 */

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include <tern/tern.h>

#include "bench.h"
#include "bench_tcp_ends.h"
#include "bench_stack.h"
#include "relay.h"

#define BP_BURST	32
#define BP_PORT		5000
#define BP_RING		8192
#define BP_TW		4096		/* TIME_WAIT records of the client and of the proxy */
#define BP_PORTS_PER_REMOTE 28000	/* a little under tern's 28,232 ephemeral ports */
#define BP_MEM_PORTS	5		/* 5 x 28,000 >= BP_MEM_CONNS; odd, as in tcp-conns */
#define BP_MEM_WINDOW	100		/* handshakes in flight when opening them */
#define BP_ROUND_MAX_US	200
#define BP_HEAP_NAME	"tern_bench_px"

enum bp_kind { BP_CRR, BP_RR, BP_STREAM };

static const char *const bp_names[] = {
	[BP_CRR] = "proxy-crr", [BP_RR] = "proxy-rr", [BP_STREAM] = "proxy-stream",
};
/* the kernel's direct workload run beside each */
static const char *const bp_kernel[] = {
	[BP_CRR] = "tcp-crr", [BP_RR] = "tcp-rr", [BP_STREAM] = "tcp-stream",
};

static struct {
	enum bp_kind kind;
	bool mem;		/* the memory pass: idle connections over BP_MEM_PORTS ports */
	unsigned int size, window, conns, nb_ports;
	bool stats;
	struct bench_stack a, b;	/* a: proxy port 0 (port_s) - client; b: port 1 - server */
	struct tern_dev *dev_c, *dev_p0, *dev_p1, *dev_s;
	struct tern_net *net_c, *net_p, *net_s;
	tern_ip4_t ip_c, ip_p0, ip_p1, ip_s;
	struct tern_ctx *px;
	struct relay *r;
	struct tern_tcp_stream *pl;	/* the transparent listener */
	struct tern_tcp_stream *sl[BP_MEM_PORTS];
	struct bench_heap heap;
	/* server (worker lcore) */
	struct bts s;
	/* client (worker lcore) */
	struct btc c;
	volatile bool stop;
} P;

bool
bench_is_proxy(const char *workload)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(bp_names); i++)
		if (strcmp(workload, bp_names[i]) == 0)
			return true;
	return false;
}

/* ---------------------------------------------------------------------- */
/* Server: echoes (crr, rr) or frees (stream), closes at the client's FIN */

static void
srv_round(void)
{
	bts_round(&P.s);
}

/* ---------------------------------------------------------------------- */
/* Client */

static void
cli_round(void)
{
	btc_round(&P.c);
}

/* The client and the server, on the worker lcore. */
static int
ends_loop(void *arg)
{
	RTE_SET_USED(arg);
	while (!P.stop) {
		cli_round();
		srv_round();
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* The proxy */

/* One round of the proxy: as tern-proxy's loop, and the output flushed. @return work. */
static unsigned int
px_round(void)
{
	unsigned int n = tern_ctx_poll(P.px);

	n += relay_step(P.r);
	tern_ctx_flush(P.px);
	return n;
}

/* Every pair's bytes held by the proxy (relay_held()). */
static uint64_t
px_held(void)
{
	uint64_t b = 0;
	uint32_t i;

	for (i = 0; i < P.r->nb_active; i++)
		b += relay_held(&P.r->p[P.r->act[i]]);
	return b;
}

/* The proxy's units of work: pairs ended, or bytes relayed. */
static uint64_t
px_units(void)
{
	switch (P.kind) {
	case BP_CRR:
		return P.r->st.closed;
	case BP_RR:
		return P.r->st.bytes_up + P.r->st.bytes_down;
	default:
		return P.r->st.bytes_up;
	}
}

/* ---------------------------------------------------------------------- */
/* Set-up */

static struct tern_net *
bp_net(void)
{
	return tern_net_create(NULL);
}

static int
bp_nets(void)
{
	tern_ip4_t n1, n2;

	tern_ip4_parse("10.1.0.2", &P.ip_c, NULL);
	tern_ip4_parse("10.1.0.1", &P.ip_p0, NULL);
	tern_ip4_parse("10.2.0.1", &P.ip_p1, NULL);
	tern_ip4_parse("10.2.0.2", &P.ip_s, NULL);
	tern_ip4_parse("10.1.0.0", &n1, NULL);
	tern_ip4_parse("10.2.0.0", &n2, NULL);
	P.net_c = bp_net();
	P.net_p = bp_net();
	P.net_s = bp_net();
	if (P.net_c == NULL || P.net_p == NULL || P.net_s == NULL)
		return -ENOMEM;
	/* static neighbors and routes: no ARP in the measurement */
	if (tern_net_iface_add(P.net_c, P.dev_c, 0) != 0 ||
	    tern_net_addr4_add(P.net_c, 0, P.ip_c, 24) != 0 ||
	    tern_net_neigh4_set(P.net_c, 0, P.ip_p0, tern_dev_mac(P.dev_p0)) != 0 ||
	    tern_net_route4_add(P.net_c, n2, 24, P.ip_p0, 0) != 0)
		return -EINVAL;
	if (tern_net_iface_add(P.net_s, P.dev_s, 0) != 0 ||
	    tern_net_addr4_add(P.net_s, 0, P.ip_s, 24) != 0 ||
	    tern_net_neigh4_set(P.net_s, 0, P.ip_p1, tern_dev_mac(P.dev_p1)) != 0 ||
	    tern_net_route4_add(P.net_s, n1, 24, P.ip_p1, 0) != 0)
		return -EINVAL;
	if (tern_net_iface_add(P.net_p, P.dev_p0, 0) != 0 ||
	    tern_net_iface_add(P.net_p, P.dev_p1, 0) != 1 ||
	    tern_net_addr4_add(P.net_p, 0, P.ip_p0, 24) != 0 ||
	    tern_net_addr4_add(P.net_p, 1, P.ip_p1, 24) != 0 ||
	    tern_net_neigh4_set(P.net_p, 0, P.ip_c, tern_dev_mac(P.dev_c)) != 0 ||
	    tern_net_neigh4_set(P.net_p, 1, P.ip_s, tern_dev_mac(P.dev_s)) != 0 ||
	    /* a router, as tern-proxy is */
	    tern_net_forward_set(P.net_p, 0, TERN_FWD_IP4) != 0 ||
	    tern_net_forward_set(P.net_p, 1, TERN_FWD_IP4) != 0)
		return -EINVAL;
	return 0;
}

/* The three contexts, sized for the workload (or the memory pass), the relay and the listeners. */
static int
bp_contexts(void)
{
	struct tern_tcp_config cc = { 0 }, pc = { 0 }, sc = { 0 };
	struct tern_ctx_param cp = { 0 }, pp = { 0 }, sp = { 0 };
	struct tern_tcp_tproxy_rule rule = { 0 };
	struct relay_cfg rc = { 0 };
	unsigned int n, i;
	uint32_t evq;

	/* connections that can be open at once on each end */
	n = P.mem ? P.c.nb_cc : P.kind == BP_CRR ? 4 * P.window + 1024 :
	    P.kind == BP_RR ? P.conns + 64 : 64;
	cc.max_conns = sc.max_conns = n + 64;
	pc.max_conns = 2 * n + 64;
	cc.syncache_size = 64;		/* the client does not listen */
	pc.syncache_size = 64;		/* connect-first: held SYNs take control blocks */
	sc.syncache_size = rte_align32pow2(RTE_MAX(2 * (P.mem ? BP_MEM_WINDOW : P.window), 256u));
	cc.timewait_max = pc.timewait_max = P.kind == BP_CRR && !P.mem ? BP_TW : 64;
	sc.timewait_max = 64;		/* passive close */
	evq = rte_align32pow2(RTE_MAX(4 * (P.mem ? BP_MEM_WINDOW : P.kind == BP_RR ?
					   P.conns : P.window), 4096u));
	cp.net = P.net_c;
	cp.tcp = &cc;
	cp.event_queue_size = evq;
	cp.socket_id = (int)rte_socket_id();
	pp.net = P.net_p;
	pp.tcp = &pc;
	pp.event_queue_size = 2 * evq;
	pp.socket_id = P.mem ? P.heap.socket : (int)rte_socket_id();
	sp.net = P.net_s;
	sp.tcp = &sc;
	sp.event_queue_size = evq;
	sp.socket_id = (int)rte_socket_id();
	P.c.ctx = tern_ctx_create(&cp);
	P.px = tern_ctx_create(&pp);
	P.s.ctx = tern_ctx_create(&sp);
	if (P.c.ctx == NULL || P.px == NULL || P.s.ctx == NULL)
		return -rte_errno;
	rc.ctx = P.px;
	rc.connect_first = true;	/* tern-proxy's defaults */
	rc.source_proxy = false;
	rc.max_pairs = n;
	P.r = relay_create(&rc);
	if (P.r == NULL)
		return -ENOMEM;
	rule.prefix.family = 4;
	rule.prefix.ip4 = P.ip_s & rte_cpu_to_be_32(0xffffff00);
	rule.prefix_len = 24;
	rule.port_lo = BP_PORT;
	rule.port_hi = (uint16_t)(BP_PORT + P.nb_ports - 1);
	P.pl = relay_listen(P.r, &rule);
	if (P.pl == NULL)
		return -rte_errno;
	for (i = 0; i < P.nb_ports; i++) {
		struct tern_tcp_param lp = { 0 };

		lp.local.family = 4;
		lp.local.port = rte_cpu_to_be_16((uint16_t)(BP_PORT + i));
		lp.flags = P.kind != BP_STREAM ? TERN_TCP_F_NODELAY : 0;
		lp.backlog = 2 * RTE_MAX(P.window, P.kind == BP_RR ? P.conns : 0) + 64;
		P.sl[i] = tern_tcp_listen(P.s.ctx, &lp);
		if (P.sl[i] == NULL)
			return -rte_errno;
	}
	return 0;
}

static void
bp_print_stats(void)
{
	struct tern_stats cs, ps, ss;
	unsigned int i;

	if (!P.stats || P.px == NULL)
		return;
	tern_ctx_stats(P.c.ctx, &cs);
	tern_ctx_stats(P.px, &ps);
	tern_ctx_stats(P.s.ctx, &ss);
	printf("  %-28s %14s %14s %14s\n", "counter", "client", "proxy", "server");
	for (i = 0; i < TERN_STATS_COUNT; i++)
		if (tern_stats_value(&cs, i) || tern_stats_value(&ps, i) ||
		    tern_stats_value(&ss, i))
			printf("  %-28s %14lu %14lu %14lu\n", tern_stats_name(i),
			       (unsigned long)tern_stats_value(&cs, i),
			       (unsigned long)tern_stats_value(&ps, i),
			       (unsigned long)tern_stats_value(&ss, i));
	printf("  relay: accepted %lu connected %lu refused %lu resets %lu closed %lu "
	       "finished %lu limit %lu\n", (unsigned long)P.r->st.accepted,
	       (unsigned long)P.r->st.connected, (unsigned long)P.r->st.refused,
	       (unsigned long)P.r->st.resets, (unsigned long)P.r->st.closed,
	       (unsigned long)P.r->st.finished, (unsigned long)P.r->st.limit);
}

static void
bp_drain_port(uint16_t port)
{
	struct rte_mbuf *m[BP_BURST];
	uint16_t n;

	while ((n = rte_eth_rx_burst(port, 0, m, BP_BURST)) > 0)
		rte_pktmbuf_free_bulk(m, n);
}

static void
bp_contexts_destroy(void)
{
	unsigned int i;

	if (P.px != NULL && !P.mem)
		bp_print_stats();
	if (P.c.cc != NULL)
		for (i = 0; i < P.c.nb_cc; i++) {
			if (P.c.cc[i].s != NULL && P.c.ctx != NULL)
				tern_tcp_close(P.c.cc[i].s);
			P.c.cc[i].s = NULL;
		}
	relay_destroy(P.r);		/* the pairs reset, what they hold freed */
	P.r = NULL;
	if (P.px != NULL)
		tern_ctx_flush(P.px);
	tern_ctx_destroy(P.c.ctx);
	tern_ctx_destroy(P.px);
	tern_ctx_destroy(P.s.ctx);
	P.c.ctx = P.px = P.s.ctx = NULL;
	P.pl = NULL;
	memset(P.sl, 0, sizeof(P.sl));
	bp_drain_port(P.a.port_s);
	bp_drain_port(P.a.port_g);
	bp_drain_port(P.b.port_s);
	bp_drain_port(P.b.port_g);
}

/* The client's connection state, for nb connections (slots free for crr). */
static int
bp_client_state(unsigned int nb)
{
	unsigned int i;

	free(P.c.cc);
	free(P.c.free_slot);
	P.c.nb_cc = nb;
	P.c.cc = calloc(nb, sizeof(*P.c.cc));
	P.c.free_slot = calloc(nb, sizeof(*P.c.free_slot));
	if (P.c.cc == NULL || P.c.free_slot == NULL)
		return -ENOMEM;
	P.c.nb_free = 0;
	P.c.kind = P.mem ? BTC_HOLD : P.kind == BP_CRR ? BTC_CRR : P.kind == BP_RR ? BTC_RR :
		BTC_STREAM;
	P.c.remote = P.ip_s;
	P.c.port0 = BP_PORT;
	P.c.nb_ports = P.nb_ports;
	P.c.hold_window = BP_MEM_WINDOW;
	P.c.hold_total = nb;
	P.c.size = P.size;
	P.s.lst = P.sl;
	P.s.nb_lst = P.nb_ports;
	P.s.sink = P.kind == BP_STREAM;
	P.s.hold = P.mem;
	if (P.c.kind == BTC_CRR)
		for (i = 0; i < nb; i++)
			P.c.free_slot[P.c.nb_free++] = nb - 1 - i;
	P.c.inflight = P.c.established = 0;
	P.c.issued = 0;
	P.c.ops = P.c.errors = 0;
	P.s.accepted = P.s.bytes = P.s.errors = 0;
	return 0;
}

/* All three on this lcore, until the client has @want connections up through the proxy. */
static int
bp_open(unsigned int want)
{
	uint64_t hz = rte_get_tsc_hz(), start = rte_rdtsc(), last = start;
	uint64_t seen = 0;
	unsigned int i;

	if (!P.mem) {
		P.c.drain = true;		/* no data yet */
		for (i = 0; i < want; i++) {
			P.c.cc[i].s = btc_connect(&P.c, i, BP_PORT);
			if (P.c.cc[i].s == NULL)
				return -rte_errno;
		}
	}
	while (P.c.established < want || P.s.accepted < want || P.r->st.connected < want) {
		cli_round();
		px_round();
		srv_round();
		if (P.c.established + P.s.accepted != seen) {
			seen = P.c.established + P.s.accepted;
			last = rte_rdtsc();
		} else if (rte_rdtsc() - last > 5 * hz) {
			fprintf(stderr, "tern-bench: %s: %u of %u connections up through the "
				"proxy (server %lu, relay %lu, %lu client errors) after %.1f s\n",
				bp_names[P.kind], P.c.established, want,
				(unsigned long)P.s.accepted, (unsigned long)P.r->st.connected,
				(unsigned long)P.c.errors,
				(double)(rte_rdtsc() - start) / (double)hz);
			return -ETIMEDOUT;
		}
	}
	/* the handshakes' last ACKs and the delayed ACKs: 60 ms more */
	start = rte_rdtsc();
	while (rte_rdtsc() - start < hz / 16) {
		cli_round();
		px_round();
		srv_round();
	}
	P.c.drain = false;
	return 0;
}

/*
 * Memory of @nb idle proxied connections (see the top of the file), through
 * fresh contexts, the proxy's on its own heap: *@total is the proxy heap's
 * use with them open less its use before the context was made, plus the
 * relay's malloc.
 */
static int
bp_memory(unsigned int nb, double *total)
{
	struct rte_mempool *mp0 = tern_dev_pool(P.dev_p0, (int)rte_socket_id());
	struct rte_mempool *mp1 = tern_dev_pool(P.dev_p1, (int)rte_socket_id());
	size_t h0, h_ctx, h1, h2, relay_b, tcb;
	unsigned int mb0, mb1, nconns, a_ctx, a1;
	struct mallinfo2 mi0, mi1;
	enum bp_kind kind = P.kind;
	uint64_t t0, hz = rte_get_tsc_hz();
	int ret;

	P.mem = true;
	P.kind = BP_RR;		/* NODELAY; no data is sent */
	P.nb_ports = BP_MEM_PORTS;
	ret = bp_client_state(nb);
	if (ret != 0)
		goto out;
	h0 = bench_heap_used(&P.heap);
	mi0 = mallinfo2();
	ret = bp_contexts();
	mi1 = mallinfo2();
	if (ret != 0)
		goto out;
	/* calloc of large arrays is mmap()ed: hblkhd */
	relay_b = mi1.uordblks + mi1.hblkhd - mi0.uordblks - mi0.hblkhd;
	h_ctx = bench_heap_used(&P.heap);
	a_ctx = bench_heap_allocs(&P.heap);
	mb0 = rte_mempool_in_use_count(mp0) + rte_mempool_in_use_count(mp1);
	t0 = rte_rdtsc();
	ret = bp_open(P.c.nb_cc);
	if (ret != 0)
		goto out;
	h1 = bench_heap_used(&P.heap);
	a1 = bench_heap_allocs(&P.heap);
	mb1 = rte_mempool_in_use_count(mp0) + rte_mempool_in_use_count(mp1);
	nconns = tern_tcp_nb_conns(P.px);
	tern_tcp_record_sizes(&tcb, NULL, NULL);
	*total = (double)(h1 - h0) + (double)relay_b;
	printf("memory: %u idle connections through the proxy, opened in %.2f s; the proxy "
	       "context's heap %zu B made (tables sized for them), %zu B with them open; the "
	       "relay's malloc %zu B; %.1f B per proxied connection in all (both legs), %.1f B "
	       "on top of the empty context and relay (%u control blocks of %zu B in the proxy, "
	       "the listener among them; rte_malloc elements %u -> %u); the proxy's mbufs in "
	       "use %u -> %u\n", P.c.nb_cc, (double)(rte_rdtsc() - t0) / (double)hz, h_ctx - h0,
	       h1 - h0, relay_b, *total / P.c.nb_cc, (double)(h1 - h_ctx) / (double)P.c.nb_cc,
	       nconns, tcb, a_ctx, a1, mb0, mb1);
	bp_contexts_destroy();
	h2 = bench_heap_used(&P.heap);
	if (h2 != h0)
		fprintf(stderr, "tern-bench: the proxy heap holds %zd B more after "
			"tern_ctx_destroy() than before the context\n", (ssize_t)(h2 - h0));
out:
	if (ret != 0) {
		fprintf(stderr, "tern-bench: memory pass: %s\n", strerror(-ret));
		bp_contexts_destroy();
	}
	P.mem = false;
	P.kind = kind;
	P.nb_ports = 1;
	return ret;
}

static int
bp_setup(const struct bench_opts *o)
{
	struct tern_dev_param dp = { .nb_mbufs = 16383, .no_offload = o->sw };
	size_t tcb;
	unsigned int i;
	int ret;

	memset(&P, 0, sizeof(P));
	for (i = 0; i < RTE_DIM(bp_names); i++)
		if (strcmp(o->workload, bp_names[i]) == 0)
			P.kind = (enum bp_kind)i;
	if (strcmp(o->wire, "ring") != 0) {
		fprintf(stderr, "tern-bench: the proxy workloads run over --wire ring only\n");
		return -EINVAL;
	}
	P.stats = o->stats;
	P.size = o->size;
	if (P.size > sizeof(P.c.req)) {
		fprintf(stderr, "tern-bench: --size up to %zu for TCP\n", sizeof(P.c.req));
		return -EINVAL;
	}
	P.window = o->window;
	P.conns = o->conns;
	P.nb_ports = 1;
	memset(P.c.req, 'q', sizeof(P.c.req));
	if ((ret = bench_ring_pair(&P.a, "bpa", BP_RING)) != 0 ||
	    (ret = bench_ring_pair(&P.b, "bpb", BP_RING)) != 0)
		return ret;
	P.dev_p0 = tern_dev_create(P.a.port_s, &dp);
	P.dev_c = tern_dev_create(P.a.port_g, &dp);
	P.dev_p1 = tern_dev_create(P.b.port_s, &dp);
	P.dev_s = tern_dev_create(P.b.port_g, &dp);
	if (P.dev_p0 == NULL || P.dev_c == NULL || P.dev_p1 == NULL || P.dev_s == NULL)
		return -ENODEV;
	ret = bp_nets();
	if (ret != 0)
		return ret;
	tern_tcp_record_sizes(&tcb, NULL, NULL);
	/* both legs of each and the context's tables, touched only as used */
	ret = bench_heap_create(&P.heap, BP_HEAP_NAME,
				(size_t)BENCH_PROXY_MEM_CONNS * 2 * (tcb + 1024) + (256ul << 20));
	return ret;
}

/* The workload's contexts and client state; rr and stream open their connections. */
static int
bp_workload_up(void)
{
	int ret;

	ret = bp_client_state(P.kind == BP_CRR ? P.window : P.kind == BP_RR ? P.conns : 1);
	if (ret != 0)
		return ret;
	ret = bp_contexts();
	if (ret != 0)
		return ret;
	if (P.kind == BP_RR)
		return bp_open(P.conns);
	if (P.kind == BP_STREAM)
		return bp_open(1);
	return 0;
}

static void
bp_teardown(void)
{
	bp_contexts_destroy();
	tern_net_destroy(P.net_c);
	tern_net_destroy(P.net_p);
	tern_net_destroy(P.net_s);
	tern_dev_destroy(P.dev_c);
	tern_dev_destroy(P.dev_p0);
	tern_dev_destroy(P.dev_p1);
	tern_dev_destroy(P.dev_s);
	rte_ring_free(P.a.r_gs);
	rte_ring_free(P.a.r_sg);
	rte_ring_free(P.b.r_gs);
	rte_ring_free(P.b.r_sg);
	bench_heap_destroy(&P.heap);
	free(P.c.cc);
	free(P.c.free_slot);
}

/* ---------------------------------------------------------------------- */
/* Runs */

/* Nothing in flight: the client's work done and the proxy holding nothing. */
static bool
bp_idle(void)
{
	if (P.kind == BP_CRR)
		return P.c.inflight == 0 && P.r->nb_active == 0;
	if (P.kind == BP_RR)
		return P.c.inflight == 0 && px_held() == 0;
	return px_held() == 0 &&
	       (P.c.cc[0].s == NULL || tern_tcp_tx_space(P.c.cc[0].s) >= P.c.tx_idle);
}

/*
 * All three on this lcore, beginning nothing new, until nothing is in flight,
 * then 60 ms more (closing handshakes, delayed ACKs). At most 2 s.
 */
static void
bp_drain(void)
{
	uint64_t hz = rte_get_tsc_hz(), start = rte_rdtsc(), idle_at = 0;

	P.c.drain = true;
	while (rte_rdtsc() - start < 2 * hz) {
		cli_round();
		px_round();
		srv_round();
		if (idle_at == 0 && bp_idle())
			idle_at = rte_rdtsc();
		if (idle_at != 0 && rte_rdtsc() - idle_at > hz / 16)
			break;
	}
	if (!bp_idle())
		fprintf(stderr, "tern-bench: %s: still in flight after 2 s (client %u, proxy "
			"pairs %u, %lu bytes held)\n", bp_names[P.kind], P.c.inflight,
			P.r->nb_active, (unsigned long)px_held());
	P.c.drain = false;
}

static int
bp_run(const struct bench_opts *o, struct bench_run *r)
{
	uint64_t hz = rte_get_tsc_hz(), start, t, t0 = 0, end = 0;
	uint64_t b_cli = 0, b_bytes = 0, b_err = 0;
	uint64_t limit = hz * BP_ROUND_MAX_US / 1000000;
	uint64_t cyc = 0, units = 0, all_cyc = 0, all_units = 0, rounds = 0, cut = 0;
	unsigned int worker = rte_get_next_lcore(-1, 1, 0), n;
	double dt, unit;

	if (!o->single && worker >= RTE_MAX_LCORE) {
		fprintf(stderr, "tern-bench: needs two lcores (EAL -l 0-1), or --single\n");
		return -EINVAL;
	}
	P.stop = false;
	P.c.drain = false;
	P.c.kick = true;
	if (!o->single)
		rte_eal_remote_launch(ends_loop, NULL, worker);
	start = rte_rdtsc();
	for (;;) {
		uint64_t a, b, u;

		if (o->single) {
			cli_round();
			srv_round();
		}
		u = px_units();
		a = rte_rdtsc();
		n = px_round();
		b = rte_rdtsc();
		if (t0 == 0) {
			if (b - start >= (uint64_t)(o->seconds * 0.1 * (double)hz)) {
				t0 = b;
				b_cli = P.c.ops;
				b_bytes = P.s.bytes;
				b_err = P.c.errors + P.s.errors;
				end = t0 + (uint64_t)(o->seconds * (double)hz);
			}
			continue;
		}
		if (n > 0) {
			rounds++;
			all_cyc += b - a;
			all_units += px_units() - u;
			if (b - a > limit) {
				cut++;
			} else {
				cyc += b - a;
				units += px_units() - u;
			}
		}
		if (b >= end)
			break;
	}
	t = rte_rdtsc();
	P.stop = true;
	if (!o->single)
		rte_eal_wait_lcore(worker);
	/* read after the worker stopped: its counters are plain */
	r->ops = P.kind == BP_STREAM ? (P.s.bytes - b_bytes) / BENCH_TCP_STREAM_OP :
		 P.c.ops - b_cli;
	r->drops = P.c.errors + P.s.errors - b_err;
	dt = (double)(t - t0) / (double)hz;
	/* the proxy's units per op: a pair, a request both ways, 64 KiB */
	unit = P.kind == BP_CRR ? 1 : P.kind == BP_RR ? 2.0 * P.size : BENCH_TCP_STREAM_OP;
	r->cycles_per_op = units ? (double)cyc * unit / (double)units : 0;
	r->cycles_per_op_all = all_units ? (double)all_cyc * unit / (double)all_units : 0;
	r->rounds = rounds;
	r->rounds_cut = cut;
	if (P.kind == BP_STREAM) {
		r->gbps = (double)(P.s.bytes - b_bytes) * 8 / dt / 1e9;
		r->cycles_per_byte = units ? (double)cyc / (double)units : 0;
		r->ops_per_s = (double)(P.s.bytes - b_bytes) / BENCH_TCP_STREAM_OP / dt;
	} else {
		r->ops_per_s = (double)r->ops / dt;
	}
	bp_drain();
	return 0;
}

int
bench_proxy(const struct bench_opts *o, uint64_t hz)
{
	double ops[64], cyc[64], gbps[64], cpb[64], kops[64], kgbps[64];
	struct bench_opts ko = *o;
	double bpc = 0, m_ops, m_kops, mem1 = 0, mem2 = 0;
	const unsigned int n1 = BENCH_PROXY_MEM_CONNS / 5, n2 = BENCH_PROXY_MEM_CONNS;
	const char *what;
	int i, ret;

	ret = bp_setup(o);
	/*
	 * At two sizes: the growth from one to the other per connection is
	 * what each costs, the tables sized for the count included and the
	 * context's fixed part (event queue, segment pool, ...) left out.
	 */
	if (ret == 0)
		ret = bp_memory(n1, &mem1);
	if (ret == 0)
		ret = bp_memory(n2, &mem2);
	if (ret == 0) {
		bpc = (mem2 - mem1) / (n2 - n1);
		printf("memory: %.1f B per proxied connection from %u to %u (bytes_per_conn): "
		       "%.0f B -> %.0f B in all, both legs, the relay's pairs and the tables "
		       "sized for them\n", bpc, n1, n2, mem1, mem2);
	}
	if (ret == 0)
		ret = bp_workload_up();
	if (ret != 0) {
		fprintf(stderr, "tern-bench: %s: set-up failed: %s\n", o->workload, strerror(-ret));
		bp_teardown();
		return 1;
	}
	ko.workload = bp_kernel[P.kind];
	what = P.kind == BP_CRR ? "connections/s" : P.kind == BP_RR ? "requests/s" : "64 KiB/s";
	for (i = 0; i < (int)o->runs; i++) {
		struct bench_run r = { 0 }, k = { 0 };

		ret = bp_run(o, &r);
		if (ret != 0)
			break;
		ops[i] = r.ops_per_s;
		cyc[i] = r.cycles_per_op;
		gbps[i] = r.gbps;
		cpb[i] = r.cycles_per_byte;
		kops[i] = kgbps[i] = 0;
		if (!o->no_kernel && bench_kernel_tcp(&ko, &k) == 0) {
			kops[i] = k.ops_per_s;
			kgbps[i] = k.gbps;
		}
		if (P.kind == BP_STREAM)
			printf("run %d: through the proxy %.3f Gbit/s, %.3f cycles/byte (%.0f cycles/"
			       "64 KiB) on the proxy core, %lu errors; kernel direct tcp-stream "
			       "%.3f Gbit/s\n", i + 1, gbps[i], cpb[i], cyc[i],
			       (unsigned long)r.drops, kgbps[i]);
		else
			printf("run %d: through the proxy %.0f %s, %.1f cycles/%s on the proxy "
			       "core, %lu errors; kernel direct %s %.0f %s\n", i + 1, ops[i], what,
			       cyc[i], P.kind == BP_CRR ? "connection" : "request",
			       (unsigned long)r.drops, ko.workload, kops[i], what);
		printf("       proxy rounds longer than 200 us (vCPU taken away): %lu of %lu, "
		       "left out; with them %.1f cycles/op\n", (unsigned long)r.rounds_cut,
		       (unsigned long)r.rounds, r.cycles_per_op_all);
		fflush(stdout);
	}
	bp_teardown();
	if (ret != 0) {
		fprintf(stderr, "tern-bench: run failed: %s\n", strerror(-ret));
		return 1;
	}
	m_ops = bench_median(ops, o->runs);
	m_kops = bench_median(kops, o->runs);
	if (P.kind == BP_STREAM)
		printf("median: through the proxy %.3f Gbit/s, %.3f cycles/byte on the proxy core; "
		       "kernel direct %.3f Gbit/s\n", bench_median(gbps, o->runs),
		       bench_median(cpb, o->runs), bench_median(kgbps, o->runs));
	else
		printf("median: through the proxy %.0f %s, %.1f cycles/op on the proxy core; "
		       "kernel direct %.0f %s\n", m_ops, what, bench_median(cyc, o->runs), m_kops,
		       what);
	printf("RESULT workload=%s ops_per_s=%.0f cycles_per_op=%.1f tsc_hz=%lu "
	       "kernel_ops_per_s=%.0f ratio=%.2f bytes_per_conn=%.0f", o->workload, m_ops,
	       bench_median(cyc, o->runs), (unsigned long)hz, m_kops,
	       m_kops > 0 ? m_ops / m_kops : 0, bpc);
	if (P.kind == BP_STREAM)
		printf(" gbps=%.3f cycles_per_byte=%.3f kernel_gbps=%.3f",
		       bench_median(gbps, o->runs), bench_median(cpb, o->runs),
		       bench_median(kgbps, o->runs));
	printf("\n");
	return 0;
}
