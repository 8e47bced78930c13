#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Installs the Debian 12 packages sivshmem needs. Quiet when everything is
# there; needs root (apt-get) otherwise.
#
#   deps.sh          install what is missing
#   deps.sh --check  exit 1 if anything is missing, install nothing

set -u

packages=(
	build-essential
	bc
	bison
	flex
	cpio
	gzip
	xz-utils
	kmod
	libelf-dev
	python3
	qemu-system-x86
	busybox-static
	keyutils
	linux-image-amd64
	linux-headers-amd64
	linux-source-6.1
	openssl
	libssl-dev
	libcmocka-dev
	pkg-config
	clang
	# libFuzzer and the sanitizer runtimes: clang only recommends them.
	libclang-rt-14-dev
	sparse
	# The plots of make bench.
	gnuplot-nox
)

missing=()
for p in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
	[ "$status" = "install ok installed" ] || missing+=("$p")
done

[ ${#missing[@]} -eq 0 ] && exit 0
if [ "${1:-}" = --check ]; then
	echo "deps: missing Debian packages: ${missing[*]}" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "deps: these Debian packages are missing: ${missing[*]}" >&2
	echo "deps: install them as root: sudo make deps" >&2
	exit 1
fi

echo "deps: installing ${missing[*]} (this takes a few minutes the first time)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/tmp/sivshmem-apt.log 2>&1 &&
	apt-get install -y -q --no-install-recommends "${missing[@]}" \
		>>/tmp/sivshmem-apt.log 2>&1
rc=$?
if [ $rc != 0 ]; then
	tail -n 30 /tmp/sivshmem-apt.log >&2
	echo "deps: apt-get failed (full log: /tmp/sivshmem-apt.log)" >&2
	exit $rc
fi
echo "deps: done"
