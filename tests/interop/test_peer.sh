#!/usr/bin/env bash
# Interop: tern-bench --peer, the client alone, against tern-l4fwd in another
# process over a net_memif pair (tools/bench-peer.sh --servers l4fwd), one
# 1-second run of each workload: udp-echo, tcp-crr, tcp-rr, tcp-stream.
# Checks, for each: ops done, no error, timeout or lost datagram, every mbuf
# of tern-bench's pool back at exit, tern-l4fwd clean (exit 0, no TCP error,
# the stream's bytes on its pattern); udp-echo: tern-l4fwd echoed exactly
# the datagrams tern-bench sent; tcp-crr: every connection tern-l4fwd
# accepted ended. Then tern-bench's refusals of bad --peer options (exit 2).
# Prints "checks: N passed, M failed".
# Usage: test_peer.sh BUILD_DIR
set -u
BUILD=${1:?usage: test_peer.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd)
HERE="$(cd "$(dirname "$0")" && pwd)"
TOOLS="$(cd "$HERE/../../tools" && pwd)"
TERN_NS=ternpeer$$ TERN_IF=ternp$$ TERN_PREFIX=ternpeer$$
# shellcheck source=SCRIPTDIR/../../tools/netns-lib.sh
. "$TOOLS/netns-lib.sh"
# shellcheck source=SCRIPTDIR/checks.sh
. "$HERE/checks.sh"
interop_init

BENCH=$BUILD/tools/tern-bench
log=$out/bench-peer.log

echo "== tools/bench-peer.sh --servers l4fwd --runs 1 --seconds 1"
timeout 300 "$TOOLS/bench-peer.sh" --build "$BUILD" --servers l4fwd --runs 1 --seconds 1 \
	>"$log" 2>&1
st=$?
cat "$log"
check "bench-peer.sh exits 0 (every run passed its own checks)" [ "$st" -eq 0 ]

# field WORKLOAD KEY: KEY= of the summary's RESULT line of WORKLOAD
field() {
	awk -v w="workload=peer-$1-l4fwd-memif" -v k="$2" '$1 == "RESULT" && $2 == w {
		for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' \
		"$log" | tail -1
}
positive() { awk -v v="${1:-0}" 'BEGIN { exit !(v > 0) }'; }

for w in udp-echo tcp-crr tcp-rr tcp-stream; do
	rate=mpps
	[ "$w" != udp-echo ] && rate=ops_per_s
	check "$w: a RESULT line" [ -n "$(field "$w" tsc_hz)" ]
	check "$w: ops done ($rate=$(field "$w" $rate))" positive "$(field "$w" $rate)"
	check "$w: the client's cycles per op measured" positive "$(field "$w" cycles_per_op)"
	check "$w: no errors" [ "$(field "$w" errors)" = 0 ]
	check "$w: no timeouts" [ "$(field "$w" timeouts)" = 0 ]
done
check "udp-echo: no datagram lost" [ "$(field udp-echo lost)" = 0 ]
check "tcp-stream: Gbit/s measured" positive "$(field tcp-stream gbps)"
check "every mbuf back in tern-bench's pool, all 4 workloads" \
	[ "$(grep -c 'tern-bench: every mbuf back in the pool' "$log")" -eq 4 ]

# udp-echo: what tern-bench sent (its run line) is what tern-l4fwd echoed
sent=$(sed -n 's/^ *run 1: .* 0 of \([0-9]*\) lost.*/\1/p' "$log" | head -1)
l4=$(sed -n 's/^ *tern-l4fwd: final rx_dgrams=\([0-9]*\) tx_dgrams=\([0-9]*\).*/\1 \2/p' "$log" |
	head -1)
udp_counts() { [ -n "$sent" ] && [ "$sent" -gt 0 ] && [ "$l4" = "$sent $sent" ]; }
check "udp-echo: tern-l4fwd received and echoed the $sent datagrams sent ($l4)" udp_counts
# tcp-crr: the first "tcp" line is crr's; every connection opened ended cleanly
crr=$(grep -m1 '^ *tern-l4fwd: tcp ' "$log")
check "tcp-crr: tern-l4fwd's connections all done and closed ($crr)" \
	awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
	     END { exit !(v["opened"] > 0 && v["opened"] == v["done"] && v["done"] == v["closed"] &&
			  v["errors"] == 0) }' <<<"$crr"
check "tcp-stream: tern-l4fwd found every byte on its pattern" \
	grep -q '^ *tern-l4fwd: tcp opened=1 done=1 closed=1 errors=0 bad_segs=0' "$log"

# Refusals: exit status 2 and a message.
EAL=(--no-huge -m 256 --no-pci -l 0 --file-prefix "tpeer$$" --log-level='*:error')
refused() {	# refused WHAT ARGS...: exit 2, and something on stderr
	local what=$1 err st
	shift
	err=$("$BENCH" "$@" 2>&1 >/dev/null)
	st=$?
	check "refused ($what): exit 2 [$err]" test "$st" -eq 2 -a -n "$err"
}
refused "--peer with no EAL options" --peer --local 10.0.0.2/24 --remote 10.0.0.1:7
refused "--peer with no port" "${EAL[@]}" -- --peer --local 10.0.0.2/24 --remote 10.0.0.1:7
refused "--peer without --remote" "${EAL[@]}" -- --peer --local 10.0.0.2/24
refused "--local without a prefix length" "${EAL[@]}" -- --peer --local 10.0.0.2 \
	--remote 10.0.0.1:7
refused "--remote without a port" "${EAL[@]}" -- --peer --local 10.0.0.2/24 --remote 10.0.0.1
refused "--peer --single" "${EAL[@]}" -- --peer --single --local 10.0.0.2/24 --remote 10.0.0.1:7
refused "--peer tcp-conns" "${EAL[@]}" -- --peer --workload tcp-conns --local 10.0.0.2/24 \
	--remote 10.0.0.1:7
refused "--peer udp-echo --size 4" "${EAL[@]}" -- --peer --size 4 --local 10.0.0.2/24 \
	--remote 10.0.0.1:7
refused "--remote without --peer" --workload tcp-rr --remote 10.0.0.1:7
for run in /var/run/dpdk "${XDG_RUNTIME_DIR:-/tmp}/dpdk"; do rm -rf "${run:?}/tpeer$$"; done

checks_summary
