#!/usr/bin/env bash
# Interop: tern-l4fwd brought up from a --config file alone (the shipped
# examples/config/l4fwd-echo.ini, its TAP name and file prefix made this
# test's), the Linux kernel in a namespace as the client:
#   - no argument but --config: UDP echo over IPv4 and IPv6 (1,000
#     datagrams of 1..1,472 / 1..1,452 bytes each, every byte back);
#   - the same file with "proto = tcp": TCP echo of 100,000 bytes over
#     IPv4 and IPv6, byte for byte;
#   - the file overridden by the command line (--config FILE --proto tcp
#     --lport 7100): TCP echo on the command line's port, none on the file's;
#   - a file with a bad entry exits 2 naming the file, section and key;
#   - tern-hello, tern-l3fwd and tern-sock-echo take --config too (--help
#     names it; a bad file is refused the same way), also given before "--".
# Prints "checks: N passed, M failed".
# Usage: test_config.sh BUILD_DIR
set -u
BUILD=${1:?usage: test_config.sh BUILD_DIR}
HERE="$(cd "$(dirname "$0")" && pwd)"
TOP="$(cd "$HERE/../.." && pwd)"
TOOLS="$TOP/tools"
PY=/usr/bin/python3
CLIENT="$HERE/udp_client.py"
TERN_NS=terncfg$$ TERN_IF=terncf$$ TERN_PREFIX=terncfg$$
# shellcheck source=SCRIPTDIR/../../tools/netns-lib.sh
. "$TOOLS/netns-lib.sh"
# shellcheck source=SCRIPTDIR/checks.sh
. "$HERE/checks.sh"
L4FWD=$(l4fwd_path "$BUILD")
interop_init

# The shipped file, with this test's TAP interface and file prefix.
sed -e "s/iface=tern0/iface=${TERN_IF}/" -e "s/^file-prefix = .*/file-prefix = ${TERN_PREFIX}/" \
	"$TOP/examples/config/l4fwd-echo.ini" >"$out/udp.ini"
sed -e 's/^proto = udp/proto = tcp/' "$out/udp.ini" >"$out/tcp.ini"

# start_cfg ARGS...: tern-l4fwd with ARGS only (no EAL arguments, no "--"),
# then tern_start's wait for "ready" and the TAP, and the peer's addresses
start_cfg() {
	ip netns del "${TERN_NS}" 2>/dev/null
	ip netns add "${TERN_NS}" || return 1
	"$L4FWD" "$@" >"${TERN_LOG}" 2>&1 &
	TERN_PID=$!
	for _ in $(seq 100); do
		grep -q "ready" "${TERN_LOG}" 2>/dev/null &&
			ip link show "${TERN_IF}" 2>/dev/null | grep -q "UP" && break
		if ! kill -0 "${TERN_PID}" 2>/dev/null; then
			echo "tern-l4fwd exited early:" >&2
			cat "${TERN_LOG}" >&2
			return 1
		fi
		sleep 0.1
	done
	ip link set "${TERN_IF}" netns "${TERN_NS}" || return 1
	tern_peer_setup
}

cat >"$out/tcp_echo.py" <<'PYEOF'
import socket, sys
n = 100000
data = bytes((i * 7 + 3) & 0xff for i in range(n))
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
s.sendall(data)
s.shutdown(socket.SHUT_WR)
got = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    got += b
s.close()
print("tcp echo: sent %d, back %d, %s" % (n, len(got), "intact" if got == data else "DIFFERENT"))
sys.exit(0 if got == data else 1)
PYEOF

ns_py() {	# ns_py OUTFILE ARGS...: python in the namespace, its output kept
	local f=$1; shift
	timeout 120 ip netns exec "${TERN_NS}" "$PY" "$@" >"$f" 2>&1
	local rc=$?
	cat "$f"
	return $rc
}

echo "== tern-l4fwd --config udp.ini (no other argument)"
TERN_LOG="$out/udp.log"
if start_cfg --config "$out/udp.ini"; then
	grep "tern-l4fwd: \(port 0 mac\|mode\|udp\)" "$TERN_LOG"
	check "the EAL arguments came from [eal] (the TAP ${TERN_IF} exists)" \
		tern_ns ip link show "${TERN_IF}"
	check "the mode and port came from [l4fwd]" \
		grep -q "udp4 stream on port 7000" "$TERN_LOG"
	check "UDP echo over IPv4: 1,000 datagrams back intact" \
		ns_py "$out/u4" "$CLIENT" echo 10.0.0.1 7000 --count 1000 --sizes 1-1472 --window 16
	check "UDP echo over IPv6: 1,000 datagrams back intact" \
		ns_py "$out/u6" "$CLIENT" echo fd00::1 7000 --count 1000 --sizes 1-1452 --window 16
	tern_stop
	check "tern-l4fwd exits 0 on SIGINT" test $? -eq 0
	check "2,000 datagrams counted by tern-l4fwd" \
		grep -q "final rx_dgrams=2000 tx_dgrams=2000" "$TERN_LOG"
else
	check "tern-l4fwd starts from --config alone" false
fi

echo "== tern-l4fwd --config tcp.ini"
TERN_LOG="$out/tcp.log"
if start_cfg --config "$out/tcp.ini"; then
	check "TCP echo over IPv4: 100,000 bytes back intact" \
		ns_py "$out/t4" "$out/tcp_echo.py" 10.0.0.1 7000
	check "TCP echo over IPv6: 100,000 bytes back intact" \
		ns_py "$out/t6" "$out/tcp_echo.py" fd00::1 7000
	tern_stop
	check "tern-l4fwd exits 0" test $? -eq 0
	check "2 TCP connections served" grep -q "tcp opened=2 done=2" "$TERN_LOG"
else
	check "tern-l4fwd starts from the TCP file" false
fi

echo "== tern-l4fwd --config udp.ini --proto tcp --lport 7100 (the command line overrides)"
TERN_LOG="$out/over.log"
if start_cfg --config "$out/udp.ini" --proto tcp --lport 7100; then
	check "TCP echo on the command line's port 7100" \
		ns_py "$out/o4" "$out/tcp_echo.py" 10.0.0.1 7100
	check "nothing listens on the file's port 7000 (refused)" \
		bash -c "! ip netns exec ${TERN_NS} $PY $out/tcp_echo.py 10.0.0.1 7000 >/dev/null 2>&1"
	tern_stop
	check "tern-l4fwd exits 0" test $? -eq 0
else
	check "tern-l4fwd starts with the command line over the file" false
fi
tern_cleanup

echo "== bad files and the other examples"
sed -e 's/^lport = 7000/lport = 70000/' "$out/udp.ini" >"$out/bad.ini"
"$L4FWD" --config "$out/bad.ini" >"$out/bad.log" 2>&1
rc=$?
cat "$out/bad.log"
check "lport = 70000 in [l4fwd]: exit 2" test $rc -eq 2
check "... the message names the file, the section and the key" \
	grep -q "invalid value '70000' for $out/bad.ini \[l4fwd\] lport: expected a port" \
	"$out/bad.log"
printf '[tern]\nlcores = 1\nfrobnicate = yes\n' >"$out/bad2.ini"
for ex in hello/tern-hello l3fwd/tern-l3fwd sock_echo/tern-sock-echo l4fwd/tern-l4fwd; do
	bin="$BUILD/examples/$ex"
	name=$(basename "$ex")
	check "$name --help names --config, --pcap and --pdump" \
		bash -c "'$bin' --help | grep -q -- '--config FILE' && '$bin' --help |
			grep -q -- '--pcap FILE' && '$bin' --help | grep -q -- '--pdump'"
	"$bin" --config "$out/bad2.ini" >"$out/bad2.log" 2>&1
	rc=$?
	check "$name --config with an unknown key: exit 2, the key named" \
		bash -c "test $rc -eq 2 && grep -q '\[tern\] frobnicate: unknown key' '$out/bad2.log'"
done
"$L4FWD" --config "$out/bad2.ini" -- --lport 7000 >"$out/bad3.log" 2>&1
rc=$?
check "a --config before \"--\" is read too (exit 2, the key named)" \
	bash -c "test $rc -eq 2 && grep -q '\[tern\] frobnicate: unknown key' '$out/bad3.log'"
checks_summary
