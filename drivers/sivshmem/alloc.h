/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * Page allocator for the channel area of a region. The host daemon hands
 * each channel its own run of pages from this area once both ends have
 * authenticated, and takes them back when the channel goes. The allocator
 * only does the arithmetic on offsets: it never touches the memory, so
 * scrubbing the pages before they are granted again is the caller's job.
 *
 * It has no dependency on PCI or on the rest of the driver and allocates
 * nothing: both of its tables are fixed-size arrays inside the struct the
 * caller provides, and every loop is bounded by their sizes. The same file
 * builds into the host daemon and into KUnit.
 */

#ifndef _SIVSHMEM_ALLOC_H
#define _SIVSHMEM_ALLOC_H

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/types.h>
#else
#include "wire_user.h"
#endif

#include <linux/sivshmem.h>

/* Live allocations (channels) one allocator can track at the same time. */
#define SIVSHMEM_ALLOC_MAX_CHANNELS	256
/*
 * Free extents are kept coalesced, so there is at most one more of them
 * than there are live allocations: this table can never run full.
 */
#define SIVSHMEM_ALLOC_MAX_EXTENTS	(SIVSHMEM_ALLOC_MAX_CHANNELS + 1)

/**
 * struct sivshmem_alloc_extent - a run of pages
 * @offset: offset of the first page, in the same space as the area's base
 * @size: length in bytes, a nonzero multiple of %SIVSHMEM_PAGE_SIZE
 */
struct sivshmem_alloc_extent {
	u64 offset;
	u64 size;
};

/**
 * struct sivshmem_alloc - allocator state; treat as opaque
 * @base: offset of the channel area
 * @size: size of the channel area
 * @free_bytes: sum of the sizes of the free extents
 * @nr_free: entries in use in @free
 * @nr_used: entries in use in @used
 * @free: free extents, sorted by offset, never overlapping or adjacent
 * @used: live allocations, sorted by offset, never overlapping
 *
 * About 8 KiB: embed it in a heap object, not on a kernel stack.
 */
struct sivshmem_alloc {
	u64 base;
	u64 size;
	u64 free_bytes;
	u32 nr_free;
	u32 nr_used;
	struct sivshmem_alloc_extent free[SIVSHMEM_ALLOC_MAX_EXTENTS];
	struct sivshmem_alloc_extent used[SIVSHMEM_ALLOC_MAX_CHANNELS];
};

int sivshmem_alloc_init(struct sivshmem_alloc *a, u64 base, u64 size);
int sivshmem_alloc_get(struct sivshmem_alloc *a, u64 size, u64 *offset);
int sivshmem_alloc_put(struct sivshmem_alloc *a, u64 offset, u64 size);
u64 sivshmem_alloc_free_bytes(const struct sivshmem_alloc *a);
u64 sivshmem_alloc_largest_free(const struct sivshmem_alloc *a);
unsigned int sivshmem_alloc_nr_free(const struct sivshmem_alloc *a);
unsigned int sivshmem_alloc_nr_used(const struct sivshmem_alloc *a);
int sivshmem_alloc_free_extent(const struct sivshmem_alloc *a,
			       unsigned int i,
			       struct sivshmem_alloc_extent *ext);
int sivshmem_alloc_used_extent(const struct sivshmem_alloc *a,
			       unsigned int i,
			       struct sivshmem_alloc_extent *ext);
int sivshmem_alloc_check(const struct sivshmem_alloc *a);

#endif /* _SIVSHMEM_ALLOC_H */
