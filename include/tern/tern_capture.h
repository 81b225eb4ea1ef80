/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_CAPTURE_H
#define TERN_CAPTURE_H

/**
 * @file
 * In-process packet capture to a pcapng file (DPDK's rte_pcapng), for any
 * port type (memif, ring and TAP alike): every frame a context reads from
 * a device queue and every frame it queues for one, with timestamps and
 * the direction. Frames sent with checksum offload are captured with their
 * checksums computed, as they reach the wire; a TSO frame is captured
 * whole, before the device cuts it. Contexts of several lcores may share
 * one capture (the file is written with O_APPEND, one batch a write).
 * Costs a copy per packet while on; nothing when off.
 */

#include <stdint.h>

#include <tern/tern_config.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tern_ctx;
struct tern_capture;

/**
 * Open capture file @p path (created or truncated) for frames of at most
 * @p snaplen bytes (0: 65535), with a pool of copies of its own.
 * @return the capture, or NULL with rte_errno: EINVAL, the errno of
 *   open(2), ENOMEM.
 */
TERN_API struct tern_capture *tern_capture_open(const char *path, uint32_t snaplen);

/**
 * Capture what context @p ctx receives and sends into @p cap, or stop
 * (@p cap NULL: what it holds is written first). Lcore of @p ctx only.
 * @return 0.
 */
TERN_API int tern_ctx_set_capture(struct tern_ctx *ctx, struct tern_capture *cap);

/**
 * Frames written to @p cap into @p pkts, and frames not captured for want
 * of a buffer or a failed write into @p lost (either may be NULL).
 */
TERN_API void tern_capture_stats(const struct tern_capture *cap, uint64_t *pkts,
				 uint64_t *lost);

/**
 * Close @p cap. Every context must have stopped using it
 * (tern_ctx_set_capture(ctx, NULL), or tern_ctx_destroy()). Safe on NULL.
 */
TERN_API void tern_capture_close(struct tern_capture *cap);

#ifdef __cplusplus
}
#endif

#endif /* TERN_CAPTURE_H */
