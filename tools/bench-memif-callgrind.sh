#!/usr/bin/env bash
# tools/bench-memif-callgrind.sh: instructions per echoed datagram on the
# testpmd <-> memif harness (tools/testpmd-memif.sh, flowgen), counted by
# callgrind: the echo (tern-l4fwd --mode echo, or dpdk-testpmd 5tswap as the
# floor) runs under valgrind as the memif server, with the harness's
# arguments; dpdk-testpmd flowgen runs natively as the client. valgrind
# slows the echo down some 50 times, so testpmd sends far more than it
# takes: the echo's rx bursts are full ones (32), as when the echo is the
# bottleneck of the real run (the script prints the datagrams per round).
#
# First an idle window (no traffic yet: the echo polls empty rings): the
# counters are zeroed (callgrind_control -z), run for 3 s and dumped
# (callgrind_control -d). Then testpmd starts; once traffic flows, the busy
# window: zeroed, --seconds, dumped with traffic still flowing. The busy
# window also holds polls that found the ring empty (testpmd, on a shared
# CPU, does not keep it full all the time); each is charged what an idle
# poll costs and taken off (tools/callgrind-memif.py). The datagrams in the
# busy window:
#   tern:    calls to udp_input (one per datagram; a real function in the
#            release build too)
#   testpmd: testpmd flowgen's RX counter over the window ("show port
#            stats" just after the zero and just after the dump)
# Prints the instructions per datagram (all of them, and with the empty
# polls taken off), split by object (the memif PMD, the echo's own code),
# by stage (the PMD's rx and tx burst calls; tern's input, output, flush,
# the example's loop) and by function. The memif PMD of Debian's DPDK
# carries no symbols: its functions show as addresses; rx is the one an idle
# poll calls, tx the other one called from outside the PMD. A tx call count
# above 1/32 per datagram means testpmd was slow to read its ring and the
# echo's flush tried again (counted in the figures).
#
# Usage: tools/bench-memif-callgrind.sh [--build DIR] [--peer tern|testpmd]
#                                       [--seconds N] [--keep FILE]
set -u
BUILD=$(cd "$(dirname "$0")/.." && pwd)/build
PEER=tern
SECS=10
IDLE=3
KEEP=
while [ $# -gt 0 ]; do
	case "$1" in
	--build) BUILD=$2; shift 2 ;;
	--peer) PEER=$2; shift 2 ;;
	--seconds) SECS=$2; shift 2 ;;
	--keep) KEEP=$2; shift 2 ;;
	-h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d'; exit 0 ;;
	*) echo "bench-memif-callgrind: unknown option $1" >&2; exit 2 ;;
	esac
done
P=bench-memif-callgrind
L4FWD=$BUILD/examples/l4fwd/tern-l4fwd
TESTPMD=$(command -v dpdk-testpmd) || { echo "$P: dpdk-testpmd not found (dpdk-dev)" >&2; exit 1; }
command -v callgrind_control >/dev/null || { echo "$P: valgrind not found" >&2; exit 1; }
case $PEER in
tern) [ -x "$L4FWD" ] || { echo "$P: $L4FWD not built" >&2; exit 1; } ;;
testpmd) ;;
*) echo "$P: --peer tern or testpmd" >&2; exit 2 ;;
esac

WORK=$(mktemp -d /tmp/bench-memif-cg.XXXXXX)
TAG=bmc$$
SOCK=$WORK/memif.sock
FIFO=$WORK/testpmd.cmd
OUT=$WORK/callgrind.out
SRV_LOG=$WORK/server.log
TP_LOG=$WORK/testpmd.log
SRV_PID=
TP_PID=
L4_MAC=00:01:02:03:04:01
TP_MAC=00:01:02:03:04:00

cleanup() {
	[ -n "$SRV_PID" ] && kill -INT "$SRV_PID" 2>/dev/null
	for _ in $(seq 100); do
		[ -n "$SRV_PID" ] && kill -0 "$SRV_PID" 2>/dev/null || break
		sleep 0.2
	done
	[ -n "$SRV_PID" ] && kill -KILL "$SRV_PID" 2>/dev/null
	{ exec 3>&-; } 2>/dev/null
	[ -n "$TP_PID" ] && kill -INT "$TP_PID" 2>/dev/null
	sleep 0.5
	[ -n "$TP_PID" ] && kill -KILL "$TP_PID" 2>/dev/null
	wait 2>/dev/null
	for run in /var/run/dpdk "${XDG_RUNTIME_DIR:-/tmp}/dpdk"; do
		rm -rf "${run:?}/${TAG:?}s" "${run:?}/${TAG:?}c" 2>/dev/null
	done
	[ -n "${BMC_KEEP_LOGS:-}" ] && echo "$P: logs in $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() {
	echo "$P: $*" >&2
	echo "---- server log (tail)" >&2; tail -15 "$SRV_LOG" >&2
	echo "---- testpmd log (tail)" >&2; tail -15 "$TP_LOG" >&2
	exit 1
}

VG=(valgrind --tool=callgrind --callgrind-out-file="$OUT" --collect-atstart=yes)
SRV_EAL=(--no-huge -m 512 --no-pci --file-prefix "${TAG}s" --log-level='*:notice'
	 --vdev "net_memif0,role=server,id=0,socket=$SOCK,socket-abstract=no,mac=$L4_MAC")
if [ "$PEER" = tern ]; then
	"${VG[@]}" "$L4FWD" -l 0 "${SRV_EAL[@]}" -- --proto udp --addr 10.253.0.0/14 \
		--lport 1001 --mode echo --neigh "10.254.0.0,$TP_MAC" --stats-interval 0 \
		>"$SRV_LOG" 2>&1 &
	READY="tern-l4fwd: ready"
else
	"${VG[@]}" "$TESTPMD" --lcores 0@0,1@0 "${SRV_EAL[@]}" -- --nb-cores=1 \
		--total-num-mbufs=16384 --forward-mode=5tswap --stats-period=1 \
		</dev/null >"$SRV_LOG" 2>&1 &
	READY="packet forwarding - ports="
fi
SRV_PID=$!
for _ in $(seq 600); do
	grep -q "$READY" "$SRV_LOG" 2>/dev/null && [ -S "$SOCK" ] && break
	kill -0 "$SRV_PID" 2>/dev/null || fail "the server exited early"
	sleep 0.2
done
[ -S "$SOCK" ] || fail "the server is not ready after 120 s"

TP_EAL=(--lcores "0@1,1@1" --no-huge -m 512 --no-pci --file-prefix "${TAG}c"
	--log-level='*:notice'
	--vdev "net_memif0,role=client,id=0,socket=$SOCK,socket-abstract=no,mac=$TP_MAC")
mkfifo "$FIFO"
stdbuf -oL "$TESTPMD" "${TP_EAL[@]}" -- -i --nb-cores=1 --total-num-mbufs=16384 --forward-mode=flowgen \
	--eth-peer="0,$L4_MAC" --txpkts=110 --flowgen-flows=1 <"$FIFO" >"$TP_LOG" 2>&1 &
TP_PID=$!
exec 3>"$FIFO"
cmd() { printf '%s\n' "$@" >&3; }
up=0
for _ in $(seq 60); do
	cmd "show port info 0"
	sleep 0.5
	grep -q "Link status: up" "$TP_LOG" && { up=1; break; }
	kill -0 "$TP_PID" 2>/dev/null || fail "testpmd exited"
done
[ "$up" -eq 1 ] || fail "memif link did not come up"
# the idle window first: the echo polls empty rings, nothing buffered
sleep 1
callgrind_control -z "$SRV_PID" >/dev/null || fail "callgrind_control -z failed"
sleep "$IDLE"
callgrind_control -d "$SRV_PID" >/dev/null || fail "callgrind_control -d failed"
cmd "start"
sleep 3					# ramp up
callgrind_control -z "$SRV_PID" >/dev/null || fail "callgrind_control -z failed"
cmd "show port stats 0"
sleep "$SECS"
callgrind_control -d "$SRV_PID" >/dev/null || fail "callgrind_control -d failed"
cmd "show port stats 0"
sleep 0.5
cmd "stop"
sleep 0.5
[ -s "$OUT.1" ] && [ -s "$OUT.2" ] || fail "no callgrind dumps"
if [ -n "$KEEP" ]; then cp "$OUT.2" "$KEEP"; cp "$OUT.1" "$KEEP.idle"; fi

# testpmd's RX packets (the echoes) over the busy window
echoes=$(awk '/RX-packets:/ && /RX-missed:/ { v[n++] = $2 } END { if (n >= 2) print v[n-1] - v[n-2]; else print 0 }' "$TP_LOG")

python3 "$(dirname "$0")/callgrind-memif.py" "$OUT.2" "$OUT.1" "$PEER" "$echoes"
