#!/usr/bin/env bash
# Interop: tern-proxy between two kernel network namespaces, each behind a
# TAP port of its own, kernel TCP (socat) at both ends:
#
#   ns A: 10.1.0.2/24 fd01::2/64 == port 0: 10.1.0.1 fd01::1  [tern-proxy]
#   port 1: 10.2.0.1 fd02::1 == ns B: 10.2.0.2/24 fd02::2/64
#
# Intercepted: tcp:80-81 (any address, both families) and
# tcp:8000-8100@10.2.0.0/24. Checked:
#   - ping both ways and TCP to port 5001 (not intercepted) are routed;
#   - uploads and downloads through the proxy, IPv4 and IPv6, SHA-256 equal;
#   - the server sees the client's address (--source client) or the proxy's
#     (--source proxy, the second pass);
#   - port 81 with nothing listening: the client gets "Connection refused"
#     (connect-first);
#   - UDP is routed;
#   - nginx (Debian's) in B, curl in A: 100 MB downloads and uploads (PUT)
#     over IPv4 and IPv6, SHA-256 equal; 1,000 short requests, one
#     connection each; nginx's access log shows the client's address
#     (--source client) or the proxy's (--source proxy);
#   - tern-proxy's counters at exit agree.
# Three passes: --source client, --source proxy, then --source client with
# two contexts (--lcores 2: tern's software dispatcher on TAP).
# Prints "checks: N passed, M failed" for each pass.
# Usage: test_proxy.sh BUILD_DIR
set -u
BUILD=${1:?usage: test_proxy.sh BUILD_DIR}
HERE="$(cd "$(dirname "$0")" && pwd)"
PROXY="$BUILD/examples/proxy/tern-proxy"
[ -x "$PROXY" ] || PROXY="$BUILD/proxy/tern-proxy"
SOURCE=${PROXY_SOURCE:-client}
LCORES=${PROXY_LCORES:-1}
EAL_LCORES=(-l 0)
[ "$LCORES" -eq 2 ] && EAL_LCORES=(--lcores 0@0,1@0,2@1)
NSA=pxa$$ NSB=pxb$$ IFA=pxa$$ IFB=pxb$$ PREFIX=proxy$$
TERN_PID=
# shellcheck source=SCRIPTDIR/../../tools/netns-lib.sh
. "$HERE/../../tools/netns-lib.sh"	# tern_kill; tern_cleanup is this script's own
# shellcheck source=SCRIPTDIR/checks.sh
. "$HERE/checks.sh"
LOG=

# shellcheck source=SCRIPTDIR/two_ns.sh
. "$HERE/two_ns.sh"	# tern_cleanup, in_a, in_b, counter, two_ns_start, two_ns_sides

interop_init
LOG="$out/proxy.log"
command -v socat >/dev/null || { echo "FAIL: socat is missing"; exit 1; }

echo "== tern-proxy, --source $SOURCE, $LCORES context(s)"
two_ns_start "$PROXY" --no-huge -m 512 --no-pci --file-prefix "$PREFIX" --log-level='*:notice' \
	"${EAL_LCORES[@]}" \
	--vdev "net_tap0,iface=$IFA" --vdev "net_tap1,iface=$IFB" -- \
	--port 0,addr=10.1.0.1/24,addr6=fd01::1/64 --port 1,addr=10.2.0.1/24,addr6=fd02::1/64 \
	--intercept tcp:80-81 --intercept tcp:8000-8100@10.2.0.0/24 \
	--source "$SOURCE" --lcores "$LCORES" || exit 1
two_ns_sides || exit 1

check "ping A -> B over IPv4 (routed)" in_a ping -c 3 -i 0.2 -W 2 10.2.0.2
check "ping A -> B over IPv6 (routed)" in_a ping -6 -c 3 -i 0.2 -W 2 fd02::2

# upload NAME CONNECT LISTEN MB: A sends, B writes what it gets
upload() {
	local name=$1 dst=$2 listen=$3 mb=$4
	head -c $((mb * 1000 * 1000)) /dev/urandom >"$out/send"
	rm -f "$out/recv"
	in_b timeout 120 socat -u "$listen,reuseaddr" "OPEN:$out/recv,creat,trunc" &
	local srv=$!
	BG_PIDS+=($srv)
	sleep 0.5
	local t0=$SECONDS
	in_a timeout 120 socat -u "OPEN:$out/send" "$dst"
	local rc=$?
	wait $srv
	echo "$name: $mb MB in $((SECONDS - t0)) s (socat rc $rc)"
	check "$name: $mb MB, SHA-256 equal" \
		bash -c "[ \"\$(sha256sum <$out/send)\" = \"\$(sha256sum <$out/recv)\" ]"
}
# download NAME CONNECT LISTEN MB: B sends, A writes what it gets
download() {
	local name=$1 dst=$2 listen=$3 mb=$4
	head -c $((mb * 1000 * 1000)) /dev/urandom >"$out/send"
	rm -f "$out/recv"
	in_b timeout 120 socat -u "OPEN:$out/send" "$listen,reuseaddr" &
	local srv=$!
	BG_PIDS+=($srv)
	sleep 0.5
	local t0=$SECONDS
	in_a timeout 120 socat -u "$dst" "OPEN:$out/recv,creat,trunc"
	local rc=$?
	wait $srv
	echo "$name: $mb MB in $((SECONDS - t0)) s (socat rc $rc)"
	check "$name: $mb MB, SHA-256 equal" \
		bash -c "[ \"\$(sha256sum <$out/send)\" = \"\$(sha256sum <$out/recv)\" ]"
}

upload "not intercepted, TCP 5001" TCP:10.2.0.2:5001 TCP4-LISTEN:5001 10
upload "upload through the proxy, IPv4 port 80" TCP:10.2.0.2:80 TCP4-LISTEN:80 50
upload "upload through the proxy, IPv6 port 80" "TCP6:[fd02::2]:80" "TCP6-LISTEN:80" 20
download "download through the proxy, IPv4 port 8000" TCP:10.2.0.2:8000 TCP4-LISTEN:8000 50
download "download through the proxy, IPv6 port 81" "TCP6:[fd02::2]:81" "TCP6-LISTEN:81" 20

# what address the server sees
in_b timeout 20 socat TCP4-LISTEN:8080,reuseaddr SYSTEM:'echo $SOCAT_PEERADDR' &
BG_PIDS+=($!)
sleep 0.5
peer=$(in_a timeout 10 socat -u TCP:10.2.0.2:8080 - 2>&1)
want=10.1.0.2
[ "$SOURCE" = proxy ] && want=10.2.0.1
echo "the server saw $peer"
check "the server sees $want (--source $SOURCE)" test "$peer" = "$want"

# nothing listens on 81: refused, through the proxy, as without it
in_a timeout 10 socat -u - TCP:10.2.0.2:81 </dev/null >"$out/refused" 2>&1
cat "$out/refused"
check "port 81 without a listener: the client gets \"Connection refused\"" \
	grep -q "Connection refused" "$out/refused"

# UDP is routed, not intercepted
in_b timeout 10 socat -u UDP4-RECVFROM:5555 "OPEN:$out/udp,creat,trunc" &
BG_PIDS+=($!)
sleep 0.5
echo "datagram through tern-proxy" | in_a socat -u - UDP4-SENDTO:10.2.0.2:5555
wait "${BG_PIDS[-1]}"
check "UDP routed (not intercepted)" grep -q "datagram through tern-proxy" "$out/udp"

# ---- HTTP: nginx (Debian's) in B, curl in A ----
mkdir -p "$out/www/up" "$out/nginx"
head -c 100000000 /dev/urandom >"$out/www/big"
echo "small" >"$out/www/small"
cat >"$out/nginx.conf" <<EOF
user root;
worker_processes 1;
pid $out/nginx/pid;
error_log $out/nginx/error.log;
events { worker_connections 1024; }
http {
	access_log $out/nginx/access.log;
	client_body_temp_path $out/nginx/body;
	proxy_temp_path $out/nginx/proxy;
	fastcgi_temp_path $out/nginx/fcgi;
	uwsgi_temp_path $out/nginx/uwsgi;
	scgi_temp_path $out/nginx/scgi;
	server {
		listen 10.2.0.2:80;
		listen [fd02::2]:80;
		root $out/www;
		client_max_body_size 200m;
		location /up/ { dav_methods PUT; create_full_put_path on; }
	}
}
EOF
in_b nginx -c "$out/nginx.conf" -p "$out/nginx" -g 'daemon off;' 2>"$out/nginx/stderr" &
BG_PIDS+=($!)
for _ in $(seq 50); do
	in_b bash -c "exec 3<>/dev/tcp/10.2.0.2/80" 2>/dev/null && break
	sleep 0.1
done
http_get() {	# http_get NAME URL
	rm -f "$out/got"
	local t0=$SECONDS
	in_a timeout 120 curl -sS -g -o "$out/got" "$2"
	echo "$1: $((SECONDS - t0)) s"
	check "$1: 100 MB, SHA-256 equal" \
		bash -c "[ \"\$(sha256sum <$out/www/big)\" = \"\$(sha256sum <$out/got)\" ]"
}
http_put() {	# http_put NAME URL FILE
	rm -f "$out/www/up/$3"
	local t0=$SECONDS
	in_a timeout 120 curl -sS -g -T "$out/www/big" -o /dev/null "$2"
	echo "$1: $((SECONDS - t0)) s"
	check "$1: 100 MB, SHA-256 equal" \
		bash -c "[ \"\$(sha256sum <$out/www/big)\" = \"\$(sha256sum <$out/www/up/$3)\" ]"
}
http_get "curl download over IPv4" http://10.2.0.2/big
http_get "curl download over IPv6" "http://[fd02::2]/big"
http_put "curl upload over IPv4" http://10.2.0.2/up/u4 u4
http_put "curl upload over IPv6" "http://[fd02::2]/up/u6" u6
# 1,000 short requests, one connection each
in_a timeout 300 curl -sS -H "Connection: close" -o /dev/null -w "%{http_code}\n" \
	"http://10.2.0.2/small?[1-1000]" >"$out/codes" 2>&1
check "1,000 short requests, one connection each, all 200" \
	test "$(grep -c '^200$' "$out/codes")" -eq 1000
want=10.1.0.2
[ "$SOURCE" = proxy ] && want=10.2.0.1
check "nginx's access log shows $want for the 1,000 (--source $SOURCE)" \
	test "$(grep -c "^$want .*GET /small" "$out/nginx/access.log")" -eq 1000
want6=fd01::2
[ "$SOURCE" = proxy ] && want6=fd02::1
check "nginx's access log shows $want6 over IPv6 (--source $SOURCE)" \
	grep -q "^$want6 .*GET /big" "$out/nginx/access.log"
# curl says "Couldn't connect to server" (exit 7) for a refused connect; a
# timeout would be exit 28 after seconds
t0=$(date +%s%N)
in_a timeout 20 curl -sS -o /dev/null http://10.2.0.2:81/ 2>"$out/curl81"
crc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
cat "$out/curl81"
check "curl to port 81 (intercepted, nothing listening): refused at once (exit 7, $ms ms)" \
	test $crc -eq 7 -a $ms -lt 1000

kill -INT "$TERN_PID"
wait "$TERN_PID"
rc=$?
TERN_PID=
check "tern-proxy exits 0 on SIGINT" test $rc -eq 0
grep -v "^tap_\|^qdisc_\|^eth_dev_tap\|^TELEMETRY" "$LOG"
check "connections made by the transparent listeners (1,011)" \
	test "$(counter tcp_tproxy_opens)" -ge 1011
check "packets claimed instead of forwarded" test "$(counter ip_claimed)" -ge 1000
check "SYNs held until the server answered (connect-first)" \
	test "$(counter tcp_syn_held)" -ge 1011
check "held SYNs refused (port 81, twice)" test "$(counter tcp_syn_held_refused)" -ge 2
if [ "$SOURCE" = client ]; then
	check "server legs from the client's address" test "$(counter tcp_tproxy_connects)" -ge 1011
else
	check "no server leg from a foreign address" test "$(counter tcp_tproxy_connects)" -eq 0
fi
check "the non-intercepted TCP and pings were forwarded" \
	test "$(counter fwd4_pkts)" -ge $((10000000 / 1500))
if [ "$LCORES" -eq 2 ]; then
	# tern's software dispatcher on TAP spreads the client legs by hash
	# "tern-proxy: context K (lcore L, queue Q): proxied N connections, F from another port ..."
	check "both contexts proxied connections" test "$(awk '/: context [01] \(lcore/ &&
		$9 + 0 > 0 { n++ } END { print n + 0 }' "$LOG")" -eq 2
	# --source client sets the symmetric hash: a server leg's replies come back
	# to its client leg's context, so every server leg keeps the client's port
	check "the dispatcher hashes symmetrically" grep -q "symmetric hash" "$LOG"
	check "every server leg from the client's own port (no EXDEV fallback)" \
		test "$(awk '/: context [01] \(lcore/ { f += $11 } END { print f + 0 }' "$LOG")" -eq 0
fi
checks_summary
st=$?
next=
[ "$SOURCE" = client ] && [ "$LCORES" -eq 1 ] && next="PROXY_SOURCE=proxy"
[ "$SOURCE" = proxy ] && next="PROXY_SOURCE=client PROXY_LCORES=2"
if [ -n "$next" ]; then
	# the next pass, in a fresh process of this script
	trap - EXIT
	interop_cleanup
	env $next bash "$0" "$BUILD"
	st2=$?
	[ $st -eq 0 ] && st=$st2
fi
exit $st
