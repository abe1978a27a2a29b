// SPDX-License-Identifier: GPL-3.0-or-later
/* Small helpers every layer uses: a monotonic clock, a qsort comparator,
 * a cache-line pad. */
#ifndef VMS_BASE_UTIL_H
#define VMS_BASE_UTIL_H

#include <stdint.h>
#include <stdbool.h>
#include <time.h>
#include <sys/mman.h>
#include <unistd.h>

/* The last member of a state that one thread writes on every item while
 * others write their own copy next to it in an array: keeps the next copy's
 * members off this one's cache line (false sharing halved pagestat's speed
 * on two threads). */
#define VMS_CACHELINE_PAD char cacheline_pad_[64]
/* ... and its first member: keeps the first copy off the cache line of
 * whatever the allocator put just before the array, which may be another
 * thread's (pages -j ran a fifth slower on the heap layouts that did). */
#define VMS_CACHELINE_HEAD char cacheline_head_[64]

/* A 64-bit mix of @x (the finaliser of MurmurHash3's fmix64, by Austin
 * Appleby, public domain): for small direct-mapped caches keyed by words. */
static inline uint64_t vms_mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64_C(0xc4ceb9fe1a85ec53);
	x ^= x >> 33;
	return x;
}

/* Bit @i of the bitmap @bits (64-bit words). */
static inline bool vms_bit_test(const uint64_t *bits, uint64_t i)
{
	return (bits[i / 64] >> (i % 64)) & 1;
}

static inline void vms_bit_set(uint64_t *bits, uint64_t i)
{
	bits[i / 64] |= UINT64_C(1) << (i % 64);
}

/* Seconds on the monotonic clock (for durations). */
static inline double vms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Map the pages wholly inside [@p, @p + @n) now, writable, with one system
 * call (MADV_POPULATE_WRITE, Linux 5.14) instead of a page fault at the
 * first touch of each: for memory about to be filled at once.  Under
 * virtualization a fault can cost 10 us.  Nothing on a kernel without it. */
static inline void vms_prefault(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
	uintptr_t ps = (uintptr_t)sysconf(_SC_PAGESIZE), lo = ((uintptr_t)p + ps - 1) & ~(ps - 1), hi = ((uintptr_t)p + n) & ~(ps - 1);
	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)n;
#endif
}

/* qsort() comparator of uint64_t, ascending. */
static inline int vms_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

#endif
