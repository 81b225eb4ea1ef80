#!/usr/bin/env python3
# tools/callgrind-memif.py BUSY IDLE PEER ECHOES: the analysis half of
# tools/bench-memif-callgrind.sh. BUSY is the callgrind dump of a window with
# traffic, IDLE one of the same process polling with no traffic. The busy
# window also holds polls that found the ring empty (the generator does not
# keep it full all the time): each costs what an idle poll costs, so that
# cost per poll (IDLE's instructions over its rx calls) times the empty polls
# of BUSY is taken off, function by function, before dividing by the
# datagrams. Empty polls = rx calls - rounds that received (tern: calls to
# tern_ctx_input; testpmd: calls to the tx function, which 5tswap calls only
# after a burst came in).
import collections
import re
import sys

PMD = "librte_net_memif"


def parse(path):
	names = {"fn": {}, "ob": {}}
	self_ir = collections.Counter()		# (ob, fn) -> self instructions
	calls = collections.Counter()		# (caller, callee ob, callee) -> calls
	incl = collections.Counter()		# the same -> inclusive instructions
	fn_ob = {}

	def name(tab, s):
		m = re.match(r"\((\d+)\)(?: (.*))?", s)
		if not m:
			return s
		if m.group(2) is not None:
			names[tab][m.group(1)] = m.group(2)
		return names[tab].get(m.group(1), s)

	ob = fn = cob = cfn = None
	pending = None
	with open(path) as f:
		for line in f:
			line = line.rstrip("\n")
			if line.startswith("ob="):
				ob = name("ob", line[3:])
			elif line.startswith("fn="):
				fn = name("fn", line[3:])
				fn_ob[fn] = ob
				cob = None
			elif line.startswith("cob="):
				cob = name("ob", line[4:])
			elif line.startswith("cfn="):
				cfn = name("fn", line[4:])
			elif line.startswith("calls="):
				pending = int(line[6:].split()[0])
			elif line and (line[0].isdigit() or line[0] in "+-*"):
				parts = line.split()
				ir = int(parts[1]) if len(parts) > 1 else 0
				if pending is not None:
					key = (fn, cob or ob, cfn)
					calls[key] += pending
					incl[key] += ir
					pending = None
					cob = None
				else:
					self_ir[(ob, fn)] += ir
	return self_ir, calls, incl, fn_ob


def inclusive(d):
	self_ir, calls, incl, _ = d
	inc = collections.Counter()
	for (o, f), v in self_ir.items():
		inc[f] += v
	for (a, o, b), v in incl.items():
		if a != b:
			inc[a] += v
	return inc


def ncalls(d):
	n = collections.Counter()
	for (a, o, b), c in d[1].items():
		n[b] += c
	return n


def pmd_edges(d):
	"""Calls into the memif PMD from outside it: callee -> (calls, inclusive)."""
	_, calls, incl, fn_ob = d
	e = {}
	for (a, o, b), c in calls.items():
		if PMD in (o or "") and PMD not in (fn_ob.get(a) or ""):
			k = e.get(b, (0, 0))
			e[b] = (k[0] + c, k[1] + incl[(a, o, b)])
	return e


short = lambda o: (o or "?").split("/")[-1]
busy, idle = parse(sys.argv[1]), parse(sys.argv[2])
peer, echoes = sys.argv[3], int(sys.argv[4])

be, ie = pmd_edges(busy), pmd_edges(idle)
if not be:
	sys.exit("callgrind-memif: no call into the memif PMD in the busy window")
# rx: polled every round, so the one the idle window calls most
rx = max(ie, key=lambda f: ie[f][0]) if ie else max(be, key=lambda f: be[f][0])
txs = [f for f in be if f != rx and be[f][0] > 0]
tx = max(txs, key=lambda f: be[f][1]) if txs else None
bc, ic = ncalls(busy), ncalls(idle)
if peer == "tern":
	dgrams = bc["udp_input"]
	rounds = bc["tern_ctx_input"]
	how = "calls to udp_input"
else:
	dgrams = echoes
	rounds = be[tx][0] if tx else 0
	how = "testpmd's RX counter over the window"
if dgrams == 0:
	sys.exit("callgrind-memif: no datagram counted")
rx_busy, rx_idle = be[rx][0], ie.get(rx, (0, 0))[0]
empty = max(rx_busy - rounds, 0)
k = empty / rx_idle if rx_idle else 0.0		# idle windows' worth of empty polls in busy

total_b = sum(busy[0].values())
total_i = sum(idle[0].values())
total = total_b - k * total_i
print(f"callgrind: {peer} echo over memif: {dgrams} datagrams ({how}; testpmd counted"
      f" {echoes} echoes over the window), {rounds} rounds that received"
      f" ({dgrams / max(rounds, 1):.1f} datagrams each), {empty} empty polls besides"
      f" ({total_i / max(rx_idle, 1):.1f} instructions each, from the idle window)")
print(f"  all instructions: {total_b / dgrams:.1f}/datagram; empty polls taken off:"
      f" {total / dgrams:.1f}/datagram")
print("by object (self instructions per datagram, empty polls taken off):")
by_ob = collections.Counter()
for (o, f), v in busy[0].items():
	by_ob[short(o)] += v - k * idle[0].get((o, f), 0)
for o, v in by_ob.most_common(8):
	if abs(v / dgrams) >= 0.05:
		print(f"  {v / dgrams:8.1f}  {o}")
print("memif PMD, as called (inclusive per datagram, calls per datagram; empty polls taken off):")
for f, what in ((rx, "rx burst (copies in, allocates mbufs)"),
		(tx, "tx burst (copies out, frees mbufs)")):
	if f is None:
		continue
	c, v = be[f]
	ci, vi = ie.get(f, (0, 0))
	print(f"  {(v - k * vi) / dgrams:8.1f}  {(c - k * ci) / dgrams:6.3f} calls  {f}: {what}")
pmd = 0.0
for f in (rx, tx):
	if f is not None:
		pmd += be[f][1] - k * ie.get(f, (0, 0))[1]
flush = sum(v - k * idle[0].get((o, f), 0) for (o, f), v in busy[0].items()
	    if f.split(".")[0] in ("port_flush", "tern_ctx_flush", "port_tx_prepare"))
print(f"  the echo's own part (all but the memif PMD's rx and tx calls): {(total - pmd) / dgrams:.1f}"
      f"/datagram; its flush aside: {(total - pmd - flush) / dgrams:.1f}/datagram (tern's flush"
      f" runs again when testpmd is slow to read: it moves with the machine's load)")
if peer == "tern":
	bi, ii = inclusive(busy), inclusive(idle)
	print("tern and the example (inclusive per datagram, calls per datagram; empty polls"
	      " taken off):")
	for f, what in (("l4fwd_worker_loop", "the example's loop: everything"),
			("tern_ctx_poll", "rx burst, input, timers, flush"),
			("tern_ctx_input", "eth/ip/udp input of a burst"),
			("udp_input", "udp input (inside the above)"),
			("tern_udp_recv_burst", "the example takes the datagrams"),
			("echo_step", "the example's echo: take, send back (output inlined in LTO)"),
			("tern_udp_echo_burst", "udp/ip/eth output into the tx buffer"),
			("tern_udp_reply_burst", "udp/ip/eth output into the tx buffer"),
			("tern_ctx_flush", "tx buffer to the PMD (tx burst inside)"),
			("tern_ctx_events", "the example's event drain")):
		if f in bi:
			v = bi[f] - k * ii.get(f, 0)
			c = bc[f] - k * ic.get(f, 0)
			print(f"  {v / dgrams:8.1f}  {c / dgrams:6.3f} calls  {f}: {what}")
print("top functions (self instructions per datagram, empty polls taken off):")
corr = {key: v - k * idle[0].get(key, 0) for key, v in busy[0].items()}
for (o, f), v in sorted(corr.items(), key=lambda kv: -kv[1])[:25]:
	if v / dgrams < 0.5:
		break
	print(f"  {v / dgrams:8.1f}  {f}  [{short(o)}]")
