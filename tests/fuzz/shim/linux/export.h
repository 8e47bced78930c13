/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: nothing is exported from a fuzzer. */

#ifndef _SIVSHMEM_SHIM_LINUX_EXPORT_H
#define _SIVSHMEM_SHIM_LINUX_EXPORT_H

#define EXPORT_SYMBOL(sym)
#define EXPORT_SYMBOL_GPL(sym)

#endif /* _SIVSHMEM_SHIM_LINUX_EXPORT_H */
