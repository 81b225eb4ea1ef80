/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include <tern/tern_capture.h>

#include "tern_core.h"

#define CTX_DEF_TICK_NS		1000000ULL	/* 1 ms */
#define CTX_DEF_SLOTS		4096
#define CTX_DEF_EVQ		4096
#define CTX_TX_RETRIES		4

/*
 * A port whose device took nothing for CTX_TX_STALL_FLUSHES flushes in a row
 * and for CTX_TX_STALL_NS loses the packet at the head of its tx buffer:
 * see port_tx_stalled().
 */
#define CTX_TX_STALL_FLUSHES	64
#define CTX_TX_STALL_NS		(100 * 1000000ULL)	/* 100 ms */

/* TX offloads: a packet may carry a request rte_eth_tx_prepare() checks. */
#define CTX_TX_OFFLOAD_CAPS	(TERN_CAP_TX_IP4_CKSUM | TERN_CAP_TX_UDP_CKSUM | \
				 TERN_CAP_TX_TCP_CKSUM | TERN_CAP_TX_TSO | TERN_CAP_TX_UFO | \
				 TERN_CAP_TX_MULTISEG)

/* tern_ctx_port.tx_warned: refusals logged once per port */
#define CTX_TX_WARN_PREPARE	0x1
#define CTX_TX_WARN_STUCK	0x2

void
clock_init(struct tern_clock *c)
{
	uint64_t hz = rte_get_tsc_hz();

	c->tsc_base = rte_rdtsc();
	c->tsc_mult = hz ? (uint64_t)(((unsigned __int128)NS_PER_S << 32) / hz) : 1ULL << 32;
}

/*
 * The time now, without moving the context's clock: the manual clock as
 * the test set it, else the TSC (now_ns is only read once per poll, and an
 * application may flush without polling).
 */
static uint64_t
ctx_clock_ns(const struct tern_ctx *ctx)
{
	return ctx->manual_clock ? ctx->now_ns : clock_ns(&ctx->clock, rte_rdtsc());
}

struct tern_ctx *
ctx_alloc(const struct tern_ctx_param *param, const struct tern_clock *base)
{
	struct tern_ctx *ctx;
	uint64_t tick;
	uint32_t slots, evq;
	int socket, ret;

	if (param == NULL || param->net == NULL) {
		rte_errno = EINVAL;
		return NULL;
	}
	tick = param->timer_tick_ns ? param->timer_tick_ns : CTX_DEF_TICK_NS;
	slots = param->timer_slots ? param->timer_slots : CTX_DEF_SLOTS;
	evq = param->event_queue_size ? param->event_queue_size : CTX_DEF_EVQ;
	if (!rte_is_power_of_2(slots) || !rte_is_power_of_2(evq)) {
		rte_errno = EINVAL;
		return NULL;
	}
	socket = param->socket_id;
	if (socket == SOCKET_ID_ANY)
		socket = (int)rte_socket_id();

	ctx = rte_zmalloc_socket("tern_ctx", sizeof(*ctx), RTE_CACHE_LINE_SIZE, socket);
	if (ctx == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	ctx->socket_id = socket;
	ctx->lcore_id = rte_lcore_id();
	ctx->net = param->net;
	ctx->manual_clock = param->manual_clock;
	ctx->clock = *base;
	ctx->now_ns = 0;
	ctx->id = -1;

	ret = timer_wheel_init(&ctx->wheel, slots, tick, 0, socket);
	if (ret != 0)
		goto fail;
	ctx->evq = rte_zmalloc_socket("tern_evq", sizeof(*ctx->evq) * evq,
				      RTE_CACHE_LINE_SIZE, socket);
	if (ctx->evq == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	ctx->evq_mask = evq - 1;
	return ctx;
fail:
	timer_wheel_fini(&ctx->wheel);
	rte_free(ctx);
	rte_errno = -ret;
	return NULL;
}

int
ctx_port_bind(struct tern_ctx *ctx, struct tern_dev *dev, uint16_t queue_id)
{
	struct tern_ctx_port *p;

	if (ctx->nb_ports == TERN_MAX_PORTS)
		return -ENOSPC;
	if (queue_id >= dev->nb_queues)
		return -EINVAL;
	p = &ctx->ports[ctx->nb_ports];
	p->dev = dev;
	p->port_id = dev->port_id;
	p->queue_id = queue_id;
	p->rss = dev->rss.nb_queues > 1 ? &dev->rss : NULL;
	p->sw_dispatch = dev->steer == TERN_STEER_SW;
	p->tx_ring = p->sw_dispatch && queue_id >= dev->hw_queues ? dev->sw_tx : NULL;
	p->tx_n = 0;
	p->tx_clean = 0;
	p->tx_prep = 0;
	p->tx_prepare = dev->vtx == NULL && (dev->caps & CTX_TX_OFFLOAD_CAPS) != 0;
	p->tx_warned = 0;
	p->tx_stall_n = 0;
	if (ctx->mp == NULL)
		ctx->mp = tern_dev_pool(dev, ctx->socket_id);
	ctx->nb_ports++;
	return 0;
}

bool
ctx_layer_has(const struct tern_ctx *ctx, const struct ctx_layer_ops *ops)
{
	unsigned int i;

	for (i = 0; i < ctx->nb_layers; i++)
		if (ctx->layers[i] == ops)
			return true;
	return false;
}

int
ctx_layer_add(struct tern_ctx *ctx, const struct ctx_layer_ops *ops,
	      const struct tern_ctx_param *param)
{
	int ret;

	if (ctx_layer_has(ctx, ops) || (ops->input != NULL && ctx->input != NULL))
		return -EEXIST;
	if (ctx->nb_layers == RTE_DIM(ctx->layers))
		return -ENOSPC;
	if (ops->init != NULL) {
		ret = ops->init(ctx, param);
		if (ret != 0) {
			TERN_LOG(ERR, core, "context: layer %s: %s", ops->name, rte_strerror(-ret));
			return ret;
		}
	}
	if (ops->input != NULL)
		ctx->input = ops->input;
	ctx->layers[ctx->nb_layers++] = ops;
	return 0;
}

void
ctx_free(struct tern_ctx *ctx)
{
	uint16_t i;

	if (ctx == NULL)
		return;
	ctx_registry_del(ctx);
	if (ctx->cap != NULL)
		tern_ctx_set_capture(ctx, NULL);
	while (ctx->nb_layers > 0) {
		const struct ctx_layer_ops *ops = ctx->layers[--ctx->nb_layers];

		if (ops->fini != NULL)
			ops->fini(ctx);
	}
	ctx->input = NULL;
	impair_fini(ctx);
	for (i = 0; i < ctx->nb_ports; i++) {
		struct tern_ctx_port *p = &ctx->ports[i];

		rte_pktmbuf_free_bulk(p->tx_buf, p->tx_n);
		p->tx_n = 0;
	}
	timer_wheel_fini(&ctx->wheel);
	rte_free(ctx->evq);
	rte_free(ctx);
}

void
tern_ctx_destroy(struct tern_ctx *ctx)
{
	ctx_free(ctx);
}

/*
 * Run the packets of @p not yet seen by the impairment layer through it;
 * those that go on now stay in the buffer (past the seen ones), the
 * others are held or dropped.
 */
static void
port_impair(struct tern_ctx *ctx, struct tern_ctx_port *p)
{
	struct rte_mbuf *in[TERN_TX_BUF], *out[2 * TERN_TX_BUF];
	uint16_t n = p->tx_n - p->tx_clean, m, room;

	memcpy(in, p->tx_buf + p->tx_clean, n * sizeof(in[0]));
	p->tx_n = p->tx_clean;
	if (p->tx_prep > p->tx_n)
		p->tx_prep = p->tx_n;	/* prepared again once through */
	m = impair_tx(ctx, (uint16_t)(p - ctx->ports), in, n, out);
	room = TERN_TX_BUF - p->tx_n;
	if (m > room) {
		/* duplicates that do not fit */
		TERN_STAT_ADD(ctx, drop_tx_full, m - room);
		rte_pktmbuf_free_bulk(out + room, m - room);
		m = room;
	}
	memcpy(p->tx_buf + p->tx_n, out, m * sizeof(out[0]));
	p->tx_n += m;
	p->tx_clean = p->tx_n;
}

/* Free packet @i of @p's tx buffer; the ones behind it move up. */
static void
port_tx_drop(struct tern_ctx_port *p, uint16_t i)
{
	rte_pktmbuf_free(p->tx_buf[i]);
	p->tx_n--;
	memmove(p->tx_buf + i, p->tx_buf + i + 1, (p->tx_n - i) * sizeof(p->tx_buf[0]));
	if (i < p->tx_clean)
		p->tx_clean--;
	if (i < p->tx_prep)
		p->tx_prep--;
}

/*
 * Run pkts[@from, @n) through the device's tx_prepare. A packet it refuses
 * (an offload request the device cannot do, too many segments) would be
 * refused again on every try, or worse, sent as a bad descriptor: drop it
 * and count it. @return the packets left, in order. @in_buf: @pkts is
 * @p's tx buffer (its indexes follow the drops).
 */
static uint16_t
port_tx_prepare(struct tern_ctx *ctx, struct tern_ctx_port *p, struct rte_mbuf **pkts,
		uint16_t from, uint16_t n, bool in_buf)
{
	while (from < n) {
		from += rte_eth_tx_prepare(p->port_id, p->queue_id, pkts + from, n - from);
		if (from == n)
			break;
		if (!(p->tx_warned & CTX_TX_WARN_PREPARE)) {
			p->tx_warned |= CTX_TX_WARN_PREPARE;
			TERN_LOG(WARNING, core, "%s: queue %u: tx_prepare refuses a packet (%s): "
				 "dropped, counted in drop_tx_refused (logged once)",
				 p->dev->name, p->queue_id, rte_strerror(rte_errno));
		}
		TERN_STAT_INC(ctx, drop_tx_refused);
		if (in_buf) {
			port_tx_drop(p, from);
		} else {
			rte_pktmbuf_free(pkts[from]);
			memmove(pkts + from, pkts + from + 1, (n - from - 1) * sizeof(pkts[0]));
		}
		n--;
	}
	return n;
}

/*
 * A flush of @p that sent nothing, with packets waiting. A full device
 * ring is the usual reason and passes: the packets wait, nothing is lost.
 * But a device may also refuse one packet for good (net_tap: a frame
 * longer than its MTU, or a TSO frame it cannot cut; some PMDs: a
 * malformed offload request), and tx_burst stops at it every time: the
 * port is blocked, and everything behind it dropped as drop_tx_full. The
 * two look the same from here, so: once the device has taken nothing for
 * CTX_TX_STALL_FLUSHES flushes in a row AND for CTX_TX_STALL_NS, the
 * packet at the head is dropped (counted in drop_tx_refused) and the count
 * starts again. Both limits: many flushes in a short time are a busy
 * device, a long time with few flushes is an idle lcore. A device that
 * stays stuck loses one packet per period; the rest are tx-full drops, as
 * before. Any packet sent resets the count (port_flush()).
 */
static void
port_tx_stalled(struct tern_ctx *ctx, struct tern_ctx_port *p)
{
	if (p->tx_stall_n < CTX_TX_STALL_FLUSHES) {
		if (p->tx_stall_n++ == 0)
			p->tx_stall_ns = ctx_clock_ns(ctx);
		if (p->tx_stall_n < CTX_TX_STALL_FLUSHES)
			return;
	}
	if (ctx_clock_ns(ctx) - p->tx_stall_ns < CTX_TX_STALL_NS)
		return;
	if (!(p->tx_warned & CTX_TX_WARN_STUCK)) {
		p->tx_warned |= CTX_TX_WARN_STUCK;
		TERN_LOG(WARNING, core, "%s: queue %u: the device took no packet for %u flushes "
			 "and %llu ms: the packet at the head dropped, counted in "
			 "drop_tx_refused (logged once)", p->dev->name, p->queue_id,
			 CTX_TX_STALL_FLUSHES, CTX_TX_STALL_NS / 1000000ULL);
	}
	TERN_STAT_INC(ctx, drop_tx_refused);
	port_tx_drop(p, 0);
	p->tx_stall_n = 0;
}

/*
 * Bytes of @n packets. Summed before a send: what the device takes is its
 * own from then on (memif copies and frees it at once, a ring hands it to
 * another core), so after the send only the packets it left are read.
 */
static inline uint64_t
tx_bytes_of(struct rte_mbuf *const *pkts, uint16_t n)
{
	uint64_t b = 0;
	uint16_t i;

	for (i = 0; i < n; i++)
		b += pkts[i]->pkt_len;
	return b;
}

static void
port_flush(struct tern_ctx *ctx, struct tern_ctx_port *p, unsigned int tries)
{
	uint16_t sent = 0, n;
	uint64_t bytes = 0;

	if (unlikely(ctx->impair_dirs & TERN_IMPAIR_TX) && p->tx_clean < p->tx_n)
		port_impair(ctx, p);
	n = p->tx_n;
	if (n == 0)
		return;
	if (p->dev->vtx != NULL) {
		struct rte_mbuf *batch[TERN_TX_BUF];

		/*
		 * Take the batch out before calling back: the callback may feed
		 * a context (this one too) that sends again on this port.
		 */
		bytes = tx_bytes_of(p->tx_buf, n);
		memcpy(batch, p->tx_buf, n * sizeof(batch[0]));
		p->tx_n = 0;
		p->tx_clean = 0;
		TERN_STAT_ADD(ctx, tx_pkts, n);
		TERN_STAT_ADD(ctx, tx_bytes, bytes);
		p->dev->vtx(p->dev->vtx_arg, batch, n);
		return;
	}
	if (unlikely(p->tx_ring != NULL)) {
		/*
		 * No device queue of our own: queue 0's context sends for us.
		 * No stall rule here: a full ring is transient only. Queue 0's
		 * context empties it every poll, and drops (counts) what the
		 * device refuses there (port_drain_tx_ring()), so no packet can
		 * block it; a ring that stays full means that context stopped
		 * polling, and dropping our head would not help. Its tx_prepare
		 * runs there too, on queue 0.
		 */
		bytes = tx_bytes_of(p->tx_buf, n);
		sent = (uint16_t)rte_ring_enqueue_burst(p->tx_ring, (void **)p->tx_buf, n, NULL);
		p->dev->disp[p->queue_id].tx_ring += sent;
		p->dev->disp[p->queue_id].tx_ring_full += n - sent;
		if (sent == 0)
			return;
	} else {
		if (unlikely(p->tx_prepare) && p->tx_prep < n) {
			n = port_tx_prepare(ctx, p, p->tx_buf, p->tx_prep, n, true);
			p->tx_prep = n;
			if (n == 0)
				return;
		}
		bytes = tx_bytes_of(p->tx_buf, n);
		for (; sent < n && tries > 0; tries--)
			sent += rte_eth_tx_burst(p->port_id, p->queue_id, p->tx_buf + sent,
						 n - sent);
		if (unlikely(sent == 0)) {
			port_tx_stalled(ctx, p);
			return;
		}
		p->tx_stall_n = 0;
	}
	/* the packets the device left are still ours to read */
	bytes -= tx_bytes_of(p->tx_buf + sent, (uint16_t)(n - sent));
	/* Keep the rest for the next flush. */
	if (sent < n)
		memmove(p->tx_buf, p->tx_buf + sent, (n - sent) * sizeof(p->tx_buf[0]));
	p->tx_n = n - sent;
	p->tx_clean = p->tx_clean > sent ? p->tx_clean - sent : 0;
	p->tx_prep = p->tx_prep > sent ? p->tx_prep - sent : 0;
	TERN_STAT_ADD(ctx, tx_pkts, sent);
	TERN_STAT_ADD(ctx, tx_bytes, bytes);
}

void
ctx_port_tx_impaired(struct tern_ctx *ctx, uint16_t port, struct rte_mbuf **pkts,
			  uint16_t n)
{
	struct tern_ctx_port *p = &ctx->ports[port];
	uint16_t room = TERN_TX_BUF - p->tx_n;

	if (n > room) {
		TERN_STAT_ADD(ctx, drop_tx_full, n - room);
		rte_pktmbuf_free_bulk(pkts + room, n - room);
		n = room;
	}
	/* In front of the packets the impairment has not seen yet. */
	if (p->tx_prep > p->tx_clean)
		p->tx_prep = p->tx_clean;
	memmove(p->tx_buf + p->tx_clean + n, p->tx_buf + p->tx_clean,
		(p->tx_n - p->tx_clean) * sizeof(p->tx_buf[0]));
	memcpy(p->tx_buf + p->tx_clean, pkts, n * sizeof(pkts[0]));
	p->tx_n += n;
	p->tx_clean += n;
	port_flush(ctx, p, 1);
}

void
ctx_port_flush(struct tern_ctx *ctx, uint16_t port)
{
	port_flush(ctx, &ctx->ports[port], 1);
}

/*
 * Queue 0's context of a dispatched device sends what the contexts without
 * a device tx queue put in the tx ring (their tx_pkts counted them). What
 * the device does not take is dropped, counted in drop_tx_full here.
 */
static void
port_drain_tx_ring(struct tern_ctx *ctx, struct tern_ctx_port *p)
{
	struct rte_mbuf *pkts[TERN_RX_BURST];
	unsigned int n, sent, tries, round;

	for (round = 0; round < 8; round++) {
		n = rte_ring_dequeue_burst(p->dev->sw_tx, (void **)pkts, RTE_DIM(pkts), NULL);
		if (n == 0)
			return;
		p->dev->disp[0].tx_ring_out += n;
		if (unlikely(p->tx_prepare)) {
			n = port_tx_prepare(ctx, p, pkts, 0, (uint16_t)n, false);
			if (n == 0)
				continue;
		}
		for (sent = 0, tries = CTX_TX_RETRIES; sent < n && tries > 0; tries--)
			sent += rte_eth_tx_burst(p->port_id, p->queue_id, pkts + sent,
						 (uint16_t)(n - sent));
		/* tx_pkts counted them when they went into the ring */
		if (sent < n) {
			TERN_STAT_ADD(ctx, drop_tx_full, n - sent);
			rte_pktmbuf_free_bulk(pkts + sent, n - sent);
			return;
		}
	}
}

/*
 * With a tx hold: are @p's packets to go now? A full burst goes at once;
 * fewer wait from the first flush that sees them until the hold is over.
 */
static inline bool
port_tx_due(struct tern_ctx *ctx, struct tern_ctx_port *p)
{
	if (p->tx_n >= TERN_RX_BURST || p->tx_n == 0) {
		p->tx_held = false;
		return p->tx_n != 0;
	}
	if (!p->tx_held) {
		p->tx_held = true;
		p->tx_held_ns = ctx->now_ns;
		return false;
	}
	if (ctx->now_ns - p->tx_held_ns < ctx->tx_hold_ns)
		return false;
	p->tx_held = false;
	return true;
}

int
tern_ctx_set_tx_hold(struct tern_ctx *ctx, uint64_t ns)
{
	uint16_t i;

	if (ctx == NULL || ns > 1000000000ULL)
		return -EINVAL;
	ctx->tx_hold_ns = ns;
	for (i = 0; i < ctx->nb_ports; i++)
		ctx->ports[i].tx_held = false;
	return 0;
}

void
tern_ctx_flush(struct tern_ctx *ctx)
{
	uint16_t i;

	/* the telemetry thread waits for this lcore to read what only it may */
	if (unlikely(__atomic_load_n(&ctx->rcall_fn, __ATOMIC_RELAXED) != NULL))
		ctx_rcall_run(ctx);
	if (unlikely(ctx->cap_n != 0))
		ctx_capture_flush(ctx);
	if (ctx->pre_flush_want) {
		ctx->pre_flush_want = false;
		for (i = 0; i < ctx->nb_layers; i++)
			if (ctx->layers[i]->pre_flush != NULL)
				ctx->layers[i]->pre_flush(ctx);
	}
	for (i = 0; i < ctx->nb_ports; i++) {
		struct tern_ctx_port *p = &ctx->ports[i];

		if (likely(ctx->tx_hold_ns == 0) || port_tx_due(ctx, p))
			port_flush(ctx, p, CTX_TX_RETRIES);
		if (unlikely(p->sw_dispatch) && p->queue_id == 0 && p->dev->sw_tx != NULL)
			port_drain_tx_ring(ctx, p);
	}
	if (unlikely(ctx->tx_was_full)) {
		for (i = 0; i < ctx->nb_ports; i++)
			if (ctx->ports[i].tx_n == TERN_TX_BUF)
				return;	/* still full: wait */
		ctx->tx_was_full = false;
		for (i = 0; i < ctx->nb_layers; i++)
			if (ctx->layers[i]->tx_space != NULL)
				ctx->layers[i]->tx_space(ctx);
	}
}

uint64_t
tern_ctx_now(const struct tern_ctx *ctx)
{
	return ctx->now_ns;
}

uint64_t
tern_ctx_update_time(struct tern_ctx *ctx)
{
	if (!ctx->manual_clock) {
		uint64_t now = clock_ns(&ctx->clock, rte_rdtsc());

		if (now > ctx->now_ns)
			ctx->now_ns = now;
	}
	return ctx->now_ns;
}

int
tern_ctx_set_time(struct tern_ctx *ctx, uint64_t ns)
{
	if (!ctx->manual_clock)
		return -EPERM;
	if (ns < ctx->now_ns)
		return -EINVAL;
	ctx->now_ns = ns;
	return 0;
}

static void
ctx_step_clock(void *arg, uint64_t tick_ns)
{
	struct tern_ctx *ctx = arg;

	if (tick_ns > ctx->now_ns)
		ctx->now_ns = tick_ns;
}

unsigned int
tern_ctx_run_timers(struct tern_ctx *ctx)
{
	unsigned int n = timer_run(&ctx->wheel, ctx->now_ns, NULL, NULL);

	TERN_STAT_ADD(ctx, timers_fired, n);
	return n;
}

int
tern_ctx_advance(struct tern_ctx *ctx, uint64_t ns)
{
	uint64_t end;
	unsigned int n;

	if (!ctx->manual_clock)
		return -EPERM;
	end = ns > UINT64_MAX - ctx->now_ns ? UINT64_MAX : ctx->now_ns + ns;
	n = timer_run(&ctx->wheel, end, ctx_step_clock, ctx);
	TERN_STAT_ADD(ctx, timers_fired, n);
	ctx->now_ns = end;
	tern_ctx_flush(ctx);
	return 0;
}

void
tern_ctx_input(struct tern_ctx *ctx, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	if (unlikely(port >= ctx->nb_ports || ctx->input == NULL)) {
		TERN_STAT_ADD(ctx, drop_bad_port, n);
		rte_pktmbuf_free_bulk(pkts, n);
		return;
	}
	TERN_STAT_ADD(ctx, rx_pkts, n);
	for (i = 0; i < n; i++)
		TERN_STAT_ADD(ctx, rx_bytes, pkts[i]->pkt_len);
	if (unlikely(ctx->cap != NULL))
		ctx_capture(ctx, port, pkts, n, false);
	if (unlikely(ctx->impair_dirs & TERN_IMPAIR_RX)) {
		impair_rx(ctx, port, pkts, n);
		return;
	}
	ctx->input(ctx, port, pkts, n);
	ctx_post_input(ctx);
}

void
ctx_input_impaired(struct tern_ctx *ctx, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	if (unlikely(ctx->input == NULL)) {
		TERN_STAT_ADD(ctx, drop_bad_port, n);
		rte_pktmbuf_free_bulk(pkts, n);
		return;
	}
	ctx->input(ctx, port, pkts, n);
	ctx_post_input(ctx);
}

/*
 * rx on a device steered by the software dispatcher: read our device queue
 * (if we have one) and pass on what other contexts own, then take what the
 * others passed to us. @return packets received.
 */
static unsigned int
port_poll_dispatched(struct tern_ctx *ctx, uint16_t port)
{
	struct tern_ctx_port *p = &ctx->ports[port];
	struct tern_dev *dev = p->dev;
	struct rte_mbuf *pkts[TERN_RX_BURST];
	unsigned int total = 0;
	uint16_t n;

	/* what others passed first: it was read from a device queue earlier */
	n = (uint16_t)rte_ring_dequeue_burst(dev->sw_rx[p->queue_id], (void **)pkts,
					     TERN_RX_BURST, NULL);
	if (n > 0) {
		dev->disp[p->queue_id].from_ring += n;
		tern_ctx_input(ctx, port, pkts, n);
		total += n;
	}
	if (p->queue_id < dev->hw_queues) {
		n = rte_eth_rx_burst(p->port_id, p->queue_id, pkts, TERN_RX_BURST);
		if (n > 0) {
			TERN_STAT_INC(ctx, rx_bursts);
			n = rss_dispatch(dev, p->queue_id, pkts, n);
			if (n > 0)
				tern_ctx_input(ctx, port, pkts, n);
			total += n;
		}
	}
	return total;
}

unsigned int
tern_ctx_poll(struct tern_ctx *ctx)
{
	struct rte_mbuf *pkts[TERN_RX_BURST];
	unsigned int total = 0;
	uint16_t i, n;

	tern_ctx_update_time(ctx);
	for (i = 0; i < ctx->nb_ports; i++) {
		struct tern_ctx_port *p = &ctx->ports[i];

		if (p->dev->vtx != NULL)
			continue;
		if (unlikely(p->sw_dispatch)) {
			total += port_poll_dispatched(ctx, i);
			continue;
		}
		n = rte_eth_rx_burst(p->port_id, p->queue_id, pkts, TERN_RX_BURST);
		if (n == 0)
			continue;
		TERN_STAT_INC(ctx, rx_bursts);
		tern_ctx_input(ctx, i, pkts, n);
		total += n;
	}
	tern_ctx_run_timers(ctx);
	tern_ctx_flush(ctx);
	return total;
}

void
tern_ctx_stats(const struct tern_ctx *ctx, struct tern_stats *st)
{
	memcpy(st, &ctx->stats, sizeof(*st));
}

void
tern_ctx_stats_reset(struct tern_ctx *ctx)
{
	memset(&ctx->stats, 0, sizeof(ctx->stats));
}

struct rte_mempool *
tern_ctx_pool(const struct tern_ctx *ctx)
{
	return ctx->mp;
}

struct tern_net *
tern_ctx_net(const struct tern_ctx *ctx)
{
	return ctx->net;
}

unsigned int
tern_ctx_pending(const struct tern_ctx *ctx)
{
	unsigned int i, n = 0;

	for (i = 0; i < ctx->nb_ports; i++)
		n += ctx->ports[i].tx_n;
	for (i = 0; i < ctx->nb_layers; i++)
		if (ctx->layers[i]->pending != NULL)
			n += ctx->layers[i]->pending(ctx);
	return n + impair_pending(ctx);
}

int
ctx_post_event(struct tern_ctx *ctx, const struct tern_event *ev)
{
	if (ctx->evq_tail - ctx->evq_head > ctx->evq_mask) {
		TERN_STAT_INC(ctx, events_lost);
		return -ENOSPC;
	}
	ctx->evq[ctx->evq_tail++ & ctx->evq_mask] = *ev;
	return 0;
}

void
ctx_cancel_events(struct tern_ctx *ctx, const void *obj)
{
	uint32_t i;

	for (i = ctx->evq_head; i != ctx->evq_tail; i++) {
		struct tern_event *e = &ctx->evq[i & ctx->evq_mask];

		if (e->obj == obj) {
			e->type = TERN_EV_NONE;
			e->obj = NULL;
		}
	}
}

void
ctx_retag_events(struct tern_ctx *ctx, const void *obj, uint64_t udata)
{
	uint32_t i;

	for (i = ctx->evq_head; i != ctx->evq_tail; i++) {
		struct tern_event *e = &ctx->evq[i & ctx->evq_mask];

		if (e->obj == obj)
			e->udata = udata;
	}
}

unsigned int
tern_ctx_events(struct tern_ctx *ctx, struct tern_event *ev, unsigned int n)
{
	unsigned int i = 0;

	while (i < n && ctx->evq_head != ctx->evq_tail) {
		const struct tern_event *e = &ctx->evq[ctx->evq_head++ & ctx->evq_mask];

		if (e->type != TERN_EV_NONE)	/* withdrawn */
			ev[i++] = *e;
	}
	return i;
}
