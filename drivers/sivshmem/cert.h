/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * The parts of an X.509 certificate the 6.1 kernel does not check for us:
 * validity dates, basicConstraints, keyUsage and the subject names that
 * carry a sivshmem identity's role and name.
 */

#ifndef _SIVSHMEM_CERT_H
#define _SIVSHMEM_CERT_H

#include <linux/time64.h>
#include <linux/types.h>

#define SIVSHMEM_CERT_STR_MAX		64
#define SIVSHMEM_CERT_SERIAL_MAX	20

/* keyUsage bits, numbered as in RFC 5280 (bit 0 is the first bit). */
#define SIVSHMEM_KU_DIGITAL_SIGNATURE	BIT(0)
#define SIVSHMEM_KU_KEY_CERT_SIGN	BIT(5)

/**
 * struct sivshmem_cert_info - what sivshmem_cert_parse() extracts
 * @serial: the serial number's content octets
 * @serial_len: their number
 * @cn: subject commonName ("" if absent)
 * @org: subject organizationName
 * @ou: subject organizationalUnitName: "ca", "guest" or "host" for
 *	certificates of the sivshmem CA
 * @not_before: start of validity, seconds since the epoch
 * @not_after: end of validity
 * @is_ca: basicConstraints present with cA TRUE
 * @has_key_usage: a keyUsage extension is present
 * @key_usage: its bits (SIVSHMEM_KU_*)
 */
struct sivshmem_cert_info {
	u8 serial[SIVSHMEM_CERT_SERIAL_MAX + 1];
	unsigned int serial_len;
	char cn[SIVSHMEM_CERT_STR_MAX + 1];
	char org[SIVSHMEM_CERT_STR_MAX + 1];
	char ou[SIVSHMEM_CERT_STR_MAX + 1];
	time64_t not_before;
	time64_t not_after;
	bool is_ca;
	bool has_key_usage;
	u32 key_usage;
};

int sivshmem_cert_parse(const u8 *der, size_t len,
			struct sivshmem_cert_info *info);

#endif /* _SIVSHMEM_CERT_H */
