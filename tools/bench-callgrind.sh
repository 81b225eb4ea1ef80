#!/usr/bin/env bash
# Instructions per echoed datagram on tern's UDP echo path, counted exactly
# by callgrind (no timing: repeatable on a busy machine). Counts only inside
# the stack's turn (stack_round) of `tern-bench --single`.
set -eu
BUILD=${1:-build}
out=$(mktemp)
valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect=stack_round \
	"$BUILD/tools/tern-bench" --runs 1 --seconds 2 --no-kernel --single "${@:2}" >/dev/null 2>&1
total=$(callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
# calls into udp_input: callgrind names a function once, then by id
pkts=$(python3 - "$out" <<'PY'
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
if [ "${pkts:-0}" -eq 0 ]; then
	echo "callgrind: no datagram was echoed" >&2
	exit 1
fi
echo "callgrind: $total instructions in stack_round, $pkts datagrams: $((total / pkts)) instructions/datagram"
callgrind_annotate "$out" 2>/dev/null | sed -n '/^Ir/,$p' | sed -n '3,22p' | cut -c1-120
rm -f "$out"
