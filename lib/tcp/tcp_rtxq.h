/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_TCP_RTXQ_H
#define TERN_TCP_RTXQ_H

/*
 * The TCP retransmit queue: the segments sent and not yet acknowledged, kept
 * in an intrusive red-black tree ordered by sequence number (serial-number
 * comparison, RFC 9293 3.4), with the lowest and highest segments cached.
 * The rest of the TCP layer reaches it only through these helpers.
 *
 * Rules the caller keeps:
 * - every segment of one queue lies within 2^31 of every other one (the
 *   send window guarantees it), so SEQ_LT orders them consistently;
 * - segments never overlap in sequence space;
 * - a segment is in at most one queue at a time, and its memory stays put
 *   while it is linked.
 *
 * The tree never touches a segment's data (->m) nor its flags: owning and
 * freeing them is the caller's business.
 *
 * Internal, not installed. A queue belongs to one connection, hence to one
 * lcore: none of these calls is safe to call from another lcore while the
 * owner uses the queue.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tern_tcp_seq.h"

struct rte_mbuf;

/* A red-black tree node, embedded in the structure it orders. */
struct tern_rb_node {
	struct tern_rb_node *left, *right;
	uintptr_t parent_color;	/* parent pointer | color in bit 0 */
};

/* flags of a segment */
#define TERN_TCP_SEG_SYN	0x01	/* the segment carries SYN (counts 1 in len) */
#define TERN_TCP_SEG_FIN	0x02	/* carries FIN (counts 1 in len) */
#define TERN_TCP_SEG_SACKED	0x04
#define TERN_TCP_SEG_LOST	0x08
#define TERN_TCP_SEG_RETRANS	0x10	/* sent more than once */
#define TERN_TCP_SEG_RTX_OUT	0x20	/* a retransmission of it is in flight (counted in retrans_out) */
#define TERN_TCP_SEG_ON_LIST	0x40	/* linked on the sent list or the lost list (tnext/tprev) */
#define TERN_TCP_SEG_TLP	0x80	/* last sent as a tail loss probe */

/* One segment of the retransmit queue. */
struct tern_tcp_seg {
	struct tern_rb_node rb;
	uint32_t seq;		/* first sequence number */
	uint32_t len;		/* sequence space: data bytes + SYN + FIN */
	uint64_t xmit_ns;	/* time of the last transmission */
	struct rte_mbuf *m;	/* the data, a chain of single-segment mbufs linked by ->next; NULL for none */
	uint16_t flags;
	uint16_t nb_tx;		/* transmissions */
	uint32_t tsval;		/* our timestamp value on the last transmission */
	/*
	 * Loss recovery (tcp_sack.c): a segment in flight and not SACKed is on
	 * the connection's sent list, ordered by its last transmission time;
	 * one marked lost waits on the lost list for its retransmission. The
	 * tree does not use these.
	 */
	struct tern_tcp_seg *tnext, *tprev;
};

/* The retransmit queue of one connection. */
struct tern_tcp_rtxq {
	struct tern_rb_node *root;
	struct tern_tcp_seg *first;	/* cached lowest */
	struct tern_tcp_seg *last;	/* cached highest */
	uint32_t nb;			/* segments */
	uint64_t visits;		/* tree nodes visited by find/insert, a deterministic work counter (tests of loss recovery read it) */
};

/* What tcp_rtxq_check() returns for each broken rule. */
#define TERN_TCP_RTXQ_ERR_PARENT	-1	/* a parent pointer is wrong (the root's is not NULL) */
#define TERN_TCP_RTXQ_ERR_ROOT_RED	-2	/* the root is red */
#define TERN_TCP_RTXQ_ERR_RED_RED	-3	/* a red node has a red child */
#define TERN_TCP_RTXQ_ERR_BLACK_HEIGHT	-4	/* two paths to a leaf hold different black counts */
#define TERN_TCP_RTXQ_ERR_ORDER		-5	/* in-order walk not strictly rising by seq */
#define TERN_TCP_RTXQ_ERR_OVERLAP	-6	/* a segment ends after the next one starts */
#define TERN_TCP_RTXQ_ERR_FIRST_LAST	-7	/* ->first or ->last is not the lowest / highest */
#define TERN_TCP_RTXQ_ERR_COUNT		-8	/* ->nb differs from the nodes in the tree */
#define TERN_TCP_RTXQ_ERR_DEPTH		-9	/* deeper than any valid tree of 2^32 nodes (a cycle) */
#define TERN_TCP_RTXQ_ERR_SPAN		-10	/* first and last segments start 2^31 or more apart */

/*
 * The sequence number just past @s: seq + len, modulo 2^32.
 * @param s a segment
 */
static inline uint32_t
tcp_seg_end(const struct tern_tcp_seg *s)
{
	return s->seq + s->len;
}

/*
 * Make @q an empty queue with a zero visit counter. O(1).
 * @param q the queue (its previous contents, if any, are forgotten, not freed)
 */
void tcp_rtxq_init(struct tern_tcp_rtxq *q);

/*
 * The lowest segment (the oldest unacknowledged one). O(1).
 * @param q the queue
 * @return the segment, or NULL if @q is empty.
 */
static inline struct tern_tcp_seg *
tcp_rtxq_first(const struct tern_tcp_rtxq *q)
{
	return q->first;
}

/*
 * The highest segment (the one sent last). O(1).
 * @param q the queue
 * @return the segment, or NULL if @q is empty.
 */
static inline struct tern_tcp_seg *
tcp_rtxq_last(const struct tern_tcp_rtxq *q)
{
	return q->last;
}

/*
 * Whether @q holds no segment. O(1).
 * @param q the queue
 */
static inline bool
tcp_rtxq_empty(const struct tern_tcp_rtxq *q)
{
	return q->root == NULL;
}

/*
 * The in-order successor of @s: the next segment up in sequence space.
 * O(log n) worst case, amortised O(1) over a walk of the queue. Does not
 * count visits (it has no queue to count into).
 * @param s a segment linked in a queue
 * @return the next segment, or NULL if @s is the last one.
 */
struct tern_tcp_seg *tcp_rtxq_next(const struct tern_tcp_seg *s);

/*
 * The in-order predecessor of @s: the next segment down in sequence space.
 * Same costs as tcp_rtxq_next().
 * @param s a segment linked in a queue
 * @return the previous segment, or NULL if @s is the first one.
 */
struct tern_tcp_seg *tcp_rtxq_prev(const struct tern_tcp_seg *s);

/*
 * Link @s into @q, ordered by @s->seq (SEQ_LT). @s->seq and @s->len must be
 * set; its tree node is overwritten. O(log n).
 *
 * A segment that starts after the last one (new data sent, the common case)
 * or before the first one is hung directly under that cached node, with the
 * same result as a descent from the root, then the tree is rebalanced.
 * Visits are the nodes whose seq is compared: 1 when appending after the
 * last segment, 2 when prepending before the first (last, then first),
 * otherwise those 2 plus the nodes compared on the way down from the root
 * (0 when the queue was empty).
 *
 * Overlap with a neighbour is not checked here (tcp_rtxq_check() does).
 *
 * @param q the queue
 * @param s the segment, not linked in any queue
 * @return 0;
 *         -EEXIST if a segment with the same seq is already in @q (nothing
 *         is linked, @q is unchanged apart from its visit counter).
 */
int tcp_rtxq_insert(struct tern_tcp_rtxq *q, struct tern_tcp_seg *s);

/*
 * The segment whose range [seq, seq + len) holds @seq. O(log n): a descent
 * from the root; visits are the nodes compared.
 * @param q   the queue
 * @param seq a sequence number
 * @return the segment, or NULL if @seq falls in a gap, before the first
 *         segment or after the last one.
 */
struct tern_tcp_seg *tcp_rtxq_find(struct tern_tcp_rtxq *q, uint32_t seq);

/*
 * The first segment not entirely below @seq: the lowest one whose end
 * (seq + len) is after @seq. When an ACK for @seq lands, everything before
 * the result is acknowledged; when a SACK block starting at @seq lands, the
 * result is the first segment it may cover. O(log n); O(1) when the answer
 * is the first segment or none (1 and 2 visits); otherwise the visits are
 * those two plus the nodes compared on the way down from the root.
 * @param q   the queue
 * @param seq a sequence number
 * @return the segment, or NULL if every segment ends at or before @seq.
 */
struct tern_tcp_seg *tcp_rtxq_find_ge(struct tern_tcp_rtxq *q, uint32_t seq);

/*
 * Unlink @s from @q and rebalance; ->first and ->last follow. O(log n).
 * Visits: 1 for @s, plus the nodes walked down to its in-order successor
 * when @s has two children, plus one per rebalancing step.
 * On return @s's tree node is zeroed; its data and flags are untouched.
 * @param q the queue
 * @param s a segment linked in @q (anything else corrupts the tree)
 */
void tcp_rtxq_unlink(struct tern_tcp_rtxq *q, struct tern_tcp_seg *s);

/*
 * Validate @q, for tests: BST order by SEQ_LT, the root black, no red node
 * with a red child, the same black height on every path, parent pointers
 * consistent, ->first / ->last / ->nb right, no overlapping segments, the
 * first and last segments starting less than 2^31 apart (measured along the
 * in-order walk, so a queue that wraps all the way round is caught). O(n), recursion depth bounded
 * (a cycle is reported, not followed forever). Does not count visits.
 * @param q the queue
 * @return 0 if every rule holds; otherwise the TERN_TCP_RTXQ_ERR_* value
 *         of the first broken rule found.
 */
int tcp_rtxq_check(const struct tern_tcp_rtxq *q);

#endif /* TERN_TCP_RTXQ_H */
