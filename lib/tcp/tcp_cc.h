/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_TCP_CC_H
#define TERN_TCP_CC_H

/*
 * Congestion control as an ops table, one file per algorithm (tcp_cc_*.c).
 *
 * The algorithm owns the congestion window outside loss recovery and the
 * slow-start threshold; the engine (tcp_sack.c) owns loss detection and the
 * sending rate during recovery (SACK / NewReno with PRR, RFC 6937), and
 * calls the hooks below at the points RFC 5681 names. Everything is in
 * bytes; the algorithm sees a connection only through struct tcp_cc_conn,
 * so each algorithm is testable on its own (tests/unit/test_tcp_cc.c).
 *
 * Internal, not installed. A connection belongs to one lcore.
 */

#include <stdint.h>

#define TCP_CC_NAME_MAX	16
#define TCP_CC_PRIV_U64	11	/* algorithm state: 88 bytes (CUBIC takes them all) */
#define TCP_CC_SSTHRESH_INF	(UINT32_MAX / 2)	/* "arbitrarily high" (RFC 5681 3.1) */

/* RFC 6928 2: the initial window, min(10 MSS, max(2 MSS, 14600)) bytes. */
static inline uint32_t
tcp_cc_iw(uint32_t mss)
{
	uint32_t lo = 2 * mss > 14600 ? 2 * mss : 14600;

	return 10 * mss < lo ? 10 * mss : lo;
}

/* What an algorithm sees of a connection. */
struct tcp_cc_conn {
	uint32_t cwnd;		/* bytes; the algorithm sets it */
	uint32_t ssthresh;	/* bytes; the algorithm sets it */
	uint32_t mss;		/* sender MSS (SMSS), bytes, set by the engine */
	uint32_t pad;
	uint64_t priv[TCP_CC_PRIV_U64];	/* the algorithm's own state */
};

/* One acknowledgement of new data, outside recovery. */
struct tcp_cc_ack {
	uint64_t now_ns;	/* the context's clock */
	uint32_t acked;		/* bytes newly acknowledged (cumulatively or by SACK) */
	uint32_t flight;	/* bytes in flight after this ACK */
	uint32_t ack;		/* the cumulative ACK (SND.UNA after it) */
	uint32_t snd_nxt;	/* SND.NXT now: where the current round ends */
	uint32_t rtt_us;	/* RTT sample from this ACK, 0 if none */
	uint32_t srtt_us;	/* smoothed RTT, 0 before the first sample */
	uint32_t min_rtt_us;	/* lowest RTT seen on the connection, 0 if none */
	uint32_t pad;
};

struct tcp_cc_ops {
	const char *name;	/* "newreno", "cubic" */
	/* A new connection: initial window (RFC 6928: min(10 MSS, max(2 MSS, 14600))), ssthresh "infinite". */
	void (*init)(struct tcp_cc_conn *c, uint64_t now_ns);
	/* New data acknowledged, not in recovery: grow cwnd (slow start, avoidance). */
	void (*on_ack)(struct tcp_cc_conn *c, const struct tcp_cc_ack *a);
	/*
	 * Loss detected (fast retransmit, RACK): enter recovery. Set ssthresh
	 * (RFC 5681 (4): max(FlightSize / 2, 2 MSS) for NewReno; RFC 9438 4.6:
	 * max(FlightSize * beta, 2 MSS) for CUBIC, @flight being FlightSize).
	 * cwnd during recovery is the engine's (PRR); the algorithm may note
	 * what it needs (W_max, ...). An RTO while in recovery does not
	 * lower ssthresh a second time for the same congestion event.
	 */
	void (*on_loss)(struct tcp_cc_conn *c, uint32_t flight, uint64_t now_ns);
	/* Recovery ended (the ACK passed `recover`): cwnd is set to ssthresh by the engine first. */
	void (*on_recovery_end)(struct tcp_cc_conn *c, uint64_t now_ns);
	/*
	 * Retransmission timeout. @first: the first of a series (later ones
	 * keep ssthresh). Set ssthresh (on the first) and cwnd = 1 MSS
	 * (RFC 5681 (4), RFC 9438 4.8).
	 */
	void (*on_rto)(struct tcp_cc_conn *c, uint32_t flight, int first, uint64_t now_ns);
	/*
	 * The last congestion response was spurious (D-SACK, F-RTO or
	 * timestamps showed the retransmission was not needed): go back to
	 * the state saved before it (cwnd, ssthresh and the algorithm's own).
	 */
	void (*undo)(struct tcp_cc_conn *c, uint64_t now_ns);
	/*
	 * Optional (NULL: nothing more). The connection sends again after more
	 * than one RTO without sending; the engine has already lowered cwnd
	 * to the restart window, min(IW, cwnd) (RFC 5681 4.1). The algorithm
	 * forgets what the idle time made stale (CUBIC: its epoch).
	 */
	void (*on_idle_restart)(struct tcp_cc_conn *c, uint64_t now_ns);
};

extern const struct tcp_cc_ops tcp_cc_newreno;
extern const struct tcp_cc_ops tcp_cc_cubic;

/* The algorithms, by number (a connection keeps the number: one byte); 0 is none. */
#define TCP_CC_NB	3
extern const struct tcp_cc_ops *const tcp_cc_algos[TCP_CC_NB];

/* The algorithm named @name, or NULL. */
const struct tcp_cc_ops *tcp_cc_find(const char *name);
/* The number of algorithm @ops (in tcp_cc_algos[]), 0 for NULL. */
uint8_t tcp_cc_id(const struct tcp_cc_ops *ops);
/* The default: CUBIC. */
const struct tcp_cc_ops *tcp_cc_default(void);

#endif /* TERN_TCP_CC_H */
