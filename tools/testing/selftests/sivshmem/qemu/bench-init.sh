#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the initramfs bench.sh builds. Keeps the driver off the raw
# ivshmem device (driver_override, before the module loads), loads
# sivshmem.ko and the guest's identity, waits until the host daemon has
# registered the guest, brings up virtio-net, runs sivshmem_bench in the
# role the kernel command line gives (sivshmem.role=server|client) and
# powers the VM off.

/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /tmp && mount -t tmpfs tmpfs /tmp

role=
name=
peer=
ip=
peer_ip=
raw=
quick=
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	sivshmem.role=*) role=${arg#sivshmem.role=} ;;
	sivshmem.name=*) name=${arg#sivshmem.name=} ;;
	sivshmem.peer=*) peer=${arg#sivshmem.peer=} ;;
	sivshmem.ip=*) ip=${arg#sivshmem.ip=} ;;
	sivshmem.peer_ip=*) peer_ip=${arg#sivshmem.peer_ip=} ;;
	sivshmem.raw=*) raw=${arg#sivshmem.raw=} ;;
	sivshmem.quick=1) quick=--quick ;;
	esac
done
hostname "${name:-guest}"

off() {
	echo "=== bench: guest $name powering off"
	poweroff -f
}

say() {
	echo "bench: [$name] $*"
}

# The raw device: no driver may bind it, so its BAR stays reachable
# through sysfs resource2 (sivshmem would claim it exclusively).
dev=/sys/bus/pci/devices/$raw
[ -d "$dev" ] || { say "error: no raw ivshmem device at $raw"; off; }
echo sivshmem-none >"$dev/driver_override"
echo 1 >"$dev/enable" 2>/dev/null

modprobe sivshmem || { say "error: modprobe sivshmem failed"; off; }
/bin/sivshmem-provision >/tmp/provision.log 2>&1 ||
	{ say "error: provisioning failed: $(cat /tmp/provision.log)"; off; }
db=
for d in /sys/bus/pci/drivers/sivshmem/0000:*; do
	[ "$(cat "$d/sivshmem/mode" 2>/dev/null)" = doorbell ] && db=$d/sivshmem
done
[ -n "$db" ] || { say "error: sivshmem bound no ivshmem-doorbell device"; off; }
[ -e "$dev/driver" ] && { say "error: a driver bound the raw device"; off; }
i=0
while [ "$(cat "$db/state")" != registered ] && [ $i -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
say "registered with the host daemon as peer $(cat "$db/peer_id") ($(cat "$db/state"))"

modprobe virtio_pci && modprobe virtio_net ||
	{ say "error: cannot load virtio-net"; off; }
ifconfig lo 127.0.0.1 up
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
ifconfig eth0 "$ip" netmask 255.255.255.0 up ||
	{ say "error: no eth0"; off; }
say "virtio-net up: $ip"

case "$role" in
server)
	/bin/sivshmem_bench server --raw "$raw"
	;;
client)
	/bin/sivshmem_bench client --raw "$raw" --peer "$peer" --ip "$peer_ip" $quick
	;;
esac
echo "=== bench: $role exited with status $?"
off
