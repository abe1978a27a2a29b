// SPDX-License-Identifier: GPL-3.0-or-later
/* memcg: the memory of each memory cgroup */
#include "cli/cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "linux/memcg.h"
#include "linux/memmap.h"

static uint64_t stat_or0(const struct linux_memcg *g, const char *name)
{
	uint64_t v = 0;
	return linux_memcg_stat(g, name, &v) ? v : 0;
}

static struct vms_value *pages_value(const struct linux_memcg_pages *p)
{
	struct vms_value *v = value_object();
	value_set_uint(v, "anon", p->anon);
	value_set_uint(v, "file", p->file);
	value_set_uint(v, "kernel", p->kernel);
	value_set_uint(v, "total", p->anon + p->file + p->kernel);
	return v;
}

static void memcg_text(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out)
{
	(void)ctx;
	if (value_get(v, "header")) {
		strbuf_addf(out, "%-32s %10s %10s %10s %10s %10s %10s  %s\n", "CGROUP", "CURRENT", "ANON", "FILE",
			    "KERNEL", "SLAB", "PAGES", "(kB; PAGES: pages charged by memcg_data, with children)");
		return;
	}
	const struct vms_value *e = value_get(v, "error");
	if (value_get(v, "summary")) {
		const struct vms_value *x = value_get(v, "slab_pages_per_object");
		if (x)
			strbuf_addf(out, "%" PRIu64 " slab pages charged per object, %" PRIu64
				    " pages naming no cgroup of the tree\n",
				    x->u, value_get(v, "pages_unknown_cgroup")->u);
		if (e)
			strbuf_addf(out, "error: %s\n", e->s);
		return;
	}
	if (!value_get(v, "path")) {
		if (e)
			strbuf_addf(out, "error: %s\n", e->s);
		return;
	}
	const struct vms_value *st = value_get(v, "stat");
	uint64_t cur = value_get(v, "current") ? value_get(v, "current")->u : 0;
	uint64_t anon = value_get(st, "anon") ? value_get(st, "anon")->u : 0;
	uint64_t file = value_get(st, "file") ? value_get(st, "file")->u : 0;
	uint64_t kernel = value_get(st, "kernel") ? value_get(st, "kernel")->u : 0;
	uint64_t slab = value_get(st, "slab") ? value_get(st, "slab")->u : 0;
	const struct vms_value *pt = value_get(v, "pages_tree");
	strbuf_addf(out, "%-32s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64, value_get(v, "path")->s,
		    cur / 1024, anon / 1024, file / 1024, kernel / 1024, slab / 1024);
	if (pt)
		strbuf_addf(out, " %10" PRIu64, value_get(pt, "total")->u);
	if (value_get(v, "online") && !value_get(v, "online")->b)
		strbuf_addstr(out, "  (offline)");
	strbuf_addch(out, '\n');
	if (e)
		strbuf_addf(out, "    error: %s\n", e->s);
	const struct vms_value *all = value_get(v, "all");
	if (all)
		for (size_t i = 0; i < st->object.len; i++)
			strbuf_addf(out, "    %s %" PRIu64 "\n", st->object.pairs[i].key, st->object.pairs[i].value->u);
}

VMS_MUST_CHECK static struct vms_error *cmd_memcg(struct cli_ctx *ctx, int argc, char **argv)
{
	bool no_pages = false, all = false;
	const char *only = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--no-pages") == 0)
			no_pages = true;
		else if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--stat") == 0)
			all = true;
		else if (argv[i][0] != '-' && !only)
			only = argv[i];
		else
			return vms_error_create(VMS_ERR_INVALID, "usage: memcg [-v|--stat] [--no-pages] [PATH]");
	}
	struct linux_kmem_base b;
	struct vms_error *err = linux_kmem_base_init(ctx->prog, &b);
	if (err)
		return err;
	struct linux_memcg_info *mi = NULL;
	struct linux_memmap *m = NULL;
	if ((err = linux_memcg_read(&b, &mi)))
		goto out;
	if (!no_pages && !(err = linux_memmap_create(ctx->prog, &m)))
		err = linux_memcg_count_pages(&b, m, mi, 0);
	if (err)
		goto out;
	if (!ctx->json) {
		struct vms_value *h = value_object();
		value_set_bool(h, "header", true);
		cli_emit_record(ctx, h, memcg_text);
	}
	size_t shown = 0;
	for (size_t i = 0; i < mi->nr; i++) {
		const struct linux_memcg *g = &mi->cgroups[i];
		if (only && strcmp(only, g->path) != 0)
			continue;
		shown++;
		struct vms_value *v = value_object();
		value_set_str(v, "path", g->path);
		value_set_hex(v, "mem_cgroup", g->memcg);
		value_set_uint(v, "depth", g->depth);
		value_set_bool(v, "online", g->online);
		if (g->depth)
			value_set_uint(v, "current", g->current);
		struct vms_value *st = value_set(v, "stat", value_object());
		for (size_t k = 0; k < g->nr_stats; k++)
			value_set_uint(st, g->stats[k].name, g->stats[k].value);
		value_set_uint(v, "kernel_memory", stat_or0(g, "kernel"));
		if (mi->pages_counted) {
			value_set(v, "pages", pages_value(&g->pages));
			value_set(v, "pages_tree", pages_value(&g->pages_tree));
		}
		if (all)
			value_set_bool(v, "all", true);
		if (g->error) {
			value_set_str(v, "error", g->error);
			ctx->partial = true;
		}
		cli_emit_record(ctx, v, memcg_text);
	}
	if (only && !shown) {
		err = vms_error_create(VMS_ERR_LOOKUP, "no memory cgroup '%s'", only);
		goto out;
	}
	for (size_t i = 0; i < mi->nr_errors; i++) {
		struct vms_value *v = value_object();
		value_set_str(v, "error", mi->errors[i]);
		cli_emit_record(ctx, v, memcg_text);
		ctx->partial = true;
	}
	struct vms_value *s = value_object();
	value_set_str(s, "summary", "memcg");
	value_set_uint(s, "cgroups", mi->nr);
	if (mi->pages_counted) {
		value_set_uint(s, "slab_pages_per_object", mi->pages_slab_objcg);
		value_set_uint(s, "pages_unknown_cgroup", mi->pages_unknown_memcg);
		uint64_t unknown = 0;
		for (unsigned r = 0; r < LINUX_UNKNOWN_NR; r++)
			unknown += r == LINUX_UNKNOWN_HOLE ? 0 : mi->unknown[r];
		if (unknown) {
			value_set_uint(s, "unreadable_struct_pages", unknown);
			ctx->partial = true;
		}
	}
	cli_emit_record(ctx, s, memcg_text);
out:
	linux_memmap_destroy(m);
	linux_memcg_info_destroy(mi);
	linux_kmem_base_deinit(&b);
	return err;
}

const struct cli_command cli_cmd_memcg = {
	.name = "memcg",
	.usage = "[-v|--stat] [--no-pages] [PATH]",
	.summary = "the memory of each memory cgroup",
	.help = "Every memory cgroup under root_mem_cgroup (depth first) with its memory.stat as\n"
		"the kernel would print it: the keys of the kernel's own memory_stats[] table and\n"
		"their units, from the 5.10 atomic counters or the rstat counters with every\n"
		"pending per-CPU and child delta added (a full flush), hierarchical like\n"
		"memory.stat; memory.current (not for the root); and, from the memory map, the pages\n"
		"whose memcg_data names the cgroup (kernel pages through their obj_cgroup), its own\n"
		"and with its descendants', by anon, file and kernel use, so a charge the counters\n"
		"miss shows.  The table shows kB; -v adds every memory.stat line; PATH shows one\n"
		"cgroup; --no-pages skips the memory-map walk.  JSON: NDJSON, per cgroup {path,\n"
		"mem_cgroup, depth, online, current, stat{KEY: value as memory.stat prints it},\n"
		"kernel_memory, pages{anon, file, kernel, total}, pages_tree{...}, error}; last\n"
		"{summary: \"memcg\", cgroups, slab_pages_per_object, pages_unknown_cgroup}.",
	.needs_program = true,
	.run = cmd_memcg,
};
