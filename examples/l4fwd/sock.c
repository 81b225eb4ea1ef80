/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * tern-l4fwd --api sock: the TCP echo, rx and tx modes written as a BSD
 * sockets program would be (lib/sock: tern_socket, tern_bind, tern_listen,
 * tern_accept4, tern_connect, tern_recv, tern_send, tern_shutdown,
 * tern_close, tern_epoll_*), one epoll per worker, level-triggered. The
 * data is copied through a buffer per connection; the burst API
 * (tcp.c) is the zero-copy counterpart. tern_epoll_wait() polls the
 * context, so the worker loop does not call tern_ctx_poll() itself.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>

#include <tern/tern_sock.h>

#include "l4fwd.h"

#define SOCK_BUF	16384
#define SOCK_EVENTS	64

struct l4fwd_sconn {
	struct l4fwd_sconn *next;
	int fd;
	int f;				/* family index */
	bool listener;
	bool connecting;		/* tx: connect under way */
	bool want_out;			/* EPOLLOUT asked for */
	bool eof;			/* the peer's FIN was read */
	bool shut;			/* tx: our FIN was sent */
	bool dead;
	uint32_t plen, poff;		/* echo: bytes in buf not yet sent back */
	uint64_t tx_off, rx_off;
	uint64_t t0;			/* rx, tx: TSC at establishment (tx: 0 before) */
	struct l4fwd_sha256 sha;	/* --sha256: of what rx got or tx sent */
	uint8_t buf[SOCK_BUF];
};

static struct l4fwd_sconn *
sconn_new(struct l4fwd_worker *w, int fd, int f)
{
	struct l4fwd_sconn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->fd = fd;
	c->f = f;
	if (w->o->mode != L4FWD_TX)
		c->t0 = rte_rdtsc();	/* accepted: established */
	l4fwd_sha256_init(&c->sha);
	c->next = w->sconns;
	w->sconns = c;
	return c;
}

static int
sock_watch(struct l4fwd_worker *w, struct l4fwd_sconn *c, int op, uint32_t events)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = c;
	return tern_epoll_ctl(w->ep, op, c->fd, &ev);
}

/* The address of --raddr/--raddr6 (@f), port --rport, or any address port --lport. */
static socklen_t
sock_addr(const struct l4fwd_opts *o, int f, bool remote, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (f == L4FWD_V4) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = rte_cpu_to_be_16(remote ? o->rport : o->lport);
		a->sin_addr.s_addr = remote ? o->raddr : INADDR_ANY;
		return sizeof(*a);
	}
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	a6->sin6_family = AF_INET6;
	a6->sin6_port = rte_cpu_to_be_16(remote ? o->rport : o->lport);
	if (remote)
		memcpy(&a6->sin6_addr, &o->raddr6, sizeof(a6->sin6_addr));
	return sizeof(*a6);
}

/* --sha256: the digest line of an rx or tx connection that ends (@end says how). */
static void
sconn_report(const struct l4fwd_worker *w, const struct l4fwd_sconn *c, const char *end)
{
	bool rx = w->o->mode == L4FWD_RX;

	if (w->o->sha256 && !c->listener)
		l4fwd_conn_report(c->f, rx, rx ? c->rx_off : c->tx_off, c->t0, end, &c->sha);
}

/* Close @c (gracefully: tern_close() sends our FIN after what is queued). */
static void
sconn_end(struct l4fwd_worker *w, struct l4fwd_sconn *c, bool error)
{
	if (c->dead)
		return;
	sconn_report(w, c, error ? "error" : "done");
	if (error) {
		/* SO_LINGER 0: a reset, as tern_tcp_abort() in the burst mode */
		struct linger l = { .l_onoff = 1, .l_linger = 0 };

		tern_setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
		w->st.t.errors++;
	} else {
		w->st.t.done++;
	}
	tern_epoll_ctl(w->ep, EPOLL_CTL_DEL, c->fd, NULL);
	tern_close(c->fd);
	c->dead = true;
	w->st.t.closed++;
	if (w->o->mode == L4FWD_TX)
		w->tx_open--;
}

static int
tx_open_more(struct l4fwd_worker *w, int f)
{
	const struct l4fwd_opts *o = w->o;
	struct sockaddr_storage ss;
	struct l4fwd_sconn *c;
	socklen_t len;
	int fd, one = 1;

	while (w->tx_started[f] < o->conns && w->tx_open < L4FWD_TX_PARALLEL) {
		fd = tern_socket(w->ctx, f == L4FWD_V4 ? AF_INET : AF_INET6, SOCK_STREAM, 0);
		if (fd < 0) {
			snprintf(w->err, sizeof(w->err), "tern_socket: %s", strerror(errno));
			return -1;
		}
		tern_setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		len = sock_addr(o, f, true, &ss);
		if (tern_connect(fd, (struct sockaddr *)&ss, len) != 0 && errno != EINPROGRESS) {
			snprintf(w->err, sizeof(w->err), "tern_connect (IPv%u): %s",
				 f == L4FWD_V4 ? 4 : 6, strerror(errno));
			tern_close(fd);
			return -1;
		}
		c = sconn_new(w, fd, f);
		if (c == NULL || sock_watch(w, c, EPOLL_CTL_ADD, EPOLLIN | EPOLLOUT) != 0) {
			snprintf(w->err, sizeof(w->err), "out of memory");
			tern_close(fd);
			if (c != NULL)
				c->dead = true;
			return -1;
		}
		c->connecting = true;
		w->tx_started[f]++;
		w->tx_open++;
		w->st.t.opened++;
	}
	return 0;
}

int
l4fwd_sock_setup(struct l4fwd_worker *w)
{
	const struct l4fwd_opts *o = w->o;
	struct sockaddr_storage ss;
	struct l4fwd_sconn *c;
	socklen_t len;
	int f, fd, one = 1;

	w->sock_l[0] = w->sock_l[1] = -1;
	w->ep = tern_epoll_create1(w->ctx, 0);
	if (w->ep < 0) {
		snprintf(w->err, sizeof(w->err), "tern_epoll_create1: %s", strerror(errno));
		return -1;
	}
	for (f = 0; f < L4FWD_NB_FAMILIES; f++) {
		if (!o->have_addr[f])
			continue;
		if (o->mode == L4FWD_TX) {
			if (o->have_raddr[f] && tx_open_more(w, f) != 0)
				return -1;
			continue;
		}
		fd = tern_socket(w->ctx, f == L4FWD_V4 ? AF_INET : AF_INET6, SOCK_STREAM, 0);
		if (fd < 0) {
			snprintf(w->err, sizeof(w->err), "tern_socket: %s", strerror(errno));
			return -1;
		}
		w->sock_l[f] = fd;
		tern_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		tern_setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		len = sock_addr(o, f, false, &ss);
		if (tern_bind(fd, (struct sockaddr *)&ss, len) != 0 ||
		    tern_listen(fd, L4FWD_TCP_BACKLOG) != 0) {
			snprintf(w->err, sizeof(w->err), "TCP listener on port %u (IPv%u): %s",
				 o->lport, f == L4FWD_V4 ? 4 : 6, strerror(errno));
			return -1;
		}
		c = sconn_new(w, fd, f);
		if (c == NULL || sock_watch(w, c, EPOLL_CTL_ADD, EPOLLIN) != 0) {
			snprintf(w->err, sizeof(w->err), "epoll: %s", strerror(errno));
			return -1;
		}
		c->listener = true;
	}
	return 0;
}

static void
accept_all(struct l4fwd_worker *w, struct l4fwd_sconn *l)
{
	struct l4fwd_sconn *c;
	int fd;

	while ((fd = tern_accept4(l->fd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
		c = sconn_new(w, fd, l->f);
		if (c == NULL || sock_watch(w, c, EPOLL_CTL_ADD, EPOLLIN | EPOLLRDHUP) != 0) {
			tern_close(fd);
			if (c != NULL)
				c->dead = true;
			w->st.t.errors++;
			continue;
		}
		w->st.t.opened++;
	}
}

/* Ask for EPOLLOUT while something waits to be sent, not otherwise. */
static void
want_out(struct l4fwd_worker *w, struct l4fwd_sconn *c, bool on)
{
	if (c->want_out == on)
		return;
	c->want_out = on;
	sock_watch(w, c, EPOLL_CTL_MOD, EPOLLIN | EPOLLRDHUP | (on ? EPOLLOUT : 0));
}

/* echo (and rx, @sink): read, send back (or check and drop), FIN after the peer's. */
static void
serve(struct l4fwd_worker *w, struct l4fwd_sconn *c, bool sink)
{
	struct l4fwd_counts *cnt = &w->st.c[c->f];
	const uint8_t *pat = l4fwd_tcp_pattern();
	ssize_t k;

	for (;;) {
		if (c->poff < c->plen) {
			k = tern_send(c->fd, c->buf + c->poff, c->plen - c->poff, 0);
			if (k < 0) {
				if (errno == EAGAIN) {
					want_out(w, c, true);
					return;
				}
				sconn_end(w, c, true);
				return;
			}
			c->poff += (uint32_t)k;
			cnt->tx_bytes += (uint64_t)k;
			cnt->tx_dgrams++;
			continue;
		}
		c->poff = c->plen = 0;
		want_out(w, c, false);
		if (c->eof) {
			sconn_end(w, c, false);
			return;
		}
		k = tern_recv(c->fd, c->buf, sizeof(c->buf), 0);
		if (k == 0) {
			c->eof = true;
			continue;
		}
		if (k < 0) {
			if (errno != EAGAIN)
				sconn_end(w, c, true);
			return;
		}
		cnt->rx_dgrams++;
		cnt->rx_bytes += (uint64_t)k;
		if (sink) {
			uint32_t at = (uint32_t)(c->rx_off % L4FWD_TCP_PERIOD);

			if (memcmp(c->buf, pat + at, (size_t)k) != 0)
				w->st.t.bad_segs++;
			if (w->o->sha256)
				l4fwd_sha256_update(&c->sha, c->buf, (size_t)k);
			c->rx_off += (uint64_t)k;
		} else {
			c->plen = (uint32_t)k;
		}
	}
}

/* tx: connected? write the pattern, FIN after the worker's share, wait for the peer's. */
static void
source(struct l4fwd_worker *w, struct l4fwd_sconn *c, uint32_t events)
{
	const struct l4fwd_opts *o = w->o;
	struct l4fwd_counts *cnt = &w->st.c[c->f];
	const uint8_t *pat = l4fwd_tcp_pattern();
	socklen_t len = sizeof(int);
	int err = 0;
	ssize_t k;

	if (events & (EPOLLERR | EPOLLHUP)) {
		tern_getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err != 0 || (events & EPOLLERR)) {
			snprintf(w->err, sizeof(w->err), "TCP connection: %s",
				 strerror(err ? err : ECONNRESET));
			w->tcp_tx_failed = true;
			sconn_end(w, c, true);
			return;
		}
	}
	if (c->connecting) {
		if (!(events & EPOLLOUT))
			return;
		c->connecting = false;
		c->t0 = rte_rdtsc();
	}
	while (!c->shut && (o->count == 0 || c->tx_off < w->quota)) {
		uint32_t at = (uint32_t)(c->tx_off % L4FWD_TCP_PERIOD);
		uint64_t want = L4FWD_TCP_PERIOD;

		if (o->count != 0 && w->quota - c->tx_off < want)
			want = w->quota - c->tx_off;
		k = tern_send(c->fd, pat + at, (size_t)want, 0);
		if (k <= 0)
			break;
		if (o->sha256)
			l4fwd_sha256_update(&c->sha, pat + at, (size_t)k);
		c->tx_off += (uint64_t)k;
		cnt->tx_bytes += (uint64_t)k;
		cnt->tx_dgrams++;
	}
	if (!c->shut && o->count != 0 && c->tx_off >= w->quota) {
		tern_shutdown(c->fd, SHUT_WR);
		c->shut = true;
		sock_watch(w, c, EPOLL_CTL_MOD, EPOLLIN | EPOLLRDHUP);
	}
	/* what comes back is counted and dropped; the peer's FIN ends it */
	while ((k = tern_recv(c->fd, c->buf, sizeof(c->buf), 0)) > 0) {
		cnt->rx_dgrams++;
		cnt->rx_bytes += (uint64_t)k;
	}
	if (k == 0 && c->shut)
		sconn_end(w, c, false);
	else if (k < 0 && errno != EAGAIN) {
		snprintf(w->err, sizeof(w->err), "TCP connection: %s", strerror(errno));
		w->tcp_tx_failed = true;
		sconn_end(w, c, true);
	}
}

void
l4fwd_sock_step(struct l4fwd_worker *w)
{
	struct epoll_event ev[SOCK_EVENTS];
	struct l4fwd_sconn **pp, *c;
	int n, i, f;

	n = tern_epoll_wait(w->ep, ev, SOCK_EVENTS, 0);
	for (i = 0; i < n; i++) {
		c = ev[i].data.ptr;
		if (c->dead)
			continue;
		if (c->listener) {
			accept_all(w, c);
			continue;
		}
		switch (w->o->mode) {
		case L4FWD_ECHO:
			serve(w, c, false);
			break;
		case L4FWD_RX:
			serve(w, c, true);
			break;
		case L4FWD_TX:
			source(w, c, ev[i].events);
			break;
		default:
			break;
		}
	}
	if (w->o->mode == L4FWD_TX && !w->tcp_tx_failed) {
		for (f = 0; f < L4FWD_NB_FAMILIES; f++) {
			if (w->o->have_raddr[f] && w->o->have_addr[f] && tx_open_more(w, f) != 0) {
				w->st.t.errors++;
				w->tcp_tx_failed = true;
			}
		}
	}
	for (pp = &w->sconns; (c = *pp) != NULL;) {
		if (c->dead) {
			*pp = c->next;
			free(c);
		} else {
			pp = &c->next;
		}
	}
}

bool
l4fwd_sock_tx_finished(const struct l4fwd_worker *w)
{
	int f;

	if (w->tcp_tx_failed)
		return true;
	for (f = 0; f < L4FWD_NB_FAMILIES; f++)
		if (w->o->have_raddr[f] && w->o->have_addr[f] && w->tx_started[f] < w->o->conns)
			return false;
	return w->tx_open == 0;
}

void
l4fwd_sock_teardown(struct l4fwd_worker *w)
{
	struct l4fwd_sconn *c;

	if (!w->o->api_sock)
		return;
	while ((c = w->sconns) != NULL) {
		w->sconns = c->next;
		if (!c->dead) {
			if (w->o->mode == L4FWD_RX || w->o->mode == L4FWD_TX)
				sconn_report(w, c, "open");
			tern_close(c->fd);
		}
		free(c);
	}
	if (w->ep >= 0)
		tern_close(w->ep);
	w->ep = -1;
	w->sock_l[0] = w->sock_l[1] = -1;
}
