/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * tern-bench: a testpmd-style benchmark. It runs a workload through tern
 * and, in the same run, through the Linux kernel, and prints medians of N
 * runs, the stack's cycles per operation, the TSC rate and the ratio.
 * The last line is machine-readable:
 *   RESULT workload=udp-echo mpps=... cycles_per_op=... tsc_hz=... kernel_mpps=... ratio=...
 */

#include <errno.h>
#include <getopt.h>
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
"(two lcores: the generator on the worker, tern on the main one).\n"
"\n"
"Options:\n"
"  --workload NAME   udp-echo (the only one so far; default)\n"
"  --wire ring|memif ring: in-process ring pair, pointer moves only (default);\n"
"                    memif: give EAL --vdev net_memif0,role=server,socket=S\n"
"                    --vdev net_memif1,role=client,socket=S\n"
"  --size N          UDP payload bytes (default 64)\n"
"  --runs N          runs; medians are reported (default 5)\n"
"  --seconds S       measured seconds per run, after 10%% warm-up (default 2)\n"
"  --window N        datagrams in flight from the generator (default 1024)\n"
"  --sw              force software paths (no device offload)\n"
"  --single          generator and stack take turns on one lcore (only the\n"
"                    stack's turns are timed; for callgrind and busy machines)\n"
"  --no-kernel       skip the Linux kernel baseline\n"
"  --standard        the standard set (what `make bench` runs)\n"
"  -h, --help        this text\n");
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
		{ "sw", no_argument, NULL, 'S' },
		{ "single", no_argument, NULL, '1' },
		{ "no-kernel", no_argument, NULL, 'K' },
		{ "standard", no_argument, NULL, 'X' },
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
			if (strcmp(optarg, "udp-echo") != 0) {
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
		case '1':
			o->single = true;
			break;
		case 'K':
			o->no_kernel = true;
			break;
		case 'X':
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
	return 0;
}

int
main(int argc, char **argv)
{
	struct bench_opts o = {
		.workload = "udp-echo", .wire = "ring", .runs = 5, .seconds = 2, .size = 64,
		.window = 1024,
	};
	double mpps[64], cyc[64], kmpps[64];
	char prefix[64], *eal_argv[16];
	int i, ret, eal_argc = 0, has_sep = 0;
	double tern_m, tern_c, kern_m;
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
		snprintf(prefix, sizeof(prefix), "tb%d", (int)getpid());
		eal_argv[eal_argc++] = argv[0];
		eal_argv[eal_argc++] = (char *)"--no-huge";
		eal_argv[eal_argc++] = (char *)"-m";
		eal_argv[eal_argc++] = (char *)"1024";
		eal_argv[eal_argc++] = (char *)"--no-pci";
		eal_argv[eal_argc++] = (char *)"-l";
		eal_argv[eal_argc++] = (char *)"0-1";
		eal_argv[eal_argc++] = (char *)"--file-prefix";
		eal_argv[eal_argc++] = prefix;
		eal_argv[eal_argc++] = (char *)"--log-level=*:warning";
		if (parse_opts(argc, argv, &o) != 0)
			return 2;
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
	printf("tern-bench: workload %s, wire %s, payload %u B, window %u, %u run(s) of %.1f s, "
	       "TSC %.3f GHz%s\n", o.workload, o.wire, o.size, o.window, o.runs, o.seconds,
	       (double)hz / 1e9, o.sw ? ", software paths forced" : "");
	ret = bench_udp_echo_setup(&o);
	if (ret != 0) {
		fprintf(stderr, "tern-bench: setup failed: %s\n", strerror(-ret));
		rte_eal_cleanup();
		return 1;
	}
	for (i = 0; i < (int)o.runs; i++) {
		struct bench_run r = { 0 }, k = { 0 };

		ret = bench_udp_echo_run(&o, &r);
		if (ret != 0)
			break;
		mpps[i] = r.ops_per_s / 1e6;
		cyc[i] = r.cycles_per_op;
		kmpps[i] = 0;
		if (!o.no_kernel && bench_kernel_udp_echo(&o, &k) == 0)
			kmpps[i] = k.ops_per_s / 1e6;
		printf("run %d: tern %.3f Mpps, %.1f cycles/pkt on the stack core, %lu lost; "
		       "kernel %.3f Mpps\n", i + 1, mpps[i], cyc[i], (unsigned long)r.drops,
		       kmpps[i]);
		fflush(stdout);
	}
	bench_udp_echo_teardown();
	if (ret != 0) {
		rte_eal_cleanup();
		return 1;
	}
	tern_m = bench_median(mpps, o.runs);
	tern_c = bench_median(cyc, o.runs);
	kern_m = bench_median(kmpps, o.runs);
	printf("median: tern %.3f Mpps, %.1f cycles/pkt; kernel %.3f Mpps\n", tern_m, tern_c,
	       kern_m);
	printf("RESULT workload=%s%s mpps=%.3f cycles_per_op=%.1f tsc_hz=%lu kernel_mpps=%.3f "
	       "ratio=%.2f\n", o.workload, strcmp(o.wire, "memif") == 0 ? "-memif" : "",
	       tern_m, tern_c, (unsigned long)hz, kern_m,
	       kern_m > 0 ? tern_m / kern_m : 0.0);
	rte_eal_cleanup();
	return 0;
}
