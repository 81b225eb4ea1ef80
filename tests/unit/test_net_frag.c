/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * IPv4 and IPv6 reassembly and fragmentation on output (lib/net/frag.c).
 *
 * Fragments are built here, independently of the library, fed to a context
 * on a virtual device, and what comes out of IP is caught by a handler for
 * protocol 253 (RFC 3692: experiments) and compared byte by byte with the
 * original. For output, a context sends large packets, its fragments are
 * checked one by one, then fed to a second context, which must rebuild the
 * same bytes. Every test ends with every mbuf back in the pool.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_env.h"

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include <tern/tern.h>

#include "tern_net_priv.h"

#define CAP_MAX		128
#define DG_MAX		8
#define FRAME_MAX	2048
#define DATA_MAX	70000
#define ETH_LEN		14
#define IP4_LEN		20
#define IP6_LEN		40
#define FH_LEN		8
#define MTU		1500
#define FRAG4		1480	/* payload of a full IPv4 fragment at MTU 1500 */
#define FRAG6		1448	/* same for IPv6: (1500 - 40 - 8) rounded down to 8 */
#define ET_IPV4		0x0800
#define ET_IPV6		0x86dd
#define PROTO_ICMP	1
#define PROTO_UDP	17
#define PROTO_ICMPV6	58
#define PROTO_TEST	253
#define MS		(1000ULL * 1000)
#define SEC		(1000ULL * MS)
#define TIMEOUT		(30ULL * SEC)

static const struct rte_ether_addr mac_a = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 } };
static const struct rte_ether_addr mac_b = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 } };
static const struct tern_ip6 ip6_a = { { 0xfd, [15] = 0x01 } };
static const struct tern_ip6 ip6_b = { { 0xfd, [15] = 0x02 } };

static tern_ip4_t
ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return test_ip4(a, b, c, d);
}

#define IP4_A	ip4(10, 0, 0, 1)
#define IP4_B	ip4(10, 0, 0, 2)

/* ---- byte helpers and reference checksums ---- */

/* A deterministic generator, so that every run sees the same data and order. */
static uint32_t rng_state;

static uint32_t
rng(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

static void
fill(uint8_t *p, size_t len, uint32_t seed)
{
	size_t i;

	rng_state = seed;
	for (i = 0; i < len; i++)
		p[i] = (uint8_t)rng();
}

static void
shuffle(unsigned int *v, unsigned int n, uint32_t seed)
{
	unsigned int i, j, t;

	rng_state = seed;
	for (i = n; i > 1; i--) {
		j = rng() % i;
		t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

static uint8_t data[DATA_MAX];		/* the datagram under test */
static uint8_t junk[DATA_MAX];		/* other bytes, for overlaps */
static uint8_t rbuf[DATA_MAX + 128];	/* what came out */

/* ---- contexts ---- */

struct env {
	struct test_env t;			/* first: the device's tx_arg */
	struct rte_mbuf *dg[DG_MAX];		/* datagrams delivered, data at IP */
	struct tern_ip_info dg_ip[DG_MAX];
	bool dg_l4_contig[DG_MAX];		/* L4 header in the first segment */
	unsigned int nb_dg;
	unsigned int dg_lost;
};

/* Context "a" (10.0.0.1, fd00::1) and its peer "b" (10.0.0.2, fd00::2). */
struct fixture {
	struct env a;
	struct env b;
};

struct env_conf {
	uint32_t caps;
	uint32_t frag_mem_max;
	uint32_t frag_max_datagrams;
	uint64_t frag_timeout_ns;
	uint16_t mtu;
};

static struct env *envs[2];

static struct env *
env_of(const struct tern_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(envs); i++)
		if (envs[i] != NULL && envs[i]->t.ctx == ctx)
			return envs[i];
	return NULL;
}

/* L4 input for PROTO_TEST (and UDP when asked): keep the datagram. */
static void
l4_catch(struct tern_ctx *ctx, struct rte_mbuf *m, const struct tern_ip_info *ip)
{
	struct env *e = env_of(ctx);

	if (e == NULL || e->nb_dg == DG_MAX) {
		if (e != NULL)
			e->dg_lost++;
		rte_pktmbuf_free(m);
		return;
	}
	e->dg_l4_contig[e->nb_dg] = m->data_len >= RTE_MIN(8u, (unsigned int)ip->l4_len);
	/* The IP header is still in front of the data: take it back. */
	if (rte_pktmbuf_prepend(m, ip->l3_len) == NULL) {
		e->dg_lost++;
		rte_pktmbuf_free(m);
		return;
	}
	e->dg_ip[e->nb_dg] = *ip;
	e->dg[e->nb_dg++] = m;
}

static void
dg_clear(struct env *e)
{
	unsigned int i;

	for (i = 0; i < e->nb_dg; i++)
		rte_pktmbuf_free(e->dg[i]);
	e->nb_dg = 0;
}

static void
env_close(struct env *e)
{
	unsigned int i;

	dg_clear(e);
	test_env_close(&e->t);
	for (i = 0; i < RTE_DIM(envs); i++)
		if (envs[i] == e)
			envs[i] = NULL;
	memset(e, 0, sizeof(*e));
}

/*
 * Open @e as side @side (0: a, 1: b) with @conf (NULL: defaults): one
 * interface, the other side a permanent neighbor, PROTO_TEST caught.
 */
static struct env *
env_open(struct env *e, int side, const struct env_conf *conf)
{
	static const struct env_conf def = { 0 };
	struct test_env_param p = { 0 };
	const struct tern_ip6 *me6 = side ? &ip6_b : &ip6_a, *peer6 = side ? &ip6_a : &ip6_b;
	tern_ip4_t me4 = side ? IP4_B : IP4_A, peer4 = side ? IP4_A : IP4_B;

	if (conf == NULL)
		conf = &def;
	memset(e, 0, sizeof(*e));
	p.name = side ? "frag_b" : "frag_a";
	p.mac = side ? mac_b : mac_a;
	p.mtu = conf->mtu;
	p.caps = conf->caps;
	p.frag_mem_max = conf->frag_mem_max;
	p.frag_max_datagrams = conf->frag_max_datagrams;
	p.frag_timeout_ns = conf->frag_timeout_ns;
	p.cap_max = CAP_MAX;
	assert_int_equal(test_env_open(&e->t, &p), 0);
	assert_non_null(e->t.net);
	assert_non_null(e->t.dev);
	assert_int_equal(tern_net_addr4_add(e->t.net, 0, me4, 24), 0);
	assert_int_equal(tern_net_addr6_add(e->t.net, 0, me6, 64), 0);
	assert_int_equal(tern_net_neigh4_set(e->t.net, 0, peer4, side ? &mac_a : &mac_b), 0);
	assert_int_equal(tern_net_neigh6_set(e->t.net, 0, peer6, side ? &mac_a : &mac_b), 0);
	assert_int_equal(test_env_start(&e->t), 0);
	assert_non_null(e->t.ctx);
	assert_int_equal(net_ctx_set_l4(e->t.ctx, PROTO_TEST, l4_catch), 0);
	envs[side] = e;
	return e;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	*state = f;
	tern_test_pool_mark();
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	if (f != NULL) {
		if (f->a.t.ctx != NULL)
			env_close(&f->a);
		if (f->b.t.ctx != NULL)
			env_close(&f->b);
		free(f);
	}
	return 0;
}

/* End of a test: nothing lost, everything closed, every mbuf back. */
static void
finish(struct fixture *f)
{
	assert_int_equal(f->a.t.cap_lost + f->b.t.cap_lost, 0);
	assert_int_equal(f->a.dg_lost + f->b.dg_lost, 0);
	if (f->a.t.ctx != NULL)
		env_close(&f->a);
	if (f->b.t.ctx != NULL)
		env_close(&f->b);
	tern_test_assert_pool_back();
}

static struct tern_stats
stats(const struct env *e)
{
	return test_env_stats(&e->t);
}

/* ---- fragments, built here ---- */

/* Frame b -> a: IPv4 fragment of datagram @id, @len bytes of @src at offset @off. */
static size_t
frag4(uint8_t *f, uint16_t id, uint32_t off, uint32_t len, bool more, const uint8_t *src)
{
	uint8_t *ip = f + test_eth_hdr(f, &mac_a, &mac_b, ET_IPV4);
	tern_ip4_t s = IP4_B, d = IP4_A;

	memset(ip, 0, IP4_LEN);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(IP4_LEN + len));
	put16(ip + 4, id);
	put16(ip + 6, (uint16_t)((off / 8) | (more ? 0x2000 : 0)));
	ip[8] = 64;
	ip[9] = PROTO_TEST;
	memcpy(ip + 12, &s, 4);
	memcpy(ip + 16, &d, 4);
	put16(ip + 10, (uint16_t)~ref_sum(ip, IP4_LEN, 0));
	memcpy(ip + IP4_LEN, src, len);
	return ETH_LEN + IP4_LEN + len;
}

/* Frame b -> a: IPv6 fragment of datagram @id, @len bytes of @src at offset @off. */
static size_t
frag6(uint8_t *f, uint32_t id, uint32_t off, uint32_t len, bool more, const uint8_t *src)
{
	uint8_t *ip = f + test_eth_hdr(f, &mac_a, &mac_b, ET_IPV6), *fh = ip + IP6_LEN;

	memset(ip, 0, IP6_LEN + FH_LEN);
	ip[0] = 0x60;
	put16(ip + 4, (uint16_t)(FH_LEN + len));
	ip[6] = 44;
	ip[7] = 64;
	memcpy(ip + 8, ip6_b.a, 16);
	memcpy(ip + 24, ip6_a.a, 16);
	fh[0] = PROTO_TEST;
	put16(fh + 2, (uint16_t)(off | (more ? 1 : 0)));
	put16(fh + 4, (uint16_t)(id >> 16));
	put16(fh + 6, (uint16_t)id);
	memcpy(fh + FH_LEN, src, len);
	return ETH_LEN + IP6_LEN + FH_LEN + len;
}

/* As frag6(), with an 8-byte hop-by-hop options header before the fragment header. */
static size_t
frag6_hbh(uint8_t *f, uint32_t id, uint32_t off, uint32_t len, bool more, const uint8_t *src)
{
	uint8_t *ip = f + ETH_LEN;
	size_t n = frag6(f, id, off, len, more, src);

	memmove(ip + IP6_LEN + 8, ip + IP6_LEN, FH_LEN + len);
	put16(ip + 4, (uint16_t)(8 + FH_LEN + len));
	ip[6] = 0;			/* hop-by-hop options */
	memset(ip + IP6_LEN, 0, 8);
	ip[IP6_LEN] = 44;		/* then the fragment header */
	ip[IP6_LEN + 2] = 1;		/* PadN over the rest */
	ip[IP6_LEN + 3] = 4;
	return n + 8;
}

/* Feed one frame to @e, in segments of @seg_len bytes (0: one segment). */
static void
feed(struct env *e, const uint8_t *frame, size_t len, size_t seg_len)
{
	struct rte_mbuf *m = tern_test_mbuf_from_segs(frame, len, seg_len);

	tern_ctx_input(e->t.ctx, 0, &m, 1);
	tern_ctx_flush(e->t.ctx);
}

/* Feed fragment @i of data[0, @len) cut in pieces of @fsize. */
static void
feed_frag(struct env *e, int family, uint32_t id, size_t len, uint32_t fsize, unsigned int i,
	  size_t seg_len)
{
	uint8_t f[FRAME_MAX];
	uint32_t off = i * fsize, n = (uint32_t)RTE_MIN((size_t)fsize, len - off);
	bool more = off + n < len;
	size_t fl = family == 4 ? frag4(f, (uint16_t)id, off, n, more, data + off) :
		frag6(f, id, off, n, more, data + off);

	feed(e, f, fl, seg_len);
}

/* Copy frame @m into @out (@size bytes). @return its length. */
static size_t
frame_copy(const struct rte_mbuf *m, uint8_t *out, size_t size)
{
	const void *p;

	assert_true(m->pkt_len <= size);
	p = rte_pktmbuf_read(m, 0, m->pkt_len, out);
	assert_non_null(p);
	if (p != out)
		memcpy(out, p, m->pkt_len);
	return m->pkt_len;
}

/* Read all of @m into rbuf. @return its length. */
static size_t
read_all(const struct rte_mbuf *m)
{
	const void *p;

	assert_true(m->pkt_len <= sizeof(rbuf));
	p = rte_pktmbuf_read(m, 0, m->pkt_len, rbuf);
	assert_non_null(p);
	if (p != rbuf)
		memcpy(rbuf, p, m->pkt_len);
	return m->pkt_len;
}

/* Datagram @i delivered to @e: IPv4 from b, @len bytes equal to @want, header fixed. */
static void
check_dg4(const struct env *e, unsigned int i, uint16_t id, uint8_t proto, const uint8_t *want,
	  size_t len)
{
	size_t n;

	assert_true(i < e->nb_dg);
	assert_int_equal(e->dg_ip[i].family, 4);
	assert_int_equal(e->dg_ip[i].proto, proto);
	assert_int_equal(e->dg_ip[i].l4_len, len);
	assert_true(e->dg_l4_contig[i]);
	n = read_all(e->dg[i]);
	assert_int_equal(n, IP4_LEN + len);
	assert_int_equal(rbuf[0], 0x45);
	assert_int_equal(get16(rbuf + 2), IP4_LEN + len);
	assert_int_equal(get16(rbuf + 4), id);
	assert_int_equal(get16(rbuf + 6) & 0x3fff, 0);	/* MF and offset cleared */
	assert_int_equal(rbuf[9], proto);
	assert_int_equal(ref_sum(rbuf, IP4_LEN, 0), 0xffff);
	tern_test_assert_mbuf_bytes(e->dg[i], rbuf, n);	/* same again, segment walk */
	assert_memory_equal(rbuf + IP4_LEN, want, len);
}

/* Datagram @i delivered to @e: IPv6, no fragment header left, @len bytes equal to @want. */
static void
check_dg6(const struct env *e, unsigned int i, uint8_t proto, const uint8_t *want, size_t len)
{
	size_t n;

	assert_true(i < e->nb_dg);
	assert_int_equal(e->dg_ip[i].family, 6);
	assert_int_equal(e->dg_ip[i].proto, proto);
	assert_int_equal(e->dg_ip[i].l3_len, IP6_LEN);
	assert_int_equal(e->dg_ip[i].l4_len, len);
	assert_true(e->dg_l4_contig[i]);
	n = read_all(e->dg[i]);
	assert_int_equal(n, IP6_LEN + len);
	assert_int_equal(rbuf[0] >> 4, 6);
	assert_int_equal(get16(rbuf + 4), len);
	assert_int_equal(rbuf[6], proto);
	assert_memory_equal(rbuf + IP6_LEN, want, len);
}

/* ---- reassembly ---- */

static void
in_order(void **state, int family)
{
	struct fixture *f = *state;
	struct env *a = env_open(&f->a, 0, NULL);
	uint32_t fs = family == 4 ? FRAG4 : FRAG6;
	size_t len = 4000;
	unsigned int i, n = (unsigned int)((len + fs - 1) / fs);

	fill(data, len, 1);
	for (i = 0; i < n; i++) {
		assert_int_equal(a->nb_dg, 0);
		feed_frag(a, family, 0x1234, len, fs, i, 0);
		if (i + 1 < n)
			assert_int_equal(tern_ctx_pending(a->t.ctx), i + 1);
	}
	assert_int_equal(a->nb_dg, 1);
	if (family == 4)
		check_dg4(a, 0, 0x1234, PROTO_TEST, data, len);
	else
		check_dg6(a, 0, PROTO_TEST, data, len);
	assert_int_equal(stats(a).frag_in, n);
	assert_int_equal(stats(a).frag_reasm_ok, 1);
	assert_int_equal(tern_ctx_pending(a->t.ctx), 0);
	finish(f);
}

static void
test_ip4_fragments_in_order_reassemble(void **state)
{
	in_order(state, 4);
}

static void
test_ip6_fragments_in_order_reassemble(void **state)
{
	in_order(state, 6);
}

static void
reverse_order(void **state, int family)
{
	struct fixture *f = *state;
	struct env *a = env_open(&f->a, 0, NULL);
	uint32_t fs = family == 4 ? FRAG4 : FRAG6;
	size_t len = 5000;
	unsigned int i, n = (unsigned int)((len + fs - 1) / fs);

	fill(data, len, 2);
	for (i = n; i-- > 0; )
		feed_frag(a, family, 77, len, fs, i, 0);
	assert_int_equal(a->nb_dg, 1);
	if (family == 4)
		check_dg4(a, 0, 77, PROTO_TEST, data, len);
	else
		check_dg6(a, 0, PROTO_TEST, data, len);
	assert_int_equal(tern_ctx_pending(a->t.ctx), 0);
	finish(f);
}

static void
test_ip4_fragments_in_reverse_order_reassemble(void **state)
{
	reverse_order(state, 4);
}

static void
test_ip6_fragments_in_reverse_order_reassemble(void **state)
{
	reverse_order(state, 6);
}

/*
 * Fragments of random sizes (multiples of 8), shuffled with a fixed seed,
 * and two datagrams interleaved: each comes out whole, once.
 */
static void
shuffled(void **state, int family)
{
	struct fixture *f = *state;
	struct env *a = env_open(&f->a, 0, NULL);
	static uint8_t other[3000];
	uint32_t offs[600], lens[600];
	unsigned int order[600], i, n = 0;
	size_t len = 7001, off = 0;
	uint8_t fr[FRAME_MAX];

	fill(data, len, 3);
	fill(other, sizeof(other), 33);
	rng_state = 4;
	while (off < len) {
		uint32_t l = (1 + rng() % 40) * 8;

		l = (uint32_t)RTE_MIN((size_t)l, len - off);
		offs[n] = (uint32_t)off;
		lens[n] = l;
		order[n] = n;
		n++;
		off += l;
	}
	shuffle(order, n, 5);
	for (i = 0; i < n; i++) {
		unsigned int k = order[i];
		bool more = offs[k] + lens[k] < len;
		size_t fl = family == 4 ?
			frag4(fr, 9, offs[k], lens[k], more, data + offs[k]) :
			frag6(fr, 9, offs[k], lens[k], more, data + offs[k]);

		feed(a, fr, fl, 0);
		if (i == n / 2) {
			/* a second datagram, whole in two fragments, in between */
			fl = family == 4 ? frag4(fr, 10, 1480, 1520, false, other + 1480) :
				frag6(fr, 10, 1480, 1520, false, other + 1480);
			feed(a, fr, fl, 0);
			fl = family == 4 ? frag4(fr, 10, 0, 1480, true, other) :
				frag6(fr, 10, 0, 1480, true, other);
			feed(a, fr, fl, 0);
			assert_int_equal(a->nb_dg, 1);
		}
		assert_int_equal(a->nb_dg, i < n / 2 ? 0 : i + 1 < n ? 1 : 2);
	}
	if (family == 4) {
		check_dg4(a, 0, 10, PROTO_TEST, other, sizeof(other));
		check_dg4(a, 1, 9, PROTO_TEST, data, len);
	} else {
		check_dg6(a, 0, PROTO_TEST, other, sizeof(other));
		check_dg6(a, 1, PROTO_TEST, data, len);
	}
	assert_int_equal(stats(a).frag_in, n + 2);
	assert_int_equal(stats(a).frag_reasm_ok, 2);
	assert_int_equal(tern_ctx_pending(a->t.ctx), 0);
	finish(f);
}

static void
test_ip4_shuffled_fragments_reassemble(void **state)
{
	shuffled(state, 4);
}

static void
test_ip6_shuffled_fragments_reassemble(void **state)
{
	shuffled(state, 6);
}

/* A datagram of 60,000 bytes (UDP's 65,507 needs 45): many more than DPDK's 8 fragments. */
static void
large(void **state, int family)
{
	struct fixture *f = *state;
	struct env *a = env_open(&f->a, 0, NULL);
	uint32_t fs = family == 4 ? FRAG4 : FRAG6;
	size_t len = 60000;
	unsigned int order[64], i, n = (unsigned int)((len + fs - 1) / fs);

	assert_true(n >= 41 && n <= RTE_DIM(order));
	fill(data, len, 6);
	for (i = 0; i < n; i++)
		order[i] = i;
	shuffle(order, n, 7);
	for (i = 0; i < n; i++) {
		assert_int_equal(a->nb_dg, 0);
		/* every third fragment arrives in a chain of small segments */
		feed_frag(a, family, 0xbeef, len, fs, order[i], i % 3 == 0 ? 200 : 0);
	}
	assert_int_equal(a->nb_dg, 1);
	if (family == 4)
		check_dg4(a, 0, 0xbeef, PROTO_TEST, data, len);
	else
		check_dg6(a, 0, PROTO_TEST, data, len);
	assert_int_equal(stats(a).frag_in, n);
	assert_int_equal(stats(a).frag_reasm_ok, 1);
	assert_int_equal(tern_ctx_pending(a->t.ctx), 0);
	finish(f);
}

static void
test_ip4_60000_byte_datagram_in_41_fragments_reassembles(void **state)
{
	large(state, 4);
}

static void
test_ip6_60000_byte_datagram_in_42_fragments_reassembles(void **state)
{
	large(state, 6);
}

/*
 * Fragments split over segments anywhere: right after the IP header (IPv4),
 * through the fragment header (IPv6), in odd sizes. The L4 header must
 * still be in the first segment of what comes out.
 */
static void
multiseg(void **state, int family, size_t seg_len)
{
	struct fixture *f = *state;
	struct env *a = env_open(&f->a, 0, NULL);
	uint32_t fs = family == 4 ? FRAG4 : FRAG6;
	size_t len = 3333;
	unsigned int i, n = (unsigned int)((len + fs - 1) / fs);

	fill(data, len, 8);
	for (i = 0; i < n; i++)
		feed_frag(a, family, 5, len, fs, n - 1 - i, seg_len);
	assert_int_equal(a->nb_dg, 1);
	if (family == 4)
		check_dg4(a, 0, 5, PROTO_TEST, data, len);
	else
		check_dg6(a, 0, PROTO_TEST, data, len);
	finish(f);
}

static void
test_ip4_multisegment_fragments_reassemble(void **state)
{
	multiseg(state, 4, ETH_LEN + IP4_LEN);	/* payload starts the second segment */
}

static void
test_ip4_odd_segment_fragments_reassemble(void **state)
{
	multiseg(state, 4, 37);
}

static void
test_ip6_multisegment_fragments_reassemble(void **state)
{
	multiseg(state, 6, ETH_LEN + IP6_LEN + 3);	/* fragment header split */
}

/*
 * Fragments in mbufs that share their buffers (clones, as a capture or a
 * mirror would hold): the datagram comes out right and the shared bytes
 * are never written, though the header must change.
 */
static void
shared(void **state, int family)
{
	struct fixture *f = *state;
	struct env *a = env_open(&f->a, 0, NULL);
	uint32_t fs = family == 4 ? FRAG4 : FRAG6;
	static uint8_t frames[3][FRAME_MAX];
	struct rte_mbuf *orig[3], *m;
	size_t len = 4000, fl[3];
	unsigned int i;

	fill(data, len, 50);
	for (i = 0; i < 3; i++) {
		uint32_t off = i * fs, n = (uint32_t)RTE_MIN((size_t)fs, len - off);

		fl[i] = family == 4 ? frag4(frames[i], 0x5151, off, n, i < 2, data + off) :
			frag6(frames[i], 0x5151, off, n, i < 2, data + off);
		orig[i] = tern_test_mbuf_from_segs(frames[i], fl[i], i == 0 ? 0 : 500);
	}
	for (i = 3; i-- > 0; ) {
		m = rte_pktmbuf_clone(orig[i], tern_test_pool());
		assert_non_null(m);
		tern_ctx_input(a->t.ctx, 0, &m, 1);
	}
	assert_int_equal(a->nb_dg, 1);
	if (family == 4)
		check_dg4(a, 0, 0x5151, PROTO_TEST, data, len);
	else
		check_dg6(a, 0, PROTO_TEST, data, len);
	for (i = 0; i < 3; i++) {
		tern_test_assert_mbuf_bytes(orig[i], frames[i], fl[i]);
		rte_pktmbuf_free(orig[i]);
	}
	finish(f);
}

static void
test_ip4_shared_fragments_are_not_written(void **state)
{
	shared(state, 4);
}

static void
test_ip6_shared_fragments_are_not_written(void **state)
{
	shared(state, 6);
}

/*
 * Fragments that overlap held data with the same bytes (a retransmission
 * cut at other places) fill only the gaps they cover. Cases: one fragment
 * filling three gaps around held ones; trimmed at its start; trimmed at
 * its end.
 */
static void
test_ip4_overlap_with_equal_bytes_fills_the_gaps(void **state)
{
	struct fixture *f = *state;
	struct env *a = env_open(&f->a, 0, NULL);
	uint8_t fr[2 * FRAME_MAX];

	fill(data, 3000, 9);
	/* held: [800, 1600) and [2000, 2400) */
	feed(a, fr, frag4(fr, 1, 800, 800, true, data + 800), 0);
	feed(a, fr, frag4(fr, 1, 2000, 400, true, data + 2000), 0);
	/* [0, 2800) over the held ranges: fills three gaps */
	feed(a, fr, frag4(fr, 1, 0, 2800, true, data), 64);
	assert_int_equal(a->nb_dg, 0);
	assert_int_equal(tern_ctx_pending(a->t.ctx), 5);
	/* last: [2400, 3000), over [2400, 2800): trimmed at its start */
	feed(a, fr, frag4(fr, 1, 2400, 600, false, data + 2400), 0);
	assert_int_equal(a->nb_dg, 1);
	check_dg4(a, 0, 1, PROTO_TEST, data, 3000);
	assert_int_equal(stats(a).drop_frag_overlap, 0);
	assert_int_equal(tern_ctx_pending(a->t.ctx), 0);
	dg_clear(a);

	/* a first fragment trimmed at its end, and a last one at its start */
	fill(data, 2000, 11);
	feed(a, fr, frag4(fr, 2, 800, 400, true, data + 800), 0);	/* [800, 1200) */
	feed(a, fr, frag4(fr, 2, 0, 1000, true, data), 100);	/* [0, 800) kept */
	feed(a, fr, frag4(fr, 2, 600, 1400, false, data + 600), 90);	/* [1200, 2000) kept */
	assert_int_equal(a->nb_dg, 1);
	check_dg4(a, 0, 2, PROTO_TEST, data, 2000);
	assert_int_equal(stats(a).drop_frag_overlap, 0);
	assert_int_equal(stats(a).drop_frag_conflict, 0);
	assert_int_equal(stats(a).frag_reasm_ok, 2);
	finish(f);
}

/*
 * A forged fragment with a guessed ID, held first, does not spoil the real
 * datagram: the real fragment that contradicts its bytes drops it and the
 * datagram starts again from the real one (first fragment, then a middle one).
 */
static void
test_ip4_forged_overlap_gives_way_to_the_real_fragments(void **state)
{
	struct fixture *f = *state;
	struct env *a = env_open(&f->a, 0, NULL);
	uint8_t fr[FRAME_MAX];

	fill(data, 3000, 30);
	fill(junk, 3000, 31);
	feed(a, fr, frag4(fr, 5, 800, 800, true, junk + 800), 0);	/* forged [800, 1600) */
	feed_frag(a, 4, 5, 3000, FRAG4, 0, 0);	/* [0, 1480): contradicts it */
	assert_int_equal(stats(a).drop_frag_conflict, 1);
	assert_int_equal(tern_ctx_pending(a->t.ctx), 1);
	feed_frag(a, 4, 5, 3000, FRAG4, 1, 0);
	feed_frag(a, 4, 5, 3000, FRAG4, 2, 0);
	assert_int_equal(a->nb_dg, 1);
	check_dg4(a, 0, 5, PROTO_TEST, data, 3000);
	dg_clear(a);
	/* forged in the middle, real pieces on both sides of it first */
	feed_frag(a, 4, 6, 3000, FRAG4, 0, 0);
	feed_frag(a, 4, 6, 3000, FRAG4, 2, 0);
	feed(a, fr, frag4(fr, 6, 1480, 800, true, junk), 0);	/* forged, held */
	feed_frag(a, 4, 6, 3000, FRAG4, 1, 0);	/* contradicts it: restart */
	assert_int_equal(stats(a).drop_frag_conflict, 1 + 3);
	assert_int_equal(a->nb_dg, 0);
	feed_frag(a, 4, 6, 3000, FRAG4, 0, 0);
	feed_frag(a, 4, 6, 3000, FRAG4, 2, 0);
	assert_int_equal(a->nb_dg, 1);
	check_dg4(a, 0, 6, PROTO_TEST, data, 3000);
	assert_int_equal(stats(a).frag_reasm_ok, 2);
	assert_int_equal(tern_ctx_pending(a->t.ctx), 0);
	finish(f);
}

/*
 * A forged last fragment (a short datagram end) does not hold the ID for
 * the reassembly timeout: the real fragments, which go past that end,
 * restart the datagram and complete it.
 */
static void
test_ip4_forged_last_fragment_does_not_block_the_id(void **state)
{
	struct fixture *f = *state;
	struct env *a = env_open(&f->a, 0, NULL);
	uint8_t fr[FRAME_MAX];
	unsigned int i;

	fill(data, 3000, 32);
	feed(a, fr, frag4(fr, 7, 8, 8, false, junk), 0);	/* "the datagram ends at 16" */
	for (i = 0; i < 3; i++)
		feed_frag(a, 4, 7, 3000, FRAG4, i, 0);
	assert_int_equal(a->nb_dg, 1);
	check_dg4(a, 0, 7, PROTO_TEST, data, 3000);
	assert_int_equal(stats(a).drop_frag_conflict, 1);
	assert_int_equal(stats(a).drop_frag_bad, 0);
	/* nothing left to time out */
	assert_int_equal(tern_ctx_pending(a->t.ctx), 0);
	tern_ctx_advance(a->t.ctx, TIMEOUT + SEC);
	assert_int_equal(stats(a).drop_frag_timeout, 0);
	assert_int_equal(a->t.nb_cap, 0);
	finish(f);
}

/*
 * IPv4 IDs come back (16 bits): an incomplete datagram still held when its
 * ID is used again for other bytes gives way to the new datagram.
 */
static void
test_ip4_stale_datagram_gives_way_when_its_id_comes_back(void **state)
{
	struct fixture *f = *state;
	struct env *a = env_open(&f->a, 0, NULL);
	unsigned int i;

	fill(data, 3000, 33);
	feed_frag(a, 4, 8, 3000, FRAG4, 0, 0);	/* its other fragments were lost */
	tern_ctx_advance(a->t.ctx, 10 * SEC);
	fill(data, 3000, 34);			/* the next datagram with ID 8 */
	for (i = 0; i < 3; i++)
		feed_frag(a, 4, 8, 3000, FRAG4, i, 0);
	assert_int_equal(a->nb_dg, 1);
	check_dg4(a, 0, 8, PROTO_TEST, data, 3000);
	assert_int_equal(stats(a).drop_frag_conflict, 1);
	assert_int_equal(tern_ctx_pending(a->t.ctx), 0);
	finish(f);
}

/* Exact duplicates and fragments wholly covered by held data bring nothing: dropped. */
static void
test_ip4_duplicate_fragments_are_dropped(void **state)
{
	struct fixture *f = *state;
	struct env *a = env_open(&f->a, 0, NULL);
	uint8_t fr[FRAME_MAX];

	fill(data, 3000, 12);
	feed_frag(a, 4, 3, 3000, FRAG4, 0, 0);
	feed_frag(a, 4, 3, 3000, FRAG4, 0, 0);
	feed(a, fr, frag4(fr, 3, 8, 400, true, data + 8), 0);	/* inside [0, 1480) */
	feed_frag(a, 4, 3, 3000, FRAG4, 2, 0);
	feed_frag(a, 4, 3, 3000, FRAG4, 2, 0);
	assert_int_equal(tern_ctx_pending(a->t.ctx), 2);
	assert_int_equal(stats(a).drop_frag_overlap, 3);
	feed_frag(a, 4, 3, 3000, FRAG4, 1, 0);
	assert_int_equal(a->nb_dg, 1);
	check_dg4(a, 0, 3, PROTO_TEST, data, 3000);
	assert_int_equal(stats(a).frag_in, 6);
	finish(f);
}

/* RFC 5722: an overlap drops the datagram, and what comes later of it. */
static void
test_ip6_overlap_drops_whole_datagram(void **state)
{
	struct fixture *f = *state;
	struct env *a = env_open(&f->a, 0, NULL);
	uint8_t fr[FRAME_MAX];

	fill(data, 3000, 13);
	feed(a, fr, frag6(fr, 21, 0, 1448, true, data), 0);
	feed(a, fr, frag6(fr, 21, 2000, 1000, false, data + 2000), 0);
	assert_int_equal(tern_ctx_pending(a->t.ctx), 2);
	/* [1440, 2000) overlaps [0, 1448) by 8 bytes */
	feed(a, fr, frag6(fr, 21, 1440, 560, true, data + 1440), 0);
	assert_int_equal(tern_ctx_pending(a->t.ctx), 0);
	assert_int_equal(stats(a).drop_frag_overlap, 3);
	/* the fragments that would now complete it are dropped too */
	feed(a, fr, frag6(fr, 21, 0, 1448, true, data), 0);
	feed(a, fr, frag6(fr, 21, 1448, 552, true, data + 1448), 0);
	feed(a, fr, frag6(fr, 21, 2000, 1000, false, data + 2000), 0);
	assert_int_equal(a->nb_dg, 0);
	assert_int_equal(stats(a).drop_frag_overlap, 6);
	assert_int_equal(tern_ctx_pending(a->t.ctx), 0);
	/* it is forgotten at its timeout, silently: nothing held, no ICMP */
	assert_int_equal(tern_ctx_advance(a->t.ctx, TIMEOUT), 0);
	assert_int_equal(stats(a).drop_frag_timeout, 0);
	assert_int_equal(a->t.nb_cap, 0);
	/* then the same id starts afresh */
	feed(a, fr, frag6(fr, 21, 0, 1448, true, data), 0);
	feed(a, fr, frag6(fr, 21, 1448, 1552, false, data + 1448), 0);
	assert_int_equal(a->nb_dg, 1);
	check_dg6(a, 0, PROTO_TEST, data, 3000);
	finish(f);
}

/* RFC 5722 allows dropping an exact duplicate alone: the datagram survives. */
static void
test_ip6_exact_duplicate_is_dropped_alone(void **state)
{
	struct fixture *f = *state;
	struct env *a = env_open(&f->a, 0, NULL);

	fill(data, 3000, 14);
	feed_frag(a, 6, 22, 3000, FRAG6, 1, 0);
	feed_frag(a, 6, 22, 3000, FRAG6, 1, 0);
	assert_int_equal(stats(a).drop_frag_overlap, 1);
	assert_int_equal(tern_ctx_pending(a->t.ctx), 1);
	feed_frag(a, 6, 22, 3000, FRAG6, 0, 0);
	feed_frag(a, 6, 22, 3000, FRAG6, 2, 0);
	assert_int_equal(a->nb_dg, 1);
	check_dg6(a, 0, PROTO_TEST, data, 3000);
	finish(f);
}

/*
 * RFC 8200 4.5: the first fragment's unfragmentable part (here a hop-by-hop
 * header) leads the datagram; the header before the fragment header now
 * names what followed it.
 */
static void
test_ip6_unfragmentable_headers_are_kept(void **state)
{
	struct fixture *f = *state;
	struct env *a = env_open(&f->a, 0, NULL);
	uint8_t fr[FRAME_MAX];
	unsigned int i;
	size_t len = 3000;

	fill(data, len, 24);
	for (i = 3; i-- > 0; ) {
		uint32_t off = i * FRAG6, n = (uint32_t)RTE_MIN((size_t)FRAG6, len - off);

		feed(a, fr, frag6_hbh(fr, 25, off, n, i < 2, data + off), i == 0 ? 60 : 0);
	}
	assert_int_equal(a->nb_dg, 1);
	assert_int_equal(a->dg_ip[0].proto, PROTO_TEST);
	assert_int_equal(a->dg_ip[0].l3_len, IP6_LEN + 8);
	assert_int_equal(a->dg_ip[0].l4_len, len);
	assert_true(a->dg_l4_contig[0]);
	assert_int_equal(read_all(a->dg[0]), IP6_LEN + 8 + len);
	assert_int_equal(get16(rbuf + 4), 8 + len);
	assert_int_equal(rbuf[6], 0);
	assert_int_equal(rbuf[IP6_LEN], PROTO_TEST);
	assert_int_equal(rbuf[IP6_LEN + 2], 1);
	assert_memory_equal(rbuf + IP6_LEN + 8, data, len);
	assert_int_equal(stats(a).ip6_ext_skipped, 3);	/* walked once, in each fragment */
	finish(f);
}

/* RFC 6946: offset 0 and no more fragments is a whole datagram already. */
static void
test_ip6_atomic_fragment_is_delivered(void **state)
{
	struct fixture *f = *state;
	struct env *a = env_open(&f->a, 0, NULL);
	uint8_t fr[FRAME_MAX];

	fill(data, 100, 15);
	feed(a, fr, frag6(fr, 23, 0, 100, false, data), 0);
	assert_int_equal(a->nb_dg, 1);
	check_dg6(a, 0, PROTO_TEST, data, 100);
	assert_int_equal(tern_ctx_pending(a->t.ctx), 0);
	finish(f);
}

/*
 * An incomplete datagram is dropped frag_timeout_ns after its first
 * fragment came, its mbufs back in the pool at once, and the source told
 * (ICMP time exceeded, fragment reassembly, RFC 792 / RFC 8200 4.5).
 */
static void
timeout(void **state, int family, bool with_first)
{
	struct fixture *f = *state;
	struct env *a = env_open(&f->a, 0, NULL);
	uint32_t fs = family == 4 ? FRAG4 : FRAG6;
	uint8_t out[FRAME_MAX];
	size_t n;

	fill(data, 4000, 16);
	if (with_first)
		feed_frag(a, family, 31, 4000, fs, 0, 0);
	assert_int_equal(tern_ctx_advance(a->t.ctx, 10 * SEC), 0);
	feed_frag(a, family, 31, 4000, fs, 2, 0);
	assert_int_equal(tern_ctx_pending(a->t.ctx), with_first ? 2 : 1);
	assert_int_equal(tern_ctx_advance(a->t.ctx, TIMEOUT - 10 * SEC - MS), 0);
	assert_int_equal(tern_ctx_pending(a->t.ctx), with_first ? 2 : 1);
	assert_int_equal(stats(a).drop_frag_timeout, 0);
	assert_int_equal(tern_ctx_advance(a->t.ctx, with_first ? MS : 10 * SEC + MS), 0);
	assert_int_equal(tern_ctx_pending(a->t.ctx), 0);
	assert_int_equal(stats(a).drop_frag_timeout, 1);
	assert_int_equal(a->nb_dg, 0);
	if (!with_first) {
		assert_int_equal(a->t.nb_cap, 0);	/* nothing to quote: no ICMP */
	} else {
		assert_int_equal(a->t.nb_cap, 1);
		n = frame_copy(a->t.cap[0], out, sizeof(out));
		assert_true(n > ETH_LEN + 100);
		assert_memory_equal(out, mac_b.addr_bytes, 6);
		if (family == 4) {
			const uint8_t *ip = out + ETH_LEN, *ic = ip + IP4_LEN, *q = ic + 8;

			assert_int_equal(get16(out + 12), ET_IPV4);
			assert_int_equal(ip[9], PROTO_ICMP);
			assert_int_equal(ic[0], 11);
			assert_int_equal(ic[1], 1);
			assert_int_equal(get16(q + 4), 31);	/* quotes the first fragment */
			assert_int_equal(get16(q + 6), 0x2000);
		} else {
			const uint8_t *ip = out + ETH_LEN, *ic = ip + IP6_LEN, *q = ic + 8;

			assert_int_equal(get16(out + 12), ET_IPV6);
			assert_int_equal(ip[6], PROTO_ICMPV6);
			assert_int_equal(ic[0], 3);
			assert_int_equal(ic[1], 1);
			assert_int_equal(q[6], 44);
			assert_int_equal(get32(q + IP6_LEN + 4), 31);
		}
	}
	/* every mbuf back before the context goes: the timeout freed them */
	test_env_cap_clear(&a->t);
	tern_test_assert_pool_back();
	finish(f);
}

static void
test_ip4_incomplete_datagram_times_out_with_icmp(void **state)
{
	timeout(state, 4, true);
}

static void
test_ip6_incomplete_datagram_times_out_with_icmp6(void **state)
{
	timeout(state, 6, true);
}

static void
test_ip4_timeout_without_first_fragment_sends_no_icmp(void **state)
{
	timeout(state, 4, false);
}

static void
test_ip6_timeout_without_first_fragment_sends_no_icmp(void **state)
{
	timeout(state, 6, false);
}

/*
 * frag_mem_max reached: the oldest datagrams go first (drop_frag_nomem
 * counts their fragments); one alone larger than the bound goes itself.
 */
static void
test_ip4_memory_bound_drops_oldest_datagram(void **state)
{
	struct fixture *f = *state;
	uint32_t room = rte_pktmbuf_data_room_size(tern_test_pool());
	struct env_conf c = { .frag_mem_max = 3 * room + room / 2 };
	struct env *a = env_open(&f->a, 0, &c);
	unsigned int i;

	fill(data, 8000, 17);
	/* A: three fragments of five, all memory allows */
	for (i = 0; i < 3; i++)
		feed_frag(a, 4, 41, 8000, FRAG4, i, 0);
	assert_int_equal(tern_ctx_pending(a->t.ctx), 3);
	assert_int_equal(stats(a).drop_frag_nomem, 0);
	/* B: its first fragment pushes A out */
	feed_frag(a, 4, 42, 3000, FRAG4, 0, 0);
	assert_int_equal(stats(a).drop_frag_nomem, 3);
	assert_int_equal(tern_ctx_pending(a->t.ctx), 1);
	feed_frag(a, 4, 42, 3000, FRAG4, 1, 0);
	feed_frag(a, 4, 42, 3000, FRAG4, 2, 0);
	assert_int_equal(a->nb_dg, 1);
	check_dg4(a, 0, 42, PROTO_TEST, data, 3000);
	/* A again, alone: its fourth fragment does not fit, so A goes */
	for (i = 0; i < 4; i++)
		feed_frag(a, 4, 41, 8000, FRAG4, i, 0);
	assert_int_equal(stats(a).drop_frag_nomem, 3 + 4);
	assert_int_equal(tern_ctx_pending(a->t.ctx), 0);
	dg_clear(a);
	tern_test_assert_pool_back();
	finish(f);
}

/*
 * Shares (probe finding: hostile fragments held a legitimate datagram's
 * place): a source flooding first fragments that never complete fills the
 * table, and at the bound it gives up its own oldest datagrams, not the
 * legitimate source's older one (which "oldest first" alone would drop),
 * so that datagram completes. The hash seed is fixed (rte_srand) so the two
 * sources' buckets are the same on every run; they differ for this seed.
 */
static void
test_ip4_flooding_source_evicts_its_own(void **state)
{
	struct fixture *f = *state;
	struct env_conf c = { .frag_max_datagrams = 8 };
	tern_ip4_t flooder = ip4(10, 0, 0, 99);
	uint8_t fr[FRAME_MAX];
	struct env *a;
	unsigned int i;
	size_t fl;

	rte_srand(0x7e57);
	a = env_open(&f->a, 0, &c);
	fill(data, 3000, 19);
	feed_frag(a, 4, 61, 3000, FRAG4, 0, 0);		/* the legitimate one, oldest */
	for (i = 0; i < 20; i++) {
		/* the flooder's first fragments, each of a datagram of its own */
		fl = frag4(fr, (uint16_t)(1000 + i), 0, FRAG4, true, data);
		memcpy(fr + ETH_LEN + 12, &flooder, 4);
		put16(fr + ETH_LEN + 10, 0);
		put16(fr + ETH_LEN + 10, (uint16_t)~ref_sum(fr + ETH_LEN, IP4_LEN, 0));
		feed(a, fr, fl, 0);
	}
	/* the table was full 13 times: each time the flooder lost its oldest */
	assert_int_equal(stats(a).drop_frag_src_limit, 13);
	assert_int_equal(stats(a).drop_frag_nomem, 13);
	feed_frag(a, 4, 61, 3000, FRAG4, 1, 0);
	feed_frag(a, 4, 61, 3000, FRAG4, 2, 0);
	assert_int_equal(a->nb_dg, 1);
	check_dg4(a, 0, 61, PROTO_TEST, data, 3000);
	dg_clear(a);
	finish(f);
}

/* Frame b -> a: the first fragment of datagram @id from source @src (spoofed). */
static void
feed_first_from(struct env *e, tern_ip4_t src, uint16_t id)
{
	uint8_t fr[FRAME_MAX];
	size_t fl = frag4(fr, id, 0, FRAG4, true, data);

	memcpy(fr + ETH_LEN + 12, &src, 4);
	put16(fr + ETH_LEN + 10, 0);
	put16(fr + ETH_LEN + 10, (uint16_t)~ref_sum(fr + ETH_LEN, IP4_LEN, 0));
	feed(e, fr, fl, 0);
}

/*
 * Pressure: first fragments from 20 spoofed sources, one each (every
 * source under its share), then nothing from them for 2 s. They stay
 * while the table is below 3/4 of its bound. A busy legitimate source then
 * starts 8 datagrams (its whole share): above the high-water mark, the
 * junk older than the short timeout (1 s) goes at once. 100 ms later 10
 * more spoofed sources start a datagram each. Without the short timeout
 * the table is full by then, and the share rule gives up the busy
 * source's oldest datagram, 100 ms old, while the 2-s-old junk stays; with
 * it, all 8 datagrams complete.
 */
static void
test_ip4_pressure_expires_old_junk_before_young_datagrams(void **state)
{
	struct fixture *f = *state;
	struct env_conf c = { .frag_max_datagrams = 32 };
	struct env *a;
	unsigned int i;

	rte_srand(0x7e57);
	a = env_open(&f->a, 0, &c);
	fill(data, 3000, 23);
	for (i = 0; i < 20; i++)
		feed_first_from(a, ip4(10, 0, 1, (uint8_t)(10 + i)), (uint16_t)(2000 + i));
	assert_int_equal(tern_ctx_advance(a->t.ctx, 2 * SEC), 0);
	/* 20 of 32: below the mark, the junk keeps its 30 s */
	assert_int_equal(tern_ctx_pending(a->t.ctx), 20);
	assert_int_equal(stats(a).drop_frag_pressure, 0);
	for (i = 0; i < 8; i++)
		feed_frag(a, 4, 100 + i, 3000, FRAG4, 0, 0);
	assert_int_equal(stats(a).drop_frag_pressure, 20);
	assert_int_equal(tern_ctx_pending(a->t.ctx), 8);
	assert_int_equal(tern_ctx_advance(a->t.ctx, 100 * MS), 0);
	for (i = 0; i < 10; i++)
		feed_first_from(a, ip4(10, 0, 2, (uint8_t)(10 + i)), (uint16_t)(3000 + i));
	assert_int_equal(stats(a).drop_frag_src_limit, 0);
	assert_int_equal(stats(a).drop_frag_nomem, 0);
	for (i = 0; i < 8; i++) {
		feed_frag(a, 4, 100 + i, 3000, FRAG4, 1, 0);
		feed_frag(a, 4, 100 + i, 3000, FRAG4, 2, 0);
	}
	assert_int_equal(a->nb_dg, 8);
	for (i = 0; i < 8; i++)
		check_dg4(a, i, (uint16_t)(100 + i), PROTO_TEST, data, 3000);
	assert_int_equal(stats(a).drop_frag_pressure, 20);
	dg_clear(a);
	finish(f);
}

/* frag_max_datagrams reached: the oldest datagram makes room. */
static void
test_ip6_datagram_bound_drops_oldest_datagram(void **state)
{
	struct fixture *f = *state;
	struct env_conf c = { .frag_max_datagrams = 2 };
	struct env *a = env_open(&f->a, 0, &c);

	fill(data, 3000, 18);
	feed_frag(a, 6, 51, 3000, FRAG6, 0, 0);
	feed_frag(a, 6, 51, 3000, FRAG6, 1, 0);
	feed_frag(a, 6, 52, 3000, FRAG6, 0, 0);
	assert_int_equal(stats(a).drop_frag_nomem, 0);
	feed_frag(a, 6, 53, 3000, FRAG6, 0, 0);	/* 51 goes */
	assert_int_equal(stats(a).drop_frag_nomem, 2);
	assert_int_equal(tern_ctx_pending(a->t.ctx), 2);
	feed_frag(a, 6, 52, 3000, FRAG6, 2, 0);
	feed_frag(a, 6, 52, 3000, FRAG6, 1, 0);
	assert_int_equal(a->nb_dg, 1);
	check_dg6(a, 0, PROTO_TEST, data, 3000);
	feed_frag(a, 6, 51, 3000, FRAG6, 2, 0);	/* 51 is gone: this starts it again */
	assert_int_equal(a->nb_dg, 1);
	assert_int_equal(tern_ctx_pending(a->t.ctx), 2);
	finish(f);
}

/*
 * Malformed fragments: a payload not a multiple of 8 before the last, an
 * end past 65535, no payload. A fragment whose length contradicts the
 * held datagram's end is not malformed in itself: another datagram shares
 * the key, and the datagram starts again from the newer fragment.
 */
static void
test_ip4_bad_fragment_lengths_are_dropped(void **state)
{
	struct fixture *f = *state;
	struct env *a = env_open(&f->a, 0, NULL);
	uint8_t fr[FRAME_MAX];

	fill(data, 4000, 19);
	feed(a, fr, frag4(fr, 61, 0, 100, true, data), 0);		/* 100 % 8 */
	feed(a, fr, frag4(fr, 61, 65528, 16, false, data), 0);	/* ends at 65564 */
	feed(a, fr, frag4(fr, 61, 64, 0, true, data), 0);		/* empty */
	assert_int_equal(stats(a).drop_frag_bad, 3);
	assert_int_equal(tern_ctx_pending(a->t.ctx), 0);
	/* the last fragment says 2000 bytes; one past it starts again */
	feed(a, fr, frag4(fr, 62, 1480, 520, false, data + 1480), 0);
	feed(a, fr, frag4(fr, 62, 1600, 800, true, data + 1600), 0);	/* past 2000 */
	assert_int_equal(stats(a).drop_frag_conflict, 1);
	feed(a, fr, frag4(fr, 62, 2400, 600, false, data + 2400), 0);
	feed(a, fr, frag4(fr, 62, 0, 1600, true, data), 0);
	assert_int_equal(a->nb_dg, 1);
	check_dg4(a, 0, 62, PROTO_TEST, data, 3000);
	/* a last fragment ending before held data starts again */
	feed(a, fr, frag4(fr, 63, 1600, 800, true, data + 1600), 0);
	feed(a, fr, frag4(fr, 63, 800, 400, false, data + 800), 0);	/* 1200, 2400 held */
	assert_int_equal(stats(a).drop_frag_conflict, 2);
	feed(a, fr, frag4(fr, 63, 0, 800, true, data), 0);
	assert_int_equal(a->nb_dg, 2);
	check_dg4(a, 1, 63, PROTO_TEST, data, 1200);
	assert_int_equal(stats(a).drop_frag_bad, 3);
	assert_int_equal(stats(a).frag_in, 10);
	assert_int_equal(tern_ctx_pending(a->t.ctx), 0);
	finish(f);
}

/* Same in IPv6, where RFC 8200 4.5 answers the first two with a parameter problem. */
static void
test_ip6_bad_fragment_lengths_are_dropped(void **state)
{
	struct fixture *f = *state;
	struct env *a = env_open(&f->a, 0, NULL);
	uint8_t fr[FRAME_MAX], out[FRAME_MAX];
	const uint8_t *ic;
	size_t n;

	fill(data, 4000, 20);
	feed(a, fr, frag6(fr, 71, 0, 100, true, data), 0);
	feed(a, fr, frag6(fr, 71, 65528, 16, false, data), 0);
	assert_int_equal(stats(a).drop_frag_bad, 2);
	assert_int_equal(a->t.nb_cap, 2);
	n = frame_copy(a->t.cap[0], out, sizeof(out));
	assert_true(n >= ETH_LEN + IP6_LEN + 8);
	ic = out + ETH_LEN + IP6_LEN;
	assert_int_equal(ic[0], 4);
	assert_int_equal(ic[1], 0);
	assert_int_equal(get32(ic + 4), 4);	/* the payload length */
	n = frame_copy(a->t.cap[1], out, sizeof(out));
	assert_true(n >= ETH_LEN + IP6_LEN + 8);
	assert_int_equal(ic[0], 4);
	assert_int_equal(get32(ic + 4), IP6_LEN + 2);	/* the fragment offset */
	feed(a, fr, frag6(fr, 72, 1448, 552, false, data + 1448), 0);
	feed(a, fr, frag6(fr, 72, 1448, 952, false, data + 1448), 0);
	assert_int_equal(stats(a).drop_frag_bad, 3);
	feed(a, fr, frag6(fr, 72, 0, 1448, true, data), 0);
	assert_int_equal(a->nb_dg, 1);
	check_dg6(a, 0, PROTO_TEST, data, 2000);
	assert_int_equal(tern_ctx_pending(a->t.ctx), 0);
	finish(f);
}

/* The context going with datagrams half done frees every fragment. */
static void
test_destroy_frees_held_fragments(void **state)
{
	struct fixture *f = *state;
	struct env *a = env_open(&f->a, 0, NULL);
	unsigned int i;

	fill(data, 60000, 21);
	for (i = 0; i < 40; i++)
		feed_frag(a, 4, 81, 60000, FRAG4, i, i & 1 ? 300 : 0);
	for (i = 1; i < 41; i++)
		feed_frag(a, 6, 82, 60000, FRAG6, i, 0);
	assert_int_equal(tern_ctx_pending(a->t.ctx), 80);
	finish(f);
}

/* ---- fragmentation on output ---- */

struct frag_seen {
	uint32_t off;
	uint32_t len;
	bool more;
};

/*
 * Check a's frames: @n IPv4 fragments of one datagram a -> b of @len L4
 * bytes, each at most @mtu, in order, with a good header checksum.
 */
static uint16_t
check_out4(const struct env *a, unsigned int n, size_t len, uint8_t proto, uint16_t mtu)
{
	uint8_t out[FRAME_MAX + 64];
	uint32_t next = 0, id = 0;
	unsigned int i;

	assert_int_equal(a->t.nb_cap, n);
	for (i = 0; i < n; i++) {
		const struct rte_mbuf *m = a->t.cap[i];
		const uint8_t *ip = out + ETH_LEN;
		uint16_t fo;
		size_t fl;

		fl = frame_copy(m, out, sizeof(out));
		assert_memory_equal(out, mac_b.addr_bytes, 6);
		assert_int_equal(get16(out + 12), ET_IPV4);
		assert_true(fl - ETH_LEN <= mtu);
		assert_int_equal(get16(ip + 2), fl - ETH_LEN);
		assert_int_equal(ref_sum(ip, IP4_LEN, 0), 0xffff);
		assert_int_equal(ip[9], proto);
		if (i == 0)
			id = get16(ip + 4);
		assert_int_equal(get16(ip + 4), id);
		fo = get16(ip + 6);
		assert_int_equal(fo & 0x4000, 0);			/* DF clear */
		assert_int_equal((fo & 0x1fff) * 8, next);
		assert_int_equal(!!(fo & 0x2000), i + 1 < n);		/* MF */
		if (i + 1 < n)
			assert_int_equal((fl - ETH_LEN - IP4_LEN) % 8, 0);
		next += (uint32_t)(fl - ETH_LEN - IP4_LEN);
	}
	assert_int_equal(next, len);
	return (uint16_t)id;
}

static void
check_out6(const struct env *a, unsigned int n, size_t len, uint8_t proto, uint16_t mtu)
{
	uint8_t out[FRAME_MAX + 64];
	uint32_t next = 0, id = 0;
	unsigned int i;

	assert_int_equal(a->t.nb_cap, n);
	for (i = 0; i < n; i++) {
		const struct rte_mbuf *m = a->t.cap[i];
		const uint8_t *ip = out + ETH_LEN, *fh = ip + IP6_LEN;
		uint16_t fo;
		size_t fl;

		fl = frame_copy(m, out, sizeof(out));
		assert_int_equal(get16(out + 12), ET_IPV6);
		assert_true(fl - ETH_LEN <= mtu);
		assert_int_equal(get16(ip + 4), fl - ETH_LEN - IP6_LEN);
		assert_int_equal(ip[6], 44);
		assert_int_equal(fh[0], proto);
		if (i == 0)
			id = get32(fh + 4);
		assert_int_equal(get32(fh + 4), id);
		fo = get16(fh + 2);
		assert_int_equal(fo & ~7u, next);
		assert_int_equal(fo & 1, i + 1 < n);
		if (i + 1 < n)
			assert_int_equal((fl - ETH_LEN - IP6_LEN - FH_LEN) % 8, 0);
		next += (uint32_t)(fl - ETH_LEN - IP6_LEN - FH_LEN);
	}
	assert_int_equal(next, len);
}

/*
 * Close a, open b (the tests' EAL memory holds the route tables of one
 * tern_net at a time) and hand it a's frames as received; b also catches
 * @also_proto. @return b.
 */
static struct env *
deliver(struct fixture *f, uint8_t also_proto)
{
	struct rte_mbuf *frames[CAP_MAX];
	unsigned int i, n = f->a.t.nb_cap;
	struct env *b;

	assert_int_equal(f->a.t.cap_lost, 0);
	memcpy(frames, f->a.t.cap, n * sizeof(frames[0]));
	f->a.t.nb_cap = 0;
	env_close(&f->a);
	b = env_open(&f->b, 1, NULL);
	if (also_proto != 0)
		assert_int_equal(net_ctx_set_l4(b->t.ctx, also_proto, l4_catch), 0);
	for (i = 0; i < n; i++)
		tern_ctx_input(b->t.ctx, 0, &frames[i], 1);
	tern_ctx_flush(b->t.ctx);
	return b;
}

/*
 * a sends @len bytes of PROTO_TEST to b (held in segments of @seg_len); the
 * fragments are checked, then b must rebuild the same datagram.
 */
static void
output_case(void **state, int family, uint32_t caps, size_t len, size_t seg_len)
{
	struct fixture *f = *state;
	struct env_conf c = { .caps = caps };
	struct env *a = env_open(&f->a, 0, &c), *b;
	uint32_t fs = family == 4 ? FRAG4 : FRAG6;
	unsigned int n = (unsigned int)((len + fs - 1) / fs);
	struct rte_mbuf *m;
	uint16_t id = 0;

	fill(data, len, 30 + (uint32_t)len);
	m = tern_test_mbuf_from_segs(data, len, seg_len);
	if (family == 4) {
		assert_true(ip4_needs_frag(a->t.ctx, IP4_B, (uint32_t)len));
		assert_int_equal(ip4_output(a->t.ctx, m, 0, IP4_B, PROTO_TEST, 0), 0);
	} else {
		assert_true(ip6_needs_frag(a->t.ctx, &ip6_b, (uint32_t)len));
		assert_int_equal(ip6_output(a->t.ctx, m, &ip6_a, &ip6_b, PROTO_TEST, 0), 0);
	}
	tern_ctx_flush(a->t.ctx);
	if (family == 4)
		id = check_out4(a, n, len, PROTO_TEST, MTU);
	else
		check_out6(a, n, len, PROTO_TEST, MTU);
	assert_int_equal(stats(a).frag_out, n);
	assert_int_equal(stats(a).frag_fragmented, 1);
	b = deliver(f, 0);
	assert_int_equal(b->nb_dg, 1);
	if (family == 4) {
		assert_int_equal(b->dg_ip[0].v4.src, IP4_A);
		check_dg4(b, 0, id, PROTO_TEST, data, len);
	} else {
		assert_memory_equal(&b->dg_ip[0].v6.src, &ip6_a, sizeof(ip6_a));
		check_dg6(b, 0, PROTO_TEST, data, len);
	}
	assert_int_equal(stats(b).frag_reasm_ok, 1);
	assert_int_equal(tern_ctx_pending(b->t.ctx), 0);
	finish(f);
}

static void
test_ip4_output_fragments_by_copy(void **state)
{
	output_case(state, 4, 0, 5000, 0);
}

static void
test_ip4_output_fragments_by_reference(void **state)
{
	output_case(state, 4, TERN_CAP_TX_MULTISEG, 5000, 0);
}

static void
test_ip4_output_multisegment_packet_fragments(void **state)
{
	output_case(state, 4, 0, 5000, 333);
	output_case(state, 4, TERN_CAP_TX_MULTISEG, 5000, 333);
}

/* The largest UDP datagram (65,507 bytes + 8 of header) in 45 fragments, and back. */
static void
test_ip4_largest_datagram_goes_in_45_fragments_and_back(void **state)
{
	output_case(state, 4, TERN_CAP_TX_MULTISEG, 65515, 0);
	output_case(state, 4, 0, 65515, 0);
}

static void
test_ip6_output_fragments_by_copy(void **state)
{
	output_case(state, 6, 0, 5000, 0);
}

static void
test_ip6_output_fragments_by_reference(void **state)
{
	output_case(state, 6, TERN_CAP_TX_MULTISEG, 5000, 700);
}

static void
test_ip6_largest_datagram_fragments_and_back(void **state)
{
	output_case(state, 6, TERN_CAP_TX_MULTISEG, 65535, 0);
}

/* Packets that fit still leave whole, with DF (IPv4). */
static void
test_ip4_output_that_fits_is_not_fragmented(void **state)
{
	struct fixture *f = *state;
	struct env *a = env_open(&f->a, 0, NULL);
	uint8_t out[FRAME_MAX];
	struct rte_mbuf *m;

	fill(data, FRAG4, 40);
	assert_false(ip4_needs_frag(a->t.ctx, IP4_B, FRAG4));
	assert_false(ip6_needs_frag(a->t.ctx, &ip6_b, MTU - IP6_LEN));
	assert_true(ip6_needs_frag(a->t.ctx, &ip6_b, MTU - IP6_LEN + 1));
	m = tern_test_mbuf_from(data, FRAG4);
	assert_int_equal(ip4_output(a->t.ctx, m, 0, IP4_B, PROTO_TEST, 0), 0);
	tern_ctx_flush(a->t.ctx);
	assert_int_equal(a->t.nb_cap, 1);
	assert_int_equal(frame_copy(a->t.cap[0], out, sizeof(out)), ETH_LEN + MTU);
	assert_int_equal(get16(out + ETH_LEN + 6), 0x4000);
	assert_int_equal(stats(a).frag_out, 0);
	finish(f);
}

/* Above 65535 bytes of IP there is nothing to fragment into. */
static void
test_output_above_65535_bytes_is_dropped(void **state)
{
	struct fixture *f = *state;
	struct env *a = env_open(&f->a, 0, NULL);
	struct rte_mbuf *m;

	m = tern_test_mbuf_from(data, 65535 - IP4_LEN + 1);
	assert_int_equal(ip4_output(a->t.ctx, m, 0, IP4_B, PROTO_TEST, 0), -EMSGSIZE);
	m = tern_test_mbuf_from(data, 65536);
	assert_int_equal(ip6_output(a->t.ctx, m, &ip6_a, &ip6_b, PROTO_TEST, 0), -EMSGSIZE);
	assert_int_equal(stats(a).drop_frag_too_big, 2);
	tern_ctx_flush(a->t.ctx);
	assert_int_equal(a->t.nb_cap, 0);
	finish(f);
}

/*
 * A UDP datagram whose checksum was left to the device (pseudo-header sum in
 * the field, RTE_MBUF_F_TX_UDP_CKSUM) is finished in software before it is
 * cut: what b rebuilds checks.
 */
static void
udp_offload(void **state, int family)
{
	struct fixture *f = *state;
	struct env_conf c = { .caps = TERN_CAP_TX_UDP_CKSUM };
	struct env *a = env_open(&f->a, 0, &c), *b;
	size_t len = 4000;
	uint8_t ph[40] = { 0 };
	struct rte_mbuf *m;
	uint16_t s;

	fill(data, len, 41);
	put16(data, 1234);
	put16(data + 2, 5678);
	put16(data + 4, (uint16_t)len);
	if (family == 4) {
		tern_ip4_t sa = IP4_A, da = IP4_B;

		memcpy(ph, &sa, 4);
		memcpy(ph + 4, &da, 4);
		ph[9] = PROTO_UDP;
		put16(ph + 10, (uint16_t)len);
		s = ref_sum(ph, 12, 0);
	} else {
		memcpy(ph, ip6_a.a, 16);
		memcpy(ph + 16, ip6_b.a, 16);
		put16(ph + 34, (uint16_t)len);
		ph[39] = PROTO_UDP;
		s = ref_sum(ph, 40, 0);
	}
	put16(data + 6, s);	/* what a caller using the offload leaves there */
	m = tern_test_mbuf_from(data, len);
	m->ol_flags |= RTE_MBUF_F_TX_UDP_CKSUM | (family == 4 ? RTE_MBUF_F_TX_IPV4 :
						  RTE_MBUF_F_TX_IPV6);
	m->l4_len = 8;
	if (family == 4)
		assert_int_equal(ip4_output(a->t.ctx, m, 0, IP4_B, PROTO_UDP, 0), 0);
	else
		assert_int_equal(ip6_output(a->t.ctx, m, &ip6_a, &ip6_b, PROTO_UDP, 0), 0);
	tern_ctx_flush(a->t.ctx);
	assert_int_equal(a->t.nb_cap, 3);
	assert_int_equal(a->t.cap[0]->ol_flags & RTE_MBUF_F_TX_L4_MASK, 0);
	b = deliver(f, PROTO_UDP);
	assert_int_equal(b->nb_dg, 1);
	read_all(b->dg[0]);
	/* the whole UDP datagram with its pseudo-header sums to 0xffff */
	put16(data + 6, 0);
	s = ref_sum(rbuf + (family == 4 ? IP4_LEN : IP6_LEN), len, ref_sum(ph, family == 4 ?
										12 : 40, 0));
	assert_int_equal(s, 0xffff);
	assert_memory_equal(rbuf + (family == 4 ? IP4_LEN : IP6_LEN) + 8, data + 8, len - 8);
	finish(f);
}

static void
test_ip4_udp_checksum_left_to_device_is_finished_before_fragmenting(void **state)
{
	udp_offload(state, 4);
}

static void
test_ip6_udp_checksum_left_to_device_is_finished_before_fragmenting(void **state)
{
	udp_offload(state, 6);
}

/* A small MTU: fragments shrink with it, offsets stay multiples of 8. */
static void
test_ip4_small_mtu_fragments_fit(void **state)
{
	struct fixture *f = *state;
	struct env_conf c = { .mtu = 576 };
	struct env *a = env_open(&f->a, 0, &c), *b;
	struct rte_mbuf *m;
	uint16_t id;

	fill(data, 3000, 42);
	m = tern_test_mbuf_from(data, 3000);
	assert_int_equal(ip4_output(a->t.ctx, m, 0, IP4_B, PROTO_TEST, 0), 0);
	tern_ctx_flush(a->t.ctx);
	id = check_out4(a, 6, 3000, PROTO_TEST, 576);	/* 552 bytes each */
	b = deliver(f, 0);
	assert_int_equal(b->nb_dg, 1);
	check_dg4(b, 0, id, PROTO_TEST, data, 3000);
	finish(f);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_ip4_fragments_in_order_reassemble),
		T(test_ip6_fragments_in_order_reassemble),
		T(test_ip4_fragments_in_reverse_order_reassemble),
		T(test_ip6_fragments_in_reverse_order_reassemble),
		T(test_ip4_shuffled_fragments_reassemble),
		T(test_ip6_shuffled_fragments_reassemble),
		T(test_ip4_60000_byte_datagram_in_41_fragments_reassembles),
		T(test_ip6_60000_byte_datagram_in_42_fragments_reassembles),
		T(test_ip4_multisegment_fragments_reassemble),
		T(test_ip4_odd_segment_fragments_reassemble),
		T(test_ip6_multisegment_fragments_reassemble),
		T(test_ip4_shared_fragments_are_not_written),
		T(test_ip6_shared_fragments_are_not_written),
		T(test_ip4_overlap_with_equal_bytes_fills_the_gaps),
		T(test_ip4_forged_overlap_gives_way_to_the_real_fragments),
		T(test_ip4_forged_last_fragment_does_not_block_the_id),
		T(test_ip4_stale_datagram_gives_way_when_its_id_comes_back),
		T(test_ip4_duplicate_fragments_are_dropped),
		T(test_ip6_overlap_drops_whole_datagram),
		T(test_ip6_exact_duplicate_is_dropped_alone),
		T(test_ip6_atomic_fragment_is_delivered),
		T(test_ip6_unfragmentable_headers_are_kept),
		T(test_ip4_incomplete_datagram_times_out_with_icmp),
		T(test_ip6_incomplete_datagram_times_out_with_icmp6),
		T(test_ip4_timeout_without_first_fragment_sends_no_icmp),
		T(test_ip6_timeout_without_first_fragment_sends_no_icmp),
		T(test_ip4_memory_bound_drops_oldest_datagram),
		T(test_ip4_flooding_source_evicts_its_own),
		T(test_ip4_pressure_expires_old_junk_before_young_datagrams),
		T(test_ip6_datagram_bound_drops_oldest_datagram),
		T(test_ip4_bad_fragment_lengths_are_dropped),
		T(test_ip6_bad_fragment_lengths_are_dropped),
		T(test_destroy_frees_held_fragments),
		T(test_ip4_output_fragments_by_copy),
		T(test_ip4_output_fragments_by_reference),
		T(test_ip4_output_multisegment_packet_fragments),
		T(test_ip4_largest_datagram_goes_in_45_fragments_and_back),
		T(test_ip6_output_fragments_by_copy),
		T(test_ip6_output_fragments_by_reference),
		T(test_ip6_largest_datagram_fragments_and_back),
		T(test_ip4_output_that_fits_is_not_fragmented),
		T(test_output_above_65535_bytes_is_dropped),
		T(test_ip4_udp_checksum_left_to_device_is_finished_before_fragmenting),
		T(test_ip6_udp_checksum_left_to_device_is_finished_before_fragmenting),
		T(test_ip4_small_mtu_fragments_fit),
	};
	int ret;

	if (tern_test_eal_init("net_frag") != 0)
		return 1;
	ret = cmocka_run_group_tests_name("net_frag", tests, NULL, NULL);
	tern_test_eal_fini();
	return ret;
}
