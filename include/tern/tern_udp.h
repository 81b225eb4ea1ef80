/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_UDP_H
#define TERN_UDP_H

/**
 * @file
 * UDP streams. A stream is bound to a local address and port (IPv4 or
 * IPv6), optionally connected to one remote. Data moves in zero-copy bursts
 * of mbufs; sendto/recvfrom-style copying calls sit on top.
 *
 * Every call must be made from the lcore that polls the stream's context.
 * Received mbufs come with their headers still in front of the data, so
 * tern_udp_pkt_src() can tell where each came from; sent mbufs need
 * RTE_PKTMBUF_HEADROOM (at least 70 bytes) free in front of their data.
 */

#include <stdint.h>
#include <sys/types.h>

#include <rte_mbuf.h>

#include <tern/tern_config.h>
#include <tern/tern_net.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tern_ctx;
struct tern_udp_stream;

/** Largest UDP payload: 65535 - 20 (IPv4) - 8. */
#define TERN_UDP_MAX_PAYLOAD	65507

/** Parameters of tern_udp_open(). */
struct tern_udp_param {
	/**
	 * Local address: family 4 or 6; address 0 / :: for any of ours; port
	 * in network order, 0 for an ephemeral one (49152-65535).
	 */
	struct tern_sockaddr local;
	/** Remote: family 0 for none, else the stream is connected to it. */
	struct tern_sockaddr remote;
	/** Datagrams queued for the application at most; power of 2; default 1024. */
	uint32_t rxq_size;
	/** Opaque value returned in the stream's events. */
	uint64_t udata;
};

/**
 * Open a UDP stream on @p ctx.
 * @return the stream, or NULL with rte_errno: EINVAL (bad parameters),
 *   EAFNOSUPPORT (families differ), EADDRNOTAVAIL (local address not ours),
 *   EADDRINUSE (same local address, port and remote already open),
 *   ENOMEM.
 */
TERN_API struct tern_udp_stream *tern_udp_open(struct tern_ctx *ctx,
					       const struct tern_udp_param *param);

/**
 * Close a stream; its queued datagrams are freed and its events still in
 * the context's queue are withdrawn. Safe on NULL.
 */
TERN_API void tern_udp_close(struct tern_udp_stream *s);

/** The stream's local address (with the ephemeral port chosen, if any). */
TERN_API void tern_udp_local(const struct tern_udp_stream *s, struct tern_sockaddr *sa);

/** The stream's user data. */
TERN_API uint64_t tern_udp_udata(const struct tern_udp_stream *s);

/** Datagrams waiting in the stream's receive queue. */
TERN_API unsigned int tern_udp_rx_count(const struct tern_udp_stream *s);

/**
 * Take up to @p n received datagrams. Each mbuf's data is the UDP payload
 * (possibly a chain, for a reassembled datagram); the caller owns and frees
 * them. @return datagrams returned; 0 with rte_errno ECONNREFUSED when
 * none is queued and an ICMP port unreachable came for a connected
 * stream since the last call (reported once, as BSD sockets do).
 */
TERN_API uint16_t tern_udp_recv_burst(struct tern_udp_stream *s, struct rte_mbuf **pkts,
				      uint16_t n);

/**
 * Source address and port of a datagram as returned by
 * tern_udp_recv_burst() (its data not moved since). @return 0 or -EINVAL.
 */
TERN_API int tern_udp_pkt_src(const struct rte_mbuf *m, struct tern_sockaddr *src);

/**
 * Destination address and port of a datagram as returned by
 * tern_udp_recv_burst(): which of our addresses it was sent to (for a
 * stream bound to any). @return 0 or -EINVAL.
 */
TERN_API int tern_udp_pkt_dst(const struct rte_mbuf *m, struct tern_sockaddr *dst);

/**
 * Send @p n datagrams, each mbuf's data a payload, to @p dst (NULL: the
 * connected remote). Takes ownership of the mbufs it accepts.
 * @return datagrams accepted; on a short count rte_errno says why
 *   (ECONNREFUSED: an ICMP port unreachable came for the connected stream
 *   since the last call, reported once and nothing sent;
 *   EDESTADDRREQ, EAFNOSUPPORT, EMSGSIZE, ENETUNREACH, EINVAL, or ENOBUFS:
 *   an mbuf has less than 70 bytes of headroom for the headers, or the
 *   device's queue is full; then a TERN_EV_WRITABLE event for the stream
 *   follows once it has room) and the rest still belong to the caller.
 */
TERN_API uint16_t tern_udp_send_burst(struct tern_udp_stream *s, struct rte_mbuf **pkts,
				      uint16_t n, const struct tern_sockaddr *dst);

/**
 * Send each of @p n datagrams to its own destination @p dst[i].
 * Otherwise as tern_udp_send_burst().
 */
TERN_API uint16_t tern_udp_sendv_burst(struct tern_udp_stream *s, struct rte_mbuf **pkts,
				       uint16_t n, const struct tern_sockaddr *dst);

/**
 * Send each of @p n datagrams received on @p s (by tern_udp_recv_burst(),
 * data possibly rewritten but not moved) back to where it came from,
 * reusing its buffers: the fast path of an echo server.
 * @return as tern_udp_send_burst(), but for ECONNREFUSED: a reply goes to
 *   each datagram's sender, and an ICMP error that came for the stream is
 *   left for tern_udp_recv_burst() to report.
 */
TERN_API uint16_t tern_udp_reply_burst(struct tern_udp_stream *s, struct rte_mbuf **pkts,
				       uint16_t n);

/**
 * As tern_udp_reply_burst(), for datagrams sent back with their data as
 * received, neither rewritten nor resized: an echo. Where the reply has the
 * request's addresses and ports, swapped, its UDP checksum is the
 * request's (the same words in the sum), not summed again: a request that
 * came without one (IPv4, 0) goes back without one. Otherwise (a
 * wildcard-bound stream whose route to the sender has another source
 * address, IPv6, the first datagram to an address) the checksum is computed
 * as by tern_udp_reply_burst(). A datagram whose data was changed must go
 * through tern_udp_reply_burst(): here it could leave with a wrong checksum.
 * @return as tern_udp_reply_burst().
 */
TERN_API uint16_t tern_udp_echo_burst(struct tern_udp_stream *s, struct rte_mbuf **pkts,
				      uint16_t n);

/**
 * Copy @p len bytes from @p buf into one datagram to @p dst (NULL: the
 * connected remote). @return @p len, or a negative errno (as above, plus
 * -ENOBUFS when no mbuf is free).
 */
TERN_API ssize_t tern_udp_sendto(struct tern_udp_stream *s, const void *buf, size_t len,
				 const struct tern_sockaddr *dst);

/**
 * Copy the next datagram into @p buf (at most @p len bytes; the rest of a
 * longer datagram is discarded) and its source into @p src (may be NULL).
 * @return bytes copied, or -EAGAIN when none is queued, or -ECONNREFUSED
 * (as tern_udp_recv_burst()).
 */
TERN_API ssize_t tern_udp_recvfrom(struct tern_udp_stream *s, void *buf, size_t len,
				   struct tern_sockaddr *src);

#ifdef __cplusplus
}
#endif

#endif /* TERN_UDP_H */
