#!/usr/bin/env bash
# tools/build-dpdk-l3fwd.sh BUILD_DIR: build DPDK's own l3fwd example, the
# baseline of `make bench`'s l3fwd step, into BUILD_DIR/dpdk-l3fwd from the
# source Debian's dpdk-doc package ships (nothing of it is kept in this
# repository). Two changes make it run on net_memif, which has no Rx
# checksum offload: DPDK 22.11's l3fwd asks for RTE_ETH_RX_OFFLOAD_CHECKSUM
# on every port and fails to configure one without it, so the requested
# Rx offloads are masked with what the port offers (port and queue set-up).
# Prints the binary's path on its last line; exit 1 if it cannot be built.
set -eu
BUILD=${1:?usage: build-dpdk-l3fwd.sh BUILD_DIR}
SRC=/usr/share/dpdk/examples
OUT="$BUILD/dpdk-l3fwd"
if [ ! -f "$SRC/l3fwd/main.c" ]; then
	echo "build-dpdk-l3fwd: $SRC/l3fwd not found: install dpdk-doc" \
	     "(tools/install-deps.sh, or apt-get install dpdk-doc)" >&2
	exit 1
fi
if [ -x "$OUT/l3fwd/build/l3fwd" ] && [ "$OUT/l3fwd/build/l3fwd" -nt "$SRC/l3fwd/main.c" ]; then
	echo "$OUT/l3fwd/build/l3fwd"
	exit 0
fi
rm -rf "$OUT"
mkdir -p "$OUT"
cp -r "$SRC/l3fwd" "$SRC/common" "$OUT/"
cd "$OUT/l3fwd"
sed -i 's|^\(\t*\)local_port_conf.rx_adv_conf.rss_conf.rss_hf &=$|\1local_port_conf.rxmode.offloads \&= dev_info.rx_offload_capa;\n&|' main.c
sed -i 's|rxq_conf.offloads = port_conf.rxmode.offloads;|rxq_conf.offloads = port_conf.rxmode.offloads \& dev_info.rx_offload_capa;|' main.c
if [ "$(grep -c 'rx_offload_capa' main.c)" -ne 2 ]; then
	echo "build-dpdk-l3fwd: this l3fwd's main.c does not look like DPDK 22.11's:" \
	     "the offload masks were not applied" >&2
	exit 1
fi
nice make -j1 >make.log 2>&1 || { tail -20 make.log >&2; exit 1; }
echo "$OUT/l3fwd/build/l3fwd"
