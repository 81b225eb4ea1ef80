/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * ARP input (lib/net/arp.c) and the neighbor table behind it. Each record
 * is an ARP message after an Ethernet header the harness writes:
 *   ctl (bit 0: broadcast destination; bit 1: VLAN interface;
 *        bit 2: then send an IPv4 packet to the message's sender address,
 *        which resolves through the neighbor table (holds, requests);
 *        bits 3-7: then advance the clock ctl >> 3 times 100 ms),
 *   16-bit length, ARP message (hardware type onwards).
 */
#include <string.h>

#include "fuzz_env.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	static uint8_t f[FUZZ_FRAME_MAX];
	struct tern_udp_param up = { 0 };
	struct tern_udp_stream *u;

	fuzz_env_init("arp");
	fuzz_ctx_open(NULL);
	up.local.family = 4;
	up.local.port = rte_cpu_to_be_16(FUZZ_PORT_US);
	u = tern_udp_open(fuzz_ctx(), &up);
	while (in.n > 0 && u != NULL) {
		uint8_t ctl = fuzz_u8(&in);
		size_t h = fuzz_eth(f, RTE_ETHER_TYPE_ARP, ctl & 2);
		size_t len = fuzz_record(&in, f + h, sizeof(f) - h);

		if (ctl & 1)
			memset(f, 0xff, 6);
		fuzz_input((ctl & 2) ? 1 : 0, f, h + len, 0);
		if ((ctl & 4) && len >= 18) {
			struct tern_sockaddr to = { 0 };
			static const uint8_t msg[8] = "tern";

			to.family = 4;
			to.port = rte_cpu_to_be_16(FUZZ_PORT_PEER);
			memcpy(&to.ip4, f + h + 14, 4);	/* the sender protocol address */
			tern_udp_sendto(u, msg, sizeof(msg), &to);
			tern_ctx_flush(fuzz_ctx());
		}
		if (ctl >> 3)
			fuzz_advance((uint64_t)(ctl >> 3) * 100 * FUZZ_MS);
	}
	tern_udp_close(u);
	fuzz_ctx_close();
	return 0;
}
