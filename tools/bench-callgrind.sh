#!/usr/bin/env bash
# Instructions per operation on tern's hot paths, counted exactly by
# callgrind (no timing: repeatable on a busy machine), in `tern-bench
# --single --no-kernel` (one lcore: the generator and the stack take turns).
#  udp-echo (the default): the stack's turn (stack_round) over the datagrams
#    echoed.
#  --workload tcp-rr | tcp-crr | tcp-stream: the server's rounds that began
#    with packets in its rx ring (srv_round_rx; the idle polling rounds, as
#    many as the machine's load makes them, are left out) over the requests,
#    connections or 64 KiB the server handled in those rounds (tern-bench
#    --stats prints them: SRV_RX).
# Usage: tools/bench-callgrind.sh BUILD [tern-bench options...]
#   e.g. tools/bench-callgrind.sh build --workload tcp-rr --seconds 2
# Prints the total, the per-operation figure and the top functions (self
# instructions, and per operation).
set -eu
BUILD=${1:-build}
shift || true
workload=udp-echo
prev=
for a in "$@"; do
	[ "$prev" = --workload ] && workload=$a
	case $a in --workload=*) workload=${a#--workload=} ;; esac
	prev=$a
done
out=$(mktemp)
log=$(mktemp)
trap 'rm -f "$out" "$log"' EXIT
case $workload in
tcp-rr | tcp-crr | tcp-stream)
	valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect='srv_round_rx*' \
		"$BUILD/tools/tern-bench" --runs 1 --seconds 2 --no-kernel --single --stats \
		"$@" >"$log" 2>&1
	read -r ops what < <(awk '/^SRV_RX / { for (i = 2; i <= NF; i++) { split($i, kv, "=");
		v[kv[1]] = kv[2] } } END { if (v["unit_size"] > 0)
		printf "%d %s\n", v["units"] / v["unit_size"], "operations" }' "$log")
	fn=srv_round_rx
	;;
*)
	valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect=stack_round \
		"$BUILD/tools/tern-bench" --runs 1 --seconds 2 --no-kernel --single "$@" \
		>"$log" 2>&1
	# calls into udp_input: callgrind names a function once, then by id
	ops=$(python3 - "$out" <<'PY'
import re, sys
txt = open(sys.argv[1]).read()
m = re.search(r"\((\d+)\) udp_input\b", txt)
n = 0
if m:
	for c in re.finditer(r"cfn=\(" + m.group(1) + r"\)[^\n]*\ncalls=(\d+)", txt):
		n += int(c.group(1))
print(n)
PY
)
	what=datagrams
	fn=stack_round
	;;
esac
total=$(callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
if [ "${ops:-0}" -eq 0 ] || [ -z "$total" ]; then
	echo "callgrind: no operation counted ($workload)" >&2
	tail -5 "$log" >&2
	exit 1
fi
echo "callgrind: $workload: $total instructions in $fn, $ops $what:" \
	"$((total / ops)) instructions/op"
# the top functions by self count, with their share per operation
callgrind_annotate "$out" 2>/dev/null | sed -n '/^Ir/,$p' | sed -n '3,24p' |
	awk -v ops="$ops" '{ n = $1; gsub(",", "", n); if (n ~ /^[0-9]+$/)
		printf "%8.1f/op  %s\n", n / ops, substr($0, 1, 110) }'
