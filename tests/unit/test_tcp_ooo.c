/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * The TCP out-of-order receive queue (lib/tcp/tcp_ooo.c, RFC 9293
 * 3.10.7.4, RFC 2018 4, RFC 2883): every payload byte carries a pattern of
 * its sequence number, (seq * 7) & 0xff, so that what the queue holds and
 * what it hands back can be checked byte by byte against where it belongs.
 * After every change the queue's invariants are checked: blocks sorted,
 * disjoint, never adjacent, each chain of non-empty single-segment mbufs
 * holding exactly its block's bytes, totals that add up, recent[] naming
 * distinct live blocks. A seeded random run is checked against a bitmap
 * model. Every test ends with every mbuf back in the pool.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "test_common.h"

#include "tern_tcp_seq.h"
#include "tcp_ooo.h"

#define BUF_MAX		8192

#define FUZZ_SEED	0x2f6e2b1du
#define FUZZ_ROUNDS	20000
#define FUZZ_WIN	30000u	/* window: bytes above rcv_nxt a segment may reach */
#define FUZZ_RING	32768u	/* model bitmap, a power of two >= FUZZ_WIN */

static uint8_t buf[BUF_MAX];

/* The byte at sequence number @seq. */
static uint8_t
pat(uint32_t seq)
{
	return (uint8_t)(seq * 7u);
}

/* A payload of @len pattern bytes from @seq, at most @seg_len a segment (0: as fits). */
static struct rte_mbuf *
payload(uint32_t seq, uint32_t len, size_t seg_len)
{
	uint32_t i;

	assert_true(len <= BUF_MAX);
	for (i = 0; i < len; i++)
		buf[i] = pat(seq + i);
	return tern_test_mbuf_from_segs(buf, len, seg_len);
}

/*
 * Check a chain of single-segment mbufs from @head to @tail: @nb mbufs,
 * none empty, each describing only itself, holding the @len pattern bytes
 * from @seq.
 */
static void
check_chain(const struct rte_mbuf *head, const struct rte_mbuf *tail, uint32_t seq,
	    uint32_t len, uint32_t nb)
{
	const struct rte_mbuf *m, *last = NULL;
	uint32_t off = 0, count = 0;

	for (m = head; m != NULL; m = m->next) {
		const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
		uint16_t i;

		assert_true(m->data_len > 0);
		assert_int_equal(m->nb_segs, 1);
		assert_int_equal(m->pkt_len, m->data_len);
		for (i = 0; i < m->data_len; i++) {
			if (p[i] != pat(seq + off + i))
				fail_msg("byte at seq %u is %02x, expected %02x", seq + off + i,
					 p[i], pat(seq + off + i));
		}
		off += m->data_len;
		count++;
		last = m;
	}
	assert_int_equal(off, len);
	assert_int_equal(count, nb);
	assert_ptr_equal(last, tail);
}

/* Check every invariant of @q, and the bytes it holds. */
static void
check_queue(const struct tern_tcp_ooo *q)
{
	uint32_t bytes = 0, nb_mbufs = 0;
	bool seen[TERN_TCP_OOO_MAX_BLOCKS] = { false };
	unsigned int i;
	bool none = false;

	assert_true(q->nb <= TERN_TCP_OOO_MAX_BLOCKS);
	for (i = 0; i < q->nb; i++) {
		const struct tern_tcp_ooo_block *b = &q->blk[i];

		assert_true(SEQ_LT(b->start, b->end));
		check_chain(b->head, b->tail, b->start, b->end - b->start, b->nb_mbufs);
		if (i + 1 < q->nb)	/* sorted, disjoint, not adjacent */
			assert_true(SEQ_LT(b->end, q->blk[i + 1].start));
		bytes += b->end - b->start;
		nb_mbufs += b->nb_mbufs;
	}
	assert_int_equal(q->bytes, bytes);
	assert_int_equal(tcp_ooo_bytes(q), bytes);
	assert_int_equal(q->nb_mbufs, nb_mbufs);
	for (i = 0; i < TERN_TCP_SACK_MAX; i++) {
		uint8_t r = q->recent[i];

		if (r == TERN_TCP_OOO_NONE) {
			none = true;
			continue;
		}
		assert_false(none);		/* used entries come first */
		assert_true(r < q->nb);
		assert_false(seen[r]);
		seen[r] = true;
	}
}

/* Insert [seq, seq + len) as segments of @seg_len bytes; check the queue after. */
static int
ins(struct tern_tcp_ooo *q, uint32_t rcv_nxt, uint32_t seq, uint32_t len, size_t seg_len,
    struct tern_tcp_sack_block *dsack)
{
	int ret = tcp_ooo_insert(q, rcv_nxt, seq, payload(seq, len, seg_len), len, dsack);

	check_queue(q);
	return ret;
}

static void
assert_no_dsack(const struct tern_tcp_sack_block *d)
{
	assert_int_equal(d->left, d->right);
}

static void
assert_range(const struct tern_tcp_sack_block *d, uint32_t left, uint32_t right)
{
	assert_int_equal(d->left, left);
	assert_int_equal(d->right, right);
}

static void
assert_block(const struct tern_tcp_ooo *q, unsigned int i, uint32_t start, uint32_t end)
{
	assert_true(i < q->nb);
	assert_int_equal(q->blk[i].start, start);
	assert_int_equal(q->blk[i].end, end);
}

/* Pull at @rcv_nxt, expect @len bytes (0: nothing), check and free them. */
static void
pull_expect(struct tern_tcp_ooo *q, uint32_t rcv_nxt, uint32_t len)
{
	struct rte_mbuf *tail = (struct rte_mbuf *)&tail;	/* anything but NULL */
	uint32_t got = 12345, nb = 12345;
	struct rte_mbuf *m = tcp_ooo_pull(q, rcv_nxt, &tail, &got, &nb);

	if (len == 0) {
		assert_null(m);
		assert_null(tail);
		assert_int_equal(got, 0);
		assert_int_equal(nb, 0);
	} else {
		assert_non_null(m);
		assert_int_equal(got, len);
		check_chain(m, tail, rcv_nxt, len, nb);
		rte_pktmbuf_free(m);
	}
	check_queue(q);
}

static int
mark_pool(void **state)
{
	(void)state;
	tern_test_pool_mark();
	return 0;
}

/* ==== the basic cases ==== */

/* A segment above a gap waits; once the gap is filled in order it comes out whole. */
static void
test_segment_above_gap_is_held_until_gap_filled(void **state)
{
	struct tern_tcp_ooo q;
	struct tern_tcp_sack_block d, s[4];

	(void)state;
	tcp_ooo_init(&q);
	check_queue(&q);
	assert_int_equal(ins(&q, 1000, 1100, 100, 0, &d), 100);
	assert_no_dsack(&d);
	assert_int_equal(q.nb, 1);
	assert_int_equal(q.nb_mbufs, 1);
	assert_int_equal(tcp_ooo_bytes(&q), 100);
	assert_int_equal(tcp_ooo_sack(&q, s, 4), 1);
	assert_range(&s[0], 1100, 1200);
	pull_expect(&q, 1000, 0);		/* the gap is still open */
	pull_expect(&q, 1099, 0);
	assert_int_equal(tcp_ooo_bytes(&q), 100);
	pull_expect(&q, 1100, 100);		/* [1000, 1100) arrived in order */
	assert_int_equal(q.nb, 0);
	assert_int_equal(tcp_ooo_bytes(&q), 0);
	assert_int_equal(tcp_ooo_sack(&q, s, 4), 0);
	pull_expect(&q, 1200, 0);
	tern_test_assert_pool_back();
}

/* Segments arriving last first grow one block downward and come out in order. */
static void
test_segments_in_reverse_order_make_one_block(void **state)
{
	struct tern_tcp_ooo q;
	struct tern_tcp_sack_block d, s[4];
	const uint32_t rcv_nxt = 5000, mss = 1460, n = 40;
	uint32_t k;

	(void)state;
	tcp_ooo_init(&q);
	for (k = n; k >= 1; k--) {
		assert_int_equal(ins(&q, rcv_nxt, rcv_nxt + k * mss, mss, 0, &d), mss);
		assert_no_dsack(&d);
		assert_int_equal(q.nb, 1);
		assert_block(&q, 0, rcv_nxt + k * mss, rcv_nxt + (n + 1) * mss);
		assert_int_equal(tcp_ooo_sack(&q, s, 4), 1);
		assert_range(&s[0], rcv_nxt + k * mss, rcv_nxt + (n + 1) * mss);
	}
	assert_int_equal(q.nb_mbufs, n);
	assert_int_equal(tcp_ooo_bytes(&q), n * mss);
	pull_expect(&q, rcv_nxt, 0);
	pull_expect(&q, rcv_nxt + mss, n * mss);	/* segment 0 came in order */
	pull_expect(&q, rcv_nxt + (n + 1) * mss, 0);
	tern_test_assert_pool_back();
}

/* RFC 2883: a segment held already is freed, reported as D-SACK, counts 0. */
static void
test_rfc2883_exact_duplicate_reported_and_freed(void **state)
{
	struct tern_tcp_ooo q;
	struct tern_tcp_sack_block d, s[4];
	unsigned int avail;

	(void)state;
	tcp_ooo_init(&q);
	assert_int_equal(ins(&q, 0, 1000, 500, 0, &d), 500);
	assert_int_equal(ins(&q, 0, 3000, 500, 0, &d), 500);
	avail = tern_test_pool_avail();
	/* the same segment again */
	assert_int_equal(ins(&q, 0, 1000, 500, 0, &d), 0);
	assert_range(&d, 1000, 1500);
	assert_int_equal(tern_test_pool_avail(), avail);
	assert_int_equal(q.nb, 2);
	assert_int_equal(tcp_ooo_bytes(&q), 1000);
	/* the block holding the duplicate is reported first (RFC 2883 4) */
	assert_int_equal(tcp_ooo_sack(&q, s, 4), 2);
	assert_range(&s[0], 1000, 1500);
	assert_range(&s[1], 3000, 3500);
	/* a part of a block, as three segments */
	assert_int_equal(ins(&q, 0, 3100, 300, 100, &d), 0);
	assert_range(&d, 3100, 3400);
	assert_int_equal(tern_test_pool_avail(), avail);
	assert_int_equal(tcp_ooo_sack(&q, s, 4), 2);
	assert_range(&s[0], 3000, 3500);
	assert_int_equal(q.nb_mbufs, 2);
	/* the old copy is what comes out */
	pull_expect(&q, 1000, 500);
	pull_expect(&q, 3000, 500);
	tern_test_assert_pool_back();
}

/* A segment over a block's start keeps the block's bytes and its own first part. */
static void
test_overlap_with_block_start_trims_segment_tail(void **state)
{
	struct tern_tcp_ooo q;
	struct tern_tcp_sack_block d;
	unsigned int avail;

	(void)state;
	tcp_ooo_init(&q);
	assert_int_equal(ins(&q, 0, 200, 100, 0, &d), 100);
	avail = tern_test_pool_avail();
	/* [100, 250) in 30-byte segments: 30 30 30 10 kept, the last 30 freed */
	assert_int_equal(ins(&q, 0, 100, 150, 30, &d), 100);
	assert_range(&d, 200, 250);
	assert_int_equal(q.nb, 1);
	assert_block(&q, 0, 100, 300);
	assert_int_equal(q.nb_mbufs, 5);
	assert_int_equal(tern_test_pool_avail(), avail - 4);
	assert_ptr_equal(q.blk[0].head->next->next->next->next, q.blk[0].tail);
	assert_int_equal(q.blk[0].head->next->next->next->data_len, 10);
	pull_expect(&q, 100, 200);
	tern_test_assert_pool_back();
}

/* A segment over a block's end keeps the block's bytes and its own last part. */
static void
test_overlap_with_block_end_trims_segment_head(void **state)
{
	struct tern_tcp_ooo q;
	struct tern_tcp_sack_block d;
	unsigned int avail;

	(void)state;
	tcp_ooo_init(&q);
	assert_int_equal(ins(&q, 0, 200, 100, 0, &d), 100);
	avail = tern_test_pool_avail();
	/* [250, 400) in 40-byte segments: the first 40 lose 50 - 40 of the next */
	assert_int_equal(ins(&q, 0, 250, 150, 40, &d), 100);
	assert_range(&d, 250, 300);
	assert_int_equal(q.nb, 1);
	assert_block(&q, 0, 200, 400);
	assert_int_equal(q.nb_mbufs, 4);	/* old 1 + 30, 40, 30 */
	assert_int_equal(tern_test_pool_avail(), avail - 3);
	assert_int_equal(q.blk[0].head->next->data_len, 30);
	pull_expect(&q, 150, 0);
	pull_expect(&q, 200, 200);
	tern_test_assert_pool_back();
}

/*
 * A segment over several blocks merges them all: the blocks at its edges keep
 * their bytes, those it covers entirely give way to its copy; the D-SACK is
 * the first range it repeated; the count is the bytes that were missing.
 */
static void
test_overlap_over_several_blocks_merges_them(void **state)
{
	struct tern_tcp_ooo q;
	struct tern_tcp_sack_block d, s[4];

	(void)state;
	tcp_ooo_init(&q);
	assert_int_equal(ins(&q, 0, 200, 100, 0, &d), 100);
	assert_int_equal(ins(&q, 0, 400, 100, 0, &d), 100);
	assert_int_equal(ins(&q, 0, 600, 100, 0, &d), 100);
	assert_int_equal(ins(&q, 0, 800, 100, 0, &d), 100);
	assert_int_equal(ins(&q, 0, 1000, 100, 0, &d), 100);
	/* from inside [200, 300) to inside [600, 700): 100 + 100 new */
	assert_int_equal(ins(&q, 0, 250, 400, 0, &d), 200);
	assert_range(&d, 250, 300);
	assert_int_equal(q.nb, 3);
	assert_block(&q, 0, 200, 700);
	assert_block(&q, 1, 800, 900);
	assert_block(&q, 2, 1000, 1100);
	assert_int_equal(tcp_ooo_bytes(&q), 700);
	assert_int_equal(tcp_ooo_sack(&q, s, 4), 3);
	assert_range(&s[0], 200, 700);
	/* from below everything to past [800, 900), starting in a gap */
	assert_int_equal(ins(&q, 0, 100, 850, 64, &d), 850 - 500 - 100);
	assert_range(&d, 200, 700);
	assert_int_equal(q.nb, 2);
	assert_block(&q, 0, 100, 950);
	assert_block(&q, 1, 1000, 1100);
	/* covering the last block entirely, touching the first: all one */
	assert_int_equal(ins(&q, 0, 950, 200, 0, &d), 100);
	assert_range(&d, 1000, 1100);
	assert_int_equal(q.nb, 1);
	assert_block(&q, 0, 100, 1150);
	assert_int_equal(tcp_ooo_sack(&q, s, 4), 1);
	pull_expect(&q, 100, 1050);
	tern_test_assert_pool_back();
}

/* A segment that exactly fills the gap between two blocks joins the three. */
static void
test_adjacent_blocks_merge(void **state)
{
	struct tern_tcp_ooo q;
	struct tern_tcp_sack_block d, s[4];
	struct rte_mbuf *m;
	unsigned int i;

	(void)state;
	tcp_ooo_init(&q);
	assert_int_equal(ins(&q, 0, 200, 100, 0, &d), 100);
	assert_int_equal(ins(&q, 0, 400, 100, 0, &d), 100);
	assert_int_equal(ins(&q, 0, 300, 100, 0, &d), 100);
	assert_no_dsack(&d);
	assert_int_equal(q.nb, 1);
	assert_block(&q, 0, 200, 500);
	/* the chain is the three segments in sequence order */
	for (m = q.blk[0].head, i = 0; m != NULL; m = m->next, i++)
		assert_int_equal(*rte_pktmbuf_mtod(m, uint8_t *), pat(200 + 100 * i));
	assert_int_equal(i, 3);
	/* touching only at the end, and only at the start */
	assert_int_equal(ins(&q, 0, 500, 10, 0, &d), 10);
	assert_no_dsack(&d);
	assert_int_equal(ins(&q, 0, 190, 10, 0, &d), 10);
	assert_no_dsack(&d);
	assert_int_equal(q.nb, 1);
	assert_block(&q, 0, 190, 510);
	assert_int_equal(q.nb_mbufs, 5);
	assert_int_equal(tcp_ooo_sack(&q, s, 4), 1);
	assert_range(&s[0], 190, 510);
	pull_expect(&q, 190, 320);
	tern_test_assert_pool_back();
}

/*
 * rcv_nxt may have moved into a block (in-order data overlapped it): the
 * bytes below it are trimmed off, leading mbufs freed; a block entirely
 * below it is freed.
 */
static void
test_pull_trims_bytes_below_rcv_nxt(void **state)
{
	struct tern_tcp_ooo q;
	struct tern_tcp_sack_block d;
	struct rte_mbuf *m, *tail;
	uint32_t len, nb;
	unsigned int avail;

	(void)state;
	tcp_ooo_init(&q);
	assert_int_equal(ins(&q, 0, 200, 300, 64, &d), 300);	/* 64 x4 + 44 */
	assert_int_equal(q.nb_mbufs, 5);
	avail = tern_test_pool_avail();
	/* 350 is 22 bytes into the third mbuf [328, 392) */
	m = tcp_ooo_pull(&q, 350, &tail, &len, &nb);
	assert_non_null(m);
	assert_int_equal(len, 150);
	assert_int_equal(nb, 3);
	assert_int_equal(m->data_len, 42);
	assert_int_equal(tern_test_pool_avail(), avail + 2);
	check_chain(m, tail, 350, 150, 3);
	rte_pktmbuf_free(m);
	check_queue(&q);
	assert_int_equal(q.nb, 0);

	/* the first block wholly below rcv_nxt, the next one straddling it */
	assert_int_equal(ins(&q, 0, 1200, 100, 0, &d), 100);
	assert_int_equal(ins(&q, 0, 1400, 100, 0, &d), 100);
	assert_int_equal(ins(&q, 0, 1600, 100, 0, &d), 100);
	pull_expect(&q, 1450, 50);
	assert_int_equal(q.nb, 1);
	assert_block(&q, 0, 1600, 1700);
	/* exactly at a block's end: freed, nothing returned */
	pull_expect(&q, 1700, 0);
	assert_int_equal(q.nb, 0);
	/* the optional outputs may be NULL */
	assert_int_equal(ins(&q, 0, 2000, 100, 0, &d), 100);
	m = tcp_ooo_pull(&q, 2000, NULL, NULL, NULL);
	assert_non_null(m);
	rte_pktmbuf_free(m);
	assert_null(tcp_ooo_pull(&q, 2100, NULL, NULL, NULL));
	tern_test_assert_pool_back();
}

/*
 * RFC 2018 4: the first SACK block holds the latest segment, then the most
 * recently changed blocks, none twice; then, if room is left, the others.
 */
static void
test_rfc2018_sack_blocks_most_recent_first(void **state)
{
	struct tern_tcp_ooo q;
	struct tern_tcp_sack_block d, s[8];

	(void)state;
	tcp_ooo_init(&q);
	/* A B C D E */
	assert_int_equal(ins(&q, 0, 1000, 100, 0, &d), 100);
	assert_int_equal(ins(&q, 0, 2000, 100, 0, &d), 100);
	assert_int_equal(ins(&q, 0, 3000, 100, 0, &d), 100);
	assert_int_equal(ins(&q, 0, 4000, 100, 0, &d), 100);
	assert_int_equal(ins(&q, 0, 5000, 100, 0, &d), 100);
	assert_int_equal(tcp_ooo_sack(&q, s, 4), 4);
	assert_range(&s[0], 5000, 5100);
	assert_range(&s[1], 4000, 4100);
	assert_range(&s[2], 3000, 3100);
	assert_range(&s[3], 2000, 2100);
	/* max caps the count; the most recent stay */
	assert_int_equal(tcp_ooo_sack(&q, s, 3), 3);
	assert_range(&s[2], 3000, 3100);
	assert_int_equal(tcp_ooo_sack(&q, s, 0), 0);
	/* more room than recent[]: the rest follow in sequence order */
	assert_int_equal(tcp_ooo_sack(&q, s, 8), 5);
	assert_range(&s[4], 1000, 1100);
	/* B grows: first, the others keep their order */
	assert_int_equal(ins(&q, 0, 2100, 100, 0, &d), 100);
	assert_int_equal(tcp_ooo_sack(&q, s, 4), 4);
	assert_range(&s[0], 2000, 2200);
	assert_range(&s[1], 5000, 5100);
	assert_range(&s[2], 4000, 4100);
	assert_range(&s[3], 3000, 3100);
	/* C and D merge: once, first; A fills the room E B leave */
	assert_int_equal(ins(&q, 0, 3100, 900, 0, &d), 900);
	assert_int_equal(tcp_ooo_sack(&q, s, 4), 4);
	assert_range(&s[0], 3000, 4100);
	assert_range(&s[1], 2000, 2200);
	assert_range(&s[2], 5000, 5100);
	assert_range(&s[3], 1000, 1100);
	/* a new block below all of them renumbers the rest */
	assert_int_equal(ins(&q, 0, 500, 100, 0, &d), 100);
	assert_int_equal(tcp_ooo_sack(&q, s, 4), 4);
	assert_range(&s[0], 500, 600);
	assert_range(&s[1], 3000, 4100);
	assert_range(&s[2], 2000, 2200);
	assert_range(&s[3], 5000, 5100);
	/* a duplicate of A makes A's block the first (RFC 2883 4) */
	assert_int_equal(ins(&q, 0, 1050, 10, 0, &d), 0);
	assert_range(&d, 1050, 1060);
	assert_int_equal(tcp_ooo_sack(&q, s, 4), 4);
	assert_range(&s[0], 1000, 1100);
	assert_range(&s[1], 500, 600);
	assert_range(&s[2], 3000, 4100);
	assert_range(&s[3], 2000, 2200);
	/* pulling the lowest block forgets it */
	pull_expect(&q, 500, 100);
	assert_int_equal(tcp_ooo_sack(&q, s, 4), 4);
	assert_range(&s[0], 1000, 1100);
	assert_range(&s[1], 3000, 4100);
	assert_range(&s[2], 2000, 2200);
	assert_range(&s[3], 5000, 5100);
	tcp_ooo_purge(&q);
	tern_test_assert_pool_back();
}

/*
 * At TERN_TCP_OOO_MAX_BLOCKS blocks, a segment needing a block of its own
 * above them all is dropped (-ENOSPC); one below the highest block evicts
 * it; one joining an existing block is taken as usual.
 */
static void
test_block_limit_drops_highest_or_new(void **state)
{
	struct tern_tcp_ooo q;
	struct tern_tcp_sack_block d, s[4];
	unsigned int avail;
	uint32_t k;

	(void)state;
	enum { M = TERN_TCP_OOO_MAX_BLOCKS, TOP = 100 + 200 * (M - 1) };	/* the highest block */
	tcp_ooo_init(&q);
	for (k = 0; k < TERN_TCP_OOO_MAX_BLOCKS; k++)
		assert_int_equal(ins(&q, 0, 100 + 200 * k, 100, 0, &d), 100);
	assert_int_equal(q.nb, TERN_TCP_OOO_MAX_BLOCKS);
	assert_block(&q, M - 1, TOP, TOP + 100);
	avail = tern_test_pool_avail();

	/* one more, above all: dropped, nothing changes */
	assert_int_equal(ins(&q, 0, TOP + 200, 100, 0, &d), -ENOSPC);
	assert_no_dsack(&d);
	assert_int_equal(tern_test_pool_avail(), avail);
	assert_int_equal(q.nb, TERN_TCP_OOO_MAX_BLOCKS);
	assert_block(&q, M - 1, TOP, TOP + 100);
	assert_int_equal(tcp_ooo_bytes(&q), 100 * M);
	assert_int_equal(tcp_ooo_sack(&q, s, 1), 1);
	assert_range(&s[0], TOP, TOP + 100);

	/* one more, in the first gap: the highest block goes */
	assert_int_equal(ins(&q, 0, 210, 50, 0, &d), 50);
	assert_no_dsack(&d);
	assert_int_equal(tern_test_pool_avail(), avail);	/* one in, one out */
	assert_int_equal(q.nb, TERN_TCP_OOO_MAX_BLOCKS);
	assert_block(&q, 0, 100, 200);
	assert_block(&q, 1, 210, 260);
	assert_block(&q, 2, 300, 400);
	assert_block(&q, M - 1, TOP - 200, TOP - 100);
	assert_int_equal(tcp_ooo_bytes(&q), 100 * M - 100 + 50);
	assert_int_equal(tcp_ooo_sack(&q, s, 4), 4);
	assert_range(&s[0], 210, 260);
	assert_range(&s[1], TOP - 200, TOP - 100);	/* the evicted one is not reported */
	assert_range(&s[2], TOP - 400, TOP - 300);
	assert_range(&s[3], TOP - 600, TOP - 500);

	/* just below the (new) highest block: that one goes, the new one is last */
	assert_int_equal(ins(&q, 0, TOP - 250, 20, 0, &d), 20);
	assert_int_equal(q.nb, TERN_TCP_OOO_MAX_BLOCKS);
	assert_block(&q, M - 2, TOP - 400, TOP - 300);
	assert_block(&q, M - 1, TOP - 250, TOP - 230);
	assert_int_equal(tern_test_pool_avail(), avail);

	/* joining a block needs no room: taken even when full */
	assert_int_equal(ins(&q, 0, TOP - 230, 30, 0, &d), 30);
	assert_int_equal(q.nb, TERN_TCP_OOO_MAX_BLOCKS);
	assert_block(&q, M - 1, TOP - 250, TOP - 200);
	assert_int_equal(tern_test_pool_avail(), avail - 1);
	assert_int_equal(tcp_ooo_bytes(&q), 100 * M - 200 + 50 + 50);
	tcp_ooo_purge(&q);
	tern_test_assert_pool_back();
}

/* Sequence numbers wrap at 2^32: blocks on both sides sort and merge across it. */
static void
test_blocks_across_the_sequence_wrap(void **state)
{
	struct tern_tcp_ooo q;
	struct tern_tcp_sack_block d, s[4];
	const uint32_t rcv_nxt = 0xffffff00u;

	(void)state;
	tcp_ooo_init(&q);
	/* after the wrap first, then before it: sorted by sequence, not value */
	assert_int_equal(ins(&q, rcv_nxt, 0x00000100u, 0x100, 0, &d), 0x100);
	assert_int_equal(ins(&q, rcv_nxt, 0xffffff80u, 0x40, 0, &d), 0x40);
	assert_int_equal(q.nb, 2);
	assert_block(&q, 0, 0xffffff80u, 0xffffffc0u);
	assert_block(&q, 1, 0x00000100u, 0x00000200u);
	/* a segment across 2^32 joins them */
	assert_int_equal(ins(&q, rcv_nxt, 0xffffffa0u, 0x200, 48, &d), 0x140);
	assert_range(&d, 0xffffffa0u, 0xffffffc0u);
	assert_int_equal(q.nb, 1);
	assert_block(&q, 0, 0xffffff80u, 0x00000200u);
	assert_int_equal(tcp_ooo_bytes(&q), 0x280);
	assert_int_equal(tcp_ooo_sack(&q, s, 4), 1);
	assert_range(&s[0], 0xffffff80u, 0x00000200u);
	/* touching the block from below */
	assert_int_equal(ins(&q, rcv_nxt, 0xffffff10u, 0x70, 0, &d), 0x70);
	assert_no_dsack(&d);
	assert_int_equal(q.nb, 1);
	pull_expect(&q, rcv_nxt, 0);
	pull_expect(&q, 0xffffff10u, 0x2f0);
	/* one ending exactly at 2^32, one starting at 0 */
	assert_int_equal(ins(&q, 0xfffffff0u, 0xfffffff8u, 8, 0, &d), 8);
	assert_int_equal(ins(&q, 0xfffffff0u, 0x00000000u, 8, 0, &d), 8);
	assert_int_equal(q.nb, 1);
	assert_block(&q, 0, 0xfffffff8u, 0x00000008u);
	pull_expect(&q, 0xfffffff8u, 16);
	tern_test_assert_pool_back();
}

/*
 * A multi-segment chain as received is held segment by segment: each one
 * stands alone, empty ones and bytes past len are freed, and blocks it
 * covers entirely give way to its copy without splitting any mbuf.
 */
static void
test_multi_segment_input_chains(void **state)
{
	struct tern_tcp_ooo q;
	struct tern_tcp_sack_block d;
	struct rte_mbuf *m, *empty;
	unsigned int avail;

	(void)state;
	tcp_ooo_init(&q);
	assert_int_equal(ins(&q, 100, 300, 100, 0, &d), 100);
	assert_int_equal(ins(&q, 100, 600, 100, 0, &d), 100);
	avail = tern_test_pool_avail();
	/* [150, 950) in 64-byte segments: 13 mbufs, both blocks inside it */
	assert_int_equal(ins(&q, 100, 150, 800, 64, &d), 600);
	assert_range(&d, 300, 400);
	assert_int_equal(q.nb, 1);
	assert_block(&q, 0, 150, 950);
	assert_int_equal(q.nb_mbufs, 13);
	assert_int_equal(tern_test_pool_avail(), avail - 13 + 2);

	/* [900, 1200) in 50-byte segments: the first is a duplicate, freed */
	avail = tern_test_pool_avail();
	assert_int_equal(ins(&q, 100, 900, 300, 50, &d), 250);
	assert_range(&d, 900, 950);
	assert_block(&q, 0, 150, 1200);
	assert_int_equal(q.nb_mbufs, 18);
	assert_int_equal(tern_test_pool_avail(), avail - 5);

	/* 40 40 20 + an empty segment, with len 90: 3 mbufs of 40 40 10 held */
	avail = tern_test_pool_avail();
	m = payload(1300, 100, 40);
	assert_int_equal(m->nb_segs, 3);
	empty = rte_pktmbuf_alloc(tern_test_pool());
	assert_non_null(empty);
	assert_int_equal(rte_pktmbuf_chain(m, empty), 0);
	assert_int_equal(tcp_ooo_insert(&q, 100, 1300, m, 90, &d), 90);
	assert_no_dsack(&d);
	check_queue(&q);
	assert_block(&q, 1, 1300, 1390);
	assert_int_equal(q.blk[1].nb_mbufs, 3);
	assert_int_equal(tern_test_pool_avail(), avail - 3);

	/* a chain with an empty segment first and a len past its bytes */
	avail = tern_test_pool_avail();
	empty = rte_pktmbuf_alloc(tern_test_pool());
	assert_non_null(empty);
	m = payload(1500, 20, 0);
	assert_int_equal(rte_pktmbuf_chain(empty, m), 0);
	assert_int_equal(tcp_ooo_insert(&q, 100, 1500, empty, 1000, &d), 20);
	check_queue(&q);
	assert_block(&q, 2, 1500, 1520);
	assert_int_equal(tern_test_pool_avail(), avail - 1);

	/* nothing at all: NULL, and an all-empty chain */
	assert_int_equal(tcp_ooo_insert(&q, 100, 2000, NULL, 0, &d), 0);
	assert_no_dsack(&d);
	empty = rte_pktmbuf_alloc(tern_test_pool());
	assert_non_null(empty);
	assert_int_equal(tcp_ooo_insert(&q, 100, 2000, empty, 0, &d), 0);
	assert_no_dsack(&d);
	check_queue(&q);
	assert_int_equal(q.nb, 3);

	pull_expect(&q, 150, 1050);
	pull_expect(&q, 1300, 90);
	pull_expect(&q, 1500, 20);
	tern_test_assert_pool_back();
}

/* Bytes below rcv_nxt never get in: trimmed and reported as duplicate. */
static void
test_bytes_below_rcv_nxt_never_get_in(void **state)
{
	struct tern_tcp_ooo q;
	struct tern_tcp_sack_block d;
	unsigned int avail;

	(void)state;
	tcp_ooo_init(&q);
	avail = tern_test_pool_avail();
	assert_int_equal(ins(&q, 1000, 900, 100, 0, &d), 0);
	assert_range(&d, 900, 1000);
	assert_int_equal(tern_test_pool_avail(), avail);
	assert_int_equal(q.nb, 0);
	assert_int_equal(ins(&q, 1000, 900, 200, 30, &d), 100);
	assert_range(&d, 900, 1000);
	assert_block(&q, 0, 1000, 1100);
	pull_expect(&q, 1000, 100);
	tern_test_assert_pool_back();
}

/* Purge frees every block, whatever the state, and leaves an empty queue. */
static void
test_purge_frees_everything(void **state)
{
	struct tern_tcp_ooo q;
	struct tern_tcp_sack_block d, s[4];
	unsigned int avail;
	uint32_t k;

	(void)state;
	tcp_ooo_init(&q);
	tcp_ooo_purge(&q);			/* empty: nothing to do */
	avail = tern_test_pool_avail();
	check_queue(&q);
	for (k = 0; k < 10; k++)
		assert_int_equal(ins(&q, 0, 1000 + 3000 * k, 1500, 100, &d), 1500);
	assert_int_equal(q.nb, 10);
	assert_int_equal(q.nb_mbufs, 150);
	assert_int_equal(tern_test_pool_avail(), avail - 150);
	tcp_ooo_purge(&q);
	check_queue(&q);
	assert_int_equal(q.nb, 0);
	assert_int_equal(q.nb_mbufs, 0);
	assert_int_equal(tcp_ooo_bytes(&q), 0);
	assert_int_equal(tcp_ooo_sack(&q, s, 4), 0);
	pull_expect(&q, 1000, 0);
	/* usable again */
	assert_int_equal(ins(&q, 0, 10, 10, 0, &d), 10);
	tcp_ooo_purge(&q);
	tern_test_assert_pool_back();
}

/* ==== against a model ==== */

static uint32_t
rnd(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* The model: one flag per sequence number, modulo FUZZ_RING. */
static bool model[FUZZ_RING];

static bool *
held(uint32_t seq)
{
	return &model[seq & (FUZZ_RING - 1)];
}

/* The runs of held bytes in [rcv_nxt, rcv_nxt + FUZZ_WIN), as blocks. */
static unsigned int
model_runs(uint32_t rcv_nxt, struct tern_tcp_sack_block *runs, unsigned int max)
{
	unsigned int n = 0;
	uint32_t i;

	for (i = 0; i < FUZZ_WIN; i++) {
		uint32_t seq = rcv_nxt + i;

		if (!*held(seq))
			continue;
		if (i == 0 || !*held(seq - 1)) {
			assert_true(n < max);
			runs[n].left = seq;
			n++;
		}
		runs[n - 1].right = seq + 1;
	}
	return n;
}

/*
 * Random segments in a window above rcv_nxt, which advances now and then by
 * in-order data, around the 2^32 wrap: after every call the blocks are the
 * model's runs exactly, the return value is the bytes the model gained, the
 * D-SACK is the first run the segment repeated, the first SACK block holds
 * the segment, and every byte held is where it belongs.
 */
static void
test_random_segments_match_a_model(void **state)
{
	struct tern_tcp_sack_block runs[TERN_TCP_OOO_MAX_BLOCKS + 1], s[TERN_TCP_SACK_MAX], d;
	struct tern_tcp_ooo q;
	uint32_t x = FUZZ_SEED, rcv_nxt = 0xffff0000u, round;
	unsigned int nb_enospc = 0, nb_evict = 0, nb_dup = 0, nb_pull = 0;

	(void)state;
	memset(model, 0, sizeof(model));
	tcp_ooo_init(&q);
	for (round = 0; round < FUZZ_ROUNDS; round++) {
		uint32_t off = 1 + rnd(&x) % (FUZZ_WIN - 1);
		uint32_t len = 1 + rnd(&x) % (rnd(&x) % 16 == 0 ? 1200 : 12);
		size_t seg_len = rnd(&x) % 3 == 0 ? 0 : 16 + rnd(&x) % 100;
		uint32_t seq = rcv_nxt + off, end, i, gain = 0, dl = 0, dr = 0;
		bool touches = false, in_dup = false, dup_done = false;
		unsigned int nb_runs, n, k;
		int expect, ret;

		if (off + len > FUZZ_WIN)
			len = FUZZ_WIN - off;
		end = seq + len;

		/* what the model expects */
		nb_runs = model_runs(rcv_nxt, runs, TERN_TCP_OOO_MAX_BLOCKS);
		for (i = seq - 1; i != end + 1; i++)
			touches |= SEQ_GEQ(i, rcv_nxt) && *held(i);
		for (i = seq; i != end; i++) {
			if (*held(i) && !dup_done) {
				if (!in_dup)
					dl = i;
				in_dup = true;
				dr = i + 1;
			} else if (in_dup) {
				dup_done = true;
			}
			gain += !*held(i);
		}
		expect = (int)gain;
		if (!touches && nb_runs == TERN_TCP_OOO_MAX_BLOCKS) {
			if (SEQ_GT(runs[nb_runs - 1].left, seq)) {
				for (i = runs[nb_runs - 1].left; i != runs[nb_runs - 1].right; i++)
					*held(i) = false;
				nb_evict++;
			} else {
				expect = -ENOSPC;
				nb_enospc++;
			}
		}
		if (expect >= 0)
			for (i = seq; i != end; i++)
				*held(i) = true;
		nb_dup += gain == 0;

		ret = ins(&q, rcv_nxt, seq, len, seg_len, &d);
		assert_int_equal(ret, expect);
		if (dl == dr)
			assert_no_dsack(&d);
		else
			assert_range(&d, dl, dr);

		/* the blocks are the model's runs */
		nb_runs = model_runs(rcv_nxt, runs, TERN_TCP_OOO_MAX_BLOCKS);
		assert_int_equal(q.nb, nb_runs);
		for (k = 0; k < nb_runs; k++)
			assert_block(&q, k, runs[k].left, runs[k].right);

		/* SACK: the segment's block first, real blocks, none twice */
		n = tcp_ooo_sack(&q, s, TERN_TCP_SACK_MAX);
		assert_int_equal(n, q.nb < TERN_TCP_SACK_MAX ? q.nb : TERN_TCP_SACK_MAX);
		if (ret >= 0) {
			assert_true(n > 0);
			assert_true(SEQ_LEQ(s[0].left, seq) && SEQ_GEQ(s[0].right, end));
		}
		for (k = 0; k < n; k++) {
			unsigned int j, found = 0;

			for (j = 0; j < q.nb; j++)
				found += s[k].left == q.blk[j].start && s[k].right == q.blk[j].end;
			assert_int_equal(found, 1);
			for (j = 0; j < k; j++)
				assert_false(s[j].left == s[k].left);
		}

		/* now and then in-order data moves rcv_nxt, then the queue drains */
		if (rnd(&x) % 10 == 0) {
			uint32_t adv = 1 + rnd(&x) % 700, want = 0;

			for (i = rcv_nxt; i != rcv_nxt + adv; i++)
				*held(i) = false;
			rcv_nxt += adv;
			for (i = rcv_nxt; *held(i); i++) {
				*held(i) = false;
				want++;
			}
			pull_expect(&q, rcv_nxt, want);
			rcv_nxt += want;
			pull_expect(&q, rcv_nxt, 0);
			nb_pull += want != 0;
		}
	}
	/* every path was taken, the wrap crossed */
	assert_true(nb_enospc > 0);
	assert_true(nb_evict > 0);
	assert_true(nb_dup > 0);
	assert_true(nb_pull > 0);
	assert_true(rcv_nxt > 0x10000u && rcv_nxt < 0xffff0000u);
	tcp_ooo_purge(&q);
	tern_test_assert_pool_back();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_segment_above_gap_is_held_until_gap_filled, mark_pool),
		cmocka_unit_test_setup(test_segments_in_reverse_order_make_one_block, mark_pool),
		cmocka_unit_test_setup(test_rfc2883_exact_duplicate_reported_and_freed, mark_pool),
		cmocka_unit_test_setup(test_overlap_with_block_start_trims_segment_tail, mark_pool),
		cmocka_unit_test_setup(test_overlap_with_block_end_trims_segment_head, mark_pool),
		cmocka_unit_test_setup(test_overlap_over_several_blocks_merges_them, mark_pool),
		cmocka_unit_test_setup(test_adjacent_blocks_merge, mark_pool),
		cmocka_unit_test_setup(test_pull_trims_bytes_below_rcv_nxt, mark_pool),
		cmocka_unit_test_setup(test_rfc2018_sack_blocks_most_recent_first, mark_pool),
		cmocka_unit_test_setup(test_block_limit_drops_highest_or_new, mark_pool),
		cmocka_unit_test_setup(test_blocks_across_the_sequence_wrap, mark_pool),
		cmocka_unit_test_setup(test_multi_segment_input_chains, mark_pool),
		cmocka_unit_test_setup(test_bytes_below_rcv_nxt_never_get_in, mark_pool),
		cmocka_unit_test_setup(test_purge_frees_everything, mark_pool),
		cmocka_unit_test_setup(test_random_segments_match_a_model, mark_pool),
	};
	int ret;

	if (tern_test_eal_init("tcp_ooo") != 0)
		return 1;
	ret = cmocka_run_group_tests_name("tcp_ooo", tests, NULL, NULL);
	tern_test_eal_fini();
	return ret;
}
