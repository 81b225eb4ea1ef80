/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * echo_bsd.c ported to tern's socket-like API, call for call: every socket
 * and epoll call takes a tern_ prefix, socket() and epoll_create1() take the
 * context, and epoll_wait() is what drives the stack. Only main() differs:
 * the common bring-up (tern_app.h) starts the EAL and gives tern a port, an
 * address and a context per worker, from the command line or a --config file.
 *
 *   tern-sock-echo EAL-ARGS -- --addr A.B.C.D/LEN [--lport P]
 *   tern-sock-echo --no-huge -m 512 --no-pci --vdev net_tap0,iface=tern0 -- \
 *       --addr 10.0.0.1/24 --lport 7000
 *   tern-sock-echo --config echo.ini
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include <tern/tern.h>

#define MAX_EVENTS	64
#define BUF_SIZE	16384

struct conn {
	int fd;
	uint32_t want;		/* EPOLLIN or EPOLLOUT: what we wait for */
	size_t len, off;	/* buf[off, len): received, not yet echoed */
	char buf[BUF_SIZE];
};

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
serve(struct tern_app_worker *w, uint16_t port)
{
	struct tern_ctx *ctx = tern_app_worker_ctx(w);
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
	while (tern_app_running(w)) {
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

/* tern-sock-echo's one option of its own; the rest is the common bring-up's. */
static const struct tern_app_opt opts[] = {
	{ "lport", "P", "TCP port to listen on (default 7000)", "a port, 1..65535", 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

static uint16_t lport = 7000;

static int
parse(void *arg, int id, const char *val)
{
	char *end;
	unsigned long v = strtoul(val, &end, 10);

	(void)arg;
	(void)id;
	if (*val < '0' || *val > '9' || *end != '\0' || v == 0 || v > UINT16_MAX)
		return TERN_APP_OPT_BAD;
	lport = (uint16_t)v;
	return 0;
}

static int
worker(struct tern_app_worker *w, void *arg)
{
	(void)arg;
	return serve(w, lport);
}

static void
ready(struct tern_app *app, void *arg)
{
	(void)app;
	(void)arg;
	printf("tern-sock-echo: ready\n");
	fflush(stdout);
}

/* What BSD code gets from the kernel (a port, an address), here a context. */
int
main(int argc, char **argv)
{
	static const struct tern_app_param param = {
		.name = "tern-sock-echo",
		.synopsis = "--addr A.B.C.D/LEN [--lport P] [options]",
		.about = "echo_bsd.c's TCP echo server on tern's sockets, one per worker context.\n",
		.opts = opts,
		.parse = parse,
		.section = "sock-echo",
		.flags = TERN_APP_F_NEED_ADDR,
	};
	struct tern_app *app;
	int rc;

	app = tern_app_init(argc, argv, &param, &rc);
	if (app == NULL)
		return rc;
	rc = tern_app_run(app, &(struct tern_app_worker_ops){ .main = worker, .ready = ready });
	tern_app_fini(app);		/* the contexts closed what was left */
	return rc;
}
