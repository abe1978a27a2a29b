// SPDX-License-Identifier: GPL-3.0-or-later
/* kmem ADDR (and whatis ADDR): what an address of the kernel is */
#include "cli/cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "linux/kmem.h"
#include "linux/pagedecode.h"

static struct vms_value *what_value(const struct linux_kmem_what *w, struct vms_program *prog)
{
	struct vms_value *v = value_object();
	value_set_hex(v, "address", w->addr);
	value_set_str(v, "region", w->region);
	struct vms_value *kinds = value_set(v, "kinds", value_array());
	if (w->has_slab) {
		value_push(kinds, value_string("slab"));
		const struct linux_slab_hit *h = &w->slab;
		struct vms_value *o = value_set(v, "slab", value_object());
		value_set_str(o, "cache", h->cache->name);
		value_set_hex(o, "kmem_cache", h->cache->addr);
		value_set_hex(o, "object", h->object);
		value_set_uint(o, "offset", h->offset);
		value_set_uint(o, "index", h->index);
		value_set_uint(o, "object_size", h->cache->object_size);
		value_set_uint(o, "objsize", h->cache->size);
		value_set_str(o, "state", linux_slab_state_name(h->state));
		value_set_bool(o, "in_object", h->in_object);
		value_set_hex(o, "slab", h->slab.slab);
		value_set_str(o, "slab_where", linux_slab_where_name(h->slab.where));
		if (h->slab.cpu >= 0)
			value_set_int(o, "cpu", h->slab.cpu);
	}
	if (w->has_vmalloc) {
		value_push(kinds, value_string("vmalloc"));
		const struct linux_vmalloc_area *a = &w->vmalloc;
		struct vms_value *o = value_set(v, "vmalloc", value_object());
		value_set_hex(o, "start", a->kind == LINUX_VMALLOC_AREA ? a->addr : a->va_start);
		value_set_uint(o, "size", a->kind == LINUX_VMALLOC_AREA ? a->size : a->va_end - a->va_start);
		value_set_uint(o, "offset", w->addr - (a->kind == LINUX_VMALLOC_AREA ? a->addr : a->va_start));
		if (a->caller)
			value_set_str(o, "caller", a->caller_sym);
		value_set_uint(o, "pages", a->nr_pages);
		char fl[128];
		linux_vmalloc_flag_names(prog, a->flags, fl, sizeof(fl));
		value_set_str(o, "flags", fl);
		if (a->kind == LINUX_VMALLOC_UNPURGED)
			value_set_bool(o, "unpurged", true);
		if (a->kind == LINUX_VMALLOC_VM_MAP_RAM)
			value_set_bool(o, "vm_map_ram", true);
	}
	if (w->has_stack) {
		value_push(kinds, value_string("stack"));
		struct vms_value *o = value_set(v, "stack", value_object());
		value_set_int(o, "pid", w->pid);
		value_set_str(o, "comm", w->comm);
		value_set_hex(o, "task", w->task);
		value_set_hex(o, "base", w->stack_base);
		value_set_uint(o, "size", w->stack_size);
		value_set_uint(o, "offset", w->addr - w->stack_base);
	}
	if (w->has_module) {
		value_push(kinds, value_string("module"));
		struct vms_value *o = value_set(v, "module", value_object());
		value_set_str(o, "name", w->module);
		value_set_str(o, "kind", w->module_kind);
		value_set_uint(o, "offset", w->module_offset);
	}
	if (w->has_percpu) {
		value_push(kinds, value_string("percpu"));
		struct vms_value *o = value_set(v, "percpu", value_object());
		value_set_uint(o, "cpu", w->cpu);
		value_set_uint(o, "offset", w->percpu_offset);
	}
	if (w->symbol[0]) {
		if (!w->has_module && !w->has_percpu)
			value_push(kinds, value_string("symbol"));
		value_set_str(v, "symbol", w->symbol);
	}
	if (w->has_struct_page) {
		value_push(kinds, value_string("struct_page"));
		struct vms_value *o = value_set(v, "struct_page", value_object());
		value_set_hex(o, "pfn", w->sp_pfn);
		value_set_hex(o, "page", w->sp_page);
		value_set_uint(o, "offset", w->sp_offset);
	}
	if (w->has_page) {
		value_push(kinds, value_string("page"));
		struct vms_value *o = value_set(v, "page", value_object());
		value_set_hex(o, "pfn", w->pfn);
		value_set_hex(o, "page", w->page.page);
		value_set_str(o, "use", linux_page_use_name(w->page.use));
		value_set_hex(o, "flags", w->page.flags);
		value_set_uint(o, "order", w->page.order);
		if (w->page.bits & LINUX_PAGE_TAIL)
			value_set_hex(o, "head_pfn", w->page.head_pfn);
	}
	if (w->nr_notes) {
		struct vms_value *n = value_set(v, "unavailable", value_array());
		for (unsigned i = 0; i < w->nr_notes; i++)
			value_push(n, value_string(w->notes[i]));
	}
	return v;
}

static uint64_t u_of(const struct vms_value *o, const char *k)
{
	const struct vms_value *x = value_get(o, k);
	return x ? x->u : 0;
}

static void what_text(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out)
{
	(void)ctx;
	strbuf_addf(out, "%" PRIx64 ": %s\n", value_get(v, "address")->u, value_get(v, "region")->s);
	const struct vms_value *o;
	if ((o = value_get(v, "slab"))) {
		strbuf_addf(out, "  slab object of cache %s, %s: object %" PRIx64 "+0x%" PRIx64 " (object size %" PRIu64
			    ", slot %" PRIu64 "%s), slab %" PRIx64,
			    value_get(o, "cache")->s, value_get(o, "state")->s, u_of(o, "object"), u_of(o, "offset"),
			    u_of(o, "object_size"), u_of(o, "objsize"),
			    value_get(o, "in_object")->b ? "" : "; past the object: metadata or padding", u_of(o, "slab"));
		const char *where = value_get(o, "slab_where")->s;
		const struct vms_value *cpu = value_get(o, "cpu");
		if (strcmp(where, "cpu") == 0 && cpu)
			strbuf_addf(out, " (the slab of cpu %" PRId64 ")", cpu->i);
		else if (strcmp(where, "cpu-partial") == 0)
			strbuf_addstr(out, " (on a cpu partial list)");
		else if (strcmp(where, "node-partial") == 0)
			strbuf_addstr(out, " (on a node partial list)");
		strbuf_addch(out, '\n');
	}
	if ((o = value_get(v, "vmalloc"))) {
		strbuf_addf(out, "  vmalloc area %" PRIx64 "+0x%" PRIx64 ", size %" PRIu64, u_of(o, "start"),
			    u_of(o, "offset"), u_of(o, "size"));
		if (value_get(o, "caller"))
			strbuf_addf(out, ", caller %s", value_get(o, "caller")->s);
		if (u_of(o, "pages"))
			strbuf_addf(out, ", %" PRIu64 " pages", u_of(o, "pages"));
		if (*value_get(o, "flags")->s)
			strbuf_addf(out, " (%s)", value_get(o, "flags")->s);
		if (value_get(o, "unpurged"))
			strbuf_addstr(out, " (freed, not yet purged)");
		strbuf_addch(out, '\n');
	}
	if ((o = value_get(v, "stack")))
		strbuf_addf(out, "  stack of pid %" PRId64 " (%s), task %" PRIx64 ": %" PRIx64 "+0x%" PRIx64 " of %" PRIu64
			    " bytes\n",
			    value_get(o, "pid")->i, value_get(o, "comm")->s, u_of(o, "task"), u_of(o, "base"),
			    u_of(o, "offset"), u_of(o, "size"));
	if ((o = value_get(v, "module")))
		strbuf_addf(out, "  module %s, %s+0x%" PRIx64 "\n", value_get(o, "name")->s, value_get(o, "kind")->s,
			    u_of(o, "offset"));
	if ((o = value_get(v, "percpu")))
		strbuf_addf(out, "  per-CPU area of cpu %" PRIu64 ", offset 0x%" PRIx64 "\n", u_of(o, "cpu"),
			    u_of(o, "offset"));
	const struct vms_value *sym = value_get(v, "symbol");
	if (sym)
		strbuf_addf(out, "  symbol %s\n", sym->s);
	if ((o = value_get(v, "struct_page")))
		strbuf_addf(out, "  struct page of pfn %" PRIx64 " at %" PRIx64 "+0x%" PRIx64 "\n", u_of(o, "pfn"),
			    u_of(o, "page"), u_of(o, "offset"));
	if ((o = value_get(v, "page"))) {
		strbuf_addf(out, "  page pfn %" PRIx64 " (%s, flags %" PRIx64, u_of(o, "pfn"), value_get(o, "use")->s,
			    u_of(o, "flags"));
		if (u_of(o, "order"))
			strbuf_addf(out, ", order %" PRIu64, u_of(o, "order"));
		if (value_get(o, "head_pfn"))
			strbuf_addf(out, ", head pfn %" PRIx64, u_of(o, "head_pfn"));
		strbuf_addstr(out, ")\n");
	}
	const struct vms_value *n = value_get(v, "unavailable");
	for (size_t i = 0; n && i < n->array.len; i++)
		strbuf_addf(out, "  unavailable: %s\n", n->array.items[i]->s);
}

struct vms_error *cli_kmem_addresses(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return vms_error_create(VMS_ERR_INVALID, "usage: %s ADDR...", argv[0]);
	uint64_t *addrs = calloc((size_t)argc, sizeof(*addrs));
	if (!addrs)
		return &vms_enomem;
	struct vms_error *err = NULL;
	for (int i = 1; i < argc && !err; i++)
		err = cli_parse_u64(ctx, argv[i], true, true, &addrs[i]);
	struct linux_kmem *k = NULL;
	if (!err)
		err = linux_kmem_create(ctx->prog, &k);
	for (int i = 1; i < argc && !err; i++) {
		struct linux_kmem_what w;
		if ((err = linux_kmem_what(k, addrs[i], &w)))
			break;
		if (w.nr_notes)
			ctx->partial = true;
		struct vms_value *v = what_value(&w, ctx->prog);
		linux_kmem_what_deinit(&w);
		cli_emit_record(ctx, v, what_text);
		err = program_check_cancel();
	}
	linux_kmem_destroy(k);
	free(addrs);
	return err;
}

const struct cli_command cli_cmd_kmem = {
	.name = "kmem",
	.usage = "ADDR...",
	.summary = "what a kernel address is: slab object, page, vmalloc area, stack, module, symbol",
	.help = "For each ADDR (hex, or SYMBOL[+OFFSET]): the region of the address space it lies in\n"
		"(direct map, vmalloc, vmemmap, kernel image, modules...) and what holds it: a slab\n"
		"object (cache, object start and offset, allocated, free or cached in a sheaf), the\n"
		"page of the memory map and its use, a vmalloc area (caller, size, pages), a task's\n"
		"stack and which task, a module's text or data, a kernel symbol, a CPU's per-CPU\n"
		"area, a struct page of the vmemmap.  `whatis ADDR` is the same.  JSON: NDJSON, one\n"
		"record per address {address, region, kinds[], slab{cache, kmem_cache, object, offset,\n"
		"index, object_size, objsize, state, in_object, slab, slab_where, cpu}, vmalloc{start,\n"
		"size, offset, caller, pages, flags}, stack{pid, comm, task, base, size, offset},\n"
		"module{name, kind, offset}, percpu{cpu, offset}, symbol, struct_page{pfn, page,\n"
		"offset}, page{pfn, page, use, flags, order, head_pfn}, unavailable[]}.",
	.needs_program = true,
	.run = cli_kmem_addresses,
};
