/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * TCP option parsing (lib/tcp/tcp_opt.c): the input (up to 40 bytes) is an
 * options area. tcp_opts_parse() must read nothing outside it (ASan), keep
 * its documented limits, and what it returns must survive a round trip
 * through the writers. Then the same area rides on a SYN to a listener
 * (the real input path: syncache, cookies, the SYN-ACK's options) and on
 * the ACK that completes the handshake.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_tcp.h>

#include "fuzz_env.h"
#include "tern_tcp_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_tcp_opt: %s\n", what);
	abort();
}

/* What the writers put down must parse back to the same values. */
static void
round_trip(const struct tern_tcp_opts *o)
{
	struct tern_tcp_opts w = *o, r;
	uint8_t buf[TERN_TCP_OPT_MAX];
	int n;
	unsigned int i;

	n = tcp_opts_write_syn(buf, sizeof(buf), &w);
	if (n < 0 || n > 20 || n % 4 != 0)
		fail("write_syn length");
	if (tcp_opts_parse(buf, (size_t)n, &r) != 0)
		fail("write_syn output does not parse");
	if ((w.flags & TERN_TCP_OPT_F_MSS) && r.mss != w.mss)
		fail("mss round trip");
	if ((w.flags & TERN_TCP_OPT_F_WS) && r.wscale != w.wscale)
		fail("wscale round trip");
	if ((w.flags & TERN_TCP_OPT_F_TS) && (r.ts_val != w.ts_val || r.ts_ecr != w.ts_ecr))
		fail("timestamps round trip (SYN)");
	n = tcp_opts_write(buf, sizeof(buf), &w);
	if (n < 0 || n > TERN_TCP_OPT_MAX || n % 4 != 0)
		fail("write length");
	if (tcp_opts_parse(buf, (size_t)n, &r) != 0)
		fail("write output does not parse");
	if ((w.flags & TERN_TCP_OPT_F_TS) && (r.ts_val != w.ts_val || r.ts_ecr != w.ts_ecr))
		fail("timestamps round trip");
	if ((w.flags & TERN_TCP_OPT_F_SACK) && w.nb_sack > 0) {
		if (r.nb_sack == 0 || r.nb_sack > w.nb_sack)
			fail("sack block count round trip");
		for (i = 0; i < r.nb_sack; i++)
			if (memcmp(&r.sack[i], &w.sack[i], sizeof(r.sack[i])) != 0)
				fail("sack block round trip");
	}
}

/* A segment peer -> us:7000 with options @opt (@olen bytes, padded). */
static void
send_seg(const uint8_t *opt, size_t olen, uint8_t flags, uint32_t seq, uint32_t ack)
{
	static uint8_t f[128];
	size_t h = fuzz_eth(f, RTE_ETHER_TYPE_IPV4, false), thl = 20 + ((olen + 3) & ~3u);
	uint8_t *ip = f + h, *th = ip + 20;
	tern_ip4_t s = FUZZ_IP4_PEER, d = FUZZ_IP4_US;

	memset(ip, 0, 20 + 60);
	ip[0] = 0x45;
	fuzz_put16(ip + 2, (uint16_t)(20 + thl));
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, &s, 4);
	memcpy(ip + 16, &d, 4);
	fuzz_ip4_fix(ip);
	fuzz_put16(th, FUZZ_PORT_PEER);
	fuzz_put16(th + 2, FUZZ_PORT_US);
	fuzz_put32(th + 4, seq);
	fuzz_put32(th + 8, ack);
	th[12] = (uint8_t)((thl / 4) << 4);
	th[13] = flags;
	fuzz_put16(th + 14, 65535);
	memcpy(th + 20, opt, olen);
	fuzz_l4_fix(4, ip, th, thl, 6, 16);
	fuzz_input(0, f, h + 20 + thl, 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tern_tcp_opts o;
	uint32_t iss;
	int ret;

	if (size > TERN_TCP_OPT_MAX)
		return -1;	/* not an options area: keep it out of the corpus */
	ret = tcp_opts_parse(data, size, &o);
	if (ret != 0 && ret != -EINVAL)
		fail("parse returned neither 0 nor -EINVAL");
	if (o.wscale > TERN_TCP_WSCALE_MAX || o.nb_sack > TERN_TCP_SACK_MAX)
		fail("parse result out of its limits");
	if ((o.flags & TERN_TCP_OPT_F_SACK) == 0 && o.nb_sack != 0)
		fail("sack blocks without the SACK flag");
	round_trip(&o);

	fuzz_env_init("tcp_opt");
	fuzz_ctx_open(NULL);
	fuzz_services_open();
	fuzz_capture(true);
	send_seg(data, size, RTE_TCP_SYN_FLAG, 1000, 0);
	/* the SYN-ACK: complete the handshake with the same options on the ACK */
	if (fuzz_nb_cap() == 1) {
		struct rte_mbuf *m = fuzz_cap(0);
		const uint8_t *th = rte_pktmbuf_mtod_offset(m, const uint8_t *, 14 + 20);

		if (m->data_len >= 14 + 20 + 20 && (th[13] & RTE_TCP_SYN_FLAG)) {
			iss = fuzz_get32(th + 4);
			fuzz_cap_clear();
			send_seg(data, size, RTE_TCP_ACK_FLAG, 1001, iss + 1);
		}
	}
	fuzz_cap_clear();
	fuzz_capture(false);
	fuzz_services_drain();
	fuzz_advance(1000 * FUZZ_MS);
	fuzz_ctx_close();
	return 0;
}
