/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * Userspace stand-ins for the few kernel headers drivers/sivshmem/cert.c
 * includes, so that the fuzzers build that file unmodified (-I shim first).
 * Only the spellings cert.c and cert.h use are defined here.
 */

#ifndef _SIVSHMEM_SHIM_LINUX_TYPES_H
#define _SIVSHMEM_SHIM_LINUX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

/* include/vdso/bits.h */
#define BIT(nr)		(1UL << (nr))

#endif /* _SIVSHMEM_SHIM_LINUX_TYPES_H */
