/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>

#include <rte_errno.h>

#include "tern_core.h"
#include "tern_net_priv.h"
#include "tern_tcp_priv.h"
#include "tern_udp_priv.h"

/*
 * The stack assembly: the one place that knows every layer. It builds a
 * context from the bottom up (core, then net, later udp and tcp) and wires
 * the layers' hooks, so no layer has to call the one above it.
 */

struct tern_ctx *
tern_ctx_create(const struct tern_ctx_param *param)
{
	struct tern_ctx *ctx;
	struct tern_net *net;
	uint16_t i;
	int ret;

	if (param == NULL || param->net == NULL) {
		rte_errno = EINVAL;
		return NULL;
	}
	net = param->net;
	if (net->nb_ifaces == 0) {
		TERN_LOG(ERR, core, "context: the network has no interface");
		rte_errno = EINVAL;
		return NULL;
	}
	ctx = ctx_alloc(param);
	if (ctx == NULL)
		return NULL;
	for (i = 0; i < net->nb_ifaces; i++) {
		ret = ctx_port_bind(ctx, net->ifaces[i].dev, param->queue_id);
		if (ret != 0) {
			TERN_LOG(ERR, core, "context: queue %u on %s: %s", param->queue_id,
				 net->ifaces[i].dev->name, rte_strerror(-ret));
			goto fail;
		}
	}
	if (ctx->mp == NULL) {
		ret = -EINVAL;
		goto fail;
	}
	ret = net_ctx_init(ctx);
	if (ret != 0)
		goto fail;
	ret = udp_ctx_init(ctx);
	if (ret != 0)
		goto fail;
	ret = tcp_ctx_init(ctx, param->tcp);
	if (ret != 0)
		goto fail;
	net_ctx_set_icmp_rate(ctx, param->icmp_rate, param->icmp_burst);
	tern_ctx_update_time(ctx);
	return ctx;
fail:
	ctx_free(ctx);
	rte_errno = -ret;
	return NULL;
}


/* Gratuitous ARP and unsolicited NA for every address of every interface. */
int
tern_ctx_announce(struct tern_ctx *ctx)
{
	struct tern_net *net = ctx->net;
	uint16_t i;
	unsigned int a;
	int sent = 0;

	for (i = 0; i < net->nb_ifaces; i++) {
		const struct tern_iface *ifp = &net->ifaces[i];

		for (a = 0; a < ifp->nb_addr4; a++)
			if (arp_gratuitous(ctx, i, ifp->addr4[a].addr) == 0)
				sent++;
		for (a = 0; a < ifp->nb_addr6; a++)
			if (nd_advertise_unsolicited(ctx, i, &ifp->addr6[a].addr) == 0)
				sent++;
	}
	tern_ctx_flush(ctx);
	return sent;
}
