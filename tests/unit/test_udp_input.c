/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * UDP streams (lib/udp), continued from test_udp.c: malformed input, a
 * seeded flood of garbage frames, and the copying wrappers (sendto and
 * recvfrom, fragmented datagrams included). Every test ends with every mbuf
 * back in the pool.
 */
#include "udp_test.h"

/* ==== malformed input ==== */

/* The IP header says 4 bytes of UDP: shorter than a UDP header. */
static void
test_truncated_udp_header_is_dropped(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr l4 = any_sa(4, PORT_US), l6 = any_sa(6, PORT_US);
	struct tern_udp_stream *s4 = stream_open(a, &l4, NULL), *s6 = stream_open(a, &l6, NULL);
	struct dgram d = dg(4, PEER, US, PORT_PEER, PORT_US, data, 40);
	uint8_t fr[FRAME_MAX];
	size_t len;

	fill(data, 40, 16);
	/* the rest of the frame is there: IP takes it as padding */
	len = dgram_frame(fr, &d, NULL);
	put16(fr + ETH_LEN + 2, IP4_LEN + 4);
	ip4_fix_cksum(fr);
	feed(a, fr, len);
	feed(a, fr, ETH_LEN + IP4_LEN + 4);
	d = dg(6, PEER, US, PORT_PEER, PORT_US, data, 40);
	len = dgram_frame(fr, &d, NULL);
	put16(fr + ETH_LEN + 4, 4);
	feed(a, fr, len);
	feed(a, fr, ETH_LEN + IP6_LEN + 4);
	assert_int_equal(test_env_stats(a).drop_udp_short, 4);
	assert_int_equal(tern_udp_rx_count(s4) + tern_udp_rx_count(s6), 0);
	assert_int_equal(a->nb_cap, 0);
	tern_udp_close(s4);
	tern_udp_close(s6);
	finish(f);
}

/* A UDP length beyond the IP payload, or below the UDP header, is dropped. */
static void
test_udp_length_above_ip_payload_is_dropped(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr l4 = any_sa(4, PORT_US), l6 = any_sa(6, PORT_US);
	struct tern_udp_stream *s4 = stream_open(a, &l4, NULL), *s6 = stream_open(a, &l6, NULL);
	static const uint16_t bad_len[] = { UDP_LEN + 40 + 1, UDP_LEN + 1000, 7, 0 };
	uint8_t fr[FRAME_MAX];
	unsigned int i, fam;
	struct dgram d;
	size_t len;

	fill(data, 40, 17);
	for (fam = 4; fam <= 6; fam += 2) {
		d = dg((uint8_t)fam, PEER, US, PORT_PEER, PORT_US, data, 40);
		for (i = 0; i < RTE_DIM(bad_len); i++) {
			len = dgram_frame(fr, &d, NULL);
			put16(fr + l4_off((uint8_t)fam) + 4, bad_len[i]);
			udp_fix_cksum(fr, (uint8_t)fam, UDP_LEN + 40);
			feed(a, fr, len);
		}
	}
	assert_int_equal(test_env_stats(a).drop_udp_len, 2 * RTE_DIM(bad_len));
	assert_int_equal(tern_udp_rx_count(s4) + tern_udp_rx_count(s6), 0);
	assert_int_equal(a->nb_cap, 0);
	tern_udp_close(s4);
	tern_udp_close(s6);
	finish(f);
}

/*
 * A UDP length below the IP payload: the datagram is the length field's,
 * the rest is dropped; also when the packet comes in a chain of segments
 * (a NIC scattering a large frame, or a reassembled datagram).
 */
static void
test_udp_length_below_ip_payload_is_trimmed(void **state)
{
	static const size_t seg_lens[] = { 0, 64 };
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr l4 = any_sa(4, PORT_US), l6 = any_sa(6, PORT_US);
	struct tern_sockaddr from4 = host_sa(4, PEER, PORT_PEER);
	struct tern_sockaddr from6 = host_sa(6, PEER, PORT_PEER), src;
	struct tern_udp_stream *s4 = stream_open(a, &l4, NULL), *s6 = stream_open(a, &l6, NULL);
	uint8_t fr[FRAME_MAX];
	unsigned int i, fam;
	struct rte_mbuf *m;
	struct dgram d;
	size_t len;

	fill(data, 100, 18);
	for (fam = 4; fam <= 6; fam += 2) {
		struct tern_udp_stream *s = fam == 4 ? s4 : s6;

		d = dg((uint8_t)fam, PEER, US, PORT_PEER, PORT_US, data, 100);
		for (i = 0; i < RTE_DIM(seg_lens); i++) {
			len = dgram_frame(fr, &d, NULL);
			put16(fr + l4_off((uint8_t)fam) + 4, UDP_LEN + 40);
			udp_fix_cksum(fr, (uint8_t)fam, UDP_LEN + 40);	/* over 48 bytes */
			feed_segs(a, fr, len, seg_lens[i], 0);
			assert_int_equal(tern_udp_rx_count(s), 1);
			assert_int_equal(tern_udp_recv_burst(s, &m, 1), 1);
			if (m->pkt_len != 40)
				print_error("IPv%u in %zu-byte segments (0: one): %u bytes\n",
					    fam, seg_lens[i], m->pkt_len);
			tern_test_assert_mbuf_bytes(m, data, 40);
			assert_int_equal(tern_udp_pkt_src(m, &src), 0);
			assert_sa_equal(&src, fam == 4 ? &from4 : &from6);
			rte_pktmbuf_free(m);
		}
	}
	assert_int_equal(test_env_stats(a).drop_udp_len + test_env_stats(a).drop_udp_cksum, 0);
	tern_udp_close(s4);
	tern_udp_close(s6);
	finish(f);
}

/* RFC 768: a zero checksum over IPv4 means "none" and is accepted. */
static void
test_ip4_zero_checksum_is_accepted(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(4, PORT_US), from = host_sa(4, PEER, PORT_PEER);
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	struct dgram d = dg(4, PEER, US, PORT_PEER, PORT_US, data, 30);
	uint8_t fr[FRAME_MAX];
	size_t len;

	fill(data, 30, 19);
	len = dgram_frame(fr, &d, NULL);
	put16(fr + l4_off(4) + 6, 0);
	feed(a, fr, len);
	assert_int_equal(tern_udp_rx_count(s), 1);
	expect_dgram(s, data, 30, &from);
	assert_int_equal(test_env_stats(a).udp_cksum_rx_sw + test_env_stats(a).udp_cksum_rx_hw, 0);
	tern_udp_close(s);
	finish(f);
}

/* RFC 8200 8.1: over IPv6 the checksum is mandatory; a zero one is dropped. */
static void
test_ip6_zero_checksum_is_dropped(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(6, PORT_US);
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	struct dgram d = dg(6, PEER, US, PORT_PEER, PORT_US, data, 30);
	uint8_t fr[FRAME_MAX];
	size_t len;

	fill(data, 30, 20);
	len = dgram_frame(fr, &d, NULL);
	put16(fr + l4_off(6) + 6, 0);
	feed(a, fr, len);
	/* even when the device vouches for it */
	feed_segs(a, fr, len, 0, RTE_MBUF_F_RX_L4_CKSUM_GOOD);
	assert_int_equal(tern_udp_rx_count(s), 0);
	assert_int_equal(test_env_stats(a).drop_udp_zero_cksum6, 2);
	assert_int_equal(a->nb_cap, 0);
	tern_udp_close(s);
	finish(f);
}

/* ---- the garbage flood ---- */

static const int fuzz_sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
static struct sigaction fuzz_old[RTE_DIM(fuzz_sigs)];
static char fuzz_msg[128];
static volatile size_t fuzz_msg_len;
static uint32_t fuzz_seed;

/* On a crash, say which seed and frame, then let cmocka's handler (or the default) act. */
static void
fuzz_on_signal(int sig)
{
	unsigned int i;
	ssize_t r;

	r = write(STDOUT_FILENO, fuzz_msg, fuzz_msg_len);
	(void)r;
	for (i = 0; i < RTE_DIM(fuzz_sigs); i++)
		if (fuzz_sigs[i] == sig)
			sigaction(sig, &fuzz_old[i], NULL);
	/* a fault runs again on return, under the previous handler */
}

static void
fuzz_signals(bool on)
{
	struct sigaction sa;
	unsigned int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fuzz_on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < RTE_DIM(fuzz_sigs); i++) {
		if (on)
			sigaction(fuzz_sigs[i], &sa, &fuzz_old[i]);
		else
			sigaction(fuzz_sigs[i], &fuzz_old[i], NULL);
	}
}

static void
fuzz_where(unsigned int frame)
{
	int n = snprintf(fuzz_msg, sizeof(fuzz_msg),
			 "garbage flood failed: seed 0x%08x (TERN_TEST_SEED=%u), frame %u\n",
			 fuzz_seed, fuzz_seed, frame);

	fuzz_msg_len = n > 0 ? (size_t)n : 0;
}

#define fuzz_check(cond) do {						\
	if (!(cond)) {							\
		print_error("%s", fuzz_msg);				\
		fuzz_signals(false);					\
	}								\
	assert_true(cond);						\
} while (0)

/*
 * A random frame of 0..200 bytes to our MAC, IPv4 or IPv6. Some are pure
 * garbage after the Ethernet header; others get a checked IP header, a UDP
 * header for our stream's port with random lengths, or a whole valid
 * datagram, so that the garbage reaches every layer. @return its length.
 */
static size_t
fuzz_frame(uint8_t *fr, uint64_t *ol_flags, size_t *seg_len)
{
	static const uint64_t l4f[] = {
		RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN, RTE_MBUF_F_RX_L4_CKSUM_GOOD,
		RTE_MBUF_F_RX_L4_CKSUM_BAD, RTE_MBUF_F_RX_L4_CKSUM_NONE,
	};
	static const uint8_t nh6[] = { PROTO_UDP, PROTO_UDP, PROTO_FRAG6, 0, 43, 60, 58 };
	size_t len = rng() % 201, i, l3len;
	uint8_t fam = (rng() & 1) ? 6 : 4, *ip = fr + ETH_LEN, *u = fr + l4_off(fam);
	unsigned int mode = rng() % 4;
	enum host dst = rng() % 8 == 0 ? BCAST : US;

	for (i = 0; i < FRAME_MAX; i++)
		fr[i] = (uint8_t)rng();
	memcpy(fr, (dst == BCAST ? (fam == 4 ? &bcast_mac : &all_nodes_mac) : &our_mac)->addr_bytes,
	       6);
	memcpy(fr + 6, peer_mac.addr_bytes, 6);
	put16(fr + 12, fam == 4 ? ET_IPV4 : ET_IPV6);
	*ol_flags = l4f[rng() % RTE_DIM(l4f)];
	*seg_len = rng() % 8 == 0 ? 64 + rng() % 64 : 0;
	if (mode == 0 || len < ETH_LEN)
		return len;
	l3len = len - ETH_LEN;
	/* a plausible IP header: right version, lengths near the truth, ours */
	if (fam == 4) {
		tern_ip4_t s = host4(PEER), t = host4(dst);

		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(mode == 1 ? rng() % (l3len + 16) : l3len));
		if (mode > 1 || rng() % 2)
			put16(ip + 6, (uint16_t)(rng() % 3 ? 0x4000 : 0));
		ip[9] = PROTO_UDP;
		memcpy(ip + 12, &s, 4);
		memcpy(ip + 16, &t, 4);
		ip4_fix_cksum(fr);
	} else {
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)(mode == 1 ? rng() % (l3len + 16) :
					 l3len > IP6_LEN ? l3len - IP6_LEN : 0));
		ip[6] = mode == 1 ? nh6[rng() % RTE_DIM(nh6)] : PROTO_UDP;
		memcpy(ip + 8, peer_ip6.a, 16);
		memcpy(ip + 24, host6(dst)->a, 16);
	}
	if (mode == 1 || len < l4_off(fam) + UDP_LEN)
		return len;
	/* a UDP header for our stream (mostly) with a length near the truth */
	if (rng() % 4)
		put16(u + 2, PORT_US);
	if (mode == 2) {
		put16(u + 4, (uint16_t)(rng() % (len - l4_off(fam) + 16)));
		if (rng() % 2)
			put16(u + 6, 0);
		return len;
	}
	put16(u + 4, (uint16_t)(len - l4_off(fam)));
	udp_fix_cksum(fr, fam, len - l4_off(fam));
	return len;
}

/* Read what the streams hold: check each sender, echo half, free the rest. */
static unsigned int
fuzz_drain(struct test_env *e, struct tern_udp_stream **s, unsigned int nb_s)
{
	struct tern_event ev[64];
	struct rte_mbuf *m[32];
	struct tern_sockaddr src;
	unsigned int i, j, got = 0;
	uint16_t n, sent;

	while (tern_ctx_events(e->ctx, ev, RTE_DIM(ev)) != 0)
		;
	for (i = 0; i < nb_s; i++) {
		n = tern_udp_recv_burst(s[i], m, RTE_DIM(m));
		got += n;
		for (j = 0; j < n; j++)
			fuzz_check(tern_udp_pkt_src(m[j], &src) == 0 && src.family == (i ? 6 : 4));
		sent = tern_udp_reply_burst(s[i], m, n / 2);
		for (j = sent; j < n; j++)
			rte_pktmbuf_free(m[j]);
	}
	tern_ctx_flush(e->ctx);
	return got;
}

/* 1000 random frames never crash the stack and leave every mbuf where it belongs. */
static void
test_garbage_flood_never_crashes_and_leaks_nothing(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr l4 = any_sa(4, PORT_US), l6 = any_sa(6, PORT_US);
	struct tern_udp_stream *s[2];
	const char *env_seed = getenv("TERN_TEST_SEED");
	unsigned int i, delivered = 0;
	uint8_t fr[FRAME_MAX];

	fuzz_seed = env_seed != NULL ? (uint32_t)strtoul(env_seed, NULL, 0) : FUZZ_SEED;
	rng_state = fuzz_seed ? fuzz_seed : 1;
	s[0] = stream_try(a, &l4, NULL, 64, 4);
	s[1] = stream_try(a, &l6, NULL, 64, 6);
	assert_non_null(s[0]);
	assert_non_null(s[1]);
	a->discard = true;
	fuzz_where(0);
	fuzz_signals(true);
	for (i = 0; i < FUZZ_FRAMES; i++) {
		uint64_t ol;
		size_t seg, len = fuzz_frame(fr, &ol, &seg);

		fuzz_where(i);
		feed_segs(a, fr, len, seg, ol);
		if (i % 16 == 15)
			delivered += fuzz_drain(a, s, 2);
		fuzz_check(tern_ctx_advance(a->ctx, 1 * MS) == 0);
	}
	fuzz_where(FUZZ_FRAMES);
	delivered += fuzz_drain(a, s, 2);
	tern_udp_close(s[0]);
	tern_udp_close(s[1]);
	/* Long enough for held fragments and unresolved neighbors to give up. */
	fuzz_check(tern_ctx_advance(a->ctx, 120 * SEC) == 0);
	tern_ctx_flush(a->ctx);
	fuzz_check(tern_ctx_pending(a->ctx) == 0);
	fuzz_check(tern_test_pool_avail() == f->mark);
	/* the flood reached UDP, and some of it got through */
	fuzz_check(test_env_stats(a).udp_in > FUZZ_FRAMES / 10);
	fuzz_check(delivered > 0);
	fuzz_signals(false);
	finish(f);
}

/* ==== the copying wrappers ==== */

/* 1 byte and the most that fits in a 1500-byte IPv4 packet leave whole. */
static void
test_sendto_1_and_1472_bytes_leave_in_one_frame(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(4, PORT_US), to = host_sa(4, PEER, PORT_PEER);
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	struct dgram d1 = dg(4, US, PEER, PORT_US, PORT_PEER, data, 1);
	struct dgram d2 = dg(4, US, PEER, PORT_US, PORT_PEER, data + 1, MTU - IP4_LEN - UDP_LEN);

	fill(data, 2000, 21);
	assert_int_equal(tern_udp_sendto(s, d1.pl, d1.plen, &to), 1);
	assert_int_equal(tern_udp_sendto(s, d2.pl, d2.plen, &to), 1472);
	tern_ctx_flush(a->ctx);
	assert_int_equal(a->nb_cap, 2);
	check_udp_out(a, 0, &d1, &peer_mac);
	check_udp_out(a, 1, &d2, &peer_mac);
	assert_int_equal(test_env_stats(a).frag_fragmented, 0);
	tern_udp_close(s);
	finish(f);
}

/*
 * @len bytes by sendto go out in @nb_frags fragments (none above the MTU)
 * and a second stack, fed them, rebuilds the same datagram for recvfrom.
 */
static void
sendto_frag_case(void **state, uint8_t family, size_t len, unsigned int nb_frags)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0), *b;
	struct tern_sockaddr local = any_sa(family, PORT_US), to = host_sa(family, PEER, PORT_PEER);
	struct tern_sockaddr from = host_sa(family, US, PORT_US), src;
	struct tern_udp_stream *s = stream_open(a, &local, NULL), *r;
	struct rte_mbuf *frames[CAP_MAX];
	uint8_t fr[FRAME_MAX];
	size_t total = 0, fl;
	unsigned int i, n;

	fill(data, len, 22 + (uint32_t)len);
	assert_int_equal(tern_udp_sendto(s, data, len, &to), len);
	tern_ctx_flush(a->ctx);
	n = a->nb_cap;
	if (n != nb_frags)
		print_error("%u frame(s) sent for %zu bytes, %u expected\n", n, len, nb_frags);
	assert_int_equal(n, nb_frags);
	for (i = 0; i < n; i++) {
		const uint8_t *ip = fr + ETH_LEN;

		fl = test_env_cap_copy(a, i, fr, sizeof(fr));
		assert_true(fl <= ETH_LEN + MTU);
		assert_memory_equal(fr, peer_mac.addr_bytes, 6);
		if (family == 4) {
			assert_int_equal(ip[9], PROTO_UDP);
			assert_int_equal(!!(get16(ip + 6) & 0x2000), i + 1 < n);	/* MF */
			total += fl - ETH_LEN - IP4_LEN;
		} else {
			assert_int_equal(ip[6], PROTO_FRAG6);
			assert_int_equal(ip[IP6_LEN], PROTO_UDP);
			assert_int_equal(get16(ip + IP6_LEN + 2) & 1, i + 1 < n);	/* M */
			total += fl - ETH_LEN - IP6_LEN - 8;
		}
	}
	assert_int_equal(total, UDP_LEN + len);
	assert_int_equal(test_env_stats(a).udp_out, 1);
	assert_int_equal(test_env_stats(a).udp_cksum_tx_sw, 1);
	assert_int_equal(test_env_stats(a).frag_fragmented, 1);

	/* to the peer's own stack (one tern_net at a time: a goes first) */
	memcpy(frames, a->cap, n * sizeof(frames[0]));
	a->nb_cap = 0;
	tern_udp_close(s);
	test_env_close(a);
	b = env_open(&f->b, 1, 0);
	local = any_sa(family, PORT_PEER);
	r = stream_open(b, &local, NULL);
	for (i = 0; i < n; i++)
		tern_ctx_input(b->ctx, 0, &frames[i], 1);
	tern_ctx_flush(b->ctx);
	assert_int_equal(test_env_stats(b).frag_reasm_ok, 1);
	assert_int_equal(test_env_stats(b).drop_udp_cksum, 0);
	assert_int_equal(tern_udp_rx_count(r), 1);
	memset(rbuf, 0, len);
	assert_int_equal(tern_udp_recvfrom(r, rbuf, sizeof(rbuf), &src), len);
	assert_memory_equal(rbuf, data, len);
	assert_sa_equal(&src, &from);
	assert_int_equal(tern_ctx_pending(b->ctx), 0);
	tern_udp_close(r);
	finish(f);
}

static void
test_ip4_sendto_5000_bytes_fragments_and_reassembles(void **state)
{
	sendto_frag_case(state, 4, 5000, 4);		/* 5008 bytes of UDP, 1480 a fragment */
}

static void
test_ip6_sendto_5000_bytes_fragments_and_reassembles(void **state)
{
	sendto_frag_case(state, 6, 5000, 4);		/* 1448 a fragment */
}

static void
test_sendto_65507_bytes_is_the_largest_datagram(void **state)
{
	sendto_frag_case(state, 4, TERN_UDP_MAX_PAYLOAD, 45);
}

static void
test_sendto_above_65507_bytes_is_emsgsize(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(4, PORT_US), to = host_sa(4, PEER, PORT_PEER);
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	struct rte_mbuf *m;

	assert_int_equal(tern_udp_sendto(s, data, TERN_UDP_MAX_PAYLOAD + 1, &to), -EMSGSIZE);
	m = tern_test_mbuf_from(data, TERN_UDP_MAX_PAYLOAD + 1);
	rte_errno = 0;
	assert_int_equal(tern_udp_send_burst(s, &m, 1, &to), 0);
	assert_int_equal(rte_errno, EMSGSIZE);
	assert_int_equal(m->pkt_len, TERN_UDP_MAX_PAYLOAD + 1);	/* still the caller's */
	rte_pktmbuf_free(m);
	assert_int_equal(test_env_stats(a).drop_udp_too_big, 2);
	tern_ctx_flush(a->ctx);
	assert_int_equal(a->nb_cap, 0);
	tern_udp_close(s);
	finish(f);
}

/* recvfrom into a short buffer copies what fits and frees the datagram. */
static void
test_recvfrom_short_buffer_truncates_and_frees(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(4, PORT_US), from = host_sa(4, PEER, PORT_PEER), src;
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	struct dgram d = dg(4, PEER, US, PORT_PEER, PORT_US, data, 100);
	uint8_t buf[16];

	fill(data, 100, 23);
	feed_dgram(a, &d);
	feed_dgram(a, &d);
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(tern_udp_recvfrom(s, buf, 10, &src), 10);
	assert_memory_equal(buf, data, 10);
	assert_int_equal(buf[10], 0xee);		/* nothing past the length given */
	assert_sa_equal(&src, &from);
	/* the rest of it is gone: the next call gets the next datagram */
	assert_int_equal(tern_udp_rx_count(s), 1);
	assert_int_equal(tern_udp_recvfrom(s, rbuf, sizeof(rbuf), NULL), 100);
	assert_memory_equal(rbuf, data, 100);
	assert_int_equal(tern_udp_rx_count(s), 0);
	tern_test_assert_pool_back();		/* freed now, not at close */
	tern_udp_close(s);
	finish(f);
}

static void
test_recvfrom_empty_is_eagain(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(4, PORT_US), src;
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	struct rte_mbuf *m;

	assert_int_equal(tern_udp_recvfrom(s, rbuf, sizeof(rbuf), &src), -EAGAIN);
	assert_int_equal(tern_udp_recv_burst(s, &m, 1), 0);
	tern_udp_close(s);
	finish(f);
}

/* No destination and not connected: -EDESTADDRREQ, nothing sent, nothing taken. */
static void
test_send_without_destination_on_unconnected_stream_is_edestaddrreq(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(4, PORT_US);
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	struct rte_mbuf *m;

	fill(data, 10, 24);
	assert_int_equal(tern_udp_sendto(s, data, 10, NULL), -EDESTADDRREQ);
	m = tern_test_mbuf_from(data, 10);
	rte_errno = 0;
	assert_int_equal(tern_udp_send_burst(s, &m, 1, NULL), 0);
	assert_int_equal(rte_errno, EDESTADDRREQ);
	tern_test_assert_mbuf_bytes(m, data, 10);
	rte_pktmbuf_free(m);
	tern_ctx_flush(a->ctx);
	assert_int_equal(a->nb_cap, 0);
	assert_int_equal(test_env_stats(a).udp_out, 0);
	tern_udp_close(s);
	finish(f);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_truncated_udp_header_is_dropped),
		T(test_udp_length_above_ip_payload_is_dropped),
		T(test_udp_length_below_ip_payload_is_trimmed),
		T(test_ip4_zero_checksum_is_accepted),
		T(test_ip6_zero_checksum_is_dropped),
		T(test_garbage_flood_never_crashes_and_leaks_nothing),
		T(test_sendto_1_and_1472_bytes_leave_in_one_frame),
		T(test_ip4_sendto_5000_bytes_fragments_and_reassembles),
		T(test_ip6_sendto_5000_bytes_fragments_and_reassembles),
		T(test_sendto_65507_bytes_is_the_largest_datagram),
		T(test_sendto_above_65507_bytes_is_emsgsize),
		T(test_recvfrom_short_buffer_truncates_and_frees),
		T(test_recvfrom_empty_is_eagain),
		T(test_send_without_destination_on_unconnected_stream_is_edestaddrreq),
	};
	int ret;

	if (tern_test_eal_init("udp_input") != 0)
		return 1;
	ret = cmocka_run_group_tests_name("udp_input", tests, NULL, NULL);
	tern_test_eal_fini();
	return ret;
}
