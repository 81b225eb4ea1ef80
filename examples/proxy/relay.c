/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_errno.h>
#include <rte_mbuf.h>

#include "relay.h"

#define UD_SERVER	1u		/* udata: pair index << 1 | leg */
#define UD_LISTENER	UINT64_MAX
#define DEF_PAIRS	1024

struct relay *
relay_create(const struct relay_cfg *cfg)
{
	struct relay *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->cfg = *cfg;
	if (r->cfg.max_pairs == 0)
		r->cfg.max_pairs = DEF_PAIRS;
	r->p = calloc(r->cfg.max_pairs, sizeof(*r->p));
	r->act = calloc(r->cfg.max_pairs, sizeof(*r->act));
	r->free_idx = calloc(r->cfg.max_pairs, sizeof(*r->free_idx));
	r->ready = calloc(r->cfg.max_pairs, sizeof(*r->ready));
	if (r->p == NULL || r->act == NULL || r->free_idx == NULL || r->ready == NULL) {
		free(r->p);
		free(r->act);
		free(r->free_idx);
		free(r->ready);
		free(r);
		return NULL;
	}
	/* lowest index on top */
	while (r->nb_free < r->cfg.max_pairs) {
		r->free_idx[r->nb_free] = r->cfg.max_pairs - 1 - r->nb_free;
		r->nb_free++;
	}
	return r;
}

void
relay_destroy(struct relay *r)
{
	if (r == NULL)
		return;
	relay_stop(r);
	free(r->p);
	free(r->act);
	free(r->free_idx);
	free(r->ready);
	free(r);
}

struct tern_tcp_stream *
relay_listen(struct relay *r, const struct tern_tcp_tproxy_rule *rule)
{
	struct tern_tcp_param p;

	memset(&p, 0, sizeof(p));
	p.flags = TERN_TCP_F_NODELAY | (r->cfg.connect_first ? TERN_TCP_F_SYN_HOLD : 0);
	p.sndbuf = r->cfg.sndbuf;
	p.rcvbuf = r->cfg.rcvbuf;
	p.udata = UD_LISTENER;
	return tern_tcp_listen_transparent(r->cfg.ctx, &p, rule);
}

/* Pair @i is stepped at the next relay_step() (a pair is in the list once). */
static void
pair_ready(struct relay *r, uint32_t i)
{
	if (r->p[i].ready)
		return;
	r->p[i].ready = true;
	r->ready[r->nb_ready++] = i;
}

static void
dir_free(struct relay_dir *d)
{
	while (d->off < d->np)
		rte_pktmbuf_free(d->pend[d->off++]);
	d->np = d->off = 0;
}

static void
pair_end(struct relay *r, struct relay_pair *p)
{
	uint32_t last = r->act[--r->nb_active];

	/* the last in use takes its place in act[] */
	r->act[p->apos] = last;
	r->p[last].apos = p->apos;
	r->free_idx[r->nb_free++] = (uint32_t)(p - r->p);
	dir_free(&p->up);
	dir_free(&p->down);
	memset(p, 0, sizeof(*p));
	r->st.closed++;
}

/* The server leg of pair @i, to where client leg @cl was going. @return it or NULL. */
static struct tern_tcp_stream *
connect_server(struct relay *r, struct tern_tcp_stream *cl, uint32_t i)
{
	struct tern_tcp_stream *sv;
	struct tern_tcp_param p;

	memset(&p, 0, sizeof(p));
	tern_tcp_local(cl, &p.remote);		/* the original destination */
	p.local.family = p.remote.family;
	if (!r->cfg.source_proxy) {
		tern_tcp_remote(cl, &p.local);	/* the client's address and port */
		p.flags = TERN_TCP_F_TRANSPARENT;
	}
	p.flags |= TERN_TCP_F_NODELAY;
	p.sndbuf = r->cfg.sndbuf;
	p.rcvbuf = r->cfg.rcvbuf;
	p.udata = (uint64_t)i << 1 | UD_SERVER;
	sv = tern_tcp_connect(r->cfg.ctx, &p);
	if (sv == NULL && (rte_errno == EXDEV || rte_errno == EADDRINUSE) &&
	    !r->cfg.source_proxy) {
		/*
		 * Its replies would reach another context (RSS), or this
		 * context still holds the 4-tuple (the TIME_WAIT record of an
		 * earlier server leg from the client's port, which closed
		 * first): a port of our choice, that comes back here.
		 */
		p.local.port = 0;
		r->st.port_fallback++;
		sv = tern_tcp_connect(r->cfg.ctx, &p);
	}
	return sv;
}

/* A new client leg @cl: its server leg goes out now. */
static void
pair_new(struct relay *r, struct tern_tcp_stream *cl)
{
	struct relay_pair *rp;
	uint32_t i;

	if (r->nb_free == 0) {
		tern_tcp_abort(cl);	/* the connection limit: a reset, counted */
		r->st.limit++;
		return;
	}
	i = r->free_idx[--r->nb_free];
	rp = &r->p[i];
	memset(rp, 0, sizeof(*rp));
	rp->used = true;
	rp->apos = r->nb_active;
	r->act[r->nb_active] = i;
	rp->cl = cl;
	rp->held = r->cfg.connect_first;
	rp->last_ns = tern_ctx_now(r->cfg.ctx);
	r->nb_active++;
	tern_tcp_set_udata(cl, (uint64_t)i << 1);
	r->st.accepted++;
	rp->sv = connect_server(r, cl, i);
	if (rp->sv == NULL) {
		tern_tcp_abort(cl);
		r->st.refused++;
		pair_end(r, rp);
		return;
	}
	pair_ready(r, i);
}

/*
 * Move what leg @from has to leg @to, as long as @to takes it.
 * @return work done.
 */
static unsigned int
pump(struct relay_dir *d, struct tern_tcp_stream *from, struct tern_tcp_stream *to, int *from_err)
{
	unsigned int work = 0;
	uint16_t n, i;

	for (;;) {
		if (d->off < d->np) {
			n = tern_tcp_send_burst(to, d->pend + d->off, (uint16_t)(d->np - d->off));
			d->off = (uint16_t)(d->off + n);
			work += n;
			if (d->off < d->np)
				return work;	/* full: stop reading @from (back-pressure) */
		}
		d->np = d->off = 0;
		if (d->eof) {
			if (!d->shut) {
				d->shut = true;
				tern_tcp_shutdown(to, SHUT_WR);
				work++;
			}
			return work;
		}
		n = tern_tcp_recv_burst(from, d->pend, RELAY_BURST);
		if (n == 0) {
			if (rte_errno == 0) {
				d->eof = true;
				work++;
				continue;
			}
			if (rte_errno != EAGAIN && *from_err == 0)
				*from_err = -rte_errno;
			return work;
		}
		for (i = 0; i < n; i++)
			d->bytes += d->pend[i]->pkt_len;
		d->np = n;
		work += n;
	}
}

uint64_t
relay_held(const struct relay_pair *p)
{
	struct tern_tcp_info ti;
	uint64_t b = 0;
	uint16_t i;

	if (!p->used)
		return 0;
	for (i = p->up.off; i < p->up.np; i++)
		b += p->up.pend[i]->pkt_len;
	for (i = p->down.off; i < p->down.np; i++)
		b += p->down.pend[i]->pkt_len;
	if (p->cl != NULL) {
		tern_tcp_info(p->cl, &ti);
		b += tern_tcp_rx_bytes(p->cl) + ti.unacked;
	}
	if (p->sv != NULL) {
		tern_tcp_info(p->sv, &ti);
		b += tern_tcp_rx_bytes(p->sv) + ti.unacked;
	}
	return b;
}

static unsigned int
pair_step(struct relay *r, struct relay_pair *p, uint64_t now)
{
	uint64_t up0 = p->up.bytes, down0 = p->down.bytes, held;
	unsigned int work = 0;

	if (p->sv_err != 0) {
		/* refused, silent or reset: the client hears a reset (before any SYN-ACK if held) */
		tern_tcp_abort(p->cl);
		tern_tcp_close(p->sv);
		if (p->held || !p->sv_up)
			r->st.refused++;
		else
			r->st.resets++;
		pair_end(r, p);
		return 1;
	}
	if (p->cl_err != 0) {
		tern_tcp_abort(p->sv);
		tern_tcp_close(p->cl);
		r->st.resets++;
		pair_end(r, p);
		return 1;
	}
	if (r->cfg.idle_ns != 0 && now - p->last_ns > r->cfg.idle_ns) {
		tern_tcp_abort(p->sv);
		tern_tcp_abort(p->cl);
		r->st.idle++;
		pair_end(r, p);
		return 1;
	}
	if (!p->sv_up)
		return 0;	/* accept-first: the client's data waits in its leg */
	work += pump(&p->up, p->cl, p->sv, &p->cl_err);
	work += pump(&p->down, p->sv, p->cl, &p->sv_err);
	r->st.bytes_up += p->up.bytes - up0;
	r->st.bytes_down += p->down.bytes - down0;
	if (work > 0)
		p->last_ns = now;
	held = relay_held(p);
	if (held > r->st.max_held)
		r->st.max_held = held;
	if (p->up.shut && p->down.shut) {
		/* both FINs passed on: the legs finish on their own */
		tern_tcp_close(p->cl);
		tern_tcp_close(p->sv);
		r->st.finished++;
		pair_end(r, p);
		work++;
	}
	return work;
}

static void
on_event(struct relay *r, const struct tern_event *ev)
{
	struct relay_pair *p;

	if (ev->udata == UD_LISTENER) {
		struct tern_tcp_stream *s[16];
		uint16_t k, j;

		if (ev->type != TERN_EV_ACCEPT)
			return;
		while ((k = tern_tcp_accept_burst(ev->obj, s, RTE_DIM(s))) > 0)
			for (j = 0; j < k; j++)
				pair_new(r, s[j]);
		return;
	}
	if ((ev->udata >> 1) >= r->cfg.max_pairs)
		return;
	p = &r->p[ev->udata >> 1];
	if (!p->used)
		return;
	pair_ready(r, (uint32_t)(ev->udata >> 1));
	if (ev->udata & UD_SERVER) {
		if (ev->type == TERN_EV_CONNECTED && !p->sv_up) {
			p->sv_up = true;
			r->st.connected++;
			if (p->held && tern_tcp_accept_complete(p->cl) != 0)
				p->cl_err = -ECONNRESET;
			p->held = false;
		} else if (ev->type == TERN_EV_ERROR) {
			p->sv_err = ev->err;
		}
	} else if (ev->type == TERN_EV_ERROR) {
		p->cl_err = ev->err;
	}
}

unsigned int
relay_step(struct relay *r)
{
	struct tern_event ev[64];
	unsigned int n, i, k, work = 0;
	uint64_t now;

	while ((n = tern_ctx_events(r->cfg.ctx, ev, RTE_DIM(ev))) > 0) {
		work += n;
		for (i = 0; i < n; i++)
			on_event(r, &ev[i]);
	}
	if (r->nb_active == 0)
		return work;
	now = tern_ctx_now(r->cfg.ctx);
	if (now - r->sweep_ns >= RELAY_SWEEP_NS) {
		/* every pair: the idle timeout, and nothing waits on an event missed */
		r->sweep_ns = now;
		for (i = 0; i < r->nb_active; i++)
			pair_ready(r, r->act[i]);
	}
	/* in place: a pair with data still waiting for the other leg stays in the list */
	n = r->nb_ready;
	for (i = 0, k = 0; i < n; i++) {
		uint32_t idx = r->ready[i];
		struct relay_pair *p = &r->p[idx];

		p->ready = false;
		work += pair_step(r, p, now);
		if (p->used && (p->up.off < p->up.np || p->down.off < p->down.np)) {
			p->ready = true;
			r->ready[k++] = idx;
		}
	}
	r->nb_ready = k;
	return work;
}

void
relay_stop(struct relay *r)
{
	while (r->nb_active > 0) {
		struct relay_pair *p = &r->p[r->act[r->nb_active - 1]];

		tern_tcp_abort(p->cl);
		tern_tcp_abort(p->sv);
		pair_end(r, p);
	}
	r->nb_ready = 0;
}
