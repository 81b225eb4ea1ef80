/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <string.h>

#include "tern_udp_priv.h"
#include "udp_sock.h"

/*
 * ICMP errors for UDP. As BSD sockets do, only a connected stream hears of
 * them (an unconnected one could not tell which of its peers is meant),
 * and only of hard errors (port unreachable: nobody listens there),
 * as Linux without IP_RECVERR: the error is kept and the stream's next
 * send or receive call returns it, once (udp_take_err()).
 *
 * A stream under a connected socket of the sock layer is not connected
 * itself (the sock layer filters what it reads), but it knows the peer
 * (udp_sock_set_peer()): an error quoting a datagram to that peer is kept
 * as for a connected stream, and an event tells a waiting epoll.
 */

static bool
sock_peer_is(const struct tern_udp_stream *s, const struct net_icmp_err *e)
{
	if (!s->sock_peer_set || s->sock_peer.family != e->family ||
	    s->sock_peer.port != e->rport)
		return false;
	return e->family == 4 ? s->sock_peer.ip4 == e->raddr.ip4 :
		memcmp(s->sock_peer.ip6.a, e->raddr.a, 16) == 0;
}

void
udp_icmp_err(struct tern_ctx *ctx, const struct net_icmp_err *e)
{
	struct tern_udp_stream *s;
	struct tern_ip_info ip;

	memset(&ip, 0, sizeof(ip));
	ip.family = e->family;
	/* the quoted datagram went from laddr:lport to raddr:rport: look it up as an answer */
	if (e->family == 4) {
		ip.v4.src = e->raddr.ip4;
		ip.v4.dst = e->laddr.ip4;
	} else {
		ip.v6.src = e->raddr.ip6;
		ip.v6.dst = e->laddr.ip6;
	}
	s = udp_lookup(udpc(ctx), &ip, e->rport, e->lport);
	if (s == NULL || !(s->connected || sock_peer_is(s, e))) {
		TERN_STAT_INC(ctx, drop_icmp_err_udp_no_stream);
		return;
	}
	TERN_STAT_INC(ctx, icmp_err_to_udp);
	if (e->kind != NET_ICMP_ERR_HARD)
		return;
	s->err = e->err;
	if (s->sock_peer_set) {
		/* a wake-up only: readable_posted is about queued datagrams */
		struct tern_event ev = {
			.type = TERN_EV_READABLE, .obj = s, .udata = s->udata,
		};

		(void)ctx_post_event(ctx, &ev);
	}
}
