/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_spinlock.h>

#include "tern_net_priv.h"
#include "tcp_sock.h"
#include "sock_priv.h"

/*
 * The socket table of each context, handles, and the calls that make,
 * connect and end sockets (include/tern/tern_sock.h). A handle is
 * table index << 20 | slot; the registry of tables is the only state shared
 * between lcores, written when a table is made or freed.
 */

static struct sock_table *registry[TERN_SOCK_MAX_CTX];
/* contexts whose destroy hook is registered (a hook is never taken back) */
static struct tern_ctx *hooked[TERN_SOCK_MAX_CTX];
static rte_spinlock_t registry_lock = RTE_SPINLOCK_INITIALIZER;

#define FD_SHIFT	20
#define FD_SLOT_MASK	((uint32_t)TERN_SOCK_FD_SPAN - 1)

int
sock_handle(const struct sock *s)
{
	return (int)(s->t->idx << FD_SHIFT | s->slot);
}

static struct sock_table *
table_at(int fd)
{
	unsigned int idx;

	if (fd < 0)
		return NULL;
	idx = (unsigned int)fd >> FD_SHIFT;
	if (idx >= TERN_SOCK_MAX_CTX)
		return NULL;
	return __atomic_load_n(&registry[idx], __ATOMIC_ACQUIRE);
}

struct sock *
sock_get(int fd)
{
	struct sock_table *t = table_at(fd);
	uint32_t slot;

	if (t == NULL) {
		errno = EBADF;
		return NULL;
	}
	/* nothing of the table is read before this check */
	if (t->owner != rte_lcore_id()) {
		errno = EXDEV;
		return NULL;
	}
	slot = (uint32_t)fd & FD_SLOT_MASK;
	if (slot >= t->nb_slots || t->slots[slot] == NULL) {
		errno = EBADF;
		return NULL;
	}
	return t->slots[slot];
}

struct sock *
sock_get_sk(int fd)
{
	struct sock *s = sock_get(fd);

	if (s != NULL && s->kind == SK_EPOLL) {
		errno = ENOTSOCK;
		return NULL;
	}
	return s;
}

static void sock_ctx_destroyed(struct tern_ctx *ctx);

/* The socket layer in a context: added on first use, only to be told of its end. */
static const struct ctx_layer_ops sock_layer_ops = {
	.name = "sock",
	.fini = sock_ctx_destroyed,
};

/* Register the destroy hook once per context. Called with the lock held. */
static void
hook_destroy(struct tern_ctx *ctx)
{
	unsigned int i, hole = TERN_SOCK_MAX_CTX;

	for (i = 0; i < TERN_SOCK_MAX_CTX; i++) {
		if (hooked[i] == ctx)
			return;
		if (hooked[i] == NULL && hole == TERN_SOCK_MAX_CTX)
			hole = i;
	}
	if (hole == TERN_SOCK_MAX_CTX || ctx_layer_add(ctx, &sock_layer_ops, NULL) != 0) {
		TERN_LOG(WARNING, sock, "context %p: no destroy hook; call tern_sock_ctx_fini()",
			 (void *)ctx);
		return;
	}
	hooked[hole] = ctx;
}

static struct sock_table *
table_find(const struct tern_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < TERN_SOCK_MAX_CTX; i++) {
		struct sock_table *t = __atomic_load_n(&registry[i], __ATOMIC_ACQUIRE);

		if (t != NULL && t->ctx == ctx)
			return t;
	}
	return NULL;
}

static int
table_make(struct tern_ctx *ctx, uint32_t max, unsigned int owner, struct sock_table **out)
{
	struct sock_table *t;
	unsigned int i;

	rte_spinlock_lock(&registry_lock);
	if (table_find(ctx) != NULL) {
		rte_spinlock_unlock(&registry_lock);
		return EEXIST;
	}
	for (i = 0; i < TERN_SOCK_MAX_CTX && registry[i] != NULL; i++)
		;
	if (i == TERN_SOCK_MAX_CTX) {
		rte_spinlock_unlock(&registry_lock);
		return EMFILE;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL) {
		rte_spinlock_unlock(&registry_lock);
		return ENOMEM;
	}
	t->ctx = ctx;
	t->idx = i;
	t->owner = owner;
	t->max = max;
	t->next_port = SOCK_EPHEMERAL_LO;
	TAILQ_INIT(&t->watch);
	sock_idle_init(t);
	hook_destroy(ctx);
	__atomic_store_n(&registry[i], t, __ATOMIC_RELEASE);
	rte_spinlock_unlock(&registry_lock);
	*out = t;
	return 0;
}

struct sock_table *
sock_table_of(struct tern_ctx *ctx, bool create)
{
	struct sock_table *t;
	int e;

	if (ctx == NULL) {
		errno = EINVAL;
		return NULL;
	}
	t = table_find(ctx);
	if (t == NULL) {
		if (!create) {
			errno = EINVAL;
			return NULL;
		}
		e = table_make(ctx, SOCK_DEF_MAX, rte_lcore_id(), &t);
		if (e == EEXIST)
			t = table_find(ctx);	/* made by another lcore just now */
		else if (e != 0) {
			errno = e;
			return NULL;
		}
	}
	if (t->owner != rte_lcore_id()) {
		errno = EXDEV;
		return NULL;
	}
	return t;
}

int
tern_sock_ctx_init(struct tern_ctx *ctx, const struct tern_sock_param *p)
{
	struct sock_table *t;
	uint32_t max = SOCK_DEF_MAX;
	unsigned int owner = rte_lcore_id();
	int e;

	if (ctx == NULL)
		return sock_err(EINVAL);
	if (p != NULL) {
		if (p->max_socks > TERN_SOCK_FD_SPAN)
			return sock_err(EINVAL);
		if (p->max_socks != 0)
			max = p->max_socks;
		if (p->owner_set)
			owner = p->lcore_id;
	}
	e = table_make(ctx, max, owner, &t);
	return e != 0 ? sock_err(e) : 0;
}

/* Close a socket of a table being freed or a handle being closed. */
static void
sock_release(struct sock *s)
{
	switch (s->kind) {
	case SK_EPOLL:
		sock_epoll_free(s);
		break;
	case SK_TCP:
		sock_epoll_detach(s);
		if (s->tcp != NULL) {
			if ((s->fl & SF_LINGER) && s->linger_s == 0)
				tern_tcp_abort(s->tcp);
			else
				tern_tcp_close(s->tcp);
			s->tcp = NULL;
		}
		break;
	case SK_UDP:
		sock_epoll_detach(s);
		tern_udp_close(s->udp);
		s->udp = NULL;
		break;
	default:
		break;
	}
	sock_free(s);
}

static void
table_free(struct sock_table *t)
{
	uint32_t i;

	rte_spinlock_lock(&registry_lock);
	__atomic_store_n(&registry[t->idx], NULL, __ATOMIC_RELEASE);
	rte_spinlock_unlock(&registry_lock);
	/* epolls first: closing them drops their items in one go */
	for (i = 0; i < t->nb_slots; i++)
		if (t->slots[i] != NULL && t->slots[i]->kind == SK_EPOLL)
			sock_release(t->slots[i]);
	for (i = 0; i < t->nb_slots; i++)
		if (t->slots[i] != NULL)
			sock_release(t->slots[i]);
	free(t->slots);
	free(t->gens);
	free(t->free_stack);
	free(t);
}

void
tern_sock_ctx_fini(struct tern_ctx *ctx)
{
	struct sock_table *t = ctx != NULL ? table_find(ctx) : NULL;

	if (t != NULL)
		table_free(t);
}

static void
sock_ctx_destroyed(struct tern_ctx *ctx)
{
	unsigned int i;

	tern_sock_ctx_fini(ctx);
	rte_spinlock_lock(&registry_lock);
	for (i = 0; i < TERN_SOCK_MAX_CTX; i++)
		if (hooked[i] == ctx)
			hooked[i] = NULL;
	rte_spinlock_unlock(&registry_lock);
}

int
tern_sock_set_event_hook(struct tern_ctx *ctx, tern_sock_event_hook_t fn, void *arg)
{
	struct sock_table *t = sock_table_of(ctx, true);

	if (t == NULL)
		return -1;
	t->hook = fn;
	t->hook_arg = arg;
	return 0;
}

int
tern_sock_ctx_poll(struct tern_ctx *ctx)
{
	struct sock_table *t = sock_table_of(ctx, false);

	if (t == NULL)
		return -1;
	sock_table_pass(t);
	return 0;
}

struct tern_ctx *
tern_sock_ctx(int fd)
{
	struct sock_table *t = table_at(fd);

	if (t == NULL) {
		errno = EBADF;
		return NULL;
	}
	return t->ctx;
}

/* ---------------------------------------------------------------------- */
/* Slots */

static int
table_grow(struct sock_table *t)
{
	uint32_t n = t->nb_slots ? t->nb_slots * 2 : SOCK_INIT_SLOTS, i;
	struct sock **slots;
	uint32_t *gens, *fs;

	if (n > t->max)
		n = t->max;
	slots = realloc(t->slots, n * sizeof(*slots));
	if (slots == NULL)
		return ENOMEM;
	t->slots = slots;
	gens = realloc(t->gens, n * sizeof(*gens));
	if (gens == NULL)
		return ENOMEM;
	t->gens = gens;
	fs = realloc(t->free_stack, n * sizeof(*fs));
	if (fs == NULL)
		return ENOMEM;
	t->free_stack = fs;
	for (i = t->nb_slots; i < n; i++) {
		t->slots[i] = NULL;
		t->gens[i] = 0;
	}
	t->nb_slots = n;
	return 0;
}

struct sock *
sock_alloc(struct sock_table *t, uint8_t kind, uint8_t family)
{
	struct sock *s;
	uint32_t slot;
	int e;

	if (t->nb_used >= t->max) {
		errno = EMFILE;
		return NULL;
	}
	if (t->nb_free == 0 && t->next_fresh == t->nb_slots) {
		e = table_grow(t);
		if (e != 0) {
			errno = e;
			return NULL;
		}
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	slot = t->nb_free > 0 ? t->free_stack[--t->nb_free] : t->next_fresh++;
	t->gens[slot] = (t->gens[slot] + 1) & 0x7fffffff;
	s->t = t;
	s->slot = slot;
	s->gen = t->gens[slot];
	s->kind = kind;
	s->family = family;
	s->st = SS_NEW;
	LIST_INIT(&s->items);
	t->slots[slot] = s;
	t->nb_used++;
	return s;
}

void
sock_free(struct sock *s)
{
	struct sock_table *t = s->t;

	t->slots[s->slot] = NULL;
	t->free_stack[t->nb_free++] = s->slot;
	t->nb_used--;
	free(s);
}

struct sock *
sock_of_udata(struct sock_table *t, uint64_t udata)
{
	uint32_t slot = (uint32_t)udata;
	struct sock *s;

	if (!(udata & SOCK_UDATA_TAG) || slot >= t->nb_slots)
		return NULL;
	s = t->slots[slot];
	if (s == NULL || s->gen != ((udata >> 32) & 0x7fffffff))
		return NULL;
	return s;
}

/* ---------------------------------------------------------------------- */
/* Addresses */

int
sock_addr_in(const struct sock *s, const struct sockaddr *a, socklen_t len,
	     struct tern_sockaddr *out)
{
	memset(out, 0, sizeof(*out));
	if (s->family == 4) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)a;

		if (len < sizeof(*in))
			return EINVAL;
		if (in->sin_family != AF_INET)
			return EAFNOSUPPORT;
		out->family = 4;
		out->port = in->sin_port;
		out->ip4 = in->sin_addr.s_addr;
	} else {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)a;

		if (len < sizeof(*in6))
			return EINVAL;
		if (in6->sin6_family != AF_INET6)
			return EAFNOSUPPORT;
		out->family = 6;
		out->port = in6->sin6_port;
		memcpy(&out->ip6, &in6->sin6_addr, 16);
	}
	return 0;
}

void
sock_addr_out(const struct tern_sockaddr *sa, uint8_t family, struct sockaddr *a, socklen_t *len)
{
	struct sockaddr_storage ss;
	socklen_t n;

	memset(&ss, 0, sizeof(ss));
	if (family == 4) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		if (sa != NULL) {
			in->sin_port = sa->port;
			in->sin_addr.s_addr = sa->ip4;
		}
		n = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		if (sa != NULL) {
			in6->sin6_port = sa->port;
			memcpy(&in6->sin6_addr, &sa->ip6, 16);
		}
		n = sizeof(*in6);
	}
	memcpy(a, &ss, *len < n ? *len : n);
	*len = n;
}

static bool
addr_is_any(const struct tern_sockaddr *sa)
{
	return sa->family == 4 ? sa->ip4 == 0 : ip6_is_unspec(&sa->ip6);
}

static bool
addr_same(const struct tern_sockaddr *a, const struct tern_sockaddr *b)
{
	return a->family == 4 ? a->ip4 == b->ip4 : ip6_eq(&a->ip6, &b->ip6);
}

/* Whether @sa is the wildcard or an address of the context's network. */
static bool
addr_local_ok(const struct tern_ctx *ctx, const struct tern_sockaddr *sa)
{
	const struct tern_net *net = ctx->net;
	uint16_t i;

	if (addr_is_any(sa))
		return true;
	for (i = 0; i < net->nb_ifaces; i++)
		if (sa->family == 4 ? iface_has_addr4(&net->ifaces[i], sa->ip4) :
				      iface_has_addr6(&net->ifaces[i], &sa->ip6))
			return true;
	return false;
}

/* Whether binding TCP socket @me to @sa collides with a bound socket of the table. */
static bool
tcp_bind_conflict(const struct sock *me, const struct tern_sockaddr *sa)
{
	const struct sock_table *t = me->t;
	uint32_t i;

	for (i = 0; i < t->next_fresh; i++) {
		const struct sock *o = t->slots[i];

		if (o == NULL || o == me || o->kind != SK_TCP || !(o->fl & SF_BOUND) ||
		    o->family != sa->family || o->local.port != sa->port)
			continue;
		if (!addr_is_any(&o->local) && !addr_is_any(sa) && !addr_same(&o->local, sa))
			continue;
		if (me->fl & o->fl & SF_REUSEPORT)
			continue;
		if ((me->fl & o->fl & SF_REUSEADDR) && o->st != SS_LISTEN)
			continue;
		return true;
	}
	return false;
}

/* A free port for @s at address @sa (its port set). @return 0 or EADDRINUSE. */
static int
tcp_pick_port(struct sock *s, struct tern_sockaddr *sa)
{
	struct sock_table *t = s->t;
	unsigned int i, range = SOCK_EPHEMERAL_HI - SOCK_EPHEMERAL_LO + 1;

	for (i = 0; i < range; i++) {
		uint16_t p = t->next_port;

		t->next_port = p >= SOCK_EPHEMERAL_HI ? SOCK_EPHEMERAL_LO : p + 1;
		sa->port = rte_cpu_to_be_16(p);
		if (!tcp_bind_conflict(s, sa))
			return 0;
	}
	return EADDRINUSE;
}

/* Open the UDP stream of @s at @local. @return 0 or a positive errno. */
static int
udp_open(struct sock *s, const struct tern_sockaddr *local)
{
	struct tern_udp_param p;

	memset(&p, 0, sizeof(p));
	p.local = *local;
	p.udata = SOCK_UDATA(s);
	s->udp = tern_udp_open(s->t->ctx, &p);
	if (s->udp == NULL)
		return rte_errno;
	tern_udp_local(s->udp, &s->local);
	s->fl |= SF_BOUND;
	return 0;
}

int
sock_udp_autobind(struct sock *s)
{
	struct tern_sockaddr any;

	if (s->udp != NULL)
		return 0;
	memset(&any, 0, sizeof(any));
	any.family = s->family;
	return udp_open(s, &any);
}

/* ---------------------------------------------------------------------- */
/* The calls */

void
sock_sync(struct sock *s)
{
	enum tern_tcp_state st;
	int e;

	if (s->kind != SK_TCP || s->tcp == NULL || s->st == SS_LISTEN || s->st == SS_DEAD)
		return;
	e = tern_tcp_error(s->tcp);
	if (e != 0) {
		s->so_error = -e;
		s->st = SS_DEAD;
		return;
	}
	if (s->st == SS_CONNECTING) {
		st = tern_tcp_state(s->tcp);
		if (st == TERN_TCP_CLOSED)
			s->st = SS_DEAD;
		else if (st != TERN_TCP_SYN_SENT && st != TERN_TCP_SYN_RECEIVED) {
			s->st = SS_CONNECTED;
			s->fl |= SF_ESTAB;
		}
	}
}

int
tern_socket(struct tern_ctx *ctx, int domain, int type, int protocol)
{
	struct sock_table *t;
	struct sock *s;
	uint8_t family, kind;
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (domain == AF_INET)
		family = 4;
	else if (domain == AF_INET6)
		family = 6;
	else
		return sock_err(EAFNOSUPPORT);
	if (base == SOCK_STREAM) {
		kind = SK_TCP;
		if (protocol != 0 && protocol != IPPROTO_TCP)
			return sock_err(protocol == IPPROTO_UDP ? EPROTOTYPE : EPROTONOSUPPORT);
	} else if (base == SOCK_DGRAM) {
		kind = SK_UDP;
		if (protocol != 0 && protocol != IPPROTO_UDP)
			return sock_err(protocol == IPPROTO_TCP ? EPROTOTYPE : EPROTONOSUPPORT);
	} else if (base & ~0xf) {
		return sock_err(EINVAL);	/* unknown flags */
	} else {
		return sock_err(EPROTONOSUPPORT);
	}
	t = sock_table_of(ctx, true);
	if (t == NULL)
		return -1;
	s = sock_alloc(t, kind, family);
	if (s == NULL)
		return -1;
	return sock_handle(s);
}

int
tern_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct sock *s = sock_get_sk(fd);
	struct tern_sockaddr sa;
	int e;

	if (s == NULL)
		return -1;
	if (addr == NULL)
		return sock_err(EFAULT);
	e = sock_addr_in(s, addr, len, &sa);
	if (e != 0)
		return sock_err(e);
	if ((s->fl & SF_BOUND) || (s->kind == SK_TCP && s->tcp != NULL))
		return sock_err(EINVAL);
	if (!addr_local_ok(s->t->ctx, &sa))
		return sock_err(EADDRNOTAVAIL);
	if (s->kind == SK_UDP) {
		e = udp_open(s, &sa);
		return e != 0 ? sock_err(e) : 0;
	}
	if (sa.port == 0)
		e = tcp_pick_port(s, &sa);
	else
		e = tcp_bind_conflict(s, &sa) ? EADDRINUSE : 0;
	if (e != 0)
		return sock_err(e);
	s->local = sa;
	s->fl |= SF_BOUND;
	return 0;
}

int
tern_listen(int fd, int backlog)
{
	struct sock *s = sock_get_sk(fd);
	struct tern_tcp_param p;
	struct tern_sockaddr sa;
	int e;

	if (s == NULL)
		return -1;
	if (s->kind != SK_TCP)
		return sock_err(EOPNOTSUPP);
	sock_sync(s);
	if (s->st == SS_LISTEN)
		return 0;
	if (s->st != SS_NEW)
		return sock_err(EINVAL);
	if (!(s->fl & SF_BOUND)) {
		memset(&sa, 0, sizeof(sa));
		sa.family = s->family;
		e = tcp_pick_port(s, &sa);
		if (e != 0)
			return sock_err(e);
		s->local = sa;
		s->fl |= SF_BOUND;
	}
	s->backlog = backlog < 1 ? 1 : backlog > 65535 ? 65535 : backlog;
	sock_tcp_param(s, &p);
	p.local = s->local;
	s->tcp = tern_tcp_listen(s->t->ctx, &p);
	if (s->tcp == NULL)
		return sock_err(rte_errno);
	s->st = SS_LISTEN;
	sock_wake(s);
	return 0;
}

int
tern_accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	return tern_accept4(fd, addr, len, 0);
}

int
tern_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	struct sock *l = sock_get_sk(fd), *s;
	struct tern_tcp_stream *c;
	struct tern_sockaddr sa;

	if (l == NULL)
		return -1;
	if (l->kind != SK_TCP)
		return sock_err(EOPNOTSUPP);
	if (l->st != SS_LISTEN || (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)))
		return sock_err(EINVAL);
	if (addr != NULL && len == NULL)
		return sock_err(EFAULT);
	if (l->t->nb_used >= l->t->max)
		return sock_err(EMFILE);	/* the connection stays queued */
	if (tern_tcp_accept_burst(l->tcp, &c, 1) == 0) {
		l->seen = 0;
		sock_watch_update(l);
		return sock_err(EAGAIN);
	}
	l->seen = tcp_sock_acceptq_len(l->tcp);
	sock_watch_update(l);
	s = sock_alloc(l->t, SK_TCP, l->family);
	if (s == NULL) {
		tern_tcp_abort(c);
		return -1;
	}
	s->tcp = c;
	s->st = SS_CONNECTED;
	s->fl |= SF_ESTAB;
	sock_inherit(s, l);
	tern_tcp_local(c, &s->local);
	tern_tcp_set_udata(c, SOCK_UDATA(s));
	if (addr != NULL) {
		tern_tcp_remote(c, &sa);
		sock_addr_out(&sa, s->family, addr, len);
	}
	return sock_handle(s);
}

static int
udp_connect(struct sock *s, const struct sockaddr *addr, socklen_t len)
{
	struct tern_sockaddr sa;
	int e;

	if (len >= sizeof(sa_family_t) && addr->sa_family == AF_UNSPEC) {
		s->fl &= ~SF_UDP_CONN;
		if (s->udp != NULL)
			udp_sock_set_peer(s->udp, NULL);
		return 0;
	}
	e = sock_addr_in(s, addr, len, &sa);
	if (e == 0)
		e = sock_udp_autobind(s);
	if (e != 0)
		return sock_err(e);
	s->remote = sa;
	s->fl |= SF_UDP_CONN;
	udp_sock_set_peer(s->udp, &sa);	/* its ICMP errors come to the socket */
	sock_wake(s);
	return 0;
}

int
tern_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct sock *s = sock_get_sk(fd);
	struct tern_tcp_param p;
	struct tern_sockaddr sa;
	int e;

	if (s == NULL)
		return -1;
	if (addr == NULL)
		return sock_err(EFAULT);
	if (s->kind == SK_UDP)
		return udp_connect(s, addr, len);
	sock_sync(s);
	switch (s->st) {
	case SS_LISTEN:
		return sock_err(EOPNOTSUPP);
	case SS_CONNECTING:
		return sock_err(EALREADY);
	case SS_CONNECTED:
		return sock_err(EISCONN);
	case SS_DEAD:
		if (s->fl & SF_ESTAB)
			return sock_err(EISCONN);	/* as Linux: the socket was connected */
		if (s->so_error != 0) {
			e = s->so_error;
			s->so_error = 0;
			return sock_err(e);
		}
		/* try again with a fresh stream */
		tern_tcp_close(s->tcp);
		s->tcp = NULL;
		s->st = SS_NEW;
		s->fl &= ~(SF_SHUT_RD | SF_SHUT_WR);
		break;
	default:
		break;
	}
	e = sock_addr_in(s, addr, len, &sa);
	if (e != 0)
		return sock_err(e);
	sock_tcp_param(s, &p);
	p.remote = sa;
	if (s->fl & SF_BOUND)
		p.local = s->local;
	else
		p.local.family = s->family;
	s->tcp = tern_tcp_connect(s->t->ctx, &p);
	if (s->tcp == NULL) {
		e = rte_errno;
		return sock_err(e == ENOMEM ? ENOBUFS : e);
	}
	if (!(s->fl & SF_BOUND))
		tern_tcp_local(s->tcp, &s->local);
	s->st = SS_CONNECTING;
	sock_wake(s);
	return sock_err(EINPROGRESS);
}

int
tern_shutdown(int fd, int how)
{
	struct sock *s = sock_get_sk(fd);
	int r;

	if (s == NULL)
		return -1;
	if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
		return sock_err(EINVAL);
	if (s->kind == SK_UDP) {
		if (!(s->fl & SF_UDP_CONN))
			return sock_err(ENOTCONN);
	} else {
		sock_sync(s);
		if (s->st != SS_CONNECTED && s->st != SS_CONNECTING)
			return sock_err(ENOTCONN);
		r = tern_tcp_shutdown(s->tcp, how);
		if (r < 0)
			return sock_err(-r);
	}
	if (how != SHUT_WR)
		s->fl |= SF_SHUT_RD;
	if (how != SHUT_RD)
		s->fl |= SF_SHUT_WR;
	sock_wake(s);
	return 0;
}

int
tern_close(int fd)
{
	struct sock *s = sock_get(fd);

	if (s == NULL)
		return -1;
	sock_release(s);
	return 0;
}

/* getsockname() (@peer false) and getpeername() (@peer true). */
static int
sock_name(int fd, struct sockaddr *addr, socklen_t *len, bool peer)
{
	struct sock *s = sock_get_sk(fd);
	struct tern_sockaddr sa;

	if (s == NULL)
		return -1;
	if (addr == NULL || len == NULL)
		return sock_err(EFAULT);
	if (peer && s->kind == SK_UDP) {
		if (!(s->fl & SF_UDP_CONN))
			return sock_err(ENOTCONN);
		sa = s->remote;
	} else if (peer) {
		sock_sync(s);
		if (s->st != SS_CONNECTED)
			return sock_err(ENOTCONN);
		tern_tcp_remote(s->tcp, &sa);
	} else if (s->kind == SK_TCP && s->tcp != NULL) {
		tern_tcp_local(s->tcp, &sa);
	} else if (s->kind == SK_UDP && s->udp != NULL) {
		tern_udp_local(s->udp, &sa);
	} else if (s->fl & SF_BOUND) {
		sa = s->local;
	} else {
		memset(&sa, 0, sizeof(sa));
	}
	sock_addr_out(&sa, s->family, addr, len);
	return 0;
}

int
tern_getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	return sock_name(fd, addr, len, false);
}

int
tern_getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	return sock_name(fd, addr, len, true);
}

/* The stream of kind @kind under socket @fd, or NULL (errno set). */
static void *
sock_stream(int fd, int kind)
{
	struct sock *s = sock_get_sk(fd);
	void *st;

	if (s == NULL)
		return NULL;
	st = kind == SK_TCP ? (void *)s->tcp : (void *)s->udp;
	if (s->kind != kind || st == NULL) {
		errno = EINVAL;
		return NULL;
	}
	return st;
}

struct tern_tcp_stream *
tern_sock_tcp_stream(int fd)
{
	return sock_stream(fd, SK_TCP);
}

struct tern_udp_stream *
tern_sock_udp_stream(int fd)
{
	return sock_stream(fd, SK_UDP);
}
