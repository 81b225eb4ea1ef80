/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_IMPAIR_H
#define TERN_IMPAIR_H

/**
 * @file
 * A seeded impairment layer in a context's device path: it loses,
 * duplicates, corrupts, delays and reorders packets, like netem, but
 * deterministically. The same seed and the same packets give the same
 * decisions, and a manual clock drives the held packets, so a lossy run
 * replays exactly.
 *
 * It sits between the context and its devices, in both directions: on
 * what the context sends (at the flush, before the device or the virtual
 * device's callback) and on what it receives (in tern_ctx_input(), before
 * the protocol input). Each direction has its own generator (splitmix64),
 * seeded with @c seed for the transmit direction and @c ~seed for the
 * receive one, and decides for each packet, in this order, drawing only
 * for the probabilities that are not zero:
 *  1. loss: one draw; a lost packet is freed (impair_dropped) and no
 *     other draw is made for it;
 *  2. dup: one draw; a duplicate (a copy into the context's pool) follows
 *     the packet and goes through steps 3 and 4 on its own, after it
 *     (impair_duplicated);
 *  3. corrupt: one draw, then one for the byte (past the Ethernet header)
 *     and one for the non-zero value XORed into it (impair_corrupted);
 *  4. reorder: one draw, then one for an extra hold of 1 to
 *     TERN_IMPAIR_REORDER_MAX_NS ns (impair_reordered); so later packets
 *     overtake it.
 * A draw u (a 64-bit output) says yes when (u >> 11) * 2^-53 < probability.
 * Then the packet is held for @c delay_ns (plus the reorder hold), or
 * passes at once when both are zero (impair_delayed counts held packets).
 * A held packet's release time is rounded up to the context's timer tick
 * (1 ms by default). Held packets are released in order of that time
 * (first held first on a tie) by the context's timer wheel: when tern_ctx_poll(),
 * tern_ctx_advance() or tern_ctx_run_timers() runs at or after their time.
 * They count in tern_ctx_pending() and are freed by tern_ctx_destroy().
 * At most TERN_IMPAIR_HOLD_MAX are held per direction; more are dropped
 * (drop_impair_full).
 */

#include <stdint.h>

#include <tern/tern_config.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tern_ctx;

/** Longest extra hold of a reordered packet (10 ms). */
#define TERN_IMPAIR_REORDER_MAX_NS	10000000ULL

/** What the impairment layer does to each packet. */
struct tern_impair_param {
	double loss;		/**< probability (0..1) that a packet is lost */
	double dup;		/**< probability that it is duplicated */
	double reorder;		/**< probability that it is held back (reordered) */
	double corrupt;		/**< probability that one of its bytes is flipped */
	uint64_t delay_ns;	/**< every packet is held this long */
	uint64_t seed;		/**< seed of the decisions */
};

/** Directions of tern_ctx_set_impair_dir(), a bit mask. */
enum tern_impair_dir {
	TERN_IMPAIR_TX = 1u << 0,	/**< packets the context sends */
	TERN_IMPAIR_RX = 1u << 1,	/**< packets the context receives */
	TERN_IMPAIR_BOTH = TERN_IMPAIR_TX | TERN_IMPAIR_RX,
};

/**
 * Parse an impairment spec such as "loss=1,reorder=1,dup=1,delay=5,seed=42":
 * comma-separated key=value pairs, each key at most once. loss, dup,
 * reorder and corrupt are percentages (0 to 100, decimals allowed), delay
 * is in milliseconds (decimals allowed, at most one hour), seed an unsigned
 * 64-bit integer (decimal or 0x hex). Keys not given are zero. Thread-safe.
 * @return 0 with @p p filled, or -EINVAL (NULL argument, empty spec, unknown
 *   or repeated key, missing or malformed value, value out of range); @p p
 *   is left unchanged on error.
 */
TERN_API int tern_impair_parse(const char *spec, struct tern_impair_param *p);

/**
 * Impair both directions of @p ctx's device path with @p p (copied), or
 * stop impairing with NULL. Each call restarts the generators from the
 * seed. Packets already held are still released at their time.
 * @return 0, -EINVAL (probability out of 0..1 or not a number), -ENOMEM.
 */
TERN_API int tern_ctx_set_impair(struct tern_ctx *ctx, const struct tern_impair_param *p);

/**
 * As tern_ctx_set_impair(), for the directions in @p dirs only (enum
 * tern_impair_dir); the others keep their setting.
 * @return 0, -EINVAL (also: @p dirs empty or unknown bits), -ENOMEM.
 */
TERN_API int tern_ctx_set_impair_dir(struct tern_ctx *ctx, unsigned int dirs,
				     const struct tern_impair_param *p);

#ifdef __cplusplus
}
#endif

#endif /* TERN_IMPAIR_H */
