#!/usr/bin/env bash
# Shared by the interop scripts (sourced after tools/netns-lib.sh):
# check NAME CMD... counts and prints a result; interop_init makes a
# scratch directory ($out) and installs the EXIT trap that stops background
# helpers ($BG_PIDS), tern and the namespace; checks_summary prints the
# totals and returns non-zero if any check failed; l4fwd_path finds
# tern-l4fwd in a build directory.

pass=0
fail=0
BG_PIDS=()
out=

# shellcheck source=SCRIPTDIR/../../tools/proc-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../tools/proc-lib.sh"
# Every process this test starts inherits the tag: interop_cleanup fails
# the test if one outlives it.
TERN_TEST_TAG="interop-$(basename "$0" .sh)-$$-$RANDOM"
export TERN_TEST_TAG

# l4fwd_path BUILD: tern-l4fwd in the build directory BUILD
l4fwd_path() {
	if [ -x "$1/l4fwd/tern-l4fwd" ]; then
		echo "$1/l4fwd/tern-l4fwd"
	else
		echo "$1/examples/l4fwd/tern-l4fwd"
	fi
}

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

# Stops the background helpers with what they started (by PID: a helper
# started through a shell function is a subshell whose child is the real
# process, and a server that forks per connection has children of its own),
# then tern and the namespace; fails the test if any process it started is
# still there.
interop_cleanup() {
	local rc=$? p
	for p in "${BG_PIDS[@]}"; do
		tern_kill_tree "$p"
	done
	tern_cleanup
	[ -n "$out" ] && rm -rf "$out"
	if ! tern_leftovers "TERN_TEST_TAG=$TERN_TEST_TAG" "$(basename "$0")"; then
		echo "checks: 0 passed, 1 failed"
		[ $rc -eq 0 ] && rc=1
	fi
	return $rc
}

interop_init() {
	out=$(mktemp -d)
	# (a trap's return value is not the script's status: exit sets it)
	trap 'interop_cleanup; exit $?' EXIT
	trap 'exit 130' INT TERM
}

checks_summary() {
	echo "checks: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}

# py OUTFILE ARGS...: $CLIENT (a Python client) in the namespace, its output kept
py() {
	local f=$1; shift
	timeout 600 ip netns exec "${TERN_NS}" "$PY" "$CLIENT" "$@" >"$f" 2>&1
	local rc=$?
	cat "$f"
	return $rc
}

# tcp_val KEY: from the "tern-l4fwd: tcp ..." line of $TERN_LOG
tcp_val() {
	awk -v k="$1" '$2 == "tcp" { for (i = 3; i <= NF; i++) { split($i, kv, "=");
		if (kv[1] == k) print kv[2] } }' "${TERN_LOG}" | tail -1 | grep . || echo -1
}
