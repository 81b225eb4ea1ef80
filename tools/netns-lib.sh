#!/usr/bin/env bash
# Shared helpers for the demo and the interop tests: start a tern example on
# a TAP port, move the TAP interface into a network namespace once the port
# is up, configure the kernel's side, and clean everything up on exit.
#
# Usage: source this file, set TERN_NS, TERN_IF, TERN_PREFIX, then call
# tern_start <binary> <tern args...>, tern_peer_setup, ..., and let the EXIT
# trap run tern_cleanup.

: "${TERN_NS:=ternns$$}"
: "${TERN_IF:=tern$$}"
: "${TERN_PREFIX:=tern$$}"
: "${TERN_LOG:=/tmp/${TERN_PREFIX}.log}"
: "${TERN_PEER4:=10.0.0.2/24}"
: "${TERN_PEER6:=fd00::2/64}"
TERN_PID=

tern_eal_args() {
	echo "--no-huge -m 512 --no-pci --file-prefix ${TERN_PREFIX}" \
	     "--log-level=*:notice --vdev net_tap0,iface=${TERN_IF}"
}

# tern_kill: stop tern by its PID (SIGINT, 5 s, then SIGKILL), if it runs.
tern_kill() {
	if [ -n "${TERN_PID}" ] && kill -0 "${TERN_PID}" 2>/dev/null; then
		kill -INT "${TERN_PID}" 2>/dev/null
		for _ in $(seq 50); do
			kill -0 "${TERN_PID}" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "${TERN_PID}" 2>/dev/null
	fi
}

tern_cleanup() {
	local rc=$?
	tern_kill
	ip netns del "${TERN_NS}" 2>/dev/null
	ip link del "${TERN_IF}" 2>/dev/null
	return $rc
}

# tern_start BIN ARGS...: runs BIN with the EAL args and ARGS after "--",
# waits for "ready" and for the TAP interface to be UP, then moves it.
# A fresh namespace each time, unless TERN_KEEP_NS=1 (then the namespace
# and what else it holds stay: a test that restarts tern behind a set-up
# it keeps).
tern_start() {
	local bin=$1; shift
	if [ "${TERN_KEEP_NS:-0}" != 1 ] || ! ip netns pids "${TERN_NS}" >/dev/null 2>&1; then
		ip netns del "${TERN_NS}" 2>/dev/null
		ip netns add "${TERN_NS}" || return 1
	fi
	# shellcheck disable=SC2046
	"$bin" $(tern_eal_args) -- "$@" >"${TERN_LOG}" 2>&1 &
	TERN_PID=$!
	for _ in $(seq 100); do
		if grep -q "ready" "${TERN_LOG}" 2>/dev/null &&
		   ip link show "${TERN_IF}" 2>/dev/null | grep -q "UP"; then
			break
		fi
		if ! kill -0 "${TERN_PID}" 2>/dev/null; then
			echo "tern exited early:" >&2
			cat "${TERN_LOG}" >&2
			return 1
		fi
		sleep 0.1
	done
	if ! ip link show "${TERN_IF}" >/dev/null 2>&1; then
		echo "TAP interface ${TERN_IF} did not appear" >&2
		cat "${TERN_LOG}" >&2
		return 1
	fi
	ip link set "${TERN_IF}" netns "${TERN_NS}" || return 1
}

# tern_peer_setup: addresses on the kernel's side, link up, DAD off.
# The TAP PMD gives the kernel's interface the same MAC as the DPDK port;
# the kernel gets its own here, or the two ends would share one MAC and one
# link-local address.
tern_peer_setup() {
	local n="ip netns exec ${TERN_NS}"
	$n ip link set "${TERN_IF}" address "${TERN_PEER_MAC:-02:00:00:00:00:02}" || return 1
	$n sysctl -qw net.ipv6.conf.all.accept_dad=0 2>/dev/null
	$n sysctl -qw "net.ipv6.conf.${TERN_IF}.accept_dad=0" 2>/dev/null
	$n ip link set lo up
	$n ip addr add "${TERN_PEER4}" dev "${TERN_IF}" || return 1
	$n ip -6 addr add "${TERN_PEER6}" dev "${TERN_IF}" nodad || return 1
	$n ip link set "${TERN_IF}" up || return 1
}

tern_ns() {
	ip netns exec "${TERN_NS}" "$@"
}

# tern_stop: SIGINT, wait for the final counters.
tern_stop() {
	if [ -n "${TERN_PID}" ]; then
		kill -INT "${TERN_PID}" 2>/dev/null
		wait "${TERN_PID}"
		local rc=$?
		TERN_PID=
		return $rc
	fi
}

# tern_counter NAME: value of a counter in the final print of the log.
tern_counter() {
	awk -v n="$1" '/counters \(final\)/ {f=1} f && $1 == n {print $2; exit}' "${TERN_LOG}" |
		grep . || echo 0
}
