/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_TCP_PRIV_H
#define TERN_TCP_PRIV_H

/* Internal view of the TCP layer. Not installed. */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_tcp.h>
#if defined(RTE_ARCH_X86_64) && defined(__SSE4_2__)
#include <nmmintrin.h>
#endif

#include <tern/tern_tcp.h>

#include "tern_net_priv.h"
#include "tern_tcp_seq.h"
#include "tcp_opt.h"
#include "tcp_rtxq.h"
#include "tcp_ooo.h"
#include "tcp_cookie.h"
#include "tcp_cc.h"
#include "tcp_pool.h"

/* ISN generation (RFC 6528), lib/tcp/tcp_isn.c */

/* The 128-bit secret of the ISN function: one per process or per context. */
struct tern_tcp_isn_secret {
	uint8_t key[16];
};

/*
 * SipHash-2-4 (Aumasson and Bernstein, 2012) of @len bytes at @msg under
 * the 16-byte key @key: the 64-bit result, key and message read as little
 * endian words as the paper specifies.
 */
uint64_t siphash24(const uint8_t key[16], const void *msg, size_t len);

/*
 * Set up @secret: copy the 16 bytes of @key, or, if @key is NULL, fill it
 * from the kernel's random source (getrandom(2)).
 * @return 0; -errno of getrandom(2) if it fails (@secret is then zeroed:
 *         do not fall back to a guessable key).
 */
int tcp_isn_init(struct tern_tcp_isn_secret *secret, const uint8_t *key);

/*
 * RFC 6528 initial sequence number for an IPv4 connection:
 *   ISN = M + F(localip, localport, remoteip, remoteport, secretkey)
 * with M = @now_ns / 4000 (a 4-microsecond timer) and F the low 32 bits of
 * SipHash-2-4 of the 4-tuple under @secret.
 * Addresses and ports are in network byte order, as in the headers.
 * *@ts_off (@ts_off may be NULL): the connection's timestamp offset (RFC
 * 7323 5.4, 7.1), the high 32 bits of the same hash: one SipHash a
 * connection for both, each half as unpredictable as the other.
 */
uint32_t tcp_isn4(const struct tern_tcp_isn_secret *secret,
		       uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport,
		       uint64_t now_ns, uint32_t *ts_off);

/* Same for IPv6: @laddr and @raddr are the 16 bytes of each address. */
uint32_t tcp_isn6(const struct tern_tcp_isn_secret *secret,
		       const uint8_t laddr[16], uint16_t lport,
		       const uint8_t raddr[16], uint16_t rport, uint64_t now_ns,
		       uint32_t *ts_off);



/* ---------------------------------------------------------------------- */
/* Control blocks */

/* Header flags */
#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_PSH	0x08
#define TH_ACK	0x10
#define TH_URG	0x20

/* Headroom a segment needs in front of its TCP header: IP + Ethernet + VLAN. */
#define TCP_HDR_ROOM		(40 + RTE_ETHER_HDR_LEN + 4)
#define TCP_EPHEMERAL_LO	32768
#define TCP_EPHEMERAL_HI	60999
#define TCP_DEF_BACKLOG		128
#define TCP_MAX_BUF		(1u << 30)
/* TSO only below this MSS: each packet is copied into its header mbuf's tailroom */
#define TCP_TSO_MSS_MAX		1900
#define TCP_TS_HZ		1000		/* timestamp clock: 1 ms */
#define TCP_RTT_SHIFT		3		/* srtt kept << 3 */
#define TCP_RTTVAR_SHIFT	2		/* rttvar kept << 2 */
#define TCP_PAWS_IDLE_NS	(24ULL * 24 * 3600 * 1000000000ULL)	/* RFC 7323 5.5 */

/*
 * The 4-tuple key of the connection hash (rte_hash). IPv4 addresses take the
 * first 4 bytes of each array, the rest is zero.
 */
struct tern_tcp_key {
	uint8_t raddr[16];
	uint8_t laddr[16];
	uint16_t rport;		/* network order */
	uint16_t lport;
	uint8_t family;
	uint8_t plen;		/* a transparent listener's prefix length; 0 in a connection's */
	uint8_t pad[2];
};

uint32_t tcp_key_hv_sw(const struct tern_tcp_key *k);

/*
 * The connection hash's value of @k: rte_hash_crc() of the 40 bytes with
 * an initial value of 0 (what the hash's own function returns), unrolled
 * into the five 8-byte words without the per-word check of the CPU's
 * algorithm. Computed once per key and handed to the rte_hash_*_with_hash
 * calls.
 */
static inline uint32_t
tcp_key_hv(const struct tern_tcp_key *k)
{
#if defined(RTE_ARCH_X86_64) && defined(__SSE4_2__)
	uint64_t w[5], h = 0;

	RTE_BUILD_BUG_ON(sizeof(*k) != sizeof(w));
	memcpy(w, k, sizeof(w));
	h = _mm_crc32_u64(h, w[0]);
	h = _mm_crc32_u64(h, w[1]);
	h = _mm_crc32_u64(h, w[2]);
	h = _mm_crc32_u64(h, w[3]);
	h = _mm_crc32_u64(h, w[4]);
	return (uint32_t)h;
#else
	return tcp_key_hv_sw(k);
#endif
}

/* What the hash's data pointer is: the low two bits tag it. */
#define TCP_REC_TCB	0u
#define TCP_REC_SYN	1u
#define TCP_REC_TW	2u
#define TCP_REC_MASK	3u

/* Per-connection timers, folded onto one wheel timer armed at the earliest. */
/* What the TCP_T_RTX deadline stands for (rtx_kind). */
#define TCP_RTX_RTO	0	/* retransmission timeout (RFC 6298) */
#define TCP_RTX_TLP	1	/* probe timeout (RFC 8985 7.2) */
#define TCP_RTX_REO	2	/* RACK reordering timer (RFC 8985 6.3) */

enum tcp_timer_id {
	TCP_T_RTX = 0,		/* retransmission (and SYN) */
	TCP_T_PERSIST,		/* zero-window probe */
	TCP_T_DELACK,		/* delayed ACK */
	TCP_T_KEEP,		/* keepalive, FIN_WAIT_2 and connection-establishment timeouts */
	TCP_T_NB,
};

/* tern_tcp_stream.tf: per-connection flags */
#define TF_ACK_NOW	(1u << 0)	/* send an ACK at the next output */
#define TF_DELACK	(1u << 1)	/* an ACK is owed (delayed) */
#define TF_NODELAY	(1u << 2)
#define TF_KEEPALIVE	(1u << 3)
#define TF_TS_OK	(1u << 4)	/* timestamps negotiated */
#define TF_SACK_OK	(1u << 5)
#define TF_WS_OK	(1u << 6)
#define TF_FIN_QUEUED	(1u << 7)	/* the app shut the write side: FIN after the data */
#define TF_FIN_SENT	(1u << 8)
#define TF_RD_SHUT	(1u << 9)	/* read side shut */
#define TF_APP_CLOSED	(1u << 10)	/* handle closed: free when done */
#define TF_DIRTY	(1u << 11)	/* on the context's output list */
#define TF_READABLE_POSTED (1u << 12)
#define TF_WANT_WRITABLE (1u << 13)
#define TF_FIN_RCVD	(1u << 14)	/* the peer's FIN was taken in order */
#define TF_LISTENER	(1u << 15)
#define TF_PUSH		(1u << 16)	/* send queued data now, Nagle aside */
#define TF_IN_RECOVERY	(1u << 17)	/* fast recovery (NewReno) */
#define TF_SYN_RECV_PASSIVE (1u << 18)	/* made by a listener: accept queue */
#define TF_ACCEPTED	(1u << 19)	/* handed to the application */
#define TF_IN_HASH	(1u << 20)
#define TF_CONNECTED_POSTED (1u << 21)
#define TF_CLOSED_POSTED (1u << 22)
#define TF_ERROR_POSTED	(1u << 23)
#define TF_OOO_FIN	(1u << 24)	/* ooo_fin holds a FIN past a gap */
#define TF_DONE		(1u << 25)	/* no connection left: CLOSED, or TIME_WAIT in a record */
#define TF_LOSS		(1u << 26)	/* recovering from a timeout (RFC 6675 5.1) */
#define TF_DSACK	(1u << 27)	/* dsack[] goes first in the next SACK option */
#define TF_TLP_RTX	(1u << 28)	/* the tail loss probe was a retransmission */
#define TF_ERR_TAKEN	(1u << 29)	/* the error was reported and cleared (SO_ERROR) */
#define TF_TRANSPARENT	(1u << 30)	/* a local address not ours, or a transparent listener */
#define TF_SYN_HELD	(1u << 31)	/* SYN taken, SYN-ACK not sent: the application decides */

static inline uint32_t
tcp_min(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static inline uint32_t
tcp_max(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

struct tern_tcp_ctx;

/*
 * What only a listener has, allocated with it (tcp_stream.c), so that the
 * control block of every connection does not carry it. A listener's
 * snd_buf and rcv_buf are the buffer sizes its connections inherit.
 */
struct tcp_listen {
	struct tern_tcp_stream *lnext;	/* listener list of the same port bucket */
	struct tern_tcp_stream *aq_head;	/* established, not yet accepted */
	struct tern_tcp_stream *aq_tail;
	uint32_t aq_len;
	uint32_t backlog;
	uint32_t param_flags;		/* TERN_TCP_F_* to inherit */
	uint16_t param_mss;
	/*
	 * A transparent listener's rule (tcp_tproxy.c): key.laddr and
	 * key.plen the prefix, key.lport the first port, this the last (host order).
	 */
	uint16_t tp_port_hi;
};

/*
 * The loss-recovery state of a connection (tcp_sack.c): the retransmit
 * queue, its scoreboard and what lives only while data is in flight or a
 * recovery is on. A connection holds one from the context's pool
 * (tcp_rec_get()) from its first entry in the retransmit queue until the
 * queue empties with no recovery on (tcp_rec_put()); in between, ->rec
 * points at tcp_rec_none, a read-only block of zeroes: an empty queue,
 * empty lists, zero counters, so that readers need no test (a write to it
 * faults). What outlives the queue (RACK's latest delivery, the undo and
 * TLP episodes, the reordering window) stays in the control block.
 */
struct tcp_rec {
	struct tern_tcp_rtxq rtxq;	/* sent, not acknowledged */
	struct tern_tcp_seg *sent_head;	/* in flight, not SACKed, by transmission time */
	struct tern_tcp_seg *sent_tail;
	struct tern_tcp_seg *lost_head;	/* marked lost, waiting for retransmission */
	struct tern_tcp_seg *lost_tail;
	uint32_t sacked_out;		/* bytes of rtxq SACKed */
	uint32_t lost_out;		/* bytes marked lost (retransmitted or not) */
	uint32_t retrans_out;		/* bytes retransmitted, still in flight */
	uint32_t high_sacked;		/* end of the highest SACKed byte */
	uint32_t sack_cache[TERN_TCP_SACK_MAX][2];	/* blocks of the last ACK, done */
	uint32_t rack_rtt_us;		/* RACK.rtt */
	uint32_t prr_delivered;		/* RFC 6937 */
	uint32_t prr_out;
	uint32_t recover_fs;
	uint8_t nb_sack_cache;
};

/* What ->rec of a connection with nothing in flight points at (tcp_ctx.c): read only. */
extern const struct tcp_rec tcp_rec_none;

/*
 * A listener or a connection. The fields first in the record (about the
 * first two cache lines) are what every segment touches: state, sequence
 * variables, windows, timestamps, RTT, the queues; the rest is colder.
 */
struct tern_tcp_stream {
	/* --- hot: input --- */
	uint8_t state;
	uint8_t snd_ws;			/* peer's shift, applied to its windows */
	uint8_t rcv_ws;			/* ours */
	uint8_t dupacks;
	uint32_t tf;			/* TF_* */
	uint32_t rcv_nxt;
	uint32_t rcv_adv;		/* right edge of the window advertised */
	uint32_t snd_una;
	uint32_t snd_nxt;
	uint32_t snd_max;		/* highest sequence sent + 1 */
	uint32_t snd_wnd;		/* peer's window, bytes */
	uint32_t snd_wl1;
	uint32_t snd_wl2;
	uint32_t max_sndwnd;
	uint32_t ts_recent;
	uint32_t ts_off;		/* our timestamp clock's offset */
	uint16_t mss;			/* we send at most */
	uint16_t rcv_mss;		/* we announced */
	uint32_t recover;		/* snd_max when recovery began (RFC 6582, RFC 6675) */
	uint32_t segs_unacked;		/* full segments received since our last ACK */
	uint32_t ts_recent_t;		/* when ts_recent was set, tcp_t20() */
	uint32_t invalid_ack_t;		/* last ACK to an invalid segment (rate limit), tcp_t20(); 0: none */
	uint32_t last_ack_sent;		/* RCV.NXT of our last ACK (RFC 7323 4.3) */
	uint32_t ooo_fin;		/* sequence of a FIN received out of order */

	/* --- hot: output, RTT, queues --- */
	uint32_t srtt;			/* us << 3 */
	uint32_t rttvar;		/* us << 2 */
	uint32_t rto_us;
	uint8_t backoff;		/* consecutive RTOs, or zero-window probes */
	uint8_t keepcnt;		/* keepalive probes; 0: the context's (tcp_keepcnt()) */
	uint8_t pprobes;		/* zero-window probes without an answer */
	uint8_t kprobes;		/* keepalive probes without an answer */
	int16_t soft_err;		/* last ICMP soft error, reported on a timeout (tcp_icmp.c) */
	int16_t err;			/* pending error, negative errno */
	uint32_t snd_buf;		/* bytes queued (unsent + unacked) at most */
	uint32_t rcv_buf;
	uint32_t sndq_bytes;		/* unsent, in sndq */
	struct rte_mbuf *sndq_head;	/* unsent data: single-segment mbufs */
	struct rte_mbuf *sndq_tail;
	struct rte_mbuf *rcvq_head;	/* in-order data for the application */
	struct rte_mbuf *rcvq_tail;
	uint32_t rcvq_bytes;
	uint32_t rtxq_bytes;		/* sequence space in rtxq (sent, unacked) */
	struct tcp_rec *rec;		/* loss recovery: &tcp_rec_none while nothing is in flight */
	struct tern_tcp_ooo *ooo;	/* allocated at the first gap */

	/* --- loss recovery and congestion control (tcp_sack.c, tcp_cc_*.c) --- */
	/*
	 * cwnd, ssthresh, the algorithm's state: a block of the context's pool
	 * (tcp_cc_get()), taken when the connection first queues something to
	 * send and kept until it goes; NULL before (an idle connection that
	 * has sent nothing carries none: tcp_cwnd() is then the initial window).
	 */
	struct tcp_cc_conn *cc;
	uint8_t rtx_kind;		/* what TCP_T_RTX is now: TCP_RTX_* */
	uint8_t rack_reord;		/* reordering seen: keep a reordering window */
	uint8_t rack_reo_mult;		/* RFC 8985 6.2: reo_wnd multiplier (D-SACK) */
	uint8_t cc_id;			/* congestion control: tcp_cc_of(); 0: none yet */
	uint32_t rack_end_seq;		/* RACK.end_seq */
	uint64_t rack_xmit_ns;		/* RACK.xmit_ts: latest transmission delivered */
	uint32_t min_rtt_us;
	uint32_t undo_marker;		/* snd_una when the reduction began; 0: none to undo */
	int32_t undo_retrans;		/* retransmissions not shown spurious by D-SACK */
	uint32_t retrans_tsval;		/* tsval of the first retransmission (Eifel, RFC 3522) */
	uint32_t tlp_high_seq;		/* RFC 8985 7: snd_max at the probe; 0: none */
	uint32_t dsack[2];		/* D-SACK block to send next (RFC 2883), if TF_DSACK */
	uint32_t pmtu_gen;		/* the path MTU cache's generation when it was read */

	/* --- colder --- */
	struct tern_tcp_ctx *tc;	/* (the context: tc->ctx) */
	uint32_t tmr[TCP_T_NB];		/* deadlines: tcp_tmr_units(); 0: off */
	struct tern_timer timer;
	uint32_t idle_t;		/* last segment received, tcp_t20() */
	/* keepalive settings of this stream; 0: the context's (tcp_keepidle_ns() ...) */
	uint32_t keepidle_ms;
	uint32_t keepintvl_ms;
	uint32_t segs_retrans;		/* (wraps, as Linux's tcpi_total_retrans) */
	uint32_t iss;
	uint32_t irs;
	struct tern_tcp_key key;	/* remote and local */
	struct net_dest dest;		/* route and headers, resolved once */
	uint16_t peer_mss;		/* as offered (or the default): the MSS again */
	uint16_t pmtu;			/* path MTU from the cache; 0: the link's */
	uint64_t udata;
	union {
		/* connection, until it is queued for accept: the listener that made it */
		struct tern_tcp_stream *listener;
		/* connection, from then on: link in the accept queue (NULL once accepted) */
		struct tern_tcp_stream *aq_next;
		struct tcp_listen *lx;		/* listener (TF_LISTENER): its own part */
	};
	struct tern_tcp_stream *dirty_next;
	uint64_t bytes_sent;
	uint64_t bytes_received;
};

/* A half-open connection (SYN received, SYN-ACK sent). */
struct tern_tcp_syn {
	struct tern_tcp_key key;
	struct tern_tcp_stream *listener;
	struct tern_timer timer;	/* SYN-ACK retransmission, expiry */
	uint32_t iss;
	uint32_t irs;
	uint32_t ts_recent;
	uint32_t ts_off;
	uint32_t peer_wnd;		/* unscaled window of the SYN */
	uint16_t peer_mss;
	uint8_t peer_ws;		/* 0xff: none */
	uint8_t sack_ok;
	uint8_t ts_ok;
	uint8_t tries;
	struct tern_tcp_syn *free_next;
};

/* A connection in TIME_WAIT: what is needed to ACK and reject. */
struct tern_tcp_tw {
	struct tern_tcp_key key;
	uint32_t snd_nxt;
	uint32_t rcv_nxt;
	uint32_t ts_recent;
	uint32_t ts_off;
	uint64_t expire_ns;
	uint16_t rcv_wnd;		/* scaled, as last advertised */
	uint8_t ts_ok;
	uint8_t tproxy;			/* a transparent connection's: holds a claim reference */
	uint32_t invalid_ack_t;		/* last ACK to an invalid segment, 2^20 ns units; 0: none */
	struct tern_tcp_tw *next;	/* FIFO by expiry, or free list */
	struct tern_tcp_tw *prev;
};

/* Received segments held until the end of the input burst (bulk lookup). */
#define TCP_IN_BATCH		32
#define TCP_ACKED_MAX		8	/* acknowledged chains freed together */

struct tcp_in_pkt {
	struct rte_mbuf *m;	/* NULL: coalesced into an earlier one (GRO) */
	struct tern_ip_info ip;
	uint16_t segs;		/* segments it stands for (GRO, LRO) */
};

/* A listener bucket list: listeners by local port. */
#define TCP_LISTEN_BUCKETS	256

/* The context's retransmit queue entries (tern_tcp_ctx.segpool), typed. */
static inline struct tern_tcp_seg *
tcp_segpool_get(struct tcp_pool *sp)
{
	return tcp_pool_get(sp);
}

static inline void
tcp_segpool_put(struct tcp_pool *sp, struct tern_tcp_seg *seg)
{
	tcp_pool_put(sp, seg);
}

/* Per-context TCP state. */
struct tern_tcp_ctx {
	struct tern_ctx *ctx;
	struct tern_tcp_config cfg;
	const struct tcp_cc_ops *cc_ops;	/* the context's congestion control */
	struct rte_hash *hash;
	struct tcp_pool segpool;	/* retransmit queue entries: 2 per mbuf of the pool at most */
	struct tern_tcp_isn_secret isn_secret;
	struct tern_tcp_isn_secret cookie_secret;
	struct tern_tcp_stream *listeners[TCP_LISTEN_BUCKETS];
	/* transparent listeners (tcp_tproxy.c), linked by lnext */
	struct tern_tcp_stream *tproxy_listeners;
	/* transparent listeners, streams and TIME_WAIT records: the claim is on while > 0 */
	uint32_t nb_tproxy;
	bool closing;			/* the context is going: no more claim changes */
	struct tern_tcp_stream *dirty;	/* streams with output to do */
	uint32_t nb_conns;
	uint32_t nb_want_writable;
	uint16_t next_ephemeral;
	/* syncache */
	struct tern_tcp_syn *syn_mem;
	struct tern_tcp_syn *syn_free;
	uint32_t nb_syn;
	/* TIME_WAIT */
	struct tern_tcp_tw *tw_mem;
	struct tern_tcp_tw *tw_free;
	struct tern_tcp_tw *tw_head;	/* oldest */
	struct tern_tcp_tw *tw_tail;
	uint32_t nb_tw;
	struct tern_timer tw_timer;
	/* RFC 5961 challenge ACK rate limit */
	uint64_t chal_second;
	uint32_t chal_count;
	/* control blocks: a free one has ->tc NULL (tcp_stream_next()) */
	struct tcp_pool tcbs;
	/* loss-recovery blocks (struct tcp_rec); recs.in_use: held by connections */
	struct tcp_pool recs;
	uint32_t rec_max;		/* held at most: UINT32_MAX (tests lower it to make them fail) */
	/* congestion-control blocks (struct tcp_cc_conn), one per connection that has sent */
	struct tcp_pool ccs;
	uint32_t cc_max;		/* held at most: UINT32_MAX (tests lower it) */
	uint64_t rtxq_visits;		/* rtxq.visits of the blocks given back */
	bool ack_fast_off;		/* tests: every ACK through the general path */
	/*
	 * Bit (hash value & 63) of every key added or deleted since the input
	 * burst's bulk lookup (tcp_flush_input): only a segment whose key's
	 * bit is set is looked up again.
	 */
	uint64_t chg_bloom;
	/* acknowledged data waiting to be freed together (tcp_output.c) */
	uint16_t nb_acked;
	bool acked_new;			/* a chain was deferred in this input burst */
	struct rte_mbuf *acked[TCP_ACKED_MAX];
	uint16_t nb_in;
	struct tcp_in_pkt in[TCP_IN_BATCH];
	struct tern_tcp_key in_key[TCP_IN_BATCH];
};

static inline struct tern_tcp_ctx *
tcpc(const struct tern_ctx *ctx)
{
	return ctx->tcp_ctx;
}

/*
 * Times a control block keeps for comparisons of a millisecond or more
 * (last segment, ts_recent's age, the invalid-ACK rate limit): 32 bits of
 * 2^20 ns (1.05 ms), wrapping every 52 days; compared as differences.
 */
#define TCP_T20_SHIFT	20

static inline uint32_t
tcp_t20(uint64_t ns)
{
	return (uint32_t)(ns >> TCP_T20_SHIFT);
}

/* Nanoseconds from tcp_t20() time @t to @now (@t at most 52 days back): rounded down. */
static inline uint64_t
tcp_t20_age(uint64_t now, uint32_t t)
{
	return (uint64_t)(uint32_t)(tcp_t20(now) - t) << TCP_T20_SHIFT;
}

/*
 * The end of tcp_t20() tick @t (at most 52 days before @now): no earlier
 * than the time it was taken from, at most 1.05 ms later.
 */
static inline uint64_t
tcp_t20_ns(uint64_t now, uint32_t t)
{
	return ((now >> TCP_T20_SHIFT) - (uint32_t)(tcp_t20(now) - t) + 1) << TCP_T20_SHIFT;
}

/*
 * Timer deadlines (tern_tcp_stream.tmr): 32 bits of 2^14 ns (16.4 us),
 * rounded up (tcp_tmr_units()), 0 for none, wrapping every 19.5 hours. A
 * deadline is due once the clock, rounded up the same way, reaches it:
 * the wheel timer is armed at the first nanosecond of that, so a timer
 * fires at the wheel tick that holds its exact time or, when a tick starts
 * less than 16.4 us before it, at that one. Deadlines are at most
 * TCP_TMR_MAX_NS ahead, so that differences with the clock compare
 * signed: a keepalive one further off fires early, finds nothing due and
 * is set again; the configuration's timer times are held below half of it.
 */
#define TCP_TMR_SHIFT	14
#define TCP_TMR_MAX_NS	((uint64_t)1 << (TCP_TMR_SHIFT + 30))	/* 4.9 hours */

/* @ns in deadline units, rounded up (low 32 bits). */
static inline uint32_t
tcp_tmr_units(uint64_t ns)
{
	return (uint32_t)((ns + ((1u << TCP_TMR_SHIFT) - 1)) >> TCP_TMR_SHIFT);
}

/* Whether deadline @a is before @b. */
static inline bool
tcp_tmr_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

/* The first nanosecond at which deadline @t is due (tcp_tmr_units(now) reaches it), near @now. */
static inline uint64_t
tcp_tmr_ns(uint64_t now, uint32_t t)
{
	int64_t u = (int64_t)(now >> TCP_TMR_SHIFT) + (int32_t)(t - (uint32_t)(now >> TCP_TMR_SHIFT));

	return ((uint64_t)(u - 1) << TCP_TMR_SHIFT) + 1;
}

/* @s's congestion control (NULL before it has one). */
static inline const struct tcp_cc_ops *
tcp_cc_of(const struct tern_tcp_stream *s)
{
	return tcp_cc_algos[s->cc_id];
}

int tcp_cc_alloc(struct tern_tcp_stream *s);

/*
 * The congestion-control block of @s, taken from the context's pool and
 * set up (tcp_cc_of(s)->init()) the first time: 0, or -ENOBUFS (none to be
 * had, counted in tcp_cc_nomem). Called before anything enters the
 * retransmit queue (tcp_send_new()), so that every congestion event
 * (an ACK of new data, a loss, a timeout, an undo) finds one.
 */
static inline int
tcp_cc_get(struct tern_tcp_stream *s)
{
	if (likely(s->cc != NULL))
		return 0;
	return tcp_cc_alloc(s);
}

/* The congestion window of @s: its block's, or the initial window before it has one. */
static inline uint32_t
tcp_cwnd(const struct tern_tcp_stream *s)
{
	return likely(s->cc != NULL) ? s->cc->cwnd : tcp_cc_iw(s->mss);
}

/* Keepalive settings of @s: its own or the context's. */
static inline uint64_t
tcp_keepidle_ns(const struct tern_tcp_stream *s)
{
	return s->keepidle_ms != 0 ? (uint64_t)s->keepidle_ms * 1000000 : s->tc->cfg.keepidle_ns;
}

static inline uint64_t
tcp_keepintvl_ns(const struct tern_tcp_stream *s)
{
	return s->keepintvl_ms != 0 ? (uint64_t)s->keepintvl_ms * 1000000 :
				      s->tc->cfg.keepintvl_ns;
}

static inline uint32_t
tcp_keepcnt(const struct tern_tcp_stream *s)
{
	return s->keepcnt != 0 ? s->keepcnt : s->tc->cfg.keepcnt;
}

/* A keepalive time as a stream's own setting: ms rounded up, 0 (the context's) as 0. */
static inline uint32_t
tcp_keep_ms(uint64_t ns)
{
	uint64_t ms = ns / 1000000 + (ns % 1000000 != 0);

	return ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}

/* The parsed view of a received segment. */
struct tcp_seg_in {
	const struct rte_tcp_hdr *th;
	uint32_t seq;
	uint32_t ack;
	uint32_t len;		/* payload bytes */
	uint32_t wnd;		/* unscaled */
	uint8_t flags;
	uint16_t hlen;
	uint16_t segs;		/* segments coalesced in it (GRO, LRO); 1 normally */
	struct tern_tcp_opts opts;
	int opts_err;
	const struct tern_tcp_key *key;	/* its connection's, as looked up (tcp_key_make()) */
};

/* tcp_ctx.c */
/* The TCP layer of a context (added by lib/stack). */
extern const struct ctx_layer_ops tcp_layer_ops;
void tcp_key_make(struct tern_tcp_key *k, const struct tern_ip_info *ip, uint16_t sport,
		  uint16_t dport);
int tcp_hash_add(struct tern_tcp_ctx *tc, const struct tern_tcp_key *k, void *rec, unsigned int tag);
void tcp_hash_del(struct tern_tcp_ctx *tc, const struct tern_tcp_key *k);
void *tcp_hash_lookup(struct tern_tcp_ctx *tc, const struct tern_tcp_key *k, unsigned int *tag);
void *tcp_hash_lookup_hv(struct tern_tcp_ctx *tc, const struct tern_tcp_key *k, uint32_t hv,
			 unsigned int *tag);
struct tern_tcp_stream *tcp_listener_lookup(struct tern_tcp_ctx *tc, const struct tern_ip_info *ip,
					    uint16_t dport);
struct tern_tcp_stream *tcp_stream_alloc(struct tern_tcp_ctx *tc);

/* The next stream of @tc's walk @it (tcp_pool_iter_init(&tc->tcbs, it) first), or NULL. */
static inline struct tern_tcp_stream *
tcp_stream_next(const struct tern_tcp_ctx *tc, struct tcp_pool_iter *it)
{
	struct tern_tcp_stream *s;

	while ((s = tcp_pool_iter_next(&tc->tcbs, it)) != NULL)
		if (s->tc != NULL)
			return s;
	return NULL;
}

/* Every stream of @tc (listeners, connections, dropped ones not freed yet); @s may be freed. */
#define TCP_FOREACH_STREAM(tc, it, s) \
	for (tcp_pool_iter_init(&(tc)->tcbs, &(it)); ((s) = tcp_stream_next((tc), &(it))) != NULL;)
void tcp_stream_free(struct tern_tcp_stream *s);
int tcp_rec_alloc(struct tern_tcp_stream *s);

/* Whether @s holds a loss-recovery block. */
static inline bool
tcp_has_rec(const struct tern_tcp_stream *s)
{
	return s->rec != &tcp_rec_none;
}

/*
 * A loss-recovery block for @s: 0, or -ENOBUFS (none to be had, counted).
 * Blocks wait on the free list clean (zeroes but the stale parts nothing
 * reads before writing: sack_cache past nb_sack_cache, the PRR state, and
 * the first word, the pool's link, which taking one clears), so taking
 * one is a pop.
 */
static inline int
tcp_rec_get(struct tern_tcp_stream *s)
{
	struct tern_tcp_ctx *tc;
	struct tcp_rec *r;

	if (likely(tcp_has_rec(s)))
		return 0;
	tc = s->tc;
	if (unlikely(tc->recs.free == NULL || tc->recs.in_use >= tc->rec_max))
		return tcp_rec_alloc(s);
	r = tcp_pool_get(&tc->recs);
	s->rec = r;
	return 0;
}

/* Give @s's loss-recovery block back, clean: its queue empty, no recovery on. */
static inline void
tcp_rec_release(struct tern_tcp_stream *s)
{
	struct tern_tcp_ctx *tc = s->tc;
	struct tcp_rec *r = s->rec;

	TERN_ASSERT(tcp_has_rec(s));
	TERN_ASSERT(tcp_rtxq_empty(&r->rtxq) && r->rtxq.nb == 0);
	TERN_ASSERT(r->sent_head == NULL && r->sent_tail == NULL);
	TERN_ASSERT(r->lost_head == NULL && r->lost_tail == NULL);
	TERN_ASSERT(r->lost_out == 0 && r->retrans_out == 0);
	TERN_ASSERT(tc->recs.in_use > 0);
	tc->rtxq_visits += r->rtxq.visits;
	r->rtxq.visits = 0;
	r->sacked_out = 0;	/* (NewReno's count of duplicate ACKs may be left) */
	r->high_sacked = 0;
	r->nb_sack_cache = 0;
	r->rack_rtt_us = 0;
	tcp_pool_put(&tc->recs, r);	/* (its first word links the free list: cleared when taken) */
	s->rec = (struct tcp_rec *)(uintptr_t)&tcp_rec_none;
}

/*
 * Give @s's block back if nothing needs it: the retransmit queue empty and
 * no recovery on.
 */
static inline void
tcp_rec_put(struct tern_tcp_stream *s)
{
	if (tcp_has_rec(s) && tcp_rtxq_empty(&s->rec->rtxq) &&
	    !(s->tf & (TF_IN_RECOVERY | TF_LOSS)))
		tcp_rec_release(s);
}

/* Nodes the retransmit queues of @s visited (tests): the given-back blocks' and its own. */
uint64_t tcp_rtxq_visits(const struct tern_tcp_stream *s);
void tcp_mark_dirty(struct tern_tcp_stream *s);
void tcp_listener_insert(struct tern_tcp_ctx *tc, struct tern_tcp_stream *l);
void tcp_listener_remove(struct tern_tcp_ctx *tc, struct tern_tcp_stream *l);
bool tcp_listener_exists(struct tern_tcp_ctx *tc, const struct tern_tcp_key *k);
void tcp_stream_purge(struct tern_tcp_stream *s);
void tcp_post(struct tern_tcp_stream *s, uint32_t type, int err);
uint32_t tcp_ts_now(const struct tern_tcp_ctx *tc);
uint8_t tcp_wscale_for(uint32_t buf);
uint16_t tcp_mss_for(const struct tern_ctx *ctx, uint16_t ifindex, uint8_t family);

/* The data a segment may carry over the path: the link's MSS, or less by the path MTU. */
static inline uint32_t
tcp_path_mss(const struct tern_tcp_stream *s)
{
	uint32_t mss = tcp_mss_for(s->tc->ctx, s->dest.ifindex, s->key.family);

	if (s->pmtu != 0)
		mss = tcp_min(mss, (uint32_t)s->pmtu - 20 - (s->key.family == 4 ? 20 : 40));
	return mss;
}

/* tcp_tproxy.c: transparent listeners and connections */
/* One more (less) transparent user: the forwarding path's claim is on while any is left. */
void tcp_tproxy_ref(struct tern_tcp_ctx *tc);
void tcp_tproxy_unref(struct tern_tcp_ctx *tc);
/* The transparent listener for a segment to (@ip's dst, @dport), longest prefix first. */
struct tern_tcp_stream *tcp_tproxy_listener(struct tern_tcp_ctx *tc, const struct tern_ip_info *ip,
					    uint16_t dport);
void tcp_tproxy_listener_insert(struct tern_tcp_ctx *tc, struct tern_tcp_stream *l);
void tcp_tproxy_listener_remove(struct tern_tcp_ctx *tc, struct tern_tcp_stream *l);
bool tcp_tproxy_rule_exists(const struct tern_tcp_ctx *tc, const struct tern_tcp_stream *l);
/* A segment for a stream whose SYN is held (TF_SYN_HELD): nothing is answered. */
void tcp_held_input(struct tern_tcp_stream *s, struct rte_mbuf *m, const struct tcp_seg_in *si);
/* A SYN to a TERN_TCP_F_SYN_HOLD listener: a stream in SYN_RECEIVED on its accept queue. */
void tcp_syn_hold(struct tern_tcp_ctx *tc, struct tern_tcp_stream *l, struct rte_mbuf *m,
		  const struct tern_ip_info *ip, struct tcp_seg_in *si);

/* tcp_icmp.c */
/* The ICMP/ICMPv6 error handler of the TCP layer (net_ctx_set_l4_err()). */
void tcp_icmp_err(struct tern_ctx *ctx, const struct net_icmp_err *e);

/* Take the path MTU cache's value for @s: the MSS follows, lost segments resent. */
void tcp_pmtu_refresh(struct tern_tcp_stream *s);

/* Whether listener @l's accept queue is at its backlog. */
static inline bool
tcp_acceptq_full(const struct tern_tcp_stream *l)
{
	return l->lx->aq_len >= l->lx->backlog;
}

/* Whether @s must read the path MTU cache again (it changed, or @s's entry aged out). */
static inline bool
tcp_pmtu_stale(const struct tern_tcp_stream *s)
{
	return s->pmtu_gen != net_pmtu_gen(s->tc->ctx);
}

/* tcp_input.c */
void tcp_flush_input(struct tern_tcp_ctx *tc);
void tcp_input(struct tern_ctx *ctx, struct rte_mbuf *m, const struct tern_ip_info *ip);
void tcp_set_state(struct tern_tcp_stream *s, uint8_t st);
void tcp_conn_input(struct tern_tcp_stream *s, struct rte_mbuf *m, struct tcp_seg_in *si);
void tcp_drop(struct tern_tcp_stream *s, int err);
void tcp_conn_done(struct tern_tcp_stream *s);
struct rte_mbuf *tcp_chain_trim_front(struct rte_mbuf *m, uint32_t d);
void tcp_set_mss(struct tern_tcp_stream *s, uint16_t peer_mss);
bool tcp_challenge_ok(struct tern_tcp_ctx *tc);

/* tcp_sack.c */
void tcp_cc_init(struct tern_tcp_stream *s);

void tcp_ack_recv(struct tern_tcp_stream *s, const struct tcp_seg_in *si, bool is_dup);

/* @seg was just (re)transmitted: onto the sent list, counters. */
void tcp_sack_sent(struct tern_tcp_stream *s, struct tern_tcp_seg *seg, bool rtx);

/* @seg leaves the retransmit queue (or is reset): off the lists, counters. */
void tcp_sack_forget(struct tern_tcp_stream *s, struct tern_tcp_seg *seg);

/* Bytes in the network by RFC 6675's estimate. */
uint32_t tcp_pipe(const struct tern_tcp_stream *s);

/* Split @seg so a new entry starts at @at inside it. @return the new (upper) one or NULL. */
struct tern_tcp_seg *tcp_seg_split(struct tern_tcp_stream *s, struct tern_tcp_seg *seg,
				   uint32_t at);

/* Arm TCP_T_RTX: the RACK reordering timer if @reo_left, else a probe or the RTO. */
void tcp_rtx_schedule(struct tern_tcp_stream *s, uint64_t reo_left, bool restart);
void tcp_sack_rto(struct tern_tcp_stream *s, bool first);
void tcp_tlp_fire(struct tern_tcp_stream *s);
void tcp_reo_fire(struct tern_tcp_stream *s);
void tcp_rtxq_free_all(struct tern_tcp_stream *s);

/*
 * The MSS came down for a smaller path MTU: mark lost every entry not
 * SACKed whose data is larger than it (sent in packets the path dropped),
 * cutting entries the device cannot cut, and enter a loss episode
 * without a congestion response (Linux's tcp_simple_retransmit()).
 * @return entries marked.
 */
unsigned int tcp_sack_mtu_lost(struct tern_tcp_stream *s);

/* tcp_output.c */
void tcp_output(struct tern_tcp_stream *s);
int tcp_send_ctl(struct tern_tcp_stream *s, uint8_t flags, uint32_t seq);
void tcp_send_ack(struct tern_tcp_stream *s);
void tcp_send_rst_reply(struct tern_ctx *ctx, const struct tern_ip_info *ip,
			const struct tcp_seg_in *si);
int tcp_send_raw(struct tern_ctx *ctx, const struct tern_tcp_key *k,
		 uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd,
		 const struct tern_tcp_opts *opts, bool syn_opts);
/*
 * tcp_send_raw() on a route the caller looked up (net_route_lookup()).
 * @in: NULL, or a received packet the caller is done with (consumed, also
 * on error): the segment is built in its mbuf when it can be
 * (tcp_synack_in_syn counts them), so that it costs no allocation.
 */
int tcp_send_raw_via(struct tern_ctx *ctx, const struct tern_tcp_key *k, uint16_t ifindex,
		     const union net_addr *nh, uint32_t seq, uint32_t ack, uint8_t flags,
		     uint16_t wnd, const struct tern_tcp_opts *opts, bool syn_opts,
		     struct rte_mbuf *in);
int tcp_send_syn(struct tern_tcp_stream *s);
void tcp_seg_free(struct tern_tcp_stream *s, struct tern_tcp_seg *seg);
void tcp_seg_free_acked(struct tern_tcp_stream *s, struct tern_tcp_seg *seg);
void tcp_acked_flush(struct tern_tcp_ctx *tc);
void tcp_chain_free(struct rte_mbuf *m);

/* Drop what the send queue holds. */
static inline void
tcp_sndq_free(struct tern_tcp_stream *s)
{
	tcp_chain_free(s->sndq_head);
	s->sndq_head = s->sndq_tail = NULL;
	s->sndq_bytes = 0;
}

/* Drop what the receive queue holds. */
static inline void
tcp_rcvq_free(struct tern_tcp_stream *s)
{
	tcp_chain_free(s->rcvq_head);
	s->rcvq_head = s->rcvq_tail = NULL;
	s->rcvq_bytes = 0;
}
int tcp_xmit_seg(struct tern_tcp_stream *s, struct tern_tcp_seg *seg, bool rtx);
uint32_t tcp_rcv_space(const struct tern_tcp_stream *s);
uint16_t tcp_wnd_to_send(struct tern_tcp_stream *s);

/* tcp_timer.c */
/* Timer @id of @s at @deadline (ns), at most TCP_TMR_MAX_NS ahead. */
void tcp_timer_set(struct tern_tcp_stream *s, enum tcp_timer_id id, uint64_t deadline);
/* The keepalive timer (TCP_T_KEEP) of @s at @deadline, however far. */
void tcp_timer_set_keep(struct tern_tcp_stream *s, uint64_t deadline);
void tcp_timer_stop_all(struct tern_tcp_stream *s);

/* Stop timer @id of @s (the wheel timer fires and finds nothing due). */
static inline void
tcp_timer_clear(struct tern_tcp_stream *s, enum tcp_timer_id id)
{
	s->tmr[id] = 0;
}
void tcp_timer_fire(struct tern_timer *t);
void tcp_rtt_sample(struct tern_tcp_stream *s, uint64_t rtt_ns);
uint64_t tcp_rto_ns(const struct tern_tcp_stream *s);
void tcp_rtx_arm(struct tern_tcp_stream *s);

/* tcp_syncache.c */
void tcp_syn_input(struct tern_tcp_ctx *tc, struct tern_tcp_stream *l, struct rte_mbuf *m,
		   const struct tern_ip_info *ip, struct tcp_seg_in *si);
void tcp_syn_ack_input(struct tern_tcp_ctx *tc, struct tern_tcp_syn *sc, struct rte_mbuf *m,
		       const struct tern_ip_info *ip, struct tcp_seg_in *si);
bool tcp_cookie_ack_input(struct tern_tcp_ctx *tc, struct tern_tcp_stream *l, struct rte_mbuf *m,
			  const struct tern_ip_info *ip, struct tcp_seg_in *si);
int tcp_syncache_init(struct tern_tcp_ctx *tc);
void tcp_syncache_fini(struct tern_tcp_ctx *tc);
void tcp_syn_free(struct tern_tcp_ctx *tc, struct tern_tcp_syn *sc);
void tcp_listener_purge_syn(struct tern_tcp_ctx *tc, struct tern_tcp_stream *l);
struct tern_tcp_stream *tcp_stream_from_syn(struct tern_tcp_ctx *tc, struct tern_tcp_stream *l,
					    const struct tern_tcp_key *k,
					    uint32_t iss, uint32_t irs, uint16_t peer_mss,
					    int peer_ws, bool sack_ok, bool ts_ok,
					    uint32_t ts_recent, uint32_t ts_off);
void tcp_accept_enqueue(struct tern_tcp_stream *s);

/* tcp_timewait.c */
int tcp_tw_init(struct tern_tcp_ctx *tc);
void tcp_tw_fini(struct tern_tcp_ctx *tc);
void tcp_tw_enter(struct tern_tcp_stream *s);

/* @return true if @m was consumed; false: a new SYN may take over (record gone). */
bool tcp_tw_input(struct tern_tcp_ctx *tc, struct tern_tcp_tw *tw, struct rte_mbuf *m,
		  const struct tern_ip_info *ip, struct tcp_seg_in *si);

/* tcp_telemetry.c */
/* TCP's part of a context's /tern/ctx/list entry (tcp_layer_ops.tel_info). */
void tcp_tel_info(const struct tern_ctx *ctx, struct rte_tel_data *d);

/* tcp_sock.c: what lib/sock reads of a stream */
#include "tcp_sock.h"

/* tcp_check.c: the invariants of a connection (tcp_stream_check()). */
enum tcp_chk {
	TCP_CHK_OK = 0,
	TCP_CHK_RTXQ,
	TCP_CHK_SND_ORDER,
	TCP_CHK_RTXQ_SPAN,
	TCP_CHK_RTXQ_BYTES,
	TCP_CHK_SACKED,
	TCP_CHK_LOST,
	TCP_CHK_RETRANS,
	TCP_CHK_MARKS,
	TCP_CHK_LISTS,
	TCP_CHK_PIPE,
	TCP_CHK_RCV_WND,
	TCP_CHK_RCVQ,
	TCP_CHK_SNDQ,
	TCP_CHK_TIMER,
	TCP_CHK_STATE,
	TCP_CHK_REC,
};
/* @return 0 if every invariant of @s holds, else -TCP_CHK_* of the first broken one. */
int tcp_stream_check(const struct tern_tcp_stream *s);
/* tcp_stream_check(), printing the broken rule and the stream's numbers. */
int tcp_stream_check_print(const struct tern_tcp_stream *s);
/* The rule -TCP_CHK_* @err stands for. */
const char *tcp_check_rule(int err);
/* Check @s's invariants in TERN_ASSERT builds; nothing otherwise. */
#define TCP_CHECK(s)	TERN_ASSERT(tcp_stream_check_print(s) == 0)

#endif /* TERN_TCP_PRIV_H */
