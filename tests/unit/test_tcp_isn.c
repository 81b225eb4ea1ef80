/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * Initial sequence numbers (lib/tcp/tcp_isn.c, RFC 6528): SipHash-2-4
 * against the 64 reference vectors of its authors, and the ISN function's
 * properties: a keyed hash of the 4-tuple plus a 4-microsecond clock.
 * Neither EAL nor mbufs are needed.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_common.h"

#include <rte_byteorder.h>

#include "tern_tcp_priv.h"

/*
 * SipHash-2-4 with key 00 01 .. 0f over the messages of length 0..63
 * "00 01 02 .. len-1": the vectors_sip64 table published with the reference
 * implementation, read as little-endian 64-bit values (entry 15 is the
 * worked example of the paper's appendix A, a129ca6149be45e5).
 */
static const uint64_t sip64_vectors[64] = {
	0x726fdb47dd0e0e31, 0x74f839c593dc67fd, 0x0d6c8009d9a94f5a, 0x85676696d7fb7e2d,
	0xcf2794e0277187b7, 0x18765564cd99a68d, 0xcbc9466e58fee3ce, 0xab0200f58b01d137,
	0x93f5f5799a932462, 0x9e0082df0ba9e4b0, 0x7a5dbbc594ddb9f3, 0xf4b32f46226bada7,
	0x751e8fbc860ee5fb, 0x14ea5627c0843d90, 0xf723ca908e7af2ee, 0xa129ca6149be45e5,
	0x3f2acc7f57c29bdb, 0x699ae9f52cbe4794, 0x4bc1b3f0968dd39c, 0xbb6dc91da77961bd,
	0xbed65cf21aa2ee98, 0xd0f2cbb02e3b67c7, 0x93536795e3a33e88, 0xa80c038ccd5ccec8,
	0xb8ad50c6f649af94, 0xbce192de8a85b8ea, 0x17d835b85bbb15f3, 0x2f2e6163076bcfad,
	0xde4daaaca71dc9a5, 0xa6a2506687956571, 0xad87a3535c49ef28, 0x32d892fad841c342,
	0x7127512f72f27cce, 0xa7f32346f95978e3, 0x12e0b01abb051238, 0x15e034d40fa197ae,
	0x314dffbe0815a3b4, 0x027990f029623981, 0xcadcd4e59ef40c4d, 0x9abfd8766a33735c,
	0x0e3ea96b5304a7d0, 0xad0c42d6fc585992, 0x187306c89bc215a9, 0xd4a60abcf3792b95,
	0xf935451de4f21df2, 0xa9538f0419755787, 0xdb9acddff56ca510, 0xd06c98cd5c0975eb,
	0xe612a3cb9ecba951, 0xc766e62cfcadaf96, 0xee64435a9752fe72, 0xa192d576b245165a,
	0x0a8787bf8ecb74b2, 0x81b3e73d20b49b6f, 0x7fa8220ba3b2ecea, 0x245731c13ca42499,
	0xb78dbfaf3a8d83bd, 0xea1ad565322a1a0b, 0x60e61c23a3795013, 0x6606d7e446282b93,
	0x6ca4ecb15c5f91e1, 0x9f626da15c9625f3, 0xe51b38608ef25f57, 0x958a324ceb064572,
};

static const uint8_t key_a[16] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};

#define L4	RTE_BE32(0xc0a80001)	/* 192.168.0.1 */
#define R4	RTE_BE32(0x0a000002)	/* 10.0.0.2 */
#define LP	RTE_BE16(40000)
#define RP	RTE_BE16(80)
#define T0	UINT64_C(1234567890123)

static const uint8_t l6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t r6[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0xab, [15] = 2 };

static void
secret_a(struct tern_tcp_isn_secret *s)
{
	assert_int_equal(tcp_isn_init(s, key_a), 0);
}

/* ---------------------------------------------------------------------- */
/* SipHash-2-4 */

static void
test_siphash24_reference_vectors(void **state)
{
	uint8_t msg[64];
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	for (i = 0; i < 64; i++) {
		uint64_t got = siphash24(key_a, msg, i);

		if (got != sip64_vectors[i])
			print_message("siphash len %u: %016llx want %016llx\n", i,
				      (unsigned long long)got,
				      (unsigned long long)sip64_vectors[i]);
		assert_true(got == sip64_vectors[i]);
	}
}

/* The paper's appendix A example, spelled out: 15-byte message. */
static void
test_siphash24_paper_appendix_example(void **state)
{
	const uint8_t msg[15] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 };

	(void)state;
	assert_true(siphash24(key_a, msg, sizeof(msg)) == UINT64_C(0xa129ca6149be45e5));
}

/* Unaligned input gives the same result as aligned input. */
static void
test_siphash24_unaligned_message(void **state)
{
	uint8_t buf[80];
	unsigned int shift, len, i;

	(void)state;
	for (shift = 1; shift < 8; shift++) {
		for (i = 0; i < 64; i++)
			buf[shift + i] = (uint8_t)i;
		for (len = 0; len < 64; len++)
			assert_true(siphash24(key_a, buf + shift, len) == sip64_vectors[len]);
	}
}

/* Every key bit and every message bit matters. */
static void
test_siphash24_depends_on_every_bit(void **state)
{
	uint8_t key[16], msg[12];
	uint64_t base;
	unsigned int bit;

	(void)state;
	memcpy(key, key_a, sizeof(key));
	memset(msg, 0x5a, sizeof(msg));
	base = siphash24(key, msg, sizeof(msg));
	for (bit = 0; bit < 128; bit++) {
		key[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_true(siphash24(key, msg, sizeof(msg)) != base);
		key[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	for (bit = 0; bit < 96; bit++) {
		msg[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_true(siphash24(key, msg, sizeof(msg)) != base);
		msg[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	/* Trailing zero bytes change the length, hence the hash. */
	assert_true(siphash24(key, msg, 11) != siphash24(key, msg, 12));
}

/* ---------------------------------------------------------------------- */
/* Secret */

static void
test_isn_init_copies_the_given_key(void **state)
{
	struct tern_tcp_isn_secret s;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(tcp_isn_init(&s, key_a), 0);
	assert_memory_equal(s.key, key_a, sizeof(key_a));
}

static void
test_isn_init_random_key_from_kernel(void **state)
{
	struct tern_tcp_isn_secret s1, s2;
	const uint8_t zero[16] = { 0 };

	(void)state;
	assert_int_equal(tcp_isn_init(&s1, NULL), 0);
	assert_int_equal(tcp_isn_init(&s2, NULL), 0);
	/* 2^-128 odds of a false failure. */
	assert_memory_not_equal(s1.key, zero, sizeof(zero));
	assert_memory_not_equal(s1.key, s2.key, sizeof(s1.key));
	assert_true(tcp_isn4(&s1, L4, LP, R4, RP, T0, NULL) !=
		    tcp_isn4(&s2, L4, LP, R4, RP, T0, NULL) ||
		    tcp_isn4(&s1, L4, LP, R4, RP + 1, T0, NULL) !=
		    tcp_isn4(&s2, L4, LP, R4, RP + 1, T0, NULL));
}

/* ---------------------------------------------------------------------- */
/* ISN */

/* RFC 6528 3: ISN = M + F(tuple, secret); at clock 0, M = 0 and ISN = F. */
static void
test_isn_rfc6528_is_clock_plus_keyed_hash(void **state)
{
	struct tern_tcp_isn_secret s;
	uint8_t msg4[12], msg6[36];
	uint32_t l = L4, r = R4;
	uint16_t lp = LP, rp = RP;
	uint32_t f4, f6;

	(void)state;
	secret_a(&s);
	memcpy(msg4, &l, 4);
	memcpy(msg4 + 4, &r, 4);
	memcpy(msg4 + 8, &lp, 2);
	memcpy(msg4 + 10, &rp, 2);
	memcpy(msg6, l6, 16);
	memcpy(msg6 + 16, r6, 16);
	memcpy(msg6 + 32, &lp, 2);
	memcpy(msg6 + 34, &rp, 2);
	f4 = (uint32_t)siphash24(key_a, msg4, sizeof(msg4));
	f6 = (uint32_t)siphash24(key_a, msg6, sizeof(msg6));
	assert_int_equal(tcp_isn4(&s, L4, LP, R4, RP, 0, NULL), f4);
	assert_int_equal(tcp_isn4(&s, L4, LP, R4, RP, T0, NULL), f4 + (uint32_t)(T0 / 4000));
	assert_int_equal(tcp_isn6(&s, l6, LP, r6, RP, 0, NULL), f6);
	assert_int_equal(tcp_isn6(&s, l6, LP, r6, RP, T0, NULL), f6 + (uint32_t)(T0 / 4000));
}

/*
 * The timestamp offset is the high half of the ISN's hash: the same for a
 * 4-tuple whatever the clock, another for another 4-tuple or secret.
 */
static void
test_isn_timestamp_offset_is_the_hash_high_half(void **state)
{
	struct tern_tcp_isn_secret s, s2;
	uint8_t msg4[12];
	uint32_t l = L4, r = R4;
	uint16_t lp = LP, rp = RP;
	uint32_t off, off2, off6, off6b;
	uint64_t h;

	(void)state;
	secret_a(&s);
	memcpy(msg4, &l, 4);
	memcpy(msg4 + 4, &r, 4);
	memcpy(msg4 + 8, &lp, 2);
	memcpy(msg4 + 10, &rp, 2);
	h = siphash24(key_a, msg4, sizeof(msg4));
	assert_int_equal(tcp_isn4(&s, L4, LP, R4, RP, T0, &off), (uint32_t)h + (uint32_t)(T0 / 4000));
	assert_int_equal(off, (uint32_t)(h >> 32));
	tcp_isn4(&s, L4, LP, R4, RP, 3 * T0, &off2);
	assert_int_equal(off2, off);
	tcp_isn4(&s, L4, LP, R4, RP ^ RTE_BE16(1), T0, &off2);
	assert_int_not_equal(off2, off);
	assert_int_equal(tcp_isn_init(&s2, NULL), 0);	/* 2^-32 odds of a false failure below */
	tcp_isn4(&s2, L4, LP, R4, RP, T0, &off2);
	assert_int_not_equal(off2, off);
	tcp_isn6(&s, l6, LP, r6, RP, T0, &off6);
	tcp_isn6(&s, l6, LP, r6, RP, 7 * T0, &off6b);
	assert_int_equal(off6, off6b);
	assert_int_not_equal(off6, off);
}

static void
test_isn_deterministic_for_same_inputs(void **state)
{
	struct tern_tcp_isn_secret s1, s2;

	(void)state;
	secret_a(&s1);
	secret_a(&s2);
	assert_int_equal(tcp_isn4(&s1, L4, LP, R4, RP, T0, NULL),
			 tcp_isn4(&s2, L4, LP, R4, RP, T0, NULL));
	assert_int_equal(tcp_isn4(&s1, L4, LP, R4, RP, T0, NULL),
			 tcp_isn4(&s1, L4, LP, R4, RP, T0, NULL));
	assert_int_equal(tcp_isn6(&s1, l6, LP, r6, RP, T0, NULL),
			 tcp_isn6(&s2, l6, LP, r6, RP, T0, NULL));
}

/* Each element of the 4-tuple matters, and so does which end is local. */
static void
test_isn_differs_between_4_tuples(void **state)
{
	struct tern_tcp_isn_secret s;
	uint8_t x6[16];
	uint32_t base4, base6;

	(void)state;
	secret_a(&s);
	base4 = tcp_isn4(&s, L4, LP, R4, RP, T0, NULL);
	assert_int_not_equal(tcp_isn4(&s, L4 ^ RTE_BE32(1), LP, R4, RP, T0, NULL), base4);
	assert_int_not_equal(tcp_isn4(&s, L4, LP ^ RTE_BE16(1), R4, RP, T0, NULL), base4);
	assert_int_not_equal(tcp_isn4(&s, L4, LP, R4 ^ RTE_BE32(1), RP, T0, NULL), base4);
	assert_int_not_equal(tcp_isn4(&s, L4, LP, R4, RP ^ RTE_BE16(1), T0, NULL), base4);
	assert_int_not_equal(tcp_isn4(&s, R4, RP, L4, LP, T0, NULL), base4);
	assert_int_not_equal(tcp_isn4(&s, L4, RP, R4, LP, T0, NULL), base4);

	base6 = tcp_isn6(&s, l6, LP, r6, RP, T0, NULL);
	memcpy(x6, l6, 16);
	x6[7] ^= 0x10;
	assert_int_not_equal(tcp_isn6(&s, x6, LP, r6, RP, T0, NULL), base6);
	memcpy(x6, r6, 16);
	x6[0] ^= 0x80;
	assert_int_not_equal(tcp_isn6(&s, l6, LP, x6, RP, T0, NULL), base6);
	assert_int_not_equal(tcp_isn6(&s, l6, LP ^ RTE_BE16(1), r6, RP, T0, NULL), base6);
	assert_int_not_equal(tcp_isn6(&s, l6, LP, r6, RP ^ RTE_BE16(1), T0, NULL), base6);
	assert_int_not_equal(tcp_isn6(&s, r6, RP, l6, LP, T0, NULL), base6);
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* 20,000 ephemeral ports to one server at one instant: ISNs look uniform. */
static void
test_isn_spread_over_many_ports(void **state)
{
	enum { N = 20000 };
	struct tern_tcp_isn_secret s;
	uint32_t *isn;
	unsigned int i, dup = 0, high = 0;

	(void)state;
	secret_a(&s);
	isn = malloc(N * sizeof(*isn));
	assert_non_null(isn);
	for (i = 0; i < N; i++) {
		isn[i] = tcp_isn4(&s, L4, rte_cpu_to_be_16((uint16_t)(30000 + i)), R4, RP, T0, NULL);
		high += isn[i] >> 31;
	}
	qsort(isn, N, sizeof(*isn), cmp_u32);
	for (i = 1; i < N; i++)
		dup += isn[i] == isn[i - 1];
	free(isn);
	/* Expected duplicates: N^2 / 2^33, about 0.05. */
	assert_true(dup <= 2);
	/* Top bit set about half of the time (5 sigma is about 350). */
	assert_true(high > N / 2 - 500 && high < N / 2 + 500);
}

/* M ticks once every 4 microseconds, not in between. */
static void
test_isn_advances_by_1_every_4_microseconds(void **state)
{
	struct tern_tcp_isn_secret s;
	const uint64_t t = UINT64_C(4000) * 1000000;	/* on a tick boundary */
	uint32_t base, base6;
	unsigned int k;

	(void)state;
	secret_a(&s);
	base = tcp_isn4(&s, L4, LP, R4, RP, t, NULL);
	base6 = tcp_isn6(&s, l6, LP, r6, RP, t, NULL);
	assert_int_equal(tcp_isn4(&s, L4, LP, R4, RP, t + 1, NULL), base);
	assert_int_equal(tcp_isn4(&s, L4, LP, R4, RP, t + 3999, NULL), base);
	assert_int_equal(tcp_isn4(&s, L4, LP, R4, RP, t + 4000, NULL), base + 1);
	assert_int_equal(tcp_isn4(&s, L4, LP, R4, RP, t - 1, NULL), base - 1);
	for (k = 0; k <= 100000; k += 997) {
		assert_int_equal(tcp_isn4(&s, L4, LP, R4, RP, t + 4000ull * k, NULL), base + k);
		assert_int_equal(tcp_isn6(&s, l6, LP, r6, RP, t + 4000ull * k, NULL), base6 + k);
	}
	/* One second is 250,000 ticks. */
	assert_int_equal(tcp_isn4(&s, L4, LP, R4, RP, t + UINT64_C(1000000000), NULL),
			 base + 250000);
}

/* M wraps modulo 2^32 (every 2^32 * 4 us, about 4.77 hours). */
static void
test_isn_clock_wraps_modulo_2_32(void **state)
{
	struct tern_tcp_isn_secret s;
	const uint64_t wrap = UINT64_C(4000) << 32;
	uint32_t f;

	(void)state;
	secret_a(&s);
	f = tcp_isn4(&s, L4, LP, R4, RP, 0, NULL);
	assert_int_equal(tcp_isn4(&s, L4, LP, R4, RP, wrap, NULL), f);
	assert_int_equal(tcp_isn4(&s, L4, LP, R4, RP, wrap - 4000, NULL), f - 1);
	assert_int_equal(tcp_isn4(&s, L4, LP, R4, RP, 3 * wrap + 8000, NULL), f + 2);
	/* And the ISN keeps increasing through the wrap in sequence space. */
	assert_true(SEQ_LT(tcp_isn4(&s, L4, LP, R4, RP, wrap - 4000, NULL),
			   tcp_isn4(&s, L4, LP, R4, RP, wrap + 4000, NULL)));
}

static void
test_isn_differs_for_a_different_secret(void **state)
{
	struct tern_tcp_isn_secret s1, s2;
	uint8_t key_b[16];
	unsigned int i, same4 = 0, same6 = 0;

	(void)state;
	secret_a(&s1);
	memcpy(key_b, key_a, sizeof(key_b));
	key_b[15] ^= 1;
	assert_int_equal(tcp_isn_init(&s2, key_b), 0);
	for (i = 0; i < 1000; i++) {
		uint16_t lp = rte_cpu_to_be_16((uint16_t)(1024 + i));

		same4 += tcp_isn4(&s1, L4, lp, R4, RP, T0, NULL) ==
			 tcp_isn4(&s2, L4, lp, R4, RP, T0, NULL);
		same6 += tcp_isn6(&s1, l6, lp, r6, RP, T0, NULL) ==
			 tcp_isn6(&s2, l6, lp, r6, RP, T0, NULL);
	}
	assert_true(same4 <= 1);
	assert_true(same6 <= 1);
}

/* An IPv4 tuple and the IPv6 tuple that maps it do not share an ISN. */
static void
test_isn_v4_and_v4_mapped_v6_differ(void **state)
{
	struct tern_tcp_isn_secret s;
	uint8_t ml[16] = { [10] = 0xff, [11] = 0xff }, mr[16] = { [10] = 0xff, [11] = 0xff };
	uint32_t l = L4, r = R4;

	(void)state;
	secret_a(&s);
	memcpy(ml + 12, &l, 4);
	memcpy(mr + 12, &r, 4);
	assert_int_not_equal(tcp_isn4(&s, L4, LP, R4, RP, T0, NULL),
			     tcp_isn6(&s, ml, LP, mr, RP, T0, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_siphash24_reference_vectors),
		cmocka_unit_test(test_siphash24_paper_appendix_example),
		cmocka_unit_test(test_siphash24_unaligned_message),
		cmocka_unit_test(test_siphash24_depends_on_every_bit),
		cmocka_unit_test(test_isn_init_copies_the_given_key),
		cmocka_unit_test(test_isn_init_random_key_from_kernel),
		cmocka_unit_test(test_isn_rfc6528_is_clock_plus_keyed_hash),
		cmocka_unit_test(test_isn_timestamp_offset_is_the_hash_high_half),
		cmocka_unit_test(test_isn_deterministic_for_same_inputs),
		cmocka_unit_test(test_isn_differs_between_4_tuples),
		cmocka_unit_test(test_isn_spread_over_many_ports),
		cmocka_unit_test(test_isn_advances_by_1_every_4_microseconds),
		cmocka_unit_test(test_isn_clock_wraps_modulo_2_32),
		cmocka_unit_test(test_isn_differs_for_a_different_secret),
		cmocka_unit_test(test_isn_v4_and_v4_mapped_v6_differ),
	};

	return cmocka_run_group_tests_name("tcp_isn", tests, NULL, NULL);
}
