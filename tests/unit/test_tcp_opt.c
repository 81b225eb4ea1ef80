/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * TCP building blocks that need neither EAL nor mbufs:
 * - sequence number comparison (lib/tcp/tern_tcp_seq.h, RFC 9293 3.4),
 *   around the wrap;
 * - the options parser and builders (lib/tcp/tcp_opt.c): round trips, the
 *   Linux SYN layout, every malformed form, and a seeded fuzz loop checked
 *   against a reference parser written here.
 * Every parse reads an area placed at the very end of a page followed by a
 * PROT_NONE page: a read past the area kills the test binary.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_common.h"

#include "tern_tcp_seq.h"
#include "tcp_opt.h"

#define FUZZ_SEED	0x7c90f1e5u
#define FUZZ_ROUNDS	100000

/* A writable page followed by an inaccessible one. */
static uint8_t *guard_page;
static size_t page_size;

static int
guard_setup(void **state)
{
	uint8_t *m;

	(void)state;
	page_size = (size_t)sysconf(_SC_PAGESIZE);
	m = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (m == MAP_FAILED)
		return -1;
	if (mprotect(m + page_size, page_size, PROT_NONE) != 0) {
		munmap(m, 2 * page_size);
		return -1;
	}
	guard_page = m;
	return 0;
}

static int
guard_teardown(void **state)
{
	(void)state;
	munmap(guard_page, 2 * page_size);
	return 0;
}

/* Copy @len bytes to the last @len bytes of the guarded page; return them. */
static const uint8_t *
at_page_end(const uint8_t *bytes, size_t len)
{
	uint8_t *dst = guard_page + page_size - len;

	if (len > 0)
		memcpy(dst, bytes, len);
	return dst;
}

/* Parse @len bytes placed at the end of the guarded page. */
static int
parse_guarded(const uint8_t *bytes, size_t len, struct tern_tcp_opts *o)
{
	return tcp_opts_parse(at_page_end(bytes, len), len, o);
}

/* ---------------------------------------------------------------------- */
/* Sequence numbers */

static void
test_seq_compare_without_wrap(void **state)
{
	(void)state;
	assert_true(SEQ_LT(1, 2));
	assert_false(SEQ_LT(2, 1));
	assert_false(SEQ_LT(7, 7));
	assert_true(SEQ_LEQ(7, 7));
	assert_true(SEQ_LEQ(6, 7));
	assert_false(SEQ_LEQ(8, 7));
	assert_true(SEQ_GT(2, 1));
	assert_false(SEQ_GT(7, 7));
	assert_true(SEQ_GEQ(7, 7));
	assert_false(SEQ_GEQ(6, 7));
}

static void
test_seq_compare_across_the_wrap(void **state)
{
	(void)state;
	assert_true(SEQ_LT(0xffffffffu, 0));
	assert_true(SEQ_LT(0xfffffff0u, 0x10));
	assert_false(SEQ_LT(0x10, 0xfffffff0u));
	assert_true(SEQ_GT(0x10, 0xfffffff0u));
	assert_true(SEQ_GT(0, 0xffffffffu));
	assert_true(SEQ_GEQ(0, 0xffffffffu));
	assert_true(SEQ_LEQ(0xffffffffu, 0));
	assert_false(SEQ_GEQ(0xffffffffu, 0));
}

static void
test_seq_compare_half_space_boundary(void **state)
{
	(void)state;
	/* Less than 2^31 ahead is "after". */
	assert_true(SEQ_LT(0, 0x7fffffffu));
	assert_true(SEQ_LT(0x80000000u, 0xffffffffu));
	assert_true(SEQ_LT(0x90000000u, 0x0fffffffu));
	/* More than 2^31 ahead is "before". */
	assert_true(SEQ_GT(0, 0x80000001u));
	assert_true(SEQ_LT(0x80000001u, 0));
}

static void
test_seq_min_max_across_the_wrap(void **state)
{
	(void)state;
	assert_int_equal(SEQ_MIN(0xffffff00u, 5), 0xffffff00u);
	assert_int_equal(SEQ_MAX(0xffffff00u, 5), 5);
	assert_int_equal(SEQ_MIN(5, 0xffffff00u), 0xffffff00u);
	assert_int_equal(SEQ_MAX(5, 0xffffff00u), 5);
	assert_int_equal(SEQ_MIN(3, 3), 3);
	assert_int_equal(SEQ_MAX(100, 200), 200);
	assert_int_equal(SEQ_MIN(100, 200), 100);
}

static void
test_seq_in_half_open_range(void **state)
{
	(void)state;
	assert_true(SEQ_IN(100, 100, 200));
	assert_true(SEQ_IN(199, 100, 200));
	assert_false(SEQ_IN(200, 100, 200));
	assert_false(SEQ_IN(99, 100, 200));
	/* The empty range holds nothing. */
	assert_false(SEQ_IN(100, 100, 100));
	assert_false(SEQ_IN(0, 0, 0));
}

static void
test_seq_in_range_across_the_wrap(void **state)
{
	const uint32_t lo = 0xfffffff0u, hi = 0x10;

	(void)state;
	assert_true(SEQ_IN(0xfffffff0u, lo, hi));
	assert_true(SEQ_IN(0xffffffffu, lo, hi));
	assert_true(SEQ_IN(0, lo, hi));
	assert_true(SEQ_IN(0xf, lo, hi));
	assert_false(SEQ_IN(0x10, lo, hi));
	assert_false(SEQ_IN(0xffffffefu, lo, hi));
	assert_false(SEQ_IN(0x80000000u, lo, hi));
	/* A range wider than 2^31 still means lo <= x < hi. */
	assert_true(SEQ_IN(0x90000000u, 0, 0xa0000000u));
	assert_false(SEQ_IN(0xa0000000u, 0, 0xa0000000u));
	/* The widest range, 2^32 - 1 numbers: everything but hi. */
	assert_true(SEQ_IN(0x12345678u, 1, 0));
	assert_false(SEQ_IN(0, 1, 0));
}

/* The helpers agree with each other for any base and any distance below 2^31. */
static void
test_seq_helpers_consistent_everywhere(void **state)
{
	uint32_t x = 0x2545f491u;
	int i;

	(void)state;
	for (i = 0; i < 100000; i++) {
		uint32_t a, d, b;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		a = x * 2654435761u;
		d = (x % 0x7fffffffu) + 1;	/* 1 .. 2^31 - 1 */
		b = a + d;
		assert_true(SEQ_LT(a, b));
		assert_true(SEQ_LEQ(a, b));
		assert_true(SEQ_GT(b, a));
		assert_true(SEQ_GEQ(b, a));
		assert_false(SEQ_GEQ(a, b));
		assert_false(SEQ_LEQ(b, a));
		assert_int_equal(SEQ_MIN(a, b), a);
		assert_int_equal(SEQ_MAX(b, a), b);
		assert_true(SEQ_IN(a, a, b));
		assert_true(SEQ_IN(b - 1, a, b));
		assert_false(SEQ_IN(b, a, b));
		assert_false(SEQ_IN(a - 1, a, b));
	}
}

/* ---------------------------------------------------------------------- */
/* The guard page itself */

/* A read one byte past the area faults: the guard page can catch an over-read. */
static void
test_guard_page_catches_an_over_read(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		volatile const uint8_t *end = guard_page + page_size;

		signal(SIGSEGV, SIG_DFL);
		(void)end[0];
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGSEGV);
}

/* ---------------------------------------------------------------------- */
/* Parser: well-formed areas */

static void
test_opt_parse_empty_area(void **state)
{
	struct tern_tcp_opts o;

	(void)state;
	memset(&o, 0xa5, sizeof(o));
	assert_int_equal(tcp_opts_parse(NULL, 0, &o), 0);
	assert_int_equal(o.flags, 0);
	assert_int_equal(o.nb_sack, 0);
	assert_int_equal(parse_guarded(NULL, 0, &o), 0);
	assert_int_equal(o.flags, 0);
}

/*
 * NOP, NOP, timestamps (the layout read at once): the same result as the
 * same option in another layout (timestamps, then NOP, NOP; read by the
 * loop), every byte of the structure; a near miss (EOL for a NOP, a wrong
 * length, a byte more) goes through the loop as before.
 */
static void
test_opt_parse_nop_nop_ts_same_as_loop(void **state)
{
	const uint8_t fast[] = { 1, 1, 8, 10, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0 };
	const uint8_t loop[] = { 8, 10, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 1, 1 };
	const uint8_t eol[] = { 1, 0, 8, 10, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0 };
	const uint8_t badlen[] = { 1, 1, 8, 9, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0 };
	const uint8_t more[] = { 1, 1, 8, 10, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
				 2, 4, 0x05, 0xb4 };
	struct tern_tcp_opts o1, o2;

	(void)state;
	memset(&o1, 0xa5, sizeof(o1));
	memset(&o2, 0x5a, sizeof(o2));
	assert_int_equal(parse_guarded(fast, sizeof(fast), &o1), 0);
	assert_int_equal(parse_guarded(loop, sizeof(loop), &o2), 0);
	assert_int_equal(o1.flags, TERN_TCP_OPT_F_TS);
	assert_int_equal(o1.ts_val, 0x12345678u);
	assert_int_equal(o1.ts_ecr, 0x9abcdef0u);
	assert_memory_equal(&o1, &o2, sizeof(o1));
	assert_int_equal(parse_guarded(eol, sizeof(eol), &o1), 0);
	assert_int_equal(o1.flags, 0);		/* EOL: nothing after it read */
	assert_int_equal(parse_guarded(badlen, sizeof(badlen), &o1), -EINVAL);
	assert_int_equal(o1.flags, 0);
	assert_int_equal(parse_guarded(more, sizeof(more), &o1), 0);
	assert_int_equal(o1.flags, TERN_TCP_OPT_F_TS | TERN_TCP_OPT_F_MSS);
	assert_int_equal(o1.mss, 1460);
	assert_int_equal(o1.ts_val, 0x12345678u);
}

static void
test_opt_parse_mss(void **state)
{
	const uint8_t a[] = { 2, 4, 0x05, 0xb4 };
	struct tern_tcp_opts o;

	(void)state;
	assert_int_equal(parse_guarded(a, sizeof(a), &o), 0);
	assert_int_equal(o.flags, TERN_TCP_OPT_F_MSS);
	assert_int_equal(o.mss, 1460);
}

/* A SYN as Linux sends it: MSS, SACK_PERM + TS, NOP + WS 7. */
static void
test_opt_parse_linux_syn(void **state)
{
	const uint8_t a[] = {
		2, 4, 0x05, 0xb4,
		4, 2, 8, 10, 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0,
		1, 3, 3, 7,
	};
	struct tern_tcp_opts o;

	(void)state;
	assert_int_equal(parse_guarded(a, sizeof(a), &o), 0);
	assert_int_equal(o.flags, TERN_TCP_OPT_F_MSS | TERN_TCP_OPT_F_SACK_PERM |
			 TERN_TCP_OPT_F_TS | TERN_TCP_OPT_F_WS);
	assert_int_equal(o.mss, 1460);
	assert_true(o.sack_permitted);
	assert_int_equal(o.ts_val, 0x12345678u);
	assert_int_equal(o.ts_ecr, 0);
	assert_int_equal(o.wscale, 7);
	assert_int_equal(o.nb_sack, 0);
}

/* An ACK with timestamps and two SACK blocks, values in host order. */
static void
test_opt_parse_sack_blocks_host_order(void **state)
{
	const uint8_t a[] = {
		1, 1, 8, 10, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe,
		1, 1, 5, 18,
		0x10, 0x20, 0x30, 0x40, 0x10, 0x20, 0x38, 0x40,
		0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00,
	};
	struct tern_tcp_opts o;

	(void)state;
	assert_int_equal(parse_guarded(a, sizeof(a), &o), 0);
	assert_int_equal(o.flags, TERN_TCP_OPT_F_TS | TERN_TCP_OPT_F_SACK);
	assert_int_equal(o.ts_val, 1);
	assert_int_equal(o.ts_ecr, 0xfffffffeu);
	assert_int_equal(o.nb_sack, 2);
	assert_int_equal(o.sack[0].left, 0x10203040u);
	assert_int_equal(o.sack[0].right, 0x10203840u);
	assert_int_equal(o.sack[1].left, 0xffffff00u);
	assert_int_equal(o.sack[1].right, 0x00000100u);
}

/* SACK with 1, 2, 3 and 4 blocks: lengths 10, 18, 26, 34. */
static void
test_opt_parse_sack_one_to_four_blocks(void **state)
{
	uint8_t a[TERN_TCP_OPT_MAX];
	struct tern_tcp_opts o;
	unsigned int n, i;

	(void)state;
	for (n = 1; n <= 4; n++) {
		size_t len = 2 + 8 * n;

		a[0] = TERN_TCPOPT_SACK;
		a[1] = (uint8_t)len;
		for (i = 2; i < len; i++)
			a[i] = (uint8_t)i;
		assert_int_equal(parse_guarded(a, len, &o), 0);
		assert_int_equal(o.flags, TERN_TCP_OPT_F_SACK);
		assert_int_equal(o.nb_sack, n);
		for (i = 0; i < n; i++) {
			uint32_t b = 2 + 8 * i;
			uint32_t left = b << 24 | (b + 1) << 16 | (b + 2) << 8 | (b + 3);

			assert_int_equal(o.sack[i].left, left);
			assert_int_equal(o.sack[i].right, left + 0x04040404u);
		}
	}
}

static void
test_opt_parse_nop_is_skipped(void **state)
{
	const uint8_t a[] = { 1, 1, 1, 2, 4, 0x02, 0x18, 1, 1, 1, 3, 3, 2 };
	struct tern_tcp_opts o;

	(void)state;
	assert_int_equal(parse_guarded(a, sizeof(a), &o), 0);
	assert_int_equal(o.flags, TERN_TCP_OPT_F_MSS | TERN_TCP_OPT_F_WS);
	assert_int_equal(o.mss, 536);
	assert_int_equal(o.wscale, 2);
}

/* EOL ends the list: what follows is padding, even if it looks like an option. */
static void
test_opt_parse_eol_ends_parsing(void **state)
{
	const uint8_t first[] = { 0, 2, 4, 0x05, 0xb4 };
	const uint8_t after_mss[] = { 2, 4, 0x05, 0xb4, 0, 3, 3, 9, 2, 0xff };
	const uint8_t garbage[] = { 1, 0, 2, 1, 0xff, 0xff, 8 };
	struct tern_tcp_opts o;

	(void)state;
	assert_int_equal(parse_guarded(first, sizeof(first), &o), 0);
	assert_int_equal(o.flags, 0);
	assert_int_equal(parse_guarded(after_mss, sizeof(after_mss), &o), 0);
	assert_int_equal(o.flags, TERN_TCP_OPT_F_MSS);
	assert_int_equal(o.mss, 1460);
	/* After EOL a malformed length no longer matters. */
	assert_int_equal(parse_guarded(garbage, sizeof(garbage), &o), 0);
	assert_int_equal(o.flags, 0);
	/* EOL as the very last byte. */
	assert_int_equal(parse_guarded(first, 1, &o), 0);
}

/* Unknown kinds are stepped over by their length byte. */
static void
test_opt_parse_unknown_skipped_by_length(void **state)
{
	const uint8_t a[] = {
		30, 3, 0xaa,				/* MPTCP-like, odd length */
		254, 2,					/* experimental, empty */
		19, 18, 2, 4, 9, 9, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,	/* MD5 sig */
		2, 4, 0x23, 0x28,
	};
	uint8_t whole[TERN_TCP_OPT_MAX];
	struct tern_tcp_opts o;

	(void)state;
	assert_int_equal(parse_guarded(a, sizeof(a), &o), 0);
	assert_int_equal(o.flags, TERN_TCP_OPT_F_MSS);
	assert_int_equal(o.mss, 9000);
	/* One unknown option filling all 40 bytes, its body full of kinds. */
	memset(whole, TERN_TCPOPT_MSS, sizeof(whole));
	whole[0] = 200;
	whole[1] = TERN_TCP_OPT_MAX;
	assert_int_equal(parse_guarded(whole, sizeof(whole), &o), 0);
	assert_int_equal(o.flags, 0);
}

/* RFC 7323 2.3: a shift above 14 is used as 14. */
static void
test_opt_parse_rfc7323_wscale_clamped_to_14(void **state)
{
	const uint8_t in[] = { 0, 1, 13, 14, 15, 16, 100, 255 };
	const uint8_t want[] = { 0, 1, 13, 14, 14, 14, 14, 14 };
	struct tern_tcp_opts o;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(in); i++) {
		const uint8_t a[] = { 3, 3, in[i] };

		assert_int_equal(parse_guarded(a, sizeof(a), &o), 0);
		assert_int_equal(o.flags, TERN_TCP_OPT_F_WS);
		assert_int_equal(o.wscale, want[i]);
	}
}

/* A kind seen twice: the first one counts, the area is still well formed. */
static void
test_opt_parse_duplicate_keeps_first(void **state)
{
	const uint8_t a[] = {
		2, 4, 0x05, 0xb4, 2, 4, 0x02, 0x18,
		3, 3, 2, 3, 3, 9,
		8, 10, 0, 0, 0, 1, 0, 0, 0, 2,
		8, 10, 0, 0, 0, 3, 0, 0, 0, 4,
		4, 2, 4, 2,
	};
	const uint8_t sacks[] = {
		5, 10, 0, 0, 0, 1, 0, 0, 0, 2,
		5, 18, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0, 6,
	};
	struct tern_tcp_opts o;

	(void)state;
	assert_int_equal(parse_guarded(a, sizeof(a), &o), 0);
	assert_int_equal(o.flags, TERN_TCP_OPT_F_MSS | TERN_TCP_OPT_F_WS | TERN_TCP_OPT_F_TS |
			 TERN_TCP_OPT_F_SACK_PERM);
	assert_int_equal(o.mss, 1460);
	assert_int_equal(o.wscale, 2);
	assert_int_equal(o.ts_val, 1);
	assert_int_equal(o.ts_ecr, 2);
	assert_true(o.sack_permitted);
	assert_int_equal(parse_guarded(sacks, sizeof(sacks), &o), 0);
	assert_int_equal(o.nb_sack, 1);
	assert_int_equal(o.sack[0].left, 1);
	assert_int_equal(o.sack[0].right, 2);
}

/* ---------------------------------------------------------------------- */
/* Parser: malformed areas */

static void
test_opt_parse_area_over_40_bytes_rejected(void **state)
{
	uint8_t a[TERN_TCP_OPT_MAX + 1];
	struct tern_tcp_opts o;

	(void)state;
	memset(a, TERN_TCPOPT_NOP, sizeof(a));
	assert_int_equal(parse_guarded(a, sizeof(a), &o), -EINVAL);
	assert_int_equal(o.flags, 0);
	assert_int_equal(parse_guarded(a, TERN_TCP_OPT_MAX, &o), 0);
}

/* Any kind but EOL and NOP as the last byte: its length byte is missing. */
static void
test_opt_parse_missing_length_byte(void **state)
{
	const uint8_t after[] = { 2, 4, 0x05, 0xb4, 1, 1, 8 };
	struct tern_tcp_opts o;
	unsigned int kind;

	(void)state;
	for (kind = 2; kind <= 255; kind++) {
		uint8_t k = (uint8_t)kind;

		assert_int_equal(parse_guarded(&k, 1, &o), -EINVAL);
		assert_int_equal(o.flags, 0);
	}
	/* After a good option and NOPs: what came before is still reported. */
	assert_int_equal(parse_guarded(after, sizeof(after), &o), -EINVAL);
	assert_int_equal(o.flags, TERN_TCP_OPT_F_MSS);
	assert_int_equal(o.mss, 1460);
	/* The same area without the dangling kind is fine. */
	assert_int_equal(parse_guarded(after, sizeof(after) - 1, &o), 0);
}

/* A length of 0 or 1 cannot even cover kind and length. */
static void
test_opt_parse_length_below_2(void **state)
{
	const uint8_t kinds[] = { 2, 3, 4, 5, 8, 30, 254 };
	struct tern_tcp_opts o;
	unsigned int i, l;

	(void)state;
	for (i = 0; i < sizeof(kinds); i++) {
		for (l = 0; l < 2; l++) {
			uint8_t a[12] = { kinds[i], (uint8_t)l, 2, 4, 5, 0xb4, 1, 1, 1, 1, 1, 1 };

			assert_int_equal(parse_guarded(a, sizeof(a), &o), -EINVAL);
			assert_int_equal(o.flags, 0);
			/* Also as the last two bytes of the area. */
			assert_int_equal(parse_guarded(a, 2, &o), -EINVAL);
		}
	}
}

/* A length that runs past the end of the area. */
static void
test_opt_parse_length_past_the_end(void **state)
{
	const uint8_t mss[] = { 2, 4, 0x05 };
	const uint8_t ts[] = { 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0 };
	const uint8_t sack[] = { 5, 18, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0 };
	uint8_t unknown[TERN_TCP_OPT_MAX - 1];
	struct tern_tcp_opts o;

	(void)state;
	assert_int_equal(parse_guarded(mss, sizeof(mss), &o), -EINVAL);
	assert_int_equal(parse_guarded(ts, sizeof(ts), &o), -EINVAL);
	assert_int_equal(o.flags, 0);
	assert_int_equal(parse_guarded(sack, sizeof(sack), &o), -EINVAL);
	assert_int_equal(o.nb_sack, 0);
	memset(unknown, 0, sizeof(unknown));
	unknown[0] = 99;
	unknown[1] = TERN_TCP_OPT_MAX;
	assert_int_equal(parse_guarded(unknown, sizeof(unknown), &o), -EINVAL);
	/* Length 255 in a short area. */
	unknown[1] = 255;
	assert_int_equal(parse_guarded(unknown, 2, &o), -EINVAL);
}

/* Known kinds with the wrong (in-bounds) length: ignored, -EINVAL, rest parsed. */
static void
test_opt_parse_wrong_fixed_lengths(void **state)
{
	static const struct {
		uint8_t kind;
		uint8_t len;
	} bad[] = {
		{ 2, 2 }, { 2, 3 }, { 2, 5 }, { 2, 6 },
		{ 3, 2 }, { 3, 4 }, { 3, 5 },
		{ 4, 3 }, { 4, 4 },
		{ 8, 2 }, { 8, 8 }, { 8, 9 }, { 8, 11 }, { 8, 12 },
		{ 5, 2 }, { 5, 3 }, { 5, 6 }, { 5, 9 }, { 5, 11 }, { 5, 17 }, { 5, 19 },
		{ 5, 33 }, { 5, 35 }, { 5, 36 },
	};
	struct tern_tcp_opts o;
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(bad); i++) {
		uint8_t a[TERN_TCP_OPT_MAX];
		size_t len = bad[i].len + 4u;

		memset(a, 0x42, sizeof(a));
		a[0] = bad[i].kind;
		a[1] = bad[i].len;
		/* A good MSS after the bad option (or a good WS if MSS is the bad one). */
		if (bad[i].kind == TERN_TCPOPT_MSS) {
			a[bad[i].len] = 1;
			a[bad[i].len + 1] = 3;
			a[bad[i].len + 2] = 3;
			a[bad[i].len + 3] = 5;
		} else {
			a[bad[i].len] = 2;
			a[bad[i].len + 1] = 4;
			a[bad[i].len + 2] = 0x05;
			a[bad[i].len + 3] = 0xb4;
		}
		assert_int_equal(parse_guarded(a, len, &o), -EINVAL);
		if (bad[i].kind == TERN_TCPOPT_MSS) {
			assert_int_equal(o.flags, TERN_TCP_OPT_F_WS);
			assert_int_equal(o.wscale, 5);
		} else {
			assert_int_equal(o.flags, TERN_TCP_OPT_F_MSS);
			assert_int_equal(o.mss, 1460);
		}
		assert_false(o.sack_permitted);
		assert_int_equal(o.nb_sack, 0);
	}
}

/* A malformed duplicate does not undo the first, good, one. */
static void
test_opt_parse_bad_duplicate_keeps_first(void **state)
{
	const uint8_t a[] = { 2, 4, 0x05, 0xb4, 2, 3, 0x01 };
	struct tern_tcp_opts o;

	(void)state;
	assert_int_equal(parse_guarded(a, sizeof(a), &o), -EINVAL);
	assert_int_equal(o.flags, TERN_TCP_OPT_F_MSS);
	assert_int_equal(o.mss, 1460);
}

/*
 * Every single option: each kind of interest, every length byte 0..255,
 * every area size 1..40, the option at the start and the area at the page's
 * end. The outcome must follow the rules of tcp_opt.h exactly.
 */
static void
test_opt_parse_every_single_option_shape(void **state)
{
	const uint8_t kinds[] = { 2, 3, 4, 5, 8, 6, 30, 255 };
	uint8_t a[TERN_TCP_OPT_MAX];
	struct tern_tcp_opts o;
	unsigned int k, l;
	size_t size;

	(void)state;
	memset(a, 0, sizeof(a));	/* EOL after the option */
	for (k = 0; k < sizeof(kinds); k++) {
		for (l = 0; l <= 255; l++) {
			for (size = 1; size <= TERN_TCP_OPT_MAX; size++) {
				unsigned int kind = kinds[k];
				int want = 0;
				uint32_t flag = 0;
				bool right_len;

				a[0] = (uint8_t)kind;
				if (size > 1)
					a[1] = (uint8_t)l;
				switch (kind) {
				case 2: right_len = l == 4; flag = TERN_TCP_OPT_F_MSS; break;
				case 3: right_len = l == 3; flag = TERN_TCP_OPT_F_WS; break;
				case 4: right_len = l == 2; flag = TERN_TCP_OPT_F_SACK_PERM; break;
				case 8: right_len = l == 10; flag = TERN_TCP_OPT_F_TS; break;
				case 5:
					right_len = l >= 10 && l <= 34 && (l - 2) % 8 == 0;
					flag = TERN_TCP_OPT_F_SACK;
					break;
				default: right_len = true; break;
				}
				if (size < 2 || l < 2 || l > size)
					want = -EINVAL;
				else if (!right_len)
					want = -EINVAL;
				assert_int_equal(parse_guarded(a, size, &o), want);
				if (want == 0)
					assert_int_equal(o.flags, flag);
				else
					assert_int_equal(o.flags, 0);
				if (flag == TERN_TCP_OPT_F_SACK && o.flags != 0)
					assert_int_equal(o.nb_sack, (l - 2) / 8);
			}
		}
	}
}

/* ---------------------------------------------------------------------- */
/* Builders */

static void
test_opt_write_syn_linux_layout(void **state)
{
	const uint8_t want[] = {
		2, 4, 0x05, 0xb4,
		4, 2, 8, 10, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0,
		1, 3, 3, 7,
	};
	struct tern_tcp_opts in = {
		.flags = TERN_TCP_OPT_F_MSS | TERN_TCP_OPT_F_SACK_PERM | TERN_TCP_OPT_F_TS |
			 TERN_TCP_OPT_F_WS,
		.mss = 1460, .wscale = 7, .ts_val = 0xdeadbeefu, .ts_ecr = 0,
	};
	struct tern_tcp_opts out;
	uint8_t buf[TERN_TCP_OPT_MAX];

	(void)state;
	assert_int_equal(tcp_opts_write_syn(buf, sizeof(buf), &in), 20);
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(parse_guarded(buf, 20, &out), 0);
	assert_int_equal(out.flags, in.flags);
	assert_int_equal(out.mss, 1460);
	assert_int_equal(out.wscale, 7);
	assert_true(out.sack_permitted);
	assert_int_equal(out.ts_val, 0xdeadbeefu);
	assert_int_equal(out.ts_ecr, 0);
	/* Exactly 20 bytes is enough, 19 is not, and nothing is written then. */
	assert_int_equal(tcp_opts_write_syn(buf, 20, &in), 20);
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(tcp_opts_write_syn(buf, 19, &in), -ENOSPC);
	assert_int_equal(buf[0], 0xee);
}

/* The other SYN combinations, each 4-byte aligned and read back. */
static void
test_opt_write_syn_subsets(void **state)
{
	static const struct {
		uint32_t flags;
		int len;
		uint8_t bytes[20];
	} cases[] = {
		{ TERN_TCP_OPT_F_MSS, 4, { 2, 4, 0x23, 0x28 } },
		{ TERN_TCP_OPT_F_MSS | TERN_TCP_OPT_F_TS | TERN_TCP_OPT_F_WS, 20,
		  { 2, 4, 0x23, 0x28, 1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 8, 1, 3, 3, 14 } },
		{ TERN_TCP_OPT_F_MSS | TERN_TCP_OPT_F_SACK_PERM | TERN_TCP_OPT_F_WS, 12,
		  { 2, 4, 0x23, 0x28, 1, 3, 3, 14, 1, 1, 4, 2 } },
		{ TERN_TCP_OPT_F_MSS | TERN_TCP_OPT_F_SACK_PERM, 8,
		  { 2, 4, 0x23, 0x28, 1, 1, 4, 2 } },
		{ TERN_TCP_OPT_F_MSS | TERN_TCP_OPT_F_SACK_PERM | TERN_TCP_OPT_F_TS, 16,
		  { 2, 4, 0x23, 0x28, 4, 2, 8, 10, 0, 0, 0, 9, 0, 0, 0, 8 } },
		{ TERN_TCP_OPT_F_WS, 4, { 1, 3, 3, 14 } },
		{ 0, 0, { 0 } },
	};
	struct tern_tcp_opts in, out;
	uint8_t buf[TERN_TCP_OPT_MAX];
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(cases); i++) {
		memset(&in, 0, sizeof(in));
		in.flags = cases[i].flags;
		in.mss = 9000;
		in.wscale = 14;
		in.ts_val = 9;
		in.ts_ecr = 8;
		assert_int_equal(tcp_opts_write_syn(buf, sizeof(buf), &in), cases[i].len);
		assert_memory_equal(buf, cases[i].bytes, (size_t)cases[i].len);
		assert_int_equal(parse_guarded(buf, (size_t)cases[i].len, &out), 0);
		assert_int_equal(out.flags, cases[i].flags);
	}
	/* A shift above 14 is a caller bug. */
	in.flags = TERN_TCP_OPT_F_WS;
	in.wscale = 15;
	assert_int_equal(tcp_opts_write_syn(buf, sizeof(buf), &in), -EINVAL);
}

static void
test_opt_write_ack_timestamps(void **state)
{
	const uint8_t want[] = { 1, 1, 8, 10, 0x01, 0x02, 0x03, 0x04, 0xf0, 0xe0, 0xd0, 0xc0 };
	struct tern_tcp_opts in = {
		.flags = TERN_TCP_OPT_F_TS, .ts_val = 0x01020304u, .ts_ecr = 0xf0e0d0c0u,
	};
	struct tern_tcp_opts out;
	uint8_t buf[TERN_TCP_OPT_MAX];

	(void)state;
	assert_int_equal(tcp_opts_write(buf, sizeof(buf), &in), 12);
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(parse_guarded(buf, 12, &out), 0);
	assert_int_equal(out.flags, TERN_TCP_OPT_F_TS);
	assert_int_equal(out.ts_val, 0x01020304u);
	assert_int_equal(out.ts_ecr, 0xf0e0d0c0u);
	assert_int_equal(tcp_opts_write(buf, 11, &in), -ENOSPC);
	/* Nothing asked, nothing written. */
	in.flags = 0;
	assert_int_equal(tcp_opts_write(buf, 0, &in), 0);
	/* The SACK flag with no blocks writes no SACK option. */
	in.flags = TERN_TCP_OPT_F_SACK;
	in.nb_sack = 0;
	assert_int_equal(tcp_opts_write(buf, sizeof(buf), &in), 0);
}

/* n SACK blocks, with and without timestamps: what fits in 40 bytes is kept. */
static void
test_opt_write_ack_sack_round_trip_and_limit(void **state)
{
	struct tern_tcp_opts in, out;
	uint8_t buf[64];
	unsigned int ts, n, i;

	(void)state;
	for (ts = 0; ts <= 1; ts++) {
		for (n = 1; n <= 6; n++) {
			unsigned int fit = ts ? 3 : 4;
			unsigned int sent = n < fit ? n : fit;
			int len = (ts ? 12 : 0) + 4 + 8 * (int)sent;
			int off = ts ? 12 : 0;

			memset(&in, 0, sizeof(in));
			in.flags = TERN_TCP_OPT_F_SACK | (ts ? TERN_TCP_OPT_F_TS : 0);
			in.ts_val = 77;
			in.ts_ecr = 66;
			in.nb_sack = (uint8_t)n;
			for (i = 0; i < TERN_TCP_SACK_MAX; i++) {
				in.sack[i].left = 0xfffff000u + 1000 * i;
				in.sack[i].right = in.sack[i].left + 500;
			}
			memset(buf, 0xee, sizeof(buf));
			assert_int_equal(tcp_opts_write(buf, sizeof(buf), &in), len);
			assert_true(len <= TERN_TCP_OPT_MAX);
			assert_int_equal(len % 4, 0);
			assert_int_equal(buf[len], 0xee);
			assert_int_equal(buf[off], TERN_TCPOPT_NOP);
			assert_int_equal(buf[off + 1], TERN_TCPOPT_NOP);
			assert_int_equal(buf[off + 2], TERN_TCPOPT_SACK);
			assert_int_equal(buf[off + 3], 2 + 8 * sent);
			assert_int_equal(parse_guarded(buf, (size_t)len, &out), 0);
			assert_int_equal(out.flags, in.flags);
			assert_int_equal(out.nb_sack, sent);
			for (i = 0; i < sent; i++) {
				assert_int_equal(out.sack[i].left, in.sack[i].left);
				assert_int_equal(out.sack[i].right, in.sack[i].right);
			}
			if (ts) {
				assert_int_equal(out.ts_val, 77);
				assert_int_equal(out.ts_ecr, 66);
			}
			assert_int_equal(tcp_opts_write(buf, (size_t)len - 1, &in), -ENOSPC);
		}
	}
}

/* ---------------------------------------------------------------------- */
/* Fuzz */

static uint32_t fuzz_state;

static uint32_t
fuzz_next(void)
{
	uint32_t x = fuzz_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	fuzz_state = x;
	return x;
}

/* Big-endian reads for the reference parser. */
static uint32_t
ref_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/*
 * A second parser, written as two passes (cut the area into tokens, then
 * read the tokens) to be checked against the library's one-pass loop.
 * It records, for every value it reports, the offset it came from, and
 * asserts that those bytes lie within the area.
 */
static int
ref_parse(const uint8_t *a, size_t len, struct tern_tcp_opts *o)
{
	size_t start[TERN_TCP_OPT_MAX], olen[TERN_TCP_OPT_MAX];
	size_t nb = 0, pos = 0, t;
	int err = 0;

	memset(o, 0, sizeof(*o));
	if (len > TERN_TCP_OPT_MAX)
		return -EINVAL;
	/* Pass 1: tokens. */
	while (pos < len && a[pos] != 0) {
		if (a[pos] == 1) {
			pos++;
			continue;
		}
		if (pos + 1 >= len || a[pos + 1] < 2 || pos + a[pos + 1] > len) {
			err = -EINVAL;
			break;
		}
		start[nb] = pos;
		olen[nb] = a[pos + 1];
		nb++;
		pos += a[pos + 1];
	}
	/* Pass 2: values, first of each kind. */
	for (t = 0; t < nb; t++) {
		const uint8_t *p = a + start[t];
		size_t l = olen[t];

		assert_true(start[t] + l <= len);
		switch (p[0]) {
		case 2:
			if (l != 4)
				err = err ? err : -EINVAL;
			else if (!(o->flags & TERN_TCP_OPT_F_MSS)) {
				o->flags |= TERN_TCP_OPT_F_MSS;
				o->mss = (uint16_t)(p[2] << 8 | p[3]);
			}
			break;
		case 3:
			if (l != 3)
				err = err ? err : -EINVAL;
			else if (!(o->flags & TERN_TCP_OPT_F_WS)) {
				o->flags |= TERN_TCP_OPT_F_WS;
				o->wscale = p[2] < 14 ? p[2] : 14;
			}
			break;
		case 4:
			if (l != 2)
				err = err ? err : -EINVAL;
			else {
				o->flags |= TERN_TCP_OPT_F_SACK_PERM;
				o->sack_permitted = true;
			}
			break;
		case 8:
			if (l != 10)
				err = err ? err : -EINVAL;
			else if (!(o->flags & TERN_TCP_OPT_F_TS)) {
				o->flags |= TERN_TCP_OPT_F_TS;
				o->ts_val = ref_be32(p + 2);
				o->ts_ecr = ref_be32(p + 6);
			}
			break;
		case 5:
			if (l != 10 && l != 18 && l != 26 && l != 34) {
				err = err ? err : -EINVAL;
			} else if (!(o->flags & TERN_TCP_OPT_F_SACK)) {
				size_t n;

				o->flags |= TERN_TCP_OPT_F_SACK;
				o->nb_sack = (uint8_t)((l - 2) / 8);
				for (n = 0; n < o->nb_sack; n++) {
					o->sack[n].left = ref_be32(p + 2 + 8 * n);
					o->sack[n].right = ref_be32(p + 6 + 8 * n);
				}
			}
			break;
		default:
			break;
		}
	}
	return err;
}

/* One random area: mostly plausible options with mutated lengths, some noise. */
static size_t
fuzz_area(uint8_t *a)
{
	static const uint8_t kinds[] = { 0, 1, 1, 2, 3, 4, 5, 8, 8, 5, 19, 30, 254 };
	static const uint8_t good_len[] = { 0, 0, 0, 4, 3, 2, 10, 10, 10, 34, 18, 4, 2 };
	size_t len = fuzz_next() % (TERN_TCP_OPT_MAX + 1);
	size_t pos = 0;
	uint32_t mode = fuzz_next() % 8;

	if (mode == 0) {
		/* Pure noise. */
		for (pos = 0; pos < len; pos++)
			a[pos] = (uint8_t)fuzz_next();
		return len;
	}
	while (pos < len) {
		uint32_t r = fuzz_next();
		unsigned int k = r % sizeof(kinds);
		unsigned int l = good_len[k];
		size_t i;

		a[pos++] = kinds[k];
		if (kinds[k] <= 1 || pos >= len)
			continue;
		if ((r >> 8) % 6 == 0)
			l = (r >> 12) % 48;		/* any length, maybe bad */
		else if ((r >> 8) % 6 == 1)
			l = l + ((r >> 16) % 3) - 1;	/* off by one */
		a[pos++] = (uint8_t)l;
		for (i = 2; i < l && pos < len; i++)
			a[pos++] = (uint8_t)fuzz_next();
	}
	return len;
}

static void
test_opt_parse_fuzz_matches_reference(void **state)
{
	uint8_t a[TERN_TCP_OPT_MAX];
	struct tern_tcp_opts o, ref;
	unsigned int nb_ok = 0, nb_err = 0, nb_sack = 0, nb_ts = 0;
	unsigned int i, n;

	(void)state;
	fuzz_state = FUZZ_SEED;
	for (i = 0; i < FUZZ_ROUNDS; i++) {
		size_t len = fuzz_area(a);
		const uint8_t *p = at_page_end(a, len);
		int ret, want;

		ret = tcp_opts_parse(p, len, &o);
		want = ref_parse(p, len, &ref);
		if (ret != want || o.flags != ref.flags)
			print_message("fuzz seed %#x round %u: ret %d want %d flags %#x want %#x\n",
				      FUZZ_SEED, i, ret, want, o.flags, ref.flags);
		assert_int_equal(ret, want);
		assert_int_equal(o.flags, ref.flags);
		assert_true(ret == 0 || ret == -EINVAL);
		assert_int_equal(o.flags & ~(uint32_t)0x1f, 0);
		assert_true(o.wscale <= TERN_TCP_WSCALE_MAX);
		assert_true(o.nb_sack <= TERN_TCP_SACK_MAX);
		assert_int_equal(o.mss, ref.mss);
		assert_int_equal(o.wscale, ref.wscale);
		assert_int_equal(o.sack_permitted, ref.sack_permitted);
		assert_int_equal(o.ts_val, ref.ts_val);
		assert_int_equal(o.ts_ecr, ref.ts_ecr);
		assert_int_equal(o.nb_sack, ref.nb_sack);
		for (n = 0; n < o.nb_sack; n++) {
			assert_int_equal(o.sack[n].left, ref.sack[n].left);
			assert_int_equal(o.sack[n].right, ref.sack[n].right);
		}
		/* Fields not flagged stay zero. */
		if (!(o.flags & TERN_TCP_OPT_F_MSS))
			assert_int_equal(o.mss, 0);
		if (!(o.flags & TERN_TCP_OPT_F_SACK))
			assert_int_equal(o.nb_sack, 0);
		if (!(o.flags & TERN_TCP_OPT_F_TS))
			assert_true(o.ts_val == 0 && o.ts_ecr == 0);
		nb_ok += ret == 0;
		nb_err += ret != 0;
		nb_sack += o.nb_sack > 0;
		nb_ts += (o.flags & TERN_TCP_OPT_F_TS) != 0;
	}
	print_message("fuzz seed %#x: %u well formed, %u malformed, %u with SACK, %u with TS\n",
		      FUZZ_SEED, nb_ok, nb_err, nb_sack, nb_ts);
	/* The generator must reach both outcomes and the deep cases. */
	assert_true(nb_ok > FUZZ_ROUNDS / 10);
	assert_true(nb_err > FUZZ_ROUNDS / 10);
	assert_true(nb_sack > 1000);
	assert_true(nb_ts > 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seq_compare_without_wrap),
		cmocka_unit_test(test_seq_compare_across_the_wrap),
		cmocka_unit_test(test_seq_compare_half_space_boundary),
		cmocka_unit_test(test_seq_min_max_across_the_wrap),
		cmocka_unit_test(test_seq_in_half_open_range),
		cmocka_unit_test(test_seq_in_range_across_the_wrap),
		cmocka_unit_test(test_seq_helpers_consistent_everywhere),
		cmocka_unit_test(test_guard_page_catches_an_over_read),
		cmocka_unit_test(test_opt_parse_empty_area),
		cmocka_unit_test(test_opt_parse_mss),
		cmocka_unit_test(test_opt_parse_linux_syn),
		cmocka_unit_test(test_opt_parse_sack_blocks_host_order),
		cmocka_unit_test(test_opt_parse_sack_one_to_four_blocks),
		cmocka_unit_test(test_opt_parse_nop_is_skipped),
		cmocka_unit_test(test_opt_parse_nop_nop_ts_same_as_loop),
		cmocka_unit_test(test_opt_parse_eol_ends_parsing),
		cmocka_unit_test(test_opt_parse_unknown_skipped_by_length),
		cmocka_unit_test(test_opt_parse_rfc7323_wscale_clamped_to_14),
		cmocka_unit_test(test_opt_parse_duplicate_keeps_first),
		cmocka_unit_test(test_opt_parse_area_over_40_bytes_rejected),
		cmocka_unit_test(test_opt_parse_missing_length_byte),
		cmocka_unit_test(test_opt_parse_length_below_2),
		cmocka_unit_test(test_opt_parse_length_past_the_end),
		cmocka_unit_test(test_opt_parse_wrong_fixed_lengths),
		cmocka_unit_test(test_opt_parse_bad_duplicate_keeps_first),
		cmocka_unit_test(test_opt_parse_every_single_option_shape),
		cmocka_unit_test(test_opt_write_syn_linux_layout),
		cmocka_unit_test(test_opt_write_syn_subsets),
		cmocka_unit_test(test_opt_write_ack_timestamps),
		cmocka_unit_test(test_opt_write_ack_sack_round_trip_and_limit),
		cmocka_unit_test(test_opt_parse_fuzz_matches_reference),
	};

	return cmocka_run_group_tests_name("tcp_opt", tests, guard_setup, guard_teardown);
}
