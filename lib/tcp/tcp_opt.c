/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * TCP options: parse the options area of a received segment, write the
 * options of the segments tern sends. See tcp_opt.h for the rules.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tcp_opt.h"

/* Big-endian loads and stores, byte by byte: option fields are unaligned. */
static inline uint16_t
get_be16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t
get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void
put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Is @optlen the right length for a SACK option (1 to 4 blocks)? */
static inline bool
sack_len_ok(unsigned int optlen)
{
	unsigned int body = optlen - TERN_TCPOLEN_SACK_BASE;

	return optlen >= TERN_TCPOLEN_SACK_BASE + TERN_TCPOLEN_SACK_BLOCK &&
		optlen <= TERN_TCPOLEN_SACK_BASE + TERN_TCP_SACK_MAX * TERN_TCPOLEN_SACK_BLOCK &&
		body % TERN_TCPOLEN_SACK_BLOCK == 0;
}

int
tcp_opts_parse(const uint8_t *p, size_t len, struct tern_tcp_opts *opts)
{
	size_t off = 0;
	int ret = 0;

	memset(opts, 0, sizeof(*opts));
	if (len > TERN_TCP_OPT_MAX)
		return -EINVAL;
	/*
	 * The layout of nearly every segment once timestamps are on: NOP, NOP,
	 * timestamps, nothing after (RFC 7323 appendix A). What the loop below
	 * makes of it, read at once.
	 */
	if (len == 2 + TERN_TCPOLEN_TS &&
	    get_be32(p) == (TERN_TCPOPT_NOP << 24 | TERN_TCPOPT_NOP << 16 |
			    TERN_TCPOPT_TS << 8 | TERN_TCPOLEN_TS)) {
		opts->flags = TERN_TCP_OPT_F_TS;
		opts->ts_val = get_be32(p + 4);
		opts->ts_ecr = get_be32(p + 8);
		return 0;
	}

	while (off < len) {
		const uint8_t *o = p + off;
		unsigned int kind = o[0];
		unsigned int optlen;
		unsigned int i;

		if (kind == TERN_TCPOPT_EOL)
			break;
		if (kind == TERN_TCPOPT_NOP) {
			off++;
			continue;
		}
		/* Every other kind has a length byte, counting kind and length. */
		if (len - off < 2)
			return -EINVAL;
		optlen = o[1];
		if (optlen < 2 || optlen > len - off)
			return -EINVAL;
		/* From here o[0 .. optlen - 1] is inside the area. */
		off += optlen;

		switch (kind) {
		case TERN_TCPOPT_MSS:
			if (optlen != TERN_TCPOLEN_MSS) {
				ret = -EINVAL;
				break;
			}
			if (opts->flags & TERN_TCP_OPT_F_MSS)
				break;
			opts->flags |= TERN_TCP_OPT_F_MSS;
			opts->mss = get_be16(o + 2);
			break;
		case TERN_TCPOPT_WS:
			if (optlen != TERN_TCPOLEN_WS) {
				ret = -EINVAL;
				break;
			}
			if (opts->flags & TERN_TCP_OPT_F_WS)
				break;
			opts->flags |= TERN_TCP_OPT_F_WS;
			opts->wscale = o[2] > TERN_TCP_WSCALE_MAX ? TERN_TCP_WSCALE_MAX : o[2];
			break;
		case TERN_TCPOPT_SACK_PERM:
			if (optlen != TERN_TCPOLEN_SACK_PERM) {
				ret = -EINVAL;
				break;
			}
			opts->flags |= TERN_TCP_OPT_F_SACK_PERM;
			opts->sack_permitted = true;
			break;
		case TERN_TCPOPT_TS:
			if (optlen != TERN_TCPOLEN_TS) {
				ret = -EINVAL;
				break;
			}
			if (opts->flags & TERN_TCP_OPT_F_TS)
				break;
			opts->flags |= TERN_TCP_OPT_F_TS;
			opts->ts_val = get_be32(o + 2);
			opts->ts_ecr = get_be32(o + 6);
			break;
		case TERN_TCPOPT_SACK:
			if (!sack_len_ok(optlen)) {
				ret = -EINVAL;
				break;
			}
			if (opts->flags & TERN_TCP_OPT_F_SACK)
				break;
			opts->flags |= TERN_TCP_OPT_F_SACK;
			opts->nb_sack = (uint8_t)((optlen - TERN_TCPOLEN_SACK_BASE) /
						  TERN_TCPOLEN_SACK_BLOCK);
			for (i = 0; i < opts->nb_sack; i++) {
				const uint8_t *b = o + TERN_TCPOLEN_SACK_BASE +
					i * TERN_TCPOLEN_SACK_BLOCK;

				opts->sack[i].left = get_be32(b);
				opts->sack[i].right = get_be32(b + 4);
			}
			break;
		default:
			/* Unknown kind: skipped by its length. */
			break;
		}
	}
	return ret;
}

/* Write NOP NOP kind len: the 4-byte-aligned header of a 2-byte-led option. */
static inline uint8_t *
put_nop_nop(uint8_t *p, uint8_t kind, uint8_t len)
{
	p[0] = TERN_TCPOPT_NOP;
	p[1] = TERN_TCPOPT_NOP;
	p[2] = kind;
	p[3] = len;
	return p + 4;
}

int
tcp_opts_write_syn(uint8_t *buf, size_t size, const struct tern_tcp_opts *opts)
{
	bool mss = (opts->flags & TERN_TCP_OPT_F_MSS) != 0;
	bool ws = (opts->flags & TERN_TCP_OPT_F_WS) != 0;
	bool ts = (opts->flags & TERN_TCP_OPT_F_TS) != 0;
	bool sack_perm = (opts->flags & TERN_TCP_OPT_F_SACK_PERM) != 0 || opts->sack_permitted;
	size_t need;
	uint8_t *p = buf;

	if (ws && opts->wscale > TERN_TCP_WSCALE_MAX)
		return -EINVAL;
	need = (mss ? 4 : 0) + (ts ? 12 : 0) + (ws ? 4 : 0) + (sack_perm && !ts ? 4 : 0);
	if (need > size)
		return -ENOSPC;

	if (mss) {
		p[0] = TERN_TCPOPT_MSS;
		p[1] = TERN_TCPOLEN_MSS;
		put_be16(p + 2, opts->mss);
		p += 4;
	}
	if (ts) {
		if (sack_perm) {
			p[0] = TERN_TCPOPT_SACK_PERM;
			p[1] = TERN_TCPOLEN_SACK_PERM;
			p[2] = TERN_TCPOPT_TS;
			p[3] = TERN_TCPOLEN_TS;
			p += 4;
		} else {
			p = put_nop_nop(p, TERN_TCPOPT_TS, TERN_TCPOLEN_TS);
		}
		put_be32(p, opts->ts_val);
		put_be32(p + 4, opts->ts_ecr);
		p += 8;
	}
	if (ws) {
		p[0] = TERN_TCPOPT_NOP;
		p[1] = TERN_TCPOPT_WS;
		p[2] = TERN_TCPOLEN_WS;
		p[3] = opts->wscale;
		p += 4;
	}
	if (sack_perm && !ts)
		p = put_nop_nop(p, TERN_TCPOPT_SACK_PERM, TERN_TCPOLEN_SACK_PERM);
	return (int)(p - buf);
}

int
tcp_opts_write(uint8_t *buf, size_t size, const struct tern_tcp_opts *opts)
{
	bool ts = (opts->flags & TERN_TCP_OPT_F_TS) != 0;
	unsigned int nb_sack = 0;
	unsigned int room;
	unsigned int i;
	size_t need;
	uint8_t *p = buf;

	if (opts->flags & TERN_TCP_OPT_F_SACK) {
		nb_sack = opts->nb_sack;
		/* 4 bytes of NOP NOP kind len, then 8 per block, in what ts leaves. */
		room = (TERN_TCP_OPT_MAX - (ts ? 12 : 0) - 4) / TERN_TCPOLEN_SACK_BLOCK;
		if (room > TERN_TCP_SACK_MAX)
			room = TERN_TCP_SACK_MAX;
		if (nb_sack > room)
			nb_sack = room;
	}
	need = (ts ? 12 : 0) + (nb_sack > 0 ? 4 + nb_sack * TERN_TCPOLEN_SACK_BLOCK : 0);
	if (need > size)
		return -ENOSPC;

	if (ts) {
		p = put_nop_nop(p, TERN_TCPOPT_TS, TERN_TCPOLEN_TS);
		put_be32(p, opts->ts_val);
		put_be32(p + 4, opts->ts_ecr);
		p += 8;
	}
	if (nb_sack > 0) {
		p = put_nop_nop(p, TERN_TCPOPT_SACK, (uint8_t)(TERN_TCPOLEN_SACK_BASE +
					nb_sack * TERN_TCPOLEN_SACK_BLOCK));
		for (i = 0; i < nb_sack; i++) {
			put_be32(p, opts->sack[i].left);
			put_be32(p + 4, opts->sack[i].right);
			p += TERN_TCPOLEN_SACK_BLOCK;
		}
	}
	return (int)(p - buf);
}
