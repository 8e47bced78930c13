/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: as include/kunit/visibility.h without CONFIG_KUNIT. */

#ifndef _SIVSHMEM_SHIM_KUNIT_VISIBILITY_H
#define _SIVSHMEM_SHIM_KUNIT_VISIBILITY_H

#define VISIBLE_IF_KUNIT static
#define EXPORT_SYMBOL_IF_KUNIT(symbol)

#endif /* _SIVSHMEM_SHIM_KUNIT_VISIBILITY_H */
