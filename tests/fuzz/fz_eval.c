// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The expression parser and evaluator of `p` (program/eval.c): the input
 * is one C expression, evaluated over the harness program (fz_program():
 * a real kernel's DWARF when VMSIFT_FUZZ_VMLINUX/DUMP are set, else the
 * kernel-shaped fixture) and rendered as text and JSON.
 */
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "base/value.h"
#include "fuzz.h"
#include "program/eval.h"

static int init(void)
{
	struct vms_program *prog = fz_program();
	if (!prog)
		return -1;
	// the first lookup builds the DWARF index: not in the first input's time
	struct eval_value v;
	vms_error_destroy(eval_expr(prog, "init_task.pid", &v));
	return 0;
}

static void one(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return;
	char *expr = malloc(size + 1);
	if (!expr)
		return;
	memcpy(expr, data, size);
	expr[size] = 0;
	struct vms_program *prog = fz_program();
	struct eval_value v;
	struct vms_error *err = eval_expr(prog, expr, &v);
	if (!err) {
		struct strbuf text = STRBUF_INIT, json = STRBUF_INIT;
		struct vms_value *val = NULL;
		err = eval_render(prog, &v, &text, &val);
		if (!err && val) {
			value_to_json(val, &json);
			value_destroy(val);
		}
		strbuf_release(&text);
		strbuf_release(&json);
		if (!err) {
			uint64_t n;
			err = eval_scalar(prog, &v, &n);
		}
	}
	fz_check_error(err);
	free(expr);
}

static int seeds(const char *dir)
{
	static const char *const exprs[] = {
		"init_task.pid", "&init_task", "init_task.comm", "sizeof(struct task_struct)",
		"(struct page *)0xffffea0000000000", "mem_map[1].flags", "*&init_mm",
		"container_of(init_task.tasks.next, struct task_struct, tasks)->comm",
		"1 + 2 * 3 - (4 >> 1) % 3", "linux_banner", "a_folio.page.flags & 0xff",
		"((struct mm_struct *)&init_mm)->pgd", "-1UL / 3", "!0 ? 'a' : \"b\"",
	};
	for (size_t i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++) {
		char name[16];
		snprintf(name, sizeof(name), "expr-%02zu", i);
		if (fz_write_seed(dir, name, exprs[i], strlen(exprs[i])))
			return -1;
	}
	return 0;
}

const struct fuzz_target fz_eval = {"eval", "C expressions of `p` over the kernel's types", init, one, seeds};
