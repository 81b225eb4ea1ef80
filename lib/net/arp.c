/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <string.h>

#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "tern_net_priv.h"

/* Whether @a is in one of @ifp's subnets: only such senders get an entry. */
static bool
arp_onlink(const struct tern_iface *ifp, tern_ip4_t a)
{
	unsigned int i;

	for (i = 0; i < ifp->nb_addr4; i++)
		if ((a & ifp->addr4[i].mask) == (ifp->addr4[i].addr & ifp->addr4[i].mask))
			return true;
	return false;
}

static const struct rte_ether_addr bcast_mac = {
	.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }
};

/*
 * ARP input, RFC 826 with the merge rule: a sender already in the table is
 * updated whatever the target; a sender asking for one of our addresses is
 * added. Requests for our addresses are answered in place, in the same mbuf.
 */
void
arp_input(struct tern_ctx *ctx, uint16_t ifindex, struct rte_mbuf *m)
{
	const struct tern_iface *ifp = &ctx->net->ifaces[ifindex];
	struct rte_arp_hdr *ah;
	struct rte_ether_addr sha;
	tern_ip4_t sip, tip;
	uint16_t op;
	bool ours, learned = false;

	TERN_STAT_INC(ctx, arp_in);
	if (m->data_len < sizeof(*ah)) {
		TERN_STAT_INC(ctx, drop_arp_bad);
		goto drop;
	}
	ah = rte_pktmbuf_mtod(m, struct rte_arp_hdr *);
	op = rte_be_to_cpu_16(ah->arp_opcode);
	if (ah->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
	    ah->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    ah->arp_hlen != RTE_ETHER_ADDR_LEN || ah->arp_plen != 4 ||
	    (op != RTE_ARP_OP_REQUEST && op != RTE_ARP_OP_REPLY)) {
		TERN_STAT_INC(ctx, drop_arp_bad);
		goto drop;
	}
	sha = ah->arp_data.arp_sha;
	sip = ah->arp_data.arp_sip;
	tip = ah->arp_data.arp_tip;
	if (rte_is_multicast_ether_addr(&sha) || rte_is_zero_ether_addr(&sha)) {
		TERN_STAT_INC(ctx, drop_arp_bad);
		goto drop;
	}
	if (op == RTE_ARP_OP_REQUEST)
		TERN_STAT_INC(ctx, arp_req_in);
	else
		TERN_STAT_INC(ctx, arp_rep_in);

	ours = iface_has_addr4(ifp, tip);
	/* A probe (RFC 5227) has sender 0.0.0.0: nothing to learn. */
	if (sip != 0 && !iface_has_addr4(ifp, sip)) {
		/* Merge: update an existing entry, create one if it asks us. */
		if (neigh_update(ctx->net, ifindex, 4, &sip, &sha, TERN_NEIGH_REACHABLE,
				      ctx->now_ns, ours && sip != tip && arp_onlink(ifp, sip)) == 0) {
			TERN_STAT_INC(ctx, neigh_learned);
			neigh_release(ctx);
			learned = true;
		}
	}
	if (!ours) {
		/* For someone else: useful only if it refreshed an entry. */
		if (!learned)
			TERN_STAT_INC(ctx, drop_arp_not_ours);
		goto drop;
	}
	if (op != RTE_ARP_OP_REQUEST || sip == tip)
		goto drop;

	/* Answer in place. */
	ah->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
	ah->arp_data.arp_tha = sha;
	ah->arp_data.arp_tip = sip;
	ah->arp_data.arp_sha = ifp->mac;
	ah->arp_data.arp_sip = tip;
	pkt_cut(m, sizeof(*ah));
	m->ol_flags &= RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL;	/* ownership stays */
	TERN_STAT_INC(ctx, arp_rep_out);
	eth_output(ctx, ifindex, m, &sha, RTE_ETHER_TYPE_ARP);
	return;
drop:
	rte_pktmbuf_free(m);
}

static int
arp_send(struct tern_ctx *ctx, uint16_t ifindex, tern_ip4_t sip, tern_ip4_t tip)
{
	const struct tern_iface *ifp = &ctx->net->ifaces[ifindex];
	struct rte_arp_hdr *ah;
	struct rte_mbuf *m = ctx_alloc_pkt(ctx, sizeof(*ah), (void **)&ah);

	if (m == NULL)
		return -ENOMEM;
	ah->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	ah->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ah->arp_hlen = RTE_ETHER_ADDR_LEN;
	ah->arp_plen = 4;
	ah->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	ah->arp_data.arp_sha = ifp->mac;
	ah->arp_data.arp_sip = sip;
	memset(&ah->arp_data.arp_tha, 0, sizeof(ah->arp_data.arp_tha));
	ah->arp_data.arp_tip = tip;
	eth_output(ctx, ifindex, m, &bcast_mac, RTE_ETHER_TYPE_ARP);
	return 0;
}

int
arp_request(struct tern_ctx *ctx, uint16_t ifindex, tern_ip4_t target)
{
	const struct tern_iface *ifp = &ctx->net->ifaces[ifindex];
	int ret = arp_send(ctx, ifindex, iface_src4(ifp, target), target);

	if (ret == 0)
		TERN_STAT_INC(ctx, arp_req_out);
	return ret;
}

int
arp_gratuitous(struct tern_ctx *ctx, uint16_t ifindex, tern_ip4_t addr)
{
	int ret = arp_send(ctx, ifindex, addr, addr);

	if (ret == 0)
		TERN_STAT_INC(ctx, arp_grat_out);
	return ret;
}
