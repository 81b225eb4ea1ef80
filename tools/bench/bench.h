/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_BENCH_H
#define TERN_BENCH_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

struct rte_ring;
struct rte_mempool;
struct tern_ctx;

/* One measured run of a workload. */
struct bench_run {
	double ops_per_s;	/* operations per second (see each workload) */
	double cycles_per_op;	/* stack (server) core's busy TSC cycles per operation */
	uint64_t ops;
	uint64_t drops;		/* udp: generator packets lost; tcp: connection errors */
	double gbps;		/* tcp-stream: payload Gbit/s */
	double cycles_per_byte;	/* tcp-stream: server core's busy cycles per payload byte */
	double cli_cycles_per_byte; /* tcp-stream: the client's busy cycles per byte */
	double cli_busy;	/* tcp-stream: the client's busy share of the measured time */
	double bytes_per_conn;	/* tcp-conns: memory per idle connection */
	double cycles_per_op_all; /* tcp: with the rounds that lost their vCPU */
	uint64_t rounds;	/* tcp: the server's busy rounds */
	uint64_t rounds_cut;	/* tcp: of them, left out (longer than 200 us) */
	uint64_t timeouts;	/* --peer: ops given up after --timeout */
};

struct bench_opts {
	const char *workload;
	const char *wire;	/* "ring" or "memif" */
	unsigned int runs;
	double seconds;
	unsigned int size;	/* UDP payload / TCP request and response bytes */
	unsigned int window;	/* udp: packets in flight; tcp-crr, tcp-conns: connects in flight */
	unsigned int conns;	/* tcp-rr: open connections; tcp-conns: idle connections */
	bool no_kernel;
	bool sw;		/* force software paths (no offload) */
	bool single;		/* generator and stack alternate on one lcore */
	bool stats;		/* tcp: print both contexts' counters at the end */
	int offload;		/* tcp-stream: BENCH_OFFLOAD_* */
	bool trust_rx_cksum;	/* tcp: the server's frames arrive marked checksum-good */
	/* --peer: the client side only, against a server elsewhere (bench_peer.c) */
	bool peer;
	const char *local;	/* --local A.B.C.D/LEN */
	const char *remote;	/* --remote A.B.C.D:PORT */
	const char *remote_mac;	/* --remote-mac: the next hop's, else ARP */
	const char *gw;		/* --gw: a default route */
	int port;		/* --port: ethdev port id; -1: the only one */
	double timeout_ms;	/* --timeout; 0: the workload's default */
	double flood_mpps;	/* syn-flood --flood-rate: SYNs offered, M/s; 0: unpaced */
};

/* tcp-stream --offload: TSO and GRO of both contexts. */
#define BENCH_OFFLOAD_DEFAULT	-1	/* not given: on (tern's default) */
#define BENCH_OFFLOAD_OFF	0	/* TERN_TCP_CFG_NO_TSO | TERN_TCP_CFG_NO_GRO */
#define BENCH_OFFLOAD_ON	1	/* software TSO (net_ring cuts nothing) and GRO */
#define BENCH_OFFLOAD_BOTH	2	/* each run once off, once on, fresh contexts */

/* TCP workloads (bench_tcp.c). */
#define BENCH_TCP_RR_CONNS	100	/* tcp-rr default --conns */
#define BENCH_TCP_CONNS		100000	/* tcp-conns default --conns */
#define BENCH_TCP_CONNS_MAX	1000000
#define BENCH_TCP_CRR_WINDOW	100	/* tcp-crr default --window */
#define BENCH_TCP_OPEN_WINDOW	256	/* tcp-conns default --window */
#define BENCH_TCP_STREAM_OP	65536	/* tcp-stream: one operation is this many bytes */

/* bench_udp.c: tern UDP echo, generator and stack on two lcores. */
int bench_udp_echo_setup(const struct bench_opts *o);
int bench_udp_echo_run(const struct bench_opts *o, struct bench_run *r);
void bench_udp_echo_teardown(void);

/* bench_kernel.c: the same workload against the Linux kernel (loopback). */
int bench_kernel_udp_echo(const struct bench_opts *o, struct bench_run *r);

/* bench_tcp.c: tern TCP client and server contexts over a ring pair. */
bool bench_is_tcp(const char *workload);
int bench_tcp_setup(const struct bench_opts *o);
int bench_tcp_run(const struct bench_opts *o, struct bench_run *r);
/*
 * tcp-stream: from the next run on, TSO and GRO @on or off (fresh contexts
 * and a fresh connection when it changes).
 */
int bench_tcp_offload(bool on);
void bench_tcp_teardown(void);

/* syn-flood: where the generator sends (bench_tcp_flood_target()). */
struct bench_flood_target {
	struct rte_ring *ring;		/* the server port's rx ring */
	uint16_t port;			/* the server's port id */
	uint16_t cli_port;		/* the client's port id */
	struct rte_ether_addr mac;	/* the server's */
	struct rte_ether_addr gw_mac;	/* the server's next hop to the spoofed sources */
	uint32_t ip;			/* the server's, network order */
	uint16_t tcp_port;		/* the listener's, host order */
	struct tern_ctx *srv;
	struct rte_mempool *srv_pool;
};
int bench_tcp_flood_target(struct bench_flood_target *ft);
/* Run @fn after each client round (NULL: none). */
void bench_tcp_set_cli_hook(void (*fn)(void));

/* bench_synflood.c: tcp-crr under a SYN flood, and without one, in one run. */
int bench_synflood(const struct bench_opts *o, uint64_t hz);

/* bench_kernel_tcp.c: the TCP workloads against the kernel (loopback, epoll). */
int bench_kernel_tcp(const struct bench_opts *o, struct bench_run *r);

/* bench_peer.c: --peer, the client side only against a remote server. */
bool bench_peer_workload(const char *workload);
/* Options that belong to --peer, or do not go with it: @return 0, or -1 after a message. */
int bench_peer_check(const struct bench_opts *o);
int bench_peer(const struct bench_opts *o, uint64_t hz);

/*
 * bench_proxy.c: a tern client, the transparent proxy (examples/proxy's
 * relay) and a tern server, three contexts over two ring pairs; the proxy
 * timed; memory per proxied connection with BENCH_PROXY_MEM_CONNS idle
 * ones; the kernel's direct workload in the same run.
 */
#define BENCH_PROXY_MEM_CONNS	10000
bool bench_is_proxy(const char *workload);
int bench_proxy(const struct bench_opts *o, uint64_t hz);

/* Raise the open-file limit to its hard limit; @return the soft limit now. */
uint64_t bench_raise_nofile(void);

double bench_median(double *v, unsigned int n);

#endif /* TERN_BENCH_H */
