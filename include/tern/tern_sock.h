/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_SOCK_H
#define TERN_SOCK_H

/**
 * @file
 * A BSD-shaped socket API over tern's TCP and UDP streams, so that code
 * written for BSD sockets and epoll ports call for call: the calls take the
 * system's constants (AF_INET, SOCK_STREAM, SOL_SOCKET, SO_*, TCP_*,
 * EPOLL*, MSG_*) and address types (struct sockaddr_in, sockaddr_in6,
 * sockaddr_storage, struct epoll_event, struct linger, struct iovec), and
 * they fail as POSIX says: -1 with errno set.
 *
 * Differences from the kernel's sockets, all deliberate:
 *
 * - **Every socket is non-blocking**, with or without SOCK_NONBLOCK: a call
 *   that would block fails with EAGAIN (EINPROGRESS for connect). Wait with
 *   tern_epoll_wait(), which is also what drives the context.
 * - **Handles are small ints of a per-context table**, not kernel file
 *   descriptors: they mean nothing to read(2), close(2) or the kernel's
 *   epoll. A context's handles are 0, 1, 2, ...; another context's handles
 *   are offset by a multiple of 2^20 (TERN_SOCK_FD_SPAN), so a handle names
 *   its context.
 * - **Handles belong to one lcore**: the one that made the context's first
 *   handle (or the one named in tern_sock_ctx_init()). A call with a handle
 *   from any other lcore (or a non-EAL thread) fails with **EXDEV** and
 *   touches nothing; so does naming another context's socket in an epoll.
 * - **The sock layer consumes the context's event queue**: tern_epoll_wait()
 *   and tern_sock_ctx_poll() run tern_ctx_poll() and drain tern_ctx_events().
 *   An application using this API on a context must not call
 *   tern_ctx_events() itself. Events about streams it drives itself with the
 *   burst API on the same context reach it through the hook of
 *   tern_sock_set_event_hook().
 * - No signals: a send on a shut connection fails with EPIPE, never raises
 *   SIGPIPE (MSG_NOSIGNAL is accepted and changes nothing).
 * - AF_INET6 sockets are IPv6 only (IPV6_V6ONLY is always on).
 *
 * Every call must be made from the lcore that owns the handle (above);
 * tern_sock_ctx_init() and tern_sock_ctx_fini() excepted, as noted.
 */

#include <stdint.h>
#include <sys/epoll.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <tern/tern_config.h>
#include <tern/tern_ctx.h>
#include <tern/tern_tcp.h>
#include <tern/tern_udp.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Handles of one context lie in [k * TERN_SOCK_FD_SPAN, (k + 1) * TERN_SOCK_FD_SPAN). */
#define TERN_SOCK_FD_SPAN	(1 << 20)
/** Contexts that may use the socket API at the same time. */
#define TERN_SOCK_MAX_CTX	128

/**
 * getsockopt(IPPROTO_TCP, TERN_TCP_INFO): tern's own struct tern_tcp_info
 * (tern_tcp.h). The system's TCP_INFO also works and fills the fields of
 * struct tcp_info that tern knows.
 */
#define TERN_TCP_INFO		0x7e01

/** Longest TCP_CONGESTION name, with its NUL. */
#define TERN_TCP_CA_NAME_MAX	16

/** Parameters of tern_sock_ctx_init(). Zeroed fields take the defaults. */
struct tern_sock_param {
	/** Handles (sockets and epoll instances) at most; up to TERN_SOCK_FD_SPAN; 65536. */
	uint32_t max_socks;
	/** The lcore that will make the calls; 0: the caller's (see owner_set). */
	unsigned int lcore_id;
	/** Take lcore_id as given (else the caller's lcore is the owner). */
	int owner_set;
};

/**
 * Set up the socket table of @p ctx. Optional: the first tern_socket() or
 * tern_epoll_create() on a context does it with the defaults, owned by the
 * calling lcore. May be called from any lcore (the main one setting up a
 * worker's context, with @p p->owner_set).
 * @return 0, or -1 with errno: EINVAL (bad parameters), EEXIST (the context
 *   has a table already), EMFILE (TERN_SOCK_MAX_CTX contexts have tables),
 *   ENOMEM.
 */
TERN_API int tern_sock_ctx_init(struct tern_ctx *ctx, const struct tern_sock_param *p);

/**
 * Close every handle of @p ctx (connections end as tern_close() ends them)
 * and free its table. tern_ctx_destroy() does it by itself; call it to stop
 * using the socket API on a context that lives on. From the owner lcore, or
 * any lcore once the owner is done with the context. Safe on a context
 * without a table.
 */
TERN_API void tern_sock_ctx_fini(struct tern_ctx *ctx);

/**
 * What the sock layer does with an event of its context that is not about
 * one of its sockets (a stream the application drives itself).
 */
typedef void (*tern_sock_event_hook_t)(struct tern_ctx *ctx, const struct tern_event *ev,
				       void *arg);

/**
 * Hand the events of @p ctx that are not about sockets to @p fn (NULL:
 * drop them, the default). Streams made by the application have a udata
 * whose top bit is clear; the sock layer's have it set.
 * @return 0, or -1 with errno EXDEV (wrong lcore), ENOMEM.
 */
TERN_API int tern_sock_set_event_hook(struct tern_ctx *ctx, tern_sock_event_hook_t fn, void *arg);

/**
 * One pass of the context without waiting on an epoll: tern_ctx_poll(),
 * then the events drained into the sockets' readiness (what
 * tern_epoll_wait() does before it looks at its sockets).
 * @return 0, or -1 with errno EXDEV, EINVAL (no table yet).
 */
TERN_API int tern_sock_ctx_poll(struct tern_ctx *ctx);

/**
 * socket(2) on @p ctx. @p domain AF_INET or AF_INET6; @p type SOCK_STREAM
 * or SOCK_DGRAM, optionally ORed with SOCK_NONBLOCK and SOCK_CLOEXEC (both
 * accepted and meaningless: every socket is non-blocking); @p protocol 0,
 * IPPROTO_TCP (stream) or IPPROTO_UDP (datagram).
 * @return the handle, or -1 with errno: EAFNOSUPPORT, EINVAL (unknown type
 *   flags), EPROTONOSUPPORT, EPROTOTYPE (type and protocol disagree),
 *   EMFILE (the table is full), ENOMEM, EXDEV (the table belongs to
 *   another lcore).
 */
TERN_API int tern_socket(struct tern_ctx *ctx, int domain, int type, int protocol);

/**
 * bind(2). Port 0 picks a free one. SO_REUSEADDR on both sockets lets a
 * second socket bind an address and port while the first is not listening;
 * SO_REUSEPORT on both lets them share it at bind, but a context still
 * has one listener per address and port (listen in every context instead:
 * the handles of different contexts never conflict).
 * @return 0, or -1 with errno: EBADF, ENOTSOCK (an epoll handle), EXDEV,
 *   EFAULT (@p addr NULL), EINVAL (already bound, or @p len short),
 *   EAFNOSUPPORT (family not the socket's), EADDRNOTAVAIL (not an address
 *   of the context's network), EADDRINUSE.
 */
TERN_API int tern_bind(int fd, const struct sockaddr *addr, socklen_t len);

/**
 * listen(2), TCP only. An unbound socket gets a free port. Calling it again
 * on a listener changes nothing and succeeds.
 * @return 0, or -1 with errno: EBADF, ENOTSOCK, EXDEV, EOPNOTSUPP (UDP),
 *   EINVAL (connecting or connected), EADDRINUSE, EADDRNOTAVAIL, ENOMEM.
 */
TERN_API int tern_listen(int fd, int backlog);

/**
 * accept(2): tern_accept4() with no flags.
 */
TERN_API int tern_accept(int fd, struct sockaddr *addr, socklen_t *len);

/**
 * accept4(2). @p flags 0, SOCK_NONBLOCK, SOCK_CLOEXEC (accepted,
 * meaningless). The new socket inherits the listener's options. @p addr,
 * if not NULL, receives the peer's address (truncated to *@p len; *@p len
 * set to its full size).
 * @return the new handle, or -1 with errno: EBADF, ENOTSOCK, EXDEV,
 *   EOPNOTSUPP (UDP), EINVAL (not listening, bad @p flags), EAGAIN (no
 *   connection waiting), EMFILE (table full: the connection stays queued),
 *   ENOMEM, EFAULT (@p addr without @p len).
 */
TERN_API int tern_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);

/**
 * connect(2). TCP: starts the handshake and fails with EINPROGRESS; the
 * outcome shows as EPOLLOUT (and EPOLLERR on failure) in tern_epoll_wait(),
 * then getsockopt(SO_ERROR) says 0 or why (ECONNREFUSED, ETIMEDOUT, ...).
 * UDP: sets the default destination and keeps only datagrams from it;
 * AF_UNSPEC dissolves it.
 * @return 0 (UDP), or -1 with errno: EINPROGRESS (TCP started), EALREADY
 *   (still connecting), EISCONN (connected, or was: also after the
 *   connection ended), EOPNOTSUPP (listening), the pending error of a
 *   failed attempt (ECONNREFUSED, ...; the call after it tries again),
 *   EBADF, ENOTSOCK, EXDEV, EFAULT, EINVAL, EAFNOSUPPORT, ENETUNREACH,
 *   EADDRNOTAVAIL, EADDRINUSE, ENOBUFS.
 */
TERN_API int tern_connect(int fd, const struct sockaddr *addr, socklen_t len);

/**
 * send(2). @p flags: MSG_DONTWAIT, MSG_NOSIGNAL, MSG_MORE (ignored). Short
 * when the send buffer fills. A UDP socket needs a connected destination.
 * @return bytes taken, or -1 with errno: EAGAIN (buffer full, or still
 *   connecting), ENOTCONN (never connected, or a listener), EPIPE (write side shut, or the
 *   connection is over), ECONNRESET / ETIMEDOUT / ECONNREFUSED (the pending
 *   error, reported once; EPIPE after), EDESTADDRREQ (UDP), EMSGSIZE,
 *   ENOBUFS (no mbuf), EOPNOTSUPP (unknown flags), EBADF, ENOTSOCK, EXDEV.
 */
TERN_API ssize_t tern_send(int fd, const void *buf, size_t len, int flags);

/**
 * recv(2). @p flags: MSG_DONTWAIT, MSG_WAITALL (ignored); MSG_TRUNC (UDP:
 * return the datagram's full length); MSG_PEEK (copy without taking: TCP,
 * from the head of the stream; UDP, the next datagram, which the next read
 * returns again). A connected UDP socket reports an ICMP error about its
 * peer (ECONNREFUSED for a port unreachable) at its next recv or send,
 * once, ahead of queued datagrams, as Linux does.
 * @return bytes copied, 0 at the end of the stream (the peer's FIN, our
 *   SHUT_RD, or after a reset was reported), or -1 with errno: EAGAIN,
 *   ENOTCONN (never connected, or a listener), ECONNRESET / ETIMEDOUT /
 *   ECONNREFUSED / EHOSTUNREACH / ENETUNREACH (once), EOPNOTSUPP (unknown
 *   flags, MSG_OOB), EFAULT (UDP: @p from without its length), EBADF,
 *   ENOTSOCK, EXDEV.
 */
TERN_API ssize_t tern_recv(int fd, void *buf, size_t len, int flags);

/** read(2) on a socket: tern_recv() without flags. */
TERN_API ssize_t tern_read(int fd, void *buf, size_t len);
/** write(2) on a socket: tern_send() without flags. */
TERN_API ssize_t tern_write(int fd, const void *buf, size_t len);

/**
 * sendto(2). UDP: to @p to (NULL: the connected destination); an unbound
 * socket is bound to a free port first. TCP: @p to is ignored, as send().
 * @return as tern_send(), plus EAFNOSUPPORT / EINVAL for a bad @p to.
 */
TERN_API ssize_t tern_sendto(int fd, const void *buf, size_t len, int flags,
			     const struct sockaddr *to, socklen_t tolen);

/**
 * recvfrom(2). UDP: one datagram (the rest of a longer one is dropped) and
 * its source in @p from. TCP: as recv(), *@p fromlen set to 0.
 * @return as tern_recv().
 */
TERN_API ssize_t tern_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
			       socklen_t *fromlen);

/**
 * readv(2): fills the buffers in order. UDP: one datagram.
 * @return bytes, or -1 with errno as tern_recv(), EINVAL (@p iovcnt out of
 *   1..UIO_MAXIOV, or the lengths add up past SSIZE_MAX).
 */
TERN_API ssize_t tern_readv(int fd, const struct iovec *iov, int iovcnt);

/**
 * writev(2): takes the buffers in order, short when the send buffer fills.
 * UDP: one datagram.
 * @return bytes, or -1 with errno as tern_send(), EINVAL.
 */
TERN_API ssize_t tern_writev(int fd, const struct iovec *iov, int iovcnt);

/**
 * sendmsg(2): the buffers of @p msg as tern_writev() takes them, to
 * @p msg->msg_name if set (UDP). Ancillary data is not taken.
 * @return bytes, or -1 with errno as tern_sendto(), EFAULT (@p msg NULL),
 *   EOPNOTSUPP (@p msg->msg_controllen not 0).
 */
TERN_API ssize_t tern_sendmsg(int fd, const struct msghdr *msg, int flags);

/**
 * recvmsg(2): into the buffers of @p msg, the sender into @p msg->msg_name
 * (UDP). @p msg->msg_flags: MSG_TRUNC when a datagram did not fit,
 * MSG_CTRUNC when its control data did not. With IP_PKTINFO (IPv4) or
 * IPV6_RECVPKTINFO (IPv6) set on a UDP socket, the control data holds one
 * IP_PKTINFO / IPV6_PKTINFO message: the address the datagram was sent to
 * and, as the interface index, the DPDK port it came in on.
 * @return bytes, or -1 with errno as tern_recvfrom(), EFAULT.
 */
TERN_API ssize_t tern_recvmsg(int fd, struct msghdr *msg, int flags);

/**
 * poll(2) over tern sockets (all of them, of one or more contexts): each
 * one's readiness as tern_epoll_wait() sees it, after one pass of each
 * context. An fd below 0 is skipped; one that is not a tern socket (or is
 * an epoll handle) gets POLLNVAL. POLLERR and POLLHUP are reported unasked.
 * Waits as tern_epoll_wait() does (@p timeout_ms 0: at once; with a manual
 * clock: one pass).
 * @return descriptors with events, 0 on timeout, or -1 with errno EFAULT,
 *   EINVAL (more than 2^20 descriptors).
 */
TERN_API int tern_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms);

/**
 * shutdown(2). TCP: SHUT_WR sends a FIN after the queued data (the peer
 * reads the end of the stream); SHUT_RD drops what comes and makes reads
 * return 0. UDP (connected): sends fail with EPIPE, reads return 0.
 * @return 0, or -1 with errno: EINVAL (@p how), ENOTCONN, EBADF, ENOTSOCK,
 *   EXDEV.
 */
TERN_API int tern_shutdown(int fd, int how);

/**
 * close(2). The handle is free at once and leaves every epoll. A TCP
 * connection ends as tern_tcp_close() ends it (queued data, then a FIN; a
 * reset if received data was left unread); with SO_LINGER on and a linger
 * time of 0, at once with a reset. A linger time above 0 does not wait
 * (sockets never block): the close is graceful. An epoll handle drops its
 * interest list.
 * @return 0, or -1 with errno EBADF, EXDEV.
 */
TERN_API int tern_close(int fd);

/**
 * getsockname(2): the local address; 0.0.0.0:0 / [::]:0 when unbound.
 * Truncated to *@p len, *@p len set to the full size.
 * @return 0, or -1 with errno: EBADF, ENOTSOCK, EXDEV, EFAULT.
 */
TERN_API int tern_getsockname(int fd, struct sockaddr *addr, socklen_t *len);

/**
 * getpeername(2).
 * @return 0, or -1 with errno: ENOTCONN (not connected, or still
 *   connecting), EBADF, ENOTSOCK, EXDEV, EFAULT.
 */
TERN_API int tern_getpeername(int fd, struct sockaddr *addr, socklen_t *len);

/**
 * setsockopt(2). Options (int values unless said):
 * - SOL_SOCKET: SO_REUSEADDR, SO_REUSEPORT (see tern_bind()), SO_RCVBUF,
 *   SO_SNDBUF (bytes, taken as given, not doubled; SO_SNDBUF also changes a
 *   live connection, SO_RCVBUF only what listen or connect makes next),
 *   SO_KEEPALIVE, SO_LINGER (struct linger).
 * - IPPROTO_TCP: TCP_NODELAY, TCP_KEEPIDLE, TCP_KEEPINTVL (seconds,
 *   1..32767), TCP_KEEPCNT (1..127), TCP_MAXSEG (88..65535; before listen or
 *   connect), TCP_CONGESTION (a name: "newreno" or "cubic", stored on the
 *   socket and inherited by accepted ones; the engine runs NewReno until the
 *   congestion control table lands).
 * - IPPROTO_IPV6: IPV6_V6ONLY (1 only).
 * @return 0, or -1 with errno: ENOPROTOOPT (unknown option or level, TCP
 *   options on UDP), EINVAL (short @p optlen, value out of range), ENOENT
 *   (unknown congestion control), EOPNOTSUPP (IPV6_V6ONLY 0), EFAULT,
 *   EBADF, ENOTSOCK, EXDEV.
 */
TERN_API int tern_setsockopt(int fd, int level, int optname, const void *optval,
			     socklen_t optlen);

/**
 * getsockopt(2): the options of tern_setsockopt() (SO_RCVBUF and SO_SNDBUF
 * the values in force), plus SO_ERROR (the pending error, then cleared: it
 * is reported once, by SO_ERROR or by the call that meets it first; TCP:
 * ECONNREFUSED for a reset answering the SYN or an ICMP port or protocol
 * unreachable to it, ECONNRESET, ETIMEDOUT when retransmissions or
 * keepalives give up, or instead the ICMP soft error seen meanwhile
 * (EHOSTUNREACH, ENETUNREACH); UDP, connected: the ICMP error of its
 * peer, see tern_recv()),
 * SO_TYPE, SO_DOMAIN, SO_PROTOCOL, SO_ACCEPTCONN, TCP_INFO (struct
 * tcp_info: state, options, window shifts, RTO, MSS, unacked, RTT, cwnd and
 * ssthresh in segments, retransmissions), TERN_TCP_INFO (struct
 * tern_tcp_info; zeroed before a connection exists).
 * @return 0, or -1 with errno as tern_setsockopt().
 */
TERN_API int tern_getsockopt(int fd, int level, int optname, void *optval, socklen_t *optlen);

/**
 * epoll_create(2) on @p ctx: an epoll handle in the context's table.
 * @return the handle, or -1 with errno: EINVAL (@p size <= 0), EMFILE,
 *   ENOMEM, EXDEV.
 */
TERN_API int tern_epoll_create(struct tern_ctx *ctx, int size);

/** epoll_create1(2): @p flags 0 or EPOLL_CLOEXEC (meaningless); else EINVAL. */
TERN_API int tern_epoll_create1(struct tern_ctx *ctx, int flags);

/**
 * epoll_ctl(2). Events: EPOLLIN, EPOLLOUT, EPOLLRDHUP, EPOLLPRI (never
 * reported), EPOLLET, EPOLLONESHOT; EPOLLERR and EPOLLHUP are always
 * reported. Level-triggered (the default): reported at every wait while
 * the condition holds, read from the stream's state each time.
 * Edge-triggered (EPOLLET): reported once per change: new data, a new
 * connection to accept, room to send again, the peer's FIN, an error.
 * Adding or modifying reports the current state once.
 * @return 0, or -1 with errno: EBADF, EXDEV (wrong lcore, or @p fd of
 *   another context), EINVAL (@p ep not an epoll, @p fd == @p ep, bad @p
 *   op, EPOLLEXCLUSIVE), EPERM (@p fd is an epoll: no nesting), EEXIST,
 *   ENOENT, EFAULT (@p ev NULL for ADD or MOD), ENOMEM.
 */
TERN_API int tern_epoll_ctl(int ep, int op, int fd, struct epoll_event *ev);

/**
 * epoll_wait(2), and the context's engine: each pass runs tern_ctx_poll(),
 * drains the context's events into readiness, then reports. Polls until
 * something is ready or @p timeout_ms passes, busy at first and then with
 * the idle back-off of tern_sock_set_idle() (short sleeps between passes
 * once the context has been idle a while); 0: one pass; -1: until
 * something is ready. On a context with a manual clock
 * (tests) it makes one pass whatever @p timeout_ms: virtual time moves only
 * by the application's hand.
 * @return events written to @p events, or -1 with errno: EBADF, EXDEV,
 *   EINVAL (not an epoll, @p maxevents <= 0), EFAULT (@p events NULL).
 */
TERN_API int tern_epoll_wait(int ep, struct epoll_event *events, int maxevents,
			     int timeout_ms);

/** Default tern_sock_idle.spin_us. */
#define TERN_SOCK_IDLE_SPIN_US		100
/** Default tern_sock_idle.sleep_max_us. */
#define TERN_SOCK_IDLE_SLEEP_MAX_US	1000

/** The idle back-off of tern_epoll_wait() and tern_poll() (tern_sock_set_idle()). */
struct tern_sock_idle {
	/** Busy-poll this long (us) after the last packet or event before sleeping. */
	uint32_t spin_us;
	/**
	 * Longest sleep (us, up to 1 s); the sleeps start at 10 us and double.
	 * 0: never sleep, busy-poll for the whole timeout.
	 */
	uint32_t sleep_max_us;
};

/**
 * Set the idle back-off of the waits on @p ctx (NULL: the defaults,
 * TERN_SOCK_IDLE_SPIN_US and TERN_SOCK_IDLE_SLEEP_MAX_US). A wait with a
 * timeout other than 0 that finds nothing to report busy-polls for
 * @p spin_us after the context last received a packet or drained an event,
 * then sleeps between passes (clock_nanosleep), 10 us first and doubling up
 * to @p sleep_max_us, never past the wait's timeout or the context's next
 * timer. A packet, an event or a reported readiness starts it over. The
 * cost is latency: a packet that arrives during a sleep waits for its end
 * (docs/sock.md has figures). tern_poll() uses the settings of the first
 * context among its sockets.
 * @return 0, or -1 with errno EINVAL (@p sleep_max_us above 1 s), EXDEV,
 *   ENOMEM.
 */
TERN_API int tern_sock_set_idle(struct tern_ctx *ctx, const struct tern_sock_idle *idle);

/**
 * The TCP stream under a socket, for the zero-copy burst calls
 * (tern_tcp_recv_burst(), tern_tcp_send_burst()); NULL with errno EBADF,
 * EXDEV, ENOTSOCK or EINVAL (not TCP, or no stream yet: before listen or
 * connect). Do not close it or change its udata; mixing the burst calls
 * with tern_recv() on one socket is fine, but readiness in EPOLLET mode
 * then only follows data read through the sock calls.
 */
TERN_API struct tern_tcp_stream *tern_sock_tcp_stream(int fd);

/** The UDP stream under a socket (bound ones only); as tern_sock_tcp_stream(). */
TERN_API struct tern_udp_stream *tern_sock_udp_stream(int fd);

/** The context of a handle; NULL with errno EBADF. Safe from any lcore. */
TERN_API struct tern_ctx *tern_sock_ctx(int fd);

#ifdef __cplusplus
}
#endif

#endif /* TERN_SOCK_H */
