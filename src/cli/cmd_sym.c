// SPDX-License-Identifier: GPL-3.0-or-later
/* sym: symbol by name or address */
#include "cli/cli.h"

#include <inttypes.h>

#include "linux/module.h"

static void sym_text(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out)
{
	strbuf_addf(out, "%016" PRIx64 " (%c) %s", value_get(v, "address")->u,
		    value_get(v, "kind")->s[0], value_get(v, "name")->s);
	const struct vms_value *off = value_get(v, "offset");
	if (off && off->u)
		strbuf_addf(out, "+0x%" PRIx64, off->u);
	const struct vms_value *size = value_get(v, "size");
	if (size && size->u)
		strbuf_addf(out, "  size %" PRIu64, size->u);
	const struct vms_value *mod = value_get(v, "module");
	if (mod)
		strbuf_addf(out, "  [%s]", mod->s);
	strbuf_addch(out, '\n');
}

VMS_MUST_CHECK static struct vms_error *cmd_sym(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc != 2)
		return vms_error_create(VMS_ERR_INVALID, "usage: sym NAME|ADDR");
	struct program_symbol sym;
	struct linux_symbol ls = {0};
	uint64_t query;
	struct vms_error *err = program_symbol(ctx->prog, argv[1], &sym);
	if (!err) {
		ls = (struct linux_symbol){sym.name, sym.address, 0, sym.size, NULL, sym.kind};
	} else {
		// an address (vmlinux or a module's), or a module symbol's name
		struct vms_error *perr = cli_parse_u64(NULL, argv[1], true, false, &query);
		if (perr) {
			vms_error_destroy(perr);
			struct vms_error *merr = linux_module_lookup(ctx->prog, argv[1], &ls);
			if (merr) {
				vms_error_destroy(merr);
				return err;
			}
		} else {
			vms_error_destroy(err);
			err = linux_symbolize(ctx->prog, query, &ls);
			if (err)
				return err;
		}
		vms_error_destroy(err);
	}
	struct vms_value *v = value_object();
	value_set_str(v, "name", ls.name);
	value_set_hex(v, "address", ls.addr + ls.offset);
	value_set_hex(v, "symbol_address", ls.addr);
	value_set_uint(v, "offset", ls.offset);
	value_set_uint(v, "size", ls.size);
	char kind[2] = { ls.type ? ls.type : '?', 0 };
	value_set_str(v, "kind", kind);
	if (ls.module)
		value_set_str(v, "module", ls.module);
	cli_emit(ctx, v, sym_text);
	return NULL;
}

const struct cli_command cli_cmd_sym = {
	.name = "sym",
	.usage = "NAME | ADDR",
	.summary = "look up a kernel symbol by name, or the symbol at an address",
	.help = "Addresses are relocated by the dump's KASLR offset.  An address in a module,\n"
		"or a name that vmlinux does not have (\"name\" or \"module:name\"), is looked up in\n"
		"the modules' own symbol tables in memory.",
	.needs_program = true,
	.run = cmd_sym,
};
