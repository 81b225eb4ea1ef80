/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "tern_tcp_priv.h"

/* The application's calls on TCP streams (include/tern/tern_tcp.h). */

static bool
local_addr_ok(const struct tern_ctx *ctx, const struct tern_sockaddr *sa)
{
	const struct tern_net *net = ctx->net;
	uint16_t i;

	if (sa->family == 4) {
		if (sa->ip4 == 0)
			return true;
		for (i = 0; i < net->nb_ifaces; i++)
			if (iface_has_addr4(&net->ifaces[i], sa->ip4))
				return true;
		return false;
	}
	if (ip6_is_unspec(&sa->ip6))
		return true;
	for (i = 0; i < net->nb_ifaces; i++)
		if (iface_has_addr6(&net->ifaces[i], &sa->ip6))
			return true;
	return false;
}

static void
key_set_local(struct tern_tcp_key *k, const struct tern_sockaddr *sa)
{
	k->family = sa->family;
	k->lport = sa->port;
	if (sa->family == 4)
		memcpy(k->laddr, &sa->ip4, 4);
	else
		memcpy(k->laddr, &sa->ip6, 16);
}

static void
key_set_remote(struct tern_tcp_key *k, const struct tern_sockaddr *sa)
{
	k->rport = sa->port;
	if (sa->family == 4)
		memcpy(k->raddr, &sa->ip4, 4);
	else
		memcpy(k->raddr, &sa->ip6, 16);
}

/* The congestion control @p names: the context's if none, NULL if unknown. */
static const struct tcp_cc_ops *
param_cc(const struct tern_tcp_ctx *tc, const struct tern_tcp_param *p)
{
	return p->cc != NULL ? tcp_cc_find(p->cc) : tc->cc_ops;
}

static void
stream_params(struct tern_tcp_stream *s, const struct tern_tcp_param *p)
{
	const struct tern_tcp_config *cfg = &s->tc->cfg;

	s->udata = p->udata;
	if (s->tf & TF_LISTENER) {
		s->lx->param_flags = p->flags;
		s->lx->param_mss = p->mss;
		s->lx->backlog = p->backlog ? p->backlog : TCP_DEF_BACKLOG;
	}
	s->snd_buf = p->sndbuf ? RTE_MIN(p->sndbuf, TCP_MAX_BUF) : cfg->sndbuf;
	s->rcv_buf = p->rcvbuf ? RTE_MIN(p->rcvbuf, TCP_MAX_BUF) : cfg->rcvbuf;
	s->keepidle_ms = tcp_keep_ms(p->keepidle_ns);
	s->keepintvl_ms = tcp_keep_ms(p->keepintvl_ns);
	s->keepcnt = (uint8_t)RTE_MIN(p->keepcnt, (uint32_t)UINT8_MAX);
	if (p->flags & TERN_TCP_F_NODELAY)
		s->tf |= TF_NODELAY;
	if (p->flags & TERN_TCP_F_KEEPALIVE)
		s->tf |= TF_KEEPALIVE;
}

/* A control block in LISTEN with its listener part (struct tcp_listen). */
static struct tern_tcp_stream *
listener_alloc(struct tern_tcp_ctx *tc)
{
	struct tern_tcp_stream *l = tcp_stream_alloc(tc);

	if (l == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	l->lx = rte_zmalloc_socket("tern_tcp_listen", sizeof(*l->lx), 0, tc->ctx->socket_id);
	if (l->lx == NULL) {
		tcp_stream_free(l);
		rte_errno = ENOMEM;
		return NULL;
	}
	l->tf |= TF_LISTENER;
	l->state = TERN_TCP_LISTEN;
	return l;
}

struct tern_tcp_stream *
tern_tcp_listen(struct tern_ctx *ctx, const struct tern_tcp_param *p)
{
	struct tern_tcp_ctx *tc = tcpc(ctx);
	struct tern_tcp_stream *l;
	struct tern_tcp_key k;

	if (tc == NULL || p == NULL || (p->local.family != 4 && p->local.family != 6) ||
	    p->local.port == 0 || param_cc(tc, p) == NULL) {
		rte_errno = EINVAL;
		return NULL;
	}
	if (!local_addr_ok(ctx, &p->local)) {
		rte_errno = EADDRNOTAVAIL;
		return NULL;
	}
	memset(&k, 0, sizeof(k));
	key_set_local(&k, &p->local);
	if (tcp_listener_exists(tc, &k)) {
		rte_errno = EADDRINUSE;
		return NULL;
	}
	l = listener_alloc(tc);
	if (l == NULL)
		return NULL;
	l->key = k;
	l->cc_id = tcp_cc_id(param_cc(tc, p));
	stream_params(l, p);
	tcp_listener_insert(tc, l);
	return l;
}

struct tern_tcp_stream *
tern_tcp_listen_transparent(struct tern_ctx *ctx, const struct tern_tcp_param *p,
			    const struct tern_tcp_tproxy_rule *rule)
{
	struct tern_tcp_ctx *tc = tcpc(ctx);
	struct tern_tcp_stream *l;
	uint8_t fam = rule != NULL ? rule->prefix.family : 0;
	unsigned int alen = fam == 4 ? 4 : 16, i;

	if (tc == NULL || p == NULL || rule == NULL || (fam != 4 && fam != 6) ||
	    rule->prefix_len > alen * 8 || rule->port_lo == 0 || rule->port_hi < rule->port_lo ||
	    param_cc(tc, p) == NULL) {
		rte_errno = EINVAL;
		return NULL;
	}
	l = listener_alloc(tc);
	if (l == NULL)
		return NULL;
	l->key.family = fam;
	l->key.lport = rte_cpu_to_be_16(rule->port_lo);
	memcpy(l->key.laddr, fam == 4 ? (const void *)&rule->prefix.ip4 : &rule->prefix.ip6, alen);
	/* the prefix alone: what tern_tcp_local() shows and duplicates are told by */
	for (i = 0; i < alen; i++) {
		unsigned int bits = rule->prefix_len > i * 8 ? rule->prefix_len - i * 8 : 0;

		if (bits < 8)
			l->key.laddr[i] &= (uint8_t)(0xff00 >> bits);
	}
	l->key.plen = rule->prefix_len;
	l->lx->tp_port_hi = rule->port_hi;
	if (tcp_tproxy_rule_exists(tc, l)) {
		tcp_stream_free(l);
		rte_errno = EADDRINUSE;
		return NULL;
	}
	l->tf |= TF_TRANSPARENT;
	l->cc_id = tcp_cc_id(param_cc(tc, p));
	stream_params(l, p);
	tcp_listener_insert(tc, l);	/* takes a claim reference (tcp_tproxy.c) */
	return l;
}

uint16_t
tern_tcp_accept_burst(struct tern_tcp_stream *l, struct tern_tcp_stream **out, uint16_t n)
{
	uint16_t i = 0;

	if (!(l->tf & TF_LISTENER)) {
		rte_errno = EINVAL;
		return 0;
	}
	while (i < n && l->lx->aq_head != NULL) {
		struct tcp_listen *lx = l->lx;
		struct tern_tcp_stream *s = lx->aq_head;

		lx->aq_head = s->aq_next;
		if (lx->aq_head == NULL)
			lx->aq_tail = NULL;
		TERN_ASSERT(lx->aq_len > 0);
		lx->aq_len--;
		s->aq_next = NULL;
		s->tf |= TF_ACCEPTED;
		out[i++] = s;
		/* what happened before the application knew of it */
		if (s->rcvq_head != NULL) {
			s->tf |= TF_READABLE_POSTED;
			tcp_post(s, TERN_EV_READABLE, 0);
		}
		if (s->tf & TF_FIN_RCVD)
			tcp_post(s, TERN_EV_CLOSED, 0);
		if (s->err != 0)
			tcp_post(s, TERN_EV_ERROR, s->err);
	}
	if (i == 0)
		rte_errno = EAGAIN;
	return i;
}

struct pick_arg {
	struct tern_tcp_ctx *tc;
	struct tern_tcp_key *k;
};

static bool
port_taken(void *arg, uint16_t port_be)
{
	struct pick_arg *a = arg;
	unsigned int tag;

	a->k->lport = port_be;
	return tcp_hash_lookup(a->tc, a->k, &tag) != NULL;
}

/*
 * A free ephemeral port for the 4-tuple in @k (its lport is set), going out
 * through interface @ifindex. When the device steers flows over several
 * queues, only a port whose reply (src = remote, dst = local) hashes to
 * this context's queue will do: the answers come back to us, and contexts
 * never pick the same 4-tuple.
 */
static int
pick_port(struct tern_tcp_ctx *tc, struct tern_tcp_key *k, uint16_t ifindex)
{
	const struct tern_ctx_port *cp = &tc->ctx->ports[ifindex];
	struct pick_arg a = { .tc = tc, .k = k };

	return rss_pick_port(cp->rss, k->family, k->laddr, k->raddr, k->rport,
				  cp->queue_id, TCP_EPHEMERAL_LO, TCP_EPHEMERAL_HI,
				  &tc->next_ephemeral, port_taken, &a, &k->lport);
}

/*
 * Whether the replies of 4-tuple @k (its local port given) reach this
 * context through interface @ifindex: always with one queue; with RSS,
 * when the reply's hash picks our queue.
 */
static bool
reply_steered_here(struct tern_tcp_ctx *tc, const struct tern_tcp_key *k, uint16_t ifindex)
{
	const struct tern_ctx_port *cp = &tc->ctx->ports[ifindex];
	uint32_t h;

	if (cp->rss == NULL || cp->rss->nb_queues <= 1)
		return true;
	if (k->family == 4) {
		uint32_t src, dst;

		memcpy(&src, k->raddr, 4);
		memcpy(&dst, k->laddr, 4);
		h = rss_hash4(cp->rss, src, dst, k->rport, k->lport);
	} else {
		h = rss_hash6(cp->rss, k->raddr, k->laddr, k->rport, k->lport);
	}
	return rss_queue(cp->rss, h) == cp->queue_id;
}

struct tern_tcp_stream *
tern_tcp_connect(struct tern_ctx *ctx, const struct tern_tcp_param *p)
{
	struct tern_tcp_ctx *tc = tcpc(ctx);
	const struct tern_tcp_config *cfg;
	struct tern_tcp_stream *s;
	struct tern_tcp_key k;
	struct tern_sockaddr local;
	struct net_dest dest;
	unsigned int tag;
	bool transparent = false;
	int ret;

	if (tc == NULL || p == NULL || (p->remote.family != 4 && p->remote.family != 6) ||
	    p->remote.port == 0 || param_cc(tc, p) == NULL) {
		rte_errno = EINVAL;
		return NULL;
	}
	cfg = &tc->cfg;
	if (p->local.family != 0 && p->local.family != p->remote.family) {
		rte_errno = EAFNOSUPPORT;
		return NULL;
	}
	if ((p->remote.family == 4 && p->remote.ip4 == 0) ||
	    (p->remote.family == 6 && ip6_is_unspec(&p->remote.ip6))) {
		rte_errno = EINVAL;
		return NULL;
	}
	local = p->local;
	local.family = p->remote.family;
	if (!local_addr_ok(ctx, &local)) {
		if (!(p->flags & TERN_TCP_F_TRANSPARENT)) {
			rte_errno = EADDRNOTAVAIL;
			return NULL;
		}
		transparent = true;	/* an address not ours, nonzero */
	}
	ret = net_dest_init(ctx, &dest, local.family,
			    local.family == 4 ? (const void *)&p->remote.ip4 : &p->remote.ip6,
			    IPPROTO_TCP);
	if (ret != 0) {
		rte_errno = ENETUNREACH;
		return NULL;
	}
	if (local.family == 4 && local.ip4 == 0)
		local.ip4 = iface_src4(&ctx->net->ifaces[dest.ifindex], p->remote.ip4);
	else if (local.family == 6 && ip6_is_unspec(&local.ip6))
		local.ip6 = *iface_src6(&ctx->net->ifaces[dest.ifindex], &p->remote.ip6);
	memset(&k, 0, sizeof(k));
	key_set_local(&k, &local);
	key_set_remote(&k, &p->remote);
	if (k.lport == 0) {
		if (pick_port(tc, &k, dest.ifindex) != 0) {
			rte_errno = EADDRINUSE;
			return NULL;
		}
	} else if (tcp_hash_lookup(tc, &k, &tag) != NULL) {
		rte_errno = EADDRINUSE;
		return NULL;
	} else if (transparent && !reply_steered_here(tc, &k, dest.ifindex)) {
		rte_errno = EXDEV;
		return NULL;
	}
	if (tc->nb_conns >= cfg->max_conns) {
		rte_errno = ENOMEM;
		return NULL;
	}
	s = tcp_stream_alloc(tc);
	if (s == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	s->key = k;
	s->dest = dest;
	stream_params(s, p);
	s->cc_id = tcp_cc_id(param_cc(tc, p));
	if (tcp_hash_add(tc, &k, s, TCP_REC_TCB) != 0) {
		tcp_stream_free(s);
		rte_errno = ENOMEM;
		return NULL;
	}
	s->tf |= TF_IN_HASH;
	if (transparent) {
		s->tf |= TF_TRANSPARENT;
		tcp_tproxy_ref(tc);	/* its replies come for an address not ours */
		TERN_STAT_INC(ctx, tcp_tproxy_connects);
	}
	s->rcv_mss = tcp_mss_for(ctx, dest.ifindex, s->key.family);
	if (p->mss != 0 && p->mss < s->rcv_mss)
		s->rcv_mss = p->mss;
	/* a path MTU kept for the destination: announce what fits it (as Linux's advmss) */
	s->pmtu = net_pmtu_get(ctx, s->key.family, k.raddr, NULL);
	s->pmtu_gen = net_pmtu_gen(ctx);
	if (s->pmtu != 0 && s->pmtu - 20 - (s->key.family == 4 ? 20 : 40) < s->rcv_mss)
		s->rcv_mss = (uint16_t)(s->pmtu - 20 - (s->key.family == 4 ? 20 : 40));
	s->mss = s->key.family == 4 ? 536 : 1220;
	s->rcv_ws = (cfg->flags & TERN_TCP_CFG_NO_WSCALE) ? 0 : tcp_wscale_for(s->rcv_buf);
	if (local.family == 4)
		s->iss = tcp_isn4(&tc->isn_secret, local.ip4, k.lport, p->remote.ip4,
				       k.rport, ctx->now_ns, &s->ts_off);
	else
		s->iss = tcp_isn6(&tc->isn_secret, k.laddr, k.lport, k.raddr, k.rport,
				       ctx->now_ns, &s->ts_off);
	s->snd_una = s->snd_nxt = s->snd_max = s->iss;
	s->rto_us = (uint32_t)(cfg->rto_init_ns / 1000);
	s->idle_t = tcp_t20(ctx->now_ns);
	tcp_cc_init(s);
	tcp_set_state(s, TERN_TCP_SYN_SENT);
	TERN_STAT_INC(ctx, tcp_active_opens);
	if (tcp_send_syn(s) != 0)
		tcp_drop(s, -ENOBUFS);	/* no SYN in the queue, no timer: fail now (an event) */
	return s;
}

/* Set rte_errno for a receive that found nothing. */
static int
recv_empty_errno(struct tern_tcp_stream *s)
{
	if (s->tf & TF_LISTENER)
		return EINVAL;
	if (s->err != 0)
		return -s->err;
	if (s->tf & (TF_FIN_RCVD | TF_RD_SHUT | TF_ERR_TAKEN))
		return 0;
	if (s->state == TERN_TCP_CLOSED)
		return ENOTCONN;
	return EAGAIN;
}

/*
 * The application made room in the receive buffer: tell the peer when the
 * window grew enough to matter (RFC 1122 4.2.3.3), at the context's next
 * flush (or poll, which flushes): what the application sends before then
 * carries the window, and no segment goes for it alone. A request/response
 * server reads the request, writes the answer and flushes: one segment,
 * where it was a window update and then the answer (RFC 1122 4.2.3.2 lets
 * an ACK wait; this waits only for the end of the application's turn).
 */
static void
rcv_window_update(struct tern_tcp_stream *s)
{
	uint32_t space, adv;

	if (s->tf & TF_DONE || s->state < TERN_TCP_ESTABLISHED || (s->tf & TF_FIN_RCVD))
		return;
	space = tcp_rcv_space(s);
	adv = SEQ_GT(s->rcv_adv, s->rcv_nxt) ? s->rcv_adv - s->rcv_nxt : 0;
	if (space > adv && space - adv >= RTE_MIN(2u * s->rcv_mss, s->rcv_buf / 2)) {
		s->tf |= TF_ACK_NOW;
		tcp_mark_dirty(s);
		s->tc->ctx->pre_flush_want = true;
	}
}

uint16_t
tern_tcp_recv_burst(struct tern_tcp_stream *s, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i = 0;

	while (i < n && s->rcvq_head != NULL) {
		struct rte_mbuf *m = s->rcvq_head;

		s->rcvq_head = m->next;
		m->next = NULL;
		s->rcvq_bytes -= m->data_len;
		pkts[i++] = m;
	}
	if (s->rcvq_head == NULL) {
		s->rcvq_tail = NULL;
		s->tf &= ~TF_READABLE_POSTED;
	}
	if (i == 0) {
		rte_errno = recv_empty_errno(s);
		return 0;
	}
	rcv_window_update(s);
	return i;
}

ssize_t
tern_tcp_read(struct tern_tcp_stream *s, void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t done = 0;

	while (done < len && s->rcvq_head != NULL) {
		struct rte_mbuf *m = s->rcvq_head;
		uint32_t n = RTE_MIN((size_t)m->data_len, len - done);

		memcpy(p + done, rte_pktmbuf_mtod(m, const void *), n);
		done += n;
		s->rcvq_bytes -= n;
		if (n == m->data_len) {
			s->rcvq_head = m->next;
			m->next = NULL;
			rte_pktmbuf_free_seg(m);
		} else {
			m->data_off += (uint16_t)n;
			m->data_len -= (uint16_t)n;
			m->pkt_len = m->data_len;
		}
	}
	if (s->rcvq_head == NULL) {
		s->rcvq_tail = NULL;
		s->tf &= ~TF_READABLE_POSTED;
	}
	if (done == 0 && len > 0) {
		int e = recv_empty_errno(s);

		return e == 0 ? 0 : -e;
	}
	rcv_window_update(s);
	return (ssize_t)done;
}

/* Why a send cannot queue data now (0: it can). */
static int
send_check(const struct tern_tcp_stream *s)
{
	if (s->tf & TF_LISTENER)
		return EINVAL;
	if (s->err != 0)
		return -s->err;
	if (s->tf & (TF_FIN_QUEUED | TF_ERR_TAKEN))
		return EPIPE;
	switch (s->state) {
	case TERN_TCP_SYN_SENT:
	case TERN_TCP_SYN_RECEIVED:
	case TERN_TCP_ESTABLISHED:
	case TERN_TCP_CLOSE_WAIT:
		return 0;
	case TERN_TCP_CLOSED:
		return ENOTCONN;
	default:
		return EPIPE;
	}
}

static inline uint32_t
snd_space(const struct tern_tcp_stream *s)
{
	uint32_t used = s->sndq_bytes + s->rtxq_bytes;

	return s->snd_buf > used ? s->snd_buf - used : 0;
}

/* Append one mbuf (a chain) to the send queue, one segment at a time. */
static void
sndq_append(struct tern_tcp_stream *s, struct rte_mbuf *m)
{
	s->sndq_bytes += m->pkt_len;
	while (m != NULL) {
		struct rte_mbuf *next = m->next;

		m->next = NULL;
		m->nb_segs = 1;
		m->pkt_len = m->data_len;
		if (m->data_len == 0) {
			rte_pktmbuf_free_seg(m);
		} else {
			if (s->sndq_tail == NULL)
				s->sndq_head = m;
			else
				s->sndq_tail->next = m;
			s->sndq_tail = m;
		}
		m = next;
	}
}

static void
send_kick(struct tern_tcp_stream *s)
{
	if (s->state >= TERN_TCP_ESTABLISHED)
		tcp_output(s);
}

uint16_t
tern_tcp_send_burst(struct tern_tcp_stream *s, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;
	int e = send_check(s);

	if (e != 0) {
		rte_errno = e;
		return 0;
	}
	for (i = 0; i < n; i++) {
		uint32_t space = snd_space(s);

		if (pkts[i]->pkt_len > space &&
		    (s->sndq_bytes + s->rtxq_bytes > 0 || space == 0)) {
			s->tf |= TF_WANT_WRITABLE;
			rte_errno = EAGAIN;
			break;
		}
		sndq_append(s, pkts[i]);
	}
	if (i > 0)
		send_kick(s);
	return i;
}

ssize_t
tern_tcp_write(struct tern_tcp_stream *s, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t done = 0, want;
	uint32_t seg = s->mss;
	int e = send_check(s);

	if (e != 0)
		return -e;
	want = RTE_MIN(len, (size_t)snd_space(s));
	if (want == 0 && len > 0) {
		s->tf |= TF_WANT_WRITABLE;
		return -EAGAIN;
	}
	/* fill the last queued mbuf up to a segment first */
	if (s->sndq_tail != NULL && RTE_MBUF_DIRECT(s->sndq_tail) &&
	    rte_mbuf_refcnt_read(s->sndq_tail) == 1 && s->sndq_tail->data_len < seg) {
		struct rte_mbuf *t = s->sndq_tail;
		uint32_t n = tcp_min(tcp_min((uint32_t)want, seg - t->data_len),
				     rte_pktmbuf_tailroom(t));

		if (n > 0) {
			memcpy(rte_pktmbuf_mtod_offset(t, uint8_t *, t->data_len), p, n);
			t->data_len += (uint16_t)n;
			t->pkt_len = t->data_len;
			s->sndq_bytes += n;
			done += n;
		}
	}
	while (done < want) {
		struct rte_mbuf *m = ctx_alloc_mbuf(s->tc->ctx);
		uint32_t n;

		if (m == NULL)
			break;
		m->data_off = 0;	/* headers go in a separate mbuf */
		n = tcp_min(tcp_min((uint32_t)(want - done), seg), rte_pktmbuf_tailroom(m));
		memcpy(rte_pktmbuf_append(m, (uint16_t)n), p + done, n);
		sndq_append(s, m);
		done += n;
	}
	if (done == 0)
		return -ENOBUFS;
	if (done < len)
		s->tf |= TF_WANT_WRITABLE;
	send_kick(s);
	return (ssize_t)done;
}

void
tern_tcp_push(struct tern_tcp_stream *s)
{
	s->tf |= TF_PUSH;
	send_kick(s);
}

/* Queue our FIN after the data and move to the state that waits for it. */
static void
shut_write(struct tern_tcp_stream *s)
{
	if (s->tf & (TF_FIN_QUEUED | TF_DONE))
		return;
	s->tf |= TF_FIN_QUEUED;
	switch (s->state) {
	case TERN_TCP_ESTABLISHED:
		tcp_set_state(s, TERN_TCP_FIN_WAIT_1);
		break;
	case TERN_TCP_CLOSE_WAIT:
		tcp_set_state(s, TERN_TCP_LAST_ACK);
		break;
	default:
		return;		/* SYN_SENT / SYN_RECEIVED: when established */
	}
	tcp_output(s);
}

int
tern_tcp_shutdown(struct tern_tcp_stream *s, int how)
{
	if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
		return -EINVAL;
	if ((s->tf & TF_LISTENER) || s->state == TERN_TCP_CLOSED)
		return -ENOTCONN;
	if (how != SHUT_WR) {
		s->tf |= TF_RD_SHUT;
		tcp_rcvq_free(s);
	}
	if (how != SHUT_RD)
		shut_write(s);
	return 0;
}

/* Reset and forget a connection (no event reaches the application). */
static void
conn_reset(struct tern_tcp_stream *s)
{
	if (!(s->tf & TF_DONE) && s->state != TERN_TCP_SYN_SENT) {
		/* a held SYN: RST|ACK of it, the peer's "connection refused" */
		if (s->tf & TF_SYN_HELD)
			TERN_STAT_INC(s->tc->ctx, tcp_syn_held_refused);
		tcp_send_ctl(s, TH_RST | TH_ACK, s->snd_nxt);
	}
	s->tf |= TF_APP_CLOSED;
	tcp_drop(s, 0);
	tcp_conn_done(s);
}

static void
listener_close(struct tern_tcp_stream *l)
{
	struct tern_tcp_ctx *tc = l->tc;
	struct tern_tcp_stream *s;

	tcp_listener_remove(tc, l);
	tcp_listener_purge_syn(tc, l);
	while ((s = l->lx->aq_head) != NULL) {
		l->lx->aq_head = s->aq_next;
		s->aq_next = NULL;
		conn_reset(s);
	}
	l->lx->aq_tail = NULL;
	l->lx->aq_len = 0;
	tcp_stream_free(l);
}

void
tern_tcp_close(struct tern_tcp_stream *s)
{
	if (s == NULL)
		return;
	ctx_cancel_events(s->tc->ctx, s);
	if (s->tf & TF_LISTENER) {
		listener_close(s);
		return;
	}
	s->tf |= TF_APP_CLOSED;
	if (s->tf & TF_DONE) {
		tcp_conn_done(s);
		return;
	}
	/* unread data, or never connected: reset (RFC 9293 3.10.4, RFC 2525 2.17) */
	if (s->rcvq_bytes > 0 || s->state == TERN_TCP_SYN_SENT || (s->tf & TF_SYN_HELD)) {
		conn_reset(s);
		return;
	}
	shut_write(s);
	if (s->state == TERN_TCP_FIN_WAIT_2)
		tcp_timer_set(s, TCP_T_KEEP, s->tc->ctx->now_ns + s->tc->cfg.fin_wait2_ns);
	if ((s->tf & TF_DONE) && !(s->tf & TF_DIRTY))
		tcp_conn_done(s);
}

void
tern_tcp_abort(struct tern_tcp_stream *s)
{
	if (s == NULL)
		return;
	if (s->tf & TF_LISTENER) {
		tern_tcp_close(s);
		return;
	}
	ctx_cancel_events(s->tc->ctx, s);
	conn_reset(s);
}

enum tern_tcp_state
tern_tcp_state(const struct tern_tcp_stream *s)
{
	return (enum tern_tcp_state)s->state;
}

void
tern_tcp_local(const struct tern_tcp_stream *s, struct tern_sockaddr *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->family = s->key.family;
	sa->port = s->key.lport;
	if (sa->family == 4)
		memcpy(&sa->ip4, s->key.laddr, 4);
	else
		memcpy(&sa->ip6, s->key.laddr, 16);
}

void
tern_tcp_remote(const struct tern_tcp_stream *s, struct tern_sockaddr *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->family = s->key.family;
	sa->port = s->key.rport;
	if (sa->family == 4)
		memcpy(&sa->ip4, s->key.raddr, 4);
	else
		memcpy(&sa->ip6, s->key.raddr, 16);
}

uint64_t
tern_tcp_udata(const struct tern_tcp_stream *s)
{
	return s->udata;
}

void
tern_tcp_set_udata(struct tern_tcp_stream *s, uint64_t udata)
{
	s->udata = udata;
	/* events posted before (at accept: data that came first) carry it too */
	ctx_retag_events(s->tc->ctx, s, udata);
}

int
tern_tcp_error(struct tern_tcp_stream *s)
{
	int e = s->err;

	if (e != 0) {
		s->err = 0;
		s->tf |= TF_ERR_TAKEN;	/* then as POSIX: reads see EOF, writes EPIPE */
	}
	return e;
}

void
tern_tcp_set_nodelay(struct tern_tcp_stream *s, bool on)
{
	if (on) {
		s->tf |= TF_NODELAY;
		if (s->tf & TF_LISTENER)
			s->lx->param_flags |= TERN_TCP_F_NODELAY;	/* accepted streams inherit it */
		else
			send_kick(s);
	} else {
		s->tf &= ~TF_NODELAY;
		if (s->tf & TF_LISTENER)
			s->lx->param_flags &= ~TERN_TCP_F_NODELAY;
	}
}

void
tern_tcp_set_keepalive(struct tern_tcp_stream *s, bool on, uint64_t idle_ns, uint64_t intvl_ns,
		       uint32_t cnt)
{
	s->keepidle_ms = tcp_keep_ms(idle_ns);
	s->keepintvl_ms = tcp_keep_ms(intvl_ns);
	s->keepcnt = (uint8_t)RTE_MIN(cnt, (uint32_t)UINT8_MAX);
	if (!on) {
		s->tf &= ~TF_KEEPALIVE;
		if (s->tf & TF_LISTENER)
			s->lx->param_flags &= ~TERN_TCP_F_KEEPALIVE;
		return;
	}
	s->tf |= TF_KEEPALIVE;
	if (s->tf & TF_LISTENER) {
		s->lx->param_flags |= TERN_TCP_F_KEEPALIVE;
		return;
	}
	s->kprobes = 0;
	if (!(s->tf & TF_DONE) && s->state >= TERN_TCP_ESTABLISHED)
		tcp_timer_set_keep(s, tcp_t20_ns(s->tc->ctx->now_ns, s->idle_t) +
				      tcp_keepidle_ns(s));
}

uint32_t
tern_tcp_rx_bytes(const struct tern_tcp_stream *s)
{
	return s->rcvq_bytes;
}

uint32_t
tern_tcp_tx_space(const struct tern_tcp_stream *s)
{
	return send_check(s) != 0 ? 0 : snd_space(s);
}

void
tern_tcp_info(const struct tern_tcp_stream *s, struct tern_tcp_info *info)
{
	memset(info, 0, sizeof(*info));
	info->state = s->state;
	info->snd_wscale = (s->tf & TF_WS_OK) ? s->snd_ws : 0;
	info->rcv_wscale = (s->tf & TF_WS_OK) ? s->rcv_ws : 0;
	info->ts_ok = !!(s->tf & TF_TS_OK);
	info->sack_ok = !!(s->tf & TF_SACK_OK);
	info->mss = s->mss;
	info->pmtu = s->pmtu != 0 ? s->pmtu : s->tc->ctx->net->ifaces[s->dest.ifindex].mtu;
	info->rtt_us = s->srtt >> TCP_RTT_SHIFT;
	info->rttvar_us = s->rttvar >> TCP_RTTVAR_SHIFT;
	info->rto_us = s->rto_us;
	info->cwnd = tcp_cwnd(s);
	info->ssthresh = s->cc != NULL ? s->cc->ssthresh : TCP_CC_SSTHRESH_INF;
	info->min_rtt_us = s->min_rtt_us;
	info->sacked = s->rec->sacked_out;
	info->lost = s->rec->lost_out;
	info->retrans_out = s->rec->retrans_out;
	if (s->cc_id != 0)
		snprintf(info->cc, sizeof(info->cc), "%s", tcp_cc_of(s)->name);
	info->snd_wnd = s->snd_wnd;
	info->rcv_wnd = SEQ_GT(s->rcv_adv, s->rcv_nxt) ? s->rcv_adv - s->rcv_nxt : 0;
	info->unacked = s->snd_max - s->snd_una;
	info->bytes_sent = s->bytes_sent;
	info->bytes_received = s->bytes_received;
	info->segs_retrans = s->segs_retrans;
}
