// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Whole-memory page statistics in the spirit of tools/mm/page-types: pages
 * per distinct /proc/kpageflags word, and totals by use, zone, node, mapping
 * kind and block order, plus the PFNs that could not be decoded, by reason.
 * Every PFN of the walked range is counted exactly once: decoded pages plus
 * unknown pages add up to the range.
 */
#ifndef VMS_LINUX_PAGESTAT_H
#define VMS_LINUX_PAGESTAT_H

#include "linux/memmap.h"

#define LINUX_PAGESTAT_MAX_NODES 1024

struct linux_pagestat_combo {
	uint64_t kpf, pages;
};

struct linux_pagestat {
	uint64_t start_pfn, end_pfn;      // the range walked
	uint64_t pfns;                    // PFNs covered (= end - start unless stopped)
	uint64_t decoded, partial;
	uint64_t unknown[LINUX_UNKNOWN_NR];
	struct linux_pagestat_combo *combos; // sorted by pages, descending
	size_t nr_combos;
	uint64_t by_use[LINUX_USE_NR];
	uint64_t by_zone[8];
	uint64_t by_node[LINUX_PAGESTAT_MAX_NODES];
	uint64_t by_mapping[LINUX_MAPPING_NR];
	uint64_t blocks_by_order[64];     // heads of folios/free blocks, and single pages
	// Zone/node cross-check (linux_memmap_zone_check()): decoded pages
	// whose flags name a zone that does not span them, the first few of
	// them, and whether the check ran (zone spans readable).
	bool zone_checked;
	uint64_t zone_hole;               // LINUX_ZONE_HOLE pages (expected)
	uint64_t zone_mismatch;           // LINUX_ZONE_MISMATCH pages
	uint64_t zone_mismatch_pfn[8];
	size_t nr_zone_mismatch_pfn;
	unsigned threads;
	double seconds;
};

/* Walk the map and count: the range, threads, batch, zerocopy and progress
 * of @how (its other members are ignored; NULL: the whole map, defaults).
 * On success the caller owns *ret (linux_pagestat_destroy). */
VMS_MUST_CHECK struct vms_error *linux_pagestat(struct vms_program *prog, const struct linux_memmap *m,
				 const struct linux_memmap_walk *how, struct linux_pagestat **ret);
void linux_pagestat_destroy(struct linux_pagestat *st);

#endif
