#!/usr/bin/env bash
# Interop: the interop tests' own process bookkeeping (tests/interop/checks.sh,
# tools/proc-lib.sh), tried on small scripts made here:
#   - a helper started through a shell function (a subshell whose child is
#     the real process: tern_ns socat ... &) that forks per connection, with
#     a connection open, is ended with all its children when the script
#     exits, and the script passes;
#   - a process the script starts and forgets (not in BG_PIDS, in a session
#     of its own) is found by its environment tag: the script fails, names
#     it, and ends it by PID;
#   - the same on a failing exit (set -e style abort in the middle).
# Prints "checks: N passed, M failed".
# Usage: test_procs.sh BUILD_DIR
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
TOOLS="$(cd "$HERE/../../tools" && pwd)"
TERN_NS=ternprocs$$ TERN_IF=ternp$$ TERN_PREFIX=ternprocs$$
# shellcheck source=SCRIPTDIR/../../tools/netns-lib.sh
. "$TOOLS/netns-lib.sh"
# shellcheck source=SCRIPTDIR/checks.sh
. "$HERE/checks.sh"
interop_init

# child NAME BODY: a test script that sources the libraries and runs BODY
child() {
	cat >"$out/$1.sh" <<EOS
#!/usr/bin/env bash
set -u
TERN_NS=ternpc\$\$ TERN_IF=ternq\$\$ TERN_PREFIX=ternpc\$\$
. "$TOOLS/netns-lib.sh"
. "$HERE/checks.sh"
interop_init
$2
EOS
}

# run_child NAME: runs it with a probe variable of its own; sets RC, LOG, PROBE
run_child() {
	PROBE="probe-$1-$$-$RANDOM"
	LOG="$out/$1.log"
	TERN_PROBE=$PROBE timeout 60 bash "$out/$1.sh" >"$LOG" 2>&1
	RC=$?
	sed "s/^/  | /" "$LOG"
}

# nothing carrying the probe of the last child is left
probe_gone() {
	tern_tagged "TERN_PROBE=$PROBE"
	[ ${#TERN_TAGGED[@]} -eq 0 ]
}

child forking '
ip netns add "$TERN_NS"
tern_ns ip link set lo up
tern_ns socat -T 60 TCP4-LISTEN:9001,fork,reuseaddr EXEC:cat >/dev/null 2>&1 &
BG_PIDS+=($!)
sleep 0.5
# a connection that stays open: socat has forked a child for it
tern_ns socat -T 60 - TCP4:127.0.0.1:9001 </dev/zero >/dev/null 2>&1 &
BG_PIDS+=($!)
sleep 0.5
n=$(tern_tree "${BG_PIDS[0]}" | wc -l)
echo "the listener tree holds $n processes"
check "a forked server child exists" test "$n" -ge 3
checks_summary'
run_child forking
check "forking server in a netns, started through a function: script passes (rc $RC)" \
	test "$RC" -eq 0
check "forking server: no process of it left" probe_gone
check "forking server: nothing reported left behind" sh -c "! grep -q 'left behind' '$LOG'"

child forgotten '
setsid sleep 300 &
sleep 0.2
check "started" true
checks_summary'
run_child forgotten
check "a forgotten process: the script fails (rc $RC)" test "$RC" -ne 0
check "a forgotten process: it is named" grep -q "left behind" "$LOG"
check "a forgotten process: the check counts a failure" grep -q "checks: 0 passed, 1 failed" "$LOG"
check "a forgotten process: it is ended" probe_gone

child aborted '
setsid sleep 300 &
tern_ns true 2>/dev/null	# no namespace: fails
exit 3'
run_child aborted
check "abort with a forgotten process: exit status kept (rc $RC)" test "$RC" -eq 3
check "abort with a forgotten process: it is named and ended" \
	sh -c "grep -q 'left behind' '$LOG'" && probe_gone

checks_summary
