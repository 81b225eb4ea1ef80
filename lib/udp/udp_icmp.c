/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <string.h>

#include "tern_udp_priv.h"

/*
 * ICMP errors for UDP. As BSD sockets do, only a connected stream hears of
 * them (an unconnected one could not tell which of its peers is meant),
 * and only of hard errors (port unreachable: nobody listens there),
 * as Linux without IP_RECVERR: the error is kept and the stream's next
 * send or receive call returns it, once (udp_take_err()).
 */
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
	if (s == NULL || !s->connected) {
		TERN_STAT_INC(ctx, drop_icmp_err_udp_no_stream);
		return;
	}
	TERN_STAT_INC(ctx, icmp_err_to_udp);
	if (e->kind == NET_ICMP_ERR_HARD)
		s->err = e->err;
}
