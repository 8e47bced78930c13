/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * HMAC-SHA256 (RFC 2104) and HKDF-SHA256 (RFC 5869) on the library SHA-256
 * of <crypto/sha2.h>, for the channel handshake. 6.1 has neither a library
 * HMAC nor a generic HKDF; these need no crypto tfm, never allocate and
 * never sleep, so they can run in any context.
 */

#ifndef _SIVSHMEM_KDF_H
#define _SIVSHMEM_KDF_H

#include <crypto/sha2.h>
#include <linux/types.h>

#define SIVSHMEM_HMAC_SHA256_LEN	SHA256_DIGEST_SIZE
/* RFC 5869 2.3: L <= 255 * HashLen. */
#define SIVSHMEM_HKDF_SHA256_OKM_MAX	(255 * SHA256_DIGEST_SIZE)

/**
 * struct sivshmem_hmac_sha256_ctx - an HMAC-SHA256 computation in progress
 * @inner: SHA-256 of (K ^ ipad) and of the data so far
 * @outer: SHA-256 of (K ^ opad), waiting for the inner hash
 *
 * Holds key material: sivshmem_hmac_sha256_final() wipes it; a caller that
 * abandons a context without finalising it must wipe it with
 * memzero_explicit().
 */
struct sivshmem_hmac_sha256_ctx {
	struct sha256_state inner;
	struct sha256_state outer;
};

void sivshmem_hmac_sha256_init(struct sivshmem_hmac_sha256_ctx *ctx,
			       const u8 *key, size_t key_len);
void sivshmem_hmac_sha256_update(struct sivshmem_hmac_sha256_ctx *ctx,
				 const u8 *data, size_t data_len);
void sivshmem_hmac_sha256_final(struct sivshmem_hmac_sha256_ctx *ctx,
				u8 out[SIVSHMEM_HMAC_SHA256_LEN]);
void sivshmem_hmac_sha256(u8 out[SIVSHMEM_HMAC_SHA256_LEN], const u8 *key,
			  size_t key_len, const u8 *data, size_t data_len);

void sivshmem_hkdf_extract(u8 prk[SIVSHMEM_HMAC_SHA256_LEN], const u8 *salt,
			   size_t salt_len, const u8 *ikm, size_t ikm_len);
int sivshmem_hkdf_expand(u8 *okm, size_t okm_len,
			 const u8 prk[SIVSHMEM_HMAC_SHA256_LEN],
			 const u8 *info, size_t info_len);

#endif /* _SIVSHMEM_KDF_H */
