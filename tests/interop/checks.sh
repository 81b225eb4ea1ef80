#!/usr/bin/env bash
# Shared by the interop scripts (sourced after tools/netns-lib.sh):
# check NAME CMD... counts and prints a result; interop_init makes a
# scratch directory ($out) and installs the EXIT trap that stops background
# helpers ($BG_PIDS), tern and the namespace; checks_summary prints the
# totals and returns non-zero if any check failed.

pass=0
fail=0
BG_PIDS=()
out=

check() {
	local name=$1; shift
	if "$@"; then
		echo "ok: $name"
		pass=$((pass + 1))
	else
		echo "FAIL: $name"
		fail=$((fail + 1))
	fi
}

interop_cleanup() {
	local rc=$?
	for p in "${BG_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	tern_cleanup
	[ -n "$out" ] && rm -rf "$out"
	return $rc
}

interop_init() {
	out=$(mktemp -d)
	trap interop_cleanup EXIT
	trap 'exit 130' INT TERM
}

checks_summary() {
	echo "checks: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
