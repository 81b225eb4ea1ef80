/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * The socket-like API (lib/sock) between two stacks through the harness,
 * one test per behaviour: each call's errors as POSIX names them, TCP echo
 * over IPv4 and IPv6, UDP sendto/recvfrom, epoll level- and edge-triggered
 * readiness, connect completion through EPOLLOUT and SO_ERROR, SO_LINGER 0,
 * half-close, options reaching the engine, and handles refused from
 * another thread or lcore. B serves, A is the client; the harness's
 * virtual clock moves only in harness_run(), so every epoll_wait() here
 * has timeout 0 (or runs one pass: the clocks are manual).
 */
#include <errno.h>
#include <pthread.h>

#include <rte_launch.h>
#include <rte_lcore.h>

#include "sock_test.h"

/* ---------------------------------------------------------------------- */
/* Each call's errors */

static void
test_socket_errors_and_small_handles(void **state)
{
	struct fixture *f = *state;
	int a, b;

	make(f, __func__);
	ASSERT_ERR(tern_socket(ctx_a(f), AF_UNIX, SOCK_STREAM, 0), EAFNOSUPPORT);
	ASSERT_ERR(tern_socket(ctx_a(f), AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTOTYPE);
	ASSERT_ERR(tern_socket(ctx_a(f), AF_INET, SOCK_DGRAM, IPPROTO_TCP), EPROTOTYPE);
	ASSERT_ERR(tern_socket(ctx_a(f), AF_INET, SOCK_SEQPACKET, 0), EPROTONOSUPPORT);
	ASSERT_ERR(tern_socket(ctx_a(f), AF_INET, SOCK_STREAM, IPPROTO_ICMP), EPROTONOSUPPORT);
	ASSERT_ERR(tern_socket(NULL, AF_INET, SOCK_STREAM, 0), EINVAL);
	a = tern_socket(ctx_a(f), AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	b = tern_socket(ctx_a(f), AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
	assert_true(a >= 0);
	assert_int_equal(b, a + 1);		/* small ints, in order */
	assert_true(tern_sock_ctx(a) == ctx_a(f));
	assert_int_equal(tern_close(a), 0);
	/* the freed handle is reused */
	assert_int_equal(tern_socket(ctx_a(f), AF_INET, SOCK_STREAM, 0), a);
	FINISH(f, a, b);
}

static void
test_socket_table_full_emfile(void **state)
{
	struct fixture *f = *state;
	struct tern_sock_param p = { .max_socks = 2 };
	int a, b;

	make(f, __func__);
	assert_int_equal(tern_sock_ctx_init(ctx_a(f), &p), 0);
	ASSERT_ERR(tern_sock_ctx_init(ctx_a(f), &p), EEXIST);
	a = tern_socket(ctx_a(f), AF_INET, SOCK_STREAM, 0);
	b = tern_epoll_create(ctx_a(f), 1);
	assert_true(a >= 0 && b >= 0);
	ASSERT_ERR(tern_socket(ctx_a(f), AF_INET, SOCK_DGRAM, 0), EMFILE);
	ASSERT_ERR(tern_epoll_create1(ctx_a(f), 0), EMFILE);
	assert_int_equal(tern_close(b), 0);
	b = tern_socket(ctx_a(f), AF_INET, SOCK_DGRAM, 0);
	assert_true(b >= 0);
	FINISH(f, a, b);
}

static void
test_bad_handle_ebadf(void **state)
{
	struct fixture *f = *state;
	struct sockaddr_storage ss;
	socklen_t len = mkaddr(HARNESS_A, AF_INET, 0, &ss);
	char buf[8];
	int one = 1, fd, ep;

	make(f, __func__);
	fd = tern_socket(ctx_a(f), AF_INET, SOCK_STREAM, 0);
	ep = tern_epoll_create1(ctx_a(f), 0);
	assert_int_equal(tern_close(fd), 0);
	ASSERT_ERR(tern_close(fd), EBADF);
	ASSERT_ERR(tern_close(-1), EBADF);
	ASSERT_ERR(tern_close(fd + 1000), EBADF);
	ASSERT_ERR(tern_close(TERN_SOCK_FD_SPAN * (TERN_SOCK_MAX_CTX - 1)), EBADF);
	ASSERT_ERR(tern_bind(fd, (struct sockaddr *)&ss, len), EBADF);
	ASSERT_ERR(tern_listen(fd, 1), EBADF);
	ASSERT_ERR(tern_accept(fd, NULL, NULL), EBADF);
	ASSERT_ERR(tern_connect(fd, (struct sockaddr *)&ss, len), EBADF);
	ASSERT_ERR(tern_send(fd, "x", 1, 0), EBADF);
	ASSERT_ERR(tern_recv(fd, buf, sizeof(buf), 0), EBADF);
	ASSERT_ERR(tern_shutdown(fd, SHUT_WR), EBADF);
	ASSERT_ERR(tern_getsockname(fd, (struct sockaddr *)&ss, &len), EBADF);
	ASSERT_ERR(tern_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), EBADF);
	ASSERT_ERR(tern_epoll_ctl(ep, EPOLL_CTL_ADD, fd, &(struct epoll_event){ .events = EPOLLIN }),
		   EBADF);
	assert_null(tern_sock_tcp_stream(fd));
	assert_int_equal(errno, EBADF);
	/* an epoll handle is not a socket */
	ASSERT_ERR(tern_bind(ep, (struct sockaddr *)&ss, len), ENOTSOCK);
	ASSERT_ERR(tern_send(ep, "x", 1, 0), ENOTSOCK);
	FINISH(f, ep);
}

static void
test_bind_errors(void **state)
{
	struct fixture *f = *state;
	struct sockaddr_storage ss, ss6, other, got;
	struct sockaddr_in *in = (struct sockaddr_in *)&other;
	socklen_t len = mkaddr(HARNESS_B, AF_INET, TCP_PORT_B, &ss), len6, glen;
	int a, b, c;

	make(f, __func__);
	len6 = mkaddr(HARNESS_B, AF_INET6, TCP_PORT_B, &ss6);
	a = tern_socket(ctx_b(f), AF_INET, SOCK_STREAM, 0);
	ASSERT_ERR(tern_bind(a, NULL, len), EFAULT);
	ASSERT_ERR(tern_bind(a, (struct sockaddr *)&ss, len - 1), EINVAL);
	ASSERT_ERR(tern_bind(a, (struct sockaddr *)&ss6, len6), EAFNOSUPPORT);
	other = ss;
	in->sin_addr.s_addr = harness_ip4(10, 0, 0, 99);
	ASSERT_ERR(tern_bind(a, (struct sockaddr *)&other, len), EADDRNOTAVAIL);
	assert_int_equal(tern_bind(a, (struct sockaddr *)&ss, len), 0);
	ASSERT_ERR(tern_bind(a, (struct sockaddr *)&ss, len), EINVAL);	/* bound already */
	/* the same port on the same address, and on the wildcard */
	b = tern_socket(ctx_b(f), AF_INET, SOCK_STREAM, 0);
	ASSERT_ERR(tern_bind(b, (struct sockaddr *)&ss, len), EADDRINUSE);
	other = ss;
	in->sin_addr.s_addr = 0;
	ASSERT_ERR(tern_bind(b, (struct sockaddr *)&other, len), EADDRINUSE);
	/* the other family does not collide */
	c = tern_socket(ctx_b(f), AF_INET6, SOCK_STREAM, 0);
	assert_int_equal(tern_bind(c, (struct sockaddr *)&ss6, len6), 0);
	/* port 0: a free one, shown by getsockname */
	assert_int_equal(tern_close(b), 0);
	b = tern_socket(ctx_b(f), AF_INET, SOCK_STREAM, 0);
	other = ss;
	in->sin_port = 0;
	assert_int_equal(tern_bind(b, (struct sockaddr *)&other, len), 0);
	glen = sizeof(got);
	assert_int_equal(tern_getsockname(b, (struct sockaddr *)&got, &glen), 0);
	assert_int_equal(glen, sizeof(struct sockaddr_in));
	assert_true(port_of(&got) >= 49152);
	FINISH(f, a, b, c);
}

static void
test_bind_reuseaddr_and_reuseport(void **state)
{
	struct fixture *f = *state;
	struct sockaddr_storage ss;
	socklen_t len = mkaddr(HARNESS_B, AF_INET, TCP_PORT_B, &ss);
	int one = 1, a, b, c, d;

	make(f, __func__);
	/* SO_REUSEADDR on both: allowed while neither listens */
	a = tern_socket(ctx_b(f), AF_INET, SOCK_STREAM, 0);
	b = tern_socket(ctx_b(f), AF_INET, SOCK_STREAM, 0);
	assert_int_equal(tern_setsockopt(a, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	assert_int_equal(tern_setsockopt(b, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	assert_int_equal(tern_bind(a, (struct sockaddr *)&ss, len), 0);
	assert_int_equal(tern_bind(b, (struct sockaddr *)&ss, len), 0);
	assert_int_equal(tern_listen(a, 4), 0);
	/* now a listens: a third one, SO_REUSEADDR or not, is refused */
	c = tern_socket(ctx_b(f), AF_INET, SOCK_STREAM, 0);
	assert_int_equal(tern_setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	ASSERT_ERR(tern_bind(c, (struct sockaddr *)&ss, len), EADDRINUSE);
	/* b was bound before: its listen finds a's listener */
	ASSERT_ERR(tern_listen(b, 4), EADDRINUSE);
	assert_int_equal(tern_close(a), 0);
	assert_int_equal(tern_close(b), 0);
	/* SO_REUSEPORT on both: binding is shared, one listener per context */
	a = tern_socket(ctx_b(f), AF_INET, SOCK_STREAM, 0);
	d = tern_socket(ctx_b(f), AF_INET, SOCK_STREAM, 0);
	assert_int_equal(tern_setsockopt(a, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)), 0);
	assert_int_equal(tern_setsockopt(d, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)), 0);
	assert_int_equal(tern_bind(a, (struct sockaddr *)&ss, len), 0);
	assert_int_equal(tern_listen(a, 4), 0);
	assert_int_equal(tern_bind(d, (struct sockaddr *)&ss, len), 0);
	ASSERT_ERR(tern_listen(d, 4), EADDRINUSE);
	FINISH(f, a, c, d);
}

static void
test_listen_errors(void **state)
{
	struct fixture *f = *state;
	struct sockaddr_storage got;
	socklen_t glen = sizeof(got);
	int u, l, c;

	make(f, __func__);
	u = tern_socket(ctx_b(f), AF_INET, SOCK_DGRAM, 0);
	ASSERT_ERR(tern_listen(u, 4), EOPNOTSUPP);
	/* unbound: a free port */
	l = tern_socket(ctx_b(f), AF_INET, SOCK_STREAM, 0);
	assert_int_equal(tern_listen(l, 4), 0);
	assert_int_equal(tern_listen(l, 8), 0);		/* again: fine */
	assert_int_equal(tern_getsockname(l, (struct sockaddr *)&got, &glen), 0);
	assert_true(port_of(&got) >= 49152);
	/* connecting */
	c = connect_a(f, AF_INET, PORT_NONE);
	ASSERT_ERR(tern_listen(c, 4), EINVAL);
	FINISH(f, u, l, c);
}

static void
test_accept_errors(void **state)
{
	struct fixture *f = *state;
	struct sockaddr_storage ss;
	socklen_t len;
	int u, s, l;

	make(f, __func__);
	u = tern_socket(ctx_b(f), AF_INET, SOCK_DGRAM, 0);
	s = tern_socket(ctx_b(f), AF_INET, SOCK_STREAM, 0);
	ASSERT_ERR(tern_accept(u, NULL, NULL), EOPNOTSUPP);
	ASSERT_ERR(tern_accept(s, NULL, NULL), EINVAL);	/* not listening */
	l = listen_b(f, AF_INET);
	ASSERT_ERR(tern_accept(l, NULL, NULL), EAGAIN);
	ASSERT_ERR(tern_accept4(l, NULL, NULL, 0x1000), EINVAL);
	ASSERT_ERR(tern_accept(l, (struct sockaddr *)&ss, NULL), EFAULT);
	len = sizeof(ss);
	ASSERT_ERR(tern_accept4(l, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK), EAGAIN);
	FINISH(f, u, s, l);
}

static void
test_connect_errors(void **state)
{
	struct fixture *f = *state;
	struct sockaddr_storage ss, ss6, far;
	socklen_t len = mkaddr(HARNESS_B, AF_INET, TCP_PORT_B, &ss), len6;
	struct sockaddr_in *in = (struct sockaddr_in *)&far;
	struct pair p;
	int c;

	make(f, __func__);
	len6 = mkaddr(HARNESS_B, AF_INET6, TCP_PORT_B, &ss6);
	c = tern_socket(ctx_a(f), AF_INET, SOCK_STREAM, 0);
	ASSERT_ERR(tern_connect(c, NULL, len), EFAULT);
	ASSERT_ERR(tern_connect(c, (struct sockaddr *)&ss, len - 1), EINVAL);
	ASSERT_ERR(tern_connect(c, (struct sockaddr *)&ss6, len6), EAFNOSUPPORT);
	far = ss;
	in->sin_addr.s_addr = harness_ip4(192, 168, 77, 1);
	ASSERT_ERR(tern_connect(c, (struct sockaddr *)&far, len), ENETUNREACH);
	assert_int_equal(tern_close(c), 0);
	pair_open(f, AF_INET, &p);
	ASSERT_ERR(tern_connect(p.c, (struct sockaddr *)&ss, len), EISCONN);
	ASSERT_ERR(tern_connect(p.s, (struct sockaddr *)&ss, len), EISCONN);
	ASSERT_ERR(tern_connect(p.l, (struct sockaddr *)&ss, len), EOPNOTSUPP);
	/* a second connect before the handshake is done */
	c = tern_socket(ctx_a(f), AF_INET, SOCK_STREAM, 0);
	ASSERT_ERR(tern_connect(c, (struct sockaddr *)&ss, len), EINPROGRESS);
	ASSERT_ERR(tern_connect(c, (struct sockaddr *)&ss, len), EALREADY);
	harness_run(f->h, 10 * MS);
	ASSERT_ERR(tern_connect(c, (struct sockaddr *)&ss, len), EISCONN);
	FINISH(f, p.c, p.s, p.l, c);
}

static void
test_send_recv_enotconn_and_eagain(void **state)
{
	struct fixture *f = *state;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char buf[16];
	struct pair p;
	int c, l;

	make(f, __func__);
	c = tern_socket(ctx_a(f), AF_INET, SOCK_STREAM, 0);
	ASSERT_ERR(tern_send(c, "x", 1, 0), ENOTCONN);
	ASSERT_ERR(tern_recv(c, buf, sizeof(buf), 0), ENOTCONN);
	ASSERT_ERR(tern_getpeername(c, (struct sockaddr *)&ss, &len), ENOTCONN);
	ASSERT_ERR(tern_shutdown(c, SHUT_WR), ENOTCONN);
	assert_int_equal(tern_close(c), 0);
	l = listen_b(f, AF_INET);
	ASSERT_ERR(tern_send(l, "x", 1, 0), ENOTCONN);
	ASSERT_ERR(tern_recv(l, buf, sizeof(buf), 0), ENOTCONN);
	assert_int_equal(tern_close(l), 0);
	/* while connecting: would block */
	c = connect_a(f, AF_INET, TCP_PORT_B);
	ASSERT_ERR(tern_send(c, "x", 1, 0), EAGAIN);
	ASSERT_ERR(tern_recv(c, buf, sizeof(buf), 0), EAGAIN);
	ASSERT_ERR(tern_getpeername(c, (struct sockaddr *)&ss, &len), ENOTCONN);
	assert_int_equal(tern_close(c), 0);
	/* connected, nothing queued */
	pair_open(f, AF_INET, &p);
	ASSERT_ERR(tern_recv(p.s, buf, sizeof(buf), 0), EAGAIN);
	ASSERT_ERR(tern_recv(p.s, buf, sizeof(buf), MSG_OOB), EOPNOTSUPP);
	ASSERT_ERR(tern_recv(p.s, buf, sizeof(buf), MSG_PEEK), EAGAIN);	/* supported now */
	ASSERT_ERR(tern_send(p.c, "x", 1, MSG_OOB), EOPNOTSUPP);
	ASSERT_ERR(tern_shutdown(p.c, 7), EINVAL);
	assert_int_equal(tern_recv(p.s, buf, 0, 0), 0);
	FINISH(f, p.c, p.s, p.l);
}

/* ---------------------------------------------------------------------- */
/* Data */

static void
echo_over(struct fixture *f, int af)
{
	struct sockaddr_storage cl, cp, sl, sp;
	socklen_t len;
	char buf[64];
	struct pair p;
	ssize_t n;

	pair_open(f, af, &p);
	/* both ends agree on the 4-tuple */
	len = sizeof(cl);
	assert_int_equal(tern_getsockname(p.c, (struct sockaddr *)&cl, &len), 0);
	len = sizeof(cp);
	assert_int_equal(tern_getpeername(p.c, (struct sockaddr *)&cp, &len), 0);
	len = sizeof(sl);
	assert_int_equal(tern_getsockname(p.s, (struct sockaddr *)&sl, &len), 0);
	len = sizeof(sp);
	assert_int_equal(tern_getpeername(p.s, (struct sockaddr *)&sp, &len), 0);
	assert_int_equal(cl.ss_family, af);
	assert_true(same_addr(&cl, &sp));
	assert_true(same_addr(&cp, &sl));
	assert_int_equal(port_of(&sl), TCP_PORT_B);
	/* client -> server -> client */
	assert_int_equal(tern_send(p.c, "hello, tern", 11, 0), 11);
	harness_run(f->h, 10 * MS);
	n = tern_recv(p.s, buf, sizeof(buf), 0);
	assert_int_equal(n, 11);
	assert_memory_equal(buf, "hello, tern", 11);
	assert_int_equal(tern_send(p.s, buf, (size_t)n, 0), n);
	harness_run(f->h, 10 * MS);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(tern_read(p.c, buf, sizeof(buf)), 11);
	assert_memory_equal(buf, "hello, tern", 11);
	ASSERT_ERR(tern_recv(p.c, buf, sizeof(buf), 0), EAGAIN);
	FINISH(f, p.c, p.s, p.l);
}

static void
test_tcp_echo_ipv4(void **state)
{
	make(*state, __func__);
	echo_over(*state, AF_INET);
}

static void
test_tcp_echo_ipv6(void **state)
{
	make(*state, __func__);
	echo_over(*state, AF_INET6);
}

static void
test_tcp_bulk_through_epoll_loop(void **state)
{
	struct fixture *f = *state;
	static uint8_t buf[16384];
	uint64_t sent = 0, got = 0, total = 2 * 1000 * 1000, t;
	struct epoll_event ev[4];
	struct pair p;
	int epa, epb, i, n;
	ssize_t r;

	make(f, __func__);
	pair_open(f, AF_INET, &p);
	epa = epoll_with(ctx_a(f), p.c, EPOLLOUT | EPOLLET);
	epb = epoll_with(ctx_b(f), p.s, EPOLLIN | EPOLLET);
	/* an edge-triggered loop: write / read until EAGAIN, then wait */
	for (t = 0; got < total && t < 20 * SEC; t += MS) {
		n = tern_epoll_wait(epa, ev, 4, 0);
		for (i = 0; i < n && sent < total; i++) {
			while (sent < total) {
				size_t chunk = (size_t)RTE_MIN((uint64_t)sizeof(buf), total - sent);

				pat_fill(buf, chunk, sent, 5);
				r = tern_send(p.c, buf, chunk, 0);
				if (r < 0) {
					assert_int_equal(errno, EAGAIN);
					break;
				}
				sent += (uint64_t)r;
			}
		}
		n = tern_epoll_wait(epb, ev, 4, 0);
		for (i = 0; i < n; i++) {
			while ((r = tern_recv(p.s, buf, sizeof(buf), 0)) > 0) {
				assert_int_equal(pat_check(buf, (size_t)r, got, 5), UINT64_MAX);
				got += (uint64_t)r;
			}
			assert_int_equal(r, -1);
			assert_int_equal(errno, EAGAIN);
		}
		harness_run(f->h, MS);
	}
	assert_int_equal(got, total);
	FINISH(f, epa, epb, p.c, p.s, p.l);
}

static void
test_readv_writev(void **state)
{
	struct fixture *f = *state;
	char a[4], b[8], c[100];
	struct iovec wv[3] = {
		{ .iov_base = "abc", .iov_len = 3 },
		{ .iov_base = "", .iov_len = 0 },
		{ .iov_base = "defghij", .iov_len = 7 },
	};
	struct iovec rv[3] = {
		{ .iov_base = a, .iov_len = sizeof(a) },
		{ .iov_base = b, .iov_len = sizeof(b) },
		{ .iov_base = c, .iov_len = sizeof(c) },
	};
	struct pair p;

	make(f, __func__);
	pair_open(f, AF_INET, &p);
	ASSERT_ERR(tern_writev(p.c, wv, 0), EINVAL);
	ASSERT_ERR(tern_writev(p.c, wv, UIO_MAXIOV + 1), EINVAL);
	assert_int_equal(tern_writev(p.c, wv, 3), 10);
	harness_run(f->h, 100 * MS);	/* Nagle holds "defghij" until the delayed ACK */
	assert_int_equal(tern_readv(p.s, rv, 3), 10);
	assert_memory_equal(a, "abcd", 4);
	assert_memory_equal(b, "efghij", 6);
	FINISH(f, p.c, p.s, p.l);
}

static void
test_shutdown_wr_peer_reads_eof(void **state)
{
	struct fixture *f = *state;
	struct epoll_event ev;
	char buf[16];
	struct pair p;
	int ep;

	make(f, __func__);
	pair_open(f, AF_INET, &p);
	ep = epoll_with(ctx_b(f), p.s, EPOLLIN | EPOLLRDHUP);
	assert_int_equal(tern_epoll_wait(ep, &ev, 1, 0), 0);
	assert_int_equal(tern_send(p.c, "last", 4, 0), 4);
	assert_int_equal(tern_shutdown(p.c, SHUT_WR), 0);
	ASSERT_ERR(tern_send(p.c, "more", 4, MSG_NOSIGNAL), EPIPE);
	assert_int_equal(wait_for(f, ep, &ev, 1, SEC), 1);
	assert_int_equal(ev.events, EPOLLIN | EPOLLRDHUP);
	assert_int_equal(tern_recv(p.s, buf, sizeof(buf), 0), 4);
	assert_int_equal(tern_recv(p.s, buf, sizeof(buf), 0), 0);	/* EOF */
	assert_int_equal(tern_recv(p.s, buf, sizeof(buf), 0), 0);
	/* half-close: the other way still works */
	assert_int_equal(tern_send(p.s, "back", 4, 0), 4);
	harness_run(f->h, 10 * MS);
	assert_int_equal(tern_recv(p.c, buf, sizeof(buf), 0), 4);
	assert_memory_equal(buf, "back", 4);
	FINISH(f, ep, p.c, p.s, p.l);
}

/* ---------------------------------------------------------------------- */
/* Connection outcomes */

static void
test_connect_completion_reports_epollout(void **state)
{
	struct fixture *f = *state;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct epoll_event ev;
	int l, c, s, ep, err;

	make(f, __func__);
	l = listen_b(f, AF_INET);
	c = connect_a(f, AF_INET, TCP_PORT_B);
	ep = epoll_with(ctx_a(f), c, EPOLLOUT);
	/* nothing before the SYN-ACK */
	assert_int_equal(tern_epoll_wait(ep, &ev, 1, 0), 0);
	assert_int_equal(wait_for(f, ep, &ev, 1, SEC), 1);
	assert_int_equal(ev.events, EPOLLOUT);
	assert_int_equal(ev.data.fd, c);
	len = sizeof(err);
	assert_int_equal(tern_getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len), 0);
	assert_int_equal(err, 0);
	ASSERT_ERR(tern_connect(c, (struct sockaddr *)&ss, mkaddr(HARNESS_B, AF_INET,
								   TCP_PORT_B, &ss)), EISCONN);
	len = sizeof(ss);
	assert_int_equal(tern_getpeername(c, (struct sockaddr *)&ss, &len), 0);
	assert_int_equal(port_of(&ss), TCP_PORT_B);
	s = accept_wait(f, l, SEC);
	assert_true(s >= 0);
	FINISH(f, ep, c, s, l);
}

static void
test_refused_connect_so_error_econnrefused(void **state)
{
	struct fixture *f = *state;
	struct epoll_event ev;
	socklen_t len;
	char buf[4];
	int c, ep, err;

	make(f, __func__);
	c = connect_a(f, AF_INET, PORT_NONE);
	ep = epoll_with(ctx_a(f), c, EPOLLOUT);
	assert_int_equal(wait_for(f, ep, &ev, 1, SEC), 1);
	assert_true(ev.events & EPOLLOUT);
	assert_true(ev.events & EPOLLERR);
	assert_true(ev.events & EPOLLHUP);
	len = sizeof(err);
	assert_int_equal(tern_getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len), 0);
	assert_int_equal(len, sizeof(int));
	assert_int_equal(err, ECONNREFUSED);
	/* read once: cleared, and EPOLLERR with it */
	assert_int_equal(tern_getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len), 0);
	assert_int_equal(err, 0);
	assert_int_equal(tern_epoll_wait(ep, &ev, 1, 0), 1);
	assert_false(ev.events & EPOLLERR);
	assert_int_equal(tern_recv(c, buf, sizeof(buf), 0), 0);
	ASSERT_ERR(tern_send(c, "x", 1, 0), EPIPE);
	FINISH(f, ep, c);
}

static void
test_refused_connect_reported_by_connect_then_retry(void **state)
{
	struct fixture *f = *state;
	struct sockaddr_storage ss;
	socklen_t len = mkaddr(HARNESS_B, AF_INET, PORT_NONE, &ss);
	int c, l, s;

	make(f, __func__);
	c = connect_a(f, AF_INET, PORT_NONE);
	harness_run(f->h, 10 * MS);
	ASSERT_ERR(tern_connect(c, (struct sockaddr *)&ss, len), ECONNREFUSED);
	/* the next call starts a new attempt, to a port that listens */
	l = listen_b(f, AF_INET);
	len = mkaddr(HARNESS_B, AF_INET, TCP_PORT_B, &ss);
	ASSERT_ERR(tern_connect(c, (struct sockaddr *)&ss, len), EINPROGRESS);
	s = accept_wait(f, l, SEC);
	assert_true(s >= 0);
	FINISH(f, c, s, l);
}

static void
test_so_linger_zero_close_sends_rst(void **state)
{
	struct fixture *f = *state;
	struct linger lg = { .l_onoff = 1, .l_linger = 0 }, got;
	socklen_t len = sizeof(got);
	struct epoll_event ev;
	char buf[8];
	struct pair p;
	int ep;

	make(f, __func__);
	pair_open(f, AF_INET, &p);
	assert_int_equal(tern_setsockopt(p.s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
	assert_int_equal(tern_getsockopt(p.s, SOL_SOCKET, SO_LINGER, &got, &len), 0);
	assert_int_equal(got.l_onoff, 1);
	assert_int_equal(got.l_linger, 0);
	ASSERT_ERR(tern_setsockopt(p.s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg) - 1), EINVAL);
	ep = epoll_with(ctx_a(f), p.c, EPOLLIN);
	assert_int_equal(tern_epoll_wait(ep, &ev, 1, 0), 0);
	cap_start(f->h, &f->cap);
	assert_int_equal(tern_close(p.s), 0);
	harness_run(f->h, 10 * MS);
	assert_int_equal(cap_count(&f->cap, HARNESS_B, TH_RST, false), 1);
	assert_int_equal(cap_count(&f->cap, HARNESS_B, TH_FIN, false), 0);
	/* the peer: an error, reported once, then the end of the stream */
	assert_int_equal(tern_epoll_wait(ep, &ev, 1, 0), 1);
	assert_true(ev.events & EPOLLERR);
	assert_true(ev.events & EPOLLHUP);
	ASSERT_ERR(tern_recv(p.c, buf, sizeof(buf), 0), ECONNRESET);
	assert_int_equal(tern_recv(p.c, buf, sizeof(buf), 0), 0);
	ASSERT_ERR(tern_send(p.c, "x", 1, 0), EPIPE);
	{
		struct sockaddr_storage ss;
		socklen_t sl = mkaddr(HARNESS_B, AF_INET, TCP_PORT_B, &ss);

		/* it was connected: no second life */
		ASSERT_ERR(tern_connect(p.c, (struct sockaddr *)&ss, sl), EISCONN);
	}
	FINISH(f, ep, p.c, p.l);
}

static void
test_close_without_linger_sends_fin(void **state)
{
	struct fixture *f = *state;
	char buf[8];
	struct pair p;

	make(f, __func__);
	pair_open(f, AF_INET, &p);
	cap_start(f->h, &f->cap);
	assert_int_equal(tern_close(p.s), 0);
	harness_run(f->h, 10 * MS);
	assert_int_equal(cap_count(&f->cap, HARNESS_B, TH_FIN, false), 1);
	assert_int_equal(cap_count(&f->cap, HARNESS_B, TH_RST, false), 0);
	assert_int_equal(tern_recv(p.c, buf, sizeof(buf), 0), 0);
	FINISH(f, p.c, p.l);
}

/* ---------------------------------------------------------------------- */
/* epoll */

static void
test_epoll_level_reports_while_data_remains(void **state)
{
	struct fixture *f = *state;
	struct epoll_event ev[2];
	char buf[100];
	struct pair p;
	int ep;

	make(f, __func__);
	pair_open(f, AF_INET, &p);
	ep = epoll_with(ctx_b(f), p.s, EPOLLIN);
	assert_int_equal(tern_epoll_wait(ep, ev, 2, 0), 0);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(tern_send(p.c, buf, 100, 0), 100);
	assert_int_equal(wait_for(f, ep, ev, 2, SEC), 1);
	assert_int_equal(ev[0].events, EPOLLIN);
	/* not read: reported again, and again */
	assert_int_equal(tern_epoll_wait(ep, ev, 2, 0), 1);
	assert_int_equal(tern_epoll_wait(ep, ev, 2, 0), 1);
	/* partly read: still */
	assert_int_equal(tern_recv(p.s, buf, 40, 0), 40);
	assert_int_equal(tern_epoll_wait(ep, ev, 2, 0), 1);
	assert_int_equal(ev[0].events, EPOLLIN);
	/* read empty: no more */
	assert_int_equal(tern_recv(p.s, buf, sizeof(buf), 0), 60);
	assert_int_equal(tern_epoll_wait(ep, ev, 2, 0), 0);
	/* new data: again */
	assert_int_equal(tern_send(p.c, buf, 10, 0), 10);
	assert_int_equal(wait_for(f, ep, ev, 2, SEC), 1);
	assert_int_equal(ev[0].events, EPOLLIN);
	FINISH(f, ep, p.c, p.s, p.l);
}

static void
test_epoll_edge_reports_once_until_new_data(void **state)
{
	struct fixture *f = *state;
	struct epoll_event ev[2];
	char buf[100];
	struct pair p;
	int ep;

	make(f, __func__);
	pair_open(f, AF_INET, &p);
	ep = epoll_with(ctx_b(f), p.s, EPOLLIN | EPOLLET);
	assert_int_equal(tern_epoll_wait(ep, ev, 2, 0), 0);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(tern_send(p.c, buf, 100, 0), 100);
	assert_int_equal(wait_for(f, ep, ev, 2, SEC), 1);
	assert_int_equal(ev[0].events, EPOLLIN);
	/* the data is still there, but no new edge */
	assert_int_equal(tern_epoll_wait(ep, ev, 2, 0), 0);
	harness_run(f->h, 50 * MS);
	assert_int_equal(tern_epoll_wait(ep, ev, 2, 0), 0);
	/* partly read: still no edge */
	assert_int_equal(tern_recv(p.s, buf, 40, 0), 40);
	assert_int_equal(tern_epoll_wait(ep, ev, 2, 0), 0);
	/* new data while some is still unread: one edge */
	assert_int_equal(tern_send(p.c, buf, 10, 0), 10);
	assert_int_equal(wait_for(f, ep, ev, 2, SEC), 1);
	assert_int_equal(ev[0].events, EPOLLIN);
	assert_int_equal(tern_epoll_wait(ep, ev, 2, 0), 0);
	/* read to EAGAIN, then new data: one edge */
	assert_int_equal(tern_recv(p.s, buf, sizeof(buf), 0), 70);
	ASSERT_ERR(tern_recv(p.s, buf, sizeof(buf), 0), EAGAIN);
	assert_int_equal(tern_send(p.c, buf, 5, 0), 5);
	assert_int_equal(wait_for(f, ep, ev, 2, SEC), 1);
	assert_int_equal(tern_epoll_wait(ep, ev, 2, 0), 0);
	FINISH(f, ep, p.c, p.s, p.l);
}

static void
test_epoll_edge_epollout_after_full_send_buffer(void **state)
{
	struct fixture *f = *state;
	static uint8_t buf[65536];
	struct epoll_event ev;
	int sndbuf = 16384, ep, n;
	struct pair p;
	ssize_t r;

	make(f, __func__);
	p.l = listen_b(f, AF_INET);
	p.c = tern_socket(ctx_a(f), AF_INET, SOCK_STREAM, 0);
	assert_int_equal(tern_setsockopt(p.c, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)), 0);
	{
		struct sockaddr_storage ss;
		socklen_t len = mkaddr(HARNESS_B, AF_INET, TCP_PORT_B, &ss);

		ASSERT_ERR(tern_connect(p.c, (struct sockaddr *)&ss, len), EINPROGRESS);
	}
	p.s = accept_wait(f, p.l, SEC);
	assert_true(p.s >= 0);
	ep = epoll_with(ctx_a(f), p.c, EPOLLOUT | EPOLLET);
	assert_int_equal(wait_for(f, ep, &ev, 1, SEC), 1);
	assert_int_equal(ev.events, EPOLLOUT);
	assert_int_equal(tern_epoll_wait(ep, &ev, 1, 0), 0);	/* once */
	/* fill the send buffer: no EPOLLOUT while it is full */
	for (n = 0; (r = tern_send(p.c, buf, sizeof(buf), 0)) > 0; n++)
		;
	assert_int_equal(errno, EAGAIN);
	assert_true(n >= 1);
	assert_int_equal(tern_epoll_wait(ep, &ev, 1, 0), 0);
	/* the peer ACKs: room again, one edge */
	assert_int_equal(wait_for(f, ep, &ev, 1, SEC), 1);
	assert_int_equal(ev.events, EPOLLOUT);
	assert_int_equal(tern_epoll_wait(ep, &ev, 1, 0), 0);
	harness_run(f->h, 100 * MS);
	while (tern_recv(p.s, buf, sizeof(buf), 0) > 0)
		;
	FINISH(f, ep, p.c, p.s, p.l);
}

static void
test_epoll_listener_readable_until_accepted(void **state)
{
	struct fixture *f = *state;
	struct epoll_event ev[2];
	int l, c1, c2, s1, s2, ep;

	make(f, __func__);
	l = listen_b(f, AF_INET);
	ep = epoll_with(ctx_b(f), l, EPOLLIN);
	assert_int_equal(tern_epoll_wait(ep, ev, 2, 0), 0);
	c1 = connect_a(f, AF_INET, TCP_PORT_B);
	c2 = connect_a(f, AF_INET, TCP_PORT_B);
	assert_int_equal(wait_for(f, ep, ev, 2, SEC), 1);
	assert_int_equal(ev[0].events, EPOLLIN);
	assert_int_equal(ev[0].data.fd, l);
	harness_run(f->h, 10 * MS);
	s1 = tern_accept(l, NULL, NULL);
	assert_true(s1 >= 0);
	assert_int_equal(tern_epoll_wait(ep, ev, 2, 0), 1);	/* one left */
	s2 = tern_accept(l, NULL, NULL);
	assert_true(s2 >= 0);
	assert_int_equal(tern_epoll_wait(ep, ev, 2, 0), 0);
	ASSERT_ERR(tern_accept(l, NULL, NULL), EAGAIN);
	FINISH(f, ep, c1, c2, s1, s2, l);
}

static void
test_epoll_edge_listener_new_connection_while_queue_not_empty(void **state)
{
	struct fixture *f = *state;
	struct epoll_event ev[2];
	int l, c1, c2, s1, s2, ep;

	make(f, __func__);
	l = listen_b(f, AF_INET);
	ep = epoll_with(ctx_b(f), l, EPOLLIN | EPOLLET);
	c1 = connect_a(f, AF_INET, TCP_PORT_B);
	assert_int_equal(wait_for(f, ep, ev, 2, SEC), 1);
	assert_int_equal(tern_epoll_wait(ep, ev, 2, 0), 0);
	/* not accepted yet; a second one arrives: a new edge */
	c2 = connect_a(f, AF_INET, TCP_PORT_B);
	assert_int_equal(wait_for(f, ep, ev, 2, SEC), 1);
	assert_int_equal(tern_epoll_wait(ep, ev, 2, 0), 0);
	s1 = tern_accept(l, NULL, NULL);
	s2 = tern_accept(l, NULL, NULL);
	assert_true(s1 >= 0 && s2 >= 0);
	FINISH(f, ep, c1, c2, s1, s2, l);
}

static void
test_epoll_oneshot_until_mod(void **state)
{
	struct fixture *f = *state;
	struct epoll_event ev, mod = { .events = EPOLLIN | EPOLLONESHOT };
	struct pair p;
	int ep;

	make(f, __func__);
	pair_open(f, AF_INET, &p);
	mod.data.fd = p.s;
	ep = epoll_with(ctx_b(f), p.s, EPOLLIN | EPOLLONESHOT);
	assert_int_equal(tern_send(p.c, "abc", 3, 0), 3);
	assert_int_equal(wait_for(f, ep, &ev, 1, SEC), 1);
	assert_int_equal(tern_epoll_wait(ep, &ev, 1, 0), 0);
	assert_int_equal(tern_send(p.c, "def", 3, 0), 3);
	harness_run(f->h, 10 * MS);
	assert_int_equal(tern_epoll_wait(ep, &ev, 1, 0), 0);	/* disabled */
	assert_int_equal(tern_epoll_ctl(ep, EPOLL_CTL_MOD, p.s, &mod), 0);
	assert_int_equal(tern_epoll_wait(ep, &ev, 1, 0), 1);
	assert_int_equal(ev.events, EPOLLIN);
	FINISH(f, ep, p.c, p.s, p.l);
}

static void
test_epoll_ctl_errors(void **state)
{
	struct fixture *f = *state;
	struct epoll_event ev = { .events = EPOLLIN }, out;
	int ep, ep2, s, sb, epb;

	make(f, __func__);
	ASSERT_ERR(tern_epoll_create(ctx_a(f), 0), EINVAL);
	ASSERT_ERR(tern_epoll_create1(ctx_a(f), 0x1234), EINVAL);
	ep = tern_epoll_create(ctx_a(f), 8);
	ep2 = tern_epoll_create1(ctx_a(f), EPOLL_CLOEXEC);
	s = tern_socket(ctx_a(f), AF_INET, SOCK_STREAM, 0);
	sb = tern_socket(ctx_b(f), AF_INET, SOCK_STREAM, 0);
	epb = tern_epoll_create1(ctx_b(f), 0);
	assert_true(ep >= 0 && ep2 >= 0 && s >= 0 && sb >= 0 && epb >= 0);
	ASSERT_ERR(tern_epoll_ctl(s, EPOLL_CTL_ADD, ep, &ev), EINVAL);	/* not an epoll */
	ASSERT_ERR(tern_epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL);
	ASSERT_ERR(tern_epoll_ctl(ep, EPOLL_CTL_ADD, ep2, &ev), EPERM);
	ASSERT_ERR(tern_epoll_ctl(ep, EPOLL_CTL_ADD, s, NULL), EFAULT);
	ASSERT_ERR(tern_epoll_ctl(ep, 99, s, &ev), EINVAL);
	ASSERT_ERR(tern_epoll_ctl(ep, EPOLL_CTL_MOD, s, &ev), ENOENT);
	ASSERT_ERR(tern_epoll_ctl(ep, EPOLL_CTL_DEL, s, NULL), ENOENT);
	ASSERT_ERR(tern_epoll_ctl(ep, EPOLL_CTL_ADD, sb, &ev), EXDEV);	/* B's socket */
	ASSERT_ERR(tern_epoll_ctl(ep, EPOLL_CTL_ADD, 123456, &ev), EBADF);
	assert_int_equal(tern_epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev), 0);
	ASSERT_ERR(tern_epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev), EEXIST);
	ev.events |= EPOLLEXCLUSIVE;
	ASSERT_ERR(tern_epoll_ctl(ep, EPOLL_CTL_MOD, s, &ev), EINVAL);
	assert_int_equal(tern_epoll_ctl(ep, EPOLL_CTL_DEL, s, NULL), 0);
	ASSERT_ERR(tern_epoll_wait(ep, &out, 0, 0), EINVAL);
	ASSERT_ERR(tern_epoll_wait(ep, NULL, 1, 0), EFAULT);
	ASSERT_ERR(tern_epoll_wait(s, &out, 1, 0), EINVAL);
	/* a socket that is in an epoll closes cleanly; the epoll forgets it */
	ev.events = EPOLLOUT;
	assert_int_equal(tern_epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev), 0);
	assert_int_equal(tern_close(s), 0);
	assert_int_equal(tern_epoll_wait(ep, &out, 1, 0), 0);
	FINISH(f, ep, ep2, sb, epb);
}

static void
test_epoll_fresh_socket_out_hup_and_error_always_reported(void **state)
{
	struct fixture *f = *state;
	struct epoll_event ev;
	int s, ep;

	make(f, __func__);
	/* a socket never connected is writable and hung up, as on Linux */
	s = tern_socket(ctx_a(f), AF_INET, SOCK_STREAM, 0);
	ep = epoll_with(ctx_a(f), s, EPOLLIN);	/* EPOLLHUP comes unasked */
	assert_int_equal(tern_epoll_wait(ep, &ev, 1, 0), 1);
	assert_int_equal(ev.events, EPOLLHUP);
	ev.events = EPOLLOUT;
	ev.data.u64 = 77;
	assert_int_equal(tern_epoll_ctl(ep, EPOLL_CTL_MOD, s, &ev), 0);
	assert_int_equal(tern_epoll_wait(ep, &ev, 1, 0), 1);
	assert_int_equal(ev.events, EPOLLOUT | EPOLLHUP);
	assert_int_equal(ev.data.u64, 77);
	FINISH(f, ep, s);
}

static void
test_epoll_wait_manual_clock_one_pass(void **state)
{
	struct fixture *f = *state;
	struct epoll_event ev;
	uint64_t t0;
	int ep;

	make(f, __func__);
	ep = tern_epoll_create1(ctx_a(f), 0);
	t0 = harness_now(f->h);
	/* nothing is ready: a positive (or infinite) timeout returns after one pass */
	assert_int_equal(tern_epoll_wait(ep, &ev, 1, 1000), 0);
	assert_int_equal(tern_epoll_wait(ep, &ev, 1, -1), 0);
	assert_int_equal(harness_now(f->h), t0);
	FINISH(f, ep);
}

/* ---------------------------------------------------------------------- */
/* UDP */

static void
udp_exchange(struct fixture *f, int af)
{
	struct sockaddr_storage bs, from, al;
	socklen_t blen = mkaddr(HARNESS_B, af, PORT_UDP, &bs), flen, alen;
	struct epoll_event ev;
	char buf[64];
	int a, b, ep;

	b = tern_socket(ctx_b(f), af, SOCK_DGRAM, 0);
	assert_int_equal(tern_bind(b, (struct sockaddr *)&bs, blen), 0);
	ep = epoll_with(ctx_b(f), b, EPOLLIN);
	a = tern_socket(ctx_a(f), af, SOCK_DGRAM, 0);
	ASSERT_ERR(tern_send(a, "x", 1, 0), EDESTADDRREQ);
	ASSERT_ERR(tern_recvfrom(a, buf, sizeof(buf), 0, NULL, NULL), EAGAIN);
	assert_int_equal(tern_sendto(a, "ping", 4, 0, (struct sockaddr *)&bs, blen), 4);
	assert_int_equal(tern_sendto(a, "second", 6, 0, (struct sockaddr *)&bs, blen), 6);
	/* the unbound socket got a port */
	alen = sizeof(al);
	assert_int_equal(tern_getsockname(a, (struct sockaddr *)&al, &alen), 0);
	assert_true(port_of(&al) >= 49152);
	assert_int_equal(wait_for(f, ep, &ev, 1, SEC), 1);
	assert_int_equal(ev.events, EPOLLIN);
	flen = sizeof(from);
	assert_int_equal(tern_recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen), 4);
	assert_memory_equal(buf, "ping", 4);
	assert_int_equal(port_of(&from), port_of(&al));
	assert_int_equal(from.ss_family, af);
	/* MSG_TRUNC: the datagram's length; the rest is dropped */
	assert_int_equal(tern_recvfrom(b, buf, 2, MSG_TRUNC, NULL, NULL), 6);
	ASSERT_ERR(tern_recvfrom(b, buf, sizeof(buf), 0, NULL, NULL), EAGAIN);
	assert_int_equal(tern_epoll_wait(ep, &ev, 1, 0), 0);
	/* and back to where it came from */
	assert_int_equal(tern_sendto(b, "pong", 4, 0, (struct sockaddr *)&from, flen), 4);
	harness_run(f->h, MS);
	flen = sizeof(from);
	assert_int_equal(tern_recvfrom(a, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen), 4);
	assert_memory_equal(buf, "pong", 4);
	assert_true(same_addr(&from, &bs));
	FINISH(f, ep, a, b);
}

static void
test_udp_sendto_recvfrom_ipv4(void **state)
{
	make(*state, __func__);
	udp_exchange(*state, AF_INET);
}

static void
test_udp_sendto_recvfrom_ipv6(void **state)
{
	make(*state, __func__);
	udp_exchange(*state, AF_INET6);
}

static void
test_udp_connect_sets_default_and_filters(void **state)
{
	struct fixture *f = *state;
	struct sockaddr_storage bs, bs2, al, peer;
	socklen_t blen = mkaddr(HARNESS_B, AF_INET, PORT_UDP, &bs), alen = sizeof(al);
	socklen_t plen = sizeof(peer);
	struct iovec iov[2] = {
		{ .iov_base = "ab", .iov_len = 2 },
		{ .iov_base = "cd", .iov_len = 2 },
	};
	char buf[16];
	int a, b, b2;

	make(f, __func__);
	mkaddr(HARNESS_B, AF_INET, PORT_UDP + 1, &bs2);
	b = tern_socket(ctx_b(f), AF_INET, SOCK_DGRAM, 0);
	b2 = tern_socket(ctx_b(f), AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(tern_bind(b, (struct sockaddr *)&bs, blen), 0);
	assert_int_equal(tern_bind(b2, (struct sockaddr *)&bs2, blen), 0);
	a = tern_socket(ctx_a(f), AF_INET, SOCK_DGRAM, 0);
	ASSERT_ERR(tern_shutdown(a, SHUT_WR), ENOTCONN);
	assert_int_equal(tern_connect(a, (struct sockaddr *)&bs, blen), 0);
	assert_int_equal(tern_getpeername(a, (struct sockaddr *)&peer, &plen), 0);
	assert_true(same_addr(&peer, &bs));
	assert_int_equal(tern_writev(a, iov, 2), 4);	/* one datagram */
	harness_run(f->h, MS);
	assert_int_equal(tern_recv(b, buf, sizeof(buf), 0), 4);
	assert_memory_equal(buf, "abcd", 4);
	assert_int_equal(tern_getsockname(a, (struct sockaddr *)&al, &alen), 0);
	alen = mkaddr(HARNESS_A, AF_INET, port_of(&al), &al);	/* bound to the wildcard */
	/* from the connected peer: kept; from another port: dropped */
	assert_int_equal(tern_sendto(b2, "no", 2, 0, (struct sockaddr *)&al, alen), 2);
	assert_int_equal(tern_sendto(b, "yes", 3, 0, (struct sockaddr *)&al, alen), 3);
	harness_run(f->h, MS);
	assert_int_equal(tern_recv(a, buf, sizeof(buf), 0), 3);
	assert_memory_equal(buf, "yes", 3);
	ASSERT_ERR(tern_recv(a, buf, sizeof(buf), 0), EAGAIN);
	/* shut: sends fail, reads see the end */
	assert_int_equal(tern_shutdown(a, SHUT_RDWR), 0);
	ASSERT_ERR(tern_send(a, "x", 1, 0), EPIPE);
	assert_int_equal(tern_recv(a, buf, sizeof(buf), 0), 0);
	FINISH(f, a, b, b2);
}

/* ---------------------------------------------------------------------- */
/* Options */

static int
get_int_opt(int fd, int level, int name)
{
	socklen_t len = sizeof(int);
	int v = -12345;

	assert_int_equal(tern_getsockopt(fd, level, name, &v, &len), 0);
	assert_int_equal(len, sizeof(int));
	return v;
}

static void
test_sockopt_values_and_errors(void **state)
{
	struct fixture *f = *state;
	int s, u, v, one = 1, zero = 0;
	socklen_t len;

	make(f, __func__);
	s = tern_socket(ctx_a(f), AF_INET6, SOCK_STREAM, 0);
	u = tern_socket(ctx_a(f), AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(get_int_opt(s, SOL_SOCKET, SO_TYPE), SOCK_STREAM);
	assert_int_equal(get_int_opt(u, SOL_SOCKET, SO_TYPE), SOCK_DGRAM);
	assert_int_equal(get_int_opt(s, SOL_SOCKET, SO_DOMAIN), AF_INET6);
	assert_int_equal(get_int_opt(s, SOL_SOCKET, SO_PROTOCOL), IPPROTO_TCP);
	assert_int_equal(get_int_opt(s, SOL_SOCKET, SO_ACCEPTCONN), 0);
	assert_int_equal(get_int_opt(s, SOL_SOCKET, SO_REUSEADDR), 0);
	assert_int_equal(tern_setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	assert_int_equal(get_int_opt(s, SOL_SOCKET, SO_REUSEADDR), 1);
	assert_int_equal(tern_setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)), 0);
	assert_int_equal(get_int_opt(s, SOL_SOCKET, SO_KEEPALIVE), 1);
	/* buffers: the context's default, then what was set */
	assert_int_equal(get_int_opt(s, SOL_SOCKET, SO_SNDBUF), 1 << 20);
	v = 100000;
	assert_int_equal(tern_setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)), 0);
	assert_int_equal(get_int_opt(s, SOL_SOCKET, SO_RCVBUF), 100000);
	v = -1;
	ASSERT_ERR(tern_setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)), EINVAL);
	ASSERT_ERR(tern_setsockopt(s, SOL_SOCKET, SO_SNDBUF, &one, 2), EINVAL);
	ASSERT_ERR(tern_setsockopt(s, SOL_SOCKET, SO_SNDBUF, NULL, sizeof(int)), EFAULT);
	ASSERT_ERR(tern_setsockopt(s, SOL_SOCKET, SO_ERROR, &one, sizeof(one)), ENOPROTOOPT);
	ASSERT_ERR(tern_setsockopt(s, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)), ENOPROTOOPT);
	ASSERT_ERR(tern_setsockopt(s, 12345, 1, &one, sizeof(one)), ENOPROTOOPT);
	/* TCP level */
	assert_int_equal(tern_setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)), 0);
	assert_int_equal(get_int_opt(s, IPPROTO_TCP, TCP_NODELAY), 1);
	assert_int_equal(get_int_opt(s, IPPROTO_TCP, TCP_KEEPIDLE), 7200);
	v = 30;
	assert_int_equal(tern_setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof(v)), 0);
	assert_int_equal(get_int_opt(s, IPPROTO_TCP, TCP_KEEPIDLE), 30);
	assert_int_equal(tern_setsockopt(s, IPPROTO_TCP, TCP_KEEPINTVL, &v, sizeof(v)), 0);
	assert_int_equal(get_int_opt(s, IPPROTO_TCP, TCP_KEEPINTVL), 30);
	v = 5;
	assert_int_equal(tern_setsockopt(s, IPPROTO_TCP, TCP_KEEPCNT, &v, sizeof(v)), 0);
	assert_int_equal(get_int_opt(s, IPPROTO_TCP, TCP_KEEPCNT), 5);
	ASSERT_ERR(tern_setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &zero, sizeof(zero)), EINVAL);
	v = 40000;
	ASSERT_ERR(tern_setsockopt(s, IPPROTO_TCP, TCP_KEEPINTVL, &v, sizeof(v)), EINVAL);
	ASSERT_ERR(tern_setsockopt(s, IPPROTO_TCP, TCP_KEEPCNT, &v, sizeof(v)), EINVAL);
	assert_int_equal(get_int_opt(s, IPPROTO_TCP, TCP_MAXSEG), 536);
	v = 1000;
	assert_int_equal(tern_setsockopt(s, IPPROTO_TCP, TCP_MAXSEG, &v, sizeof(v)), 0);
	assert_int_equal(get_int_opt(s, IPPROTO_TCP, TCP_MAXSEG), 1000);
	v = 50;
	ASSERT_ERR(tern_setsockopt(s, IPPROTO_TCP, TCP_MAXSEG, &v, sizeof(v)), EINVAL);
	ASSERT_ERR(tern_setsockopt(s, IPPROTO_TCP, TCP_INFO, &v, sizeof(v)), ENOPROTOOPT);
	ASSERT_ERR(tern_setsockopt(u, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)), ENOPROTOOPT);
	/* IPv6 sockets are IPv6 only */
	assert_int_equal(get_int_opt(s, IPPROTO_IPV6, IPV6_V6ONLY), 1);
	assert_int_equal(tern_setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)), 0);
	ASSERT_ERR(tern_setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)),
		   EOPNOTSUPP);
	ASSERT_ERR(tern_setsockopt(u, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)), ENOPROTOOPT);
	/* getsockopt's own errors */
	len = 2;
	ASSERT_ERR(tern_getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len), EINVAL);
	ASSERT_ERR(tern_getsockopt(s, SOL_SOCKET, SO_TYPE, NULL, &len), EFAULT);
	len = sizeof(v);
	ASSERT_ERR(tern_getsockopt(s, SOL_SOCKET, SO_PEERCRED, &v, &len), ENOPROTOOPT);
	FINISH(f, s, u);
}

static void
test_tcp_congestion_names(void **state)
{
	struct fixture *f = *state;
	char name[TERN_TCP_CA_NAME_MAX];
	socklen_t len = sizeof(name);
	struct pair p;

	make(f, __func__);
	p.l = tern_socket(ctx_b(f), AF_INET, SOCK_STREAM, 0);
	assert_int_equal(tern_getsockopt(p.l, IPPROTO_TCP, TCP_CONGESTION, name, &len), 0);
	assert_string_equal(name, "cubic");	/* the context's default */
	ASSERT_ERR(tern_setsockopt(p.l, IPPROTO_TCP, TCP_CONGESTION, "bbr", 3), ENOENT);
	ASSERT_ERR(tern_setsockopt(p.l, IPPROTO_TCP, TCP_CONGESTION, "cubicx", 6), ENOENT);
	/* the length bounds the name, as in Linux: no NUL needed */
	assert_int_equal(tern_setsockopt(p.l, IPPROTO_TCP, TCP_CONGESTION, "newreno!", 7), 0);
	len = sizeof(name);
	assert_int_equal(tern_getsockopt(p.l, IPPROTO_TCP, TCP_CONGESTION, name, &len), 0);
	assert_string_equal(name, "newreno");
	assert_int_equal(tern_close(p.l), 0);
	/* accepted sockets inherit it */
	p.l = tern_socket(ctx_b(f), AF_INET, SOCK_STREAM, 0);
	assert_int_equal(tern_setsockopt(p.l, IPPROTO_TCP, TCP_CONGESTION, "newreno", 8), 0);
	{
		struct sockaddr_storage ss;
		socklen_t sl = mkaddr(HARNESS_B, AF_INET, TCP_PORT_B, &ss);

		assert_int_equal(tern_bind(p.l, (struct sockaddr *)&ss, sl), 0);
		assert_int_equal(tern_listen(p.l, 4), 0);
	}
	p.c = connect_a(f, AF_INET, TCP_PORT_B);
	p.s = accept_wait(f, p.l, SEC);
	assert_true(p.s >= 0);
	len = sizeof(name);
	assert_int_equal(tern_getsockopt(p.s, IPPROTO_TCP, TCP_CONGESTION, name, &len), 0);
	assert_string_equal(name, "newreno");
	{
		/* and the engine runs it on the accepted connection */
		struct tern_tcp_info ti;

		tern_tcp_info(tern_sock_tcp_stream(p.s), &ti);
		assert_string_equal(ti.cc, "newreno");
		tern_tcp_info(tern_sock_tcp_stream(p.c), &ti);
		assert_string_equal(ti.cc, "cubic");
	}
	len = sizeof(name);
	assert_int_equal(tern_getsockopt(p.c, IPPROTO_TCP, TCP_CONGESTION, name, &len), 0);
	assert_string_equal(name, "cubic");	/* the client kept the default */
	FINISH(f, p.c, p.s, p.l);
}

static void
test_tcp_info_both_shapes(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_info ti;
	struct tcp_info li;
	socklen_t len;
	char buf[1000];
	int v;
	struct pair p;
	int fresh;

	make(f, __func__);
	fresh = tern_socket(ctx_a(f), AF_INET, SOCK_STREAM, 0);
	len = sizeof(li);
	assert_int_equal(tern_getsockopt(fresh, IPPROTO_TCP, TCP_INFO, &li, &len), 0);
	assert_int_equal(li.tcpi_state, TCP_CLOSE);
	pair_open(f, AF_INET, &p);
	memset(buf, 'y', sizeof(buf));
	assert_int_equal(tern_send(p.c, buf, sizeof(buf), 0), sizeof(buf));
	harness_run(f->h, 100 * MS);
	len = sizeof(ti);
	assert_int_equal(tern_getsockopt(p.c, IPPROTO_TCP, TERN_TCP_INFO, &ti, &len), 0);
	assert_int_equal(len, sizeof(ti));
	assert_int_equal(ti.state, TERN_TCP_ESTABLISHED);
	assert_int_equal(ti.bytes_sent, sizeof(buf));
	assert_int_equal(ti.unacked, 0);
	assert_true(ti.ts_ok);
	len = sizeof(li);
	assert_int_equal(tern_getsockopt(p.c, IPPROTO_TCP, TCP_INFO, &li, &len), 0);
	assert_int_equal(len, sizeof(li));
	assert_int_equal(li.tcpi_state, TCP_ESTABLISHED);
	assert_int_equal(li.tcpi_snd_mss, ti.mss);
	assert_true(li.tcpi_options & TCPI_OPT_TIMESTAMPS);
	assert_int_equal(li.tcpi_snd_cwnd, ti.cwnd / ti.mss);
	assert_int_equal(get_int_opt(p.c, IPPROTO_TCP, TCP_MAXSEG), ti.mss);
	/* IP_MTU: the connection's path MTU, as Linux; none before it connects */
	assert_int_equal(get_int_opt(p.c, IPPROTO_IP, IP_MTU), ti.pmtu);
	assert_int_equal(ti.pmtu, 1500);
	len = sizeof(v);
	ASSERT_ERR(tern_getsockopt(fresh, IPPROTO_IP, IP_MTU, &v, &len), ENOTCONN);
	/* a short buffer takes the front */
	len = 4;
	assert_int_equal(tern_getsockopt(p.s, IPPROTO_TCP, TCP_INFO, &li, &len), 0);
	assert_int_equal(len, 4);
	assert_int_equal(get_int_opt(p.l, SOL_SOCKET, SO_ACCEPTCONN), 1);
	while (tern_recv(p.s, buf, sizeof(buf), 0) > 0)
		;
	FINISH(f, fresh, p.c, p.s, p.l);
}

static void
test_keepalive_options_reach_the_connection(void **state)
{
	struct fixture *f = *state;
	int one = 1, sec = 1, cnt = 3;
	struct pair p;

	make(f, __func__);
	pair_open(f, AF_INET, &p);
	harness_run(f->h, 100 * MS);
	cap_start(f->h, &f->cap);
	/* idle: nothing crosses the wire */
	harness_run(f->h, 3 * SEC);
	assert_int_equal(f->cap.n, 0);
	assert_int_equal(tern_setsockopt(p.c, IPPROTO_TCP, TCP_KEEPIDLE, &sec, sizeof(sec)), 0);
	assert_int_equal(tern_setsockopt(p.c, IPPROTO_TCP, TCP_KEEPINTVL, &sec, sizeof(sec)), 0);
	assert_int_equal(tern_setsockopt(p.c, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt)), 0);
	assert_int_equal(tern_setsockopt(p.c, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)), 0);
	harness_run(f->h, 2500 * MS);
	/* probes from A, each answered by B */
	assert_true(cap_count(&f->cap, HARNESS_A, TH_ACK, false) >= 2);
	assert_true(cap_count(&f->cap, HARNESS_B, TH_ACK, false) >= 2);
	FINISH(f, p.c, p.s, p.l);
}

static void
test_nodelay_on_listener_reaches_accepted(void **state)
{
	struct fixture *f = *state;
	int one = 1;
	struct pair p;

	make(f, __func__);
	p.l = listen_b(f, AF_INET);
	/* set after listen(): still inherited */
	assert_int_equal(tern_setsockopt(p.l, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)), 0);
	p.c = connect_a(f, AF_INET, TCP_PORT_B);
	p.s = accept_wait(f, p.l, SEC);
	assert_true(p.s >= 0);
	assert_int_equal(get_int_opt(p.s, IPPROTO_TCP, TCP_NODELAY), 1);
	assert_int_equal(get_int_opt(p.c, IPPROTO_TCP, TCP_NODELAY), 0);
	/* two small writes go out at once without Nagle's wait for the ACK */
	harness_run(f->h, 10 * MS);
	cap_start(f->h, &f->cap);
	assert_int_equal(tern_send(p.s, "a", 1, 0), 1);
	assert_int_equal(tern_send(p.s, "b", 1, 0), 1);
	harness_run(f->h, 0);	/* no time passes: A's delayed ACK does not come */
	assert_int_equal(cap_count(&f->cap, HARNESS_B, TH_ACK, true), 2);
	FINISH(f, p.c, p.s, p.l);
}

/* ---------------------------------------------------------------------- */
/* Ownership, hooks, the zero-copy path */

struct xcall {
	int fd, ep;
	struct tern_ctx *ctx;
	int r[6], e[6];
};

static void
xcall_run(struct xcall *x)
{
	char buf[4];
	struct epoll_event ev;
	int one = 1;

	errno = 0;
	x->r[0] = (int)tern_send(x->fd, "x", 1, 0);
	x->e[0] = errno;
	x->r[1] = (int)tern_recv(x->fd, buf, sizeof(buf), 0);
	x->e[1] = errno;
	x->r[2] = tern_close(x->fd);
	x->e[2] = errno;
	x->r[3] = tern_epoll_wait(x->ep, &ev, 1, 0);
	x->e[3] = errno;
	x->r[4] = tern_socket(x->ctx, AF_INET, SOCK_STREAM, 0);
	x->e[4] = errno;
	x->r[5] = tern_setsockopt(x->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	x->e[5] = errno;
}

static void *
xcall_thread(void *arg)
{
	xcall_run(arg);
	return NULL;
}

static int
xcall_lcore(void *arg)
{
	xcall_run(arg);
	return 0;
}

static void
xcall_check(const struct xcall *x)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(x->r); i++) {
		assert_int_equal(x->r[i], -1);
		assert_int_equal(x->e[i], EXDEV);
	}
}

static void
test_wrong_lcore_call_refused_exdev(void **state)
{
	struct fixture *f = *state;
	struct xcall x;
	pthread_t th;
	unsigned int lcore;
	char buf[8];
	struct pair p;

	make(f, __func__);
	pair_open(f, AF_INET, &p);
	memset(&x, 0, sizeof(x));
	x.fd = p.s;
	x.ep = tern_epoll_create1(ctx_b(f), 0);
	x.ctx = ctx_b(f);
	/* a thread that is no lcore */
	assert_int_equal(pthread_create(&th, NULL, xcall_thread, &x), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	xcall_check(&x);
	/* a worker lcore, when the EAL has one */
	RTE_LCORE_FOREACH_WORKER(lcore) {
		memset(x.r, 0, sizeof(x.r));
		memset(x.e, 0, sizeof(x.e));
		assert_int_equal(rte_eal_remote_launch(xcall_lcore, &x, lcore), 0);
		assert_int_equal(rte_eal_wait_lcore(lcore), 0);
		printf("%s: checked from worker lcore %u\n", __func__, lcore);
		xcall_check(&x);
		break;
	}
	/* nothing was touched: the socket still works from its own lcore */
	assert_int_equal(tern_send(p.c, "ok", 2, 0), 2);
	harness_run(f->h, 10 * MS);
	assert_int_equal(tern_recv(p.s, buf, sizeof(buf), 0), 2);
	FINISH(f, x.ep, p.c, p.s, p.l);
}

struct hook_log {
	unsigned int n;
	uint64_t udata;
	uint32_t type;
};

static void
hook_fn(struct tern_ctx *ctx, const struct tern_event *ev, void *arg)
{
	struct hook_log *log = arg;

	(void)ctx;
	log->n++;
	log->udata = ev->udata;
	log->type = ev->type;
}

static void
test_event_hook_gets_events_of_app_streams(void **state)
{
	struct fixture *f = *state;
	struct tern_udp_param up = { 0 };
	struct hook_log log = { 0 };
	struct sockaddr_storage bs;
	socklen_t blen = mkaddr(HARNESS_B, AF_INET, 7777, &bs);
	struct tern_udp_stream *raw;
	struct rte_mbuf *m;
	struct epoll_event ev;
	int a, ep;

	make(f, __func__);
	assert_int_equal(tern_sock_set_event_hook(ctx_b(f), hook_fn, &log), 0);
	up.local = harness_addr(HARNESS_B, 4, 7777);
	up.udata = 42;
	raw = tern_udp_open(ctx_b(f), &up);
	assert_non_null(raw);
	ep = tern_epoll_create1(ctx_b(f), 0);
	a = tern_socket(ctx_a(f), AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(tern_sendto(a, "raw", 3, 0, (struct sockaddr *)&bs, blen), 3);
	harness_run(f->h, MS);
	assert_int_equal(tern_epoll_wait(ep, &ev, 1, 0), 0);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.udata, 42);
	assert_int_equal(log.type, TERN_EV_READABLE);
	assert_int_equal(tern_udp_recv_burst(raw, &m, 1), 1);
	rte_pktmbuf_free(m);
	tern_udp_close(raw);
	FINISH(f, ep, a);
}

static void
test_zero_copy_stream_beside_socket(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_stream *ts;
	struct rte_mbuf *m;
	struct pair p;
	int u;

	make(f, __func__);
	u = tern_socket(ctx_b(f), AF_INET, SOCK_DGRAM, 0);
	assert_null(tern_sock_tcp_stream(u));
	assert_int_equal(errno, EINVAL);
	assert_null(tern_sock_udp_stream(u));	/* not bound yet */
	assert_int_equal(errno, EINVAL);
	pair_open(f, AF_INET, &p);
	ts = tern_sock_tcp_stream(p.s);
	assert_non_null(ts);
	assert_int_equal(tern_tcp_state(ts), TERN_TCP_ESTABLISHED);
	assert_int_equal(tern_send(p.c, "zero", 4, 0), 4);
	harness_run(f->h, 10 * MS);
	assert_int_equal(tern_tcp_recv_burst(ts, &m, 1), 1);
	assert_int_equal(rte_pktmbuf_data_len(m), 4);
	assert_memory_equal(rte_pktmbuf_mtod(m, void *), "zero", 4);
	/* and back, zero copy, read with the copying call */
	assert_int_equal(tern_tcp_send_burst(ts, &m, 1), 1);
	harness_run(f->h, 10 * MS);
	{
		char buf[8];

		assert_int_equal(tern_recv(p.c, buf, sizeof(buf), 0), 4);
		assert_memory_equal(buf, "zero", 4);
	}
	FINISH(f, u, p.c, p.s, p.l);
}

static void
test_ctx_fini_closes_every_handle(void **state)
{
	struct fixture *f = *state;
	char buf[8];
	struct pair p;
	int ep;

	make(f, __func__);
	pair_open(f, AF_INET, &p);
	ep = epoll_with(ctx_b(f), p.s, EPOLLIN);
	tern_sock_ctx_fini(ctx_b(f));
	ASSERT_ERR(tern_close(p.s), EBADF);
	ASSERT_ERR(tern_close(ep), EBADF);
	ASSERT_ERR(tern_close(p.l), EBADF);
	harness_run(f->h, 10 * MS);
	/* B closed gracefully: A reads the end of the stream */
	assert_int_equal(tern_recv(p.c, buf, sizeof(buf), 0), 0);
	/* the context takes a new table */
	p.l = listen_b(f, AF_INET);
	FINISH(f, p.c, p.l);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_socket_errors_and_small_handles),
		T(test_socket_table_full_emfile),
		T(test_bad_handle_ebadf),
		T(test_bind_errors),
		T(test_bind_reuseaddr_and_reuseport),
		T(test_listen_errors),
		T(test_accept_errors),
		T(test_connect_errors),
		T(test_send_recv_enotconn_and_eagain),
		T(test_tcp_echo_ipv4),
		T(test_tcp_echo_ipv6),
		T(test_tcp_bulk_through_epoll_loop),
		T(test_readv_writev),
		T(test_shutdown_wr_peer_reads_eof),
		T(test_connect_completion_reports_epollout),
		T(test_refused_connect_so_error_econnrefused),
		T(test_refused_connect_reported_by_connect_then_retry),
		T(test_so_linger_zero_close_sends_rst),
		T(test_close_without_linger_sends_fin),
		T(test_epoll_level_reports_while_data_remains),
		T(test_epoll_edge_reports_once_until_new_data),
		T(test_epoll_edge_epollout_after_full_send_buffer),
		T(test_epoll_listener_readable_until_accepted),
		T(test_epoll_edge_listener_new_connection_while_queue_not_empty),
		T(test_epoll_oneshot_until_mod),
		T(test_epoll_ctl_errors),
		T(test_epoll_fresh_socket_out_hup_and_error_always_reported),
		T(test_epoll_wait_manual_clock_one_pass),
		T(test_udp_sendto_recvfrom_ipv4),
		T(test_udp_sendto_recvfrom_ipv6),
		T(test_udp_connect_sets_default_and_filters),
		T(test_sockopt_values_and_errors),
		T(test_tcp_congestion_names),
		T(test_tcp_info_both_shapes),
		T(test_keepalive_options_reach_the_connection),
		T(test_nodelay_on_listener_reaches_accepted),
		T(test_wrong_lcore_call_refused_exdev),
		T(test_event_hook_gets_events_of_app_streams),
		T(test_zero_copy_stream_beside_socket),
		T(test_ctx_fini_closes_every_handle),
	};
	int ret;

	if (harness_eal_init("test_stack_sock") != 0)
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	harness_eal_fini();
	return ret;
}
