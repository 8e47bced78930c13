# SPDX-License-Identifier: GPL-2.0
#
# The rogue VM of run.sh --rogue, sourced by run.sh (not run on its own).
#
# vm1 and vm2 are honest and run their selftests; vm3 is a co-tenant whose
# kernel is compromised: it never loads sivshmem.ko, keeps every driver off
# the ivshmem device with driver_override, maps the raw region and the
# doorbell registers through sysfs resource2/resource0, and runs
# sivshmem_rogue (rogue/sivshmem_rogue.c). It holds a valid identity for
# its own name (issued after the vm3 certificate that is revoked, which it
# also gets, with the other wrong identities and vm1's certificate and key).
#
# The attacks come in two phases, because the ones that write into the
# honest guests' queues are denial of service by design (unsigned sequence
# numbers; see Documentation/sivshmem/attack-matrix.rst):
#
#   1. while vm1 and vm2 run their tests: only the rogue's own mailbox and
#      a channel it obtains itself, doorbell floods, and snooping;
#   2. once both honest guests have finished (they print "waits for the
#      rogue" and keep their servers up): forged, replayed and relayed
#      messages in their queues, corrupt header, indices and channel pages,
#      floods. The harness opens it by writing a line to vm3's second
#      serial port and, when the rogue is done (or gone), to vm1's and
#      vm2's, which then unload the module and power off as usual.
#
# The harness then requires: every rogue TAP line ok, the honest guests'
# tests all passing, no kernel warning anywhere, clean power-offs, and
# sivshmemd exiting cleanly.

rogue_stage=0

# Extra QEMU arguments of guest $1: a second serial port the harness writes.
rogue_qemu_args() {
	local fifo=$work/$1.gate
	mkfifo "$fifo.in" "$fifo.out" || die "mkfifo $fifo"
	echo "-serial"
	echo "pipe:$fifo"
}

# Opens a FIFO read-write, so that the write never blocks on a dead QEMU.
rogue_open_gate() {
	echo go 1<>"$work/$1.gate.in"
	say "opened the gate of $1"
}

# Called about once a second while the guests run.
rogue_tick() {
	case $rogue_stage in
	0)
		grep -q '^=== sivshmem: guest vm1 waits for the rogue' "$work/vm1.log" &&
		grep -q '^=== sivshmem: guest vm2 waits for the rogue' "$work/vm2.log" ||
			return 0
		rogue_open_gate vm3
		rogue_stage=1
		;;
	1)
		if grep -q '^=== sivshmem-rogue phase 2 done' "$work/vm3.log" ||
		   ! kill -0 "${qemu_pids[2]}" 2>/dev/null; then
			rogue_open_gate vm1
			rogue_open_gate vm2
			rogue_stage=2
		fi
		;;
	esac
}

# The rogue's report, as TAP lines counted like the selftests.
rogue_results() {
	local log=$work/vm3.log tap p f
	tap=$(sed -n '/^=== sivshmem-rogue begin/,/^=== sivshmem-rogue end/p' "$log" | tr -d '\r')
	echo "$tap" | sed "s/^/[vm3 rogue] /"
	p=$(echo "$tap" | grep -cE '^ok [0-9]+ ')
	f=$(echo "$tap" | grep -cE '^not ok [0-9]+ ')
	pass=$((pass + p))
	fail=$((fail + f))
	if echo "$tap" | grep -q '^=== sivshmem-rogue end'; then
		result ok "vm3: the rogue ran every attack to the end"
	else
		result fail "vm3: the rogue ran every attack to the end"
		tail -n 30 "$log" | sed "s/^/[vm3] /"
	fi
	if [ "$rogue_stage" = 2 ]; then
		result ok "vm3: phase 2 ran after both honest guests' tests"
	else
		result fail "vm3: phase 2 ran after both honest guests' tests (stage $rogue_stage)"
	fi
	if grep -Eq "$bad_kernel" "$log"; then
		result fail "vm3: no kernel warning in the console"
		grep -E -B2 -A20 "$bad_kernel" "$log" | head -60 | sed "s/^/[vm3] /"
	else
		result ok "vm3: no kernel warning in the console"
	fi
	if grep -q '^=== sivshmem: guest vm3 powering off' "$log"; then
		result ok "vm3: powered off cleanly"
	else
		result fail "vm3: powered off cleanly"
	fi
	for i in 1 2; do
		if grep -q "^=== sivshmem: guest vm$i waits for the rogue" "$work/vm$i.log"; then
			result ok "vm$i: stayed up through the rogue's second phase"
		else
			result fail "vm$i: stayed up through the rogue's second phase"
		fi
	done
}
