/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The sivshmem authors. */

#ifndef _SIVSHMEM_PKI_H
#define _SIVSHMEM_PKI_H

#include <stddef.h>

#include <openssl/x509.h>

X509 *pki_cert_parse(const void *buf, size_t len);
const char *pki_ossl_error(void);

#endif /* _SIVSHMEM_PKI_H */
