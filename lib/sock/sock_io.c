/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#define _GNU_SOURCE	/* struct in_pktinfo, in6_pktinfo */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "tcp_sock.h"
#include "sock_priv.h"

/* Copying reads and writes: send, recv, sendto, recvfrom, readv, writev. */

#define SEND_FLAGS	(MSG_DONTWAIT | MSG_NOSIGNAL | MSG_MORE)
#define RECV_FLAGS	(MSG_DONTWAIT | MSG_WAITALL | MSG_TRUNC | MSG_PEEK | MSG_CMSG_CLOEXEC)
#define GATHER_STACK	2048	/* a UDP writev up to this size is gathered on the stack */

/* The pending error, cleared; @dflt if none. */
static int
take_error(struct sock *s, int dflt)
{
	int e = s->so_error;

	if (e == 0)
		return dflt;
	s->so_error = 0;
	return e;
}

/* Total length of @iov, or -1 (errno EINVAL) if @cnt or the sum is out of range. */
static ssize_t
iov_total(const struct iovec *iov, int cnt)
{
	size_t total = 0;
	int i;

	if (cnt <= 0 || cnt > UIO_MAXIOV || iov == NULL)
		return sock_err(EINVAL);
	for (i = 0; i < cnt; i++) {
		if (iov[i].iov_len > (size_t)SSIZE_MAX - total)
			return sock_err(EINVAL);
		total += iov[i].iov_len;
	}
	return (ssize_t)total;
}

/* ---------------------------------------------------------------------- */
/* TCP */

/* A dead connection: its error once, then a write EPIPE and a read the end (0). */
static ssize_t
tcp_io_dead(struct sock *s, bool rx)
{
	int e = take_error(s, rx ? 0 : EPIPE);

	return e != 0 ? sock_err(e) : 0;
}

/*
 * Whether a write (@rx false) or read may go on in the socket's state;
 * if not, *@ret is what the call returns: ENOTCONN before a connection,
 * EAGAIN while connecting, tcp_io_dead() after it.
 */
static bool
tcp_io_open(struct sock *s, bool rx, ssize_t *ret)
{
	sock_sync(s);
	switch (s->st) {
	case SS_NEW:
	case SS_LISTEN:
		*ret = sock_err(ENOTCONN);
		return false;
	case SS_CONNECTING:
		*ret = sock_err(EAGAIN);
		return false;
	case SS_DEAD:
		*ret = tcp_io_dead(s, rx);
		return false;
	default:
		return true;
	}
}

/*
 * A failed tern_tcp_write() (@rx false) or tern_tcp_read(): -EAGAIN waits
 * for readiness; a dead socket reports its error, else a write EPIPE and a
 * read the end of the stream (0).
 */
static ssize_t
tcp_io_fail(struct sock *s, ssize_t r, bool rx)
{
	if (r == -EAGAIN) {
		sock_after_io(s, rx);
		return sock_err(EAGAIN);
	}
	sock_sync(s);
	if (s->st == SS_DEAD)
		return tcp_io_dead(s, rx);
	if (!rx && r == -ENOTCONN)
		return sock_err(EPIPE);
	return sock_err((int)-r);
}

static ssize_t
tcp_send_iov(struct sock *s, const struct iovec *iov, int cnt)
{
	size_t done = 0;
	ssize_t r;
	int i;

	if (!tcp_io_open(s, false, &r))
		return r;
	if (s->fl & SF_SHUT_WR)
		return sock_err(EPIPE);
	for (i = 0; i < cnt; i++) {
		if (iov[i].iov_len == 0)
			continue;
		r = tern_tcp_write(s->tcp, iov[i].iov_base, iov[i].iov_len);
		if (r < 0) {
			if (done > 0)
				break;	/* the error shows at the next call */
			return tcp_io_fail(s, r, false);
		}
		done += (size_t)r;
		if ((size_t)r < iov[i].iov_len) {
			sock_after_io(s, false);	/* the buffer is full */
			break;
		}
	}
	return (ssize_t)done;
}

/* MSG_PEEK: copy what is queued, leave it there. */
static ssize_t
tcp_peek_iov(struct sock *s, const struct iovec *iov, int cnt)
{
	size_t n = tcp_sock_peek(s->tcp, iov, cnt);

	sock_after_io(s, true);
	if (n > 0)
		return (ssize_t)n;
	if ((s->fl & SF_SHUT_RD) || tcp_sock_fin_rcvd(s->tcp))
		return 0;	/* the end of the stream */
	return sock_err(EAGAIN);
}

static ssize_t
tcp_recv_iov(struct sock *s, const struct iovec *iov, int cnt, size_t total, int flags)
{
	size_t done = 0;
	ssize_t r;
	int i;

	if (!tcp_io_open(s, true, &r))
		return r;
	if (total == 0)
		return 0;
	if (flags & MSG_PEEK)
		return tcp_peek_iov(s, iov, cnt);
	for (i = 0; i < cnt; i++) {
		if (iov[i].iov_len == 0)
			continue;
		r = tern_tcp_read(s->tcp, iov[i].iov_base, iov[i].iov_len);
		if (r < 0) {
			if (done > 0)
				break;
			return tcp_io_fail(s, r, true);
		}
		done += (size_t)r;
		if (r == 0 || (size_t)r < iov[i].iov_len)
			break;	/* the end of the stream, or nothing more now */
	}
	sock_after_io(s, true);
	return (ssize_t)done;
}

/* ---------------------------------------------------------------------- */
/* UDP */

static bool
udp_from_peer(const struct sock *s, const struct tern_sockaddr *src)
{
	if (src->port != s->remote.port)
		return false;
	return s->family == 4 ? src->ip4 == s->remote.ip4 :
		memcmp(&src->ip6, &s->remote.ip6, sizeof(src->ip6)) == 0;
}

/*
 * IP_PKTINFO / IPV6_PKTINFO for datagram @m into @msg's control buffer:
 * the address it was sent to and the DPDK port it came in on.
 */
static void
udp_pktinfo(const struct sock *s, const struct rte_mbuf *m, struct msghdr *msg)
{
	struct tern_sockaddr dst;
	size_t room = msg->msg_controllen;
	struct cmsghdr *c = msg->msg_control;

	msg->msg_controllen = 0;
	if (!(s->fl & SF_PKTINFO) || tern_udp_pkt_dst(m, &dst) != 0)
		return;
	if (dst.family == 4) {
		struct in_pktinfo pi = { .ipi_ifindex = m->port };

		if (c == NULL || room < CMSG_SPACE(sizeof(pi))) {
			msg->msg_flags |= MSG_CTRUNC;
			return;
		}
		pi.ipi_spec_dst.s_addr = dst.ip4;
		pi.ipi_addr.s_addr = dst.ip4;
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		msg->msg_controllen = CMSG_SPACE(sizeof(pi));
	} else {
		struct in6_pktinfo pi = { .ipi6_ifindex = m->port };

		if (c == NULL || room < CMSG_SPACE(sizeof(pi))) {
			msg->msg_flags |= MSG_CTRUNC;
			return;
		}
		memcpy(&pi.ipi6_addr, dst.ip6.a, 16);
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		msg->msg_controllen = CMSG_SPACE(sizeof(pi));
	}
}

/*
 * One datagram into @iov: taken, or with MSG_PEEK copied and left queued.
 * A pending ICMP error of a connected socket comes first, once, as Linux
 * reports it.
 */
static ssize_t
udp_recv_iov(struct sock *s, const struct iovec *iov, int cnt, int flags,
	     struct sockaddr *from, socklen_t *fromlen, struct msghdr *msg)
{
	struct tern_sockaddr src;
	struct rte_mbuf *m;
	uint32_t total, off = 0;
	int i, e;

	if (from != NULL && fromlen == NULL)
		return sock_err(EFAULT);
	if (s->fl & SF_SHUT_RD)
		return 0;
	if (s->udp == NULL)
		return sock_err(EAGAIN);
	e = udp_sock_error(s->udp, true);
	if (e != 0) {
		sock_after_io(s, true);
		return sock_err(-e);
	}
	for (;;) {
		m = udp_sock_peek(s->udp);
		if (m == NULL) {
			sock_after_io(s, true);
			return sock_err(EAGAIN);
		}
		if (tern_udp_pkt_src(m, &src) != 0)
			memset(&src, 0, sizeof(src));
		if (!(s->fl & SF_UDP_CONN) || udp_from_peer(s, &src))
			break;
		udp_sock_drop_head(s->udp);	/* not from the connected peer */
	}
	total = m->pkt_len;
	for (i = 0; i < cnt && off < total; i++) {
		uint32_t n = (uint32_t)RTE_MIN((size_t)(total - off), iov[i].iov_len);
		const void *p;

		if (n == 0)
			continue;
		p = rte_pktmbuf_read(m, off, n, iov[i].iov_base);
		if (p != iov[i].iov_base)
			memcpy(iov[i].iov_base, p, n);
		off += n;
	}
	if (msg != NULL) {
		if (off < total)
			msg->msg_flags |= MSG_TRUNC;
		udp_pktinfo(s, m, msg);
	}
	if (!(flags & MSG_PEEK))
		udp_sock_drop_head(s->udp);
	if (from != NULL)
		sock_addr_out(&src, s->family, from, fromlen);
	sock_after_io(s, true);
	return (flags & MSG_TRUNC) ? (ssize_t)total : (ssize_t)off;
}

static ssize_t
udp_send_iov(struct sock *s, const struct iovec *iov, int cnt, size_t total,
	     const struct sockaddr *to, socklen_t tolen)
{
	uint8_t stack[GATHER_STACK], *buf;
	struct tern_sockaddr dst;
	size_t off = 0;
	ssize_t r;
	int i, e;

	if (s->fl & SF_SHUT_WR)
		return sock_err(EPIPE);
	if (to != NULL) {
		e = sock_addr_in(s, to, tolen, &dst);
		if (e != 0)
			return sock_err(e);
	} else if (s->fl & SF_UDP_CONN) {
		dst = s->remote;
	} else {
		return sock_err(EDESTADDRREQ);
	}
	e = sock_udp_autobind(s);
	if (e != 0)
		return sock_err(e);
	if (cnt == 1) {
		r = tern_udp_sendto(s->udp, iov[0].iov_base, iov[0].iov_len, &dst);
		return r < 0 ? sock_err((int)-r) : r;
	}
	if (total > TERN_UDP_MAX_PAYLOAD)
		return sock_err(EMSGSIZE);
	buf = total <= sizeof(stack) ? stack : malloc(total);
	if (buf == NULL)
		return sock_err(ENOBUFS);
	for (i = 0; i < cnt; i++) {
		memcpy(buf + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	r = tern_udp_sendto(s->udp, buf, total, &dst);
	if (buf != stack)
		free(buf);
	return r < 0 ? sock_err((int)-r) : r;
}

/* ---------------------------------------------------------------------- */
/* The calls */

/*
 * What every send and receive call checks first: the socket (*@sp), @flags
 * within @allowed. @return the iovec's total, or -1 with errno set.
 */
static ssize_t
io_begin(int fd, const struct iovec *iov, int cnt, int flags, int allowed, struct sock **sp)
{
	*sp = sock_get_sk(fd);
	if (*sp == NULL)
		return -1;
	if (flags & ~allowed)
		return sock_err(EOPNOTSUPP);
	return iov_total(iov, cnt);
}

static ssize_t
do_send(int fd, const struct iovec *iov, int cnt, int flags, const struct sockaddr *to,
	socklen_t tolen)
{
	struct sock *s;
	ssize_t total = io_begin(fd, iov, cnt, flags, SEND_FLAGS, &s);

	if (total < 0)
		return -1;
	if (s->kind == SK_UDP)
		return udp_send_iov(s, iov, cnt, (size_t)total, to, tolen);
	return tcp_send_iov(s, iov, cnt);
}

static ssize_t
do_recv(int fd, const struct iovec *iov, int cnt, int flags, struct sockaddr *from,
	socklen_t *fromlen, struct msghdr *msg)
{
	struct sock *s;
	ssize_t total = io_begin(fd, iov, cnt, flags, RECV_FLAGS, &s);

	if (total < 0)
		return -1;
	if (s->kind == SK_UDP)
		return udp_recv_iov(s, iov, cnt, flags, from, fromlen, msg);
	if (fromlen != NULL)
		*fromlen = 0;
	if (msg != NULL)
		msg->msg_controllen = 0;
	return tcp_recv_iov(s, iov, cnt, (size_t)total, flags);
}

ssize_t
tern_send(int fd, const void *buf, size_t len, int flags)
{
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf, .iov_len = len };

	return do_send(fd, &iov, 1, flags, NULL, 0);
}

ssize_t
tern_sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
	    socklen_t tolen)
{
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf, .iov_len = len };

	return do_send(fd, &iov, 1, flags, to, tolen);
}

ssize_t
tern_write(int fd, const void *buf, size_t len)
{
	return tern_send(fd, buf, len, 0);
}

ssize_t
tern_writev(int fd, const struct iovec *iov, int iovcnt)
{
	return do_send(fd, iov, iovcnt, 0, NULL, 0);
}

ssize_t
tern_recv(int fd, void *buf, size_t len, int flags)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };

	return do_recv(fd, &iov, 1, flags, NULL, NULL, NULL);
}

ssize_t
tern_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
	      socklen_t *fromlen)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };

	return do_recv(fd, &iov, 1, flags, from, fromlen, NULL);
}

ssize_t
tern_read(int fd, void *buf, size_t len)
{
	return tern_recv(fd, buf, len, 0);
}

ssize_t
tern_readv(int fd, const struct iovec *iov, int iovcnt)
{
	return do_recv(fd, iov, iovcnt, 0, NULL, NULL, NULL);
}

ssize_t
tern_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	if (msg == NULL)
		return sock_err(EFAULT);
	if (msg->msg_controllen != 0)
		return sock_err(EOPNOTSUPP);	/* no ancillary data on send */
	return do_send(fd, msg->msg_iov, (int)msg->msg_iovlen, flags, msg->msg_name,
		       msg->msg_name != NULL ? msg->msg_namelen : 0);
}

ssize_t
tern_recvmsg(int fd, struct msghdr *msg, int flags)
{
	socklen_t nlen;
	ssize_t r;

	if (msg == NULL)
		return sock_err(EFAULT);
	msg->msg_flags = 0;
	nlen = msg->msg_namelen;
	r = do_recv(fd, msg->msg_iov, (int)msg->msg_iovlen, flags, msg->msg_name,
		    msg->msg_name != NULL ? &nlen : NULL, msg);
	if (msg->msg_name != NULL)
		msg->msg_namelen = nlen;
	return r;
}
