/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * The few kernel spellings drivers/sivshmem/wire.c uses, for building that
 * same file into the host daemon and its tests.
 */

#ifndef _SIVSHMEM_WIRE_USER_H
#define _SIVSHMEM_WIRE_USER_H

#include <assert.h>
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#define cpu_to_le16(x)	htole16(x)
#define cpu_to_le32(x)	htole32(x)
#define cpu_to_le64(x)	htole64(x)
#define le16_to_cpu(x)	le16toh(x)
#define le32_to_cpu(x)	le32toh(x)
#define le64_to_cpu(x)	le64toh(x)

#define EXPORT_SYMBOL_IF_KUNIT(sym)

#endif /* _SIVSHMEM_WIRE_USER_H */
