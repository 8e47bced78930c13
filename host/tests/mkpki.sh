#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Copyright (C) 2026 The sivshmem authors.
#
# mkpki.sh DIR: a test PKI made with the openssl CLI only, shaped like what
# sivshmem-ca issues (O=sivshmem, OU=guest|host|ca, CN=NAME; RSA-3072 CA
# with a critical CA:TRUE and an SKID; RSA-2048 leaves with CA:FALSE,
# digitalSignature and an AKID; sha256WithRSAEncryption), plus the bad
# certificates the tests refuse. Certificates are NAME.crt (PEM) and
# NAME.der; keys NAME.key (PKCS#8 PEM).
set -euo pipefail
cd "$1"
export CADB=db-ca

cat >pki.cnf <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[v3_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ca]
default_ca = ca_default
[ca_default]
database = $ENV::CADB/index.txt
serial = $ENV::CADB/serial
new_certs_dir = $ENV::CADB
default_md = sha256
policy = pol
preserve = yes
unique_subject = no
email_in_dn = no
copy_extensions = none
[pol]
organizationName = optional
organizationalUnitName = optional
commonName = supplied
CNF

key() {
	openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:$2" \
		-out "$1.key" 2>/dev/null
}

# Keys in parallel: RSA key generation is most of the time.
key ca 3072 & key ca2 3072 & key host 2048 & key vm1 2048 &
key vm2 2048 & key vm3 2048 & key other 2048 &
wait

mkca() {	# NAME FIRST_SERIAL
	openssl req -config pki.cnf -new -x509 -key "$1.key" -days 3650 \
		-sha256 -extensions v3_ca -subj "/O=sivshmem/OU=ca/CN=$1" \
		-out "$1.crt"
	openssl x509 -in "$1.crt" -outform DER -out "$1.der"
	mkdir -p "db-$1"
	: >"db-$1/index.txt"
	echo "$2" >"db-$1/serial"
}

leaf() {	# OUT CA KEY OU CN [STARTDATE ENDDATE]
	local dates=(-days 30)

	[ $# -gt 5 ] && dates=(-startdate "$6" -enddate "$7")
	openssl req -config pki.cnf -new -key "$3.key" \
		-subj "/O=sivshmem/OU=$4/CN=$5" -out "$1.csr"
	CADB="db-$2" openssl ca -config pki.cnf -batch -notext \
		-cert "$2.crt" -keyfile "$2.key" -extensions leaf \
		"${dates[@]}" -in "$1.csr" -out "$1.crt" 2>/dev/null
	openssl x509 -in "$1.crt" -outform DER -out "$1.der"
	rm -f "$1.csr"
}

mkca ca 5A01
mkca ca2 7B01
leaf host ca host host host
leaf vm1 ca vm1 guest vm1
leaf vm2 ca vm2 guest vm2
leaf vm3 ca vm3 guest vm3
leaf vm1-ca2 ca2 vm1 guest vm1
leaf vm1-expired ca vm1 guest vm1 20200101000000Z 20200201000000Z
leaf vm1-hostrole ca vm1 host vm1
leaf host-ca2 ca2 host host host
: >revoked.txt
