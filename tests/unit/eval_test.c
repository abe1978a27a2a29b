// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Unit tests for the expression evaluator (program/eval.h) on a synthetic
 * dump (tests/tools/dumpgen) with the kernel-shaped vmlinux of the debuginfo
 * tests (tests/fixtures/kernel_types.c), opened with --force: parsing and
 * precedence, casts and unary operators, errors with their column,
 * sizeof/offsetof/container_of, and typed reads through the direct map
 * compared with the dump's memory image.
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
#include "program/eval.h"
#include "program/program.h"

static char dump_path[] = "/tmp/vmsift-eval-test-XXXXXX";
static const char *vmlinux = "tests/fixtures/kernel_types.elf";
static struct vms_program *prog;

static int setup(void **state)
{
	(void)state;
	int fd = mkstemp(dump_path);
	if (fd < 0)
		return -1;
	close(fd);
	if (dg_write(dump_path, DG_ELF, 0))
		return -1;
	struct vms_program_options opts = { .vmlinux = vmlinux, .force = true };
	struct vms_error *err = program_open(dump_path, &opts, &prog);
	if (err) {
		fprintf(stderr, "program_open: %s\n", err->message);
		vms_error_destroy(err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	program_destroy(prog);
	unlink(dump_path);
	return 0;
}

/* The scalar value of @expr (fails the test on error). */
static uint64_t scalar(const char *expr)
{
	struct eval_value v;
	struct vms_error *err = eval_expr(prog, expr, &v);
	if (err)
		fail_msg("%s: %s", expr, err->message);
	uint64_t r;
	err = eval_scalar(prog, &v, &r);
	if (err)
		fail_msg("%s: %s", expr, err->message);
	return r;
}

/* The type of @expr as C spells it (static buffer). */
static const char *type_of(const char *expr)
{
	static char buf[256];
	struct eval_value v;
	struct vms_error *err = eval_expr(prog, expr, &v);
	if (err)
		fail_msg("%s: %s", expr, err->message);
	char *n = vms_type_name(v.type);
	snprintf(buf, sizeof(buf), "%s", n ? n : "?");
	free(n);
	return buf;
}

/* The error of @expr, which must fail with @code; returns its message
 * (static buffer). */
static const char *error_of(const char *expr, enum vms_error_code code)
{
	static char buf[512];
	struct eval_value v;
	struct vms_error *err = eval_expr(prog, expr, &v);
	if (!err) {
		uint64_t r;
		err = eval_scalar(prog, &v, &r);
	}
	if (!err)
		fail_msg("%s: no error", expr);
	if (err->code != code)
		fail_msg("%s: code %d, want %d (%s)", expr, err->code, code, err->message);
	snprintf(buf, sizeof(buf), "%s", err->message);
	if (getenv("EVAL_TEST_VERBOSE"))
		print_message("%s => %s\n", expr, buf);
	vms_error_destroy(err);
	return buf;
}

static void test_precedence(void **state)
{
	(void)state;
	assert_int_equal(scalar("1 + 2 * 3"), 7);
	assert_int_equal(scalar("(1 + 2) * 3"), 9);
	assert_int_equal(scalar("10 - 4 - 3"), 3);         // left associative
	assert_int_equal(scalar("100 / 10 / 5"), 2);
	assert_int_equal(scalar("17 % 5"), 2);
	assert_int_equal(scalar("1 << 4 + 1"), 32);        // + binds tighter than <<
	assert_int_equal(scalar("0x100 >> 4"), 0x10);
	assert_int_equal(scalar("1 | 2 ^ 3 & 6"), 1 | (2 ^ (3 & 6)));
	assert_int_equal(scalar("1 < 2 == 1"), 1);         // < before ==
	assert_int_equal(scalar("3 > 2 > 1"), 0);          // (3 > 2) > 1
	assert_int_equal(scalar("1 || 0 && 0"), 1);        // && before ||
	assert_int_equal(scalar("0 ? 1 : 2 ? 3 : 4"), 3);  // ?: right associative
	assert_int_equal(scalar("2 * -3 + 7"), 1);
	assert_int_equal(scalar("'A' + 1"), 'B');
	assert_int_equal(scalar("0777"), 0777);
	assert_int_equal(scalar("10 <= 10 && 10 >= 11 || 5 != 5"), 0);
}

static void test_unary_casts(void **state)
{
	(void)state;
	assert_int_equal(scalar("-(-5)"), 5);
	assert_int_equal(scalar("!0"), 1);
	assert_int_equal(scalar("!!7"), 1);
	assert_int_equal(scalar("~0"), UINT64_MAX);        // int -1, sign-extended
	assert_int_equal(scalar("+3"), 3);
	assert_int_equal(scalar("(u8)0x1ff"), 0xff);
	assert_int_equal(scalar("(unsigned char)-1"), 0xff);
	assert_int_equal((int64_t)scalar("(int)0xffffffff"), -1);
	assert_int_equal(scalar("(u16)(0x12345678)"), 0x5678);
	// C's integer promotions: unsigned int arithmetic wraps at 32 bits
	assert_int_equal(scalar("(u32)0 - 1"), 0xffffffffu);
	assert_int_equal(scalar("(unsigned long long)0 - 1"), UINT64_MAX);
	// pointer arithmetic scales by the pointed-to size
	assert_int_equal(scalar("(struct page *)0x1000 + 2"), 0x1000 + 2 * 64);
	assert_int_equal(scalar("(struct page *)0x1100 - (struct page *)0x1000"), 4);
	assert_int_equal(scalar("(char *)0x10 + 1"), 0x11);
	assert_string_equal(type_of("(struct page *)0"), "struct page *");
	assert_string_equal(type_of("(u8)1"), "u8");
	assert_string_equal(type_of("1 == 1"), "int");
	assert_string_equal(type_of("&init_task"), "struct task_struct *");
	assert_string_equal(type_of("init_task.comm"), "char [16]");
	assert_string_equal(type_of("*(struct mm_struct *)0"), "struct mm_struct");
	// enumerators
	assert_int_equal(scalar("PG_lru"), 4);
	assert_int_equal(scalar("__NR_PAGEFLAGS * 2"), 10);
	assert_int_equal(scalar("ANON_B"), 6);
	assert_int_equal((int64_t)scalar("SE_NEG"), -2);
}

static void test_sizeof_offsetof(void **state)
{
	(void)state;
	assert_int_equal(scalar("sizeof(struct page)"), 64);
	assert_int_equal(scalar("sizeof(struct list_head)"), 16);
	assert_int_equal(scalar("sizeof(u16)"), 2);
	assert_int_equal(scalar("sizeof(struct page *)"), 8);
	assert_int_equal(scalar("sizeof init_task.comm"), 16);
	assert_int_equal(scalar("sizeof(init_task.matrix)"), 24);
	assert_int_equal(scalar("sizeof(init_task.matrix[1])"), 12);
	assert_int_equal(scalar("sizeof(*(struct folio *)0)"), 64);  // reads nothing
	assert_int_equal(scalar("offsetof(struct page, flags)"), 0);
	assert_int_equal(scalar("offsetof(struct page, _refcount)"), 52);
	assert_int_equal(scalar("offsetof(struct page, lru.prev)"), 16);
	assert_int_equal(scalar("offsetof(struct task_struct, comm)"), 12);
	// &((T *)0)->m is offsetof, without reading memory
	assert_int_equal(scalar("&((struct page *)0)->_refcount"), 52);
	assert_int_equal(scalar("(unsigned long)&((struct task_struct *)0)->tasks"),
			 scalar("offsetof(struct task_struct, tasks)"));
	// container_of: the containing object's address, typed
	uint64_t tasks = scalar("offsetof(struct task_struct, tasks)");
	char expr[200];
	snprintf(expr, sizeof(expr), "container_of((struct list_head *)0x%llx, struct task_struct, tasks)",
		 (unsigned long long)(0x10000 + tasks));
	assert_int_equal(scalar(expr), 0x10000);
	assert_string_equal(type_of(expr), "struct task_struct *");
	assert_int_equal(scalar("container_of(&init_task.tasks, struct task_struct, tasks)"),
			 scalar("&init_task"));
	assert_int_equal(scalar("&init_task.tasks"), scalar("&init_task") + tasks);
}

static void test_direct_map_reads(void **state)
{
	(void)state;
	const uint8_t *image = dg_image();
	uint64_t want;
	memcpy(&want, image + 0x5008, 8);
	assert_int_equal(scalar("*(unsigned long *)0xffff888000005008"), want);
	assert_int_equal(scalar("((unsigned long *)0xffff888000005000)[1]"), want);
	// a struct read through a pointer into the direct map
	struct eval_value v;
	assert_null(eval_expr(prog, "*(struct task_struct *)0xffff888000006000", &v));
	assert_true(v.lvalue);
	assert_int_equal(v.address, 0xffff888000006000);
	int32_t pid;
	memcpy(&pid, image + 0x6000 + 8, 4);
	assert_int_equal((int64_t)scalar("((struct task_struct *)0xffff888000006000)->pid"), pid);
	assert_int_equal((int64_t)scalar("(*(struct task_struct *)0xffff888000006000).pid"), pid);
	uint32_t refc;
	memcpy(&refc, image + 0x7000 + 52, 4);
	assert_int_equal(scalar("((struct page *)0xffff888000007000)->_refcount.counter"), refc);
	// the byte image through a char pointer, and a comparison on it
	assert_int_equal(scalar("*(u8 *)0xffff888000005003"), image[0x5003]);
	assert_int_equal(scalar("*(u8 *)0xffff888000005003 == *(u8 *)(0xffff888000005000 + 3)"), 1);
	// kernel text maps the same memory
	assert_int_equal(scalar("*(unsigned long *)0xffffffff80005008"), want);
	// rendering reads the object and names its type
	struct strbuf text = STRBUF_INIT;
	struct vms_value *val = NULL;
	assert_null(eval_expr(prog, "((struct task_struct *)0xffff888000006000)->pid", &v));
	assert_null(eval_render(prog, &v, &text, &val));
	assert_non_null(strstr(text.buf, "(int)"));
	assert_string_equal(value_get(val, "type")->s, "int");
	value_destroy(val);
	strbuf_release(&text);
	// reads where the dump has nothing: FAULT (no translation), NODATA (excluded)
	error_of("*(unsigned long *)0x10", VMS_ERR_FAULT);
	error_of("*(unsigned long *)(0xffff888000000000 + 0x280010)", VMS_ERR_NODATA);
	// init_task lives at a user address the synthetic dump does not map, but
	// its address and the offsets of its members need no read
	assert_int_equal(scalar("&init_task.pid"), scalar("&init_task") + 8);
}

static void test_errors(void **state)
{
	(void)state;
	const char *m;
	m = error_of("1 +", VMS_ERR_INVALID);
	assert_non_null(strstr(m, "end of expression"));
	m = error_of("1 + * ", VMS_ERR_INVALID);
	assert_non_null(strstr(m, "at end"));
	m = error_of("(1 + 2", VMS_ERR_INVALID);
	assert_non_null(strstr(m, "end of expression"));
	m = error_of("1 2", VMS_ERR_INVALID);
	assert_non_null(strstr(m, "column 3"));
	m = error_of("1 + @", VMS_ERR_INVALID);
	assert_non_null(strstr(m, "'@'"));
	assert_non_null(strstr(m, "column 5"));
	m = error_of("", VMS_ERR_INVALID);
	assert_non_null(strstr(m, "empty"));
	m = error_of("1 / 0", VMS_ERR_INVALID);
	assert_non_null(strstr(m, "division by zero"));
	m = error_of("no_such_thing + 1", VMS_ERR_LOOKUP);
	assert_non_null(strstr(m, "no_such_thing"));
	m = error_of("init_task.no_such_member", VMS_ERR_LOOKUP);
	assert_non_null(strstr(m, "no_such_member"));
	m = error_of("sizeof(struct no_such_type)", VMS_ERR_LOOKUP);
	assert_non_null(strstr(m, "no_such_type"));
	m = error_of("init_task->pid", VMS_ERR_INVALID);  // '->' on a struct
	assert_non_null(strstr(m, "struct"));
	m = error_of("(1).x", VMS_ERR_INVALID);
	m = error_of("*5", VMS_ERR_INVALID);
	assert_non_null(strstr(m, "dereference"));
	m = error_of("&5", VMS_ERR_INVALID);
	assert_non_null(strstr(m, "address"));
	m = error_of("5[1]", VMS_ERR_INVALID);
	m = error_of("container_of(init_task, struct task_struct, tasks)", VMS_ERR_INVALID);
	assert_non_null(strstr(m, "not a scalar"));
	m = error_of("container_of(&init_task.tasks, struct task_struct, nosuch)", VMS_ERR_LOOKUP);
	assert_non_null(strstr(m, "nosuch"));
	m = error_of("99999999999999999999999", VMS_ERR_INVALID);
	assert_non_null(strstr(m, "too big"));
	m = error_of("1 << 64", VMS_ERR_INVALID);
	m = error_of("(struct page)1", VMS_ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_unary_casts),
		cmocka_unit_test(test_sizeof_offsetof),
		cmocka_unit_test(test_direct_map_reads),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
