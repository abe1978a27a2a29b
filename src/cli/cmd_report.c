// SPDX-License-Identifier: GPL-3.0-or-later
/* report: the batch report (text, JSON, HTML) */
#include "cli/cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/report_html.h"
#include "linux/meminfo.h"
#include "linux/printk.h"
#include "linux/report.h"

static const struct vms_value *get(const struct vms_value *v, const char *k)
{
	return v ? value_get(v, k) : NULL;
}

static uint64_t num(const struct vms_value *v, const char *k)
{
	const struct vms_value *x = get(v, k);
	if (!x)
		return 0;
	return x->kind == VMS_VALUE_INT ? (uint64_t)x->i : x->u;
}

static const char *str(const struct vms_value *v, const char *k)
{
	const struct vms_value *x = get(v, k);
	return x && x->kind == VMS_VALUE_STRING ? x->s : "";
}

static void text_system(const struct vms_value *d, struct strbuf *out)
{
	strbuf_addf(out, "  release:  %s\n  version:  %s\n  machine:  %s   cpus: %" PRIu64
		    "   memory: %.1f MiB\n", str(d, "release"), str(d, "version"), str(d, "machine"),
		    num(d, "cpus"), (double)num(d, "memory_bytes") / 1048576.0);
	uint64_t up = num(d, "uptime_seconds");
	strbuf_addf(out, "  uptime:   %" PRIu64 "d %02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 "\n", up / 86400,
		    up / 3600 % 24, up / 60 % 60, up % 60);
	const struct vms_value *p = get(d, "panicked");
	strbuf_addf(out, "  panic:    %s", p && p->b ? "yes" : "no");
	if (get(d, "panic_string"))
		strbuf_addf(out, " (%s)", str(d, "panic_string"));
	strbuf_addch(out, '\n');
	const struct vms_value *cr = get(d, "crash_record");
	strbuf_addf(out, "  crash:    %s\n", cr ? str(cr, "text") : "no panic, oops or BUG in the kernel log");
}

static void text_crash(const struct vms_value *d, struct strbuf *out)
{
	const struct vms_value *p = get(d, "panicked");
	if (!p || !p->b) {
		strbuf_addstr(out, "  the kernel did not panic\n");
		return;
	}
	strbuf_addf(out, "  reason:    %s\n", get(d, "reason") ? str(d, "reason") : "(not in the log)");
	if (get(d, "oops") && get(d, "panic_message"))
		strbuf_addf(out, "  panic:     %s\n", str(d, "panic_message"));
	const struct vms_value *t = get(d, "task");
	strbuf_addf(out, "  cpu:       %" PRId64 "   task: %s (pid %" PRId64 ", 0x%" PRIx64 ")\n",
		    (int64_t)num(d, "cpu"), str(t, "comm"), (int64_t)num(t, "pid"), num(t, "address"));
	const struct vms_value *sig = get(d, "signature");
	strbuf_addf(out, "  signature: %s  (%s", str(sig, "hash"), str(sig, "reason"));
	const struct vms_value *sf = get(sig, "frames");
	for (size_t i = 0; sf && i < sf->array.len; i++)
		strbuf_addf(out, " | %s", sf->array.items[i]->s);
	strbuf_addstr(out, ")\n");
	strbuf_addf(out, "  taint:     %s (0x%" PRIx64 ")\n",
		    get(d, "taint_flags") && *str(d, "taint_flags") ? str(d, "taint_flags") : "none", num(d, "taint"));
	const struct vms_value *m = get(d, "modules");
	if (m && m->array.len) {
		strbuf_addstr(out, "  modules in the trace:");
		for (size_t i = 0; i < m->array.len; i++)
			strbuf_addf(out, " %s", m->array.items[i]->s);
		strbuf_addch(out, '\n');
	}
	const struct vms_value *bt = get(d, "backtrace");
	const struct vms_value *fr = get(bt, "frames");
	if (fr)
		strbuf_addf(out, "  backtrace (%s):\n", str(bt, "start"));
	for (size_t i = 0; fr && i < fr->array.len; i++) {
		const struct vms_value *f = fr->array.items[i];
		if (!get(f, "function"))
			continue;
		strbuf_addf(out, "    #%-2zu %s+0x%" PRIx64 "%s%s%s\n", i, str(f, "function"), num(f, "offset"),
			    get(f, "module") ? " [" : "", str(f, "module"), get(f, "module") ? "]" : "");
	}
	if (get(bt, "error"))
		strbuf_addf(out, "    (trace ends: %s)\n", str(bt, "error"));
	const struct vms_value *r = get(d, "registers");
	if (r) {
		strbuf_addf(out, "  registers (%s):", str(d, "registers_of"));
		for (size_t i = 0; i < r->object.len; i++)
			strbuf_addf(out, "%s%8s: %016" PRIx64, i % 3 ? "  " : "\n    ", r->object.pairs[i].key,
				    r->object.pairs[i].value->u);
		strbuf_addch(out, '\n');
	}
}

static void text_dump(const struct vms_value *d, struct strbuf *out)
{
	strbuf_addf(out, "  file:     %s\n  format:   %s%s%s%s\n", str(d, "path"),
		    str(d, "format"), get(d, "compression") ? " (" : "", str(d, "compression"),
		    get(d, "compression") ? ")" : "");
	if (get(d, "types_from"))
		strbuf_addf(out, "  types:    BTF of %s\n  symbols:  %s\n", str(d, "types_from"),
			    str(d, "symbols_from"));
	else
		strbuf_addf(out, "  vmlinux:  %s\n", str(d, "vmlinux"));
	strbuf_addf(out, "  pages:    %" PRIu64 " in the dump, %" PRIu64 " excluded%s\n", num(d, "pages_present"),
		    num(d, "pages_excluded"), get(d, "filtered") && get(d, "filtered")->b ? " (filtered dump)" : "");
}

static void text_log(const struct vms_value *d, struct strbuf *out)
{
	strbuf_addf(out, "  %" PRIu64 " records from %s; the last %zu:\n", num(d, "records"), str(d, "source"),
		    get(d, "tail") ? get(d, "tail")->array.len : (size_t)0);
	const struct vms_value *t = get(d, "tail");
	for (size_t i = 0; t && i < t->array.len; i++) {
		const struct vms_value *r = t->array.items[i];
		struct linux_log_record rec = { .ts_nsec = num(r, "ts_nsec"), .level = (int)num(r, "level"),
						.text = (char *)str(r, "text") };
		struct strbuf line = STRBUF_INIT;
		linux_log_record_format(&rec, false, &line);
		for (char *p = line.buf, *nl; *p; p = nl + 1) {
			nl = strchr(p, '\n');
			strbuf_addstr(out, "  ");
			strbuf_add(out, p, (size_t)(nl - p) + 1);
		}
		strbuf_release(&line);
	}
}

static void text_memory(const struct vms_value *d, struct strbuf *out)
{
	const struct vms_value *vals = get(d, "values");
	for (size_t i = 0; vals && i < vals->object.len; i++) {
		const char *name = vals->object.pairs[i].key;
		uint64_t x = vals->object.pairs[i].value->u;
		strbuf_addf(out, "  %-16s %10" PRIu64 "%s", name, x, linux_meminfo_is_count(name) ? "   " : " kB");
		strbuf_addstr(out, i % 2 ? "\n" : "    ");
	}
	if (vals && vals->object.len % 2)
		strbuf_addch(out, '\n');
	const struct vms_value *xc = get(d, "cross_check");
	if (xc && xc->array.len) {
		strbuf_addstr(out, "  cross-check with the mem_map census (kB):\n");
		for (size_t i = 0; i < xc->array.len; i++) {
			const struct vms_value *o = xc->array.items[i];
			strbuf_addf(out, "    %-12s counters %9" PRIu64 "  mem_map %9" PRIu64 "  difference %+" PRId64 "\n",
				    str(o, "counter"), num(o, "counter_kb"), num(o, "memmap_kb"),
				    (int64_t)num(o, "difference_kb"));
		}
	}
}

static void text_object_line(const char *label, const struct vms_value *o, struct strbuf *out)
{
	if (!o || o->kind != VMS_VALUE_OBJECT)
		return;
	strbuf_addf(out, "  %-10s", label);
	for (size_t i = 0; i < o->object.len; i++)
		strbuf_addf(out, " %s=%" PRIu64, o->object.pairs[i].key, o->object.pairs[i].value->u);
	strbuf_addch(out, '\n');
}

static void text_census(const struct vms_value *d, struct strbuf *out)
{
	strbuf_addf(out, "  %" PRIu64 " PFNs, %" PRIu64 " decoded (%s)\n", num(d, "pfns"), num(d, "decoded"),
		    str(d, "memmap_model"));
	text_object_line("by use", get(d, "by_use"), out);
	text_object_line("by zone", get(d, "by_zone"), out);
	text_object_line("by node", get(d, "by_node"), out);
	text_object_line("mapping", get(d, "by_mapping"), out);
	text_object_line("orders", get(d, "blocks_by_order"), out);
	text_object_line("unknown", get(d, "unknown"), out);
}

static void text_kmem(const struct vms_value *d, struct strbuf *out)
{
	const struct vms_value *o = get(d, "slab");
	if (o) {
		strbuf_addf(out, "  slab: %" PRIu64 " caches, %" PRIu64 " kB in %" PRIu64 " pages; the largest:\n",
			    num(o, "caches"), num(o, "memory_kb"), num(o, "pages"));
		const struct vms_value *t = get(o, "top");
		for (size_t i = 0; t && i < t->array.len; i++) {
			const struct vms_value *c = t->array.items[i];
			strbuf_addf(out, "    %-26s %10" PRIu64 " kB %9" PRIu64 " objects (%" PRIu64 " active) of %" PRIu64
				    " bytes\n",
				    str(c, "name"), num(c, "memory_kb"), num(c, "num_objs"), num(c, "active_objs"),
				    num(c, "objsize"));
		}
	}
	if ((o = get(d, "vmalloc"))) {
		strbuf_addf(out, "  vmalloc: %" PRIu64 " areas, %" PRIu64 " kB; by caller:\n", num(o, "areas"),
			    num(o, "size_kb"));
		const struct vms_value *t = get(o, "by_caller");
		for (size_t i = 0; t && i < t->array.len; i++) {
			const struct vms_value *c = t->array.items[i];
			strbuf_addf(out, "    %-40s %10" PRIu64 " kB in %" PRIu64 " areas, %" PRIu64 " pages\n",
				    str(c, "caller"), num(c, "size_kb"), num(c, "areas"), num(c, "pages"));
		}
	}
	if ((o = get(d, "cgroups"))) {
		strbuf_addf(out, "  memory cgroups: %" PRIu64 "; the largest (kB):\n", num(o, "count"));
		const struct vms_value *t = get(o, "top");
		for (size_t i = 0; t && i < t->array.len; i++) {
			const struct vms_value *c = t->array.items[i];
			strbuf_addf(out, "    %-30s current %" PRIu64 " anon %" PRIu64 " file %" PRIu64 " kernel %" PRIu64
				    " slab %" PRIu64 "\n",
				    str(c, "path"), num(c, "current_kb"), num(c, "anon_kb"), num(c, "file_kb"),
				    num(c, "kernel_kb"), num(c, "slab_kb"));
		}
	}
	const struct vms_value *r = get(d, "reconcile");
	for (size_t i = 0; r && i < r->array.len; i++) {
		const struct vms_value *e = r->array.items[i];
		strbuf_addf(out, "  %s: %" PRIu64 " walked", str(e, "what"), num(e, "walked"));
		if (get(e, "census"))
			strbuf_addf(out, ", census %" PRIu64, num(e, "census"));
		if (get(e, "counter"))
			strbuf_addf(out, ", kernel counter %" PRIu64, num(e, "counter"));
		strbuf_addch(out, '\n');
	}
}

static void text_processes(const struct vms_value *d, struct strbuf *out)
{
	strbuf_addf(out, "  %" PRIu64 " processes, %" PRIu64 " kernel threads, %" PRIu64 " tasks\n",
		    num(d, "processes"), num(d, "kernel_threads"), num(d, "tasks"));
	strbuf_addf(out, "  %7s %7s %-3s %10s %10s %10s  %s\n", "PID", "PPID", "ST", "RSS kB", "ANON kB",
		    "VSZ kB", "COMM");
	const struct vms_value *l = get(d, "list");
	for (size_t i = 0; l && i < l->array.len; i++) {
		const struct vms_value *p = l->array.items[i];
		strbuf_addf(out, "  %7" PRId64 " %7" PRId64 " %-3s %10" PRId64 " %10" PRId64 " %10" PRId64 "  %s\n",
			    (int64_t)num(p, "pid"), (int64_t)num(p, "ppid"), str(p, "state"),
			    (int64_t)num(p, "rss_kb"), (int64_t)num(p, "rss_anon_kb"), (int64_t)num(p, "vsz_kb"),
			    str(p, "comm"));
	}
}

static void text_sharers(const struct vms_value *d, struct strbuf *out)
{
	const struct vms_value *l = get(d, "pages");
	for (size_t i = 0; l && i < l->array.len; i++) {
		const struct vms_value *p = l->array.items[i];
		strbuf_addf(out, "  pfn 0x%" PRIx64 "  mapcount %" PRId64 "  refcount %" PRId64 "  %s/%s order %" PRIu64,
			    num(p, "pfn"), (int64_t)num(p, "mapcount"), (int64_t)num(p, "refcount"), str(p, "use"),
			    str(p, "mapping"), num(p, "order"));
		const struct vms_value *pr = get(p, "processes");
		for (size_t k = 0; pr && k < pr->array.len; k++)
			strbuf_addf(out, "%s%s(%" PRId64 ")", k ? " " : "  by ", str(pr->array.items[k], "comm"),
				    (int64_t)num(pr->array.items[k], "pid"));
		strbuf_addch(out, '\n');
	}
}

static void text_anomalies(const struct vms_value *d, struct strbuf *out)
{
	const struct vms_value *l = get(d, "checks");
	for (size_t i = 0; l && i < l->array.len; i++) {
		const struct vms_value *c = l->array.items[i];
		uint64_t n = num(c, "count");
		strbuf_addf(out, "  %-24s %-11s %6" PRIu64, str(c, "check"), str(c, "status"), n);
		const struct vms_value *p = get(c, "pfns");
		for (size_t k = 0; p && k < p->array.len; k++)
			strbuf_addf(out, "%s0x%" PRIx64, k ? " " : "  ", p->array.items[k]->u);
		if (get(c, "pfns_truncated") && get(c, "pfns_truncated")->b)
			strbuf_addstr(out, " ...");
		const struct vms_value *a = get(c, "anon_vmas");
		for (size_t k = 0; a && k < a->array.len; k++)
			strbuf_addf(out, "%s0x%" PRIx64, k ? " " : "  (anon_vma ", a->array.items[k]->u);
		if (a && a->array.len)
			strbuf_addch(out, ')');
		strbuf_addch(out, '\n');
	}
}

static void text_physmap(const struct vms_value *d, struct strbuf *out)
{
	strbuf_addf(out, "  %zu blocks of %" PRIu64 " pages:", get(d, "blocks") ? get(d, "blocks")->array.len : (size_t)0,
		    num(d, "block_pages"));
	const struct vms_value *t = get(d, "totals");
	for (size_t i = 0; t && i < t->object.len; i++)
		strbuf_addf(out, " %s=%" PRIu64, t->object.pairs[i].key, t->object.pairs[i].value->u);
	strbuf_addstr(out, "\n  (the picture is in report.html: vmsift report -o DIR --html)\n");
}

static void report_text(struct cli_ctx *ctx, const struct vms_value *doc, struct strbuf *out)
{
	(void)ctx;
	strbuf_addf(out, "vmsift report (schema %" PRIu64 ") of %s, linux %s, in %.2f s\n",
		    num(doc, "schema_version"), str(doc, "dump_path"), str(doc, "release"),
		    get(doc, "seconds") ? get(doc, "seconds")->d : 0.0);
	const struct vms_value *lim = get(doc, "limitations");
	strbuf_addstr(out, "\n== What this dump cannot tell\n");
	if (!lim || !lim->array.len)
		strbuf_addstr(out, "  nothing missing: every section ran on complete data\n");
	for (size_t i = 0; lim && i < lim->array.len; i++)
		strbuf_addf(out, "  [%s] %s\n", str(lim->array.items[i], "section"), str(lim->array.items[i], "note"));
	static const struct {
		const char *name;
		void (*fn)(const struct vms_value *, struct strbuf *);
	} renderers[] = {
		{ "crash", text_crash }, { "system", text_system }, { "dump", text_dump }, { "log", text_log },
		{ "memory", text_memory }, { "census", text_census }, { "kmem", text_kmem },
		{ "processes", text_processes },
		{ "sharers", text_sharers }, { "anomalies", text_anomalies }, { "physmap", text_physmap },
	};
	const struct vms_value *secs = get(doc, "sections");
	for (size_t i = 0; secs && i < secs->array.len; i++) {
		const struct vms_value *s = secs->array.items[i];
		const struct vms_value *sec_t = get(s, "seconds");
		strbuf_addf(out, "\n== %s [%s, %.3f s]\n", str(s, "title"), str(s, "status"), sec_t ? sec_t->d : 0.0);
		const struct vms_value *e = get(s, "error");
		if (e) {
			strbuf_addf(out, "  %s: %s\n", str(e, "code"), str(e, "message"));
			continue;
		}
		const struct vms_value *d = get(s, "data");
		for (size_t k = 0; k < sizeof(renderers) / sizeof(renderers[0]); k++)
			if (strcmp(renderers[k].name, str(s, "name")) == 0)
				renderers[k].fn(d, out);
		const struct vms_value *u = get(d, "unavailable");
		for (size_t k = 0; u && k < u->array.len; k++)
			strbuf_addf(out, "  unavailable: %s\n", u->array.items[k]->s);
	}
}

VMS_MUST_CHECK static struct vms_error *write_file(const char *dir, const char *name, const struct strbuf *sb)
{
	struct strbuf path = STRBUF_INIT;
	strbuf_addf(&path, "%s/%s", dir, name);
	FILE *fp = fopen(path.buf, "w");
	struct vms_error *err = NULL;
	if (!fp || fwrite(sb->buf, 1, sb->len, fp) != sb->len)
		err = vms_error_errno(errno, "cannot write '%s'", path.buf);
	if (fp && fclose(fp) && !err)
		err = vms_error_errno(errno, "cannot write '%s'", path.buf);
	strbuf_release(&path);
	return err;
}

VMS_MUST_CHECK static struct vms_error *cmd_report(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *dir = NULL;
	bool html = false;
	struct report_options o = { 0 };
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			if (ctx->sandbox)
				return vms_error_create(VMS_ERR_INVALID, "report: no files written here");
			dir = argv[++i];
		} else if (strcmp(argv[i], "--html") == 0) {
			html = true;
		} else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
			o.only = argv[++i];
		} else if (strcmp(argv[i], "--log") == 0 && i + 1 < argc) {
			uint64_t n;
			struct vms_error *err = cli_parse_u64(ctx, argv[++i], false, false, &n);
			if (err)
				return err;
			o.log_tail = (unsigned)(n ? n : 1);
		} else {
			return vms_error_create(VMS_ERR_INVALID, "usage: report [-o DIR] [--html] [--only SECTIONS] [--log N]");
		}
	}
	if (html && !dir)
		return vms_error_create(VMS_ERR_INVALID, "--html needs -o DIR");
	if (dir && mkdir(dir, 0777) && errno != EEXIST)
		return vms_error_errno(errno, "cannot create '%s'", dir);
	struct vms_value *doc;
	bool partial = false;
	struct vms_error *err = report_run(ctx->prog, &o, &doc, &partial);
	if (err)
		return err;
	if (dir) {
		struct strbuf sb = STRBUF_INIT;
		report_text(ctx, doc, &sb);
		err = write_file(dir, "report.txt", &sb);
		strbuf_reset(&sb);
		if (!err) {
			value_to_json(doc, &sb);
			strbuf_addch(&sb, '\n');
			err = write_file(dir, "report.json", &sb);
		}
		if (!err && html) {
			strbuf_reset(&sb);
			report_html(doc, &sb);
			err = write_file(dir, "report.html", &sb);
		}
		strbuf_release(&sb);
		if (err) {
			value_destroy(doc);
			return err;
		}
	}
	if (partial)
		cli_partial(ctx, "see the report's limitations");
	cli_emit(ctx, doc, report_text);
	return NULL;
}

const struct cli_command cli_cmd_report = {
	.name = "report",
	.usage = "[-o DIR] [--html] [--only SECTIONS] [--log N]",
	.summary = "the batch report: crash, system, log, memory, census, kernel memory, processes, sharers, anomalies",
	.help = "Runs every section in isolation (a failing one is reported with its error,\n"
		"the others go on), each timed: crash (reason, CPU, task, backtrace, registers,\n"
		"modules in the trace, taint and the crash signature), system (with the crash record of the log),\n"
		"dump (what it lacks), log (last N records, default 40), memory (meminfo\n"
		"cross-checked with the mem_map), census, processes by RSS, top page sharers,\n"
		"anomalies, physmap (the memory picture).  What the dump cannot tell is listed\n"
		"first.  -o DIR writes report.txt and report.json (doc/report-schema.json),\n"
		"and with --html report.html with an SVG picture of physical memory.\n"
		"--only takes a comma-separated list of section names.  Exit status 4 when a\n"
		"section failed or was partial.",
	.needs_program = true,
	.run = cmd_report,
};
