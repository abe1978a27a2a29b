// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/rmap.h"

#include <inttypes.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "base/vector.h"
#include "linux/anon_vma.h"
#include "linux/ksm.h"
#include "linux/task.h"

/* The VMAs of one anon_vma or address_space, cached for rmap --all. */
struct rmap_vmas {
	size_t nr, cap, cap_via;
	struct linux_vma *vmas;
	uint64_t *via;
	char *error;  // the walk stopped early
	uint64_t av_root;   // anon: the anon_vma's root
	char *av_error;     // anon: the anon_vma could not be read (no walk)
};

static void rmap_vmas_free(struct rmap_vmas *c)
{
	if (!c)
		return;
	free(c->vmas);
	free(c->via);
	free(c->error);
	free(c->av_error);
	free(c);
}

struct vms_error *linux_rmap_create(struct vms_program *prog, struct linux_rmap **ret)
{
	struct linux_rmap *rm = calloc(1, sizeof(*rm));
	if (!rm)
		return &vms_enomem;
	vms_u64map_init(&rm->cache);
	vms_u64map_init(&rm->head_index);
	struct vms_error *err = linux_vm_create(prog, &rm->vm);
	if (!err)
		err = linux_memmap_create(prog, &rm->memmap);
	if (err) {
		linux_rmap_destroy(rm);
		return err;
	}
	*ret = rm;
	return NULL;
}

void linux_rmap_destroy(struct linux_rmap *rm)
{
	if (!rm)
		return;
	for (size_t i = 0; rm->cache.slots && i <= rm->cache.mask; i++)
		rmap_vmas_free(rm->cache.slots[i].value);
	vms_u64map_deinit(&rm->cache);
	vms_u64map_deinit(&rm->head_index);
	free(rm->cursors);
	if (!rm->borrowed)
		linux_memmap_destroy(rm->memmap);
	linux_vm_destroy(rm->vm);
	free(rm);
}

void linux_rmap_result_deinit(struct linux_rmap_result *r)
{
	for (size_t i = 0; i < r->nr_hits; i++)
		free(r->hits[i].error);
	free(r->hits);
	for (size_t i = 0; i < r->nr_errors; i++)
		free(r->errors[i]);
	free(r->errors);
	memset(r, 0, sizeof(*r));
}

static void add_error(struct linux_rmap_result *r, struct vms_error *err)
{
	if (vms_array_reserve(r->errors, r->cap_errors, r->nr_errors + 1))
		r->errors[r->nr_errors++] = strdup(err->message ? err->message : "error");
	vms_error_destroy(err);
}

/* Append a candidate mapping of the page at @vaddr in @vma (counted); NULL
 * when memory runs out, and the candidate is then dropped. */
static struct linux_rmap_hit *append_hit(struct linux_rmap_result *r, const struct linux_vma *vma,
					 uint64_t vaddr)
{
	if (!vms_array_reserve(r->hits, r->cap_hits, r->nr_hits + 1))
		return NULL;
	struct linux_rmap_hit *h = &r->hits[r->nr_hits++];
	// field by field: a memset() of the whole hit was a microcoded
	// "rep stos", a tenth of rmap --all on the bench dump
	h->mm = vma->mm;
	h->vma = *vma;
	h->vaddr = vaddr;
	h->via = 0;
	memset(&h->pt, 0, sizeof(h->pt));
	h->confirmed = false;
	h->error = NULL;
	r->candidates++;
	return h;
}

/* Look @h up in the page tables: is the page mapped there? */
static void confirm_hit(struct linux_rmap *rm, struct linux_rmap_result *r, struct linux_rmap_hit *h)
{
	size_t i = (size_t)(h - r->hits);
	struct vms_error *err;
	if (i < rm->nr_cursors)
		err = linux_pgtable_lookup_cursor(rm->vm, &rm->cursors[i], h->mm, h->vaddr, &h->pt);
	else
		err = linux_pgtable_lookup(rm->vm, h->mm, h->vaddr, &h->pt);
	if (err) {
		h->error = strdup(err->message ? err->message : "error");
		vms_error_destroy(err);
		return;
	}
	h->confirmed = h->pt.present && h->pt.pfn == r->pfn;
	if (h->confirmed)
		r->confirmed++;
}

/* A candidate mapping of the page at @vaddr in @vma, named by @via; looked
 * up in the page tables now, or with @later by confirm_hits(). */
static void add_hit(struct linux_rmap *rm, struct linux_rmap_result *r, const struct linux_vma *vma,
		    uint64_t vaddr, uint64_t via, bool later)
{
	for (size_t i = 0; i < r->nr_hits; i++)
		if (r->hits[i].vma.addr == vma->addr && r->hits[i].vaddr == vaddr)
			return;  // KSM: found through two rmap_items
	struct linux_rmap_hit *h = append_hit(r, vma, vaddr);
	if (!h)
		return;
	h->via = via;
	if (!later)
		confirm_hit(rm, r, h);
}

/* Look up hits [first, nr_hits) of @r.  The page tables of a page's
 * mappings lie far apart (each process has its own), and the entries are
 * met in no order: each is a cache miss.  Prefetching them all first
 * lets the misses overlap. */
static void confirm_hits(struct linux_rmap *rm, struct linux_rmap_result *r, size_t first)
{
	if (rm->caching && rm->nr_cursors < r->cap_hits) {
		struct linux_pt_cursor *n = realloc(rm->cursors, r->cap_hits * sizeof(*n));
		if (n) {
			memset(n + rm->nr_cursors, 0, (r->cap_hits - rm->nr_cursors) * sizeof(*n));
			rm->cursors = n;
			rm->nr_cursors = r->cap_hits;
		}
	}
	if (r->nr_hits - first > 1)
		for (size_t i = first; i < r->nr_hits; i++) {
			if (i < rm->nr_cursors)
				linux_pgtable_prefetch_cursor(rm->vm, &rm->cursors[i], r->hits[i].mm, r->hits[i].vaddr);
			else
				linux_pgtable_prefetch(rm->vm, r->hits[i].mm, r->hits[i].vaddr);
		}
	for (size_t i = first; i < r->nr_hits; i++)
		confirm_hit(rm, r, &r->hits[i]);
}

/* vma_address(): the page's address in @vma, or false if outside it.  An
 * anonymous page's index counts from the VMA's anonymous page offset
 * (vma_anon_address() in 7.3), a file page's from vm_pgoff. */
static bool vma_address(struct linux_rmap *rm, const struct linux_vma *v, uint64_t pgoff, bool anon,
			uint64_t *ret)
{
	uint64_t pages = (v->end - v->start) >> rm->vm->page_shift;
	uint64_t start = anon ? v->anon_pgoff : v->pgoff;
	if (pgoff < start || pgoff - start >= pages)
		return false;
	*ret = v->start + ((pgoff - start) << rm->vm->page_shift);
	return true;
}

struct collect {
	struct linux_rmap *rm;
	struct linux_rmap_result *r;
	struct rmap_vmas *cache;  // collecting into a cache instead
	bool anon;                // an anon_vma tree (else i_mmap)
	uint64_t item_address;    // KSM: the rmap_item's address
	uint64_t item;
};

VMS_MUST_CHECK static struct vms_error *cache_add(struct rmap_vmas *c, const struct linux_vma *v, uint64_t via)
{
	if (!vms_array_reserve(c->vmas, c->cap, c->nr + 1) || !vms_array_reserve(c->via, c->cap_via, c->nr + 1))
		return &vms_enomem;
	c->vmas[c->nr] = *v;
	c->via[c->nr++] = via;
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *anon_cb(void *arg, uint64_t avc, const struct linux_vma *v)
{
	struct collect *c = arg;
	if (c->cache)
		return cache_add(c->cache, v, avc);
	uint64_t vaddr;
	if (vma_address(c->rm, v, c->r->pgoff, c->anon, &vaddr))
		add_hit(c->rm, c->r, v, vaddr, avc, false);
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *file_cb(void *arg, const struct linux_vma *v)
{
	return anon_cb(arg, v->addr, v);
}

/* The whole tree of @key, cached (rmap --all). */
static struct rmap_vmas *cached_vmas(struct linux_rmap *rm, uint64_t key, bool anon)
{
	struct rmap_vmas *c = vms_u64map_get(&rm->cache, key);
	if (c)
		return c;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	struct collect col = {.rm = rm, .cache = c, .anon = anon};
	struct vms_error *err = NULL;
	if (anon) {
		struct linux_anon_vma av;
		err = linux_anon_vma_read(rm->vm, key, &av);
		if (err) {
			c->av_error = strdup(err->message ? err->message : "error");
			vms_error_destroy(err);
			err = NULL;
		} else {
			c->av_root = av.root;
			err = linux_anon_vma_for_each_avc(rm->vm, key, 0, UINT64_MAX, anon_cb, &col);
		}
	} else {
		err = linux_mapping_for_each_vma(rm->vm, key, 0, UINT64_MAX, file_cb, &col);
	}
	if (err) {
		c->error = strdup(err->message ? err->message : "error");
		vms_error_destroy(err);
	}
	if (!vms_u64map_set(&rm->cache, key, c)) {
		rmap_vmas_free(c);
		return NULL;
	}
	return c;
}

/*
 * The candidates of @r when it is the page right after the last one
 * reverse-mapped through tree @c into @r (@last, rm->last before this
 * page): if every VMA of the tree holds both pages or neither, the
 * candidates are the last page's, each one page further on, and only
 * their page-table entries are looked up again.  rmap --all meets the
 * pages of a VMA one after another: this skips rebuilding the same hits
 * (a copy of the VMA each) page after page.  False: build them anew.
 */
static bool walk_next(struct linux_rmap *rm, struct linux_rmap_result *r, const struct rmap_vmas *c, bool anon,
		      const struct linux_rmap_last *last)
{
	if (last->tree != c || last->r != r || r->nr_hits || r->pgoff != last->pgoff + 1 ||
	    last->nr_hits > r->cap_hits)
		return false;
	uint64_t ps = UINT64_C(1) << rm->vm->page_shift;
	for (size_t i = 0; i < c->nr; i++) {
		uint64_t now, before;
		if (vma_address(rm, &c->vmas[i], r->pgoff, anon, &now) !=
		    vma_address(rm, &c->vmas[i], last->pgoff, anon, &before))
			return false;
	}
	// the hits of the last page are still in r->hits (result_reuse()
	// keeps them), without errors (walk_cached() remembers only such)
	r->nr_hits = last->nr_hits;
	r->candidates = last->nr_hits;
	for (size_t i = 0; i < r->nr_hits; i++) {
		r->hits[i].vaddr += ps;
		r->hits[i].confirmed = false;
	}
	confirm_hits(rm, r, 0);
	return true;
}

/* The candidates of @r among the VMAs of tree @c (cached_vmas()); @last as
 * for walk_next(), or NULL when @r's hits are not kept from page to page
 * (then nothing is remembered either). */
static void walk_cached(struct linux_rmap *rm, struct linux_rmap_result *r, const struct rmap_vmas *c,
			bool anon, const struct linux_rmap_last *last)
{
	size_t first = r->nr_hits;
	if (!last || !walk_next(rm, r, c, anon, last)) {
		for (size_t i = 0; i < c->nr; i++) {
			uint64_t vaddr;
			if (vma_address(rm, &c->vmas[i], r->pgoff, anon, &vaddr))
				add_hit(rm, r, &c->vmas[i], vaddr, c->via[i], true);
		}
		confirm_hits(rm, r, first);
	}
	if (c->error) {
		add_error(r, vms_error_create(VMS_ERR_CORRUPT, "%s", c->error));
		return;
	}
	if (first || !last)
		return;
	for (size_t i = 0; i < r->nr_hits; i++)
		if (r->hits[i].error)
			return;
	rm->last.tree = c;
	rm->last.r = r;
	rm->last.pgoff = r->pgoff;
	rm->last.nr_hits = r->nr_hits;
}

static void walk_tree(struct linux_rmap *rm, struct linux_rmap_result *r, uint64_t key, bool anon,
		      const struct linux_rmap_last *last)
{
	if (rm->caching) {
		struct rmap_vmas *c = cached_vmas(rm, key, anon);
		if (c)
			walk_cached(rm, r, c, anon, last);
		else
			add_error(r, &vms_enomem);
		return;
	}
	struct collect col = {.rm = rm, .r = r, .anon = anon};
	struct vms_error *err =
		anon ? linux_anon_vma_for_each_avc(rm->vm, key, r->pgoff, r->pgoff, anon_cb, &col)
		     : linux_mapping_for_each_vma(rm->vm, key, r->pgoff, r->pgoff, file_cb, &col);
	if (err)
		add_error(r, err);
}

VMS_MUST_CHECK static struct vms_error *ksm_avc_cb(void *arg, uint64_t avc, const struct linux_vma *v)
{
	struct collect *c = arg;
	(void)avc;
	// rmap_walk_ksm(): every VMA of the item's anon_vma that contains the
	// item's address (both of its passes together).
	if (c->item_address >= v->start && c->item_address < v->end)
		add_hit(c->rm, c->r, v, c->item_address, c->item, false);
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *ksm_item_cb(void *arg, const struct linux_rmap_item *it)
{
	struct collect *c = arg;
	c->item_address = it->address;
	c->item = it->addr;
	struct vms_error *err =
		linux_anon_vma_for_each_avc(c->rm->vm, it->anon_vma, 0, UINT64_MAX, ksm_avc_cb, c);
	if (err)
		add_error(c->r, vms_error_wrap(err, "rmap_item 0x%" PRIx64, it->addr));
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *head_index(struct linux_rmap *rm, const struct linux_page_info *pi, uint64_t *ret)
{
	if (pi->head_pfn == pi->pfn) {
		*ret = pi->index;
		return NULL;
	}
	void *v = vms_u64map_get(&rm->head_index, pi->head_pfn);
	if (v) {
		*ret = (uint64_t)(uintptr_t)v - 1;
		return NULL;
	}
	struct linux_page_info head;
	struct vms_error *err = linux_memmap_decode_one(rm->vm->prog, rm->memmap, pi->head_pfn, &head);
	if (err)
		return vms_error_wrap(err, "head page 0x%" PRIx64 " of pfn 0x%" PRIx64, pi->head_pfn, pi->pfn);
	if (rm->caching)
		vms_u64map_set(&rm->head_index, pi->head_pfn, (void *)(uintptr_t)(head.index + 1));
	*ret = head.index;
	return NULL;
}

/* ---- forward scan: pages without a reverse map ---- */

/* Does @pi need the forward scan: mapped (or the zero page) but without an
 * anon_vma, address_space or KSM node to follow? */
static bool linux_rmap_needs_scan(const struct linux_page_info *pi)
{
	if (pi->bits & LINUX_PAGE_ZERO)
		return true;
	bool has_rmap = pi->mapping_obj &&
			(pi->mapping_kind == LINUX_MAPPING_ANON || pi->mapping_kind == LINUX_MAPPING_FILE ||
			 pi->mapping_kind == LINUX_MAPPING_KSM);
	return !has_rmap && pi->mapcount > 0;
}

#define SCAN_BITS 65536

struct scan {
	struct linux_rmap *rm;
	struct linux_rmap_result **rs;  // targets, sorted by pfn
	size_t n;
	const struct linux_vma *vma;
	// Only leaves of PFNs that may be targets reach scan_leaf(): a scan
	// meets every mapped page of every process.  seen counts them all.
	struct linux_pt_filter filter;
	uint64_t bits[SCAN_BITS / 64];
	uint64_t checked;               // filter.seen at the last cancel check
	struct vms_error *fatal;        // cancelled or out of bounds: ends the scan
	// the VMAs of the current mm already scanned, in address order
	uint64_t (*done)[2];
	size_t nr_done, cap_done;
	bool no_vmas;                   // scanning page tables outside the VMAs read
};

static bool scan_done(const struct scan *s, uint64_t va)
{
	size_t lo = 0, hi = s->nr_done;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->done[mid][1] <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->nr_done && s->done[lo][0] <= va;
}

static void scan_error_all(struct scan *s, struct vms_error *err)
{
	for (size_t i = 0; i < s->n; i++)
		add_error(s->rs[i], i + 1 < s->n ? vms_error_create(err->code, "%s", err->message) : err);
	if (!s->n)
		vms_error_destroy(err);
}

static void scan_hit(struct linux_rmap_result *r, const struct linux_vma *vma, uint64_t vaddr,
		     const struct linux_pt_entry *pt)
{
	for (size_t i = 0; i < r->nr_hits; i++)
		if (r->hits[i].mm == vma->mm && r->hits[i].vaddr == vaddr)
			return;
	struct linux_rmap_hit *h = append_hit(r, vma, vaddr);
	if (!h)
		return;
	h->pt = *pt;
	h->confirmed = true;
	r->confirmed++;
}

/* Too many leaves, or cancelled: the scan's fatal error (checked on every
 * leaf passed on and after every VMA). */
VMS_MUST_CHECK static struct vms_error *scan_check(struct scan *s)
{
	if (s->fatal)
		return s->fatal;
	if (s->filter.seen > LINUX_RMAP_SCAN_MAX_LEAVES)
		return s->fatal = vms_error_create(VMS_ERR_CORRUPT,
						   "page-table scan: more than %llu leaves (corrupt page tables?)",
						   (unsigned long long)LINUX_RMAP_SCAN_MAX_LEAVES);
	if (s->filter.seen - s->checked >= 4096) {
		s->checked = s->filter.seen;
		s->fatal = program_check_cancel();
	}
	return s->fatal;
}

VMS_MUST_CHECK static struct vms_error *scan_leaf(void *arg, uint64_t va, const struct linux_pt_entry *e)
{
	struct scan *s = arg;
	if (scan_check(s))
		return s->fatal;
	unsigned shift = s->rm->vm->page_shift;
	uint64_t first = e->pfn, npages = e->size >> shift;
	// the first target at or after this leaf's first page
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->rs[mid]->pfn < first)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < s->n && s->rs[i]->pfn - first < npages; i++) {
		uint64_t off = s->rs[i]->pfn - first;
		uint64_t vaddr = va + (off << shift);
		if (vaddr < s->vma->start || vaddr >= s->vma->end)
			continue;  // a huge leaf reaching outside the VMA
		if (s->no_vmas && scan_done(s, vaddr))
			continue;
		struct linux_pt_entry pt = *e;
		pt.paddr = e->paddr + (off << shift);
		pt.pfn = s->rs[i]->pfn;
		// outside the VMAs read, name the leaf's range instead
		struct linux_vma leaf = {.mm = s->vma->mm, .start = va, .end = va + e->size};
		scan_hit(s->rs[i], s->no_vmas ? &leaf : s->vma, vaddr, &pt);
	}
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *scan_vma(void *arg, const struct linux_vma *v)
{
	struct scan *s = arg;
	s->vma = v;
	// without room the range is not kept: the scan outside the VMAs walks it again
	(void)vms_array_reserve(s->done, s->cap_done, s->nr_done + 1);
	if (s->nr_done < s->cap_done && (!s->nr_done || s->done[s->nr_done - 1][1] <= v->start)) {
		s->done[s->nr_done][0] = v->start;
		s->done[s->nr_done++][1] = v->end;
	}
	struct vms_error *err =
		linux_pgtable_for_each_filtered(s->rm->vm, v->mm, v->start, v->end, &s->filter, scan_leaf, s);
	if (!err && scan_check(s))
		return &linux_walk_stop;
	if (err && err == s->fatal)
		return &linux_walk_stop;
	if (err)
		scan_error_all(s, vms_error_wrap(err, "page tables of mm 0x%" PRIx64 " at [0x%" PRIx64
						 ", 0x%" PRIx64 ")", v->mm, v->start, v->end));
	return NULL;
}

/* The mm a task's pages are mapped in: as linux_mm_owners(), an exiting
 * task runs on ->active_mm. */
static uint64_t task_mm(const struct linux_task *t)
{
	return t->mm ? t->mm : (t->exiting && !t->kthread ? t->active_mm : 0);
}

/* Scan @mm (of task @pid) into @s. */
static void scan_mm(struct scan *s, uint64_t mm, int32_t pid)
{
	struct linux_vm *vm = s->rm->vm;
	s->nr_done = 0;
	struct vms_error *err = linux_mm_for_each_vma(vm, mm, scan_vma, s);
	if (!err || s->fatal)
		return;
	scan_error_all(s, vms_error_wrap(err, "page-table scan of pid %" PRId32, pid));
	// Part of the VMA tree is missing, the page tables may not be: scan
	// the rest of the user address space without VMAs (hits then name no
	// VMA).
	struct linux_vma all = {.mm = mm, .start = 0,
				.end = (1ULL << (vm->l.l5 ? 56 : 47)) - (1ULL << vm->page_shift)};
	s->no_vmas = true;
	s->vma = &all;
	err = linux_pgtable_for_each_filtered(vm, mm, all.start, all.end, &s->filter, scan_leaf, s);
	if (!err && scan_check(s))
		err = s->fatal;
	s->no_vmas = false;
	if (err && err != s->fatal)
		scan_error_all(s, vms_error_wrap(err, "page tables of mm 0x%" PRIx64, mm));
}

/* Scan every mm in use for the PFNs of @rs (sorted by pfn). */
VMS_MUST_CHECK static struct vms_error *scan_set(struct linux_rmap *rm, struct linux_rmap_result **rs, size_t n)
{
	struct linux_vm *vm = rm->vm;
	struct scan s = {.rm = rm, .rs = rs, .n = n};
	s.filter.bits = s.bits;
	s.filter.mask = SCAN_BITS - 1;
	for (size_t i = 0; i < n; i++)
		vms_bit_set(s.bits, rs[i]->pfn & (SCAN_BITS - 1));
	const struct linux_task *tasks = NULL;
	size_t nr = 0;
	struct vms_error *err = linux_vm_tasks(vm, &tasks, &nr);
	if (err) {
		scan_error_all(&s, vms_error_wrap(err, "page-table scan"));
		return NULL;
	}
	const struct vms_error *te = linux_vm_tasks_error(vm);
	if (te)
		scan_error_all(&s, vms_error_create(te->code, "page-table scan: the task list is incomplete: %s",
						    te->message));
	struct vms_u64map seen;
	vms_u64map_init(&seen);
	for (size_t i = 0; i < nr && !s.fatal; i++) {
		uint64_t mm = task_mm(&tasks[i]);
		if (!mm || vms_u64map_get(&seen, mm))
			continue;
		vms_u64map_set(&seen, mm, (void *)1);
		scan_mm(&s, mm, tasks[i].pid);
	}
	free(s.done);
	vms_u64map_deinit(&seen);
	for (size_t i = 0; i < n; i++)
		rs[i]->scanned = true;
	err = s.fatal;
	if (err && err->code != VMS_ERR_CANCELLED) {
		// out of bounds: say so on every page, keep what was found
		scan_error_all(&s, err);
		err = NULL;
	}
	return err;
}

/*
 * The forward scan of rmap --all on several threads: the calling thread
 * (with @rm) and one thread per helper (the contexts of the walk's workers,
 * idle by then) take the mms in turn, each scanning into its own copy of
 * the results.  The copies are then put together mm by mm in the order of
 * the task list: every page gets the hits and the errors that scan_set()
 * gives it, in the same order.  False when it cannot be done so (no
 * memory, too few mms, a thread met the scan's bound or a cancel): the
 * caller scans on one thread then, as before, and nothing was changed.
 */
struct pscan_thread {
	struct pscan *ps;
	struct scan s;
	struct linux_rmap_result *copy, **copyp;  // the thread's results
	pthread_t thread;
	bool started;
};

struct pscan {
	size_t n;                 // targets
	const uint64_t *mms;      // in the order of the task list
	const int32_t *pids;
	size_t nmm;
	size_t next;              // the next mm to take (atomic)
	bool stop;                // a thread met a fatal error (atomic)
	// per mm: the thread that scanned it and, per target, where the hits
	// and the errors it added begin and end in that thread's copy
	uint32_t *owner;
	size_t (*range)[4];       // [mm * n + target]
	struct pscan_thread *th;
};

static void *pscan_run(void *arg)
{
	struct pscan_thread *t = arg;
	struct pscan *ps = t->ps;
	while (!__atomic_load_n(&ps->stop, __ATOMIC_RELAXED)) {
		size_t i = __atomic_fetch_add(&ps->next, 1, __ATOMIC_RELAXED);
		if (i >= ps->nmm)
			break;
		ps->owner[i] = (uint32_t)(t - ps->th);
		size_t(*rg)[4] = ps->range + i * ps->n;
		for (size_t j = 0; j < ps->n; j++) {
			rg[j][0] = t->copy[j].nr_hits;
			rg[j][2] = t->copy[j].nr_errors;
		}
		scan_mm(&t->s, ps->mms[i], ps->pids[i]);
		for (size_t j = 0; j < ps->n; j++) {
			rg[j][1] = t->copy[j].nr_hits;
			rg[j][3] = t->copy[j].nr_errors;
		}
		if (t->s.fatal) {
			__atomic_store_n(&ps->stop, true, __ATOMIC_RELAXED);
			break;
		}
	}
	return NULL;
}

/* Move hits [from, to) and errors [efrom, eto) of @src to the end of @dst's. */
static void pscan_move(struct linux_rmap_result *dst, struct linux_rmap_result *src, const size_t rg[4])
{
	for (size_t k = rg[0]; k < rg[1]; k++) {
		const struct linux_rmap_hit *sh = &src->hits[k];
		struct linux_rmap_hit *h = append_hit(dst, &sh->vma, sh->vaddr);
		if (!h)
			continue;
		*h = *sh;  // a scan's hits carry no error string
		dst->confirmed += h->confirmed;
	}
	for (size_t k = rg[2]; k < rg[3]; k++) {
		if (!vms_array_reserve(dst->errors, dst->cap_errors, dst->nr_errors + 1))
			continue;
		dst->errors[dst->nr_errors++] = src->errors[k];
		src->errors[k] = NULL;
	}
}

static bool scan_set_parallel(struct linux_rmap *rm, struct linux_rmap **helpers, size_t nhelpers,
			      struct linux_rmap_result **rs, size_t n)
{
	struct linux_vm *vm = rm->vm;
	const struct linux_task *tasks = NULL;
	size_t nr = 0;
	if (!nhelpers || !n)
		return false;
	struct vms_error *err = linux_vm_tasks(vm, &tasks, &nr);
	if (err) {
		vms_error_destroy(err);
		return false;
	}
	struct pscan ps = {.n = n};
	size_t nth = 1 + nhelpers;
	uint64_t *mms = malloc((nr ? nr : 1) * sizeof(*mms));
	int32_t *pids = malloc((nr ? nr : 1) * sizeof(*pids));
	struct vms_u64map seen;
	vms_u64map_init(&seen);
	bool ok = mms && pids;
	for (size_t i = 0; ok && i < nr; i++) {
		uint64_t mm = task_mm(&tasks[i]);
		if (!mm || vms_u64map_get(&seen, mm))
			continue;
		ok = vms_u64map_set(&seen, mm, (void *)1);
		mms[ps.nmm] = mm;
		pids[ps.nmm++] = tasks[i].pid;
	}
	vms_u64map_deinit(&seen);
	ps.mms = mms;
	ps.pids = pids;
	// the bookkeeping grows with mms times pages: a scan for very many
	// pages stays on one thread
	ok = ok && ps.nmm >= 2 && ps.nmm * n <= (1u << 20);
	if (ok) {
		ps.owner = calloc(ps.nmm, sizeof(*ps.owner));
		ps.range = calloc(ps.nmm * n, sizeof(*ps.range));
		ps.th = calloc(nth, sizeof(*ps.th));
		ok = ps.owner && ps.range && ps.th;
	}
	for (size_t t = 0; ok && t < nth; t++) {
		struct pscan_thread *th = &ps.th[t];
		th->ps = &ps;
		th->copy = calloc(n, sizeof(*th->copy));
		th->copyp = calloc(n, sizeof(*th->copyp));
		if (!th->copy || !th->copyp) {
			ok = false;
			break;
		}
		th->s.rm = t ? helpers[t - 1] : rm;
		th->s.rs = th->copyp;
		th->s.n = n;
		th->s.filter.bits = th->s.bits;
		th->s.filter.mask = SCAN_BITS - 1;
		for (size_t j = 0; j < n; j++) {
			th->copy[j].pfn = rs[j]->pfn;
			th->copyp[j] = &th->copy[j];
			vms_bit_set(th->s.bits, rs[j]->pfn & (SCAN_BITS - 1));
		}
	}
	if (ok) {
		for (size_t t = 1; t < nth; t++)
			ps.th[t].started = pthread_create(&ps.th[t].thread, NULL, pscan_run, &ps.th[t]) == 0;
		pscan_run(&ps.th[0]);  // a helper that did not start leaves its mms to the others
		uint64_t seen_leaves = 0;
		for (size_t t = 0; t < nth; t++) {
			if (ps.th[t].started)
				pthread_join(ps.th[t].thread, NULL);
			seen_leaves += ps.th[t].s.filter.seen;
			ok &= !ps.th[t].s.fatal;
		}
		// the bound is on the whole scan's leaves, as scan_check() counts them
		ok &= seen_leaves <= LINUX_RMAP_SCAN_MAX_LEAVES;
	}
	if (ok) {
		// as scan_set(): first what the task list lacks, then mm by mm
		struct scan fin = {.rm = rm, .rs = rs, .n = n};
		const struct vms_error *te = linux_vm_tasks_error(vm);
		if (te)
			scan_error_all(&fin, vms_error_create(te->code, "page-table scan: the task list is incomplete: %s",
							      te->message));
		for (size_t i = 0; i < ps.nmm; i++)
			for (size_t j = 0; j < n; j++)
				pscan_move(rs[j], &ps.th[ps.owner[i]].copy[j], ps.range[i * n + j]);
		for (size_t j = 0; j < n; j++)
			rs[j]->scanned = true;
	}
	for (size_t t = 0; ps.th && t < nth; t++) {
		struct pscan_thread *th = &ps.th[t];
		for (size_t j = 0; th->copy && j < n; j++)
			linux_rmap_result_deinit(&th->copy[j]);
		free(th->copy);
		free(th->copyp);
		free(th->s.done);
		vms_error_destroy(th->s.fatal);
	}
	free(ps.th);
	free(ps.owner);
	free(ps.range);
	free(mms);
	free(pids);
	return ok;
}

static void scan_prepare(struct linux_rmap_result *r, const struct linux_page_info *pi)
{
	memset(r, 0, sizeof(*r));
	r->pfn = pi->pfn;
	r->page = *pi;
	r->kind = pi->mapping_kind;
	if (pi->bits & LINUX_PAGE_ZERO) {
		r->no_mapcount = true;
		r->note = "the shared zero page: mapped by special PTEs, with no reverse map and no "
			  "mapcount (vm_normal_page()); found by a scan of every task's page tables";
	} else {
		r->note = "no reverse map (no anon_vma, address_space or KSM node, e.g. [vdso] or "
			  "driver pages); found by a scan of every task's page tables";
	}
}

struct vms_error *linux_rmap_scan(struct linux_rmap *rm, uint64_t pfn, struct linux_rmap_result *ret)
{
	struct linux_page_info pi;
	struct vms_error *err = linux_memmap_decode_one(rm->vm->prog, rm->memmap, pfn, &pi);
	if (err)
		return err;
	scan_prepare(ret, &pi);
	if (!linux_rmap_needs_scan(&pi))
		ret->note = "found by a scan of every task's page tables (rmap --scan)";
	struct linux_rmap_result *one = ret;
	err = scan_set(rm, &one, 1);
	if (err)
		linux_rmap_result_deinit(ret);
	return err;
}

/* Empty the result @r held (its own strings freed) for the next page,
 * keeping the memory of its hits: rmap --all reuses one result.  Its page
 * is left as it was: the caller sets it next. */
static void result_reuse(struct linux_rmap_result *r)
{
	struct linux_rmap_hit *hits = r->hits;
	size_t cap = r->cap_hits;
	for (size_t i = 0; i < r->nr_hits; i++)
		free(r->hits[i].error);
	for (size_t i = 0; i < r->nr_errors; i++)
		free(r->errors[i]);
	free(r->errors);
	// all but the page (a memset() of the whole result was a third of
	// rmap_page() in rmap --all)
	_Static_assert(offsetof(struct linux_rmap_result, page) + sizeof(r->page) ==
			       offsetof(struct linux_rmap_result, head_index),
		       "the page is followed by the rest");
	r->pfn = 0;
	memset(&r->head_index, 0, sizeof(*r) - offsetof(struct linux_rmap_result, head_index));
	r->hits = hits;
	r->cap_hits = cap;
}

/* linux_rmap_page() of a page with a reverse map into @r, which holds
 * nothing (zeroed) or, with @reuse, an earlier result. */
VMS_MUST_CHECK static struct vms_error *rmap_page(struct linux_rmap *rm, const struct linux_page_info *pi,
						  struct linux_rmap_result *r, bool reuse);

/* As linux_rmap_pfn() for an already decoded page. */
VMS_MUST_CHECK static struct vms_error *linux_rmap_page(struct linux_rmap *rm, const struct linux_page_info *pi,
							struct linux_rmap_result *r)
{
	if (linux_rmap_needs_scan(pi)) {
		scan_prepare(r, pi);
		struct linux_rmap_result *one = r;
		return scan_set(rm, &one, 1);
	}
	memset(r, 0, sizeof(*r));
	return rmap_page(rm, pi, r, false);
}

VMS_MUST_CHECK static struct vms_error *rmap_page(struct linux_rmap *rm, const struct linux_page_info *pi,
						  struct linux_rmap_result *r, bool reuse)
{
	// the last page, for walk_next(): only if nothing else used @r since
	struct linux_rmap_last last = rm->last;
	rm->last.tree = NULL;
	if (reuse)
		result_reuse(r);
	const struct linux_rmap_last *lastp = reuse ? &last : NULL;
	r->pfn = pi->pfn;
	r->page = *pi;
	r->kind = pi->mapping_kind;
	uint64_t mapping = pi->mapping_obj;
	if (r->kind != LINUX_MAPPING_ANON && r->kind != LINUX_MAPPING_FILE && r->kind != LINUX_MAPPING_KSM) {
		r->note = "not a user page (no anon_vma, address_space or KSM node)";
		return NULL;
	}
	if (!mapping) {
		r->note = "no mapping";
		return NULL;
	}
	if (r->kind != LINUX_MAPPING_KSM) {
		struct vms_error *err = head_index(rm, pi, &r->head_index);
		if (err) {
			add_error(r, err);
			return NULL;
		}
		uint64_t sub = pi->pfn - pi->head_pfn;
		if ((pi->bits & LINUX_PAGE_HUGETLB) && !rm->hugetlb_probed) {
			// Until v6.7 a hugetlb folio's index counted huge pages
			// (hugetlb_basepage_index()); commit a08c7193e4f1
			// "mm/filemap: remove hugetlb special casing in
			// filemap.c" made it count base pages.  Probed only when
			// a hugetlb page is met: it loads the symbol table.
			// The workers of rmap --all share the debug info: one
			// lookup at a time.
			static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
			struct program_symbol sym;
			pthread_mutex_lock(&lock);
			struct vms_error *e = program_symbol(rm->vm->prog, "hugetlb_basepage_index", &sym);
			pthread_mutex_unlock(&lock);
			rm->hugetlb_index_in_huge_pages = !e;
			rm->hugetlb_probed = true;
			vms_error_destroy(e);
		}
		if ((pi->bits & LINUX_PAGE_HUGETLB) && rm->hugetlb_index_in_huge_pages)
			r->pgoff = (r->head_index << pi->order) + sub;
		else
			r->pgoff = r->head_index + sub;
	}
	switch (r->kind) {
	case LINUX_MAPPING_ANON: {
		r->anon_vma = mapping;
		if (rm->caching) {
			// the anon_vma is read once, with its tree
			struct rmap_vmas *c = cached_vmas(rm, mapping, true);
			if (!c) {
				add_error(r, &vms_enomem);
				return NULL;
			}
			if (c->av_error) {
				add_error(r, vms_error_create(VMS_ERR_CORRUPT, "%s", c->av_error));
				return NULL;
			}
			r->anon_vma_root = c->av_root;
			walk_cached(rm, r, c, true, lastp);
			break;
		}
		struct linux_anon_vma av;
		struct vms_error *err = linux_anon_vma_read(rm->vm, mapping, &av);
		if (err) {
			add_error(r, err);
			return NULL;
		}
		r->anon_vma_root = av.root;
		walk_tree(rm, r, mapping, true, NULL);
		break;
	}
	case LINUX_MAPPING_FILE:
		r->address_space = mapping;
		walk_tree(rm, r, mapping, false, lastp);
		break;
	case LINUX_MAPPING_KSM: {
		r->stable_node = mapping;
		struct collect c = {.rm = rm, .r = r};
		struct vms_error *err = linux_ksm_for_each_rmap_item(rm->vm, mapping, ksm_item_cb, &c);
		if (err)
			add_error(r, err);
		break;
	}
	}
	return NULL;
}

struct vms_error *linux_rmap_pfn(struct linux_rmap *rm, uint64_t pfn, struct linux_rmap_result *ret)
{
	struct linux_page_info pi;
	struct vms_error *err = linux_memmap_decode_one(rm->vm->prog, rm->memmap, pfn, &pi);
	if (err)
		return err;
	return linux_rmap_page(rm, &pi, ret);
}

/* --all: the parallel mem_map walk collects the mapped pages of a chunk,
 * and the worker reverse-maps them with its own context (a clone of the
 * program, its own caches); the results reach the calling thread in PFN
 * order.  Pages without a reverse map are scanned at the end. */
struct page_vec {
	size_t nr, cap;
	struct linux_page_info *pages;
};

/* Page vectors handed from the workers to the calling thread come back
 * here to be filled again: freeing them made glibc give their memory back
 * to the kernel and map it again for the next chunk, a page fault per
 * page and a TLB shootdown per chunk. */
#define VEC_POOL 32
struct vec_pool {
	pthread_mutex_t lock;
	struct page_vec free[VEC_POOL];
	size_t nr;
};

static struct page_vec vec_pool_get(struct vec_pool *p)
{
	struct page_vec v = { 0 };
	pthread_mutex_lock(&p->lock);
	if (p->nr)
		v = p->free[--p->nr];
	pthread_mutex_unlock(&p->lock);
	v.nr = 0;
	return v;
}

static void vec_pool_put(struct vec_pool *p, struct page_vec *v)
{
	pthread_mutex_lock(&p->lock);
	if (p->nr < VEC_POOL && v->pages) {
		p->free[p->nr++] = *v;
		v->pages = NULL;
	}
	pthread_mutex_unlock(&p->lock);
	free(v->pages);
	memset(v, 0, sizeof(*v));
}

struct all_state {
	VMS_CACHELINE_HEAD;
	struct vec_pool *pool;
	unsigned kinds;
	struct page_vec cur;
	// With workers: the worker's context, its clone of the program, the
	// caller's state for it and the result it reuses.  NULL: the calling
	// thread reverse-maps on delivery.
	struct linux_rmap *rm;
	struct vms_program *prog;
	const struct linux_rmap_workers *workers;
	void *wstate;
	struct linux_rmap_result res;
	// with workers: the chunk at hand so far (pages reverse-mapped, the
	// error that stopped it)
	uint64_t done;
	struct vms_error *err;
	// the states of the threads lie side by side, and each writes its
	// own all the time: no cache line shared with a neighbour's
	VMS_CACHELINE_PAD;
};

/* What a worker hands over for one chunk. */
struct all_chunk {
	struct page_vec pages;   // the chunk's wanted pages (with workers: those
	                         // left for the calling thread, the forward scan's)
	// with workers: how many pages were reverse-mapped, the caller's
	// output for them and the error that stopped the chunk
	uint64_t done;
	void *out;
	struct vms_error *err;
};

static bool wanted(unsigned kinds, const struct linux_page_info *pi)
{
	if (linux_rmap_needs_scan(pi))
		return kinds & LINUX_RMAP_OTHER;
	if (pi->mapcount <= 0)
		return false;
	switch (pi->mapping_kind) {
	case LINUX_MAPPING_ANON:
		return kinds & LINUX_RMAP_ANON;
	case LINUX_MAPPING_FILE:
		return kinds & LINUX_RMAP_FILE;
	case LINUX_MAPPING_KSM:
		return kinds & LINUX_RMAP_KSM;
	}
	return false;
}

static void page_vec_push(struct page_vec *v, const struct linux_page_info *pi)
{
	if (!vms_array_reserve(v->pages, v->cap, v->nr + 1))
		return;
	v->pages[v->nr++] = *pi;
}

static void all_page(void *ws, const struct linux_page_info *pi)
{
	struct all_state *s = ws;
	if (!wanted(s->kinds, pi))
		return;
	// With workers the page is reverse-mapped here, as it is decoded;
	// only the pages for the forward scan are kept, for the caller.
	if (!s->rm || linux_rmap_needs_scan(pi)) {
		page_vec_push(&s->cur, pi);
		return;
	}
	if (s->err)
		return;
	s->err = rmap_page(s->rm, pi, &s->res, true);
	if (!s->err)
		s->err = s->workers->page(s->wstate, s->rm, &s->res);
	if (!s->err)
		s->done++;
}

/* A run of free pages (tails of a free buddy block decoded alike): none is
 * mapped, none is wanted.  Having this lets the walk skip decoding them one
 * by one; on the 4 GiB bench dump, 58% of the pages. */
static void all_free_run(void *ws, const struct linux_page_info *pi, uint64_t n)
{
	(void)ws;
	(void)pi;
	(void)n;
}

static void *all_chunk_done(void *ws)
{
	struct all_state *s = ws;
	struct all_chunk *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	if (!s->rm) {
		c->pages = s->cur;
		s->cur = vec_pool_get(s->pool);
		return c;
	}
	// The chunk was reverse-mapped page by page; hand over its output and
	// the pages for the scan.
	c->done = s->done;
	c->err = s->err;
	s->done = 0;
	s->err = NULL;
	if (s->cur.nr) {
		c->pages = s->cur;
		s->cur = vec_pool_get(s->pool);
	}
	c->out = s->workers->chunk_done ? s->workers->chunk_done(s->wstate) : NULL;
	return c;
}

struct all_deliver {
	struct linux_rmap_result own;  // the result of the page at hand, reused
	const struct linux_rmap_workers *workers;
	const struct linux_memmap_walk *walk;
	struct vec_pool *pool;
	struct linux_rmap *rm;
	struct vms_error *(*fn)(void *arg, const struct linux_rmap_result *r);
	void *arg;
	struct vms_error *err;
	uint64_t nr;
	bool stopped_by_walk;
	struct page_vec deferred;  // pages for the forward scan, at the end
	// the workers' contexts, for the forward scan on several threads
	struct linux_rmap **helpers;
	size_t nhelpers;
};

static void all_deliver(void *arg, void *result)
{
	struct all_deliver *d = arg;
	struct all_chunk *c = result;
	if (!c)
		return;
	if (d->workers) {
		// the worker's output, dropped when the walk is stopping (or
		// hands over chunks out of order)
		struct vms_error *err = c->err;
		bool discard = d->err || (d->walk && d->walk->stopped);
		if (c->out) {
			struct vms_error *e = d->workers->deliver(d->arg, c->out, discard);
			if (!err)
				err = e;
			else
				vms_error_destroy(e);
		}
		if (!d->err)
			d->nr += c->done;
		if (err && !d->err)
			d->err = err;
		else if (err)
			vms_error_destroy(err);
	}
	for (size_t i = 0; i < c->pages.nr; i++) {
		const struct linux_page_info *pi = &c->pages.pages[i];
		if (linux_rmap_needs_scan(pi)) {
			if (!d->err)
				page_vec_push(&d->deferred, pi);
			continue;
		}
		if (d->err)
			continue;
		struct vms_error *err = rmap_page(d->rm, pi, &d->own, true);
		if (!err) {
			d->nr++;
			err = d->fn(d->arg, &d->own);
		}
		if (err)
			d->err = err;
		else if ((d->nr & 1023) == 0)
			d->err = program_check_cancel();
	}
	vec_pool_put(d->pool, &c->pages);
	free(c);
}

static int cmp_page_pfn(const void *a, const void *b)
{
	uint64_t x = ((const struct linux_page_info *)a)->pfn, y = ((const struct linux_page_info *)b)->pfn;
	return x < y ? -1 : x > y;
}

/* The pages without a reverse map, by one scan of every page table. */
VMS_MUST_CHECK static struct vms_error *scan_deferred(struct all_deliver *d)
{
	size_t n = d->deferred.nr;
	struct linux_rmap_result *rs = calloc(n, sizeof(*rs));
	struct linux_rmap_result **ps = calloc(n, sizeof(*ps));
	struct vms_error *err = NULL;
	if (!rs || !ps) {
		free(rs);
		free(ps);
		return &vms_enomem;
	}
	qsort(d->deferred.pages, n, sizeof(*d->deferred.pages), cmp_page_pfn);
	for (size_t i = 0; i < n; i++) {
		scan_prepare(&rs[i], &d->deferred.pages[i]);
		ps[i] = &rs[i];
	}
	if (!scan_set_parallel(d->rm, d->helpers, d->nhelpers, ps, n))
		err = scan_set(d->rm, ps, n);
	for (size_t i = 0; i < n; i++) {
		if (!err) {
			d->nr++;
			err = d->fn(d->arg, &rs[i]);
		}
		linux_rmap_result_deinit(&rs[i]);
	}
	free(rs);
	free(ps);
	return err;
}

static bool all_stop(void *arg)
{
	return ((struct all_deliver *)arg)->err != NULL;
}

/* A worker's context: @rm's layouts and memory map, its own program clone
 * and caches.  NULL if it cannot be made (the calling thread then does the
 * reverse map). */
static struct linux_rmap *worker_rmap(struct linux_rmap *rm, struct vms_program **prog_ret)
{
	struct vms_program *prog;
	struct vms_error *err = program_clone(rm->vm->prog, &prog);
	if (err) {
		vms_error_destroy(err);
		return NULL;
	}
	struct linux_rmap *w = calloc(1, sizeof(*w));
	if (!w || (err = linux_vm_clone(rm->vm, prog, &w->vm))) {
		vms_error_destroy(err);
		free(w);
		program_destroy(prog);
		return NULL;
	}
	// the task table, read once for all (rmap --all asks each page's
	// owners)
	linux_vm_share_tasks(w->vm, rm->vm);
	vms_u64map_init(&w->cache);
	vms_u64map_init(&w->head_index);
	w->memmap = rm->memmap;
	w->borrowed = true;
	w->caching = true;
	w->hugetlb_probed = rm->hugetlb_probed;
	w->hugetlb_index_in_huge_pages = rm->hugetlb_index_in_huge_pages;
	*prog_ret = prog;
	return w;
}

struct vms_error *linux_rmap_all(struct linux_rmap *rm, unsigned kinds,
				 struct vms_error *(*fn)(void *arg, const struct linux_rmap_result *r),
				 void *arg, const struct linux_rmap_workers *workers,
				 uint64_t *nr_ret, uint64_t *unknown_ret)
{
	struct all_deliver d = {.rm = rm, .fn = fn, .arg = arg, .workers = workers};
	struct linux_memmap_walk w = {
		.page = all_page,
		.page_run = all_free_run,
		.chunk_done = all_chunk_done,
		.deliver = all_deliver,
		.arg = &d,
		.stop = all_stop,
	};
	struct vec_pool pool = { .lock = PTHREAD_MUTEX_INITIALIZER };
	d.walk = &w;
	d.pool = &pool;
	unsigned n = linux_memmap_walk_threads(&w);
	struct all_state *states = calloc(n, sizeof(*states));
	void **ws = calloc(n, sizeof(*ws));
	if (!states || !ws) {
		free(states);
		free(ws);
		return &vms_enomem;
	}
	// Without @workers the walk's threads decode and the calling thread
	// reverse-maps, with one set of caches.  With them each thread also
	// reverse-maps its own chunks, with its own context and caches, and
	// hands the caller's worker state each result: nothing but the
	// caller's output crosses threads.  A worker whose context cannot be
	// made leaves its chunks to the calling thread.
	for (unsigned i = 0; i < n; i++) {
		states[i].kinds = kinds;
		states[i].pool = &pool;
		if (workers && (states[i].rm = worker_rmap(rm, &states[i].prog))) {
			states[i].workers = workers;
			if (!(states[i].wstate = workers->state_new(arg, i))) {
				linux_rmap_destroy(states[i].rm);
				program_destroy(states[i].prog);
				states[i].rm = NULL;
				states[i].prog = NULL;
			}
		}
		ws[i] = &states[i];
	}
	w.nthreads = n;
	w.wstate = ws;
	rm->caching = true;
	struct vms_error *err = linux_memmap_walk(rm->vm->prog, rm->memmap, &w);
	rm->caching = false;
	if (!err && !d.err && d.deferred.nr) {
		struct linux_rmap **helpers = calloc(n, sizeof(*helpers));
		for (unsigned i = 0; helpers && i < n; i++)
			if (states[i].rm)
				helpers[d.nhelpers++] = states[i].rm;
		d.helpers = helpers;
		d.err = scan_deferred(&d);
		free(helpers);
	}
	free(d.deferred.pages);
	linux_rmap_result_deinit(&d.own);
	for (unsigned i = 0; i < n; i++) {
		free(states[i].cur.pages);
		vms_error_destroy(states[i].err);
		linux_rmap_result_deinit(&states[i].res);
		if (states[i].wstate)
			workers->state_free(arg, states[i].wstate);
		linux_rmap_destroy(states[i].rm);
		program_destroy(states[i].prog);
	}
	free(states);
	free(ws);
	for (size_t i = 0; i < pool.nr; i++)
		free(pool.free[i].pages);
	if (!err)
		err = d.err;
	else
		vms_error_destroy(d.err);
	if (!err) {
		*nr_ret = d.nr;
		if (unknown_ret)
			memcpy(unknown_ret, w.unknown, sizeof(w.unknown));
	}
	return err;
}
