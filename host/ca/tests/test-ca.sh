#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The sivshmem authors.
#
# Tests of sivshmem-ca, checked with the openssl command line rather than
# with the tool's own code: what init and issue write, that the chain
# verifies, revocation, show, and every refusal with its exact exit status
# (1 refused, 2 bad usage) and message.
#
# usage: test-ca.sh [SIVSHMEM-CA]
# The binary is $1, else $SIVSHMEM_CA, else host/sivshmem-ca. Prints one
# "ok - ..." or "not ok - ..." line per check and last "ca: N passed,
# N failed"; exits non-zero if a check failed.

set -u

here=$(cd "$(dirname "$0")" && pwd)
CA=${1:-${SIVSHMEM_CA:-$here/../../sivshmem-ca}}
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
passed=0
failed=0

ok() {
	passed=$((passed + 1))
	echo "ok - $1"
}

# not_ok DESC [DETAIL...]: the details go out as "#" lines.
not_ok() {
	local l

	failed=$((failed + 1))
	echo "not ok - $1"
	shift
	for l in "$@"; do
		echo "#   $l"
	done
}

# check DESC CMD...: passes if CMD succeeds.
check() {
	local desc=$1

	shift
	if "$@" >"$T/check.out" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc" "failed: $*" "$(head -n 5 "$T/check.out")"
	fi
}

# same DESC GOT WANT
same() {
	if [ "$2" == "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "got:  $2" "want: $3"
	fi
}

# run ARGS...: runs sivshmem-ca; sets rc, and out/err hold its output.
run() {
	"$CA" "$@" >"$T/stdout" 2>"$T/stderr"
	rc=$?
}

# succeed DESC ARGS...: sivshmem-ca must exit 0 with nothing on stderr.
succeed() {
	local desc=$1

	shift
	run "$@"
	if [ "$rc" -eq 0 ] && [ ! -s "$T/stderr" ]; then
		ok "$desc"
	else
		not_ok "$desc" "exit $rc: sivshmem-ca $*" "$(cat "$T/stderr")"
	fi
}

# refuse DESC STATUS TEXT ARGS...: sivshmem-ca must exit with STATUS and
# print exactly one line, "sivshmem-ca: ...TEXT...", on stderr.
refuse() {
	local desc=$1 status=$2 text=$3 lines

	shift 3
	run "$@"
	lines=$(wc -l <"$T/stderr")
	if [ "$rc" -eq "$status" ] && [ "$lines" -eq 1 ] &&
	   grep -q '^sivshmem-ca: ' "$T/stderr" && grep -qF -- "$text" "$T/stderr"; then
		ok "$desc"
	else
		not_ok "$desc" "sivshmem-ca $*" \
		       "exit $rc (want $status), $lines stderr lines:" \
		       "$(cat "$T/stderr")" "want text: $text"
	fi
}

mode() {
	stat -c %a "$1"
}

text() {
	openssl x509 -noout -text "$@" 2>&1
}

# The line after the one matching $2 in the text of certificate $1.
after() {
	grep -A1 -- "$2" <<<"$1" | sed -n 2p | sed 's/^ *//'
}

# openssl's date of a certificate ($2: startdate/enddate) as YYYYMMDDHHMMSSZ
cert_date() {
	local d

	d=$(openssl x509 -noout -"$2" -dateopt iso_8601 -in "$1" | cut -d= -f2)
	date -u -d "${d%Z}" +%Y%m%d%H%M%SZ
}

# A date of a certificate ($2: startdate/enddate) in seconds since 1970.
epoch() {
	date -u -d "$(openssl x509 -noout -"$2" -in "$1" | cut -d= -f2)" +%s
}

serial() {
	openssl x509 -noout -serial -in "$@" | cut -d= -f2
}

skid() {
	openssl x509 -noout -ext subjectKeyIdentifier -in "$1" | sed -n 2p |
		tr -d ' '
}

akid() {
	openssl x509 -noout -ext authorityKeyIdentifier -inform DER \
		-in "$1" | sed -n 2p | tr -d ' '
}

if [ ! -x "$CA" ]; then
	not_ok "sivshmem-ca binary at $CA" "build it with make -C host"
	echo "ca: $passed passed, $failed failed"
	exit 1
fi

C=$T/ca
O=$T/out

# ---- init ----------------------------------------------------------------

succeed "init creates a CA" init --dir "$C"
for f in ca.key.pem ca.crt.pem ca.crt.der issued.txt revoked.txt; do
	check "init writes $f" test -f "$C/$f"
done
same "CA directory is mode 0700" "$(mode "$C")" 700
same "CA key is mode 0600" "$(mode "$C/ca.key.pem")" 600
check "issued.txt is empty" test ! -s "$C/issued.txt"
check "revoked.txt has only comments" \
	bash -c "! grep -qv '^#' '$C/revoked.txt' && grep -q '^# .*SERIAL' '$C/revoked.txt'"
check "CA key is unencrypted PKCS#8 PEM" \
	grep -qx -- '-----BEGIN PRIVATE KEY-----' "$C/ca.key.pem"
check "CA key parses as PKCS#8" \
	openssl pkcs8 -nocrypt -in "$C/ca.key.pem" -out /dev/null
cat=$(text -in "$C/ca.crt.pem")
same "CA basicConstraints is critical CA:TRUE" \
	"$(after "$cat" 'Basic Constraints: critical')" "CA:TRUE"
same "CA keyUsage is critical keyCertSign, cRLSign" \
	"$(after "$cat" 'Key Usage: critical')" "Certificate Sign, CRL Sign"
check "CA has a subjectKeyIdentifier" test -n "$(skid "$C/ca.crt.pem")"
check "CA key is RSA 3072" grep -q 'Public-Key: (3072 bit)' <<<"$cat"
check "CA is signed sha256WithRSAEncryption" \
	grep -q 'Signature Algorithm: sha256WithRSAEncryption' <<<"$cat"
same "CA subject" "$(openssl x509 -noout -subject -in "$C/ca.crt.pem")" \
	"subject=O = sivshmem, OU = ca, CN = sivshmem CA"
same "CA DER and PEM are the same certificate" \
	"$(openssl x509 -inform DER -in "$C/ca.crt.der" -outform DER | sha256sum)" \
	"$(openssl x509 -in "$C/ca.crt.pem" -outform DER | sha256sum)"
check "CA verifies itself" openssl verify -CAfile "$C/ca.crt.pem" \
	"$C/ca.crt.pem"
days=$((($(epoch "$C/ca.crt.pem" enddate) - $(epoch "$C/ca.crt.pem" startdate)) / 86400))
same "CA is valid for 3650 days by default" "$days" 3650
cp -p "$C/ca.key.pem" "$T/ca.key.before"
refuse "init refuses a directory that holds a CA" 1 \
	"$C already holds a CA" init --dir "$C"
check "the refused init left the CA key alone" cmp "$C/ca.key.pem" \
	"$T/ca.key.before"

# A second CA, made under umask 000, with --cn and the longest --days.
C2=$T/ca2
(umask 000; "$CA" init --dir "$C2" --cn "Other CA, test" --days 36500 \
	>/dev/null 2>"$T/stderr")
check "init --cn --days 36500 under umask 000" test -f "$C2/ca.crt.pem"
same "nothing is group- or world-writable under umask 000" \
	"$(find "$C2" -perm /022 | wc -l)" 0
same "init --cn sets the CA's CN" \
	"$(openssl x509 -noout -subject -in "$C2/ca.crt.pem")" \
	"subject=O = sivshmem, OU = ca, CN = \"Other CA, test\""

# ---- issue ---------------------------------------------------------------

now=$(date -u +%s)
succeed "issue a guest certificate" issue --dir "$C" --name vm1 --out "$O"
succeed "issue a host certificate" issue --dir "$C" --name host0 --host \
	--out "$O"
same "issue creates --out with mode 0700" "$(mode "$O")" 700
for n in vm1 host0; do
	for f in crt.der crt.pem key.p8.der key.pem; do
		check "issue writes $n.$f" test -f "$O/$n.$f"
	done
	same "$n.key.p8.der is mode 0600" "$(mode "$O/$n.key.p8.der")" 600
	same "$n.key.pem is mode 0600" "$(mode "$O/$n.key.pem")" 600
	check "$n.crt.pem verifies against the CA" \
		openssl verify -CAfile "$C/ca.crt.pem" "$O/$n.crt.pem"
	check "$n.crt.der verifies against the CA" \
		openssl verify -CAfile "$C/ca.crt.pem" \
		<(openssl x509 -inform DER -in "$O/$n.crt.der")
	t=$(text -inform DER -in "$O/$n.crt.der")
	same "$n basicConstraints is critical CA:FALSE" \
		"$(after "$t" 'Basic Constraints: critical')" "CA:FALSE"
	same "$n keyUsage is critical digitalSignature" \
		"$(after "$t" 'Key Usage: critical')" "Digital Signature"
	check "$n has a subjectKeyIdentifier" \
		grep -q 'X509v3 Subject Key Identifier' <<<"$t"
	same "$n authorityKeyIdentifier is the CA's SKID" \
		"$(akid "$O/$n.crt.der")" "$(skid "$C/ca.crt.pem")"
	check "$n key is RSA 2048" grep -q 'Public-Key: (2048 bit)' <<<"$t"
	check "$n is signed sha256WithRSAEncryption" \
		grep -q 'Signature Algorithm: sha256WithRSAEncryption' <<<"$t"
	check "$n is a v3 certificate" grep -q 'Version: 3 (0x2)' <<<"$t"
	m=$(openssl pkcs8 -inform DER -nocrypt -in "$O/$n.key.p8.der" |
	    openssl rsa -noout -modulus 2>/dev/null)
	check "$n.key.p8.der parses as unencrypted PKCS#8 DER" \
		test -n "$m"
	same "$n.key.p8.der matches the certificate" "$m" \
		"$(openssl x509 -noout -modulus -in "$O/$n.crt.pem")"
	same "$n.key.pem is the same key" \
		"$(sed '1d;$d' "$O/$n.key.pem" | base64 -d | sha256sum)" \
		"$(sha256sum <"$O/$n.key.p8.der")"
	s=$(serial "$O/$n.crt.pem")
	check "$n serial is 16 bytes, positive" \
		grep -qE '^[0-7][0-9A-F]{31}$' <<<"$s"
done
same "guest subject" "$(openssl x509 -noout -subject -in "$O/vm1.crt.pem")" \
	"subject=O = sivshmem, OU = guest, CN = vm1"
same "host subject" "$(openssl x509 -noout -subject -in "$O/host0.crt.pem")" \
	"subject=O = sivshmem, OU = host, CN = host0"
same "issuer is the CA" "$(openssl x509 -noout -issuer -in "$O/vm1.crt.pem")" \
	"issuer=O = sivshmem, OU = ca, CN = sivshmem CA"
check "serials differ" test "$(serial "$O/vm1.crt.pem")" != \
	"$(serial "$O/host0.crt.pem")"

nb=$(epoch "$O/vm1.crt.pem" startdate)
na=$(epoch "$O/vm1.crt.pem" enddate)
check "default validity starts 5 minutes before now" \
	test $((now - 300 - nb)) -le 0 -a $((now - 300 - nb)) -ge -10
same "default validity is 365 days" $(((na - nb) / 86400)) 365

same "issued.txt has one line per certificate" \
	"$(wc -l <"$C/issued.txt")" 2
same "issued.txt line of the guest" "$(sed -n 1p "$C/issued.txt")" \
	"$(serial "$O/vm1.crt.pem") guest vm1 $(cert_date "$O/vm1.crt.pem" enddate)"
same "issued.txt line of the host" "$(sed -n 2p "$C/issued.txt")" \
	"$(serial "$O/host0.crt.pem") host host0 $(cert_date "$O/host0.crt.pem" enddate)"

succeed "issue with --days 30" issue --dir "$C" --name short --days 30 \
	--out "$O"
nb=$(epoch "$O/short.crt.pem" startdate)
na=$(epoch "$O/short.crt.pem" enddate)
same "--days 30 gives 30 days" $(((na - nb) / 86400)) 30

succeed "issue with --not-before/--not-after" issue --dir "$C" --name win \
	--not-before 20300101000000Z --not-after 20310615123059Z --out "$O"
same "--not-before is exact" "$(cert_date "$O/win.crt.pem" startdate)" \
	20300101000000Z
same "--not-after is exact" "$(cert_date "$O/win.crt.pem" enddate)" \
	20310615123059Z
same "issued.txt records --not-after" "$(tail -n 1 "$C/issued.txt" |
	cut -d' ' -f2-)" "guest win 20310615123059Z"

succeed "issue an expired certificate" issue --dir "$C" --name old \
	--not-before 20200101000000Z --not-after 20210101000000Z --out "$O"
openssl verify -CAfile "$C/ca.crt.pem" "$O/old.crt.pem" >"$T/v" 2>&1
vrc=$?
check "an expired certificate fails openssl verify" test "$vrc" -ne 0
check "... with \"certificate has expired\"" \
	grep -q 'certificate has expired' "$T/v"

# Past 2049 RFC 5280 wants GeneralizedTime; the 100-year CA allows it.
succeed "issue for 2050..2060 from the second CA" issue --dir "$C2" \
	--name late --not-before 20500101000000Z --not-after 20600229235959Z \
	--out "$T/out2"
same "a 2060 --not-after is exact" \
	"$(cert_date "$T/out2/late.crt.pem" enddate)" 20600229235959Z

succeed "issue from the second CA" issue --dir "$C2" --name vm1 \
	--out "$T/out2"
openssl verify -CAfile "$C/ca.crt.pem" "$T/out2/vm1.crt.pem" >"$T/v" 2>&1
vrc=$?
check "a certificate of another CA fails openssl verify" test "$vrc" -ne 0
check "... as not issued by this CA" \
	grep -q 'unable to get local issuer certificate' "$T/v"
check "it verifies against its own CA" \
	openssl verify -CAfile "$C2/ca.crt.pem" "$T/out2/vm1.crt.pem"

# ---- show ----------------------------------------------------------------

# expect_show CERT ROLE NAME ISSUER_CN: the exact output, from openssl.
expect_show() {
	local pem=$1 d1 d2 fp

	d1=$(openssl x509 -noout -startdate -in "$pem" | cut -d= -f2)
	d2=$(openssl x509 -noout -enddate -in "$pem" | cut -d= -f2)
	fp=$(openssl x509 -noout -fingerprint -sha256 -in "$pem" | cut -d= -f2)
	cat <<-EOF
	subject: O=sivshmem, OU=$2, CN=$3
	role: $2
	name: $3
	serial: $(serial "$pem")
	not before: $(date -u -d "$d1" '+%Y-%m-%d %H:%M:%S UTC')
	not after: $(date -u -d "$d2" '+%Y-%m-%d %H:%M:%S UTC')
	issuer: O=sivshmem, OU=ca, CN=$4
	sha256 fingerprint: $fp
	EOF
}

for f in vm1.crt.der vm1.crt.pem; do
	succeed "show $f" show "$O/$f"
	same "show $f prints the exact fields" "$(cat "$T/stdout")" \
		"$(expect_show "$O/vm1.crt.pem" guest vm1 'sivshmem CA')"
done
succeed "show the host certificate" show "$O/host0.crt.der"
same "show says role: host" "$(cat "$T/stdout")" \
	"$(expect_show "$O/host0.crt.pem" host host0 'sivshmem CA')"
succeed "show the CA certificate" show "$C/ca.crt.der"
same "show says role: ca" "$(cat "$T/stdout")" \
	"$(expect_show "$C/ca.crt.pem" ca 'sivshmem CA' 'sivshmem CA')"
succeed "show the expired certificate" show "$O/old.crt.pem"
same "show prints --not-after dates" "$(sed -n 6p "$T/stdout")" \
	"not after: 2021-01-01 00:00:00 UTC"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/foreign.key" \
	-subj "/O=other/OU=guest/CN=x" -days 1 -out "$T/foreign.pem" \
	>/dev/null 2>&1
succeed "show a certificate of another organization" show "$T/foreign.pem"
same "its role is unknown" "$(sed -n 2p "$T/stdout")" "role: unknown"

# ---- revoke --------------------------------------------------------------

succeed "revoke vm1" revoke --dir "$C" --name vm1
same "revoked.txt gets the serial and name" \
	"$(grep -v '^#' "$C/revoked.txt" | cut -d' ' -f1,2)" \
	"$(serial "$O/vm1.crt.pem") vm1"
check "the revocation time is YYYYMMDDHHMMSSZ of now" \
	test "$(grep -v '^#' "$C/revoked.txt" | cut -d' ' -f3 | cut -c1-8)" \
	== "$(date -u +%Y%m%d)"
refuse "revoke twice is refused" 1 "vm1 is already revoked" \
	revoke --dir "$C" --name vm1
refuse "revoke of an unknown name is refused" 1 \
	"no certificate was issued to nobody" revoke --dir "$C" --name nobody
succeed "issue vm1 again" issue --dir "$C" --name vm1 --out "$T/out3"
succeed "revoke vm1 again" revoke --dir "$C" --name vm1
same "only the new certificate is added" \
	"$(grep -v '^#' "$C/revoked.txt" | cut -d' ' -f1,2)" \
	"$(serial "$O/vm1.crt.pem") vm1
$(serial "$T/out3/vm1.crt.pem") vm1"
check "revoked.txt keeps to its documented format" \
	bash -c "grep -v '^#' '$C/revoked.txt' | grep -v '^\$' |
		 awk 'NF < 1 || \$1 !~ /^[0-9A-F]+\$/ { exit 1 }'"
succeed "revoke the host certificate" revoke --dir "$C" --name host0
same "revoke leaves issued.txt alone" "$(wc -l <"$C/issued.txt")" 6

# ---- refusals ------------------------------------------------------------

refuse "no command" 2 "missing command"
refuse "unknown command" 2 "unknown command 'frobnicate'" frobnicate
refuse "unknown option" 2 "unknown option '--frob' for issue" \
	issue --dir "$C" --name x --out "$O" --frob
refuse "abbreviated option" 2 "write --name in full" \
	issue --dir "$C" --na x --out "$O"
refuse "option of another command" 2 "--cn does not apply to issue" \
	issue --dir "$C" --name x --cn y --out "$O"
refuse "option given twice" 2 "--name given twice" \
	issue --dir "$C" --name x --name y --out "$O"
refuse "option without a value" 2 "--out needs a value" \
	issue --dir "$C" --name x --out
refuse "stray argument" 2 "unexpected argument 'extra'" \
	revoke --dir "$C" --name vm1 extra
refuse "init without --dir" 2 "init needs --dir" init
refuse "issue without --name" 2 "issue needs --name" issue --dir "$C" \
	--out "$O"
refuse "issue without --out" 2 "issue needs --out" issue --dir "$C" \
	--name x
refuse "revoke without --name" 2 "revoke needs --name" revoke --dir "$C"
refuse "show without a file" 2 "show needs a FILE" show
for n in "" "$(printf 'a%.0s' {1..33})" VM1 -vm a/b .a "a b"; do
	refuse "bad name '$n' for issue" 2 "bad name '$n'" \
		issue --dir "$C" --name "$n" --out "$O"
done
refuse "bad name for revoke" 2 "bad name 'A'" revoke --dir "$C" --name A
succeed "a name of 32 characters is fine" issue --dir "$C" \
	--name "$(printf 'a%.0s' {1..32})" --days 1 --out "$O"
for d in 0 36501 -1 1x ""; do
	refuse "--days '$d' is refused" 2 "bad --days '$d'" \
		issue --dir "$C" --name x --days "$d" --out "$O"
done
refuse "--days 0 for init" 2 "bad --days '0'" init --dir "$T/ca4" --days 0
check "a refused init creates nothing" test ! -e "$T/ca4"
refuse "bad --cn" 2 "bad --cn" init --dir "$T/ca4" \
	--cn "$(printf 'c%.0s' {1..65})"
refuse "--not-before alone" 2 "go together" issue --dir "$C" --name x \
	--not-before 20300101000000Z --out "$O"
refuse "--not-after alone" 2 "go together" issue --dir "$C" --name x \
	--not-after 20300101000000Z --out "$O"
refuse "--days with a window" 2 "not both" issue --dir "$C" \
	--name x --days 3 --not-before 20300101000000Z \
	--not-after 20310101000000Z --out "$O"
refuse "--not-after before --not-before" 2 "must be later" issue \
	--dir "$C" --name x --not-before 20310101000000Z \
	--not-after 20300101000000Z --out "$O"
refuse "--not-after equal to --not-before" 2 "must be later" issue \
	--dir "$C" --name x --not-before 20300101000000Z \
	--not-after 20300101000000Z --out "$O"
for t in 2030-01-01 20300101000000 203001010000Z 20300230000000Z \
	 20301301000000Z 20300101240000Z 19490101000000Z; do
	refuse "bad time $t" 2 "bad --not-before '$t'" issue --dir "$C" \
		--name x --not-before "$t" --not-after 20310101000000Z \
		--out "$O"
done
refuse "a certificate may not outlive the CA" 1 \
	"would outlive the CA" issue --dir "$C" --name x --days 36500 \
	--out "$O"
check "... and nothing was written" test ! -e "$O/x.crt.der"
refuse "issue refuses existing output files" 1 "$O/vm1.crt.der exists" \
	issue --dir "$C" --name vm1 --out "$O"
rm "$O/host0.crt.der"
refuse "... even when only some exist" 1 "$O/host0.key.p8.der exists" \
	issue --dir "$C" --name host0 --host --out "$O"
check "... and writes none" test ! -e "$O/host0.crt.der"
same "refused issues record nothing" "$(wc -l <"$C/issued.txt")" 7
refuse "issue without a CA" 1 \
	"no CA in $T/none: run sivshmem-ca init --dir $T/none first" \
	issue --dir "$T/none" --name x --out "$O"
refuse "revoke without a CA" 1 \
	"no CA in $T/none: run sivshmem-ca init --dir $T/none first" \
	revoke --dir "$T/none" --name x
touch "$T/file"
refuse "--out that is a file" 1 "is not a directory" \
	issue --dir "$C" --name y --out "$T/file"
chmod 644 "$C/ca.key.pem"
refuse "a CA key readable by others is refused" 1 "chmod 600" \
	issue --dir "$C" --name y --out "$O"
chmod 600 "$C/ca.key.pem"
refuse "show of a missing file" 1 "cannot read $T/missing" show "$T/missing"
echo "not a certificate" >"$T/junk"
refuse "show of a text file" 1 "$T/junk is not an X.509 certificate" \
	show "$T/junk"
refuse "show of a private key" 1 "is not an X.509 certificate" \
	show "$O/vm1.key.pem"
refuse "show of a DER key" 1 "is not an X.509 certificate" \
	show "$O/vm1.key.p8.der"
head -c 500 "$O/vm1.crt.der" >"$T/cut.der"
refuse "show of a truncated certificate" 1 "is not an X.509 certificate" \
	show "$T/cut.der"
refuse "show of a directory" 1 "cannot read $T" show "$T"

run --help
check "--help exits 0 and prints usage" test "$rc" -eq 0 -a ! -s "$T/stderr"
check "--help documents the name rule" grep -q '1-32 characters of a-z 0-9' \
	"$T/stdout"
run issue -h
check "issue -h prints usage" test "$rc" -eq 0 -a -s "$T/stdout"

echo "ca: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
