/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * The socket calls beyond send/recv (lib/sock): sendmsg and recvmsg with
 * their flags and IP_PKTINFO / IPV6_PKTINFO control data, poll over UDP
 * and TCP sockets, MSG_PEEK, and the pending errors of SO_ERROR as Linux
 * reports them (each case's expectations were checked against Linux 6.1 on
 * its loopback with the same sequence of calls), between two stacks through the harness (B serves,
 * A is the client; virtual time moves only in harness_run()).
 */
#define _GNU_SOURCE	/* struct in6_pktinfo */
#include <errno.h>

#include <rte_ether.h>
#include <rte_ip.h>

#include "sock_test.h"

#define PORT_UDP	9000

/* A UDP socket on B's address (@af), port PORT_UDP; its address into @bs. */
static int
udp_b(struct fixture *f, int af, struct sockaddr_storage *bs, socklen_t *blen)
{
	int b = tern_socket(ctx_b(f), af, SOCK_DGRAM, 0);

	assert_true(b >= 0);
	*blen = mkaddr(HARNESS_B, af, PORT_UDP, bs);
	assert_int_equal(tern_bind(b, (struct sockaddr *)bs, *blen), 0);
	return b;
}

/*
 * sendmsg of two buffers to B; recvmsg there: one datagram, the sender in
 * msg_name, MSG_TRUNC in msg_flags when the buffer is short; with
 * IP_PKTINFO / IPV6_RECVPKTINFO on, one control message naming B's address.
 */
static void
msg_exchange(struct fixture *f, int af)
{
	struct sockaddr_storage bs, from, al;
	socklen_t blen, alen = sizeof(al);
	char ctl[128], small_ctl[8], buf[16];
	struct iovec out[2] = {
		{ .iov_base = "hello ", .iov_len = 6 },
		{ .iov_base = "world", .iov_len = 5 },
	};
	struct iovec in = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr m;
	struct cmsghdr *c;
	int one = 1, val = 0, a, b, i;
	socklen_t vlen = sizeof(val);
	int lvl = af == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
	int opt = af == AF_INET ? IP_PKTINFO : IPV6_RECVPKTINFO;

	b = udp_b(f, af, &bs, &blen);
	a = tern_socket(ctx_a(f), af, SOCK_DGRAM, 0);
	memset(&m, 0, sizeof(m));
	m.msg_name = &bs;
	m.msg_namelen = blen;
	m.msg_iov = out;
	m.msg_iovlen = 2;
	for (i = 0; i < 3; i++)
		assert_int_equal(tern_sendmsg(a, &m, 0), 11);
	/* no ancillary data on send */
	m.msg_control = ctl;
	m.msg_controllen = sizeof(ctl);
	ASSERT_ERR(tern_sendmsg(a, &m, 0), EOPNOTSUPP);
	ASSERT_ERR(tern_sendmsg(a, NULL, 0), EFAULT);
	assert_int_equal(tern_getsockname(a, (struct sockaddr *)&al, &alen), 0);
	harness_run(f->h, MS);

	/* 1: without IP_PKTINFO: no control data, the sender, the bytes */
	memset(&m, 0, sizeof(m));
	m.msg_name = &from;
	m.msg_namelen = sizeof(from);
	m.msg_iov = &in;
	m.msg_iovlen = 1;
	m.msg_control = ctl;
	m.msg_controllen = sizeof(ctl);
	assert_int_equal(tern_recvmsg(b, &m, 0), 11);
	assert_memory_equal(buf, "hello world", 11);
	assert_int_equal(m.msg_controllen, 0);
	assert_int_equal(m.msg_flags, 0);
	assert_true(m.msg_namelen > 0);
	assert_int_equal(port_of(&from), port_of(&al));

	/* 2: with it, a short buffer: MSG_TRUNC, and where it was sent */
	assert_int_equal(tern_setsockopt(b, lvl, opt, &one, sizeof(one)), 0);
	assert_int_equal(tern_getsockopt(b, lvl, opt, &val, &vlen), 0);
	assert_int_equal(val, 1);
	in.iov_len = 5;
	m.msg_controllen = sizeof(ctl);
	assert_int_equal(tern_recvmsg(b, &m, 0), 5);
	assert_int_equal(m.msg_flags, MSG_TRUNC);
	c = CMSG_FIRSTHDR(&m);
	assert_non_null(c);
	assert_int_equal(c->cmsg_level, lvl);
	if (af == AF_INET) {
		struct in_pktinfo pi;
		const struct sockaddr_in *b4 = (const void *)&bs;

		assert_int_equal(c->cmsg_type, IP_PKTINFO);
		memcpy(&pi, CMSG_DATA(c), sizeof(pi));
		assert_int_equal(pi.ipi_addr.s_addr, b4->sin_addr.s_addr);
		assert_int_equal(pi.ipi_spec_dst.s_addr, b4->sin_addr.s_addr);
	} else {
		struct in6_pktinfo pi;
		const struct sockaddr_in6 *b6 = (const void *)&bs;

		assert_int_equal(c->cmsg_type, IPV6_PKTINFO);
		memcpy(&pi, CMSG_DATA(c), sizeof(pi));
		assert_memory_equal(&pi.ipi6_addr, &b6->sin6_addr, 16);
	}
	assert_null(CMSG_NXTHDR(&m, c));

	/* 3: control buffer too small: MSG_CTRUNC, the data still there */
	in.iov_len = sizeof(buf);
	m.msg_control = small_ctl;
	m.msg_controllen = sizeof(small_ctl);
	assert_int_equal(tern_recvmsg(b, &m, 0), 11);
	assert_int_equal(m.msg_flags, MSG_CTRUNC);
	assert_int_equal(m.msg_controllen, 0);
	ASSERT_ERR(tern_recvmsg(b, &m, 0), EAGAIN);
	ASSERT_ERR(tern_recvmsg(b, NULL, 0), EFAULT);
	FINISH(f, a, b);
}

static void
test_sendmsg_recvmsg_pktinfo_ipv4(void **state)
{
	make(*state, __func__);
	msg_exchange(*state, AF_INET);
}

static void
test_sendmsg_recvmsg_pktinfo_ipv6(void **state)
{
	make(*state, __func__);
	msg_exchange(*state, AF_INET6);
}

/* IP_PKTINFO is for UDP over IPv4 only; IPV6_RECVPKTINFO for UDP over IPv6. */
static void
test_pktinfo_option_family_and_type(void **state)
{
	struct fixture *f = *state;
	int one = 1, t4, u6;

	make(f, __func__);
	t4 = tern_socket(ctx_a(f), AF_INET, SOCK_STREAM, 0);
	u6 = tern_socket(ctx_a(f), AF_INET6, SOCK_DGRAM, 0);
	ASSERT_ERR(tern_setsockopt(t4, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)), ENOPROTOOPT);
	ASSERT_ERR(tern_setsockopt(u6, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)), ENOPROTOOPT);
	assert_int_equal(tern_setsockopt(u6, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)),
			 0);
	FINISH(f, t4, u6);
}

/*
 * poll: a quiet UDP socket has POLLOUT only; after a datagram, POLLIN; a
 * connected TCP socket POLLOUT, POLLIN once data came; a negative fd is
 * skipped, a handle that is no socket gets POLLNVAL; sockets of two
 * contexts in one call.
 */
static void
test_poll_udp_and_tcp(void **state)
{
	struct fixture *f = *state;
	struct sockaddr_storage bs;
	socklen_t blen;
	struct pollfd p[5];
	struct pair tp;
	int a, b, ep, t;

	make(f, __func__);
	b = udp_b(f, AF_INET, &bs, &blen);
	a = tern_socket(ctx_a(f), AF_INET, SOCK_DGRAM, 0);
	ep = tern_epoll_create1(ctx_b(f), 0);
	p[0] = (struct pollfd){ .fd = b, .events = POLLIN | POLLOUT };
	p[1] = (struct pollfd){ .fd = -1, .events = POLLIN, .revents = 7 };
	p[2] = (struct pollfd){ .fd = ep, .events = POLLIN };
	p[3] = (struct pollfd){ .fd = 4000, .events = POLLIN };
	assert_int_equal(tern_poll(p, 4, 0), 3);
	assert_int_equal(p[0].revents, POLLOUT);
	assert_int_equal(p[1].revents, 0);
	assert_int_equal(p[2].revents, POLLNVAL);
	assert_int_equal(p[3].revents, POLLNVAL);
	p[0].events = POLLIN;
	assert_int_equal(tern_poll(p, 1, 0), 0);	/* nothing to read yet */
	assert_int_equal(tern_sendto(a, "x", 1, 0, (struct sockaddr *)&bs, blen), 1);
	harness_run(f->h, MS);
	assert_int_equal(tern_poll(p, 1, 100), 1);
	assert_int_equal(p[0].revents, POLLIN);

	pair_open(f, AF_INET, &tp);
	p[0] = (struct pollfd){ .fd = tp.c, .events = POLLIN | POLLOUT };	/* on A */
	p[1] = (struct pollfd){ .fd = tp.s, .events = POLLIN };		/* on B */
	assert_int_equal(tern_poll(p, 2, 0), 1);
	assert_int_equal(p[0].revents, POLLOUT);
	assert_int_equal(p[1].revents, 0);
	assert_int_equal(tern_send(tp.c, "abc", 3, 0), 3);
	for (t = 0; t < 100 && tern_poll(p, 2, 0) < 2; t++)
		harness_run(f->h, MS);
	assert_int_equal(p[1].revents, POLLIN);
	ASSERT_ERR(tern_poll(NULL, 1, 0), EFAULT);
	assert_int_equal(tern_poll(NULL, 0, 0), 0);
	FINISH(f, a, b, ep, tp.c, tp.s, tp.l);
}


/* ---------------------------------------------------------------------- */
/* MSG_PEEK */

/*
 * TCP: a peek copies without taking, from the head, across segments; the
 * data is still there for the next read, and epoll still reports EPOLLIN;
 * nothing queued: EAGAIN; after the peer's FIN and the data read: 0.
 */
static void
test_msg_peek_tcp(void **state)
{
	struct fixture *f = *state;
	struct epoll_event ev;
	char buf[32], b2[4];
	struct iovec iov[2] = {
		{ .iov_base = buf, .iov_len = 3 },
		{ .iov_base = b2, .iov_len = 4 },
	};
	struct msghdr m;
	struct pair p;
	int ep;

	make(f, __func__);
	pair_open(f, AF_INET, &p);
	ep = epoll_with(ctx_b(f), p.s, EPOLLIN);
	assert_int_equal(tern_setsockopt(p.c, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int)),
			 0);
	ASSERT_ERR(tern_recv(p.s, buf, sizeof(buf), MSG_PEEK), EAGAIN);
	/* two segments: the peek must cross from one mbuf to the next */
	assert_int_equal(tern_send(p.c, "hello", 5, 0), 5);
	harness_run(f->h, MS);
	assert_int_equal(tern_send(p.c, " world", 6, 0), 6);
	harness_run(f->h, MS);
	assert_int_equal(tern_recv(p.s, buf, 5, MSG_PEEK), 5);
	assert_memory_equal(buf, "hello", 5);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(tern_recv(p.s, buf, sizeof(buf), MSG_PEEK), 11);
	assert_memory_equal(buf, "hello world", 11);
	assert_int_equal(tern_epoll_wait(ep, &ev, 1, 0), 1);
	assert_int_equal(ev.events, EPOLLIN);
	/* recvmsg with two buffers, peeking */
	memset(&m, 0, sizeof(m));
	m.msg_iov = iov;
	m.msg_iovlen = 2;
	assert_int_equal(tern_recvmsg(p.s, &m, MSG_PEEK), 7);
	assert_memory_equal(buf, "hel", 3);
	assert_memory_equal(b2, "lo w", 4);
	/* the reads still get everything, in order */
	assert_int_equal(tern_recv(p.s, buf, 3, 0), 3);
	assert_memory_equal(buf, "hel", 3);
	assert_int_equal(tern_recvfrom(p.s, buf, sizeof(buf), MSG_PEEK, NULL, NULL), 8);
	assert_memory_equal(buf, "lo world", 8);
	assert_int_equal(tern_recv(p.s, buf, sizeof(buf), 0), 8);
	assert_memory_equal(buf, "lo world", 8);
	ASSERT_ERR(tern_recv(p.s, buf, sizeof(buf), MSG_PEEK), EAGAIN);
	assert_int_equal(tern_epoll_wait(ep, &ev, 1, 0), 0);
	/* the end of the stream */
	assert_int_equal(tern_shutdown(p.c, SHUT_WR), 0);
	harness_run(f->h, MS);
	assert_int_equal(tern_recv(p.s, buf, sizeof(buf), MSG_PEEK), 0);
	assert_int_equal(tern_recv(p.s, buf, sizeof(buf), 0), 0);
	FINISH(f, ep, p.c, p.s, p.l);
}

/*
 * UDP: a peek leaves the datagram queued, with its sender; short buffer:
 * truncated (MSG_TRUNC in msg_flags; with the MSG_TRUNC flag, the full
 * length); the next read takes the same datagram, then the next one.
 * A connected socket's peek skips (and drops) datagrams of other senders.
 */
static void
msg_peek_udp(struct fixture *f, int af)
{
	struct sockaddr_storage bs, from, al, ol;
	socklen_t blen, flen = sizeof(from), alen = sizeof(al), olen = sizeof(ol);
	char buf[32];
	struct iovec in = { .iov_base = buf, .iov_len = 5 };
	struct msghdr m;
	int a, b, o;

	b = udp_b(f, af, &bs, &blen);
	a = tern_socket(ctx_a(f), af, SOCK_DGRAM, 0);
	o = tern_socket(ctx_a(f), af, SOCK_DGRAM, 0);
	ASSERT_ERR(tern_recv(b, buf, sizeof(buf), MSG_PEEK), EAGAIN);
	assert_int_equal(tern_sendto(a, "hello world", 11, 0, (struct sockaddr *)&bs, blen), 11);
	assert_int_equal(tern_sendto(a, "second", 6, 0, (struct sockaddr *)&bs, blen), 6);
	assert_int_equal(tern_getsockname(a, (struct sockaddr *)&al, &alen), 0);
	harness_run(f->h, MS);
	assert_int_equal(tern_recvfrom(b, buf, 5, MSG_PEEK, (struct sockaddr *)&from, &flen), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(port_of(&from), port_of(&al));
	assert_int_equal(tern_recv(b, buf, 5, MSG_PEEK | MSG_TRUNC), 11);
	memset(&m, 0, sizeof(m));
	m.msg_iov = &in;
	m.msg_iovlen = 1;
	assert_int_equal(tern_recvmsg(b, &m, MSG_PEEK), 5);
	assert_int_equal(m.msg_flags, MSG_TRUNC);
	assert_int_equal(tern_recv(b, buf, sizeof(buf), 0), 11);
	assert_memory_equal(buf, "hello world", 11);
	assert_int_equal(tern_recv(b, buf, sizeof(buf), MSG_PEEK), 6);
	assert_int_equal(tern_recv(b, buf, sizeof(buf), 0), 6);
	assert_memory_equal(buf, "second", 6);
	ASSERT_ERR(tern_recv(b, buf, sizeof(buf), MSG_PEEK), EAGAIN);

	/* connected to a: o's datagram is skipped by the peek, a's is seen */
	alen = mkaddr(HARNESS_A, af, port_of(&al), &al);
	assert_int_equal(tern_connect(b, (struct sockaddr *)&al, alen), 0);
	assert_int_equal(tern_sendto(o, "other", 5, 0, (struct sockaddr *)&bs, blen), 5);
	assert_int_equal(tern_getsockname(o, (struct sockaddr *)&ol, &olen), 0);
	harness_run(f->h, MS);
	assert_int_equal(tern_sendto(a, "mine", 4, 0, (struct sockaddr *)&bs, blen), 4);
	harness_run(f->h, MS);
	assert_int_equal(tern_recv(b, buf, sizeof(buf), MSG_PEEK), 4);
	assert_memory_equal(buf, "mine", 4);
	assert_int_equal(tern_recv(b, buf, sizeof(buf), 0), 4);
	ASSERT_ERR(tern_recv(b, buf, sizeof(buf), MSG_PEEK), EAGAIN);
	FINISH(f, a, b, o);
}

static void
test_msg_peek_udp_ipv4(void **state)
{
	make(*state, __func__);
	msg_peek_udp(*state, AF_INET);
}

static void
test_msg_peek_udp_ipv6(void **state)
{
	make(*state, __func__);
	msg_peek_udp(*state, AF_INET6);
}

/* ---------------------------------------------------------------------- */
/* SO_ERROR */

static int
so_error(int fd)
{
	socklen_t len = sizeof(int);
	int e = -1;

	assert_int_equal(tern_getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len), 0);
	assert_int_equal(len, sizeof(int));
	return e;
}

/*
 * A connected UDP socket and an ICMP port unreachable (B has nothing on the
 * port), as Linux: EPOLLERR with EPOLLOUT; SO_ERROR ECONNREFUSED, then 0;
 * after the next one a recv fails with it once (then EAGAIN), after the
 * next one a send fails with it once (then sends).
 */
static void
udp_refused(struct fixture *f, int af)
{
	struct sockaddr_storage bs;
	socklen_t blen = mkaddr(HARNESS_B, af, PORT_NONE, &bs);
	struct epoll_event ev;
	struct tern_stats s0, s1;
	char buf[8];
	int a, ep;

	a = tern_socket(ctx_a(f), af, SOCK_DGRAM, 0);
	assert_int_equal(tern_connect(a, (struct sockaddr *)&bs, blen), 0);
	ep = epoll_with(ctx_a(f), a, EPOLLIN | EPOLLOUT | EPOLLET);
	assert_int_equal(tern_epoll_wait(ep, &ev, 1, 0), 1);
	assert_int_equal(ev.events, EPOLLOUT);
	s0 = harness_stats(f->h, HARNESS_A);
	assert_int_equal(tern_send(a, "x", 1, 0), 1);
	harness_run(f->h, MS);
	s1 = harness_stats(f->h, HARNESS_A);
	assert_int_equal(s1.icmp_err_to_udp - s0.icmp_err_to_udp, 1);
	/* the error wakes an edge-triggered wait */
	assert_int_equal(tern_epoll_wait(ep, &ev, 1, 0), 1);
	assert_int_equal(ev.events, EPOLLOUT | EPOLLERR);
	assert_int_equal(so_error(a), ECONNREFUSED);
	assert_int_equal(so_error(a), 0);
	assert_int_equal(tern_send(a, "x", 1, 0), 1);
	harness_run(f->h, MS);
	ASSERT_ERR(tern_recv(a, buf, sizeof(buf), 0), ECONNREFUSED);
	ASSERT_ERR(tern_recv(a, buf, sizeof(buf), 0), EAGAIN);
	assert_int_equal(tern_send(a, "x", 1, 0), 1);
	harness_run(f->h, MS);
	ASSERT_ERR(tern_send(a, "y", 1, 0), ECONNREFUSED);
	assert_int_equal(tern_send(a, "y", 1, 0), 1);
	harness_run(f->h, MS);
	assert_int_equal(so_error(a), ECONNREFUSED);
	/* disconnected: errors no longer kept */
	memset(&bs, 0, sizeof(bs));
	bs.ss_family = AF_UNSPEC;
	assert_int_equal(tern_connect(a, (struct sockaddr *)&bs, sizeof(bs)), 0);
	blen = mkaddr(HARNESS_B, af, PORT_NONE, &bs);
	assert_int_equal(tern_sendto(a, "z", 1, 0, (struct sockaddr *)&bs, blen), 1);
	harness_run(f->h, MS);
	assert_int_equal(so_error(a), 0);
	ASSERT_ERR(tern_recv(a, buf, sizeof(buf), 0), EAGAIN);
	FINISH(f, ep, a);
}

static void
test_so_error_udp_port_unreachable_ipv4(void **state)
{
	make(*state, __func__);
	udp_refused(*state, AF_INET);
}

static void
test_so_error_udp_port_unreachable_ipv6(void **state)
{
	make(*state, __func__);
	udp_refused(*state, AF_INET6);
}

/*
 * The peer resets an established connection, as Linux: EPOLLERR; SO_ERROR
 * ECONNRESET then 0, the end of the stream, EPIPE. Or, unread, the first
 * send reports ECONNRESET and SO_ERROR is then 0.
 */
static void
test_so_error_econnreset(void **state)
{
	struct fixture *f = *state;
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct epoll_event ev;
	struct pair p, q;
	char buf[8];
	int ep;

	make(f, __func__);
	pair_open(f, AF_INET, &p);
	ep = epoll_with(ctx_a(f), p.c, EPOLLIN | EPOLLOUT);
	assert_int_equal(tern_setsockopt(p.s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
	assert_int_equal(tern_close(p.s), 0);
	harness_run(f->h, 10 * MS);
	assert_int_equal(tern_epoll_wait(ep, &ev, 1, 0), 1);
	assert_true(ev.events & EPOLLERR);
	assert_int_equal(so_error(p.c), ECONNRESET);
	assert_int_equal(so_error(p.c), 0);
	assert_int_equal(tern_epoll_wait(ep, &ev, 1, 0), 1);
	assert_false(ev.events & EPOLLERR);
	assert_int_equal(tern_recv(p.c, buf, sizeof(buf), 0), 0);
	ASSERT_ERR(tern_send(p.c, "x", 1, 0), EPIPE);

	q.l = p.l;
	q.c = connect_a(f, AF_INET, TCP_PORT_B);
	q.s = accept_wait(f, q.l, 5 * SEC);
	assert_true(q.s >= 0);
	harness_run(f->h, MS);
	assert_int_equal(tern_setsockopt(q.s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
	assert_int_equal(tern_close(q.s), 0);
	harness_run(f->h, 10 * MS);
	ASSERT_ERR(tern_send(q.c, "x", 1, 0), ECONNRESET);
	assert_int_equal(so_error(q.c), 0);
	ASSERT_ERR(tern_send(q.c, "x", 1, 0), EPIPE);
	FINISH(f, ep, p.c, q.c, p.l);
}

/* A tap that drops every IPv4 TCP frame A sends. */
static bool
drop_a_tcp(void *arg, enum harness_side from, struct rte_mbuf *m, uint64_t now_ns)
{
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_ipv4_hdr *ih = (const struct rte_ipv4_hdr *)(eh + 1);
	unsigned int *n = arg;

	(void)now_ns;
	if (from != HARNESS_A || eh->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    ih->next_proto_id != IPPROTO_TCP)
		return false;
	(*n)++;
	return true;
}

/*
 * Nobody answers the SYNs: after the retransmissions give up (syn_retries
 * 2: 1 + 2 + 4 s), EPOLLOUT | EPOLLERR and SO_ERROR ETIMEDOUT, once, as
 * Linux reports a connect that timed out.
 */
static void
test_so_error_connect_etimedout(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_config cfg;
	struct epoll_event ev;
	unsigned int dropped = 0;
	char buf[4];
	int c, ep;

	harness_seed(__func__, 1);
	memset(&cfg, 0, sizeof(cfg));
	cfg.syn_retries = 2;
	f->h = harness_create_tcp(NULL, NULL, &cfg);
	assert_non_null(f->h);
	harness_set_tap(f->h, drop_a_tcp, &dropped);
	c = connect_a(f, AF_INET, TCP_PORT_B);
	ep = epoll_with(ctx_a(f), c, EPOLLOUT);
	harness_run(f->h, 6 * SEC);
	assert_int_equal(tern_epoll_wait(ep, &ev, 1, 0), 0);	/* still trying */
	assert_int_equal(so_error(c), 0);
	harness_run(f->h, 2 * SEC);
	assert_int_equal(dropped, 3);
	assert_int_equal(tern_epoll_wait(ep, &ev, 1, 0), 1);
	assert_int_equal(ev.events, EPOLLOUT | EPOLLERR | EPOLLHUP);
	assert_int_equal(so_error(c), ETIMEDOUT);
	assert_int_equal(so_error(c), 0);
	assert_int_equal(tern_recv(c, buf, sizeof(buf), 0), 0);
	ASSERT_ERR(tern_send(c, "x", 1, 0), EPIPE);
	FINISH(f, ep, c);
}

/*
 * An established connection whose peer stops answering: after the data's
 * retransmissions give up (retries 3), EPOLLERR, SO_ERROR ETIMEDOUT once,
 * then the end of the stream and EPIPE, as Linux (tcp_retries2).
 */
static void
test_so_error_data_retransmissions_etimedout(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_config cfg;
	struct epoll_event ev;
	unsigned int dropped = 0;
	struct pair p;
	char buf[4];
	int ep, i;

	harness_seed(__func__, 1);
	memset(&cfg, 0, sizeof(cfg));
	cfg.retries = 3;
	f->h = harness_create_tcp(NULL, NULL, &cfg);
	assert_non_null(f->h);
	pair_open(f, AF_INET, &p);
	ep = epoll_with(ctx_a(f), p.c, EPOLLIN);
	harness_set_tap(f->h, drop_a_tcp, &dropped);
	assert_int_equal(tern_send(p.c, "lost", 4, 0), 4);
	for (i = 0; i < 600 && tern_epoll_wait(ep, &ev, 1, 0) == 0; i++)
		harness_run(f->h, 100 * MS);
	assert_true(dropped >= 4);	/* the segment and its 3 retransmissions */
	assert_true(ev.events & EPOLLERR);
	assert_int_equal(so_error(p.c), ETIMEDOUT);
	assert_int_equal(so_error(p.c), 0);
	assert_int_equal(tern_recv(p.c, buf, sizeof(buf), 0), 0);
	ASSERT_ERR(tern_send(p.c, "x", 1, 0), EPIPE);
	harness_set_tap(f->h, NULL, NULL);
	/* B's end never heard: reset it so that nothing is left */
	{
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };

		assert_int_equal(tern_setsockopt(p.s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
	}
	FINISH(f, ep, p.c, p.s, p.l);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_sendmsg_recvmsg_pktinfo_ipv4),
		T(test_sendmsg_recvmsg_pktinfo_ipv6),
		T(test_pktinfo_option_family_and_type),
		T(test_poll_udp_and_tcp),
		T(test_msg_peek_tcp),
		T(test_msg_peek_udp_ipv4),
		T(test_msg_peek_udp_ipv6),
		T(test_so_error_udp_port_unreachable_ipv4),
		T(test_so_error_udp_port_unreachable_ipv6),
		T(test_so_error_econnreset),
		T(test_so_error_connect_etimedout),
		T(test_so_error_data_retransmissions_etimedout),
	};

	int ret;

	if (harness_eal_init("test_stack_sock_msg") != 0)
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	harness_eal_fini();
	return ret;
}
