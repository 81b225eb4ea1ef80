#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tern authors
"""UDP peer for the interop tests, run by the kernel in the test namespace.

Standard library only. Subcommands:

  echo ADDR PORT     send datagrams to an echo server and check that every
                     byte comes back: sizes cycle through --sizes, each
                     datagram's content is a deterministic function of its
                     sequence number and size, at most --window are
                     outstanding, nothing is retried. A window smaller than
                     the number of sizes makes the size name the datagram.
                     Prints one "echo:" line with sent, ok, lost, corrupted,
                     unexpected; exit 0 only if every datagram came back intact.
  send ADDR PORT     send --count datagrams of --size bytes.
  recv               bind --bind:--port, count datagrams and bytes until
                     --count arrived or nothing came for --idle seconds;
                     prints "listening" once bound and one "recv:" line.
  unreach ADDR PORT  connected socket: send one datagram, expect the ICMP
                     port unreachable (ConnectionRefusedError) on recv.
  echo-server        bind --bind:--port and send every datagram back, until
                     killed (the backend of l4fwd's fwd mode).
  zero-cksum ADDR PORT  echo datagrams whose UDP checksum computes to 0, so
                     that it travels as 0xffff (RFC 768); the echo's checksum
                     is the same sum, so the echo server must send 0xffff too.
"""

import argparse
import errno
import random
import select
import socket
import struct
import sys
import time

RCVBUF = 64 << 20
SNDBUF = 16 << 20


def family_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def connected(addr, port):
    """A UDP socket connected to addr (a "fe80::1%ifname" scope included), port."""
    fam = family_of(addr)
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.connect(socket.getaddrinfo(addr, port, fam, socket.SOCK_DGRAM)[0][4])
    return s


def big_buffers(s):
    # SO_*BUFFORCE ignores rmem_max/wmem_max (we are root); fall back if not.
    for opt_force, opt, size in ((33, socket.SO_RCVBUF, RCVBUF),
                                 (32, socket.SO_SNDBUF, SNDBUF)):
        try:
            s.setsockopt(socket.SOL_SOCKET, opt_force, size)
        except OSError:
            s.setsockopt(socket.SOL_SOCKET, opt, size)


def parse_sizes(text):
    """"1-1472" or "2000,3000,60000" or "2000-60000/2901" (start-end/step)."""
    sizes = []
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, st = part.split("/")
            step = int(st)
        if "-" in part:
            lo, hi = (int(x) for x in part.split("-"))
            sizes.extend(range(lo, hi + 1, step))
        else:
            sizes.append(int(part))
    return sizes


class Content:
    """Payload of datagram (seq, size): seq in front, then seeded random bytes."""

    def __init__(self, seed):
        self.block = random.Random(seed).randbytes(65536 + 8192)

    def make(self, seq, size):
        head = struct.pack(">I", seq & 0xffffffff)
        if size <= 4:
            return head[:size]
        off = (seq * 7919) % 8192
        return head + self.block[off:off + size - 4]


def cmd_echo(a):
    s = connected(a.addr, a.port)
    big_buffers(s)
    s.setblocking(False)
    sizes = parse_sizes(a.sizes)
    if a.window >= len(sizes) and len(sizes) > 1:
        sys.exit("echo: --window must be smaller than the number of sizes")
    content = Content(a.seed)
    outstanding = {}        # size -> (seq, time sent)
    sent = ok = lost = corrupted = unexpected = 0
    bytes_ok = 0
    seq = 0
    start = time.monotonic()
    last_progress = start

    def receive(timeout):
        nonlocal ok, corrupted, unexpected, bytes_ok, last_progress
        r, _, _ = select.select([s], [], [], timeout)
        if not r:
            return False
        while True:
            try:
                data = s.recv(70000)
            except BlockingIOError:
                return True
            except ConnectionRefusedError:
                unexpected += 1
                continue
            last_progress = time.monotonic()
            entry = outstanding.pop(len(data), None)
            if entry is None:
                unexpected += 1
            elif data == content.make(entry[0], len(data)):
                ok += 1
                bytes_ok += len(data)
            else:
                corrupted += 1

    while seq < a.count or outstanding:
        while seq < a.count and len(outstanding) < a.window:
            size = sizes[seq % len(sizes)]
            if size in outstanding:
                break       # only with a single size: wait for it
            try:
                s.send(content.make(seq, size))
            except BlockingIOError:
                select.select([], [s], [], 0.1)
                continue
            except ConnectionRefusedError:
                continue    # an ICMP error from an earlier datagram; retry
            outstanding[size] = (seq, time.monotonic())
            sent += 1
            seq += 1
        if not receive(0.2) and time.monotonic() - last_progress > a.timeout:
            # Nothing for a while: what is out is lost (no retries).
            lost += len(outstanding)
            outstanding.clear()
            last_progress = time.monotonic()
    secs = time.monotonic() - start
    print("echo: %s port %d: sent=%d ok=%d lost=%d corrupted=%d unexpected=%d "
          "bytes=%d secs=%.2f rate=%.0f/s" %
          (a.addr, a.port, sent, ok, lost, corrupted, unexpected, bytes_ok, secs,
           ok / secs if secs > 0 else 0))
    return 0 if ok == a.count and lost == corrupted == unexpected == 0 else 1


def cmd_send(a):
    s = connected(a.addr, a.port)
    big_buffers(s)
    content = Content(a.seed)
    sent = 0
    start = time.monotonic()
    for seq in range(a.count):
        while True:
            try:
                s.send(content.make(seq, a.size))
                break
            except ConnectionRefusedError:
                continue    # an ICMP error for an earlier one: resend this one
            except OSError as e:
                if e.errno != errno.ENOBUFS:
                    raise
                time.sleep(0.001)
        sent += 1
        if a.pause_every and sent % a.pause_every == 0:
            time.sleep(a.pause)
    secs = time.monotonic() - start
    print("send: %s port %d: sent=%d size=%d secs=%.2f" % (a.addr, a.port, sent, a.size, secs))
    return 0


def bind_socket(a):
    fam = family_of(a.bind)
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0 if a.bind == "::" else 1)
    big_buffers(s)
    s.bind((a.bind, a.port))
    return s


def cmd_recv(a):
    s = bind_socket(a)
    print("listening on %s port %d" % (a.bind, a.port), flush=True)
    got = nbytes = 0
    by_family = {4: 0, 6: 0}
    first = None
    start = time.monotonic()
    deadline = start + a.wait
    s.settimeout(0.2)
    last = None
    while got < a.count:
        now = time.monotonic()
        if last is None and now > deadline:
            break
        if last is not None and now - last > a.idle:
            break
        try:
            data, src = s.recvfrom(70000)
        except socket.timeout:
            continue
        last = time.monotonic()
        if first is None:
            first = last
        got += 1
        nbytes += len(data)
        by_family[4 if "." in src[0] else 6] += 1    # ::ffff:a.b.c.d is IPv4
    secs = (last - first) if first is not None and last is not None else 0
    print("recv: port %d: dgrams=%d bytes=%d v4=%d v6=%d secs=%.2f rate=%.0f/s" %
          (a.port, got, nbytes, by_family[4], by_family[6], secs,
           got / secs if secs > 0 else 0), flush=True)
    return 0 if got == a.count else 1


def cmd_unreach(a):
    s = connected(a.addr, a.port)
    s.settimeout(a.timeout)
    for attempt in range(3):
        try:
            s.send(b"anyone there?")
            s.recv(100)
            print("unreach: %s port %d: got an answer" % (a.addr, a.port))
            return 1
        except ConnectionRefusedError:
            print("unreach: %s port %d: connection refused (ICMP port unreachable)" %
                  (a.addr, a.port))
            return 0
        except socket.timeout:
            continue
    print("unreach: %s port %d: no ICMP error within %d tries" % (a.addr, a.port, 3))
    return 1


def cmd_echo_server(a):
    s = bind_socket(a)
    print("listening on %s port %d" % (a.bind, a.port), flush=True)
    n = 0
    while True:
        data, src = s.recvfrom(70000)
        s.sendto(data, src)
        n += 1


def ones_sum(data):
    if len(data) % 2:
        data += b"\0"
    t = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while t >> 16:
        t = (t & 0xffff) + (t >> 16)
    return t


def cmd_zero_cksum(a):
    fam = family_of(a.addr)
    s = connected(a.addr, a.port)
    s.settimeout(1.0)
    src_ip, sport = s.getsockname()[:2]
    src = socket.inet_pton(fam, src_ip)
    dst = socket.inet_pton(fam, a.addr)
    ok = 0
    for n in range(a.count):
        payload = bytearray(b"zero-checksum %04d.." % n)   # the last 2 bytes get adjusted
        ulen = 8 + len(payload)
        if fam == socket.AF_INET6:
            phdr = src + dst + struct.pack("!I3xB", ulen, socket.IPPROTO_UDP)
        else:
            phdr = src + dst + struct.pack("!xBH", socket.IPPROTO_UDP, ulen)
        hdr = struct.pack("!HHHH", sport, a.port, ulen, 0)
        payload[-2:] = b"\0\0"
        # Make the one's complement sum 0xffff: the checksum, its complement, is 0.
        payload[-2:] = struct.pack("!H", 0xffff - ones_sum(phdr + hdr + bytes(payload)))
        assert ones_sum(phdr + hdr + bytes(payload)) == 0xffff
        s.send(bytes(payload))
        try:
            ok += s.recv(100) == bytes(payload)
        except (socket.timeout, ConnectionRefusedError):
            pass
    print("zero-cksum: %s port %d: sent=%d ok=%d" % (a.addr, a.port, a.count, ok))
    return 0 if ok == a.count else 1


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("echo")
    e.add_argument("addr")
    e.add_argument("port", type=int)
    e.add_argument("--count", type=int, default=10000)
    e.add_argument("--sizes", default="1-1472")
    e.add_argument("--window", type=int, default=32)
    e.add_argument("--timeout", type=float, default=2.0,
                   help="seconds without progress before the outstanding count as lost")
    e.add_argument("--seed", type=int, default=1)
    s = sub.add_parser("send")
    s.add_argument("addr")
    s.add_argument("port", type=int)
    s.add_argument("--count", type=int, default=10000)
    s.add_argument("--size", type=int, default=512)
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--pause-every", type=int, default=0)
    s.add_argument("--pause", type=float, default=0.001)
    r = sub.add_parser("recv")
    r.add_argument("--bind", default="::")
    r.add_argument("--port", type=int, default=9000)
    r.add_argument("--count", type=int, default=10000)
    r.add_argument("--wait", type=float, default=30.0,
                   help="seconds to wait for the first datagram")
    r.add_argument("--idle", type=float, default=3.0,
                   help="seconds without a datagram that end the count")
    u = sub.add_parser("unreach")
    u.add_argument("addr")
    u.add_argument("port", type=int)
    u.add_argument("--timeout", type=float, default=1.0)
    es = sub.add_parser("echo-server")
    es.add_argument("--bind", default="::")
    es.add_argument("--port", type=int, default=9001)
    z = sub.add_parser("zero-cksum")
    z.add_argument("addr")
    z.add_argument("port", type=int)
    z.add_argument("--count", type=int, default=20)
    a = p.parse_args()
    fn = {"echo": cmd_echo, "send": cmd_send, "recv": cmd_recv, "unreach": cmd_unreach,
          "echo-server": cmd_echo_server, "zero-cksum": cmd_zero_cksum}[a.cmd]
    sys.exit(fn(a))


if __name__ == "__main__":
    main()
