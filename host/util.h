/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * The few kernel idioms the host code uses beyond those of wire_user.h, so
 * that it reads (and checkpatch checks it) like kernel code.
 */

#ifndef _SIVD_UTIL_H
#define _SIVD_UTIL_H

#include <stdint.h>

#include "wire.h"

typedef int64_t s64;

#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#endif /* _SIVD_UTIL_H */
