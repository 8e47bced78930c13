// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * RSA PKCS#1 v1.5 over SHA-256 with the kernel's asymmetric key code: the
 * one signing and verifying path of the driver (identity.c) and of the
 * handshake benchmark.
 */

#include <crypto/akcipher.h>
#include <crypto/public_key.h>
#include <crypto/sha2.h>
#include <keys/asymmetric-type.h>
#include <kunit/visibility.h>
#include <linux/key.h>
#include <linux/keyctl.h>
#include <linux/slab.h>

#include "rsa.h"

/**
 * sivshmem_rsa_sign() - RSA PKCS#1 v1.5 signature of a SHA-256 digest
 * @priv: an asymmetric private key (RSA 2048, 3072 or 4096 bits)
 * @digest: the SHA-256 digest
 * @sig: filled with the signature, %SIVSHMEM_SIG_MAX bytes
 * @sig_len: its length
 *
 * Context: Process context; sleeps.
 * Return: 0, the key's validation error, -EKEYREJECTED for a key of
 * another kind or size, -ENOMEM, or the signing error.
 */
int sivshmem_rsa_sign(struct key *priv, const u8 *digest, u8 *sig,
		      u16 *sig_len)
{
	struct kernel_pkey_params params = {
		.key = priv,
		.encoding = "pkcs1",
		.hash_algo = "sha256",
		.in_len = SHA256_DIGEST_SIZE,
	};
	struct kernel_pkey_query info;
	u8 *in, *out;
	int ret;

	ret = key_validate(priv);
	if (ret)
		return ret;
	ret = query_asymmetric_key(&params, &info);
	if (ret)
		return ret;
	/* Only RSA-2048, -3072 and -4096: the sizes the wire format carries. */
	if (!(info.supported_ops & KEYCTL_SUPPORTS_SIGN) ||
	    (info.max_sig_size != 256 && info.max_sig_size != 384 &&
	     info.max_sig_size != 512))
		return -EKEYREJECTED;
	/* A larger out_len corrupts memory in 6.1's pkcs1pad: be exact. */
	params.out_len = info.max_sig_size;

	/* The akcipher scatterlists cannot point at the (vmapped) stack. */
	in = kmemdup(digest, SHA256_DIGEST_SIZE, GFP_KERNEL);
	out = kzalloc(info.max_sig_size, GFP_KERNEL);
	if (!in || !out) {
		ret = -ENOMEM;
		goto out;
	}
	ret = create_signature(&params, in, out);
	if (ret < 0)
		goto out;
	memcpy(sig, out, ret);
	*sig_len = ret;
	ret = 0;
out:
	kfree_sensitive(in);
	kfree(out);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_rsa_sign);

/**
 * sivshmem_rsa_verify() - check an RSA PKCS#1 v1.5 SHA-256 signature
 * @pub: the signer's public key
 * @digest: the SHA-256 digest
 * @sig: the signature, possibly hostile
 * @sig_len: its length
 *
 * Return: 0 if it verifies, a negative errno otherwise.
 */
int sivshmem_rsa_verify(const struct public_key *pub, const u8 *digest,
			const u8 *sig, u16 sig_len)
{
	struct public_key_signature pks = {
		.s = (u8 *)sig,
		.s_size = sig_len,
		.digest = (u8 *)digest,
		.digest_size = SHA256_DIGEST_SIZE,
		.pkey_algo = "rsa",
		.hash_algo = "sha256",
		.encoding = "pkcs1",
	};

	return public_key_verify_signature(pub, &pks);
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_rsa_verify);
