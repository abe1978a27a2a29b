// SPDX-License-Identifier: GPL-3.0-or-later
/* page: one struct page, decoded */
#include "cli/cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli/page_record.h"
#include "linux/memmap.h"
#include "linux/pagedecode.h"

static void line_hex(struct strbuf *out, const struct vms_value *v, const char *label, const char *key)
{
	const struct vms_value *x = value_get(v, key);
	if (x)
		strbuf_addf(out, "%-13s0x%" PRIx64 "\n", label, x->u);
}

static void names_line(struct strbuf *out, const struct vms_value *names)
{
	for (size_t i = 0; names && i < names->array.len; i++)
		strbuf_addf(out, "%s%s", i ? "," : "  ", names->array.items[i]->s);
	strbuf_addch(out, '\n');
}

static void page_text(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out)
{
	const struct vms_value *u = value_get(v, "unknown");
	if (u) {
		// the struct page itself could not be read: one line
		strbuf_addf(out, "PFN:         0x%" PRIx64 "  struct page unknown (%s): %s\n",
			    value_get(v, "pfn")->u, u->s, value_get(v, "error")->s);
		return;
	}
	(void)ctx;
	strbuf_addf(out, "PFN:         0x%" PRIx64 "  (physical 0x%" PRIx64 ")\n",
		    value_get(v, "pfn")->u, value_get(v, "physical")->u);
	line_hex(out, v, "PAGE:", "page");
	strbuf_addf(out, "FLAGS:       0x%" PRIx64, value_get(v, "flags")->u);
	names_line(out, value_get(v, "flag_names"));
	strbuf_addf(out, "KPF:         0x%" PRIx64, value_get(v, "kpf")->u);
	names_line(out, value_get(v, "kpf_names"));
	const struct vms_value *z = value_get(v, "zone");
	if (z->kind == VMS_VALUE_STRING)
		strbuf_addf(out, "ZONE:        %s  NODE: %" PRIu64 "\n", z->s, value_get(v, "node")->u);
	else
		strbuf_addf(out, "ZONE:        %" PRIu64 "  NODE: %" PRIu64 "\n", z->u, value_get(v, "node")->u);
	const struct vms_value *pt = value_get(v, "page_type");
	strbuf_addf(out, "USE:         %s%s%s\n", value_get(v, "use")->s,
		    pt->kind == VMS_VALUE_STRING ? "  page_type " : "",
		    pt->kind == VMS_VALUE_STRING ? pt->s : "");
	bool head = value_get(v, "head")->b, tail = value_get(v, "tail")->b;
	if (head || tail || value_get(v, "free")->b)
		strbuf_addf(out, "COMPOUND:    %s order %" PRIu64 "%s%s\n",
			    head ? "head" : tail ? "tail" : "free block", value_get(v, "order")->u,
			    value_get(v, "thp")->b ? "  thp" : "",
			    value_get(v, "hugetlb")->b ? "  hugetlb" : "");
	line_hex(out, v, "HEAD:", "head_page");
	line_hex(out, v, "HEAD PFN:", "head_pfn");
	strbuf_addf(out, "REFCOUNT:    %" PRId64 "  (page_count %" PRId64 ")\n",
		    value_get(v, "refcount")->i, value_get(v, "page_count")->i);
	strbuf_addf(out, "MAPCOUNT:    %" PRId64 "  (raw _mapcount %" PRId64,
		    value_get(v, "mapcount")->i, value_get(v, "mapcount_raw")->i);
	const struct vms_value *x;
	if ((x = value_get(v, "entire_mapcount")))
		strbuf_addf(out, ", entire %" PRId64, x->i);
	if ((x = value_get(v, "large_mapcount")))
		strbuf_addf(out, ", large %" PRId64, x->i);
	if ((x = value_get(v, "double_map")) && x->b)
		strbuf_addstr(out, ", double_map");
	strbuf_addstr(out, ")\n");
	strbuf_addf(out, "MAPPING:     0x%" PRIx64 "  %s", value_get(v, "mapping")->u,
		    value_get(v, "mapping_kind")->s);
	if ((x = value_get(v, "file_name")))
		strbuf_addf(out, "  \"%s\"", x->s);
	if ((x = value_get(v, "inode")))
		strbuf_addf(out, "  inode 0x%" PRIx64 " ino %" PRIu64, x->u, value_get(v, "ino")->u);
	strbuf_addch(out, '\n');
	line_hex(out, v, "INDEX:", "index");
	line_hex(out, v, "PRIVATE:", "private");
	line_hex(out, v, "MEMCG:", "memcg");
	if ((x = value_get(v, "memmap_note")))
		strbuf_addf(out, "NOTE:        memory map: %s\n", x->s);
	if ((x = value_get(v, "head_unreadable")) && x->b)
		strbuf_addf(out, "NOTE:        the head's struct page (pfn 0x%" PRIx64 ") is unreadable: "
			    "the folio's mapping, counts and use are unknown\n", value_get(v, "head_pfn")->u);
	else if ((x = value_get(v, "partial")) && x->b)
		strbuf_addstr(out, "NOTE:        a struct page this one depends on was unreadable\n");
}

VMS_MUST_CHECK static struct vms_error *cmd_page(struct cli_ctx *ctx, int argc, char **argv)
{
	struct vms_error *err;
	uint64_t pfn;
	const struct linux_page_layout *l;
	err = linux_page_layout(ctx->prog, &l);
	if (err)
		return err;
	if (argc == 3 && (strcmp(argv[1], "-a") == 0 || strcmp(argv[1], "-p") == 0)) {
		uint64_t addr, paddr;
		err = cli_parse_u64(ctx, argv[2], true, argv[1][1] == 'a', &addr);
		if (err)
			return err;
		if (argv[1][1] == 'p') {
			paddr = addr;
		} else {
			// A struct page address names its own page; any other
			// kernel address is translated.
			err = linux_page_to_pfn(ctx->prog, addr, &pfn);
			if (!err && pfn < (l->max_pfn ? l->max_pfn : UINT64_MAX))
				goto have_pfn;
			vms_error_destroy(err);
			err = program_vtop(ctx->prog, addr, &paddr);
			if (err)
				return err;
		}
		pfn = paddr >> program_page_shift(ctx->prog);
	} else if (argc == 2) {
		err = cli_parse_u64(ctx, argv[1], false, false, &pfn);
		if (err)
			return err;
	} else {
		return vms_error_create(VMS_ERR_INVALID, "usage: page PFN | -a ADDR | -p PADDR");
	}
have_pfn:;
	struct linux_memmap *m;
	err = linux_memmap_create(ctx->prog, &m);
	if (err)
		return err;
	struct linux_page_info pi;
	err = linux_memmap_decode_one(ctx->prog, m, pfn, &pi);
	// the page decoded, but the map it came from is a guess
	char *note = m->note && !err ? strdup(m->note) : NULL;
	linux_memmap_destroy(m);
	if (err && err->code != VMS_ERR_INVALID) {
		// The PFN has a struct page but the dump does not hold it:
		// a partial answer (counted as unknown by reason, like pages
		// and pagestat do), not a failed command.
		struct vms_value *v = value_object();
		value_set_hex(v, "pfn", pfn);
		value_set_str(v, "unknown", linux_memmap_unknown_name(linux_memmap_unknown_reason(err)));
		value_set_str(v, "error", err->message);
		cli_partial(ctx, "%s", err->message);
		vms_error_destroy(err);
		cli_emit(ctx, v, page_text);
		return NULL;
	}
	if (err)
		return err;
	struct rec_row row;
	rec_row_init(&row, &page_schema);
	page_record_fill(&row, l, &pi, false, NULL);
	struct vms_value *v = rec_row_value(&row);
	rec_row_deinit(&row);
	value_set_hex(v, "physical", pfn << program_page_shift(ctx->prog));
	if (note) {
		value_set_str(v, "memmap_note", note);
		cli_partial(ctx, "memory map: %s", note);
		free(note);
	}
	if (pi.mapping_kind == LINUX_MAPPING_FILE) {
		uint64_t inode, ino;
		char *name;
		struct vms_error *e = linux_mapping_file(ctx->prog, l, pi.mapping, &inode, &ino, &name);
		if (!e) {
			value_set_hex(v, "inode", inode);
			value_set_uint(v, "ino", ino);
			if (name)
				value_set_str(v, "file_name", name);
			free(name);
		}
		vms_error_destroy(e);
	}
	if (pi.bits & LINUX_PAGE_PARTIAL)
		cli_partial(ctx, "part of the page's state could not be read");
	cli_emit(ctx, v, page_text);
	return NULL;
}

const struct cli_command cli_cmd_page = {
	.name = "page",
	.usage = "PFN | -a ADDR | -p PADDR",
	.summary = "decode the struct page of a page frame",
	.help = "PFN is decimal or 0x hex.  -a takes a kernel virtual address (or the address\n"
		"of a struct page itself), -p a physical address.  Shows the flags by name\n"
		"(from the kernel's own pageflag_names[] and enum pageflags, aliases by\n"
		"meaning), the /proc/kpageflags word the kernel would report (KPF), zone and\n"
		"node from page->flags, the page type, compound page / folio (head, order,\n"
		"THP, hugetlb), _refcount, the map count as /proc/kpagecount computes it\n"
		"(with the raw fields), the mapping (anon_vma, KSM stable node, movable,\n"
		"or file with its inode and name), index, private and memcg.",
	.needs_program = true,
	.run = cmd_page,
};
