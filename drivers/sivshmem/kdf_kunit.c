// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * KUnit tests of HMAC-SHA256 and HKDF-SHA256 (kdf.c): the RFC 4231 and
 * RFC 5869 test vectors, one-shot and fed in pieces, then the properties the
 * handshake relies on: the output-length limits, that a shorter output is a
 * prefix of a longer one, that the info string separates keys, and that a
 * finished HMAC context holds nothing. Inputs and outputs live in buffers of
 * exactly their size, so that KASAN reports any access past the end.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kdf.h"

#define MAC_LEN		SIVSHMEM_HMAC_SHA256_LEN
#define OKM_MAX		SIVSHMEM_HKDF_SHA256_OKM_MAX

/* A copy of @len bytes in a buffer of exactly that size; NULL if @len is 0. */
static u8 *dup(struct kunit *test, const void *src, size_t len)
{
	u8 *p;

	if (!len)
		return NULL;
	p = kunit_kmalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	memcpy(p, src, len);
	return p;
}

static u8 *alloc(struct kunit *test, size_t len)
{
	u8 *p = kunit_kmalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	return p;
}

/*
 * RFC 4231 section 4, HMAC-SHA-256 only. Case 5 gives only the first 128
 * bits of the MAC; cases 6 and 7 use a 131-byte key, which HMAC hashes
 * first. The data of case 7 is its ASCII text: "This is a test using a
 * larger than block-size key and a larger than block-size data. The key
 * needs to be hashed before being used by the HMAC algorithm."
 */
struct hmac_vector {
	const char *name;
	const char *key;
	size_t key_len;
	const char *data;
	size_t data_len;
	const char *mac;
	size_t mac_len;
};

static const struct hmac_vector hmac_vectors[] = {
	{
		.name = "rfc4231_1",
		.key = "\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b"
		       "\x0b\x0b\x0b\x0b",
		.key_len = 20,
		.data = "Hi There",
		.data_len = 8,
		.mac = "\xb0\x34\x4c\x61\xd8\xdb\x38\x53\x5c\xa8\xaf\xce\xaf\x0b\xf1\x2b"
		       "\x88\x1d\xc2\x00\xc9\x83\x3d\xa7\x26\xe9\x37\x6c\x2e\x32\xcf\xf7",
		.mac_len = 32,
	},
	{
		.name = "rfc4231_2",
		.key = "Jefe",
		.key_len = 4,
		.data = "what do ya want for nothing?",
		.data_len = 28,
		.mac = "\x5b\xdc\xc1\x46\xbf\x60\x75\x4e\x6a\x04\x24\x26\x08\x95\x75\xc7"
		       "\x5a\x00\x3f\x08\x9d\x27\x39\x83\x9d\xec\x58\xb9\x64\xec\x38\x43",
		.mac_len = 32,
	},
	{
		.name = "rfc4231_3",
		.key = "\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa"
		       "\xaa\xaa\xaa\xaa",
		.key_len = 20,
		.data = "\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd"
			"\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd"
			"\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd"
			"\xdd\xdd",
		.data_len = 50,
		.mac = "\x77\x3e\xa9\x1e\x36\x80\x0e\x46\x85\x4d\xb8\xeb\xd0\x91\x81\xa7"
		       "\x29\x59\x09\x8b\x3e\xf8\xc1\x22\xd9\x63\x55\x14\xce\xd5\x65\xfe",
		.mac_len = 32,
	},
	{
		.name = "rfc4231_4",
		.key = "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10"
		       "\x11\x12\x13\x14\x15\x16\x17\x18\x19",
		.key_len = 25,
		.data = "\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd"
			"\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd"
			"\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd"
			"\xcd\xcd",
		.data_len = 50,
		.mac = "\x82\x55\x8a\x38\x9a\x44\x3c\x0e\xa4\xcc\x81\x98\x99\xf2\x08\x3a"
		       "\x85\xf0\xfa\xa3\xe5\x78\xf8\x07\x7a\x2e\x3f\xf4\x67\x29\x66\x5b",
		.mac_len = 32,
	},
	{
		.name = "rfc4231_5",
		.key = "\x0c\x0c\x0c\x0c\x0c\x0c\x0c\x0c\x0c\x0c\x0c\x0c\x0c\x0c\x0c\x0c"
		       "\x0c\x0c\x0c\x0c",
		.key_len = 20,
		.data = "Test With Truncation",
		.data_len = 20,
		.mac = "\xa3\xb6\x16\x74\x73\x10\x0e\xe0\x6e\x0c\x79\x6c\x29\x55\x55\x2b",
		.mac_len = 16,
	},
	{
		.name = "rfc4231_6",
		.key = "\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa"
		       "\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa"
		       "\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa"
		       "\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa"
		       "\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa"
		       "\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa"
		       "\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa"
		       "\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa"
		       "\xaa\xaa\xaa",
		.key_len = 131,
		.data = "Test Using Larger Than Block-Size Key - Hash Key First",
		.data_len = 54,
		.mac = "\x60\xe4\x31\x59\x1e\xe0\xb6\x7f\x0d\x8a\x26\xaa\xcb\xf5\xb7\x7f"
		       "\x8e\x0b\xc6\x21\x37\x28\xc5\x14\x05\x46\x04\x0f\x0e\xe3\x7f\x54",
		.mac_len = 32,
	},
	{
		.name = "rfc4231_7",
		.key = "\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa"
		       "\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa"
		       "\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa"
		       "\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa"
		       "\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa"
		       "\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa"
		       "\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa"
		       "\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa"
		       "\xaa\xaa\xaa",
		.key_len = 131,
		.data = "\x54\x68\x69\x73\x20\x69\x73\x20\x61\x20\x74\x65\x73\x74\x20\x75"
			"\x73\x69\x6e\x67\x20\x61\x20\x6c\x61\x72\x67\x65\x72\x20\x74\x68"
			"\x61\x6e\x20\x62\x6c\x6f\x63\x6b\x2d\x73\x69\x7a\x65\x20\x6b\x65"
			"\x79\x20\x61\x6e\x64\x20\x61\x20\x6c\x61\x72\x67\x65\x72\x20\x74"
			"\x68\x61\x6e\x20\x62\x6c\x6f\x63\x6b\x2d\x73\x69\x7a\x65\x20\x64"
			"\x61\x74\x61\x2e\x20\x54\x68\x65\x20\x6b\x65\x79\x20\x6e\x65\x65"
			"\x64\x73\x20\x74\x6f\x20\x62\x65\x20\x68\x61\x73\x68\x65\x64\x20"
			"\x62\x65\x66\x6f\x72\x65\x20\x62\x65\x69\x6e\x67\x20\x75\x73\x65"
			"\x64\x20\x62\x79\x20\x74\x68\x65\x20\x48\x4d\x41\x43\x20\x61\x6c"
			"\x67\x6f\x72\x69\x74\x68\x6d\x2e",
		.data_len = 152,
		.mac = "\x9b\x09\xff\xa7\x1b\x94\x2f\xcb\x27\x63\x5f\xbc\xd5\xb0\xe9\x44"
		       "\xbf\xdc\x63\x64\x4f\x07\x13\x93\x8a\x7f\x51\x53\x5c\x3a\x35\xe2",
		.mac_len = 32,
	},
};

static void hmac_vector_desc(const struct hmac_vector *v, char *desc)
{
	strscpy(desc, v->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(hmac, hmac_vectors, hmac_vector_desc);

/* RFC 5869 appendix A.1 to A.3 (SHA-256). Case 3 has no salt and no info. */
struct hkdf_vector {
	const char *name;
	const char *ikm;
	size_t ikm_len;
	const char *salt;
	size_t salt_len;
	const char *info;
	size_t info_len;
	const char *prk;
	const char *okm;
	size_t okm_len;
};

static const struct hkdf_vector hkdf_vectors[] = {
	{
		.name = "rfc5869_1",
		.ikm = "\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b"
		       "\x0b\x0b\x0b\x0b\x0b\x0b",
		.ikm_len = 22,
		.salt = "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c",
		.salt_len = 13,
		.info = "\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9",
		.info_len = 10,
		.prk = "\x07\x77\x09\x36\x2c\x2e\x32\xdf\x0d\xdc\x3f\x0d\xc4\x7b\xba\x63"
		       "\x90\xb6\xc7\x3b\xb5\x0f\x9c\x31\x22\xec\x84\x4a\xd7\xc2\xb3\xe5",
		.okm = "\x3c\xb2\x5f\x25\xfa\xac\xd5\x7a\x90\x43\x4f\x64\xd0\x36\x2f\x2a"
		       "\x2d\x2d\x0a\x90\xcf\x1a\x5a\x4c\x5d\xb0\x2d\x56\xec\xc4\xc5\xbf"
		       "\x34\x00\x72\x08\xd5\xb8\x87\x18\x58\x65",
		.okm_len = 42,
	},
	{
		.name = "rfc5869_2",
		.ikm = "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
		       "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f"
		       "\x20\x21\x22\x23\x24\x25\x26\x27\x28\x29\x2a\x2b\x2c\x2d\x2e\x2f"
		       "\x30\x31\x32\x33\x34\x35\x36\x37\x38\x39\x3a\x3b\x3c\x3d\x3e\x3f"
		       "\x40\x41\x42\x43\x44\x45\x46\x47\x48\x49\x4a\x4b\x4c\x4d\x4e\x4f",
		.ikm_len = 80,
		.salt = "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f"
			"\x70\x71\x72\x73\x74\x75\x76\x77\x78\x79\x7a\x7b\x7c\x7d\x7e\x7f"
			"\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f"
			"\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e\x9f"
			"\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf",
		.salt_len = 80,
		.info = "\xb0\xb1\xb2\xb3\xb4\xb5\xb6\xb7\xb8\xb9\xba\xbb\xbc\xbd\xbe\xbf"
			"\xc0\xc1\xc2\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xca\xcb\xcc\xcd\xce\xcf"
			"\xd0\xd1\xd2\xd3\xd4\xd5\xd6\xd7\xd8\xd9\xda\xdb\xdc\xdd\xde\xdf"
			"\xe0\xe1\xe2\xe3\xe4\xe5\xe6\xe7\xe8\xe9\xea\xeb\xec\xed\xee\xef"
			"\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xff",
		.info_len = 80,
		.prk = "\x06\xa6\xb8\x8c\x58\x53\x36\x1a\x06\x10\x4c\x9c\xeb\x35\xb4\x5c"
		       "\xef\x76\x00\x14\x90\x46\x71\x01\x4a\x19\x3f\x40\xc1\x5f\xc2\x44",
		.okm = "\xb1\x1e\x39\x8d\xc8\x03\x27\xa1\xc8\xe7\xf7\x8c\x59\x6a\x49\x34"
		       "\x4f\x01\x2e\xda\x2d\x4e\xfa\xd8\xa0\x50\xcc\x4c\x19\xaf\xa9\x7c"
		       "\x59\x04\x5a\x99\xca\xc7\x82\x72\x71\xcb\x41\xc6\x5e\x59\x0e\x09"
		       "\xda\x32\x75\x60\x0c\x2f\x09\xb8\x36\x77\x93\xa9\xac\xa3\xdb\x71"
		       "\xcc\x30\xc5\x81\x79\xec\x3e\x87\xc1\x4c\x01\xd5\xc1\xf3\x43\x4f"
		       "\x1d\x87",
		.okm_len = 82,
	},
	{
		.name = "rfc5869_3",
		.ikm = "\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b"
		       "\x0b\x0b\x0b\x0b\x0b\x0b",
		.ikm_len = 22,
		/* .salt = NULL, .salt_len = 0 */
		/* .info = NULL, .info_len = 0 */
		.prk = "\x19\xef\x24\xa3\x2c\x71\x7b\x16\x7f\x33\xa9\x1d\x6f\x64\x8b\xdf"
		       "\x96\x59\x67\x76\xaf\xdb\x63\x77\xac\x43\x4c\x1c\x29\x3c\xcb\x04",
		.okm = "\x8d\xa4\xe7\x75\xa5\x63\xc1\x8f\x71\x5f\x80\x2a\x06\x3c\x5a\x31"
		       "\xb8\xa1\x1f\x5c\x5e\xe1\x87\x9e\xc3\x45\x4e\x5f\x3c\x73\x8d\x2d"
		       "\x9d\x20\x13\x95\xfa\xa4\xb6\x1a\x96\xc8",
		.okm_len = 42,
	},
};

static void hkdf_vector_desc(const struct hkdf_vector *v, char *desc)
{
	strscpy(desc, v->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(hkdf, hkdf_vectors, hkdf_vector_desc);

/* The RFC 4231 vectors, in one call. */
static void kdf_hmac_vectors(struct kunit *test)
{
	const struct hmac_vector *v = test->param_value;
	const u8 *key = dup(test, v->key, v->key_len);
	const u8 *data = dup(test, v->data, v->data_len);
	u8 *out = alloc(test, MAC_LEN);

	sivshmem_hmac_sha256(out, key, v->key_len, data, v->data_len);
	KUNIT_EXPECT_EQ(test, memcmp(out, v->mac, v->mac_len), 0);
}

/*
 * The same vectors fed in pieces of every size around the block size, with
 * empty updates in between: the MAC covers the concatenation. A finished
 * context is all zeroes.
 */
static void kdf_hmac_pieces(struct kunit *test)
{
	static const size_t pieces[] = { 1, 3, 31, 32, 63, 64, 65, 200 };
	const struct hmac_vector *v = test->param_value;
	const u8 *key = dup(test, v->key, v->key_len);
	const u8 *data = dup(test, v->data, v->data_len);
	struct sivshmem_hmac_sha256_ctx ctx;
	u8 out[MAC_LEN];
	unsigned int i;
	size_t off, n;

	for (i = 0; i < ARRAY_SIZE(pieces); i++) {
		memset(&ctx, 0xa5, sizeof(ctx));
		sivshmem_hmac_sha256_init(&ctx, key, v->key_len);
		sivshmem_hmac_sha256_update(&ctx, NULL, 0);
		for (off = 0; off < v->data_len; off += n) {
			n = min(pieces[i], v->data_len - off);
			sivshmem_hmac_sha256_update(&ctx, data + off, n);
			sivshmem_hmac_sha256_update(&ctx, data + off + n, 0);
		}
		sivshmem_hmac_sha256_final(&ctx, out);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(out, v->mac, v->mac_len), 0,
				    "pieces of %zu bytes", pieces[i]);
		KUNIT_EXPECT_PTR_EQ(test, memchr_inv(&ctx, 0, sizeof(ctx)),
				    NULL);
	}
}

/*
 * A copy of a keyed context computes MACs under the same key, independently
 * of the original (what sivshmem_hkdf_expand() does for each block).
 */
static void kdf_hmac_ctx_copy(struct kunit *test)
{
	static const u8 key[] = "transcript key";
	static const u8 m1[] = "first message";
	static const u8 m2[] = "second message";
	struct sivshmem_hmac_sha256_ctx keyed, a, b;
	u8 ma[MAC_LEN], mb[MAC_LEN], want[MAC_LEN];

	sivshmem_hmac_sha256_init(&keyed, key, sizeof(key));
	a = keyed;
	b = keyed;
	sivshmem_hmac_sha256_update(&a, m1, sizeof(m1));
	sivshmem_hmac_sha256_update(&b, m2, sizeof(m2));
	sivshmem_hmac_sha256_final(&a, ma);
	sivshmem_hmac_sha256_final(&b, mb);
	memzero_explicit(&keyed, sizeof(keyed));

	sivshmem_hmac_sha256(want, key, sizeof(key), m1, sizeof(m1));
	KUNIT_EXPECT_EQ(test, memcmp(ma, want, MAC_LEN), 0);
	sivshmem_hmac_sha256(want, key, sizeof(key), m2, sizeof(m2));
	KUNIT_EXPECT_EQ(test, memcmp(mb, want, MAC_LEN), 0);
}

/*
 * RFC 2104 key handling around the 64-byte block: a longer key is replaced
 * by its SHA-256, a key of 64 bytes or less is padded with zeroes.
 */
static void kdf_hmac_key_lengths(struct kunit *test)
{
	static const size_t hashed[] = { 65, 128, 131, 1000 };
	static const u8 msg[] = "message";
	u8 *key = alloc(test, 1000);
	u8 digest[SHA256_DIGEST_SIZE];
	u8 a[MAC_LEN], b[MAC_LEN];
	unsigned int i;

	for (i = 0; i < 1000; i++)
		key[i] = i * 7 + 1;

	for (i = 0; i < ARRAY_SIZE(hashed); i++) {
		sivshmem_hmac_sha256(a, key, hashed[i], msg, sizeof(msg));
		sha256(key, hashed[i], digest);
		sivshmem_hmac_sha256(b, digest, sizeof(digest), msg,
				     sizeof(msg));
		KUNIT_EXPECT_EQ_MSG(test, memcmp(a, b, MAC_LEN), 0,
				    "key of %zu bytes", hashed[i]);
	}

	/* 64 bytes: used as is, not hashed. */
	sivshmem_hmac_sha256(a, key, 64, msg, sizeof(msg));
	sha256(key, 64, digest);
	sivshmem_hmac_sha256(b, digest, sizeof(digest), msg, sizeof(msg));
	KUNIT_EXPECT_NE(test, memcmp(a, b, MAC_LEN), 0);

	/* Zero padding: K and K || 00 are the same key, up to 64 bytes. */
	memset(key + 40, 0, 24);
	sivshmem_hmac_sha256(a, key, 40, msg, sizeof(msg));
	sivshmem_hmac_sha256(b, key, 64, msg, sizeof(msg));
	KUNIT_EXPECT_EQ(test, memcmp(a, b, MAC_LEN), 0);
	sivshmem_hmac_sha256(b, NULL, 0, msg, sizeof(msg));
	KUNIT_EXPECT_NE(test, memcmp(a, b, MAC_LEN), 0);
}

/* The MAC may be written over its key or its message. */
static void kdf_hmac_overlap(struct kunit *test)
{
	const struct hmac_vector *v = &hmac_vectors[0];	/* 20-byte key */
	u8 *buf = alloc(test, max_t(size_t, v->key_len, MAC_LEN));

	memcpy(buf, v->key, v->key_len);
	sivshmem_hmac_sha256(buf, buf, v->key_len, (const u8 *)v->data,
			     v->data_len);
	KUNIT_EXPECT_EQ(test, memcmp(buf, v->mac, MAC_LEN), 0);

	v = &hmac_vectors[2];	/* 50 bytes of data */
	buf = alloc(test, v->data_len);
	memcpy(buf, v->data, v->data_len);
	sivshmem_hmac_sha256(buf, (const u8 *)v->key, v->key_len, buf,
			     v->data_len);
	KUNIT_EXPECT_EQ(test, memcmp(buf, v->mac, MAC_LEN), 0);
}

/* The RFC 5869 vectors: Extract gives PRK, Expand gives OKM. */
static void kdf_hkdf_vectors(struct kunit *test)
{
	const struct hkdf_vector *v = test->param_value;
	const u8 *ikm = dup(test, v->ikm, v->ikm_len);
	const u8 *salt = dup(test, v->salt, v->salt_len);
	const u8 *info = dup(test, v->info, v->info_len);
	u8 *prk = alloc(test, MAC_LEN);
	u8 *okm = alloc(test, v->okm_len);

	sivshmem_hkdf_extract(prk, salt, v->salt_len, ikm, v->ikm_len);
	KUNIT_EXPECT_EQ(test, memcmp(prk, v->prk, MAC_LEN), 0);

	KUNIT_ASSERT_EQ(test, sivshmem_hkdf_expand(okm, v->okm_len,
						   (const u8 *)v->prk, info,
						   v->info_len), 0);
	KUNIT_EXPECT_EQ(test, memcmp(okm, v->okm, v->okm_len), 0);
}

/*
 * No salt is 32 zero bytes (RFC 5869 2.2), however the caller says it: a
 * NULL pointer (whatever the length), an empty salt or the zeroes.
 */
static void kdf_hkdf_no_salt(struct kunit *test)
{
	const struct hkdf_vector *v = &hkdf_vectors[2];
	const u8 *ikm = (const u8 *)v->ikm;
	static const u8 zeroes[MAC_LEN];
	u8 prk[MAC_LEN];

	sivshmem_hkdf_extract(prk, NULL, 0, ikm, v->ikm_len);
	KUNIT_EXPECT_EQ(test, memcmp(prk, v->prk, MAC_LEN), 0);
	sivshmem_hkdf_extract(prk, NULL, 5, ikm, v->ikm_len);
	KUNIT_EXPECT_EQ(test, memcmp(prk, v->prk, MAC_LEN), 0);
	sivshmem_hkdf_extract(prk, zeroes, 0, ikm, v->ikm_len);
	KUNIT_EXPECT_EQ(test, memcmp(prk, v->prk, MAC_LEN), 0);
	sivshmem_hkdf_extract(prk, zeroes, sizeof(zeroes), ikm, v->ikm_len);
	KUNIT_EXPECT_EQ(test, memcmp(prk, v->prk, MAC_LEN), 0);
}

/* The output may be written over the PRK it is derived from. */
static void kdf_hkdf_in_place(struct kunit *test)
{
	const struct hkdf_vector *v = &hkdf_vectors[0];
	u8 *buf = alloc(test, v->okm_len);

	memcpy(buf, v->prk, MAC_LEN);
	KUNIT_ASSERT_EQ(test, sivshmem_hkdf_expand(buf, v->okm_len, buf,
						   (const u8 *)v->info,
						   v->info_len), 0);
	KUNIT_EXPECT_EQ(test, memcmp(buf, v->okm, v->okm_len), 0);
}

static const u8 test_prk[MAC_LEN] = {
	0x07, 0x77, 0x09, 0x36, 0x2c, 0x2e, 0x32, 0xdf,
	0x0d, 0xdc, 0x3f, 0x0d, 0xc4, 0x7b, 0xba, 0x63,
	0x90, 0xb6, 0xc7, 0x3b, 0xb5, 0x0f, 0x9c, 0x31,
	0x22, 0xec, 0x84, 0x4a, 0xd7, 0xc2, 0xb3, 0xe5,
};

static const u8 test_info[] = "sivshmem channel keys";

/* Expand into a buffer of exactly @len bytes (NULL for 0). */
static u8 *expand(struct kunit *test, size_t len)
{
	u8 *okm = len ? alloc(test, len) : NULL;

	KUNIT_ASSERT_EQ(test, sivshmem_hkdf_expand(okm, len, test_prk,
						   test_info,
						   sizeof(test_info)), 0);
	return okm;
}

struct okm_len_case {
	const char *name;
	size_t len;
	int ret;
};

static const struct okm_len_case okm_len_cases[] = {
	{ "0", 0, 0 },
	{ "1", 1, 0 },
	{ "31", 31, 0 },
	{ "32", 32, 0 },
	{ "33", 33, 0 },
	{ "255*32-1", OKM_MAX - 1, 0 },
	{ "255*32", OKM_MAX, 0 },
	{ "255*32+1", OKM_MAX + 1, -EINVAL },
	{ "256*32", 256 * MAC_LEN, -EINVAL },
	{ "SIZE_MAX", SIZE_MAX, -EINVAL },
};

static void okm_len_case_desc(const struct okm_len_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(okm_len, okm_len_cases, okm_len_case_desc);

/*
 * RFC 5869 2.3: L <= 255 * HashLen. A longer request fails without writing
 * anything; an accepted one fills exactly L bytes (KASAN checks the end).
 */
static void kdf_hkdf_okm_len(struct kunit *test)
{
	const struct okm_len_case *c = test->param_value;
	const u8 *full = expand(test, OKM_MAX);
	size_t buf_len = min_t(size_t, c->len, OKM_MAX + 1);
	u8 *okm = buf_len ? alloc(test, buf_len) : NULL;

	if (okm)
		memset(okm, 0xa5, buf_len);
	KUNIT_ASSERT_EQ(test, sivshmem_hkdf_expand(okm, c->len, test_prk,
						   test_info,
						   sizeof(test_info)),
			c->ret);
	if (c->ret) {
		KUNIT_EXPECT_PTR_EQ(test, memchr_inv(okm, 0xa5, buf_len),
				    NULL);
	} else if (c->len) {
		KUNIT_EXPECT_EQ(test, memcmp(okm, full, c->len), 0);
	}
}

/*
 * The output for N bytes is the first N bytes of the output for N + k: a
 * caller may derive several keys from one expansion, and the length is not
 * an input of the derivation.
 */
static void kdf_hkdf_prefix(struct kunit *test)
{
	static const size_t ks[] = { 1, 31, 32, 33, 100 };
	size_t n, i, k;
	u8 *a, *b;

	for (n = 0; n <= OKM_MAX; n = n < 3 * MAC_LEN + 1 ? n + 1 :
						       n + 8 * MAC_LEN - 1) {
		a = expand(test, n);
		for (i = 0; i <= ARRAY_SIZE(ks); i++) {
			k = i < ARRAY_SIZE(ks) ? ks[i] : OKM_MAX - n;
			if (!k || n + k > OKM_MAX)
				continue;
			b = expand(test, n + k);
			if (n)
				KUNIT_EXPECT_EQ_MSG(test, memcmp(a, b, n), 0,
						    "N = %zu, k = %zu", n, k);
			kunit_kfree(test, b);
		}
		if (a)
			kunit_kfree(test, a);
	}
}

/*
 * Different info strings give unrelated outputs, block by block, and so do
 * different PRKs: the handshake separates its keys by the info label.
 */
static void kdf_hkdf_info_separates(struct kunit *test)
{
	static const char zeroes[33];
	static const struct {
		const char *s;
		size_t len;
	} infos[] = {
		{ "", 0 },
		{ "a", 1 },
		{ "b", 1 },
		{ "a\0", 2 },
		{ "ab", 2 },
		{ "ba", 2 },
		{ "sivshmem c2s key", 16 },
		{ "sivshmem s2c key", 16 },
		{ zeroes, 32 },
		{ zeroes, 33 },
	};
	u8 (*out)[2 * MAC_LEN];
	u8 prk2[MAC_LEN];
	unsigned int i, j, blk;

	out = kunit_kmalloc_array(test, ARRAY_SIZE(infos) + 1, sizeof(*out),
				  GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, out);

	for (i = 0; i < ARRAY_SIZE(infos); i++)
		KUNIT_ASSERT_EQ(test,
				sivshmem_hkdf_expand(out[i], sizeof(out[i]),
						     test_prk,
						     (const u8 *)infos[i].s,
						     infos[i].len), 0);
	/* Same info as infos[6], another PRK. */
	memcpy(prk2, test_prk, MAC_LEN);
	prk2[MAC_LEN - 1] ^= 1;
	KUNIT_ASSERT_EQ(test, sivshmem_hkdf_expand(out[i], sizeof(out[i]), prk2,
						   (const u8 *)infos[6].s,
						   infos[6].len), 0);

	for (i = 0; i <= ARRAY_SIZE(infos); i++)
		for (j = i + 1; j <= ARRAY_SIZE(infos); j++)
			for (blk = 0; blk < 2; blk++)
				KUNIT_EXPECT_NE_MSG(test,
						    memcmp(out[i] + blk * MAC_LEN,
							   out[j] + blk * MAC_LEN,
							   MAC_LEN), 0,
						    "outputs %u and %u, block %u",
						    i, j, blk);
}

static struct kunit_case kdf_cases[] = {
	KUNIT_CASE_PARAM(kdf_hmac_vectors, hmac_gen_params),
	KUNIT_CASE_PARAM(kdf_hmac_pieces, hmac_gen_params),
	KUNIT_CASE(kdf_hmac_ctx_copy),
	KUNIT_CASE(kdf_hmac_key_lengths),
	KUNIT_CASE(kdf_hmac_overlap),
	KUNIT_CASE_PARAM(kdf_hkdf_vectors, hkdf_gen_params),
	KUNIT_CASE(kdf_hkdf_no_salt),
	KUNIT_CASE(kdf_hkdf_in_place),
	KUNIT_CASE_PARAM(kdf_hkdf_okm_len, okm_len_gen_params),
	KUNIT_CASE(kdf_hkdf_prefix),
	KUNIT_CASE(kdf_hkdf_info_separates),
	{}
};

static struct kunit_suite kdf_suite = {
	.name = "sivshmem_kdf",
	.test_cases = kdf_cases,
};

kunit_test_suite(kdf_suite);

/* MODULE_LICENSE and the namespace import are in wire_kunit.c. */
