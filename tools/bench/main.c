/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * tern-bench: a testpmd-style benchmark. It runs a workload through tern
 * and, in the same run, through the Linux kernel, and prints medians of N
 * runs, the stack's (server's) cycles per operation, the TSC rate and the
 * ratio. The last line is machine-readable:
 *   RESULT workload=udp-echo mpps=... cycles_per_op=... tsc_hz=... kernel_mpps=... ratio=...
 *   RESULT workload=tcp-rr ops_per_s=... cycles_per_op=... tsc_hz=...
 *          kernel_ops_per_s=... ratio=...   (one line)
 * (tcp-stream adds gbps=, cycles_per_byte= and offload=on|off, tcp-conns
 * bytes_per_conn=). tcp-stream --offload both prints one RESULT line for
 * each setting and then the on/off ratios:
 *   OFFLOAD workload=tcp-stream gbps_on=... gbps_off=... ratio=... ...
 */

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>

#include "bench.h"

static void
usage(FILE *f)
{
	fprintf(f,
"Usage: tern-bench [EAL options --] [options]\n"
"\n"
"Without EAL options it uses: --no-huge -m 1024 --no-pci -l 0-1 --file-prefix tb<pid>\n"
"(two lcores: the generator or TCP client on the worker, tern's stack or TCP\n"
"server on the main one, which is the one timed; tcp-conns asks for more -m\n"
"when --conns needs it).\n"
"\n"
"Workloads (--workload NAME):\n"
"  udp-echo    (default) a raw generator keeps --window datagrams of --size\n"
"              bytes in flight; tern echoes them. An op is a datagram.\n"
"  tcp-crr     a tern client keeps --window connections going, each: connect,\n"
"              --size byte request, --size byte response, close (the client\n"
"              closes first; its TIME_WAIT records are capped at 4096, the\n"
"              oldest released early, so its 28,232 ephemeral ports never run\n"
"              out and 2 MSL stays 60 s). An op is a connection.\n"
"  syn-flood   tcp-crr measured without, then with, spoofed SYNs from 2^22\n"
"              sources put into the server's rx ring by a generator on the\n"
"              client's lcore as fast as it goes: legitimate connections/s both\n"
"              ways, the flood's SYNs/s, what the server holds. With\n"
"              --flood-rate M, SYNs are offered at M million a second\n"
"              (paced by the TSC; refused when the ring is full) instead.\n"
"  tcp-rr      --conns open connections (default 100), one --size byte\n"
"              request in flight on each; the server echoes. An op is a request.\n"
"  tcp-stream  one connection, the client sends MSS-sized mbufs without end.\n"
"              An op is 64 KiB received; also Gbit/s and cycles per byte.\n"
"              --offload picks TSO and GRO (both contexts; see below).\n"
"              Each run line also gives the client's busy cycles per byte\n"
"              (all its rounds that did work, none left out) and its busy\n"
"              share of the time: near 100%% it is the client that limits.\n"
"  tcp-conns   open --conns idle connections (default 100000, up to 1000000),\n"
"              --window handshakes at a time (default 256), in fresh contexts\n"
"              each run. An op is a connection accepted. bytes_per_conn: the\n"
"              server context's whole rte_malloc heap (control blocks, the\n"
"              connection hash sized for --conns, syncache and TIME_WAIT\n"
"              arrays, timer wheel, event queue, segment pool; not the device's\n"
"              mbuf pool, which idle connections do not use) over --conns.\n"
"  proxy-crr, proxy-rr, proxy-stream\n"
"              tcp-crr, tcp-rr and tcp-stream through the transparent proxy: a\n"
"              tern client, the proxy (tern-proxy's set-up and its relay,\n"
"              examples/proxy/relay.c) and a tern server, three contexts over\n"
"              two ring pairs. The proxy runs on the main lcore and is the one\n"
"              timed (cycles per proxied connection, request, 64 KiB); the\n"
"              client and the server take turns on the worker (--single: all\n"
"              three on the main lcore, the proxy's turns timed). Before the\n"
"              runs, 2,000 then 10,000 idle connections are opened through\n"
"              fresh contexts; bytes_per_conn is the growth from one to the\n"
"              other, per connection, of the proxy context's rte_malloc heap\n"
"              (both legs, the tables sized for them) plus the relay's malloc.\n"
"              The kernel baseline is the direct (unproxied) tcp-crr, tcp-rr or\n"
"              tcp-stream; ratio = through the proxy / kernel direct.\n"
"  The TCP workloads run a tern client and a tern server over the ring pair;\n"
"  cycles_per_op counts the server's loop rounds that did work, leaving out\n"
"  rounds longer than 200 us (the vCPU was taken away; the run line shows how\n"
"  many, and the figure with them). The kernel baseline: loopback sockets,\n"
"  epoll, a server thread on CPU 0 and a client thread on CPU 1.\n"
"\n"
"Options:\n"
"  --workload NAME   see above\n"
"  --wire ring|memif ring: in-process ring pair, pointer moves only (default);\n"
"                    memif (udp-echo only): give EAL --vdev net_memif0,role=server,\n"
"                    socket=S --vdev net_memif1,role=client,socket=S\n"
"  --size N          udp-echo payload, tcp-crr/tcp-rr (and proxy-) request and\n"
"                    response bytes (up to 2048) (default 64)\n"
"  --runs N          runs; medians are reported (default 5)\n"
"  --seconds S       measured seconds per run, after 10%% warm-up (default 2;\n"
"                    tcp-conns runs until its connections are open)\n"
"  --flood-rate M    syn-flood: offer M million SYNs a second (default: as\n"
"                    fast as the server's rx ring takes them)\n"
"  --window N        udp-echo: datagrams in flight (default 1024); tcp-crr,\n"
"                    proxy-crr: connections at once (default 100); tcp-conns: handshakes\n"
"                    in flight (default 256)\n"
"  --conns N         tcp-rr, proxy-rr: open connections (default 100); tcp-conns: idle\n"
"                    connections to open (default 100000, at most 1000000)\n"
"  --offload on|off|both\n"
"                    tcp-stream only (an error with any other workload).\n"
"                    on (the default; tern's own default): a send of up to\n"
"                    64,000 bytes is one retransmit-queue entry, cut into\n"
"                    MSS-sized packets by tern (software TSO: the ring ports\n"
"                    offer no TSO), and the server coalesces each burst's\n"
"                    in-order segments before TCP input (GRO). off: both\n"
"                    contexts with TERN_TCP_CFG_NO_TSO|TERN_TCP_CFG_NO_GRO: one\n"
"                    MSS per entry, per packet and per TCP input. both: every\n"
"                    run once off and once on (order alternating, fresh\n"
"                    contexts and connection for each setting), a RESULT line\n"
"                    for each and an OFFLOAD line with the on/off ratios.\n"
"                    The RESULT line of tcp-stream ends in offload=on|off.\n"
"  --trust-rx-cksum  TCP workloads: the server's port marks every frame it\n"
"                    receives as having good IP and TCP checksums, as a NIC\n"
"                    that checks them would (the ring ports check nothing):\n"
"                    the server's cost without its software checksum of each\n"
"                    received byte. The RESULT line then ends in\n"
"                    rx_cksum=trusted\n"
"  --sw              force software paths (no device offload)\n"
"  --single          client (generator) and server (stack) take turns on one\n"
"                    lcore (only the server's turns are timed; for callgrind and\n"
"                    busy machines; the kernel baseline still uses two threads)\n"
"  --no-kernel       skip the Linux kernel baseline\n"
"  --stats           TCP: print the non-zero counters of both contexts at the end\n"
"                    (proxy-: of the three, and the relay's totals)\n"
"  --standard        the standard set (what `make bench` runs)\n"
"  -h, --help        this text\n"
"\n"
"Peer mode (--peer): tern-bench runs only the client, one tern context on the\n"
"main lcore (one lcore is enough), on the port the EAL options name (a NIC,\n"
"--vdev net_memif0,role=client,socket=S or net_tap0,iface=NAME; EAL options\n"
"and -- are required), against a server elsewhere: tern-l4fwd, another\n"
"stack's echo server, the kernel behind a TAP port. No kernel baseline.\n"
"  tern-bench EAL... -- --peer --workload W --local A/LEN --remote IP:PORT [...]\n"
"  --peer            client side only; workloads udp-echo (the server echoes\n"
"                    datagrams), tcp-crr and tcp-rr (the server echoes what it\n"
"                    reads and closes after the client does), tcp-stream (the\n"
"                    server reads; the bytes are tern-l4fwd's TCP pattern, which\n"
"                    its rx mode checks; what comes back is read and freed). An op\n"
"                    as above: an echo received; a connection done; a response;\n"
"                    64 KiB the server acknowledged. cycles_per_op is the\n"
"                    client's core (the server's cost is not seen; over TAP\n"
"                    the kernel's receive path runs in the client's writes),\n"
"                    rounds longer than 1 ms left out (tcp-stream: none).\n"
"  --local A/LEN     the client's address and prefix (required)\n"
"  --remote IP:PORT  the server (required)\n"
"  --remote-mac MAC  the next hop's MAC, set as a permanent neighbor; without\n"
"                    it tern resolves it by ARP (pinging the remote) first\n"
"  --gw IP           a default route through IP (a remote off the prefix)\n"
"  --port N          the ethdev port (default: the only one there is)\n"
"  --timeout MS      udp-echo: a full window with no echo for MS is counted\n"
"                    lost (a timeout) and refilled (default 100); tcp-crr: a\n"
"                    connection not done after MS is aborted (a timeout);\n"
"                    tcp-rr: a request unanswered after MS counts as a\n"
"                    timeout once (default 2000); also how long the end of\n"
"                    each run waits for what is in flight\n"
"  --window N        udp-echo default 256 in peer mode; --size at least 8 for\n"
"                    udp-echo (each datagram carries its run and sequence)\n"
"  Output: run lines, then\n"
"    RESULT workload=peer-udp-echo remote=IP:PORT mpps=... cycles_per_op=...\n"
"           tsc_hz=... lost=N timeouts=N errors=N\n"
"    RESULT workload=peer-tcp-crr|peer-tcp-rr|peer-tcp-stream remote=IP:PORT\n"
"           ops_per_s=... cycles_per_op=... tsc_hz=... [gbps=... cycles_per_byte=...]\n"
"           timeouts=N errors=N\n"
"  (lost, timeouts, errors: totals over the runs; errors: connections reset,\n"
"  closed or refused, echoes of the wrong length). At exit every mbuf of the\n"
"  port's pool must be back, else the exit status is 1; so is a run with no\n"
"  op done. Exit status 2: bad options (peer options without --peer; --wire,\n"
"  --single or --offload with it; tcp-conns or syn-flood; --local or --remote\n"
"  missing or malformed; no port, or several and no --port; no EAL options).\n");
}

double
bench_median(double *v, unsigned int n)
{
	unsigned int i, j;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	if (n == 0)
		return 0;
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int
parse_opts(int argc, char **argv, struct bench_opts *o)
{
	static const struct option lo[] = {
		{ "workload", required_argument, NULL, 'w' },
		{ "wire", required_argument, NULL, 'W' },
		{ "size", required_argument, NULL, 's' },
		{ "runs", required_argument, NULL, 'r' },
		{ "seconds", required_argument, NULL, 't' },
		{ "window", required_argument, NULL, 'n' },
		{ "conns", required_argument, NULL, 'c' },
		{ "sw", no_argument, NULL, 'S' },
		{ "offload", required_argument, NULL, 'O' },
		{ "trust-rx-cksum", no_argument, NULL, 'C' },
		{ "single", no_argument, NULL, '1' },
		{ "no-kernel", no_argument, NULL, 'K' },
		{ "stats", no_argument, NULL, 'P' },
		{ "standard", no_argument, NULL, 'X' },
		{ "peer", no_argument, NULL, 'p' },
		{ "local", required_argument, NULL, 'L' },
		{ "remote", required_argument, NULL, 'R' },
		{ "remote-mac", required_argument, NULL, 'M' },
		{ "gw", required_argument, NULL, 'G' },
		{ "port", required_argument, NULL, 'T' },
		{ "timeout", required_argument, NULL, 'o' },
		{ "flood-rate", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	long v;
	double d;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'w':
			if (!bench_peer_workload(optarg) && !bench_is_tcp(optarg) &&
			    !bench_is_proxy(optarg)) {
				fprintf(stderr, "tern-bench: unknown workload '%s'\n", optarg);
				return -1;
			}
			o->workload = optarg;
			break;
		case 'W':
			if (strcmp(optarg, "ring") != 0 && strcmp(optarg, "memif") != 0) {
				fprintf(stderr, "tern-bench: --wire ring or memif\n");
				return -1;
			}
			o->wire = optarg;
			break;
		case 'c':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || v <= 0 || v > BENCH_TCP_CONNS_MAX) {
				fprintf(stderr, "tern-bench: --conns 1 to %d\n", BENCH_TCP_CONNS_MAX);
				return -1;
			}
			o->conns = (unsigned int)v;
			break;
		case 's': case 'r': case 'n':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || v <= 0 || v > 1000000) {
				fprintf(stderr, "tern-bench: bad number '%s'\n", optarg);
				return -1;
			}
			if (c == 's')
				o->size = (unsigned int)v;
			else if (c == 'r')
				o->runs = (unsigned int)v;
			else
				o->window = (unsigned int)v;
			break;
		case 't':
			d = strtod(optarg, &end);
			if (*end || d <= 0 || d > 3600) {
				fprintf(stderr, "tern-bench: bad --seconds '%s'\n", optarg);
				return -1;
			}
			o->seconds = d;
			break;
		case 'S':
			o->sw = true;
			break;
		case 'O':
			if (strcmp(optarg, "on") == 0)
				o->offload = BENCH_OFFLOAD_ON;
			else if (strcmp(optarg, "off") == 0)
				o->offload = BENCH_OFFLOAD_OFF;
			else if (strcmp(optarg, "both") == 0)
				o->offload = BENCH_OFFLOAD_BOTH;
			else {
				fprintf(stderr, "tern-bench: --offload on, off or both, not '%s'\n",
					optarg);
				return -1;
			}
			break;
		case '1':
			o->single = true;
			break;
		case 'K':
			o->no_kernel = true;
			break;
		case 'P':
			o->stats = true;
			break;
		case 'C':
			o->trust_rx_cksum = true;
			break;
		case 'X':
			break;
		case 'p':
			o->peer = true;
			break;
		case 'L':
			o->local = optarg;
			break;
		case 'R':
			o->remote = optarg;
			break;
		case 'M':
			o->remote_mac = optarg;
			break;
		case 'G':
			o->gw = optarg;
			break;
		case 'T':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || v < 0 || v >= RTE_MAX_ETHPORTS) {
				fprintf(stderr, "tern-bench: --port 0 to %d\n", RTE_MAX_ETHPORTS - 1);
				return -1;
			}
			o->port = (int)v;
			break;
		case 'F':
			d = strtod(optarg, &end);
			if (*end || d <= 0 || d > 1000) {
				fprintf(stderr, "tern-bench: --flood-rate 0 to 1000 (M SYN/s), not '%s'\n",
					optarg);
				return -1;
			}
			o->flood_mpps = d;
			break;
		case 'o':
			d = strtod(optarg, &end);
			if (*end || d < 1 || d > 600000) {
				fprintf(stderr, "tern-bench: --timeout 1 to 600000 ms, not '%s'\n", optarg);
				return -1;
			}
			o->timeout_ms = d;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "tern-bench: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (o->runs > 64)
		o->runs = 64;
	if (o->offload != BENCH_OFFLOAD_DEFAULT && strcmp(o->workload, "tcp-stream") != 0) {
		fprintf(stderr, "tern-bench: --offload is for --workload tcp-stream only\n");
		return -1;
	}
	if (o->trust_rx_cksum && (o->peer || !bench_is_tcp(o->workload))) {
		fprintf(stderr, "tern-bench: --trust-rx-cksum is for the TCP workloads "
			"(tcp-crr, tcp-rr, tcp-stream, tcp-conns), not --peer\n");
		return -1;
	}
	return bench_peer_check(o);
}

/* udp-echo: the figures in Mpps, as since the first version. */
static int
run_udp(const struct bench_opts *o, uint64_t hz)
{
	double mpps[64], cyc[64], kmpps[64];
	double tern_m, tern_c, kern_m;
	int i, ret;

	ret = bench_udp_echo_setup(o);
	if (ret != 0) {
		fprintf(stderr, "tern-bench: setup failed: %s\n", strerror(-ret));
		return 1;
	}
	for (i = 0; i < (int)o->runs; i++) {
		struct bench_run r = { 0 }, k = { 0 };

		ret = bench_udp_echo_run(o, &r);
		if (ret != 0)
			break;
		mpps[i] = r.ops_per_s / 1e6;
		cyc[i] = r.cycles_per_op;
		kmpps[i] = 0;
		if (!o->no_kernel && bench_kernel_udp_echo(o, &k) == 0)
			kmpps[i] = k.ops_per_s / 1e6;
		printf("run %d: tern %.3f Mpps, %.1f cycles/pkt on the stack core, %lu lost; "
		       "kernel %.3f Mpps\n", i + 1, mpps[i], cyc[i], (unsigned long)r.drops,
		       kmpps[i]);
		fflush(stdout);
	}
	bench_udp_echo_teardown();
	if (ret != 0)
		return 1;
	tern_m = bench_median(mpps, o->runs);
	tern_c = bench_median(cyc, o->runs);
	kern_m = bench_median(kmpps, o->runs);
	printf("median: tern %.3f Mpps, %.1f cycles/pkt; kernel %.3f Mpps\n", tern_m, tern_c,
	       kern_m);
	printf("RESULT workload=%s%s mpps=%.3f cycles_per_op=%.1f tsc_hz=%lu kernel_mpps=%.3f "
	       "ratio=%.2f\n", o->workload, strcmp(o->wire, "memif") == 0 ? "-memif" : "",
	       tern_m, tern_c, (unsigned long)hz, kern_m,
	       kern_m > 0 ? tern_m / kern_m : 0.0);
	return 0;
}

/* The figures of one setting over the runs. */
struct tcp_figs {
	double ops[64], cyc[64], gbps[64], cpb[64], bpc[64], ccpb[64];
};

/* The RESULT line of one setting (@offload: BENCH_OFFLOAD_ON/OFF for tcp-stream, else -1). */
static void
tcp_result(const struct bench_opts *o, uint64_t hz, struct tcp_figs *f, double *kops,
	   int offload)
{
	double m_ops = bench_median(f->ops, o->runs), m_kops = bench_median(kops, o->runs);

	printf("RESULT workload=%s ops_per_s=%.0f cycles_per_op=%.1f tsc_hz=%lu "
	       "kernel_ops_per_s=%.0f ratio=%.2f", o->workload, m_ops,
	       bench_median(f->cyc, o->runs), (unsigned long)hz, m_kops,
	       m_kops > 0 ? m_ops / m_kops : 0);
	if (offload >= 0)
		printf(" gbps=%.3f cycles_per_byte=%.3f offload=%s", bench_median(f->gbps, o->runs),
		       bench_median(f->cpb, o->runs), offload == BENCH_OFFLOAD_ON ? "on" : "off");
	if (strcmp(o->workload, "tcp-conns") == 0)
		printf(" bytes_per_conn=%.0f", bench_median(f->bpc, o->runs));
	if (o->trust_rx_cksum)
		printf(" rx_cksum=trusted");
	printf("\n");
}

/*
 * The TCP workloads: ops per second, and the extra figures of stream and
 * conns. tcp-stream --offload both: each run once with every setting, the
 * order alternating (off on, on off, ...) so that a drift of the machine's
 * load weighs on both alike.
 */
static int
run_tcp(const struct bench_opts *o, uint64_t hz)
{
	static struct tcp_figs figs[2];	/* [BENCH_OFFLOAD_OFF], [BENCH_OFFLOAD_ON] */
	double kops[64], kgbps[64], kbpc[64], pair[64];
	bool stream = strcmp(o->workload, "tcp-stream") == 0;
	bool conns = strcmp(o->workload, "tcp-conns") == 0;
	int modes[2], nb_modes = 1, i, j, ret;

	/* the setting of each pass; not tcp-stream: one pass, figs[0] */
	modes[0] = !stream ? -1 : o->offload == BENCH_OFFLOAD_OFF ? BENCH_OFFLOAD_OFF :
		   o->offload == BENCH_OFFLOAD_BOTH ? BENCH_OFFLOAD_OFF : BENCH_OFFLOAD_ON;
	if (stream && o->offload == BENCH_OFFLOAD_BOTH) {
		modes[1] = BENCH_OFFLOAD_ON;
		nb_modes = 2;
	}
	ret = bench_tcp_setup(o);
	if (ret != 0) {
		fprintf(stderr, "tern-bench: setup failed: %s\n", strerror(-ret));
		bench_tcp_teardown();
		return 1;
	}
	for (i = 0; i < (int)o->runs && ret == 0; i++) {
		struct bench_run r[2] = { { 0 } }, k = { 0 };
		int mode[2];

		for (j = 0; j < nb_modes; j++) {
			/* off on, on off, off on, ... */
			mode[j] = modes[i % 2 ? nb_modes - 1 - j : j];
			if (mode[j] >= 0 && (ret = bench_tcp_offload(mode[j] == BENCH_OFFLOAD_ON)) != 0)
				break;
			ret = bench_tcp_run(o, &r[j]);
			if (ret != 0)
				break;
		}
		if (ret != 0)
			break;
		kops[i] = kgbps[i] = kbpc[i] = 0;
		if (!o->no_kernel && bench_kernel_tcp(o, &k) == 0) {
			kops[i] = k.ops_per_s;
			kgbps[i] = k.gbps;
			kbpc[i] = k.bytes_per_conn;
		}
		for (j = 0; j < nb_modes; j++) {
			struct tcp_figs *f = &figs[mode[j] < 0 ? 0 : mode[j]];

			f->ops[i] = r[j].ops_per_s;
			f->cyc[i] = r[j].cycles_per_op;
			f->gbps[i] = r[j].gbps;
			f->cpb[i] = r[j].cycles_per_byte;
			f->bpc[i] = r[j].bytes_per_conn;
			f->ccpb[i] = r[j].cli_cycles_per_byte;
			if (stream)
				printf("run %d, offload %s: tern %.3f Gbit/s, %.3f cycles/byte, %.0f "
				       "cycles/64 KiB on the server core, client %.3f cycles/byte "
				       "(busy %.0f%%), %lu errors; kernel %.3f Gbit/s\n", i + 1,
				       mode[j] == BENCH_OFFLOAD_ON ? "on" : "off", f->gbps[i], f->cpb[i],
				       f->cyc[i], f->ccpb[i], 100 * r[j].cli_busy,
				       (unsigned long)r[j].drops, kgbps[i]);
			else if (conns)
				printf("run %d: tern %.0f connections/s, %.1f cycles/connection on the "
				       "server core, %.1f B/connection, %lu errors; kernel %.0f "
				       "connections/s, ~%.0f B/connection per end (slab)\n", i + 1,
				       f->ops[i], f->cyc[i], f->bpc[i], (unsigned long)r[j].drops,
				       kops[i], kbpc[i]);
			else
				printf("run %d: tern %.0f ops/s, %.1f cycles/op on the server core, %lu "
				       "errors; kernel %.0f ops/s, %lu errors\n", i + 1, f->ops[i],
				       f->cyc[i], (unsigned long)r[j].drops, kops[i],
				       (unsigned long)k.drops);
			printf("       server rounds longer than 200 us (vCPU taken away): %lu of %lu, "
			       "left out; with them %.1f cycles/op\n", (unsigned long)r[j].rounds_cut,
			       (unsigned long)r[j].rounds, r[j].cycles_per_op_all);
		}
		if (nb_modes == 2)
			pair[i] = figs[BENCH_OFFLOAD_OFF].gbps[i] > 0 ?
				  figs[BENCH_OFFLOAD_ON].gbps[i] / figs[BENCH_OFFLOAD_OFF].gbps[i] : 0;
		fflush(stdout);
	}
	bench_tcp_teardown();
	if (ret != 0) {
		fprintf(stderr, "tern-bench: run failed: %s\n", strerror(-ret));
		return 1;
	}
	for (j = 0; j < nb_modes; j++) {
		struct tcp_figs *f = &figs[modes[j] < 0 ? 0 : modes[j]];

		if (stream)
			printf("median, offload %s: tern %.3f Gbit/s, %.3f cycles/byte (client %.3f); "
			       "kernel %.3f Gbit/s\n", modes[j] == BENCH_OFFLOAD_ON ? "on" : "off",
			       bench_median(f->gbps, o->runs), bench_median(f->cpb, o->runs),
			       bench_median(f->ccpb, o->runs), bench_median(kgbps, o->runs));
		else
			printf("median: tern %.0f ops/s, %.1f cycles/op; kernel %.0f ops/s\n",
			       bench_median(f->ops, o->runs), bench_median(f->cyc, o->runs),
			       bench_median(kops, o->runs));
	}
	if (nb_modes == 2) {
		struct tcp_figs *on = &figs[BENCH_OFFLOAD_ON], *off = &figs[BENCH_OFFLOAD_OFF];
		double g_on = bench_median(on->gbps, o->runs), g_off = bench_median(off->gbps, o->runs);
		double c_on = bench_median(on->cpb, o->runs), c_off = bench_median(off->cpb, o->runs);

		printf("offload on/off: throughput %.2fx (medians %.3f / %.3f Gbit/s; median of the "
		       "runs' own ratios %.2fx), server cycles/byte %.3f / %.3f (off/on %.2fx)\n",
		       g_off > 0 ? g_on / g_off : 0, g_on, g_off, bench_median(pair, o->runs),
		       c_on, c_off, c_on > 0 ? c_off / c_on : 0);
	}
	for (j = 0; j < nb_modes; j++)
		tcp_result(o, hz, &figs[modes[j] < 0 ? 0 : modes[j]], kops, modes[j]);
	if (nb_modes == 2) {
		struct tcp_figs *on = &figs[BENCH_OFFLOAD_ON], *off = &figs[BENCH_OFFLOAD_OFF];
		double g_on = bench_median(on->gbps, o->runs), g_off = bench_median(off->gbps, o->runs);
		double c_on = bench_median(on->cpb, o->runs), c_off = bench_median(off->cpb, o->runs);

		printf("OFFLOAD workload=tcp-stream gbps_on=%.3f gbps_off=%.3f ratio=%.2f "
		       "cycles_per_byte_on=%.3f cycles_per_byte_off=%.3f tsc_hz=%lu\n", g_on, g_off,
		       g_off > 0 ? g_on / g_off : 0, c_on, c_off, (unsigned long)hz);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct bench_opts o = {
		.workload = "udp-echo", .wire = "ring", .runs = 5, .seconds = 2, .size = 64,
		.offload = BENCH_OFFLOAD_DEFAULT, .port = -1,
	};
	char prefix[64], mem[32], *eal_argv[16];
	int i, ret, eal_argc = 0, has_sep = 0;
	uint64_t hz;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			has_sep = 1;
	for (i = 1; i < argc; i++)
		if (!has_sep && (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)) {
			usage(stdout);
			return 0;
		}
	if (has_sep) {
		ret = rte_eal_init(argc, argv);
		if (ret < 0) {
			fprintf(stderr, "tern-bench: EAL: %s\n", rte_strerror(rte_errno));
			return 2;
		}
		argc -= ret;
		argv += ret;
	} else {
		if (parse_opts(argc, argv, &o) != 0)
			return 2;
		if (o.peer) {
			fprintf(stderr, "tern-bench: --peer needs EAL options naming the port, then "
				"--: e.g. --no-huge -m 512 --no-pci -l 0 --file-prefix P "
				"--vdev net_memif0,role=client,socket=S -- --peer ...\n");
			return 2;
		}
		/* tcp-conns: the client's connections live in EAL memory, about 1 KB each */
		snprintf(mem, sizeof(mem), "%u", strcmp(o.workload, "tcp-conns") == 0 ?
			 1024 + (o.conns ? o.conns : BENCH_TCP_CONNS) / 1024 : 1024);
		snprintf(prefix, sizeof(prefix), "tb%d", (int)getpid());
		eal_argv[eal_argc++] = argv[0];
		eal_argv[eal_argc++] = (char *)"--no-huge";
		eal_argv[eal_argc++] = (char *)"-m";
		eal_argv[eal_argc++] = mem;
		eal_argv[eal_argc++] = (char *)"--no-pci";
		eal_argv[eal_argc++] = (char *)"-l";
		eal_argv[eal_argc++] = (char *)"0-1";
		eal_argv[eal_argc++] = (char *)"--file-prefix";
		eal_argv[eal_argc++] = prefix;
		eal_argv[eal_argc++] = (char *)"--log-level=*:warning";
		ret = rte_eal_init(eal_argc, eal_argv);
		if (ret < 0) {
			fprintf(stderr, "tern-bench: EAL: %s\n", rte_strerror(rte_errno));
			return 1;
		}
		argc = 1;
	}
	if (argc > 1 && parse_opts(argc, argv, &o) != 0) {
		rte_eal_cleanup();
		return 2;
	}
	hz = rte_get_tsc_hz();
	if (o.peer) {
		ret = bench_peer(&o, hz);
	} else if (bench_is_proxy(o.workload)) {
		o.window = o.window ? o.window : BENCH_TCP_CRR_WINDOW;
		o.conns = o.conns ? o.conns : BENCH_TCP_RR_CONNS;
		printf("tern-bench: workload %s, request %u B, window %u, conns %u, %u run(s) of "
		       "%.1f s, TSC %.3f GHz%s\n", o.workload, o.size, o.window, o.conns, o.runs,
		       o.seconds, (double)hz / 1e9, o.single ? ", one lcore" : "");
		ret = bench_proxy(&o, hz);
	} else if (!bench_is_tcp(o.workload)) {
		if (o.window == 0)
			o.window = 1024;
		printf("tern-bench: workload %s, wire %s, payload %u B, window %u, %u run(s) of "
		       "%.1f s, TSC %.3f GHz%s\n", o.workload, o.wire, o.size, o.window, o.runs,
		       o.seconds, (double)hz / 1e9, o.sw ? ", software paths forced" : "");
		ret = run_udp(&o, hz);
	} else {
		bool conns = strcmp(o.workload, "tcp-conns") == 0;

		if (o.window == 0)
			o.window = conns ? BENCH_TCP_OPEN_WINDOW : BENCH_TCP_CRR_WINDOW;
		if (o.conns == 0)
			o.conns = conns ? BENCH_TCP_CONNS : BENCH_TCP_RR_CONNS;
		printf("tern-bench: workload %s, wire %s, request %u B, window %u, conns %u, "
		       "%u run(s) of %.1f s, TSC %.3f GHz%s%s\n", o.workload, o.wire, o.size,
		       o.window, o.conns, o.runs, o.seconds, (double)hz / 1e9,
		       o.single ? ", one lcore" : "", o.sw ? ", software paths forced" : "");
		ret = strcmp(o.workload, "syn-flood") == 0 ? bench_synflood(&o, hz) :
		      run_tcp(&o, hz);
	}
	rte_eal_cleanup();
	return ret;
}
