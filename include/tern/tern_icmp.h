/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_ICMP_H
#define TERN_ICMP_H

/**
 * @file
 * Sending ICMP/ICMPv6 echo requests from a context (a small ping, used by
 * the demo and the tests to make tern resolve and reach a peer). Replies are
 * counted in icmp4_echo_rep_in / icmp6_echo_rep_in.
 */

#include <stdint.h>

#include <tern/tern_config.h>
#include <tern/tern_net.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tern_ctx;

/**
 * Send one ICMP echo request to @p dst with @p len bytes of payload.
 * The packet waits in the context if the next hop is being resolved.
 * @return 0, -ENETUNREACH (no route), -ENOMEM, -EMSGSIZE.
 */
TERN_API int tern_icmp4_echo(struct tern_ctx *ctx, tern_ip4_t dst, uint16_t id, uint16_t seq,
			     uint16_t len);

/** IPv6 form of tern_icmp4_echo(). */
TERN_API int tern_icmp6_echo(struct tern_ctx *ctx, const struct tern_ip6 *dst, uint16_t id,
			     uint16_t seq, uint16_t len);

#ifdef __cplusplus
}
#endif

#endif /* TERN_ICMP_H */
