/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "tern_tcp_priv.h"
#include "tcp_sock.h"

/*
 * What the socket layer (lib/sock) reads of a stream beyond the public
 * calls: readiness it must derive from state, and the buffer sizes that
 * getsockopt() reports.
 */

uint32_t
tcp_sock_acceptq_len(const struct tern_tcp_stream *l)
{
	return (l->tf & TF_LISTENER) ? l->lx->aq_len : 0;
}

bool
tcp_sock_fin_rcvd(const struct tern_tcp_stream *s)
{
	return (s->tf & TF_FIN_RCVD) != 0;
}

uint32_t
tcp_sock_sndbuf(const struct tern_tcp_stream *s)
{
	return s->snd_buf;	/* a listener's: what its connections inherit */
}

uint32_t
tcp_sock_rcvbuf(const struct tern_tcp_stream *s)
{
	return s->rcv_buf;
}

void
tcp_sock_set_sndbuf(struct tern_tcp_stream *s, uint32_t bytes)
{
	if (bytes == 0)
		return;
	bytes = tcp_min(bytes, TCP_MAX_BUF);
	s->snd_buf = bytes;
}

const struct tern_tcp_config *
tcp_sock_config(const struct tern_ctx *ctx)
{
	const struct tern_tcp_ctx *tc = tcpc(ctx);

	return tc != NULL ? &tc->cfg : NULL;
}

size_t
tcp_sock_peek(const struct tern_tcp_stream *s, const struct iovec *iov, int cnt)
{
	const struct rte_mbuf *m = s->rcvq_head;
	uint32_t moff = 0;
	size_t done = 0;
	int i;

	for (i = 0; i < cnt && m != NULL; i++) {
		uint8_t *p = iov[i].iov_base;
		size_t off = 0;

		while (off < iov[i].iov_len && m != NULL) {
			size_t n = RTE_MIN((size_t)(m->data_len - moff), iov[i].iov_len - off);

			memcpy(p + off, rte_pktmbuf_mtod_offset(m, const uint8_t *, moff), n);
			off += n;
			moff += (uint32_t)n;
			if (moff == m->data_len) {
				m = m->next;
				moff = 0;
			}
		}
		done += off;
	}
	return done;
}
