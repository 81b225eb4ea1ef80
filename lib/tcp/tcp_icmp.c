/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>

#include "tern_tcp_priv.h"

/*
 * ICMP errors for TCP (RFC 1122 4.2.3.9, RFC 5927, RFC 1191, RFC 8201).
 * The net layer hands over an error whose quoted packet left from one of
 * our addresses (icmp_err.c). Here: the quoted 4-tuple must be a
 * connection, and the quoted sequence number one we have in flight
 * (SND.UNA <= seq < SND.MAX, RFC 5927 4.3); anything else is counted and
 * ignored. Then:
 *
 * - Fragmentation Needed / Packet Too Big: the context's path MTU cache
 *   takes the value (lib/net/pmtu.c, shared by every connection to that
 *   destination), the MSS comes down at once, and the segments sent
 *   larger than it are marked lost and resent now, without waiting for
 *   the RTO and without a congestion response (they were not lost to
 *   congestion: Linux's tcp_simple_retransmit() does the same). Other
 *   connections see the cache's generation move at their next output.
 * - A hard error (port or protocol unreachable, administratively
 *   prohibited) fails a connection in SYN_SENT with its errno.
 * - Anything else, and hard errors in other states (RFC 5461), is kept as
 *   the connection's soft error: reported instead of ETIMEDOUT if the
 *   connection then times out.
 */

void
tcp_pmtu_refresh(struct tern_tcp_stream *s)
{
	struct tern_ctx *ctx = s->tc->ctx;
	uint16_t old = s->mss, pmtu;

	pmtu = net_pmtu_get(ctx, s->key.family, s->key.raddr, NULL);
	s->pmtu_gen = net_pmtu_gen(ctx);
	if (pmtu == s->pmtu)
		return;
	s->pmtu = pmtu;
	if (s->peer_mss == 0)
		return;		/* no MSS yet: tcp_set_mss() takes it at the handshake */
	tcp_set_mss(s, s->peer_mss);
	if (s->mss == old)
		return;
	TERN_STAT_INC(ctx, tcp_pmtu_updates);
	if (s->mss < old) {
		unsigned int n = tcp_sack_mtu_lost(s);

		if (n > 0) {
			TERN_STAT_ADD(ctx, tcp_pmtu_rtx_segs, n);
			tcp_rtx_schedule(s, 0, true);
		}
	}
	tcp_mark_dirty(s);
}

/* Fragmentation Needed / Packet Too Big for @s. */
static void
tcp_pmtu_input(struct tern_tcp_stream *s, const struct net_icmp_err *e)
{
	/* RFC 5927 5.2: only a value below what the connection uses now */
	if (e->mtu >= tcp_path_mss(s) + 20 + (s->key.family == 4 ? 20 : 40))
		return;
	if (net_pmtu_update(s->tc->ctx, s->key.family, s->key.raddr, e->mtu) < 0)
		return;
	tcp_pmtu_refresh(s);
}

void
tcp_icmp_err(struct tern_ctx *ctx, const struct net_icmp_err *e)
{
	struct tern_tcp_ctx *tc = tcpc(ctx);
	struct tern_tcp_stream *s;
	struct tern_tcp_key k;
	unsigned int tag = TCP_REC_TCB;
	uint32_t seq;
	void *rec;

	/* segments queued in this burst first: they came before the error */
	tcp_flush_input(tc);
	memset(&k, 0, sizeof(k));
	k.family = e->family;
	memcpy(k.raddr, e->raddr.a, e->family == 6 ? 16 : 4);
	memcpy(k.laddr, e->laddr.a, e->family == 6 ? 16 : 4);
	k.rport = e->rport;
	k.lport = e->lport;
	rec = tcp_hash_lookup(tc, &k, &tag);
	if (rec == NULL || tag != TCP_REC_TCB || e->l4_len < 8) {
		/* syncache entries and TIME_WAIT records take no ICMP either */
		TERN_STAT_INC(ctx, drop_icmp_err_no_conn);
		return;
	}
	s = rec;
	memcpy(&seq, e->l4 + 4, 4);
	seq = rte_be_to_cpu_32(seq);
	if (!SEQ_GEQ(seq, s->snd_una) || !SEQ_LT(seq, s->snd_max) || (s->tf & TF_DONE)) {
		TERN_STAT_INC(ctx, drop_icmp_err_bad_seq);
		return;
	}
	TERN_STAT_INC(ctx, icmp_err_to_tcp);
	switch (e->kind) {
	case NET_ICMP_ERR_PMTU:
		tcp_pmtu_input(s, e);
		return;
	case NET_ICMP_ERR_HARD:
		if (s->state == TERN_TCP_SYN_SENT) {
			TERN_STAT_INC(ctx, tcp_icmp_hard_errs);
			tcp_drop(s, e->err);
			return;
		}
		break;
	default:
		break;
	}
	/* RFC 1122 4.2.3.9: a soft error, reported if the connection times out */
	s->soft_err = e->err;
	TERN_STAT_INC(ctx, tcp_icmp_soft_errs);
}
