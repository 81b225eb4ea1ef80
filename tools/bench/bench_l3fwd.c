/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * tern-bench-l3fwd: TSC cycles per forwarded packet in tern's forwarding
 * path (lib/net/fwd.c), in one process, over a ring pair (net_ring).
 *
 * One lcore takes turns: the generator puts a burst of 64-byte IPv4/UDP
 * frames on the port's rx ring (untimed), then one tern_ctx_poll() is
 * timed (rx burst, Ethernet and IPv4 input, the router's checks, one bulk
 * route lookup, TTL and checksum, next hop, Ethernet rewrite, tx burst onto
 * the tx ring), then the generator takes the frames back off the tx ring,
 * checks them and restores their TTL, checksum and MAC (untimed). The
 * packets are warm in the cache, as on a forwarding core that just
 * received them: this is the cost of tern's code, not of the memory
 * system or of a PMD. The same is run with forwarding off: each packet
 * then takes the host's input path (Ethernet, IPv4 checks, "not ours")
 * and is freed, a reference for what input alone costs there.
 *
 * Prints, per run and as the median of --runs: cycles per packet, the
 * single-core Mpps that gives at the TSC rate, and a RESULT line.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_udp.h>

#include <tern/tern.h>

#define BURST		32
#define NB_PKTS		1024		/* frames in circulation */
#define FRAME_LEN	60		/* 64 on the wire with the FCS */

static const struct rte_ether_addr mac_gen = { { 0x00, 0x01, 0x02, 0x03, 0x04, 0x00 } };

struct bench {
	struct rte_ring *r_in, *r_out;
	struct rte_mempool *mp;
	struct tern_dev *dev;
	struct tern_net *net;
	struct tern_ctx *ctx;
	struct rte_ether_addr mac_rtr;
	struct rte_mbuf *free[NB_PKTS];	/* frames ready to be received */
	unsigned int nb_free;
	uint16_t cksum0;		/* the header checksum with TTL 64 */
};

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A frame from the generator 10.254.0.1 to 10.253.0.1 through the router. */
static void
build(struct bench *b, struct rte_mbuf *m, unsigned int i)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m, FRAME_LEN);
	struct rte_ipv4_hdr *ih = (struct rte_ipv4_hdr *)(eh + 1);
	struct rte_udp_hdr *uh = (struct rte_udp_hdr *)(ih + 1);

	memset(eh, 0, FRAME_LEN);
	eh->dst_addr = b->mac_rtr;
	eh->src_addr = mac_gen;
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ih->version_ihl = RTE_IPV4_VHL_DEF;
	ih->total_length = rte_cpu_to_be_16(FRAME_LEN - sizeof(*eh));
	ih->time_to_live = 64;
	ih->next_proto_id = IPPROTO_UDP;
	ih->src_addr = rte_cpu_to_be_32(RTE_IPV4(10, 254, 0, 1));
	ih->dst_addr = rte_cpu_to_be_32(RTE_IPV4(10, 253, 0, 1));
	ih->hdr_checksum = rte_ipv4_cksum(ih);
	uh->src_port = rte_cpu_to_be_16((uint16_t)(1000 + i % 64));
	uh->dst_port = rte_cpu_to_be_16(1001);
	uh->dgram_len = rte_cpu_to_be_16(FRAME_LEN - sizeof(*eh) - sizeof(*ih));
	b->cksum0 = ih->hdr_checksum;
}

/* Back from the tx ring: check what tern did, then make it a new received frame. */
static int
recycle(struct bench *b, struct rte_mbuf *m)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ih = (struct rte_ipv4_hdr *)(eh + 1);

	if (m->pkt_len != FRAME_LEN || ih->time_to_live != 63 ||
	    !rte_is_same_ether_addr(&eh->dst_addr, &mac_gen) || rte_ipv4_cksum(ih) != 0 ||
	    ih->hdr_checksum == b->cksum0)
		return -1;
	ih->time_to_live = 64;
	ih->hdr_checksum = b->cksum0;
	eh->dst_addr = b->mac_rtr;
	m->ol_flags = 0;
	return 0;
}

static int
setup(struct bench *b)
{
	struct tern_dev_param dp = { .nb_mbufs = 4095 };
	struct tern_ctx_param cp = { 0 };
	int socket = (int)rte_socket_id(), port;
	unsigned int i;

	b->r_in = rte_ring_create("l3b_in", 4096, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	b->r_out = rte_ring_create("l3b_out", 4096, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	b->mp = rte_pktmbuf_pool_create("l3b_gen", NB_PKTS * 2 - 1, 256, 0,
					RTE_MBUF_DEFAULT_BUF_SIZE, socket);
	if (b->r_in == NULL || b->r_out == NULL || b->mp == NULL)
		return -1;
	port = rte_eth_from_rings("l3b", &b->r_in, 1, &b->r_out, 1, socket);
	if (port < 0)
		return -1;
	b->dev = tern_dev_create((uint16_t)port, &dp);
	b->net = tern_net_create(NULL);
	if (b->dev == NULL || b->net == NULL || tern_net_iface_add(b->net, b->dev, 0) != 0)
		return -1;
	b->mac_rtr = *tern_dev_mac(b->dev);
	if (tern_net_addr4_add(b->net, 0, rte_cpu_to_be_32(RTE_IPV4(10, 252, 0, 1)), 16) != 0 ||
	    tern_net_route4_add(b->net, rte_cpu_to_be_32(RTE_IPV4(10, 253, 0, 0)), 16, 0, 0) != 0 ||
	    tern_net_neigh4_set(b->net, 0, rte_cpu_to_be_32(RTE_IPV4(10, 253, 0, 1)),
				&mac_gen) != 0)
		return -1;
	cp.net = b->net;
	b->ctx = tern_ctx_create(&cp);
	if (b->ctx == NULL)
		return -1;
	for (i = 0; i < NB_PKTS; i++) {
		b->free[i] = rte_pktmbuf_alloc(b->mp);
		if (b->free[i] == NULL)
			return -1;
		build(b, b->free[i], i);
	}
	b->nb_free = NB_PKTS;
	return 0;
}

#define MAX_SAMPLES	(1u << 21)

/* each timed poll's cycles, for the median burst (robust to preemption) */
static double samples[MAX_SAMPLES];

/*
 * One run of @secs seconds. @fwd: forwarding on. @return cycles per packet
 * over the run (0 on failure); *@npkts: packets through; *@med: cycles per
 * packet of the median burst.
 */
static double
run(struct bench *b, double secs, bool fwd, uint64_t *npkts, double *med)
{
	unsigned int nb_samples = 0;
	uint64_t hz = rte_get_tsc_hz(), end = rte_rdtsc() + (uint64_t)(secs * (double)hz);
	uint64_t busy = 0, n = 0, t0;
	struct rte_mbuf *burst[BURST];
	unsigned int i, got;
	struct tern_stats st;

	tern_net_forward_set(b->net, 0, fwd ? TERN_FWD_IP4 : 0);
	tern_ctx_stats_reset(b->ctx);
	while (rte_rdtsc() < end) {
		for (i = 0; i < BURST; i++) {
			if (b->nb_free == 0) {
				/* the dropped ones went back to the pool: fresh frames */
				burst[i] = rte_pktmbuf_alloc(b->mp);
				if (burst[i] == NULL)
					return 0;
				build(b, burst[i], i);
			} else {
				burst[i] = b->free[--b->nb_free];
			}
		}
		if (rte_ring_enqueue_burst(b->r_in, (void **)burst, BURST, NULL) != BURST)
			return 0;
		t0 = rte_rdtsc();
		tern_ctx_poll(b->ctx);
		t0 = rte_rdtsc() - t0;
		busy += t0;
		if (nb_samples < MAX_SAMPLES)
			samples[nb_samples++] = (double)t0;
		n += BURST;
		got = rte_ring_dequeue_burst(b->r_out, (void **)burst, BURST, NULL);
		if (fwd && got != BURST) {
			fprintf(stderr, "tern-bench-l3fwd: %u of %u forwarded\n", got, BURST);
			return 0;
		}
		for (i = 0; i < got; i++) {
			if (recycle(b, burst[i]) != 0) {
				fprintf(stderr, "tern-bench-l3fwd: a forwarded frame is wrong\n");
				return 0;
			}
			b->free[b->nb_free++] = burst[i];
		}
	}
	tern_ctx_stats(b->ctx, &st);
	if (fwd ? st.fwd4_pkts != n : st.drop_ip4_not_ours != n) {
		fprintf(stderr, "tern-bench-l3fwd: %" PRIu64 " packets in, %" PRIu64 " %s\n", n,
			fwd ? st.fwd4_pkts : st.drop_ip4_not_ours, fwd ? "forwarded" : "dropped");
		return 0;
	}
	*npkts = n;
	*med = median(samples, nb_samples) / BURST;
	return (double)busy / (double)n;
}

int
main(int argc, char **argv)
{
	static struct bench b;
	unsigned int runs = 5, i;
	bool drop = true;
	double secs = 1.0, cf[64], cd[64], mf[64], md[64], hz;
	uint64_t n;
	int ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "tern-bench-l3fwd: EAL init failed\n");
		return 1;
	}
	argc -= ret;
	argv += ret;
	for (i = 1; i < (unsigned int)argc; i++) {
		if (strcmp(argv[i], "--runs") == 0 && i + 1 < (unsigned int)argc)
			runs = (unsigned int)atoi(argv[++i]);
		else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < (unsigned int)argc)
			secs = atof(argv[++i]);
		else if (strcmp(argv[i], "--no-drop") == 0)
			drop = false;	/* forwarding runs only (for callgrind) */
		else {
			fprintf(stderr, "usage: tern-bench-l3fwd [EAL options] -- "
				"[--runs N (1..64)]"
				" [--seconds S] [--no-drop]\n");
			return 2;
		}
	}
	if (runs == 0 || runs > 64 || secs <= 0) {
		fprintf(stderr, "tern-bench-l3fwd: --runs 1..64, --seconds > 0\n");
		return 2;
	}
	if (setup(&b) != 0) {
		fprintf(stderr, "tern-bench-l3fwd: set-up failed\n");
		return 1;
	}
	hz = (double)rte_get_tsc_hz();
	printf("tern-bench-l3fwd: %u-byte IPv4/UDP frames, bursts of %u, one lcore taking "
	       "turns, TSC %.0f Hz\n", FRAME_LEN + 4, BURST, hz);
	for (i = 0; i < runs; i++) {
		cf[i] = run(&b, secs, true, &n, &mf[i]);
		if (cf[i] == 0)
			return 1;
		printf("  run %u: forward  %6.1f cycles/packet over the run, %6.1f in the median "
		       "burst (%" PRIu64 " packets)\n", i + 1, cf[i], mf[i], n);
		cd[i] = drop ? run(&b, secs, false, &n, &md[i]) : 0;
		if (drop && cd[i] == 0)
			return 1;
		if (drop)
			printf("  run %u: fwd off  %6.1f cycles/packet over the run, %6.1f in the "
			       "median burst (%" PRIu64 " packets)\n", i + 1, cd[i], md[i], n);
	}
	cf[0] = median(cf, runs);
	mf[0] = median(mf, runs);
	cd[0] = drop ? median(cd, runs) : 0;
	md[0] = drop ? median(md, runs) : 0;
	printf("tern-bench-l3fwd: median of %u runs: %.1f cycles per forwarded packet over "
	       "the run (%.2f Mpps on one core at %.2f GHz); %.1f in the median burst (a "
	       "poll the OS did not interrupt)\n", runs, cf[0], hz / cf[0] / 1e6, hz / 1e9,
	       mf[0]);
	if (drop)
		printf("tern-bench-l3fwd: forwarding off, the same packets through the host "
		       "input path, dropped as not ours: %.1f cycles per packet (%.1f in the "
		       "median burst)\n", cd[0], md[0]);
	printf("RESULT workload=l3fwd-inproc cycles_per_pkt=%.1f cycles_per_pkt_median_burst=%.1f "
	       "input_drop_cycles=%.1f tsc_hz=%.0f\n", cf[0], mf[0], cd[0], hz);
	tern_ctx_destroy(b.ctx);
	tern_net_destroy(b.net);
	tern_dev_destroy(b.dev);
	rte_eal_cleanup();
	return 0;
}
