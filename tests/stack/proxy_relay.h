/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef PROXY_RELAY_H
#define PROXY_RELAY_H

/*
 * The relay of the transparent proxy tests: on one context, transparent
 * listeners take the client legs, each gets a server leg connected to the
 * original destination (from the client's address and port, or from the
 * proxy's own address), and mbufs read from one leg are sent on the other
 * as they are (zero-copy). A leg's peer whose send buffer is full stops
 * the reading of that leg: its receive window closes, the sender waits.
 * FIN and RST are carried across; a server that refuses (or never
 * answers) becomes a reset to the client, before any SYN-ACK in
 * connect-first mode.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include <tern/tern.h>

#define RELAY_BURST	32
#define RELAY_PAIRS	64

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
	struct tern_tcp_stream *cl;	/* client leg (accepted) */
	struct tern_tcp_stream *sv;	/* server leg (connected) */
	struct relay_dir up;	/* client -> server */
	struct relay_dir down;	/* server -> client */
	int cl_err, sv_err;
};

struct relay {
	struct tern_ctx *ctx;
	bool connect_first;	/* else accept-first */
	bool source_proxy;	/* else the server sees the client's address and port */
	uint32_t sndbuf, rcvbuf;	/* of both legs; 0: the context's */
	struct relay_pair p[RELAY_PAIRS];
	/* what happened */
	unsigned int accepted, connected, refused, resets_carried, closed;
	uint64_t max_held;	/* most bytes one pair held at a step (relay_held()) */
};

/*
 * Start relaying on @r->ctx (its fields set): a transparent listener per
 * rule in @rules. @return 0, or -rte_errno.
 */
int relay_start(struct relay *r, const struct tern_tcp_tproxy_rule *rules, unsigned int n,
		struct tern_tcp_stream **listeners);

/* Take the context's events and move what can move. @return work done. */
unsigned int relay_step(struct relay *r);

/* Bytes pair @p holds now: unread on a leg, queued on a leg, pending between. */
uint64_t relay_held(const struct relay_pair *p);

/* Pairs in use. */
unsigned int relay_active(const struct relay *r);

/* Reset every pair and free what they hold (end of a test). */
void relay_stop(struct relay *r);

#endif /* PROXY_RELAY_H */
