/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TCP_CONN_TEST_H
#define TCP_CONN_TEST_H

/*
 * Helpers of the TCP connection tests that watch the wire and inject
 * segments by hand (test_stack_tcp_conn.c, test_stack_tcp_harden.c): a
 * harness without impairment, a synchronized pair, what B's last segment
 * says, a segment "from A's connection", and the finish that checks
 * nothing is held.
 */

#define TCP_TEST_CAP_FIXTURE
#include "tcp_test.h"

static inline struct harness *
conn_make(struct fixture *f, const char *name, const struct tern_tcp_config *cfg)
{
	harness_seed(name, 1);	/* no impairment here: printed for the record */
	f->h = harness_create_tcp(NULL, NULL, cfg);
	assert_non_null(f->h);
	return f->h;
}

/* Reset what is left, close the listener, check that nothing is held. */
void
conn_finish(struct fixture *f, struct tern_tcp_stream *l, struct tern_tcp_stream *a,
       struct tern_tcp_stream *b);

/*
 * A connected IPv4 pair with the tap running, after a 5-byte exchange, so
 * that B's last segment (a delayed ACK) shows its sequence variables.
 */
void
pair_synced(struct fixture *f, struct tern_tcp_stream **l, struct tern_tcp_stream **a,
	    struct tern_tcp_stream **b);

/* What B's last segment says of B's state. */
struct b_view {
	uint32_t rcv_nxt;	/* its ACK */
	uint32_t snd_nxt;
	uint32_t ts_recent;	/* its timestamp echo */
	uint32_t tsval;
	uint16_t aport;		/* A's port */
};

struct b_view
b_view(const struct fixture *f);

/* Inject a segment "from A's connection" to B. */
void
inject_a(struct fixture *f, const struct b_view *v, uint8_t flags, uint32_t seq, uint32_t ack,
	 uint32_t tsval, const void *data, uint16_t len);

/* Move @n bytes each way and check them: the connection still works. */
static inline void
still_works(struct harness *h, struct tern_tcp_stream *a, struct tern_tcp_stream *b, uint64_t n)
{
	assert_int_equal(tcp_transfer(h, a, b, n, 7, 10 * SEC), n);
	assert_int_equal(tcp_transfer(h, b, a, n, 8, 10 * SEC), n);
}

#endif /* TCP_CONN_TEST_H */
