// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/report_html.h"

#include <inttypes.h>
#include <string.h>

#include "linux/meminfo.h"

#define CELL 12       // cell size in pixels
#define GAP 1
#define COLUMNS 96

// Colours of the categories, in the order of report_cat (linux/report.h).
static const struct {
	const char *name, *color, *label;
} cats[] = {
	{ "free", "#d9ead3", "free (buddy)" },
	{ "anon", "#e06666", "anonymous (incl. THP, KSM, hugetlb)" },
	{ "file", "#6fa8dc", "page cache / file" },
	{ "slab", "#f6b26b", "slab" },
	{ "pagetable", "#8e7cc3", "page tables" },
	{ "kernel", "#999999", "other kernel" },
	{ "reserved", "#444444", "reserved" },
	{ "unknown", "#ffffff", "unknown / excluded / hole" },
};

static void esc(struct strbuf *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': strbuf_addstr(out, "&lt;"); break;
		case '>': strbuf_addstr(out, "&gt;"); break;
		case '&': strbuf_addstr(out, "&amp;"); break;
		case '"': strbuf_addstr(out, "&quot;"); break;
		default: strbuf_addch(out, *s);
		}
	}
}

static const struct vms_value *get(const struct vms_value *v, const char *k)
{
	return v ? value_get(v, k) : NULL;
}

static const char *str(const struct vms_value *v, const char *k)
{
	const struct vms_value *x = get(v, k);
	return x && x->kind == VMS_VALUE_STRING ? x->s : "";
}

static void scalar(struct strbuf *out, const struct vms_value *v)
{
	struct strbuf sb = STRBUF_INIT;
	if (v->kind == VMS_VALUE_STRING)
		strbuf_addstr(&sb, v->s);
	else if (v->kind == VMS_VALUE_OBJECT || v->kind == VMS_VALUE_ARRAY)
		value_to_json(v, &sb);
	else
		value_to_json(v, &sb);
	if (v->kind == VMS_VALUE_HEX && sb.len > 2) {  // drop the JSON quotes
		esc(out, sb.buf[0] == '"' ? (sb.buf[sb.len - 1] = '\0', sb.buf + 1) : sb.buf);
	} else {
		esc(out, sb.buf);
	}
	strbuf_release(&sb);
}

/* An object of scalars as a two-column table. */
static void kv_table(struct strbuf *out, const struct vms_value *o)
{
	if (!o || o->kind != VMS_VALUE_OBJECT)
		return;
	strbuf_addstr(out, "<table class=kv>");
	for (size_t i = 0; i < o->object.len; i++) {
		const struct vms_value *v = o->object.pairs[i].value;
		if (v->kind == VMS_VALUE_ARRAY || v->kind == VMS_VALUE_OBJECT)
			continue;
		strbuf_addstr(out, "<tr><th>");
		esc(out, o->object.pairs[i].key);
		strbuf_addstr(out, "</th><td>");
		scalar(out, v);
		strbuf_addstr(out, "</td></tr>");
	}
	strbuf_addstr(out, "</table>\n");
}

/* An array of objects as a table with the given columns. */
static void rows_table(struct strbuf *out, const struct vms_value *a, const char *const *cols)
{
	if (!a || a->kind != VMS_VALUE_ARRAY)
		return;
	strbuf_addstr(out, "<table class=rows><tr>");
	for (size_t c = 0; cols[c]; c++) {
		strbuf_addstr(out, "<th>");
		esc(out, cols[c]);
		strbuf_addstr(out, "</th>");
	}
	strbuf_addstr(out, "</tr>");
	for (size_t i = 0; i < a->array.len; i++) {
		strbuf_addstr(out, "<tr>");
		for (size_t c = 0; cols[c]; c++) {
			strbuf_addstr(out, "<td>");
			const struct vms_value *v = get(a->array.items[i], cols[c]);
			if (v)
				scalar(out, v);
			strbuf_addstr(out, "</td>");
		}
		strbuf_addstr(out, "</tr>");
	}
	strbuf_addstr(out, "</table>\n");
}

static void physmap_svg(struct strbuf *out, const struct vms_value *d)
{
	const struct vms_value *blocks = get(d, "blocks");
	const struct vms_value *bp = get(d, "block_pages");
	const struct vms_value *ps = get(d, "page_size");
	if (!blocks || !bp)
		return;
	uint64_t block_pages = bp->u, page_size = ps ? ps->u : 4096;
	size_t n = blocks->array.len;
	size_t rows = (n + COLUMNS - 1) / COLUMNS;
	unsigned w = COLUMNS * (CELL + GAP), h = (unsigned)rows * (CELL + GAP);
	strbuf_addf(out, "<p>One cell per %" PRIu64 " pages (%.1f MiB), PFN 0 at the top left, coloured by "
		    "the type most of its pages have; hover over a cell for its counts.</p>\n",
		    block_pages, (double)(block_pages * page_size) / 1048576.0);
	strbuf_addf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\" "
		    "role=\"img\" aria-label=\"physical memory map\">\n", w, h);
	for (size_t i = 0; i < n; i++) {
		const struct vms_value *row = blocks->array.items[i];
		size_t best = 0;
		uint64_t total = 0;
		for (size_t c = 0; c < row->array.len && c < sizeof(cats) / sizeof(cats[0]); c++) {
			total += row->array.items[c]->u;
			if (row->array.items[c]->u > row->array.items[best]->u)
				best = c;
		}
		unsigned x = (unsigned)(i % COLUMNS) * (CELL + GAP), y = (unsigned)(i / COLUMNS) * (CELL + GAP);
		uint64_t start = i * block_pages;
		strbuf_addf(out, "<rect x=\"%u\" y=\"%u\" width=\"%d\" height=\"%d\" fill=\"%s\" class=\"c-%s\">"
			    "<title>PFN 0x%" PRIx64 "-0x%" PRIx64 " (phys 0x%" PRIx64 "): %s",
			    x, y, CELL, CELL, cats[best].color, cats[best].name, start, start + block_pages - 1,
			    start * page_size, cats[best].name);
		for (size_t c = 0; c < row->array.len && c < sizeof(cats) / sizeof(cats[0]); c++)
			if (row->array.items[c]->u)
				strbuf_addf(out, "; %s %" PRIu64, cats[c].name, row->array.items[c]->u);
		(void)total;
		strbuf_addstr(out, "</title></rect>\n");
	}
	strbuf_addstr(out, "</svg>\n<div class=legend>");
	const struct vms_value *t = get(d, "totals");
	for (size_t c = 0; c < sizeof(cats) / sizeof(cats[0]); c++) {
		const struct vms_value *x = get(t, cats[c].name);
		strbuf_addf(out, "<span><i style=\"background:%s\"></i>%s: %.1f MiB</span>", cats[c].color,
			    cats[c].label, x ? (double)(x->u * page_size) / 1048576.0 : 0.0);
	}
	strbuf_addstr(out, "</div>\n");
}

static void crash_body(struct strbuf *out, const struct vms_value *d)
{
	const struct vms_value *p = get(d, "panicked");
	if (!p || !p->b) {
		strbuf_addstr(out, "<p>The kernel did not panic.</p>\n");
		return;
	}
	strbuf_addstr(out, "<p class=crash>");
	esc(out, get(d, "reason") ? str(d, "reason") : "(no reason in the kernel log)");
	strbuf_addstr(out, "</p>\n<table class=kv>");
	const struct vms_value *t = get(d, "task"), *sig = get(d, "signature");
	strbuf_addf(out, "<tr><th>CPU</th><td>%" PRId64 "</td></tr>", get(d, "cpu") ? get(d, "cpu")->i : -1);
	if (t) {
		strbuf_addstr(out, "<tr><th>task</th><td>");
		esc(out, str(t, "comm"));
		strbuf_addf(out, " (pid %" PRId64 ")</td></tr>", get(t, "pid") ? get(t, "pid")->i : -1);
	}
	strbuf_addstr(out, "<tr><th>signature</th><td><code>");
	esc(out, str(sig, "hash"));
	strbuf_addstr(out, "</code></td></tr><tr><th>taint</th><td>");
	esc(out, str(d, "taint_flags"));
	strbuf_addstr(out, "</td></tr></table>\n<pre>");
	const struct vms_value *fr = get(get(d, "backtrace"), "frames");
	for (size_t i = 0; fr && i < fr->array.len; i++) {
		const struct vms_value *f = fr->array.items[i];
		if (!get(f, "function"))
			continue;
		strbuf_addf(out, "#%-2zu ", i);
		esc(out, str(f, "function"));
		if (get(f, "module")) {
			strbuf_addstr(out, " [");
			esc(out, str(f, "module"));
			strbuf_addch(out, ']');
		}
		strbuf_addch(out, '\n');
	}
	strbuf_addstr(out, "</pre>\n");
}

static void section_body(struct strbuf *out, const char *name, const struct vms_value *d)
{
	if (!strcmp(name, "crash")) {
		crash_body(out, d);
	} else if (!strcmp(name, "system") || !strcmp(name, "dump")) {
		kv_table(out, d);
		const struct vms_value *cr = get(d, "crash_record");
		if (cr) {
			strbuf_addstr(out, "<p class=crash>Crash record: ");
			esc(out, str(cr, "text"));
			strbuf_addstr(out, "</p>");
		}
	} else if (!strcmp(name, "log")) {
		kv_table(out, d);
		strbuf_addstr(out, "<pre>");
		const struct vms_value *t = get(d, "tail");
		for (size_t i = 0; t && i < t->array.len; i++) {
			const struct vms_value *r = t->array.items[i];
			strbuf_addf(out, "[%12s] ", str(r, "timestamp"));
			esc(out, str(r, "text"));
			strbuf_addch(out, '\n');
		}
		strbuf_addstr(out, "</pre>\n");
	} else if (!strcmp(name, "memory")) {
		const struct vms_value *vals = get(d, "values");
		strbuf_addstr(out, "<table class=kv>");
		for (size_t i = 0; vals && i < vals->object.len; i++) {
			strbuf_addstr(out, "<tr><th>");
			esc(out, vals->object.pairs[i].key);
			strbuf_addf(out, "</th><td>%" PRIu64 "%s</td></tr>", vals->object.pairs[i].value->u,
				    linux_meminfo_is_count(vals->object.pairs[i].key) ? "" : " kB");
		}
		strbuf_addstr(out, "</table>\n<h3>Cross-check with the mem_map</h3>");
		static const char *const cols[] = { "counter", "counter_kb", "memmap_kb", "difference_kb", NULL };
		rows_table(out, get(d, "cross_check"), cols);
	} else if (!strcmp(name, "census")) {
		kv_table(out, d);
		static const char *const groups[] = { "by_use", "by_zone", "by_node", "by_mapping",
						      "blocks_by_order", "unknown" };
		for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
			strbuf_addstr(out, "<h3>");
			esc(out, groups[g]);
			strbuf_addstr(out, "</h3>");
			kv_table(out, get(d, groups[g]));
		}
	} else if (!strcmp(name, "kmem")) {
		static const char *const slab_cols[] = { "name", "memory_kb", "num_objs", "active_objs", "objsize", NULL };
		static const char *const vm_cols[] = { "caller", "size_kb", "areas", "pages", NULL };
		static const char *const cg_cols[] = { "path", "current_kb", "anon_kb", "file_kb", "kernel_kb", "slab_kb",
						       NULL };
		static const char *const rec_cols[] = { "what", "walked", "census", "counter", NULL };
		strbuf_addstr(out, "<h3>Slab caches</h3>");
		kv_table(out, get(d, "slab"));
		rows_table(out, get(get(d, "slab"), "top"), slab_cols);
		strbuf_addstr(out, "<h3>vmalloc by caller</h3>");
		kv_table(out, get(d, "vmalloc"));
		rows_table(out, get(get(d, "vmalloc"), "by_caller"), vm_cols);
		strbuf_addstr(out, "<h3>Memory cgroups</h3>");
		rows_table(out, get(get(d, "cgroups"), "top"), cg_cols);
		strbuf_addstr(out, "<h3>Reconciliation</h3>");
		rows_table(out, get(d, "reconcile"), rec_cols);
	} else if (!strcmp(name, "processes")) {
		kv_table(out, d);
		static const char *const cols[] = { "pid", "ppid", "comm", "state", "rss_kb", "rss_anon_kb",
						    "rss_file_kb", "rss_shmem_kb", "vsz_kb", NULL };
		rows_table(out, get(d, "list"), cols);
	} else if (!strcmp(name, "sharers")) {
		static const char *const cols[] = { "pfn", "mapcount", "refcount", "use", "mapping", "order",
						    "confirmed_mappings", "processes", NULL };
		rows_table(out, get(d, "pages"), cols);
	} else if (!strcmp(name, "anomalies")) {
		kv_table(out, d);
		static const char *const cols[] = { "check", "status", "count", "pfns", "anon_vmas",
						    "description", NULL };
		rows_table(out, get(d, "checks"), cols);
	} else if (!strcmp(name, "physmap")) {
		physmap_svg(out, d);
	} else {
		kv_table(out, d);
	}
}

void report_html(const struct vms_value *doc, struct strbuf *out)
{
	strbuf_addstr(out, "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n<title>vmsift report: ");
	esc(out, str(doc, "dump_path"));
	strbuf_addstr(out,
		      "</title>\n<style>\n"
		      "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}\n"
		      "h1{font-size:1.4em}h2{font-size:1.15em;border-bottom:1px solid #ccc;margin-top:1.6em}\n"
		      "h3{font-size:1em;margin:.8em 0 .3em}\n"
		      "table{border-collapse:collapse;margin:.3em 0}td,th{padding:1px 8px;text-align:left;"
		      "vertical-align:top;border-bottom:1px solid #eee}th{color:#555;font-weight:600}\n"
		      "table.rows td{font-family:ui-monospace,monospace;font-size:12px}\n"
		      "pre{background:#f7f7f7;padding:.5em;overflow:auto;font-size:12px}\n"
		      ".status{font-size:12px;padding:1px 6px;border-radius:3px;background:#d9ead3}\n"
		      ".status.failed{background:#f4cccc}.status.partial,.status.unavailable{background:#fff2cc}\n"
		      ".legend span{display:inline-block;margin:4px 14px 4px 0}.legend i{display:inline-block;"
		      "width:12px;height:12px;border:1px solid #888;margin-right:5px;vertical-align:-1px}\n"
		      "svg rect{stroke:#bbb;stroke-width:.3}.crash{color:#a00;font-weight:600}\n"
		      "</style></head><body>\n<h1>vmsift report</h1>\n<p>");
	esc(out, str(doc, "dump_path"));
	strbuf_addstr(out, " &mdash; linux ");
	esc(out, str(doc, "release"));
	const struct vms_value *secs_t = get(doc, "seconds");
	strbuf_addf(out, " &mdash; %.2f s, schema %s %" PRIu64 "</p>\n", secs_t ? secs_t->d : 0.0,
		    str(doc, "schema"), get(doc, "schema_version") ? get(doc, "schema_version")->u : 0);
	strbuf_addstr(out, "<h2>What this dump cannot tell</h2>\n<ul>");
	const struct vms_value *lim = get(doc, "limitations");
	if (!lim || !lim->array.len)
		strbuf_addstr(out, "<li>nothing missing: every section ran on complete data</li>");
	for (size_t i = 0; lim && i < lim->array.len; i++) {
		strbuf_addstr(out, "<li><b>");
		esc(out, str(lim->array.items[i], "section"));
		strbuf_addstr(out, "</b>: ");
		esc(out, str(lim->array.items[i], "note"));
		strbuf_addstr(out, "</li>");
	}
	strbuf_addstr(out, "</ul>\n");
	const struct vms_value *secs = get(doc, "sections");
	// The picture first: it is what people look at.
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; secs && i < secs->array.len; i++) {
			const struct vms_value *s = secs->array.items[i];
			bool is_map = !strcmp(str(s, "name"), "physmap");
			if (is_map != (pass == 0))
				continue;
			const struct vms_value *st = get(s, "seconds");
			strbuf_addf(out, "<h2 id=\"%s\">", str(s, "name"));
			esc(out, str(s, "title"));
			strbuf_addf(out, " <span class=\"status %s\">%s, %.3f s</span></h2>\n", str(s, "status"),
				    str(s, "status"), st ? st->d : 0.0);
			const struct vms_value *e = get(s, "error");
			if (e) {
				strbuf_addstr(out, "<p class=crash>");
				esc(out, str(e, "code"));
				strbuf_addstr(out, ": ");
				esc(out, str(e, "message"));
				strbuf_addstr(out, "</p>\n");
				continue;
			}
			section_body(out, str(s, "name"), get(s, "data"));
		}
	}
	strbuf_addstr(out, "</body></html>\n");
}
