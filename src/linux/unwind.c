// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/unwind.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/vector.h"
#include "linux/cpus.h"
#include "linux/crashdata.h"
#include "linux/kfacts.h"
#include "linux/orc.h"
#include "linux/panic.h"
#include "linux/walk.h"

/* ---- the ORC tables ---- */

void linux_orc_free(struct linux_crash_data *c)
{
	linux_orc_table_deinit(c->orc);
	free(c->orc);
	vms_error_destroy(c->orc_err);
}

VMS_MUST_CHECK static struct vms_error *vmlinux_orc_load(struct vms_program *prog, const struct linux_orc_layout *ol,
							 struct linux_orc_table **ret)
{
	uint64_t ip_start, ip_stop, start, stop;
	struct vms_error *err;
	if ((err = kf_var(prog, KF_ORC_IP_START, &ip_start, NULL)) ||
	    (err = kf_var(prog, KF_ORC_IP_STOP, &ip_stop, NULL)) || (err = kf_var(prog, KF_ORC_START, &start, NULL)) ||
	    (err = kf_var(prog, KF_ORC_STOP, &stop, NULL)))
		return err;
	uint64_t n = (ip_stop - ip_start) / 4;
	if (ip_stop < ip_start || (stop - start) / ol->entry_size != n)
		return vms_error_create(VMS_ERR_CORRUPT,
					"vmlinux's ORC tables do not match: %" PRIu64 " IPs, %" PRIu64 " bytes of entries",
					n, stop - start);
	struct linux_orc_table *t = calloc(1, sizeof(*t));
	if (!t)
		return &vms_enomem;
	struct linux_mem mem = linux_mem_program(prog);
	err = linux_orc_table_read(&mem, ol, ip_start, start, n, t);
	if (err) {
		free(t);
		return vms_error_wrap(err, "vmlinux's ORC");
	}
	*ret = t;
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *module_orc(struct vms_program *prog, const struct linux_orc_layout *ol,
						   const struct linux_module *mod, const struct linux_orc_table **ret)
{
	struct linux_module *m = (struct linux_module *)mod;  // module.c's cache, ours to fill
	if (!m->orc_done) {
		m->orc_done = true;
		if (!m->orc_ip || !m->orc || !m->num_orcs) {
			m->orc_err = vms_error_create(VMS_ERR_LOOKUP, "module %s has no ORC", m->name);
		} else {
			m->orc_table = calloc(1, sizeof(*m->orc_table));
			struct linux_mem mem = linux_mem_program(prog);
			if (!m->orc_table)
				m->orc_err = &vms_enomem;
			else
				m->orc_err = linux_orc_table_read(&mem, ol, m->orc_ip, m->orc, m->num_orcs, m->orc_table);
			if (m->orc_err) {
				free(m->orc_table);
				m->orc_table = NULL;
				m->orc_err = vms_error_wrap(m->orc_err, "the ORC of module %s", m->name);
			}
		}
	}
	*ret = m->orc_table;
	return crash_err_copy(m->orc_err);
}

struct uw {
	struct vms_program *prog;
	struct linux_mem mem;
	struct linux_orc_layout ol;
	struct linux_ptregs_layout pl;
	const struct linux_orc_table *vmlinux;
	uint64_t stext, etext, sinittext, einittext;
	struct linux_bt *bt;
};

/* The ORC entry for @ip: *found false (and no error) when @ip lies in no
 * table; an error when its table cannot be read. */
static bool vmlinux_text(const struct uw *u, uint64_t ip)
{
	return (ip >= u->stext && ip < u->etext) || (ip >= u->sinittext && ip < u->einittext);
}

VMS_MUST_CHECK static struct vms_error *orc_find(struct uw *u, uint64_t ip, struct linux_orc *ret, bool *found)
{
	*found = false;
	const struct linux_orc_table *t = NULL;
	if (vmlinux_text(u, ip)) {
		t = u->vmlinux;
	} else {
		const struct linux_module *m = linux_module_at(u->prog, ip);
		if (!m)
			return NULL;
		struct vms_error *err = module_orc(u->prog, &u->ol, m, &t);
		if (err)
			return err;
	}
	if (!t)
		return NULL;
	ssize_t i = linux_orc_search(t, ip);
	if (i < 0)
		return NULL;
	linux_orc_decode(&u->ol, t->entries + (size_t)i * u->ol.entry_size, ret);
	*found = true;
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *uw_init(struct vms_program *prog, struct linux_bt *bt, struct uw *u)
{
	memset(u, 0, sizeof(*u));
	u->prog = prog;
	u->bt = bt;
	u->mem = linux_mem_program(prog);
	struct vms_error *err;
	if ((err = linux_ptregs_layout_probe(prog, &u->pl)))
		return err;
	if ((err = linux_orc_layout_probe(prog, &u->ol)))
		return vms_error_wrap(err, "no ORC unwind tables in this kernel");
	if ((err = kf_var(prog, KF_STEXT, &u->stext, NULL)) || (err = kf_var(prog, KF_ETEXT, &u->etext, NULL)))
		return err;
	// init text: freed after boot, but the bottom frames of the boot CPU's
	// idle task still return there, and vmlinux's ORC covers it
	struct vms_error *e1 = kf_var(prog, KF_SINITTEXT, &u->sinittext, NULL);
	struct vms_error *e2 = e1 ? NULL : kf_var(prog, KF_EINITTEXT, &u->einittext, NULL);
	if (e1 || e2)
		u->sinittext = u->einittext = 0;
	vms_error_destroy(e1);
	vms_error_destroy(e2);
	struct linux_crash_data *c;
	if ((err = linux_crash_data_get(prog, &c)))
		return err;
	if (!c->orc_done) {
		c->orc_done = true;
		c->orc_err = vmlinux_orc_load(prog, &u->ol, &c->orc);
	}
	if (c->orc_err)
		return crash_err_copy(c->orc_err);
	u->vmlinux = c->orc;
	return NULL;
}

/* ---- stacks ---- */

/* THREAD_SIZE (the size of a task stack). */
VMS_MUST_CHECK static struct vms_error *linux_thread_size(struct vms_program *prog, uint64_t *ret)
{
	uint64_t a, b;
	struct vms_error *err;
	if ((err = kf_var(prog, KF_INIT_STACK_START, &a, NULL)) || (err = kf_var(prog, KF_INIT_STACK_END, &b, NULL)))
		return vms_error_wrap(err, "THREAD_SIZE");
	if (b <= a || b - a > (UINT64_C(1) << 20))
		return vms_error_create(VMS_ERR_CORRUPT, "the init stack is %" PRIu64 " bytes", b - a);
	*ret = b - a;
	return NULL;
}

static void add_stack(struct linux_stack_range *r, size_t *n, const char *name, uint64_t start, uint64_t end)
{
	if (*n < LINUX_BT_MAX_STACKS && start && end > start)
		r[(*n)++] = (struct linux_stack_range){name, start, end};
}

/* The stacks of @task and of CPU @cpu (-1: the task's only).  When the
 * task's stack pointer cannot be read (a filtered dump without the page of
 * its task_struct) and @sp, a stack pointer of the task from registers, is
 * on none of the CPU's stacks, the task stack is the THREAD_SIZE block
 * holding @sp (task stacks are THREAD_SIZE-aligned: THREAD_ALIGN in
 * kernel/fork.c's alloc_thread_stack_node()); *@why_ret then says why. */
VMS_MUST_CHECK static struct vms_error *linux_stacks(struct vms_program *prog, uint64_t task, int cpu, uint64_t sp,
						     struct linux_stack_range *ret, size_t *nr_ret, struct vms_error **why_ret)
{
	size_t n = 0;
	uint64_t ts = 0, stack = 0, off;
	struct vms_error *err;
	*why_ret = NULL;
	if ((err = linux_thread_size(prog, &ts)) || (err = kf_need_off(prog, KF_TASK_STACK, &off)))
		return vms_error_wrap(err, "the stack of task 0x%" PRIx64, task);
	if ((err = program_read_u64(prog, task + off, &stack))) {
		err = vms_error_wrap(err, "the stack of task 0x%" PRIx64, task);
		if (!sp || (ts & (ts - 1)) || err == &vms_enomem)
			return err;
		*why_ret = err; // decided below, once the CPU's stacks are known
		stack = 0;
	}
	add_stack(ret, &n, "task", stack, stack + ts);
	if (cpu >= 0) {
		// the IRQ stack: hardirq_stack_ptr points 8 bytes below its top
		uint64_t ptr = 0, at;
		err = linux_percpu_var(prog, KF_HARDIRQ_STACK_PTR, (unsigned)cpu, &at);
		if (err && kf_has(prog, KF_PCPU_HOT) && kf_has(prog, KF_PCPU_HOT_HARDIRQ_STACK_PTR)) {
			vms_error_destroy(err);
			err = linux_percpu_var(prog, KF_PCPU_HOT, (unsigned)cpu, &at);
			at += (uint64_t)kf_off(prog, KF_PCPU_HOT_HARDIRQ_STACK_PTR);
		}
		if (!err)
			err = program_read_u64(prog, at, &ptr);
		uint64_t isz = kf_size(prog, KF_IRQ_STACK);
		if (!err && ptr && isz)
			add_stack(ret, &n, "irq", ptr + LINUX_STACK_WORD - isz, ptr + LINUX_STACK_WORD);
		vms_error_destroy(err);
		// the IST stacks of the CPU's entry area
		uint64_t cea = 0;
		err = linux_percpu_var(prog, KF_CEA_EXCEPTION_STACKS, (unsigned)cpu, &at);
		if (!err)
			err = program_read_u64(prog, at, &cea);
		vms_error_destroy(err);
		static const struct {
			enum kf_id id;
			const char *name;
		} ist[] = {
			{KF_CEA_NMI_STACK, "NMI"}, {KF_CEA_DF_STACK, "DF"}, {KF_CEA_DB_STACK, "DB"},
			{KF_CEA_MCE_STACK, "MCE"}, {KF_CEA_VC_STACK, "VC"}, {KF_CEA_VC2_STACK, "VC2"},
		};
		for (size_t i = 0; cea && i < sizeof(ist) / sizeof(ist[0]); i++)
			if (kf_has(prog, ist[i].id))
				add_stack(ret, &n, ist[i].name, cea + (uint64_t)kf_off(prog, ist[i].id),
					  cea + (uint64_t)kf_off(prog, ist[i].id) + kf_size(prog, ist[i].id));
	}
	if (*why_ret) {
		for (size_t i = 0; i < n; i++)
			if (sp >= ret[i].start && sp <= ret[i].end) {
				// on a CPU stack: where the task stack is stays unknown
				err = *why_ret;
				*why_ret = NULL;
				return err;
			}
		if (n == LINUX_BT_MAX_STACKS)
			n--;
		memmove(ret + 1, ret, n * sizeof(*ret));
		ret[0] = (struct linux_stack_range){"task", sp & ~(ts - 1), (sp & ~(ts - 1)) + ts, true};
		n++;
	}
	*nr_ret = n;
	return NULL;
}

static int stack_of(const struct linux_bt *bt, uint64_t sp)
{
	for (size_t i = 0; i < bt->nstacks; i++)
		if (sp >= bt->stacks[i].start && sp <= bt->stacks[i].end)
			return (int)i;
	return -1;
}

/* ---- DWARF CFI: where ORC has nothing ---- */

/* The value of DWARF register @dw (x86-64 numbering) in @st. */
static bool dwarf_reg(const struct linux_unwind_state *st, int dw, uint64_t *ret)
{
	// rax, rdx, rcx, rbx, rsi, rdi, rbp, rsp, r8..r15 (the psABI's order)
	static const enum linux_reg map[16] = {
		LINUX_REG_AX, LINUX_REG_DX, LINUX_REG_CX, LINUX_REG_BX, LINUX_REG_SI, LINUX_REG_DI,
		LINUX_REG_BP, LINUX_REG_SP, LINUX_REG_R8, LINUX_REG_R9, LINUX_REG_R10, LINUX_REG_R11,
		LINUX_REG_R12, LINUX_REG_R13, LINUX_REG_R14, LINUX_REG_R15,
	};
	if (dw < 0 || dw >= 16)
		return false;
	if (map[dw] == LINUX_REG_SP) {
		*ret = st->sp;
		return true;
	}
	if (map[dw] == LINUX_REG_BP) {
		*ret = st->bp;
		return true;
	}
	if (st->have_regs && st->full_regs && (st->regs.valid & (1u << map[dw]))) {
		*ret = st->regs.r[map[dw]];
		return true;
	}
	return false;
}

/* One step with the call frame information of vmlinux's .debug_frame, for
 * code that ORC leaves undefined (objtool's STACK_FRAME_NON_STANDARD, as
 * __crash_kexec(), whose crash_setup_regs() is where kdump's registers of
 * the panicking CPU come from). */
VMS_MUST_CHECK static struct vms_error *cfi_step(struct uw *u, struct linux_unwind_state *st, uint64_t lookup)
{
	struct vms_cfi_row row;
	struct vms_error *err = program_cfi_row(u->prog, lookup, &row);
	if (err)
		return err;
	uint64_t base, cfa, ra, bp = st->bp;
	if (!dwarf_reg(st, row.cfa_reg, &base))
		return vms_error_addr(VMS_ERR_UNSUPPORTED, st->ip,
				      "the CFI of 0x%" PRIx64 " bases the CFA on DWARF register %d, which is unknown here",
				      st->ip, row.cfa_reg);
	cfa = base + (uint64_t)row.cfa_offset;
	int ra_col = row.ra_reg >= 0 && row.ra_reg < VMS_CFI_NREGS ? row.ra_reg : VMS_CFI_NREGS - 1;
	const struct vms_cfi_rule *rr = &row.regs[ra_col], *br = &row.regs[6];
	if (rr->kind != VMS_CFI_AT_CFA)
		return vms_error_addr(VMS_ERR_UNSUPPORTED, st->ip, "the CFI of 0x%" PRIx64 " does not save the return address on the stack",
				      st->ip);
	if ((err = linux_mem_u64(&u->mem, cfa + (uint64_t)rr->offset, &ra)))
		return vms_error_wrap(err, "reading the return address at 0x%" PRIx64, cfa + (uint64_t)rr->offset);
	if (br->kind == VMS_CFI_AT_CFA) {
		if ((err = linux_mem_u64(&u->mem, cfa + (uint64_t)br->offset, &bp)))
			return vms_error_wrap(err, "reading the saved frame pointer");
	} else if (br->kind == VMS_CFI_IS_CFA) {
		bp = cfa + (uint64_t)br->offset;
	}
	struct linux_unwind_state n = {.ip = ra, .sp = cfa, .bp = bp};
	*st = n;
	return NULL;
}

/* ---- the unwind ---- */

static struct linux_bt_frame *push(struct linux_bt *bt, size_t *cap)
{
	if (!vms_array_reserve(bt->frames, *cap, bt->nr + 1))
		return NULL;
	struct linux_bt_frame *f = &bt->frames[bt->nr++];
	memset(f, 0, sizeof(*f));
	return f;
}

static void symbolize(struct vms_program *prog, struct linux_bt_frame *f)
{
	// a return address may lie past the end of a function that ends in a
	// call (noreturn): look the function up one byte before it
	uint64_t at = f->exact ? f->ip : f->ip - 1;
	struct linux_symbol s;
	struct vms_error *err = linux_symbolize(prog, at, &s);
	if (err) {
		vms_error_destroy(err);
		return;
	}
	s.offset = f->ip - s.addr;
	f->sym = s;
}

VMS_MUST_CHECK static struct vms_error *stack_error(const struct linux_bt *bt, uint64_t sp, uint64_t ip)
{
	char where[256] = "";
	size_t len = 0;
	for (size_t i = 0; i < bt->nstacks && len < sizeof(where) - 64; i++)
		len += (size_t)snprintf(where + len, sizeof(where) - len, "%s%s %" PRIx64 "-%" PRIx64, i ? ", " : "",
					bt->stacks[i].name, bt->stacks[i].start, bt->stacks[i].end);
	return vms_error_addr(VMS_ERR_CORRUPT, sp,
			      "stack pointer 0x%" PRIx64 " (after 0x%" PRIx64 ") is outside the stacks of the task%s (%s)",
			      sp, ip, bt->cpu >= 0 ? " and its CPU" : "", where);
}

static void unwind(struct uw *u, struct linux_unwind_state st)
{
	struct linux_bt *bt = u->bt;
	size_t cap = 0;
	uint32_t visited = 0;
	int cur = stack_of(bt, st.sp);
	struct linux_bt_frame *f = push(bt, &cap);
	if (!f) {
		bt->end_error = &vms_enomem;
		return;
	}
	f->ip = st.ip;
	f->sp = st.sp;
	f->stack = cur;
	f->exact = st.signal;
	symbolize(u->prog, f);
	if (cur < 0) {
		bt->end_error = stack_error(bt, st.sp, st.ip);
		return;
	}
	visited |= 1u << cur;
	for (;;) {
		if (bt->nr >= LINUX_BT_MAX_FRAMES) {
			bt->end_error = vms_error_create(VMS_ERR_CORRUPT, "more than %d frames: stopped",
							 LINUX_BT_MAX_FRAMES);
			return;
		}
		struct linux_orc orc;
		bool found, guess = false, cfi = false;
		uint64_t lookup = st.signal ? st.ip : st.ip - 1;
		struct vms_error *err = orc_find(u, lookup, &orc, &found);
		if (err) {
			bt->end_error = err;
			return;
		}
		bool undefined = found && (u->ol.type_undefined >= 0 ? (int)orc.type == u->ol.type_undefined
								     : (int)orc.sp_reg == u->ol.reg_undefined && !orc.end);
		if ((!found || undefined) && vmlinux_text(u, lookup)) {
			// DWARF CFI where ORC has nothing to say
			struct linux_unwind_state t = st;
			err = cfi_step(u, &t, lookup);
			if (!err) {
				struct linux_unwind_state prev = st;
				st = t;
				cfi = true;
				int next = stack_of(bt, st.sp);
				if (next < 0 || (next == cur && st.sp <= prev.sp) || !st.ip) {
					bt->end_error = next < 0 ? stack_error(bt, st.sp, prev.ip)
								 : vms_error_addr(VMS_ERR_CORRUPT, st.sp,
										  "the CFI step after 0x%" PRIx64 " goes nowhere",
										  prev.ip);
					return;
				}
				if (next != cur) {
					if (visited & (1u << next)) {
						bt->end_error = vms_error_addr(VMS_ERR_CORRUPT, st.sp,
									       "the unwind returns to the %s stack it left",
									       bt->stacks[next].name);
						return;
					}
					visited |= 1u << next;
					cur = next;
				}
				f = push(bt, &cap);
				if (!f) {
					bt->end_error = &vms_enomem;
					return;
				}
				f->ip = st.ip;
				f->sp = st.sp;
				f->stack = cur;
				f->slot = st.sp - LINUX_STACK_WORD;
				f->cfi = true;
				symbolize(u->prog, f);
				continue;
			}
			if (undefined) {
				bt->end_error = vms_error_wrap(err, "no ORC for 0x%" PRIx64 " and no CFI either", st.ip);
				return;
			}
			vms_error_destroy(err);
		}
		(void)cfi;
		if (!found) {
			if (!vmlinux_text(u, lookup) && !linux_module_at(u->prog, lookup)) {
				bt->end_error = vms_error_addr(VMS_ERR_CORRUPT, st.ip,
							       "0x%" PRIx64 " is not in the kernel's or a module's text",
							       st.ip);
				return;
			}
			// as the kernel does: assume a frame pointer (unreliable)
			linux_orc_fp_entry(&u->ol, &orc);
			guess = true;
		}
		struct linux_unwind_state prev = st;
		enum linux_orc_step kind;
		err = linux_orc_step(&u->ol, &u->pl, &orc, &u->mem, &st, &kind);
		if (err) {
			bt->end_error = err;
			return;
		}
		if (kind == LINUX_ORC_END)
			return;
		if (kind == LINUX_ORC_NEXT_REGS && linux_regs_user_mode(&st.regs)) {
			// entered from user space: the trace ends with the user registers
			f = push(bt, &cap);
			if (!f) {
				bt->end_error = &vms_enomem;
				return;
			}
			*f = (struct linux_bt_frame){.ip = st.ip, .sp = st.sp, .stack = -1, .exact = true,
						     .regs_frame = true, .regs_partial = !st.full_regs,
						     .regs_addr = st.regs_addr, .regs = st.regs};
			bt->user_mode = true;
			return;
		}
		int next = stack_of(bt, st.sp);
		if (next < 0) {
			bt->end_error = stack_error(bt, st.sp, prev.ip);
			return;
		}
		if (next == cur && st.sp <= prev.sp) {
			bt->end_error = vms_error_addr(VMS_ERR_CORRUPT, st.sp,
						       "the stack goes the wrong way after 0x%" PRIx64
						       " (SP 0x%" PRIx64 " then 0x%" PRIx64 ")",
						       prev.ip, prev.sp, st.sp);
			return;
		}
		if (next != cur) {
			if (visited & (1u << next)) {
				bt->end_error = vms_error_addr(VMS_ERR_CORRUPT, st.sp,
							       "the unwind returns to the %s stack it left", bt->stacks[next].name);
				return;
			}
			visited |= 1u << next;
			cur = next;
		}
		if (!st.ip) {
			bt->end_error = vms_error_addr(VMS_ERR_CORRUPT, st.sp - LINUX_STACK_WORD,
						       "a zero return address after 0x%" PRIx64, prev.ip);
			return;
		}
		f = push(bt, &cap);
		if (!f) {
			bt->end_error = &vms_enomem;
			return;
		}
		f->ip = st.ip;
		f->sp = st.sp;
		f->stack = cur;
		f->exact = st.signal || kind == LINUX_ORC_NEXT_REGS;
		f->guess = guess;
		if (kind == LINUX_ORC_NEXT_REGS) {
			f->regs_frame = true;
			f->regs_partial = !st.full_regs;
			f->regs_addr = st.regs_addr;
			f->regs = st.regs;
		} else {
			f->slot = st.sp - LINUX_STACK_WORD;
		}
		symbolize(u->prog, f);
	}
}

void linux_bt_deinit(struct linux_bt *bt)
{
	if (!bt)
		return;
	free(bt->frames);
	vms_error_destroy(bt->end_error);
	vms_error_destroy(bt->stack_error);
	memset(bt, 0, sizeof(*bt));
}

struct vms_error *linux_bt_regs(struct vms_program *prog, uint64_t task, int cpu,
				const struct linux_regs *regs, const char *source, struct linux_bt *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->task = task;
	ret->cpu = cpu;
	ret->start = source;
	ret->start_regs = *regs;
	struct uw u;
	struct vms_error *err = uw_init(prog, ret, &u);
	if (!err)
		err = linux_stacks(prog, task, cpu, regs->r[LINUX_REG_SP], ret->stacks, &ret->nstacks,
				   &ret->stack_error);
	if (err)
		return err;
	if (linux_regs_user_mode(regs)) {
		ret->user_mode = true;  // the CPU was running user code
		return NULL;
	}
	struct linux_unwind_state st = {
		.ip = regs->r[LINUX_REG_IP],
		.sp = regs->r[LINUX_REG_SP],
		.bp = regs->r[LINUX_REG_BP],
		.signal = true,
		.have_regs = true,
		.full_regs = true,
		.regs = *regs,
	};
	unwind(&u, st);
	return NULL;
}

struct vms_error *linux_bt_task(struct vms_program *prog, uint64_t task, struct linux_bt *ret)
{
	int cpu = linux_task_running_cpu(prog, task);
	if (cpu >= 0) {
		const struct linux_cpu_regs *cr;
		struct vms_error *err = linux_cpu_regs(prog, (unsigned)cpu, &cr);
		if (err)
			return vms_error_wrap(err, "task 0x%" PRIx64 " is running on CPU %d", task, cpu);
		return linux_bt_regs(prog, task, cpu, &cr->regs, cr->source, ret);
	}
	memset(ret, 0, sizeof(*ret));
	ret->task = task;
	ret->cpu = -1;
	ret->start = "thread.sp";
	struct uw u;
	uint64_t off_sp, tsp, fsize, bp, ra, rff = 0;
	struct vms_error *err = uw_init(prog, ret, &u);
	if (!err)
		err = linux_stacks(prog, task, -1, 0, ret->stacks, &ret->nstacks, &ret->stack_error);
	if (!err)
		err = kf_need_off(prog, KF_TASK_THREAD_SP, &off_sp);
	if (!err)
		err = program_read_u64(prog, task + off_sp, &tsp);
	if (!err)
		err = kf_need_size(prog, KF_INACTIVE_TASK_FRAME, &fsize);
	if (!err)
		err = program_read_u64(prog, tsp + (uint64_t)kf_off(prog, KF_ITF_BP), &bp);
	if (!err)
		err = program_read_u64(prog, tsp + (uint64_t)kf_off(prog, KF_ITF_RET_ADDR), &ra);
	if (err)
		return vms_error_wrap(err, "the saved context of task 0x%" PRIx64, task);
	struct vms_error *e2 = kf_var(prog, KF_RET_FROM_FORK, &rff, NULL);
	vms_error_destroy(e2);
	// __unwind_start() of a task that is not running
	struct linux_unwind_state st = {
		.ip = ra,
		.sp = tsp + fsize,
		.bp = bp,
		.signal = rff && ra == rff,
	};
	ret->start_regs.r[LINUX_REG_IP] = ra;
	ret->start_regs.r[LINUX_REG_SP] = tsp + fsize;
	ret->start_regs.r[LINUX_REG_BP] = bp;
	ret->start_regs.valid = 1u << LINUX_REG_IP | 1u << LINUX_REG_SP | 1u << LINUX_REG_BP;
	unwind(&u, st);
	return NULL;
}
