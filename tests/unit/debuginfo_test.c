// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Unit tests of src/debuginfo/ on the fixtures built from
 * tests/fixtures/kernel_types{,2}.c (see tests/debuginfo.mk).  The type and
 * symbol tests run once on the DWARF 5 build and once on the DWARF 4 build.
 */
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "debuginfo/debuginfo.h"

static char cache_dir[256];

static const char *fixture(const char *name)
{
	static char path[4][1024];
	static int next;
	const char *top = getenv("top_builddir");
	char *p = path[next++ % 4];
	snprintf(p, sizeof(path[0]), "%s/tests/fixtures/%s", top ? top : ".", name);
	return p;
}

#define assert_ok(expr)                                                                   \
	do {                                                                              \
		struct vms_error *err_ = (expr);                                          \
		if (err_)                                                                 \
			fail_msg("%s: %s", #expr, err_->message);                         \
	} while (0)

/* Assert that @err has @code and its message contains @needle; frees it. */
static void assert_error(struct vms_error *err, enum vms_error_code code, const char *needle)
{
	assert_non_null(err);
	if (err->code != code || !strstr(err->message, needle))
		fail_msg("got error %s '%s', want %s containing '%s'",
			 vms_error_code_name(err->code), err->message, vms_error_code_name(code),
			 needle);
	vms_error_destroy(err);
}

static void assert_name(const struct vms_type *t, const char *ident, const char *want)
{
	char *s = ident ? vms_type_declaration(t, ident) : vms_type_name(t);
	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
}

static int open_fixture(void **state, const char *name)
{
	struct vms_debuginfo *di;
	struct vms_error *err = debuginfo_open(fixture(name), &di);
	if (err) {
		fprintf(stderr, "%s\n", err->message);
		vms_error_destroy(err);
		return -1;
	}
	*state = di;
	return 0;
}

static int setup_dwarf5(void **state)
{
	return open_fixture(state, "kernel_types.elf");
}

static int setup_dwarf4(void **state)
{
	return open_fixture(state, "kernel_types-dwarf4.elf");
}

static int teardown(void **state)
{
	debuginfo_destroy(*state);
	return 0;
}

/* ---- opening ---- */

static void test_open_errors(void **state)
{
	struct vms_debuginfo *di = NULL;
	char path[512];
	snprintf(path, sizeof(path), "%s/not-elf.txt", cache_dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("this is not an ELF file\n", f);
	fclose(f);
	assert_error(debuginfo_open(path, &di), VMS_ERR_FORMAT, "is not an ELF file");
	assert_error(debuginfo_open(fixture("kernel_types-nodwarf.elf"), &di), VMS_ERR_FORMAT,
		     "has no DWARF debug info");
	assert_error(debuginfo_open(fixture("kernel_types-nosymtab.elf"), &di), VMS_ERR_FORMAT,
		     "has no symbol table");
	assert_error(debuginfo_open("/nonexistent/vmlinux", &di), VMS_ERR_OS, "cannot open");
	assert_null(di);
	debuginfo_destroy(NULL);
}

static void test_build_id(void **state)
{
	struct vms_debuginfo *di = *state;
	size_t len;
	const uint8_t *id = debuginfo_build_id(di, &len);
	assert_non_null(id);
	assert_int_equal(len, 20);
	assert_non_null(strstr(debuginfo_path(di), "kernel_types"));
}

/* ---- symbols and static data ---- */

static void test_symbols(void **state)
{
	struct vms_debuginfo *di = *state;
	struct vms_symbol s, s2;
	assert_ok(debuginfo_symbol(di, "init_task", &s));
	assert_string_equal(s.name, "init_task");
	assert_int_equal(s.kind, 'D');
	assert_int_equal(s.size, 136);
	assert_ok(debuginfo_symbol(di, "linux_banner", &s2));
	assert_int_equal(s2.kind, 'R');
	assert_ok(debuginfo_symbol(di, "fixture_handler", &s2));
	assert_int_equal(s2.kind, 'T');
	assert_ok(debuginfo_symbol(di, "mem_map", &s2));
	assert_int_equal(s2.kind, 'B');
	assert_ok(debuginfo_symbol(di, "static_counter", &s2));
	assert_int_equal(s2.kind, 'd');
	assert_error(debuginfo_symbol(di, "no_such_symbol", &s2), VMS_ERR_LOOKUP,
		     "no symbol 'no_such_symbol'");

	assert_ok(debuginfo_symbol_at(di, s.address + 20, &s2));
	assert_string_equal(s2.name, "init_task");
	assert_ok(debuginfo_symbol_at(di, s.address, &s2));
	assert_string_equal(s2.name, "init_task");
	assert_error(debuginfo_symbol_at(di, 0, &s2), VMS_ERR_LOOKUP, "no symbol at or below");

	size_t n = debuginfo_symbol_count(di);
	assert_true(n > 20);
	for (size_t i = 1; i < n; i++)
		assert_true(strcmp(debuginfo_symbol_by_index(di, i - 1)->name,
				   debuginfo_symbol_by_index(di, i)->name) <= 0);
	assert_null(debuginfo_symbol_by_index(di, n));
}

static void test_read_static(void **state)
{
	struct vms_debuginfo *di = *state;
	struct vms_symbol s;
	char buf[64] = {0};
	assert_ok(debuginfo_symbol(di, "linux_banner", &s));
	assert_ok(debuginfo_read_static(di, s.address, buf, s.size));
	assert_string_equal(buf, "Linux version 6.1.0-fixture (vmsift@test) #1 SMP\n");

	uint64_t addr, val;
	assert_ok(debuginfo_find_variable(di, "vmemmap_base", NULL, &addr));
	assert_ok(debuginfo_read_static(di, addr, &val, sizeof(val)));
	assert_true(val == 0xffffea0000000000ULL);

	assert_ok(debuginfo_symbol(di, "mem_map", &s));
	struct vms_error *err = debuginfo_read_static(di, s.address, buf, 8);
	assert_non_null(err);
	assert_int_equal(err->code, VMS_ERR_NODATA);
	assert_true(err->has_address && err->address == s.address);
	vms_error_destroy(err);
	assert_error(debuginfo_read_static(di, 0x10, buf, 8), VMS_ERR_FAULT, "in no section");
}

/* ---- types ---- */

static void check_member(struct vms_type *t, const char *path, uint64_t bit_offset,
			 uint64_t bit_size, const char *decl)
{
	struct vms_type *mt;
	uint64_t off, bits;
	assert_ok(vms_type_member_find(t, path, &mt, &off, &bits));
	if (off != bit_offset || bits != bit_size)
		fail_msg("%s: bit offset %llu size %llu, want %llu %llu", path,
			 (unsigned long long)off, (unsigned long long)bits,
			 (unsigned long long)bit_offset, (unsigned long long)bit_size);
	if (decl) {
		const char *dot = strrchr(path, '.');
		assert_name(mt, dot ? dot + 1 : path, decl);
	}
}

static void test_struct_page(void **state)
{
	struct vms_debuginfo *di = *state;
	struct vms_type *page;
	assert_ok(debuginfo_find_type(di, "struct page", &page));
	assert_int_equal(vms_type_kind(page), VMS_TYPE_STRUCT);
	assert_string_equal(vms_type_tag(page), "page");
	assert_int_equal(vms_type_size(page), 64);
	assert_true(vms_type_is_complete(page));
	assert_int_equal(vms_type_member_count(page), 5);
	const struct vms_type_member *m = vms_type_member(page, 1);
	assert_null(m->name);
	assert_int_equal(vms_type_kind(m->type), VMS_TYPE_UNION);
	assert_int_equal(m->bit_offset, 64);
	assert_null(vms_type_member(page, 5));

	check_member(page, "flags", 0, 0, "long unsigned int flags");
	check_member(page, "lru", 64, 0, "struct list_head lru");
	check_member(page, "lru.next", 64, 0, "struct list_head *next");
	check_member(page, "lru.prev", 128, 0, NULL);
	check_member(page, "mapping", 192, 0, "struct address_space *mapping");
	check_member(page, "compound_head", 64, 0, NULL);
	check_member(page, "compound_order", 17 * 8, 0, "unsigned char compound_order");
	check_member(page, "compound_mapcount.counter", 20 * 8, 0, "int counter");
	check_member(page, "frag_a", 64, 3, "u16 frag_a");
	check_member(page, "frag_b", 67, 9, NULL);
	check_member(page, "frag_c", 76, 20, "u32 frag_c");
	check_member(page, "frag_neg", 96, 5, "int frag_neg");
	check_member(page, "_mapcount", 48 * 8, 0, "atomic_t _mapcount");
	check_member(page, "page_type", 48 * 8, 0, NULL);
	check_member(page, "_refcount", 52 * 8, 0, NULL);
	check_member(page, "memcg_data", 56 * 8, 0, NULL);
	assert_error(vms_type_member_find(page, "nosuch", NULL, NULL, NULL), VMS_ERR_LOOKUP,
		     "struct page has no member 'nosuch'");
	assert_error(vms_type_member_find(page, "lru.nosuch", NULL, NULL, NULL), VMS_ERR_LOOKUP,
		     "struct list_head has no member 'nosuch'");
	assert_error(vms_type_member_find(page, "flags[1]", NULL, NULL, NULL), VMS_ERR_INVALID,
		     "cannot index");
	assert_error(vms_type_member_find(page, "lru..next", NULL, NULL, NULL), VMS_ERR_INVALID,
		     "bad member designator 'lru..next'");
	assert_error(vms_type_member_find(page, "lru.", NULL, NULL, NULL), VMS_ERR_INVALID,
		     "bad member designator");

	// the folio overlay
	struct vms_type *folio;
	assert_ok(debuginfo_find_type(di, "struct folio", &folio));
	assert_int_equal(vms_type_size(folio), 64);
	check_member(folio, "flags", 0, 0, NULL);
	check_member(folio, "lru.next", 64, 0, NULL);
	check_member(folio, "_refcount", 52 * 8, 0, NULL);
	check_member(folio, "page.memcg_data", 56 * 8, 0, NULL);
	check_member(folio, "page", 0, 0, "struct page page");
}

static void test_task_struct(void **state)
{
	struct vms_debuginfo *di = *state;
	struct vms_type *task;
	assert_ok(debuginfo_find_type(di, "struct task_struct", &task));
	assert_int_equal(vms_type_size(task), 136);
	check_member(task, "state", 0, 0, "long int state"); // volatile resolved through
	check_member(task, "comm", 12 * 8, 0, "char comm[16]");
	check_member(task, "comm[3]", 15 * 8, 0, NULL);
	check_member(task, "mm", 32 * 8, 0, "struct mm_struct *mm");
	check_member(task, "fn", 48 * 8, 0, "void (*fn)(void)");
	check_member(task, "printk", 56 * 8, 0, "int (*printk)(int, char *, ...)");
	check_member(task, "matrix", 64 * 8, 0, "int matrix[2][3]");
	check_member(task, "matrix[1]", (64 + 12) * 8, 0, NULL);
	check_member(task, "matrix[1][2]", (64 + 20) * 8, 0, NULL);
	check_member(task, "tasks.prev", 96 * 8, 0, NULL);
	check_member(task, "in_execve", 104 * 8, 1, "unsigned int in_execve");
	check_member(task, "in_iowait", 104 * 8 + 1, 1, NULL);
	check_member(task, "pad_bits", 104 * 8 + 2, 30, NULL);
	check_member(task, "argv", 112 * 8, 0, "char **argv");
	check_member(task, "bufp", 120 * 8, 0, "char (*bufp)[8]");
	check_member(task, "handler", 128 * 8, 0, "handler_t handler");
	assert_error(vms_type_member_find(task, "comm.x", NULL, NULL, NULL), VMS_ERR_LOOKUP,
		     "char [16] has no member 'x'");
	assert_error(vms_type_member_find(task, "matrix[2]", NULL, NULL, NULL), VMS_ERR_INVALID,
		     "cannot index");

	struct vms_type *mt;
	assert_ok(vms_type_member_find(task, "matrix", &mt, NULL, NULL));
	assert_int_equal(vms_type_kind(mt), VMS_TYPE_ARRAY);
	assert_int_equal(vms_type_array_length(mt), 2);
	assert_int_equal(vms_type_size(mt), 24);
	assert_int_equal(vms_type_array_length(vms_type_target(mt)), 3);
	assert_name(mt, NULL, "int [2][3]");

	// function pointers
	assert_ok(vms_type_member_find(task, "printk", &mt, NULL, NULL));
	assert_int_equal(vms_type_kind(mt), VMS_TYPE_POINTER);
	struct vms_type *fn = vms_type_target(mt);
	assert_int_equal(vms_type_kind(fn), VMS_TYPE_FUNCTION);
	assert_int_equal(vms_type_param_count(fn), 2);
	assert_true(vms_type_is_variadic(fn));
	assert_name(vms_type_param(fn, 1), NULL, "char *");
	assert_null(vms_type_param(fn, 2));
	assert_name(vms_type_target(fn), NULL, "int");
	assert_ok(vms_type_member_find(task, "fn", &mt, NULL, NULL));
	assert_name(mt, NULL, "void (*)(void)");
	assert_int_equal(vms_type_param_count(vms_type_target(mt)), 0);
	assert_false(vms_type_is_variadic(vms_type_target(mt)));

	struct vms_type *h;
	assert_ok(debuginfo_find_type(di, "handler_t", &h));
	assert_int_equal(vms_type_kind(h), VMS_TYPE_TYPEDEF);
	assert_name(vms_type_target(h), NULL, "int (*)(struct page *, void *)");
	assert_name(h, "h", "handler_t h");
	assert_name(vms_type_strip(h), "h", "int (*h)(struct page *, void *)");
}

static void test_find_type_names(void **state)
{
	struct vms_debuginfo *di = *state;
	struct vms_type *t;
	assert_ok(debuginfo_find_type(di, "unsigned long", &t));
	assert_string_equal(vms_type_tag(t), "long unsigned int");
	assert_int_equal(vms_type_kind(t), VMS_TYPE_INT);
	assert_int_equal(vms_type_size(t), 8);
	assert_false(vms_type_is_signed(t));
	struct vms_type *t2;
	assert_ok(debuginfo_find_type(di, "long unsigned int", &t2));
	assert_ptr_equal(t, t2);
	assert_ok(debuginfo_find_type(di, "int", &t));
	assert_true(vms_type_is_signed(t));
	assert_ok(debuginfo_find_type(di, "char", &t));
	assert_int_equal(vms_type_size(t), 1);
	assert_ok(debuginfo_find_type(di, "const char *", &t));
	assert_name(t, NULL, "char *");
	assert_ok(debuginfo_find_type(di, "void", &t));
	assert_ptr_equal(t, debuginfo_void_type(di));
	assert_int_equal(vms_type_kind(t), VMS_TYPE_VOID);
	assert_false(vms_type_is_complete(t));
	assert_ok(debuginfo_find_type(di, "void *", &t));
	assert_name(t, NULL, "void *");

	assert_ok(debuginfo_find_type(di, "struct page *", &t));
	assert_int_equal(vms_type_kind(t), VMS_TYPE_POINTER);
	assert_int_equal(vms_type_size(t), 8);
	assert_name(t, NULL, "struct page *");
	assert_name(t, "next", "struct page *next");
	assert_ok(debuginfo_find_type(di, "struct page**", &t2));
	assert_ptr_equal(vms_type_target(t2), t);
	assert_ok(debuginfo_find_type(di, "page", &t));
	assert_int_equal(vms_type_kind(t), VMS_TYPE_STRUCT);
	assert_ok(debuginfo_find_type(di, "char [16]", &t));
	assert_name(t, NULL, "char [16]");
	assert_int_equal(vms_type_size(t), 16);
	assert_ok(debuginfo_find_type(di, "int *[4]", &t));
	assert_name(t, NULL, "int *[4]");
	assert_int_equal(vms_type_size(t), 32);
	assert_ok(debuginfo_find_type(di, "long[2][3]", &t));
	assert_name(t, "x", "long int x[2][3]");
	assert_int_equal(vms_type_size(t), 48);

	assert_ok(debuginfo_find_type(di, "pgd_t", &t));
	assert_int_equal(vms_type_kind(t), VMS_TYPE_TYPEDEF);
	assert_string_equal(vms_type_tag(t), "pgd_t");
	assert_int_equal(vms_type_size(t), 8);
	assert_int_equal(vms_type_kind(vms_type_strip(t)), VMS_TYPE_STRUCT);
	assert_null(vms_type_tag(vms_type_strip(t)));
	assert_name(vms_type_strip(t), NULL, "struct <anonymous>");

	assert_ok(debuginfo_find_type(di, "bool", &t));
	assert_int_equal(vms_type_kind(vms_type_strip(t)), VMS_TYPE_BOOL);
	assert_ok(debuginfo_find_type(di, "double", &t));
	assert_int_equal(vms_type_kind(t), VMS_TYPE_FLOAT);
	assert_ok(debuginfo_find_type(di, "union top_union", &t));
	assert_int_equal(vms_type_kind(t), VMS_TYPE_UNION);
	assert_int_equal(vms_type_size(t), 8);
	assert_int_equal(vms_type_member_count(t), 3);

	assert_error(debuginfo_find_type(di, "struct nosuch", &t), VMS_ERR_LOOKUP,
		     "no type 'struct nosuch'");
	assert_error(debuginfo_find_type(di, "nosuch_t", &t), VMS_ERR_LOOKUP, "no type 'nosuch_t'");
	assert_error(debuginfo_find_type(di, "struct page [", &t), VMS_ERR_INVALID,
		     "cannot parse type name");
	assert_error(debuginfo_find_type(di, "", &t), VMS_ERR_INVALID, "cannot parse");

	// pointer types are interned
	struct vms_type *page, *p1, *p2;
	assert_ok(debuginfo_find_type(di, "struct page", &page));
	assert_ok(debuginfo_pointer_type(di, page, &p1));
	assert_ok(debuginfo_pointer_type(di, page, &p2));
	assert_ptr_equal(p1, p2);
	assert_ptr_equal(vms_type_target(p1), page);
}

static void test_arrays_and_incomplete(void **state)
{
	struct vms_debuginfo *di = *state;
	struct vms_type *t, *mt;
	assert_ok(debuginfo_find_type(di, "struct flex", &t));
	assert_int_equal(vms_type_size(t), 4);
	assert_ok(vms_type_member_find(t, "data", &mt, NULL, NULL));
	assert_false(vms_type_array_has_length(mt));
	assert_false(vms_type_is_complete(mt));
	assert_int_equal(vms_type_size(mt), 0);
	assert_name(mt, "data", "char data[]");
	check_member(t, "data[5]", (4 + 5) * 8, 0, NULL);

	assert_ok(debuginfo_find_type(di, "struct zero_len", &t));
	assert_ok(vms_type_member_find(t, "data", &mt, NULL, NULL));
	assert_int_equal(vms_type_array_length(mt), 0);
	assert_int_equal(vms_type_size(mt), 0);

	assert_ok(debuginfo_find_type(di, "struct only_declared", &t));
	assert_false(vms_type_is_complete(t));
	assert_int_equal(vms_type_size(t), 0);
	assert_int_equal(vms_type_member_count(t), 0);
	assert_error(vms_type_member_find(t, "x", NULL, NULL, NULL), VMS_ERR_LOOKUP,
		     "struct only_declared has no member 'x'");

	uint64_t addr;
	assert_ok(debuginfo_find_variable(di, "swapper_pg_dir", &t, &addr));
	assert_int_equal(vms_type_kind(t), VMS_TYPE_ARRAY);
	assert_int_equal(vms_type_array_length(t), 512);
	assert_int_equal(vms_type_size(t), 4096);
	assert_name(t, "swapper_pg_dir", "pgd_t swapper_pg_dir[512]");
	assert_ok(debuginfo_find_variable(di, "handlers", &t, NULL));
	assert_name(t, "handlers", "handler_t handlers[4]");
	assert_int_equal(vms_type_size(t), 32);
}

static void test_enums(void **state)
{
	struct vms_debuginfo *di = *state;
	struct vms_type *e, *e2;
	int64_t v;
	assert_ok(debuginfo_find_type(di, "enum pageflags", &e));
	assert_int_equal(vms_type_kind(e), VMS_TYPE_ENUM);
	assert_int_equal(vms_type_size(e), 4);
	assert_false(vms_type_is_signed(e));
	assert_name(vms_type_target(e), NULL, "unsigned int");
	assert_int_equal(vms_type_enumerator_count(e), 7);
	assert_string_equal(vms_type_enumerator(e, 0)->name, "PG_locked");
	assert_string_equal(vms_type_enumerator(e, 6)->name, "PG_checked");
	assert_int_equal(vms_type_enumerator(e, 6)->value, 1);
	assert_null(vms_type_enumerator(e, 7));

	assert_ok(debuginfo_find_enumerator(di, "PG_dirty", &e2, &v));
	assert_ptr_equal(e, e2);
	assert_int_equal(v, 3);
	assert_ok(debuginfo_find_enumerator(di, "__NR_PAGEFLAGS", NULL, &v));
	assert_int_equal(v, 5);
	assert_ok(debuginfo_find_enumerator(di, "SE_NEG", &e2, &v));
	assert_int_equal(v, -2);
	assert_true(vms_type_is_signed(e2));
	assert_ok(debuginfo_find_enumerator(di, "BU_TOP", &e2, &v));
	assert_true((uint64_t)v == 0xfffffffffffffff0ULL);
	assert_false(vms_type_is_signed(e2));
	assert_int_equal(vms_type_size(e2), 8);
	assert_ok(debuginfo_find_enumerator(di, "ANON_B", &e2, &v));
	assert_int_equal(v, 6);
	assert_null(vms_type_tag(e2));
	assert_name(e2, NULL, "enum <anonymous>");
	assert_error(debuginfo_find_enumerator(di, "NO_SUCH_ENUMERATOR", &e2, &v),
		     VMS_ERR_LOOKUP, "no enumerator 'NO_SUCH_ENUMERATOR'");
}

static void test_variables(void **state)
{
	struct vms_debuginfo *di = *state;
	struct vms_type *t;
	uint64_t addr;
	struct vms_symbol s;
	assert_ok(debuginfo_find_variable(di, "init_task", &t, &addr));
	assert_ok(debuginfo_symbol(di, "init_task", &s));
	assert_true(addr == s.address);
	assert_name(t, NULL, "struct task_struct");
	assert_ok(debuginfo_find_variable(di, "vmemmap_base", &t, &addr));
	assert_ok(debuginfo_symbol(di, "vmemmap_base", &s));
	assert_true(addr == s.address);
	assert_ok(debuginfo_find_variable(di, "static_counter", &t, &addr));
	assert_name(t, NULL, "int");

	// a declaration in kernel_types2.c resolves to the definition
	assert_ok(debuginfo_find_variable(di, "as_ptr", &t, NULL));
	struct vms_type *as = vms_type_target(t);
	assert_int_equal(vms_type_kind(as), VMS_TYPE_STRUCT);
	assert_true(vms_type_is_complete(as));
	assert_int_equal(vms_type_size(as), 40);
	assert_int_equal(vms_type_member_count(as), 2);
	check_member(as, "pages[3]", (8 + 24) * 8, 0, NULL);

	assert_ok(debuginfo_find_variable(di, "declared_ptr", &t, NULL));
	assert_false(vms_type_is_complete(vms_type_target(t)));
	assert_ok(debuginfo_find_variable(di, "se_var", &t, NULL));
	assert_int_equal(vms_type_kind(t), VMS_TYPE_ENUM);
	assert_error(debuginfo_find_variable(di, "no_such_var", &t, &addr), VMS_ERR_LOOKUP,
		     "no variable 'no_such_var'");
}

/* ---- index cache ---- */

static char *index_file(void)
{
	char dir[512], *path = NULL;
	snprintf(dir, sizeof(dir), "%s/index", cache_dir);
	FILE *p;
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "ls %s/*.idx 2>/dev/null", dir);
	p = popen(cmd, "r");
	if (p) {
		char line[PATH_MAX];
		if (fgets(line, sizeof(line), p)) {
			line[strcspn(line, "\n")] = 0;
			path = strdup(line);
		}
		pclose(p);
	}
	return path;
}

static void lookup_all(struct vms_debuginfo *di)
{
	struct vms_type *t;
	int64_t v;
	uint64_t addr;
	assert_ok(debuginfo_find_type(di, "struct page", &t));
	assert_int_equal(vms_type_size(t), 64);
	assert_ok(debuginfo_find_type(di, "pgd_t", &t));
	assert_ok(debuginfo_find_enumerator(di, "PG_lru", NULL, &v));
	assert_int_equal(v, 4);
	assert_ok(debuginfo_find_variable(di, "init_task", &t, &addr));
	assert_name(t, NULL, "struct task_struct");
}

static void test_index_cache(void **state)
{
	struct vms_debuginfo *di;
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf %s/index", cache_dir);
	assert_int_equal(system(cmd), 0);

	// cold: builds and writes the cache
	assert_ok(debuginfo_open(fixture("kernel_types.elf"), &di));
	lookup_all(di);
	debuginfo_destroy(di);
	char *path = index_file();
	assert_non_null(path);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	size_t size = st.st_size;
	char *orig = malloc(size);
	int fd = open(path, O_RDONLY);
	assert_true(read(fd, orig, size) == (ssize_t)size);
	close(fd);

	// warm: same answers
	assert_ok(debuginfo_open(fixture("kernel_types.elf"), &di));
	lookup_all(di);
	debuginfo_destroy(di);

	// corrupt a byte in the middle: ignored and rebuilt
	fd = open(path, O_WRONLY);
	char junk = orig[size / 2] ^ 0x5a;
	assert_true(pwrite(fd, &junk, 1, size / 2) == 1);
	close(fd);
	assert_ok(debuginfo_open(fixture("kernel_types.elf"), &di));
	lookup_all(di);
	debuginfo_destroy(di);
	char *again = malloc(size);
	fd = open(path, O_RDONLY);
	assert_true(read(fd, again, size) == (ssize_t)size);
	close(fd);
	assert_memory_equal(orig, again, size);

	// truncated: ignored and rebuilt
	assert_int_equal(truncate(path, 100), 0);
	assert_ok(debuginfo_open(fixture("kernel_types.elf"), &di));
	lookup_all(di);
	debuginfo_destroy(di);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, size);

	// an unwritable cache directory is not an error
	char old[512];
	snprintf(old, sizeof(old), "%s", getenv("VMSIFT_CACHE"));
	setenv("VMSIFT_CACHE", "/proc/vmsift-no-such-dir", 1);
	assert_ok(debuginfo_open(fixture("kernel_types.elf"), &di));
	lookup_all(di);
	debuginfo_destroy(di);
	setenv("VMSIFT_CACHE", "", 1); // caching disabled
	assert_ok(debuginfo_open(fixture("kernel_types.elf"), &di));
	lookup_all(di);
	debuginfo_destroy(di);
	setenv("VMSIFT_CACHE", old, 1);
	free(orig);
	free(again);
	free(path);
}

/* The lookup memo next to the index: written by a process that looked
 * things up, used by the next one, and ignored when damaged. */
static void test_memo_cache(void **state)
{
	struct vms_debuginfo *di;
	char cmd[1024], path[1024];
	snprintf(cmd, sizeof(cmd), "rm -rf %s/index", cache_dir);
	assert_int_equal(system(cmd), 0);
	assert_ok(debuginfo_open(fixture("kernel_types.elf"), &di));
	lookup_all(di);
	struct vms_type *t;
	struct vms_error *nosuch = debuginfo_find_type(di, "struct nosuch", &t);
	assert_non_null(nosuch);
	vms_error_destroy(nosuch);
	size_t idlen;
	const uint8_t *id = debuginfo_build_id(di, &idlen);
	int n = snprintf(path, sizeof(path), "%s/index/", cache_dir);
	for (size_t i = 0; i < idlen; i++)
		n += snprintf(path + n, sizeof(path) - n, "%02x", id[i]);
	snprintf(path + n, sizeof(path) - n, ".memo");
	debuginfo_destroy(di);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	for (int round = 0; round < 3; round++) {
		if (round == 1) { // corrupt a byte in the middle
			int fd = open(path, O_RDWR);
			char c;
			assert_true(pread(fd, &c, 1, st.st_size / 2) == 1);
			c ^= 0x5a;
			assert_true(pwrite(fd, &c, 1, st.st_size / 2) == 1);
			close(fd);
		} else if (round == 2) {
			assert_int_equal(truncate(path, 64), 0);
		}
		assert_ok(debuginfo_open(fixture("kernel_types.elf"), &di));
		lookup_all(di);
		struct vms_error *err = debuginfo_find_type(di, "struct nosuch", &t);
		assert_non_null(err);
		assert_int_equal(err->code, VMS_ERR_LOOKUP);
		assert_string_equal(err->message, "no type 'struct nosuch'");
		vms_error_destroy(err);
		uint64_t off;
		assert_ok(debuginfo_find_type(di, "struct page", &t));
		assert_ok(vms_type_member_find(t, "flags", NULL, &off, NULL));
		assert_int_equal(off, 0);
		debuginfo_destroy(di);
	}
}

/* ---- locate ---- */

static void test_locate(void **state)
{
	struct vms_debuginfo *di;
	assert_ok(debuginfo_open(fixture("kernel_types.elf"), &di));
	size_t len;
	const uint8_t *id = debuginfo_build_id(di, &len);
	uint8_t bad[20];
	memcpy(bad, id, len);
	bad[0] ^= 1;

	char root[512], cmd[8192], *path;
	snprintf(root, sizeof(root), "%s/sysroot", cache_dir);
	snprintf(cmd, sizeof(cmd),
		 "rm -rf %s && mkdir -p %s/usr/lib/debug/boot %s/lib/modules/6.1.0-t/build && "
		 "cp %s %s/lib/modules/6.1.0-t/build/vmlinux",
		 root, root, root, fixture("kernel_types.elf"), root);
	assert_int_equal(system(cmd), 0);
	setenv("VMSIFT_SYSROOT", root, 1);

	assert_ok(debuginfo_locate("6.1.0-t", id, len, &path));
	assert_non_null(strstr(path, "/lib/modules/6.1.0-t/build/vmlinux"));
	assert_true(strncmp(path, root, strlen(root)) == 0);
	free(path);
	assert_ok(debuginfo_locate("6.1.0-t", NULL, 0, &path));
	free(path);
	assert_error(debuginfo_locate("6.1.0-t", bad, len, &path), VMS_ERR_LOOKUP, "differs");
	assert_error(debuginfo_locate("6.1.0-other", NULL, 0, &path), VMS_ERR_LOOKUP,
		     "no vmlinux found for 6.1.0-other");
	assert_error(debuginfo_locate(NULL, NULL, 0, &path), VMS_ERR_INVALID, "");

	// the build-id path, found before /boot and /lib/modules
	char hex[41];
	for (size_t i = 0; i < len; i++)
		sprintf(hex + 2 * i, "%02x", id[i]);
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p %s/usr/lib/debug/.build-id/%.2s && cp %s %s/usr/lib/debug/.build-id/%.2s/%s.debug",
		 root, hex, fixture("kernel_types.elf"), root, hex, hex + 2);
	assert_int_equal(system(cmd), 0);
	assert_ok(debuginfo_locate("6.1.0-other", id, len, &path));
	assert_non_null(strstr(path, ".build-id/"));
	free(path);
	unsetenv("VMSIFT_SYSROOT");
	debuginfo_destroy(di);
}

int main(void)
{
	snprintf(cache_dir, sizeof(cache_dir), "%s/vmsift-di-test-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(cache_dir)) {
		perror("mkdtemp");
		return 1;
	}
	setenv("VMSIFT_CACHE", cache_dir, 1);

	const struct CMUnitTest typed[] = {
		cmocka_unit_test(test_build_id),
		cmocka_unit_test(test_symbols),
		cmocka_unit_test(test_read_static),
		cmocka_unit_test(test_struct_page),
		cmocka_unit_test(test_task_struct),
		cmocka_unit_test(test_find_type_names),
		cmocka_unit_test(test_arrays_and_incomplete),
		cmocka_unit_test(test_enums),
		cmocka_unit_test(test_variables),
	};
	const struct CMUnitTest plain[] = {
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_index_cache),
		cmocka_unit_test(test_memo_cache),
		cmocka_unit_test(test_locate),
	};
	int rc = cmocka_run_group_tests_name("debuginfo dwarf5", typed, setup_dwarf5, teardown);
	rc |= cmocka_run_group_tests_name("debuginfo dwarf4", typed, setup_dwarf4, teardown);
	rc |= cmocka_run_group_tests_name("debuginfo", plain, NULL, NULL);

	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", cache_dir);
	if (system(cmd) != 0)
		rc |= 1;
	return rc;
}
