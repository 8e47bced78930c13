/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The sivshmem authors.
 */

#ifndef _SIVSHMEM_RSA_H
#define _SIVSHMEM_RSA_H

#include <linux/types.h>

struct key;
struct public_key;

int sivshmem_rsa_sign(struct key *priv, const u8 *digest, u8 *sig,
		      u16 *sig_len);
int sivshmem_rsa_verify(const struct public_key *pub, const u8 *digest,
			const u8 *sig, u16 sig_len);

#endif /* _SIVSHMEM_RSA_H */
