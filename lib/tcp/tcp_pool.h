/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_TCP_POOL_H
#define TERN_TCP_POOL_H

/*
 * A per-context pool of fixed-size elements (control blocks, loss-recovery
 * blocks, retransmit queue entries): memory comes from the heap in chunks
 * of per_chunk elements when the free list is empty, every element of a
 * new chunk goes on the free list, and elements given back go on it again;
 * chunks go back to the heap only with the pool (tcp_pool_fini()). A free
 * element's first pointer-sized word links the free list: taking one is a
 * pop (and the link word cleared), giving it back a push, where a mempool
 * without a cache costs a ring operation each way.
 *
 * One lcore: no locks. Internal, not installed.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>

struct tcp_pool_chunk;

struct tcp_pool {
	void *free;			/* free elements, linked by their first word */
	struct tcp_pool_chunk *chunks;
	uint32_t in_use;		/* elements taken */
	uint32_t nb;			/* elements in the chunks */
	uint32_t max;			/* elements made at most */
	uint32_t elt_size;
	uint32_t per_chunk;
	int socket_id;
	bool zero;			/* chunks come zeroed */
	const char *name;		/* of the heap allocations */
};

/*
 * Set up @p, empty: elements of @elt_size bytes (at least a pointer, a
 * multiple of 8), @per_chunk to a chunk, at most @max of them (UINT32_MAX:
 * as many as the heap gives), chunks zeroed if @zero, on @socket_id.
 */
void tcp_pool_init(struct tcp_pool *p, const char *name, uint32_t elt_size,
		   uint32_t per_chunk, uint32_t max, bool zero, int socket_id);

/* Give every chunk back to the heap; elements still taken go with them. */
void tcp_pool_fini(struct tcp_pool *p);

/* tcp_pool_get()'s slow path: a new chunk. @return an element, or NULL. */
void *tcp_pool_grow(struct tcp_pool *p);

/* An element, its first word zero (the rest as it was given back, or zero in a new chunk); NULL if none. */
static inline void *
tcp_pool_get(struct tcp_pool *p)
{
	void **e = p->free;

	if (unlikely(e == NULL))
		return tcp_pool_grow(p);
	p->free = *e;
	*e = NULL;
	p->in_use++;
	return e;
}

static inline void
tcp_pool_put(struct tcp_pool *p, void *e)
{
	*(void **)e = p->free;
	p->free = e;
	p->in_use--;
}

/* A walk over every element made (taken or free), chunk by chunk. */
struct tcp_pool_iter {
	const struct tcp_pool_chunk *c;
	uint32_t i;
};

static inline void
tcp_pool_iter_init(const struct tcp_pool *p, struct tcp_pool_iter *it)
{
	it->c = p->chunks;
	it->i = 0;
}

/* The next element of the walk, or NULL at the end. Elements may be given back meanwhile. */
void *tcp_pool_iter_next(const struct tcp_pool *p, struct tcp_pool_iter *it);

#endif /* TERN_TCP_POOL_H */
