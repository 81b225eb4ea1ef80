#!/usr/bin/env bash
# Two stacks at once: does the one-lcore figure hold when both cores run a
# stack? Each workload runs `tern-bench --single --no-kernel` (generator or
# client and the stack or server taking turns on one lcore, only the
# stack's turns timed) alone on CPU 0, alone on CPU 1, then on both at
# once (two processes, two EAL file prefixes, nothing shared but the
# machine: its LLC, memory, hypervisor). Prints each figure and
#   TWOSTACKS workload=W alone_ops=A together_ops=T scaling=T/A
# where A is one core's figure (the mean of the two alone medians) and T
# the sum of the two medians measured at once: scaling 2.0 is twice one
# core, 1.0 no gain from the second core.
# Usage: tools/bench-two-stacks.sh BUILD [RUNS] [SECONDS]
set -u
BUILD=${1:-build}
RUNS=${2:-3}
SECS=${3:-1}
BENCH="$BUILD/tools/tern-bench"
[ -x "$BENCH" ] || { echo "bench-two-stacks: $BENCH not built" >&2; exit 1; }
[ "$(nproc)" -ge 2 ] || { echo "bench-two-stacks: needs 2 CPUs" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
rc=0

# one run: CPU, log name, workload
one() {
	"$BENCH" --no-huge -m 512 --no-pci -l "$1" --file-prefix "ts$$-$2" -- \
		--workload "$3" --single --no-kernel --runs "$RUNS" --seconds "$SECS" \
		>"$dir/$2.log" 2>&1
}

# the figure of a RESULT line: ops_per_s (TCP) or mpps * 1e6 (UDP)
ops() {
	awk '/^RESULT/ {
		for (i = 1; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] == "ops_per_s") v = kv[2]
			if (kv[1] == "mpps") v = kv[2] * 1000000
		}
	} END { if (v == "") exit 1; printf "%.0f\n", v }' "$1"
}

for w in udp-echo tcp-rr tcp-crr; do
	one 0 "$w-a0" "$w" || rc=1
	one 1 "$w-a1" "$w" || rc=1
	one 0 "$w-t0" "$w" &
	p0=$!
	one 1 "$w-t1" "$w" &
	p1=$!
	wait $p0 || rc=1
	wait $p1 || rc=1
	for f in a0 a1 t0 t1; do
		v=$(ops "$dir/$w-$f.log") || { echo "bench-two-stacks: $w $f: no RESULT" >&2
			sed 's/^/    /' "$dir/$w-$f.log" >&2; rc=1; v=0; }
		eval "$f=$v"
		c=$(grep -h '^RESULT' "$dir/$w-$f.log" | sed 's/.*cycles_per_op=\([0-9.]*\).*/\1/')
		case $f in
		a0) what="alone on CPU 0" ;; a1) what="alone on CPU 1" ;;
		t0) what="CPU 0, CPU 1 busy too" ;; t1) what="CPU 1, CPU 0 busy too" ;;
		esac
		printf '  %-9s %-22s %12s ops/s  %8s cycles/op\n' "$w" "$what" "$v" "${c:-?}"
	done
	# shellcheck disable=SC2154
	awk -v w="$w" -v a0="$a0" -v a1="$a1" -v t0="$t0" -v t1="$t1" 'BEGIN {
		a = a0 + a1; t = t0 + t1
		s = (a > 0) ? 2 * t / a : 0
		printf "TWOSTACKS workload=%s alone_ops=%.0f together_ops=%.0f scaling=%.3f\n",
			w, a / 2, t, s
	}'
done
exit $rc
