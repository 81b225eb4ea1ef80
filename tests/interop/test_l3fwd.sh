#!/usr/bin/env bash
# Interop: tern-l3fwd as a router between two kernel network namespaces,
# each behind a TAP port of its own:
#
#   ns A: 10.1.0.2/24 fd01::2/64 == port 0: 10.1.0.1 fd01::1  [tern-l3fwd]
#   port 1: 10.2.0.1 fd02::1, MTU 1280 == ns B: 10.2.0.2/24 fd02::2/64 (MTU 1500)
#   ns B also holds 10.3.0.1 and fd03::1 (on lo), routed by tern via B.
#
# No static neighbor is given: tern learns both sides by ARP and ND.
#   - ping both ways, IPv4 and IPv6; to 10.3.0.1 / fd03::1 through the
#     route via the gateway; to tern's own far-side address;
#   - traceroute -n / traceroute6 -n from A show tern's address as hop 1;
#   - UDP of 5,000 bytes without DF from A: the kernel's 1,500-byte
#     fragments are fragmented again by tern for the 1,280-byte link, and B
#     gets the datagram whole (SHA-256);
#   - TCP from A to B, 100 MB over IPv4 and 20 MB over IPv6: A's full-sized
#     segments carry DF, tern answers Fragmentation Needed / Packet Too
#     Big with MTU 1280, A's TCP adapts and the bytes arrive exact (SHA-256);
#   - tern's counters at exit agree.
# All of it once with one forwarding context, then again with two
# (--lcores 2: two queues per port, tern's software dispatcher on TAP),
# where both contexts must have forwarded packets.
# Prints "checks: N passed, M failed" for each.
# Usage: test_l3fwd.sh BUILD_DIR
set -u
BUILD=${1:?usage: test_l3fwd.sh BUILD_DIR}
HERE="$(cd "$(dirname "$0")" && pwd)"
L3FWD="$BUILD/examples/l3fwd/tern-l3fwd"
[ -x "$L3FWD" ] || L3FWD="$BUILD/l3fwd/tern-l3fwd"
PY=/usr/bin/python3
LCORES=${L3FWD_LCORES:-1}
EAL_LCORES=(-l 0-1)
[ "$LCORES" -eq 2 ] && EAL_LCORES=(--lcores 0@0,1@0,2@1)
NSA=l3fa$$ NSB=l3fb$$ IFA=l3a$$ IFB=l3b$$ PREFIX=l3fwd$$
TERN_PID=
# shellcheck source=SCRIPTDIR/../../tools/netns-lib.sh
. "$HERE/../../tools/netns-lib.sh"	# tern_kill; tern_cleanup is this script's own
# shellcheck source=SCRIPTDIR/checks.sh
. "$HERE/checks.sh"
LOG=

# shellcheck source=SCRIPTDIR/two_ns.sh
. "$HERE/two_ns.sh"	# tern_cleanup, in_a, in_b, counter, two_ns_start, two_ns_sides

interop_init
LOG="$out/l3fwd.log"

for t in traceroute traceroute6 socat; do
	if ! command -v $t >/dev/null; then
		echo "FAIL: $t is missing (tools/install-deps.sh installs it)"
		exit 1
	fi
done

# the two-context pass also holds output for fuller bursts (--tx-hold 100):
# everything below must hold with it too
HOLD=()
[ "$LCORES" -eq 2 ] && HOLD=(--tx-hold 100)
echo "== tern-l3fwd with $LCORES forwarding context(s) ${HOLD[*]}"
for bad in -1 1000001 x; do
	"$L3FWD" --no-huge -m 64 --no-pci --file-prefix "${PREFIX}b" --log-level='*:error' \
		--vdev net_null0 -- --port 0,addr=10.9.0.1/24 --tx-hold "$bad" >"$out/bad.log" 2>&1
	rc=$?
	check "--tx-hold $bad: exit 2 with a message" \
		sh -c "test $rc -eq 2 && grep -q -- '--tx-hold' '$out/bad.log'"
done
two_ns_start "$L3FWD" --no-huge -m 512 --no-pci --file-prefix "$PREFIX" --log-level='*:notice' \
	"${EAL_LCORES[@]}" --vdev "net_tap0,iface=$IFA" --vdev "net_tap1,iface=$IFB" -- \
	--lcores "$LCORES" --port 0,addr=10.1.0.1/24,addr6=fd01::1/64 \
	--port 1,addr=10.2.0.1/24,addr6=fd02::1/64,mtu=1280 \
	--route 10.3.0.0/16,via=10.2.0.2 --route fd03::/64,via=fd02::2 "${HOLD[@]}" || exit 1
two_ns_sides || exit 1
in_b ip addr add 10.3.0.1/32 dev lo
in_b ip -6 addr add fd03::1/128 dev lo

# ---- reachability ----
check "ping A -> B over IPv4 through tern" in_a ping -c 3 -i 0.2 -W 2 10.2.0.2
check "ping B -> A over IPv4 through tern" in_b ping -c 3 -i 0.2 -W 2 10.1.0.2
check "ping A -> B over IPv6 through tern" in_a ping -6 -c 3 -i 0.2 -W 2 fd02::2
check "ping B -> A over IPv6 through tern" in_b ping -6 -c 3 -i 0.2 -W 2 fd01::2
check "ping A -> 10.3.0.1 (route via gateway 10.2.0.2)" in_a ping -c 2 -i 0.2 -W 2 10.3.0.1
check "ping A -> fd03::1 (route via gateway fd02::2)" in_a ping -6 -c 2 -i 0.2 -W 2 fd03::1
check "ping A -> tern's far-side address (a router is a host)" \
	in_a ping -c 2 -i 0.2 -W 2 10.2.0.1
check "the TTL seen by B is one less than A's (64 - 1)" \
	bash -c "ip netns exec $NSA ping -c 1 -W 2 10.2.0.2 | grep -q 'ttl=63'"

# ---- traceroute ----
in_a traceroute -n -q 1 -w 2 -m 5 10.2.0.2 >"$out/tr4" 2>&1
cat "$out/tr4"
check "traceroute -n shows tern (10.1.0.1) as hop 1, then B" \
	bash -c "awk '\$1 == 1 {print \$2}' $out/tr4 | grep -qx 10.1.0.1 &&
		 awk '\$1 == 2 {print \$2}' $out/tr4 | grep -qx 10.2.0.2"
in_a traceroute6 -n -q 1 -w 2 -m 5 fd02::2 >"$out/tr6" 2>&1
cat "$out/tr6"
check "traceroute6 -n shows tern (fd01::1) as hop 1, then B" \
	bash -c "awk '\$1 == 1 {print \$2}' $out/tr6 | grep -qx fd01::1 &&
		 awk '\$1 == 2 {print \$2}' $out/tr6 | grep -qx fd02::2"

# ---- 5,000-byte UDP without DF, fragmented again by tern ----
cat >"$out/udp_rx.py" <<'EOF'
import hashlib, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.2.0.2", 5555))
s.settimeout(10)
d, _ = s.recvfrom(65535)
print(len(d), hashlib.sha256(d).hexdigest())
EOF
cat >"$out/udp_tx.py" <<'EOF'
import hashlib, socket, time
d = bytes((i * 7 + 3) & 0xff for i in range(5000))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, 10, 0)	# IP_MTU_DISCOVER = IP_PMTUDISC_DONT: no DF
for _ in range(3):
	s.sendto(d, ("10.2.0.2", 5555))
	time.sleep(0.2)
print(len(d), hashlib.sha256(d).hexdigest())
EOF
in_b timeout 15 "$PY" "$out/udp_rx.py" >"$out/udp_rx" 2>&1 &
BG_PIDS+=($!)
sleep 0.5
in_a timeout 15 "$PY" "$out/udp_tx.py" >"$out/udp_tx" 2>&1
wait "${BG_PIDS[-1]}"
echo "sent: $(cat "$out/udp_tx")  received: $(cat "$out/udp_rx")"
check "5,000-byte UDP without DF arrives whole (length and SHA-256)" \
	bash -c "[ \"\$(cat $out/udp_tx)\" = \"\$(cat $out/udp_rx)\" ] &&
		 grep -q '^5000 ' $out/udp_rx"

# ---- TCP through the 1,280-byte link: PMTU discovery through tern ----
tcp_transfer() {	# tcp_transfer NAME DST LISTEN MB
	local name=$1 dst=$2 listen=$3 mb=$4
	head -c $((mb * 1000 * 1000)) /dev/urandom >"$out/send"
	rm -f "$out/recv"
	in_b timeout 300 socat -u "$listen,reuseaddr" "OPEN:$out/recv,creat,trunc" &
	local srv=$!
	BG_PIDS+=($srv)
	sleep 0.5
	local t0=$SECONDS
	in_a timeout 300 socat -u "OPEN:$out/send" "$dst"
	local rc=$?
	wait $srv
	echo "$name: $mb MB in $((SECONDS - t0)) s (socat rc $rc)"
	check "$name: $mb MB through tern, SHA-256 equal" \
		bash -c "[ \"\$(sha256sum <$out/send)\" = \"\$(sha256sum <$out/recv)\" ]"
}
in_a ip route flush cache
tcp_transfer "TCP over IPv4" TCP:10.2.0.2:5001 TCP4-LISTEN:5001 100
in_a ip route get 10.2.0.2 | tee "$out/pmtu4"
check "A learned path MTU 1280 to B (from tern's Fragmentation Needed)" \
	grep -q "mtu 1280" "$out/pmtu4"
tcp_transfer "TCP over IPv6" "TCP6:[fd02::2]:5002" "TCP6-LISTEN:5002" 20
in_a ip -6 route get fd02::2 | tee "$out/pmtu6"
check "A learned path MTU 1280 to B over IPv6 (from tern's Packet Too Big)" \
	grep -q "mtu 1280" "$out/pmtu6"

# ---- exit and counters ----
kill -INT "$TERN_PID"
wait "$TERN_PID"
rc=$?
TERN_PID=
check "tern-l3fwd exits 0 on SIGINT" test $rc -eq 0
grep -v "^tap_\|^qdisc_\|^eth_dev_tap\|^TELEMETRY" "$LOG"
# at least 100 MB and 20 MB in segments of at most 1,240 bytes (MSS at MTU 1280)
check "IPv4 packets forwarded" test "$(counter fwd4_pkts)" -ge $((100000000 / 1240))
check "IPv6 packets forwarded" test "$(counter fwd6_pkts)" -ge $((20000000 / 1220))
check "Time Exceeded sent (traceroute)" test "$(counter fwd_icmp_time_out)" -ge 2
check "Fragmentation Needed for DF IPv4 (drop_fwd4_df)" test "$(counter drop_fwd4_df)" -ge 1
check "Packet Too Big for IPv6 (drop_fwd6_too_big)" test "$(counter drop_fwd6_too_big)" -ge 1
check "ICMP too-big errors sent" test "$(counter fwd_icmp_too_big_out)" -ge 2
check "IPv4 fragmented by tern (the UDP datagram's fragments)" \
	test "$(counter fwd4_fragmented)" -ge 1
check "next hops learned by ARP (replies received)" test "$(counter arp_rep_in)" -ge 1
check "next hops learned by ND (advertisements received)" test "$(counter nd_na_in)" -ge 1
check "no neighbor resolution failed" test "$(counter drop_neigh_timeout)" -eq 0
if [ "$LCORES" -eq 2 ]; then
	check "both contexts forwarded packets" test "$(awk '/: context [01] \(lcore/ &&
		($9 + $12) > 0 { n++ } END { print n + 0 }' "$LOG")" -eq 2
fi
checks_summary
st=$?
if [ "$LCORES" -eq 1 ]; then
	# the same with two contexts, in a fresh process of this script
	trap - EXIT
	interop_cleanup
	L3FWD_LCORES=2 bash "$0" "$BUILD"
	st2=$?
	[ $st -eq 0 ] && st=$st2
fi
exit $st
