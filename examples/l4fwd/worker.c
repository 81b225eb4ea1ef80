/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * tern-l4fwd: one worker, one context, one lcore. Each round polls the
 * context (rx burst, protocol input, timers, tx flush), runs the mode's step
 * over the worker's streams, then flushes what the step sent.
 */

#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_pause.h>

#include "l4fwd.h"

#define L4FWD_PING_ID		0x14f0
#define L4FWD_PROBE_PER_SEC	5	/* resolving pings per second at most */
#define L4FWD_DRAIN_MS		500	/* at exit: time to let buffered output leave */
#define L4FWD_LINGER_MS		200	/* tx: time for answers to the last datagrams */
#define L4FWD_FINISH_MS		2000	/* tx: time for the last datagrams to leave */

/* tx payload: bytes 0, 7, 14, ... so a capture shows where a datagram was cut */
static uint8_t tx_pattern[TERN_UDP_MAX_PAYLOAD];

void
l4fwd_tx_pattern_init(void)
{
	uint32_t i;

	for (i = 0; i < RTE_DIM(tx_pattern); i++)
		tx_pattern[i] = (uint8_t)(i * 7);
}

static inline uint8_t
family_of(int f)
{
	return f == L4FWD_V4 ? 4 : 6;
}

static inline int
index_of(uint8_t family)
{
	return family == 4 ? L4FWD_V4 : L4FWD_V6;
}

static bool
sockaddr_eq(const struct tern_sockaddr *a, const struct tern_sockaddr *b)
{
	if (a->family != b->family || a->port != b->port)
		return false;
	return a->family == 4 ? a->ip4 == b->ip4 : memcmp(&a->ip6, &b->ip6, sizeof(a->ip6)) == 0;
}

int
l4fwd_worker_setup(struct l4fwd_worker *w)
{
	const struct l4fwd_opts *o = w->o;
	int f;

	w->ctx = tern_app_worker_ctx(w->aw);
	if (tern_ctx_set_tx_hold(w->ctx, o->tx_hold_ns) != 0) {
		snprintf(w->err, sizeof(w->err), "tx hold: out of range");
		return -1;
	}
	if (o->have_impair) {
		struct tern_impair_param ip = o->impair;
		int ret;

		/* Each worker its own pattern, all replayable from one seed. */
		ip.seed += w->idx;
		ret = tern_ctx_set_impair(w->ctx, &ip);
		if (ret != 0) {
			snprintf(w->err, sizeof(w->err), "impairment: %s", rte_strerror(-ret));
			return -1;
		}
	}
	if (o->tcp && o->api_sock)
		return l4fwd_sock_setup(w);
	if (o->tcp)
		return l4fwd_tcp_setup(w);
	for (f = 0; f < L4FWD_NB_FAMILIES; f++) {
		struct tern_udp_param up = { 0 };

		if (!o->have_addr[f])
			continue;
		/* Bound to any of our addresses (the link-local one included). */
		up.local.family = family_of(f);
		up.local.port = rte_cpu_to_be_16(o->lport);
		up.udata = (uint64_t)f;
		w->s[f] = tern_udp_open(w->ctx, &up);
		if (w->s[f] == NULL) {
			snprintf(w->err, sizeof(w->err), "UDP stream on port %u (IPv%u): %s",
				 o->lport, family_of(f), rte_strerror(rte_errno));
			return -1;
		}
		if (!o->have_raddr[f])
			continue;
		w->remote[f].family = family_of(f);
		w->remote[f].port = rte_cpu_to_be_16(o->rport);
		if (f == L4FWD_V4)
			w->remote[f].ip4 = o->raddr;
		else
			w->remote[f].ip6 = o->raddr6;
	}
	return 0;
}

/*
 * Is the next hop of remote @f resolved? If not, and no resolution is under
 * way, start one with a ping (an echo request, not a datagram that the
 * receiver would count).
 */
static bool
remote_resolve(struct l4fwd_worker *w, int f, uint64_t now)
{
	const struct l4fwd_opts *o = w->o;
	enum tern_neigh_state st;
	uint16_t ifindex;
	int ret;

	if (w->resolved[f])
		return true;
	if (f == L4FWD_V4) {
		tern_ip4_t nh;

		ret = tern_net_route4_lookup(w->net, o->raddr, &ifindex, &nh);
		st = ret == 0 ? tern_net_neigh4_get(w->net, ifindex, nh, NULL) : TERN_NEIGH_NONE;
	} else {
		struct tern_ip6 nh;

		ret = tern_net_route6_lookup(w->net, &o->raddr6, &ifindex, &nh);
		st = ret == 0 ? tern_net_neigh6_get(w->net, ifindex, &nh, NULL) : TERN_NEIGH_NONE;
	}
	if (st == TERN_NEIGH_REACHABLE || st == TERN_NEIGH_STALE ||
	    st == TERN_NEIGH_PERMANENT) {
		w->resolved[f] = true;
		return true;
	}
	if (ret == 0 && st != TERN_NEIGH_INCOMPLETE &&
	    now - w->probe_tsc[f] >= rte_get_tsc_hz() / L4FWD_PROBE_PER_SEC) {
		uint16_t id = (uint16_t)(L4FWD_PING_ID + w->idx);

		w->probe_tsc[f] = now;
		if (f == L4FWD_V4)
			tern_icmp4_echo(w->ctx, o->raddr, id, 0, 0);
		else
			tern_icmp6_echo(w->ctx, &o->raddr6, id, 0, 0);
	}
	return false;
}

/* The payload bytes of @n datagrams. */
static uint64_t
sum_len(struct rte_mbuf **pkts, uint16_t n)
{
	uint64_t bytes = 0;
	uint16_t i;

	for (i = 0; i < n; i++)
		bytes += pkts[i]->pkt_len;
	return bytes;
}

/*
 * Send @n datagrams of @bytes payload bytes in all through @s: to @dst, or
 * (@dst NULL) each back to where it came from, as received
 * (tern_udp_echo_burst()). Counts what the stack takes in @c; what it
 * refuses is freed and counted, and the rest is still offered. The bytes
 * sent are @bytes less those refused: an accepted datagram may have left
 * and been freed already, a refused one is still ours to read.
 */
static void
send_counted(struct l4fwd_worker *w, struct tern_udp_stream *s, struct rte_mbuf **pkts,
	     uint16_t n, uint64_t bytes, const struct tern_sockaddr *dst, struct l4fwd_counts *c)
{
	uint16_t i = 0, k;

	while (i < n) {
		if (dst != NULL)
			k = tern_udp_send_burst(s, pkts + i, n - i, dst);
		else	/* the echo: data as received */
			k = tern_udp_echo_burst(s, pkts + i, n - i);
		c->tx_dgrams += k;
		i += k;
		if (i < n && rte_errno == ENOBUFS) {
			/* the device queue is full: the rest would fail too */
			w->st.d.send_failed += n - i;
			bytes -= sum_len(pkts + i, n - i);
			rte_pktmbuf_free_bulk(pkts + i, n - i);
			break;
		}
		if (i < n) {
			w->st.d.send_failed++;
			bytes -= pkts[i]->pkt_len;
			rte_pktmbuf_free(pkts[i]);
			i++;
		}
	}
	c->tx_bytes += bytes;
}

/* Count @n datagrams received; @return their payload bytes. */
static uint64_t
count_rx(struct l4fwd_counts *c, struct rte_mbuf **pkts, uint16_t n)
{
	uint64_t bytes = sum_len(pkts, n);

	c->rx_dgrams += n;
	c->rx_bytes += bytes;
	return bytes;
}

static void
echo_step(struct l4fwd_worker *w)
{
	struct rte_mbuf *pkts[L4FWD_MAX_BURST];
	uint16_t n;
	int f;

	for (f = 0; f < L4FWD_NB_FAMILIES; f++) {
		if (w->s[f] == NULL)
			continue;
		while ((n = tern_udp_recv_burst(w->s[f], pkts, w->o->burst)) > 0) {
			uint64_t bytes = count_rx(&w->st.c[f], pkts, n);

			send_counted(w, w->s[f], pkts, n, bytes, NULL, &w->st.c[f]);
		}
	}
}

static void
rx_step(struct l4fwd_worker *w)
{
	struct rte_mbuf *pkts[L4FWD_MAX_BURST];
	uint16_t n;
	int f;

	for (f = 0; f < L4FWD_NB_FAMILIES; f++) {
		if (w->s[f] == NULL)
			continue;
		while ((n = tern_udp_recv_burst(w->s[f], pkts, w->o->burst)) > 0) {
			count_rx(&w->st.c[f], pkts, n);
			rte_pktmbuf_free_bulk(pkts, n);
		}
	}
}

/*
 * fwd: what comes from the backend (the remote of the stream's family)
 * goes to the last client; everything else is a client's and goes to the
 * backend of the client's family, or of the other family if only that one
 * was given.
 */
static void
fwd_step(struct l4fwd_worker *w)
{
	const struct l4fwd_opts *o = w->o;
	struct rte_mbuf *pkts[L4FWD_MAX_BURST], *to_b[L4FWD_MAX_BURST], *to_c[L4FWD_MAX_BURST];
	struct tern_sockaddr src;
	uint16_t n, i, nb, nc;
	uint64_t now = rte_rdtsc();
	int f, b;

	for (f = 0; f < L4FWD_NB_FAMILIES; f++)
		if (o->have_raddr[f])
			remote_resolve(w, f, now);
	for (f = 0; f < L4FWD_NB_FAMILIES; f++) {
		if (w->s[f] == NULL)
			continue;
		b = o->have_raddr[f] ? f : !f;
		while ((n = tern_udp_recv_burst(w->s[f], pkts, o->burst)) > 0) {
			count_rx(&w->st.c[f], pkts, n);
			nb = 0;
			nc = 0;
			for (i = 0; i < n; i++) {
				struct rte_mbuf *m = pkts[i];

				if (tern_udp_pkt_src(m, &src) != 0) {
					w->st.d.send_failed++;
					rte_pktmbuf_free(m);
					continue;
				}
				/* Received offload flags are no transmit request. */
				m->ol_flags &= RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL;
				if (o->have_raddr[f] && sockaddr_eq(&src, &w->remote[f])) {
					to_c[nc++] = m;
				} else {
					w->client = src;
					w->have_client = true;
					to_b[nb++] = m;
				}
			}
			if (nb > 0) {
				if (o->have_raddr[b]) {
					send_counted(w, w->s[b], to_b, nb, sum_len(to_b, nb),
						     &w->remote[b], &w->st.c[b]);
				} else {
					w->st.d.no_backend += nb;
					rte_pktmbuf_free_bulk(to_b, nb);
				}
			}
			if (nc > 0) {
				if (w->have_client) {
					int cf = index_of(w->client.family);

					send_counted(w, w->s[cf], to_c, nc, sum_len(to_c, nc),
						     &w->client, &w->st.c[cf]);
				} else {
					w->st.d.no_client += nc;
					rte_pktmbuf_free_bulk(to_c, nc);
				}
			}
		}
	}
}

/* Give @m @size bytes of payload, chaining segments when one is not enough. */
static int
tx_fill(struct rte_mempool *mp, struct rte_mbuf *m, uint32_t size, uint64_t seq)
{
	struct rte_mbuf *seg = m;
	uint32_t off = 0;
	uint8_t *d;

	for (;;) {
		uint16_t chunk = (uint16_t)RTE_MIN(size - off, (uint32_t)rte_pktmbuf_tailroom(seg));

		d = (uint8_t *)rte_pktmbuf_append(seg, chunk);
		memcpy(d, tx_pattern + off, chunk);
		if (seg != m && rte_pktmbuf_chain(m, seg) != 0) {
			rte_pktmbuf_free(seg);
			return -1;
		}
		off += chunk;
		if (off == size)
			break;
		seg = rte_pktmbuf_alloc(mp);
		if (seg == NULL)
			return -1;
		seg->data_off = 0;	/* only the first segment needs headroom */
	}
	/* A sequence number in front, for whoever looks at the traffic. */
	if (size >= sizeof(uint64_t)) {
		uint64_t be = rte_cpu_to_be_64(seq);

		memcpy(rte_pktmbuf_mtod(m, void *), &be, sizeof(be));
	}
	return 0;
}

static void
tx_step(struct l4fwd_worker *w)
{
	const struct l4fwd_opts *o = w->o;
	struct rte_mempool *mp = tern_ctx_pool(w->ctx);
	struct rte_mbuf *pkts[L4FWD_MAX_BURST];
	uint64_t now = rte_rdtsc(), budget = o->burst;
	unsigned int i;
	uint16_t n;
	int f = -1;

	if (!w->unlimited && w->tx_seq >= w->quota)
		return;
	/* The next remote, round robin, among those resolved. */
	for (i = 0; i < L4FWD_NB_FAMILIES; i++) {
		int c = (int)((w->tx_next_remote + i) % L4FWD_NB_FAMILIES);

		if (o->have_raddr[c] && remote_resolve(w, c, now) && f < 0)
			f = c;
	}
	if (f < 0)
		return;
	w->tx_next_remote = (unsigned int)f + 1;
	if (w->tx_start_tsc == 0)
		w->tx_start_tsc = now;	/* the rate counts from the first send */
	if (!w->unlimited)
		budget = RTE_MIN(budget, w->quota - w->tx_seq);
	if (w->rate != 0) {
		uint64_t allowed = (uint64_t)((unsigned __int128)(now - w->tx_start_tsc) *
					      w->rate / rte_get_tsc_hz()) + 1;

		if (allowed <= w->tx_seq)
			return;
		budget = RTE_MIN(budget, allowed - w->tx_seq);
	}
	n = (uint16_t)budget;
	if (rte_pktmbuf_alloc_bulk(mp, pkts, n) != 0) {
		w->st.d.no_mbuf++;
		return;
	}
	for (i = 0; i < n; i++) {
		if (tx_fill(mp, pkts[i], o->size, w->tx_seq + i) != 0) {
			w->st.d.no_mbuf++;
			rte_pktmbuf_free_bulk(pkts + i, n - i);
			n = (uint16_t)i;
			break;
		}
	}
	w->tx_seq += n;
	send_counted(w, w->s[f], pkts, n, sum_len(pkts, n), &w->remote[f], &w->st.c[f]);
}

void
l4fwd_worker_loop(struct l4fwd_worker *w)
{
	const struct l4fwd_opts *o = w->o;
	uint64_t hz = rte_get_tsc_hz(), now, finish_tsc = 0;
	struct tern_event ev[64];

	/* on the main lcore tern_app_running() also runs the control round */
	while (tern_app_running(w->aw)) {
		if (o->api_sock) {
			/* tern_epoll_wait() polls the context and takes its events */
			l4fwd_sock_step(w);
			tern_ctx_flush(w->ctx);
			goto round_end;
		}
		tern_ctx_poll(w->ctx);
		if (o->tcp) {
			unsigned int n;

			while ((n = tern_ctx_events(w->ctx, ev, RTE_DIM(ev))) > 0)
				l4fwd_tcp_events(w, ev, n);
			l4fwd_tcp_step(w);
			tern_ctx_flush(w->ctx);
			goto round_end;
		}
		switch (o->mode) {
		case L4FWD_ECHO:
			echo_step(w);
			break;
		case L4FWD_FWD:
			fwd_step(w);
			break;
		case L4FWD_RX:
			rx_step(w);
			break;
		case L4FWD_TX:
			rx_step(w);	/* whatever comes back is counted and freed */
			tx_step(w);
			break;
		}
		/* UDP streams are polled directly: their readable events are not needed. */
		tern_ctx_events(w->ctx, ev, RTE_DIM(ev));
		tern_ctx_flush(w->ctx);
round_end:
		now = rte_rdtsc();
		if (o->tcp && o->mode == L4FWD_TX &&
		    (o->api_sock ? l4fwd_sock_tx_finished(w) : l4fwd_tcp_tx_finished(w)) &&
		    l4fwd_state_get(w) != L4FWD_W_FINISHED)
			l4fwd_state_set(w, L4FWD_W_FINISHED);
		else if (!o->tcp && o->mode == L4FWD_TX && !w->unlimited && w->tx_seq >= w->quota &&
		    l4fwd_state_get(w) != L4FWD_W_FINISHED) {
			/*
			 * All sent: finished once the stack holds none of it any
			 * more and answers had some time to come back.
			 */
			if (finish_tsc == 0)
				finish_tsc = now;
			if ((tern_ctx_pending(w->ctx) == 0 &&
			     now - finish_tsc >= hz * L4FWD_LINGER_MS / 1000) ||
			    now - finish_tsc > hz * L4FWD_FINISH_MS / 1000)
				l4fwd_state_set(w, L4FWD_W_FINISHED);
		}
	}
	w->stop_tsc = rte_rdtsc();
}

void
l4fwd_worker_teardown(struct l4fwd_worker *w)
{
	struct rte_mbuf *pkts[L4FWD_MAX_BURST];
	uint64_t hz = rte_get_tsc_hz(), start;
	uint16_t n;
	int f;

	if (w->ctx == NULL)
		return;
	if (!w->setup_failed) {
		/*
		 * Let buffered output (and packets waiting for a neighbor)
		 * leave; what still arrives is dropped like at close.
		 */
		start = rte_rdtsc();
		while (rte_rdtsc() - start < hz * L4FWD_DRAIN_MS / 1000) {
			tern_ctx_poll(w->ctx);
			for (f = 0; f < L4FWD_NB_FAMILIES; f++)
				while (w->s[f] != NULL &&
				       (n = tern_udp_recv_burst(w->s[f], pkts, RTE_DIM(pkts))) > 0)
					rte_pktmbuf_free_bulk(pkts, n);
			if (tern_ctx_pending(w->ctx) == 0)
				break;
		}
	}
	l4fwd_sock_teardown(w);
	l4fwd_tcp_teardown(w);
	tern_ctx_stats(w->ctx, &w->lib_final);
	for (f = 0; f < L4FWD_NB_FAMILIES; f++) {
		tern_udp_close(w->s[f]);
		w->s[f] = NULL;
	}
	w->ctx = NULL;	/* the bring-up destroys it */
}
