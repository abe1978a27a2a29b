// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Types from BTF, the compact type format every kernel built with
 * CONFIG_DEBUG_INFO_BTF carries in its own memory (.BTF, between __start_BTF
 * and __stop_BTF) and shows in /sys/kernel/btf/vmlinux.  libbpf parses and
 * checks the blob; this file maps its types onto the same struct vms_type as
 * the DWARF of types.c, keyed by BTF type id instead of DIE offset, and
 * builds name maps that dwarf_index.c's lookups answer from (never cached:
 * they take milliseconds to build; the sorted tables of its index image are
 * made from them only when names are listed by prefix).  This is the only
 * user of libbpf.
 *
 * What BTF does not have, and so vmsift does not fake: source lines, inline
 * frames, local variables, macros, and the types of global variables other
 * than per-CPU ones (those come from the program's declared table).  It
 * cannot tell "T x[0]" from "T x[]": both are arrays without a length here.
 */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/btf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo/internal.h"

#define MAX_DEPTH 64

/* The name at @off, or NULL for none.  BTF names are C identifiers,
 * section names and tag strings: one holding a control character is
 * corrupt and taken as none (messages quote names, and stay one line). */
static const char *btf_name(const struct btf *btf, uint32_t off)
{
	if (!off)
		return NULL;
	const char *s = btf__name_by_offset(btf, off);
	if (!s || !*s)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return NULL;
	return s;
}

VMS_MUST_CHECK static struct vms_error *bad_id(struct vms_debuginfo *di, uint64_t id)
{
	return vms_error_create(VMS_ERR_FORMAT, "BTF of %s refers to type %" PRIu64
				" beyond its %u types", di->path, id, btf__type_cnt(di->btf));
}

static struct vms_type *new_type(struct vms_debuginfo *di, enum vms_type_kind kind)
{
	struct vms_type *t = di_alloc(di, sizeof(*t));
	if (t) {
		t->kind = kind;
		t->di = di;
	}
	return t;
}

VMS_MUST_CHECK static struct vms_error *type_at(struct vms_debuginfo *di, uint64_t id, int depth,
						struct vms_type **ret);

/* The integer type an enum of @size bytes is compatible with, named as gcc
 * names it in DWARF. */
static struct vms_type *enum_int_type(struct vms_debuginfo *di, uint64_t size, bool is_signed)
{
	static const char *const names[2][9] = {
		{NULL, "unsigned char", "short unsigned int", NULL, "unsigned int", NULL, NULL,
		 NULL, "long unsigned int"},
		{NULL, "signed char", "short int", NULL, "int", NULL, NULL, NULL, "long int"},
	};
	struct vms_type *c = new_type(di, VMS_TYPE_INT);
	if (!c)
		return NULL;
	c->size = size ? size : 4;
	c->is_signed = is_signed;
	c->complete = true;
	c->tag = c->size <= 8 ? names[is_signed][c->size] : NULL;
	return c;
}

VMS_MUST_CHECK static struct vms_error *build_enum(struct vms_debuginfo *di, const struct btf_type *bt,
						   struct vms_type *t)
{
	size_t n = btf_vlen(bt);
	bool is_signed = btf_kflag(bt);
	// BTF before the signedness flag (pahole < 1.24): gcc makes an enum
	// signed exactly when one of its values is negative
	if (!is_signed && btf_is_enum(bt)) {
		for (size_t i = 0; i < n; i++)
			is_signed |= btf_enum(bt)[i].val < 0;
	}
	t->is_signed = is_signed;
	t->target = enum_int_type(di, t->size, is_signed);
	if (!t->target)
		return &vms_enomem;
	if (!n)
		return NULL;
	t->enumerators = di_alloc(di, n * sizeof(*t->enumerators));
	if (!t->enumerators)
		return &vms_enomem;
	for (size_t i = 0; i < n; i++) {
		struct vms_type_enumerator *e = &t->enumerators[i];
		uint32_t name_off;
		if (btf_is_enum(bt)) {
			name_off = btf_enum(bt)[i].name_off;
			e->value = is_signed ? (int64_t)btf_enum(bt)[i].val
					     : (int64_t)(uint32_t)btf_enum(bt)[i].val;
		} else {
			name_off = btf_enum64(bt)[i].name_off;
			e->value = (int64_t)btf_enum64_value(&btf_enum64(bt)[i]);
		}
		e->name = btf_name(di->btf, name_off);
		if (!e->name)
			return vms_error_create(VMS_ERR_FORMAT, "BTF of %s: enumerator %zu of %s "
						"has no name", di->path, i, t->tag ? t->tag : "an enum");
	}
	t->nenumerators = n;
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *build_function(struct vms_debuginfo *di, const struct btf_type *bt,
						       struct vms_type *t, int depth)
{
	struct vms_error *err = type_at(di, bt->type, depth + 1, &t->target);
	if (err)
		return err;
	t->prototyped = true;
	t->complete = true;
	size_t n = btf_vlen(bt);
	const struct btf_param *p = btf_params(bt);
	if (n && p[n - 1].type == 0) { // "..." is a last parameter of type void
		t->variadic = true;
		n--;
	}
	if (!n)
		return NULL;
	t->params = di_alloc(di, n * sizeof(*t->params));
	if (!t->params)
		return &vms_enomem;
	for (size_t i = 0; i < n; i++) {
		err = type_at(di, p[i].type, depth + 1, &t->params[i]);
		if (err)
			return err;
	}
	t->nparams = n;
	return NULL;
}

/* A forward declaration: the indexed definition of the same tag, else an
 * incomplete type. */
VMS_MUST_CHECK static struct vms_error *build_fwd(struct vms_debuginfo *di, const struct btf_type *bt,
						  uint64_t id, int depth, struct vms_type **ret)
{
	bool is_union = btf_kflag(bt);
	const char *tag = btf_name(di->btf, bt->name_off);
	if (tag) {
		struct vms_error *err = di_index_ensure(di);
		if (err)
			return err;
		const struct di_index_entry *e =
			di_index_find(&di->index, is_union ? DI_IDX_UNION : DI_IDX_STRUCT, tag);
		if (e && (e->flags & DI_FLAG_COMPLETE) && e->die_off != id)
			return type_at(di, e->die_off, depth + 1, ret);
	}
	struct vms_type *t = new_type(di, is_union ? VMS_TYPE_UNION : VMS_TYPE_STRUCT);
	if (!t)
		return &vms_enomem;
	t->tag = tag;
	*ret = t;
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *cache(struct vms_debuginfo *di, uint64_t id, struct vms_type *t)
{
	return vms_u64map_set(&di->types, id, t) ? NULL : &vms_enomem;
}

VMS_MUST_CHECK static struct vms_error *type_at(struct vms_debuginfo *di, uint64_t id, int depth,
						struct vms_type **ret)
{
	if (id == 0) {
		*ret = di->void_type;
		return NULL;
	}
	struct vms_type *t = vms_u64map_get(&di->types, id);
	if (t) {
		*ret = t;
		return NULL;
	}
	if (depth > MAX_DEPTH)
		return vms_error_create(VMS_ERR_FORMAT, "BTF of %s: type %" PRIu64
					" nests deeper than %d (a cycle?)", di->path, id, MAX_DEPTH);
	const struct btf_type *bt = id < btf__type_cnt(di->btf) ? btf__type_by_id(di->btf, id)
								 : NULL;
	if (!bt)
		return bad_id(di, id);
	struct vms_error *err = NULL;
	switch (btf_kind(bt)) {
	case BTF_KIND_INT: {
		uint8_t enc = btf_int_encoding(bt);
		t = new_type(di, enc & BTF_INT_BOOL ? VMS_TYPE_BOOL : VMS_TYPE_INT);
		if (!t)
			return &vms_enomem;
		t->tag = btf_name(di->btf, bt->name_off);
		t->size = bt->size;
		t->is_signed = enc & BTF_INT_SIGNED;
		t->complete = true;
		break;
	}
	case BTF_KIND_FLOAT:
		t = new_type(di, VMS_TYPE_FLOAT);
		if (!t)
			return &vms_enomem;
		t->tag = btf_name(di->btf, bt->name_off);
		t->size = bt->size;
		t->is_signed = true;
		t->complete = true;
		break;
	case BTF_KIND_PTR:
		t = new_type(di, VMS_TYPE_POINTER);
		if (!t || (err = cache(di, id, t)))
			return &vms_enomem;
		t->size = di->addr_size;
		t->complete = true;
		err = type_at(di, bt->type, depth + 1, &t->target);
		break;
	case BTF_KIND_TYPEDEF:
		t = new_type(di, VMS_TYPE_TYPEDEF);
		if (!t || (err = cache(di, id, t)))
			return &vms_enomem;
		t->tag = btf_name(di->btf, bt->name_off);
		t->complete = true;
		err = type_at(di, bt->type, depth + 1, &t->target);
		break;
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = btf_array(bt);
		t = new_type(di, VMS_TYPE_ARRAY);
		if (!t || (err = cache(di, id, t)))
			return &vms_enomem;
		err = type_at(di, a->type, depth + 1, &t->target);
		if (err)
			return err;
		t->has_length = a->nelems != 0;
		t->length = a->nelems;
		t->size = (uint64_t)a->nelems * vms_type_size(t->target);
		t->complete = true;
		break;
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		t = new_type(di, btf_is_union(bt) ? VMS_TYPE_UNION : VMS_TYPE_STRUCT);
		if (!t)
			return &vms_enomem;
		t->tag = btf_name(di->btf, bt->name_off);
		t->size = bt->size;
		t->complete = true;
		t->die_off = id;
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		t = new_type(di, VMS_TYPE_ENUM);
		if (!t)
			return &vms_enomem;
		t->tag = btf_name(di->btf, bt->name_off);
		t->size = bt->size;
		t->complete = btf_vlen(bt) != 0; // an enum forward: no values
		err = build_enum(di, bt, t);
		break;
	case BTF_KIND_FWD:
		err = build_fwd(di, bt, id, depth, &t);
		break;
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		err = type_at(di, bt->type, depth + 1, &t); // qualifiers are not represented
		break;
	case BTF_KIND_FUNC_PROTO:
		t = new_type(di, VMS_TYPE_FUNCTION);
		if (!t || (err = cache(di, id, t)))
			return &vms_enomem;
		err = build_function(di, bt, t, depth);
		break;
	case BTF_KIND_FUNC:
		err = type_at(di, bt->type, depth + 1, &t); // its prototype
		break;
	default:
		return vms_error_create(VMS_ERR_FORMAT, "BTF of %s: type %" PRIu64
					" is not a type (kind %u)", di->path, id, btf_kind(bt));
	}
	if (err)
		return err;
	if ((err = cache(di, id, t)))
		return err;
	*ret = t;
	return NULL;
}

struct vms_error *di_btf_type(struct vms_debuginfo *di, uint64_t id, struct vms_type **ret)
{
	return type_at(di, id, 0, ret);
}

struct vms_error *di_btf_members(struct vms_type *t)
{
	struct vms_debuginfo *di = t->di;
	const struct btf_type *bt = btf__type_by_id(di->btf, (uint32_t)t->die_off);
	if (!bt || !btf_is_composite(bt))
		return bad_id(di, t->die_off);
	size_t n = btf_vlen(bt);
	if (!n)
		return NULL;
	struct vms_type_member *members = di_alloc(di, n * sizeof(*members));
	if (!members)
		return &vms_enomem;
	const struct btf_member *bm = btf_members(bt);
	for (size_t i = 0; i < n; i++) {
		struct vms_type_member *m = &members[i];
		m->name = btf_name(di->btf, bm[i].name_off);
		struct vms_error *err = type_at(di, bm[i].type, 0, &m->type);
		if (err)
			return vms_error_wrap(err, "member %zu of %s", i, t->tag ? t->tag
									      : "an anonymous type");
		m->bit_offset = btf_member_bit_offset(bt, (uint32_t)i);
		m->bit_size = btf_member_bitfield_size(bt, (uint32_t)i);
		if (m->bit_offset / 8 > t->size)
			return vms_error_create(VMS_ERR_FORMAT, "BTF of %s: member %s of %s lies "
						"beyond its size", di->path, m->name ? m->name : "?",
						t->tag ? t->tag : "an anonymous type");
	}
	t->members = members;
	t->nmembers = n;
	return NULL;
}

struct vms_error *di_btf_variable(struct vms_debuginfo *di, uint64_t id, const char *name,
				  struct vms_type **type_ret, uint64_t *addr_ret)
{
	const struct btf_type *bt = id < btf__type_cnt(di->btf) ? btf__type_by_id(di->btf, id)
								 : NULL;
	if (!bt || !btf_is_var(bt))
		return bad_id(di, id);
	struct vms_symbol sym;
	struct vms_error *err = debuginfo_symbol(di, name, &sym);
	if (err) {
		vms_error_destroy(err);
		return vms_error_create(VMS_ERR_LOOKUP, "variable '%s' has no symbol", name);
	}
	err = type_at(di, bt->type, 0, type_ret);
	if (err)
		return err;
	*addr_ret = sym.address;
	return NULL;
}

/* ---- the name index ---- */

static int index_add(struct vms_strmap *maps, enum di_index_kind kind, const char *name,
		     uint32_t flags, uint64_t id)
{
	if (!name)
		return 0;
	bool inserted;
	uint64_t *v = vms_strmap_insert_hashed(&maps[kind], name, vms_hash_string(name),
					      &inserted);
	if (!v)
		return -1;
	uint64_t nv = di_index_value(id, flags);
	if (di_index_value_better(nv, *v))
		*v = nv;
	return 0;
}

static int index_type(struct vms_debuginfo *di, struct vms_strmap *maps, uint32_t id,
		      const struct btf_type *bt)
{
	const char *name = btf_name(di->btf, bt->name_off);
	switch (btf_kind(bt)) {
	case BTF_KIND_TYPEDEF:
		return index_add(maps, DI_IDX_TYPEDEF, name, DI_FLAG_COMPLETE, id);
	case BTF_KIND_STRUCT:
		return index_add(maps, DI_IDX_STRUCT, name, DI_FLAG_COMPLETE, id);
	case BTF_KIND_UNION:
		return index_add(maps, DI_IDX_UNION, name, DI_FLAG_COMPLETE, id);
	case BTF_KIND_FWD:
		return index_add(maps, btf_kflag(bt) ? DI_IDX_UNION : DI_IDX_STRUCT, name, 0, id);
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
		return index_add(maps, DI_IDX_BASE, name, DI_FLAG_COMPLETE, id);
	case BTF_KIND_VAR:
		return index_add(maps, DI_IDX_VARIABLE, name,
				 DI_FLAG_LOCATION | (btf_var(bt)->linkage ? DI_FLAG_EXTERNAL : 0),
				 id);
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64: {
		size_t n = btf_vlen(bt);
		if (index_add(maps, DI_IDX_ENUM, name, n ? DI_FLAG_COMPLETE : 0, id) < 0)
			return -1;
		for (size_t i = 0; i < n; i++) {
			uint32_t off = btf_is_enum(bt) ? btf_enum(bt)[i].name_off
						       : btf_enum64(bt)[i].name_off;
			if (index_add(maps, DI_IDX_ENUMERATOR, btf_name(di->btf, off),
				      DI_FLAG_COMPLETE, id) < 0)
				return -1;
		}
		return 0;
	}
	default:
		return 0;
	}
}

struct vms_error *di_btf_index_build(struct vms_debuginfo *di, struct di_index *index)
{
	struct vms_strmap *maps = calloc(DI_IDX_NR_KINDS, sizeof(*maps));
	if (!maps)
		return &vms_enomem;
	index->maps = maps;
	struct vms_error *err = NULL;
	uint32_t n = btf__type_cnt(di->btf);
	// a kernel's BTF: about a third are structs, a sixth enumerators
	if (!vms_strmap_reserve(&maps[DI_IDX_STRUCT], n / 3) ||
	    !vms_strmap_reserve(&maps[DI_IDX_ENUMERATOR], n / 4) ||
	    !vms_strmap_reserve(&maps[DI_IDX_TYPEDEF], n / 8))
		err = &vms_enomem;
	for (uint32_t id = 1; id < n && !err; id++) {
		const struct btf_type *bt = btf__type_by_id(di->btf, id);
		if (!bt)
			err = bad_id(di, id);
		else if (index_type(di, maps, id, bt) < 0)
			err = &vms_enomem;
	}
	return err;
}

/* ---- opening ---- */

static char libbpf_message[160];

/* libbpf's print callback: its format is libbpf's own (libbpf_print_fn_t
 * cannot carry a format attribute). */
__attribute__((format(printf, 2, 0)))
static int keep_libbpf_message(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level; // its parse errors are debug messages
	vsnprintf(libbpf_message, sizeof(libbpf_message), fmt, ap);
	// one line: "libbpf: " and the line end dropped, control bytes spaced
	char *m = libbpf_message;
	if (!strncmp(m, "libbpf: ", 8))
		memmove(m, m + 8, strlen(m + 8) + 1);
	size_t n = strlen(m);
	while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
		m[--n] = '\0';
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)m[i] < 0x20)
			m[i] = ' ';
	return 0;
}

/*
 * The header's own promises against the bytes there are, so that a cut or
 * overwritten blob is named for what it is before libbpf sees it (it only
 * says EINVAL).  Native byte order only; libbpf checks a swapped one.
 */
VMS_MUST_CHECK static struct vms_error *check_header(const void *data, size_t size, const char *origin)
{
	struct btf_header h;
	memcpy(&h, data, sizeof(h));
	if (h.version != 1)
		return vms_error_create(VMS_ERR_FORMAT, "BTF from %s has version %u, not 1",
					origin, h.version);
	if (h.hdr_len < sizeof(h) || h.hdr_len > size)
		return vms_error_create(VMS_ERR_FORMAT, "BTF from %s has a header of %u bytes "
					"in a blob of %zu", origin, h.hdr_len, size);
	uint64_t body = size - h.hdr_len;
	if ((uint64_t)h.type_off + h.type_len > body)
		return vms_error_create(VMS_ERR_FORMAT, "BTF from %s is truncated: its types "
					"(%u bytes at %u) end past its %" PRIu64 " bytes",
					origin, h.type_len, h.type_off, body);
	if ((uint64_t)h.str_off + h.str_len > body)
		return vms_error_create(VMS_ERR_FORMAT, "BTF from %s is truncated: its strings "
					"(%u bytes at %u) end past its %" PRIu64 " bytes",
					origin, h.str_len, h.str_off, body);
	return NULL;
}

struct vms_error *debuginfo_open_btf(const void *data, size_t size, const char *origin,
				     struct vms_debuginfo **ret)
{
	if (size < 24 || size > UINT32_MAX)
		return vms_error_create(VMS_ERR_FORMAT, "BTF from %s is %s (%zu bytes)", origin,
					size < 24 ? "truncated" : "too large", size);
	uint16_t magic;
	memcpy(&magic, data, 2);
	if (magic != 0xeB9F && magic != 0x9FeB)
		return vms_error_create(VMS_ERR_FORMAT, "BTF from %s has a bad magic number "
					"0x%04x", origin, magic);
	if (magic == 0xeB9F) {
		struct vms_error *err = check_header(data, size, origin);
		if (err)
			return err;
	}
	// libbpf's diagnostics are kept, not printed: the last one names what
	// it found wrong
	libbpf_set_print(keep_libbpf_message);
	libbpf_message[0] = '\0';
	errno = 0;
	struct btf *btf = btf__new(data, (uint32_t)size);
	int e = errno ? errno : EINVAL;
	libbpf_set_print(NULL); // and none on stderr later
	if (!btf)
		return vms_error_create(VMS_ERR_FORMAT, "BTF from %s is corrupt (libbpf: %s)",
					origin, libbpf_message[0] ? libbpf_message : strerror(e));
	struct vms_debuginfo *di = calloc(1, sizeof(*di));
	if (!di) {
		btf__free(btf);
		return &vms_enomem;
	}
	di->fd = -1;
	di->btf = btf;
	vms_u64map_init(&di->types);
	vms_u64map_init(&di->pointers);
	di->path = strdup(origin);
	di->addr_size = 8;
	di->void_type = di_alloc(di, sizeof(*di->void_type));
	if (!di->path || !di->void_type) {
		debuginfo_destroy(di);
		return &vms_enomem;
	}
	size_t ptr = btf__pointer_size(btf);
	if (ptr == 4 || ptr == 8)
		di->addr_size = (uint8_t)ptr;
	di->big_endian = btf__endianness(btf) == BTF_BIG_ENDIAN;
	di->void_type->kind = VMS_TYPE_VOID;
	di->void_type->tag = "void";
	di->void_type->di = di;
	di->syms_loaded = true; // none until debuginfo_set_symbols()
	*ret = di;
	return NULL;
}

bool debuginfo_is_btf(const struct vms_debuginfo *di)
{
	return di->btf != NULL;
}

struct vms_error *debuginfo_find_anonymous_struct(struct vms_debuginfo *di,
						  const char *const *members, size_t n,
						  struct vms_type **ret)
{
	if (!di->btf)
		return vms_error_create(VMS_ERR_UNSUPPORTED,
					"anonymous struct lookup needs BTF");
	uint32_t cnt = btf__type_cnt(di->btf);
	for (uint32_t id = 1; id < cnt; id++) {
		const struct btf_type *bt = btf__type_by_id(di->btf, id);
		if (!bt || !btf_is_struct(bt) || bt->name_off || btf_vlen(bt) != n)
			continue;
		const struct btf_member *m = btf_members(bt);
		size_t i = 0;
		while (i < n) {
			const char *name = btf_name(di->btf, m[i].name_off);
			if (!name || strcmp(name, members[i]) != 0)
				break;
			i++;
		}
		if (i == n)
			return di_btf_type(di, id, ret);
	}
	return vms_error_create(VMS_ERR_LOOKUP, "no anonymous struct with members %s%s in BTF",
				n ? members[0] : "", n > 1 ? ", ..." : "");
}

void di_btf_deinit(struct vms_debuginfo *di)
{
	btf__free(di->btf);
	di->btf = NULL;
}
