/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <string.h>

#include "tcp_sock.h"
#include "sock_priv.h"

/* Socket options: setsockopt(), getsockopt(), and what listen / connect get of them. */

#define SOCK_NS_PER_S		1000000000ULL
#define KEEP_TIME_MAX		32767	/* seconds, as Linux */
#define KEEP_CNT_MAX		127
#define MSS_MIN			88
#define MSS_DEFAULT		536	/* reported before a connection exists */
#define UDP_DEF_BUF		(1024u * 2048u)	/* 1024 datagrams of 2 KiB */

const char *const sock_cc_names[] = { "newreno", "cubic", NULL };

void
sock_tcp_param(const struct sock *s, struct tern_tcp_param *p)
{
	memset(p, 0, sizeof(*p));
	p->udata = SOCK_UDATA(s);
	if (s->fl & SF_NODELAY)
		p->flags |= TERN_TCP_F_NODELAY;
	if (s->fl & SF_KEEPALIVE)
		p->flags |= TERN_TCP_F_KEEPALIVE;
	p->backlog = (uint32_t)s->backlog;
	p->sndbuf = s->sndbuf;
	p->rcvbuf = s->rcvbuf;
	p->mss = s->mss;
	p->keepidle_ns = s->keepidle_s * SOCK_NS_PER_S;
	p->keepintvl_ns = s->keepintvl_s * SOCK_NS_PER_S;
	p->keepcnt = s->keepcnt;
	p->cc = s->cc != 0 ? sock_cc_names[s->cc - 1] : NULL;	/* 0: the context's */
}

/* Keepalive settings of @s onto its stream. */
static void
keep_apply(struct sock *s)
{
	if (s->kind != SK_TCP || s->tcp == NULL || s->st == SS_DEAD)
		return;
	tern_tcp_set_keepalive(s->tcp, (s->fl & SF_KEEPALIVE) != 0, s->keepidle_s * SOCK_NS_PER_S,
			       s->keepintvl_s * SOCK_NS_PER_S, s->keepcnt);
}

void
sock_inherit(struct sock *s, const struct sock *l)
{
	s->fl |= l->fl & (SF_REUSEADDR | SF_REUSEPORT | SF_KEEPALIVE | SF_NODELAY | SF_LINGER);
	s->sndbuf = l->sndbuf;
	s->rcvbuf = l->rcvbuf;
	s->keepidle_s = l->keepidle_s;
	s->keepintvl_s = l->keepintvl_s;
	s->keepcnt = l->keepcnt;
	s->mss = l->mss;
	s->linger_s = l->linger_s;
	s->cc = l->cc;
	/* options set on the listener after listen() reach the stream here */
	tern_tcp_set_nodelay(s->tcp, (s->fl & SF_NODELAY) != 0);
	if ((s->fl & SF_KEEPALIVE) || s->keepidle_s || s->keepintvl_s || s->keepcnt)
		keep_apply(s);
	tcp_sock_set_sndbuf(s->tcp, s->sndbuf);
}

static int
opt_int(const void *v, socklen_t len, int *out)
{
	if (v == NULL)
		return EFAULT;
	if (len < sizeof(int))
		return EINVAL;
	memcpy(out, v, sizeof(int));
	return 0;
}

static void
set_flag(struct sock *s, uint32_t f, int on)
{
	if (on)
		s->fl |= f;
	else
		s->fl &= ~f;
}

static int
set_sol_socket(struct sock *s, int name, const void *v, socklen_t len)
{
	struct linger lg;
	int val, e;

	if (name == SO_LINGER) {
		if (v == NULL)
			return EFAULT;
		if (len < sizeof(lg))
			return EINVAL;
		memcpy(&lg, v, sizeof(lg));
		set_flag(s, SF_LINGER, lg.l_onoff);
		s->linger_s = lg.l_linger < 0 ? 0 : lg.l_linger;
		return 0;
	}
	switch (name) {
	case SO_REUSEADDR:
	case SO_REUSEPORT:
	case SO_KEEPALIVE:
	case SO_SNDBUF:
	case SO_RCVBUF:
		break;
	default:
		return ENOPROTOOPT;	/* SO_ERROR, SO_TYPE, ... are read-only */
	}
	e = opt_int(v, len, &val);
	if (e != 0)
		return e;
	switch (name) {
	case SO_REUSEADDR:
		set_flag(s, SF_REUSEADDR, val);
		break;
	case SO_REUSEPORT:
		set_flag(s, SF_REUSEPORT, val);
		break;
	case SO_KEEPALIVE:
		set_flag(s, SF_KEEPALIVE, val);
		keep_apply(s);
		break;
	case SO_SNDBUF:
		if (val < 0)
			return EINVAL;
		s->sndbuf = (uint32_t)val;
		if (s->kind == SK_TCP && s->tcp != NULL && s->st != SS_DEAD)
			tcp_sock_set_sndbuf(s->tcp, s->sndbuf);
		break;
	case SO_RCVBUF:
		if (val < 0)
			return EINVAL;
		s->rcvbuf = (uint32_t)val;
		break;
	}
	return 0;
}

static int
set_cc(struct sock *s, const void *v, socklen_t len)
{
	char name[TERN_TCP_CA_NAME_MAX];
	unsigned int i;

	if (v == NULL)
		return EFAULT;
	if (len < 1)
		return EINVAL;
	if (len >= sizeof(name))
		len = sizeof(name) - 1;
	memcpy(name, v, len);
	name[len] = '\0';
	for (i = 0; sock_cc_names[i] != NULL; i++) {
		if (strcmp(name, sock_cc_names[i]) == 0) {
			s->cc = (uint8_t)(i + 1);
			return 0;
		}
	}
	return ENOENT;
}

static int
set_tcp(struct sock *s, int name, const void *v, socklen_t len)
{
	int val, e;

	if (s->kind != SK_TCP)
		return ENOPROTOOPT;
	if (name == TCP_CONGESTION)
		return set_cc(s, v, len);
	switch (name) {
	case TCP_NODELAY:
	case TCP_KEEPIDLE:
	case TCP_KEEPINTVL:
	case TCP_KEEPCNT:
	case TCP_MAXSEG:
		break;
	default:
		return ENOPROTOOPT;	/* TCP_INFO and TERN_TCP_INFO are read-only */
	}
	e = opt_int(v, len, &val);
	if (e != 0)
		return e;
	switch (name) {
	case TCP_NODELAY:
		set_flag(s, SF_NODELAY, val);
		if (s->tcp != NULL && s->st != SS_DEAD)
			tern_tcp_set_nodelay(s->tcp, val != 0);
		break;
	case TCP_KEEPIDLE:
	case TCP_KEEPINTVL:
		if (val < 1 || val > KEEP_TIME_MAX)
			return EINVAL;
		if (name == TCP_KEEPIDLE)
			s->keepidle_s = (uint32_t)val;
		else
			s->keepintvl_s = (uint32_t)val;
		if (s->fl & SF_KEEPALIVE)
			keep_apply(s);
		break;
	case TCP_KEEPCNT:
		if (val < 1 || val > KEEP_CNT_MAX)
			return EINVAL;
		s->keepcnt = (uint32_t)val;
		if (s->fl & SF_KEEPALIVE)
			keep_apply(s);
		break;
	case TCP_MAXSEG:
		if (val < MSS_MIN || val > UINT16_MAX)
			return EINVAL;
		s->mss = (uint16_t)val;
		break;
	}
	return 0;
}

int
tern_setsockopt(int fd, int level, int optname, const void *optval, socklen_t optlen)
{
	struct sock *s = sock_get_sk(fd);
	int e, val;

	if (s == NULL)
		return -1;
	switch (level) {
	case SOL_SOCKET:
		e = set_sol_socket(s, optname, optval, optlen);
		break;
	case IPPROTO_TCP:
		e = set_tcp(s, optname, optval, optlen);
		break;
	case IPPROTO_IP:
	case IPPROTO_IPV6:
		if (s->kind == SK_UDP &&
		    ((level == IPPROTO_IP && s->family == 4 && optname == IP_PKTINFO) ||
		     (level == IPPROTO_IPV6 && s->family == 6 && optname == IPV6_RECVPKTINFO))) {
			/* the datagram's destination, in tern_recvmsg()'s control data */
			e = opt_int(optval, optlen, &val);
			if (e == 0)
				s->fl = val ? s->fl | SF_PKTINFO : s->fl & ~SF_PKTINFO;
			break;
		}
		if (level != IPPROTO_IPV6 || s->family != 6 || optname != IPV6_V6ONLY) {
			e = ENOPROTOOPT;
			break;
		}
		e = opt_int(optval, optlen, &val);
		if (e == 0 && val == 0)
			e = EOPNOTSUPP;	/* no dual stack */
		break;
	default:
		e = ENOPROTOOPT;
		break;
	}
	return e != 0 ? sock_err(e) : 0;
}

/* ---------------------------------------------------------------------- */
/* getsockopt */

static uint8_t
linux_state(uint8_t st)
{
	switch (st) {
	case TERN_TCP_LISTEN:
		return TCP_LISTEN;
	case TERN_TCP_SYN_SENT:
		return TCP_SYN_SENT;
	case TERN_TCP_SYN_RECEIVED:
		return TCP_SYN_RECV;
	case TERN_TCP_ESTABLISHED:
		return TCP_ESTABLISHED;
	case TERN_TCP_FIN_WAIT_1:
		return TCP_FIN_WAIT1;
	case TERN_TCP_FIN_WAIT_2:
		return TCP_FIN_WAIT2;
	case TERN_TCP_CLOSE_WAIT:
		return TCP_CLOSE_WAIT;
	case TERN_TCP_CLOSING:
		return TCP_CLOSING;
	case TERN_TCP_LAST_ACK:
		return TCP_LAST_ACK;
	case TERN_TCP_TIME_WAIT:
		return TCP_TIME_WAIT;
	default:
		return TCP_CLOSE;
	}
}

static void
sock_tcp_info_fill(const struct sock *s, struct tern_tcp_info *ti)
{
	memset(ti, 0, sizeof(*ti));
	if (s->tcp != NULL)
		tern_tcp_info(s->tcp, ti);
	else
		ti->state = TERN_TCP_CLOSED;
}

static void
linux_info(const struct sock *s, struct tcp_info *li)
{
	struct tern_tcp_info ti;
	uint32_t mss;

	sock_tcp_info_fill(s, &ti);
	mss = ti.mss != 0 ? ti.mss : MSS_DEFAULT;
	memset(li, 0, sizeof(*li));
	li->tcpi_state = linux_state(ti.state);
	if (ti.ts_ok)
		li->tcpi_options |= TCPI_OPT_TIMESTAMPS;
	if (ti.sack_ok)
		li->tcpi_options |= TCPI_OPT_SACK;
	if (ti.snd_wscale != 0 || ti.rcv_wscale != 0)
		li->tcpi_options |= TCPI_OPT_WSCALE;
	li->tcpi_snd_wscale = ti.snd_wscale & 0xf;
	li->tcpi_rcv_wscale = ti.rcv_wscale & 0xf;
	li->tcpi_rto = ti.rto_us;
	li->tcpi_snd_mss = mss;
	li->tcpi_rcv_mss = mss;
	li->tcpi_advmss = mss;
	li->tcpi_unacked = (ti.unacked + mss - 1) / mss;
	li->tcpi_rtt = ti.rtt_us;
	li->tcpi_rttvar = ti.rttvar_us;
	li->tcpi_snd_ssthresh = ti.ssthresh / mss;
	li->tcpi_snd_cwnd = ti.cwnd / mss;
	li->tcpi_rcv_space = ti.rcv_wnd;
	li->tcpi_total_retrans = (uint32_t)ti.segs_retrans;
}

static uint32_t
buf_size(struct sock *s, bool snd)
{
	const struct tern_tcp_config *cfg;
	uint32_t v = snd ? s->sndbuf : s->rcvbuf;

	if (s->kind == SK_UDP)
		return v != 0 ? v : UDP_DEF_BUF;
	if (s->tcp != NULL && s->st != SS_DEAD)
		return snd ? tcp_sock_sndbuf(s->tcp) : tcp_sock_rcvbuf(s->tcp);
	if (v != 0)
		return v;
	cfg = tcp_sock_config(s->t->ctx);
	return cfg == NULL ? 0 : snd ? cfg->sndbuf : cfg->rcvbuf;
}

/* The int value of option (@level, @name), or a positive errno in *@e. */
static int
get_int(struct sock *s, int level, int name, int *e)
{
	const struct tern_tcp_config *cfg = tcp_sock_config(s->t->ctx);
	struct tern_tcp_info ti;
	int v;

	*e = 0;
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_ERROR:
			sock_sync(s);
			v = s->so_error;
			s->so_error = 0;
			if (v == 0 && s->kind == SK_UDP && s->udp != NULL)
				v = -udp_sock_error(s->udp, true);
			sock_after_io(s, false);	/* EPOLLERR went away */
			return v;
		case SO_TYPE:
			return s->kind == SK_TCP ? SOCK_STREAM : SOCK_DGRAM;
		case SO_DOMAIN:
			return s->family == 4 ? AF_INET : AF_INET6;
		case SO_PROTOCOL:
			return s->kind == SK_TCP ? IPPROTO_TCP : IPPROTO_UDP;
		case SO_ACCEPTCONN:
			return s->kind == SK_TCP && s->st == SS_LISTEN;
		case SO_REUSEADDR:
			return !!(s->fl & SF_REUSEADDR);
		case SO_REUSEPORT:
			return !!(s->fl & SF_REUSEPORT);
		case SO_KEEPALIVE:
			return !!(s->fl & SF_KEEPALIVE);
		case SO_SNDBUF:
			return (int)RTE_MIN(buf_size(s, true), (uint32_t)INT32_MAX);
		case SO_RCVBUF:
			return (int)RTE_MIN(buf_size(s, false), (uint32_t)INT32_MAX);
		default:
			break;
		}
	} else if (level == IPPROTO_TCP && s->kind == SK_TCP) {
		switch (name) {
		case TCP_NODELAY:
			return !!(s->fl & SF_NODELAY);
		case TCP_KEEPIDLE:
			return s->keepidle_s ? (int)s->keepidle_s :
				cfg ? (int)(cfg->keepidle_ns / SOCK_NS_PER_S) : 0;
		case TCP_KEEPINTVL:
			return s->keepintvl_s ? (int)s->keepintvl_s :
				cfg ? (int)(cfg->keepintvl_ns / SOCK_NS_PER_S) : 0;
		case TCP_KEEPCNT:
			return s->keepcnt ? (int)s->keepcnt : cfg ? (int)cfg->keepcnt : 0;
		case TCP_MAXSEG:
			sock_sync(s);
			if (s->st == SS_CONNECTED) {
				tern_tcp_info(s->tcp, &ti);
				return ti.mss;
			}
			return s->mss ? s->mss : MSS_DEFAULT;
		default:
			break;
		}
	} else if (level == IPPROTO_IPV6 && s->family == 6 && name == IPV6_V6ONLY) {
		return 1;
	} else if (s->kind == SK_TCP &&
		   ((level == IPPROTO_IP && s->family == 4 && name == IP_MTU) ||
		    (level == IPPROTO_IPV6 && s->family == 6 && name == IPV6_MTU))) {
		/* Linux: the path MTU of a connected socket (the ICMP and black hole cache's) */
		sock_sync(s);
		if (s->st != SS_CONNECTED) {
			*e = ENOTCONN;
			return 0;
		}
		tern_tcp_info(s->tcp, &ti);
		return ti.pmtu;
	} else if (s->kind == SK_UDP &&
		   ((level == IPPROTO_IP && s->family == 4 && name == IP_PKTINFO) ||
		    (level == IPPROTO_IPV6 && s->family == 6 && name == IPV6_RECVPKTINFO))) {
		return !!(s->fl & SF_PKTINFO);
	}
	*e = ENOPROTOOPT;
	return 0;
}

/* Copy @n bytes of @src out, truncated to *@len; *@len set to what was copied. */
static void
copy_out(void *dst, socklen_t *len, const void *src, size_t n)
{
	if (*len > n)
		*len = (socklen_t)n;
	memcpy(dst, src, *len);
}

int
tern_getsockopt(int fd, int level, int optname, void *optval, socklen_t *optlen)
{
	struct sock *s = sock_get_sk(fd);
	struct tern_tcp_info ti;
	struct tcp_info li;
	struct linger lg;
	const char *cc;
	int v, e;

	if (s == NULL)
		return -1;
	if (optval == NULL || optlen == NULL)
		return sock_err(EFAULT);
	if (level == SOL_SOCKET && optname == SO_LINGER) {
		lg.l_onoff = !!(s->fl & SF_LINGER);
		lg.l_linger = s->linger_s;
		if (*optlen < sizeof(lg))
			return sock_err(EINVAL);
		copy_out(optval, optlen, &lg, sizeof(lg));
		return 0;
	}
	if (level == IPPROTO_TCP && s->kind == SK_TCP) {
		switch (optname) {
		case TCP_CONGESTION: {
			char name[TERN_TCP_CA_NAME_MAX];

			cc = s->cc != 0 ? sock_cc_names[s->cc - 1] : tcp_sock_config(s->t->ctx)->cc;
			memset(name, 0, sizeof(name));
			memcpy(name, cc, strlen(cc));
			copy_out(optval, optlen, name, sizeof(name));
			return 0;
		}
		case TCP_INFO:
			sock_sync(s);
			linux_info(s, &li);
			copy_out(optval, optlen, &li, sizeof(li));
			return 0;
		case TERN_TCP_INFO:
			sock_sync(s);
			sock_tcp_info_fill(s, &ti);
			copy_out(optval, optlen, &ti, sizeof(ti));
			return 0;
		default:
			break;
		}
	}
	v = get_int(s, level, optname, &e);
	if (e != 0)
		return sock_err(e);
	if (*optlen < sizeof(int))
		return sock_err(EINVAL);
	copy_out(optval, optlen, &v, sizeof(v));
	return 0;
}
