// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * libFuzzer target: the daemon's checks of what a guest sends it in AUTH,
 * ACCEPT and CONFIRM: sivd_auth_check() in host/auth.c (OpenSSL's DER
 * parser through pki_cert_parse(), the serial, the chain to the CA, the
 * subject's OU and CN, the revocation list and the RSA signature), built
 * from the daemon's own host/auth.c, host/pki.c and host/log.c.
 *
 * Input: 1 byte of flags, then a certificate of the remaining length minus
 * the signature; bit 0 of the flags says the last 256 bytes are a
 * signature (otherwise the signature is 256 bytes of the first byte), bit
 * 1 checks for the name "vm1" (else "vm3"), bit 2 with a revocation list
 * that names the serial of corpus/fuzz_cert/guest.der. The
 * CA is corpus/fuzz_cert/ca.der, the CA the seed certificates chain to,
 * so seeds get past the chain check into the name and signature checks.
 * Properties: no crash, no leak, no undefined behaviour; the
 * status is one sivd_auth_check() documents, OK only for a certificate
 * that really is a guest one of the CA and a signature that verifies.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/x509.h>

#include "auth.h"
#include "pki.h"

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

#define SIG_LEN	256

/* Without a revocation list, and with one that revokes corpus guest.der. */
static struct sivd_auth auth[2];
static char revoked_path[] = "/tmp/fuzz_host_auth.revokedXXXXXX";

static X509 *load_der(const char *path)
{
	static unsigned char buf[1 << 16];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return pki_cert_parse(buf, n);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	X509 *ca;
	FILE *f;
	int fd, i;

	(void)argc;
	(void)argv;
	sivd_log_set_level(SIVD_LOG_ERROR);
	ca = load_der("corpus/fuzz_cert/ca.der");
	if (!ca) {
		fprintf(stderr, "fuzz_host_auth: run from tests/fuzz (needs corpus/fuzz_cert/ca.der)\n");
		exit(1);
	}
	for (i = 0; i < 2; i++) {
		auth[i].store = X509_STORE_new();
		CHECK(auth[i].store &&
		      X509_STORE_add_cert(auth[i].store, ca) == 1);
		auth[i].rl.who = "revocation list";
	}
	X509_free(ca);
	/* A revocation list as sivshmem-ca writes it, with some noise. */
	fd = mkstemp(revoked_path);
	CHECK(fd >= 0);
	f = fdopen(fd, "w");
	CHECK(f);
	fprintf(f, "# revoked\n0003 vm3\nzz not hex\n"
		"5FF64E2D035E92894275E7F10B106427 vm1\n");
	fclose(f);
	auth[1].revoked_path = revoked_path;
	sivd_auth_reload_revoked(&auth[1]);
	CHECK(auth[1].nr_revoked == 2);
	/* Read once: later checks must not stat a file that is gone. */
	auth[1].revoked_path = NULL;
	unlink(revoked_path);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t tbs[] = "sivshmem fuzz transcript";
	char serial[SIVD_SERIAL_HEX_MAX + 1], why[256];
	uint8_t sigbuf[SIG_LEN];
	struct sivshmem_blob cert, sig;
	uint8_t *copy;
	size_t cert_len;
	u32 status;

	if (size < 1)
		return 0;
	cert_len = size - 1;
	if (data[0] & 1) {
		if (cert_len < SIG_LEN)
			return 0;
		cert_len -= SIG_LEN;
		memcpy(sigbuf, data + 1 + cert_len, SIG_LEN);
	} else {
		memset(sigbuf, data[0], SIG_LEN);
	}
	if (cert_len > SIVSHMEM_CERT_MAX)
		return 0;
	/* Exactly the certificate's size, so ASan sees any overread. */
	copy = malloc(cert_len ? cert_len : 1);
	CHECK(copy);
	memcpy(copy, data + 1, cert_len);
	cert.data = copy;
	cert.len = cert_len;
	sig.data = sigbuf;
	sig.len = SIG_LEN;

	status = sivd_auth_check(&auth[!!(data[0] & 4)], (data[0] & 2) ? "vm1" : "vm3", &cert,
				 tbs, sizeof(tbs), &sig, serial, why,
				 sizeof(why));
	CHECK(status == SIVSHMEM_STATUS_OK ||
	      status == SIVSHMEM_STATUS_AUTH_FAILED ||
	      status == SIVSHMEM_STATUS_WRONG_NAME ||
	      status == SIVSHMEM_STATUS_REVOKED);
	CHECK(memchr(serial, '\0', sizeof(serial)));
	CHECK(memchr(why, '\0', sizeof(why)));
	/* Nobody holds the key of a seed: no signature can verify. */
	CHECK(status != SIVSHMEM_STATUS_OK);
	if (status != SIVSHMEM_STATUS_AUTH_FAILED)
		CHECK(serial[0]);
	free(copy);
	return 0;
}
