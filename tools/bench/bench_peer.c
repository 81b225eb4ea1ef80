/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * tern-bench --peer: only the client side, a load generator for a server
 * that runs elsewhere (tern-l4fwd in another process, another stack's echo
 * server, the Linux kernel behind a TAP port). One tern context on the main
 * lcore drives the port the EAL arguments name, from --local, to --remote
 * IP:PORT; the next hop's MAC is --remote-mac (a permanent neighbor) or
 * resolved by tern's ARP before the first run (a ping is sent until the
 * neighbor entry is usable).
 *
 *  udp-echo    --window datagrams of --size bytes in flight on one UDP
 *              stream; each carries a run number and a sequence number, and
 *              an echo is counted when it is one of this run's with the
 *              length sent. An op is an echo received. lost: sent minus
 *              echoed once the run has drained (echoes of an earlier run,
 *              and echoes arriving after the drain, count as late, not as
 *              echoes). A timeout: a full window with nothing back for
 *              --timeout (the window is then counted lost and refilled).
 *  tcp-crr     --window connections at once: connect, --size byte request,
 *              --size byte response, close (the client closes first).
 *  tcp-rr      --conns connections, one --size byte request in flight on each.
 *  tcp-stream  one connection; MSS-sized mbufs as fast as the send buffer
 *              takes them; what comes back is read and freed. An op is 64 KiB
 *              acknowledged by the server (tern_tcp_info: bytes sent less
 *              bytes in flight).
 *
 * cycles_per_op is the client's: TSC cycles of its loop rounds that did
 * work over the ops they completed, rounds longer than 1 ms left out (the
 * vCPU was taken away), as bench_tcp.c leaves out the server's rounds over
 * 200 us: a round of a few bursts may rightly take a few hundred
 * microseconds on a port whose every packet is a system call (net_tap).
 * tcp-stream leaves none out. The server's cost is not seen; over TAP the
 * kernel's receive path runs in the client's write() calls, on its core.
 *
 * At exit every mbuf of the port's pool must be back (the count in use is
 * taken after the port starts and again after the context is gone and the
 * port's receive queue drained); if not, tern-bench fails.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include <tern/tern.h>

#include "bench.h"

#define PB_BURST	32
#define PB_EVENTS	64
#define PB_ROUND_MAX_US	1000		/* a longer round lost its vCPU */
#define PB_CLI_TW	4096		/* tcp-crr: TIME_WAIT records (see bench_tcp.c) */
#define PB_UDP_WINDOW	256		/* udp-echo default --window */
#define PB_UDP_TIMEOUT_MS 100
#define PB_TCP_TIMEOUT_MS 2000
#define PB_UDP_HDR	8		/* run number, sequence number */
#define PB_PING_ID	0x7462		/* "tb" */
/*
 * tcp-stream sends tern-l4fwd's TCP pattern (examples/l4fwd/tcp.c): byte k
 * of the stream is pb_pattern[k % PB_PERIOD], which its rx mode checks.
 */
#define PB_PERIOD	65521u

enum pb_kind { PB_UDP, PB_CRR, PB_RR, PB_STREAM };

static const char *const pb_names[] = {
	[PB_UDP] = "udp-echo", [PB_CRR] = "tcp-crr", [PB_RR] = "tcp-rr",
	[PB_STREAM] = "tcp-stream",
};

struct pb_conn {
	struct tern_tcp_stream *s;
	uint64_t t_start;	/* TSC: connect (crr) or request (rr) */
	uint32_t got;		/* bytes of the current response */
	bool up;		/* established */
	bool busy;		/* rr: a request is in flight */
	bool late;		/* rr: its timeout was counted */
};

static struct {
	enum pb_kind kind;
	unsigned int size, window, conns;
	uint64_t timeout;	/* cycles */
	uint16_t port;
	struct tern_dev *dev;
	struct tern_net *net;
	struct tern_ctx *ctx;
	struct rte_mempool *mp;
	unsigned int mb_base;	/* mbufs in use before any traffic */
	tern_ip4_t local, remote;
	uint16_t rport;		/* host order */
	bool drain;		/* begin nothing new */
	bool bad_port;		/* no port, or several and no --port: exit status 2 */
	/* counters of the whole session */
	uint64_t ops, errors, timeouts;
	/* udp-echo */
	struct tern_udp_stream *us;
	uint8_t tmpl[2048];
	uint32_t run_id;
	uint32_t seq;
	uint64_t u_sent, u_rcvd, u_presumed, u_late, u_last_rx;
	/* tcp */
	struct pb_conn *cc;
	unsigned int nb_cc;
	uint32_t *free_slot;
	unsigned int nb_free;
	unsigned int inflight;	/* crr: connections begun; rr: requests out */
	unsigned int established;
	uint64_t sweep_at;	/* TSC of the next timeout sweep */
	uint16_t seg;		/* stream: the connection's MSS */
	uint64_t rx_bytes;	/* what came back (stream: the server's echo, if any) */
	uint64_t tx_off;	/* stream: bytes queued */
	uint8_t req[2048];
} P;

static uint8_t pb_pattern[2 * PB_PERIOD];

static void
pb_pattern_init(void)
{
	uint32_t j;

	for (j = 0; j < PB_PERIOD; j++) {
		pb_pattern[j] = (uint8_t)(((j * 7919u) >> 3) ^ j);
		pb_pattern[j + PB_PERIOD] = pb_pattern[j];
	}
}

bool
bench_peer_workload(const char *workload)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(pb_names); i++)
		if (strcmp(workload, pb_names[i]) == 0)
			return true;
	return false;
}

/* "A.B.C.D:PORT" */
static int
parse_remote(const char *s, tern_ip4_t *ip, uint16_t *port)
{
	const char *colon = strrchr(s, ':');
	char addr[64], *end;
	long v;

	if (colon == NULL || (size_t)(colon - s) >= sizeof(addr))
		return -1;
	memcpy(addr, s, (size_t)(colon - s));
	addr[colon - s] = '\0';
	if (strchr(addr, '/') != NULL || tern_ip4_parse(addr, ip, NULL) != 0 || *ip == 0)
		return -1;
	errno = 0;
	v = strtol(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end || v <= 0 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int
bench_peer_check(const struct bench_opts *o)
{
	static const char me[] = "tern-bench";
	struct rte_ether_addr mac;
	uint16_t port;
	tern_ip4_t ip;
	uint8_t len;

	if (!o->peer) {
		if (o->local != NULL || o->remote != NULL || o->remote_mac != NULL ||
		    o->gw != NULL || o->port >= 0 || o->timeout_ms > 0) {
			fprintf(stderr, "%s: --local, --remote, --remote-mac, --gw, --port and "
				"--timeout are for --peer only\n", me);
			return -1;
		}
		return 0;
	}
	if (!bench_peer_workload(o->workload)) {
		fprintf(stderr, "%s: --peer runs udp-echo, tcp-crr, tcp-rr or tcp-stream, not %s\n",
			me, o->workload);
		return -1;
	}
	if (o->local == NULL || o->remote == NULL) {
		fprintf(stderr, "%s: --peer needs --local A.B.C.D/LEN and --remote A.B.C.D:PORT\n",
			me);
		return -1;
	}
	if (strcmp(o->wire, "ring") != 0 || o->single || o->offload != BENCH_OFFLOAD_DEFAULT) {
		fprintf(stderr, "%s: --wire, --single and --offload are for the in-process "
			"workloads, not --peer\n", me);
		return -1;
	}
	if (strcmp(o->workload, "udp-echo") == 0 && (o->size < PB_UDP_HDR || o->size > 1472)) {
		fprintf(stderr, "%s: --peer udp-echo: --size %d to 1472 (each datagram carries "
			"its run and sequence numbers, in one frame)\n", me, PB_UDP_HDR);
		return -1;
	}
	if (o->size > sizeof(P.req)) {
		fprintf(stderr, "%s: --peer: --size up to %zu\n", me, sizeof(P.req));
		return -1;
	}
	if (tern_ip4_parse(o->local, &ip, &len) != 0 || strchr(o->local, '/') == NULL ||
	    len == 0 || len > 32 || ip == 0) {
		fprintf(stderr, "%s: --local A.B.C.D/LEN, not '%s'\n", me, o->local);
		return -1;
	}
	if (parse_remote(o->remote, &ip, &port) != 0) {
		fprintf(stderr, "%s: --remote A.B.C.D:PORT, not '%s'\n", me, o->remote);
		return -1;
	}
	if (o->remote_mac != NULL && rte_ether_unformat_addr(o->remote_mac, &mac) != 0) {
		fprintf(stderr, "%s: --remote-mac XX:XX:XX:XX:XX:XX, not '%s'\n", me,
			o->remote_mac);
		return -1;
	}
	if (o->gw != NULL && (strchr(o->gw, '/') != NULL || tern_ip4_parse(o->gw, &ip, NULL) != 0)) {
		fprintf(stderr, "%s: --gw A.B.C.D, not '%s'\n", me, o->gw);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Set-up */

static int
pb_port(const struct bench_opts *o)
{
	uint16_t p, n = 0;

	if (o->port >= 0) {
		if (!rte_eth_dev_is_valid_port((uint16_t)o->port)) {
			fprintf(stderr, "tern-bench: --port %d: no such port\n", o->port);
			P.bad_port = true;
			return -ENODEV;
		}
		P.port = (uint16_t)o->port;
		return 0;
	}
	RTE_ETH_FOREACH_DEV(p) {
		if (n++ == 0)
			P.port = p;
	}
	if (n == 1)
		return 0;
	P.bad_port = true;
	fprintf(stderr, "tern-bench: --peer: %s; %s\n", n == 0 ? "no port" : "several ports",
		n == 0 ? "name one in the EAL arguments (--vdev net_memif0,... or net_tap0,...)" :
		"say which with --port N");
	return -ENODEV;
}

/*
 * The link up (a memif client waits for its server), then the next hop of
 * the remote usable: a ping every 200 ms, at most 5 s.
 */
static int
pb_resolve(void)
{
	uint64_t hz = rte_get_tsc_hz(), start = rte_rdtsc(), ping = 0;
	struct tern_event ev[PB_EVENTS];
	enum tern_neigh_state st;
	struct rte_eth_link link;
	uint16_t ifindex;
	tern_ip4_t nh;

	for (;;) {
		memset(&link, 0, sizeof(link));
		if (rte_eth_link_get_nowait(P.port, &link) != 0 || link.link_status)
			break;
		if (rte_rdtsc() - start > 5 * hz) {
			fprintf(stderr, "tern-bench: port %u: link still down after 5 s\n", P.port);
			return -ENETDOWN;
		}
		rte_delay_ms(10);
	}
	start = rte_rdtsc();

	if (tern_net_route4_lookup(P.net, P.remote, &ifindex, &nh) != 0) {
		fprintf(stderr, "tern-bench: no route to the remote (give --gw, or a --local "
			"prefix that holds it)\n");
		return -ENETUNREACH;
	}
	for (;;) {
		st = tern_net_neigh4_get(P.net, ifindex, nh, NULL);
		if (st == TERN_NEIGH_REACHABLE || st == TERN_NEIGH_STALE ||
		    st == TERN_NEIGH_PERMANENT)
			return 0;
		if (rte_rdtsc() - start > 5 * hz) {
			fprintf(stderr, "tern-bench: the next hop of the remote did not answer ARP "
				"in 5 s (%s); give --remote-mac\n", tern_neigh_state_name(st));
			return -EHOSTUNREACH;
		}
		if (st != TERN_NEIGH_INCOMPLETE && rte_rdtsc() - ping > hz / 5) {
			ping = rte_rdtsc();
			tern_icmp4_echo(P.ctx, P.remote, PB_PING_ID, 0, 0);
		}
		tern_ctx_poll(P.ctx);
		tern_ctx_events(P.ctx, ev, PB_EVENTS);	/* none expected */
		tern_ctx_flush(P.ctx);
	}
}

static int
pb_ctx(void)
{
	struct tern_tcp_config tc = { 0 };
	struct tern_ctx_param cp = { 0 };

	tc.syncache_size = 64;		/* the client does not listen */
	tc.max_conns = P.kind == PB_CRR ? 4 * P.window + 1024 : P.conns + 64;
	tc.timewait_max = P.kind == PB_CRR ? PB_CLI_TW : 64;
	cp.net = P.net;
	cp.tcp = &tc;
	cp.event_queue_size = rte_align32pow2(RTE_MAX(4 * (P.kind == PB_RR ? P.conns : P.window),
						      4096u));
	cp.socket_id = (int)rte_socket_id();
	P.ctx = tern_ctx_create(&cp);
	return P.ctx == NULL ? -rte_errno : 0;
}

static int
pb_setup(const struct bench_opts *o)
{
	struct tern_dev_param dp = { .nb_mbufs = 16383, .no_offload = o->sw };
	struct rte_ether_addr mac;
	unsigned int i;
	uint8_t len;
	int ret;

	for (i = 0; i < RTE_DIM(pb_names); i++)
		if (strcmp(o->workload, pb_names[i]) == 0)
			P.kind = (enum pb_kind)i;
	P.size = o->size;		/* the options are checked (bench_peer_check()) */
	P.window = o->window ? o->window : P.kind == PB_UDP ? PB_UDP_WINDOW :
		   BENCH_TCP_CRR_WINDOW;
	P.conns = o->conns ? o->conns : BENCH_TCP_RR_CONNS;
	P.timeout = (uint64_t)(o->timeout_ms > 0 ? o->timeout_ms : P.kind == PB_UDP ?
			       PB_UDP_TIMEOUT_MS : PB_TCP_TIMEOUT_MS) * rte_get_tsc_hz() / 1000;
	if (tern_ip4_parse(o->local, &P.local, &len) != 0 ||
	    parse_remote(o->remote, &P.remote, &P.rport) != 0 ||
	    (o->remote_mac != NULL && rte_ether_unformat_addr(o->remote_mac, &mac) != 0))
		return -EINVAL;
	ret = pb_port(o);
	if (ret != 0)
		return ret;
	P.dev = tern_dev_create(P.port, &dp);
	if (P.dev == NULL) {
		fprintf(stderr, "tern-bench: port %u: %s\n", P.port, rte_strerror(rte_errno));
		return -ENODEV;
	}
	P.mp = tern_dev_pool(P.dev, (int)rte_socket_id());
	P.mb_base = rte_mempool_in_use_count(P.mp);
	P.net = tern_net_create(NULL);
	if (P.net == NULL || tern_net_iface_add(P.net, P.dev, 0) != 0 ||
	    tern_net_addr4_add(P.net, 0, P.local, len) != 0)
		return -ENOMEM;
	if (o->gw != NULL) {
		tern_ip4_t gw;

		if (tern_ip4_parse(o->gw, &gw, NULL) != 0 ||
		    tern_net_route4_add(P.net, 0, 0, gw, 0) != 0) {
			fprintf(stderr, "tern-bench: --gw %s: not on the --local prefix\n", o->gw);
			return -EINVAL;
		}
	}
	if (o->remote_mac != NULL) {
		uint16_t ifindex;
		tern_ip4_t nh;

		/* the MAC of the next hop: the remote, or the gateway */
		if (tern_net_route4_lookup(P.net, P.remote, &ifindex, &nh) != 0 ||
		    tern_net_neigh4_set(P.net, ifindex, nh, &mac) != 0) {
			fprintf(stderr, "tern-bench: no route to the remote for --remote-mac\n");
			return -ENETUNREACH;
		}
	}
	ret = pb_ctx();
	if (ret != 0)
		return ret;
	memset(P.req, 'q', sizeof(P.req));
	if (P.kind == PB_STREAM)
		pb_pattern_init();
	printf("tern-bench: peer mode: port %u (mac " RTE_ETHER_ADDR_PRT_FMT "), local %s, "
	       "remote %s, next hop %s\n", P.port,
	       RTE_ETHER_ADDR_BYTES(tern_dev_mac(P.dev)), o->local, o->remote,
	       o->remote_mac != NULL ? "given (--remote-mac)" : "resolved by ARP");
	fflush(stdout);
	return pb_resolve();
}

/* ---------------------------------------------------------------------- */
/* udp-echo */

static int
pb_udp_open(void)
{
	struct tern_udp_param up = { 0 };
	uint8_t *pl = P.tmpl;
	unsigned int i;

	up.local.family = 4;
	up.local.ip4 = P.local;
	up.remote.family = 4;
	up.remote.ip4 = P.remote;
	up.remote.port = rte_cpu_to_be_16(P.rport);
	up.rxq_size = rte_align32pow2(RTE_MAX(2 * P.window, 1024u));
	P.us = tern_udp_open(P.ctx, &up);
	if (P.us == NULL)
		return -rte_errno;
	for (i = 0; i < P.size; i++)
		pl[i] = (uint8_t)i;
	return 0;
}

static uint64_t
pb_udp_inflight(void)
{
	return P.u_sent - P.u_rcvd - P.u_presumed;
}

/* One client round: top the window up, take the echoes. @return work done. */
static unsigned int
pb_udp_round(uint64_t now)
{
	struct rte_mbuf *m[PB_BURST];
	struct tern_event ev[PB_EVENTS];
	unsigned int work = tern_ctx_poll(P.ctx);
	uint64_t inflight = pb_udp_inflight();
	uint16_t i, n, k;

	work += tern_ctx_events(P.ctx, ev, PB_EVENTS);	/* READABLE, WRITABLE: polled anyway */
	if (!P.drain && inflight < P.window) {
		k = (uint16_t)RTE_MIN((uint64_t)PB_BURST, P.window - inflight);
		if (rte_pktmbuf_alloc_bulk(P.mp, m, k) == 0) {
			for (i = 0; i < k; i++) {
				uint32_t *hdr = (uint32_t *)rte_pktmbuf_append(m[i],
								(uint16_t)P.size);

				rte_memcpy(hdr, P.tmpl, P.size);
				hdr[0] = P.run_id;
				hdr[1] = P.seq++;
			}
			n = tern_udp_send_burst(P.us, m, k, NULL);
			if (n < k) {
				rte_pktmbuf_free_bulk(m + n, k - n);
				P.seq -= k - n;
				if (rte_errno != ENOBUFS)
					P.errors++;	/* ECONNREFUSED: nothing listens */
			}
			P.u_sent += n;
			work += n;
		}
	}
	rte_errno = 0;		/* set only by an ICMP error (below) */
	while ((n = tern_udp_recv_burst(P.us, m, PB_BURST)) > 0) {
		for (i = 0; i < n; i++) {
			const uint32_t *hdr = rte_pktmbuf_mtod(m[i], const uint32_t *);

			if (m[i]->pkt_len != P.size || m[i]->data_len < PB_UDP_HDR)
				P.errors++;		/* not what was sent */
			else if (hdr[0] != P.run_id)
				P.u_late++;		/* an earlier run's */
			else
				P.u_rcvd++;
		}
		rte_pktmbuf_free_bulk(m, n);
		P.u_last_rx = now;
		work += n;
	}
	if (n == 0 && rte_errno == ECONNREFUSED)
		P.errors++;
	/* echoes of datagrams already presumed lost: late, not lost */
	if (P.u_rcvd + P.u_presumed > P.u_sent)
		P.u_presumed = P.u_sent - P.u_rcvd;
	inflight = pb_udp_inflight();
	if (!P.drain && inflight >= P.window && now - P.u_last_rx > P.timeout) {
		/* a full window and nothing back for --timeout: presumed lost */
		P.timeouts++;
		P.u_presumed += inflight;
		P.u_last_rx = now;
	}
	tern_ctx_flush(P.ctx);
	return work;
}

/* ---------------------------------------------------------------------- */
/* TCP */

static void
pb_slot_free(struct pb_conn *c)
{
	memset(c, 0, sizeof(*c));
	P.free_slot[P.nb_free++] = (uint32_t)(c - P.cc);
}

/* The connection failed (@timeout: ours, else tern's error or the server's close). */
static void
pb_fail(struct pb_conn *c, bool timeout)
{
	if (timeout)
		P.timeouts++;
	else
		P.errors++;
	tern_tcp_abort(c->s);
	if (P.kind == PB_CRR || c->busy)
		P.inflight--;
	if (P.kind == PB_CRR) {
		pb_slot_free(c);
		return;
	}
	if (c->up)
		P.established--;
	memset(c, 0, sizeof(*c));
}

static void
pb_request(struct pb_conn *c, uint64_t now)
{
	if (tern_tcp_write(c->s, P.req, P.size) != (ssize_t)P.size) {
		pb_fail(c, false);
		return;
	}
	c->got = 0;
	if (P.kind == PB_RR) {
		c->busy = true;
		c->late = false;
		c->t_start = now;
		P.inflight++;
	}
}

/* Read what came back; crr closes after the response, rr sends the next request. */
static void
pb_read(struct pb_conn *c, uint64_t now)
{
	struct rte_mbuf *m[PB_BURST];
	uint16_t n, i;

	for (;;) {
		n = tern_tcp_recv_burst(c->s, m, PB_BURST);
		if (n == 0) {
			if (rte_errno != EAGAIN)
				pb_fail(c, false);	/* the server closed or reset */
			return;
		}
		for (i = 0; i < n; i++)
			c->got += m[i]->data_len;
		rte_pktmbuf_free_bulk(m, n);
		if (P.kind == PB_STREAM) {
			P.rx_bytes += c->got;
			c->got = 0;
			continue;
		}
		if (c->got < P.size)
			continue;
		if (c->got > P.size) {
			pb_fail(c, false);		/* more than was asked for */
			return;
		}
		P.ops++;
		if (P.kind == PB_CRR) {
			tern_tcp_close(c->s);		/* active close: TIME_WAIT here */
			P.inflight--;
			pb_slot_free(c);
			return;
		}
		c->busy = false;
		P.inflight--;
		if (!P.drain)
			pb_request(c, now);
	}
}

static struct tern_tcp_stream *
pb_connect(uint32_t idx)
{
	struct tern_tcp_param p = { 0 };

	p.local.family = 4;
	p.local.ip4 = P.local;
	p.remote.family = 4;
	p.remote.ip4 = P.remote;
	p.remote.port = rte_cpu_to_be_16(P.rport);
	p.udata = idx;
	if (P.kind != PB_STREAM)
		p.flags = TERN_TCP_F_NODELAY;
	return tern_tcp_connect(P.ctx, &p);
}

static void
pb_event(struct pb_conn *c, const struct tern_event *ev, uint64_t now)
{
	struct tern_tcp_info info;

	switch (ev->type) {
	case TERN_EV_CONNECTED:
		c->up = true;
		P.established++;
		if (P.kind == PB_CRR) {
			pb_request(c, now);
		} else if (P.kind == PB_STREAM) {
			tern_tcp_info(c->s, &info);
			P.seg = info.mss;
		}
		break;
	case TERN_EV_READABLE:
		pb_read(c, now);
		break;
	case TERN_EV_WRITABLE:
		break;
	default:		/* CLOSED, ERROR: the server does not close first */
		pb_fail(c, false);
		break;
	}
}

/* crr: open connections into free slots; stream: fill the send buffer. @return work. */
static unsigned int
pb_top_up(uint64_t now)
{
	unsigned int work = 0, i;
	struct pb_conn *c;

	if (P.drain)
		return 0;
	if (P.kind == PB_CRR) {
		while (P.nb_free > 0) {
			uint32_t idx = P.free_slot[P.nb_free - 1];

			c = &P.cc[idx];
			c->s = pb_connect(idx);
			if (c->s == NULL) {
				P.errors++;
				break;
			}
			P.nb_free--;
			c->t_start = now;
			P.inflight++;
			work++;
		}
	} else if (P.kind == PB_RR) {
		for (i = 0; i < P.nb_cc; i++) {
			c = &P.cc[i];
			if (c->s != NULL && c->up && !c->busy) {
				pb_request(c, now);
				work++;
			}
		}
	} else if (P.kind == PB_STREAM) {
		struct rte_mbuf *m[PB_BURST];
		uint32_t space;
		uint16_t k, a;

		c = &P.cc[0];
		if (c->s == NULL || !c->up || P.seg == 0)
			return 0;
		space = tern_tcp_tx_space(c->s);
		while (space >= P.seg) {
			k = (uint16_t)RTE_MIN((uint32_t)PB_BURST, space / P.seg);
			if (rte_pktmbuf_alloc_bulk(P.mp, m, k) != 0)
				break;
			for (i = 0; i < k; i++) {
				void *d = rte_pktmbuf_append(m[i], P.seg);

				rte_memcpy(d, pb_pattern + (P.tx_off + (uint64_t)i * P.seg) %
					   PB_PERIOD, P.seg);
			}
			a = tern_tcp_send_burst(c->s, m, k);
			P.tx_off += (uint64_t)a * P.seg;
			work += a;
			if (a < k) {
				rte_pktmbuf_free_bulk(m + a, k - a);
				break;
			}
			space -= (uint32_t)a * P.seg;
		}
	}
	return work;
}

/* crr and rr: what waited longer than --timeout. */
static void
pb_sweep(uint64_t now)
{
	unsigned int i;

	if (now < P.sweep_at)
		return;
	P.sweep_at = now + P.timeout / 8;
	for (i = 0; i < P.nb_cc; i++) {
		struct pb_conn *c = &P.cc[i];

		if (c->s == NULL || now - c->t_start <= P.timeout)
			continue;
		if (P.kind == PB_CRR) {
			pb_fail(c, true);		/* aborted; the slot opens anew */
		} else if (P.kind == PB_RR && c->busy && !c->late) {
			P.timeouts++;			/* counted once; TCP retransmits */
			c->late = true;
		}
	}
}

static unsigned int
pb_tcp_round(uint64_t now)
{
	struct tern_event ev[PB_EVENTS];
	unsigned int work, nev, i;

	work = tern_ctx_poll(P.ctx);
	nev = tern_ctx_events(P.ctx, ev, PB_EVENTS);
	for (i = 0; i < nev; i++) {
		uint64_t idx = ev[i].udata;

		/* a stream closed earlier in this batch: its slot is empty or new */
		if (idx >= P.nb_cc || P.cc[idx].s != ev[i].obj)
			continue;
		pb_event(&P.cc[idx], &ev[i], now);
	}
	work += nev + pb_top_up(now);
	if (P.kind != PB_STREAM)
		pb_sweep(now);
	tern_ctx_flush(P.ctx);
	return work;
}

/* rr, stream: open the connections before the runs. */
static int
pb_tcp_open(void)
{
	uint64_t hz = rte_get_tsc_hz(), start = rte_rdtsc();
	unsigned int want = P.kind == PB_RR ? P.conns : 1, i;

	P.drain = true;
	for (i = 0; i < want; i++) {
		P.cc[i].s = pb_connect(i);
		if (P.cc[i].s == NULL) {
			fprintf(stderr, "tern-bench: connect: %s\n", rte_strerror(rte_errno));
			return -rte_errno;
		}
	}
	while (P.established < want) {
		pb_tcp_round(rte_rdtsc());
		if (rte_rdtsc() - start > 5 * hz) {
			fprintf(stderr, "tern-bench: %u of %u connections up after 5 s (%lu errors)\n",
				P.established, want, (unsigned long)P.errors);
			return -ETIMEDOUT;
		}
	}
	P.drain = false;
	return 0;
}

static uint64_t
pb_stream_acked(void)
{
	struct tern_tcp_info info;

	if (P.cc[0].s == NULL)
		return 0;
	tern_tcp_info(P.cc[0].s, &info);
	return info.bytes_sent - info.unacked;
}

/* ---------------------------------------------------------------------- */
/* Runs */

static unsigned int
pb_round(uint64_t now)
{
	return P.kind == PB_UDP ? pb_udp_round(now) : pb_tcp_round(now);
}

/* What an op is: echoes, responses, bytes acknowledged. */
static uint64_t
pb_units(void)
{
	switch (P.kind) {
	case PB_UDP:
		return P.u_rcvd;
	case PB_STREAM:
		return pb_stream_acked();
	default:
		return P.ops;
	}
}

/* Nothing of this run in flight. */
static bool
pb_idle(void)
{
	if (P.kind == PB_UDP)
		return P.u_rcvd + P.u_presumed >= P.u_sent;
	if (P.kind == PB_STREAM)
		return true;
	return P.inflight == 0;
}

/*
 * Begin nothing new until what is in flight is back, at most --timeout
 * (udp-echo: since the last echo). crr: the connections still open then
 * are aborted and counted as timeouts.
 */
static void
pb_drain(void)
{
	uint64_t start = rte_rdtsc(), now;
	unsigned int i;

	P.drain = true;
	P.u_last_rx = start;
	for (;;) {
		now = rte_rdtsc();
		pb_round(now);
		if (pb_idle())
			break;
		if (now - (P.kind == PB_UDP ? P.u_last_rx : start) > P.timeout)
			break;
	}
	if (P.kind == PB_CRR)
		for (i = 0; i < P.nb_cc; i++)
			if (P.cc[i].s != NULL)
				pb_fail(&P.cc[i], true);
	P.drain = false;
}

static int
pb_run(const struct bench_opts *o, struct bench_run *r, uint64_t *lost)
{
	uint64_t hz = rte_get_tsc_hz(), t = 0, start, t0 = 0, end = 0;
	/*
	 * tcp-stream: none left out; one ACK can let the client queue and send
	 * hundreds of segments in a round longer than 1 ms, vCPU taken or not.
	 */
	uint64_t limit = P.kind == PB_STREAM ? UINT64_MAX : hz * PB_ROUND_MAX_US / 1000000;
	uint64_t busy = 0, units = 0, all_busy = 0, all_units = 0, u0 = 0;
	uint64_t err0 = P.errors, to0 = P.timeouts;
	double dt;

	if (P.kind == PB_UDP) {
		P.run_id++;
		P.u_sent = P.u_rcvd = P.u_presumed = 0;
		P.u_last_rx = rte_rdtsc();
	}
	start = rte_rdtsc();
	for (;;) {
		uint64_t a = rte_rdtsc(), b, u = pb_units();
		unsigned int n = pb_round(a);

		b = rte_rdtsc();
		if (t0 == 0) {
			if (b - start >= (uint64_t)(o->seconds * 0.1 * (double)hz)) {
				t0 = b;
				u0 = pb_units();
				end = t0 + (uint64_t)(o->seconds * (double)hz);
			}
			continue;
		}
		if (n > 0) {
			uint64_t du = pb_units() - u;

			r->rounds++;
			all_busy += b - a;
			all_units += du;
			if (b - a > limit) {
				r->rounds_cut++;
			} else {
				busy += b - a;
				units += du;
			}
		}
		if (b >= end) {
			t = b;
			break;
		}
	}
	r->ops = pb_units() - u0;
	dt = (double)(t - t0) / (double)hz;
	pb_drain();
	*lost = P.kind == PB_UDP ? P.u_sent - P.u_rcvd : 0;
	r->drops = P.errors - err0;
	if (P.kind == PB_STREAM) {
		r->gbps = (double)r->ops * 8 / dt / 1e9;
		r->cycles_per_byte = units ? (double)busy / (double)units : 0;
		r->cycles_per_op = r->cycles_per_byte * BENCH_TCP_STREAM_OP;
		r->cycles_per_op_all = all_units ? (double)all_busy * BENCH_TCP_STREAM_OP /
						   (double)all_units : 0;
		r->ops_per_s = (double)r->ops / BENCH_TCP_STREAM_OP / dt;
	} else {
		r->cycles_per_op = units ? (double)busy / (double)units : 0;
		r->cycles_per_op_all = all_units ? (double)all_busy / (double)all_units : 0;
		r->ops_per_s = (double)r->ops / dt;
	}
	r->timeouts = P.timeouts - to0;
	return 0;
}

/* Read and free what is there; at the end of the stream (or an error) close it. */
static void
pb_finish(struct pb_conn *c)
{
	struct rte_mbuf *m[PB_BURST];
	uint16_t n;

	while ((n = tern_tcp_recv_burst(c->s, m, PB_BURST)) > 0)
		rte_pktmbuf_free_bulk(m, n);
	if (rte_errno != EAGAIN) {
		tern_tcp_close(c->s);
		c->s = NULL;
	}
}

/*
 * End the connections the way a well-behaved client does: a FIN after
 * what was sent, what the server still sends read, and closed at its FIN
 * (at most 1 s, then closed with what is left, which may reset); wait up
 * to 200 ms more for the last ACKs; drop the context; count the mbufs.
 */
static int
pb_teardown(bool stats)
{
	uint64_t hz = rte_get_tsc_hz(), start = rte_rdtsc();
	struct tern_event ev[PB_EVENTS];
	struct rte_mbuf *m[PB_BURST];
	unsigned int i, nev, open = 0, in_use;
	uint16_t n;
	int ret = 0;

	if (P.ctx != NULL) {
		tern_udp_close(P.us);
		P.us = NULL;
		for (i = 0; i < P.nb_cc; i++)
			if (P.cc[i].s != NULL) {
				tern_tcp_shutdown(P.cc[i].s, SHUT_WR);
				pb_finish(&P.cc[i]);
				open += P.cc[i].s != NULL;
			}
		while (open > 0 && rte_rdtsc() - start < hz) {
			tern_ctx_poll(P.ctx);
			nev = tern_ctx_events(P.ctx, ev, PB_EVENTS);
			for (i = 0; i < nev; i++) {
				uint64_t idx = ev[i].udata;

				if (idx >= P.nb_cc || P.cc[idx].s != ev[i].obj)
					continue;
				pb_finish(&P.cc[idx]);
				open -= P.cc[idx].s == NULL;
			}
			tern_ctx_flush(P.ctx);
		}
		for (i = 0; i < P.nb_cc; i++)
			tern_tcp_close(P.cc[i].s);
		start = rte_rdtsc();
		while (rte_rdtsc() - start < hz / 5 && tern_tcp_nb_conns(P.ctx) > 0) {
			tern_ctx_poll(P.ctx);
			tern_ctx_events(P.ctx, ev, PB_EVENTS);	/* of closed streams: none */
			tern_ctx_flush(P.ctx);
		}
		if (stats) {
			struct tern_stats st;

			tern_ctx_stats(P.ctx, &st);
			printf("  client context's counters (non-zero):\n");
			for (i = 0; i < TERN_STATS_COUNT; i++)
				if (tern_stats_value(&st, i) != 0)
					printf("  %-28s %14lu\n", tern_stats_name(i),
					       (unsigned long)tern_stats_value(&st, i));
		}
		tern_ctx_destroy(P.ctx);
		P.ctx = NULL;
	}
	if (P.dev != NULL) {
		while ((n = rte_eth_rx_burst(P.port, 0, m, PB_BURST)) > 0)
			rte_pktmbuf_free_bulk(m, n);
		in_use = rte_mempool_in_use_count(P.mp);
		if (in_use != P.mb_base) {
			fprintf(stderr, "tern-bench: %d mbufs not back in the pool (%u in use, "
				"%u before the runs)\n", (int)in_use - (int)P.mb_base, in_use,
				P.mb_base);
			ret = -EBUSY;
		} else {
			printf("tern-bench: every mbuf back in the pool (%u in use by the port, as "
			       "before the runs)\n", in_use);
		}
	}
	tern_net_destroy(P.net);
	tern_dev_destroy(P.dev);
	free(P.cc);
	free(P.free_slot);
	return ret;
}

int
bench_peer(const struct bench_opts *o, uint64_t hz)
{
	double ops[64], cyc[64], gbps[64], cpb[64];
	uint64_t lost_all = 0, sent_all = 0;
	unsigned int i;
	int ret, rc = 0;

	memset(&P, 0, sizeof(P));
	ret = pb_setup(o);
	if (ret == 0 && P.kind == PB_STREAM)
		printf("tern-bench: --peer workload tcp-stream, one connection, %u run(s) of %.1f s, "
		       "TSC %.3f GHz\n", o->runs, o->seconds, (double)hz / 1e9);
	else if (ret == 0)
		printf("tern-bench: --peer workload %s, %s %u B, %s %u, %u run(s) of %.1f s, "
		       "timeout %.0f ms, TSC %.3f GHz\n", o->workload,
		       P.kind == PB_UDP ? "payload" : "request and response", P.size,
		       P.kind == PB_RR ? "connections" : "window",
		       P.kind == PB_RR ? P.conns : P.window, o->runs, o->seconds,
		       (double)P.timeout * 1e3 / (double)hz, (double)hz / 1e9);
	if (ret == 0 && P.kind != PB_UDP) {
		P.nb_cc = P.kind == PB_CRR ? P.window : P.kind == PB_RR ? P.conns : 1;
		P.cc = calloc(P.nb_cc, sizeof(*P.cc));
		P.free_slot = calloc(P.nb_cc, sizeof(*P.free_slot));
		if (P.cc == NULL || P.free_slot == NULL)
			ret = -ENOMEM;
		else if (P.kind == PB_CRR)
			for (i = 0; i < P.nb_cc; i++)
				P.free_slot[P.nb_free++] = P.nb_cc - 1 - i;
		else
			ret = pb_tcp_open();
	} else if (ret == 0) {
		ret = pb_udp_open();
	}
	for (i = 0; ret == 0 && i < o->runs; i++) {
		struct bench_run r = { 0 };
		uint64_t lost = 0;

		ret = pb_run(o, &r, &lost);
		if (ret != 0)
			break;
		ops[i] = r.ops_per_s;
		cyc[i] = r.cycles_per_op;
		gbps[i] = r.gbps;
		cpb[i] = r.cycles_per_byte;
		if (P.kind == PB_UDP) {
			lost_all += lost;
			sent_all += P.u_sent;
			printf("run %u: %.3f Mpps, %.1f cycles/op on the client core, %lu of %lu "
			       "lost, %lu timeouts, %lu errors\n", i + 1, ops[i] / 1e6, cyc[i],
			       (unsigned long)lost, (unsigned long)P.u_sent, (unsigned long)r.timeouts,
			       (unsigned long)r.drops);
		} else if (P.kind == PB_STREAM) {
			printf("run %u: %.3f Gbit/s acknowledged, %.3f cycles/byte on the client "
			       "core, %lu errors\n", i + 1, gbps[i], cpb[i], (unsigned long)r.drops);
		} else {
			printf("run %u: %.0f ops/s, %.1f cycles/op on the client core, %lu "
			       "timeouts, %lu errors\n", i + 1, ops[i], cyc[i], (unsigned long)r.timeouts,
			       (unsigned long)r.drops);
		}
		if (P.kind != PB_STREAM)
			printf("       client rounds longer than 1 ms (vCPU taken away): %lu of "
			       "%lu, left out; with them %.1f cycles/op\n",
			       (unsigned long)r.rounds_cut, (unsigned long)r.rounds,
			       r.cycles_per_op_all);
		fflush(stdout);
		if (r.ops == 0) {
			fprintf(stderr, "tern-bench: run %u: no op completed\n", i + 1);
			rc = 1;
		}
	}
	if (ret != 0) {
		fprintf(stderr, "tern-bench: --peer %s: %s\n", o->workload, strerror(-ret));
		rc = P.bad_port ? 2 : 1;
	}
	if (pb_teardown(o->stats) != 0)
		rc = 1;
	if (ret != 0)
		return rc;
	if (P.kind == PB_STREAM && P.rx_bytes > 0)
		printf("the server sent back %lu bytes (read and freed)\n",
		       (unsigned long)P.rx_bytes);
	if (P.kind == PB_UDP) {
		printf("median: %.3f Mpps, %.1f cycles/op on the client core; %lu of %lu lost, "
		       "%lu late\n", bench_median(ops, o->runs) / 1e6, bench_median(cyc, o->runs),
		       (unsigned long)lost_all, (unsigned long)sent_all, (unsigned long)P.u_late);
		printf("RESULT workload=peer-udp-echo remote=%s mpps=%.3f cycles_per_op=%.1f "
		       "tsc_hz=%lu lost=%lu timeouts=%lu errors=%lu\n", o->remote,
		       bench_median(ops, o->runs) / 1e6, bench_median(cyc, o->runs),
		       (unsigned long)hz, (unsigned long)lost_all, (unsigned long)P.timeouts,
		       (unsigned long)P.errors);
	} else {
		printf("RESULT workload=peer-%s remote=%s ops_per_s=%.0f cycles_per_op=%.1f "
		       "tsc_hz=%lu", pb_names[P.kind], o->remote, bench_median(ops, o->runs),
		       bench_median(cyc, o->runs), (unsigned long)hz);
		if (P.kind == PB_STREAM)
			printf(" gbps=%.3f cycles_per_byte=%.3f", bench_median(gbps, o->runs),
			       bench_median(cpb, o->runs));
		printf(" timeouts=%lu errors=%lu\n", (unsigned long)P.timeouts,
		       (unsigned long)P.errors);
	}
	if (P.errors > 0 || P.timeouts > 0)
		fprintf(stderr, "tern-bench: --peer %s: %lu errors, %lu timeouts\n", o->workload,
			(unsigned long)P.errors, (unsigned long)P.timeouts);
	return rc;
}
