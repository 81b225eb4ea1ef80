/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * A TCP echo server on the kernel's BSD sockets and epoll: non-blocking
 * sockets, level-triggered epoll, one buffer per connection. echo_tern.c
 * beside it is the same program on tern, call for call.
 *
 *   sock-echo-bsd [PORT]        (default 7000; IPv4, any address)
 */
#define _GNU_SOURCE	/* accept4() */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

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
	return epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Echo what can be echoed. @return 0, or -1: close the connection. */
static int
pump(int ep, struct conn *c)
{
	ssize_t n;

	for (;;) {
		while (c->off < c->len) {
			n = send(c->fd, c->buf + c->off, c->len - c->off, MSG_NOSIGNAL);
			if (n < 0)
				return errno == EAGAIN ? want(ep, c, EPOLLOUT) : -1;
			c->off += (size_t)n;
		}
		c->off = c->len = 0;
		n = recv(c->fd, c->buf, sizeof(c->buf), 0);
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

	while ((fd = accept4(l, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c = calloc(1, sizeof(*c));
		ev.events = EPOLLIN;
		ev.data.ptr = c;
		if (c == NULL || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
			free(c);
			close(fd);
			continue;
		}
		c->fd = fd;
		c->want = EPOLLIN;
	}
}

static int
serve(uint16_t port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL }, evs[MAX_EVENTS];
	int l, ep, n, i, one = 1;

	l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(l, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(l, 128) < 0) {
		perror("listen");
		return 1;
	}
	ep = epoll_create1(0);
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev) < 0) {
		perror("epoll");
		return 1;
	}
	printf("echo: listening on port %u\n", port);
	fflush(stdout);
	while (!stop) {
		n = epoll_wait(ep, evs, MAX_EVENTS, 100);
		for (i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;

			if (c == NULL) {
				accept_all(ep, l);
			} else if (pump(ep, c) < 0) {
				close(c->fd);		/* leaves the epoll too */
				free(c);
			}
		}
	}
	close(ep);
	close(l);
	return 0;
}

int
main(int argc, char **argv)
{
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	return serve(argc > 1 ? (uint16_t)atoi(argv[1]) : 7000);
}
