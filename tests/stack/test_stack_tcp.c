/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * TCP between two stacks through the harness: the handshake, a transfer
 * checked byte for byte, the close sequences, and the sizes of the records.
 */
#include "tcp_test.h"

struct fixture {
	struct harness *h;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->h = harness_create(NULL, NULL);
	if (f->h == NULL)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	int ret = harness_destroy(f->h);

	free(f);
	return ret;
}

static void
test_record_sizes(void **state)
{
	size_t tcb, syn, tw;

	(void)state;
	tern_tcp_record_sizes(&tcb, &syn, &tw);
	printf("sizeof: control block %zu B, syncache entry %zu B, TIME_WAIT record %zu B\n",
	       tcb, syn, tw);
	assert_true(tcb <= 1024);
	assert_true(syn <= 192);
	assert_true(tw <= 128);
}

static void
handshake(struct fixture *f, uint8_t family)
{
	struct tern_tcp_stream *l, *a, *b;
	struct tern_tcp_info ia, ib;
	struct ev_tally ea = { 0 }, eb = { 0 };
	struct tern_sockaddr sa;

	tcp_pair(f->h, family, &l, &a, &b);
	ev_collect(f->h, HARNESS_A, &ea);
	ev_collect(f->h, HARNESS_B, &eb);
	assert_int_equal(ea.n[TERN_EV_CONNECTED], 1);
	assert_ptr_equal(ea.last_obj[TERN_EV_CONNECTED], a);
	assert_int_equal(eb.n[TERN_EV_ACCEPT], 1);
	assert_ptr_equal(eb.last_obj[TERN_EV_ACCEPT], l);
	tern_tcp_info(a, &ia);
	tern_tcp_info(b, &ib);
	assert_true(ia.ts_ok && ib.ts_ok);
	assert_true(ia.sack_ok && ib.sack_ok);
	assert_int_equal(ia.snd_wscale, ib.rcv_wscale);
	assert_int_equal(ib.snd_wscale, ia.rcv_wscale);
	assert_true(ia.rcv_wscale > 0);
	/* the MTU's MSS less the 12 bytes of timestamps on every segment */
	assert_int_equal(ia.mss, family == 4 ? 1448 : 1428);
	tern_tcp_remote(b, &sa);
	assert_int_equal(sa.family, family);
	tern_tcp_local(a, &sa);
	assert_true(rte_be_to_cpu_16(sa.port) >= 32768);
	tern_tcp_abort(a);
	tern_tcp_abort(b);
	tern_tcp_close(l);
	harness_run(f->h, 10 * MS);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(f->h, HARNESS_A)), 0);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(f->h, HARNESS_B)), 0);
	assert_int_equal(tern_ctx_pending(harness_ctx(f->h, HARNESS_A)), 0);
	assert_int_equal(tern_ctx_pending(harness_ctx(f->h, HARNESS_B)), 0);
	assert_true(harness_pools_back(f->h));
}

static void
test_handshake_ipv4(void **state)
{
	handshake(*state, 4);
}

static void
test_handshake_ipv6(void **state)
{
	handshake(*state, 6);
}

static void
transfer(struct fixture *f, uint8_t family, uint64_t total)
{
	struct tern_tcp_stream *l, *a, *b;
	uint64_t t0, got;

	tcp_pair(f->h, family, &l, &a, &b);
	t0 = harness_now(f->h);
	got = tcp_transfer(f->h, a, b, total, 42, 600 * SEC);
	printf("%" PRIu64 " bytes in %.3f s of virtual time\n", got,
	       (double)(harness_now(f->h) - t0) / SEC);
	assert_int_equal(got, total);
	/* A closes first: A goes through FIN_WAIT to TIME_WAIT, B to CLOSED */
	tern_tcp_close(a);
	harness_run(f->h, 10 * MS);
	assert_int_equal(tern_tcp_read(b, (uint8_t[16]){ 0 }, 16), 0);	/* end of stream */
	assert_int_equal(tern_tcp_state(b), TERN_TCP_CLOSE_WAIT);
	tern_tcp_close(b);
	harness_run(f->h, 10 * MS);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(f->h, HARNESS_B)), 1);	/* the listener */
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(f->h, HARNESS_A)), 0);
	tern_tcp_close(l);
	assert_int_equal(tern_ctx_pending(harness_ctx(f->h, HARNESS_A)), 0);
	assert_int_equal(tern_ctx_pending(harness_ctx(f->h, HARNESS_B)), 0);
	assert_true(harness_pools_back(f->h));
}

static void
test_transfer_10mb_ipv4(void **state)
{
	transfer(*state, 4, 10u << 20);
}

static void
test_transfer_10mb_ipv6(void **state)
{
	transfer(*state, 6, 10u << 20);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_sizes),
		T(test_handshake_ipv4),
		T(test_handshake_ipv6),
		T(test_transfer_10mb_ipv4),
		T(test_transfer_10mb_ipv6),
	};
	int ret;

	if (harness_eal_init("test_stack_tcp") != 0)
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	harness_eal_fini();
	return ret;
}
