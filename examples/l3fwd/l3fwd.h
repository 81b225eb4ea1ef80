/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef L3FWD_H
#define L3FWD_H

/* tern-l3fwd: an IPv4/IPv6 router over tern's net layer (lib/net/fwd.c). */

#include <stdbool.h>
#include <stdint.h>

#include <tern/tern.h>

#define L3FWD_NAME	"tern-l3fwd"

/* tern-l3fwd's own options; ports, routes, neighbors are the bring-up's. */
struct l3fwd_opts {
	double stats_interval;		/* seconds; 0: no periodic line */
	bool no_fwd4, no_fwd6;
	uint64_t tx_hold_ns;		/* --tx-hold; 0: send at every poll */
};

/*
 * opts.c: the bring-up parameters of tern-l3fwd, its options into @o. A
 * program that takes tern-l3fwd's options and adds its own builds opts.c
 * in, copies l3fwd_opts_table (ids L3FWD_OPT_FIRST..L3FWD_OPT_LAST) into a
 * table with its own options (other ids), and hands those ids to
 * l3fwd_parse_opt() with a struct l3fwd_opts.
 */
enum { L3FWD_OPT_FIRST = 0, L3FWD_OPT_LAST = 3 };
/* Apply the options that are the context's (--tx-hold) to a worker's context. */
int l3fwd_ctx_setup(const struct l3fwd_opts *o, struct tern_ctx *ctx);
void l3fwd_param(struct tern_app_param *p, struct l3fwd_opts *o);
extern const struct tern_app_opt l3fwd_opts_table[];
int l3fwd_parse_opt(void *arg, int id, const char *val);

#endif /* L3FWD_H */
