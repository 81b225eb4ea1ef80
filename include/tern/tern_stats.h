/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_STATS_H
#define TERN_STATS_H

/**
 * @file
 * Per-context counters. They are always on, plain uint64_t, and defined once
 * here: the X-macro lists generate the struct, the names and the
 * descriptions, so a counter added to a list shows up everywhere at once.
 * Every place that drops a packet bumps a counter whose name starts with
 * "drop_".
 */

#include <stdint.h>

#include <tern/tern_config.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Device and context counters. */
#define TERN_STATS_CORE(X)						\
	X(rx_pkts,		"packets read from device queues")	\
	X(rx_bytes,		"bytes read from device queues")		\
	X(tx_pkts,		"packets handed to devices")		\
	X(tx_bytes,		"bytes handed to devices")			\
	X(rx_bursts,		"rx bursts that returned packets")	\
	X(timers_fired,		"timer wheel callbacks run")		\
	X(drop_tx_full,		"dropped: device tx queue and tx buffer full") \
	X(drop_tx_refused,	"dropped: refused by the device (tx_prepare, or stuck at the head)") \
	X(drop_nomem,		"dropped: mbuf allocation failed")	\
	X(drop_bad_port,	"dropped: input on a port the context does not have") \
	X(events_lost,		"events not posted: the event queue was full") \
	X(idle_sleeps,		"sleeps of the socket layer's idle back-off (epoll_wait, poll)") \
	X(idle_sleep_ns,	"time asked for in those sleeps (ns)")

/** Ethernet, ARP and neighbor counters. */
#define TERN_STATS_ETH(X)						\
	X(eth_in,		"ethernet frames received")		\
	X(drop_eth_short,	"dropped: frame shorter than its headers") \
	X(drop_eth_not_ours,	"dropped: destination MAC not ours")	\
	X(drop_eth_vlan,	"dropped: VLAN tag not configured here") \
	X(drop_eth_type,	"dropped: unknown ethertype")		\
	X(arp_in,		"ARP packets received")			\
	X(arp_req_in,		"ARP requests received")			\
	X(arp_rep_in,		"ARP replies received")			\
	X(arp_req_out,		"ARP requests sent")			\
	X(arp_rep_out,		"ARP replies sent")			\
	X(arp_grat_out,		"gratuitous ARPs sent")			\
	X(drop_arp_bad,		"dropped: malformed ARP packet")		\
	X(drop_arp_not_ours,	"dropped: ARP for an address not ours")	\
	X(neigh_learned,	"neighbor entries created or updated")	\
	X(neigh_held,		"packets held while resolving a neighbor") \
	X(neigh_released,	"held packets sent once resolved")	\
	X(drop_neigh_timeout,	"dropped: neighbor did not resolve in time") \
	X(drop_neigh_hold_full,	"dropped: neighbor hold queue full")	\
	X(drop_neigh_table_full, "dropped: neighbor table full")

/** IPv4 and ICMP counters. */
#define TERN_STATS_IP4(X)						\
	X(ip4_in,		"IPv4 packets received")			\
	X(ip4_out,		"IPv4 packets sent")			\
	X(ip4_opts_skipped,	"IPv4 packets with options (skipped)")	\
	X(drop_ip4_short,	"dropped: IPv4 header truncated")		\
	X(drop_ip4_version,	"dropped: IPv4 version or IHL invalid")	\
	X(drop_ip4_len,		"dropped: IPv4 total length invalid")	\
	X(drop_ip4_cksum,	"dropped: IPv4 header checksum bad")	\
	X(drop_ip4_src,		"dropped: IPv4 source martian")		\
	X(drop_ip4_not_ours,	"dropped: IPv4 destination not ours")	\
	X(drop_ip4_proto,	"dropped: IPv4 protocol unknown")		\
	X(drop_ip4_noroute,	"dropped: no IPv4 route to destination") \
	X(icmp4_in,		"ICMP messages received")			\
	X(icmp4_echo_in,	"ICMP echo requests received")		\
	X(icmp4_echo_rep_in,	"ICMP echo replies received")		\
	X(icmp4_echo_out,	"ICMP echo replies sent")		\
	X(icmp4_unreach_out,	"ICMP destination unreachable sent")	\
	X(icmp4_ratelimited,	"ICMP errors suppressed by the rate limit") \
	X(icmp4_other_in,	"ICMP messages of other types (ignored)") \
	X(drop_icmp4_short,	"dropped: ICMP message truncated")	\
	X(drop_icmp4_cksum,	"dropped: ICMP checksum bad")

/** IPv6, ICMPv6 and neighbor discovery counters. */
#define TERN_STATS_IP6(X)						\
	X(ip6_in,		"IPv6 packets received")			\
	X(ip6_out,		"IPv6 packets sent")			\
	X(ip6_ext_skipped,	"IPv6 extension headers skipped")	\
	X(drop_ip6_short,	"dropped: IPv6 header truncated")		\
	X(drop_ip6_version,	"dropped: IPv6 version invalid")		\
	X(drop_ip6_len,		"dropped: IPv6 payload length invalid")	\
	X(drop_ip6_src,		"dropped: IPv6 source martian")		\
	X(drop_ip6_not_ours,	"dropped: IPv6 destination not ours")	\
	X(drop_ip6_ext,		"dropped: IPv6 extension header malformed") \
	X(drop_ip6_proto,	"dropped: IPv6 next header unknown")	\
	X(drop_ip6_noroute,	"dropped: no IPv6 route to destination") \
	X(icmp6_in,		"ICMPv6 messages received")		\
	X(icmp6_echo_in,	"ICMPv6 echo requests received")		\
	X(icmp6_echo_rep_in,	"ICMPv6 echo replies received")		\
	X(icmp6_echo_out,	"ICMPv6 echo replies sent")		\
	X(icmp6_unreach_out,	"ICMPv6 destination unreachable sent")	\
	X(icmp6_ratelimited,	"ICMPv6 errors suppressed by the rate limit") \
	X(icmp6_other_in,	"ICMPv6 messages of other types (ignored)") \
	X(drop_icmp6_short,	"dropped: ICMPv6 message truncated")	\
	X(drop_icmp6_cksum,	"dropped: ICMPv6 checksum bad")		\
	X(nd_ns_in,		"neighbor solicitations received")	\
	X(nd_na_in,		"neighbor advertisements received")	\
	X(nd_ns_out,		"neighbor solicitations sent")		\
	X(nd_na_out,		"neighbor advertisements sent")		\
	X(drop_nd_bad,		"dropped: malformed neighbor discovery") \
	X(drop_nd_not_ours,	"dropped: ND target not ours")

/** IPv4/IPv6 fragmentation and reassembly counters. */
#define TERN_STATS_FRAG(X)						\
	X(frag_in,		"fragments received")			\
	X(frag_reasm_ok,	"datagrams reassembled")			\
	X(frag_out,		"fragments sent")				\
	X(frag_fragmented,	"datagrams fragmented on output")	\
	X(drop_frag_timeout,	"dropped: fragments of a datagram not completed in time") \
	X(drop_frag_pressure,	"dropped: datagrams expired early under reassembly pressure") \
	X(drop_frag_overlap,	"dropped: overlapping IPv6 or duplicate fragment") \
	X(drop_frag_src_limit,	"dropped: fragments of a source over its share of reassembly") \
	X(drop_frag_conflict,	"dropped: held IPv4 fragments a later one contradicted (restarted)") \
	X(drop_frag_bad,	"dropped: malformed fragment")		\
	X(drop_frag_nomem,	"dropped: reassembly memory or table bound reached") \
	X(drop_frag_too_big,	"dropped: datagram too big to fragment or reassemble")

/** Forwarding counters (tern_net_forward_set()): a reason for every drop. */
#define TERN_STATS_FWD(X)						\
	X(fwd4_pkts,		"IPv4 packets forwarded")		\
	X(fwd4_fragmented,	"IPv4 packets forwarded in fragments")	\
	X(fwd6_pkts,		"IPv6 packets forwarded")		\
	X(fwd_icmp_time_out,	"ICMP and ICMPv6 Time Exceeded sent")	\
	X(fwd_icmp_too_big_out,	"ICMP Fragmentation Needed and ICMPv6 Packet Too Big sent") \
	X(drop_fwd4_l2bcast,	"dropped: IPv4 unicast to forward came in a link-layer broadcast") \
	X(drop_fwd4_dst,	"dropped: IPv4 destination martian (0/8, 127/8, 240/4)") \
	X(drop_fwd4_mcast,	"dropped: IPv4 multicast (not forwarded)") \
	X(drop_fwd4_linklocal,	"dropped: IPv4 link-local source or destination (169.254/16)") \
	X(drop_fwd4_ttl,	"dropped: IPv4 TTL expired in transit (Time Exceeded)") \
	X(drop_fwd4_noroute,	"dropped: no IPv4 route to forward to (Unreachable)") \
	X(drop_fwd4_bcast,	"dropped: IPv4 directed broadcast (not forwarded)") \
	X(drop_fwd4_df,		"dropped: IPv4 too big with DF set (Fragmentation Needed)") \
	X(drop_fwd4_opts_frag,	"dropped: IPv4 with options too big for the link") \
	X(drop_fwd6_l2bcast,	"dropped: IPv6 unicast to forward came in a link-layer multicast") \
	X(drop_fwd6_src,	"dropped: IPv6 source unspecified or loopback") \
	X(drop_fwd6_dst,	"dropped: IPv6 destination unspecified or loopback") \
	X(drop_fwd6_mcast,	"dropped: IPv6 multicast (not forwarded)") \
	X(drop_fwd6_linklocal,	"dropped: IPv6 link-local source or destination") \
	X(drop_fwd6_hlim,	"dropped: IPv6 hop limit expired in transit (Time Exceeded)") \
	X(drop_fwd6_noroute,	"dropped: no IPv6 route to forward to (Unreachable)") \
	X(drop_fwd6_too_big,	"dropped: IPv6 too big for the next link (Packet Too Big)") \
	X(ip_claimed,		"packets not to us taken by a transparent rule or connection, not forwarded")

/** UDP counters. */
#define TERN_STATS_UDP(X)						\
	X(udp_in,		"UDP datagrams received")			\
	X(udp_out,		"UDP datagrams sent")			\
	X(udp_cksum_rx_hw,	"UDP checksums verified by the device")	\
	X(udp_cksum_rx_sw,	"UDP checksums verified in software")	\
	X(udp_cksum_tx_hw,	"UDP checksums left to the device")	\
	X(udp_cksum_tx_sw,	"UDP checksums computed in software")	\
	X(udp_cksum_tx_kept,	"UDP checksums of echoes kept from the request")	\
	X(drop_udp_short,	"dropped: UDP header truncated")		\
	X(drop_udp_len,		"dropped: UDP length field invalid")	\
	X(drop_udp_cksum,	"dropped: UDP checksum bad")		\
	X(drop_udp_zero_cksum6,	"dropped: UDP over IPv6 without checksum") \
	X(drop_udp_noport,	"dropped: UDP to a port with no stream")	\
	X(drop_udp_rxq_full,	"dropped: UDP stream receive queue full") \
	X(drop_udp_noroute,	"dropped: UDP send with no route")	\
	X(drop_udp_too_big,	"dropped: UDP send larger than 65507 bytes")

/** Impairment layer counters (tern_impair.h); zero unless it is on. */
#define TERN_STATS_IMPAIR(X)						\
	X(impair_dropped,	"packets lost on purpose by the impairment layer") \
	X(impair_duplicated,	"packets duplicated by the impairment layer") \
	X(impair_reordered,	"packets held back to be overtaken (reordered)") \
	X(impair_delayed,	"packets held by the impairment layer")	\
	X(impair_corrupted,	"packets with one byte flipped on purpose") \
	X(drop_impair_full,	"dropped: impairment hold queue full")

/** ICMP/ICMPv6 errors received: validation (RFC 5927), the path MTU cache, the transports. */
#define TERN_STATS_ICMP_ERR(X)						\
	X(icmp4_err_in,		"ICMP errors received (unreachable, time exceeded, ...)") \
	X(icmp6_err_in,		"ICMPv6 errors received (types below 128)")	\
	X(drop_icmp_err_short,	"dropped: ICMP error quoting under an IP header + 8 bytes") \
	X(drop_icmp_err_not_ours, "dropped: ICMP error quoting a packet not from our address") \
	X(drop_icmp_err_no_proto, "dropped: ICMP error quoting a protocol with no handler") \
	X(drop_icmp_err_bad_mtu, "dropped: Frag Needed / Too Big, MTU not below the packet") \
	X(pmtu_lowered,		"path MTU cache entries created or lowered")	\
	X(pmtu_expired,		"path MTU cache entries aged out (RFC 1191 6.3)") \
	X(pmtu_evicted,		"path MTU cache entries given up for another destination") \
	X(icmp_err_to_tcp,	"ICMP errors for a TCP connection, validated") \
	X(drop_icmp_err_no_conn, "dropped: ICMP error quoting no TCP connection of ours") \
	X(drop_icmp_err_bad_seq, "dropped: ICMP error quoting a sequence not in SND.UNA..SND.MAX") \
	X(tcp_pmtu_updates,	"TCP connections whose MSS a path MTU lowered or raised") \
	X(tcp_pmtu_rtx_segs,	"TCP segments resent at once for a smaller path MTU") \
	X(tcp_plpmtud_lowered,	"TCP black holes found: path MTU lowered after repeated RTOs") \
	X(tcp_icmp_hard_errs,	"TCP connects failed by an ICMP hard error") \
	X(tcp_icmp_soft_errs,	"ICMP soft errors recorded on a TCP connection") \
	X(icmp_err_to_udp,	"ICMP errors for a connected UDP stream")	\
	X(drop_icmp_err_udp_no_stream, "dropped: ICMP error quoting no connected UDP stream")

/** Every counter, in struct order. */
/** TCP counters: RFC 4022's (tcpActiveOpens ...) and a reason for every drop. */
#define TERN_STATS_TCP(X)						\
	X(tcp_active_opens,	"connections that went SYN_SENT (tcpActiveOpens)") \
	X(tcp_passive_opens,	"connections created from a SYN (tcpPassiveOpens)") \
	X(tcp_attempt_fails,	"SYN_SENT/SYN_RECEIVED to CLOSED or LISTEN (tcpAttemptFails)") \
	X(tcp_estab_resets,	"ESTABLISHED/CLOSE_WAIT to CLOSED by a reset (tcpEstabResets)") \
	X(tcp_in_segs,		"segments received (tcpInSegs)")		\
	X(tcp_out_segs,		"segments sent, retransmissions excluded (tcpOutSegs)") \
	X(tcp_retrans_segs,	"segments retransmitted (tcpRetransSegs)")	\
	X(tcp_in_errs,		"segments received in error (tcpInErrs)")	\
	X(tcp_out_rsts,		"segments sent with RST (tcpOutRsts)")	\
	X(tcp_in_rsts,		"resets received and accepted")		\
	X(tcp_conn_established,	"connections that reached ESTABLISHED")	\
	X(tcp_conn_closed,	"control blocks freed")			\
	X(tcp_rec_nomem,	"sends put off: no loss-recovery block to be had") \
	X(tcp_cc_nomem,		"sends put off: no congestion-control block to be had") \
	X(tcp_syncache_added,	"half-open connections held in the syncache") \
	X(tcp_syncache_overflow, "SYNs met with a full syncache")		\
	X(tcp_synack_retrans,	"SYN-ACKs retransmitted")			\
	X(tcp_cookies_sent,	"SYN-ACKs carrying a SYN cookie")		\
	X(tcp_synack_in_syn,	"SYN-ACKs built in the mbuf of their SYN")	\
	X(tcp_cookies_ok,	"connections made from a valid SYN cookie") \
	X(tcp_tw_created,	"TIME_WAIT records created")		\
	X(tcp_tw_reused,	"TIME_WAIT records taken over by a new SYN") \
	X(tcp_tw_recycled,	"TIME_WAIT records cut short: table full")	\
	X(tcp_challenge_acks,	"RFC 5961 challenge ACKs sent")		\
	X(tcp_delayed_acks,	"ACKs sent by the delayed-ACK timer")	\
	X(tcp_acks_out,		"pure ACKs sent")				\
	X(tcp_acks_in_burst,	"ACKs sent within an input burst: two segments owed") \
	X(tcp_rto_fired,	"retransmission timeouts")			\
	X(tcp_fast_retrans,	"loss recoveries entered (fast retransmit, RFC 6675 / 6582)") \
	X(tcp_segs_lost,	"segments marked lost (RACK, duplicate ACKs, timeouts)") \
	X(tcp_sack_splits,	"segments split at a SACK block's edge")	\
	X(tcp_sack_walked,	"segments visited by SACK and RACK processing") \
	X(tcp_ack_fast,		"ACKs of everything sent taken by the plain-ACK path") \
	X(tcp_dsack_rcvd,	"D-SACK blocks received (RFC 2883)")	\
	X(tcp_dsack_sent,	"D-SACK blocks sent (RFC 2883)")		\
	X(tcp_undo,		"congestion responses undone (spurious)")	\
	X(tcp_idle_restarts,	"windows cut to the restart window after idle")	\
	X(tcp_spurious_rtx,	"spurious retransmissions found by timestamps (RFC 3522)") \
	X(tcp_tlp_probes,	"tail loss probes sent (RFC 8985 7)")	\
	X(tcp_tlp_recoveries,	"losses repaired by a tail loss probe")	\
	X(tcp_tso_segs,		"TSO sends handed to the device (each cut by it)") \
	X(tcp_tso_sw_bytes,	"bytes cut into MSS-sized packets by tern (software TSO)") \
	X(tcp_gro_merged,	"segments coalesced into the one before (GRO, LRO)") \
	X(tcp_cksum_rx_hw,	"TCP checksums verified by the device")	\
	X(tcp_cksum_rx_sw,	"TCP checksums verified in software")	\
	X(tcp_cksum_tx_hw,	"TCP checksums left to the device")	\
	X(tcp_cksum_tx_sw,	"TCP checksums computed in software")	\
	X(tcp_persist_probes,	"zero-window probes sent")			\
	X(tcp_keepalive_probes,	"keepalive probes sent")			\
	X(tcp_timeouts,		"connections dropped after retries or keepalive") \
	X(tcp_ooo_segs,		"segments queued out of order")		\
	X(tcp_paws_rejects,	"segments rejected by PAWS (RFC 7323 5)")	\
	X(drop_tcp_short,	"dropped: TCP header truncated")		\
	X(drop_tcp_cksum,	"dropped: bad TCP checksum")		\
	X(drop_tcp_bad_off,	"dropped: bad data offset")		\
	X(drop_tcp_bad_opts,	"dropped: malformed options on a SYN")	\
	X(drop_tcp_bcast,	"dropped: TCP to a broadcast or multicast address") \
	X(drop_tcp_noport,	"dropped: no connection or listener (a reset answers)") \
	X(drop_tcp_bad_flags,	"dropped: invalid flag combination")	\
	X(drop_tcp_listen_bad,	"dropped: segment to a listener that is not a SYN") \
	X(drop_tcp_backlog,	"dropped: SYN to a listener whose accept queue is full") \
	X(drop_tcp_syncache,	"dropped: SYN with a full syncache and cookies off") \
	X(drop_tcp_bad_cookie,	"dropped: ACK to a listener with no entry and a bad cookie") \
	X(drop_tcp_nomem,	"dropped: no memory for a connection")	\
	X(drop_tcp_conn_limit,	"dropped: SYN or handshake ACK with max_conns connections held") \
	X(drop_tcp_out_of_window, "dropped: segment outside the receive window") \
	X(drop_tcp_paws,	"dropped: timestamp older than ts_recent (PAWS)") \
	X(drop_tcp_old_ack,	"dropped: ACK below SND.UNA - MAX.SND.WND (challenged)") \
	X(drop_tcp_future_ack,	"dropped: ACK of data never sent")	\
	X(drop_tcp_rcvbuf,	"dropped: data past the receive buffer")	\
	X(drop_tcp_ooo_full,	"dropped: out-of-order queue full")	\
	X(drop_tcp_after_close,	"dropped: data for a closed read side (a reset answers)") \
	X(drop_tcp_syn_sent_bad, "dropped: bad segment in SYN_SENT")	\
	X(drop_tcp_tw,		"dropped: segment to a TIME_WAIT record")	\
	X(drop_tcp_rst_invalid,	"dropped: reset outside the window")	\
	X(drop_tcp_no_ack,	"dropped: segment without ACK in a synchronized state") \
	X(tcp_challenge_limited, "challenge ACKs not sent: over the rate limit") \
	X(tcp_invalid_ack_limited, "ACKs to invalid segments not sent (invalid_ack_ns limit)") \
	X(drop_tcp_tw_rst,	"dropped: reset to a TIME_WAIT record (RFC 1337)") \
	X(tcp_tproxy_opens,	"connections made by transparent listeners (to an address not ours)") \
	X(tcp_tproxy_connects,	"connects from an address not ours (TERN_TCP_F_TRANSPARENT)") \
	X(tcp_syn_held,		"SYNs held for the application to answer (TERN_TCP_F_SYN_HOLD)") \
	X(tcp_syn_held_refused,	"held SYNs the application refused (a reset answered)") \
	X(drop_tcp_syn_held,	"dropped: segment to a connection whose SYN-ACK is held")

/**
 * Every counter as X(name, description), in the order of struct
 * tern_stats: the one list the struct, the names and the descriptions
 * (tern_stats_name(), tern_stats_desc()) come from.
 */
#define TERN_STATS_LIST(X)	\
	TERN_STATS_CORE(X)	\
	TERN_STATS_ETH(X)	\
	TERN_STATS_IP4(X)	\
	TERN_STATS_IP6(X)	\
	TERN_STATS_FRAG(X)	\
	TERN_STATS_FWD(X)	\
	TERN_STATS_UDP(X)	\
	TERN_STATS_TCP(X)	\
	TERN_STATS_IMPAIR(X)	\
	TERN_STATS_ICMP_ERR(X)

/** One context's counters. */
struct tern_stats {
/** One uint64_t per counter of TERN_STATS_LIST(). */
#define TERN_STATS_FIELD(name, desc) uint64_t name;
	TERN_STATS_LIST(TERN_STATS_FIELD)
#undef TERN_STATS_FIELD
};

/** Number of counters in struct tern_stats. */
#define TERN_STATS_COUNT (sizeof(struct tern_stats) / sizeof(uint64_t))

/**
 * Name of counter @p idx (struct order), e.g. "drop_ip4_cksum".
 * @return the name, or NULL if @p idx >= TERN_STATS_COUNT. Thread-safe.
 */
TERN_API const char *tern_stats_name(unsigned int idx);

/**
 * One-line description of counter @p idx.
 * @return the text, or NULL if @p idx >= TERN_STATS_COUNT. Thread-safe.
 */
TERN_API const char *tern_stats_desc(unsigned int idx);

/** Value of counter @p idx in @p st (struct order). */
static inline uint64_t
tern_stats_value(const struct tern_stats *st, unsigned int idx)
{
	return ((const uint64_t *)st)[idx];
}

#ifdef __cplusplus
}
#endif

#endif /* TERN_STATS_H */
