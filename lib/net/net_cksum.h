/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_NET_CKSUM_H
#define TERN_NET_CKSUM_H

/*
 * One's complement sums (lib/net/cksum.c): the scalar and vector sums,
 * pseudo-headers, mbuf chains.
 * Included by tern_net_priv.h; not installed.
 */

/* cksum.c */
/*
 * One's complement sum of @len bytes at @buf added to @sum: 64-bit words
 * added with their carries counted apart (add + adc, no spills, no vector
 * shuffles), then folded back below 2^33 so callers may add a few 32-bit
 * terms. By RFC 1071 the sum of wider words folds to the same 16-bit sum.
 * Host byte order, like rte_raw_cksum(); finish with cksum_fold64().
 */
static inline uint64_t
cksum_add_scalar(const void *buf, size_t len, uint64_t sum)
{
	const uint8_t *p = buf;
	uint64_t c = 0, v;
	uint32_t w;
	uint16_t h;

	while (len >= 16) {
		uint64_t a, b;

		memcpy(&a, p, 8);
		memcpy(&b, p + 8, 8);
		c += __builtin_add_overflow(sum, a, &sum);
		c += __builtin_add_overflow(sum, b, &sum);
		p += 16;
		len -= 16;
	}
	if (len >= 8) {
		memcpy(&v, p, 8);
		c += __builtin_add_overflow(sum, v, &sum);
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		memcpy(&w, p, 4);
		c += __builtin_add_overflow(sum, (uint64_t)w, &sum);
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&h, p, 2);
		c += __builtin_add_overflow(sum, (uint64_t)h, &sum);
		p += 2;
		len -= 2;
	}
	if (len)
		c += __builtin_add_overflow(sum, (uint64_t)*p, &sum);
	sum += c;
	sum += sum < c;				/* end-around carry */
	return (sum & 0xffffffff) + (sum >> 32);	/* < 2^33 */
}

/*
 * From this many bytes on, cksum_add() calls the vector sum (AVX2 when
 * the CPU has it, picked once at start-up; else the scalar loop above).
 */
#define TERN_CKSUM_VEC_MIN	128
uint64_t cksum_add_long(const void *buf, size_t len, uint64_t sum);
uint64_t cksum_copy(void *dst, const void *src, size_t len, uint64_t sum);
bool cksum_vec_set(bool on);

/* The one's complement sum of @len bytes at @buf added to @sum (see cksum_add_scalar). */
static inline uint64_t
cksum_add(const void *buf, size_t len, uint64_t sum)
{
	if (len >= TERN_CKSUM_VEC_MIN)
		return cksum_add_long(buf, len, sum);
	return cksum_add_scalar(buf, len, sum);
}

/* Fold a 64-bit sum to 16 bits (not complemented). */
static inline uint16_t
cksum_fold64(uint64_t sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The IPv4 header checksum of @ih (@ihl bytes), field included as it is. */
static inline uint16_t
ip4_hdr_cksum(const void *ih, uint16_t ihl)
{
	if (likely(ihl == 20))	/* no options: the sum unrolled for the constant length */
		return (uint16_t)~cksum_fold64(cksum_add_scalar(ih, 20, 0));
	return (uint16_t)~cksum_fold64(cksum_add(ih, ihl, 0));
}
uint16_t cksum_mbuf_segs(const struct rte_mbuf *m, uint32_t off, uint32_t len,
			      uint32_t sum);

/*
 * The checksum field value for @len bytes of @m from @off plus @sum (a
 * pseudo-header), or 0 when verifying data whose checksum is right.
 * Inline for data within the first segment, the common case.
 */
static inline uint16_t
cksum_mbuf(const struct rte_mbuf *m, uint32_t off, uint32_t len, uint32_t sum)
{
	if (likely(off + len <= m->data_len))
		return (uint16_t)~cksum_fold64(cksum_add(
			rte_pktmbuf_mtod_offset(m, const uint8_t *, off), len, sum));
	return cksum_mbuf_segs(m, off, len, sum);
}
/* The IPv4 pseudo-header sum (unfolded, host order of the one's complement sum). */
static inline uint32_t
cksum_phdr4(tern_ip4_t src, tern_ip4_t dst, uint8_t proto, uint32_t len)
{
	uint32_t s = 0;

	s += (src & 0xffff) + (src >> 16);
	s += (dst & 0xffff) + (dst >> 16);
	s += rte_cpu_to_be_16(proto);
	s += rte_cpu_to_be_16((uint16_t)len);
	return s;
}
uint32_t cksum_phdr6(const struct tern_ip6 *src, const struct tern_ip6 *dst, uint8_t proto,
			  uint32_t len);
uint16_t cksum_fold(uint32_t sum);

/*
 * RFC 1624 eqn. 3: the checksum @hc of data in which the 16-bit word @old
 * became @new (all three as they are in the packet).
 */
static inline uint16_t
cksum_update16(uint16_t hc, uint16_t old, uint16_t new)
{
	uint32_t s = (uint32_t)(uint16_t)~hc + (uint16_t)~old + new;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

#endif /* TERN_NET_CKSUM_H */
