#!/usr/bin/env bash
# Interop: libtern_preload.so under unmodified programs, on a TAP port, the
# kernel's client in a network namespace:
#   - mixed-epoll (tests/preload/mixed_epoll.c, a plain program): one epoll
#     set with tern listeners (IPv4 and IPv6) and their connections, a pipe
#     and an eventfd written by another thread, a timerfd, and a loopback
#     TCP pair (the kernel's); a kernel client's 1 MB (IPv4) and 256 KB
#     (IPv6) come back byte for byte and every kind of descriptor delivered
#     events;
#   - redis-server (Debian's, unmodified) bound to the tern address:
#     redis-cli SET / GET / INCR from the namespace, redis-benchmark SET and
#     GET (100,000 requests, plain and pipelined 16 deep) with no error,
#     and its persistence through libc: SAVE writes dump.rdb, which a
#     restarted redis-server (again under the preload) loads back;
#   - nginx (Debian's, unmodified; one process: daemon off, master_process
#     off; sendfile on) bound to the tern address: a small page and a 10 MB
#     file (sha256 equal) with curl, wrk keep-alive and short connections
#     (Connection: close) for 3 s each, over 1,000 requests and no errors;
#   - a fork() in the child of a preloaded program that touches a tern
#     socket dies with the preload's message (redis's BGSAVE child only
#     closes them, which is allowed), and a second thread's call aborts;
#   - a signal handler that runs during epoll_wait(-1) or poll(-1) on a
#     tern socket ends the wait with EINTR (nginx's SIGTERM, SIGHUP).
# Prints "checks: N passed, M failed".
# Usage: test_preload.sh BUILD_DIR
set -u
BUILD=${1:?usage: test_preload.sh BUILD_DIR}
HERE="$(cd "$(dirname "$0")" && pwd)"
TOOLS="$(cd "$HERE/../../tools" && pwd)"
PY=/usr/bin/python3
TERN_NS=ternpl$$ TERN_IF=ternp$$ TERN_PREFIX=ternpl$$
# shellcheck source=SCRIPTDIR/../../tools/netns-lib.sh
. "$TOOLS/netns-lib.sh"
# shellcheck source=SCRIPTDIR/checks.sh
. "$HERE/checks.sh"
interop_init

PRELOAD="$BUILD/preload/libtern_preload.so"
MIXED="$BUILD/tests/mixed-epoll"
[ -f "$PRELOAD" ] || { echo "no $PRELOAD"; exit 1; }

# pl_start LOG READY-PATTERN CMD...: CMD under the preload (tern on a TAP
# port, 10.0.0.1/24), in the background; waits for READY-PATTERN in LOG and
# the TAP interface, then moves the interface into the namespace.
pl_start() {
	local log=$1 ready=$2; shift 2
	ip netns del "${TERN_NS}" 2>/dev/null
	ip netns add "${TERN_NS}" || return 1
	TERN_LOG=$log
	if [ -n "${PL_CONFIG:-}" ]; then
		TERN_CONFIG="$PL_CONFIG" LD_PRELOAD="$PRELOAD" "$@" >"$log" 2>&1 &
	else
		TERN_EAL="$(tern_eal_args) -l 0" TERN_ADDR=10.0.0.1/24 TERN_ADDR6=fd00::1/64 \
			TERN_STATS=1 LD_PRELOAD="$PRELOAD" "$@" >"$log" 2>&1 &
	fi
	TERN_PID=$!
	for _ in $(seq 150); do
		if grep -q "$ready" "$log" 2>/dev/null &&
		   ip link show "${TERN_IF}" 2>/dev/null | grep -q "UP"; then
			break
		fi
		if ! kill -0 "${TERN_PID}" 2>/dev/null; then
			echo "exited early:"; cat "$log"
			return 1
		fi
		sleep 0.1
	done
	ip link show "${TERN_IF}" >/dev/null 2>&1 || { cat "$log"; return 1; }
	ip link set "${TERN_IF}" netns "${TERN_NS}" || return 1
	tern_peer_setup
}

# pl_wait_exit SECONDS: wait for the preloaded program to end; its status
pl_wait_exit() {
	local i
	for i in $(seq $(($1 * 10))); do
		kill -0 "${TERN_PID}" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "${TERN_PID}" 2>/dev/null; then
		tern_kill
		TERN_PID=
		return 124
	fi
	wait "${TERN_PID}"
	local rc=$?
	TERN_PID=
	return $rc
}

pl_stop() {
	tern_kill
	wait "${TERN_PID}" 2>/dev/null
	TERN_PID=
	ip link del "${TERN_IF}" 2>/dev/null
	ip netns del "${TERN_NS}" 2>/dev/null
}

# PL_ONLY=mixed|misuse|redis|nginx runs one part (while working on it)
want() { [ -z "${PL_ONLY:-}" ] || [ "$PL_ONLY" = "$1" ]; }

echo "== mixed epoll set"
if ! want mixed; then
	:
elif pl_start "$out/mixed.log" ready "$MIXED" 7000; then
	tern_ns "$PY" - <<'EOF' >"$out/mixed-client.log" 2>&1
import os, socket, sys
def echo(addr, n):
    data = os.urandom(n)
    s = socket.create_connection((addr, 7000), timeout=20)
    got = bytearray()
    s.sendall(data)
    while len(got) < len(data):
        b = s.recv(65536)
        if not b:
            break
        got += b
    print("echo", addr, "ok" if bytes(got) == data else "CORRUPT", len(got))
    return s, bytes(got) == data
s6, ok6 = echo("fd00::1", 1 << 18)
s6.close()
s, ok = echo("10.0.0.1", 1 << 20)
ok = ok and ok6
s.sendall(b"quit\n")
s.recv(16)
s.close()
sys.exit(0 if ok else 1)
EOF
	crc=$?
	cat "$out/mixed-client.log"
	pl_wait_exit 20
	rc=$?
	cat "$out/mixed.log" | grep -v "^[a-z_0-9]* [0-9]*$" | head -20
	check "mixed: 1 MB (IPv4) and 256 KB (IPv6) through the tern listeners echoed byte for byte" \
		test $crc -eq 0
	check "mixed: the program saw every kind (tern, pipe, eventfd, timerfd, loopback) and exit 0" \
		test $rc -eq 0
	check "mixed: tern was started by the preload" grep -q "tern started" "$out/mixed.log"
	check "mixed: the connection was tern's (tcp_passive_opens counter > 0)" \
		grep -Eq "^tcp_passive_opens [1-9]" "$out/mixed.log"
	grep "^mixed:" "$out/mixed.log"
else
	check "mixed-epoll starts under the preload" false
fi
pl_stop

echo "== fork and threads fail loudly"
if want misuse; then
# (no namespace needed: tern starts on its TAP port and the program ends)
pl_env() {
	TERN_EAL="$(tern_eal_args) -l 0" TERN_ADDR=10.0.0.1/24 LD_PRELOAD="$PRELOAD" "$@"
}
pl_env timeout 60 "$MIXED" --fork-check 7001 >"$out/fork.log" 2>&1
frc=$?
check "fork: the child's getsockname on a tern socket aborts with the preload's message" \
	eval "test $frc -eq 0 && grep -q 'in a child process after fork' $out/fork.log"
pl_env timeout 60 "$MIXED" --thread-check 7002 >"$out/thread.log" 2>&1
trc=$?
check "threads: a tern socket used from a second thread aborts the process, saying why" \
	eval "test $trc -eq 134 && grep -q 'from thread' $out/thread.log"
for sl in 1000 0; do
	TERN_IDLE_SLEEP_MAX_US=$sl pl_env timeout 60 "$MIXED" --signal-check 7003 \
		>"$out/signal-$sl.log" 2>&1
	src=$?
	grep "^mixed:" "$out/signal-$sl.log"
	check "signals: a handler ends epoll_wait(-1) and poll(-1) with EINTR (longest sleep $sl us)" \
		test $src -eq 0
done
ip link del "${TERN_IF}" 2>/dev/null
fi

echo "== redis-server"
# configured by a file this time (TERN_CONFIG), the environment above
PL_CONFIG="$out/tern.conf"
cat >"$PL_CONFIG" <<CONF
; libtern_preload.so's configuration (docs/dropin.md)
[eal]
args = $(tern_eal_args) -l 0
[tern]
addr = 10.0.0.1/24
[preload]
; loopback stays on the kernel whatever this says
kernel = 192.0.2.0/24
stats = 1
CONF
REDIS=$(command -v redis-server)
RCLI=$(command -v redis-cli)
RBENCH=$(command -v redis-benchmark)
if ! want redis; then
	:
elif [ -z "$REDIS" ] || [ -z "$RCLI" ] || [ -z "$RBENCH" ]; then
	check "redis-server, redis-cli, redis-benchmark installed (tools/install-deps.sh)" false
elif pl_start "$out/redis.log" "Ready to accept connections" "$REDIS" --port 6379 \
		--bind 10.0.0.1 --protected-mode no --daemonize no --save "" \
		--appendonly no --dir "$out" --dbfilename dump.rdb --logfile ""; then
	rc_ns() { timeout 60 ip netns exec "${TERN_NS}" "$RCLI" -h 10.0.0.1 -p 6379 "$@"; }
	check "redis: PING answers PONG" test "$(rc_ns PING)" = PONG
	check "redis: SET then GET a value" \
		test "$(rc_ns SET tern:key hello-tern)" = OK -a "$(rc_ns GET tern:key)" = hello-tern
	rc_ns DEL counter >/dev/null
	for _ in $(seq 50); do rc_ns INCR counter >/dev/null; done
	check "redis: 50 INCR from 50 connections make 50" test "$(rc_ns GET counter)" = 50
	big=$(head -c 300000 /dev/urandom | base64 -w0)
	printf '%s' "$big" | rc_ns -x SET big >/dev/null
	check "redis: a 400 KB value comes back intact" test "$(rc_ns GET big)" = "$big"
	for p in 1 16; do
		timeout 300 ip netns exec "${TERN_NS}" "$RBENCH" -h 10.0.0.1 -p 6379 -n 100000 \
			-c 50 -P $p -t set,get -q >"$out/bench-P$p.log" 2>&1
		brc=$?
		cat "$out/bench-P$p.log" | tr '\r' '\n' | grep -E "requests per second" | tail -2
		check "redis-benchmark -n 100000 -c 50 -P $p SET,GET: exit 0, both done" \
			eval "test $brc -eq 0 && test \$(tr '\\r' '\\n' <$out/bench-P$p.log | grep -c 'requests per second') -eq 2"
	done
	check "redis: SET by the benchmark is there (key:__rand_int__)" \
		test "$(rc_ns EXISTS key:__rand_int__)" = 1
	check "redis: SAVE writes dump.rdb through libc" \
		eval "test \"\$(rc_ns SAVE)\" = OK && test -s $out/dump.rdb"
	rc_ns SHUTDOWN NOSAVE >/dev/null 2>&1
	pl_wait_exit 20
	check "redis: SHUTDOWN ends it (exit 0)" test $? -eq 0
	grep -E "tern-preload|Server initialized|Ready|DB loaded|FATAL|rror" "$out/redis.log" | head
	pl_stop
	# a restart loads the file back
	if pl_start "$out/redis2.log" "Ready to accept connections" "$REDIS" --port 6379 \
			--bind 10.0.0.1 --protected-mode no --daemonize no --save "" \
			--appendonly no --dir "$out" --dbfilename dump.rdb --logfile ""; then
		check "redis restarted: the saved value is back" \
			test "$(rc_ns GET tern:key)" = hello-tern
		rc_ns SHUTDOWN NOSAVE >/dev/null 2>&1
		pl_wait_exit 20
	else
		check "redis restarts under the preload" false
	fi
else
	check "redis-server starts under the preload" false
fi
pl_stop

echo "== nginx"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
WRK=$(command -v wrk)
if ! want nginx; then
	:
elif [ ! -x "$NGINX" ] || [ -z "$WRK" ]; then
	check "nginx and wrk installed (tools/install-deps.sh)" false
else
	mkdir -p "$out/www" "$out/nginx/logs"
	head -c 10485760 /dev/urandom >"$out/www/big.bin"
	printf 'hello from nginx on tern\n' >"$out/www/index.html"
	cat >"$out/nginx/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
error_log $out/nginx/logs/error.log notice;
pid $out/nginx/nginx.pid;
events { worker_connections 4096; }
http {
	access_log off;
	sendfile on;
	keepalive_requests 1000000;
	client_body_temp_path $out/nginx/body;
	proxy_temp_path $out/nginx/proxy;
	fastcgi_temp_path $out/nginx/fastcgi;
	uwsgi_temp_path $out/nginx/uwsgi;
	scgi_temp_path $out/nginx/scgi;
	server {
		listen 10.0.0.1:8080;
		root $out/www;
	}
}
CONF
	if pl_start "$out/nginx.log" "tern started" "$NGINX" -p "$out/nginx" \
			-c "$out/nginx/nginx.conf" -e "$out/nginx/logs/error.log"; then
		sleep 0.5
		tn() { timeout 120 ip netns exec "${TERN_NS}" "$@"; }
		tn curl -sv http://10.0.0.1:8080/index.html >"$out/curl-v.log" 2>&1
		cp "$out/nginx/logs/error.log" "$out/nginx-error.log"
		check "nginx: a small page" \
			test "$(tn curl -s http://10.0.0.1:8080/index.html)" = "hello from nginx on tern"
		check "nginx: a 10 MB file, sha256 equal" \
			test "$(tn curl -s http://10.0.0.1:8080/big.bin | sha256sum)" = \
			     "$(sha256sum <"$out/www/big.bin" | cut -d' ' -f1)  -"
		tn "$WRK" -t 1 -c 10 -d 3 --latency http://10.0.0.1:8080/index.html \
			>"$out/wrk-ka.log" 2>&1
		grep -E "Requests/sec|requests in|Socket errors|Non-2xx|99%" "$out/wrk-ka.log"
		check "nginx: wrk keep-alive, 3 s: over 1,000 requests, no socket error or non-2xx" \
			eval "! grep -Eq 'Socket errors|Non-2xx' $out/wrk-ka.log &&
			      test \$(awk '/requests in/ {print \$1}' $out/wrk-ka.log) -ge 1000"
		tn "$WRK" -t 1 -c 10 -d 3 --latency -H "Connection: close" \
			http://10.0.0.1:8080/index.html >"$out/wrk-close.log" 2>&1
		grep -E "Requests/sec|requests in|Socket errors|Non-2xx|99%" "$out/wrk-close.log"
		check "nginx: wrk short connections, 3 s: over 1,000 requests, no socket error or non-2xx" \
			eval "! grep -Eq 'Socket errors|Non-2xx' $out/wrk-close.log &&
			      test \$(awk '/requests in/ {print \$1}' $out/wrk-close.log) -ge 1000"
		check "nginx: its error log has no [alert] or [emerg]" \
			eval "! grep -Eq '\\[(alert|emerg|crit)\\]' $out/nginx/logs/error.log"
		grep -E "\[(alert|emerg|crit|error)\]" "$out/nginx/logs/error.log" | head -5
		kill -TERM "${TERN_PID}"
		pl_wait_exit 10
		check "nginx: SIGTERM ends it (its handler runs, epoll_wait returns EINTR), exit 0" \
			test $? -eq 0
	else
		check "nginx starts under the preload" false
	fi
	pl_stop
fi

if [ $fail -ne 0 ]; then
	for f in "$out"/*.log; do echo "--- $f"; cat "$f"; done
fi
checks_summary
