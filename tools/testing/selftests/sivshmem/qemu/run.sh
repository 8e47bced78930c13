#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boots real guests under QEMU (TCG) around a real sivshmemd and runs the
# sivshmem selftests (or the demo) inside them.
#
#   run.sh --mode vmtest|demo --build DIR [--kernel VMLINUZ] [--vms 2|3]
#          [--timeout SECONDS] [--keep-logs DIR] [--victim VM|none]
#          [--rogue]
#
# DIR must hold sivshmem.ko, sivshmem_test, sivshmem_channel_test,
# sivshmem_tool, sivshmemd, sivshmem-ca, sivshmem-provision and demo.sh (the
# top-level Makefile puts them there).
#
# vm1 and vm2 are each other's peers: each runs "sivshmem_tool serve" and
# its channel tests talk to the other's server. In vmtest mode the last
# channel test in vm1 powers vm2 off mid-transfer (after vm2's own tests are
# over), so vm2 is expected to die without unloading the module; --victim
# none keeps both alive.
#
# The harness is the host CA: it issues every guest its identity with
# sivshmem-ca and hands it over with QEMU -fw_cfg, together with the wrong
# certificates the identity tests try. With --vms 3, vm3's certificate is
# revoked before it boots, so vm3 checks that the daemon refuses it. Every process started here is
# stopped, and every file removed, on exit, including on failure or ^C.
# In vmtest mode the last line is "vmtest: N passed, N failed, N skipped".
#
# --rogue (vmtest, three guests): vm3 is a co-tenant with a compromised
# kernel that attacks the others through the raw region; see rogue.sh.

set -u

here=$(cd "$(dirname "$0")" && pwd)
mode=vmtest
build=
kernel=
nvms=2
timeout=600
keep=
vectors=2
victim=
rogue=0

while [ $# -gt 0 ]; do
	case "$1" in
	--mode) mode=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	--vms) nvms=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--keep-logs) keep=$2; shift 2 ;;
	--victim) victim=$2; shift 2 ;;
	--rogue) rogue=1; shift ;;
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
if [ $rogue = 1 ]; then
	[ "$mode" = vmtest ] || die "--rogue needs --mode vmtest"
	[ -e "$build/sivshmem_rogue" ] || die "$build/sivshmem_rogue is missing: run 'make' first"
	nvms=3
	victim=${victim:-none}
	# shellcheck source=rogue.sh
	. "$here/rogue.sh"
fi
for f in sivshmem.ko sivshmem_test sivshmem_tool sivshmemd sivshmem-ca \
	 sivshmem-provision demo.sh; do
	[ -e "$build/$f" ] || die "$build/$f is missing: run 'make' first"
done
have_chan_test=0
[ -e "$build/sivshmem_channel_test" ] && have_chan_test=1
if [ -z "$victim" ]; then
	victim=none
	[ "$mode" = vmtest ] && [ $have_chan_test = 1 ] && victim=vm2
fi
case "$victim" in none|vm1|vm2) ;; *) die "--victim must be vm1, vm2 or none" ;; esac
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
  4. learns which other VMs are registered and pings one through the host,
  5. opens a channel: vm2 listens on a service, vm1 connects; the two
     kernels authenticate each other end to end, the daemon checks its
     policy and grants pages only these two applications can map; then
     processes that must not get in try, and are refused.
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
[ $have_chan_test = 1 ] && cp "$build/sivshmem_channel_test" "$root/bin/"
[ $rogue = 1 ] && cp "$build/sivshmem_rogue" "$root/bin/"
[ -e "$build/sivshmem_attack_test" ] && cp "$build/sivshmem_attack_test" "$root/bin/"
chmod +x "$root/init" "$root/bin/demo.sh" "$root/bin/sivshmem-provision"
# keyctl with the libraries it links against, at the same paths.
cp "$(command -v keyctl)" "$root/bin/"
for lib in $(ldd "$(command -v keyctl)" | grep -o '/[^ ]*'); do
	mkdir -p "$root$(dirname "$lib")"
	cp "$lib" "$root$lib"
done
# Debian's modules the guest needs, and ours, with a modules.dep for modprobe:
# the two the tests load by name, and every module sivshmem.ko depends on
# (X25519 comes from curve25519-x86_64 and libcurve25519-generic), with
# their own dependencies, as the kernel's modules.dep lists them.
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
	# modules.dep spells names with either - or _; match both.
	rel=$(grep -oE "^[^:]*/${name//[-_]/[-_]}\.ko(\.[a-z]+)?:" "$moddir/modules.dep" |
	      head -n 1)
	echo "${rel%:}"
}
for m in kernel/drivers/firmware/qemu_fw_cfg.ko \
	 kernel/crypto/asymmetric_keys/pkcs8_key_parser.ko; do
	copy_module "$m"
done
for name in $(modinfo -F depends "$build/sivshmem.ko" | tr ',' ' '); do
	rel=$(module_path "$name")
	[ -n "$rel" ] || die "sivshmem.ko needs module $name, which $kver does not have"
	copy_module "$rel"
done
depmod -b "$root" "$kver" 2>/dev/null || die "depmod failed"
# Every symbol a module in the initramfs needs is exported by the kernel
# image itself (Module.symvers of the matching headers) or by a module we
# copied; otherwise modprobe would fail in the guest.
symvers=/usr/src/linux-headers-$kver/Module.symvers
if [ -r "$symvers" ]; then
	awk -F'\t' '$3 == "vmlinux"' "$symvers" >"$work/vmlinux.symvers"
	missing=$(depmod -b "$root" -n -e -E "$work/vmlinux.symvers" "$kver" 2>&1 >/dev/null |
		  grep 'needs unknown symbol')
	if [ -n "$missing" ]; then
		echo "$missing" | head >&2
		die "a module in the initramfs lacks a dependency"
	fi
fi
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
if [ $rogue = 1 ]; then
	# The rogue holds a valid vm3 identity, issued after the revoked one.
	"$ca_tool" issue --dir "$pki/ca" --name vm3 --out "$pki/rogue" \
		>>"$work/pki.log" 2>&1 || die "sivshmem-ca could not issue the rogue's vm3"
fi
say "issued identities with sivshmem-ca: host, vm1..vm3, and bad ones for the tests"

# --- host daemon ------------------------------------------------------------
vm_args=()
for i in 1 2 3; do
	vm_args+=(--vm "vm$i=$work/vm$i.sock")
done
# The channel policy, the same for every VM (see sivshmem_chan.h): the
# services the tests and the demo use, "secret" that all offer and none may
# use, "unoffered" that all may use and none offers, and "nolisten" that
# nobody listens on. vm3 gets it too, so that connecting to it fails
# because it is not registered, not because of the policy.
services=echo,sink,mmap-echo,ctl,burst,hold,source,back,nolisten,greet
policy_args=()
for i in 1 2 3; do
	policy_args+=(--offer "vm$i=$services,secret" --use "vm$i=$services,unoffered")
done
# Under attack, the daemon runs under ASan and UBSan: a report fails the run.
daemon=$build/sivshmemd
if [ "$rogue" = 1 ]; then
	daemon=$build/sivshmemd-san
	[ -x "$daemon" ] || die "$daemon is missing: run 'make' first"
	export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
"$daemon" --region-size 16M --vectors "$vectors" "${vm_args[@]}" \
	--host-cert "$pki/host/host.crt.der" --host-key "$pki/host/host.key.p8.der" \
	--ca-cert "$pki/ca/ca.crt.der" --revoked "$pki/ca/revoked.txt" \
	"${policy_args[@]}" \
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
say "policy: every VM offers $services,secret and uses $services,unoffered"

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
	if [ $rogue = 1 ] && [ "$name" = vm3 ]; then
		files[1]="guest.crt.der=$pki/rogue/vm3.crt.der"
		files[2]="guest.key.p8.der=$pki/rogue/vm3.key.p8.der"
		files+=("test/revoked.crt.der=$pki/vm/vm3.crt.der"
			"test/revoked.key.p8.der=$pki/vm/vm3.key.p8.der")
	fi
	local f
	for f in "${files[@]}"; do
		echo "-fw_cfg"
		echo "name=opt/sivshmem/${f%%=*},file=${f#*=}"
	done
}

start_vm() {
	local name=$1 expect=registered guests=$nvms peer=vm1
	local -a fwcfg extra=()
	local run=$mode
	[ "$name" = vm1 ] && peer=vm2
	mapfile -t fwcfg < <(fw_cfg_args "$name")
	if [ $rogue = 1 ]; then
		mapfile -t extra < <(rogue_qemu_args "$name")
		[ "$name" = vm3 ] && run=rogue
	fi

	# With three guests, vm3 is the revoked one; the others are two.
	if [ "$nvms" = 3 ]; then
		guests=2
		[ "$name" = vm3 ] && expect=rejected
	fi

	qemu-system-x86_64 -accel tcg -cpu max -m 256M -smp 1 \
		-display none -monitor none -no-reboot -nodefaults \
		-serial "file:$work/$name.log" \
		-kernel "$kernel" -initrd "$work/initramfs.gz" \
		-append "console=ttyS0 loglevel=3 panic=-1 sivshmem.run=$run sivshmem.name=$name sivshmem.guests=$guests sivshmem.expect=$expect sivshmem.peer=$peer sivshmem.victim=$victim sivshmem.rogue=$rogue" \
		"${fwcfg[@]}" "${extra[@]}" \
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
	[ $rogue = 1 ] && rogue_tick
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

if [ "$mode" = vmtest ] && [ $have_chan_test = 0 ]; then
	result fail "sivshmem_channel_test is built (channel tests did not run)"
fi

for i in $(seq "$nvms"); do
	if [ $rogue = 1 ] && [ "$i" = 3 ]; then
		rogue_results
		continue
	fi
	log=$work/vm$i.log
	killed=0
	[ "vm$i" = "$victim" ] && killed=1
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
	if [ $killed = 1 ]; then
		# Powered off by its peer's last test: no unload, no clean end.
		if grep -q "^=== sivshmem: guest vm$i killed mid-transfer" "$log"; then
			result ok "vm$i: powered off mid-transfer by vm$((3 - i))'s test"
		else
			result fail "vm$i: powered off mid-transfer by vm$((3 - i))'s test"
			tail -n 40 "$log" | sed "s/^/[vm$i] /"
		fi
	elif grep -q '^ok - module unload' "$log"; then
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
	if [ $killed = 1 ]; then
		:
	elif grep -q '^=== dmesg end' "$log" &&
	     grep -q '^=== sivshmem: guest .* powering off' "$log"; then
		result ok "vm$i: powered off cleanly"
	else
		result fail "vm$i: powered off cleanly"
		tail -n 40 "$log" | sed "s/^/[vm$i] /"
		cat "$work/vm$i.qemu" | sed "s/^/[vm$i qemu] /"
	fi
done

if [ "$rogue" = 1 ]; then
	if grep -qE "AddressSanitizer|LeakSanitizer|runtime error:" "$work/sivshmemd.log"; then
		result fail "sivshmemd (ASan/UBSan build): sanitizer report in its log"
	else
		result ok "sivshmemd (ASan/UBSan build): no sanitizer report"
	fi
fi
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
memory was refused. Then an application in vm1 opened an authenticated
channel to one in vm2 and they exchanged data through pages only they can
map; a service the policy denies, another user's process, a reopen through
/proc and a map of /dev/sivshmem were all refused (see
Documentation/sivshmem/).
OUTRO
fi

if [ "$mode" = vmtest ]; then
	echo "vmtest: $pass passed, $fail failed, $skip skipped"
fi
[ $fail = 0 ] && [ $timed_out = 0 ]
