/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_ASSERT_H
#define TERN_ASSERT_H

/*
 * TERN_ASSERT(cond): an invariant of the stack's own state (a counter that
 * must match what it counts, a window edge that must not pass another, a
 * timer that must be armed). On in builds with TERN_DEBUG defined (the
 * sanitizer build of `make test`, the fuzz harnesses): a broken one prints
 * where and aborts, so the test or the fuzzer stops on the first wrong
 * state instead of on its consequences much later. Compiled away
 * otherwise: the condition is not evaluated (it may be costly: a walk of
 * a queue), only type-checked.
 *
 * Never for what the network sends: a malformed packet is dropped and
 * counted, it must not stop the process.
 */

#ifdef TERN_DEBUG

#include <stdio.h>
#include <stdlib.h>

#include <rte_branch_prediction.h>

#define TERN_DEBUG_ON	1

static inline void __attribute__((noreturn, cold))
tern_assert_fail(const char *cond, const char *file, int line, const char *func)
{
	fprintf(stderr, "TERN_ASSERT failed: %s at %s:%d (%s)\n", cond, file, line, func);
	fflush(stderr);
	abort();
}

#define TERN_ASSERT(cond) do { \
	if (unlikely(!(cond))) \
		tern_assert_fail(#cond, __FILE__, __LINE__, __func__); \
} while (0)

#else

#define TERN_DEBUG_ON	0
#define TERN_ASSERT(cond) do { (void)sizeof(!(cond)); } while (0)

#endif /* TERN_DEBUG */

#endif /* TERN_ASSERT_H */
