// SPDX-License-Identifier: GPL-3.0-or-later
/* p / eval: C expressions over the dump with the kernel's types */
#include "cli/cli.h"

#include <string.h>

#include "program/eval.h"

static void eval_text(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out)
{
	(void)ctx;
	const struct vms_value *t = value_get(v, "text");
	if (t)
		strbuf_addstr(out, t->s);
}

VMS_MUST_CHECK static struct vms_error *cmd_eval(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return vms_error_create(VMS_ERR_INVALID, "usage: %s EXPRESSION", argv[0]);
	struct strbuf expr = STRBUF_INIT;
	for (int i = 1; i < argc; i++) {
		if (i > 1)
			strbuf_addch(&expr, ' ');
		strbuf_addstr(&expr, argv[i]);
	}
	struct eval_value ev;
	struct strbuf text = STRBUF_INIT;
	struct vms_value *v = NULL;
	struct vms_error *err = eval_expr(ctx->prog, expr.buf, &ev);
	if (!err)
		err = eval_render(ctx->prog, &ev, ctx->json ? NULL : &text, &v);
	if (err) {
		strbuf_release(&expr);
		strbuf_release(&text);
		return err;
	}
	struct vms_value *doc = value_object();
	value_set_str(doc, "expression", expr.buf);
	for (size_t i = 0; i < v->object.len; i++) {
		value_set(doc, v->object.pairs[i].key, v->object.pairs[i].value);
		v->object.pairs[i].value = NULL;
	}
	value_destroy(v);
	if (!ctx->json)
		value_set_str(doc, "text", text.buf);
	strbuf_release(&expr);
	strbuf_release(&text);
	cli_emit(ctx, doc, eval_text);
	return NULL;
}

#define EVAL_HELP                                                                              \
	"Evaluate a C expression over the dump's memory with the kernel's DWARF types:\n"     \
	"variables, symbols, enumerators, integer literals, casts, '.', '->', '[]',\n"        \
	"unary & * - ! ~, arithmetic, shifts, comparisons, && || ?:, sizeof(TYPE),\n"         \
	"sizeof EXPR, offsetof(TYPE, MEMBER), container_of(PTR, TYPE, MEMBER).\n"             \
	"The result is printed with its type; structs, unions and arrays in full.\n"         \
	"'>' and '|' inside parentheses or brackets and the operators -> >= || need no\n"     \
	"quotes; elsewhere '>', '>>' and '|' are a redirection or a pipe, so quote the\n"      \
	"expression or parenthesize it: p (a >> 2)   p 'a | b'.\n"                             \
	"JSON: {expression, type, address (objects in memory), value, string (char *)}.\n"    \
	"Examples:  p init_uts_ns.name.release   p sizeof(struct page)\n"                    \
	"           p &((struct page *)0)->_refcount   p init_task.tasks.next\n"             \
	"           p container_of(init_task.tasks.next, struct task_struct, tasks)->comm"

const struct cli_command cli_cmd_p = {
	.name = "p",
	.usage = "EXPRESSION",
	.summary = "evaluate and print a C expression (crash/gdb p)",
	.help = EVAL_HELP,
	.needs_program = true,
	.run = cmd_eval,
};

const struct cli_command cli_cmd_eval = {
	.name = "eval",
	.usage = "EXPRESSION",
	.summary = "evaluate and print a C expression (same as p)",
	.help = EVAL_HELP,
	.needs_program = true,
	.run = cmd_eval,
};
