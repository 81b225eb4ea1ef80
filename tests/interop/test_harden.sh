#!/usr/bin/env bash
# Interop: tern-l4fwd against hostile traffic from the kernel's side.
#   - port counters: frames longer than the port takes (the kernel's MTU
#     raised to 9000, 8,028-byte pings with DF) are dropped by the port
#     below tern; they show in the final output as port_ierrors (from
#     rte_eth_stats), and no tern counter saw them;
#   - SYN flood: hping3 --flood --rand-source sends spoofed SYNs to the TCP
#     echo port while tcp_many.py makes 2,000 legitimate connections (at most
#     30 handshakes at a time), each echoing a message: every one succeeds;
#     the syncache overflows and SYN cookies carry the handshakes.
# Prints "checks: N passed, M failed".
# Usage: test_harden.sh BUILD_DIR
set -u
BUILD=${1:?usage: test_harden.sh BUILD_DIR}
HERE="$(cd "$(dirname "$0")" && pwd)"
TOOLS="$(cd "$HERE/../../tools" && pwd)"
PY=/usr/bin/python3
TERN_NS=ternhard$$ TERN_IF=ternh$$ TERN_PREFIX=ternhard$$
# shellcheck source=SCRIPTDIR/../../tools/netns-lib.sh
. "$TOOLS/netns-lib.sh"
# shellcheck source=SCRIPTDIR/checks.sh
. "$HERE/checks.sh"
L4FWD=$(l4fwd_path "$BUILD")
interop_init

# --- frames the port refuses: counted by the port, shown with tern's counters ---
TERN_LOG="$out/mtu.log"
if tern_start "$L4FWD" --proto udp --mode echo --addr 10.0.0.1/24 --lport 7000 &&
   tern_peer_setup; then
	tern_ns ping -c 1 -W 2 10.0.0.1 >/dev/null
	tern_ns ip link set "${TERN_IF}" mtu 9000
	tern_ns ping -c 3 -i 0.2 -W 1 -s 8000 -M do 10.0.0.1 >"$out/ping" 2>&1
	check "8,028-byte frames: no reply" grep -q " 0 received" "$out/ping"
	tern_stop
	grep "port_" "${TERN_LOG}"
	check "8,028-byte frames: port_ierrors counts the 3 the port dropped" \
		test "$(tern_counter port_ierrors)" -ge 3
	check "8,028-byte frames: tern saw 1 IPv4 packet only (the first ping)" \
		test "$(tern_counter ip4_in)" -eq 1
	ip netns del "${TERN_NS}" 2>/dev/null
else
	check "tern-l4fwd udp echo starts" false
fi

# --- a SYN flood beside legitimate connections ---
TERN_LOG="$out/flood.log"
if ! command -v hping3 >/dev/null; then
	check "hping3 is installed (tools/install-deps.sh)" false
elif tern_start "$L4FWD" --proto tcp --mode echo --addr 10.0.0.1/24 --lport 7000 &&
     tern_peer_setup; then
	tern_ns ping -c 1 -W 2 10.0.0.1 >/dev/null
	ip netns exec "${TERN_NS}" timeout 60 hping3 --flood -S -p 7000 --rand-source \
		10.0.0.1 >"$out/hping" 2>&1 &
	HP=$!
	BG_PIDS+=($HP)
	sleep 2
	timeout 90 ip netns exec "${TERN_NS}" "$PY" "$HERE/tcp_many.py" 10.0.0.1 7000 2000 \
		--inflight 30 --timeout 60 >"$out/legit" 2>&1
	tern_kill_tree "$HP" INT
	cat "$out/legit"
	tail -3 "$out/hping"
	check "under the flood: 2,000 legitimate connections, every one echoed" \
		grep -q "conns=2000 connected=2000 echoed=2000 failed=0" "$out/legit"
	tern_stop
	check "tern-l4fwd exits 0 after the flood" test $? -eq 0
	syns=$(tern_counter tcp_in_segs)
	echo "tern: tcp_in_segs=$syns syncache_overflow=$(tern_counter tcp_syncache_overflow)" \
		"cookies_sent=$(tern_counter tcp_cookies_sent) cookies_ok=$(tern_counter tcp_cookies_ok)" \
		"port_imissed=$(tern_counter port_imissed) port_ierrors=$(tern_counter port_ierrors)"
	check "the flood reached tern (> 10,000 segments)" test "$syns" -gt 10000
	check "the syncache overflowed and SYN cookies answered" \
		test "$(tern_counter tcp_cookies_sent)" -gt 0
else
	check "tern-l4fwd tcp echo starts" false
fi

checks_summary
