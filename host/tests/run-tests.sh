#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The sivshmem authors.
#
# Runs each cmocka test binary, shows its output and sums cmocka's summary
# lines into one last line, "host: N passed, N failed", for the top-level
# runner. A test script (*.sh, run with bash) instead ends its output with
# its own "NAME: N passed, N failed" line, which is added in the same way.
# A test that dies before its summary counts as one failure.

passed=0
failed=0
for t in "$@"; do
	out=$(mktemp)
	# A file, not a pipe: a daemon a failed test leaves behind must not
	# keep the run waiting. timeout bounds a hung test.
	case "$t" in
	*.sh)	timeout 300 bash "$t" >"$out" 2>&1 ;;
	*)	timeout 300 "$t" >"$out" 2>&1 ;;
	esac
	rc=$?
	cat "$out"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | head -n1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | head -n1)
	if [ -z "$p$f" ]; then
		sum='^[a-z][a-z0-9_-]*: \([0-9]*\) passed, \([0-9]*\) failed$'
		p=$(tail -n1 "$out" | sed -n "s/$sum/\\1/p")
		f=$(tail -n1 "$out" | sed -n "s/$sum/\\2/p")
	fi
	rm -f "$out"
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "$t: exited with status $rc before reporting a failure"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done
echo "host: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
