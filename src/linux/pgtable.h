// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * x86-64 user page tables, read through physical memory: 4- or 5-level
 * (pgtable_l5_enabled), huge PMD and PUD leaves, PROT_NONE entries (whose
 * PFN bits the kernel inverts, L1TF), swap entries.  Page-table pages are
 * cached per context.
 */
#ifndef VMS_LINUX_PGTABLE_H
#define VMS_LINUX_PGTABLE_H

#include "linux/vmctx.h"

enum linux_pt_level { LINUX_PT_NONE = 0, LINUX_PT_PTE = 1, LINUX_PT_PMD = 2, LINUX_PT_PUD = 3 };

struct linux_pt_entry {
	enum linux_pt_level level;  // level of the leaf; NONE if no table maps it
	uint64_t entry;             // raw leaf entry (0 if none)
	uint64_t entry_paddr;       // physical address of the entry
	bool present;               // _PAGE_PRESENT or _PAGE_PROTNONE
	uint64_t paddr;             // physical address mapped at the *page's* address
	uint64_t pfn;               // paddr >> PAGE_SHIFT when present
	uint64_t size;              // bytes mapped by the leaf (4 KiB, 2 MiB, 1 GiB)
};

/*
 * Start loading what linux_pgtable_lookup(@vm, @mm, @vaddr) will read, if
 * its PTE table is at hand in @vm's caches (else nothing): a caller with
 * several lookups to make prefetches them all first, so that their cache
 * misses overlap.  (Handing the lookup what the prefetch found, so that it
 * skips the caches, measured slower: the lookup then stalls at once on the
 * entry still on its way.)
 */
void linux_pgtable_prefetch(struct linux_vm *vm, uint64_t mm, uint64_t vaddr);

/*
 * Translate user address @vaddr in @mm.  A missing level gives level NONE
 * and present false (not an error).  Errors: VMS_ERR_NODATA naming the
 * page-table page the dump does not hold (e.g. filtered), read errors.
 */
VMS_MUST_CHECK struct vms_error *linux_pgtable_lookup(struct linux_vm *vm, uint64_t mm, uint64_t vaddr,
				       struct linux_pt_entry *ret);

/*
 * Where a lookup left off, for the next lookups in the same PTE table:
 * rmap --all meets a page's mappings again one page further on for the
 * next page, and a lookup through a cursor that still covers the address
 * reads the entry straight from the table, skipping the caches (the
 * result is the same: the dump does not change).  Only tables that stay
 * where they are (read in place from a mapped dump) are kept; zero it to
 * start.  Valid as long as @vm.
 */
struct linux_pt_cursor {
	uint64_t mm, range;     // the mm and 2 MiB range (vaddr >> PMD shift) covered
	uint64_t tbl;           // physical address of the PTE table
	const uint64_t *ptes;   // its entries; NULL: covers nothing
};

/* linux_pgtable_lookup() through @cur, which it moves to @vaddr's table. */
VMS_MUST_CHECK struct vms_error *linux_pgtable_lookup_cursor(struct linux_vm *vm, struct linux_pt_cursor *cur,
							     uint64_t mm, uint64_t vaddr, struct linux_pt_entry *ret);

/* linux_pgtable_prefetch() through @cur. */
void linux_pgtable_prefetch_cursor(struct linux_vm *vm, const struct linux_pt_cursor *cur, uint64_t mm,
				   uint64_t vaddr);

/* Called for each present leaf in the range; @vaddr is the leaf's start
 * (aligned to its size). */
typedef struct vms_error *linux_pt_fn(void *arg, uint64_t vaddr, const struct linux_pt_entry *e);

/* Call @fn for each present leaf of @mm's page tables in [@start, @end). */
VMS_MUST_CHECK struct vms_error *linux_pgtable_for_each(struct linux_vm *vm, uint64_t mm, uint64_t start, uint64_t end,
					 linux_pt_fn *fn, void *arg);

/* A walk that looks for a few PFNs among millions of leaves: a page-sized
 * leaf reaches @fn only when bit (pfn & @mask) of @bits is set (@mask + 1
 * a multiple of 64).  Larger leaves always do.  @seen counts every present
 * leaf the walk met, passed on or not. */
struct linux_pt_filter {
	const uint64_t *bits;
	uint64_t mask;
	uint64_t seen;
};

/* linux_pgtable_for_each() through @filter (NULL: every leaf). */
VMS_MUST_CHECK struct vms_error *linux_pgtable_for_each_filtered(struct linux_vm *vm, uint64_t mm, uint64_t start,
								 uint64_t end, struct linux_pt_filter *filter,
								 linux_pt_fn *fn, void *arg);

void linux_pt_cache_destroy(struct linux_vm *vm);

#endif
