#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tern authors
"""Writes the seed corpora of the fuzz harnesses (corpus/<harness>/seed-*).

Each seed follows its harness's input format (see the comment at the top of
tests/fuzz/fuzz_<harness>.c): well-formed traffic the fuzzer mutates from.
Run from anywhere; rewrites the seed-* files, leaves other files alone.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
US_MAC = bytes([2, 0, 0, 0, 0, 1])
PEER_MAC = bytes([2, 0, 0, 0, 0, 2])
US4 = bytes([10, 0, 0, 1])
PEER4 = bytes([10, 0, 0, 2])
US6 = bytes([0xfd] + [0] * 14 + [1])
PEER6 = bytes([0xfd] + [0] * 14 + [2])


def csum(b, s=0):
    if len(b) % 2:
        b += b'\0'
    for i in range(0, len(b), 2):
        s += (b[i] << 8) | b[i + 1]
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def ck(b, s=0):
    return (~csum(b, s)) & 0xffff


def eth(t, vlan=False):
    if vlan:
        return US_MAC + PEER_MAC + struct.pack('!HHH', 0x8100, 100, t)
    return US_MAC + PEER_MAC + struct.pack('!H', t)


def ip4(proto, payload, src=PEER4, dst=US4, ident=0x1234, frag=0x4000, opts=b''):
    hl = 20 + len(opts)
    h = struct.pack('!BBHHHBBH4s4s', 0x40 | (hl // 4), 0, hl + len(payload), ident, frag,
                    64, proto, 0, src, dst) + opts
    h = h[:10] + struct.pack('!H', ck(h)) + h[12:]
    return h + payload


def l4_4(proto, seg, ckoff, src=PEER4, dst=US4):
    ph = src + dst + struct.pack('!BBH', 0, proto, len(seg))
    seg = bytearray(seg)
    seg[ckoff:ckoff + 2] = b'\0\0'
    c = ck(bytes(seg), csum(ph)) if proto != 1 else ck(bytes(seg))
    seg[ckoff:ckoff + 2] = struct.pack('!H', c)
    return bytes(seg)


def l4_6(proto, seg, ckoff, src=PEER6, dst=US6):
    ph = src + dst + struct.pack('!IxxxB', len(seg), proto)
    seg = bytearray(seg)
    seg[ckoff:ckoff + 2] = b'\0\0'
    seg[ckoff:ckoff + 2] = struct.pack('!H', ck(bytes(seg), csum(ph)))
    return bytes(seg)


def ip6(nh, payload, src=PEER6, dst=US6, hlim=64):
    return struct.pack('!IHBB', 0x60000000, len(payload), nh, hlim) + src + dst + payload


def udp(sport, dport, data):
    return struct.pack('!HHHH', sport, dport, 8 + len(data), 0) + data


def tcp(sport, dport, seq, ack, flags, opts=b'', data=b''):
    hl = 20 + len(opts)
    return struct.pack('!HHIIBBHHH', sport, dport, seq, ack, (hl // 4) << 4, flags, 65535,
                       0, 0) + opts + data


def rec16(b):
    return struct.pack('!H', len(b)) + b


def write(harness, name, data):
    d = os.path.join(HERE, 'corpus', harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, 'seed-' + name), 'wb') as f:
        f.write(data)


SYN_OPTS = bytes([2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7])
UDP4 = ip4(17, l4_4(17, udp(40000, 7000, b'hello tern'), 6))
UDP6 = ip6(17, l4_6(17, udp(40000, 7000, b'hello tern'), 6))
PING4 = ip4(1, l4_4(1, struct.pack('!BBHHH', 8, 0, 0, 1, 1) + b'ping' * 8, 2))
PING6 = ip6(58, l4_6(58, struct.pack('!BBHHH', 128, 0, 0, 1, 1) + b'ping' * 8, 2))
SYN4 = ip4(6, l4_4(6, tcp(40000, 7000, 1000, 0, 0x02, SYN_OPTS), 16))
ARP_REQ = struct.pack('!HHBBH', 1, 0x0800, 6, 4, 1) + PEER_MAC + PEER4 + bytes(6) + US4
ARP_REP = struct.pack('!HHBBH', 1, 0x0800, 6, 4, 2) + PEER_MAC + bytes([10, 0, 0, 7]) + \
    US_MAC + US4
NS_BODY = struct.pack('!BBHI', 135, 0, 0, 0) + US6 + bytes([1, 1]) + PEER_MAC
NS6 = ip6(58, l4_6(58, NS_BODY, 2), hlim=255)


def eth_seeds():
    def r(ctl, frame, split=0):
        return bytes([ctl, split]) + rec16(frame)
    write('eth', 'arp', r(0, eth(0x0806) + ARP_REQ))
    write('eth', 'udp4', r(0, eth(0x0800) + UDP4) + r(2, eth(0x0800) + UDP4, 30))
    write('eth', 'vlan', r(1, eth(0x0800, True) + PING4) + r(1, eth(0x86dd, True) + PING6))
    write('eth', 'ns', r(0, eth(0x86dd) + NS6) + r(4, eth(0x86dd) + UDP6))


def arp_seeds():
    def r(ctl, msg):
        return bytes([ctl]) + rec16(msg)
    write('arp', 'request', r(1, ARP_REQ))
    write('arp', 'reply', r(4, ARP_REP) + r(8, ARP_REP))
    grat = struct.pack('!HHBBH', 1, 0x0800, 6, 4, 1) + PEER_MAC + PEER4 + bytes(6) + PEER4
    write('arp', 'gratuitous', r(1, grat) + r(0x7c, ARP_REQ))
    write('arp', 'unresolved', r(4, struct.pack('!HHBBH', 1, 0x0800, 6, 4, 1) + PEER_MAC +
                                 bytes([10, 0, 0, 9]) + bytes(6) + US4) + r(0xf8, ARP_REQ))


def ip4_seeds():
    def r(ctl, pkt, split=0):
        return bytes([ctl, split]) + rec16(pkt)
    write('ip4', 'udp', r(0x0f, UDP4))
    write('ip4', 'ping', r(0x0f, PING4) + r(0x2f, PING4, 24))
    write('ip4', 'syn', r(0x0f, SYN4))
    # one UDP datagram in three fragments, out of order, then a timeout
    body = l4_4(17, udp(40000, 7000, bytes(range(256)) * 6), 6)
    frags = [(0, body[:512], 1), (64, body[512:1024], 1), (128, body[1024:], 0)]
    s = b''
    for off, piece, more in (frags[2], frags[0], frags[1]):
        s += r(0x0d, ip4(17, piece, ident=0x7777, frag=(more << 13) | off))
    write('ip4', 'frags', s)
    s = r(0x0d, ip4(17, body[:512], ident=0x7778, frag=(1 << 13))) + \
        r(0xcd, ip4(17, body[400:900], ident=0x7778, frag=(1 << 13) | 50))
    write('ip4', 'frag-overlap-timeout', s)
    rr = bytes([7, 11, 4]) + bytes(8) + bytes([0])   # record route, 12 bytes
    ts = bytes([68, 12, 5, 0]) + bytes(8)            # timestamp, 12 bytes
    write('ip4', 'options', r(0x0f, ip4(1, PING4[20:], opts=rr)) +
          r(0x0f, ip4(17, UDP4[20:], opts=ts)))


def ip6_seeds():
    def r(ctl, pkt, split=0):
        return bytes([ctl, split]) + rec16(pkt)
    write('ip6', 'udp', r(0x07, UDP6))
    write('ip6', 'ping', r(0x07, PING6) + r(0x27, PING6, 50))
    write('ip6', 'ns', r(0x0f, NS6))
    body = l4_6(17, udp(40000, 7000, bytes(range(256)) * 6), 6)
    s = b''
    for off, piece, more in ((0, body[:512], 1), (512, body[512:1024], 1),
                             (1024, body[1024:], 0)):
        fh = struct.pack('!BBHI', 17, 0, off | more, 0x99)
        s += r(0x05, ip6(44, fh + piece))
    write('ip6', 'frags', s)
    hbh = bytes([60, 0, 1, 4, 0, 0, 0, 0])             # hop-by-hop: PadN
    dst = bytes([43, 0, 1, 4, 0, 0, 0, 0])             # destination options: PadN
    rt = bytes([17, 0, 0, 0, 0, 0, 0, 0])              # routing type 0, segments left 0
    write('ip6', 'ext-headers', r(0x07, ip6(0, hbh + dst + rt + UDP6[40:])))
    atomic = struct.pack('!BBHI', 58, 0, 0, 0x55) + PING6[40:]
    write('ip6', 'atomic-frag', r(0x07, ip6(44, atomic)))


def icmp_seeds():
    def r(ctl, msg):
        return bytes([ctl]) + rec16(msg)
    write('icmp', 'echo', r(0x02, PING4[20:]) + r(0x03, PING6[40:]))
    # errors quoting our TCP connection and UDP stream (harness writes the quote)
    write('icmp', 'frag-needed', r(0x06, struct.pack('!BBHHH', 3, 4, 0, 0, 576) +
                                   struct.pack('!I', 0) + b'\0' * 8))
    write('icmp', 'port-unreach', r(0x0e, struct.pack('!BBHI', 3, 3, 0, 0) + b'\0' * 4))
    write('icmp', 'ptb6', r(0x07, struct.pack('!BBHI', 2, 0, 0, 1280) + b'\0' * 4))
    write('icmp', 'unreach6', r(0x0f, struct.pack('!BBHI', 1, 4, 0, 0) + b'\0' * 4))
    write('icmp', 'ns', r(0x03, NS_BODY))
    na = struct.pack('!BBHI', 136, 0, 0, 0x60000000) + PEER6 + bytes([2, 1]) + PEER_MAC
    write('icmp', 'na', r(0x03, na))
    pi = struct.pack('!BBBBIII', 3, 4, 64, 0xc0, 3600, 1800, 0) + bytes([0xfd, 2]) + bytes(14)
    mtu = struct.pack('!BBHI', 5, 1, 0, 1400)
    ra = struct.pack('!BBHBBHII', 134, 0, 0, 64, 0, 1800, 0, 0) + \
        bytes([1, 1]) + PEER_MAC + mtu + pi
    write('icmp', 'ra', r(0x13, ra))
    rd = struct.pack('!BBHI', 137, 0, 0, 0) + PEER6 + bytes([0xfd] + [0] * 14 + [0x33]) + \
        bytes([2, 1]) + PEER_MAC
    write('icmp', 'redirect', r(0x13, rd))


def udp_seeds():
    def r(ctl, dg, split=0):
        return bytes([ctl, split]) + rec16(dg)
    d = udp(40000, 7000, b'hello tern')
    write('udp', 'v4', r(0x0e, d) + r(0x2e, d, 20))
    write('udp', 'v6', r(0x0f, d))
    write('udp', 'closed-port', r(0x06, udp(40000, 9999, b'x' * 20)) + r(0x07, udp(40000, 9999, b'')))
    write('udp', 'no-checksum', r(0x1a, d))


def tcp_opt_seeds():
    write('tcp_opt', 'syn', SYN_OPTS)
    write('tcp_opt', 'ts-sack', bytes([1, 1, 8, 10, 0, 0, 0, 5, 0, 0, 0, 6, 1, 1, 5, 18]) +
          struct.pack('!IIII', 100, 200, 300, 400))
    write('tcp_opt', 'malformed', bytes([2, 3, 5, 4, 2, 1, 0]))
    write('tcp_opt', 'eol-pad', bytes([2, 4, 1, 0, 0, 9, 9, 9]))


def tcp_seeds():
    def seg(flags, dseq=0, dack=0, wnd=65535, ob=1, sack=(), plen=0):
        b = bytes([0, flags]) + struct.pack('!hhH', dseq, dack, wnd) + bytes([ob])
        if ob & 2:
            b += bytes([len(sack) - 1])
            for left, right in sack:
                b += struct.pack('!hh', left, right)
        return b + bytes([plen])
    ack, fin, psh, rst, syn = 0x10, 0x01, 0x08, 0x04, 0x02
    clock = lambda ms: bytes([4]) + struct.pack('!H', ms)
    app = lambda op, n=0: bytes([5, op]) + (struct.pack('!H', n) if op % 8 == 0 else b'')
    names = ['listen', 'syn-received', 'established', 'holes', 'fin-wait-1', 'fin-wait-2',
             'close-wait', 'last-ack', 'closing', 'time-wait', 'syn-sent']
    for sc, name in enumerate(names):
        for fam in (0x00, 0x80):
            steps = seg(ack | psh, plen=50) + clock(250) + app(0, 4000) + clock(10) + \
                seg(ack, dack=2000, ob=3, sack=((40, 60),)) + app(1) + clock(1000) + \
                bytes([7]) + seg(ack | fin, plen=2) + bytes([6, 5]) + app(4)
            write('tcp', '%s%s' % (name, '-v6' if fam else ''), bytes([fam | sc]) + steps)
    write('tcp', 'holes-newreno', bytes([0x40 | 3]) + seg(ack, ob=0) * 3 + clock(300))
    write('tcp', 'holes-rto', bytes([3]) + bytes([6, 3]) + seg(ack, dack=1000) + bytes([6, 60]))
    write('tcp', 'established-rst', bytes([2]) + seg(rst | ack, dseq=10) + seg(rst | ack))
    write('tcp', 'established-syn', bytes([2]) + seg(syn, dseq=-5) + seg(syn | ack, ob=0))
    write('tcp', 'syn-sent-synack', bytes([10]) + bytes([0, syn | ack]) +
          struct.pack('!hhH', 0, 0, 65535) + bytes([1, 0]) + clock(5) + app(0, 100))
    write('tcp', 'time-wait-syn', bytes([9]) + seg(syn, dseq=1000, ob=1) + bytes([6, 70]))


def tcp_pair_seeds():
    # header: h0 (IPv6, no TS, no SACK, ...), h1 (retries, syn_retries, rto_min),
    # h2 (rto_max, send buffer), h3 (receive buffer, MSS), bytes A->B, B->A,
    # bytes of steps; then the steps, then the decisions (one a frame)
    def pair(steps, dec=b'', h0=0, h1=0x21, h2=0x26, h3=0x05, ab=20000, ba=20000):
        return bytes([h0, h1, h2, h3]) + struct.pack('!HHH', ab, ba, len(steps)) + steps + dec
    run = lambda ms: bytes([0, ms - 1])
    run50 = lambda n: bytes([1, n - 1])
    wr = lambda side, n: bytes([2 | (side << 4)]) + struct.pack('!H', n)
    rd = lambda side, n=0: bytes([3 | (side << 4)]) + struct.pack('!H', n)
    shut = lambda side: bytes([4 | (side << 4)])
    release = bytes([5])
    DLV, DROP, DUP, HOLD, DELAY, FLIP = 0, 3, 4, 5, 6, 7
    write('tcp_pair', 'clean', pair(run(5) + wr(0, 20000) + wr(1, 20000) + run(20) + rd(0) +
                                    rd(1) + run(20)))
    write('tcp_pair', 'clean-v6-plain', pair(run(5) + wr(0, 30000) + run(100) + rd(1) +
                                             shut(0) + run(100), h0=0x07 | 0x40, ab=30000,
                                             ba=500))
    # losses, duplicates, holds, delays and a flipped bit among the frames
    mix = bytes([DLV, DROP, DLV, DUP, DLV, HOLD | (2 << 3), DLV, DELAY | (3 << 3), DLV,
                 FLIP, 0x12, 0x34, DLV, DROP, DROP, DLV])
    write('tcp_pair', 'impaired', pair(run(3) + wr(0, 40000) + wr(1, 10000) + run(200) +
                                       rd(1, 5000) + release + run(50) + run(250) + rd(0) +
                                       rd(1) + run50(10), bytes(3) + mix * 8, ab=40000,
                                       ba=10000))
    write('tcp_pair', 'impaired-v6-newreno', pair(run(3) + wr(0, 60000) + run(100) + rd(1) +
                                                  run(200) + release + rd(1) + run50(5),
                                                  bytes(3) + mix * 12, h0=0x41, ab=60000,
                                                  ba=2000))
    # a small receive buffer nobody reads: zero window, persist probes
    write('tcp_pair', 'zero-window', pair(run(5) + wr(0, 20000) + run50(20) + run50(10) +
                                          rd(1, 1000) + run(50), h3=0x00, ab=20000, ba=0))
    # everything dropped after the handshake, long enough for the retry limit: A times out
    write('tcp_pair', 'blackout', pair(run(5) + wr(0, 5000) + run50(100) + run50(100),
                                       bytes(3) + bytes([DROP] * 200), h1=0x00, ab=5000,
                                       ba=5000))
    # the SYN never answered: the connect times out
    write('tcp_pair', 'syn-blackout', pair(run50(100), bytes([DROP] * 40), h1=0x00))
    # a shutdown mid-stream, then reads
    write('tcp_pair', 'early-shutdown', pair(run(5) + wr(0, 4000) + shut(0) + wr(1, 3000) +
                                             run(30) + rd(1) + rd(0) + run(30), h0=0x80,
                                             ab=9000, ba=3000))

eth_seeds()
arp_seeds()
ip4_seeds()
ip6_seeds()
icmp_seeds()
udp_seeds()
tcp_opt_seeds()
tcp_seeds()
tcp_pair_seeds()
