/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_TCP_COOKIE_H
#define TERN_TCP_COOKIE_H

/*
 * Stateless SYN cookies (RFC 4987 3.6): the ISN of a SYN-ACK that carries,
 * authenticated by a keyed hash, what the listener needs to build the
 * connection when the ACK comes back, so that a SYN flood costs no memory.
 * The layout is described at the top of lib/tcp/tcp_cookie.c.
 *
 * What a cookie connection keeps: the MSS, rounded down to one of 8 values
 * (536, 1220, 1300, 1380, 1420, 1440, 1460, 8940). What it keeps only if the
 * peer sent timestamps: window scale and SACK-permitted, carried in the low
 * bits of our timestamp (tcp_cookie_tsval()). Without timestamps it
 * has neither (RFC 4987 3.6).
 *
 * Lifetime: a cookie made at time unit t (TERN_TCP_COOKIE_UNIT_NS, 64 s) is
 * accepted while the clock is in unit t or t + 1 and rejected from unit
 * t + 2 on: at most 2 units (128 s) old, and at least 1 unit (64 s) after
 * it was made. A clock that went back to unit t - 1 rejects it too.
 *
 * The secret: a struct tern_tcp_isn_secret of its own (not the ISN
 * secret), set up with tcp_isn_init() and owned by the caller. The
 * time unit is under the hash, so the secret needs no rotation to expire
 * cookies. Everyone who checks a cookie must use the same secret and a
 * clock that agrees to well under a unit (e.g. the TSC-based clock shared
 * by all lcores).
 *
 * Internal, not installed. No call keeps state: all are safe from any
 * lcore as long as nobody rewrites the secret meanwhile.
 */

#include <stdbool.h>
#include <stdint.h>

/* Defined in tern_tcp_priv.h, which includes this header. */
struct tern_tcp_isn_secret;
struct tern_tcp_key;

/* Length of one time unit of the cookie clock: 64 seconds. */
#define TERN_TCP_COOKIE_UNIT_NS		(UINT64_C(64) * 1000000000)
/* A cookie is accepted in the unit it was made in and the next one. */
#define TERN_TCP_COOKIE_MAX_AGE_UNITS	2
/*
 * Low bits of the timestamp value that carry the options: the tsval of
 * tcp_cookie_tsval() lies less than 2^6 ticks before now_ts.
 */
#define TERN_TCP_COOKIE_TS_BITS		6

/*
 * The cookie for a SYN received on 4-tuple @k (IPv4 or IPv6, as
 * k->family says; addresses and ports in network byte order, seen from our
 * side): the ISN to send in the SYN-ACK (our sequence number; the peer
 * acknowledges cookie + 1). An IPv4 cookie never checks as an IPv6 one
 * (v4-mapped or not).
 *
 * @param sec      the cookie secret
 * @param k        the connection's key: family, laddr, lport, raddr, rport
 * @param peer_isn the sequence number of the peer's SYN
 * @param peer_mss the MSS the peer announced; without an MSS option the
 *                 default of RFC 9293 3.7.1 (536 for IPv4, 1220 for IPv6)
 * @param now_ns   the caller's clock, nanoseconds (monotonic)
 * @param mss_out  if not NULL, the MSS the cookie encodes: the largest
 *                 table entry <= @peer_mss, or the smallest entry (536) if
 *                 @peer_mss is below all. The caller clamps it to its own
 *                 limit (route MTU) when sending.
 * @return the cookie. Cannot fail.
 */
uint32_t tcp_cookie(const struct tern_tcp_isn_secret *sec, const struct tern_tcp_key *k,
		    uint32_t peer_isn, uint16_t peer_mss, uint64_t now_ns, uint16_t *mss_out);

/*
 * Check the cookie that the ACK of a handshake returns, for a listener that
 * keeps no state for it: @peer_isn is the ACK's sequence number - 1,
 * @cookie its acknowledgment number - 1, @k the 4-tuple of the ACK seen
 * from our side.
 *
 * @param mss_out if not NULL and the cookie is valid, the MSS it encodes
 *                (untouched otherwise)
 * @return 0 if @cookie is one tcp_cookie() made for this 4-tuple,
 *         @peer_isn and @sec, in the current time unit or the one before;
 *         -EINVAL otherwise (forged, altered, for another connection, or
 *         expired).
 */
int tcp_cookie_check(const struct tern_tcp_isn_secret *sec, const struct tern_tcp_key *k,
		     uint32_t peer_isn, uint32_t cookie, uint64_t now_ns, uint16_t *mss_out);

/*
 * The timestamp value to send in a cookie SYN-ACK (only when the peer's SYN
 * had timestamps): @now_ts moved back by 0..63 ticks so that its low
 * TERN_TCP_COOKIE_TS_BITS bits carry the options the peer's SYN asked for.
 * The result is never after @now_ts in modulo-2^32 timestamp order
 * (RFC 7323 5.2) and lies less than 64 ticks before it: near 0 it wraps
 * back past 2^32 - 1, which is "before" in that order.
 *
 * @param now_ts the timestamp clock now
 * @param wscale the peer's window scale, or -1 if its SYN had none; values
 *               above 14 are taken as 14 and below -1 as -1
 * @param sack   the peer's SYN had SACK-permitted
 * @return the tsval to send
 */
uint32_t tcp_cookie_tsval(uint32_t now_ts, int wscale, bool sack);

/*
 * Read the options back from the timestamp echo reply of the ACK that
 * completes a cookie handshake (only if it has a timestamps option).
 *
 * @param tsecr  the ACK's TSecr
 * @param wscale set to the window scale (0..14) or -1 for none
 * @param sack   set to whether SACK was permitted
 * @return 0; -EINVAL if @tsecr cannot be a value tcp_cookie_tsval()
 *         made (its check bit is wrong: the echo was altered, or is 0),
 *         with *wscale = -1 and *sack = false. The caller then drops the
 *         ACK or goes on without window scaling and SACK.
 */
int tcp_cookie_ts_decode(uint32_t tsecr, int *wscale, bool *sack);

#endif /* TERN_TCP_COOKIE_H */
