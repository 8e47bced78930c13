/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: the kernel's errno values are the uapi ones, which the
 * C library's <errno.h> also reaches through <linux/errno.h>, so pass on
 * to the real header.
 */

#ifndef _SIVSHMEM_SHIM_LINUX_ERRNO_H
#define _SIVSHMEM_SHIM_LINUX_ERRNO_H

#include_next <linux/errno.h>

#endif /* _SIVSHMEM_SHIM_LINUX_ERRNO_H */
