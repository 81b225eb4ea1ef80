#!/usr/bin/env bash
# Runs the test suites through meson and sums what the test programs
# themselves counted: cmocka's "[  PASSED  ] N test(s)." / "[  FAILED  ] N
# test(s)" lines and the interop scripts' "checks: N passed, M failed" lines.
# The last line is "tests: N passed, M failed"; the exit code is meson's.
set -u
BUILD=${1:-build}
SUITE=${2:-}
args=(-C "$BUILD" --print-errorlogs)
[ -n "$SUITE" ] && args+=(--suite "$SUITE")

if [ "$(id -u)" -ne 0 ]; then
	echo "run-tests: the interop tests need root (TAP, network namespaces)" >&2
fi

# shellcheck source=SCRIPTDIR/proc-lib.sh
. "$(dirname "$0")/proc-lib.sh"
# Every process of the run inherits the tag; none may outlive it.
TERN_TEST_RUN="run-$$-$RANDOM"
export TERN_TEST_RUN

meson test "${args[@]}"
rc=$?

leftover=0
if ! tern_leftovers "TERN_TEST_RUN=$TERN_TEST_RUN" "the test run"; then
	leftover=1
	[ $rc -eq 0 ] && rc=1
fi

log="$BUILD/meson-logs/testlog.txt"
passed=0
failed=0
if [ -f "$log" ]; then
	read -r p f < <(awk '
		/^\[  PASSED  \] [0-9]+ test/ { p += $4 }
		/^\[  FAILED  \] [0-9]+ test/ { f += $4 }
		/^checks: [0-9]+ passed, [0-9]+ failed/ { p += $2; f += $4 }
		END { print p + 0, f + 0 }' "$log")
	passed=$p
	failed=$f
fi
echo
echo "tests: $passed passed, $failed failed"
[ $leftover -ne 0 ] && echo "run-tests: processes were left behind (listed above)" >&2
if [ $rc -eq 0 ] && [ "$passed" -eq 0 ]; then
	echo "run-tests: no test case ran" >&2
	exit 1
fi
if [ $rc -eq 0 ] && [ "$failed" -ne 0 ]; then
	exit 1
fi
exit $rc
