#!/usr/bin/env bash
# tools/bench-l3fwd-callgrind.sh [BUILD_DIR] [SECONDS] [ROUTER...]: instructions
# per forwarded packet of each router on the l3fwd memif harness, counted
# exactly by callgrind (no timing: repeatable on a busy machine).
#
# The harness of tools/bench-l3fwd.sh (dpdk-testpmd flowgen, 64-byte frames,
# on the client end of a memif pair; the router on the server end sending
# every packet back), with the router under `valgrind --tool=callgrind`,
# collecting only inside its forwarding loop (tern-l3fwd: worker_main;
# DPDK's l3fwd: lpm_main_loop), so the memif PMD's rx and tx (the copies in
# and out of the ring, the mbufs) count for both: the difference is what
# each router does per packet. With callgrind_control the counters are
# zeroed and dumped twice: 3 s with the link up and no traffic (the cost of
# an idle poll: instructions over the loop's calls into the PMD's rx), then,
# once testpmd has sent for 2 s, SECONDS of traffic, divided by the packets
# testpmd got back in that window (its RX-packets, read right after each).
# Polls beyond one per 32 packets are taken out at the idle cost.
# Callgrind slows the router some 50 times, so on a quiet machine testpmd
# keeps its ring full and every poll is a full burst (the poll counts
# printed say whether it did). On a loaded one testpmd runs in bursts, most
# polls find nothing, and the figures move by 100 instructions from run to
# run (docs/l3fwd.md). TP_NICE=N runs testpmd under nice -n N.
# ROUTER: tern-l3fwd and/or dpdk-l3fwd (default both). Prints per router
# the instructions, packets and polls, the figure per forwarded packet, its
# top functions (inclusive, per packet, raw), and a last line:
#   RESULT workload=l3fwd-callgrind tern_ir_per_pkt=... dpdk_ir_per_pkt=...
# KEEP=1 keeps the callgrind files and logs (in /tmp/l3fwd-cg.*).
set -u
BUILD=${1:-build}
SECS=${2:-10}
shift 2 2>/dev/null || shift $#
ROUTERS=("$@")
[ ${#ROUTERS[@]} -eq 0 ] && ROUTERS=(tern-l3fwd dpdk-l3fwd)
HERE=$(cd "$(dirname "$0")" && pwd)
P=bench-l3fwd-callgrind
die() { echo "$P: $*" >&2; exit 1; }
command -v valgrind >/dev/null || die "valgrind not found"
command -v callgrind_control >/dev/null || die "callgrind_control not found (valgrind)"
TESTPMD=$(command -v dpdk-testpmd) || die "dpdk-testpmd not found (dpdk-dev)"
L3FWD="$BUILD/examples/l3fwd/tern-l3fwd"
for r in "${ROUTERS[@]}"; do
	case $r in
	tern-l3fwd) [ -x "$L3FWD" ] || die "$L3FWD not built" ;;
	dpdk-l3fwd) DPDK_L3FWD=$("$HERE/build-dpdk-l3fwd.sh" "$BUILD" | tail -1) ||
			die "could not build DPDK's l3fwd" ;;
	*) echo "$P: router must be tern-l3fwd or dpdk-l3fwd" >&2; exit 2 ;;
	esac
done

RTR_MAC=00:01:02:03:04:01
TP_MAC=00:01:02:03:04:00
WORK=$(mktemp -d /tmp/l3fwd-cg.XXXXXX) || die "mktemp failed"
TAG=l3cg$$
R_PID='' TP_PID=''
stop_pid() {	# PID NAME TIMEOUT_S: SIGINT, wait, then SIGKILL
	local pid=$1 name=$2 t=$3
	[ -n "$pid" ] || return 0
	kill -INT "$pid" 2>/dev/null
	for _ in $(seq $((t * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null && echo "$P: $name did not exit: killed" >&2
	wait "$pid" 2>/dev/null
	return 0
}
cleanup() {
	stop_pid "$R_PID" router 120
	{ exec 3>&-; } 2>/dev/null
	stop_pid "$TP_PID" testpmd 10
	for run in /var/run/dpdk "${XDG_RUNTIME_DIR:-/tmp}/dpdk"; do
		rm -rf "${run:?}/${TAG:?}"* 2>/dev/null
	done
	[ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# one router under callgrind: prints "INSTR PKTS"
measure() {
	local router=$1 sock="$WORK/memif-$1.sock" rlog="$WORK/$1.log" tlog="$WORK/tp-$1.log"
	local fifo="$WORK/tp-$1.cmd" fn ready
	local eal=(-l 0 --no-huge -m 512 --no-pci --file-prefix "${TAG}r$router" --log-level='*:notice'
		   --vdev "net_memif0,role=server,id=0,socket=$sock,socket-abstract=no,mac=$RTR_MAC")
	local vg=(valgrind --tool=callgrind --fair-sched=yes --compress-strings=no --compress-pos=no
		  --callgrind-out-file="$WORK/cg-$router.%p")
	if [ "$router" = tern-l3fwd ]; then
		fn=worker_main ready="tern-l3fwd: ready"
		"${vg[@]}" --toggle-collect=$fn "$L3FWD" "${eal[@]}" -- \
			--port 0,addr=10.252.0.1/16 --route 10.253.0.0/16,dev=0 \
			--neigh "10.254.0.0,$TP_MAC,dev=0" --neigh "10.253.0.0,$TP_MAC,dev=0" \
			>"$rlog" 2>&1 &
	else
		fn=lpm_main_loop ready="Checking link status"
		"${vg[@]}" --toggle-collect=$fn "$DPDK_L3FWD" "${eal[@]}" -- \
			-p 0x1 -P --config "(0,0,0)" --parse-ptype --eth-dest "0,$TP_MAC" \
			</dev/null >"$rlog" 2>&1 &
	fi
	R_PID=$!
	for _ in $(seq 1800); do
		grep -q "$ready" "$rlog" 2>/dev/null && [ -S "$sock" ] && break
		kill -0 "$R_PID" 2>/dev/null || { tail -20 "$rlog" >&2; die "$router exited early"; }
		sleep 0.1
	done
	[ -S "$sock" ] || die "$router not ready after 180 s"
	mkfifo "$fifo"
	nice -n "${TP_NICE:-0}" stdbuf -oL "$TESTPMD" --lcores "0@1,1@1" --no-huge -m 512 --no-pci --file-prefix "${TAG}tp" \
		--log-level='*:notice' \
		--vdev "net_memif0,role=client,id=0,socket=$sock,socket-abstract=no,mac=$TP_MAC" -- \
		-i --nb-cores=1 --total-num-mbufs=16384 --forward-mode=flowgen \
		--eth-peer="0,$RTR_MAC" --txpkts=64 --flowgen-flows=1 <"$fifo" >"$tlog" 2>&1 &
	TP_PID=$!
	exec 3>"$fifo"
	cmd() { printf '%s\n' "$@" >&3; }
	wait_log() {	# PATTERN TENTHS FROM_BYTE
		for _ in $(seq "$2"); do
			tail -c +"$(($3 + 1))" "$tlog" | grep -q -- "$1" && return 0
			sleep 0.1
		done
		return 1
	}
	sz() { stat -c %s "$tlog"; }
	rx_now() {	# RX-packets of a fresh "show port stats 0"
		local off
		off=$(sz)
		cmd "show port stats 0"
		wait_log "Tx-pps" 50 "$off" || die "testpmd did not answer"
		tail -c +"$((off + 1))" "$tlog" | awk '/RX-packets:/ { print $2; exit }'
	}
	wait_log "Checking link statuses" 300 0 || die "testpmd did not start"
	local up=0 off
	for _ in $(seq 60); do
		off=$(sz)
		cmd "show port info 0"
		wait_log "Link status: " 20 "$off" &&
			tail -c +"$((off + 1))" "$tlog" | grep -q "Link status: up" && { up=1; break; }
		sleep 0.5
	done
	[ $up -eq 1 ] || die "memif link did not come up"
	# idle: the router polling an empty ring, no traffic yet (dump .1)
	callgrind_control -z "$R_PID" >/dev/null || die "callgrind_control -z failed"
	sleep 3
	callgrind_control -d "$R_PID" >/dev/null || die "callgrind_control -d failed"
	off=$(sz)
	cmd "start"
	wait_log "packet forwarding - ports=" 50 "$off" || die "testpmd did not start"
	sleep 2
	# traffic (dump .2)
	callgrind_control -z "$R_PID" >/dev/null || die "callgrind_control -z failed"
	local rx0 rx1
	rx0=$(rx_now)
	sleep "$SECS"
	callgrind_control -d "$R_PID" >/dev/null || die "callgrind_control -d failed"
	rx1=$(rx_now)
	[ -n "$rx0" ] && [ -n "$rx1" ] || die "could not read testpmd's counters"
	off=$(sz)
	cmd "stop"
	wait_log "Done." 100 "$off"
	stop_pid "$R_PID" "$router" 120
	R_PID=''
	cmd "quit"
	exec 3>&-
	stop_pid "$TP_PID" testpmd 10
	TP_PID=''
	local idle busy
	idle=$(ls "$WORK"/cg-"$router".*.1 2>/dev/null | head -1)
	busy=$(ls "$WORK"/cg-"$router".*.2 2>/dev/null | head -1)
	[ -n "$idle" ] && [ -n "$busy" ] || die "no callgrind dumps for $router"
	cp "$busy" "$WORK/$router.callgrind"
	echo "$(cg_sum "$idle" "$fn") $(cg_sum "$busy" "$fn") $((rx1 - rx0))"
}

# cg_sum FILE LOOP_FN: "INSTRUCTIONS POLLS": the dump's total, and the calls
# from the loop (LOOP_FN, or tern_ctx_poll inside it) into the memif PMD:
# its rx function, once per poll (its tx is called from deeper down)
cg_sum() {
	awk -v loop="$2" '
		/^(summary|totals):/ && !ir { ir = $2 }
		/^fn=/ { fn = substr($0, 4); sub(/^\([0-9]+\) */, "", fn); cob = "" }
		/^cob=/ { cob = $0 }
		/^calls=/ { split($1, a, "=")
			if ((fn == loop || fn == loop ".cold" || fn == "tern_ctx_poll") &&
			    cob ~ /memif/) polls += a[2]
			cob = "" }
		END { printf "%d %d\n", ir, polls }' "$1"
}

declare -A IPP
for r in "${ROUTERS[@]}"; do
	measure "$r" >"$WORK/result"
	read -r ir0 po0 ir pk_polls pk <"$WORK/result"
	[ -n "${pk:-}" ] && [ "$pk" -gt 0 ] && [ "${po0:-0}" -gt 0 ] || die "$r: no packets came back"
	# the polls that found nothing cost what an idle poll costs: out
	read -r IPP[$r] RAW idle_cost idle_polls < <(awk -v i0="$ir0" -v p0="$po0" -v i="$ir" \
		-v po="$pk_polls" -v n="$pk" 'BEGIN { c = i0 / p0; busy = int((n + 31) / 32)
		idle = po - busy; if (idle < 0) idle = 0
		printf "%.1f %.1f %.1f %d\n", (i - idle * c) / n, i / n, c, idle }')
	echo "== $r: $ir instructions in its loop over $pk packets back at testpmd" \
	     "(${SECS} s under callgrind): $RAW per packet;"
	echo "   $pk_polls polls, $idle_polls of them beyond one per 32 packets, at $idle_cost" \
	     "each (an idle poll, measured before the traffic: $ir0 instructions, $po0 polls):"
	echo "   ${IPP[$r]} instructions per forwarded packet without them"
	# inclusive, per packet: the loop, the PMD's rx and tx, the router's own work
	callgrind_annotate --inclusive=yes "$WORK/$r.callgrind" 2>/dev/null |
		awk -v p="$pk" '/^ *[0-9][0-9,]* / && !/PROGRAM TOTALS/ && n < 24 {
			v = $1; gsub(",", "", v); f = $0; sub(/^ *[0-9,]+ +(\([^)]*\) +)?/, "", f)
			printf "   %8.1f  %s\n", v / p, f; n++ }'
done
echo "RESULT workload=l3fwd-callgrind tern_ir_per_pkt=${IPP[tern-l3fwd]:-nan}" \
     "dpdk_ir_per_pkt=${IPP[dpdk-l3fwd]:-nan}"
