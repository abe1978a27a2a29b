// SPDX-License-Identifier: GPL-3.0-or-later
/* x86-64 user page-table walks through physical memory
 * (arch/x86/include/asm/pgtable_types.h, pgtable-invert.h). */
#include "linux/pgtable.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define PT_PRESENT 0x001ULL
#define PT_PSE 0x080ULL
#define PT_PROTNONE 0x100ULL  // _PAGE_BIT_GLOBAL reused when not present
#define PT_PHYS_MASK 0x000ffffffffff000ULL  // __PHYSICAL_MASK_SHIFT 52
#define PT_ENTRIES 512
#define PT_CACHE_SLOTS 2048

struct linux_pt_cache_slot {
	uint64_t paddr;  // page address + 1 (0: empty)
	uint64_t data[PT_ENTRIES];
};

struct linux_pt_cache {
	struct linux_pt_cache_slot slots[PT_CACHE_SLOTS];
};

/* The PTE table of an (mm, 2 MiB range), so that lookups of neighbouring
 * pages (rmap --all visits the pages of a VMA one after another) skip the
 * upper levels.  Only tables reached through present, non-huge PMDs. */
#define PMD_CACHE_SLOTS 4096

struct linux_pmd_cache {
	struct {
		uint64_t mm, range;  // mm 0: empty; range = vaddr >> 21
		uint64_t tbl;        // physical address of the PTE table
	} slots[PMD_CACHE_SLOTS];
};

static size_t pmd_slot(uint64_t mm, uint64_t range)
{
	return ((mm >> 6) * 0x9e3779b97f4a7c15ULL + range * 0xc2b2ae3d27d4eb4fULL) >> 52;
}

void linux_pt_cache_clear(struct linux_vm *vm)
{
	if (vm->ptc)
		for (size_t i = 0; i < PT_CACHE_SLOTS; i++)
			vm->ptc->slots[i].paddr = 0;
	if (vm->pmdc)
		memset(vm->pmdc, 0, sizeof(*vm->pmdc));
}

void linux_pt_cache_destroy(struct linux_vm *vm)
{
	free(vm->ptc);
	vm->ptc = NULL;
	free(vm->pmdc);
	vm->pmdc = NULL;
}

/* One page-table page, through the cache. */
static struct vms_error *table(struct linux_vm *vm, uint64_t paddr, const uint64_t **ret)
{
	if (!vm->ptc) {
		vm->ptc = calloc(1, sizeof(*vm->ptc));
		if (!vm->ptc)
			return &vms_enomem;
	}
	uint64_t key = paddr >> 12;
	struct linux_pt_cache_slot *s = &vm->ptc->slots[(key * 0x9e3779b97f4a7c15ULL) >> 53];
	if (s->paddr != paddr + 1) {
		struct vms_error *err = linux_mem_read(&vm->phys, paddr, s->data, sizeof(s->data));
		if (err) {
			s->paddr = 0;
			return vms_error_wrap(err, "page table page 0x%" PRIx64, paddr);
		}
		s->paddr = paddr + 1;
	}
	*ret = s->data;
	return NULL;
}

struct vms_error *linux_mm_pgd_phys(struct linux_vm *vm, uint64_t mm, uint64_t *ret)
{
	void *cached = vms_u64map_get(&vm->pgd_phys, mm);
	if (cached) {
		*ret = (uint64_t)(uintptr_t)cached - 1;
		return NULL;
	}
	uint64_t pgd, paddr;
	struct vms_error *err = linux_mem_u64(&vm->mem, mm + vm->l.mm_pgd, &pgd);
	if (err)
		return vms_error_wrap(err, "mm 0x%" PRIx64, mm);
	if (!pgd || pgd & 0xfff)
		return vms_error_addr(VMS_ERR_CORRUPT, mm, "mm 0x%" PRIx64 " has pgd 0x%" PRIx64, mm, pgd);
	err = program_vtop(vm->prog, pgd, &paddr);
	if (err)
		return vms_error_wrap(err, "pgd of mm 0x%" PRIx64, mm);
	vms_u64map_set(&vm->pgd_phys, mm, (void *)(uintptr_t)(paddr + 1));
	*ret = paddr;
	return NULL;
}

/* Present for a leaf: _PAGE_PRESENT, or PROT_NONE (pte_present()). */
static bool leaf_present(uint64_t e)
{
	return e & (PT_PRESENT | PT_PROTNONE);
}

/* Physical address bits of an entry, undoing the L1TF inversion of
 * non-present entries (pgtable-invert.h: __pte_needs_invert()). */
static uint64_t entry_phys(uint64_t e, uint64_t mask)
{
	if (e && !(e & PT_PRESENT))
		e = ~e;
	return e & mask;
}

static unsigned level_shift(int level)
{
	return 12 + 9 * (level - 1);  // 1 pte, 2 pmd, 3 pud, 4 p4d, 5 pgd(l5)
}

struct vms_error *linux_pgtable_lookup(struct linux_vm *vm, uint64_t mm, uint64_t vaddr,
				       struct linux_pt_entry *ret)
{
	uint64_t tbl;
	struct vms_error *err;
	struct linux_pt_entry r = {0};
	int top = vm->l.l5 ? 5 : 4;
	uint64_t range = vaddr >> 21;
	size_t slot = pmd_slot(mm, range);
	if (vm->pmdc && vm->pmdc->slots[slot].mm == mm && vm->pmdc->slots[slot].range == range) {
		tbl = vm->pmdc->slots[slot].tbl;
		top = 1;
	} else if ((err = linux_mm_pgd_phys(vm, mm, &tbl))) {
		return err;
	}
	for (int level = top; level >= 1; level--) {
		const uint64_t *t;
		if ((err = table(vm, tbl, &t)))
			return err;
		unsigned idx = (vaddr >> level_shift(level)) & (PT_ENTRIES - 1);
		uint64_t e = t[idx];
		bool leaf = level == 1 || ((level == 2 || level == 3) && (e & PT_PSE));
		if (!leaf) {
			if (!(e & PT_PRESENT)) {
				*ret = r;  // nothing mapped here
				return NULL;
			}
			tbl = e & PT_PHYS_MASK;
			if (level == 2 && mm) {
				if (!vm->pmdc)
					vm->pmdc = calloc(1, sizeof(*vm->pmdc));
				if (vm->pmdc) {
					vm->pmdc->slots[slot].mm = mm;
					vm->pmdc->slots[slot].range = range;
					vm->pmdc->slots[slot].tbl = tbl;
				}
			}
			continue;
		}
		uint64_t size = 1ULL << level_shift(level);
		r.level = level;
		r.entry = e;
		r.entry_paddr = tbl + 8 * idx;
		r.size = size;
		r.present = leaf_present(e);
		if (r.present) {
			uint64_t base = entry_phys(e, PT_PHYS_MASK & ~(size - 1));
			r.paddr = base + ((vaddr & (size - 1)) & ~0xfffULL);
			r.pfn = r.paddr >> vm->page_shift;
		}
		*ret = r;
		return NULL;
	}
	*ret = r;
	return NULL;
}

/*
 * A walk visits each page-table page once: in a real mm a table page hangs
 * from one entry only.  hugetlb's shared PMD tables (huge_pmd_share(),
 * mm/hugetlb.c) may hang from several PUD entries, also of one mm, so a PMD
 * table is allowed a few more visits.  A table reached more often than that
 * (a corrupt entry pointing back up the tree) is skipped and reported, and
 * the walk goes on: without this a self-referencing table made a walk over
 * a large VMA run for 2^36 entries (found by fuzzing).
 */
#define PMD_TABLE_VISITS 16

struct pt_walk {
	struct linux_vm *vm;
	uint64_t start, end;
	linux_pt_fn *fn;
	void *arg;
	struct vms_u64map visits;   // table paddr -> visits
	struct vms_error *corrupt;  // the first table skipped, reported at the end
};

static struct vms_error *walk_level(struct pt_walk *w, uint64_t tbl, int level, uint64_t base)
{
	struct linux_vm *vm = w->vm;
	const uint64_t *tp;
	struct vms_error *err = table(vm, tbl, &tp);
	if (err)
		return err;
	uint64_t t[PT_ENTRIES];
	memcpy(t, tp, sizeof(t));  // the cache slot may be reused below
	unsigned shift = level_shift(level);
	uint64_t span = 1ULL << shift;
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		uint64_t va = base + (uint64_t)i * span;
		if (level == 5 || (level == 4 && !vm->l.l5)) {
			// sign-extend the canonical address
			if (va & (1ULL << (vm->l.l5 ? 56 : 47)))
				va |= vm->l.l5 ? 0xfe00000000000000ULL : 0xffff000000000000ULL;
		}
		if (va + span <= w->start || va >= w->end)
			continue;
		uint64_t e = t[i];
		if (!e)
			continue;
		bool leaf = level == 1 || ((level == 2 || level == 3) && (e & PT_PSE));
		if (leaf) {
			if (!leaf_present(e))
				continue;
			struct linux_pt_entry r = {.level = level, .entry = e, .entry_paddr = tbl + 8 * i,
						   .present = true, .size = span};
			r.paddr = entry_phys(e, PT_PHYS_MASK & ~(span - 1));
			r.pfn = r.paddr >> vm->page_shift;
			err = w->fn(w->arg, va, &r);
		} else if (e & PT_PRESENT) {
			uint64_t child = e & PT_PHYS_MASK;
			uintptr_t n = (uintptr_t)vms_u64map_get(&w->visits, child);
			if (n >= (level - 1 == 2 ? PMD_TABLE_VISITS : 1)) {
				if (!w->corrupt)
					w->corrupt = vms_error_addr(
						VMS_ERR_CORRUPT, tbl + 8 * i,
						"page table entry 0x%" PRIx64 " at 0x%" PRIx64 " (for 0x%" PRIx64
						") leads to table page 0x%" PRIx64 " already walked: skipped",
						e, tbl + 8 * i, va, child);
				continue;
			}
			if (!vms_u64map_set(&w->visits, child, (void *)(n + 1)))
				return &vms_enomem;
			err = walk_level(w, child, level - 1, va);
		}
		if (err)
			return err;
	}
	return NULL;
}

struct vms_error *linux_pgtable_for_each(struct linux_vm *vm, uint64_t mm, uint64_t start, uint64_t end,
					 linux_pt_fn *fn, void *arg)
{
	uint64_t pgd;
	struct vms_error *err = linux_mm_pgd_phys(vm, mm, &pgd);
	if (err)
		return err;
	struct pt_walk w = {.vm = vm, .start = start, .end = end, .fn = fn, .arg = arg};
	vms_u64map_init(&w.visits);
	if (!vms_u64map_set(&w.visits, pgd, (void *)1))
		err = &vms_enomem;
	else
		err = walk_level(&w, pgd, vm->l.l5 ? 5 : 4, 0);
	vms_u64map_deinit(&w.visits);
	if (err == &linux_walk_stop)
		err = NULL;
	if (err) {
		vms_error_destroy(w.corrupt);
		return err;
	}
	return w.corrupt;
}
