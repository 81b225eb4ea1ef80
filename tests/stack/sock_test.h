/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef SOCK_TEST_H
#define SOCK_TEST_H

/*
 * Helpers of the socket API stack tests (test_stack_sock*.c): B serves, A
 * is the client; sockaddrs of the harness's addresses; a TCP pair; epoll
 * waits in virtual time; a finish that closes and checks nothing is held.
 */

#include <errno.h>

#define TCP_TEST_CAP_FIXTURE
#include "tcp_test.h"

#define PORT_UDP	9000
#define PORT_NONE	1234	/* nothing listens here */

/* The call fails with -1 and errno @e. */
#define ASSERT_ERR(call, e)						\
	do {								\
		errno = 0;						\
		assert_int_equal((call), -1);				\
		assert_int_equal(errno, (e));				\
	} while (0)

/* A listener on B, a connection from A and B's end of it. */
struct pair {
	int l, c, s;
};

static inline struct harness *
make(struct fixture *f, const char *name)
{
	harness_seed(name, 1);	/* no impairment: printed for the record */
	f->h = harness_create_tcp(NULL, NULL, NULL);
	assert_non_null(f->h);
	return f->h;
}

static inline struct tern_ctx *
ctx_a(const struct fixture *f)
{
	return harness_ctx(f->h, HARNESS_A);
}

static inline struct tern_ctx *
ctx_b(const struct fixture *f)
{
	return harness_ctx(f->h, HARNESS_B);
}

static inline int
fam(int af)
{
	return af == AF_INET ? 4 : 6;
}

/* The address of side @side, port @port, as a sockaddr of family @af. */
socklen_t
mkaddr(enum harness_side side, int af, uint16_t port, struct sockaddr_storage *ss);

static inline uint16_t
port_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return rte_be_to_cpu_16(((const struct sockaddr_in *)ss)->sin_port);
	return rte_be_to_cpu_16(((const struct sockaddr_in6 *)ss)->sin6_port);
}

bool
same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b);

/* A TCP listener on B's address, port TCP_PORT_B. */
int
listen_b(struct fixture *f, int af);

/* A connects to B's @port; @return the socket (connecting). */
static inline int
connect_a(struct fixture *f, int af, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len = mkaddr(HARNESS_B, af, port, &ss);
	int c = tern_socket(ctx_a(f), af, SOCK_STREAM, 0);

	assert_true(c >= 0);
	ASSERT_ERR(tern_connect(c, (struct sockaddr *)&ss, len), EINPROGRESS);
	return c;
}

/* Run until listener @l has a connection; @return it (-1 after @max_ns). */
int
accept_wait(struct fixture *f, int l, uint64_t max_ns);

static inline void
pair_open(struct fixture *f, int af, struct pair *p)
{
	p->l = listen_b(f, af);
	p->c = connect_a(f, af, TCP_PORT_B);
	p->s = accept_wait(f, p->l, 5 * SEC);
	assert_true(p->s >= 0);
	harness_run(f->h, MS);
}

/* Run until epoll @ep reports something (timeout 0 each pass); @return the count. */
int
wait_for(struct fixture *f, int ep, struct epoll_event *ev, int max, uint64_t max_ns);

static inline int
epoll_with(struct tern_ctx *ctx, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };
	int ep = tern_epoll_create1(ctx, 0);

	assert_true(ep >= 0);
	assert_int_equal(tern_epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), 0);
	return ep;
}

/* Close the handles given (-1: none), let the connections end, check nothing is held. */
void
finish(struct fixture *f, const int *fds, unsigned int n);

#define FINISH(f, ...)							\
	do {								\
		const int fds_[] = { __VA_ARGS__ };			\
		finish((f), fds_, RTE_DIM(fds_));			\
	} while (0)


#endif /* SOCK_TEST_H */
