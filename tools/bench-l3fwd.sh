#!/usr/bin/env bash
# tools/bench-l3fwd.sh [BUILD_DIR] [RUNS] [SECONDS]: the l3fwd step of
# `make bench`.
#  a. dpdk-testpmd flowgen (64-byte frames) on one end of a memif pair, a
#     router on the other sending every packet back: tern-l3fwd, then DPDK's
#     own l3fwd example (built now from Debian's dpdk-doc by
#     tools/build-dpdk-l3fwd.sh), taking turns RUNS times on the same
#     harness (tools/testpmd-memif.sh: same generator, link and CPUs), the
#     one that goes first changing every run (ABBA). The packets testpmd
#     gets back per second, median of each run's one-second rates, then the
#     median of the runs; the ratio tern / DPDK of those medians, and the
#     median of each run's own ratio (its two routers back to back).
#  b. tern-bench-l3fwd: TSC cycles per forwarded packet in process, over a
#     ring pair: over the whole run, and in the median burst (a poll the OS
#     did not interrupt: on a loaded machine the run's mean is mostly the
#     time the process was descheduled); and the same with forwarding off.
# Last line: RESULT workload=l3fwd tern_mpps=... dpdk_l3fwd_mpps=... ratio=... run_ratio_median=...
#   cycles_per_pkt=... cycles_per_pkt_median_burst=... tsc_hz=...
set -u
BUILD=${1:-build}
RUNS=${2:-3}
SECS=${3:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
rc=0

DPDK_L3FWD=$("$HERE/build-dpdk-l3fwd.sh" "$BUILD" | tail -1) || {
	echo "bench-l3fwd: could not build DPDK's l3fwd" >&2; exit 1; }
echo "   DPDK l3fwd: $DPDK_L3FWD (built from Debian's dpdk-doc source)"
t_runs=() d_runs=() p_ratios=()
for i in $(seq "$RUNS"); do
	# ABBA: the router that goes first changes every run, so that a drift
	# of the harness over the step weighs on both alike
	if [ $((i % 2)) -eq 1 ]; then order="tern-l3fwd dpdk-l3fwd"; else order="dpdk-l3fwd tern-l3fwd"; fi
	for peer in $order; do
		log=$(mktemp)
		"$HERE/testpmd-memif.sh" --build "$BUILD" --testpmd-mode flowgen --size 18 \
			--seconds "$SECS" --peer "$peer" --dpdk-l3fwd "$DPDK_L3FWD" >"$log" 2>&1
		st=$?
		v=$(sed -n 's/^RESULT .* testpmd_rx_mpps=\([0-9.]*\).*/\1/p' "$log")
		if [ $st -ne 0 ] || [ -z "$v" ]; then
			echo "bench-l3fwd: run $i, $peer failed:" >&2
			tail -30 "$log" >&2
			rc=1
			v=0
		fi
		echo "   run $i: $peer: $v Mpps back at testpmd (median of ${SECS} one-second rates)"
		grep -E "^   (tern-l3fwd: [0-9.]+ s,|  drop_)" "$log" | sed 's/^/   /'
		if [ "$peer" = tern-l3fwd ]; then t_v=$v; t_runs+=("$v"); else d_v=$v; d_runs+=("$v"); fi
		rm -f "$log"
	done
	p_ratios+=("$(awk -v t="$t_v" -v d="$d_v" 'BEGIN { if (d > 0) printf "%.3f", t / d; else print 0 }')")
	echo "   run $i: tern / DPDK = ${p_ratios[-1]}"
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
	END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
T=$(median "${t_runs[@]}")
D=$(median "${d_runs[@]}")
RATIO=$(awk -v t="$T" -v d="$D" 'BEGIN { if (d > 0) printf "%.2f", t / d; else print "nan" }')
PRATIO=$(median "${p_ratios[@]}")
echo "   tern-l3fwd $T Mpps, DPDK l3fwd $D Mpps (medians of $RUNS runs): ratio $RATIO"
echo "   the runs' own ratios (each run's two routers back to back): ${p_ratios[*]}; median $PRATIO"
echo
echo "   in process (tern-bench-l3fwd, one lcore, ring pair):"
inp=$("$BUILD/tools/tern-bench-l3fwd" --no-huge -m 512 --no-pci -l 0 --file-prefix tbl3$$ \
	--log-level='*:warning' -- --runs 5 --seconds 1 2>&1) || rc=1
echo "$inp" | grep -v TELEMETRY | sed 's/^/   /'
CYC=$(echo "$inp" | sed -n 's/^RESULT .* cycles_per_pkt=\([0-9.]*\).*/\1/p')
CYCM=$(echo "$inp" | sed -n 's/^RESULT .*cycles_per_pkt_median_burst=\([0-9.]*\).*/\1/p')
HZ=$(echo "$inp" | sed -n 's/^RESULT .*tsc_hz=\([0-9]*\).*/\1/p')
echo "RESULT workload=l3fwd tern_mpps=$T dpdk_l3fwd_mpps=$D ratio=$RATIO run_ratio_median=$PRATIO" \
     "cycles_per_pkt=${CYC:-nan} cycles_per_pkt_median_burst=${CYCM:-nan} tsc_hz=${HZ:-0}"
exit $rc
