// SPDX-License-Identifier: GPL-3.0-or-later
/* page: one struct page, decoded */
#include "cli/cli.h"

#include <inttypes.h>
#include <string.h>

#include "linux/page.h"

static void page_text(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out)
{
	strbuf_addf(out, "PFN:       0x%" PRIx64 "  (physical 0x%" PRIx64 ")\n",
		    value_get(v, "pfn")->u, value_get(v, "physical")->u);
	strbuf_addf(out, "PAGE:      0x%" PRIx64 "\n", value_get(v, "page")->u);
	strbuf_addf(out, "FLAGS:     0x%" PRIx64, value_get(v, "flags")->u);
	const struct vms_value *names = value_get(v, "flag_names");
	for (size_t i = 0; names && i < names->array.len; i++)
		strbuf_addf(out, "%s%s", i ? "," : "  ", names->array.items[i]->s);
	strbuf_addch(out, '\n');
	strbuf_addf(out, "REFCOUNT:  %" PRId64 "\n", value_get(v, "refcount")->i);
	strbuf_addf(out, "MAPCOUNT:  %" PRId64 "  (raw _mapcount %" PRId64 ")\n",
		    value_get(v, "mapcount")->i, value_get(v, "mapcount_raw")->i);
	strbuf_addf(out, "MAPPING:   0x%" PRIx64 "\n", value_get(v, "mapping")->u);
	strbuf_addf(out, "INDEX:     0x%" PRIx64 "\n", value_get(v, "index")->u);
	strbuf_addf(out, "PRIVATE:   0x%" PRIx64 "\n", value_get(v, "private")->u);
	const struct vms_value *h = value_get(v, "head_page");
	if (h)
		strbuf_addf(out, "HEAD:      0x%" PRIx64 " (pfn 0x%" PRIx64 ")\n", h->u,
			    value_get(v, "head_pfn")->u);
	const struct vms_value *m = value_get(v, "memcg_data");
	if (m)
		strbuf_addf(out, "MEMCG:     0x%" PRIx64 "\n", m->u);
}

static struct vms_error *cmd_page(struct cli_ctx *ctx, int argc, char **argv)
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
have_pfn:
	if (l->max_pfn && pfn >= l->max_pfn)
		return vms_error_create(VMS_ERR_INVALID, "pfn 0x%" PRIx64 " is beyond max_pfn 0x%" PRIx64,
					pfn, l->max_pfn);
	struct linux_page_raw r;
	err = linux_page_read(ctx->prog, pfn, &r);
	if (err)
		return err;
	struct vms_value *v = value_object();
	value_set_hex(v, "pfn", pfn);
	value_set_hex(v, "physical", pfn << program_page_shift(ctx->prog));
	value_set_hex(v, "page", r.page);
	value_set_hex(v, "flags", r.flags);
	struct vms_value *names = value_set(v, "flag_names", value_array());
	unsigned nflags = l->nr_pageflags ? l->nr_pageflags : LINUX_MAX_PAGEFLAGS;
	for (unsigned b = 0; b < nflags; b++)
		if ((r.flags >> b) & 1)
			value_push(names, l->flag_name[b] ? value_string(l->flag_name[b])
							  : value_stringf("bit%u", b));
	value_set_int(v, "refcount", r.refcount);
	value_set_int(v, "mapcount", (int64_t)r.mapcount_raw + 1);
	value_set_int(v, "mapcount_raw", r.mapcount_raw);
	value_set_hex(v, "mapping", r.mapping);
	value_set_hex(v, "index", r.index);
	value_set_hex(v, "private", r.private_);
	if (r.is_tail) {
		uint64_t hpfn;
		value_set_hex(v, "head_page", r.head);
		err = linux_page_to_pfn(ctx->prog, r.head, &hpfn);
		if (!err)
			value_set_hex(v, "head_pfn", hpfn);
		vms_error_destroy(err);
	}
	if (l->has_memcg)
		value_set_hex(v, "memcg_data", r.memcg_data);
	cli_emit(ctx, v, page_text);
	return NULL;
}

const struct cli_command cli_cmd_page = {
	.name = "page",
	.usage = "PFN | -a ADDR | -p PADDR",
	.summary = "decode the struct page of a page frame",
	.help = "PFN is decimal or 0x hex.  -a takes a kernel virtual address (or the address\n"
		"of a struct page itself), -p a physical address.  Flag names come from the\n"
		"kernel's own pageflag_names[] and enum pageflags.",
	.needs_program = true,
	.run = cmd_page,
};
