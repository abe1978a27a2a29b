// SPDX-License-Identifier: GPL-3.0-or-later
/* vmalloc: the vmalloc areas as /proc/vmallocinfo lists them */
#include "cli/cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "linux/kmod.h"
#include "linux/vmalloc.h"

static void vmalloc_text(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out)
{
	(void)ctx;
	const struct vms_value *line = value_get(v, "line");
	if (line) {
		strbuf_addf(out, "%s\n", line->s);
		const struct vms_value *e = value_get(v, "error");
		if (e)
			strbuf_addf(out, "# error: %s\n", e->s);
		return;
	}
	const struct vms_value *e = value_get(v, "error");
	if (e) {
		strbuf_addf(out, "# error: %s\n", e->s);
		return;
	}
	if (value_get(v, "summary"))
		strbuf_addf(out, "# %" PRIu64 " areas, %" PRIu64 " vmalloc pages\n", value_get(v, "areas")->u,
			    value_get(v, "vmalloc_pages")->u);
}

static const char *kind_name(unsigned k)
{
	return k == LINUX_VMALLOC_VM_MAP_RAM ? "vm_map_ram" : k == LINUX_VMALLOC_UNPURGED ? "unpurged" : "area";
}

VMS_MUST_CHECK static struct vms_error *cmd_vmalloc(struct cli_ctx *ctx, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return vms_error_create(VMS_ERR_INVALID, "usage: vmalloc");
	struct linux_kmem_base b;
	struct vms_error *err = linux_kmem_base_init(ctx->prog, &b);
	if (err)
		return err;
	struct linux_kmods *mods = NULL;
	struct linux_vmalloc_info *vi = NULL;
	if ((err = linux_kmods_read(&b, &mods)) || (err = linux_vmalloc_read(&b, mods, true, &vi)))
		goto out;
	for (size_t i = 0; i < vi->nr; i++) {
		const struct linux_vmalloc_area *a = &vi->areas[i];
		struct vms_value *v = value_object();
		char line[512], fl[128];
		linux_vmalloc_line(vi, a, ctx->prog, line, sizeof(line));
		value_set_str(v, "kind", kind_name(a->kind));
		value_set_hex(v, "start", a->kind == LINUX_VMALLOC_AREA ? a->addr : a->va_start);
		value_set_hex(v, "end", a->kind == LINUX_VMALLOC_AREA ? a->addr + a->size : a->va_end);
		value_set_uint(v, "size", a->kind == LINUX_VMALLOC_AREA ? a->size : a->va_end - a->va_start);
		value_set_hex(v, "vmap_area", a->vmap_area);
		if (a->vm) {
			value_set_hex(v, "vm_struct", a->vm);
			if (a->caller) {
				value_set_hex(v, "caller_address", a->caller);
				value_set_str(v, "caller", a->caller_sym);
			}
			value_set_uint(v, "pages", a->nr_pages);
			if (a->phys_addr)
				value_set_hex(v, "phys", a->phys_addr);
			value_set_hex(v, "flags", a->flags);
			linux_vmalloc_flag_names(ctx->prog, a->flags, fl, sizeof(fl));
			struct vms_value *fa = value_set(v, "flag_names", value_array());
			for (char *p = fl, *sp; *p; p = sp ? sp + 1 : p + strlen(p)) {
				sp = strchr(p, ' ');
				if (sp)
					*sp = '\0';
				value_push(fa, value_string(p));
			}
			if (a->vpages)
				value_set_bool(v, "vpages", true);
			if (a->page_order)
				value_set_uint(v, "page_order", a->page_order);
			if (a->nr_node_counts) {
				struct vms_value *no = value_set(v, "nodes", value_object());
				for (unsigned k = 0; k < a->nr_node_counts; k++) {
					char key[16];
					snprintf(key, sizeof(key), "N%u", a->node_pages[k].node);
					value_set_uint(no, key, a->node_pages[k].pages);
				}
			}
		}
		value_set_str(v, "line", line);
		if (a->error) {
			value_set_str(v, "error", a->error);
			ctx->partial = true;
		}
		cli_emit_record(ctx, v, vmalloc_text);
	}
	for (size_t i = 0; i < vi->nr_errors; i++) {
		struct vms_value *v = value_object();
		value_set_str(v, "error", vi->errors[i]);
		cli_emit_record(ctx, v, vmalloc_text);
		ctx->partial = true;
	}
	struct vms_value *s = value_object();
	value_set_str(s, "summary", "vmalloc");
	value_set_uint(s, "areas", vi->nr);
	value_set_uint(s, "vmalloc_pages", vi->vmalloc_pages);
	value_set_uint(s, "errors", vi->nr_errors);
	if (mods->error)
		value_set_str(s, "modules_error", mods->error);
	cli_emit_record(ctx, s, vmalloc_text);
out:
	linux_vmalloc_info_destroy(vi);
	linux_kmods_destroy(mods);
	linux_kmem_base_deinit(&b);
	return err;
}

const struct cli_command cli_cmd_vmalloc = {
	.name = "vmalloc",
	.usage = "",
	.summary = "vmalloc areas as /proc/vmallocinfo lists them (kmem -v)",
	.help = "The busy vmap areas (vmap_area_list up to 6.8, the vmap nodes' busy lists since\n"
		"6.9) with their vm_struct, then the lazily freed ones, as /proc/vmallocinfo prints\n"
		"them: range, size, caller (symbol+offset/size [module], from the kernel's and the\n"
		"modules' symbols), pages=, phys=, the flags (ioremap, vmalloc, vmap, user,\n"
		"dma-coherent, sparse), vpages and N<node>= page counts.  JSON: NDJSON, per area\n"
		"{kind (area, vm_map_ram, unpurged), start, end, size, vmap_area, vm_struct,\n"
		"caller_address, caller, pages, phys, flags, flag_names[], vpages, page_order,\n"
		"nodes{N0: pages}, line (the /proc/vmallocinfo line), error}; last {summary:\n"
		"\"vmalloc\", areas, vmalloc_pages (pages of vmalloc() areas: meminfo's VmallocUsed),\n"
		"errors}.",
	.needs_program = true,
	.run = cmd_vmalloc,
};
