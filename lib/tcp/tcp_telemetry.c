/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_telemetry.h>

#include "tern_tcp_priv.h"

/*
 * TCP on the telemetry socket (see lib/core/telemetry.c):
 *
 *   /tern/tcp/conns,ID   context ID's connections: 4-tuple, state, cwnd,
 *                        smoothed RTT, bytes each way, retransmissions
 *
 * The list is walked by the context's own lcore at its next poll
 * (ctx_remote_call()): streams come and go only there.
 */

#define TCP_TEL_MAX		40	/* listed at most (the socket's reply is 16 KB) */
#define TCP_TEL_TIMEOUT_MS	500

struct tcp_tel_conn {
	struct tern_sockaddr l, r;
	struct tern_tcp_info ti;
};

struct tcp_tel_snap {
	uint32_t total;
	uint32_t n;
	struct tcp_tel_conn c[TCP_TEL_MAX];
};

/* On the context's lcore. */
static void
tcp_tel_snap(struct tern_ctx *ctx, void *arg)
{
	struct tcp_tel_snap *snap = arg;
	const struct tern_tcp_ctx *tc = tcpc(ctx);
	const struct tern_tcp_stream *s;
	struct tcp_pool_iter it;

	if (tc == NULL)
		return;
	TCP_FOREACH_STREAM(tc, it, s) {
		snap->total++;
		if (snap->n == TCP_TEL_MAX)
			continue;
		tern_tcp_local(s, &snap->c[snap->n].l);
		tern_tcp_remote(s, &snap->c[snap->n].r);
		tern_tcp_info(s, &snap->c[snap->n].ti);
		snap->n++;
	}
}

static void
sa_str(const struct tern_sockaddr *sa, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (inet_ntop(sa->family == 6 ? AF_INET6 : AF_INET, &sa->ip4, a, sizeof(a)) == NULL)
		snprintf(a, sizeof(a), "?");
	snprintf(buf, len, sa->family == 6 ? "[%s]:%u" : "%s:%u", a,
		 rte_be_to_cpu_16(sa->port));
}

static int
tel_conns(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct tcp_tel_snap *snap;
	uint32_t i;
	int id, ret;

	RTE_SET_USED(cmd);
	id = ctx_tel_param_id(params);
	if (id < 0)
		return -EINVAL;
	snap = calloc(1, sizeof(*snap));
	if (snap == NULL)
		return -ENOMEM;
	ret = ctx_remote_call((unsigned int)id, tcp_tel_snap, snap, TCP_TEL_TIMEOUT_MS);
	if (ret != 0) {
		free(snap);
		return ret;
	}
	/* a dict of dicts (telemetry nests one level): "total", "shown", then "0", "1", ... */
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "total", snap->total);
	rte_tel_data_add_dict_u64(d, "shown", snap->n);
	for (i = 0; i < snap->n; i++) {
		const struct tcp_tel_conn *c = &snap->c[i];
		struct rte_tel_data *e = rte_tel_data_alloc();
		char buf[INET6_ADDRSTRLEN + 10], key[16];

		if (e == NULL)
			break;
		rte_tel_data_start_dict(e);
		sa_str(&c->l, buf, sizeof(buf));
		rte_tel_data_add_dict_string(e, "local", buf);
		sa_str(&c->r, buf, sizeof(buf));
		rte_tel_data_add_dict_string(e, "remote", buf);
		rte_tel_data_add_dict_string(e, "state", tern_tcp_state_name((enum tern_tcp_state)c->ti.state));
		rte_tel_data_add_dict_u64(e, "cwnd", c->ti.cwnd);
		rte_tel_data_add_dict_u64(e, "srtt_us", c->ti.rtt_us);
		rte_tel_data_add_dict_u64(e, "bytes_sent", c->ti.bytes_sent);
		rte_tel_data_add_dict_u64(e, "bytes_received", c->ti.bytes_received);
		rte_tel_data_add_dict_u64(e, "retrans", c->ti.segs_retrans);
		snprintf(key, sizeof(key), "%u", i);
		if (rte_tel_data_add_dict_container(d, key, e, 0) != 0) {
			rte_tel_data_free(e);
			break;
		}
	}
	free(snap);
	return 0;
}

void
tcp_tel_info(const struct tern_ctx *ctx, struct rte_tel_data *d)
{
	const struct tern_tcp_ctx *tc = ctx->tcp_ctx;

	if (tc != NULL)
		rte_tel_data_add_dict_u64(d, "tcp_conns", tc->nb_conns);
}

RTE_INIT(tern_tcp_telemetry)
{
	rte_telemetry_register_cmd("/tern/tcp/conns", tel_conns,
		"A tern context's TCP connections (40 at most). Parameter: the context id");
}
