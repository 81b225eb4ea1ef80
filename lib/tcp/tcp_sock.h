/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_TCP_SOCK_H
#define TERN_TCP_SOCK_H

/*
 * The narrow view of TCP the socket layer (lib/sock) has beyond the public
 * calls of tern_tcp.h: readiness it derives from state, and the buffer
 * sizes getsockopt() reports (lib/tcp/tcp_sock.c). lib/sock includes only
 * this of lib/tcp.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/uio.h>

#include <tern/tern_tcp.h>

struct tern_ctx;
struct tern_tcp_stream;

/* Connections waiting in listener @l's accept queue (0 if not a listener). */
uint32_t tcp_sock_acceptq_len(const struct tern_tcp_stream *l);
/* Whether the peer's FIN was taken in order. */
bool tcp_sock_fin_rcvd(const struct tern_tcp_stream *s);
/* Send / receive buffer in force (a listener's: what it hands on). */
uint32_t tcp_sock_sndbuf(const struct tern_tcp_stream *s);
uint32_t tcp_sock_rcvbuf(const struct tern_tcp_stream *s);
/* Change the send buffer (a listener's: for connections accepted later); 0: no change. */
void tcp_sock_set_sndbuf(struct tern_tcp_stream *s, uint32_t bytes);
/*
 * Copy the head of @s's receive queue into @iov (@cnt buffers, in order)
 * without taking it (MSG_PEEK). @return bytes copied.
 */
size_t tcp_sock_peek(const struct tern_tcp_stream *s, const struct iovec *iov, int cnt);
/* The context's TCP settings (defaults applied), or NULL. */
const struct tern_tcp_config *tcp_sock_config(const struct tern_ctx *ctx);

#endif /* TERN_TCP_SOCK_H */
