/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: time64_t as in include/linux/time64.h. */

#ifndef _SIVSHMEM_SHIM_LINUX_TIME64_H
#define _SIVSHMEM_SHIM_LINUX_TIME64_H

#include <linux/types.h>

typedef s64 time64_t;

#endif /* _SIVSHMEM_SHIM_LINUX_TIME64_H */
