/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_PRELOAD_H
#define TERN_PRELOAD_H

/* libtern_preload.so's internals (preload/). Not installed. */

#include <stdbool.h>
#include <stdint.h>

#include <pthread.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#include <tern/tern.h>

#define PL_MAX_KERNEL	16

/* An address prefix. */
struct pl_prefix {
	uint8_t family;		/* 4 or 6 */
	uint8_t len;
	tern_ip4_t ip4;
	struct tern_ip6 ip6;
};

struct pl_config {
	bool have4, have6;
	uint8_t len4, len6;
	tern_ip4_t addr4;
	struct tern_ip6 addr6;
	struct pl_prefix kernel[PL_MAX_KERNEL];	/* destinations left to the kernel */
	unsigned int nb_kernel;
	bool any_kernel;		/* a bind to the wildcard goes to the kernel */
	bool stats;			/* print the counters at exit */
};

/* Shared by preload.c and preload_wait.c; hidden: not the program's to see. */
#define PL_HIDDEN	__attribute__((visibility("hidden")))

#define PL_SPIN_NS	100000		/* busy-poll this long after the last event */
#define PL_STEP_MIN_NS	10000
#define PL_STEP_MAX_NS	1000000	/* TERN_IDLE_SPIN_US, TERN_IDLE_SLEEP_MAX_US change them */
#define PL_MAX_OPTS	32
#define PL_OPT_LEN	32
#define PL_FD_MAX	(1 << 20)	/* descriptors the table covers */
#define PL_POLL_STACK	64

enum pl_kind {
	PK_KERNEL = 0,		/* not ours: libc */
	PK_PENDING,		/* an AF_INET/AF_INET6 socket not yet placed */
	PK_TERN,		/* a tern socket; the kernel one holds the number */
	PK_EPOLL,		/* a kernel epoll with a tern half */
};

struct pl_opt {
	int level, name;
	socklen_t len;
	uint8_t val[PL_OPT_LEN];
};

struct pl_fd {
	uint8_t kind;
	uint8_t nonblock;
	int family, type, proto;
	int th;			/* tern handle (socket, or the epoll's tern half) */
	unsigned int nb_opts;
	struct pl_opt *opts;	/* PK_PENDING: options to replay */
};

struct pl_state {
	int state;		/* 0: not started, 1: running, -1: failed */
	struct tern_ctx *ctx;
	pid_t owner;		/* thread id */
	pid_t pid;
	struct pl_config cfg;
	struct pl_fd *tab;
	int tab_size;
	int hi;			/* above every descriptor made ours */
	uint64_t spin_ns;	/* the back-off of the waits */
	uint64_t step_max_ns;	/* 0: never sleep */
	pthread_mutex_t lock;	/* the start */
};

extern struct pl_state P PL_HIDDEN;
extern __thread int pl_inside PL_HIDDEN;	/* in tern or the EAL: every call goes to libc */

static inline struct pl_fd *
pl_slot(int fd)
{
	if (fd < 0 || fd >= P.tab_size || P.tab == NULL)
		return NULL;
	return &P.tab[fd];
}

/* @fd becomes ours: the exit flush looks below P.hi. */
static inline void
pl_mark_hi(int fd)
{
	if (fd >= P.hi)
		P.hi = fd + 1;
}

/* Our entry of @fd if it is not a plain kernel descriptor (and not inside tern). */
static inline struct pl_fd *
pl_ours(int fd)
{
	struct pl_fd *f = pl_slot(fd);

	if (f == NULL || f->kind == PK_KERNEL || pl_inside)
		return NULL;
	return f;
}


/* Whether @f is a placed tern socket (data calls go to tern). */
static inline bool
pl_tern_data(const struct pl_fd *f)
{
	return f != NULL && f->kind == PK_TERN;
}

static inline uint64_t
pl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* preload.c */
PL_HIDDEN void pl_slot_clear(struct pl_fd *f);
/* A call on a tern descriptor: the owner thread only, never in a child (else it aborts). */
PL_HIDDEN void pl_own(const char *call, int fd);


/*
 * preload_config.c: the EAL, the port and the network from TERN_CONFIG (or
 * the TERN_* variables) through tern_app.h's bring-up; @c filled, the
 * network in @net. @return 0, or -1 after a message.
 */
PL_HIDDEN int pl_bringup(struct pl_config *c, struct tern_net **net);

#endif /* TERN_PRELOAD_H */
