/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_CORE_H
#define TERN_CORE_H

/*
 * Internal view of the core layer: the device and context structures and
 * the helpers the upper layers use to send packets, arm timers, post events
 * and count. Not installed.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include <tern/tern_ctx.h>
#include <tern/tern_dev.h>
#include <tern/tern_impair.h>
#include <tern/tern_stats.h>

#include "tern_assert.h"
#include "tern_log.h"
#include "tern_timer.h"

/*
 * RSS as tern models it (rss.c): the Toeplitz key and the redirection
 * table (RETA) the device applies, or that tern's software dispatcher
 * applies in its place. A flow whose hash is h goes to queue
 * reta[h % reta_size]. nb_queues > 1 is the "steering on" flag.
 */
#define TERN_RSS_KEY_MIN	40	/* an IPv6 4-tuple reads 40 key bytes */
#define TERN_RSS_KEY_MAX	64
#define TERN_RSS_RETA_MAX	512
#define TERN_RSS_RETA_DEF	128
#define TERN_SW_RING_SIZE	4096	/* dispatcher rings, per context and for tx */

struct tern_rss {
	uint16_t nb_queues;		/* queues (contexts) the hash spreads flows over */
	uint16_t reta_size;
	uint8_t key_len;
	uint32_t key_be[TERN_RSS_KEY_MAX / 4];	/* the key as CPU-order words */
	uint8_t key[TERN_RSS_KEY_MAX];
	uint16_t reta[TERN_RSS_RETA_MAX];
};

struct tern_dev {
	char name[64];
	uint16_t port_id;		/* UINT16_MAX: virtual */
	uint16_t nb_queues;
	uint16_t mtu;
	/*
	 * TSO: the largest frame, Ethernet header included, the device lets a
	 * TSO piece be (0: no limit beyond the MTU it applies itself). DPDK
	 * 22.11's net_tap compares segment + L2 + L3 + L4 headers with the
	 * MTU and refuses the packet otherwise, so there it is the MTU.
	 */
	uint16_t tso_frame_max;
	/*
	 * TSO for IPv4 only: 22.11's net_tap cuts its TSO sends with rte_gso,
	 * which knows IPv4 TCP only, and hands an IPv6 one to the kernel
	 * whole, larger than the MTU. tern cuts IPv6 itself there.
	 */
	bool tso_ipv4_only;
	bool started;
	struct rte_ether_addr mac;
	uint32_t caps_avail;
	uint32_t caps;
	int socket_id;
	struct rte_mempool *pools[RTE_MAX_NUMA_NODES];
	bool own_pool[RTE_MAX_NUMA_NODES];
	tern_vdev_tx_t vtx;
	void *vtx_arg;
	/* steering of flows to the contexts' queues */
	uint8_t steer;			/* enum tern_dev_steer */
	uint16_t hw_queues;		/* queue pairs configured on the ethdev */
	const char *rss_key_src;	/* "device", "set", "assumed", "tern" */
	const char *rss_reta_src;
	struct tern_rss rss;
	/* software dispatcher (TERN_STEER_SW): a ring per context, one for tx */
	struct rte_ring **sw_rx;	/* [nb_queues], multi-producer, single-consumer */
	struct rte_ring *sw_tx;		/* contexts without a device tx queue; queue 0 drains */
	struct tern_dev_dispatch_stats *disp;	/* [nb_queues], each written by its context */
};

struct tern_ctx_port {
	struct tern_dev *dev;
	/* The device's RSS model when flows are steered over several queues, else NULL. */
	const struct tern_rss *rss;
	struct rte_ring *tx_ring;	/* software dispatch, no tx queue of our own: via here */
	bool sw_dispatch;		/* rx through the software dispatcher */
	uint16_t port_id;
	uint16_t queue_id;
	uint16_t tx_n;
	uint16_t tx_clean;		/* head of tx_buf already through the impairment */
	uint16_t tx_prep;		/* head of tx_buf already through rte_eth_tx_prepare() */
	bool tx_prepare;		/* TX offloads on: run rte_eth_tx_prepare() */
	uint8_t tx_warned;		/* refusals already logged (ctx.c) */
	/* flushes in a row that sent nothing, and the clock at the first (ctx.c) */
	uint16_t tx_stall_n;
	uint64_t tx_stall_ns;
	/* tx hold (tern_ctx_set_tx_hold()): the clock when the held packets were first seen */
	bool tx_held;
	uint64_t tx_held_ns;
	struct rte_mbuf *tx_buf[TERN_TX_BUF];
};

/*
 * A time base: nanoseconds since the TSC read @tsc_base. The network owns
 * one (every context of a network shares it, so shared neighbor entries age
 * alike); each context gets a copy when it is made (ctx_alloc()).
 */
struct tern_clock {
	uint64_t tsc_base;
	uint64_t tsc_mult;		/* ns per tsc << 32 */
};

/* Start a time base: now is 0. */
void clock_init(struct tern_clock *c);

/* TSC reading @tsc in nanoseconds of time base @c. */
static inline uint64_t
clock_ns(const struct tern_clock *c, uint64_t tsc)
{
	return (uint64_t)(((unsigned __int128)(tsc - c->tsc_base) * c->tsc_mult) >> 32);
}

/* Input hook: the net layer's ethernet input, installed by the stack. */
typedef void (*tern_ctx_input_t)(struct tern_ctx *ctx, uint16_t port,
				 struct rte_mbuf **pkts, uint16_t n);

/*
 * A layer as the context sees it: the one way a layer plugs into a
 * context. The stack assembly (lib/stack/stack.c) adds the layers in order,
 * lowest first, with ctx_layer_add(); a layer that is added later (the
 * socket layer, on first use of a context) does the same. Every hook is
 * optional; each runs for every layer in the order they were added, except
 * fini, which runs newest first.
 */
struct rte_tel_data;

struct ctx_layer_ops {
	const char *name;
	/* Set the layer up on @ctx; 0 or a negative errno (nothing registered then). */
	int (*init)(struct tern_ctx *ctx, const struct tern_ctx_param *param);
	/* Tear it down (tern_ctx_destroy(), or a later layer's failed init). */
	void (*fini)(struct tern_ctx *ctx);
	/* The context's input: the lowest layer's frame input; one layer only. */
	tern_ctx_input_t input;
	/* After each input burst has gone through the protocols. */
	void (*post_input)(struct tern_ctx *ctx);
	/* After a flush made room on a port that had been full. */
	void (*tx_space)(struct tern_ctx *ctx);
	/*
	 * At the start of a flush, when the layer asked for it since the last
	 * one (ctx->pre_flush_want): output it put off until the application
	 * had its turn (TCP's window update after a read).
	 */
	void (*pre_flush)(struct tern_ctx *ctx);
	/* Packets the layer holds (summed by tern_ctx_pending()). */
	unsigned int (*pending)(const struct tern_ctx *ctx);
	/*
	 * What the layer adds to the context's entry of /tern/ctx/list (the
	 * telemetry thread; read only what a racy read cannot break: counts).
	 */
	void (*tel_info)(const struct tern_ctx *ctx, struct rte_tel_data *d);
};

/*
 * A call the context's own lcore runs at its next poll or flush: how the
 * telemetry thread reads what only the owning lcore may walk (connection
 * lists). ctx_remote_call() waits for it, at most @timeout_ms; @return 0,
 * -ENOENT (no context @id), -ETIMEDOUT (the lcore did not poll: the call
 * was withdrawn and will not run).
 */
typedef void (*ctx_rcall_fn)(struct tern_ctx *ctx, void *arg);
int ctx_remote_call(unsigned int id, ctx_rcall_fn fn, void *arg, unsigned int timeout_ms);
/* Run a remote call waiting on @ctx (the owning lcore, from poll and flush). */
void ctx_rcall_run(struct tern_ctx *ctx);
/*
 * Telemetry: contexts by id, the id a context got at creation (0..
 * TERN_MAX_CTX - 1). Each calls @fn(ctx, arg) for every context (or
 * context @id only, if >= 0) with the registry locked, so none is freed
 * meanwhile. @return the contexts visited.
 */
unsigned int ctx_registry_walk(int id, void (*fn)(const struct tern_ctx *ctx, void *arg),
			       void *arg);
/* Parse a telemetry parameter as a context id: @return it, or -1. */
int ctx_tel_param_id(const char *params);
/* capture.c: copy @pkts (received, or @tx: queued) on port index @port; write the batch. */
void ctx_capture(struct tern_ctx *ctx, uint16_t port, struct rte_mbuf **pkts, uint16_t n,
		 bool tx);
void ctx_capture_flush(struct tern_ctx *ctx);
/* Enter @ctx in the registry (its id), and take it out: ctx_alloc(), ctx_free(). */
int ctx_registry_add(struct tern_ctx *ctx);
void ctx_registry_del(struct tern_ctx *ctx);

#define CTX_MAX_LAYERS	8

struct tern_ctx {
	/* hot: read every poll */
	uint64_t now_ns;
	struct tern_clock clock;	/* the network's time base */
	bool manual_clock;
	uint16_t nb_ports;
	unsigned int lcore_id;
	int socket_id;
	uint16_t cap_n;			/* capture copies not written yet */
	struct tern_capture *cap;	/* capture on (capture.c), or NULL */
	ctx_rcall_fn rcall_fn;		/* a remote call waiting, or NULL */
	struct rte_mempool *mp;
	tern_ctx_input_t input;
	struct tern_net *net;
	void *net_ctx;			/* struct tern_net_ctx */
	void *udp_ctx;			/* struct tern_udp_ctx */
	void *tcp_ctx;			/* struct tern_tcp_ctx */
	struct tern_timer_wheel wheel;
	struct tern_impair *impair;	/* NULL until tern_ctx_set_impair() */
	uint8_t impair_dirs;		/* TERN_IMPAIR_TX | TERN_IMPAIR_RX: on */

	/* event queue: a ring of evq_mask + 1 entries */
	uint32_t evq_mask;
	uint32_t evq_head;
	uint32_t evq_tail;
	struct tern_event *evq;

	bool tx_was_full;
	bool pre_flush_want;		/* a layer's pre_flush hook has work */
	uint64_t tx_hold_ns;		/* tern_ctx_set_tx_hold(); 0: off */

	/* the layers, in the order they were added (ctx_layer_add()) */
	const struct ctx_layer_ops *layers[CTX_MAX_LAYERS];
	unsigned int nb_layers;

	struct tern_stats stats __rte_cache_aligned;

	struct tern_ctx_port ports[TERN_MAX_PORTS] __rte_cache_aligned;

	/* cold: telemetry and capture */
	int id;				/* in the registry (telemetry), or -1 */
	void *rcall_arg;
	uint32_t rcall_done;
	struct rte_mbuf *cap_pkts[64];	/* capture copies not written yet */
};

#define TERN_STAT_INC(ctx, name)	((ctx)->stats.name++)
#define TERN_STAT_ADD(ctx, name, n)	((ctx)->stats.name += (n))

/*
 * One try at handing port @port's buffered packets to the device (the full
 * buffer case of ctx_tx(): a device that stopped taking packets must
 * not cost a retry loop per packet).
 */
void ctx_port_flush(struct tern_ctx *ctx, uint16_t port);

/* Core-level context set-up, used by the stack assembly (lib/stack). */
struct tern_ctx *ctx_alloc(const struct tern_ctx_param *param, const struct tern_clock *base);
int ctx_port_bind(struct tern_ctx *ctx, struct tern_dev *dev, uint16_t queue_id);
void ctx_free(struct tern_ctx *ctx);
/*
 * Add layer @ops to @ctx: run its init (with @param, which may be NULL for
 * a layer added after creation) and register its hooks.
 * @return 0; -EEXIST (already added, or a second input), -ENOSPC (no room:
 * CTX_MAX_LAYERS), or the init's error. On error nothing stays registered.
 */
int ctx_layer_add(struct tern_ctx *ctx, const struct ctx_layer_ops *ops,
		  const struct tern_ctx_param *param);
/* Whether @ops was added to @ctx. */
bool ctx_layer_has(const struct tern_ctx *ctx, const struct ctx_layer_ops *ops);
/* Run every layer's post_input hook: after an input burst. */
static inline void
ctx_post_input(struct tern_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ctx->nb_layers; i++)
		if (ctx->layers[i]->post_input != NULL)
			ctx->layers[i]->post_input(ctx);
}

/*
 * Whether port @port can take another packet: after one flush attempt if
 * its buffer is full. A layer that gets false should hold its packet back
 * (and may wait for its layer's tx_space hook).
 */
static inline bool
ctx_tx_room(struct tern_ctx *ctx, uint16_t port)
{
	if (likely(ctx->ports[port].tx_n < TERN_TX_BUF))
		return true;
	ctx_port_flush(ctx, port);
	if (ctx->ports[port].tx_n < TERN_TX_BUF)
		return true;
	ctx->tx_was_full = true;
	return false;
}

/* Queue @m for transmission on port index @port; it is sent at the next flush. */
static inline void
ctx_tx(struct tern_ctx *ctx, uint16_t port, struct rte_mbuf *m)
{
	struct tern_ctx_port *p = &ctx->ports[port];

	if (unlikely(ctx->cap != NULL))
		ctx_capture(ctx, port, &m, 1, true);
	if (unlikely(p->tx_n == TERN_TX_BUF)) {
		ctx_port_flush(ctx, port);
		if (p->tx_n == TERN_TX_BUF) {
			ctx->tx_was_full = true;
			TERN_STAT_INC(ctx, drop_tx_full);
			rte_pktmbuf_free(m);
			return;
		}
	}
	p->tx_buf[p->tx_n++] = m;
}

static inline struct rte_mbuf *
ctx_alloc_mbuf(struct tern_ctx *ctx)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(ctx->mp);

	if (unlikely(m == NULL))
		TERN_STAT_INC(ctx, drop_nomem);
	return m;
}

/*
 * A new mbuf holding @len bytes of (uninitialised) data, its start in
 * @data. @return NULL, counted in drop_nomem, when the pool is empty or
 * @len does not fit in one segment.
 */
static inline struct rte_mbuf *
ctx_alloc_pkt(struct tern_ctx *ctx, uint16_t len, void **data)
{
	struct rte_mbuf *m = ctx_alloc_mbuf(ctx);

	if (unlikely(m == NULL))
		return NULL;
	*data = rte_pktmbuf_append(m, len);
	if (unlikely(*data == NULL)) {
		TERN_STAT_INC(ctx, drop_nomem);
		rte_pktmbuf_free(m);
		return NULL;
	}
	return m;
}

static inline void
ctx_timer_arm(struct tern_ctx *ctx, struct tern_timer *t, uint64_t expire_ns)
{
	timer_arm(&ctx->wheel, t, expire_ns);
}

static inline void
ctx_timer_cancel(struct tern_ctx *ctx, struct tern_timer *t)
{
	timer_cancel(&ctx->wheel, t);
}

/*
 * The impairment layer (impair.c). impair_tx() runs @n packets for
 * port @port through the transmit direction: those that go on now land in
 * @out (room for 2 * @n: duplicates), the others are held or freed.
 * impair_rx() does the same for received packets and hands those that
 * go on to ctx_input_impaired().
 */
uint16_t impair_tx(struct tern_ctx *ctx, uint16_t port, struct rte_mbuf **pkts, uint16_t n,
			struct rte_mbuf **out);
void impair_rx(struct tern_ctx *ctx, uint16_t port, struct rte_mbuf **pkts, uint16_t n);
/* Packets the impairment layer holds. */
unsigned int impair_pending(const struct tern_ctx *ctx);
/* Free the held packets and the layer's state. */
void impair_fini(struct tern_ctx *ctx);
/*
 * Where released packets go: out on port @port past the impairment (sent at
 * once), or into the protocols (received packets, already counted).
 */
void ctx_port_tx_impaired(struct tern_ctx *ctx, uint16_t port, struct rte_mbuf **pkts,
			       uint16_t n);
void ctx_input_impaired(struct tern_ctx *ctx, uint16_t port, struct rte_mbuf **pkts,
			     uint16_t n);

/*
 * RSS (rss.c): the Toeplitz hash with the device's key, the queue a hash
 * lands on, the choice of a local port whose reply lands on a given queue,
 * and the software dispatcher.
 */
extern const uint8_t tern_rss_default_key[TERN_RSS_KEY_MIN];
/*
 * Fill @r: @key of @key_len bytes (NULL: the default key), @reta of
 * @reta_size entries (NULL: queues 0..@nb_queues-1 round robin).
 * @return 0, or -EINVAL (key shorter than TERN_RSS_KEY_MIN or longer than
 * TERN_RSS_KEY_MAX, reta_size 0 or too big, an entry >= @nb_queues).
 */
int rss_init(struct tern_rss *r, const uint8_t *key, unsigned int key_len,
		  const uint16_t *reta, unsigned int reta_size, uint16_t nb_queues);
/* The hash of an IPv4 / IPv6 4-tuple (addresses and ports in network order). */
uint32_t rss_hash4(const struct tern_rss *r, uint32_t src, uint32_t dst, uint16_t sport,
			uint16_t dport);
uint32_t rss_hash6(const struct tern_rss *r, const uint8_t *src, const uint8_t *dst,
			uint16_t sport, uint16_t dport);

static inline uint16_t
rss_queue(const struct tern_rss *r, uint32_t hash)
{
	return r->reta[hash % r->reta_size];
}

/*
 * A local port in [@lo, @hi] (host order), searched from *@next on (which
 * moves on), such that the reply to a connection from @laddr:port to
 * @raddr:@rport (the remote's packets: src = remote, dst = local) hashes to
 * @queue under @r, and that @taken does not refuse. @r NULL or with one
 * queue: any port @taken accepts. Addresses are 4 or 16 bytes by @family,
 * ports in network order. @return 0 with *@port_be set, or -EADDRINUSE.
 */
int rss_pick_port(const struct tern_rss *r, uint8_t family, const uint8_t *laddr,
		       const uint8_t *raddr, uint16_t rport, uint16_t queue, uint16_t lo,
		       uint16_t hi, uint16_t *next, bool (*taken)(void *arg, uint16_t port_be),
		       void *arg, uint16_t *port_be);
/*
 * The queue that owns packet @m under @r: TCP and UDP by their 4-tuple,
 * IP fragments by their addresses, everything else (ARP, ICMP, ND, other
 * ethertypes) queue 0.
 */
uint16_t rss_pkt_queue(const struct tern_rss *r, const struct rte_mbuf *m);
/*
 * The software dispatcher, run by the context of queue @self on what it
 * read from its device queue: packets owned by other queues go to their
 * rings (or are dropped when full); @return the packets kept, compacted at
 * the front of @pkts.
 */
uint16_t rss_dispatch(struct tern_dev *dev, uint16_t self, struct rte_mbuf **pkts,
			   uint16_t n);

/* Post an event. @return 0, or -ENOSPC when the queue is full. */
int ctx_post_event(struct tern_ctx *ctx, const struct tern_event *ev);
/* Give the events still queued for @obj a new udata (its owner just set it). */
void ctx_retag_events(struct tern_ctx *ctx, const void *obj, uint64_t udata);
/* Withdraw the queued events about @obj (it is going away). */
void ctx_cancel_events(struct tern_ctx *ctx, const void *obj);

#endif /* TERN_CORE_H */
