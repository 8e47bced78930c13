/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * The sivshmem host CA: a flat, one-level CA that issues the RSA keys and
 * X.509 certificates the guests' (and the host's) kernels authenticate
 * each other with. Everything the Linux 6.1 asymmetric key parsers need is
 * decided here: RSA only, sha256WithRSAEncryption, an SKID on the CA and
 * an AKID (keyid) on every leaf so the kernel finds the signer, and leaf
 * keys as unencrypted PKCS#8 DER for pkcs8_key_parser.
 *
 * A CA directory holds:
 *   ca.key.pem   the CA key, unencrypted PKCS#8 PEM, mode 0600
 *   ca.crt.pem   the self-signed CA certificate (and ca.crt.der)
 *   issued.txt   one line per issued certificate:
 *                SERIALHEX ROLE NAME NOTAFTER
 *   revoked.txt  one line per revoked certificate:
 *                SERIALHEX NAME REVOKED_AT
 * SERIALHEX is the serial number in uppercase hex without separators, as
 * "openssl x509 -serial" prints it; times are YYYYMMDDHHMMSSZ (UTC).
 *
 * Every operation returns a CA_* status (usable as an exit status) and, on
 * failure, puts one line saying what to do into err.
 */

#ifndef _SIVSHMEM_CA_H
#define _SIVSHMEM_CA_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

/* As in the kernel (and host/util.h), so that checkpatch reads it alike. */
#ifndef __printf
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#endif

enum ca_status {
	CA_OK = 0,
	CA_FAIL = 1,	/* the operation was refused or failed */
	CA_USAGE = 2,	/* a bad argument */
};

#define CA_NAME_MAX		32
#define CA_NAME_RULE \
	"1-32 characters of a-z 0-9 . _ -, the first a letter or digit"
#define CA_CN_MAX		64
#define CA_DAYS_MAX		36500
#define CA_DEFAULT_CA_DAYS	3650
#define CA_DEFAULT_DAYS		365
#define CA_DEFAULT_CN		"sivshmem CA"
/* Certificates start this long before "now", for clocks that lag. */
#define CA_SKEW_SEC		300
/* 16 bytes, as uppercase hex, and a NUL. */
#define CA_SERIAL_HEX_LEN	(2 * 16 + 1)

#define CA_KEY_FILE		"ca.key.pem"
#define CA_CRT_FILE		"ca.crt.pem"
#define CA_CRT_DER_FILE		"ca.crt.der"
#define CA_ISSUED_FILE		"issued.txt"
#define CA_REVOKED_FILE		"revoked.txt"

struct ca;

/* What ca_issue() makes; a zero not_before/not_after means --days. */
struct ca_issue_req {
	const char *name;
	bool host;		/* OU=host instead of OU=guest */
	int days;
	time_t not_before;
	time_t not_after;
	const char *outdir;
};

/* What ca_issue() made, for the caller's message. */
struct ca_issued {
	char serial[CA_SERIAL_HEX_LEN];
	time_t not_after;
};

bool ca_name_valid(const char *name);
bool ca_cn_valid(const char *cn);
int ca_parse_days(const char *s, int *days);
int ca_parse_time(const char *s, time_t *t);
void ca_format_time(time_t t, char *buf, size_t len);

int ca_init(const char *dir, const char *cn, int days, char *err,
	    size_t errlen);
int ca_load(const char *dir, struct ca **cap, char *err, size_t errlen);
void ca_free(struct ca *ca);
int ca_issue(struct ca *ca, const struct ca_issue_req *req,
	     struct ca_issued *out, char *err, size_t errlen);
int ca_revoke(const char *dir, const char *name, unsigned int *count,
	      char *err, size_t errlen);
int ca_show(const char *path, FILE *out, char *err, size_t errlen);

#endif /* _SIVSHMEM_CA_H */
