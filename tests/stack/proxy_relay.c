/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_errno.h>
#include <rte_mbuf.h>

#include "proxy_relay.h"

#define UD_SERVER	1u	/* udata: pair index << 1 | leg */

int
relay_start(struct relay *r, const struct tern_tcp_tproxy_rule *rules, unsigned int n,
	    struct tern_tcp_stream **listeners)
{
	struct tern_tcp_param p;
	unsigned int i;

	memset(&p, 0, sizeof(p));
	p.flags = TERN_TCP_F_NODELAY | (r->connect_first ? TERN_TCP_F_SYN_HOLD : 0);
	p.sndbuf = r->sndbuf;
	p.rcvbuf = r->rcvbuf;
	p.udata = UINT64_MAX;
	for (i = 0; i < n; i++) {
		listeners[i] = tern_tcp_listen_transparent(r->ctx, &p, &rules[i]);
		if (listeners[i] == NULL)
			return -rte_errno;
	}
	return 0;
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
	dir_free(&p->up);
	dir_free(&p->down);
	memset(p, 0, sizeof(*p));
	r->closed++;
}

/* A new client leg @cl: its server leg goes out now. */
static void
pair_new(struct relay *r, struct tern_tcp_stream *cl)
{
	struct tern_tcp_param p;
	struct relay_pair *rp = NULL;
	unsigned int i;

	for (i = 0; i < RELAY_PAIRS; i++)
		if (!r->p[i].used) {
			rp = &r->p[i];
			break;
		}
	if (rp == NULL) {
		tern_tcp_abort(cl);	/* the pair limit: refused */
		r->refused++;
		return;
	}
	memset(rp, 0, sizeof(*rp));
	rp->used = true;
	rp->cl = cl;
	rp->held = r->connect_first;
	tern_tcp_set_udata(cl, (uint64_t)i << 1);
	r->accepted++;
	memset(&p, 0, sizeof(p));
	tern_tcp_local(cl, &p.remote);		/* the original destination */
	if (!r->source_proxy) {
		tern_tcp_remote(cl, &p.local);	/* the client's address and port */
		p.flags = TERN_TCP_F_TRANSPARENT;
	} else {
		p.local.family = p.remote.family;
	}
	p.flags |= TERN_TCP_F_NODELAY;
	p.sndbuf = r->sndbuf;
	p.rcvbuf = r->rcvbuf;
	p.udata = (uint64_t)i << 1 | UD_SERVER;
	rp->sv = tern_tcp_connect(r->ctx, &p);
	if (rp->sv == NULL) {
		tern_tcp_abort(cl);
		r->refused++;
		pair_end(r, rp);
	}
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
	uint64_t b = 0;
	uint16_t i;

	if (!p->used)
		return 0;
	for (i = p->up.off; i < p->up.np; i++)
		b += p->up.pend[i]->pkt_len;
	for (i = p->down.off; i < p->down.np; i++)
		b += p->down.pend[i]->pkt_len;
	if (p->cl != NULL) {
		struct tern_tcp_info ci;

		tern_tcp_info(p->cl, &ci);
		b += tern_tcp_rx_bytes(p->cl) + ci.unacked;
	}
	if (p->sv != NULL) {
		struct tern_tcp_info si;

		tern_tcp_info(p->sv, &si);
		b += tern_tcp_rx_bytes(p->sv) + si.unacked;
	}
	return b;
}

static unsigned int
pair_step(struct relay *r, struct relay_pair *p)
{
	unsigned int work = 0;
	uint64_t held;

	if (p->sv_err != 0) {
		/* refused, silent or reset: the client hears a reset (before any SYN-ACK if held) */
		tern_tcp_abort(p->cl);
		tern_tcp_close(p->sv);
		if (p->held)
			r->refused++;
		else
			r->resets_carried++;
		pair_end(r, p);
		return 1;
	}
	if (p->cl_err != 0) {
		tern_tcp_abort(p->sv);
		tern_tcp_close(p->cl);
		r->resets_carried++;
		pair_end(r, p);
		return 1;
	}
	if (!p->sv_up)
		return 0;	/* accept-first: the client's data waits in its leg */
	work += pump(&p->up, p->cl, p->sv, &p->cl_err);
	work += pump(&p->down, p->sv, p->cl, &p->sv_err);
	held = relay_held(p);
	if (held > r->max_held)
		r->max_held = held;
	if (p->up.shut && p->down.shut) {
		/* both FINs passed on: the legs finish on their own */
		tern_tcp_close(p->cl);
		tern_tcp_close(p->sv);
		pair_end(r, p);
		work++;
	}
	return work;
}

unsigned int
relay_step(struct relay *r)
{
	struct tern_event ev[64];
	unsigned int n, i, work = 0;

	while ((n = tern_ctx_events(r->ctx, ev, RTE_DIM(ev))) > 0) {
		work += n;
		for (i = 0; i < n; i++) {
			struct relay_pair *p;

			if (ev[i].udata == UINT64_MAX) {
				/* a listener: take what it has */
				struct tern_tcp_stream *s[16];
				uint16_t k, j;

				if (ev[i].type != TERN_EV_ACCEPT)
					continue;
				while ((k = tern_tcp_accept_burst(ev[i].obj, s, RTE_DIM(s))) > 0)
					for (j = 0; j < k; j++)
						pair_new(r, s[j]);
				continue;
			}
			p = &r->p[ev[i].udata >> 1];
			if (!p->used)
				continue;
			if (ev[i].udata & UD_SERVER) {
				if (ev[i].type == TERN_EV_CONNECTED && !p->sv_up) {
					p->sv_up = true;
					r->connected++;
					if (p->held && tern_tcp_accept_complete(p->cl) != 0)
						p->cl_err = -ECONNRESET;
					p->held = false;
				} else if (ev[i].type == TERN_EV_ERROR) {
					p->sv_err = ev[i].err;
				}
			} else if (ev[i].type == TERN_EV_ERROR) {
				p->cl_err = ev[i].err;
			}
		}
	}
	for (i = 0; i < RELAY_PAIRS; i++)
		if (r->p[i].used)
			work += pair_step(r, &r->p[i]);
	return work;
}

unsigned int
relay_active(const struct relay *r)
{
	unsigned int i, n = 0;

	for (i = 0; i < RELAY_PAIRS; i++)
		n += r->p[i].used;
	return n;
}

void
relay_stop(struct relay *r)
{
	unsigned int i;

	for (i = 0; i < RELAY_PAIRS; i++)
		if (r->p[i].used) {
			tern_tcp_abort(r->p[i].cl);
			tern_tcp_abort(r->p[i].sv);
			pair_end(r, &r->p[i]);
		}
}
