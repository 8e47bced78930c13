// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * Everything a guest sends in an AUTH (name, certificate, signature), and
 * the certificates and signatures of a channel's ACCEPT and CONFIRM, is
 * hostile input: the certificate is parsed from the daemon's private copy
 * of the slot with d2i_X509() and must use every byte, it is verified
 * against a store that holds only the CA, and its subject must name exactly
 * one OU and one CN. The checks run cheapest first and stop at the first
 * failure, whose reason goes into the (rate-limited) log.
 */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "auth.h"
#include "pki.h"

/* No certificate, key or revocation list of ours is anywhere near this. */
#define FILE_MAX	(1 << 20)
#define REVOKED_MAX	100000

static int read_all(const char *path, u8 **buf, size_t *len)
{
	FILE *f = fopen(path, "re");
	size_t n = 0, cap = 4096;
	u8 *p = NULL, *np;
	int err;

	if (!f)
		return -errno;
	for (;;) {
		np = realloc(p, cap);
		if (!np) {
			err = -ENOMEM;
			goto fail;
		}
		p = np;
		n += fread(p + n, 1, cap - n, f);
		if (n < cap)
			break;
		if (cap >= FILE_MAX) {
			err = -EFBIG;
			goto fail;
		}
		cap *= 2;
	}
	if (ferror(f)) {
		err = -EIO;
		goto fail;
	}
	fclose(f);
	*buf = p;
	*len = n;
	return 0;
fail:
	free(p);
	fclose(f);
	return err;
}

/* PEM or DER. */
static X509 *load_cert(const char *what, const char *path)
{
	size_t len;
	X509 *x;
	u8 *buf;
	int ret;

	ret = read_all(path, &buf, &len);
	if (ret) {
		log_err("%s %s: %s", what, path, strerror(-ret));
		return NULL;
	}
	x = pki_cert_parse(buf, len);
	free(buf);
	if (!x)
		log_err("%s %s: not a PEM or DER X.509 certificate", what, path);
	return x;
}

/* Never prompt: an encrypted key is refused. */
static int no_password(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

static EVP_PKEY *load_key(const char *path)
{
	const unsigned char *p;
	EVP_PKEY *key = NULL;
	size_t len;
	BIO *bio;
	u8 *buf;
	int ret;

	ret = read_all(path, &buf, &len);
	if (ret) {
		log_err("host-key %s: %s", path, strerror(-ret));
		return NULL;
	}
	bio = BIO_new_mem_buf(buf, len);
	if (bio)
		key = PEM_read_bio_PrivateKey(bio, NULL, no_password, NULL);
	BIO_free(bio);
	if (!key) {
		p = buf;
		key = d2i_AutoPrivateKey(NULL, &p, len);
	}
	OPENSSL_cleanse(buf, len);
	free(buf);
	ERR_clear_error();
	if (!key)
		log_err("host-key %s: not an unencrypted PEM or DER private key",
			path);
	return key;
}

/*
 * The value of the only @nid entry of @x's subject, printable ASCII.
 * Returns false if there is none, more than one, or it is not printable.
 */
static bool subject_entry(X509 *x, int nid, char *buf, size_t len)
{
	const X509_NAME *name = X509_get_subject_name(x);
	const ASN1_STRING *s;
	const unsigned char *d;
	int i, n;

	i = X509_NAME_get_index_by_NID(name, nid, -1);
	if (i < 0 || X509_NAME_get_index_by_NID(name, nid, i) >= 0)
		return false;
	s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
	n = ASN1_STRING_length(s);
	d = ASN1_STRING_get0_data(s);
	if (n <= 0 || (size_t)n >= len)
		return false;
	for (i = 0; i < n; i++)
		if (d[i] < 0x20 || d[i] > 0x7e)
			return false;
	memcpy(buf, d, n);
	buf[n] = '\0';
	return true;
}

/* 0, or the X509_V_ERR_* code; the store holds only the CA. */
static int verify(X509_STORE *store, X509 *x)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int err = X509_V_ERR_OUT_OF_MEM;

	if (ctx && X509_STORE_CTX_init(ctx, store, x, NULL) == 1) {
		err = 0;
		if (X509_verify_cert(ctx) != 1) {
			err = X509_STORE_CTX_get_error(ctx);
			if (err == X509_V_OK)
				err = X509_V_ERR_UNSPECIFIED;
		}
	}
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return err;
}

/* Uppercase hex without leading zeros ("0" for zero), as the list has it. */
static void normalize_hex(const char *in, char *out)
{
	size_t i = 0;

	while (in[i] == '0' && in[i + 1])
		i++;
	for (; in[i]; i++)
		*out++ = toupper((unsigned char)in[i]);
	*out = '\0';
}

static bool serial_hex(X509 *x, char *out)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	bool ok = hex && strlen(hex) <= SIVD_SERIAL_HEX_MAX && hex[0] != '-';

	if (ok)
		normalize_hex(hex, out);
	OPENSSL_free(hex);
	BN_free(bn);
	return ok;
}

static bool sig_len_ok(size_t len)
{
	return len == 256 || len == 384 || len == 512;
}

static int load_revoked(struct sivd_auth *a, bool startup);

static int check_host(struct sivd_auth *a, const struct sivd_config *cfg,
		      X509 *host)
{
	char ou[SIVSHMEM_NAME_MAX + 1];
	unsigned char *p;
	int err, len;

	err = verify(a->store, host);
	if (err) {
		log_err("host-cert %s does not verify against the CA %s: %s",
			cfg->host_cert, cfg->ca_cert,
			X509_verify_cert_error_string(err));
		return -1;
	}
	if (!subject_entry(host, NID_organizationalUnitName, ou, sizeof(ou)) ||
	    strcmp(ou, "host")) {
		log_err("host-cert %s is not a host certificate (its subject needs OU=host)",
			cfg->host_cert);
		return -1;
	}
	if (X509_check_ca(host)) {
		log_err("host-cert %s is a CA certificate, not a host certificate",
			cfg->host_cert);
		return -1;
	}
	len = i2d_X509(host, NULL);
	if (len <= 0 || len > SIVSHMEM_CERT_MAX) {
		log_err("host-cert %s: DER encoding is %d bytes, more than the %d a CHALLENGE carries",
			cfg->host_cert, len, SIVSHMEM_CERT_MAX);
		return -1;
	}
	p = a->host_cert;
	i2d_X509(host, &p);
	a->host_cert_len = len;

	if (X509_check_private_key(host, a->key) != 1) {
		ERR_clear_error();
		log_err("host-key %s does not match host-cert %s",
			cfg->host_key, cfg->host_cert);
		return -1;
	}
	a->sig_len = EVP_PKEY_get_size(a->key);
	if (!EVP_PKEY_is_a(a->key, "RSA") || !sig_len_ok(a->sig_len)) {
		log_err("host-key %s: need an RSA key of 2048, 3072 or 4096 bits",
			cfg->host_key);
		return -1;
	}
	return 0;
}

/* Logs what is wrong and returns -1, or 0 with a usable identity. */
int sivd_auth_init(struct sivd_auth *a, const struct sivd_config *cfg)
{
	char serial[SIVD_SERIAL_HEX_MAX + 1];
	X509 *ca = NULL, *host = NULL;
	int ret = -1;

	memset(a, 0, sizeof(*a));
	a->rl.who = "revocation list";
	ca = load_cert("ca-cert", cfg->ca_cert);
	if (!ca)
		goto out;
	if (!(X509_get_extension_flags(ca) & EXFLAG_CA)) {
		log_err("ca-cert %s is not a CA certificate (no basicConstraints CA:TRUE)",
			cfg->ca_cert);
		goto out;
	}
	a->store = X509_STORE_new();
	if (!a->store || X509_STORE_add_cert(a->store, ca) != 1) {
		log_err("cannot set up the CA store: %s", pki_ossl_error());
		goto out;
	}
	host = load_cert("host-cert", cfg->host_cert);
	a->key = load_key(cfg->host_key);
	if (!host || !a->key || check_host(a, cfg, host))
		goto out;
	if (serial_hex(host, serial))
		log_info("host identity: %s (serial %s), verified against %s",
			 cfg->host_cert, serial, cfg->ca_cert);
	if (cfg->revoked[0]) {
		a->revoked_path = cfg->revoked;
		if (load_revoked(a, true))
			goto out;
	}
	ret = 0;
out:
	X509_free(ca);
	X509_free(host);
	if (ret)
		sivd_auth_free(a);
	return ret;
}

void sivd_auth_free(struct sivd_auth *a)
{
	X509_STORE_free(a->store);
	EVP_PKEY_free(a->key);
	free(a->revoked);
	a->store = NULL;
	a->key = NULL;
	a->revoked = NULL;
	a->nr_revoked = 0;
}

/* RSA PKCS#1 v1.5 over SHA-256; @sig has room for SIVSHMEM_SIG_MAX. */
int sivd_auth_sign(const struct sivd_auth *a, const u8 *tbs, size_t len,
		   u8 *sig, size_t *sig_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx;
	size_t n = SIVSHMEM_SIG_MAX;
	int ret = -EIO;

	if (ctx && len &&
	    EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), NULL, a->key) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1 &&
	    EVP_DigestSign(ctx, sig, &n, tbs, len) == 1 && n == a->sig_len) {
		*sig_len = n;
		ret = 0;
	}
	if (ret)
		log_err("cannot sign: %s", pki_ossl_error());
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ret;
}

static bool verify_sig(EVP_PKEY *key, const u8 *tbs, size_t len,
		       const struct sivshmem_blob *sig)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx;
	bool ok = false;

	if (ctx && len && EVP_PKEY_is_a(key, "RSA") &&
	    (size_t)EVP_PKEY_get_size(key) == sig->len &&
	    EVP_DigestVerifyInit(ctx, &pctx, EVP_sha256(), NULL, key) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1)
		ok = EVP_DigestVerify(ctx, sig->data, sig->len, tbs, len) == 1;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

/* @serial as serial_hex() writes it. */
bool sivd_auth_revoked(const struct sivd_auth *a, const char *serial)
{
	unsigned int i;

	for (i = 0; i < a->nr_revoked; i++)
		if (!strcmp(a->revoked[i], serial))
			return true;
	return false;
}

/*
 * Checks a guest certificate and a signature made with its key, cheapest
 * first: the certificate must chain to the CA, be a guest (OU=guest, not a
 * CA) certificate issued to @vm_name and not be revoked, and @sig must be
 * its signature over @tbs. Returns %SIVSHMEM_STATUS_OK, or AUTH_FAILED,
 * WRONG_NAME (issued to another VM) or REVOKED with the reason in @why.
 * @serial (SIVD_SERIAL_HEX_MAX + 1 bytes) gets the certificate's serial
 * once it parsed, else "".
 */
u32 sivd_auth_check(struct sivd_auth *a, const char *vm_name,
		    const struct sivshmem_blob *cert, const u8 *tbs,
		    size_t tbs_len, const struct sivshmem_blob *sig,
		    char *serial, char *why, size_t whylen)
{
	char ou[SIVSHMEM_NAME_MAX + 1], cn[SIVSHMEM_NAME_MAX + 1] = "";
	u32 status = SIVSHMEM_STATUS_AUTH_FAILED;
	X509 *x = NULL;
	int err;

	serial[0] = '\0';
	/* Guests send DER; pki_cert_parse() refuses trailing bytes. */
	x = memmem(cert->data, cert->len, "-----BEGIN ", 11) ?
	    NULL : pki_cert_parse(cert->data, cert->len);
	if (!x) {
		ERR_clear_error();
		snprintf(why, whylen, "certificate does not parse");
		return SIVSHMEM_STATUS_AUTH_FAILED;
	}
	if (!serial_hex(x, serial)) {
		snprintf(why, whylen, "certificate has an unusable serial");
		goto out;
	}
	err = verify(a->store, x);
	if (err) {
		snprintf(why, whylen,
			 "certificate (serial %s) does not verify against the CA: %s",
			 serial, X509_verify_cert_error_string(err));
		goto out;
	}
	if (!subject_entry(x, NID_organizationalUnitName, ou, sizeof(ou)) ||
	    strcmp(ou, "guest")) {
		snprintf(why, whylen,
			 "certificate (serial %s) is not a guest certificate (need OU=guest)",
			 serial);
		goto out;
	}
	if (X509_check_ca(x)) {
		snprintf(why, whylen, "certificate (serial %s) is a CA",
			 serial);
		goto out;
	}
	if (!subject_entry(x, NID_commonName, cn, sizeof(cn)) ||
	    strcmp(cn, vm_name)) {
		snprintf(why, whylen,
			 "certificate (serial %s) is not issued to %s (CN %s)",
			 serial, vm_name, cn[0] ? cn : "?");
		status = SIVSHMEM_STATUS_WRONG_NAME;
		goto out;
	}
	sivd_auth_reload_revoked(a);
	if (sivd_auth_revoked(a, serial)) {
		snprintf(why, whylen, "certificate (serial %s) is revoked",
			 serial);
		status = SIVSHMEM_STATUS_REVOKED;
		goto out;
	}
	if (!verify_sig(X509_get0_pubkey(x), tbs, tbs_len, sig)) {
		snprintf(why, whylen,
			 "signature does not verify with the certificate (serial %s)",
			 serial);
		goto out;
	}
	status = SIVSHMEM_STATUS_OK;
out:
	X509_free(x);
	ERR_clear_error();
	return status;
}

/*
 * Checks an AUTH: the name first, then sivd_auth_check() of its
 * certificate and its signature over the auth transcript.
 */
u32 sivd_auth_guest(struct sivd_auth *a, const char *vm_name,
		    const struct sivshmem_msg *m,
		    const struct sivshmem_tbs_ctx *ctx, char *serial,
		    char *why, size_t whylen)
{
	u8 tbs[SIVSHMEM_TBS_MAX];
	size_t len;

	serial[0] = '\0';
	if (strcmp(m->auth.name, vm_name)) {
		snprintf(why, whylen,
			 "name %s is not the name configured for this socket",
			 m->auth.name);
		return SIVSHMEM_STATUS_WRONG_NAME;
	}
	len = sivshmem_wire_tbs_auth(tbs, sizeof(tbs), ctx, a->host_cert,
				     a->host_cert_len, m->auth.name,
				     m->auth.cert.data, m->auth.cert.len);
	return sivd_auth_check(a, vm_name, &m->auth.cert, tbs, len,
			       &m->auth.sig, serial, why, whylen);
}

/* The first field of a line, if it is a serial number in hex. */
static bool parse_serial(char *line, char *out)
{
	char *hash = strchr(line, '#');
	char *tok, *save;
	size_t i, n;

	if (hash)
		*hash = '\0';
	tok = strtok_r(line, " \t\r\n", &save);
	if (!tok) {
		out[0] = '\0';
		return true;	/* blank or comment */
	}
	n = strlen(tok);
	if (n > SIVD_SERIAL_HEX_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)tok[i]))
			return false;
	normalize_hex(tok, out);
	return true;
}

/*
 * Replaces the list with the file's content. At start-up a file that
 * cannot be read is an error; later the old list stays in force.
 */
static int load_revoked(struct sivd_auth *a, bool startup)
{
	char (*list)[SIVD_SERIAL_HEX_MAX + 1] = NULL, (*nl)[SIVD_SERIAL_HEX_MAX + 1];
	char line[1024], serial[SIVD_SERIAL_HEX_MAX + 1];
	unsigned int n = 0, cap = 0, lineno = 0;
	struct stat st;
	FILE *f;

	f = fopen(a->revoked_path, "re");
	if (!f || fstat(fileno(f), &st)) {
		if (startup)
			log_err("revoked %s: %s", a->revoked_path,
				strerror(errno));
		else
			sivd_log_limited(&a->rl, SIVD_LOG_WARN,
					 "revoked %s: %s; keeping the %u revocations read before",
					 a->revoked_path, strerror(errno),
					 a->nr_revoked);
		if (f)
			fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			log_warn("revoked %s:%u: line too long, ignored",
				 a->revoked_path, lineno);
			while (fgets(line, sizeof(line), f) &&
			       !strchr(line, '\n'))
				;
			continue;
		}
		if (!parse_serial(line, serial)) {
			log_warn("revoked %s:%u: not a serial number in hex, ignored",
				 a->revoked_path, lineno);
			continue;
		}
		if (!serial[0])
			continue;
		if (n == cap) {
			if (cap >= REVOKED_MAX) {
				log_warn("revoked %s:%u: more than %d entries, ignoring the rest",
					 a->revoked_path, lineno, REVOKED_MAX);
				break;
			}
			cap = cap ? cap * 2 : 64;
			nl = realloc(list, cap * sizeof(*list));
			if (!nl) {
				free(list);
				fclose(f);
				log_err("revoked %s: out of memory",
					a->revoked_path);
				return -1;
			}
			list = nl;
		}
		strcpy(list[n++], serial);
	}
	fclose(f);
	free(a->revoked);
	a->revoked = list;
	a->nr_revoked = n;
	a->rev_mtime = st.st_mtim;
	a->rev_dev = st.st_dev;
	a->rev_ino = st.st_ino;
	a->rev_size = st.st_size;
	a->rev_epoch++;
	log_info("revoked %s: %u revoked certificate%s", a->revoked_path, n,
		 n == 1 ? "" : "s");
	return 0;
}

/* Re-reads the list if its file changed since it was last read. */
void sivd_auth_reload_revoked(struct sivd_auth *a)
{
	struct stat st;

	if (!a->revoked_path)
		return;
	if (stat(a->revoked_path, &st)) {
		sivd_log_limited(&a->rl, SIVD_LOG_WARN,
				 "revoked %s: %s; keeping the %u revocations read before",
				 a->revoked_path, strerror(errno),
				 a->nr_revoked);
		return;
	}
	if (st.st_mtim.tv_sec == a->rev_mtime.tv_sec &&
	    st.st_mtim.tv_nsec == a->rev_mtime.tv_nsec &&
	    st.st_dev == a->rev_dev && st.st_ino == a->rev_ino &&
	    st.st_size == a->rev_size)
		return;
	load_revoked(a, false);
}
