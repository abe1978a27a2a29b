// SPDX-License-Identifier: GPL-3.0-or-later
/* sym: symbol by name or address */
#include "cli/cli.h"

#include <inttypes.h>

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
	strbuf_addch(out, '\n');
}

VMS_MUST_CHECK static struct vms_error *cmd_sym(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc != 2)
		return vms_error_create(VMS_ERR_INVALID, "usage: sym NAME|ADDR");
	struct program_symbol sym;
	uint64_t offset = 0, query;
	struct vms_error *err = program_symbol(ctx->prog, argv[1], &sym);
	if (err) {
		struct vms_error *perr = cli_parse_u64(NULL, argv[1], true, false, &query);
		if (perr) {
			vms_error_destroy(perr);
			return err;
		}
		vms_error_destroy(err);
		err = program_symbol_at(ctx->prog, query, &sym, &offset);
		if (err)
			return err;
		if (sym.size && offset >= sym.size && offset > 0x100000)
			return vms_error_addr(VMS_ERR_LOOKUP, query, "no symbol near 0x%" PRIx64, query);
	}
	struct vms_value *v = value_object();
	value_set_str(v, "name", sym.name);
	value_set_hex(v, "address", sym.address + offset);
	value_set_hex(v, "symbol_address", sym.address);
	value_set_uint(v, "offset", offset);
	value_set_uint(v, "size", sym.size);
	char kind[2] = { sym.kind ? sym.kind : '?', 0 };
	value_set_str(v, "kind", kind);
	cli_emit(ctx, v, sym_text);
	return NULL;
}

const struct cli_command cli_cmd_sym = {
	.name = "sym",
	.usage = "NAME | ADDR",
	.summary = "look up a kernel symbol by name, or the symbol at an address",
	.help = "Addresses are relocated by the dump's KASLR offset.",
	.needs_program = true,
	.run = cmd_sym,
};
