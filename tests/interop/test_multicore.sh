#!/usr/bin/env bash
# Interop: tern-l4fwd with two worker contexts on a net_tap port with two
# queues, the Linux kernel in a network namespace as the peer.
#   - passive opens: 2,000 kernel connections to the TCP echo (burst API,
#     the socket API, the software dispatcher): both contexts serve some, the per-context
#     tcp_passive_opens add up to 2,000, each context finished every
#     connection it accepted, and no context saw a segment of a connection
#     it does not own (no reset sent, no segment without a connection);
#   - active opens: each context opens 2,000 connections to a kernel server
#     (tx --conns 2000, then 500 each with the socket API): every one is
#     established in the context that opened it (tcp_conn_established =
#     tcp_active_opens per context), nothing lands on the other context
#     (no drop_tcp_noport, no RST), and the kernel sees 4,000 distinct
#     4-tuples (and the dispatcher handed over the SYN-ACKs that the
#     kernel put on the other queue);
# The passive runs use the TAP's own steering (--steer rss) and then tern's
# software dispatcher (the default on net_tap, whose RSS key tern can
# neither read nor set); the active runs use the dispatcher: the kernel's
# TAP driver puts a SYN-ACK on a queue of its own choosing (later packets
# follow the queue that last sent the flow), so no port choice can make it
# land on the opener's queue. tests/unit/test_rss.c proves the Toeplitz
# port choice against a NIC's hash and redirection table.
# Prints the per-worker counters and "checks: N passed, M failed".
# Usage: test_multicore.sh BUILD_DIR
set -u
BUILD=${1:?usage: test_multicore.sh BUILD_DIR}
HERE="$(cd "$(dirname "$0")" && pwd)"
TOOLS="$(cd "$HERE/../../tools" && pwd)"
PY=/usr/bin/python3
CLIENT="$HERE/tcp_client.py"
TERN_NS=tmc-ns$$ TERN_IF=tmc$$ TERN_PREFIX=tmc$$
# shellcheck source=SCRIPTDIR/../../tools/netns-lib.sh
. "$TOOLS/netns-lib.sh"
# shellcheck source=SCRIPTDIR/checks.sh
. "$HERE/checks.sh"
L4FWD=$(l4fwd_path "$BUILD")
interop_init

NCONN=2000
NW=2

# Three lcores: the main one (prints, sleeps) and two workers; the TAP port
# gets one queue per worker (tern_dev_create asks for --lcores queues).
tern_eal_args() {
	echo "--no-huge -m 512 --no-pci --file-prefix ${TERN_PREFIX} --lcores=0@0,1@0,2@1" \
	     "--log-level=*:notice --vdev net_tap0,iface=${TERN_IF}"
}

# The kernel's side of the active opens: accept everything on PORT, read
# each connection to its end, check it brought PER bytes, close; print the
# totals once EXPECT connections ended (or after 120 s).
cat >"$out/server.py" <<'EOF'
import selectors, socket, sys, time
port, expect, per = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("0.0.0.0", port))
ls.listen(4096)
ls.setblocking(False)
sel = selectors.DefaultSelector()
sel.register(ls, selectors.EVENT_READ, None)
conns = done = bad = 0
peers = set()
print("listening", flush=True)
end = time.time() + 120
while done < expect and time.time() < end:
    for key, _ in sel.select(0.5):
        if key.data is None:
            while True:
                try:
                    c, a = ls.accept()
                except BlockingIOError:
                    break
                c.setblocking(False)
                sel.register(c, selectors.EVENT_READ, [0])
                conns += 1
                peers.add(a)
            continue
        c = key.fileobj
        try:
            d = c.recv(65536)
        except OSError:
            d = None
        if d:
            key.data[0] += len(d)
            continue
        if d is None or key.data[0] != per:
            bad += 1
        sel.unregister(c)
        c.close()
        done += 1
print("server conns=%d done=%d distinct=%d bad=%d" % (conns, done, len(peers), bad), flush=True)
sys.exit(0 if done == expect and bad == 0 and len(peers) == expect else 1)
EOF

start_l4fwd() {	# start_l4fwd NAME ARGS...
	local name=$1; shift
	TERN_LOG="$out/$name.log"
	tern_start "$L4FWD" "$@" || return 1
	tern_peer_setup || return 1
	tern_ns ping -c 1 -W 2 10.0.0.1 >/dev/null
	return 0
}

# wval W KEY: KEY=value from the "worker W ..." line of the log
wval() {
	awk -v w="$1" -v k="$2" '$2 == "worker" && $3 == w {
		for (i = 4; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' \
		"${TERN_LOG}" | tail -1 | grep . || echo -1
}

# wsum KEY: the sum over the workers
wsum() {
	local s=0 w v
	for ((w = 0; w < NW; w++)); do
		v=$(wval $w "$1")
		s=$((s + v))
	done
	echo $s
}

# every worker: KEY OP VALUE
each() {
	local w v
	for ((w = 0; w < NW; w++)); do
		v=$(wval $w "$1")
		test "$v" "$2" "$3" || return 1
	done
}

# every worker: KEY1 = KEY2
each_eq() {
	local w
	for ((w = 0; w < NW; w++)); do
		test "$(wval $w "$1")" -eq "$(wval $w "$2")" || return 1
	done
}

show_workers() {
	grep "tern-l4fwd: steering\|tern-l4fwd: worker\|tern-l4fwd: tcp " "${TERN_LOG}"
}

# passive NAME STRICT ARGS...: 2,000 kernel connections to the TCP echo.
# STRICT=1: no reset at all. STRICT=0 (software dispatcher over the TAP's
# two queues): a packet the kernel put on the other queue reaches its
# context through a ring, and may come after packets sent later on the
# direct queue; a late duplicate ACK of a connection already closed then
# meets the listener and is answered with a reset (harmless: the kernel's
# side is closed). So there, every reset must be such an answer.
passive() {
	local name=$1 strict=$2; shift 2
	if ! start_l4fwd "$name" --proto tcp --mode echo --addr 10.0.0.1/24 --lport 7000 \
		--lcores $NW "$@"; then
		check "$name: tern-l4fwd starts" false
		tern_cleanup
		return
	fi
	check "$name: $NCONN kernel connections echoed" \
		timeout 600 ip netns exec "${TERN_NS}" "$PY" "$CLIENT" conns 10.0.0.1 7000 $NCONN 100
	sleep 0.5
	tern_stop
	check "$name: tern-l4fwd exits 0" test $? -eq 0
	show_workers
	check "$name: every context accepted connections (tcp_passive_opens > 0)" \
		each tcp_passive_opens -gt 0
	check "$name: tcp_passive_opens add up to $NCONN" test "$(wsum tcp_passive_opens)" -eq $NCONN
	check "$name: each context finished every connection it accepted (done = passive opens)" \
		each_eq done tcp_passive_opens
	check "$name: no context saw a segment without its connection (drop_tcp_noport = 0)" \
		each drop_tcp_noport -eq 0
	if [ "$strict" = 1 ]; then
		check "$name: no context sent a reset (tcp_out_rsts = 0)" each tcp_out_rsts -eq 0
		check "$name: no non-SYN reached a listener (drop_tcp_listen_bad = 0)" \
			each drop_tcp_listen_bad -eq 0
	else
		check "$name: every reset answered a late segment of a closed connection" \
			each_eq tcp_out_rsts drop_tcp_listen_bad
	fi
	ip netns del "${TERN_NS}" 2>/dev/null
}

# active NAME CONNS ARGS...: each context opens CONNS connections to a kernel server
active() {
	local name=$1 conns=$2; shift 2
	local total=$((conns * NW))
	TERN_LOG="$out/$name.log"
	if ! tern_start "$L4FWD" --proto tcp --mode tx --addr 10.0.0.1/24 --lport 0 \
		--raddr 10.0.0.2 --rport 9000 --count $((100 * NW)) --conns "$conns" \
		--lcores $NW --neigh 10.0.0.2,02:00:00:00:00:02 "$@"; then
		check "$name: tern-l4fwd starts" false
		tern_cleanup
		return
	fi
	ip netns exec "${TERN_NS}" "$PY" "$out/server.py" 9000 $total 100 >"$out/$name.srv" 2>&1 &
	local srv=$!
	BG_PIDS+=($srv)
	sleep 0.5
	tern_peer_setup
	timeout 200 tail --pid="$srv" -f /dev/null
	wait "$srv"
	local src=$?
	cat "$out/$name.srv"
	for _ in $(seq 100); do
		kill -0 "${TERN_PID}" 2>/dev/null || break
		sleep 0.1
	done
	tern_stop
	check "$name: tern-l4fwd exits 0" test $? -eq 0
	show_workers
	check "$name: the kernel accepted $total connections, distinct 4-tuples, 100 bytes each" \
		test $src -eq 0
	check "$name: each context opened $conns (tcp_active_opens)" each tcp_active_opens -eq "$conns"
	check "$name: each context finished its $conns connections, no error" \
		test "$(wsum done)" -eq $total -a "$(wsum errors)" -eq 0
	check "$name: every SYN-ACK came back to the context that opened (established = opened)" \
		each_eq tcp_conn_established tcp_active_opens
	check "$name: no segment reached a context without its connection (drop_tcp_noport = 0)" \
		each drop_tcp_noport -eq 0
	check "$name: no reset sent (tcp_out_rsts = 0)" each tcp_out_rsts -eq 0
	ip netns del "${TERN_NS}" 2>/dev/null
}

# The TAP's own steering (--steer rss: tern assumes the default key and
# table it cannot read): passive opens follow the kernel's choice of queue.
passive "echo-rss-burst" 1 --api burst --steer rss
check "echo-rss-burst: the device's queues steer (rss, key assumed)" \
	grep -q "steering: rss: 2 queues, key assumed" "$out/echo-rss-burst.log"
passive "echo-rss-sock" 1 --api sock --steer rss

# Default (auto): net_tap tells no RSS key, so tern's dispatcher steers.
passive "echo-disp" 0 --api burst
check "echo-disp: auto picks the software dispatcher on net_tap" \
	grep -q "steering: software dispatcher: 2 contexts" "$out/echo-disp.log"
check "echo-disp: packets read on the wrong queue were handed over (disp_passed > 0)" \
	test "$(wsum disp_passed)" -gt 0
check "echo-disp: every handed-over packet was taken (passed = from_ring, no ring full)" \
	test "$(wsum disp_passed)" -eq "$(wsum disp_from_ring)" -a "$(wsum disp_ring_full)" -eq 0
active "tx-disp-burst" $NCONN --api burst
check "tx-disp-burst: SYN-ACKs the kernel put on the other queue were handed over" \
	test "$(wsum disp_passed)" -gt 0
active "tx-disp-sock" 500 --api sock

checks_summary
