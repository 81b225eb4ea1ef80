#!/usr/bin/env bash
# Linux: an established connection whose peer stops answering (iptables DROP)
# until the data's retransmissions give up (tcp_retries2 3 in the namespace).
# (run as root: bash tools/sock-linux/retx.sh; needs iptables)
set -u
A=lxa$$ R=lxr$$
cleanup() { kill %1 2>/dev/null; ip netns del $A 2>/dev/null; ip netns del $R 2>/dev/null; }
trap cleanup EXIT
ip netns add $A; ip netns add $R
ip link add xa$$ type veth peer name xr$$
ip link set xa$$ netns $A; ip link set xr$$ netns $R
ip -n $A addr add 10.9.3.2/24 dev xa$$; ip -n $A link set xa$$ up
ip -n $R addr add 10.9.3.1/24 dev xr$$; ip -n $R link set xr$$ up
ip netns exec $A sysctl -qw net.ipv4.tcp_retries2=3
ip netns exec $R python3 -c '
import socket, time
l = socket.socket(); l.bind(("10.9.3.1", 7000)); l.listen()
s, _ = l.accept(); time.sleep(60)' &
sleep 0.5
ip netns exec $A python3 - "$R" <<'PY'
import socket, select, errno, time, subprocess, sys
c = socket.create_connection(("10.9.3.1", 7000))
subprocess.run(["ip", "netns", "exec", sys.argv[1], "iptables", "-A", "INPUT", "-p", "tcp", "-j", "DROP"], check=True)
c.setblocking(False); c.send(b"lost")
p = select.poll(); p.register(c, select.POLLIN); t0 = time.time()
r = p.poll(60000)
print("poll", r, "after %.1f s" % (time.time() - t0))
print("SO_ERROR", errno.errorcode.get(c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR), 0),
      c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))
print("recv", c.recv(4))
try: c.send(b"x")
except OSError as e: print("send", errno.errorcode[e.errno])
PY
