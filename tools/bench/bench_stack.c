/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "bench_stack.h"

int
bench_ring_pair(struct bench_stack *st, const char *name, unsigned int size)
{
	int socket = (int)rte_socket_id(), ps, pg;
	char n[RTE_RING_NAMESIZE];

	snprintf(n, sizeof(n), "%s_gs", name);
	st->r_gs = rte_ring_create(n, size, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(n, sizeof(n), "%s_sg", name);
	st->r_sg = rte_ring_create(n, size, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (st->r_gs == NULL || st->r_sg == NULL)
		return -ENOMEM;
	snprintf(n, sizeof(n), "%s_stack", name);
	ps = rte_eth_from_rings(n, &st->r_gs, 1, &st->r_sg, 1, socket);
	snprintf(n, sizeof(n), "%s_gen", name);
	pg = rte_eth_from_rings(n, &st->r_sg, 1, &st->r_gs, 1, socket);
	if (ps < 0 || pg < 0)
		return -ENODEV;
	st->port_s = (uint16_t)ps;
	st->port_g = (uint16_t)pg;
	return 0;
}

int
bench_stack_up(struct bench_stack *st, const struct tern_dev_param *dp)
{
	struct tern_ctx_param cp = { 0 };
	tern_ip4_t a;

	st->dev_s = tern_dev_create(st->port_s, dp);
	st->dev_g = tern_dev_create(st->port_g, dp);
	if (st->dev_s == NULL || st->dev_g == NULL)
		return -ENODEV;
	st->gen_mp = tern_dev_pool(st->dev_g, (int)rte_socket_id());
	st->net = tern_net_create(NULL);
	if (st->net == NULL || tern_net_iface_add(st->net, st->dev_s, 0) != 0)
		return -ENOMEM;
	tern_ip4_parse("10.1.0.1", &a, NULL);
	if (tern_net_addr4_add(st->net, 0, a, 24) != 0)
		return -EINVAL;
	tern_ip4_parse("10.1.0.2", &a, NULL);
	/* The generator answers no ARP: its MAC is configured. */
	if (tern_net_neigh4_set(st->net, 0, a, tern_dev_mac(st->dev_g)) != 0)
		return -EINVAL;
	cp.net = st->net;
	st->ctx = tern_ctx_create(&cp);
	return st->ctx == NULL ? -rte_errno : 0;
}

#define BENCH_HEAP_PAGE	(2ul << 20)

int
bench_heap_create(struct bench_heap *h, const char *name, size_t want)
{
	rte_iova_t *iova;
	unsigned int i, n;
	uint8_t *p;

	h->len = RTE_ALIGN_CEIL(want, BENCH_HEAP_PAGE);
	n = (unsigned int)(h->len / BENCH_HEAP_PAGE);
	/* over-map to align on the page size DPDK is told */
	p = mmap(NULL, h->len + BENCH_HEAP_PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	h->map = p;
	h->map_len = h->len + BENCH_HEAP_PAGE;
	h->mem = RTE_PTR_ALIGN_CEIL(p, BENCH_HEAP_PAGE);
	h->name = name;
	iova = calloc(n, sizeof(*iova));
	if (iova == NULL)
		return -ENOMEM;
	/* Nothing does DMA from this heap: IOVA = VA keeps it contiguous. */
	for (i = 0; i < n; i++)
		iova[i] = (rte_iova_t)(uintptr_t)h->mem + (rte_iova_t)i * BENCH_HEAP_PAGE;
	if (rte_malloc_heap_create(name) != 0 ||
	    rte_malloc_heap_memory_add(name, h->mem, h->len, iova, n, BENCH_HEAP_PAGE) != 0) {
		free(iova);
		fprintf(stderr, "tern-bench: external heap: %s\n", rte_strerror(rte_errno));
		return -rte_errno;
	}
	free(iova);
	h->socket = rte_malloc_heap_get_socket(name);
	return h->socket < 0 ? -EINVAL : 0;
}

size_t
bench_heap_used(const struct bench_heap *h)
{
	struct rte_malloc_socket_stats st;

	if (rte_malloc_get_socket_stats(h->socket, &st) != 0)
		return 0;
	return st.heap_allocsz_bytes;
}

unsigned int
bench_heap_allocs(const struct bench_heap *h)
{
	struct rte_malloc_socket_stats st;

	if (rte_malloc_get_socket_stats(h->socket, &st) != 0)
		return 0;
	return st.alloc_count;
}

void
bench_heap_destroy(struct bench_heap *h)
{
	if (h->map == NULL)
		return;
	rte_malloc_heap_memory_remove(h->name, h->mem, h->len);
	rte_malloc_heap_destroy(h->name);
	munmap(h->map, h->map_len);
	h->map = NULL;
}
