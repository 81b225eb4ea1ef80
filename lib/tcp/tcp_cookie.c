/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * Stateless SYN cookies (RFC 4987 3.6).
 *
 * One keyed hash per cookie made:
 *
 *   h = SipHash-2-4(secret, tuple | peer_isn | T | 0x02)      64 bits
 *
 * tuple is laddr | raddr | lport | rport as they sit in the headers (as in
 * tcp_isn.c), peer_isn and T (the 32-bit time counter, now_ns / 64 s)
 * little endian, and the last byte sets this hash apart from the other
 * uses of the secret. Of h: A = bits 0..28, B = bits 32..60 with bit 0
 * forced to 1 (odd), PAD = bits 61..63. The cookie (the ISN of our
 * SYN-ACK), 32 bits:
 *
 *    31     29 28                                            0
 *   +---------+-----------------------------------------------+
 *   | m ^ PAD |        MAC = (A + m * B) mod 2^29            |
 *   +---------+-----------------------------------------------+
 *
 *   m    the index (0..7) of the MSS in mss_table[]
 *
 * No time bits: the check computes h for the current unit T and, if that
 * fails, for T - 1; a cookie passes for the unit it was made in and the
 * next one, never 2 or more units later or from a later unit (its h is
 * then another PRF output, which matches with probability 2^-29). For each
 * candidate, PAD gives back m, and the MAC must match: any change of m
 * alone moves the MAC by (m' - m) * B, which is never 0 mod 2^29 (B odd,
 * |m' - m| < 8), so every single bit of the cookie is covered, and to
 * whoever does not hold the secret the whole 32 bits look random (RFC
 * 6528's concern). Blind forgery succeeds with probability 2 * 2^-29 =
 * 2^-28 per try (two units tried); one who saw a valid cookie and wants
 * the same connection with another MSS must guess (m' - m) * B: at least
 * 27 unknown bits. The secret is a 128-bit SipHash key (tcp_isn_init()).
 *
 * The options that do not fit (window scale, SACK-permitted) go in the low
 * 6 bits of our timestamp value, which the peer echoes in the ACK:
 *
 *      5      4     3       0
 *   +-----+------+----------+
 *   | chk | sack | wscale+1 |     wscale+1: 0 = none, 1..15 = shift 0..14
 *   +-----+------+----------+     chk: 1 ^ parity of bits 0..4
 *
 * chk makes 0 and any single altered bit invalid.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tern_tcp_priv.h"
#include "tcp_cookie.h"
#include "tcp_opt.h"

#define COOKIE_MAC_BITS		29
#define COOKIE_MSS_BITS		3

#define COOKIE_MAC_MASK		((UINT32_C(1) << COOKIE_MAC_BITS) - 1)
#define COOKIE_MSS_MASK		((UINT32_C(1) << COOKIE_MSS_BITS) - 1)

_Static_assert(COOKIE_MAC_BITS + COOKIE_MSS_BITS == 32, "cookie is 32 bits");

/* Last byte of the hashed message: this use of the secret. */
#define COOKIE_DOMAIN		0x02

/*
 * MSS values a cookie can carry, ascending. IPv4 and IPv6 share the table:
 * 536 IPv4 minimum (RFC 9293), 1220 IPv6 minimum (1280 - 60), 1300 and
 * 1380 for common VPN and tunnel paths, 1420 IPv6 over a 1480 tunnel,
 * 1440 IPv6 over Ethernet (and IPv4 over PPPoE, 1452, rounds to it), 1460
 * IPv4 over Ethernet, 8940 jumbo frames (9000 - 60, so it fits IPv6 too).
 */
static const uint16_t mss_table[] = { 536, 1220, 1300, 1380, 1420, 1440, 1460, 8940 };

_Static_assert(sizeof(mss_table) / sizeof(mss_table[0]) <= (1u << COOKIE_MSS_BITS),
	       "MSS table too large for its field");

#define MSS_TABLE_SIZE	(sizeof(mss_table) / sizeof(mss_table[0]))

/* Timestamp option bits */
#define TS_WS_MASK	0x0fu
#define TS_SACK		0x10u
#define TS_CHK		0x20u
#define TS_MASK		((1u << TERN_TCP_COOKIE_TS_BITS) - 1)

/* Room for the longest message: IPv6 tuple (36) + peer_isn (4) + T (4) + domain. */
#define COOKIE_MSG_MAX	45

static inline void
put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline uint32_t
cookie_clock(uint64_t now_ns)
{
	return (uint32_t)(now_ns / TERN_TCP_COOKIE_UNIT_NS);
}

/* Largest entry <= @peer_mss; entry 0 if @peer_mss is below all. */
static unsigned int
mss_index(uint16_t peer_mss)
{
	unsigned int i;

	for (i = MSS_TABLE_SIZE - 1; i > 0; i--)
		if (mss_table[i] <= peer_mss)
			break;
	return i;
}

/* tuple | peer_isn: 16 bytes for IPv4, 40 for IPv6; then room for T | domain. */
static size_t
msg_key(uint8_t *msg, const struct tern_tcp_key *k, uint32_t peer_isn)
{
	size_t alen;

	/* constant lengths: the copies are plain moves */
	if (k->family == 4) {
		alen = 4;
		memcpy(msg, k->laddr, 4);
		memcpy(msg + 4, k->raddr, 4);
	} else {
		alen = 16;
		memcpy(msg, k->laddr, 16);
		memcpy(msg + 16, k->raddr, 16);
	}
	memcpy(msg + 2 * alen, &k->lport, 2);
	memcpy(msg + 2 * alen + 2, &k->rport, 2);
	put_le32(msg + 2 * alen + 4, peer_isn);
	msg[2 * alen + 12] = COOKIE_DOMAIN;
	return 2 * alen + 8;
}

/* The cookie of MSS index @m for unit @t; @msg from msg_key(), @base its length. */
static uint32_t
cookie_of(const struct tern_tcp_isn_secret *sec, uint8_t *msg, size_t base, uint32_t t,
	  unsigned int m)
{
	uint64_t h;
	uint32_t a, b;

	put_le32(msg + base, t);
	h = siphash24(sec->key, msg, base + 5);
	a = (uint32_t)h & COOKIE_MAC_MASK;
	b = ((uint32_t)(h >> 32) & COOKIE_MAC_MASK) | 1;
	return (((uint32_t)(h >> 61) ^ m) << COOKIE_MAC_BITS) |
	       ((a + m * b) & COOKIE_MAC_MASK);
}

uint32_t
tcp_cookie(const struct tern_tcp_isn_secret *sec, const struct tern_tcp_key *k,
	   uint32_t peer_isn, uint16_t peer_mss, uint64_t now_ns, uint16_t *mss_out)
{
	uint8_t msg[COOKIE_MSG_MAX];
	size_t base = msg_key(msg, k, peer_isn);
	unsigned int m = mss_index(peer_mss);

	if (mss_out != NULL)
		*mss_out = mss_table[m];
	return cookie_of(sec, msg, base, cookie_clock(now_ns), m);
}

/* The MSS index of @cookie if it is the one of unit @t, else -1. */
static int
cookie_match(const struct tern_tcp_isn_secret *sec, uint8_t *msg, size_t base, uint32_t t,
	     uint32_t cookie)
{
	uint64_t h;
	uint32_t a, b, m;

	put_le32(msg + base, t);
	h = siphash24(sec->key, msg, base + 5);
	a = (uint32_t)h & COOKIE_MAC_MASK;
	b = ((uint32_t)(h >> 32) & COOKIE_MAC_MASK) | 1;
	m = (cookie >> COOKIE_MAC_BITS) ^ (uint32_t)(h >> 61);
	if (((a + m * b) & COOKIE_MAC_MASK) != (cookie & COOKIE_MAC_MASK))
		return -1;
	return (int)m;
}

int
tcp_cookie_check(const struct tern_tcp_isn_secret *sec, const struct tern_tcp_key *k,
		 uint32_t peer_isn, uint32_t cookie, uint64_t now_ns, uint16_t *mss_out)
{
	uint8_t msg[COOKIE_MSG_MAX];
	size_t base = msg_key(msg, k, peer_isn);
	uint32_t now = cookie_clock(now_ns);
	int m;

	/* this unit, then the one before: older or later cookies match neither */
	m = cookie_match(sec, msg, base, now, cookie);
	if (m < 0)
		m = cookie_match(sec, msg, base, now - 1, cookie);
	if (m < 0 || (unsigned int)m >= MSS_TABLE_SIZE)
		return -EINVAL;
	if (mss_out != NULL)
		*mss_out = mss_table[m];
	return 0;
}

/* The check bit for option bits @v (bits 0..4): 1 ^ their parity. */
static inline uint32_t
ts_chk(uint32_t v)
{
	return (uint32_t)(__builtin_parity(v & (TS_SACK | TS_WS_MASK)) ^ 1) * TS_CHK;
}

uint32_t
tcp_cookie_tsval(uint32_t now_ts, int wscale, bool sack)
{
	uint32_t code;

	if (wscale > TERN_TCP_WSCALE_MAX)
		wscale = TERN_TCP_WSCALE_MAX;
	if (wscale < -1)
		wscale = -1;
	code = (uint32_t)(wscale + 1) | (sack ? TS_SACK : 0);
	code |= ts_chk(code);
	/* Step back 0..63 ticks to the nearest value whose low bits are code. */
	return now_ts - ((now_ts - code) & TS_MASK);
}

int
tcp_cookie_ts_decode(uint32_t tsecr, int *wscale, bool *sack)
{
	uint32_t code = tsecr & TS_MASK;

	if ((code & TS_CHK) != ts_chk(code)) {
		*wscale = -1;
		*sack = false;
		return -EINVAL;
	}
	*wscale = (int)(code & TS_WS_MASK) - 1;
	*sack = (code & TS_SACK) != 0;
	return 0;
}
