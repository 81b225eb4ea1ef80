/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <numa.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "tern_core.h"

#define DEV_DEF_DESC	1024
#define DEV_DEF_MBUFS	16383
#define DEV_MBUF_CACHE	256

static const struct {
	uint32_t cap;
	const char *name;
} cap_names[] = {
	{ TERN_CAP_TX_IP4_CKSUM, "tx-ip4-cksum" },
	{ TERN_CAP_TX_UDP_CKSUM, "tx-udp-cksum" },
	{ TERN_CAP_TX_TCP_CKSUM, "tx-tcp-cksum" },
	{ TERN_CAP_TX_TSO, "tx-tso" },
	{ TERN_CAP_TX_UFO, "tx-ufo" },
	{ TERN_CAP_RX_IP4_CKSUM, "rx-ip4-cksum" },
	{ TERN_CAP_RX_L4_CKSUM, "rx-l4-cksum" },
	{ TERN_CAP_RX_LRO, "rx-lro" },
	{ TERN_CAP_RX_RSS, "rx-rss" },
	{ TERN_CAP_TX_MULTISEG, "tx-multiseg" },
	{ TERN_CAP_RX_VLAN_STRIP, "rx-vlan-strip" },
};

char *
tern_dev_caps_str(uint32_t caps, char *buf, size_t len)
{
	size_t i, off = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < RTE_DIM(cap_names); i++) {
		if ((caps & cap_names[i].cap) == 0)
			continue;
		int r = snprintf(buf + off, len - off, "%s%s", off ? " " : "", cap_names[i].name);
		if (r < 0 || (size_t)r >= len - off)
			break;
		off += r;
	}
	if (off == 0)
		snprintf(buf, len, "none");
	return buf;
}

static uint32_t
caps_from_dev_info(const struct rte_eth_dev_info *di)
{
	uint32_t c = 0;
	uint64_t tx = di->tx_offload_capa, rx = di->rx_offload_capa;

	if (tx & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM)
		c |= TERN_CAP_TX_IP4_CKSUM;
	if (tx & RTE_ETH_TX_OFFLOAD_UDP_CKSUM)
		c |= TERN_CAP_TX_UDP_CKSUM;
	if (tx & RTE_ETH_TX_OFFLOAD_TCP_CKSUM)
		c |= TERN_CAP_TX_TCP_CKSUM;
	if (tx & RTE_ETH_TX_OFFLOAD_TCP_TSO)
		c |= TERN_CAP_TX_TSO;
	if (tx & RTE_ETH_TX_OFFLOAD_UDP_TSO)
		c |= TERN_CAP_TX_UFO;
	if (tx & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
		c |= TERN_CAP_TX_MULTISEG;
	if (rx & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM)
		c |= TERN_CAP_RX_IP4_CKSUM;
	if ((rx & (RTE_ETH_RX_OFFLOAD_UDP_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM)) ==
	    (RTE_ETH_RX_OFFLOAD_UDP_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM))
		c |= TERN_CAP_RX_L4_CKSUM;
	if (rx & RTE_ETH_RX_OFFLOAD_TCP_LRO)
		c |= TERN_CAP_RX_LRO;
	if (rx & RTE_ETH_RX_OFFLOAD_VLAN_STRIP)
		c |= TERN_CAP_RX_VLAN_STRIP;
	if (di->flow_type_rss_offloads != 0 && di->max_rx_queues > 1)
		c |= TERN_CAP_RX_RSS;
	return c;
}

static void
offloads_from_caps(uint32_t c, uint64_t *rx, uint64_t *tx)
{
	*rx = 0;
	*tx = 0;
	if (c & TERN_CAP_TX_IP4_CKSUM)
		*tx |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
	if (c & TERN_CAP_TX_UDP_CKSUM)
		*tx |= RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	if (c & TERN_CAP_TX_TCP_CKSUM)
		*tx |= RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
	if (c & TERN_CAP_TX_TSO)
		*tx |= RTE_ETH_TX_OFFLOAD_TCP_TSO;
	if (c & TERN_CAP_TX_UFO)
		*tx |= RTE_ETH_TX_OFFLOAD_UDP_TSO;
	if (c & TERN_CAP_TX_MULTISEG)
		*tx |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	if (c & TERN_CAP_RX_IP4_CKSUM)
		*rx |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
	if (c & TERN_CAP_RX_L4_CKSUM)
		*rx |= RTE_ETH_RX_OFFLOAD_UDP_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM;
	if (c & TERN_CAP_RX_LRO)
		*rx |= RTE_ETH_RX_OFFLOAD_TCP_LRO;
}

/* Pool for @socket, made for this device. */
static struct rte_mempool *
dev_pool_create(struct tern_dev *dev, int socket, uint32_t nb_mbufs)
{
	char name[RTE_MEMPOOL_NAMESIZE];
	struct rte_mempool *mp;

	snprintf(name, sizeof(name), "tern_p%u_s%d", dev->port_id, socket);
	mp = rte_pktmbuf_pool_create(name, nb_mbufs, DEV_MBUF_CACHE, 0,
				     RTE_MBUF_DEFAULT_BUF_SIZE, socket);
	if (mp == NULL)
		TERN_LOG(ERR, core, "%s: mbuf pool on socket %d: %s", dev->name, socket,
			 rte_strerror(rte_errno));
	return mp;
}

static void
dev_free_pools(struct tern_dev *dev)
{
	unsigned int i;

	for (i = 0; i < RTE_MAX_NUMA_NODES; i++) {
		if (dev->own_pool[i])
			rte_mempool_free(dev->pools[i]);
		dev->pools[i] = NULL;
		dev->own_pool[i] = false;
	}
}

/* Socket of the q-th worker lcore, or of the port when there are fewer. */
static int
queue_socket(uint16_t q, int port_socket)
{
	unsigned int lcore;
	uint16_t i = 0;

	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (i++ == q)
			return (int)rte_lcore_to_socket_id(lcore);
	}
	return port_socket;
}

static void
dev_free_steer(struct tern_dev *dev)
{
	struct rte_mbuf *m;
	uint16_t q;

	if (dev->sw_rx != NULL) {
		for (q = 0; q < dev->nb_queues; q++) {
			while (dev->sw_rx[q] != NULL && rte_ring_dequeue(dev->sw_rx[q],
								   (void **)&m) == 0)
				rte_pktmbuf_free(m);
			rte_ring_free(dev->sw_rx[q]);
		}
		rte_free(dev->sw_rx);
		dev->sw_rx = NULL;
	}
	if (dev->sw_tx != NULL) {
		while (rte_ring_dequeue(dev->sw_tx, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(dev->sw_tx);
		dev->sw_tx = NULL;
	}
	rte_free(dev->disp);
	dev->disp = NULL;
}

/* The symmetric key of tern_dev_param.rss_symmetric, @len bytes. */
static void
rss_symmetric_key(uint8_t *key, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		key[i] = i % 2 == 0 ? 0x6d : 0x5a;
}

/*
 * The key the device hashes with: read from it; else ours, set on it;
 * else ours, assumed (the PMD neither tells nor takes one: net_tap). With
 * @symmetric, the symmetric key set on it, or assumed if it does not take it.
 */
static void
rss_key_setup(struct tern_dev *dev, const struct rte_eth_dev_info *di, uint64_t rss_hf,
	      uint8_t *key, unsigned int *key_len, bool symmetric)
{
	struct rte_eth_rss_conf rc;
	unsigned int i;
	bool zero = true;

	memset(&rc, 0, sizeof(rc));
	rc.rss_key = key;
	rc.rss_key_len = di->hash_key_size > TERN_RSS_KEY_MIN ? di->hash_key_size :
		TERN_RSS_KEY_MIN;
	if (rc.rss_key_len > TERN_RSS_KEY_MAX)
		rc.rss_key_len = TERN_RSS_KEY_MAX;
	if (!symmetric && rte_eth_dev_rss_hash_conf_get(dev->port_id, &rc) == 0 &&
	    rc.rss_key_len >= TERN_RSS_KEY_MIN && rc.rss_key_len <= TERN_RSS_KEY_MAX &&
	    rc.rss_key_len % 4 == 0) {
		for (i = 0; i < rc.rss_key_len; i++)
			zero &= key[i] == 0;
		if (!zero) {
			*key_len = rc.rss_key_len;
			dev->rss_key_src = "device";
			return;
		}
	}
	/* ours: the default key, or the symmetric one at the device's key size */
	if (symmetric) {
		*key_len = di->hash_key_size >= TERN_RSS_KEY_MIN &&
			di->hash_key_size <= TERN_RSS_KEY_MAX && di->hash_key_size % 4 == 0 ?
			di->hash_key_size : TERN_RSS_KEY_MIN;
		rss_symmetric_key(key, *key_len);
	} else {
		memcpy(key, tern_rss_default_key, sizeof(tern_rss_default_key));
		*key_len = sizeof(tern_rss_default_key);
	}
	memset(&rc, 0, sizeof(rc));
	rc.rss_key = key;
	rc.rss_key_len = (uint8_t)*key_len;
	rc.rss_hf = rss_hf;
	if (di->hash_key_size == *key_len && rte_eth_dev_rss_hash_update(dev->port_id, &rc) == 0)
		dev->rss_key_src = symmetric ? "symmetric, set" : "set";
	else
		dev->rss_key_src = "assumed";
}

/* The device's redirection table: read; else round robin, set on it or assumed. */
static void
rss_reta_setup(struct tern_dev *dev, const struct rte_eth_dev_info *di, uint16_t *reta,
	       unsigned int *reta_size)
{
	struct rte_eth_rss_reta_entry64 rc[TERN_RSS_RETA_MAX / RTE_ETH_RETA_GROUP_SIZE];
	unsigned int i, n = di->reta_size, g;
	bool ok = true;

	if (n == 0 || n > TERN_RSS_RETA_MAX || n % RTE_ETH_RETA_GROUP_SIZE != 0) {
		*reta_size = TERN_RSS_RETA_DEF;
		for (i = 0; i < *reta_size; i++)
			reta[i] = (uint16_t)(i % dev->nb_queues);
		dev->rss_reta_src = "assumed";
		return;
	}
	*reta_size = n;
	memset(rc, 0, sizeof(rc));
	for (g = 0; g < n / RTE_ETH_RETA_GROUP_SIZE; g++)
		rc[g].mask = UINT64_MAX;
	if (rte_eth_dev_rss_reta_query(dev->port_id, rc, (uint16_t)n) == 0) {
		for (i = 0; i < n; i++) {
			reta[i] = rc[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE];
			ok &= reta[i] < dev->nb_queues;
		}
		if (ok) {
			dev->rss_reta_src = "device";
			return;
		}
	}
	for (i = 0; i < n; i++) {
		reta[i] = (uint16_t)(i % dev->nb_queues);
		rc[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE] = reta[i];
	}
	dev->rss_reta_src = rte_eth_dev_rss_reta_update(dev->port_id, rc, (uint16_t)n) == 0 ?
		"set" : "assumed";
}

/*
 * Steering state once the device runs: the RSS model, the dispatcher's
 * rings. A device whose hash tern can neither read nor set goes to the
 * dispatcher (unless @rss_assume): on net_tap the kernel picks the queue of
 * a SYN-ACK by its own hash, so an active open's reply often misses.
 */
static int
steer_setup(struct tern_dev *dev, const struct rte_eth_dev_info *di, uint64_t rss_hf,
	    bool rss_assume, bool symmetric)
{
	uint8_t key[TERN_RSS_KEY_MAX];
	uint16_t reta[TERN_RSS_RETA_MAX];
	unsigned int key_len, reta_size, i;
	char name[RTE_RING_NAMESIZE];
	uint16_t q;
	int ret;

	dev->disp = rte_zmalloc("tern_disp", sizeof(*dev->disp) * dev->nb_queues,
				RTE_CACHE_LINE_SIZE);
	if (dev->disp == NULL)
		return -ENOMEM;
	if (dev->steer == TERN_STEER_NONE)
		return 0;
	if (dev->steer == TERN_STEER_RSS) {
		rss_key_setup(dev, di, rss_hf, key, &key_len, symmetric);
		rss_reta_setup(dev, di, reta, &reta_size);
		/* a symmetric key that is not the device's would mislead the model */
		if ((!rss_assume || symmetric) && (strcmp(dev->rss_key_src, "assumed") == 0 ||
				    strcmp(dev->rss_reta_src, "assumed") == 0)) {
			TERN_LOG(NOTICE, core, "%s: RSS key %s, RETA %s: flows are steered by "
				 "tern's software dispatcher instead", dev->name,
				 dev->rss_key_src, dev->rss_reta_src);
			dev->steer = TERN_STEER_SW;
		}
	}
	if (dev->steer == TERN_STEER_RSS) {
		ret = rss_init(&dev->rss, key, key_len, reta, reta_size, dev->nb_queues);
	} else if (symmetric) {
		dev->rss_key_src = "tern, symmetric";
		dev->rss_reta_src = "tern";
		rss_symmetric_key(key, TERN_RSS_KEY_MIN);
		ret = rss_init(&dev->rss, key, TERN_RSS_KEY_MIN, NULL, TERN_RSS_RETA_DEF,
			       dev->nb_queues);
	} else {
		dev->rss_key_src = "tern";
		dev->rss_reta_src = "tern";
		ret = rss_init(&dev->rss, NULL, 0, NULL, TERN_RSS_RETA_DEF, dev->nb_queues);
	}
	if (ret != 0)
		return ret;
	for (q = 0; q < dev->nb_queues; q++) {
		for (i = 0; i < dev->rss.reta_size && dev->rss.reta[i] != q; i++)
			;
		if (i == dev->rss.reta_size)
			TERN_LOG(WARNING, core, "%s: no RETA entry points to queue %u: its "
				 "context can open no connection with an ephemeral port",
				 dev->name, q);
	}
	if (dev->steer != TERN_STEER_SW)
		return 0;
	dev->sw_rx = rte_zmalloc("tern_sw_rx", sizeof(*dev->sw_rx) * dev->nb_queues, 0);
	if (dev->sw_rx == NULL)
		return -ENOMEM;
	for (q = 0; q < dev->nb_queues; q++) {
		snprintf(name, sizeof(name), "tern_p%u_d%u", dev->port_id, q);
		dev->sw_rx[q] = rte_ring_create(name, TERN_SW_RING_SIZE, dev->socket_id,
						RING_F_SC_DEQ);
		if (dev->sw_rx[q] == NULL)
			return -rte_errno;
	}
	if (dev->hw_queues < dev->nb_queues) {
		snprintf(name, sizeof(name), "tern_p%u_tx", dev->port_id);
		dev->sw_tx = rte_ring_create(name, TERN_SW_RING_SIZE, dev->socket_id,
					     RING_F_SC_DEQ);
		if (dev->sw_tx == NULL)
			return -rte_errno;
	}
	return 0;
}

struct tern_dev *
tern_dev_create(uint16_t port_id, const struct tern_dev_param *param)
{
	struct tern_dev_param p = { 0 };
	struct rte_eth_dev_info di;
	struct rte_eth_conf conf;
	struct tern_dev *dev;
	uint64_t rx_off, tx_off;
	char capbuf[256];
	uint16_t q, mtu;
	int ret, s;

	if (param != NULL)
		p = *param;
	if (!rte_eth_dev_is_valid_port(port_id)) {
		TERN_LOG(ERR, core, "port %u: no such port", port_id);
		rte_errno = EINVAL;
		return NULL;
	}
	if (p.nb_queues == 0)
		p.nb_queues = 1;
	if (p.nb_rxd == 0)
		p.nb_rxd = DEV_DEF_DESC;
	if (p.nb_txd == 0)
		p.nb_txd = DEV_DEF_DESC;
	if (p.nb_mbufs == 0)
		p.nb_mbufs = DEV_DEF_MBUFS;

	ret = rte_eth_dev_info_get(port_id, &di);
	if (ret != 0) {
		rte_errno = -ret;
		return NULL;
	}
	if (di.max_rx_queues == 0 || di.max_tx_queues == 0) {
		TERN_LOG(ERR, core, "port %u (%s): no rx or no tx queue", port_id, di.driver_name);
		rte_errno = EINVAL;
		return NULL;
	}

	dev = rte_zmalloc("tern_dev", sizeof(*dev), RTE_CACHE_LINE_SIZE);
	if (dev == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	dev->port_id = port_id;
	dev->nb_queues = p.nb_queues;
	if (rte_eth_dev_get_name_by_port(port_id, dev->name) != 0)
		snprintf(dev->name, sizeof(dev->name), "port%u", port_id);
	dev->socket_id = rte_eth_dev_socket_id(port_id);
	if (dev->socket_id < 0)
		dev->socket_id = (int)rte_socket_id();

	dev->caps_avail = caps_from_dev_info(&di);
	dev->caps = p.no_offload ? 0 :
		dev->caps_avail & (p.allow_caps != 0 ? p.allow_caps : UINT32_MAX);
	/* RSS is used only with several queues; LRO only when asked for. */
	if (p.nb_queues < 2)
		dev->caps &= ~TERN_CAP_RX_RSS;
	if (p.allow_caps == 0)
		dev->caps &= ~(TERN_CAP_RX_LRO | TERN_CAP_TX_TSO | TERN_CAP_TX_UFO);
	/* Not used by tern: tags are handled in software. */
	dev->caps &= ~TERN_CAP_RX_VLAN_STRIP;
	/*
	 * Several contexts: the device's RSS steers flows if it can, with a
	 * queue per context; else tern's dispatcher does, over the queues the
	 * device has (down to one).
	 */
	dev->hw_queues = p.nb_queues;
	if (p.nb_queues > 1 && (p.sw_dispatch || !(dev->caps & TERN_CAP_RX_RSS) ||
				p.nb_queues > di.max_rx_queues ||
				p.nb_queues > di.max_tx_queues)) {
		dev->steer = TERN_STEER_SW;
		dev->caps &= ~TERN_CAP_RX_RSS;
		dev->hw_queues = RTE_MIN(p.nb_queues, di.max_rx_queues);
		dev->hw_queues = RTE_MIN(dev->hw_queues, di.max_tx_queues);
	} else if (p.nb_queues > 1) {
		dev->steer = TERN_STEER_RSS;
	}

	memset(&conf, 0, sizeof(conf));
	offloads_from_caps(dev->caps, &rx_off, &tx_off);
	conf.rxmode.offloads = rx_off & di.rx_offload_capa;
	conf.txmode.offloads = tx_off & di.tx_offload_capa;
	if (dev->caps & TERN_CAP_RX_RSS) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP |
						    RTE_ETH_RSS_UDP) & di.flow_type_rss_offloads;
	}

	ret = rte_eth_dev_configure(port_id, dev->hw_queues, dev->hw_queues, &conf);
	if (ret != 0) {
		TERN_LOG(ERR, core, "%s: configure: %s", dev->name, rte_strerror(-ret));
		goto fail;
	}
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &p.nb_rxd, &p.nb_txd);
	if (ret != 0)
		goto fail;
	if (p.mtu != 0) {
		ret = rte_eth_dev_set_mtu(port_id, p.mtu);
		if (ret != 0) {
			TERN_LOG(ERR, core, "%s: MTU %u: %s", dev->name, p.mtu,
				 rte_strerror(-ret));
			goto fail;
		}
	}
	if (rte_eth_dev_get_mtu(port_id, &mtu) != 0 || mtu == 0)
		mtu = RTE_ETHER_MTU;
	dev->mtu = mtu;
	if (strcmp(di.driver_name, "net_tap") == 0) {
		dev->tso_frame_max = mtu;	/* see tern_core.h */
		dev->tso_ipv4_only = true;
	}

	for (q = 0; q < dev->hw_queues; q++) {
		struct rte_eth_rxconf rxc = di.default_rxconf;
		struct rte_eth_txconf txc = di.default_txconf;

		s = queue_socket(q, dev->socket_id);
		if (s < 0 || s >= RTE_MAX_NUMA_NODES)
			s = 0;
		if (dev->pools[s] == NULL) {
			dev->pools[s] = dev_pool_create(dev, s, p.nb_mbufs);
			if (dev->pools[s] == NULL) {
				ret = -rte_errno;
				goto fail;
			}
			dev->own_pool[s] = true;
		}
		rxc.offloads = conf.rxmode.offloads;
		txc.offloads = conf.txmode.offloads;
		ret = rte_eth_rx_queue_setup(port_id, q, p.nb_rxd, s, &rxc, dev->pools[s]);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup(port_id, q, p.nb_txd, s, &txc);
		if (ret != 0) {
			TERN_LOG(ERR, core, "%s: queue %u: %s", dev->name, q, rte_strerror(-ret));
			goto fail;
		}
	}

	ret = rte_eth_macaddr_get(port_id, &dev->mac);
	if (ret != 0)
		goto fail;
	ret = rte_eth_dev_start(port_id);
	if (ret != 0) {
		TERN_LOG(ERR, core, "%s: start: %s", dev->name, rte_strerror(-ret));
		goto fail;
	}
	dev->started = true;
	/*
	 * Multicast must reach us (IPv6 neighbor discovery uses solicited-node
	 * groups); not every PMD filters per group, so ask for all of it, or
	 * promiscuous mode. Frames not for us are dropped and counted.
	 */
	if (!p.no_promisc)
		rte_eth_promiscuous_enable(port_id);
	rte_eth_allmulticast_enable(port_id);
	ret = steer_setup(dev, &di, conf.rx_adv_conf.rss_conf.rss_hf, p.rss_assume,
			  p.rss_symmetric);
	if (ret != 0)
		goto fail;

	TERN_LOG(INFO, core, "%s: port %u, %u queue(s), mtu %u, socket %d, numa nodes %d",
		 dev->name, port_id, dev->nb_queues, dev->mtu, dev->socket_id,
		 numa_available() < 0 ? 1 : numa_num_configured_nodes());
	TERN_LOG(INFO, core, "%s: offloads available: %s", dev->name,
		 tern_dev_caps_str(dev->caps_avail, capbuf, sizeof(capbuf)));
	TERN_LOG(INFO, core, "%s: offloads enabled: %s", dev->name,
		 tern_dev_caps_str(dev->caps, capbuf, sizeof(capbuf)));
	TERN_LOG(INFO, core, "%s: steering: %s", dev->name,
		 tern_dev_steering_str(dev, capbuf, sizeof(capbuf)));
	return dev;

fail:
	if (dev->started) {
		rte_eth_dev_stop(port_id);
		dev->started = false;
	}
	dev_free_steer(dev);
	dev_free_pools(dev);
	rte_free(dev);
	rte_errno = ret < 0 ? -ret : EINVAL;
	return NULL;
}

struct tern_dev *
tern_dev_create_virtual(const struct tern_vdev_param *param)
{
	struct tern_dev *dev;
	int s;

	if (param == NULL || param->tx == NULL || param->mp == NULL) {
		rte_errno = EINVAL;
		return NULL;
	}
	dev = rte_zmalloc("tern_vdev", sizeof(*dev), RTE_CACHE_LINE_SIZE);
	if (dev == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	snprintf(dev->name, sizeof(dev->name), "%s", param->name ? param->name : "vdev");
	dev->port_id = UINT16_MAX;
	dev->nb_queues = 1;
	dev->mtu = param->mtu ? param->mtu : RTE_ETHER_MTU;
	dev->mac = param->mac;
	dev->caps_avail = param->caps;
	dev->caps = param->caps;
	s = param->mp->socket_id;
	dev->socket_id = s < 0 || s >= RTE_MAX_NUMA_NODES ? 0 : s;
	dev->pools[dev->socket_id] = param->mp;
	dev->vtx = param->tx;
	dev->vtx_arg = param->tx_arg;
	dev->hw_queues = 1;
	return dev;
}

void
tern_dev_destroy(struct tern_dev *dev)
{
	if (dev == NULL)
		return;
	if (dev->started) {
		rte_eth_dev_stop(dev->port_id);
		rte_eth_dev_close(dev->port_id);
	}
	dev_free_steer(dev);
	dev_free_pools(dev);
	rte_free(dev);
}

uint16_t
tern_dev_port_id(const struct tern_dev *dev)
{
	return dev->port_id;
}

const struct rte_ether_addr *
tern_dev_mac(const struct tern_dev *dev)
{
	return &dev->mac;
}

uint16_t
tern_dev_mtu(const struct tern_dev *dev)
{
	return dev->mtu;
}

uint32_t
tern_dev_caps_avail(const struct tern_dev *dev)
{
	return dev->caps_avail;
}

uint32_t
tern_dev_caps(const struct tern_dev *dev)
{
	return dev->caps;
}

uint16_t
tern_dev_nb_queues(const struct tern_dev *dev)
{
	return dev->nb_queues;
}

enum tern_dev_steer
tern_dev_steering(const struct tern_dev *dev)
{
	return (enum tern_dev_steer)dev->steer;
}

char *
tern_dev_steering_str(const struct tern_dev *dev, char *buf, size_t len)
{
	switch (dev->steer) {
	case TERN_STEER_RSS:
		snprintf(buf, len, "rss: %u queues, key %s, reta %s (%u entries)",
			 dev->nb_queues, dev->rss_key_src, dev->rss_reta_src, dev->rss.reta_size);
		break;
	case TERN_STEER_SW:
		snprintf(buf, len, "software dispatcher: %u contexts over %u device queue(s)%s%s",
			 dev->nb_queues, dev->hw_queues, dev->sw_tx != NULL ? ", tx ring" : "",
			 strstr(dev->rss_key_src, "symmetric") != NULL ? ", symmetric hash" : "");
		break;
	default:
		snprintf(buf, len, "none: one queue");
		break;
	}
	return buf;
}

int
tern_dev_dispatch_stats(const struct tern_dev *dev, uint16_t queue,
			struct tern_dev_dispatch_stats *st)
{
	if (queue >= dev->nb_queues)
		return -EINVAL;
	if (dev->disp == NULL)
		memset(st, 0, sizeof(*st));
	else
		memcpy(st, &dev->disp[queue], sizeof(*st));
	return 0;
}

int
tern_dev_port_stats(const struct tern_dev *dev, struct tern_dev_port_stats *st)
{
	struct rte_eth_stats es;
	int ret;

	memset(st, 0, sizeof(*st));
	ret = rte_eth_stats_get(dev->port_id, &es);
	if (ret != 0)
		return ret < 0 ? ret : -EIO;
	st->ipackets = es.ipackets;
	st->opackets = es.opackets;
	st->imissed = es.imissed;
	st->ierrors = es.ierrors;
	st->oerrors = es.oerrors;
	st->rx_nombuf = es.rx_nombuf;
	return 0;
}

struct rte_mempool *
tern_dev_pool(const struct tern_dev *dev, int socket_id)
{
	unsigned int i;

	if (socket_id >= 0 && socket_id < RTE_MAX_NUMA_NODES && dev->pools[socket_id] != NULL)
		return dev->pools[socket_id];
	for (i = 0; i < RTE_MAX_NUMA_NODES; i++)
		if (dev->pools[i] != NULL)
			return dev->pools[i];
	return NULL;
}
