/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * The layer table of a context (struct ctx_layer_ops, ctx_layer_add(),
 * ctx_layer_has(), ctx_post_input() in lib/core/ctx.c and tern_core.h).
 * Extra layers are added to a real context from tern_ctx_create(), which
 * already holds the stack's net, udp and tcp layers:
 *
 * - layers run post_input (after tern_ctx_input()), tx_space (after a flush
 *   that found room again) and pending (tern_ctx_pending()) in the order
 *   they were added, and fini in reverse order at tern_ctx_destroy();
 * - tern_ctx_pending() is the sum of the layers' pending (and the rest);
 * - the same ops added twice, or a second ops with an input, gives -EEXIST
 *   and registers nothing; the (CTX_MAX_LAYERS + 1)th gives -ENOSPC;
 * - an init that fails returns its error, registers nothing, and its fini
 *   is never called;
 * - a layer with only a fini (as the socket layer's) is added and torn down.
 *
 * Every test ends with the mbuf pool back where it started.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_env.h"

#include <tern/tern.h>

#include "tern_core.h"

#define NB_TEST_LAYERS	CTX_MAX_LAYERS	/* more than can ever fit beside the stack's */
#define STACK_LAYERS	3		/* net, udp, tcp (lib/stack/stack.c) */
#define LOG_MAX		256

static const struct rte_ether_addr our_mac = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 } };

enum hook { H_INIT, H_FINI, H_POST_INPUT, H_TX_SPACE, H_PENDING };

/* What the test layers were asked to do, in order: (layer, hook). */
static struct {
	unsigned int layer;
	enum hook hook;
} hook_log[LOG_MAX];
static unsigned int nb_log;

/* per test layer: what its init returns, what its pending says, the param it got */
static int init_ret[NB_TEST_LAYERS];
static unsigned int pending_val[NB_TEST_LAYERS];
static const struct tern_ctx_param *init_param[NB_TEST_LAYERS];
static struct tern_ctx *init_ctx[NB_TEST_LAYERS];

static struct ctx_layer_ops test_ops[NB_TEST_LAYERS];

static void
log_hook(unsigned int layer, enum hook h)
{
	assert_true(nb_log < LOG_MAX);
	hook_log[nb_log].layer = layer;
	hook_log[nb_log].hook = h;
	nb_log++;
}

/* How many times @hook of @layer ran. */
static unsigned int
hook_count(unsigned int layer, enum hook h)
{
	unsigned int i, n = 0;

	for (i = 0; i < nb_log; i++)
		if (hook_log[i].layer == layer && hook_log[i].hook == h)
			n++;
	return n;
}

/* The layers whose @hook ran, in order, into @out. @return how many. */
static unsigned int
hook_order(enum hook h, unsigned int *out, unsigned int max)
{
	unsigned int i, n = 0;

	for (i = 0; i < nb_log; i++)
		if (hook_log[i].hook == h) {
			assert_true(n < max);
			out[n++] = hook_log[i].layer;
		}
	return n;
}

/* A set of hooks for test layer @i: each one logs itself. */
#define TEST_LAYER_HOOKS(i)							\
static int									\
layer##i##_init(struct tern_ctx *ctx, const struct tern_ctx_param *param)	\
{										\
	log_hook(i, H_INIT);							\
	init_param[i] = param;							\
	init_ctx[i] = ctx;							\
	return init_ret[i];							\
}										\
static void									\
layer##i##_fini(struct tern_ctx *ctx)						\
{										\
	(void)ctx;								\
	log_hook(i, H_FINI);							\
}										\
static void									\
layer##i##_post_input(struct tern_ctx *ctx)					\
{										\
	(void)ctx;								\
	log_hook(i, H_POST_INPUT);						\
}										\
static void									\
layer##i##_tx_space(struct tern_ctx *ctx)					\
{										\
	(void)ctx;								\
	log_hook(i, H_TX_SPACE);						\
}										\
static unsigned int								\
layer##i##_pending(const struct tern_ctx *ctx)					\
{										\
	(void)ctx;								\
	log_hook(i, H_PENDING);							\
	return pending_val[i];							\
}

TEST_LAYER_HOOKS(0)
TEST_LAYER_HOOKS(1)
TEST_LAYER_HOOKS(2)
TEST_LAYER_HOOKS(3)
TEST_LAYER_HOOKS(4)
TEST_LAYER_HOOKS(5)
TEST_LAYER_HOOKS(6)
TEST_LAYER_HOOKS(7)

/* An input hook that must never be installed: the net layer has the input. */
static void
second_input(struct tern_ctx *ctx, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	(void)ctx;
	(void)port;
	rte_pktmbuf_free_bulk(pkts, n);
	fail_msg("a second input hook was installed");
}

#define TEST_LAYER_OPS(i) {							\
	.name = "test" #i, .init = layer##i##_init, .fini = layer##i##_fini,	\
	.post_input = layer##i##_post_input, .tx_space = layer##i##_tx_space,	\
	.pending = layer##i##_pending,						\
}

static const struct ctx_layer_ops full_ops[NB_TEST_LAYERS] = {
	TEST_LAYER_OPS(0), TEST_LAYER_OPS(1), TEST_LAYER_OPS(2), TEST_LAYER_OPS(3),
	TEST_LAYER_OPS(4), TEST_LAYER_OPS(5), TEST_LAYER_OPS(6), TEST_LAYER_OPS(7),
};

/* ---- the context under test ---- */

/* A context of the stack on a capturing virtual device; the test layers reset. */
static struct test_env *
env_open(void **state)
{
	struct test_env_param p = {
		.name = "layers", .mac = our_mac, .mark_pool = true,
	};
	struct test_env *e = calloc(1, sizeof(*e));
	unsigned int i;

	assert_non_null(e);
	*state = e;
	nb_log = 0;
	for (i = 0; i < NB_TEST_LAYERS; i++) {
		test_ops[i] = full_ops[i];
		init_ret[i] = 0;
		pending_val[i] = 0;
		init_param[i] = NULL;
		init_ctx[i] = NULL;
	}
	assert_int_equal(test_env_open(e, &p), 0);
	assert_int_equal(tern_net_addr4_add(e->net, 0, test_ip4(10, 0, 0, 1), 24), 0);
	assert_int_equal(test_env_start(e), 0);
	/* what the stack assembly added */
	assert_int_equal(e->ctx->nb_layers, STACK_LAYERS);
	return e;
}

/* One frame in (an EtherType nobody takes): one input burst, then post_input. */
static void
input_burst(struct test_env *e)
{
	uint8_t f[60] = { 0 };

	test_eth_hdr(f, &our_mac, &(struct rte_ether_addr){ { 0x02, 0, 0, 0, 0, 0x09 } },
		     0x88b5 /* local experimental */);
	test_env_send(e, f, sizeof(f));
}

/*
 * A flush after the context found a port's buffer full (ctx_tx_room() set
 * tx_was_full) and there is room now: what runs the tx_space hooks. The
 * virtual device takes everything at once, so the full buffer is what
 * ctx_tx_room() leaves behind when it sees one, set here by hand.
 */
static void
flush_after_full(struct test_env *e)
{
	e->ctx->tx_was_full = true;
	tern_ctx_flush(e->ctx);
	assert_false(e->ctx->tx_was_full);
}

/* ---- the tests ---- */

/*
 * Three layers added in order 0, 1, 2 run post_input, tx_space and pending
 * in that order, each once per call; at tern_ctx_destroy() their fini runs
 * in the order 2, 1, 0, once each.
 */
static void
test_layers_run_in_order_and_fini_in_reverse(void **state)
{
	static const struct tern_ctx_param cp = { .socket_id = SOCKET_ID_ANY };
	const struct tern_ctx_param *param = &cp;
	struct test_env *e = env_open(state);
	unsigned int order[LOG_MAX], n, i;

	for (i = 0; i < 3; i++) {
		assert_int_equal(ctx_layer_add(e->ctx, &test_ops[i], param), 0);
		assert_true(ctx_layer_has(e->ctx, &test_ops[i]));
		/* its init got the context and the param */
		assert_ptr_equal(init_ctx[i], e->ctx);
		assert_ptr_equal(init_param[i], param);
	}
	assert_int_equal(e->ctx->nb_layers, STACK_LAYERS + 3);
	assert_false(ctx_layer_has(e->ctx, &test_ops[3]));
	n = hook_order(H_INIT, order, LOG_MAX);
	assert_int_equal(n, 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(order[i], i);

	input_burst(e);
	n = hook_order(H_POST_INPUT, order, LOG_MAX);
	assert_int_equal(n, 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(order[i], i);

	/* no tx_space on a flush that did not follow a full buffer */
	tern_ctx_flush(e->ctx);
	assert_int_equal(hook_order(H_TX_SPACE, order, LOG_MAX), 0);
	flush_after_full(e);
	n = hook_order(H_TX_SPACE, order, LOG_MAX);
	assert_int_equal(n, 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(order[i], i);

	assert_int_equal(tern_ctx_pending(e->ctx), 0);
	n = hook_order(H_PENDING, order, LOG_MAX);
	assert_int_equal(n, 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(order[i], i);

	/* nothing torn down before the end */
	assert_int_equal(hook_order(H_FINI, order, LOG_MAX), 0);
	test_env_finish(e);
	n = hook_order(H_FINI, order, LOG_MAX);
	assert_int_equal(n, 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(order[i], 2 - i);
}

/* tern_ctx_pending() adds what every layer holds to what the ports hold. */
static void
test_layers_pending_is_summed(void **state)
{
	struct test_env *e = env_open(state);
	unsigned int base;

	base = tern_ctx_pending(e->ctx);
	assert_int_equal(base, 0);
	pending_val[0] = 3;
	pending_val[1] = 5;
	pending_val[2] = 0;
	assert_int_equal(ctx_layer_add(e->ctx, &test_ops[0], NULL), 0);
	assert_int_equal(tern_ctx_pending(e->ctx), 3);
	assert_int_equal(ctx_layer_add(e->ctx, &test_ops[1], NULL), 0);
	assert_int_equal(ctx_layer_add(e->ctx, &test_ops[2], NULL), 0);
	assert_int_equal(tern_ctx_pending(e->ctx), 3 + 5);
	pending_val[2] = 1000;
	assert_int_equal(tern_ctx_pending(e->ctx), 3 + 5 + 1000);
	/* and a packet waiting in a port's tx buffer counts too */
	ctx_tx(e->ctx, 0, tern_test_mbuf_from("x", 1));
	assert_int_equal(tern_ctx_pending(e->ctx), 1 + 3 + 5 + 1000);
	tern_ctx_flush(e->ctx);
	assert_int_equal(tern_ctx_pending(e->ctx), 3 + 5 + 1000);
	assert_int_equal(e->nb_cap, 1);
	test_env_finish(e);
}

/*
 * The same ops added again: -EEXIST, its init not run again, nothing
 * registered twice (each hook still runs once per call, fini once).
 */
static void
test_layers_same_ops_twice_is_eexist(void **state)
{
	struct test_env *e = env_open(state);

	assert_int_equal(ctx_layer_add(e->ctx, &test_ops[0], NULL), 0);
	assert_int_equal(ctx_layer_add(e->ctx, &test_ops[0], NULL), -EEXIST);
	assert_int_equal(e->ctx->nb_layers, STACK_LAYERS + 1);
	assert_int_equal(hook_count(0, H_INIT), 1);
	/* a stack layer is refused the same way */
	assert_int_equal(ctx_layer_add(e->ctx, e->ctx->layers[0], NULL), -EEXIST);
	assert_int_equal(e->ctx->nb_layers, STACK_LAYERS + 1);

	input_burst(e);
	assert_int_equal(hook_count(0, H_POST_INPUT), 1);
	pending_val[0] = 7;
	assert_int_equal(tern_ctx_pending(e->ctx), 7);
	flush_after_full(e);
	assert_int_equal(hook_count(0, H_TX_SPACE), 1);
	test_env_finish(e);
	assert_int_equal(hook_count(0, H_FINI), 1);
}

/*
 * A second ops with an input hook (the net layer's is the context's
 * input): -EEXIST, its init not run, nothing registered, the input still
 * the net layer's.
 */
static void
test_layers_second_input_is_eexist(void **state)
{
	struct test_env *e = env_open(state);
	tern_ctx_input_t input = e->ctx->input;

	assert_non_null(input);
	test_ops[0].input = second_input;
	assert_int_equal(ctx_layer_add(e->ctx, &test_ops[0], NULL), -EEXIST);
	assert_false(ctx_layer_has(e->ctx, &test_ops[0]));
	assert_int_equal(e->ctx->nb_layers, STACK_LAYERS);
	assert_int_equal(hook_count(0, H_INIT), 0);
	assert_ptr_equal(e->ctx->input, input);
	/* and input goes where it went: not to second_input, not to its post_input */
	input_burst(e);
	assert_int_equal(hook_count(0, H_POST_INPUT), 0);
	/* the same ops without the input is taken */
	test_ops[0].input = NULL;
	assert_int_equal(ctx_layer_add(e->ctx, &test_ops[0], NULL), 0);
	assert_ptr_equal(e->ctx->input, input);
	test_env_finish(e);
	assert_int_equal(hook_count(0, H_FINI), 1);
}

/*
 * Layers up to CTX_MAX_LAYERS are taken; the next one gives -ENOSPC, its
 * init not run, nothing registered; every one that was taken is torn down.
 */
static void
test_layers_one_past_max_is_enospc(void **state)
{
	struct test_env *e = env_open(state);
	unsigned int room = CTX_MAX_LAYERS - STACK_LAYERS, i, n;
	unsigned int order[LOG_MAX];

	assert_true(room < NB_TEST_LAYERS);
	for (i = 0; i < room; i++)
		assert_int_equal(ctx_layer_add(e->ctx, &test_ops[i], NULL), 0);
	assert_int_equal(e->ctx->nb_layers, CTX_MAX_LAYERS);
	assert_int_equal(ctx_layer_add(e->ctx, &test_ops[room], NULL), -ENOSPC);
	assert_false(ctx_layer_has(e->ctx, &test_ops[room]));
	assert_int_equal(e->ctx->nb_layers, CTX_MAX_LAYERS);
	assert_int_equal(hook_count(room, H_INIT), 0);
	input_burst(e);
	assert_int_equal(hook_count(room, H_POST_INPUT), 0);
	assert_int_equal(hook_order(H_POST_INPUT, order, LOG_MAX), room);
	test_env_finish(e);
	n = hook_order(H_FINI, order, LOG_MAX);
	assert_int_equal(n, room);
	for (i = 0; i < room; i++)
		assert_int_equal(order[i], room - 1 - i);
}

/*
 * An init that fails: its error comes back, nothing is registered (not
 * even a slot: the next layer still fits), and its fini never runs.
 */
static void
test_layers_failed_init_registers_nothing(void **state)
{
	struct test_env *e = env_open(state);

	init_ret[1] = -ENOMEM;
	assert_int_equal(ctx_layer_add(e->ctx, &test_ops[0], NULL), 0);
	assert_int_equal(ctx_layer_add(e->ctx, &test_ops[1], NULL), -ENOMEM);
	assert_int_equal(hook_count(1, H_INIT), 1);
	assert_false(ctx_layer_has(e->ctx, &test_ops[1]));
	assert_int_equal(e->ctx->nb_layers, STACK_LAYERS + 1);
	/* none of its hooks runs */
	pending_val[1] = 9;
	assert_int_equal(tern_ctx_pending(e->ctx), 0);
	input_burst(e);
	flush_after_full(e);
	assert_int_equal(hook_count(1, H_POST_INPUT), 0);
	assert_int_equal(hook_count(1, H_TX_SPACE), 0);
	assert_int_equal(hook_count(1, H_PENDING), 0);
	/* the failed init took no slot: all the others still fit */
	init_ret[2] = -EINVAL;
	assert_int_equal(ctx_layer_add(e->ctx, &test_ops[2], NULL), -EINVAL);
	init_ret[2] = 0;
	assert_int_equal(ctx_layer_add(e->ctx, &test_ops[2], NULL), 0);
	assert_int_equal(hook_count(2, H_INIT), 2);
	assert_int_equal(e->ctx->nb_layers, STACK_LAYERS + 2);
	test_env_finish(e);
	assert_int_equal(hook_count(1, H_FINI), 0);
	assert_int_equal(hook_count(0, H_FINI), 1);
	assert_int_equal(hook_count(2, H_FINI), 1);
}

/*
 * A layer with nothing but a fini, added after creation with no param (as
 * the socket layer is, lib/sock/sock.c): taken; the context runs input,
 * flushes and counts pending around it; its fini runs once at the end.
 */
static void
test_layers_fini_only_layer(void **state)
{
	struct test_env *e = env_open(state);
	/* static: the context keeps the pointer until its teardown */
	static const struct ctx_layer_ops fini_only = { .name = "fini only", .fini = layer0_fini };

	assert_int_equal(ctx_layer_add(e->ctx, &fini_only, NULL), 0);
	assert_true(ctx_layer_has(e->ctx, &fini_only));
	assert_int_equal(e->ctx->nb_layers, STACK_LAYERS + 1);
	input_burst(e);
	flush_after_full(e);
	assert_int_equal(tern_ctx_pending(e->ctx), 0);
	/* and a full layer after it still runs its hooks */
	assert_int_equal(ctx_layer_add(e->ctx, &test_ops[1], NULL), 0);
	input_burst(e);
	assert_int_equal(hook_count(1, H_POST_INPUT), 1);
	assert_int_equal(nb_log, 2);	/* layer 1's init and post_input: nothing of layer 0 */
	test_env_finish(e);
	assert_int_equal(hook_count(0, H_FINI), 1);
	/* newest first: layer 1, then the fini-only one */
	assert_int_equal(nb_log, 4);
	assert_int_equal(hook_log[2].layer, 1);
	assert_int_equal(hook_log[2].hook, H_FINI);
	assert_int_equal(hook_log[3].layer, 0);
	assert_int_equal(hook_log[3].hook, H_FINI);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_layers_run_in_order_and_fini_in_reverse,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_layers_pending_is_summed, test_env_teardown),
		cmocka_unit_test_teardown(test_layers_same_ops_twice_is_eexist,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_layers_second_input_is_eexist, test_env_teardown),
		cmocka_unit_test_teardown(test_layers_one_past_max_is_enospc, test_env_teardown),
		cmocka_unit_test_teardown(test_layers_failed_init_registers_nothing,
					  test_env_teardown),
		cmocka_unit_test_teardown(test_layers_fini_only_layer, test_env_teardown),
	};
	int ret;

	if (tern_test_eal_init("core_layers") != 0)
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	tern_test_eal_fini();
	return ret;
}
