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

const struct tcp_cc_ops *const tcp_cc_algos[TCP_CC_NB] = {
	NULL,
	&tcp_cc_cubic,
	&tcp_cc_newreno,
};

const struct tcp_cc_ops *
tcp_cc_find(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 1; i < TCP_CC_NB; i++)
		if (strcmp(tcp_cc_algos[i]->name, name) == 0)
			return tcp_cc_algos[i];
	return NULL;
}

uint8_t
tcp_cc_id(const struct tcp_cc_ops *ops)
{
	uint8_t i;

	for (i = 1; i < TCP_CC_NB; i++)
		if (tcp_cc_algos[i] == ops)
			return i;
	return 0;
}

const struct tcp_cc_ops *
tcp_cc_default(void)
{
	return &tcp_cc_cubic;
}
