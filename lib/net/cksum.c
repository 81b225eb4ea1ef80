/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "tern_net_priv.h"

uint16_t
tern_cksum_fold(uint32_t sum)
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
tern_cksum_mbuf_segs(const struct rte_mbuf *m, uint32_t off, uint32_t len, uint32_t sum)
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
		s = tern_cksum_fold64(tern_cksum_add(p, n, 0));
		if (odd)
			s = ((s & 0xff) << 8) | (s >> 8);
		acc += s;
		if (n & 1)
			odd = !odd;
		len -= n;
		off = 0;
		m = m->next;
	}
	return (uint16_t)~tern_cksum_fold64(acc);
}

uint32_t
tern_cksum_phdr4(tern_ip4_t src, tern_ip4_t dst, uint8_t proto, uint32_t len)
{
	uint32_t s = 0;

	s += (src & 0xffff) + (src >> 16);
	s += (dst & 0xffff) + (dst >> 16);
	s += rte_cpu_to_be_16(proto);
	s += rte_cpu_to_be_16((uint16_t)len);
	return s;
}

uint32_t
tern_cksum_phdr6(const struct tern_ip6 *src, const struct tern_ip6 *dst, uint8_t proto,
		 uint32_t len)
{
	uint64_t s;
	rte_be32_t l = rte_cpu_to_be_32(len), p = rte_cpu_to_be_32(proto);

	s = tern_cksum_add(src->a, 16, 0);
	s = tern_cksum_add(dst->a, 16, s);
	s += l;
	s += p;
	return tern_cksum_fold64(s);
}
