/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_SOCK_PRIV_H
#define TERN_SOCK_PRIV_H

/* Internal view of the socket layer (lib/sock). Not installed. */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <tern/tern_sock.h>

#include "tern_core.h"
#include "udp_sock.h"

#define SOCK_DEF_MAX		65536
#define SOCK_INIT_SLOTS		64
#define SOCK_EV_BATCH		64	/* events drained at a time */
#define SOCK_EPHEMERAL_LO	49152
#define SOCK_EPHEMERAL_HI	65535

/* What a udata of the sock layer looks like: tag, generation, slot. */
#define SOCK_UDATA_TAG		(1ULL << 63)
#define SOCK_UDATA(s)		(SOCK_UDATA_TAG | (uint64_t)(s)->gen << 32 | (uint32_t)(s)->slot)

enum sock_kind {
	SK_TCP = 1,
	SK_UDP,
	SK_EPOLL,
};

/* States of a TCP socket, as the sock layer sees it. */
enum sock_state {
	SS_NEW = 0,		/* no stream */
	SS_LISTEN,
	SS_CONNECTING,
	SS_CONNECTED,		/* the stream reached ESTABLISHED (or was accepted) */
	SS_DEAD,		/* the connection failed (error or reset) */
};

/* struct sock.fl */
#define SF_BOUND	(1u << 0)	/* local address chosen (bind, listen, auto-bind) */
#define SF_REUSEADDR	(1u << 1)
#define SF_REUSEPORT	(1u << 2)
#define SF_KEEPALIVE	(1u << 3)
#define SF_NODELAY	(1u << 4)
#define SF_LINGER	(1u << 5)
#define SF_SHUT_RD	(1u << 6)
#define SF_SHUT_WR	(1u << 7)
#define SF_UDP_CONN	(1u << 8)	/* UDP: default destination set */
#define SF_WATCHED	(1u << 9)	/* on the table's watch list */
#define SF_ESTAB	(1u << 10)	/* TCP: was connected (a failed one cannot reconnect) */
#define SF_PKTINFO	(1u << 11)	/* UDP: IP_PKTINFO / IPV6_RECVPKTINFO on (recvmsg) */

struct sock_ep;
struct sock_table;

/* One socket of an epoll's interest list. */
struct ep_item {
	struct sock_ep *ep;
	struct sock *s;
	uint32_t events;		/* EPOLL* asked for */
	bool disabled;			/* EPOLLONESHOT fired */
	bool ready;			/* on ep->ready */
	epoll_data_t data;
	TAILQ_ENTRY(ep_item) ep_link;	/* every item of the epoll */
	TAILQ_ENTRY(ep_item) ready_link;
	LIST_ENTRY(ep_item) sock_link;	/* every item of the socket */
};

TAILQ_HEAD(ep_item_list, ep_item);

struct sock_ep {
	struct ep_item_list items;
	struct ep_item_list ready;
	uint32_t nb_ready;
};

struct sock {
	struct sock_table *t;
	uint32_t slot;
	uint32_t gen;
	uint8_t kind;			/* enum sock_kind */
	uint8_t family;			/* 4 or 6 */
	uint8_t st;			/* enum sock_state (TCP) */
	uint8_t cc;			/* congestion control: 1 + index in sock_cc_names, 0: the context's */
	uint32_t fl;			/* SF_* */
	int so_error;			/* pending error, positive errno */
	struct tern_sockaddr local;	/* SF_BOUND */
	struct tern_sockaddr remote;	/* UDP: SF_UDP_CONN */
	union {
		struct tern_tcp_stream *tcp;
		struct tern_udp_stream *udp;
		struct sock_ep *ep;
	};
	/* options, applied at listen / connect */
	uint32_t sndbuf;		/* 0: the context's */
	uint32_t rcvbuf;
	uint32_t keepidle_s;		/* 0: the context's */
	uint32_t keepintvl_s;
	uint32_t keepcnt;
	uint16_t mss;			/* TCP_MAXSEG, 0: from the MTU */
	int linger_s;
	int backlog;
	/* readiness */
	LIST_HEAD(, ep_item) items;	/* the epolls it is in */
	TAILQ_ENTRY(sock) watch_link;
	uint32_t seen;			/* rx bytes / datagrams / connections last seen */
	uint32_t last_mask;		/* EPOLL* last computed */
};

struct sock_table {
	struct tern_ctx *ctx;
	unsigned int idx;		/* in the registry: handles idx << 20 | slot */
	unsigned int owner;		/* lcore */
	uint32_t max;
	uint32_t nb_slots;		/* allocated */
	uint32_t nb_used;
	struct sock **slots;
	uint32_t *gens;			/* generation per slot, bumped at each free */
	uint32_t *free_stack;
	uint32_t nb_free;
	uint32_t next_fresh;		/* slots below it were handed out once */
	uint16_t next_port;
	TAILQ_HEAD(, sock) watch;	/* sockets whose readiness may change silently */
	tern_sock_event_hook_t hook;
	void *hook_arg;
	/* idle back-off of the waits (sock_epoll.c) */
	uint64_t idle_spin;		/* TSC cycles of busy-polling after the last work */
	uint64_t idle_max_ns;		/* longest sleep; 0: never sleep */
	uint64_t idle_from;		/* TSC of the last pass that did work */
	uint64_t idle_step_ns;		/* the next sleep; 0: the first */
};

/* sock.c */
/* errno = @e; @return -1. */
static inline int
sock_err(int e)
{
	errno = e;
	return -1;
}

/*
 * The socket of handle @fd, checked: the table exists and belongs to this
 * lcore. @return it, or NULL with errno EBADF / EXDEV.
 */
struct sock *sock_get(int fd);
/* sock_get() of a TCP or UDP socket (not an epoll): else ENOTSOCK. */
struct sock *sock_get_sk(int fd);
/* The table of @ctx, made if @create (owned by the caller). NULL with errno. */
struct sock_table *sock_table_of(struct tern_ctx *ctx, bool create);
/* A new socket in @t; NULL with errno EMFILE / ENOMEM. */
struct sock *sock_alloc(struct sock_table *t, uint8_t kind, uint8_t family);
/* Release @s's slot (its stream must be gone) and free it. */
void sock_free(struct sock *s);
/* The socket of a udata in @t, or NULL. */
struct sock *sock_of_udata(struct sock_table *t, uint64_t udata);
/* Absorb what happened to @s's stream: state and pending error. */
void sock_sync(struct sock *s);
int sock_handle(const struct sock *s);
/* An unbound UDP socket gets the wildcard address and a free port. @return 0 or errno. */
int sock_udp_autobind(struct sock *s);

/* sockaddr conversions; @return 0 or a positive errno. */
int sock_addr_in(const struct sock *s, const struct sockaddr *a, socklen_t len,
		 struct tern_sockaddr *out);
void sock_addr_out(const struct tern_sockaddr *sa, uint8_t family, struct sockaddr *a,
		   socklen_t *len);

/* sock_epoll.c */
/* EPOLL* of @s now (after sock_sync()). */
uint32_t sock_poll_mask(struct sock *s);
/* Something happened to @s: put its epoll items on their ready lists. */
void sock_wake(struct sock *s);
/* Re-check whether @s needs watching. */
void sock_watch_update(struct sock *s);
/*
 * A call consumed data (@rx: what is left is known to the application) or
 * found the send buffer full: forget the readiness that went away, watch
 * what may come back silently.
 */
void sock_after_io(struct sock *s, bool rx);
/* @s is going away: out of every epoll, off the watch list. */
void sock_epoll_detach(struct sock *s);
/* Free the epoll of @s (its items). */
void sock_epoll_free(struct sock *s);
/*
 * One pass: poll the context, drain its events, check the watched sockets.
 * @return whether it did anything (packets received, events drained).
 */
bool sock_table_pass(struct sock_table *t);
/* The default idle back-off into @t. */
void sock_idle_init(struct sock_table *t);

/* sock_opt.c */
extern const char *const sock_cc_names[];
/* The TCP parameters of @s for listen / connect. */
void sock_tcp_param(const struct sock *s, struct tern_tcp_param *p);
/* Copy the options of listener @l onto accepted socket @s. */
void sock_inherit(struct sock *s, const struct sock *l);

#endif /* TERN_SOCK_PRIV_H */
