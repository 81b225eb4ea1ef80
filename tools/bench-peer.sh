#!/usr/bin/env bash
# tools/bench-peer.sh: tern-bench --peer (the client alone) against servers in
# other processes, the same client for each:
#   l4fwd   tern-l4fwd over a net_memif pair (tern-l4fwd the memif server on
#           CPU 0, tern-bench the memif client on CPU 1): udp-echo
#           (--proto udp --mode echo), tcp-crr and tcp-rr (--proto tcp
#           --mode echo), tcp-stream (--proto tcp --mode rx, which checks
#           every byte against its TCP pattern, the one tern-bench sends);
#   kernel  the Linux kernel in a network namespace behind tern-bench's TAP
#           port (as root): tcp-crr, tcp-rr, tcp-stream against
#           sock-echo-bsd (examples/sock_echo: epoll, non-blocking sockets;
#           it echoes the stream back too), udp-echo against a python3
#           recvfrom/sendto loop (so that figure is the Python server's as
#           much as the kernel's); the server pinned to CPU 0.
# After each workload it prints the server's own counters; the last lines
# are tern-bench's RESULT lines, the workload renamed peer-W-l4fwd-memif or
# peer-W-kernel-tap (peer-udp-echo-kernel-python-tap).
# Exit status: 0 if every run passed (tern-bench exits 1 when a run did no
# op or an mbuf was not back; this script also fails on errors, timeouts,
# lost datagrams, a server that failed or, for tern-l4fwd, counted an error
# or a stream byte off the pattern); 2 on bad options.
set -u

usage() {
	cat <<'EOF'
Usage: tools/bench-peer.sh [options]
  --build DIR        tern build directory (default: build/ of this checkout)
  --runs N           runs per workload, medians reported (default 3)
  --seconds S        measured seconds per run (default 2)
  --servers LIST     l4fwd, kernel or l4fwd,kernel (default: l4fwd, and
                     kernel too when run as root)
  --workloads LIST   of udp-echo,tcp-crr,tcp-rr,tcp-stream (default: all)
  -h, --help         this text
EOF
}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
RUNS=3
SECS=2
SERVERS=
WORKLOADS=udp-echo,tcp-crr,tcp-rr,tcp-stream
P=bench-peer
while [ $# -gt 0 ]; do
	case "$1" in
	--build) BUILD=${2:-}; shift 2 || { usage >&2; exit 2; } ;;
	--runs) RUNS=${2:-}; shift 2 || { usage >&2; exit 2; } ;;
	--seconds) SECS=${2:-}; shift 2 || { usage >&2; exit 2; } ;;
	--servers) SERVERS=${2:-}; shift 2 || { usage >&2; exit 2; } ;;
	--workloads) WORKLOADS=${2:-}; shift 2 || { usage >&2; exit 2; } ;;
	-h|--help) usage; exit 0 ;;
	*) echo "$P: unknown option '$1' (see --help)" >&2; exit 2 ;;
	esac
done
case "$RUNS" in ''|*[!0-9]*|0) echo "$P: --runs wants a count" >&2; exit 2 ;; esac
case "$SECS" in ''|*[!0-9.]*) echo "$P: --seconds wants a number" >&2; exit 2 ;; esac
if [ -z "$SERVERS" ]; then
	SERVERS=l4fwd
	[ "$(id -u)" -eq 0 ] && SERVERS=l4fwd,kernel
fi
for s in ${SERVERS//,/ }; do
	case "$s" in l4fwd|kernel) ;; *) echo "$P: --servers: l4fwd or kernel, not '$s'" >&2; exit 2 ;; esac
	if [ "$s" = kernel ] && [ "$(id -u)" -ne 0 ]; then
		echo "$P: --servers kernel needs root (TAP, a network namespace)" >&2
		exit 2
	fi
done
for w in ${WORKLOADS//,/ }; do
	case "$w" in udp-echo|tcp-crr|tcp-rr|tcp-stream) ;;
	*) echo "$P: --workloads: udp-echo, tcp-crr, tcp-rr, tcp-stream, not '$w'" >&2; exit 2 ;;
	esac
done

BENCH=$BUILD/tools/tern-bench
L4FWD=$BUILD/examples/l4fwd/tern-l4fwd
ECHO_BSD=$BUILD/examples/sock_echo/sock-echo-bsd
[ -x "$BENCH" ] || { echo "$P: $BENCH not built" >&2; exit 1; }
case ",$SERVERS," in *,l4fwd,*) [ -x "$L4FWD" ] || { echo "$P: $L4FWD not built" >&2; exit 1; } ;; esac
case ",$SERVERS," in *,kernel,*) [ -x "$ECHO_BSD" ] || { echo "$P: $ECHO_BSD not built" >&2; exit 1; } ;; esac

# shellcheck source=SCRIPTDIR/proc-lib.sh
. "$ROOT/tools/proc-lib.sh"

WORK=$(mktemp -d /tmp/bench-peer.XXXXXX) || exit 1
TAG=bp$$
SOCK=$WORK/memif.sock
NS=bpns$$
TAPIF=bpt$$
SRV_PID=
BENCH_PID=
RESULTS=$WORK/results
: >"$RESULTS"
rc=0

# stop_srv SIGNAL: the server by its PID (and what it started); its status in SRV_RC
stop_srv() {
	SRV_RC=0
	[ -n "$SRV_PID" ] || return 0
	kill -"$1" "$SRV_PID" 2>/dev/null
	for _ in $(seq 100); do
		kill -0 "$SRV_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$SRV_PID" 2>/dev/null; then
		echo "$P: server (pid $SRV_PID) still there 10 s after SIG$1: killed" >&2
		tern_kill_tree "$SRV_PID" KILL
	fi
	wait "$SRV_PID" 2>/dev/null
	SRV_RC=$?
	SRV_PID=
}

cleanup() {
	local st=$? run
	[ -n "$BENCH_PID" ] && tern_kill_tree "$BENCH_PID"
	[ -n "$SRV_PID" ] && tern_kill_tree "$SRV_PID"
	ip netns del "$NS" 2>/dev/null
	ip link del "$TAPIF" 2>/dev/null
	for run in /var/run/dpdk "${XDG_RUNTIME_DIR:-/tmp}/dpdk"; do
		rm -rf "${run:?}/${TAG:?}"* 2>/dev/null
	done
	rm -rf "$WORK"
	return $st
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# result_ok FILE: the RESULT line shows no error, timeout or loss
result_ok() {
	local line
	line=$(grep '^RESULT' "$1") || return 1
	for k in errors timeouts lost; do
		case " $line " in *" $k="*) ;; *) continue ;; esac
		[ "$(echo "$line" | sed -n "s/.* $k=\([0-9]*\).*/\1/p")" = 0 ] || return 1
	done
	return 0
}

# run_bench NAME SUFFIX EAL... -- ARGS...: tern-bench --peer, its RESULT renamed peer-W-SUFFIX
run_bench() {
	local w=$1 suffix=$2 log=$WORK/bench.log st
	shift 2
	"$BENCH" "$@" >"$log" 2>&1 &
	BENCH_PID=$!
	wait "$BENCH_PID"
	st=$?
	BENCH_PID=
	sed 's/^/   /' "$log"
	if [ $st -ne 0 ]; then
		echo "$P: $w against $suffix: tern-bench failed (exit $st)" >&2
		rc=1
	elif ! result_ok "$log"; then
		echo "$P: $w against $suffix: errors, timeouts or lost datagrams" >&2
		rc=1
	fi
	grep '^RESULT' "$log" | sed "s/^RESULT workload=peer-$w /RESULT workload=peer-$w-$suffix /" \
		>>"$RESULTS"
}

# ---- tern-l4fwd over memif ---------------------------------------------------
l4fwd_workload() {
	local w=$1 proto=tcp mode=echo log=$WORK/l4fwd.log
	[ "$w" = udp-echo ] && proto=udp
	[ "$w" = tcp-stream ] && mode=rx
	rm -f "$SOCK"
	echo "== $P: $w, tern-bench --peer (CPU 1) -> tern-l4fwd --proto $proto --mode $mode (CPU 0), memif"
	"$L4FWD" -l 0 --no-huge -m 512 --no-pci --file-prefix "${TAG}l4" --log-level='*:notice' \
		--vdev "net_memif0,role=server,id=0,socket=$SOCK,socket-abstract=no" -- \
		--proto "$proto" --mode "$mode" --addr 10.77.0.1/24 --lport 7000 >"$log" 2>&1 &
	SRV_PID=$!
	for _ in $(seq 150); do
		grep -q "tern-l4fwd: ready" "$log" && [ -S "$SOCK" ] && break
		kill -0 "$SRV_PID" 2>/dev/null || break
		sleep 0.1
	done
	if ! grep -q "tern-l4fwd: ready" "$log"; then
		echo "$P: tern-l4fwd did not start:" >&2
		tail -20 "$log" >&2
		stop_srv KILL
		rc=1
		return
	fi
	run_bench "$w" l4fwd-memif -l 1 --no-huge -m 512 --no-pci --file-prefix "${TAG}tb" \
		--log-level='*:notice' \
		--vdev "net_memif0,role=client,id=0,socket=$SOCK,socket-abstract=no" -- \
		--peer --workload "$w" --local 10.77.0.2/24 --remote 10.77.0.1:7000 \
		--runs "$RUNS" --seconds "$SECS"
	stop_srv INT
	echo "   tern-l4fwd (whole run):"
	grep -E "^tern-l4fwd: (final|tcp |  drops:)" "$log" | sed 's/^/     /'
	if [ "$SRV_RC" -ne 0 ]; then
		echo "$P: tern-l4fwd exited with status $SRV_RC" >&2
		rc=1
	fi
	if grep -qE "^tern-l4fwd: tcp .*(errors=[1-9]|bad_segs=[1-9])" "$log"; then
		echo "$P: tern-l4fwd counted TCP errors or bytes off its pattern" >&2
		rc=1
	fi
	echo
}

# ---- the kernel in a namespace behind tern-bench's TAP port -----------------
kernel_workload() {
	local w=$1 log=$WORK/srv.log suffix=kernel-tap ns="ip netns exec $NS" port=7000
	local ready="echo: listening"
	ip netns del "$NS" 2>/dev/null
	ip netns add "$NS" || { rc=1; return; }
	$ns ip link set lo up
	if [ "$w" = udp-echo ]; then
		suffix=kernel-python-tap
		port=7001
		ready="python udp echo: ready"
		echo "== $P: $w, tern-bench --peer (CPU 1) -> a python3 UDP echo loop on the kernel (CPU 0), TAP"
		$ns taskset -c 0 python3 -c '
import signal, socket
signal.signal(signal.SIGINT, signal.default_int_handler)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.bind(("0.0.0.0", 7001))
print("python udp echo: ready", flush=True)
n = 0
try:
    while True:
        d, a = s.recvfrom(2048)
        s.sendto(d, a)
        n += 1
except KeyboardInterrupt:
    print("python udp echo: %d datagrams echoed" % n, flush=True)
' >"$log" 2>&1 &
	else
		echo "== $P: $w, tern-bench --peer (CPU 1) -> sock-echo-bsd on the kernel (CPU 0), TAP"
		$ns taskset -c 0 "$ECHO_BSD" 7000 >"$log" 2>&1 &
	fi
	SRV_PID=$!
	for _ in $(seq 100); do
		grep -q "$ready" "$log" 2>/dev/null && break
		sleep 0.05
	done
	if ! grep -q "$ready" "$log"; then
		echo "$P: the kernel's echo server did not start:" >&2
		cat "$log" >&2
		stop_srv KILL
		ip netns del "$NS" 2>/dev/null
		rc=1
		return
	fi
	# tern-bench makes the TAP interface; once its port is started (its
	# "peer mode" line) the interface moves into the namespace, while
	# tern-bench waits for its link and resolves the kernel's MAC. The
	# kernel's end gets a MAC of its own (the TAP PMD gives it the port's).
	rm -f "$WORK/bench.log"
	(
		for _ in $(seq 200); do
			grep -q "^tern-bench: peer mode" "$WORK/bench.log" 2>/dev/null && break
			sleep 0.05
		done
		ip link set "$TAPIF" netns "$NS" &&
		$ns ip link set "$TAPIF" address 02:00:00:00:77:01 &&
		$ns ip addr add 10.78.0.1/24 dev "$TAPIF" &&
		$ns ip link set "$TAPIF" up
	) &
	local mover=$!
	run_bench "$w" "$suffix" -l 1 --no-huge -m 512 --no-pci --file-prefix "${TAG}tk" \
		--log-level='*:notice' --vdev "net_tap0,iface=$TAPIF" -- \
		--peer --workload "$w" --local 10.78.0.2/24 --remote "10.78.0.1:$port" \
		--runs "$RUNS" --seconds "$SECS"
	wait "$mover" 2>/dev/null
	stop_srv INT
	if [ -s "$log" ]; then
		echo "   server:"
		sed 's/^/     /' "$log" | tail -5
	fi
	ip netns del "$NS" 2>/dev/null
	echo
}

for s in ${SERVERS//,/ }; do
	for w in ${WORKLOADS//,/ }; do
		if [ "$s" = l4fwd ]; then
			l4fwd_workload "$w"
		else
			kernel_workload "$w"
		fi
	done
done
echo "== $P: results (cycles_per_op: the client's core)"
cat "$RESULTS"
exit $rc
