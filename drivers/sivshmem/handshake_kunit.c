// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * KUnit tests of the channel handshake state machine (handshake.c), both
 * roles, through every path: the happy one, then each message replayed,
 * misaddressed, re-signed or bound to other fields, and the host's grant
 * forged, refused or inconsistent.
 *
 * X25519, HKDF and the transcripts are the real ones. Certificates and RSA
 * are not what is under test here (cert_kunit.c and the VM tests cover
 * them), so the identity operations are a small stand-in: a "certificate"
 * is the text "ca=<ca>;cn=<name>" and a "signature" is an HMAC keyed by the
 * hash of the certificate, which a test can forge only by knowing that key.
 * Every check the state machine makes against them is still a real check.
 */

#include <crypto/sha2.h>
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "handshake.h"
#include "kdf.h"

#define GEN		0x1122334455667788ULL
#define INI_ID		3
#define RES_ID		5
#define CHAN_ID		0xc0ffee0012345678ULL
#define CONN_ID		0x0123456789abcdefULL
#define SIZE		(16 * SIVSHMEM_PAGE_SIZE)
#define AREA_OFF	SZ_1M
#define AREA_SIZE	SZ_4M
#define SIG_LEN		256

static const char host_key[] = "the host's signing key";

/* The stand-in signature: HMAC(key, tbs), repeated to 256 bytes. */
static void fake_sign(const u8 *key, size_t key_len, const u8 *tbs,
		      size_t tbs_len, u8 *sig)
{
	unsigned int i;

	sivshmem_hmac_sha256(sig, key, key_len, tbs, tbs_len);
	for (i = 1; i < SIG_LEN / SIVSHMEM_MAC_SIZE; i++)
		memcpy(sig + i * SIVSHMEM_MAC_SIZE, sig, SIVSHMEM_MAC_SIZE);
}

static int fake_check(const u8 *key, size_t key_len, const u8 *tbs,
		      size_t tbs_len, const struct sivshmem_blob *sig)
{
	u8 expect[SIG_LEN];

	if (sig->len != SIG_LEN)
		return -EKEYREJECTED;
	fake_sign(key, key_len, tbs, tbs_len, expect);
	return memcmp(expect, sig->data, SIG_LEN) ? -EKEYREJECTED : 0;
}

static int t_sign(void *priv, const u8 *cert, u16 cert_len, const u8 *tbs,
		  size_t tbs_len, u8 *sig, u16 *sig_len)
{
	u8 key[SHA256_DIGEST_SIZE];

	sha256(cert, cert_len, key);
	fake_sign(key, sizeof(key), tbs, tbs_len, sig);
	*sig_len = SIG_LEN;
	return 0;
}

static int t_verify_peer(void *priv, const struct sivshmem_blob *cert,
			 const char *name, const u8 *tbs, size_t tbs_len,
			 const struct sivshmem_blob *sig)
{
	char text[96], want[64];
	u8 key[SHA256_DIGEST_SIZE];

	if (cert->len >= sizeof(text))
		return -EBADMSG;
	memcpy(text, cert->data, cert->len);
	text[cert->len] = '\0';
	if (strncmp(text, "ca=good;", 8))
		return -ENOKEY;
	snprintf(want, sizeof(want), "ca=good;cn=%s", name);
	if (strcmp(text, want))
		return -EKEYREJECTED;
	sha256(cert->data, cert->len, key);
	return fake_check(key, sizeof(key), tbs, tbs_len, sig);
}

static int t_verify_host(void *priv, const u8 *tbs, size_t tbs_len,
			 const struct sivshmem_blob *sig)
{
	return fake_check(host_key, sizeof(host_key), tbs, tbs_len, sig);
}

static const struct sivshmem_hs_ops t_ops = {
	.sign = t_sign,
	.verify_peer = t_verify_peer,
	.verify_host = t_verify_host,
};

/* Two ends and the messages between them, as the host relays them. */
struct pair {
	struct sivshmem_hs *ini;
	struct sivshmem_hs *res;
	struct sivshmem_msg connect;
	struct sivshmem_msg fwd;
	struct sivshmem_msg accept;
	struct sivshmem_msg confirm;
	struct sivshmem_msg grant;
	u8 grant_sig[SIG_LEN];
	u8 tbs[SIVSHMEM_TBS_MAX];
	char ini_cert[64];
	char res_cert[64];
};

static void params(struct sivshmem_hs_params *p, u16 id, const char *name,
		   const char *cert)
{
	memset(p, 0, sizeof(*p));
	p->generation = GEN;
	p->self_id = id;
	p->self_name = name;
	p->cert = cert;
	p->cert_len = strlen(cert);
	p->peer_name = "vm2";
	p->service = "echo";
	p->size = SIZE;
	p->mode = SIVSHMEM_MODE_PLAIN;
	p->conn_id = CONN_ID;
}

static struct pair *new_pair(struct kunit *test)
{
	struct pair *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->ini = kunit_kzalloc(test, sizeof(*t->ini), GFP_KERNEL);
	t->res = kunit_kzalloc(test, sizeof(*t->res), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t->ini);
	KUNIT_ASSERT_NOT_NULL(test, t->res);
	strscpy(t->ini_cert, "ca=good;cn=vm1", sizeof(t->ini_cert));
	strscpy(t->res_cert, "ca=good;cn=vm2", sizeof(t->res_cert));
	return t;
}

/* What the host does with a CONNECT it lets through. */
static void host_forward(struct pair *t)
{
	t->fwd = t->connect;
	t->fwd.src = INI_ID;
	t->fwd.dst = RES_ID;
	t->fwd.connect.chan_id = CHAN_ID;
	t->fwd.connect.initiator_id = INI_ID;
	t->fwd.connect.responder_id = RES_ID;
}

static void do_connect(struct kunit *test, struct pair *t)
{
	struct sivshmem_hs_params p;

	params(&p, INI_ID, "vm1", t->ini_cert);
	KUNIT_ASSERT_EQ(test, sivshmem_hs_connect(t->ini, &t_ops, NULL, &p,
						  &t->connect), 0);
	host_forward(t);
}

static int do_respond(struct pair *t)
{
	struct sivshmem_hs_params p;
	int err;

	params(&p, RES_ID, "vm2", t->res_cert);
	err = sivshmem_hs_respond(t->res, &t_ops, NULL, &p, &t->fwd,
				  &t->accept);
	t->accept.src = RES_ID;
	return err;
}

/* Through CONNECT, ACCEPT and CONFIRM: both ends await the grant. */
static struct pair *authenticated_pair(struct kunit *test)
{
	struct pair *t = new_pair(test);

	do_connect(test, t);
	KUNIT_ASSERT_EQ(test, do_respond(t), 0);
	KUNIT_ASSERT_EQ(test, sivshmem_hs_accepted(t->ini, &t->accept,
						   &t->confirm), 0);
	t->confirm.src = INI_ID;
	KUNIT_ASSERT_EQ(test, sivshmem_hs_confirmed(t->res, &t->confirm), 0);
	return t;
}

static void resign_grant(struct pair *t, const char *key)
{
	size_t len;

	len = sivshmem_wire_tbs_grant(t->tbs, sizeof(t->tbs), GEN, &t->grant);
	fake_sign(key, strlen(key) + 1, t->tbs, len, t->grant_sig);
	t->grant.grant.sig.data = t->grant_sig;
	t->grant.grant.sig.len = SIG_LEN;
}

/* The host's GRANT for the handshake of @t->ini, signed with @key. */
static void make_grant(struct pair *t, u32 status, u64 offset,
		       const char *key)
{
	struct sivshmem_msg *g = &t->grant;

	memset(g, 0, sizeof(*g));
	g->type = SIVSHMEM_MSG_GRANT;
	g->src = SIVSHMEM_HOST_PEER_ID;
	g->grant.chan_id = status ? 0 : CHAN_ID;
	g->grant.conn_id = CONN_ID;
	g->grant.status = status;
	g->grant.mode = SIVSHMEM_MODE_PLAIN;
	g->grant.initiator_id = INI_ID;
	g->grant.responder_id = status ? 0 : RES_ID;
	memcpy(g->grant.initiator_nonce, t->ini->tbs.nonce_i,
	       SIVSHMEM_NONCE_SIZE);
	if (!status) {
		g->grant.offset = offset;
		g->grant.size = SIZE;
		memcpy(g->grant.transcript, t->ini->transcript,
		       SIVSHMEM_HASH_SIZE);
	}
	resign_grant(t, key);
}

static bool all_zero(const void *p, size_t n)
{
	return !memchr_inv(p, 0, n);
}

static void hs_happy_path(struct kunit *test)
{
	struct pair *t = authenticated_pair(test);

	KUNIT_EXPECT_EQ(test, t->ini->state, SIVSHMEM_HS_AWAIT_GRANT);
	KUNIT_EXPECT_EQ(test, t->res->state, SIVSHMEM_HS_AWAIT_GRANT);
	/* Both ends hash the same transcript and derive the same keys. */
	KUNIT_EXPECT_EQ(test, memcmp(t->ini->transcript, t->res->transcript,
				     SIVSHMEM_HASH_SIZE), 0);
	KUNIT_EXPECT_EQ(test, memcmp(t->ini->keys, t->res->keys,
				     sizeof(t->ini->keys)), 0);
	KUNIT_EXPECT_NE(test, memcmp(t->ini->keys[SIVSHMEM_HS_KEY_I2R],
				     t->ini->keys[SIVSHMEM_HS_KEY_R2I],
				     SIVSHMEM_KEY_SIZE), 0);
	/* The ephemeral secrets are gone as soon as the keys exist. */
	KUNIT_EXPECT_TRUE(test, all_zero(t->ini->secret, SIVSHMEM_KEY_SIZE));
	KUNIT_EXPECT_TRUE(test, all_zero(t->res->secret, SIVSHMEM_KEY_SIZE));
	KUNIT_EXPECT_EQ(test, t->ini->tbs.responder_id, RES_ID);
	KUNIT_EXPECT_EQ(test, t->ini->tbs.chan_id, CHAN_ID);
	KUNIT_EXPECT_EQ(test, (int)t->confirm.dst, RES_ID);
	KUNIT_EXPECT_EQ(test, (int)t->accept.dst, INI_ID);

	make_grant(t, SIVSHMEM_STATUS_OK, AREA_OFF + 8 * SIVSHMEM_PAGE_SIZE,
		   host_key);
	KUNIT_EXPECT_EQ(test, sivshmem_hs_granted(t->ini, &t->grant, AREA_OFF,
						  AREA_SIZE), 0);
	t->grant.dst = RES_ID;
	KUNIT_EXPECT_EQ(test, sivshmem_hs_granted(t->res, &t->grant, AREA_OFF,
						  AREA_SIZE), 0);
	KUNIT_EXPECT_EQ(test, t->ini->state, SIVSHMEM_HS_DONE);
	KUNIT_EXPECT_EQ(test, t->res->state, SIVSHMEM_HS_DONE);
	KUNIT_EXPECT_EQ(test, t->ini->offset, AREA_OFF + 8 * SIVSHMEM_PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, t->res->size, (u64)SIZE);
	KUNIT_EXPECT_TRUE(test, all_zero(t->ini->confirm,
					 sizeof(t->ini->confirm)));
	/* A grant seen twice changes nothing. */
	KUNIT_EXPECT_EQ(test, sivshmem_hs_granted(t->ini, &t->grant, AREA_OFF,
						  AREA_SIZE), -EBADMSG);

	sivshmem_hs_wipe(t->ini);
	KUNIT_EXPECT_TRUE(test, all_zero(t->ini->keys, sizeof(t->ini->keys)));
}

static void hs_connect_params(struct kunit *test)
{
	struct pair *t = new_pair(test);
	struct sivshmem_hs_params p;

	params(&p, INI_ID, "vm1", t->ini_cert);
	p.conn_id = 0;
	KUNIT_EXPECT_EQ(test, sivshmem_hs_connect(t->ini, &t_ops, NULL, &p,
						  &t->connect), -EINVAL);
	params(&p, INI_ID, "vm1", t->ini_cert);
	p.size = SIZE + 1;
	KUNIT_EXPECT_EQ(test, sivshmem_hs_connect(t->ini, &t_ops, NULL, &p,
						  &t->connect), -EINVAL);
	params(&p, INI_ID, "vm1", t->ini_cert);
	p.mode = 1;
	KUNIT_EXPECT_EQ(test, sivshmem_hs_connect(t->ini, &t_ops, NULL, &p,
						  &t->connect), -EINVAL);
	params(&p, INI_ID, "vm1", t->ini_cert);
	KUNIT_EXPECT_EQ(test, sivshmem_hs_connect(t->ini, &t_ops, NULL, &p,
						  &t->connect), 0);
	KUNIT_EXPECT_EQ(test, t->connect.type, (u16)SIVSHMEM_MSG_CONNECT);
	KUNIT_EXPECT_EQ(test, (int)t->connect.dst, SIVSHMEM_HOST_PEER_ID);
	KUNIT_EXPECT_EQ(test, t->connect.connect.chan_id, 0ULL);
	KUNIT_EXPECT_STREQ(test, t->connect.connect.responder, "vm2");
	KUNIT_EXPECT_STREQ(test, t->connect.connect.service, "echo");
	KUNIT_EXPECT_FALSE(test, all_zero(t->connect.connect.pub,
					  SIVSHMEM_KEY_SIZE));
	KUNIT_EXPECT_FALSE(test, all_zero(t->ini->secret, SIVSHMEM_KEY_SIZE));
}

/* A CONNECT the host did not address to us, field by field. */
static void hs_respond_misaddressed(struct kunit *test)
{
	struct pair *t = new_pair(test);

	do_connect(test, t);
	t->fwd.connect.chan_id = 0;
	KUNIT_EXPECT_EQ(test, do_respond(t), -EBADMSG);

	host_forward(t);
	t->fwd.connect.responder_id = RES_ID + 1;
	KUNIT_EXPECT_EQ(test, do_respond(t), -EBADMSG);

	host_forward(t);
	t->fwd.connect.initiator_id = INI_ID + 1;
	KUNIT_EXPECT_EQ(test, do_respond(t), -EBADMSG);

	host_forward(t);
	t->fwd.src = SIVSHMEM_HOST_PEER_ID;
	t->fwd.connect.initiator_id = SIVSHMEM_HOST_PEER_ID;
	KUNIT_EXPECT_EQ(test, do_respond(t), -EBADMSG);

	host_forward(t);
	t->fwd.src = RES_ID;
	t->fwd.connect.initiator_id = RES_ID;
	KUNIT_EXPECT_EQ(test, do_respond(t), -EBADMSG);

	host_forward(t);
	strscpy(t->fwd.connect.responder, "vm3",
		sizeof(t->fwd.connect.responder));
	KUNIT_EXPECT_EQ(test, do_respond(t), -EBADMSG);

	host_forward(t);
	t->fwd.type = SIVSHMEM_MSG_CONFIRM;
	KUNIT_EXPECT_EQ(test, do_respond(t), -EBADMSG);

	host_forward(t);
	KUNIT_EXPECT_EQ(test, do_respond(t), 0);
	KUNIT_EXPECT_EQ(test, t->res->state, SIVSHMEM_HS_AWAIT_CONFIRM);
}

/* A low-order point as the initiator's key: no shared secret, no answer. */
static void hs_respond_low_order_key(struct kunit *test)
{
	struct pair *t = new_pair(test);

	do_connect(test, t);
	memset(t->fwd.connect.pub, 0, SIVSHMEM_KEY_SIZE);
	KUNIT_EXPECT_EQ(test, do_respond(t), -EKEYREJECTED);
	KUNIT_EXPECT_TRUE(test, all_zero(t->res->secret, SIVSHMEM_KEY_SIZE));
}

static void hs_refuse(struct kunit *test)
{
	struct pair *t = new_pair(test);
	struct sivshmem_msg out;

	do_connect(test, t);
	sivshmem_hs_refuse(&t->fwd, SIVSHMEM_STATUS_NO_LISTENER, &out);
	KUNIT_EXPECT_EQ(test, out.type, (u16)SIVSHMEM_MSG_ACCEPT);
	KUNIT_EXPECT_EQ(test, (int)out.dst, INI_ID);
	KUNIT_EXPECT_EQ(test, out.accept.chan_id, CHAN_ID);
	KUNIT_EXPECT_EQ(test, out.accept.conn_id, CONN_ID);
	KUNIT_EXPECT_EQ(test, out.accept.status,
			(u32)SIVSHMEM_STATUS_NO_LISTENER);
	KUNIT_EXPECT_EQ(test, (int)out.accept.cert.len, 0);
	/* Unsigned: an initiator never acts on it. */
	out.src = RES_ID;
	KUNIT_EXPECT_EQ(test, sivshmem_hs_accepted(t->ini, &out, &t->confirm),
			-EBADMSG);
	KUNIT_EXPECT_EQ(test, t->ini->state, SIVSHMEM_HS_AWAIT_ACCEPT);
}

/*
 * An ACCEPT refused by the initiator leaves it exactly as before: the
 * genuine ACCEPT still completes the handshake afterwards.
 */
static void expect_accept_refused(struct kunit *test, struct pair *t,
				  struct sivshmem_msg *bad, int err)
{
	struct sivshmem_msg out;

	KUNIT_EXPECT_EQ(test, sivshmem_hs_accepted(t->ini, bad, &out), err);
	KUNIT_EXPECT_EQ(test, t->ini->state, SIVSHMEM_HS_AWAIT_ACCEPT);
	KUNIT_EXPECT_FALSE(test, all_zero(t->ini->secret, SIVSHMEM_KEY_SIZE));
	KUNIT_EXPECT_EQ(test, t->ini->tbs.chan_id, 0ULL);
}

static void expect_genuine_accept_works(struct kunit *test, struct pair *t)
{
	KUNIT_EXPECT_EQ(test, sivshmem_hs_accepted(t->ini, &t->accept,
						   &t->confirm), 0);
	KUNIT_EXPECT_EQ(test, t->ini->state, SIVSHMEM_HS_AWAIT_GRANT);
}

static void hs_accept_bad_signature(struct kunit *test)
{
	struct pair *t = new_pair(test);
	struct sivshmem_msg bad;
	u8 sig[SIG_LEN];

	do_connect(test, t);
	KUNIT_ASSERT_EQ(test, do_respond(t), 0);
	bad = t->accept;
	memcpy(sig, bad.accept.sig.data, SIG_LEN);
	sig[17] ^= 1;
	bad.accept.sig.data = sig;
	expect_accept_refused(test, t, &bad, -EKEYREJECTED);
	expect_genuine_accept_works(test, t);
}

static void hs_accept_bad_tag(struct kunit *test)
{
	struct pair *t = new_pair(test);
	struct sivshmem_msg bad;

	do_connect(test, t);
	KUNIT_ASSERT_EQ(test, do_respond(t), 0);
	bad = t->accept;
	bad.accept.mac[0] ^= 0x80;
	expect_accept_refused(test, t, &bad, -EKEYREJECTED);
	expect_genuine_accept_works(test, t);
}

static void hs_accept_other_ca(struct kunit *test)
{
	struct pair *t = new_pair(test);

	do_connect(test, t);
	strscpy(t->res_cert, "ca=evil;cn=vm2", sizeof(t->res_cert));
	KUNIT_ASSERT_EQ(test, do_respond(t), 0);
	expect_accept_refused(test, t, &t->accept, -EKEYREJECTED);
}

/* A certificate of our CA, but for another VM: unknown-key share. */
static void hs_accept_other_name(struct kunit *test)
{
	struct pair *t = new_pair(test);

	do_connect(test, t);
	strscpy(t->res_cert, "ca=good;cn=vm3", sizeof(t->res_cert));
	KUNIT_ASSERT_EQ(test, do_respond(t), 0);
	expect_accept_refused(test, t, &t->accept, -EKEYREJECTED);
}

/* The responder signed another service than the initiator asked for. */
static void hs_accept_wrong_service(struct kunit *test)
{
	struct pair *t = new_pair(test);

	do_connect(test, t);
	strscpy(t->fwd.connect.service, "admin",
		sizeof(t->fwd.connect.service));
	KUNIT_ASSERT_EQ(test, do_respond(t), 0);
	expect_accept_refused(test, t, &t->accept, -EKEYREJECTED);
}

/* Relayed from another peer ID than the one that signed. */
static void hs_accept_wrong_peer_id(struct kunit *test)
{
	struct pair *t = new_pair(test);
	struct sivshmem_msg bad;

	do_connect(test, t);
	KUNIT_ASSERT_EQ(test, do_respond(t), 0);
	bad = t->accept;
	bad.src = RES_ID + 1;
	expect_accept_refused(test, t, &bad, -EKEYREJECTED);
	bad.src = INI_ID;
	expect_accept_refused(test, t, &bad, -EBADMSG);
	bad.src = SIVSHMEM_HOST_PEER_ID;
	expect_accept_refused(test, t, &bad, -EBADMSG);
	expect_genuine_accept_works(test, t);
}

/* Another key or nonce swapped in: the signed transcript no longer fits. */
static void hs_accept_swapped_key(struct kunit *test)
{
	struct pair *t = new_pair(test);
	struct sivshmem_msg bad;

	do_connect(test, t);
	KUNIT_ASSERT_EQ(test, do_respond(t), 0);
	bad = t->accept;
	bad.accept.pub[3] ^= 4;
	expect_accept_refused(test, t, &bad, -EKEYREJECTED);
	bad = t->accept;
	bad.accept.nonce[0] ^= 1;
	expect_accept_refused(test, t, &bad, -EKEYREJECTED);
	bad = t->accept;
	memset(bad.accept.pub, 0, SIVSHMEM_KEY_SIZE);
	expect_accept_refused(test, t, &bad, -EKEYREJECTED);
	bad = t->accept;
	bad.accept.chan_id ^= 1;
	expect_accept_refused(test, t, &bad, -EKEYREJECTED);
	expect_genuine_accept_works(test, t);
}

/* An ACCEPT of an earlier handshake, and one seen twice. */
static void hs_accept_replayed(struct kunit *test)
{
	struct pair *old = new_pair(test), *t = new_pair(test);
	struct sivshmem_msg out;

	do_connect(test, old);
	KUNIT_ASSERT_EQ(test, do_respond(old), 0);
	do_connect(test, t);
	/* Same connection ID, other keys: only the signature can tell. */
	expect_accept_refused(test, t, &old->accept, -EKEYREJECTED);
	old->accept.accept.conn_id ^= 1;
	expect_accept_refused(test, t, &old->accept, -EBADMSG);

	KUNIT_ASSERT_EQ(test, do_respond(t), 0);
	expect_genuine_accept_works(test, t);
	KUNIT_EXPECT_EQ(test, sivshmem_hs_accepted(t->ini, &t->accept, &out),
			-EBADMSG);
	/* A responder takes no ACCEPT at all. */
	KUNIT_EXPECT_EQ(test, sivshmem_hs_accepted(t->res, &t->accept, &out),
			-EBADMSG);
}

static void hs_confirm_checks(struct kunit *test)
{
	struct pair *t = new_pair(test);
	struct sivshmem_msg bad;
	u8 sig[SIG_LEN];

	do_connect(test, t);
	KUNIT_ASSERT_EQ(test, do_respond(t), 0);
	KUNIT_ASSERT_EQ(test, sivshmem_hs_accepted(t->ini, &t->accept,
						   &t->confirm), 0);
	t->confirm.src = INI_ID;

	bad = t->confirm;
	bad.src = INI_ID + 1;
	KUNIT_EXPECT_EQ(test, sivshmem_hs_confirmed(t->res, &bad), -EBADMSG);
	bad = t->confirm;
	bad.confirm.chan_id ^= 1;
	KUNIT_EXPECT_EQ(test, sivshmem_hs_confirmed(t->res, &bad), -EBADMSG);
	bad = t->confirm;
	bad.confirm.conn_id ^= 1;
	KUNIT_EXPECT_EQ(test, sivshmem_hs_confirmed(t->res, &bad), -EBADMSG);
	bad = t->confirm;
	bad.confirm.status = SIVSHMEM_STATUS_AUTH_FAILED;
	KUNIT_EXPECT_EQ(test, sivshmem_hs_confirmed(t->res, &bad), -EBADMSG);
	bad = t->confirm;
	bad.confirm.mac[5] ^= 1;
	KUNIT_EXPECT_EQ(test, sivshmem_hs_confirmed(t->res, &bad),
			-EKEYREJECTED);
	bad = t->confirm;
	memcpy(sig, bad.confirm.sig.data, SIG_LEN);
	sig[0] ^= 1;
	bad.confirm.sig.data = sig;
	KUNIT_EXPECT_EQ(test, sivshmem_hs_confirmed(t->res, &bad),
			-EKEYREJECTED);
	KUNIT_EXPECT_EQ(test, t->res->state, SIVSHMEM_HS_AWAIT_CONFIRM);

	KUNIT_EXPECT_EQ(test, sivshmem_hs_confirmed(t->res, &t->confirm), 0);
	KUNIT_EXPECT_EQ(test, t->res->state, SIVSHMEM_HS_AWAIT_GRANT);
	/* Replayed: the responder has moved on. */
	KUNIT_EXPECT_EQ(test, sivshmem_hs_confirmed(t->res, &t->confirm),
			-EBADMSG);
}

static void hs_confirm_other_identity(struct kunit *test)
{
	struct pair *t = new_pair(test);

	strscpy(t->ini_cert, "ca=good;cn=vm9", sizeof(t->ini_cert));
	do_connect(test, t);
	KUNIT_ASSERT_EQ(test, do_respond(t), 0);
	KUNIT_ASSERT_EQ(test, sivshmem_hs_accepted(t->ini, &t->accept,
						   &t->confirm), 0);
	t->confirm.src = INI_ID;
	/* The CONNECT said "vm1"; the certificate says "vm9". */
	KUNIT_EXPECT_EQ(test, sivshmem_hs_confirmed(t->res, &t->confirm),
			-EKEYREJECTED);

	t = new_pair(test);
	strscpy(t->ini_cert, "ca=evil;cn=vm1", sizeof(t->ini_cert));
	do_connect(test, t);
	KUNIT_ASSERT_EQ(test, do_respond(t), 0);
	KUNIT_ASSERT_EQ(test, sivshmem_hs_accepted(t->ini, &t->accept,
						   &t->confirm), 0);
	t->confirm.src = INI_ID;
	KUNIT_EXPECT_EQ(test, sivshmem_hs_confirmed(t->res, &t->confirm),
			-EKEYREJECTED);
	KUNIT_EXPECT_EQ(test, t->res->state, SIVSHMEM_HS_AWAIT_CONFIRM);
}

static void expect_grant_dropped(struct kunit *test, struct sivshmem_hs *hs,
				 struct sivshmem_msg *g, int err)
{
	enum sivshmem_hs_state before = hs->state;

	KUNIT_EXPECT_EQ(test, sivshmem_hs_granted(hs, g, AREA_OFF, AREA_SIZE),
			err);
	KUNIT_EXPECT_EQ(test, hs->state, before);
}

static void hs_grant_forged(struct kunit *test)
{
	struct pair *t = authenticated_pair(test);

	/* Not signed by the host key. */
	make_grant(t, SIVSHMEM_STATUS_OK, AREA_OFF, "a guest's key");
	expect_grant_dropped(test, t->ini, &t->grant, -EKEYREJECTED);
	make_grant(t, SIVSHMEM_STATUS_DENIED, 0, "a guest's key");
	expect_grant_dropped(test, t->ini, &t->grant, -EKEYREJECTED);
	/* Signed, then a field changed. */
	make_grant(t, SIVSHMEM_STATUS_OK, AREA_OFF, host_key);
	t->grant.grant.offset += SIVSHMEM_PAGE_SIZE;
	expect_grant_dropped(test, t->ini, &t->grant, -EKEYREJECTED);
	/* From a guest's mailbox, or for another connection. */
	make_grant(t, SIVSHMEM_STATUS_OK, AREA_OFF, host_key);
	t->grant.src = RES_ID;
	expect_grant_dropped(test, t->ini, &t->grant, -EBADMSG);
	make_grant(t, SIVSHMEM_STATUS_OK, AREA_OFF, host_key);
	t->grant.grant.conn_id ^= 1;
	resign_grant(t, host_key);
	expect_grant_dropped(test, t->ini, &t->grant, -EBADMSG);
	make_grant(t, SIVSHMEM_STATUS_OK, AREA_OFF, host_key);
	t->grant.grant.initiator_nonce[0] ^= 1;
	resign_grant(t, host_key);
	expect_grant_dropped(test, t->ini, &t->grant, -EBADMSG);
	make_grant(t, SIVSHMEM_STATUS_OK, AREA_OFF, host_key);
	t->grant.grant.chan_id ^= 1;
	resign_grant(t, host_key);
	expect_grant_dropped(test, t->res, &t->grant, -EBADMSG);

	make_grant(t, SIVSHMEM_STATUS_OK, AREA_OFF, host_key);
	KUNIT_EXPECT_EQ(test, sivshmem_hs_granted(t->ini, &t->grant, AREA_OFF,
						  AREA_SIZE), 0);
}

/* Signed by the host, yet not the channel the two ends agreed on. */
static void hs_grant_inconsistent(struct kunit *test)
{
	static const struct {
		const char *what;
		int field;
	} cases[] = {
		{ "transcript", 0 }, { "size", 1 }, { "responder", 2 },
		{ "below the area", 3 }, { "past the area", 4 },
		{ "chan_id", 5 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct pair *t = authenticated_pair(test);

		make_grant(t, SIVSHMEM_STATUS_OK, AREA_OFF, host_key);
		switch (cases[i].field) {
		case 0:
			t->grant.grant.transcript[7] ^= 1;
			break;
		case 1:
			t->grant.grant.size = 2 * SIZE;
			break;
		case 2:
			t->grant.grant.responder_id = RES_ID + 1;
			break;
		case 3:
			t->grant.grant.offset = AREA_OFF - SIVSHMEM_PAGE_SIZE;
			break;
		case 4:
			t->grant.grant.offset = AREA_OFF + AREA_SIZE - SIZE +
						SIVSHMEM_PAGE_SIZE;
			break;
		case 5:
			t->grant.grant.chan_id ^= 2;
			break;
		}
		resign_grant(t, host_key);
		KUNIT_EXPECT_EQ_MSG(test, sivshmem_hs_granted(t->ini, &t->grant,
							      AREA_OFF,
							      AREA_SIZE),
				    -EPROTO, "%s", cases[i].what);
		KUNIT_EXPECT_EQ(test, t->ini->state, SIVSHMEM_HS_FAILED);
		KUNIT_EXPECT_TRUE(test, all_zero(t->ini->keys,
						 sizeof(t->ini->keys)));
	}
}

/* An OK grant before the responder saw a valid CONFIRM counts for nothing. */
static void hs_grant_too_early(struct kunit *test)
{
	struct pair *t = new_pair(test);

	do_connect(test, t);
	KUNIT_ASSERT_EQ(test, do_respond(t), 0);
	KUNIT_ASSERT_EQ(test, sivshmem_hs_accepted(t->ini, &t->accept,
						   &t->confirm), 0);
	make_grant(t, SIVSHMEM_STATUS_OK, AREA_OFF, host_key);
	KUNIT_EXPECT_EQ(test, sivshmem_hs_granted(t->res, &t->grant, AREA_OFF,
						  AREA_SIZE), -EPROTO);
	KUNIT_EXPECT_EQ(test, t->res->state, SIVSHMEM_HS_FAILED);
}

/* Each refusal the host signs reaches the caller as its own errno. */
static void hs_grant_refused(struct kunit *test)
{
	static const struct {
		u32 status;
		int err;
	} cases[] = {
		{ SIVSHMEM_STATUS_DENIED, -EACCES },
		{ SIVSHMEM_STATUS_UNKNOWN_PEER, -EHOSTUNREACH },
		{ SIVSHMEM_STATUS_NO_LISTENER, -ECONNREFUSED },
		{ SIVSHMEM_STATUS_AUTH_FAILED, -EKEYREJECTED },
		{ SIVSHMEM_STATUS_REVOKED, -EKEYREVOKED },
		{ SIVSHMEM_STATUS_TIMED_OUT, -ETIMEDOUT },
		{ SIVSHMEM_STATUS_NO_SPACE, -ENOSPC },
		{ SIVSHMEM_STATUS_BUSY, -EAGAIN },
		{ SIVSHMEM_STATUS_PEER_GONE, -EHOSTUNREACH },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct pair *t = new_pair(test);

		do_connect(test, t);
		make_grant(t, cases[i].status, 0, host_key);
		KUNIT_EXPECT_EQ_MSG(test, sivshmem_hs_granted(t->ini, &t->grant,
							      AREA_OFF,
							      AREA_SIZE),
				    cases[i].err, "status %u", cases[i].status);
		KUNIT_EXPECT_EQ(test, t->ini->state, SIVSHMEM_HS_FAILED);
		KUNIT_EXPECT_EQ(test, t->ini->error, cases[i].err);
		KUNIT_EXPECT_TRUE(test, all_zero(t->ini->secret,
						 SIVSHMEM_KEY_SIZE));
		KUNIT_EXPECT_EQ(test, sivshmem_hs_status_errno(cases[i].status),
				cases[i].err);
	}
	KUNIT_EXPECT_EQ(test, sivshmem_hs_status_errno(SIVSHMEM_STATUS_OK), 0);
	KUNIT_EXPECT_EQ(test, sivshmem_hs_status_errno(__SIVSHMEM_STATUS_MAX),
			-EPROTO);
}

/* The caller's deadline passed: nothing after it revives the handshake. */
static void hs_timeout(struct kunit *test)
{
	struct pair *t = new_pair(test);

	do_connect(test, t);
	KUNIT_ASSERT_EQ(test, do_respond(t), 0);
	sivshmem_hs_fail(t->ini, -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, t->ini->state, SIVSHMEM_HS_FAILED);
	KUNIT_EXPECT_EQ(test, t->ini->error, -ETIMEDOUT);
	KUNIT_EXPECT_TRUE(test, all_zero(t->ini->secret, SIVSHMEM_KEY_SIZE));
	KUNIT_EXPECT_EQ(test, sivshmem_hs_accepted(t->ini, &t->accept,
						   &t->confirm), -EBADMSG);
	make_grant(t, SIVSHMEM_STATUS_OK, AREA_OFF, host_key);
	KUNIT_EXPECT_EQ(test, sivshmem_hs_granted(t->ini, &t->grant, AREA_OFF,
						  AREA_SIZE), -EBADMSG);
	/* A second failure does not overwrite the first reason. */
	sivshmem_hs_fail(t->ini, -EINTR);
	KUNIT_EXPECT_EQ(test, t->ini->error, -ETIMEDOUT);

	sivshmem_hs_fail(t->res, -ETIMEDOUT);
	KUNIT_EXPECT_TRUE(test, all_zero(t->res->keys, sizeof(t->res->keys)));
	KUNIT_EXPECT_TRUE(test, all_zero(t->res->confirm,
					 sizeof(t->res->confirm)));
}

static void hs_matches(struct kunit *test)
{
	struct pair *t = authenticated_pair(test);
	struct sivshmem_msg m;

	KUNIT_EXPECT_TRUE(test, sivshmem_hs_matches(t->ini, &t->accept));
	KUNIT_EXPECT_FALSE(test, sivshmem_hs_matches(t->res, &t->accept));
	KUNIT_EXPECT_TRUE(test, sivshmem_hs_matches(t->res, &t->confirm));
	KUNIT_EXPECT_FALSE(test, sivshmem_hs_matches(t->ini, &t->confirm));
	make_grant(t, SIVSHMEM_STATUS_OK, AREA_OFF, host_key);
	KUNIT_EXPECT_TRUE(test, sivshmem_hs_matches(t->ini, &t->grant));
	KUNIT_EXPECT_TRUE(test, sivshmem_hs_matches(t->res, &t->grant));
	m = t->grant;
	m.grant.chan_id ^= 1;
	KUNIT_EXPECT_TRUE(test, sivshmem_hs_matches(t->ini, &m));
	KUNIT_EXPECT_FALSE(test, sivshmem_hs_matches(t->res, &m));
	m = t->grant;
	m.grant.conn_id ^= 1;
	KUNIT_EXPECT_FALSE(test, sivshmem_hs_matches(t->ini, &m));
	m.type = SIVSHMEM_MSG_CLOSE;
	KUNIT_EXPECT_FALSE(test, sivshmem_hs_matches(t->ini, &m));
}

static struct kunit_case hs_cases[] = {
	KUNIT_CASE(hs_happy_path),
	KUNIT_CASE(hs_connect_params),
	KUNIT_CASE(hs_respond_misaddressed),
	KUNIT_CASE(hs_respond_low_order_key),
	KUNIT_CASE(hs_refuse),
	KUNIT_CASE(hs_accept_bad_signature),
	KUNIT_CASE(hs_accept_bad_tag),
	KUNIT_CASE(hs_accept_other_ca),
	KUNIT_CASE(hs_accept_other_name),
	KUNIT_CASE(hs_accept_wrong_service),
	KUNIT_CASE(hs_accept_wrong_peer_id),
	KUNIT_CASE(hs_accept_swapped_key),
	KUNIT_CASE(hs_accept_replayed),
	KUNIT_CASE(hs_confirm_checks),
	KUNIT_CASE(hs_confirm_other_identity),
	KUNIT_CASE(hs_grant_forged),
	KUNIT_CASE(hs_grant_inconsistent),
	KUNIT_CASE(hs_grant_too_early),
	KUNIT_CASE(hs_grant_refused),
	KUNIT_CASE(hs_timeout),
	KUNIT_CASE(hs_matches),
	{}
};

static struct kunit_suite hs_suite = {
	.name = "sivshmem_handshake",
	.test_cases = hs_cases,
};

kunit_test_suite(hs_suite);

/* MODULE_LICENSE and the namespace import are in wire_kunit.c. */
