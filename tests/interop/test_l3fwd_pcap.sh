#!/usr/bin/env bash
# Interop: tern-l3fwd --pcap, its ports and routes from a --config file:
#
#   ns A: 10.1.0.2/24 fd01::2/64 == port 0: 10.1.0.1 fd01::1  [tern-l3fwd]
#   port 1: 10.2.0.1 fd02::1 == ns B: 10.2.0.2/24 fd02::2/64
#
# A pings B 5 times over IPv4 and IPv6 through tern; the capture, read back
# with tshark, holds as many frames as tern-l3fwd says it wrote, each echo
# request twice (in on port 0 with TTL / hop limit 64, out on port 1 with
# 63: forwarded), each reply twice the other way, frames in and out
# (pcapng direction flags), every IPv4 header checksum good (tern rewrote
# the TTL); and --snaplen 64 keeps 64 bytes of each frame.
# Prints "checks: N passed, M failed".
# Usage: test_l3fwd_pcap.sh BUILD_DIR
set -u
BUILD=${1:?usage: test_l3fwd_pcap.sh BUILD_DIR}
HERE="$(cd "$(dirname "$0")" && pwd)"
L3FWD="$BUILD/examples/l3fwd/tern-l3fwd"
NSA=l3pa$$ NSB=l3pb$$ IFA=l3pa$$ IFB=l3pb$$ PREFIX=l3pcap$$
TERN_PID=
# shellcheck source=SCRIPTDIR/../../tools/netns-lib.sh
. "$HERE/../../tools/netns-lib.sh"	# tern_kill; tern_cleanup is this script's own
# shellcheck source=SCRIPTDIR/checks.sh
. "$HERE/checks.sh"

# shellcheck source=SCRIPTDIR/two_ns.sh
. "$HERE/two_ns.sh"	# tern_cleanup, in_a, in_b, counter, two_ns_start, two_ns_sides

interop_init
if ! command -v tshark >/dev/null; then
	check "tshark is installed (tools/install-deps.sh)" false
	checks_summary
	exit 1
fi

cat >"$out/l3fwd.ini" <<INI
[eal]
args = --no-huge -m 512 --no-pci -l 0 --log-level=*:notice
file-prefix = $PREFIX
vdev = net_tap0,iface=$IFA
; a second vdev entry: the EAL takes both
vdev = net_tap1,iface=$IFB

[port 0]
addr = 10.1.0.1/24
addr6 = fd01::1/64

[port 1]
addr = 10.2.0.1/24
addr6 = fd02::1/64
INI

# run NAME ARGS...: tern-l3fwd --config l3fwd.ini ARGS, 5 pings each family, stop
run() {
	local name=$1; shift
	LOG="$out/$name.log"
	two_ns_start "$L3FWD" --config "$out/l3fwd.ini" "$@" || return 1
	two_ns_sides
	check "$name: ping A -> B over IPv4 through tern" in_a ping -c 5 -i 0.1 -W 2 10.2.0.2
	check "$name: ping A -> B over IPv6 through tern" in_a ping -6 -c 5 -i 0.1 -W 2 fd02::2
	tern_kill
	wait "$TERN_PID" 2>/dev/null
	TERN_PID=
	grep "capture:\|forwarded" "$LOG"
	ip netns del "$NSA"
	ip netns del "$NSB"
	return 0
}

# count FILE FILTER: frames of FILE that match the display filter
count() {
	tshark -r "$1" -o ip.check_checksum:TRUE -Y "$2" 2>/dev/null | wc -l
}

run full --pcap "$out/full.pcapng" || check "tern-l3fwd starts" false
f="$out/full.pcapng"
written=$(awk '/capture:/ {print $3}' "$LOG")
total=$(tshark -r "$f" 2>/dev/null | wc -l)
check "tshark reads the file: the $written frames tern-l3fwd wrote (tshark: $total)" \
	test "$total" = "${written:-x}" -a "$total" -ge 40
check "no frame lost" grep -q 'capture: .* 0 lost' "$LOG"
check "frames in and out (pcapng direction flags)" \
	test "$(count "$f" 'frame.packet_flags_direction == 1')" -gt 0 -a \
	"$(count "$f" 'frame.packet_flags_direction == 2')" -gt 0
check "5 IPv4 echo requests in on port 0 with TTL 64" \
	test "$(count "$f" 'icmp.type == 8 && ip.ttl == 64 && frame.packet_flags_direction == 1')" -eq 5
check "... and the same 5 out on port 1 with TTL 63 (forwarded)" \
	test "$(count "$f" 'icmp.type == 8 && ip.ttl == 63 && frame.packet_flags_direction == 2')" -eq 5
check "5 IPv4 echo replies each way" \
	test "$(count "$f" 'icmp.type == 0 && ip.ttl == 64')" -eq 5 -a \
	"$(count "$f" 'icmp.type == 0 && ip.ttl == 63')" -eq 5
check "5 IPv6 echo requests in with hop limit 64, out with 63" \
	test "$(count "$f" 'icmpv6.type == 128 && ipv6.hlim == 64')" -eq 5 -a \
	"$(count "$f" 'icmpv6.type == 128 && ipv6.hlim == 63')" -eq 5
check "frames of both ports (two pcapng interfaces)" \
	test "$(tshark -r "$f" -T fields -e frame.interface_id 2>/dev/null | sort -u | wc -l)" -eq 2
check "every IPv4 header checksum verifies ($(count "$f" ip) packets)" \
	test "$(count "$f" 'ip.checksum.status == 1')" -eq "$(count "$f" 'ip')" -a \
	"$(count "$f" ip)" -gt 0

run snap --pcap "$out/snap.pcapng" --snaplen 64 || check "tern-l3fwd starts" false
s="$out/snap.pcapng"
check "--snaplen 64: no frame keeps more than 64 bytes" \
	test "$(tshark -r "$s" -T fields -e frame.cap_len 2>/dev/null | awk '$1 > 64' | wc -l)" -eq 0
check "--snaplen 64: the 98-byte echo frames keep their length" \
	test "$(count "$s" 'frame.len == 98 && frame.cap_len == 64')" -gt 0
checks_summary
