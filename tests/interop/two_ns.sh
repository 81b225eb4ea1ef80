#!/usr/bin/env bash
# Shared by the interop tests of a tern router between two namespaces
# (test_l3fwd.sh, test_l3fwd_pcap.sh, test_proxy.sh): side A is
# namespace $NSA behind TAP $IFA (tern's port 0), side B $NSB behind $IFB
# (port 1). Source it after checks.sh with NSA, NSB, IFA, IFB set; it
# replaces netns-lib's tern_cleanup (checks.sh's EXIT trap calls it).

tern_cleanup() {
	local rc=$?
	tern_kill
	ip netns del "$NSA" 2>/dev/null
	ip netns del "$NSB" 2>/dev/null
	ip link del "$IFA" 2>/dev/null
	ip link del "$IFB" 2>/dev/null
	return $rc
}

in_a() { ip netns exec "$NSA" "$@"; }
in_b() { ip netns exec "$NSB" "$@"; }

# counter NAME: from the final counters the router printed to $LOG
counter() {
	awk -v n="$1" '/counters \(final/ {f=1} f && $1 == n {print $2; exit}' "$LOG" |
		grep . || echo 0
}

# two_ns_start CMD...: make both namespaces, run CMD (the router, its output
# to $LOG) in the background as TERN_PID, wait for "ready" and both TAP
# interfaces UP, move them into their namespaces. Non-zero (the log shown)
# if the router exits first.
two_ns_start() {
	ip netns add "$NSA" || return 1
	ip netns add "$NSB" || return 1
	"$@" >"$LOG" 2>&1 &
	TERN_PID=$!
	for _ in $(seq 100); do
		grep -q "ready" "$LOG" 2>/dev/null && ip link show "$IFA" 2>/dev/null | grep -q UP &&
			ip link show "$IFB" 2>/dev/null | grep -q UP && break
		if ! kill -0 "$TERN_PID" 2>/dev/null; then
			echo "FAIL: $(basename "$1") exited early:"
			cat "$LOG"
			return 1
		fi
		sleep 0.1
	done
	ip link set "$IFA" netns "$NSA" || return 1
	ip link set "$IFB" netns "$NSB" || return 1
}

# two_ns_side NS IF MAC ADDR4 ADDR6 GW4 GW6: the kernel's end of one side
two_ns_side() {
	local n="ip netns exec $1"
	$n sysctl -qw net.ipv6.conf.all.accept_dad=0
	$n sysctl -qw "net.ipv6.conf.$2.accept_dad=0"
	$n ip link set lo up
	$n ip link set "$2" address "$3"
	$n ip link set "$2" mtu 1500
	$n ip addr add "$4" dev "$2"
	$n ip -6 addr add "$5" dev "$2" nodad
	$n ip link set "$2" up
	$n ip route add default via "$6"
	$n ip -6 route add default via "$7"
}

# two_ns_sides: both sides as every test here has them (A 10.1.0.2 /
# fd01::2 via tern's 10.1.0.1 / fd01::1, B 10.2.0.2 / fd02::2 via .1 / ::1)
two_ns_sides() {
	two_ns_side "$NSA" "$IFA" 02:00:00:00:0a:02 10.1.0.2/24 fd01::2/64 10.1.0.1 fd01::1 &&
	two_ns_side "$NSB" "$IFB" 02:00:00:00:0b:02 10.2.0.2/24 fd02::2/64 10.2.0.1 fd02::1
}
