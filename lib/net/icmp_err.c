/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <string.h>

#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "tern_net_priv.h"

/*
 * ICMP and ICMPv6 errors, taken apart once and handed to the transport
 * that owns the flow they quote (net_ctx_set_l4_err()), as a struct
 * net_icmp_err: family, kind (soft, hard, path MTU), the errno it stands
 * for, the quoted addresses and ports and the first 8 bytes of the quoted
 * L4 header. What the net layer checks first (RFC 5927 4.1, 4.2):
 * the quoted IP header is whole and followed by 8 bytes of L4, it is not
 * a later fragment, and its source is one of our addresses (we sent it).
 * The transport checks the rest (a connection with that 4-tuple, a
 * sequence number it has in flight). Every outcome is counted.
 */

#define ICMP4_DEST_UNREACH	3
#define ICMP4_TIME_EXCEEDED	11
#define ICMP4_PARAM_PROBLEM	12
#define ICMP4_FRAG_NEEDED	4	/* code of ICMP4_DEST_UNREACH */

#define ICMP6_DST_UNREACH	1
#define ICMP6_PACKET_TOO_BIG	2
#define ICMP6_TIME_EXCEEDED	3
#define ICMP6_PARAM_PROB	4

#define ICMP_ERR_HDR		8	/* type, code, checksum, 4 bytes of data */
#define ICMP_ERR_L4		8	/* quoted L4 bytes a transport needs (RFC 792) */

/* RFC 1191 7: MTU plateaus, for a Fragmentation Needed without the next-hop MTU. */
static const uint16_t mtu_plateaus[] = {
	32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68,
};

static uint16_t
icmp4_plateau(uint16_t len)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(mtu_plateaus); i++)
		if (mtu_plateaus[i] < len)
			return mtu_plateaus[i];
	return 68;
}

/* Kind and errno of ICMP @type/@code (RFC 1122 3.2.2.1, 4.2.3.9; Linux's table). */
static bool
icmp4_classify(uint8_t type, uint8_t code, struct net_icmp_err *e)
{
	e->kind = NET_ICMP_ERR_SOFT;
	switch (type) {
	case ICMP4_DEST_UNREACH:
		switch (code) {
		case 0:		/* net unreachable */
		case 6:		/* destination network unknown */
		case 9:		/* network administratively prohibited */
		case 11:	/* network unreachable for TOS */
			e->err = -ENETUNREACH;
			break;
		case 2:		/* protocol unreachable */
		case 3:		/* port unreachable */
			e->kind = NET_ICMP_ERR_HARD;
			e->err = -ECONNREFUSED;
			break;
		case ICMP4_FRAG_NEEDED:
			e->kind = NET_ICMP_ERR_PMTU;
			e->err = -EMSGSIZE;
			break;
		default:	/* 1 host, 5 source route, 7 host unknown, 12 host TOS... */
			e->err = -EHOSTUNREACH;
			break;
		}
		/* administratively prohibited (RFC 1812 5.2.7.1): hard */
		if (code == 9 || code == 10 || code == 13)
			e->kind = NET_ICMP_ERR_HARD;
		return true;
	case ICMP4_TIME_EXCEEDED:
		e->err = -EHOSTUNREACH;
		return true;
	case ICMP4_PARAM_PROBLEM:
		e->err = -EPROTO;
		return true;
	default:
		return false;	/* source quench (RFC 6633) and the rest: ignored */
	}
}

/* As icmp4_classify(), for ICMPv6 (RFC 4443 3). */
static bool
icmp6_classify(uint8_t type, uint8_t code, struct net_icmp_err *e)
{
	e->kind = NET_ICMP_ERR_SOFT;
	switch (type) {
	case ICMP6_DST_UNREACH:
		switch (code) {
		case 0:		/* no route */
			e->err = -ENETUNREACH;
			break;
		case 1:		/* administratively prohibited */
		case 5:		/* source address failed ingress/egress policy */
		case 6:		/* reject route */
			e->kind = NET_ICMP_ERR_HARD;
			e->err = -EHOSTUNREACH;
			break;
		case 4:		/* port unreachable */
			e->kind = NET_ICMP_ERR_HARD;
			e->err = -ECONNREFUSED;
			break;
		default:	/* 2 beyond scope, 3 address unreachable */
			e->err = -EHOSTUNREACH;
			break;
		}
		return true;
	case ICMP6_PACKET_TOO_BIG:
		e->kind = NET_ICMP_ERR_PMTU;
		e->err = -EMSGSIZE;
		return true;
	case ICMP6_TIME_EXCEEDED:
		e->err = -EHOSTUNREACH;
		return true;
	case ICMP6_PARAM_PROB:
		/* code 1, unrecognized next header: the protocol is not there */
		e->kind = code == 1 ? NET_ICMP_ERR_HARD : NET_ICMP_ERR_SOFT;
		e->err = code == 1 ? -ECONNREFUSED : -EPROTO;
		return true;
	default:
		return false;
	}
}

/* Hand @e to the transport of its quoted protocol. */
static void
icmp_err_deliver(struct tern_ctx *ctx, const struct rte_mbuf *m, uint32_t l4_off,
		 uint32_t len, struct net_icmp_err *e)
{
	tern_l4_err_t fn = netc(ctx)->l4_err[e->proto];
	const uint8_t *p;

	if (fn == NULL) {
		TERN_STAT_INC(ctx, drop_icmp_err_no_proto);
		return;
	}
	e->l4_len = (uint8_t)RTE_MIN(len - l4_off, (uint32_t)sizeof(e->l4));
	p = rte_pktmbuf_read(m, l4_off, e->l4_len, e->l4);
	if (p == NULL) {
		TERN_STAT_INC(ctx, drop_icmp_err_short);
		return;
	}
	if (p != e->l4)
		memcpy(e->l4, p, e->l4_len);
	memcpy(&e->lport, e->l4, 2);
	memcpy(&e->rport, e->l4 + 2, 2);
	fn(ctx, e);
}

void
icmp4_err_input(struct tern_ctx *ctx, const struct rte_mbuf *m, const struct tern_ip_info *ip)
{
	const struct tern_net *net = ctx->net;
	const struct rte_icmp_hdr *ic;
	const struct rte_ipv4_hdr *oh;
	struct rte_icmp_hdr icb;
	struct rte_ipv4_hdr ohb;
	struct net_icmp_err e;
	uint32_t len = ip->l4_len, ihl;
	uint16_t i;
	bool ours = false;

	ic = rte_pktmbuf_read(m, 0, sizeof(icb), &icb);
	memset(&e, 0, sizeof(e));
	if (ic == NULL || !icmp4_classify(ic->icmp_type, ic->icmp_code, &e)) {
		TERN_STAT_INC(ctx, icmp4_other_in);
		return;
	}
	TERN_STAT_INC(ctx, icmp4_err_in);
	e.family = 4;
	e.type = ic->icmp_type;
	e.code = ic->icmp_code;
	oh = len >= ICMP_ERR_HDR + sizeof(ohb) ?
		rte_pktmbuf_read(m, ICMP_ERR_HDR, sizeof(ohb), &ohb) : NULL;
	ihl = oh != NULL ? (uint32_t)(oh->version_ihl & 0xf) << 2 : 0;
	/* RFC 5927 4.1: the quoted IP header whole, and 8 bytes of what follows */
	if (oh == NULL || (oh->version_ihl >> 4) != 4 || ihl < sizeof(ohb) ||
	    len < ICMP_ERR_HDR + ihl + ICMP_ERR_L4) {
		TERN_STAT_INC(ctx, drop_icmp_err_short);
		return;
	}
	if (rte_be_to_cpu_16(oh->fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK) {
		TERN_STAT_INC(ctx, drop_icmp_err_short);	/* no L4 header quoted */
		return;
	}
	/* a transparent flow's packets leave from an address not ours (ip4_claimed_err()) */
	ours = ip->transparent;
	for (i = 0; i < net->nb_ifaces && !ours; i++)
		ours = iface_has_addr4(&net->ifaces[i], oh->src_addr);
	if (!ours) {
		TERN_STAT_INC(ctx, drop_icmp_err_not_ours);
		return;
	}
	e.proto = oh->next_proto_id;
	e.quoted_len = rte_be_to_cpu_16(oh->total_length);
	memcpy(&e.laddr.ip4, &oh->src_addr, 4);
	memcpy(&e.raddr.ip4, &oh->dst_addr, 4);
	if (e.kind == NET_ICMP_ERR_PMTU) {
		/* RFC 1191 4: the next-hop MTU in the low 16 bits; 0 from old routers */
		e.mtu = rte_be_to_cpu_16(ic->icmp_seq_nb);
		if (e.mtu == 0)
			e.mtu = icmp4_plateau(e.quoted_len);
		/* RFC 5927 5.2: an MTU not below the packet's size tells nothing */
		if (e.mtu >= e.quoted_len || e.mtu < 68) {
			TERN_STAT_INC(ctx, drop_icmp_err_bad_mtu);
			return;
		}
	}
	icmp_err_deliver(ctx, m, ICMP_ERR_HDR + ihl, len, &e);
}

/* IPv6 extension headers a quoted packet may carry before its L4 header. */
#define IP6_NH_HOPOPTS	0
#define IP6_NH_ROUTING	43
#define IP6_NH_FRAG	44
#define IP6_NH_DSTOPTS	60
#define IP6_EXT_MAX	4

void
icmp6_err_input(struct tern_ctx *ctx, const struct rte_mbuf *m, const struct tern_ip_info *ip)
{
	const struct tern_net *net = ctx->net;
	const struct rte_ipv6_hdr *oh;
	struct rte_ipv6_hdr ohb;
	struct net_icmp_err e;
	struct tern_ip6 osrc;
	uint32_t len = ip->l4_len, off, mtu;
	const uint8_t *ich;
	uint8_t icb[ICMP_ERR_HDR], nh;
	uint16_t i;
	bool ours = false;

	ich = rte_pktmbuf_read(m, 0, sizeof(icb), icb);
	memset(&e, 0, sizeof(e));
	if (ich == NULL || !icmp6_classify(ich[0], ich[1], &e)) {
		TERN_STAT_INC(ctx, icmp6_other_in);
		return;
	}
	TERN_STAT_INC(ctx, icmp6_err_in);
	e.family = 6;
	e.type = ich[0];
	e.code = ich[1];
	mtu = (uint32_t)ich[4] << 24 | (uint32_t)ich[5] << 16 | (uint32_t)ich[6] << 8 | ich[7];
	oh = len >= ICMP_ERR_HDR + sizeof(ohb) ?
		rte_pktmbuf_read(m, ICMP_ERR_HDR, sizeof(ohb), &ohb) : NULL;
	if (oh == NULL || (rte_be_to_cpu_32(oh->vtc_flow) >> 28) != 6) {
		TERN_STAT_INC(ctx, drop_icmp_err_short);
		return;
	}
	/* the L4 header, past the extension headers tern may send (fragment) or quote */
	nh = oh->proto;
	off = ICMP_ERR_HDR + sizeof(ohb);
	for (i = 0; i < IP6_EXT_MAX; i++) {
		uint8_t xb[8];
		const uint8_t *x;

		if (nh != IP6_NH_HOPOPTS && nh != IP6_NH_ROUTING && nh != IP6_NH_FRAG &&
		    nh != IP6_NH_DSTOPTS)
			break;
		x = len >= off + sizeof(xb) ? rte_pktmbuf_read(m, off, sizeof(xb), xb) : NULL;
		if (x == NULL) {
			TERN_STAT_INC(ctx, drop_icmp_err_short);
			return;
		}
		if (nh == IP6_NH_FRAG) {
			if ((x[2] << 8 | x[3]) & 0xfff8) {
				TERN_STAT_INC(ctx, drop_icmp_err_short);	/* not the first */
				return;
			}
			off += 8;
		} else {
			off += ((uint32_t)x[1] + 1) * 8;
		}
		nh = x[0];
	}
	if (len < off + ICMP_ERR_L4) {
		TERN_STAT_INC(ctx, drop_icmp_err_short);
		return;
	}
	memcpy(osrc.a, oh->src_addr, 16);
	ours = ip->transparent;
	for (i = 0; i < net->nb_ifaces && !ours; i++)
		ours = iface_has_addr6(&net->ifaces[i], &osrc);
	if (!ours) {
		TERN_STAT_INC(ctx, drop_icmp_err_not_ours);
		return;
	}
	e.proto = nh;
	e.quoted_len = (uint16_t)RTE_MIN(sizeof(ohb) + rte_be_to_cpu_16(oh->payload_len),
					 (size_t)UINT16_MAX);
	memcpy(e.laddr.a, oh->src_addr, 16);
	memcpy(e.raddr.a, oh->dst_addr, 16);
	if (e.kind == NET_ICMP_ERR_PMTU) {
		/*
		 * RFC 8201 4: below 1280 the node keeps 1280 (the floor of
		 * the cache); not below the quoted packet's size (RFC 5927 5.2).
		 */
		if (mtu >= e.quoted_len) {
			TERN_STAT_INC(ctx, drop_icmp_err_bad_mtu);
			return;
		}
		e.mtu = (uint16_t)mtu;
	}
	icmp_err_deliver(ctx, m, off, len, &e);
}
