/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_TCP_PRIV_H
#define TERN_TCP_PRIV_H

/* Internal view of the TCP layer. Not installed. */

#include <stddef.h>
#include <stdint.h>

#include "tern_tcp_seq.h"
#include "tcp_opt.h"

/* ISN generation (RFC 6528), lib/tcp/tcp_isn.c */

/* The 128-bit secret of the ISN function: one per process or per context. */
struct tern_tcp_isn_secret {
	uint8_t key[16];
};

/*
 * SipHash-2-4 (Aumasson and Bernstein, 2012) of @len bytes at @msg under
 * the 16-byte key @key: the 64-bit result, key and message read as little
 * endian words as the paper specifies.
 */
uint64_t tern_siphash24(const uint8_t key[16], const void *msg, size_t len);

/*
 * Set up @secret: copy the 16 bytes of @key, or, if @key is NULL, fill it
 * from the kernel's random source (getrandom(2)).
 * @return 0; -errno of getrandom(2) if it fails (@secret is then zeroed:
 *         do not fall back to a guessable key).
 */
int tern_tcp_isn_init(struct tern_tcp_isn_secret *secret, const uint8_t *key);

/*
 * RFC 6528 initial sequence number for an IPv4 connection:
 *   ISN = M + F(localip, localport, remoteip, remoteport, secretkey)
 * with M = @now_ns / 4000 (a 4-microsecond timer) and F the low 32 bits of
 * SipHash-2-4 of the 4-tuple under @secret.
 * Addresses and ports are in network byte order, as in the headers.
 */
uint32_t tern_tcp_isn4(const struct tern_tcp_isn_secret *secret,
		       uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport,
		       uint64_t now_ns);

/* Same for IPv6: @laddr and @raddr are the 16 bytes of each address. */
uint32_t tern_tcp_isn6(const struct tern_tcp_isn_secret *secret,
		       const uint8_t laddr[16], uint16_t lport,
		       const uint8_t raddr[16], uint16_t rport, uint64_t now_ns);

#endif /* TERN_TCP_PRIV_H */
