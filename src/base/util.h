// SPDX-License-Identifier: GPL-3.0-or-later
/* Small helpers every layer uses: a monotonic clock, a qsort comparator. */
#ifndef VMS_BASE_UTIL_H
#define VMS_BASE_UTIL_H

#include <stdint.h>
#include <time.h>

/* Seconds on the monotonic clock (for durations). */
static inline double vms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* qsort() comparator of uint64_t, ascending. */
static inline int vms_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

#endif
