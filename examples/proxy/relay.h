/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef PROXY_RELAY_H
#define PROXY_RELAY_H

/*
 * The relay of a transparent TCP proxy, one per context (tern-proxy runs
 * one per worker; tests/stack/test_stack_tcp_proxy.c drives one on a
 * virtual clock). Transparent listeners take the client legs; each gets a
 * server leg connected to the original destination, from the client's
 * address and port (source client) or from the proxy's own address
 * (source proxy); mbufs read from one leg are sent on the other as they
 * are (zero-copy). A leg's peer whose send buffer is full stops the
 * reading of that leg: its receive window closes, the sender waits. FIN
 * and RST are carried across; a server that refuses (or never answers)
 * becomes a reset to the client, before any SYN-ACK in connect-first mode
 * (docs/proxy.md).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include <tern/tern.h>

#define RELAY_BURST	16
#define RELAY_SWEEP_NS	(100ull * 1000 * 1000)	/* every pair looked at, at least */

/* One direction of a pair: what was read from one leg and not yet taken by the other. */
struct relay_dir {
	struct rte_mbuf *pend[RELAY_BURST];
	uint16_t np, off;
	bool eof;		/* the reading leg ended (FIN) */
	bool shut;		/* the FIN was passed on (SHUT_WR) */
	uint64_t bytes;		/* relayed */
};

struct relay_pair {
	bool used;
	bool held;		/* the client's SYN waits for the server (connect-first) */
	bool sv_up;
	bool ready;		/* in relay.ready: stepped at the next relay_step() */
	struct tern_tcp_stream *cl;	/* client leg (accepted) */
	struct tern_tcp_stream *sv;	/* server leg (connected) */
	struct relay_dir up;	/* client -> server */
	struct relay_dir down;	/* server -> client */
	int cl_err, sv_err;
	uint64_t last_ns;	/* last data moved (idle timeout) */
	uint32_t apos;		/* its place in relay.act */
};

struct relay_cfg {
	struct tern_ctx *ctx;
	bool connect_first;	/* else accept-first */
	bool source_proxy;	/* else the server sees the client's address (and port) */
	uint32_t sndbuf, rcvbuf;	/* of both legs; 0: the context's */
	uint32_t max_pairs;	/* proxied connections at most; 0: 1024 */
	uint64_t idle_ns;	/* no data either way for this long: reset both; 0: never */
};

/* What a relay did. */
struct relay_stats {
	uint64_t accepted;	/* client legs taken */
	uint64_t connected;	/* server legs up */
	uint64_t refused;	/* server refused or silent: the client reset */
	uint64_t resets;	/* a reset carried from one end to the other */
	uint64_t closed;	/* pairs ended, any way */
	uint64_t finished;	/* pairs ended by both FINs */
	uint64_t limit;		/* client legs reset: max_pairs reached */
	uint64_t idle;		/* pairs reset by the idle timeout */
	uint64_t port_fallback;	/* the client's port would not come back here, or is */
				/* still held here (TIME_WAIT): another port */
	uint64_t bytes_up, bytes_down;
	uint64_t max_held;	/* most bytes one pair held at a step (relay_held()) */
};

struct relay {
	struct relay_cfg cfg;
	struct relay_pair *p;	/* cfg.max_pairs of them */
	uint32_t *act;		/* indexes of the pairs in use, nb_active of them */
	uint32_t *free_idx;	/* indexes free, a stack of nb_free */
	uint32_t *ready;	/* indexes of the pairs to step: an event came, or data waits */
	uint32_t nb_active;
	uint32_t nb_free;
	uint32_t nb_ready;
	uint64_t sweep_ns;	/* when every pair in use was last made ready */
	struct relay_stats st;
};

/* A relay for @cfg (copied). @return it, or NULL (no memory). */
struct relay *relay_create(const struct relay_cfg *cfg);
/* Reset every pair, free what they hold and the relay. Safe on NULL. */
void relay_destroy(struct relay *r);

/*
 * A transparent listener for @rule on the relay's context.
 * @return it, or NULL with rte_errno (tern_tcp_listen_transparent()).
 */
struct tern_tcp_stream *relay_listen(struct relay *r, const struct tern_tcp_tproxy_rule *rule);

/*
 * Take the context's events and move what can move: the pairs an event
 * named, those with data still waiting for the other leg, and every pair
 * in use each RELAY_SWEEP_NS (the idle timeout). @return work done.
 */
unsigned int relay_step(struct relay *r);

/* Bytes pair @p holds now: unread on a leg, unacknowledged on a leg, pending between. */
uint64_t relay_held(const struct relay_pair *p);

/* Reset every pair and free what they hold. */
void relay_stop(struct relay *r);

#endif /* PROXY_RELAY_H */
