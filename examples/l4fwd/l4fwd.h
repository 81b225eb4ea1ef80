/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef L4FWD_H
#define L4FWD_H

/*
 * tern-l4fwd: what the files of the example share. args.c declares and
 * parses its own options, worker.c runs on each worker's context (echo,
 * fwd, rx, tx), stats.c sums and prints the counters, main.c drives the
 * rest. The EAL, the port, the network, the contexts, --config and --pcap
 * are the common bring-up's (tern_app.h).
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_common.h>
#include <rte_ether.h>

#include <tern/tern.h>

#define L4FWD_NAME		"tern-l4fwd"
#define L4FWD_MAX_BURST		512
#define L4FWD_DEF_BURST		32
#define L4FWD_DEF_SIZE		64
#define L4FWD_TCP_PERIOD	65521u	/* of the TCP pattern */
#define L4FWD_TCP_BACKLOG	1024
#define L4FWD_TX_PARALLEL	64	/* TCP tx: connections open at once per worker */

enum l4fwd_mode {
	L4FWD_ECHO,
	L4FWD_FWD,
	L4FWD_RX,
	L4FWD_TX,
};

/* Address families, as indexes: 0 is IPv4, 1 is IPv6. */
enum {
	L4FWD_V4,
	L4FWD_V6,
	L4FWD_NB_FAMILIES,
};

/* The options, once parsed; read-only while the workers run. */
struct l4fwd_opts {
	enum l4fwd_mode mode;
	uint16_t port;			/* ethdev port (the bring-up's) */
	uint16_t lport;			/* host order; 0: ephemeral (tx only) */
	uint16_t rport;			/* host order */
	uint16_t burst;
	uint16_t lcores;		/* worker contexts (the bring-up's --lcores) */
	uint32_t size;			/* tx payload bytes */
	uint64_t count;			/* 0: unlimited */
	uint64_t rate;			/* datagrams per second; 0: unlimited */
	uint64_t tx_hold_ns;		/* --tx-hold; 0: send at every flush */
	double stats_interval;		/* seconds; 0: none */
	bool no_offload;		/* the bring-up's --no-offload */
	bool tcp;			/* --proto tcp */
	bool have_addr[L4FWD_NB_FAMILIES];	/* the port has an IPv4, IPv6 address */
	bool have_raddr[L4FWD_NB_FAMILIES];	/* --raddr, --raddr6 */
	bool have_lport, have_rport, have_conns;
	tern_ip4_t raddr;
	struct tern_ip6 raddr6;
	bool have_impair;		/* --impair */
	struct tern_impair_param impair;
	bool api_sock;			/* --api sock: BSD-shaped sockets (lib/sock) */
	bool sw_dispatch;		/* --steer sw */
	bool rss_assume;		/* --steer rss */
	uint32_t conns;			/* TCP tx: connections per worker and family */
	bool tso;			/* --tso: allow the device's TSO */
	bool sha256;			/* --sha256: digest of each TCP rx/tx connection */
};

/* A running SHA-256 (sha256.c). */
struct l4fwd_sha256 {
	uint32_t h[8];
	uint64_t len;			/* bytes so far */
	uint8_t buf[64];		/* the incomplete block */
};

/* What the application itself counts, per family. */
struct l4fwd_counts {
	uint64_t rx_dgrams;		/* datagrams taken from the streams */
	uint64_t rx_bytes;		/* their payload bytes */
	uint64_t tx_dgrams;		/* datagrams the stack accepted to send */
	uint64_t tx_bytes;		/* their payload bytes */
};

/* Drops the application counts (the stack counts its own). */
struct l4fwd_drops {
	uint64_t send_failed;		/* the stack refused a datagram */
	uint64_t no_mbuf;		/* tx: mbuf allocation failed */
	uint64_t no_client;		/* fwd: a reply came before any client */
	uint64_t no_backend;		/* fwd: no --raddr of a usable family */
};

/* TCP connections (--proto tcp). */
struct l4fwd_tcp_counts {
	uint64_t opened;		/* accepted or connected */
	uint64_t done;			/* finished normally */
	uint64_t closed;		/* handles closed (normally or not) */
	uint64_t errors;		/* reset, timed out, refused */
	uint64_t bad_segs;		/* rx: segments not matching the TCP pattern */
	uint64_t pumped;		/* connections pumped (TCP, burst API): the work */
};

struct l4fwd_stats {
	struct l4fwd_counts c[L4FWD_NB_FAMILIES];
	struct l4fwd_drops d;
	struct l4fwd_tcp_counts t;
};

struct l4fwd_conn;
struct l4fwd_sconn;

enum l4fwd_state {
	L4FWD_W_INIT = 0,
	L4FWD_W_FINISHED,	/* tx: --count sent; still polling until stop */
};

/* One worker: one context on one lcore, bound to queue @queue. */
struct l4fwd_worker {
	unsigned int idx;
	unsigned int lcore;
	uint16_t queue;
	struct tern_net *net;
	const struct l4fwd_opts *o;
	struct tern_app_worker *aw;	/* the bring-up's worker */
	uint64_t quota;			/* tx: datagrams to send, unless unlimited */
	bool unlimited;			/* tx: no --count */
	uint64_t rate;			/* tx: datagrams/s for this worker; 0: unlimited */

	/* owned by the worker's lcore */
	struct tern_ctx *ctx;
	struct tern_udp_stream *s[L4FWD_NB_FAMILIES];
	struct tern_sockaddr remote[L4FWD_NB_FAMILIES];	/* tx/fwd targets */
	struct tern_sockaddr client;			/* fwd: last client */
	bool have_client;
	bool resolved[L4FWD_NB_FAMILIES];		/* next hop of remote known */
	uint64_t probe_tsc[L4FWD_NB_FAMILIES];		/* last resolving ping */
	uint64_t tx_seq;
	uint64_t tx_start_tsc;
	uint64_t stop_tsc;		/* when the loop saw the stop */
	bool setup_failed;
	unsigned int tx_next_remote;
	char err[160];
	/* TCP */
	struct tern_tcp_stream *tcp_l[L4FWD_NB_FAMILIES];	/* listeners */
	struct tern_tcp_stream *tcp_tx[L4FWD_NB_FAMILIES];	/* tx connections */
	struct l4fwd_conn *conns;
	struct l4fwd_conn *ready;		/* named by events: pump them */
	struct l4fwd_conn *dying;		/* ended: free them */
	bool tcp_tx_failed;
	uint32_t tx_started[L4FWD_NB_FAMILIES];	/* TCP tx: connections opened */
	uint32_t tx_open;			/* TCP tx: connections not yet ended */
	/* --api sock */
	int ep;					/* epoll handle */
	int sock_l[L4FWD_NB_FAMILIES];		/* listening sockets, -1: none */
	struct l4fwd_sconn *sconns;

	/* read by the main lcore */
	int state;				/* enum l4fwd_state, atomic */
	struct l4fwd_stats st __rte_cache_aligned;
	struct tern_stats lib_final;		/* the context's counters at exit */
};

/* Everything main.c shares with the workers. */
struct l4fwd_app {
	struct l4fwd_opts o;
	struct tern_app *app;		/* the bring-up */
	struct tern_dev *dev;
	struct tern_net *net;
	unsigned int nb_workers;
	struct l4fwd_worker *w;
	uint64_t hz;
	uint64_t start_tsc;
	uint64_t next_stats_tsc;
	uint64_t last_stats_tsc;
	uint64_t stop_tsc;
	bool tx_done;			/* tx: every worker sent its share of --count */
	struct l4fwd_stats last;	/* at the previous interval print */
};

/* args.c */
/* The bring-up's parameters: tern-l4fwd's options (into @o, defaults set) and checks. */
void l4fwd_param(struct tern_app_param *p, struct l4fwd_opts *o);
const char *l4fwd_mode_name(enum l4fwd_mode m);

/* worker.c */
void l4fwd_tx_pattern_init(void);
/* On the bring-up's context: impairment, streams. @return 0 or -1 (w->err says why). */
int l4fwd_worker_setup(struct l4fwd_worker *w);
/* The poll loop, until tern_app_running() is false. */
void l4fwd_worker_loop(struct l4fwd_worker *w);
/* Drain, save the counters, close the streams (the bring-up destroys the context). */
void l4fwd_worker_teardown(struct l4fwd_worker *w);

/* tcp.c */
void l4fwd_tcp_pattern_init(void);
/* The TCP pattern, two periods long: byte k of a stream at [k % L4FWD_TCP_PERIOD]. */
const uint8_t *l4fwd_tcp_pattern(void);
int l4fwd_tcp_setup(struct l4fwd_worker *w);
void l4fwd_tcp_step(struct l4fwd_worker *w);
/* Take the context's events: the connections they name are pumped next step. */
void l4fwd_tcp_events(struct l4fwd_worker *w, const struct tern_event *ev, unsigned int n);
bool l4fwd_tcp_tx_finished(const struct l4fwd_worker *w);
void l4fwd_tcp_teardown(struct l4fwd_worker *w);

/* sock.c: the TCP modes over the socket-like API (--api sock) */
int l4fwd_sock_setup(struct l4fwd_worker *w);
/* One round: tern_epoll_wait() (which polls the context), then the sockets. */
void l4fwd_sock_step(struct l4fwd_worker *w);
bool l4fwd_sock_tx_finished(const struct l4fwd_worker *w);
void l4fwd_sock_teardown(struct l4fwd_worker *w);

/* sha256.c */
void l4fwd_sha256_init(struct l4fwd_sha256 *s);
void l4fwd_sha256_update(struct l4fwd_sha256 *s, const void *data, size_t n);
/* The digest of what was hashed so far, as 64 hex digits and a NUL. */
void l4fwd_sha256_hex(const struct l4fwd_sha256 *s, char out[65]);
/*
 * --sha256: print "conn ipv4|ipv6 rx|tx bytes=N secs=S mbit_s=R end=END
 * sha256=HEX" for a connection of family @f that ends now; @t0: TSC at its
 * establishment (0: unknown).
 */
void l4fwd_conn_report(int f, bool rx, uint64_t bytes, uint64_t t0, const char *end,
		       const struct l4fwd_sha256 *s);

/* stats.c */
void l4fwd_stats_sum(const struct l4fwd_app *app, struct l4fwd_stats *sum);
void l4fwd_lib_sum(const struct l4fwd_app *app, bool final, struct tern_stats *sum);
void l4fwd_print_interval(struct l4fwd_app *app, uint64_t now_tsc);
void l4fwd_print_final(const struct l4fwd_app *app);

static inline int
l4fwd_state_get(const struct l4fwd_worker *w)
{
	return __atomic_load_n(&w->state, __ATOMIC_ACQUIRE);
}

static inline void
l4fwd_state_set(struct l4fwd_worker *w, int st)
{
	__atomic_store_n(&w->state, st, __ATOMIC_RELEASE);
}

#endif /* L4FWD_H */
