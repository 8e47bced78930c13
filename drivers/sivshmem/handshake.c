// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * One end of the channel handshake (see "sivshmem channels" in the uapi
 * header and Documentation/sivshmem/protocol.rst):
 *
 *   initiator                     host                       responder
 *   CONNECT(n_i, X_i)       ->  policy, names    ->    CONNECT + IDs
 *                           <-  verifies sig_r   <-    ACCEPT(n_r, X_r, cert_r,
 *                                                        sig_r, mac_r)
 *   CONFIRM(cert_i, sig_i,  ->  verifies sig_i,  ->    CONFIRM
 *           mac_i)              allocates pages
 *                           <-  GRANT (signed)   ->
 *
 * Rules that keep a hostile co-tenant from steering it:
 * - a message that fails a check is dropped and changes nothing, so a
 *   forgery can neither advance nor end a handshake: only a GRANT the host
 *   signed ends one, or the caller's deadline;
 * - cheap comparisons come before any signature check;
 * - every signature covers T, the hash of a transcript that binds both
 *   names, both peer IDs, the service, size and mode, both nonces and both
 *   ephemeral keys, under a label per role;
 * - secrets are wiped as soon as the keys are derived.
 */

#include <crypto/algapi.h>
#include <crypto/curve25519.h>
#include <crypto/sha2.h>
#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "handshake.h"
#include "kdf.h"

#define KEYS_INFO	"sivshmem channel keys v1"
#define CONFIRM_I	0
#define CONFIRM_R	1

/**
 * sivshmem_hs_status_errno() - the errno a caller sees for a status
 * @status: a decoded &enum sivshmem_status
 *
 * Return: 0 for OK, else the negative errno the ioctl documentation
 * lists for it.
 */
int sivshmem_hs_status_errno(u32 status)
{
	switch (status) {
	case SIVSHMEM_STATUS_OK:
		return 0;
	case SIVSHMEM_STATUS_NOT_REGISTERED:
		return -ENOTCONN;
	case SIVSHMEM_STATUS_UNKNOWN_PEER:
	case SIVSHMEM_STATUS_PEER_GONE:
		return -EHOSTUNREACH;
	case SIVSHMEM_STATUS_BUSY:
		return -EAGAIN;
	case SIVSHMEM_STATUS_AUTH_FAILED:
	case SIVSHMEM_STATUS_WRONG_NAME:
		return -EKEYREJECTED;
	case SIVSHMEM_STATUS_REVOKED:
		return -EKEYREVOKED;
	case SIVSHMEM_STATUS_DENIED:
		return -EACCES;
	case SIVSHMEM_STATUS_NO_LISTENER:
	case SIVSHMEM_STATUS_CLOSED:
		return -ECONNREFUSED;
	case SIVSHMEM_STATUS_NO_SPACE:
		return -ENOSPC;
	case SIVSHMEM_STATUS_TIMED_OUT:
		return -ETIMEDOUT;
	default:
		return -EPROTO;
	}
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_hs_status_errno);

/**
 * sivshmem_hs_wipe() - forget every secret of a handshake
 * @hs: the handshake; its session keys go too
 */
void sivshmem_hs_wipe(struct sivshmem_hs *hs)
{
	memzero_explicit(hs->secret, sizeof(hs->secret));
	memzero_explicit(hs->confirm, sizeof(hs->confirm));
	memzero_explicit(hs->keys, sizeof(hs->keys));
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_hs_wipe);

/**
 * sivshmem_hs_fail() - end a handshake without a grant
 * @hs: the handshake
 * @error: the negative errno the caller will see
 */
void sivshmem_hs_fail(struct sivshmem_hs *hs, int error)
{
	if (hs->state == SIVSHMEM_HS_DONE || hs->state == SIVSHMEM_HS_FAILED)
		return;
	hs->state = SIVSHMEM_HS_FAILED;
	hs->error = error;
	sivshmem_hs_wipe(hs);
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_hs_fail);

static int new_keypair(struct sivshmem_hs *hs, u8 *pub)
{
	curve25519_generate_secret(hs->secret);
	if (!curve25519_generate_public(pub, hs->secret))
		return -EIO;
	return 0;
}

static void init_common(struct sivshmem_hs *hs,
			const struct sivshmem_hs_ops *ops, void *priv,
			const struct sivshmem_hs_params *p, u32 role)
{
	memset(hs, 0, sizeof(*hs));
	hs->ops = ops;
	hs->priv = priv;
	hs->role = role;
	hs->self_id = p->self_id;
	memcpy(hs->cert, p->cert, p->cert_len);
	hs->cert_len = p->cert_len;
}

static void set_name(char *field, const char *name, size_t size)
{
	memset(field, 0, size);
	strscpy(field, name, size);
}

/**
 * sivshmem_hs_connect() - start a handshake as the initiator
 * @hs: the handshake to set up
 * @ops: identity operations
 * @priv: their context
 * @p: what the channel is about; @p->conn_id must be nonzero
 * @out: filled with the CONNECT to send to the host
 *
 * Context: Process context; may wait for the random pool.
 * Return: 0, -EINVAL for a parameter the wire format refuses, or -EIO.
 */
int sivshmem_hs_connect(struct sivshmem_hs *hs,
			const struct sivshmem_hs_ops *ops, void *priv,
			const struct sivshmem_hs_params *p,
			struct sivshmem_msg *out)
{
	struct sivshmem_chan_tbs *t = &hs->tbs;
	int err;

	if (!p->conn_id || p->cert_len > SIVSHMEM_CERT_MAX ||
	    sivshmem_wire_chan_size_valid(p->size) ||
	    p->mode != SIVSHMEM_MODE_PLAIN ||
	    strlen(p->peer_name) > SIVSHMEM_NAME_MAX ||
	    strlen(p->service) > SIVSHMEM_SERVICE_MAX ||
	    strlen(p->self_name) > SIVSHMEM_NAME_MAX)
		return -EINVAL;

	init_common(hs, ops, priv, p, SIVSHMEM_ROLE_INITIATOR);
	t->generation = p->generation;
	t->conn_id = p->conn_id;
	t->size = p->size;
	t->mode = p->mode;
	t->initiator_id = p->self_id;
	set_name(t->initiator, p->self_name, sizeof(t->initiator));
	set_name(t->responder, p->peer_name, sizeof(t->responder));
	set_name(t->service, p->service, sizeof(t->service));
	get_random_bytes(t->nonce_i, SIVSHMEM_NONCE_SIZE);
	err = new_keypair(hs, t->pub_i);
	if (err) {
		sivshmem_hs_wipe(hs);
		return err;
	}

	memset(out, 0, sizeof(*out));
	out->type = SIVSHMEM_MSG_CONNECT;
	out->dst = SIVSHMEM_HOST_PEER_ID;
	out->connect.conn_id = t->conn_id;
	out->connect.size = t->size;
	out->connect.mode = t->mode;
	memcpy(out->connect.initiator, t->initiator, SIVSHMEM_NAME_MAX);
	memcpy(out->connect.responder, t->responder, SIVSHMEM_NAME_MAX);
	memcpy(out->connect.service, t->service, SIVSHMEM_SERVICE_MAX);
	memcpy(out->connect.nonce, t->nonce_i, SIVSHMEM_NONCE_SIZE);
	memcpy(out->connect.pub, t->pub_i, SIVSHMEM_KEY_SIZE);
	hs->state = SIVSHMEM_HS_AWAIT_ACCEPT;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_hs_connect);

/*
 * T and the key schedule, once both public keys are in @hs->tbs. The
 * ephemeral secret is gone when this returns, whatever the outcome.
 */
static int derive(struct sivshmem_hs *hs, const u8 *peer_pub)
{
	u8 shared[CURVE25519_KEY_SIZE];
	u8 prk[SIVSHMEM_HMAC_SHA256_LEN];
	u8 okm[4 * SIVSHMEM_KEY_SIZE];
	size_t len;
	u8 *buf;
	int err;

	buf = kmalloc(SIVSHMEM_TBS_MAX, GFP_KERNEL);
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	len = sivshmem_wire_tbs_channel(buf, SIVSHMEM_TBS_MAX, &hs->tbs);
	if (!len) {
		err = -EMSGSIZE;
		goto out;
	}
	sha256(buf, len, hs->transcript);

	/* All zero for a low-order point: refuse, as RFC 7748 6.1 advises. */
	if (!curve25519(shared, hs->secret, peer_pub)) {
		err = -EKEYREJECTED;
		goto out;
	}
	sivshmem_hkdf_extract(prk, hs->transcript, SIVSHMEM_HASH_SIZE, shared,
			      sizeof(shared));
	err = sivshmem_hkdf_expand(okm, sizeof(okm), prk, KEYS_INFO,
				   strlen(KEYS_INFO));
	if (err)
		goto out;
	memcpy(hs->confirm, okm, sizeof(hs->confirm));
	memcpy(hs->keys, okm + sizeof(hs->confirm), sizeof(hs->keys));
out:
	memzero_explicit(hs->secret, sizeof(hs->secret));
	memzero_explicit(shared, sizeof(shared));
	memzero_explicit(prk, sizeof(prk));
	memzero_explicit(okm, sizeof(okm));
	kfree(buf);
	return err;
}

static void confirm_tag(const struct sivshmem_hs *hs, int who, u8 *mac)
{
	sivshmem_hmac_sha256(mac, hs->confirm[who], SIVSHMEM_MAC_SIZE,
			     hs->transcript, SIVSHMEM_HASH_SIZE);
}

static bool tag_ok(const struct sivshmem_hs *hs, int who, const u8 *mac)
{
	u8 expect[SIVSHMEM_MAC_SIZE];
	bool ok;

	confirm_tag(hs, who, expect);
	ok = !crypto_memneq(expect, mac, SIVSHMEM_MAC_SIZE);
	memzero_explicit(expect, sizeof(expect));
	return ok;
}

/* Signs the accept or confirm transcript: @hs->sig holds the result. */
static int sign_transcript(struct sivshmem_hs *hs, u16 *sig_len)
{
	size_t len;
	u8 *buf;
	int err;

	buf = kmalloc(SIVSHMEM_TBS_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (hs->role == SIVSHMEM_ROLE_RESPONDER)
		len = sivshmem_wire_tbs_accept(buf, SIVSHMEM_TBS_MAX,
					       hs->transcript, hs->cert,
					       hs->cert_len);
	else
		len = sivshmem_wire_tbs_confirm(buf, SIVSHMEM_TBS_MAX,
						hs->transcript, hs->cert,
						hs->cert_len);
	err = len ? hs->ops->sign(hs->priv, hs->cert, hs->cert_len, buf, len,
				  hs->sig, sig_len) : -EMSGSIZE;
	kfree(buf);
	return err;
}

/* Checks the other end's certificate and signature over its transcript. */
static int verify_peer(struct sivshmem_hs *hs, const struct sivshmem_blob *cert,
		       const struct sivshmem_blob *sig)
{
	const char *name;
	size_t len;
	u8 *buf;
	int err;

	buf = kmalloc(SIVSHMEM_TBS_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (hs->role == SIVSHMEM_ROLE_INITIATOR) {
		name = hs->tbs.responder;
		len = sivshmem_wire_tbs_accept(buf, SIVSHMEM_TBS_MAX,
					       hs->transcript, cert->data,
					       cert->len);
	} else {
		name = hs->tbs.initiator;
		len = sivshmem_wire_tbs_confirm(buf, SIVSHMEM_TBS_MAX,
						hs->transcript, cert->data,
						cert->len);
	}
	err = len ? hs->ops->verify_peer(hs->priv, cert, name, buf, len, sig) :
		    -EMSGSIZE;
	kfree(buf);
	return err ? -EKEYREJECTED : 0;
}

/**
 * sivshmem_hs_refuse() - the ACCEPT that turns a CONNECT down
 * @connect: the CONNECT, as decoded
 * @status: why: %SIVSHMEM_STATUS_NO_LISTENER, %SIVSHMEM_STATUS_BUSY...
 * @out: filled with the ACCEPT to send
 */
void sivshmem_hs_refuse(const struct sivshmem_msg *connect, u32 status,
			struct sivshmem_msg *out)
{
	memset(out, 0, sizeof(*out));
	out->type = SIVSHMEM_MSG_ACCEPT;
	out->dst = connect->src;
	out->accept.chan_id = connect->connect.chan_id;
	out->accept.conn_id = connect->connect.conn_id;
	out->accept.status = status;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_hs_refuse);

/**
 * sivshmem_hs_respond() - answer a CONNECT as the responder
 * @hs: the handshake to set up
 * @ops: identity operations
 * @priv: their context
 * @p: our generation, peer ID, name and certificate; the rest is unused
 * @connect: the CONNECT the host forwarded
 * @out: filled with the ACCEPT to send
 *
 * The caller has checked that a listener wants the service and that the
 * initiator is within its rate limit.
 *
 * Context: Process context; sleeps.
 * Return: 0; -EBADMSG if the CONNECT is not one the host forwarded to us;
 * -EKEYREJECTED for a low-order public key; or a signing error.
 */
int sivshmem_hs_respond(struct sivshmem_hs *hs,
			const struct sivshmem_hs_ops *ops, void *priv,
			const struct sivshmem_hs_params *p,
			const struct sivshmem_msg *connect,
			struct sivshmem_msg *out)
{
	struct sivshmem_chan_tbs *t = &hs->tbs;
	u16 sig_len;
	int err;

	if (connect->type != SIVSHMEM_MSG_CONNECT ||
	    !connect->connect.chan_id ||
	    connect->src == SIVSHMEM_HOST_PEER_ID ||
	    connect->src == p->self_id ||
	    connect->connect.initiator_id != connect->src ||
	    connect->connect.responder_id != p->self_id ||
	    strncmp(connect->connect.responder, p->self_name,
		    SIVSHMEM_NAME_MAX + 1) ||
	    p->cert_len > SIVSHMEM_CERT_MAX)
		return -EBADMSG;

	init_common(hs, ops, priv, p, SIVSHMEM_ROLE_RESPONDER);
	sivshmem_wire_chan_tbs_init(t, p->generation, connect);
	get_random_bytes(t->nonce_r, SIVSHMEM_NONCE_SIZE);
	err = new_keypair(hs, t->pub_r);
	if (!err)
		err = derive(hs, t->pub_i);
	if (!err)
		err = sign_transcript(hs, &sig_len);
	if (err) {
		sivshmem_hs_wipe(hs);
		return err;
	}

	memset(out, 0, sizeof(*out));
	out->type = SIVSHMEM_MSG_ACCEPT;
	out->dst = t->initiator_id;
	out->accept.chan_id = t->chan_id;
	out->accept.conn_id = t->conn_id;
	out->accept.status = SIVSHMEM_STATUS_OK;
	memcpy(out->accept.nonce, t->nonce_r, SIVSHMEM_NONCE_SIZE);
	memcpy(out->accept.pub, t->pub_r, SIVSHMEM_KEY_SIZE);
	confirm_tag(hs, CONFIRM_R, out->accept.mac);
	out->accept.cert.data = hs->cert;
	out->accept.cert.len = hs->cert_len;
	out->accept.sig.data = hs->sig;
	out->accept.sig.len = sig_len;
	hs->state = SIVSHMEM_HS_AWAIT_CONFIRM;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_hs_respond);

/**
 * sivshmem_hs_matches() - whether a message belongs to this handshake
 * @hs: the handshake
 * @msg: an ACCEPT, CONFIRM or GRANT
 *
 * Only the identifiers are compared: the initiator knows its connection
 * ID (and learns the channel ID from the ACCEPT), the responder knows both.
 *
 * Return: true if @msg names this handshake.
 */
bool sivshmem_hs_matches(const struct sivshmem_hs *hs,
			 const struct sivshmem_msg *msg)
{
	bool initiator = hs->role == SIVSHMEM_ROLE_INITIATOR;

	switch (msg->type) {
	case SIVSHMEM_MSG_ACCEPT:
		return initiator && msg->accept.conn_id == hs->tbs.conn_id;
	case SIVSHMEM_MSG_CONFIRM:
		return !initiator && msg->confirm.chan_id == hs->tbs.chan_id &&
		       msg->confirm.conn_id == hs->tbs.conn_id;
	case SIVSHMEM_MSG_GRANT:
		if (msg->grant.conn_id != hs->tbs.conn_id)
			return false;
		return initiator || msg->grant.chan_id == hs->tbs.chan_id;
	default:
		return false;
	}
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_hs_matches);

/**
 * sivshmem_hs_accepted() - the initiator takes the responder's ACCEPT
 * @hs: the handshake, an initiator awaiting the ACCEPT
 * @accept: the ACCEPT the host relayed
 * @out: filled with the CONFIRM to send
 *
 * A refusal never arrives as an ACCEPT (the host turns it into a signed
 * GRANT), so an unsigned one is dropped like any other forgery.
 *
 * Context: Process context; sleeps.
 * Return: 0; -EBADMSG for a message out of place; -EKEYREJECTED for a bad
 * certificate, signature or tag; or a signing error. Only with 0 did the
 * state change.
 */
int sivshmem_hs_accepted(struct sivshmem_hs *hs,
			 const struct sivshmem_msg *accept,
			 struct sivshmem_msg *out)
{
	struct sivshmem_chan_tbs saved = hs->tbs;
	u8 secret[SIVSHMEM_KEY_SIZE];
	u16 sig_len;
	int err;

	if (hs->role != SIVSHMEM_ROLE_INITIATOR ||
	    hs->state != SIVSHMEM_HS_AWAIT_ACCEPT ||
	    accept->type != SIVSHMEM_MSG_ACCEPT ||
	    accept->accept.status != SIVSHMEM_STATUS_OK ||
	    accept->accept.conn_id != hs->tbs.conn_id ||
	    accept->src == SIVSHMEM_HOST_PEER_ID ||
	    accept->src == hs->self_id)
		return -EBADMSG;

	/* derive() wipes the secret; a forgery must not cost us it. */
	memcpy(secret, hs->secret, sizeof(secret));
	hs->tbs.chan_id = accept->accept.chan_id;
	hs->tbs.responder_id = accept->src;
	memcpy(hs->tbs.nonce_r, accept->accept.nonce, SIVSHMEM_NONCE_SIZE);
	memcpy(hs->tbs.pub_r, accept->accept.pub, SIVSHMEM_KEY_SIZE);
	err = derive(hs, accept->accept.pub);
	if (!err)
		err = verify_peer(hs, &accept->accept.cert, &accept->accept.sig);
	if (!err && !tag_ok(hs, CONFIRM_R, accept->accept.mac))
		err = -EKEYREJECTED;
	if (!err)
		err = sign_transcript(hs, &sig_len);
	if (err) {
		hs->tbs = saved;
		memcpy(hs->secret, secret, sizeof(secret));
		memzero_explicit(hs->confirm, sizeof(hs->confirm));
		memzero_explicit(hs->keys, sizeof(hs->keys));
		memset(hs->transcript, 0, sizeof(hs->transcript));
		memzero_explicit(secret, sizeof(secret));
		return err;
	}
	memzero_explicit(secret, sizeof(secret));

	memset(out, 0, sizeof(*out));
	out->type = SIVSHMEM_MSG_CONFIRM;
	out->dst = hs->tbs.responder_id;
	out->confirm.chan_id = hs->tbs.chan_id;
	out->confirm.conn_id = hs->tbs.conn_id;
	out->confirm.status = SIVSHMEM_STATUS_OK;
	confirm_tag(hs, CONFIRM_I, out->confirm.mac);
	out->confirm.cert.data = hs->cert;
	out->confirm.cert.len = hs->cert_len;
	out->confirm.sig.data = hs->sig;
	out->confirm.sig.len = sig_len;
	hs->state = SIVSHMEM_HS_AWAIT_GRANT;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_hs_accepted);

/**
 * sivshmem_hs_confirmed() - the responder takes the initiator's CONFIRM
 * @hs: the handshake, a responder awaiting the CONFIRM
 * @confirm: the CONFIRM the host relayed
 *
 * Context: Process context; sleeps.
 * Return: 0; -EBADMSG for a message out of place; -EKEYREJECTED for a bad
 * certificate, signature or tag. Only with 0 did the state change.
 */
int sivshmem_hs_confirmed(struct sivshmem_hs *hs,
			  const struct sivshmem_msg *confirm)
{
	int err;

	if (hs->role != SIVSHMEM_ROLE_RESPONDER ||
	    hs->state != SIVSHMEM_HS_AWAIT_CONFIRM ||
	    confirm->type != SIVSHMEM_MSG_CONFIRM ||
	    confirm->confirm.status != SIVSHMEM_STATUS_OK ||
	    confirm->confirm.chan_id != hs->tbs.chan_id ||
	    confirm->confirm.conn_id != hs->tbs.conn_id ||
	    confirm->src != hs->tbs.initiator_id)
		return -EBADMSG;
	if (!tag_ok(hs, CONFIRM_I, confirm->confirm.mac))
		return -EKEYREJECTED;
	err = verify_peer(hs, &confirm->confirm.cert, &confirm->confirm.sig);
	if (err)
		return err;
	hs->state = SIVSHMEM_HS_AWAIT_GRANT;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_hs_confirmed);

static int verify_grant(struct sivshmem_hs *hs, const struct sivshmem_msg *g)
{
	size_t len;
	u8 *buf;
	int err;

	buf = kmalloc(SIVSHMEM_TBS_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	len = sivshmem_wire_tbs_grant(buf, SIVSHMEM_TBS_MAX,
				      hs->tbs.generation, g);
	err = len ? hs->ops->verify_host(hs->priv, buf, len, &g->grant.sig) :
		    -EMSGSIZE;
	kfree(buf);
	return err ? -EKEYREJECTED : 0;
}

/**
 * sivshmem_hs_granted() - take the host's verdict
 * @hs: the handshake, not over yet
 * @grant: a GRANT from the host
 * @area_offset: where the region's channel area starts
 * @area_size: its size
 *
 * A refusal the host signed ends the handshake whatever its state. A
 * success counts only once both ends authenticated each other here, and
 * only for the transcript, peers, size and mode we agreed on.
 *
 * Context: Process context; sleeps.
 * Return: 0 if the channel is granted (@hs->offset and @hs->size are set);
 * -EBADMSG or -EKEYREJECTED for a GRANT that is dropped and changes
 * nothing; another negative errno if the handshake failed for good, which
 * @hs->error repeats.
 */
int sivshmem_hs_granted(struct sivshmem_hs *hs,
			const struct sivshmem_msg *grant, u64 area_offset,
			u64 area_size)
{
	const struct sivshmem_chan_tbs *t = &hs->tbs;
	int err;

	if (hs->state == SIVSHMEM_HS_DONE || hs->state == SIVSHMEM_HS_FAILED ||
	    grant->type != SIVSHMEM_MSG_GRANT ||
	    grant->src != SIVSHMEM_HOST_PEER_ID ||
	    !sivshmem_hs_matches(hs, grant) ||
	    grant->grant.initiator_id != t->initiator_id ||
	    memcmp(grant->grant.initiator_nonce, t->nonce_i,
		   SIVSHMEM_NONCE_SIZE))
		return -EBADMSG;
	err = verify_grant(hs, grant);
	if (err)
		return err;

	if (grant->grant.status != SIVSHMEM_STATUS_OK) {
		sivshmem_hs_fail(hs, sivshmem_hs_status_errno(grant->grant.status));
		return hs->error;
	}
	/* Signed by the host, yet not what we agreed: refuse the channel. */
	if (hs->state != SIVSHMEM_HS_AWAIT_GRANT ||
	    grant->grant.chan_id != t->chan_id ||
	    grant->grant.responder_id != t->responder_id ||
	    grant->grant.size != t->size || grant->grant.mode != t->mode ||
	    memcmp(grant->grant.transcript, hs->transcript,
		   SIVSHMEM_HASH_SIZE) ||
	    grant->grant.offset < area_offset ||
	    grant->grant.size > area_size ||
	    grant->grant.offset - area_offset > area_size - grant->grant.size) {
		sivshmem_hs_fail(hs, -EPROTO);
		return hs->error;
	}
	hs->offset = grant->grant.offset;
	hs->size = grant->grant.size;
	hs->state = SIVSHMEM_HS_DONE;
	memzero_explicit(hs->confirm, sizeof(hs->confirm));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_hs_granted);
