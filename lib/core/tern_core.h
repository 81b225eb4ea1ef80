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
	struct rte_mbuf *tx_buf[TERN_TX_BUF];
};

/* Input hook: the net layer's ethernet input, installed by the stack. */
typedef void (*tern_ctx_input_t)(struct tern_ctx *ctx, uint16_t port,
				 struct rte_mbuf **pkts, uint16_t n);

struct tern_ctx {
	/* hot: read every poll */
	uint64_t now_ns;
	uint64_t tsc_base;
	uint64_t tsc_mult;		/* ns per tsc << 32 */
	bool manual_clock;
	uint16_t nb_ports;
	unsigned int lcore_id;
	int socket_id;
	struct rte_mempool *mp;
	tern_ctx_input_t input;
	struct tern_net *net;
	void *net_ctx;			/* struct tern_net_ctx */
	void *udp_ctx;			/* struct tern_udp_ctx */
	void *tcp_ctx;			/* struct tern_tcp_ctx */
	/* Called after each input burst went through the protocols. */
	void (*post_input)(struct tern_ctx *ctx);
	struct tern_timer_wheel wheel;
	struct tern_impair *impair;	/* NULL until tern_ctx_set_impair() */
	uint8_t impair_dirs;		/* TERN_IMPAIR_TX | TERN_IMPAIR_RX: on */

	/* event queue: a ring of evq_mask + 1 entries */
	uint32_t evq_mask;
	uint32_t evq_head;
	uint32_t evq_tail;
	struct tern_event *evq;

	/* Called after a flush that made room on a port that had been full. */
	void (*on_tx_space)(struct tern_ctx *ctx);
	bool tx_was_full;

	/* layers' teardown, newest first */
	void (*fini[8])(struct tern_ctx *ctx);
	unsigned int nb_fini;
	unsigned int (*pending[8])(const struct tern_ctx *ctx);
	unsigned int nb_pending;

	struct tern_stats stats __rte_cache_aligned;

	struct tern_ctx_port ports[TERN_MAX_PORTS] __rte_cache_aligned;
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
struct tern_ctx *ctx_alloc(const struct tern_ctx_param *param);
int ctx_port_bind(struct tern_ctx *ctx, struct tern_dev *dev, uint16_t queue_id);
void ctx_free(struct tern_ctx *ctx);
/* Register a teardown hook (run in reverse order by tern_ctx_destroy()). */
int ctx_on_destroy(struct tern_ctx *ctx, void (*fn)(struct tern_ctx *ctx));
/* Register a counter of packets a layer holds (summed by tern_ctx_pending()). */
int ctx_on_pending(struct tern_ctx *ctx, unsigned int (*fn)(const struct tern_ctx *ctx));

/*
 * Whether port @port can take another packet: after one flush attempt if
 * its buffer is full. A layer that gets false should hold its packet back
 * (and may wait for ctx->on_tx_space).
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
