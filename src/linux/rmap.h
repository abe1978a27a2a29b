// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Reverse mapping: from a page frame to every (mm, virtual address) that
 * maps it, following the kernel's own reverse map as rmap_walk_anon(),
 * rmap_walk_file() and rmap_walk_ksm() do (mm/rmap.c, mm/ksm.c), then
 * proving each candidate in the mm's page tables.
 *
 *  - anonymous: page->mapping is an anon_vma; its interval tree of
 *    anon_vma_chains is queried for the page's pgoff (the folio's index plus
 *    the page's offset in the folio), vma_address() gives the address;
 *  - file and shmem: the same query on mapping->i_mmap;
 *  - KSM: the stable node's rmap_items, each naming an anon_vma whose VMAs
 *    containing the item's address are the candidates;
 *  - no reverse map (the shared zero page, [vdso] pages, pages a driver
 *    inserted): a forward scan of every task's page tables, VMA by VMA,
 *    for the PTEs and huge PMDs/PUDs that map the page (as crash's
 *    "foreach vm -p" and search would), bounded and cancellable.
 *
 * Errors met on one candidate (a corrupt avc, a page-table page missing
 * from the dump) are recorded in the result and the walk goes on.
 */
#ifndef VMS_LINUX_RMAP_H
#define VMS_LINUX_RMAP_H

#include "base/hashmap.h"
#include "linux/memmap.h"
#include "linux/mm.h"
#include "linux/pgtable.h"

struct linux_rmap_hit {
	uint64_t mm;
	struct linux_vma vma;
	uint64_t vaddr;
	uint64_t via;                // avc, VMA (file) or rmap_item (KSM) that named it
	struct linux_pt_entry pt;    // what the page table holds at vaddr
	bool confirmed;              // pt maps this PFN
	char *error;                 // why it could not be checked (malloc'd) or NULL
};

struct linux_rmap_result {
	uint64_t pfn;
	struct linux_page_info page;   // decoded page
	uint64_t head_index;           // the folio's index
	uint64_t pgoff;                // the page's pgoff (not for KSM)
	uint64_t anon_vma, anon_vma_root, stable_node, address_space;
	int kind;                      // enum linux_mapping_kind
	size_t candidates, confirmed;
	struct linux_rmap_hit *hits;
	size_t nr_hits, cap_hits;
	char **errors;                 // errors that cut a part of the walk short
	size_t nr_errors, cap_errors;
	const char *note;              // e.g. why a page has no reverse map (static)
	bool scanned;                  // found by the forward page-table scan
	bool no_mapcount;              // the kernel keeps no mapcount (zero page)
};

/* The rmap context: a struct linux_vm plus the memory map and, for
 * linux_rmap_all(), caches per anon_vma and address_space. */
struct linux_rmap {
	struct linux_vm *vm;
	struct linux_memmap *memmap;
	bool caching;                  // cache interval trees (rmap --all)
	struct vms_u64map cache;       // anon_vma / address_space -> struct rmap_vmas *
	struct vms_u64map head_index;  // head pfn -> index + 1 (--all)
	bool hugetlb_probed, hugetlb_index_in_huge_pages;
	// one page-table cursor per hit slot: the next page's hit in the same
	// slot is most often one page further in the same table (--all)
	struct linux_pt_cursor *cursors;
	size_t nr_cursors;
	// the last page reverse-mapped through a cached tree (--all), for the
	// next page one further on in it (rmap.c: walk_next())
	struct linux_rmap_last {
		const void *tree;                     // its struct rmap_vmas
		const struct linux_rmap_result *r;    // the result holding its hits
		uint64_t pgoff;
		size_t nr_hits;
	} last;
	bool borrowed;                 // a worker's: memmap (and prog) are not its own
};

VMS_MUST_CHECK struct vms_error *linux_rmap_create(struct vms_program *prog, struct linux_rmap **ret);
void linux_rmap_destroy(struct linux_rmap *rm);

/* Reverse-map the page @pfn into *ret (caller-allocated; free its contents
 * with linux_rmap_result_deinit()).  Fails only when the page itself cannot
 * be read or decoded; everything else is recorded in *ret. */
VMS_MUST_CHECK struct vms_error *linux_rmap_pfn(struct linux_rmap *rm, uint64_t pfn, struct linux_rmap_result *ret);

/* Reverse-map @pfn by a forward scan of every task's page tables (every
 * VMA of every mm in use), whatever its reverse map says.  Errors of one mm
 * or VMA are recorded in *ret and the scan goes on; fails only when the page
 * cannot be decoded or the scan is cancelled. */
VMS_MUST_CHECK struct vms_error *linux_rmap_scan(struct linux_rmap *rm, uint64_t pfn, struct linux_rmap_result *ret);

/* At most this many page-table leaves are visited by one scan. */
#define LINUX_RMAP_SCAN_MAX_LEAVES (1ULL << 26)

void linux_rmap_result_deinit(struct linux_rmap_result *r);

/* Which pages linux_rmap_all() visits. */
#define LINUX_RMAP_ANON 1u
#define LINUX_RMAP_FILE 2u
#define LINUX_RMAP_KSM 4u
#define LINUX_RMAP_OTHER 8u  // mapped pages without a reverse map (forward scan)

/*
 * Reverse-map every page of the memory map whose mapcount is positive and
 * whose mapping is of a kind in @kinds, in PFN order, calling @fn with each
 * result (borrowed for the call) on the calling thread.  The struct pages
 * are read and decoded in parallel (linux_memmap_walk()); the reverse map
 * runs on the calling thread with caches (per anon_vma and address_space,
 * page tables), or, given @workers, on each worker for its chunks, with its
 * own clone of the program and its own caches (see struct
 * linux_rmap_workers).  Pages without a reverse map (LINUX_RMAP_OTHER) are
 * collected and reverse-mapped at the end by one forward scan of every
 * page table, so their rows come last (in PFN order among themselves).
 * *nr_ret counts the pages visited; @unknown_ret (LINUX_UNKNOWN_NR counters,
 * may be NULL) the PFNs whose struct page could not be read, by reason
 * (linux/memmap.h): their mappings are not in the answer.
 */
struct linux_rmap_workers {
	/* A state for worker @i (called before the walk; NULL: out of
	 * memory, that worker's chunks go to @fn), and its end (after). */
	void *(*state_new)(void *arg, unsigned i);
	void (*state_free)(void *arg, void *wstate);
	/* On the worker: each result of its chunk, in PFN order; @wrm is the
	 * worker's context (its struct linux_vm for task lookups).  An error
	 * stops the walk. */
	struct vms_error *(*page)(void *wstate, struct linux_rmap *wrm, const struct linux_rmap_result *r);
	/* Optional: on the worker, after a chunk, what to deliver for it
	 * (may be NULL).  A caller that only accumulates in its worker states
	 * leaves it and deliver() out. */
	void *(*chunk_done)(void *wstate);
	/* On the calling thread, in PFN order: a chunk's output from
	 * chunk_done(), to use and free; with @discard only to free (the
	 * walk is stopping).  Called only for a non-NULL output. */
	struct vms_error *(*deliver)(void *arg, void *out, bool discard);
};

VMS_MUST_CHECK struct vms_error *linux_rmap_all(struct linux_rmap *rm, unsigned kinds,
				 struct vms_error *(*fn)(void *arg, const struct linux_rmap_result *r),
				 void *arg, const struct linux_rmap_workers *workers,
				 uint64_t *nr_ret, uint64_t *unknown_ret);

#endif
