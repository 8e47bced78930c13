#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: builds everything, then runs the host unit tests, the static
# checks and the selftests in real VMs. Each stage prints its own results;
# the last line adds them up as "N passed, N failed".

set -u
cd "$(dirname "$0")/.." || exit 1

pass=0
fail=0
start=$SECONDS

stage() {
	echo
	echo "=== $1 ($((SECONDS - start))s elapsed)"
}

# Adds the "WORD: N passed, N failed" summary of a stage's output file.
add_counts() {
	local line p f
	line=$(grep -E '^[a-z]+: [0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
	if [ -z "$line" ]; then
		echo "not ok - $2 printed no summary"
		fail=$((fail + 1))
		return
	fi
	p=$(echo "$line" | sed -E 's/^[a-z]+: ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	pass=$((pass + p))
	fail=$((fail + f))
}

out=$(mktemp)
trap 'rm -f "$out"' EXIT

stage "build: module, host tools, selftests"
if make --no-print-directory all >"$out" 2>&1; then
	echo "ok - build"
	pass=$((pass + 1))
else
	tail -n 40 "$out"
	echo "not ok - build"
	fail=$((fail + 1))
	echo "$pass passed, $fail failed"
	exit 1
fi

stage "host unit tests (cmocka)"
make --no-print-directory -C host check 2>&1 | tee "$out"
add_counts "$out" "host unit tests"

stage "KUnit under UML (first run builds a UML kernel, ~3 min)"
make --no-print-directory kunit 2>&1 | tee "$out"
add_counts "$out" "kunit"

stage "fuzzing the parsers (libFuzzer, 30 s per target)"
make --no-print-directory fuzz 2>&1 | tee "$out"
add_counts "$out" "fuzz"

stage "static checks: W=1, sparse, checkpatch --strict"
make --no-print-directory lint 2>&1 | tee "$out"
add_counts "$out" "lint"
# lint cleans the module build; rebuild what the VMs boot.
make --no-print-directory module >/dev/null 2>&1

stage "selftests in two QEMU guests (TCG, about 10 seconds)"
bash tools/testing/selftests/sivshmem/qemu/run.sh --mode vmtest \
	--build build 2>&1 | tee "$out"
add_counts "$out" "vmtest"

stage "selftests in three QEMU guests (vm3 revoked, then impersonating vm1)"
bash tools/testing/selftests/sivshmem/qemu/run.sh --mode vmtest \
	--build build --vms 3 2>&1 | tee "$out"
add_counts "$out" "vmtest (3 guests)"

stage "selftests under attack: vm3 is a rogue co-tenant on the raw region"
bash tools/testing/selftests/sivshmem/qemu/run.sh --mode vmtest \
	--build build --rogue 2>&1 | tee "$out"
add_counts "$out" "vmtest (rogue vm3)"

echo
echo "=== make check took $((SECONDS - start))s"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
