// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/crash.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "linux/cpus.h"
#include "linux/kfacts.h"
#include "linux/module.h"
#include "linux/panic.h"
#include "linux/task.h"

/* ---- tasks ---- */

static void task_ident(struct vms_program *prog, uint64_t task, struct vms_value *obj)
{
	uint64_t off;
	uint32_t pid;
	struct vms_error *err = kf_need_off(prog, KF_TASK_PID, &off);
	if (!err)
		err = program_read_u32(prog, task + off, &pid);
	if (!err)
		value_set_int(obj, "pid", (int32_t)pid);
	vms_error_destroy(err);
	char comm[17] = "";
	if (kf_has(prog, KF_TASK_COMM)) {
		err = program_read(prog, task + (uint64_t)kf_off(prog, KF_TASK_COMM), comm, 16);
		if (!err)
			value_set_str(obj, "comm", comm);
		vms_error_destroy(err);
	}
}

struct vms_error *linux_bt_find_task(struct vms_program *prog, const char *spec, uint64_t *task_ret)
{
	char *end;
	if (strncmp(spec, "0x", 2) == 0 || strlen(spec) > 10) {
		uint64_t a = strtoull(spec, &end, 16);
		if (*end || !a)
			return vms_error_create(VMS_ERR_INVALID, "'%s' is neither a PID nor a task address", spec);
		*task_ret = a;
		return NULL;
	}
	long pid = strtol(spec, &end, 10);
	if (*end || pid < 0)
		return vms_error_create(VMS_ERR_INVALID, "'%s' is neither a PID nor a task address", spec);
	struct linux_vm *vm;
	struct vms_error *err = linux_vm_create(prog, &vm);
	if (err)
		return err;
	const struct linux_task *t;
	err = linux_find_task(vm, (int32_t)pid, &t);
	if (!err)
		*task_ret = t->addr;
	// A task list the dump cut short (a filtered dump without the
	// task_struct pages on the way) does not hold every task; the panic
	// task is known from the panic CPU.
	const struct linux_panic *p;
	if (err && linux_vm_tasks_error(vm) && vms_ok(linux_panic_get(prog, &p)) && p->task &&
	    p->pid == (int32_t)pid) {
		*task_ret = p->task;
		vms_error_destroy(err);
		err = NULL;
	}
	linux_vm_destroy(vm);
	return err;
}

struct vms_error *linux_panic_task(struct vms_program *prog, uint64_t *task_ret, int *cpu_ret)
{
	const struct linux_panic *p;
	struct vms_error *err = linux_panic_get(prog, &p);
	if (err)
		return err;
	if (p->cpu < 0)
		return vms_error_create(VMS_ERR_LOOKUP, "the kernel did not panic (panic_cpu is not set)");
	if (!p->task)
		return vms_error_create(VMS_ERR_NODATA, "the task running on the panic CPU %d is unknown", p->cpu);
	*task_ret = p->task;
	*cpu_ret = p->cpu;
	return NULL;
}

/* ---- backtraces as values ---- */

static struct vms_value *regs_value(const struct linux_regs *r)
{
	struct vms_value *o = value_object();
	for (int i = 0; i < LINUX_NR_REGS; i++)
		if (r->valid & (1u << i))
			value_set_hex(o, linux_reg_name((enum linux_reg)i), r->r[i]);
	return o;
}

#define MAX_INLINE_DEPTH 16

static void frame_source(struct vms_program *prog, const struct linux_bt_frame *f, struct vms_value *o)
{
	if (!f->sym.name)
		return;
	struct vms_source_frame src[MAX_INLINE_DEPTH];
	size_t n = 0;
	// a return address belongs to the call before it
	uint64_t pc = f->exact ? f->ip : f->ip - 1;
	struct vms_error *err;
	if (f->sym.module) {
		// the module's own .ko, when the debug directories have it
		const struct linux_module *m = linux_module_at(prog, f->ip);
		struct vms_moddebug *md;
		err = m ? linux_module_debug(prog, m, &md, NULL) : vms_error_create(VMS_ERR_LOOKUP, "no module");
		if (!err)
			err = program_module_source_at(md, pc, src, MAX_INLINE_DEPTH, &n);
	} else {
		err = program_source_at(prog, pc, src, MAX_INLINE_DEPTH, &n);
	}
	if (err) {
		// say why a module frame has no source (no .ko found, ...)
		if (f->sym.module)
			value_set_str(o, "source_error", err->message);
		vms_error_destroy(err);
		return;
	}
	struct vms_value *a = value_set(o, "source", value_array());
	for (size_t i = 0; i < n; i++) {
		struct vms_value *s = value_push(a, value_object());
		if (src[i].function)
			value_set_str(s, "function", src[i].function);
		if (src[i].file)
			value_set_str(s, "file", src[i].file);
		if (src[i].line)
			value_set_int(s, "line", src[i].line);
		if (src[i].inlined)
			value_set_bool(s, "inlined", true);
	}
}

static struct vms_value *bt_value(struct vms_program *prog, const struct linux_bt *bt, bool source);

struct vms_value *linux_bt_value(struct vms_program *prog, const struct linux_bt *bt)
{
	return bt_value(prog, bt, false);
}

struct vms_value *linux_bt_value_source(struct vms_program *prog, const struct linux_bt *bt)
{
	return bt_value(prog, bt, true);
}

static struct vms_value *bt_value(struct vms_program *prog, const struct linux_bt *bt, bool source)
{
	struct vms_value *v = value_object();
	value_set_hex(v, "task", bt->task);
	task_ident(prog, bt->task, v);
	if (bt->cpu >= 0)
		value_set_int(v, "cpu", bt->cpu);
	if (bt->start)
		value_set_str(v, "start", bt->start);
	struct vms_value *st = value_set(v, "stacks", value_array());
	for (size_t i = 0; i < bt->nstacks; i++) {
		struct vms_value *s = value_push(st, value_object());
		value_set_str(s, "name", bt->stacks[i].name);
		value_set_hex(s, "start", bt->stacks[i].start);
		value_set_hex(s, "end", bt->stacks[i].end);
		if (bt->stacks[i].from_sp)
			value_set_bool(s, "from_sp", true);
	}
	if (bt->stack_error)
		value_set_str(v, "stack_note", bt->stack_error->message);
	struct vms_value *fr = value_set(v, "frames", value_array());
	for (size_t i = 0; i < bt->nr; i++) {
		const struct linux_bt_frame *f = &bt->frames[i];
		struct vms_value *o = value_push(fr, value_object());
		value_set_uint(o, "level", i);
		value_set_hex(o, "ip", f->ip);
		value_set_hex(o, "sp", f->sp);
		if (f->slot)
			value_set_hex(o, "slot", f->slot);
		if (f->stack >= 0)
			value_set_str(o, "stack", bt->stacks[f->stack].name);
		if (f->sym.name) {
			value_set_str(o, "function", f->sym.name);
			value_set_hex(o, "offset", f->sym.offset);
			if (f->sym.module)
				value_set_str(o, "module", f->sym.module);
		}
		if (f->exact)
			value_set_bool(o, "exact", true);
		if (f->guess)
			value_set_bool(o, "guess", true);
		if (f->cfi)
			value_set_bool(o, "cfi", true);
		if (source)
			frame_source(prog, f, o);
		if (f->regs_frame) {
			struct vms_value *e = value_set(o, "exception", value_object());
			value_set_hex(e, "address", f->regs_addr);
			value_set_bool(e, "user_mode", linux_regs_user_mode(&f->regs));
			if (f->regs_partial)
				value_set_bool(e, "partial", true);
			value_set(e, "registers", regs_value(&f->regs));
		}
	}
	value_set_bool(v, "user_mode", bt->user_mode);
	if (bt->end_error)
		value_set_str(v, "error", bt->end_error->message);
	return v;
}

/* ---- sys ---- */

void linux_crash_sysinfo(struct vms_program *prog, struct vms_value *obj)
{
	const struct linux_panic *p;
	struct vms_error *err = linux_panic_get(prog, &p);
	if (err) {
		vms_error_destroy(err);
		return;
	}
	if (p->cpu >= 0) {
		value_set_int(obj, "panic_cpu", p->cpu);
		if (p->task) {
			value_set_hex(obj, "panic_task", p->task);
			if (p->task_error) {
				// its pid and comm are unknown: said, not 0 and ""
				struct vms_value *u = value_get(obj, "unavailable");
				if (!u)
					u = value_set(obj, "unavailable", value_array());
				value_push(u, value_stringf("panic_pid: %s", p->task_error->message));
			} else {
				value_set_int(obj, "panic_pid", p->pid);
				value_set_str(obj, "panic_comm", p->comm);
			}
		}
	}
	if (p->reason)
		value_set_str(obj, "panic_reason", p->reason);
	if (p->message)
		value_set_str(obj, "panic_message", p->message);
	if (p->oops)
		value_set_str(obj, "oops", p->oops);
	if (p->regs_source)
		value_set_str(obj, "registers_from", p->regs_source);
	value_set_hex(obj, "taint", p->taint);
	if (p->taint)
		value_set_str(obj, "taint_flags", p->taint_str);
	if (p->taint_names[0])
		value_set_str(obj, "taint_names", p->taint_names);
}

/* ---- the signature ---- */

bool linux_crash_generic_frame(const char *fn)
{
	static const char *const exact[] = {
		"panic", "vpanic", "nmi_panic", "__crash_kexec", "crash_kexec", "machine_kexec",
		"machine_crash_shutdown", "native_machine_crash_shutdown", "crash_save_cpu", "oops_end", "die",
		"__die", "__die_body", "die_body", "do_trap", "do_error_trap", "handle_bug", "page_fault_oops",
		"kernelmode_fixup_or_oops", "__bad_area_nosemaphore", "bad_area_nosemaphore", "no_context",
		"do_user_addr_fault", "do_kern_addr_fault", "dump_stack", "dump_stack_lvl", "show_stack",
		"delay_tsc", "delay_halt", "delay_halt_tpause", "delay_loop", "__const_udelay", "__udelay",
		"__ndelay", "native_safe_halt", "default_idle", "watchdog_timer_fn", "__hrtimer_run_queues",
		"hrtimer_interrupt", "irq_exit_rcu", "__irq_exit_rcu", "check_hung_uninterruptible_tasks",
		"check_hung_task", "watchdog", "kthread", "ret_from_fork", "ret_from_fork_asm",
		"entry_SYSCALL_64_after_hwframe", "do_syscall_64", "x64_sys_call", "stop_this_cpu",
		"smp_stop_nmi_callback", "nmi_handle", "default_do_nmi", "exc_nmi", "asm_exc_nmi",
		"crash_nmi_callback", "panic_smp_self_stop", "nmi_panic_self_stop",
	};
	static const char *const prefix[] = {
		"asm_exc_", "exc_", "asm_sysvec_", "sysvec_", "__sysvec_", "asm_common_interrupt",
		"common_interrupt", "__common_interrupt", "handle_irq", "__handle_irq", "panic_",
	};
	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (strcmp(fn, exact[i]) == 0)
			return true;
	for (size_t i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++)
		if (strncmp(fn, prefix[i], strlen(prefix[i])) == 0)
			return true;
	return false;
}

char *linux_crash_normalize_reason(const char *reason)
{
	struct strbuf sb = STRBUF_INIT;
	for (const char *p = reason; *p;) {
		// a run of hex digits with a decimal digit in it, or a number
		if (isxdigit((unsigned char)*p) && (p == reason || !isalnum((unsigned char)p[-1]))) {
			const char *q = p;
			bool digit = false;
			while (isxdigit((unsigned char)*q) || (*q == 'x' && q == p + 1 && *p == '0'))
				digit |= isdigit((unsigned char)*q++);
			if (digit && !isalpha((unsigned char)*q) && !(q - p < 4 && isalpha((unsigned char)*p))) {
				strbuf_addch(&sb, 'N');
				p = q;
				continue;
			}
		}
		if (isdigit((unsigned char)*p)) {
			while (isdigit((unsigned char)*p))
				p++;
			strbuf_addch(&sb, 'N');
			continue;
		}
		strbuf_addch(&sb, *p++);
	}
	return strbuf_detach(&sb);
}

void linux_crash_signature(const char *reason, const char *const *frames, size_t n, char *buf)
{
	// FNV-1a, 64 bits: stable across runs and builds of vmsift
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	const char *parts[1 + LINUX_SIGNATURE_FRAMES];
	size_t np = 0;
	parts[np++] = reason ? reason : "";
	for (size_t i = 0; i < n && i < LINUX_SIGNATURE_FRAMES; i++)
		parts[np++] = frames[i];
	for (size_t i = 0; i < np; i++) {
		for (const char *p = parts[i]; *p; p++) {
			h ^= (uint8_t)*p;
			h *= UINT64_C(0x100000001b3);
		}
		h ^= '\n';
		h *= UINT64_C(0x100000001b3);
	}
	snprintf(buf, 17, "%016" PRIx64, h);
}

/* The function name without the suffixes of compiler clones (".cold",
 * ".isra.0", ".constprop.0", ".part.0"), which move between builds. */
static char *base_name(const char *fn)
{
	const char *dot = strchr(fn, '.');
	return strndup(fn, dot ? (size_t)(dot - fn) : strlen(fn));
}

/*
 * Where the signature's frames start in a panic task's trace, innermost
 * first.  What runs inside panic() (panic_blink, the kexec path, the delay
 * loops) says nothing of the cause.  The cause is the function an exception
 * interrupted in kernel mode (a BUG, a fault, the NMI or timer of a lockup
 * watchdog): the innermost such frame is where the trace starts.  Without
 * one, panic() was called directly, and its caller starts the trace.
 */
static bool panic_entry(const char *fn)
{
	return strcmp(fn, "panic") == 0 || strcmp(fn, "vpanic") == 0 || strcmp(fn, "nmi_panic") == 0;
}

static size_t linux_crash_signature_start(const struct linux_bt *bt)
{
	size_t after_panic = 0;
	for (size_t i = 0; i < bt->nr; i++) {
		const struct linux_bt_frame *f = &bt->frames[i];
		if (f->regs_frame && !linux_regs_user_mode(&f->regs))
			return i;
		if (f->sym.name) {
			char *b = base_name(f->sym.name);
			if (panic_entry(b))
				after_panic = i + 1;
			free(b);
		}
	}
	return after_panic;
}

/* ---- the report's crash section ---- */

struct vms_error *linux_crash_section(struct vms_program *prog, struct vms_value **ret)
{
	*ret = NULL;
	const struct linux_panic *p;
	struct vms_error *err = linux_panic_get(prog, &p);
	if (err)
		return err;
	if (!p->panicked)
		return NULL;
	struct vms_value *v = value_object();
	struct vms_value *unav = NULL;
#define UNAVAILABLE(what, e)                                                                \
	do {                                                                                \
		if (!unav)                                                                  \
			unav = value_set(v, "unavailable", value_array());                  \
		value_push(unav, value_stringf("%s: %s", what, (e)->message));             \
	} while (0)
	if (p->reason)
		value_set_str(v, "reason", p->reason);
	if (p->message)
		value_set_str(v, "panic_message", p->message);
	if (p->oops)
		value_set_str(v, "oops", p->oops);
	if (p->log_error)
		UNAVAILABLE("reason", p->log_error);
	value_set_int(v, "cpu", p->cpu);
	if (p->task) {
		struct vms_value *t = value_set(v, "task", value_object());
		value_set_hex(t, "address", p->task);
		if (p->task_error) {
			UNAVAILABLE("pid and comm", p->task_error);
		} else {
			value_set_int(t, "pid", p->pid);
			value_set_str(t, "comm", p->comm);
		}
	}
	if (p->regs_source)
		value_set_str(v, "registers_from", p->regs_source);
	if (p->notes_error)
		UNAVAILABLE("registers", p->notes_error);
	value_set_hex(v, "taint", p->taint);
	value_set_str(v, "taint_flags", p->taint_str);
	if (p->taint_names[0])
		value_set_str(v, "taint_names", p->taint_names);

	const char *frames[LINUX_SIGNATURE_FRAMES];
	char *owned[LINUX_SIGNATURE_FRAMES];
	size_t nf = 0;
	const struct linux_regs *regs = NULL;
	const char *regs_from = NULL;
	struct linux_bt bt;
	bool have_bt = false;
	if (p->task) {
		err = linux_bt_task(prog, p->task, &bt);
		if (err) {
			UNAVAILABLE("backtrace", err);
			vms_error_destroy(err);
		} else {
			have_bt = true;
			value_set(v, "backtrace", linux_bt_value(prog, &bt));
			size_t first = linux_crash_signature_start(&bt);
			struct vms_value *mods = value_set(v, "modules", value_array());
			for (size_t i = 0; i < bt.nr; i++) {
				const struct linux_bt_frame *f = &bt.frames[i];
				if (!regs && f->regs_frame && !linux_regs_user_mode(&f->regs) && !f->regs_partial) {
					regs = &f->regs;
					regs_from = "exception frame";
				}
				if (f->sym.module) {
					bool seen = false;
					for (size_t k = 0; k < mods->array.len; k++)
						seen |= strcmp(mods->array.items[k]->s, f->sym.module) == 0;
					if (!seen)
						value_push(mods, value_string(f->sym.module));
				}
				if (i >= first && f->sym.name && nf < LINUX_SIGNATURE_FRAMES &&
				    !(f->regs_frame && linux_regs_user_mode(&f->regs))) {
					char *b = base_name(f->sym.name);
					if (linux_crash_generic_frame(b))
						free(b);
					else
						frames[nf] = owned[nf] = b, nf++;
				}
			}
		}
	}
	if (!regs && p->cpu >= 0 && p->cpus[p->cpu].valid) {
		regs = &p->cpus[p->cpu].regs;
		regs_from = p->cpus[p->cpu].source;
	}
	if (regs) {
		struct vms_value *r = value_set(v, "registers", regs_value(regs));
		(void)r;
		value_set_str(v, "registers_of", regs_from);
	}
	char *norm = linux_crash_normalize_reason(p->reason ? p->reason : "");
	char sig[17];
	linux_crash_signature(norm, frames, nf, sig);
	struct vms_value *s = value_set(v, "signature", value_object());
	value_set_str(s, "hash", sig);
	value_set_str(s, "reason", norm);
	struct vms_value *sf = value_set(s, "frames", value_array());
	for (size_t i = 0; i < nf; i++) {
		value_push(sf, value_string(frames[i]));
		free(owned[i]);
	}
	free(norm);
	if (have_bt)
		linux_bt_deinit(&bt);
#undef UNAVAILABLE
	*ret = v;
	return NULL;
}
