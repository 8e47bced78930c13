/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The sivshmem authors.
 */

#ifndef _SIVSHMEM_IDENTITY_H
#define _SIVSHMEM_IDENTITY_H

#include <linux/device.h>
#include <linux/key.h>
#include <linux/key-type.h>

#include "wire.h"

/**
 * struct sivshmem_peer_cert - a certificate verified as signed by our CA
 * @prep: the kernel's parse of it; its public key verifies signatures
 * @loaded: @prep holds a parsed certificate
 * @der: a copy of the certificate
 * @len: its length
 * @name: its subject commonName
 */
struct sivshmem_peer_cert {
	struct key_preparsed_payload prep;
	bool loaded;
	u8 *der;
	u16 len;
	char name[SIVSHMEM_NAME_MAX + 1];
};

int sivshmem_identity_init(void);
void sivshmem_identity_uninit(void);
extern const struct attribute_group sivshmem_identity_group;

bool sivshmem_identity_ready(void);
int sivshmem_identity_sign_auth(const struct sivshmem_tbs_ctx *ctx,
				const struct sivshmem_peer_cert *host,
				char *name, u8 *cert, u16 *cert_len,
				u8 *sig, u16 *sig_len);
int sivshmem_identity_check_host(const u8 *der, u16 len,
				 struct sivshmem_peer_cert *host);
int sivshmem_identity_check_peer(const u8 *der, u16 len, const char *name,
				 struct sivshmem_peer_cert *peer);
int sivshmem_identity_snapshot(char *name, u8 *cert, u16 *cert_len);
int sivshmem_identity_sign(const u8 *cert, u16 cert_len, const u8 *tbs,
			   size_t tbs_len, u8 *sig, u16 *sig_len);
int sivshmem_identity_verify(const struct sivshmem_peer_cert *signer,
			     const u8 *tbs, size_t tbs_len,
			     const u8 *sig, u16 sig_len);
void sivshmem_peer_cert_release(struct sivshmem_peer_cert *pc);

/* control.c: the identity changed, registration may proceed */
void sivshmem_control_identity_changed(void);

#endif /* _SIVSHMEM_IDENTITY_H */
