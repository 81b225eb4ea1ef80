#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tern authors
"""The kernel's side of the TCP interop tests (run in the namespace).

  echo HOST PORT BYTES      send BYTES of the l4fwd pattern, read the echo,
                            compare SHA-256 of what went and what came back
  conns HOST PORT N SIZE    N sequential connections: connect, SIZE bytes
                            each way (echoed), close
  sink PORT                 listen, accept one connection, read to EOF, print
                            bytes and SHA-256 (and that of the pattern)
  source HOST PORT BYTES    connect, send BYTES of the pattern, shut down,
                            wait for the peer's FIN
  info HOST PORT            connect, print what `ss -ti` shows, close

The pattern is tern-l4fwd's TCP pattern: byte k of a stream is
b[k % 65521] with b[j] = ((j * 7919) >> 3 ^ j) & 0xff.
"""
import hashlib
import socket
import subprocess
import sys
import time

PERIOD = 65521
BLOCK = bytes((((j * 7919) >> 3) ^ j) & 0xFF for j in range(PERIOD))
BLOCK2 = BLOCK + BLOCK


def pattern_chunks(total, chunk=1 << 16):
    off = 0
    while off < total:
        n = min(chunk, total - off, PERIOD)
        at = off % PERIOD
        yield BLOCK2[at:at + n]
        off += n


def pattern_sha(total):
    h = hashlib.sha256()
    for c in pattern_chunks(total):
        h.update(c)
    return h.hexdigest()


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def connect(host, port, timeout=30):
    s = socket.socket(family(host), socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect((host, port))
    return s


def do_echo(host, port, total):
    s = connect(host, port)
    s.setblocking(False)
    hs, hr = hashlib.sha256(), hashlib.sha256()
    chunks = pattern_chunks(total)
    pend = b""
    sent = got = 0
    t0 = time.time()
    last = t0
    import selectors
    sel = selectors.DefaultSelector()
    sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
    shut = False
    while got < total:
        if time.time() - last > 30:
            print("stalled: sent=%d got=%d" % (sent, got))
            return 1
        for key, ev in sel.select(timeout=1):
            if ev & selectors.EVENT_READ:
                try:
                    d = s.recv(1 << 20)
                except BlockingIOError:
                    d = None
                if d is not None:
                    if not d:
                        print("early EOF: sent=%d got=%d" % (sent, got))
                        return 1
                    hr.update(d)
                    got += len(d)
                    last = time.time()
            if ev & selectors.EVENT_WRITE and not shut:
                if not pend:
                    pend = next(chunks, b"")
                    hs.update(pend)
                if pend:
                    try:
                        n = s.send(pend)
                        pend = pend[n:]
                        sent += n
                        last = time.time()
                    except BlockingIOError:
                        pass
                if not pend and sent == total:
                    s.shutdown(socket.SHUT_WR)
                    shut = True
                    sel.modify(s, selectors.EVENT_READ)
    s.setblocking(True)
    s.settimeout(30)
    eof = s.recv(1) == b""
    dt = time.time() - t0
    s.close()
    ok = hs.hexdigest() == hr.hexdigest() and got == total and eof
    print("echo bytes=%d sent_sha=%s recv_sha=%s eof=%d secs=%.2f mbit_s=%.1f ok=%d" %
          (got, hs.hexdigest(), hr.hexdigest(), eof, dt, got * 8 / dt / 1e6, ok))
    return 0 if ok else 1


def do_conns(host, port, n, size):
    ok = 0
    t0 = time.time()
    data = BLOCK[:size]
    for i in range(n):
        try:
            s = connect(host, port, 10)
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            got = b""
            while True:
                d = s.recv(4096)
                if not d:
                    break
                got += d
            s.close()
            if got == data:
                ok += 1
            else:
                print("connection %d: %d bytes back, expected %d" % (i, len(got), size))
        except OSError as e:
            print("connection %d: %s" % (i, e))
    dt = time.time() - t0
    print("conns n=%d ok=%d secs=%.2f conns_per_s=%.0f" % (n, ok, dt, n / dt))
    return 0 if ok == n else 1


def do_sink(port, expect):
    fam = socket.AF_INET6
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    ls.bind(("::", port))
    ls.listen(8)
    ls.settimeout(60)
    print("listening", flush=True)
    c, _ = ls.accept()
    c.settimeout(60)
    h = hashlib.sha256()
    got = 0
    t0 = time.time()
    while True:
        d = c.recv(1 << 20)
        if not d:
            break
        h.update(d)
        got += len(d)
    dt = time.time() - t0
    c.close()
    ls.close()
    want = pattern_sha(expect)
    ok = got == expect and h.hexdigest() == want
    print("sink bytes=%d sha=%s pattern_sha=%s secs=%.2f mbit_s=%.1f ok=%d" %
          (got, h.hexdigest(), want, dt, got * 8 / max(dt, 1e-6) / 1e6, ok))
    return 0 if ok else 1


def do_source(host, port, total):
    s = connect(host, port)
    h = hashlib.sha256()
    t0 = time.time()
    for c in pattern_chunks(total):
        s.sendall(c)
        h.update(c)
    s.shutdown(socket.SHUT_WR)
    eof = s.recv(1) == b""
    dt = time.time() - t0
    s.close()
    print("source bytes=%d sha=%s eof=%d secs=%.2f mbit_s=%.1f" %
          (total, h.hexdigest(), eof, dt, total * 8 / dt / 1e6))
    return 0 if eof else 1


def do_info(host, port):
    s = connect(host, port)
    s.sendall(b"x" * 100)
    time.sleep(0.2)
    out = subprocess.run(["ss", "-tin", "dst", host], capture_output=True, text=True).stdout
    print(out)
    s.close()
    return 0


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    m = argv[1]
    if m == "echo":
        return do_echo(argv[2], int(argv[3]), int(argv[4]))
    if m == "conns":
        return do_conns(argv[2], int(argv[3]), int(argv[4]), int(argv[5]))
    if m == "sink":
        return do_sink(int(argv[2]), int(argv[3]))
    if m == "source":
        return do_source(argv[2], int(argv[3]), int(argv[4]))
    if m == "info":
        return do_info(argv[2], int(argv[3]))
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
