/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * The input path of the net layer (lib/net/eth.c, ip4.c, icmp4.c, ip6.c,
 * icmp6.c): good and malformed frames fed to a context on a virtual device.
 * Each malformed frame is dropped and counted under its own reason; good
 * ones (ICMP and ICMPv6 echo) are answered, and the answer is checked byte
 * by byte, checksums against a reference written here.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test_env.h"

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include <tern/tern.h>

#define CAP_MAX		64
#define FRAME_MAX	1600
#define VLAN_ID		100
#define ETH_LEN		14
#define VLAN_LEN	4
#define IP4_LEN		20
#define IP6_LEN		40
#define ICMP_LEN	8

#define ET_IPV4		0x0800
#define ET_IPV6		0x86dd
#define ET_VLAN		0x8100
#define PROTO_ICMP	1
#define PROTO_ICMPV6	58
#define PROTO_UNKNOWN	253	/* RFC 3692: for experiments, never handled */

static const struct rte_ether_addr our_mac = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 } };
static const struct rte_ether_addr peer_mac = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 } };
static const struct rte_ether_addr other_mac = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x99 } };
static const struct rte_ether_addr bcast_mac = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };

static const struct tern_ip6 our_ip6 = { { 0xfd, [15] = 0x01 } };
static const struct tern_ip6 peer_ip6 = { { 0xfd, [15] = 0x02 } };
static const struct tern_ip6 other_ip6 = { { 0xfd, [15] = 0x99 } };

#define OUR_IP4		test_ip4(10, 0, 0, 1)
#define PEER_IP4	test_ip4(10, 0, 0, 2)

/* ---- the context under test, its device and what it sends ---- */

/*
 * One interface (@vlan_id 0: untagged), 10.0.0.1/24 and fd00::1/64, the peer
 * 10.0.0.2 / fd00::2 known as a permanent neighbor so answers leave at once.
 */
static int
env_setup_with(void **state, uint16_t vlan_id, bool no_reassembly)
{
	struct test_env_param p = {
		.name = "eth_test", .mac = our_mac, .vlan_id = vlan_id,
		.no_reassembly = no_reassembly, .cap_max = CAP_MAX, .mark_pool = true,
	};
	struct test_env *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return -1;
	*state = e;
	if (test_env_open(e, &p) != 0 ||
	    tern_net_addr4_add(e->net, 0, OUR_IP4, 24) != 0 ||
	    tern_net_addr6_add(e->net, 0, &our_ip6, 64) != 0 ||
	    tern_net_neigh4_set(e->net, 0, PEER_IP4, &peer_mac) != 0 ||
	    tern_net_neigh6_set(e->net, 0, &peer_ip6, &peer_mac) != 0)
		return -1;
	return test_env_start(e);
}

static int
env_setup(void **state)
{
	return env_setup_with(state, 0, false);
}

/* The interface's first address: 10.1.255.255/16, its subnet's broadcast address. */
static int
env_setup_bcast_first(void **state)
{
	struct test_env_param p = {
		.name = "eth_test", .mac = our_mac, .cap_max = CAP_MAX, .mark_pool = true,
	};
	struct test_env *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return -1;
	*state = e;
	if (test_env_open(e, &p) != 0 ||
	    tern_net_addr4_add(e->net, 0, test_ip4(10, 1, 255, 255), 16) != 0 ||
	    tern_net_neigh4_set(e->net, 0, PEER_IP4, &peer_mac) != 0)
		return -1;
	return test_env_start(e);
}

static int
env_setup_tagged(void **state)
{
	return env_setup_with(state, VLAN_ID, false);
}

/* Fragments are dropped, not reassembled: what the frame checks below rely on. */
static int
env_setup_no_reassembly(void **state)
{
	return env_setup_with(state, 0, true);
}

/* ---- frame building and checking, independent of the library ---- */

/* Ethernet header (@vlan < 0: untagged) from the peer, then @l3. @return frame length. */
static size_t
eth_frame(uint8_t *f, const struct rte_ether_addr *dst, int vlan, uint16_t type,
	  const uint8_t *l3, size_t l3len)
{
	size_t off = ETH_LEN;

	memcpy(f, dst->addr_bytes, 6);
	memcpy(f + 6, peer_mac.addr_bytes, 6);
	if (vlan >= 0) {
		put16(f + 12, ET_VLAN);
		put16(f + 14, (uint16_t)vlan);
		put16(f + 16, type);
		off += VLAN_LEN;
	} else {
		put16(f + 12, type);
	}
	memcpy(f + off, l3, l3len);
	return off + l3len;
}

static void
ip4_fix_cksum(uint8_t *ip)
{
	size_t ihl = (size_t)(ip[0] & 0xf) * 4;

	put16(ip + 10, 0);
	put16(ip + 10, ref_cksum(ip, ihl));
}

/* IPv4 packet, DF set, TTL 64, @optlen bytes of NOP options. @return its length. */
static size_t
ip4_pkt(uint8_t *p, tern_ip4_t src, tern_ip4_t dst, uint8_t proto, size_t optlen,
	const uint8_t *l4, size_t l4len)
{
	size_t hl = IP4_LEN + optlen;

	memset(p, 0, hl);
	p[0] = (uint8_t)(0x40 | (hl / 4));
	put16(p + 2, (uint16_t)(hl + l4len));
	put16(p + 4, 0x4242);
	put16(p + 6, 0x4000);		/* DF: not a fragment */
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, &src, 4);
	memcpy(p + 16, &dst, 4);
	memset(p + IP4_LEN, 0x01, optlen);	/* NOP options */
	memcpy(p + hl, l4, l4len);
	ip4_fix_cksum(p);
	return hl + l4len;
}

/* ICMP(v6) echo of @type with @n payload bytes; checksum left 0. @return its length. */
static size_t
echo_msg(uint8_t *p, uint8_t type, uint16_t id, uint16_t seq, uint16_t n)
{
	uint16_t i;

	p[0] = type;
	p[1] = 0;
	put16(p + 2, 0);
	put16(p + 4, id);
	put16(p + 6, seq);
	for (i = 0; i < n; i++)
		p[ICMP_LEN + i] = (uint8_t)(0xa5 ^ i);
	return ICMP_LEN + n;
}

static size_t
icmp4_echo(uint8_t *p, uint16_t id, uint16_t seq, uint16_t n)
{
	size_t len = echo_msg(p, 8, id, seq, n);

	put16(p + 2, ref_cksum(p, len));
	return len;
}

static size_t
icmp6_echo(uint8_t *p, const struct tern_ip6 *src, const struct tern_ip6 *dst, uint16_t id,
	   uint16_t seq, uint16_t n)
{
	size_t len = echo_msg(p, 128, id, seq, n);

	put16(p + 2, ref_icmp6_cksum(src, dst, p, len));
	return len;
}

static size_t
ip6_pkt(uint8_t *p, const struct tern_ip6 *src, const struct tern_ip6 *dst, uint8_t nh,
	uint8_t hlim, const uint8_t *pl, size_t plen)
{
	memset(p, 0, IP6_LEN);
	p[0] = 0x60;
	put16(p + 4, (uint16_t)plen);
	p[6] = nh;
	p[7] = hlim;
	memcpy(p + 8, src->a, 16);
	memcpy(p + 24, dst->a, 16);
	memcpy(p + IP6_LEN, pl, plen);
	return IP6_LEN + plen;
}

static void
send_l3(struct test_env *e, uint16_t type, const uint8_t *l3, size_t len)
{
	uint8_t f[FRAME_MAX];

	test_env_send(e, f, eth_frame(f, &our_mac, -1, type, l3, len));
}

/* An echo request from the peer: 10.0.0.2 -> 10.0.0.1, id 0x1234 seq 7, @n bytes. */
static size_t
echo4_pkt(uint8_t *ip, uint8_t *icmp, size_t *icmp_len, uint16_t n)
{
	*icmp_len = icmp4_echo(icmp, 0x1234, 7, n);
	return ip4_pkt(ip, PEER_IP4, OUR_IP4, PROTO_ICMP, 0, icmp, *icmp_len);
}

static void
check_eth(const uint8_t *f, const struct rte_ether_addr *dst, uint16_t type)
{
	assert_memory_equal(f, dst->addr_bytes, 6);
	assert_memory_equal(f + 6, our_mac.addr_bytes, 6);
	assert_int_equal(get16(f + 12), type);
}

/* IPv4 header at @ip: ours, to the peer, @proto, @len bytes, checksum right. */
static void
check_ip4(const uint8_t *ip, uint8_t proto, size_t len)
{
	tern_ip4_t src = OUR_IP4, dst = PEER_IP4;

	assert_int_equal(ip[0], 0x45);
	assert_int_equal(get16(ip + 2), len);
	assert_int_equal(ip[8], 64);
	assert_int_equal(ip[9], proto);
	assert_memory_equal(ip + 12, &src, 4);
	assert_memory_equal(ip + 16, &dst, 4);
	assert_int_equal(ref_cksum(ip, IP4_LEN), 0);
}

/* Frame @f (@len bytes, L3 at @l3) answers echo request @req (@req_len bytes). */
static void
check_echo4_reply(const uint8_t *f, size_t len, size_t l3, const uint8_t *req, size_t req_len)
{
	const uint8_t *ic = f + l3 + IP4_LEN;

	assert_int_equal(len, l3 + IP4_LEN + req_len);
	check_ip4(f + l3, PROTO_ICMP, IP4_LEN + req_len);
	assert_int_equal(ic[0], 0);	/* echo reply */
	assert_int_equal(ic[1], 0);
	assert_memory_equal(ic + 4, req + 4, req_len - 4);	/* id, seq, data */
	assert_int_equal(ref_cksum(ic, req_len), 0);
}

static void
check_echo6_reply(const uint8_t *f, size_t len, const struct tern_ip6 *src,
		  const uint8_t *req, size_t req_len)
{
	const uint8_t *ip = f + ETH_LEN, *ic = ip + IP6_LEN;
	struct tern_ip6 s, d;

	check_eth(f, &peer_mac, ET_IPV6);
	assert_int_equal(len, ETH_LEN + IP6_LEN + req_len);
	assert_int_equal(ip[0] >> 4, 6);
	assert_int_equal(get16(ip + 4), req_len);
	assert_int_equal(ip[6], PROTO_ICMPV6);
	assert_int_equal(ip[7], 64);
	memcpy(s.a, ip + 8, 16);
	memcpy(d.a, ip + 24, 16);
	assert_memory_equal(s.a, src->a, 16);
	assert_memory_equal(d.a, peer_ip6.a, 16);
	assert_int_equal(ic[0], 129);	/* echo reply */
	assert_int_equal(ic[1], 0);
	assert_memory_equal(ic + 4, req + 4, req_len - 4);
	assert_int_equal(ref_icmp6_cksum(&s, &d, ic, req_len), 0);
}

/* ---- ethernet ---- */

static void
test_eth_truncated_frame_is_dropped(void **state)
{
	struct test_env *e = *state;
	uint8_t f[ETH_LEN] = { 0 };
	struct tern_stats st;

	memcpy(f, our_mac.addr_bytes, 6);
	put16(f + 12, ET_IPV4);
	test_env_send(e, f, 10);
	test_env_send(e, f, ETH_LEN - 1);
	st = test_env_stats(e);
	assert_int_equal(st.eth_in, 2);
	assert_int_equal(st.drop_eth_short, 2);
	assert_int_equal(st.ip4_in, 0);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

static void
test_eth_frame_to_another_unicast_mac_is_dropped(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[64], ip[128], f[256];
	size_t icn, n;
	struct tern_stats st;

	n = echo4_pkt(ip, ic, &icn, 16);
	test_env_send(e, f, eth_frame(f, &other_mac, -1, ET_IPV4, ip, n));
	st = test_env_stats(e);
	assert_int_equal(st.drop_eth_not_ours, 1);
	assert_int_equal(st.ip4_in, 0);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

/* Broadcast (a multicast MAC) is accepted: the same echo is then answered. */
static void
test_eth_broadcast_frame_is_accepted(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[64], ip[128], f[256], out[FRAME_MAX];
	size_t icn, n, len;
	struct tern_stats st;

	n = echo4_pkt(ip, ic, &icn, 16);
	test_env_send(e, f, eth_frame(f, &bcast_mac, -1, ET_IPV4, ip, n));
	st = test_env_stats(e);
	assert_int_equal(st.drop_eth_not_ours, 0);
	assert_int_equal(st.icmp4_echo_out, 1);
	assert_int_equal(e->nb_cap, 1);
	len = test_env_cap_copy(e, 0, out, sizeof(out));
	check_eth(out, &peer_mac, ET_IPV4);
	check_echo4_reply(out, len, ETH_LEN, ic, icn);
	test_env_finish(e);
}

static void
test_eth_unknown_ethertype_is_dropped(void **state)
{
	struct test_env *e = *state;
	uint8_t pl[46] = { 0 }, f[128];
	struct tern_stats st;

	test_env_send(e, f, eth_frame(f, &our_mac, -1, 0x88b5 /* local experimental */, pl,
				   sizeof(pl)));
	st = test_env_stats(e);
	assert_int_equal(st.eth_in, 1);
	assert_int_equal(st.drop_eth_type, 1);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

static void
test_eth_vlan_tag_on_untagged_iface_is_dropped(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[64], ip[128], f[256];
	size_t icn, n;
	struct tern_stats st;

	n = echo4_pkt(ip, ic, &icn, 16);
	test_env_send(e, f, eth_frame(f, &our_mac, VLAN_ID, ET_IPV4, ip, n));
	st = test_env_stats(e);
	assert_int_equal(st.drop_eth_vlan, 1);
	assert_int_equal(st.ip4_in, 0);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

/* 802.1Q VLAN 0 only carries a priority: the frame is the untagged interface's. */
static void
test_eth_priority_tag_is_accepted_on_untagged_iface(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[64], ip[128], f[256], out[FRAME_MAX];
	size_t icn, n, len;

	n = echo4_pkt(ip, ic, &icn, 16);
	test_env_send(e, f, eth_frame(f, &our_mac, 0x6000 /* PCP 3, VID 0 */, ET_IPV4, ip, n));
	assert_int_equal(test_env_stats(e).drop_eth_vlan, 0);
	assert_int_equal(e->nb_cap, 1);
	len = test_env_cap_copy(e, 0, out, sizeof(out));
	check_eth(out, &peer_mac, ET_IPV4);	/* answered untagged */
	check_echo4_reply(out, len, ETH_LEN, ic, icn);
	test_env_finish(e);
}

static void
test_eth_truncated_vlan_header_is_dropped(void **state)
{
	struct test_env *e = *state;
	uint8_t f[ETH_LEN + 2] = { 0 };

	memcpy(f, our_mac.addr_bytes, 6);
	put16(f + 12, ET_VLAN);
	test_env_send(e, f, sizeof(f));
	assert_int_equal(test_env_stats(e).drop_eth_short, 1);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

static void
test_eth_vlan_iface_answers_with_the_same_tag(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[64], ip[128], f[256], out[FRAME_MAX];
	size_t icn, n, len;

	n = echo4_pkt(ip, ic, &icn, 24);
	test_env_send(e, f, eth_frame(f, &our_mac, VLAN_ID, ET_IPV4, ip, n));
	assert_int_equal(test_env_stats(e).drop_eth_vlan, 0);
	assert_int_equal(test_env_stats(e).icmp4_echo_out, 1);
	assert_int_equal(e->nb_cap, 1);
	len = test_env_cap_copy(e, 0, out, sizeof(out));
	check_eth(out, &peer_mac, ET_VLAN);
	assert_int_equal(get16(out + 14) & 0xfff, VLAN_ID);
	assert_int_equal(get16(out + 16), ET_IPV4);
	check_echo4_reply(out, len, ETH_LEN + VLAN_LEN, ic, icn);
	test_env_finish(e);
}

static void
test_eth_vlan_iface_drops_untagged_and_other_tags(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[64], ip[128], f[256];
	size_t icn, n;

	n = echo4_pkt(ip, ic, &icn, 16);
	test_env_send(e, f, eth_frame(f, &our_mac, -1, ET_IPV4, ip, n));
	test_env_send(e, f, eth_frame(f, &our_mac, VLAN_ID + 1, ET_IPV4, ip, n));
	test_env_send(e, f, eth_frame(f, &our_mac, 0, ET_IPV4, ip, n));
	assert_int_equal(test_env_stats(e).drop_eth_vlan, 3);
	assert_int_equal(test_env_stats(e).ip4_in, 0);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

/* ---- IPv4 ---- */

static void
test_ip4_truncated_header_is_dropped(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[64], ip[128];
	size_t icn;

	echo4_pkt(ip, ic, &icn, 0);
	send_l3(e, ET_IPV4, ip, IP4_LEN - 1);
	assert_int_equal(test_env_stats(e).ip4_in, 1);
	assert_int_equal(test_env_stats(e).drop_ip4_short, 1);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

static void
test_ip4_version_5_is_dropped(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[64], ip[128];
	size_t icn, n;

	n = echo4_pkt(ip, ic, &icn, 16);
	ip[0] = 0x55;
	ip4_fix_cksum(ip);
	send_l3(e, ET_IPV4, ip, n);
	assert_int_equal(test_env_stats(e).drop_ip4_version, 1);
	assert_int_equal(test_env_stats(e).icmp4_in, 0);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

static void
test_ip4_ihl_below_5_is_dropped(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[64], ip[128];
	size_t icn, n;

	n = echo4_pkt(ip, ic, &icn, 16);
	ip[0] = 0x44;
	send_l3(e, ET_IPV4, ip, n);
	assert_int_equal(test_env_stats(e).drop_ip4_version, 1);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

static void
test_ip4_ihl_beyond_data_is_dropped(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[64], ip[128];
	size_t icn, n;

	n = echo4_pkt(ip, ic, &icn, 0);	/* 28 bytes; IHL 15 says 60 */
	ip[0] = 0x4f;
	send_l3(e, ET_IPV4, ip, n);
	assert_int_equal(test_env_stats(e).drop_ip4_short, 1);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

static void
test_ip4_total_length_beyond_frame_is_dropped(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[64], ip[128];
	size_t icn, n;

	n = echo4_pkt(ip, ic, &icn, 16);
	put16(ip + 2, (uint16_t)(n + 1));
	ip4_fix_cksum(ip);
	send_l3(e, ET_IPV4, ip, n);
	/* and one shorter than its own header */
	put16(ip + 2, IP4_LEN - 1);
	ip4_fix_cksum(ip);
	send_l3(e, ET_IPV4, ip, n);
	assert_int_equal(test_env_stats(e).drop_ip4_len, 2);
	assert_int_equal(test_env_stats(e).icmp4_in, 0);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

static void
test_ip4_bad_header_checksum_is_dropped(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[64], ip[128];
	size_t icn, n;

	n = echo4_pkt(ip, ic, &icn, 16);
	ip[11] ^= 0x01;
	send_l3(e, ET_IPV4, ip, n);
	assert_int_equal(test_env_stats(e).drop_ip4_cksum, 1);
	assert_int_equal(test_env_stats(e).icmp4_in, 0);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

/* With reassembly off: a first fragment (MF), a later one (offset), a last one. */
static void
test_ip4_fragments_are_dropped_without_reassembly(void **state)
{
	static const uint16_t frag[] = { 0x2000, 0x0001, 0x2010, 0x4000 | 0x0100 };
	struct test_env *e = *state;
	uint8_t ic[64], ip[128];
	size_t icn, n, i;

	n = echo4_pkt(ip, ic, &icn, 16);
	for (i = 0; i < RTE_DIM(frag); i++) {
		put16(ip + 6, frag[i]);
		ip4_fix_cksum(ip);
		send_l3(e, ET_IPV4, ip, n);
	}
	assert_int_equal(test_env_stats(e).frag_in, RTE_DIM(frag));
	assert_int_equal(test_env_stats(e).drop_frag_bad, RTE_DIM(frag));
	assert_int_equal(test_env_stats(e).icmp4_in, 0);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

static void
test_ip4_options_are_skipped_and_echo_answered(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[64], ip[128], out[FRAME_MAX];
	size_t icn, n, len;

	icn = icmp4_echo(ic, 0x4321, 9, 20);
	n = ip4_pkt(ip, PEER_IP4, OUR_IP4, PROTO_ICMP, 4, ic, icn);	/* IHL 6 */
	assert_int_equal(ip[0], 0x46);
	send_l3(e, ET_IPV4, ip, n);
	assert_int_equal(test_env_stats(e).ip4_opts_skipped, 1);
	assert_int_equal(test_env_stats(e).icmp4_echo_out, 1);
	assert_int_equal(e->nb_cap, 1);
	len = test_env_cap_copy(e, 0, out, sizeof(out));
	check_eth(out, &peer_mac, ET_IPV4);
	check_echo4_reply(out, len, ETH_LEN, ic, icn);	/* IHL 5: no options echoed */
	test_env_finish(e);
}

static void
test_ip4_not_our_destination_is_dropped(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[64], ip[128];
	size_t icn, n;

	icn = icmp4_echo(ic, 1, 1, 8);
	n = ip4_pkt(ip, PEER_IP4, test_ip4(10, 0, 0, 99), PROTO_ICMP, 0, ic, icn);
	send_l3(e, ET_IPV4, ip, n);
	assert_int_equal(test_env_stats(e).drop_ip4_not_ours, 1);
	assert_int_equal(test_env_stats(e).icmp4_in, 0);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

static void
test_ip4_martian_source_is_dropped(void **state)
{
	struct test_env *e = *state;
	const tern_ip4_t src[] = { test_ip4(127, 0, 0, 1), test_ip4(0, 0, 0, 0), test_ip4(224, 0, 0, 1),
				   test_ip4(255, 255, 255, 255) };
	uint8_t ic[64], ip[128];
	size_t icn, n, i;

	icn = icmp4_echo(ic, 1, 1, 8);
	for (i = 0; i < RTE_DIM(src); i++) {
		n = ip4_pkt(ip, src[i], OUR_IP4, PROTO_ICMP, 0, ic, icn);
		send_l3(e, ET_IPV4, ip, n);
	}
	assert_int_equal(test_env_stats(e).drop_ip4_src, RTE_DIM(src));
	assert_int_equal(test_env_stats(e).icmp4_in, 0);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

/* RFC 1122 3.2.2.1: protocol unreachable, quoting the offending packet. */
static void
test_ip4_unknown_protocol_gets_protocol_unreachable(void **state)
{
	struct test_env *e = *state;
	uint8_t l4[12], ip[128], out[FRAME_MAX];
	const uint8_t *ic;
	size_t n, len;

	memset(l4, 0x3c, sizeof(l4));
	n = ip4_pkt(ip, PEER_IP4, OUR_IP4, PROTO_UNKNOWN, 0, l4, sizeof(l4));
	send_l3(e, ET_IPV4, ip, n);
	assert_int_equal(test_env_stats(e).drop_ip4_proto, 1);
	assert_int_equal(test_env_stats(e).icmp4_unreach_out, 1);
	assert_int_equal(e->nb_cap, 1);
	len = test_env_cap_copy(e, 0, out, sizeof(out));
	check_eth(out, &peer_mac, ET_IPV4);
	assert_int_equal(len, ETH_LEN + IP4_LEN + ICMP_LEN + n);
	check_ip4(out + ETH_LEN, PROTO_ICMP, IP4_LEN + ICMP_LEN + n);
	ic = out + ETH_LEN + IP4_LEN;
	assert_int_equal(ic[0], 3);	/* destination unreachable */
	assert_int_equal(ic[1], 2);	/* protocol unreachable */
	assert_int_equal(get16(ic + 4), 0);
	assert_int_equal(get16(ic + 6), 0);
	assert_memory_equal(ic + ICMP_LEN, ip, n);
	assert_int_equal(ref_cksum(ic, ICMP_LEN + n), 0);
	test_env_finish(e);
}

static void
test_icmp4_echo_request_gets_reply(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[128], ip[256], out[FRAME_MAX];
	size_t icn, n, len;
	struct tern_stats st;

	n = echo4_pkt(ip, ic, &icn, 56);
	send_l3(e, ET_IPV4, ip, n);
	st = test_env_stats(e);
	assert_int_equal(st.icmp4_in, 1);
	assert_int_equal(st.icmp4_echo_in, 1);
	assert_int_equal(st.icmp4_echo_out, 1);
	assert_int_equal(st.ip4_out, 1);
	assert_int_equal(st.tx_pkts, 1);
	assert_int_equal(e->nb_cap, 1);
	len = test_env_cap_copy(e, 0, out, sizeof(out));
	check_eth(out, &peer_mac, ET_IPV4);
	check_echo4_reply(out, len, ETH_LEN, ic, icn);
	test_env_finish(e);
}

static void
test_icmp4_bad_checksum_is_dropped(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[64], ip[128];
	size_t icn, n;

	icn = icmp4_echo(ic, 1, 1, 16);
	ic[ICMP_LEN + 3] ^= 0x40;	/* data changed after the checksum */
	n = ip4_pkt(ip, PEER_IP4, OUR_IP4, PROTO_ICMP, 0, ic, icn);
	send_l3(e, ET_IPV4, ip, n);
	assert_int_equal(test_env_stats(e).icmp4_in, 1);
	assert_int_equal(test_env_stats(e).drop_icmp4_cksum, 1);
	assert_int_equal(test_env_stats(e).icmp4_echo_in, 0);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

static void
test_icmp4_truncated_message_is_dropped(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[64], ip[128];
	size_t icn, n;

	icn = icmp4_echo(ic, 1, 1, 0);
	n = ip4_pkt(ip, PEER_IP4, OUR_IP4, PROTO_ICMP, 0, ic, icn - 4);
	send_l3(e, ET_IPV4, ip, n);
	assert_int_equal(test_env_stats(e).drop_icmp4_short, 1);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

/* Like Linux by default: no answer to a ping sent to a broadcast address. */
static void
test_icmp4_echo_to_broadcast_is_not_answered(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[64], ip[128], f[256];
	size_t icn, n;

	icn = icmp4_echo(ic, 1, 1, 8);
	n = ip4_pkt(ip, PEER_IP4, test_ip4(10, 0, 0, 255), PROTO_ICMP, 0, ic, icn);
	test_env_send(e, f, eth_frame(f, &bcast_mac, -1, ET_IPV4, ip, n));
	assert_int_equal(test_env_stats(e).icmp4_echo_in, 1);
	assert_int_equal(test_env_stats(e).icmp4_echo_out, 0);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

/* A 60-byte minimum frame carries a shorter IP packet: the padding is not data. */
static void
test_eth_padding_is_trimmed_before_reply(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[64], ip[128], f[256], out[FRAME_MAX];
	size_t icn, n, len;

	n = echo4_pkt(ip, ic, &icn, 4);		/* 32 bytes of IP */
	len = eth_frame(f, &our_mac, -1, ET_IPV4, ip, n);
	memset(f + len, 0xee, 60 - len);	/* non-zero padding: it would break the checksum */
	test_env_send(e, f, 60);
	assert_int_equal(test_env_stats(e).drop_icmp4_cksum, 0);
	assert_int_equal(e->nb_cap, 1);
	len = test_env_cap_copy(e, 0, out, sizeof(out));
	check_eth(out, &peer_mac, ET_IPV4);
	check_echo4_reply(out, len, ETH_LEN, ic, icn);
	test_env_finish(e);
}

/* ---- one burst: the common case and every exception beside it ---- */

#define BURST_MAX	24

struct burst {
	struct rte_mbuf *m[BURST_MAX];
	uint16_t n;
};

/* Frame @f (@len bytes) into @b, with RX offload flags @ol (and VLAN TCI @tci). */
static void
burst_add(struct burst *b, const uint8_t *f, size_t len, uint64_t ol, uint16_t tci)
{
	struct rte_mbuf *m = tern_test_mbuf_from(f, len);

	assert_true(b->n < BURST_MAX);
	m->ol_flags |= ol;
	m->vlan_tci = tci;
	b->m[b->n++] = m;
}

/* IPv4 packet @ip (@n bytes) to @dst_mac, untagged, into @b. */
static void
burst_add4(struct burst *b, const struct rte_ether_addr *dst_mac, const uint8_t *ip, size_t n,
	   uint64_t ol)
{
	uint8_t f[FRAME_MAX];

	burst_add(b, f, eth_frame(f, dst_mac, -1, ET_IPV4, ip, n), ol, 0);
}

/*
 * Frames of the common case (to our MAC and our first address, a bare
 * header) take a shorter way through the input than the rest: in one
 * burst, between them, each exception is still made out, dropped under
 * its own reason or delivered, and every frame counted once (eth_in,
 * ip4_in), whatever way it took.
 */
static void
test_ip4_burst_counts_every_frame_once_and_each_drop_by_its_reason(void **state)
{
	struct test_env *e = *state;
	const tern_ip4_t second = test_ip4(10, 0, 1, 1);
	uint8_t ic[128], ip[256], fr[256], f[256];
	struct burst b = { .n = 0 };
	size_t icn, n, len, half;
	struct tern_stats st;
	unsigned int good = 0;

	assert_int_equal(tern_net_addr4_add(e->net, 0, second, 24), 0);
	n = echo4_pkt(ip, ic, &icn, 24);
	/* answered: plain; again; a wrong sum the device vouched for; padded */
	burst_add4(&b, &our_mac, ip, n, 0), good++;
	burst_add4(&b, &our_mac, ip, n, 0), good++;
	ip[11] ^= 0x01;
	burst_add4(&b, &our_mac, ip, n, RTE_MBUF_F_RX_IP_CKSUM_GOOD), good++;
	/* drop_ip4_cksum: the wrong sum unchecked, then a right one the device refused */
	burst_add4(&b, &our_mac, ip, n, 0);
	ip[11] ^= 0x01;
	burst_add4(&b, &our_mac, ip, n, RTE_MBUF_F_RX_IP_CKSUM_BAD);
	len = eth_frame(f, &our_mac, -1, ET_IPV4, ip, n);
	memset(f + len, 0xee, 16);	/* trailing padding, not data */
	burst_add(&b, f, len + 16, 0, 0), good++;
	/* answered: to the broadcast MAC; with options; to the second address */
	burst_add4(&b, &bcast_mac, ip, n, 0), good++;
	n = ip4_pkt(fr, PEER_IP4, OUR_IP4, PROTO_ICMP, 8, ic, icn);
	burst_add4(&b, &our_mac, fr, n, 0), good++;
	n = ip4_pkt(fr, PEER_IP4, second, PROTO_ICMP, 0, ic, icn);
	burst_add4(&b, &our_mac, fr, n, 0), good++;
	/* to the subnet's broadcast address, our MAC: taken, not answered */
	n = ip4_pkt(fr, PEER_IP4, test_ip4(10, 0, 0, 255), PROTO_ICMP, 0, ic, icn);
	burst_add4(&b, &our_mac, fr, n, 0);
	/* in two fragments: reassembled and answered */
	half = 16;
	n = ip4_pkt(fr, PEER_IP4, OUR_IP4, PROTO_ICMP, 0, ic, half);
	put16(fr + 2, (uint16_t)(IP4_LEN + half));
	put16(fr + 6, 0x2000);		/* MF */
	ip4_fix_cksum(fr);
	burst_add4(&b, &our_mac, fr, n, 0);
	n = ip4_pkt(fr, PEER_IP4, OUR_IP4, PROTO_ICMP, 0, ic + half, icn - half);
	put16(fr + 6, half / 8);	/* offset, last */
	ip4_fix_cksum(fr);
	burst_add4(&b, &our_mac, fr, n, 0), good++;
	/* drop_ip4_src, drop_ip4_not_ours, drop_ip4_proto (and its unreachable) */
	n = ip4_pkt(fr, test_ip4(127, 0, 0, 1), OUR_IP4, PROTO_ICMP, 0, ic, icn);
	burst_add4(&b, &our_mac, fr, n, 0);
	n = ip4_pkt(fr, PEER_IP4, test_ip4(10, 0, 0, 99), PROTO_ICMP, 0, ic, icn);
	burst_add4(&b, &our_mac, fr, n, 0);
	n = ip4_pkt(fr, PEER_IP4, OUR_IP4, PROTO_UNKNOWN, 0, ic, icn);
	burst_add4(&b, &our_mac, fr, n, 0);
	/* drop_ip4_len twice (beyond the frame; below the header), drop_ip4_version */
	n = echo4_pkt(ip, ic, &icn, 24);
	memcpy(fr, ip, n);
	put16(fr + 2, (uint16_t)(n + 1));
	ip4_fix_cksum(fr);
	burst_add4(&b, &our_mac, fr, n, 0);
	put16(fr + 2, IP4_LEN - 1);
	ip4_fix_cksum(fr);
	burst_add4(&b, &our_mac, fr, n, 0);
	memcpy(fr, ip, n);
	fr[0] = 0x65;
	ip4_fix_cksum(fr);
	burst_add4(&b, &our_mac, fr, n, 0);
	/* not to our MAC; tagged by the device (stripped), not ours: ethernet drops */
	burst_add4(&b, &other_mac, ip, n, 0);
	burst_add(&b, f, eth_frame(f, &our_mac, -1, ET_IPV4, ip, n),
		  RTE_MBUF_F_RX_VLAN_STRIPPED | RTE_MBUF_F_RX_VLAN, 5);
	/* and the common case last, after them all */
	burst_add4(&b, &our_mac, ip, n, 0), good++;

	tern_ctx_input(e->ctx, 0, b.m, b.n);
	tern_ctx_flush(e->ctx);
	st = test_env_stats(e);
	assert_int_equal(st.eth_in, b.n);
	assert_int_equal(st.drop_eth_not_ours, 1);
	assert_int_equal(st.drop_eth_vlan, 1);
	assert_int_equal(st.ip4_in, b.n - 2);
	assert_int_equal(st.drop_ip4_cksum, 2);
	assert_int_equal(st.drop_ip4_src, 1);
	assert_int_equal(st.drop_ip4_not_ours, 1);
	assert_int_equal(st.drop_ip4_proto, 1);
	assert_int_equal(st.drop_ip4_len, 2);
	assert_int_equal(st.drop_ip4_version, 1);
	assert_int_equal(st.drop_ip4_short, 0);
	assert_int_equal(st.ip4_opts_skipped, 1);
	assert_int_equal(st.frag_in, 2);
	assert_int_equal(st.icmp4_in, good + 1);	/* and the broadcast one */
	assert_int_equal(st.icmp4_echo_out, good);
	assert_int_equal(st.icmp4_unreach_out, 1);
	assert_int_equal(e->nb_cap, good + 1);
	test_env_finish(e);
}

/*
 * An interface whose first address is also the broadcast address of its
 * subnet (10.1.255.255/16): a packet to it is a broadcast (RFC 1122
 * 3.3.6), taken but not answered, on every frame of a burst.
 */
static void
test_ip4_first_address_that_is_a_broadcast_stays_one(void **state)
{
	struct test_env *e = *state;
	const tern_ip4_t a = test_ip4(10, 1, 255, 255);
	uint8_t ic[64], ip[128];
	struct burst b = { .n = 0 };
	size_t icn, n;
	struct tern_stats st;

	icn = icmp4_echo(ic, 1, 1, 8);
	n = ip4_pkt(ip, PEER_IP4, a, PROTO_ICMP, 0, ic, icn);
	burst_add4(&b, &our_mac, ip, n, 0);
	burst_add4(&b, &our_mac, ip, n, 0);
	tern_ctx_input(e->ctx, 0, b.m, b.n);
	tern_ctx_flush(e->ctx);
	st = test_env_stats(e);
	assert_int_equal(st.ip4_in, 2);
	assert_int_equal(st.icmp4_echo_in, 2);
	assert_int_equal(st.icmp4_echo_out, 0);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

/* ---- IPv6 ---- */

static size_t
echo6_pkt(uint8_t *ip, uint8_t *icmp, size_t *icmp_len, uint16_t n)
{
	*icmp_len = icmp6_echo(icmp, &peer_ip6, &our_ip6, 0x6666, 3, n);
	return ip6_pkt(ip, &peer_ip6, &our_ip6, PROTO_ICMPV6, 64, icmp, *icmp_len);
}

static void
test_ip6_truncated_header_is_dropped(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[64], ip[128];
	size_t icn;

	echo6_pkt(ip, ic, &icn, 0);
	send_l3(e, ET_IPV6, ip, IP6_LEN - 1);
	assert_int_equal(test_env_stats(e).ip6_in, 1);
	assert_int_equal(test_env_stats(e).drop_ip6_short, 1);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

static void
test_ip6_bad_version_is_dropped(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[64], ip[128];
	size_t icn, n;

	n = echo6_pkt(ip, ic, &icn, 8);
	ip[0] = 0x40;
	send_l3(e, ET_IPV6, ip, n);
	assert_int_equal(test_env_stats(e).drop_ip6_version, 1);
	assert_int_equal(test_env_stats(e).icmp6_in, 0);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

static void
test_ip6_payload_length_beyond_frame_is_dropped(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[64], ip[128];
	size_t icn, n;

	n = echo6_pkt(ip, ic, &icn, 8);
	put16(ip + 4, (uint16_t)(n - IP6_LEN + 1));
	send_l3(e, ET_IPV6, ip, n);
	assert_int_equal(test_env_stats(e).drop_ip6_len, 1);
	assert_int_equal(test_env_stats(e).icmp6_in, 0);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

static void
test_ip6_multicast_source_is_dropped(void **state)
{
	static const struct tern_ip6 mc = { { 0xff, 0x02, [15] = 0x01 } };
	struct test_env *e = *state;
	uint8_t ic[64], ip[128];
	size_t icn, n;

	icn = icmp6_echo(ic, &mc, &our_ip6, 1, 1, 8);
	n = ip6_pkt(ip, &mc, &our_ip6, PROTO_ICMPV6, 64, ic, icn);
	send_l3(e, ET_IPV6, ip, n);
	assert_int_equal(test_env_stats(e).drop_ip6_src, 1);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

static void
test_ip6_not_our_destination_is_dropped(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[64], ip[128];
	size_t icn, n;

	icn = icmp6_echo(ic, &peer_ip6, &other_ip6, 1, 1, 8);
	n = ip6_pkt(ip, &peer_ip6, &other_ip6, PROTO_ICMPV6, 64, ic, icn);
	send_l3(e, ET_IPV6, ip, n);
	assert_int_equal(test_env_stats(e).drop_ip6_not_ours, 1);
	assert_int_equal(test_env_stats(e).icmp6_in, 0);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

static void
test_icmp6_echo_request_gets_reply(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[128], ip[256], out[FRAME_MAX];
	size_t icn, n, len;
	struct tern_stats st;

	n = echo6_pkt(ip, ic, &icn, 56);
	send_l3(e, ET_IPV6, ip, n);
	st = test_env_stats(e);
	assert_int_equal(st.icmp6_in, 1);
	assert_int_equal(st.icmp6_echo_in, 1);
	assert_int_equal(st.icmp6_echo_out, 1);
	assert_int_equal(st.ip6_out, 1);
	assert_int_equal(e->nb_cap, 1);
	len = test_env_cap_copy(e, 0, out, sizeof(out));
	check_echo6_reply(out, len, &our_ip6, ic, icn);
	test_env_finish(e);
}

static void
test_icmp6_bad_checksum_is_dropped(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[64], ip[128];
	size_t icn, n;

	/* a checksum right for another source: the pseudo-header counts */
	icn = icmp6_echo(ic, &other_ip6, &our_ip6, 1, 1, 8);
	n = ip6_pkt(ip, &peer_ip6, &our_ip6, PROTO_ICMPV6, 64, ic, icn);
	send_l3(e, ET_IPV6, ip, n);
	assert_int_equal(test_env_stats(e).drop_icmp6_cksum, 1);
	assert_int_equal(test_env_stats(e).icmp6_echo_in, 0);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

static void
test_ip6_padding_is_trimmed_before_reply(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[64], ip[128], pad[128], out[FRAME_MAX];
	size_t icn, n, len;

	n = echo6_pkt(ip, ic, &icn, 2);
	memcpy(pad, ip, n);
	memset(pad + n, 0xee, 8);
	send_l3(e, ET_IPV6, pad, n + 8);
	assert_int_equal(test_env_stats(e).drop_icmp6_cksum, 0);
	assert_int_equal(e->nb_cap, 1);
	len = test_env_cap_copy(e, 0, out, sizeof(out));
	check_echo6_reply(out, len, &our_ip6, ic, icn);
	test_env_finish(e);
}

/* Hop-by-hop then destination options, each with one PadN option, then ICMPv6. */
static void
test_ip6_hop_by_hop_and_dest_options_are_skipped(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[64], pl[128], ip[256], out[FRAME_MAX];
	size_t icn, n, len;
	struct tern_stats st;

	icn = icmp6_echo(ic, &peer_ip6, &our_ip6, 0x7777, 5, 12);
	memset(pl, 0, 16);
	pl[0] = 60;		/* hop-by-hop -> destination options */
	pl[1] = 0;		/* 8 bytes */
	pl[2] = 1;		/* PadN */
	pl[3] = 4;
	pl[8] = PROTO_ICMPV6;	/* destination options -> ICMPv6 */
	pl[9] = 0;
	pl[10] = 1;
	pl[11] = 4;
	memcpy(pl + 16, ic, icn);
	n = ip6_pkt(ip, &peer_ip6, &our_ip6, 0 /* hop-by-hop */, 64, pl, 16 + icn);
	send_l3(e, ET_IPV6, ip, n);
	st = test_env_stats(e);
	assert_int_equal(st.ip6_ext_skipped, 2);
	assert_int_equal(st.drop_ip6_ext, 0);
	assert_int_equal(st.icmp6_echo_out, 1);
	assert_int_equal(e->nb_cap, 1);
	len = test_env_cap_copy(e, 0, out, sizeof(out));
	check_echo6_reply(out, len, &our_ip6, ic, icn);
	test_env_finish(e);
}

/* RFC 8200 4.1: hop-by-hop options only right after the IPv6 header. */
static void
test_ip6_hop_by_hop_not_first_is_dropped(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[64], pl[128], ip[256];
	size_t icn, n;

	icn = icmp6_echo(ic, &peer_ip6, &our_ip6, 1, 1, 8);
	memset(pl, 0, 16);
	pl[0] = 0;		/* destination options -> hop-by-hop */
	pl[2] = 1;
	pl[3] = 4;
	pl[8] = PROTO_ICMPV6;
	pl[10] = 1;
	pl[11] = 4;
	memcpy(pl + 16, ic, icn);
	n = ip6_pkt(ip, &peer_ip6, &our_ip6, 60, 64, pl, 16 + icn);
	send_l3(e, ET_IPV6, ip, n);
	assert_int_equal(test_env_stats(e).drop_ip6_ext, 1);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

static void
test_ip6_fragment_is_dropped_without_reassembly(void **state)
{
	struct test_env *e = *state;
	uint8_t ic[64], pl[128], ip[256];
	size_t icn, n;

	icn = icmp6_echo(ic, &peer_ip6, &our_ip6, 1, 1, 8);
	memset(pl, 0, 8);
	pl[0] = PROTO_ICMPV6;
	put16(pl + 2, 0x0001);	/* offset 0, more fragments */
	pl[7] = 0x42;		/* identification */
	memcpy(pl + 8, ic, icn);
	n = ip6_pkt(ip, &peer_ip6, &our_ip6, 44 /* fragment */, 64, pl, 8 + icn);
	send_l3(e, ET_IPV6, ip, n);
	assert_int_equal(test_env_stats(e).frag_in, 1);
	assert_int_equal(test_env_stats(e).drop_frag_bad, 1);
	assert_int_equal(test_env_stats(e).icmp6_in, 0);
	assert_int_equal(e->nb_cap, 0);
	test_env_finish(e);
}

/*
 * Check that frame @out (@len bytes) is a parameter problem, code 1, with
 * @pointer, from us to the peer, quoting @ip (@n bytes).
 */
static void
check_param_problem(const uint8_t *out, size_t len, const uint8_t *ip, size_t n,
		    uint32_t pointer)
{
	const uint8_t *oh = out + ETH_LEN, *ic = oh + IP6_LEN;

	check_eth(out, &peer_mac, ET_IPV6);
	assert_int_equal(len, ETH_LEN + IP6_LEN + ICMP_LEN + n);
	assert_int_equal(oh[6], PROTO_ICMPV6);
	assert_memory_equal(oh + 8, our_ip6.a, 16);
	assert_memory_equal(oh + 24, peer_ip6.a, 16);
	assert_int_equal(ic[0], 4);	/* parameter problem */
	assert_int_equal(ic[1], 1);	/* unrecognized next header */
	assert_int_equal(((uint32_t)get16(ic + 4) << 16) | get16(ic + 6), pointer);
	assert_memory_equal(ic + ICMP_LEN, ip, n);
	assert_int_equal(ref_icmp6_cksum(&our_ip6, &peer_ip6, ic, ICMP_LEN + n), 0);
}

/* RFC 8200 4 / RFC 4443 3.4: the pointer names the Next Header field, here at 6. */
static void
test_ip6_unknown_next_header_gets_parameter_problem(void **state)
{
	struct test_env *e = *state;
	uint8_t pl[16], ip[128], out[FRAME_MAX];
	size_t n, len;

	memset(pl, 0x5a, sizeof(pl));
	n = ip6_pkt(ip, &peer_ip6, &our_ip6, PROTO_UNKNOWN, 64, pl, sizeof(pl));
	send_l3(e, ET_IPV6, ip, n);
	assert_int_equal(test_env_stats(e).drop_ip6_proto, 1);
	assert_int_equal(e->nb_cap, 1);
	len = test_env_cap_copy(e, 0, out, sizeof(out));
	check_param_problem(out, len, ip, n, 6);
	test_env_finish(e);
}

/*
 * After extension headers, the unrecognized value is the Next Header field
 * of the last one: its first byte, wherever that header ends.
 */
static void
test_ip6_unknown_next_header_after_options_points_at_last_header(void **state)
{
	struct test_env *e = *state;
	uint8_t pl[64], ip[128], out[FRAME_MAX];
	size_t n, len, hl;

	/* destination options of 8 bytes, then of 16 bytes (Hdr Ext Len 1) */
	for (hl = 8; hl <= 16; hl += 8) {
		memset(pl, 0, sizeof(pl));
		pl[0] = PROTO_UNKNOWN;
		pl[1] = (uint8_t)(hl / 8 - 1);
		pl[2] = 1;		/* PadN over the rest */
		pl[3] = (uint8_t)(hl - 4);
		memset(pl + hl, 0x5a, 8);
		n = ip6_pkt(ip, &peer_ip6, &our_ip6, 60, 64, pl, hl + 8);
		send_l3(e, ET_IPV6, ip, n);
		assert_int_equal(e->nb_cap, 1);
		len = test_env_cap_copy(e, 0, out, sizeof(out));
		check_param_problem(out, len, ip, n, IP6_LEN);
		test_env_cap_clear(e);
	}
	assert_int_equal(test_env_stats(e).drop_ip6_proto, 2);
	test_env_finish(e);
}

#define ENV_TEST(fn)	cmocka_unit_test_setup_teardown(fn, env_setup, test_env_teardown)
#define VLAN_TEST(fn)	cmocka_unit_test_setup_teardown(fn, env_setup_tagged, test_env_teardown)
#define NOREASM_TEST(fn) \
	cmocka_unit_test_setup_teardown(fn, env_setup_no_reassembly, test_env_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		ENV_TEST(test_eth_truncated_frame_is_dropped),
		ENV_TEST(test_eth_frame_to_another_unicast_mac_is_dropped),
		ENV_TEST(test_eth_broadcast_frame_is_accepted),
		ENV_TEST(test_eth_unknown_ethertype_is_dropped),
		ENV_TEST(test_eth_vlan_tag_on_untagged_iface_is_dropped),
		ENV_TEST(test_eth_priority_tag_is_accepted_on_untagged_iface),
		ENV_TEST(test_eth_truncated_vlan_header_is_dropped),
		VLAN_TEST(test_eth_vlan_iface_answers_with_the_same_tag),
		VLAN_TEST(test_eth_vlan_iface_drops_untagged_and_other_tags),
		ENV_TEST(test_ip4_truncated_header_is_dropped),
		ENV_TEST(test_ip4_version_5_is_dropped),
		ENV_TEST(test_ip4_ihl_below_5_is_dropped),
		ENV_TEST(test_ip4_ihl_beyond_data_is_dropped),
		ENV_TEST(test_ip4_total_length_beyond_frame_is_dropped),
		ENV_TEST(test_ip4_bad_header_checksum_is_dropped),
		NOREASM_TEST(test_ip4_fragments_are_dropped_without_reassembly),
		ENV_TEST(test_ip4_options_are_skipped_and_echo_answered),
		ENV_TEST(test_ip4_not_our_destination_is_dropped),
		ENV_TEST(test_ip4_martian_source_is_dropped),
		ENV_TEST(test_ip4_unknown_protocol_gets_protocol_unreachable),
		ENV_TEST(test_icmp4_echo_request_gets_reply),
		ENV_TEST(test_icmp4_bad_checksum_is_dropped),
		ENV_TEST(test_icmp4_truncated_message_is_dropped),
		ENV_TEST(test_icmp4_echo_to_broadcast_is_not_answered),
		ENV_TEST(test_eth_padding_is_trimmed_before_reply),
		ENV_TEST(test_ip4_burst_counts_every_frame_once_and_each_drop_by_its_reason),
		cmocka_unit_test_setup_teardown(
			test_ip4_first_address_that_is_a_broadcast_stays_one,
			env_setup_bcast_first, test_env_teardown),
		ENV_TEST(test_ip6_truncated_header_is_dropped),
		ENV_TEST(test_ip6_bad_version_is_dropped),
		ENV_TEST(test_ip6_payload_length_beyond_frame_is_dropped),
		ENV_TEST(test_ip6_multicast_source_is_dropped),
		ENV_TEST(test_ip6_not_our_destination_is_dropped),
		ENV_TEST(test_icmp6_echo_request_gets_reply),
		ENV_TEST(test_icmp6_bad_checksum_is_dropped),
		ENV_TEST(test_ip6_padding_is_trimmed_before_reply),
		ENV_TEST(test_ip6_hop_by_hop_and_dest_options_are_skipped),
		ENV_TEST(test_ip6_hop_by_hop_not_first_is_dropped),
		NOREASM_TEST(test_ip6_fragment_is_dropped_without_reassembly),
		ENV_TEST(test_ip6_unknown_next_header_gets_parameter_problem),
		ENV_TEST(test_ip6_unknown_next_header_after_options_points_at_last_header),
	};
	int ret;

	if (tern_test_eal_init("net_eth") != 0)
		return 1;
	ret = cmocka_run_group_tests_name("net_eth", tests, NULL, NULL);
	tern_test_eal_fini();
	return ret;
}
