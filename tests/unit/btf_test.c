// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Unit tests of the debug info layer without DWARF: kernel-shaped BTF made
 * with libbpf's writer, read back through the type model; corrupt and
 * truncated BTF blobs; a synthetic kallsyms table in every address mode, and
 * corrupt ones; System.map text; symbol lookups on installed tables.
 */
#include <bpf/btf.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "debuginfo/debuginfo.h"

#define assert_ok(expr)                                                   \
	do {                                                              \
		struct vms_error *err_ = (expr);                          \
		if (err_)                                                 \
			fail_msg("%s: %s", #expr, err_->message);         \
	} while (0)

static void assert_fails(struct vms_error *err, int code, const char *needle)
{
	if (!err)
		fail_msg("expected an error containing '%s'", needle);
	if (code)
		assert_int_equal(err->code, code);
	if (!strstr(err->message, needle))
		fail_msg("error '%s' lacks '%s'", err->message, needle);
	vms_error_destroy(err);
}

/* ---- a kernel-shaped BTF ---- */

struct blob {
	void *data;
	uint32_t size;
};

/*
 *   struct list_head { struct list_head *next, *prev; };
 *   typedef struct { int counter; } atomic_t;
 *   struct page { unsigned long flags; struct list_head lru;
 *                 unsigned int order:8, kind:4; atomic_t _refcount;
 *                 union { void *mapping; unsigned long index; }; };
 *   enum pageflags { PG_locked, PG_referenced, NR_PAGEFLAGS = 2 };
 *   enum signed_e { NEG = -1, POS = 1 };
 *   struct fwd_only;  (declared only)
 *   struct uses_fwd { struct page *p; struct fwd_only *f; char comm[16]; };
 *   typedef int (*fn_t)(struct page *, ...);
 *   per-CPU: struct page cpu_page;  (a VAR in .data..percpu)
 */
static struct blob make_btf(void)
{
	struct btf *b = btf__new_empty();
	assert_non_null(b);
	int t_int = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	int t_ulong = btf__add_int(b, "long unsigned int", 8, 0);
	int t_uint = btf__add_int(b, "unsigned int", 4, 0);
	int t_char = btf__add_int(b, "char", 1, BTF_INT_SIGNED | BTF_INT_CHAR);
	// fields follow their struct at once: the pointer to list_head first
	int t_lhp = btf__add_ptr(b, t_char + 2);
	int t_lh = btf__add_struct(b, "list_head", 16);
	assert_int_equal(t_lh, t_char + 2);
	assert_int_equal(btf__add_field(b, "next", t_lhp, 0, 0), 0);
	assert_int_equal(btf__add_field(b, "prev", t_lhp, 64, 0), 0);
	int t_anon = btf__add_struct(b, NULL, 4);
	btf__add_field(b, "counter", t_int, 0, 0);
	int t_atomic = btf__add_typedef(b, "atomic_t", t_anon);
	int t_void_p = btf__add_ptr(b, 0);
	int t_union = btf__add_union(b, NULL, 8);
	btf__add_field(b, "mapping", t_void_p, 0, 0);
	btf__add_field(b, "index", t_ulong, 0, 0);
	int t_page = btf__add_struct(b, "page", 48);
	btf__add_field(b, "flags", t_ulong, 0, 0);
	btf__add_field(b, "lru", t_lh, 64, 0);
	btf__add_field(b, "order", t_uint, 192, 8);
	btf__add_field(b, "kind", t_uint, 200, 4);
	btf__add_field(b, "_refcount", t_atomic, 224, 0);
	btf__add_field(b, NULL, t_union, 256, 0);
	int t_e = btf__add_enum(b, "pageflags", 4);
	btf__add_enum_value(b, "PG_locked", 0);
	btf__add_enum_value(b, "PG_referenced", 1);
	btf__add_enum_value(b, "NR_PAGEFLAGS", 2);
	int t_s = btf__add_enum(b, "signed_e", 4);
	btf__add_enum_value(b, "NEG", -1);
	btf__add_enum_value(b, "POS", 1);
	int t_fwd = btf__add_fwd(b, "fwd_only", BTF_FWD_STRUCT);
	int t_pagep = btf__add_ptr(b, t_page);
	int t_arr_idx = t_int;
	int t_comm = btf__add_array(b, t_arr_idx, t_char, 16);
	int t_fwdp = btf__add_ptr(b, t_fwd);
	int t_uses = btf__add_struct(b, "uses_fwd", 32);
	btf__add_field(b, "p", t_pagep, 0, 0);
	btf__add_field(b, "f", t_fwdp, 64, 0);
	btf__add_field(b, "comm", t_comm, 128, 0);
	int t_proto = btf__add_func_proto(b, t_int);
	btf__add_func_param(b, "page", t_pagep);
	btf__add_func_param(b, NULL, 0); // "..."
	btf__add_typedef(b, "fn_t", btf__add_ptr(b, t_proto));
	int t_const_page = btf__add_const(b, t_page);
	int t_var = btf__add_var(b, "cpu_page", BTF_VAR_GLOBAL_ALLOCATED, t_const_page);
	btf__add_datasec(b, ".data..percpu", 48);
	btf__add_datasec_var_info(b, t_var, 0, 48);
	(void)t_e;
	(void)t_s;
	(void)t_uses;
	uint32_t size;
	const void *raw = btf__raw_data(b, &size);
	assert_non_null(raw);
	struct blob out = { malloc(size), size };
	memcpy(out.data, raw, size);
	btf__free(b);
	return out;
}

static struct vms_debuginfo *open_blob(struct blob bl)
{
	struct vms_debuginfo *di;
	assert_ok(debuginfo_open_btf(bl.data, bl.size, "the test", &di));
	assert_true(debuginfo_is_btf(di));
	return di;
}

static void test_types(void **state)
{
	struct blob bl = make_btf();
	struct vms_debuginfo *di = open_blob(bl);
	struct vms_type *t, *mt;
	assert_ok(debuginfo_find_type(di, "struct page", &t));
	assert_int_equal(vms_type_kind(t), VMS_TYPE_STRUCT);
	assert_int_equal(vms_type_size(t), 48);
	assert_int_equal(vms_type_member_count(t), 6);
	uint64_t off, bits;
	assert_ok(vms_type_member_find(t, "lru.prev", &mt, &off, &bits));
	assert_int_equal(off, 128);
	assert_int_equal(vms_type_kind(mt), VMS_TYPE_POINTER);
	assert_ok(vms_type_member_find(t, "kind", &mt, &off, &bits));
	assert_int_equal(off, 200);
	assert_int_equal(bits, 4);
	assert_ok(vms_type_member_find(t, "_refcount.counter", &mt, &off, NULL));
	assert_int_equal(off, 224);
	assert_true(vms_type_is_signed(mt));
	assert_ok(vms_type_member_find(t, "index", &mt, &off, NULL)); // through the union
	assert_int_equal(off, 256);
	char *name = vms_type_name(mt);
	assert_string_equal(name, "long unsigned int");
	free(name);

	// base types in any word order; typedefs; pointers and arrays by spelling
	assert_ok(debuginfo_find_type(di, "unsigned long", &t));
	assert_int_equal(vms_type_size(t), 8);
	assert_ok(debuginfo_find_type(di, "atomic_t", &t));
	assert_int_equal(vms_type_kind(t), VMS_TYPE_TYPEDEF);
	assert_ok(debuginfo_find_type(di, "struct page *[4]", &t));
	assert_int_equal(vms_type_size(t), 32);
	name = vms_type_name(t);
	assert_string_equal(name, "struct page *[4]");
	free(name);

	// a declaration resolves to the definition; a lone one stays incomplete
	assert_ok(debuginfo_find_type(di, "struct uses_fwd", &t));
	assert_ok(vms_type_member_find(t, "p", &mt, NULL, NULL));
	assert_true(vms_type_is_complete(vms_type_target(mt)));
	assert_ok(vms_type_member_find(t, "f", &mt, NULL, NULL));
	assert_false(vms_type_is_complete(vms_type_target(mt)));
	assert_ok(vms_type_member_find(t, "comm", &mt, &off, NULL));
	assert_int_equal(vms_type_array_length(mt), 16);
	char *decl = vms_type_declaration(mt, "comm");
	assert_string_equal(decl, "char comm[16]");
	free(decl);

	// enums: values, signedness, lookup by enumerator
	int64_t v;
	struct vms_type *e;
	assert_ok(debuginfo_find_enumerator(di, "NR_PAGEFLAGS", &e, &v));
	assert_int_equal(v, 2);
	assert_string_equal(vms_type_tag(e), "pageflags");
	assert_false(vms_type_is_signed(e));
	assert_ok(debuginfo_find_enumerator(di, "NEG", &e, &v));
	assert_int_equal(v, -1);
	assert_true(vms_type_is_signed(e));
	assert_fails(debuginfo_find_enumerator(di, "PG_nosuch", NULL, NULL), VMS_ERR_LOOKUP,
		     "PG_nosuch");

	// a function pointer typedef, variadic
	assert_ok(debuginfo_find_type(di, "fn_t", &t));
	name = vms_type_name(t);
	assert_string_equal(name, "fn_t");
	free(name);
	struct vms_type *fn = vms_type_target(vms_type_strip(t));
	assert_int_equal(vms_type_kind(fn), VMS_TYPE_FUNCTION);
	assert_int_equal(vms_type_param_count(fn), 1);
	assert_true(vms_type_is_variadic(fn));

	assert_fails(debuginfo_find_type(di, "struct nosuch", &t), VMS_ERR_LOOKUP, "nosuch");
	debuginfo_destroy(di);
	free(bl.data);
}

static bool count_name(const char *name, unsigned kind, void *arg)
{
	(void)name;
	(void)kind;
	++*(int *)arg;
	return true;
}

static void test_variables_and_symbols(void **state)
{
	struct blob bl = make_btf();
	struct vms_debuginfo *di = open_blob(bl);
	struct vms_type *t;
	uint64_t addr;
	// a per-CPU variable: type from BTF, address from the symbols
	assert_fails(debuginfo_find_variable(di, "cpu_page", &t, &addr), VMS_ERR_LOOKUP,
		     "no symbol");
	const char map[] = "0000000000001000 D cpu_page\n"
			   "ffffffff81000000 T _text\n"
			   "ffffffff81000000 T startup_64\n"
			   "ffffffff81000100 t local_fn\n"
			   "ffffffff82000000 D init_task\n"
			   "ffffffff82000000 U undefined_one\n"
			   "ffffffff82001000 b local_fn\n";
	struct debuginfo_symbols syms;
	assert_ok(debuginfo_sysmap_parse(map, sizeof(map) - 1, &syms));
	assert_int_equal(syms.nsyms, 6);
	assert_ok(debuginfo_set_symbols(di, &syms));
	assert_null(syms.syms);
	assert_ok(debuginfo_find_variable(di, "cpu_page", &t, &addr));
	assert_int_equal(addr, 0x1000);
	assert_string_equal(vms_type_tag(t), "page");
	struct vms_symbol s;
	assert_ok(debuginfo_symbol(di, "init_task", &s));
	assert_int_equal(s.address, 0xffffffff82000000ull);
	assert_int_equal(s.size, 0x1000); // to the next symbol
	assert_ok(debuginfo_symbol(di, "local_fn", &s));
	assert_int_equal(s.kind, 't');
	assert_ok(debuginfo_symbol_at(di, 0xffffffff81000004ull, &s));
	assert_string_equal(s.name, "_text"); // the global one of two aliases? both global: either
	assert_ok(debuginfo_symbol_at(di, 0xffffffff81000104ull, &s));
	assert_string_equal(s.name, "local_fn");
	assert_fails(debuginfo_symbol(di, "undefined_one", &s), VMS_ERR_LOOKUP, "undefined_one");
	// name order for completion
	assert_int_equal(debuginfo_symbol_count(di), 6);
	const struct vms_symbol *first = debuginfo_symbol_by_index(di, 0);
	assert_string_equal(first->name, "_text");
	assert_null(debuginfo_symbol_by_index(di, 6));
	int n = 0;
	assert_ok(debuginfo_names_with_prefix(di, "", DEBUGINFO_NAME_STRUCT, count_name, &n));
	assert_int_equal(n, 4); // list_head, page, uses_fwd, fwd_only
	// no file behind BTF: static reads fail, no build-id
	char buf[4];
	assert_fails(debuginfo_read_static(di, 0xffffffff81000000ull, buf, 4), VMS_ERR_FAULT,
		     "no image");
	size_t idlen;
	assert_null(debuginfo_build_id(di, &idlen));
	debuginfo_destroy(di);
	free(bl.data);
}

/* Corrupt blobs: every answer is an error value or a type, never a crash. */
static void test_corrupt_btf(void **state)
{
	struct blob bl = make_btf();
	struct vms_debuginfo *di;
	assert_fails(debuginfo_open_btf(bl.data, 10, "x", &di), VMS_ERR_FORMAT, "truncated");
	// the header's sections against the bytes there are: named before libbpf
	assert_fails(debuginfo_open_btf(bl.data, bl.size / 2, "x", &di), VMS_ERR_FORMAT,
		     "truncated: its types");
	unsigned char *bad = malloc(bl.size);
	memcpy(bad, bl.data, bl.size);
	bad[2] = 2; // version
	assert_fails(debuginfo_open_btf(bad, bl.size, "x", &di), VMS_ERR_FORMAT, "version 2");
	memcpy(bad, bl.data, bl.size);
	bad[7] = 0x10; // hdr_len
	assert_fails(debuginfo_open_btf(bad, bl.size, "x", &di), VMS_ERR_FORMAT, "header of");
	memcpy(bad, bl.data, bl.size);
	bad[23] = 0x10; // str_len
	assert_fails(debuginfo_open_btf(bad, bl.size, "x", &di), VMS_ERR_FORMAT,
		     "truncated: its strings");
	// what only libbpf sees: its own words, on one line
	memcpy(bad, bl.data, bl.size);
	bad[24 + 7] = 31; // the first type's kind
	assert_fails(debuginfo_open_btf(bad, bl.size, "x", &di), VMS_ERR_FORMAT,
		     "corrupt (libbpf: ");
	free(bad);
	unsigned char *copy = malloc(bl.size);
	memcpy(copy, bl.data, bl.size);
	copy[0] = 0x12;
	assert_fails(debuginfo_open_btf(copy, bl.size, "x", &di), VMS_ERR_FORMAT, "magic");
	// every single-byte change past the magic: open, index and walk what opens
	for (uint32_t i = 2; i < bl.size; i++) {
		for (int flip = 0; flip < 2; flip++) {
			memcpy(copy, bl.data, bl.size);
			copy[i] ^= flip ? 0xff : 0x10;
			struct vms_error *err = debuginfo_open_btf(copy, bl.size, "x", &di);
			if (err) {
				assert_int_equal(err->code, VMS_ERR_FORMAT);
				vms_error_destroy(err);
				continue;
			}
			const char *names[] = { "struct page", "struct uses_fwd", "fn_t", "atomic_t" };
			for (size_t k = 0; k < 4; k++) {
				struct vms_type *t;
				err = debuginfo_find_type(di, names[k], &t);
				if (!err) {
					for (size_t m = 0; m < vms_type_member_count(t); m++)
						free(vms_type_name(vms_type_member(t, m)->type));
					free(vms_type_name(t));
				}
				vms_error_destroy(err);
			}
			vms_error_destroy(debuginfo_find_enumerator(di, "NEG", NULL, NULL));
			debuginfo_destroy(di);
		}
	}
	free(copy);
	free(bl.data);
}

/* Qualifiers that refer to each other: bounded, an error naming the
 * nesting (unless libbpf refuses the blob first). */
static void test_btf_cycle(void **state)
{
	struct btf *b = btf__new_empty();
	int t_int = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	int t_c = btf__add_const(b, t_int);
	int t_v = btf__add_volatile(b, t_c);
	btf__add_typedef(b, "loop_t", t_c);
	struct btf_type *c = (struct btf_type *)btf__type_by_id(b, t_c);
	c->type = t_v; // const -> volatile -> const -> ...
	uint32_t size;
	const void *raw = btf__raw_data(b, &size);
	struct vms_debuginfo *di;
	struct vms_error *err = debuginfo_open_btf(raw, size, "x", &di);
	if (!err) {
		struct vms_type *t;
		assert_fails(debuginfo_find_type(di, "loop_t", &t), VMS_ERR_FORMAT, "deeper");
		debuginfo_destroy(di);
	} else {
		assert_int_equal(err->code, VMS_ERR_FORMAT);
		vms_error_destroy(err);
	}
	btf__free(b);
}

/* ---- kallsyms ---- */

struct kstab {
	uint8_t names[4096];
	size_t names_size;
	char table[4096];
	size_t table_size;
	uint16_t index[256];
	int32_t offsets[16];
	uint64_t addresses[16];
};

/* Tokens: 0 -> "init_", 1 -> "task", 2.. -> single characters 'A'+... for
 * every byte value that is a printable character (token c = "c"). */
static void kstab_tokens(struct kstab *k)
{
	k->table_size = 0;
	for (int i = 0; i < 256; i++) {
		const char *s;
		char one[2] = { (char)i, 0 };
		if (i == 0)
			s = "init_";
		else if (i == 1)
			s = "task";
		else if (i >= 0x20 && i < 0x7f)
			s = one;
		else
			s = "?";
		k->index[i] = (uint16_t)k->table_size;
		strcpy(k->table + k->table_size, s);
		k->table_size += strlen(s) + 1;
	}
}

/* Append a symbol: type letter, then tokens for "init_"/"task" and plain
 * characters. */
static void kstab_add(struct kstab *k, char type, const char *name)
{
	uint8_t toks[300];
	size_t n = 0;
	toks[n++] = (uint8_t)type;
	for (const char *p = name; *p;) {
		if (!strncmp(p, "init_", 5)) {
			toks[n++] = 0;
			p += 5;
		} else if (!strncmp(p, "task", 4)) {
			toks[n++] = 1;
			p += 4;
		} else {
			toks[n++] = (uint8_t)*p++;
		}
	}
	if (n >= 128) { // a "big" symbol: two length bytes (6.1+)
		k->names[k->names_size++] = (uint8_t)(0x80 | (n & 0x7f));
		k->names[k->names_size++] = (uint8_t)(n >> 7);
	} else {
		k->names[k->names_size++] = (uint8_t)n;
	}
	memcpy(k->names + k->names_size, toks, n);
	k->names_size += n;
}

static struct debuginfo_kallsyms kstab_view(struct kstab *k, uint64_t n)
{
	struct debuginfo_kallsyms ks = {
		.num_syms = n,
		.names = k->names, .names_size = k->names_size,
		.token_table = (const uint8_t *)k->table, .token_table_size = k->table_size,
		.token_index = (const uint8_t *)k->index,
		.offsets = (const uint8_t *)k->offsets, .offsets_size = n * 4,
		.addresses = (const uint8_t *)k->addresses, .addresses_size = n * 8,
	};
	return ks;
}

static char long_name[200];

static void kstab_make(struct kstab *k)
{
	memset(k, 0, sizeof(*k));
	kstab_tokens(k);
	kstab_add(k, 'D', "fixed_percpu"); // per-CPU, absolute
	kstab_add(k, 'T', "_text");
	kstab_add(k, 't', "init_task_fn");
	kstab_add(k, 'D', "init_task");
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = 0;
	kstab_add(k, 'T', long_name);
}

static void check_decoded(const struct debuginfo_symbols *s, uint64_t text, bool percpu_abs)
{
	assert_int_equal(s->nsyms, 5);
	assert_string_equal(s->syms[0].name, "fixed_percpu");
	assert_int_equal(s->syms[0].kind, 'D');
	assert_int_equal(s->syms[0].address, percpu_abs ? 0x40 : text - 0x10000);
	assert_string_equal(s->syms[1].name, "_text");
	assert_int_equal(s->syms[1].address, text);
	assert_string_equal(s->syms[2].name, "init_task_fn");
	assert_int_equal(s->syms[2].kind, 't');
	assert_int_equal(s->syms[2].address, text + 0x100);
	assert_int_equal(s->syms[1].size, 0x100);
	assert_string_equal(s->syms[3].name, "init_task");
	assert_int_equal(s->syms[3].address, text + 0x200000);
	assert_string_equal(s->syms[4].name, long_name);
}

static void test_kallsyms_modes(void **state)
{
	struct kstab k;
	struct debuginfo_symbols s;
	const uint64_t kaslr = 0x1c800000, text = 0xffffffff81000000ull;
	const uint64_t base = text + kaslr; // where kallsyms_relative_base points
	kstab_make(&k);
	// absolute addresses, relocated
	uint64_t rel[5] = { text - 0x10000, text, text + 0x100, text + 0x200000, text + 0x300000 };
	for (int i = 0; i < 5; i++)
		k.addresses[i] = rel[i] + kaslr;
	struct debuginfo_kallsyms ks = kstab_view(&k, 5);
	ks.mode = DEBUGINFO_KALLSYMS_ADDRESSES;
	ks.kaslr_offset = kaslr;
	assert_ok(debuginfo_kallsyms_decode(&ks, &s));
	check_decoded(&s, text, false);
	debuginfo_symbols_deinit(&s);
	// base-relative: base + (u32)offset
	k.offsets[0] = 0; // below the base: not representable, use an absolute test below
	for (int i = 0; i < 5; i++)
		k.offsets[i] = (int32_t)(uint32_t)(rel[i] + kaslr - (base - 0x10000));
	ks.mode = DEBUGINFO_KALLSYMS_BASE_RELATIVE;
	ks.relative_base = base - 0x10000;
	assert_ok(debuginfo_kallsyms_decode(&ks, &s));
	check_decoded(&s, text, false);
	debuginfo_symbols_deinit(&s);
	// absolute per-CPU: >= 0 absolute, else base - 1 - offset
	k.offsets[0] = 0x40;
	for (int i = 1; i < 5; i++)
		k.offsets[i] = (int32_t)(base - 1 - (rel[i] + kaslr));
	ks.mode = DEBUGINFO_KALLSYMS_ABSOLUTE_PERCPU;
	ks.relative_base = base;
	assert_ok(debuginfo_kallsyms_decode(&ks, &s));
	check_decoded(&s, text, true);
	debuginfo_symbols_deinit(&s);
	// PC-relative: &offsets[i] + offset
	const uint64_t at = 0xffffffff82800000ull + kaslr;
	for (int i = 0; i < 5; i++)
		k.offsets[i] = (int32_t)(int64_t)(rel[i] + kaslr - (at + 4 * i));
	ks.mode = DEBUGINFO_KALLSYMS_PC_RELATIVE;
	ks.offsets_address = at;
	assert_ok(debuginfo_kallsyms_decode(&ks, &s));
	check_decoded(&s, text, false);
	debuginfo_symbols_deinit(&s);
}

static void test_kallsyms_corrupt(void **state)
{
	struct kstab k;
	struct debuginfo_symbols s;
	kstab_make(&k);
	struct debuginfo_kallsyms ks = kstab_view(&k, 5);
	ks.mode = DEBUGINFO_KALLSYMS_ADDRESSES;
	// more symbols than names
	ks.num_syms = 6;
	ks.addresses_size = 6 * 8;
	assert_fails(debuginfo_kallsyms_decode(&ks, &s), VMS_ERR_FORMAT, "names end early");
	ks = kstab_view(&k, 5);
	ks.mode = DEBUGINFO_KALLSYMS_ADDRESSES;
	ks.num_syms = 0;
	assert_fails(debuginfo_kallsyms_decode(&ks, &s), VMS_ERR_FORMAT, "0 symbols");
	ks.num_syms = 1u << 30;
	assert_fails(debuginfo_kallsyms_decode(&ks, &s), VMS_ERR_FORMAT, "symbols");
	// fewer addresses than symbols
	ks = kstab_view(&k, 5);
	ks.mode = DEBUGINFO_KALLSYMS_PC_RELATIVE;
	ks.offsets_size = 8;
	assert_fails(debuginfo_kallsyms_decode(&ks, &s), VMS_ERR_FORMAT, "room for fewer");
	// a token offset past the table
	ks = kstab_view(&k, 5);
	ks.mode = DEBUGINFO_KALLSYMS_ADDRESSES;
	k.index['_'] = 60000;
	assert_fails(debuginfo_kallsyms_decode(&ks, &s), VMS_ERR_FORMAT, "bad token");
	kstab_make(&k);
	// a name running past the table
	ks = kstab_view(&k, 5);
	ks.mode = DEBUGINFO_KALLSYMS_ADDRESSES;
	ks.names_size -= 3;
	assert_fails(debuginfo_kallsyms_decode(&ks, &s), VMS_ERR_FORMAT, "past the table");
	// a token table without terminator
	ks = kstab_view(&k, 5);
	ks.mode = DEBUGINFO_KALLSYMS_ADDRESSES;
	ks.token_table_size = k.index['x'] + 1; // 'x' then no NUL inside
	assert_fails(debuginfo_kallsyms_decode(&ks, &s), VMS_ERR_FORMAT, "bad token");
	// an address table out of order: overwritten, not the kernel's sort
	kstab_make(&k);
	ks = kstab_view(&k, 5);
	ks.mode = DEBUGINFO_KALLSYMS_ADDRESSES;
	for (int i = 0; i < 5; i++)
		k.addresses[i] = 0xffffffff81000000ull + 0x100 * (uint64_t)i;
	assert_ok(debuginfo_kallsyms_decode(&ks, &s));
	debuginfo_symbols_deinit(&s);
	k.addresses[3] = k.addresses[1] - 1;
	assert_fails(debuginfo_kallsyms_decode(&ks, &s), VMS_ERR_FORMAT,
		     "addresses go backwards at symbol 3");
	// random damage to names: errors or symbols, never a crash
	for (size_t i = 0; i < k.names_size; i++) {
		kstab_make(&k);
		k.names[i] ^= 0x5a;
		ks = kstab_view(&k, 5);
		ks.mode = DEBUGINFO_KALLSYMS_ADDRESSES;
		struct vms_error *err = debuginfo_kallsyms_decode(&ks, &s);
		if (err)
			vms_error_destroy(err);
		else
			debuginfo_symbols_deinit(&s);
	}
}

static void test_sysmap(void **state)
{
	struct debuginfo_symbols s;
	const char stub[] = "ffffffffffffffff B The real System.map is in the "
			    "linux-image-6.1.0-57-cloud-amd64-dbg package\n";
	assert_fails(debuginfo_sysmap_parse(stub, sizeof(stub) - 1, &s), VMS_ERR_FORMAT,
		     "placeholder");
	const char bad[] = "ffffffff81000000 T _text\nnot a line\n";
	assert_fails(debuginfo_sysmap_parse(bad, sizeof(bad) - 1, &s), VMS_ERR_FORMAT, "line 2");
	assert_fails(debuginfo_sysmap_parse("", 0, &s), VMS_ERR_FORMAT, "no symbols");
	const char overlong[] = "1ffffffff81000000 T _text\n";
	assert_fails(debuginfo_sysmap_parse(overlong, sizeof(overlong) - 1, &s), VMS_ERR_FORMAT,
		     "line 1");
	const char crlf[] = "ffffffff81000000 T _text\r\nffffffff81000010 t b\r\n\n";
	assert_ok(debuginfo_sysmap_parse(crlf, sizeof(crlf) - 1, &s));
	assert_int_equal(s.nsyms, 2);
	assert_string_equal(s.syms[0].name, "_text");
	assert_int_equal(s.syms[0].size, 0x10);
	debuginfo_symbols_deinit(&s);
	// no final newline
	const char last[] = "ffffffff81000000 T _text";
	assert_ok(debuginfo_sysmap_parse(last, sizeof(last) - 1, &s));
	assert_int_equal(s.nsyms, 1);
	debuginfo_symbols_deinit(&s);
}

static void test_image_errors(void **state)
{
	struct vms_debuginfo *di;
	assert_fails(debuginfo_open_btf_image("/nonexistent/vmlinuz", &di), VMS_ERR_OS,
		     "cannot open");
	char path[] = "/tmp/vmsift-btf-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	// a bzImage header whose payload lies outside the file
	unsigned char img[0x400] = {0};
	memcpy(img + 0x202, "HdrS", 4);
	img[0x206] = 0x0f;
	img[0x207] = 0x02;
	img[0x1f1] = 1;
	img[0x248] = 0xff;
	img[0x24d] = 0x10;
	assert_int_equal(write(fd, img, sizeof(img)), (ssize_t)sizeof(img));
	assert_fails(debuginfo_open_btf_image(path, &di), VMS_ERR_FORMAT, "outside");
	// a payload of an unknown codec
	img[0x248] = 0;
	img[0x24c] = 0x10;
	img[0x24d] = 0;
	assert_int_equal(pwrite(fd, img, sizeof(img), 0), (ssize_t)sizeof(img));
	unsigned char payload[16] = { 'N', 'O', 'P', 'E' };
	assert_int_equal(pwrite(fd, payload, sizeof(payload), 0x400), (ssize_t)sizeof(payload));
	assert_fails(debuginfo_open_btf_image(path, &di), VMS_ERR_UNSUPPORTED, "codec");
	// a gzip payload that is not gzip data
	unsigned char gz[16] = { 0x1f, 0x8b, 8, 0, 0xde, 0xad };
	assert_int_equal(pwrite(fd, gz, sizeof(gz), 0x400), (ssize_t)sizeof(gz));
	assert_fails(debuginfo_open_btf_image(path, &di), VMS_ERR_FORMAT, "gzip");
	// raw BTF, truncated
	struct blob bl = make_btf();
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(pwrite(fd, bl.data, bl.size - 8, 0), (ssize_t)(bl.size - 8));
	assert_fails(debuginfo_open_btf_image(path, &di), VMS_ERR_FORMAT, "truncated");
	assert_int_equal(pwrite(fd, bl.data, bl.size, 0), (ssize_t)bl.size);
	assert_ok(debuginfo_open_btf_image(path, &di));
	debuginfo_destroy(di);
	free(bl.data);
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_variables_and_symbols),
		cmocka_unit_test(test_corrupt_btf),
		cmocka_unit_test(test_btf_cycle),
		cmocka_unit_test(test_kallsyms_modes),
		cmocka_unit_test(test_kallsyms_corrupt),
		cmocka_unit_test(test_sysmap),
		cmocka_unit_test(test_image_errors),
	};
	return cmocka_run_group_tests_name("btf", tests, NULL, NULL);
}
