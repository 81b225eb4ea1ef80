/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * The socket calls beyond send/recv (lib/sock): sendmsg and recvmsg with
 * their flags and IP_PKTINFO / IPV6_PKTINFO control data, and poll over
 * UDP and TCP sockets, between two stacks through the harness (B serves,
 * A is the client; virtual time moves only in harness_run()).
 */
#define _GNU_SOURCE	/* struct in6_pktinfo */
#include <errno.h>

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

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_sendmsg_recvmsg_pktinfo_ipv4),
		T(test_sendmsg_recvmsg_pktinfo_ipv6),
		T(test_pktinfo_option_family_and_type),
		T(test_poll_udp_and_tcp),
	};

	int ret;

	if (harness_eal_init("test_stack_sock_msg") != 0)
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	harness_eal_fini();
	return ret;
}
