// SPDX-License-Identifier: GPL-3.0-or-later
/* bt, mod: backtraces and modules */
#include "cli/cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "linux/cpus.h"
#include "linux/crash.h"
#include "linux/module.h"
#include "linux/panic.h"
#include "linux/task.h"
#include "linux/unwind.h"
#include "linux/vmctx.h"

/* ---- bt ---- */

static void regs_text(const struct vms_value *r, struct strbuf *out)
{
	static const char *const order[] = {
		"RIP", "RSP", "RFLAGS", "RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RBP", "R8",
		"R9", "R10", "R11", "R12", "R13", "R14", "R15", "ORIG_RAX", "CS", "SS",
	};
	unsigned col = 0;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const struct vms_value *x = value_get(r, order[i]);
		if (!x)
			continue;
		strbuf_addf(out, "%s%8s: %016" PRIx64, col ? "  " : "    ", order[i], x->u);
		if (++col == 3) {
			strbuf_addch(out, '\n');
			col = 0;
		}
	}
	if (col)
		strbuf_addch(out, '\n');
}

static void bt_text(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out)
{
	(void)ctx;
	if (ctx->records > 1)
		strbuf_addch(out, '\n');
	const struct vms_value *x;
	strbuf_addf(out, "PID: %-7" PRId64 " TASK: %016" PRIx64,
		    (x = value_get(v, "pid")) ? x->i : -1, value_get(v, "task")->u);
	if ((x = value_get(v, "cpu")))
		strbuf_addf(out, "  CPU: %" PRId64, x->i);
	if ((x = value_get(v, "comm")))
		strbuf_addf(out, "  COMMAND: \"%s\"", x->s);
	if ((x = value_get(v, "start")))
		strbuf_addf(out, "  (from %s)", x->s);
	strbuf_addch(out, '\n');
	if ((x = value_get(v, "stack_note")))
		strbuf_addf(out, "    (task stack: the THREAD_SIZE block around the registers' SP; %s)\n", x->s);
	const struct vms_value *fr = value_get(v, "frames");
	const char *stack = NULL;
	for (size_t i = 0; fr && i < fr->array.len; i++) {
		const struct vms_value *f = fr->array.items[i];
		const struct vms_value *e = value_get(f, "exception");
		const struct vms_value *st = value_get(f, "stack");
		if (e) {
			bool user = value_get(e, "user_mode")->b;
			strbuf_addf(out, "    --- <%s exception frame at %016" PRIx64 "%s> ---\n",
				    user ? "user-mode" : "kernel", value_get(e, "address")->u,
				    value_get(e, "partial") ? ", hardware part only" : "");
			regs_text(value_get(e, "registers"), out);
			if (user)
				continue;
		}
		if (st && (stack ? strcmp(st->s, stack) != 0 : strcmp(st->s, "task") != 0))
			strbuf_addf(out, "    --- <%s stack> ---\n", st->s);
		if (st)
			stack = st->s;
		const struct vms_value *slot = value_get(f, "slot");
		strbuf_addf(out, " #%-2" PRIu64 " [%016" PRIx64 "] ", value_get(f, "level")->u,
			    slot ? slot->u : value_get(f, "sp")->u);
		if (value_get(f, "guess"))
			strbuf_addstr(out, "? ");
		if ((x = value_get(f, "function"))) {
			strbuf_addf(out, "%s+0x%" PRIx64, x->s, value_get(f, "offset")->u);
		} else {
			strbuf_addstr(out, "(unknown)");
		}
		strbuf_addf(out, " at %016" PRIx64, value_get(f, "ip")->u);
		if ((x = value_get(f, "module")))
			strbuf_addf(out, " [%s]", x->s);
		strbuf_addch(out, '\n');
		const struct vms_value *src = value_get(f, "source");
		for (size_t k = 0; src && k < src->array.len; k++) {
			const struct vms_value *s = src->array.items[k], *fn = value_get(s, "function"),
					       *file = value_get(s, "file"), *line = value_get(s, "line");
			strbuf_addf(out, "      %s%s %s:%" PRId64 "\n", value_get(s, "inlined") ? "inlined " : "",
				    fn ? fn->s : "?", file ? file->s : "?", line ? line->i : 0);
		}
	}
	if ((x = value_get(v, "error")))
		strbuf_addf(out, "    --- trace ends: %s ---\n", x->s);
	else if (value_get(v, "user_mode")->b && (!fr || !fr->array.len))
		strbuf_addstr(out, "    (running in user mode)\n");
}

VMS_MUST_CHECK static struct vms_error *bt_one(struct cli_ctx *ctx, uint64_t task, int cpu, bool stream, bool source)
{
	struct linux_bt bt;
	struct vms_error *err;
	if (cpu >= 0) {
		const struct linux_cpu_regs *cr;
		err = linux_cpu_regs(ctx->prog, (unsigned)cpu, &cr);
		if (!err)
			err = linux_bt_regs(ctx->prog, task, cpu, &cr->regs, cr->source, &bt);
	} else {
		err = linux_bt_task(ctx->prog, task, &bt);
	}
	if (err)
		return err;
	if (bt.end_error)
		ctx->partial = true;
	struct vms_value *v = source ? linux_bt_value_source(ctx->prog, &bt) : linux_bt_value(ctx->prog, &bt);
	linux_bt_deinit(&bt);
	if (stream)
		cli_emit_record(ctx, v, bt_text);
	else
		cli_emit(ctx, v, bt_text);
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *cmd_bt(struct cli_ctx *ctx, int argc, char **argv)
{
	bool all = false, active = false, source = false;
	const char *spec = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--all") == 0)
			all = true;
		else if (strcmp(argv[i], "-a") == 0)
			active = true;
		else if (strcmp(argv[i], "-l") == 0)
			source = true;
		else if (argv[i][0] != '-' && !spec)
			spec = argv[i];
		else
			return vms_error_create(VMS_ERR_INVALID, "usage: bt [-l] [PID | TASK | -a | --all]");
	}
	struct vms_error *err;
	if (active) {
		unsigned n;
		if ((err = linux_nr_cpus(ctx->prog, &n)))
			return err;
		for (unsigned c = 0; c < n; c++) {
			if (!linux_cpu_present(ctx->prog, c))
				continue;
			uint64_t task;
			if ((err = linux_cpu_curr(ctx->prog, c, &task)) || (err = bt_one(ctx, task, (int)c, true, source))) {
				cli_print_error(ctx, "bt", err);
				vms_error_destroy(err);
				ctx->partial = true;
			}
		}
		return NULL;
	}
	if (all) {
		struct linux_vm *vm;
		const struct linux_task *tasks;
		size_t n;
		if ((err = linux_vm_create(ctx->prog, &vm)))
			return err;
		err = linux_vm_tasks(vm, &tasks, &n);
		for (size_t i = 0; !err && i < n; i++) {
			if ((err = program_check_cancel()))
				break;
			struct vms_error *e = bt_one(ctx, tasks[i].addr, -1, true, source);
			if (e) {
				cli_print_error(ctx, "bt", e);
				vms_error_destroy(e);
				ctx->partial = true;
			}
		}
		const struct vms_error *te = linux_vm_tasks_error(vm);
		if (!err && te) {
			// the tasks after the cut are not listed: say why
			cli_print_error(ctx, "bt", te);
			ctx->partial = true;
		}
		linux_vm_destroy(vm);
		return err;
	}
	uint64_t task;
	int cpu;
	if (spec)
		err = linux_bt_find_task(ctx->prog, spec, &task);
	else
		err = linux_panic_task(ctx->prog, &task, &cpu);
	if (err)
		return spec ? err : vms_error_wrap(err, "no panic task (give a PID, a task address, -a or --all)");
	return bt_one(ctx, task, -1, false, source);
}

const struct cli_command cli_cmd_bt = {
	.name = "bt",
	.usage = "[-l] [PID | TASK | -a | --all]",
	.summary = "kernel backtrace of the panic task, a task, each CPU's task, or every task",
	.help = "Without an argument, the task that panicked.  PID is a thread id; TASK a task_struct\n"
		"address (0x...).  -a: the task each CPU runs, from the CPU's registers (kdump's\n"
		"crash_notes or QEMU's notes).  --all: every task.  Unwinds with the kernel's ORC\n"
		"tables (vmlinux and modules) through exception frames and the IRQ and exception\n"
		"stacks; a frame marked '?' was found by the frame-pointer guess.  A trace that\n"
		"cannot go on ends with the reason (exit status 4).  -l: the source file:line of\n"
		"each frame and the functions inlined there, from the vmlinux's DWARF.",
	.needs_program = true,
	.run = cmd_bt,
};

/* ---- mod ---- */

static void mod_text(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out)
{
	const struct vms_value *x;
	if (ctx->records == 1)
		strbuf_addf(out, "%-20s %-16s %8s %4s %-9s %-5s %s\n", "NAME", "BASE", "SIZE", "REFS", "STATE",
			    "TAINT", "USED BY");
	char refs[24] = "-";
	if ((x = value_get(v, "refcount")))
		snprintf(refs, sizeof(refs), "%" PRId64, x->i);
	const struct vms_value *taint = value_get(v, "taint"), *users = value_get(v, "used_by");
	strbuf_addf(out, "%-20s %016" PRIx64 " %8" PRIu64 " %4s %-9s %-5s %s\n", value_get(v, "name")->s,
		    value_get(v, "base")->u, value_get(v, "size")->u, refs, value_get(v, "state")->s,
		    taint ? taint->s : "", users ? users->s : "-");
}

VMS_MUST_CHECK static struct vms_error *cmd_mod(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc > 2)
		return vms_error_create(VMS_ERR_INVALID, "usage: mod [NAME]");
	const struct linux_module *mods;
	size_t n;
	struct vms_error *err = linux_modules(ctx->prog, &mods, &n);
	if (err && !n)
		return err;
	if (err) {
		cli_print_error(ctx, "mod", err);
		vms_error_destroy(err);
		ctx->partial = true;
	}
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		const struct linux_module *m = &mods[i];
		if (argc == 2 && strcmp(argv[1], m->name) != 0)
			continue;
		struct vms_value *v = value_object();
		value_set_str(v, "name", m->name);
		value_set_hex(v, "address", m->addr);
		value_set_hex(v, "base", m->base);
		value_set_uint(v, "size", m->size);
		if (m->refcount != INT64_MIN)
			value_set_int(v, "refcount", m->refcount);
		if (m->used_by || m->permanent) {
			char buf[1024];
			snprintf(buf, sizeof(buf), "%s%s", m->used_by ? m->used_by : "", m->permanent ? "[permanent]," : "");
			value_set_str(v, "used_by", buf);
		}
		value_set_str(v, "state", m->state_name);
		value_set_hex(v, "taints", m->taints);
		if (m->taints)
			value_set_str(v, "taint", m->taint_str);
		struct vms_value *r = value_set(v, "ranges", value_array());
		for (size_t k = 0; k < m->nranges; k++) {
			struct vms_value *o = value_push(r, value_object());
			value_set_hex(o, "start", m->ranges[k].start);
			value_set_hex(o, "end", m->ranges[k].end);
		}
		cli_emit_record(ctx, v, mod_text);
		shown++;
	}
	if (argc == 2 && !shown)
		return vms_error_create(VMS_ERR_LOOKUP, "no module '%s'", argv[1]);
	return NULL;
}

const struct cli_command cli_cmd_mod = {
	.name = "mod",
	.usage = "[NAME]",
	.summary = "loaded modules: name, base, size, references, users, state, taint",
	.help = "Read from the kernel's module list, as /proc/modules shows them (most recently\n"
		"loaded first).  Module symbols come from each module's own kallsyms in memory:\n"
		"sym and bt resolve module addresses without a .ko.",
	.needs_program = true,
	.run = cmd_mod,
};
