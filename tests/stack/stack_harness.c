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
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

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
	/* the delay line (harness_set_wire_delay()): a FIFO, frames and due times */
	struct rte_mbuf **dl;
	uint64_t *dl_due;
	unsigned int dl_head, dl_n, dl_cap;
	unsigned int pool_size;
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

struct tern_sockaddr
harness_addr(enum harness_side s, uint8_t family, uint16_t port)
{
	struct tern_sockaddr sa;

	memset(&sa, 0, sizeof(sa));
	sa.family = family;
	sa.port = rte_cpu_to_be_16(port);
	if (family == 4) {
		sa.ip4 = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, s == HARNESS_A ? 1 : 2));
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

/* The virtual device's transmit: onto the wire (or the delay line), delivered later. */
static void
side_tx(void *arg, struct rte_mbuf **pkts, uint16_t n)
{
	struct side *s = arg;
	uint16_t i;

	s->frames_sent += n;
	for (i = 0; i < n; i++) {
		if (s->h->wire_delay_ns == 0)
			wire_put(s, pkts[i]);
		else if (dl_push(s, pkts[i], s->h->now_ns + s->h->wire_delay_ns) != 0)
			rte_pktmbuf_free(pkts[i]);
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

static int
side_build(struct harness *h, enum harness_side id, const struct tern_tcp_config *tcp)
{
	struct side *s = &h->s[id];
	enum harness_side peer = id == HARNESS_A ? HARNESS_B : HARNESS_A;
	struct tern_net_param np = { 0 };
	struct tern_vdev_param vp = { 0 };
	struct tern_ctx_param cp = { 0 };
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
	np.socket_id = SOCKET_ID_ANY;
	s->net = tern_net_create(&np);
	BUILD_CHECK("tern_net_create", s->net != NULL);
	s->dev = tern_dev_create_virtual(&vp);
	BUILD_CHECK("tern_dev_create_virtual", s->dev != NULL);
	rte_errno = EINVAL;
	BUILD_CHECK("iface", tern_net_iface_add(s->net, s->dev, 0) == 0);
	BUILD_CHECK("addresses", tern_net_addr4_add(s->net, 0, me4.ip4, 24) == 0 &&
		    tern_net_addr6_add(s->net, 0, &me6.ip6, 64) == 0);
	BUILD_CHECK("neighbors",
		    tern_net_neigh4_set(s->net, 0, peer4.ip4, &side_mac[peer]) == 0 &&
		    tern_net_neigh6_set(s->net, 0, &peer6.ip6, &side_mac[peer]) == 0);
	cp.net = s->net;
	cp.socket_id = SOCKET_ID_ANY;
	cp.manual_clock = true;
	cp.tcp = tcp;
	s->ctx = tern_ctx_create(&cp);
	BUILD_CHECK("tern_ctx_create", s->ctx != NULL);
	return 0;
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
		k = RTE_MIN(n - i, (unsigned int)TERN_RX_BURST);
		tern_ctx_input(to->ctx, 0, w + i, (uint16_t)k);
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

void
harness_run(struct harness *h, uint64_t ns)
{
	uint64_t end = h->now_ns + ns, step;
	unsigned int i;

	settle(h);
	while (h->now_ns < end) {
		step = RTE_MIN((uint64_t)HARNESS_STEP_NS, end - h->now_ns);
		for (i = 0; i < HARNESS_NB_SIDES; i++)
			assert_int_equal(tern_ctx_advance(h->s[i].ctx, step), 0);
		h->now_ns += step;
		settle(h);
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
