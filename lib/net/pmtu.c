/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "tern_net_priv.h"

/*
 * The path MTU cache (RFC 1191, RFC 8201): per context, the MTU that
 * Fragmentation Needed / Packet Too Big reported for a destination, shared
 * by every connection to it. Only a lower value replaces what is kept; an
 * entry ages out NET_PMTU_TIMEOUT_NS after it was last lowered (RFC 1191
 * 6.3 suggests 10 minutes), and the connections then go back to the link's
 * MTU, to learn again if the path is still small. Never below the floors
 * of RFC 1191 (552, as Linux's min_pmtu) and RFC 8200 (1280).
 *
 * Open addressing over NET_PMTU_SLOTS slots, probing NET_PMTU_PROBE of
 * them; a full probe window gives up the entry that expires first. The
 * table is allocated at the first report: most contexts never see one.
 * Users notice a change through nc->pmtu_gen, bumped at every change and
 * when an entry ages out: net_pmtu_gen() sweeps the table when the first
 * deadline (nc->pmtu_next_ns) has passed, so a connection keeps the
 * generation it read and no deadline of its own.
 */

#define NET_PMTU_SLOTS	256		/* a power of 2 */
#define NET_PMTU_PROBE	8

struct net_pmtu_ent {
	uint64_t expire_ns;		/* 0: free */
	uint8_t family;
	uint8_t pad;
	uint16_t mtu;
	uint8_t addr[16];
};

struct net_pmtu_cache {
	struct net_pmtu_ent e[NET_PMTU_SLOTS];
};

static uint32_t
pmtu_hash(uint8_t family, const uint8_t *a)
{
	uint64_t h = family;
	unsigned int i, n = family == 6 ? 16 : 4;

	for (i = 0; i < n; i++)
		h = (h ^ a[i]) * 0x100000001b3ULL;	/* FNV-1a */
	return (uint32_t)(h ^ h >> 29);
}

static bool
pmtu_match(const struct net_pmtu_ent *e, uint8_t family, const uint8_t *a)
{
	return e->expire_ns != 0 && e->family == family &&
		memcmp(e->addr, a, family == 6 ? 16 : 4) == 0;
}

/* Whether in-use entry @e has aged out: then it is dropped, and the generation moves. */
static bool
pmtu_aged(struct tern_ctx *ctx, struct net_pmtu_ent *e)
{
	struct tern_net_ctx *nc = netc(ctx);

	if (ctx->now_ns < e->expire_ns)
		return false;
	e->expire_ns = 0;
	nc->pmtu_nb--;
	nc->pmtu_gen++;
	TERN_STAT_INC(ctx, pmtu_expired);
	return true;
}

uint16_t
net_pmtu_floor(uint8_t family)
{
	return family == 6 ? NET_PMTU_MIN6 : NET_PMTU_MIN4;
}

uint16_t
net_pmtu_get(struct tern_ctx *ctx, uint8_t family, const void *dst, uint64_t *until_ns)
{
	struct tern_net_ctx *nc = netc(ctx);
	uint32_t h, i;

	if (until_ns != NULL)
		*until_ns = UINT64_MAX;
	if (nc->pmtu == NULL || nc->pmtu_nb == 0)
		return 0;
	h = pmtu_hash(family, dst);
	for (i = 0; i < NET_PMTU_PROBE; i++) {
		struct net_pmtu_ent *e = &nc->pmtu->e[(h + i) & (NET_PMTU_SLOTS - 1)];

		if (!pmtu_match(e, family, dst))
			continue;
		if (pmtu_aged(ctx, e))
			return 0;	/* the link's MTU again (RFC 1191 6.3) */
		if (until_ns != NULL)
			*until_ns = e->expire_ns;
		return e->mtu;
	}
	return 0;
}

int
net_pmtu_update(struct tern_ctx *ctx, uint8_t family, const void *dst, uint32_t mtu)
{
	struct tern_net_ctx *nc = netc(ctx);
	struct net_pmtu_ent *e, *victim = NULL;
	uint16_t cur;
	uint32_t h, i;

	if (family != 4 && family != 6)
		return -EINVAL;
	mtu = RTE_MAX(mtu, (uint32_t)net_pmtu_floor(family));
	if (mtu > UINT16_MAX)
		return -EINVAL;
	cur = net_pmtu_get(ctx, family, dst, NULL);
	if (cur != 0 && cur <= mtu)
		return cur;	/* RFC 1191 6.3: only a decrease is taken */
	if (nc->pmtu == NULL) {
		nc->pmtu = rte_zmalloc_socket("tern_pmtu", sizeof(*nc->pmtu), 0, ctx->socket_id);
		if (nc->pmtu == NULL)
			return -ENOMEM;
	}
	h = pmtu_hash(family, dst);
	for (i = 0; i < NET_PMTU_PROBE; i++) {
		e = &nc->pmtu->e[(h + i) & (NET_PMTU_SLOTS - 1)];
		if (pmtu_match(e, family, dst) || e->expire_ns == 0 ||
		    ctx->now_ns >= e->expire_ns) {
			victim = e;
			break;
		}
		if (victim == NULL || e->expire_ns < victim->expire_ns)
			victim = e;
	}
	if (victim->expire_ns == 0)
		nc->pmtu_nb++;
	else if (!pmtu_match(victim, family, dst))
		TERN_STAT_INC(ctx, pmtu_evicted);
	memset(victim, 0, sizeof(*victim));
	victim->family = family;
	memcpy(victim->addr, dst, family == 6 ? 16 : 4);
	victim->mtu = (uint16_t)mtu;
	victim->expire_ns = ctx->now_ns + nc->pmtu_timeout_ns;
	if (victim->expire_ns == 0)
		victim->expire_ns = 1;
	nc->pmtu_next_ns = RTE_MIN(nc->pmtu_next_ns, victim->expire_ns);
	nc->pmtu_gen++;
	TERN_STAT_INC(ctx, pmtu_lowered);
	return (int)mtu;
}

void
net_pmtu_set_timeout(struct tern_ctx *ctx, uint64_t ns)
{
	netc(ctx)->pmtu_timeout_ns = ns != 0 ? ns : NET_PMTU_TIMEOUT_NS;
}

void
net_pmtu_age(struct tern_ctx *ctx)
{
	struct tern_net_ctx *nc = netc(ctx);
	uint64_t next = UINT64_MAX;
	unsigned int i;

	for (i = 0; nc->pmtu != NULL && i < NET_PMTU_SLOTS; i++) {
		struct net_pmtu_ent *e = &nc->pmtu->e[i];

		if (e->expire_ns == 0)
			continue;
		if (!pmtu_aged(ctx, e))
			next = RTE_MIN(next, e->expire_ns);
	}
	nc->pmtu_next_ns = next;
}

void
net_pmtu_fini(struct tern_ctx *ctx)
{
	struct tern_net_ctx *nc = netc(ctx);

	rte_free(nc->pmtu);
	nc->pmtu = NULL;
	nc->pmtu_nb = 0;
	nc->pmtu_next_ns = UINT64_MAX;
}
