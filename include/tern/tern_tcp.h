/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_TCP_H
#define TERN_TCP_H

/**
 * @file
 * TCP streams (RFC 9293 with RFC 7323 window scaling and timestamps, SACK,
 * RFC 6298 retransmission timers, RFC 5961 protection against blind
 * attacks, SYN cookies).
 *
 * A stream is a listener (tern_tcp_listen()) or a connection (from
 * tern_tcp_connect() or tern_tcp_accept_burst()). Data moves in zero-copy
 * bursts of mbufs (tern_tcp_recv_burst(), tern_tcp_send_burst()) or is
 * copied (tern_tcp_read(), tern_tcp_write()). What happens to a stream is
 * posted on its context's event queue (tern_ctx_events()) with the stream as
 * the event's obj:
 *
 * - TERN_EV_ACCEPT: a listener has connections to accept;
 * - TERN_EV_CONNECTED: an active open completed;
 * - TERN_EV_READABLE: data arrived (posted once until the stream has been
 *   read empty);
 * - TERN_EV_WRITABLE: a stream whose send buffer had been full (a send
 *   returned short) has room again;
 * - TERN_EV_CLOSED: the peer closed its side (read returns 0 after the data);
 * - TERN_EV_ERROR: the connection failed; err is -ECONNREFUSED (a reset in
 *   answer to our SYN), -ECONNRESET (reset later), -ETIMEDOUT (no answer
 *   after the retries, or keepalive probes unanswered).
 *
 * Every call must be made from the lcore that polls the stream's context.
 * A handle stays valid until tern_tcp_close() or tern_tcp_abort(), even
 * after the connection failed; no event about it is delivered after that.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <rte_mbuf.h>

#include <tern/tern_config.h>
#include <tern/tern_net.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tern_ctx;
struct tern_tcp_stream;

/** Connection states (RFC 9293 3.3.2). */
enum tern_tcp_state {
	TERN_TCP_CLOSED = 0,
	TERN_TCP_LISTEN,
	TERN_TCP_SYN_SENT,
	TERN_TCP_SYN_RECEIVED,
	TERN_TCP_ESTABLISHED,
	TERN_TCP_FIN_WAIT_1,
	TERN_TCP_FIN_WAIT_2,
	TERN_TCP_CLOSE_WAIT,
	TERN_TCP_CLOSING,
	TERN_TCP_LAST_ACK,
	TERN_TCP_TIME_WAIT,
};

/** Name of a state ("ESTABLISHED", ...). */
TERN_API const char *tern_tcp_state_name(enum tern_tcp_state st);

/** Bits of tern_tcp_config.flags. */
#define TERN_TCP_CFG_NO_WSCALE	(1u << 0)	/**< do not offer window scaling */
#define TERN_TCP_CFG_NO_TS	(1u << 1)	/**< do not offer timestamps */
#define TERN_TCP_CFG_NO_SACK	(1u << 2)	/**< do not offer SACK */
#define TERN_TCP_CFG_NO_COOKIES	(1u << 3)	/**< drop SYNs when the syncache is full */
#define TERN_TCP_CFG_COOKIES_ALWAYS (1u << 4)	/**< answer every SYN with a cookie */
/**
 * Send MSS-sized segments only: no TSO, neither the device's nor the
 * software one (by default a send of up to tso_max bytes is one entry of
 * the retransmit queue, cut into MSS-sized packets by the device when the
 * port has TERN_CAP_TX_TSO, TERN_CAP_TX_MULTISEG and TERN_CAP_TX_TCP_CKSUM,
 * and for IPv4 TERN_CAP_TX_IP4_CKSUM, else by tern).
 */
#define TERN_TCP_CFG_NO_TSO	(1u << 5)
/** Do not coalesce received segments (GRO) before TCP input. */
#define TERN_TCP_CFG_NO_GRO	(1u << 6)
/**
 * Keep the congestion window over idle periods. By default a connection
 * that sends again after more than one RTO without sending starts from
 * the restart window, min(initial window, cwnd) (RFC 5681 4.1), so that it
 * does not burst a stale window into a network it no longer measures.
 */
#define TERN_TCP_CFG_NO_IDLE_RESTART (1u << 7)
/**
 * Answer every invalid segment (out of window, PAWS, RFC 5961 challenge)
 * with an ACK: no per-connection limit (see tern_tcp_config.invalid_ack_ns).
 */
#define TERN_TCP_CFG_NO_INVALID_ACK_LIMIT (1u << 8)
/**
 * No black hole detection (RFC 4821 7.5): by default a connection whose
 * first unacknowledged full-sized segment times out twice in a row takes a
 * smaller path MTU (1,024 bytes, then the floor: 552 for IPv4, 1,280 for
 * IPv6) for its destination, as if an ICMP had said so.
 */
#define TERN_TCP_CFG_NO_PLPMTUD	(1u << 9)

/**
 * TCP settings of a context (tern_ctx_param.tcp). Zeroed fields take the
 * default shown.
 */
struct tern_tcp_config {
	uint32_t flags;			/**< TERN_TCP_CFG_* */
	uint32_t max_conns;		/**< connections (any state) at most; 65536 */
	uint32_t syncache_size;		/**< half-open connections held; 4096 */
	uint32_t timewait_max;		/**< TIME_WAIT records; 65536 */
	uint64_t msl_ns;		/**< maximum segment lifetime; TIME_WAIT is 2 MSL; 30 s */
	uint64_t rto_init_ns;		/**< RTO before any RTT sample; 1 s */
	uint64_t rto_min_ns;		/**< 200 ms */
	uint64_t rto_max_ns;		/**< 120 s (timer times are held below 2.4 hours) */
	uint32_t retries;		/**< retransmissions of data before abort; 15 */
	uint32_t syn_retries;		/**< SYN (and SYN-ACK) retransmissions; 6 */
	uint64_t delack_ns;		/**< delayed ACK timeout; 40 ms */
	uint64_t fin_wait2_ns;		/**< FIN_WAIT_2 timeout after close; 60 s */
	uint64_t keepidle_ns;		/**< keepalive idle time; 7200 s */
	uint64_t keepintvl_ns;		/**< between keepalive probes; 75 s */
	uint32_t keepcnt;		/**< probes before abort; 9 */
	uint32_t sndbuf;		/**< default send buffer, bytes; 1 MB */
	uint32_t rcvbuf;		/**< default receive buffer, bytes; 1 MB */
	uint32_t challenge_ack_limit;	/**< RFC 5961 challenge ACKs per second; 1000 */
	/**
	 * Least time between two ACKs one connection sends in answer to
	 * invalid segments without data (out of window, PAWS, SYN or RST
	 * challenges, ACKs of unsent data), like Linux's tcp_invalid_ratelimit:
	 * a blind flood of such segments on a live 4-tuple draws at most one
	 * ACK per interval. Segments with data are not limited (their
	 * duplicate ACK may be what the peer's recovery waits for). 500 ms.
	 */
	uint64_t invalid_ack_ns;
	/**
	 * Congestion control of the context's connections: "cubic" (RFC 9438
	 * with HyStart++, the default when NULL) or "newreno" (RFC 5681).
	 * tern_ctx_create() fails with EINVAL for another name.
	 */
	const char *cc;
	/** Data bytes of one TSO send (cut to a multiple of the MSS); 64000. */
	uint32_t tso_max;
};

/** Bits of tern_tcp_param.flags. */
#define TERN_TCP_F_NODELAY	(1u << 0)	/**< no Nagle algorithm */
#define TERN_TCP_F_KEEPALIVE	(1u << 1)	/**< send keepalive probes */
/**
 * Connect: the local address (and port, if given) may be one that is not
 * ours, such as the address of the client a transparent proxy speaks for
 * (Linux's IP_TRANSPARENT). The connection's segments leave from that
 * address, and the replies to it, which arrive for an address not ours,
 * are delivered to the stream instead of being forwarded. See
 * tern_tcp_connect().
 */
#define TERN_TCP_F_TRANSPARENT	(1u << 2)
/**
 * Transparent listener (tern_tcp_listen_transparent()): hold every SYN.
 * Each SYN becomes at once a stream in SYN_RECEIVED on the accept queue,
 * and no SYN-ACK goes until tern_tcp_accept_complete(); tern_tcp_abort()
 * or tern_tcp_close() answer the SYN with a reset instead. Such streams
 * take a full control block from the SYN on (no syncache, no SYN cookies):
 * the backlog bounds them.
 */
#define TERN_TCP_F_SYN_HOLD	(1u << 3)

/** Parameters of tern_tcp_listen() and tern_tcp_connect(). */
struct tern_tcp_param {
	/**
	 * Local address: family 4 or 6; address 0 / :: for any of ours (a
	 * connect picks the source of the route); port in network order, 0
	 * for an ephemeral one (connect only).
	 */
	struct tern_sockaddr local;
	/** Remote (connect only). */
	struct tern_sockaddr remote;
	uint64_t udata;		/**< returned in events; accepted streams inherit it */
	uint32_t flags;		/**< TERN_TCP_F_*; accepted streams inherit them */
	uint32_t backlog;	/**< listen: connections waiting for accept; 128 */
	uint32_t sndbuf;	/**< bytes; 0: the context's default */
	uint32_t rcvbuf;	/**< bytes; 0: the context's default (up to 1 GB) */
	uint16_t mss;		/**< largest segment to receive; 0: from the MTU */
	uint64_t keepidle_ns;	/**< 0: the context's; kept in ms, rounded up */
	uint64_t keepintvl_ns;	/**< 0: the context's; kept in ms, rounded up */
	uint32_t keepcnt;	/**< 0: the context's; 255 at most */
	/** Congestion control by name ("cubic", "newreno"); NULL: the context's. Accepted streams inherit it. */
	const char *cc;
};

/**
 * Listen on @p param->local.
 * @return the listener, or NULL with rte_errno: EINVAL (also an unknown
 *   congestion control name), EADDRNOTAVAIL (the
 *   address is not ours), EADDRINUSE (a listener has it), ENOMEM.
 */
TERN_API struct tern_tcp_stream *tern_tcp_listen(struct tern_ctx *ctx,
						 const struct tern_tcp_param *param);

/**
 * What a transparent listener takes: segments to an address in a prefix
 * and a destination port in a range, whatever the address.
 */
struct tern_tcp_tproxy_rule {
	/** Family (4 or 6) and the prefix's address; the port is not used. */
	struct tern_sockaddr prefix;
	uint8_t prefix_len;	/**< bits of the prefix that must match; 0: any address */
	uint16_t port_lo;	/**< first destination port, host order, > 0 */
	uint16_t port_hi;	/**< last destination port, host order, >= port_lo */
};

/**
 * Listen transparently (Linux's TPROXY with IP_TRANSPARENT): accept
 * connections to any address matching @p rule that is not one of ours, on
 * any interface, as they pass through the context (usually a router: see
 * tern_net_forward_set()). TCP segments matching the rule, and segments of
 * connections made this way, are handed to TCP instead of being forwarded;
 * everything else forwards as before. An accepted stream reports the
 * original destination as its local address (tern_tcp_local()).
 * Destinations that are ours still go to ordinary listeners. Where several
 * rules match, the longest prefix wins. IPv4 fragments and IPv6 packets
 * with extension headers are not taken (they forward).
 *
 * @p param gives the listener's settings as for tern_tcp_listen() (its
 * local address is not used); TERN_TCP_F_SYN_HOLD in @p param->flags holds
 * each SYN for tern_tcp_accept_complete() (a proxy's connect-first mode).
 * Syncache, SYN cookies and TIME_WAIT work for these connections as for
 * any. Close with tern_tcp_close().
 * @return the listener, or NULL with rte_errno: EINVAL (bad rule or
 *   param), EADDRINUSE (a transparent listener has the same rule), ENOMEM.
 */
TERN_API struct tern_tcp_stream *
tern_tcp_listen_transparent(struct tern_ctx *ctx, const struct tern_tcp_param *param,
			    const struct tern_tcp_tproxy_rule *rule);

/**
 * Answer the held SYN of @p s (accepted from a TERN_TCP_F_SYN_HOLD
 * listener, state SYN_RECEIVED): the SYN-ACK goes now, and is retransmitted
 * as any; TERN_EV_CONNECTED follows when the peer's ACK completes the
 * handshake, TERN_EV_ERROR if it never does. To refuse the SYN instead,
 * tern_tcp_abort() (the peer sees a reset: "connection refused").
 * @return 0; -EINVAL (no SYN held), -ECONNRESET (the peer gave up: reset).
 */
TERN_API int tern_tcp_accept_complete(struct tern_tcp_stream *s);

/**
 * Take up to @p n established connections off listener @p l's queue.
 * @return connections returned in @p s.
 */
TERN_API uint16_t tern_tcp_accept_burst(struct tern_tcp_stream *l, struct tern_tcp_stream **s,
					uint16_t n);

/**
 * Open a connection to @p param->remote. Returns at once; TERN_EV_CONNECTED
 * or TERN_EV_ERROR follows.
 *
 * With TERN_TCP_F_TRANSPARENT in @p param->flags, @p param->local may be
 * an address that is not ours (a proxy connecting as its client); its
 * port 0 picks an ephemeral one as usual. When the output port spreads
 * flows over several contexts (RSS), an ephemeral port is one whose
 * replies reach this context; a given port must already be one (as with a
 * symmetric RSS key, where the client's port of a flow accepted here
 * qualifies), else the connect fails with EXDEV.
 * @return the stream (SYN_SENT), or NULL with rte_errno: EINVAL (also an
 *   unknown congestion control name), EAFNOSUPPORT, ENETUNREACH, EADDRNOTAVAIL, EADDRINUSE (no free local
 *   port for this remote, or the 4-tuple is in use), EXDEV (the replies
 *   to the given local port would reach another context), ENOMEM.
 */
TERN_API struct tern_tcp_stream *tern_tcp_connect(struct tern_ctx *ctx,
						  const struct tern_tcp_param *param);

/**
 * Take up to @p n mbufs of received data, in order. Each is one segment
 * (nb_segs 1) of payload; the caller owns and frees them.
 * @return mbufs returned; 0 with rte_errno EAGAIN (nothing yet), 0 with
 *   rte_errno 0 at the end of the stream (the peer closed), ENOTCONN,
 *   ECONNRESET / ETIMEDOUT (the connection failed).
 */
TERN_API uint16_t tern_tcp_recv_burst(struct tern_tcp_stream *s, struct rte_mbuf **pkts,
				      uint16_t n);

/**
 * Copy up to @p len bytes of received data into @p buf.
 * @return bytes copied; 0 at the end of the stream; -EAGAIN, -ENOTCONN,
 *   -ECONNRESET, -ETIMEDOUT.
 */
TERN_API ssize_t tern_tcp_read(struct tern_tcp_stream *s, void *buf, size_t len);

/**
 * Queue @p n mbufs of data (chains allowed) for sending. Takes the mbufs it
 * accepts; an mbuf is accepted whole or not at all. Taken means the mbuf,
 * its fields included: until tern lets go of it (after the data is
 * acknowledged: acknowledged data is released in batches of up to 8 sends,
 * at the latest when nothing is in flight, at a retransmission timeout or
 * when the connection ends), it links it into chains of its
 * own and moves data_off and data_len when a segment boundary falls inside
 * it. To keep the data and read it later, send a clone
 * (rte_pktmbuf_clone()); an mbuf whose reference count was raised instead
 * comes back to its other holder as one segment (next NULL, nb_segs 1),
 * with the same bytes in its buffer but data_off and data_len possibly
 * moved.
 * @return mbufs accepted; on a short count rte_errno says why: EAGAIN (the
 *   send buffer is full; TERN_EV_WRITABLE follows when it has room), EPIPE
 *   (the write side is shut), ENOTCONN, ECONNRESET, ETIMEDOUT.
 */
TERN_API uint16_t tern_tcp_send_burst(struct tern_tcp_stream *s, struct rte_mbuf **pkts,
				      uint16_t n);

/**
 * Copy up to @p len bytes from @p buf into the send buffer.
 * @return bytes taken (short when the buffer fills); -EAGAIN (full),
 *   -EPIPE, -ENOTCONN, -ECONNRESET, -ETIMEDOUT, -ENOBUFS (no mbuf).
 */
TERN_API ssize_t tern_tcp_write(struct tern_tcp_stream *s, const void *buf, size_t len);

/**
 * Flush: send what the windows allow now, ignoring Nagle for data queued so
 * far. Sends also happen at every poll; this is for latency.
 */
TERN_API void tern_tcp_push(struct tern_tcp_stream *s);

/**
 * Shut down the read side (SHUT_RD: received data is dropped), the write
 * side (SHUT_WR: a FIN follows the queued data) or both (SHUT_RDWR).
 * @return 0, -EINVAL, -ENOTCONN.
 */
TERN_API int tern_tcp_shutdown(struct tern_tcp_stream *s, int how);

/**
 * Close: the handle is gone at once; the connection ends gracefully (queued
 * data, then a FIN), or with a reset if received data was left unread (RFC
 * 9293 3.10.4, RFC 2525 2.17). A listener's unaccepted connections are
 * reset. Safe on NULL.
 */
TERN_API void tern_tcp_close(struct tern_tcp_stream *s);

/** Send a reset (if connected) and free the stream at once. Safe on NULL. */
TERN_API void tern_tcp_abort(struct tern_tcp_stream *s);

/** The state of @p s (RFC 9293 3.3.2). */
TERN_API enum tern_tcp_state tern_tcp_state(const struct tern_tcp_stream *s);
/** The local address and port of @p s into @p sa. */
TERN_API void tern_tcp_local(const struct tern_tcp_stream *s, struct tern_sockaddr *sa);
/** The peer's address and port of @p s into @p sa (both 0 for a listener). */
TERN_API void tern_tcp_remote(const struct tern_tcp_stream *s, struct tern_sockaddr *sa);
/** The application's value given at open (tern_tcp_param.udata), inherited on accept. */
TERN_API uint64_t tern_tcp_udata(const struct tern_tcp_stream *s);
/**
 * Set the value returned in the stream's events. Events already queued for
 * it (posted at accept for data or a FIN that came first) take it too.
 */
TERN_API void tern_tcp_set_udata(struct tern_tcp_stream *s, uint64_t udata);
/**
 * The pending error (negative errno, 0 if none), cleared by the call
 * (SO_ERROR). Once it is taken, reads return 0 (the end) and writes -EPIPE,
 * as a BSD socket does after SO_ERROR reported a reset.
 */
TERN_API int tern_tcp_error(struct tern_tcp_stream *s);
/** Set or clear TERN_TCP_F_NODELAY. */
TERN_API void tern_tcp_set_nodelay(struct tern_tcp_stream *s, bool on);
/**
 * Turn keepalive on (idle time, interval between probes, probes before the
 * connection is dropped; 0: the context's value) or off. Times are kept
 * in milliseconds, rounded up; probes are 255 at most.
 */
TERN_API void tern_tcp_set_keepalive(struct tern_tcp_stream *s, bool on, uint64_t idle_ns,
				     uint64_t intvl_ns, uint32_t cnt);
/** Bytes ready to read. */
TERN_API uint32_t tern_tcp_rx_bytes(const struct tern_tcp_stream *s);
/** Bytes the send buffer can take now. */
TERN_API uint32_t tern_tcp_tx_space(const struct tern_tcp_stream *s);

/** What tern_tcp_info() reports (a TCP_INFO-like view). */
struct tern_tcp_info {
	uint8_t state;		/**< enum tern_tcp_state */
	uint8_t snd_wscale;	/**< peer's window shift (0: none) */
	uint8_t rcv_wscale;	/**< ours */
	uint8_t ts_ok;		/**< timestamps negotiated */
	uint8_t sack_ok;	/**< SACK negotiated */
	uint16_t mss;		/**< segment size we send */
	uint32_t rtt_us;	/**< smoothed RTT */
	uint32_t rttvar_us;	/**< RTT variation */
	uint32_t rto_us;	/**< retransmission timeout now */
	uint32_t cwnd;		/**< bytes */
	uint32_t ssthresh;	/**< bytes */
	uint32_t snd_wnd;	/**< the peer's window, bytes */
	uint32_t rcv_wnd;	/**< our window, bytes */
	uint32_t unacked;	/**< bytes in flight */
	uint64_t bytes_sent;	/**< data bytes sent (first transmissions) */
	uint64_t bytes_received; /**< data bytes delivered in order */
	uint64_t segs_retrans;	/**< segments retransmitted */
	uint32_t min_rtt_us;	/**< lowest RTT seen (RACK), 0 before any */
	uint32_t sacked;	/**< bytes SACKed by the peer, not yet acknowledged */
	uint32_t lost;		/**< bytes marked lost */
	uint32_t retrans_out;	/**< bytes retransmitted, in flight */
	char cc[16];		/**< congestion control ("cubic", "newreno") */
	uint32_t pmtu;		/**< path MTU in use: the link's, or less (RFC 1191, 8201) */
};

/** What @p s knows of itself now, into @p info (as Linux's TCP_INFO). Lcore of its context only. */
TERN_API void tern_tcp_info(const struct tern_tcp_stream *s, struct tern_tcp_info *info);

/** Connections of any state the context holds (full control blocks). */
TERN_API uint32_t tern_tcp_nb_conns(const struct tern_ctx *ctx);

/** Sizes of the TCP records, bytes: full control block, syncache entry, TIME_WAIT record. */
TERN_API void tern_tcp_record_sizes(size_t *tcb, size_t *syn, size_t *tw);

#ifdef __cplusplus
}
#endif

#endif /* TERN_TCP_H */
