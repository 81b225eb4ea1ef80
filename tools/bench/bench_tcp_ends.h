/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_BENCH_TCP_ENDS_H
#define TERN_BENCH_TCP_ENDS_H

/*
 * The two ends of the in-process TCP benchmarks (bench_tcp.c's tcp-*
 * workloads, bench_proxy.c's proxy-*): a tern client context that keeps
 * its connections to a server address busy, round after round (struct
 * btc), and a tern server context that echoes or takes what arrives
 * (struct bts).
 */

#include <stdbool.h>
#include <stdint.h>

#include <tern/tern.h>

enum btc_kind {
	BTC_CRR,	/* connect, request, response, close; --window at once */
	BTC_RR,		/* requests, one in flight per connection */
	BTC_STREAM,	/* bulk: the first connection's send space kept full */
	BTC_HOLD,	/* connect and keep: hold_total connections, hold_window at once */
};

struct btc_conn {
	struct tern_tcp_stream *s;
	uint32_t got;		/* bytes of the current response */
	bool up;		/* established */
	bool busy;		/* rr: a request is in flight */
};

struct btc {
	enum btc_kind kind;
	struct tern_ctx *ctx;
	tern_ip4_t remote;	/* the server's address */
	uint16_t port0;		/* its first port (crr, rr, stream: the only one) */
	unsigned int nb_ports;	/* hold: connection i goes to port0 + i % nb_ports */
	unsigned int hold_window;	/* hold: handshakes in flight at most */
	uint64_t hold_total;	/* hold: connections to make (<= nb_cc) */
	unsigned int size;	/* request and response bytes */
	struct btc_conn *cc;	/* a slot per connection; its index is the udata */
	unsigned int nb_cc;
	uint32_t *free_slot;	/* crr: the slots free for a new connection */
	unsigned int nb_free;
	unsigned int inflight;	/* crr, hold: connections begun, not done; rr: requests */
	unsigned int established;
	uint64_t issued;	/* hold: connects made */
	uint16_t seg;		/* stream: bytes per mbuf (the connection's MSS) */
	uint32_t tx_idle;	/* stream: send space with nothing queued or in flight */
	bool drain;		/* begin nothing new */
	bool kick;		/* rr: send a request on every idle connection */
	uint8_t req[2048];
	volatile uint64_t ops;	/* crr, rr: operations completed; hold: established */
	volatile uint64_t errors;
};

/* Connect slot @idx to the server's @port. @return the stream, or NULL. */
struct tern_tcp_stream *btc_connect(struct btc *b, uint32_t idx, uint16_t port);

/*
 * Keep the connections going: crr and hold open, rr kicks, stream fills.
 * @return stream: mbufs queued; else 0.
 */
unsigned int btc_top_up(struct btc *b);

/* One round: poll, events, top up, flush. @return packets, events and mbufs queued (0: idle). */
unsigned int btc_round(struct btc *b);

struct bts {
	struct tern_ctx *ctx;
	struct tern_tcp_stream *const *lst;	/* the listeners */
	unsigned int nb_lst;
	bool sink;		/* stream: free what arrives (else echo it) */
	bool hold;		/* conns: accept and keep, idle */
	uint64_t accepted;
	uint64_t bytes;		/* received */
	uint64_t errors;
};

/*
 * One server round: poll, accept, echo or free, close at the client's FIN,
 * flush. @return packets received plus events taken (0: idle).
 */
unsigned int bts_round(struct bts *b);

#endif
