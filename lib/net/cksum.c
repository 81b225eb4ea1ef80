/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * Why not rte_raw_cksum(): it has no copy-and-sum, which software TSO uses
 * to read each payload byte once, and no vector path in DPDK 22.11; the
 * AVX2 sum here was measured against our scalar one (docs/benchmarks.md).
 * The mbuf and pseudo-header helpers follow rte_ip.h's definitions.
 */
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "tern_net_priv.h"

#ifdef RTE_ARCH_X86_64
#include <rte_cpuflags.h>
#include <immintrin.h>
#endif

/*
 * Long sums (payloads) take the vector path: AVX2 where the CPU has it (the
 * build targets corei7, so it is chosen at start-up), 64 bytes a round in
 * four accumulators of eight 32-bit lanes. Each lane takes one 16-bit word,
 * zero-extended, a round: 65,536 rounds (4 MiB) cannot carry out of a lane.
 * The lanes are then widened to 64 bits and added up; by RFC 1071 the sum
 * of the 16-bit words in any grouping folds to the same checksum. The copy
 * variant stores each vector it sums, so software TSO sums the payload in
 * the copy it makes anyway instead of reading it a second time.
 */
static uint64_t
cksum_add_scalar_fn(const void *buf, size_t len, uint64_t sum)
{
	return cksum_add_scalar(buf, len, sum);
}

static uint64_t
cksum_copy_scalar(void *dst, const void *src, size_t len, uint64_t sum)
{
	memcpy(dst, src, len);
	return cksum_add_scalar(dst, len, sum);
}

#ifdef RTE_ARCH_X86_64
#define CKSUM_AVX2_ROUNDS	65536

__attribute__((target("avx2")))
static inline uint64_t
cksum_avx2_hsum(__m256i a0, __m256i a1, __m256i a2, __m256i a3)
{
	const __m256i lo = _mm256_set1_epi64x(0xffffffff);
	__m256i s;
	__m128i h;

	s = _mm256_add_epi64(_mm256_and_si256(a0, lo), _mm256_srli_epi64(a0, 32));
	s = _mm256_add_epi64(s, _mm256_and_si256(a1, lo));
	s = _mm256_add_epi64(s, _mm256_srli_epi64(a1, 32));
	s = _mm256_add_epi64(s, _mm256_and_si256(a2, lo));
	s = _mm256_add_epi64(s, _mm256_srli_epi64(a2, 32));
	s = _mm256_add_epi64(s, _mm256_and_si256(a3, lo));
	s = _mm256_add_epi64(s, _mm256_srli_epi64(a3, 32));
	h = _mm_add_epi64(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
	return (uint64_t)_mm_cvtsi128_si64(h) + (uint64_t)_mm_extract_epi64(h, 1);
}

/* The sum of @len bytes at @p added to @sum, stored to @dst as well if @copy. */
__attribute__((target("avx2"), always_inline))
static inline uint64_t
cksum_avx2(uint8_t *dst, const uint8_t *p, size_t len, uint64_t sum, bool copy)
{
	const __m256i m16 = _mm256_set1_epi32(0xffff);
	const __m256i z = _mm256_setzero_si256();
	uint64_t acc = 0;

	while (len >= 64) {
		size_t rounds = RTE_MIN(len / 64, (size_t)CKSUM_AVX2_ROUNDS);
		__m256i a0 = z, a1 = z, a2 = z, a3 = z;

		len -= rounds * 64;
		for (; rounds > 0; rounds--) {
			__m256i v0 = _mm256_loadu_si256((const __m256i *)p);
			__m256i v1 = _mm256_loadu_si256((const __m256i *)(p + 32));

			if (copy) {
				_mm256_storeu_si256((__m256i *)dst, v0);
				_mm256_storeu_si256((__m256i *)(dst + 32), v1);
				dst += 64;
			}
			a0 = _mm256_add_epi32(a0, _mm256_and_si256(v0, m16));
			a1 = _mm256_add_epi32(a1, _mm256_srli_epi32(v0, 16));
			a2 = _mm256_add_epi32(a2, _mm256_and_si256(v1, m16));
			a3 = _mm256_add_epi32(a3, _mm256_srli_epi32(v1, 16));
			p += 64;
		}
		acc += cksum_avx2_hsum(a0, a1, a2, a3);
	}
	if (len >= 32) {
		__m256i v0 = _mm256_loadu_si256((const __m256i *)p);

		if (copy) {
			_mm256_storeu_si256((__m256i *)dst, v0);
			dst += 32;
		}
		acc += cksum_avx2_hsum(_mm256_and_si256(v0, m16), _mm256_srli_epi32(v0, 16), z, z);
		p += 32;
		len -= 32;
	}
	if (copy)
		memcpy(dst, p, len);
	/* the tail starts at an even offset: its words line up with the vectors' */
	sum = cksum_add_scalar(p, len, sum) + acc;
	return (sum & 0xffffffff) + (sum >> 32);	/* < 2^33 */
}

__attribute__((target("avx2")))
static uint64_t
cksum_add_avx2(const void *buf, size_t len, uint64_t sum)
{
	return cksum_avx2(NULL, buf, len, sum, false);
}

__attribute__((target("avx2")))
static uint64_t
cksum_copy_avx2(void *dst, const void *src, size_t len, uint64_t sum)
{
	return cksum_avx2(dst, src, len, sum, true);
}
#endif /* RTE_ARCH_X86_64 */

static uint64_t (*cksum_add_fn)(const void *, size_t, uint64_t) = cksum_add_scalar_fn;
static uint64_t (*cksum_copy_fn)(void *, const void *, size_t, uint64_t) = cksum_copy_scalar;

/*
 * Use the vector sums (@on) where the CPU has them, or the scalar loop.
 * @return true if the vector sums are now in use. Tests switch it; the
 * library turns it on at start-up.
 */
bool
cksum_vec_set(bool on)
{
#ifdef RTE_ARCH_X86_64
	if (on && rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX2) > 0) {
		cksum_add_fn = cksum_add_avx2;
		cksum_copy_fn = cksum_copy_avx2;
		return true;
	}
#else
	RTE_SET_USED(on);
#endif
	cksum_add_fn = cksum_add_scalar_fn;
	cksum_copy_fn = cksum_copy_scalar;
	return false;
}

RTE_INIT(tern_cksum_init)
{
	cksum_vec_set(true);
}

/* cksum_add() of a long buffer (TERN_CKSUM_VEC_MIN bytes or more). Below 2^33. */
uint64_t
cksum_add_long(const void *buf, size_t len, uint64_t sum)
{
	return cksum_add_fn(buf, len, sum);
}

/*
 * Copy @len bytes from @src to @dst (not overlapping) and return their sum
 * added to @sum, as cksum_add(@src, @len, @sum) would. Below 2^33.
 */
uint64_t
cksum_copy(void *dst, const void *src, size_t len, uint64_t sum)
{
	return cksum_copy_fn(dst, src, len, sum);
}

uint16_t
cksum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * One's complement sum of @len bytes of @m from @off, added to @sum, folded
 * and complemented: the value to put in a checksum field, or 0 when
 * verifying a packet whose checksum is right. Walks multi-segment mbufs;
 * odd-length segments are handled by swapping the next segment's sum.
 */
uint16_t
cksum_mbuf_segs(const struct rte_mbuf *m, uint32_t off, uint32_t len, uint32_t sum)
{
	uint64_t acc = sum;
	uint32_t seglen, n;
	bool odd = false;

	while (m != NULL && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	while (m != NULL && len > 0) {
		const uint8_t *p = rte_pktmbuf_mtod_offset(m, const uint8_t *, off);
		uint32_t s;

		seglen = m->data_len - off;
		n = seglen < len ? seglen : len;
		s = cksum_fold64(cksum_add(p, n, 0));
		if (odd)
			s = ((s & 0xff) << 8) | (s >> 8);
		acc += s;
		if (n & 1)
			odd = !odd;
		len -= n;
		off = 0;
		m = m->next;
	}
	return (uint16_t)~cksum_fold64(acc);
}

uint32_t
cksum_phdr6(const struct tern_ip6 *src, const struct tern_ip6 *dst, uint8_t proto,
		 uint32_t len)
{
	uint64_t s;
	rte_be32_t l = rte_cpu_to_be_32(len), p = rte_cpu_to_be_32(proto);

	s = cksum_add(src->a, 16, 0);
	s = cksum_add(dst->a, 16, s);
	s += l;
	s += p;
	return cksum_fold64(s);
}
