/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * tern-l4fwd over TCP. Each worker keeps its connections in a list; a
 * round pumps only the connections that the context's events named
 * (readable, writable, connected, closed, error: the event's udata is the
 * connection) and those just accepted, so that a round costs what moved,
 * not the number of connections open (with tens of thousands open, pumping
 * every one each round took milliseconds). tx, with at most
 * L4FWD_TX_PARALLEL connections open, pumps all of them. The modes:
 *
 * - echo: what a connection receives goes back on it, zero-copy (the
 *   received mbufs are handed to tern_tcp_send_burst()); the peer's FIN is
 *   answered with ours once everything was echoed;
 * - rx: received bytes are counted and freed; FIN answered with FIN;
 * - tx: one connection per worker to --raddr/--raddr6:--rport sends --count
 *   bytes of the TCP pattern (0: without end), then a FIN, and waits for the
 *   peer's;
 * - fwd: each accepted connection gets its own connection to the backend
 *   (--raddr:--rport); bytes are relayed both ways, FINs passed on.
 *
 * The TCP pattern: stream byte k is l4fwd_tcp_byte(k % L4FWD_TCP_PERIOD); a
 * prime period, so no segment size lines up with it (tests/interop rebuild
 * it to compare digests).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "l4fwd.h"

static uint8_t tcp_pattern[2 * L4FWD_TCP_PERIOD];

const uint8_t *
l4fwd_tcp_pattern(void)
{
	return tcp_pattern;
}

void
l4fwd_tcp_pattern_init(void)
{
	uint32_t j;

	for (j = 0; j < L4FWD_TCP_PERIOD; j++) {
		tcp_pattern[j] = (uint8_t)(((j * 7919u) >> 3) ^ j);
		tcp_pattern[j + L4FWD_TCP_PERIOD] = tcp_pattern[j];
	}
}

/* One direction of a connection: mbufs taken from it but not yet sent on. */
struct l4fwd_conn {
	struct l4fwd_conn *next;
	struct l4fwd_conn **pprev;	/* in w->conns */
	struct l4fwd_conn *ready_next;	/* in w->ready, when ready */
	struct l4fwd_conn *dying_next;	/* in w->dying, once dead */
	bool ready;			/* an event named it: pump it this round */
	bool parked;			/* dead, waiting for its fwd peer to end */
	struct tern_tcp_stream *s;
	struct l4fwd_conn *peer;	/* fwd: the other end */
	int f;				/* family index */
	bool eof;			/* its FIN was read */
	bool shut;			/* we sent our FIN on it */
	bool dead;
	uint16_t npend;			/* mbufs read from here, waiting to go out */
	struct rte_mbuf *pend[L4FWD_MAX_BURST];
	uint64_t tx_off;		/* tx: bytes written */
	uint64_t rx_off;		/* rx: bytes checked against the pattern */
	uint64_t t0;			/* rx, tx: TSC at establishment (tx: 0 before) */
	struct l4fwd_sha256 sha;	/* --sha256: of what rx got or tx wrote */
};

static struct l4fwd_conn *
conn_new(struct l4fwd_worker *w, struct tern_tcp_stream *s, int f)
{
	struct l4fwd_conn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->s = s;
	c->f = f;
	if (w->o->mode != L4FWD_TX)
		c->t0 = rte_rdtsc();	/* accepted: established */
	l4fwd_sha256_init(&c->sha);
	c->next = w->conns;
	if (c->next != NULL)
		c->next->pprev = &c->next;
	c->pprev = &w->conns;
	w->conns = c;
	tern_tcp_set_udata(s, (uint64_t)(uintptr_t)c);
	/* data may have come with the handshake: look at it once */
	c->ready = true;
	c->ready_next = w->ready;
	w->ready = c;
	return c;
}

/* Pump @c in this round (or the next, if this one is under way). */
static void
conn_mark(struct l4fwd_worker *w, struct l4fwd_conn *c)
{
	if (c == NULL || c->ready || c->dead)
		return;
	c->ready = true;
	c->ready_next = w->ready;
	w->ready = c;
}

void
l4fwd_tcp_events(struct l4fwd_worker *w, const struct tern_event *ev, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct l4fwd_conn *c = (struct l4fwd_conn *)(uintptr_t)ev[i].udata;

		if (ev[i].type == TERN_EV_NONE || c == NULL)
			continue;	/* a listener's ACCEPT: accept_all() looks every round */
		conn_mark(w, c);
		conn_mark(w, c->peer);	/* fwd: room or an end on one side moves the other */
	}
}

/* Aim @p at --raddr (@f IPv4) or --raddr6, port --rport, from the same family. */
static void
param_remote(const struct l4fwd_opts *o, int f, struct tern_tcp_param *p)
{
	p->remote.family = f == L4FWD_V4 ? 4 : 6;
	p->local.family = p->remote.family;
	p->remote.port = rte_cpu_to_be_16(o->rport);
	if (f == L4FWD_V4)
		p->remote.ip4 = o->raddr;
	else
		p->remote.ip6 = o->raddr6;
}

static int
family_index(const struct tern_tcp_stream *s)
{
	struct tern_sockaddr sa;

	tern_tcp_local(s, &sa);
	return sa.family == 4 ? L4FWD_V4 : L4FWD_V6;
}

/*
 * tx: open connections of family @f until L4FWD_TX_PARALLEL are open or
 * --conns were opened. @return 0, or -1 (w->err says why).
 */
static int
tx_open_more(struct l4fwd_worker *w, int f)
{
	const struct l4fwd_opts *o = w->o;

	while (w->tx_started[f] < o->conns && w->tx_open < L4FWD_TX_PARALLEL) {
		struct tern_tcp_param p;

		memset(&p, 0, sizeof(p));
		param_remote(o, f, &p);
		p.local.port = rte_cpu_to_be_16(o->lport);
		w->tcp_tx[f] = tern_tcp_connect(w->ctx, &p);
		if (w->tcp_tx[f] == NULL) {
			snprintf(w->err, sizeof(w->err), "TCP connect (IPv%u): %s",
				 p.local.family, rte_strerror(rte_errno));
			return -1;
		}
		if (conn_new(w, w->tcp_tx[f], f) == NULL) {
			snprintf(w->err, sizeof(w->err), "out of memory");
			return -1;
		}
		w->tx_started[f]++;
		w->tx_open++;
		w->st.t.opened++;
	}
	return 0;
}

int
l4fwd_tcp_setup(struct l4fwd_worker *w)
{
	const struct l4fwd_opts *o = w->o;
	int f;

	for (f = 0; f < L4FWD_NB_FAMILIES; f++) {
		struct tern_tcp_param p;

		if (!o->have_addr[f])
			continue;
		memset(&p, 0, sizeof(p));
		p.local.family = f == L4FWD_V4 ? 4 : 6;
		if (o->mode == L4FWD_TX) {
			if (o->have_raddr[f] && tx_open_more(w, f) != 0)
				return -1;
			continue;
		}
		p.local.port = rte_cpu_to_be_16(o->lport);
		p.backlog = L4FWD_TCP_BACKLOG;
		p.flags = TERN_TCP_F_NODELAY;
		w->tcp_l[f] = tern_tcp_listen(w->ctx, &p);
		if (w->tcp_l[f] == NULL) {
			snprintf(w->err, sizeof(w->err), "TCP listener on port %u (IPv%u): %s",
				 o->lport, p.local.family, rte_strerror(rte_errno));
			return -1;
		}
	}
	return 0;
}

/* --sha256: the digest line of an rx or tx connection that ends (@end says how). */
static void
conn_report(const struct l4fwd_worker *w, const struct l4fwd_conn *c, const char *end)
{
	bool rx = w->o->mode == L4FWD_RX;

	if (w->o->sha256)
		l4fwd_conn_report(c->f, rx, rx ? c->rx_off : c->tx_off, c->t0, end, &c->sha);
}

/* Close @c's stream (gracefully unless @abort) and mark it for freeing. */
static void
conn_end(struct l4fwd_worker *w, struct l4fwd_conn *c, bool abort)
{
	if (c->dead)
		return;
	conn_report(w, c, abort ? "error" : "done");
	rte_pktmbuf_free_bulk(c->pend, c->npend);
	c->npend = 0;
	if (abort)
		tern_tcp_abort(c->s);
	else
		tern_tcp_close(c->s);
	if (c->s == w->tcp_tx[c->f])
		w->tcp_tx[c->f] = NULL;
	if (w->o->mode == L4FWD_TX)
		w->tx_open--;
	c->s = NULL;
	c->dead = true;
	c->dying_next = w->dying;
	w->dying = c;
	w->st.t.closed++;
}

static void
conn_free(struct l4fwd_conn *c)
{
	*c->pprev = c->next;
	if (c->next != NULL)
		c->next->pprev = c->pprev;
	free(c);
}

/* Free the connections that ended (a fwd pair goes together). */
static void
free_dying(struct l4fwd_worker *w)
{
	struct l4fwd_conn *c, *p;

	while ((c = w->dying) != NULL) {
		w->dying = c->dying_next;
		p = c->peer;
		if (p != NULL && !p->dead) {
			c->parked = true;	/* freed with its peer */
			continue;
		}
		if (p != NULL) {
			p->peer = NULL;
			if (p->parked)
				conn_free(p);
		}
		conn_free(c);
	}
}

/* Pump one connection as the mode says. */
static void pump(struct l4fwd_worker *w, struct l4fwd_conn *c);

/*
 * Move what @src received to @dst (zero-copy). @return -1 if @src failed,
 * 1 at its end of stream (everything passed on), 0 otherwise.
 */
static int
relay(struct l4fwd_worker *w, struct l4fwd_conn *src, struct tern_tcp_stream *dst)
{
	struct l4fwd_counts *cnt = &w->st.c[src->f];
	uint16_t n, k, i;

	for (;;) {
		if (src->npend > 0) {
			if (dst == NULL) {
				rte_pktmbuf_free_bulk(src->pend, src->npend);
				src->npend = 0;
			} else {
				k = tern_tcp_send_burst(dst, src->pend, src->npend);
				for (i = 0; i < k; i++) {
					cnt->tx_dgrams++;
				}
				if (k < src->npend) {
					if (rte_errno != EAGAIN) {
						rte_pktmbuf_free_bulk(src->pend + k, src->npend - k);
						src->npend = 0;
						return -1;
					}
					memmove(src->pend, src->pend + k,
						(src->npend - k) * sizeof(src->pend[0]));
					src->npend -= k;
					return 0;	/* wait for room */
				}
				src->npend = 0;
			}
		}
		if (src->eof)
			return 1;
		n = tern_tcp_recv_burst(src->s, src->pend, w->o->burst);
		if (n == 0) {
			if (rte_errno == 0) {
				src->eof = true;
				return 1;
			}
			return rte_errno == EAGAIN ? 0 : -1;
		}
		for (i = 0; i < n; i++) {
			const struct rte_mbuf *m = src->pend[i];

			cnt->rx_dgrams++;
			cnt->rx_bytes += m->data_len;
			cnt->tx_bytes += dst != NULL ? m->data_len : 0;
			if (dst == NULL && w->o->mode == L4FWD_RX) {
				/* rx: every byte against the pattern */
				uint32_t at = (uint32_t)(src->rx_off % L4FWD_TCP_PERIOD);

				if (memcmp(rte_pktmbuf_mtod(m, const void *), tcp_pattern + at,
					   RTE_MIN((uint32_t)m->data_len,
						   2 * L4FWD_TCP_PERIOD - at)) != 0)
					w->st.t.bad_segs++;
				if (w->o->sha256)
					l4fwd_sha256_update(&src->sha,
							    rte_pktmbuf_mtod(m, const void *),
							    m->data_len);
				src->rx_off += m->data_len;
			}
		}
		src->npend = n;
	}
}

static void
pump_echo(struct l4fwd_worker *w, struct l4fwd_conn *c, bool sink)
{
	int r = relay(w, c, sink ? NULL : c->s);

	if (r < 0) {
		w->st.t.errors++;
		conn_end(w, c, true);
	} else if (r > 0) {
		conn_end(w, c, false);	/* FIN after what was echoed */
		w->st.t.done++;
	}
}

static void
pump_fwd(struct l4fwd_worker *w, struct l4fwd_conn *c)
{
	struct l4fwd_conn *p = c->peer;
	int r;

	if (c->dead || p == NULL)
		return;
	if (tern_tcp_state(p->s) == TERN_TCP_SYN_SENT)
		return;		/* wait for the backend */
	r = relay(w, c, p->s);
	if (r > 0 && !c->shut) {
		tern_tcp_shutdown(p->s, SHUT_WR);
		c->shut = true;
	}
	if (r < 0 || tern_tcp_error(p->s) != 0) {
		w->st.t.errors++;
		conn_end(w, c, true);
		conn_end(w, p, true);
		return;
	}
	if (c->eof && p->eof && c->npend == 0 && p->npend == 0 && c->shut && p->shut) {
		conn_end(w, c, false);
		conn_end(w, p, false);
		w->st.t.done++;
	}
}

static void
pump_tx(struct l4fwd_worker *w, struct l4fwd_conn *c)
{
	const struct l4fwd_opts *o = w->o;
	struct l4fwd_counts *cnt = &w->st.c[c->f];
	enum tern_tcp_state st = tern_tcp_state(c->s);
	struct rte_mbuf *pkts[L4FWD_MAX_BURST];
	uint16_t n, i;
	int err = tern_tcp_error(c->s);

	if (err != 0) {
		snprintf(w->err, sizeof(w->err), "TCP connection: %s", rte_strerror(-err));
		w->st.t.errors++;
		conn_end(w, c, true);
		w->tcp_tx_failed = true;
		return;
	}
	/* what comes back is counted and freed */
	while ((n = tern_tcp_recv_burst(c->s, pkts, RTE_DIM(pkts))) > 0) {
		for (i = 0; i < n; i++) {
			cnt->rx_dgrams++;
			cnt->rx_bytes += pkts[i]->data_len;
		}
		rte_pktmbuf_free_bulk(pkts, n);
	}
	if (st == TERN_TCP_SYN_SENT)
		return;
	if (c->t0 == 0)
		c->t0 = rte_rdtsc();
	while (!c->shut && (o->count == 0 || c->tx_off < w->quota)) {
		uint32_t at = (uint32_t)(c->tx_off % L4FWD_TCP_PERIOD);
		uint64_t want = L4FWD_TCP_PERIOD;
		ssize_t k;

		if (o->count != 0 && w->quota - c->tx_off < want)
			want = w->quota - c->tx_off;
		k = tern_tcp_write(c->s, tcp_pattern + at, (size_t)want);
		if (k <= 0)
			break;
		if (o->sha256)
			l4fwd_sha256_update(&c->sha, tcp_pattern + at, (size_t)k);
		c->tx_off += (uint64_t)k;
		cnt->tx_bytes += (uint64_t)k;
		cnt->tx_dgrams++;
	}
	if (!c->shut && o->count != 0 && c->tx_off >= w->quota) {
		tern_tcp_shutdown(c->s, SHUT_WR);
		c->shut = true;
	}
	/* finished once our FIN was acknowledged and the peer sent its own */
	if (c->shut && (st == TERN_TCP_TIME_WAIT || st == TERN_TCP_CLOSED)) {
		conn_end(w, c, false);
		w->st.t.done++;
	}
}

/* Accept what the listeners have; fwd: open the backend side of each. */
static void
accept_all(struct l4fwd_worker *w)
{
	const struct l4fwd_opts *o = w->o;
	struct tern_tcp_stream *acc[32];
	uint16_t n, i;
	int f;

	for (f = 0; f < L4FWD_NB_FAMILIES; f++) {
		if (w->tcp_l[f] == NULL)
			continue;
		while ((n = tern_tcp_accept_burst(w->tcp_l[f], acc, RTE_DIM(acc))) > 0) {
			for (i = 0; i < n; i++) {
				struct l4fwd_conn *c = conn_new(w, acc[i], family_index(acc[i]));
				struct tern_tcp_param p;
				int b;

				if (c == NULL) {
					tern_tcp_abort(acc[i]);
					continue;
				}
				w->st.t.opened++;
				if (o->mode != L4FWD_FWD)
					continue;
				/* the backend of the client's family, else the other */
				b = o->have_raddr[c->f] ? c->f : 1 - c->f;
				memset(&p, 0, sizeof(p));
				p.flags = TERN_TCP_F_NODELAY;
				param_remote(o, b, &p);
				if (!o->have_raddr[b] || !o->have_addr[b]) {
					w->st.d.no_backend++;
					conn_end(w, c, true);
					continue;
				}
				struct tern_tcp_stream *bs = tern_tcp_connect(w->ctx, &p);

				if (bs == NULL || (c->peer = conn_new(w, bs, b)) == NULL) {
					w->st.d.no_backend++;
					if (bs != NULL)
						tern_tcp_abort(bs);
					conn_end(w, c, true);
					continue;
				}
				c->peer->peer = c;
				w->st.t.opened++;
			}
		}
	}
}

static void
pump(struct l4fwd_worker *w, struct l4fwd_conn *c)
{
	if (c->dead)
		return;
	w->st.t.pumped++;
	switch (w->o->mode) {
	case L4FWD_ECHO:
		pump_echo(w, c, false);
		break;
	case L4FWD_RX:
		pump_echo(w, c, true);
		break;
	case L4FWD_FWD:
		pump_fwd(w, c);
		break;
	case L4FWD_TX:
		pump_tx(w, c);
		break;
	}
}

void
l4fwd_tcp_step(struct l4fwd_worker *w)
{
	struct l4fwd_conn *c, *list;

	accept_all(w);
	/* the connections named since the last round; new marks wait for the next */
	list = w->ready;
	w->ready = NULL;
	while ((c = list) != NULL) {
		list = c->ready_next;
		c->ready = false;
		if (w->o->mode != L4FWD_TX)
			pump(w, c);
	}
	if (w->o->mode == L4FWD_TX) {
		for (c = w->conns; c != NULL; c = c->next)
			pump(w, c);
		/* the next connections, while no one failed */
		if (!w->tcp_tx_failed) {
			for (int f = 0; f < L4FWD_NB_FAMILIES; f++) {
				if (w->o->have_raddr[f] && w->o->have_addr[f] &&
				    tx_open_more(w, f) != 0) {
					w->st.t.errors++;
					w->tcp_tx_failed = true;
				}
			}
		}
	}
	free_dying(w);
}

/* tx: has every connection of the worker finished? */
bool
l4fwd_tcp_tx_finished(const struct l4fwd_worker *w)
{
	int f;

	if (w->tcp_tx_failed)
		return true;
	for (f = 0; f < L4FWD_NB_FAMILIES; f++)
		if (w->o->have_raddr[f] && w->o->have_addr[f] && w->tx_started[f] < w->o->conns)
			return false;
	return w->conns == NULL;
}

void
l4fwd_tcp_teardown(struct l4fwd_worker *w)
{
	struct l4fwd_conn *c;
	int f;

	w->ready = NULL;
	w->dying = NULL;
	while ((c = w->conns) != NULL) {
		w->conns = c->next;
		if (!c->dead) {
			if (w->o->mode == L4FWD_RX || w->o->mode == L4FWD_TX)
				conn_report(w, c, "open");
			rte_pktmbuf_free_bulk(c->pend, c->npend);
			tern_tcp_abort(c->s);
		}
		free(c);
	}
	for (f = 0; f < L4FWD_NB_FAMILIES; f++) {
		tern_tcp_close(w->tcp_l[f]);
		w->tcp_l[f] = NULL;
		w->tcp_tx[f] = NULL;
	}
}
