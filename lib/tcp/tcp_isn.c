/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * Initial sequence numbers (RFC 6528):
 *   ISN = M + F(localip, localport, remoteip, remoteport, secretkey)
 * M is a timer ticking every 4 microseconds, F a keyed hash: SipHash-2-4
 * with a 128-bit secret, written here from the description in
 * J.-P. Aumasson and D. J. Bernstein, "SipHash: a fast short-input PRF"
 * (INDOCRYPT 2012), section 2.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>

#include "tern_tcp_priv.h"

/* Nanoseconds per tick of M (RFC 6528 3: a 4-microsecond timer). */
#define ISN_TICK_NS	4000

static inline uint64_t
rotl64(uint64_t x, unsigned int b)
{
	return (x << b) | (x >> (64 - b));
}

/* Little-endian load of 8 bytes, whatever the host order and alignment. */
static inline uint64_t
get_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/* The SipRound: an ARX network on the four 64-bit state words. */
static inline void
sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = rotl64(v[1], 13);
	v[1] ^= v[0];
	v[0] = rotl64(v[0], 32);
	v[2] += v[3];
	v[3] = rotl64(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = rotl64(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = rotl64(v[1], 17);
	v[1] ^= v[2];
	v[2] = rotl64(v[2], 32);
}

/* Absorb message word @m: c = 2 compression rounds. */
static inline void
sip_compress(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	sip_round(v);
	sip_round(v);
	v[0] ^= m;
}

uint64_t
siphash24(const uint8_t key[16], const void *msg, size_t len)
{
	const uint8_t *in = msg;
	uint64_t k0 = get_le64(key);
	uint64_t k1 = get_le64(key + 8);
	uint64_t v[4];
	uint64_t last;
	size_t full = len & ~(size_t)7;
	size_t i;

	/* Initialization: the key xored with "somepseudorandomlygeneratedbytes". */
	v[0] = k0 ^ UINT64_C(0x736f6d6570736575);
	v[1] = k1 ^ UINT64_C(0x646f72616e646f6d);
	v[2] = k0 ^ UINT64_C(0x6c7967656e657261);
	v[3] = k1 ^ UINT64_C(0x7465646279746573);

	for (i = 0; i < full; i += 8)
		sip_compress(v, get_le64(in + i));

	/* The last word: the 0..7 remaining bytes, and len mod 256 on top. */
	last = (uint64_t)(len & 0xff) << 56;
	in += full;
	switch (len & 7) {
	case 7:
		last |= (uint64_t)in[6] << 48;
		/* fall through */
	case 6:
		last |= (uint64_t)in[5] << 40;
		/* fall through */
	case 5:
		last |= (uint64_t)in[4] << 32;
		/* fall through */
	case 4:
		last |= (uint64_t)in[3] << 24;
		/* fall through */
	case 3:
		last |= (uint64_t)in[2] << 16;
		/* fall through */
	case 2:
		last |= (uint64_t)in[1] << 8;
		/* fall through */
	case 1:
		last |= (uint64_t)in[0];
		break;
	default:
		break;
	}
	sip_compress(v, last);

	/* Finalization: d = 4 rounds. */
	v[2] ^= 0xff;
	sip_round(v);
	sip_round(v);
	sip_round(v);
	sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

int
tcp_isn_init(struct tern_tcp_isn_secret *secret, const uint8_t *key)
{
	size_t got = 0;

	if (key != NULL) {
		memcpy(secret->key, key, sizeof(secret->key));
		return 0;
	}
	while (got < sizeof(secret->key)) {
		ssize_t n = getrandom(secret->key + got, sizeof(secret->key) - got, 0);

		if (n < 0) {
			int err = errno;

			if (err == EINTR)
				continue;
			memset(secret->key, 0, sizeof(secret->key));
			return -err;
		}
		got += (size_t)n;
	}
	return 0;
}

/* M: the 4-microsecond clock, wrapping modulo 2^32. */
static inline uint32_t
isn_clock(uint64_t now_ns)
{
	return (uint32_t)(now_ns / ISN_TICK_NS);
}

/* The ISN from the hash's low half; the timestamp offset (if asked) from its high half. */
static inline uint32_t
isn_split(uint64_t h, uint64_t now_ns, uint32_t *ts_off)
{
	if (ts_off != NULL)
		*ts_off = (uint32_t)(h >> 32);
	return isn_clock(now_ns) + (uint32_t)h;
}

uint32_t
tcp_isn4(const struct tern_tcp_isn_secret *secret,
	      uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport,
	      uint64_t now_ns, uint32_t *ts_off)
{
	/* The 4-tuple as it sits in the headers: network byte order. */
	uint8_t msg[12];

	memcpy(msg, &laddr, 4);
	memcpy(msg + 4, &raddr, 4);
	memcpy(msg + 8, &lport, 2);
	memcpy(msg + 10, &rport, 2);
	return isn_split(siphash24(secret->key, msg, sizeof(msg)), now_ns, ts_off);
}

uint32_t
tcp_isn6(const struct tern_tcp_isn_secret *secret,
	      const uint8_t laddr[16], uint16_t lport,
	      const uint8_t raddr[16], uint16_t rport, uint64_t now_ns, uint32_t *ts_off)
{
	uint8_t msg[36];

	memcpy(msg, laddr, 16);
	memcpy(msg + 16, raddr, 16);
	memcpy(msg + 32, &lport, 2);
	memcpy(msg + 34, &rport, 2);
	return isn_split(siphash24(secret->key, msg, sizeof(msg)), now_ns, ts_off);
}
