#!/usr/bin/env bash
# The drop-in benchmark (make bench step 8, docs/dropin.md): redis-server
# and nginx from Debian, unmodified, on the kernel and on tern
# (libtern_preload.so), in the same run. The clients (redis-benchmark,
# wrk) run in a network namespace, so they are the kernel's either way:
#   - kernel: the server in the root namespace on one end of a veth pair,
#     the client in the namespace on the other;
#   - tern: the server under the preload on a net_tap port, the TAP
#     interface moved into the namespace, the client there.
# Both paths cross a virtual link of the client's kernel, which is a shared
# limit (and a different one: veth against TAP), and the machine's two
# vCPUs hold server, client and both kernels. Besides requests/s and p99
# latency it gives the server's CPU time per request (utime + stime of its
# process over the measurement, /proc/PID/stat), which is the server's own
# cost: tern's busy-polling spends CPU on waiting, the kernel's server
# sleeps in epoll_wait.
#
# Prints one line per measurement:
#   DROPIN server=redis|nginx stack=kernel|tern test=... rps=... p99_ms=... cpu_us_per_req=...
# Usage: bench-dropin.sh BUILD [SECONDS]   (as root)
set -u
BUILD=${1:-build}
SECS=${2:-5}
HERE="$(cd "$(dirname "$0")" && pwd)"
PRELOAD="$BUILD/preload/libtern_preload.so"
TERN_NS=ternbd$$ TERN_IF=ternb$$ TERN_PREFIX=ternbd$$
# shellcheck source=SCRIPTDIR/netns-lib.sh
. "$HERE/netns-lib.sh"
KNS=ternbk$$ KV0=ternkv$$ KV1=ternkw$$
out=$(mktemp -d)
SRV_PID=

cleanup() {
	[ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null
	tern_cleanup
	ip netns del "$KNS" 2>/dev/null
	ip link del "$KV0" 2>/dev/null
	rm -rf "$out"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for p in "$PRELOAD" "$(command -v redis-server)" "$(command -v redis-benchmark)" \
	 "$(command -v nginx || echo /usr/sbin/nginx)" "$(command -v wrk)"; do
	[ -x "$p" ] || [ -f "$p" ] || { echo "bench-dropin: missing $p" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "bench-dropin: needs root" >&2; exit 1; }

# the kernel's path: a veth pair, 10.0.1.1 here, 10.0.1.2 in $KNS
ip netns add "$KNS" || exit 1
ip link add "$KV0" type veth peer name "$KV1" || exit 1
ip link set "$KV1" netns "$KNS"
ip addr add 10.0.1.1/24 dev "$KV0"
ip link set "$KV0" up
ip netns exec "$KNS" ip addr add 10.0.1.2/24 dev "$KV1"
ip netns exec "$KNS" ip link set "$KV1" up
ip netns exec "$KNS" ip link set lo up

cpu_ticks() {	# utime + stime of PID, in clock ticks
	awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0
}
HZ=$(getconf CLK_TCK)

# start_srv STACK LOG READY CMD...: the server, on the kernel or under the preload
start_srv() {
	local stack=$1 log=$2 ready=$3; shift 3
	if [ "$stack" = kernel ]; then
		"$@" >"$log" 2>&1 &
		SRV_PID=$!
	else
		ip netns del "${TERN_NS}" 2>/dev/null
		ip netns add "${TERN_NS}" || return 1
		TERN_EAL="$(tern_eal_args) -l 0" TERN_ADDR=10.0.0.1/24 \
			LD_PRELOAD="$PRELOAD" "$@" >"$log" 2>&1 &
		SRV_PID=$!
	fi
	for _ in $(seq 150); do
		if grep -q "$ready" "$log" 2>/dev/null; then
			[ "$stack" = kernel ] && break
			ip link show "${TERN_IF}" 2>/dev/null | grep -q UP && break
		fi
		kill -0 "$SRV_PID" 2>/dev/null || { cat "$log"; return 1; }
		sleep 0.1
	done
	if [ "$stack" = tern ]; then
		ip link set "${TERN_IF}" netns "${TERN_NS}" || return 1
		tern_peer_setup || return 1
	fi
	sleep 0.5
}

stop_srv() {
	[ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null
	wait "$SRV_PID" 2>/dev/null
	SRV_PID=
	ip link del "${TERN_IF}" 2>/dev/null
	ip netns del "${TERN_NS}" 2>/dev/null
}

for stack in kernel tern; do
	if [ $stack = kernel ]; then ns=$KNS; ip=10.0.1.1; else ns=$TERN_NS; ip=10.0.0.1; fi
	# --- redis
	if start_srv $stack "$out/redis-$stack.log" "Ready to accept" redis-server --port 6379 \
			--bind $ip --protected-mode no --save "" --appendonly no --logfile ""; then
		for p in 1 16; do
			c0=$(cpu_ticks "$SRV_PID")
			ip netns exec $ns redis-benchmark -h $ip -p 6379 -n 100000 -c 50 -P $p \
				-t set,get --csv >"$out/rb.csv" 2>/dev/null
			c1=$(cpu_ticks "$SRV_PID")
			# "SET","rps","avg","min","p50","p95","p99","max"
			awk -F'"' -v st=$stack -v p=$p -v cpu=$((c1 - c0)) -v hz="$HZ" '
				$2 == "SET" || $2 == "GET" { n++; t[n] = $2; r[n] = $4; q[n] = $14 }
				END { tot = 0; for (i = 1; i <= n; i++) tot += 100000
				      for (i = 1; i <= n; i++)
					printf "DROPIN server=redis stack=%s test=%s-P%d rps=%s p99_ms=%s cpu_us_per_req=%.2f\n",
						st, t[i], p, r[i], q[i], cpu * 1e6 / hz / tot }' "$out/rb.csv"
		done
	else
		echo "DROPIN server=redis stack=$stack FAILED to start"
	fi
	stop_srv
	# --- nginx
	mkdir -p "$out/ng-$stack/www" "$out/ng-$stack/logs"
	printf 'hello from nginx\n' >"$out/ng-$stack/www/index.html"
	cat >"$out/ng-$stack/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
error_log $out/ng-$stack/logs/error.log warn;
pid $out/ng-$stack/nginx.pid;
events { worker_connections 4096; }
http {
	access_log off;
	sendfile on;
	keepalive_requests 1000000;
	client_body_temp_path $out/ng-$stack/body;
	proxy_temp_path $out/ng-$stack/proxy;
	fastcgi_temp_path $out/ng-$stack/fastcgi;
	uwsgi_temp_path $out/ng-$stack/uwsgi;
	scgi_temp_path $out/ng-$stack/scgi;
	server { listen $ip:8080; root $out/ng-$stack/www; }
}
CONF
	ready="tern started"
	[ $stack = kernel ] && ready=""
	if start_srv $stack "$out/nginx-$stack.log" "$ready" nginx -p "$out/ng-$stack" \
			-c "$out/ng-$stack/nginx.conf" -e "$out/ng-$stack/logs/error.log"; then
		for mode in keepalive close; do
			hdr=()
			[ $mode = close ] && hdr=(-H "Connection: close")
			c0=$(cpu_ticks "$SRV_PID")
			ip netns exec $ns wrk -t 1 -c 50 -d "$SECS" --latency "${hdr[@]}" \
				"http://$ip:8080/index.html" >"$out/wrk.log" 2>&1
			c1=$(cpu_ticks "$SRV_PID")
			awk -v st=$stack -v m=$mode -v cpu=$((c1 - c0)) -v hz="$HZ" '
				/^ +99%/ { v = $2; if (v ~ /us$/) p = v / 1000; else if (v ~ /ms$/) p = v + 0; else p = v * 1000 }
				/requests in/ { n = $1 }
				/Requests\/sec/ { r = $2 }
				/Socket errors|Non-2xx/ { e = e " " $0 }
				END { printf "DROPIN server=nginx stack=%s test=%s rps=%s p99_ms=%.3f cpu_us_per_req=%.2f%s\n",
					st, m, r, p, n ? cpu * 1e6 / hz / n : 0, e ? " ERRORS:" e : "" }' "$out/wrk.log"
		done
	else
		echo "DROPIN server=nginx stack=$stack FAILED to start"
	fi
	stop_srv
done
