#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the guest initramfs the harness builds. It loads sivshmem.ko,
# runs what the kernel command line asks for (sivshmem.run=vmtest|demo),
# unloads the module, dumps the kernel log between markers for the harness
# to scan, and powers the VM off.
#
# In vmtest mode the channel tests need a server in the other guest
# (sivshmem.peer=), so each guest runs "sivshmem_tool serve" from the end of
# the first selftests until both guests are done: each tells the other's
# server "done" and waits to be told the same. The guest named by
# sivshmem.victim= is powered off by its peer's last test instead.
#
# With sivshmem.rogue=1 (run.sh --rogue) a third guest attacks the region
# with sivshmem.run=rogue: no driver, qemu/rogue.sh explains the rest. The
# harness opens the attack phases by writing a line to each guest's second
# serial port (ttyS1), which this script copies to /tmp/gate.

/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /tmp && mount -t tmpfs tmpfs /tmp

run=vmtest
expect=registered
peer=
victim=none
rogue=0
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	sivshmem.run=*) run=${arg#sivshmem.run=} ;;
	sivshmem.name=*) name=${arg#sivshmem.name=} ;;
	sivshmem.expect=*) expect=${arg#sivshmem.expect=} ;;
	sivshmem.peer=*) peer=${arg#sivshmem.peer=} ;;
	sivshmem.victim=*) victim=${arg#sivshmem.victim=} ;;
	sivshmem.rogue=*) rogue=${arg#sivshmem.rogue=} ;;
	esac
done
hostname "${name:-guest}"

serve_pid=

# Waits up to 300 s for file $1, as long as the peer's server answers.
wait_peer() {
	i=0
	while [ ! -e "$1" ] && [ $i -lt 300 ]; do
		sleep 1
		i=$((i + 1))
		[ $((i % 5)) = 0 ] || continue
		/bin/sivshmem_tool ctl -w 0 "$peer" status >/dev/null || break
	done
	[ -e "$1" ]
}

start_server() {
	[ "$expect" = rejected ] && return
	[ -n "$peer" ] || return
	/bin/sivshmem_tool serve >/tmp/serve.log 2>&1 &
	serve_pid=$!
	i=0
	while ! grep -q '^serve: listening' /tmp/serve.log && [ $i -lt 50 ]; do
		kill -0 "$serve_pid" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	if ! grep -q '^serve: listening' /tmp/serve.log; then
		sed 's/^/# serve did not start: /' /tmp/serve.log
		kill "$serve_pid" 2>/dev/null
		serve_pid=
	fi
}

# Both guests' tests are over; the victim waits for its peer to kill it.
finish_with_peer() {
	[ -n "$serve_pid" ] || return
	touch /tmp/sivshmem-done
	if [ "$peer" != "$victim" ] &&
	   ! /bin/sivshmem_tool ctl -w 60 "$peer" done >/dev/null; then
		echo "# $peer's server cannot be told we are done"
		return
	fi
	if [ "$name" = "$victim" ]; then
		echo "=== sivshmem: guest $name waits for $peer to power it off"
		wait_peer /tmp/sivshmem-never
		echo "# $peer did not power us off"
		return
	fi
	wait_peer /tmp/sivshmem-peer-done ||
		echo "# $peer did not say it was done"
}

stop_server() {
	[ -n "$serve_pid" ] || return
	kill "$serve_pid" 2>/dev/null
	wait "$serve_pid" 2>/dev/null
	# Its children hold channels; the module stays busy until they exit.
	i=0
	while pidof sivshmem_tool >/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	tail -n 5 /tmp/serve.log | sed 's/^/# /'
}

# Waits up to $1 seconds for the harness's line on ttyS1.
wait_gate() {
	i=0
	while [ ! -s /tmp/gate ] && [ $i -lt "$1" ]; do
		sleep 1
		i=$((i + 1))
	done
	[ -s /tmp/gate ]
}

if [ "$rogue" = 1 ]; then
	stty -F /dev/ttyS1 raw -echo 2>/dev/null
	cat /dev/ttyS1 >/tmp/gate 2>/dev/null &
fi

if [ "$run" = rogue ]; then
	# The co-tenant with a compromised kernel: no sivshmem driver at all.
	echo "=== sivshmem: guest ${name:-?} up, the rogue: sivshmem.ko stays unloaded"
	modprobe qemu_fw_cfg
	/bin/sivshmem_rogue --gate /tmp/gate
	echo "=== dmesg begin"
	dmesg
	echo "=== dmesg end"
	echo "=== sivshmem: guest ${name:-?} powering off"
	poweroff -f
fi

echo "=== sivshmem: guest ${name:-?} up, loading sivshmem.ko"
if ! modprobe sivshmem; then
	echo "not ok - insmod sivshmem.ko"
fi

case "$run" in
vmtest)
	echo "=== sivshmem-selftests begin"
	/bin/sivshmem_test
	rc=$?
	if [ -x /bin/sivshmem_channel_test ]; then
		start_server
		if [ -x /bin/sivshmem_attack_test ]; then
			/bin/sivshmem_attack_test || rc=1
		fi
		/bin/sivshmem_channel_test
		rc2=$?
		[ $rc = 0 ] && rc=$rc2
	fi
	echo "=== sivshmem-selftests end rc=$rc"
	finish_with_peer
	if [ "$rogue" = 1 ]; then
		# The rogue's second phase hits us now, our server still up.
		echo "=== sivshmem: guest $name waits for the rogue"
		wait_gate 900 || echo "# the harness never said the rogue was done"
		for f in /sys/bus/pci/drivers/sivshmem/*/state; do
			echo "# after the rogue: $f: $(cat "$f")"
		done
	fi
	stop_server
	;;
demo)
	/bin/demo.sh
	;;
esac

if rmmod sivshmem; then
	echo "ok - module unload"
else
	echo "not ok - module unload"
fi

echo "=== dmesg begin"
dmesg
echo "=== dmesg end"
echo "=== sivshmem: guest ${name:-?} powering off"
poweroff -f
