#!/usr/bin/env bash
# The transparent proxy through the kernel (make bench, docs/proxy.md): wrk
# in namespace A against Debian's nginx in namespace B, with a box between
# them that is, in turn:
#   tern-proxy  two TAP ports (as tests/interop/test_proxy.sh sets it up),
#               --intercept tcp:80, --source client, connect-first;
#   tern-l3fwd  the same two TAP ports, routing only (no proxy);
#   haproxy     Debian's HAProxy in TCP mode in a middle namespace M of
#               kernel routing, veth pairs A-M and M-B, intercepting port 80
#               with TPROXY (iptables) and connecting from the client's
#               address (usesrc clientip): the kernel's counterpart of
#               tern-proxy --source client.
#   A: 10.1.0.2/24 via 10.1.0.1 == box == 10.2.0.1 / B: 10.2.0.2/24 via 10.2.0.1
# For each, wrk (1 thread, 50 connections, SECONDS s) gets a 6-byte file:
# keep-alive (requests/s) and with "Connection: close" (one connection per
# request: connections/s), RUNS times each, the medians printed as
#   PROXY path=tern-proxy|tern-l3fwd|haproxy rps=... cps=... errors=...
# The box runs on CPU 1 (tern busy-polls its lcore; haproxy has one
# thread); nginx (one worker) and wrk on CPU 0. The machine has 2 vCPUs and
# the ends' kernels (veth or TAP) share them: these are figures of this
# set-up, not of the proxies alone. A tern path crosses TAP (a copy and a
# system call each way), the HAProxy path veth.
# Usage: bench-proxy.sh BUILD [SECONDS] [RUNS]   (as root)
set -u
BUILD=${1:-build}
SECS=${2:-5}
RUNS=${3:-3}
HERE="$(cd "$(dirname "$0")" && pwd)"
if [ "$(id -u)" -ne 0 ]; then
	echo "bench-proxy: skipped (needs root: TAP, veth, namespaces)"
	exit 0
fi
for t in wrk nginx haproxy iptables; do
	if ! command -v $t >/dev/null; then
		echo "bench-proxy: $t is missing (tools/install-deps.sh)" >&2
		exit 1
	fi
done
PROXY="$BUILD/examples/proxy/tern-proxy"
L3FWD="$BUILD/examples/l3fwd/tern-l3fwd"
for b in "$PROXY" "$L3FWD"; do
	[ -x "$b" ] || { echo "bench-proxy: $b not built" >&2; exit 1; }
done
NSA=pba$$ NSB=pbb$$ NSM=pbm$$ IFA=pba$$ IFB=pbb$$ PREFIX=pbench$$
TERN_PID=
# shellcheck source=SCRIPTDIR/netns-lib.sh
. "$HERE/netns-lib.sh"		# tern_kill
# shellcheck source=SCRIPTDIR/proc-lib.sh
. "$HERE/proc-lib.sh"		# tern_kill_tree
# shellcheck source=SCRIPTDIR/../tests/interop/two_ns.sh
. "$HERE/../tests/interop/two_ns.sh"	# tern_cleanup, in_a, in_b, two_ns_start, two_ns_sides
out=$(mktemp -d)
LOG="$out/box.log"
NGINX_PID=
HAPROXY_PID=

stop_path() {
	[ -n "$NGINX_PID" ] && tern_kill_tree "$NGINX_PID"
	[ -n "$HAPROXY_PID" ] && tern_kill_tree "$HAPROXY_PID"
	NGINX_PID=
	HAPROXY_PID=
	tern_cleanup
	ip netns del "$NSM" 2>/dev/null
}
cleanup() {
	stop_path
	rm -rf "$out"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$out/www" "$out/nginx"
echo "small" >"$out/www/small"
cat >"$out/nginx.conf" <<EOF
user root;
worker_processes 1;
pid $out/nginx/pid;
error_log $out/nginx/error.log;
events { worker_connections 4096; }
http {
	access_log off;
	keepalive_requests 1000000;
	client_body_temp_path $out/nginx/body;
	proxy_temp_path $out/nginx/proxy;
	fastcgi_temp_path $out/nginx/fcgi;
	uwsgi_temp_path $out/nginx/uwsgi;
	scgi_temp_path $out/nginx/scgi;
	server {
		listen 10.2.0.2:80;
		root $out/www;
	}
}
EOF

# nginx in B on CPU 0; waits until it answers
start_nginx() {
	in_b taskset -c 0 nginx -c "$out/nginx.conf" -p "$out/nginx" -g 'daemon off;' \
		2>"$out/nginx/stderr" &
	NGINX_PID=$!
	for _ in $(seq 50); do
		in_b bash -c "exec 3<>/dev/tcp/10.2.0.2/80" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "bench-proxy: nginx did not start" >&2
	cat "$out/nginx/stderr" >&2
	return 1
}

# measure PATH: wrk keep-alive and Connection: close, RUNS each; the PROXY line
measure() {
	local path=$1 i rps=() cps=() err=0 v e
	# one request first: the path works at all
	if ! in_a curl -sS -m 5 -o /dev/null http://10.2.0.2/small; then
		echo "bench-proxy: $path: no answer through the path" >&2
		return 1
	fi
	for i in $(seq "$RUNS"); do
		for mode in keep close; do
			local hdr=()
			[ $mode = close ] && hdr=(-H "Connection: close")
			in_a taskset -c 0 wrk -t 1 -c 50 -d "$SECS" "${hdr[@]}" \
				http://10.2.0.2/small >"$out/wrk.log" 2>&1
			v=$(awk '/^Requests\/sec:/ { print $2 }' "$out/wrk.log")
			e=$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }
				/Non-2xx/ { print $NF }' "$out/wrk.log" | awk '{ s += $1 } END { print s + 0 }')
			err=$((err + e))
			echo "$path run $i, $mode: ${v:-?} requests/s, $e errors"
			[ "$e" -ne 0 ] && grep -E "Socket errors|Non-2xx" "$out/wrk.log"
			[ $mode = keep ] && rps+=("${v:-0}") || cps+=("${v:-0}")
		done
	done
	median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
		print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
	echo "PROXY path=$path rps=$(median "${rps[@]}") cps=$(median "${cps[@]}") errors=$err" \
		| tee -a "$out/results"
}

# tern_path NAME BIN ARGS...: the box is tern on two TAP ports, lcore 1
tern_path() {
	local name=$1 bin=$2
	shift 2
	echo "== $name"
	two_ns_start "$bin" --no-huge -m 512 --no-pci --file-prefix "$PREFIX" \
		--log-level='*:notice' -l 1 \
		--vdev "net_tap0,iface=$IFA" --vdev "net_tap1,iface=$IFB" -- \
		--port 0,addr=10.1.0.1/24 --port 1,addr=10.2.0.1/24 "$@" || return 1
	two_ns_sides || return 1
	start_nginx || return 1
	measure "$name"
	local rc=$?
	if [ "$name" = tern-proxy ]; then
		kill -INT "$TERN_PID"
		wait "$TERN_PID"
		TERN_PID=
		# the relay's totals, per context, and the proxy's TCP counters
		grep "^tern-proxy: .*proxied\|^tern-proxy: context" "$LOG"
		grep -E "^  (tcp_tproxy|tcp_syn_held|tcp_tw_|tcp_attempt|tcp_estab_resets)" "$LOG"
	fi
	stop_path
	return $rc
}

haproxy_path() {
	local m="ip netns exec $NSM"
	echo "== haproxy (TCP mode, TPROXY, usesrc clientip) in a routing namespace"
	ip netns add "$NSA" && ip netns add "$NSB" && ip netns add "$NSM" || return 1
	ip link add "$IFA" type veth peer name "${IFA}m" || return 1
	ip link add "$IFB" type veth peer name "${IFB}m" || return 1
	ip link set "$IFA" netns "$NSA"
	ip link set "${IFA}m" netns "$NSM"
	ip link set "$IFB" netns "$NSB"
	ip link set "${IFB}m" netns "$NSM"
	in_a ip link set lo up
	in_a ip addr add 10.1.0.2/24 dev "$IFA"
	in_a ip link set "$IFA" up
	in_a ip route add default via 10.1.0.1
	in_b ip link set lo up
	in_b ip addr add 10.2.0.2/24 dev "$IFB"
	in_b ip link set "$IFB" up
	in_b ip route add default via 10.2.0.1
	$m ip link set lo up
	$m ip addr add 10.1.0.1/24 dev "${IFA}m"
	$m ip addr add 10.2.0.1/24 dev "${IFB}m"
	$m ip link set "${IFA}m" up
	$m ip link set "${IFB}m" up
	$m sysctl -qw net.ipv4.ip_forward=1
	# TPROXY: port 80 to haproxy's transparent listener; the replies to
	# its client-addressed server legs delivered to it, not forwarded
	$m iptables -t mangle -N DIVERT || return 1
	$m iptables -t mangle -A PREROUTING -p tcp -m socket -j DIVERT
	$m iptables -t mangle -A DIVERT -j MARK --set-mark 1
	$m iptables -t mangle -A DIVERT -j ACCEPT
	$m iptables -t mangle -A PREROUTING -i "${IFA}m" -p tcp --dport 80 \
		-j TPROXY --tproxy-mark 0x1/0x1 --on-port 8080 || return 1
	$m ip rule add fwmark 1 lookup 100
	$m ip route add local 0.0.0.0/0 dev lo table 100
	cat >"$out/haproxy.cfg" <<EOF
global
	nbthread 1
	maxconn 4096
	log stdout format raw local0 notice
defaults
	mode tcp
	timeout connect 5s
	timeout client 30s
	timeout server 30s
frontend intercept
	bind 0.0.0.0:8080 transparent
	default_backend web
backend web
	source 0.0.0.0 usesrc clientip
	server nginx 10.2.0.2:80
EOF
	$m taskset -c 1 haproxy -f "$out/haproxy.cfg" -db >"$out/haproxy.log" 2>&1 &
	HAPROXY_PID=$!
	sleep 0.5
	if ! kill -0 "$HAPROXY_PID" 2>/dev/null; then
		echo "bench-proxy: haproxy exited:" >&2
		cat "$out/haproxy.log" >&2
		return 1
	fi
	start_nginx || return 1
	measure haproxy
	local rc=$?
	stop_path
	return $rc
}

rc=0
tern_path tern-proxy "$PROXY" --intercept tcp:80 --source client || rc=1
tern_path tern-l3fwd "$L3FWD" || rc=1
haproxy_path || rc=1
echo "== summary"
cat "$out/results" 2>/dev/null
exit $rc
