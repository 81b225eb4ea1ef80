/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_PRELOAD_H
#define TERN_PRELOAD_H

/* libtern_preload.so's internals (preload/). Not installed. */

#include <stdbool.h>
#include <stdint.h>

#include <tern/tern.h>

#define PL_MAX_KERNEL	16

/* An address prefix. */
struct pl_prefix {
	uint8_t family;		/* 4 or 6 */
	uint8_t len;
	tern_ip4_t ip4;
	struct tern_ip6 ip6;
};

struct pl_config {
	bool have4, have6;
	uint8_t len4, len6;
	tern_ip4_t addr4;
	struct tern_ip6 addr6;
	struct pl_prefix kernel[PL_MAX_KERNEL];	/* destinations left to the kernel */
	unsigned int nb_kernel;
	bool any_kernel;		/* a bind to the wildcard goes to the kernel */
	bool stats;			/* print the counters at exit */
};

/*
 * preload_config.c: the EAL, the port and the network from TERN_CONFIG (or
 * the TERN_* variables) through tern_app.h's bring-up; @c filled, the
 * network in @net. @return 0, or -1 after a message.
 */
int pl_bringup(struct pl_config *c, struct tern_net **net);

#endif /* TERN_PRELOAD_H */
