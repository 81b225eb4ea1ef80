#!/usr/bin/env bash
# Instructions per flood SYN of `tern-bench --workload syn-flood --single`,
# counted by callgrind (no timing: repeatable on a busy machine). Counted
# only inside the server's round (srv_round), the client's (cli_round) and
# the generator's burst (sf_burst); callgrind dumps at each bench_tcp_run(),
# so the last two dumps are the unflooded and the flooded phase.
#   server per flood SYN = (srv_round of the flooded phase - legit SYNs of
#     that phase * srv_round per legit SYN of the unflooded phase) / flood SYNs
# (idle rounds are in both phases' srv_round: the figure is a little high).
# Also the inclusive instructions per call of the SYN path's functions.
set -eu
BUILD=${1:-build}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$dir/cg" --toggle-collect=srv_round \
	--toggle-collect=cli_round --toggle-collect=sf_burst --dump-before=bench_tcp_run \
	"$BUILD/tools/tern-bench" --workload syn-flood --runs 1 --seconds 1 --single "${@:2}" \
	>"$dir/log" 2>&1
python3 - "$dir/cg.2" "$dir/cg" <<'PY'
import re, subprocess, sys

def load(f):
	txt = open(f).read()
	names = {}
	for m in re.finditer(r"^c?fn=\((\d+)\) (\S+)", txt, re.M):
		names.setdefault(m.group(1), m.group(2))
	calls = {}
	for m in re.finditer(r"^cfn=\((\d+)\)[^\n]*\ncalls=(\d+)", txt, re.M):
		n = names.get(m.group(1))
		calls[n] = calls.get(n, 0) + int(m.group(2))
	out = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", f],
			     capture_output=True, text=True).stdout
	incl = {}
	for line in out.splitlines():
		m = re.match(r"\s*([\d,]+) \([^)]*\)\s+\S*:(\w+)", line)
		if m and m.group(2) not in incl:
			incl[m.group(2)] = int(m.group(1).replace(",", ""))
	return calls, incl

cu, iu = load(sys.argv[1])
cf, ifl = load(sys.argv[2])
legit_u = cu.get("tcp_syn_input", 0)
flood = cf.get("sf_burst", 0) * 32
if legit_u == 0 or flood == 0:
	sys.exit("callgrind: no SYN counted")
legit_f = cf.get("tcp_syn_input", 0) - flood
srv = (ifl.get("srv_round", 0) - legit_f * iu.get("srv_round", 0) / legit_u) / flood
cli = (ifl.get("cli_round", 0) - legit_f * iu.get("cli_round", 0) / legit_u) / flood
print(f"callgrind: {flood} flood SYNs, {legit_f} legitimate SYNs in the flooded phase")
print(f"server: {srv:.0f} instructions per flood SYN")
print(f"client context: {cli:.0f} instructions per flood SYN (its SYN-ACK)")
print(f"generator: {ifl.get('sf_burst', 0) / flood:.0f} instructions per flood SYN")
for fn in ("tcp_syn_input", "tcp_cookie", "siphash24", "send_synack", "tcp_send_raw_via",
	   "tcp_put_hdr", "tcp_cksum", "net_output_oneshot", "ip_tmpl_output", "tcp_opts_parse",
	   "tcp_listener_lookup", "rte_hash_lookup_with_hash_bulk_data"):
	n = cf.get(fn, 0)
	if n:
		print(f"  {fn}: {ifl.get(fn, 0) / n:.0f} instructions per call ({n} calls)")
PY
