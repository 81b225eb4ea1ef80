/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * A plain Linux program, no tern in it: one epoll set holding TCP
 * listeners on the IPv4 and IPv6 wildcards (under libtern_preload.so: a tern socket), its
 * accepted connections (echoed), a pipe and an eventfd written by a second
 * thread, a timerfd ticking every 20 ms, and a loopback TCP pair of its own
 * (the kernel's: loopback stays on the kernel), over which it sends a byte
 * at every timer tick. It runs until a client sends a line "quit", then
 * prints what each kind of descriptor delivered and fails unless each
 * delivered something.
 *
 *   mixed-epoll PORT
 *   mixed-epoll --fork-check PORT    a child touches the listener: it must
 *                                    die by SIGABRT (exit 0 if it did)
 *   mixed-epoll --thread-check PORT  a second thread touches it: the
 *                                    process aborts (exit 1 if it did not)
 *   mixed-epoll --signal-check PORT  epoll_wait(-1) and poll(-1) on the
 *                                    listener fail with EINTR when a SIGALRM
 *                                    handler runs (exit 0 if both did)
 *
 * Prints "ready" once listening. tests/interop/test_preload.sh runs it under
 * the preload with a kernel client in a network namespace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#define MAX_EV	64

enum { K_LISTEN = 1, K_CONN, K_PIPE, K_EVENTFD, K_TIMER, K_LOOP_L, K_LOOP_C, K_LOOP_S };

static int pipefd[2], efd;
static volatile bool stop;

static void *
writer(void *arg)
{
	uint64_t one = 1;

	(void)arg;
	while (!stop) {
		if (write(pipefd[1], "p", 1) != 1 || write(efd, &one, sizeof(one)) != sizeof(one))
			break;
		usleep(30000);
	}
	return NULL;
}

static void
add(int ep, int fd, int kind, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.u64 = (uint64_t)kind << 32 | (uint32_t)fd };

	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
		fprintf(stderr, "mixed: epoll_ctl(%d): %s\n", fd, strerror(errno));
		exit(1);
	}
}

static int listener;

static void *
toucher(void *arg)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);

	(void)arg;
	getsockname(listener, (struct sockaddr *)&sa, &sl);
	return NULL;
}

/* The listener of @port, touched by a child (@fork) or a thread. */
static int
misuse(bool fork_it, const char *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
	pthread_t th;
	int st;
	pid_t pid;

	listener = socket(AF_INET, SOCK_STREAM, 0);
	if (listener < 0 || bind(listener, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(listener, 1) != 0)
		return 2;
	if (!fork_it) {
		pthread_create(&th, NULL, toucher, NULL);
		pthread_join(th, NULL);
		printf("mixed: the second thread's call returned\n");
		return 1;
	}
	pid = fork();
	if (pid == 0) {
		toucher(NULL);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 2;
	printf("mixed: child %s %d\n", WIFSIGNALED(st) ? "killed by signal" : "exited",
	       WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	close(listener);
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT ? 0 : 1;
}

static volatile sig_atomic_t alarmed;

static void
on_alarm(int sig)
{
	(void)sig;
	alarmed++;
}

/* A handler that runs during a wait ends the wait with EINTR. */
static int
signal_check(const char *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
	struct sigaction act;
	struct epoll_event ev = { .events = EPOLLIN };
	struct pollfd p;
	int l, ep, r, e, fails = 0;

	memset(&act, 0, sizeof(act));
	act.sa_handler = on_alarm;	/* no SA_RESTART: epoll_wait and poll fail anyway */
	sigaction(SIGALRM, &act, NULL);
	l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(l, 1) != 0)
		return 2;
	ep = epoll_create1(0);
	ev.data.fd = l;
	epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
	alarm(1);
	r = epoll_wait(ep, &ev, 1, -1);
	e = errno;
	printf("mixed: epoll_wait(-1) = %d, errno %s, handler ran %d\n", r, strerror(e),
	       (int)alarmed);
	fails += !(r == -1 && e == EINTR && alarmed == 1);
	p = (struct pollfd){ .fd = l, .events = POLLIN };
	alarm(1);
	r = poll(&p, 1, -1);
	e = errno;
	printf("mixed: poll(-1) = %d, errno %s, handler ran %d\n", r, strerror(e), (int)alarmed);
	fails += !(r == -1 && e == EINTR && alarmed == 2);
	close(ep);
	close(l);
	return fails == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct itimerspec its = { .it_interval = { 0, 20000000 }, .it_value = { 0, 20000000 } };
	struct epoll_event ev[MAX_EV];
	uint64_t n_conn = 0, n_bytes = 0, n_pipe = 0, n_efd = 0, n_timer = 0, n_loop = 0;
	socklen_t sl = sizeof(sa);
	int one = 1, ep, l, tfd, ll, lc, ls = -1, i, n;
	pthread_t th;
	bool quit = false;
	char buf[65536];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "--fork-check") == 0)
		return misuse(true, argv[2]);
	if (argc == 3 && strcmp(argv[1], "--thread-check") == 0)
		return misuse(false, argv[2]);
	if (argc == 3 && strcmp(argv[1], "--signal-check") == 0)
		return signal_check(argv[2]);
	if (argc != 2)
		return 2;
	ep = epoll_create1(EPOLL_CLOEXEC);
	/* the listener: the wildcard, so tern's */
	l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin_port = htons((uint16_t)atoi(argv[1]));
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(l, 128) != 0) {
		fprintf(stderr, "mixed: listen: %s\n", strerror(errno));
		return 1;
	}
	add(ep, l, K_LISTEN, EPOLLIN);
	{
		/* and the IPv6 wildcard (tern's too, IPv6 only) */
		struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_port = sa.sin_port };
		int l6 = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);

		setsockopt(l6, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		if (l6 < 0 || bind(l6, (struct sockaddr *)&s6, sizeof(s6)) != 0 ||
		    listen(l6, 128) != 0) {
			fprintf(stderr, "mixed: listen6: %s\n", strerror(errno));
			return 1;
		}
		add(ep, l6, K_LISTEN, EPOLLIN);
	}
	/* kernel descriptors */
	if (pipe2(pipefd, O_NONBLOCK) != 0)
		return 1;
	efd = eventfd(0, EFD_NONBLOCK);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	if (efd < 0 || tfd < 0 || timerfd_settime(tfd, 0, &its, NULL) != 0)
		return 1;
	add(ep, pipefd[0], K_PIPE, EPOLLIN);
	add(ep, efd, K_EVENTFD, EPOLLIN);
	add(ep, tfd, K_TIMER, EPOLLIN);
	/* a loopback pair: the kernel's */
	ll = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = 0;
	if (bind(ll, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(ll, 1) != 0 ||
	    getsockname(ll, (struct sockaddr *)&sa, &sl) != 0) {
		fprintf(stderr, "mixed: loopback listen: %s\n", strerror(errno));
		return 1;
	}
	lc = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(lc, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		fprintf(stderr, "mixed: loopback connect: %s\n", strerror(errno));
		return 1;
	}
	add(ep, ll, K_LOOP_L, EPOLLIN);
	if (pthread_create(&th, NULL, writer, NULL) != 0)
		return 1;
	printf("ready\n");

	while (!quit) {
		n = epoll_wait(ep, ev, MAX_EV, 1000);
		if (n < 0 && errno != EINTR) {
			fprintf(stderr, "mixed: epoll_wait: %s\n", strerror(errno));
			return 1;
		}
		for (i = 0; i < n; i++) {
			int kind = (int)(ev[i].data.u64 >> 32), fd = (int)(uint32_t)ev[i].data.u64;
			uint64_t v;
			ssize_t r;

			switch (kind) {
			case K_LISTEN:
				for (;;) {
					int c = accept4(fd, NULL, NULL, SOCK_NONBLOCK);

					if (c < 0)
						break;
					setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
					add(ep, c, K_CONN, EPOLLIN);
					n_conn++;
				}
				break;
			case K_CONN:
				while ((r = read(fd, buf, sizeof(buf))) > 0) {
					ssize_t w = 0;

					n_bytes += (uint64_t)r;
					if (r >= 5 && memcmp(buf + r - 5, "quit\n", 5) == 0)
						quit = true;
					while (w < r) {
						ssize_t k = write(fd, buf + w, (size_t)(r - w));

						if (k > 0) {
							w += k;
							continue;
						}
						if (k < 0 && errno != EAGAIN) {
							fprintf(stderr, "mixed: write: %s\n", strerror(errno));
							return 1;
						}
						/* full: wait for room with poll(2) on the one socket */
						struct pollfd p = { .fd = fd, .events = POLLOUT };

						poll(&p, 1, 1000);
					}
				}
				if (r == 0 || (r < 0 && errno != EAGAIN)) {
					epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
					close(fd);
				}
				break;
			case K_PIPE:
				while (read(fd, buf, sizeof(buf)) > 0)
					n_pipe++;
				break;
			case K_EVENTFD:
				if (read(fd, &v, sizeof(v)) == sizeof(v))
					n_efd += v;
				break;
			case K_TIMER:
				if (read(fd, &v, sizeof(v)) == sizeof(v))
					n_timer += v;
				if (write(lc, "t", 1) != 1)
					return 1;
				break;
			case K_LOOP_L:
				ls = accept4(fd, NULL, NULL, SOCK_NONBLOCK);
				if (ls >= 0)
					add(ep, ls, K_LOOP_S, EPOLLIN);
				break;
			case K_LOOP_S:
				while ((r = read(fd, buf, sizeof(buf))) > 0)
					n_loop += (uint64_t)r;
				break;
			default:
				break;
			}
		}
	}
	stop = true;
	pthread_join(th, NULL);
	printf("mixed: conns=%" PRIu64 " tcp_bytes=%" PRIu64 " pipe=%" PRIu64 " eventfd=%" PRIu64
	       " timer=%" PRIu64 " loopback=%" PRIu64 "\n", n_conn, n_bytes, n_pipe, n_efd,
	       n_timer, n_loop);
	close(ls);
	close(lc);
	close(ll);
	close(l);
	close(ep);
	return n_conn > 0 && n_bytes > 0 && n_pipe > 0 && n_efd > 0 && n_timer > 0 &&
		n_loop > 0 ? 0 : 1;
}
