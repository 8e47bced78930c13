#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: the benchmarks of sivshmem, in three stages, then a report.
#
#   bench.sh [--only native|crypto|vm] [--quick] [--out DIR]
#
#   native  the benchmark ring (tools/testing/selftests/sivshmem/bench/
#           siv_ring.h) between two processes on this host, next to a
#           cache-line ping-pong and memcpy (seconds)
#   crypto  the handshake's cryptography per side in KUnit under UML
#           (scripts/kunit-bench.sh; the first run builds a UML kernel, ~3 min)
#   vm      two QEMU/TCG guests: raw ivshmem, sivshmem zero-copy and
#           read/write, TCP over virtio-net, and the handshake (~3 min)
#
# Results go to build/bench/ (DIR): guest.csv, native.csv, crypto.csv,
# machine.txt, report.txt (the tables printed at the end), results.json and
# rtt.svg / bw.svg (gnuplot). Under TCG only ratios mean anything.

set -u
cd "$(dirname "$0")/.." || exit 1

only=
quick=
out=build/bench
while [ $# -gt 0 ]; do
	case "$1" in
	--only) only=$2; shift 2 ;;
	--quick) quick=--quick; shift ;;
	--out) out=$2; shift 2 ;;
	*) echo "bench.sh: unknown argument: $1" >&2; exit 2 ;;
	esac
done
mkdir -p "$out"
start=$SECONDS
rc=0

stage() {
	echo
	echo "=== bench: $1 ($((SECONDS - start))s elapsed)"
}

{
	echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
	echo "host: $(uname -sr), $(qemu-system-x86_64 --version 2>/dev/null | head -n 1)"
	echo "guests: QEMU TCG (-accel tcg -cpu max -smp 1 -m 256M), Debian $(ls /boot/vmlinuz-6.1.*-amd64 2>/dev/null | sort -V | tail -n 1 | sed 's|.*vmlinuz-||')"
	echo "load average when the run started: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
} >"$out/machine.txt"
cat "$out/machine.txt"
load=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load" 'BEGIN { exit !(l > 0.5) }'; then
	echo "bench: warning: this host is busy (load $load); the figures will be noisy"
fi

if [ -z "$only" ] || [ "$only" = native ]; then
	stage "the ring natively: two processes over a memfd"
	if build/ring_native -o "$out/native.csv"; then
		:
	else
		echo "bench: the native ring benchmark failed"
		rc=1
	fi
fi

if [ -z "$only" ] || [ "$only" = crypto ]; then
	stage "handshake compute in KUnit under UML (first run builds a kernel, ~3 min)"
	scripts/kunit-bench.sh "$out/crypto.csv" || rc=1
fi

if [ -z "$only" ] || [ "$only" = vm ]; then
	stage "two QEMU/TCG guests: raw ivshmem, sivshmem, TCP over virtio-net"
	bash tools/testing/selftests/sivshmem/qemu/bench.sh --build build \
		--out "$out/guest.csv" $quick || rc=1
fi

stage "report"
python3 scripts/bench_report.py "$out" || rc=1
echo "bench: results in $out/ (report.txt, results.json, *.csv, rtt.svg, bw.svg); took $((SECONDS - start))s"
exit $rc
