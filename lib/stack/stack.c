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
 * The stack assembly: the one place that knows every layer. A context is
 * built from the bottom up: the core (devices, clock, timers, events), then
 * each layer of stack_layers[] through ctx_layer_add(), which runs its init
 * and registers its hooks (struct ctx_layer_ops). A new protocol adds its
 * ops table here; no layer calls the one above it.
 */
static const struct ctx_layer_ops *const stack_layers[] = {
	&net_layer_ops,		/* Ethernet input; ARP, IPv4, IPv6, ICMP; l4_input[] */
	&udp_layer_ops,		/* l4_input[17] */
	&tcp_layer_ops,		/* l4_input[6]; output after each burst */
};

struct tern_ctx *
tern_ctx_create(const struct tern_ctx_param *param)
{
	struct tern_ctx *ctx;
	struct tern_net *net;
	unsigned int l;
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
	ctx = ctx_alloc(param, &net->clock);
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
	for (l = 0; l < RTE_DIM(stack_layers); l++) {
		ret = ctx_layer_add(ctx, stack_layers[l], param);
		if (ret != 0)
			goto fail;
	}
	tern_ctx_update_time(ctx);
	if (ctx_registry_add(ctx) != 0)
		TERN_LOG(WARNING, core, "context: more than %u: this one is not on the telemetry socket",
			 TERN_MAX_CTX);
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
