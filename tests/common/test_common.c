/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include <tern/tern.h>

#include "test_common.h"

#define TEST_POOL_CACHE		32

static struct rte_mempool *test_pool;
static unsigned int pool_mark;

int
tern_test_eal_init(const char *name)
{
	char prefix[64];
	/*
	 * Not --in-memory: DPDK 22.11 takes --no-huge for legacy memory and
	 * refuses the pair. --no-shconf keeps the run-time files away instead.
	 */
	char *argv[] = {
		(char *)(uintptr_t)name,
		"--no-huge",
		"-m", "256",
		"--no-pci",
		"--file-prefix", prefix,
		"--log-level=*:warning",
		"--no-telemetry",
		"--no-shconf",
		NULL,
	};
	int argc = (int)RTE_DIM(argv) - 1;
	int ret;

	snprintf(prefix, sizeof(prefix), "tern_%s_%d", name, (int)getpid());
	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "%s: rte_eal_init: %s\n", name, rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

void
tern_test_eal_fini(void)
{
	char dir[PATH_MAX];

	if (test_pool != NULL) {
		rte_mempool_free(test_pool);
		test_pool = NULL;
	}
	/* The EAL leaves its (by then empty) run-time directory behind. */
	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	if (dir[0] != '\0')
		rmdir(dir);
}

struct rte_mempool *
tern_test_pool(void)
{
	if (test_pool == NULL) {
		test_pool = rte_pktmbuf_pool_create("tern_test_pool", TERN_TEST_POOL_SIZE,
						    TEST_POOL_CACHE, 0,
						    RTE_MBUF_DEFAULT_BUF_SIZE,
						    (int)rte_socket_id());
		if (test_pool == NULL)
			print_error("tern_test_pool: %s\n", rte_strerror(rte_errno));
		assert_non_null(test_pool);
	}
	return test_pool;
}

unsigned int
tern_test_pool_avail(void)
{
	return rte_mempool_avail_count(tern_test_pool());
}

unsigned int
tern_test_pool_mark(void)
{
	pool_mark = tern_test_pool_avail();
	return pool_mark;
}

void
tern_test_assert_pool_back_at(const char *file, int line)
{
	unsigned int avail = tern_test_pool_avail();

	if (avail != pool_mark)
		print_error("mbuf pool: %u available, %u at mark: %d mbuf(s) %s\n", avail,
			    pool_mark, (int)pool_mark - (int)avail,
			    avail < pool_mark ? "leaked" : "freed twice");
	_assert_int_equal(avail, pool_mark, file, line);
}

struct rte_mbuf *
tern_test_mbuf_from_segs(const void *bytes, size_t len, size_t seg_len)
{
	struct rte_mempool *mp = tern_test_pool();
	const uint8_t *src = bytes;
	struct rte_mbuf *head = NULL, *m;
	size_t off = 0;

	do {
		size_t n;
		char *dst;

		m = rte_pktmbuf_alloc(mp);
		if (m == NULL) {
			rte_pktmbuf_free(head);
			fail_msg("tern_test_mbuf_from: pool empty");
		}
		n = RTE_MIN(len - off, (size_t)rte_pktmbuf_tailroom(m));
		if (seg_len != 0)
			n = RTE_MIN(n, seg_len);
		dst = rte_pktmbuf_append(m, (uint16_t)n);
		assert_non_null(dst);
		if (n != 0)
			memcpy(dst, src + off, n);
		off += n;
		if (head == NULL) {
			head = m;
		} else if (rte_pktmbuf_chain(head, m) != 0) {
			rte_pktmbuf_free(m);
			rte_pktmbuf_free(head);
			fail_msg("tern_test_mbuf_from: too many segments");
		}
	} while (off < len);
	return head;
}

struct rte_mbuf *
tern_test_mbuf_from(const void *bytes, size_t len)
{
	return tern_test_mbuf_from_segs(bytes, len, 0);
}

void
tern_test_hexdump(const char *title, const void *bytes, size_t len)
{
	const uint8_t *p = bytes;
	size_t i, j;

	printf("%s (%zu bytes):\n", title, len);
	for (i = 0; i < len; i += 16) {
		printf("  %04zx:", i);
		for (j = i; j < i + 16; j++) {
			if (j < len)
				printf(" %02x", p[j]);
			else
				printf("   ");
		}
		printf("  ");
		for (j = i; j < i + 16 && j < len; j++)
			putchar(isprint(p[j]) ? p[j] : '.');
		putchar('\n');
	}
	fflush(stdout);
}

void
tern_test_assert_mbuf_bytes_at(const struct rte_mbuf *m, const void *expect, size_t len,
			       const char *file, int line)
{
	const uint8_t *want = expect;
	const void *data;
	uint8_t *got;
	size_t i;

	_assert_true(cast_ptr_to_largest_integral_type(m), "m", file, line);
	if (m->pkt_len != len) {
		print_error("packet is %u bytes, expected %zu\n", m->pkt_len, len);
		_fail(file, line);
	}
	got = malloc(len ? len : 1);
	_assert_true(cast_ptr_to_largest_integral_type(got), "malloc", file, line);
	data = rte_pktmbuf_read(m, 0, (uint32_t)len, got);
	_assert_true(cast_ptr_to_largest_integral_type(data), "rte_pktmbuf_read", file, line);
	if (data != got)
		memcpy(got, data, len);
	for (i = 0; i < len && got[i] == want[i]; i++)
		;
	if (i < len) {
		print_error("packet differs from expected at byte %zu: %02x, expected %02x\n",
			    i, got[i], want[i]);
		tern_test_hexdump("got", got, len);
		tern_test_hexdump("expected", want, len);
		free(got);
		_fail(file, line);
	}
	free(got);
}

void
tern_test_ring_port_fini(struct tern_ctx *ctx, struct tern_net *net, struct tern_dev *dev,
			 struct rte_ring *rx, struct rte_ring *tx)
{
	void *obj;

	tern_ctx_destroy(ctx);
	tern_net_destroy(net);
	while (rte_ring_dequeue(tx, &obj) == 0)
		rte_pktmbuf_free(obj);
	tern_dev_destroy(dev);
	rte_ring_free(rx);
	rte_ring_free(tx);
}
