// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * KUnit tests of the channel-area page allocator (alloc.c): argument checks,
 * exhaustion, fragmentation and coalescing, frees that do not match an
 * allocation, a full channel table, and long pseudo-random sequences checked
 * page by page against a bitmap model. Every refused call must leave the
 * allocator byte for byte as it was.
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "alloc.h"

#define PG		((u64)SIVSHMEM_PAGE_SIZE)
/* The highest page-aligned end an area can have without wrapping. */
#define TOP		(0ULL - PG)

static struct sivshmem_alloc *new_alloc(struct kunit *test, u64 base, u64 size)
{
	struct sivshmem_alloc *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_init(a, base, size), 0);
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_check(a), 0);
	return a;
}

static struct sivshmem_alloc *snapshot(struct kunit *test,
				       const struct sivshmem_alloc *a)
{
	struct sivshmem_alloc *s = kunit_kmalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	memcpy(s, a, sizeof(*s));
	return s;
}

#define EXPECT_UNCHANGED(test, a, s) \
	KUNIT_EXPECT_EQ(test, memcmp(a, s, sizeof(struct sivshmem_alloc)), 0)

static void alloc_init_args(struct kunit *test)
{
	static const struct {
		u64 base;
		u64 size;
		int ret;
	} cases[] = {
		{ 0, PG, 0 },
		{ 0, 0, -EINVAL },
		{ 1, PG, -EINVAL },
		{ PG, PG - 1, -EINVAL },
		{ PG, PG + 1, -EINVAL },
		{ PG / 2, 4 * PG, -EINVAL },
		{ TOP - PG, PG, 0 },
		{ TOP - PG, 2 * PG, -EINVAL },
		{ TOP, PG, -EINVAL },
		{ 0, TOP, 0 },
		{ PG, TOP, -EINVAL },
		{ 0, U64_MAX, -EINVAL },
		{ U64_MAX, PG, -EINVAL },
	};
	struct sivshmem_alloc *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	struct sivshmem_alloc_extent e;
	unsigned int i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct sivshmem_alloc *s;

		memset(a, 0x5a, sizeof(*a));
		s = snapshot(test, a);
		KUNIT_EXPECT_EQ_MSG(test, sivshmem_alloc_init(a, cases[i].base,
							      cases[i].size),
				    cases[i].ret, "case %u", i);
		if (cases[i].ret) {
			EXPECT_UNCHANGED(test, a, s);
			continue;
		}
		KUNIT_EXPECT_EQ(test, sivshmem_alloc_check(a), 0);
		KUNIT_EXPECT_EQ(test, sivshmem_alloc_free_bytes(a), cases[i].size);
		KUNIT_EXPECT_EQ(test, sivshmem_alloc_largest_free(a),
				cases[i].size);
		KUNIT_EXPECT_EQ(test, sivshmem_alloc_nr_free(a), 1U);
		KUNIT_EXPECT_EQ(test, sivshmem_alloc_nr_used(a), 0U);
		KUNIT_ASSERT_EQ(test, sivshmem_alloc_free_extent(a, 0, &e), 0);
		KUNIT_EXPECT_EQ(test, e.offset, cases[i].base);
		KUNIT_EXPECT_EQ(test, e.size, cases[i].size);
		KUNIT_EXPECT_EQ(test, sivshmem_alloc_free_extent(a, 1, &e),
				-ENOENT);
		KUNIT_EXPECT_EQ(test, sivshmem_alloc_used_extent(a, 0, &e),
				-ENOENT);
	}
}

static void alloc_get_args(struct kunit *test)
{
	struct sivshmem_alloc *a = new_alloc(test, 16 * PG, 8 * PG);
	struct sivshmem_alloc *s = snapshot(test, a);
	struct sivshmem_alloc_extent e;
	u64 off = 0x1234;

	KUNIT_EXPECT_EQ(test, sivshmem_alloc_get(a, 0, &off), -EINVAL);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_get(a, 8 * PG + 1, &off), -EINVAL);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_get(a, U64_MAX, &off), -EINVAL);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_get(a, U64_MAX - PG + 2, &off),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, off, 0x1234ULL);
	EXPECT_UNCHANGED(test, a, s);

	/* Sizes round up to whole pages, and put takes the same size. */
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_get(a, 1, &off), 0);
	KUNIT_EXPECT_EQ(test, off, 16 * PG);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_free_bytes(a), 7 * PG);
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_used_extent(a, 0, &e), 0);
	KUNIT_EXPECT_EQ(test, e.offset, 16 * PG);
	KUNIT_EXPECT_EQ(test, e.size, PG);
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_get(a, PG + 1, &off), 0);
	KUNIT_EXPECT_EQ(test, off, 17 * PG);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_free_bytes(a), 5 * PG);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_put(a, 17 * PG, 2 * PG - 5), 0);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_put(a, 16 * PG, PG), 0);
	EXPECT_UNCHANGED(test, a, s);

	/* The whole area in one run. */
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_get(a, 8 * PG, &off), 0);
	KUNIT_EXPECT_EQ(test, off, 16 * PG);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_nr_free(a), 0U);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_largest_free(a), 0ULL);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_check(a), 0);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_put(a, off, 8 * PG), 0);
	EXPECT_UNCHANGED(test, a, s);
}

/* Allocates @run bytes until the area is full, then frees it all again. */
static void alloc_exhaustion(struct kunit *test)
{
	static const struct {
		u64 base;
		unsigned int pages;
		unsigned int run;	/* pages per allocation */
	} cases[] = {
		{ 0, 64, 1 },
		{ 32 * PG, 10, 3 },
		{ TOP - 40 * PG, 40, 7 },
		{ TOP - 4 * PG, 4, 4 },
	};
	unsigned int i, n;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u64 size = cases[i].pages * PG, run = cases[i].run * PG;
		unsigned int fit = cases[i].pages / cases[i].run;
		struct sivshmem_alloc *a = new_alloc(test, cases[i].base, size);
		struct sivshmem_alloc *s;
		u64 off;

		for (n = 0; n < fit; n++) {
			KUNIT_ASSERT_EQ(test, sivshmem_alloc_get(a, run, &off), 0);
			KUNIT_EXPECT_EQ(test, off, cases[i].base + n * run);
			KUNIT_EXPECT_EQ(test, sivshmem_alloc_free_bytes(a),
					size - (n + 1) * run);
		}
		KUNIT_EXPECT_EQ(test, sivshmem_alloc_check(a), 0);
		s = snapshot(test, a);
		KUNIT_EXPECT_EQ(test, sivshmem_alloc_get(a, run, &off), -ENOSPC);
		EXPECT_UNCHANGED(test, a, s);

		/* What is left over still serves a smaller request. */
		KUNIT_EXPECT_EQ(test, sivshmem_alloc_largest_free(a), size - fit * run);
		if (size > fit * run) {
			KUNIT_ASSERT_EQ(test, sivshmem_alloc_get(a, size - fit * run,
								 &off), 0);
			KUNIT_EXPECT_EQ(test, off, cases[i].base + fit * run);
			KUNIT_EXPECT_EQ(test, sivshmem_alloc_put(a, off,
								 size - fit * run), 0);
		}

		for (n = 0; n < fit; n++) {
			off = cases[i].base + n * run;
			KUNIT_EXPECT_EQ(test, sivshmem_alloc_put(a, off, run), 0);
		}
		KUNIT_EXPECT_EQ(test, sivshmem_alloc_check(a), 0);
		KUNIT_EXPECT_EQ(test, sivshmem_alloc_free_bytes(a), size);
		KUNIT_EXPECT_EQ(test, sivshmem_alloc_nr_free(a), 1U);
		KUNIT_EXPECT_EQ(test, sivshmem_alloc_nr_used(a), 0U);
	}
}

/*
 * Frees every other page of a full area: half of it is free, but no run of
 * two pages exists until the neighbours go too, merging everything back.
 */
static void alloc_fragmentation(struct kunit *test)
{
	const u64 base = 4 * PG;
	struct sivshmem_alloc *a = new_alloc(test, base, 16 * PG);
	struct sivshmem_alloc_extent e;
	struct sivshmem_alloc *s;
	unsigned int n;
	u64 off;

	for (n = 0; n < 16; n++)
		KUNIT_ASSERT_EQ(test, sivshmem_alloc_get(a, PG, &off), 0);
	for (n = 0; n < 16; n += 2)
		KUNIT_ASSERT_EQ(test, sivshmem_alloc_put(a, base + n * PG, PG), 0);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_check(a), 0);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_free_bytes(a), 8 * PG);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_largest_free(a), PG);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_nr_free(a), 8U);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_nr_used(a), 8U);
	for (n = 0; n < 8; n++) {
		KUNIT_ASSERT_EQ(test, sivshmem_alloc_free_extent(a, n, &e), 0);
		KUNIT_EXPECT_EQ(test, e.offset, base + 2 * n * PG);
		KUNIT_EXPECT_EQ(test, e.size, PG);
	}

	s = snapshot(test, a);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_get(a, 2 * PG, &off), -ENOSPC);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_get(a, 8 * PG, &off), -ENOSPC);
	EXPECT_UNCHANGED(test, a, s);

	/* Merge with the next extent only: page 1 joins page 2. */
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_put(a, base + 1 * PG, PG), 0);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_nr_free(a), 7U);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_largest_free(a), 3 * PG);
	/* Merge with both: page 3 joins 0-2 and 4. */
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_put(a, base + 3 * PG, PG), 0);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_nr_free(a), 6U);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_largest_free(a), 5 * PG);
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_free_extent(a, 0, &e), 0);
	KUNIT_EXPECT_EQ(test, e.offset, base);
	KUNIT_EXPECT_EQ(test, e.size, 5 * PG);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_check(a), 0);

	/* First fit takes the lowest extent large enough. */
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_get(a, 2 * PG, &off), 0);
	KUNIT_EXPECT_EQ(test, off, base);
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_get(a, PG, &off), 0);
	KUNIT_EXPECT_EQ(test, off, base + 2 * PG);
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_put(a, base, 2 * PG), 0);
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_put(a, base + 2 * PG, PG), 0);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_nr_free(a), 6U);

	/* Merge with the previous extent only: page 15 is the last one. */
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_put(a, base + 15 * PG, PG), 0);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_nr_free(a), 6U);
	for (n = 5; n < 15; n += 2)
		KUNIT_ASSERT_EQ(test, sivshmem_alloc_put(a, base + n * PG, PG), 0);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_check(a), 0);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_nr_free(a), 1U);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_nr_used(a), 0U);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_free_bytes(a), 16 * PG);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_largest_free(a), 16 * PG);
}

/* Frees that are not exactly one live allocation change nothing. */
static void alloc_bad_put(struct kunit *test)
{
	const u64 base = TOP - 16 * PG;
	struct sivshmem_alloc *a = new_alloc(test, base, 16 * PG);
	static const struct {
		u64 offset;	/* from base, except where noted */
		u64 size;
	} bad[] = {
		{ 0, 0 },		/* size 0 */
		{ 0, PG },		/* partial: the run has 2 pages */
		{ 0, 3 * PG },		/* larger than the run */
		{ 0, 17 * PG },		/* larger than the area */
		{ 0, U64_MAX },
		{ PG, PG },		/* inside a run */
		{ 1, 2 * PG },		/* unaligned */
		{ 2 * PG, PG },		/* freed already (double free) */
		{ 4 * PG, 4 * PG },	/* a free extent */
		{ 16 * PG, PG },	/* the end of the area */
		{ 15 * PG, PG },	/* never allocated */
		{ 15 * PG, 2 * PG },	/* would run past the top */
	};
	static const u64 abs_offsets[] = { 0, PG, TOP, U64_MAX, U64_MAX - PG + 1 };
	struct sivshmem_alloc *s;
	unsigned int i, j;
	u64 off;

	KUNIT_ASSERT_EQ(test, sivshmem_alloc_get(a, 2 * PG, &off), 0);
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_get(a, PG, &off), 0);
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_get(a, PG, &off), 0);
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_get(a, 4 * PG, &off), 0);
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_get(a, 8 * PG, &off), 0);
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_put(a, base + 2 * PG, PG), 0);
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_put(a, base + 4 * PG, 4 * PG), 0);
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_check(a), 0);
	s = snapshot(test, a);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, sivshmem_alloc_put(a, base + bad[i].offset,
							     bad[i].size),
				    -EINVAL, "case %u", i);
		EXPECT_UNCHANGED(test, a, s);
	}
	for (i = 0; i < ARRAY_SIZE(abs_offsets); i++) {
		for (j = 0; j < ARRAY_SIZE(bad); j++) {
			KUNIT_EXPECT_EQ(test, sivshmem_alloc_put(a, abs_offsets[i],
								 bad[j].size),
					-EINVAL);
		}
		EXPECT_UNCHANGED(test, a, s);
	}

	/* A real double free: the second put of the same run. */
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_put(a, base + 3 * PG, PG), 0);
	s = snapshot(test, a);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_put(a, base + 3 * PG, PG), -EINVAL);
	EXPECT_UNCHANGED(test, a, s);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_check(a), 0);
}

/*
 * Fills the channel table while the area is at its most fragmented: every
 * live run separated from the next by a free one. Run n and the hole before
 * it have n + 1 pages, so first fit cannot reuse an earlier, smaller hole.
 */
static void alloc_table_full(struct kunit *test)
{
	const u64 base = 8 * PG, size = 131072 * PG;
	const unsigned int max = SIVSHMEM_ALLOC_MAX_CHANNELS;
	struct sivshmem_alloc *a = new_alloc(test, base, size);
	struct sivshmem_alloc *s, *fresh = snapshot(test, a);
	struct sivshmem_alloc_extent e;
	u64 off, hole, *keep;
	unsigned int n;

	keep = kunit_kcalloc(test, max, sizeof(*keep), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, keep);
	for (n = 0; n < max - 1; n++) {
		KUNIT_ASSERT_EQ(test, sivshmem_alloc_get(a, (n + 1) * PG, &hole), 0);
		KUNIT_ASSERT_EQ(test, sivshmem_alloc_get(a, (n + 1) * PG, &keep[n]), 0);
		KUNIT_EXPECT_EQ(test, keep[n], hole + (n + 1) * PG);
		KUNIT_ASSERT_EQ(test, sivshmem_alloc_put(a, hole, (n + 1) * PG), 0);
	}
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_get(a, max * PG, &keep[n]), 0);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_check(a), 0);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_nr_used(a), max);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_nr_free(a), max);
	KUNIT_EXPECT_GT(test, sivshmem_alloc_largest_free(a), 1000 * PG);

	/* Plenty of room, but no slot for another channel. */
	s = snapshot(test, a);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_get(a, PG, &off), -ENOSPC);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_get(a, 1000 * PG, &off), -ENOSPC);
	EXPECT_UNCHANGED(test, a, s);

	/* One put makes room for exactly one get: the smallest hole, h0. */
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_put(a, keep[7], 8 * PG), 0);
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_get(a, PG, &off), 0);
	KUNIT_EXPECT_EQ(test, off, base);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_get(a, PG, &off), -ENOSPC);
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_put(a, base, PG), 0);

	for (n = 0; n < max; n++) {
		if (n == 7)
			continue;
		KUNIT_ASSERT_EQ(test, sivshmem_alloc_put(a, keep[n], (n + 1) * PG), 0);
	}
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_check(a), 0);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_nr_free(a), 1U);
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_free_extent(a, 0, &e), 0);
	KUNIT_EXPECT_EQ(test, e.offset, base);
	KUNIT_EXPECT_EQ(test, e.size, size);
	EXPECT_UNCHANGED(test, a, fresh);
}

/*
 * Pseudo-random gets and puts against a model: a bitmap of the area's pages
 * and the list of live runs. Every get must return exactly the model's first
 * fit, and after every step the allocator must agree with the model on free
 * bytes, the number and largest size of free runs, and the live runs.
 */
struct rand_param {
	const char *name;
	u64 base;
	unsigned int pages;
	unsigned int max_run;
	u32 seed;
	bool fills_table;	/* the channel table runs full, not the area */
};

#define RAND_MAX_PAGES	1024
#define RAND_STEPS	4000

static const struct rand_param rand_params[] = {
	{ "small", 16 * PG, 64, 8, 1 },
	{ "small2", 16 * PG, 64, 8, 0xdeadbeef },
	{ "wide", 1ULL << 32, 48, 48, 7 },
	{ "table_full", 1ULL << 20, RAND_MAX_PAGES, 3, 42, true },
	{ "top", TOP - 128 * PG, 128, 5, 12345 },
};

static void rand_param_desc(const struct rand_param *p, char *desc)
{
	strscpy(desc, p->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rand, rand_params, rand_param_desc);

struct model {
	DECLARE_BITMAP(used, RAND_MAX_PAGES);
	unsigned int pages;
	unsigned int nr;
	struct sivshmem_alloc_extent live[SIVSHMEM_ALLOC_MAX_CHANNELS];
};

static u32 lcg(u32 *state)
{
	*state = *state * 1664525U + 1013904223U;
	return *state >> 8;
}

/* First page of the lowest free run of @n pages, or -1. */
static int model_first_fit(const struct model *m, unsigned int n)
{
	unsigned int start = 0, len = 0, p;

	for (p = 0; p < m->pages; p++) {
		if (test_bit(p, m->used)) {
			len = 0;
			continue;
		}
		if (!len)
			start = p;
		if (++len == n)
			return start;
	}
	return -1;
}

static void model_compare(struct kunit *test, const struct sivshmem_alloc *a,
			  const struct model *m, u64 base)
{
	unsigned int p, runs = 0, len = 0, largest = 0, i;
	struct sivshmem_alloc_extent e;

	for (p = 0; p < m->pages; p++) {
		if (test_bit(p, m->used)) {
			len = 0;
			continue;
		}
		if (!len++)
			runs++;
		largest = max(largest, len);
	}
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_check(a), 0);
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_free_bytes(a),
			(m->pages - bitmap_weight(m->used, m->pages)) * PG);
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_nr_free(a), runs);
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_largest_free(a), largest * PG);
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_nr_used(a), m->nr);
	/* The live runs are in offset order; the model's are not. */
	for (i = 0; i < m->nr; i++) {
		KUNIT_ASSERT_EQ(test, sivshmem_alloc_used_extent(a, i, &e), 0);
		p = (e.offset - base) / PG;
		KUNIT_ASSERT_LT(test, p, m->pages);
		KUNIT_ASSERT_TRUE(test, test_bit(p, m->used));
	}
}

static void alloc_random(struct kunit *test)
{
	const struct rand_param *prm = test->param_value;
	struct model *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	struct sivshmem_alloc *a, *s;
	u64 size = prm->pages * PG, off;
	unsigned int step, gets = 0, puts = 0, nospc = 0, full = 0;
	u32 rnd = prm->seed;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
	KUNIT_ASSERT_LE(test, prm->pages, RAND_MAX_PAGES);
	m->pages = prm->pages;
	a = new_alloc(test, prm->base, size);
	s = kunit_kmalloc(test, sizeof(*s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);

	for (step = 0; step < RAND_STEPS; step++) {
		u32 r = lcg(&rnd);

		/* Gets slightly more often than puts, so the area fills up. */
		if (r % 16 < 9 || !m->nr) {
			unsigned int n = 1 + lcg(&rnd) % prm->max_run;
			/* Sometimes not a whole number of pages. */
			u64 want = n * PG - (r & 1 ? lcg(&rnd) % PG : 0);
			int fit = model_first_fit(m, n), ret;

			memcpy(s, a, sizeof(*s));
			ret = sivshmem_alloc_get(a, want, &off);
			if (fit < 0 || m->nr == SIVSHMEM_ALLOC_MAX_CHANNELS) {
				KUNIT_ASSERT_EQ(test, ret, -ENOSPC);
				KUNIT_ASSERT_EQ(test, memcmp(a, s, sizeof(*s)), 0);
				nospc++;
				full += m->nr == SIVSHMEM_ALLOC_MAX_CHANNELS;
				continue;
			}
			KUNIT_ASSERT_EQ(test, ret, 0);
			KUNIT_ASSERT_EQ(test, off, prm->base + fit * PG);
			/* No page of the run may already be in use. */
			KUNIT_ASSERT_GE(test, find_next_bit(m->used, fit + n, fit),
					(unsigned long)fit + n);
			bitmap_set(m->used, fit, n);
			m->live[m->nr].offset = off;
			m->live[m->nr].size = want;
			m->nr++;
			gets++;
		} else {
			unsigned int i = lcg(&rnd) % m->nr;
			struct sivshmem_alloc_extent l = m->live[i];
			unsigned int p = (l.offset - prm->base) / PG;
			unsigned int n = (l.size + PG - 1) / PG;
			int ret = sivshmem_alloc_put(a, l.offset, l.size);

			KUNIT_ASSERT_EQ(test, ret, 0);
			bitmap_clear(m->used, p, n);
			m->live[i] = m->live[--m->nr];
			puts++;
			/* Now it is a double free, or a partial one. */
			memcpy(s, a, sizeof(*s));
			ret = sivshmem_alloc_put(a, l.offset,
						 r & 2 ? l.size : l.size + PG);
			KUNIT_ASSERT_EQ(test, ret, -EINVAL);
			KUNIT_ASSERT_EQ(test, memcmp(a, s, sizeof(*s)), 0);
		}
		model_compare(test, a, m, prm->base);
	}
	kunit_info(test, "%u gets, %u puts, %u refused (%u: table full)\n",
		   gets, puts, nospc, full);
	/* Each outcome happened, or the sequence tested less than it claims. */
	KUNIT_EXPECT_GT(test, gets, 0U);
	KUNIT_EXPECT_GT(test, puts, 0U);
	KUNIT_EXPECT_GT(test, nospc, 0U);
	KUNIT_EXPECT_EQ(test, full > 0, prm->fills_table);

	while (m->nr) {
		m->nr--;
		KUNIT_ASSERT_EQ(test, sivshmem_alloc_put(a, m->live[m->nr].offset,
							 m->live[m->nr].size), 0);
	}
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_check(a), 0);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_free_bytes(a), size);
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_nr_free(a), 1U);
}

/* A corrupted state is reported, not trusted. */
static void alloc_check_detects(struct kunit *test)
{
	struct sivshmem_alloc *a = new_alloc(test, 0, 8 * PG);
	struct sivshmem_alloc *s;
	u64 off;

	KUNIT_ASSERT_EQ(test, sivshmem_alloc_get(a, 2 * PG, &off), 0);
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_get(a, 2 * PG, &off), 0);
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_put(a, 0, 2 * PG), 0);
	KUNIT_ASSERT_EQ(test, sivshmem_alloc_check(a), 0);
	s = snapshot(test, a);

	a->free_bytes += PG;
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_check(a), -EUCLEAN);
	memcpy(a, s, sizeof(*a));
	a->used[0].size += PG;		/* overlaps the free tail */
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_check(a), -EUCLEAN);
	memcpy(a, s, sizeof(*a));
	a->free[1].offset += PG;	/* a gap nothing accounts for */
	a->free[1].size -= PG;
	a->free_bytes -= PG;
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_check(a), -EUCLEAN);
	memcpy(a, s, sizeof(*a));
	a->nr_used = 0;			/* two free extents would touch */
	a->free[0].size += 2 * PG;
	a->free_bytes += 2 * PG;
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_check(a), -EUCLEAN);
	memcpy(a, s, sizeof(*a));
	a->nr_free = SIVSHMEM_ALLOC_MAX_EXTENTS + 1;
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_check(a), -EUCLEAN);
	memcpy(a, s, sizeof(*a));
	a->free[0].offset += 1;
	KUNIT_EXPECT_EQ(test, sivshmem_alloc_check(a), -EUCLEAN);
}

static struct kunit_case alloc_cases[] = {
	KUNIT_CASE(alloc_init_args),
	KUNIT_CASE(alloc_get_args),
	KUNIT_CASE(alloc_exhaustion),
	KUNIT_CASE(alloc_fragmentation),
	KUNIT_CASE(alloc_bad_put),
	KUNIT_CASE(alloc_table_full),
	KUNIT_CASE_PARAM(alloc_random, rand_gen_params),
	KUNIT_CASE(alloc_check_detects),
	{}
};

static struct kunit_suite alloc_suite = {
	.name = "sivshmem_alloc",
	.test_cases = alloc_cases,
};

kunit_test_suite(alloc_suite);

/* MODULE_LICENSE and the namespace import are in wire_kunit.c. */
