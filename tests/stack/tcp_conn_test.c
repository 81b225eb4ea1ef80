/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/* The helpers declared in tcp_conn_test.h, compiled once for every test that uses them. */
#include "tcp_conn_test.h"

void
conn_finish(struct fixture *f, struct tern_tcp_stream *l, struct tern_tcp_stream *a,
       struct tern_tcp_stream *b)
{
	struct harness *h = f->h;

	memset(f->cap.watch, 0, sizeof(f->cap.watch));
	tern_tcp_abort(a);
	tern_tcp_abort(b);
	tern_tcp_close(l);
	harness_run(h, 10 * MS);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_A)), 0);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_B)), 0);
	tcp_assert_clean(h);
}

void
pair_synced(struct fixture *f, struct tern_tcp_stream **l, struct tern_tcp_stream **a,
	    struct tern_tcp_stream **b)
{
	uint8_t buf[16];

	tcp_pair(f->h, 4, l, a, b);
	cap_start(f->h, &f->cap);
	assert_int_equal(tern_tcp_write(*a, "hello", 5), 5);
	harness_run(f->h, 100 * MS);
	assert_int_equal(tern_tcp_read(*b, buf, sizeof(buf)), 5);
	harness_run(f->h, 0);
}

struct b_view
b_view(const struct fixture *f)
{
	const struct seg_rec *r = cap_last(&f->cap, HARNESS_B);
	struct b_view v;

	assert_non_null(r);
	assert_true(r->flags & TH_ACK);
	assert_true(r->has_ts);
	v.rcv_nxt = r->ack;
	v.snd_nxt = r->seq + r->len;
	v.ts_recent = r->tsecr;
	v.tsval = r->tsval;
	v.aport = r->dport;
	return v;
}

void
inject_a(struct fixture *f, const struct b_view *v, uint8_t flags, uint32_t seq, uint32_t ack,
	 uint32_t tsval, const void *data, uint16_t len)
{
	struct seg_out o = {
		.from = HARNESS_A,
		.family = 4,
		.sport = v->aport,
		.dport = TCP_PORT_B,
		.seq = seq,
		.ack = ack,
		.flags = flags,
		.wnd = 1000,
		.ts = true,
		.tsval = tsval,
		.tsecr = v->tsval,
		.data = data,
		.len = len,
	};

	seg_inject(f->h, &o);
}
