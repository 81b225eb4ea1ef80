#!/usr/bin/env bash
# (run as root: bash tools/sock-linux/icmp.sh; needs iptables)
# Linux: a TCP connect answered by ICMP host unreachable (from a router's iptables REJECT)
set -u
A=lia$$ R=lir$$
cleanup() { ip netns del $A 2>/dev/null; ip netns del $R 2>/dev/null; }
trap cleanup EXIT
ip netns add $A; ip netns add $R
ip link add va$$ type veth peer name vr$$
ip link set va$$ netns $A; ip link set vr$$ netns $R
ip -n $A addr add 10.9.1.2/24 dev va$$; ip -n $A link set va$$ up; ip -n $A link set lo up
ip -n $R addr add 10.9.1.1/24 dev vr$$; ip -n $R link set vr$$ up
ip -n $A route add default via 10.9.1.1
ip netns exec $R sysctl -qw net.ipv4.ip_forward=1
ip netns exec $R iptables -A FORWARD -p tcp -j REJECT --reject-with icmp-host-unreachable
ip netns exec $R iptables -A INPUT -p tcp --dport 9 -j REJECT --reject-with icmp-host-unreachable
ip -n $R route add 10.9.2.0/24 dev vr$$ 2>/dev/null
ip netns exec $A python3 - <<'PY'
import socket, select, errno, time
t=socket.socket(); t.setblocking(False)
try: t.connect(("10.9.1.1", 9))
except OSError as e: print("connect", errno.errorcode[e.errno])
p=select.poll(); p.register(t, select.POLLOUT); t0=time.time()
print("poll", p.poll(5000), "after %.3f s" % (time.time()-t0))
print("SO_ERROR", errno.errorcode.get(t.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR), 0))
PY
