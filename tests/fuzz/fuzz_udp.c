/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * UDP input (lib/udp/udp_input.c): lengths, checksums, the stream lookup,
 * delivery to a bound stream (port 7000) and the port-unreachable answer.
 * Each record is a UDP datagram (header included) the harness puts behind
 * an IP header from the peer to us:
 *   ctl (bit 0: IPv6; bit 1: fix the UDP length; bit 2: fix the checksum;
 *        bit 3: destination port 7000; bit 4: IPv4 checksum 0 (none);
 *        bit 5: as two mbufs; bits 6-7: then advance the clock 0, 10 ms,
 *        1 s or 2 s),
 *   split offset, 16-bit length, datagram.
 */
#include <string.h>

#include "fuzz_env.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint64_t steps[4] = { 0, 10 * FUZZ_MS, 1000 * FUZZ_MS, 2000 * FUZZ_MS };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	static uint8_t f[FUZZ_FRAME_MAX + 64];

	fuzz_env_init("udp");
	fuzz_ctx_open(NULL);
	fuzz_services_open();
	while (in.n > 0) {
		uint8_t ctl = fuzz_u8(&in), split = fuzz_u8(&in);
		bool v6 = ctl & 1;
		size_t h = fuzz_eth(f, v6 ? RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4, false);
		size_t hl = v6 ? 40 : 20;
		uint8_t *ip = f + h, *u = ip + hl;
		size_t len;

		memset(ip, 0, hl + 8);
		len = fuzz_record(&in, u, FUZZ_FRAME_MAX - h - hl);
		if ((ctl & 2) && len >= 8)
			fuzz_put16(u + 4, (uint16_t)len);
		if ((ctl & 8) && len >= 4)
			fuzz_put16(u + 2, FUZZ_PORT_US);
		if (v6) {
			ip[0] = 0x60;
			fuzz_put16(ip + 4, (uint16_t)len);
			ip[6] = 17;
			ip[7] = 64;
			memcpy(ip + 8, fuzz_ip6_peer.a, 16);
			memcpy(ip + 24, fuzz_ip6_us.a, 16);
		} else {
			tern_ip4_t s = FUZZ_IP4_PEER, d = FUZZ_IP4_US;

			ip[0] = 0x45;
			fuzz_put16(ip + 2, (uint16_t)(20 + len));
			ip[8] = 64;
			ip[9] = 17;
			memcpy(ip + 12, &s, 4);
			memcpy(ip + 16, &d, 4);
			fuzz_ip4_fix(ip);
		}
		if ((ctl & 4) && len >= 8)
			fuzz_l4_fix(v6 ? 6 : 4, ip, u, len, 17, 6);
		if ((ctl & 0x10) && !v6 && len >= 8)
			fuzz_put16(u + 6, 0);
		fuzz_input(0, f, h + hl + len, (ctl & 0x20) ? split : 0);
		if (ctl >> 6)
			fuzz_advance(steps[ctl >> 6]);
		fuzz_services_drain();
	}
	fuzz_ctx_close();
	return 0;
}
