/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * ICMP and ICMPv6 input (lib/net/icmp4.c, icmp6.c): echo, errors quoting
 * an inner header (handed to TCP and UDP: path MTU, unreachable), and
 * Neighbor Discovery (solicitations, advertisements, router
 * advertisements, redirects with their options). The context has open a
 * TCP connection (SYN_SENT) and a connected UDP stream to the peer in each
 * family, so that quoted headers can match them. Each record:
 *   ctl (bit 0: IPv6; bit 1: fix the checksum; bit 2: quote: the harness
 *        writes the inner IP header and the first 8 bytes of L4 (ports of
 *        our TCP connection, or of our UDP stream with bit 3) after the
 *        8-byte ICMP header; bit 4: IPv6 source link-local fe80::2;
 *        bit 5: IPv6 destination ff02::1 (IPv4: 10.0.0.255);
 *        bits 6-7: then advance the clock 0, 10 ms, 1 s or 31 s),
 *   16-bit length, the ICMP message (with quote: its first 8 bytes, then
 *   the inner L4 bytes past the ports, then the rest).
 */
#include <string.h>

#include "fuzz_env.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TCP_LPORT	50000
#define UDP_LPORT	50001

static const uint64_t steps[4] = { 0, 10 * FUZZ_MS, 1000 * FUZZ_MS, 31000 * FUZZ_MS };

/* Write the quoted packet (ours to the peer) at @q. @return its length so far. */
static size_t
quote(uint8_t *q, bool v6, bool udp, const uint8_t *l4rest)
{
	size_t hl = v6 ? 40 : 20;

	memset(q, 0, hl + 8);
	if (v6) {
		q[0] = 0x60;
		fuzz_put16(q + 4, 1000);
		q[6] = udp ? 17 : 6;
		q[7] = 64;
		memcpy(q + 8, fuzz_ip6_us.a, 16);
		memcpy(q + 24, fuzz_ip6_peer.a, 16);
	} else {
		tern_ip4_t s = FUZZ_IP4_US, d = FUZZ_IP4_PEER;

		q[0] = 0x45;
		fuzz_put16(q + 2, 1000);
		q[6] = 0x40;
		q[8] = 64;
		q[9] = udp ? 17 : 6;
		memcpy(q + 12, &s, 4);
		memcpy(q + 16, &d, 4);
		fuzz_ip4_fix(q);
	}
	fuzz_put16(q + hl, udp ? UDP_LPORT : TCP_LPORT);
	fuzz_put16(q + hl + 2, FUZZ_PORT_PEER);
	memcpy(q + hl + 4, l4rest, 4);
	return hl + 8;
}

static void
open_flows(struct tern_tcp_stream **t, struct tern_udp_stream **u)
{
	struct tern_tcp_param tp;
	struct tern_udp_param up;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		memset(&tp, 0, sizeof(tp));
		tp.local.family = tp.remote.family = i == 0 ? 4 : 6;
		tp.local.port = rte_cpu_to_be_16(TCP_LPORT);
		tp.remote.port = rte_cpu_to_be_16(FUZZ_PORT_PEER);
		if (i == 0)
			tp.remote.ip4 = FUZZ_IP4_PEER;
		else
			tp.remote.ip6 = fuzz_ip6_peer;
		t[i] = tern_tcp_connect(fuzz_ctx(), &tp);
		memset(&up, 0, sizeof(up));
		up.local.family = tp.local.family;
		up.local.port = rte_cpu_to_be_16(UDP_LPORT);
		up.remote = tp.remote;
		u[i] = tern_udp_open(fuzz_ctx(), &up);
	}
	tern_ctx_flush(fuzz_ctx());
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	static uint8_t f[FUZZ_FRAME_MAX + 128], rec[FUZZ_FRAME_MAX];
	static const struct tern_ip6 ll_peer = { { 0xfe, 0x80, [15] = 0x02 } };
	static const struct tern_ip6 all_nodes = { { 0xff, 0x02, [15] = 0x01 } };
	struct tern_tcp_stream *t[2];
	struct tern_udp_stream *u[2];
	unsigned int i;

	fuzz_env_init("icmp");
	fuzz_ctx_open(NULL);
	fuzz_services_open();
	open_flows(t, u);
	while (in.n > 0) {
		uint8_t ctl = fuzz_u8(&in);
		bool v6 = ctl & 1;
		size_t h = fuzz_eth(f, v6 ? RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4, false);
		size_t hl = v6 ? 40 : 20, rlen = fuzz_record(&in, rec, sizeof(rec)), n;
		uint8_t *ip = f + h, *icmp = ip + hl;
		size_t room = FUZZ_FRAME_MAX - h - hl;

		memset(ip, 0, hl + 8);
		if ((ctl & 4) && rlen >= 12) {
			memcpy(icmp, rec, 8);
			n = 8 + quote(icmp + 8, v6, ctl & 8, rec + 8);
			rlen -= 12;
			if (rlen > room - n)
				rlen = room - n;
			memcpy(icmp + n, rec + 12, rlen);
			n += rlen;
		} else {
			n = rlen < room ? rlen : room;
			memcpy(icmp, rec, n);
		}
		if (v6) {
			ip[0] = 0x60;
			fuzz_put16(ip + 4, (uint16_t)n);
			ip[6] = 58;
			ip[7] = 255;
			memcpy(ip + 8, ((ctl & 0x10) ? &ll_peer : &fuzz_ip6_peer)->a, 16);
			memcpy(ip + 24, ((ctl & 0x20) ? &all_nodes : &fuzz_ip6_us)->a, 16);
			if (ctl & 0x20)
				memcpy(f, "\x33\x33\x00\x00\x00\x01", 6);
		} else {
			tern_ip4_t s = FUZZ_IP4_PEER;
			tern_ip4_t d = (ctl & 0x20) ? fuzz_ip4(10, 0, 0, 255) : FUZZ_IP4_US;

			ip[0] = 0x45;
			fuzz_put16(ip + 2, (uint16_t)(20 + n));
			ip[8] = 64;
			ip[9] = 1;
			memcpy(ip + 12, &s, 4);
			memcpy(ip + 16, &d, 4);
			fuzz_ip4_fix(ip);
			if (ctl & 0x20)
				memset(f, 0xff, 6);
		}
		if (ctl & 2)
			fuzz_l4_fix(v6 ? 6 : 4, ip, icmp, n, v6 ? 58 : 1, 2);
		fuzz_input(0, f, h + hl + n, 0);
		if (ctl >> 6)
			fuzz_advance(steps[ctl >> 6]);
		fuzz_services_drain();
	}
	for (i = 0; i < 2; i++) {
		if (t[i] != NULL)
			tern_tcp_close(t[i]);
		tern_udp_close(u[i]);
	}
	fuzz_ctx_close();
	return 0;
}
