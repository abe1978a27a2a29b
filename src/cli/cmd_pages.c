// SPDX-License-Identifier: GPL-3.0-or-later
/* pages, pagestat: the whole memory map, filtered or summarized */
#include "cli/cli.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "base/vector.h"
#include "cli/page_record.h"
#include "linux/kpf.h"
#include "linux/memmap.h"
#include "linux/pagedecode.h"
#include "linux/pagestat.h"

/* ---- flag expressions ---- */

#define MAX_TERMS 32

struct flag_term {
	uint64_t flags_set, flags_clear;  // page->flags bits that must be set / clear
	uint64_t kpf_set, kpf_clear;      // KPF bits that must be set / clear
};

struct flag_expr {
	bool exact;
	uint64_t exact_flags, exact_mask;
	struct flag_term pos[MAX_TERMS];  // any of these (when there are any)
	size_t npos;
	struct flag_term neg;             // all of these
};

static int kpf_bit(const char *name)
{
	if (strcmp(name, "anon") == 0)
		name = "anonymous";
	else if (strcmp(name, "zero") == 0)
		name = "zero_page";
	else if (strcmp(name, "head") == 0)
		name = "compound_head";
	else if (strcmp(name, "tail") == 0)
		name = "compound_tail";
	for (unsigned b = 0; b < 64; b++)
		if (linux_kpf_name(b) && strcmp(linux_kpf_name(b), name) == 0)
			return (int)b;
	return -1;
}

/* One name, possibly negated, into @t. */
VMS_MUST_CHECK static struct vms_error *add_name(const struct linux_page_layout *l, const char *name,
				  struct flag_term *t, bool kpf_allowed)
{
	bool neg = *name == '!' || *name == '~';
	if (neg)
		name++;
	int b = linux_page_flag_bit(l, name);
	if (b >= 0) {
		*(neg ? &t->flags_clear : &t->flags_set) |= UINT64_C(1) << b;
		return NULL;
	}
	b = kpf_allowed ? kpf_bit(name) : -1;
	if (b >= 0) {
		*(neg ? &t->kpf_clear : &t->kpf_set) |= UINT64_C(1) << b;
		return NULL;
	}
	return vms_error_create(VMS_ERR_INVALID, "unknown page flag '%s'", name);
}

VMS_MUST_CHECK static struct vms_error *parse_flags(const struct linux_page_layout *l, const char *s,
				     struct flag_expr *e)
{
	memset(e, 0, sizeof(*e));
	if (*s == '=') {
		e->exact = true;
		s++;
	}
	char *copy = strdup(s);
	if (!copy)
		return &vms_enomem;
	struct vms_error *err = NULL;
	char *save;
	for (char *tok = strtok_r(copy, ",", &save); tok && !err; tok = strtok_r(NULL, ",", &save)) {
		if (e->exact) {
			struct flag_term t = { 0 };
			err = add_name(l, tok, &t, false);
			e->exact_flags |= t.flags_set;
			continue;
		}
		if (!strchr(tok, '+') && (*tok == '!' || *tok == '~')) {
			err = add_name(l, tok, &e->neg, true);
			continue;
		}
		if (e->npos == MAX_TERMS) {
			err = vms_error_create(VMS_ERR_INVALID, "too many terms in '%s'", s);
			break;
		}
		struct flag_term *t = &e->pos[e->npos++];
		char *save2;
		for (char *n = strtok_r(tok, "+", &save2); n && !err; n = strtok_r(NULL, "+", &save2))
			err = add_name(l, n, t, true);
	}
	free(copy);
	unsigned nflags = l->nr_pageflags ? l->nr_pageflags : 64;
	e->exact_mask = nflags >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << nflags) - 1;
	return err;
}

static bool term_ok(const struct flag_term *t, const struct linux_page_info *pi)
{
	return (pi->flags & t->flags_set) == t->flags_set && !(pi->flags & t->flags_clear) &&
	       (pi->kpf & t->kpf_set) == t->kpf_set && !(pi->kpf & t->kpf_clear);
}

static bool expr_match(const struct flag_expr *e, const struct linux_page_info *pi)
{
	if (e->exact)
		return (pi->flags & e->exact_mask) == e->exact_flags;
	if (!term_ok(&e->neg, pi))
		return false;
	if (!e->npos)
		return true;
	for (size_t i = 0; i < e->npos; i++)
		if (term_ok(&e->pos[i], pi))
			return true;
	return false;
}

/* ---- options shared by pages and pagestat ---- */

struct page_filter {
	const struct linux_page_layout *l;
	uint64_t start, end;  // end 0: all
	bool has_flags;
	struct flag_expr flags;
	int use;              // -1: any
	int mapping;          // -1: any; LINUX_MAPPING_ANON matches KSM too
	int order;            // -1: any
	uint64_t limit;       // 0: none
	bool kpf;
	unsigned threads;
	uint64_t batch;       // --batch: PFNs per chunk of the walk (0: default)
	bool zerocopy;        // --zerocopy
	char *fields;         // --fields: only these keys (comma-separated)
};

VMS_MUST_CHECK static struct vms_error *parse_range(struct cli_ctx *ctx, const char *s, uint64_t *a, uint64_t *b)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", s);
	char *dash = strchr(buf, '-');
	if (!dash)
		return vms_error_create(VMS_ERR_INVALID, "--range wants FIRST-END, got '%s'", s);
	*dash = '\0';
	struct vms_error *err = cli_parse_u64(ctx, buf, false, false, a);
	if (!err && dash[1])
		err = cli_parse_u64(ctx, dash + 1, false, false, b);
	else if (!err)
		*b = 0;
	if (!err && *b && *b <= *a)
		err = vms_error_create(VMS_ERR_INVALID, "empty --range '%s'", s);
	return err;
}

VMS_MUST_CHECK static struct vms_error *parse_filter(struct cli_ctx *ctx, int argc, char **argv,
				      struct page_filter *f, bool stat)
{
	f->use = f->mapping = f->order = -1;
	struct vms_error *err = NULL;
	for (int i = 1; i < argc && !err; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		uint64_t n;
		if (strcmp(a, "--range") == 0 || strcmp(a, "-r") == 0) {
			if (!val)
				goto missing;
			err = parse_range(ctx, val, &f->start, &f->end);
			i++;
		} else if (strcmp(a, "--threads") == 0) {
			if (!val)
				goto missing;
			err = cli_parse_u64(ctx, val, false, false, &n);
			if (!err && (n < 1 || n > 64))
				err = vms_error_create(VMS_ERR_INVALID, "--threads wants 1..64");
			f->threads = (unsigned)n;
			i++;
		} else if (strcmp(a, "--batch") == 0) {
			if (!val)
				goto missing;
			err = cli_parse_u64(ctx, val, false, false, &f->batch);
			if (!err && (f->batch < 64 || f->batch > (1u << 20) || (f->batch & (f->batch - 1))))
				err = vms_error_create(VMS_ERR_INVALID, "--batch wants a power of two, 64..1048576");
			i++;
		} else if (strcmp(a, "--zerocopy") == 0) {
			f->zerocopy = true;
		} else if (stat) {
			err = vms_error_create(VMS_ERR_INVALID, "unknown option '%s'", a);
		} else if (strcmp(a, "--flags") == 0 || strcmp(a, "-f") == 0) {
			if (!val)
				goto missing;
			f->has_flags = true;
			err = parse_flags(f->l, val, &f->flags);
			i++;
		} else if (strcmp(a, "--type") == 0 || strcmp(a, "-t") == 0) {
			if (!val)
				goto missing;
			const char *t = strcmp(val, "buddy") == 0 ? "free" : val;
			for (unsigned u = 0; u < LINUX_USE_NR; u++)
				if (strcmp(linux_page_use_name(u), t) == 0)
					f->use = (int)u;
			if (f->use < 0)
				err = vms_error_create(VMS_ERR_INVALID, "unknown page type '%s' (free, slab, pgtable, "
							"offline, guard, unaccepted, zsmalloc, hugetlb, thp, anon, file, ksm, "
							"movable, reserved, kernel)", val);
			i++;
		} else if (strcmp(a, "--anon") == 0) {
			f->mapping = LINUX_MAPPING_ANON;
		} else if (strcmp(a, "--file") == 0) {
			f->mapping = LINUX_MAPPING_FILE;
		} else if (strcmp(a, "--ksm") == 0) {
			f->mapping = LINUX_MAPPING_KSM;
		} else if (strcmp(a, "--order") == 0) {
			if (!val)
				goto missing;
			err = cli_parse_u64(ctx, val, false, false, &n);
			if (!err && n > 63)
				err = vms_error_create(VMS_ERR_INVALID, "--order wants 0..63");
			f->order = (int)n;
			i++;
		} else if (strcmp(a, "--limit") == 0 || strcmp(a, "-n") == 0) {
			if (!val)
				goto missing;
			err = cli_parse_u64(ctx, val, false, false, &f->limit);
			i++;
		} else if (strcmp(a, "--kpf") == 0) {
			f->kpf = true;
		} else if (strcmp(a, "--fields") == 0) {
			if (!val)
				goto missing;
			free(f->fields);
			f->fields = strdup(val);
			if (!f->fields)
				return &vms_enomem;
			i++;
		} else {
			err = vms_error_create(VMS_ERR_INVALID, "unknown option '%s'", a);
		}
		continue;
missing:
		err = vms_error_create(VMS_ERR_INVALID, "option '%s' needs a value", a);
	}
	return err;
}

static bool filter_match(const struct page_filter *f, const struct linux_page_info *pi)
{
	if (f->use >= 0 && pi->use != f->use)
		return false;
	if (f->mapping >= 0) {
		if (f->mapping == LINUX_MAPPING_ANON
			    ? pi->mapping_kind != LINUX_MAPPING_ANON && pi->mapping_kind != LINUX_MAPPING_KSM
			    : pi->mapping_kind != f->mapping)
			return false;
	}
	if (f->order >= 0 && pi->order != f->order)
		return false;
	if (f->has_flags && !expr_match(&f->flags, pi))
		return false;
	return true;
}

/* ---- pages ---- */

/*
 * The rows are encoded on the walk's workers, each chunk's into its own
 * buffer (struct chunk_out), and written out in PFN order on the calling
 * thread.  Buffers go back to a free list: the walk keeps a bounded window
 * of chunks in flight, so memory stays flat whatever the dump's size.
 */
VMS_DEFINE_VECTOR(size_vector, size_t);

struct chunk_out {
	struct strbuf buf;
	uint64_t rows;
	struct size_vector ends;  // each row's end in buf (with --limit)
	bool oom;
	struct chunk_out *next;   // on the free list
};

struct pages_run {
	struct cli_ctx *ctx;
	const struct page_filter *f;
	const struct rec_schema *schema;
	struct rec_writer w;      // the calling thread's, into the command's output
	uint64_t emitted;
	bool oom;
	bool gone;                // the output went away
	pthread_mutex_t lock;
	struct chunk_out *free;
};

/* Each worker writes its row on every page: padded on both sides
 * (without the head pad, `pages -j` took 141-149 ms instead of 117-123 on
 * the 4 GiB bench dump on some heap layouts). */
struct pages_worker {
	VMS_CACHELINE_HEAD;
	struct pages_run *pr;
	struct rec_row row;
	struct rec_writer w;
	struct chunk_out *cur;
	struct page_record_cache *names;  // NULL: none (out of memory)
	VMS_CACHELINE_PAD;
};

static void chunk_out_destroy(struct chunk_out *co)
{
	if (!co)
		return;
	strbuf_release(&co->buf);
	size_vector_deinit(&co->ends);
	free(co);
}

static struct chunk_out *chunk_out_get(struct pages_run *pr)
{
	pthread_mutex_lock(&pr->lock);
	struct chunk_out *co = pr->free;
	if (co)
		pr->free = co->next;
	pthread_mutex_unlock(&pr->lock);
	if (!co) {
		co = calloc(1, sizeof(*co));
		if (!co)
			return NULL;
		strbuf_init(&co->buf);
	}
	strbuf_reset(&co->buf);
	size_vector_clear(&co->ends);
	co->rows = 0;
	co->oom = false;
	co->next = NULL;
	return co;
}

static void chunk_out_put(struct pages_run *pr, struct chunk_out *co)
{
	pthread_mutex_lock(&pr->lock);
	co->next = pr->free;
	pr->free = co;
	pthread_mutex_unlock(&pr->lock);
}

static void pages_on_page(void *arg, const struct linux_page_info *pi)
{
	struct pages_worker *pw = arg;
	struct pages_run *pr = pw->pr;
	if (!filter_match(pr->f, pi))
		return;
	if (!pw->cur) {
		pw->cur = chunk_out_get(pr);
		if (!pw->cur) {
			pr->oom = true;  // seen by the calling thread after the chunk
			return;
		}
		pw->w.out = &pw->cur->buf;
	}
	struct chunk_out *co = pw->cur;
	page_record_fill(&pw->row, pr->f->l, pi, pw->w.mode == REC_TEXT, pw->names);
	if (rec_row_failed(&pw->row))
		co->oom = true;
	rec_write(&pw->w, &pw->row);
	co->rows++;
	if (pr->f->limit && !size_vector_append(&co->ends, co->buf.len))
		co->oom = true;
}

static void *pages_chunk_done(void *arg)
{
	struct pages_worker *pw = arg;
	void *r = pw->cur;
	pw->cur = NULL;
	return r;
}

static void pages_deliver(void *arg, void *result)
{
	struct pages_run *pr = arg;
	struct chunk_out *co = result;
	if (!co)
		return;
	if (co->oom || strbuf_failed(&co->buf))
		pr->oom = true;
	uint64_t n = co->rows;
	if (pr->f->limit && n > pr->f->limit - pr->emitted)
		n = pr->f->limit - pr->emitted;
	if (!pr->oom && !pr->gone && n) {
		size_t len = n == co->rows ? co->buf.len : co->ends.data[n - 1];
		if (pr->w.header_pending) {
			rec_write_header(&pr->w, pr->schema);
			cli_flush_some(pr->ctx);
		}
		if (!cli_write(pr->ctx, co->buf.buf, len))
			pr->gone = true;
		pr->emitted += n;
	}
	chunk_out_put(pr, co);
}

static bool pages_stop(void *arg)
{
	struct pages_run *pr = arg;
	return pr->oom || pr->gone || (pr->f->limit && pr->emitted >= pr->f->limit);
}

static void unknown_summary(struct vms_value *v, const uint64_t *unknown)
{
	struct vms_value *u = value_set(v, "unknown", value_object());
	for (unsigned r = 0; r < LINUX_UNKNOWN_NR; r++)
		value_set_uint(u, linux_memmap_unknown_name(r), unknown[r]);
}

static void summary_text(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out)
{
	(void)ctx;
	const struct vms_value *u = value_get(v, "unknown");
	uint64_t total = 0;
	for (size_t i = 0; i < u->object.len; i++)
		total += u->object.pairs[i].value->u;
	strbuf_addf(out, "%" PRIu64 " pages matched of %" PRIu64 " decoded in %" PRIu64 " PFNs",
		    value_get(v, "matched")->u, value_get(v, "decoded")->u, value_get(v, "pfns")->u);
	if (total) {
		strbuf_addf(out, "; %" PRIu64 " pages unknown:", total);
		for (size_t i = 0; i < u->object.len; i++)
			if (u->object.pairs[i].value->u)
				strbuf_addf(out, " %" PRIu64 " %s", u->object.pairs[i].value->u,
					    u->object.pairs[i].key);
	}
	if (value_get(v, "stopped")->b)
		strbuf_addstr(out, " (stopped at --limit)");
	strbuf_addch(out, '\n');
	const struct vms_value *note = value_get(v, "memmap_note");
	if (note)
		strbuf_addf(out, "memory map: %s\n", note->s);
}

VMS_MUST_CHECK static struct vms_error *cmd_pages(struct cli_ctx *ctx, int argc, char **argv)
{
	struct page_filter f = { 0 };
	struct vms_error *err = linux_page_layout(ctx->prog, &f.l);
	if (!err)
		err = parse_filter(ctx, argc, argv, &f, false);
	struct linux_memmap *m = NULL;
	if (!err)
		err = linux_memmap_create(ctx->prog, &m);
	if (err)
		return err;
	struct pages_run pr = { .ctx = ctx, .f = &f, .schema = f.kpf ? &page_kpf_schema : &page_schema };
	pthread_mutex_init(&pr.lock, NULL);
	cli_writer(ctx, &pr.w);
	if (f.fields)
		rec_writer_project(&pr.w, pr.schema, f.fields);
	struct linux_memmap_walk w = {
		.start_pfn = f.start, .end_pfn = f.end, .nthreads = f.threads,
		.batch = f.batch, .zerocopy = f.zerocopy,
		.page = pages_on_page, .chunk_done = pages_chunk_done, .deliver = pages_deliver,
		.stop = pages_stop, .arg = &pr, .progress = cli_progress, .progress_arg = ctx,
	};
	unsigned n = linux_memmap_walk_threads(&w);
	w.nthreads = n;
	struct pages_worker *pw = calloc(n, sizeof(*pw));
	void **states = calloc(n, sizeof(*states));
	if (!pw || !states) {
		err = &vms_enomem;
		goto out;
	}
	for (unsigned i = 0; i < n; i++) {
		pw[i].pr = &pr;
		rec_row_init(&pw[i].row, pr.schema);
		pw[i].names = calloc(1, sizeof(*pw[i].names));
		pw[i].w = pr.w;  // mode and --fields; the header is the caller's
		pw[i].w.header_pending = false;
		states[i] = &pw[i];
	}
	w.wstate = states;
	err = linux_memmap_walk(ctx->prog, m, &w);
	if (!err && pr.oom)
		err = &vms_enomem;
	if (err)
		goto out;
	// The summary: a last NDJSON record in JSON mode, a line after the
	// table in text.
	struct vms_value *v = value_object();
	value_set_str(v, "summary", "pages");
	value_set_uint(v, "matched", pr.emitted);
	value_set_uint(v, "decoded", w.pages_decoded);
	value_set_uint(v, "pfns", w.pfns_covered);
	value_set_bool(v, "stopped", w.stopped);
	unknown_summary(v, w.unknown);
	uint64_t unknown = 0;
	for (unsigned r = 0; r < LINUX_UNKNOWN_NR; r++)
		unknown += r == LINUX_UNKNOWN_HOLE ? 0 : w.unknown[r];
	if (unknown)
		cli_partial(ctx, "%" PRIu64 " struct pages could not be read", unknown);
	if (m->note) {
		cli_partial(ctx, "memory map: %s", m->note);
		value_set_str(v, "memmap_note", m->note);
	}
	cli_emit_record(ctx, v, summary_text);
out:
	for (unsigned i = 0; pw && i < n; i++) {
		chunk_out_destroy(pw[i].cur);
		rec_row_deinit(&pw[i].row);
		if (pw[i].names)
			page_record_cache_release(pw[i].names);
		free(pw[i].names);
	}
	while (pr.free) {
		struct chunk_out *co = pr.free;
		pr.free = co->next;
		chunk_out_destroy(co);
	}
	pthread_mutex_destroy(&pr.lock);
	free(pw);
	free(states);
	free(f.fields);
	linux_memmap_destroy(m);
	return err;
}

/* ---- pagestat ---- */

static void kpf_names(struct strbuf *out, uint64_t kpf)
{
	bool first = true;
	for (unsigned b = 0; b < 64; b++)
		if ((kpf >> b) & 1) {
			const char *n = linux_kpf_name(b);
			if (n)
				strbuf_addf(out, "%s%s", first ? "" : ",", n);
			else
				strbuf_addf(out, "%sbit%u", first ? "" : ",", b);
			first = false;
		}
}

static void pagestat_text(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out)
{
	(void)ctx;
	uint64_t ps = value_get(v, "page_size")->u;
	const struct vms_value *rows = value_get(v, "flags");
	strbuf_addf(out, "%18s %10s %10s  %s\n", "kpageflags", "pages", "MB", "symbolic-flags");
	for (size_t i = 0; i < rows->array.len; i++) {
		const struct vms_value *r = rows->array.items[i];
		uint64_t pages = value_get(r, "pages")->u;
		strbuf_addf(out, "0x%016" PRIx64 " %10" PRIu64 " %10.1f  ", value_get(r, "kpf")->u, pages,
			    (double)pages * (double)ps / 1048576.0);
		kpf_names(out, value_get(r, "kpf")->u);
		strbuf_addch(out, '\n');
	}
	static const char *const groups[] = { "by_use", "by_zone", "by_node", "by_mapping", "blocks_by_order" };
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		const struct vms_value *o = value_get(v, groups[g]);
		strbuf_addf(out, "\n%s:\n", groups[g]);
		for (size_t i = 0; i < o->object.len; i++) {
			uint64_t n = o->object.pairs[i].value->u;
			if (strcmp(groups[g], "blocks_by_order") == 0)
				strbuf_addf(out, "  order %-8s %10" PRIu64 " blocks\n", o->object.pairs[i].key, n);
			else
				strbuf_addf(out, "  %-14s %10" PRIu64 " pages %10.1f MB\n", o->object.pairs[i].key, n,
					    (double)n * (double)ps / 1048576.0);
		}
	}
	const struct vms_value *u = value_get(v, "unknown");
	uint64_t unknown = 0;
	for (size_t i = 0; i < u->object.len; i++)
		unknown += u->object.pairs[i].value->u;
	strbuf_addf(out, "\ntotal: %" PRIu64 " PFNs = %" PRIu64 " decoded + %" PRIu64 " unknown",
		    value_get(v, "pfns")->u, value_get(v, "decoded")->u, unknown);
	for (size_t i = 0; i < u->object.len; i++)
		if (u->object.pairs[i].value->u)
			strbuf_addf(out, " (%" PRIu64 " %s)", u->object.pairs[i].value->u, u->object.pairs[i].key);
	const struct vms_value *zc = value_get(v, "zone_check"), *x;
	if ((x = value_get(zc, "error")))
		strbuf_addf(out, "\nzone/node check: not done: %s", x->s);
	else if (!value_get(zc, "mismatches")->u)
		strbuf_addf(out, "\nzone/node check: every decoded page lies in the zone its flags name"
			    " (or in a hole: %" PRIu64 " pages)", value_get(zc, "holes")->u);
	else {
		const struct vms_value *pf = value_get(zc, "first_pfns");
		strbuf_addf(out, "\nzone/node check: %" PRIu64 " pages whose flags name a zone that does "
			    "not span them (pfn", value_get(zc, "mismatches")->u);
		for (size_t i = 0; i < pf->array.len; i++)
			strbuf_addf(out, "%s0x%" PRIx64, i ? ", " : " ", pf->array.items[i]->u);
		strbuf_addstr(out, pf->array.len < value_get(zc, "mismatches")->u ? ", ...)" : ")");
		strbuf_addf(out, "; %" PRIu64 " pages in holes", value_get(zc, "holes")->u);
	}
	const struct vms_value *note = value_get(v, "memmap_note");
	if (note)
		strbuf_addf(out, "\nmemory map: %s", note->s);
	strbuf_addf(out, "\nmemory map: %s, %" PRIu64 " sections, max_pfn 0x%" PRIx64 "; %u threads, %.3f s\n",
		    value_get(v, "model")->s, value_get(v, "sections")->u, value_get(v, "max_pfn")->u,
		    (unsigned)value_get(v, "threads")->u, value_get(v, "seconds")->d);
}

VMS_MUST_CHECK static struct vms_error *cmd_pagestat(struct cli_ctx *ctx, int argc, char **argv)
{
	struct page_filter f = { 0 };
	struct vms_error *err = linux_page_layout(ctx->prog, &f.l);
	if (!err)
		err = parse_filter(ctx, argc, argv, &f, true);
	if (err)
		return err;
	struct linux_memmap *m;
	err = linux_memmap_create(ctx->prog, &m);
	if (err)
		return err;
	struct linux_pagestat *st;
	struct linux_memmap_walk how = {
		.start_pfn = f.start, .end_pfn = f.end, .nthreads = f.threads,
		.batch = f.batch, .zerocopy = f.zerocopy,
		.progress = cli_progress, .progress_arg = ctx,
	};
	err = linux_pagestat(ctx->prog, m, &how, &st);
	if (err) {
		linux_memmap_destroy(m);
		return err;
	}
	struct vms_value *v = value_object();
	value_set_uint(v, "page_size", program_page_size(ctx->prog));
	value_set_hex(v, "start_pfn", st->start_pfn);
	value_set_hex(v, "end_pfn", st->end_pfn);
	value_set_uint(v, "pfns", st->pfns);
	value_set_uint(v, "decoded", st->decoded);
	value_set_uint(v, "partial", st->partial);
	unknown_summary(v, st->unknown);
	struct vms_value *rows = value_set(v, "flags", value_array());
	for (size_t i = 0; i < st->nr_combos; i++) {
		struct vms_value *r = value_push(rows, value_object());
		value_set_hex(r, "kpf", st->combos[i].kpf);
		value_set_uint(r, "pages", st->combos[i].pages);
		struct strbuf sb = STRBUF_INIT;
		kpf_names(&sb, st->combos[i].kpf);
		value_set_str(r, "names", sb.buf);
		strbuf_release(&sb);
	}
	struct vms_value *o = value_set(v, "by_use", value_object());
	for (unsigned u = 0; u < LINUX_USE_NR; u++)
		if (st->by_use[u])
			value_set_uint(o, linux_page_use_name(u), st->by_use[u]);
	o = value_set(v, "by_zone", value_object());
	for (unsigned z = 0; z < 8; z++)
		if (st->by_zone[z]) {
			const char *zn = linux_zone_name(f.l, z);
			char buf[16];
			snprintf(buf, sizeof(buf), "%u", z);
			value_set_uint(o, zn ? zn : buf, st->by_zone[z]);
		}
	o = value_set(v, "by_node", value_object());
	for (unsigned d = 0; d < LINUX_PAGESTAT_MAX_NODES; d++)
		if (st->by_node[d]) {
			char buf[16];
			snprintf(buf, sizeof(buf), "%u", d);
			value_set_uint(o, buf, st->by_node[d]);
		}
	o = value_set(v, "by_mapping", value_object());
	for (unsigned k = 0; k < LINUX_MAPPING_NR; k++)
		if (st->by_mapping[k])
			value_set_uint(o, linux_mapping_kind_name(k), st->by_mapping[k]);
	o = value_set(v, "blocks_by_order", value_object());
	for (unsigned k = 0; k < 64; k++)
		if (st->blocks_by_order[k]) {
			char buf[16];
			snprintf(buf, sizeof(buf), "%u", k);
			value_set_uint(o, buf, st->blocks_by_order[k]);
		}
	struct vms_value *zc = value_set(v, "zone_check", value_object());
	if (st->zone_checked) {
		value_set_uint(zc, "mismatches", st->zone_mismatch);
		value_set_uint(zc, "holes", st->zone_hole);
		qsort(st->zone_mismatch_pfn, st->nr_zone_mismatch_pfn, sizeof(uint64_t), vms_cmp_u64);
		struct vms_value *pf = value_set(zc, "first_pfns", value_array());
		for (size_t i = 0; i < st->nr_zone_mismatch_pfn; i++)
			value_push(pf, value_hex(st->zone_mismatch_pfn[i]));
	} else {
		value_set_str(zc, "error", m->zones_err ? m->zones_err : "no zone spans");
	}
	value_set_str(v, "model", m->model);
	if (m->note) {
		value_set_str(v, "memmap_note", m->note);
		cli_partial(ctx, "memory map: %s", m->note);
	}
	value_set_uint(v, "sections", m->nr_sections);
	value_set_hex(v, "max_pfn", m->max_pfn);
	value_set_uint(v, "threads", st->threads);
	value_set(v, "seconds", value_double(st->seconds));
	uint64_t unknown = 0;
	for (unsigned r = 0; r < LINUX_UNKNOWN_NR; r++)
		unknown += r == LINUX_UNKNOWN_HOLE ? 0 : st->unknown[r];
	if (unknown)
		cli_partial(ctx, "%" PRIu64 " struct pages could not be read", unknown);
	linux_pagestat_destroy(st);
	linux_memmap_destroy(m);
	cli_emit(ctx, v, pagestat_text);
	return NULL;
}

#define RANGE_HELP                                                                        \
	"  --range FIRST-END   only PFNs FIRST..END-1 (decimal or 0x hex; END may be\n" \
	"                      omitted for \"to the end\")\n"                               \
	"  --threads N         worker threads (default: one per CPU)\n"                      \
	"  --batch N           PFNs a worker decodes at a time (a power of two; 4096)\n"  \
	"  --zerocopy          decode struct pages in place in the dump file when it can\n"

const struct cli_command cli_cmd_pages = {
	.name = "pages",
	.usage = "[--range A-B] [--flags EXPR] [--type T] [--anon|--file|--ksm] [--order N] [--limit N] [--kpf]",
	.summary = "list the pages of the memory map that match a filter",
	.help = "Walks mem_map (all present sections, a section at a time, on all CPUs)\n"
		"and prints one line per matching page (one NDJSON record with -j), then a\n"
		"summary record with the pages that could not be read, by reason.\n"
		RANGE_HELP
		"  --flags EXPR        comma-separated terms.  A term NAME must be set, !NAME\n"
		"                      must be clear, A+B+!C is all-of.  The page matches when\n"
		"                      every !NAME term holds and at least one other term does\n"
		"                      ('anon,!lru': anonymous and not on an LRU; 'dirty,writeback':\n"
		"                      either).  '=A,B' is exact: exactly these page flags are set.\n"
		"                      Names are page flags (lru, PG_dirty, aliases such as\n"
		"                      swapcache or anon_exclusive) or /proc/kpageflags names\n"
		"                      (anon, mmap, thp, huge, buddy, slab, ksm, zero_page,\n"
		"                      compound_head/head, compound_tail/tail, pgtable...).\n"
		"  --type T            free (buddy), slab, pgtable, offline, guard, hugetlb, thp,\n"
		"                      anon, file, ksm, movable, reserved, kernel\n"
		"  --anon, --file, --ksm  by mapping (--anon includes KSM pages)\n"
		"  --order N           folio order (buddy order for a free block's head)\n"
		"  --limit N           stop after N matches\n"
		"  --kpf               show the /proc/kpageflags word (always in JSON)\n"
		"  --fields A,B,...    only these fields of each page (JSON keys: pfn, kpf,\n"
		"                      mapcount, refcount, flags, use, order, mapping...)",
	.needs_program = true,
	.run = cmd_pages,
};

const struct cli_command cli_cmd_pagestat = {
	.name = "pagestat",
	.usage = "[--range A-B] [--threads N]",
	.summary = "summarize all pages: per flag combination, type, zone, node, mapping, order",
	.help = "Like tools/mm/page-types: one row per distinct /proc/kpageflags word (as the\n"
		"dump's kernel computes it) with pages and size, then totals by use, zone,\n"
		"node, mapping kind, and blocks by order, and the PFNs that could not be\n"
		"decoded by reason (hole: no memory map; excluded: struct page filtered out of\n"
		"the dump; unmapped; error).  Decoded plus unknown adds up to the PFNs walked.\n"
		RANGE_HELP,
	.needs_program = true,
	.run = cmd_pagestat,
};
