#!/usr/bin/env bash
# Interop: tern's loss recovery against the Linux kernel. The kernel here
# has no netem, so the loss is tern's own impairment layer on tern-l4fwd's
# device path (--impair), applied to what tern sends and to what it
# receives. For 1 % and 5 % loss (plus 1 % reordering), over IPv4:
#   - kernel client -> tern-l4fwd TCP echo: 100 MB each way at once (the
#     kernel's data reaches tern through the loss, tern's echo reaches the
#     kernel through it), SHA-256 of what went equal to what came back;
#   - tern-l4fwd tx -> kernel receiver: 100 MB of the pattern, tern the
#     only sender, SHA-256 equal to the pattern's;
#   - the counters show the loss happened and what repaired it
#     (impair_dropped, tcp_retrans_segs, tcp_fast_retrans, tcp_rto_fired,
#     tcp_tlp_probes, tcp_undo, tcp_dsack_*).
# Prints "checks: N passed, M failed".
# Usage: test_tcp_loss.sh BUILD_DIR
set -u
BUILD=${1:?usage: test_tcp_loss.sh BUILD_DIR}
HERE="$(cd "$(dirname "$0")" && pwd)"
TOOLS="$(cd "$HERE/../../tools" && pwd)"
PY=/usr/bin/python3
CLIENT="$HERE/tcp_client.py"
TERN_NS=ternloss$$ TERN_IF=ternl$$ TERN_PREFIX=ternloss$$
# shellcheck source=SCRIPTDIR/../../tools/netns-lib.sh
. "$TOOLS/netns-lib.sh"

# shellcheck source=SCRIPTDIR/checks.sh
. "$HERE/checks.sh"
L4FWD=$(l4fwd_path "$BUILD")
interop_init
MB100=$((100 * 1000 * 1000))



counters() {	# the loss and recovery counters of the last run, one line
	local c line=""
	for c in impair_dropped impair_reordered tcp_retrans_segs tcp_fast_retrans \
		tcp_segs_lost tcp_rto_fired tcp_tlp_probes tcp_tlp_recoveries tcp_undo \
		tcp_dsack_sent tcp_dsack_rcvd tcp_ooo_segs; do
		line="$line $c=$(tern_counter $c)"
	done
	echo "counters:$line"
}

for loss in 1 5; do
	imp="loss=$loss,reorder=1,seed=$((4200 + loss))"

	# --- echo: 100 MB each way through the loss ---
	TERN_LOG="$out/echo-$loss.log"
	if tern_start "$L4FWD" --proto tcp --mode echo --addr 10.0.0.1/24 --lport 7000 \
		--impair "$imp" && tern_peer_setup; then
		tern_ns ping -c 1 -W 2 10.0.0.1 >/dev/null
		t0=$(date +%s.%N)
		check "echo, $loss % loss: 100 MB back, SHA-256 equal" \
			py "$out/e-$loss" echo 10.0.0.1 7000 $MB100
		t1=$(date +%s.%N)
		tern_stop
		rc=$?
		check "echo, $loss % loss: tern-l4fwd exits 0" test $rc -eq 0
		echo "echo, $loss % loss: 100 MB each way in $(echo "$t1 - $t0" | bc) s"
		counters
		check "echo, $loss % loss: packets were lost (impair_dropped > 0)" \
			test "$(tern_counter impair_dropped)" -gt 0
		check "echo, $loss % loss: tern retransmitted (tcp_retrans_segs > 0)" \
			test "$(tern_counter tcp_retrans_segs)" -gt 0
		check "echo, $loss % loss: no connection error" test "$(tcp_val errors)" -eq 0
	else
		check "tern-l4fwd echo starts ($loss % loss)" false
	fi
	ip netns del "${TERN_NS}" 2>/dev/null

	# --- tx: tern sends 100 MB through the loss ---
	TERN_LOG="$out/tx-$loss.log"
	if tern_start "$L4FWD" --proto tcp --mode tx --addr 10.0.0.1/24 --lport 0 \
		--raddr 10.0.0.2 --rport 9000 --count $MB100 \
		--neigh 10.0.0.2,02:00:00:00:00:02 --impair "$imp"; then
		ip netns exec "${TERN_NS}" "$PY" "$CLIENT" sink 9000 $MB100 \
			>"$out/sink-$loss" 2>&1 &
		SINK=$!
		BG_PIDS+=($SINK)
		sleep 0.5
		t0=$(date +%s.%N)
		tern_peer_setup
		timeout 600 tail --pid="$SINK" -f /dev/null
		t1=$(date +%s.%N)
		cat "$out/sink-$loss"
		check "tx, $loss % loss: the kernel received 100 MB, SHA-256 equal to the pattern's" \
			grep -q "bytes=$MB100 .* ok=1" "$out/sink-$loss"
		for _ in $(seq 100); do
			kill -0 "${TERN_PID}" 2>/dev/null || break
			sleep 0.1
		done
		tern_stop
		rc=$?
		echo "tx, $loss % loss: 100 MB in $(echo "$t1 - $t0" | bc) s (SYN wait included)"
		counters
		check "tx, $loss % loss: tern-l4fwd exits 0, connection done" \
			test $rc -eq 0 -a "$(tcp_val done)" -eq 1
		check "tx, $loss % loss: tern recovered losses (tcp_fast_retrans > 0)" \
			test "$(tern_counter tcp_fast_retrans)" -gt 0
	else
		check "tern-l4fwd tx starts ($loss % loss)" false
	fi
	ip netns del "${TERN_NS}" 2>/dev/null
done

checks_summary
