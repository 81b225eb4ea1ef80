#!/usr/bin/env bash
# Interop: the Linux kernel, in a network namespace behind a TAP port,
# pings tern over IPv4 and IPv6 (100 echoes each, none lost), resolves tern
# with ARP (arping) and ND (ndisc6), and tern pings the kernel back.
# Prints "checks: N passed, M failed".
set -u
BUILD=${1:?usage: test_ping.sh BUILD_DIR}
HELLO="$BUILD/examples/hello/tern-hello"
TOOLS="$(cd "$(dirname "$0")/../../tools" && pwd)"
TERN_NS=ternping$$ TERN_IF=ternp$$ TERN_PREFIX=ternping$$
. "$TOOLS/netns-lib.sh"
# shellcheck source=SCRIPTDIR/checks.sh
. "$(dirname "$0")/checks.sh"
interop_init

received() {	# received PING_OUTPUT_FILE EXPECTED
	grep -q "$2 packets transmitted, $2 received, 0% packet loss" "$1"
}

tern_start "$HELLO" --addr 10.0.0.1/24 --addr6 fd00::1/64 \
	--ping 10.0.0.2 --ping6 fd00::2 --count 20 --interval 0.05 --ping-delay 1.5 || exit 1
tern_peer_setup || exit 1
mac=$(grep -o 'mac [0-9A-Fa-f:]*' "${TERN_LOG}" | awk '{print tolower($2)}')
echo "tern MAC: $mac"
# tern pings first (from 1.5 s, 20 x 0.05 s): it must resolve the kernel by
# ARP and ND itself, before the kernel has sent it anything to learn from.
sleep 3

tern_ns ping -c 100 -i 0.01 -W 2 10.0.0.1 >"$out/ping4" 2>&1
check "kernel ping 10.0.0.1: 100 of 100 answered" received "$out/ping4" 100
tern_ns ping -6 -c 100 -i 0.01 -W 2 fd00::1 >"$out/ping6" 2>&1
check "kernel ping -6 fd00::1: 100 of 100 answered" received "$out/ping6" 100

ll=$(tern_ns ip -6 neigh show dev "${TERN_IF}" | awk '/^fe80/ {print $1; exit}')
lladdr="fe80::$(printf '%x' $(( 0x${mac:0:2} ^ 2 )))${mac:3:2}:${mac:6:2}ff:fe${mac:9:2}:${mac:12:2}${mac:15:2}"
tern_ns ping -6 -c 5 -i 0.05 -W 2 "${lladdr}%${TERN_IF}" >"$out/pingll" 2>&1
check "kernel ping -6 tern's link-local ${lladdr}" received "$out/pingll" 5

tern_ns arping -c 3 -w 5 -I "${TERN_IF}" 10.0.0.1 >"$out/arping" 2>&1
check "arping 10.0.0.1: 3 replies" grep -q "Received 3 response" "$out/arping"
check "arping 10.0.0.1: reply carries tern's MAC" grep -qi "\[$mac\]" "$out/arping"

tern_ns ndisc6 -1 -r 3 fd00::1 "${TERN_IF}" >"$out/ndisc6" 2>&1
check "ndisc6 fd00::1: NA carries tern's MAC" grep -qi "Target link-layer address: $mac" "$out/ndisc6"

check "kernel neighbor table has tern's MAC for 10.0.0.1" \
	sh -c "ip netns exec ${TERN_NS} ip neigh show 10.0.0.1 dev ${TERN_IF} | grep -qi 'lladdr $mac'"
check "kernel neighbor table has tern's MAC for fd00::1" \
	sh -c "ip netns exec ${TERN_NS} ip -6 neigh show fd00::1 dev ${TERN_IF} | grep -qi 'lladdr $mac'"

tern_stop
rc=$?
check "tern-hello exits 0" test $rc -eq 0
check "tern pinged the kernel: 20 of 20 answered, IPv4 and IPv6" \
	grep -q "ping: 20 sent, 20 replies (IPv4); 20 sent, 20 replies (IPv6)" "${TERN_LOG}"
check "tern resolved the kernel by ARP (arp_rep_in > 0)" test "$(tern_counter arp_rep_in)" -gt 0
check "tern resolved the kernel by ND (nd_na_in > 0)" test "$(tern_counter nd_na_in)" -gt 0
check "tern answered ARP requests (arp_rep_out >= 3)" test "$(tern_counter arp_rep_out)" -ge 3
check "tern answered 105 IPv6 echoes (global and link-local)" \
	test "$(tern_counter icmp6_echo_out)" -eq 105
check "no packet held forever (drop_neigh_timeout = 0)" test "$(tern_counter drop_neigh_timeout)" -eq 0
check "no IPv4 checksum drops" test "$(tern_counter drop_ip4_cksum)" -eq 0

if [ $fail -ne 0 ]; then
	echo "--- tern log"; cat "${TERN_LOG}"
	for f in "$out"/*; do echo "--- $f"; cat "$f"; done
fi
checks_summary
