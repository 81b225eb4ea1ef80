#!/usr/bin/env bash
# tools/testpmd-memif.sh: dpdk-testpmd on one end of a net_memif pair,
# tern-l4fwd on the other, in two processes. Prints the packet rates testpmd
# counts (its per-second Rx-pps / Tx-pps, median over the run), tern-l4fwd's
# final counters, and a machine-readable last line:
#   RESULT workload=testpmd-memif-<mode> testpmd_tx_mpps=<x> testpmd_rx_mpps=<x>
# Kills both processes and removes the memif socket on exit, also on failure
# or Ctrl-C. See docs/benchmarks.md for what each mode measures.
set -u

usage() {
	cat <<'EOF'
Usage: tools/testpmd-memif.sh [options]

dpdk-testpmd (memif client) against tern-l4fwd (memif server), one process
each, no hugepages, no PCI.

  --testpmd-mode MODE  what testpmd does (default flowgen):
      flowgen  testpmd sends UDP to tern-l4fwd --mode echo and counts the
               echoes coming back (testpmd's flowgen polls RX; txonly does
               not). Addresses are testpmd 22.11's fixed flowgen ones:
               10.254.0.0:1000 -> tern 10.253.0.0:1001 (tern gets /14).
      txonly   testpmd sends UDP to tern-l4fwd --mode echo at 10.0.0.1:7000;
               testpmd never reads its RX queue in this mode, so its RX-pps is
               0 by construction: the echoes show only in tern-l4fwd's
               counters. Measures how fast tern takes datagrams off the ring.
      rxonly   tern-l4fwd --mode tx sends UDP to testpmd (10.0.0.2:9000),
               testpmd counts what arrives.
  --seconds N          measured seconds (default 10)
  --size N             UDP payload bytes, 18..1472 (default 64: 106-byte frames)
  --build DIR          tern build directory (default: build/ of this checkout)
  --peer tern|testpmd|tern-l3fwd|dpdk-l3fwd
                       what sits on the memif server end (default tern).
                       testpmd: a second dpdk-testpmd in tern-l4fwd's place, as
                       the baseline for the same run on the same machine: a
                       5tswap reflector (swaps MACs, IPs and UDP ports: a UDP
                       echo without a stack) for flowgen and txonly, a txonly
                       sender for rxonly. Report tern's figure as a ratio of it.
                       tern-l3fwd / dpdk-l3fwd (flowgen only): a router sends
                       testpmd's datagrams back out of the port they came in
                       on, to testpmd's MAC: tern-l3fwd with a route to
                       10.253.0.0/16 out of port 0 and a static neighbor, or
                       DPDK's own l3fwd example (--dpdk-l3fwd PATH; its
                       LPM table has no route for 10.253.0.0, and it sends
                       what it cannot route back out of the input port, to
                       --eth-dest). The same generator, link and CPUs for both.
  --dpdk-l3fwd PATH    the dpdk-l3fwd binary for --peer dpdk-l3fwd (built at
                       bench time by tools/build-dpdk-l3fwd.sh)
  --tx-hold US         tern-l4fwd / tern-l3fwd --tx-hold US: output in bursts
                       of 32 or after US microseconds (DPDK's l3fwd: 100 us)
  --keep-logs          keep the log directory (kept anyway on failure)
  -h, --help           this text

CPU layout (2 cores): tern-l4fwd -l 0 (its main lcore polls, CPU 0);
testpmd --lcores 0@1,1@1 (main lcore 0 and forwarding lcore 1 both on CPU 1;
the main lcore only waits for commands). A testpmd peer takes CPU 0 the same
way (--lcores 0@0,1@0).

tern answers ARP but dpdk-testpmd does not, and tern learns no neighbor from
plain IP packets. If tern-l4fwd has a --neigh IP,MAC option it is given
testpmd's address; otherwise the script warms up with testpmd's icmpecho
engine (which answers any ARP request and ping): one burst of datagrams
("start tx_first") makes tern resolve testpmd, then the measured engine
starts. A learned entry lasts 90 s (30 s reachable + 60 s stale), so without
--neigh the run is limited to 80 s.

Exit status: 0 if traffic came back (testpmd RX for flowgen and rxonly;
for txonly tern-l4fwd's rx and echo counters, or the testpmd peer's RX),
1 if not or on failure, 2 on bad options.
EOF
}

DURATION=10
MODE=flowgen
SIZE=64
BUILD=$(cd "$(dirname "$0")/.." && pwd)/build
KEEP=0
PEER=tern
DPDK_L3FWD=
TX_HOLD=
while [ $# -gt 0 ]; do
	case "$1" in
	--seconds) DURATION=${2:-}; shift 2 || { usage >&2; exit 2; } ;;
	--seconds=*) DURATION=${1#*=}; shift ;;
	--testpmd-mode) MODE=${2:-}; shift 2 || { usage >&2; exit 2; } ;;
	--testpmd-mode=*) MODE=${1#*=}; shift ;;
	--size) SIZE=${2:-}; shift 2 || { usage >&2; exit 2; } ;;
	--size=*) SIZE=${1#*=}; shift ;;
	--build) BUILD=${2:-}; shift 2 || { usage >&2; exit 2; } ;;
	--build=*) BUILD=${1#*=}; shift ;;
	--peer) PEER=${2:-}; shift 2 || { usage >&2; exit 2; } ;;
	--peer=*) PEER=${1#*=}; shift ;;
	--dpdk-l3fwd) DPDK_L3FWD=${2:-}; shift 2 || { usage >&2; exit 2; } ;;
	--tx-hold) TX_HOLD=${2:-}; shift 2 || { usage >&2; exit 2; } ;;
	--keep-logs) KEEP=1; shift ;;
	-h|--help) usage; exit 0 ;;
	*) echo "testpmd-memif: unknown option '$1' (see --help)" >&2; exit 2 ;;
	esac
done

P=testpmd-memif
die() { echo "$P: $*" >&2; exit 1; }
case "$DURATION" in ''|*[!0-9]*) echo "$P: --seconds wants a whole number" >&2; exit 2 ;; esac
case "$SIZE" in ''|*[!0-9]*) echo "$P: --size wants a whole number" >&2; exit 2 ;; esac
case "$TX_HOLD" in *[!0-9]*) echo "$P: --tx-hold wants a whole number" >&2; exit 2 ;; esac
DURATION=$((10#$DURATION)) SIZE=$((10#$SIZE))
if [ "$DURATION" -lt 1 ]; then echo "$P: --seconds must be at least 1" >&2; exit 2; fi
if [ "$SIZE" -lt 18 ] || [ "$SIZE" -gt 1472 ]; then
	echo "$P: --size must be 18..1472 (a 60..1514-byte frame, no fragments)" >&2
	exit 2
fi
case "$MODE" in
flowgen|txonly|rxonly) ;;
io|5tswap|macswap|mac)
	echo "$P: --testpmd-mode $MODE only forwards what it receives, here tern's echoes" \
	     "back to tern: nothing to measure. Use flowgen (sends and counts the echoes)," \
	     "txonly or rxonly" >&2
	exit 2 ;;
*) echo "$P: --testpmd-mode must be flowgen, txonly or rxonly" >&2; exit 2 ;;
esac

case "$PEER" in
tern|testpmd) ;;
tern-l3fwd|dpdk-l3fwd)
	[ "$MODE" = flowgen ] || { echo "$P: --peer $PEER needs --testpmd-mode flowgen" >&2; exit 2; } ;;
*) echo "$P: --peer must be tern, testpmd, tern-l3fwd or dpdk-l3fwd" >&2; exit 2 ;;
esac
WORKLOAD=testpmd-memif-$MODE
[ "$PEER" = testpmd ] && WORKLOAD=$WORKLOAD-testpmd-peer
[ "$PEER" = tern-l3fwd ] || [ "$PEER" = dpdk-l3fwd ] && WORKLOAD=$WORKLOAD-$PEER
PEER_NAME=tern-l4fwd
[ "$PEER" = testpmd ] && PEER_NAME="testpmd peer"
[ "$PEER" = tern-l3fwd ] && PEER_NAME=tern-l3fwd
[ "$PEER" = dpdk-l3fwd ] && PEER_NAME=dpdk-l3fwd
L3FWD="$BUILD/examples/l3fwd/tern-l3fwd"

L4FWD="$BUILD/examples/l4fwd/tern-l4fwd"
TESTPMD=$(command -v dpdk-testpmd) ||
	die "dpdk-testpmd not found: it is in Debian's dpdk-dev package (apt-get install dpdk-dev)"
if [ "$PEER" = tern ]; then
	[ -x "$L4FWD" ] || die "$L4FWD not built (ninja -C $BUILD)"
fi
if [ "$PEER" = tern-l3fwd ]; then
	[ -x "$L3FWD" ] || die "$L3FWD not built (ninja -C $BUILD)"
fi
if [ "$PEER" = dpdk-l3fwd ]; then
	[ -x "$DPDK_L3FWD" ] || die "--peer dpdk-l3fwd needs --dpdk-l3fwd PATH (tools/build-dpdk-l3fwd.sh)"
fi
command -v stdbuf >/dev/null || die "stdbuf (coreutils) not found"

# ---- addresses ---------------------------------------------------------------
# Fixed MACs on both memif ends (memif picks random ones otherwise). In
# flowgen mode testpmd 22.11 hardcodes the frame: 00:01:02:03:04:00 ->
# 00:01:02:03:04:01, 10.254.0.0:1000 -> 10.253.0.0:1001, and its length is
# --txpkts minus 4 (an FCS it assumes). Other modes use --eth-peer, --tx-ip,
# --tx-udp, and --txpkts is the whole frame.
L4_MAC=00:01:02:03:04:01
TP_MAC=00:01:02:03:04:00
if [ "$MODE" = flowgen ]; then
	L4_IP=10.253.0.0 L4_PLEN=14 L4_PORT=1001 TP_IP=10.254.0.0 TP_PORT=1000
	TXPKTS=$((SIZE + 42 + 4))
else
	L4_IP=10.0.0.1 L4_PLEN=24 L4_PORT=7000 TP_IP=10.0.0.2 TP_PORT=9000
	TXPKTS=$((SIZE + 42))
fi
FRAME=$((SIZE + 42))

# ---- scratch, processes, cleanup -------------------------------------------
WORK=$(mktemp -d /tmp/testpmd-memif.XXXXXX) || die "mktemp failed"
TAG=tpm$$
SOCK="$WORK/memif.sock"
FIFO="$WORK/testpmd.cmd"
L4_LOG="$WORK/l4fwd.log"
TP_LOG="$WORK/testpmd.log"
L4_PREFIX=${TAG}l4
TP_PREFIX=${TAG}tp
L4_PID=
TP_PID=
OK=0

stop_pid() {	# stop_pid PID SIGNAL NAME: signal, wait up to 10 s, then SIGKILL
	local pid=$1 sig=$2 name=$3
	[ -n "$pid" ] || return 0
	kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
	kill -"$sig" "$pid" 2>/dev/null
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -KILL "$pid" 2>/dev/null; then
		echo "$P: $name (pid $pid) did not exit 10 s after SIG$sig: killed" >&2
	fi
	wait "$pid" 2>/dev/null
	local st=$?
	if [ "$st" -gt 128 ] && [ "$st" -ne 137 ]; then
		echo "$P: $name (pid $pid) died of signal $((st - 128))" >&2
	fi
	return 0
}

cleanup() {
	local rc=$?
	# The memif server first: a memif port whose peer leaves while it is
	# being polled can crash (DPDK 22.11), and the server is the one that
	# polls hardest.
	stop_pid "$L4_PID" INT "$PEER_NAME"
	{ exec 3>&-; } 2>/dev/null
	stop_pid "$TP_PID" INT testpmd
	TP_PID='' L4_PID=''
	rm -f "$SOCK" "$FIFO"
	local run
	for run in /var/run/dpdk "${XDG_RUNTIME_DIR:-/tmp}/dpdk"; do
		rm -rf "${run:?}/${L4_PREFIX:?}" "${run:?}/${TP_PREFIX:?}" 2>/dev/null
	done
	if { [ "$OK" -eq 1 ] && [ "$KEEP" -eq 0 ]; } || [ -z "$(ls -A "$WORK" 2>/dev/null)" ]; then
		rm -rf "$WORK"
	else
		echo "$P: logs kept in $WORK" >&2
	fi
	return $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
	echo "$P: $*" >&2
	if [ -s "$L4_LOG" ]; then echo "---- $PEER_NAME log (tail)" >&2; tail -20 "$L4_LOG" >&2; fi
	if [ -s "$TP_LOG" ]; then echo "---- testpmd log (tail)" >&2; tail -20 "$TP_LOG" >&2; fi
	exit 1
}

# Does this tern-l4fwd take a static neighbor (--neigh IP,MAC)?
HAVE_NEIGH=0
if [ "$PEER" = tern ] && "$L4FWD" --no-huge -m 64 --no-pci --file-prefix "${TAG}h" --log-level='*:error' \
	-- --help 2>/dev/null | grep -q -- '--neigh'; then
	HAVE_NEIGH=1
fi
for run in /var/run/dpdk "${XDG_RUNTIME_DIR:-/tmp}/dpdk"; do rm -rf "${run:?}/${TAG:?}h" 2>/dev/null; done
WARMUP=0
[ "$PEER" = tern ] && [ "$HAVE_NEIGH" -eq 0 ] && WARMUP=1
if [ "$WARMUP" -eq 1 ] && [ "$DURATION" -gt 80 ]; then
	die "--seconds $DURATION: without tern-l4fwd --neigh the ARP-learned entry for testpmd" \
	    "expires after 90 s; use --seconds 80 or less"
fi

# ---- the memif server: tern-l4fwd, or a testpmd peer ----------------------
echo "== $P: mode $MODE, ${SIZE}-byte UDP payload (${FRAME}-byte frames), ${DURATION} s, peer $PEER"
SRV_VDEV="net_memif0,role=server,id=0,socket=$SOCK,socket-abstract=no,mac=$L4_MAC"
if [ "$PEER" = tern ]; then
	L4_EAL=(-l 0 --no-huge -m 512 --no-pci --file-prefix "$L4_PREFIX" --log-level='*:notice'
		--vdev "$SRV_VDEV")
	L4_ARGS=(--proto udp --addr "$L4_IP/$L4_PLEN" --lport "$L4_PORT" --stats-interval 1)
	if [ "$MODE" = rxonly ]; then
		L4_ARGS+=(--mode tx --raddr "$TP_IP" --rport "$TP_PORT" --size "$SIZE")
	else
		L4_ARGS+=(--mode echo)
	fi
	[ "$HAVE_NEIGH" -eq 1 ] && L4_ARGS+=(--neigh "$TP_IP,$TP_MAC")
	[ -n "$TX_HOLD" ] && L4_ARGS+=(--tx-hold "$TX_HOLD")
	echo "   tern-l4fwd: $L4FWD ${L4_EAL[*]} -- ${L4_ARGS[*]}"
	"$L4FWD" "${L4_EAL[@]}" -- "${L4_ARGS[@]}" >"$L4_LOG" 2>&1 &
	L4_PID=$!
	READY="tern-l4fwd: ready"
elif [ "$PEER" = tern-l3fwd ]; then
	L4_EAL=(-l 0 --no-huge -m 512 --no-pci --file-prefix "$L4_PREFIX" --log-level='*:notice'
		--vdev "$SRV_VDEV")
	L4_ARGS=(--port 0,addr=10.252.0.1/16 --route 10.253.0.0/16,dev=0
		 --neigh "$TP_IP,$TP_MAC,dev=0" --neigh "$L4_IP,$TP_MAC,dev=0" --stats-interval 1)
	[ -n "$TX_HOLD" ] && L4_ARGS+=(--tx-hold "$TX_HOLD")
	echo "   tern-l3fwd: $L3FWD ${L4_EAL[*]} -- ${L4_ARGS[*]}"
	"$L3FWD" "${L4_EAL[@]}" -- "${L4_ARGS[@]}" >"$L4_LOG" 2>&1 &
	L4_PID=$!
	READY="tern-l3fwd: ready"
elif [ "$PEER" = dpdk-l3fwd ]; then
	# --parse-ptype: memif sets no packet type; -P: promiscuous
	L4_EAL=(-l 0 --no-huge -m 512 --no-pci --file-prefix "$L4_PREFIX" --log-level='*:notice'
		--vdev "$SRV_VDEV")
	L4_ARGS=(-p 0x1 -P --config "(0,0,0)" --parse-ptype --eth-dest "0,$TP_MAC")
	echo "   dpdk-l3fwd: $DPDK_L3FWD ${L4_EAL[*]} -- ${L4_ARGS[*]}"
	stdbuf -oL "$DPDK_L3FWD" "${L4_EAL[@]}" -- "${L4_ARGS[@]}" </dev/null >"$L4_LOG" 2>&1 &
	L4_PID=$!
	# it waits for the link (testpmd) before its main loop
	READY="Checking link status"
else
	# Non-interactive (--stats-period keeps it running until SIGINT).
	L4_EAL=(--lcores "0@0,1@0" --no-huge -m 512 --no-pci --file-prefix "$L4_PREFIX"
		--log-level='*:notice' --vdev "$SRV_VDEV")
	L4_ARGS=(--nb-cores=1 --total-num-mbufs=16384 --stats-period=1)
	if [ "$MODE" = rxonly ]; then
		L4_ARGS+=(--forward-mode=txonly --eth-peer="0,$TP_MAC" --tx-ip="$L4_IP,$TP_IP"
			  --tx-udp="$L4_PORT,$TP_PORT" --txpkts="$FRAME")
	else
		L4_ARGS+=(--forward-mode=5tswap)
	fi
	echo "   testpmd peer: dpdk-testpmd ${L4_EAL[*]} -- ${L4_ARGS[*]}"
	stdbuf -oL "$TESTPMD" "${L4_EAL[@]}" -- "${L4_ARGS[@]}" </dev/null >"$L4_LOG" 2>&1 &
	L4_PID=$!
	READY="packet forwarding - ports="
fi
for _ in $(seq 150); do
	grep -q "$READY" "$L4_LOG" 2>/dev/null && [ -S "$SOCK" ] && break
	kill -0 "$L4_PID" 2>/dev/null || fail "$PEER_NAME exited early"
	sleep 0.1
done
grep -q "$READY" "$L4_LOG" || fail "$PEER_NAME not ready after 15 s"
[ -S "$SOCK" ] || fail "memif socket $SOCK did not appear"
if [ "$PEER" = tern ]; then
	mac=$(sed -n 's/^tern-l4fwd: port 0 mac \([0-9A-Fa-f:]*\).*/\1/p' "$L4_LOG" | head -1)
elif [ "$PEER" = tern-l3fwd ] || [ "$PEER" = dpdk-l3fwd ]; then
	mac=$L4_MAC		# set on the vdev
else
	mac=$(sed -n 's/^Port 0: \([0-9A-Fa-f:]*\).*/\1/p' "$L4_LOG" | head -1)
fi
[ -n "$mac" ] || fail "$PEER_NAME printed no MAC"
L4_MAC=$(echo "$mac" | tr 'A-F' 'a-f')
if [ "$PEER" = tern ]; then
	echo "   tern-l4fwd ready: mac $L4_MAC, $L4_IP/$L4_PLEN udp port $L4_PORT," \
	     "neighbor for testpmd: $([ "$HAVE_NEIGH" -eq 1 ] && echo "--neigh" || echo "ARP warm-up")"
elif [ "$PEER" != testpmd ]; then
	echo "   $PEER_NAME ready: mac $L4_MAC, routing $L4_IP back to $TP_MAC"
else
	echo "   testpmd peer ready: mac $L4_MAC"
fi

# ---- dpdk-testpmd (memif client), interactive, commands through a FIFO ------
TP_EAL=(--lcores "0@1,1@1" --no-huge -m 512 --no-pci --file-prefix "$TP_PREFIX"
	--log-level='*:notice'
	--vdev "net_memif0,role=client,id=0,socket=$SOCK,socket-abstract=no,mac=$TP_MAC")
TP_ARGS=(-i --nb-cores=1 --total-num-mbufs=16384 --forward-mode=icmpecho
	--eth-peer="0,$L4_MAC" --tx-ip="$TP_IP,$L4_IP" --tx-udp="$TP_PORT,$L4_PORT"
	--txpkts="$TXPKTS" --flowgen-flows=1)
echo "   testpmd:    dpdk-testpmd ${TP_EAL[*]} -- ${TP_ARGS[*]}"
mkfifo "$FIFO" || fail "mkfifo failed"
stdbuf -oL "$TESTPMD" "${TP_EAL[@]}" -- "${TP_ARGS[@]}" <"$FIFO" >"$TP_LOG" 2>&1 &
TP_PID=$!
exec 3>"$FIFO"

cmd() {	# send testpmd commands, one per argument
	local c
	for c in "$@"; do
		kill -0 "$TP_PID" 2>/dev/null || fail "testpmd exited (before '$c')"
		printf '%s\n' "$c" >&3
	done
}
# wait_log PATTERN TENTHS [FROM_BYTE]: PATTERN in testpmd's log (past FROM_BYTE)?
wait_log() {
	local pat=$1 n=$2 from=${3:-0}
	for _ in $(seq "$n"); do
		tail -c +"$((from + 1))" "$TP_LOG" 2>/dev/null | grep -q -- "$pat" && return 0
		kill -0 "$TP_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
log_size() { stat -c %s "$TP_LOG" 2>/dev/null || echo 0; }
# last_rx_packets: RX-packets of the last "show port stats" block after FROM_BYTE
last_rx_packets() {
	tail -c +"$(($1 + 1))" "$TP_LOG" | awk '/RX-packets:/ && /RX-missed:/ { v = $2 } END { print v + 0 }'
}

wait_log "Checking link statuses" 200 || fail "testpmd did not start"
up=0
for _ in $(seq 20); do
	off=$(log_size)
	cmd "show port info 0"
	if wait_log "Link status: " 20 "$off"; then
		if tail -c +"$((off + 1))" "$TP_LOG" | grep -q "Link status: up"; then
			up=1
			break
		fi
	fi
	sleep 0.5
done
[ "$up" -eq 1 ] || fail "memif link did not come up"

# ---- warm-up: let tern resolve testpmd's MAC (icmpecho answers ARP) ---------
if [ "$WARMUP" -eq 1 ]; then
	resolved=0
	if [ "$MODE" = rxonly ]; then
		# tern-l4fwd --mode tx pings testpmd until it has a MAC, then sends.
		off=$(log_size)
		cmd "start"
		for _ in $(seq 20); do
			sleep 0.5
			o2=$(log_size)
			cmd "show port stats 0"
			wait_log "Tx-pps" 20 "$o2" || break
			if [ "$(last_rx_packets "$o2")" -ge 1000 ]; then resolved=1; break; fi
		done
	else
		# One burst of datagrams from testpmd; tern holds its echoes, asks
		# for testpmd's MAC, and sends them once icmpecho has answered.
		cmd "set verbose 1"
		for _ in 1 2 3; do
			off=$(log_size)
			cmd "start tx_first"
			if wait_log "proto=17 (UDP)" 30 "$off"; then resolved=1; fi
			cmd "stop"
			wait_log "Done." 50 "$off"
			[ "$resolved" -eq 1 ] && break
		done
		cmd "set verbose 0"
	fi
	if [ "$MODE" = rxonly ]; then
		off=$(log_size)
		cmd "stop"
		wait_log "Done." 50 "$off"
	fi
	[ "$resolved" -eq 1 ] || fail "warm-up: tern did not resolve testpmd's MAC (no traffic back)"
	echo "   warm-up: tern resolved $TP_IP -> $TP_MAC through testpmd's icmpecho ARP replies"
fi

# ---- the measured run ------------------------------------------------------------
off=$(log_size)
cmd "set fwd $MODE" "clear port stats all" "start"
wait_log "packet forwarding - ports=" 50 "$off" || fail "testpmd did not start forwarding"
sleep 1					# ramp up; not measured
RUN_OFF=$(log_size)
cmd "show port stats 0"			# baseline: its rates are not used
t0=$(date +%s.%N)
for _ in $(seq "$DURATION"); do
	sleep 1
	cmd "show port stats 0"
done
t1=$(date +%s.%N)
# every show printed (DURATION + 1 blocks) before the stop
for _ in $(seq 100); do
	[ "$(tail -c +"$((RUN_OFF + 1))" "$TP_LOG" | grep -c "Tx-pps:")" -gt "$DURATION" ] && break
	sleep 0.05
done
off=$(log_size)
cmd "stop"
wait_log "Done." 100 "$off" || fail "testpmd did not stop"
STOP_OFF=$off
# Stop the server while testpmd's port is idle but still connected: in DPDK
# 22.11 a memif port whose peer disconnects while it is being polled can
# crash in librte_net_memif (seen: tern-l4fwd, SIGSEGV, when testpmd quit
# first). Then testpmd sees the link go down with forwarding stopped.
stop_pid "$L4_PID" INT "$PEER_NAME"
L4_PID=
cmd "quit"
exec 3>&-
for _ in $(seq 100); do kill -0 "$TP_PID" 2>/dev/null || break; sleep 0.1; done
stop_pid "$TP_PID" INT testpmd
TP_PID=

# ---- results --------------------------------------------------------------------
# Per-second rates: the "Throughput (since last show)" of each show after the
# baseline (testpmd times them with the TSC), and the counters of the last one.
RATES=$(tail -c +"$((RUN_OFF + 1))" "$TP_LOG" | head -c "$((STOP_OFF - RUN_OFF))" | awk '
	BEGIN { n = 0; m = 0 }
	/Rx-pps:/ { rx[n] = $2 }
	/Tx-pps:/ { tx[n] = $2; n++ }
	/RX-packets:/ && /RX-missed:/ { rxp[m] = $2 }
	/TX-packets:/ && /TX-errors:/ { txp[m] = $2; m++ }
	END {
		for (i = 1; i < n; i++) print "rate", rx[i], tx[i]
		if (m > 0) print "count", rxp[0], txp[0], rxp[m - 1], txp[m - 1]
	}')
echo
echo "== testpmd, per second (port 0, since the previous second)"
echo "$RATES" | awk '$1 == "rate" { printf "   %3d s  Rx-pps %10d  Tx-pps %10d\n", ++i, $2, $3 }'
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
rx_med=$(echo "$RATES" | awk '$1 == "rate" { print $2 }' | median)
tx_med=$(echo "$RATES" | awk '$1 == "rate" { print $3 }' | median)
read -r _ rx0 tx0 rx1 tx1 <<<"$(echo "$RATES" | awk '$1 == "count"')"
rx0=${rx0:-0} tx0=${tx0:-0} rx1=${rx1:-0} tx1=${tx1:-0}
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
avg() { awk -v d="$1" -v s="$secs" 'BEGIN { if (s > 0) printf "%.3f", d / s / 1e6; else print "0" }'; }
rx_avg=$(avg $((rx1 - rx0)))
tx_avg=$(avg $((tx1 - tx0)))
mpps() { awk -v v="$1" 'BEGIN { printf "%.3f", v / 1e6 }'; }
RX_MPPS=$(mpps "$rx_med")
TX_MPPS=$(mpps "$tx_med")
fwd=$(tail -c +"$((STOP_OFF + 1))" "$TP_LOG" | grep -A3 "Accumulated forward statistics" |
	awk '/RX-packets:/ { r = $2 } /TX-packets:/ { t = $2; d = $4 }
	     END { printf "rx %d, tx %d, tx dropped (ring full) %d", r, t, d }')

echo
echo "== testpmd: median of ${DURATION} one-second rates: TX $TX_MPPS Mpps, RX $RX_MPPS Mpps"
echo "   counters over ${secs} s (wall clock): TX $((tx1 - tx0)) pkts = $tx_avg Mpps," \
     "RX $((rx1 - rx0)) pkts = $rx_avg Mpps"
echo "   forward totals since start: $fwd"
case "$MODE" in
flowgen) echo "   (RX = the echoes coming back; TX = datagrams the memif ring took)" ;;
txonly)	 echo "   (txonly never polls RX: RX is 0 by construction; the echoes show in the peer counters)" ;;
rxonly)	 echo "   (RX = what the peer sent; testpmd sends nothing in rxonly)" ;;
esac
echo
if [ "$PEER" = tern ]; then
	echo "== tern-l4fwd (whole run, warm-up included)"
	grep -E "^tern-l4fwd: (final|ipv4|[0-9.]+ s:|  drops:)" "$L4_LOG" | tail -4 | sed 's/^/   /'
	grep -A40 "counters (final):" "$L4_LOG" | grep -E "^  (rx_pkts|tx_pkts|drop_)" | sed 's/^/   /'
	l4_rx=$(sed -n 's/^tern-l4fwd: final rx_dgrams=\([0-9]*\) tx_dgrams=\([0-9]*\).*/\1/p' "$L4_LOG")
	l4_tx=$(sed -n 's/^tern-l4fwd: final rx_dgrams=\([0-9]*\) tx_dgrams=\([0-9]*\).*/\2/p' "$L4_LOG")
	[ -n "$l4_rx" ] || echo "$P: tern-l4fwd printed no final counters" >&2
elif [ "$PEER" = tern-l3fwd ]; then
	echo "== tern-l3fwd (whole run)"
	grep -E "^tern-l3fwd: ([0-9.]+ s,|port 0:)" "$L4_LOG" | sed 's/^/   /'
	grep -A60 "counters (final" "$L4_LOG" | grep -E "^  (fwd4_pkts|drop_)" | sed 's/^/   /'
elif [ "$PEER" = dpdk-l3fwd ]; then
	echo "== dpdk-l3fwd: no counters of its own (see testpmd's)"
else
	# memif zeroes its counters when the link goes down (testpmd quit
	# first), so take the largest of the per-second port counters.
	echo "== testpmd peer (whole run, from its last per-second port counters)"
	peer=$(awk '/RX-packets:/ && /RX-missed:/ { if ($2 > r) r = $2 }
		    /TX-packets:/ && /TX-errors:/ { if ($2 > t) t = $2 }
		    /Accumulated forward statistics/ { acc = 1 }
		    acc && /TX-dropped:/ { d = $4; acc = 0 }
		    END { printf "%d %d %d", r, t, d }' "$L4_LOG")
	read -r l4_rx l4_tx l4_drop <<<"$peer"
	echo "   rx $l4_rx, tx $l4_tx, tx dropped (ring full) $l4_drop"
fi

came_back=0
case "$MODE" in
flowgen|rxonly) [ $((rx1 - rx0)) -gt 0 ] && came_back=1 ;;
txonly)	[ "${l4_rx:-0}" -gt 0 ] && [ "${l4_tx:-0}" -gt 0 ] && came_back=1 ;;
esac
echo
if [ "$came_back" -eq 1 ]; then
	OK=1
else
	echo "$P: FAILED: nothing came back" >&2
fi
echo "RESULT workload=$WORKLOAD testpmd_tx_mpps=$TX_MPPS testpmd_rx_mpps=$RX_MPPS"
[ "$OK" -eq 1 ]
