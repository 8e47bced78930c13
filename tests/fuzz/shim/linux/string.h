/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: memcpy(), memcmp(), memset() from the C library. */

#ifndef _SIVSHMEM_SHIM_LINUX_STRING_H
#define _SIVSHMEM_SHIM_LINUX_STRING_H

#include <string.h>

#endif /* _SIVSHMEM_SHIM_LINUX_STRING_H */
