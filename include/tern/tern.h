/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_H
#define TERN_H

/**
 * @file
 * tern: a per-core, run-to-completion TCP/IP fast path on DPDK.
 * The umbrella header; each header below also compiles on its own.
 */

#include <tern/tern_config.h>
#include <tern/tern_stats.h>
#include <tern/tern_dev.h>
#include <tern/tern_net.h>
#include <tern/tern_ctx.h>
#include <tern/tern_icmp.h>
#include <tern/tern_impair.h>
#include <tern/tern_capture.h>
#include <tern/tern_udp.h>
#include <tern/tern_tcp.h>
#include <tern/tern_sock.h>
#include <tern/tern_app.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Library version, "MAJOR.MINOR.PATCH". */
TERN_API const char *tern_version(void);

#ifdef __cplusplus
}
#endif

#endif /* TERN_H */
