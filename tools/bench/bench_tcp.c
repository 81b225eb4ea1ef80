/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * TCP through tern: a client context on the worker lcore and a server
 * context on the main lcore, each a whole stack (device, tern_net,
 * context), wired by an in-process ring pair (rte_eth_from_rings: pointer
 * moves only, every checksum in software). Both sides use the stream API
 * of tern_tcp.h. With --single the client and the server take turns on the
 * main lcore.
 *
 *  tcp-crr     the client keeps --window connections going; each one is
 *              connect, a --size byte request, the --size byte response
 *              (the server echoes it), close. An op is one connection.
 *  tcp-rr      --conns open connections, one --size byte request in flight
 *              on each; the server echoes. An op is one request answered.
 *  tcp-stream  one connection; the client queues MSS-sized mbufs as fast as
 *              its send buffer takes them (zero copy), the server reads and
 *              frees them. An op is 64 KiB received. --offload on (tern's
 *              default): the send queue leaves in entries of up to tso_max
 *              (64,000) bytes, which tern cuts into MSS-sized packets itself
 *              (the ring ports have no TSO), and the server coalesces each
 *              burst's in-order segments (GRO) before TCP input; off: both
 *              contexts with TERN_TCP_CFG_NO_TSO | TERN_TCP_CFG_NO_GRO, one
 *              MSS per entry and per TCP input.
 *  tcp-conns   the client opens --conns connections, --window handshakes at
 *              a time, and leaves them idle. An op is a connection accepted.
 *              The server context lives on a malloc heap of its own (an
 *              external rte_malloc heap), so its memory is counted exactly:
 *              bytes_per_conn is that heap's use with the connections open,
 *              less its use before the context was made, over --conns.
 *
 * cycles_per_op: TSC cycles of the server's loop rounds that did work (a
 * packet received or an event taken: rx burst, TCP input, the
 * application's calls, output, tx burst), over the operations the server
 * saw in the measured time; idle rounds are not counted.
 *
 * Ports and TIME_WAIT in tcp-crr: the client closes first, so TIME_WAIT is
 * on the client. tern has 28,232 ephemeral ports per remote address and
 * port; with TIME_WAIT held 2 MSL (60 s) they would run out in a fraction
 * of a second. The client context therefore holds at most 4,096 TIME_WAIT
 * records (timewait_max): each new one releases the oldest early
 * (tcp_tw_recycled), and a port whose record is gone is free again, so the
 * ephemeral counter always finds a free port. The server, the measured
 * side, closes passively and holds no TIME_WAIT. This keeps the 2 MSL of
 * the protocol untouched and costs the client a record per connection, as a
 * Linux client with tcp_tw_reuse pays for its own.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include <tern/tern.h>

#include "bench.h"
#include "bench_tcp_ends.h"
#include "bench_stack.h"

#define TB_BURST	32
#define TB_PORT		5000		/* first listening port */
#define TB_MAX_LISTEN	64
#define TB_RING		8192
#define TB_PORTS_PER_REMOTE 28000	/* a little under tern's 28,232 ephemeral ports */
#define TB_CLI_TW	4096		/* tcp-crr: the client's TIME_WAIT records */
#define TB_HEAP_NAME	"tern_bench_srv"

enum tb_kind { TB_CRR, TB_RR, TB_STREAM, TB_CONNS };

static const char *const tb_names[] = {
	[TB_CRR] = "tcp-crr", [TB_RR] = "tcp-rr", [TB_STREAM] = "tcp-stream",
	[TB_CONNS] = "tcp-conns",
};

static struct {
	enum tb_kind kind;
	unsigned int size, window, conns, nb_listen;
	bool sw;
	bool stats;		/* --stats */
	const struct rte_eth_rxtx_callback *rx_trust;	/* --trust-rx-cksum */
	bool no_offload;	/* tcp-stream: NO_TSO | NO_GRO on both contexts */
	struct rte_ring *r_cs, *r_sc;
	uint16_t port_s, port_c;
	struct tern_dev *dev_s, *dev_c;
	struct tern_net *net_s, *net_c;
	tern_ip4_t ip_s, ip_c;
	struct tern_tcp_stream *lst[TB_MAX_LISTEN];
	/* server (main lcore) */
	struct bts s;
	/* client (worker lcore, or the main one with --single or between runs) */
	struct btc c;
	volatile uint64_t cli_busy;	/* the client's busy cycles (cli_round_timed) */
	volatile bool stop;
	void (*cli_extra)(void);	/* syn-flood: the generator, after each client round */
	/* tcp-conns: the server context's own heap */
	struct bench_heap heap;
	/* crr, rr, stream: the rounds of the steady loop that began with packets to take */
	uint64_t rx_rounds, rx_units;
} T;

bool
bench_is_tcp(const char *workload)
{
	unsigned int i;

	if (strcmp(workload, "syn-flood") == 0)
		return true;	/* tcp-crr with a flood beside it (bench_synflood.c) */
	for (i = 0; i < RTE_DIM(tb_names); i++)
		if (strcmp(workload, tb_names[i]) == 0)
			return true;
	return false;
}

static uint32_t
pow2_at_least(uint32_t v, uint32_t min)
{
	return rte_align32pow2(RTE_MAX(v, min));
}

/* ---------------------------------------------------------------------- */
/* Server */

/* One server round. @return packets received plus events taken (0: idle). */
static __attribute__((noinline)) unsigned int
srv_round(void)
{
	return bts_round(&T.s);
}

/*
 * The same round, called by the measured loop when the server's rx ring
 * held packets as the round began: callgrind counts only these
 * (tools/bench-callgrind.sh, --toggle-collect='srv_round_rx*'), so the
 * idle polling rounds, as many as the load of the machine makes them, do
 * not move the instructions per operation.
 */
static __attribute__((noinline)) unsigned int
srv_round_rx(void)
{
	return srv_round();
}

/* ---------------------------------------------------------------------- */
/* Client */

/*
 * One client round. @return packets received, events taken and mbufs queued (0: idle).
 * Not inlined: tools/bench-synflood-callgrind.sh counts inside it.
 */
static __attribute__((noinline)) unsigned int
cli_round(void)
{
	return btc_round(&T.c);
}

/*
 * A client round; tcp-stream: its cycles added to T.cli_busy when it did
 * work. None is left out: one ACK can let the client send hundreds of
 * segments in a round that is then longer than the server's 200 us, vCPU
 * taken away or not.
 */
static void
cli_round_timed(void)
{
	uint64_t a;

	if (T.kind != TB_STREAM) {
		cli_round();
		if (T.cli_extra != NULL)
			T.cli_extra();
		return;
	}
	a = rte_rdtsc();
	if (cli_round() != 0)
		T.cli_busy += rte_rdtsc() - a;
}

static int
cli_loop(void *arg)
{
	RTE_SET_USED(arg);
	while (!T.stop)
		cli_round_timed();
	return 0;
}

/* Nothing of the client's in flight. */
static bool
cli_idle(void)
{
	if (T.kind == TB_STREAM)
		return T.c.cc[0].s == NULL || !T.c.cc[0].up ||
		       tern_tcp_tx_space(T.c.cc[0].s) >= T.c.tx_idle;
	return T.c.inflight == 0;
}

/*
 * Both sides on this lcore, beginning nothing new, until what is in flight
 * is done, then 60 ms more for the closing handshakes and the delayed ACKs
 * (40 ms): nothing is left unacknowledged to time out while the kernel
 * baseline runs. At most 2 s.
 */
static void
drain(void)
{
	uint64_t hz = rte_get_tsc_hz(), start = rte_rdtsc(), idle_at = 0;

	T.c.drain = true;
	while (rte_rdtsc() - start < 2 * hz) {
		cli_round();
		srv_round();
		if (idle_at == 0 && cli_idle())
			idle_at = rte_rdtsc();
		if (idle_at != 0 && rte_rdtsc() - idle_at > hz / 16)
			break;
	}
	if (!cli_idle())
		fprintf(stderr, "tern-bench: %s: %u still in flight after 2 s\n",
			tb_names[T.kind], T.c.inflight);
	T.c.drain = false;
}

/* ---------------------------------------------------------------------- */
/* Set-up */

/*
 * --trust-rx-cksum: the server's frames marked as a NIC that checks IP and
 * TCP checksums marks good ones (the stack then sums no received byte).
 */
static uint16_t
tb_rx_trust(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t n, uint16_t max,
	    void *arg)
{
	const uint64_t mask = RTE_MBUF_F_RX_IP_CKSUM_MASK | RTE_MBUF_F_RX_L4_CKSUM_MASK;
	uint16_t i;

	RTE_SET_USED(port);
	RTE_SET_USED(queue);
	RTE_SET_USED(max);
	RTE_SET_USED(arg);
	for (i = 0; i < n; i++)
		pkts[i]->ol_flags = (pkts[i]->ol_flags & ~mask) | RTE_MBUF_F_RX_IP_CKSUM_GOOD |
			RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	return n;
}

static int
tb_ring_ports(void)
{
	int socket = (int)rte_socket_id(), ps, pc;

	T.r_cs = rte_ring_create("tbt_cs", TB_RING, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	T.r_sc = rte_ring_create("tbt_sc", TB_RING, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (T.r_cs == NULL || T.r_sc == NULL)
		return -ENOMEM;
	ps = rte_eth_from_rings("tbt_srv", &T.r_cs, 1, &T.r_sc, 1, socket);
	pc = rte_eth_from_rings("tbt_cli", &T.r_sc, 1, &T.r_cs, 1, socket);
	if (ps < 0 || pc < 0)
		return -ENODEV;
	T.port_s = (uint16_t)ps;
	T.port_c = (uint16_t)pc;
	return 0;
}

static struct tern_net *
tb_net(struct tern_dev *dev, tern_ip4_t self, tern_ip4_t peer, struct tern_dev *peer_dev)
{
	struct tern_net *net = tern_net_create(NULL);

	if (net == NULL || tern_net_iface_add(net, dev, 0) != 0 ||
	    tern_net_addr4_add(net, 0, self, 24) != 0 ||
	    /* static neighbor: no ARP in the measurement */
	    tern_net_neigh4_set(net, 0, peer, tern_dev_mac(peer_dev)) != 0) {
		tern_net_destroy(net);
		return NULL;
	}
	return net;
}

/* Make both contexts, with TCP settings sized for the workload, and the listeners. */
static int
tb_contexts(void)
{
	struct tern_tcp_config sc = { 0 }, cc = { 0 };
	struct tern_ctx_param sp = { 0 }, cp = { 0 };
	uint32_t evq;
	unsigned int i;

	switch (T.kind) {
	case TB_CRR:
		/* connecting, established, closing: a few windows' worth */
		sc.max_conns = cc.max_conns = 4 * T.window + 1024;
		sc.syncache_size = pow2_at_least(2 * T.window, 256);
		sc.timewait_max = 64;		/* passive close: none used */
		cc.timewait_max = TB_CLI_TW;	/* see the top of the file */
		break;
	case TB_RR:
		sc.max_conns = cc.max_conns = T.conns + 64;
		sc.syncache_size = pow2_at_least(T.conns, 256);
		sc.timewait_max = cc.timewait_max = 64;
		break;
	case TB_STREAM:
		sc.max_conns = cc.max_conns = 64;
		sc.syncache_size = 64;
		sc.timewait_max = cc.timewait_max = 64;
		if (T.no_offload)
			sc.flags = cc.flags = TERN_TCP_CFG_NO_TSO | TERN_TCP_CFG_NO_GRO;
		break;
	case TB_CONNS:
		sc.max_conns = T.conns + T.nb_listen + 64;
		cc.max_conns = T.conns + 64;
		sc.syncache_size = pow2_at_least(2 * T.window, 256);
		sc.timewait_max = cc.timewait_max = 64;
		break;
	}
	cc.syncache_size = 64;		/* the client does not listen */
	/* a few events per connection that can be busy at once */
	evq = pow2_at_least(4 * (T.kind == TB_RR ? T.conns : T.window), 4096);
	sp.net = T.net_s;
	sp.tcp = &sc;
	sp.event_queue_size = evq;
	sp.socket_id = T.kind == TB_CONNS ? T.heap.socket : (int)rte_socket_id();
	cp.net = T.net_c;
	cp.tcp = &cc;
	cp.event_queue_size = evq;
	cp.socket_id = (int)rte_socket_id();
	T.s.ctx = tern_ctx_create(&sp);
	if (T.s.ctx == NULL)
		return -rte_errno;
	for (i = 0; i < T.nb_listen; i++) {
		struct tern_tcp_param lp = { 0 };

		lp.local.family = 4;
		lp.local.port = rte_cpu_to_be_16((uint16_t)(TB_PORT + i));
		lp.flags = T.kind == TB_CRR || T.kind == TB_RR ? TERN_TCP_F_NODELAY : 0;
		lp.backlog = 2 * RTE_MAX(T.window, T.kind == TB_RR ? T.conns : 0) + 64;
		T.lst[i] = tern_tcp_listen(T.s.ctx, &lp);
		if (T.lst[i] == NULL)
			return -rte_errno;
	}
	T.c.ctx = tern_ctx_create(&cp);
	if (T.c.ctx == NULL)
		return -rte_errno;
	return 0;
}

/* Free what sits in the rings (contexts gone or stopped). */
static void
tb_drain_rings(void)
{
	struct rte_mbuf *m[TB_BURST];
	uint16_t n;

	while ((n = rte_eth_rx_burst(T.port_s, 0, m, TB_BURST)) > 0)
		rte_pktmbuf_free_bulk(m, n);
	while ((n = rte_eth_rx_burst(T.port_c, 0, m, TB_BURST)) > 0)
		rte_pktmbuf_free_bulk(m, n);
}

/* --stats: the non-zero counters of both contexts. */
static void
tb_print_stats(void)
{
	struct tern_stats ss, cs;
	unsigned int i;

	if (!T.stats || T.s.ctx == NULL || T.c.ctx == NULL)
		return;
	tern_ctx_stats(T.s.ctx, &ss);
	tern_ctx_stats(T.c.ctx, &cs);
	if (T.kind == TB_STREAM)
		printf("  counters of the contexts with offload %s:\n", T.no_offload ? "off" : "on");
	printf("  %-28s %14s %14s\n", "counter", "server", "client");
	for (i = 0; i < TERN_STATS_COUNT; i++)
		if (tern_stats_value(&ss, i) != 0 || tern_stats_value(&cs, i) != 0)
			printf("  %-28s %14lu %14lu\n", tern_stats_name(i),
			       (unsigned long)tern_stats_value(&ss, i),
			       (unsigned long)tern_stats_value(&cs, i));
}

static void
tb_contexts_destroy(void)
{
	tb_print_stats();
	tern_ctx_destroy(T.c.ctx);
	tern_ctx_destroy(T.s.ctx);
	T.c.ctx = NULL;
	T.s.ctx = NULL;
	memset(T.lst, 0, sizeof(T.lst));
	tb_drain_rings();
}

/* Both sides on this lcore until @want client connections are up (rr, stream). */
static int
tb_open(unsigned int want)
{
	uint64_t hz = rte_get_tsc_hz(), start = rte_rdtsc();
	unsigned int i;

	T.c.drain = true;		/* rr and stream: no data yet */
	for (i = 0; i < want; i++) {
		T.c.cc[i].s = btc_connect(&T.c, i, TB_PORT);
		if (T.c.cc[i].s == NULL)
			return -rte_errno;
	}
	while (T.c.established < want || T.s.accepted < want) {
		cli_round();
		srv_round();
		if (rte_rdtsc() - start > 5 * hz) {
			fprintf(stderr, "tern-bench: %u of %u connections up after 5 s\n",
				T.c.established, want);
			return -ETIMEDOUT;
		}
	}
	T.c.drain = false;
	return 0;
}

int
bench_tcp_setup(const struct bench_opts *o)
{
	struct tern_dev_param dp = { .nb_mbufs = 16383, .no_offload = o->sw };
	unsigned int i;
	int ret;

	memset(&T, 0, sizeof(T));
	for (i = 0; i < RTE_DIM(tb_names); i++)
		if (strcmp(o->workload, tb_names[i]) == 0)
			T.kind = (enum tb_kind)i;
	if (strcmp(o->workload, "syn-flood") == 0)
		T.kind = TB_CRR;
	if (strcmp(o->wire, "ring") != 0) {
		fprintf(stderr, "tern-bench: the TCP workloads run over --wire ring only\n");
		return -EINVAL;
	}
	T.stats = o->stats;
	T.no_offload = o->offload == BENCH_OFFLOAD_OFF || o->offload == BENCH_OFFLOAD_BOTH;
	T.size = o->size;
	if (T.size > sizeof(T.c.req)) {
		fprintf(stderr, "tern-bench: --size up to %zu for TCP\n", sizeof(T.c.req));
		return -EINVAL;
	}
	T.window = o->window ? o->window :
		   T.kind == TB_CONNS ? BENCH_TCP_OPEN_WINDOW : BENCH_TCP_CRR_WINDOW;
	T.conns = o->conns ? o->conns :
		  T.kind == TB_CONNS ? BENCH_TCP_CONNS : BENCH_TCP_RR_CONNS;
	T.nb_listen = 1;
	if (T.kind == TB_CONNS) {
		/*
		 * One listening port per 28,000 connections; an odd number of
		 * them, so that round-robin over the ports and the client's
		 * port counter (28,232 ports) never repeat a pair.
		 */
		T.nb_listen = (T.conns + TB_PORTS_PER_REMOTE - 1) / TB_PORTS_PER_REMOTE;
		if (T.nb_listen > 1 && T.nb_listen % 2 == 0)
			T.nb_listen++;
		if (T.nb_listen > TB_MAX_LISTEN)
			return -EINVAL;
	}
	memset(T.c.req, 'q', sizeof(T.c.req));
	T.c.nb_cc = T.kind == TB_CRR ? T.window : T.kind == TB_RR ? T.conns :
		  T.kind == TB_STREAM ? 1 : T.conns;
	T.c.cc = calloc(T.c.nb_cc, sizeof(*T.c.cc));
	T.c.free_slot = calloc(T.c.nb_cc, sizeof(*T.c.free_slot));
	if (T.c.cc == NULL || T.c.free_slot == NULL)
		return -ENOMEM;
	T.c.kind = T.kind == TB_CRR ? BTC_CRR : T.kind == TB_RR ? BTC_RR :
		   T.kind == TB_STREAM ? BTC_STREAM : BTC_HOLD;
	T.c.port0 = TB_PORT;
	T.c.nb_ports = T.nb_listen;
	T.c.hold_window = T.window;
	T.c.hold_total = T.conns;
	T.c.size = T.size;
	T.s.lst = T.lst;
	T.s.nb_lst = T.nb_listen;
	T.s.sink = T.kind == TB_STREAM;
	T.s.hold = T.kind == TB_CONNS;
	if (T.kind == TB_CRR)
		for (i = 0; i < T.c.nb_cc; i++)
			T.c.free_slot[T.c.nb_free++] = T.c.nb_cc - 1 - i;
	ret = tb_ring_ports();
	if (ret != 0)
		return ret;
	T.dev_s = tern_dev_create(T.port_s, &dp);
	T.dev_c = tern_dev_create(T.port_c, &dp);
	if (T.dev_s == NULL || T.dev_c == NULL)
		return -ENODEV;
	if (o->trust_rx_cksum) {
		T.rx_trust = rte_eth_add_rx_callback(T.port_s, 0, tb_rx_trust, NULL);
		if (T.rx_trust == NULL)
			return -rte_errno;
	}
	if (T.stats) {
		char caps[256];

		printf("  ring ports' offloads in use: %s\n",
		       tern_dev_caps_str(tern_dev_caps(T.dev_s), caps, sizeof(caps)));
	}
	tern_ip4_parse("10.2.0.1", &T.ip_s, NULL);
	T.c.remote = T.ip_s;
	tern_ip4_parse("10.2.0.2", &T.ip_c, NULL);
	T.net_s = tb_net(T.dev_s, T.ip_s, T.ip_c, T.dev_c);
	T.net_c = tb_net(T.dev_c, T.ip_c, T.ip_s, T.dev_s);
	if (T.net_s == NULL || T.net_c == NULL)
		return -ENOMEM;
	if (T.kind == TB_CONNS) {
		size_t tcb, syn, tw;

		tern_tcp_record_sizes(&tcb, &syn, &tw);
		/* room for the connections and the context's tables, touched only as used */
		ret = bench_heap_create(&T.heap, TB_HEAP_NAME,
					(size_t)T.conns * (tcb + 1024) + (256ul << 20));
		if (ret != 0)
			return ret;
		return 0;	/* the contexts are made for each run */
	}
	ret = tb_contexts();
	if (ret != 0)
		return ret;
	if (T.kind == TB_RR)
		ret = tb_open(T.conns);
	else if (T.kind == TB_STREAM)
		ret = tb_open(1);
	return ret;
}

/*
 * syn-flood (bench_synflood.c): what a flood generator on the client's
 * lcore needs: the ring the server's port reads, the server's MAC, address
 * and port, its context and pool; and a hook run after each client round.
 * The server routes everything else through a gateway whose MAC nobody has
 * (@ft->gw_mac): its SYN-ACKs to spoofed sources leave for it, and an rx
 * callback on the client's port (@ft->cli_port) frees them before the
 * client's context sees them (bench_synflood.c).
 */
int
bench_tcp_flood_target(struct bench_flood_target *ft)
{
	static const struct rte_ether_addr gw_mac = { { 0x02, 0, 0, 0, 0, 0xfe } };
	tern_ip4_t gw;

	if (T.s.ctx == NULL)
		return -EINVAL;
	tern_ip4_parse("10.2.0.254", &gw, NULL);
	if (tern_net_neigh4_set(T.net_s, 0, gw, &gw_mac) != 0 ||
	    tern_net_route4_add(T.net_s, 0, 0, gw, 0) != 0)
		return -EINVAL;
	ft->ring = T.r_cs;
	ft->port = T.port_s;
	ft->cli_port = T.port_c;
	ft->mac = *tern_dev_mac(T.dev_s);
	ft->gw_mac = gw_mac;
	ft->ip = T.ip_s;
	ft->tcp_port = TB_PORT;
	ft->srv = T.s.ctx;
	ft->srv_pool = tern_dev_pool(T.dev_s, (int)rte_socket_id());
	return 0;
}

void
bench_tcp_set_cli_hook(void (*fn)(void))
{
	T.cli_extra = fn;
}

/* ---------------------------------------------------------------------- */
/* Runs */

/*
 * The server's busy cycles. A round handles at most one rx burst (32
 * packets) and 64 events: tens of microseconds. One that took longer than
 * TB_ROUND_MAX_US lost its vCPU to the host (the machines' vCPUs are
 * shared), so it is left out of cycles_per_op together with the work it
 * did; the run line shows how many and the figure with them.
 */
#define TB_ROUND_MAX_US	200

struct tb_busy {
	uint64_t limit;		/* cycles */
	uint64_t cycles, units;	/* rounds kept */
	uint64_t all_cycles, all_units;
	uint64_t rounds, cut;
};

/* What the server's work is counted in: connections accepted, or bytes. */
static uint64_t
tb_units(void)
{
	return T.kind == TB_CRR || T.kind == TB_CONNS ? T.s.accepted : T.s.bytes;
}

static void
tb_busy_add(struct tb_busy *bz, uint64_t cycles, uint64_t units)
{
	bz->rounds++;
	bz->all_cycles += cycles;
	bz->all_units += units;
	if (cycles > bz->limit) {
		bz->cut++;
		return;
	}
	bz->cycles += cycles;
	bz->units += units;
}

/* Cycles per @unit_size units. */
static void
tb_busy_report(const struct tb_busy *bz, double unit_size, struct bench_run *r)
{
	r->cycles_per_op = bz->units ? (double)bz->cycles * unit_size / (double)bz->units : 0;
	r->cycles_per_op_all = bz->all_units ?
			       (double)bz->all_cycles * unit_size / (double)bz->all_units : 0;
	r->rounds = bz->rounds;
	r->rounds_cut = bz->cut;
	if (T.kind == TB_STREAM)
		r->cycles_per_byte = bz->units ? (double)bz->cycles / (double)bz->units : 0;
}

/* tcp-crr, tcp-rr, tcp-stream: steady state, measured like udp-echo. */
static int
tb_run_steady(const struct bench_opts *o, struct bench_run *r)
{
	uint64_t hz = rte_get_tsc_hz(), t, start, t0 = 0, end = 0;
	uint64_t b_cli = 0, b_bytes = 0, b_err = 0, b_busy = 0, cli, bytes, busy;
	unsigned int worker = rte_get_next_lcore(-1, 1, 0), n;
	struct tb_busy bz = { .limit = hz * TB_ROUND_MAX_US / 1000000 };
	double dt;

	if (!o->single && worker >= RTE_MAX_LCORE) {
		fprintf(stderr, "tern-bench: needs two lcores (EAL -l 0-1), or --single\n");
		return -EINVAL;
	}
	T.stop = false;
	T.c.drain = false;
	T.c.kick = true;
	if (!o->single)
		rte_eal_remote_launch(cli_loop, NULL, worker);
	start = rte_rdtsc();
	for (;;) {
		uint64_t a, b, u;
		bool rx;

		if (o->single)
			cli_round_timed();
		rx = rte_ring_count(T.r_cs) != 0;
		u = tb_units();
		a = rte_rdtsc();
		n = rx ? srv_round_rx() : srv_round();
		b = rte_rdtsc();
		if (rx) {
			T.rx_rounds++;
			T.rx_units += tb_units() - u;
		}
		if (t0 == 0) {
			if (b - start >= (uint64_t)(o->seconds * 0.1 * (double)hz)) {
				t0 = b;
				b_cli = T.c.ops;
				b_bytes = T.s.bytes;
				b_err = T.c.errors + T.s.errors;
				b_busy = T.cli_busy;
				end = t0 + (uint64_t)(o->seconds * (double)hz);
			}
			continue;
		}
		if (n > 0)
			tb_busy_add(&bz, b - a, tb_units() - u);
		if (b >= end)
			break;
	}
	t = rte_rdtsc();
	cli = T.c.ops - b_cli;
	bytes = T.s.bytes - b_bytes;
	busy = T.cli_busy - b_busy;
	T.stop = true;
	if (!o->single)
		rte_eal_wait_lcore(worker);
	r->drops = T.c.errors + T.s.errors - b_err;
	drain();
	dt = (double)(t - t0) / (double)hz;
	switch (T.kind) {
	case TB_CRR:
		r->ops = cli;
		tb_busy_report(&bz, 1, r);
		break;
	case TB_RR:
		r->ops = cli;
		tb_busy_report(&bz, T.size, r);
		break;
	default:
		r->ops = bytes / BENCH_TCP_STREAM_OP;
		tb_busy_report(&bz, BENCH_TCP_STREAM_OP, r);
		r->gbps = (double)bytes * 8 / dt / 1e9;
		r->cli_cycles_per_byte = bytes ? (double)busy / (double)bytes : 0;
		r->cli_busy = (double)busy / (double)(t - t0);
		break;
	}
	r->ops_per_s = T.kind == TB_STREAM ? (double)bytes / BENCH_TCP_STREAM_OP / dt :
		       (double)r->ops / dt;
	return 0;
}

/* tcp-conns: fresh contexts, open --conns connections, count the server's heap. */
static int
tb_run_conns(const struct bench_opts *o, struct bench_run *r)
{
	uint64_t hz = rte_get_tsc_hz(), start, t, stall;
	unsigned int worker = rte_get_next_lcore(-1, 1, 0);
	struct tb_busy bz = { .limit = hz * TB_ROUND_MAX_US / 1000000 };
	size_t h0, h_ctx, h1, h2;
	struct rte_mempool *mp_s = tern_dev_pool(T.dev_s, (int)rte_socket_id());
	unsigned int mb0, mb1, conns_in_ctx, a_ctx, a1;
	size_t tcb;
	uint64_t last_ops = 0;
	int ret;

	if (!o->single && worker >= RTE_MAX_LCORE) {
		fprintf(stderr, "tern-bench: needs two lcores (EAL -l 0-1), or --single\n");
		return -EINVAL;
	}
	T.s.accepted = 0;
	T.c.ops = 0;
	T.c.issued = 0;
	T.c.inflight = 0;
	T.c.established = 0;
	T.c.errors = 0;
	T.s.errors = 0;
	memset(T.c.cc, 0, sizeof(*T.c.cc) * T.c.nb_cc);
	h0 = bench_heap_used(&T.heap);
	ret = tb_contexts();
	if (ret != 0) {
		fprintf(stderr, "tern-bench: contexts for %u connections: %s\n", T.conns,
			strerror(-ret));
		tb_contexts_destroy();
		return ret;
	}
	h_ctx = bench_heap_used(&T.heap);
	a_ctx = bench_heap_allocs(&T.heap);
	mb0 = rte_mempool_in_use_count(mp_s);
	T.stop = false;
	T.c.drain = false;
	if (!o->single)
		rte_eal_remote_launch(cli_loop, NULL, worker);
	start = rte_rdtsc();
	stall = start;
	while (T.s.accepted < T.conns || T.c.ops < T.conns) {
		uint64_t a, b, u = T.s.accepted;
		unsigned int n;

		if (o->single)
			cli_round();
		a = rte_rdtsc();
		n = srv_round();
		b = rte_rdtsc();
		if (n > 0)
			tb_busy_add(&bz, b - a, T.s.accepted - u);
		if (T.s.accepted != last_ops) {
			last_ops = T.s.accepted;
			stall = b;
		} else if (b - stall > 5 * hz) {
			break;		/* nothing accepted for 5 s */
		}
	}
	t = rte_rdtsc();
	T.stop = true;
	if (!o->single)
		rte_eal_wait_lcore(worker);
	r->drops = T.c.errors + T.s.errors;
	if (T.s.accepted < T.conns || T.c.ops < T.conns) {
		fprintf(stderr, "tern-bench: tcp-conns: stalled: %lu accepted, %lu established "
			"of %u (%lu errors)\n", (unsigned long)T.s.accepted,
			(unsigned long)T.c.ops, T.conns, (unsigned long)r->drops);
		tb_contexts_destroy();
		return -ETIMEDOUT;
	}
	h1 = bench_heap_used(&T.heap);
	a1 = bench_heap_allocs(&T.heap);
	mb1 = rte_mempool_in_use_count(mp_s);
	conns_in_ctx = tern_tcp_nb_conns(T.s.ctx);
	r->ops = T.conns;
	r->ops_per_s = (double)T.conns * (double)hz / (double)(t - start);
	tb_busy_report(&bz, 1, r);
	r->bytes_per_conn = (double)(h1 - h0) / (double)T.conns;
	tern_tcp_record_sizes(&tcb, NULL, NULL);
	printf("  server context heap: %zu B made (tables sized for %u connections), "
	       "%zu B with them open: %.1f B/connection in all, %.1f B/connection on top "
	       "of the empty context (%u control blocks of %zu B, %u listeners among them; "
	       "rte_malloc elements %u -> %u); server mbufs in use %u -> %u\n", h_ctx - h0,
	       T.conns, h1 - h0, r->bytes_per_conn, (double)(h1 - h_ctx) / (double)T.conns,
	       conns_in_ctx, tcb, T.nb_listen, a_ctx, a1, mb0, mb1);
	tb_contexts_destroy();
	h2 = bench_heap_used(&T.heap);
	if (h2 != h0)
		fprintf(stderr, "tern-bench: tcp-conns: the server heap holds %zd B more after "
			"tern_ctx_destroy() than before the context\n", (ssize_t)(h2 - h0));
	return 0;
}

int
bench_tcp_offload(bool on)
{
	int ret;

	if (T.kind != TB_STREAM)
		return -EINVAL;
	if (T.no_offload == !on && T.s.ctx != NULL)
		return 0;
	/* the connection and both contexts go; what is in the rings is freed */
	if (T.c.cc[0].s != NULL)
		tern_tcp_close(T.c.cc[0].s);
	tb_contexts_destroy();
	memset(&T.c.cc[0], 0, sizeof(T.c.cc[0]));
	T.c.established = 0;
	T.s.accepted = 0;
	T.no_offload = !on;
	ret = tb_contexts();
	if (ret != 0)
		return ret;
	return tb_open(1);
}

int
bench_tcp_run(const struct bench_opts *o, struct bench_run *r)
{
	if (T.kind == TB_CONNS)
		return tb_run_conns(o, r);
	return tb_run_steady(o, r);
}

void
bench_tcp_teardown(void)
{
	unsigned int i;

	if (T.stats && T.rx_rounds != 0)
		/* what tools/bench-callgrind.sh divides srv_round_rx's instructions by */
		printf("SRV_RX rounds=%lu units=%lu unit_size=%u\n", (unsigned long)T.rx_rounds,
		       (unsigned long)T.rx_units, T.kind == TB_CRR ? 1 :
		       T.kind == TB_RR ? T.size : BENCH_TCP_STREAM_OP);
	if (T.c.ctx != NULL || T.s.ctx != NULL) {
		for (i = 0; i < T.c.nb_cc; i++)
			if (T.c.cc != NULL && T.c.cc[i].s != NULL && T.kind != TB_CONNS)
				tern_tcp_close(T.c.cc[i].s);
		tb_contexts_destroy();
	}
	/* both lcores are stopped: nothing is in the callback, the caller frees it */
	if (T.rx_trust != NULL && rte_eth_remove_rx_callback(T.port_s, 0, T.rx_trust) == 0)
		rte_free((void *)(uintptr_t)T.rx_trust);
	T.rx_trust = NULL;
	tern_net_destroy(T.net_s);
	tern_net_destroy(T.net_c);
	tern_dev_destroy(T.dev_s);
	tern_dev_destroy(T.dev_c);
	rte_ring_free(T.r_cs);
	rte_ring_free(T.r_sc);
	bench_heap_destroy(&T.heap);
	free(T.c.cc);
	free(T.c.free_slot);
}
