#!/usr/bin/env bash
# Interop: tern's TCP against the Linux kernel, in a network namespace
# behind a TAP port, no impairment:
#   - kernel client -> tern-l4fwd TCP echo: 100 MB over IPv4 and 100 MB over
#     IPv6, SHA-256 of what went equal to what came back; 1,000 sequential
#     short connections (connect, 100 bytes each way, close) over IPv4 and
#     200 over IPv6;
#   - the handshake's options seen on the wire (tcpdump): MSS, SACK
#     permitted, timestamps, window scale both ways; `ss -ti` on the kernel
#     side shows the window scales (this kernel's ss prints no "ts sack",
#     not even between two kernel sockets, hence the capture);
#   - tern-l4fwd tx -> kernel receiver: 100 MB, SHA-256 equal to the pattern's;
#   - kernel sender -> tern-l4fwd rx: 100 MB, every segment checked against
#     the pattern by tern-l4fwd (bad_segs=0) and the byte count exact;
#   - fwd: a kernel client through tern-l4fwd to a kernel echo server (socat)
#     and back: 10 MB, SHA-256 equal.
# Prints "checks: N passed, M failed".
# Usage: test_tcp.sh BUILD_DIR
set -u
BUILD=${1:?usage: test_tcp.sh BUILD_DIR}
HERE="$(cd "$(dirname "$0")" && pwd)"
TOOLS="$(cd "$HERE/../../tools" && pwd)"
PY=/usr/bin/python3
CLIENT="$HERE/tcp_client.py"
TERN_NS=terntcp$$ TERN_IF=ternt$$ TERN_PREFIX=terntcp$$
# shellcheck source=SCRIPTDIR/../../tools/netns-lib.sh
. "$TOOLS/netns-lib.sh"

# shellcheck source=SCRIPTDIR/checks.sh
. "$HERE/checks.sh"
L4FWD=$(l4fwd_path "$BUILD")
interop_init
MB100=$((100 * 1000 * 1000))


start_l4fwd() {	# start_l4fwd NAME ARGS...
	local name=$1; shift
	TERN_LOG="$out/$name.log"
	tern_start "$L4FWD" "$@" || return 1
	tern_peer_setup || return 1
	# resolve both ways before the measurements
	tern_ns ping -c 1 -W 2 10.0.0.1 >/dev/null
	tern_ns ping -6 -c 1 -W 2 fd00::1 >/dev/null
	return 0
}

stop_l4fwd() {	# stop_l4fwd NAME
	tern_stop
	local rc=$?
	check "tern-l4fwd $1 exits 0" test $rc -eq 0
	check "tern-l4fwd $1: no TCP checksum drops" test "$(tern_counter drop_tcp_cksum)" -eq 0
	check "tern-l4fwd $1: nothing fragmented (segments fit the MTU)" \
		test "$(tern_counter frag_out)" -eq 0
	grep "tern-l4fwd: tcp\|Mbit" "${TERN_LOG}"
}


final_val() {	# final_val WHO KEY
	awk -v w="$1" -v k="$2" '$1 == "tern-l4fwd:" && $2 == w {
		for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' \
		"${TERN_LOG}" | tail -1 | grep . || echo -1
}

# --- echo: 100 MB each family, short connections, options ---
if start_l4fwd echo --proto tcp --mode echo --addr 10.0.0.1/24 --addr6 fd00::1/64 \
	--lport 7000; then
	check "echo IPv4: 100 MB back, SHA-256 equal" py "$out/e4" echo 10.0.0.1 7000 $MB100
	check "echo IPv6: 100 MB back, SHA-256 equal" py "$out/e6" echo fd00::1 7000 $MB100
	check "echo IPv4: 1,000 sequential connections, 100 bytes each way" \
		py "$out/c4" conns 10.0.0.1 7000 1000 100
	check "echo IPv6: 200 sequential connections, 100 bytes each way" \
		py "$out/c6" conns fd00::1 7000 200 100
	ip netns exec "${TERN_NS}" timeout 10 tcpdump -nn -i "${TERN_IF}" -c 4 -v 'tcp port 7000' \
		>"$out/dump" 2>/dev/null &
	BG_PIDS+=($!)
	sleep 1
	py "$out/ss" info 10.0.0.1 7000 >/dev/null
	sleep 1
	cat "$out/dump" "$out/ss"
	check "handshake: tern's SYN-ACK has mss, sackOK, TS and wscale" \
		grep -q "Flags \[S\.\].*options \[mss 1460,sackOK,TS val [0-9]* ecr [0-9]*,nop,wscale" \
		"$out/dump"
	check "handshake: the kernel's ACK carries timestamps (TS negotiated)" \
		grep -q "10.0.0.2.[0-9]* > 10.0.0.1.7000: Flags \[\.\].*TS val" "$out/dump"
	check "ss -ti: window scaling negotiated both ways" \
		grep -q "wscale:[0-9]*,[0-9]*" "$out/ss"
	stop_l4fwd echo
	check "echo: 1,202 connections done, no error" \
		test "$(tcp_val done)" -ge 1202 -a "$(tcp_val errors)" -le 1
else
	check "tern-l4fwd echo starts" false
fi

# --- tx: tern sends 100 MB to a kernel receiver ---
# tern connects at once and retries its SYN (1 s, 2 s, ...) until the
# receiver, started in the namespace before its link comes up, answers.
TERN_LOG="$out/tx.log"
if tern_start "$L4FWD" --proto tcp --mode tx --addr 10.0.0.1/24 --lport 0 \
	--raddr 10.0.0.2 --rport 9000 --count $MB100 --neigh 10.0.0.2,02:00:00:00:00:02; then
	ip netns exec "${TERN_NS}" "$PY" "$CLIENT" sink 9000 $MB100 >"$out/sink" 2>&1 &
	SINK=$!
	BG_PIDS+=($SINK)
	sleep 0.5
	tern_peer_setup
	timeout 300 tail --pid="$SINK" -f /dev/null
else
	check "tern-l4fwd tx starts" false
fi
cat "$out/sink"
check "tx: the kernel received 100 MB, SHA-256 equal to the pattern's" \
	grep -q "bytes=$MB100 .* ok=1" "$out/sink"
for _ in $(seq 100); do
	kill -0 "${TERN_PID}" 2>/dev/null || break
	sleep 0.1
done
tern_stop
check "tx: tern-l4fwd finished its connection (done=1, no error)" \
	test "$(tcp_val done)" -eq 1 -a "$(tcp_val errors)" -eq 0
check "tx: tern-l4fwd sent exactly 100 MB" test "$(final_val final tx_bytes)" -eq $MB100
ip netns del "${TERN_NS}" 2>/dev/null

# --- tx to a port nobody listens on: refused, reported, exit status 1 ---
TERN_LOG="$out/tx-refused.log"
refused_rc=none
if tern_start "$L4FWD" --proto tcp --mode tx --addr 10.0.0.1/24 --lport 0 \
	--raddr 10.0.0.2 --rport 9009 --count 1000 --neigh 10.0.0.2,02:00:00:00:00:02; then
	tern_peer_setup
	for _ in $(seq 100); do
		kill -0 "${TERN_PID}" 2>/dev/null || break
		sleep 0.1
	done
	tern_stop
	refused_rc=$?
fi
check "tx refused: tern-l4fwd exits with status 1 (got $refused_rc)" test "$refused_rc" = 1
check "tx refused: the reason is printed" grep -q "TCP connection: Connection refused" "$TERN_LOG"
check "tx refused: counted in errors" test "$(tcp_val errors)" -eq 1
ip netns del "${TERN_NS}" 2>/dev/null

# --- rx: the kernel sends 100 MB to tern ---
if start_l4fwd rx --proto tcp --mode rx --addr 10.0.0.1/24 --addr6 fd00::1/64 --lport 7001; then
	check "rx: the kernel sent 100 MB and saw tern's FIN" py "$out/src" source 10.0.0.1 7001 $MB100
	sleep 0.5
	stop_l4fwd rx
	check "rx: tern-l4fwd received exactly 100 MB" test "$(final_val final rx_bytes)" -eq $MB100
	check "rx: every segment matched the pattern (bad_segs=0)" test "$(tcp_val bad_segs)" -eq 0
else
	check "tern-l4fwd rx starts" false
fi

# --- fwd: kernel client -> tern -> kernel echo server -> back ---
if start_l4fwd fwd --proto tcp --mode fwd --addr 10.0.0.1/24 --lport 7002 \
	--raddr 10.0.0.2 --rport 9001; then
	# started directly, so that $! is socat's own PID (ended with its children)
	ip netns exec "${TERN_NS}" socat -T 30 TCP4-LISTEN:9001,fork,reuseaddr EXEC:cat \
		>/dev/null 2>&1 &
	BG_PIDS+=($!)
	sleep 0.5
	check "fwd: 10 MB through tern to a kernel echo server and back, SHA-256 equal" \
		py "$out/f4" echo 10.0.0.1 7002 10000000
	stop_l4fwd fwd
else
	check "tern-l4fwd fwd starts" false
fi

checks_summary
