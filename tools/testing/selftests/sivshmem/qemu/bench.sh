#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The in-guest part of "make bench": boots two guests (QEMU/TCG) around a
# real sivshmemd, each with
#   - an ivshmem-doorbell device on sivshmemd's socket, bound to sivshmem,
#   - an ivshmem-plain device on one shared file, which no driver binds
#     (driver_override), for the raw ivshmem baseline through sysfs
#     resource2,
#   - a virtio-net NIC, the two joined by a QEMU dgram netdev over Unix
#     sockets on this host,
# and runs sivshmem_bench: vm2 serves, vm1 measures.
#
#   bench.sh --build DIR --out FILE.csv [--kernel VMLINUZ] [--quick]
#            [--timeout SECONDS] [--keep-logs DIR]
#
# DIR must hold sivshmem.ko, sivshmem_bench, sivshmemd, sivshmem-ca and
# sivshmem-provision. Progress lines are printed as the client measures;
# the CSV (see sivshmem_bench.c) is written to FILE.csv.

set -u

here=$(cd "$(dirname "$0")" && pwd)
build=
out=
kernel=
quick=0
timeout=900
keep=
raw_bdf=0000:00:10.0

while [ $# -gt 0 ]; do
	case "$1" in
	--build) build=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	--quick) quick=1; shift ;;
	--timeout) timeout=$2; shift 2 ;;
	--keep-logs) keep=$2; shift 2 ;;
	*) echo "bench.sh: unknown argument: $1" >&2; exit 2 ;;
	esac
done

die() {
	echo "bench.sh: $*" >&2
	exit 1
}

[ -n "$build" ] && [ -n "$out" ] || die "--build DIR and --out FILE are required"
for f in sivshmem.ko sivshmem_bench sivshmemd sivshmem-ca sivshmem-provision; do
	[ -e "$build/$f" ] || die "$build/$f is missing: run 'make bench'"
done
if [ -z "$kernel" ]; then
	kernel=$(ls /boot/vmlinuz-6.1.*-amd64 2>/dev/null | sort -V | tail -n 1)
	[ -n "$kernel" ] || die "no /boot/vmlinuz-6.1.*-amd64: run 'make deps'"
fi
kver=${kernel##*/vmlinuz-}
moddir=/lib/modules/$kver
command -v keyctl >/dev/null || die "keyctl missing: run 'make deps' (keyutils)"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing: run 'make deps'"
busybox=$(command -v busybox) || die "busybox missing: run 'make deps' (busybox-static)"

work=$(mktemp -d /tmp/sivshmem-bench.XXXXXX)
daemon_pid=
qemu_pids=()

cleanup() {
	local pid
	for pid in "${qemu_pids[@]}"; do
		kill "$pid" 2>/dev/null
	done
	[ -n "$daemon_pid" ] && kill -TERM "$daemon_pid" 2>/dev/null
	wait 2>/dev/null
	if [ -n "$keep" ]; then
		mkdir -p "$keep" && cp "$work"/*.log "$work"/*.qemu "$keep"/ 2>/dev/null
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() {
	echo "[bench] $*"
}

# --- initramfs --------------------------------------------------------------
root=$work/root
mkdir -p "$root"/{bin,proc,sys,dev,tmp} "$root$moddir/extra"
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$here/bench-init.sh" "$root/init"
cp "$build/sivshmem-provision" "$build/sivshmem_bench" "$root/bin/"
chmod +x "$root/init" "$root/bin/sivshmem-provision"
cp "$(command -v keyctl)" "$root/bin/"
for lib in $(ldd "$(command -v keyctl)" | grep -o '/[^ ]*'); do
	mkdir -p "$root$(dirname "$lib")"
	cp "$lib" "$root$lib"
done
cp "$build/sivshmem.ko" "$root$moddir/extra/"
declare -A copied=()
copy_module() {
	local rel=$1 dep
	[ -n "${copied[$rel]:-}" ] && return 0
	copied[$rel]=1
	[ -r "$moddir/$rel" ] || die "$moddir/$rel missing: run 'make deps' (linux-image-amd64)"
	mkdir -p "$root$moddir/$(dirname "$rel")"
	cp "$moddir/$rel" "$root$moddir/$rel"
	for dep in $(sed -n "s|^$rel: *||p" "$moddir/modules.dep"); do
		copy_module "$dep" || return 1
	done
}
module_path() {
	local name=$1 rel
	rel=$(grep -oE "^[^:]*/${name//[-_]/[-_]}\.ko(\.[a-z]+)?:" "$moddir/modules.dep" |
	      head -n 1)
	echo "${rel%:}"
}
for name in qemu_fw_cfg pkcs8_key_parser virtio_pci virtio_net \
	    $(modinfo -F depends "$build/sivshmem.ko" | tr ',' ' '); do
	rel=$(module_path "$name")
	[ -n "$rel" ] || die "module $name not found for $kver"
	copy_module "$rel"
done
depmod -b "$root" "$kver" 2>/dev/null || die "depmod failed"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initramfs.gz" ||
	die "cannot build the initramfs"

# --- identities and the host daemon ------------------------------------------
pki=$work/pki
mkdir -p "$pki"
ca_tool=$build/sivshmem-ca
{
	"$ca_tool" init --dir "$pki/ca" --cn "sivshmem bench CA" &&
	"$ca_tool" issue --dir "$pki/ca" --name host --host --out "$pki/host" &&
	"$ca_tool" issue --dir "$pki/ca" --name vm1 --out "$pki/vm" &&
	"$ca_tool" issue --dir "$pki/ca" --name vm2 --out "$pki/vm"
} >"$work/pki.log" 2>&1 || {
	cat "$work/pki.log" >&2
	die "sivshmem-ca could not issue the identities"
}
services=bench,benchhs
"$build/sivshmemd" --region-size 64M --vectors 2 \
	--vm "vm1=$work/vm1.sock" --vm "vm2=$work/vm2.sock" \
	--host-cert "$pki/host/host.crt.der" --host-key "$pki/host/host.key.p8.der" \
	--ca-cert "$pki/ca/ca.crt.der" --revoked "$pki/ca/revoked.txt" \
	--offer "vm1=$services" --use "vm1=$services" \
	--offer "vm2=$services" --use "vm2=$services" \
	--log-level warn >"$work/sivshmemd.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 100); do
	[ -S "$work/vm1.sock" ] && [ -S "$work/vm2.sock" ] && break
	kill -0 "$daemon_pid" 2>/dev/null || break
	sleep 0.1
done
[ -S "$work/vm2.sock" ] || {
	cat "$work/sivshmemd.log" >&2
	die "sivshmemd did not start"
}
say "sivshmemd up: 64 MiB region; raw ivshmem: a 4 MiB shared file; virtio-net over a dgram socket"

# --- guests -----------------------------------------------------------------
truncate -s 4M "$work/raw.shm"

start_vm() {
	local name=$1 role=$2 ip=$3 peer=$4 peer_ip=$5 mac=$6 me=$7 other=$8
	qemu-system-x86_64 -accel tcg -cpu max -m 256M -smp 1 \
		-display none -monitor none -no-reboot -nodefaults \
		-serial "file:$work/$name.log" \
		-kernel "$kernel" -initrd "$work/initramfs.gz" \
		-append "console=ttyS0 loglevel=3 panic=-1 sivshmem.role=$role sivshmem.name=$name sivshmem.peer=$peer sivshmem.ip=$ip sivshmem.peer_ip=$peer_ip sivshmem.raw=$raw_bdf sivshmem.quick=$quick" \
		-fw_cfg "name=opt/sivshmem/ca.crt.der,file=$pki/ca/ca.crt.der" \
		-fw_cfg "name=opt/sivshmem/guest.crt.der,file=$pki/vm/$name.crt.der" \
		-fw_cfg "name=opt/sivshmem/guest.key.p8.der,file=$pki/vm/$name.key.p8.der" \
		-chardev "socket,path=$work/$name.sock,id=ivs" \
		-device "ivshmem-doorbell,chardev=ivs,vectors=2" \
		-object "memory-backend-file,id=rawmem,share=on,mem-path=$work/raw.shm,size=4M" \
		-device "ivshmem-plain,memdev=rawmem,addr=0x10" \
		-netdev "dgram,id=net0,local.type=unix,local.path=$work/$me,remote.type=unix,remote.path=$work/$other" \
		-device "virtio-net-pci,netdev=net0,mac=$mac,addr=0x11" \
		>"$work/$name.qemu" 2>&1 &
	qemu_pids+=($!)
}

: >"$work/vm1.log"
: >"$work/vm2.log"
start_vm vm2 server 10.0.0.2 vm1 10.0.0.1 52:54:00:00:00:02 net2 net1
start_vm vm1 client 10.0.0.1 vm2 10.0.0.2 52:54:00:00:00:01 net1 net2
say "started vm1 (client) and vm2 (server) under QEMU/TCG"

# Progress: the guests' new "bench:" lines, once a second.
shown=(0 0 0)
progress() {
	local i lines
	for i in 1 2; do
		lines=$(tr -d '\r' <"$work/vm$i.log" | grep -E '^bench:')
		[ -n "$lines" ] || continue
		echo "$lines" | tail -n +$((shown[i] + 1)) | sed 's/^bench: /[bench] /'
		shown[i]=$(echo "$lines" | wc -l)
	done
}

deadline=$((SECONDS + timeout))
timed_out=0
while :; do
	alive=0
	for pid in "${qemu_pids[@]}"; do
		kill -0 "$pid" 2>/dev/null && alive=1
	done
	[ $alive = 0 ] && break
	if [ $SECONDS -ge $deadline ]; then
		timed_out=1
		say "guests still running after ${timeout}s: stopping them"
		for pid in "${qemu_pids[@]}"; do
			kill "$pid" 2>/dev/null
		done
		break
	fi
	progress
	# The server waits for the client's last command; once the client is
	# off, give the server a moment, then stop it.
	if ! kill -0 "${qemu_pids[1]}" 2>/dev/null; then
		for _ in $(seq 20); do
			kill -0 "${qemu_pids[0]}" 2>/dev/null || break
			sleep 0.5
		done
		kill "${qemu_pids[0]}" 2>/dev/null
	fi
	sleep 1
done
for pid in "${qemu_pids[@]}"; do
	wait "$pid" 2>/dev/null
done
qemu_pids=()
progress

tr -d '\r' <"$work/vm1.log" | sed -n '/^=== bench csv begin/,/^=== bench csv end/p' |
	sed '1d;$d' >"$out"
bad='WARNING:|BUG:|Oops|KASAN|general protection|Kernel panic|Call Trace'
rc=0
for i in 1 2; do
	if grep -Eq "$bad" "$work/vm$i.log"; then
		say "vm$i: kernel warning in the console:"
		grep -E -A20 "$bad" "$work/vm$i.log" | head -40 | sed "s/^/[vm$i] /"
		rc=1
	fi
done
if [ ! -s "$out" ] || [ $timed_out = 1 ]; then
	say "the client produced no results; last lines of each console:"
	for i in 1 2; do
		tail -n 30 "$work/vm$i.log" | sed "s/^/[vm$i] /"
		sed "s/^/[vm$i qemu] /" "$work/vm$i.qemu"
	done
	tail -n 30 "$work/sivshmemd.log" | sed 's/^/[host] /'
	exit 1
fi
say "results: $out ($(($(wc -l <"$out") - 1)) rows)"
exit $rc
