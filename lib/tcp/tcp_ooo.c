/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * The out-of-order receive queue: blocks of contiguous sequence space, each
 * a chain of single-segment mbufs, sorted, disjoint, never adjacent. See
 * tcp_ooo.h for the rules.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_mbuf.h>

#include "tcp_ooo.h"

/* A chain of single-segment mbufs being built or cut. */
struct seg_list {
	struct rte_mbuf *head, *tail;
	uint32_t nb;
};

/* Free a chain of single-segment mbufs, one by one. */
static void
chain_free(struct rte_mbuf *m)
{
	while (m != NULL) {
		struct rte_mbuf *next = m->next;

		m->next = NULL;
		rte_pktmbuf_free_seg(m);
		m = next;
	}
}

/* Append the chain [head, tail] of @nb mbufs to @l. */
static void
list_append(struct seg_list *l, struct rte_mbuf *head, struct rte_mbuf *tail, uint32_t nb)
{
	if (head == NULL)
		return;
	if (l->head == NULL)
		l->head = head;
	else
		l->tail->next = head;
	l->tail = tail;
	l->nb += nb;
}

/*
 * Unlink the segments of the received chain @m into @l, as independent
 * single-segment mbufs, keeping at most @len bytes; free the empty ones and
 * those past @len. @return the bytes kept.
 */
static uint32_t
list_from_chain(struct seg_list *l, struct rte_mbuf *m, uint32_t len)
{
	uint32_t got = 0;

	l->head = l->tail = NULL;
	l->nb = 0;
	while (m != NULL) {
		struct rte_mbuf *next = m->next;

		m->next = NULL;
		m->nb_segs = 1;
		if (m->data_len == 0 || got == len) {
			rte_pktmbuf_free_seg(m);
		} else {
			if (m->data_len > len - got)
				m->data_len = (uint16_t)(len - got);
			m->pkt_len = m->data_len;
			got += m->data_len;
			list_append(l, m, m, 1);
		}
		m = next;
	}
	return got;
}

/* Cut @n bytes off the front of @l, freeing the mbufs that become empty. */
static void
list_trim_front(struct seg_list *l, uint32_t n)
{
	while (n > 0 && l->head != NULL) {
		struct rte_mbuf *m = l->head;

		if (m->data_len <= n) {
			n -= m->data_len;
			l->head = m->next;
			m->next = NULL;
			rte_pktmbuf_free_seg(m);
			l->nb--;
		} else {
			m->data_off = (uint16_t)(m->data_off + n);
			m->data_len = (uint16_t)(m->data_len - n);
			m->pkt_len = m->data_len;
			n = 0;
		}
	}
	if (l->head == NULL)
		l->tail = NULL;
}

/* Keep the first @n bytes of @l, freeing the mbufs past them. */
static void
list_keep(struct seg_list *l, uint32_t n)
{
	struct rte_mbuf *m = l->head, *prev = NULL;
	uint32_t nb = 0;

	while (m != NULL && n > 0) {
		if (m->data_len >= n) {
			m->data_len = (uint16_t)n;
			m->pkt_len = n;
			n = 0;
		} else {
			n -= m->data_len;
		}
		prev = m;
		m = m->next;
		nb++;
	}
	if (prev != NULL)
		prev->next = NULL;
	else
		l->head = NULL;
	l->tail = prev;
	l->nb = nb;
	chain_free(m);
}

/*
 * recent[] upkeep. Blocks [a, b] left blk[]: forget them, and renumber the
 * blocks after them, which move down by b - a + 1.
 */
static void
recent_remove(struct tern_tcp_ooo *q, unsigned int a, unsigned int b)
{
	unsigned int i, j = 0;

	for (i = 0; i < TERN_TCP_SACK_MAX; i++) {
		unsigned int r = q->recent[i];

		if (r == TERN_TCP_OOO_NONE || (r >= a && r <= b))
			continue;
		q->recent[j++] = (uint8_t)(r > b ? r - (b - a + 1) : r);
	}
	for (; j < TERN_TCP_SACK_MAX; j++)
		q->recent[j] = TERN_TCP_OOO_NONE;
}

/* A block was inserted at index @a: the blocks from @a on moved up one. */
static void
recent_open(struct tern_tcp_ooo *q, unsigned int a)
{
	unsigned int i;

	for (i = 0; i < TERN_TCP_SACK_MAX; i++)
		if (q->recent[i] != TERN_TCP_OOO_NONE && q->recent[i] >= a)
			q->recent[i]++;
}

/* Block @a changed: it goes first; the oldest entry falls off if full. */
static void
recent_touch(struct tern_tcp_ooo *q, unsigned int a)
{
	unsigned int i;

	for (i = 0; i < TERN_TCP_SACK_MAX - 1 && q->recent[i] != a; i++)
		;
	for (; i > 0; i--)
		q->recent[i] = q->recent[i - 1];
	q->recent[0] = (uint8_t)a;
}

/* Free the bytes of block @i and take them off the totals (blk[] unchanged). */
static void
block_free(struct tern_tcp_ooo *q, unsigned int i)
{
	struct tern_tcp_ooo_block *b = &q->blk[i];

	chain_free(b->head);
	q->bytes -= b->end - b->start;
	q->nb_mbufs -= b->nb_mbufs;
	b->head = b->tail = NULL;
	b->nb_mbufs = 0;
}

/* Take blocks [a, b] out of blk[] (their mbufs are the caller's business). */
static void
blk_remove(struct tern_tcp_ooo *q, unsigned int a, unsigned int b)
{
	memmove(&q->blk[a], &q->blk[b + 1], (q->nb - b - 1) * sizeof(q->blk[0]));
	q->nb = (uint8_t)(q->nb - (b - a + 1));
	recent_remove(q, a, b);
}

/* Make room for a block at index @a. */
static void
blk_open(struct tern_tcp_ooo *q, unsigned int a)
{
	memmove(&q->blk[a + 1], &q->blk[a], (q->nb - a) * sizeof(q->blk[0]));
	q->nb++;
	recent_open(q, a);
}

void
tcp_ooo_init(struct tern_tcp_ooo *q)
{
	memset(q, 0, sizeof(*q));
	memset(q->recent, TERN_TCP_OOO_NONE, sizeof(q->recent));
}

/*
 * Index of the first block whose end is at or above @seq (q->nb if none):
 * a binary search, the ends ascending as the blocks are sorted and disjoint.
 */
static unsigned int
blk_first_reaching(const struct tern_tcp_ooo *q, uint32_t seq)
{
	unsigned int lo = 0, n = q->nb;

	while (n > 0) {
		unsigned int half = n / 2;

		if (SEQ_LT(q->blk[lo + half].end, seq)) {
			lo += half + 1;
			n -= half + 1;
		} else {
			n = half;
		}
	}
	return lo;
}

int
tcp_ooo_insert(struct tern_tcp_ooo *q, uint32_t rcv_nxt, uint32_t seq,
		    struct rte_mbuf *m, uint32_t len, struct tern_tcp_sack_block *dsack)
{
	struct tern_tcp_ooo_block *b;
	struct seg_list l, r;
	unsigned int lo, hi, first, last, i;
	uint32_t end, got, ns, ne, old;
	bool front, back;

	dsack->left = dsack->right = seq;
	got = list_from_chain(&l, m, len);
	if (got == 0)
		return 0;
	end = seq + got;

	/* Below rcv_nxt: already delivered, a duplicate. */
	if (SEQ_LT(seq, rcv_nxt)) {
		dsack->left = seq;
		dsack->right = SEQ_MIN(end, rcv_nxt);
		if (SEQ_LEQ(end, rcv_nxt)) {
			chain_free(l.head);
			return 0;
		}
		list_trim_front(&l, rcv_nxt - seq);
		seq = rcv_nxt;
		got = end - seq;
	}

	/* Blocks [lo, hi) touch or overlap [seq, end]. */
	lo = blk_first_reaching(q, seq);
	for (hi = lo; hi < q->nb && SEQ_LEQ(q->blk[hi].start, end); hi++)
		;

	if (lo == hi) {
		/* A block of its own, at index lo. */
		if (q->nb == TERN_TCP_OOO_MAX_BLOCKS) {
			if (lo == q->nb) {
				chain_free(l.head);
				return -ENOSPC;
			}
			block_free(q, q->nb - 1u);
			blk_remove(q, q->nb - 1u, q->nb - 1u);
		}
		blk_open(q, lo);
		b = &q->blk[lo];
		b->start = seq;
		b->end = end;
		b->head = l.head;
		b->tail = l.tail;
		b->nb_mbufs = l.nb;
		q->bytes += got;
		q->nb_mbufs += l.nb;
		recent_touch(q, lo);
		return (int)got;
	}

	first = lo;
	last = hi - 1;
	/* The first range already held (unless one below rcv_nxt came first). */
	if (dsack->left == dsack->right) {
		for (i = first; i <= last; i++) {
			uint32_t dl = SEQ_MAX(seq, q->blk[i].start);
			uint32_t dr = SEQ_MIN(end, q->blk[i].end);

			if (SEQ_LT(dl, dr)) {
				dsack->left = dl;
				dsack->right = dr;
				break;
			}
		}
	}

	b = &q->blk[first];
	if (SEQ_LEQ(b->start, seq) && SEQ_GEQ(b->end, end)) {
		/* Nothing new: the block holding it is still the latest news. */
		chain_free(l.head);
		recent_touch(q, first);
		return 0;
	}

	/*
	 * front: the first block starts at or before the segment; keep its
	 * bytes, trim the segment's. back: same for the last block past the
	 * segment's end. The blocks between lie inside the segment and give
	 * way to its copy. The segment keeps [ns, ne), never empty here.
	 */
	front = SEQ_LEQ(b->start, seq);
	back = SEQ_GEQ(q->blk[last].end, end);
	ns = front ? b->end : seq;
	ne = back ? q->blk[last].start : end;
	if (front)
		list_trim_front(&l, ns - seq);
	if (back)
		list_keep(&l, ne - ns);

	old = 0;
	for (i = first + (front ? 1 : 0); i + (back ? 1 : 0) <= last; i++) {
		old += q->blk[i].end - q->blk[i].start;
		block_free(q, i);
	}
	q->bytes += ne - ns;
	q->nb_mbufs += l.nb;

	r.head = r.tail = NULL;
	r.nb = 0;
	if (front)
		list_append(&r, b->head, b->tail, b->nb_mbufs);
	list_append(&r, l.head, l.tail, l.nb);
	if (back)
		list_append(&r, q->blk[last].head, q->blk[last].tail, q->blk[last].nb_mbufs);
	b->start = front ? b->start : ns;
	b->end = back ? q->blk[last].end : ne;
	b->head = r.head;
	b->tail = r.tail;
	b->nb_mbufs = r.nb;
	if (last > first)
		blk_remove(q, first + 1, last);
	recent_touch(q, first);
	return (int)(ne - ns - old);
}

struct rte_mbuf *
tcp_ooo_pull(struct tern_tcp_ooo *q, uint32_t rcv_nxt, struct rte_mbuf **tail,
		  uint32_t *len, uint32_t *nb_mbufs)
{
	while (q->nb > 0 && SEQ_LEQ(q->blk[0].start, rcv_nxt)) {
		struct tern_tcp_ooo_block b = q->blk[0];
		struct seg_list l = { b.head, b.tail, b.nb_mbufs };

		q->bytes -= b.end - b.start;
		q->nb_mbufs -= b.nb_mbufs;
		blk_remove(q, 0, 0);
		if (SEQ_LEQ(b.end, rcv_nxt)) {
			chain_free(b.head);
			continue;
		}
		list_trim_front(&l, rcv_nxt - b.start);
		if (tail != NULL)
			*tail = l.tail;
		if (len != NULL)
			*len = b.end - rcv_nxt;
		if (nb_mbufs != NULL)
			*nb_mbufs = l.nb;
		return l.head;
	}
	if (tail != NULL)
		*tail = NULL;
	if (len != NULL)
		*len = 0;
	if (nb_mbufs != NULL)
		*nb_mbufs = 0;
	return NULL;
}

unsigned int
tcp_ooo_sack(const struct tern_tcp_ooo *q, struct tern_tcp_sack_block *out,
		  unsigned int max)
{
	bool listed[TERN_TCP_OOO_MAX_BLOCKS] = { false };
	unsigned int i, n = 0;

	for (i = 0; i < TERN_TCP_SACK_MAX && n < max; i++) {
		unsigned int r = q->recent[i];

		if (r >= q->nb || listed[r])
			continue;
		listed[r] = true;
		out[n].left = q->blk[r].start;
		out[n].right = q->blk[r].end;
		n++;
	}
	for (i = 0; i < q->nb && n < max; i++) {
		if (listed[i])
			continue;
		out[n].left = q->blk[i].start;
		out[n].right = q->blk[i].end;
		n++;
	}
	return n;
}

void
tcp_ooo_purge(struct tern_tcp_ooo *q)
{
	unsigned int i;

	for (i = 0; i < q->nb; i++)
		chain_free(q->blk[i].head);
	tcp_ooo_init(q);
}
