/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_TCP_OPT_H
#define TERN_TCP_OPT_H

/*
 * TCP options (RFC 9293 3.2, RFC 7323, RFC 2018): a bounds-checked parser of
 * a segment's options area and builders for the options tern sends.
 * Internal, not installed. None of these calls keeps state: they are safe
 * from any lcore.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Option kinds */
#define TERN_TCPOPT_EOL			0
#define TERN_TCPOPT_NOP			1
#define TERN_TCPOPT_MSS			2
#define TERN_TCPOPT_WS			3
#define TERN_TCPOPT_SACK_PERM		4
#define TERN_TCPOPT_SACK		5
#define TERN_TCPOPT_TS			8

/* Option lengths (kind and length bytes included) */
#define TERN_TCPOLEN_MSS		4
#define TERN_TCPOLEN_WS			3
#define TERN_TCPOLEN_SACK_PERM		2
#define TERN_TCPOLEN_TS			10
#define TERN_TCPOLEN_SACK_BASE		2
#define TERN_TCPOLEN_SACK_BLOCK		8

/* The options area holds at most 40 bytes (data offset 15 words). */
#define TERN_TCP_OPT_MAX		40
/* Largest window shift (RFC 7323 2.3). */
#define TERN_TCP_WSCALE_MAX		14
/* SACK blocks one option can carry (2 + 4 * 8 = 34 bytes). */
#define TERN_TCP_SACK_MAX		4

/* Bits of tern_tcp_opts.flags: which options were present (or to write). */
#define TERN_TCP_OPT_F_MSS		(1u << 0)
#define TERN_TCP_OPT_F_WS		(1u << 1)
#define TERN_TCP_OPT_F_SACK_PERM	(1u << 2)
#define TERN_TCP_OPT_F_TS		(1u << 3)
#define TERN_TCP_OPT_F_SACK		(1u << 4)

/* One SACK block, host byte order: bytes [left, right) were received. */
struct tern_tcp_sack_block {
	uint32_t left;
	uint32_t right;
};

/* The options of one segment, host byte order. */
struct tern_tcp_opts {
	uint32_t flags;		/* TERN_TCP_OPT_F_*: which fields hold a value */
	uint16_t mss;
	uint8_t wscale;		/* already clamped to TERN_TCP_WSCALE_MAX */
	bool sack_permitted;
	uint32_t ts_val;
	uint32_t ts_ecr;
	uint8_t nb_sack;	/* blocks in sack[] */
	struct tern_tcp_sack_block sack[TERN_TCP_SACK_MAX];
};

/*
 * Parse the options area of a TCP header into @opts (zeroed first).
 *
 * - EOL ends parsing; the bytes after it are padding and are not read.
 * - NOP is skipped.
 * - Unknown kinds are skipped by their length byte.
 * - A known option whose length is not the one its kind fixes (MSS 4, WS 3,
 *   SACK-permitted 2, timestamps 10, SACK 2 + 8n with 1 <= n <= 4) is
 *   malformed: it is ignored, skipped by its length, parsing goes on, and
 *   the call returns -EINVAL at the end.
 * - A window scale above 14 is taken as 14 (RFC 7323 2.3).
 * - A kind seen twice: the first occurrence counts, later ones are skipped
 *   (their length is still checked). RFC 9293 says nothing of duplicates;
 *   keeping the first means a later, possibly injected, copy cannot
 *   override what was already accepted, and the result does not depend on
 *   how far into the area a parser reads.
 * - SACK blocks are returned as they are: whether left < right and whether
 *   they fall within the window is the caller's business.
 *
 * Never reads outside [@p, @p + @len).
 *
 * @param p    first byte of the options area (may be NULL when @len is 0)
 * @param len  bytes in the area, 0..TERN_TCP_OPT_MAX
 * @param opts filled with every well-formed option met before parsing
 *             stopped; on -EINVAL it still holds those
 * @return 0 if the area is well formed;
 *         -EINVAL if @len exceeds TERN_TCP_OPT_MAX, a kind other than EOL or
 *         NOP has no length byte, a length is below 2 or runs past the end
 *         of the area (parsing stops there), or a known option had the wrong
 *         length (that option is ignored, the rest is parsed).
 */
int tcp_opts_parse(const uint8_t *p, size_t len, struct tern_tcp_opts *opts);

/*
 * Write the options of a SYN or SYN-ACK, in the order Linux uses:
 *   MSS (4) | SACK-permitted + timestamps (12) | NOP + window scale (4)
 * = 20 bytes with all four. Without SACK-permitted the timestamps are
 * preceded by NOP NOP; with SACK-permitted but no timestamps, NOP NOP
 * SACK-permitted comes last. Every option is 4-byte aligned.
 * The options written are those of @opts->flags among MSS, WS, SACK_PERM
 * and TS (the SACK_PERM flag or @opts->sack_permitted asks for
 * SACK-permitted); SACK blocks are never sent on a SYN.
 *
 * @param buf  where to write
 * @param size bytes available at @buf
 * @param opts values to write
 * @return bytes written (a multiple of 4, at most 20);
 *         -EINVAL if @opts->wscale exceeds TERN_TCP_WSCALE_MAX;
 *         -ENOSPC if @size is too small (nothing is written).
 */
int tcp_opts_write_syn(uint8_t *buf, size_t size, const struct tern_tcp_opts *opts);

/*
 * Write the options of a data or ACK segment: NOP NOP timestamps (12) if
 * TERN_TCP_OPT_F_TS is set, then NOP NOP SACK (4 + 8n) with the first
 * n of @opts->nb_sack blocks if TERN_TCP_OPT_F_SACK is set and nb_sack > 0.
 * The area never exceeds 40 bytes: at most 3 blocks fit with timestamps, 4
 * without; the blocks that do not fit are dropped from the end (RFC 2018
 * 4: the first block is the most recent and must be kept).
 *
 * @param buf  where to write
 * @param size bytes available at @buf
 * @param opts values to write
 * @return bytes written (a multiple of 4, at most 40);
 *         -ENOSPC if @size is too small (nothing is written).
 */
int tcp_opts_write(uint8_t *buf, size_t size, const struct tern_tcp_opts *opts);

#endif /* TERN_TCP_OPT_H */
