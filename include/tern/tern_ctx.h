/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_CTX_H
#define TERN_CTX_H

/**
 * @file
 * The per-lcore context. One context per worker lcore owns one rx/tx queue
 * pair on each device of its tern_net, its timer wheel, its counters, its
 * event queue and its output buffers. Every call taking a context must be
 * made from the lcore that polls it, unless its description says otherwise.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include <tern/tern_config.h>
#include <tern/tern_stats.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tern_ctx;
struct tern_net;
struct tern_tcp_config;

/** Parameters of tern_ctx_create(). Zeroed fields take the defaults. */
struct tern_ctx_param {
	struct tern_net *net;	/**< required: devices, addresses, routes */
	uint16_t queue_id;	/**< queue pair used on every device */
	/** NUMA socket for the context's memory: 0 unless set (SOCKET_ID_ANY: the caller's). */
	int socket_id;
	/** Drive time by hand (tern_ctx_set_time()) instead of the TSC. */
	bool manual_clock;
	uint64_t timer_tick_ns;	/**< timer wheel tick; default 1 ms */
	uint32_t timer_slots;	/**< slots, a power of two; default 4096 */
	uint32_t event_queue_size; /**< events; power of two; default 4096 */
	uint32_t icmp_rate;	/**< ICMP errors per second; default 1000 */
	uint32_t icmp_burst;	/**< ICMP error burst; default 50 */
	/** TCP settings (struct tern_tcp_config); NULL: the defaults. */
	const struct tern_tcp_config *tcp;
};

/**
 * Create a context bound to queue @p param->queue_id of every device of
 * @p param->net.
 * @return the context, or NULL with rte_errno: EINVAL (bad parameters, queue
 *   out of range), ENOMEM.
 */
TERN_API struct tern_ctx *tern_ctx_create(const struct tern_ctx_param *param);

/**
 * Destroy a context: its held and buffered packets go back to their pools,
 * its timers are dropped. Safe on NULL.
 */
TERN_API void tern_ctx_destroy(struct tern_ctx *ctx);

/**
 * Run one round: rx burst from each bound queue, protocol input, expired
 * timers, then flush the output to the devices.
 * @return number of packets received in this round.
 */
TERN_API unsigned int tern_ctx_poll(struct tern_ctx *ctx);

/**
 * Feed packets received by the caller's own rx loop (or a virtual device)
 * on device index @p port (order of tern_net_iface_add()). Takes ownership
 * of every mbuf. Output is buffered until tern_ctx_flush() or the next poll.
 */
TERN_API void tern_ctx_input(struct tern_ctx *ctx, uint16_t port, struct rte_mbuf **pkts,
			     uint16_t n);

/** Run the timers due at the context's current time. @return timers run. */
TERN_API unsigned int tern_ctx_run_timers(struct tern_ctx *ctx);

/** Hand every buffered output packet to its device. */
TERN_API void tern_ctx_flush(struct tern_ctx *ctx);

/**
 * The context's time in nanoseconds since its tern_net was created (every
 * context of a network shares the base, so shared neighbor entries age
 * alike); a manual clock starts at 0. With the TSC clock it is refreshed at
 * each poll (tern_ctx_update_time() forces it).
 */
TERN_API uint64_t tern_ctx_now(const struct tern_ctx *ctx);

/** Re-read the TSC clock. No effect with a manual clock. @return the time. */
TERN_API uint64_t tern_ctx_update_time(struct tern_ctx *ctx);

/**
 * Set the time of a manual-clock context. Time never goes back.
 * @return 0, -EINVAL if @p ns is before the current time, -EPERM if the
 *   context reads the TSC.
 */
TERN_API int tern_ctx_set_time(struct tern_ctx *ctx, uint64_t ns);

/**
 * Advance a manual clock by @p ns, running due timers on the way, tick by
 * tick, so a timer sees the time it was due at. @return 0, -EPERM (TSC clock).
 */
TERN_API int tern_ctx_advance(struct tern_ctx *ctx, uint64_t ns);

/**
 * Announce every address of every interface: a gratuitous ARP for each IPv4
 * address and an unsolicited neighbor advertisement for each IPv6 one.
 * @return packets sent.
 */
TERN_API int tern_ctx_announce(struct tern_ctx *ctx);

/**
 * Hold output to fill bursts, as DPDK's l3fwd does: from now on a flush
 * (tern_ctx_flush(), the end of tern_ctx_poll()) sends a port's queued
 * packets only once there are TERN_RX_BURST of them, or once the oldest
 * has waited @p ns by the context's clock (counted from the first flush
 * that found it queued). 0, the default: every flush sends what is queued.
 * A forwarder whose peer pays per burst gains (fuller bursts at the peer);
 * each packet may wait up to @p ns more. Applies to every port of the
 * context. @return 0, -EINVAL if @p ns is over one second.
 */
TERN_API int tern_ctx_set_tx_hold(struct tern_ctx *ctx, uint64_t ns);

/** Copy the context's counters into @p st. Safe from any lcore (torn reads possible). */
TERN_API void tern_ctx_stats(const struct tern_ctx *ctx, struct tern_stats *st);

/** Zero the context's counters. */
TERN_API void tern_ctx_stats_reset(struct tern_ctx *ctx);

/** The pool this context allocates from. */
TERN_API struct rte_mempool *tern_ctx_pool(const struct tern_ctx *ctx);

/** The tern_net the context was created with. */
TERN_API struct tern_net *tern_ctx_net(const struct tern_ctx *ctx);

/** Packets held or buffered by the context (not yet sent or dropped). */
TERN_API unsigned int tern_ctx_pending(const struct tern_ctx *ctx);

/** Event types posted on a context's event queue. */
enum tern_event_type {
	TERN_EV_NONE = 0,
	TERN_EV_READABLE,	/**< a stream has data (or a datagram) to read */
	TERN_EV_WRITABLE,	/**< a stream can send again */
	TERN_EV_ACCEPT,		/**< a listener has a connection to accept */
	TERN_EV_CONNECTED,	/**< an active open completed */
	TERN_EV_CLOSED,		/**< the peer closed its side */
	TERN_EV_ERROR,		/**< an error; see the event's err */
};

/** One event. */
struct tern_event {
	uint32_t type;		/**< enum tern_event_type */
	int32_t err;		/**< negative errno for TERN_EV_ERROR */
	void *obj;		/**< the stream the event is about */
	uint64_t udata;		/**< the stream's user data */
};

/**
 * Take up to @p n events off the context's queue.
 * @return events copied into @p ev.
 */
TERN_API unsigned int tern_ctx_events(struct tern_ctx *ctx, struct tern_event *ev, unsigned int n);

#ifdef __cplusplus
}
#endif

#endif /* TERN_CTX_H */
