#!/usr/bin/env bash
# Interop: path MTU discovery against kernel routers (RFC 1191, RFC 8201)
# and black hole detection (RFC 4821 7.5), three namespaces:
#
#   tern-l4fwd --TAP-- [R1] --veth, MTU 1000 (IPv4) / 1280 (IPv6)-- [R2] --veth 1500-- [PEER]
#   10.0.0.1            .2   10.1.0.1        10.1.0.2               10.2.0.1  10.2.0.2
#   fd00::1             ::2  fd01::1         fd01::2                fd02::1   fd02::2
#
# Both ends sit on 1500-byte links and announce an MSS that does not fit
# the middle link, so each side learns the path from the router in front
# of it: R1 answers tern's large segments with Fragmentation Needed /
# Packet Too Big, R2 the kernel's.
#   - ICMP: the kernel client in PEER sends 50 MB to tern-l4fwd's TCP echo
#     and reads it back (50 MB each way), IPv4 and IPv6, SHA-256 equal;
#     tern counted the ICMP and lowered its path MTU (pmtu_lowered,
#     tcp_pmtu_updates) without a black hole detection.
#   - Black hole: the same with every Fragmentation Needed / Packet Too Big
#     of R1 and R2 dropped by iptables (OUTPUT); a fresh tern-l4fwd finds
#     the path by RTOs (tcp_plpmtud_lowered), the kernel in PEER by its own
#     tcp_mtu_probing=1 (Linux's default 0 would leave its direction
#     stalled: that side is the kernel's, not tern's). Times printed.
#   - Refused by ICMP: PEER rejects TCP to port 7100 with an ICMP port
#     unreachable (iptables REJECT) instead of a RST; tern-l4fwd's connect
#     there fails with "Connection refused" (tcp_icmp_hard_errs).
# Prints "checks: N passed, M failed".
# Usage: test_pmtu.sh BUILD_DIR
set -u
BUILD=${1:?usage: test_pmtu.sh BUILD_DIR}
HERE="$(cd "$(dirname "$0")" && pwd)"
TOOLS="$(cd "$HERE/../../tools" && pwd)"
PY=/usr/bin/python3
CLIENT="$HERE/tcp_client.py"
TERN_NS=ternpm1$$ TERN_IF=ternp$$ TERN_PREFIX=ternpm$$
R2=ternpm2$$ PEER=ternpm3$$
# shellcheck source=SCRIPTDIR/../../tools/netns-lib.sh
. "$TOOLS/netns-lib.sh"
# shellcheck source=SCRIPTDIR/checks.sh
. "$HERE/checks.sh"
L4FWD=$(l4fwd_path "$BUILD")
MB50=$((50 * 1000 * 1000))
TERN_KEEP_NS=1

for c in iptables ip6tables; do
	command -v $c >/dev/null || { echo "test_pmtu: $c not installed (tools/install-deps.sh)" >&2; exit 1; }
done

cleanup_pmtu() {
	ip netns del "$R2" 2>/dev/null
	ip netns del "$PEER" 2>/dev/null
}
interop_init
trap 'cleanup_pmtu; interop_cleanup; exit $?' EXIT

r1() { ip netns exec "${TERN_NS}" "$@"; }
r2() { ip netns exec "$R2" "$@"; }
peer() { ip netns exec "$PEER" "$@"; }

# The routers and the peer, once; tern's TAP joins R1 at each start.
topology() {
	ip netns del "${TERN_NS}" 2>/dev/null
	ip netns add "${TERN_NS}" && ip netns add "$R2" && ip netns add "$PEER" || return 1
	local ns
	for ns in "${TERN_NS}" "$R2" "$PEER"; do
		ip netns exec "$ns" ip link set lo up
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.accept_dad=0
	done
	ip link add pm4a$$ netns "${TERN_NS}" type veth peer name pm4b$$ netns "$R2" || return 1
	ip link add pm6a$$ netns "${TERN_NS}" type veth peer name pm6b$$ netns "$R2" || return 1
	ip link add pmpa$$ netns "$R2" type veth peer name pmpb$$ netns "$PEER" || return 1
	r1 ip link set pm4a$$ mtu 1000 up && r2 ip link set pm4b$$ mtu 1000 up &&
	r1 ip link set pm6a$$ mtu 1280 up && r2 ip link set pm6b$$ mtu 1280 up &&
	r2 ip link set pmpa$$ up && peer ip link set pmpb$$ up || return 1
	r1 ip addr add 10.1.0.1/24 dev pm4a$$ && r2 ip addr add 10.1.0.2/24 dev pm4b$$ &&
	r1 ip -6 addr add fd01::1/64 dev pm6a$$ nodad && r2 ip -6 addr add fd01::2/64 dev pm6b$$ nodad &&
	r2 ip addr add 10.2.0.1/24 dev pmpa$$ && peer ip addr add 10.2.0.2/24 dev pmpb$$ &&
	r2 ip -6 addr add fd02::1/64 dev pmpa$$ nodad && peer ip -6 addr add fd02::2/64 dev pmpb$$ nodad ||
		return 1
	r1 sysctl -qw net.ipv4.ip_forward=1 && r1 sysctl -qw net.ipv6.conf.all.forwarding=1 &&
	r2 sysctl -qw net.ipv4.ip_forward=1 && r2 sysctl -qw net.ipv6.conf.all.forwarding=1 || return 1
	r1 ip route add 10.2.0.0/24 via 10.1.0.2 && r1 ip -6 route add fd02::/64 via fd01::2 &&
	r2 ip route add 10.0.0.0/24 via 10.1.0.1 && r2 ip -6 route add fd00::/64 via fd01::1 &&
	peer ip route add default via 10.2.0.1 && peer ip -6 route add default via fd02::1
}

# start ARGS...: a fresh tern-l4fwd (an empty path MTU cache) behind R1.
start() {
	tern_start "$L4FWD" --addr 10.0.0.1/24 --addr6 fd00::1/64 --gw 10.0.0.2 \
		--gw6 fd00::2 "$@" || return 1
	tern_peer_setup || return 1
	# the kernel's path MTU exceptions go too
	peer ip route flush cache; peer ip -6 route flush cache
	peer ping -c 1 -W 2 10.0.0.1 >/dev/null && peer ping -6 -c 1 -W 2 fd00::1 >/dev/null
}

# echo_run TAG HOST: 50 MB from PEER to tern's echo and back, timed
echo_run() {
	local t0 t1 rc
	t0=$(date +%s.%N)
	timeout 300 ip netns exec "$PEER" "$PY" "$CLIENT" echo "$2" 7000 $MB50 >"$out/$1" 2>&1
	rc=$?
	t1=$(date +%s.%N)
	cat "$out/$1"
	echo "   $1: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s"
	return $rc
}

topology || { check "three namespaces set up" false; checks_summary; exit 1; }

# --- ICMP answered: both sides learn the path from the routers ---
TERN_LOG="$out/icmp.log"
if start --proto tcp --mode echo --lport 7000; then
	check "ICMP, IPv4: 50 MB each way through the 1,000-byte link, SHA-256 equal" \
		echo_run e4 10.0.0.1
	check "ICMP, IPv6: 50 MB each way through the 1,280-byte link, SHA-256 equal" \
		echo_run e6 fd00::1
	tern_stop
	grep -E "^  (icmp|pmtu|tcp_pmtu|tcp_plpmtud|tcp_rto|drop_icmp)" "$TERN_LOG"
	check "ICMP: tern took Fragmentation Needed and Packet Too Big" \
		test "$(tern_counter icmp_err_to_tcp)" -ge 2
	check "ICMP: tern lowered its path MTU for both destinations" \
		test "$(tern_counter pmtu_lowered)" -ge 2
	check "ICMP: no black hole detection was needed" \
		test "$(tern_counter tcp_plpmtud_lowered)" -eq 0
else
	check "tern-l4fwd echo starts (ICMP phase)" false
fi

# --- black hole: the routers' ICMP dropped ---
for ns in "${TERN_NS}" "$R2"; do
	ip netns exec "$ns" iptables -A OUTPUT -p icmp --icmp-type fragmentation-needed -j DROP
	ip netns exec "$ns" ip6tables -A OUTPUT -p icmpv6 --icmpv6-type packet-too-big -j DROP
done
peer sysctl -qw net.ipv4.tcp_mtu_probing=1
TERN_LOG="$out/blackhole.log"
if start --proto tcp --mode echo --lport 7000; then
	check "black hole, IPv4: 50 MB each way, SHA-256 equal" echo_run b4 10.0.0.1
	check "black hole, IPv6: 50 MB each way, SHA-256 equal" echo_run b6 fd00::1
	tern_stop
	grep -E "^  (icmp|pmtu|tcp_pmtu|tcp_plpmtud|tcp_rto|drop_icmp)" "$TERN_LOG"
	check "black hole: no ICMP reached tern" test "$(tern_counter icmp_err_to_tcp)" -eq 0
	check "black hole: tern found it by RTOs, for both destinations" \
		test "$(tern_counter tcp_plpmtud_lowered)" -ge 2
	r1 iptables -L OUTPUT -v -n | grep -i drop
else
	check "tern-l4fwd echo starts (black hole phase)" false
fi

# --- a connect refused by an ICMP port unreachable, not a RST ---
peer iptables -A INPUT -p tcp --dport 7100 -j REJECT --reject-with icmp-port-unreachable
TERN_LOG="$out/refused.log"
refused_rc=none
# (no pings here: tern-l4fwd exits as soon as the connect fails)
if tern_start "$L4FWD" --addr 10.0.0.1/24 --gw 10.0.0.2 --proto tcp --mode tx --lport 0 \
	--raddr 10.2.0.2 --rport 7100 --count 1000 && tern_peer_setup; then
	for _ in $(seq 100); do
		kill -0 "${TERN_PID}" 2>/dev/null || break
		sleep 0.1
	done
	tern_stop
	refused_rc=$?
fi
check "refused by ICMP: tern-l4fwd exits with status 1 (got $refused_rc)" test "$refused_rc" = 1
check "refused by ICMP: Connection refused is printed" \
	grep -q "TCP connection: Connection refused" "$TERN_LOG"
check "refused by ICMP: the ICMP failed the connect (tcp_icmp_hard_errs)" \
	test "$(tern_counter tcp_icmp_hard_errs)" -eq 1

checks_summary
