/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "stack_harness.h"

#define POOL_CACHE		64
#define WIRE_INIT		1024
#define SETTLE_MAX		100000	/* delivery rounds per step before giving up */

struct side {
	struct harness *h;
	enum harness_side id;
	struct rte_mempool *mp;
	unsigned int mark;		/* pool count once built */
	struct tern_net *net;
	struct tern_dev *dev;
	struct tern_ctx *ctx;
	/* frames sent, not yet delivered to the other side */
	struct rte_mbuf **wire;
	unsigned int wire_n;
	unsigned int wire_cap;
	uint64_t frames_sent;
	/* TSC cycles spent in tern_ctx_input() of frames delivered to this side */
	uint64_t input_cycles;
	/* the delay line (harness_set_wire_delay()): a FIFO, frames and due times */
	struct rte_mbuf **dl;
	uint64_t *dl_due;
	unsigned int dl_head, dl_n, dl_cap;
	unsigned int pool_size;
	/* the device's offloads, done by the wire (harness_set_dev_caps()) */
	uint32_t caps;
	uint16_t mtu;
	struct harness_wire_stats ws;
};

struct harness {
	struct side s[HARNESS_NB_SIDES];
	uint64_t now_ns;
	uint64_t wire_delay_ns;
	harness_tap_fn tap;
	void *tap_arg;
};

static const struct rte_ether_addr side_mac[HARNESS_NB_SIDES] = {
	{ { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a } },
	{ { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b } },
};

static unsigned int nb_created;	/* makes pool names unique */
static unsigned int pool_size = HARNESS_POOL_SIZE;	/* of the next harness */
static unsigned int eal_mb = 1024;
static uint32_t dev_caps[HARNESS_NB_SIDES];	/* of the next harness */

void
harness_set_dev_caps(enum harness_side s, uint32_t caps)
{
	dev_caps[s] = caps;
}

void
harness_set_pool_size(unsigned int n)
{
	pool_size = n != 0 ? n : HARNESS_POOL_SIZE;
}

int
harness_eal_init_mem(const char *name, unsigned int mb)
{
	eal_mb = mb;
	return harness_eal_init(name);
}

int
harness_eal_init(const char *name)
{
	char prefix[64], mem[16];
	/* Not --in-memory: DPDK 22.11 refuses it with --no-huge. */
	char *argv[] = {
		(char *)(uintptr_t)name,
		"--no-huge",
		"-m", mem,
		"--no-pci",
		"--file-prefix", prefix,
		"--log-level=*:warning",
		"--no-telemetry",
		"--no-shconf",
		NULL,
	};
	int argc = (int)RTE_DIM(argv) - 1;

	snprintf(prefix, sizeof(prefix), "tern_%s_%d", name, (int)getpid());
	snprintf(mem, sizeof(mem), "%u", eal_mb);
	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "%s: rte_eal_init: %s\n", name, rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

void
harness_eal_fini(void)
{
	char dir[PATH_MAX];

	/* The EAL leaves its (by then empty) run-time directory behind. */
	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	if (dir[0] != '\0')
		rmdir(dir);
}

uint64_t
harness_seed(const char *test, uint64_t def)
{
	const char *env = getenv("TERN_TEST_SEED");
	uint64_t seed = def;

	if (env != NULL && env[0] != '\0')
		seed = strtoull(env, NULL, 0);
	printf("%s: seed %" PRIu64 " (TERN_TEST_SEED=%" PRIu64 " replays it)\n", test, seed,
	       seed);
	fflush(stdout);
	return seed;
}

tern_ip4_t
harness_ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	const uint8_t bytes[4] = { a, b, c, d };
	tern_ip4_t v;

	memcpy(&v, bytes, sizeof(v));
	return v;
}

struct tern_sockaddr
harness_addr(enum harness_side s, uint8_t family, uint16_t port)
{
	struct tern_sockaddr sa;

	memset(&sa, 0, sizeof(sa));
	sa.family = family;
	sa.port = rte_cpu_to_be_16(port);
	if (family == 4) {
		sa.ip4 = harness_ip4(10, 0, 0, s == HARNESS_A ? 1 : 2);
	} else {
		sa.ip6.a[0] = 0xfd;
		sa.ip6.a[15] = s == HARNESS_A ? 1 : 2;
	}
	return sa;
}

/* Hold @m on @s's delay line until @due. @return 0, -1 (no memory: dropped). */
static int
dl_push(struct side *s, struct rte_mbuf *m, uint64_t due)
{
	unsigned int i;

	if (s->dl_n == s->dl_cap) {
		unsigned int cap = RTE_MAX(s->dl_cap * 2, 1024u);
		struct rte_mbuf **q = malloc(cap * sizeof(*q));
		uint64_t *d = malloc(cap * sizeof(*d));

		if (q == NULL || d == NULL) {
			free(q);
			free(d);
			fprintf(stderr, "harness: delay line: out of memory\n");
			return -1;
		}
		for (i = 0; i < s->dl_n; i++) {
			q[i] = s->dl[(s->dl_head + i) % s->dl_cap];
			d[i] = s->dl_due[(s->dl_head + i) % s->dl_cap];
		}
		free(s->dl);
		free(s->dl_due);
		s->dl = q;
		s->dl_due = d;
		s->dl_head = 0;
		s->dl_cap = cap;
	}
	i = (s->dl_head + s->dl_n) % s->dl_cap;
	s->dl[i] = m;
	s->dl_due[i] = due;
	s->dl_n++;
	return 0;
}

static void wire_put(struct side *s, struct rte_mbuf *m);

/* Move the frames of @s's delay line that are due onto the wire. */
static void
dl_release(struct side *s)
{
	while (s->dl_n > 0 && s->dl_due[s->dl_head] <= s->h->now_ns) {
		wire_put(s, s->dl[s->dl_head]);
		s->dl_head = (s->dl_head + 1) % s->dl_cap;
		s->dl_n--;
	}
}

static void
dl_clear(struct side *s)
{
	while (s->dl_n > 0) {
		rte_pktmbuf_free(s->dl[s->dl_head]);
		s->dl_head = (s->dl_head + 1) % s->dl_cap;
		s->dl_n--;
	}
}

void
harness_set_wire_delay(struct harness *h, uint64_t ns)
{
	h->wire_delay_ns = ns;
}

/* Put @m on @s's wire, for the next delivery. */
static void
wire_put(struct side *s, struct rte_mbuf *m)
{
	if (s->wire_n == s->wire_cap) {
		unsigned int cap = RTE_MAX(s->wire_cap * 2, 64u);
		struct rte_mbuf **w = realloc(s->wire, cap * sizeof(*w));

		if (w == NULL) {
			/* Never expected; the test fails on the pool check. */
			fprintf(stderr, "harness: wire: out of memory\n");
			rte_pktmbuf_free(m);
			return;
		}
		s->wire = w;
		s->wire_cap = cap;
	}
	s->wire[s->wire_n++] = m;
}

/* One frame onto @s's wire (or its delay line), delivered later. */
static void
side_out(struct side *s, struct rte_mbuf *m)
{
	uint32_t l3 = m->pkt_len > RTE_ETHER_HDR_LEN ? m->pkt_len - RTE_ETHER_HDR_LEN : 0;

	s->frames_sent++;
	s->ws.frames++;
	if (l3 > s->ws.max_l3)
		s->ws.max_l3 = l3;
	if (s->caps != 0 && l3 > s->mtu) {
		print_error("harness: side %c put a %u-byte packet on a wire of MTU %u\n",
			    s->id == HARNESS_A ? 'A' : 'B', l3, s->mtu);
		s->ws.errors++;
	}
	if (s->h->wire_delay_ns == 0)
		wire_put(s, m);
	else if (dl_push(s, m, s->h->now_ns + s->h->wire_delay_ns) != 0)
		rte_pktmbuf_free(m);
}

/* A breach of the offload contract by what side @s sent: printed, counted, @m dropped. */
static void
nic_breach(struct side *s, struct rte_mbuf *m, const char *what)
{
	print_error("harness: side %c's device (offloads %#x) was sent a packet it cannot "
		    "send: %s (ol_flags %#" PRIx64 ", l2 %u l3 %u l4 %u tso_segsz %u, "
		    "%u bytes in %u segments)\n", s->id == HARNESS_A ? 'A' : 'B', s->caps, what,
		    m->ol_flags, m->l2_len, m->l3_len, m->l4_len, m->tso_segsz, m->pkt_len,
		    m->nb_segs);
	s->ws.errors++;
	rte_pktmbuf_free(m);
}

#define NIC_BREACH(s, m, what)			\
	do {					\
		nic_breach((s), (m), (what));	\
		return;				\
	} while (0)

/* The one's complement sum @raw (folded, host-order words) plus @add, folded. */
static uint16_t
sum_fold(uint32_t raw, uint32_t add)
{
	uint32_t sum = raw + add;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * Where the IP header of @m starts and how long its L4 part is, from the
 * offload fields the sender filled, checked against the headers.
 * @return NULL (with *@why) if they do not describe @m.
 */
static uint8_t *
nic_l3(struct rte_mbuf *m, bool *v4, uint32_t *l4_bytes, uint8_t *proto, const char **why)
{
	uint64_t f = m->ol_flags;
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t l2 = m->l2_len, l3 = m->l3_len;

	*why = "l2_len/l3_len do not match the headers";
	if (l2 != RTE_ETHER_HDR_LEN || m->data_len < l2 + l3 + sizeof(struct rte_udp_hdr))
		return NULL;
	*v4 = (f & RTE_MBUF_F_TX_IPV4) != 0;
	if (*v4 == ((f & RTE_MBUF_F_TX_IPV6) != 0)) {
		*why = "not exactly one of RTE_MBUF_F_TX_IPV4 and _IPV6";
		return NULL;
	}
	if (*v4) {
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(p + l2);
		uint32_t tot = rte_be_to_cpu_16(ip->total_length);

		if (ip->version_ihl >> 4 != 4 || (ip->version_ihl & 0xf) * 4u != l3 ||
		    tot < l3 || l2 + tot != m->pkt_len)
			return NULL;
		*l4_bytes = tot - l3;
		*proto = ip->next_proto_id;
	} else {
		const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(p + l2);

		if (rte_be_to_cpu_32(ip->vtc_flow) >> 28 != 6 || l3 != sizeof(*ip) ||
		    l2 + l3 + rte_be_to_cpu_16(ip->payload_len) != m->pkt_len)
			return NULL;
		*l4_bytes = rte_be_to_cpu_16(ip->payload_len);
		*proto = ip->proto;
	}
	return p + l2;
}

/* A TSO send: cut into pieces of tso_segsz payload bytes, each onto the wire. */
static void
nic_tso(struct side *s, struct rte_mbuf *m)
{
	uint8_t hdr[RTE_ETHER_HDR_LEN + 60 + 60];
	uint32_t l2 = m->l2_len, l3 = m->l3_len, l4 = m->l4_len, hl = l2 + l3 + l4;
	uint32_t mss = m->tso_segsz, l4_bytes, payload, off, n, seq0;
	struct rte_tcp_hdr *th;
	const char *why;
	uint16_t id0 = 0;
	uint8_t proto, flags0;
	uint8_t *ip;
	unsigned int i;
	bool v4;

	if (!(s->caps & TERN_CAP_TX_TSO) || !(s->caps & TERN_CAP_TX_TCP_CKSUM))
		NIC_BREACH(s, m, "TSO on a device without TSO and TCP checksum offload");
	if ((m->ol_flags & RTE_MBUF_F_TX_L4_MASK) != RTE_MBUF_F_TX_TCP_CKSUM)
		NIC_BREACH(s, m, "TSO without RTE_MBUF_F_TX_TCP_CKSUM");
	ip = nic_l3(m, &v4, &l4_bytes, &proto, &why);
	if (ip == NULL)
		NIC_BREACH(s, m, why);
	if (v4 && !(m->ol_flags & RTE_MBUF_F_TX_IP_CKSUM))
		NIC_BREACH(s, m, "IPv4 TSO without RTE_MBUF_F_TX_IP_CKSUM");
	if ((m->ol_flags & RTE_MBUF_F_TX_IP_CKSUM) && !(s->caps & TERN_CAP_TX_IP4_CKSUM))
		NIC_BREACH(s, m, "IP checksum offload on a device without it");
	if (proto != IPPROTO_TCP || mss == 0 || l4 < sizeof(*th) || hl > sizeof(hdr) ||
	    m->data_len < hl || l4_bytes <= l4)
		NIC_BREACH(s, m, "TSO fields do not describe a TCP segment with data");
	th = (struct rte_tcp_hdr *)(ip + l3);
	if ((th->data_off >> 4) * 4u != l4)
		NIC_BREACH(s, m, "l4_len is not the TCP header's length");
	memcpy(hdr, rte_pktmbuf_mtod(m, uint8_t *), hl);
	ip = hdr + l2;
	th = (struct rte_tcp_hdr *)(ip + l3);
	if (v4)
		id0 = rte_be_to_cpu_16(((struct rte_ipv4_hdr *)ip)->packet_id);
	seq0 = rte_be_to_cpu_32(th->sent_seq);
	flags0 = th->tcp_flags;
	payload = l4_bytes - l4;
	s->ws.tso_sends++;
	for (off = 0, i = 0; off < payload; off += n, i++) {
		struct rte_mbuf *p = rte_pktmbuf_alloc(s->mp);
		struct rte_tcp_hdr *pth;
		const void *src;
		uint8_t *d, *pip;

		n = RTE_MIN(mss, payload - off);
		d = p != NULL ? (uint8_t *)rte_pktmbuf_append(p, (uint16_t)(hl + n)) : NULL;
		if (d == NULL) {
			print_error("harness: side %c: no mbuf for a %u-byte TSO piece\n",
				    s->id == HARNESS_A ? 'A' : 'B', hl + n);
			s->ws.errors++;
			rte_pktmbuf_free(p);
			break;
		}
		memcpy(d, hdr, hl);
		src = rte_pktmbuf_read(m, hl + off, n, d + hl);
		if (src != d + hl)
			memcpy(d + hl, src, n);
		pip = d + l2;
		pth = (struct rte_tcp_hdr *)(pip + l3);
		if (v4) {
			struct rte_ipv4_hdr *ih = (struct rte_ipv4_hdr *)pip;

			ih->total_length = rte_cpu_to_be_16((uint16_t)(l3 + l4 + n));
			ih->packet_id = rte_cpu_to_be_16((uint16_t)(id0 + i));
			ih->hdr_checksum = 0;
			ih->hdr_checksum = rte_ipv4_cksum(ih);
		} else {
			((struct rte_ipv6_hdr *)pip)->payload_len =
				rte_cpu_to_be_16((uint16_t)(l4 + n));
		}
		pth->sent_seq = rte_cpu_to_be_32(seq0 + off);
		if (off + n < payload)
			pth->tcp_flags = flags0 & (uint8_t)~(RTE_TCP_FIN_FLAG | RTE_TCP_PSH_FLAG);
		/* the field holds the pseudo-header sum without the length: add the piece's */
		pth->cksum = (uint16_t)~sum_fold(rte_raw_cksum(pth, l4 + n),
						 rte_cpu_to_be_16((uint16_t)(l4 + n)));
		s->ws.tso_pieces++;
		side_out(s, p);
	}
	rte_pktmbuf_free(m);
}

/*
 * What side @s's device does to @m on its way out: checksums finished, a
 * TSO send cut, then onto the wire.
 */
static void
nic_tx(struct side *s, struct rte_mbuf *m)
{
	uint64_t f = m->ol_flags, l4f = f & RTE_MBUF_F_TX_L4_MASK;
	uint32_t l4_bytes, field;
	const char *why;
	uint8_t proto;
	uint8_t *ip;
	bool v4;

	if (m->nb_segs > 1 && !(s->caps & TERN_CAP_TX_MULTISEG))
		NIC_BREACH(s, m, "a multi-segment packet on a device without "
				  "multi-segment transmit");
	if (f & RTE_MBUF_F_TX_TCP_SEG)
		return nic_tso(s, m);
	if (f & RTE_MBUF_F_TX_UDP_SEG)
		NIC_BREACH(s, m, "UDP segmentation (UFO) is not emulated");
	if (!(f & RTE_MBUF_F_TX_IP_CKSUM) && l4f == 0) {
		side_out(s, m);
		return;
	}
	ip = nic_l3(m, &v4, &l4_bytes, &proto, &why);
	if (ip == NULL)
		NIC_BREACH(s, m, why);
	if (f & RTE_MBUF_F_TX_IP_CKSUM) {
		struct rte_ipv4_hdr *ih = (struct rte_ipv4_hdr *)ip;

		if (!v4 || !(s->caps & TERN_CAP_TX_IP4_CKSUM))
			NIC_BREACH(s, m, "IP checksum offload not possible here");
		ih->hdr_checksum = 0;
		ih->hdr_checksum = rte_ipv4_cksum(ih);
	}
	if (l4f == RTE_MBUF_F_TX_TCP_CKSUM) {
		if (proto != IPPROTO_TCP || !(s->caps & TERN_CAP_TX_TCP_CKSUM))
			NIC_BREACH(s, m, "TCP checksum offload not possible here");
		field = offsetof(struct rte_tcp_hdr, cksum);
	} else if (l4f == RTE_MBUF_F_TX_UDP_CKSUM) {
		if (proto != IPPROTO_UDP || !(s->caps & TERN_CAP_TX_UDP_CKSUM))
			NIC_BREACH(s, m, "UDP checksum offload not possible here");
		field = offsetof(struct rte_udp_hdr, dgram_cksum);
	} else if (l4f != 0) {
		NIC_BREACH(s, m, "an L4 checksum offload other than TCP and UDP");
	}
	if (l4f != 0) {
		uint32_t l4_off = (uint32_t)(ip - rte_pktmbuf_mtod(m, uint8_t *)) + m->l3_len;
		uint16_t raw, ck;

		if (rte_raw_cksum_mbuf(m, l4_off, l4_bytes, &raw) != 0)
			NIC_BREACH(s, m, "L4 length past the packet");
		/* the field holds the pseudo-header sum: summing over it finishes the job */
		ck = (uint16_t)~raw;
		if (ck == 0 && l4f == RTE_MBUF_F_TX_UDP_CKSUM)
			ck = 0xffff;
		memcpy(ip + m->l3_len + field, &ck, sizeof(ck));
		s->ws.cksums++;
	}
	m->ol_flags &= ~(RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK);
	side_out(s, m);
}

/* The virtual device's transmit: onto the wire (or the delay line), delivered later. */
static void
side_tx(void *arg, struct rte_mbuf **pkts, uint16_t n)
{
	struct side *s = arg;
	uint16_t i;

	for (i = 0; i < n; i++) {
		if (s->caps != 0)
			nic_tx(s, pkts[i]);
		else
			side_out(s, pkts[i]);
	}
}

static void
print_impair(const char *dir, const struct tern_impair_param *p)
{
	if (p == NULL) {
		printf("harness: %s: no impairment\n", dir);
	} else {
		printf("harness: %s: loss=%g%% dup=%g%% reorder=%g%% corrupt=%g%% "
		       "delay=%" PRIu64 "ns seed=%" PRIu64 "\n", dir, p->loss * 100,
		       p->dup * 100, p->reorder * 100, p->corrupt * 100, p->delay_ns, p->seed);
	}
	fflush(stdout);
}

#define BUILD_CHECK(what, cond)							\
	do {								\
		if (!(cond)) {						\
			print_error("harness: %s: %s\n", (what),	\
				    rte_strerror(rte_errno));		\
			return -1;					\
		}							\
	} while (0)

/* A fresh context for side @s on its net, its clock at the harness's time. */
static int
side_ctx_create(struct side *s, const struct tern_tcp_config *tcp)
{
	struct tern_ctx_param cp = { 0 };

	cp.net = s->net;
	cp.socket_id = SOCKET_ID_ANY;
	cp.manual_clock = true;
	cp.tcp = tcp;
	s->ctx = tern_ctx_create(&cp);
	BUILD_CHECK("tern_ctx_create", s->ctx != NULL);
	rte_errno = EINVAL;
	BUILD_CHECK("tern_ctx_set_time", s->h->now_ns == 0 ||
		    tern_ctx_set_time(s->ctx, s->h->now_ns) == 0);
	return 0;
}

static int
side_build(struct harness *h, enum harness_side id, const struct tern_tcp_config *tcp)
{
	struct side *s = &h->s[id];
	enum harness_side peer = id == HARNESS_A ? HARNESS_B : HARNESS_A;
	struct tern_net_param np = { 0 };
	struct tern_vdev_param vp = { 0 };
	struct tern_sockaddr me4 = harness_addr(id, 4, 0), me6 = harness_addr(id, 6, 0);
	struct tern_sockaddr peer4 = harness_addr(peer, 4, 0), peer6 = harness_addr(peer, 6, 0);
	char name[RTE_MEMPOOL_NAMESIZE];

	s->h = h;
	s->id = id;
	snprintf(name, sizeof(name), "harness_%c%u", id == HARNESS_A ? 'a' : 'b', nb_created);
	s->pool_size = pool_size;
	s->mp = rte_pktmbuf_pool_create(name, s->pool_size, POOL_CACHE, 0,
					RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	BUILD_CHECK("mbuf pool", s->mp != NULL);
	vp.name = id == HARNESS_A ? "harness_a" : "harness_b";
	vp.mac = side_mac[id];
	vp.mp = s->mp;
	vp.tx = side_tx;
	vp.tx_arg = s;
	vp.caps = dev_caps[id];
	s->caps = dev_caps[id];
	np.socket_id = SOCKET_ID_ANY;
	s->net = tern_net_create(&np);
	BUILD_CHECK("tern_net_create", s->net != NULL);
	s->dev = tern_dev_create_virtual(&vp);
	BUILD_CHECK("tern_dev_create_virtual", s->dev != NULL);
	s->mtu = tern_dev_mtu(s->dev);
	rte_errno = EINVAL;
	BUILD_CHECK("iface", tern_net_iface_add(s->net, s->dev, 0) == 0);
	BUILD_CHECK("addresses", tern_net_addr4_add(s->net, 0, me4.ip4, 24) == 0 &&
		    tern_net_addr6_add(s->net, 0, &me6.ip6, 64) == 0);
	BUILD_CHECK("neighbors",
		    tern_net_neigh4_set(s->net, 0, peer4.ip4, &side_mac[peer]) == 0 &&
		    tern_net_neigh6_set(s->net, 0, &peer6.ip6, &side_mac[peer]) == 0);
	return side_ctx_create(s, tcp);
}

void
harness_set_impair(struct harness *h, enum harness_side from, const struct tern_impair_param *p)
{
	print_impair(from == HARNESS_A ? "A->B" : "B->A", p);
	assert_int_equal(tern_ctx_set_impair_dir(h->s[from].ctx, TERN_IMPAIR_TX, p), 0);
}

struct harness *
harness_create(const struct tern_impair_param *a_to_b, const struct tern_impair_param *b_to_a)
{
	return harness_create_tcp(a_to_b, b_to_a, NULL);
}

struct harness *
harness_create_tcp(const struct tern_impair_param *a_to_b, const struct tern_impair_param *b_to_a,
		   const struct tern_tcp_config *tcp)
{
	struct harness *h = calloc(1, sizeof(*h));
	unsigned int i;
	int ret;

	if (h == NULL)
		return NULL;
	nb_created++;
	for (i = 0; i < HARNESS_NB_SIDES; i++)
		if (side_build(h, (enum harness_side)i, tcp) != 0)
			goto fail;
	print_impair("A->B", a_to_b);
	print_impair("B->A", b_to_a);
	ret = tern_ctx_set_impair_dir(h->s[HARNESS_A].ctx, TERN_IMPAIR_TX, a_to_b);
	if (ret == 0)
		ret = tern_ctx_set_impair_dir(h->s[HARNESS_B].ctx, TERN_IMPAIR_TX, b_to_a);
	if (ret != 0) {
		print_error("harness: tern_ctx_set_impair_dir: %s\n", rte_strerror(-ret));
		goto fail;
	}
	for (i = 0; i < HARNESS_NB_SIDES; i++)
		h->s[i].mark = rte_mempool_avail_count(h->s[i].mp);
	return h;
fail:
	harness_destroy(h);
	return NULL;
}

static void
wire_clear(struct side *s)
{
	rte_pktmbuf_free_bulk(s->wire, s->wire_n);
	s->wire_n = 0;
	dl_clear(s);
}

int
harness_destroy(struct harness *h)
{
	unsigned int i, avail;
	int ret = 0;

	if (h == NULL)
		return 0;
	for (i = 0; i < HARNESS_NB_SIDES; i++) {
		struct side *s = &h->s[i];

		wire_clear(s);
		tern_ctx_destroy(s->ctx);
		s->ctx = NULL;
	}
	for (i = 0; i < HARNESS_NB_SIDES; i++) {
		struct side *s = &h->s[i];

		/* destroying a context may not send, but be sure */
		wire_clear(s);
		tern_net_destroy(s->net);
		tern_dev_destroy(s->dev);
		free(s->wire);
		free(s->dl);
		free(s->dl_due);
	}
	for (i = 0; i < HARNESS_NB_SIDES; i++) {
		struct side *s = &h->s[i];

		if (s->mp == NULL)
			continue;
		avail = rte_mempool_avail_count(s->mp);
		if (avail != s->pool_size) {
			print_error("harness: pool %c: %u of %u mbufs back: %d leaked\n",
				    i == HARNESS_A ? 'A' : 'B', avail, s->pool_size,
				    (int)s->pool_size - (int)avail);
			ret = -1;
			/* freeing a pool with mbufs out is a use-after-free later */
			continue;
		}
		rte_mempool_free(s->mp);
	}
	free(h);
	return ret;
}

int
harness_reset(struct harness *h, const struct tern_tcp_config *tcp)
{
	unsigned int i;
	int ret;

	for (i = 0; i < HARNESS_NB_SIDES; i++) {
		wire_clear(&h->s[i]);
		tern_ctx_destroy(h->s[i].ctx);
		h->s[i].ctx = NULL;
	}
	for (i = 0; i < HARNESS_NB_SIDES; i++)
		wire_clear(&h->s[i]);
	ret = harness_pools_back(h) ? 0 : -1;
	for (i = 0; i < HARNESS_NB_SIDES; i++)
		if (side_ctx_create(&h->s[i], tcp) != 0)
			return -1;
	for (i = 0; i < HARNESS_NB_SIDES; i++)
		h->s[i].mark = rte_mempool_avail_count(h->s[i].mp);
	return ret;
}

/* Hand what @from put on the wire to the other side's input. */
static unsigned int
deliver(struct harness *h, enum harness_side from)
{
	struct side *s = &h->s[from];
	struct side *to = &h->s[from == HARNESS_A ? HARNESS_B : HARNESS_A];
	struct rte_mbuf **w = s->wire;
	unsigned int n = s->wire_n, i, k;

	if (n == 0)
		return 0;
	/* The input may send: onto a fresh wire. */
	s->wire = NULL;
	s->wire_n = 0;
	s->wire_cap = 0;
	for (i = 0, k = 0; i < n; i++) {
		/* A wire carries no offload state. */
		w[i]->ol_flags &= RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL;
		w[i]->packet_type = 0;
		if (h->tap != NULL && h->tap(h->tap_arg, from, w[i], h->now_ns))
			rte_pktmbuf_free(w[i]);
		else
			w[k++] = w[i];
	}
	n = k;
	for (i = 0; i < n; i += k) {
		uint64_t t0;

		k = RTE_MIN(n - i, (unsigned int)TERN_RX_BURST);
		t0 = rte_rdtsc();
		tern_ctx_input(to->ctx, 0, w + i, (uint16_t)k);
		to->input_cycles += rte_rdtsc() - t0;
	}
	free(w);
	return n;
}

/* Deliver and poll until neither side has anything on the wire. */
static void
settle(struct harness *h)
{
	unsigned int round, moved;

	dl_release(&h->s[HARNESS_A]);
	dl_release(&h->s[HARNESS_B]);
	for (round = 0; round < SETTLE_MAX; round++) {
		tern_ctx_poll(h->s[HARNESS_A].ctx);
		tern_ctx_poll(h->s[HARNESS_B].ctx);
		moved = deliver(h, HARNESS_A);
		moved += deliver(h, HARNESS_B);
		if (moved == 0)
			return;
	}
	fail_msg("harness: still delivering after %u rounds at %" PRIu64 " ns: a loop?",
		 SETTLE_MAX, h->now_ns);
}

/* Fail the test if a wire saw a breach of the offload contract or the MTU. */
static void
wire_check(const struct harness *h)
{
	unsigned int i;

	for (i = 0; i < HARNESS_NB_SIDES; i++)
		if (h->s[i].ws.errors != 0)
			fail_msg("harness: side %c's wire: %" PRIu64 " offload or MTU breaches "
				 "(printed above)", i == HARNESS_A ? 'A' : 'B', h->s[i].ws.errors);
}

void
harness_run(struct harness *h, uint64_t ns)
{
	uint64_t end = h->now_ns + ns, step;
	unsigned int i;

	settle(h);
	wire_check(h);
	while (h->now_ns < end) {
		step = RTE_MIN((uint64_t)HARNESS_STEP_NS, end - h->now_ns);
		for (i = 0; i < HARNESS_NB_SIDES; i++)
			assert_int_equal(tern_ctx_advance(h->s[i].ctx, step), 0);
		h->now_ns += step;
		settle(h);
		wire_check(h);
	}
}

uint64_t
harness_now(const struct harness *h)
{
	return h->now_ns;
}

struct tern_ctx *
harness_ctx(const struct harness *h, enum harness_side s)
{
	return h->s[s].ctx;
}

struct rte_mempool *
harness_pool(const struct harness *h, enum harness_side s)
{
	return h->s[s].mp;
}

struct tern_stats
harness_stats(const struct harness *h, enum harness_side s)
{
	struct tern_stats st;

	tern_ctx_stats(h->s[s].ctx, &st);
	return st;
}

uint64_t
harness_frames_sent(const struct harness *h, enum harness_side s)
{
	return h->s[s].frames_sent;
}

uint64_t
harness_side_cycles(const struct harness *h, enum harness_side s)
{
	return h->s[s].input_cycles;
}

struct rte_ether_addr
harness_mac(enum harness_side s)
{
	return side_mac[s];
}

void
harness_set_tap(struct harness *h, harness_tap_fn fn, void *arg)
{
	h->tap = fn;
	h->tap_arg = arg;
}

void
harness_inject(struct harness *h, enum harness_side to, struct rte_mbuf *m)
{
	m->ol_flags &= RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL;
	m->packet_type = 0;
	tern_ctx_input(h->s[to].ctx, 0, &m, 1);
	harness_run(h, 0);
}

void
harness_inject_burst(struct harness *h, enum harness_side to, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	assert_true(n <= TERN_RX_BURST);
	for (i = 0; i < n; i++) {
		pkts[i]->ol_flags &= RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL;
		pkts[i]->packet_type = 0;
	}
	tern_ctx_input(h->s[to].ctx, 0, pkts, n);
	harness_run(h, 0);
}

struct harness_wire_stats
harness_wire_stats(const struct harness *h, enum harness_side s)
{
	return h->s[s].ws;
}

bool
harness_pools_back(const struct harness *h)
{
	bool ok = true;
	unsigned int i, avail;

	for (i = 0; i < HARNESS_NB_SIDES; i++) {
		avail = rte_mempool_avail_count(h->s[i].mp);
		if (avail != h->s[i].mark) {
			print_error("harness: pool %c: %u mbufs, %u at start: %d out\n",
				    i == HARNESS_A ? 'A' : 'B', avail, h->s[i].mark,
				    (int)h->s[i].mark - (int)avail);
			ok = false;
		}
	}
	return ok;
}
