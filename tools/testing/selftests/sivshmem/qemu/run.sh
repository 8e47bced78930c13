#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boots real guests under QEMU (TCG) around a real sivshmemd and runs the
# sivshmem selftests (or the demo) inside them.
#
#   run.sh --mode vmtest|demo --build DIR [--kernel VMLINUZ] [--vms 2|3]
#          [--timeout SECONDS] [--keep-logs DIR]
#
# DIR must hold sivshmem.ko, sivshmem_test, sivshmem_tool, sivshmemd,
# sivshmem-ca, sivshmem-provision and demo.sh (the top-level Makefile puts
# them there).
#
# The harness is the host CA: it issues every guest its identity with
# sivshmem-ca and hands it over with QEMU -fw_cfg, together with the wrong
# certificates the identity tests try. With --vms 3, vm3's certificate is
# revoked before it boots, so vm3 checks that the daemon refuses it. Every process started here is
# stopped, and every file removed, on exit, including on failure or ^C.
# In vmtest mode the last line is "vmtest: N passed, N failed, N skipped".

set -u

here=$(cd "$(dirname "$0")" && pwd)
mode=vmtest
build=
kernel=
nvms=2
timeout=600
keep=
vectors=2

while [ $# -gt 0 ]; do
	case "$1" in
	--mode) mode=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	--vms) nvms=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--keep-logs) keep=$2; shift 2 ;;
	*) echo "run.sh: unknown argument: $1" >&2; exit 2 ;;
	esac
done

die() {
	echo "run.sh: $*" >&2
	exit 1
}

[ -n "$build" ] || die "--build DIR is required"
[ "$mode" = vmtest ] || [ "$mode" = demo ] || die "--mode must be vmtest or demo"
case "$nvms" in 2|3) ;; *) die "--vms must be 2 or 3" ;; esac
for f in sivshmem.ko sivshmem_test sivshmem_tool sivshmemd sivshmem-ca \
	 sivshmem-provision demo.sh; do
	[ -e "$build/$f" ] || die "$build/$f is missing: run 'make' first"
done
kver=
if [ -z "$kernel" ]; then
	kernel=$(ls /boot/vmlinuz-6.1.*-amd64 2>/dev/null | sort -V | tail -n 1)
	[ -n "$kernel" ] || die "no /boot/vmlinuz-6.1.*-amd64: run 'make deps' (linux-image-amd64)"
fi
[ -r "$kernel" ] || die "cannot read $kernel"
kver=${kernel##*/vmlinuz-}
moddir=/lib/modules/$kver
for m in kernel/drivers/firmware/qemu_fw_cfg.ko \
	 kernel/crypto/asymmetric_keys/pkcs8_key_parser.ko; do
	[ -r "$moddir/$m" ] || die "$moddir/$m missing: run 'make deps' (linux-image-amd64)"
done
command -v keyctl >/dev/null || die "keyctl missing: run 'make deps' (keyutils)"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing: run 'make deps'"
busybox=$(command -v busybox) || die "busybox missing: run 'make deps' (busybox-static)"

work=$(mktemp -d /tmp/sivshmem-vm.XXXXXX)
daemon_pid=
qemu_pids=()
tails=()

cleanup() {
	local pid
	for pid in "${qemu_pids[@]}" "${tails[@]}"; do
		kill "$pid" 2>/dev/null
	done
	if [ -n "$daemon_pid" ]; then
		kill -TERM "$daemon_pid" 2>/dev/null
	fi
	wait 2>/dev/null
	if [ -n "$keep" ]; then
		mkdir -p "$keep" && cp "$work"/*.log "$work"/*.qemu "$keep"/ 2>/dev/null
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() {
	echo "[harness] $*"
}

if [ "$mode" = demo ]; then
	cat <<'INTRO'
sivshmem demo
-------------
On this host, sivshmemd plays the hypervisor's part: it creates the shared
memory region and is the ivshmem server every QEMU connects to, one socket
per VM, so it knows which VM is behind which peer ID. Two VMs (Debian's own
6.1 kernel, emulated with QEMU/TCG) load the sivshmem driver, which
  1. claims the ivshmem device so nobody, not even root, can map the raw
     shared memory,
  2. receives its identity (an X.509 certificate and RSA key the host CA
     issued with sivshmem-ca) through QEMU fw_cfg and loads it with keyctl;
     the kernel verifies it, no crypto runs in user space,
  3. registers with the host daemon through its own mailbox and doorbell:
     both sides sign fresh challenges, the daemon checks the name belongs
     to the VM's socket,
  4. learns which other VMs are registered and pings one through the host.
Lines start with [host] (the daemon), [vm1] or [vm2] (a guest's console).

INTRO
fi

# --- initramfs --------------------------------------------------------------
root=$work/root
mkdir -p "$root"/{bin,proc,sys,dev,tmp} "$root$moddir/extra"
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$here/init.sh" "$root/init"
cp "$build/demo.sh" "$build/sivshmem-provision" "$root/bin/"
cp "$build/sivshmem_test" "$build/sivshmem_tool" "$root/bin/"
chmod +x "$root/init" "$root/bin/demo.sh" "$root/bin/sivshmem-provision"
# keyctl with the libraries it links against, at the same paths.
cp "$(command -v keyctl)" "$root/bin/"
for lib in $(ldd "$(command -v keyctl)" | grep -o '/[^ ]*'); do
	mkdir -p "$root$(dirname "$lib")"
	cp "$lib" "$root$lib"
done
# Debian's modules the guest needs, and ours, with a modules.dep for modprobe.
cp "$build/sivshmem.ko" "$root$moddir/extra/"
for m in kernel/drivers/firmware/qemu_fw_cfg.ko \
	 kernel/crypto/asymmetric_keys/pkcs8_key_parser.ko; do
	mkdir -p "$root$moddir/$(dirname "$m")"
	cp "$moddir/$m" "$root$moddir/$m"
done
depmod -b "$root" "$kver" 2>/dev/null || die "depmod failed"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/initramfs.gz" ||
	die "cannot build the initramfs"

# --- identities -------------------------------------------------------------
pki=$work/pki
mkdir -p "$pki"
ca_tool=$build/sivshmem-ca
{
	"$ca_tool" init --dir "$pki/ca" --cn "sivshmem test CA" &&
	"$ca_tool" issue --dir "$pki/ca" --name host --host --out "$pki/host" &&
	for i in 1 2 3; do
		"$ca_tool" issue --dir "$pki/ca" --name "vm$i" --out "$pki/vm" || exit 1
	done &&
	"$ca_tool" issue --dir "$pki/ca" --name expired --out "$pki/test" \
		--not-before 20200101000000Z --not-after 20210101000000Z &&
	"$ca_tool" issue --dir "$pki/ca" --name hostrole --host --out "$pki/test" &&
	"$ca_tool" init --dir "$pki/otherca" --cn "other CA" &&
	"$ca_tool" issue --dir "$pki/otherca" --name other --out "$pki/test"
} >"$work/pki.log" 2>&1 || {
	cat "$work/pki.log" >&2
	die "sivshmem-ca could not issue the test identities"
}
cp "$pki/otherca/ca.crt.der" "$pki/test/otherca.crt.der"
if [ "$nvms" = 3 ]; then
	"$ca_tool" revoke --dir "$pki/ca" --name vm3 >>"$work/pki.log" 2>&1 ||
		die "sivshmem-ca could not revoke vm3"
fi
say "issued identities with sivshmem-ca: host, vm1..vm3, and bad ones for the tests"

# --- host daemon ------------------------------------------------------------
vm_args=()
for i in 1 2 3; do
	vm_args+=(--vm "vm$i=$work/vm$i.sock")
done
"$build/sivshmemd" --region-size 16M --vectors "$vectors" "${vm_args[@]}" \
	--host-cert "$pki/host/host.crt.der" --host-key "$pki/host/host.key.p8.der" \
	--ca-cert "$pki/ca/ca.crt.der" --revoked "$pki/ca/revoked.txt" \
	--offer vm1=echo --use vm2=echo \
	--log-level info >"$work/sivshmemd.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 100); do
	grep -q "ready" "$work/sivshmemd.log" 2>/dev/null && break
	kill -0 "$daemon_pid" 2>/dev/null || break
	sleep 0.1
done
grep -q "ready" "$work/sivshmemd.log" || {
	cat "$work/sivshmemd.log" >&2
	die "sivshmemd did not start"
}
say "sivshmemd is up (pid $daemon_pid): 16 MiB region, one socket per VM"

# --- guests -----------------------------------------------------------------
# Every guest also gets an ivshmem-plain device on one shared file, so each
# guest binds two regions.
truncate -s 1M "$work/plain.shm"

# The identity a guest provisions, and the wrong ones its tests try.
fw_cfg_args() {
	local name=$1 t=$pki/test
	local -a files=(
		"ca.crt.der=$pki/ca/ca.crt.der"
		"guest.crt.der=$pki/vm/$name.crt.der"
		"guest.key.p8.der=$pki/vm/$name.key.p8.der"
		"test/otherca.crt.der=$t/otherca.crt.der"
		"test/other.crt.der=$t/other.crt.der"
		"test/other.key.p8.der=$t/other.key.p8.der"
		"test/expired.crt.der=$t/expired.crt.der"
		"test/expired.key.p8.der=$t/expired.key.p8.der"
		"test/hostrole.crt.der=$t/hostrole.crt.der"
		"test/hostrole.key.p8.der=$t/hostrole.key.p8.der"
		"test/impostor.crt.der=$pki/vm/vm1.crt.der"
		"test/impostor.key.p8.der=$pki/vm/vm1.key.p8.der"
	)
	local f
	for f in "${files[@]}"; do
		echo "-fw_cfg"
		echo "name=opt/sivshmem/${f%%=*},file=${f#*=}"
	done
}

start_vm() {
	local name=$1 expect=registered guests=$nvms
	local -a fwcfg
	mapfile -t fwcfg < <(fw_cfg_args "$name")

	# With three guests, vm3 is the revoked one; the others are two.
	if [ "$nvms" = 3 ]; then
		guests=2
		[ "$name" = vm3 ] && expect=rejected
	fi

	qemu-system-x86_64 -accel tcg -cpu max -m 256M -smp 1 \
		-display none -monitor none -no-reboot -nodefaults \
		-serial "file:$work/$name.log" \
		-kernel "$kernel" -initrd "$work/initramfs.gz" \
		-append "console=ttyS0 loglevel=3 panic=-1 sivshmem.run=$mode sivshmem.name=$name sivshmem.guests=$guests sivshmem.expect=$expect" \
		"${fwcfg[@]}" \
		-chardev "socket,path=$work/$name.sock,id=ivs" \
		-device "ivshmem-doorbell,chardev=ivs,vectors=$vectors" \
		-object "memory-backend-file,id=plainmem,share=on,mem-path=$work/plain.shm,size=1M" \
		-device "ivshmem-plain,memdev=plainmem" \
		>"$work/$name.qemu" 2>&1 &
	qemu_pids+=($!)
}

for i in $(seq "$nvms"); do
	: >"$work/vm$i.log"
	start_vm "vm$i"
	say "started vm$i under QEMU/TCG (pid ${qemu_pids[-1]})"
	if [ "$mode" = demo ]; then
		tail -n +1 -f "$work/vm$i.log" |
			sed -u -e '/^=== dmesg begin/,/^=== dmesg end/d' \
			       -e '/^\[ *[0-9.]*\] /d' -e "s/^/[vm$i] /" &
		tails+=($!)
	fi
done
if [ "$mode" = demo ]; then
	tail -n +1 -f "$work/sivshmemd.log" | sed -u "s/^/[host] /" &
	tails+=($!)
fi

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
	sleep 1
done
for pid in "${qemu_pids[@]}"; do
	wait "$pid" 2>/dev/null
done
qemu_pids=()

kill -TERM "$daemon_pid" 2>/dev/null
wait "$daemon_pid"
daemon_rc=$?
daemon_pid=
sleep 0.2
for pid in "${tails[@]}"; do
	kill "$pid" 2>/dev/null
done
tails=()

# --- results ----------------------------------------------------------------
pass=0
fail=0
skip=0

result() {
	# result ok|fail NAME
	if [ "$1" = ok ]; then
		pass=$((pass + 1))
		echo "ok - $2"
	else
		fail=$((fail + 1))
		echo "not ok - $2"
	fi
}

bad_kernel='WARNING:|BUG:|Oops|KASAN|UBSAN|general protection|Kernel panic|Call Trace|list_del corruption|refcount_t:|possible recursive locking|circular locking|blocked for more than'

for i in $(seq "$nvms"); do
	log=$work/vm$i.log
	if [ "$mode" = vmtest ]; then
		tap=$(sed -n '/^=== sivshmem-selftests begin/,/^=== sivshmem-selftests end/p' "$log" | tr -d '\r')
		echo "$tap" | sed "s/^/[vm$i] /"
		p=$(echo "$tap" | grep -E '^ok [0-9]+ ' | grep -vc '# SKIP')
		s=$(echo "$tap" | grep -E '^ok [0-9]+ ' | grep -c '# SKIP')
		f=$(echo "$tap" | grep -cE '^not ok [0-9]+ ')
		pass=$((pass + p))
		skip=$((skip + s))
		fail=$((fail + f))
		if echo "$tap" | grep -q '^=== sivshmem-selftests end'; then
			result ok "vm$i: selftests ran to the end"
		else
			result fail "vm$i: selftests did not finish (crash or timeout)"
		fi
	fi
	if grep -q '^ok - module unload' "$log"; then
		result ok "vm$i: sivshmem.ko unloads"
	else
		result fail "vm$i: sivshmem.ko unloads"
	fi
	if grep -q '^not ok - insmod' "$log"; then
		result fail "vm$i: sivshmem.ko loads"
	fi
	if grep -Eq "$bad_kernel" "$log"; then
		result fail "vm$i: no kernel warning in the console"
		grep -E -B2 -A20 "$bad_kernel" "$log" | head -60 | sed "s/^/[vm$i] /"
	else
		result ok "vm$i: no kernel warning in the console"
	fi
	if grep -q '^=== dmesg end' "$log"; then
		result ok "vm$i: powered off cleanly"
	else
		result fail "vm$i: powered off cleanly"
		tail -n 40 "$log" | sed "s/^/[vm$i] /"
		cat "$work/vm$i.qemu" | sed "s/^/[vm$i qemu] /"
	fi
done

if [ $daemon_rc = 0 ]; then
	result ok "sivshmemd exits cleanly on SIGTERM"
else
	result fail "sivshmemd exits cleanly on SIGTERM (status $daemon_rc)"
fi
if [ $timed_out = 1 ] || [ $fail != 0 ]; then
	echo "--- sivshmemd log"
	sed 's/^/[host] /' "$work/sivshmemd.log" | tail -n 80
fi

if [ "$mode" = demo ]; then
	cat <<'OUTRO'

What happened: both VMs proved their identities to the host daemon (and it
proved its own to them), saw each other in the peer list the daemon
publishes, and pinged each other through it; every raw way into the shared
memory was refused. Authenticated channels that
applications connect to are the next step (see Documentation/sivshmem/).
OUTRO
fi

if [ "$mode" = vmtest ]; then
	echo "vmtest: $pass passed, $fail failed, $skip skipped"
fi
[ $fail = 0 ] && [ $timed_out = 0 ]
