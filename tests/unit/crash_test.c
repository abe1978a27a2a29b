// SPDX-License-Identifier: GPL-3.0-or-later
/* The crash context's pure parts on byte images: ORC entries (both
 * layouts), the ORC step over a fake stack (calls, exception frames, the
 * end, corrupt entries, unreadable words), ORC tables, the crash signature
 * and its reason normalization, and the dump's ELF notes (all formats,
 * and a note that runs past its segment). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dump/dump.h"
#include "dumpgen.h"
#include "linux/crash.h"
#include "linux/orc.h"

#define BASE 0xffffc90000000000ULL
#define SIZE 0x4000

static uint64_t image[SIZE / 8];

static struct vms_error *img_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	(void)arg;
	if (addr < BASE || addr + len > BASE + SIZE)
		return vms_error_addr(VMS_ERR_FAULT, addr, "no memory at 0x%llx", (unsigned long long)addr);
	memcpy(buf, (uint8_t *)image + (addr - BASE), len);
	return NULL;
}

static const struct linux_mem mem = {.read = img_read};

static void put(uint64_t addr, uint64_t v)
{
	image[(addr - BASE) / 8] = v;
}

/* struct orc_entry of 6.4 and later: type:3, signal:1; and of 4.14-6.2:
 * type:2, end:1 (arch/x86/include/asm/orc_types.h) */
static struct linux_orc_layout layout(bool v2)
{
	struct linux_orc_layout l = {
		.entry_size = 6, .sp_offset_byte = 0, .bp_offset_byte = 2,
		.sp_reg_bit = 32, .sp_reg_bits = 4, .bp_reg_bit = 36, .bp_reg_bits = 4,
		.type_bit = 40, .type_bits = v2 ? 3 : 2,
		.end_bit = v2 ? -1 : 42, .signal_bit = v2 ? 43 : -1,
		.reg_undefined = 0, .reg_prev_sp = 1, .reg_dx = 2, .reg_di = 3, .reg_bp = 4, .reg_sp = 5,
		.reg_r10 = 6, .reg_r13 = 7, .reg_bp_indirect = 8, .reg_sp_indirect = 9, .reg_ax = -1,
		.type_undefined = v2 ? 0 : -1, .type_end_of_stack = v2 ? 1 : -1,
		.type_call = v2 ? 2 : 0, .type_regs = v2 ? 3 : 1, .type_regs_partial = v2 ? 4 : 2,
	};
	return l;
}

/* struct pt_regs of x86-64: r15 ... ss, 21 words in linux_reg order */
static struct linux_ptregs_layout ptregs(void)
{
	struct linux_ptregs_layout p = {.size = LINUX_NR_PT_REGS * 8};
	for (int i = 0; i < LINUX_NR_PT_REGS; i++)
		p.off[i] = 8 * (uint64_t)i;
	return p;
}

static void encode(const struct linux_orc_layout *l, uint8_t *raw, int sp_off, int bp_off, unsigned sp_reg,
		   unsigned bp_reg, unsigned type, bool flag)
{
	int16_t s = (int16_t)sp_off, b = (int16_t)bp_off;
	memset(raw, 0, 6);
	memcpy(raw, &s, 2);
	memcpy(raw + 2, &b, 2);
	unsigned bits = sp_reg | bp_reg << 4 | type << 8;
	if (flag)
		bits |= 1u << (l->end_bit >= 0 ? l->end_bit - 32 : l->signal_bit - 32);
	raw[4] = (uint8_t)bits;
	raw[5] = (uint8_t)(bits >> 8);
}

static void test_decode(void **state)
{
	(void)state;
	for (int v2 = 0; v2 < 2; v2++) {
		struct linux_orc_layout l = layout(v2);
		uint8_t raw[6];
		struct linux_orc o;
		encode(&l, raw, -24, 16, 5, 1, (unsigned)l.type_regs_partial, true);
		linux_orc_decode(&l, raw, &o);
		assert_int_equal(o.sp_offset, -24);
		assert_int_equal(o.bp_offset, 16);
		assert_int_equal(o.sp_reg, 5);
		assert_int_equal(o.bp_reg, 1);
		assert_int_equal(o.type, (unsigned)l.type_regs_partial);
		assert_int_equal(o.end, !v2);
		assert_int_equal(o.signal, v2);
	}
}

static void test_call_step(void **state)
{
	(void)state;
	memset(image, 0, sizeof(image));
	struct linux_orc_layout l = layout(true);
	struct linux_ptregs_layout pl = ptregs();
	// a frame of 0x20 bytes: the return address at sp + 0x18, the saved BP
	// at sp + 0x10 (CFA - 16)
	uint64_t sp = BASE + 0x1000;
	put(sp + 0x18, 0xffffffff81234567);
	put(sp + 0x10, BASE + 0x1800);
	uint8_t raw[6];
	struct linux_orc o;
	encode(&l, raw, 0x20, -16, (unsigned)l.reg_sp, (unsigned)l.reg_prev_sp, (unsigned)l.type_call, false);
	linux_orc_decode(&l, raw, &o);
	struct linux_unwind_state st = {.ip = 0xffffffff81000010, .sp = sp, .bp = 0};
	enum linux_orc_step kind;
	struct vms_error *err = linux_orc_step(&l, &pl, &o, &mem, &st, &kind);
	assert_null(err);
	assert_int_equal(kind, LINUX_ORC_NEXT);
	assert_int_equal(st.ip, 0xffffffff81234567);
	assert_int_equal(st.sp, sp + 0x20);
	assert_int_equal(st.bp, BASE + 0x1800);
	assert_false(st.signal);
}

static void test_regs_step(void **state)
{
	(void)state;
	memset(image, 0, sizeof(image));
	struct linux_orc_layout l = layout(false);
	struct linux_ptregs_layout pl = ptregs();
	uint64_t sp = BASE + 0x2000;
	// pt_regs at sp: an interrupt of kernel code at 0xffffffff81111111
	put(sp + 8 * LINUX_REG_IP, 0xffffffff81111111);
	put(sp + 8 * LINUX_REG_CS, 0x10);
	put(sp + 8 * LINUX_REG_SP, BASE + 0x3000);
	put(sp + 8 * LINUX_REG_BP, 0x4242);
	uint8_t raw[6];
	struct linux_orc o;
	encode(&l, raw, 0, 0, (unsigned)l.reg_sp, (unsigned)l.reg_undefined, (unsigned)l.type_regs, false);
	linux_orc_decode(&l, raw, &o);
	struct linux_unwind_state st = {.ip = 0xffffffff81000020, .sp = sp};
	enum linux_orc_step kind;
	struct vms_error *err = linux_orc_step(&l, &pl, &o, &mem, &st, &kind);
	assert_null(err);
	assert_int_equal(kind, LINUX_ORC_NEXT_REGS);
	assert_int_equal(st.ip, 0xffffffff81111111);
	assert_int_equal(st.sp, BASE + 0x3000);
	assert_int_equal(st.bp, 0x4242);  // BP undefined: the exception frame's
	assert_true(st.signal);
	assert_true(st.have_regs && st.full_regs);
	assert_false(linux_regs_user_mode(&st.regs));
	// the same frame from user mode
	put(sp + 8 * LINUX_REG_CS, 0x33);
	st = (struct linux_unwind_state){.ip = 0xffffffff81000020, .sp = sp};
	assert_null(linux_orc_step(&l, &pl, &o, &mem, &st, &kind));
	assert_true(linux_regs_user_mode(&st.regs));
}

static void test_end_and_bad(void **state)
{
	(void)state;
	memset(image, 0, sizeof(image));
	struct linux_ptregs_layout pl = ptregs();
	for (int v2 = 0; v2 < 2; v2++) {
		struct linux_orc_layout l = layout(v2);
		uint8_t raw[6];
		struct linux_orc o;
		struct linux_unwind_state st = {.ip = 0xffffffff81000030, .sp = BASE + 0x100}, before = st;
		enum linux_orc_step kind;
		// the end of the stack
		if (v2)
			encode(&l, raw, 0, 0, 0, 0, (unsigned)l.type_end_of_stack, false);
		else
			encode(&l, raw, 0, 0, (unsigned)l.reg_undefined, 0, 0, true);
		linux_orc_decode(&l, raw, &o);
		assert_null(linux_orc_step(&l, &pl, &o, &mem, &st, &kind));
		assert_int_equal(kind, LINUX_ORC_END);
		// undefined: an error naming the IP, the state untouched
		if (v2)
			encode(&l, raw, 0, 0, 0, 0, (unsigned)l.type_undefined, false);
		else
			encode(&l, raw, 0, 0, (unsigned)l.reg_undefined, 0, 0, false);
		linux_orc_decode(&l, raw, &o);
		struct vms_error *err = linux_orc_step(&l, &pl, &o, &mem, &st, &kind);
		assert_non_null(err);
		assert_int_equal(err->code, VMS_ERR_CORRUPT);
		assert_true(err->has_address && err->address == before.ip);
		assert_non_null(strstr(err->message, "undefined"));
		vms_error_destroy(err);
		assert_memory_equal(&st, &before, sizeof(st));
		// a corrupt entry: an SP base register no kernel uses
		encode(&l, raw, 8, 0, 14, 0, (unsigned)l.type_call, false);
		linux_orc_decode(&l, raw, &o);
		err = linux_orc_step(&l, &pl, &o, &mem, &st, &kind);
		assert_non_null(err);
		assert_non_null(strstr(err->message, "unknown SP base register 14"));
		vms_error_destroy(err);
		// a return address outside memory: the read error, with its address
		st.sp = BASE + SIZE + 0x100;
		encode(&l, raw, 8, 0, (unsigned)l.reg_sp, 0, (unsigned)l.type_call, false);
		linux_orc_decode(&l, raw, &o);
		err = linux_orc_step(&l, &pl, &o, &mem, &st, &kind);
		assert_non_null(err);
		assert_int_equal(err->code, VMS_ERR_FAULT);
		assert_non_null(strstr(err->message, "return address"));
		vms_error_destroy(err);
	}
}

static void test_table(void **state)
{
	(void)state;
	memset(image, 0, sizeof(image));
	struct linux_orc_layout l = layout(true);
	// three IPs as 32-bit offsets from their own slots, then their entries
	uint64_t ipt = BASE + 0x100, ent = BASE + 0x200;
	uint64_t ips[3] = {BASE + 0x1000, BASE + 0x1010, BASE + 0x1100};
	int32_t rel[4];
	for (int i = 0; i < 3; i++)
		rel[i] = (int32_t)(ips[i] - (ipt + 4 * (uint64_t)i));
	memcpy((uint8_t *)image + 0x100, rel, 12);
	struct linux_orc_table t;
	assert_null(linux_orc_table_read(&mem, &l, ipt, ent, 3, &t));
	assert_int_equal(linux_orc_search(&t, BASE + 0xfff), -1);
	assert_int_equal(linux_orc_search(&t, BASE + 0x1000), 0);
	assert_int_equal(linux_orc_search(&t, BASE + 0x100f), 0);
	assert_int_equal(linux_orc_search(&t, BASE + 0x1050), 1);
	assert_int_equal(linux_orc_search(&t, BASE + 0x9000), 2);
	linux_orc_table_deinit(&t);
	// unsorted: corrupt, named
	rel[1] = (int32_t)(BASE + 0x900 - (ipt + 4));
	memcpy((uint8_t *)image + 0x100, rel, 12);
	struct vms_error *err = linux_orc_table_read(&mem, &l, ipt, ent, 3, &t);
	assert_non_null(err);
	assert_int_equal(err->code, VMS_ERR_CORRUPT);
	assert_non_null(strstr(err->message, "not sorted"));
	vms_error_destroy(err);
	// entries outside memory
	err = linux_orc_table_read(&mem, &l, ipt, BASE + SIZE - 4, 3, &t);
	assert_non_null(err);
	assert_int_equal(err->code, VMS_ERR_FAULT);
	vms_error_destroy(err);
}

static void test_signature(void **state)
{
	(void)state;
	char *a = linux_crash_normalize_reason("watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [vmsift-crash:130]");
	char *b = linux_crash_normalize_reason("watchdog: BUG: soft lockup - CPU#0 stuck for 4s! [vmsift-crash:125]");
	assert_string_equal(a, "watchdog: BUG: soft lockup - CPU#N stuck for Ns! [vmsift-crash:N]");
	assert_string_equal(a, b);
	char *c = linux_crash_normalize_reason("BUG: kernel NULL pointer dereference, address: 0000000000000000");
	assert_string_equal(c, "BUG: kernel NULL pointer dereference, address: N");
	char *d = linux_crash_normalize_reason("kernel BUG at mm/slub.c:431!");
	assert_string_equal(d, "kernel BUG at mm/slub.c:N!");
	const char *f1[] = {"vmsift_test_spin", "vmsift_test_trigger"};
	const char *f2[] = {"vmsift_test_bug_now", "vmsift_test_trigger"};
	char s1[17], s2[17], s3[17], s4[17];
	linux_crash_signature(a, f1, 2, s1);
	linux_crash_signature(b, f1, 2, s2);
	linux_crash_signature(a, f2, 2, s3);
	linux_crash_signature(c, f1, 2, s4);
	assert_string_equal(s1, s2);
	assert_string_not_equal(s1, s3);
	assert_string_not_equal(s1, s4);
	assert_int_equal(strlen(s1), 16);
	assert_true(linux_crash_generic_frame("panic"));
	assert_true(linux_crash_generic_frame("asm_exc_invalid_op"));
	assert_true(linux_crash_generic_frame("__sysvec_apic_timer_interrupt"));
	assert_false(linux_crash_generic_frame("out_of_memory"));
	assert_false(linux_crash_generic_frame("vmsift_test_spin"));
	free(a);
	free(b);
	free(c);
	free(d);
}

static void test_notes(void **state)
{
	(void)state;
	char path[] = "/tmp/vmsift-crash-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	static const enum dg_format fmts[] = {DG_ELF, DG_KDUMP, DG_FLAT};
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(dg_write(path, fmts[i], 0), 0);
		struct vms_dump *d;
		assert_null(dump_open(path, &d));
		const struct dump_note *n;
		size_t count;
		assert_null(dump_notes(d, &n, &count));
		assert_int_equal(count, 1);
		assert_string_equal(n[0].name, "VMCOREINFO");
		assert_true(n[0].size > 10 && memcmp(n[0].desc, "OSRELEASE=", 10) == 0);
		dump_destroy(d);
	}
	// an ELF note whose descriptor runs past its segment
	assert_int_equal(dg_write(path, DG_ELF, 0), 0);
	FILE *f = fopen(path, "r+b");
	assert_non_null(f);
	// the first note follows the ELF header and three program headers
	uint32_t huge = 0x100000;
	assert_int_equal(fseek(f, 64 + 3 * 56 + 4, SEEK_SET), 0);
	assert_int_equal(fwrite(&huge, 4, 1, f), 1);
	fclose(f);
	struct vms_dump *d;
	assert_null(dump_open(path, &d));
	const struct dump_note *n;
	size_t count;
	struct vms_error *err = dump_notes(d, &n, &count);
	assert_non_null(err);
	assert_int_equal(err->code, VMS_ERR_CORRUPT);
	assert_non_null(strstr(err->message, "runs past its segment"));
	assert_int_equal(count, 0);
	vms_error_destroy(err);
	dump_destroy(d);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),    cmocka_unit_test(test_call_step),
		cmocka_unit_test(test_regs_step), cmocka_unit_test(test_end_and_bad),
		cmocka_unit_test(test_table),     cmocka_unit_test(test_signature),
		cmocka_unit_test(test_notes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
