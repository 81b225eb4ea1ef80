/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <stdbool.h>
#include <string.h>

#include <rte_mbuf.h>

#include "tern_udp_priv.h"
#include "udp_sock.h"

/* What the socket layer (lib/sock) reads and sets of a UDP stream. */

struct rte_mbuf *
udp_sock_peek(const struct tern_udp_stream *s)
{
	if (s->rxq_tail == s->rxq_head)
		return NULL;
	return s->rxq[s->rxq_head & s->rxq_mask];
}

void
udp_sock_drop_head(struct tern_udp_stream *s)
{
	rte_pktmbuf_free(s->rxq[s->rxq_head++ & s->rxq_mask]);
	if (s->rxq_head == s->rxq_tail)
		s->readable_posted = false;
}

void
udp_sock_set_peer(struct tern_udp_stream *s, const struct tern_sockaddr *peer)
{
	if (peer == NULL) {
		s->sock_peer_set = false;
		s->err = 0;
		return;
	}
	s->sock_peer = *peer;
	s->sock_peer_set = true;
	s->err = 0;
}

int
udp_sock_error(struct tern_udp_stream *s, bool take)
{
	return take ? udp_take_err(s) : s->err;
}
