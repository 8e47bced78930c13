#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make kunit: runs the sivshmem KUnit tests in a UML kernel built from the
# Debian 6.1 source. The source is unpacked once into build/kunit, the driver
# is copied into it (copied, not linked: kbuild with O= resolves paths in the
# source tree) and hooked into drivers/Kconfig and drivers/Makefile, then
# kunit.py builds and boots it. The build directory is kept, so later runs
# only rebuild what changed.
#
# The last line is "kunit: N passed, N failed" (test cases, each parameter
# of a parameterised test counted once). Exits non-zero if a test fails or
# the kernel does not build.

set -u
cd "$(dirname "$0")/.." || exit 1
root=$PWD

ksrc_tar=${KSRC_TAR:-/usr/src/linux-source-6.1.tar.xz}
work=$root/build/kunit
tree=$work/linux-source-6.1
out=$work/out
# "make -C KDIR M=<repo> clean" (make lint, make clean) deletes every *.o
# and .*.cmd file below the repository, which would make each run after a
# lint a cold build. So the objects live in a cache outside the repository
# and build/kunit/out is a symlink to it, which that find does not follow.
# UML itself needs a HOME (it keeps its ~/.uml there); CI may run without.
export HOME=${HOME:-/tmp}
cache=${KUNIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sivshmem-kunit/$(printf '%s' "$root" | md5sum | cut -c1-12)}
stamp=$work/.extracted
log=$work/kunit.log
jobs=${KUNIT_JOBS:-$(nproc)}

# Debugging options on top of drivers/sivshmem/.kunitconfig; all of them
# build and boot on UML x86_64 in 6.1. UML cannot instrument the whole
# kernel with UBSAN (no ARCH_HAS_UBSAN_SANITIZE_ALL), so the driver's
# Makefile opts its own files in, and it has no DEBUG_ATOMIC_SLEEP
# (ARCH_NO_PREEMPT).
debug_opts=(
	CONFIG_DEBUG_KERNEL=y
	CONFIG_KASAN=y
	CONFIG_KASAN_VMALLOC=y
	# In 6.1 a KASAN report fails the running KUnit test only with this.
	CONFIG_KASAN_KUNIT_TEST=y
	CONFIG_UBSAN=y
	CONFIG_UBSAN_BOUNDS=y
	CONFIG_UBSAN_SHIFT=y
	CONFIG_PROVE_LOCKING=y
)

fail() {
	echo "$1"
	echo "kunit: 0 passed, 1 failed"
	exit 1
}

if [ ! -e "$stamp" ]; then
	[ -r "$ksrc_tar" ] || fail "kunit: no $ksrc_tar: run 'make deps'"
	echo "kunit: extracting $(basename "$ksrc_tar") into build/kunit (once, ~15 s)"
	rm -rf "$tree"
	mkdir -p "$work"
	tar -C "$work" -xJf "$ksrc_tar" || fail "kunit: extracting the kernel source failed"
	touch "$stamp"
fi

if [ ! -L "$out" ]; then
	mkdir -p "$(dirname "$cache")"
	if [ -d "$out" ] && [ ! -e "$cache" ]; then
		mv "$out" "$cache"
	else
		rm -rf "$out"
	fi
	ln -s "$cache" "$out"
fi
mkdir -p "$(readlink "$out")"

# Copies $1 to $2 only if it differs, so an unchanged file keeps its mtime
# and is not rebuilt.
sync_file() {
	cmp -s "$1" "$2" || cp "$1" "$2"
}

dst=$tree/drivers/sivshmem
mkdir -p "$dst"
# Drop files that no longer exist in the repository.
for f in "$dst"/*.[ch]; do
	[ -e "$f" ] || continue
	[ -e "drivers/sivshmem/$(basename "$f")" ] || rm -f "$f"
done
for f in drivers/sivshmem/*.[ch] drivers/sivshmem/Makefile \
	 drivers/sivshmem/Kconfig drivers/sivshmem/.kunitconfig; do
	case "$f" in *.mod.c) continue ;; esac
	sync_file "$f" "$dst/$(basename "$f")"
done
sync_file include/uapi/linux/sivshmem.h "$tree/include/uapi/linux/sivshmem.h"

grep -q '^source "drivers/sivshmem/Kconfig"' "$tree/drivers/Kconfig" ||
	sed -i '$ i source "drivers/sivshmem/Kconfig"\n' "$tree/drivers/Kconfig"
grep -q '^obj-y[[:space:]]*+= sivshmem/' "$tree/drivers/Makefile" ||
	echo 'obj-y				+= sivshmem/' >>"$tree/drivers/Makefile"

# Only our suites (KASAN_KUNIT_TEST brings its own), and a KASAN report for
# every bug, not only the first.
args=(run --kunitconfig=drivers/sivshmem --jobs="$jobs" --build_dir="$out"
      --kernel_args=kasan_multi_shot 'sivshmem_*')
for o in "${debug_opts[@]}"; do
	args+=(--kconfig_add "$o")
done

if [ -e "$out/vmlinux" ]; then
	echo "kunit: building UML kernel (incremental)"
else
	echo "kunit: building UML kernel (first time ~3 min)"
fi
start=$SECONDS
(cd "$tree" && python3 tools/testing/kunit/kunit.py "${args[@]}") >"$log" 2>&1
rc=$?
echo "kunit: kunit.py finished in $((SECONDS - start))s (exit $rc)"

summary=$(grep -E 'Testing complete\. Ran [0-9]+ tests' "$log" | tail -n 1)
if [ -z "$summary" ]; then
	# No test ran: the configuration or the build failed.
	tail -n 60 "$log"
	fail "kunit: the UML kernel did not build or boot (log: build/kunit/kunit.log)"
fi

# The parsed results: suites, cases and parameters, with the summary.
sed -n '/=====* sivshmem_/,$p' "$log" | grep -v '^stty: '
[ -s "$out/test.log" ] && echo "kunit: raw TAP output in build/kunit/out/test.log"

count() {
	echo "$summary" | grep -oE "$1: [0-9]+" | grep -oE '[0-9]+' || echo 0
}
passed=$(count passed)
failed=$(($(count failed) + $(count crashed) + $(count errors)))
if [ "$rc" != 0 ] && [ "$failed" = 0 ]; then
	failed=1
fi
# Belt and braces: a sanitizer or lockdep report anywhere is a failure.
if grep -qE 'BUG: KASAN|UBSAN:|possible (recursive|circular) locking|BUG: sleeping' \
	"$out/test.log" 2>/dev/null; then
	echo "kunit: sanitizer or lockdep report in build/kunit/out/test.log:"
	grep -E -A3 'BUG: KASAN|UBSAN:|possible (recursive|circular) locking|BUG: sleeping' \
		"$out/test.log" | head -20
	[ "$failed" = 0 ] && failed=1
fi
echo "kunit: $passed passed, $failed failed"
[ "$failed" = 0 ]
