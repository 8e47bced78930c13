// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * libFuzzer target: sivshmem_cert_parse() on arbitrary bytes, as a hostile
 * VM can put any certificate into a CHALLENGE or an AUTH.
 * drivers/sivshmem/cert.c is built unmodified against the headers in shim/.
 *
 * The input is copied into a buffer of exactly its size so that ASan
 * reports any read past the certificate. The main property is no crash and
 * no undefined behaviour; when parsing succeeds the extracted fields must
 * also be within the bounds the rest of the driver relies on.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

/* 9999-12-31T23:59:60Z: the largest time a DER date can spell. */
#define TIME_MAX	253402300800LL

static void check_string(const char *s)
{
	const char *end = memchr(s, '\0', SIVSHMEM_CERT_STR_MAX + 1);

	CHECK(end);
	for (; s < end; s++)
		CHECK(*s >= 0x20 && *s <= 0x7e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sivshmem_cert_info info, again;
	u8 *der;
	int err;

	der = malloc(size ? size : 1);
	CHECK(der);
	memcpy(der, data, size);

	/* Garbage first: the parser must not rely on a zeroed @info. */
	memset(&info, 0xa5, sizeof(info));
	err = sivshmem_cert_parse(der, size, &info);
	CHECK(err == 0 || err == -EBADMSG);
	if (err) {
		free(der);
		return 0;
	}

	CHECK(info.serial_len >= 1 &&
	      info.serial_len <= SIVSHMEM_CERT_SERIAL_MAX + 1);
	check_string(info.cn);
	check_string(info.org);
	check_string(info.ou);
	CHECK(info.not_before >= 0 && info.not_before <= TIME_MAX);
	CHECK(info.not_after >= 0 && info.not_after <= TIME_MAX);
	CHECK(info.is_ca == 0 || info.is_ca == 1);
	CHECK(info.has_key_usage == 0 || info.has_key_usage == 1);
	/* keyUsage has at most two content bytes: bits 0..15. */
	CHECK(!(info.key_usage & ~0xffffU));
	if (!info.has_key_usage)
		CHECK(!info.key_usage);

	/* Deterministic, and independent of what @info held before. */
	memset(&again, 0x5a, sizeof(again));
	CHECK(!sivshmem_cert_parse(der, size, &again));
	CHECK(!memcmp(&info, &again, sizeof(info)));

	free(der);
	return 0;
}
