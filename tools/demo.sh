#!/usr/bin/env bash
# `make run`: tern on a TAP port, the Linux kernel in a network namespace as
# its peer. Shows ARP, ND, ping and ping -6 in both directions, prints a
# summary, and removes the namespace and interface it made, also on failure
# or Ctrl-C.
set -u
BUILD=${1:-build}
HELLO="$BUILD/examples/hello/tern-hello"
TERN_NS=terndemo TERN_IF=terndemo0 TERN_PREFIX=terndemo
. "$(dirname "$0")/netns-lib.sh"
trap tern_cleanup EXIT
trap 'exit 130' INT TERM

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: needs root (TAP interfaces and network namespaces)" >&2
	exit 1
fi
[ -x "$HELLO" ] || { echo "demo: $HELLO not built" >&2; exit 1; }

echo "== tern demo: tern at 10.0.0.1 / fd00::1 on a TAP port; kernel at 10.0.0.2 / fd00::2 in netns ${TERN_NS}"
echo "   EAL: $(tern_eal_args)"
tern_start "$HELLO" --addr 10.0.0.1/24 --addr6 fd00::1/64 \
	--ping 10.0.0.2 --ping6 fd00::2 --count 5 --interval 0.2 || exit 1
tern_peer_setup || exit 1
sleep 0.5

fail=0
echo
echo "== kernel -> tern: ping 10.0.0.1"
tern_ns ping -c 5 -i 0.2 -W 2 10.0.0.1 || fail=1
echo
echo "== kernel -> tern: ping -6 fd00::1"
tern_ns ping -6 -c 5 -i 0.2 -W 2 fd00::1 || fail=1
echo
echo "== kernel's neighbor table (tern's MAC learned via ARP and ND)"
tern_ns ip neigh show dev "${TERN_IF}"
mac=$(grep -o 'mac [0-9a-f:]*' "${TERN_LOG}" | awk '{print $2}')
tern_ns ip neigh show dev "${TERN_IF}" | grep -q "10.0.0.1 lladdr $mac" || fail=1
tern_ns ip -6 neigh show dev "${TERN_IF}" | grep -q "fd00::1 lladdr $mac" || fail=1

sleep 1
tern_stop
echo
echo "== tern's side"
grep -E "tern-hello: (port|ping)" "${TERN_LOG}"
grep -A100 "counters (final)" "${TERN_LOG}"
grep -q "ping: 5 sent, 5 replies (IPv4); 5 sent, 5 replies (IPv6)" "${TERN_LOG}" || fail=1
tern_cleanup

# Part 2: UDP echo through tern-l4fwd, the kernel as the client.
L4FWD="$BUILD/examples/l4fwd/tern-l4fwd"
CLIENT="$(dirname "$0")/../tests/interop/udp_client.py"
TERN_LOG=/tmp/terndemo-l4fwd.log
echo
echo "== tern-l4fwd UDP echo on port 7000; the kernel sends 2,000 datagrams of 1..1472 bytes"
echo "   and 20 of 2,000..60,000 bytes (IP-fragmented both ways), over IPv4 and IPv6"
tern_start "$L4FWD" --proto udp --mode echo --addr 10.0.0.1/24 --addr6 fd00::1/64 \
	--lport 7000 || exit 1
tern_peer_setup || exit 1
sleep 0.5
for dst in 10.0.0.1 fd00::1; do
	max=1472
	[ "$dst" = fd00::1 ] && max=1452
	tern_ns /usr/bin/python3 "$CLIENT" echo "$dst" 7000 --count 2000 --sizes "1-$max" \
		--window 32 || fail=1
	tern_ns /usr/bin/python3 "$CLIENT" echo "$dst" 7000 --count 20 --sizes 2000-60000/3100 \
		--window 2 || fail=1
done
tern_stop
grep -E "tern-l4fwd: final" "${TERN_LOG}"

# Part 3: TCP echo through tern-l4fwd, the kernel as the client.
TCPCLIENT="$(dirname "$0")/../tests/interop/tcp_client.py"
TERN_LOG=/tmp/terndemo-l4fwd-tcp.log
echo
echo "== tern-l4fwd TCP echo on port 7000; a kernel client sends 20 MB over IPv4 and over"
echo "   IPv6 and compares SHA-256 of what went and what came back, then opens 200 short"
echo "   connections (100 bytes each way)"
tern_start "$L4FWD" --proto tcp --mode echo --addr 10.0.0.1/24 --addr6 fd00::1/64 \
	--lport 7000 || exit 1
tern_peer_setup || exit 1
sleep 0.5
for dst in 10.0.0.1 fd00::1; do
	tern_ns /usr/bin/python3 "$TCPCLIENT" echo "$dst" 7000 20000000 || fail=1
done
tern_ns /usr/bin/python3 "$TCPCLIENT" conns 10.0.0.1 7000 200 100 || fail=1
tern_stop
grep -E "tern-l4fwd: (final|tcp)" "${TERN_LOG}"
echo
if [ $fail -eq 0 ]; then
	echo "== demo: OK (kernel pinged tern over IPv4 and IPv6, tern pinged the kernel, ARP and ND"
	echo "   resolved both ways, every UDP datagram came back intact through tern, and a"
	echo "   kernel TCP client's bytes came back through tern's TCP, SHA-256 equal)"
	exit 0
fi
echo "== demo: FAILED (logs: /tmp/terndemo.log /tmp/terndemo-l4fwd.log ${TERN_LOG})"
exit 1
