/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "tern_tcp_priv.h"

/*
 * Passive opens. A SYN to a listener gets a small syncache entry (struct
 * tern_tcp_syn, in the connection hash) and a SYN-ACK; the full control
 * block is made only when the handshake's ACK arrives. When the syncache
 * is full (or always, if configured) the SYN-ACK carries a SYN cookie
 * instead (RFC 4987 3.6) and nothing is kept: the ACK rebuilds the
 * connection from the cookie and the timestamp echo.
 */

static void tcp_syn_timer(struct tern_timer *t);

int
tcp_syncache_init(struct tern_tcp_ctx *tc)
{
	uint32_t i, n = tc->cfg.syncache_size;

	tc->syn_mem = rte_zmalloc_socket("tern_tcp_syn", sizeof(*tc->syn_mem) * n,
					 RTE_CACHE_LINE_SIZE, tc->ctx->socket_id);
	if (tc->syn_mem == NULL)
		return -ENOMEM;
	for (i = n; i-- > 0;) {
		tc->syn_mem[i].free_next = tc->syn_free;
		tc->syn_free = &tc->syn_mem[i];
	}
	return 0;
}

void
tcp_syncache_fini(struct tern_tcp_ctx *tc)
{
	uint32_t i;

	if (tc->syn_mem == NULL)
		return;
	for (i = 0; i < tc->cfg.syncache_size; i++)
		if (tc->syn_mem[i].listener != NULL)
			ctx_timer_cancel(tc->ctx, &tc->syn_mem[i].timer);
	rte_free(tc->syn_mem);
	tc->syn_mem = NULL;
}

/* Release an entry; @unhash: also remove it from the connection hash. */
static void
syn_release(struct tern_tcp_ctx *tc, struct tern_tcp_syn *sc, bool unhash)
{
	if (unhash)
		tcp_hash_del(tc, &sc->key);
	ctx_timer_cancel(tc->ctx, &sc->timer);
	sc->listener = NULL;
	sc->free_next = tc->syn_free;
	tc->syn_free = sc;
	TERN_ASSERT(tc->nb_syn > 0);
	tc->nb_syn--;
}

void
tcp_syn_free(struct tern_tcp_ctx *tc, struct tern_tcp_syn *sc)
{
	syn_release(tc, sc, true);
}

void
tcp_listener_purge_syn(struct tern_tcp_ctx *tc, struct tern_tcp_stream *l)
{
	uint32_t i;

	for (i = 0; i < tc->cfg.syncache_size; i++)
		if (tc->syn_mem[i].listener == l)
			syn_release(tc, &tc->syn_mem[i], true);
}

/* Our receive window shift for connections of listener @l (0: none). */
static uint8_t
listener_ws(const struct tern_tcp_ctx *tc, const struct tern_tcp_stream *l)
{
	if (tc->cfg.flags & TERN_TCP_CFG_NO_WSCALE)
		return 0;
	return tcp_wscale_for(l->rcv_buf);
}

/* The MSS we offer: from the MTU of the route's interface, no more than the listener's own. */
static uint16_t
route_mss(const struct tern_tcp_ctx *tc, const struct tern_tcp_stream *l, uint16_t ifindex,
	  uint8_t family)
{
	uint16_t mss = tcp_mss_for(tc->ctx, ifindex, family);

	if (l->lx->param_mss != 0 && l->lx->param_mss < mss)
		mss = l->lx->param_mss;
	return mss;
}

/* route_mss() of the route to @k's remote address (interface 0 without one). */
static uint16_t
key_mss(const struct tern_tcp_ctx *tc, const struct tern_tcp_stream *l,
	const struct tern_tcp_key *k)
{
	uint16_t ifindex = 0;
	union net_addr nh;

	if (net_route_lookup(tc->ctx->net, k->family, k->raddr, &ifindex, &nh) != 0)
		ifindex = 0;
	return route_mss(tc, l, ifindex, k->family);
}

/*
 * Send the SYN-ACK for what a SYN offered (none without a route back: no
 * MSS to offer). @syn: NULL, or the SYN's mbuf, done with (consumed): the
 * SYN-ACK is built in it when it can be.
 */
static void
send_synack(struct tern_tcp_ctx *tc, const struct tern_tcp_stream *l, const struct tern_tcp_key *k,
	    uint32_t iss, uint32_t irs, int peer_ws, bool sack, bool ts, uint32_t tsval,
	    uint32_t tsecr, struct rte_mbuf *syn)
{
	struct tern_tcp_opts o;
	union net_addr nh;
	uint16_t ifindex;

	/* one route lookup for the MSS and the output */
	if (net_route_lookup(tc->ctx->net, k->family, k->raddr, &ifindex, &nh) != 0) {
		if (syn != NULL)
			rte_pktmbuf_free(syn);
		return;
	}
	memset(&o, 0, sizeof(o));
	o.flags = TERN_TCP_OPT_F_MSS;
	o.mss = route_mss(tc, l, ifindex, k->family);
	if (peer_ws >= 0 && !(tc->cfg.flags & TERN_TCP_CFG_NO_WSCALE)) {
		o.flags |= TERN_TCP_OPT_F_WS;
		o.wscale = listener_ws(tc, l);
	}
	if (sack && !(tc->cfg.flags & TERN_TCP_CFG_NO_SACK)) {
		o.flags |= TERN_TCP_OPT_F_SACK_PERM;
		o.sack_permitted = true;
	}
	if (ts && !(tc->cfg.flags & TERN_TCP_CFG_NO_TS)) {
		o.flags |= TERN_TCP_OPT_F_TS;
		o.ts_val = tsval;
		o.ts_ecr = tsecr;
	}
	tcp_send_raw_via(tc->ctx, k, ifindex, &nh, iss, irs + 1, TH_SYN | TH_ACK,
			 (uint16_t)RTE_MIN(l->rcv_buf, 65535u), &o, true, syn);
}

/* The SYN-ACK of entry @sc; @syn as for send_synack(). */
static void
syn_send_synack(struct tern_tcp_ctx *tc, struct tern_tcp_syn *sc, struct rte_mbuf *syn)
{
	send_synack(tc, sc->listener, &sc->key, sc->iss, sc->irs,
		    sc->peer_ws == 0xff ? -1 : sc->peer_ws, sc->sack_ok, sc->ts_ok,
		    tcp_ts_now(tc) + sc->ts_off, sc->ts_recent, syn);
}

static uint64_t
syn_rto(const struct tern_tcp_ctx *tc, unsigned int tries)
{
	uint64_t t = tc->cfg.rto_init_ns << RTE_MIN(tries, 16u);

	return RTE_MIN(t, tc->cfg.rto_max_ns);
}

static void
tcp_syn_timer(struct tern_timer *t)
{
	struct tern_tcp_syn *sc = container_of(t, struct tern_tcp_syn, timer);
	struct tern_tcp_ctx *tc = sc->listener->tc;

	if (sc->tries >= tc->cfg.syn_retries) {
		TERN_STAT_INC(tc->ctx, tcp_attempt_fails);
		tcp_syn_free(tc, sc);
		return;
	}
	sc->tries++;
	TERN_STAT_INC(tc->ctx, tcp_synack_retrans);
	syn_send_synack(tc, sc, NULL);
	ctx_timer_arm(tc->ctx, &sc->timer, tc->ctx->now_ns + syn_rto(tc, sc->tries));
}

/* The ISN of @k's connection, and its timestamp offset (*@ts_off) from the same hash. */
static uint32_t
key_isn(const struct tern_tcp_ctx *tc, const struct tern_tcp_key *k, uint32_t *ts_off)
{
	if (k->family == 4) {
		uint32_t la, ra;

		memcpy(&la, k->laddr, 4);
		memcpy(&ra, k->raddr, 4);
		return tcp_isn4(&tc->isn_secret, la, k->lport, ra, k->rport,
				     tc->ctx->now_ns, ts_off);
	}
	return tcp_isn6(&tc->isn_secret, k->laddr, k->lport, k->raddr, k->rport,
			     tc->ctx->now_ns, ts_off);
}

/* What a SYN asks for, as far as our configuration lets it. */
struct syn_ask {
	uint16_t peer_mss;	/* the MSS option, or RFC 9293 3.7.1's default */
	int peer_ws;		/* window scale, -1: none */
	bool ts;
	bool sack;
};

static struct syn_ask
syn_ask(const struct tern_tcp_ctx *tc, const struct tern_ip_info *ip, const struct tcp_seg_in *si)
{
	const struct tern_tcp_opts *o = &si->opts;
	struct syn_ask a = {
		.peer_mss = (o->flags & TERN_TCP_OPT_F_MSS) ? o->mss :
			(ip->family == 4 ? 536 : 1220),
		.peer_ws = (o->flags & TERN_TCP_OPT_F_WS) ? o->wscale : -1,
		.ts = (o->flags & TERN_TCP_OPT_F_TS) && !(tc->cfg.flags & TERN_TCP_CFG_NO_TS),
		.sack = o->sack_permitted && !(tc->cfg.flags & TERN_TCP_CFG_NO_SACK),
	};

	return a;
}

void
tcp_syn_input(struct tern_tcp_ctx *tc, struct tern_tcp_stream *l, struct rte_mbuf *m,
	      const struct tern_ip_info *ip, struct tcp_seg_in *si)
{
	const struct tern_tcp_config *cfg = &tc->cfg;
	const struct tern_tcp_opts *o = &si->opts;
	const struct syn_ask a = syn_ask(tc, ip, si);
	struct tern_tcp_syn *sc;
	struct tern_tcp_key k;
	uint32_t ts_off;

	if (l->lx->param_flags & TERN_TCP_F_SYN_HOLD) {
		tcp_syn_hold(tc, l, m, ip, si);
		return;
	}
	k = *si->key;	/* a copy: the SYN's mbuf may become the SYN-ACK */
	if (tcp_acceptq_full(l)) {
		TERN_STAT_INC(tc->ctx, drop_tcp_backlog);
		goto drop;
	}
	/*
	 * At the connection limit no SYN-ACK goes: the peer would take it for
	 * a connection that its ACK cannot make. It retransmits its SYN and
	 * gets in once a connection has gone.
	 */
	if (tc->nb_conns >= cfg->max_conns) {
		TERN_STAT_INC(tc->ctx, drop_tcp_conn_limit);
		goto drop;
	}
	if ((cfg->flags & TERN_TCP_CFG_COOKIES_ALWAYS) || tc->syn_free == NULL) {
		uint16_t mss;
		uint32_t cookie, tsval = 0;

		if (!(cfg->flags & TERN_TCP_CFG_COOKIES_ALWAYS))
			TERN_STAT_INC(tc->ctx, tcp_syncache_overflow);
		if (cfg->flags & TERN_TCP_CFG_NO_COOKIES) {
			TERN_STAT_INC(tc->ctx, drop_tcp_syncache);
			goto drop;
		}
		cookie = tcp_cookie(&tc->cookie_secret, &k, si->seq, a.peer_mss, tc->ctx->now_ns, &mss);
		if (a.ts)
			tsval = tcp_cookie_tsval(tcp_ts_now(tc),
						      (a.peer_ws >= 0 &&
						       !(cfg->flags & TERN_TCP_CFG_NO_WSCALE)) ?
						      a.peer_ws : -1, a.sack);
		TERN_STAT_INC(tc->ctx, tcp_cookies_sent);
		/* Without timestamps nothing carries the options: offer none. */
		send_synack(tc, l, &k, cookie, si->seq, a.ts ? a.peer_ws : -1, a.ts && a.sack, a.ts, tsval,
			    o->ts_val, m);
		return;
	}
	sc = tc->syn_free;
	tc->syn_free = sc->free_next;
	memset(sc, 0, sizeof(*sc));
	sc->key = k;
	sc->listener = l;
	sc->irs = si->seq;
	sc->iss = key_isn(tc, &k, &ts_off);
	sc->peer_mss = a.peer_mss;
	sc->peer_ws = a.peer_ws >= 0 ? (uint8_t)a.peer_ws : 0xff;
	sc->sack_ok = a.sack;
	sc->ts_ok = a.ts;
	sc->ts_recent = a.ts ? o->ts_val : 0;
	sc->ts_off = a.ts ? ts_off : 0;
	sc->peer_wnd = si->wnd;
	timer_init(&sc->timer, tcp_syn_timer);
	if (tcp_hash_add(tc, &k, sc, TCP_REC_SYN) != 0) {
		sc->listener = NULL;
		sc->free_next = tc->syn_free;
		tc->syn_free = sc;
		TERN_STAT_INC(tc->ctx, drop_tcp_nomem);
		goto drop;
	}
	tc->nb_syn++;
	TERN_STAT_INC(tc->ctx, tcp_syncache_added);
	ctx_timer_arm(tc->ctx, &sc->timer, tc->ctx->now_ns + syn_rto(tc, 0));
	syn_send_synack(tc, sc, m);
	return;
drop:
	rte_pktmbuf_free(m);
}

/* Queue an established passive connection on its listener. */
void
tcp_accept_enqueue(struct tern_tcp_stream *s)
{
	struct tern_tcp_stream *l = s->listener;
	struct tcp_listen *lx = l->lx;

	s->aq_next = NULL;	/* (in place of ->listener, read above) */
	if (lx->aq_tail == NULL)
		lx->aq_head = s;
	else
		lx->aq_tail->aq_next = s;
	lx->aq_tail = s;
	if (lx->aq_len++ == 0)
		tcp_post(l, TERN_EV_ACCEPT, 0);
}

/*
 * A control block for the SYN of @k (initial sequence numbers @iss and
 * @irs, the options both sides agreed on) in the hash, its SYN-ACK
 * acknowledged (ESTABLISHED), or with @held not yet sent (SYN_RECEIVED).
 */
static struct tern_tcp_stream *
stream_from_syn(struct tern_tcp_ctx *tc, struct tern_tcp_stream *l,
		const struct tern_tcp_key *k, uint32_t iss, uint32_t irs,
		uint16_t peer_mss, int peer_ws, bool sack_ok, bool ts_ok, uint32_t ts_recent,
		uint32_t ts_off, bool held)
{
	struct tern_tcp_stream *s;
	int ret;

	if (tc->nb_conns >= tc->cfg.max_conns) {
		/* filled up since the SYN: the peer retransmits the ACK or its data */
		TERN_STAT_INC(tc->ctx, drop_tcp_conn_limit);
		return NULL;
	}
	s = tcp_stream_alloc(tc);
	if (s == NULL) {
		TERN_STAT_INC(tc->ctx, drop_tcp_nomem);
		return NULL;
	}
	s->key = *k;
	s->cc_id = l->cc_id;
	ret = net_dest_init(tc->ctx, &s->dest, k->family, k->raddr, IPPROTO_TCP);
	if (ret != 0 || tcp_hash_add(tc, k, s, TCP_REC_TCB) != 0) {
		TERN_STAT_INC(tc->ctx, drop_tcp_nomem);
		tcp_stream_free(s);
		return NULL;
	}
	s->tf |= TF_IN_HASH | TF_SYN_RECV_PASSIVE;
	if (l->tf & TF_TRANSPARENT) {
		s->tf |= TF_TRANSPARENT;
		tcp_tproxy_ref(tc);
		TERN_STAT_INC(tc->ctx, tcp_tproxy_opens);
	}
	s->listener = l;
	s->udata = l->udata;
	s->snd_buf = l->snd_buf;
	s->rcv_buf = l->rcv_buf;
	if (l->lx->param_flags & TERN_TCP_F_NODELAY)
		s->tf |= TF_NODELAY;
	if (l->lx->param_flags & TERN_TCP_F_KEEPALIVE)
		s->tf |= TF_KEEPALIVE;
	s->keepidle_ms = l->keepidle_ms;
	s->keepintvl_ms = l->keepintvl_ms;
	s->keepcnt = l->keepcnt;
	s->iss = iss;
	s->irs = irs;
	/* held: the SYN-ACK is sent later, from the retransmit queue (tcp_send_syn()) */
	s->snd_una = s->snd_nxt = s->snd_max = held ? iss : iss + 1;
	s->rcv_nxt = irs + 1;
	s->rcv_adv = s->rcv_nxt + RTE_MIN(s->rcv_buf, 65535u);
	s->last_ack_sent = s->rcv_nxt;
	s->snd_wl1 = irs;
	s->snd_wl2 = iss;
	s->rcv_mss = tcp_mss_for(tc->ctx, s->dest.ifindex, s->key.family);
	if (l->lx->param_mss != 0 && l->lx->param_mss < s->rcv_mss)
		s->rcv_mss = l->lx->param_mss;
	if (peer_ws >= 0 && !(tc->cfg.flags & TERN_TCP_CFG_NO_WSCALE)) {
		s->tf |= TF_WS_OK;
		s->snd_ws = (uint8_t)peer_ws;
		s->rcv_ws = listener_ws(tc, l);
	}
	if (ts_ok) {
		s->tf |= TF_TS_OK;
		s->ts_recent = ts_recent;
		s->ts_recent_t = tcp_t20(tc->ctx->now_ns);
		s->ts_off = ts_off;
	}
	if (sack_ok)
		s->tf |= TF_SACK_OK;
	tcp_set_mss(s, peer_mss);
	s->rto_us = (uint32_t)(tc->cfg.rto_init_ns / 1000);
	s->idle_t = tcp_t20(tc->ctx->now_ns);
	tcp_cc_init(s);
	TERN_STAT_INC(tc->ctx, tcp_passive_opens);
	if (held) {
		s->tf |= TF_SYN_HELD;
		tcp_set_state(s, TERN_TCP_SYN_RECEIVED);
		return s;
	}
	tcp_set_state(s, TERN_TCP_ESTABLISHED);
	if (s->tf & TF_KEEPALIVE)
		tcp_timer_set_keep(s, tc->ctx->now_ns + tcp_keepidle_ns(s));
	return s;
}

struct tern_tcp_stream *
tcp_stream_from_syn(struct tern_tcp_ctx *tc, struct tern_tcp_stream *l,
		    const struct tern_tcp_key *k, uint32_t iss, uint32_t irs,
		    uint16_t peer_mss, int peer_ws, bool sack_ok, bool ts_ok, uint32_t ts_recent,
		    uint32_t ts_off)
{
	return stream_from_syn(tc, l, k, iss, irs, peer_mss, peer_ws, sack_ok, ts_ok, ts_recent,
			       ts_off, false);
}

/*
 * A SYN to a listener that holds them (connect-first): a full control block
 * in SYN_RECEIVED at once, on the accept queue, nothing sent. The SYN-ACK
 * goes at tern_tcp_accept_complete(), a reset at tern_tcp_abort(). No
 * syncache entry or cookie: the answer is not ours to give yet.
 */
void
tcp_syn_hold(struct tern_tcp_ctx *tc, struct tern_tcp_stream *l, struct rte_mbuf *m,
	     const struct tern_ip_info *ip, struct tcp_seg_in *si)
{
	const struct tern_tcp_config *cfg = &tc->cfg;
	const struct tern_tcp_opts *o = &si->opts;
	const struct syn_ask a = syn_ask(tc, ip, si);
	struct tern_tcp_stream *s;
	struct tern_tcp_key k;
	uint32_t iss, ts_off;

	tcp_key_make(&k, ip, si->th->src_port, si->th->dst_port);
	if (tcp_acceptq_full(l)) {
		TERN_STAT_INC(tc->ctx, drop_tcp_backlog);
		goto drop;
	}
	iss = key_isn(tc, &k, &ts_off);
	s = stream_from_syn(tc, l, &k, iss, si->seq, a.peer_mss, a.peer_ws, a.sack, a.ts,
			    a.ts ? o->ts_val : 0, a.ts ? ts_off : 0, true);
	if (s == NULL)
		goto drop;	/* counted */
	/* the SYN-ACK will offer what the SYN did, as a syncache entry's would */
	s->rcv_ws = (a.peer_ws >= 0 && !(cfg->flags & TERN_TCP_CFG_NO_WSCALE)) ?
		listener_ws(tc, l) : 0;
	s->rcv_mss = key_mss(tc, l, &k);
	s->snd_wl1 = si->seq;
	s->snd_wnd = si->wnd;
	s->max_sndwnd = si->wnd;
	TERN_STAT_INC(tc->ctx, tcp_syn_held);
	tcp_accept_enqueue(s);
drop:
	rte_pktmbuf_free(m);
}

/* The rest of the handshake's ACK goes through the connection's input. */
static void
finish_passive(struct tern_tcp_stream *s, struct rte_mbuf *m, struct tcp_seg_in *si)
{
	tcp_accept_enqueue(s);
	tcp_conn_input(s, si->len > 0 ? m : NULL, si);
	if (si->len == 0)
		rte_pktmbuf_free(m);
}

/* A segment for a syncache entry (SYN_RECEIVED). */
void
tcp_syn_ack_input(struct tern_tcp_ctx *tc, struct tern_tcp_syn *sc, struct rte_mbuf *m,
		  const struct tern_ip_info *ip, struct tcp_seg_in *si)
{
	struct tern_tcp_stream *l = sc->listener, *s;

	RTE_SET_USED(ip);
	if (si->flags & TH_RST) {
		/* RFC 5961 3.2 for SYN_RECEIVED: exactly RCV.NXT */
		if (si->seq == sc->irs + 1) {
			TERN_STAT_INC(tc->ctx, tcp_in_rsts);
			TERN_STAT_INC(tc->ctx, tcp_attempt_fails);
			tcp_syn_free(tc, sc);
		} else {
			TERN_STAT_INC(tc->ctx, drop_tcp_rst_invalid);
		}
		goto drop;
	}
	if (si->flags & TH_SYN) {
		/* our SYN-ACK was lost: a retransmitted SYN gets it again */
		if (!(si->flags & TH_ACK) && si->seq == sc->irs)
			syn_send_synack(tc, sc, NULL);
		goto drop;
	}
	if (!(si->flags & TH_ACK)) {
		TERN_STAT_INC(tc->ctx, drop_tcp_no_ack);
		goto drop;
	}
	if (si->ack != sc->iss + 1) {
		tcp_send_rst_reply(tc->ctx, ip, si);
		goto drop;
	}
	if (tcp_acceptq_full(l)) {
		TERN_STAT_INC(tc->ctx, drop_tcp_backlog);
		goto drop;	/* the peer retransmits; the entry's timer resends the SYN-ACK */
	}
	s = tcp_stream_from_syn(tc, l, &sc->key, sc->iss, sc->irs, sc->peer_mss,
				sc->peer_ws == 0xff ? -1 : sc->peer_ws, sc->sack_ok, sc->ts_ok,
				sc->ts_recent, sc->ts_off);
	if (s == NULL)
		goto drop;
	/* the control block took the entry's place in the hash */
	syn_release(tc, sc, false);
	finish_passive(s, m, si);
	return;
drop:
	rte_pktmbuf_free(m);
}

bool
tcp_cookie_ack_input(struct tern_tcp_ctx *tc, struct tern_tcp_stream *l, struct rte_mbuf *m,
		     const struct tern_ip_info *ip, struct tcp_seg_in *si)
{
	const struct tern_tcp_opts *o = &si->opts;
	struct tern_tcp_stream *s;
	struct tern_tcp_key k;
	uint16_t mss;
	int ws = -1;
	bool sack = false, ts = false;

	if (tc->cfg.flags & TERN_TCP_CFG_NO_COOKIES)
		return false;
	tcp_key_make(&k, ip, si->th->src_port, si->th->dst_port);
	if (tcp_cookie_check(&tc->cookie_secret, &k, si->seq - 1, si->ack - 1, tc->ctx->now_ns,
			     &mss) != 0) {
		TERN_STAT_INC(tc->ctx, drop_tcp_bad_cookie);
		return false;
	}
	if (tcp_acceptq_full(l)) {
		TERN_STAT_INC(tc->ctx, drop_tcp_backlog);
		rte_pktmbuf_free(m);
		return true;
	}
	if ((o->flags & TERN_TCP_OPT_F_TS) && !(tc->cfg.flags & TERN_TCP_CFG_NO_TS) &&
	    tcp_cookie_ts_decode(o->ts_ecr, &ws, &sack) == 0)
		ts = true;
	s = tcp_stream_from_syn(tc, l, &k, si->ack - 1, si->seq - 1, mss,
				ts ? ws : -1, ts && sack, ts, o->ts_val, 0);
	if (s == NULL) {
		rte_pktmbuf_free(m);
		return true;
	}
	TERN_STAT_INC(tc->ctx, tcp_cookies_ok);
	finish_passive(s, m, si);
	return true;
}
