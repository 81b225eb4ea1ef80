#!/usr/bin/env bash
# Interop: tens of thousands of concurrent connections from the kernel to
# tern-l4fwd's TCP echo. tcp_many.py opens $MANY connections (50,000 unless
# TERN_MANY_CONNS says otherwise), at most 1,000 handshakes at a time, keeps
# every one open, and has each echo a 16-byte message naming it. Checks:
# every connection echoed intact and all held open at once, within 180 s
# (about 40 s on an idle 2-vCPU machine; the limit leaves room for a
# machine shared with other jobs, whose load average is printed).
# And tern-l4fwd pumped each connection at most 10 times: it pumps only the
# connections its events name (when it pumped every open connection each
# round, a round took milliseconds with tens of thousands open, and under
# a slower client many connections never got their echo).
# Prints "checks: N passed, M failed".
# Usage: test_tcp_many.sh BUILD_DIR
set -u
BUILD=${1:?usage: test_tcp_many.sh BUILD_DIR}
HERE="$(cd "$(dirname "$0")" && pwd)"
TOOLS="$(cd "$HERE/../../tools" && pwd)"
PY=/usr/bin/python3
MANY=${TERN_MANY_CONNS:-50000}
TERN_NS=ternmany$$ TERN_IF=ternm$$ TERN_PREFIX=ternmany$$
# shellcheck source=SCRIPTDIR/../../tools/netns-lib.sh
. "$TOOLS/netns-lib.sh"
# shellcheck source=SCRIPTDIR/checks.sh
. "$HERE/checks.sh"
L4FWD=$(l4fwd_path "$BUILD")
interop_init

TERN_LOG="$out/many.log"
if tern_start "$L4FWD" --proto tcp --mode echo --addr 10.0.0.1/24 --lport 7000 &&
   tern_peer_setup; then
	tern_ns ping -c 1 -W 2 10.0.0.1 >/dev/null
	# one source address: each connection binds a port of its own
	# (1100 + its index), below the kernel's ephemeral range
	# a process may hold fewer than 20,000 descriptors here: several clients,
	# each holding its connections until all have their echoes
	per=16000 k=0 left=$MANY pids=()
	while [ "$left" -gt 0 ]; do
		n=$((left < per ? left : per))
		ip netns exec "${TERN_NS}" "$PY" "$HERE/tcp_many.py" 10.0.0.1 7000 "$n" \
			--inflight $((1000 / ((MANY + per - 1) / per))) --timeout 180 \
			--hold "$out/release" --port-base $((1100 + k * per)) >"$out/many$k" 2>&1 &
		pids+=($!)
		BG_PIDS+=($!)
		left=$((left - n)) k=$((k + 1))
	done
	for _ in $(seq 2400); do
		done_n=$(cat "$out"/many* | grep -c "^conns=")
		[ "$done_n" -eq $k ] && break
		sleep 0.1
	done
	touch "$out/release"
	for p in "${pids[@]}"; do
		timeout 60 tail --pid="$p" -f /dev/null
	done
	cat "$out"/many*
	echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
	read -r echoed failed held < <(awk '/^conns=/ { for (i = 1; i <= NF; i++) {
		split($i, kv, "="); if (kv[1] == "echoed") e += kv[2]; if (kv[1] == "failed") f += kv[2] } }
		/^held=/ { split($1, kv, "="); h += kv[2] } END { print e + 0, f + 0, h + 0 }' "$out"/many*)
	echo "$k clients: echoed=$echoed failed=$failed held=$held of $MANY"
	check "$MANY concurrent connections: every one echoed intact" test "$echoed" -eq "$MANY"
	check "$MANY concurrent connections: all ESTABLISHED at once after the echoes" \
		test "$held" -eq "$MANY"
	tern_stop
	check "tern-l4fwd echo exits 0" test $? -eq 0
	opens=$(tern_counter tcp_passive_opens)
	echo "tern: tcp_passive_opens=$opens cookies_ok=$(tern_counter tcp_cookies_ok)" \
		"events_lost=$(tern_counter events_lost) drop_tcp_conn_limit=$(tern_counter drop_tcp_conn_limit)"
	check "tern accepted at least $MANY connections" test "$opens" -ge "$MANY"
	# the work: connections pumped, over those opened. Pumping every open
	# connection every round makes it grow with the rounds times the
	# connections; pumping those that events name, with what moved.
	grep "tern-l4fwd: tcp" "${TERN_LOG}"
	pumped=$(awk '$2 == "tcp" { for (i = 3; i <= NF; i++) { split($i, kv, "=");
		if (kv[1] == "pumped") print kv[2] } }' "${TERN_LOG}" | tail -1 | grep . || echo -1)
	echo "pumped $pumped times for $opens connections"
	check "tern-l4fwd pumped connections at most 10 times each (event-driven)" \
		test "$pumped" -ge 0 -a "$pumped" -le $((10 * opens))
	awk '/counters \(final\)/ {f=1} f && $1 ~ /^drop_/ && $2 > 0' "${TERN_LOG}"
else
	check "tern-l4fwd echo starts" false
fi

checks_summary
