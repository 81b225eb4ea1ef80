/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_pcapng.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include <tern/tern_capture.h>

#include "tern_core.h"

/*
 * In-process capture (tern_capture.h): each context copies what it reads
 * and what it queues for sending (rte_pcapng_copy) into a batch of its own
 * and writes the batch at its next flush. Why not rte_pdump: it needs a
 * secondary process (dpdk-dumpcap), which DPDK 22.11 does not run beside a
 * --no-huge primary, and it sees ethdev queues only.
 */

#define CAP_POOL	4095	/* buffers for copies not written yet: 64 a context, with room */

struct tern_capture {
	int fd;
	rte_pcapng_t *pcapng;
	struct rte_mempool *mp;
	uint32_t snaplen;
	uint64_t pkts;			/* atomic */
	uint64_t lost;			/* atomic */
};

struct tern_capture *
tern_capture_open(const char *path, uint32_t snaplen)
{
	static unsigned int seq;
	struct tern_capture *cap;
	char name[RTE_MEMPOOL_NAMESIZE];

	if (path == NULL) {
		rte_errno = EINVAL;
		return NULL;
	}
	if (snaplen == 0 || snaplen > UINT16_MAX)
		snaplen = UINT16_MAX;
	cap = rte_zmalloc("tern_capture", sizeof(*cap), 0);
	if (cap == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	cap->snaplen = snaplen;
	cap->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	if (cap->fd < 0) {
		rte_errno = errno;
		rte_free(cap);
		return NULL;
	}
	snprintf(name, sizeof(name), "tern_cap%u", __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	/*
	 * Copies are chains of buffers the size of a link frame and the pcapng
	 * block around it: a TSO frame of 64 KB takes several, a short one one.
	 */
	cap->mp = rte_pktmbuf_pool_create(name, CAP_POOL, 256, 0,
					  (uint16_t)rte_pcapng_mbuf_size(
						  RTE_MIN(snaplen, (uint32_t)RTE_MBUF_DEFAULT_DATAROOM)),
					  SOCKET_ID_ANY);
	if (cap->mp != NULL)
		cap->pcapng = rte_pcapng_fdopen(cap->fd, NULL, NULL, "tern", NULL);
	if (cap->mp == NULL || cap->pcapng == NULL) {
		int e = rte_errno ? rte_errno : ENOMEM;

		rte_mempool_free(cap->mp);
		close(cap->fd);
		rte_free(cap);
		rte_errno = e;
		return NULL;
	}
	return cap;
}

void
tern_capture_stats(const struct tern_capture *cap, uint64_t *pkts, uint64_t *lost)
{
	if (pkts != NULL)
		*pkts = __atomic_load_n(&cap->pkts, __ATOMIC_RELAXED);
	if (lost != NULL)
		*lost = __atomic_load_n(&cap->lost, __ATOMIC_RELAXED);
}

void
tern_capture_close(struct tern_capture *cap)
{
	if (cap == NULL)
		return;
	rte_pcapng_close(cap->pcapng);	/* closes the fd */
	rte_mempool_free(cap->mp);
	rte_free(cap);
}

/* Write @ctx's batch of copies. */
void
ctx_capture_flush(struct tern_ctx *ctx)
{
	struct tern_capture *cap = ctx->cap;
	uint16_t n = ctx->cap_n;

	if (n == 0)
		return;
	ctx->cap_n = 0;
	if (rte_pcapng_write_packets(cap->pcapng, ctx->cap_pkts, n) < 0)	/* frees them */
		__atomic_fetch_add(&cap->lost, n, __ATOMIC_RELAXED);
	else
		__atomic_fetch_add(&cap->pkts, n, __ATOMIC_RELAXED);
}

/*
 * The checksums a device would write, computed in @c (a private copy of a
 * frame queued with checksum offload), so that the capture shows the frame
 * as it goes on the wire.
 */
static void
cap_finish_cksums(struct rte_mbuf *c, uint64_t ol)
{
	uint32_t l3 = c->l2_len, l4 = c->l2_len + c->l3_len;
	void *ih = rte_pktmbuf_mtod_offset(c, void *, l3);
	uint32_t field = 0;		/* the L4 checksum's offset, 0: none */
	uint16_t sum = 0;

	if (c->data_len < l4 + sizeof(struct rte_udp_hdr))
		return;
	if (ol & RTE_MBUF_F_TX_IP_CKSUM) {
		struct rte_ipv4_hdr *h4 = ih;

		h4->hdr_checksum = 0;
		h4->hdr_checksum = rte_ipv4_cksum(h4);
	}
	if ((ol & RTE_MBUF_F_TX_L4_MASK) == RTE_MBUF_F_TX_TCP_CKSUM || (ol & RTE_MBUF_F_TX_TCP_SEG))
		field = l4 + offsetof(struct rte_tcp_hdr, cksum);
	else if ((ol & RTE_MBUF_F_TX_L4_MASK) == RTE_MBUF_F_TX_UDP_CKSUM)
		field = l4 + offsetof(struct rte_udp_hdr, dgram_cksum);
	if (field == 0 || c->data_len < field + 2)
		return;
	memset(rte_pktmbuf_mtod_offset(c, uint8_t *, field), 0, 2);
	if (ol & RTE_MBUF_F_TX_IPV4) {
		struct rte_ipv4_hdr *h4 = ih;

		if (ol & RTE_MBUF_F_TX_TCP_SEG)	/* the whole frame's length, not the pieces' */
			h4->total_length = rte_cpu_to_be_16((uint16_t)(c->pkt_len - l3));
		sum = rte_ipv4_udptcp_cksum_mbuf(c, h4, (uint16_t)l4);
		if (ol & RTE_MBUF_F_TX_IP_CKSUM || ol & RTE_MBUF_F_TX_TCP_SEG) {
			h4->hdr_checksum = 0;
			h4->hdr_checksum = rte_ipv4_cksum(h4);
		}
	} else {
		struct rte_ipv6_hdr *h6 = ih;

		if (ol & RTE_MBUF_F_TX_TCP_SEG)
			h6->payload_len = rte_cpu_to_be_16((uint16_t)(c->pkt_len - l4));
		sum = rte_ipv6_udptcp_cksum_mbuf(c, h6, (uint16_t)l4);
	}
	memcpy(rte_pktmbuf_mtod_offset(c, uint8_t *, field), &sum, 2);
}

void
ctx_capture(struct tern_ctx *ctx, uint16_t port, struct rte_mbuf **pkts, uint16_t n, bool tx)
{
	struct tern_capture *cap = ctx->cap;
	const struct tern_ctx_port *p = &ctx->ports[port];
	uint64_t now = rte_get_tsc_cycles();
	uint16_t i;

	if (p->dev->vtx != NULL)
		return;		/* no ethdev port: no interface in the file */
	for (i = 0; i < n; i++) {
		const struct rte_mbuf *m = pkts[i];
		struct rte_mbuf *fixed = NULL, *c;
		uint64_t ol = m->ol_flags & (RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK |
					     RTE_MBUF_F_TX_TCP_SEG);

		if (tx && ol != 0) {
			fixed = rte_pktmbuf_copy(m, cap->mp, 0, UINT32_MAX);
			if (fixed != NULL) {
				fixed->l2_len = m->l2_len;
				fixed->l3_len = m->l3_len;
				cap_finish_cksums(fixed, m->ol_flags);
				m = fixed;
			}
		}
		c = rte_pcapng_copy(p->port_id, p->queue_id, m, cap->mp, cap->snaplen, now,
				    tx ? RTE_PCAPNG_DIRECTION_OUT : RTE_PCAPNG_DIRECTION_IN);
		rte_pktmbuf_free(fixed);
		if (c == NULL) {
			__atomic_fetch_add(&cap->lost, 1, __ATOMIC_RELAXED);
			continue;
		}
		ctx->cap_pkts[ctx->cap_n++] = c;
		if (ctx->cap_n == RTE_DIM(ctx->cap_pkts))
			ctx_capture_flush(ctx);
	}
}

int
tern_ctx_set_capture(struct tern_ctx *ctx, struct tern_capture *cap)
{
	if (ctx->cap != NULL)
		ctx_capture_flush(ctx);
	ctx->cap = cap;
	return 0;
}
