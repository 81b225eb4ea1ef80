/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/* The benchmarks' tern TCP client and server (bench_tcp_ends.h). */

#include <errno.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "bench_tcp_ends.h"

#define BTC_BURST	32
#define BTC_EVENTS	64

static void
slot_free(struct btc *b, struct btc_conn *c)
{
	c->s = NULL;
	c->up = false;
	b->free_slot[b->nb_free++] = (uint32_t)(c - b->cc);
}

static void
fail(struct btc *b, struct btc_conn *c)
{
	b->errors++;
	tern_tcp_close(c->s);
	if (b->kind == BTC_CRR || b->kind == BTC_HOLD || c->busy)
		b->inflight--;
	c->busy = false;
	if (b->kind == BTC_CRR)
		slot_free(b, c);
	else
		c->s = NULL;
}

static void
request(struct btc *b, struct btc_conn *c)
{
	if (tern_tcp_write(c->s, b->req, b->size) != (ssize_t)b->size) {
		fail(b, c);
		return;
	}
	c->got = 0;
	if (b->kind == BTC_RR) {
		c->busy = true;
		b->inflight++;
	}
}

/* Take the response; crr closes after it, rr sends the next request. */
static void
read_response(struct btc *b, struct btc_conn *c)
{
	struct rte_mbuf *m[BTC_BURST];
	uint16_t n, i;

	for (;;) {
		n = tern_tcp_recv_burst(c->s, m, BTC_BURST);
		if (n == 0) {
			if (rte_errno != EAGAIN)
				fail(b, c);
			return;
		}
		for (i = 0; i < n; i++)
			c->got += m[i]->data_len;
		rte_pktmbuf_free_bulk(m, n);
		if (c->got < b->size || b->kind == BTC_STREAM)
			continue;
		b->ops++;
		if (b->kind == BTC_CRR) {
			tern_tcp_close(c->s);	/* active close: TIME_WAIT here */
			b->inflight--;
			slot_free(b, c);
			return;
		}
		c->busy = false;
		b->inflight--;
		if (!b->drain)
			request(b, c);
	}
}

static void
event(struct btc *b, struct btc_conn *c, const struct tern_event *ev)
{
	struct tern_tcp_info info;

	switch (ev->type) {
	case TERN_EV_CONNECTED:
		c->up = true;
		b->established++;
		if (b->kind == BTC_HOLD) {
			b->inflight--;
			b->ops++;
		} else if (b->kind == BTC_CRR) {
			request(b, c);
		} else if (b->kind == BTC_STREAM) {
			tern_tcp_info(c->s, &info);
			b->seg = info.mss;
			b->tx_idle = tern_tcp_tx_space(c->s);
		}
		break;
	case TERN_EV_READABLE:
		if (b->kind != BTC_HOLD)
			read_response(b, c);
		break;
	case TERN_EV_WRITABLE:
		break;
	default:		/* CLOSED, ERROR: the server never closes first */
		fail(b, c);
		break;
	}
}

struct tern_tcp_stream *
btc_connect(struct btc *b, uint32_t idx, uint16_t port)
{
	struct tern_tcp_param p = { 0 };

	p.local.family = 4;
	p.remote.family = 4;
	p.remote.ip4 = b->remote;
	p.remote.port = rte_cpu_to_be_16(port);
	p.udata = idx;
	if (b->kind == BTC_CRR || b->kind == BTC_RR)
		p.flags = TERN_TCP_F_NODELAY;
	return tern_tcp_connect(b->ctx, &p);
}

/* stream: fill the send space with MSS-sized mbufs. @return mbufs queued. */
static unsigned int
stream_fill(struct btc *b, struct btc_conn *c)
{
	struct rte_mbuf *m[BTC_BURST];
	struct rte_mempool *mp = tern_ctx_pool(b->ctx);
	unsigned int queued = 0;
	uint32_t space;
	uint16_t k, a, i;

	space = tern_tcp_tx_space(c->s);
	while (space >= b->seg) {
		k = (uint16_t)RTE_MIN((uint32_t)BTC_BURST, space / b->seg);
		if (rte_pktmbuf_alloc_bulk(mp, m, k) != 0)
			break;
		for (i = 0; i < k; i++)
			rte_pktmbuf_append(m[i], b->seg);
		a = tern_tcp_send_burst(c->s, m, k);
		queued += a;
		if (a < k) {
			rte_pktmbuf_free_bulk(m + a, k - a);
			break;
		}
		space -= (uint32_t)a * b->seg;
	}
	return queued;
}

unsigned int
btc_top_up(struct btc *b)
{
	struct tern_tcp_stream *s;
	struct btc_conn *c;
	unsigned int i;

	if (b->drain)
		return 0;
	switch (b->kind) {
	case BTC_CRR:
		while (b->nb_free > 0) {
			uint32_t idx = b->free_slot[--b->nb_free];

			s = btc_connect(b, idx, b->port0);
			if (s == NULL) {
				b->free_slot[b->nb_free++] = idx;
				b->errors++;
				break;
			}
			b->cc[idx].s = s;
			b->cc[idx].got = 0;
			b->inflight++;
		}
		break;
	case BTC_HOLD:
		while (b->inflight < b->hold_window && b->issued < b->hold_total) {
			s = btc_connect(b, (uint32_t)b->issued,
					(uint16_t)(b->port0 + b->issued % b->nb_ports));
			if (s == NULL) {
				b->errors++;
				break;
			}
			b->cc[b->issued++].s = s;
			b->inflight++;
		}
		break;
	case BTC_RR:
		if (!b->kick)
			break;
		b->kick = false;
		for (i = 0; i < b->nb_cc; i++) {
			c = &b->cc[i];
			if (c->s != NULL && c->up && !c->busy)
				request(b, c);
		}
		break;
	case BTC_STREAM:
		c = &b->cc[0];
		if (c->s != NULL && c->up)
			return stream_fill(b, c);
		break;
	}
	return 0;
}

unsigned int
btc_round(struct btc *b)
{
	struct tern_event ev[BTC_EVENTS];
	unsigned int n, nev, i;

	n = tern_ctx_poll(b->ctx);
	nev = tern_ctx_events(b->ctx, ev, BTC_EVENTS);
	for (i = 0; i < nev; i++) {
		uint64_t idx = ev[i].udata;

		/* a stream closed earlier in this batch: its slot is empty */
		if (idx >= b->nb_cc || b->cc[idx].s != ev[i].obj)
			continue;
		event(b, &b->cc[idx], &ev[i]);
	}
	n += nev + btc_top_up(b);
	tern_ctx_flush(b->ctx);
	return n;
}

/* ---------------------------------------------------------------------- */
/* Server */

static bool
is_listener(const struct bts *b, const struct tern_tcp_stream *s)
{
	unsigned int i;

	for (i = 0; i < b->nb_lst; i++)
		if (b->lst[i] == s)
			return true;
	return false;
}

/*
 * Read what arrived; crr and rr echo it (zero copy: the received mbufs go
 * back through tern_tcp_send_burst), stream frees it.
 * @return true when the stream is done: end of stream, or an error.
 */
static bool
pump(struct bts *b, struct tern_tcp_stream *s)
{
	struct rte_mbuf *m[BTC_BURST];
	uint16_t n, k, i;
	uint64_t bytes;

	for (;;) {
		n = tern_tcp_recv_burst(s, m, BTC_BURST);
		if (n == 0) {
			if (rte_errno != EAGAIN && rte_errno != 0)
				b->errors++;
			return rte_errno != EAGAIN;
		}
		for (bytes = 0, i = 0; i < n; i++)
			bytes += m[i]->data_len;
		b->bytes += bytes;
		if (b->sink) {
			rte_pktmbuf_free_bulk(m, n);
			continue;
		}
		k = tern_tcp_send_burst(s, m, n);
		if (k < n) {
			/* the echo does not fit the send buffer: not with these sizes */
			rte_pktmbuf_free_bulk(m + k, n - k);
			b->errors++;
			return true;
		}
	}
}

static void
accept_all(struct bts *b, struct tern_tcp_stream *l)
{
	struct tern_tcp_stream *s[BTC_BURST];
	uint16_t n, i;

	while ((n = tern_tcp_accept_burst(l, s, BTC_BURST)) > 0) {
		b->accepted += n;
		if (b->hold)
			continue;	/* idle: the context keeps them */
		/*
		 * Data may have come with the handshake. A stream accepted
		 * here is in no event already taken off the queue, so it
		 * may be closed at once.
		 */
		for (i = 0; i < n; i++)
			if (pump(b, s[i]))
				tern_tcp_close(s[i]);
	}
}

unsigned int
bts_round(struct bts *b)
{
	struct tern_event ev[BTC_EVENTS];
	struct tern_tcp_stream *done[BTC_EVENTS];
	unsigned int n, nev, i, j, nd = 0;

	n = tern_ctx_poll(b->ctx);
	nev = tern_ctx_events(b->ctx, ev, BTC_EVENTS);
	for (i = 0; i < nev; i++) {
		struct tern_tcp_stream *s = ev[i].obj;

		if (is_listener(b, s)) {
			accept_all(b, s);
			continue;
		}
		if (b->hold || !pump(b, s))
			continue;
		/* closed after the batch: a later event of it may be in ev[] */
		for (j = 0; j < nd && done[j] != s; j++)
			;
		if (j == nd)
			done[nd++] = s;
	}
	for (i = 0; i < nd; i++)
		tern_tcp_close(done[i]);
	tern_ctx_flush(b->ctx);
	return n + nev;
}
