/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_DEV_H
#define TERN_DEV_H

/**
 * @file
 * Devices: an ethdev port configured for tern (queues, mbuf pools, offload
 * capabilities), or a virtual device whose transmit is a callback (used by
 * tests to wire two contexts together without any PMD).
 *
 * Devices are created and destroyed on the main lcore before and after the
 * workers run. None of these calls is safe to call concurrently.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include <tern/tern_config.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tern_dev;

/** Offload capabilities, as read from the device and then as enabled. */
enum tern_dev_cap {
	TERN_CAP_TX_IP4_CKSUM	= 1u << 0,
	TERN_CAP_TX_UDP_CKSUM	= 1u << 1,
	TERN_CAP_TX_TCP_CKSUM	= 1u << 2,
	TERN_CAP_TX_TSO		= 1u << 3,
	TERN_CAP_TX_UFO		= 1u << 4,
	TERN_CAP_RX_IP4_CKSUM	= 1u << 5,
	TERN_CAP_RX_L4_CKSUM	= 1u << 6,
	TERN_CAP_RX_LRO		= 1u << 7,
	TERN_CAP_RX_RSS		= 1u << 8,
	TERN_CAP_TX_MULTISEG	= 1u << 9,
	TERN_CAP_RX_VLAN_STRIP	= 1u << 10,
};

/** Transmit callback of a virtual device: takes ownership of every mbuf. */
typedef void (*tern_vdev_tx_t)(void *arg, struct rte_mbuf **pkts, uint16_t n);

/** Parameters of tern_dev_create(). Zeroed fields take the defaults. */
struct tern_dev_param {
	uint16_t nb_queues;	/**< rx and tx queue pairs; default 1 */
	uint16_t nb_rxd;	/**< rx descriptors per queue; default 1024 */
	uint16_t nb_txd;	/**< tx descriptors per queue; default 1024 */
	uint32_t nb_mbufs;	/**< mbufs in the pool of each socket; default 16383 */
	uint16_t mtu;		/**< default: the device's current MTU */
	/**
	 * Offloads the user allows (TERN_CAP_*); 0 means every one the device
	 * has except LRO, TSO and UFO, which must be asked for by name.
	 */
	uint32_t allow_caps;
	bool no_offload;	/**< force every software path */
	bool no_promisc;	/**< leave promiscuous mode off */
	/**
	 * With several queues, steer flows with tern's software dispatcher
	 * even if the device has RSS. It is used anyway when the device has no
	 * RSS, has fewer queues than asked, no_offload is set, or the device
	 * neither tells its RSS key and redirection table nor takes tern's
	 * (net_tap): tern could not choose ports whose replies come back to the
	 * opener's queue.
	 */
	bool sw_dispatch;
	/**
	 * Keep the device's own steering even when its RSS key or redirection
	 * table cannot be read or set, assuming the usual default key and a
	 * round-robin table (passive opens follow the device; active opens
	 * land on the opener's queue only if the assumption holds).
	 */
	bool rss_assume;
	/**
	 * Hash flows with a symmetric key (0x6d5a repeated), so that both
	 * directions of a flow, (a, b, pa, pb) and (b, a, pb, pa), land on one
	 * queue: what a transparent proxy needs to keep the client's port on
	 * the server leg. Set on the device; a device that does not take it
	 * is steered by tern's dispatcher, which then hashes with it.
	 */
	bool rss_symmetric;
};

/** How a device's flows reach the contexts (one context per queue). */
enum tern_dev_steer {
	TERN_STEER_NONE = 0,	/**< one queue: one context sees everything */
	TERN_STEER_RSS,		/**< the device's RSS spreads flows over the queues */
	TERN_STEER_SW,		/**< tern's software dispatcher hands packets to their context */
};

/**
 * Counters of the software dispatcher for one queue (context). Each is
 * written by that queue's context only; zero unless TERN_STEER_SW.
 */
struct tern_dev_dispatch_stats {
	uint64_t rx;		/**< packets read from the device queue of this context */
	uint64_t kept;		/**< ... owned by this context */
	uint64_t passed;	/**< ... handed to their owner's ring */
	uint64_t ring_full;	/**< ... dropped: the owner's ring was full */
	uint64_t from_ring;	/**< packets taken from this context's ring */
	uint64_t tx_ring;	/**< packets sent through the shared tx ring (no own tx queue) */
	uint64_t tx_ring_full;	/**< ... not taken: the tx ring was full (kept, retried) */
	uint64_t tx_ring_out;	/**< queue 0: packets taken from the tx ring to the device */
};

/**
 * Configure and start ethdev port @p port_id for tern: @p param->nb_queues
 * rx/tx queue pairs, the device's own mbuf pool on each NUMA socket its
 * queues are polled from (queue q: the q-th worker lcore's socket), offloads
 * read and enabled.
 *
 * @return the device, or NULL with rte_errno set: EINVAL (bad port or
 *   parameters), ENOMEM, or the ethdev layer's error.
 */
TERN_API struct tern_dev *tern_dev_create(uint16_t port_id, const struct tern_dev_param *param);

/** Parameters of tern_dev_create_virtual(). */
struct tern_vdev_param {
	const char *name;	/**< for logs */
	struct rte_ether_addr mac; /**< the fake device's MAC */
	uint16_t mtu;		/**< default 1500 */
	uint32_t caps;		/**< offloads the fake device claims */
	struct rte_mempool *mp;	/**< pool rx packets come from (required) */
	tern_vdev_tx_t tx;	/**< transmit callback (required) */
	void *tx_arg;		/**< passed to @p tx */
};

/**
 * Create a device with no PMD behind it: what a context sends goes to
 * @p param->tx; what it receives the caller passes to tern_ctx_input().
 * @return the device, or NULL with rte_errno = EINVAL or ENOMEM.
 */
TERN_API struct tern_dev *tern_dev_create_virtual(const struct tern_vdev_param *param);

/** Stop (ethdev) and free a device. Contexts using it must be gone. */
TERN_API void tern_dev_destroy(struct tern_dev *dev);

/** ethdev port id, or UINT16_MAX for a virtual device. */
TERN_API uint16_t tern_dev_port_id(const struct tern_dev *dev);
/** MAC address of the device. */
TERN_API const struct rte_ether_addr *tern_dev_mac(const struct tern_dev *dev);
/** MTU (IP packet size) of the device. */
TERN_API uint16_t tern_dev_mtu(const struct tern_dev *dev);
/** Offloads the device has (TERN_CAP_*). */
TERN_API uint32_t tern_dev_caps_avail(const struct tern_dev *dev);
/** Offloads enabled for tern's use (TERN_CAP_*): allowed and available. */
TERN_API uint32_t tern_dev_caps(const struct tern_dev *dev);
/** Number of rx/tx queue pairs. */
TERN_API uint16_t tern_dev_nb_queues(const struct tern_dev *dev);
/** mbuf pool for socket @p socket_id (falls back to any socket's pool). */
TERN_API struct rte_mempool *tern_dev_pool(const struct tern_dev *dev, int socket_id);

/** How flows are steered to the queues (enum tern_dev_steer). */
TERN_API enum tern_dev_steer tern_dev_steering(const struct tern_dev *dev);

/**
 * Describe the steering in @p buf of @p len bytes, e.g. "rss: 2 queues, key
 * device, reta device (128 entries)". @return @p buf.
 */
TERN_API char *tern_dev_steering_str(const struct tern_dev *dev, char *buf, size_t len);

/**
 * Copy the software dispatcher's counters of queue @p queue into @p st.
 * Safe from any lcore (torn reads possible).
 * @return 0, or -EINVAL (queue out of range).
 */
TERN_API int tern_dev_dispatch_stats(const struct tern_dev *dev, uint16_t queue,
				     struct tern_dev_dispatch_stats *st);

/**
 * What the port itself counted, below tern: frames it dropped or refused
 * before tern saw them (rx queue full, a frame the port does not take,
 * no mbuf), and failed transmissions. Read from rte_eth_stats_get().
 */
struct tern_dev_port_stats {
	uint64_t ipackets;	/**< frames received by the port */
	uint64_t opackets;	/**< frames sent by the port */
	uint64_t imissed;	/**< dropped by the port: its rx queues were full */
	uint64_t ierrors;	/**< received in error (e.g. longer than the port takes) */
	uint64_t oerrors;	/**< transmissions that failed */
	uint64_t rx_nombuf;	/**< rx mbuf allocation failures */
};

/** The fields of struct tern_dev_port_stats: name and description. */
#define TERN_DEV_PORT_STATS(X)						\
	X(ipackets,	"frames received by the port")			\
	X(opackets,	"frames sent by the port")			\
	X(imissed,	"dropped by the port: its rx queues were full")	\
	X(ierrors,	"received in error by the port (e.g. too long)")	\
	X(oerrors,	"transmissions the port failed")			\
	X(rx_nombuf,	"rx mbuf allocation failures of the port")

/**
 * Read the port's own counters into @p st. Safe from any lcore (the
 * driver's reads may be torn).
 * @return 0, or the negative errno of rte_eth_stats_get().
 */
TERN_API int tern_dev_port_stats(const struct tern_dev *dev, struct tern_dev_port_stats *st);

/**
 * Print one capability set as text ("tx-ip4-cksum tx-tcp-cksum ...") into
 * @p buf of @p len bytes. @return @p buf.
 */
TERN_API char *tern_dev_caps_str(uint32_t caps, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* TERN_DEV_H */
