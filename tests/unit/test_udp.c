/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * UDP streams (lib/udp): datagrams built here, independently of the library,
 * are fed as Ethernet frames to a context on a virtual device, and what it
 * sends is captured and checked byte by byte, checksums against a reference
 * (udp_test.h). One test per behaviour: headers and checksums both ways,
 * checksum offload, echo, demultiplexing and binding rules, the receive
 * queue and its events, ICMP port unreachable and its rate limit. Malformed
 * input and the copying wrappers are in test_udp_input.c. Every test ends
 * with every mbuf back in the pool.
 */
#include "udp_test.h"

/* ==== headers built and parsed ==== */

/* A datagram to a bound port comes out with exactly its payload and its sender. */
static void
recv_case(void **state, uint8_t family)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(family, PORT_US);
	struct tern_sockaddr from = host_sa(family, PEER, PORT_PEER);
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	struct dgram d = dg(family, PEER, US, PORT_PEER, PORT_US, data, 100);
	struct dgram empty = dg(family, PEER, US, PORT_PEER, PORT_US, NULL, 0);

	fill(data, 100, 1);
	feed_dgram(a, &d);
	feed_dgram(a, &empty);
	assert_int_equal(tern_udp_rx_count(s), 2);
	expect_dgram(s, data, 100, &from);
	expect_dgram(s, NULL, 0, &from);
	assert_int_equal(tern_udp_rx_count(s), 0);
	assert_int_equal(test_env_stats(a).udp_in, 2);
	assert_int_equal(test_env_stats(a).udp_cksum_rx_sw, 2);
	assert_int_equal(a->nb_cap, 0);		/* nothing answered */
	tern_udp_close(s);
	finish(f);
}

static void
test_ip4_datagram_is_received_with_its_payload_and_sender(void **state)
{
	recv_case(state, 4);
}

static void
test_ip6_datagram_is_received_with_its_payload_and_sender(void **state)
{
	recv_case(state, 6);
}

/*
 * send_burst, sendto and a connected stream's send to a permanent neighbor
 * leave at once with every header field right and a checksum that verifies.
 */
static void
send_case(void **state, uint8_t family)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(family, PORT_US);
	struct tern_sockaddr to = host_sa(family, PEER, PORT_PEER);
	struct tern_sockaddr to2 = host_sa(family, PEER2, PORT_PEER + 1);
	struct tern_udp_stream *s = stream_open(a, &local, NULL), *c;
	struct dgram d0 = dg(family, US, PEER, PORT_US, PORT_PEER, data, 1);
	struct dgram d1 = dg(family, US, PEER, PORT_US, PORT_PEER, data + 1, 200);
	struct dgram d2 = dg(family, US, PEER, PORT_US, PORT_PEER, data + 300, 301);
	struct dgram d3 = dg(family, US, PEER2, PORT_US + 1, PORT_PEER + 1, data + 700, 64);
	struct rte_mbuf *m[2];

	fill(data, 1000, 2);
	m[0] = tern_test_mbuf_from(d0.pl, d0.plen);
	m[1] = tern_test_mbuf_from(d1.pl, d1.plen);
	assert_int_equal(tern_udp_send_burst(s, m, 2, &to), 2);
	assert_int_equal(tern_udp_sendto(s, d2.pl, d2.plen, &to), d2.plen);
	/* a connected stream sends to its remote when given no destination */
	local = any_sa(family, PORT_US + 1);
	c = stream_open(a, &local, &to2);
	assert_int_equal(tern_udp_sendto(c, d3.pl, d3.plen, NULL), d3.plen);
	tern_ctx_flush(a->ctx);
	assert_int_equal(a->nb_cap, 4);
	check_udp_out(a, 0, &d0, &peer_mac);
	check_udp_out(a, 1, &d1, &peer_mac);
	check_udp_out(a, 2, &d2, &peer_mac);
	check_udp_out(a, 3, &d3, &peer2_mac);
	assert_int_equal(test_env_stats(a).udp_out, 4);
	assert_int_equal(test_env_stats(a).udp_cksum_tx_sw, 4);
	assert_int_equal(test_env_stats(a).udp_cksum_tx_hw, 0);
	assert_int_equal(test_env_stats(a).neigh_held, 0);
	tern_udp_close(s);
	tern_udp_close(c);
	finish(f);
}

/* The destination MAC of captured frame @i of @e. */
static void
assert_cap_dmac(const struct test_env *e, unsigned int i, const struct rte_ether_addr *mac)
{
	uint8_t fr[FRAME_MAX];

	assert_true(test_env_cap_copy(e, i, fr, sizeof(fr)) > ETH_LEN);
	assert_memory_equal(fr, mac->addr_bytes, 6);
}

/*
 * A stream keeps the route and headers of the last destination it sent to
 * (udp_output.c): another destination, a neighbor's new link address and
 * a changed route are each followed at the next datagram.
 */
static void
test_ip4_send_follows_destination_neighbor_and_route(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(4, PORT_US);
	struct tern_sockaddr to = host_sa(4, PEER, PORT_PEER), to2 = host_sa(4, PEER2, PORT_PEER);
	struct tern_sockaddr far = to;
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	static const struct rte_ether_addr moved = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x42 } };
	struct dgram d = dg(4, US, PEER, PORT_US, PORT_PEER, data, 40);
	struct dgram d2 = dg(4, US, PEER2, PORT_US, PORT_PEER, data, 40);

	fill(data, 40, 7);
	far.ip4 = ip4(10, 9, 0, 5);
	assert_int_equal(tern_udp_sendto(s, data, 40, &to), 40);
	assert_int_equal(tern_udp_sendto(s, data, 40, &to2), 40);
	assert_int_equal(tern_udp_sendto(s, data, 40, &to), 40);
	assert_int_equal(tern_udp_sendto(s, data, 40, &to), 40);
	tern_ctx_flush(a->ctx);
	assert_int_equal(a->nb_cap, 4);
	check_udp_out(a, 0, &d, &peer_mac);
	check_udp_out(a, 1, &d2, &peer2_mac);
	check_udp_out(a, 2, &d, &peer_mac);
	check_udp_out(a, 3, &d, &peer_mac);
	/* the neighbor moves: the kept headers are not used again */
	assert_int_equal(tern_net_neigh4_set(a->net, 0, host4(PEER), &moved), 0);
	assert_int_equal(tern_udp_sendto(s, data, 40, &to), 40);
	tern_ctx_flush(a->ctx);
	assert_int_equal(a->nb_cap, 5);
	check_udp_out(a, 4, &d, &moved);
	/* a destination behind a gateway, then the route through another one */
	assert_int_equal(tern_udp_sendto(s, data, 40, &far), -ENETUNREACH);
	assert_int_equal(tern_net_route4_add(a->net, ip4(10, 9, 0, 0), 16, host4(PEER2), 0), 0);
	assert_int_equal(tern_udp_sendto(s, data, 40, &far), 40);
	assert_int_equal(tern_udp_sendto(s, data, 40, &far), 40);
	assert_int_equal(tern_net_route4_del(a->net, ip4(10, 9, 0, 0), 16), 0);
	assert_int_equal(tern_net_route4_add(a->net, ip4(10, 9, 0, 0), 16, host4(PEER), 0), 0);
	assert_int_equal(tern_udp_sendto(s, data, 40, &far), 40);
	assert_int_equal(tern_net_route4_del(a->net, ip4(10, 9, 0, 0), 16), 0);
	assert_int_equal(tern_udp_sendto(s, data, 40, &far), -ENETUNREACH);
	tern_ctx_flush(a->ctx);
	assert_int_equal(a->nb_cap, 8);
	assert_cap_dmac(a, 5, &peer2_mac);
	assert_cap_dmac(a, 6, &peer2_mac);
	assert_cap_dmac(a, 7, &moved);
	assert_int_equal(test_env_stats(a).drop_udp_noroute, 2);
	tern_udp_close(s);
	finish(f);
}

static void
test_ip4_send_builds_headers_and_checksum(void **state)
{
	send_case(state, 4);
}

static void
test_ip6_send_builds_headers_and_checksum(void **state)
{
	send_case(state, 6);
}

/* RFC 768: a checksum that computes to 0 is sent as all ones (0 means "none"). */
static void
test_checksum_computed_as_zero_is_sent_as_ffff(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(4, PORT_US), to = host_sa(4, PEER, PORT_PEER);
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	struct dgram d = dg(4, US, PEER, PORT_US, PORT_PEER, data, 32);
	uint8_t fr[FRAME_MAX], *u = fr + l4_off(4);
	uint16_t sum;

	/* Choose the last payload word so that the whole sum is 0xffff. */
	fill(data, 30, 3);
	data[30] = data[31] = 0;
	dgram_frame(fr, &d, &peer_mac);
	put16(u + 6, 0);
	sum = ref_sum(u, UDP_LEN + 32, ref_phdr(4, fr + ETH_LEN, UDP_LEN + 32, PROTO_UDP));
	put16(data + 30, (uint16_t)~sum);
	assert_int_equal(tern_udp_sendto(s, data, 32, &to), 32);
	tern_ctx_flush(a->ctx);
	assert_int_equal(a->nb_cap, 1);
	check_udp_out(a, 0, &d, &peer_mac);
	test_env_cap_copy(a, 0, fr, sizeof(fr));
	assert_int_equal(get16(u + 6), 0xffff);
	tern_udp_close(s);
	finish(f);
}

/* ==== checksum offload ==== */

/*
 * Send @plen bytes of data from a fresh context on a device with @caps and
 * return the UDP checksum of the frame, completed as a NIC would when it was
 * left to the device; the UDP datagram goes into @udp.
 */
static uint16_t
offload_send(struct fixture *f, uint32_t caps, uint8_t family, size_t plen, uint8_t *udp)
{
	struct test_env *a = env_open(&f->a, 0, caps);
	struct tern_sockaddr local = any_sa(family, PORT_US), to = host_sa(family, PEER, PORT_PEER);
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	uint8_t fr[FRAME_MAX], *ip = fr + ETH_LEN, *u = fr + l4_off(family);
	size_t ulen = UDP_LEN + plen;
	const struct rte_mbuf *m;
	uint16_t c;

	assert_int_equal(tern_udp_sendto(s, data, plen, &to), plen);
	tern_ctx_flush(a->ctx);
	assert_int_equal(a->nb_cap, 1);
	m = a->cap[0];
	assert_int_equal(test_env_cap_copy(a, 0, fr, sizeof(fr)), l4_off(family) + ulen);
	if (caps & TERN_CAP_TX_UDP_CKSUM) {
		assert_int_equal(m->ol_flags & RTE_MBUF_F_TX_L4_MASK, RTE_MBUF_F_TX_UDP_CKSUM);
		assert_true(m->ol_flags & (family == 4 ? RTE_MBUF_F_TX_IPV4 : RTE_MBUF_F_TX_IPV6));
		assert_int_equal(m->l2_len, ETH_LEN);
		assert_int_equal(m->l3_len, family == 4 ? IP4_LEN : IP6_LEN);
		assert_int_equal(m->l4_len, UDP_LEN);
		/* the pseudo-header sum, not complemented, waits in the field */
		assert_int_equal(get16(u + 6), ref_phdr(family, ip, (uint32_t)ulen, PROTO_UDP));
		if (family == 4) {
			assert_true(m->ol_flags & RTE_MBUF_F_TX_IP_CKSUM);
			put16(ip + 10, ref_cksum(ip, IP4_LEN));
		}
		/* the NIC: sum of the datagram from the UDP header on, complemented */
		c = ref_cksum(u, ulen);
		put16(u + 6, c == 0 ? 0xffff : c);
		assert_int_equal(test_env_stats(a).udp_cksum_tx_hw, 1);
		assert_int_equal(test_env_stats(a).udp_cksum_tx_sw, 0);
	} else {
		assert_int_equal(m->ol_flags & RTE_MBUF_F_TX_L4_MASK, 0);
		assert_false(m->ol_flags & RTE_MBUF_F_TX_IP_CKSUM);
		assert_int_equal(test_env_stats(a).udp_cksum_tx_hw, 0);
		assert_int_equal(test_env_stats(a).udp_cksum_tx_sw, 1);
	}
	if (family == 4)
		assert_int_equal(ref_sum(ip, IP4_LEN, 0), 0xffff);
	assert_true(udp_cksum_verifies(family, ip, u, ulen));
	memcpy(udp, u, ulen);
	tern_udp_close(s);
	test_env_close(a);
	return get16(udp + 6);
}

static void
offload_case(void **state, uint8_t family)
{
	static const size_t sizes[] = { 0, 1, 333, 1024 };
	const uint32_t hw = TERN_CAP_TX_UDP_CKSUM | TERN_CAP_TX_IP4_CKSUM;
	struct fixture *f = *state;
	uint8_t by_hw[FRAME_MAX], by_sw[FRAME_MAX];
	unsigned int i;

	for (i = 0; i < RTE_DIM(sizes); i++) {
		fill(data, sizes[i], 10 + i);
		assert_int_equal(offload_send(f, hw, family, sizes[i], by_hw),
				 offload_send(f, 0, family, sizes[i], by_sw));
		assert_memory_equal(by_hw, by_sw, UDP_LEN + sizes[i]);
	}
	finish(f);
}

static void
test_ip4_checksum_offload_completes_to_the_software_checksum(void **state)
{
	offload_case(state, 4);
}

static void
test_ip6_checksum_offload_completes_to_the_software_checksum(void **state)
{
	offload_case(state, 6);
}

/* The device's receive verdict: GOOD trusted, BAD dropped, UNKNOWN checked here. */
static void
rx_cksum_case(void **state, uint8_t family)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(family, PORT_US);
	struct tern_sockaddr from = host_sa(family, PEER, PORT_PEER);
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	struct dgram d = dg(family, PEER, US, PORT_PEER, PORT_US, data, 50);
	uint8_t good[FRAME_MAX], bad[FRAME_MAX];
	size_t len;

	fill(data, 50, 4);
	len = dgram_frame(good, &d, NULL);
	memcpy(bad, good, len);
	bad[l4_off(family) + 7] ^= 0x5a;	/* a wrong checksum */

	feed_segs(a, bad, len, 0, RTE_MBUF_F_RX_L4_CKSUM_GOOD);
	assert_int_equal(tern_udp_rx_count(s), 1);
	assert_int_equal(test_env_stats(a).udp_cksum_rx_hw, 1);
	assert_int_equal(test_env_stats(a).udp_cksum_rx_sw, 0);

	feed_segs(a, good, len, 0, RTE_MBUF_F_RX_L4_CKSUM_BAD);
	assert_int_equal(tern_udp_rx_count(s), 1);
	assert_int_equal(test_env_stats(a).drop_udp_cksum, 1);
	assert_int_equal(test_env_stats(a).udp_cksum_rx_sw, 0);

	feed_segs(a, good, len, 0, RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN);
	assert_int_equal(tern_udp_rx_count(s), 2);
	assert_int_equal(test_env_stats(a).udp_cksum_rx_sw, 1);

	feed_segs(a, bad, len, 0, RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN);
	assert_int_equal(tern_udp_rx_count(s), 2);
	assert_int_equal(test_env_stats(a).udp_cksum_rx_sw, 2);
	assert_int_equal(test_env_stats(a).drop_udp_cksum, 2);

	expect_dgram(s, data, 50, &from);
	expect_dgram(s, data, 50, &from);
	assert_int_equal(a->nb_cap, 0);		/* no ICMP about a bad checksum */
	tern_udp_close(s);
	finish(f);
}

static void
test_ip4_rx_checksum_good_trusted_bad_dropped_unknown_verified(void **state)
{
	rx_cksum_case(state, 4);
}

static void
test_ip6_rx_checksum_good_trusted_bad_dropped_unknown_verified(void **state)
{
	rx_cksum_case(state, 6);
}

/*
 * RTE_MBUF_F_RX_L4_CKSUM_NONE: "the L4 checksum is not correct in the packet
 * data, but the integrity of the L4 data is verified" (rte_mbuf_core.h; what
 * vhost in its compliant offload-flags mode reports for a guest's packet whose
 * checksum was left partial). The datagram is good and must be delivered.
 */
static void
test_rx_checksum_none_data_verified_is_accepted(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(4, PORT_US), from = host_sa(4, PEER, PORT_PEER);
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	struct dgram d = dg(4, PEER, US, PORT_PEER, PORT_US, data, 50);
	uint8_t fr[FRAME_MAX], *ip = fr + ETH_LEN, *u = fr + l4_off(4);
	size_t len;

	fill(data, 50, 5);
	len = dgram_frame(fr, &d, NULL);
	/* a partial checksum: the pseudo-header sum only, as a sender offloading it leaves */
	put16(u + 6, ref_phdr(4, ip, UDP_LEN + 50, PROTO_UDP));
	feed_segs(a, fr, len, 0, RTE_MBUF_F_RX_L4_CKSUM_NONE);
	assert_int_equal(test_env_stats(a).drop_udp_cksum, 0);
	assert_int_equal(tern_udp_rx_count(s), 1);
	expect_dgram(s, data, 50, &from);
	tern_udp_close(s);
	finish(f);
}

/* ==== echo ==== */

/* reply_burst sends each datagram back to its own sender, through its buffer. */
static void
reply_case(void **state, uint8_t family)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(family, PORT_US);
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	struct dgram in1 = dg(family, PEER, US, 1111, PORT_US, data, 40);
	struct dgram in2 = dg(family, PEER2, US, 2222, PORT_US, data + 100, 77);
	struct dgram out1 = dg(family, US, PEER, PORT_US, 1111, rbuf, 40);
	struct dgram out2 = dg(family, US, PEER2, PORT_US, 2222, data + 100, 77);
	struct rte_mbuf *m[2];

	fill(data, 200, 6);
	feed_dgram(a, &in1);
	feed_dgram(a, &in2);
	assert_int_equal(tern_udp_recv_burst(s, m, 2), 2);
	/* the data may be rewritten in place */
	*rte_pktmbuf_mtod(m[0], uint8_t *) ^= 0xff;
	memcpy(rbuf, data, 40);
	rbuf[0] ^= 0xff;
	assert_int_equal(tern_udp_reply_burst(s, m, 2), 2);
	tern_ctx_flush(a->ctx);
	assert_int_equal(a->nb_cap, 2);
	check_udp_out(a, 0, &out1, &peer_mac);
	check_udp_out(a, 1, &out2, &peer2_mac);
	assert_int_equal(test_env_stats(a).udp_out, 2);
	tern_udp_close(s);
	finish(f);
}

static void
test_ip4_reply_burst_answers_each_sender(void **state)
{
	reply_case(state, 4);
}

static void
test_ip6_reply_burst_answers_each_sender(void **state)
{
	reply_case(state, 6);
}

/*
 * Replies to a sender already answered go out on its kept route and headers
 * (the fast path): each one right, in bursts where the senders take turns
 * and the data of one is rewritten.
 */
static void
test_ip4_reply_burst_kept_route_each_reply_right(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(4, PORT_US);
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	static const uint16_t plen[] = { 10, 40, 64, 33, 1 };
	static const uint8_t who[] = { 0, 0, 1, 0, 0 };	/* PEER or PEER2 */
	struct rte_mbuf *m[RTE_DIM(plen)];
	unsigned int i, round;

	fill(data, 200, 7);
	for (round = 0; round < 2; round++) {
		for (i = 0; i < RTE_DIM(plen); i++) {
			struct dgram in = dg(4, who[i] ? PEER2 : PEER, US, (uint16_t)(1000 + i),
					     PORT_US, data + i, plen[i]);

			feed_dgram(a, &in);
		}
		assert_int_equal(tern_udp_recv_burst(s, m, RTE_DIM(m)), RTE_DIM(m));
		*rte_pktmbuf_mtod(m[3], uint8_t *) ^= 0x5a;	/* rewritten in place */
		assert_int_equal(tern_udp_reply_burst(s, m, RTE_DIM(m)), RTE_DIM(m));
		tern_ctx_flush(a->ctx);
		assert_int_equal(a->nb_cap, RTE_DIM(plen));
		for (i = 0; i < RTE_DIM(plen); i++) {
			struct dgram out = dg(4, US, who[i] ? PEER2 : PEER, PORT_US,
					      (uint16_t)(1000 + i), rbuf, plen[i]);

			memcpy(rbuf, data + i, plen[i]);
			if (i == 3)
				rbuf[0] ^= 0x5a;
			check_udp_out(a, i, &out, who[i] ? &peer2_mac : &peer_mac);
		}
		test_env_cap_clear(a);
	}
	assert_int_equal(test_env_stats(a).udp_out, 2 * RTE_DIM(plen));
	tern_udp_close(s);
	finish(f);
}

/*
 * echo_burst: a reply on the kept route keeps the request's checksum (the
 * same words, swapped), a request without one (0) goes back without one,
 * and a field the device called partial (L4_CKSUM_NONE) is summed again.
 * The first reply to an address takes the per-datagram path: summed.
 */
static void
test_ip4_echo_burst_keeps_request_checksum(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(4, PORT_US);
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	uint8_t fr[4][FRAME_MAX], out[FRAME_MAX];
	size_t len[4];
	struct rte_mbuf *m[4];
	unsigned int i;

	fill(data, 200, 8);
	for (i = 0; i < 4; i++) {
		struct dgram in = dg(4, PEER, US, 1234, PORT_US, data + 10 * i, 30 + i);
		uint8_t *u = fr[i] + l4_off(4);

		len[i] = dgram_frame(fr[i], &in, NULL);
		if (i == 2)
			put16(u + 6, 0);		/* no checksum */
		if (i == 3)		/* partial: the pseudo-header sum only */
			put16(u + 6, ref_phdr(4, fr[i] + ETH_LEN, UDP_LEN + 30 + i, PROTO_UDP));
		feed_segs(a, fr[i], len[i], 0, i == 3 ? RTE_MBUF_F_RX_L4_CKSUM_NONE : 0);
	}
	assert_int_equal(tern_udp_recv_burst(s, m, 4), 4);
	assert_int_equal(tern_udp_echo_burst(s, m, 4), 4);
	tern_ctx_flush(a->ctx);
	assert_int_equal(a->nb_cap, 4);
	for (i = 0; i < 4; i++) {
		struct dgram o = dg(4, US, PEER, PORT_US, 1234, data + 10 * i, 30 + i);
		const uint8_t *u = out + l4_off(4);

		if (i == 2) {
			/* as sent, but for the addresses, the ports and the 0 checksum */
			assert_int_equal(test_env_cap_copy(a, i, out, sizeof(out)), len[i]);
			assert_int_equal(get16(u), PORT_US);
			assert_int_equal(get16(u + 2), 1234);
			assert_int_equal(get16(u + 6), 0);
			assert_memory_equal(u + UDP_LEN, data + 10 * i, 30 + i);
			continue;
		}
		check_udp_out(a, i, &o, &peer_mac);
		if (i == 1) {
			test_env_cap_copy(a, i, out, sizeof(out));
			assert_memory_equal(u + 6, fr[i] + l4_off(4) + 6, 2);
		}
	}
	assert_int_equal(test_env_stats(a).udp_cksum_tx_kept, 2);
	assert_int_equal(test_env_stats(a).udp_cksum_tx_sw, 2);
	tern_udp_close(s);
	finish(f);
}

/* ==== demultiplexing and binding ==== */

/* A connected stream gets its peer's datagrams; the wildcard one on the port gets the rest. */
static void
test_connected_stream_takes_precedence_for_its_peer(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local4 = any_sa(4, PORT_US), local6 = any_sa(6, PORT_US);
	struct tern_sockaddr peer4 = host_sa(4, PEER, PORT_PEER);
	struct tern_sockaddr peer6 = host_sa(6, PEER, PORT_PEER);
	struct tern_udp_stream *w4, *c4, *w6, *c6;
	struct dgram d;
	unsigned int i;

	/* IPv4: wildcard opened first; IPv6: the connected one first */
	w4 = stream_open(a, &local4, NULL);
	c4 = stream_open(a, &local4, &peer4);
	c6 = stream_open(a, &local6, &peer6);
	w6 = stream_open(a, &local6, NULL);
	fill(data, 16, 7);
	for (i = 0; i < 2; i++) {
		uint8_t fam = i == 0 ? 4 : 6;
		struct tern_udp_stream *w = i == 0 ? w4 : w6, *c = i == 0 ? c4 : c6;

		d = dg(fam, PEER, US, PORT_PEER, PORT_US, data, 16);
		feed_dgram(a, &d);
		assert_int_equal(tern_udp_rx_count(c), 1);
		assert_int_equal(tern_udp_rx_count(w), 0);
		d = dg(fam, PEER, US, PORT_PEER + 1, PORT_US, data, 16);	/* other port */
		feed_dgram(a, &d);
		d = dg(fam, PEER2, US, PORT_PEER, PORT_US, data, 16);	/* other host */
		feed_dgram(a, &d);
		assert_int_equal(tern_udp_rx_count(c), 1);
		assert_int_equal(tern_udp_rx_count(w), 2);
	}
	/* closing the wildcard one leaves the connected one only its peer's */
	tern_udp_close(w4);
	d = dg(4, PEER2, US, PORT_PEER, PORT_US, data, 16);
	feed_dgram(a, &d);
	assert_int_equal(tern_udp_rx_count(c4), 1);
	assert_int_equal(test_env_stats(a).drop_udp_noport, 1);
	test_env_cap_clear(a);	/* its port unreachable */
	tern_udp_close(c4);
	tern_udp_close(w6);
	tern_udp_close(c6);
	finish(f);
}

/* A stream bound to one of our addresses wins over a wildcard one, whatever the order. */
static void
test_stream_bound_to_address_wins_over_wildcard(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_udp_stream *w, *b;
	struct tern_sockaddr any, mine;
	struct dgram d;
	unsigned int i;

	fill(data, 16, 8);
	for (i = 0; i < 4; i++) {
		uint8_t fam = i < 2 ? 4 : 6;
		uint16_t port = (uint16_t)(PORT_US + i);

		any = any_sa(fam, port);
		mine = host_sa(fam, US, port);
		if (i % 2 == 0) {
			w = stream_open(a, &any, NULL);
			b = stream_open(a, &mine, NULL);
		} else {
			b = stream_open(a, &mine, NULL);
			w = stream_open(a, &any, NULL);
		}
		d = dg(fam, PEER, US, PORT_PEER, port, data, 16);
		feed_dgram(a, &d);
		assert_int_equal(tern_udp_rx_count(b), 1);
		assert_int_equal(tern_udp_rx_count(w), 0);
		d = dg(fam, PEER, US2, PORT_PEER, port, data, 16);	/* our other address */
		feed_dgram(a, &d);
		assert_int_equal(tern_udp_rx_count(b), 1);
		assert_int_equal(tern_udp_rx_count(w), 1);
		tern_udp_close(w);
		tern_udp_close(b);
	}
	assert_int_equal(test_env_stats(a).drop_udp_noport, 0);
	finish(f);
}

static void
expect_open_fails(struct test_env *e, const struct tern_sockaddr *local,
		  const struct tern_sockaddr *remote, int err)
{
	rte_errno = 0;
	assert_null(stream_try(e, local, remote, 0, 0));
	assert_int_equal(rte_errno, err);
}

/* The same local address, port and remote twice is EADDRINUSE; anything less is allowed. */
static void
test_exact_duplicate_is_eaddrinuse(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr any4 = any_sa(4, PORT_US), mine4 = host_sa(4, US, PORT_US);
	struct tern_sockaddr any6 = any_sa(6, PORT_US), mine6 = host_sa(6, US, PORT_US);
	struct tern_sockaddr peer = host_sa(4, PEER, PORT_PEER);
	struct tern_sockaddr peer_p2 = host_sa(4, PEER, PORT_PEER + 1);
	struct tern_udp_stream *s[8];
	unsigned int i;

	s[0] = stream_open(a, &any4, NULL);
	expect_open_fails(a, &any4, NULL, EADDRINUSE);
	s[1] = stream_open(a, &mine4, NULL);
	expect_open_fails(a, &mine4, NULL, EADDRINUSE);
	s[2] = stream_open(a, &any4, &peer);
	expect_open_fails(a, &any4, &peer, EADDRINUSE);
	s[3] = stream_open(a, &any4, &peer_p2);
	s[4] = stream_open(a, &mine4, &peer);
	expect_open_fails(a, &mine4, &peer, EADDRINUSE);
	s[5] = stream_open(a, &any6, NULL);		/* same port, other family */
	expect_open_fails(a, &any6, NULL, EADDRINUSE);
	s[6] = stream_open(a, &mine6, NULL);
	expect_open_fails(a, &mine6, NULL, EADDRINUSE);
	/* closed, the address is free again */
	tern_udp_close(s[0]);
	s[0] = stream_open(a, &any4, NULL);
	for (i = 0; i < 7; i++)
		tern_udp_close(s[i]);
	finish(f);
}

static void
test_local_address_not_ours_is_eaddrnotavail(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr other4 = host_sa(4, OTHER, PORT_US), peer4 = host_sa(4, PEER, PORT_US);
	struct tern_sockaddr other6 = host_sa(6, OTHER, PORT_US), peer6 = host_sa(6, PEER, PORT_US);

	expect_open_fails(a, &other4, NULL, EADDRNOTAVAIL);
	expect_open_fails(a, &peer4, NULL, EADDRNOTAVAIL);
	expect_open_fails(a, &other6, NULL, EADDRNOTAVAIL);
	expect_open_fails(a, &peer6, NULL, EADDRNOTAVAIL);
	finish(f);
}

/* Families must agree: at open (EAFNOSUPPORT) and at send. */
static void
test_ip4_stream_with_ip6_remote_is_eafnosupport(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr any4 = any_sa(4, PORT_US), any6 = any_sa(6, PORT_US);
	struct tern_sockaddr peer4 = host_sa(4, PEER, PORT_PEER);
	struct tern_sockaddr peer6 = host_sa(6, PEER, PORT_PEER);
	struct tern_udp_stream *s;
	struct rte_mbuf *m;

	expect_open_fails(a, &any4, &peer6, EAFNOSUPPORT);
	expect_open_fails(a, &any6, &peer4, EAFNOSUPPORT);
	s = stream_open(a, &any4, NULL);
	fill(data, 10, 9);
	assert_int_equal(tern_udp_sendto(s, data, 10, &peer6), -EAFNOSUPPORT);
	m = tern_test_mbuf_from(data, 10);
	rte_errno = 0;
	assert_int_equal(tern_udp_send_burst(s, &m, 1, &peer6), 0);
	assert_int_equal(rte_errno, EAFNOSUPPORT);
	tern_test_assert_mbuf_bytes(m, data, 10);	/* still the caller's, untouched */
	rte_pktmbuf_free(m);
	tern_ctx_flush(a->ctx);
	assert_int_equal(a->nb_cap, 0);
	tern_udp_close(s);
	finish(f);
}

/* Port 0 picks a free port in 49152..65535, really bound, used as the source. */
static void
test_port_zero_picks_an_ephemeral_port(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_udp_stream *s[6];
	uint16_t port[6];
	struct tern_sockaddr sa, to = host_sa(4, PEER, PORT_PEER);
	uint8_t fr[FRAME_MAX];
	unsigned int i, j;
	struct dgram d;

	for (i = 0; i < 6; i++) {
		uint8_t fam = i < 3 ? 4 : 6;

		sa = any_sa(fam, 0);
		s[i] = stream_open(a, &sa, NULL);
		tern_udp_local(s[i], &sa);
		assert_int_equal(sa.family, fam);
		port[i] = rte_be_to_cpu_16(sa.port);
		assert_in_range(port[i], EPHEMERAL_LO, EPHEMERAL_HI);
		for (j = 0; j < i; j++)
			if (j / 3 == i / 3)
				assert_int_not_equal(port[i], port[j]);
	}
	fill(data, 8, 10);
	for (i = 0; i < 6; i++) {
		d = dg(i < 3 ? 4 : 6, PEER, US, PORT_PEER, port[i], data, 8);
		feed_dgram(a, &d);
		assert_int_equal(tern_udp_rx_count(s[i]), 1);
	}
	assert_int_equal(tern_udp_sendto(s[0], data, 8, &to), 8);
	tern_ctx_flush(a->ctx);
	assert_int_equal(a->nb_cap, 1);
	test_env_cap_copy(a, 0, fr, sizeof(fr));
	assert_int_equal(get16(fr + l4_off(4)), port[0]);
	for (i = 0; i < 6; i++)
		tern_udp_close(s[i]);
	finish(f);
}

/* Closing a stream frees what it had queued, at once. */
static void
test_close_frees_queued_datagrams(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(4, PORT_US);
	struct tern_udp_stream *s = stream_open(a, &local, NULL);
	struct dgram d = dg(4, PEER, US, PORT_PEER, PORT_US, data, 300);
	unsigned int i;

	fill(data, 300, 11);
	for (i = 0; i < 5; i++)
		feed_dgram(a, &d);
	assert_int_equal(tern_udp_rx_count(s), 5);
	assert_int_equal(tern_test_pool_avail(), f->mark - 5);
	tern_udp_close(s);
	assert_int_equal(a->nb_cap, 0);
	tern_test_assert_pool_back();		/* with the context still alive */
	assert_int_equal(tern_ctx_pending(a->ctx), 0);
	finish(f);
}

/* ==== the receive queue ==== */

static void
test_receive_queue_holds_rxq_size_datagrams(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(4, PORT_US), from = host_sa(4, PEER, PORT_PEER);
	struct tern_udp_stream *s;
	struct rte_mbuf *m[8];
	uint8_t pl[12][4];
	unsigned int i, round;
	struct dgram d;

	assert_null(stream_try(a, &local, NULL, 3, 0));		/* not a power of 2 */
	assert_int_equal(rte_errno, EINVAL);
	s = stream_try(a, &local, NULL, 4, 0);
	assert_non_null(s);
	for (round = 0; round < 2; round++) {
		for (i = 0; i < 6; i++) {
			memset(pl[i], (int)(round * 16 + i), sizeof(pl[i]));
			d = dg(4, PEER, US, PORT_PEER, PORT_US, pl[i], sizeof(pl[i]));
			feed_dgram(a, &d);
		}
		assert_int_equal(tern_udp_rx_count(s), 4);
		assert_int_equal(test_env_stats(a).drop_udp_rxq_full, 2 * (round + 1));
		/* the first four, in order */
		for (i = 0; i < 4; i++)
			expect_dgram(s, pl[i], sizeof(pl[i]), &from);
		assert_int_equal(tern_udp_recv_burst(s, m, 8), 0);
	}
	assert_int_equal(a->nb_cap, 0);
	tern_udp_close(s);
	finish(f);
}

/* One READABLE event when the queue goes from empty to not, with the stream's udata. */
static void
test_readable_event_once_per_empty_to_nonempty(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr local = any_sa(4, PORT_US);
	struct tern_udp_stream *s = stream_try(a, &local, NULL, 0, 0xfeedbeefcafeULL);
	struct dgram d = dg(4, PEER, US, PORT_PEER, PORT_US, data, 10);
	struct tern_event ev[8];
	struct rte_mbuf *m[8];
	unsigned int i;

	assert_non_null(s);
	assert_int_equal(tern_udp_udata(s), 0xfeedbeefcafeULL);
	fill(data, 10, 12);
	assert_int_equal(tern_ctx_events(a->ctx, ev, 8), 0);
	for (i = 0; i < 3; i++)
		feed_dgram(a, &d);
	assert_int_equal(tern_ctx_events(a->ctx, ev, 8), 1);
	assert_int_equal(ev[0].type, TERN_EV_READABLE);
	assert_ptr_equal(ev[0].obj, s);
	assert_int_equal(ev[0].udata, 0xfeedbeefcafeULL);
	/* more while not empty: nothing new, even after a partial read */
	feed_dgram(a, &d);
	assert_int_equal(tern_udp_recv_burst(s, m, 2), 2);
	rte_pktmbuf_free_bulk(m, 2);
	feed_dgram(a, &d);
	assert_int_equal(tern_ctx_events(a->ctx, ev, 8), 0);
	/* drained, then refilled: one more */
	assert_int_equal(tern_udp_recv_burst(s, m, 8), 3);
	rte_pktmbuf_free_bulk(m, 3);
	assert_int_equal(tern_ctx_events(a->ctx, ev, 8), 0);
	feed_dgram(a, &d);
	feed_dgram(a, &d);
	assert_int_equal(tern_ctx_events(a->ctx, ev, 8), 1);
	assert_int_equal(ev[0].type, TERN_EV_READABLE);
	assert_ptr_equal(ev[0].obj, s);
	assert_int_equal(ev[0].udata, 0xfeedbeefcafeULL);
	/* recvfrom drains too */
	assert_int_equal(tern_udp_recvfrom(s, rbuf, sizeof(rbuf), NULL), 10);
	assert_int_equal(tern_udp_recvfrom(s, rbuf, sizeof(rbuf), NULL), 10);
	feed_dgram(a, &d);
	assert_int_equal(tern_ctx_events(a->ctx, ev, 8), 1);
	tern_udp_close(s);
	finish(f);
}

/* ==== ICMP port unreachable ==== */

/* The error to @d's sender: @type/@code, quoting the @qlen bytes of @quote. */
static void
check_unreach(const struct test_env *e, unsigned int i, uint8_t family, const uint8_t *quote,
	      size_t qlen)
{
	static uint8_t fr[FRAME_MAX];
	const uint8_t *ip = fr + ETH_LEN, *ic = fr + l4_off(family);
	size_t len = test_env_cap_copy(e, i, fr, sizeof(fr)), mlen = ICMP_LEN + qlen;

	assert_int_equal(len, l4_off(family) + mlen);
	assert_memory_equal(fr, peer_mac.addr_bytes, 6);
	if (family == 4) {
		tern_ip4_t us = host4(US), peer = host4(PEER);

		assert_int_equal(get16(fr + 12), ET_IPV4);
		assert_int_equal(get16(ip + 2), IP4_LEN + mlen);
		assert_int_equal(ip[9], PROTO_ICMP);
		assert_int_equal(ref_sum(ip, IP4_LEN, 0), 0xffff);
		assert_memory_equal(ip + 12, &us, 4);
		assert_memory_equal(ip + 16, &peer, 4);
		assert_int_equal(ic[0], 3);		/* destination unreachable */
		assert_int_equal(ic[1], 3);		/* port unreachable */
		assert_int_equal(ref_sum(ic, mlen, 0), 0xffff);
	} else {
		assert_int_equal(get16(fr + 12), ET_IPV6);
		assert_int_equal(get16(ip + 4), mlen);
		assert_int_equal(ip[6], PROTO_ICMPV6);
		assert_memory_equal(ip + 8, our_ip6.a, 16);
		assert_memory_equal(ip + 24, peer_ip6.a, 16);
		assert_int_equal(ic[0], 1);		/* destination unreachable */
		assert_int_equal(ic[1], 4);		/* port unreachable */
		assert_int_equal(ref_sum(ic, mlen, ref_phdr(6, ip, (uint32_t)mlen, PROTO_ICMPV6)),
				 0xffff);
	}
	assert_int_equal(get16(ic + 4), 0);		/* unused */
	assert_int_equal(get16(ic + 6), 0);
	assert_memory_equal(ic + ICMP_LEN, quote, qlen);
}

static void
unreach_case(void **state, uint8_t family)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct tern_sockaddr other = any_sa(family, PORT_US + 1);
	struct tern_udp_stream *s = stream_open(a, &other, NULL);
	struct dgram d = dg(family, PEER, US, PORT_PEER, PORT_US, data, 64);
	uint8_t fr[FRAME_MAX];
	size_t len;

	fill(data, 64, 13);
	len = dgram_frame(fr, &d, NULL);
	feed(a, fr, len);
	assert_int_equal(a->nb_cap, 1);
	/* the whole datagram from its IP header on */
	check_unreach(a, 0, family, fr + ETH_LEN, len - ETH_LEN);
	assert_int_equal(test_env_stats(a).drop_udp_noport, 1);
	if (family == 4)
		assert_int_equal(test_env_stats(a).icmp4_unreach_out, 1);
	else
		assert_int_equal(test_env_stats(a).icmp6_unreach_out, 1);
	assert_int_equal(tern_udp_rx_count(s), 0);
	tern_udp_close(s);
	finish(f);
}

static void
test_ip4_closed_port_answers_port_unreachable_quoting_the_datagram(void **state)
{
	unreach_case(state, 4);
}

static void
test_ip6_closed_port_answers_icmp6_port_unreachable(void **state)
{
	unreach_case(state, 6);
}

/* With a clock that does not move, at most a burst of errors; the rest are counted. */
static void
test_port_unreachable_is_rate_limited(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct dgram d = dg(4, PEER, US, PORT_PEER, PORT_US, data, 20);
	unsigned int i, n;

	fill(data, 20, 14);
	for (i = 0; i < 200; i++)
		feed_dgram(a, &d);
	n = a->nb_cap;
	assert_in_range(n, 1, ICMP_BURST);
	assert_int_equal(test_env_stats(a).icmp4_unreach_out, n);
	assert_int_equal(test_env_stats(a).icmp4_ratelimited, 200 - n);
	assert_int_equal(test_env_stats(a).drop_udp_noport, 200);
	test_env_cap_clear(a);
	/* 1 ms at the default 1000/s earns one more */
	assert_int_equal(tern_ctx_advance(a->ctx, 1 * MS), 0);
	feed_dgram(a, &d);
	feed_dgram(a, &d);
	assert_int_equal(a->nb_cap, 1);
	assert_int_equal(test_env_stats(a).icmp4_ratelimited, 200 - n + 1);
	finish(f);
}

/* Nothing answers a datagram sent to a broadcast or multicast address. */
static void
test_no_port_unreachable_for_broadcast(void **state)
{
	struct fixture *f = *state;
	struct test_env *a = env_open(&f->a, 0, 0);
	struct dgram d;
	uint8_t fr[FRAME_MAX], *ip = fr + ETH_LEN;
	size_t len;

	fill(data, 20, 15);
	d = dg(4, PEER, BCAST, PORT_PEER, PORT_US, data, 20);		/* 10.0.0.255 */
	feed(a, fr, dgram_frame(fr, &d, &bcast_mac));
	len = dgram_frame(fr, &d, &bcast_mac);				/* 255.255.255.255 */
	memset(ip + 16, 0xff, 4);
	ip4_fix_cksum(fr);
	udp_fix_cksum(fr, 4, UDP_LEN + 20);
	feed(a, fr, len);
	d = dg(6, PEER, BCAST, PORT_PEER, PORT_US, data, 20);		/* ff02::1 */
	feed(a, fr, dgram_frame(fr, &d, &all_nodes_mac));
	assert_int_equal(test_env_stats(a).drop_udp_noport, 3);
	assert_int_equal(a->nb_cap, 0);
	assert_int_equal(test_env_stats(a).icmp4_unreach_out + test_env_stats(a).icmp6_unreach_out, 0);
	/* the same to our unicast address is answered */
	d = dg(4, PEER, US, PORT_PEER, PORT_US, data, 20);
	feed_dgram(a, &d);
	assert_int_equal(a->nb_cap, 1);
	finish(f);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_ip4_datagram_is_received_with_its_payload_and_sender),
		T(test_ip6_datagram_is_received_with_its_payload_and_sender),
		T(test_ip4_send_builds_headers_and_checksum),
		T(test_ip6_send_builds_headers_and_checksum),
		T(test_ip4_send_follows_destination_neighbor_and_route),
		T(test_checksum_computed_as_zero_is_sent_as_ffff),
		T(test_ip4_checksum_offload_completes_to_the_software_checksum),
		T(test_ip6_checksum_offload_completes_to_the_software_checksum),
		T(test_ip4_rx_checksum_good_trusted_bad_dropped_unknown_verified),
		T(test_ip6_rx_checksum_good_trusted_bad_dropped_unknown_verified),
		T(test_rx_checksum_none_data_verified_is_accepted),
		T(test_ip4_reply_burst_answers_each_sender),
		T(test_ip6_reply_burst_answers_each_sender),
		T(test_ip4_reply_burst_kept_route_each_reply_right),
		T(test_ip4_echo_burst_keeps_request_checksum),
		T(test_connected_stream_takes_precedence_for_its_peer),
		T(test_stream_bound_to_address_wins_over_wildcard),
		T(test_exact_duplicate_is_eaddrinuse),
		T(test_local_address_not_ours_is_eaddrnotavail),
		T(test_ip4_stream_with_ip6_remote_is_eafnosupport),
		T(test_port_zero_picks_an_ephemeral_port),
		T(test_close_frees_queued_datagrams),
		T(test_receive_queue_holds_rxq_size_datagrams),
		T(test_readable_event_once_per_empty_to_nonempty),
		T(test_ip4_closed_port_answers_port_unreachable_quoting_the_datagram),
		T(test_ip6_closed_port_answers_icmp6_port_unreachable),
		T(test_port_unreachable_is_rate_limited),
		T(test_no_port_unreachable_for_broadcast),
	};
	int ret;

	if (tern_test_eal_init("udp") != 0)
		return 1;
	ret = cmocka_run_group_tests_name("udp", tests, NULL, NULL);
	tern_test_eal_fini();
	return ret;
}
