// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * The operations of sivshmem-ca on a CA directory; see ca.h for the files.
 *
 * Everything is made in memory first and then written to files created
 * with O_EXCL, so an existing file is never overwritten; if a step fails,
 * the files this call created are removed again. Private keys are only
 * ever encoded into secure-memory BIOs (cleansed when freed), read into
 * buffers that are cleansed before they are freed, and written to files
 * created with mode 0600.
 *
 * Not thread-safe (one OpenSSL error queue, one caller): this is the code
 * of a command-line tool.
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pki.h"
#include "wire.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ca.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define CA_KEY_BITS	3072
#define LEAF_KEY_BITS	2048
#define SERIAL_BYTES	16
#define SECS_PER_DAY	86400
/* No certificate, key or list this tool reads is anywhere near this. */
#define READ_MAX	(16 << 20)

#define ORG		"sivshmem"
#define OU_CA		"ca"
#define OU_GUEST	"guest"
#define OU_HOST		"host"

struct ca {
	char dir[PATH_MAX];
	X509 *crt;
	EVP_PKEY *key;
	time_t not_after;
};

/* Sits at the top of revoked.txt; sivshmemd parses the file. */
static const char revoked_header[] =
	"# sivshmem revocation list: written by \"sivshmem-ca revoke\", read by sivshmemd.\n"
	"#\n"
	"# Format: a line starting with '#' is a comment; blank lines are ignored.\n"
	"# Every other line is one revoked certificate, whitespace-separated fields:\n"
	"#   SERIAL NAME REVOKED_AT\n"
	"# SERIAL is the certificate's serial number in hex without separators\n"
	"# (uppercase, as \"openssl x509 -noout -serial\" prints it; compare it as\n"
	"# a number: case and leading zeros do not matter). Only this first field\n"
	"# decides; NAME (the CN) and REVOKED_AT (YYYYMMDDHHMMSSZ, UTC) are for\n"
	"# people, and more fields may follow in the future.\n";

static __printf(4, 5)
int fail(int status, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return status;
}

static int join(char *buf, size_t len, const char *dir, const char *name,
		const char *suffix)
{
	int n = snprintf(buf, len, "%s/%s%s", dir, name, suffix);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

bool ca_name_valid(const char *name)
{
	/* The rule the daemon and the guest kernel apply to the same names. */
	return sivshmem_wire_name_valid(name, strlen(name));
}

bool ca_cn_valid(const char *cn)
{
	size_t i, len = strlen(cn);

	if (len < 1 || len > CA_CN_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (cn[i] < 0x20 || cn[i] > 0x7e)
			return false;
	return true;
}

/* 1..CA_DAYS_MAX, decimal digits only; 0 or -EINVAL. */
int ca_parse_days(const char *s, int *days)
{
	unsigned long v;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end || errno || v < 1 || v > CA_DAYS_MAX)
		return -EINVAL;
	*days = v;
	return 0;
}

static int digits(const char *s, int n)
{
	int v = 0;

	while (n--) {
		if (!isdigit((unsigned char)*s))
			return -1;
		v = v * 10 + (*s++ - '0');
	}
	return v;
}

/* YYYYMMDDHHMMSSZ, UTC, a real calendar date in 1950..9999; 0 or -EINVAL. */
int ca_parse_time(const char *s, time_t *t)
{
	struct tm tm = { 0 }, back;
	int f[6], i;
	static const int width[6] = { 4, 2, 2, 2, 2, 2 };
	const char *p = s;
	time_t v;

	if (strlen(s) != 15 || s[14] != 'Z')
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		f[i] = digits(p, width[i]);
		if (f[i] < 0)
			return -EINVAL;
		p += width[i];
	}
	if (f[0] < 1950 || f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 ||
	    f[3] > 23 || f[4] > 59 || f[5] > 59)
		return -EINVAL;
	tm.tm_year = f[0] - 1900;
	tm.tm_mon = f[1] - 1;
	tm.tm_mday = f[2];
	tm.tm_hour = f[3];
	tm.tm_min = f[4];
	tm.tm_sec = f[5];
	v = timegm(&tm);
	/* timegm() normalizes; a changed day means there is no such date. */
	if (!gmtime_r(&v, &back) || back.tm_mday != f[2] ||
	    back.tm_mon != f[1] - 1)
		return -EINVAL;
	*t = v;
	return 0;
}

void ca_format_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y%m%d%H%M%SZ", &tm))
		snprintf(buf, len, "?");
}

static int asn1_time_to_time_t(const ASN1_TIME *at, time_t *t)
{
	struct tm tm;

	if (!ASN1_TIME_to_tm(at, &tm))
		return -EINVAL;
	*t = timegm(&tm);
	return 0;
}

/*
 * Reads a regular file of at most READ_MAX bytes into a NUL-terminated
 * buffer; 0 or -errno. st, if not NULL, gets the file's status.
 */
static int read_fd(int fd, char **bufp, size_t *lenp, struct stat *st)
{
	struct stat sb;
	size_t len = 0;
	char *buf;
	ssize_t n;

	if (fstat(fd, &sb))
		return -errno;
	if (S_ISDIR(sb.st_mode))
		return -EISDIR;
	if (!S_ISREG(sb.st_mode))
		return -EINVAL;
	if (sb.st_size > READ_MAX)
		return -EFBIG;
	buf = malloc(sb.st_size + 1);
	if (!buf)
		return -ENOMEM;
	while (len < (size_t)sb.st_size) {
		n = read(fd, buf + len, sb.st_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			OPENSSL_clear_free(buf, sb.st_size + 1);
			return n < 0 ? -errno : -EIO;
		}
		len += n;
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	if (st)
		*st = sb;
	return 0;
}

static int read_file(const char *path, char **bufp, size_t *lenp,
		     struct stat *st)
{
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	ret = read_fd(fd, bufp, lenp, st);
	close(fd);
	return ret;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= n;
	}
	return 0;
}

/*
 * Creates path, which must not exist, with the given mode from the start
 * (no chmod afterwards), writes data and syncs it; 0 or -errno.
 */
static int write_new_file(const char *path, const void *data, size_t len,
			  mode_t mode)
{
	int fd, ret;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  mode);
	if (fd < 0)
		return -errno;
	ret = write_all(fd, data, len);
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (ret)
		unlink(path);
	return ret;
}

static void fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Creates dir with mode 0700 unless it is already a directory. */
static int make_dir(const char *dir, const char *opt, char *err,
		    size_t errlen)
{
	struct stat st;

	if (!mkdir(dir, 0700))
		return CA_OK;
	if (errno != EEXIST)
		return fail(CA_FAIL, err, errlen,
			    "cannot create %s: %s (create its parent first or choose another %s)",
			    dir, strerror(errno), opt);
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return fail(CA_FAIL, err, errlen,
			    "%s exists and is not a directory: choose another %s",
			    dir, opt);
	return CA_OK;
}

static bool exists(const char *path)
{
	struct stat st;

	return !lstat(path, &st) || errno != ENOENT;
}

/* One file to write, and whether this call created it (for undoing). */
struct out_file {
	char path[PATH_MAX];
	BIO *data;
	mode_t mode;
	bool created;
};

static int write_out_files(struct out_file *f, unsigned int n, char *err,
			   size_t errlen)
{
	unsigned int i;
	char *data;
	long len;
	int ret;

	for (i = 0; i < n; i++) {
		len = BIO_get_mem_data(f[i].data, &data);
		ret = len < 0 ? -EIO : write_new_file(f[i].path, data, len,
						       f[i].mode);
		if (ret == -EEXIST)
			return fail(CA_FAIL, err, errlen,
				    "%s exists: remove it or choose another directory",
				    f[i].path);
		if (ret)
			return fail(CA_FAIL, err, errlen, "cannot write %s: %s",
				    f[i].path, strerror(-ret));
		f[i].created = true;
	}
	return CA_OK;
}

static void undo_out_files(struct out_file *f, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (f[i].created)
			unlink(f[i].path);
		f[i].created = false;
	}
}

static void free_out_files(struct out_file *f, unsigned int n)
{
	unsigned int i;

	/* Secure-memory BIOs cleanse their buffers when freed. */
	for (i = 0; i < n; i++)
		BIO_free(f[i].data);
}

static int alloc_out_files(struct out_file *f, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		f[i].data = BIO_new(BIO_s_secmem());
		if (!f[i].data)
			return -ENOMEM;
	}
	return 0;
}

static EVP_PKEY *rsa_keygen(unsigned int bits)
{
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *pkey = NULL;

	ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	if (!ctx)
		return NULL;
	if (EVP_PKEY_keygen_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, bits) <= 0 ||
	    EVP_PKEY_generate(ctx, &pkey) <= 0) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

/*
 * 16 random bytes, top bit cleared (positive) and the next one set, so it
 * is never zero and always encodes in exactly 16 bytes: 126 random bits.
 */
static int set_random_serial(X509 *x)
{
	unsigned char buf[SERIAL_BYTES];
	BIGNUM *bn;
	int ok;

	if (RAND_bytes(buf, sizeof(buf)) != 1)
		return -EIO;
	buf[0] = (buf[0] & 0x7f) | 0x40;
	bn = BN_bin2bn(buf, sizeof(buf), NULL);
	ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
	BN_free(bn);
	return ok ? 0 : -EIO;
}

/* The serial as "openssl x509 -serial" prints it; free() the result. */
static char *serial_str(const ASN1_INTEGER *ai)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *s = NULL;
	long len;

	if (b && i2a_ASN1_INTEGER(b, ai) > 0) {
		len = BIO_get_mem_data(b, &data);
		if (len > 0)
			s = strndup(data, len);
	}
	BIO_free(b);
	return s;
}

static X509_NAME *make_name(const char *ou, const char *cn)
{
	X509_NAME *n = X509_NAME_new();

	if (!n ||
	    !X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC,
					(const unsigned char *)ORG, -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(n, "OU", MBSTRING_ASC,
					(const unsigned char *)ou, -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
					(const unsigned char *)cn, -1, -1, 0)) {
		X509_NAME_free(n);
		return NULL;
	}
	return n;
}

static int add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ext;
	int ok;

	ext = X509V3_EXT_nconf_nid(NULL, ctx, nid, value);
	if (!ext)
		return -EINVAL;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -EINVAL;
}

/*
 * A v3 certificate for key with subject O=sivshmem, OU=ou, CN=cn, signed
 * with sha256WithRSAEncryption by issuer_key; issuer NULL makes it
 * self-signed (the CA).
 */
static X509 *make_cert(EVP_PKEY *key, const char *ou, const char *cn,
		       time_t not_before, time_t not_after, X509 *issuer,
		       EVP_PKEY *issuer_key)
{
	X509_NAME *name = make_name(ou, cn);
	X509 *x = X509_new();
	X509V3_CTX ctx;
	int ok;

	ok = name && x && X509_set_version(x, X509_VERSION_3) &&
	     !set_random_serial(x) && X509_set_subject_name(x, name) &&
	     X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) :
					      name) &&
	     ASN1_TIME_set(X509_getm_notBefore(x), not_before) &&
	     ASN1_TIME_set(X509_getm_notAfter(x), not_after) &&
	     X509_set_pubkey(x, key);
	if (ok) {
		X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
		if (issuer)
			ok = !add_ext(x, &ctx, NID_basic_constraints,
				      "critical,CA:FALSE") &&
			     !add_ext(x, &ctx, NID_key_usage,
				      "critical,digitalSignature") &&
			     !add_ext(x, &ctx, NID_subject_key_identifier,
				      "hash") &&
			     !add_ext(x, &ctx, NID_authority_key_identifier,
				      "keyid:always");
		else
			ok = !add_ext(x, &ctx, NID_basic_constraints,
				      "critical,CA:TRUE") &&
			     !add_ext(x, &ctx, NID_key_usage,
				      "critical,keyCertSign,cRLSign") &&
			     !add_ext(x, &ctx, NID_subject_key_identifier,
				      "hash");
	}
	ok = ok && X509_sign(x, issuer_key, EVP_sha256()) > 0;
	X509_NAME_free(name);
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static bool encode_cert(X509 *x, BIO *pem, BIO *der)
{
	return (!pem || PEM_write_bio_X509(pem, x)) &&
	       (!der || i2d_X509_bio(der, x));
}

/* Unencrypted PKCS#8, the only form the 6.1 kernel's parser takes. */
static bool encode_key(EVP_PKEY *key, BIO *pem, BIO *der)
{
	return (!pem || PEM_write_bio_PKCS8PrivateKey(pem, key, NULL, NULL, 0,
						      NULL, NULL)) &&
	       (!der || i2d_PKCS8PrivateKey_bio(der, key, NULL, NULL, 0, NULL,
						NULL));
}

static const char *const ca_files[] = {
	CA_KEY_FILE, CA_CRT_FILE, CA_CRT_DER_FILE, CA_ISSUED_FILE,
	CA_REVOKED_FILE,
};

int ca_init(const char *dir, const char *cn, int days, char *err,
	    size_t errlen)
{
	struct out_file f[ARRAY_SIZE(ca_files)] = { 0 };
	EVP_PKEY *key = NULL;
	X509 *crt = NULL;
	unsigned int i;
	time_t now;
	int ret;

	if (!ca_cn_valid(cn))
		return fail(CA_USAGE, err, errlen,
			    "bad --cn: give 1-%d printable ASCII characters",
			    CA_CN_MAX);
	if (days < 1 || days > CA_DAYS_MAX)
		return fail(CA_USAGE, err, errlen,
			    "bad --days: give 1 to %d", CA_DAYS_MAX);
	ret = make_dir(dir, "--dir", err, errlen);
	if (ret)
		return ret;
	for (i = 0; i < ARRAY_SIZE(ca_files); i++) {
		if (join(f[i].path, sizeof(f[i].path), dir, ca_files[i], ""))
			return fail(CA_USAGE, err, errlen,
				    "--dir path too long: %s", dir);
		if (exists(f[i].path))
			return fail(CA_FAIL, err, errlen,
				    "%s already holds a CA (found %s): choose another --dir",
				    dir, f[i].path);
	}
	f[0].mode = 0600;
	for (i = 1; i < ARRAY_SIZE(f); i++)
		f[i].mode = 0644;

	ret = fail(CA_FAIL, err, errlen, "out of memory");
	if (alloc_out_files(f, ARRAY_SIZE(f)))
		goto out;
	key = rsa_keygen(CA_KEY_BITS);
	if (!key) {
		ret = fail(CA_FAIL, err, errlen, "cannot generate an RSA key: %s",
			   pki_ossl_error());
		goto out;
	}
	now = time(NULL) - CA_SKEW_SEC;
	crt = make_cert(key, OU_CA, cn, now, now + (time_t)days * SECS_PER_DAY,
			NULL, key);
	if (!crt) {
		ret = fail(CA_FAIL, err, errlen,
			   "cannot make the CA certificate: %s", pki_ossl_error());
		goto out;
	}
	if (!encode_key(key, f[0].data, NULL) ||
	    !encode_cert(crt, f[1].data, f[2].data) ||
	    BIO_puts(f[4].data, revoked_header) <= 0) {
		ret = fail(CA_FAIL, err, errlen, "cannot encode the CA: %s",
			   pki_ossl_error());
		goto out;
	}
	ret = write_out_files(f, ARRAY_SIZE(f), err, errlen);
	if (ret)
		undo_out_files(f, ARRAY_SIZE(f));
	else
		fsync_dir(dir);
out:
	free_out_files(f, ARRAY_SIZE(f));
	X509_free(crt);
	EVP_PKEY_free(key);
	return ret;
}

/* An encrypted key fails instead of prompting on the terminal. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

static int no_ca(const char *dir, char *err, size_t errlen)
{
	return fail(CA_FAIL, err, errlen,
		    "no CA in %s: run sivshmem-ca init --dir %s first", dir, dir);
}

int ca_load(const char *dir, struct ca **cap, char *err, size_t errlen)
{
	char kpath[PATH_MAX], cpath[PATH_MAX];
	char *buf = NULL;
	struct ca *ca;
	struct stat st;
	size_t len;
	BIO *b;
	int ret;

	if (join(kpath, sizeof(kpath), dir, CA_KEY_FILE, "") ||
	    join(cpath, sizeof(cpath), dir, CA_CRT_FILE, ""))
		return fail(CA_USAGE, err, errlen, "--dir path too long: %s",
			    dir);
	if (!exists(kpath) || !exists(cpath))
		return no_ca(dir, err, errlen);
	ca = calloc(1, sizeof(*ca));
	if (!ca)
		return fail(CA_FAIL, err, errlen, "out of memory");
	snprintf(ca->dir, sizeof(ca->dir), "%s", dir);

	ret = read_file(kpath, &buf, &len, &st);
	if (ret) {
		ret = fail(CA_FAIL, err, errlen, "cannot read %s: %s", kpath,
			   strerror(-ret));
		goto fail;
	}
	if (st.st_mode & 077) {
		ret = fail(CA_FAIL, err, errlen,
			   "%s is accessible by group or others (mode %04o): run chmod 600 %s",
			   kpath, (unsigned int)(st.st_mode & 07777), kpath);
		goto fail;
	}
	b = BIO_new_mem_buf(buf, len);
	ca->key = b ? PEM_read_bio_PrivateKey(b, NULL, no_passphrase, NULL) :
		      NULL;
	BIO_free(b);
	if (!ca->key || !EVP_PKEY_is_a(ca->key, "RSA")) {
		ret = fail(CA_FAIL, err, errlen,
			   "%s is not an unencrypted RSA key in PEM: restore it from a backup or init a new CA",
			   kpath);
		goto fail;
	}
	OPENSSL_clear_free(buf, len + 1);
	buf = NULL;

	ret = read_file(cpath, &buf, &len, NULL);
	if (ret) {
		ret = fail(CA_FAIL, err, errlen, "cannot read %s: %s", cpath,
			   strerror(-ret));
		goto fail;
	}
	b = BIO_new_mem_buf(buf, len);
	ca->crt = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	if (!ca->crt ||
	    asn1_time_to_time_t(X509_get0_notAfter(ca->crt), &ca->not_after)) {
		ret = fail(CA_FAIL, err, errlen,
			   "%s is not a PEM certificate: restore it from a backup or init a new CA",
			   cpath);
		goto fail;
	}
	if (X509_check_private_key(ca->crt, ca->key) != 1) {
		ret = fail(CA_FAIL, err, errlen,
			   "%s does not belong to %s: restore the pair from a backup",
			   kpath, cpath);
		goto fail;
	}
	free(buf);
	ERR_clear_error();
	*cap = ca;
	return CA_OK;

fail:
	if (buf)
		OPENSSL_clear_free(buf, len + 1);
	ERR_clear_error();
	ca_free(ca);
	return ret;
}

void ca_free(struct ca *ca)
{
	if (!ca)
		return;
	EVP_PKEY_free(ca->key);
	X509_free(ca->crt);
	free(ca);
}

/* Opens DIR/issued.txt and takes the CA directory's lock on it. */
static int open_issued_locked(const char *dir, int flags, char *path,
			      size_t len, int *fdp, char *err, size_t errlen)
{
	int fd;

	if (join(path, len, dir, CA_ISSUED_FILE, ""))
		return fail(CA_USAGE, err, errlen, "--dir path too long: %s",
			    dir);
	fd = open(path, flags | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return fail(CA_FAIL, err, errlen,
			    "cannot open %s: %s (is %s a CA made by sivshmem-ca init?)",
			    path, strerror(errno), dir);
	while (flock(fd, LOCK_EX)) {
		if (errno != EINTR) {
			close(fd);
			return fail(CA_FAIL, err, errlen, "cannot lock %s: %s",
				    path, strerror(errno));
		}
	}
	*fdp = fd;
	return CA_OK;
}

enum { LEAF_CRT_DER, LEAF_KEY_DER, LEAF_CRT_PEM, LEAF_KEY_PEM, LEAF_FILES };

static const struct {
	const char *suffix;
	mode_t mode;
} leaf_files[LEAF_FILES] = {
	[LEAF_CRT_DER] = { ".crt.der", 0644 },
	[LEAF_KEY_DER] = { ".key.p8.der", 0600 },
	[LEAF_CRT_PEM] = { ".crt.pem", 0644 },
	[LEAF_KEY_PEM] = { ".key.pem", 0600 },
};

int ca_issue(struct ca *ca, const struct ca_issue_req *req,
	     struct ca_issued *out, char *err, size_t errlen)
{
	struct out_file f[LEAF_FILES] = { 0 };
	char ipath[PATH_MAX], line[256], when[32];
	time_t not_before, not_after;
	const char *role = req->host ? OU_HOST : OU_GUEST;
	EVP_PKEY *key = NULL;
	X509 *crt = NULL;
	char *serial = NULL;
	unsigned int i;
	int fd = -1, ret, n;

	if (!ca_name_valid(req->name))
		return fail(CA_USAGE, err, errlen,
			    "bad name '%s': use " CA_NAME_RULE, req->name);
	if (req->not_before || req->not_after) {
		if (req->not_after <= req->not_before)
			return fail(CA_USAGE, err, errlen,
				    "--not-after must be later than --not-before");
		not_before = req->not_before;
		not_after = req->not_after;
	} else {
		if (req->days < 1 || req->days > CA_DAYS_MAX)
			return fail(CA_USAGE, err, errlen,
				    "bad --days: give 1 to %d", CA_DAYS_MAX);
		not_before = time(NULL) - CA_SKEW_SEC;
		not_after = not_before + (time_t)req->days * SECS_PER_DAY;
	}
	if (not_after > ca->not_after) {
		ca_format_time(ca->not_after, when, sizeof(when));
		return fail(CA_FAIL, err, errlen,
			    "the certificate would outlive the CA (not after %s): give a shorter %s",
			    when, req->not_after ? "--not-after" : "--days");
	}
	ret = make_dir(req->outdir, "--out", err, errlen);
	if (ret)
		return ret;
	for (i = 0; i < LEAF_FILES; i++) {
		if (join(f[i].path, sizeof(f[i].path), req->outdir, req->name,
			 leaf_files[i].suffix))
			return fail(CA_USAGE, err, errlen,
				    "--out path too long: %s", req->outdir);
		if (exists(f[i].path))
			return fail(CA_FAIL, err, errlen,
				    "%s exists: remove it or choose another --out",
				    f[i].path);
		f[i].mode = leaf_files[i].mode;
	}
	ret = open_issued_locked(ca->dir, O_WRONLY | O_APPEND, ipath,
				 sizeof(ipath), &fd, err, errlen);
	if (ret)
		return ret;

	ret = fail(CA_FAIL, err, errlen, "out of memory");
	if (alloc_out_files(f, LEAF_FILES))
		goto out;
	key = rsa_keygen(LEAF_KEY_BITS);
	if (!key) {
		ret = fail(CA_FAIL, err, errlen, "cannot generate an RSA key: %s",
			   pki_ossl_error());
		goto out;
	}
	crt = make_cert(key, role, req->name, not_before, not_after, ca->crt,
			ca->key);
	if (!crt) {
		ret = fail(CA_FAIL, err, errlen,
			   "cannot make the certificate: %s", pki_ossl_error());
		goto out;
	}
	serial = serial_str(X509_get0_serialNumber(crt));
	if (!serial || strlen(serial) >= sizeof(out->serial))
		goto out;
	if (!encode_cert(crt, f[LEAF_CRT_PEM].data, f[LEAF_CRT_DER].data) ||
	    !encode_key(key, f[LEAF_KEY_PEM].data, f[LEAF_KEY_DER].data)) {
		ret = fail(CA_FAIL, err, errlen, "cannot encode the output: %s",
			   pki_ossl_error());
		goto out;
	}
	ret = write_out_files(f, LEAF_FILES, err, errlen);
	if (ret)
		goto undo;
	fsync_dir(req->outdir);

	ca_format_time(not_after, when, sizeof(when));
	n = snprintf(line, sizeof(line), "%s %s %s %s\n", serial, role,
		     req->name, when);
	ret = n < 0 || (size_t)n >= sizeof(line) ? -EINVAL :
						     write_all(fd, line, n);
	if (!ret && fsync(fd))
		ret = -errno;
	if (ret) {
		ret = fail(CA_FAIL, err, errlen, "cannot append to %s: %s",
			   ipath, strerror(-ret));
		goto undo;
	}
	snprintf(out->serial, sizeof(out->serial), "%s", serial);
	out->not_after = not_after;
	ret = CA_OK;
	goto out;

undo:
	undo_out_files(f, LEAF_FILES);
out:
	free_out_files(f, LEAF_FILES);
	free(serial);
	X509_free(crt);
	EVP_PKEY_free(key);
	close(fd);
	return ret;
}

/* A growing array of strings that point into a file's buffer. */
struct strv {
	char **v;
	unsigned int n, cap;
};

static int strv_add(struct strv *sv, char *s)
{
	char **v;

	if (sv->n == sv->cap) {
		sv->cap = sv->cap ? 2 * sv->cap : 16;
		v = realloc(sv->v, sv->cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		sv->v = v;
	}
	sv->v[sv->n++] = s;
	return 0;
}

static bool strv_has(const struct strv *sv, const char *s)
{
	unsigned int i;

	for (i = 0; i < sv->n; i++)
		if (!strcasecmp(sv->v[i], s))
			return true;
	return false;
}

/*
 * Splits buf (modified) into lines and fields; skips blank lines and
 * '#' comments. For each other line, field 0 goes into first and, when
 * want_name, field 2 (issued.txt's NAME) must equal want_name for the
 * line to count. 0, or the 1-based number of a malformed line.
 */
static int parse_list(char *buf, unsigned int min_fields, int name_field,
		      const char *want_name, struct strv *first)
{
	char *field, *save, *f[4];
	unsigned int lineno = 0, nf;
	char *p = buf, *nl;

	for (; p && *p; p = nl) {
		lineno++;
		nl = strchr(p, '\n');
		if (nl)
			*nl++ = '\0';
		nf = 0;
		for (field = strtok_r(p, " \t\r", &save);
		     field && nf < ARRAY_SIZE(f);
		     field = strtok_r(NULL, " \t\r", &save))
			f[nf++] = field;
		if (!nf || f[0][0] == '#')
			continue;
		if (nf < min_fields)
			return lineno;
		if (name_field >= 0 && strcmp(f[name_field], want_name))
			continue;
		if (strv_add(first, f[0]))
			return -ENOMEM;
	}
	return 0;
}

int ca_revoke(const char *dir, const char *name, unsigned int *count,
	      char *err, size_t errlen)
{
	char ipath[PATH_MAX], rpath[PATH_MAX], when[32];
	struct strv issued = { 0 }, revoked = { 0 };
	char *ibuf = NULL, *rbuf = NULL;
	BIO *add = NULL;
	size_t ilen, rlen;
	unsigned int i, n = 0;
	int fd = -1, rfd = -1, ret;
	char *data;
	long len;

	if (!ca_name_valid(name))
		return fail(CA_USAGE, err, errlen,
			    "bad name '%s': use " CA_NAME_RULE, name);
	if (join(rpath, sizeof(rpath), dir, CA_REVOKED_FILE, "") ||
	    join(ipath, sizeof(ipath), dir, CA_CRT_FILE, ""))
		return fail(CA_USAGE, err, errlen, "--dir path too long: %s",
			    dir);
	if (!exists(ipath))
		return no_ca(dir, err, errlen);
	ret = open_issued_locked(dir, O_RDONLY, ipath, sizeof(ipath), &fd,
				 err, errlen);
	if (ret)
		return ret;

	ret = read_fd(fd, &ibuf, &ilen, NULL);
	if (ret) {
		ret = fail(CA_FAIL, err, errlen, "cannot read %s: %s", ipath,
			   strerror(-ret));
		goto out;
	}
	ret = parse_list(ibuf, 4, 2, name, &issued);
	if (ret < 0) {
		ret = fail(CA_FAIL, err, errlen, "out of memory");
		goto out;
	}
	if (ret) {
		ret = fail(CA_FAIL, err, errlen,
			   "%s:%d: not SERIAL ROLE NAME NOTAFTER: repair the line",
			   ipath, ret);
		goto out;
	}
	if (!issued.n) {
		ret = fail(CA_FAIL, err, errlen,
			   "no certificate was issued to %s in %s: check the name in %s",
			   name, dir, ipath);
		goto out;
	}
	rfd = open(rpath, O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
	ret = rfd < 0 ? -errno : read_fd(rfd, &rbuf, &rlen, NULL);
	if (ret) {
		ret = fail(CA_FAIL, err, errlen, "cannot read %s: %s", rpath,
			   strerror(-ret));
		goto out;
	}
	ret = parse_list(rbuf, 1, -1, NULL, &revoked);
	if (ret < 0) {
		ret = fail(CA_FAIL, err, errlen, "out of memory");
		goto out;
	}

	ca_format_time(time(NULL), when, sizeof(when));
	ret = fail(CA_FAIL, err, errlen, "out of memory");
	add = BIO_new(BIO_s_mem());
	if (!add)
		goto out;
	for (i = 0; i < issued.n; i++) {
		if (strv_has(&revoked, issued.v[i]))
			continue;
		/* Twice in issued.txt: revoke it once. */
		if (strv_add(&revoked, issued.v[i]))
			goto out;
		if (BIO_printf(add, "%s %s %s\n", issued.v[i], name, when) <= 0)
			goto out;
		n++;
	}
	if (!n) {
		ret = fail(CA_FAIL, err, errlen,
			   "%s is already revoked (%u certificate%s in %s)",
			   name, issued.n, issued.n == 1 ? "" : "s", rpath);
		goto out;
	}
	len = BIO_get_mem_data(add, &data);
	ret = len <= 0 ? -EIO : write_all(rfd, data, len);
	if (!ret && fsync(rfd))
		ret = -errno;
	if (ret) {
		ret = fail(CA_FAIL, err, errlen, "cannot append to %s: %s",
			   rpath, strerror(-ret));
		goto out;
	}
	*count = n;
	ret = CA_OK;
out:
	BIO_free(add);
	free(issued.v);
	free(revoked.v);
	free(ibuf);
	free(rbuf);
	if (rfd >= 0)
		close(rfd);
	close(fd);
	return ret;
}

/* Exactly one entry of nid whose value is exactly s. */
static bool name_entry_is(const X509_NAME *n, int nid, const char *s)
{
	const ASN1_STRING *v;
	int i = X509_NAME_get_index_by_NID(n, nid, -1);

	if (i < 0 || X509_NAME_get_index_by_NID(n, nid, i) >= 0)
		return false;
	v = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i));
	return v && (size_t)ASN1_STRING_length(v) == strlen(s) &&
	       !memcmp(ASN1_STRING_get0_data(v), s, strlen(s));
}

/* From OU, for certificates of O=sivshmem only. */
static const char *cert_role(const X509_NAME *n)
{
	static const char *const roles[] = { OU_CA, OU_GUEST, OU_HOST };
	unsigned int i;

	if (!name_entry_is(n, NID_organizationName, ORG))
		return "unknown";
	for (i = 0; i < ARRAY_SIZE(roles); i++)
		if (name_entry_is(n, NID_organizationalUnitName, roles[i]))
			return roles[i];
	return "unknown";
}

/* Control and non-ASCII characters come out escaped, never raw. */
#define SHOW_NAME_FLAGS	(XN_FLAG_ONELINE & ~XN_FLAG_SPC_EQ)
#define SHOW_STR_FLAGS	(ASN1_STRFLGS_RFC2253 & ~ASN1_STRFLGS_ESC_2253)

static bool print_time(BIO *b, const char *label, const ASN1_TIME *at)
{
	char buf[64];
	struct tm tm;

	if (!ASN1_TIME_to_tm(at, &tm) ||
	    !strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm))
		return false;
	return BIO_printf(b, "%s: %s\n", label, buf) > 0;
}

static bool print_cert(BIO *b, X509 *x)
{
	const X509_NAME *subj = X509_get_subject_name(x);
	unsigned char md[EVP_MAX_MD_SIZE];
	const ASN1_STRING *cn = NULL;
	unsigned int mdlen, i;
	char *serial;
	bool ok;
	int idx;

	idx = X509_NAME_get_index_by_NID(subj, NID_commonName, -1);
	if (idx >= 0)
		cn = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subj, idx));
	serial = serial_str(X509_get0_serialNumber(x));
	ok = serial && X509_digest(x, EVP_sha256(), md, &mdlen) &&
	     BIO_puts(b, "subject: ") > 0 &&
	     X509_NAME_print_ex(b, subj, 0, SHOW_NAME_FLAGS) >= 0 &&
	     BIO_printf(b, "\nrole: %s\nname: ", cert_role(subj)) > 0 &&
	     (!cn || ASN1_STRING_print_ex(b, cn, SHOW_STR_FLAGS) >= 0) &&
	     BIO_printf(b, "\nserial: %s\n", serial) > 0 &&
	     print_time(b, "not before", X509_get0_notBefore(x)) &&
	     print_time(b, "not after", X509_get0_notAfter(x)) &&
	     BIO_puts(b, "issuer: ") > 0 &&
	     X509_NAME_print_ex(b, X509_get_issuer_name(x), 0,
				SHOW_NAME_FLAGS) >= 0 &&
	     BIO_puts(b, "\nsha256 fingerprint: ") > 0;
	for (i = 0; ok && i < mdlen; i++)
		ok = BIO_printf(b, "%02X%s", md[i],
				i + 1 < mdlen ? ":" : "\n") > 0;
	free(serial);
	return ok;
}

int ca_show(const char *path, FILE *out, char *err, size_t errlen)
{
	X509 *x = NULL;
	BIO *b = NULL;
	char *buf, *data;
	size_t len;
	long n;
	int ret;

	ret = read_file(path, &buf, &len, NULL);
	if (ret)
		return fail(CA_FAIL, err, errlen, "cannot read %s: %s", path,
			    strerror(-ret));
	x = pki_cert_parse(buf, len);
	free(buf);
	if (!x)
		return fail(CA_FAIL, err, errlen,
			    "%s is not an X.509 certificate (DER or PEM): give a .crt.der or .crt.pem file",
			    path);
	b = BIO_new(BIO_s_mem());
	if (!b || !print_cert(b, x)) {
		ret = fail(CA_FAIL, err, errlen, "cannot print %s: %s", path,
			   pki_ossl_error());
		goto out;
	}
	n = BIO_get_mem_data(b, &data);
	if (n <= 0 || fwrite(data, 1, n, out) != (size_t)n || fflush(out)) {
		ret = fail(CA_FAIL, err, errlen, "cannot write the output: %s",
			   strerror(errno));
		goto out;
	}
	ret = CA_OK;
out:
	BIO_free(b);
	X509_free(x);
	return ret;
}
