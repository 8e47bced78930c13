/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * Timing and statistics helpers of the benchmarks (guest and native).
 */

#ifndef SIV_BENCH_UTIL_H
#define SIV_BENCH_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

static inline uint64_t bench_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int bench_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorts @v and returns its @pct percentile (50: median). */
static inline uint64_t bench_pct(uint64_t *v, size_t n, int pct)
{
	size_t i;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), bench_cmp_u64);
	i = (n * pct + 99) / 100;
	if (i)
		i--;
	if (pct == 50)
		i = (n - 1) / 2;
	return v[i];
}

/* Iterations that take about @target_ns when one takes @per_ns. */
static inline unsigned long bench_iters(uint64_t per_ns, uint64_t target_ns,
					unsigned long lo, unsigned long hi)
{
	unsigned long n = per_ns ? target_ns / per_ns : hi;

	return n < lo ? lo : n > hi ? hi : n;
}

#endif /* SIV_BENCH_UTIL_H */
