/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * The daemon's side of authenticated registration: its own identity (the
 * host certificate and key, checked against the CA at start-up), the
 * checks of a guest's certificate and AUTH signature, and the revocation
 * list, re-read whenever its file changes.
 */

#ifndef _SIVD_AUTH_H
#define _SIVD_AUTH_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "config.h"
#include "log.h"

/* Room for the hex serial of any certificate sivd_auth_guest() accepts. */
#define SIVD_SERIAL_HEX_MAX	64

struct sivd_auth {
	X509_STORE *store;		/* holds the CA, and nothing else */
	EVP_PKEY *key;			/* the host's private key */
	u8 host_cert[SIVSHMEM_CERT_MAX];	/* DER, as sent in CHALLENGE */
	u16 host_cert_len;
	size_t sig_len;			/* bytes of every host signature */

	/* The revocation list; empty when none is configured. */
	const char *revoked_path;
	struct timespec rev_mtime;
	dev_t rev_dev;
	ino_t rev_ino;
	off_t rev_size;
	char (*revoked)[SIVD_SERIAL_HEX_MAX + 1];
	unsigned int nr_revoked;
	/* Counts the times the list was read, so users can tell it changed. */
	unsigned long rev_epoch;
	struct sivd_ratelimit rl;
};

int sivd_auth_init(struct sivd_auth *a, const struct sivd_config *cfg);
void sivd_auth_free(struct sivd_auth *a);
int sivd_auth_sign(const struct sivd_auth *a, const u8 *tbs, size_t len,
		   u8 *sig, size_t *sig_len);
u32 sivd_auth_check(struct sivd_auth *a, const char *vm_name,
		    const struct sivshmem_blob *cert, const u8 *tbs,
		    size_t tbs_len, const struct sivshmem_blob *sig,
		    char *serial, char *why, size_t whylen);
u32 sivd_auth_guest(struct sivd_auth *a, const char *vm_name,
		    const struct sivshmem_msg *m,
		    const struct sivshmem_tbs_ctx *ctx, char *serial,
		    char *why, size_t whylen);
void sivd_auth_reload_revoked(struct sivd_auth *a);
bool sivd_auth_revoked(const struct sivd_auth *a, const char *serial);

#endif /* _SIVD_AUTH_H */
