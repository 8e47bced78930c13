#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# What a guest shows in "make demo": its regions, its registration with the
# host daemon, a control-plane ping to the other guest, raw access to the
# shared memory being refused even to root, and a channel: vm2 listens on
# "greet", vm1 connects and they exchange a message, then vm1 shows what
# the policy and the driver refuse.

say() {
	echo "$(hostname): $*"
}

drv=/sys/bus/pci/drivers/sivshmem
db=
for dev in "$drv"/0000:*; do
	[ -e "$dev/sivshmem/mode" ] || continue
	bdf=${dev##*/}
	mode=$(cat "$dev/sivshmem/mode")
	size=$(( $(cat "$dev/sivshmem/region_size") / 1048576 ))
	say "sivshmem bound ivshmem device $bdf ($mode, ${size} MiB, region $(cat "$dev/sivshmem/region"))"
	[ "$mode" = doorbell ] && [ -z "$db" ] && db=$dev/sivshmem
done
[ -n "$db" ] || { say "no ivshmem-doorbell device: nothing more to show"; exit 0; }

say "provisioning my identity (CA certificate, my certificate, my private key) with keyctl:"
/bin/sivshmem-provision 2>&1 | sed "s/^/$(hostname):   /"
say "the kernel verified it: $(cat /sys/class/misc/sivshmem/identity) (name, serial)"
t=/sys/firmware/qemu_fw_cfg/by_name/opt/sivshmem/test
kr=$(cat /sys/class/misc/sivshmem/keyring)
if [ -r $t/other.crt.der/raw ]; then
	say "an impostor certificate, signed by another CA, is offered to the kernel:"
	keyctl padd user sivshmem:cert "$kr" <$t/other.crt.der/raw >/dev/null 2>&1
	say "  refused: $(cat /sys/class/misc/sivshmem/identity_error)"
	say "another CA tries to replace the trust anchor:"
	keyctl padd user sivshmem:ca "$kr" <$t/otherca.crt.der/raw >/dev/null 2>&1
	say "  refused: $(cat /sys/class/misc/sivshmem/identity_error)"
	say "my identity is still: $(cat /sys/class/misc/sivshmem/identity)"
fi
say "my ivshmem peer ID is $(cat "$db/peer_id"); registering with the host daemon: it proves it is the host, I prove I am $(hostname)..."
i=0
while [ "$(cat "$db/state")" != registered ] && [ $i -lt 600 ]; do
	sleep 0.1; i=$((i + 1))
done
say "registration state: $(cat "$db/state") (layout version $(cat "$db/layout_version"), host answer: $(cat "$db/registration_status"))"

me=$(cat "$db/peer_id")
other=
i=0
while [ -z "$other" ] && [ $i -lt 600 ]; do
	for p in $(cat "$db/peers" | tr ',' ' ' | sed 's/\([0-9]*\)-\([0-9]*\)/\1 \2/g'); do
		[ "$p" != "$me" ] && other=$p
	done
	[ -z "$other" ] && sleep 0.1
	i=$((i + 1))
done
if [ -z "$other" ]; then
	say "no other guest registered; skipping the ping"
else
	say "the host says guests [$(cat "$db/peers")] are registered; pinging peer $other through the host"
	say "  $(/bin/sivshmem_tool ping "$(cat "$db/region")" "$other")"
fi

bdf=$(basename "$(dirname "$db")")
say "now trying to reach the shared memory directly, as root:"
/bin/sivshmem_tool raw "$bdf" | sed "s/^/$(hostname):   /"

# Channels: vm2 listens on "greet", vm1 connects and they talk; then vm1
# tries what the policy and the driver must refuse.
indent() {
	sed "s/^/$(hostname):   /"
}
if [ -n "$other" ] && [ "$(hostname)" = vm2 ]; then
	say "starting my services \"echo\" and \"secret\" (the policy lets me offer \"secret\" but nobody use it)"
	/bin/sivshmem_tool serve echo secret ctl >/tmp/serve.log 2>&1 &
	serve_pid=$!
	say "listening on \"greet\" and waiting for a channel; I answer everything in capitals"
	/bin/sivshmem_tool listen greet 120 2>&1 | indent
	i=0
	while [ ! -e /tmp/sivshmem-peer-done ] && [ $i -lt 1200 ]; do
		sleep 0.1; i=$((i + 1))
	done
	kill "$serve_pid" 2>/dev/null
	wait "$serve_pid" 2>/dev/null
elif [ -n "$other" ]; then
	say "connecting to vm2's \"greet\" service: the two kernels authenticate each other (certificates, signatures, X25519), the host checks the policy and grants the pages"
	printf 'hello vm2, this is vm1 speaking through sivshmem\n' >/tmp/greeting
	say "  sending: $(cat /tmp/greeting)"
	/bin/sivshmem_tool connect vm2 greet </tmp/greeting >/tmp/answer 2>/tmp/connect.log
	indent </tmp/connect.log
	say "  vm2 answered: $(cat /tmp/answer)"
	say "now the things that must fail (unauthorised processes, a service the policy denies, raw maps):"
	/bin/sivshmem_tool attack vm2 echo secret 2>&1 | indent
	/bin/sivshmem_tool ctl vm2 done >/dev/null
fi
# Stay up until the other guest has pinged us too.
i=0
while [ "$(cut -d' ' -f1 "$db/pings_received")" = 0 ] && [ $i -lt 300 ]; do
	sleep 0.1; i=$((i + 1))
done
say "done; peer pings answered for others: $(cut -d' ' -f1 "$db/pings_received")"
