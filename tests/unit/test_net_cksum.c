/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * The Internet checksum of the net layer (lib/net/cksum.c): cksum_mbuf,
 * cksum_phdr4, cksum_phdr6 and cksum_fold, checked against a
 * byte-by-byte reference written here (RFC 1071), known vectors, and DPDK's
 * own rte_ipv4_udptcp_cksum / rte_ipv6_udptcp_cksum; the vector sum and the
 * copy that sums against the scalar loop and the reference.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_env.h"

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "tern_net_priv.h"

#define RAND_SEED	0x7e57c0deu
#define DATA_MAX	1200

/* A small deterministic generator (xorshift32): the same bytes on every run. */
static uint32_t rand_state;

static uint32_t
rand_next(void)
{
	uint32_t x = rand_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	rand_state = x;
	return x;
}

static void
rand_fill(uint8_t *p, size_t len)
{
	size_t i;

	rand_state = RAND_SEED;
	for (i = 0; i < len; i++)
		p[i] = (uint8_t)rand_next();
}

/* tern's results are in network byte order as stored in memory: read them as such. */
static uint16_t
host16(uint16_t wire)
{
	return rte_be_to_cpu_16(wire);
}

/*
 * A chain of segments holding @len bytes of @bytes, the i-th segment
 * sizes[i % n] bytes long.
 */
static struct rte_mbuf *
mbuf_chain(const uint8_t *bytes, size_t len, const uint16_t *sizes, size_t n)
{
	struct rte_mbuf *head = NULL, *m;
	size_t off = 0, i = 0;

	while (off < len) {
		uint16_t seg = (uint16_t)RTE_MIN((size_t)sizes[i++ % n], len - off);
		char *dst;

		m = rte_pktmbuf_alloc(tern_test_pool());
		assert_non_null(m);
		dst = rte_pktmbuf_append(m, seg);
		assert_non_null(dst);
		memcpy(dst, bytes + off, seg);
		off += seg;
		if (head == NULL)
			head = m;
		else
			assert_int_equal(rte_pktmbuf_chain(head, m), 0);
	}
	return head;
}

static void
test_cksum_fold_adds_the_carries_back(void **state)
{
	(void)state;
	assert_int_equal(cksum_fold(0), 0);
	assert_int_equal(cksum_fold(0x1234), 0x1234);
	assert_int_equal(cksum_fold(0x12345678), 0x68ac);
	/* 0x0001 + 0xffff = 0x10000: a second carry to fold */
	assert_int_equal(cksum_fold(0x0001ffff), 0x0001);
	assert_int_equal(cksum_fold(0xffffffff), 0xffff);
	assert_int_equal(cksum_fold(0xfffe0001), 0xffff);
}

/* RFC 1071 section 3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2. */
static void
test_cksum_rfc1071_example(void **state)
{
	static const uint8_t b[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	struct rte_mbuf *m;

	(void)state;
	tern_test_pool_mark();
	assert_int_equal(ref_sum(b, sizeof(b), 0), 0xddf2);
	m = tern_test_mbuf_from(b, sizeof(b));
	assert_int_equal(host16(cksum_mbuf(m, 0, sizeof(b), 0)), 0x220d);
	rte_pktmbuf_free(m);
	tern_test_assert_pool_back();
}

/* A real IPv4 header (192.168.0.1 -> 192.168.0.199, UDP), checksum 0xb861. */
static const uint8_t ip4_hdr_vector[20] = {
	0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
	0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
};

static void
test_cksum_ipv4_header_known_vector(void **state)
{
	uint8_t h[20];
	struct rte_mbuf *m;

	(void)state;
	tern_test_pool_mark();
	memcpy(h, ip4_hdr_vector, sizeof(h));
	h[10] = 0;
	h[11] = 0;
	assert_int_equal(ref_cksum(h, sizeof(h)), 0xb861);
	m = tern_test_mbuf_from(h, sizeof(h));
	assert_int_equal(host16(cksum_mbuf(m, 0, sizeof(h), 0)), 0xb861);
	rte_pktmbuf_free(m);
	tern_test_assert_pool_back();
}

static void
test_cksum_verify_is_zero_on_a_correct_header(void **state)
{
	uint8_t h[20];
	struct rte_mbuf *m;
	unsigned int bit;

	(void)state;
	tern_test_pool_mark();
	m = tern_test_mbuf_from(ip4_hdr_vector, sizeof(ip4_hdr_vector));
	assert_int_equal(cksum_mbuf(m, 0, sizeof(ip4_hdr_vector), 0), 0);
	rte_pktmbuf_free(m);
	/* Any single flipped bit shows. */
	for (bit = 0; bit < sizeof(h) * 8; bit++) {
		memcpy(h, ip4_hdr_vector, sizeof(h));
		h[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		m = tern_test_mbuf_from(h, sizeof(h));
		assert_int_not_equal(cksum_mbuf(m, 0, sizeof(h), 0), 0);
		rte_pktmbuf_free(m);
	}
	tern_test_assert_pool_back();
}

/* Every length from 0 to 64 over random bytes, odd ones included. */
static void
test_cksum_every_short_length_matches_reference(void **state)
{
	uint8_t d[64];
	struct rte_mbuf *m;
	size_t len;

	(void)state;
	tern_test_pool_mark();
	rand_fill(d, sizeof(d));
	for (len = 0; len <= sizeof(d); len++) {
		m = tern_test_mbuf_from(d, len);
		assert_int_equal(host16(cksum_mbuf(m, 0, (uint32_t)len, 0)),
				 ref_cksum(d, len));
		rte_pktmbuf_free(m);
	}
	tern_test_assert_pool_back();
}

/* Segments of 1, 3, 7, ... bytes: odd segments shift the byte lanes of the next one. */
static void
test_cksum_odd_segments_match_one_segment(void **state)
{
	static const uint16_t sizes[] = { 1, 3, 7, 2, 5, 64, 11, 1, 1, 4, 13, 128, 9, 6 };
	static const uint16_t lens[] = { 1, 2, 3, 8, 11, 100, 257, 999, DATA_MAX };
	uint8_t d[DATA_MAX];
	struct rte_mbuf *one, *chain;
	size_t i, rot;

	(void)state;
	tern_test_pool_mark();
	rand_fill(d, sizeof(d));
	for (i = 0; i < RTE_DIM(lens); i++) {
		/* every rotation of the size pattern: odd starts at each place */
		for (rot = 0; rot < RTE_DIM(sizes); rot++) {
			uint16_t s[RTE_DIM(sizes)];
			size_t k;
			uint16_t a, b;

			for (k = 0; k < RTE_DIM(sizes); k++)
				s[k] = sizes[(k + rot) % RTE_DIM(sizes)];
			one = tern_test_mbuf_from(d, lens[i]);
			chain = mbuf_chain(d, lens[i], s, RTE_DIM(s));
			assert_int_equal(one->nb_segs, 1);
			if (lens[i] > s[0])
				assert_true(chain->nb_segs > 1);
			a = cksum_mbuf(one, 0, lens[i], 0);
			b = cksum_mbuf(chain, 0, lens[i], 0);
			assert_int_equal(b, a);
			assert_int_equal(host16(a), ref_cksum(d, lens[i]));
			rte_pktmbuf_free(one);
			rte_pktmbuf_free(chain);
		}
	}
	tern_test_assert_pool_back();
}

static void
test_cksum_equal_segment_sizes_match_reference(void **state)
{
	uint8_t d[600];
	struct rte_mbuf *m;
	size_t seg;

	(void)state;
	tern_test_pool_mark();
	rand_fill(d, sizeof(d));
	for (seg = 1; seg <= 33; seg++) {
		m = tern_test_mbuf_from_segs(d, sizeof(d), seg);
		assert_int_equal(m->nb_segs, (sizeof(d) + seg - 1) / seg);
		assert_int_equal(host16(cksum_mbuf(m, 0, sizeof(d), 0)),
				 ref_cksum(d, sizeof(d)));
		rte_pktmbuf_free(m);
	}
	tern_test_assert_pool_back();
}

/* @off skips bytes, across segment boundaries too; @len stops before the end. */
static void
test_cksum_offset_and_length_select_the_bytes(void **state)
{
	static const uint16_t sizes[] = { 3, 1, 7, 10, 5 };
	uint8_t d[300];
	struct rte_mbuf *m;
	uint32_t off, len;

	(void)state;
	tern_test_pool_mark();
	rand_fill(d, sizeof(d));
	m = mbuf_chain(d, sizeof(d), sizes, RTE_DIM(sizes));
	for (off = 0; off <= sizeof(d); off++) {
		len = (uint32_t)sizeof(d) - off;
		assert_int_equal(host16(cksum_mbuf(m, off, len, 0)),
				 ref_cksum(d + off, len));
		/* a prefix of what is left */
		len /= 2;
		assert_int_equal(host16(cksum_mbuf(m, off, len, 0)),
				 ref_cksum(d + off, len));
	}
	rte_pktmbuf_free(m);
	tern_test_assert_pool_back();
}

/* The @sum argument (a pseudo-header's, say) is added in before folding. */
static void
test_cksum_initial_sum_is_added(void **state)
{
	static const uint32_t sums[] = { 0, 1, 0xffff, 0x10000, 0x3fffc, 0xfffffff0 };
	static const uint16_t sizes[] = { 1, 2, 3 };
	uint8_t d[101];
	struct rte_mbuf *m;
	size_t i;
	uint16_t want;
	uint32_t s;

	(void)state;
	tern_test_pool_mark();
	rand_fill(d, sizeof(d));
	m = mbuf_chain(d, sizeof(d), sizes, RTE_DIM(sizes));
	for (i = 0; i < RTE_DIM(sums); i++) {
		/* @sum holds 16-bit words in memory order; the reference wants host order */
		s = cksum_fold(sums[i]);
		want = (uint16_t)~ref_sum(d, sizeof(d), host16((uint16_t)s));
		assert_int_equal(host16(cksum_mbuf(m, 0, sizeof(d), sums[i])), want);
	}
	rte_pktmbuf_free(m);
	tern_test_assert_pool_back();
}

static void
test_cksum_phdr4_matches_reference_pseudo_header(void **state)
{
	/* 10.1.2.3 -> 192.168.255.254, proto 17, length 0x1234 */
	static const uint8_t ph[12] = {
		10, 1, 2, 3, 192, 168, 255, 254, 0, 17, 0x12, 0x34,
	};
	tern_ip4_t src, dst;

	(void)state;
	memcpy(&src, ph, 4);
	memcpy(&dst, ph + 4, 4);
	assert_int_equal(host16(cksum_fold(cksum_phdr4(src, dst, 17, 0x1234))),
			 ref_sum(ph, sizeof(ph), 0));
	/* another protocol and length change it */
	assert_int_not_equal(cksum_fold(cksum_phdr4(src, dst, 6, 0x1234)),
			     cksum_fold(cksum_phdr4(src, dst, 17, 0x1234)));
	assert_int_not_equal(cksum_fold(cksum_phdr4(src, dst, 17, 0x1235)),
			     cksum_fold(cksum_phdr4(src, dst, 17, 0x1234)));
}

static void
test_cksum_phdr6_matches_reference_pseudo_header(void **state)
{
	static const uint32_t lens[] = { 8, 0x1234, 0x12345 /* a jumbogram */ };
	uint8_t ph[40];
	struct tern_ip6 src, dst;
	size_t i;

	(void)state;
	rand_fill(src.a, 16);
	rand_fill(ph, 16);
	for (i = 0; i < 16; i++)
		dst.a[i] = (uint8_t)(0xfd - i * 7);
	for (i = 0; i < RTE_DIM(lens); i++) {
		/* RFC 8200 8.1: src, dst, 32-bit length, 3 zero bytes, next header */
		memcpy(ph, src.a, 16);
		memcpy(ph + 16, dst.a, 16);
		ph[32] = (uint8_t)(lens[i] >> 24);
		ph[33] = (uint8_t)(lens[i] >> 16);
		ph[34] = (uint8_t)(lens[i] >> 8);
		ph[35] = (uint8_t)lens[i];
		ph[36] = 0;
		ph[37] = 0;
		ph[38] = 0;
		ph[39] = IPPROTO_ICMPV6;
		assert_int_equal(host16(cksum_fold(cksum_phdr6(&src, &dst,
									 IPPROTO_ICMPV6,
									 lens[i]))),
				 ref_sum(ph, sizeof(ph), 0));
	}
}

/* An IPv4/UDP packet of @plen payload bytes in @pkt: header, UDP header, data. */
static size_t
udp4_packet(uint8_t *pkt, uint16_t plen)
{
	struct rte_ipv4_hdr *ih = (struct rte_ipv4_hdr *)pkt;
	struct rte_udp_hdr *uh = (struct rte_udp_hdr *)(ih + 1);
	uint16_t ulen = (uint16_t)(sizeof(*uh) + plen);

	memset(ih, 0, sizeof(*ih));
	ih->version_ihl = RTE_IPV4_VHL_DEF;
	ih->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ih) + ulen));
	ih->time_to_live = 64;
	ih->next_proto_id = IPPROTO_UDP;
	memcpy(&ih->src_addr, (const uint8_t[4]){ 10, 0, 0, 1 }, 4);
	memcpy(&ih->dst_addr, (const uint8_t[4]){ 172, 16, 254, 3 }, 4);
	uh->src_port = rte_cpu_to_be_16(5353);
	uh->dst_port = rte_cpu_to_be_16(40001);
	uh->dgram_len = rte_cpu_to_be_16(ulen);
	uh->dgram_cksum = 0;
	rand_fill((uint8_t *)(uh + 1), plen);
	/* vary the data with the length, so two lengths differ in more than size */
	if (plen > 0)
		((uint8_t *)(uh + 1))[0] = (uint8_t)plen;
	ih->hdr_checksum = rte_ipv4_cksum(ih);
	return sizeof(*ih) + ulen;
}

/* UDP's rule (RFC 768): a computed 0 is sent as 0xffff, as DPDK does. */
static uint16_t
udp_cksum_field(uint16_t c)
{
	return c == 0 ? 0xffff : c;
}

static void
test_cksum_udp4_matches_dpdk(void **state)
{
	static const uint16_t sizes[] = { 7, 1, 3 };
	uint8_t pkt[sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_udp_hdr) + 301];
	const struct rte_ipv4_hdr *ih = (const struct rte_ipv4_hdr *)pkt;
	struct rte_udp_hdr *uh = (struct rte_udp_hdr *)(ih + 1);
	struct rte_mbuf *one, *chain;
	uint16_t plen, ulen, want;
	uint32_t phdr;
	size_t len;

	(void)state;
	tern_test_pool_mark();
	for (plen = 0; plen <= 301; plen += 7) {
		len = udp4_packet(pkt, plen);
		ulen = (uint16_t)(len - sizeof(*ih));
		want = rte_ipv4_udptcp_cksum(ih, uh);
		phdr = cksum_phdr4(ih->src_addr, ih->dst_addr, IPPROTO_UDP, ulen);
		one = tern_test_mbuf_from(pkt, len);
		chain = mbuf_chain(pkt, len, sizes, RTE_DIM(sizes));
		assert_int_equal(udp_cksum_field(cksum_mbuf(one, sizeof(*ih), ulen, phdr)),
				 want);
		assert_int_equal(udp_cksum_field(cksum_mbuf(chain, sizeof(*ih), ulen,
								 phdr)), want);
		rte_pktmbuf_free(one);
		rte_pktmbuf_free(chain);

		/* With the checksum in place, verification gives 0 and DPDK agrees. */
		uh->dgram_cksum = want;
		assert_int_equal(rte_ipv4_udptcp_cksum_verify(ih, uh), 0);
		one = tern_test_mbuf_from(pkt, len);
		assert_int_equal(cksum_mbuf(one, sizeof(*ih), ulen, phdr), 0);
		rte_pktmbuf_free(one);
	}
	tern_test_assert_pool_back();
}

static void
test_cksum_udp6_matches_dpdk(void **state)
{
	static const uint16_t sizes[] = { 5, 1, 13, 2 };
	uint8_t pkt[sizeof(struct rte_ipv6_hdr) + sizeof(struct rte_udp_hdr) + 301];
	struct rte_ipv6_hdr *ih = (struct rte_ipv6_hdr *)pkt;
	struct rte_udp_hdr *uh = (struct rte_udp_hdr *)(ih + 1);
	struct tern_ip6 src, dst;
	struct rte_mbuf *one, *chain;
	uint16_t plen, ulen, want;
	uint32_t phdr;
	size_t len;

	(void)state;
	tern_test_pool_mark();
	for (plen = 0; plen <= 301; plen += 11) {
		ulen = (uint16_t)(sizeof(*uh) + plen);
		len = sizeof(*ih) + ulen;
		memset(ih, 0, sizeof(*ih));
		ih->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ih->payload_len = rte_cpu_to_be_16(ulen);
		ih->proto = IPPROTO_UDP;
		ih->hop_limits = 64;
		rand_fill(ih->src_addr, 16);
		ih->src_addr[0] = 0xfd;
		memcpy(ih->dst_addr, ih->src_addr, 16);
		ih->dst_addr[15] ^= 0x5a;
		uh->src_port = rte_cpu_to_be_16(546);
		uh->dst_port = rte_cpu_to_be_16(547);
		uh->dgram_len = rte_cpu_to_be_16(ulen);
		uh->dgram_cksum = 0;
		rand_fill((uint8_t *)(uh + 1), plen);
		if (plen > 0)
			((uint8_t *)(uh + 1))[plen - 1] = (uint8_t)plen;
		memcpy(src.a, ih->src_addr, 16);
		memcpy(dst.a, ih->dst_addr, 16);

		want = rte_ipv6_udptcp_cksum(ih, uh);
		phdr = cksum_phdr6(&src, &dst, IPPROTO_UDP, ulen);
		one = tern_test_mbuf_from(pkt, len);
		chain = mbuf_chain(pkt, len, sizes, RTE_DIM(sizes));
		assert_int_equal(udp_cksum_field(cksum_mbuf(one, sizeof(*ih), ulen, phdr)),
				 want);
		assert_int_equal(udp_cksum_field(cksum_mbuf(chain, sizeof(*ih), ulen,
								 phdr)), want);
		rte_pktmbuf_free(one);
		rte_pktmbuf_free(chain);

		uh->dgram_cksum = want;
		assert_int_equal(rte_ipv6_udptcp_cksum_verify(ih, uh), 0);
		one = tern_test_mbuf_from(pkt, len);
		assert_int_equal(cksum_mbuf(one, sizeof(*ih), ulen, phdr), 0);
		rte_pktmbuf_free(one);
	}
	tern_test_assert_pool_back();
}

/*
 * The vector sum (AVX2, where the CPU has it) and the scalar loop against
 * the byte-by-byte reference, for every length from 0 to 1,600 bytes at
 * each of 32 alignments, with a start sum that carries: tern's sums are in
 * host order, the reference's in network order.
 */
#define VEC_LEN_MAX	1600

static void
check_sums_every_length(void)
{
	static uint8_t buf[VEC_LEN_MAX + 64], dst[VEC_LEN_MAX + 64 + 2];
	size_t len, al;

	rand_fill(buf, sizeof(buf));
	for (al = 0; al < 32; al++) {
		for (len = 0; len <= VEC_LEN_MAX; len++) {
			const uint8_t *p = buf + al;
			uint16_t want = ref_sum(p, len, 0);
			uint64_t s;

			assert_int_equal(rte_bswap16(cksum_fold64(cksum_add(p, len, 0))),
					 want);
			/* a start sum with every high bit set: the carries come back */
			s = cksum_add_long(p, len, ~(uint64_t)0);
			assert_true(s < (1ull << 33));
			assert_int_equal(cksum_fold64(s),
					 cksum_fold64(cksum_add_scalar(p, len, ~(uint64_t)0)));
			/* the copy sums the same and writes exactly @len bytes */
			memset(dst, 0xa5, sizeof(dst));
			s = cksum_copy(dst + 1 + al, p, len, 0);
			assert_int_equal(rte_bswap16(cksum_fold64(s)), want);
			assert_memory_equal(dst + 1 + al, p, len);
			assert_int_equal(dst[al], 0xa5);
			assert_int_equal(dst[1 + al + len], 0xa5);
		}
	}
}

static void
test_cksum_vector_and_scalar_match_reference_every_length(void **state)
{
	bool vec;

	(void)state;
	vec = cksum_vec_set(true);
	print_message("vector sums: %s\n", vec ? "AVX2" : "not on this CPU (scalar only)");
	check_sums_every_length();
	assert_false(cksum_vec_set(false));
	check_sums_every_length();
	assert_int_equal(cksum_vec_set(true), vec);
}

/*
 * Past 4 MiB the vector lanes are emptied into 64 bits before they could
 * carry out: 9 MiB of 0xff bytes (every word at its largest) and of random
 * bytes sum as the scalar loop does.
 */
static void
test_cksum_vector_lanes_do_not_overflow(void **state)
{
	size_t len = (9u << 20) + 37, i;
	uint8_t *buf = malloc(len), *dst = malloc(len);
	uint64_t want;

	(void)state;
	assert_non_null(buf);
	assert_non_null(dst);
	for (i = 0; i < 2; i++) {
		if (i == 0)
			memset(buf, 0xff, len);
		else
			rand_fill(buf, len);
		want = cksum_fold64(cksum_add_scalar(buf, len, 0));
		assert_int_equal(cksum_fold64(cksum_add(buf, len, 0)), want);
		assert_int_equal(cksum_fold64(cksum_copy(dst, buf, len, 0)), want);
		assert_memory_equal(dst, buf, len);
	}
	free(buf);
	free(dst);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cksum_fold_adds_the_carries_back),
		cmocka_unit_test(test_cksum_rfc1071_example),
		cmocka_unit_test(test_cksum_ipv4_header_known_vector),
		cmocka_unit_test(test_cksum_verify_is_zero_on_a_correct_header),
		cmocka_unit_test(test_cksum_every_short_length_matches_reference),
		cmocka_unit_test(test_cksum_odd_segments_match_one_segment),
		cmocka_unit_test(test_cksum_equal_segment_sizes_match_reference),
		cmocka_unit_test(test_cksum_offset_and_length_select_the_bytes),
		cmocka_unit_test(test_cksum_initial_sum_is_added),
		cmocka_unit_test(test_cksum_phdr4_matches_reference_pseudo_header),
		cmocka_unit_test(test_cksum_phdr6_matches_reference_pseudo_header),
		cmocka_unit_test(test_cksum_udp4_matches_dpdk),
		cmocka_unit_test(test_cksum_udp6_matches_dpdk),
		cmocka_unit_test(test_cksum_vector_and_scalar_match_reference_every_length),
		cmocka_unit_test(test_cksum_vector_lanes_do_not_overflow),
	};
	int ret;

	if (tern_test_eal_init("net_cksum") != 0)
		return 1;
	ret = cmocka_run_group_tests_name("net_cksum", tests, NULL, NULL);
	tern_test_eal_fini();
	return ret;
}
