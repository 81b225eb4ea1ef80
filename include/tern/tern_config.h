/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_CONFIG_H
#define TERN_CONFIG_H

/**
 * @file
 * Compile-time limits of tern. Run-time tunables live in the parameter
 * structs handed to tern_dev_create(), tern_net_create() and tern_ctx_create().
 */

/** Most devices (ports) one tern_net may hold, and so one context may poll. */
#define TERN_MAX_PORTS		8
/** Most IPv4 addresses per interface. */
#define TERN_MAX_ADDR4		4
/** Most IPv6 addresses per interface, the link-local one included. */
#define TERN_MAX_ADDR6		4
/** Packets read from a queue per rx burst. */
#define TERN_RX_BURST		32
/** Packets a context queues per port before it flushes to the device. */
#define TERN_TX_BUF		512
/** Packets a context holds per neighbor while it resolves it (a 64 KB datagram
 * is 45 fragments: they all wait). */
#define TERN_NEIGH_HOLD		64
/** Packets a context holds in all while resolving neighbors. */
#define TERN_NEIGH_HOLD_MAX	1024
/** Most next hops (routes' targets) in one tern_net. */
#define TERN_MAX_NEXTHOPS	1024

/** Most contexts alive at once in a process (the telemetry socket's view). */
#define TERN_MAX_CTX		128

/** Packets the impairment layer holds (delayed, reordered) per direction. */
#define TERN_IMPAIR_HOLD_MAX	16384

/** Export marker for the shared library's public symbols. */
#define TERN_API __attribute__((visibility("default")))

#endif /* TERN_CONFIG_H */
