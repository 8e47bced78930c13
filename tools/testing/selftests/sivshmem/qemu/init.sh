#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the guest initramfs the harness builds. It loads sivshmem.ko,
# runs what the kernel command line asks for (sivshmem.run=vmtest|demo),
# unloads the module, dumps the kernel log between markers for the harness
# to scan, and powers the VM off.

/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /tmp && mount -t tmpfs tmpfs /tmp

run=vmtest
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	sivshmem.run=*) run=${arg#sivshmem.run=} ;;
	sivshmem.name=*) name=${arg#sivshmem.name=} ;;
	esac
done
hostname "${name:-guest}"

echo "=== sivshmem: guest ${name:-?} up, loading sivshmem.ko"
if ! modprobe sivshmem; then
	echo "not ok - insmod sivshmem.ko"
fi

case "$run" in
vmtest)
	echo "=== sivshmem-selftests begin"
	/bin/sivshmem_test
	echo "=== sivshmem-selftests end rc=$?"
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
