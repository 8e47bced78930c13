// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 The sivshmem authors. */
/*
 * The channel-area page allocator (drivers/sivshmem/alloc.c) built for
 * userspace, under ASan and UBSan: the properties KUnit checks in the
 * kernel build, here in the build the daemon links.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "alloc.h"

#define PG	((u64)SIVSHMEM_PAGE_SIZE)
/* The highest page-aligned end an area can have without wrapping. */
#define TOP	(0ULL - PG)
#define MAXC	SIVSHMEM_ALLOC_MAX_CHANNELS

/* Heap objects of exactly their size, so that ASan sees any overrun. */
static struct sivshmem_alloc *new_alloc(u64 base, u64 size)
{
	struct sivshmem_alloc *a = calloc(1, sizeof(*a));

	assert_non_null(a);
	assert_int_equal(sivshmem_alloc_init(a, base, size), 0);
	assert_int_equal(sivshmem_alloc_check(a), 0);
	return a;
}

static struct sivshmem_alloc *snapshot(const struct sivshmem_alloc *a)
{
	struct sivshmem_alloc *s = malloc(sizeof(*s));

	assert_non_null(s);
	memcpy(s, a, sizeof(*s));
	return s;
}

static void test_init(void **state)
{
	struct sivshmem_alloc *a = calloc(1, sizeof(*a)), *s;

	(void)state;
	assert_non_null(a);
	memset(a, 0x5a, sizeof(*a));
	s = snapshot(a);
	assert_int_equal(sivshmem_alloc_init(a, 0, 0), -EINVAL);
	assert_int_equal(sivshmem_alloc_init(a, 1, PG), -EINVAL);
	assert_int_equal(sivshmem_alloc_init(a, PG, PG + 1), -EINVAL);
	assert_int_equal(sivshmem_alloc_init(a, TOP - PG, 2 * PG), -EINVAL);
	assert_int_equal(sivshmem_alloc_init(a, PG, TOP), -EINVAL);
	assert_int_equal(sivshmem_alloc_init(a, 0, UINT64_MAX), -EINVAL);
	assert_memory_equal(a, s, sizeof(*a));

	assert_int_equal(sivshmem_alloc_init(a, TOP - PG, PG), 0);
	assert_int_equal(sivshmem_alloc_check(a), 0);
	assert_int_equal(sivshmem_alloc_init(a, 0, TOP), 0);
	assert_int_equal(sivshmem_alloc_check(a), 0);
	assert_int_equal(sivshmem_alloc_free_bytes(a), TOP);
	assert_int_equal(sivshmem_alloc_largest_free(a), TOP);
	assert_int_equal(sivshmem_alloc_nr_free(a), 1);
	assert_int_equal(sivshmem_alloc_nr_used(a), 0);
	free(s);
	free(a);
}

/* Near the top of the 64-bit space: nothing may wrap. */
static void test_exhaustion(void **state)
{
	const u64 base = TOP - 40 * PG;
	struct sivshmem_alloc *a = new_alloc(base, 40 * PG), *s;
	u64 off = 0x1234;
	unsigned int n;

	(void)state;
	assert_int_equal(sivshmem_alloc_get(a, 0, &off), -EINVAL);
	assert_int_equal(sivshmem_alloc_get(a, UINT64_MAX, &off), -EINVAL);
	assert_int_equal(sivshmem_alloc_get(a, 40 * PG + 1, &off), -EINVAL);
	assert_int_equal(off, 0x1234);

	for (n = 0; n < 5; n++) {
		assert_int_equal(sivshmem_alloc_get(a, 7 * PG - 100, &off), 0);
		assert_int_equal(off, base + n * 7 * PG);
	}
	assert_int_equal(sivshmem_alloc_free_bytes(a), 5 * PG);
	s = snapshot(a);
	assert_int_equal(sivshmem_alloc_get(a, 6 * PG, &off), -ENOSPC);
	assert_memory_equal(a, s, sizeof(*a));
	assert_int_equal(sivshmem_alloc_get(a, 5 * PG, &off), 0);
	assert_int_equal(off, base + 35 * PG);
	assert_int_equal(sivshmem_alloc_free_bytes(a), 0);
	assert_int_equal(sivshmem_alloc_largest_free(a), 0);
	assert_int_equal(sivshmem_alloc_get(a, PG, &off), -ENOSPC);
	assert_int_equal(sivshmem_alloc_check(a), 0);

	assert_int_equal(sivshmem_alloc_put(a, base + 35 * PG, 5 * PG), 0);
	for (n = 0; n < 5; n++)
		assert_int_equal(sivshmem_alloc_put(a, base + n * 7 * PG,
						    7 * PG), 0);
	assert_int_equal(sivshmem_alloc_check(a), 0);
	assert_int_equal(sivshmem_alloc_nr_free(a), 1);
	assert_int_equal(sivshmem_alloc_free_bytes(a), 40 * PG);
	free(s);
	free(a);
}

static void test_fragmentation(void **state)
{
	const u64 base = 4 * PG;
	struct sivshmem_alloc *a = new_alloc(base, 16 * PG), *s;
	u64 off;
	unsigned int n;

	(void)state;
	for (n = 0; n < 16; n++)
		assert_int_equal(sivshmem_alloc_get(a, PG, &off), 0);
	for (n = 0; n < 16; n += 2)
		assert_int_equal(sivshmem_alloc_put(a, base + n * PG, PG), 0);
	assert_int_equal(sivshmem_alloc_free_bytes(a), 8 * PG);
	assert_int_equal(sivshmem_alloc_largest_free(a), PG);
	assert_int_equal(sivshmem_alloc_nr_free(a), 8);
	s = snapshot(a);
	assert_int_equal(sivshmem_alloc_get(a, 2 * PG, &off), -ENOSPC);
	assert_memory_equal(a, s, sizeof(*a));

	for (n = 1; n < 16; n += 2) {
		assert_int_equal(sivshmem_alloc_put(a, base + n * PG, PG), 0);
		assert_int_equal(sivshmem_alloc_check(a), 0);
		assert_int_equal(sivshmem_alloc_nr_free(a), 7 - n / 2 + (n == 15));
	}
	assert_int_equal(sivshmem_alloc_nr_free(a), 1);
	assert_int_equal(sivshmem_alloc_largest_free(a), 16 * PG);
	free(s);
	free(a);
}

static void test_bad_put(void **state)
{
	const u64 base = 16 * PG;
	struct sivshmem_alloc *a = new_alloc(base, 16 * PG), *s;
	static const u64 offsets[] = { 0, 1, 16 * PG, 17 * PG, 18 * PG,
				       20 * PG, 32 * PG, TOP, UINT64_MAX };
	static const u64 sizes[] = { 0, 1, PG, 2 * PG, 3 * PG, 17 * PG,
				     UINT64_MAX };
	u64 off;
	unsigned int i, j;

	(void)state;
	assert_int_equal(sivshmem_alloc_get(a, 2 * PG, &off), 0);
	assert_int_equal(sivshmem_alloc_get(a, 2 * PG, &off), 0);
	assert_int_equal(sivshmem_alloc_get(a, 4 * PG, &off), 0);
	assert_int_equal(sivshmem_alloc_put(a, base + 2 * PG, 2 * PG), 0);
	s = snapshot(a);
	for (i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		for (j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++) {
			bool live = (offsets[i] == base &&
				     (sizes[j] == PG + 1 || sizes[j] == 2 * PG)) ||
				    (offsets[i] == base + 4 * PG &&
				     sizes[j] > 3 * PG && sizes[j] <= 4 * PG);

			if (live)
				continue;
			assert_int_equal(sivshmem_alloc_put(a, offsets[i],
							    sizes[j]), -EINVAL);
			assert_memory_equal(a, s, sizeof(*a));
		}
	}
	assert_int_equal(sivshmem_alloc_put(a, base, 2 * PG), 0);
	assert_int_equal(sivshmem_alloc_put(a, base, 2 * PG), -EINVAL);
	assert_int_equal(sivshmem_alloc_check(a), 0);
	free(s);
	free(a);
}

static void test_table_full(void **state)
{
	struct sivshmem_alloc *a = new_alloc(0, 4 * MAXC * PG), *s;
	u64 off;
	unsigned int n;

	(void)state;
	for (n = 0; n < MAXC; n++) {
		assert_int_equal(sivshmem_alloc_get(a, PG, &off), 0);
		assert_int_equal(off, n * PG);
	}
	s = snapshot(a);
	assert_int_equal(sivshmem_alloc_get(a, PG, &off), -ENOSPC);
	assert_memory_equal(a, s, sizeof(*a));
	assert_int_equal(sivshmem_alloc_free_bytes(a), 3 * MAXC * PG);

	assert_int_equal(sivshmem_alloc_put(a, 5 * PG, PG), 0);
	assert_int_equal(sivshmem_alloc_get(a, PG, &off), 0);
	assert_int_equal(off, 5 * PG);
	assert_memory_equal(a, s, sizeof(*a));
	for (n = 0; n < MAXC; n++)
		assert_int_equal(sivshmem_alloc_put(a, n * PG, PG), 0);
	assert_int_equal(sivshmem_alloc_check(a), 0);
	assert_int_equal(sivshmem_alloc_nr_free(a), 1);
	free(s);
	free(a);
}

/* Pseudo-random gets and puts against a bitmap of the area's pages. */
#define RAND_PAGES	600

static u32 lcg(u32 *state)
{
	*state = *state * 1664525U + 1013904223U;
	return *state >> 8;
}

static int first_fit(const bool *used, unsigned int n)
{
	unsigned int p, len = 0;

	for (p = 0; p < RAND_PAGES; p++) {
		len = used[p] ? 0 : len + 1;
		if (len == n)
			return p + 1 - n;
	}
	return -1;
}

static void test_random(void **state)
{
	const u64 base = 1ULL << 40;
	struct sivshmem_alloc *a = new_alloc(base, RAND_PAGES * PG), *s;
	struct sivshmem_alloc_extent *live = calloc(MAXC, sizeof(*live));
	bool *used = calloc(RAND_PAGES, sizeof(*used));
	unsigned int step, nr = 0, used_pages = 0, full = 0;
	u32 rnd = 2026;

	(void)state;
	assert_non_null(live);
	assert_non_null(used);
	s = snapshot(a);
	for (step = 0; step < 20000; step++) {
		u32 r = lcg(&rnd);
		unsigned int i, p, n;
		u64 off;

		if (r % 16 < 9 || !nr) {
			int fit, ret;

			n = 1 + lcg(&rnd) % 3;
			fit = first_fit(used, n);
			memcpy(s, a, sizeof(*s));
			ret = sivshmem_alloc_get(a, n * PG - r % PG, &off);
			if (fit < 0 || nr == MAXC) {
				assert_int_equal(ret, -ENOSPC);
				assert_memory_equal(a, s, sizeof(*a));
				full += nr == MAXC;
			} else {
				assert_int_equal(ret, 0);
				assert_int_equal(off, base + fit * PG);
				for (p = fit; p < fit + n; p++) {
					assert_false(used[p]);
					used[p] = true;
				}
				used_pages += n;
				live[nr].offset = off;
				live[nr++].size = n * PG;
			}
		} else {
			struct sivshmem_alloc_extent l;

			i = lcg(&rnd) % nr;
			l = live[i];
			assert_int_equal(sivshmem_alloc_put(a, l.offset, l.size), 0);
			memcpy(s, a, sizeof(*s));
			assert_int_equal(sivshmem_alloc_put(a, l.offset, l.size),
					 -EINVAL);
			assert_memory_equal(a, s, sizeof(*a));
			for (p = (l.offset - base) / PG, n = l.size / PG; n; n--)
				used[p++] = false;
			used_pages -= l.size / PG;
			live[i] = live[--nr];
		}
		assert_int_equal(sivshmem_alloc_check(a), 0);
		assert_int_equal(sivshmem_alloc_nr_used(a), nr);
		assert_int_equal(sivshmem_alloc_free_bytes(a),
				 (RAND_PAGES - used_pages) * PG);
	}
	/* The sequence reached the channel limit, not only the area's. */
	assert_true(full > 0);
	while (nr) {
		nr--;
		assert_int_equal(sivshmem_alloc_put(a, live[nr].offset,
						    live[nr].size), 0);
	}
	assert_int_equal(sivshmem_alloc_nr_free(a), 1);
	assert_int_equal(sivshmem_alloc_free_bytes(a), RAND_PAGES * PG);
	free(used);
	free(live);
	free(s);
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_exhaustion),
		cmocka_unit_test(test_fragmentation),
		cmocka_unit_test(test_bad_put),
		cmocka_unit_test(test_table_full),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests_name("alloc", tests, NULL, NULL);
}
