/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <string.h>

#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include <tern/tern_icmp.h>

#include "tern_net_priv.h"

/* An ICMP error carries as much of the offending packet as fits in 576 bytes. */
#define ICMP4_DEST_UNREACH	3
#define ICMP4_ERR_MAX	(576 - sizeof(struct rte_ipv4_hdr) - sizeof(struct rte_icmp_hdr))

void
icmp4_input(struct tern_ctx *ctx, struct rte_mbuf *m, const struct tern_ip_info *ip)
{
	struct rte_icmp_hdr *ic;

	TERN_STAT_INC(ctx, icmp4_in);
	if (unlikely(ip->l4_len < sizeof(*ic) || m->data_len < sizeof(*ic))) {
		TERN_STAT_INC(ctx, drop_icmp4_short);
		goto drop;
	}
	if (unlikely(cksum_mbuf(m, 0, ip->l4_len, 0) != 0)) {
		TERN_STAT_INC(ctx, drop_icmp4_cksum);
		goto drop;
	}
	ic = rte_pktmbuf_mtod(m, struct rte_icmp_hdr *);
	if (unlikely(ip->transparent)) {
		/* claimed for a transparent flow: only an error about it (ip4.c) */
		icmp4_err_input(ctx, m, ip);
		goto drop;
	}
	switch (ic->icmp_type) {
	case RTE_IP_ICMP_ECHO_REQUEST:
		TERN_STAT_INC(ctx, icmp4_echo_in);
		/* Like Linux by default: no answer to broadcast pings. */
		if (ip->bcast || ic->icmp_code != 0)
			goto drop;
		/* Answer in place: same id, sequence and data. */
		ic->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
		ic->icmp_cksum = 0;
		ic->icmp_cksum = cksum_mbuf(m, 0, ip->l4_len, 0);
		m->ol_flags &= RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL;	/* ownership stays */
		TERN_STAT_INC(ctx, icmp4_echo_out);
		ip4_output(ctx, m, ip->v4.dst, ip->v4.src, IPPROTO_ICMP, 0);
		return;
	case RTE_IP_ICMP_ECHO_REPLY:
		TERN_STAT_INC(ctx, icmp4_echo_rep_in);
		break;
	case ICMP4_DEST_UNREACH:
	case 11:	/* time exceeded */
	case 12:	/* parameter problem */
		icmp4_err_input(ctx, m, ip);	/* to the transport it quotes */
		break;
	default:
		TERN_STAT_INC(ctx, icmp4_other_in);
		break;
	}
drop:
	rte_pktmbuf_free(m);
}

void
icmp4_error(struct tern_ctx *ctx, const struct rte_mbuf *orig, uint8_t type, uint8_t code)
{
	const struct rte_ipv4_hdr *oh = rte_pktmbuf_mtod(orig, const struct rte_ipv4_hdr *);

	icmp4_error_src(ctx, orig, type, code, 0, oh->dst_addr);
}

bool
icmp4_error_src(struct tern_ctx *ctx, const struct rte_mbuf *orig, uint8_t type, uint8_t code,
		uint32_t info, tern_ip4_t from)
{
	const struct rte_ipv4_hdr *oh = rte_pktmbuf_mtod(orig, const struct rte_ipv4_hdr *);
	struct rte_icmp_hdr *ic;
	struct rte_mbuf *m;
	const void *src;
	uint32_t len;
	uint8_t *data;

	/* RFC 1122 3.2.2: never about a fragment but the first, nor about an ICMP error. */
	if (rte_be_to_cpu_16(oh->fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK)
		return false;
	if (oh->next_proto_id == IPPROTO_ICMP) {
		const struct rte_icmp_hdr *oic;
		struct rte_icmp_hdr buf;
		uint16_t ihl = (uint16_t)((oh->version_ihl & 0xf) << 2);

		oic = rte_pktmbuf_read(orig, ihl, sizeof(buf), &buf);
		if (oic == NULL || (oic->icmp_type != RTE_IP_ICMP_ECHO_REQUEST &&
				    oic->icmp_type != RTE_IP_ICMP_ECHO_REPLY))
			return false;
	}
	if (!icmp_ratelimit_ok(ctx)) {
		TERN_STAT_INC(ctx, icmp4_ratelimited);
		return false;
	}
	len = RTE_MIN(rte_be_to_cpu_16(oh->total_length), orig->pkt_len);
	len = RTE_MIN(len, (uint32_t)ICMP4_ERR_MAX);
	m = ctx_alloc_pkt(ctx, (uint16_t)(sizeof(*ic) + len), (void **)&ic);
	if (m == NULL)
		return false;
	memset(ic, 0, sizeof(*ic));
	ic->icmp_type = type;
	ic->icmp_code = code;
	/* the rest of the header: the next-hop MTU of Fragmentation Needed (RFC 1191) */
	info = rte_cpu_to_be_32(info);
	memcpy(&ic->icmp_ident, &info, sizeof(info));
	data = (uint8_t *)(ic + 1);
	src = rte_pktmbuf_read(orig, 0, len, data);
	if (src == NULL) {
		rte_pktmbuf_free(m);
		return false;
	}
	if (src != data)
		memcpy(data, src, len);
	ic->icmp_cksum = cksum_mbuf(m, 0, m->pkt_len, 0);
	if (type == ICMP4_DEST_UNREACH)
		TERN_STAT_INC(ctx, icmp4_unreach_out);
	return ip4_output(ctx, m, from, oh->src_addr, IPPROTO_ICMP, 0) == 0;
}

int
tern_icmp4_echo(struct tern_ctx *ctx, tern_ip4_t dst, uint16_t id, uint16_t seq, uint16_t len)
{
	struct rte_icmp_hdr *ic;
	struct rte_mbuf *m;
	uint8_t *p;
	uint16_t i;

	if (len > RTE_ETHER_MTU - sizeof(struct rte_ipv4_hdr) - sizeof(*ic))
		return -EMSGSIZE;
	m = ctx_alloc_pkt(ctx, (uint16_t)(sizeof(*ic) + len), (void **)&ic);
	if (m == NULL)
		return -ENOMEM;
	ic->icmp_type = RTE_IP_ICMP_ECHO_REQUEST;
	ic->icmp_code = 0;
	ic->icmp_cksum = 0;
	ic->icmp_ident = rte_cpu_to_be_16(id);
	ic->icmp_seq_nb = rte_cpu_to_be_16(seq);
	p = (uint8_t *)(ic + 1);
	for (i = 0; i < len; i++)
		p[i] = (uint8_t)i;
	ic->icmp_cksum = cksum_mbuf(m, 0, m->pkt_len, 0);
	return ip4_output(ctx, m, 0, dst, IPPROTO_ICMP, 0);
}
