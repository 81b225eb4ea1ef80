/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_BENCH_STACK_H
#define TERN_BENCH_STACK_H

/*
 * The set-up tern-bench's udp-echo and tern-bench-idle share (bench_stack.c):
 * a stack port and a generator port, tern on the first with 10.1.0.1/24, the
 * generator's 10.1.0.2 a permanent neighbor (it answers no ARP), one context.
 */

#include <stdint.h>

#include <rte_ring.h>

#include <tern/tern.h>

struct bench_stack {
	struct rte_ring *r_gs, *r_sg;	/* generator -> stack, stack -> generator */
	uint16_t port_s, port_g;
	struct tern_dev *dev_s, *dev_g;
	struct rte_mempool *gen_mp;	/* the generator's frames */
	struct tern_net *net;
	struct tern_ctx *ctx;
};

/*
 * A malloc heap of its own (an external rte_malloc heap over memory mapped
 * here, IOVA = VA): a context made with tern_ctx_param.socket_id = socket
 * takes all its memory from it, so the heap's statistics count it exactly.
 */
struct bench_heap {
	void *mem;		/* page-aligned, len bytes */
	size_t len;
	void *map;		/* what mmap() gave */
	size_t map_len;
	int socket;
	const char *name;
};

/* A heap @name of at least @want bytes (touched only as used). @return 0 or -errno. */
int bench_heap_create(struct bench_heap *h, const char *name, size_t want);
/* Bytes allocated from it (rte_malloc's headers and padding included). */
size_t bench_heap_used(const struct bench_heap *h);
/* Allocations (malloc elements) live in it. */
unsigned int bench_heap_allocs(const struct bench_heap *h);
/* Remove and unmap it. Safe on a heap never made. */
void bench_heap_destroy(struct bench_heap *h);

/* Two net_ring ports wired back to back (rings of @size), named after @name. */
int bench_ring_pair(struct bench_stack *st, const char *name, unsigned int size);

/* Devices (@dp) on st->port_s and st->port_g, the net and the context. @return 0 or -errno. */
int bench_stack_up(struct bench_stack *st, const struct tern_dev_param *dp);

#endif
