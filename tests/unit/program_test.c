// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Unit tests for the program layer on a synthetic dump (tests/tools/dumpgen)
 * with a kernel-shaped vmlinux compiled by the build (tests/fixtures):
 * opening, the mismatch check and --force, relocated symbols, typed
 * lookups, reads by physical and kernel virtual address, clones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dumpgen.h"
#include "program/program.h"

static char dump_path[] = "/tmp/vmsift-program-test-XXXXXX";
static const char *vmlinux = "tests/fixtures/kernel_types.elf";

static int setup(void **state)
{
	int fd = mkstemp(dump_path);
	if (fd < 0)
		return -1;
	close(fd);
	return dg_write(dump_path, DG_ELF, 0);
}

static int teardown(void **state)
{
	unlink(dump_path);
	return 0;
}

static void test_mismatch_refused(void **state)
{
	struct vms_program_options opts = { .vmlinux = vmlinux };
	struct vms_program *prog = NULL;
	struct vms_error *err = program_open(dump_path, &opts, &prog);
	// The fixture's banner is not in the synthetic dump and it has no
	// BUILD-ID: nothing shows that they match, so it is refused.
	assert_non_null(err);
	assert_int_equal(err->code, VMS_ERR_MISMATCH);
	assert_null(prog);
	vms_error_destroy(err);
}

static struct vms_program *open_forced(void)
{
	struct vms_program_options opts = { .vmlinux = vmlinux, .force = true };
	struct vms_program *prog = NULL;
	struct vms_error *err = program_open(dump_path, &opts, &prog);
	if (err)
		fail_msg("program_open: %s", err->message);
	return prog;
}

static void test_facts(void **state)
{
	struct vms_program *prog = open_forced();
	assert_int_equal(program_warning_count(prog), 1);
	assert_non_null(strstr(program_warning(prog, 0), "--force"));
	assert_string_equal(program_osrelease(prog), "6.1.0-test-amd64");
	assert_int_equal(program_page_size(prog), 4096);
	assert_int_equal(program_page_shift(prog), 12);
	assert_int_equal(program_kaslr_offset(prog), 0);
	assert_string_equal(program_arch(prog), "x86_64");
	assert_false(program_vmlinux_was_located(prog));
	assert_string_equal(program_vmlinux_path(prog), vmlinux);
	struct program_dump_stats st;
	assert_null(program_dump_stats(prog, &st));
	assert_true(st.pages_present > 0);
	program_destroy(prog);
}

static void test_reads(void **state)
{
	struct vms_program *prog = open_forced();
	const uint8_t *image = dg_image();
	uint8_t buf[8192];
	assert_null(program_read_phys(prog, 0x3000, buf, sizeof(buf)));
	assert_memory_equal(buf, image + 0x3000, sizeof(buf));
	// kernel virtual: the direct map and kernel text map physical memory
	assert_null(program_read(prog, DG_DIRECT + 0x5000, buf, 4096));
	assert_memory_equal(buf, image + 0x5000, 4096);
	uint64_t v;
	assert_null(program_read_u64(prog, DG_KTEXT + 0x8, &v));
	assert_memory_equal(&v, image + 0x8, 8);
	uint64_t pa;
	assert_null(program_vtop(prog, DG_DIRECT + 0x5123, &pa));
	assert_int_equal(pa, 0x5123);
	// pages the dump does not hold: NODATA naming the address
	struct vms_error *err = program_read_phys(prog, DG_EXCL + 0x10, buf, 8);
	assert_non_null(err);
	assert_int_equal(err->code, VMS_ERR_NODATA);
	assert_true(err->has_address);
	vms_error_destroy(err);
	bool held = true;
	assert_null(program_page_held(prog, DG_EXCL >> 12, &held));
	assert_false(held);
	assert_null(program_page_held(prog, 3, &held));
	assert_true(held);
	// no translation: FAULT
	err = program_read(prog, 0x10, buf, 8);
	assert_non_null(err);
	assert_int_equal(err->code, VMS_ERR_FAULT);
	vms_error_destroy(err);
	program_destroy(prog);
}

static void test_symbols_types(void **state)
{
	struct vms_program *prog = open_forced();
	struct program_symbol sym;
	assert_null(program_symbol(prog, "linux_banner", &sym));
	assert_true(sym.size > 10);
	struct program_symbol at;
	uint64_t off;
	assert_null(program_symbol_at(prog, sym.address + 3, &at, &off));
	assert_string_equal(at.name, "linux_banner");
	assert_int_equal(off, 3);
	struct vms_error *err = program_symbol(prog, "no_such_symbol_here", &sym);
	assert_non_null(err);
	assert_int_equal(err->code, VMS_ERR_LOOKUP);
	vms_error_destroy(err);

	uint64_t o, size;
	assert_null(program_member_offset(prog, "struct page", "flags", &o));
	assert_int_equal(o, 0);
	assert_null(program_type_size(prog, "struct page", &size));
	assert_int_equal(size, 64);
	assert_true(program_has_member(prog, "struct page", "mapping"));
	assert_false(program_has_member(prog, "struct page", "no_such_member"));
	assert_false(program_has_member(prog, "struct no_such_type", "flags"));
	struct vms_type *t;
	uint64_t addr;
	assert_null(program_variable(prog, "vmemmap_base", &t, &addr));
	assert_null(program_symbol(prog, "vmemmap_base", &sym));
	assert_int_equal(addr, sym.address);
	int64_t val;
	assert_null(program_enumerator(prog, "PG_locked", &val));
	assert_int_equal(val, 0);
	program_destroy(prog);
}

static void test_clone(void **state)
{
	struct vms_program *prog = open_forced();
	struct vms_program *c = NULL;
	assert_null(program_clone(prog, &c));
	uint8_t a[4096], b[4096];
	assert_null(program_read(prog, DG_DIRECT + 0x7000, a, sizeof(a)));
	assert_null(program_read(c, DG_DIRECT + 0x7000, b, sizeof(b)));
	assert_memory_equal(a, b, sizeof(a));
	assert_int_equal(program_kaslr_offset(c), program_kaslr_offset(prog));
	program_destroy(c);
	program_destroy(prog);
}

static void test_cancel(void **state)
{
	assert_null(program_check_cancel());
	program_cancel_request();
	struct vms_error *err = program_check_cancel();
	assert_non_null(err);
	assert_int_equal(err->code, VMS_ERR_CANCELLED);
	vms_error_destroy(err);
	program_cancel_clear();
	assert_false(program_cancelled());
}

/* kallsyms tables that end where readable memory ends (the next page
 * unmapped, or not in the dump): BTF mode reads kallsyms_names in large
 * chunks, and must still read the names when no whole chunk is there. */
#define KS_BASE UINT64_C(0xffffffff82000000)

struct ks_mem {
	uint8_t b[2048];
	size_t n;
};

static struct vms_error *ks_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct ks_mem *m = arg;
	if (addr < KS_BASE || addr - KS_BASE > m->n || len > m->n - (addr - KS_BASE))
		return vms_error_addr(VMS_ERR_FAULT, addr, "no memory at 0x%llx",
				      (unsigned long long)addr);
	memcpy(buf, m->b + (addr - KS_BASE), len);
	return NULL;
}

static void test_kallsyms_at_memory_end(void **state)
{
	// token c is the character c; two symbols "T_text" and "tf", at
	// relative_base + 0 and + 0x10 (CONFIG_KALLSYMS_BASE_RELATIVE)
	struct ks_mem m = {.n = 0};
	struct program_kallsyms_at at = {.have_offsets = true, .have_base = true};
	uint32_t num = 2;
	at.num_syms = KS_BASE + m.n;
	memcpy(m.b + m.n, &num, 4);
	m.n += 8;
	at.names = KS_BASE + m.n;
	static const uint8_t names[] = {6, 'T', '_', 't', 'e', 'x', 't', 2, 't', 'f'};
	memcpy(m.b + m.n, names, sizeof(names));
	m.n += sizeof(names);
	at.token_table = KS_BASE + m.n;
	uint16_t index[256];
	for (int c = 0; c < 256; c++) {
		index[c] = (uint16_t)(2 * c);
		m.b[m.n + 2 * c] = (uint8_t)c;
		m.b[m.n + 2 * c + 1] = 0;
	}
	m.n += 512;
	at.token_index = KS_BASE + m.n;
	memcpy(m.b + m.n, index, sizeof(index));
	m.n += sizeof(index);
	at.offsets = KS_BASE + m.n;
	int32_t offs[2] = {0, 0x10};
	memcpy(m.b + m.n, offs, sizeof(offs));
	m.n += sizeof(offs);
	at.relative_base = KS_BASE + m.n;
	uint64_t base = UINT64_C(0xffffffff81000000);
	memcpy(m.b + m.n, &base, 8);
	m.n += 8;
	struct debuginfo_symbols s;
	struct vms_error *err = program_kallsyms_read(&at, 0, ks_read, &m, &s);
	if (err)
		fail_msg("%s", err->message);
	assert_int_equal(s.nsyms, 2);
	assert_string_equal(s.syms[1].name, "f");
	assert_int_equal(s.syms[1].address, base + 0x10);
	debuginfo_symbols_deinit(&s);
	// names that do run past the end fail, naming the table
	num = 1000;
	memcpy(m.b, &num, 4);
	err = program_kallsyms_read(&at, 0, ks_read, &m, &s);
	assert_non_null(err);
	assert_int_equal(err->code, VMS_ERR_FAULT);
	assert_non_null(strstr(err->message, "reading kallsyms_names"));
	vms_error_destroy(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mismatch_refused),
		cmocka_unit_test(test_facts),
		cmocka_unit_test(test_reads),
		cmocka_unit_test(test_symbols_types),
		cmocka_unit_test(test_clone),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_kallsyms_at_memory_end),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
