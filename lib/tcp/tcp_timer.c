/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>

#include "tern_tcp_priv.h"

/*
 * Per-connection timers. A connection has four deadlines (retransmission,
 * persist, delayed ACK, and one for keepalive / FIN_WAIT_2 / connection
 * establishment) but a single wheel timer, armed at the earliest: setting a
 * later deadline costs nothing, clearing one leaves the wheel timer to fire
 * early and re-arm itself. RTO per RFC 6298 (Karn's rule, backoff, bounds).
 */

static void
tcp_timer_rearm(struct tern_tcp_stream *s)
{
	uint32_t next = 0;
	unsigned int i;

	for (i = 0; i < TCP_T_NB; i++)
		if (s->tmr[i] != 0 && (next == 0 || tcp_tmr_before(s->tmr[i], next)))
			next = s->tmr[i];
	if (next == 0) {
		ctx_timer_cancel(s->tc->ctx, &s->timer);
		return;
	}
	ctx_timer_arm(s->tc->ctx, &s->timer, tcp_tmr_ns(s->tc->ctx->now_ns, next));
}

void
tcp_timer_set(struct tern_tcp_stream *s, enum tcp_timer_id id, uint64_t deadline)
{
	uint32_t t = tcp_tmr_units(deadline);

	/* (keepalive's further ones come through tcp_timer_set_keep()) */
	TERN_ASSERT(deadline <= s->tc->ctx->now_ns + TCP_TMR_MAX_NS);
	s->tmr[id] = t != 0 ? t : 1;
	/* the wheel timer fires at its tick: only move it earlier */
	if (!timer_pending(&s->timer) ||
	    deadline < s->timer.expire * s->tc->ctx->wheel.tick_ns)
		ctx_timer_arm(s->tc->ctx, &s->timer, deadline);
}

/*
 * A keepalive deadline (the stream's own times have no bound): one further
 * than TCP_TMR_MAX_NS fires early, finds nothing due and is set again.
 */
void
tcp_timer_set_keep(struct tern_tcp_stream *s, uint64_t deadline)
{
	if (deadline > s->tc->ctx->now_ns + TCP_TMR_MAX_NS)
		deadline = s->tc->ctx->now_ns + TCP_TMR_MAX_NS;
	tcp_timer_set(s, TCP_T_KEEP, deadline);
}

void
tcp_timer_stop_all(struct tern_tcp_stream *s)
{
	unsigned int i;

	for (i = 0; i < TCP_T_NB; i++)
		s->tmr[i] = 0;
	ctx_timer_cancel(s->tc->ctx, &s->timer);
}

uint64_t
tcp_rto_ns(const struct tern_tcp_stream *s)
{
	const struct tern_tcp_config *cfg = &s->tc->cfg;
	uint64_t rto = (uint64_t)s->rto_us * 1000;
	unsigned int b = s->backoff;

	while (b-- > 0 && rto < cfg->rto_max_ns)
		rto <<= 1;
	if (rto > cfg->rto_max_ns)
		rto = cfg->rto_max_ns;
	return rto;
}

void
tcp_rtx_arm(struct tern_tcp_stream *s)
{
	s->rtx_kind = TCP_RTX_RTO;
	tcp_timer_set(s, TCP_T_RTX, s->tc->ctx->now_ns + tcp_rto_ns(s));
}

/* RFC 6298 2.2-2.4: fold an RTT sample into SRTT and RTTVAR and set the RTO. */
void
tcp_rtt_sample(struct tern_tcp_stream *s, uint64_t rtt_ns)
{
	const struct tern_tcp_config *cfg = &s->tc->cfg;
	uint32_t r = (uint32_t)RTE_MIN(rtt_ns / 1000, (uint64_t)UINT32_MAX >> 4);
	uint64_t rto;

	if (r == 0)
		r = 1;
	if (s->srtt == 0) {
		s->srtt = r << TCP_RTT_SHIFT;
		s->rttvar = (r / 2) << TCP_RTTVAR_SHIFT;
	} else {
		int32_t delta = (int32_t)r - (int32_t)(s->srtt >> TCP_RTT_SHIFT);

		if (delta < 0)
			delta = -delta;
		/* rttvar = 3/4 rttvar + 1/4 |delta|, srtt = 7/8 srtt + 1/8 r (scaled) */
		s->rttvar = s->rttvar - (s->rttvar >> 2) + (uint32_t)delta;
		s->srtt = s->srtt - (s->srtt >> 3) + r;
	}
	rto = (s->srtt >> TCP_RTT_SHIFT) + RTE_MAX(1000u, s->rttvar);	/* G: 1 ms */
	rto *= 1000;
	if (rto < cfg->rto_min_ns)
		rto = cfg->rto_min_ns;
	if (rto > cfg->rto_max_ns)
		rto = cfg->rto_max_ns;
	s->rto_us = (uint32_t)(rto / 1000);
}

/*
 * Black hole detection (RFC 4821 7.5, RFC 8899 4.3 for TCP), for paths
 * that drop packets too big for them without the ICMP that tcp_icmp.c
 * waits for (filtered, or never sent). When the first unacknowledged
 * segment has timed out TCP_PLPMTUD_RTOS times in a row and would have
 * fitted in a smaller packet, the path's MTU is taken to be the next step
 * down: TCP_PLPMTUD_BASE bytes (RFC 4821 7.2's suggested search base),
 * then the floor (552 for IPv4, 1,280 for IPv6; IPv6 goes to its floor at
 * once). The value goes into the context's path MTU cache as an ICMP's
 * would (lib/net/pmtu.c), so every connection to that destination uses
 * it, and tcp_pmtu_refresh() cuts the connection's MSS and the segments
 * in flight to it; this RTO then resends the first of them. Probing back
 * up is the cache's ageing (NET_PMTU_TIMEOUT_NS, 10 minutes): the entry
 * goes, the connections try the link's MSS again and, if the path is
 * still narrow, time out twice again and come back down.
 */
#define TCP_PLPMTUD_RTOS	2
#define TCP_PLPMTUD_BASE	1024

static void
tcp_plpmtud_rto(struct tern_tcp_stream *s, const struct tern_tcp_seg *seg)
{
	uint32_t hdr = 20 + (s->key.family == 4 ? 20 : 40) + ((s->tf & TF_TS_OK) ? 12 : 0);
	uint32_t cur = tcp_path_mss(s) + 20 + (s->key.family == 4 ? 20 : 40);
	uint32_t floor = net_pmtu_floor(s->key.family), step;
	uint32_t dlen = seg->len - !!(seg->flags & TERN_TCP_SEG_FIN);

	if ((s->tc->cfg.flags & TERN_TCP_CFG_NO_PLPMTUD) || s->backoff % TCP_PLPMTUD_RTOS != 0)
		return;
	step = cur > TCP_PLPMTUD_BASE && TCP_PLPMTUD_BASE > floor ? TCP_PLPMTUD_BASE : floor;
	/* at the floor already, or a segment that the smaller packet carries too */
	if (step >= cur || dlen + hdr <= step)
		return;
	if (net_pmtu_update(s->tc->ctx, s->key.family, s->key.raddr, step) < 0)
		return;
	TERN_STAT_INC(s->tc->ctx, tcp_plpmtud_lowered);
	tcp_pmtu_refresh(s);
}

/*
 * Retransmission timeout: back off, collapse the window, mark everything
 * not SACKed lost and send the first again. The same deadline serves the
 * tail loss probe and the RACK reordering timer (rtx_kind).
 */
static void
tcp_timer_rtx(struct tern_tcp_stream *s)
{
	const struct tern_tcp_config *cfg = &s->tc->cfg;
	struct tern_tcp_seg *seg = tcp_rtxq_first(&s->rec->rtxq);
	uint32_t limit;
	bool first;

	if (seg == NULL)
		return;
	if (s->rtx_kind == TCP_RTX_TLP) {
		tcp_tlp_fire(s);
		return;
	}
	if (s->rtx_kind == TCP_RTX_REO) {
		tcp_reo_fire(s);
		return;
	}
	TERN_STAT_INC(s->tc->ctx, tcp_rto_fired);
	if (s->tc->nb_acked > 0)
		tcp_acked_flush(s->tc);	/* acknowledged data waits no longer than this */
	limit = (s->state == TERN_TCP_SYN_SENT || s->state == TERN_TCP_SYN_RECEIVED) ?
		cfg->syn_retries : cfg->retries;
	if (s->backoff >= limit) {
		TERN_STAT_INC(s->tc->ctx, tcp_timeouts);
		/* RFC 1122 4.2.3.9: the soft error that explains it, if one came */
		tcp_drop(s, s->soft_err != 0 ? s->soft_err : -ETIMEDOUT);
		return;
	}
	first = s->backoff == 0;
	s->backoff++;
	s->rtx_kind = TCP_RTX_RTO;
	if (s->state < TERN_TCP_ESTABLISHED) {
		/* the SYN or SYN-ACK again */
		tcp_xmit_seg(s, seg, true);
		tcp_rtx_arm(s);
		return;
	}
	tcp_plpmtud_rto(s, seg);
	/* RFC 5681 (4) / the algorithm's: ssthresh on the first, cwnd = 1 segment */
	tcp_sack_rto(s, first);
	tcp_rtx_arm(s);
	tcp_output(s);
}

/* Zero-window probe: a segment below the window that the peer must ACK. */
static void
tcp_timer_persist(struct tern_tcp_stream *s)
{
	uint64_t ivl;

	if (s->snd_nxt != s->snd_una)
		return;
	if (s->sndq_bytes == 0 || s->snd_wnd >= s->mss) {
		/* no window to probe: a memory shortage stopped the output (tcp_output()), again */
		if (s->sndq_bytes > 0 || (s->tf & (TF_FIN_QUEUED | TF_FIN_SENT)) == TF_FIN_QUEUED)
			tcp_output(s);
		return;
	}
	/*
	 * RFC 1122 4.2.2.17: probe for as long as the receiver answers.
	 * pprobes counts probes not answered (any acceptable ACK clears it,
	 * tcp_conn_input()); backoff spaces them out and stays.
	 */
	if (s->pprobes > s->tc->cfg.retries) {
		TERN_STAT_INC(s->tc->ctx, tcp_timeouts);
		/* RFC 1122 4.2.3.9: the soft error that explains it, if one came */
		tcp_drop(s, s->soft_err != 0 ? s->soft_err : -ETIMEDOUT);
		return;
	}
	if (s->snd_wnd > 0) {
		/* A small window opened: send what fits rather than probe. */
		s->tf |= TF_PUSH;
		tcp_output(s);
		return;
	}
	TERN_STAT_INC(s->tc->ctx, tcp_persist_probes);
	tcp_send_ctl(s, TH_ACK, s->snd_una - 1);
	s->pprobes++;
	if (s->backoff < 16)
		s->backoff++;
	ivl = tcp_rto_ns(s);
	ivl = RTE_MAX(ivl, s->tc->cfg.rto_min_ns);
	tcp_timer_set(s, TCP_T_PERSIST, s->tc->ctx->now_ns + ivl);
}

/* Keepalive, FIN_WAIT_2 timeout. */
static void
tcp_timer_keep(struct tern_tcp_stream *s)
{
	uint64_t now = s->tc->ctx->now_ns;
	uint64_t since = tcp_t20_ns(now, s->idle_t), keepidle = tcp_keepidle_ns(s);

	if (s->state == TERN_TCP_FIN_WAIT_2 && (s->tf & TF_APP_CLOSED)) {
		/*
		 * Closed by the application and the peer never finished. With
		 * the handle still open (shutdown(SHUT_WR) only) the application
		 * may still read, so FIN_WAIT_2 lasts; keepalive (below) is
		 * what notices a peer that vanished.
		 */
		tcp_drop(s, 0);
		return;
	}
	if (!(s->tf & TF_KEEPALIVE) || s->state < TERN_TCP_ESTABLISHED ||
	    s->state > TERN_TCP_CLOSE_WAIT)
		return;
	if (now < since + keepidle && s->kprobes == 0) {
		tcp_timer_set_keep(s, since + keepidle);
		return;
	}
	if (s->kprobes >= tcp_keepcnt(s)) {
		TERN_STAT_INC(s->tc->ctx, tcp_timeouts);
		/* RFC 1122 4.2.3.9: the soft error that explains it, if one came */
		tcp_drop(s, s->soft_err != 0 ? s->soft_err : -ETIMEDOUT);
		return;
	}
	TERN_STAT_INC(s->tc->ctx, tcp_keepalive_probes);
	tcp_send_ctl(s, TH_ACK, s->snd_una - 1);
	s->kprobes++;
	tcp_timer_set_keep(s, now + tcp_keepintvl_ns(s));
}

void
tcp_timer_fire(struct tern_timer *t)
{
	struct tern_tcp_stream *s = container_of(t, struct tern_tcp_stream, timer);
	/* rounded up as the deadlines are (tcp_tmr_ns()) */
	uint32_t now = tcp_tmr_units(s->tc->ctx->now_ns);
	unsigned int i;

	for (i = 0; i < TCP_T_NB; i++) {
		if (s->tmr[i] == 0 || tcp_tmr_before(now, s->tmr[i]))
			continue;
		s->tmr[i] = 0;
		switch (i) {
		case TCP_T_RTX:
			tcp_timer_rtx(s);
			break;
		case TCP_T_PERSIST:
			tcp_timer_persist(s);
			break;
		case TCP_T_DELACK:
			if (s->tf & TF_DELACK) {
				TERN_STAT_INC(s->tc->ctx, tcp_delayed_acks);
				tcp_send_ack(s);
			}
			break;
		case TCP_T_KEEP:
			tcp_timer_keep(s);
			break;
		}
		if (s->tf & TF_DONE) {
			/* dropped: free it now if nobody holds the handle */
			tcp_conn_done(s);
			return;
		}
	}
	tcp_timer_rearm(s);
	TCP_CHECK(s);
}
