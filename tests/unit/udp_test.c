/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/* The helpers declared in udp_test.h, compiled once for every test that uses them. */
#include "udp_test.h"

tern_ip4_t
host4(enum host h)
{
	switch (h) {
	case US:
		return ip4(10, 0, 0, 1);
	case US2:
		return ip4(192, 168, 1, 1);
	case PEER:
		return ip4(10, 0, 0, 2);
	case PEER2:
		return ip4(10, 0, 0, 3);
	case OTHER:
		return ip4(10, 0, 0, 99);
	case BCAST:
		return ip4(10, 0, 0, 255);
	}
	return 0;
}

const struct tern_ip6 *
host6(enum host h)
{
	switch (h) {
	case US:
		return &our_ip6;
	case US2:
		return &our2_ip6;
	case PEER:
		return &peer_ip6;
	case PEER2:
		return &peer2_ip6;
	case OTHER:
		return &other_ip6;
	case BCAST:
		return &all_nodes_ip6;
	}
	return NULL;
}

struct tern_sockaddr
host_sa(uint8_t family, enum host h, uint16_t port)
{
	struct tern_sockaddr sa;

	memset(&sa, 0, sizeof(sa));
	sa.family = family;
	sa.port = rte_cpu_to_be_16(port);
	if (family == 4)
		sa.ip4 = host4(h);
	else
		sa.ip6 = *host6(h);
	return sa;
}

uint16_t
ref_phdr(uint8_t family, const uint8_t *ip, uint32_t len, uint8_t proto)
{
	uint8_t ph[40] = { 0 };

	if (family == 4) {
		memcpy(ph, ip + 12, 8);		/* source, destination */
		ph[9] = proto;
		put16(ph + 10, (uint16_t)len);
		return ref_sum(ph, 12, 0);
	}
	memcpy(ph, ip + 8, 32);			/* RFC 8200 8.1 */
	put16(ph + 32, (uint16_t)(len >> 16));
	put16(ph + 34, (uint16_t)len);
	ph[39] = proto;
	return ref_sum(ph, 40, 0);
}

size_t
dgram_frame(uint8_t *f, const struct dgram *d, const struct rte_ether_addr *dmac)
{
	uint8_t *ip = f + ETH_LEN, *u = f + l4_off(d->family);
	size_t ulen = UDP_LEN + d->plen;

	memcpy(f, (dmac != NULL ? dmac : &our_mac)->addr_bytes, 6);
	memcpy(f + 6, peer_mac.addr_bytes, 6);
	if (d->family == 4) {
		tern_ip4_t s = host4(d->src), t = host4(d->dst);

		put16(f + 12, ET_IPV4);
		memset(ip, 0, IP4_LEN);
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(IP4_LEN + ulen));
		put16(ip + 4, 0x1234);
		put16(ip + 6, 0x4000);
		ip[8] = TTL;
		ip[9] = PROTO_UDP;
		memcpy(ip + 12, &s, 4);
		memcpy(ip + 16, &t, 4);
		ip4_fix_cksum(f);
	} else {
		put16(f + 12, ET_IPV6);
		memset(ip, 0, IP6_LEN);
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)ulen);
		ip[6] = PROTO_UDP;
		ip[7] = TTL;
		memcpy(ip + 8, host6(d->src)->a, 16);
		memcpy(ip + 24, host6(d->dst)->a, 16);
	}
	put16(u, d->sport);
	put16(u + 2, d->dport);
	put16(u + 4, (uint16_t)ulen);
	if (d->plen != 0)
		memcpy(u + UDP_LEN, d->pl, d->plen);
	udp_fix_cksum(f, d->family, ulen);
	return l4_off(d->family) + ulen;
}

struct test_env *
env_open(struct test_env *e, int side, uint32_t caps)
{
	struct test_env_param p = {
		.name = side ? "udp_b" : "udp_a", .mac = side ? peer_mac : our_mac,
		.caps = caps, .cap_max = CAP_MAX,
	};
	struct tern_net *n;

	assert_int_equal(test_env_open(e, &p), 0);
	n = e->net;
	if (side == 0) {
		assert_int_equal(tern_net_addr4_add(n, 0, host4(US), 24), 0);
		assert_int_equal(tern_net_addr4_add(n, 0, host4(US2), 24), 0);
		assert_int_equal(tern_net_addr6_add(n, 0, &our_ip6, 64), 0);
		assert_int_equal(tern_net_addr6_add(n, 0, &our2_ip6, 64), 0);
		assert_int_equal(tern_net_neigh4_set(n, 0, host4(PEER), &peer_mac), 0);
		assert_int_equal(tern_net_neigh4_set(n, 0, host4(PEER2), &peer2_mac), 0);
		assert_int_equal(tern_net_neigh6_set(n, 0, &peer_ip6, &peer_mac), 0);
		assert_int_equal(tern_net_neigh6_set(n, 0, &peer2_ip6, &peer2_mac), 0);
	} else {
		assert_int_equal(tern_net_addr4_add(n, 0, host4(PEER), 24), 0);
		assert_int_equal(tern_net_addr6_add(n, 0, &peer_ip6, 64), 0);
		assert_int_equal(tern_net_neigh4_set(n, 0, host4(US), &our_mac), 0);
		assert_int_equal(tern_net_neigh6_set(n, 0, &our_ip6, &our_mac), 0);
	}
	assert_int_equal(test_env_start(e), 0);
	return e;
}

int
teardown(void **state)
{
	struct fixture *f = *state;

	if (f != NULL) {
		test_env_close(&f->a);
		test_env_close(&f->b);
		free(f);
	}
	return 0;
}

struct tern_udp_stream *
stream_try(struct test_env *e, const struct tern_sockaddr *local,
	   const struct tern_sockaddr *remote,
	   uint32_t rxq_size, uint64_t udata)
{
	struct tern_udp_param p;

	memset(&p, 0, sizeof(p));
	p.local = *local;
	if (remote != NULL)
		p.remote = *remote;
	p.rxq_size = rxq_size;
	p.udata = udata;
	return tern_udp_open(e->ctx, &p);
}

void
expect_dgram(struct tern_udp_stream *s, const uint8_t *pl, size_t plen,
	     const struct tern_sockaddr *from)
{
	struct tern_sockaddr src;
	struct rte_mbuf *m;

	assert_int_equal(tern_udp_recv_burst(s, &m, 1), 1);
	tern_test_assert_mbuf_bytes(m, pl, plen);
	assert_int_equal(tern_udp_pkt_src(m, &src), 0);
	assert_sa_equal(&src, from);
	rte_pktmbuf_free(m);
}

void
check_udp_out(const struct test_env *e, unsigned int i, const struct dgram *d,
	      const struct rte_ether_addr *dmac)
{
	static uint8_t f[FRAME_MAX];
	const uint8_t *ip = f + ETH_LEN, *u = f + l4_off(d->family);
	size_t ulen = UDP_LEN + d->plen;

	assert_int_equal(test_env_cap_copy(e, i, f, sizeof(f)), l4_off(d->family) + ulen);
	assert_memory_equal(f, dmac->addr_bytes, 6);
	assert_memory_equal(f + 6, our_mac.addr_bytes, 6);
	if (d->family == 4) {
		tern_ip4_t s = host4(d->src), t = host4(d->dst);

		assert_int_equal(get16(f + 12), ET_IPV4);
		assert_int_equal(ip[0], 0x45);
		assert_int_equal(get16(ip + 2), IP4_LEN + ulen);
		assert_int_equal(get16(ip + 6), 0x4000);	/* DF, not a fragment */
		assert_int_equal(ip[8], TTL);
		assert_int_equal(ip[9], PROTO_UDP);
		assert_int_equal(ref_sum(ip, IP4_LEN, 0), 0xffff);
		assert_memory_equal(ip + 12, &s, 4);
		assert_memory_equal(ip + 16, &t, 4);
	} else {
		assert_int_equal(get16(f + 12), ET_IPV6);
		assert_int_equal(ip[0] >> 4, 6);
		assert_int_equal(get16(ip + 4), ulen);
		assert_int_equal(ip[6], PROTO_UDP);
		assert_int_equal(ip[7], TTL);
		assert_memory_equal(ip + 8, host6(d->src)->a, 16);
		assert_memory_equal(ip + 24, host6(d->dst)->a, 16);
	}
	assert_int_equal(get16(u), d->sport);
	assert_int_equal(get16(u + 2), d->dport);
	assert_int_equal(get16(u + 4), ulen);
	assert_int_not_equal(get16(u + 6), 0);
	assert_true(udp_cksum_verifies(d->family, ip, u, ulen));
	if (d->plen != 0)
		assert_memory_equal(u + UDP_LEN, d->pl, d->plen);
	assert_int_equal(e->cap[i]->ol_flags & RTE_MBUF_F_TX_L4_MASK, 0);
}
