#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The tern authors
"""Many concurrent TCP connections to an echo server, from one process.

Opens N connections, at most --inflight handshakes at a time, and keeps
every one open until the end: each sends a 16-byte message naming it and
reads it back. A connection is echoed when its own message came back
intact. Prints one line when the echoes are in:
  conns=N connected=C echoed=E failed=F secs=T
then, with --hold FILE, waits (up to --timeout) for FILE to exist, so that
several processes (a process may hold only so many descriptors) keep theirs
open at the same time, and prints
  held=H ok=0|1
held: echoed connections still ESTABLISHED (TCP_INFO) at that moment.
Exit status 0 when every connection was echoed and held.
--port-base P: connection i binds local port P + i first (the kernel's own
search for a free ephemeral port grows slow with tens of thousands in use
from one address).
Usage: tcp_many.py HOST PORT N [--inflight K] [--timeout S] [--hold FILE]
                   [--port-base P]
"""
import os
import struct
import argparse
import errno
import resource
import select
import socket
import sys
import time


def msg(i):
    return b"%015d\n" % i


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("n", type=int)
    ap.add_argument("--inflight", type=int, default=1000)
    ap.add_argument("--timeout", type=float, default=100.0)
    ap.add_argument("--hold", default=None)
    ap.add_argument("--port-base", type=int, default=0)
    a = ap.parse_args()
    fam = socket.AF_INET6 if ":" in a.host else socket.AF_INET
    want = a.n + 256
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))

    ep = select.epoll(sizehint=a.n)
    socks = {}          # fd -> [sock, index, received bytes, state]
    CONNECTING, WAITING, DONE, FAILED = 0, 1, 2, 3
    started = connecting = connected = echoed = failed = 0
    t0 = time.monotonic()
    deadline = t0 + a.timeout
    errors = {}

    def fail(fd, why):
        nonlocal failed
        e = socks[fd]
        if e[3] in (DONE, FAILED):
            return
        e[3] = FAILED
        failed += 1
        errors[why] = errors.get(why, 0) + 1
        try:
            ep.unregister(fd)
        except (OSError, ValueError):
            pass

    while echoed + failed < a.n and time.monotonic() < deadline:
        while started < a.n and connecting < a.inflight:
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.setblocking(False)
            if a.port_base:
                s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", a.port_base + started))
            r = s.connect_ex((a.host, a.port))
            if r not in (0, errno.EINPROGRESS):
                s.close()
                errors[errno.errorcode.get(r, r)] = errors.get(errno.errorcode.get(r, r), 0) + 1
                failed += 1
                started += 1
                continue
            socks[s.fileno()] = [s, started, b"", CONNECTING]
            ep.register(s.fileno(), select.EPOLLOUT)
            started += 1
            connecting += 1
        for fd, evm in ep.poll(0.2, 4096):
            e = socks[fd]
            s = e[0]
            if e[3] == CONNECTING:
                connecting -= 1
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err != 0:
                    fail(fd, errno.errorcode.get(err, err))
                    continue
                connected += 1
                try:
                    s.send(msg(e[1]))
                except OSError as x:
                    fail(fd, "send " + str(x.errno))
                    continue
                e[3] = WAITING
                ep.modify(fd, select.EPOLLIN)
            elif e[3] == WAITING:
                try:
                    d = s.recv(64)
                except BlockingIOError:
                    continue
                except OSError as x:
                    fail(fd, "recv " + str(x.errno))
                    continue
                if not d:
                    fail(fd, "eof")
                    continue
                e[2] += d
                m = msg(e[1])
                if len(e[2]) >= len(m):
                    if e[2] == m:
                        e[3] = DONE
                        echoed += 1
                        ep.unregister(fd)
                    else:
                        fail(fd, "corrupt")
    secs = time.monotonic() - t0
    print("conns=%d connected=%d echoed=%d failed=%d secs=%.1f%s" %
          (a.n, connected, echoed, failed, secs,
           (" errors=" + ",".join("%s:%d" % kv for kv in sorted(errors.items(), key=str)))
           if errors else ""), flush=True)
    if a.hold is not None:
        while not os.path.exists(a.hold) and time.monotonic() < deadline + 60:
            time.sleep(0.1)
    held = 0
    for e in socks.values():
        if e[3] != DONE:
            continue
        info = e[0].getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)
        if struct.unpack("B", info[:1])[0] == 1:    # TCP_ESTABLISHED
            held += 1
    ok = int(echoed == a.n and held == a.n)
    print("held=%d ok=%d" % (held, ok), flush=True)
    for e in socks.values():
        e[0].close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
