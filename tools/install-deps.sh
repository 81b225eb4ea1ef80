#!/usr/bin/env bash
# Installs what tern needs to build, test and run its demos on Debian 12.
# With the argument "fuzz", also what the fuzz harnesses need: clang and its
# runtime libraries (libclang-rt-14-dev carries libFuzzer's -fsanitize=fuzzer
# runtime and clang's ASan/UBSan runtimes; libfuzzer-14-dev, libFuzzer itself).
# Only packages that are missing are installed; a machine that has them all
# is left alone (no apt-get update, no network).
set -euo pipefail

PKGS=(
	build-essential pkg-config meson ninja-build
	libdpdk-dev dpdk dpdk-dev libnuma-dev libcmocka-dev libpcap-dev
	iproute2 iputils-ping iputils-arping ndisc6 socat netcat-openbsd tcpdump
	python3 procps doxygen tshark hping3 traceroute dpdk-doc iptables
	redis-server redis-tools nginx wrk curl haproxy
)
if [ "${1:-}" = fuzz ]; then
	PKGS=(clang libclang-rt-14-dev libfuzzer-14-dev)
fi

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages: ${missing[*]}" >&2
	echo "install-deps: run as root (or: sudo apt-get install -y ${missing[*]})" >&2
	exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
