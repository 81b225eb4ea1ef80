#!/usr/bin/env bash
# Interop: tern-l4fwd --pcap on a TAP port (TCP echo, the kernel as the
# client, IPv4 and IPv6), the file read back with tshark:
#   - it decodes, and holds as many frames as tern-l4fwd says it wrote;
#   - both directions, marked in and out;
#   - the handshake both ways and 1,000 bytes of data each way per family;
#   - every IPv4 header and TCP checksum verifies, though tern sent with the
#     device's checksum offload (the capture writes them as on the wire);
#   - --snaplen 64 keeps 64 bytes of a longer frame (its length intact).
# Prints "checks: N passed, M failed".
# Usage: test_capture.sh BUILD_DIR
set -u
BUILD=${1:?usage: test_capture.sh BUILD_DIR}
HERE="$(cd "$(dirname "$0")" && pwd)"
TOOLS="$(cd "$HERE/../../tools" && pwd)"
PY=/usr/bin/python3
TERN_NS=terncap$$ TERN_IF=terncp$$ TERN_PREFIX=terncap$$
# shellcheck source=SCRIPTDIR/../../tools/netns-lib.sh
. "$TOOLS/netns-lib.sh"
# shellcheck source=SCRIPTDIR/checks.sh
. "$HERE/checks.sh"
L4FWD=$(l4fwd_path "$BUILD")
interop_init

cat >"$out/echo.py" <<'EOF'
import socket, sys
s = socket.create_connection((sys.argv[1], 7000), timeout=10)
s.sendall(b"c" * 1000)
got = b""
while len(got) < 1000:
    got += s.recv(4096)
s.close()
sys.exit(0 if got == b"c" * 1000 else 1)
EOF

# run_capture NAME ARGS...: tern-l4fwd with --pcap $out/NAME.pcapng ARGS, one
# echo over IPv4 and one over IPv6, then stop it
run_capture() {
	local name=$1; shift
	TERN_LOG="$out/$name.log"
	if ! tern_start "$L4FWD" --proto tcp --mode echo --addr 10.0.0.1/24 --addr6 fd00::1/64 \
		--lport 7000 --pcap "$out/$name.pcapng" "$@" || ! tern_peer_setup; then
		return 1
	fi
	tern_ns ping -c 1 -W 2 10.0.0.1 >/dev/null
	tern_ns ping -6 -c 1 -W 2 fd00::1 >/dev/null
	check "$name: echo over IPv4" tern_ns timeout 20 "$PY" "$out/echo.py" 10.0.0.1
	check "$name: echo over IPv6" tern_ns timeout 20 "$PY" "$out/echo.py" fd00::1
	sleep 0.5
	tern_stop
	check "$name: tern-l4fwd exits 0" test $? -eq 0
}

# count FILE FILTER: frames of FILE that match the display filter
count() {
	tshark -r "$1" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -Y "$2" 2>/dev/null |
		wc -l
}

if ! command -v tshark >/dev/null; then
	check "tshark is installed (tools/install-deps.sh)" false
	checks_summary
	exit 1
fi

run_capture full
f="$out/full.pcapng"
grep 'capture:' "$out/full.log"
written=$(awk '/capture:/ {print $3}' "$out/full.log")
check "tshark reads the file" tshark -r "$f" -c 1 >/dev/null 2>&1
total=$(tshark -r "$f" 2>/dev/null | wc -l)
check "the file holds the $written frames tern-l4fwd wrote (tshark: $total)" \
	test "$total" = "${written:-x}" -a "$total" -gt 10
check "no frame lost" grep -q 'capture: .* 0 lost' "$out/full.log"
check "frames in and out (pcapng direction flags)" \
	test "$(count "$f" 'frame.packet_flags_direction == 1')" -gt 0 -a \
	"$(count "$f" 'frame.packet_flags_direction == 2')" -gt 0
check "the kernel's SYN in, tern's SYN-ACK out, IPv4" \
	test "$(count "$f" 'ip.src == 10.0.0.2 && tcp.flags.syn == 1 && tcp.flags.ack == 0')" -eq 1 -a \
	"$(count "$f" 'ip.src == 10.0.0.1 && tcp.flags.syn == 1 && tcp.flags.ack == 1')" -eq 1
check "the same over IPv6" \
	test "$(count "$f" 'ipv6.src == fd00::2 && tcp.flags.syn == 1 && tcp.flags.ack == 0')" -eq 1 -a \
	"$(count "$f" 'ipv6.src == fd00::1 && tcp.flags.syn == 1 && tcp.flags.ack == 1')" -eq 1
for fam in "ip.src == 10.0.0.2|ip.src == 10.0.0.1" "ipv6.src == fd00::2|ipv6.src == fd00::1"; do
	in=${fam%|*}
	outf=${fam#*|}
	bin=$(tshark -r "$f" -Y "$in && tcp.len > 0" -T fields -e tcp.len 2>/dev/null |
		awk '{s += $1} END {print s + 0}')
	bout=$(tshark -r "$f" -Y "$outf && tcp.len > 0" -T fields -e tcp.len 2>/dev/null |
		awk '{s += $1} END {print s + 0}')
	check "1,000 data bytes each way ($in: $bin in, $bout out)" \
		test "$bin" -eq 1000 -a "$bout" -eq 1000
done
tcpn=$(count "$f" 'tcp')
check "every TCP checksum verifies ($tcpn segments)" \
	test "$(count "$f" 'tcp.checksum.status == 1')" -eq "$tcpn" -a "$tcpn" -gt 0
check "every IPv4 header checksum verifies" \
	test "$(count "$f" 'ip.checksum.status == 1')" -eq "$(count "$f" 'ip')"
check "tern's own frames are among them (sent with checksum offload)" \
	test "$(count "$f" 'ip.src == 10.0.0.1 && tcp.checksum.status == 1')" -gt 0

run_capture snap --snaplen 64
s="$out/snap.pcapng"
check "--snaplen 64: no frame keeps more than 64 bytes" \
	test "$(tshark -r "$s" -T fields -e frame.cap_len 2>/dev/null | awk '$1 > 64' | wc -l)" -eq 0
check "--snaplen 64: the 1,054-byte data frames keep their length" \
	test "$(count "$s" 'frame.len > 1000 && frame.cap_len == 64')" -gt 0
check "--snaplen 10 is refused with exit 2" \
	bash -c "$L4FWD --no-huge -m 512 --no-pci --file-prefix terncapx$$ --no-telemetry \
		--vdev net_null0 -- --proto tcp --pcap /tmp/x.pcapng --snaplen 10 >/dev/null 2>&1; \
		test \$? -eq 2"
checks_summary
