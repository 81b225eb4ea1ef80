/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_TCP_OOO_H
#define TERN_TCP_OOO_H

/*
 * The receive side's out-of-order queue (RFC 9293 3.10.7.4 "segment text",
 * RFC 2018 4 for the SACK blocks it reports, RFC 2883 for D-SACK).
 *
 * Payload that arrives above rcv_nxt is held here, in blocks of contiguous
 * sequence space, until the gap below it is filled. Each block keeps its
 * bytes as a chain of single-segment mbufs linked through ->next: every
 * mbuf describes only itself (nb_segs 1, pkt_len == data_len) and holds
 * data_len bytes at data_off, never zero. Blocks are sorted by start,
 * disjoint and never adjacent (blocks that touch are merged).
 *
 * Internal, not installed. A queue belongs to one connection and so to one
 * lcore: none of these calls may run concurrently on the same queue, and
 * the mbufs are freed to their own pools from the calling lcore.
 */

#include <stdint.h>

#include "tern_tcp_seq.h"
#include "tcp_opt.h"

struct rte_mbuf;

/*
 * Blocks one queue holds at most: one per hole the sender must fill. At
 * 10 % loss a window of a thousand segments has about a hundred holes;
 * with fewer blocks the receiver reneges, and the sender resends what
 * was already here. Below 255 (recent[] holds uint8_t indexes).
 */
#define TERN_TCP_OOO_MAX_BLOCKS		192

/* An entry of tern_tcp_ooo.recent[] that names no block. */
#define TERN_TCP_OOO_NONE		0xff

/* One block of contiguous received sequence space. */
struct tern_tcp_ooo_block {
	uint32_t start, end;		/* [start, end) held */
	struct rte_mbuf *head, *tail;	/* its bytes, a chain of single-segment mbufs */
	uint32_t nb_mbufs;
};

struct tern_tcp_ooo {
	uint32_t bytes;			/* payload bytes held */
	uint32_t nb_mbufs;		/* mbufs held */
	uint8_t nb;			/* blocks in blk[], sorted by start, disjoint and
					 * non-adjacent (adjacent ones are merged) */
	/*
	 * Indexes into blk[] of the most recently changed blocks, the latest
	 * first, without repeats; unused entries hold TERN_TCP_OOO_NONE and
	 * come after the used ones. Renumbered whenever blk[] shifts.
	 */
	uint8_t recent[TERN_TCP_SACK_MAX];
	struct tern_tcp_ooo_block blk[TERN_TCP_OOO_MAX_BLOCKS];
};

/*
 * Set up an empty queue. Holds no resources: a queue that was never used
 * needs no purge.
 *
 * @param q the queue
 */
void tcp_ooo_init(struct tern_tcp_ooo *q);

/*
 * Queue the payload of a segment received out of order. Takes ownership of
 * @m whatever the result: every mbuf of it is either held or freed.
 *
 * - @m may be a multi-segment chain as received (->next, data_len of each);
 *   its segments are unlinked and held one by one. Empty segments, and
 *   bytes beyond @len, are freed. If the chain holds fewer than @len bytes,
 *   only the bytes it holds count.
 * - Bytes below @rcv_nxt never get in (they are trimmed and reported as
 *   duplicate); the caller should not pass any (SEQ_GT(@seq, @rcv_nxt)).
 * - Bytes already held are duplicates. Where the segment overlaps the edge
 *   of a block, the new bytes are trimmed and the old copy kept; a block
 *   the segment covers entirely is replaced by the new copy (RFC 9293
 *   3.10.7.4 allows keeping either; this never has to split an mbuf in
 *   two, so it never allocates). The blocks the segment touches or
 *   overlaps are merged into one.
 * - If the segment needs a block of its own and TERN_TCP_OOO_MAX_BLOCKS are
 *   held: if it lies below the highest block, that block is freed to make
 *   room (RFC 2018 8 allows reneging); otherwise the segment is dropped.
 * - The block the segment went into (or, for a duplicate, the block that
 *   holds it) becomes the first one tcp_ooo_sack() reports.
 *
 * @param q       the queue
 * @param rcv_nxt next sequence number expected in order
 * @param seq     sequence number of the first byte of @m
 * @param m       the payload, headers stripped (NULL is taken as empty)
 * @param len     payload bytes in @m; the caller has checked that
 *                [@seq, @seq + @len) fits the receive window
 * @param dsack   set to the first range of the segment that was already
 *                received (RFC 2883 D-SACK), or to an empty range
 *                (left == right) if none was
 * @return bytes newly held (0 for an empty or entirely duplicate segment,
 *         which is freed);
 *         -ENOSPC if the segment needed a block of its own, the queue
 *         held TERN_TCP_OOO_MAX_BLOCKS and the segment lay above all of
 *         them: it was freed and the queue is unchanged.
 */
int tcp_ooo_insert(struct tern_tcp_ooo *q, uint32_t rcv_nxt, uint32_t seq,
			struct rte_mbuf *m, uint32_t len, struct tern_tcp_sack_block *dsack);

/*
 * Take the first block out of the queue if it starts at or before
 * @rcv_nxt: it is now in order. Its bytes below @rcv_nxt are trimmed off
 * (leading mbufs adjusted or freed); a block that lies entirely below
 * @rcv_nxt is freed and the next one considered. One call is enough after
 * rcv_nxt advances (blocks are never adjacent), but calling until NULL is
 * also correct.
 *
 * The chain returned is of single-segment mbufs linked through ->next,
 * each with nb_segs 1 and pkt_len == data_len; rte_pktmbuf_free() of its
 * head frees all of it.
 *
 * @param q        the queue
 * @param rcv_nxt  next sequence number expected in order
 * @param tail     if not NULL, set to the last mbuf of the chain (NULL when
 *                 nothing is returned)
 * @param len      if not NULL, set to the bytes returned (0 when nothing)
 * @param nb_mbufs if not NULL, set to the mbufs returned (0 when nothing)
 * @return the first mbuf of the chain, whose first byte is @rcv_nxt;
 *         NULL if the first block starts above @rcv_nxt or the queue is
 *         empty.
 */
struct rte_mbuf *tcp_ooo_pull(struct tern_tcp_ooo *q, uint32_t rcv_nxt,
				   struct rte_mbuf **tail, uint32_t *len, uint32_t *nb_mbufs);

/*
 * The SACK blocks to send (RFC 2018 4): first the block holding the most
 * recently received segment, then the other most recently changed blocks,
 * latest first; if room is left, the remaining blocks in sequence order.
 * No block appears twice. A D-SACK block (RFC 2883) is the caller's to put
 * in front.
 *
 * @param q   the queue
 * @param out where to write the blocks
 * @param max room in @out
 * @return blocks written, at most @max and at most the blocks held.
 */
unsigned int tcp_ooo_sack(const struct tern_tcp_ooo *q, struct tern_tcp_sack_block *out,
			       unsigned int max);

/*
 * Free everything the queue holds and leave it empty (at close, or to
 * renege under memory pressure: RFC 2018 8).
 *
 * @param q the queue
 */
void tcp_ooo_purge(struct tern_tcp_ooo *q);

/*
 * Payload bytes the queue holds.
 *
 * @param q the queue
 * @return the bytes held.
 */
static inline uint32_t
tcp_ooo_bytes(const struct tern_tcp_ooo *q)
{
	return q->bytes;
}

#endif /* TERN_TCP_OOO_H */
