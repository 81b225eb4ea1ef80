/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/* The helpers declared in tcp_test.h, compiled once for every test that uses them. */
#include "tcp_test.h"

void
ev_collect(struct harness *h, enum harness_side side, struct ev_tally *t)
{
	struct tern_event ev[64];
	unsigned int n, i;

	while ((n = tern_ctx_events(harness_ctx(h, side), ev, 64)) > 0)
		for (i = 0; i < n; i++) {
			if (ev[i].type < 8) {
				t->n[ev[i].type]++;
				t->last_obj[ev[i].type] = ev[i].obj;
			}
			if (ev[i].type == TERN_EV_ERROR)
				t->last_err = ev[i].err;
		}
}

struct tern_tcp_stream *
tcp_listen_b(struct harness *h, uint8_t family, const struct tern_tcp_param *extra)
{
	struct tern_tcp_param p;
	struct tern_tcp_stream *l;

	if (extra != NULL)
		p = *extra;
	else
		memset(&p, 0, sizeof(p));
	p.local = harness_addr(HARNESS_B, family, TCP_PORT_B);
	l = tern_tcp_listen(harness_ctx(h, HARNESS_B), &p);
	assert_non_null(l);
	return l;
}

struct tern_tcp_stream *
tcp_connect_a(struct harness *h, uint8_t family, const struct tern_tcp_param *extra)
{
	struct tern_tcp_param p;
	struct tern_tcp_stream *s;

	if (extra != NULL)
		p = *extra;
	else
		memset(&p, 0, sizeof(p));
	p.remote = harness_addr(HARNESS_B, family, TCP_PORT_B);
	p.local.family = family;
	s = tern_tcp_connect(harness_ctx(h, HARNESS_A), &p);
	assert_non_null(s);
	return s;
}

struct tern_tcp_stream *
tcp_accept_b(struct harness *h, struct tern_tcp_stream *l, uint64_t max_ns)
{
	struct tern_tcp_stream *s = NULL;
	uint64_t t;

	for (t = 0; t <= max_ns; t += MS) {
		if (tern_tcp_accept_burst(l, &s, 1) == 1)
			return s;
		harness_run(h, MS);
	}
	return NULL;
}

uint64_t
tcp_transfer(struct harness *h, struct tern_tcp_stream *tx, struct tern_tcp_stream *rx,
	     uint64_t total, uint32_t seed, uint64_t max_ns)
{
	static uint8_t buf[65536];
	uint64_t sent = 0, got = 0, t0 = harness_now(h);
	ssize_t n;

	while (got < total && harness_now(h) - t0 < max_ns) {
		while (sent < total) {
			size_t chunk = (size_t)RTE_MIN((uint64_t)sizeof(buf), total - sent);

			pat_fill(buf, chunk, sent, seed);
			n = tern_tcp_write(tx, buf, chunk);
			if (n <= 0)
				break;
			sent += (uint64_t)n;
		}
		harness_run(h, MS);
		while ((n = tern_tcp_read(rx, buf, sizeof(buf))) > 0) {
			uint64_t bad = pat_check(buf, (size_t)n, got, seed);

			if (bad != UINT64_MAX) {
				print_error("byte %" PRIu64 " wrong\n", bad);
				return got;
			}
			got += (uint64_t)n;
		}
	}
	return got;
}

bool
seg_parse(const struct rte_mbuf *m, struct seg_rec *r)
{
	uint8_t b[14 + 40 + 60];
	const uint8_t *p = rte_pktmbuf_read(m, 0, RTE_MIN((uint32_t)sizeof(b), m->pkt_len), b);
	uint32_t l3, l4_len, hlen, i;
	const struct rte_tcp_hdr *th;
	uint16_t et;

	if (p == NULL || m->pkt_len < 14 + 20)
		return false;
	memset(r, 0, sizeof(*r));
	et = (uint16_t)(p[12] << 8 | p[13]);
	if (et == RTE_ETHER_TYPE_IPV4) {
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(p + 14);

		if (ip->next_proto_id != IPPROTO_TCP)
			return false;
		l3 = 14 + (uint32_t)(ip->version_ihl & 0xf) * 4;
		l4_len = rte_be_to_cpu_16(ip->total_length) - (l3 - 14);
		r->family = 4;
	} else if (et == RTE_ETHER_TYPE_IPV6) {
		const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(p + 14);

		if (ip->proto != IPPROTO_TCP)
			return false;
		l3 = 14 + 40;
		l4_len = rte_be_to_cpu_16(ip->payload_len);
		r->family = 6;
	} else {
		return false;
	}
	if (m->pkt_len < l3 + 20)
		return false;
	th = (const struct rte_tcp_hdr *)(p + l3);
	hlen = (uint32_t)(th->data_off >> 4) * 4;
	r->sport = rte_be_to_cpu_16(th->src_port);
	r->dport = rte_be_to_cpu_16(th->dst_port);
	r->seq = rte_be_to_cpu_32(th->sent_seq);
	r->ack = rte_be_to_cpu_32(th->recv_ack);
	r->flags = th->tcp_flags & 0x3f;
	r->wnd = rte_be_to_cpu_16(th->rx_win);
	r->len = l4_len - hlen;
	for (i = 20; i < hlen && l3 + i < sizeof(b);) {
		const uint8_t *o = p + l3 + i;
		uint8_t kind = o[0], olen;

		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		olen = o[1];
		if (olen < 2)
			break;
		switch (kind) {
		case 2:
			r->has_mss = 1;
			r->mss = (uint16_t)(o[2] << 8 | o[3]);
			break;
		case 3:
			r->has_ws = 1;
			r->ws = o[2];
			break;
		case 4:
			r->has_sackp = 1;
			break;
		case 5:
			for (r->nb_sack = 0; r->nb_sack < 4 && 2u + 8u * (r->nb_sack + 1u) <= olen;
			     r->nb_sack++) {
				const uint8_t *q = o + 2 + 8 * r->nb_sack;

				r->sack[r->nb_sack][0] = (uint32_t)q[0] << 24 | q[1] << 16 |
					q[2] << 8 | q[3];
				r->sack[r->nb_sack][1] = (uint32_t)q[4] << 24 | q[5] << 16 |
					q[6] << 8 | q[7];
			}
			break;
		case 8:
			r->has_ts = 1;
			r->tsval = (uint32_t)o[2] << 24 | o[3] << 16 | o[4] << 8 | o[5];
			r->tsecr = (uint32_t)o[6] << 24 | o[7] << 16 | o[8] << 8 | o[9];
			break;
		default:
			break;
		}
		i += olen;
	}
	return true;
}

bool
cap_tap(void *arg, enum harness_side from, struct rte_mbuf *m, uint64_t now_ns)
{
	struct tcp_cap *c = arg;
	struct seg_rec r, *rp;
	unsigned int i;

	if (!seg_parse(m, &r))
		return false;
	r.t = now_ns;
	r.from = (uint8_t)from;
	for (i = 0; i < HARNESS_NB_SIDES; i++)
		r.st[i] = c->watch[i] != NULL ? (uint8_t)tern_tcp_state(c->watch[i]) : 0xff;
	if (c->n == c->cap) {
		unsigned int nc = c->cap ? c->cap * 2 : 1024;
		struct seg_rec *nr = realloc(c->rec, nc * sizeof(*nr));

		if (nr == NULL)
			return false;
		c->rec = nr;
		c->cap = nc;
	}
	rp = &c->rec[c->n++];
	*rp = r;
	if (c->filter != NULL && c->filter(c, rp)) {
		rp->dropped = 1;
		c->nb_dropped++;
		return true;
	}
	return false;
}

struct rte_mbuf *
seg_build(struct harness *h, const struct seg_out *o)
{
	enum harness_side to = o->from == HARNESS_A ? HARNESS_B : HARNESS_A;
	struct rte_mbuf *m = rte_pktmbuf_alloc(harness_pool(h, to));
	struct tern_sockaddr src = harness_addr(o->from, o->family, o->sport);
	struct tern_sockaddr dst = harness_addr(to, o->family, o->dport);
	struct rte_ether_hdr *eh;
	struct rte_tcp_hdr *th;
	uint16_t l3 = o->family == 4 ? 20 : 40, thl = 20 + (o->ts ? 12 : 0);
	uint8_t *opt;

	assert_non_null(m);
	eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m, (uint16_t)(14 + l3 + thl + o->len));
	assert_non_null(eh);
	eh->dst_addr = harness_mac(to);
	eh->src_addr = harness_mac(o->from);
	eh->ether_type = rte_cpu_to_be_16(o->family == 4 ? RTE_ETHER_TYPE_IPV4 :
					  RTE_ETHER_TYPE_IPV6);
	th = (struct rte_tcp_hdr *)((uint8_t *)(eh + 1) + l3);
	th->src_port = rte_cpu_to_be_16(o->sport);
	th->dst_port = rte_cpu_to_be_16(o->dport);
	th->sent_seq = rte_cpu_to_be_32(o->seq);
	th->recv_ack = rte_cpu_to_be_32(o->ack);
	th->data_off = (uint8_t)((thl / 4) << 4);
	th->tcp_flags = o->flags;
	th->rx_win = rte_cpu_to_be_16(o->wnd);
	th->cksum = 0;
	th->tcp_urp = 0;
	opt = (uint8_t *)(th + 1);
	if (o->ts) {
		opt[0] = 1;
		opt[1] = 1;
		opt[2] = 8;
		opt[3] = 10;
		opt[4] = (uint8_t)(o->tsval >> 24);
		opt[5] = (uint8_t)(o->tsval >> 16);
		opt[6] = (uint8_t)(o->tsval >> 8);
		opt[7] = (uint8_t)o->tsval;
		opt[8] = (uint8_t)(o->tsecr >> 24);
		opt[9] = (uint8_t)(o->tsecr >> 16);
		opt[10] = (uint8_t)(o->tsecr >> 8);
		opt[11] = (uint8_t)o->tsecr;
	}
	if (o->len > 0)
		memcpy((uint8_t *)th + thl, o->data, o->len);
	if (o->family == 4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);

		memset(ip, 0, sizeof(*ip));
		ip->version_ihl = 0x45;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(l3 + thl + o->len));
		ip->time_to_live = 64;
		ip->next_proto_id = IPPROTO_TCP;
		ip->src_addr = src.ip4;
		ip->dst_addr = dst.ip4;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		th->cksum = rte_ipv4_udptcp_cksum(ip, th);
	} else {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eh + 1);

		memset(ip, 0, sizeof(*ip));
		ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip->payload_len = rte_cpu_to_be_16((uint16_t)(thl + o->len));
		ip->proto = IPPROTO_TCP;
		ip->hop_limits = 64;
		memcpy(ip->src_addr, &src.ip6, 16);
		memcpy(ip->dst_addr, &dst.ip6, 16);
		th->cksum = rte_ipv6_udptcp_cksum(ip, th);
	}
	return m;
}
