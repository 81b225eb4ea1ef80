/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include <rte_errno.h>
#include <rte_malloc.h>

#include "tern_udp_priv.h"

/*
 * UDP streams: open, close, and the lookup of the stream a datagram is for.
 * Streams hang off a per-family array indexed by local port; a port's list
 * is short (usually one stream), searched for the most specific match:
 * connected to the sender, then bound to the destination address, then
 * bound to any address.
 */

static struct tern_udp_stream **
port_slot(struct tern_udp_ctx *uc, uint8_t family, uint16_t port_be)
{
	uint16_t p = rte_be_to_cpu_16(port_be);

	return family == 4 ? &uc->port4[p] : &uc->port6[p];
}

static bool
addr_is_any(const struct tern_sockaddr *sa)
{
	return sa->family == 4 ? sa->ip4 == 0 : ip6_is_unspec(&sa->ip6);
}

static bool
addr_eq(const struct tern_sockaddr *a, const struct tern_sockaddr *b)
{
	if (a->family != b->family)
		return false;
	return a->family == 4 ? a->ip4 == b->ip4 : ip6_eq(&a->ip6, &b->ip6);
}

static bool
addr_is_ours(const struct tern_net *net, const struct tern_sockaddr *sa)
{
	uint16_t i;

	for (i = 0; i < net->nb_ifaces; i++) {
		if (sa->family == 4 ? iface_has_addr4(&net->ifaces[i], sa->ip4) :
				      iface_has_addr6(&net->ifaces[i], &sa->ip6))
			return true;
	}
	return false;
}

/* Room again on the devices: wake the streams whose sends were refused. */
static void
udp_tx_space(struct tern_ctx *ctx)
{
	struct tern_udp_ctx *uc = udpc(ctx);
	struct tern_udp_stream *s;

	for (s = uc->all; s != NULL && uc->nb_want_writable > 0; s = s->all_next) {
		struct tern_event ev = {
			.type = TERN_EV_WRITABLE, .obj = s, .udata = s->udata,
		};

		if (!s->want_writable)
			continue;
		if (ctx_post_event(ctx, &ev) != 0)
			break;	/* the queue is full: retried at the next wake-up */
		s->want_writable = false;
		uc->nb_want_writable--;
	}
	if (uc->nb_want_writable > 0)
		ctx->tx_was_full = true;
}

static void
udp_ctx_fini(struct tern_ctx *ctx)
{
	struct tern_udp_ctx *uc = udpc(ctx);

	if (uc == NULL)
		return;
	while (uc->all != NULL)
		tern_udp_close(uc->all);
	munmap(uc, sizeof(*uc));
	ctx->udp_ctx = NULL;
}

static unsigned int
udp_ctx_pending(const struct tern_ctx *ctx)
{
	const struct tern_udp_ctx *uc = udpc(ctx);
	const struct tern_udp_stream *s;
	unsigned int n = 0;

	for (s = uc ? uc->all : NULL; s != NULL; s = s->all_next)
		n += s->rxq_tail - s->rxq_head;
	return n;
}

static int
udp_ctx_init(struct tern_ctx *ctx, const struct tern_ctx_param *param)
{
	struct tern_udp_ctx *uc;
	int ret;

	RTE_SET_USED(param);
	/*
	 * 1 MiB, nearly all of it the two port tables, of which a context
	 * uses a few entries: anonymous pages, zero-filled by the kernel when
	 * first touched (by the binds, on the thread that binds) and given
	 * back by munmap(), so a context pays for the pages its ports sit on.
	 * From rte_malloc() the whole MiB was zeroed at every create and
	 * again at every destroy (DPDK clears what it frees).
	 */
	uc = mmap(NULL, sizeof(*uc), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (uc == MAP_FAILED)
		return -ENOMEM;
	uc->next_ephemeral = UDP_EPHEMERAL_LO;
	ret = net_ctx_set_l4(ctx, IPPROTO_UDP, udp_input);
	if (ret == 0)
		ret = net_ctx_set_l4_err(ctx, IPPROTO_UDP, udp_icmp_err);
	if (ret != 0) {
		munmap(uc, sizeof(*uc));
		return ret;
	}
	ctx->udp_ctx = uc;
	return 0;
}

/* The UDP layer in a context: IP protocol 17. */
const struct ctx_layer_ops udp_layer_ops = {
	.name = "udp",
	.init = udp_ctx_init,
	.fini = udp_ctx_fini,
	.tx_space = udp_tx_space,
	.pending = udp_ctx_pending,
};

static bool
stream_conflicts(const struct tern_udp_stream *s, const struct tern_udp_stream *n)
{
	if (!addr_eq(&s->local, &n->local) && !s->local_any && !n->local_any)
		return false;	/* different specific addresses */
	if (s->local_any != n->local_any)
		return false;	/* a specific address beside a wildcard is allowed */
	if (s->connected != n->connected)
		return false;
	if (s->connected && (!addr_eq(&s->remote, &n->remote) || s->remote.port != n->remote.port))
		return false;
	return true;
}

static int
pick_ephemeral(struct tern_udp_ctx *uc, uint8_t family, uint16_t *port_be)
{
	unsigned int i, range = UDP_EPHEMERAL_HI - UDP_EPHEMERAL_LO + 1;

	for (i = 0; i < range; i++) {
		uint16_t p = uc->next_ephemeral;

		uc->next_ephemeral = p == UDP_EPHEMERAL_HI ? UDP_EPHEMERAL_LO : p + 1;
		if (*port_slot(uc, family, rte_cpu_to_be_16(p)) == NULL) {
			*port_be = rte_cpu_to_be_16(p);
			return 0;
		}
	}
	return -EADDRINUSE;
}

struct tern_udp_stream *
tern_udp_open(struct tern_ctx *ctx, const struct tern_udp_param *p)
{
	struct tern_udp_stream *s, *o, **slot;
	struct tern_udp_ctx *uc;
	uint32_t q;
	int err;

	if (ctx == NULL || p == NULL || (uc = udpc(ctx)) == NULL ||
	    (p->local.family != 4 && p->local.family != 6)) {
		rte_errno = EINVAL;
		return NULL;
	}
	if (p->remote.family != 0 &&
	    (p->remote.family != p->local.family || p->remote.port == 0 ||
	     addr_is_any(&p->remote))) {
		rte_errno = p->remote.family != p->local.family ? EAFNOSUPPORT : EINVAL;
		return NULL;
	}
	q = p->rxq_size ? p->rxq_size : UDP_DEF_RXQ;
	if (!rte_is_power_of_2(q)) {
		rte_errno = EINVAL;
		return NULL;
	}
	if (!addr_is_any(&p->local) && !addr_is_ours(ctx->net, &p->local)) {
		rte_errno = EADDRNOTAVAIL;
		return NULL;
	}
	s = rte_zmalloc_socket("tern_udp", sizeof(*s), RTE_CACHE_LINE_SIZE, ctx->socket_id);
	if (s == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	s->rxq = rte_zmalloc_socket("tern_udp_rxq", sizeof(*s->rxq) * q, RTE_CACHE_LINE_SIZE,
				    ctx->socket_id);
	if (s->rxq == NULL) {
		rte_free(s);
		rte_errno = ENOMEM;
		return NULL;
	}
	s->ctx = ctx;
	s->local = p->local;
	s->remote = p->remote;
	s->connected = p->remote.family != 0;
	s->local_any = addr_is_any(&p->local);
	s->udata = p->udata;
	s->rxq_mask = q - 1;

	if (s->local.port == 0) {
		err = pick_ephemeral(uc, s->local.family, &s->local.port);
		if (err != 0)
			goto fail;
	}
	slot = port_slot(uc, s->local.family, s->local.port);
	for (o = *slot; o != NULL; o = o->next) {
		if (stream_conflicts(o, s)) {
			err = -EADDRINUSE;
			goto fail;
		}
	}
	s->next = *slot;
	*slot = s;
	s->all_next = uc->all;
	if (uc->all != NULL)
		uc->all->all_pprev = &s->all_next;
	uc->all = s;
	s->all_pprev = &uc->all;
	return s;
fail:
	rte_free(s->rxq);
	rte_free(s);
	rte_errno = -err;
	return NULL;
}

void
tern_udp_close(struct tern_udp_stream *s)
{
	struct tern_udp_ctx *uc;
	struct tern_udp_stream **pp;

	if (s == NULL)
		return;
	uc = udpc(s->ctx);
	for (pp = port_slot(uc, s->local.family, s->local.port); *pp != NULL; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	if (s->want_writable)
		uc->nb_want_writable--;
	*s->all_pprev = s->all_next;
	if (s->all_next != NULL)
		s->all_next->all_pprev = s->all_pprev;
	while (s->rxq_head != s->rxq_tail)
		rte_pktmbuf_free(s->rxq[s->rxq_head++ & s->rxq_mask]);
	ctx_cancel_events(s->ctx, s);
	rte_free(s->rxq);
	rte_free(s);
}

struct tern_udp_stream *
udp_lookup_scan(struct tern_udp_stream *s, const struct tern_ip_info *ip, uint16_t sport)
{
	struct tern_udp_stream *best = NULL;
	int best_score = -1;

	for (; s != NULL; s = s->next) {
		int score = 0;

		if (!s->local_any) {
			if (ip->family == 4 ? s->local.ip4 != ip->v4.dst :
					      !ip6_eq(&s->local.ip6, &ip->v6.dst))
				continue;
			score += 1;
		}
		if (s->connected) {
			if (s->remote.port != sport ||
			    (ip->family == 4 ? s->remote.ip4 != ip->v4.src :
					       !ip6_eq(&s->remote.ip6, &ip->v6.src)))
				continue;
			score += 2;
		}
		if (score > best_score) {
			best = s;
			best_score = score;
		}
	}
	return best;
}

void
tern_udp_local(const struct tern_udp_stream *s, struct tern_sockaddr *sa)
{
	*sa = s->local;
}

uint64_t
tern_udp_udata(const struct tern_udp_stream *s)
{
	return s->udata;
}

unsigned int
tern_udp_rx_count(const struct tern_udp_stream *s)
{
	return s->rxq_tail - s->rxq_head;
}
