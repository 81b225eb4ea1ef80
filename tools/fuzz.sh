#!/usr/bin/env bash
# Builds the libFuzzer harnesses of tests/fuzz/ (clang, -Dfuzz=true: ASan,
# UBSan, TERN_ASSERT) in BUILD and runs each for SECONDS, one at a time,
# niced, then prints per harness: executions, coverage (libFuzzer's "cov":
# edges covered; "ft": features), corpus size and crashes.
#
#   fuzz.sh [BUILD [SECONDS [HARNESS...]]]
#
# The corpus grows in BUILD/fuzz-corpus/<harness> (seeded from
# tests/fuzz/corpus/<harness>) and is kept between runs. A crash leaves its
# input in BUILD/fuzz-artifacts/<harness>/; fix it, then copy the input to
# tests/fuzz/regress/<harness>/ so that `make test` replays it. The exit
# code is non-zero if any harness crashed.
set -u
BUILD=${1:-build-fuzz}
SECONDS_EACH=${2:-60}
shift $(( $# > 2 ? 2 : $# ))
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HARNESSES=("$@")
if [ ${#HARNESSES[@]} -eq 0 ]; then
	HARNESSES=(eth arp ip4 ip6 icmp udp tcp_opt tcp tcp_pair)
fi

if [ ! -f "$BUILD/build.ninja" ]; then
	CC=clang meson setup "$BUILD" "$ROOT" -Dfuzz=true -Db_lto=false -Dexamples=false \
		-Dbuildtype=debugoptimized || exit 1
fi
targets=()
for h in "${HARNESSES[@]}"; do
	targets+=("tests/fuzz/fuzz_$h")
done
nice ninja -C "$BUILD" "${targets[@]}" || exit 1

declare -A R_EXEC R_COV R_FT R_CORP R_CRASH R_RATE
crashed=0
for h in "${HARNESSES[@]}"; do
	corp="$BUILD/fuzz-corpus/$h"
	art="$BUILD/fuzz-artifacts/$h"
	log="$BUILD/fuzz-logs/$h.log"
	mkdir -p "$corp" "$art" "$(dirname "$log")"
	# crash-, leak-, timeout-, oom- files; not slow-unit- ones (they are not failures)
	before=$(find "$art" -type f ! -name 'slow-unit-*' | wc -l)
	echo "fuzz: $h for ${SECONDS_EACH}s"
	# -rss_limit_mb: the EAL maps its 256 MB of --no-huge memory up front
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
		nice "$BUILD/tests/fuzz/fuzz_$h" -max_total_time="$SECONDS_EACH" \
		-print_final_stats=1 -rss_limit_mb=4096 -timeout=30 \
		-artifact_prefix="$art/" "$corp" "$ROOT/tests/fuzz/corpus/$h" >"$log" 2>&1
	after=$(find "$art" -type f ! -name 'slow-unit-*' | wc -l)
	R_EXEC[$h]=$(awk '/stat::number_of_executed_units:/ { print $2 }' "$log" | tail -1)
	R_RATE[$h]=$(awk '/stat::average_exec_per_sec:/ { print $2 }' "$log" | tail -1)
	last=$(grep -E '^#[0-9]+' "$log" | grep ' cov: ' | tail -1)
	R_COV[$h]=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
	R_FT[$h]=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
	R_CORP[$h]=$(find "$corp" -type f | wc -l)
	R_CRASH[$h]=$((after - before))
	if [ "${R_CRASH[$h]}" -ne 0 ] || grep -qE '^==[0-9]+==ERROR|runtime error:|TERN_ASSERT failed' "$log"; then
		crashed=1
		[ "${R_CRASH[$h]}" -eq 0 ] && R_CRASH[$h]=1
		echo "fuzz: $h crashed, see $log and $art/"
	fi
done

echo
printf '%-8s %12s %9s %7s %7s %7s %8s\n' harness executions exec/s cov ft corpus crashes
total=0
for h in "${HARNESSES[@]}"; do
	printf '%-8s %12s %9s %7s %7s %7s %8s\n' "$h" "${R_EXEC[$h]:-?}" "${R_RATE[$h]:-?}" \
		"${R_COV[$h]:-?}" "${R_FT[$h]:-?}" "${R_CORP[$h]}" "${R_CRASH[$h]}"
	total=$((total + ${R_EXEC[$h]:-0}))
done
echo "fuzz: $total executions in total, ${SECONDS_EACH}s per harness"
exit $crashed
