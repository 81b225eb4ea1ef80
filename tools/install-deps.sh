#!/usr/bin/env bash
# Installs what tern needs to build, test and run its demos on Debian 12.
# Only packages that are missing are installed; a machine that has them all
# is left alone (no apt-get update, no network).
set -euo pipefail

PKGS=(
	build-essential pkg-config meson ninja-build
	libdpdk-dev dpdk dpdk-dev libnuma-dev libcmocka-dev libpcap-dev
	iproute2 iputils-ping iputils-arping ndisc6 socat netcat-openbsd tcpdump
	python3 procps traceroute dpdk-doc
)

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
