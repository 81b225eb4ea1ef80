/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * Stateless SYN cookies (RFC 4987 3.6).
 *
 * The cookie (the ISN of our SYN-ACK), 32 bits:
 *
 *    31  30 29   27 26                                       0
 *   +------+-------+------------------------------------------+
 *   |  t   |   m   |                  MAC                     |
 *   +------+-------+------------------------------------------+
 *    \_____________/
 *     xor PAD (5 bits)
 *
 *   t    the low 2 bits of the time counter T = now_ns / 64 s
 *   m    the index (0..7) of the MSS in mss_table[]
 *   PAD  5 bits of SipHash-2-4(secret, tuple | peer_isn | 0x00)
 *   MAC  27 bits of SipHash-2-4(secret, tuple | peer_isn | T | m | 0x01)
 *
 * tuple is laddr | raddr | lport | rport as they sit in the headers (as in
 * tcp_isn.c), peer_isn little endian, T the 32-bit counter little endian,
 * m one byte, and the last byte keeps the two hashes apart.
 *
 * The PAD hides t and m, so that all 32 bits of the ISN look random to
 * whoever does not hold the secret (RFC 6528's concern), and a blind
 * attacker has to guess them as well as the MAC.
 *
 * Check: PAD gives back t and m; T is the current counter if its low bits
 * are t, the previous one if its low bits are t, otherwise the cookie is
 * rejected without a second hash. Then the MAC over the whole T (not its 2
 * bits) and m must match: a cookie 4 units old, whose t looks current,
 * fails there, and so does any change of t or m, which is why every single
 * bit of the cookie is covered. Blind forgery succeeds with probability
 * 2 * 8 / 32 * 2^-27 = 2^-28 per try.
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

#define COOKIE_MAC_BITS		27
#define COOKIE_MSS_BITS		3
#define COOKIE_T_BITS		2
#define COOKIE_FIELD_BITS	(COOKIE_T_BITS + COOKIE_MSS_BITS)

#define COOKIE_MAC_MASK		((UINT32_C(1) << COOKIE_MAC_BITS) - 1)
#define COOKIE_MSS_MASK		((UINT32_C(1) << COOKIE_MSS_BITS) - 1)
#define COOKIE_T_MASK		((UINT32_C(1) << COOKIE_T_BITS) - 1)
#define COOKIE_FIELD_MASK	((UINT32_C(1) << COOKIE_FIELD_BITS) - 1)

_Static_assert(COOKIE_MAC_BITS + COOKIE_FIELD_BITS == 32, "cookie is 32 bits");

/* Last byte of the hashed message: which of the two hashes. */
#define COOKIE_DOMAIN_PAD	0x00
#define COOKIE_DOMAIN_MAC	0x01

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

/* Room for the longest message: IPv6 tuple (36) + peer_isn (4) + T (4) + m + domain. */
#define COOKIE_MSG_MAX	46

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

/* @msg holds tuple | peer_isn in its first @base bytes. */
static uint32_t
cookie_pad(const struct tern_tcp_isn_secret *sec, uint8_t *msg, size_t base)
{
	msg[base] = COOKIE_DOMAIN_PAD;
	return (uint32_t)(siphash24(sec->key, msg, base + 1) >> 32) & COOKIE_FIELD_MASK;
}

static uint32_t
cookie_mac(const struct tern_tcp_isn_secret *sec, uint8_t *msg, size_t base,
	   uint32_t t, unsigned int m)
{
	put_le32(msg + base, t);
	msg[base + 4] = (uint8_t)m;
	msg[base + 5] = COOKIE_DOMAIN_MAC;
	return (uint32_t)siphash24(sec->key, msg, base + 6) & COOKIE_MAC_MASK;
}

/* tuple | peer_isn: 16 bytes for IPv4, 40 for IPv6. */
static size_t
msg_key(uint8_t *msg, const struct tern_tcp_key *k, uint32_t peer_isn)
{
	size_t alen = k->family == 4 ? 4 : 16;

	memcpy(msg, k->laddr, alen);
	memcpy(msg + alen, k->raddr, alen);
	memcpy(msg + 2 * alen, &k->lport, 2);
	memcpy(msg + 2 * alen + 2, &k->rport, 2);
	put_le32(msg + 2 * alen + 4, peer_isn);
	return 2 * alen + 8;
}

uint32_t
tcp_cookie(const struct tern_tcp_isn_secret *sec, const struct tern_tcp_key *k,
	   uint32_t peer_isn, uint16_t peer_mss, uint64_t now_ns, uint16_t *mss_out)
{
	uint8_t msg[COOKIE_MSG_MAX];
	size_t base = msg_key(msg, k, peer_isn);
	uint32_t t = cookie_clock(now_ns);
	unsigned int m = mss_index(peer_mss);
	uint32_t fields = ((t & COOKIE_T_MASK) << COOKIE_MSS_BITS) | m;

	if (mss_out != NULL)
		*mss_out = mss_table[m];
	fields ^= cookie_pad(sec, msg, base);
	return (fields << COOKIE_MAC_BITS) | cookie_mac(sec, msg, base, t, m);
}

int
tcp_cookie_check(const struct tern_tcp_isn_secret *sec, const struct tern_tcp_key *k,
		 uint32_t peer_isn, uint32_t cookie, uint64_t now_ns, uint16_t *mss_out)
{
	uint8_t msg[COOKIE_MSG_MAX];
	size_t base = msg_key(msg, k, peer_isn);
	uint32_t fields = (cookie >> COOKIE_MAC_BITS) ^ cookie_pad(sec, msg, base);
	unsigned int m = fields & COOKIE_MSS_MASK;
	uint32_t tl = fields >> COOKIE_MSS_BITS;
	uint32_t now = cookie_clock(now_ns);
	uint32_t t;

	if (m >= MSS_TABLE_SIZE)
		return -EINVAL;
	if (tl == (now & COOKIE_T_MASK))
		t = now;
	else if (tl == ((now - 1) & COOKIE_T_MASK))
		t = now - 1;
	else
		return -EINVAL;	/* from the future, or 2 units old or more */
	if (cookie_mac(sec, msg, base, t, m) != (cookie & COOKIE_MAC_MASK))
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
