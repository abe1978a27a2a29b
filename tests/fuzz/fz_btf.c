// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * BTF (src/debuginfo/btf.c): the input is a raw .BTF blob, as a kernel
 * keeps it between __start_BTF and __stop_BTF and shows it in
 * /sys/kernel/btf/vmlinux.  libbpf parses it (debuginfo_open_btf()); the
 * harness gives the handle a small symbol table (variables take their
 * addresses from it), looks up the types, variables and enumerators a
 * kernel has, every name the index lists, and the anonymous struct of
 * tk_core, and walks the types reached: members, member paths,
 * enumerators, parameters, names and declarations.
 */
#include <bpf/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo/debuginfo.h"
#include "fuzz.h"

static const char *const type_names[] = {
	"struct page", "struct list_head", "struct task_struct", "struct uses_fwd",
	"struct fwd_only", "union page_u", "enum pageflags", "enum big_e", "atomic_t", "fn_t",
	"unsigned long", "long unsigned int", "int", "char", "_Bool", "double", "void *",
	"struct page *[4]", "struct list_head *", "u64",
};
static const char *const member_paths[] = {
	"lru.next", "flags", "_refcount.counter", "index", "comm[3]", "p", "timekeeper.x",
};
static const char *const var_names[] = {"cpu_page", "runqueues", "tk_core", "jiffies"};
static const char *const enumerators[] = {"PG_locked", "NR_PAGEFLAGS", "NEG", "BIG"};
static const char *const tk_members[] = {"seq", "timekeeper"};

/* The symbols the seeds' variables have (System.map text). */
static const char sysmap[] =
	"0000000000000000 A __per_cpu_start\n"
	"0000000000001000 D cpu_page\n"
	"0000000000002000 D runqueues\n"
	"ffffffff81000000 T _text\n"
	"ffffffff82000000 D tk_core\n"
	"ffffffff82001000 D jiffies\n";

/* The types reached, bounded (fz_walk_type()): set for each input. */
static struct fz_walk budget;

static void look_type(struct vms_debuginfo *di, const char *name)
{
	struct vms_type *t, *m;
	struct vms_error *err = debuginfo_find_type(di, name, &t);
	if (err) {
		fz_check_error(err);
		return;
	}
	fz_walk_type(&budget, t);
	for (size_t i = 0; i < sizeof(member_paths) / sizeof(member_paths[0]); i++) {
		uint64_t bo, bs;
		fz_check_error(vms_type_member_find(t, member_paths[i], &m, &bo, &bs));
	}
	fz_check_error(debuginfo_pointer_type(di, t, &m));
}

static void lookups(struct vms_debuginfo *di)
{
	struct vms_type *t;
	uint64_t addr;
	int64_t val;
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		look_type(di, type_names[i]);
	for (size_t i = 0; i < sizeof(var_names) / sizeof(var_names[0]); i++) {
		struct vms_error *err = debuginfo_find_variable(di, var_names[i], &t, &addr);
		if (!err)
			fz_walk_type(&budget, t);
		fz_check_error(err);
	}
	for (size_t i = 0; i < sizeof(enumerators) / sizeof(enumerators[0]); i++) {
		struct vms_error *err = debuginfo_find_enumerator(di, enumerators[i], &t, &val);
		if (!err)
			fz_walk_type(&budget, t);
		fz_check_error(err);
	}
	struct vms_error *err = debuginfo_find_anonymous_struct(di, tk_members, 2, &t);
	if (!err)
		fz_walk_type(&budget, t);
	fz_check_error(err);
	fz_lookup_listed(di, &budget, look_type);
}

static int init(void) { return 0; }

static void one(const uint8_t *data, size_t size)
{
	struct vms_debuginfo *di;
	struct vms_error *err = debuginfo_open_btf(data, size, "the fuzz input", &di);
	if (err) {
		fz_check_error(err);
		return;
	}
	struct debuginfo_symbols s;
	err = debuginfo_sysmap_parse(sysmap, sizeof(sysmap) - 1, &s);
	if (!err)
		err = debuginfo_set_symbols(di, &s);
	if (err) {
		fprintf(stderr, "fuzz: the harness's symbols: %s\n", err->message);
		abort();
	}
	budget = (struct fz_walk){.types = 4096, .names = 256};
	lookups(di);
	debuginfo_destroy(di);
}

/*
 * Seeds: a kernel-shaped BTF made with libbpf's writer, in both byte
 * orders, and one whose struct is declared before it is defined.
 *   struct list_head { struct list_head *next, *prev; };
 *   typedef struct { int counter; } atomic_t;
 *   union page_u { void *mapping; unsigned long index; };
 *   struct page { unsigned long flags; struct list_head lru;
 *                 unsigned int order:8, kind:4; atomic_t _refcount;
 *                 union page_u; };
 *   enum pageflags { PG_locked, PG_referenced, NR_PAGEFLAGS };
 *   enum signed_e { NEG = -1, POS = 1 };  enum big_e : u64 { BIG = 1 << 40 };
 *   struct fwd_only;  struct uses_fwd { struct page *p; struct fwd_only *f;
 *                                       volatile char comm[16]; };
 *   typedef int (*fn_t)(const struct page *restrict, ...);  int fn(void);
 *   static struct { unsigned int seq; struct { double x; } timekeeper; } tk_core;
 *   per-CPU: const struct page cpu_page;  (a VAR in .data..percpu)
 */
static int make_btf(struct btf *b, bool fwd_first)
{
	int t_int = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	int t_ulong = btf__add_int(b, "long unsigned int", 8, 0);
	int t_uint = btf__add_int(b, "unsigned int", 4, 0);
	int t_char = btf__add_int(b, "char", 1, BTF_INT_SIGNED | BTF_INT_CHAR);
	btf__add_int(b, "_Bool", 1, BTF_INT_BOOL);
	int t_double = btf__add_float(b, "double", 8);
	int t_fwd_lh = fwd_first ? btf__add_fwd(b, "list_head", BTF_FWD_STRUCT) : 0;
	int t_lhp = btf__add_ptr(b, fwd_first ? t_fwd_lh : (int)btf__type_cnt(b) + 1);
	int t_lh = btf__add_struct(b, "list_head", 16);
	btf__add_field(b, "next", t_lhp, 0, 0);
	btf__add_field(b, "prev", t_lhp, 64, 0);
	int t_anon = btf__add_struct(b, NULL, 4);
	btf__add_field(b, "counter", t_int, 0, 0);
	int t_atomic = btf__add_typedef(b, "atomic_t", t_anon);
	int t_void_p = btf__add_ptr(b, 0);
	int t_union = btf__add_union(b, "page_u", 8);
	btf__add_field(b, "mapping", t_void_p, 0, 0);
	btf__add_field(b, "index", t_ulong, 0, 0);
	int t_page = btf__add_struct(b, "page", 48);
	btf__add_field(b, "flags", t_ulong, 0, 0);
	btf__add_field(b, "lru", t_lh, 64, 0);
	btf__add_field(b, "order", t_uint, 192, 8);
	btf__add_field(b, "kind", t_uint, 200, 4);
	btf__add_field(b, "_refcount", t_atomic, 224, 0);
	btf__add_field(b, NULL, t_union, 256, 0);
	btf__add_enum(b, "pageflags", 4);
	btf__add_enum_value(b, "PG_locked", 0);
	btf__add_enum_value(b, "PG_referenced", 1);
	btf__add_enum_value(b, "NR_PAGEFLAGS", 2);
	btf__add_enum(b, "signed_e", 4);
	btf__add_enum_value(b, "NEG", -1);
	btf__add_enum_value(b, "POS", 1);
	btf__add_enum64(b, "big_e", 8, false);
	btf__add_enum64_value(b, "BIG", UINT64_C(1) << 40);
	int t_fwd = btf__add_fwd(b, "fwd_only", BTF_FWD_STRUCT);
	int t_pagep = btf__add_ptr(b, t_page);
	int t_fwdp = btf__add_ptr(b, t_fwd);
	int t_comm = btf__add_array(b, t_int, btf__add_volatile(b, t_char), 16);
	// (fields go to the type added last: their types come first)
	int t_uses = btf__add_struct(b, "uses_fwd", 32);
	btf__add_field(b, "p", t_pagep, 0, 0);
	btf__add_field(b, "f", t_fwdp, 64, 0);
	int rc = btf__add_field(b, "comm", t_comm, 128, 0);
	int t_cpagep = btf__add_restrict(b, btf__add_ptr(b, btf__add_const(b, t_page)));
	int t_proto = btf__add_func_proto(b, t_int);
	btf__add_func_param(b, "page", t_cpagep);
	btf__add_func_param(b, NULL, 0); // "..."
	btf__add_typedef(b, "fn_t", btf__add_ptr(b, btf__add_type_tag(b, "user", t_proto)));
	btf__add_func(b, "fn", BTF_FUNC_GLOBAL, btf__add_func_proto(b, t_int));
	int t_tk_in = btf__add_struct(b, NULL, 8);
	btf__add_field(b, "x", t_double, 0, 0);
	int t_tk = btf__add_struct(b, NULL, 16);
	btf__add_field(b, "seq", t_uint, 0, 0);
	btf__add_field(b, "timekeeper", t_tk_in, 64, 0);
	int v_tk = btf__add_var(b, "tk_core", BTF_VAR_STATIC, t_tk);
	int v_page = btf__add_var(b, "cpu_page", BTF_VAR_GLOBAL_ALLOCATED, btf__add_const(b, t_page));
	btf__add_datasec(b, ".data..percpu", 48);
	if (!rc)
		rc = btf__add_datasec_var_info(b, v_page, 0, 48);
	btf__add_datasec(b, ".data", 16);
	if (!rc)
		rc = btf__add_datasec_var_info(b, v_tk, 0, 16);
	return t_lh > 0 && t_uses > 0 && rc == 0 ? 0 : -1;
}

static int seeds(const char *dir)
{
	static const struct { const char *name; bool fwd_first, big_endian; } s[] = {
		{"kernel-shaped", false, false},
		{"kernel-shaped-big-endian", false, true},
		{"declared-before-defined", true, false},
	};
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		struct btf *b = btf__new_empty();
		if (!b)
			return -1;
		uint32_t size;
		const void *raw = NULL;
		if (!make_btf(b, s[i].fwd_first) &&
		    !btf__set_endianness(b, s[i].big_endian ? BTF_BIG_ENDIAN : BTF_LITTLE_ENDIAN))
			raw = btf__raw_data(b, &size);
		int rc = raw ? fz_write_seed(dir, s[i].name, raw, size) : -1;
		btf__free(b);
		if (rc)
			return -1;
	}
	return 0;
}

const struct fuzz_target fz_btf = {"btf", "a raw .BTF blob: libbpf, the type model, lookups by name", init, one, seeds};
