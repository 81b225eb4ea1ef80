/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * SYN cookies (lib/tcp/tcp_cookie.c, RFC 4987 3.6): round trips of the MSS
 * table for IPv4 and IPv6, the lifetime of a cookie, rejection of altered
 * cookies and of cookies for another connection or secret, the options
 * carried in the timestamp value, and the spread of cookies.
 * Neither EAL nor mbufs are needed.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_common.h"

#include <rte_byteorder.h>

#include "tern_tcp_priv.h"
#include "tern_tcp_seq.h"
#include "tcp_cookie.h"

static const uint8_t key_a[16] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};

#define L4	RTE_BE32(0xc0a80001)	/* 192.168.0.1 */
#define R4	RTE_BE32(0x0a000002)	/* 10.0.0.2 */
#define LP	RTE_BE16(80)
#define RP	RTE_BE16(40000)
#define PISN	UINT32_C(0x12345678)
#define UNIT	TERN_TCP_COOKIE_UNIT_NS
/* An instant on a unit boundary, well away from 0. */
#define T0	(UNIT * 1000003)

static const uint8_t l6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t r6[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0xab, [15] = 2 };

/* The table the design fixes (lib/tcp/tcp_cookie.c). */
static const uint16_t mss_table[] = { 536, 1220, 1300, 1380, 1420, 1440, 1460, 8940 };
#define NB_MSS	(sizeof(mss_table) / sizeof(mss_table[0]))

/* The library takes a connection key: these build one from its parts. */
static struct tern_tcp_key
key_of(uint8_t family, const void *laddr, uint16_t lport, const void *raddr, uint16_t rport)
{
	struct tern_tcp_key k;
	size_t alen = family == 4 ? 4 : 16;

	memset(&k, 0, sizeof(k));
	k.family = family;
	memcpy(k.laddr, laddr, alen);
	memcpy(k.raddr, raddr, alen);
	k.lport = lport;
	k.rport = rport;
	return k;
}

static uint32_t
cookie4(const struct tern_tcp_isn_secret *s, uint32_t la, uint16_t lp, uint32_t ra, uint16_t rp,
	uint32_t isn, uint16_t mss, uint64_t now, uint16_t *mss_out)
{
	struct tern_tcp_key k = key_of(4, &la, lp, &ra, rp);

	return tcp_cookie(s, &k, isn, mss, now, mss_out);
}

static int
check4(const struct tern_tcp_isn_secret *s, uint32_t la, uint16_t lp, uint32_t ra, uint16_t rp,
       uint32_t isn, uint32_t c, uint64_t now, uint16_t *mss_out)
{
	struct tern_tcp_key k = key_of(4, &la, lp, &ra, rp);

	return tcp_cookie_check(s, &k, isn, c, now, mss_out);
}

static uint32_t
cookie6(const struct tern_tcp_isn_secret *s, const uint8_t *la, uint16_t lp, const uint8_t *ra,
	uint16_t rp, uint32_t isn, uint16_t mss, uint64_t now, uint16_t *mss_out)
{
	struct tern_tcp_key k = key_of(6, la, lp, ra, rp);

	return tcp_cookie(s, &k, isn, mss, now, mss_out);
}

static int
check6(const struct tern_tcp_isn_secret *s, const uint8_t *la, uint16_t lp, const uint8_t *ra,
       uint16_t rp, uint32_t isn, uint32_t c, uint64_t now, uint16_t *mss_out)
{
	struct tern_tcp_key k = key_of(6, la, lp, ra, rp);

	return tcp_cookie_check(s, &k, isn, c, now, mss_out);
}

static void
secret_a(struct tern_tcp_isn_secret *s)
{
	assert_int_equal(tcp_isn_init(s, key_a), 0);
}

/* Make an IPv4 cookie for (@peer_mss, @made) and check it at @now. */
static int
round_trip4(const struct tern_tcp_isn_secret *s, uint16_t peer_mss, uint64_t made,
	    uint64_t now, uint16_t *mss_made, uint16_t *mss_checked)
{
	uint32_t c = cookie4(s, L4, LP, R4, RP, PISN, peer_mss, made, mss_made);

	return check4(s, L4, LP, R4, RP, PISN, c, now, mss_checked);
}

static int
round_trip6(const struct tern_tcp_isn_secret *s, uint16_t peer_mss, uint64_t made,
	    uint64_t now, uint16_t *mss_made, uint16_t *mss_checked)
{
	uint32_t c = cookie6(s, l6, LP, r6, RP, PISN, peer_mss, made, mss_made);

	return check6(s, l6, LP, r6, RP, PISN, c, now, mss_checked);
}

/* Both families: @peer_mss comes back as @want, made and checked at once. */
static void
assert_mss_round_trip(const struct tern_tcp_isn_secret *s, uint16_t peer_mss, uint16_t want)
{
	uint16_t made = 0, checked = 0;

	assert_int_equal(round_trip4(s, peer_mss, T0 + 12345, T0 + 12345, &made, &checked), 0);
	assert_int_equal(made, want);
	assert_int_equal(checked, want);
	made = checked = 0;
	assert_int_equal(round_trip6(s, peer_mss, T0 + 12345, T0 + 12345, &made, &checked), 0);
	assert_int_equal(made, want);
	assert_int_equal(checked, want);
}

/* ---------------------------------------------------------------------- */
/* MSS */

static void
test_cookie_mss_table_entries_round_trip(void **state)
{
	struct tern_tcp_isn_secret s;
	unsigned int i;

	(void)state;
	secret_a(&s);
	for (i = 0; i < NB_MSS; i++)
		assert_mss_round_trip(&s, mss_table[i], mss_table[i]);
}

/* Between entries: the largest entry <= peer_mss. */
static void
test_cookie_mss_between_entries_rounds_down(void **state)
{
	struct tern_tcp_isn_secret s;
	unsigned int i;

	(void)state;
	secret_a(&s);
	for (i = 0; i + 1 < NB_MSS; i++) {
		uint16_t lo = mss_table[i], hi = mss_table[i + 1];

		assert_mss_round_trip(&s, (uint16_t)(lo + 1), lo);
		assert_mss_round_trip(&s, (uint16_t)((lo + hi) / 2), lo);
		assert_mss_round_trip(&s, (uint16_t)(hi - 1), lo);
	}
	/* Common values that are not in the table. */
	assert_mss_round_trip(&s, 1452, 1440);	/* IPv4 over PPPoE */
	assert_mss_round_trip(&s, 1432, 1420);	/* IPv6 over PPPoE */
	assert_mss_round_trip(&s, 8960, 8940);	/* IPv4 jumbo */
	assert_mss_round_trip(&s, 65535, 8940);
}

/* Below all entries: the smallest. */
static void
test_cookie_mss_below_table_takes_smallest(void **state)
{
	struct tern_tcp_isn_secret s;

	(void)state;
	secret_a(&s);
	assert_mss_round_trip(&s, 535, 536);
	assert_mss_round_trip(&s, 100, 536);
	assert_mss_round_trip(&s, 1, 536);
	assert_mss_round_trip(&s, 0, 536);
}

/* The MSS field is authenticated: cookies for different MSS differ and each checks as its own. */
static void
test_cookie_mss_index_changes_cookie(void **state)
{
	struct tern_tcp_isn_secret s;
	uint32_t c[NB_MSS];
	unsigned int i, j;

	(void)state;
	secret_a(&s);
	for (i = 0; i < NB_MSS; i++)
		c[i] = cookie4(&s, L4, LP, R4, RP, PISN, mss_table[i], T0, NULL);
	for (i = 0; i < NB_MSS; i++)
		for (j = i + 1; j < NB_MSS; j++)
			assert_int_not_equal(c[i], c[j]);
}

/*
 * The MSS index sits in the top 3 bits under a pad, and the MAC depends on
 * it: whoever saw a valid cookie cannot turn it into one for another MSS
 * by changing those bits, alone or with the MAC moved by any multiple of
 * a small step (the MAC moves by (m' - m) * B, B a secret odd number).
 * Each of the 7 other values of the top bits, with the low 29 bits as they
 * are or shifted by +-1..+-64 units, is rejected in the unit of the cookie
 * and the next one; both families, every MSS.
 */
static void
test_cookie_mss_bits_not_malleable(void **state)
{
	struct tern_tcp_isn_secret s;
	unsigned int i, x;
	int d;

	(void)state;
	secret_a(&s);
	for (i = 0; i < NB_MSS; i++) {
		uint32_t c4 = cookie4(&s, L4, LP, R4, RP, PISN, mss_table[i], T0, NULL);
		uint32_t c6 = cookie6(&s, l6, LP, r6, RP, PISN, mss_table[i], T0, NULL);

		for (x = 1; x < 8; x++) {
			for (d = -64; d <= 64; d++) {
				uint32_t f4 = (c4 ^ (x << 29)) & 0xe0000000u;
				uint32_t f6 = (c6 ^ (x << 29)) & 0xe0000000u;
				uint16_t mss = 0xdead;

				f4 |= (c4 + (uint32_t)d) & 0x1fffffffu;
				f6 |= (c6 + (uint32_t)d) & 0x1fffffffu;
				assert_int_equal(check4(&s, L4, LP, R4, RP, PISN, f4, T0, &mss),
						 -EINVAL);
				assert_int_equal(check4(&s, L4, LP, R4, RP, PISN, f4, T0 + UNIT,
							&mss), -EINVAL);
				assert_int_equal(check6(&s, l6, LP, r6, RP, PISN, f6, T0, &mss),
						 -EINVAL);
				assert_int_equal(check6(&s, l6, LP, r6, RP, PISN, f6, T0 + UNIT,
							&mss), -EINVAL);
				assert_int_equal(mss, 0xdead);
			}
		}
	}
}

/*
 * The cookie of the previous unit is checked with a second hash: made at
 * the last nanosecond of a unit, it is accepted 1 ns later (next unit) with
 * its MSS, for every MSS and both families; a cookie made 1 ns into the
 * next unit is not accepted 2 ns before it (a later unit).
 */
static void
test_cookie_previous_unit_recovers_mss(void **state)
{
	struct tern_tcp_isn_secret s;
	unsigned int i;
	uint16_t mss;

	(void)state;
	secret_a(&s);
	for (i = 0; i < NB_MSS; i++) {
		uint32_t c4 = cookie4(&s, L4, LP, R4, RP, PISN, mss_table[i], T0 - 1, NULL);
		uint32_t c6 = cookie6(&s, l6, LP, r6, RP, PISN, mss_table[i], T0 - 1, NULL);
		uint32_t n4 = cookie4(&s, L4, LP, R4, RP, PISN, mss_table[i], T0 + 1, NULL);

		mss = 0;
		assert_int_equal(check4(&s, L4, LP, R4, RP, PISN, c4, T0, &mss), 0);
		assert_int_equal(mss, mss_table[i]);
		mss = 0;
		assert_int_equal(check6(&s, l6, LP, r6, RP, PISN, c6, T0, &mss), 0);
		assert_int_equal(mss, mss_table[i]);
		assert_int_equal(check4(&s, L4, LP, R4, RP, PISN, n4, T0 - 1, NULL), -EINVAL);
	}
}

/* ---------------------------------------------------------------------- */
/* Lifetime */

/* Same unit and the next one: accepted; 2 and 3 units later: rejected. */
static void
test_cookie_accepted_one_unit_later_rejected_three_later(void **state)
{
	struct tern_tcp_isn_secret s;
	uint16_t mss = 0;
	unsigned int i;

	(void)state;
	secret_a(&s);
	for (i = 0; i < NB_MSS; i++) {
		uint16_t pm = mss_table[i];

		assert_int_equal(round_trip4(&s, pm, T0, T0 + UNIT, NULL, &mss), 0);
		assert_int_equal(mss, pm);
		assert_int_equal(round_trip6(&s, pm, T0, T0 + UNIT, NULL, &mss), 0);
		assert_int_equal(mss, pm);
		assert_int_equal(round_trip4(&s, pm, T0, T0 + 3 * UNIT, NULL, NULL), -EINVAL);
		assert_int_equal(round_trip6(&s, pm, T0, T0 + 3 * UNIT, NULL, NULL), -EINVAL);
		assert_int_equal(round_trip4(&s, pm, T0, T0 + 2 * UNIT, NULL, NULL), -EINVAL);
		assert_int_equal(round_trip6(&s, pm, T0, T0 + 2 * UNIT, NULL, NULL), -EINVAL);
	}
}

/*
 * The bound: made at the start of unit t, accepted to the last nanosecond
 * of unit t + 1 (almost 2 units old); made at its last nanosecond, accepted
 * 1 unit later and rejected 1 ns after that.
 */
static void
test_cookie_age_bound_is_two_units(void **state)
{
	struct tern_tcp_isn_secret s;

	(void)state;
	secret_a(&s);
	assert_int_equal(round_trip4(&s, 1460, T0, T0, NULL, NULL), 0);
	assert_int_equal(round_trip4(&s, 1460, T0, T0 + UNIT - 1, NULL, NULL), 0);
	assert_int_equal(round_trip4(&s, 1460, T0, T0 + 2 * UNIT - 1, NULL, NULL), 0);
	assert_int_equal(round_trip4(&s, 1460, T0, T0 + 2 * UNIT, NULL, NULL), -EINVAL);
	assert_int_equal(round_trip4(&s, 1460, T0 + UNIT - 1, T0 + 2 * UNIT - 1, NULL, NULL), 0);
	assert_int_equal(round_trip4(&s, 1460, T0 + UNIT - 1, T0 + 2 * UNIT, NULL, NULL), -EINVAL);
	assert_int_equal(round_trip6(&s, 1440, T0, T0 + 2 * UNIT - 1, NULL, NULL), 0);
	assert_int_equal(round_trip6(&s, 1440, T0, T0 + 2 * UNIT, NULL, NULL), -EINVAL);
}

/*
 * Old cookies whose 2 time bits look current again (4, 5, 8 units) are
 * rejected by the MAC, which covers the whole counter; so are cookies from
 * the future (clock went back a unit) and from far away.
 */
static void
test_cookie_rejected_when_old_or_from_the_future(void **state)
{
	static const uint64_t later[] = { 2, 3, 4, 5, 6, 7, 8, 9, 12, 16, 100, 1000 };
	struct tern_tcp_isn_secret s;
	unsigned int i, k;

	(void)state;
	secret_a(&s);
	for (i = 0; i < NB_MSS; i++) {
		for (k = 0; k < sizeof(later) / sizeof(later[0]); k++) {
			assert_int_equal(round_trip4(&s, mss_table[i], T0, T0 + later[k] * UNIT,
						     NULL, NULL), -EINVAL);
			assert_int_equal(round_trip6(&s, mss_table[i], T0, T0 + later[k] * UNIT,
						     NULL, NULL), -EINVAL);
		}
		assert_int_equal(round_trip4(&s, mss_table[i], T0, T0 - 1, NULL, NULL), -EINVAL);
		assert_int_equal(round_trip6(&s, mss_table[i], T0, T0 - 1, NULL, NULL), -EINVAL);
		assert_int_equal(round_trip4(&s, mss_table[i], T0, T0 - 4 * UNIT, NULL, NULL),
				 -EINVAL);
	}
}

/* The first units of the clock work too (now - 1 wraps the counter). */
static void
test_cookie_works_at_clock_start(void **state)
{
	struct tern_tcp_isn_secret s;

	(void)state;
	secret_a(&s);
	assert_int_equal(round_trip4(&s, 1460, 0, 0, NULL, NULL), 0);
	assert_int_equal(round_trip4(&s, 1460, 0, UNIT, NULL, NULL), 0);
	assert_int_equal(round_trip4(&s, 1460, 0, 2 * UNIT, NULL, NULL), -EINVAL);
	assert_int_equal(round_trip6(&s, 1460, 5, UNIT + 5, NULL, NULL), 0);
}

/* ---------------------------------------------------------------------- */
/* Rejection */

/* Every single bit flip of the cookie, for every MSS and a few instants. */
static void
test_cookie_rejected_with_any_bit_flipped(void **state)
{
	static const uint64_t when[] = { 0, UNIT / 2, UNIT, 2 * UNIT + 1, 3 * UNIT + 7 };
	struct tern_tcp_isn_secret s;
	unsigned int i, w, bit;

	(void)state;
	secret_a(&s);
	for (w = 0; w < sizeof(when) / sizeof(when[0]); w++) {
		uint64_t made = T0 + when[w];

		for (i = 0; i < NB_MSS; i++) {
			uint32_t c4 = cookie4(&s, L4, LP, R4, RP, PISN, mss_table[i],
						       made, NULL);
			uint32_t c6 = cookie6(&s, l6, LP, r6, RP, PISN, mss_table[i],
						       made, NULL);

			assert_int_equal(check4(&s, L4, LP, R4, RP, PISN, c4,
								made, NULL), 0);
			assert_int_equal(check6(&s, l6, LP, r6, RP, PISN, c6,
								made, NULL), 0);
			for (bit = 0; bit < 32; bit++) {
				uint32_t f4 = c4 ^ (UINT32_C(1) << bit);
				uint32_t f6 = c6 ^ (UINT32_C(1) << bit);
				uint16_t mss = 0xdead;

				/* Neither now nor one unit later. */
				assert_int_equal(check4(&s, L4, LP, R4, RP, PISN,
									f4, made, &mss), -EINVAL);
				assert_int_equal(check4(&s, L4, LP, R4, RP, PISN,
									f4, made + UNIT, &mss),
						 -EINVAL);
				assert_int_equal(check6(&s, l6, LP, r6, RP, PISN,
									f6, made, &mss), -EINVAL);
				assert_int_equal(check6(&s, l6, LP, r6, RP, PISN,
									f6, made + UNIT, &mss),
						 -EINVAL);
				/* A failed check leaves mss_out alone. */
				assert_int_equal(mss, 0xdead);
			}
		}
	}
}

static void
test_cookie_rejected_for_other_peer_isn(void **state)
{
	static const uint32_t delta[] = { 1, UINT32_C(0xffffffff), 2, 0x100, UINT32_C(0x80000000) };
	struct tern_tcp_isn_secret s;
	uint32_t c4, c6;
	unsigned int k;

	(void)state;
	secret_a(&s);
	c4 = cookie4(&s, L4, LP, R4, RP, PISN, 1460, T0, NULL);
	c6 = cookie6(&s, l6, LP, r6, RP, PISN, 1440, T0, NULL);
	for (k = 0; k < sizeof(delta) / sizeof(delta[0]); k++) {
		assert_int_equal(check4(&s, L4, LP, R4, RP, PISN + delta[k], c4,
							T0, NULL), -EINVAL);
		assert_int_equal(check6(&s, l6, LP, r6, RP, PISN + delta[k], c6,
							T0, NULL), -EINVAL);
	}
}

static void
test_cookie_rejected_for_other_port(void **state)
{
	struct tern_tcp_isn_secret s;
	uint32_t c4, c6;
	unsigned int bit;

	(void)state;
	secret_a(&s);
	c4 = cookie4(&s, L4, LP, R4, RP, PISN, 1460, T0, NULL);
	c6 = cookie6(&s, l6, LP, r6, RP, PISN, 1440, T0, NULL);
	for (bit = 0; bit < 16; bit++) {
		uint16_t x = (uint16_t)(1u << bit);

		assert_int_equal(check4(&s, L4, LP ^ x, R4, RP, PISN, c4, T0, NULL),
				 -EINVAL);
		assert_int_equal(check4(&s, L4, LP, R4, RP ^ x, PISN, c4, T0, NULL),
				 -EINVAL);
		assert_int_equal(check6(&s, l6, LP ^ x, r6, RP, PISN, c6, T0, NULL),
				 -EINVAL);
		assert_int_equal(check6(&s, l6, LP, r6, RP ^ x, PISN, c6, T0, NULL),
				 -EINVAL);
	}
	/* Ports swapped. */
	assert_int_equal(check4(&s, L4, RP, R4, LP, PISN, c4, T0, NULL), -EINVAL);
	assert_int_equal(check6(&s, l6, RP, r6, LP, PISN, c6, T0, NULL), -EINVAL);
}

static void
test_cookie_rejected_for_other_address(void **state)
{
	struct tern_tcp_isn_secret s;
	uint8_t x6[16];
	uint32_t c4, c6;
	unsigned int bit;

	(void)state;
	secret_a(&s);
	c4 = cookie4(&s, L4, LP, R4, RP, PISN, 1460, T0, NULL);
	c6 = cookie6(&s, l6, LP, r6, RP, PISN, 1440, T0, NULL);
	for (bit = 0; bit < 32; bit++) {
		uint32_t x = UINT32_C(1) << bit;

		assert_int_equal(check4(&s, L4 ^ x, LP, R4, RP, PISN, c4, T0, NULL),
				 -EINVAL);
		assert_int_equal(check4(&s, L4, LP, R4 ^ x, RP, PISN, c4, T0, NULL),
				 -EINVAL);
	}
	/* Addresses swapped. */
	assert_int_equal(check4(&s, R4, LP, L4, RP, PISN, c4, T0, NULL), -EINVAL);
	for (bit = 0; bit < 128; bit++) {
		memcpy(x6, l6, 16);
		x6[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(check6(&s, x6, LP, r6, RP, PISN, c6, T0, NULL),
				 -EINVAL);
		memcpy(x6, r6, 16);
		x6[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(check6(&s, l6, LP, x6, RP, PISN, c6, T0, NULL),
				 -EINVAL);
	}
	assert_int_equal(check6(&s, r6, LP, l6, RP, PISN, c6, T0, NULL), -EINVAL);
}

static void
test_cookie_rejected_under_other_secret(void **state)
{
	struct tern_tcp_isn_secret s, o;
	uint8_t key_b[16];
	unsigned int bit, i, ok = 0;

	(void)state;
	secret_a(&s);
	for (bit = 0; bit < 128; bit++) {
		memcpy(key_b, key_a, sizeof(key_b));
		key_b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(tcp_isn_init(&o, key_b), 0);
		for (i = 0; i < NB_MSS; i++) {
			uint32_t c4 = cookie4(&s, L4, LP, R4, RP, PISN, mss_table[i], T0,
						       NULL);
			uint32_t c6 = cookie6(&s, l6, LP, r6, RP, PISN, mss_table[i], T0,
						       NULL);

			ok += check4(&o, L4, LP, R4, RP, PISN, c4, T0, NULL) == 0;
			ok += check6(&o, l6, LP, r6, RP, PISN, c6, T0, NULL) == 0;
		}
	}
	assert_int_equal(ok, 0);
}

/* An IPv4 cookie does not check as the v4-mapped IPv6 connection, nor back. */
static void
test_cookie_v4_and_v4_mapped_v6_differ(void **state)
{
	struct tern_tcp_isn_secret s;
	uint8_t ml[16] = { [10] = 0xff, [11] = 0xff }, mr[16] = { [10] = 0xff, [11] = 0xff };
	uint32_t l = L4, r = R4, c4, c6;

	(void)state;
	secret_a(&s);
	memcpy(ml + 12, &l, 4);
	memcpy(mr + 12, &r, 4);
	c4 = cookie4(&s, L4, LP, R4, RP, PISN, 1460, T0, NULL);
	c6 = cookie6(&s, ml, LP, mr, RP, PISN, 1460, T0, NULL);
	assert_int_equal(check6(&s, ml, LP, mr, RP, PISN, c4, T0, NULL), -EINVAL);
	assert_int_equal(check4(&s, L4, LP, R4, RP, PISN, c6, T0, NULL), -EINVAL);
}

/*
 * Blind guessing: for one connection, of 2^20 consecutive cookie values
 * only the right one may pass (expected false passes 2^20 * 2^-27 = 2^-7).
 */
static void
test_cookie_guesses_rejected(void **state)
{
	struct tern_tcp_isn_secret s;
	uint32_t c, g;
	unsigned int i, ok = 0;

	(void)state;
	secret_a(&s);
	c = cookie4(&s, L4, LP, R4, RP, PISN, 1460, T0, NULL);
	for (i = 0; i < (1u << 20); i++) {
		g = c - (1u << 19) + i;
		ok += check4(&s, L4, LP, R4, RP, PISN, g, T0, NULL) == 0;
	}
	assert_int_equal(ok, 1);
}

/* ---------------------------------------------------------------------- */
/* Spread */

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * 10,000 peer ports at one instant, one MSS: the top 5 bits (time and MSS
 * fields under the pad) spread over all 32 values, the top bit is set about
 * half of the time, and cookies hardly repeat.
 */
static void
test_cookie_spread_over_many_ports(void **state)
{
	enum { N = 10000 };
	struct tern_tcp_isn_secret s;
	unsigned int hist[32] = { 0 };
	uint32_t *c;
	unsigned int i, dup = 0, high = 0;

	(void)state;
	secret_a(&s);
	c = malloc(N * sizeof(*c));
	assert_non_null(c);
	for (i = 0; i < N; i++) {
		c[i] = cookie4(&s, L4, LP, R4, rte_cpu_to_be_16((uint16_t)(20000 + i)),
					PISN, 1460, T0, NULL);
		high += c[i] >> 31;
		hist[c[i] >> 27]++;
	}
	qsort(c, N, sizeof(*c), cmp_u32);
	for (i = 1; i < N; i++)
		dup += c[i] == c[i - 1];
	free(c);
	/* Expected duplicates: N^2 / 2^33, about 0.01. */
	assert_true(dup <= 2);
	/* Binomial(10000, 1/2): sd 50. */
	assert_true(high > N / 2 - 300 && high < N / 2 + 300);
	/* Binomial(10000, 1/32): mean 312.5, sd about 17.4. */
	for (i = 0; i < 32; i++) {
		if (hist[i] < 200 || hist[i] > 425)
			print_message("top bits %u: %u cookies\n", i, hist[i]);
		assert_true(hist[i] >= 200 && hist[i] <= 425);
	}
}

/* ---------------------------------------------------------------------- */
/* Options in the timestamp */

static void
assert_tsval_round_trip(uint32_t now_ts)
{
	int ws, got_ws;
	unsigned int sk;
	bool got_sack;

	for (ws = -1; ws <= TERN_TCP_WSCALE_MAX; ws++) {
		for (sk = 0; sk < 2; sk++) {
			uint32_t tsval = tcp_cookie_tsval(now_ts, ws, sk != 0);

			/* Never after now_ts, less than 64 ticks before it. */
			assert_true(SEQ_LEQ(tsval, now_ts));
			assert_true((uint32_t)(now_ts - tsval) < (1u << TERN_TCP_COOKIE_TS_BITS));
			if (now_ts >= (1u << TERN_TCP_COOKIE_TS_BITS) - 1)
				assert_true(tsval <= now_ts);
			got_ws = 99;
			got_sack = sk == 0;
			assert_int_equal(tcp_cookie_ts_decode(tsval, &got_ws, &got_sack), 0);
			assert_int_equal(got_ws, ws);
			assert_int_equal(got_sack, sk != 0);
		}
	}
}

static void
test_cookie_tsval_round_trips_every_option(void **state)
{
	static const uint32_t now[] = {
		1000, 123456789, 0x7fffffc0, 0x7fffffff, 0x80000000, 0xdeadbeef,
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(now) / sizeof(now[0]); i++)
		assert_tsval_round_trip(now[i]);
	/* Every offset within one 64-tick block. */
	for (i = 0; i < 64; i++)
		assert_tsval_round_trip(0x40000000 + i);
}

/* Near 0 the value wraps back past 2^32 - 1; near 2^32 it stays below now. */
static void
test_cookie_tsval_wraps_near_zero_and_2_32(void **state)
{
	uint32_t now_ts;
	unsigned int i;

	(void)state;
	for (i = 0; i < 70; i++) {
		assert_tsval_round_trip(i);
		assert_tsval_round_trip(UINT32_C(0xffffffff) - i);
	}
	/* At 0, some encodings must wrap to the top of the space. */
	now_ts = 0;
	assert_true(tcp_cookie_tsval(now_ts, 14, true) > UINT32_C(0xffffffc0));
	assert_true(SEQ_LT(tcp_cookie_tsval(now_ts, 14, true), now_ts));
}

/* The same options at a later now_ts give a later (or equal) tsval. */
static void
test_cookie_tsval_is_monotonic(void **state)
{
	uint32_t now_ts, prev;
	int ws;

	(void)state;
	for (ws = -1; ws <= TERN_TCP_WSCALE_MAX; ws += 5) {
		prev = tcp_cookie_tsval(UINT32_C(0xfffff000), ws, true);
		for (now_ts = UINT32_C(0xfffff001); now_ts != 0x1000; now_ts++) {
			uint32_t v = tcp_cookie_tsval(now_ts, ws, true);

			assert_true(SEQ_GEQ(v, prev));
			prev = v;
		}
	}
}

/* Out-of-range window scales are clamped: above 14 to 14, below -1 to none. */
static void
test_cookie_tsval_clamps_wscale(void **state)
{
	int ws;
	bool sack;

	(void)state;
	assert_int_equal(tcp_cookie_ts_decode(tcp_cookie_tsval(5000, 15, false),
						   &ws, &sack), 0);
	assert_int_equal(ws, 14);
	assert_false(sack);
	assert_int_equal(tcp_cookie_ts_decode(tcp_cookie_tsval(5000, 200, true),
						   &ws, &sack), 0);
	assert_int_equal(ws, 14);
	assert_true(sack);
	assert_int_equal(tcp_cookie_ts_decode(tcp_cookie_tsval(5000, -7, true),
						   &ws, &sack), 0);
	assert_int_equal(ws, -1);
	assert_true(sack);
}

/* The check bit: 0 and any single altered option bit are refused; half the codes are valid. */
static void
test_cookie_ts_decode_rejects_altered_echo(void **state)
{
	int ws, w;
	bool sack;
	unsigned int bit, code, valid = 0;

	(void)state;
	ws = 3;
	sack = true;
	assert_int_equal(tcp_cookie_ts_decode(0, &ws, &sack), -EINVAL);
	assert_int_equal(ws, -1);
	assert_false(sack);
	for (w = -1; w <= TERN_TCP_WSCALE_MAX; w++) {
		uint32_t tsval = tcp_cookie_tsval(777777, w, true);

		for (bit = 0; bit < TERN_TCP_COOKIE_TS_BITS; bit++)
			assert_int_equal(tcp_cookie_ts_decode(tsval ^ (1u << bit), &ws, &sack),
					 -EINVAL);
		/* Bits above the code do not matter. */
		assert_int_equal(tcp_cookie_ts_decode(tsval ^ 0x40, &ws, &sack), 0);
		assert_int_equal(ws, w);
	}
	for (code = 0; code < (1u << TERN_TCP_COOKIE_TS_BITS); code++)
		valid += tcp_cookie_ts_decode(0x1000 + code, &ws, &sack) == 0;
	assert_int_equal(valid, 32);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cookie_mss_table_entries_round_trip),
		cmocka_unit_test(test_cookie_mss_between_entries_rounds_down),
		cmocka_unit_test(test_cookie_mss_below_table_takes_smallest),
		cmocka_unit_test(test_cookie_mss_index_changes_cookie),
		cmocka_unit_test(test_cookie_mss_bits_not_malleable),
		cmocka_unit_test(test_cookie_previous_unit_recovers_mss),
		cmocka_unit_test(test_cookie_accepted_one_unit_later_rejected_three_later),
		cmocka_unit_test(test_cookie_age_bound_is_two_units),
		cmocka_unit_test(test_cookie_rejected_when_old_or_from_the_future),
		cmocka_unit_test(test_cookie_works_at_clock_start),
		cmocka_unit_test(test_cookie_rejected_with_any_bit_flipped),
		cmocka_unit_test(test_cookie_rejected_for_other_peer_isn),
		cmocka_unit_test(test_cookie_rejected_for_other_port),
		cmocka_unit_test(test_cookie_rejected_for_other_address),
		cmocka_unit_test(test_cookie_rejected_under_other_secret),
		cmocka_unit_test(test_cookie_v4_and_v4_mapped_v6_differ),
		cmocka_unit_test(test_cookie_guesses_rejected),
		cmocka_unit_test(test_cookie_spread_over_many_ports),
		cmocka_unit_test(test_cookie_tsval_round_trips_every_option),
		cmocka_unit_test(test_cookie_tsval_wraps_near_zero_and_2_32),
		cmocka_unit_test(test_cookie_tsval_is_monotonic),
		cmocka_unit_test(test_cookie_tsval_clamps_wscale),
		cmocka_unit_test(test_cookie_ts_decode_rejects_altered_echo),
	};

	return cmocka_run_group_tests_name("tcp_cookie", tests, NULL, NULL);
}
