// SPDX-License-Identifier: GPL-3.0-or-later
/* rmap: who maps this page, by the kernel's own reverse map */
#include "cli/cli.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "linux/page.h"
#include "linux/memmap.h"
#include "linux/rmap.h"
#include "linux/task.h"

static const char *level_name(enum linux_pt_level l)
{
	switch (l) {
	case LINUX_PT_PTE:
		return "pte";
	case LINUX_PT_PMD:
		return "pmd";
	case LINUX_PT_PUD:
		return "pud";
	default:
		return "none";
	}
}

/* One row per (process, mapping); an mm without a task gives one row
 * with pid -1. */
static void add_mappings(struct linux_vm *vm, const struct linux_rmap_result *r, struct vms_value *arr)
{
	for (size_t i = 0; i < r->nr_hits; i++) {
		const struct linux_rmap_hit *h = &r->hits[i];
		const struct linux_mm_owners *o = linux_mm_owners(vm, h->mm);
		for (size_t j = 0; j < (o->nr ? o->nr : 1); j++) {
			struct vms_value *m = value_push(arr, value_object());
			value_set_int(m, "pid", o->nr ? o->procs[j]->tgid : -1);
			value_set_str(m, "comm", o->nr ? o->procs[j]->comm : "");
			if (o->nr && o->procs[j]->exiting)
				value_set_bool(m, "exiting", true);
			value_set_hex(m, "mm", h->mm);
			value_set_hex(m, "vma", h->vma.addr);
			value_set_hex(m, "vm_start", h->vma.start);
			value_set_hex(m, "vm_end", h->vma.end);
			value_set_hex(m, "vm_flags", h->vma.flags);
			value_set_hex(m, "vaddr", h->vaddr);
			value_set_hex(m, "via", h->via);
			value_set_str(m, "map", level_name(h->pt.level));
			value_set_hex(m, "entry", h->pt.entry);
			value_set_bool(m, "confirmed", h->confirmed);
			if (h->error)
				value_set_str(m, "error", h->error);
			else if (!h->confirmed)
				value_set_str(m, "why", !h->pt.present ? "not present in the page table"
									 : "the page table maps another page");
		}
	}
}

static const char *kind_name(int kind)
{
	return linux_mapping_kind_name((unsigned)kind);
}

static struct vms_value *result_value(struct linux_vm *vm, const struct linux_rmap_result *r)
{
	struct vms_value *v = value_object();
	const struct linux_page_info *pi = &r->page;
	value_set_hex(v, "pfn", r->pfn);
	value_set_hex(v, "page", pi->page);
	value_set_str(v, "kind", kind_name(r->kind));
	value_set_hex(v, "mapping", pi->mapping);
	if (pi->head_pfn != pi->pfn || (pi->bits & LINUX_PAGE_HEAD)) {
		value_set_hex(v, "head_pfn", pi->head_pfn);
		value_set_uint(v, "order", pi->order);
	}
	if (pi->bits & LINUX_PAGE_THP)
		value_set_bool(v, "thp", true);
	if (pi->bits & LINUX_PAGE_HUGETLB)
		value_set_bool(v, "hugetlb", true);
	if (r->anon_vma) {
		value_set_hex(v, "anon_vma", r->anon_vma);
		value_set_hex(v, "anon_vma_root", r->anon_vma_root);
	}
	if (r->address_space)
		value_set_hex(v, "address_space", r->address_space);
	if (r->stable_node)
		value_set_hex(v, "stable_node", r->stable_node);
	if (r->kind != LINUX_MAPPING_KSM && (r->anon_vma || r->address_space)) {
		value_set_hex(v, "index", r->head_index);
		value_set_hex(v, "pgoff", r->pgoff);
	}
	add_mappings(vm, r, value_set(v, "mappings", value_array()));
	value_set_str(v, "found_by", r->scanned ? "page-table scan" : "reverse map");
	if (r->no_mapcount)
		value_set_bool(v, "zero_page", true);
	value_set_uint(v, "candidates", r->candidates);
	value_set_uint(v, "confirmed", r->confirmed);
	value_set_int(v, "mapcount", pi->mapcount);
	if (r->note)
		value_set_str(v, "note", r->note);
	if (r->nr_errors) {
		struct vms_value *e = value_set(v, "errors", value_array());
		for (size_t i = 0; i < r->nr_errors; i++)
			value_push(e, value_string(r->errors[i]));
	}
	bool incomplete = r->nr_errors;
	for (size_t i = 0; i < r->nr_hits; i++)
		incomplete |= r->hits[i].error != NULL;
	if ((int64_t)r->confirmed != pi->mapcount && !r->no_mapcount)
		value_set_str(v, "warning",
			      incomplete ? "confirmed mappings differ from the mapcount (walk incomplete)"
					   : "confirmed mappings differ from the page's mapcount");
	return v;
}

static void rmap_text(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out)
{
	(void)ctx;
	strbuf_addf(out, "PFN: 0x%" PRIx64 "  PAGE: %" PRIx64 "  %s", value_get(v, "pfn")->u,
		    value_get(v, "page")->u, value_get(v, "kind")->s);
	const struct vms_value *x;
	if ((x = value_get(v, "anon_vma")))
		strbuf_addf(out, "  ANON_VMA: %" PRIx64 " (root %" PRIx64 ")", x->u,
			    value_get(v, "anon_vma_root")->u);
	if ((x = value_get(v, "address_space")))
		strbuf_addf(out, "  MAPPING: %" PRIx64, x->u);
	if ((x = value_get(v, "stable_node")))
		strbuf_addf(out, "  STABLE_NODE: %" PRIx64, x->u);
	if ((x = value_get(v, "pgoff")))
		strbuf_addf(out, "  PGOFF: 0x%" PRIx64, x->u);
	strbuf_addch(out, '\n');
	if ((x = value_get(v, "head_pfn")))
		strbuf_addf(out, "FOLIO: head pfn 0x%" PRIx64 ", order %" PRIu64 "%s%s\n", x->u,
			    value_get(v, "order")->u, value_get(v, "thp") ? ", THP" : "",
			    value_get(v, "hugetlb") ? ", hugetlb" : "");
	const struct vms_value *maps = value_get(v, "mappings");
	if (maps->array.len)
		strbuf_addf(out, "%7s %-16s %16s %25s %8s %16s %4s %16s %s\n", "PID", "COMM", "MM",
			    "VMA RANGE", "FLAGS", "VADDR", "MAP", "ENTRY", "CONFIRMED");
	for (size_t i = 0; i < maps->array.len; i++) {
		const struct vms_value *m = maps->array.items[i];
		char range[64];
		snprintf(range, sizeof(range), "%" PRIx64 "-%" PRIx64, value_get(m, "vm_start")->u,
			 value_get(m, "vm_end")->u);
		const struct vms_value *err = value_get(m, "error");
		strbuf_addf(out, "%7" PRId64 " %-16s %16" PRIx64 " %25s %8" PRIx64 " %16" PRIx64 " %4s %16" PRIx64
			    " %s\n",
			    value_get(m, "pid")->i, value_get(m, "comm")->s, value_get(m, "mm")->u, range,
			    value_get(m, "vm_flags")->u, value_get(m, "vaddr")->u, value_get(m, "map")->s,
			    value_get(m, "entry")->u,
			    err ? err->s : value_get(m, "confirmed")->b ? "yes" : "no");
	}
	strbuf_addf(out, "candidates: %" PRIu64 "  confirmed: %" PRIu64 "  mapcount: %" PRId64 "\n",
		    value_get(v, "candidates")->u, value_get(v, "confirmed")->u, value_get(v, "mapcount")->i);
	if ((x = value_get(v, "note")))
		strbuf_addf(out, "note: %s\n", x->s);
	if ((x = value_get(v, "owners_unknown")))
		strbuf_addf(out, "pid -1: owner unknown, %s\n", x->s);
	if ((x = value_get(v, "errors")))
		for (size_t i = 0; i < x->array.len; i++)
			strbuf_addf(out, "error: %s\n", x->array.items[i]->s);
	if ((x = value_get(v, "warning")))
		strbuf_addf(out, "WARNING: %s\n", x->s);
}

/* ---- --all ---- */

/* One record per mapped page: pfn -> [(pid, vaddr)]. */
enum { AF_PFN, AF_KIND, AF_MAPCOUNT, AF_CANDIDATES, AF_CONFIRMED, AF_MAPPINGS, AF_SCANNED,
       AF_ZERO_PAGE, AF_ERROR, AF_NR };
enum { AM_PID, AM_VADDR, AM_NR };

static const struct rec_field all_fields[AF_NR] = {
	[AF_PFN] = REC_FIELD("pfn", REC_HEX),
	[AF_KIND] = REC_NAME_FIELD("kind"),
	[AF_MAPCOUNT] = REC_FIELD("mapcount", REC_INT),
	[AF_CANDIDATES] = REC_FIELD("candidates", REC_UINT),
	[AF_CONFIRMED] = REC_FIELD("confirmed", REC_UINT),
	[AF_MAPPINGS] = REC_FIELD("mappings", REC_LIST),
	[AF_SCANNED] = REC_FIELD("scanned", REC_BOOL),
	[AF_ZERO_PAGE] = REC_FIELD("zero_page", REC_BOOL),
	[AF_ERROR] = REC_FIELD("error", REC_STR),
};

static const struct rec_field all_map_fields[AM_NR] = {
	[AM_PID] = REC_FIELD("pid", REC_INT),
	[AM_VADDR] = REC_FIELD("vaddr", REC_HEX),
};

/* "PFN KIND mapcount=N confirmed=N", then " PID:VADDR" per mapping, then
 * " error: ..." and the end of the line. */
static void all_text(struct strbuf *out, const struct rec_row *r)
{
	rec_put_hex(out, rec_get_u(r, AF_PFN));
	strbuf_addch(out, ' ');
	strbuf_addstr(out, rec_get_s(r, AF_KIND));
	strbuf_addstr(out, " mapcount=");
	rec_put_int(out, rec_get_i(r, AF_MAPCOUNT));
	strbuf_addstr(out, " confirmed=");
	rec_put_uint(out, rec_get_u(r, AF_CONFIRMED));
}

static void all_text_close(struct strbuf *out, const struct rec_row *r)
{
	if (rec_has(r, AF_ERROR)) {
		strbuf_addstr(out, " error: ");
		strbuf_addstr(out, rec_get_s(r, AF_ERROR));
	}
	strbuf_addch(out, '\n');
}

static void all_map_text(struct strbuf *out, const struct rec_row *r)
{
	strbuf_addch(out, ' ');
	rec_put_int(out, rec_get_i(r, AM_PID));
	strbuf_addch(out, ':');
	rec_put_hex(out, rec_get_u(r, AM_VADDR));
}

static const struct rec_schema all_schema = {
	all_fields, AF_NR, NULL, 0, false, all_text, all_text_close,
};
static const struct rec_schema all_map_schema = {
	all_map_fields, AM_NR, NULL, 0, false, all_map_text, NULL,
};

/* Output buffers of the workers, back from the calling thread to be filled
 * again (freeing them cost a page fault per page to map them again).  They
 * are made in memory that may take huge pages (strbuf_reserve_huge()), at
 * least OUT_BUF bytes: a chunk of 4096 pages mapped five times each is
 * 1.3 MiB of JSON, and the buffers in flight (the walk's window) touched
 * 2,000 pages of 4 KiB anew in rmap --all -j on the 4 GiB bench dump, a
 * tenth of its time. */
#define OUT_POOL 16
#define OUT_BUF ((size_t)2 << 20)
struct out_pool {
	pthread_mutex_t lock;
	struct strbuf *free[OUT_POOL];
	size_t nr;
};

struct all_ctx {
	struct out_pool *pool;
	struct cli_ctx *ctx;
	struct linux_rmap *rm;
	uint64_t shared_by[65];  // pages mapped by N processes (64: 64 or more)
	uint64_t pages, confirmed_pages, mismatches, with_errors, mappings;
	bool summary_only;
	struct rec_writer w;
	struct rec_row row, map;
	// the owners of the last page's first hits, by hit: the next page's
	// hits are most often in the same mms, in the same order
	uint64_t owner_mm[16];
	const struct linux_mm_owners *owner[16];
	// the mapping items waiting to be written: pid, vaddr
	union rec_slot items[2 * 64];
};

/* Count @r and write its row (@vm: for the tasks of its mms). */
static void all_row(struct all_ctx *a, struct linux_vm *vm, const struct linux_rmap_result *r)
{
	a->pages++;
	if (r->confirmed)
		a->confirmed_pages++;
	if ((int64_t)r->confirmed != r->page.mapcount && !r->no_mapcount)
		a->mismatches++;
	const char *error = r->nr_errors ? r->errors[0] : NULL;
	for (size_t i = 0; i < r->nr_hits && !error; i++)
		error = r->hits[i].error;
	if (error)
		a->with_errors++;
	a->mappings += r->confirmed;
	// processes mapping the page (the owners of the first hits kept for
	// the items below: one lookup each)
	enum { KEEP = sizeof(a->owner) / sizeof(a->owner[0]) };
	const struct linux_mm_owners **owners = a->owner;
	size_t procs = 0;
	for (size_t i = 0; i < r->nr_hits; i++)
		if (r->hits[i].confirmed) {
			uint64_t mm = r->hits[i].mm;
			const struct linux_mm_owners *o;
			if (i >= KEEP) {
				o = linux_mm_owners(vm, mm);
			} else if (a->owner[i] && a->owner_mm[i] == mm) {
				o = a->owner[i];
			} else {
				o = a->owner[i] = linux_mm_owners(vm, mm);
				a->owner_mm[i] = mm;
			}
			procs += o->nr ? o->nr : 1;
		}
	a->shared_by[procs < 64 ? procs : 64]++;
	if (a->summary_only)
		return;
	struct rec_row *row = &a->row;
	rec_row_reset(row);
	rec_hex(row, AF_PFN, r->pfn);
	rec_str(row, AF_KIND, kind_name(r->kind));
	rec_int(row, AF_MAPCOUNT, r->page.mapcount);
	rec_uint(row, AF_CANDIDATES, r->candidates);
	rec_uint(row, AF_CONFIRMED, r->confirmed);
	if (r->scanned)
		rec_bool(row, AF_SCANNED, true);
	if (r->no_mapcount)
		rec_bool(row, AF_ZERO_PAGE, true);
	if (error)
		rec_str(row, AF_ERROR, error);
	rec_open(&a->w, row, AF_MAPPINGS);
	// One item per (process, confirmed mapping); an mm without a task
	// gives one with pid -1.  Items go out in runs (rec_write_items()).
	enum { RUN = sizeof(a->items) / sizeof(a->items[0]) / 2 };
	rec_int(&a->map, AM_PID, 0);
	rec_hex(&a->map, AM_VADDR, 0);
	size_t n = 0;
	for (size_t i = 0; i < r->nr_hits; i++) {
		const struct linux_rmap_hit *h = &r->hits[i];
		if (!h->confirmed)
			continue;
		const struct linux_mm_owners *o = i < KEEP ? owners[i] : linux_mm_owners(vm, h->mm);
		for (size_t j = 0; j < (o->nr ? o->nr : 1); j++) {
			if (n == RUN) {
				rec_write_items(&a->w, &a->map, a->items, n);
				n = 0;
			}
			a->items[2 * n].i = o->nr ? o->procs[j]->tgid : -1;
			a->items[2 * n + 1].u = h->vaddr;
			n++;
		}
	}
	rec_write_items(&a->w, &a->map, a->items, n);
	rec_close(&a->w);
}

VMS_MUST_CHECK static struct vms_error *all_cb(void *arg, const struct linux_rmap_result *r)
{
	struct all_ctx *a = arg;
	all_row(a, a->rm->vm, r);
	if (!cli_flush_some(a->ctx))
		return program_check_cancel();
	return NULL;
}

/* Each worker counts and writes its rows into its own buffer;
 * the buffers are written out in order and the counts added at the end. */
struct all_worker {
	// the workers' states are allocated one after another, and each
	// thread writes its own on every page: no cache line shared
	VMS_CACHELINE_HEAD;
	struct all_ctx a;
	struct strbuf out;
	VMS_CACHELINE_PAD;
};

static void *all_worker_new(void *arg, unsigned i)
{
	(void)i;
	const struct all_ctx *main = arg;
	struct all_worker *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->a.summary_only = main->summary_only;
	w->a.pool = main->pool;
	strbuf_init(&w->out);
	if (!strbuf_reserve_huge(&w->out, OUT_BUF)) {
		free(w);
		return NULL;
	}
	w->a.w = main->w;  // the mode and --fields
	w->a.w.out = &w->out;
	w->a.w.header_pending = false;
	rec_row_init(&w->a.row, &all_schema);
	rec_row_init(&w->a.map, &all_map_schema);
	return w;
}

static void all_worker_free(void *arg, void *ws)
{
	struct all_ctx *a = arg;
	struct all_worker *w = ws;
	a->pages += w->a.pages;
	a->confirmed_pages += w->a.confirmed_pages;
	a->mismatches += w->a.mismatches;
	a->with_errors += w->a.with_errors;
	a->mappings += w->a.mappings;
	for (int i = 0; i <= 64; i++)
		a->shared_by[i] += w->a.shared_by[i];
	rec_row_deinit(&w->a.row);
	rec_row_deinit(&w->a.map);
	strbuf_release(&w->out);
	free(w);
}

VMS_MUST_CHECK static struct vms_error *all_worker_page(void *ws, struct linux_rmap *wrm, const struct linux_rmap_result *r)
{
	struct all_worker *w = ws;
	all_row(&w->a, wrm->vm, r);
	return NULL;
}

static void *all_worker_chunk_done(void *ws)
{
	struct all_worker *w = ws;
	struct out_pool *pool = w->a.pool;
	struct strbuf *out = NULL;
	// Nothing written (free memory, or --summary): the worker keeps its
	// buffer.  Swapping it for another anyway had the window of chunks
	// waiting for delivery hold a buffer each.
	if (!w->out.len && !strbuf_failed(&w->out))
		return NULL;
	pthread_mutex_lock(&pool->lock);
	if (pool->nr)
		out = pool->free[--pool->nr];
	pthread_mutex_unlock(&pool->lock);
	if (!out) {
		if (!(out = malloc(sizeof(*out)))) {
			strbuf_set_failed(&w->out);
			return NULL;
		}
		strbuf_init(out);
	}
	// the chunk's rows go; the worker goes on in the empty buffer, made as
	// large as this chunk's rows at once (growing it row by row copied it
	// on each doubling)
	struct strbuf t = *out;
	*out = w->out;
	w->out = t;
	strbuf_reset(&w->out);
	size_t want = out->len > OUT_BUF ? out->len + out->len / 4 : OUT_BUF;
	if (w->out.alloc < want) {
		strbuf_release(&w->out);  // nothing in it to keep
		if (!strbuf_reserve_huge(&w->out, want)) {
			// failed: the next chunk says so on delivery
		}
	}
	return out;
}

VMS_MUST_CHECK static struct vms_error *all_worker_deliver(void *arg, void *o, bool discard)
{
	struct all_ctx *a = arg;
	struct strbuf *out = o;
	struct vms_error *err = NULL;
	if (strbuf_failed(out))
		err = &vms_enomem;
	else if (!discard && out->len && !cli_write(a->ctx, out->buf, out->len))
		err = program_check_cancel();
	strbuf_reset(out);
	pthread_mutex_lock(&a->pool->lock);
	bool kept = a->pool->nr < OUT_POOL;
	if (kept)
		a->pool->free[a->pool->nr++] = out;
	pthread_mutex_unlock(&a->pool->lock);
	if (!kept) {
		strbuf_release(out);
		free(out);
	}
	return err;
}

static const struct linux_rmap_workers all_workers = {
	.state_new = all_worker_new,
	.state_free = all_worker_free,
	.page = all_worker_page,
	.chunk_done = all_worker_chunk_done,
	.deliver = all_worker_deliver,
};

static void summary_text(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out)
{
	(void)ctx;
	const struct vms_value *s = value_get(v, "summary");
	strbuf_addf(out, "pages: %" PRIu64 "  confirmed mappings: %" PRIu64
		    "  pages whose confirmed count differs from mapcount: %" PRIu64
		    "  pages with walk errors: %" PRIu64 "\n",
		    value_get(s, "pages")->u, value_get(s, "mappings")->u, value_get(s, "mismatches")->u,
		    value_get(s, "with_errors")->u);
	const struct vms_value *u = value_get(s, "unknown");
	uint64_t nu = 0;
	for (size_t i = 0; i < u->object.len; i++)
		if (strcmp(u->object.pairs[i].key, "hole") != 0)
			nu += u->object.pairs[i].value->u;
	if (nu) {
		strbuf_addf(out, "%" PRIu64 " struct pages could not be read, their mappings are not here:", nu);
		for (size_t i = 0; i < u->object.len; i++)
			if (strcmp(u->object.pairs[i].key, "hole") != 0 && u->object.pairs[i].value->u)
				strbuf_addf(out, " %" PRIu64 " %s", u->object.pairs[i].value->u,
					    u->object.pairs[i].key);
		strbuf_addch(out, '\n');
	}
	strbuf_addf(out, "time: %.3f s  (%.0f pages/s)\n", value_get(s, "seconds")->d,
		    value_get(s, "pages_per_second")->d);
	const struct vms_value *sb = value_get(s, "shared_by");
	strbuf_addstr(out, "processes  pages\n");
	for (size_t i = 0; i < sb->object.len; i++)
		strbuf_addf(out, "%9s  %" PRIu64 "\n", sb->object.pairs[i].key, sb->object.pairs[i].value->u);
}

VMS_MUST_CHECK static struct vms_error *rmap_all(struct cli_ctx *ctx, struct linux_rmap *rm, unsigned kinds,
						 bool summary_only, bool parallel)
{
	struct out_pool pool = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct all_ctx a = {.ctx = ctx, .rm = rm, .summary_only = summary_only, .pool = &pool};
	cli_writer(ctx, &a.w);
	rec_row_init(&a.row, &all_schema);
	rec_row_init(&a.map, &all_map_schema);
	uint64_t n;
	double t0 = vms_now();
	uint64_t unknown[LINUX_UNKNOWN_NR];
	struct vms_error *err = linux_rmap_all(rm, kinds, all_cb, &a, parallel ? &all_workers : NULL, &n, unknown);
	double dt = vms_now() - t0;
	rec_row_deinit(&a.row);
	rec_row_deinit(&a.map);
	for (size_t i = 0; i < pool.nr; i++) {
		strbuf_release(pool.free[i]);
		free(pool.free[i]);
	}
	if (err)
		return err;
	struct vms_value *v = value_object();
	struct vms_value *s = value_set(v, "summary", value_object());
	value_set_uint(s, "pages", a.pages);
	value_set_uint(s, "pages_confirmed", a.confirmed_pages);
	value_set_uint(s, "mappings", a.mappings);
	value_set_uint(s, "mismatches", a.mismatches);
	value_set_uint(s, "with_errors", a.with_errors);
	value_set(s, "seconds", value_double(dt));
	value_set(s, "pages_per_second", value_double(dt > 0 ? a.pages / dt : 0));
	struct vms_value *sb = value_set(s, "shared_by", value_object());
	for (int i = 0; i <= 64; i++)
		if (a.shared_by[i]) {
			char key[16];
			snprintf(key, sizeof(key), i == 64 ? "%d+" : "%d", i);
			value_set_uint(sb, key, a.shared_by[i]);
		}
	// PFNs whose struct page could not be read: their mappings are missing.
	struct vms_value *u = value_set(s, "unknown", value_object());
	for (unsigned r = 0; r < LINUX_UNKNOWN_NR; r++) {
		value_set_uint(u, linux_memmap_unknown_name(r), unknown[r]);
		if (r != LINUX_UNKNOWN_HOLE && unknown[r])
			cli_partial(ctx, "%" PRIu64 " struct pages could not be read (%s)", unknown[r],
				    linux_memmap_unknown_name(r));
	}
	// A memory map that could not be found whole (pagestat says the same):
	// the pages it lacks are not in "unknown", and may be all of them.
	if (rm->memmap->note) {
		value_set_str(s, "memmap_note", rm->memmap->note);
		cli_partial(ctx, "memory map: %s", rm->memmap->note);
	}
	// Disagreements are data, not failures; walk errors make it partial.
	if (a.with_errors)
		cli_partial(ctx, "%" PRIu64 " pages with errors (see their \"errors\")",
			    (uint64_t)a.with_errors);
	cli_emit_record(ctx, v, summary_text);
	return NULL;
}

#define USAGE \
	"usage: rmap [--scan] PFN | -a ADDR | -p PADDR | --all [--anon|--file|--ksm|--other] [--summary] [--serial]"

VMS_MUST_CHECK static struct vms_error *cmd_rmap(struct cli_ctx *ctx, int argc, char **argv)
{
	struct vms_error *err;
	bool all = false, summary_only = false, scan = false, serial = false;
	unsigned kinds = 0;
	const char *pfn_arg = NULL, *addr_arg = NULL, *paddr_arg = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--all") == 0)
			all = true;
		else if (strcmp(argv[i], "--anon") == 0)
			kinds |= LINUX_RMAP_ANON;
		else if (strcmp(argv[i], "--file") == 0)
			kinds |= LINUX_RMAP_FILE;
		else if (strcmp(argv[i], "--ksm") == 0)
			kinds |= LINUX_RMAP_KSM;
		else if (strcmp(argv[i], "--other") == 0)
			kinds |= LINUX_RMAP_OTHER;
		else if (strcmp(argv[i], "--summary") == 0)
			summary_only = true;
		else if (strcmp(argv[i], "--scan") == 0)
			scan = true;
		else if (strcmp(argv[i], "--parallel") == 0)
			serial = false;  // the default; accepted as before
		else if (strcmp(argv[i], "--serial") == 0)
			serial = true;
		else if (strcmp(argv[i], "-a") == 0 && i + 1 < argc)
			addr_arg = argv[++i];
		else if (strcmp(argv[i], "-p") == 0 && i + 1 < argc)
			paddr_arg = argv[++i];
		else if (argv[i][0] != '-' && !pfn_arg)
			pfn_arg = argv[i];
		else
			return vms_error_create(VMS_ERR_INVALID, USAGE);
	}
	if (all == !!(pfn_arg || addr_arg || paddr_arg) || (pfn_arg && (addr_arg || paddr_arg)) ||
	    (all && scan) || (serial && !all))
		return vms_error_create(VMS_ERR_INVALID, USAGE);
	struct linux_rmap *rm;
	if ((err = linux_rmap_create(ctx->prog, &rm)))
		return err;
	if (all) {
		err = rmap_all(ctx, rm,
			       kinds ? kinds : LINUX_RMAP_ANON | LINUX_RMAP_FILE | LINUX_RMAP_KSM | LINUX_RMAP_OTHER,
			       summary_only, !serial);
		linux_rmap_destroy(rm);
		return err;
	}
	uint64_t pfn = 0;
	if (pfn_arg) {
		err = cli_parse_u64(ctx, pfn_arg, false, false, &pfn);
	} else if (paddr_arg) {
		err = cli_parse_u64(ctx, paddr_arg, true, false, &pfn);
		pfn >>= program_page_shift(ctx->prog);
	} else {
		// A struct page address names its own page; any other kernel
		// address is translated.
		uint64_t addr, paddr;
		err = cli_parse_u64(ctx, addr_arg, true, true, &addr);
		if (!err && (err = linux_page_to_pfn(ctx->prog, addr, &pfn)) == NULL &&
		    pfn >= rm->memmap->end_pfn)
			err = vms_error_create(VMS_ERR_INVALID, "not a struct page");
		if (err) {
			vms_error_destroy(err);
			err = program_vtop(ctx->prog, addr, &paddr);
			if (!err)
				pfn = paddr >> program_page_shift(ctx->prog);
		}
	}
	struct linux_rmap_result r;
	if (!err)
		err = scan ? linux_rmap_scan(rm, pfn, &r) : linux_rmap_pfn(rm, pfn, &r);
	if (err) {
		linux_rmap_destroy(rm);
		return err;
	}
	struct vms_value *v = result_value(rm->vm, &r);
	if (r.nr_errors)
		cli_partial(ctx, "%s", r.errors[0] ? r.errors[0] : "the reverse map walk met errors");
	bool ownerless = false;
	for (size_t i = 0; i < r.nr_hits; i++) {
		if (r.hits[i].error)  // a candidate the page tables could not check
			cli_partial(ctx, "%s", r.hits[i].error);
		if (!linux_mm_owners(rm->vm, r.hits[i].mm)->nr)
			ownerless = true;
	}
	// An mm no task owns: normal for an exiting mm, but when the task list
	// itself could not be read whole, its owner may be among the tasks
	// the dump lost.  Say so, and the answer is partial.
	const struct vms_error *te = linux_vm_tasks_error(rm->vm);
	if (ownerless && te) {
		value_set(v, "owners_unknown", value_stringf("the task list is incomplete: %s", te->message));
		cli_partial(ctx, "the task list is incomplete: %s", te->message);
	}
	linux_rmap_result_deinit(&r);
	linux_rmap_destroy(rm);
	cli_emit(ctx, v, rmap_text);
	return NULL;
}

const struct cli_command cli_cmd_rmap = {
	.name = "rmap",
	.usage = "[--scan] PFN | -a ADDR | -p PADDR | --all [--anon|--file|--ksm|--other] [--summary] [--serial]",
	.summary = "reverse-map a page: every task, VMA and address that maps it",
	.help = "Follows the kernel's reverse map (anon_vma interval tree, i_mmap, KSM stable\n"
		"node) from the page, computes each candidate address like vma_address() and\n"
		"confirms it in the mm's page tables (PTE or huge PMD).  Prints the candidate\n"
		"count, the confirmed count and the page's mapcount, and warns when they differ.\n"
		"-a takes a struct page address or a kernel virtual address, -p a physical one.\n"
		"A mapped page without a reverse map (the zero page, [vdso] and driver pages) is\n"
		"found by a forward scan of every task's page tables, VMA by VMA; --scan forces\n"
		"that scan for any page.  The zero page has no mapcount: no warning for it.\n"
		"--all reverse-maps every mapped page (NDJSON rows pfn -> [(pid, vaddr)] with -j)\n"
		"and ends with a summary of pages shared by N processes; --summary prints only it.\n"
		"--anon, --file, --ksm, --other (no reverse map: one scan at the end, so those\n"
		"rows come last) choose the pages; all by default.  Each thread of the walk\n"
		"reverse-maps the pages it decodes, with its own caches, and writes their rows;\n"
		"--serial reverse-maps them all on one thread, with one set of caches.",
	.needs_program = true,
	.run = cmd_rmap,
};
