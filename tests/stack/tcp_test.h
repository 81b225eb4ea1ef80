/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TCP_TEST_H
#define TCP_TEST_H

/*
 * Helpers shared by the TCP stack tests: open a listener on B and a
 * connection from A, run the harness until the handshake is done, move
 * patterned bytes and check them, collect events.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "stack_harness.h"

#include <rte_errno.h>
#include <rte_mbuf.h>

#define MS		HARNESS_MS
#define SEC		(1000 * HARNESS_MS)
#define TCP_PORT_B	8080

/* The byte at stream offset @off of a test stream seeded @seed. */
static inline uint8_t
pat_byte(uint64_t off, uint32_t seed)
{
	uint64_t x = off * 0x9e3779b97f4a7c15ULL + seed;

	return (uint8_t)(x >> 56 ^ x >> 13);
}

static inline void
pat_fill(uint8_t *b, size_t len, uint64_t off, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = pat_byte(off + i, seed);
}

/* @return the first offset in [off, off+len) whose byte is wrong, or UINT64_MAX. */
static inline uint64_t
pat_check(const uint8_t *b, size_t len, uint64_t off, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != pat_byte(off + i, seed))
			return off + i;
	return UINT64_MAX;
}

/* Events of one side, counted by type, last error kept. */
struct ev_tally {
	unsigned int n[8];
	int last_err;
	void *last_obj[8];
};

static inline void
ev_collect(struct harness *h, enum harness_side side, struct ev_tally *t)
{
	struct tern_event ev[64];
	unsigned int n, i;

	while ((n = tern_ctx_events(harness_ctx(h, side), ev, 64)) > 0)
		for (i = 0; i < n; i++) {
			if (ev[i].type < 8) {
				t->n[ev[i].type]++;
				t->last_obj[ev[i].type] = ev[i].obj;
			}
			if (ev[i].type == TERN_EV_ERROR)
				t->last_err = ev[i].err;
		}
}

static inline struct tern_tcp_stream *
tcp_listen_b(struct harness *h, uint8_t family, const struct tern_tcp_param *extra)
{
	struct tern_tcp_param p;
	struct tern_tcp_stream *l;

	if (extra != NULL)
		p = *extra;
	else
		memset(&p, 0, sizeof(p));
	p.local = harness_addr(HARNESS_B, family, TCP_PORT_B);
	l = tern_tcp_listen(harness_ctx(h, HARNESS_B), &p);
	assert_non_null(l);
	return l;
}

static inline struct tern_tcp_stream *
tcp_connect_a(struct harness *h, uint8_t family, const struct tern_tcp_param *extra)
{
	struct tern_tcp_param p;
	struct tern_tcp_stream *s;

	if (extra != NULL)
		p = *extra;
	else
		memset(&p, 0, sizeof(p));
	p.remote = harness_addr(HARNESS_B, family, TCP_PORT_B);
	p.local.family = family;
	s = tern_tcp_connect(harness_ctx(h, HARNESS_A), &p);
	assert_non_null(s);
	return s;
}

/* Run until B has a connection to accept; @return it (NULL after @max_ns). */
static inline struct tern_tcp_stream *
tcp_accept_b(struct harness *h, struct tern_tcp_stream *l, uint64_t max_ns)
{
	struct tern_tcp_stream *s = NULL;
	uint64_t t;

	for (t = 0; t <= max_ns; t += MS) {
		if (tern_tcp_accept_burst(l, &s, 1) == 1)
			return s;
		harness_run(h, MS);
	}
	return NULL;
}

/* A connected pair: A's active end in *a, B's accepted end in *b. */
static inline void
tcp_pair(struct harness *h, uint8_t family, struct tern_tcp_stream **l,
	 struct tern_tcp_stream **a, struct tern_tcp_stream **b)
{
	*l = tcp_listen_b(h, family, NULL);
	*a = tcp_connect_a(h, family, NULL);
	*b = tcp_accept_b(h, *l, 5 * SEC);
	assert_non_null(*b);
	assert_int_equal(tern_tcp_state(*a), TERN_TCP_ESTABLISHED);
	assert_int_equal(tern_tcp_state(*b), TERN_TCP_ESTABLISHED);
}

/*
 * Move @total bytes from @tx to @rx (pattern @seed), running the harness
 * in 1 ms steps for at most @max_ns of virtual time. Bytes are checked as
 * they arrive. @return bytes received intact (== @total on success).
 */
static inline uint64_t
tcp_transfer(struct harness *h, struct tern_tcp_stream *tx, struct tern_tcp_stream *rx,
	     uint64_t total, uint32_t seed, uint64_t max_ns)
{
	static uint8_t buf[65536];
	uint64_t sent = 0, got = 0, t0 = harness_now(h);
	ssize_t n;

	while (got < total && harness_now(h) - t0 < max_ns) {
		while (sent < total) {
			size_t chunk = (size_t)RTE_MIN((uint64_t)sizeof(buf), total - sent);

			pat_fill(buf, chunk, sent, seed);
			n = tern_tcp_write(tx, buf, chunk);
			if (n <= 0)
				break;
			sent += (uint64_t)n;
		}
		harness_run(h, MS);
		while ((n = tern_tcp_read(rx, buf, sizeof(buf))) > 0) {
			uint64_t bad = pat_check(buf, (size_t)n, got, seed);

			if (bad != UINT64_MAX) {
				print_error("byte %" PRIu64 " wrong\n", bad);
				return got;
			}
			got += (uint64_t)n;
		}
	}
	return got;
}

#endif /* TCP_TEST_H */
