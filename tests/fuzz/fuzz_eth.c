/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * Ethernet and 802.1Q input (lib/net/eth.c and everything above it): raw
 * frames, nothing fixed up. Input: records of
 *   ctl (bit 0: interface 1, the VLAN one; bit 1: as two mbufs;
 *        bits 2-7: then advance the clock ctl >> 2 times 50 ms),
 *   split offset, 16-bit length, frame.
 */
#include "fuzz_env.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	static uint8_t f[FUZZ_FRAME_MAX];

	fuzz_env_init("eth");
	fuzz_ctx_open(NULL);
	fuzz_services_open();
	while (in.n > 0) {
		uint8_t ctl = fuzz_u8(&in), split = fuzz_u8(&in);
		size_t len = fuzz_record(&in, f, sizeof(f));

		fuzz_input(ctl & 1, f, len, (ctl & 2) ? split : 0);
		if (ctl >> 2)
			fuzz_advance((uint64_t)(ctl >> 2) * 50 * FUZZ_MS);
		fuzz_services_drain();
	}
	fuzz_ctx_close();
	return 0;
}
