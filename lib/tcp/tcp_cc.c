/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * The congestion-control algorithms by name (tcp_cc.h). The context's
 * configuration and a connection's parameters carry a name; the engine
 * resolves it here once and keeps the ops pointer.
 */
#include <stddef.h>
#include <string.h>

#include "tcp_cc.h"

static const struct tcp_cc_ops *const cc_algos[] = {
	&tcp_cc_cubic,
	&tcp_cc_newreno,
};

const struct tcp_cc_ops *
tcp_cc_find(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < sizeof(cc_algos) / sizeof(cc_algos[0]); i++)
		if (strcmp(cc_algos[i]->name, name) == 0)
			return cc_algos[i];
	return NULL;
}

const struct tcp_cc_ops *
tcp_cc_default(void)
{
	return &tcp_cc_cubic;
}
