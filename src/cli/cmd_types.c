// SPDX-License-Identifier: GPL-3.0-or-later
/* whatis, ptype, struct: types from DWARF, and objects of those types */
#include "cli/cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "program/object.h"

/* "struct" "page" -> "struct page": a type name typed as several words. */
static void join_words(struct strbuf *out, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (i > 1)
			strbuf_addch(out, ' ');
		strbuf_addstr(out, argv[i]);
	}
}

/* A type by C name, or the type of a variable of that name. */
static struct vms_error *resolve_type(struct cli_ctx *ctx, const char *name, struct vms_type **t,
				      bool *is_var, uint64_t *var_addr)
{
	*is_var = false;
	struct vms_error *err = program_find_type(ctx->prog, name, t);
	if (!err)
		return NULL;
	uint64_t addr;
	struct vms_error *verr = program_variable(ctx->prog, name, t, &addr);
	if (!verr) {
		vms_error_destroy(err);
		*is_var = true;
		if (var_addr)
			*var_addr = addr;
		return NULL;
	}
	vms_error_destroy(verr);
	return err;
}

static struct vms_value *member_value(const struct vms_type_member *m, uint64_t base_bits)
{
	struct vms_value *o = value_object();
	value_set_str(o, "name", m->name);
	_cleanup_free_ char *tn = vms_type_name(m->type);
	value_set_str(o, "type", tn);
	uint64_t bits = base_bits + m->bit_offset;
	value_set_uint(o, "offset", bits / 8);
	if (m->bit_size) {
		value_set_uint(o, "bit_offset", bits);
		value_set_uint(o, "bit_size", m->bit_size);
	}
	value_set_uint(o, "size", vms_type_size(m->type));
	struct vms_type *st = vms_type_strip(m->type);
	enum vms_type_kind k = vms_type_kind(st);
	if (!m->name && (k == VMS_TYPE_STRUCT || k == VMS_TYPE_UNION)) {
		struct vms_value *arr = value_set(o, "members", value_array());
		for (size_t i = 0; i < vms_type_member_count(st); i++)
			value_push(arr, member_value(vms_type_member(st, i), bits));
	}
	return o;
}

static const char *kind_name(enum vms_type_kind k)
{
	static const char *const names[] = {
		[VMS_TYPE_VOID] = "void", [VMS_TYPE_INT] = "int", [VMS_TYPE_BOOL] = "bool",
		[VMS_TYPE_FLOAT] = "float", [VMS_TYPE_POINTER] = "pointer",
		[VMS_TYPE_STRUCT] = "struct", [VMS_TYPE_UNION] = "union",
		[VMS_TYPE_ENUM] = "enum", [VMS_TYPE_TYPEDEF] = "typedef",
		[VMS_TYPE_ARRAY] = "array", [VMS_TYPE_FUNCTION] = "function",
	};
	return (unsigned)k < VMS_ARRAY_SIZE(names) ? names[k] : "?";
}

static struct vms_value *type_value(struct vms_type *t, bool full)
{
	struct vms_value *o = value_object();
	_cleanup_free_ char *name = vms_type_name(t);
	value_set_str(o, "name", name);
	value_set_str(o, "kind", kind_name(vms_type_kind(t)));
	value_set_uint(o, "size", vms_type_size(t));
	if (!full)
		return o;
	struct vms_type *st = vms_type_strip(t);
	if (st != t) {
		_cleanup_free_ char *sn = vms_type_name(st);
		value_set_str(o, "resolves_to", sn);
	}
	enum vms_type_kind k = vms_type_kind(st);
	if (k == VMS_TYPE_STRUCT || k == VMS_TYPE_UNION) {
		struct vms_value *arr = value_set(o, "members", value_array());
		for (size_t i = 0; i < vms_type_member_count(st); i++)
			value_push(arr, member_value(vms_type_member(st, i), 0));
	} else if (k == VMS_TYPE_ENUM) {
		struct vms_value *arr = value_set(o, "enumerators", value_array());
		for (size_t i = 0; i < vms_type_enumerator_count(st); i++) {
			const struct vms_type_enumerator *e = vms_type_enumerator(st, i);
			struct vms_value *ev = value_push(arr, value_object());
			value_set_str(ev, "name", e->name);
			value_set_int(ev, "value", e->value);
		}
	}
	return o;
}

/* pahole-style text of a struct/union body with offsets. */
static void body_text(struct strbuf *out, struct vms_type *st, uint64_t base_bits, int depth)
{
	for (size_t i = 0; i < vms_type_member_count(st); i++) {
		const struct vms_type_member *m = vms_type_member(st, i);
		uint64_t bits = base_bits + m->bit_offset;
		struct vms_type *mt = vms_type_strip(m->type);
		enum vms_type_kind k = vms_type_kind(mt);
		if (!m->name && (k == VMS_TYPE_STRUCT || k == VMS_TYPE_UNION)) {
			strbuf_addf(out, "/* 0x%04" PRIx64 " %5" PRIu64 " */ ", bits / 8, vms_type_size(mt));
			strbuf_addchars(out, '\t', (size_t)depth);
			strbuf_addf(out, "%s {\n", k == VMS_TYPE_STRUCT ? "struct" : "union");
			body_text(out, mt, bits, depth + 1);
			strbuf_addchars(out, ' ', 17);
			strbuf_addchars(out, '\t', (size_t)depth);
			strbuf_addstr(out, "};\n");
			continue;
		}
		_cleanup_free_ char *decl = vms_type_declaration(m->type, m->name ? m->name : "");
		strbuf_addf(out, "/* 0x%04" PRIx64 " %5" PRIu64 " */ ", bits / 8, vms_type_size(m->type));
		strbuf_addchars(out, '\t', (size_t)depth);
		strbuf_addstr(out, decl ? decl : "?");
		if (m->bit_size)
			strbuf_addf(out, " : %" PRIu64 "  /* bit offset %" PRIu64 " */", m->bit_size, bits);
		strbuf_addstr(out, ";\n");
	}
}

static void ptype_text_of(struct strbuf *out, struct vms_type *t)
{
	struct vms_type *st = vms_type_strip(t);
	enum vms_type_kind k = vms_type_kind(st);
	_cleanup_free_ char *name = vms_type_name(t);
	if (st != t) {
		_cleanup_free_ char *sn = vms_type_name(st);
		strbuf_addf(out, "typedef %s %s;\n", sn, name);
	}
	if (k == VMS_TYPE_STRUCT || k == VMS_TYPE_UNION) {
		_cleanup_free_ char *sn = vms_type_name(st);
		strbuf_addf(out, "/* offset  size */ %s {\n", sn);
		body_text(out, st, 0, 1);
		strbuf_addf(out, "} /* size: %" PRIu64 " */\n", vms_type_size(st));
	} else if (k == VMS_TYPE_ENUM) {
		_cleanup_free_ char *sn = vms_type_name(st);
		strbuf_addf(out, "%s {\n", sn);
		for (size_t i = 0; i < vms_type_enumerator_count(st); i++) {
			const struct vms_type_enumerator *e = vms_type_enumerator(st, i);
			strbuf_addf(out, "\t%s = %" PRId64 ",\n", e->name, e->value);
		}
		strbuf_addstr(out, "};\n");
	} else if (st == t) {
		strbuf_addf(out, "type = %s  /* size: %" PRIu64 " */\n", name, vms_type_size(t));
	}
}

struct ptype_out {
	struct vms_type *type;
	const char *var;
};

static struct vms_error *cmd_ptype(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return vms_error_create(VMS_ERR_INVALID, "usage: ptype TYPE|VARIABLE");
	struct strbuf name = STRBUF_INIT;
	join_words(&name, argc, argv);
	struct vms_type *t;
	bool is_var;
	uint64_t addr = 0;
	struct vms_error *err = resolve_type(ctx, name.buf, &t, &is_var, &addr);
	if (err) {
		strbuf_release(&name);
		return err;
	}
	if (ctx->json) {
		struct vms_value *v = type_value(t, true);
		if (is_var) {
			value_set_str(v, "variable", name.buf);
			value_set_hex(v, "address", addr);
		}
		cli_emit(ctx, v, NULL);
	} else {
		struct strbuf out = STRBUF_INIT;
		if (is_var) {
			_cleanup_free_ char *decl = vms_type_declaration(t, name.buf);
			strbuf_addf(&out, "%s;  /* at 0x%" PRIx64 " */\n", decl, addr);
		}
		ptype_text_of(&out, t);
		cli_emit_text(ctx, out.buf);
		strbuf_release(&out);
	}
	strbuf_release(&name);
	return NULL;
}

static struct vms_error *cmd_whatis(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return vms_error_create(VMS_ERR_INVALID, "usage: whatis TYPE|VARIABLE");
	struct strbuf name = STRBUF_INIT;
	join_words(&name, argc, argv);
	struct vms_type *t;
	bool is_var;
	uint64_t addr = 0;
	struct vms_error *err = resolve_type(ctx, name.buf, &t, &is_var, &addr);
	if (err) {
		strbuf_release(&name);
		return err;
	}
	struct vms_value *v = type_value(t, false);
	struct strbuf out = STRBUF_INIT;
	if (is_var) {
		value_set_str(v, "variable", name.buf);
		value_set_hex(v, "address", addr);
		_cleanup_free_ char *decl = vms_type_declaration(t, name.buf);
		strbuf_addf(&out, "%s;\n", decl);
	} else {
		_cleanup_free_ char *tn = vms_type_name(t);
		struct vms_type *st = vms_type_strip(t);
		if (st != t) {
			_cleanup_free_ char *sn = vms_type_name(st);
			strbuf_addf(&out, "typedef %s %s;  /* size: %" PRIu64 " */\n", sn, tn, vms_type_size(t));
		} else {
			strbuf_addf(&out, "%s;  /* size: %" PRIu64 " */\n", tn, vms_type_size(t));
		}
	}
	if (ctx->json)
		cli_emit(ctx, v, NULL);
	else {
		value_destroy(v);
		cli_emit_text(ctx, out.buf);
	}
	strbuf_release(&out);
	strbuf_release(&name);
	return NULL;
}

/* struct TYPE[.m1,m2] ADDR [member...] */
static struct vms_error *cmd_struct(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 3)
		return vms_error_create(VMS_ERR_INVALID, "usage: struct TYPE[.member,...] ADDR [member...]");
	struct vms_error *err;
	_cleanup_free_ char *spec = strdup(argv[1]);
	if (!spec)
		return &vms_enomem;
	const char *members[64];
	size_t nmembers = 0;
	char *dot = strchr(spec, '.');
	if (dot) {
		*dot = '\0';
		for (char *tok = strtok(dot + 1, ","); tok && nmembers < 64; tok = strtok(NULL, ","))
			members[nmembers++] = tok;
	}
	for (int i = 3; i < argc && nmembers < 64; i++)
		members[nmembers++] = argv[i];
	struct vms_type *t;
	err = program_find_type(ctx->prog, spec, &t);
	if (err && !strchr(spec, ' ')) {
		// crash lets you write "struct page ADDR" with the keyword.
		char full[300];
		snprintf(full, sizeof(full), "struct %s", spec);
		vms_error_destroy(err);
		err = program_find_type(ctx->prog, full, &t);
	}
	if (err)
		return err;
	uint64_t addr;
	err = cli_parse_u64(ctx, argv[2], true, true, &addr);
	if (err)
		return err;
	struct strbuf text = STRBUF_INIT;
	struct vms_value *v = NULL;
	err = object_render(ctx->prog, t, addr, members, nmembers, ctx->json ? NULL : &text,
			    ctx->json ? &v : NULL);
	if (err) {
		strbuf_release(&text);
		return vms_error_wrap(err, "reading %s at 0x%" PRIx64, spec, addr);
	}
	if (ctx->json) {
		struct vms_value *doc = value_object();
		_cleanup_free_ char *tn = vms_type_name(t);
		value_set_str(doc, "type", tn);
		value_set_hex(doc, "address", addr);
		value_set(doc, "value", v);
		cli_emit(ctx, doc, NULL);
	} else {
		cli_emit_text(ctx, text.buf);
	}
	strbuf_release(&text);
	return NULL;
}

const struct cli_command cli_cmd_ptype = {
	.name = "ptype",
	.usage = "TYPE | VARIABLE",
	.summary = "show a type's definition with member offsets and sizes",
	.help = "TYPE is a C type name: 'struct page', 'page', 'pgd_t', 'enum pageflags'.\n"
		"Offsets and sizes are in bytes, like pahole.",
	.needs_program = true,
	.run = cmd_ptype,
};

const struct cli_command cli_cmd_whatis = {
	.name = "whatis",
	.usage = "TYPE | VARIABLE",
	.summary = "show a type's name and size, or a variable's declaration",
	.help = "TYPE is a C type name as for ptype ('struct page', 'page', 'pgd_t'); a typedef\n"
		"is shown with the type it names.  VARIABLE is a kernel variable: its C\n"
		"declaration.\n"
		"JSON: the type (name, kind, size), and for a variable also variable and address.",
	.needs_program = true,
	.run = cmd_whatis,
};

const struct cli_command cli_cmd_struct = {
	.name = "struct",
	.usage = "TYPE[.member,...] ADDR [member...]",
	.summary = "print the object of a struct type at an address (crash style)",
	.help = "ADDR is a kernel virtual address, hex by default, or SYMBOL[+OFFSET].\n"
		"Members may be paths: 'struct page.flags,_refcount ADDR', 'struct mm_struct ADDR mm_mt.ma_root'.",
	.needs_program = true,
	.run = cmd_struct,
};
