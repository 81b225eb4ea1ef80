/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "tern_tcp_priv.h"

/*
 * TIME_WAIT in compact records (struct tern_tcp_tw): the control block is
 * released as soon as a connection enters TIME_WAIT (once the application
 * closed it) and a record keeps what is needed to ACK a retransmitted FIN,
 * reject old duplicates (PAWS) and let a new SYN take the 4-tuple over
 * (RFC 9293 3.6.1, RFC 6191). Every record lives 2 MSL, so they expire in
 * the order they were made: a FIFO and one timer for its head. A full table
 * cuts the oldest record short.
 */

static void tw_timer(struct tern_timer *t);

int
tcp_tw_init(struct tern_tcp_ctx *tc)
{
	uint32_t i, n = tc->cfg.timewait_max;

	tc->tw_mem = rte_zmalloc_socket("tern_tcp_tw", sizeof(*tc->tw_mem) * n,
					RTE_CACHE_LINE_SIZE, tc->ctx->socket_id);
	if (tc->tw_mem == NULL)
		return -ENOMEM;
	for (i = n; i-- > 0;) {
		tc->tw_mem[i].next = tc->tw_free;
		tc->tw_free = &tc->tw_mem[i];
	}
	timer_init(&tc->tw_timer, tw_timer);
	return 0;
}

void
tcp_tw_fini(struct tern_tcp_ctx *tc)
{
	if (tc->tw_mem == NULL)
		return;
	ctx_timer_cancel(tc->ctx, &tc->tw_timer);
	rte_free(tc->tw_mem);
	tc->tw_mem = NULL;
}

static void
tw_unlink(struct tern_tcp_ctx *tc, struct tern_tcp_tw *tw)
{
	if (tw->prev != NULL)
		tw->prev->next = tw->next;
	else
		tc->tw_head = tw->next;
	if (tw->next != NULL)
		tw->next->prev = tw->prev;
	else
		tc->tw_tail = tw->prev;
}

static void
tw_release(struct tern_tcp_ctx *tc, struct tern_tcp_tw *tw)
{
	tcp_hash_del(tc, &tw->key);
	tw_unlink(tc, tw);
	if (unlikely(tw->tproxy))
		tcp_tproxy_unref(tc);
	tw->next = tc->tw_free;
	tw->prev = NULL;
	tc->tw_free = tw;
	TERN_ASSERT(tc->nb_tw > 0);
	tc->nb_tw--;
}

static void
tw_timer(struct tern_timer *t)
{
	struct tern_tcp_ctx *tc = container_of(t, struct tern_tcp_ctx, tw_timer);
	uint64_t now = tc->ctx->now_ns;

	while (tc->tw_head != NULL && tc->tw_head->expire_ns <= now)
		tw_release(tc, tc->tw_head);
	if (tc->tw_head != NULL)
		ctx_timer_arm(tc->ctx, &tc->tw_timer, tc->tw_head->expire_ns);
}

void
tcp_tw_enter(struct tern_tcp_stream *s)
{
	struct tern_tcp_ctx *tc = s->tc;
	struct tern_tcp_tw *tw;

	tcp_set_state(s, TERN_TCP_TIME_WAIT);
	s->tf |= TF_DONE;
	tcp_timer_stop_all(s);
	tcp_sndq_free(s);
	tcp_rtxq_free_all(s);
	if (tc->tw_free == NULL) {
		TERN_STAT_INC(tc->ctx, tcp_tw_recycled);
		tw_release(tc, tc->tw_head);
	}
	tw = tc->tw_free;
	tc->tw_free = tw->next;
	memset(tw, 0, sizeof(*tw));
	tw->key = s->key;
	tw->snd_nxt = s->snd_max;
	tw->rcv_nxt = s->rcv_nxt;
	tw->ts_ok = !!(s->tf & TF_TS_OK);
	tw->ts_recent = s->ts_recent;
	tw->ts_off = s->ts_off;
	/* a FIN taken at a zero window leaves rcv_nxt one past rcv_adv */
	tw->rcv_wnd = SEQ_GT(s->rcv_adv, s->rcv_nxt) ?
		(uint16_t)RTE_MIN((s->rcv_adv - s->rcv_nxt) >> s->rcv_ws, 65535u) : 0;
	tw->expire_ns = tc->ctx->now_ns + 2 * tc->cfg.msl_ns;
	/* takes the control block's place in the hash */
	if (tcp_hash_add(tc, &tw->key, tw, TCP_REC_TW) != 0) {
		tw->next = tc->tw_free;
		tc->tw_free = tw;
		if (s->tf & TF_IN_HASH)
			tcp_hash_del(tc, &s->key);
		s->tf &= ~TF_IN_HASH;
		return;
	}
	s->tf &= ~TF_IN_HASH;
	tw->prev = tc->tw_tail;
	if (tc->tw_tail != NULL)
		tc->tw_tail->next = tw;
	else
		tc->tw_head = tw;
	tc->tw_tail = tw;
	tc->nb_tw++;
	if (unlikely(s->tf & TF_TRANSPARENT)) {
		/* its segments arrive for an address not ours: keep the claim on */
		tw->tproxy = 1;
		tcp_tproxy_ref(tc);
	}
	TERN_STAT_INC(tc->ctx, tcp_tw_created);
	if (!timer_pending(&tc->tw_timer))
		ctx_timer_arm(tc->ctx, &tc->tw_timer, tc->tw_head->expire_ns);
}

static void
tw_send_ack(struct tern_tcp_ctx *tc, const struct tern_tcp_tw *tw)
{
	struct tern_tcp_opts o;

	memset(&o, 0, sizeof(o));
	if (tw->ts_ok) {
		o.flags = TERN_TCP_OPT_F_TS;
		o.ts_val = tcp_ts_now(tc) + tw->ts_off;
		o.ts_ecr = tw->ts_recent;
	}
	TERN_STAT_INC(tc->ctx, tcp_acks_out);
	tcp_send_raw(tc->ctx, &tw->key, tw->snd_nxt, tw->rcv_nxt, TH_ACK, tw->rcv_wnd, &o,
		     false);
}

/*
 * As for connections (tcp_input.c): at most one ACK every invalid_ack_ns to
 * segments without data the record rejects (old SYNs, PAWS), so that a
 * blind flood on the 4-tuple draws one ACK per interval, not one each.
 */
static bool
tw_invalid_ack_ok(struct tern_tcp_ctx *tc, struct tern_tcp_tw *tw,
		  const struct tcp_seg_in *si)
{
	uint32_t now = (uint32_t)(tc->ctx->now_ns >> 20) | 1;
	uint32_t ivl = (uint32_t)(tc->cfg.invalid_ack_ns >> 20);

	if ((si->len > 0 || (si->flags & TH_FIN)) && !(si->flags & TH_SYN))
		return true;
	if (tc->cfg.flags & TERN_TCP_CFG_NO_INVALID_ACK_LIMIT)
		return true;
	if (tw->invalid_ack_t != 0 && now - tw->invalid_ack_t < ivl) {
		TERN_STAT_INC(tc->ctx, tcp_invalid_ack_limited);
		return false;
	}
	tw->invalid_ack_t = now;
	return true;
}

bool
tcp_tw_input(struct tern_tcp_ctx *tc, struct tern_tcp_tw *tw, struct rte_mbuf *m,
	     const struct tern_ip_info *ip, struct tcp_seg_in *si)
{
	bool has_ts = si->opts.flags & TERN_TCP_OPT_F_TS;

	RTE_SET_USED(ip);
	/* RFC 1337: a reset does not cut TIME_WAIT short */
	if (si->flags & TH_RST) {
		TERN_STAT_INC(tc->ctx, drop_tcp_tw_rst);
		goto drop;
	}
	if ((si->flags & (TH_SYN | TH_ACK)) == TH_SYN) {
		/*
		 * A new incarnation may take the 4-tuple over when it cannot be
		 * confused with the old one: a newer timestamp (RFC 6191) or,
		 * without timestamps, a sequence number past the old one
		 * (RFC 1122 4.2.2.13).
		 */
		if ((tw->ts_ok && has_ts && SEQ_GT(si->opts.ts_val, tw->ts_recent)) ||
		    (!(tw->ts_ok && has_ts) && SEQ_GT(si->seq, tw->rcv_nxt))) {
			TERN_STAT_INC(tc->ctx, tcp_tw_reused);
			tw_release(tc, tw);
			if (tc->tw_head == NULL)
				ctx_timer_cancel(tc->ctx, &tc->tw_timer);
			return false;
		}
		TERN_STAT_INC(tc->ctx, drop_tcp_tw);
		if (tw_invalid_ack_ok(tc, tw, si))
			tw_send_ack(tc, tw);
		goto drop;
	}
	if (tw->ts_ok && has_ts && SEQ_LT(si->opts.ts_val, tw->ts_recent)) {
		TERN_STAT_INC(tc->ctx, tcp_paws_rejects);
		TERN_STAT_INC(tc->ctx, drop_tcp_paws);
		if (tw_invalid_ack_ok(tc, tw, si))
			tw_send_ack(tc, tw);
		goto drop;
	}
	TERN_STAT_INC(tc->ctx, drop_tcp_tw);
	/* a retransmitted FIN (our ACK was lost) or data: ACK what we had */
	if ((si->flags & TH_FIN) || si->len > 0)
		tw_send_ack(tc, tw);
drop:
	rte_pktmbuf_free(m);
	return true;
}
