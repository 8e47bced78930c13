#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-crypto (and a stage of make bench): the handshake compute
# benchmark, tools/testing/selftests/sivshmem/bench/kunit/, in a UML
# kernel built from the Debian 6.1 source like "make kunit", but in a tree
# and build directory of its own (build/kunit-bench) and without KASAN or
# lockdep, which would distort the timings. The first run builds the
# kernel (~3 min on 2 cores); later runs are incremental.
#
#   kunit-bench.sh [OUT.csv]
#
# Prints the timings; writes them as CSV rows (metric "crypto", the
# operation as transport, milliseconds) to OUT.csv.

set -u
cd "$(dirname "$0")/.." || exit 1
root=$PWD
csv=${1:-build/bench/crypto.csv}

ksrc_tar=${KSRC_TAR:-/usr/src/linux-source-6.1.tar.xz}
work=$root/build/kunit-bench
tree=$work/linux-source-6.1
out=$work/out
log=$work/kunit.log
jobs=${KUNIT_JOBS:-$(nproc)}
export HOME=${HOME:-/tmp}

fail() {
	echo "kunit-bench: $1"
	exit 1
}

if [ ! -e "$work/.extracted" ]; then
	[ -r "$ksrc_tar" ] || fail "no $ksrc_tar: run 'make deps'"
	echo "kunit-bench: extracting $(basename "$ksrc_tar") into build/kunit-bench (once)"
	rm -rf "$tree"
	mkdir -p "$work"
	tar -C "$work" -xJf "$ksrc_tar" || fail "extracting the kernel source failed"
	touch "$work/.extracted"
fi

sync_file() {
	cmp -s "$1" "$2" || cp "$1" "$2"
}

# The driver's sources (the benchmark calls its handshake code) and the
# benchmark, each in its directory.
mkdir -p "$tree/drivers/sivshmem" "$tree/drivers/sivshmem_bench"
for f in "$tree"/drivers/sivshmem/*.[ch]; do
	[ -e "$f" ] || continue
	[ -e "drivers/sivshmem/$(basename "$f")" ] || rm -f "$f"
done
for f in drivers/sivshmem/*.[ch] drivers/sivshmem/Makefile drivers/sivshmem/Kconfig; do
	case "$f" in *.mod.c) continue ;; esac
	sync_file "$f" "$tree/drivers/sivshmem/$(basename "$f")"
done
bdir=tools/testing/selftests/sivshmem/bench/kunit
for f in "$bdir"/*.[ch] "$bdir"/Makefile "$bdir"/Kconfig "$bdir"/.kunitconfig; do
	sync_file "$f" "$tree/drivers/sivshmem_bench/$(basename "$f")"
done
sync_file include/uapi/linux/sivshmem.h "$tree/include/uapi/linux/sivshmem.h"
for d in sivshmem sivshmem_bench; do
	grep -q "^source \"drivers/$d/Kconfig\"" "$tree/drivers/Kconfig" ||
		sed -i "\$ i source \"drivers/$d/Kconfig\"\n" "$tree/drivers/Kconfig"
	grep -q "^obj-y[[:space:]]*+= $d/" "$tree/drivers/Makefile" ||
		echo "obj-y				+= $d/" >>"$tree/drivers/Makefile"
done

if [ -e "$out/vmlinux" ]; then
	echo "kunit-bench: building the UML kernel (incremental)"
else
	echo "kunit-bench: building the UML kernel (first time ~3 min)"
fi
start=$SECONDS
(cd "$tree" && python3 tools/testing/kunit/kunit.py run \
	--kunitconfig=drivers/sivshmem_bench --jobs="$jobs" --build_dir="$out" \
	'sivshmem_bench*') >"$log" 2>&1
rc=$?
echo "kunit-bench: kunit.py finished in $((SECONDS - start))s (exit $rc)"

mkdir -p "$(dirname "$csv")"
echo "metric,transport,variant,size,value,p99,unit,iters" >"$csv"
lines=$(grep -ho 'bench: .* median [0-9]* p99 [0-9]* runs [0-9]*' \
	"$out/test.log" "$log" 2>/dev/null | sort -u)
if [ -z "$lines" ] || [ $rc != 0 ]; then
	tail -n 40 "$log"
	fail "no timings (log: build/kunit-bench/kunit.log)"
fi
echo "Handshake compute in the kernel (UML, $(nproc) CPUs), median of runs:"
echo "$lines" | while read -r _ rest; do
	name=${rest% median *}
	set -- ${rest##* median }
	med=$1 p99=$3 runs=$5
	printf '  %-52s %9.3f ms  (p99 %.3f ms, %d runs)\n' "$name" \
		"$(echo "$med / 1000000" | bc -l)" "$(echo "$p99 / 1000000" | bc -l)" "$runs"
	printf 'crypto,%s,kunit,0,%.4f,%.4f,ms,%d\n' "${name//,/;}" \
		"$(echo "$med / 1000000" | bc -l)" "$(echo "$p99 / 1000000" | bc -l)" "$runs" >>"$csv"
done
