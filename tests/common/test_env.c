/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <stdlib.h>
#include <string.h>

#include "test_env.h"

#define PROTO_ICMPV6	58

void
test_env_tx(void *arg, struct rte_mbuf **pkts, uint16_t n)
{
	struct test_env *e = arg;
	uint16_t i;

	for (i = 0; i < n; i++) {
		e->nb_sent++;
		if (!e->discard && e->nb_cap < e->cap_max) {
			e->cap[e->nb_cap++] = pkts[i];
			continue;
		}
		if (!e->discard)
			e->cap_lost++;
		rte_pktmbuf_free(pkts[i]);
	}
}

void
test_env_cap_clear(struct test_env *e)
{
	unsigned int i;

	for (i = 0; i < e->nb_cap; i++)
		rte_pktmbuf_free(e->cap[i]);
	e->nb_cap = 0;
}

int
test_env_open(struct test_env *e, const struct test_env_param *p)
{
	struct tern_net_param np = { 0 };
	struct tern_vdev_param vp = { 0 };

	memset(e, 0, sizeof(*e));
	e->cap_max = p->cap_max != 0 ? p->cap_max : TEST_ENV_CAP_DEFAULT;
	if (e->cap_max > TEST_ENV_CAP_MAX)
		e->cap_max = TEST_ENV_CAP_MAX;
	vp.name = p->name;
	vp.mac = p->mac;
	vp.mtu = p->mtu;
	vp.caps = p->caps;
	vp.mp = tern_test_pool();
	vp.tx = test_env_tx;
	vp.tx_arg = e;
	if (p->mark_pool)
		tern_test_pool_mark();
	np.socket_id = SOCKET_ID_ANY;
	np.no_reassembly = p->no_reassembly;
	np.frag_mem_max = p->frag_mem_max;
	np.frag_max_datagrams = p->frag_max_datagrams;
	np.frag_timeout_ns = p->frag_timeout_ns;
	e->net = tern_net_create(&np);
	e->dev = tern_dev_create_virtual(&vp);
	if (e->net == NULL || e->dev == NULL)
		return -1;
	return tern_net_iface_add(e->net, e->dev, p->vlan_id) != 0 ? -1 : 0;
}

int
test_env_start(struct test_env *e)
{
	struct tern_ctx_param cp = { 0 };

	cp.net = e->net;
	cp.socket_id = SOCKET_ID_ANY;
	cp.manual_clock = true;
	e->ctx = tern_ctx_create(&cp);
	return e->ctx == NULL ? -1 : 0;
}

void
test_env_close(struct test_env *e)
{
	test_env_cap_clear(e);
	tern_ctx_destroy(e->ctx);
	tern_net_destroy(e->net);
	tern_dev_destroy(e->dev);
	memset(e, 0, sizeof(*e));
}

int
test_env_teardown(void **state)
{
	struct test_env *e = *state;

	if (e != NULL) {
		test_env_close(e);
		free(e);
	}
	return 0;
}

void
test_env_finish(struct test_env *e)
{
	assert_int_equal(e->cap_lost, 0);
	test_env_close(e);
	tern_test_assert_pool_back();
}

size_t
test_env_cap_copy(const struct test_env *e, unsigned int i, uint8_t *buf, size_t size)
{
	const struct rte_mbuf *m;
	const void *p;

	assert_true(i < e->nb_cap);
	m = e->cap[i];
	assert_true(m->pkt_len <= size);
	p = rte_pktmbuf_read(m, 0, m->pkt_len, buf);
	assert_non_null(p);
	if (p != buf)
		memcpy(buf, p, m->pkt_len);
	return m->pkt_len;
}

void
test_env_send(struct test_env *e, const uint8_t *f, size_t len)
{
	struct rte_mbuf *m = tern_test_mbuf_from(f, len);

	tern_ctx_input(e->ctx, 0, &m, 1);
	tern_ctx_flush(e->ctx);
}

struct tern_stats
test_env_stats(const struct test_env *e)
{
	struct tern_stats st;

	tern_ctx_stats(e->ctx, &st);
	return st;
}

/* ---- bytes and reference checksums ---- */

tern_ip4_t
test_ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	const uint8_t bytes[4] = { a, b, c, d };
	tern_ip4_t v;

	memcpy(&v, bytes, sizeof(v));
	return v;
}

void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

uint32_t
get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Folded at every word, so that no length can overflow the 32-bit sum. */
uint16_t
ref_sum(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		sum += ((uint32_t)p[i] << 8) | p[i + 1];
		sum = (sum & 0xffff) + (sum >> 16);
	}
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint16_t
ref_cksum(const uint8_t *p, size_t len)
{
	return (uint16_t)~ref_sum(p, len, 0);
}

uint16_t
ref_phdr6(const struct tern_ip6 *src, const struct tern_ip6 *dst, uint8_t nh, uint32_t len)
{
	uint8_t ph[40] = { 0 };

	memcpy(ph, src->a, 16);
	memcpy(ph + 16, dst->a, 16);
	ph[32] = (uint8_t)(len >> 24);
	ph[33] = (uint8_t)(len >> 16);
	ph[34] = (uint8_t)(len >> 8);
	ph[35] = (uint8_t)len;
	ph[39] = nh;
	return ref_sum(ph, sizeof(ph), 0);
}

uint16_t
ref_icmp6_cksum(const struct tern_ip6 *src, const struct tern_ip6 *dst, const uint8_t *msg,
		size_t len)
{
	return (uint16_t)~ref_sum(msg, len, ref_phdr6(src, dst, PROTO_ICMPV6, (uint32_t)len));
}

size_t
test_eth_hdr(uint8_t *f, const struct rte_ether_addr *dst, const struct rte_ether_addr *src,
	     uint16_t type)
{
	memcpy(f, dst->addr_bytes, 6);
	memcpy(f + 6, src->addr_bytes, 6);
	put16(f + 12, type);
	return TEST_ETH_LEN;
}
