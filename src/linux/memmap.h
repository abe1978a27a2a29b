// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The memory map: which PFNs have a struct page and where it is, and a
 * parallel walk that reads struct pages a section at a time and decodes
 * each of them (linux/pagedecode.h).
 *
 * Models, chosen by probing: SPARSEMEM (with or without VMEMMAP, with the
 * SPARSEMEM_EXTREME root array or the static one) reads mem_section[] and
 * keeps the present sections' valid subsections; FLATMEM uses mem_map.
 *
 * Threads: the walk runs on worker threads, each with its own
 * program_clone(); per-worker state is the caller's.  Results come back to
 * the calling thread in PFN order, a chunk (at most a section) at a time.
 * PFNs whose struct page cannot be read are never invented: they are counted
 * by reason (no memory map, excluded from the dump, unmapped, other error).
 */
#ifndef VMS_LINUX_MEMMAP_H
#define VMS_LINUX_MEMMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "linux/pagedecode.h"
#include "program/program.h"

enum linux_memmap_unknown {
	LINUX_UNKNOWN_HOLE,      // no struct page: not in a present section/subsection
	LINUX_UNKNOWN_EXCLUDED,  // struct page not in the dump (filtered, VMS_ERR_NODATA)
	LINUX_UNKNOWN_UNMAPPED,  // struct page address does not translate (VMS_ERR_FAULT)
	LINUX_UNKNOWN_ERROR,     // any other read error
	LINUX_UNKNOWN_NR,
};

/* "hole", "excluded", "unmapped", "error". */
const char *linux_memmap_unknown_name(unsigned why);

/* PFNs [start_pfn, end_pfn) have struct pages at map_base + pfn * size. */
struct linux_memmap_range {
	uint64_t start_pfn, end_pfn;
	uint64_t map_base;
	bool online;             // SECTION_IS_ONLINE (pfn_to_online_page())
};

struct linux_memmap {
	const struct linux_page_layout *layout;  // borrowed from the program
	const char *model;                       // "sparsemem-vmemmap", "sparsemem", "flatmem"
	uint64_t max_pfn;                        // the kernel's max_pfn
	uint64_t end_pfn;                        // max(max_pfn, end of the last range)
	uint64_t section_pages;                  // PAGES_PER_SECTION (chunk size)
	uint64_t nr_sections;                    // present sections with a memory map
	struct linux_memmap_range *ranges;       // sorted, disjoint
	size_t nr_ranges;
};

/* Probe the memory map of @prog.  On success the caller owns *ret. */
struct vms_error *linux_memmap_create(struct vms_program *prog, struct linux_memmap **ret);
void linux_memmap_destroy(struct linux_memmap *m);

/* The range holding @pfn, or NULL for a hole. */
const struct linux_memmap_range *linux_memmap_find(const struct linux_memmap *m, uint64_t pfn);

/* Read and decode the one page @pfn (for `page`).  Fails with VMS_ERR_INVALID
 * for a PFN without a struct page, or the read error of its struct page. */
struct vms_error *linux_memmap_decode_one(struct vms_program *prog, const struct linux_memmap *m,
					  uint64_t pfn, struct linux_page_info *ret);

/* For a file page's address_space @mapping: the host inode, its number and
 * the name of one of its dentries (*name_ret malloc'd, NULL when the inode
 * has no dentry).  Fails when the chain cannot be read. */
struct vms_error *linux_mapping_file(struct vms_program *prog, const struct linux_page_layout *l,
				     uint64_t mapping, uint64_t *inode_ret, uint64_t *ino_ret,
				     char **name_ret);

struct linux_memmap_walk {
	uint64_t start_pfn, end_pfn;   // end 0: the whole map (m->end_pfn)
	unsigned nthreads;             // 0: one per online CPU
	void **wstate;                 // nthreads per-worker states (after
	                               // linux_memmap_walk_threads())
	/* Called on a worker for every decoded page. */
	void (*page)(void *wstate, const struct linux_page_info *pi);
	/* Called on a worker when a chunk is finished; the returned result
	 * (may be NULL) is handed to deliver() on the calling thread, in PFN
	 * order.  After a stop or an error, results not delivered in order are
	 * still handed to deliver() with w->stopped set, to be freed. */
	void *(*chunk_done)(void *wstate);
	void (*deliver)(void *arg, void *result);
	void *arg;
	/* Polled between chunks on the calling thread: true stops the walk. */
	bool (*stop)(void *arg);
	bool progress;                 // draw a progress bar on stderr (if a tty, >1 s)
	// Results, filled by the walk:
	uint64_t pages_decoded;
	uint64_t pages_partial;        // decoded, but a page they depend on was unreadable
	uint64_t unknown[LINUX_UNKNOWN_NR];
	uint64_t pfns_covered;         // end - start actually walked (less on stop)
	bool stopped;
};

/* How many worker threads a walk of @w will use (resolves nthreads 0). */
unsigned linux_memmap_walk_threads(const struct linux_memmap_walk *w);

/* Walk [w->start_pfn, w->end_pfn).  Fails on setup errors (clone) or
 * cancellation (VMS_ERR_CANCELLED); unreadable pages are counted, not
 * errors. */
struct vms_error *linux_memmap_walk(struct vms_program *prog, const struct linux_memmap *m,
				    struct linux_memmap_walk *w);

#endif
