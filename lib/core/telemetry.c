/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_pause.h>
#include <rte_spinlock.h>
#include <rte_telemetry.h>

#include "tern_core.h"

/*
 * tern on DPDK's telemetry socket (dpdk-telemetry.py, tools/tern-stat),
 * registered by the library itself in a constructor as DPDK's own
 * libraries do: no application code. The core's commands:
 *
 *   /tern/stats          every counter, summed over the contexts
 *   /tern/stats,ID       one context's counters
 *   /tern/stats/desc     what each counter counts
 *   /tern/ctx/list       the contexts: lcore, ports and queues, events
 *                        waiting, and what each layer adds (tel_info)
 *
 * The layers register their own (/tern/tcp/conns, /tern/net/neigh, ...).
 * The telemetry thread reads counters and counts as they are (plain 64-bit
 * loads: a figure may be one packet old); what only the owning lcore may
 * walk, it asks that lcore for through ctx_remote_call().
 */

static rte_spinlock_t reg_lock = RTE_SPINLOCK_INITIALIZER;
static struct tern_ctx *reg[TERN_MAX_CTX];
/* one remote call at a time: the telemetry socket may serve several clients */
static rte_spinlock_t rcall_lock = RTE_SPINLOCK_INITIALIZER;

int
ctx_registry_add(struct tern_ctx *ctx)
{
	unsigned int i;

	ctx->id = -1;
	rte_spinlock_lock(&reg_lock);
	for (i = 0; i < TERN_MAX_CTX; i++) {
		if (reg[i] == NULL) {
			reg[i] = ctx;
			ctx->id = (int)i;
			break;
		}
	}
	rte_spinlock_unlock(&reg_lock);
	return ctx->id >= 0 ? 0 : -ENOSPC;
}

void
ctx_registry_del(struct tern_ctx *ctx)
{
	if (ctx->id < 0)
		return;
	rte_spinlock_lock(&reg_lock);
	reg[ctx->id] = NULL;
	rte_spinlock_unlock(&reg_lock);
	ctx->id = -1;
}

unsigned int
ctx_registry_walk(int id, void (*fn)(const struct tern_ctx *ctx, void *arg), void *arg)
{
	unsigned int i, n = 0;

	rte_spinlock_lock(&reg_lock);
	for (i = 0; i < TERN_MAX_CTX; i++) {
		if (reg[i] == NULL || (id >= 0 && (unsigned int)id != i))
			continue;
		fn(reg[i], arg);
		n++;
	}
	rte_spinlock_unlock(&reg_lock);
	return n;
}

int
ctx_tel_param_id(const char *params)
{
	char *end;
	long v;

	if (params == NULL || *params < '0' || *params > '9')
		return -1;
	v = strtol(params, &end, 10);
	if (*end != '\0' || v < 0 || v >= TERN_MAX_CTX)
		return -1;
	return (int)v;
}

void
ctx_rcall_run(struct tern_ctx *ctx)
{
	/* taken, so that a caller that gave up cannot have it run later */
	ctx_rcall_fn fn = __atomic_exchange_n(&ctx->rcall_fn, NULL, __ATOMIC_ACQ_REL);
	void *arg = __atomic_load_n(&ctx->rcall_arg, __ATOMIC_ACQUIRE);

	if (fn == NULL)
		return;
	fn(ctx, arg);
	__atomic_store_n(&ctx->rcall_done, 1, __ATOMIC_RELEASE);
}

int
ctx_remote_call(unsigned int id, ctx_rcall_fn fn, void *arg, unsigned int timeout_ms)
{
	struct tern_ctx *ctx;
	uint64_t end;
	int ret = 0;

	if (id >= TERN_MAX_CTX)
		return -ENOENT;
	rte_spinlock_lock(&rcall_lock);
	rte_spinlock_lock(&reg_lock);
	ctx = reg[id];
	if (ctx == NULL) {
		rte_spinlock_unlock(&reg_lock);
		rte_spinlock_unlock(&rcall_lock);
		return -ENOENT;
	}
	ctx->rcall_done = 0;
	__atomic_store_n(&ctx->rcall_arg, arg, __ATOMIC_RELEASE);
	__atomic_store_n(&ctx->rcall_fn, fn, __ATOMIC_RELEASE);
	end = rte_get_tsc_cycles() + rte_get_tsc_hz() / 1000 * timeout_ms;
	while (!__atomic_load_n(&ctx->rcall_done, __ATOMIC_ACQUIRE)) {
		if (rte_get_tsc_cycles() > end) {
			/* withdrawn, unless the lcore took it just now: then wait for it */
			ctx_rcall_fn mine = fn;

			if (__atomic_compare_exchange_n(&ctx->rcall_fn, &mine, NULL, false,
							__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
				ret = -ETIMEDOUT;
				break;
			}
		}
		rte_pause();
	}
	rte_spinlock_unlock(&reg_lock);
	rte_spinlock_unlock(&rcall_lock);
	return ret;
}

/* ---- the core's commands ---- */

struct stats_sum {
	uint64_t v[sizeof(struct tern_stats) / sizeof(uint64_t)];
};

static void
stats_add(const struct tern_ctx *ctx, void *arg)
{
	struct stats_sum *sum = arg;
	const uint64_t *v = (const uint64_t *)&ctx->stats;
	unsigned int i;

	for (i = 0; i < RTE_DIM(sum->v); i++)
		sum->v[i] += __atomic_load_n(&v[i], __ATOMIC_RELAXED);
}

static int
tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct stats_sum sum;
	unsigned int i;
	int id = -1;

	RTE_SET_USED(cmd);
	if (params != NULL && *params != '\0') {
		id = ctx_tel_param_id(params);
		if (id < 0)
			return -EINVAL;
	}
	memset(&sum, 0, sizeof(sum));
	if (ctx_registry_walk(id, stats_add, &sum) == 0 && id >= 0)
		return -ENOENT;
	rte_tel_data_start_dict(d);
	for (i = 0; i < RTE_DIM(sum.v); i++)
		rte_tel_data_add_dict_u64(d, tern_stats_name(i), sum.v[i]);
	return 0;
}

static int
tel_stats_desc(const char *cmd, const char *params, struct rte_tel_data *d)
{
	unsigned int i;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_tel_data_start_dict(d);
	for (i = 0; i < sizeof(struct tern_stats) / sizeof(uint64_t); i++)
		rte_tel_data_add_dict_string(d, tern_stats_name(i), tern_stats_desc(i));
	return 0;
}

/*
 * DPDK 22.11's telemetry nests one level: a dict of dicts, never deeper, and
 * an array holds no dicts. So lists are dicts keyed by the item's id.
 */
static void
ctx_list_one(const struct tern_ctx *ctx, void *arg)
{
	struct rte_tel_data *d = arg, *c;
	char ports[RTE_TEL_MAX_STRING_LEN] = "", key[16];
	unsigned int i;
	size_t o = 0;

	c = rte_tel_data_alloc();
	if (c == NULL)
		return;
	rte_tel_data_start_dict(c);
	rte_tel_data_add_dict_int(c, "id", ctx->id);
	rte_tel_data_add_dict_int(c, "lcore", (int)ctx->lcore_id);
	rte_tel_data_add_dict_int(c, "socket", ctx->socket_id);
	for (i = 0; i < ctx->nb_ports && o < sizeof(ports); i++)
		o += (size_t)snprintf(ports + o, sizeof(ports) - o, "%sport %u queue %u",
				      i ? ", " : "", ctx->ports[i].port_id,
				      ctx->ports[i].queue_id);
	rte_tel_data_add_dict_string(c, "ports", ports);
	rte_tel_data_add_dict_u64(c, "events_pending",
				  __atomic_load_n(&ctx->evq_tail, __ATOMIC_RELAXED) -
				  __atomic_load_n(&ctx->evq_head, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(c, "rx_pkts", ctx->stats.rx_pkts);
	rte_tel_data_add_dict_u64(c, "tx_pkts", ctx->stats.tx_pkts);
	for (i = 0; i < ctx->nb_layers; i++)
		if (ctx->layers[i]->tel_info != NULL)
			ctx->layers[i]->tel_info(ctx, c);
	snprintf(key, sizeof(key), "%d", ctx->id);
	if (rte_tel_data_add_dict_container(d, key, c, 0) != 0)
		rte_tel_data_free(c);
}

static int
tel_ctx_list(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_tel_data_start_dict(d);
	ctx_registry_walk(-1, ctx_list_one, d);
	return 0;
}

RTE_INIT(tern_core_telemetry)
{
	rte_telemetry_register_cmd("/tern/stats", tel_stats,
		"tern's counters, summed over the contexts. Parameter: a context id for one");
	rte_telemetry_register_cmd("/tern/stats/desc", tel_stats_desc,
		"What each of tern's counters counts");
	rte_telemetry_register_cmd("/tern/ctx/list", tel_ctx_list,
		"tern's contexts: lcore, ports and queues, events waiting, connections");
}
