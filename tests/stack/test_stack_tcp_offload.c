/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * TCP segmentation and receive offloads between two stacks through the
 * harness:
 *
 * - the same 8 MiB transfer, with TSO on and off (TERN_TCP_CFG_NO_TSO) and
 *   GRO on and off (TERN_TCP_CFG_NO_GRO) in all four combinations, over a
 *   clean link and over one that loses, reorders and duplicates packets
 *   both ways: the receiver reads the same bytes every time (checked byte
 *   for byte and by digest), the FIN rides on the last packet of the last
 *   send and no other, and the counters show which path was taken;
 * - GRO costs recovery nothing: with the same impairments, GRO on sends
 *   fewer ACKs than GRO off (which ACKs every second segment), and the
 *   retransmissions and the time are within a quarter of each other;
 * - the device's TSO: the harness's device claims TSO, multi-segment
 *   transmit and checksum offloads, and its wire cuts each TSO send like a
 *   NIC (harness_set_dev_caps()); the transfer is the same, the sends were
 *   the device's (tcp_tso_segs) and never tern's (tcp_tso_sw_bytes), and no
 *   frame on the wire is larger than the MTU;
 * - GRO's rules, with bursts of hand-made segments injected into B for an
 *   established connection: a plain in-order run is merged (and ACKed as
 *   the segments it stands for), a PSH ends a run, and nothing is merged
 *   across a FIN, RST or URG, a timestamp or other option change, a window
 *   or ACK change, a sequence gap, or out of order (each segment past a
 *   hole has its own duplicate ACK).
 *
 * Every test checks that both pools are back to where they started.
 */
#define TCP_TEST_CAP_FIXTURE
#include "tcp_test.h"

#include "tern_tcp_priv.h"	/* sequence variables and queues: the tests read internals */

#define XFER_BYTES	(8u << 20)
#define WIRE_DELAY	(5 * MS)	/* one way: a 10 ms round trip */
#define XFER_MAX_NS	(60 * SEC)
#define LINK_MTU	1500
#define SEED_DEF	7

/* The offloads of a NIC with TSO (as tcp_xmit_tso wants them, and IPv4's checksum). */
#define CAPS_TSO	(TERN_CAP_TX_TSO | TERN_CAP_TX_MULTISEG | TERN_CAP_TX_TCP_CKSUM | \
			 TERN_CAP_TX_IP4_CKSUM | TERN_CAP_TX_UDP_CKSUM)
/* The three tcp_xmit_tso asks for, without IPv4 header checksum offload. */
#define CAPS_TSO_NO_IP4	(TERN_CAP_TX_TSO | TERN_CAP_TX_MULTISEG | TERN_CAP_TX_TCP_CKSUM)

/* The shared teardown, and the devices back to advertising nothing. */
static int
teardown_caps(void **state)
{
	int ret = teardown(state);

	harness_set_dev_caps(HARNESS_A, 0);
	harness_set_dev_caps(HARNESS_B, 0);
	return ret;
}

/* ---------------------------------------------------------------------- */
/* One transfer, A to B, and what it shows. */

/* FNV-1a, 64 bits: the digest of what the receiver read. */
#define FNV_INIT	0xcbf29ce484222325ULL

static uint64_t
fnv1a(uint64_t d, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		d = (d ^ p[i]) * 0x100000001b3ULL;
	return d;
}

/* The digest of the first @total bytes of the stream of pattern @seed. */
static uint64_t
pattern_digest(uint64_t total, uint32_t seed)
{
	static uint8_t buf[65536];
	uint64_t d = FNV_INIT, off;

	for (off = 0; off < total; off += sizeof(buf)) {
		size_t n = (size_t)RTE_MIN((uint64_t)sizeof(buf), total - off);

		pat_fill(buf, n, off, seed);
		d = fnv1a(d, buf, n);
	}
	return d;
}

struct run {
	uint32_t cfg;		/* TERN_TCP_CFG_NO_TSO, _NO_GRO */
	uint32_t caps;		/* both devices' offloads (0: none) */
	uint8_t family;
	bool impaired;
};

/* A tap on A's wire: where its FINs are. */
struct fin_tap {
	uint32_t end;		/* sequence number of the FIN: the stream's end */
	uint64_t on_data;	/* FINs on a packet with data */
	uint64_t bare;		/* FINs alone */
	uint64_t misplaced;	/* FINs on a packet that does not end the stream */
};

static bool
fin_tap_fn(void *arg, enum harness_side from, struct rte_mbuf *m, uint64_t now_ns)
{
	struct fin_tap *t = arg;
	struct seg_rec r;

	RTE_SET_USED(now_ns);
	if (from != HARNESS_A || !seg_parse(m, &r) || !(r.flags & TH_FIN))
		return false;
	if (r.seq + r.len != t->end) {
		print_error("FIN on [%u, %u), the stream ends at %u\n", r.seq, r.seq + r.len,
			    t->end);
		t->misplaced++;
	}
	if (r.len > 0)
		t->on_data++;
	else
		t->bare++;
	return false;
}

struct outcome {
	uint64_t got;		/* bytes B read, all as expected */
	uint64_t digest;	/* of them */
	bool eof;		/* B read the end of the stream after them */
	uint64_t vtime_ns;	/* virtual time of the transfer */
	struct tern_stats a, b;
	struct harness_wire_stats wa, wb;
	struct fin_tap fin;
};

/*
 * Build the harness for @r (impairments seeded from @seed), connect, move
 * XFER_BYTES of pattern @seed from A to B and shut A's side, read them and
 * the end of the stream at B, then close both ends and wait for both
 * contexts to hold no connection and no packet, and both pools to be full.
 */
static void
transfer(struct fixture *f, const struct run *r, uint64_t seed, struct outcome *o)
{
	struct tern_tcp_config cfg = { .flags = r->cfg, .msl_ns = 50 * MS };
	/*
	 * B's window (256 KB) is smaller than A's send buffer (1 MB): A always
	 * has data waiting, so its last write and the FIN after it are queued
	 * before they can go, and the FIN rides on the last send (a TSO one).
	 */
	struct tern_tcp_param lp = { .rcvbuf = 256 * 1024 };
	/* loss on both directions; reordering (1-10 ms of extra hold) and duplicates too */
	struct tern_impair_param ab = { .loss = 0.02, .dup = 0.01, .reorder = 0.02, .seed = seed };
	struct tern_impair_param ba = {
		.loss = 0.01, .dup = 0.01, .reorder = 0.01, .seed = seed ^ 0x9e3779b97f4a7c15ULL,
	};
	static uint8_t buf[65536];
	uint32_t pseed = (uint32_t)seed;
	struct tern_tcp_stream *l, *a, *b;
	uint64_t sent = 0, t0, t;
	bool shut = false;
	struct harness *h;
	ssize_t n;

	memset(o, 0, sizeof(*o));
	o->digest = FNV_INIT;
	harness_set_dev_caps(HARNESS_A, r->caps);
	harness_set_dev_caps(HARNESS_B, r->caps);
	printf("transfer: %u bytes over IPv%u, TSO %s, GRO %s, device offloads %#x, %s\n",
	       XFER_BYTES, r->family, (r->cfg & TERN_TCP_CFG_NO_TSO) ? "off" : "on",
	       (r->cfg & TERN_TCP_CFG_NO_GRO) ? "off" : "on", r->caps,
	       r->impaired ? "impaired" : "clean");
	h = f->h = harness_create_tcp(r->impaired ? &ab : NULL, r->impaired ? &ba : NULL, &cfg);
	assert_non_null(h);
	harness_set_wire_delay(h, WIRE_DELAY);
	l = tcp_listen_b(h, r->family, &lp);
	a = tcp_connect_a(h, r->family, NULL);
	b = tcp_accept_b(h, l, 10 * SEC);
	assert_non_null(b);
	assert_int_equal(a->snd_nxt, a->snd_una);
	o->fin.end = a->snd_nxt + XFER_BYTES;
	harness_set_tap(h, fin_tap_fn, &o->fin);
	t0 = harness_now(h);
	while (!o->eof && harness_now(h) - t0 < XFER_MAX_NS) {
		while (sent < XFER_BYTES) {
			size_t chunk = (size_t)RTE_MIN((uint64_t)sizeof(buf), XFER_BYTES - sent);

			chunk = RTE_MIN(chunk, (size_t)tern_tcp_tx_space(a));
			if (chunk == 0)
				break;
			pat_fill(buf, chunk, sent, pseed);
			n = tern_tcp_write(a, buf, chunk);
			assert_true(n > 0);
			sent += (uint64_t)n;
		}
		if (sent == XFER_BYTES && !shut) {
			/* queued behind data (B's window is full): on the last send */
			assert_true(a->sndq_bytes > 0);
			assert_int_equal(tern_tcp_shutdown(a, SHUT_WR), 0);
			shut = true;
		}
		harness_run(h, MS);
		while ((n = tern_tcp_read(b, buf, sizeof(buf))) > 0) {
			uint64_t bad = pat_check(buf, (size_t)n, o->got, pseed);

			if (bad != UINT64_MAX)
				fail_msg("byte %" PRIu64 " wrong (seed %" PRIu64 ")", bad, seed);
			o->digest = fnv1a(o->digest, buf, (size_t)n);
			o->got += (uint64_t)n;
		}
		if (n == 0)
			o->eof = true;
		else
			assert_int_equal(n, -EAGAIN);
	}
	o->vtime_ns = harness_now(h) - t0;
	o->a = harness_stats(h, HARNESS_A);
	o->b = harness_stats(h, HARNESS_B);
	o->wa = harness_wire_stats(h, HARNESS_A);
	o->wb = harness_wire_stats(h, HARNESS_B);
	printf("  %" PRIu64 " bytes in %.3f s virtual%s; A: tso_segs %" PRIu64
	       " tso_sw_bytes %" PRIu64 " out_segs %" PRIu64 " retrans %" PRIu64
	       " cksum_tx hw/sw %" PRIu64 "/%" PRIu64 "; B: gro_merged %" PRIu64
	       " in_segs %" PRIu64 " acks_out %" PRIu64 "; wire A: %" PRIu64 " frames, %"
	       PRIu64 " TSO sends cut into %" PRIu64 ", largest %u; FINs on data %" PRIu64
	       ", alone %" PRIu64 "\n", o->got,
	       (double)o->vtime_ns / SEC, o->eof ? ", end of stream" : "", o->a.tcp_tso_segs,
	       o->a.tcp_tso_sw_bytes, o->a.tcp_out_segs, o->a.tcp_retrans_segs,
	       o->a.tcp_cksum_tx_hw, o->a.tcp_cksum_tx_sw, o->b.tcp_gro_merged,
	       o->b.tcp_in_segs, o->b.tcp_acks_out, o->wa.frames, o->wa.tso_sends,
	       o->wa.tso_pieces, o->wa.max_l3, o->fin.on_data, o->fin.bare);
	fflush(stdout);
	assert_int_equal(o->got, XFER_BYTES);
	assert_true(o->eof);

	/* close: B's FIN back, A through TIME_WAIT (2 MSL = 100 ms) */
	harness_set_tap(h, NULL, NULL);
	tern_tcp_close(b);
	tern_tcp_close(a);
	tern_tcp_close(l);
	for (t = 0; t < 30 * SEC; t += 10 * MS) {
		if (tern_tcp_nb_conns(harness_ctx(h, HARNESS_A)) == 0 &&
		    tern_tcp_nb_conns(harness_ctx(h, HARNESS_B)) == 0)
			break;
		harness_run(h, 10 * MS);
	}
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_A)), 0);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_B)), 0);
	harness_set_impair(h, HARNESS_A, NULL);
	harness_set_impair(h, HARNESS_B, NULL);
	harness_run(h, 2 * TERN_IMPAIR_REORDER_MAX_NS + 2 * WIRE_DELAY);
	tcp_assert_clean(h);
}

/*
 * What every transfer must show: the same bytes as the pattern, no checksum
 * dropped, no frame over the MTU on either wire, and the counters of the
 * path each offload setting chose.
 */
static void
check_outcome(const struct run *r, const struct outcome *o, uint64_t seed)
{
	bool tso = !(r->cfg & TERN_TCP_CFG_NO_TSO), gro = !(r->cfg & TERN_TCP_CFG_NO_GRO);
	bool dev_tso = (r->caps & (TERN_CAP_TX_TSO | TERN_CAP_TX_MULTISEG |
				   TERN_CAP_TX_TCP_CKSUM)) ==
		(TERN_CAP_TX_TSO | TERN_CAP_TX_MULTISEG | TERN_CAP_TX_TCP_CKSUM) &&
		(r->family == 6 || (r->caps & TERN_CAP_TX_IP4_CKSUM));

	/* byte-identical: the digest of the stream every configuration must deliver */
	assert_int_equal(o->digest, pattern_digest(XFER_BYTES, (uint32_t)seed));
	assert_int_equal(o->a.drop_tcp_cksum + o->b.drop_tcp_cksum, 0);
	assert_int_equal(o->a.drop_ip4_cksum + o->b.drop_ip4_cksum, 0);
	assert_true(o->wa.max_l3 <= LINK_MTU);
	assert_true(o->wb.max_l3 <= LINK_MTU);
	assert_int_equal(o->wa.errors + o->wb.errors, 0);
	/* the FIN rode on the last send, and only on its last piece */
	assert_true(o->fin.on_data > 0);
	assert_int_equal(o->fin.misplaced, 0);
	if (tso && dev_tso) {
		/* every send of more than an MSS was the device's to cut */
		assert_true(o->a.tcp_tso_segs > 0);
		assert_int_equal(o->a.tcp_tso_sw_bytes, 0);
		assert_true(o->wa.tso_sends > 0);
		assert_true(o->wa.tso_pieces > o->wa.tso_sends);
		if (!r->impaired)	/* else some sends were lost before the device */
			assert_int_equal(o->wa.tso_sends, o->a.tcp_tso_segs);
	} else if (tso) {
		/* cut by tern: most of the stream went out that way */
		assert_true(o->a.tcp_tso_sw_bytes > XFER_BYTES / 2);
		assert_int_equal(o->a.tcp_tso_segs, 0);
		assert_int_equal(o->wa.tso_sends, 0);
	} else {
		assert_int_equal(o->a.tcp_tso_sw_bytes, 0);
		assert_int_equal(o->a.tcp_tso_segs, 0);
		assert_int_equal(o->wa.tso_sends, 0);
	}
	if (gro)
		assert_true(o->b.tcp_gro_merged > 0);
	else
		assert_int_equal(o->b.tcp_gro_merged, 0);
	if (r->caps & TERN_CAP_TX_TCP_CKSUM) {
		/* the device was left checksums, and finished them */
		assert_true(o->a.tcp_cksum_tx_hw > 0 && o->b.tcp_cksum_tx_hw > 0);
		assert_true(o->wa.cksums > 0 && o->wb.cksums > 0);
	} else {
		assert_int_equal(o->a.tcp_cksum_tx_hw + o->b.tcp_cksum_tx_hw, 0);
	}
	if (r->impaired) {
		/*
		 * The link did its worst (with the device's TSO, A's impairment
		 * sees whole TSO sends: a hundred-odd packets, so the events are
		 * counted over both directions) and A repaired its losses.
		 */
		assert_true(o->a.impair_dropped + o->b.impair_dropped > 0);
		assert_true(o->a.impair_reordered + o->b.impair_reordered > 0);
		assert_true(o->a.impair_duplicated + o->b.impair_duplicated > 0);
		assert_true(o->a.impair_dropped == 0 || o->a.tcp_retrans_segs > 0);
	} else {
		assert_int_equal(o->a.tcp_retrans_segs, 0);
	}
}

static void
run_case(void **state, const char *name, const struct run *r)
{
	struct fixture *f = *state;
	uint64_t seed = harness_seed(name, SEED_DEF);
	struct outcome o;

	transfer(f, r, seed, &o);
	check_outcome(r, &o, seed);
}

/* The four combinations, clean and impaired. */
#define NO_TSO	TERN_TCP_CFG_NO_TSO
#define NO_GRO	TERN_TCP_CFG_NO_GRO
#define XFER_TEST(fn, c, imp)							\
	static void								\
	fn(void **state)							\
	{									\
		const struct run r = { .cfg = (c), .family = 4, .impaired = (imp) };	\
										\
		run_case(state, #fn, &r);					\
	}

XFER_TEST(test_transfer_tso_on_gro_on_clean, 0, false)
XFER_TEST(test_transfer_tso_on_gro_off_clean, NO_GRO, false)
XFER_TEST(test_transfer_tso_off_gro_on_clean, NO_TSO, false)
XFER_TEST(test_transfer_tso_off_gro_off_clean, NO_TSO | NO_GRO, false)
XFER_TEST(test_transfer_tso_on_gro_on_lossy, 0, true)
XFER_TEST(test_transfer_tso_on_gro_off_lossy, NO_GRO, true)
XFER_TEST(test_transfer_tso_off_gro_on_lossy, NO_TSO, true)
XFER_TEST(test_transfer_tso_off_gro_off_lossy, NO_TSO | NO_GRO, true)

/*
 * GRO costs the sender nothing in recovery: the same transfer through the
 * same impairments (same seed) with GRO on and off delivers the same data;
 * with GRO on the receiver sends fewer ACKs (one per merged run, where
 * without GRO it ACKs every second segment, RFC 5681 4.2), and the sender
 * retransmits about as much and finishes in about the same virtual time
 * (within a quarter either way). It holds because GRO merges only in-order
 * runs that start at RCV.NXT and leaves every segment past a hole its own
 * duplicate ACK: merging past a hole would starve fast retransmit, and
 * recovery would fall back to timeouts, several times slower.
 */
static void
gro_recovery(void **state, const char *name, uint32_t cfg)
{
	struct fixture *f = *state;
	uint64_t seed = harness_seed(name, SEED_DEF);
	struct run on = { .cfg = cfg, .family = 4, .impaired = true };
	struct run off = { .cfg = cfg | NO_GRO, .family = 4, .impaired = true };
	struct outcome o_on, o_off;

	transfer(f, &on, seed, &o_on);
	check_outcome(&on, &o_on, seed);
	assert_int_equal(harness_destroy(f->h), 0);
	f->h = NULL;
	transfer(f, &off, seed, &o_off);
	check_outcome(&off, &o_off, seed);
	assert_true(o_on.b.tcp_gro_merged > 0);
	print_message("GRO on/off: acks %" PRIu64 "/%" PRIu64 " in_segs %" PRIu64 "/%" PRIu64
		      " retrans %" PRIu64 "/%" PRIu64 " out %" PRIu64 "/%" PRIu64
		      " vtime %" PRIu64 "/%" PRIu64 " ms\n",
		      o_on.b.tcp_acks_out, o_off.b.tcp_acks_out, o_on.b.tcp_in_segs,
		      o_off.b.tcp_in_segs, o_on.a.tcp_retrans_segs, o_off.a.tcp_retrans_segs,
		      o_on.a.tcp_out_segs, o_off.a.tcp_out_segs, o_on.vtime_ns / 1000000,
		      o_off.vtime_ns / 1000000);
	assert_true(o_on.b.tcp_acks_out < o_off.b.tcp_acks_out);
	assert_int_equal(o_off.b.tcp_gro_merged, 0);
	assert_true(o_on.a.tcp_retrans_segs * 4 <= o_off.a.tcp_retrans_segs * 5);
	assert_true(o_off.a.tcp_retrans_segs * 4 <= o_on.a.tcp_retrans_segs * 5);
	assert_true(o_on.vtime_ns * 4 <= o_off.vtime_ns * 5);
	assert_true(o_off.vtime_ns * 4 <= o_on.vtime_ns * 5);
}

static void
test_gro_fewer_acks_same_recovery_lossy_sack(void **state)
{
	gro_recovery(state, __func__, 0);
}

static void
test_gro_fewer_acks_same_recovery_lossy_nosack(void **state)
{
	gro_recovery(state, __func__, TERN_TCP_CFG_NO_SACK);
}

/* ---------------------------------------------------------------------- */
/* The device's TSO (the harness's wire cuts like a NIC). */

/* IPv4, a device with TSO and checksum offloads: the sends are the device's. */
static void
test_device_tso_ipv4_clean(void **state)
{
	const struct run r = { .caps = CAPS_TSO, .family = 4 };

	run_case(state, __func__, &r);
}

static void
test_device_tso_ipv4_lossy(void **state)
{
	const struct run r = { .caps = CAPS_TSO, .family = 4, .impaired = true };

	run_case(state, __func__, &r);
}

static void
test_device_tso_ipv6_clean(void **state)
{
	const struct run r = { .caps = CAPS_TSO_NO_IP4, .family = 6 };

	run_case(state, __func__, &r);
}

static void
test_device_tso_ipv6_lossy_gro_off(void **state)
{
	const struct run r = { .caps = CAPS_TSO_NO_IP4, .cfg = NO_GRO, .family = 6,
			       .impaired = true };

	run_case(state, __func__, &r);
}

/*
 * DPDK's TSO contract (rte_mbuf_core.h, RTE_MBUF_F_TX_TCP_SEG): an IPv4
 * send also asks for the IP header checksum (the device rewrites the total
 * length of each piece). A device without IPv4 checksum offload cannot be
 * asked that, so tern cuts IPv4 sends itself there; IPv6 has no header
 * checksum and still goes to the device (test_device_tso_ipv6_clean).
 */
static void
test_device_tso_ipv4_without_ip_cksum_offload_cut_by_tern(void **state)
{
	const struct run r = { .caps = CAPS_TSO_NO_IP4, .family = 4 };

	run_case(state, __func__, &r);
}

/* TERN_TCP_CFG_NO_TSO on a device with TSO: MSS-sized sends, the checksums still the device's. */
static void
test_device_tso_unused_with_no_tso(void **state)
{
	const struct run r = { .caps = CAPS_TSO, .cfg = NO_TSO, .family = 4 };

	run_case(state, __func__, &r);
}

/* ---------------------------------------------------------------------- */
/* GRO's rules: hand-made bursts for B's end of an established connection. */

#define SEG		1000	/* payload bytes of an injected segment */

/* What the injected segments say: "from A", continuing what A sent. */
struct gro {
	struct tern_tcp_stream *l, *a, *b;
	uint16_t aport;
	uint32_t seq0;		/* B's RCV.NXT at the start: stream offset 0 */
	uint32_t ack;		/* B's SND.NXT */
	uint32_t tsval;		/* A's clock: B's TS.Recent */
	uint32_t tsecr;		/* B's last timestamp */
	uint16_t wnd;		/* A's last window */
	uint32_t pseed;
	uint64_t read;		/* bytes B read so far, checked */
};

/* One injected segment: stream offset in SEG units, and what differs from the rest. */
struct gseg {
	uint32_t unit;
	uint8_t flags;		/* 0: ACK */
	uint32_t dts;		/* added to the timestamp */
	uint32_t decr;		/* added to the timestamp echo */
	uint16_t dwnd;		/* added to the window */
	uint32_t dack;		/* added to the ACK */
	bool nops;		/* four NOPs more in the options (a longer header) */
};

/* Drop (after recording) what B sends: A's stack knows nothing of the injected data. */
static bool
drop_from_b(struct tcp_cap *c, const struct seg_rec *r)
{
	RTE_SET_USED(c);
	return r->from == HARNESS_B;
}

/* A pair, GRO per @cfg, B's variables read; the wire recorded, B's output dropped from now on. */
static struct harness *
gro_make(struct fixture *f, struct gro *g, const char *name, uint32_t cfg_flags)
{
	struct tern_tcp_config cfg = { .flags = cfg_flags };
	const struct seg_rec *ra, *rb;
	struct harness *h;

	memset(g, 0, sizeof(*g));
	g->pseed = (uint32_t)harness_seed(name, SEED_DEF);
	h = f->h = harness_create_tcp(NULL, NULL, &cfg);
	assert_non_null(h);
	cap_start(h, &f->cap);
	tcp_pair(h, 4, &g->l, &g->a, &g->b);
	harness_run(h, 100 * MS);
	ra = cap_last(&f->cap, HARNESS_A);
	rb = cap_last(&f->cap, HARNESS_B);
	assert_non_null(ra);
	assert_non_null(rb);
	assert_int_equal(g->b->rcv_nxt, ra->seq + ra->len);
	g->aport = tcp_lport(g->a);
	g->seq0 = g->b->rcv_nxt;
	g->ack = g->b->snd_nxt;
	g->tsval = g->b->ts_recent;
	g->tsecr = rb->tsval;
	g->wnd = ra->wnd;
	f->cap.filter = drop_from_b;
	cap_clear(&f->cap);
	return h;
}

/*
 * The frame of @s: IPv4, NOP NOP TS (and four NOPs more if @s->nops),
 * SEG bytes of the pattern at its offset, checksums set, in B's pool.
 */
static struct rte_mbuf *
gro_frame(struct harness *h, const struct gro *g, const struct gseg *s)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(harness_pool(h, HARNESS_B));
	struct tern_sockaddr src = harness_addr(HARNESS_A, 4, 0);
	struct tern_sockaddr dst = harness_addr(HARNESS_B, 4, 0);
	uint16_t thl = (uint16_t)(20 + 12 + (s->nops ? 4 : 0));
	uint32_t tsval = g->tsval + s->dts, tsecr = g->tsecr + s->decr;
	struct rte_ether_hdr *eh;
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	uint8_t *o;

	assert_non_null(m);
	eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m, (uint16_t)(14 + 20 + thl + SEG));
	assert_non_null(eh);
	eh->dst_addr = harness_mac(HARNESS_B);
	eh->src_addr = harness_mac(HARNESS_A);
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip = (struct rte_ipv4_hdr *)(eh + 1);
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + thl + SEG));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_TCP;
	ip->src_addr = src.ip4;
	ip->dst_addr = dst.ip4;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	th = (struct rte_tcp_hdr *)(ip + 1);
	th->src_port = rte_cpu_to_be_16(g->aport);
	th->dst_port = rte_cpu_to_be_16(TCP_PORT_B);
	th->sent_seq = rte_cpu_to_be_32(g->seq0 + s->unit * SEG);
	th->recv_ack = rte_cpu_to_be_32(g->ack + s->dack);
	th->data_off = (uint8_t)((thl / 4) << 4);
	th->tcp_flags = (uint8_t)(TH_ACK | s->flags);
	th->rx_win = rte_cpu_to_be_16((uint16_t)(g->wnd + s->dwnd));
	th->cksum = 0;
	th->tcp_urp = 0;
	o = (uint8_t *)(th + 1);
	if (s->nops) {
		memset(o, 1, 4);
		o += 4;
	}
	o[0] = 1;
	o[1] = 1;
	o[2] = 8;
	o[3] = 10;
	o[4] = (uint8_t)(tsval >> 24);
	o[5] = (uint8_t)(tsval >> 16);
	o[6] = (uint8_t)(tsval >> 8);
	o[7] = (uint8_t)tsval;
	o[8] = (uint8_t)(tsecr >> 24);
	o[9] = (uint8_t)(tsecr >> 16);
	o[10] = (uint8_t)(tsecr >> 8);
	o[11] = (uint8_t)tsecr;
	pat_fill((uint8_t *)th + thl, SEG, (uint64_t)s->unit * SEG, g->pseed);
	th->cksum = rte_ipv4_udptcp_cksum(ip, th);
	return m;
}

/* Inject @n segments into B in one input burst. @return how many GRO merged. */
static uint64_t
gro_burst(struct harness *h, const struct gro *g, const struct gseg *s, unsigned int n)
{
	struct rte_mbuf *pkts[TERN_RX_BURST];
	uint64_t m0 = STAT(h, HARNESS_B, tcp_gro_merged);
	unsigned int i;

	assert_true(n <= TERN_RX_BURST);
	for (i = 0; i < n; i++)
		pkts[i] = gro_frame(h, g, &s[i]);
	harness_inject_burst(h, HARNESS_B, pkts, (uint16_t)n);
	return STAT(h, HARNESS_B, tcp_gro_merged) - m0;
}

/* Read what B has and check it against the pattern: @return the bytes. */
static uint64_t
gro_read(struct gro *g)
{
	static uint8_t buf[65536];
	uint64_t got = 0;
	ssize_t n;

	while ((n = tern_tcp_read(g->b, buf, sizeof(buf))) > 0) {
		assert_int_equal(pat_check(buf, (size_t)n, g->read, g->pseed), UINT64_MAX);
		g->read += (uint64_t)n;
		got += (uint64_t)n;
	}
	return got;
}

/* B's ACKs recorded since the last cap_clear(). */
static unsigned int
b_acks(const struct fixture *f)
{
	return cap_count(&f->cap, HARNESS_B, TH_ACK, false);
}

/*
 * B's ACKs since the last cap_clear() acknowledge exactly @want[0..n) in
 * turn (offsets from @seq0), none of them carrying data.
 */
static void
b_acks_are(const struct fixture *f, uint32_t seq0, const uint32_t *want, unsigned int n)
{
	unsigned int i, k = 0;

	for (i = 0; i < f->cap.n; i++) {
		const struct seg_rec *r = &f->cap.rec[i];

		if (r->from != HARNESS_B || !(r->flags & TH_ACK))
			continue;
		assert_true(k < n);
		assert_int_equal(r->len, 0);
		assert_int_equal(r->ack - seq0, want[k]);
		k++;
	}
	assert_int_equal(k, n);
}

static void
gro_finish(struct fixture *f, struct gro *g)
{
	struct harness *h = f->h;

	tern_tcp_abort(g->a);
	tern_tcp_abort(g->b);
	tern_tcp_close(g->l);
	harness_run(h, 20 * MS);
	harness_set_tap(h, NULL, NULL);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_A)), 0);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_B)), 0);
	tcp_assert_clean(h);
}

/*
 * A plain in-order run of eight segments in one burst: GRO makes one of
 * them (seven merged); B delivers the 8,000 bytes and ACKs them with one
 * ACK, at once (the merged segment counts as eight for delayed ACKs).
 * Without GRO the bytes are the same and B ACKs every second segment
 * (RFC 5681 4.2): four ACKs, at 2, 4, 6 and 8 segments.
 */
static void
gro_in_order_run(void **state, const char *name, uint32_t cfg, uint64_t merged)
{
	static const uint32_t acks_gro[1] = { 8 * SEG };
	static const uint32_t acks_plain[4] = { 2 * SEG, 4 * SEG, 6 * SEG, 8 * SEG };
	struct fixture *f = *state;
	const struct gseg s[8] = {
		{ 0 }, { 1 }, { 2 }, { 3 }, { 4 }, { 5 }, { 6 }, { 7, TH_PSH },
	};
	const struct seg_rec *r;
	struct harness *h;
	struct gro g;

	h = gro_make(f, &g, name, cfg);
	assert_int_equal(gro_burst(h, &g, s, 8), merged);
	assert_int_equal(gro_read(&g), 8 * SEG);
	if (merged > 0)
		b_acks_are(f, g.seq0, acks_gro, 1);
	else
		b_acks_are(f, g.seq0, acks_plain, 4);
	r = cap_last(&f->cap, HARNESS_B);
	assert_int_equal(r->ack, g.seq0 + 8 * SEG);
	assert_int_equal(r->len, 0);
	assert_int_equal(STAT(h, HARNESS_B, drop_tcp_paws), 0);
	gro_finish(f, &g);
}

static void
test_gro_merges_plain_in_order_run_one_ack(void **state)
{
	gro_in_order_run(state, __func__, 0, 7);
}

static void
test_gro_off_same_run_unmerged_same_ack(void **state)
{
	gro_in_order_run(state, __func__, NO_GRO, 0);
}

/*
 * A PSH ends a run: the segment that carries it is merged, the next one
 * starts anew. Each run stands for two segments or more: an ACK each.
 */
static void
test_gro_psh_ends_run(void **state)
{
	struct fixture *f = *state;
	const struct gseg s[5] = { { 0 }, { 1 }, { 2, TH_PSH }, { 3 }, { 4, TH_PSH } };
	struct harness *h;
	struct gro g;

	h = gro_make(f, &g, __func__, 0);
	/* [0 1 2P] [3 4P] */
	assert_int_equal(gro_burst(h, &g, s, 5), 3);
	assert_int_equal(gro_read(&g), 5 * SEG);
	b_acks_are(f, g.seq0, (const uint32_t[]){ 3 * SEG, 5 * SEG }, 2);
	gro_finish(f, &g);
}

/* A FIN (with data) is never merged: B reads the data, then the end of the stream. */
static void
test_gro_never_merges_fin(void **state)
{
	struct fixture *f = *state;
	const struct gseg s[3] = { { 0 }, { 1 }, { 2, TH_FIN | TH_PSH } };
	uint8_t buf[16];
	struct harness *h;
	struct gro g;

	h = gro_make(f, &g, __func__, 0);
	assert_int_equal(gro_burst(h, &g, s, 3), 1);
	assert_int_equal(gro_read(&g), 3 * SEG);
	assert_int_equal(tern_tcp_read(g.b, buf, sizeof(buf)), 0);
	assert_int_equal(tern_tcp_state(g.b), TERN_TCP_CLOSE_WAIT);
	/* [0 1] owed its ACK when the FIN came */
	b_acks_are(f, g.seq0, (const uint32_t[]){ 2 * SEG, 3 * SEG + 1 }, 2);
	gro_finish(f, &g);
}

/* A RST (with data, at RCV.NXT once the first is in) is never merged: the connection resets. */
static void
test_gro_never_merges_rst(void **state)
{
	struct fixture *f = *state;
	const struct gseg s[2] = { { 0 }, { 1, TH_RST } };
	uint64_t rsts;
	struct harness *h;
	struct gro g;

	h = gro_make(f, &g, __func__, 0);
	rsts = STAT(h, HARNESS_B, tcp_in_rsts);
	assert_int_equal(gro_burst(h, &g, s, 2), 0);
	assert_int_equal(STAT(h, HARNESS_B, tcp_in_rsts), rsts + 1);
	assert_int_equal(tern_tcp_read(g.b, (uint8_t[16]){ 0 }, 16), -ECONNRESET);
	gro_finish(f, &g);
}

/* URG is not folded away either (tern reads urgent data inline: the bytes are all there). */
static void
test_gro_never_merges_urg(void **state)
{
	struct fixture *f = *state;
	const struct gseg s[3] = { { 0 }, { 1, RTE_TCP_URG_FLAG }, { 2 } };
	struct harness *h;
	struct gro g;

	h = gro_make(f, &g, __func__, 0);
	/* [0] [1U 2]: a run may start with neither PSH nor URG on its first segment */
	assert_int_equal(gro_burst(h, &g, s, 3), 0);
	assert_int_equal(gro_read(&g), 3 * SEG);
	gro_finish(f, &g);
}

/*
 * A new TSval ends a run: [T T] [T+1 T+1] [T+2]. The ACK echoes T, the
 * timestamp of the oldest segment it acknowledges (RFC 7323 4.3): the
 * merged segments did not move TS.Recent past it.
 */
static void
test_gro_never_merges_across_tsval_change(void **state)
{
	struct fixture *f = *state;
	const struct gseg s[5] = {
		{ 0 }, { 1 }, { 2, .dts = 1 }, { 3, .dts = 1 }, { 4, .dts = 2 },
	};
	const struct seg_rec *r;
	struct harness *h;
	unsigned int i, k;
	struct gro g;

	h = gro_make(f, &g, __func__, 0);
	assert_int_equal(gro_burst(h, &g, s, 5), 2);
	assert_int_equal(gro_read(&g), 5 * SEG);
	/* [0 1] [2 3] [4]: the first two runs owed ACKs when the next came */
	b_acks_are(f, g.seq0, (const uint32_t[]){ 2 * SEG, 4 * SEG }, 2);
	/* [4] alone waits for the delayed-ACK timer */
	harness_run(h, 50 * MS);
	b_acks_are(f, g.seq0, (const uint32_t[]){ 2 * SEG, 4 * SEG, 5 * SEG }, 3);
	/*
	 * Each ACK echoes the TSval of the first segment it acknowledges
	 * (RFC 7323 4.3: TS.Recent taken from a segment at Last.ACK.sent):
	 * [0 1] T, [2 3] T+1, [4] T+2.
	 */
	for (i = 0, k = 0; i < f->cap.n; i++) {
		r = &f->cap.rec[i];
		if (r->from != HARNESS_B || !(r->flags & TH_ACK))
			continue;
		assert_true(r->has_ts);
		assert_int_equal(r->tsecr, g.tsval + k);
		k++;
	}
	assert_int_equal(k, 3);
	gro_finish(f, &g);
}

/*
 * Other option changes end a run too: the same length with another
 * timestamp echo ([E E] [E+1]), and a longer header ([12 12] [16 16]).
 */
static void
test_gro_never_merges_across_option_change(void **state)
{
	struct fixture *f = *state;
	const struct gseg s1[3] = { { 0 }, { 1 }, { 2, .decr = 1 } };
	const struct gseg s2[4] = {
		{ 3, .decr = 1 }, { 4, .decr = 1 }, { 5, .decr = 1, .nops = true },
		{ 6, .decr = 1, .nops = true },
	};
	struct harness *h;
	struct gro g;

	h = gro_make(f, &g, __func__, 0);
	assert_int_equal(gro_burst(h, &g, s1, 3), 1);
	assert_int_equal(gro_burst(h, &g, s2, 4), 2);
	assert_int_equal(gro_read(&g), 7 * SEG);
	assert_int_equal(cap_last(&f->cap, HARNESS_B)->ack, g.seq0 + 7 * SEG);
	gro_finish(f, &g);
}

/*
 * A window update or a new ACK ends a run: [W W] [W+1]; and, with data of
 * B's in flight, [U U] [U+1000 U+1000].
 */
static void
test_gro_never_merges_across_window_or_ack_change(void **state)
{
	struct fixture *f = *state;
	const struct gseg s1[3] = { { 0 }, { 1 }, { 2, .dwnd = 1 } };
	const struct gseg s2[4] = {
		{ 3, .dwnd = 1 }, { 4, .dwnd = 1 }, { 5, .dwnd = 1, .dack = 1000 },
		{ 6, .dwnd = 1, .dack = 1000 },
	};
	static uint8_t data[3000];
	struct harness *h;
	struct gro g;

	h = gro_make(f, &g, __func__, 0);
	assert_int_equal(gro_burst(h, &g, s1, 3), 1);
	/* B sends 3000 bytes (lost on the way: the tap drops what B sends) */
	assert_int_equal(tern_tcp_write(g.b, data, sizeof(data)), sizeof(data));
	harness_run(h, 0);
	assert_true(g.b->snd_max - g.ack >= 2000);
	assert_int_equal(gro_burst(h, &g, s2, 4), 2);
	assert_int_equal(g.b->snd_una, g.ack + 1000);
	assert_int_equal(gro_read(&g), 7 * SEG);
	gro_finish(f, &g);
}

/*
 * A sequence gap ends a run: [0 1] merged, 3 alone after the hole (and
 * ACKed at once, with its SACK block); 2 then fills the hole.
 */
static void
test_gro_never_merges_across_sequence_gap(void **state)
{
	struct fixture *f = *state;
	const struct gseg s1[3] = { { 0 }, { 1 }, { 3 } };
	const struct gseg s2[1] = { { 2 } };
	const struct seg_rec *r;
	struct harness *h;
	struct gro g;

	h = gro_make(f, &g, __func__, 0);
	assert_int_equal(gro_burst(h, &g, s1, 3), 1);
	assert_int_equal(gro_read(&g), 2 * SEG);
	assert_int_equal(b_acks(f), 1);
	r = cap_last(&f->cap, HARNESS_B);
	assert_int_equal(r->ack, g.seq0 + 2 * SEG);
	assert_int_equal(r->nb_sack, 1);
	assert_int_equal(r->sack[0][0], g.seq0 + 3 * SEG);
	assert_int_equal(r->sack[0][1], g.seq0 + 4 * SEG);
	cap_clear(&f->cap);
	assert_int_equal(gro_burst(h, &g, s2, 1), 0);
	assert_int_equal(gro_read(&g), 2 * SEG);
	assert_int_equal(b_acks(f), 1);
	assert_int_equal(cap_last(&f->cap, HARNESS_B)->ack, g.seq0 + 4 * SEG);
	gro_finish(f, &g);
}

/*
 * RFC 5681 4.2, RFC 2018 4: each segment past a hole is ACKed at once, a
 * duplicate ACK of its own with SACK blocks: a sender counts them (three
 * for a fast retransmit without SACK), so a run past a hole is not merged.
 */
static void
test_gro_ooo_run_unmerged_one_dupack_each_rfc5681_4_2(void **state)
{
	struct fixture *f = *state;
	const struct gseg s1[4] = { { 1 }, { 2 }, { 3 }, { 4 } };
	const struct gseg s2[1] = { { 0 } };
	unsigned int i, k = 0;
	struct harness *h;
	struct gro g;

	h = gro_make(f, &g, __func__, 0);
	assert_int_equal(gro_burst(h, &g, s1, 4), 0);
	assert_int_equal(b_acks(f), 4);
	for (i = 0; i < f->cap.n; i++) {
		const struct seg_rec *r = &f->cap.rec[i];

		if (r->from != HARNESS_B)
			continue;
		k++;
		assert_int_equal(r->ack, g.seq0);
		assert_int_equal(r->nb_sack, 1);
		assert_int_equal(r->sack[0][0], g.seq0 + SEG);
		assert_int_equal(r->sack[0][1], g.seq0 + (k + 1) * SEG);
	}
	assert_int_equal(gro_read(&g), 0);
	cap_clear(&f->cap);
	assert_int_equal(gro_burst(h, &g, s2, 1), 0);
	assert_int_equal(gro_read(&g), 5 * SEG);
	assert_int_equal(b_acks(f), 1);
	assert_int_equal(cap_last(&f->cap, HARNESS_B)->ack, g.seq0 + 5 * SEG);
	gro_finish(f, &g);
}

/*
 * Delayed ACKs count the segments a merged one stands for (RFC 9293
 * 3.8.6.3: an ACK for every second full segment): two in a burst are ACKed
 * at once; one alone waits for the delayed-ACK timer (40 ms); three are
 * ACKed at once. With GRO off, the same for one and two; of three, the
 * first two are ACKed when the third comes, and the third waits for the
 * timer.
 */
static void
gro_delack(void **state, const char *name, uint32_t cfg, bool gro)
{
	struct fixture *f = *state;
	const struct gseg s1[2] = { { 0 }, { 1 } };
	const struct gseg s2[1] = { { 2 } };
	const struct gseg s3[3] = { { 3 }, { 4 }, { 5 } };
	struct harness *h;
	uint64_t delacks;
	struct gro g;

	h = gro_make(f, &g, name, cfg);
	delacks = STAT(h, HARNESS_B, tcp_delayed_acks);
	assert_int_equal(gro_burst(h, &g, s1, 2), gro ? 1 : 0);
	assert_int_equal(b_acks(f), 1);
	assert_int_equal(cap_last(&f->cap, HARNESS_B)->ack, g.seq0 + 2 * SEG);
	cap_clear(&f->cap);
	assert_int_equal(gro_burst(h, &g, s2, 1), 0);
	assert_int_equal(b_acks(f), 0);
	harness_run(h, 30 * MS);
	assert_int_equal(b_acks(f), 0);
	harness_run(h, 20 * MS);
	assert_int_equal(b_acks(f), 1);
	assert_int_equal(cap_last(&f->cap, HARNESS_B)->ack, g.seq0 + 3 * SEG);
	assert_int_equal(STAT(h, HARNESS_B, tcp_delayed_acks), delacks + 1);
	cap_clear(&f->cap);
	assert_int_equal(gro_burst(h, &g, s3, 3), gro ? 2 : 0);
	if (gro) {
		/* one segment standing for three: ACKed at once */
		b_acks_are(f, g.seq0, (const uint32_t[]){ 6 * SEG }, 1);
	} else {
		/* the second of three owes an ACK when the third comes; the third waits */
		b_acks_are(f, g.seq0, (const uint32_t[]){ 5 * SEG }, 1);
		harness_run(h, 50 * MS);
		b_acks_are(f, g.seq0, (const uint32_t[]){ 5 * SEG, 6 * SEG }, 2);
		assert_int_equal(STAT(h, HARNESS_B, tcp_delayed_acks), delacks + 2);
	}
	assert_int_equal(gro_read(&g), 6 * SEG);
	gro_finish(f, &g);
}

static void
test_gro_delayed_ack_counts_merged_segments(void **state)
{
	gro_delack(state, __func__, 0, true);
}

static void
test_gro_off_delayed_ack_same(void **state)
{
	gro_delack(state, __func__, NO_GRO, false);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown_caps)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_gro_merges_plain_in_order_run_one_ack),
		T(test_gro_off_same_run_unmerged_same_ack),
		T(test_gro_psh_ends_run),
		T(test_gro_never_merges_fin),
		T(test_gro_never_merges_rst),
		T(test_gro_never_merges_urg),
		T(test_gro_never_merges_across_tsval_change),
		T(test_gro_never_merges_across_option_change),
		T(test_gro_never_merges_across_window_or_ack_change),
		T(test_gro_never_merges_across_sequence_gap),
		T(test_gro_ooo_run_unmerged_one_dupack_each_rfc5681_4_2),
		T(test_gro_delayed_ack_counts_merged_segments),
		T(test_gro_off_delayed_ack_same),
		T(test_transfer_tso_on_gro_on_clean),
		T(test_transfer_tso_on_gro_off_clean),
		T(test_transfer_tso_off_gro_on_clean),
		T(test_transfer_tso_off_gro_off_clean),
		T(test_transfer_tso_on_gro_on_lossy),
		T(test_transfer_tso_on_gro_off_lossy),
		T(test_transfer_tso_off_gro_on_lossy),
		T(test_transfer_tso_off_gro_off_lossy),
		T(test_gro_fewer_acks_same_recovery_lossy_sack),
		T(test_gro_fewer_acks_same_recovery_lossy_nosack),
		T(test_device_tso_ipv4_clean),
		T(test_device_tso_ipv4_lossy),
		T(test_device_tso_ipv6_clean),
		T(test_device_tso_ipv6_lossy_gro_off),
		T(test_device_tso_ipv4_without_ip_cksum_offload_cut_by_tern),
		T(test_device_tso_unused_with_no_tso),
	};
	int ret;

	if (harness_eal_init("test_stack_tcp_offload") != 0)
		return 1;
	if (getenv("TERN_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("TERN_TEST_FILTER"));	/* e.g. "*gro*" */
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	harness_eal_fini();
	return ret;
}
