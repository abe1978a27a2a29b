// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/report.h"

#include "linux/kfacts.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/util.h"
#include "base/vector.h"
#include "linux/kmemreport.h"
#include "linux/crash.h"
#include "linux/meminfo.h"
#include "linux/memmap.h"
#include "linux/mm.h"
#include "linux/pagestat.h"
#include "linux/sysinfo.h"
#include "linux/printk.h"
#include "linux/rmap.h"
#include "linux/sysinfo.h"
#include "linux/task.h"
#include "linux/vmctx.h"

#define MAX_ANON_VMAS (1u << 20)

/* "free", "anon", "file", "slab", "pagetable", "kernel", "reserved", "unknown". */
static const char *report_cat_name(unsigned cat)
{
	static const char *const names[REPORT_CAT_NR] = {
		"free", "anon", "file", "slab", "pagetable", "kernel", "reserved", "unknown",
	};
	return cat < REPORT_CAT_NR ? names[cat] : "?";
}

/* ---- checks over every page (one mem_map walk) ---- */

/*
 * The anomaly checks.  Each tests an invariant the kernel keeps for every
 * page at every moment it holds no lock on the page (a dump taken while the
 * system runs may catch a page in the middle of a change, so a check only
 * looks at states no single step of the kernel passes through):
 *
 * refcount_below_mapcount  an untyped, allocated page with mapcount > 0
 *     whose page_count() (the folio's _refcount) is smaller than the
 *     page's mapcount.  Every page-table mapping holds a reference on the
 *     folio (folio_get() before folio_add_*_rmap(), folio_put() after
 *     folio_remove_rmap_*()), so folio_ref_count() >= folio_mapcount() >=
 *     page_mapcount() (include/linux/mm.h; mm/debug.c __dump_page() prints
 *     both).  Fewer references than mappings: a put without its get.
 * negative_mapcount  an untyped, allocated page whose mapcount (as
 *     /proc/kpagecount computes it: _mapcount + 1, plus the entire mapcount
 *     of a large folio) is below zero.  _mapcount starts at -1 (unmapped)
 *     and only goes below it through an unmatched unmap; a value the kernel
 *     reads as a page type (below PAGE_MAPCOUNT_RESERVE) is a type, not a
 *     mapcount (page_has_type(), include/linux/page-flags.h).
 * pinned_above_mapcount  an order-0 anonymous page on the LRU with
 *     page_count() - mapcount - PageSwapCache > 0: references that no
 *     mapping and not the swap cache account for, i.e. GUP or vmsplice pins
 *     (the condition folio_maybe_dma_pinned() approximates for small
 *     folios, include/linux/mm.h).  Only pages with PG_lru: a page still in
 *     a per-CPU LRU-add batch holds one transient reference from the batch.
 *     Not a bug by itself: the workload's vmsplice'd pages are the example.
 * impossible_flags  states free_pages_prepare()/check_new_page()
 *     (mm/page_alloc.c) and the allocators exclude:
 *     - PG_lru on a free, slab or page-table page: only folios on an LRU
 *       list have it, and slab and page-table pages are never put there;
 *     - PG_locked, PG_dirty or PG_writeback on a free page: all are in
 *       PAGE_FLAGS_CHECK_AT_FREE or cleared with PAGE_FLAGS_CHECK_AT_PREP
 *       before a page reaches the buddy lists (bad_page() otherwise);
 *     - a page inside a free buddy block (not its head, whose _mapcount
 *       word holds the buddy page type) with a _mapcount other than -1 or
 *       a non-NULL mapping: page_expected_state() requires both of every
 *       page freed ("nonzero mapcount", "non-NULL mapping").
 * rmap_unconfirmed  an anonymous, file or KSM page with mapcount > 0 whose
 *     reverse map (anon_vma interval tree, i_mmap, stable node) lists VMAs
 *     and none of them maps it: no page table entry at the address the VMA
 *     gives the page (vma_address(), mm/internal.h) points to its PFN.
 *     Every mapping is added under the rmap (folio_add_*_rmap()), so at
 *     least one candidate must confirm it.  A page whose walk had errors
 *     is not judged.
 * mapcount_mismatch  an order-0 page whose mapcount differs from the number
 *     of page table entries the reverse map confirms: page_mapcount() of a
 *     small page counts exactly its PTE mappings (folio_add_anon_rmap_ptes()
 *     / folio_remove_rmap_ptes() move it with each PTE).  Large folios are
 *     left out (PMD mappings and 5.10/6.1 subpage accounting differ).
 * bad_anon_vma  an anonymous page (mapping with PAGE_MAPPING_ANON) that is
 *     mapped and whose anon_vma cannot be read, has a refcount <= 0 (freed:
 *     a live anon_vma holds a reference for itself until unlink_anon_vmas()
 *     / put_anon_vma(), and folio_get_anon_vma() refuses one at zero) or
 *     whose root is not its own root (anon_vma->root->root == anon_vma->root,
 *     mm/rmap.c).  Lists the pages; the anon_vmas found bad are listed too.
 *     An anon_vma the dump does not hold is not a finding.
 */
enum check {
	CHK_REF_BELOW_MAP,   // page_count() < mapcount
	CHK_NEG_MAPCOUNT,    // mapcount < 0 on a page without a page type
	CHK_PINNED,          // order-0 anon page with references beyond its mappings
	CHK_BAD_FLAGS,       // flags or state that cannot coexist
	CHK_RMAP_UNCONFIRMED,// rmap candidates the page tables do not confirm
	CHK_RMAP_MISMATCH,   // mapcount differs from the confirmed mappings
	CHK_ANON_VMA,        // anon page whose anon_vma is freed or corrupt
	CHK_NR,
};

static const struct {
	const char *name, *description;
} checks[CHK_NR] = {
	[CHK_REF_BELOW_MAP] = { "refcount_below_mapcount",
				"page_count() is smaller than the mapcount: a reference was dropped twice" },
	[CHK_NEG_MAPCOUNT] = { "negative_mapcount",
			       "mapcount below zero on a page without a page type: an unmap underflowed" },
	[CHK_PINNED] = { "pinned_above_mapcount",
			 "order-0 anonymous page on the LRU holding references beyond its mappings and "
			 "the swap cache (GUP or vmsplice pins)" },
	[CHK_BAD_FLAGS] = { "impossible_flags",
			    "flags or state that cannot coexist: lru on a free, slab or page-table page; "
			    "locked, dirty or writeback on a free page; a mapcount or a mapping on a page "
			    "inside a free block" },
	[CHK_RMAP_UNCONFIRMED] = { "rmap_unconfirmed",
				   "mapped pages none of whose reverse-map candidates the page tables confirm" },
	[CHK_RMAP_MISMATCH] = { "mapcount_mismatch",
				"order-0 page whose mapcount differs from the mappings the page tables confirm" },
	[CHK_ANON_VMA] = { "bad_anon_vma",
			   "mapped anonymous page whose anon_vma is unreadable, freed (refcount 0) or has "
			   "a root that is not its own root" },
};

struct pfn_list {
	uint64_t count;
	uint64_t *pfns;  // the smallest max PFNs seen, sorted
	size_t nr;
};

static void pfn_list_add(struct pfn_list *l, uint64_t pfn, size_t max)
{
	l->count++;
	if (!l->pfns)
		l->pfns = calloc(max ? max : 1, sizeof(*l->pfns));
	if (!l->pfns)
		return;
	if (l->nr == max && pfn >= l->pfns[max - 1])
		return;
	size_t i = l->nr < max ? l->nr++ : max - 1;
	while (i > 0 && l->pfns[i - 1] > pfn) {
		l->pfns[i] = l->pfns[i - 1];
		i--;
	}
	l->pfns[i] = pfn;
}

static void pfn_list_merge(struct pfn_list *into, const struct pfn_list *from, size_t max)
{
	uint64_t count = into->count + from->count;
	for (size_t i = 0; i < from->nr; i++)
		pfn_list_add(into, from->pfns[i], max);
	into->count = count;
}

struct sharer {
	uint64_t pfn;
	int32_t mapcount, refcount;
	uint8_t use, kind, order;
};

/* Most shared first, then by PFN: a total order, so that the top pages do
 * not depend on which walk thread saw which page first. */
static int cmp_sharer(const void *a, const void *b)
{
	const struct sharer *x = a, *y = b;
	if (x->mapcount != y->mapcount)
		return x->mapcount > y->mapcount ? -1 : 1;
	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

/* Keep @s among the @max best of top[0..*n) (cmp_sharer()). */
static void top_add(struct sharer *top, size_t *n, size_t max, const struct sharer *s)
{
	if (*n < max) {
		top[(*n)++] = *s;
		return;
	}
	if (!*n)
		return;
	size_t worst = 0;
	for (size_t i = 1; i < *n; i++)
		if (cmp_sharer(&top[i], &top[worst]) > 0)
			worst = i;
	if (cmp_sharer(s, &top[worst]) < 0)
		top[worst] = *s;
}

struct walk_state {
	const struct linux_page_layout *l;
	uint64_t block_pages, nblocks;
	uint32_t (*blocks)[REPORT_CAT_NR];
	struct pfn_list chk[CHK_NR];
	size_t max_pfns;
	struct sharer *top;
	size_t nr_top, max_top;
	uint64_t *anon_vmas;
	size_t nr_anon_vmas, cap_anon_vmas;
	int pg_lru, pg_locked, pg_dirty, pg_writeback, pg_swapcache;
};

static unsigned page_cat(const struct linux_page_info *pi)
{
	switch (pi->use) {
	case LINUX_USE_BUDDY:
		return REPORT_CAT_FREE;
	case LINUX_USE_SLAB:
		return REPORT_CAT_SLAB;
	case LINUX_USE_PGTABLE:
		return REPORT_CAT_PGTABLE;
	case LINUX_USE_ANON:
	case LINUX_USE_KSM:
	case LINUX_USE_HUGETLB:
		return REPORT_CAT_ANON;
	case LINUX_USE_THP:
		return pi->mapping_kind == LINUX_MAPPING_FILE ? REPORT_CAT_FILE : REPORT_CAT_ANON;
	case LINUX_USE_FILE:
		return REPORT_CAT_FILE;
	case LINUX_USE_RESERVED:
	case LINUX_USE_OFFLINE:
	case LINUX_USE_GUARD:
	case LINUX_USE_UNACCEPTED:
		return REPORT_CAT_RESERVED;
	default:
		return REPORT_CAT_KERNEL;
	}
}

static bool flag(uint64_t flags, int bit)
{
	return bit >= 0 && ((flags >> bit) & 1);
}

/* A page whose anon_vma the bad_anon_vma check reads: a mapped anonymous
 * page or THP head with no page type. */
static bool anon_vma_page(const struct linux_page_info *pi)
{
	return pi->mapping_kind == LINUX_MAPPING_ANON && !(pi->bits & LINUX_PAGE_TAIL) &&
	       pi->type == LINUX_PT_NR && pi->mapcount > 0 &&
	       (pi->use == LINUX_USE_ANON || pi->use == LINUX_USE_THP);
}

static void walk_page(void *arg, const struct linux_page_info *pi)
{
	struct walk_state *ws = arg;
	uint64_t b = pi->pfn / ws->block_pages;
	if (b < ws->nblocks)
		ws->blocks[b][page_cat(pi)]++;
	bool typed = pi->type != LINUX_PT_NR;
	bool tail = pi->bits & LINUX_PAGE_TAIL;
	if (!typed && !(pi->bits & LINUX_PAGE_FREE)) {
		if (pi->mapcount > 0 && pi->page_count < pi->mapcount)
			pfn_list_add(&ws->chk[CHK_REF_BELOW_MAP], pi->pfn, ws->max_pfns);
		if (pi->mapcount < 0)
			pfn_list_add(&ws->chk[CHK_NEG_MAPCOUNT], pi->pfn, ws->max_pfns);
	}
	// Only pages on the LRU: a page still in a per-CPU LRU-add batch holds
	// one transient reference from the batch and has no PG_lru yet.
	if (!typed && !tail && !(pi->bits & LINUX_PAGE_HEAD) && pi->mapping_kind == LINUX_MAPPING_ANON &&
	    pi->mapcount >= 1 && flag(pi->flags, ws->pg_lru)) {
		int64_t extra = (int64_t)pi->page_count - pi->mapcount -
				(flag(pi->flags, ws->pg_swapcache) ? 1 : 0);
		if (extra >= 1)
			pfn_list_add(&ws->chk[CHK_PINNED], pi->pfn, ws->max_pfns);
	}
	bool lru = flag(pi->flags, ws->pg_lru);
	bool free = pi->bits & LINUX_PAGE_FREE;
	if ((lru && (free || pi->use == LINUX_USE_SLAB || pi->use == LINUX_USE_PGTABLE)) ||
	    (free && (flag(pi->flags, ws->pg_locked) || flag(pi->flags, ws->pg_dirty) ||
		      flag(pi->flags, ws->pg_writeback))) ||
	    (free && !typed && (pi->mapcount_raw != -1 || pi->mapping_raw != 0)))
		pfn_list_add(&ws->chk[CHK_BAD_FLAGS], pi->pfn, ws->max_pfns);
	// anon_vmas to check once each, after the walk
	if (anon_vma_page(pi) && ws->nr_anon_vmas < MAX_ANON_VMAS) {
		uint64_t av = pi->mapping_obj;
		if (!ws->nr_anon_vmas || ws->anon_vmas[ws->nr_anon_vmas - 1] != av) {
			if (vms_array_reserve(ws->anon_vmas, ws->cap_anon_vmas, ws->nr_anon_vmas + 1))
				ws->anon_vmas[ws->nr_anon_vmas++] = av;
		}
	}
	// the most shared pages (a folio counts once: its head)
	if (!typed && !tail && pi->mapcount > 1) {
		struct sharer s = { .pfn = pi->pfn, .mapcount = pi->mapcount, .refcount = pi->page_count,
				    .use = pi->use, .kind = pi->mapping_kind, .order = pi->order };
		top_add(ws->top, &ws->nr_top, ws->max_top, &s);
	}
}

static void walk_state_free(struct walk_state *ws)
{
	if (!ws)
		return;
	free(ws->blocks);
	for (int i = 0; i < CHK_NR; i++)
		free(ws->chk[i].pfns);
	free(ws->top);
	free(ws->anon_vmas);
	free(ws);
}

/* ---- the report context: shared products, computed once ---- */

struct rctx {
	struct vms_program *prog;
	struct report_options o;
	bool log_done;
	struct linux_log log;
	struct vms_error *log_err;
	bool memmap_done;
	struct linux_memmap *memmap;
	struct vms_error *memmap_err;
	bool census_done;
	struct linux_pagestat *census;
	struct vms_error *census_err;
	bool walk_done;
	struct walk_state *walk;  // merged
	struct linux_memmap_walk w;
	struct vms_error *walk_err;
	bool rmap_done;
	struct linux_rmap *rmap;
	struct vms_error *rmap_err;
	struct pfn_list rmap_chk[2];
	uint64_t rmap_pages;
	struct vms_error *rmap_walk_err;
	struct vms_value *limits;  // array of {section, note}
};

VMS_MUST_CHECK static struct vms_error *err_dup(const struct vms_error *e)
{
	if (e->has_address)
		return vms_error_addr(e->code, e->address, "%s", e->message);
	return vms_error_create(e->code, "%s", e->message);
}

static void limit(struct rctx *rc, const char *section, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void limit(struct rctx *rc, const char *section, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	struct vms_value *o = value_push(rc->limits, value_object());
	value_set_str(o, "section", section);
	value_set_str(o, "note", sb.buf);
	strbuf_release(&sb);
}

VMS_MUST_CHECK static struct vms_error *get_log(struct rctx *rc, struct linux_log **ret)
{
	if (!rc->log_done) {
		rc->log_done = true;
		rc->log_err = linux_log_read(rc->prog, &rc->log);
	}
	if (rc->log_err)
		return err_dup(rc->log_err);
	*ret = &rc->log;
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *get_memmap(struct rctx *rc, struct linux_memmap **ret)
{
	if (!rc->memmap_done) {
		rc->memmap_done = true;
		rc->memmap_err = linux_memmap_create(rc->prog, &rc->memmap);
	}
	if (rc->memmap_err)
		return err_dup(rc->memmap_err);
	*ret = rc->memmap;
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *get_census(struct rctx *rc, struct linux_pagestat **ret)
{
	struct linux_memmap *m = NULL;
	struct vms_error *err = get_memmap(rc, &m);
	if (err)
		return err;
	if (!rc->census_done) {
		rc->census_done = true;
		struct linux_memmap_walk how = { .nthreads = rc->o.threads };
		rc->census_err = linux_pagestat(rc->prog, m, &how, &rc->census);
	}
	if (rc->census_err)
		return err_dup(rc->census_err);
	*ret = rc->census;
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *get_walk(struct rctx *rc, struct walk_state **ret)
{
	struct linux_memmap *m = NULL;
	struct vms_error *err = get_memmap(rc, &m);
	if (err)
		return err;
	if (rc->walk_done)
		goto out;
	rc->walk_done = true;
	uint64_t end = m->end_pfn ? m->end_pfn : 1;
	uint64_t bp = 1;
	while ((end + bp - 1) / bp > rc->o.max_cells)
		bp *= 2;
	struct linux_memmap_walk *w = &rc->w;
	memset(w, 0, sizeof(*w));
	w->nthreads = rc->o.threads;
	unsigned n = linux_memmap_walk_threads(w);
	w->nthreads = n;
	struct walk_state **states = calloc(n, sizeof(*states));
	if (!states) {
		rc->walk_err = &vms_enomem;
		goto out;
	}
	for (unsigned i = 0; i < n; i++) {
		struct walk_state *ws = calloc(1, sizeof(*ws));
		if (ws) {
			ws->l = m->layout;
			ws->block_pages = bp;
			ws->nblocks = (end + bp - 1) / bp;
			ws->blocks = calloc(ws->nblocks, sizeof(*ws->blocks));
			ws->max_pfns = rc->o.max_pfns;
			ws->max_top = rc->o.top;
			ws->top = calloc(rc->o.top, sizeof(*ws->top));
			ws->pg_lru = m->layout->pg[LINUX_PG_LRU];
			ws->pg_locked = m->layout->pg[LINUX_PG_LOCKED];
			ws->pg_dirty = m->layout->pg[LINUX_PG_DIRTY];
			ws->pg_writeback = m->layout->pg[LINUX_PG_WRITEBACK];
			ws->pg_swapcache = m->layout->pg[LINUX_PG_SWAPCACHE];
		}
		if (!ws || !ws->blocks || !ws->top) {
			walk_state_free(ws);
			for (unsigned j = 0; j < i; j++)
				walk_state_free(states[j]);
			free(states);
			rc->walk_err = &vms_enomem;
			goto out;
		}
		states[i] = ws;
	}
	w->wstate = (void **)states;
	w->page = walk_page;
	rc->walk_err = linux_memmap_walk(rc->prog, m, w);
	// Merge the workers into the first.
	struct walk_state *all = states[0];
	for (unsigned i = 1; i < n; i++) {
		struct walk_state *ws = states[i];
		for (uint64_t b = 0; b < all->nblocks; b++)
			for (int c = 0; c < REPORT_CAT_NR; c++)
				all->blocks[b][c] += ws->blocks[b][c];
		for (int c = 0; c < CHK_NR; c++)
			pfn_list_merge(&all->chk[c], &ws->chk[c], all->max_pfns);
		for (size_t t = 0; t < ws->nr_top; t++)
			top_add(all->top, &all->nr_top, all->max_top, &ws->top[t]);
		for (size_t k = 0; k < ws->nr_anon_vmas && all->nr_anon_vmas < MAX_ANON_VMAS; k++) {
			if (!vms_array_reserve(all->anon_vmas, all->cap_anon_vmas, all->nr_anon_vmas + 1))
				break;
			all->anon_vmas[all->nr_anon_vmas++] = ws->anon_vmas[k];
		}
		walk_state_free(ws);
	}
	// PFNs the walk did not decode (holes, excluded or unreadable struct
	// pages) are "unknown" in the picture.
	for (uint64_t b = 0; b < all->nblocks; b++) {
		uint64_t start = b * bp, stop = start + bp < end ? start + bp : end, known = 0;
		for (int c = 0; c < REPORT_CAT_NR; c++)
			known += all->blocks[b][c];
		uint64_t span = stop - start;
		all->blocks[b][REPORT_CAT_UNKNOWN] += (uint32_t)(span > known ? span - known : 0);
	}
	free(states);
	rc->walk = all;
out:
	if (rc->walk_err)
		return err_dup(rc->walk_err);
	*ret = rc->walk;
	return NULL;
}

/* Judge one reverse-mapped page into @chk (at most @max PFNs each). */
static void rmap_judge(struct pfn_list chk[2], size_t max, const struct linux_rmap_result *r)
{
	// Mapped, yet no candidate of the reverse map is confirmed by a page
	// table (a candidate left unconfirmed is normal after COW: the
	// anon_vma of the original page still covers the child's VMA).
	// A walk with errors, or a candidate that could not be checked (its
	// mm or page tables unreadable), is not judged.
	bool unchecked = r->nr_errors != 0;
	for (size_t i = 0; i < r->nr_hits && !unchecked; i++)
		if (r->hits[i].error)
			unchecked = true;
	if (r->page.mapcount > 0 && r->candidates && r->confirmed == 0 && !unchecked)
		pfn_list_add(&chk[0], r->pfn, max);
	bool small = !(r->page.bits & (LINUX_PAGE_HEAD | LINUX_PAGE_TAIL));
	if (small && !unchecked && r->page.mapcount >= 0 && (size_t)r->page.mapcount != r->confirmed)
		pfn_list_add(&chk[1], r->pfn, max);
}

VMS_MUST_CHECK static struct vms_error *rmap_visit(void *arg, const struct linux_rmap_result *r)
{
	struct rctx *rc = arg;
	rmap_judge(rc->rmap_chk, rc->o.max_pfns, r);
	return NULL;
}

/* The rmap pass on the walk's threads: each judges the pages it
 * reverse-maps into lists of its own, merged at the end (a list keeps the
 * smallest PFNs and a count: the order of merging does not matter). */
struct rmap_worker {
	struct pfn_list chk[2];
	size_t max;
};

static void *rmap_worker_new(void *arg, unsigned i)
{
	(void)i;
	struct rctx *rc = arg;
	struct rmap_worker *w = calloc(1, sizeof(*w));
	if (w)
		w->max = rc->o.max_pfns;
	return w;
}

static void rmap_worker_free(void *arg, void *ws)
{
	struct rctx *rc = arg;
	struct rmap_worker *w = ws;
	for (int i = 0; i < 2; i++) {
		pfn_list_merge(&rc->rmap_chk[i], &w->chk[i], rc->o.max_pfns);
		free(w->chk[i].pfns);
	}
	free(w);
}

VMS_MUST_CHECK static struct vms_error *rmap_worker_page(void *ws, struct linux_rmap *wrm, const struct linux_rmap_result *r)
{
	(void)wrm;
	struct rmap_worker *w = ws;
	rmap_judge(w->chk, w->max, r);
	return NULL;
}

static const struct linux_rmap_workers rmap_workers = {
	.state_new = rmap_worker_new,
	.state_free = rmap_worker_free,
	.page = rmap_worker_page,  // nothing to deliver per chunk
};

VMS_MUST_CHECK static struct vms_error *get_rmap(struct rctx *rc, struct linux_rmap **ret)
{
	if (!rc->rmap_done) {
		rc->rmap_done = true;
		rc->rmap_err = linux_rmap_create(rc->prog, &rc->rmap);
		if (!rc->rmap_err)
			rc->rmap_walk_err = linux_rmap_all(rc->rmap, LINUX_RMAP_ANON | LINUX_RMAP_FILE | LINUX_RMAP_KSM,
							   rmap_visit, rc, &rmap_workers, &rc->rmap_pages, NULL);
	}
	if (rc->rmap_err)
		return err_dup(rc->rmap_err);
	*ret = rc->rmap;
	return NULL;
}

/* ---- sections ---- */

static struct vms_value *record_value(const struct linux_log_record *r)
{
	return linux_log_record_value(r);
}

VMS_MUST_CHECK static struct vms_error *sec_system(struct rctx *rc, struct vms_value **ret)
{
	struct vms_value *v;
	struct vms_error *err = linux_sysinfo(rc->prog, &v);
	if (err)
		return err;
	// The dump facts belong to the dump section.
	struct vms_value *tmp = v;
	v = value_object();
	for (size_t i = 0; i < tmp->object.len; i++) {
		if (strcmp(tmp->object.pairs[i].key, "dump") == 0)
			continue;
		value_set(v, tmp->object.pairs[i].key, tmp->object.pairs[i].value);
		tmp->object.pairs[i].value = NULL;
	}
	value_destroy(tmp);
	struct linux_log *log = NULL;
	err = get_log(rc, &log);
	if (!err) {
		const struct linux_log_record *r = linux_log_crash_record(log);
		if (r)
			value_set(v, "crash_record", record_value(r));
	} else {
		struct vms_value *u = value_get(v, "unavailable");
		if (!u)
			u = value_set(v, "unavailable", value_array());
		value_push(u, value_stringf("crash_record: %s", err->message));
		vms_error_destroy(err);
	}
	*ret = v;
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *sec_dump(struct rctx *rc, struct vms_value **ret)
{
	struct vms_program *prog = rc->prog;
	struct vms_value *v = value_object();
	value_set_str(v, "path", program_dump_path(prog));
	value_set_str(v, "format", program_dump_format(prog));
	if (program_dump_compression(prog))
		value_set_str(v, "compression", program_dump_compression(prog));
	value_set_str(v, "arch", program_arch(prog));
	linux_sysinfo_debuginfo(prog, v);
	if (program_osrelease(prog))
		value_set_str(v, "osrelease", program_osrelease(prog));
	struct program_dump_stats st;
	struct vms_error *err = program_dump_stats(prog, &st);
	if (err) {
		value_destroy(v);
		return err;
	}
	value_set_hex(v, "max_pfn", st.max_pfn);
	value_set_uint(v, "pages_present", st.pages_present);
	value_set_uint(v, "pages_excluded", st.pages_excluded);
	value_set_bool(v, "counts_exact", st.exact);
	value_set_bool(v, "filtered", st.pages_excluded > 0);
	if (st.pages_excluded)
		limit(rc, "dump", "%" PRIu64 " of %" PRIu64 " pages are not in the dump (filtered): their "
		      "contents cannot be read; user, free and page-cache pages are usually among them",
		      st.pages_excluded, st.pages_present + st.pages_excluded);
	struct vms_value *w = value_set(v, "warnings", value_array());
	for (size_t i = 0; i < program_warning_count(prog); i++)
		value_push(w, value_string(program_warning(prog, i)));
	*ret = v;
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *sec_log(struct rctx *rc, struct vms_value **ret)
{
	struct linux_log *log = NULL;
	struct vms_error *err = get_log(rc, &log);
	if (err)
		return err;
	struct vms_value *v = value_object();
	value_set_str(v, "source", log->source);
	value_set_uint(v, "records", log->nr);
	value_set_uint(v, "first_seq", log->dropped);
	value_set_uint(v, "unreadable", log->unreadable);
	unsigned levels[8] = { 0 };
	for (size_t i = 0; i < log->nr; i++)
		levels[log->recs[i].level & 7]++;
	struct vms_value *lv = value_set(v, "by_level", value_array());
	for (int i = 0; i < 8; i++)
		value_push(lv, value_uint(levels[i]));
	size_t start = log->nr > rc->o.log_tail ? log->nr - rc->o.log_tail : 0;
	struct vms_value *tail = value_set(v, "tail", value_array());
	for (size_t i = start; i < log->nr; i++)
		value_push(tail, record_value(&log->recs[i]));
	if (log->unreadable)
		limit(rc, "log", "%" PRIu64 " log records could not be read", log->unreadable);
	*ret = v;
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *sec_memory(struct rctx *rc, struct vms_value **ret)
{
	struct vms_value *v;
	struct vms_error *err = linux_meminfo(rc->prog, &v);
	if (err)
		return err;
	// Cross-check the counters against the mem_map census.
	struct linux_pagestat *st;
	err = get_census(rc, &st);
	if (err) {
		struct vms_value *u = value_get(v, "unavailable");
		if (!u)
			u = value_set(v, "unavailable", value_array());
		value_push(u, value_stringf("cross_check: %s", err->message));
		vms_error_destroy(err);
		*ret = v;
		return NULL;
	}
	uint64_t kb = program_page_size(rc->prog) / 1024;
	const struct vms_value *vals = value_get(v, "values");
	static const struct {
		const char *counter;
		unsigned uses[3];
		unsigned n;
	} pairs[] = {
		{ "MemFree", { LINUX_USE_BUDDY }, 1 },
		{ "Slab", { LINUX_USE_SLAB }, 1 },
		{ "PageTables", { LINUX_USE_PGTABLE }, 1 },
		{ "Hugetlb", { LINUX_USE_HUGETLB }, 1 },
		{ "AnonPages", { LINUX_USE_ANON, LINUX_USE_KSM, LINUX_USE_THP }, 3 },
	};
	struct vms_value *xc = value_set(v, "cross_check", value_array());
	for (size_t i = 0; i < VMS_ARRAY_SIZE(pairs); i++) {
		const struct vms_value *c = value_get(vals, pairs[i].counter);
		if (!c)
			continue;
		uint64_t pages = 0;
		for (unsigned k = 0; k < pairs[i].n; k++)
			pages += st->by_use[pairs[i].uses[k]];
		struct vms_value *o = value_push(xc, value_object());
		value_set_str(o, "counter", pairs[i].counter);
		value_set_uint(o, "counter_kb", c->u);
		value_set_uint(o, "memmap_kb", pages * kb);
		value_set_int(o, "difference_kb", (int64_t)(pages * kb) - (int64_t)c->u);
	}
	*ret = v;
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *sec_census(struct rctx *rc, struct vms_value **ret)
{
	struct linux_pagestat *st;
	struct linux_memmap *m = NULL;
	struct vms_error *err;
	if ((err = get_memmap(rc, &m)) || (err = get_census(rc, &st)))
		return err;
	struct vms_value *v = value_object();
	value_set_str(v, "memmap_model", m->model);
	value_set_uint(v, "pfns", st->pfns);
	value_set_uint(v, "decoded", st->decoded);
	value_set_uint(v, "partial", st->partial);
	struct vms_value *u = value_set(v, "unknown", value_object());
	uint64_t unknown = 0;
	for (unsigned i = 0; i < LINUX_UNKNOWN_NR; i++) {
		value_set_uint(u, linux_memmap_unknown_name(i), st->unknown[i]);
		unknown += i == LINUX_UNKNOWN_HOLE ? 0 : st->unknown[i];
	}
	if (m->note) {
		value_set_str(v, "memmap_note", m->note);
		value_push(value_set(v, "unavailable", value_array()),
			   value_stringf("memory map: %s", m->note));
	}
	if (unknown) {
		// "unavailable": the section is partial (and so is the report:
		// exit status 4), the note becomes a limitation.
		struct vms_value *na = value_get(v, "unavailable");
		if (!na)
			na = value_set(v, "unavailable", value_array());
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "%" PRIu64 " struct pages could not be read (", unknown);
		const char *sep = "";
		for (unsigned i = 0; i < LINUX_UNKNOWN_NR; i++)
			if (i != LINUX_UNKNOWN_HOLE && st->unknown[i]) {
				strbuf_addf(&sb, "%s%" PRIu64 " %s", sep, st->unknown[i],
					    linux_memmap_unknown_name(i));
				sep = ", ";
			}
		strbuf_addstr(&sb, "): the census, the memory picture and the anomaly checks do not "
			      "cover those PFNs");
		value_push(na, value_string(sb.buf));
		strbuf_release(&sb);
	}
	struct vms_value *bu = value_set(v, "by_use", value_object());
	for (unsigned i = 0; i < LINUX_USE_NR; i++)
		value_set_uint(bu, linux_page_use_name(i), st->by_use[i]);
	struct vms_value *bz = value_set(v, "by_zone", value_object());
	for (unsigned i = 0; i < 8; i++) {
		const char *zn = linux_zone_name(m->layout, i);
		if (zn && st->by_zone[i])
			value_set_uint(bz, zn, st->by_zone[i]);
	}
	struct vms_value *bn = value_set(v, "by_node", value_object());
	for (unsigned i = 0; i < LINUX_PAGESTAT_MAX_NODES; i++) {
		if (st->by_node[i]) {
			char k[16];
			snprintf(k, sizeof(k), "%u", i);
			value_set_uint(bn, k, st->by_node[i]);
		}
	}
	struct vms_value *bm = value_set(v, "by_mapping", value_object());
	for (unsigned i = 0; i < LINUX_MAPPING_NR; i++)
		value_set_uint(bm, linux_mapping_kind_name(i), st->by_mapping[i]);
	struct vms_value *bo = value_set(v, "blocks_by_order", value_object());
	for (unsigned i = 0; i < 64; i++) {
		if (st->blocks_by_order[i]) {
			char k[8];
			snprintf(k, sizeof(k), "%u", i);
			value_set_uint(bo, k, st->blocks_by_order[i]);
		}
	}
	value_set_uint(v, "threads", st->threads);
	*ret = v;
	return NULL;
}

/* ---- kernel memory (linux/kmemreport.c) ---- */

VMS_MUST_CHECK static struct vms_error *sec_kmem(struct rctx *rc, struct vms_value **ret)
{
	struct linux_pagestat *st;
	uint64_t census_slab = UINT64_MAX;
	struct vms_error *err = get_census(rc, &st);
	if (!err)
		census_slab = st->by_use[LINUX_USE_SLAB];
	vms_error_destroy(err);
	return linux_kmem_report(rc->prog, census_slab, rc->o.top, ret);
}

static int cmp_rss(const void *a, const void *b)
{
	const struct vms_value *x = *(struct vms_value *const *)a, *y = *(struct vms_value *const *)b;
	int64_t rx = value_get(x, "rss_kb")->i, ry = value_get(y, "rss_kb")->i;
	if (rx != ry)
		return rx > ry ? -1 : 1;
	return value_get(x, "pid")->i < value_get(y, "pid")->i ? -1 : 1;
}

VMS_MUST_CHECK static struct vms_error *sec_processes(struct rctx *rc, struct vms_value **ret)
{
	struct linux_rmap *rm;
	struct vms_error *err = get_rmap(rc, &rm);
	if (err)
		return err;
	struct linux_vm *vm = rm->vm;
	const struct linux_task *tasks;
	size_t nr;
	if ((err = linux_vm_tasks(vm, &tasks, &nr)))
		return err;
	struct vms_value *v = value_object();
	const struct vms_error *terr = linux_vm_tasks_error(vm);
	if (terr) {
		value_set_str(v, "task_walk_error", terr->message);
		struct vms_value *u = value_set(v, "unavailable", value_array());
		value_push(u, value_stringf("the task list walk stopped early (processes may be missing, "
					    "parents unknown): %s", terr->message));
	}
	uint64_t kb = program_page_size(rc->prog) / 1024;
	size_t threads = 0, kthreads = 0, procs = 0;
	struct vms_value **rows = calloc(nr ? nr : 1, sizeof(*rows));
	if (!rows) {
		value_destroy(v);
		return &vms_enomem;
	}
	size_t nrows = 0;
	for (size_t i = 0; i < nr; i++) {
		const struct linux_task *t = &tasks[i];
		threads++;
		if (t->kthread) {
			if (t->leader)
				kthreads++;
			continue;
		}
		if (!t->leader)
			continue;
		procs++;
		struct vms_value *o = value_object();
		value_set_int(o, "pid", t->pid);
		value_set_int(o, "ppid", t->ppid);
		value_set_str(o, "comm", t->comm);
		value_set_str(o, "state", linux_task_state_name(vm, t));
		value_set_hex(o, "task", t->addr);
		int64_t rss = 0, anon = 0, file = 0, shmem = 0, vsz = 0;
		if (t->mm) {
			struct linux_mm_info mi;
			struct vms_error *e = linux_mm_info(vm, t->mm, &mi);
			if (!e) {
				anon = mi.rss_anon;
				file = mi.rss_file;
				shmem = mi.rss_shmem;
				rss = anon + file + shmem;
				vsz = (int64_t)mi.total_vm;
			} else {
				value_set_str(o, "error", e->message);
				vms_error_destroy(e);
			}
		}
		value_set_int(o, "rss_kb", rss * (int64_t)kb);
		value_set_int(o, "rss_anon_kb", anon * (int64_t)kb);
		value_set_int(o, "rss_file_kb", file * (int64_t)kb);
		value_set_int(o, "rss_shmem_kb", shmem * (int64_t)kb);
		value_set_int(o, "vsz_kb", vsz * (int64_t)kb);
		rows[nrows++] = o;
	}
	qsort(rows, nrows, sizeof(*rows), cmp_rss);
	value_set_uint(v, "tasks", threads);
	value_set_uint(v, "processes", procs);
	value_set_uint(v, "kernel_threads", kthreads);
	struct vms_value *list = value_set(v, "list", value_array());
	for (size_t i = 0; i < nrows; i++)
		value_push(list, rows[i]);
	free(rows);
	*ret = v;
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *sec_sharers(struct rctx *rc, struct vms_value **ret)
{
	struct walk_state *ws;
	struct vms_error *err = get_walk(rc, &ws);
	if (err)
		return err;
	struct linux_rmap *rm = NULL;
	struct vms_error *rerr = get_rmap(rc, &rm);
	qsort(ws->top, ws->nr_top, sizeof(*ws->top), cmp_sharer);
	struct vms_value *v = value_object();
	struct vms_value *list = value_set(v, "pages", value_array());
	for (size_t i = 0; i < ws->nr_top; i++) {
		const struct sharer *s = &ws->top[i];
		struct vms_value *o = value_push(list, value_object());
		value_set_hex(o, "pfn", s->pfn);
		value_set_int(o, "mapcount", s->mapcount);
		value_set_int(o, "refcount", s->refcount);
		value_set_str(o, "use", linux_page_use_name(s->use));
		value_set_str(o, "mapping", linux_mapping_kind_name(s->kind));
		value_set_uint(o, "order", s->order);
		if (!rm)
			continue;
		struct linux_rmap_result r;
		memset(&r, 0, sizeof(r));
		struct vms_error *e = linux_rmap_pfn(rm, s->pfn, &r);
		if (e) {
			value_set_str(o, "rmap_error", e->message);
			vms_error_destroy(e);
			continue;
		}
		value_set_uint(o, "confirmed_mappings", r.confirmed);
		struct vms_value *pr = value_set(o, "processes", value_array());
		for (size_t h = 0; h < r.nr_hits; h++) {
			if (!r.hits[h].confirmed)
				continue;
			const struct linux_mm_owners *ow = linux_mm_owners(rm->vm, r.hits[h].mm);
			for (size_t k = 0; ow && k < ow->nr; k++) {
				struct vms_value *p = value_push(pr, value_object());
				value_set_int(p, "pid", ow->procs[k]->pid);
				value_set_str(p, "comm", ow->procs[k]->comm);
				value_set_hex(p, "vaddr", r.hits[h].vaddr);
			}
		}
		linux_rmap_result_deinit(&r);
	}
	if (rerr) {
		value_set_str(v, "rmap_error", rerr->message);
		vms_error_destroy(rerr);
	}
	*ret = v;
	return NULL;
}

static struct vms_value *check_value(struct rctx *rc, struct vms_value *list, int c, const struct pfn_list *l,
				     const char *status, const char *key)
{
	struct vms_value *o = value_push(list, value_object());
	value_set_str(o, "check", checks[c].name);
	value_set_str(o, "description", checks[c].description);
	value_set_str(o, "status", status);
	value_set_uint(o, "count", l ? l->count : 0);
	struct vms_value *p = value_set(o, key, value_array());
	for (size_t i = 0; l && i < l->nr && i < rc->o.max_pfns; i++)
		value_push(p, value_hex(l->pfns[i]));
	value_set_bool(o, "pfns_truncated", l && l->count > l->nr);
	return o;
}

/* Check each distinct anon_vma once: readable, refcount > 0, root->root ==
 * root (mm/rmap.c keeps a root's root pointing at itself).  The bad ones go
 * to *bad_ret, sorted (malloc'd). */
VMS_DEFINE_VECTOR(u64_vector, uint64_t);

VMS_MUST_CHECK static struct vms_error *check_anon_vmas(struct rctx *rc, struct walk_state *ws, uint64_t **bad_ret,
					 size_t *nr_bad_ret, uint64_t *checked)
{
	uint64_t o_root, o_ref;
	struct vms_error *err;
	if ((err = kf_need_off(rc->prog, KF_AV_ROOT, &o_root)) ||
	    (err = kf_need_off(rc->prog, KF_AV_REFCOUNT, &o_ref)))
		return err;
	if (ws->nr_anon_vmas) // qsort(NULL, 0) is undefined (UBSan)
		qsort(ws->anon_vmas, ws->nr_anon_vmas, sizeof(uint64_t), vms_cmp_u64);
	*checked = 0;
	struct u64_vector bad = VMS_VECTOR_INIT;
	for (size_t i = 0; i < ws->nr_anon_vmas; i++) {
		uint64_t av = ws->anon_vmas[i];
		if (i && av == ws->anon_vmas[i - 1])
			continue;
		(*checked)++;
		uint64_t root, rroot = 0;
		uint32_t ref;
		struct vms_error *e = program_read_u64(rc->prog, av + o_root, &root);
		if (!e)
			e = program_read_u32(rc->prog, av + o_ref, &ref);
		if (!e)
			e = program_read_u64(rc->prog, root + o_root, &rroot);
		if (e && e->code == VMS_ERR_NODATA) {  // not in the dump: not a finding
			vms_error_destroy(e);
			continue;
		}
		// in order: ws->anon_vmas is sorted
		if ((e || (int32_t)ref <= 0 || rroot != root) && !u64_vector_append(&bad, av)) {
			vms_error_destroy(e);
			u64_vector_deinit(&bad);
			return &vms_enomem;
		}
		vms_error_destroy(e);
	}
	*bad_ret = u64_vector_steal(&bad, nr_bad_ret);
	return NULL;
}

/* The second walk of bad_anon_vma, only when an anon_vma was found bad: the
 * pages that use one. */
struct av_walk {
	const uint64_t *bad;
	size_t nr_bad, max_pfns;
	struct pfn_list pages;
};

static void av_walk_page(void *arg, const struct linux_page_info *pi)
{
	struct av_walk *a = arg;
	if (!anon_vma_page(pi))
		return;
	uint64_t av = pi->mapping_obj;
	if (bsearch(&av, a->bad, a->nr_bad, sizeof(*a->bad), vms_cmp_u64))
		pfn_list_add(&a->pages, pi->pfn, a->max_pfns);
}

VMS_MUST_CHECK static struct vms_error *anon_vma_pages(struct rctx *rc, const uint64_t *bad, size_t nr_bad,
					struct pfn_list *pages)
{
	struct linux_memmap *m = NULL;
	struct vms_error *err = get_memmap(rc, &m);
	if (err)
		return err;
	struct linux_memmap_walk w = { .nthreads = rc->o.threads, .page = av_walk_page };
	unsigned n = linux_memmap_walk_threads(&w);
	w.nthreads = n;
	struct av_walk *states = calloc(n, sizeof(*states));
	void **ws = calloc(n, sizeof(*ws));
	if (!states || !ws) {
		free(states);
		free(ws);
		return &vms_enomem;
	}
	for (unsigned i = 0; i < n; i++) {
		states[i] = (struct av_walk){ .bad = bad, .nr_bad = nr_bad, .max_pfns = rc->o.max_pfns };
		ws[i] = &states[i];
	}
	w.wstate = ws;
	err = linux_memmap_walk(rc->prog, m, &w);
	for (unsigned i = 0; i < n; i++) {
		if (!err)
			pfn_list_merge(pages, &states[i].pages, rc->o.max_pfns);
		free(states[i].pages.pfns);
	}
	free(states);
	free(ws);
	return err;
}

VMS_MUST_CHECK static struct vms_error *sec_anomalies(struct rctx *rc, struct vms_value **ret)
{
	struct walk_state *ws;
	struct vms_error *err = get_walk(rc, &ws);
	if (err)
		return err;
	struct vms_value *v = value_object();
	struct vms_value *list = value_set(v, "checks", value_array());
	for (int c = CHK_REF_BELOW_MAP; c <= CHK_BAD_FLAGS; c++)
		check_value(rc, list, c, &ws->chk[c], "checked", "pfns");
	struct linux_rmap *rm;
	err = get_rmap(rc, &rm);
	const char *rstatus = err ? "not_checked" : rc->rmap_walk_err ? "partial" : "checked";
	if (err) {
		value_set_str(v, "rmap_error", err->message);
		vms_error_destroy(err);
	} else if (rc->rmap_walk_err) {
		value_set_str(v, "rmap_error", rc->rmap_walk_err->message);
	}
	value_set_uint(v, "rmap_pages", rc->rmap_pages);
	check_value(rc, list, CHK_RMAP_UNCONFIRMED, &rc->rmap_chk[0], rstatus, "pfns");
	check_value(rc, list, CHK_RMAP_MISMATCH, &rc->rmap_chk[1], rstatus, "pfns");
	uint64_t *bad = NULL;
	size_t nr_bad = 0;
	uint64_t checked = 0;
	struct pfn_list pages = { 0 };
	err = check_anon_vmas(rc, ws, &bad, &nr_bad, &checked);
	if (!err && nr_bad)
		err = anon_vma_pages(rc, bad, nr_bad, &pages);
	if (err) {
		struct vms_value *o = check_value(rc, list, CHK_ANON_VMA, NULL, "not_checked", "pfns");
		value_set(o, "anon_vmas", value_array());
		value_set_str(v, "anon_vma_error", err->message);
		vms_error_destroy(err);
	} else {
		// the pages, and the anon_vmas found bad
		struct vms_value *o = check_value(rc, list, CHK_ANON_VMA, &pages, "checked", "pfns");
		struct vms_value *a = value_set(o, "anon_vmas", value_array());
		for (size_t i = 0; i < nr_bad && i < rc->o.max_pfns; i++)
			value_push(a, value_hex(bad[i]));
		value_set_uint(v, "anon_vmas_checked", checked);
		value_set_uint(v, "anon_vmas_bad", nr_bad);
	}
	free(bad);
	free(pages.pfns);
	uint64_t total = 0;
	for (size_t i = 0; i < list->array.len; i++)
		total += value_get(list->array.items[i], "count")->u;
	value_set_uint(v, "findings", total);
	*ret = v;
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *sec_physmap(struct rctx *rc, struct vms_value **ret)
{
	struct walk_state *ws;
	struct vms_error *err = get_walk(rc, &ws);
	if (err)
		return err;
	struct vms_value *v = value_object();
	value_set_uint(v, "block_pages", ws->block_pages);
	value_set_uint(v, "page_size", program_page_size(rc->prog));
	struct vms_value *cats = value_set(v, "categories", value_array());
	for (unsigned c = 0; c < REPORT_CAT_NR; c++)
		value_push(cats, value_string(report_cat_name(c)));
	uint64_t totals[REPORT_CAT_NR] = { 0 };
	struct vms_value *blocks = value_set(v, "blocks", value_array());
	for (uint64_t b = 0; b < ws->nblocks; b++) {
		struct vms_value *row = value_push(blocks, value_array());
		for (unsigned c = 0; c < REPORT_CAT_NR; c++) {
			value_push(row, value_uint(ws->blocks[b][c]));
			totals[c] += ws->blocks[b][c];
		}
	}
	struct vms_value *t = value_set(v, "totals", value_object());
	for (unsigned c = 0; c < REPORT_CAT_NR; c++)
		value_set_uint(t, report_cat_name(c), totals[c]);
	*ret = v;
	return NULL;
}

/* ---- crash (linux/crash.c) ---- */

VMS_MUST_CHECK static struct vms_error *sec_crash(struct rctx *rc, struct vms_value **ret)
{
	struct vms_value *v = NULL;
	struct vms_error *err = linux_crash_section(rc->prog, &v);
	if (err)
		return err;
	if (!v) {
		v = value_object();
		value_set_bool(v, "panicked", false);
	} else {
		value_set_bool(v, "panicked", true);
	}
	*ret = v;
	return NULL;
}

/* ---- running ---- */

struct section {
	const char *name, *title;
	struct vms_error *(*run)(struct rctx *rc, struct vms_value **ret);
};

static const struct section sections[] = {
	{ "crash", "Crash", sec_crash },
	{ "system", "System", sec_system },
	{ "dump", "Dump and its missing parts", sec_dump },
	{ "log", "Kernel log (tail)", sec_log },
	{ "memory", "Memory summary", sec_memory },
	{ "census", "Page census", sec_census },
	{ "kmem", "Kernel memory", sec_kmem },
	{ "processes", "Processes", sec_processes },
	{ "sharers", "Top page sharers", sec_sharers },
	{ "anomalies", "Anomalies", sec_anomalies },
	{ "physmap", "Physical memory map", sec_physmap },
};

const char *const report_section_names[] = {
	"crash", "system", "dump", "log", "memory", "census", "kmem", "processes", "sharers", "anomalies", "physmap", NULL,
};

static bool wanted(const char *only, const char *name)
{
	if (!only)
		return true;
	size_t n = strlen(name);
	for (const char *p = only; *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == n && strncmp(p, name, n) == 0)
			return true;
		if (!comma)
			break;
		p = comma + 1;
	}
	return false;
}

struct vms_error *report_run(struct vms_program *prog, const struct report_options *opts,
			     struct vms_value **ret, bool *partial_ret)
{
	struct rctx rc = { .prog = prog };
	if (opts)
		rc.o = *opts;
	if (!rc.o.log_tail)
		rc.o.log_tail = 40;
	if (!rc.o.top)
		rc.o.top = 10;
	if (!rc.o.max_pfns)
		rc.o.max_pfns = 16;
	if (!rc.o.max_cells)
		rc.o.max_cells = 4096;
	rc.limits = value_array();
	double t0 = vms_now();
	struct vms_value *doc = value_object();
	value_set_str(doc, "schema", "vmsift-report");
	value_set_uint(doc, "schema_version", REPORT_SCHEMA_VERSION);
	struct vms_value *gen = value_set(doc, "generator", value_object());
	value_set_str(gen, "name", "vmsift");
	value_set_str(gen, "version", PACKAGE_VERSION);
	value_set_str(doc, "dump_path", program_dump_path(prog));
	if (program_osrelease(prog))
		value_set_str(doc, "release", program_osrelease(prog));
	struct vms_value *limits_slot = value_set(doc, "limitations", value_null());
	(void)limits_slot;
	struct vms_value *secs = value_set(doc, "sections", value_array());
	bool partial = false;
	struct vms_error *fatal = NULL;
	for (size_t i = 0; i < VMS_ARRAY_SIZE(sections); i++) {
		if (!wanted(rc.o.only, sections[i].name))
			continue;
		struct vms_value *s = value_push(secs, value_object());
		value_set_str(s, "name", sections[i].name);
		value_set_str(s, "title", sections[i].title);
		double t = vms_now();
		struct vms_value *data = NULL;
		struct vms_error *err = program_check_cancel();
		if (!err)
			err = sections[i].run(&rc, &data);
		double dt = vms_now() - t;
		if (err) {
			bool unsupported = err->code == VMS_ERR_UNSUPPORTED;
			value_set_str(s, "status", unsupported ? "unavailable" : "failed");
			struct vms_value *e = value_set(s, "error", value_object());
			value_set_str(e, "code", vms_error_code_name(err->code));
			value_set_str(e, "message", err->message);
			if (err->has_address)
				value_set_hex(e, "address", err->address);
			limit(&rc, sections[i].name, "%s: %s", unsupported ? "not available" : "failed",
			      err->message);
			partial = true;
			if (err->code == VMS_ERR_CANCELLED || err == &vms_enomem) {
				fatal = err;
				value_set(s, "seconds", value_double(dt));
				break;
			}
			vms_error_destroy(err);
		} else {
			const struct vms_value *u = value_get(data, "unavailable");
			bool part = u && u->kind == VMS_VALUE_ARRAY && u->array.len;
			value_set_str(s, "status", part ? "partial" : "ok");
			if (part) {
				partial = true;
				for (size_t k = 0; k < u->array.len; k++)
					limit(&rc, sections[i].name, "%s", u->array.items[k]->s);
			}
		}
		value_set(s, "seconds", value_double(dt));
		if (data)
			value_set(s, "data", data);
	}
	value_set(doc, "limitations", rc.limits);
	value_set(doc, "seconds", value_double(vms_now() - t0));

	if (rc.log_done && !rc.log_err)
		linux_log_deinit(&rc.log);
	vms_error_destroy(rc.log_err);
	linux_pagestat_destroy(rc.census);
	vms_error_destroy(rc.census_err);
	walk_state_free(rc.walk);
	vms_error_destroy(rc.walk_err);
	linux_rmap_destroy(rc.rmap);
	vms_error_destroy(rc.rmap_err);
	vms_error_destroy(rc.rmap_walk_err);
	free(rc.rmap_chk[0].pfns);
	free(rc.rmap_chk[1].pfns);
	linux_memmap_destroy(rc.memmap);
	vms_error_destroy(rc.memmap_err);
	if (fatal) {
		value_destroy(doc);
		return fatal;
	}
	if (partial_ret)
		*partial_ret = partial;
	*ret = doc;
	return NULL;
}
