/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_tcp.h>

#include "proxy_net.h"

#define PN_POOL		16383
#define PN_SETTLE_MAX	200000

/* Frames in flight in order of their due times. */
struct pn_fifo {
	struct rte_mbuf **m;
	uint64_t *due;
	unsigned int head, n, cap;
};

/*
 * One direction of a link: frames in flight, due times, loss; a frame
 * picked for reordering waits reorder_ns more on a second line, so that
 * frames sent after it arrive first.
 */
struct pn_dir {
	struct pn_fifo q[2];
	double reorder;
	uint64_t reorder_ns;
	double loss;
	uint64_t rng;
	bool blackhole;
	uint16_t mtu;		/* pnet_set_mtu(); 0: none */
	struct pn_wire w;
	struct tern_ctx *to;	/* the receiving context and its port */
	uint16_t to_port;
};

struct pn_end {
	struct pnet *n;
	struct pn_dir *dir;	/* where what this device sends goes */
};

struct pnet {
	struct rte_mempool *mp[PN_NB];
	unsigned int mark[PN_NB];
	struct tern_net *net[PN_NB];
	struct tern_dev *dev[4];	/* C, P0, P1, S */
	struct pn_end end[4];
	struct tern_ctx *ctx[PN_NB];
	struct pn_dir dir[PN_NB_LINKS][2];	/* [link][up] */
	uint64_t delay[PN_NB_LINKS];
	uint64_t now;
	pnet_step_fn step;
	void *step_arg;
};

static const struct rte_ether_addr pn_mac[4] = {
	{ { 0x02, 0, 0, 0, 0x01, 0x02 } },	/* C */
	{ { 0x02, 0, 0, 0, 0x01, 0x01 } },	/* P if0 */
	{ { 0x02, 0, 0, 0, 0x02, 0x01 } },	/* P if1 */
	{ { 0x02, 0, 0, 0, 0x02, 0x02 } },	/* S */
};

static unsigned int pn_created;

struct tern_sockaddr
pn_addr(enum pn_node node, enum pn_link l, uint8_t family, uint16_t port)
{
	struct tern_sockaddr sa;
	uint8_t net = node == PN_C ? 1 : node == PN_S ? 2 : (l == PN_L0 ? 1 : 2);
	uint8_t host = node == PN_P ? 1 : 2;

	memset(&sa, 0, sizeof(sa));
	sa.family = family;
	sa.port = rte_cpu_to_be_16(port);
	if (family == 4) {
		sa.ip4 = harness_ip4(10, net, 0, host);
	} else {
		sa.ip6.a[0] = 0xfd;
		sa.ip6.a[1] = net;
		sa.ip6.a[15] = host;
	}
	return sa;
}

static void
dir_push(struct pn_fifo *d, struct rte_mbuf *m, uint64_t due)
{
	unsigned int i;

	if (d->n == d->cap) {
		unsigned int cap = d->cap ? d->cap * 2 : 1024;
		struct rte_mbuf **q = malloc(cap * sizeof(*q));
		uint64_t *t = malloc(cap * sizeof(*t));

		if (q == NULL || t == NULL) {
			free(q);
			free(t);
			rte_pktmbuf_free(m);
			return;
		}
		for (i = 0; i < d->n; i++) {
			q[i] = d->m[(d->head + i) % d->cap];
			t[i] = d->due[(d->head + i) % d->cap];
		}
		free(d->m);
		free(d->due);
		d->m = q;
		d->due = t;
		d->head = 0;
		d->cap = cap;
	}
	i = (d->head + d->n) % d->cap;
	d->m[i] = m;
	d->due[i] = due;
	d->n++;
}

static uint64_t rng_next(uint64_t *s);

/* A draw in [0, 1) from @s. */
static double
rng_unit(uint64_t *s)
{
	return (double)(rng_next(s) >> 11) / (double)(1ULL << 53);
}

static void
pn_tx(void *arg, struct rte_mbuf **pkts, uint16_t nb)
{
	struct pn_end *e = arg;
	struct pn_dir *d = e->dir;
	uint64_t due = e->n->now + e->n->delay[(d - &e->n->dir[0][0]) / 2];
	uint16_t i;

	for (i = 0; i < nb; i++) {
		if (d->reorder > 0 && rng_unit(&d->rng) < d->reorder) {
			d->w.reordered++;
			dir_push(&d->q[1], pkts[i], due + d->reorder_ns);
		} else {
			dir_push(&d->q[0], pkts[i], due);
		}
	}
}

/* TCP flags of frame @m, or -1 if it is not TCP. */
static int
frame_tcp_flags(const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t type;
	uint32_t off = RTE_ETHER_HDR_LEN;

	if (m->data_len < RTE_ETHER_HDR_LEN + 20 + 14)
		return -1;
	type = (uint16_t)(p[12] << 8 | p[13]);
	if (type == RTE_ETHER_TYPE_IPV4) {
		if (p[off + 9] != IPPROTO_TCP)
			return -1;
		off += (p[off] & 0xf) * 4u;
	} else if (type == RTE_ETHER_TYPE_IPV6) {
		if (m->data_len < off + 40 || p[off + 6] != IPPROTO_TCP)
			return -1;
		off += 40;
	} else {
		return -1;
	}
	if (m->data_len < off + 14)
		return -1;
	return p[off + 13];
}

static uint64_t
rng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

/* The frame at the head of @q if it is due at @now, taken off into *@m. */
static bool
fifo_pop(struct pn_fifo *q, uint64_t now, struct rte_mbuf **m)
{
	if (q->n == 0 || q->due[q->head] > now)
		return false;
	*m = q->m[q->head];
	q->head = (q->head + 1) % q->cap;
	q->n--;
	return true;
}

/* Whether frame @m is ICMP or ICMPv6. */
static bool
frame_icmp(const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t type;

	if (m->data_len < RTE_ETHER_HDR_LEN + 40)
		return false;
	type = (uint16_t)(p[12] << 8 | p[13]);
	return (type == RTE_ETHER_TYPE_IPV4 && p[RTE_ETHER_HDR_LEN + 9] == IPPROTO_ICMP) ||
		(type == RTE_ETHER_TYPE_IPV6 && p[RTE_ETHER_HDR_LEN + 6] == IPPROTO_ICMPV6);
}

/*
 * The router of pnet_set_mtu() on direction @d (link @l): if frame @m is
 * too big, an ICMP error about it goes back down the link and true.
 */
static bool
dir_too_big(struct pnet *n, struct pn_dir *d, unsigned int l, const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	struct pn_dir *back = &n->dir[l][d == &n->dir[l][0]];
	uint16_t type = (uint16_t)(p[12] << 8 | p[13]);
	uint32_t len, quote, hl;
	struct rte_mbuf *e;
	uint8_t *q;

	if (type == RTE_ETHER_TYPE_IPV4) {
		const struct rte_ipv4_hdr *ih = (const void *)(p + RTE_ETHER_HDR_LEN);

		len = rte_be_to_cpu_16(ih->total_length);
		if (len <= d->mtu || !(ih->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG)))
			return false;
		hl = sizeof(struct rte_ipv4_hdr);
		quote = RTE_MIN(len, 576u - hl - 8);
	} else if (type == RTE_ETHER_TYPE_IPV6) {
		const struct rte_ipv6_hdr *ih = (const void *)(p + RTE_ETHER_HDR_LEN);

		len = 40u + rte_be_to_cpu_16(ih->payload_len);
		if (len <= d->mtu)
			return false;
		hl = 40;
		quote = RTE_MIN(len, 1280u - hl - 8);
	} else {
		return false;
	}
	e = rte_pktmbuf_alloc(m->pool);
	if (e == NULL)
		return false;
	q = (uint8_t *)rte_pktmbuf_append(e, (uint16_t)(RTE_ETHER_HDR_LEN + hl + 8 + quote));
	if (q == NULL) {
		rte_pktmbuf_free(e);
		return false;
	}
	memset(q, 0, RTE_ETHER_HDR_LEN + hl + 8);
	memcpy(q, p + 6, 6);			/* back to the sender */
	memcpy(q + 6, p, 6);
	memcpy(q + 12, p + 12, 2);
	memcpy(q + RTE_ETHER_HDR_LEN + hl + 8, p + RTE_ETHER_HDR_LEN, quote);
	if (type == RTE_ETHER_TYPE_IPV4) {
		const struct rte_ipv4_hdr *oh = (const void *)(p + RTE_ETHER_HDR_LEN);
		struct rte_ipv4_hdr *ih = (void *)(q + RTE_ETHER_HDR_LEN);
		struct rte_icmp_hdr *ic = (void *)(ih + 1);

		ih->version_ihl = 0x45;
		ih->total_length = rte_cpu_to_be_16((uint16_t)(hl + 8 + quote));
		ih->time_to_live = 64;
		ih->next_proto_id = IPPROTO_ICMP;
		ih->src_addr = rte_cpu_to_be_32(RTE_IPV4(10, l + 1, 0, 254));
		ih->dst_addr = oh->src_addr;
		ih->hdr_checksum = rte_ipv4_cksum(ih);
		ic->icmp_type = 3;	/* destination unreachable */
		ic->icmp_code = 4;	/* fragmentation needed and DF set */
		ic->icmp_seq_nb = rte_cpu_to_be_16(d->mtu);	/* RFC 1191: next-hop MTU */
		ic->icmp_cksum = (uint16_t)~rte_raw_cksum(ic, 8 + quote);
	} else {
		const struct rte_ipv6_hdr *oh = (const void *)(p + RTE_ETHER_HDR_LEN);
		struct rte_ipv6_hdr *ih = (void *)(q + RTE_ETHER_HDR_LEN);
		uint8_t *ic = (uint8_t *)(ih + 1);
		uint16_t ck;

		ih->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ih->payload_len = rte_cpu_to_be_16((uint16_t)(8 + quote));
		ih->proto = IPPROTO_ICMPV6;
		ih->hop_limits = 64;
		ih->src_addr[0] = 0xfd;
		ih->src_addr[1] = (uint8_t)(l + 1);
		ih->src_addr[15] = 0xfe;
		memcpy(ih->dst_addr, oh->src_addr, 16);
		ic[0] = 2;	/* packet too big */
		ic[4] = 0;
		ic[5] = 0;
		ic[6] = (uint8_t)(d->mtu >> 8);
		ic[7] = (uint8_t)d->mtu;
		ck = rte_ipv6_udptcp_cksum(ih, ic);
		memcpy(ic + 2, &ck, 2);
	}
	d->w.too_big++;
	dir_push(&back->q[0], e, n->now + n->delay[l]);
	return true;
}

static unsigned int
dir_deliver(struct pnet *n, struct pn_dir *d)
{
	struct rte_mbuf *burst[TERN_RX_BURST], *m;
	unsigned int moved = 0;
	uint16_t k = 0;

	/* the main line first: what was held back arrives after it */
	while (fifo_pop(&d->q[0], n->now, &m) || fifo_pop(&d->q[1], n->now, &m)) {
		int fl;

		moved++;
		d->w.frames++;
		if (d->blackhole || (d->loss > 0 && rng_unit(&d->rng) < d->loss)) {
			d->w.lost++;
			rte_pktmbuf_free(m);
			continue;
		}
		if (d->mtu != 0 && dir_too_big(n, d, (unsigned int)(d - &n->dir[0][0]) / 2, m)) {
			rte_pktmbuf_free(m);
			continue;
		}
		if (frame_icmp(m))
			d->w.icmp++;
		fl = frame_tcp_flags(m);
		if (fl >= 0) {
			d->w.tcp++;
			if ((fl & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG)) ==
			    (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG))
				d->w.tcp_synack++;
			if (fl & RTE_TCP_RST_FLAG)
				d->w.tcp_rst++;
		}
		m->ol_flags &= RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL;
		m->packet_type = 0;
		burst[k++] = m;
		if (k == TERN_RX_BURST) {
			tern_ctx_input(d->to, d->to_port, burst, k);
			k = 0;
		}
	}
	if (k > 0)
		tern_ctx_input(d->to, d->to_port, burst, k);
	return moved;
}

static void
settle(struct pnet *n)
{
	unsigned int round, moved, i, l;

	for (round = 0; round < PN_SETTLE_MAX; round++) {
		moved = 0;
		for (i = 0; i < PN_NB; i++)
			tern_ctx_poll(n->ctx[i]);
		if (n->step != NULL)
			moved += n->step(n->step_arg);
		for (i = 0; i < PN_NB; i++)
			tern_ctx_flush(n->ctx[i]);
		for (l = 0; l < PN_NB_LINKS; l++) {
			moved += dir_deliver(n, &n->dir[l][0]);
			moved += dir_deliver(n, &n->dir[l][1]);
		}
		if (moved == 0)
			return;
	}
	fail_msg("proxy net: still moving after %u rounds at %" PRIu64 " ns", PN_SETTLE_MAX,
		 n->now);
}

void
pnet_run(struct pnet *n, uint64_t ns)
{
	uint64_t end = n->now + ns, step;
	unsigned int i;

	settle(n);
	while (n->now < end) {
		step = RTE_MIN((uint64_t)HARNESS_STEP_NS, end - n->now);
		for (i = 0; i < PN_NB; i++)
			assert_int_equal(tern_ctx_advance(n->ctx[i], step), 0);
		n->now += step;
		settle(n);
	}
}

#define PN_CHECK(what, cond)							\
	do {									\
		if (!(cond)) {							\
			print_error("proxy net: %s: %s\n", (what),		\
				    rte_strerror(rte_errno));			\
			goto fail;						\
		}								\
	} while (0)

static struct tern_dev *
mkdev(struct pnet *n, unsigned int i, struct rte_mempool *mp, struct pn_dir *to)
{
	struct tern_vdev_param vp = { 0 };
	char name[32];

	snprintf(name, sizeof(name), "pn%u_%u", pn_created, i);
	vp.name = name;
	vp.mac = pn_mac[i];
	vp.mp = mp;
	vp.tx = pn_tx;
	n->end[i].n = n;
	n->end[i].dir = to;
	vp.tx_arg = &n->end[i];
	return tern_dev_create_virtual(&vp);
}

struct pnet *
pnet_create(const struct tern_tcp_config *tcp_p)
{
	struct pnet *n = calloc(1, sizeof(*n));
	struct tern_net_param np = { .socket_id = SOCKET_ID_ANY };
	struct tern_ctx_param cp = { .socket_id = SOCKET_ID_ANY, .manual_clock = true };
	struct tern_sockaddr a4, a6, g4, g6, p4, p6;
	unsigned int i;
	char name[RTE_MEMPOOL_NAMESIZE];

	if (n == NULL)
		return NULL;
	pn_created++;
	for (i = 0; i < PN_NB; i++) {
		snprintf(name, sizeof(name), "pn%u_pool%u", pn_created, i);
		n->mp[i] = rte_pktmbuf_pool_create(name, PN_POOL, 64, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
						   SOCKET_ID_ANY);
		PN_CHECK("pool", n->mp[i] != NULL);
		n->net[i] = tern_net_create(&np);
		PN_CHECK("tern_net_create", n->net[i] != NULL);
	}
	n->dev[0] = mkdev(n, 0, n->mp[PN_C], &n->dir[PN_L0][1]);
	n->dev[1] = mkdev(n, 1, n->mp[PN_P], &n->dir[PN_L0][0]);
	n->dev[2] = mkdev(n, 2, n->mp[PN_P], &n->dir[PN_L1][1]);
	n->dev[3] = mkdev(n, 3, n->mp[PN_S], &n->dir[PN_L1][0]);
	for (i = 0; i < 4; i++)
		PN_CHECK("device", n->dev[i] != NULL);
	rte_errno = EINVAL;
	PN_CHECK("ifaces", tern_net_iface_add(n->net[PN_C], n->dev[0], 0) == 0 &&
		 tern_net_iface_add(n->net[PN_P], n->dev[1], 0) == 0 &&
		 tern_net_iface_add(n->net[PN_P], n->dev[2], 0) == 1 &&
		 tern_net_iface_add(n->net[PN_S], n->dev[3], 0) == 0);
	/* C */
	a4 = pn_addr(PN_C, PN_L0, 4, 0);
	a6 = pn_addr(PN_C, PN_L0, 6, 0);
	g4 = pn_addr(PN_P, PN_L0, 4, 0);
	g6 = pn_addr(PN_P, PN_L0, 6, 0);
	p6 = pn_addr(PN_S, PN_L1, 6, 0);
	p6.ip6.a[1] = 0;
	p6.ip6.a[15] = 0;
	PN_CHECK("C", tern_net_addr4_add(n->net[PN_C], 0, a4.ip4, 24) == 0 &&
		 tern_net_addr6_add(n->net[PN_C], 0, &a6.ip6, 64) == 0 &&
		 tern_net_route4_add(n->net[PN_C], harness_ip4(10, 2, 0, 0), 16, g4.ip4, 0) == 0 &&
		 tern_net_neigh4_set(n->net[PN_C], 0, g4.ip4, &pn_mac[1]) == 0 &&
		 tern_net_neigh6_set(n->net[PN_C], 0, &g6.ip6, &pn_mac[1]) == 0);
	p6.ip6.a[1] = 2;
	PN_CHECK("C route6", tern_net_route6_add(n->net[PN_C], &p6.ip6, 16, &g6.ip6, 0) == 0);
	/* S */
	a4 = pn_addr(PN_S, PN_L1, 4, 0);
	a6 = pn_addr(PN_S, PN_L1, 6, 0);
	g4 = pn_addr(PN_P, PN_L1, 4, 0);
	g6 = pn_addr(PN_P, PN_L1, 6, 0);
	p6.ip6.a[1] = 1;
	PN_CHECK("S", tern_net_addr4_add(n->net[PN_S], 0, a4.ip4, 24) == 0 &&
		 tern_net_addr6_add(n->net[PN_S], 0, &a6.ip6, 64) == 0 &&
		 tern_net_route4_add(n->net[PN_S], harness_ip4(10, 1, 0, 0), 16, g4.ip4, 0) == 0 &&
		 tern_net_route6_add(n->net[PN_S], &p6.ip6, 16, &g6.ip6, 0) == 0 &&
		 tern_net_neigh4_set(n->net[PN_S], 0, g4.ip4, &pn_mac[2]) == 0 &&
		 tern_net_neigh6_set(n->net[PN_S], 0, &g6.ip6, &pn_mac[2]) == 0);
	/* P */
	for (i = 0; i < 2; i++) {
		enum pn_link l = i == 0 ? PN_L0 : PN_L1;
		enum pn_node peer = i == 0 ? PN_C : PN_S;

		a4 = pn_addr(PN_P, l, 4, 0);
		a6 = pn_addr(PN_P, l, 6, 0);
		p4 = pn_addr(peer, l, 4, 0);
		p6 = pn_addr(peer, l, 6, 0);
		PN_CHECK("P", tern_net_addr4_add(n->net[PN_P], (uint16_t)i, a4.ip4, 24) == 0 &&
			 tern_net_addr6_add(n->net[PN_P], (uint16_t)i, &a6.ip6, 64) == 0 &&
			 tern_net_neigh4_set(n->net[PN_P], (uint16_t)i, p4.ip4,
					     &pn_mac[i == 0 ? 0 : 3]) == 0 &&
			 tern_net_neigh6_set(n->net[PN_P], (uint16_t)i, &p6.ip6,
					     &pn_mac[i == 0 ? 0 : 3]) == 0 &&
			 tern_net_forward_set(n->net[PN_P], (uint16_t)i,
					      TERN_FWD_IP4 | TERN_FWD_IP6) == 0);
	}
	for (i = 0; i < PN_NB; i++) {
		cp.net = n->net[i];
		cp.tcp = i == PN_P ? tcp_p : NULL;
		n->ctx[i] = tern_ctx_create(&cp);
		PN_CHECK("tern_ctx_create", n->ctx[i] != NULL);
	}
	n->dir[PN_L0][1].to = n->ctx[PN_P];
	n->dir[PN_L0][1].to_port = 0;
	n->dir[PN_L0][0].to = n->ctx[PN_C];
	n->dir[PN_L1][1].to = n->ctx[PN_S];
	n->dir[PN_L1][0].to = n->ctx[PN_P];
	n->dir[PN_L1][0].to_port = 1;
	for (i = 0; i < PN_NB; i++)
		n->mark[i] = rte_mempool_avail_count(n->mp[i]);
	return n;
fail:
	pnet_destroy(n);
	return NULL;
}

static void
dir_clear(struct pn_dir *d)
{
	struct rte_mbuf *m;

	while (fifo_pop(&d->q[0], UINT64_MAX, &m) || fifo_pop(&d->q[1], UINT64_MAX, &m))
		rte_pktmbuf_free(m);
}

int
pnet_destroy(struct pnet *n)
{
	unsigned int i, l, avail;
	int ret = 0;

	if (n == NULL)
		return 0;
	for (l = 0; l < PN_NB_LINKS; l++)
		for (i = 0; i < 2; i++)
			dir_clear(&n->dir[l][i]);
	for (i = 0; i < PN_NB; i++)
		tern_ctx_destroy(n->ctx[i]);
	for (l = 0; l < PN_NB_LINKS; l++)
		for (i = 0; i < 2; i++) {
			dir_clear(&n->dir[l][i]);
			free(n->dir[l][i].q[0].m);
			free(n->dir[l][i].q[0].due);
			free(n->dir[l][i].q[1].m);
			free(n->dir[l][i].q[1].due);
		}
	for (i = 0; i < PN_NB; i++)
		tern_net_destroy(n->net[i]);
	for (i = 0; i < 4; i++)
		tern_dev_destroy(n->dev[i]);
	for (i = 0; i < PN_NB; i++) {
		if (n->mp[i] == NULL)
			continue;
		avail = rte_mempool_avail_count(n->mp[i]);
		if (avail != PN_POOL) {
			print_error("proxy net: pool %u: %u of %u mbufs back\n", i, avail, PN_POOL);
			ret = -1;
			continue;
		}
		rte_mempool_free(n->mp[i]);
	}
	free(n);
	return ret;
}

struct tern_ctx *
pnet_ctx(const struct pnet *n, enum pn_node node)
{
	return n->ctx[node];
}

void
pnet_set_loss(struct pnet *n, enum pn_link l, bool up, double p, uint64_t seed)
{
	n->dir[l][up].loss = p;
	n->dir[l][up].rng = seed | 1;
	printf("proxy net: link %d %s: loss %g%% seed %" PRIu64 "\n", (int)l,
	       up ? "to server" : "to client", p * 100, seed);
}

void
pnet_set_reorder(struct pnet *n, enum pn_link l, bool up, double p, uint64_t extra_ns)
{
	n->dir[l][up].reorder = p;
	n->dir[l][up].reorder_ns = extra_ns;
	if (n->dir[l][up].rng == 0)
		n->dir[l][up].rng = 0x9e3779b97f4a7c15ULL;
	printf("proxy net: link %d %s: reorder %g%% by %" PRIu64 " ns\n", (int)l,
	       up ? "to server" : "to client", p * 100, extra_ns);
}

void
pnet_set_delay(struct pnet *n, enum pn_link l, uint64_t ns)
{
	n->delay[l] = ns;
}

void
pnet_set_mtu(struct pnet *n, enum pn_link l, bool up, uint16_t mtu)
{
	n->dir[l][up].mtu = mtu;
}

void
pnet_set_blackhole(struct pnet *n, enum pn_link l, bool up, bool on)
{
	n->dir[l][up].blackhole = on;
}

void
pnet_set_step(struct pnet *n, pnet_step_fn fn, void *arg)
{
	n->step = fn;
	n->step_arg = arg;
}

uint64_t
pnet_now(const struct pnet *n)
{
	return n->now;
}

bool
pnet_pools_back(const struct pnet *n)
{
	bool ok = true;
	unsigned int i, avail;

	for (i = 0; i < PN_NB; i++) {
		avail = rte_mempool_avail_count(n->mp[i]);
		if (avail != n->mark[i]) {
			print_error("proxy net: pool %u: %u mbufs, %u at start\n", i, avail,
				    n->mark[i]);
			ok = false;
		}
	}
	return ok;
}

struct pn_wire
pnet_wire(const struct pnet *n, enum pn_link l, bool up)
{
	return n->dir[l][up].w;
}
