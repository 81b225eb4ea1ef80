/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_ring.h>
#include <rte_thash.h>

#include "tern_core.h"

/*
 * Flows to queues, the way an RSS NIC does it: the Toeplitz hash
 * (rte_thash) of the 4-tuple with the device's key, then the redirection
 * table. Three users: the ephemeral port choice of an active open (the
 * reply must come back to the opener's queue), the software dispatcher of
 * a device without RSS, and the tests that check both against rte_softrss.
 *
 * The key is kept as CPU-order words, the form rte_softrss_be() takes: one
 * conversion at set-up, no byte swap per hash.
 */

/* The usual default Toeplitz key of NICs (as in Microsoft's RSS spec). */
const uint8_t tern_rss_default_key[TERN_RSS_KEY_MIN] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
	0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
	0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

/* Where the ports word sits in an rte_thash tuple, in 32-bit words. */
#define RSS_V4_PORTS_WORD	2
#define RSS_V6_PORTS_WORD	8

int
rss_init(struct tern_rss *r, const uint8_t *key, unsigned int key_len,
	      const uint16_t *reta, unsigned int reta_size, uint16_t nb_queues)
{
	unsigned int i;

	if (key == NULL) {
		key = tern_rss_default_key;
		key_len = sizeof(tern_rss_default_key);
	}
	if (key_len < TERN_RSS_KEY_MIN || key_len > TERN_RSS_KEY_MAX || key_len % 4 != 0 ||
	    reta_size == 0 || reta_size > TERN_RSS_RETA_MAX || nb_queues == 0)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	memcpy(r->key, key, key_len);
	r->key_len = (uint8_t)key_len;
	rte_convert_rss_key((const uint32_t *)(const void *)r->key, r->key_be, (int)key_len);
	r->reta_size = (uint16_t)reta_size;
	r->nb_queues = nb_queues;
	for (i = 0; i < reta_size; i++) {
		r->reta[i] = reta != NULL ? reta[i] : (uint16_t)(i % nb_queues);
		if (r->reta[i] >= nb_queues)
			return -EINVAL;
	}
	return 0;
}

static inline uint32_t
ports_word(uint16_t sport, uint16_t dport)
{
	return (uint32_t)rte_be_to_cpu_16(sport) << 16 | rte_be_to_cpu_16(dport);
}

/* An IPv6 address as four CPU-order words, as rte_thash wants it. */
static inline void
load_v6(uint32_t *w, const uint8_t *a)
{
	uint32_t x;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		memcpy(&x, a + 4 * i, 4);
		w[i] = rte_be_to_cpu_32(x);
	}
}

uint32_t
rss_hash4(const struct tern_rss *r, uint32_t src, uint32_t dst, uint16_t sport,
	       uint16_t dport)
{
	uint32_t t[3] = { rte_be_to_cpu_32(src), rte_be_to_cpu_32(dst), ports_word(sport, dport) };

	return rte_softrss_be(t, 3, (const uint8_t *)r->key_be);
}

uint32_t
rss_hash6(const struct tern_rss *r, const uint8_t *src, const uint8_t *dst, uint16_t sport,
	       uint16_t dport)
{
	uint32_t t[9];

	load_v6(t, src);
	load_v6(t + 4, dst);
	t[8] = ports_word(sport, dport);
	return rte_softrss_be(t, 9, (const uint8_t *)r->key_be);
}

int
rss_pick_port(const struct tern_rss *r, uint8_t family, const uint8_t *laddr,
		   const uint8_t *raddr, uint16_t rport, uint16_t queue, uint16_t lo, uint16_t hi,
		   uint16_t *next, bool (*taken)(void *arg, uint16_t port_be), void *arg,
		   uint16_t *port_be)
{
	unsigned int i, range = (unsigned int)hi - lo + 1, word = 0;
	bool steer = r != NULL && r->nb_queues > 1;
	uint32_t base = 0, w, h;

	if (steer) {
		/*
		 * Toeplitz is linear over GF(2): the hash of the reply with
		 * local port p is the hash with port 0 XOR the hash of p alone
		 * in its place in the tuple, which reads two key words.
		 */
		if (family == 4) {
			uint32_t s, d;

			memcpy(&s, raddr, 4);
			memcpy(&d, laddr, 4);
			base = rss_hash4(r, s, d, rport, 0);
			word = RSS_V4_PORTS_WORD;
		} else {
			base = rss_hash6(r, raddr, laddr, rport, 0);
			word = RSS_V6_PORTS_WORD;
		}
	}
	for (i = 0; i < range; i++) {
		uint16_t p = *next;

		if (p < lo || p > hi)
			p = lo;
		*next = p >= hi ? lo : p + 1;
		if (steer) {
			w = p;
			h = base ^ rte_softrss_be(&w, 1, (const uint8_t *)&r->key_be[word]);
			if (rss_queue(r, h) != queue)
				continue;
		}
		if (!taken(arg, rte_cpu_to_be_16(p))) {
			*port_be = rte_cpu_to_be_16(p);
			return 0;
		}
	}
	return -EADDRINUSE;
}

uint16_t
rss_pkt_queue(const struct tern_rss *r, const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = m->data_len, off = sizeof(struct rte_ether_hdr);
	uint16_t type, ports[2];
	uint32_t h;

	if (len < off)
		return 0;
	memcpy(&type, p + 12, 2);
	if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN)) {
		if (len < off + 4)
			return 0;
		memcpy(&type, p + off + 2, 2);
		off += 4;
	}
	if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) {
		const struct rte_ipv4_hdr *ip = (const void *)(p + off);
		uint32_t hl;

		if (len < off + sizeof(*ip))
			return 0;
		hl = (ip->version_ihl & 0xf) * 4u;
		if ((ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG |
							      RTE_IPV4_HDR_OFFSET_MASK)) != 0)
			return rss_queue(r, rte_softrss_be((uint32_t[]){
				rte_be_to_cpu_32(ip->src_addr), rte_be_to_cpu_32(ip->dst_addr) },
				2, (const uint8_t *)r->key_be));
		if ((ip->next_proto_id != IPPROTO_TCP && ip->next_proto_id != IPPROTO_UDP) ||
		    hl < sizeof(*ip) || len < off + hl + 4)
			return 0;
		memcpy(ports, p + off + hl, 4);
		h = rss_hash4(r, ip->src_addr, ip->dst_addr, ports[0], ports[1]);
		return rss_queue(r, h);
	}
	if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6)) {
		const struct rte_ipv6_hdr *ip = (const void *)(p + off);
		uint32_t t[8];

		if (len < off + sizeof(*ip))
			return 0;
		if (ip->proto == IPPROTO_FRAGMENT) {
			load_v6(t, ip->src_addr);
			load_v6(t + 4, ip->dst_addr);
			return rss_queue(r, rte_softrss_be(t, 8, (const uint8_t *)r->key_be));
		}
		if ((ip->proto != IPPROTO_TCP && ip->proto != IPPROTO_UDP) ||
		    len < off + sizeof(*ip) + 4)
			return 0;
		memcpy(ports, p + off + sizeof(*ip), 4);
		h = rss_hash6(r, ip->src_addr, ip->dst_addr, ports[0], ports[1]);
		return rss_queue(r, h);
	}
	return 0;	/* ARP and other ethertypes: queue 0 */
}

uint16_t
rss_dispatch(struct tern_dev *dev, uint16_t self, struct rte_mbuf **pkts, uint16_t n)
{
	struct tern_dev_dispatch_stats *st = &dev->disp[self];
	struct rte_mbuf *to[TERN_RX_BURST];
	uint16_t owner[TERN_RX_BURST];
	uint16_t i, j, kept = 0, nto, q;
	unsigned int done;

	st->rx += n;
	for (i = 0; i < n; i++)
		owner[i] = rss_pkt_queue(&dev->rss, pkts[i]);
	for (i = 0; i < n; i++) {
		if (owner[i] == self) {
			pkts[kept++] = pkts[i];
			continue;
		}
		if (owner[i] == UINT16_MAX)
			continue;	/* sent with an earlier packet's group */
		/* this packet and the later ones of the same owner, in order */
		q = owner[i];
		nto = 0;
		for (j = i; j < n; j++) {
			if (owner[j] == q) {
				to[nto++] = pkts[j];
				owner[j] = UINT16_MAX;
			}
		}
		done = rte_ring_enqueue_burst(dev->sw_rx[q], (void **)to, nto, NULL);
		st->passed += done;
		if (done < nto) {
			st->ring_full += nto - done;
			rte_pktmbuf_free_bulk(to + done, nto - done);
		}
	}
	st->kept += kept;
	return kept;
}
