/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * Why not rte_ip_frag: its reassembly keeps at most
 * RTE_LIBRTE_IP_FRAG_MAX_FRAG (8 in Debian's DPDK 22.11) fragments a
 * datagram, while a 60,000-byte UDP datagram over a 1,500-byte MTU comes
 * in 41; and it neither drops a datagram on overlap (RFC 5722) nor bounds
 * the memory a context spends on incomplete datagrams.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_random.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "tern_net_priv.h"

/*
 * IPv4 and IPv6 reassembly (RFC 791, 815, 8200, 5722) and fragmentation on
 * output, per context.
 *
 * Reassembly. A datagram in progress is a struct frag_dgram, found through
 * an open-addressing index (linear probing, backward-shift deletion) keyed
 * by (family, src, dst, id) and, for IPv4, the protocol. Its data are
 * pieces (struct frag_piece): each holds an mbuf with the bytes of one
 * range of the payload, and they are kept sorted by offset and never
 * overlap. The piece at offset 0 also holds the headers in front of its
 * payload (the first fragment's IP header and, for IPv6, the extension
 * headers and the fragment header); every other piece holds payload only.
 * When the pieces cover the whole payload they are chained behind that
 * first one in order, the header is fixed up (IPv4: total length, MF and
 * offset cleared, checksum; IPv6: fragment header removed, the next header
 * that named it and the payload length fixed) and the datagram goes back
 * to the caller, its header and first 64 bytes in one writable segment.
 *
 * Overlaps. IPv4: where a new fragment overlaps held data with the same
 * bytes (a retransmission cut differently), it fills only the gaps it
 * covers, so it may be trimmed or, when it spans several gaps, copied in
 * parts; a fragment that brings nothing new (an exact duplicate, for one)
 * is dropped. Where it contradicts what is held (different bytes, or a
 * different end of the datagram), two datagrams share the key: a stale or
 * forged one and the current one. Keeping the first would let a forged
 * fragment with a guessed ID spoil the real datagram, and hold its key
 * until the timeout; so the held pieces are dropped (drop_frag_conflict)
 * and the datagram starts again from the new fragment, with a new
 * timeout. The real sender's fragments then complete it. IPv6 (RFC 5722): an overlap
 * drops the whole datagram, and its later fragments too until it times
 * out; an exact duplicate (same offset and length) is only dropped itself,
 * as RFC 5722 allows.
 *
 * Bounds. frag_max_datagrams datagrams, frag_mem_max bytes: each held piece
 * is charged the buf_len of each of its segments, and at least
 * FRAG_MIN_CHARGE bytes, which also bounds the piece records (one per
 * FRAG_MIN_CHARGE bytes of frag_mem_max). When a bound is reached, the
 * oldest other datagrams are dropped to make room; if that is not enough,
 * the datagram itself is.
 *
 * Shares. When a bound is reached, a source holding more than a quarter
 * of it (FRAG_SRC_SHARE) gives up its own oldest datagram first, and
 * only when no source is over its share does the oldest datagram of all
 * go: a source that floods fragments which never complete (or fragments
 * with guessed IDs) pushes out its own datagrams, not everyone's, while a
 * lone sender may still use the whole table (drop_frag_src_limit counts,
 * beside drop_frag_nomem, the fragments dropped for a share). Sources are counted by a keyed hash of the address into
 * FRAG_SRC_BUCKETS buckets, so a few legitimate sources may share a
 * bucket's quota with a flooder, but a sender cannot choose its bucket.
 *
 * Time. Datagrams sit on a list in creation order, which is also deadline
 * order (each gets frag_timeout_ns from its first fragment); one context
 * timer is armed for the head. A datagram that times out is dropped and,
 * if its first fragment had come, an ICMP time exceeded (fragment
 * reassembly) goes to the source.
 *
 * Pressure. Above FRAG_HIGH_WATER of any bound (datagrams, bytes, pieces),
 * the timeout is frag_pressure_timeout_ns (1 s) instead: at each fragment,
 * the datagrams at the head of the list that are older than that go
 * (drop_frag_pressure, no ICMP: under a flood their sources are likely
 * spoofed). Without it, junk from many spoofed sources, each under its
 * share, sits for the whole timeout, and at a bound the share rule
 * pushes out the datagrams of a busy legitimate source (over its share)
 * however young they are, while the junk stays.
 *
 * Counters: frag_in counts every fragment; drop_frag_timeout and
 * drop_frag_pressure count datagrams; drop_frag_overlap, drop_frag_bad and drop_frag_nomem count
 * fragments (held pieces included when a datagram goes).
 *
 * Fragmentation. A packet larger than the interface MTU leaves in
 * fragments of at most the MTU, each with a copy of the IP header (IPv4:
 * DF clear, MF and offset set; IPv6: a fragment header added, its
 * identification from a per-context counter). Payload is referenced
 * (indirect mbufs) when the device takes multi-segment packets, else
 * copied. Each fragment goes through the neighbor output like any packet.
 * The L4 checksum must be complete; one left to the device
 * (RTE_MBUF_F_TX_UDP_CKSUM / TCP_CKSUM, with the pseudo-header sum in the
 * field as DPDK asks) is finished here in software, since a device cannot
 * checksum a datagram it sends in parts.
 */

#define FRAG_NIL		UINT32_MAX
#define FRAG_MIN_CHARGE		512	/* bytes charged at least per held piece */
#define FRAG_SRC_BUCKETS	256	/* sources counted in this many buckets */
#define FRAG_SRC_SHARE		4	/* a source holds at most 1/4 of each bound */
/* above 3/4 of a bound, the short timeout (frag_pressure_timeout_ns) applies */
#define FRAG_HIGH_WATER(max)	((max) - (max) / 4)
#define FRAG_PULLUP		64	/* L4 bytes put in the first segment */
#define FRAG_MAX_LEN		65535	/* IPv4 total length, IPv6 payload length */
#define IP6_HLEN		40
#define IP6_NH_FRAGMENT		44
#define IP6_FHLEN		(IP6_HLEN + RTE_IPV6_FRAG_HDR_SIZE)

#define FRAG_F_FIRST		0x01	/* the piece at offset 0 is in */
#define FRAG_F_LAST		0x02	/* the last fragment came: total is known */
#define FRAG_F_DEAD		0x04	/* IPv6 overlap: drop the rest */
#define FRAG_F_BCAST		0x08	/* IPv4 to a broadcast: no ICMP about it */

struct frag_key {
	uint8_t family;
	uint8_t proto;		/* IPv4 only */
	uint16_t pad;
	uint32_t id;		/* as on the wire */
	uint8_t src[16];
	uint8_t dst[16];
};

struct frag_piece {
	struct rte_mbuf *m;
	uint32_t next;		/* next piece by offset, or free list */
	uint16_t off;		/* payload offset */
	uint16_t end;		/* payload offset after the last byte */
};

struct frag_dgram {
	struct frag_key key;
	uint32_t hash;
	uint32_t pieces;	/* first piece, by offset */
	uint32_t nb_pieces;
	uint32_t held;		/* payload bytes held */
	uint32_t max_end;	/* end of the last piece held */
	uint32_t total;		/* payload bytes, once FRAG_F_LAST */
	uint32_t mem;		/* bytes charged */
	uint32_t prev;		/* age list */
	uint32_t next;		/* age list, or free list */
	uint64_t deadline_ns;
	uint16_t hdr_len;	/* first piece: bytes in front of its payload */
	uint16_t unfrag;	/* first piece: IP header bytes of the whole datagram */
	uint16_t nh_off;	/* IPv6: offset of the next header naming the fragment header */
	uint8_t frag_nh;	/* IPv6: the first fragment's next header */
	uint8_t flags;		/* FRAG_F_* */
	uint8_t src;		/* the source's bucket (FRAG_SRC_BUCKETS) */
};

struct tern_frag_ctx {
	uint64_t timeout_ns;
	uint64_t pressure_timeout_ns;
	uint64_t mem;
	uint64_t mem_max;
	uint32_t seed;
	uint32_t ip6_id;
	uint32_t max_dgrams;
	uint32_t nb_dgrams;
	uint32_t dg_free;
	uint32_t age_head;
	uint32_t age_tail;
	uint32_t idx_mask;
	uint32_t max_pieces;
	uint32_t nb_pieces;
	uint32_t pc_free;
	bool no_reasm;
	uint32_t src_max_dgrams;	/* per source bucket */
	uint64_t src_max_mem;
	uint32_t src_dgrams[FRAG_SRC_BUCKETS];
	uint64_t src_mem[FRAG_SRC_BUCKETS];
	uint32_t *idx;		/* datagram index per slot, or FRAG_NIL */
	struct frag_dgram *dg;
	struct frag_piece *pc;
	struct tern_timer timer;
	struct tern_ctx *ctx;		/* (for the timer) */
};

/* What a fragment says about itself. */
struct frag_in {
	struct frag_key key;
	uint32_t off;		/* payload offset */
	uint32_t len;		/* payload bytes */
	uint32_t hlen;		/* bytes in front of the payload in the mbuf */
	uint32_t unfrag;	/* IP header bytes of the whole datagram */
	uint32_t nh_off;	/* IPv6 */
	uint8_t frag_nh;	/* IPv6 */
	bool more;
	bool bcast;
};

static inline struct tern_frag_ctx *
frag_ctx(struct tern_ctx *ctx)
{
	return netc(ctx)->frag;
}

/* mbuf helpers */

/* Bytes charged for holding @m. */
static uint32_t
mbuf_charge(const struct rte_mbuf *m)
{
	uint32_t n = 0;

	for (; m != NULL; m = m->next)
		n += m->buf_len;
	return RTE_MAX(n, (uint32_t)FRAG_MIN_CHARGE);
}

/* Free segments from @seg on, whatever the first one's nb_segs and pkt_len say. */
static void
mbuf_free_segs(struct rte_mbuf *seg)
{
	struct rte_mbuf *next;

	for (; seg != NULL; seg = next) {
		next = seg->next;
		seg->next = NULL;
		rte_pktmbuf_free_seg(seg);
	}
}

static inline bool
mbuf_writable(const struct rte_mbuf *m)
{
	return RTE_MBUF_DIRECT(m) && rte_mbuf_refcnt_read(m) == 1;
}

/*
 * Keep only bytes [@off, @off + @len) of @m (@len > 0, within the packet);
 * free the rest. @return the packet, whose first segment may have changed
 * (the first segment's metadata is then lost).
 */
static struct rte_mbuf *
mbuf_cut(struct rte_mbuf *m, uint32_t off, uint32_t len)
{
	struct rte_mbuf *seg, *rest;
	uint32_t left = len;
	uint16_t nb = 1;

	while (off >= m->data_len && m->next != NULL) {
		seg = m->next;
		off -= m->data_len;
		m->next = NULL;
		rte_pktmbuf_free_seg(m);
		m = seg;
	}
	m->data_off = (uint16_t)(m->data_off + off);
	m->data_len = (uint16_t)(m->data_len - off);
	for (seg = m; seg->data_len < left && seg->next != NULL; seg = seg->next) {
		left -= seg->data_len;
		nb++;
	}
	if (seg->data_len > left)
		seg->data_len = (uint16_t)left;
	rest = seg->next;
	seg->next = NULL;
	mbuf_free_segs(rest);
	m->pkt_len = len;
	m->nb_segs = nb;
	return m;
}

/*
 * Make the first @n bytes of @m (at most its length) contiguous in a
 * writable first segment. @return the packet, or NULL (freed) when an
 * mbuf was needed and the pool is empty.
 */
static struct rte_mbuf *
mbuf_pullup(struct tern_ctx *ctx, struct rte_mbuf *m, uint32_t n)
{
	struct rte_mbuf *h, *seg;
	const void *src;
	uint8_t *dst;
	uint32_t need, k;

	n = RTE_MIN(n, m->pkt_len);
	if (m->data_len >= n && mbuf_writable(m))
		return m;
	if (mbuf_writable(m) && (uint32_t)m->data_off + n <= m->buf_len) {
		/* Move the missing bytes into the first segment's tailroom. */
		need = n - m->data_len;
		while (need > 0) {
			seg = m->next;
			k = RTE_MIN(need, (uint32_t)seg->data_len);
			rte_memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, m->data_len),
				   rte_pktmbuf_mtod(seg, uint8_t *), k);
			m->data_len = (uint16_t)(m->data_len + k);
			seg->data_off = (uint16_t)(seg->data_off + k);
			seg->data_len = (uint16_t)(seg->data_len - k);
			need -= k;
			if (seg->data_len == 0) {
				m->next = seg->next;
				seg->next = NULL;
				m->nb_segs--;
				rte_pktmbuf_free_seg(seg);
			}
		}
		return m;
	}
	/* A new first segment with a copy of those bytes. */
	h = ctx_alloc_mbuf(ctx);
	if (h == NULL || rte_pktmbuf_tailroom(h) < n) {
		rte_pktmbuf_free(h);
		rte_pktmbuf_free(m);
		return NULL;
	}
	dst = rte_pktmbuf_mtod(h, uint8_t *);
	src = rte_pktmbuf_read(m, 0, n, dst);
	if (src != dst)
		rte_memcpy(dst, src, n);
	h->data_len = (uint16_t)n;
	h->port = m->port;
	h->ol_flags = m->ol_flags & ~(RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL);
	h->packet_type = m->packet_type;
	h->vlan_tci = m->vlan_tci;
	h->vlan_tci_outer = m->vlan_tci_outer;
	h->hash = m->hash;
	h->tx_offload = m->tx_offload;
	if (n == m->pkt_len) {
		rte_pktmbuf_free(m);
		h->pkt_len = n;
		return h;
	}
	m = mbuf_cut(m, n, m->pkt_len - n);
	h->next = m;
	h->nb_segs = (uint16_t)(1 + m->nb_segs);
	h->pkt_len = n + m->pkt_len;
	return h;
}

/* Write @len bytes at @off of @m, whatever its segments. */
static void
mbuf_write(struct rte_mbuf *m, uint32_t off, const void *src, uint32_t len)
{
	const uint8_t *s = src;

	while (m != NULL && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	while (m != NULL && len > 0) {
		uint32_t k = RTE_MIN(len, (uint32_t)m->data_len - off);

		memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, off), s, k);
		s += k;
		len -= k;
		off = 0;
		m = m->next;
	}
}

/* Datagram table: index, age list, pieces */

static inline uint32_t
frag_hash(const struct tern_frag_ctx *fc, const struct frag_key *key)
{
	return rte_hash_crc(key, sizeof(*key), fc->seed);
}

static struct frag_dgram *
idx_find(const struct tern_frag_ctx *fc, const struct frag_key *key, uint32_t hash)
{
	uint32_t i;

	for (i = hash & fc->idx_mask; fc->idx[i] != FRAG_NIL; i = (i + 1) & fc->idx_mask) {
		struct frag_dgram *d = &fc->dg[fc->idx[i]];

		if (d->hash == hash && memcmp(&d->key, key, sizeof(*key)) == 0)
			return d;
	}
	return NULL;
}

static void
idx_insert(struct tern_frag_ctx *fc, uint32_t di)
{
	uint32_t i = fc->dg[di].hash & fc->idx_mask;

	while (fc->idx[i] != FRAG_NIL)
		i = (i + 1) & fc->idx_mask;
	fc->idx[i] = di;
}

/* Remove @di and shift back the entries after it that may take its place. */
static void
idx_remove(struct tern_frag_ctx *fc, uint32_t di)
{
	uint32_t mask = fc->idx_mask, i, j, home;

	for (i = fc->dg[di].hash & mask; fc->idx[i] != di; i = (i + 1) & mask)
		;
	for (j = (i + 1) & mask; fc->idx[j] != FRAG_NIL; j = (j + 1) & mask) {
		home = fc->dg[fc->idx[j]].hash & mask;
		/* It may move to i unless its home lies in (i, j]. */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			fc->idx[i] = fc->idx[j];
			i = j;
		}
	}
	fc->idx[i] = FRAG_NIL;
}

static void
age_unlink(struct tern_frag_ctx *fc, struct frag_dgram *d)
{
	if (d->prev == FRAG_NIL)
		fc->age_head = d->next;
	else
		fc->dg[d->prev].next = d->next;
	if (d->next == FRAG_NIL)
		fc->age_tail = d->prev;
	else
		fc->dg[d->next].prev = d->prev;
}

static inline void
piece_put(struct tern_frag_ctx *fc, uint32_t i)
{
	fc->pc[i].m = NULL;
	fc->pc[i].next = fc->pc_free;
	fc->pc_free = i;
	fc->nb_pieces--;
}

static inline uint32_t
piece_get(struct tern_frag_ctx *fc)
{
	uint32_t i = fc->pc_free;

	fc->pc_free = fc->pc[i].next;
	fc->nb_pieces++;
	return i;
}

/* Free what @d holds; @d stays. */
static void
dgram_clear(struct tern_frag_ctx *fc, struct frag_dgram *d)
{
	uint32_t i, n;

	for (i = d->pieces; i != FRAG_NIL; i = n) {
		n = fc->pc[i].next;
		rte_pktmbuf_free(fc->pc[i].m);
		piece_put(fc, i);
	}
	TERN_ASSERT(fc->mem >= d->mem);
	TERN_ASSERT(fc->src_mem[d->src] >= d->mem);
	fc->mem -= d->mem;
	fc->src_mem[d->src] -= d->mem;
	d->pieces = FRAG_NIL;
	d->nb_pieces = 0;
	d->held = 0;
	d->max_end = 0;
	d->mem = 0;
	d->flags &= (uint8_t)~FRAG_F_FIRST;
}

static void
dgram_free(struct tern_ctx *ctx, struct tern_frag_ctx *fc, struct frag_dgram *d)
{
	uint32_t di = (uint32_t)(d - fc->dg);

	dgram_clear(fc, d);
	idx_remove(fc, di);
	age_unlink(fc, d);
	d->flags = 0;
	d->next = fc->dg_free;
	fc->dg_free = di;
	TERN_ASSERT(fc->nb_dgrams > 0);
	TERN_ASSERT(fc->src_dgrams[d->src] > 0);
	fc->nb_dgrams--;
	fc->src_dgrams[d->src]--;
	if (fc->age_head == FRAG_NIL)
		ctx_timer_cancel(ctx, &fc->timer);
}

/* Drop the oldest datagram but @keep. @return false if there is none. */
static bool
frag_evict(struct tern_ctx *ctx, struct tern_frag_ctx *fc, const struct frag_dgram *keep)
{
	uint32_t i = fc->age_head;

	if (i != FRAG_NIL && &fc->dg[i] == keep)
		i = fc->dg[i].next;
	if (i == FRAG_NIL)
		return false;
	TERN_STAT_ADD(ctx, drop_frag_nomem, fc->dg[i].nb_pieces);
	dgram_free(ctx, fc, &fc->dg[i]);
	return true;
}

/* The bucket of @key's source. */
static uint8_t
frag_src(const struct tern_frag_ctx *fc, const struct frag_key *key)
{
	return (uint8_t)(rte_hash_crc(key->src, key->family == 4 ? 4 : 16, fc->seed ^ 0x5eed) %
			 FRAG_SRC_BUCKETS);
}

/* Is source bucket @src over its share of the datagrams (@mem false) or bytes? */
static bool
frag_src_over(const struct tern_frag_ctx *fc, uint8_t src, bool mem)
{
	return mem ? fc->src_mem[src] > fc->src_max_mem : fc->src_dgrams[src] >= fc->src_max_dgrams;
}

/*
 * A bound is reached (@mem: bytes or pieces; else datagrams): drop the
 * oldest datagram but @keep of source @src if it is over its share, else
 * of any source over its share, else the oldest of all. @return false if
 * there is none to drop.
 */
static bool
frag_make_room(struct tern_ctx *ctx, struct tern_frag_ctx *fc, uint8_t src,
	       const struct frag_dgram *keep, bool mem)
{
	bool own = frag_src_over(fc, src, mem);
	uint32_t i;

	for (i = fc->age_head; i != FRAG_NIL; i = fc->dg[i].next) {
		const struct frag_dgram *d = &fc->dg[i];

		if (d == keep || !(own ? d->src == src : frag_src_over(fc, d->src, mem)))
			continue;
		TERN_STAT_ADD(ctx, drop_frag_src_limit, d->nb_pieces);
		TERN_STAT_ADD(ctx, drop_frag_nomem, d->nb_pieces);
		dgram_free(ctx, fc, &fc->dg[i]);
		return true;
	}
	return frag_evict(ctx, fc, keep);
}

static struct frag_dgram *
dgram_new(struct tern_ctx *ctx, struct tern_frag_ctx *fc, const struct frag_key *key,
	  uint32_t hash)
{
	uint8_t src = frag_src(fc, key);
	struct frag_dgram *d;
	uint32_t di;

	if (fc->nb_dgrams == fc->max_dgrams && !frag_make_room(ctx, fc, src, NULL, false))
		return NULL;
	di = fc->dg_free;
	d = &fc->dg[di];
	fc->dg_free = d->next;
	fc->nb_dgrams++;
	memset(d, 0, sizeof(*d));
	d->key = *key;
	d->hash = hash;
	d->src = src;
	fc->src_dgrams[src]++;
	d->pieces = FRAG_NIL;
	d->deadline_ns = ctx->now_ns + fc->timeout_ns;
	idx_insert(fc, di);
	d->next = FRAG_NIL;
	d->prev = fc->age_tail;
	if (fc->age_tail == FRAG_NIL) {
		fc->age_head = di;
		ctx_timer_arm(ctx, &fc->timer, d->deadline_ns);
	} else {
		fc->dg[fc->age_tail].next = di;
	}
	fc->age_tail = di;
	return d;
}

/* Reassembly */

static void
frag_time_exceeded(struct tern_ctx *ctx, const struct frag_dgram *d)
{
	const struct rte_mbuf *first = frag_ctx(ctx)->pc[d->pieces].m;

	if (d->key.family == 4)
		icmp4_error(ctx, first, 11 /* time exceeded */, 1 /* reassembly */);
	else
		icmp6_error(ctx, first, 3 /* time exceeded */, 1 /* reassembly */, 0);
}

static void
frag_timer(struct tern_timer *t)
{
	struct tern_frag_ctx *fc = container_of(t, struct tern_frag_ctx, timer);
	struct tern_ctx *ctx = fc->ctx;
	struct frag_dgram *d;

	while (fc->age_head != FRAG_NIL) {
		d = &fc->dg[fc->age_head];
		if (d->deadline_ns > ctx->now_ns)
			break;
		if (!(d->flags & FRAG_F_DEAD)) {
			TERN_STAT_INC(ctx, drop_frag_timeout);
			if ((d->flags & (FRAG_F_FIRST | FRAG_F_BCAST)) == FRAG_F_FIRST)
				frag_time_exceeded(ctx, d);
		}
		dgram_free(ctx, fc, d);
	}
	if (fc->age_head != FRAG_NIL)
		ctx_timer_arm(ctx, &fc->timer, fc->dg[fc->age_head].deadline_ns);
}

/* Gaps of [@s, @e) that @d's pieces leave. */
static uint32_t
frag_gaps(const struct tern_frag_ctx *fc, const struct frag_dgram *d, uint32_t s, uint32_t e)
{
	uint32_t i, pos = s, n = 0;

	for (i = d->pieces; i != FRAG_NIL && pos < e; i = fc->pc[i].next) {
		const struct frag_piece *p = &fc->pc[i];

		if (p->end <= pos)
			continue;
		if (p->off >= e)
			break;
		if (p->off > pos)
			n++;
		pos = p->end;
	}
	if (pos < e)
		n++;
	return n;
}

/* IPv6: 0 if [@s, @e) overlaps nothing held, 1 if it duplicates a piece, 2 if it overlaps. */
static int
frag_overlap6(const struct tern_frag_ctx *fc, const struct frag_dgram *d, uint32_t s, uint32_t e)
{
	uint32_t i;

	for (i = d->pieces; i != FRAG_NIL; i = fc->pc[i].next) {
		const struct frag_piece *p = &fc->pc[i];

		if (p->off >= e)
			break;
		if (p->end > s)
			return p->off == s && p->end == e ? 1 : 2;
	}
	return 0;
}

/*
 * Put the bytes of @m that fill @ngaps gaps of @d into new pieces: @m
 * itself, trimmed, for one gap; copies for several. Consumes @m.
 * @return 0, or -ENOMEM (counted) when a copy could not be made.
 */
static int
frag_add(struct tern_ctx *ctx, struct tern_frag_ctx *fc, struct frag_dgram *d,
	 struct rte_mbuf *m, const struct frag_in *fi, uint32_t ngaps)
{
	uint32_t s = fi->off, e = fi->off + fi->len, pos = s, prev = FRAG_NIL;
	uint32_t i = d->pieces, gend, from, len, k, charge;
	struct rte_mbuf *pm;

	while (pos < e) {
		while (i != FRAG_NIL && fc->pc[i].end <= pos) {
			prev = i;
			i = fc->pc[i].next;
		}
		if (i != FRAG_NIL && fc->pc[i].off <= pos) {
			pos = fc->pc[i].end;	/* held already */
			continue;
		}
		gend = (i != FRAG_NIL && fc->pc[i].off < e) ? fc->pc[i].off : e;
		from = fi->hlen + pos - s;
		len = gend - pos;
		if (pos == 0) {		/* the first piece keeps the headers */
			from = 0;
			len += fi->hlen;
		}
		if (ngaps == 1) {
			pm = mbuf_cut(m, from, len);
			m = NULL;
		} else {
			pm = rte_pktmbuf_copy(m, ctx->mp, from, len);
			if (pm == NULL) {
				TERN_STAT_INC(ctx, drop_nomem);
				TERN_STAT_INC(ctx, drop_frag_nomem);
				rte_pktmbuf_free(m);
				return -ENOMEM;
			}
		}
		k = piece_get(fc);
		fc->pc[k].m = pm;
		fc->pc[k].off = (uint16_t)pos;
		fc->pc[k].end = (uint16_t)gend;
		fc->pc[k].next = i;
		if (prev == FRAG_NIL)
			d->pieces = k;
		else
			fc->pc[prev].next = k;
		prev = k;
		charge = mbuf_charge(pm);
		d->mem += charge;
		fc->mem += charge;
		fc->src_mem[d->src] += charge;
		d->nb_pieces++;
		d->held += gend - pos;
		d->max_end = RTE_MAX(d->max_end, gend);
		if (pos == 0) {
			d->flags |= FRAG_F_FIRST;
			d->hdr_len = (uint16_t)fi->hlen;
			d->unfrag = (uint16_t)fi->unfrag;
			d->nh_off = (uint16_t)fi->nh_off;
			d->frag_nh = fi->frag_nh;
		}
		pos = gend;
	}
	rte_pktmbuf_free(m);	/* when copied */
	return 0;
}

/* Clear the receive L4 checksum flags a device may have set on a fragment. */
static inline void
frag_clear_rx_flags(struct rte_mbuf *m)
{
	m->ol_flags &= ~(RTE_MBUF_F_RX_L4_CKSUM_MASK | RTE_MBUF_F_RX_OUTER_L4_CKSUM_MASK);
}

/* Fix the header of a whole IPv4 datagram of @total payload bytes. */
static struct rte_mbuf *
frag_fix4(struct tern_ctx *ctx, struct rte_mbuf *m, uint32_t ihl, uint32_t total)
{
	struct rte_ipv4_hdr *ih;

	m = mbuf_pullup(ctx, m, ihl + RTE_MIN(total, (uint32_t)FRAG_PULLUP));
	if (m == NULL)
		return NULL;
	ih = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	ih->total_length = rte_cpu_to_be_16((uint16_t)(ihl + total));
	ih->fragment_offset &= rte_cpu_to_be_16((uint16_t)~(RTE_IPV4_HDR_MF_FLAG |
							     RTE_IPV4_HDR_OFFSET_MASK));
	ih->hdr_checksum = 0;
	ih->hdr_checksum = ip4_hdr_cksum(ih, ihl);
	frag_clear_rx_flags(m);
	return m;
}

/*
 * Remove the fragment header of an IPv6 datagram: @unfrag header bytes,
 * then the fragment header, then @total payload bytes.
 */
static struct rte_mbuf *
frag_fix6(struct tern_ctx *ctx, struct rte_mbuf *m, uint32_t unfrag, uint32_t nh_off,
	  uint8_t nh, uint32_t total)
{
	struct rte_ipv6_hdr *ih;
	uint8_t *p;

	m = mbuf_pullup(ctx, m, unfrag + RTE_IPV6_FRAG_HDR_SIZE +
			RTE_MIN(total, (uint32_t)FRAG_PULLUP));
	if (m == NULL)
		return NULL;
	p = rte_pktmbuf_mtod(m, uint8_t *);
	memmove(p + RTE_IPV6_FRAG_HDR_SIZE, p, unfrag);
	rte_pktmbuf_adj(m, RTE_IPV6_FRAG_HDR_SIZE);
	p = rte_pktmbuf_mtod(m, uint8_t *);
	p[nh_off] = nh;
	ih = (struct rte_ipv6_hdr *)p;
	ih->payload_len = rte_cpu_to_be_16((uint16_t)(unfrag - IP6_HLEN + total));
	frag_clear_rx_flags(m);
	return m;
}

/* Chain @d's pieces into one packet, fix its header, forget @d. */
static struct rte_mbuf *
frag_assemble(struct tern_ctx *ctx, struct tern_frag_ctx *fc, struct frag_dgram *d)
{
	uint32_t i = d->pieces, nb, len, total = d->total, unfrag = d->unfrag;
	uint32_t hdr_len = d->hdr_len, nh_off = d->nh_off;
	uint8_t family = d->key.family, nh = d->frag_nh;
	struct rte_mbuf *head, *tail, *p;

	head = fc->pc[i].m;
	fc->pc[i].m = NULL;
	tail = rte_pktmbuf_lastseg(head);
	nb = head->nb_segs;
	len = head->pkt_len;
	for (i = fc->pc[i].next; i != FRAG_NIL; i = fc->pc[i].next) {
		p = fc->pc[i].m;
		fc->pc[i].m = NULL;
		tail->next = p;
		tail = rte_pktmbuf_lastseg(p);
		nb += p->nb_segs;
		len += p->pkt_len;
	}
	dgram_free(ctx, fc, d);
	/* IPv4 total length, IPv6 payload length (the base header is not in it) */
	if (unlikely(nb > RTE_MBUF_MAX_NB_SEGS || len != hdr_len + total ||
		     unfrag - (family == 4 ? 0 : IP6_HLEN) + total > FRAG_MAX_LEN)) {
		TERN_STAT_INC(ctx, drop_frag_bad);
		mbuf_free_segs(head);
		return NULL;
	}
	head->nb_segs = (uint16_t)nb;
	head->pkt_len = len;
	if (family == 4)
		head = frag_fix4(ctx, head, unfrag, total);
	else
		head = frag_fix6(ctx, head, unfrag, nh_off, nh, total);
	if (head == NULL) {
		TERN_STAT_INC(ctx, drop_frag_nomem);
		return NULL;
	}
	TERN_STAT_INC(ctx, frag_reasm_ok);
	return head;
}

/* Does the end of the datagram that @fi implies contradict what @d knows? */
static bool
frag_len_conflict(const struct frag_dgram *d, const struct frag_in *fi)
{
	uint32_t e = fi->off + fi->len;

	if (!fi->more)
		return (d->flags & FRAG_F_LAST) ? d->total != e : d->max_end > e;
	return (d->flags & FRAG_F_LAST) && e > d->total;
}

/* IPv4: do bytes that @d holds in [off, off + len) of @fi differ from @m's? */
static bool
frag_bytes_conflict(const struct tern_frag_ctx *fc, const struct frag_dgram *d,
		    const struct rte_mbuf *m, const struct frag_in *fi)
{
	uint32_t s = fi->off, e = fi->off + fi->len, i, lo, hi, base, n;
	uint8_t b1[256], b2[256];
	const void *x, *y;

	for (i = d->pieces; i != FRAG_NIL; i = fc->pc[i].next) {
		const struct frag_piece *p = &fc->pc[i];

		if (p->end <= s)
			continue;
		if (p->off >= e)
			break;
		lo = RTE_MAX(s, (uint32_t)p->off);
		hi = RTE_MIN(e, (uint32_t)p->end);
		base = p->off == 0 ? d->hdr_len : 0;	/* the first piece keeps the headers */
		for (; lo < hi; lo += n) {
			n = RTE_MIN(hi - lo, (uint32_t)sizeof(b1));
			x = rte_pktmbuf_read(p->m, base + lo - p->off, n, b1);
			y = rte_pktmbuf_read(m, fi->hlen + lo - s, n, b2);
			if (x == NULL || y == NULL || memcmp(x, y, n) != 0)
				return true;
		}
	}
	return false;
}

/* IPv4: drop what @d holds and start it again, with a new timeout. */
static struct frag_dgram *
frag_restart(struct tern_ctx *ctx, struct tern_frag_ctx *fc, struct frag_dgram *d, bool bcast)
{
	struct frag_key key = d->key;
	uint32_t hash = d->hash;

	TERN_STAT_ADD(ctx, drop_frag_conflict, d->nb_pieces);
	dgram_free(ctx, fc, d);
	d = dgram_new(ctx, fc, &key, hash);	/* a slot was just freed: no failure */
	if (d != NULL && bcast)
		d->flags |= FRAG_F_BCAST;
	return d;
}

/* Is any bound above its high-water mark? */
static bool
frag_pressure(const struct tern_frag_ctx *fc)
{
	return fc->nb_dgrams > FRAG_HIGH_WATER(fc->max_dgrams) ||
	       fc->mem > FRAG_HIGH_WATER(fc->mem_max) ||
	       fc->nb_pieces > FRAG_HIGH_WATER(fc->max_pieces);
}

/*
 * Under pressure, drop the datagrams older than the short timeout (the
 * list is in creation order: they are at its head).
 */
static void
frag_expire_pressure(struct tern_ctx *ctx, struct tern_frag_ctx *fc)
{
	uint64_t born_before;
	struct frag_dgram *d;

	if (fc->age_head == FRAG_NIL || !frag_pressure(fc) ||
	    ctx->now_ns < fc->pressure_timeout_ns)
		return;
	/* created at deadline - timeout_ns; expire those created before this */
	born_before = ctx->now_ns - fc->pressure_timeout_ns + fc->timeout_ns;
	while (fc->age_head != FRAG_NIL) {
		d = &fc->dg[fc->age_head];
		if (d->deadline_ns > born_before)
			break;
		if (!(d->flags & FRAG_F_DEAD))
			TERN_STAT_INC(ctx, drop_frag_pressure);
		dgram_free(ctx, fc, d);
	}
}

/* Hold fragment @m of the datagram @fi tells; return the datagram if complete. */
static struct rte_mbuf *
frag_input(struct tern_ctx *ctx, struct rte_mbuf *m, const struct frag_in *fi)
{
	struct tern_frag_ctx *fc = frag_ctx(ctx);
	uint32_t hash = frag_hash(fc, &fi->key), s = fi->off, e = fi->off + fi->len, ngaps;
	struct frag_dgram *d;
	int ret;

	frag_expire_pressure(ctx, fc);
	d = idx_find(fc, &fi->key, hash);
	if (d == NULL) {
		d = dgram_new(ctx, fc, &fi->key, hash);
		if (d == NULL) {
			TERN_STAT_INC(ctx, drop_frag_nomem);
			goto drop;
		}
		if (fi->bcast)
			d->flags |= FRAG_F_BCAST;
	}
	if (d->flags & FRAG_F_DEAD) {
		TERN_STAT_INC(ctx, drop_frag_overlap);
		goto drop;
	}
	/* IPv4: a fragment that contradicts what is held starts the datagram again */
	if (fi->key.family == 4 && d->nb_pieces > 0 &&
	    (frag_len_conflict(d, fi) || frag_bytes_conflict(fc, d, m, fi))) {
		d = frag_restart(ctx, fc, d, fi->bcast);
		if (d == NULL) {
			TERN_STAT_INC(ctx, drop_frag_nomem);
			goto drop;
		}
	}
	/* The last fragment sets the length; nothing may go past it. */
	if (frag_len_conflict(d, fi)) {
		TERN_STAT_INC(ctx, drop_frag_bad);
		rte_pktmbuf_free(m);
		if (d->nb_pieces == 0)
			dgram_free(ctx, fc, d);
		return NULL;
	}
	if (fi->key.family == 6) {
		ret = frag_overlap6(fc, d, s, e);
		if (ret == 1) {
			TERN_STAT_INC(ctx, drop_frag_overlap);
			goto drop;
		}
		if (ret == 2) {
			/* RFC 5722: drop it all, and what is still to come. */
			TERN_STAT_ADD(ctx, drop_frag_overlap, d->nb_pieces + 1);
			dgram_clear(fc, d);
			d->flags |= FRAG_F_DEAD;
			goto drop;
		}
		ngaps = 1;
	} else {
		ngaps = frag_gaps(fc, d, s, e);
	}
	if (!fi->more) {
		d->flags |= FRAG_F_LAST;
		d->total = e;
	}
	if (ngaps == 0) {
		/* Nothing new: a duplicate, or covered by what is held. */
		TERN_STAT_INC(ctx, drop_frag_overlap);
		rte_pktmbuf_free(m);
	} else {
		while (fc->max_pieces - fc->nb_pieces < ngaps) {
			if (!frag_make_room(ctx, fc, d->src, d, true)) {
				TERN_STAT_ADD(ctx, drop_frag_nomem, d->nb_pieces + 1);
				dgram_free(ctx, fc, d);
				goto drop;
			}
		}
		ret = frag_add(ctx, fc, d, m, fi, ngaps);
		while (fc->mem > fc->mem_max) {
			if (!frag_make_room(ctx, fc, d->src, d, true)) {
				TERN_STAT_ADD(ctx, drop_frag_nomem, d->nb_pieces);
				dgram_free(ctx, fc, d);
				return NULL;
			}
		}
		if (ret != 0) {
			if (d->nb_pieces == 0)
				dgram_free(ctx, fc, d);
			return NULL;
		}
	}
	if (!(d->flags & FRAG_F_LAST) || d->held != d->total)
		return NULL;
	return frag_assemble(ctx, fc, d);
drop:
	rte_pktmbuf_free(m);
	return NULL;
}

struct rte_mbuf *
ip4_reasm(struct tern_ctx *ctx, struct rte_mbuf *m, bool bcast)
{
	struct tern_frag_ctx *fc = frag_ctx(ctx);
	const struct rte_ipv4_hdr *ih = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint32_t ihl = (uint32_t)(ih->version_ihl & RTE_IPV4_HDR_IHL_MASK) << 2;
	uint16_t frag = rte_be_to_cpu_16(ih->fragment_offset);
	struct frag_in fi;

	TERN_STAT_INC(ctx, frag_in);
	if (fc->no_reasm)
		goto bad;
	memset(&fi, 0, sizeof(fi));
	fi.off = (uint32_t)(frag & RTE_IPV4_HDR_OFFSET_MASK) * RTE_IPV4_HDR_OFFSET_UNITS;
	fi.len = m->pkt_len - ihl;
	fi.more = (frag & RTE_IPV4_HDR_MF_FLAG) != 0;
	fi.hlen = ihl;
	fi.unfrag = ihl;
	fi.bcast = bcast;
	if (fi.len == 0 || (fi.more && (fi.len & 7) != 0) ||
	    ihl + fi.off + fi.len > FRAG_MAX_LEN)
		goto bad;
	fi.key.family = 4;
	fi.key.proto = ih->next_proto_id;
	fi.key.id = ih->packet_id;
	memcpy(fi.key.src, &ih->src_addr, 4);
	memcpy(fi.key.dst, &ih->dst_addr, 4);
	return frag_input(ctx, m, &fi);
bad:
	TERN_STAT_INC(ctx, drop_frag_bad);
	rte_pktmbuf_free(m);
	return NULL;
}

struct rte_mbuf *
ip6_reasm(struct tern_ctx *ctx, struct rte_mbuf *m, uint32_t nh_off, uint32_t frag_off)
{
	struct tern_frag_ctx *fc = frag_ctx(ctx);
	const struct rte_ipv6_hdr *ih = rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	const struct rte_ipv6_fragment_ext *fh;
	struct rte_ipv6_fragment_ext buf;
	struct frag_in fi;
	uint16_t fd;

	TERN_STAT_INC(ctx, frag_in);
	if (fc->no_reasm)
		goto bad;
	fh = rte_pktmbuf_read(m, frag_off, sizeof(buf), &buf);
	if (fh == NULL || frag_off + sizeof(buf) == m->pkt_len)
		goto bad;	/* truncated, or no payload */
	memset(&fi, 0, sizeof(fi));
	fd = rte_be_to_cpu_16(fh->frag_data);
	fi.off = fd & RTE_IPV6_EHDR_FO_MASK;
	fi.more = RTE_IPV6_GET_MF(fd) != 0;
	fi.hlen = frag_off + (uint32_t)sizeof(buf);
	fi.len = m->pkt_len - fi.hlen;
	fi.unfrag = frag_off;
	fi.nh_off = nh_off;
	fi.frag_nh = fh->next_header;
	/* RFC 8200 4.5: both answered with a parameter problem (code 0). */
	if (fi.more && (fi.len & 7) != 0) {
		icmp6_error(ctx, m, 4, 0, offsetof(struct rte_ipv6_hdr, payload_len));
		goto bad;
	}
	if (frag_off - IP6_HLEN + fi.off + fi.len > FRAG_MAX_LEN) {
		icmp6_error(ctx, m, 4, 0, frag_off + 2);
		goto bad;
	}
	if (fi.off == 0 && !fi.more) {
		/* An atomic fragment (RFC 6946): a whole datagram already. */
		m = frag_fix6(ctx, m, frag_off, nh_off, fi.frag_nh, fi.len);
		if (m == NULL) {
			TERN_STAT_INC(ctx, drop_frag_nomem);
			return NULL;
		}
		TERN_STAT_INC(ctx, frag_reasm_ok);
		return m;
	}
	fi.key.family = 6;
	fi.key.id = fh->id;
	memcpy(fi.key.src, ih->src_addr, 16);
	memcpy(fi.key.dst, ih->dst_addr, 16);
	return frag_input(ctx, m, &fi);
bad:
	TERN_STAT_INC(ctx, drop_frag_bad);
	rte_pktmbuf_free(m);
	return NULL;
}

/* Fragmentation */

/* Finish an L4 checksum left to the device in @m (L4 from @l4_off). */
static void
frag_l4_cksum(struct rte_mbuf *m, uint32_t l4_off)
{
	uint64_t l4 = m->ol_flags & RTE_MBUF_F_TX_L4_MASK;
	uint32_t field;
	uint16_t ck;

	if (l4 == RTE_MBUF_F_TX_UDP_CKSUM)
		field = offsetof(struct rte_udp_hdr, dgram_cksum);
	else if (l4 == RTE_MBUF_F_TX_TCP_CKSUM)
		field = offsetof(struct rte_tcp_hdr, cksum);
	else
		return;
	/* The field holds the pseudo-header sum: summing over it finishes the job. */
	ck = cksum_mbuf(m, l4_off, m->pkt_len - l4_off, 0);
	if (ck == 0 && l4 == RTE_MBUF_F_TX_UDP_CKSUM)
		ck = 0xffff;
	mbuf_write(m, l4_off + field, &ck, sizeof(ck));
	m->ol_flags &= ~RTE_MBUF_F_TX_L4_MASK;
}

/* Append a copy of @len bytes of @m from @off to @f. */
static int
frag_append_copy(struct tern_ctx *ctx, struct rte_mbuf *f, const struct rte_mbuf *m,
		 uint32_t off, uint32_t len)
{
	struct rte_mbuf *last = rte_pktmbuf_lastseg(f), *n;
	const void *src;
	uint8_t *dst;
	uint32_t k;

	while (len > 0) {
		k = RTE_MIN(len, (uint32_t)rte_pktmbuf_tailroom(last));
		if (k == 0) {
			n = ctx_alloc_mbuf(ctx);
			if (n == NULL)
				return -ENOMEM;
			n->data_off = 0;
			last->next = n;
			last = n;
			f->nb_segs++;
			continue;
		}
		dst = rte_pktmbuf_mtod_offset(last, uint8_t *, last->data_len);
		src = rte_pktmbuf_read(m, off, k, dst);
		if (src != dst)
			rte_memcpy(dst, src, k);
		last->data_len = (uint16_t)(last->data_len + k);
		f->pkt_len += k;
		off += k;
		len -= k;
	}
	return 0;
}

/* Append to @f indirect mbufs referencing @len bytes of @m from @off. */
static int
frag_append_ref(struct tern_ctx *ctx, struct rte_mbuf *f, struct rte_mbuf *m, uint32_t off,
		uint32_t len)
{
	struct rte_mbuf *last = rte_pktmbuf_lastseg(f), *seg = m, *mi;
	uint32_t k;

	while (off >= seg->data_len) {
		off -= seg->data_len;
		seg = seg->next;
	}
	for (; len > 0; seg = seg->next, off = 0) {
		k = RTE_MIN(len, (uint32_t)seg->data_len - off);
		if (k == 0)
			continue;
		mi = ctx_alloc_mbuf(ctx);
		if (mi == NULL)
			return -ENOMEM;
		rte_pktmbuf_attach(mi, seg);
		mi->data_off = (uint16_t)(mi->data_off + off);
		mi->data_len = (uint16_t)k;
		mi->pkt_len = k;
		last->next = mi;
		last = mi;
		f->nb_segs++;
		f->pkt_len += k;
		len -= k;
	}
	return 0;
}

/*
 * Send @m (data at its IP header of @hlen bytes, built by the caller) in
 * fragments out of @ifindex to next hop @nh, or to @dmac when not NULL.
 */
static int
frag_output(struct tern_ctx *ctx, struct rte_mbuf *m, uint8_t family, uint32_t hlen,
	    uint16_t ifindex, const void *nh, const struct rte_ether_addr *dmac)
{
	const struct tern_iface *ifp = &ctx->net->ifaces[ifindex];
	bool zc = (ifp->dev->caps & TERN_CAP_TX_MULTISEG) != 0;
	bool ip_ck = (ifp->dev->caps & TERN_CAP_TX_IP4_CKSUM) != 0;
	uint32_t fhlen = family == 4 ? hlen : IP6_FHLEN;
	uint32_t plen = m->pkt_len - hlen, fsize, off, len;
	uint16_t ether_type = family == 4 ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6;
	uint32_t id6 = 0, base = 0;
	struct rte_mbuf *f;
	uint16_t mf = 0;
	uint8_t *h;
	bool more;
	int ret;

	fsize = ifp->mtu > fhlen ? (ifp->mtu - fhlen) & ~7u : 0;
	if (unlikely(fsize == 0 || m->pkt_len > (family == 4 ? 0 : hlen) + FRAG_MAX_LEN)) {
		TERN_STAT_INC(ctx, drop_frag_too_big);
		rte_pktmbuf_free(m);
		return -EMSGSIZE;
	}
	frag_l4_cksum(m, hlen);
	if (family == 6) {
		id6 = frag_ctx(ctx)->ip6_id++;
	} else {
		/* A fragment being forwarded: its pieces keep its place and its MF. */
		uint16_t fo = rte_be_to_cpu_16(rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *)
					       ->fragment_offset);

		base = (uint32_t)(fo & RTE_IPV4_HDR_OFFSET_MASK) << 3;
		mf = fo & RTE_IPV4_HDR_MF_FLAG;
	}
	for (off = 0; off < plen; off += len) {
		len = RTE_MIN(fsize, plen - off);
		more = off + len < plen;
		f = ctx_alloc_mbuf(ctx);
		if (f == NULL)
			goto nomem;
		h = (uint8_t *)rte_pktmbuf_append(f, (uint16_t)fhlen);
		if (h == NULL) {
			rte_pktmbuf_free(f);
			TERN_STAT_INC(ctx, drop_nomem);
			goto nomem;
		}
		rte_memcpy(h, rte_pktmbuf_mtod(m, const void *), hlen);
		ret = zc ? frag_append_ref(ctx, f, m, hlen + off, len) :
			frag_append_copy(ctx, f, m, hlen + off, len);
		if (ret != 0) {
			rte_pktmbuf_free(f);
			goto nomem;
		}
		if (family == 4) {
			struct rte_ipv4_hdr *ih = (struct rte_ipv4_hdr *)h;

			ih->total_length = rte_cpu_to_be_16((uint16_t)(hlen + len));
			ih->fragment_offset = rte_cpu_to_be_16((uint16_t)(((base + off) >> 3) |
						(more ? RTE_IPV4_HDR_MF_FLAG : mf)));
			ih->hdr_checksum = 0;
			f->ol_flags = RTE_MBUF_F_TX_IPV4;
			if (ip_ck)
				f->ol_flags |= RTE_MBUF_F_TX_IP_CKSUM;
			else
				ih->hdr_checksum = ip4_hdr_cksum(ih, sizeof(*ih));
		} else {
			struct rte_ipv6_hdr *ih = (struct rte_ipv6_hdr *)h;
			struct rte_ipv6_fragment_ext *fh = (struct rte_ipv6_fragment_ext *)(ih + 1);

			fh->next_header = ih->proto;
			fh->reserved = 0;
			fh->frag_data = rte_cpu_to_be_16((uint16_t)(off | (more ? 1 : 0)));
			fh->id = rte_cpu_to_be_32(id6);
			ih->proto = IP6_NH_FRAGMENT;
			ih->payload_len = rte_cpu_to_be_16((uint16_t)(sizeof(*fh) + len));
			f->ol_flags = RTE_MBUF_F_TX_IPV6;
		}
		f->l3_len = fhlen;
		TERN_STAT_INC(ctx, frag_out);
		if (dmac != NULL)
			eth_output(ctx, ifindex, f, dmac, ether_type);
		else
			neigh_output(ctx, ifindex, family, nh, f, ether_type);
	}
	TERN_STAT_INC(ctx, frag_fragmented);
	rte_pktmbuf_free(m);
	return 0;
nomem:
	rte_pktmbuf_free(m);
	return -ENOMEM;
}

int
ip4_fragment(struct tern_ctx *ctx, struct rte_mbuf *m, uint16_t ifindex, tern_ip4_t nh,
		  const struct rte_ether_addr *dmac)
{
	const struct rte_ipv4_hdr *ih = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);

	return frag_output(ctx, m, 4, rte_ipv4_hdr_len(ih), ifindex, &nh, dmac);
}

int
ip6_fragment(struct tern_ctx *ctx, struct rte_mbuf *m, uint16_t ifindex,
		  const struct tern_ip6 *nh, const struct rte_ether_addr *dmac)
{
	return frag_output(ctx, m, 6, IP6_HLEN, ifindex, nh->a, dmac);
}

bool
ip4_needs_frag(struct tern_ctx *ctx, tern_ip4_t dst, uint32_t l4_len)
{
	uint16_t ifindex;
	tern_ip4_t nh;

	if (tern_net_route4_lookup(ctx->net, dst, &ifindex, &nh) != 0)
		return false;
	return l4_len + sizeof(struct rte_ipv4_hdr) > ctx->net->ifaces[ifindex].mtu;
}

bool
ip6_needs_frag(struct tern_ctx *ctx, const struct tern_ip6 *dst, uint32_t l4_len)
{
	struct tern_ip6 nh;
	uint16_t ifindex;

	if (tern_net_route6_lookup(ctx->net, dst, &ifindex, &nh) != 0)
		return false;
	return l4_len + IP6_HLEN > ctx->net->ifaces[ifindex].mtu;
}

/* Context set-up */

unsigned int
frag_held(const struct tern_frag_ctx *fc)
{
	return fc == NULL ? 0 : fc->nb_pieces;
}

int
frag_ctx_init(struct tern_ctx *ctx)
{
	const struct tern_net_param *p = &ctx->net->p;
	struct tern_frag_ctx *fc;
	uint32_t i, slots;

	fc = rte_zmalloc_socket("tern_frag_ctx", sizeof(*fc), RTE_CACHE_LINE_SIZE,
				ctx->socket_id);
	if (fc == NULL)
		return -ENOMEM;
	fc->ip6_id = (uint32_t)rte_rand();
	fc->seed = (uint32_t)rte_rand();
	fc->timeout_ns = p->frag_timeout_ns;
	fc->pressure_timeout_ns = p->frag_pressure_timeout_ns;
	fc->mem_max = p->frag_mem_max;
	fc->no_reasm = p->no_reassembly;
	fc->age_head = FRAG_NIL;
	fc->age_tail = FRAG_NIL;
	fc->dg_free = FRAG_NIL;
	fc->pc_free = FRAG_NIL;
	fc->ctx = ctx;
	timer_init(&fc->timer, frag_timer);
	netc(ctx)->frag = fc;
	if (fc->no_reasm)
		return 0;

	fc->max_dgrams = RTE_MAX(p->frag_max_datagrams, 1u);
	fc->src_max_dgrams = RTE_MAX(fc->max_dgrams / FRAG_SRC_SHARE, 1u);
	fc->src_max_mem = RTE_MAX(fc->mem_max / FRAG_SRC_SHARE, (uint64_t)FRAG_MAX_LEN + 4096);
	fc->max_pieces = RTE_MAX(p->frag_mem_max / FRAG_MIN_CHARGE, 1u);
	slots = rte_align32pow2(fc->max_dgrams * 2);
	fc->idx_mask = slots - 1;
	fc->idx = rte_malloc_socket("tern_frag_idx", sizeof(*fc->idx) * slots,
				    RTE_CACHE_LINE_SIZE, ctx->socket_id);
	fc->dg = rte_malloc_socket("tern_frag_dg", sizeof(*fc->dg) * fc->max_dgrams,
				   RTE_CACHE_LINE_SIZE, ctx->socket_id);
	fc->pc = rte_malloc_socket("tern_frag_pc", sizeof(*fc->pc) * fc->max_pieces,
				   RTE_CACHE_LINE_SIZE, ctx->socket_id);
	if (fc->idx == NULL || fc->dg == NULL || fc->pc == NULL) {
		frag_ctx_fini(ctx);
		return -ENOMEM;
	}
	memset(fc->idx, 0xff, sizeof(*fc->idx) * slots);
	for (i = fc->max_dgrams; i-- > 0; ) {
		fc->dg[i].flags = 0;
		fc->dg[i].next = fc->dg_free;
		fc->dg_free = i;
	}
	for (i = fc->max_pieces; i-- > 0; ) {
		fc->pc[i].m = NULL;
		fc->pc[i].next = fc->pc_free;
		fc->pc_free = i;
	}
	return 0;
}

void
frag_ctx_fini(struct tern_ctx *ctx)
{
	struct tern_net_ctx *nc = netc(ctx);
	struct tern_frag_ctx *fc = nc == NULL ? NULL : nc->frag;

	if (fc == NULL)
		return;
	while (fc->age_head != FRAG_NIL)
		dgram_free(ctx, fc, &fc->dg[fc->age_head]);
	ctx_timer_cancel(ctx, &fc->timer);
	rte_free(fc->idx);
	rte_free(fc->dg);
	rte_free(fc->pc);
	rte_free(fc);
	nc->frag = NULL;
}
