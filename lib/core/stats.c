/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <stddef.h>

#include <rte_common.h>
#include <rte_log.h>

#include <tern/tern.h>

#include "tern_log.h"

RTE_LOG_REGISTER(tern_logtype_core, tern.core, NOTICE);
RTE_LOG_REGISTER(tern_logtype_net, tern.net, NOTICE);
RTE_LOG_REGISTER(tern_logtype_udp, tern.udp, NOTICE);
RTE_LOG_REGISTER(tern_logtype_tcp, tern.tcp, NOTICE);
RTE_LOG_REGISTER(tern_logtype_sock, tern.sock, NOTICE);

static const char *const stat_names[] = {
#define TERN_STATS_NAME(name, desc) #name,
	TERN_STATS_LIST(TERN_STATS_NAME)
#undef TERN_STATS_NAME
};

static const char *const stat_descs[] = {
#define TERN_STATS_DESC(name, desc) desc,
	TERN_STATS_LIST(TERN_STATS_DESC)
#undef TERN_STATS_DESC
};

_Static_assert(RTE_DIM(stat_names) == TERN_STATS_COUNT, "stats names cover every field");

const char *
tern_stats_name(unsigned int idx)
{
	return idx < RTE_DIM(stat_names) ? stat_names[idx] : NULL;
}

const char *
tern_stats_desc(unsigned int idx)
{
	return idx < RTE_DIM(stat_descs) ? stat_descs[idx] : NULL;
}

const char *
tern_version(void)
{
	return TERN_VERSION;
}
