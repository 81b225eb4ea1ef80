/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * echo_bsd.c ported to tern's socket-like API, call for call: every socket
 * and epoll call takes a tern_ prefix, socket() and epoll_create1() take the
 * context, and epoll_wait() is what drives the stack. Only main() differs:
 * it starts the EAL and gives tern a port, an address and a context.
 *
 *   tern-sock-echo EAL-ARGS -- --addr A.B.C.D/LEN [--port PORT]
 *   tern-sock-echo --no-huge -m 512 --no-pci --vdev net_tap0,iface=tern0 -- \
 *       --addr 10.0.0.1/24 --port 7000
 */
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include <tern/tern.h>

#define MAX_EVENTS	64
#define BUF_SIZE	16384

struct conn {
	int fd;
	uint32_t want;		/* EPOLLIN or EPOLLOUT: what we wait for */
	size_t len, off;	/* buf[off, len): received, not yet echoed */
	char buf[BUF_SIZE];
};

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	stop = sig;
}

static int
want(int ep, struct conn *c, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = c };

	if (c->want == events)
		return 0;
	c->want = events;
	return tern_epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Echo what can be echoed. @return 0, or -1: close the connection. */
static int
pump(int ep, struct conn *c)
{
	ssize_t n;

	for (;;) {
		while (c->off < c->len) {
			n = tern_send(c->fd, c->buf + c->off, c->len - c->off, MSG_NOSIGNAL);
			if (n < 0)
				return errno == EAGAIN ? want(ep, c, EPOLLOUT) : -1;
			c->off += (size_t)n;
		}
		c->off = c->len = 0;
		n = tern_recv(c->fd, c->buf, sizeof(c->buf), 0);
		if (n == 0)
			return -1;		/* the peer closed */
		if (n < 0)
			return errno == EAGAIN ? want(ep, c, EPOLLIN) : -1;
		c->len = (size_t)n;
	}
}

static void
accept_all(int ep, int l)
{
	struct epoll_event ev;
	struct conn *c;
	int fd, one = 1;

	while ((fd = tern_accept4(l, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
		tern_setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c = calloc(1, sizeof(*c));
		ev.events = EPOLLIN;
		ev.data.ptr = c;
		if (c == NULL || tern_epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
			free(c);
			tern_close(fd);
			continue;
		}
		c->fd = fd;
		c->want = EPOLLIN;
	}
}

static int
serve(struct tern_ctx *ctx, uint16_t port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL }, evs[MAX_EVENTS];
	int l, ep, n, i, one = 1;

	l = tern_socket(ctx, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (l < 0 || tern_setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    tern_bind(l, (struct sockaddr *)&sin, sizeof(sin)) < 0 || tern_listen(l, 128) < 0) {
		perror("listen");
		return 1;
	}
	ep = tern_epoll_create1(ctx, 0);
	if (ep < 0 || tern_epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev) < 0) {
		perror("epoll");
		return 1;
	}
	printf("echo: listening on port %u\n", port);
	fflush(stdout);
	while (!stop) {
		n = tern_epoll_wait(ep, evs, MAX_EVENTS, 100);
		for (i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;

			if (c == NULL) {
				accept_all(ep, l);
			} else if (pump(ep, c) < 0) {
				tern_close(c->fd);	/* leaves the epoll too */
				free(c);
			}
		}
	}
	tern_close(ep);
	tern_close(l);
	return 0;
}

/* What BSD code gets from the kernel: a port, an address, here a context. */
static struct tern_ctx *
setup(const char *addr)
{
	struct tern_dev *dev;
	struct tern_net *net;
	tern_ip4_t a;
	uint8_t len;
	int ifx;

	if (tern_ip4_parse(addr, &a, &len) != 0 || len == 0) {
		fprintf(stderr, "echo: --addr wants A.B.C.D/LEN, not %s\n", addr);
		return NULL;
	}
	dev = tern_dev_create(0, &(struct tern_dev_param){ .nb_queues = 1 });
	net = tern_net_create(NULL);
	if (dev == NULL || net == NULL) {
		fprintf(stderr, "echo: port 0: %s\n", rte_strerror(rte_errno));
		return NULL;
	}
	ifx = tern_net_iface_add(net, dev, 0);
	if (ifx < 0 || tern_net_addr4_add(net, (uint16_t)ifx, a, len) != 0) {
		fprintf(stderr, "echo: address %s: failed\n", addr);
		return NULL;
	}
	return tern_ctx_create(&(struct tern_ctx_param){ .net = net, .queue_id = 0 });
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "addr", required_argument, NULL, 'a' },
		{ "port", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *addr = NULL;
	uint16_t port = 7000;
	struct tern_ctx *ctx;
	int n, c, ret;

	n = rte_eal_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "echo: rte_eal_init: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	argc -= n;
	argv += n;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'a')
			addr = optarg;
		else if (c == 'p')
			port = (uint16_t)atoi(optarg);
		else
			return 2;
	}
	if (addr == NULL) {
		fprintf(stderr, "usage: tern-sock-echo EAL-ARGS -- --addr A.B.C.D/LEN [--port N]\n");
		return 2;
	}
	ctx = setup(addr);
	if (ctx == NULL)
		return 1;
	tern_ctx_announce(ctx);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	ret = serve(ctx, port);
	tern_ctx_destroy(ctx);		/* closes what is left (tern_sock_ctx_fini()) */
	rte_eal_cleanup();
	return ret;
}
