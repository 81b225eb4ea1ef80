#!/usr/bin/env bash
# Interop: a running tern-l4fwd (TCP echo on a TAP port) seen through DPDK's
# telemetry socket, with no code of the application's own:
#   - dpdk-telemetry.py -f PREFIX answers /tern/stats, /tern/ctx/list;
#   - tools/tern-stat shows the counters with their descriptions, the
#     context, the connection a kernel client holds open (ESTABLISHED, the
#     client's address and port), the routes, the neighbor the kernel is,
#     and per-second rates;
#   - the counters it reads match what the application prints at exit.
# Prints "checks: N passed, M failed".
# Usage: test_telemetry.sh BUILD_DIR
set -u
BUILD=${1:?usage: test_telemetry.sh BUILD_DIR}
HERE="$(cd "$(dirname "$0")" && pwd)"
TOOLS="$(cd "$HERE/../../tools" && pwd)"
PY=/usr/bin/python3
TERN_NS=terntel$$ TERN_IF=terntl$$ TERN_PREFIX=terntel$$
# shellcheck source=SCRIPTDIR/../../tools/netns-lib.sh
. "$TOOLS/netns-lib.sh"
# shellcheck source=SCRIPTDIR/checks.sh
. "$HERE/checks.sh"
L4FWD=$(l4fwd_path "$BUILD")
STAT="$TOOLS/tern-stat"
interop_init

TERN_LOG="$out/l4fwd.log"
if ! tern_start "$L4FWD" --proto tcp --mode echo --addr 10.0.0.1/24 --addr6 fd00::1/64 \
	--lport 7000 || ! tern_peer_setup; then
	check "tern-l4fwd starts on a TAP port" false
	checks_summary
	exit 1
fi
tern_ns ping -c 1 -W 2 10.0.0.1 >/dev/null

# A kernel client that connects, echoes 1,000 bytes and holds the connection.
cat >"$out/hold.py" <<'EOF'
import socket, sys, time
s = socket.create_connection(("10.0.0.1", 7000), timeout=10)
s.sendall(b"x" * 1000)
got = 0
while got < 1000:
    got += len(s.recv(4096))
print("local", s.getsockname()[0], s.getsockname()[1], flush=True)
time.sleep(float(sys.argv[1]))
s.close()
EOF
tern_ns timeout 60 "$PY" "$out/hold.py" 20 >"$out/hold.out" 2>&1 &
BG_PIDS+=($!)
for _ in $(seq 50); do
	grep -q '^local' "$out/hold.out" && break
	sleep 0.2
done
check "the kernel client is connected and echoed" grep -q '^local' "$out/hold.out"
cport=$(awk '/^local/ {print $3}' "$out/hold.out")

printf '/tern/stats\n/tern/ctx/list\n' | timeout 20 dpdk-telemetry.py -f "${TERN_PREFIX}" \
	>"$out/dt.out" 2>&1
echo "dpdk-telemetry.py:"; head -c 600 "$out/dt.out"; echo
check "dpdk-telemetry.py: /tern/stats has tcp_conn_established" \
	grep -q '"tcp_conn_established"' "$out/dt.out"
check "dpdk-telemetry.py: /tern/ctx/list has the context on its port" \
	grep -q '"ports": "port 0 queue 0"' "$out/dt.out"

timeout 20 "$PY" "$STAT" -f "${TERN_PREFIX}" >"$out/stat.out" 2>&1
echo "tern-stat:"; head -15 "$out/stat.out"
check "tern-stat: rx_pkts with its description" \
	grep -qE '^ +[1-9][0-9]* +rx_pkts +packets read from device queues' "$out/stat.out"
check "tern-stat: one connection established" \
	grep -qE '^ +1 +tcp_conn_established ' "$out/stat.out"

timeout 20 "$PY" "$STAT" -f "${TERN_PREFIX}" --ctx >"$out/ctx.out" 2>&1
cat "$out/ctx.out"
check "tern-stat --ctx: context 0 on port 0, three TCP records (two listeners, one connection)" \
	grep -qE '^ctx 0 .*port 0 queue 0.*tcp_conns=3' "$out/ctx.out"

timeout 20 "$PY" "$STAT" -f "${TERN_PREFIX}" --conns 0 >"$out/conns.out" 2>&1
cat "$out/conns.out"
check "tern-stat --conns 0: the client's connection, ESTABLISHED, from its port" \
	grep -qE "^ESTABLISHED +10\.0\.0\.1:7000 +10\.0\.0\.2:${cport:-none} " "$out/conns.out"
check "tern-stat --conns 0: 1,000 bytes each way" \
	grep -qE "^ESTABLISHED .* 1000 +1000 +0$" "$out/conns.out"
check "tern-stat --conns 0: the listener" grep -qE '^LISTEN +0\.0\.0\.0:7000' "$out/conns.out"
check "tern-stat --conns 9: no such context, exit 1" \
	bash -c "! timeout 20 $PY $STAT -f ${TERN_PREFIX} --conns 9 >/dev/null 2>&1"

timeout 20 "$PY" "$STAT" -f "${TERN_PREFIX}" --routes >"$out/routes.out" 2>&1
cat "$out/routes.out"
check "tern-stat --routes: the connected IPv4 and IPv6 routes" \
	bash -c "grep -q '^10.0.0.0/24 .*on-link' '$out/routes.out' && grep -q '^fd00::/64 .*on-link' '$out/routes.out'"

timeout 20 "$PY" "$STAT" -f "${TERN_PREFIX}" --neigh >"$out/neigh.out" 2>&1
cat "$out/neigh.out"
kmac=$(tern_ns cat "/sys/class/net/${TERN_IF}/address")
check "tern-stat --neigh: the kernel's address and MAC ($kmac)" \
	grep -qiE "^10\.0\.0\.2 .*lladdr $kmac (reachable|stale)" "$out/neigh.out"

# rates: a ping a second from the kernel while two reports are taken
tern_ns ping -c 4 -i 0.5 10.0.0.1 >/dev/null &
BG_PIDS+=($!)
timeout 20 "$PY" "$STAT" -f "${TERN_PREFIX}" --watch 1 --count 2 >"$out/watch.out" 2>&1
cat "$out/watch.out"
check "tern-stat --watch 1 --count 2: two reports with rx_pkts rates" \
	test "$(grep -c ' rx_pkts$' "$out/watch.out")" -eq 2
check "tern-stat --watch 0 is refused" \
	bash -c "! $PY $STAT -f ${TERN_PREFIX} --watch 0 >/dev/null 2>&1"

# what telemetry said against what tern-l4fwd prints at exit
est=$(awk '$2 == "tcp_conn_established" {print $1}' "$out/stat.out")
tern_stop
check "tern-l4fwd exits 0" test $? -eq 0
check "telemetry's tcp_conn_established is the final count ($est)" \
	test "$(tern_counter tcp_conn_established)" = "${est:-x}"
check "no telemetry socket left" test ! -S "/var/run/dpdk/${TERN_PREFIX}/dpdk_telemetry.v2"
checks_summary
