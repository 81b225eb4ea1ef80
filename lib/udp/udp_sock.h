/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_UDP_SOCK_H
#define TERN_UDP_SOCK_H

/*
 * The narrow view of UDP the socket layer (lib/sock) has beyond the public
 * calls of tern_udp.h (lib/udp/udp_sock.c). lib/sock includes only this of
 * lib/udp.
 */

#include <tern/tern_udp.h>

struct rte_mbuf;

/* The next datagram of @s's receive queue, left there (MSG_PEEK); NULL if none. */
struct rte_mbuf *udp_sock_peek(const struct tern_udp_stream *s);
/* Drop the next datagram of @s's receive queue (there must be one). */
void udp_sock_drop_head(struct tern_udp_stream *s);
/*
 * The socket's connected peer (NULL: none). The stream itself stays
 * unconnected (the sock layer filters), but ICMP errors quoting a datagram
 * to @peer are kept for it as for a connected stream, with a
 * TERN_EV_READABLE event so that a wait sees them.
 */
void udp_sock_set_peer(struct tern_udp_stream *s, const struct tern_sockaddr *peer);
/* The pending ICMP error of @s (negative errno, 0: none); @take clears it. */
int udp_sock_error(struct tern_udp_stream *s, bool take);

#endif /* TERN_UDP_SOCK_H */
