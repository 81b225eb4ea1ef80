/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_LOG_H
#define TERN_LOG_H

/* Logging through rte_log, one registered type per area (tern.core, ...). */

#include <rte_log.h>

extern int tern_logtype_core;
extern int tern_logtype_net;
extern int tern_logtype_udp;
extern int tern_logtype_tcp;
extern int tern_logtype_sock;

#define TERN_LOG(level, area, fmt, ...)					\
	rte_log(RTE_LOG_ ## level, tern_logtype_ ## area,		\
		"tern." #area ": " fmt "\n", ##__VA_ARGS__)

#endif /* TERN_LOG_H */
