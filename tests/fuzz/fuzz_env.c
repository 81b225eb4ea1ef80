/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mempool.h>

#include "fuzz_env.h"

#define POOL_SIZE	1023
#define POOL_CACHE	0	/* no cache: the available count is exact */
#define HOUR_NS		(3600ULL * 1000 * 1000 * 1000)
#define EPOCH_MAX	((uint64_t)1 << 62)	/* 146 years: 1.28 M inputs */

const struct rte_ether_addr fuzz_mac_us = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 } };
const struct rte_ether_addr fuzz_mac_peer = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 } };
const struct tern_ip6 fuzz_ip6_us = { { 0xfd, [15] = 0x01 } };
const struct tern_ip6 fuzz_ip6_peer = { { 0xfd, [15] = 0x02 } };
const struct tern_ip6 fuzz_ip6_us1 = { { 0xfd, 0x01, [15] = 0x01 } };

static struct {
	bool ready;
	struct rte_mempool *mp;
	struct tern_net *net;
	struct tern_dev *dev[2];
	struct tern_ctx *ctx;
	uint64_t epoch;			/* start time of the current context */
	unsigned int mark;
	bool capture;
	unsigned int nb_cap;
	struct rte_mbuf *cap[FUZZ_CAP_MAX];
	uint64_t nb_sent;
	uint64_t budget_ns;		/* clock time this input may still advance */
} env;

static void
die(const char *what)
{
	fprintf(stderr, "fuzz_env: %s: %s\n", what, rte_strerror(rte_errno));
	abort();
}

size_t
fuzz_take(struct fuzz_in *in, uint8_t *buf, size_t max)
{
	size_t n = in->n < max ? in->n : max;

	memcpy(buf, in->p, n);
	in->p += n;
	in->n -= n;
	return n;
}

size_t
fuzz_record(struct fuzz_in *in, uint8_t *buf, size_t max)
{
	size_t len = fuzz_u16(in);

	return fuzz_take(in, buf, len < max ? len : max);
}

tern_ip4_t
fuzz_ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	const uint8_t bytes[4] = { a, b, c, d };
	tern_ip4_t v;

	memcpy(&v, bytes, sizeof(v));
	return v;
}

static void
env_tx(void *arg, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	(void)arg;
	for (i = 0; i < n; i++) {
		env.nb_sent++;
		if (env.capture && env.nb_cap < FUZZ_CAP_MAX)
			env.cap[env.nb_cap++] = pkts[i];
		else
			rte_pktmbuf_free(pkts[i]);
	}
}

static void
env_fini(void)
{
	char dir[PATH_MAX];

	if (env.ctx != NULL)
		fuzz_ctx_close();
	tern_net_destroy(env.net);
	tern_dev_destroy(env.dev[0]);
	tern_dev_destroy(env.dev[1]);
	rte_mempool_free(env.mp);
	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	if (dir[0] != '\0')
		rmdir(dir);
}

/*
 * The shared tern_net of every input's context: interfaces on the two
 * devices, our addresses, the peer as a permanent neighbor. Made again
 * when the clock would pass EPOCH_MAX (fuzz_ctx_open()).
 */
static void
env_net_make(void)
{
	struct tern_net_param np = { 0 };
	struct tern_net *n;

	np.socket_id = SOCKET_ID_ANY;
	np.max_routes4 = 16;
	np.max_routes6 = 16;
	np.neigh_entries = 256;
	np.frag_mem_max = 256 * 1024;
	np.frag_max_datagrams = 32;
	env.net = n = tern_net_create(&np);
	if (n == NULL)
		die("tern_net_create");
	if (tern_net_iface_add(n, env.dev[0], 0) != 0 ||
	    tern_net_iface_add(n, env.dev[1], FUZZ_VLAN) != 1)
		die("tern_net_iface_add");
	if (tern_net_addr4_add(n, 0, FUZZ_IP4_US, 24) != 0 ||
	    tern_net_addr6_add(n, 0, &fuzz_ip6_us, 64) != 0 ||
	    tern_net_addr4_add(n, 1, FUZZ_IP4_US1, 24) != 0 ||
	    tern_net_addr6_add(n, 1, &fuzz_ip6_us1, 64) != 0)
		die("address");
	if (tern_net_neigh4_set(n, 0, FUZZ_IP4_PEER, &fuzz_mac_peer) != 0 ||
	    tern_net_neigh6_set(n, 0, &fuzz_ip6_peer, &fuzz_mac_peer) != 0)
		die("neighbor");
}

void
fuzz_env_init(const char *name)
{
	struct tern_vdev_param vp = { 0 };
	char prefix[64];
	char *argv[] = {
		(char *)(uintptr_t)name, "--no-huge", "-m", "256", "--no-pci",
		"--file-prefix", prefix, "--log-level=*:error", "--no-telemetry",
		"--no-shconf", "-l", "0", NULL,
	};

	if (env.ready)
		return;
	snprintf(prefix, sizeof(prefix), "tern_fuzz_%s_%d", name, (int)getpid());
	if (rte_eal_init((int)RTE_DIM(argv) - 1, argv) < 0)
		die("rte_eal_init");
	env.mp = rte_pktmbuf_pool_create("fuzz_pool", POOL_SIZE, POOL_CACHE, 0,
					 RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (env.mp == NULL)
		die("pool");
	vp.mp = env.mp;
	vp.tx = env_tx;
	vp.mac = fuzz_mac_us;
	vp.name = "fuzz0";
	env.dev[0] = tern_dev_create_virtual(&vp);
	vp.name = "fuzz1";
	env.dev[1] = tern_dev_create_virtual(&vp);
	if (env.dev[0] == NULL || env.dev[1] == NULL)
		die("tern_dev_create_virtual");
	env_net_make();
	env.ready = true;
	atexit(env_fini);
}

struct tern_ctx *
fuzz_ctx_open(const struct tern_tcp_config *tcp)
{
	struct tern_ctx_param cp = { 0 };
	struct tern_tcp_config small = { 0 };

	if (env.ctx != NULL)
		fuzz_ctx_close();
	/*
	 * Each input's clock starts an hour after the one before, so that what
	 * the shared net holds from earlier inputs (neighbors, path MTUs,
	 * fragments) has aged out. Before the clock could wrap (2^64 ns is
	 * 5.1 M hours: one harness process passes that in a long run), a new
	 * net and the clock from its start.
	 */
	if (env.epoch >= EPOCH_MAX) {
		tern_net_destroy(env.net);
		env_net_make();
		env.epoch = 0;
	}
	small.max_conns = 16;
	small.syncache_size = 16;
	small.timewait_max = 16;
	cp.net = env.net;
	cp.socket_id = SOCKET_ID_ANY;
	cp.manual_clock = true;
	cp.timer_slots = 1024;
	cp.event_queue_size = 256;
	cp.tcp = tcp != NULL ? tcp : &small;
	env.mark = rte_mempool_avail_count(env.mp);
	env.nb_sent = 0;
	env.ctx = tern_ctx_create(&cp);
	if (env.ctx == NULL)
		die("tern_ctx_create");
	env.epoch += HOUR_NS;
	env.budget_ns = FUZZ_TIME_BUDGET;
	if (tern_ctx_set_time(env.ctx, env.epoch) != 0)
		die("tern_ctx_set_time");
	return env.ctx;
}

void
fuzz_ctx_close(void)
{
	unsigned int avail;

	fuzz_cap_clear();
	tern_ctx_destroy(env.ctx);
	env.ctx = NULL;
	avail = rte_mempool_avail_count(env.mp);
	if (avail != env.mark) {
		fprintf(stderr, "fuzz_env: mbuf pool: %u available, %u before the input: %d %s\n",
			avail, env.mark, (int)env.mark - (int)avail,
			avail < env.mark ? "leaked" : "freed twice");
		abort();
	}
}

struct tern_ctx *
fuzz_ctx(void)
{
	return env.ctx;
}

void
fuzz_input(uint16_t port, const uint8_t *f, size_t len, size_t split)
{
	struct rte_mbuf *m, *m2;

	if (len > FUZZ_FRAME_MAX)
		len = FUZZ_FRAME_MAX;
	if (split >= len)
		split = 0;
	m = rte_pktmbuf_alloc(env.mp);
	if (m == NULL)
		return;
	if (split == 0) {
		memcpy(rte_pktmbuf_append(m, (uint16_t)len), f, len);
	} else {
		m2 = rte_pktmbuf_alloc(env.mp);
		if (m2 == NULL) {
			rte_pktmbuf_free(m);
			return;
		}
		memcpy(rte_pktmbuf_append(m, (uint16_t)split), f, split);
		memcpy(rte_pktmbuf_append(m2, (uint16_t)(len - split)), f + split, len - split);
		if (rte_pktmbuf_chain(m, m2) != 0) {
			rte_pktmbuf_free(m);
			rte_pktmbuf_free(m2);
			return;
		}
	}
	tern_ctx_input(env.ctx, port, &m, 1);
	tern_ctx_flush(env.ctx);
}

void
fuzz_advance(uint64_t ns)
{
	if (ns > env.budget_ns)
		ns = env.budget_ns;
	env.budget_ns -= ns;
	tern_ctx_advance(env.ctx, ns);
	tern_ctx_flush(env.ctx);
}

void
fuzz_capture(bool on)
{
	env.capture = on;
}

unsigned int
fuzz_nb_cap(void)
{
	return env.nb_cap;
}

struct rte_mbuf *
fuzz_cap(unsigned int i)
{
	return i < env.nb_cap ? env.cap[i] : NULL;
}

void
fuzz_cap_clear(void)
{
	unsigned int i;

	for (i = 0; i < env.nb_cap; i++)
		rte_pktmbuf_free(env.cap[i]);
	env.nb_cap = 0;
}

uint64_t
fuzz_nb_sent(void)
{
	return env.nb_sent;
}

void
fuzz_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void
fuzz_put32(uint8_t *p, uint32_t v)
{
	fuzz_put16(p, (uint16_t)(v >> 16));
	fuzz_put16(p + 2, (uint16_t)v);
}

uint16_t
fuzz_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t
fuzz_get32(const uint8_t *p)
{
	return (uint32_t)fuzz_get16(p) << 16 | fuzz_get16(p + 2);
}

size_t
fuzz_eth(uint8_t *f, uint16_t type, bool vlan)
{
	memcpy(f, fuzz_mac_us.addr_bytes, 6);
	memcpy(f + 6, fuzz_mac_peer.addr_bytes, 6);
	if (vlan) {
		fuzz_put16(f + 12, RTE_ETHER_TYPE_VLAN);
		fuzz_put16(f + 14, FUZZ_VLAN);
		fuzz_put16(f + 16, type);
		return 18;
	}
	fuzz_put16(f + 12, type);
	return 14;
}

uint16_t
fuzz_cksum(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

void
fuzz_ip4_fix(uint8_t *ip)
{
	size_t hl = (size_t)(ip[0] & 0xf) * 4;

	fuzz_put16(ip + 10, 0);
	fuzz_put16(ip + 10, (uint16_t)~fuzz_cksum(ip, hl, 0));
}

void
fuzz_l4_fix(uint8_t family, const uint8_t *ip, uint8_t *l4, size_t len, uint8_t proto,
	    size_t ck_off)
{
	uint8_t ph[40] = { 0 };
	uint32_t sum = 0;
	uint16_t c;

	if (ck_off + 2 > len)
		return;
	if (family == 4 && proto != 1) {
		memcpy(ph, ip + 12, 8);
		ph[9] = proto;
		fuzz_put16(ph + 10, (uint16_t)len);
		sum = fuzz_cksum(ph, 12, 0);
	} else if (family == 6) {
		memcpy(ph, ip + 8, 32);
		fuzz_put32(ph + 32, (uint32_t)len);
		ph[39] = proto;
		sum = fuzz_cksum(ph, 40, 0);
	}
	fuzz_put16(l4 + ck_off, 0);
	c = (uint16_t)~fuzz_cksum(l4, len, sum);
	if (c == 0 && proto == 17)
		c = 0xffff;
	fuzz_put16(l4 + ck_off, c);
}

/* ---- services: what receives the fuzzed traffic ---- */

#define NB_SVC	2

static struct {
	struct tern_udp_stream *udp[NB_SVC];
	struct tern_tcp_stream *lis[NB_SVC];
} svc;

void
fuzz_services_open(void)
{
	struct tern_udp_param up;
	struct tern_tcp_param tp;
	unsigned int i;

	for (i = 0; i < NB_SVC; i++) {
		memset(&up, 0, sizeof(up));
		up.local.family = i == 0 ? 4 : 6;
		up.local.port = rte_cpu_to_be_16(FUZZ_PORT_US);
		up.rxq_size = 16;
		svc.udp[i] = tern_udp_open(env.ctx, &up);
		memset(&tp, 0, sizeof(tp));
		tp.local = up.local;
		tp.backlog = 4;
		svc.lis[i] = tern_tcp_listen(env.ctx, &tp);
		if (svc.udp[i] == NULL || svc.lis[i] == NULL)
			die("services");
	}
}

void
fuzz_services_drain(void)
{
	struct rte_mbuf *m[16];
	struct tern_tcp_stream *s[4];
	struct tern_event ev[16];
	uint16_t n, k, j;
	unsigned int i;
	uint8_t buf[512];

	for (i = 0; i < NB_SVC; i++) {
		while ((n = tern_udp_recv_burst(svc.udp[i], m, RTE_DIM(m))) > 0)
			rte_pktmbuf_free_bulk(m, n);
		n = tern_tcp_accept_burst(svc.lis[i], s, RTE_DIM(s));
		for (k = 0; k < n; k++) {
			for (j = 0; j < 8 && tern_tcp_read(s[k], buf, sizeof(buf)) > 0; j++)
				;
			tern_tcp_close(s[k]);
		}
	}
	while (tern_ctx_events(env.ctx, ev, RTE_DIM(ev)) > 0)
		;
	tern_ctx_flush(env.ctx);
}

/*
 * libFuzzer calls this once before the first input: build the shared parts
 * there, so that what the EAL allocates is not seen as an input's leak.
 * (The replay main() has no such call: the harnesses build them lazily.)
 */
int LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *name = (*argc > 0) ? strrchr((*argv)[0], '/') : NULL;

	name = name != NULL ? name + 1 : (*argc > 0 ? (*argv)[0] : "fuzz");
	if (strncmp(name, "fuzz_", 5) == 0)
		name += 5;
	fuzz_env_init(name);
	return 0;
}
