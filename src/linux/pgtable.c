// SPDX-License-Identifier: GPL-3.0-or-later
/* User page-table walks through physical memory, in the architecture's
 * format (linux/arch.h). */
#include "linux/pgtable.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

// Most entries per table the walker handles (512 on x86-64).
#define PT_ENTRIES 512
/* Page-table pages, by physical address.  Where the dump is a plain ELF
 * file, mapped whole (dump_map()), a slot holds a pointer into the mapping:
 * nothing is copied, and a miss costs a page fault the first time a table
 * is touched and a few loads after that.  rmap --all on the 4 GiB bench
 * dump (5 forked processes sharing 1.2 GiB, tables met in PFN order, not
 * address order) made 40,000 4 KiB reads through a 256-table copy cache,
 * 5 microseconds each on a virtual machine; mapped, 4096 slots of pointers
 * (64 KiB) hold the whole working set.  Otherwise (kdump-compressed,
 * truncated, /proc/kcore) slots hold copies: 256 page-aligned tables, one
 * page each (1 MiB).  On the busy 8 GiB bench dump 2048 copy slots missed
 * 2,595 times in 1.09 M lookups, 256 slots 5,549 times, but 2048 touched
 * eight times the memory, and each page of it is a page fault, dearer than
 * several reads of a table. */
#define PT_MAP_SLOTS 4096u
#define PT_COPY_SLOTS 256u
/* The tables touched in the mapping stay resident (as file pages) until
 * dropped: after this many misses, those met since the last drop go, so
 * that a walk holds at most 64 MiB of them whatever the dump's size. */
#define PT_MAP_DROP 16384u

struct linux_pt_cache {
	unsigned nslots;                 // PT_MAP_SLOTS or PT_COPY_SLOTS
	bool mapped;                     // slots point into the dump's mapping
	uint64_t paddr[PT_MAP_SLOTS];    // page address + 1 (0: empty)
	const uint64_t *ptr[PT_MAP_SLOTS];
	uint64_t (*data)[PT_ENTRIES];    // copy mode: PT_COPY_SLOTS tables
	uint64_t spare[PT_ENTRIES];      // mapped mode: a table the map lacks
	// mapped mode: the span of the tables mapped since the last drop
	uintptr_t lo, hi;
	unsigned fresh;
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

void linux_pt_cache_destroy(struct linux_vm *vm)
{
	if (vm->ptc)
		free(vm->ptc->data);
	free(vm->ptc);
	vm->ptc = NULL;
	free(vm->pmdc);
	vm->pmdc = NULL;
}

VMS_MUST_CHECK static struct vms_error *read_table(struct linux_vm *vm, uint64_t paddr, uint64_t *buf)
{
	struct vms_error *err = linux_mem_read(&vm->phys, paddr, buf, PT_ENTRIES * sizeof(*buf));
	return err ? vms_error_wrap(err, "page table page 0x%" PRIx64, paddr) : NULL;
}

/* Entry @i of a table.  A table read in place lies where its PT_LOAD's
 * data does in the file, which need not be 8-byte aligned (a QEMU dump's
 * notes come before it): the entry is copied, not loaded as a uint64_t. */
static inline uint64_t entry_at(const uint64_t *t, size_t i)
{
	uint64_t e;
	memcpy(&e, (const char *)t + i * sizeof(e), sizeof(e));
	return e;
}

/* The cache, made on first use: mapped if the first table is. */
static struct linux_pt_cache *pt_cache(struct linux_vm *vm, uint64_t paddr)
{
	struct linux_pt_cache *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	// its slots are hashed: a walk touches every page of them soon
	vms_prefault(c, sizeof(*c));
	c->mapped = linux_mem_map(&vm->phys, paddr, PT_ENTRIES * sizeof(uint64_t)) != NULL;
	c->nslots = c->mapped ? PT_MAP_SLOTS : PT_COPY_SLOTS;
	if (!c->mapped) {
		void *data = NULL;
		if (posix_memalign(&data, 4096, PT_COPY_SLOTS * sizeof(*c->data))) {
			free(c);
			return NULL;
		}
		c->data = data;
		for (unsigned i = 0; i < PT_COPY_SLOTS; i++)
			c->ptr[i] = c->data[i];
	}
	return c;
}

/* The slot of the table at @paddr in @c. */
static inline size_t pt_slot(const struct linux_vm *vm, const struct linux_pt_cache *c, uint64_t paddr)
{
	return (size_t)(vms_mix64(paddr >> vm->l.ptf.page_shift) & (c->nslots - 1));
}

/* One page-table page, through the cache.  *ret is valid until the next
 * call. */
VMS_MUST_CHECK static struct vms_error *table(struct linux_vm *vm, uint64_t paddr, const uint64_t **ret)
{
	if (!vm->ptc && !(vm->ptc = pt_cache(vm, paddr)))
		return &vms_enomem;
	struct linux_pt_cache *c = vm->ptc;
	size_t i = pt_slot(vm, c, paddr);
	if (c->paddr[i] == paddr + 1) {
		*ret = c->ptr[i];
		return NULL;
	}
	if (c->mapped) {
		const uint64_t *p = linux_mem_map(&vm->phys, paddr, PT_ENTRIES * sizeof(*p));
		if (!p) {  // not in the mapping: read, and keep it until the next call
			struct vms_error *err = read_table(vm, paddr, c->spare);
			*ret = c->spare;
			return err;
		}
		c->ptr[i] = p;
		uintptr_t a = (uintptr_t)p, b = a + PT_ENTRIES * sizeof(*p);
		if (!c->fresh || a < c->lo)
			c->lo = a;
		if (!c->fresh || b > c->hi)
			c->hi = b;
		if (++c->fresh == PT_MAP_DROP) {
			linux_mem_unmap(&vm->phys, (const void *)c->lo, c->hi - c->lo);
			c->fresh = 0;
		}
	} else {
		struct vms_error *err = read_table(vm, paddr, c->data[i]);
		if (err) {
			c->paddr[i] = 0;
			return err;
		}
	}
	c->paddr[i] = paddr + 1;
	*ret = c->ptr[i];
	return NULL;
}

/* Physical address of @mm's top-level table (mm->pgd translated). */
VMS_MUST_CHECK static struct vms_error *linux_mm_pgd_phys(struct linux_vm *vm, uint64_t mm, uint64_t *ret)
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
	if (!pgd || pgd & ((UINT64_C(1) << vm->l.ptf.page_shift) - 1))
		return vms_error_addr(VMS_ERR_CORRUPT, mm, "mm 0x%" PRIx64 " has pgd 0x%" PRIx64, mm, pgd);
	err = program_vtop(vm->prog, pgd, &paddr);
	if (err)
		return vms_error_wrap(err, "pgd of mm 0x%" PRIx64, mm);
	vms_u64map_set(&vm->pgd_phys, mm, (void *)(uintptr_t)(paddr + 1));
	*ret = paddr;
	return NULL;
}

/* Present for a leaf: _PAGE_PRESENT, or PROT_NONE (pte_present()). */
static bool leaf_present(const struct linux_pt_format *f, uint64_t e)
{
	return e & (f->present | f->protnone);
}

/* Physical address bits of an entry, undoing the L1TF inversion of
 * non-present entries (pgtable-invert.h: __pte_needs_invert()). */
static uint64_t entry_phys(const struct linux_pt_format *f, uint64_t e, uint64_t mask)
{
	if (f->invert_nonpresent && e && !(e & f->present))
		e = ~e;
	return e & mask;
}

static bool is_leaf(const struct linux_pt_format *f, int level, uint64_t e)
{
	return level == 1 || ((f->huge_levels >> level & 1) && (e & f->huge));
}

/* The leaf @e at index @idx of table @tbl, at @level, for @vaddr. */
static void leaf(struct linux_vm *vm, int level, uint64_t tbl, unsigned idx, uint64_t e, uint64_t vaddr,
		 struct linux_pt_entry *r)
{
	const struct linux_pt_format *f = &vm->l.ptf;
	uint64_t size = UINT64_C(1) << linux_pt_level_shift(f, level);
	uint64_t page_mask = (UINT64_C(1) << f->page_shift) - 1;
	r->level = level;
	r->entry = e;
	r->entry_paddr = tbl + 8 * idx;
	r->size = size;
	r->present = leaf_present(f, e);
	if (r->present) {
		uint64_t base = entry_phys(f, e, f->phys_mask & ~(size - 1));
		r->paddr = base + ((vaddr & (size - 1)) & ~page_mask);
		r->pfn = r->paddr >> vm->page_shift;
	}
}

void linux_pgtable_prefetch(struct linux_vm *vm, uint64_t mm, uint64_t vaddr)
{
	const struct linux_pt_format *f = &vm->l.ptf;
	struct linux_pt_cache *c = vm->ptc;
	if (!vm->pmdc || !c)
		return;
	uint64_t range = vaddr >> linux_pt_level_shift(f, 2);
	size_t slot = pmd_slot(mm, range);
	if (vm->pmdc->slots[slot].mm != mm || vm->pmdc->slots[slot].range != range)
		return;
	uint64_t tbl = vm->pmdc->slots[slot].tbl;
	size_t i = pt_slot(vm, c, tbl);
	if (c->paddr[i] != tbl + 1)
		return;
	unsigned idx = (vaddr >> linux_pt_level_shift(f, 1)) & ((1u << f->entries_shift) - 1);
	__builtin_prefetch(&c->ptr[i][idx]);
}

/* The lookup, filling @cur (if given) when the leaf is a PTE in a table
 * that stays where it is (mapped mode). */
VMS_MUST_CHECK static struct vms_error *lookup(struct linux_vm *vm, uint64_t mm, uint64_t vaddr, struct linux_pt_entry *ret,
					       struct linux_pt_cursor *cur)
{
	uint64_t tbl;
	struct vms_error *err;
	struct linux_pt_entry r = {0};
	const struct linux_pt_format *f = &vm->l.ptf;
	int top = (int)f->levels;
	uint64_t range = vaddr >> linux_pt_level_shift(f, 2);
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
		unsigned idx = (vaddr >> linux_pt_level_shift(f, level)) & ((1u << f->entries_shift) - 1);
		uint64_t e = entry_at(t, idx);
		if (!is_leaf(f, level, e)) {
			if (!(e & f->present)) {
				*ret = r;  // nothing mapped here
				return NULL;
			}
			tbl = e & f->phys_mask;
			if (level == 2 && mm) {
				if (!vm->pmdc && (vm->pmdc = calloc(1, sizeof(*vm->pmdc))))
					vms_prefault(vm->pmdc, sizeof(*vm->pmdc));
				if (vm->pmdc) {
					vm->pmdc->slots[slot].mm = mm;
					vm->pmdc->slots[slot].range = range;
					vm->pmdc->slots[slot].tbl = tbl;
				}
			}
			continue;
		}
		leaf(vm, level, tbl, idx, e, vaddr, &r);
		if (cur && level == 1 && vm->ptc->mapped && t != vm->ptc->spare) {
			cur->mm = mm;
			cur->range = range;
			cur->tbl = tbl;
			cur->ptes = t;
		}
		*ret = r;
		return NULL;
	}
	*ret = r;
	return NULL;
}

struct vms_error *linux_pgtable_lookup(struct linux_vm *vm, uint64_t mm, uint64_t vaddr,
				       struct linux_pt_entry *ret)
{
	return lookup(vm, mm, vaddr, ret, NULL);
}

/* The entry @cur holds for @vaddr in @mm, or NULL if it does not cover it. */
static const uint64_t *cursor_entry(const struct linux_vm *vm, const struct linux_pt_cursor *cur, uint64_t mm,
				    uint64_t vaddr)
{
	const struct linux_pt_format *f = &vm->l.ptf;
	if (!cur->ptes || cur->mm != mm || cur->range != vaddr >> linux_pt_level_shift(f, 2))
		return NULL;
	return &cur->ptes[(vaddr >> linux_pt_level_shift(f, 1)) & ((1u << f->entries_shift) - 1)];
}

struct vms_error *linux_pgtable_lookup_cursor(struct linux_vm *vm, struct linux_pt_cursor *cur, uint64_t mm,
					      uint64_t vaddr, struct linux_pt_entry *ret)
{
	const uint64_t *e = cursor_entry(vm, cur, mm, vaddr);
	if (e) {
		struct linux_pt_entry r = {0};
		leaf(vm, 1, cur->tbl, (unsigned)(e - cur->ptes), entry_at(e, 0), vaddr, &r);
		*ret = r;
		return NULL;
	}
	cur->ptes = NULL;
	return lookup(vm, mm, vaddr, ret, cur);
}

void linux_pgtable_prefetch_cursor(struct linux_vm *vm, const struct linux_pt_cursor *cur, uint64_t mm,
				   uint64_t vaddr)
{
	const uint64_t *e = cursor_entry(vm, cur, mm, vaddr);
	if (e)
		__builtin_prefetch(e);
	else
		linux_pgtable_prefetch(vm, mm, vaddr);
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
	struct linux_pt_filter *filter;  // or NULL
	struct vms_u64map visits;   // table paddr -> visits
	struct vms_error *corrupt;  // the first table skipped, reported at the end
};

/* The PTE table @tp (at @tbl, mapping from @base) of a filtered walk: of
 * the million leaves a scan meets, a handful pass the filter, so the table
 * is read where it lies, not copied, and fetched again after each call of
 * the function (which may use the cache). */
VMS_MUST_CHECK static struct vms_error *walk_ptes_filtered(struct pt_walk *w, uint64_t tbl, const uint64_t *tp,
							   uint64_t base)
{
	struct linux_vm *vm = w->vm;
	const struct linux_pt_format *f = &vm->l.ptf;
	unsigned nent = 1u << f->entries_shift;
	unsigned shift = linux_pt_level_shift(f, 1);
	uint64_t span = UINT64_C(1) << shift;
	uint64_t mask = f->phys_mask & ~(span - 1);
	struct linux_pt_filter *filter = w->filter;
	// What the loop needs, in locals: the count it keeps goes through a
	// pointer the compiler must assume may point into the format, which
	// had it load the format's fields again on every entry.
	const uint64_t present = f->present, present_any = f->present | f->protnone;
	const bool invert = f->invert_nonpresent;
	const unsigned page_shift = vm->page_shift;
	const uint64_t *bits = filter->bits;
	const uint64_t bmask = filter->mask;
	// the entries whose span meets [start, end)
	unsigned lo = 0, hi = nent;
	if (w->start > base)
		lo = w->start - base >= (uint64_t)nent << shift ? nent : (unsigned)((w->start - base) >> shift);
	if (w->end <= base)
		hi = 0;
	else if (w->end - base < (uint64_t)nent << shift)
		hi = (unsigned)((w->end - base + span - 1) >> shift);
	uint64_t seen = 0;
	for (unsigned i = lo; i < hi; i++) {
		uint64_t e = entry_at(tp, i);
		if (!(e & present_any))
			continue;
		seen++;
		uint64_t paddr = (invert && !(e & present) ? ~e : e) & mask;
		uint64_t pfn = paddr >> page_shift;
		if (!vms_bit_test(bits, pfn & bmask))
			continue;
		filter->seen += seen;
		seen = 0;
		uint64_t va = base + (uint64_t)i * span;
		struct linux_pt_entry r = {.level = 1, .entry = e, .entry_paddr = tbl + 8 * i,
					   .present = true, .size = span, .paddr = paddr, .pfn = pfn};
		struct vms_error *err = w->fn(w->arg, va, &r);
		if (!err)
			err = table(vm, tbl, &tp);
		if (err)
			return err;
	}
	filter->seen += seen;
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *walk_level(struct pt_walk *w, uint64_t tbl, int level, uint64_t base)
{
	struct linux_vm *vm = w->vm;
	const uint64_t *tp;
	struct vms_error *err = table(vm, tbl, &tp);
	if (err)
		return err;
	const struct linux_pt_format *f = &vm->l.ptf;
	unsigned nent = 1u << f->entries_shift;
	if (level == 1 && w->filter)
		return walk_ptes_filtered(w, tbl, tp, base);
	uint64_t t[PT_ENTRIES];
	memcpy(t, tp, nent * sizeof(t[0]));  // the cache slot may be reused below
	unsigned shift = linux_pt_level_shift(f, level);
	uint64_t span = UINT64_C(1) << shift;
	for (unsigned i = 0; i < nent; i++) {
		uint64_t va = base + (uint64_t)i * span;
		if (level == (int)f->levels) {
			// sign-extend the canonical address
			if (va & (UINT64_C(1) << (f->va_bits - 1)))
				va |= ~((UINT64_C(1) << f->va_bits) - 1);
		}
		if (va + span <= w->start || va >= w->end)
			continue;
		uint64_t e = t[i];
		if (!e)
			continue;
		if (is_leaf(f, level, e)) {
			if (!leaf_present(f, e))
				continue;
			uint64_t paddr = entry_phys(f, e, f->phys_mask & ~(span - 1));
			uint64_t pfn = paddr >> vm->page_shift;
			if (w->filter) {
				w->filter->seen++;
				if (level == 1 && !vms_bit_test(w->filter->bits, pfn & w->filter->mask))
					continue;
			}
			struct linux_pt_entry r = {.level = level, .entry = e, .entry_paddr = tbl + 8 * i,
						   .present = true, .size = span, .paddr = paddr, .pfn = pfn};
			err = w->fn(w->arg, va, &r);
		} else if (e & f->present) {
			uint64_t child = e & f->phys_mask;
			uintptr_t n = (uintptr_t)vms_u64map_get(&w->visits, child);
			if (n >= (level - 1 == LINUX_PT_PMD ? PMD_TABLE_VISITS : 1)) {
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
	return linux_pgtable_for_each_filtered(vm, mm, start, end, NULL, fn, arg);
}

struct vms_error *linux_pgtable_for_each_filtered(struct linux_vm *vm, uint64_t mm, uint64_t start,
						  uint64_t end, struct linux_pt_filter *filter,
						  linux_pt_fn *fn, void *arg)
{
	uint64_t pgd;
	struct vms_error *err = linux_mm_pgd_phys(vm, mm, &pgd);
	if (err)
		return err;
	if (vm->l.ptf.entries_shift > 9 || vm->l.ptf.levels > LINUX_PT_MAX_LEVELS)
		return vms_error_create(VMS_ERR_UNSUPPORTED, "page tables of %u entries", 1u << vm->l.ptf.entries_shift);
	struct pt_walk w = {.vm = vm, .start = start, .end = end, .fn = fn, .arg = arg, .filter = filter};
	vms_u64map_init(&w.visits);
	if (!vms_u64map_set(&w.visits, pgd, (void *)1))
		err = &vms_enomem;
	else
		err = walk_level(&w, pgd, (int)vm->l.ptf.levels, 0);
	vms_u64map_deinit(&w.visits);
	if (err == &linux_walk_stop)
		err = NULL;
	if (err) {
		vms_error_destroy(w.corrupt);
		return err;
	}
	return w.corrupt;
}
