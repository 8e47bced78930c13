#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks on the kernel code, as upstream reviewers run them:
# a W=1 build checked by sparse (C=2), and checkpatch --strict per file.
#
#   lint.sh KDIR KSRC

set -u
kdir=$1
ksrc=$2
pass=0
fail=0

result() {
	if [ "$1" = 0 ]; then
		pass=$((pass + 1))
		echo "ok - $2"
	else
		fail=$((fail + 1))
		echo "not ok - $2"
	fi
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT

make -s -C "$kdir" M="$PWD" clean >/dev/null 2>&1
make -C "$kdir" M="$PWD" CONFIG_SIVSHMEM=m W=1 C=2 >"$log" 2>&1
rc=$?
if [ $rc != 0 ] || grep -E 'warning|error' "$log" | grep -qv 'Skipping BTF'; then
	grep -E 'warning|error' "$log" | grep -v 'Skipping BTF' | head -40
	result 1 "module builds with W=1 and sparse (C=2) without warnings"
else
	result 0 "module builds with W=1 and sparse (C=2) without warnings"
fi

for f in drivers/sivshmem/*.[ch] drivers/sivshmem/Kconfig \
	 drivers/sivshmem/Makefile include/uapi/linux/sivshmem.h; do
	case "$f" in *.mod.c) continue ;; esac
	out=$(perl "$ksrc/scripts/checkpatch.pl" --strict --no-tree --quiet \
		--show-types --ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f "$f" 2>&1)
	if [ -n "$out" ]; then
		echo "$out" | head -40
		result 1 "checkpatch --strict $f"
	else
		result 0 "checkpatch --strict $f"
	fi
done

echo "lint: $pass passed, $fail failed"
[ $fail = 0 ]
