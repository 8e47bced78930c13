// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * HMAC-SHA256 (RFC 2104) and HKDF-SHA256 (RFC 5869) on the library SHA-256,
 * built the way WireGuard builds its HMAC on BLAKE2s (noise.c, hmac()). The
 * channel handshake derives its session keys with them from an ephemeral
 * shared secret and the transcript hash.
 *
 * Everything that could stand in for a key is wiped with memzero_explicit()
 * before returning: the padded key blocks, the hash states (a state that has
 * absorbed K ^ ipad or K ^ opad is as good as the key for forging MACs), the
 * inner hash and every T(i). Nothing allocates, locks or sleeps; the stack
 * use is below 1 KiB.
 */

#include <crypto/sha2.h>
#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/minmax.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "kdf.h"

#define HMAC_IPAD	0x36
#define HMAC_OPAD	0x5c

/**
 * sha256_update_sz() - sha256_update() for lengths that may exceed 4 GiB
 * @state: the SHA-256 state
 * @data: the bytes to hash; may be NULL if @len is 0
 * @len: their number
 *
 * sha256_update() takes an unsigned int; feed it in chunks so that a size_t
 * length is never truncated.
 */
static void sha256_update_sz(struct sha256_state *state, const u8 *data,
			     size_t len)
{
	while (len) {
		unsigned int n = min_t(size_t, len, SZ_1G);

		sha256_update(state, data, n);
		data += n;
		len -= n;
	}
}

/**
 * sivshmem_hmac_sha256_init() - start a multi-part HMAC-SHA256
 * @ctx: the context to set up; any previous content is overwritten
 * @key: the key; may be NULL if @key_len is 0
 * @key_len: its length; keys longer than the 64-byte block are hashed
 *	first, as RFC 2104 requires
 *
 * @key is read only here: it may be wiped or reused as soon as this returns.
 * Feed the message with sivshmem_hmac_sha256_update() and finish with
 * sivshmem_hmac_sha256_final(), which wipes @ctx. A copy of an initialised
 * @ctx computes the MAC of another message under the same key without
 * hashing the key again; each copy must be finalised or wiped.
 *
 * Context: Any context.
 */
void sivshmem_hmac_sha256_init(struct sivshmem_hmac_sha256_ctx *ctx,
			       const u8 *key, size_t key_len)
{
	u8 block[SHA256_BLOCK_SIZE] __aligned(__alignof__(u32)) = {};
	unsigned int i;

	if (key_len > SHA256_BLOCK_SIZE) {
		/* ctx->inner is scratch here; sha256_final() wipes it. */
		sha256_init(&ctx->inner);
		sha256_update_sz(&ctx->inner, key, key_len);
		sha256_final(&ctx->inner, block);
	} else if (key_len) {
		memcpy(block, key, key_len);
	}

	for (i = 0; i < SHA256_BLOCK_SIZE; i++)
		block[i] ^= HMAC_IPAD;
	sha256_init(&ctx->inner);
	sha256_update(&ctx->inner, block, SHA256_BLOCK_SIZE);

	for (i = 0; i < SHA256_BLOCK_SIZE; i++)
		block[i] ^= HMAC_IPAD ^ HMAC_OPAD;
	sha256_init(&ctx->outer);
	sha256_update(&ctx->outer, block, SHA256_BLOCK_SIZE);

	memzero_explicit(block, sizeof(block));
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_hmac_sha256_init);

/**
 * sivshmem_hmac_sha256_update() - add message bytes to an HMAC-SHA256
 * @ctx: a context set up by sivshmem_hmac_sha256_init()
 * @data: the bytes; may be NULL if @data_len is 0
 * @data_len: their number
 *
 * The MAC covers the concatenation of all updates, so a transcript can be
 * fed one message at a time.
 *
 * Context: Any context.
 */
void sivshmem_hmac_sha256_update(struct sivshmem_hmac_sha256_ctx *ctx,
				 const u8 *data, size_t data_len)
{
	sha256_update_sz(&ctx->inner, data, data_len);
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_hmac_sha256_update);

/**
 * sivshmem_hmac_sha256_final() - finish an HMAC-SHA256 and wipe the context
 * @ctx: a context set up by sivshmem_hmac_sha256_init()
 * @out: receives the 32-byte MAC
 *
 * @ctx is all zeroes afterwards; initialise it again before reusing it.
 *
 * Context: Any context.
 */
void sivshmem_hmac_sha256_final(struct sivshmem_hmac_sha256_ctx *ctx,
				u8 out[SIVSHMEM_HMAC_SHA256_LEN])
{
	u8 inner_hash[SHA256_DIGEST_SIZE] __aligned(__alignof__(u32));

	sha256_final(&ctx->inner, inner_hash);
	sha256_update(&ctx->outer, inner_hash, sizeof(inner_hash));
	sha256_final(&ctx->outer, out);

	memzero_explicit(inner_hash, sizeof(inner_hash));
	/* sha256_final() wipes its state in 6.1, but do not rely on it. */
	memzero_explicit(ctx, sizeof(*ctx));
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_hmac_sha256_final);

/**
 * sivshmem_hmac_sha256() - one-shot HMAC-SHA256 (RFC 2104)
 * @out: receives the 32-byte MAC; may overlap @key or @data
 * @key: the key; may be NULL if @key_len is 0
 * @key_len: its length; keys longer than 64 bytes are hashed first
 * @data: the message; may be NULL if @data_len is 0
 * @data_len: its length
 *
 * Context: Any context.
 */
void sivshmem_hmac_sha256(u8 out[SIVSHMEM_HMAC_SHA256_LEN], const u8 *key,
			  size_t key_len, const u8 *data, size_t data_len)
{
	struct sivshmem_hmac_sha256_ctx ctx;

	sivshmem_hmac_sha256_init(&ctx, key, key_len);
	sivshmem_hmac_sha256_update(&ctx, data, data_len);
	sivshmem_hmac_sha256_final(&ctx, out);
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_hmac_sha256);

/**
 * sivshmem_hkdf_extract() - HKDF-SHA256-Extract (RFC 5869 2.2)
 * @prk: receives the 32-byte pseudorandom key, HMAC(salt, IKM); may overlap
 *	@salt or @ikm
 * @salt: the salt; NULL (or @salt_len 0) means 32 zero bytes
 * @salt_len: its length; ignored if @salt is NULL
 * @ikm: the input keying material, e.g. an ephemeral shared secret; may be
 *	NULL if @ikm_len is 0
 * @ikm_len: its length
 *
 * @prk is a secret: the caller wipes it with memzero_explicit() after use.
 *
 * Context: Any context.
 */
void sivshmem_hkdf_extract(u8 prk[SIVSHMEM_HMAC_SHA256_LEN], const u8 *salt,
			   size_t salt_len, const u8 *ikm, size_t ikm_len)
{
	/*
	 * HMAC pads its key with zeroes to the block size, so an empty key
	 * and the 32 zero bytes of RFC 5869 give the same MAC.
	 */
	if (!salt)
		salt_len = 0;
	sivshmem_hmac_sha256(prk, salt, salt_len, ikm, ikm_len);
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_hkdf_extract);

/**
 * sivshmem_hkdf_expand() - HKDF-SHA256-Expand (RFC 5869 2.3)
 * @okm: receives @okm_len bytes of output keying material; may overlap
 *	@prk but not @info
 * @okm_len: how many; at most %SIVSHMEM_HKDF_SHA256_OKM_MAX (255 * 32)
 * @prk: the 32-byte pseudorandom key from sivshmem_hkdf_extract()
 * @info: context and application specific information, e.g. a label and
 *	the transcript hash; may be NULL if @info_len is 0
 * @info_len: its length
 *
 * Computes T(1) || T(2) || ... truncated to @okm_len bytes, where
 * T(i) = HMAC(PRK, T(i-1) || info || i) and T(0) is empty. The output for
 * a length is a prefix of the output for any greater length.
 *
 * Context: Any context.
 * Return: 0, or -EINVAL if @okm_len is too large (@okm is then untouched).
 */
int sivshmem_hkdf_expand(u8 *okm, size_t okm_len,
			 const u8 prk[SIVSHMEM_HMAC_SHA256_LEN],
			 const u8 *info, size_t info_len)
{
	struct sivshmem_hmac_sha256_ctx keyed, ctx;
	u8 t[SHA256_DIGEST_SIZE] __aligned(__alignof__(u32));
	size_t done = 0;
	u8 counter = 0;

	if (okm_len > SIVSHMEM_HKDF_SHA256_OKM_MAX)
		return -EINVAL;
	if (!okm_len)
		return 0;

	/* Hash PRK ^ ipad and PRK ^ opad once, not once per block. */
	sivshmem_hmac_sha256_init(&keyed, prk, SIVSHMEM_HMAC_SHA256_LEN);
	while (done < okm_len) {
		size_t n = min_t(size_t, okm_len - done, sizeof(t));

		ctx = keyed;
		if (counter)
			sivshmem_hmac_sha256_update(&ctx, t, sizeof(t));
		sivshmem_hmac_sha256_update(&ctx, info, info_len);
		counter++;
		sivshmem_hmac_sha256_update(&ctx, &counter, 1);
		/* Wipes ctx. */
		sivshmem_hmac_sha256_final(&ctx, t);
		memcpy(okm + done, t, n);
		done += n;
	}

	memzero_explicit(&keyed, sizeof(keyed));
	memzero_explicit(t, sizeof(t));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_hkdf_expand);
