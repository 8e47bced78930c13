/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: mktime64(), copied from the 6.1 kernel's
 * kernel/time/time.c so that the fuzzer runs the same arithmetic (and
 * UBSan checks it) as the kernel does.
 */

#ifndef _SIVSHMEM_SHIM_LINUX_TIME_H
#define _SIVSHMEM_SHIM_LINUX_TIME_H

#include <linux/time64.h>

static inline time64_t mktime64(const unsigned int year0,
				const unsigned int mon0,
				const unsigned int day, const unsigned int hour,
				const unsigned int min, const unsigned int sec)
{
	unsigned int mon = mon0, year = year0;

	/* 1..12 -> 11,12,1..10 */
	if (0 >= (int)(mon -= 2)) {
		mon += 12;	/* Puts Feb last since it has leap day */
		year -= 1;
	}

	return ((((time64_t)
		  (year / 4 - year / 100 + year / 400 + 367 * mon / 12 + day) +
		  year * 365 - 719499
	    ) * 24 + hour /* now have hours - midnight tomorrow handled here */
	  ) * 60 + min /* now have minutes */
	) * 60 + sec; /* finally seconds */
}

#endif /* _SIVSHMEM_SHIM_LINUX_TIME_H */
