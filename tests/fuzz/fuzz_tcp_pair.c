/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * Two tern stacks over an impaired link (lib/tcp end to end): the
 * two-stack harness of the stack tests (tests/stack/stack_harness.c),
 * client A and server B on manual clocks, with a wire tap through which
 * the input decides the fate of every frame: deliver, drop, duplicate,
 * hold (reorder), delay or corrupt. The input also moves the clock and
 * plays the applications: writes, reads, shutdowns. A transfer of a known
 * pattern runs both ways (A->B and B->A, each up to 64 KB). When the input
 * ends the impairment stops (every held frame goes, every later frame is
 * delivered), both applications write what is left, shut down their write
 * side and read to the end, and the clock runs, bounded, until both
 * streams ended. Then:
 *
 * - Each direction arrived intact and in order: every byte read is the
 *   pattern's at its offset (checked as it is read), the end of the stream
 *   comes exactly after the last byte written before the shutdown, never
 *   earlier, and nothing is read after it.
 * - Or a connection failed, and the impairment explains it. A timeout
 *   (ETIMEDOUT) at time t needs the retry limit to have been reached: each
 *   of the at least L + 1 transmissions (L = min(retries, syn_retries)) of
 *   what timed out, or the ACK that would have answered it, was lost, so
 *   at least L + 1 frames were impaired in the window [t - W, t],
 *   W = (max(retries, syn_retries) + 2) * max(rto_max, rto_init), the
 *   longest the backoff can take. A frame is impaired from its decision
 *   until it is delivered: at that instant if dropped or corrupted, over
 *   the whole time it was held or delayed; a duplicate is not impaired.
 *   A reset (ECONNRESET) needs the peer to have failed first, or, for A,
 *   B never to have had the connection while at least syn_retries + 1
 *   frames were impaired since the start: B's syncache gave up on a
 *   SYN-ACK whose answer was lost or held, unseen by its application, and
 *   A's next segment, however late, draws a reset. Any other error, or
 *   these without their cause, is a bug.
 *   After a failure the bytes read so far were still checked.
 * - A transfer that neither completes nor fails within the bound of the
 *   last phase (W + 20 s of virtual time) stalled: a bug.
 * - Every connection of both contexts passes tcp_stream_check() (retransmit
 *   queue tree, scoreboard, sequence order, windows, queue byte counts,
 *   timers) after every step; in the sanitizer build the library's own
 *   TERN_ASSERT checks run too.
 * - Once both contexts are destroyed, both mbuf pools hold what they held
 *   before the input (harness_reset()).
 *
 * Input: 10 header bytes, the steps (as many bytes as the header says),
 * then the decisions: each frame that crosses the link takes the next
 * decision byte (past the end: deliver). Two streams, so that a mutation
 * of one decision does not shift the steps after it.
 *
 * Header:
 *   h0: bit 0 IPv6, 1 no timestamps, 2 no SACK, 3 no window scaling,
 *       4 no TSO, 5 no GRO, 6 NewReno (else CUBIC), 7 no Nagle
 *   h1: bits 0-2 retries (2 + x % 5), 3-4 syn_retries (1 + x),
 *       5-6 rto_min (20, 50, 100, 200 ms), 7 delayed ACK 5 ms (else 40)
 *   h2: bits 0-2 rto_max (rto_min times 2 + x), 3-5 send buffer
 *       (1500, 3000, 8 K, 16 K, 32 K, 64 K, 256 K, 1 M)
 *   h3: bits 0-2 receive buffer (same), 3-4 MSS (link's, 536, 1000, 1220),
 *       5 no black hole detection (PLPMTUD)
 *   h4-h5: bytes A sends to B (big-endian), h6-h7: bytes B sends to A,
 *   h8-h9: bytes of steps
 * Steps (op byte; bit 4 picks the side, A or B, where it matters):
 *   0  run the clock 1 + byte ms
 *   1  run the clock (1 + byte) * 50 ms
 *   2  write: 16-bit length (from the pattern, up to what is left)
 *   3  read: 16-bit length (0: all there is)
 *   4  shut down the write side: the stream ends after what was written
 *   5  release every held frame, newest first
 *   6  push
 *   7  toggle Nagle
 * Decisions (byte d, low 3 bits):
 *   0-2 deliver; 3 drop; 4 deliver and a copy after the next step;
 *   5 hold until 1 + (d >> 3) more frames of that direction went (or a
 *   release, or the end); 6 delay (1 + (d >> 3)) * 5 ms; 7 flip one bit
 *   (position: the next two decision bytes, big-endian, modulo the frame's
 *   bits; not in an IPv6 payload length, which no checksum covers) and
 *   deliver the copy after the next step.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack_harness.h"
#include "tcp_test.h"

#include <rte_mbuf.h>

#include "tern_tcp_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#undef MS
#undef SEC
#define MS		((uint64_t)HARNESS_MS)
#define SEC		(1000 * MS)
#define PORT_B		8080
#define MAX_HELD	256
#define IMP_RING	4096		/* impaired frames remembered */
#define MAX_STEPS	400
#define OPS_TIME_MAX	(20 * SEC)	/* virtual time the steps may take */
#define END_EXTRA	(20 * SEC)	/* last phase: W + this at most */
#define BUF_MAX		65536

/* A frame taken off the wire, to go to side @to later. */
struct held {
	struct rte_mbuf *m;
	enum harness_side to;
	uint64_t due_ns;	/* UINT64_MAX: when @after reaches 0 */
	uint32_t after;		/* frames of its direction still to pass */
	uint64_t imp;		/* its impairment record (F.imp), UINT64_MAX: none */
};

/* One frame impaired from @start to @end (UINT64_MAX: still held). */
struct imp {
	uint64_t start, end;
};

/* One direction of the transfer, by its sender. */
struct dir {
	uint32_t total;		/* bytes to send */
	uint32_t written;	/* taken by the sender's stream */
	uint32_t read;		/* read by the receiver, all checked */
	bool shut;		/* the sender shut down: the stream ends at written */
	bool eof;		/* the receiver read the end */
};

static int verbose;	/* FUZZ_TCP_PAIR_VERBOSE: 1 the outcome, 2 every frame too */

static struct {
	struct harness *h;
	const uint8_t *p;	/* the steps left */
	size_t n;
	const uint8_t *dp;	/* the decisions left */
	size_t dn;
	bool final;		/* the impairment stopped */
	struct tern_tcp_config cfg;
	uint16_t mss;
	bool v6, nodelay[HARNESS_NB_SIDES];
	struct tern_tcp_stream *lis;
	struct tern_tcp_stream *s[HARNESS_NB_SIDES];
	struct dir d[HARNESS_NB_SIDES];	/* d[X]: what X sends */
	int err[HARNESS_NB_SIDES];	/* first error of each side's stream */
	uint64_t err_t[HARNESS_NB_SIDES];
	bool connected;		/* A saw its connection open */
	bool closed;		/* the applications let go: events name freed streams */
	struct held held[MAX_HELD];
	unsigned int nb_held;
	struct imp imp[IMP_RING];
	uint64_t nb_imp;
	uint64_t window_ns;	/* W */
	uint32_t need_imp;	/* L + 1 */
	uint64_t t0;		/* start of the input */
} F;

static uint8_t buf[BUF_MAX];

static const uint32_t bufsz[8] = { 1500, 3000, 8192, 16384, 32768, 65536, 262144, 1 << 20 };
static const uint64_t rto_mins[4] = { 20 * MS, 50 * MS, 100 * MS, 200 * MS };
static const uint16_t msss[4] = { 0, 536, 1000, 1220 };

/* FUZZ_TCP_PAIR_VERBOSE: the streams' states and the counters that moved. */
static void
dump(void)
{
	unsigned int i, k;

	for (i = 0; i < HARNESS_NB_SIDES; i++) {
		struct tern_stats st = harness_stats(F.h, (enum harness_side)i);

		printf("side %c: %s, error %d;", 'A' + i, F.s[i] != NULL ?
		       tern_tcp_state_name(tern_tcp_state(F.s[i])) : "no stream", F.err[i]);
		for (k = 0; k < TERN_STATS_COUNT; k++)
			if (tern_stats_value(&st, k) != 0 && strncmp(tern_stats_name(k), "tcp_", 4) == 0)
				printf(" %s %" PRIu64, tern_stats_name(k), tern_stats_value(&st, k));
		printf("\n");
	}
}

static void __rte_noreturn
die(const char *fmt, ...)
{
	va_list ap;

	if (verbose > 0)
		dump();
	fprintf(stderr, "fuzz_tcp_pair: at %" PRIu64 " ms: ", (harness_now(F.h) - F.t0) / MS);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

static uint8_t
in_u8(void)
{
	uint8_t v = 0;

	if (F.n > 0) {
		v = *F.p++;
		F.n--;
	}
	return v;
}

static uint16_t
in_u16(void)
{
	uint16_t hi = in_u8();

	return (uint16_t)(hi << 8 | in_u8());
}

static uint8_t
dec_u8(void)
{
	uint8_t v = 0;

	if (F.dn > 0) {
		v = *F.dp++;
		F.dn--;
	}
	return v;
}

static enum harness_side
other(enum harness_side s)
{
	return s == HARNESS_A ? HARNESS_B : HARNESS_A;
}

/* The pattern byte at offset @off of what side @from sends. */
static uint8_t
pat(enum harness_side from, uint64_t off)
{
	uint64_t x = off * 0x9e3779b97f4a7c15ULL + (from == HARNESS_A ? 0x1234567 : 0x7654321);

	return (uint8_t)(x >> 56 ^ x >> 13);
}

/* ---- the link ---- */

/* A frame impaired from @now on, until @held ends (else now only). @return its record. */
static uint64_t
impaired(uint64_t now, bool held)
{
	struct imp *r = &F.imp[F.nb_imp % IMP_RING];

	r->start = now;
	r->end = held ? UINT64_MAX : now;
	return F.nb_imp++;
}

/* The frame of record @i (UINT64_MAX: none) is delivered or gone at @now. */
static void
imp_end(uint64_t i, uint64_t now)
{
	if (i != UINT64_MAX && i + IMP_RING >= F.nb_imp)
		F.imp[i % IMP_RING].end = now;
}

/* Frames impaired at some time in [@now - W, @now]. */
static uint32_t
impaired_recent(uint64_t now)
{
	uint64_t i, lo = now > F.window_ns ? now - F.window_ns : 0;
	uint32_t c = 0;

	for (i = F.nb_imp > IMP_RING ? F.nb_imp - IMP_RING : 0; i < F.nb_imp; i++)
		if (F.imp[i % IMP_RING].end >= lo)
			c++;
	return c;
}

/* Keep a copy of @m for side @to. @return false if it could not be kept. */
static bool
hold(struct rte_mbuf *m, enum harness_side to, uint64_t due, uint32_t after, uint64_t imp)
{
	struct rte_mbuf *c;

	if (F.nb_held == MAX_HELD)
		return false;
	c = rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);
	if (c == NULL)
		return false;
	F.held[F.nb_held].m = c;
	F.held[F.nb_held].to = to;
	F.held[F.nb_held].due_ns = due;
	F.held[F.nb_held].after = after;
	F.held[F.nb_held].imp = imp;
	F.nb_held++;
	return true;
}

/* Flip one bit of @m, not in an IPv6 payload length (no checksum covers it). */
static void
flip(struct rte_mbuf *m, uint16_t pos)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t bits = m->data_len * 8u, bit = pos % bits, byte = bit / 8;

	if (F.v6 && (byte == 14 + 4 || byte == 14 + 5))
		byte += 2;
	p[byte] ^= (uint8_t)(1u << (bit % 8));
}

static void
trace(enum harness_side from, const struct rte_mbuf *m, uint64_t now, uint8_t d)
{
	static const char *const what[8] = { "", "", "", "DROP", "DUP", "HOLD", "DELAY", "FLIP" };
	struct seg_rec r;

	if (!seg_parse(m, &r)) {
		printf("%8.3f %c> not TCP %s\n", (double)(now - F.t0) / MS, 'A' + from, what[d & 7]);
		return;
	}
	printf("%8.3f %c> %s%s%s%s%s seq %u ack %u len %u wnd %u%s%s %s\n",
	       (double)(now - F.t0) / MS, 'A' + from, r.flags & TH_SYN ? "S" : "",
	       r.flags & TH_FIN ? "F" : "", r.flags & TH_RST ? "R" : "",
	       r.flags & TH_PSH ? "P" : "", r.flags & TH_ACK ? "." : "", r.seq, r.ack, r.len,
	       r.wnd, r.nb_sack > 0 ? " sack" : "", r.has_ws ? (r.ws > 0 ? " ws>0" : " ws0") : "",
	       what[d & 7]);
	if (verbose >= 3 && F.s[from] != NULL)
		printf("          (%c: una %u nxt %u max %u wnd %u wl1 %u wl2 %u backoff %u)\n",
		       'A' + from, F.s[from]->snd_una, F.s[from]->snd_nxt, F.s[from]->snd_max,
		       F.s[from]->snd_wnd, F.s[from]->snd_wl1, F.s[from]->snd_wl2,
		       F.s[from]->backoff);
}

static bool
tap(void *arg, enum harness_side from, struct rte_mbuf *m, uint64_t now)
{
	enum harness_side to = other(from);
	unsigned int i;
	uint64_t imp;
	uint8_t d;

	(void)arg;
	for (i = 0; i < F.nb_held; i++)
		if (F.held[i].to == to && F.held[i].after > 0 && --F.held[i].after == 0)
			F.held[i].due_ns = now;
	d = F.final ? 0 : dec_u8();
	if (verbose >= 2)
		trace(from, m, now, d);
	if (F.final)
		return false;
	switch (d & 7) {
	case 3:
		impaired(now, false);
		return true;
	case 4:
		hold(m, to, now, 0, UINT64_MAX);
		return false;
	case 5:
		imp = impaired(now, true);
		if (!hold(m, to, UINT64_MAX, 1u + (d >> 3), imp))
			imp_end(imp, now);
		return true;
	case 6:
		imp = impaired(now, true);
		if (!hold(m, to, now + (1u + (d >> 3)) * 5 * MS, 0, imp))
			imp_end(imp, now);
		return true;
	case 7:
		if (m->nb_segs == 1 && m->data_len > 0 &&
		    hold(m, to, now, 0, impaired(now, false)))
			flip(F.held[F.nb_held - 1].m,
			     (uint16_t)(dec_u8() << 8 | dec_u8()));
		return true;
	default:
		return false;
	}
}

/* Hand the held frames that are due (@all: every one, newest first) to their side. */
static void
release(bool all)
{
	struct held go[MAX_HELD];
	unsigned int i, k = 0, n = 0;
	uint64_t now = harness_now(F.h);

	if (all) {
		for (i = F.nb_held; i > 0; i--)
			go[n++] = F.held[i - 1];
		F.nb_held = 0;
	} else {
		for (i = 0; i < F.nb_held; i++) {
			if (F.held[i].due_ns <= now)
				go[n++] = F.held[i];
			else
				F.held[k++] = F.held[i];
		}
		F.nb_held = k;
	}
	/* delivering may put more on hold: that waits for the next call */
	for (i = 0; i < n; i++) {
		imp_end(go[i].imp, now);
		harness_inject(F.h, go[i].to, go[i].m);
	}
}

static void
free_held(void)
{
	unsigned int i;

	for (i = 0; i < F.nb_held; i++)
		rte_pktmbuf_free(F.held[i].m);
	F.nb_held = 0;
}

/* ---- the applications ---- */

static void
check_all(void)
{
	unsigned int i, n;

	for (i = 0; i < HARNESS_NB_SIDES; i++) {
		struct tern_tcp_stream *x;
		struct tcp_pool_iter it;

		n = 0;
		TCP_FOREACH_STREAM(tcpc(harness_ctx(F.h, (enum harness_side)i)), it, x) {
			if (++n > 64)
				die("side %c: the stream list does not end", 'A' + i);
			if ((x->tf & TF_DONE) || (x->tf & TF_LISTENER))
				continue;
			if (tcp_stream_check_print(x) != 0)
				die("side %c: connection invariant broken", 'A' + i);
		}
	}
}

/* Side @s's stream failed with @err now: is the impairment the cause? */
static void
on_error(enum harness_side s, int err)
{
	uint64_t now = harness_now(F.h);
	uint32_t imp = impaired_recent(now);

	if (F.err[s] != 0)
		return;
	F.err[s] = err;
	F.err_t[s] = now;
	if (verbose)
		printf("side %c: error %d at %" PRIu64 " ms, %u frames impaired in the last "
		       "%" PRIu64 " ms\n", 'A' + s, err, (now - F.t0) / MS, imp,
		       F.window_ns / MS);
	if (err == -ETIMEDOUT) {
		if (imp < F.need_imp)
			die("side %c timed out with %u frames impaired in the last %" PRIu64
			     " ms (needs %u)", 'A' + s, imp, F.window_ns / MS, F.need_imp);
	} else if (err == -ECONNRESET) {
		if (F.err[other(s)] == 0 &&
		    !(s == HARNESS_A && F.s[HARNESS_B] == NULL && F.nb_imp > F.cfg.syn_retries))
			die("side %c was reset, the peer did not fail%s, %" PRIu64 " frames "
			    "impaired", 'A' + s, F.s[HARNESS_B] == NULL ? " (B never had it)" : "",
			    F.nb_imp);
	} else {
		die("side %c: error %d", 'A' + s, err);
	}
}

static void
app_write(enum harness_side s, uint32_t len)
{
	struct dir *d = &F.d[s];
	uint32_t left = d->total - d->written, off, i;
	ssize_t r;

	if (F.s[s] == NULL || d->shut || F.err[s] != 0)
		return;
	if (len > left)
		len = left;
	while (len > 0) {
		uint32_t n = RTE_MIN(len, (uint32_t)BUF_MAX);

		off = d->written;
		for (i = 0; i < n; i++)
			buf[i] = pat(s, off + i);
		r = tern_tcp_write(F.s[s], buf, n);
		if (r <= 0) {
			if (r != -EAGAIN && r != -ENOTCONN && r != -ECONNRESET &&
			    r != -ETIMEDOUT && r != -ENOBUFS)
				die("side %c: write: %zd", 'A' + s, r);
			return;
		}
		if ((uint32_t)r > n)
			die("side %c: write took %zd of %u", 'A' + s, r, n);
		d->written += (uint32_t)r;
		len -= (uint32_t)r;
		if ((uint32_t)r < n)
			return;
	}
}

static void
app_shut(enum harness_side s)
{
	int r;

	if (F.s[s] == NULL || F.d[s].shut || F.err[s] != 0)
		return;
	r = tern_tcp_shutdown(F.s[s], 1);
	if (r == 0)
		F.d[s].shut = true;
	else if (r != -ENOTCONN)
		die("side %c: shutdown: %d", 'A' + s, r);
}

/* Side @s reads up to @len bytes (0: all there is) of what the other sends. */
static void
app_read(enum harness_side s, uint32_t len)
{
	struct dir *d = &F.d[other(s)];
	uint32_t want = len == 0 ? UINT32_MAX : len, i;
	ssize_t r;

	if (F.s[s] == NULL || F.err[s] != 0)
		return;
	while (want > 0) {
		r = tern_tcp_read(F.s[s], buf, RTE_MIN(want, (uint32_t)BUF_MAX));
		if (r > 0) {
			if (d->eof)
				die("side %c read %zd bytes after the end", 'A' + s, r);
			if (d->read + (uint64_t)r > d->written)
				die("side %c read %zd bytes at %u: more than the %u written",
				     'A' + s, r, d->read, d->written);
			for (i = 0; i < (uint32_t)r; i++)
				if (buf[i] != pat(other(s), d->read + i))
					die("side %c: byte %u of the stream is wrong",
					     'A' + s, d->read + i);
			d->read += (uint32_t)r;
			want -= (uint32_t)r;
			continue;
		}
		if (r == 0) {
			if (d->eof)
				return;
			if (F.err[s] != 0)
				return;
			if (!d->shut || d->read != d->written)
				die("side %c: the stream ended at %u, %u written%s", 'A' + s,
				     d->read, d->written, d->shut ? "" : ", no shutdown");
			d->eof = true;
			return;
		}
		if (r == -EAGAIN || r == -ENOTCONN)
			return;
		/* the error event says when; this only stops reading */
		return;
	}
}

static void
poll_events(void)
{
	struct tern_event ev[HARNESS_NB_SIDES][64];
	unsigned int i, k, pass, n[HARNESS_NB_SIDES];

	for (i = 0; i < HARNESS_NB_SIDES; i++)
		n[i] = tern_ctx_events(harness_ctx(F.h, (enum harness_side)i), ev[i],
				       RTE_DIM(ev[i]));
	/* a failure before the reset it may cause (both in the same step) */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < HARNESS_NB_SIDES; i++) {
			for (k = 0; k < n[i]; k++) {
				struct tern_event *e = &ev[i][k];

				if (pass == 0 && e->type == TERN_EV_CONNECTED &&
				    e->obj == F.s[HARNESS_A])
					F.connected = true;
				if (e->type != TERN_EV_ERROR || F.closed ||
				    (e->err == -ECONNRESET) != (pass == 1))
					continue;
				if (e->obj == F.s[i])
					on_error((enum harness_side)i, e->err);
				else if (e->obj != F.lis)
					die("side %c: error %d on a stream not ours", 'A' + i,
					    e->err);
			}
		}
	}
	if (F.s[HARNESS_B] == NULL && F.lis != NULL) {
		struct tern_tcp_stream *s;

		if (tern_tcp_accept_burst(F.lis, &s, 1) == 1) {
			F.s[HARNESS_B] = s;
			if (F.nodelay[HARNESS_B])
				tern_tcp_set_nodelay(s, true);
		}
	}
}

/* One clock step of @ns (at most 1 ms), then what follows it. */
static void
step(uint64_t ns)
{
	harness_run(F.h, ns);
	release(false);
	poll_events();
	check_all();
}

static void
run(uint64_t ns)
{
	uint64_t end = harness_now(F.h) + ns;

	while (harness_now(F.h) < end)
		step(RTE_MIN((uint64_t)MS, end - harness_now(F.h)));
}

/* ---- one input ---- */

static void
configure(void)
{
	uint8_t h0 = in_u8(), h1 = in_u8(), h2 = in_u8(), h3 = in_u8();
	struct tern_tcp_config *c = &F.cfg;
	uint16_t len;
	uint64_t top;

	memset(c, 0, sizeof(*c));
	F.v6 = h0 & 1;
	if (h0 & 2)
		c->flags |= TERN_TCP_CFG_NO_TS;
	if (h0 & 4)
		c->flags |= TERN_TCP_CFG_NO_SACK;
	if (h0 & 8)
		c->flags |= TERN_TCP_CFG_NO_WSCALE;
	if (h0 & 16)
		c->flags |= TERN_TCP_CFG_NO_TSO;
	if (h0 & 32)
		c->flags |= TERN_TCP_CFG_NO_GRO;
	c->cc = (h0 & 64) ? "newreno" : "cubic";
	F.nodelay[HARNESS_A] = F.nodelay[HARNESS_B] = h0 & 128;
	c->retries = 2 + (h1 & 7) % 5;
	c->syn_retries = 1 + (h1 >> 3 & 3);
	c->rto_min_ns = rto_mins[h1 >> 5 & 3];
	c->delack_ns = (h1 & 128) ? 5 * MS : 40 * MS;
	c->rto_max_ns = c->rto_min_ns * (2 + (h2 & 7));
	c->rto_init_ns = RTE_MAX(c->rto_min_ns, c->rto_max_ns / 2);
	c->sndbuf = bufsz[h2 >> 3 & 7];
	c->rcvbuf = bufsz[h3 & 7];
	F.mss = msss[h3 >> 3 & 3];
	if (h3 & 32)
		c->flags |= TERN_TCP_CFG_NO_PLPMTUD;
	c->max_conns = 16;
	c->syncache_size = 16;
	c->timewait_max = 16;
	c->msl_ns = 500 * MS;
	c->fin_wait2_ns = 2 * SEC;
	top = RTE_MAX(c->rto_max_ns, c->rto_init_ns);
	F.window_ns = (RTE_MAX(c->retries, c->syn_retries) + 2) * top;
	F.need_imp = RTE_MIN(c->retries, c->syn_retries) + 1;
	F.d[HARNESS_A].total = in_u16();
	F.d[HARNESS_B].total = in_u16();
	len = in_u16();
	F.dp = F.p + RTE_MIN((size_t)len, F.n);
	F.dn = F.n - (size_t)(F.dp - F.p);
	F.n = (size_t)(F.dp - F.p);
}

static void
open_conn(void)
{
	struct tern_tcp_param p = { 0 };
	uint8_t fam = F.v6 ? 6 : 4;

	p.local = harness_addr(HARNESS_B, fam, PORT_B);
	p.backlog = 4;
	p.mss = F.mss;
	F.lis = tern_tcp_listen(harness_ctx(F.h, HARNESS_B), &p);
	if (F.lis == NULL)
		die("listen");
	memset(&p, 0, sizeof(p));
	p.local = harness_addr(HARNESS_A, fam, 0);
	p.remote = harness_addr(HARNESS_B, fam, PORT_B);
	p.mss = F.mss;
	if (F.nodelay[HARNESS_A])
		p.flags |= TERN_TCP_F_NODELAY;
	F.s[HARNESS_A] = tern_tcp_connect(harness_ctx(F.h, HARNESS_A), &p);
	if (F.s[HARNESS_A] == NULL)
		die("connect");
}

static void
do_step(void)
{
	uint8_t op = in_u8();
	enum harness_side s = (op & 16) ? HARNESS_B : HARNESS_A;

	switch (op & 7) {
	case 0:
		run((1u + in_u8()) * MS);
		break;
	case 1:
		run((1u + in_u8()) * 50 * MS);
		break;
	case 2:
		app_write(s, in_u16());
		break;
	case 3:
		app_read(s, in_u16());
		break;
	case 4:
		app_shut(s);
		break;
	case 5:
		release(true);
		break;
	case 6:
		if (F.s[s] != NULL)
			tern_tcp_push(F.s[s]);
		break;
	case 7:
		if (F.s[s] != NULL) {
			F.nodelay[s] = !F.nodelay[s];
			tern_tcp_set_nodelay(F.s[s], F.nodelay[s]);
		}
		break;
	}
	step(0);
}

static bool
all_done(void)
{
	unsigned int i;

	for (i = 0; i < HARNESS_NB_SIDES; i++)
		if (F.err[i] != 0)
			return true;
	return F.d[HARNESS_A].eof && F.d[HARNESS_B].eof;
}

/* No more impairment: both sides finish their transfer, the clock runs, bounded. */
static void
finish(void)
{
	uint64_t end = harness_now(F.h) + F.window_ns + END_EXTRA;
	unsigned int i;

	F.final = true;
	release(true);
	step(0);
	while (!all_done()) {
		if (harness_now(F.h) >= end)
			die("stalled: A->B %u of %u read (%u written%s), B->A %u of %u read "
			     "(%u written%s), A %s, B %s",
			     F.d[HARNESS_A].read, F.d[HARNESS_A].total, F.d[HARNESS_A].written,
			     F.d[HARNESS_A].shut ? ", shut" : "",
			     F.d[HARNESS_B].read, F.d[HARNESS_B].total, F.d[HARNESS_B].written,
			     F.d[HARNESS_B].shut ? ", shut" : "",
			     F.s[HARNESS_A] != NULL ?
				     tern_tcp_state_name(tern_tcp_state(F.s[HARNESS_A])) : "-",
			     F.s[HARNESS_B] != NULL ?
				     tern_tcp_state_name(tern_tcp_state(F.s[HARNESS_B])) : "-");
		for (i = 0; i < HARNESS_NB_SIDES; i++) {
			enum harness_side s = (enum harness_side)i;

			app_write(s, UINT32_MAX);
			if (F.d[s].written == F.d[s].total)
				app_shut(s);
			app_read(s, 0);
		}
		step(MS);
	}
	/* a failure: the other side has the time of a timeout to see it too */
	if (F.err[HARNESS_A] != 0 || F.err[HARNESS_B] != 0) {
		end = harness_now(F.h) + F.window_ns;
		while (harness_now(F.h) < end && (F.err[HARNESS_A] == 0 || F.err[HARNESS_B] == 0)) {
			for (i = 0; i < HARNESS_NB_SIDES; i++)
				app_read((enum harness_side)i, 0);
			step(MS);
		}
	}
}

static void
teardown(void)
{
	tern_tcp_close(F.s[HARNESS_A]);
	tern_tcp_close(F.s[HARNESS_B]);
	tern_tcp_close(F.lis);
	F.s[HARNESS_A] = F.s[HARNESS_B] = F.lis = NULL;
	F.closed = true;
	run(10 * MS);
	free_held();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct tern_tcp_config c = { 0 };

	(void)argc;
	(void)argv;
	if (F.h != NULL)
		return 0;
	/* a cmocka assertion in the harness aborts (else it would exit) */
	setenv("CMOCKA_TEST_ABORT", "1", 1);
	if (getenv("FUZZ_TCP_PAIR_VERBOSE") != NULL)
		verbose = atoi(getenv("FUZZ_TCP_PAIR_VERBOSE"));
	if (verbose > 0)
		setvbuf(stdout, NULL, _IOLBF, 0);
	if (harness_eal_init("tcp_pair") != 0)
		abort();
	c.max_conns = 16;
	c.syncache_size = 16;
	c.timewait_max = 16;
	F.h = harness_create_tcp(NULL, NULL, &c);
	if (F.h == NULL)
		abort();
	harness_set_tap(F.h, tap, NULL);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct harness *h;
	struct tern_tcp_config idle = { 0 };
	unsigned int steps = 0;

	LLVMFuzzerInitialize(NULL, NULL);
	h = F.h;
	memset(&F, 0, sizeof(F));
	F.h = h;
	F.p = data;
	F.n = size;
	configure();
	if (harness_reset(F.h, &F.cfg) != 0)
		die("harness_reset");
	F.t0 = harness_now(F.h);
	if (verbose)
		printf("input: %s, A->B %u bytes, B->A %u, retries %u, syn_retries %u, rto "
		       "%" PRIu64 "-%" PRIu64 " ms, bufs %u/%u, W %" PRIu64 " ms, L+1 %u\n",
		       F.v6 ? "IPv6" : "IPv4", F.d[HARNESS_A].total, F.d[HARNESS_B].total,
		       F.cfg.retries, F.cfg.syn_retries, F.cfg.rto_min_ns / MS,
		       F.cfg.rto_max_ns / MS, F.cfg.sndbuf, F.cfg.rcvbuf, F.window_ns / MS,
		       F.need_imp);
	open_conn();
	step(0);
	while (F.n > 0 && steps++ < MAX_STEPS && harness_now(F.h) - F.t0 < OPS_TIME_MAX &&
	       !all_done())
		do_step();
	finish();
	if (verbose)
		printf("done at %" PRIu64 " ms: A->B %u/%u, B->A %u/%u, errors %d %d, "
		       "%" PRIu64 " frames impaired\n", (harness_now(F.h) - F.t0) / MS,
		       F.d[HARNESS_A].read, F.d[HARNESS_A].total, F.d[HARNESS_B].read,
		       F.d[HARNESS_B].total, F.err[HARNESS_A], F.err[HARNESS_B], F.nb_imp);
	teardown();
	idle.max_conns = 16;
	idle.syncache_size = 16;
	idle.timewait_max = 16;
	if (harness_reset(F.h, &idle) != 0)
		die("mbufs missing after the input");
	return 0;
}
