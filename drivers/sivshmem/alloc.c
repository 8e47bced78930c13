// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * First-fit page allocator over the channel area. Two sorted tables describe
 * the area: the free extents, always coalesced, and the live allocations,
 * which is what lets put() refuse anything that is not exactly one earlier
 * get(). Between them they tile the area with no gap and no overlap;
 * sivshmem_alloc_check() verifies that.
 *
 * Every failure leaves the state exactly as it was: the checks come first
 * and the tables change only once nothing can fail any more.
 */

#ifdef __KERNEL__
#include <kunit/visibility.h>
#include <linux/export.h>
#include <linux/string.h>
#else
#include <string.h>
#endif

#include "alloc.h"

#define PAGE_MASK_LOW	((u64)SIVSHMEM_PAGE_SIZE - 1)
#define ALLOC_U64_MAX	(~(u64)0)

static bool page_aligned(u64 x)
{
	return !(x & PAGE_MASK_LOW);
}

/*
 * Rounds a request up to whole pages. The caller has checked that
 * 0 < @size <= a->size; a->size is page aligned, so this cannot wrap.
 */
static u64 round_pages(u64 size)
{
	return (size + PAGE_MASK_LOW) & ~PAGE_MASK_LOW;
}

static void ext_insert(struct sivshmem_alloc_extent *tab, u32 *nr, u32 i,
		       u64 offset, u64 size)
{
	memmove(&tab[i + 1], &tab[i], (*nr - i) * sizeof(*tab));
	tab[i].offset = offset;
	tab[i].size = size;
	(*nr)++;
}

static void ext_remove(struct sivshmem_alloc_extent *tab, u32 *nr, u32 i)
{
	memmove(&tab[i], &tab[i + 1], (*nr - i - 1) * sizeof(*tab));
	(*nr)--;
	/* Unused entries stay zero: equal states compare equal. */
	memset(&tab[*nr], 0, sizeof(*tab));
}

/* Index of the first entry of @tab whose offset is >= @offset. */
static u32 ext_lower_bound(const struct sivshmem_alloc_extent *tab, u32 nr,
			   u64 offset)
{
	u32 lo = 0, hi = nr;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (tab[mid].offset < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/**
 * sivshmem_alloc_init() - start with the whole area free
 * @a: the allocator
 * @base: offset of the channel area
 * @size: size of the channel area
 *
 * Return: 0, or -EINVAL if @base or @size is not a multiple of
 * %SIVSHMEM_PAGE_SIZE, @size is 0 or @base + @size does not fit in 64 bits.
 * @a is left untouched on error.
 */
int sivshmem_alloc_init(struct sivshmem_alloc *a, u64 base, u64 size)
{
	if (!size || !page_aligned(base) || !page_aligned(size) ||
	    size > ALLOC_U64_MAX - base)
		return -EINVAL;

	memset(a, 0, sizeof(*a));
	a->base = base;
	a->size = size;
	a->free_bytes = size;
	a->free[0].offset = base;
	a->free[0].size = size;
	a->nr_free = 1;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_alloc_init);

/**
 * sivshmem_alloc_get() - allocate a run of pages
 * @a: the allocator
 * @size: bytes wanted, rounded up to whole pages
 * @offset: the run's offset on success, untouched otherwise
 *
 * Takes the start of the lowest free extent that is large enough.
 *
 * Return: 0; -EINVAL if @size is 0 or larger than the area; -ENOSPC if
 * %SIVSHMEM_ALLOC_MAX_CHANNELS allocations are live or no free extent is
 * large enough (sivshmem_alloc_largest_free() tells whether the area is
 * full or fragmented).
 */
int sivshmem_alloc_get(struct sivshmem_alloc *a, u64 size, u64 *offset)
{
	struct sivshmem_alloc_extent *ext;
	u32 i, u;

	if (!size || size > a->size)
		return -EINVAL;
	size = round_pages(size);
	if (a->nr_used >= SIVSHMEM_ALLOC_MAX_CHANNELS)
		return -ENOSPC;

	for (i = 0; i < a->nr_free; i++)
		if (a->free[i].size >= size)
			break;
	if (i == a->nr_free)
		return -ENOSPC;

	ext = &a->free[i];
	*offset = ext->offset;
	u = ext_lower_bound(a->used, a->nr_used, ext->offset);
	ext_insert(a->used, &a->nr_used, u, ext->offset, size);
	if (ext->size == size) {
		ext_remove(a->free, &a->nr_free, i);
	} else {
		ext->offset += size;
		ext->size -= size;
	}
	a->free_bytes -= size;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_alloc_get);

/**
 * sivshmem_alloc_put() - free a run of pages
 * @a: the allocator
 * @offset: what sivshmem_alloc_get() returned
 * @size: what was passed to sivshmem_alloc_get() (rounded up the same way)
 *
 * The run goes back to the free extents, merged with its free neighbours.
 * Its pages still hold what the channel left in them.
 *
 * Return: 0; -EINVAL, changing nothing, unless @offset and @size are
 * exactly one live allocation (a double or partial free, an unknown
 * offset); -ENOSPC if the free table is full, which the invariant
 * %SIVSHMEM_ALLOC_MAX_EXTENTS = %SIVSHMEM_ALLOC_MAX_CHANNELS + 1 rules out.
 */
int sivshmem_alloc_put(struct sivshmem_alloc *a, u64 offset, u64 size)
{
	struct sivshmem_alloc_extent *prev = NULL, *next = NULL;
	u32 u, i;
	u64 end;

	if (!size || size > a->size)
		return -EINVAL;
	size = round_pages(size);

	u = ext_lower_bound(a->used, a->nr_used, offset);
	if (u == a->nr_used || a->used[u].offset != offset ||
	    a->used[u].size != size)
		return -EINVAL;
	/* A live allocation lies inside the area: this does not wrap. */
	end = offset + size;

	i = ext_lower_bound(a->free, a->nr_free, offset);
	if (i > 0 && a->free[i - 1].offset + a->free[i - 1].size == offset)
		prev = &a->free[i - 1];
	if (i < a->nr_free && a->free[i].offset == end)
		next = &a->free[i];
	if (!prev && !next && a->nr_free >= SIVSHMEM_ALLOC_MAX_EXTENTS)
		return -ENOSPC;

	ext_remove(a->used, &a->nr_used, u);
	if (prev && next) {
		prev->size += size + next->size;
		ext_remove(a->free, &a->nr_free, i);
	} else if (prev) {
		prev->size += size;
	} else if (next) {
		next->offset = offset;
		next->size += size;
	} else {
		ext_insert(a->free, &a->nr_free, i, offset, size);
	}
	a->free_bytes += size;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_alloc_put);

/**
 * sivshmem_alloc_free_bytes() - bytes not allocated
 * @a: the allocator
 *
 * Return: the sum of all free extents, whether or not one run could use them.
 */
u64 sivshmem_alloc_free_bytes(const struct sivshmem_alloc *a)
{
	return a->free_bytes;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_alloc_free_bytes);

/**
 * sivshmem_alloc_largest_free() - size of the largest free extent
 * @a: the allocator
 *
 * A sivshmem_alloc_get() of up to this size succeeds while fewer than
 * %SIVSHMEM_ALLOC_MAX_CHANNELS allocations are live.
 *
 * Return: the size in bytes, 0 if the area is full.
 */
u64 sivshmem_alloc_largest_free(const struct sivshmem_alloc *a)
{
	u64 max = 0;
	u32 i;

	for (i = 0; i < a->nr_free; i++)
		if (a->free[i].size > max)
			max = a->free[i].size;
	return max;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_alloc_largest_free);

/**
 * sivshmem_alloc_nr_free() - number of free extents
 * @a: the allocator
 *
 * Return: how many separate runs of free pages there are.
 */
unsigned int sivshmem_alloc_nr_free(const struct sivshmem_alloc *a)
{
	return a->nr_free;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_alloc_nr_free);

/**
 * sivshmem_alloc_nr_used() - number of live allocations
 * @a: the allocator
 *
 * Return: how many sivshmem_alloc_get() results have not been put back.
 */
unsigned int sivshmem_alloc_nr_used(const struct sivshmem_alloc *a)
{
	return a->nr_used;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_alloc_nr_used);

/**
 * sivshmem_alloc_free_extent() - one free extent, in offset order
 * @a: the allocator
 * @i: its index, from 0 to sivshmem_alloc_nr_free() - 1
 * @ext: the extent on success
 *
 * Return: 0, or -ENOENT if @i is out of range.
 */
int sivshmem_alloc_free_extent(const struct sivshmem_alloc *a, unsigned int i,
			       struct sivshmem_alloc_extent *ext)
{
	if (i >= a->nr_free)
		return -ENOENT;
	*ext = a->free[i];
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_alloc_free_extent);

/**
 * sivshmem_alloc_used_extent() - one live allocation, in offset order
 * @a: the allocator
 * @i: its index, from 0 to sivshmem_alloc_nr_used() - 1
 * @ext: the allocation on success
 *
 * Return: 0, or -ENOENT if @i is out of range.
 */
int sivshmem_alloc_used_extent(const struct sivshmem_alloc *a, unsigned int i,
			       struct sivshmem_alloc_extent *ext)
{
	if (i >= a->nr_used)
		return -ENOENT;
	*ext = a->used[i];
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_alloc_used_extent);

static bool ext_valid(const struct sivshmem_alloc *a,
		      const struct sivshmem_alloc_extent *e)
{
	return e->size && page_aligned(e->offset) && page_aligned(e->size) &&
	       e->offset >= a->base && e->offset - a->base <= a->size &&
	       e->size <= a->size - (e->offset - a->base);
}

/**
 * sivshmem_alloc_check() - verify the allocator's invariants
 * @a: the allocator
 *
 * The free extents and the live allocations are page aligned, inside the
 * area, sorted, and together tile the area exactly; no two free extents
 * touch (they would have been merged); the free byte count is their sum.
 *
 * Return: 0, or -EUCLEAN if any of this does not hold.
 */
int sivshmem_alloc_check(const struct sivshmem_alloc *a)
{
	u64 cursor, free_sum = 0;
	bool last_free = false;
	u32 f = 0, u = 0;

	if (!a->size || !page_aligned(a->base) || !page_aligned(a->size) ||
	    a->size > ALLOC_U64_MAX - a->base ||
	    a->nr_free > SIVSHMEM_ALLOC_MAX_EXTENTS ||
	    a->nr_used > SIVSHMEM_ALLOC_MAX_CHANNELS)
		return -EUCLEAN;

	/* Merge the two sorted tables; each extent must start at @cursor. */
	cursor = a->base;
	while (f < a->nr_free || u < a->nr_used) {
		const struct sivshmem_alloc_extent *e;
		bool is_free;

		is_free = u == a->nr_used ||
			  (f < a->nr_free && a->free[f].offset < a->used[u].offset);
		e = is_free ? &a->free[f++] : &a->used[u++];
		if (!ext_valid(a, e) || e->offset != cursor ||
		    (is_free && last_free))
			return -EUCLEAN;
		if (is_free)
			free_sum += e->size;
		last_free = is_free;
		cursor += e->size;
	}
	if (cursor - a->base != a->size || free_sum != a->free_bytes)
		return -EUCLEAN;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sivshmem_alloc_check);
