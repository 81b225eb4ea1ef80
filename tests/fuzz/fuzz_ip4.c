/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * IPv4 input (lib/net/ip4.c): options, fragments and reassembly across the
 * records of one input (lib/net/frag.c), and the protocols above. Each
 * record is an IPv4 packet after an Ethernet header the harness writes:
 *   ctl (bit 0: fix the header checksum; bit 1: fix the ICMP, TCP or UDP
 *        checksum of an unfragmented packet; bit 2: source the peer,
 *        destination us; bit 3: fix the total length; bit 4: VLAN
 *        interface; bit 5: as two mbufs; bits 6-7: then advance the clock
 *        0, 10 ms, 1 s or 31 s (past the reassembly timeout)),
 *   split offset, 16-bit length, packet.
 */
#include <string.h>

#include "fuzz_env.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint64_t steps[4] = { 0, 10 * FUZZ_MS, 1000 * FUZZ_MS, 31000 * FUZZ_MS };

static void
fix_l4(uint8_t *ip, size_t len)
{
	size_t hl = (size_t)(ip[0] & 0xf) * 4, tot = fuzz_get16(ip + 2);
	uint16_t frag = fuzz_get16(ip + 6);

	if (hl < 20 || tot > len || tot < hl || (frag & 0x3fff) != 0)
		return;
	switch (ip[9]) {
	case 1:
		fuzz_l4_fix(4, ip, ip + hl, tot - hl, 1, 2);
		break;
	case 6:
		fuzz_l4_fix(4, ip, ip + hl, tot - hl, 6, 16);
		break;
	case 17:
		fuzz_l4_fix(4, ip, ip + hl, tot - hl, 17, 6);
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	static uint8_t f[FUZZ_FRAME_MAX + 64];

	fuzz_env_init("ip4");
	fuzz_ctx_open(NULL);
	fuzz_services_open();
	while (in.n > 0) {
		uint8_t ctl = fuzz_u8(&in), split = fuzz_u8(&in);
		size_t h = fuzz_eth(f, RTE_ETHER_TYPE_IPV4, ctl & 0x10);
		uint8_t *ip = f + h;
		size_t len;

		memset(ip, 0, 64);
		len = fuzz_record(&in, ip, FUZZ_FRAME_MAX - h);
		if (len >= 20) {
			if (ctl & 4) {
				tern_ip4_t s = FUZZ_IP4_PEER, d = FUZZ_IP4_US;

				memcpy(ip + 12, &s, 4);
				memcpy(ip + 16, &d, 4);
			}
			if (ctl & 8)
				fuzz_put16(ip + 2, (uint16_t)len);
			if (ctl & 2)
				fix_l4(ip, len);
			if (ctl & 1)
				fuzz_ip4_fix(ip);
		}
		fuzz_input((ctl & 0x10) ? 1 : 0, f, h + len, (ctl & 0x20) ? split : 0);
		if (ctl >> 6)
			fuzz_advance(steps[ctl >> 6]);
		fuzz_services_drain();
	}
	fuzz_ctx_close();
	return 0;
}
