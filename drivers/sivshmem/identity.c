// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * This VM's identity: the host CA certificate (our trust anchor), our own
 * certificate and its RSA private key, all provisioned with keyctl into the
 * ".sivshmem" keyring whose serial /sys/class/misc/sivshmem/keyring shows:
 *
 *   keyctl padd user sivshmem:ca     $KR < ca.crt.der
 *   keyctl padd asymmetric sivshmem:key $KR < vm1.key.p8.der
 *   keyctl padd user sivshmem:cert   $KR < vm1.crt.der
 *
 * The keyring's restriction hook runs in the provisioning process, so it
 * checks CAP_SYS_ADMIN and verifies each item before it is linked: errors
 * reach keyctl directly. The first CA certificate becomes the trust anchor
 * and is locked in until the module goes away.
 *
 * Certificates are parsed with the kernel's own X.509 parser (the
 * asymmetric key type's preparse) and their signature is checked against
 * the anchor's public key, without creating keys: the hook runs with the
 * provisioning keyring's semaphore held, and adding keys to other keyrings
 * from there would nest keyring semaphores. What the 6.1 parser does not
 * keep (dates, basicConstraints, keyUsage, the role in the subject OU) comes
 * from cert.c, on the same bytes.
 */

#include <crypto/public_key.h>
#include <crypto/sha2.h>
#include <keys/asymmetric-type.h>
#include <keys/user-type.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/key.h>
#include <linux/keyctl.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "cert.h"
#include "identity.h"
#include "rsa.h"

#define PROV_KEY_DESC		"sivshmem:key"
#define ROLE_CA			"ca"
#define ROLE_GUEST		"guest"
#define ROLE_HOST		"host"

static struct {
	/* protects every field below */
	struct mutex lock;
	struct key *prov;
	bool have_anchor;
	struct key_preparsed_payload anchor;
	char anchor_name[SIVSHMEM_CERT_STR_MAX + 1];
	bool valid;
	struct sivshmem_peer_cert self;
	char serial[2 * (SIVSHMEM_CERT_SERIAL_MAX + 1) + 1];
	time64_t not_after;
	struct key *priv;
	char error[128];
} ident = {
	.lock = __MUTEX_INITIALIZER(ident.lock),
};

static void set_error(const char *fmt, ...) __printf(1, 2);
static void set_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ident.error, sizeof(ident.error), fmt, ap);
	va_end(ap);
	pr_warn_ratelimited("%s\n", ident.error);
}

static int check_dates(const struct sivshmem_cert_info *ci)
{
	time64_t now = ktime_get_real_seconds();

	if (now < ci->not_before || now > ci->not_after)
		return -EKEYEXPIRED;
	return 0;
}

static const struct public_key *pub_of(const struct key_preparsed_payload *p)
{
	return p->payload.data[asym_crypto];
}

static void unload_cert(struct key_preparsed_payload *prep)
{
	key_type_asymmetric.free_preparse(prep);
	memset(prep, 0, sizeof(*prep));
}

/*
 * Parses @der with the kernel's X.509 parser and checks that @issuer (or
 * the certificate itself, if @issuer is NULL) signed it. On success @prep
 * holds the parsed certificate; release it with unload_cert(). Returns
 * -EBADMSG if the kernel cannot parse it as a certificate, -ENOKEY if the
 * signature does not verify.
 */
static int load_cert(const u8 *der, size_t len,
		     const struct key_preparsed_payload *issuer,
		     struct key_preparsed_payload *prep)
{
	const struct public_key_signature *sig;
	const struct public_key *pub;
	int err;

	memset(prep, 0, sizeof(*prep));
	prep->data = der;
	prep->datalen = len;
	prep->quotalen = len;
	err = key_type_asymmetric.preparse(prep);
	if (err)
		goto err_unload;
	pub = pub_of(prep);
	sig = prep->payload.data[asym_auth];
	/* A PKCS#8 private key parses too: insist on a certificate. */
	err = -EBADMSG;
	if (!pub || !sig || pub->key_is_private)
		goto err_unload;
	err = public_key_verify_signature(issuer ? pub_of(issuer) : pub, sig);
	if (err) {
		err = -ENOKEY;
		goto err_unload;
	}
	return 0;

err_unload:
	unload_cert(prep);
	return err;
}

/* Signs a random digest with @priv and checks it with @pub. */
static int keys_match(struct key *priv, const struct public_key *pub)
{
	u8 digest[SHA256_DIGEST_SIZE];
	u16 sig_len;
	u8 *sig;
	int err;

	sig = kzalloc(SIVSHMEM_SIG_MAX, GFP_KERNEL);
	if (!sig)
		return -ENOMEM;
	get_random_bytes(digest, sizeof(digest));
	err = sivshmem_rsa_sign(priv, digest, sig, &sig_len);
	if (!err)
		err = sivshmem_rsa_verify(pub, digest, sig, sig_len) ? -EKEYREJECTED : 0;
	kfree(sig);
	return err;
}

static int provision_ca(const u8 *der, size_t len,
			const struct sivshmem_cert_info *ci)
{
	int err;

	if (ident.have_anchor) {
		set_error("refusing CA certificate \"%s\": trust anchor \"%s\" is locked",
			  ci->cn, ident.anchor_name);
		return -EPERM;
	}
	if (ci->has_key_usage && !(ci->key_usage & SIVSHMEM_KU_KEY_CERT_SIGN)) {
		set_error("refusing CA certificate \"%s\": keyUsage lacks keyCertSign",
			  ci->cn);
		return -EKEYREJECTED;
	}
	if (check_dates(ci)) {
		set_error("refusing CA certificate \"%s\": outside its validity period",
			  ci->cn);
		return -EKEYEXPIRED;
	}
	err = load_cert(der, len, NULL, &ident.anchor);
	if (!err && ((const struct public_key_signature *)
		     ident.anchor.payload.data[asym_auth])->s_size < 256) {
		unload_cert(&ident.anchor);
		set_error("refusing CA certificate \"%s\": its key is shorter than 2048 bits",
			  ci->cn);
		return -EKEYREJECTED;
	}
	if (err) {
		set_error("refusing CA certificate \"%s\": %s (%d)", ci->cn,
			  err == -ENOKEY ? "not self-signed" :
			  "the kernel cannot parse it", err);
		return err;
	}
	ident.have_anchor = true;
	strscpy(ident.anchor_name, ci->cn, sizeof(ident.anchor_name));
	ident.error[0] = '\0';
	pr_info("trust anchor set to CA \"%s\" and locked\n", ci->cn);
	return 0;
}

static void serial_hex(const struct sivshmem_cert_info *ci, char *buf,
		       size_t len)
{
	unsigned int i, skip = 0;

	/* Drop the sign octet DER adds to serials with the top bit set. */
	if (ci->serial_len > 1 && !ci->serial[0])
		skip = 1;
	buf[0] = '\0';
	for (i = skip; i < ci->serial_len && 2 * (i - skip) + 2 < len; i++)
		snprintf(buf + 2 * (i - skip), 3, "%02X", ci->serial[i]);
}

static int provision_leaf(const u8 *der, size_t len,
			  const struct sivshmem_cert_info *ci)
{
	struct key_preparsed_payload prep;
	struct key *priv;
	key_ref_t ref;
	u8 *copy;
	int err;

	if (!ident.have_anchor) {
		set_error("refusing certificate \"%s\": provision the CA certificate first",
			  ci->cn);
		return -ENOKEY;
	}
	if (strcmp(ci->ou, ROLE_GUEST)) {
		set_error("refusing certificate \"%s\": its role is \"%s\", not \"guest\"",
			  ci->cn, ci->ou);
		return -EKEYREJECTED;
	}
	if (!sivshmem_wire_name_valid(ci->cn, strlen(ci->cn))) {
		set_error("refusing certificate: \"%s\" is not a valid VM name",
			  ci->cn);
		return -EKEYREJECTED;
	}
	if (ci->has_key_usage &&
	    !(ci->key_usage & SIVSHMEM_KU_DIGITAL_SIGNATURE)) {
		set_error("refusing certificate \"%s\": keyUsage lacks digitalSignature",
			  ci->cn);
		return -EKEYREJECTED;
	}
	if (check_dates(ci)) {
		set_error("refusing certificate \"%s\": expired or not yet valid",
			  ci->cn);
		return -EKEYEXPIRED;
	}
	if (len > SIVSHMEM_CERT_MAX) {
		set_error("refusing certificate \"%s\": larger than %d bytes",
			  ci->cn, SIVSHMEM_CERT_MAX);
		return -EMSGSIZE;
	}

	err = load_cert(der, len, &ident.anchor, &prep);
	if (err) {
		set_error("refusing certificate \"%s\": %s (%d)", ci->cn,
			  err == -ENOKEY ? "not signed by the trust anchor" :
			  "the kernel cannot parse it", err);
		return err;
	}

	ref = keyring_search(make_key_ref(ident.prov, true),
			     &key_type_asymmetric, PROV_KEY_DESC, false);
	if (IS_ERR(ref)) {
		err = PTR_ERR(ref) == -EAGAIN ? -ENOKEY : PTR_ERR(ref);
		set_error("refusing certificate \"%s\": no private key, provision \"%s\" first",
			  ci->cn, PROV_KEY_DESC);
		goto err_unload;
	}
	priv = key_ref_to_ptr(ref);
	err = keys_match(priv, pub_of(&prep));
	if (err) {
		set_error("refusing certificate \"%s\": the private key \"%s\" does not match it",
			  ci->cn, PROV_KEY_DESC);
		goto err_put_priv;
	}
	copy = kmemdup(der, len, GFP_KERNEL);
	if (!copy) {
		err = -ENOMEM;
		goto err_put_priv;
	}

	/* Adopt: the new identity replaces the old one as a whole. */
	sivshmem_peer_cert_release(&ident.self);
	key_put(ident.priv);
	ident.priv = priv;
	ident.self.prep = prep;
	ident.self.loaded = true;
	ident.self.der = copy;
	ident.self.len = len;
	strscpy(ident.self.name, ci->cn, sizeof(ident.self.name));
	serial_hex(ci, ident.serial, sizeof(ident.serial));
	ident.not_after = ci->not_after;
	ident.valid = true;
	ident.error[0] = '\0';
	pr_info("identity \"%s\" (serial %s) verified\n", ident.self.name,
		ident.serial);
	return 0;

err_put_priv:
	key_put(priv);
err_unload:
	unload_cert(&prep);
	return err;
}

static int provision_cert(const u8 *der, size_t len)
{
	struct sivshmem_cert_info ci;
	int err;

	err = sivshmem_cert_parse(der, len, &ci);
	if (err) {
		set_error("refusing user key: not a DER X.509 certificate");
		return -EBADMSG;
	}
	return ci.is_ca ? provision_ca(der, len, &ci) :
			  provision_leaf(der, len, &ci);
}

/*
 * The ".sivshmem" keyring's restriction: runs in the context of the process
 * adding a key, before the key is linked.
 */
static int prov_restrict(struct key *keyring, const struct key_type *type,
			 const union key_payload *payload, struct key *unused)
{
	const struct user_key_payload *upayload;
	const struct public_key *pk;
	bool changed = false;
	size_t len;
	u8 *der;
	int err;

	if (!capable(CAP_SYS_ADMIN)) {
		pr_warn_ratelimited("refusing provisioning by %s[%d]: CAP_SYS_ADMIN required\n",
				    current->comm, task_pid_nr(current));
		return -EPERM;
	}

	if (type == &key_type_asymmetric) {
		pk = payload->data[asym_crypto];
		if (!pk || !pk->key_is_private || !pk->pkey_algo ||
		    strcmp(pk->pkey_algo, "rsa")) {
			pr_warn_ratelimited("refusing asymmetric key: only an RSA private key (PKCS#8) belongs here; add certificates as user keys\n");
			return -EKEYREJECTED;
		}
		return 0;
	}
	if (type != &key_type_user) {
		pr_warn_ratelimited("refusing a \"%s\" key: only user (certificates) and asymmetric (private key) keys\n",
				    type->name);
		return -EINVAL;
	}

	/*
	 * For a link or move of an existing key this is that key's live
	 * payload, which an update or revoke may replace: copy it under RCU
	 * and work on the copy.
	 */
	der = kmalloc(SIVSHMEM_CERT_MAX, GFP_KERNEL);
	if (!der)
		return -ENOMEM;
	rcu_read_lock();
	upayload = rcu_dereference(payload->rcu_data0);
	len = upayload ? upayload->datalen : 0;
	if (len && len <= SIVSHMEM_CERT_MAX)
		memcpy(der, upayload->data, len);
	rcu_read_unlock();
	if (!len || len > SIVSHMEM_CERT_MAX) {
		kfree(der);
		pr_warn_ratelimited("refusing user key: not a certificate of at most %d bytes\n",
				    SIVSHMEM_CERT_MAX);
		return -EMSGSIZE;
	}

	mutex_lock(&ident.lock);
	err = provision_cert(der, len);
	changed = !err && ident.valid;
	mutex_unlock(&ident.lock);
	kfree(der);
	if (changed)
		sivshmem_control_identity_changed();
	return err;
}

/**
 * sivshmem_identity_ready() - whether we have a usable identity
 *
 * Rechecks expiry and revocation of the private key.
 *
 * Return: true if registration may proceed.
 */
bool sivshmem_identity_ready(void)
{
	bool ready;

	mutex_lock(&ident.lock);
	if (ident.valid && ktime_get_real_seconds() > ident.not_after) {
		ident.valid = false;
		set_error("identity \"%s\" has expired", ident.self.name);
	}
	if (ident.valid && key_validate(ident.priv)) {
		ident.valid = false;
		set_error("private key of identity \"%s\" was revoked or invalidated",
			  ident.self.name);
	}
	ready = ident.valid;
	mutex_unlock(&ident.lock);
	return ready;
}

/*
 * A certificate another party sent: the role in its OU, usable for
 * signatures, within its dates, and signed by our trust anchor. @name, if
 * given, is the commonName it must carry.
 */
static int check_cert(const u8 *der, u16 len, const char *role,
		      const char *name, struct sivshmem_peer_cert *pc)
{
	struct sivshmem_cert_info ci;
	int err;

	memset(pc, 0, sizeof(*pc));
	err = sivshmem_cert_parse(der, len, &ci);
	if (err)
		return err;
	if (strcmp(ci.ou, role) || ci.is_ca ||
	    (ci.has_key_usage &&
	     !(ci.key_usage & SIVSHMEM_KU_DIGITAL_SIGNATURE)))
		return -EKEYREJECTED;
	if (name && strcmp(ci.cn, name))
		return -EKEYREJECTED;
	err = check_dates(&ci);
	if (err)
		return err;

	pc->der = kmemdup(der, len, GFP_KERNEL);
	if (!pc->der)
		return -ENOMEM;
	mutex_lock(&ident.lock);
	err = ident.have_anchor ? load_cert(pc->der, len, &ident.anchor,
					    &pc->prep) : -ENOKEY;
	mutex_unlock(&ident.lock);
	if (err) {
		kfree(pc->der);
		pc->der = NULL;
		return err;
	}
	pc->len = len;
	pc->loaded = true;
	strscpy(pc->name, ci.cn, sizeof(pc->name));
	return 0;
}

/**
 * sivshmem_identity_check_host() - verify the certificate the host sent
 * @der: the certificate, possibly hostile
 * @len: its length
 * @host: filled in on success; release with sivshmem_peer_cert_release()
 *
 * Context: Process context; sleeps.
 * Return: 0; -EBADMSG if unparsable; -EKEYREJECTED for a wrong role or
 * usage; -EKEYEXPIRED outside its dates; -ENOKEY if not signed by our CA.
 */
int sivshmem_identity_check_host(const u8 *der, u16 len,
				 struct sivshmem_peer_cert *host)
{
	return check_cert(der, len, ROLE_HOST, NULL, host);
}

/**
 * sivshmem_identity_check_peer() - verify another guest's certificate
 * @der: the certificate, possibly hostile
 * @len: its length
 * @name: the VM name its commonName must be
 * @peer: filled in on success; release with sivshmem_peer_cert_release()
 *
 * Revocation is the host daemon's to check: it holds the list and refuses
 * to grant a channel to a revoked certificate.
 *
 * Context: Process context; sleeps.
 * Return: 0; -EBADMSG if unparsable; -EKEYREJECTED for a wrong role, usage
 * or name; -EKEYEXPIRED outside its dates; -ENOKEY if not signed by our CA.
 */
int sivshmem_identity_check_peer(const u8 *der, u16 len, const char *name,
				 struct sivshmem_peer_cert *peer)
{
	return check_cert(der, len, ROLE_GUEST, name, peer);
}

/**
 * sivshmem_peer_cert_release() - drop what check_host() took
 * @pc: the verified certificate; may be empty
 */
void sivshmem_peer_cert_release(struct sivshmem_peer_cert *pc)
{
	if (pc->loaded)
		unload_cert(&pc->prep);
	kfree(pc->der);
	memset(pc, 0, sizeof(*pc));
}

/**
 * sivshmem_identity_verify() - check a signature over a transcript
 * @signer: a verified certificate
 * @tbs: the transcript
 * @tbs_len: its length
 * @sig: the signature, possibly hostile
 * @sig_len: its length
 *
 * Return: 0 if the signature is good, a negative errno otherwise.
 */
int sivshmem_identity_verify(const struct sivshmem_peer_cert *signer,
			     const u8 *tbs, size_t tbs_len,
			     const u8 *sig, u16 sig_len)
{
	u8 digest[SHA256_DIGEST_SIZE];

	if (!signer->loaded)
		return -ENOKEY;
	sha256(tbs, tbs_len, digest);
	return sivshmem_rsa_verify(pub_of(&signer->prep), digest, sig, sig_len) ?
	       -EKEYREJECTED : 0;
}

/**
 * sivshmem_identity_sign_auth() - sign an AUTH with our identity
 * @ctx: generation, peer ID and nonces of the registration
 * @host: the host certificate the guest accepted
 * @name: filled with our name, a NUL-padded %SIVSHMEM_NAME_MAX byte field
 * @cert: filled with our certificate, %SIVSHMEM_CERT_MAX bytes
 * @cert_len: its length
 * @sig: filled with the signature, %SIVSHMEM_SIG_MAX bytes
 * @sig_len: its length
 *
 * Name, certificate and key are taken together under the identity lock, so
 * a concurrent re-provisioning cannot mix two identities.
 *
 * Context: Process context; sleeps.
 * Return: 0, -ENOKEY without a valid identity, or a signing error.
 */
int sivshmem_identity_sign_auth(const struct sivshmem_tbs_ctx *ctx,
				const struct sivshmem_peer_cert *host,
				char *name, u8 *cert, u16 *cert_len,
				u8 *sig, u16 *sig_len)
{
	u8 digest[SHA256_DIGEST_SIZE];
	size_t tbs_len;
	u8 *tbs;
	int err;

	tbs = kmalloc(SIVSHMEM_TBS_MAX, GFP_KERNEL);
	if (!tbs)
		return -ENOMEM;

	mutex_lock(&ident.lock);
	if (!ident.valid) {
		err = -ENOKEY;
		goto out;
	}
	memset(name, 0, SIVSHMEM_NAME_MAX);
	memcpy(name, ident.self.name,
	       strnlen(ident.self.name, SIVSHMEM_NAME_MAX));
	memcpy(cert, ident.self.der, ident.self.len);
	*cert_len = ident.self.len;
	tbs_len = sivshmem_wire_tbs_auth(tbs, SIVSHMEM_TBS_MAX, ctx, host->der,
					 host->len, name, cert, *cert_len);
	if (!tbs_len) {
		err = -EMSGSIZE;
		goto out;
	}
	sha256(tbs, tbs_len, digest);
	err = sivshmem_rsa_sign(ident.priv, digest, sig, sig_len);
out:
	mutex_unlock(&ident.lock);
	kfree(tbs);
	return err;
}

static ssize_t keyring_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", key_serial(ident.prov));
}
static DEVICE_ATTR_RO(keyring);

static ssize_t trust_anchor_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	ssize_t ret;

	mutex_lock(&ident.lock);
	ret = ident.have_anchor ? sysfs_emit(buf, "%s\n", ident.anchor_name) :
				  sysfs_emit(buf, "none\n");
	mutex_unlock(&ident.lock);
	return ret;
}
static DEVICE_ATTR_RO(trust_anchor);

static ssize_t identity_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	ssize_t ret;

	sivshmem_identity_ready();
	mutex_lock(&ident.lock);
	if (ident.valid)
		ret = sysfs_emit(buf, "valid %s %s\n", ident.self.name, ident.serial);
	else if (ident.error[0])
		ret = sysfs_emit(buf, "invalid\n");
	else
		ret = sysfs_emit(buf, "none\n");
	mutex_unlock(&ident.lock);
	return ret;
}
static DEVICE_ATTR_RO(identity);

static ssize_t identity_error_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	ssize_t ret;

	mutex_lock(&ident.lock);
	ret = sysfs_emit(buf, "%s\n", ident.error);
	mutex_unlock(&ident.lock);
	return ret;
}
static DEVICE_ATTR_RO(identity_error);

static struct attribute *identity_attrs[] = {
	&dev_attr_keyring.attr,
	&dev_attr_trust_anchor.attr,
	&dev_attr_identity.attr,
	&dev_attr_identity_error.attr,
	NULL,
};

const struct attribute_group sivshmem_identity_group = {
	.attrs = identity_attrs,
};

/**
 * sivshmem_identity_init() - create the provisioning keyring
 *
 * Return: 0 or a negative errno.
 */
int sivshmem_identity_init(void)
{
	struct key_restriction *restrict_link;
	struct key *kr;

	restrict_link = kzalloc(sizeof(*restrict_link), GFP_KERNEL);
	if (!restrict_link)
		return -ENOMEM;
	restrict_link->check = prov_restrict;

	/* Root may write it; the restriction then demands CAP_SYS_ADMIN. */
	kr = keyring_alloc(".sivshmem", GLOBAL_ROOT_UID, GLOBAL_ROOT_GID,
			   current_cred(),
			   KEY_POS_ALL | KEY_USR_VIEW | KEY_USR_READ |
			   KEY_USR_WRITE | KEY_USR_SEARCH,
			   KEY_ALLOC_NOT_IN_QUOTA, restrict_link, NULL);
	if (IS_ERR(kr)) {
		kfree(restrict_link);
		return PTR_ERR(kr);
	}
	ident.prov = kr;
	return 0;
}

/**
 * sivshmem_identity_uninit() - drop the keyrings and the identity
 *
 * The provisioning keyring is revoked first: its restriction points into
 * this module, and a revoked keyring accepts no more links.
 */
void sivshmem_identity_uninit(void)
{
	key_revoke(ident.prov);
	key_put(ident.prov);
	mutex_lock(&ident.lock);
	ident.prov = NULL;
	sivshmem_peer_cert_release(&ident.self);
	key_put(ident.priv);
	ident.priv = NULL;
	if (ident.have_anchor)
		unload_cert(&ident.anchor);
	ident.have_anchor = false;
	ident.valid = false;
	ident.error[0] = '\0';
	mutex_unlock(&ident.lock);
}

/**
 * sivshmem_identity_snapshot() - our name and certificate, as of now
 * @name: filled with our name, %SIVSHMEM_NAME_MAX + 1 bytes, NUL-padded
 * @cert: filled with our certificate, %SIVSHMEM_CERT_MAX bytes
 * @cert_len: its length
 *
 * A handshake announces these first and signs later, with
 * sivshmem_identity_sign(), which refuses if the identity changed between.
 *
 * Return: 0, or -ENOKEY without a valid identity.
 */
int sivshmem_identity_snapshot(char *name, u8 *cert, u16 *cert_len)
{
	int err = 0;

	mutex_lock(&ident.lock);
	if (!ident.valid) {
		err = -ENOKEY;
	} else {
		memset(name, 0, SIVSHMEM_NAME_MAX + 1);
		strscpy(name, ident.self.name, SIVSHMEM_NAME_MAX + 1);
		memcpy(cert, ident.self.der, ident.self.len);
		*cert_len = ident.self.len;
	}
	mutex_unlock(&ident.lock);
	return err;
}

/**
 * sivshmem_identity_sign() - sign a transcript with our private key
 * @cert: the certificate the signature goes with, from a snapshot
 * @cert_len: its length
 * @tbs: the transcript
 * @tbs_len: its length
 * @sig: filled with the signature, %SIVSHMEM_SIG_MAX bytes
 * @sig_len: its length
 *
 * Context: Process context; sleeps.
 * Return: 0; -ENOKEY without a valid identity; -ESTALE if the identity is
 * no longer the one @cert belongs to; or a signing error.
 */
int sivshmem_identity_sign(const u8 *cert, u16 cert_len, const u8 *tbs,
			   size_t tbs_len, u8 *sig, u16 *sig_len)
{
	u8 digest[SHA256_DIGEST_SIZE];
	int err;

	sha256(tbs, tbs_len, digest);
	mutex_lock(&ident.lock);
	if (!ident.valid)
		err = -ENOKEY;
	else if (ident.self.len != cert_len ||
		 memcmp(ident.self.der, cert, cert_len))
		err = -ESTALE;
	else
		err = sivshmem_rsa_sign(ident.priv, digest, sig, sig_len);
	mutex_unlock(&ident.lock);
	return err;
}
