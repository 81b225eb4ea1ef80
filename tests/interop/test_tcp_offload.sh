#!/usr/bin/env bash
# Interop: tern's TCP send offloads. tern keeps up to 64000 bytes of a
# connection's data as one send; who cuts it into MSS-sized segments
# depends on the port. tern-l4fwd tx sends 100 MB of its TCP pattern (IPv4,
# except where IPv6 is said) with --sha256 (it prints the SHA-256 of what it
# sent), each time:
#   - net_tap, --tso (tern enables the device's TSO only when asked), the
#     kernel receiving in a network namespace: net_tap offers tx-tso and
#     tern enabled tx-tso, tx-multiseg and tx-tcp-cksum; the sends were
#     handed to the device (tcp_tso_segs > 0) and tern cut none itself
#     (tcp_tso_sw_bytes = 0); the kernel received 100 MB with the pattern's
#     SHA-256, in at least 100 MB / MSS segments (its Tcp InSegs), and a
#     capture of 300 of them shows full-sized payloads and none larger;
#   - the same over net_tap with --no-offload: no offload enabled, tern cut
#     nearly all of it (tcp_tso_sw_bytes >= 90 MB: only sends of one MSS or
#     less go out uncut), tcp_tso_segs = 0, every checksum in software
#     (tcp_cksum_tx_hw = 0); the same SHA-256, segments and capture checks;
#   - net_tap, --tso, over IPv6 (fd00::1 -> the kernel at fd00::2): DPDK
#     22.11's net_tap cuts TSO sends with rte_gso, which knows IPv4 TCP only,
#     and would hand an IPv6 send to the kernel whole (frames of 13-48 KB on
#     a 1500-byte MTU). So tern (lib/core/dev.c, tso_ipv4_only) cuts IPv6
#     sends itself on net_tap even with --tso: tx-tso is enabled, yet
#     tcp_tso_segs = 0 and tcp_tso_sw_bytes >= 90 MB; the kernel received
#     100 MB with the pattern's SHA-256 in at least 100 MB / 1428 segments
#     (the IPv6 MSS: 1500 - 40 - 20 - 12), and the capture shows 1428-byte
#     payloads and none larger (no frame above the MTU);
#   - net_memif, which has no TSO: two tern-l4fwd processes (the kernel
#     cannot be a memif peer), tcp tx --tso (memif client, CPU 1) -> tcp rx
#     --sha256 (memif server, CPU 0): tern's software segmentation, TSO
#     allowed but not offered (tcp_tso_sw_bytes >= 90 MB, tcp_tso_segs = 0); the
#     receiver got 100 MB, every segment matched the pattern (bad_segs = 0),
#     and its SHA-256 of the stream equals the pattern's and the sender's.
# The TAP has the usual 1500-byte MTU; DPDK 22.11's net_tap counts the
# headers of a TSO piece against it, so tern has IPv4 TSO sends cut there into
# pieces of 1434 bytes instead of the 1448-byte MSS (see PIECE below).
# Prints the throughput of each transfer (the receiver's, from its first
# byte to the end), the offload counters, and "checks: N passed, M failed".
# Usage: test_tcp_offload.sh BUILD_DIR
set -u
BUILD=${1:?usage: test_tcp_offload.sh BUILD_DIR}
HERE="$(cd "$(dirname "$0")" && pwd)"
TOOLS="$(cd "$HERE/../../tools" && pwd)"
PY=/usr/bin/python3
CLIENT="$HERE/tcp_client.py"
TERN_NS=ternoff$$ TERN_IF=terno$$ TERN_PREFIX=ternoff$$
# shellcheck source=SCRIPTDIR/../../tools/netns-lib.sh
. "$TOOLS/netns-lib.sh"

# shellcheck source=SCRIPTDIR/checks.sh
. "$HERE/checks.sh"
L4FWD=$(l4fwd_path "$BUILD")
interop_init
MB100=$((100 * 1000 * 1000))
# MTU 1500: the MSS is 1448 data bytes (12 go to the timestamp option).
# DPDK 22.11's net_tap refuses a TSO send whose segment size plus its
# Ethernet, IP and TCP headers exceeds the port's MTU (it compares a frame
# with an IP MTU): 1448 + 14 + 20 + 32 = 1514 would be refused, so tern
# (lib/core/dev.c, tso_frame_max) asks net_tap for pieces of
# 1500 - 14 - 20 - 32 = 1434 bytes. Without TSO the segments are the MSS.
PEER_MTU=1500
MSS=$((PEER_MTU - 20 - 20 - 12))
PIECE=$((PEER_MTU - 14 - 20 - 32))
# IPv6: 1500 - 40 - 20 - 12 = 1428 data bytes; tern cuts IPv6 itself on
# net_tap, so its segments are the MSS.
MSS6=$((PEER_MTU - 40 - 20 - 12))
T_START=$(date +%s.%N)

# The memif pair is not tern_start's: its processes, socket and the EAL's
# runtime directories go on exit too.
MEMIF_PIDS=()
offload_cleanup() {
	local rc=$? p
	for p in "${MEMIF_PIDS[@]}"; do
		kill -INT "$p" 2>/dev/null
	done
	for p in "${MEMIF_PIDS[@]}"; do
		timeout 5 tail --pid="$p" -f /dev/null 2>/dev/null
		kill -KILL "$p" 2>/dev/null
	done
	(exit $rc)
	interop_cleanup
	rc=$?
	for p in /var/run/dpdk "${XDG_RUNTIME_DIR:-/tmp}/dpdk"; do
		rm -rf "${p:?}/${TERN_PREFIX:?}" "${p:?}/${TERN_PREFIX:?}"mr "${p:?}/${TERN_PREFIX:?}"mt \
			2>/dev/null
	done
	return $rc
}
trap 'offload_cleanup; exit $?' EXIT

WANT=$("$PY" -c "import sys; sys.path.insert(0, sys.argv[1]); import tcp_client
print(tcp_client.pattern_sha(int(sys.argv[2])))" "$HERE" $MB100)
echo "SHA-256 of 100 MB of the pattern: $WANT"

# conn_val DIR KEY: from the "tern-l4fwd: conn ipv4|ipv6 DIR ..." line of $TERN_LOG
conn_val() {
	awk -v d="$1" -v k="$2" '$1 == "tern-l4fwd:" && $2 == "conn" && $4 == d {
		for (i = 5; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' \
		"${TERN_LOG}" | tail -1 | grep . || echo -1
}

# offload_counters: the offload and checksum counters of the last run, one line
offload_counters() {
	local c line=""
	for c in tcp_tso_segs tcp_tso_sw_bytes tcp_out_segs tcp_cksum_tx_hw tcp_cksum_tx_sw \
		tcp_cksum_rx_hw tcp_cksum_rx_sw tcp_gro_merged tcp_retrans_segs; do
		line="$line $c=$(tern_counter $c)"
	done
	echo "counters:$line"
}

# caps_has WHICH CAP...: all CAPs on the "offloads:" (WHICH=enabled) or
# "device offers:" (WHICH=offered) line of $TERN_LOG
caps_has() {
	local pat line c
	[ "$1" = enabled ] && pat='offloads' || pat='device offers'
	shift
	line=" $(sed -n "s/^tern-l4fwd: port 0 .*$pat: //p" "${TERN_LOG}" | head -1) "
	[ "$line" != "  " ] || return 1
	for c in "$@"; do
		case "$line" in *" $c "*) ;; *) return 1 ;; esac
	done
}
caps_lacks() {	# caps_lacks WHICH CAP: the line is there, CAP not on it
	grep -q "^tern-l4fwd: port 0 .*device offers:" "${TERN_LOG}" && ! caps_has "$@"
}

# tcp_in_segs: Tcp InSegs of the kernel in the namespace
tcp_in_segs() {
	tern_ns awk '$1 == "Tcp:" && !h { for (i = 2; i <= NF; i++) col[$i] = i; h = 1; next }
		$1 == "Tcp:" && h { print $col["InSegs"] }' /proc/net/snmp
}

# --- tap: tern-l4fwd tx -> kernel receiver, 100 MB, RUN = tso, sw or tso6 ---
tap_tx() {	# tap_tx RUN FAMILY(4|6) L4FWD_ARGS...
	local run=$1 fam=$2; shift 2
	local t0 t1 segs seg=$MSS mss=$MSS src=10.0.0.1 addrs
	addrs=(--addr 10.0.0.1/24 --raddr 10.0.0.2 --neigh "10.0.0.2,02:00:00:00:00:02")
	[ "$run" = tso ] && seg=$PIECE
	if [ "$fam" = 6 ]; then
		# tern cuts IPv6 itself on net_tap: segments of the MSS
		mss=$MSS6 seg=$MSS6 src=fd00::1
		addrs=(--addr6 fd00::1/64 --raddr6 fd00::2 --neigh "fd00::2,02:00:00:00:00:02")
	fi
	TERN_LOG="$out/tap-$run.log"
	echo "== tap, $run: tern-l4fwd tcp tx $* -> the kernel, IPv$fam, 100 MB"
	if ! tern_start "$L4FWD" --proto tcp --mode tx "${addrs[@]}" --lport 0 \
		--rport 9000 --count $MB100 --sha256 "$@"; then
		check "tap, $run: tern-l4fwd tx starts" false
		return
	fi
	ip netns exec "${TERN_NS}" "$PY" "$CLIENT" sink 9000 $MB100 >"$out/sink-$run" 2>&1 &
	local sink=$!
	BG_PIDS+=("$sink")
	sleep 0.5
	t0=$(date +%s.%N)
	tern_ns ip link set "${TERN_IF}" mtu $PEER_MTU
	tern_peer_setup
	# a sample of tern's data segments as the kernel receives them
	ip netns exec "${TERN_NS}" timeout 20 tcpdump -nn -q -i "${TERN_IF}" -c 300 \
		"tcp and src host $src and greater 100" >"$out/dump-$run" 2>/dev/null &
	BG_PIDS+=($!)
	timeout 30 tail --pid="$sink" -f /dev/null
	t1=$(date +%s.%N)
	for _ in $(seq 100); do
		kill -0 "${TERN_PID}" 2>/dev/null || break
		sleep 0.1
	done
	tern_stop
	local rc=$?
	segs=$(tcp_in_segs)
	grep "offloads:\|device offers:" "${TERN_LOG}"
	cat "$out/sink-$run"
	grep "^tern-l4fwd: conn\|Mbit/s" "${TERN_LOG}"
	offload_counters
	echo "kernel: Tcp InSegs=$segs ($(awk -v b=$MB100 -v s="${segs:-0}" \
		'BEGIN { if (s > 0) printf "%.0f", b / s; else print "-" }') data bytes per segment)"
	echo "tap, $run: $(echo "$t1 - $t0" | bc) s from link up to the receiver's end"

	check "tap, $run: the kernel received 100 MB, SHA-256 equal to the pattern's" \
		grep -q "bytes=$MB100 sha=$WANT .* ok=1" "$out/sink-$run"
	check "tap, $run: tern-l4fwd exits 0, connection done, no error" \
		test $rc -eq 0 -a "$(tcp_val "done")" -eq 1 -a "$(tcp_val errors)" -eq 0
	check "tap, $run: tern sent 100 MB, its SHA-256 of them the pattern's" \
		test "$(conn_val tx bytes)" = $MB100 -a "$(conn_val tx sha256)" = "$WANT"
	check "tap, $run: the kernel got >= 100 MB / $seg segments (Tcp InSegs $segs)" \
		test "${segs:-0}" -ge $(((MB100 + seg - 1) / seg))
	# tcpdump -q: "... 10.0.0.1.P > 10.0.0.2.9000: tcp LEN" (IPv6: fd00::1.P ...)
	local lens
	lens=$(awk '$NF ~ /^[0-9]+$/ && $(NF-1) == "tcp" { print $NF }' "$out/dump-$run" |
		sort -n | uniq -c | sort -k2 -n | awk '{ printf "%s%dx%d", s, $1, $2; s = " " }')
	echo "captured data segment payload sizes (count x bytes): $lens"
	# (with TSO, a send of one MSS or less is not cut: it may carry the full MSS)
	check "tap, $run: captured data segments carry $seg bytes, none more than the MSS ($mss)" \
		awk -v m=$seg -v x=$mss '$NF ~ /^[0-9]+$/ && $(NF-1) == "tcp" { n++; if ($NF == m) f++; if ($NF > x) big++ }
			END { exit !(n > 0 && f > 0 && big == 0) }' "$out/dump-$run"
	ip netns del "${TERN_NS}" 2>/dev/null
}

tap_tx tso 4 --tso
check "tap, tso: net_tap offers TSO (device offers: tx-tso)" caps_has offered tx-tso
check "tap, tso: tern enabled tx-tso, tx-multiseg and tx-tcp-cksum" \
	caps_has enabled tx-tso tx-multiseg tx-tcp-cksum
check "tap, tso: TSO sends handed to the device (tcp_tso_segs $(tern_counter tcp_tso_segs) > 0)" \
	test "$(tern_counter tcp_tso_segs)" -gt 0
check "tap, tso: nothing cut by tern (tcp_tso_sw_bytes $(tern_counter tcp_tso_sw_bytes) = 0)" \
	test "$(tern_counter tcp_tso_sw_bytes)" -eq 0
check "tap, tso: no TCP checksum drops" test "$(tern_counter drop_tcp_cksum)" -eq 0

tap_tx sw 4 --no-offload
check "tap, sw: no offload enabled (offloads: none)" grep -q "offloads: none" "${TERN_LOG}"
check "tap, sw: no TSO send handed to the device (tcp_tso_segs = 0)" \
	test "$(tern_counter tcp_tso_segs)" -eq 0
check "tap, sw: tern cut nearly all of it itself (tcp_tso_sw_bytes $(tern_counter tcp_tso_sw_bytes) >= 90 MB)" \
	test "$(tern_counter tcp_tso_sw_bytes)" -ge $((MB100 * 9 / 10))
check "tap, sw: every checksum in software (tcp_cksum_tx_hw = 0, tcp_cksum_tx_sw > 0)" \
	test "$(tern_counter tcp_cksum_tx_hw)" -eq 0 -a "$(tern_counter tcp_cksum_tx_sw)" -gt 0

# IPv6 with --tso: net_tap cuts its TSO sends with rte_gso, which knows IPv4
# TCP only; an IPv6 send would reach the kernel whole, above the MTU. tern
# (dev->tso_ipv4_only) keeps TSO enabled but cuts IPv6 sends itself there.
tap_tx tso6 6 --tso
check "tap, tso6: tern enabled tx-tso (TSO allowed and offered)" \
	caps_has enabled tx-tso
check "tap, tso6: no IPv6 TSO send handed to the device (tcp_tso_segs $(tern_counter tcp_tso_segs) = 0)" \
	test "$(tern_counter tcp_tso_segs)" -eq 0
check "tap, tso6: tern cut nearly all of it itself (tcp_tso_sw_bytes $(tern_counter tcp_tso_sw_bytes) >= 90 MB)" \
	test "$(tern_counter tcp_tso_sw_bytes)" -ge $((MB100 * 9 / 10))
check "tap, tso6: no TCP checksum drops" test "$(tern_counter drop_tcp_cksum)" -eq 0

# --- memif: tern-l4fwd tx (client, CPU 1) -> tern-l4fwd rx (server, CPU 0) ---
echo "== memif: tern-l4fwd tcp tx --tso -> tern-l4fwd tcp rx, 100 MB"
SOCK="$out/memif.sock"
MAC_RX=02:00:00:00:01:01 MAC_TX=02:00:00:00:01:02
memif_eal() {	# memif_eal CPU PREFIX ROLE MAC
	echo "-l $1 --no-huge -m 512 --no-pci --file-prefix ${TERN_PREFIX}$2 --log-level=*:notice" \
	     "--vdev net_memif0,role=$3,id=0,socket=$SOCK,socket-abstract=no,mac=$4"
}
RX_LOG="$out/memif-rx.log" TX_LOG="$out/memif-tx.log"
# The receiver runs until SIGINT, stopped once the sender has exited by
# itself: when both ends leave at once, DPDK 22.11's memif can crash (SIGSEGV
# in the EAL interrupt thread handling the peer's disconnect while the main
# thread closes the port and frees its pools; seen in about 1 run of 8 with
# rx --count 1).
# shellcheck disable=SC2046
timeout 60 "$L4FWD" $(memif_eal 0 mr server $MAC_RX) -- --proto tcp --mode rx \
	--addr 10.1.0.1/24 --lport 7000 --neigh 10.1.0.2,$MAC_TX --tso --sha256 \
	>"$RX_LOG" 2>&1 &
RX_PID=$!
MEMIF_PIDS+=("$RX_PID")
for _ in $(seq 100); do
	grep -q "ready" "$RX_LOG" && [ -S "$SOCK" ] && break
	kill -0 $RX_PID 2>/dev/null || break
	sleep 0.1
done
rx_rc=none tx_rc=none
if grep -q "ready" "$RX_LOG" && [ -S "$SOCK" ]; then
	t0=$(date +%s.%N)
	# shellcheck disable=SC2046
	timeout 40 "$L4FWD" $(memif_eal 1 mt client $MAC_TX) -- --proto tcp --mode tx \
		--addr 10.1.0.2/24 --lport 0 --raddr 10.1.0.1 --rport 7000 --count $MB100 \
		--neigh 10.1.0.1,$MAC_RX --tso --sha256 >"$TX_LOG" 2>&1 &
	TX_PID=$!
	MEMIF_PIDS+=("$TX_PID")
	wait "$TX_PID"
	tx_rc=$?
	t1=$(date +%s.%N)
	echo "memif: the sender exited $(echo "$t1 - $t0" | bc) s after it started"
	sleep 0.5
	kill -INT "$RX_PID"
	wait "$RX_PID"
	rx_rc=$?
else
	cat "$RX_LOG"
fi
MEMIF_PIDS=()
for log in "$TX_LOG" "$RX_LOG"; do
	TERN_LOG=$log
	echo "-- $(basename "$log" .log):"
	grep "offloads:\|device offers:\|^tern-l4fwd: conn\|Mbit/s\|tcp opened" "$log"
	offload_counters
done
check "memif: tern-l4fwd rx starts" grep -q "ready" "$RX_LOG"
check "memif: tern-l4fwd rx exits 0 at SIGINT (got $rx_rc)" test "$rx_rc" = 0
check "memif: tern-l4fwd tx exits 0 (got $tx_rc)" test "$tx_rc" = 0
TERN_LOG=$TX_LOG
check "memif: net_memif offers no TSO (device offers: no tx-tso)" caps_lacks offered tx-tso
check "memif, tx: no TSO send handed to the device (tcp_tso_segs = 0)" \
	test "$(tern_counter tcp_tso_segs)" -eq 0
check "memif, tx: tern cut nearly all of it itself (tcp_tso_sw_bytes $(tern_counter tcp_tso_sw_bytes) >= 90 MB)" \
	test "$(tern_counter tcp_tso_sw_bytes)" -ge $((MB100 * 9 / 10))
check "memif, tx: connection done, 100 MB sent, SHA-256 the pattern's" \
	test "$(tcp_val "done")" -eq 1 -a "$(conn_val tx bytes)" = $MB100 \
	-a "$(conn_val tx sha256)" = "$WANT"
TERN_LOG=$RX_LOG
check "memif, rx: one connection, done; 100 MB, SHA-256 equal to the pattern's" \
	test "$(conn_val rx bytes)" = $MB100 -a "$(conn_val rx sha256)" = "$WANT" \
	-a "$(conn_val rx end)" = "done" -a "$(tcp_val "done")" -eq 1 -a "$(tcp_val errors)" -eq 0
check "memif, rx: every segment matched the pattern (bad_segs=0), no TCP checksum drop" \
	test "$(tcp_val bad_segs)" -eq 0 -a "$(tern_counter drop_tcp_cksum)" -eq 0
check "memif, rx: checksums verified in software (tcp_cksum_rx_sw > 0)" \
	test "$(tern_counter tcp_cksum_rx_sw)" -gt 0

echo "total: $(echo "$(date +%s.%N) - $T_START" | bc) s"
checks_summary
