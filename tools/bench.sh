#!/usr/bin/env bash
# `make bench`: the standard benchmark set.
#  1. UDP echo, 64-byte payloads, generator and tern on two lcores over an
#     in-process ring pair, against the kernel (recvmmsg/sendmmsg on
#     loopback) in the same run: the RESULT line the issue asks for.
#  2. The same with generator and stack taking turns on one lcore: the
#     stack's own cost with the packets already in its cache.
#  3. The same over a memif pair in one process (packets copied).
#  4. dpdk-testpmd (flowgen) against tern-l4fwd echo over memif, and
#     testpmd against a testpmd reflector as the same-run baseline.
#  5. TCP, a tern client (worker lcore) and a tern server (main lcore, timed)
#     over the ring pair, each against the kernel (loopback, epoll) in the
#     same run: tcp-crr (connect, 64 B request, 64 B response, close),
#     tcp-rr (64 B request/response on 100 connections), tcp-stream (bulk,
#     one connection; every run once with TSO and GRO off and once on,
#     --offload both: a RESULT line for each, offload=off and offload=on, and
#     an OFFLOAD line with the on/off throughput ratio; then offload on with
#     --trust-rx-cksum: the server's cost without the software check of each
#     received byte, rx_cksum=trusted), tcp-conns (1,000,000
#     idle connections: memory per connection; a few GB of RAM); then tcp-crr
#     and tcp-rr on one lcore; syn-flood (tcp-crr measured without, then
#     with, spoofed SYNs put into the server's rx ring as fast as the
#     generator on the client's lcore goes: both connection rates, the
#     flood's SYNs/s, what the server held).
#  6. TCP ACK cost (tern-bench-ack, the two-stack harness, virtual time):
#     the sender's TSC cycles per ACK with 1,000 and with 100,000 segments
#     in flight and periodic loss; about 30 s, 3.5 GB of RAM.
#  7. l3fwd (tools/bench-l3fwd.sh): dpdk-testpmd flowgen against tern-l3fwd
#     and against DPDK's own l3fwd (built now from dpdk-doc) over memif, 64-byte
#     frames, Mpps of each, medians of 3 runs, and the ratio; cycles per
#     forwarded packet in process (tern-bench-l3fwd).
#  8. drop-in (tools/bench-dropin.sh, as root): redis-server and nginx,
#     unmodified, on the kernel (veth) and on tern (libtern_preload.so on a
#     TAP port), clients in a network namespace: requests/s, p99 and the
#     server's CPU time per request, DROPIN lines.
#  9. the idle back-off of tern_epoll_wait (tern-bench-idle): wake-up
#     latency after idle gaps and idle CPU, back-off on and off.
# 10. tern-bench --peer, the client alone, as a load generator for a server
#     in another process (tools/bench-peer.sh): tern-l4fwd over memif
#     (udp-echo, tcp-crr, tcp-rr, tcp-stream), and as root the kernel in a
#     namespace behind a TAP port; the client's cycles per op, errors,
#     timeouts, lost datagrams; RESULT workload=peer-W-l4fwd-memif and
#     peer-W-kernel-tap (udp-echo: peer-udp-echo-kernel-python-tap, a
#     Python echo loop).
# 11. the transparent proxy: tern-bench proxy-crr, proxy-rr, proxy-stream (a
#     tern client, tern-proxy's relay and a tern server in three contexts
#     over two ring pairs, the proxy's core timed, memory per proxied
#     connection, the kernel's direct tcp-crr/rr/stream in the same run),
#     on two lcores and then on one (-1lcore);
#     tools/bench-proxy.sh (as root): wrk against nginx through tern-proxy,
#     tern-l3fwd and HAProxy (PROXY lines); split TCP against routing,
#     100 MB with 10 ms on each link and 1 % loss on the server's (virtual
#     time, the stack test's world), four loss seeds (SPLIT lines).
# 12. two stacks at once (tools/bench-two-stacks.sh): udp-echo, tcp-rr and
#     tcp-crr on one lcore (--single) alone on each CPU, then on both at
#     once; TWOSTACKS lines: one core's figure, both together, the scaling.
# Close other work first: the machine has 2 vCPUs and these poll both.
set -u
BUILD=${1:-build}
BENCH="$BUILD/tools/tern-bench"
HERE=$(dirname "$0")
[ -x "$BENCH" ] || { echo "bench: $BENCH not built" >&2; exit 1; }
rc=0

echo "== 1. udp-echo, two lcores (ring pair), kernel baseline in the same run"
"$BENCH" --runs 5 --seconds 2 | tee /tmp/tern-bench-1.log || rc=1
echo
echo "== 2. udp-echo, one lcore (generator and stack take turns; only the stack is timed)"
"$BENCH" --runs 5 --seconds 2 --single --no-kernel | tee /tmp/tern-bench-2.log || rc=1
sed -i 's/^RESULT workload=udp-echo /RESULT workload=udp-echo-1lcore /' /tmp/tern-bench-2.log
echo
echo "== 3. udp-echo over a memif pair in one process (the PMD copies each packet)"
sock=$(mktemp -u /tmp/tern-bench-memif.XXXXXX)
"$BENCH" --no-huge -m 1024 --no-pci -l 0-1 --file-prefix tbm$$ --log-level='*:warning' \
	--vdev "net_memif0,role=server,id=0,socket=$sock,socket-abstract=no" \
	--vdev "net_memif1,role=client,id=0,socket=$sock,socket-abstract=no" \
	-- --wire memif --runs 3 --seconds 2 --no-kernel | tee /tmp/tern-bench-5.log || rc=1
rm -f "$sock"
echo
echo "== 4. dpdk-testpmd flowgen <-> tern-l4fwd echo over memif (and testpmd <-> testpmd)"
"$HERE/testpmd-memif.sh" --build "$BUILD" --testpmd-mode flowgen --seconds 5 \
	| tee /tmp/tern-bench-3.log || rc=1
"$HERE/testpmd-memif.sh" --build "$BUILD" --testpmd-mode flowgen --seconds 5 --peer testpmd \
	| tee /tmp/tern-bench-4.log || rc=1
echo
tcp_logs=""
for w in tcp-crr tcp-rr tcp-stream; do
	echo "== 5. $w, client and server on two lcores (ring pair), kernel baseline in the same run"
	args=""
	# TSO and GRO off, then on, in every run (fresh contexts for each)
	[ $w = tcp-stream ] && args="--offload both"
	# shellcheck disable=SC2086
	"$BENCH" --workload $w --runs 3 --seconds 1 $args | tee /tmp/tern-bench-$w.log || rc=1
	tcp_logs="$tcp_logs /tmp/tern-bench-$w.log"
	echo
done
echo "== 5. tcp-stream, offload on, the server's frames marked checksum-good as a checking NIC"
echo "   would mark them (--trust-rx-cksum): its cycles per byte without the software check"
"$BENCH" --workload tcp-stream --offload on --trust-rx-cksum --runs 3 --seconds 1 --no-kernel \
	| tee /tmp/tern-bench-tcp-stream-trust.log || rc=1
tcp_logs="$tcp_logs /tmp/tern-bench-tcp-stream-trust.log"
echo
echo "== 5. tcp-conns: 1,000,000 idle connections, memory per connection"
"$BENCH" --workload tcp-conns --conns 1000000 --runs 3 | tee /tmp/tern-bench-tcp-conns.log || rc=1
tcp_logs="$tcp_logs /tmp/tern-bench-tcp-conns.log"
echo
for w in tcp-crr tcp-rr; do
	echo "== 5. $w, one lcore (client and server take turns; only the server is timed)"
	"$BENCH" --workload $w --runs 3 --seconds 1 --single --no-kernel \
		| tee /tmp/tern-bench-$w-1lcore.log || rc=1
	sed -i "s/^RESULT workload=$w /RESULT workload=$w-1lcore /" /tmp/tern-bench-$w-1lcore.log
	tcp_logs="$tcp_logs /tmp/tern-bench-$w-1lcore.log"
	echo
done
echo "== 5. syn-flood: tcp-crr without and with spoofed SYNs from 2^22 sources"
"$BENCH" --workload syn-flood --runs 3 --seconds 1 | tee /tmp/tern-bench-syn-flood.log || rc=1
tcp_logs="$tcp_logs /tmp/tern-bench-syn-flood.log"
echo
echo "== 6. ack-cost: the sender's cycles per ACK, 1,000 and 100,000 segments in flight"
# (the harness prints each pair's impairments: none)
(set -o pipefail; "$BUILD/tools/tern-bench-ack" 2>&1 | grep -v '^harness: ' \
	| tee /tmp/tern-bench-ack.log) || rc=1
tcp_logs="$tcp_logs /tmp/tern-bench-ack.log"
echo "== 7. l3fwd: dpdk-testpmd flowgen (64-byte frames) <-> tern-l3fwd, and <-> DPDK's l3fwd,"
echo "      over memif, taking turns; then tern's cycles per forwarded packet in process"
"$HERE/bench-l3fwd.sh" "$BUILD" 7 3 | tee /tmp/tern-bench-l3fwd.log || rc=1
echo
if [ "$(id -u)" -eq 0 ]; then
	echo "== 8. drop-in: redis-server and nginx on the kernel and on tern (LD_PRELOAD)"
	"$HERE/bench-dropin.sh" "$BUILD" 5 | tee /tmp/tern-bench-dropin.log || rc=1
else
	echo "== 8. drop-in: skipped (needs root: TAP, veth, namespaces)"
fi
echo
echo "== 9. idle back-off: wake-up latency after idle gaps, idle CPU, on and off"
"$BUILD/tools/tern-bench-idle" --samples 300 --rounds 2 --idle-seconds 2 \
	| tee /tmp/tern-bench-idle.log || rc=1
echo
echo "== 10. tern-bench --peer: the client alone against tern-l4fwd (memif) and the kernel (TAP)"
"$HERE/bench-peer.sh" --build "$BUILD" --runs 3 --seconds 2 | tee /tmp/tern-bench-peer.log || rc=1
proxy_logs=""
for w in proxy-crr proxy-rr proxy-stream; do
	echo "== 11. $w: client, proxy (timed) and server in process, the kernel's direct run beside it"
	"$BENCH" --workload $w --runs 3 --seconds 1 | tee /tmp/tern-bench-$w.log || rc=1
	proxy_logs="$proxy_logs /tmp/tern-bench-$w.log"
	echo
done
for w in proxy-crr proxy-rr proxy-stream; do
	echo "== 11. $w, one lcore (client, proxy and server take turns; only the proxy is timed)"
	"$BENCH" --workload $w --runs 3 --seconds 1 --single | tee /tmp/tern-bench-$w-1lcore.log || rc=1
	sed -i "s/^RESULT workload=$w /RESULT workload=$w-1lcore /" /tmp/tern-bench-$w-1lcore.log
	proxy_logs="$proxy_logs /tmp/tern-bench-$w-1lcore.log"
	echo
done
echo "== 11. wrk against nginx through tern-proxy, tern-l3fwd and HAProxy"
"$HERE/bench-proxy.sh" "$BUILD" 5 3 | tee /tmp/tern-bench-proxy.log || rc=1
echo
echo "== 11. split TCP: 100 MB through the proxy and routed, 10 ms each link, 1 % loss (virtual time)"
# four seeds of the loss: which path is ahead at 100 MB depends on them
: >/tmp/tern-bench-split.log
for seed in 0 1 2 3; do
	(set -o pipefail; TERN_SPLIT_MB=100 TERN_SPLIT_SEED=$seed TERN_TEST_ONLY=split \
		CMOCKA_MESSAGE_OUTPUT=stdout "$BUILD/tests/test_stack_tcp_proxy" 2>&1 \
		| grep -v '^harness: ' | tee -a /tmp/tern-bench-split.log) || rc=1
done
echo
echo "== 12. two stacks at once: udp-echo, tcp-rr, tcp-crr on one lcore each, alone and on both CPUs together"
"$HERE/bench-two-stacks.sh" "$BUILD" 3 1 | tee /tmp/tern-bench-two-stacks.log || rc=1
echo
echo "== summary"
# bench-proxy.sh prints its PROXY lines as it goes and again at its end: once here
grep -h '^PROXY\|^SPLIT' /tmp/tern-bench-proxy.log /tmp/tern-bench-split.log 2>/dev/null |
	awk '!seen[$0]++'
# shellcheck disable=SC2086
grep -h '^RESULT' $proxy_logs
grep -h '^DROPIN' /tmp/tern-bench-dropin.log 2>/dev/null
grep -h '^IDLE' /tmp/tern-bench-idle.log
grep -h '^TWOSTACKS' /tmp/tern-bench-two-stacks.log
grep -h '^RESULT' /tmp/tern-bench-2.log /tmp/tern-bench-5.log /tmp/tern-bench-3.log \
	/tmp/tern-bench-4.log
# shellcheck disable=SC2086
grep -h '^RESULT' $tcp_logs
# tcp-stream: the on/off ratio of the two RESULT lines with offload=
grep -h '^OFFLOAD' /tmp/tern-bench-tcp-stream.log
grep -h '^RESULT' /tmp/tern-bench-l3fwd.log
grep -h '^RESULT' /tmp/tern-bench-peer.log
# the main result last, machine-readable
grep -h '^RESULT' /tmp/tern-bench-1.log
exit $rc
