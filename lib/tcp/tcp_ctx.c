/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_spinlock.h>
#include <rte_mempool.h>

#include "tern_tcp_priv.h"

/*
 * Per-context TCP state: the connection hash (one rte_hash for control
 * blocks, syncache entries and TIME_WAIT records, told apart by a tag in
 * the low bits of the data pointer), the listeners, the pool of retransmit
 * queue entries, the list of streams with output to do after an input
 * burst, and the events.
 */

#define TCB_CHUNK	64	/* control blocks allocated at a time */
#define REC_CHUNK	64	/* loss-recovery blocks allocated at a time */
#define CC_CHUNK	64	/* congestion-control blocks allocated at a time */
#define SEG_CHUNK	256	/* retransmit queue entries allocated at a time */

/*
 * What a connection with nothing in flight points at: zeroes, const, so in
 * read-only memory (a write through ->rec without a block of its own faults).
 */
const struct tcp_rec tcp_rec_none;

static const struct tern_tcp_config tcp_defaults = {
	.max_conns = 65536,
	.syncache_size = 4096,
	.timewait_max = 65536,
	.msl_ns = 30ULL * 1000000000,
	.rto_init_ns = 1000ULL * 1000000,
	.rto_min_ns = 200ULL * 1000000,
	.rto_max_ns = 120ULL * 1000000000,
	.retries = 15,
	.syn_retries = 6,
	.delack_ns = 40ULL * 1000000,
	.fin_wait2_ns = 60ULL * 1000000000,
	.keepidle_ns = 7200ULL * 1000000000,
	.keepintvl_ns = 75ULL * 1000000000,
	.keepcnt = 9,
	.sndbuf = 1u << 20,
	.rcvbuf = 1u << 20,
	.challenge_ack_limit = 1000,
	.invalid_ack_ns = 500ULL * 1000000,
	.tso_max = 64000,
};

static void
cfg_merge(struct tern_tcp_config *c, const struct tern_tcp_config *u)
{
	*c = tcp_defaults;
	if (u == NULL)
		return;
	c->flags = u->flags;
#define TAKE(f) do { if (u->f) c->f = u->f; } while (0)
	TAKE(max_conns);
	TAKE(syncache_size);
	TAKE(timewait_max);
	TAKE(msl_ns);
	TAKE(rto_init_ns);
	TAKE(rto_min_ns);
	TAKE(rto_max_ns);
	TAKE(retries);
	TAKE(syn_retries);
	TAKE(delack_ns);
	TAKE(fin_wait2_ns);
	TAKE(keepidle_ns);
	TAKE(keepintvl_ns);
	TAKE(keepcnt);
	TAKE(sndbuf);
	TAKE(rcvbuf);
	TAKE(challenge_ack_limit);
	TAKE(invalid_ack_ns);
	TAKE(cc);
	TAKE(tso_max);
#undef TAKE
	if (c->tso_max > 64000)
		c->tso_max = 64000;	/* headers and all within an IP datagram */
	if (c->sndbuf > TCP_MAX_BUF)
		c->sndbuf = TCP_MAX_BUF;
	if (c->rcvbuf > TCP_MAX_BUF)
		c->rcvbuf = TCP_MAX_BUF;
}

/* The configuration's timer times held to what a connection's deadline holds (tcp_timer_set()). */
static void
cfg_clamp_timers(struct tern_tcp_config *c)
{
	uint64_t max = TCP_TMR_MAX_NS / 2;

	c->rto_init_ns = RTE_MIN(c->rto_init_ns, max);
	c->rto_min_ns = RTE_MIN(c->rto_min_ns, max);
	c->rto_max_ns = RTE_MIN(c->rto_max_ns, max);
	c->delack_ns = RTE_MIN(c->delack_ns, max);
	c->fin_wait2_ns = RTE_MIN(c->fin_wait2_ns, max);
}

uint32_t
tcp_key_hv_sw(const struct tern_tcp_key *k)
{
	return rte_hash_crc(k, sizeof(*k), 0);
}

/* The hash's function: tcp_key_hv() for a key (init is 0, as created below). */
static uint32_t
tcp_key_hash(const void *key, uint32_t len, uint32_t init)
{
	if (likely(len == sizeof(struct tern_tcp_key) && init == 0))
		return tcp_key_hv(key);
	return rte_hash_crc(key, len, init);
}

void
tcp_key_make(struct tern_tcp_key *k, const struct tern_ip_info *ip, uint16_t sport,
	     uint16_t dport)
{
	memset(k, 0, sizeof(*k));
	k->family = ip->family;
	k->rport = sport;
	k->lport = dport;
	if (ip->family == 4) {
		memcpy(k->raddr, &ip->v4.src, 4);
		memcpy(k->laddr, &ip->v4.dst, 4);
	} else {
		memcpy(k->raddr, &ip->v6.src, 16);
		memcpy(k->laddr, &ip->v6.dst, 16);
	}
}

int
tcp_hash_add(struct tern_tcp_ctx *tc, const struct tern_tcp_key *k, void *rec, unsigned int tag)
{
	uint32_t hv = tcp_key_hv(k);
	int ret = rte_hash_add_key_with_hash_data(tc->hash, k, hv,
						  (void *)((uintptr_t)rec | tag));

	tc->chg_bloom |= 1ULL << (hv & 63);

	return ret < 0 ? ret : 0;
}

void
tcp_hash_del(struct tern_tcp_ctx *tc, const struct tern_tcp_key *k)
{
	uint32_t hv = tcp_key_hv(k);

	rte_hash_del_key_with_hash(tc->hash, k, hv);
	tc->chg_bloom |= 1ULL << (hv & 63);
}

/* tcp_hash_lookup() with the key's hash value @hv (tcp_key_hv()) known. */
void *
tcp_hash_lookup_hv(struct tern_tcp_ctx *tc, const struct tern_tcp_key *k, uint32_t hv,
		   unsigned int *tag)
{
	void *data;

	if (rte_hash_lookup_with_hash_data(tc->hash, k, hv, &data) < 0)
		return NULL;
	*tag = (uintptr_t)data & TCP_REC_MASK;
	return (void *)((uintptr_t)data & ~(uintptr_t)TCP_REC_MASK);
}

void *
tcp_hash_lookup(struct tern_tcp_ctx *tc, const struct tern_tcp_key *k, unsigned int *tag)
{
	return tcp_hash_lookup_hv(tc, k, tcp_key_hv(k), tag);
}

static inline unsigned int
listen_bucket(uint16_t port_be)
{
	return (port_be ^ (port_be >> 8)) & (TCP_LISTEN_BUCKETS - 1);
}

/* The listener for a segment to (dst, dport): an exact address before a wildcard. */
struct tern_tcp_stream *
tcp_listener_lookup(struct tern_tcp_ctx *tc, const struct tern_ip_info *ip, uint16_t dport)
{
	struct tern_tcp_stream *l, *any = NULL;

	for (l = tc->listeners[listen_bucket(dport)]; l != NULL; l = l->lx->lnext) {
		if (l->key.lport != dport || l->key.family != ip->family)
			continue;
		if (ip->family == 4) {
			tern_ip4_t a;

			memcpy(&a, l->key.laddr, 4);
			if (a == ip->v4.dst)
				return l;
			if (a == 0)
				any = l;
		} else {
			static const uint8_t zero[16];

			if (memcmp(l->key.laddr, &ip->v6.dst, 16) == 0)
				return l;
			if (memcmp(l->key.laddr, zero, 16) == 0)
				any = l;
		}
	}
	return any;
}

void
tcp_listener_insert(struct tern_tcp_ctx *tc, struct tern_tcp_stream *l)
{
	unsigned int b = listen_bucket(l->key.lport);

	if (l->tf & TF_TRANSPARENT) {
		tcp_tproxy_listener_insert(tc, l);
		return;
	}

	l->lx->lnext = tc->listeners[b];
	tc->listeners[b] = l;
}

void
tcp_listener_remove(struct tern_tcp_ctx *tc, struct tern_tcp_stream *l)
{
	struct tern_tcp_stream **pp = &tc->listeners[listen_bucket(l->key.lport)];

	if (l->tf & TF_TRANSPARENT) {
		tcp_tproxy_listener_remove(tc, l);
		return;
	}
	for (; *pp != NULL; pp = &(*pp)->lx->lnext)
		if (*pp == l) {
			*pp = l->lx->lnext;
			return;
		}
}

/*
 * Whether a listener already has exactly (family, addr, port). A wildcard
 * and a specific address on the same port may both listen: input picks the
 * specific one first (tcp_listener_lookup()).
 */
bool
tcp_listener_exists(struct tern_tcp_ctx *tc, const struct tern_tcp_key *k)
{
	struct tern_tcp_stream *l;

	for (l = tc->listeners[listen_bucket(k->lport)]; l != NULL; l = l->lx->lnext)
		if (l->key.lport == k->lport && l->key.family == k->family &&
		    memcmp(l->key.laddr, k->laddr, 16) == 0)
			return true;
	return false;
}

struct tern_tcp_stream *
tcp_stream_alloc(struct tern_tcp_ctx *tc)
{
	struct tern_tcp_stream *s = tcp_pool_get(&tc->tcbs);

	if (s == NULL)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->tc = tc;
	timer_init(&s->timer, tcp_timer_fire);
	s->rec = (struct tcp_rec *)(uintptr_t)&tcp_rec_none;
	tc->nb_conns++;
	return s;
}

/*
 * tcp_rec_get()'s slow path: the free list empty (a new chunk of blocks,
 * zeroed) or the limit reached. @return 0; -ENOBUFS if none can be had
 * (counted in tcp_rec_nomem).
 */
int
tcp_rec_alloc(struct tern_tcp_stream *s)
{
	struct tern_tcp_ctx *tc = s->tc;
	struct tcp_rec *r;

	TERN_ASSERT(!tcp_has_rec(s));
	if (tc->recs.in_use >= tc->rec_max)
		goto nomem;
	r = tcp_pool_get(&tc->recs);	/* a new chunk of blocks, zeroed */
	if (r == NULL)
		goto nomem;
	s->rec = r;
	return 0;
nomem:
	TERN_STAT_INC(tc->ctx, tcp_rec_nomem);
	return -ENOBUFS;
}

/*
 * tcp_cc_get()'s slow path: the connection's first congestion-control
 * block, set up as a new connection's (RFC 6928 initial window, the
 * algorithm's own start). @return 0; -ENOBUFS if none can be had (counted
 * in tcp_cc_nomem).
 */
int
tcp_cc_alloc(struct tern_tcp_stream *s)
{
	struct tern_tcp_ctx *tc = s->tc;
	struct tcp_cc_conn *c;

	TERN_ASSERT(s->cc == NULL);
	if (tc->ccs.in_use >= tc->cc_max)
		goto nomem;
	c = tcp_pool_get(&tc->ccs);
	if (c == NULL)
		goto nomem;
	memset(c, 0, sizeof(*c));
	if (s->cc_id == 0)
		s->cc_id = tcp_cc_id(tc->cc_ops);
	c->mss = s->mss;
	tcp_cc_of(s)->init(c, tc->ctx->now_ns);
	s->cc = c;
	return 0;
nomem:
	TERN_STAT_INC(tc->ctx, tcp_cc_nomem);
	return -ENOBUFS;
}

uint64_t
tcp_rtxq_visits(const struct tern_tcp_stream *s)
{
	return s->tc->rtxq_visits + s->rec->rtxq.visits;
}

/* Free a stream's memory: everything else about it must already be undone. */
void
tcp_stream_free(struct tern_tcp_stream *s)
{
	struct tern_tcp_ctx *tc = s->tc;

	TERN_ASSERT(tc->nb_conns > 0);
	tc->nb_conns--;
	TERN_STAT_INC(tc->ctx, tcp_conn_closed);
	if (unlikely(s->tf & TF_TRANSPARENT))
		tcp_tproxy_unref(tc);
	if (tcp_has_rec(s))
		tcp_rec_release(s);	/* (tcp_rtxq_free_all() gave it back already) */
	if (s->cc != NULL) {
		tcp_pool_put(&tc->ccs, s->cc);
		s->cc = NULL;
	}
	if (s->tf & TF_LISTENER) {
		rte_free(s->lx);
		s->lx = NULL;
	}
	/* back to the pool (chunks go back to the heap with the context), marked free */
	s->tc = NULL;
	tcp_pool_put(&tc->tcbs, s);
}

void
tcp_mark_dirty(struct tern_tcp_stream *s)
{
	if (s->tf & TF_DIRTY)
		return;
	s->tf |= TF_DIRTY;
	s->dirty_next = s->tc->dirty;
	s->tc->dirty = s;
}

/* The output of every stream marked (tcp_mark_dirty()), and the ends of those done. */
static void
tcp_run_dirty(struct tern_tcp_ctx *tc)
{
	struct tern_tcp_stream *s;

	while ((s = tc->dirty) != NULL) {
		tc->dirty = s->dirty_next;
		s->tf &= ~TF_DIRTY;
		if (s->tf & TF_DONE) {
			tcp_conn_done(s);
			continue;
		}
		tcp_output(s);
	}
}

/* A flush after the application's turn: what it left marked (a window update). */
static void
tcp_pre_flush(struct tern_ctx *ctx)
{
	tcp_run_dirty(tcpc(ctx));
}

/* After an input burst: run the output of every stream it touched. */
static void
tcp_post_input(struct tern_ctx *ctx)
{
	struct tern_tcp_ctx *tc = tcpc(ctx);

	tcp_flush_input(tc);
	tcp_run_dirty(tc);
	if (tc->nb_acked > 0 && !tc->acked_new)
		tcp_acked_flush(tc);
	tc->acked_new = false;
}

void
tcp_post(struct tern_tcp_stream *s, uint32_t type, int err)
{
	struct tern_event ev = {
		.type = type,
		.err = err,
		.obj = s,
		.udata = s->udata,
	};

	if (s->tf & TF_APP_CLOSED)
		return;
	if ((s->tf & TF_SYN_RECV_PASSIVE) && !(s->tf & TF_ACCEPTED))
		return;		/* the application does not know it yet */
	if (ctx_post_event(s->tc->ctx, &ev) == 0)
		return;
	/*
	 * The queue is full (counted in events_lost). Undo the mark that
	 * stands for "posted" so that the next occasion posts it again rather
	 * than leaving the stream silent until the application looks.
	 */
	switch (type) {
	case TERN_EV_READABLE:
		s->tf &= ~TF_READABLE_POSTED;
		break;
	case TERN_EV_WRITABLE:
		s->tf |= TF_WANT_WRITABLE;
		break;
	case TERN_EV_CONNECTED:
		s->tf &= ~TF_CONNECTED_POSTED;
		break;
	default:
		break;
	}
}

uint32_t
tcp_ts_now(const struct tern_tcp_ctx *tc)
{
	return (uint32_t)(tc->ctx->now_ns / (1000000000ULL / TCP_TS_HZ));
}

/* Smallest shift that lets a window of @buf bytes be advertised. */
uint8_t
tcp_wscale_for(uint32_t buf)
{
	uint8_t ws = 0;

	while (ws < TERN_TCP_WSCALE_MAX && (65535u << ws) < buf)
		ws++;
	return ws;
}

/* MSS for the interface's MTU. */
uint16_t
tcp_mss_for(const struct tern_ctx *ctx, uint16_t ifindex, uint8_t family)
{
	uint16_t mtu = ctx->net->ifaces[ifindex].mtu;

	return mtu - 20 - (family == 4 ? 20 : 40);
}

/* A flush made room on a full port: run the output of every stream with data queued. */
static void
tcp_tx_space(struct tern_ctx *ctx)
{
	struct tern_tcp_ctx *tc = tcpc(ctx);
	struct tcp_pool_iter it;
	struct tern_tcp_stream *s;

	TCP_FOREACH_STREAM(tc, it, s)
		if (s->sndq_bytes > 0 && !(s->tf & TF_DONE))
			tcp_mark_dirty(s);
	tcp_post_input(ctx);
}

static unsigned int
tcp_ctx_pending(const struct tern_ctx *ctx)
{
	struct tern_tcp_ctx *tc = tcpc(ctx);
	const struct tern_tcp_stream *s;
	struct tcp_pool_iter it;
	unsigned int n = 0, i;

	for (i = 0; i < tc->nb_acked; i++)
		n += tc->acked[i]->nb_segs;
	TCP_FOREACH_STREAM(tc, it, s) {
		const struct rte_mbuf *m;
		const struct tern_tcp_seg *g;

		for (m = s->sndq_head; m != NULL; m = m->next)
			n++;
		for (m = s->rcvq_head; m != NULL; m = m->next)
			n++;
		if (s->ooo != NULL)
			n += s->ooo->nb_mbufs;
		for (g = tcp_rtxq_first(&s->rec->rtxq); g != NULL; g = tcp_rtxq_next(g))
			for (m = g->m; m != NULL; m = m->next)
				n++;
	}
	return n;
}

/* Release every buffer a stream holds. */
void
tcp_stream_purge(struct tern_tcp_stream *s)
{
	tcp_sndq_free(s);
	tcp_rcvq_free(s);
	if (s->ooo != NULL) {
		tcp_ooo_purge(s->ooo);
		rte_free(s->ooo);
		s->ooo = NULL;
	}
	tcp_rtxq_free_all(s);
}

/* Entries of the connection hash of @tc: every table that holds keys in it. */
static uint32_t
tcp_hash_entries(const struct tern_tcp_ctx *tc)
{
	return tc->cfg.max_conns + tc->cfg.syncache_size + tc->cfg.timewait_max;
}

/*
 * One emptied connection hash kept from a context that went, for the next
 * context of the same size and socket: rte_hash_create() reserves memzones
 * and runs a CPUID, which traps to the hypervisor in a VM (tens of us,
 * about a sixth of a fuzz input's time here). The table goes back empty
 * (rte_hash_reset()); the one kept at exit is DPDK heap memory, released
 * with the EAL. None is kept from an external heap (rte_malloc_heap_create()),
 * which its application may destroy once its contexts are gone.
 */
static struct {
	rte_spinlock_t lock;
	struct rte_hash *h;
	uint32_t entries;
	int socket;
} hash_spare = { .lock = RTE_SPINLOCK_INITIALIZER };

static struct rte_hash *
tcp_hash_get(const struct rte_hash_parameters *hp)
{
	struct rte_hash *h = NULL;

	rte_spinlock_lock(&hash_spare.lock);
	if (hash_spare.h != NULL && hash_spare.entries == hp->entries &&
	    hash_spare.socket == hp->socket_id) {
		h = hash_spare.h;
		hash_spare.h = NULL;
	}
	rte_spinlock_unlock(&hash_spare.lock);
	return h != NULL ? h : rte_hash_create(hp);
}

/* @h (of @entries, on @socket as created) no longer used: kept or freed. */
static void
tcp_hash_put(struct rte_hash *h, uint32_t entries, int socket)
{
	if (h == NULL)
		return;
	/* not one in a heap of the application's (it may destroy the heap) */
	if (rte_malloc_heap_socket_is_external(socket) == 1) {
		rte_hash_free(h);
		return;
	}
	rte_hash_reset(h);
	rte_spinlock_lock(&hash_spare.lock);
	if (hash_spare.h == NULL) {
		hash_spare.h = h;
		hash_spare.entries = entries;
		hash_spare.socket = socket;
		h = NULL;
	}
	rte_spinlock_unlock(&hash_spare.lock);
	rte_hash_free(h);
}

static void
tcp_ctx_fini(struct tern_ctx *ctx)
{
	struct tern_tcp_ctx *tc = tcpc(ctx);
	struct tcp_pool_iter it;
	struct tern_tcp_stream *s;

	if (tc == NULL)
		return;
	tc->closing = true;
	net_ctx_set_claim(ctx, IPPROTO_TCP, NULL);
	tcp_acked_flush(tc);
	TCP_FOREACH_STREAM(tc, it, s) {
		tcp_timer_stop_all(s);
		tcp_stream_purge(s);
		ctx_cancel_events(ctx, s);
		tcp_stream_free(s);
	}
	TERN_ASSERT(tc->nb_conns == 0);
	TERN_ASSERT(tc->segpool.in_use == 0);
	TERN_ASSERT(tc->recs.in_use == 0);
	TERN_ASSERT(tc->ccs.in_use == 0);
	tcp_pool_fini(&tc->tcbs);
	tcp_pool_fini(&tc->recs);
	tcp_pool_fini(&tc->ccs);
	tcp_pool_fini(&tc->segpool);
	tcp_syncache_fini(tc);
	tcp_tw_fini(tc);
	tcp_hash_put(tc->hash, tcp_hash_entries(tc), ctx->socket_id);
	rte_free(tc);
	ctx->tcp_ctx = NULL;
}

static int
tcp_ctx_init(struct tern_ctx *ctx, const struct tern_ctx_param *param)
{
	const struct tern_tcp_config *cfg = param->tcp;
	static unsigned int seq;
	struct rte_hash_parameters hp;
	struct tern_tcp_ctx *tc;
	char name[RTE_MEMPOOL_NAMESIZE];
	unsigned int id = __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED);
	int ret;

	tc = rte_zmalloc_socket("tern_tcp_ctx", sizeof(*tc), RTE_CACHE_LINE_SIZE,
				ctx->socket_id);
	if (tc == NULL)
		return -ENOMEM;
	tc->ctx = ctx;
	cfg_merge(&tc->cfg, cfg);
	cfg_clamp_timers(&tc->cfg);
	tc->rec_max = UINT32_MAX;
	tcp_pool_init(&tc->tcbs, "tern_tcb", sizeof(struct tern_tcp_stream), TCB_CHUNK,
		      UINT32_MAX, true, ctx->socket_id);
	tcp_pool_init(&tc->recs, "tern_tcp_rec", sizeof(struct tcp_rec), REC_CHUNK, UINT32_MAX,
		      true, ctx->socket_id);
	tc->cc_max = UINT32_MAX;
	tcp_pool_init(&tc->ccs, "tern_tcp_cc", sizeof(struct tcp_cc_conn), CC_CHUNK, UINT32_MAX,
		      false, ctx->socket_id);
	tcp_pool_init(&tc->segpool, "tern_tcp_segs", sizeof(struct tern_tcp_seg), SEG_CHUNK,
		      (uint32_t)ctx->mp->size * 2, false, ctx->socket_id);
	tc->cc_ops = tc->cfg.cc != NULL ? tcp_cc_find(tc->cfg.cc) : tcp_cc_default();
	if (tc->cc_ops == NULL) {
		TERN_LOG(ERR, tcp, "unknown congestion control \"%s\" (cubic, newreno)",
			 tc->cfg.cc);
		rte_free(tc);
		return -EINVAL;
	}
	tc->cfg.cc = tc->cc_ops->name;	/* the caller's string may go */
	tc->next_ephemeral = TCP_EPHEMERAL_LO;
	ret = tcp_isn_init(&tc->isn_secret, NULL);
	if (ret == 0)
		ret = tcp_isn_init(&tc->cookie_secret, NULL);
	if (ret != 0)
		goto fail;

	memset(&hp, 0, sizeof(hp));
	snprintf(name, sizeof(name), "tern_tcp_h%u", id);
	hp.name = name;
	hp.entries = tcp_hash_entries(tc);
	hp.key_len = sizeof(struct tern_tcp_key);
	hp.hash_func = tcp_key_hash;
	hp.socket_id = ctx->socket_id;
	hp.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE;
	tc->hash = tcp_hash_get(&hp);
	if (tc->hash == NULL) {
		TERN_LOG(ERR, tcp, "connection hash of %u entries: %s", hp.entries,
			 rte_strerror(rte_errno));
		ret = -rte_errno;
		goto fail;
	}
	ret = tcp_syncache_init(tc);
	if (ret == 0)
		ret = tcp_tw_init(tc);
	if (ret != 0)
		goto fail;
	ret = net_ctx_set_l4(ctx, IPPROTO_TCP, tcp_input);
	if (ret == 0)
		ret = net_ctx_set_l4_err(ctx, IPPROTO_TCP, tcp_icmp_err);
	if (ret != 0)
		goto fail;
	ctx->tcp_ctx = tc;
	return 0;
fail:
	tcp_syncache_fini(tc);
	tcp_tw_fini(tc);
	tcp_hash_put(tc->hash, tcp_hash_entries(tc), ctx->socket_id);
	rte_free(tc);
	return ret;
}

/* The TCP layer in a context: IP protocol 6; deferred output after each burst. */
const struct ctx_layer_ops tcp_layer_ops = {
	.name = "tcp",
	.init = tcp_ctx_init,
	.fini = tcp_ctx_fini,
	.post_input = tcp_post_input,
	.tx_space = tcp_tx_space,
	.pre_flush = tcp_pre_flush,
	.pending = tcp_ctx_pending,
	.tel_info = tcp_tel_info,
};

uint32_t
tern_tcp_nb_conns(const struct tern_ctx *ctx)
{
	const struct tern_tcp_ctx *tc = tcpc(ctx);

	return tc == NULL ? 0 : tc->nb_conns;
}

void
tern_tcp_record_sizes(size_t *tcb, size_t *syn, size_t *tw)
{
	if (tcb != NULL)
		*tcb = sizeof(struct tern_tcp_stream);
	if (syn != NULL)
		*syn = sizeof(struct tern_tcp_syn);
	if (tw != NULL)
		*tw = sizeof(struct tern_tcp_tw);
}

const char *
tern_tcp_state_name(enum tern_tcp_state st)
{
	static const char *const names[] = {
		"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED",
		"FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK",
		"TIME_WAIT",
	};

	if ((unsigned int)st >= RTE_DIM(names))
		return "?";
	return names[st];
}
