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

/* The reason (enum linux_memmap_unknown) a struct page read failed with
 * @err: VMS_ERR_NODATA excluded, VMS_ERR_FAULT unmapped, else error. */
unsigned linux_memmap_unknown_reason(const struct vms_error *err);

/* PFNs [start_pfn, end_pfn) have struct pages at map_base + pfn * size. */
struct linux_memmap_range {
	uint64_t start_pfn, end_pfn;
	uint64_t map_base;
	bool online;             // SECTION_IS_ONLINE (pfn_to_online_page())
	// 0, or 1 + the reason (enum linux_memmap_unknown) why the walk
	// cannot know these PFNs: their mem_section could not be read, so
	// there is no map_base; the walk counts them without reading.
	uint8_t unreadable;
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
	size_t cap_ranges;
	// Zone spans from each online node's pglist_data.node_zones[]:
	// zone_start_pfn and spanned_pages, for the zone/node cross-check
	// (linux_memmap_zone_check()).  NULL when they could not be read
	// (zones_err says why).
	struct linux_zone_span *zones;
	size_t nr_zones, cap_zones;
	char *zones_err;
	// One line on what could not be probed (mem_section unreadable...),
	// or NULL; every answer built on this map repeats it.  Owned.
	char *note;
};

/*
 * The pure part of the SPARSEMEM probe, apart from the reads so that unit
 * tests can drive it: the geometry from VMCOREINFO/DWARF numbers, and what
 * one mem_section word means.  Kernel encodings (include/linux/mmzone.h,
 * the same in 5.10, 6.1 and 6.12):
 *   PAGES_PER_SECTION = 1 << (SECTION_SIZE_BITS - PAGE_SHIFT)
 *   NR_MEM_SECTIONS = 1 << (MAX_PHYSMEM_BITS - SECTION_SIZE_BITS)
 *   SUBSECTION_SHIFT 21: PAGES_PER_SUBSECTION = 1 << (21 - PAGE_SHIFT),
 *     SUBSECTIONS_PER_SECTION = 1 << (SECTION_SIZE_BITS - 21)
 *   SECTIONS_PER_ROOT = PAGE_SIZE / sizeof(struct mem_section) with
 *     SPARSEMEM_EXTREME (mem_section is struct mem_section **), else 1
 *     (static mem_section[NR_SECTION_ROOTS][SECTIONS_PER_ROOT])
 *   section_mem_map = mem_map - section_nr_to_pfn(nr) | flags
 *     (sparse_encode_mem_map()); __section_mem_map_addr() masks
 *     SECTION_MAP_MASK = ~((1 << SECTION_MAP_LAST_BIT) - 1), and the
 *     struct page of pfn is that + pfn (__pfn_to_page())
 *   flags: SECTION_MARKED_PRESENT bit 0, SECTION_HAS_MEM_MAP bit 1,
 *     SECTION_IS_ONLINE bit 2, SECTION_IS_EARLY bit 3 (5.10, 6.1: defines;
 *     6.12: enum with SECTION_TAINT_ZONE_DEVICE_BIT 4 before
 *     SECTION_MAP_LAST_BIT, so LAST_BIT is 4 or 5)
 *   ms->usage->subsection_map: bit i = subsection i of the section is
 *     valid (pfn_section_valid(); 5.3+).
 */
struct linux_sparse_geom {
	uint64_t section_pages;    // PAGES_PER_SECTION
	uint64_t subsec_pages;     // PAGES_PER_SUBSECTION
	uint64_t nr_subsec;        // SUBSECTIONS_PER_SECTION
	uint64_t nr_sections;      // NR_MEM_SECTIONS
	uint64_t map_mask;         // SECTION_MAP_MASK
	unsigned has_map_bit;      // SECTION_HAS_MEM_MAP_BIT
	unsigned online_bit;       // SECTION_IS_ONLINE_BIT
};

/* The geometry from PAGE_SHIFT, SECTION_SIZE_BITS, MAX_PHYSMEM_BITS and
 * SECTION_MAP_LAST_BIT (and the two flag bits).  Fails with VMS_ERR_FORMAT
 * on implausible numbers. */
VMS_MUST_CHECK struct vms_error *linux_sparse_geometry(unsigned page_shift, uint64_t section_bits,
					uint64_t physmem_bits, int64_t map_last_bit,
					int64_t has_map_bit, int64_t online_bit, unsigned subsec_shift,
					struct linux_sparse_geom *ret);

/* Add PFNs [start, end) at @map_base (FLATMEM: mem_map - ARCH_PFN_OFFSET;
 * a guessed vmemmap), or, with @unreadable = 1 + reason, PFNs that cannot
 * be known.  Ranges must be added in PFN order. */
VMS_MUST_CHECK struct vms_error *linux_memmap_add_range(struct linux_memmap *m, uint64_t start, uint64_t end,
					 uint64_t map_base, bool online, uint8_t unreadable);

/* Where mem_section is and how it is laid out (from the debug info). */
struct linux_sparse_desc {
	bool extreme;              // struct mem_section **mem_section (SPARSEMEM_EXTREME)
	uint64_t mem_section;      // address of the variable
	uint64_t nr_roots;         // NR_SECTION_ROOTS (or LENGTH(mem_section))
	uint64_t per_root;         // SECTIONS_PER_ROOT
	uint64_t ms_size;          // sizeof(struct mem_section)
	uint64_t off_map;          // offsetof section_mem_map
	bool has_usage;            // struct mem_section has usage (5.3+)
	uint64_t off_usage;        // offsetof usage
	uint64_t off_subsec;       // offsetof(struct mem_section_usage, subsection_map)
};

/* Read mem_section through @read (program_read() in real use, a byte image
 * in tests) and add every present section's valid subsections to @m.  An
 * unreadable root array or root does not fail: its sections become
 * "unknown" spans and m->note says why (see linux_memmap_range).  Fails on
 * ENOMEM or an implausible @d. */
VMS_MUST_CHECK struct vms_error *linux_memmap_scan_sparse(struct linux_memmap *m, const struct linux_sparse_geom *g,
					   const struct linux_sparse_desc *d,
					   struct vms_error *(*read)(void *arg, uint64_t addr, void *buf, size_t len),
					   void *arg);

/* Finish a map built by the functions above: end_pfn from max_pfn and the
 * ranges. */
void linux_memmap_finish(struct linux_memmap *m);

/* One populated or empty zone of one node. */
struct linux_zone_span {
	uint16_t node;
	uint8_t zone;                // index in node_zones[]
	uint64_t start_pfn, spanned; // zone_start_pfn, spanned_pages
};

enum linux_zone_check {
	LINUX_ZONE_OK,        // the zone @pi's flags name spans its PFN (or not checked)
	LINUX_ZONE_HOLE,      // a hole's page: the named zone exists but does not
	                      // span it, and no zone does or the page is reserved
	                      // (init_unavailable_range() reserves them)
	LINUX_ZONE_MISMATCH,  // an unreserved page another zone spans, or the
	                      // named zone/node does not exist
};

/* Does the zone that @pi's flags name (node and zone fields) span its PFN?
 * The kernel's page_zone(page) is NODE_DATA(page_to_nid(page))->
 * node_zones[page_zonenum(page)], and zone_spans_pfn() should hold for it,
 * except in memory holes: memmap_init() initializes their struct pages with
 * the zone at hand and reserves them (init_unavailable_range() in
 * mm/page_alloc.c of 5.10 and 6.1, mm/mm_init.c of 6.12; the end of the
 * last section goes to "the highest zone in the last node").  zone spans
 * include holes (spanned_pages, not present_pages). */
enum linux_zone_check linux_memmap_zone_check(const struct linux_memmap *m,
					      const struct linux_page_info *pi);

/* Probe the memory map of @prog.  On success the caller owns *ret. */
VMS_MUST_CHECK struct vms_error *linux_memmap_create(struct vms_program *prog, struct linux_memmap **ret);
void linux_memmap_destroy(struct linux_memmap *m);

/* The range holding @pfn, or NULL for a hole. */
const struct linux_memmap_range *linux_memmap_find(const struct linux_memmap *m, uint64_t pfn);

/* Read and decode the one page @pfn (for `page`).  Fails with VMS_ERR_INVALID
 * for a PFN without a struct page, or the read error of its struct page. */
VMS_MUST_CHECK struct vms_error *linux_memmap_decode_one(struct vms_program *prog, const struct linux_memmap *m,
					  uint64_t pfn, struct linux_page_info *ret);

/* For a file page's address_space @mapping: the host inode, its number and
 * the name of one of its dentries (*name_ret malloc'd, NULL when the inode
 * has no dentry).  Fails when the chain cannot be read. */
VMS_MUST_CHECK struct vms_error *linux_mapping_file(struct vms_program *prog, const struct linux_page_layout *l,
				     uint64_t mapping, uint64_t *inode_ret, uint64_t *ino_ret,
				     char **name_ret);

struct linux_memmap_walk {
	uint64_t start_pfn, end_pfn;   // end 0: the whole map (m->end_pfn)
	unsigned nthreads;             // 0: one per online CPU
	void **wstate;                 // nthreads per-worker states (after
	                               // linux_memmap_walk_threads())
	/* Called on a worker for every decoded page. */
	void (*page)(void *wstate, const struct linux_page_info *pi);
	/* Optional: called instead of page() for @n consecutive pages, from
	 * pi->pfn, whose decode is *pi but for pfn and page (pi->pfn + k,
	 * pi->page + k * page_size) and the raw words no derived field
	 * depends on (index, private, memcg).  Without it, page() is called for
	 * each.  (The free tail pages of a buddy block: see worker_main().) */
	void (*page_run)(void *wstate, const struct linux_page_info *pi, uint64_t n);
	/* Called on a worker when a chunk is finished; the returned result
	 * (may be NULL) is handed to deliver() on the calling thread, in PFN
	 * order.  After a stop or an error, results not delivered in order are
	 * still handed to deliver() with w->stopped set, to be freed. */
	void *(*chunk_done)(void *wstate);
	void (*deliver)(void *arg, void *result);
	void *arg;
	/* Polled between chunks on the calling thread: true stops the walk. */
	bool (*stop)(void *arg);
	/* Optional, on the calling thread: @done of @total PFNs walked, at the
	 * start (0), after each chunk, and at the end (done == total, also
	 * after a stop or an error), for the user interface to show. */
	void (*progress)(void *progress_arg, uint64_t done, uint64_t total);
	void *progress_arg;
	uint64_t batch;                // PFNs decoded at a time: a power of two
	                               // >= 64 (0: 4096)
	bool zerocopy;                 // decode struct pages in place in the dump
	                               // file when it can (program_map())
	/* Optional: decode only the struct pages whose 8 bytes at @match_off
	 * are @match_value (little-endian); the others are passed over, and
	 * counted in pages_decoded as looked at.  A search by one word: the
	 * slab pages of one cache by their slab_cache pointer. */
	bool match;
	unsigned match_off;
	uint64_t match_value;
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
VMS_MUST_CHECK struct vms_error *linux_memmap_walk(struct vms_program *prog, const struct linux_memmap *m,
				    struct linux_memmap_walk *w);

#endif
