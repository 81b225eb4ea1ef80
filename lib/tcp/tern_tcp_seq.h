/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_TCP_SEQ_H
#define TERN_TCP_SEQ_H

/*
 * TCP sequence number arithmetic (RFC 9293 3.4): sequence numbers live in a
 * space of 2^32 that wraps, so they are compared only through these helpers,
 * never with the plain < and > operators (style rule 6). Internal, not
 * installed.
 *
 * a < b means b lies less than 2^31 ahead of a: the sign of the 32-bit
 * difference (int32_t)(a - b). Two numbers exactly 2^31 apart compare as
 * "a < b" whichever way round; the TCP window (at most 2^30 with scaling)
 * never brings such pairs together.
 */

#include <stdbool.h>
#include <stdint.h>

/* a < b, modulo 2^32 */
static inline bool
SEQ_LT(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

/* a <= b, modulo 2^32 */
static inline bool
SEQ_LEQ(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

/* a > b, modulo 2^32 */
static inline bool
SEQ_GT(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/* a >= b, modulo 2^32 */
static inline bool
SEQ_GEQ(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}

/* The earlier of a and b in sequence space. */
static inline uint32_t
SEQ_MIN(uint32_t a, uint32_t b)
{
	return SEQ_LT(a, b) ? a : b;
}

/* The later of a and b in sequence space. */
static inline uint32_t
SEQ_MAX(uint32_t a, uint32_t b)
{
	return SEQ_GT(a, b) ? a : b;
}

/*
 * lo <= x < hi, modulo 2^32: x lies in the half-open range that starts at
 * lo and runs hi - lo numbers forward. Measured as unsigned distances from
 * lo, so it holds for any range length below 2^32 (not only below 2^31).
 * An empty range (lo == hi) holds nothing.
 */
static inline bool
SEQ_IN(uint32_t x, uint32_t lo, uint32_t hi)
{
	return (uint32_t)(x - lo) < (uint32_t)(hi - lo);
}

#endif /* TERN_TCP_SEQ_H */
