/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_mbuf.h>

#include "tern_tcp_priv.h"

/*
 * Transparent TCP (a proxy in the path, as Linux's TPROXY and
 * IP_TRANSPARENT): listeners that take connections to addresses not ours
 * by a rule (prefix and port range), and connections from an address not
 * ours. Both need segments the IP layer would forward: while any such
 * listener, stream or TIME_WAIT record exists (nb_tproxy), the context's
 * net layer asks tcp_tproxy_claim() about each TCP packet not addressed
 * to us (net_ctx_set_claim()). Without any, the forwarding path's cost is
 * one test of a NULL pointer.
 *
 * A claimed segment goes through TCP input as any, marked transparent in
 * its tern_ip_info: the connection hash finds its control block, syncache
 * entry or TIME_WAIT record by the 4-tuple as for our own addresses; a
 * miss goes to the transparent listeners only (an ordinary wildcard
 * listener never answers for an address not ours).
 */

static bool tcp_tproxy_claim(struct tern_ctx *ctx, uint8_t family, const void *src,
			     const void *dst, uint16_t sport, uint16_t dport, bool quoted);

void
tcp_tproxy_ref(struct tern_tcp_ctx *tc)
{
	if (tc->nb_tproxy++ == 0 && !tc->closing)
		net_ctx_set_claim(tc->ctx, IPPROTO_TCP, tcp_tproxy_claim);
}

void
tcp_tproxy_unref(struct tern_tcp_ctx *tc)
{
	TERN_ASSERT(tc->nb_tproxy > 0);
	if (--tc->nb_tproxy == 0 && !tc->closing)
		net_ctx_set_claim(tc->ctx, IPPROTO_TCP, NULL);
}

/* Whether the first @plen bits of @a and @p (@len bytes each) agree. */
static bool
prefix_match(const uint8_t *a, const uint8_t *p, uint8_t plen)
{
	unsigned int full = plen / 8, rest = plen % 8;

	if (memcmp(a, p, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[full] ^ p[full]) & (uint8_t)(0xff00 >> rest)) == 0;
}

static struct tern_tcp_stream *
tproxy_find(const struct tern_tcp_ctx *tc, uint8_t family, const uint8_t *dst, uint16_t dport)
{
	struct tern_tcp_stream *l, *best = NULL;
	uint16_t port = rte_be_to_cpu_16(dport);

	for (l = tc->tproxy_listeners; l != NULL; l = l->lx->lnext) {
		if (l->key.family != family || port < rte_be_to_cpu_16(l->key.lport) ||
		    port > l->lx->tp_port_hi || !prefix_match(dst, l->key.laddr, l->key.plen))
			continue;
		if (best == NULL || l->key.plen > best->key.plen)
			best = l;
	}
	return best;
}

struct tern_tcp_stream *
tcp_tproxy_listener(struct tern_tcp_ctx *tc, const struct tern_ip_info *ip, uint16_t dport)
{
	return tproxy_find(tc, ip->family,
			   ip->family == 4 ? (const uint8_t *)&ip->v4.dst : ip->v6.dst.a, dport);
}

/* The net layer's question: is this TCP packet, not to us, ours to take? */
static bool
tcp_tproxy_claim(struct tern_ctx *ctx, uint8_t family, const void *src, const void *dst,
		 uint16_t sport, uint16_t dport, bool quoted)
{
	struct tern_tcp_ctx *tc = tcpc(ctx);
	struct tern_tcp_key k;
	size_t alen = family == 4 ? 4 : 16;

	memset(&k, 0, sizeof(k));
	k.family = family;
	k.rport = sport;
	k.lport = dport;
	memcpy(k.raddr, src, alen);
	memcpy(k.laddr, dst, alen);
	if (rte_hash_lookup(tc->hash, &k) >= 0)
		return true;	/* a connection, half-open entry or TIME_WAIT record */
	return !quoted && tproxy_find(tc, family, dst, dport) != NULL;
}

/* Insert transparent listener @l (tcp_listener_insert() sends it here). */
void
tcp_tproxy_listener_insert(struct tern_tcp_ctx *tc, struct tern_tcp_stream *l)
{
	l->lx->lnext = tc->tproxy_listeners;
	tc->tproxy_listeners = l;
	tcp_tproxy_ref(tc);
}

void
tcp_tproxy_listener_remove(struct tern_tcp_ctx *tc, struct tern_tcp_stream *l)
{
	struct tern_tcp_stream **pp;

	for (pp = &tc->tproxy_listeners; *pp != NULL; pp = &(*pp)->lx->lnext)
		if (*pp == l) {
			*pp = l->lx->lnext;
			return;
		}
}

/* Whether a transparent listener has exactly the rule of @l already. */
bool
tcp_tproxy_rule_exists(const struct tern_tcp_ctx *tc, const struct tern_tcp_stream *l)
{
	const struct tern_tcp_stream *o;

	for (o = tc->tproxy_listeners; o != NULL; o = o->lx->lnext)
		if (o->key.family == l->key.family && o->key.plen == l->key.plen &&
		    o->key.lport == l->key.lport && o->lx->tp_port_hi == l->lx->tp_port_hi &&
		    memcmp(o->key.laddr, l->key.laddr, 16) == 0)
			return true;
	return false;
}

void
tcp_held_input(struct tern_tcp_stream *s, struct rte_mbuf *m, const struct tcp_seg_in *si)
{
	/* the peer gave up on its SYN (RFC 5961 3.2: exactly RCV.NXT) */
	if ((si->flags & TH_RST) && si->seq == s->rcv_nxt) {
		TERN_STAT_INC(s->tc->ctx, tcp_in_rsts);
		tcp_drop(s, -ECONNRESET);
	} else {
		/* a retransmitted SYN, or anything else: the answer is the application's */
		TERN_STAT_INC(s->tc->ctx, drop_tcp_syn_held);
	}
	rte_pktmbuf_free(m);
}

int
tern_tcp_accept_complete(struct tern_tcp_stream *s)
{
	if (s == NULL || !(s->tf & TF_SYN_HELD))
		return -EINVAL;
	if (s->tf & TF_DONE)
		return s->err != 0 ? s->err : -ECONNRESET;
	s->tf &= ~TF_SYN_HELD;
	if (tcp_send_syn(s) != 0) {
		/* no retransmit queue entry: the peer's SYN comes again and draws nothing; fail now */
		tcp_drop(s, -ENOBUFS);
		return -ENOBUFS;
	}
	return 0;
}
