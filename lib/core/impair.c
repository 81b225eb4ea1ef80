/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * The impairment layer (tern_impair.h): seeded loss, duplication,
 * corruption, delay and reordering in a context's device path. Each
 * direction has its own generator and its own queue of held packets, a
 * binary min-heap ordered by release time and then by arrival, released by
 * one timer of the context's wheel armed at the earliest time.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include <tern/tern_impair.h>

#include "tern_core.h"

#define IMPAIR_MAX_DELAY_NS	(3600ULL * NS_PER_S)	/* one hour */
#define IMPAIR_BATCH		32

enum {
	DIR_TX,
	DIR_RX,
	NB_DIRS,
};

struct impair_held {
	uint64_t when;		/* release time, on a timer tick */
	uint64_t seq;		/* arrival order, breaks ties */
	struct rte_mbuf *m;
	uint16_t port;
};

struct impair_dir {
	struct tern_ctx *ctx;
	unsigned int idx;		/* DIR_TX or DIR_RX */
	struct tern_impair_param p;
	uint64_t rng;			/* splitmix64 state */
	uint64_t seq;
	uint32_t nb_held;
	struct impair_held *heap;	/* TERN_IMPAIR_HOLD_MAX entries */
	struct tern_timer timer;
};

struct tern_impair {
	struct impair_dir dir[NB_DIRS];
};

/* ---- the generator ---- */

static uint64_t
rng_next(struct impair_dir *d)
{
	uint64_t z = (d->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* One draw, yes with probability @p; no draw at all when @p is zero. */
static bool
rng_chance(struct impair_dir *d, double p)
{
	if (p <= 0)
		return false;
	return (double)(rng_next(d) >> 11) * 0x1.0p-53 < p;
}

/* ---- the held packets ---- */

static bool
held_before(const struct impair_held *a, const struct impair_held *b)
{
	return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void
heap_push(struct impair_dir *d, const struct impair_held *h)
{
	uint32_t i = d->nb_held++;

	while (i > 0) {
		uint32_t parent = (i - 1) / 2;

		if (!held_before(h, &d->heap[parent]))
			break;
		d->heap[i] = d->heap[parent];
		i = parent;
	}
	d->heap[i] = *h;
}

static void
heap_pop(struct impair_dir *d, struct impair_held *out)
{
	struct impair_held last;
	uint32_t i = 0, n;

	*out = d->heap[0];
	n = --d->nb_held;
	if (n == 0)
		return;
	last = d->heap[n];
	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && held_before(&d->heap[c + 1], &d->heap[c]))
			c++;
		if (!held_before(&d->heap[c], &last))
			break;
		d->heap[i] = d->heap[c];
		i = c;
	}
	d->heap[i] = last;
}

/* Hand released packets on: out to the device, or in to the protocols. */
static void
impair_dispatch(struct impair_dir *d, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	if (d->idx == DIR_TX)
		ctx_port_tx_impaired(d->ctx, port, pkts, n);
	else
		ctx_input_impaired(d->ctx, port, pkts, n);
}

static void
impair_release(struct tern_timer *t)
{
	struct impair_dir *d = container_of(t, struct impair_dir, timer);
	struct tern_ctx *ctx = d->ctx;
	struct rte_mbuf *batch[IMPAIR_BATCH];
	struct impair_held h;
	uint16_t n, port;

	/*
	 * Pop a batch of one port, then hand it on: handing on may hold new
	 * packets (a context fed by its own output), so the heap must be
	 * whole at that point.
	 */
	while (d->nb_held > 0 && d->heap[0].when <= ctx->now_ns) {
		port = d->heap[0].port;
		n = 0;
		while (n < IMPAIR_BATCH && d->nb_held > 0 && d->heap[0].when <= ctx->now_ns &&
		       d->heap[0].port == port) {
			heap_pop(d, &h);
			batch[n++] = h.m;
		}
		impair_dispatch(d, port, batch, n);
	}
	if (d->nb_held > 0)
		ctx_timer_arm(ctx, &d->timer, d->heap[0].when);
}

/* Hold @m until @hold_ns from now (rounded up to the timer tick). */
static void
impair_hold(struct impair_dir *d, uint16_t port, struct rte_mbuf *m, uint64_t hold_ns)
{
	struct tern_ctx *ctx = d->ctx;
	uint64_t tick = ctx->wheel.tick_ns;
	struct impair_held h;

	if (d->nb_held == TERN_IMPAIR_HOLD_MAX) {
		TERN_STAT_INC(ctx, drop_impair_full);
		rte_pktmbuf_free(m);
		return;
	}
	h.when = (ctx->now_ns + hold_ns + tick - 1) / tick * tick;
	h.seq = d->seq++;
	h.m = m;
	h.port = port;
	heap_push(d, &h);
	TERN_STAT_INC(ctx, impair_delayed);
	if (d->heap[0].seq == h.seq || !timer_pending(&d->timer))
		ctx_timer_arm(ctx, &d->timer, d->heap[0].when);
}

/* ---- corruption ---- */

/* Whether any segment of @m shares its data with another mbuf. */
static bool
mbuf_shared(const struct rte_mbuf *m)
{
	for (; m != NULL; m = m->next)
		if (RTE_MBUF_CLONED(m) || RTE_MBUF_HAS_EXTBUF(m) || rte_mbuf_refcnt_read(m) > 1)
			return true;
	return false;
}

/*
 * Finish in software the checksums @m leaves to the device, so that a
 * flipped byte is caught by the receiver as on a wire. @return false if
 * the device is to segment it (TSO): then it is not corrupted.
 */
static bool
finish_tx_cksums(struct rte_mbuf *m)
{
	uint64_t l4 = m->ol_flags & RTE_MBUF_F_TX_L4_MASK;
	uint32_t l4_off = (uint32_t)m->l2_len + m->l3_len;
	uint32_t field_off;
	uint16_t raw, ck;

	if (m->ol_flags & (RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_UDP_SEG))
		return false;
	if ((m->ol_flags & RTE_MBUF_F_TX_IP_CKSUM) &&
	    m->data_len >= m->l2_len + sizeof(struct rte_ipv4_hdr)) {
		struct rte_ipv4_hdr *ih = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
								  m->l2_len);

		ih->hdr_checksum = 0;
		ih->hdr_checksum = rte_ipv4_cksum(ih);
		m->ol_flags &= ~RTE_MBUF_F_TX_IP_CKSUM;
	}
	if (l4 == RTE_MBUF_F_TX_UDP_CKSUM)
		field_off = offsetof(struct rte_udp_hdr, dgram_cksum);
	else if (l4 == RTE_MBUF_F_TX_TCP_CKSUM)
		field_off = offsetof(struct rte_tcp_hdr, cksum);
	else
		return true;
	if (l4_off + field_off + sizeof(ck) > m->data_len ||
	    rte_raw_cksum_mbuf(m, l4_off, m->pkt_len - l4_off, &raw) != 0)
		return true;
	/* The field holds the pseudo-header sum: summing over it finishes the job. */
	ck = (uint16_t)~raw;
	if (ck == 0 && l4 == RTE_MBUF_F_TX_UDP_CKSUM)
		ck = 0xffff;
	*rte_pktmbuf_mtod_offset(m, uint16_t *, l4_off + field_off) = ck;
	m->ol_flags &= ~RTE_MBUF_F_TX_L4_MASK;
	return true;
}

/* The corrupt step: @return the packet to go on with (maybe a private copy). */
static struct rte_mbuf *
impair_corrupt(struct impair_dir *d, struct rte_mbuf *m)
{
	struct tern_ctx *ctx = d->ctx;
	struct rte_mbuf *seg;
	uint64_t r_off, r_val;
	uint32_t off;
	uint8_t *byte;

	if (!rng_chance(d, d->p.corrupt))
		return m;
	r_off = rng_next(d);
	r_val = rng_next(d);
	if (m->pkt_len <= RTE_ETHER_HDR_LEN)
		return m;	/* nothing past the Ethernet header */
	off = RTE_ETHER_HDR_LEN + (uint32_t)(r_off % (m->pkt_len - RTE_ETHER_HDR_LEN));
	if (mbuf_shared(m)) {
		struct rte_mbuf *c = rte_pktmbuf_copy(m, ctx->mp, 0, UINT32_MAX);

		if (c == NULL) {
			TERN_STAT_INC(ctx, drop_nomem);	/* counted; sent intact */
			return m;
		}
		rte_pktmbuf_free(m);
		m = c;
	}
	if (d->idx == DIR_TX) {
		if (!finish_tx_cksums(m))
			return m;
	} else {
		/* Whatever the device said, the checksums must be checked again. */
		m->ol_flags &= ~(RTE_MBUF_F_RX_IP_CKSUM_MASK | RTE_MBUF_F_RX_L4_CKSUM_MASK);
	}
	for (seg = m; seg != NULL && off >= seg->data_len; seg = seg->next)
		off -= seg->data_len;
	if (seg == NULL)
		return m;
	byte = rte_pktmbuf_mtod_offset(seg, uint8_t *, off);
	*byte ^= (uint8_t)(1 + r_val % 255);
	TERN_STAT_INC(ctx, impair_corrupted);
	return m;
}

/*
 * Steps 3 and 4 for one packet (or duplicate): corrupt, then reorder and
 * delay. @return true if @m goes on now (in *out), false if it is held.
 */
static bool
impair_tail(struct impair_dir *d, uint16_t port, struct rte_mbuf **m)
{
	uint64_t hold = d->p.delay_ns;

	*m = impair_corrupt(d, *m);
	if (rng_chance(d, d->p.reorder)) {
		hold += 1 + rng_next(d) % TERN_IMPAIR_REORDER_MAX_NS;
		TERN_STAT_INC(d->ctx, impair_reordered);
	}
	if (hold == 0)
		return true;
	impair_hold(d, port, *m, hold);
	return false;
}

/* Run @n packets through direction @d; @out (2 * @n entries) gets those that go on now. */
static uint16_t
impair_burst(struct impair_dir *d, uint16_t port, struct rte_mbuf **pkts, uint16_t n,
	     struct rte_mbuf **out)
{
	struct tern_ctx *ctx = d->ctx;
	uint16_t i, nb_out = 0;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i], *dup = NULL;

		if (rng_chance(d, d->p.loss)) {
			TERN_STAT_INC(ctx, impair_dropped);
			rte_pktmbuf_free(m);
			continue;
		}
		if (rng_chance(d, d->p.dup)) {
			dup = rte_pktmbuf_copy(m, ctx->mp, 0, UINT32_MAX);
			if (dup == NULL)
				TERN_STAT_INC(ctx, drop_nomem);	/* the duplicate only */
			else
				TERN_STAT_INC(ctx, impair_duplicated);
		}
		if (impair_tail(d, port, &m))
			out[nb_out++] = m;
		if (dup != NULL && impair_tail(d, port, &dup))
			out[nb_out++] = dup;
	}
	return nb_out;
}

uint16_t
impair_tx(struct tern_ctx *ctx, uint16_t port, struct rte_mbuf **pkts, uint16_t n,
	       struct rte_mbuf **out)
{
	return impair_burst(&ctx->impair->dir[DIR_TX], port, pkts, n, out);
}

void
impair_rx(struct tern_ctx *ctx, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	struct impair_dir *d = &ctx->impair->dir[DIR_RX];
	struct rte_mbuf *out[2 * IMPAIR_BATCH];
	uint16_t i, k, nb;

	for (i = 0; i < n; i += k) {
		k = RTE_MIN(n - i, IMPAIR_BATCH);
		nb = impair_burst(d, port, pkts + i, k, out);
		if (nb > 0)
			ctx_input_impaired(ctx, port, out, nb);
	}
}

unsigned int
impair_pending(const struct tern_ctx *ctx)
{
	const struct tern_impair *im = ctx->impair;

	if (im == NULL)
		return 0;
	return im->dir[DIR_TX].nb_held + im->dir[DIR_RX].nb_held;
}

void
impair_fini(struct tern_ctx *ctx)
{
	struct tern_impair *im = ctx->impair;
	unsigned int i;
	uint32_t j;

	if (im == NULL)
		return;
	for (i = 0; i < NB_DIRS; i++) {
		struct impair_dir *d = &im->dir[i];

		ctx_timer_cancel(ctx, &d->timer);
		for (j = 0; j < d->nb_held; j++)
			rte_pktmbuf_free(d->heap[j].m);
		rte_free(d->heap);
	}
	rte_free(im);
	ctx->impair = NULL;
	ctx->impair_dirs = 0;
}

static int
impair_alloc(struct tern_ctx *ctx)
{
	struct tern_impair *im;
	unsigned int i;

	im = rte_zmalloc_socket("tern_impair", sizeof(*im), RTE_CACHE_LINE_SIZE,
				ctx->socket_id);
	if (im == NULL)
		return -ENOMEM;
	for (i = 0; i < NB_DIRS; i++) {
		struct impair_dir *d = &im->dir[i];

		d->ctx = ctx;
		d->idx = i;
		d->heap = rte_malloc_socket("tern_impair_held",
					    sizeof(*d->heap) * TERN_IMPAIR_HOLD_MAX,
					    RTE_CACHE_LINE_SIZE, ctx->socket_id);
		if (d->heap == NULL) {
			rte_free(im->dir[0].heap);
			rte_free(im);
			return -ENOMEM;
		}
		timer_init(&d->timer, impair_release);
	}
	ctx->impair = im;
	return 0;
}

static bool
prob_ok(double p)
{
	return p >= 0 && p <= 1;	/* false for NaN */
}

int
tern_ctx_set_impair_dir(struct tern_ctx *ctx, unsigned int dirs,
			const struct tern_impair_param *p)
{
	unsigned int i;
	int ret;

	if (ctx == NULL || dirs == 0 || (dirs & ~(unsigned int)TERN_IMPAIR_BOTH) != 0)
		return -EINVAL;
	if (p != NULL && (!prob_ok(p->loss) || !prob_ok(p->dup) || !prob_ok(p->reorder) ||
			  !prob_ok(p->corrupt) || p->delay_ns > IMPAIR_MAX_DELAY_NS))
		return -EINVAL;
	if (p == NULL) {
		ctx->impair_dirs &= ~dirs;
		return 0;
	}
	if (ctx->impair == NULL) {
		ret = impair_alloc(ctx);
		if (ret != 0)
			return ret;
	}
	for (i = 0; i < NB_DIRS; i++) {
		struct impair_dir *d = &ctx->impair->dir[i];

		if (!(dirs & (1u << i)))
			continue;
		d->p = *p;
		d->rng = i == DIR_TX ? p->seed : ~p->seed;
	}
	ctx->impair_dirs |= dirs;
	return 0;
}

int
tern_ctx_set_impair(struct tern_ctx *ctx, const struct tern_impair_param *p)
{
	return tern_ctx_set_impair_dir(ctx, TERN_IMPAIR_BOTH, p);
}

/* ---- the spec parser ---- */

/* A non-negative decimal number, nothing before or after it. */
static int
parse_num(const char *s, double max, double *out)
{
	char *end;
	double v;

	if (!((s[0] >= '0' && s[0] <= '9') || s[0] == '.'))
		return -EINVAL;	/* no sign, space, "inf" or "nan" */
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= 0 && v <= max))
		return -EINVAL;
	*out = v;
	return 0;
}

static int
parse_seed(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!(s[0] >= '0' && s[0] <= '9'))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0')
		return -EINVAL;
	*out = v;
	return 0;
}

int
tern_impair_parse(const char *spec, struct tern_impair_param *p)
{
	static const char *const keys[] = { "loss", "dup", "reorder", "corrupt", "delay", "seed" };
	struct tern_impair_param r;
	unsigned int seen = 0, k;
	char buf[256], *tok, *save, *eq;
	double v;

	if (spec == NULL || p == NULL || spec[0] == '\0' || strlen(spec) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, spec);
	/* strtok_r would skip empty fields: ",," and a trailing comma are errors here */
	if (buf[0] == ',' || buf[strlen(buf) - 1] == ',' || strstr(buf, ",,") != NULL)
		return -EINVAL;
	memset(&r, 0, sizeof(r));
	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		eq = strchr(tok, '=');
		if (eq == NULL)
			return -EINVAL;
		*eq++ = '\0';
		for (k = 0; k < RTE_DIM(keys) && strcmp(tok, keys[k]) != 0; k++)
			;
		if (k == RTE_DIM(keys) || (seen & (1u << k)))
			return -EINVAL;
		seen |= 1u << k;
		if (k == 5) {
			if (parse_seed(eq, &r.seed) != 0)
				return -EINVAL;
			continue;
		}
		if (k == 4) {
			if (parse_num(eq, (double)IMPAIR_MAX_DELAY_NS / 1e6, &v) != 0)
				return -EINVAL;
			r.delay_ns = (uint64_t)(v * 1e6 + 0.5);
			continue;
		}
		if (parse_num(eq, 100, &v) != 0)
			return -EINVAL;
		v /= 100;
		if (k == 0)
			r.loss = v;
		else if (k == 1)
			r.dup = v;
		else if (k == 2)
			r.reorder = v;
		else
			r.corrupt = v;
	}
	*p = r;
	return 0;
}
