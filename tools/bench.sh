#!/usr/bin/env bash
# `make bench`: the standard benchmark set. The UDP/TCP benchmarks
# (tools/tern-bench) come with their issues; until then this says so.
set -u
BUILD=${1:-build}
BENCH="$BUILD/tools/tern-bench"
if [ ! -x "$BENCH" ]; then
	echo "bench: tern-bench is not built yet (it comes with UDP streams)" >&2
	exit 1
fi
exec "$BENCH" --standard
