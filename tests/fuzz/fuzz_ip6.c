/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * IPv6 input (lib/net/ip6.c): extension headers, fragments and reassembly
 * across the records of one input, and the protocols above (ICMPv6 and ND
 * included). Each record is an IPv6 packet after an Ethernet header the
 * harness writes:
 *   ctl (bit 0: fix the payload length; bit 1: fix the ICMPv6, TCP or UDP
 *        checksum behind the extension headers of an unfragmented packet;
 *        bit 2: source the peer, destination us; bit 3: hop limit 255 (what
 *        ND asks for); bit 4: VLAN interface; bit 5: as two mbufs;
 *        bits 6-7: then advance the clock 0, 10 ms, 1 s or 61 s),
 *   split offset, 16-bit length, packet.
 */
#include <string.h>

#include "fuzz_env.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint64_t steps[4] = { 0, 10 * FUZZ_MS, 1000 * FUZZ_MS, 61000 * FUZZ_MS };

/* Walk the extension headers to the upper layer; fix its checksum. */
static void
fix_l4(uint8_t *ip, size_t len)
{
	size_t off = 40, end = 40 + (size_t)fuzz_get16(ip + 4);
	uint8_t nh = ip[6];
	unsigned int i;

	if (end > len)
		return;
	for (i = 0; i < 8; i++) {
		if (nh == 0 || nh == 43 || nh == 60) {
			if (off + 8 > end)
				return;
			nh = ip[off];
			off += ((size_t)ip[off + 1] + 1) * 8;
		} else if (nh == 44) {
			if (off + 8 > end || (fuzz_get16(ip + off + 2) & 0xfff9) != 0)
				return;	/* a real fragment: no checksum over a piece */
			nh = ip[off];
			off += 8;
		} else {
			break;
		}
	}
	if (off > end)
		return;
	switch (nh) {
	case 58:
		fuzz_l4_fix(6, ip, ip + off, end - off, 58, 2);
		break;
	case 6:
		fuzz_l4_fix(6, ip, ip + off, end - off, 6, 16);
		break;
	case 17:
		fuzz_l4_fix(6, ip, ip + off, end - off, 17, 6);
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	static uint8_t f[FUZZ_FRAME_MAX + 64];

	fuzz_env_init("ip6");
	fuzz_ctx_open(NULL);
	fuzz_services_open();
	while (in.n > 0) {
		uint8_t ctl = fuzz_u8(&in), split = fuzz_u8(&in);
		size_t h = fuzz_eth(f, RTE_ETHER_TYPE_IPV6, ctl & 0x10);
		uint8_t *ip = f + h;
		size_t len;

		memset(ip, 0, 64);
		len = fuzz_record(&in, ip, FUZZ_FRAME_MAX - h);
		if (len >= 40) {
			if (ctl & 4) {
				memcpy(ip + 8, fuzz_ip6_peer.a, 16);
				memcpy(ip + 24, fuzz_ip6_us.a, 16);
			}
			if (ctl & 8)
				ip[7] = 255;
			if (ctl & 1)
				fuzz_put16(ip + 4, (uint16_t)(len - 40));
			if (ctl & 2)
				fix_l4(ip, len);
		}
		fuzz_input((ctl & 0x10) ? 1 : 0, f, h + len, (ctl & 0x20) ? split : 0);
		if (ctl >> 6)
			fuzz_advance(steps[ctl >> 6]);
		fuzz_services_drain();
	}
	fuzz_ctx_close();
	return 0;
}
