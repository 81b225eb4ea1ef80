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
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "stack_harness.h"

#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

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

void
ev_collect(struct harness *h, enum harness_side side, struct ev_tally *t);

struct tern_tcp_stream *
tcp_listen_b(struct harness *h, uint8_t family, const struct tern_tcp_param *extra);

struct tern_tcp_stream *
tcp_connect_a(struct harness *h, uint8_t family, const struct tern_tcp_param *extra);

/* Run until B has a connection to accept; @return it (NULL after @max_ns). */
struct tern_tcp_stream *
tcp_accept_b(struct harness *h, struct tern_tcp_stream *l, uint64_t max_ns);

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
uint64_t
tcp_transfer(struct harness *h, struct tern_tcp_stream *tx, struct tern_tcp_stream *rx,
	     uint64_t total, uint32_t seed, uint64_t max_ns);

/* ---------------------------------------------------------------------- */
/* What crosses the wire: a tap that parses every TCP segment (tcp_cap). */

#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_PSH	0x08
#define TH_ACK	0x10

/* One TCP segment seen on the wire. */
struct seg_rec {
	uint64_t t;		/* virtual time of delivery */
	uint8_t from;		/* enum harness_side */
	uint8_t family;
	uint8_t flags;
	uint8_t has_ts;
	uint8_t has_mss, has_ws, has_sackp;
	uint8_t ws;
	uint8_t nb_sack;
	uint8_t dropped;	/* the test's filter dropped it */
	uint8_t st[HARNESS_NB_SIDES];	/* states of the watched streams then */
	uint16_t sport, dport;	/* host order */
	uint16_t wnd;
	uint16_t mss;
	uint32_t seq, ack, len;	/* len: payload bytes */
	uint32_t tsval, tsecr;
	uint32_t sack[4][2];
};

struct tcp_cap;
/* A filter: @return true to drop segment @r (already recorded). */
typedef bool (*cap_filter_fn)(struct tcp_cap *c, const struct seg_rec *r);

struct tcp_cap {
	struct seg_rec *rec;
	unsigned int n, cap;
	cap_filter_fn filter;	/* NULL: drop nothing */
	uint64_t arg;		/* for the filter */
	unsigned int nb_dropped;
	/* streams whose state is recorded with each segment (NULL: none) */
	struct tern_tcp_stream *watch[HARNESS_NB_SIDES];
};

/* Parse the TCP segment in frame @m into @r. @return false if not TCP. */
bool
seg_parse(const struct rte_mbuf *m, struct seg_rec *r);

bool
cap_tap(void *arg, enum harness_side from, struct rte_mbuf *m, uint64_t now_ns);

/* A tap (harness_set_tap()) that drops the @n-th data segment from A (counted from 1), once. */
struct drop_nth {
	unsigned int n, seen, dropped;
};

static inline bool
drop_nth_tap(void *arg, enum harness_side from, struct rte_mbuf *m, uint64_t now_ns)
{
	struct drop_nth *d = arg;
	struct seg_rec r;

	(void)now_ns;
	if (from != HARNESS_A || !seg_parse(m, &r) || r.len == 0)
		return false;
	if (++d->seen == d->n) {
		d->dropped++;
		return true;
	}
	return false;
}

/* Start recording what crosses the wire of @h into @c (zeroed by the caller). */
static inline void
cap_start(struct harness *h, struct tcp_cap *c)
{
	harness_set_tap(h, cap_tap, c);
}

/* Stop recording and free what was recorded. */
static inline void
cap_stop(struct harness *h, struct tcp_cap *c)
{
	harness_set_tap(h, NULL, NULL);
	free(c->rec);
	memset(c, 0, sizeof(*c));
}

/* Forget the records so far (keep the filter and watches). */
static inline void
cap_clear(struct tcp_cap *c)
{
	c->n = 0;
	c->nb_dropped = 0;
}

/* The last segment from @side (delivered or not), or NULL. */
static inline const struct seg_rec *
cap_last(const struct tcp_cap *c, enum harness_side side)
{
	unsigned int i;

	for (i = c->n; i-- > 0;)
		if (c->rec[i].from == side)
			return &c->rec[i];
	return NULL;
}

/* Segments from @side whose flags include all of @set and, if @data, that carry payload. */
static inline unsigned int
cap_count(const struct tcp_cap *c, enum harness_side side, uint8_t set, bool data)
{
	unsigned int i, n = 0;

	for (i = 0; i < c->n; i++)
		if (c->rec[i].from == side && (c->rec[i].flags & set) == set &&
		    (!data || c->rec[i].len > 0))
			n++;
	return n;
}

/* ---------------------------------------------------------------------- */
/* Hand-made segments. */

/* A segment to inject: from side @from to the other side. */
struct seg_out {
	enum harness_side from;
	uint8_t family;
	uint16_t sport, dport;	/* host order */
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	bool ts;
	uint32_t tsval, tsecr;
	const void *data;
	uint16_t len;
};

/* Build the frame for @o in the receiver's pool (checksums set). */
struct rte_mbuf *
seg_build(struct harness *h, const struct seg_out *o);

/* Build @o and feed it to the receiving side; run until nothing moves. */
static inline void
seg_inject(struct harness *h, const struct seg_out *o)
{
	harness_inject(h, o->from == HARNESS_A ? HARNESS_B : HARNESS_A, seg_build(h, o));
}

/* Local port of @s, host order. */
static inline uint16_t
tcp_lport(const struct tern_tcp_stream *s)
{
	struct tern_sockaddr sa;

	tern_tcp_local(s, &sa);
	return rte_be_to_cpu_16(sa.port);
}

/* Both contexts hold no packet, and every mbuf is back in its pool. */
static inline void
tcp_assert_clean(struct harness *h)
{
	assert_int_equal(tern_ctx_pending(harness_ctx(h, HARNESS_A)), 0);
	assert_int_equal(tern_ctx_pending(harness_ctx(h, HARNESS_B)), 0);
	assert_true(harness_pools_back(h));
}

/* Counter @f of side @s now. */
#define STAT(h, s, f)	(harness_stats((h), (s)).f)

#ifdef TCP_TEST_CAP_FIXTURE
/*
 * The fixture of the tests that watch the wire with a tcp_cap: define
 * TCP_TEST_CAP_FIXTURE before including this header.
 */
struct fixture {
	struct harness *h;
	struct tcp_cap cap;
};

static inline int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	*state = f;
	return 0;
}

/* Destroy the harness (it closes what a failed test left open), free the capture. */
static inline int
teardown(void **state)
{
	struct fixture *f = *state;
	int ret = 0;

	if (f->h != NULL) {
		harness_set_tap(f->h, NULL, NULL);
		ret = harness_destroy(f->h);
	}
	free(f->cap.rec);
	free(f);
	return ret;
}
#endif /* TCP_TEST_CAP_FIXTURE */

#endif /* TCP_TEST_H */
