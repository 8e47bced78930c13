// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * A small, strict DER walker over X.509 certificates. The kernel's own
 * parser verifies signatures but keeps neither the validity dates nor the
 * extensions, and its header is private, so we read the few fields we need
 * ourselves. The input may come from a hostile VM: every length is checked
 * against what is left before it is used, and nothing is ever written past
 * the fixed-size fields of &struct sivshmem_cert_info.
 */

#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/string.h>
#include <linux/time.h>

#include "cert.h"

#define TAG_BOOLEAN		0x01
#define TAG_INTEGER		0x02
#define TAG_BIT_STRING		0x03
#define TAG_OCTET_STRING	0x04
#define TAG_OID			0x06
#define TAG_UTF8_STRING		0x0c
#define TAG_PRINTABLE_STRING	0x13
#define TAG_IA5_STRING		0x16
#define TAG_UTC_TIME		0x17
#define TAG_GENERALIZED_TIME	0x18
#define TAG_SEQUENCE		0x30
#define TAG_SET			0x31
#define TAG_CTX0		0xa0	/* [0] EXPLICIT version */
#define TAG_CTX1		0x81	/* [1] IMPLICIT issuerUniqueID */
#define TAG_CTX2		0x82	/* [2] IMPLICIT subjectUniqueID */
#define TAG_CTX3		0xa3	/* [3] EXPLICIT extensions */

static const u8 oid_cn[] = { 0x55, 0x04, 0x03 };
static const u8 oid_org[] = { 0x55, 0x04, 0x0a };
static const u8 oid_ou[] = { 0x55, 0x04, 0x0b };
static const u8 oid_key_usage[] = { 0x55, 0x1d, 0x0f };
static const u8 oid_basic_constraints[] = { 0x55, 0x1d, 0x13 };

struct der {
	const u8 *p;
	size_t len;
};

/* Takes the next element off @in; its content goes to @out. */
static int der_next(struct der *in, u8 *tag, struct der *out)
{
	size_t len, i, nlen;

	if (in->len < 2)
		return -EBADMSG;
	*tag = in->p[0];
	/* Multi-byte tags never occur in a certificate. */
	if ((*tag & 0x1f) == 0x1f)
		return -EBADMSG;
	len = in->p[1];
	i = 2;
	if (len & 0x80) {
		nlen = len & 0x7f;
		/* No indefinite lengths in DER; 3 bytes cover any slot. */
		if (!nlen || nlen > 3 || in->len < 2 + nlen)
			return -EBADMSG;
		len = 0;
		for (; i < 2 + nlen; i++)
			len = (len << 8) | in->p[i];
		/* DER uses the shortest form. */
		if (len < 0x80 || (nlen > 1 && !in->p[2]))
			return -EBADMSG;
	}
	if (len > in->len - i)
		return -EBADMSG;
	out->p = in->p + i;
	out->len = len;
	in->p += i + len;
	in->len -= i + len;
	return 0;
}

static int der_expect(struct der *in, u8 want, struct der *out)
{
	u8 tag;
	int err;

	err = der_next(in, &tag, out);
	if (err)
		return err;
	return tag == want ? 0 : -EBADMSG;
}

static bool oid_is(const struct der *oid, const u8 *want, size_t len)
{
	return oid->len == len && !memcmp(oid->p, want, len);
}

/* Copies a printable ASCII string into a NUL-terminated field. */
static int copy_string(u8 tag, const struct der *v, char *dst)
{
	size_t i;

	if (tag != TAG_UTF8_STRING && tag != TAG_PRINTABLE_STRING &&
	    tag != TAG_IA5_STRING)
		return -EBADMSG;
	if (v->len > SIVSHMEM_CERT_STR_MAX)
		return -EBADMSG;
	for (i = 0; i < v->len; i++)
		if (v->p[i] < 0x20 || v->p[i] > 0x7e)
			return -EBADMSG;
	memcpy(dst, v->p, v->len);
	dst[v->len] = '\0';
	return 0;
}

/* Name ::= SEQUENCE OF SET OF AttributeTypeAndValue */
static int parse_name(struct der name, struct sivshmem_cert_info *info)
{
	struct der set, atv, oid, val;
	u8 tag;
	int err;

	while (name.len) {
		err = der_expect(&name, TAG_SET, &set);
		while (!err && set.len) {
			err = der_expect(&set, TAG_SEQUENCE, &atv);
			if (!err)
				err = der_expect(&atv, TAG_OID, &oid);
			if (!err)
				err = der_next(&atv, &tag, &val);
			if (err)
				break;
			if (oid_is(&oid, oid_cn, sizeof(oid_cn)))
				err = copy_string(tag, &val, info->cn);
			else if (oid_is(&oid, oid_org, sizeof(oid_org)))
				err = copy_string(tag, &val, info->org);
			else if (oid_is(&oid, oid_ou, sizeof(oid_ou)))
				err = copy_string(tag, &val, info->ou);
		}
		if (err)
			return err;
	}
	return 0;
}

static int digits(const u8 *p, unsigned int n, unsigned int *out)
{
	unsigned int i, v = 0;

	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -EBADMSG;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return 0;
}

/*
 * UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ, UTC only, with
 * the limits of the kernel's x509_decode_time(), which reads the same bytes.
 */
static int parse_time(u8 tag, const struct der *v, time64_t *out)
{
	static const u8 month_days[] = { 31, 28, 31, 30, 31, 30,
					 31, 31, 30, 31, 30, 31 };
	unsigned int year, mon, day, hour, min, sec, mdays;
	const u8 *p = v->p;
	int err;

	if (tag == TAG_UTC_TIME && v->len == 13) {
		err = digits(p, 2, &year);
		if (!err)
			year += year < 50 ? 2000 : 1900;
		p += 2;
	} else if (tag == TAG_GENERALIZED_TIME && v->len == 15) {
		err = digits(p, 4, &year);
		/* RFC 5280 4.1.2.5: dates before 2050 are UTCTime. */
		if (!err && year < 2050)
			err = -EBADMSG;
		p += 4;
	} else {
		return -EBADMSG;
	}
	err = err ?: digits(p, 2, &mon);
	err = err ?: digits(p + 2, 2, &day);
	err = err ?: digits(p + 4, 2, &hour);
	err = err ?: digits(p + 6, 2, &min);
	err = err ?: digits(p + 8, 2, &sec);
	if (err || p[10] != 'Z')
		return -EBADMSG;
	if (year < 1970 || mon < 1 || mon > 12 || hour > 23 || min > 59 ||
	    sec > 60)
		return -EBADMSG;
	mdays = month_days[mon - 1];
	if (mon == 2 && year % 4 == 0 && (year % 100 || year % 400 == 0))
		mdays = 29;
	if (day < 1 || day > mdays)
		return -EBADMSG;
	*out = mktime64(year, mon, day, hour, min, sec);
	return 0;
}

static int parse_validity(struct der v, struct sivshmem_cert_info *info)
{
	struct der t;
	u8 tag;
	int err;

	err = der_next(&v, &tag, &t);
	if (!err)
		err = parse_time(tag, &t, &info->not_before);
	if (!err)
		err = der_next(&v, &tag, &t);
	if (!err)
		err = parse_time(tag, &t, &info->not_after);
	if (!err && v.len)
		err = -EBADMSG;
	return err;
}

static int parse_basic_constraints(struct der v, struct sivshmem_cert_info *info)
{
	struct der seq, b;
	u8 tag;
	int err;

	err = der_expect(&v, TAG_SEQUENCE, &seq);
	if (err || v.len)
		return -EBADMSG;
	info->is_ca = false;
	if (!seq.len)
		return 0;
	err = der_next(&seq, &tag, &b);
	if (err)
		return err;
	if (tag == TAG_BOOLEAN) {
		/* DER: exactly 0x00 or 0xff. */
		if (b.len != 1 || (b.p[0] && b.p[0] != 0xff))
			return -EBADMSG;
		info->is_ca = b.p[0] != 0;
	}
	return 0;
}

static int parse_key_usage(struct der v, struct sivshmem_cert_info *info)
{
	struct der bits;
	unsigned int i;
	int err;

	err = der_expect(&v, TAG_BIT_STRING, &bits);
	if (err || v.len || bits.len < 1 || bits.len > 3 || bits.p[0] > 7)
		return -EBADMSG;
	info->has_key_usage = true;
	info->key_usage = 0;
	/* Bit 0 is the most significant bit of the first content byte. */
	for (i = 0; i < (bits.len - 1) * 8; i++)
		if (bits.p[1 + i / 8] & (0x80 >> (i % 8)))
			info->key_usage |= BIT(i);
	return 0;
}

/* Extensions ::= SEQUENCE OF Extension */
static int parse_extensions(struct der v, struct sivshmem_cert_info *info)
{
	struct der exts, ext, oid, x, value;
	bool seen_bc = false, seen_ku = false;
	u8 tag;
	int err;

	err = der_expect(&v, TAG_SEQUENCE, &exts);
	if (err || v.len)
		return -EBADMSG;
	while (exts.len) {
		err = der_expect(&exts, TAG_SEQUENCE, &ext);
		if (!err)
			err = der_expect(&ext, TAG_OID, &oid);
		if (!err)
			err = der_next(&ext, &tag, &x);
		/* critical BOOLEAN DEFAULT FALSE */
		if (!err && tag == TAG_BOOLEAN)
			err = der_next(&ext, &tag, &x);
		if (err || tag != TAG_OCTET_STRING || ext.len)
			return -EBADMSG;
		value = x;
		/* RFC 5280 4.2: an extension appears at most once. */
		if (oid_is(&oid, oid_basic_constraints,
			   sizeof(oid_basic_constraints))) {
			err = seen_bc ? -EBADMSG :
					parse_basic_constraints(value, info);
			seen_bc = true;
		} else if (oid_is(&oid, oid_key_usage, sizeof(oid_key_usage))) {
			err = seen_ku ? -EBADMSG : parse_key_usage(value, info);
			seen_ku = true;
		}
		if (err)
			return err;
	}
	return 0;
}

/**
 * sivshmem_cert_parse() - read the fields sivshmem checks from a DER cert
 * @der: the certificate
 * @len: its length
 * @info: filled in on success
 *
 * This does not verify anything cryptographically; chain and signature
 * are checked by the kernel's keyring code, on the same bytes.
 *
 * Return: 0, or -EBADMSG if @der is not a well-formed X.509 certificate.
 */
int sivshmem_cert_parse(const u8 *der, size_t len,
			struct sivshmem_cert_info *info)
{
	struct der in = { der, len }, cert, tbs, v;
	u8 tag;
	int err;

	memset(info, 0, sizeof(*info));
	err = der_expect(&in, TAG_SEQUENCE, &cert);
	if (err || in.len)
		return -EBADMSG;
	/*
	 * Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm,
	 * signatureValue }, with nothing after them.
	 */
	err = der_expect(&cert, TAG_SEQUENCE, &tbs);
	if (!err)
		err = der_expect(&cert, TAG_SEQUENCE, &v);
	if (!err)
		err = der_expect(&cert, TAG_BIT_STRING, &v);
	if (err || cert.len)
		return -EBADMSG;

	err = der_next(&tbs, &tag, &v);
	if (!err && tag == TAG_CTX0)			/* version */
		err = der_next(&tbs, &tag, &v);
	if (err || tag != TAG_INTEGER || !v.len ||	/* serialNumber */
	    v.len > SIVSHMEM_CERT_SERIAL_MAX + 1)
		return -EBADMSG;
	memcpy(info->serial, v.p, v.len);
	info->serial_len = v.len;

	err = der_expect(&tbs, TAG_SEQUENCE, &v);	/* signature */
	if (!err)
		err = der_expect(&tbs, TAG_SEQUENCE, &v);	/* issuer */
	if (!err)
		err = der_expect(&tbs, TAG_SEQUENCE, &v);	/* validity */
	if (!err)
		err = parse_validity(v, info);
	if (!err)
		err = der_expect(&tbs, TAG_SEQUENCE, &v);	/* subject */
	if (!err)
		err = parse_name(v, info);
	if (!err)
		err = der_expect(&tbs, TAG_SEQUENCE, &v);	/* spki */
	while (!err && tbs.len) {
		err = der_next(&tbs, &tag, &v);
		if (err)
			break;
		if (tag == TAG_CTX3)
			err = parse_extensions(v, info);
		else if (tag != TAG_CTX1 && tag != TAG_CTX2)
			err = -EBADMSG;
	}
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_cert_parse);
