/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * ICMP errors reach the transport that sent what they quote (RFC 5927,
 * RFC 1191, RFC 8201, RFC 1122 4.2.3.9), over the two-stack harness:
 *
 * - a path narrower than the link: a "router" on the wire (the harness
 *   tap) drops A's frames above PATH_MTU and answers each with a
 *   Fragmentation Needed / Packet Too Big quoting it; a multi-MB transfer
 *   arrives byte-exact, A's MSS comes down after the first ICMP, the
 *   segments lost to it are resent without a retransmission timeout and
 *   without a congestion response, and a new connection to B starts with
 *   the smaller MSS (the path MTU cache);
 * - a forged Fragmentation Needed quoting a sequence number outside
 *   SND.UNA..SND.MAX, or a 4-tuple with no connection, or a source not
 *   ours, changes nothing and is counted; the same message with the
 *   sequence number in flight does lower the MSS (the control);
 * - a connect answered by an ICMP port unreachable fails with
 *   ECONNREFUSED; one answered by a host unreachable (soft) goes on, and
 *   its timeout reports EHOSTUNREACH instead of ETIMEDOUT;
 * - the same path dropping the large frames without a word (a black hole):
 *   after two RTOs in a row A takes a smaller path MTU (RFC 4821 7.5) and
 *   the transfer completes; with the detection off it stalls (the control);
 * - a connected UDP stream to a port with no stream: B's port unreachable
 *   makes A's next call fail with ECONNREFUSED, once.
 *
 * Every test ends with both mbuf pools back where they started.
 */
#include "tcp_test.h"

#define PATH_MTU4	1200
#define PATH_MTU6	1280
#define QUOTE_MAX4	(576 - 20 - 8)		/* RFC 1812 4.3.2.3 */
#define QUOTE_MAX6	(1280 - 40 - 8)		/* RFC 4443 2.4 (c) */
#define ICMP_PENDING	64
#define XFER_BYTES	(100u << 20)	/* 100 MiB */
#define TCPOLEN_TS	12			/* the timestamp option, padded */
#define WIRE_DELAY	(5 * MS)		/* each way */

/* The router's own address, the ICMP errors' source. */
static const uint8_t router4[4] = { 10, 0, 0, 254 };
static const uint8_t router6[16] = { 0xfd, [15] = 0xfe };

/* The small-MTU router on the A->B direction (the harness tap). */
struct router {
	uint16_t mtu;			/* 0: forward everything */
	bool answer;			/* false: drop without a word (a blackhole) */
	bool drop_syn;			/* drop A's SYNs (the ICMP answers instead) */
	unsigned int dropped;		/* frames too big */
	unsigned int icmp_sent;
	unsigned int nb;		/* quotes waiting to be sent back */
	uint8_t family[ICMP_PENDING];
	uint16_t len[ICMP_PENDING];
	uint8_t quote[ICMP_PENDING][QUOTE_MAX6];
	/* the last TCP frame A sent, from its IP header (for forgeries) */
	uint8_t last[128];
	uint16_t last_len;
	uint8_t last_family;
};

struct fixture {
	struct harness *h;
	struct router r;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	int ret = 0;

	if (f->h != NULL) {
		harness_set_tap(f->h, NULL, NULL);
		ret = harness_destroy(f->h);
	}
	free(f);
	return ret;
}

static uint16_t
sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static bool
router_tap(void *arg, enum harness_side from, struct rte_mbuf *m, uint64_t now_ns)
{
	struct router *r = arg;
	uint8_t hdr[14 + 40];
	const uint8_t *p;
	uint32_t l3;
	uint16_t et;
	uint8_t fam, proto;

	RTE_SET_USED(now_ns);
	if (from != HARNESS_A || m->pkt_len < sizeof(hdr))
		return false;
	p = rte_pktmbuf_read(m, 0, sizeof(hdr), hdr);
	et = (uint16_t)(p[12] << 8 | p[13]);
	if (et == RTE_ETHER_TYPE_IPV4) {
		fam = 4;
		proto = p[14 + 9];
	} else if (et == RTE_ETHER_TYPE_IPV6) {
		fam = 6;
		proto = p[14 + 6];
	} else {
		return false;
	}
	l3 = m->pkt_len - 14;
	if (proto == IPPROTO_TCP) {
		r->last_len = (uint16_t)RTE_MIN(l3, (uint32_t)sizeof(r->last));
		r->last_family = fam;
		p = rte_pktmbuf_read(m, 14, r->last_len, r->last);
		if (p != r->last)
			memcpy(r->last, p, r->last_len);
		if (r->drop_syn && (r->last[(fam == 4 ? 20 : 40) + 13] & TH_SYN))
			return true;
	}
	if (r->mtu == 0 || l3 <= r->mtu)
		return false;
	r->dropped++;
	if (r->answer && r->nb < ICMP_PENDING) {
		uint32_t q = RTE_MIN(l3, (uint32_t)(fam == 4 ? QUOTE_MAX4 : QUOTE_MAX6));
		const uint8_t *d = rte_pktmbuf_read(m, 14, q, r->quote[r->nb]);

		if (d != r->quote[r->nb])
			memcpy(r->quote[r->nb], d, q);
		r->family[r->nb] = fam;
		r->len[r->nb] = (uint16_t)q;
		r->nb++;
	}
	return true;
}

/*
 * A frame to A: an ICMP error of @type/@code from the router (@info: the
 * 32 bits after the checksum), quoting @qlen bytes at @q (an IP packet A sent).
 */
static struct rte_mbuf *
icmp_frame(struct harness *h, uint8_t family, uint8_t type, uint8_t code, uint32_t info,
	   const uint8_t *q, uint16_t qlen)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(harness_pool(h, HARNESS_A));
	struct rte_ether_addr a = harness_mac(HARNESS_A), b = harness_mac(HARNESS_B);
	struct tern_sockaddr dst = harness_addr(HARNESS_A, family, 0);
	uint16_t l3 = family == 4 ? 20 : 40, len = (uint16_t)(l3 + 8 + qlen);
	uint8_t *f, *ip, *ic;

	assert_non_null(m);
	f = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(14 + len));
	assert_non_null(f);
	memset(f, 0, 14u + len);
	memcpy(f, a.addr_bytes, 6);
	memcpy(f + 6, b.addr_bytes, 6);
	put16(f + 12, family == 4 ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6);
	ip = f + 14;
	ic = ip + l3;
	ic[0] = type;
	ic[1] = code;
	put16(ic + 4, (uint16_t)(info >> 16));
	put16(ic + 6, (uint16_t)info);
	memcpy(ic + 8, q, qlen);
	if (family == 4) {
		ip[0] = 0x45;
		put16(ip + 2, len);
		ip[8] = 64;
		ip[9] = IPPROTO_ICMP;
		memcpy(ip + 12, router4, 4);
		memcpy(ip + 16, &dst.ip4, 4);
		put16(ip + 10, (uint16_t)~sum16(ip, 20, 0));
		put16(ic + 2, (uint16_t)~sum16(ic, 8u + qlen, 0));
	} else {
		uint32_t ph = 0;

		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)(8 + qlen));
		ip[6] = IPPROTO_ICMPV6;
		ip[7] = 255;
		memcpy(ip + 8, router6, 16);
		memcpy(ip + 24, dst.ip6.a, 16);
		/* pseudo-header: addresses, length, next header */
		ph = sum16(ip + 8, 32, 0);
		ph += 8u + qlen;
		ph += IPPROTO_ICMPV6;
		put16(ic + 2, (uint16_t)~sum16(ic, 8u + qlen, ph));
	}
	return m;
}

/* The router answers what it dropped: Fragmentation Needed / Packet Too Big. */
static void
router_answer(struct fixture *f)
{
	struct router *r = &f->r;
	unsigned int i, n = r->nb;

	r->nb = 0;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = r->family[i] == 4 ?
			icmp_frame(f->h, 4, 3, 4, r->mtu, r->quote[i], r->len[i]) :
			icmp_frame(f->h, 6, 2, 0, r->mtu, r->quote[i], r->len[i]);

		r->icmp_sent++;
		harness_inject(f->h, HARNESS_A, m);
	}
}

/* tcp_transfer() through the router: its ICMP errors go back after each step. */
static uint64_t
transfer(struct fixture *f, struct tern_tcp_stream *tx, struct tern_tcp_stream *rx,
	 uint64_t total, uint32_t seed, uint64_t max_ns)
{
	static uint8_t buf[65536];
	struct harness *h = f->h;
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
		router_answer(f);
		while ((n = tern_tcp_read(rx, buf, sizeof(buf))) > 0) {
			if (pat_check(buf, (size_t)n, got, seed) != UINT64_MAX)
				return got;
			got += (uint64_t)n;
		}
	}
	return got;
}

static struct harness *
make(struct fixture *f, uint16_t mtu)
{
	f->h = harness_create(NULL, NULL);
	assert_non_null(f->h);
	f->r.mtu = mtu;
	f->r.answer = true;
	harness_set_tap(f->h, router_tap, &f->r);
	return f->h;
}

static void
finish(struct fixture *f, struct tern_tcp_stream *l, struct tern_tcp_stream *a,
       struct tern_tcp_stream *b)
{
	struct harness *h = f->h;

	if (a != NULL)
		tern_tcp_abort(a);
	if (b != NULL)
		tern_tcp_abort(b);
	if (l != NULL)
		tern_tcp_close(l);
	harness_run(h, 10 * MS);
	router_answer(f);
	assert_int_equal(tern_tcp_nb_conns(harness_ctx(h, HARNESS_A)), 0);
	tcp_assert_clean(h);
}

static uint16_t
mss_of(const struct tern_tcp_stream *s)
{
	struct tern_tcp_info ti;

	tern_tcp_info(s, &ti);
	return ti.mss;
}

/*
 * RFC 1191 / RFC 8201 over a path of @mtu: the transfer completes, the MSS
 * is the path's after the first ICMP, nothing waited for an RTO, and no
 * congestion response was taken for it.
 */
static void
pmtu_transfer(void **state, uint8_t family, uint16_t mtu)
{
	struct fixture *f = *state;
	struct harness *h = make(f, mtu);
	struct tern_tcp_stream *l, *a, *b, *a2, *b2;
	uint16_t want = (uint16_t)(mtu - (family == 4 ? 20 : 40) - 20 - TCPOLEN_TS);
	struct tern_stats s0, s1;
	struct tern_tcp_info ti;
	uint64_t t0, got;

	/* a 10 ms round trip, so that the completion time says something */
	harness_set_wire_delay(h, WIRE_DELAY);
	tcp_pair(h, family, &l, &a, &b);
	assert_int_equal(mss_of(a), 1500 - (family == 4 ? 20 : 40) - 20 - TCPOLEN_TS);
	s0 = harness_stats(h, HARNESS_A);
	t0 = harness_now(h);
	got = transfer(f, a, b, XFER_BYTES, 7, 60 * SEC);
	s1 = harness_stats(h, HARNESS_A);
	print_message("family %u path MTU %u: %u bytes in %.3f s virtual, %u frames too big, "
		      "%u ICMP (%" PRIu64 " taken, %" PRIu64 " out of window), %" PRIu64
		      " entries resent for the MTU, RTOs %" PRIu64 "\n",
		      family, mtu, XFER_BYTES, (double)(harness_now(h) - t0) / SEC,
		      f->r.dropped, f->r.icmp_sent, s1.icmp_err_to_tcp - s0.icmp_err_to_tcp,
		      s1.drop_icmp_err_bad_seq - s0.drop_icmp_err_bad_seq,
		      s1.tcp_pmtu_rtx_segs - s0.tcp_pmtu_rtx_segs,
		      s1.tcp_rto_fired - s0.tcp_rto_fired);
	assert_int_equal(got, XFER_BYTES);
	assert_int_equal(mss_of(a), want);
	tern_tcp_info(a, &ti);
	assert_int_equal(ti.pmtu, mtu);
	assert_true(f->r.icmp_sent >= 1);
	/* one lowering of the cache and of the connection, whatever the ICMPs that followed */
	assert_int_equal(s1.pmtu_lowered - s0.pmtu_lowered, 1);
	assert_int_equal(s1.tcp_pmtu_updates - s0.tcp_pmtu_updates, 1);
	assert_true(s1.tcp_pmtu_rtx_segs - s0.tcp_pmtu_rtx_segs >= 1);
	/*
	 * Every ICMP either went to the connection or quoted data acknowledged
	 * since (the first one's retransmissions were): none was lost.
	 */
	assert_true(s1.icmp_err_to_tcp - s0.icmp_err_to_tcp >= 1);
	assert_int_equal(s1.icmp_err_to_tcp - s0.icmp_err_to_tcp +
			 s1.drop_icmp_err_bad_seq - s0.drop_icmp_err_bad_seq, f->r.icmp_sent);
	/* no timeout, no congestion response: the losses were the MTU's */
	assert_int_equal(s1.tcp_rto_fired - s0.tcp_rto_fired, 0);
	assert_int_equal(s1.tcp_fast_retrans - s0.tcp_fast_retrans, 0);
	/* the frames lost are those of the first flight, not a stream of them */
	assert_true(f->r.dropped <= 64);
	if (family == 4)
		assert_int_equal(s1.icmp4_err_in - s0.icmp4_err_in, f->r.icmp_sent);
	else
		assert_int_equal(s1.icmp6_err_in - s0.icmp6_err_in, f->r.icmp_sent);

	/* a new connection to B starts below the path MTU: nothing dropped this time */
	f->r.dropped = 0;
	a2 = tcp_connect_a(h, family, NULL);
	b2 = tcp_accept_b(h, l, 5 * SEC);
	assert_non_null(b2);
	assert_int_equal(mss_of(a2), want);
	assert_int_equal(transfer(f, a2, b2, 1u << 20, 9, 10 * SEC), 1u << 20);
	assert_int_equal(f->r.dropped, 0);
	tern_tcp_abort(a2);
	tern_tcp_abort(b2);
	finish(f, l, a, b);
}

static void
test_pmtu_ip4_frag_needed_lowers_mss_transfer_exact_no_rto(void **state)
{
	pmtu_transfer(state, 4, PATH_MTU4);
}

static void
test_pmtu_ip6_packet_too_big_lowers_mss_transfer_exact_no_rto(void **state)
{
	pmtu_transfer(state, 6, PATH_MTU6);
}

/*
 * RFC 4821 7.5 black hole detection: the path (@mtu) drops A's larger
 * frames without a word. After two RTOs in a row of a full-size segment A
 * takes the next step down (1,024 bytes for IPv4, IPv6's floor of 1,280),
 * and the transfer completes byte-exact within @bound_ns of virtual time.
 * With TERN_TCP_CFG_NO_PLPMTUD (@off) nothing is lowered and nothing
 * passes: the control.
 */
static void
blackhole(void **state, uint8_t family, uint16_t mtu, uint16_t step, uint64_t bound_ns, bool off)
{
	struct fixture *f = *state;
	struct tern_tcp_config cfg = { .flags = off ? TERN_TCP_CFG_NO_PLPMTUD : 0 };
	uint16_t want = (uint16_t)(step - (family == 4 ? 20 : 40) - 20 - TCPOLEN_TS);
	struct tern_tcp_stream *l, *a, *b, *a2, *b2;
	uint64_t total = off ? 1u << 20 : XFER_BYTES, t0, got, dt;
	struct tern_stats s0, s1;
	struct tern_tcp_info ti;
	struct harness *h;

	f->h = h = harness_create_tcp(NULL, NULL, &cfg);
	assert_non_null(h);
	f->r.mtu = mtu;
	f->r.answer = false;
	harness_set_tap(h, router_tap, &f->r);
	harness_set_wire_delay(h, WIRE_DELAY);
	tcp_pair(h, family, &l, &a, &b);
	s0 = harness_stats(h, HARNESS_A);
	t0 = harness_now(h);
	got = transfer(f, a, b, total, 11, off ? 5 * SEC : 60 * SEC);
	dt = harness_now(h) - t0;
	s1 = harness_stats(h, HARNESS_A);
	tern_tcp_info(a, &ti);
	print_message("family %u black hole below %u%s: %" PRIu64 " of %" PRIu64 " bytes in "
		      "%.3f s virtual (10 ms RTT), %u frames dropped, RTOs %" PRIu64
		      ", black holes found %" PRIu64 ", MSS %u, path MTU %u\n", family, mtu,
		      off ? " (detection off)" : "", got, total, (double)dt / SEC,
		      f->r.dropped, s1.tcp_rto_fired - s0.tcp_rto_fired,
		      s1.tcp_plpmtud_lowered - s0.tcp_plpmtud_lowered, ti.mss, ti.pmtu);
	assert_int_equal(f->r.icmp_sent, 0);
	if (off) {
		/* nothing full-sized passes, and nothing is lowered */
		assert_true(got < total);
		assert_int_equal(s1.tcp_plpmtud_lowered - s0.tcp_plpmtud_lowered, 0);
		assert_int_equal(ti.pmtu, 1500);	/* the link's */
		finish(f, l, a, b);
		return;
	}
	assert_int_equal(got, total);
	assert_true(dt <= bound_ns);
	/* found once, after the RTOs that define it, and the MSS fits the step */
	assert_int_equal(s1.tcp_plpmtud_lowered - s0.tcp_plpmtud_lowered, 1);
	assert_true(s1.tcp_rto_fired - s0.tcp_rto_fired >= 2);
	assert_int_equal(ti.pmtu, step);
	assert_int_equal(ti.mss, want);
	assert_int_equal(s1.pmtu_lowered - s0.pmtu_lowered, 1);

	/* the cache holds it: a new connection to B starts small, loses nothing */
	f->r.dropped = 0;
	a2 = tcp_connect_a(h, family, NULL);
	b2 = tcp_accept_b(h, l, 5 * SEC);
	assert_non_null(b2);
	assert_int_equal(mss_of(a2), want);
	assert_int_equal(transfer(f, a2, b2, 1u << 20, 13, 10 * SEC), 1u << 20);
	assert_int_equal(f->r.dropped, 0);
	tern_tcp_abort(a2);
	tern_tcp_abort(b2);
	finish(f, l, a, b);
}

static void
test_plpmtud_ip4_blackhole_found_transfer_exact(void **state)
{
	blackhole(state, 4, PATH_MTU4, 1024, 10 * SEC, false);
}

static void
test_plpmtud_ip6_blackhole_found_transfer_exact(void **state)
{
	blackhole(state, 6, PATH_MTU6, 1280, 10 * SEC, false);
}

static void
test_plpmtud_off_blackhole_stalls(void **state)
{
	blackhole(state, 4, PATH_MTU4, 1024, 0, true);
}

/* Offset of the TCP header in the last frame A sent (IPv4 IHL 5 or IPv6 without extensions). */
static unsigned int
last_l4(const struct router *r)
{
	return r->last_family == 4 ? 20 : 40;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/*
 * A forged Frag Needed / Packet Too Big (MTU 1000 / 1280) quoting A's last
 * segment with its sequence number moved by @dseq, its A port by @dport
 * and, if @not_ours, its source address changed.
 */
static void
forge(struct fixture *f, uint8_t family, int64_t dseq, int dport, bool not_ours)
{
	struct router *r = &f->r;
	uint8_t q[128];
	unsigned int l4 = last_l4(r);

	assert_int_equal(r->last_family, family);
	memcpy(q, r->last, r->last_len);
	/* a full-size packet was quoted */
	if (family == 4)
		put16(q + 2, 1500);
	else
		put16(q + 4, 1500 - 40);
	put32(q + l4 + 4, (uint32_t)(get32(q + l4 + 4) + (uint32_t)dseq));
	put16(q + l4, (uint16_t)(((q[l4] << 8) | q[l4 + 1]) + dport));
	if (not_ours)
		q[family == 4 ? 15 : 23] ^= 0x40;
	harness_inject(f->h, HARNESS_A, family == 4 ?
		       icmp_frame(f->h, 4, 3, 4, 1000, q, r->last_len) :
		       icmp_frame(f->h, 6, 2, 0, 1280, q, r->last_len));
}

/* RFC 5927 4.3: what quotes no data in flight, or no connection, changes nothing. */
static void
forged(void **state, uint8_t family)
{
	struct fixture *f = *state;
	struct harness *h = make(f, 0);
	struct tern_tcp_stream *l, *a, *b;
	struct tern_stats s0, s1;
	uint16_t mss;
	uint8_t big[4000];

	tcp_pair(h, family, &l, &a, &b);
	mss = mss_of(a);
	memset(big, 0x5a, sizeof(big));
	/* data in flight: the path drops A's full-size frames without a word */
	f->r.mtu = family == 4 ? 1000 : 1280;
	f->r.answer = false;
	assert_int_equal(tern_tcp_write(a, big, sizeof(big)), (ssize_t)sizeof(big));
	harness_run(h, 0);
	assert_true(f->r.dropped >= 1);
	s0 = harness_stats(h, HARNESS_A);
	forge(f, family, -100000, 0, false);		/* below SND.UNA */
	forge(f, family, 1000000, 0, false);		/* above SND.MAX */
	s1 = harness_stats(h, HARNESS_A);
	assert_int_equal(s1.drop_icmp_err_bad_seq - s0.drop_icmp_err_bad_seq, 2);
	forge(f, family, 0, 1, false);			/* no such connection */
	s1 = harness_stats(h, HARNESS_A);
	assert_int_equal(s1.drop_icmp_err_no_conn - s0.drop_icmp_err_no_conn, 1);
	forge(f, family, 0, 0, true);			/* not sent by us */
	s1 = harness_stats(h, HARNESS_A);
	assert_int_equal(s1.drop_icmp_err_not_ours - s0.drop_icmp_err_not_ours, 1);
	assert_int_equal(s1.icmp_err_to_tcp - s0.icmp_err_to_tcp, 0);
	assert_int_equal(s1.pmtu_lowered - s0.pmtu_lowered, 0);
	assert_int_equal(mss_of(a), mss);

	/* the control: the same message quoting the data in flight is taken */
	forge(f, family, 0, 0, false);
	s1 = harness_stats(h, HARNESS_A);
	assert_int_equal(s1.icmp_err_to_tcp - s0.icmp_err_to_tcp, 1);
	assert_int_equal(s1.pmtu_lowered - s0.pmtu_lowered, 1);
	assert_int_equal(mss_of(a), f->r.mtu - (family == 4 ? 20 : 40) - 20 - TCPOLEN_TS);
	assert_int_equal(s1.tcp_rto_fired - s0.tcp_rto_fired, 0);
	harness_run(h, 50 * MS);
	assert_int_equal(tern_tcp_read(b, big, sizeof(big)), (ssize_t)sizeof(big));
	finish(f, l, a, b);
}

static void
test_icmp_ip4_forged_out_of_window_or_no_conn_ignored(void **state)
{
	forged(state, 4);
}

static void
test_icmp_ip6_forged_out_of_window_or_no_conn_ignored(void **state)
{
	forged(state, 6);
}

/* RFC 1122 4.2.3.9: a port unreachable fails a connect in SYN_SENT. */
static void
connect_refused(void **state, uint8_t family)
{
	struct fixture *f = *state;
	struct harness *h = make(f, 0);
	struct tern_tcp_stream *a;
	struct ev_tally ea = { 0 };
	struct tern_stats s0 = harness_stats(h, HARNESS_A), s1;

	/* the router answers the SYN with the ICMP, and the SYN goes no further */
	f->r.drop_syn = true;
	a = tcp_connect_a(h, family, NULL);
	harness_run(h, 0);
	assert_int_equal(f->r.last_family, family);
	assert_true(f->r.last[last_l4(&f->r) + 13] & TH_SYN);
	harness_inject(h, HARNESS_A, family == 4 ?
		       icmp_frame(h, 4, 3, 3, 0, f->r.last, f->r.last_len) :
		       icmp_frame(h, 6, 1, 4, 0, f->r.last, f->r.last_len));
	ev_collect(h, HARNESS_A, &ea);
	s1 = harness_stats(h, HARNESS_A);
	assert_int_equal(s1.tcp_icmp_hard_errs - s0.tcp_icmp_hard_errs, 1);
	assert_int_equal(ea.n[TERN_EV_ERROR], 1);
	assert_int_equal(ea.last_err, -ECONNREFUSED);
	assert_int_equal(ea.n[TERN_EV_CONNECTED], 0);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_CLOSED);
	tern_tcp_close(a);
	finish(f, NULL, NULL, NULL);
}

static void
test_icmp_ip4_port_unreachable_fails_connect_econnrefused(void **state)
{
	connect_refused(state, 4);
}

static void
test_icmp_ip6_port_unreachable_fails_connect_econnrefused(void **state)
{
	connect_refused(state, 6);
}

/*
 * RFC 1122 4.2.3.9: a soft error (host unreachable) does not fail the
 * connect; when the connect then times out, it is what is reported.
 */
static void
test_icmp_soft_error_reported_when_connect_times_out(void **state)
{
	struct fixture *f = *state;
	struct tern_tcp_config cfg;
	struct harness *h;
	struct tern_tcp_stream *a;
	struct ev_tally ea = { 0 };
	struct tern_stats s0, s1;

	memset(&cfg, 0, sizeof(cfg));
	cfg.syn_retries = 2;		/* 1 + 2 + 4 s */
	h = f->h = harness_create_tcp(NULL, NULL, &cfg);
	assert_non_null(h);
	f->r.drop_syn = true;		/* the SYNs go nowhere */
	harness_set_tap(h, router_tap, &f->r);
	s0 = harness_stats(h, HARNESS_A);
	a = tcp_connect_a(h, 4, NULL);
	harness_run(h, 0);
	assert_int_equal(f->r.last_family, 4);
	harness_inject(h, HARNESS_A, icmp_frame(h, 4, 3, 1, 0, f->r.last, f->r.last_len));
	s1 = harness_stats(h, HARNESS_A);
	assert_int_equal(s1.tcp_icmp_soft_errs - s0.tcp_icmp_soft_errs, 1);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_SYN_SENT);
	ev_collect(h, HARNESS_A, &ea);
	assert_int_equal(ea.n[TERN_EV_ERROR], 0);
	harness_run(h, 10 * SEC);
	ev_collect(h, HARNESS_A, &ea);
	s1 = harness_stats(h, HARNESS_A);
	assert_int_equal(s1.tcp_timeouts - s0.tcp_timeouts, 1);
	assert_int_equal(ea.n[TERN_EV_ERROR], 1);
	assert_int_equal(ea.last_err, -EHOSTUNREACH);
	assert_int_equal(tern_tcp_state(a), TERN_TCP_CLOSED);
	tern_tcp_close(a);
	finish(f, NULL, NULL, NULL);
}

/* BSD: a connected UDP stream's next call after a port unreachable fails once. */
static void
udp_refused(void **state, uint8_t family)
{
	struct fixture *f = *state;
	struct harness *h = make(f, 0);
	struct tern_udp_param p;
	struct tern_udp_stream *u;
	struct tern_stats a0 = harness_stats(h, HARNESS_A), a1;
	uint8_t buf[64];

	memset(&p, 0, sizeof(p));
	p.local.family = family;
	p.remote = harness_addr(HARNESS_B, family, 9999);	/* no stream on B */
	u = tern_udp_open(harness_ctx(h, HARNESS_A), &p);
	assert_non_null(u);
	memset(buf, 1, sizeof(buf));
	assert_int_equal(tern_udp_sendto(u, buf, sizeof(buf), NULL), (ssize_t)sizeof(buf));
	harness_run(h, 5 * MS);
	a1 = harness_stats(h, HARNESS_A);
	assert_int_equal(a1.icmp_err_to_udp - a0.icmp_err_to_udp, 1);
	assert_int_equal(tern_udp_recvfrom(u, buf, sizeof(buf), NULL), -ECONNREFUSED);
	/* reported once */
	assert_int_equal(tern_udp_recvfrom(u, buf, sizeof(buf), NULL), -EAGAIN);
	/* and again after the next datagram, on the send call this time */
	assert_int_equal(tern_udp_sendto(u, buf, sizeof(buf), NULL), (ssize_t)sizeof(buf));
	harness_run(h, 5 * MS);
	assert_int_equal(tern_udp_sendto(u, buf, sizeof(buf), NULL), -ECONNREFUSED);
	assert_int_equal(tern_udp_sendto(u, buf, sizeof(buf), NULL), (ssize_t)sizeof(buf));
	harness_run(h, 5 * MS);
	tern_udp_close(u);
	harness_run(h, 5 * MS);
	tcp_assert_clean(h);
}

static void
test_udp_ip4_port_unreachable_econnrefused_on_next_call(void **state)
{
	udp_refused(state, 4);
}

static void
test_udp_ip6_port_unreachable_econnrefused_on_next_call(void **state)
{
	udp_refused(state, 6);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_pmtu_ip4_frag_needed_lowers_mss_transfer_exact_no_rto),
		T(test_pmtu_ip6_packet_too_big_lowers_mss_transfer_exact_no_rto),
		T(test_plpmtud_ip4_blackhole_found_transfer_exact),
		T(test_plpmtud_ip6_blackhole_found_transfer_exact),
		T(test_plpmtud_off_blackhole_stalls),
		T(test_icmp_ip4_forged_out_of_window_or_no_conn_ignored),
		T(test_icmp_ip6_forged_out_of_window_or_no_conn_ignored),
		T(test_icmp_ip4_port_unreachable_fails_connect_econnrefused),
		T(test_icmp_ip6_port_unreachable_fails_connect_econnrefused),
		T(test_icmp_soft_error_reported_when_connect_times_out),
		T(test_udp_ip4_port_unreachable_econnrefused_on_next_call),
		T(test_udp_ip6_port_unreachable_econnrefused_on_next_call),
	};
	int ret;

	if (harness_eal_init("test_stack_tcp_icmp") != 0)
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	harness_eal_fini();
	return ret;
}
