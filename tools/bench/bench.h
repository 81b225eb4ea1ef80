/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_BENCH_H
#define TERN_BENCH_H

#include <stdbool.h>
#include <stdint.h>

/* One measured run of a workload. */
struct bench_run {
	double ops_per_s;	/* echoed datagrams per second */
	double cycles_per_op;	/* stack core's busy TSC cycles per operation */
	uint64_t ops;
	uint64_t drops;		/* generator packets lost */
};

struct bench_opts {
	const char *workload;
	const char *wire;	/* "ring" or "memif" */
	unsigned int runs;
	double seconds;
	unsigned int size;	/* UDP payload bytes */
	unsigned int window;	/* packets in flight from the generator */
	bool no_kernel;
	bool sw;		/* force software paths (no offload) */
	bool single;		/* generator and stack alternate on one lcore */
};

/* bench_udp.c: tern UDP echo, generator and stack on two lcores. */
int bench_udp_echo_setup(const struct bench_opts *o);
int bench_udp_echo_run(const struct bench_opts *o, struct bench_run *r);
void bench_udp_echo_teardown(void);

/* bench_kernel.c: the same workload against the Linux kernel (loopback). */
int bench_kernel_udp_echo(const struct bench_opts *o, struct bench_run *r);

double bench_median(double *v, unsigned int n);

#endif /* TERN_BENCH_H */
