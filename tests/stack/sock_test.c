/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/* The helpers declared in sock_test.h, compiled once for every test that uses them. */
#include "sock_test.h"

socklen_t
mkaddr(enum harness_side side, int af, uint16_t port, struct sockaddr_storage *ss)
{
	struct tern_sockaddr ta = harness_addr(side, (uint8_t)fam(af), port);

	memset(ss, 0, sizeof(*ss));
	if (af == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_port = ta.port;
		in->sin_addr.s_addr = ta.ip4;
		return sizeof(*in);
	}
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	in6->sin6_family = AF_INET6;
	in6->sin6_port = ta.port;
	memcpy(&in6->sin6_addr, &ta.ip6, 16);
	return sizeof(*in6);
}

bool
same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

	return x->sin6_port == y->sin6_port &&
		memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
}

int
listen_b(struct fixture *f, int af)
{
	struct sockaddr_storage ss;
	socklen_t len = mkaddr(HARNESS_B, af, TCP_PORT_B, &ss);
	int l = tern_socket(ctx_b(f), af, SOCK_STREAM | SOCK_NONBLOCK, 0);

	assert_true(l >= 0);
	assert_int_equal(tern_bind(l, (struct sockaddr *)&ss, len), 0);
	assert_int_equal(tern_listen(l, 16), 0);
	return l;
}

int
accept_wait(struct fixture *f, int l, uint64_t max_ns)
{
	uint64_t t;
	int s;

	for (t = 0; t <= max_ns; t += MS) {
		s = tern_accept(l, NULL, NULL);
		if (s >= 0)
			return s;
		assert_int_equal(errno, EAGAIN);
		harness_run(f->h, MS);
	}
	return -1;
}

int
wait_for(struct fixture *f, int ep, struct epoll_event *ev, int max, uint64_t max_ns)
{
	uint64_t t;
	int n;

	for (t = 0; t <= max_ns; t += MS) {
		n = tern_epoll_wait(ep, ev, max, 0);
		if (n != 0)
			return n;
		harness_run(f->h, MS);
	}
	return 0;
}

void
finish(struct fixture *f, const int *fds, unsigned int n)
{
	unsigned int i;

	harness_set_tap(f->h, NULL, NULL);
	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			assert_int_equal(tern_close(fds[i]), 0);
	harness_run(f->h, 500 * MS);
	assert_int_equal(tern_tcp_nb_conns(ctx_a(f)), 0);
	assert_int_equal(tern_tcp_nb_conns(ctx_b(f)), 0);
	tcp_assert_clean(f->h);
}
