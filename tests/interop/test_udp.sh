#!/usr/bin/env bash
# Interop: tern-l4fwd's UDP streams against the Linux kernel, in a network
# namespace behind a TAP port, over IPv4 and IPv6:
#   - echo: 10,000 datagrams of 1..1472 bytes (IPv6: 1..1452, what fits in
#     one packet) and 2,000..60,000-byte datagrams (IP-fragmented both ways)
#     come back intact, none lost; the same with --no-offload and with two
#     contexts (--lcores 2);
#   - datagrams whose checksum computes to 0 (sent as 0xffff), and echo to
#     tern's IPv6 link-local address;
#   - port unreachable: a datagram to a port with no stream gets an ICMP
#     port unreachable (the kernel socket sees ECONNREFUSED);
#   - fwd: datagrams relayed to a kernel echo server and back to the client;
#   - tx: the kernel receives exactly what tern-l4fwd sent (also fragmented,
#     and at a set --rate);
#   - rx: tern-l4fwd counts exactly what the kernel sent.
# Prints "checks: N passed, M failed".
# Usage: test_udp.sh BUILD_DIR (the build root, or its examples/ directory)
set -u
BUILD=${1:?usage: test_udp.sh BUILD_DIR}
HERE="$(cd "$(dirname "$0")" && pwd)"
TOOLS="$(cd "$HERE/../../tools" && pwd)"
PY=/usr/bin/python3
CLIENT="$HERE/udp_client.py"
TERN_NS=ternudp$$ TERN_IF=ternu$$ TERN_PREFIX=ternudp$$
# shellcheck source=SCRIPTDIR/../../tools/netns-lib.sh
. "$TOOLS/netns-lib.sh"

# Extra EAL arguments for one run (the lcore list of the --lcores 2 run).
EAL_EXTRA=
tern_eal_args() {
	echo "--no-huge -m 512 --no-pci --file-prefix ${TERN_PREFIX}" \
	     "--log-level=*:notice --vdev net_tap0,iface=${TERN_IF} ${EAL_EXTRA}"
}

# shellcheck source=SCRIPTDIR/checks.sh
. "$HERE/checks.sh"
L4FWD=$(l4fwd_path "$BUILD")
interop_init

py() {	# py OUTFILE ARGS...: the client in the namespace, its output kept
	local f=$1; shift
	timeout 300 ip netns exec "${TERN_NS}" "$PY" "$CLIENT" "$@" >"$f" 2>&1
	local rc=$?
	cat "$f"
	return $rc
}

# The echo check: every datagram back, byte for byte.
echo_ok() {	# echo_ok OUTFILE COUNT
	grep -q "sent=$2 ok=$2 lost=0 corrupted=0 unexpected=0" "$1"
}

# A value from the l4fwd log: final_val FAMILY|final KEY
final_val() {
	awk -v w="$1" -v k="$2" '$1 == "tern-l4fwd:" && $2 == w {
		for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' \
		"${TERN_LOG}" | tail -1 | grep . || echo -1
}

# final_is WHO:KEY=VALUE...: every value as in the log (WHO: final, ipv4, ipv6)
final_is() {
	local a who kv
	for a in "$@"; do
		who=${a%%:*} kv=${a#*:}
		[ "$(final_val "$who" "${kv%%=*}")" = "${kv#*=}" ] || return 1
	done
}

# counters NAME OP N...: tern counters of the final block compared (OP: -eq, -gt, ...)
counters() {
	while [ $# -ge 3 ]; do
		test "$(tern_counter "$1")" "$2" "$3" || return 1
		shift 3
	done
}

# Start tern-l4fwd with ARGS, then configure the kernel's end.
start_l4fwd() {	# start_l4fwd NAME ARGS...
	local name=$1; shift
	TERN_LOG="$out/$name.log"
	if ! tern_start "$L4FWD" "$@"; then
		return 1
	fi
	[ -n "${PRE_PEER:-}" ] && eval "$PRE_PEER"
	tern_peer_setup || return 1
	# A datagram burst must not overflow the TAP's queue towards tern.
	tern_ns ip link set dev "${TERN_IF}" txqueuelen 20000
}

stop_l4fwd() {
	tern_stop
	local rc=$?
	check "tern-l4fwd $1 exits 0" test $rc -eq 0
	check "tern-l4fwd $1: no UDP checksum drops" test "$(tern_counter drop_udp_cksum)" -eq 0
	check "tern-l4fwd $1: no send refused by the stack" \
		sh -c "! grep -q 'send_failed=' '${TERN_LOG}'"
}

bg() {	# bg OUTFILE ARGS...: a client in the background; wait for "listening"
	local f=$1; shift
	ip netns exec "${TERN_NS}" "$PY" "$CLIENT" "$@" >"$f" 2>&1 &
	BG_PIDS+=($!)
	for _ in $(seq 100); do
		grep -q listening "$f" && return 0
		sleep 0.05
	done
	cat "$f"
	return 1
}

# Sizes of the big datagrams: 2,000..60,000 bytes, odd and even, IP-fragmented.
BIG="2000-60000/2999,1473,1480,4096,8193,65000"
BIG6="2000-60000/2999,1453,1460,4096,8193,65000"

echo "== command line"
E="--no-huge -m 512 --no-pci --file-prefix ${TERN_PREFIX}cli --log-level=*:error"
# shellcheck disable=SC2086
"$L4FWD" $E -- --proto sctp --addr 10.0.0.1/24 --lport 7000 >"$out/cli_tcp" 2>&1
rc=$?
check "--proto sctp exits 2" test $rc -eq 2
check "--proto sctp: the message names the bad value" \
	grep -q "invalid value 'sctp' for --proto" "$out/cli_tcp"
# shellcheck disable=SC2086
"$L4FWD" $E -- --addr 10.0.0.1/24 --lport 7000 --bogus >"$out/cli_bad" 2>&1
check "an unknown flag exits 2" test $? -eq 2
# shellcheck disable=SC2086
"$L4FWD" $E -- --addr 10.0.0.1/24 --lport 70000 >"$out/cli_bad" 2>&1
check "--lport 70000 exits 2" test $? -eq 2
# shellcheck disable=SC2086
"$L4FWD" $E -l 0 -- --addr 10.0.0.1/24 --lport 7000 --lcores 2 >"$out/cli_lc" 2>&1
rc=$?
check "--lcores 2 without the worker lcores exits 2, saying so" \
	sh -c "test $rc -eq 2 && grep -q 'needs 2 worker lcores' '$out/cli_lc'"
# shellcheck disable=SC2086
"$L4FWD" $E -- --help >"$out/cli_help" 2>&1
rc=$?
missing=
for f in proto mode addr addr6 lport raddr raddr6 rport size count rate burst lcores port \
	 gw gw6 stats-interval duration no-offload help; do
	grep -q -- "--$f\b" "$out/cli_help" || missing="$missing --$f"
done
check "--help exits 0 and documents every flag${missing:+ (missing:$missing)}" \
	test $rc -eq 0 -a -z "$missing"

echo "== echo (offloads on)"
if start_l4fwd echo --mode echo --addr 10.0.0.1/24 --addr6 fd00::1/64 --lport 7000; then
	py "$out/e4" echo 10.0.0.1 7000 --count 10000 --sizes 1-1472 --window 32
	check "echo IPv4: 10000 datagrams of 1..1472 bytes back intact" echo_ok "$out/e4" 10000
	py "$out/e6" echo fd00::1 7000 --count 10000 --sizes 1-1452 --window 32
	check "echo IPv6: 10000 datagrams of 1..1452 bytes back intact" echo_ok "$out/e6" 10000
	py "$out/eb4" echo 10.0.0.1 7000 --count 300 --sizes "$BIG" --window 4
	check "echo IPv4: 300 fragmented datagrams (1473..65000 bytes) back intact" \
		echo_ok "$out/eb4" 300
	py "$out/eb6" echo fd00::1 7000 --count 300 --sizes "$BIG6" --window 4
	check "echo IPv6: 300 fragmented datagrams (1453..65000 bytes) back intact" \
		echo_ok "$out/eb6" 300
	py "$out/z4" zero-cksum 10.0.0.1 7000 --count 20
	check "echo IPv4: datagrams whose checksum computes to 0 come back" \
		grep -q "sent=20 ok=20" "$out/z4"
	py "$out/z6" zero-cksum fd00::1 7000 --count 20
	check "echo IPv6: datagrams whose checksum computes to 0 come back (sent as 0xffff)" \
		grep -q "sent=20 ok=20" "$out/z6"
	mac=$(grep -o 'mac [0-9A-Fa-f:]*' "${TERN_LOG}" | awk '{print tolower($2)}')
	ll="fe80::$(printf '%x' $(( 0x${mac:0:2} ^ 2 )))${mac:3:2}:${mac:6:2}ff:fe${mac:9:2}"
	ll="$ll:${mac:12:2}${mac:15:2}"
	py "$out/ell" echo "$ll%${TERN_IF}" 7000 --count 100 --sizes 1-1452 --window 8
	check "echo IPv6 to tern's link-local address $ll: 100 datagrams back intact" \
		echo_ok "$out/ell" 100
	py "$out/u4" unreach 10.0.0.1 7999
	check "IPv4 datagram to a closed port: ICMP port unreachable" \
		grep -q "connection refused" "$out/u4"
	py "$out/u6" unreach fd00::1 7999
	check "IPv6 datagram to a closed port: ICMPv6 port unreachable" \
		grep -q "connection refused" "$out/u6"
	stop_l4fwd echo
	check "echo: every datagram received was sent back (IPv4 10320, IPv6 10420)" \
		final_is ipv4:rx_dgrams=10320 ipv4:tx_dgrams=10320 ipv6:rx_dgrams=10420 \
			ipv6:tx_dgrams=10420
	check "echo: drop_udp_noport > 0" test "$(tern_counter drop_udp_noport)" -gt 0
	check "echo: icmp4_unreach_out > 0 and icmp6_unreach_out > 0" \
		counters icmp4_unreach_out -gt 0 icmp6_unreach_out -gt 0
	check "echo: datagrams reassembled and fragmented (frag_reasm_ok, frag_fragmented > 0)" \
		counters frag_reasm_ok -gt 0 frag_fragmented -gt 0
	check "echo: checksums left to the device (udp_cksum_tx_hw > 0)" \
		test "$(tern_counter udp_cksum_tx_hw)" -gt 0
else
	check "tern-l4fwd echo starts" false
fi

echo "== echo (--no-offload)"
if start_l4fwd echo_sw --mode echo --addr 10.0.0.1/24 --addr6 fd00::1/64 --lport 7000 \
		--no-offload; then
	py "$out/s4" echo 10.0.0.1 7000 --count 3000 --sizes 1-1472 --window 32
	check "echo --no-offload IPv4: 3000 datagrams back intact" echo_ok "$out/s4" 3000
	py "$out/s6" echo fd00::1 7000 --count 3000 --sizes 1-1452 --window 32
	check "echo --no-offload IPv6: 3000 datagrams back intact" echo_ok "$out/s6" 3000
	py "$out/sb4" echo 10.0.0.1 7000 --count 60 --sizes "$BIG" --window 4
	check "echo --no-offload IPv4: 60 fragmented datagrams back intact" echo_ok "$out/sb4" 60
	py "$out/sb6" echo fd00::1 7000 --count 60 --sizes "$BIG6" --window 4
	check "echo --no-offload IPv6: 60 fragmented datagrams back intact" echo_ok "$out/sb6" 60
	py "$out/sz6" zero-cksum fd00::1 7000 --count 20
	check "echo --no-offload IPv6: a checksum that computes to 0 goes out as 0xffff" \
		grep -q "sent=20 ok=20" "$out/sz6"
	stop_l4fwd echo_sw
	check "echo --no-offload: checksums in software only" \
		counters udp_cksum_tx_hw -eq 0 udp_cksum_tx_sw -gt 0
else
	check "tern-l4fwd echo --no-offload starts" false
fi

echo "== echo with two contexts (--lcores 2)"
if [ "$(nproc)" -ge 3 ]; then
	EAL_EXTRA="-l 0-2"
else
	EAL_EXTRA="--lcores=0@0,1@1,2@1"	# two workers share the second CPU
fi
if start_l4fwd echo_mq --mode echo --addr 10.0.0.1/24 --addr6 fd00::1/64 --lport 7000 \
		--lcores 2; then
	for i in 1 2 3 4 5 6 7 8; do
		f=4
		[ $((i % 2)) -eq 0 ] && f=6
		addr=10.0.0.1 sizes=1-1472
		[ $f = 6 ] && addr=fd00::1 sizes=1-1452
		timeout 300 ip netns exec "${TERN_NS}" "$PY" "$CLIENT" echo "$addr" 7000 \
			--count 1000 --sizes "$sizes" --window 16 --seed "$i" >"$out/mq$i" 2>&1 &
		pids[i]=$!
	done
	mq_ok=true
	for i in 1 2 3 4 5 6 7 8; do
		wait "${pids[i]}"
		cat "$out/mq$i"
		echo_ok "$out/mq$i" 1000 || mq_ok=false
	done
	check "echo --lcores 2: 8 clients x 1000 datagrams back intact" $mq_ok
	stop_l4fwd echo_mq
	grep "worker [0-9]" "${TERN_LOG}"
	check "echo --lcores 2: 8000 datagrams echoed in all" \
		final_is final:rx_dgrams=8000 final:tx_dgrams=8000
else
	check "tern-l4fwd echo --lcores 2 starts" false
fi
EAL_EXTRA=

echo "== fwd to a kernel echo server"
# shellcheck disable=SC2016 # expanded when start_l4fwd evals it
PRE_PEER='bg "$out/fwd_srv" echo-server --bind :: --port 9001'
if start_l4fwd fwd --mode fwd --addr 10.0.0.1/24 --addr6 fd00::1/64 --lport 7000 \
		--raddr 10.0.0.2 --raddr6 fd00::2 --rport 9001; then
	py "$out/f4" echo 10.0.0.1 7000 --count 2000 --sizes 1-1472 --window 16
	check "fwd IPv4: 2000 datagrams relayed there and back intact" echo_ok "$out/f4" 2000
	py "$out/f6" echo fd00::1 7000 --count 2000 --sizes 1-1452 --window 16
	check "fwd IPv6: 2000 datagrams relayed there and back intact" echo_ok "$out/f6" 2000
	py "$out/fb4" echo 10.0.0.1 7000 --count 40 --sizes "$BIG" --window 2
	check "fwd IPv4: 40 fragmented datagrams relayed there and back intact" \
		echo_ok "$out/fb4" 40
	py "$out/fb6" echo fd00::1 7000 --count 40 --sizes "$BIG6" --window 2
	check "fwd IPv6: 40 fragmented datagrams relayed there and back intact" \
		echo_ok "$out/fb6" 40
	stop_l4fwd fwd
	check "fwd: 2 x 4080 datagrams received and sent" \
		final_is final:rx_dgrams=8160 final:tx_dgrams=8160
	check "fwd: no datagram without a client or backend" \
		sh -c "! grep -q 'no_client=\|no_backend=' '${TERN_LOG}'"
else
	check "tern-l4fwd fwd starts" false
fi
PRE_PEER=

echo "== tx to a kernel receiver"
# The receiver binds before the kernel's end is configured: tern-l4fwd sends
# once it has resolved the kernel's MAC, and nothing may arrive before.
# shellcheck disable=SC2016 # expanded when start_l4fwd evals it
PRE_PEER='bg "$out/rcv" recv --bind :: --port 9000 --count 20000 --idle 3'
if start_l4fwd tx --mode tx --addr 10.0.0.1/24 --addr6 fd00::1/64 --lport 7000 \
		--raddr 10.0.0.2 --raddr6 fd00::2 --rport 9000 --size 512 --count 20000; then
	for _ in $(seq 600); do
		grep -q "^recv:" "$out/rcv" && break
		sleep 0.1
	done
	cat "$out/rcv"
	stop_l4fwd tx
	grep "tx done" "${TERN_LOG}"
	sent4=$(final_val ipv4 tx_dgrams) sent6=$(final_val ipv6 tx_dgrams)
	check "tx: tern-l4fwd sent 20000 datagrams of 512 bytes" \
		final_is final:tx_dgrams=20000 final:tx_bytes=10240000
	check "tx: the kernel received all 20000 (IPv4 $sent4, IPv6 $sent6), 10240000 bytes" \
		grep -q "dgrams=20000 bytes=10240000 v4=$sent4 v6=$sent6 " "$out/rcv"
else
	check "tern-l4fwd tx starts" false
fi

echo "== tx, fragmented, at --rate 2000"
# shellcheck disable=SC2016 # expanded when start_l4fwd evals it
PRE_PEER='bg "$out/rcv2" recv --bind 0.0.0.0 --port 9000 --count 2000 --idle 3'
if start_l4fwd tx_rate --mode tx --addr 10.0.0.1/24 --lport 7000 --raddr 10.0.0.2 \
		--rport 9000 --size 8000 --count 2000 --rate 2000; then
	for _ in $(seq 600); do
		grep -q "^recv:" "$out/rcv2" && break
		sleep 0.1
	done
	cat "$out/rcv2"
	stop_l4fwd tx_rate
	check "tx --size 8000: the kernel received 2000 fragmented datagrams, 16000000 bytes" \
		grep -q "dgrams=2000 bytes=16000000 " "$out/rcv2"
	secs=$(sed -n 's/.* secs=\([0-9.]*\) .*/\1/p' "$out/rcv2")
	check "tx --rate 2000: 2000 datagrams took at least 0.9 s (took ${secs:-?} s)" \
		awk -v s="${secs:-0}" 'BEGIN { exit !(s >= 0.9) }'
	check "tx --size 8000: fragmented (frag_out >= 12000)" \
		test "$(tern_counter frag_out)" -ge 12000
else
	check "tern-l4fwd tx --rate starts" false
fi
PRE_PEER=

echo "== rx from a kernel sender"
if start_l4fwd rx --mode rx --addr 10.0.0.1/24 --addr6 fd00::1/64 --lport 7000; then
	# Resolve first: the kernel queues only a few datagrams while it ARPs.
	tern_ns ping -c 1 -W 2 10.0.0.1 >/dev/null
	tern_ns ping -6 -c 1 -W 2 fd00::1 >/dev/null
	py "$out/snd4" send 10.0.0.1 7000 --count 10000 --size 512
	py "$out/snd6" send fd00::1 7000 --count 10000 --size 512
	sleep 0.5
	stop_l4fwd rx
	check "rx IPv4: tern-l4fwd received all 10000 datagrams, 5120000 bytes" \
		final_is ipv4:rx_dgrams=10000 ipv4:rx_bytes=5120000
	check "rx IPv6: tern-l4fwd received all 10000 datagrams, 5120000 bytes" \
		final_is ipv6:rx_dgrams=10000 ipv6:rx_bytes=5120000
	check "rx: nothing queued was dropped (drop_udp_rxq_full = 0)" \
		test "$(tern_counter drop_udp_rxq_full)" -eq 0
else
	check "tern-l4fwd rx starts" false
fi

if [ $fail -ne 0 ]; then
	for f in "$out"/*.log; do echo "--- $f"; cat "$f"; done
fi
checks_summary
