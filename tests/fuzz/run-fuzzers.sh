#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The sivshmem authors.
#
# Runs libFuzzer targets with a bounded budget, each over a private copy
# of its seed corpus (libFuzzer adds what it finds to the first corpus
# directory; the checked-in seeds stay as they are). The budget is
# FUZZ_SECONDS of fuzzing per target (default 30); with FUZZ_SECONDS=0 it
# is RUNS executions instead (deterministic with a given SEED).
#
#   FUZZ_SECONDS=T RUNS=N SEED=S JOBS=J run-fuzzers.sh NAME:MAX_LEN...
#
# Prints "ok - fuzz NAME (N runs in T s, no crash)" or "not ok - ..." per target,
# then "fuzz: N passed, N failed"; exits 1 if any target crashed, leaked,
# hit undefined behaviour, failed a check or timed out. The input that did
# it is kept as artifacts/NAME-crash-* (or leak-*, timeout-*); replay it
# with ./NAME FILE.

set -u
cd "$(dirname "$0")" || exit 1

FUZZ_SECONDS=${FUZZ_SECONDS:-30}
RUNS=${RUNS:-0}
if [ "$FUZZ_SECONDS" -gt 0 ] 2>/dev/null; then
	budget=(-max_total_time="$FUZZ_SECONDS")
elif [ "$RUNS" -gt 0 ] 2>/dev/null; then
	budget=(-runs="$RUNS")
else
	echo "run-fuzzers.sh: set FUZZ_SECONDS or RUNS to a positive number" >&2
	exit 2
fi
SEED=${SEED:-1}
JOBS=${JOBS:-2}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p artifacts

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

fuzz_one() {
	local name=$1 max_len=$2 dir="$tmp/$1"

	mkdir -p "$dir/corpus"
	cp corpus/"$name"/* "$dir/corpus/"
	./"$name" "${budget[@]}" -seed="$SEED" -max_len="$max_len" \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="artifacts/$name-" "$dir/corpus" \
		>"$dir/log" 2>&1
	echo $? >"$dir/rc"
}

# At most JOBS fuzzers at once; results are reported in argument order.
running=0
for t in "$@"; do
	fuzz_one "${t%%:*}" "${t##*:}" &
	running=$((running + 1))
	if [ "$running" -ge "$JOBS" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

pass=0
fail=0
for t in "$@"; do
	name=${t%%:*}
	dir="$tmp/$name"
	rc=$(cat "$dir/rc" 2>/dev/null || echo 1)
	runs=$(sed -nE 's/^Done ([0-9]+) runs in .*/\1/p' "$dir/log" | tail -n 1)
	secs=$(sed -nE 's/^Done [0-9]+ runs in ([0-9]+) second.*/\1/p' "$dir/log" | tail -n 1)
	if [ "$rc" = 0 ] && [ -n "$runs" ] &&
	   ! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' \
		"$dir/log"; then
		echo "ok - fuzz ${name#fuzz_} ($runs runs in ${secs:-?} s, no crash)"
		pass=$((pass + 1))
	else
		grep -E -A40 'ERROR:|runtime error:|check failed' "$dir/log" |
			head -n 60
		tail -n 5 "$dir/log"
		artifact=$(sed -nE 's/.*Test unit written to (.*)$/\1/p' \
			"$dir/log" | tail -n 1)
		echo "not ok - fuzz ${name#fuzz_} (exit $rc${artifact:+, reproducer tests/fuzz/$artifact})"
		fail=$((fail + 1))
	fi
done

echo "fuzz: $pass passed, $fail failed"
[ "$fail" = 0 ]
