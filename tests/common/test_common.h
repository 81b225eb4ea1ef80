/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_TEST_COMMON_H
#define TERN_TEST_COMMON_H

/*
 * Helpers shared by the cmocka test binaries: EAL start-up without
 * hugepages or PCI, one lazily created mbuf pool per binary, a check that
 * every mbuf a test took went back to that pool, and mbuf builders.
 *
 * cmocka.h needs these four headers first; include this header instead of
 * cmocka.h and they come in the right order.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

/* mbufs in the shared test pool */
#define TERN_TEST_POOL_SIZE	4095

/*
 * Start the EAL for test binary @name: no hugepages, no PCI, no shared config,
 * a file prefix unique to this process, warnings and worse only.
 * Call once from main() before cmocka_run_group_tests().
 * @return 0, or -1 (a message is printed).
 */
int tern_test_eal_init(const char *name);

/* Free the shared pool and clean up the EAL. Call at the end of main(). */
void tern_test_eal_fini(void);

struct tern_ctx;
struct tern_net;
struct tern_dev;
struct rte_ring;
/*
 * Take down a context and net over a ring port (rte_eth_from_rings): the
 * context, the net, what the port's @tx ring still holds, the device, then
 * both rings.
 */
void tern_test_ring_port_fini(struct tern_ctx *ctx, struct tern_net *net, struct tern_dev *dev,
			      struct rte_ring *rx, struct rte_ring *tx);

/*
 * The binary's shared pktmbuf pool (TERN_TEST_POOL_SIZE mbufs, default
 * buffer size), created on first use. Fails the current test if it cannot
 * be created.
 */
struct rte_mempool *tern_test_pool(void);

/* mbufs available in the shared pool now (per-lcore caches included). */
unsigned int tern_test_pool_avail(void);

/*
 * Remember how many mbufs the shared pool holds now; call at the start of a
 * test (or in its setup). @return that count.
 */
unsigned int tern_test_pool_mark(void);

/*
 * Assert (cmocka) that the shared pool holds as many mbufs as at the last
 * tern_test_pool_mark(): every mbuf the test took went back.
 */
#define tern_test_assert_pool_back() \
	tern_test_assert_pool_back_at(__FILE__, __LINE__)
void tern_test_assert_pool_back_at(const char *file, int line);

/*
 * A packet mbuf from the shared pool holding a copy of @bytes (@len bytes).
 * Data longer than one buffer is spread over a chain of segments.
 * Fails the current test if the pool runs dry.
 */
struct rte_mbuf *tern_test_mbuf_from(const void *bytes, size_t len);

/*
 * Same, but with at most @seg_len bytes per segment (a chained packet, for
 * code that must walk segments). @seg_len 0 means as much as fits.
 */
struct rte_mbuf *tern_test_mbuf_from_segs(const void *bytes, size_t len, size_t seg_len);

/* Hex dump of @len bytes of @bytes to stdout, prefixed by @title. */
void tern_test_hexdump(const char *title, const void *bytes, size_t len);

/*
 * Assert that packet @m (any number of segments) holds exactly the @len
 * bytes of @expect; on mismatch dump both and report the first difference.
 */
#define tern_test_assert_mbuf_bytes(m, expect, len) \
	tern_test_assert_mbuf_bytes_at((m), (expect), (len), __FILE__, __LINE__)
void tern_test_assert_mbuf_bytes_at(const struct rte_mbuf *m, const void *expect, size_t len,
				    const char *file, int line);

#endif /* TERN_TEST_COMMON_H */
