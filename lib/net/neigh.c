/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <string.h>

#include <rte_hash_crc.h>
#include <rte_pause.h>

#include "tern_net_priv.h"

/*
 * The neighbor table (ARP and ND) shared by every context of a tern_net.
 *
 * Open addressing with linear probing over a power-of-two array. An entry's
 * key is written once and never changes; entries are not removed, they
 * age, and a dead one's slot is given to the next new key of its chain. A
 * slot's `reach` bounds the search for the keys whose hash lands there
 * (home): one more than the distance of the farthest such key ever
 * inserted. Once every slot has been used, an absent key costs a search of
 * its home's reach, not of the whole probe distance. Entries age: a
 * confirmed entry is REACHABLE for neigh_reachable_ns, then STALE
 * (still used, and refreshed by a new request on use) for neigh_stale_ns,
 * then as good as absent. Readers take no lock; writers, which are rare
 * (ARP/ND input, the start of a resolution), take net->neigh_lock.
 *
 * Packets to a neighbor that is not resolved wait in the sending context
 * (struct tern_held) and are re-examined every TERN_NEIGH_HOLD_CHECK_NS, or
 * at once when an answer reaches that context.
 */

#define NEIGH_MAX_PROBE_DIST	64

static inline size_t
alen(uint8_t family)
{
	return family == 4 ? 4 : 16;
}

static inline uint32_t
neigh_hash(uint16_t ifindex, uint8_t family, const void *addr)
{
	uint32_t h = ((uint32_t)ifindex << 8) | family, a4;
	uint64_t a6[2];

	if (family == 4) {
		memcpy(&a4, addr, 4);
		return rte_hash_crc_4byte(a4, h);
	}
	memcpy(a6, addr, 16);
	return rte_hash_crc_8byte(a6[1], rte_hash_crc_8byte(a6[0], h));
}

static inline bool
neigh_match(const struct tern_neigh *e, uint16_t ifindex, uint8_t family, const void *addr)
{
	uint64_t a[2], b[2];
	uint32_t x, y;

	if (e->ifindex != ifindex || e->family != family)
		return false;
	if (family == 4) {
		memcpy(&x, e->addr, 4);
		memcpy(&y, addr, 4);
		return x == y;
	}
	memcpy(a, e->addr, 16);
	memcpy(b, addr, 16);
	return ((a[0] ^ b[0]) | (a[1] ^ b[1])) == 0;
}

/* Writers only (neigh_lock held: no key changes under us). */
static struct tern_neigh *
neigh_find(const struct tern_net *net, uint16_t ifindex, uint8_t family, const void *addr)
{
	uint32_t h = neigh_hash(ifindex, family, addr) & net->neigh_mask, i;
	uint32_t n = net->neigh[h].reach;

	for (i = 0; i < n; i++) {
		struct tern_neigh *e = &net->neigh[(h + i) & net->neigh_mask];

		if (neigh_match(e, ifindex, family, addr))
			return e;
	}
	return NULL;
}

static __rte_always_inline enum tern_neigh_state
neigh_state(const struct tern_net *net, const struct tern_neigh *e, uint64_t now,
	    struct rte_ether_addr *mac, uint64_t *until);

/*
 * Readers: the state of @e if it holds the key, else -1; consistent against
 * a writer giving the slot to another key meanwhile.
 */
static __rte_always_inline int
neigh_read(const struct tern_net *net, const struct tern_neigh *e, uint16_t ifindex,
	   uint8_t family, const void *addr, uint64_t now, struct rte_ether_addr *mac,
	   uint64_t *until)
{
	uint32_t s;
	int st;

	for (;;) {
		s = __atomic_load_n(&e->seq, __ATOMIC_ACQUIRE);
		if (unlikely(s & 1)) {
			rte_pause();
			continue;
		}
		st = neigh_match(e, ifindex, family, addr) ? (int)neigh_state(net, e, now, mac, until) :
			-1;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (likely(__atomic_load_n(&e->seq, __ATOMIC_RELAXED) == s))
			return st;
	}
}

/* Readers: look @addr up; @ep (may be NULL) gets the entry found. */
static enum tern_neigh_state
neigh_lookup(const struct tern_net *net, uint16_t ifindex, uint8_t family, const void *addr,
	     uint64_t now, struct rte_ether_addr *mac, uint64_t *until, struct tern_neigh **ep)
{
	uint32_t h = neigh_hash(ifindex, family, addr) & net->neigh_mask, i;
	uint32_t n = __atomic_load_n(&net->neigh[h].reach, __ATOMIC_ACQUIRE);

	for (i = 0; i < n; i++) {
		struct tern_neigh *e = &net->neigh[(h + i) & net->neigh_mask];
		int st;

		if (__atomic_load_n(&e->used, __ATOMIC_ACQUIRE) == 0)
			break;
		st = neigh_read(net, e, ifindex, family, addr, now, mac, until);
		if (st >= 0) {
			if (ep != NULL)
				*ep = e;
			return (enum tern_neigh_state)st;
		}
	}
	return TERN_NEIGH_NONE;
}

static void
neigh_set_key(struct tern_neigh *e, uint16_t ifindex, uint8_t family, const void *addr)
{
	e->ifindex = ifindex;
	e->family = family;
	memset(e->addr, 0, sizeof(e->addr));
	memcpy(e->addr, addr, alen(family));
	e->confirmed_ns = 0;
	e->probe_ns = 0;
	e->probes = 0;
}

/*
 * Find or insert; the caller holds neigh_lock. A new key takes the first
 * slot from its home on whose entry aged out or failed, or was never used:
 * the table does not fill up with the dead. Its home's reach covers it
 * before the key is published, so that a reader that finds the key also
 * searched far enough, and one that did not search as far did not see it.
 */
static struct tern_neigh *
neigh_insert(struct tern_net *net, uint16_t ifindex, uint8_t family, const void *addr,
	     uint64_t now)
{
	uint32_t h = neigh_hash(ifindex, family, addr) & net->neigh_mask, i;
	uint32_t n = net->neigh[h].reach;
	struct tern_neigh *e;

	for (i = 0; i < n; i++) {
		e = &net->neigh[(h + i) & net->neigh_mask];
		if (neigh_match(e, ifindex, family, addr))
			return e;
	}
	for (i = 0; i < NEIGH_MAX_PROBE_DIST && i <= net->neigh_mask; i++) {
		enum tern_neigh_state st;

		e = &net->neigh[(h + i) & net->neigh_mask];
		if (e->used == 0)
			break;
		st = neigh_state(net, e, now, NULL, NULL);
		if (st == TERN_NEIGH_NONE || st == TERN_NEIGH_FAILED)
			break;
	}
	if (i == NEIGH_MAX_PROBE_DIST || i > net->neigh_mask)
		return NULL;	/* chain full of live entries */
	if (i + 1 > n)
		__atomic_store_n(&net->neigh[h].reach, (uint8_t)(i + 1), __ATOMIC_RELEASE);
	if (e->used != 0) {
		__atomic_store_n(&e->seq, e->seq + 1, __ATOMIC_RELAXED);	/* odd */
		__atomic_thread_fence(__ATOMIC_RELEASE);
		__atomic_store_n(&e->lla, 0, __ATOMIC_RELAXED);
		neigh_set_key(e, ifindex, family, addr);
		__atomic_store_n(&e->seq, e->seq + 1, __ATOMIC_RELEASE);	/* even */
		return e;
	}
	neigh_set_key(e, ifindex, family, addr);
	e->lla = 0;
	__atomic_store_n(&e->used, 1, __ATOMIC_RELEASE);
	return e;
}

static inline uint64_t
lla_pack(const struct rte_ether_addr *mac, enum tern_neigh_state st)
{
	uint64_t w = 0;

	if (mac != NULL)
		memcpy(&w, mac->addr_bytes, RTE_ETHER_ADDR_LEN);
	return w | ((uint64_t)st << 48);
}

/*
 * Effective state of @e at @now (entries age without a writer); @until (may
 * be NULL): when a REACHABLE entry turns STALE (UINT64_MAX: PERMANENT).
 */
static __rte_always_inline enum tern_neigh_state
neigh_state(const struct tern_net *net, const struct tern_neigh *e, uint64_t now,
	    struct rte_ether_addr *mac, uint64_t *until)
{
	uint64_t w = __atomic_load_n(&e->lla, __ATOMIC_ACQUIRE);
	enum tern_neigh_state st = (enum tern_neigh_state)((w >> 48) & 0xff);
	uint64_t conf;

	if (st == TERN_NEIGH_REACHABLE) {
		conf = __atomic_load_n(&e->confirmed_ns, __ATOMIC_RELAXED);
		if (now > conf + net->p.neigh_reachable_ns + net->p.neigh_stale_ns)
			return TERN_NEIGH_NONE;
		if (now > conf + net->p.neigh_reachable_ns)
			st = TERN_NEIGH_STALE;
		else if (until != NULL)
			*until = conf + net->p.neigh_reachable_ns;
	} else if (st == TERN_NEIGH_STALE) {
		/* made stale (neigh_update()) at confirmed_ns */
		conf = __atomic_load_n(&e->confirmed_ns, __ATOMIC_RELAXED);
		if (now > conf + net->p.neigh_stale_ns)
			return TERN_NEIGH_NONE;
	} else if (st == TERN_NEIGH_PERMANENT && until != NULL) {
		*until = UINT64_MAX;
	}
	if ((st == TERN_NEIGH_REACHABLE || st == TERN_NEIGH_STALE || st == TERN_NEIGH_PERMANENT) &&
	    mac != NULL)
		memcpy(mac->addr_bytes, &w, RTE_ETHER_ADDR_LEN);
	return st;
}

uint32_t
neigh_home(const struct tern_net *net, uint16_t ifindex, uint8_t family, const void *addr)
{
	return neigh_hash(ifindex, family, addr) & net->neigh_mask;
}

enum tern_neigh_state
neigh_get(const struct tern_net *net, uint16_t ifindex, uint8_t family, const void *addr,
	       uint64_t now_ns, struct rte_ether_addr *mac)
{
	return neigh_lookup(net, ifindex, family, addr, now_ns, mac, NULL, NULL);
}

int
neigh_update(struct tern_net *net, uint16_t ifindex, uint8_t family, const void *addr,
		  const struct rte_ether_addr *mac, enum tern_neigh_state st, uint64_t now_ns,
		  bool create)
{
	struct tern_neigh *e;
	enum tern_neigh_state cur;

	rte_spinlock_lock(&net->neigh_lock);
	e = create ? neigh_insert(net, ifindex, family, addr, now_ns) :
		neigh_find(net, ifindex, family, addr);
	if (e == NULL) {
		rte_spinlock_unlock(&net->neigh_lock);
		return create ? -ENOSPC : -ENOENT;
	}
	cur = (enum tern_neigh_state)((e->lla >> 48) & 0xff);
	if (cur == TERN_NEIGH_PERMANENT && st != TERN_NEIGH_PERMANENT) {
		rte_spinlock_unlock(&net->neigh_lock);
		return 0;
	}
	if (st == TERN_NEIGH_REACHABLE || st == TERN_NEIGH_PERMANENT) {
		__atomic_store_n(&e->confirmed_ns, now_ns, __ATOMIC_RELAXED);
		e->probes = 0;
	} else if (st == TERN_NEIGH_STALE) {
		/*
		 * Stale from now on, for neigh_stale_ns: kept as its own state (a
		 * new link word, so neigh_gen moves and templates built while it
		 * was reachable go), not as a reachable entry dated back, which
		 * stayed reachable in the first neigh_reachable_ns of the clock.
		 */
		__atomic_store_n(&e->confirmed_ns, now_ns, __ATOMIC_RELAXED);
	}
	if (st == TERN_NEIGH_INCOMPLETE || st == TERN_NEIGH_FAILED) {
		enum tern_neigh_state now_st = neigh_state(net, e, now_ns, NULL, NULL);

		/*
		 * Decided on a lock-free read: another context may have resolved
		 * it since. A usable entry stays; only a resolution in progress
		 * can fail.
		 */
		if (now_st == TERN_NEIGH_REACHABLE || now_st == TERN_NEIGH_STALE ||
		    (st == TERN_NEIGH_FAILED && now_st != TERN_NEIGH_INCOMPLETE)) {
			rte_spinlock_unlock(&net->neigh_lock);
			return 0;
		}
		mac = NULL;
	}
	if (e->lla != lla_pack(mac, st)) {
		__atomic_store_n(&e->lla, lla_pack(mac, st), __ATOMIC_RELEASE);
		/* a link address or a state changed: headers built with the old go */
		__atomic_fetch_add(&net->neigh_gen, 1, __ATOMIC_RELEASE);
	}
	rte_spinlock_unlock(&net->neigh_lock);
	return 0;
}

/*
 * Send a request for @addr unless one went out less than neigh_retrans_ns
 * ago (from any context). @return true if a request was sent.
 */
static bool
neigh_probe(struct tern_ctx *ctx, uint16_t ifindex, uint8_t family, const void *addr)
{
	struct tern_net *net = ctx->net;
	struct tern_neigh *e;
	uint64_t now = ctx->now_ns;
	bool send = false;

	rte_spinlock_lock(&net->neigh_lock);
	e = neigh_insert(net, ifindex, family, addr, now);
	if (e != NULL && (e->probe_ns == 0 || now >= e->probe_ns + net->p.neigh_retrans_ns)) {
		e->probe_ns = now ? now : 1;
		e->probes++;
		send = true;
	}
	rte_spinlock_unlock(&net->neigh_lock);
	if (!send)
		return false;
	if (family == 4) {
		tern_ip4_t ip;

		memcpy(&ip, addr, 4);
		arp_request(ctx, ifindex, ip);
	} else {
		nd_solicit(ctx, ifindex, addr);
	}
	return true;
}

static void
hold_timer_arm(struct tern_ctx *ctx)
{
	struct tern_net_ctx *nc = netc(ctx);

	if (!timer_pending(&nc->hold_timer))
		ctx_timer_arm(ctx, &nc->hold_timer, ctx->now_ns + TERN_NEIGH_HOLD_CHECK_NS);
}

/*
 * The state of next hop @addr of @ifindex, its address in @mac: the
 * context's last neighbor first (consecutive packets mostly go to one),
 * else the hash. Inlined: every packet sent passes here, and each caller
 * gets a copy with its constant @until folded in.
 */
static __rte_always_inline enum tern_neigh_state
neigh_lookup_mac(struct tern_ctx *ctx, uint16_t ifindex, uint8_t family, const void *addr,
		 struct rte_ether_addr *mac, uint64_t *until)
{
	struct tern_net_ctx *nc = netc(ctx);
	struct tern_neigh *e = NULL;
	enum tern_neigh_state st;
	int rc;

	rc = nc->last_neigh == NULL ? -1 :
		neigh_read(ctx->net, nc->last_neigh, ifindex, family, addr, ctx->now_ns, mac,
			   until);
	if (likely(rc >= 0))
		return (enum tern_neigh_state)rc;
	st = neigh_lookup(ctx->net, ifindex, family, addr, ctx->now_ns, mac, until, &e);
	if (e != NULL)
		nc->last_neigh = e;
	return st;
}

int
neigh_resolved(struct tern_ctx *ctx, uint16_t ifindex, uint8_t family, const void *addr,
	       struct rte_ether_addr *mac, uint64_t *until)
{
	enum tern_neigh_state st = neigh_lookup_mac(ctx, ifindex, family, addr, mac, until);

	return st == TERN_NEIGH_REACHABLE || st == TERN_NEIGH_PERMANENT ? 0 : -EAGAIN;
}

void
neigh_output(struct tern_ctx *ctx, uint16_t ifindex, uint8_t family, const void *addr,
		  struct rte_mbuf *m, uint16_t ether_type)
{
	struct tern_net_ctx *nc = netc(ctx);
	struct tern_net *net = ctx->net;
	struct rte_ether_addr mac;
	enum tern_neigh_state st;
	struct tern_held *h;
	unsigned int i, same = 0;

	st = neigh_lookup_mac(ctx, ifindex, family, addr, &mac, NULL);
	switch (st) {
	case TERN_NEIGH_REACHABLE:
	case TERN_NEIGH_PERMANENT:
		eth_output(ctx, ifindex, m, &mac, ether_type);
		return;
	case TERN_NEIGH_STALE:
		eth_output(ctx, ifindex, m, &mac, ether_type);
		neigh_probe(ctx, ifindex, family, addr);
		return;
	default:
		break;
	}

	/* Unresolved: hold the packet and ask. */
	for (i = 0; i < nc->nb_held; i++) {
		h = &nc->held[i];
		if (h->ifindex == ifindex && h->family == family &&
		    memcmp(h->addr, addr, alen(family)) == 0)
			same++;
	}
	if (same >= TERN_NEIGH_HOLD || nc->nb_held == TERN_NEIGH_HOLD_MAX) {
		TERN_STAT_INC(ctx, drop_neigh_hold_full);
		rte_pktmbuf_free(m);
		return;
	}
	if (st != TERN_NEIGH_INCOMPLETE) {
		if (neigh_update(net, ifindex, family, addr, NULL, TERN_NEIGH_INCOMPLETE,
				      ctx->now_ns, true) != 0) {
			TERN_STAT_INC(ctx, drop_neigh_table_full);
			rte_pktmbuf_free(m);
			return;
		}
	}
	h = &nc->held[nc->nb_held++];
	h->m = m;
	h->ifindex = ifindex;
	h->family = family;
	h->ether_type = ether_type;
	memset(h->addr, 0, sizeof(h->addr));
	memcpy(h->addr, addr, alen(family));
	h->deadline_ns = ctx->now_ns + net->p.neigh_retrans_ns * net->p.neigh_max_probes;
	TERN_STAT_INC(ctx, neigh_held);
	neigh_probe(ctx, ifindex, family, addr);
	hold_timer_arm(ctx);
}

/* Send what resolved, drop what timed out, ask again for the rest. */
static void
neigh_hold_check(struct tern_ctx *ctx)
{
	struct tern_net_ctx *nc = netc(ctx);
	struct tern_net *net = ctx->net;
	struct rte_ether_addr mac;
	enum tern_neigh_state st;
	unsigned int i = 0;

	while (i < nc->nb_held) {
		struct tern_held *h = &nc->held[i];

		st = neigh_get(net, h->ifindex, h->family, h->addr, ctx->now_ns, &mac);
		if (st == TERN_NEIGH_REACHABLE || st == TERN_NEIGH_STALE ||
		    st == TERN_NEIGH_PERMANENT) {
			eth_output(ctx, h->ifindex, h->m, &mac, h->ether_type);
			TERN_STAT_INC(ctx, neigh_released);
		} else if (ctx->now_ns >= h->deadline_ns) {
			TERN_STAT_INC(ctx, drop_neigh_timeout);
			rte_pktmbuf_free(h->m);
			if (st == TERN_NEIGH_INCOMPLETE)
				neigh_update(net, h->ifindex, h->family, h->addr, NULL,
						  TERN_NEIGH_FAILED, ctx->now_ns, false);
		} else {
			neigh_probe(ctx, h->ifindex, h->family, h->addr);
			i++;
			continue;
		}
		/* Keep the order of what is left: packets of one flow stay in order. */
		memmove(h, h + 1, (nc->nb_held - i - 1) * sizeof(*h));
		nc->nb_held--;
	}
	if (nc->nb_held > 0)
		hold_timer_arm(ctx);
}

void
neigh_release(struct tern_ctx *ctx)
{
	if (netc(ctx)->nb_held > 0)
		neigh_hold_check(ctx);
}

void
neigh_hold_timer(struct tern_timer *t)
{
	neigh_hold_check(container_of(t, struct tern_net_ctx, hold_timer)->ctx);
}

void
neigh_ctx_fini(struct tern_ctx *ctx)
{
	struct tern_net_ctx *nc = netc(ctx);
	unsigned int i;

	for (i = 0; i < nc->nb_held; i++)
		rte_pktmbuf_free(nc->held[i].m);
	nc->nb_held = 0;
	ctx_timer_cancel(ctx, &nc->hold_timer);
}

enum tern_neigh_state
tern_net_neigh4_get(const struct tern_net *net, uint16_t ifindex, tern_ip4_t ip,
		    struct rte_ether_addr *mac)
{
	uint64_t now = clock_ns(&net->clock, rte_rdtsc());

	return neigh_get(net, ifindex, 4, &ip, now, mac);
}

enum tern_neigh_state
tern_net_neigh6_get(const struct tern_net *net, uint16_t ifindex, const struct tern_ip6 *ip,
		    struct rte_ether_addr *mac)
{
	uint64_t now = clock_ns(&net->clock, rte_rdtsc());

	return neigh_get(net, ifindex, 6, ip->a, now, mac);
}

int
tern_net_neigh4_set(struct tern_net *net, uint16_t ifindex, tern_ip4_t ip,
		    const struct rte_ether_addr *mac)
{
	if (net == NULL || mac == NULL || ifindex >= net->nb_ifaces)
		return -EINVAL;
	return neigh_update(net, ifindex, 4, &ip, mac, TERN_NEIGH_PERMANENT, 0, true);
}

int
tern_net_neigh6_set(struct tern_net *net, uint16_t ifindex, const struct tern_ip6 *ip,
		    const struct rte_ether_addr *mac)
{
	if (net == NULL || ip == NULL || mac == NULL || ifindex >= net->nb_ifaces)
		return -EINVAL;
	return neigh_update(net, ifindex, 6, ip->a, mac, TERN_NEIGH_PERMANENT, 0, true);
}

const char *
tern_neigh_state_name(enum tern_neigh_state st)
{
	switch (st) {
	case TERN_NEIGH_NONE: return "none";
	case TERN_NEIGH_INCOMPLETE: return "incomplete";
	case TERN_NEIGH_REACHABLE: return "reachable";
	case TERN_NEIGH_STALE: return "stale";
	case TERN_NEIGH_FAILED: return "failed";
	case TERN_NEIGH_PERMANENT: return "permanent";
	}
	return "?";
}
