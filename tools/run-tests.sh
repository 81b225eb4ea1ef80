#!/usr/bin/env bash
# Runs the test suites through meson and sums what the test programs
# themselves counted: cmocka's "[  PASSED  ] N test(s)." / "[  FAILED  ] N
# test(s)" lines and the interop scripts' (and fuzz replays') "checks: N
# passed, M failed" lines.
#
#   run-tests.sh BUILD            every suite of BUILD, then the sanitizer run
#   run-tests.sh BUILD SUITE      one suite of BUILD only
#   run-tests.sh BUILD sanitize   the sanitizer run only
#
# The sanitizer run builds the unit, stack and fuzz-replay tests again in
# $TERN_SAN_BUILD (default build-asan: gcc, ASan + UBSan + LeakSanitizer,
# -fno-sanitize-recover=undefined so that any UBSan finding fails, no LTO,
# frame pointers, TERN_ASSERT on) and runs them. TERN_SANITIZE=0 skips it.
# Then (as root) the examples built there run SAN_INTEROP, a
# few interop scripts, against the kernel: every sanitizer report of those
# processes goes to a file of its own (ASAN_OPTIONS log_path) and counts as a
# finding. TERN_SANITIZE_INTEROP=0 skips that part.
# The last line is "tests: N passed, M failed" over both runs; the exit code
# is non-zero if either failed.
set -u
BUILD=${1:-build}
SUITE=${2:-}
SAN_BUILD=${TERN_SAN_BUILD:-build-asan}
SAN_SUITES=(unit stack fuzz)
# Interop scripts run again on the sanitizer build (the examples they start
# are built there): UDP and TCP echo over IPv4 and IPv6 with fragments,
# loss and the ICMP paths, the router, the bring-up from a config file.
SAN_INTEROP=(ping udp tcp_loss pmtu l3fwd config)
ROOT=$(cd "$(dirname "$0")/.." && pwd)

if [ "$(id -u)" -ne 0 ]; then
	echo "run-tests: the interop tests need root (TAP, network namespaces)" >&2
fi

# shellcheck source=SCRIPTDIR/proc-lib.sh
. "$(dirname "$0")/proc-lib.sh"
# Every process of the run inherits the tag; none may outlive it.
TERN_TEST_RUN="run-$$-$RANDOM"
export TERN_TEST_RUN

# count LOG: "passed failed" from what the test programs printed
count() {
	if [ ! -f "$1" ]; then
		echo "0 0"
		return
	fi
	awk '
		/^\[  PASSED  \] [0-9]+ test/ { p += $4 }
		/^\[  FAILED  \] [0-9]+ test/ { f += $4 }
		/^checks: [0-9]+ passed, [0-9]+ failed/ { p += $2; f += $4 }
		END { print p + 0, f + 0 }' "$1"
}

passed=0
failed=0
rc=0

if [ "$SUITE" != sanitize ]; then
	args=(-C "$BUILD" --print-errorlogs)
	[ -n "$SUITE" ] && args+=(--suite "$SUITE")
	meson test "${args[@]}"
	rc=$?
	read -r passed failed < <(count "$BUILD/meson-logs/testlog.txt")
	if [ $rc -eq 0 ] && [ "$passed" -eq 0 ]; then
		echo "run-tests: no test case ran" >&2
		rc=1
	fi
fi

if { [ -z "$SUITE" ] || [ "$SUITE" = sanitize ]; } && [ "${TERN_SANITIZE:-1}" != 0 ]; then
	echo
	echo "run-tests: sanitizer build ($SAN_BUILD: ASan, UBSan, LeakSanitizer, TERN_ASSERT)"
	san_rc=0
	if [ ! -f "$SAN_BUILD/build.ninja" ]; then
		flags="-fno-omit-frame-pointer -fno-sanitize-recover=undefined"
		meson setup "$SAN_BUILD" "$ROOT" -Db_lto=false -Dbuildtype=debug -Doptimization=1 \
			-Db_sanitize=address,undefined -Dexamples=false \
			-Dc_args="$flags -DTERN_DEBUG" -Dc_link_args="$flags" >/dev/null || san_rc=1
	fi
	# Only the test programs of those suites (not libtern.so, not the benchmarks).
	if [ $san_rc -eq 0 ]; then
		targets=$(meson introspect "$SAN_BUILD" --tests | python3 -c '
import json, os, sys
build, suites = os.path.abspath(sys.argv[1]), set(sys.argv[2:])
names = set()
for t in json.load(sys.stdin):
    cmd = os.path.abspath(t["cmd"][0])
    # built programs only (a test run by bash, e.g. api_docs, has nothing to build)
    if {s.split(":")[-1] for s in t["suite"]} & suites and cmd.startswith(build + os.sep):
        names.add(os.path.relpath(cmd, build))
print(" ".join(sorted(names)))' "$SAN_BUILD" "${SAN_SUITES[@]}") || san_rc=1
		# shellcheck disable=SC2086
		[ $san_rc -eq 0 ] && { ninja -C "$SAN_BUILD" $targets || san_rc=1; }
	fi
	if [ $san_rc -eq 0 ]; then
		# ASan and UBSan make the programs 2 to 3 times slower than the
		# timeouts in tests/meson.build were set for (stack_tcp_loss took
		# over 300 s under ASan on a loaded 2-core machine)
		sargs=(-C "$SAN_BUILD" --no-rebuild --print-errorlogs --timeout-multiplier 3)
		for s in "${SAN_SUITES[@]}"; do
			sargs+=(--suite "$s")
		done
		ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=0} \
		UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
			meson test "${sargs[@]}" || san_rc=1
	fi
	slog="$SAN_BUILD/meson-logs/testlog.txt"
	read -r sp sf < <(count "$slog")
	iflog="$SAN_BUILD/interop-asan.log"
	rm -f "$iflog"
	if [ $san_rc -eq 0 ] && [ "$(id -u)" -eq 0 ] && [ "${TERN_SANITIZE_INTEROP:-1}" != 0 ]; then
		meson configure "$SAN_BUILD" -Dexamples=true >/dev/null &&
			ninja -C "$SAN_BUILD" examples/l4fwd/tern-l4fwd examples/l3fwd/tern-l3fwd \
				examples/hello/tern-hello examples/sock_echo/tern-sock-echo ||
			san_rc=1
		sanlogs="$SAN_BUILD/interop-asan-reports"
		rm -rf "$sanlogs"
		mkdir -p "$sanlogs"
		for t in "${SAN_INTEROP[@]}"; do
			[ $san_rc -eq 0 ] || break
			echo "run-tests: interop $t on the sanitizer build"
			ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=0:log_path=$sanlogs/asan" \
			UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$sanlogs/ubsan" \
				bash "$ROOT/tests/interop/test_$t.sh" "$SAN_BUILD" >>"$iflog" 2>&1 ||
				echo "run-tests: interop $t failed on the sanitizer build" | tee -a "$iflog"
		done
		grep -E "^(ok|FAIL|checks):" "$iflog" | grep -v "^ok:" || true
		read -r ip if < <(count "$iflog")
		echo "run-tests: interop on the sanitizer build: $ip passed, $if failed"
		[ "$ip" -eq 0 ] && if=$((if + 1))
		sp=$((sp + ip))
		sf=$((sf + if))
		for r in "$sanlogs"/*; do
			[ -s "$r" ] || continue
			echo "run-tests: sanitizer report $r:"
			head -40 "$r"
			cat "$r" >>"$iflog"
		done
	fi
	# Belt and braces: a sanitizer report is a failure even if a test went on.
	findings=0
	for f in "$slog" "$iflog"; do
		[ -f "$f" ] || continue
		findings=$((findings + $(grep -cE 'runtime error:|ERROR: (Address|Leak)Sanitizer|TERN_ASSERT failed' \
			"$f")))
	done
	echo
	echo "sanitizers: $sp passed, $sf failed, $findings findings"
	if [ "$sp" -eq 0 ] || [ "$findings" -ne 0 ]; then
		san_rc=1
	fi
	[ $san_rc -ne 0 ] && rc=1
	passed=$((passed + sp))
	failed=$((failed + sf + findings))
fi

leftover=0
if ! tern_leftovers "TERN_TEST_RUN=$TERN_TEST_RUN" "the test run"; then
	leftover=1
	rc=1
fi

echo
echo "tests: $passed passed, $failed failed"
[ $leftover -ne 0 ] && echo "run-tests: processes were left behind (listed above)" >&2
if [ $rc -eq 0 ] && [ "$failed" -ne 0 ]; then
	exit 1
fi
exit $rc
