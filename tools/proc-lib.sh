#!/usr/bin/env bash
# Process bookkeeping for the tests, by PID only (never by name): end a
# process with everything it started, and find the processes that carry a
# tag in their environment. A test exports a tag before it starts anything;
# every process it starts inherits it (also through ip netns exec, timeout,
# setsid, and after its parent died), so a process left behind is found even
# once it has been reparented.

# tern_children PID: the PIDs whose parent is PID
tern_children() {
	local f st
	local -a a
	for f in /proc/[0-9]*/stat; do
		read -r st 2>/dev/null <"$f" || continue
		read -r -a a <<<"${st##*) }"	# past "pid (comm) ": state ppid ...
		[ "${a[1]}" = "$1" ] && echo "${f//[^0-9]/}"
	done
}

# tern_tree PID: PID and its descendants, parents first
tern_tree() {
	local c
	echo "$1"
	for c in $(tern_children "$1"); do
		tern_tree "$c"
	done
}

# tern_kill_tree PID [SIG]: SIG (TERM) to PID and every descendant, then
# KILL to whatever is left of them after up to 2 s.
tern_kill_tree() {
	local pids p alive
	pids=$(tern_tree "$1")
	# shellcheck disable=SC2086
	kill -"${2:-TERM}" $pids 2>/dev/null
	for _ in $(seq 20); do
		alive=
		for p in $pids; do
			if [ -e "/proc/$p" ] && ! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null; then
				alive=1
			fi
		done
		[ -z "$alive" ] && return 0
		sleep 0.1
	done
	# shellcheck disable=SC2086
	kill -KILL $pids 2>/dev/null
	return 0
}

# tern_tagged VAR=VALUE: sets TERN_TAGGED to the PIDs other than this shell
# whose environment holds VAR=VALUE. Builtins only, so that the shell's own
# helpers (which inherit the tag) are not counted.
tern_tagged() {
	local f p v
	local -a e
	TERN_TAGGED=()
	for f in /proc/[0-9]*; do
		p=${f#/proc/}
		[ "$p" = "$$" ] && continue
		[ "$p" = "${BASHPID:-$$}" ] && continue
		mapfile -d '' e 2>/dev/null <"$f/environ" || continue
		for v in "${e[@]}"; do
			if [ "$v" = "$1" ]; then
				TERN_TAGGED+=("$p")
				break
			fi
		done
	done
}

# tern_leftovers VAR=VALUE WHAT: wait up to 3 s for the tagged processes to
# go; if some remain, print them, end them (by PID) and return 1.
tern_leftovers() {
	local p
	for _ in $(seq 30); do
		tern_tagged "$1"
		[ ${#TERN_TAGGED[@]} -eq 0 ] && return 0
		sleep 0.1
	done
	echo "FAIL: $2: ${#TERN_TAGGED[@]} process(es) left behind:" >&2
	for p in "${TERN_TAGGED[@]}"; do
		echo "  $p $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" >&2
	done
	for p in "${TERN_TAGGED[@]}"; do
		tern_kill_tree "$p"
	done
	return 1
}
