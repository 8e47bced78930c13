// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * The compute cost of the channel handshake, measured in the kernel: the
 * driver's own state machine (handshake.c) with real identity operations
 * (RSA-2048 PKCS#1 v1.5 signatures made with a PKCS#8 key through the
 * asymmetric key type, X.509 certificates verified against the CA with
 * public_key_verify_signature()), and each primitive on its own. It logs
 * timings ("bench: NAME median NS p99 NS runs N") and asserts only that
 * every operation succeeds: it is a benchmark, not a timed test.
 *
 * scripts/kunit-bench.sh copies this directory into the UML tree as
 * drivers/sivshmem_bench, next to drivers/sivshmem; it is not part of
 * "make kunit".
 */

#include <crypto/akcipher.h>
#include <crypto/curve25519.h>
#include <crypto/public_key.h>
#include <crypto/sha2.h>
#include <keys/asymmetric-parser.h>
#include <keys/asymmetric-type.h>
#include <kunit/test.h>
#include <linux/cred.h>
#include <linux/key.h>
#include <linux/ktime.h>
#include <linux/random.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "../sivshmem/cert.h"
#include "../sivshmem/handshake.h"
#include "../sivshmem/kdf.h"
#include "../sivshmem/rsa.h"
#include "bench_fixtures.h"

#define RUNS		25
#define GEN		0x1122334455667788ULL
#define INI_ID		3
#define RES_ID		5
#define CHAN_ID		0xc0ffee0012345678ULL
#define SIZE		(16 * SIVSHMEM_PAGE_SIZE)
#define AREA_OFF	SZ_1M
#define AREA_SIZE	SZ_4M

struct ident {
	struct key *keyring;
	struct key *priv[2];		/* vm1, vm2 */
	struct key_preparsed_payload ca;
	struct key_preparsed_payload cert[2];
};

static struct ident id;

static const struct public_key *pub_of(const struct key_preparsed_payload *p)
{
	return p->payload.data[asym_crypto];
}

static int load_cert(const u8 *der, size_t len,
		     const struct key_preparsed_payload *issuer,
		     struct key_preparsed_payload *prep)
{
	int err;

	memset(prep, 0, sizeof(*prep));
	prep->data = der;
	prep->datalen = len;
	prep->quotalen = len;
	err = key_type_asymmetric.preparse(prep);
	if (err)
		return err;
	err = public_key_verify_signature(issuer ? pub_of(issuer) : pub_of(prep),
					  prep->payload.data[asym_auth]);
	if (err)
		key_type_asymmetric.free_preparse(prep);
	return err;
}

/* ---- the identity operations the handshake calls, for real ------------ */

static int b_sign(void *priv, const u8 *cert, u16 cert_len, const u8 *tbs,
		  size_t tbs_len, u8 *sig, u16 *sig_len)
{
	u8 digest[SHA256_DIGEST_SIZE];

	sha256(tbs, tbs_len, digest);
	return sivshmem_rsa_sign(priv, digest, sig, sig_len);
}

/*
 * What the driver does with a peer's certificate: the kernel's X.509
 * parser, the CA's signature over it, our own walker for the name.
 */
static int b_verify_peer(void *priv, const struct sivshmem_blob *cert,
			 const char *name, const u8 *tbs, size_t tbs_len,
			 const struct sivshmem_blob *sig)
{
	struct key_preparsed_payload prep;
	struct sivshmem_cert_info *ci;
	u8 digest[SHA256_DIGEST_SIZE];
	int err;

	ci = kzalloc(sizeof(*ci), GFP_KERNEL);
	if (!ci)
		return -ENOMEM;
	err = sivshmem_cert_parse(cert->data, cert->len, ci);
	if (!err && strcmp(ci->cn, name))
		err = -EKEYREJECTED;
	kfree(ci);
	if (err)
		return err;
	err = load_cert(cert->data, cert->len, &id.ca, &prep);
	if (err)
		return err;
	sha256(tbs, tbs_len, digest);
	err = sivshmem_rsa_verify(pub_of(&prep), digest, sig->data, sig->len);
	key_type_asymmetric.free_preparse(&prep);
	return err;
}

/* The grant's signer stands in for the host: vm1's key, verified as such. */
static int b_verify_host(void *priv, const u8 *tbs, size_t tbs_len,
			 const struct sivshmem_blob *sig)
{
	u8 digest[SHA256_DIGEST_SIZE];

	sha256(tbs, tbs_len, digest);
	return sivshmem_rsa_verify(pub_of(&id.cert[0]), digest, sig->data, sig->len);
}

static const struct sivshmem_hs_ops b_ops = {
	.sign = b_sign,
	.verify_peer = b_verify_peer,
	.verify_host = b_verify_host,
};

/* ---- timing ---------------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static void report(struct kunit *test, const char *what, u64 *ns, int n)
{
	sort(ns, n, sizeof(*ns), cmp_u64, NULL);
	kunit_info(test, "bench: %s median %llu p99 %llu runs %d\n", what,
		   ns[(n - 1) / 2], ns[n - 1 - n / 100], n);
}

static int bench_init(struct kunit *test)
{
	static const u8 *const p8[2] = { bench_vm1_p8, bench_vm2_p8 };
	static const size_t p8_len[2] = { sizeof(bench_vm1_p8),
					   sizeof(bench_vm2_p8) };
	static const u8 *const der[2] = { bench_vm1_der, bench_vm2_der };
	static const size_t der_len[2] = { sizeof(bench_vm1_der),
					    sizeof(bench_vm2_der) };
	/* A PKCS#8 key has no name of its own to describe it by. */
	static const char *const desc[2] = { "bench:vm1", "bench:vm2" };
	key_ref_t ref;
	int i;

	if (id.priv[1])
		return 0;
	KUNIT_ASSERT_EQ(test, load_cert(bench_ca_der, sizeof(bench_ca_der),
					NULL, &id.ca), 0);
	/* Once per boot: an earlier case may have failed half-way. */
	if (id.keyring)
		return -EINVAL;
	id.keyring = keyring_alloc(".sivshmem_bench", GLOBAL_ROOT_UID,
				   GLOBAL_ROOT_GID, current_cred(),
				   KEY_POS_ALL | KEY_USR_VIEW,
				   KEY_ALLOC_NOT_IN_QUOTA, NULL, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(id.keyring));
	for (i = 0; i < 2; i++) {
		KUNIT_ASSERT_EQ(test, load_cert(der[i], der_len[i], &id.ca,
						&id.cert[i]), 0);
		ref = key_create_or_update(make_key_ref(id.keyring, true),
					   "asymmetric", desc[i], p8[i], p8_len[i],
					   KEY_POS_ALL | KEY_USR_VIEW,
					   KEY_ALLOC_NOT_IN_QUOTA);
		KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(ref),
				       "PKCS#8 key not accepted: %ld",
				       PTR_ERR(ref));
		id.priv[i] = key_ref_to_ptr(ref);
	}
	return 0;
}

static void bench_rsa(struct kunit *test)
{
	u64 *ns = kunit_kcalloc(test, RUNS, sizeof(*ns), GFP_KERNEL);
	u8 digest[SHA256_DIGEST_SIZE], sig[SIVSHMEM_SIG_MAX];
	struct key_preparsed_payload prep;
	u16 sig_len;
	ktime_t t;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, ns);
	get_random_bytes(digest, sizeof(digest));
	for (i = 0; i < RUNS; i++) {
		t = ktime_get();
		KUNIT_ASSERT_EQ(test, sivshmem_rsa_sign(id.priv[0], digest, sig,
						  &sig_len), 0);
		ns[i] = ktime_to_ns(ktime_sub(ktime_get(), t));
	}
	report(test, "RSA-2048 sign (PKCS#8 key, asymmetric key type)", ns, RUNS);
	for (i = 0; i < RUNS; i++) {
		t = ktime_get();
		KUNIT_ASSERT_EQ(test, sivshmem_rsa_verify(pub_of(&id.cert[0]), digest,
						    sig, sig_len), 0);
		ns[i] = ktime_to_ns(ktime_sub(ktime_get(), t));
	}
	report(test, "RSA-2048 verify", ns, RUNS);
	for (i = 0; i < RUNS; i++) {
		t = ktime_get();
		KUNIT_ASSERT_EQ(test, load_cert(bench_vm2_der,
						sizeof(bench_vm2_der), &id.ca,
						&prep), 0);
		ns[i] = ktime_to_ns(ktime_sub(ktime_get(), t));
		key_type_asymmetric.free_preparse(&prep);
	}
	report(test, "X.509 parse + CA (RSA-3072) signature check", ns, RUNS);
}

static void bench_x25519_hkdf(struct kunit *test)
{
	u64 *ns = kunit_kcalloc(test, RUNS, sizeof(*ns), GFP_KERNEL);
	u8 a[CURVE25519_KEY_SIZE], b[CURVE25519_KEY_SIZE];
	u8 pa[CURVE25519_KEY_SIZE], pb[CURVE25519_KEY_SIZE];
	u8 s[CURVE25519_KEY_SIZE], prk[SIVSHMEM_HMAC_SHA256_LEN], okm[128];
	ktime_t t;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, ns);
	curve25519_generate_secret(b);
	KUNIT_ASSERT_TRUE(test, curve25519_generate_public(pb, b));
	for (i = 0; i < RUNS; i++) {
		t = ktime_get();
		curve25519_generate_secret(a);
		KUNIT_ASSERT_TRUE(test, curve25519_generate_public(pa, a));
		ns[i] = ktime_to_ns(ktime_sub(ktime_get(), t));
	}
	report(test, "X25519 key pair", ns, RUNS);
	for (i = 0; i < RUNS; i++) {
		t = ktime_get();
		KUNIT_ASSERT_TRUE(test, curve25519(s, a, pb));
		ns[i] = ktime_to_ns(ktime_sub(ktime_get(), t));
	}
	report(test, "X25519 shared secret", ns, RUNS);
	for (i = 0; i < RUNS; i++) {
		t = ktime_get();
		sivshmem_hkdf_extract(prk, pa, sizeof(pa), s, sizeof(s));
		KUNIT_ASSERT_EQ(test, sivshmem_hkdf_expand(okm, sizeof(okm), prk,
							   "sivshmem bench", 14), 0);
		ns[i] = ktime_to_ns(ktime_sub(ktime_get(), t));
	}
	report(test, "HKDF-SHA256 extract + expand (128 bytes)", ns, RUNS);
}

static void params(struct sivshmem_hs_params *p, u16 self, int who)
{
	memset(p, 0, sizeof(*p));
	p->generation = GEN;
	p->self_id = self;
	p->self_name = who ? "vm2" : "vm1";
	p->cert = who ? bench_vm2_der : bench_vm1_der;
	p->cert_len = who ? sizeof(bench_vm2_der) : sizeof(bench_vm1_der);
	p->peer_name = "vm2";
	p->service = "bench";
	p->size = SIZE;
	p->mode = SIVSHMEM_MODE_PLAIN;
	p->conn_id = 0x0123456789abcdefULL;
}

struct hs_run {
	struct sivshmem_hs ini, res;
	struct sivshmem_msg connect, accept, confirm, grant;
	u8 tbs[SIVSHMEM_TBS_MAX];
	u8 sig[SIVSHMEM_SIG_MAX];
};

/* One full handshake; adds each side's compute time to @ns_ini, @ns_res. */
static void one_handshake(struct kunit *test, struct hs_run *r, u64 *ns_ini,
			  u64 *ns_res)
{
	struct sivshmem_hs_params p;
	struct sivshmem_msg *g = &r->grant;
	u16 sig_len;
	size_t len;
	ktime_t t;

	memset(r, 0, sizeof(*r));
	params(&p, INI_ID, 0);
	t = ktime_get();
	KUNIT_ASSERT_EQ(test, sivshmem_hs_connect(&r->ini, &b_ops, id.priv[0],
						  &p, &r->connect), 0);
	*ns_ini = ktime_to_ns(ktime_sub(ktime_get(), t));
	/* The host forwards it. */
	r->connect.src = INI_ID;
	r->connect.dst = RES_ID;
	r->connect.connect.chan_id = CHAN_ID;
	r->connect.connect.initiator_id = INI_ID;
	r->connect.connect.responder_id = RES_ID;

	params(&p, RES_ID, 1);
	t = ktime_get();
	KUNIT_ASSERT_EQ(test, sivshmem_hs_respond(&r->res, &b_ops, id.priv[1],
						  &p, &r->connect,
						  &r->accept), 0);
	*ns_res = ktime_to_ns(ktime_sub(ktime_get(), t));
	r->accept.src = RES_ID;

	t = ktime_get();
	KUNIT_ASSERT_EQ(test, sivshmem_hs_accepted(&r->ini, &r->accept,
						   &r->confirm), 0);
	*ns_ini += ktime_to_ns(ktime_sub(ktime_get(), t));
	r->confirm.src = INI_ID;

	t = ktime_get();
	KUNIT_ASSERT_EQ(test, sivshmem_hs_confirmed(&r->res, &r->confirm), 0);
	*ns_res += ktime_to_ns(ktime_sub(ktime_get(), t));

	/* The host's grant, signed outside the timings. */
	g->type = SIVSHMEM_MSG_GRANT;
	g->src = SIVSHMEM_HOST_PEER_ID;
	g->grant.chan_id = CHAN_ID;
	g->grant.conn_id = p.conn_id;
	g->grant.mode = SIVSHMEM_MODE_PLAIN;
	g->grant.initiator_id = INI_ID;
	g->grant.responder_id = RES_ID;
	memcpy(g->grant.initiator_nonce, r->ini.tbs.nonce_i,
	       SIVSHMEM_NONCE_SIZE);
	g->grant.offset = AREA_OFF;
	g->grant.size = SIZE;
	memcpy(g->grant.transcript, r->ini.transcript, SIVSHMEM_HASH_SIZE);
	len = sivshmem_wire_tbs_grant(r->tbs, sizeof(r->tbs), GEN, g);
	KUNIT_ASSERT_EQ(test, b_sign(id.priv[0], NULL, 0, r->tbs, len, r->sig,
				     &sig_len), 0);
	g->grant.sig.data = r->sig;
	g->grant.sig.len = sig_len;

	g->dst = INI_ID;
	t = ktime_get();
	KUNIT_ASSERT_EQ(test, sivshmem_hs_granted(&r->ini, g, AREA_OFF,
						  AREA_SIZE), 0);
	*ns_ini += ktime_to_ns(ktime_sub(ktime_get(), t));
	g->dst = RES_ID;
	t = ktime_get();
	KUNIT_ASSERT_EQ(test, sivshmem_hs_granted(&r->res, g, AREA_OFF,
						  AREA_SIZE), 0);
	*ns_res += ktime_to_ns(ktime_sub(ktime_get(), t));
	KUNIT_ASSERT_EQ(test, r->ini.state, SIVSHMEM_HS_DONE);
	KUNIT_ASSERT_EQ(test, r->res.state, SIVSHMEM_HS_DONE);
	sivshmem_hs_wipe(&r->ini);
	sivshmem_hs_wipe(&r->res);
}

static void bench_handshake(struct kunit *test)
{
	u64 *ini = kunit_kcalloc(test, RUNS, sizeof(u64), GFP_KERNEL);
	u64 *res = kunit_kcalloc(test, RUNS, sizeof(u64), GFP_KERNEL);
	u64 *both = kunit_kcalloc(test, RUNS, sizeof(u64), GFP_KERNEL);
	struct hs_run *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, ini);
	KUNIT_ASSERT_NOT_NULL(test, res);
	KUNIT_ASSERT_NOT_NULL(test, both);
	KUNIT_ASSERT_NOT_NULL(test, r);
	for (i = 0; i < RUNS; i++) {
		one_handshake(test, r, &ini[i], &res[i]);
		both[i] = ini[i] + res[i];
	}
	report(test, "handshake initiator (connect, accepted, granted)", ini, RUNS);
	report(test, "handshake responder (respond, confirmed, granted)", res, RUNS);
	report(test, "handshake both sides", both, RUNS);
}

static struct kunit_case bench_cases[] = {
	KUNIT_CASE(bench_rsa),
	KUNIT_CASE(bench_x25519_hkdf),
	KUNIT_CASE(bench_handshake),
	{}
};

static struct kunit_suite bench_suite = {
	.name = "sivshmem_bench_handshake",
	.init = bench_init,
	.test_cases = bench_cases,
};
kunit_test_suite(bench_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("sivshmem handshake compute benchmark (KUnit)");
MODULE_LICENSE("GPL");
