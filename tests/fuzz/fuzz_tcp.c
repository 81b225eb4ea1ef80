/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * Stateful TCP (lib/tcp): the harness plays the peer (10.0.0.2 or fd00::2,
 * port 40000) against our listener on port 7000, brings one connection
 * into the state the first input byte picks, then feeds the rest of the
 * input as steps: segments (their sequence and acknowledgment numbers
 * near what the connection expects, so that most land in the window),
 * raw segments, clock steps and the application's calls. After every step
 * every connection of the context must pass tcp_stream_check() (retransmit
 * queue tree, scoreboard byte counts, sequence order, window edges, queue
 * byte counts, timers); at the end the context is destroyed and every
 * mbuf must be back in the pool.
 *
 * First byte: scenario (low 4 bits, see enum scen), bit 6: the peer offers
 * neither SACK nor timestamps (NewReno), bit 7: IPv6.
 * Steps: op byte, then its operands:
 *   0-2 segment: flags, seq delta (int16, from RCV.NXT), ack delta (int16,
 *       from SND.UNA), window, options (bit 0 timestamps, bit 1 one to
 *       three SACK blocks, each two int16 deltas from SND.UNA, in units
 *       of 64 bytes; bit 2 raw option bytes: length byte then bytes),
 *       payload length byte (times 8)
 *   3   raw segment: header length byte, that many header bytes (ports,
 *       offset and checksum are set), payload length byte
 *   4   clock step: 16-bit milliseconds
 *   5   application: sub-byte (write 16-bit length, read, push, shutdown
 *       write, close, abort, set nodelay)
 *   6   long clock step: byte times 1 s (timeouts, TIME_WAIT, keepalive)
 *   7   the same segment as the last one again (a duplicate)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_tcp.h>

#include "fuzz_env.h"
#include "tern_tcp_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum scen {
	SC_LISTEN,
	SC_SYN_RECEIVED,
	SC_ESTABLISHED,
	SC_HOLES,		/* ESTABLISHED, data in flight both ways, SACK holes */
	SC_FIN_WAIT_1,
	SC_FIN_WAIT_2,
	SC_CLOSE_WAIT,
	SC_LAST_ACK,
	SC_CLOSING,
	SC_TIME_WAIT,
	SC_SYN_SENT,
	SC_NB,
};

#define PEER_ISS	0x10000000u
#define PEER_MSS	1000
#define MAX_STEPS	512

static struct {
	bool v6;
	bool plain;		/* no SACK, no timestamps */
	struct tern_tcp_stream *lis;
	struct tern_tcp_stream *s;	/* the connection, while the application holds it */
	uint32_t rcv_nxt;	/* what we expect from the peer (the peer's SND.NXT) */
	uint32_t snd_una;	/* what the peer acknowledged of ours */
	uint32_t ts;		/* the peer's timestamp clock */
	uint32_t ts_ecr;
	uint16_t lport;
	uint8_t last[FUZZ_FRAME_MAX];
	size_t last_len;
} P;

static uint8_t wbuf[65536];

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_tcp: %s\n", what);
	abort();
}

/* Every connection of the context keeps its invariants. */
static void
check_all(void)
{
	struct tern_tcp_ctx *tc = tcpc(fuzz_ctx());
	struct tern_tcp_stream *x;
	struct tcp_pool_iter it;
	unsigned int n = 0;

	TCP_FOREACH_STREAM(tc, it, x) {
		if (++n > 4 * 64)
			fail("stream list does not end");
		if ((x->tf & TF_DONE) || (x->tf & TF_LISTENER))
			continue;
		if (tcp_stream_check_print(x) != 0)
			fail("connection invariant broken");
	}
}

/* The peer learns our numbers from the connection, while there is one. */
static void
sync_peer(void)
{
	if (P.s != NULL && !(P.s->tf & TF_DONE) && P.s->state != TERN_TCP_SYN_SENT) {
		P.rcv_nxt = P.s->rcv_nxt;
		P.snd_una = P.s->snd_una;
		P.ts_ecr = P.s->ts_off + tcp_ts_now(P.s->tc);
	}
}

/* Send a TCP segment peer -> us: header @th (20 bytes + options, @thl), payload @pl. */
static void
send_raw(uint8_t *th, size_t thl, size_t plen)
{
	static uint8_t f[FUZZ_FRAME_MAX + 128];
	size_t h = fuzz_eth(f, P.v6 ? RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4, false);
	size_t hl = P.v6 ? 40 : 20, l4 = thl + plen;
	uint8_t *ip = f + h;

	if (h + hl + l4 > FUZZ_FRAME_MAX)
		return;
	memset(ip, 0, hl);
	if (P.v6) {
		ip[0] = 0x60;
		fuzz_put16(ip + 4, (uint16_t)l4);
		ip[6] = 6;
		ip[7] = 64;
		memcpy(ip + 8, fuzz_ip6_peer.a, 16);
		memcpy(ip + 24, fuzz_ip6_us.a, 16);
	} else {
		tern_ip4_t s = FUZZ_IP4_PEER, d = FUZZ_IP4_US;

		ip[0] = 0x45;
		fuzz_put16(ip + 2, (uint16_t)(20 + l4));
		ip[8] = 64;
		ip[9] = 6;
		memcpy(ip + 12, &s, 4);
		memcpy(ip + 16, &d, 4);
		fuzz_ip4_fix(ip);
	}
	fuzz_put16(th, FUZZ_PORT_PEER);
	fuzz_put16(th + 2, P.lport);
	th[12] = (uint8_t)((thl / 4) << 4) | (th[12] & 0x0f);
	memcpy(ip + hl, th, thl);
	memset(ip + hl + thl, 0x5a, plen);
	fuzz_l4_fix(P.v6 ? 6 : 4, ip, ip + hl, l4, 6, 16);
	P.last_len = h + hl + l4;
	memcpy(P.last, f, P.last_len);
	fuzz_input(0, f, P.last_len, 0);
}

struct seg {
	uint8_t flags;
	uint32_t seq, ack;
	uint16_t wnd;
	bool ts;
	unsigned int nb_sack;
	uint32_t sack[3][2];
	const uint8_t *raw;
	size_t raw_len;
	size_t plen;
};

static void
send_seg(const struct seg *g)
{
	uint8_t th[60] = { 0 };
	size_t o = 20;
	unsigned int i;

	fuzz_put32(th + 4, g->seq);
	fuzz_put32(th + 8, g->ack);
	th[13] = g->flags;
	fuzz_put16(th + 14, g->wnd);
	if (g->ts) {
		th[o] = 1;
		th[o + 1] = 1;
		th[o + 2] = 8;
		th[o + 3] = 10;
		fuzz_put32(th + o + 4, P.ts);
		fuzz_put32(th + o + 8, P.ts_ecr);
		o += 12;
	}
	if (g->nb_sack > 0) {
		th[o] = 1;
		th[o + 1] = 1;
		th[o + 2] = 5;
		th[o + 3] = (uint8_t)(2 + 8 * g->nb_sack);
		o += 4;
		for (i = 0; i < g->nb_sack; i++, o += 8) {
			fuzz_put32(th + o, g->sack[i][0]);
			fuzz_put32(th + o + 4, g->sack[i][1]);
		}
	}
	if (g->raw_len > 0 && o + g->raw_len <= 60) {
		memcpy(th + o, g->raw, g->raw_len);
		o += g->raw_len;
	}
	o = (o + 3) & ~(size_t)3;
	send_raw(th, o, g->plen);
}

/* A plain segment from the peer at its current numbers. */
static void
peer(uint8_t flags, size_t plen, bool sack_holes)
{
	struct seg g = { 0 };

	sync_peer();
	g.flags = flags;
	g.seq = P.rcv_nxt;
	g.ack = P.snd_una;
	g.wnd = 65535;
	g.ts = !P.plain;
	g.plen = plen;
	if (sack_holes && !P.plain) {
		uint32_t m = P.s != NULL ? P.s->mss : 500;

		g.nb_sack = 2;
		g.sack[0][0] = P.snd_una + 4 * m;
		g.sack[0][1] = P.snd_una + 6 * m;
		g.sack[1][0] = P.snd_una + 8 * m;
		g.sack[1][1] = P.snd_una + 9 * m;
	}
	P.ts++;
	send_seg(&g);
}

static uint32_t
cap_syn_seq(void)
{
	unsigned int i;

	for (i = 0; i < fuzz_nb_cap(); i++) {
		struct rte_mbuf *m = fuzz_cap(i);
		size_t off = 14 + (P.v6 ? 40 : 20);
		const uint8_t *th;

		if (m->data_len < off + 20)
			continue;
		th = rte_pktmbuf_mtod_offset(m, const uint8_t *, off);
		if (th[13] & RTE_TCP_SYN_FLAG)
			return fuzz_get32(th + 4);
	}
	return 0;
}

/* The peer's SYN, with its options (MSS 1000, SACK, timestamps, scale 7). */
static void
peer_syn(uint8_t flags, uint32_t ack)
{
	static const uint8_t full[20] = {
		2, 4, PEER_MSS >> 8, PEER_MSS & 0xff, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0,
		1, 3, 3, 7,
	};
	static const uint8_t plain[4] = { 2, 4, PEER_MSS >> 8, PEER_MSS & 0xff };
	struct seg g = { 0 };

	g.flags = flags;
	g.seq = PEER_ISS;
	g.ack = ack;
	g.wnd = 65535;
	g.raw = P.plain ? plain : full;
	g.raw_len = P.plain ? sizeof(plain) : sizeof(full);
	send_seg(&g);
}

static void
accept_conn(void)
{
	struct tern_tcp_stream *s;

	if (tern_tcp_accept_burst(P.lis, &s, 1) == 1)
		P.s = s;
}

static void
drain_events(void)
{
	struct tern_event ev[16];

	while (tern_ctx_events(fuzz_ctx(), ev, RTE_DIM(ev)) > 0)
		;
}

/* Bring the connection to scenario @sc. */
static void
setup(enum scen sc)
{
	struct tern_tcp_param tp = { 0 };
	uint32_t iss;

	tp.local.family = P.v6 ? 6 : 4;
	tp.local.port = rte_cpu_to_be_16(FUZZ_PORT_US);
	tp.backlog = 4;
	P.lis = tern_tcp_listen(fuzz_ctx(), &tp);
	if (P.lis == NULL)
		fail("listen");
	P.lport = FUZZ_PORT_US;
	P.rcv_nxt = PEER_ISS + 1;
	P.ts = 100;
	if (sc == SC_LISTEN)
		return;
	if (sc == SC_SYN_SENT) {
		tp.remote.family = tp.local.family;
		tp.remote.port = rte_cpu_to_be_16(FUZZ_PORT_PEER);
		if (P.v6)
			tp.remote.ip6 = fuzz_ip6_peer;
		else
			tp.remote.ip4 = FUZZ_IP4_PEER;
		tp.local.port = rte_cpu_to_be_16(FUZZ_PORT_US + 1);
		P.lport = FUZZ_PORT_US + 1;
		fuzz_cap_clear();
		P.s = tern_tcp_connect(fuzz_ctx(), &tp);
		if (P.s == NULL)
			fail("connect");
		tern_ctx_flush(fuzz_ctx());
		P.snd_una = cap_syn_seq() + 1;
		P.rcv_nxt = PEER_ISS;
		return;
	}
	fuzz_cap_clear();
	peer_syn(RTE_TCP_SYN_FLAG, 0);
	iss = cap_syn_seq();
	P.snd_una = iss + 1;
	if (sc == SC_SYN_RECEIVED)
		return;
	peer(RTE_TCP_ACK_FLAG, 0, false);
	accept_conn();
	if (P.s == NULL)
		fail("handshake");
	if (sc == SC_ESTABLISHED)
		return;
	if (sc == SC_HOLES) {
		/* 20 segments of ours in flight, ACK of 2 with two SACK holes behind */
		tern_tcp_write(P.s, wbuf, 20 * PEER_MSS);
		tern_ctx_flush(fuzz_ctx());
		sync_peer();
		P.snd_una += 2 * P.s->mss;
		{
			struct seg g = { 0 };
			uint32_t m = P.s->mss;

			g.flags = RTE_TCP_ACK_FLAG;
			g.seq = P.rcv_nxt;
			g.ack = P.snd_una;
			g.wnd = 65535;
			g.ts = !P.plain;
			g.nb_sack = P.plain ? 0 : 2;
			g.sack[0][0] = P.snd_una + 3 * m;
			g.sack[0][1] = P.snd_una + 5 * m;
			g.sack[1][0] = P.snd_una + 6 * m;
			g.sack[1][1] = P.snd_una + 7 * m;
			send_seg(&g);
			/* and peer data with a hole: the second piece arrives first */
			g.nb_sack = 0;
			g.seq = P.rcv_nxt + 800;
			g.plen = 400;
			send_seg(&g);
		}
		return;
	}
	if (sc == SC_CLOSE_WAIT || sc == SC_LAST_ACK) {
		peer(RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG, 0, false);
		if (sc == SC_LAST_ACK)
			tern_tcp_shutdown(P.s, 1);
		return;
	}
	/* ours closes first */
	tern_tcp_write(P.s, wbuf, 3000);
	tern_tcp_shutdown(P.s, 1);
	tern_ctx_flush(fuzz_ctx());
	if (sc == SC_FIN_WAIT_1)
		return;
	if (sc == SC_CLOSING) {
		peer(RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG, 0, false);
		return;
	}
	sync_peer();
	P.snd_una = P.s->snd_max;
	{
		struct seg g = { 0 };

		g.flags = RTE_TCP_ACK_FLAG;
		g.seq = P.rcv_nxt;
		g.ack = P.snd_una;
		g.wnd = 65535;
		g.ts = !P.plain;
		send_seg(&g);
	}
	if (sc == SC_FIN_WAIT_2)
		return;
	/* TIME_WAIT: the application lets go, the peer's FIN arrives */
	tern_tcp_close(P.s);
	P.s = NULL;
	{
		struct seg g = { 0 };

		g.flags = RTE_TCP_ACK_FLAG | RTE_TCP_FIN_FLAG;
		g.seq = P.rcv_nxt;
		g.ack = P.snd_una;
		g.wnd = 65535;
		g.ts = !P.plain;
		send_seg(&g);
		P.rcv_nxt++;
	}
}

static int16_t
s16(struct fuzz_in *in)
{
	return (int16_t)fuzz_u16(in);
}

static void
step_seg(struct fuzz_in *in)
{
	struct seg g = { 0 };
	uint8_t ob, raw[40];
	unsigned int i;

	sync_peer();
	g.flags = fuzz_u8(in);
	g.seq = P.rcv_nxt + (uint32_t)(int32_t)s16(in);
	g.ack = P.snd_una + (uint32_t)(int32_t)s16(in);
	g.wnd = fuzz_u16(in);
	ob = fuzz_u8(in);
	g.ts = ob & 1;
	if (ob & 2) {
		g.nb_sack = 1 + fuzz_u8(in) % 3;
		for (i = 0; i < g.nb_sack; i++) {
			g.sack[i][0] = P.snd_una + (uint32_t)(int32_t)s16(in) * 64;
			g.sack[i][1] = P.snd_una + (uint32_t)(int32_t)s16(in) * 64;
		}
	}
	if (ob & 4) {
		g.raw_len = fuzz_take(in, raw, fuzz_u8(in) % sizeof(raw));
		g.raw = raw;
	}
	g.plen = (size_t)fuzz_u8(in) * 8;
	P.ts += ob >> 4;
	send_seg(&g);
}

static void
step_raw(struct fuzz_in *in)
{
	uint8_t th[60] = { 0 };
	size_t thl = 20 + fuzz_u8(in) % 41;

	fuzz_take(in, th, thl);
	thl &= ~(size_t)3;
	send_raw(th, thl, (size_t)fuzz_u8(in) * 4);
}

static void
step_app(struct fuzz_in *in)
{
	uint8_t op = fuzz_u8(in);
	uint16_t n;

	switch (op % 8) {
	case 0:
		n = fuzz_u16(in);
		if (P.s != NULL)
			tern_tcp_write(P.s, wbuf, n);
		break;
	case 1:
		if (P.s != NULL)
			while (tern_tcp_read(P.s, wbuf, sizeof(wbuf)) > 0)
				;
		break;
	case 2:
		if (P.s != NULL)
			tern_tcp_push(P.s);
		break;
	case 3:
		if (P.s != NULL)
			tern_tcp_shutdown(P.s, 1);
		break;
	case 4:
		tern_tcp_close(P.s);
		P.s = NULL;
		break;
	case 5:
		tern_tcp_abort(P.s);
		P.s = NULL;
		break;
	case 6:
		if (P.s != NULL)
			tern_tcp_set_nodelay(P.s, op & 8);
		break;
	case 7:
		if (P.s == NULL)
			accept_conn();
		break;
	}
	tern_ctx_flush(fuzz_ctx());
}

/* FUZZ_TCP_VERBOSE=1: say which state each scenario reached (to check the set-up). */
static void
print_state(unsigned int sc)
{
	struct tern_tcp_stream *x;
	struct tcp_pool_iter it;
	struct tern_tcp_info ti;

	printf("scenario %u (%s%s):", sc, P.v6 ? "IPv6" : "IPv4", P.plain ? ", plain" : "");
	TCP_FOREACH_STREAM(tcpc(fuzz_ctx()), it, x) {
		tern_tcp_info(x, &ti);
		printf(" %s", tern_tcp_state_name(x->state));
		if (x->state >= TERN_TCP_ESTABLISHED)
			printf(" [in flight %u sacked %u lost %u ooo %s]", x->snd_max - x->snd_una,
			       x->rec->sacked_out, x->rec->lost_out, x->ooo != NULL ? "yes" : "no");
	}
	printf(" syncache %u time_wait %u\n", tcpc(fuzz_ctx())->nb_syn, tcpc(fuzz_ctx())->nb_tw);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int verbose = -1;
	struct fuzz_in in = { data, size };
	uint8_t first = fuzz_u8(&in);
	unsigned int steps = 0;

	fuzz_env_init("tcp");
	if (verbose < 0)
		verbose = getenv("FUZZ_TCP_VERBOSE") != NULL;
	memset(&P, 0, sizeof(P));
	P.v6 = first & 0x80;
	P.plain = first & 0x40;
	fuzz_ctx_open(NULL);
	fuzz_capture(true);
	setup((enum scen)((first & 0xf) % SC_NB));
	fuzz_cap_clear();
	if (verbose)
		print_state((first & 0xf) % SC_NB);
	drain_events();
	check_all();
	while (in.n > 0 && steps++ < MAX_STEPS) {
		uint8_t op = fuzz_u8(&in);

		switch (op % 8) {
		case 0:
		case 1:
		case 2:
			step_seg(&in);
			break;
		case 3:
			step_raw(&in);
			break;
		case 4:
			fuzz_advance((uint64_t)fuzz_u16(&in) * FUZZ_MS);
			break;
		case 5:
			step_app(&in);
			break;
		case 6:
			fuzz_advance((uint64_t)fuzz_u8(&in) * 1000 * FUZZ_MS);
			break;
		case 7:
			if (P.last_len > 0)
				fuzz_input(0, P.last, P.last_len, 0);
			break;
		}
		fuzz_cap_clear();
		drain_events();
		check_all();
	}
	tern_tcp_close(P.s);
	tern_tcp_close(P.lis);
	fuzz_capture(false);
	fuzz_ctx_close();
	return 0;
}
