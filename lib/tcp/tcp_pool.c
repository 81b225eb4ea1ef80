/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <stddef.h>

#include <rte_common.h>
#include <rte_debug.h>
#include <rte_malloc.h>

#include "tcp_pool.h"

/* A chunk: this header, then per_chunk elements from the next cache line. */
struct tcp_pool_chunk {
	struct tcp_pool_chunk *next;
	uint32_t n;
};

#define TCP_POOL_HDR	RTE_ALIGN_CEIL(sizeof(struct tcp_pool_chunk), RTE_CACHE_LINE_SIZE)

static inline void *
chunk_elt(const struct tcp_pool *p, const struct tcp_pool_chunk *c, uint32_t i)
{
	return (char *)(uintptr_t)c + TCP_POOL_HDR + (size_t)i * p->elt_size;
}

void
tcp_pool_init(struct tcp_pool *p, const char *name, uint32_t elt_size, uint32_t per_chunk,
	      uint32_t max, bool zero, int socket_id)
{
	RTE_VERIFY(elt_size >= sizeof(void *) && elt_size % sizeof(void *) == 0 && per_chunk > 0);
	p->free = NULL;
	p->chunks = NULL;
	p->in_use = 0;
	p->nb = 0;
	p->max = max;
	p->elt_size = elt_size;
	p->per_chunk = per_chunk;
	p->socket_id = socket_id;
	p->zero = zero;
	p->name = name;
}

void
tcp_pool_fini(struct tcp_pool *p)
{
	while (p->chunks != NULL) {
		struct tcp_pool_chunk *c = p->chunks;

		p->chunks = c->next;
		rte_free(c);
	}
	p->free = NULL;
	p->nb = 0;
	p->in_use = 0;
}

void *
tcp_pool_grow(struct tcp_pool *p)
{
	struct tcp_pool_chunk *c;
	uint32_t n = p->per_chunk, i;
	size_t sz;

	if (p->nb >= p->max)
		return NULL;
	if (n > p->max - p->nb)
		n = p->max - p->nb;
	sz = TCP_POOL_HDR + (size_t)n * p->elt_size;
	c = p->zero ? rte_zmalloc_socket(p->name, sz, RTE_CACHE_LINE_SIZE, p->socket_id) :
		      rte_malloc_socket(p->name, sz, RTE_CACHE_LINE_SIZE, p->socket_id);
	if (c == NULL)
		return NULL;
	c->next = p->chunks;
	c->n = n;
	p->chunks = c;
	p->nb += n;
	/* the first element of the chunk first off the list */
	for (i = n; i-- > 0;) {
		void **e = chunk_elt(p, c, i);

		*e = p->free;
		p->free = e;
	}
	return tcp_pool_get(p);
}

void *
tcp_pool_iter_next(const struct tcp_pool *p, struct tcp_pool_iter *it)
{
	while (it->c != NULL) {
		if (it->i < it->c->n)
			return chunk_elt(p, it->c, it->i++);
		it->c = it->c->next;
		it->i = 0;
	}
	return NULL;
}
