// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * What sivshmemd and sivshmem-ca both do with OpenSSL: read a certificate
 * from memory and word OpenSSL's last error.
 */

#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "pki.h"

/**
 * pki_cert_parse() - a certificate, PEM or DER, from memory
 * @buf: the bytes, possibly from a guest
 * @len: their number
 *
 * DER must fill @len exactly: trailing bytes are refused, so nothing can
 * hide behind a certificate that is signed or compared as a whole.
 *
 * Return: the certificate, or NULL. OpenSSL's error queue is cleared.
 */
X509 *pki_cert_parse(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	X509 *x = NULL;
	BIO *b;

	if (!len || len > (size_t)1 << 20)
		return NULL;
	if (memmem(buf, len, "-----BEGIN ", 11)) {
		b = BIO_new_mem_buf(buf, len);
		x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
		BIO_free(b);
	} else {
		x = d2i_X509(NULL, &p, len);
		if (x && p != (const unsigned char *)buf + len) {
			X509_free(x);
			x = NULL;
		}
	}
	ERR_clear_error();
	return x;
}

/**
 * pki_ossl_error() - the reason of OpenSSL's last error, for a message
 *
 * Clears the error queue.
 *
 * Return: a static string.
 */
const char *pki_ossl_error(void)
{
	static char buf[256];
	unsigned long e = ERR_peek_last_error();

	if (!e)
		return "unknown OpenSSL error";
	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return buf;
}
