// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Backtraces of kernel stacks with the kernel's ORC tables (orc.h), for
 * vmlinux and modules.  A trace starts from a task's saved context (a task
 * that is not running: thread.sp and the struct inactive_task_frame that
 * __switch_to_asm() left there) or from a CPU's registers (the running
 * task of each CPU, from panic.h), and follows exception frames (interrupt,
 * syscall entry, NMI) with their saved registers, and the IRQ and exception
 * stacks back to the task stack.
 *
 * Every step is checked: each stack pointer must lie on one of the stacks
 * of the task and its CPU, move up within a stack, and never return to a
 * stack it left; a word that cannot be read, an IP with no ORC entry that
 * the frame-pointer guess cannot carry, or a bad entry end the trace with
 * the reason in ->end_error.  Traces are at most LINUX_BT_MAX_FRAMES long.
 */
#ifndef VMS_LINUX_UNWIND_H
#define VMS_LINUX_UNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "linux/arch.h"
#include "linux/module.h"
#include "program/program.h"

#define LINUX_BT_MAX_FRAMES 512
#define LINUX_BT_MAX_STACKS 10

struct linux_stack_range {
	const char *name;   // "task", "irq", "NMI", "DF", "DB", "MCE", "VC", "VC2"
	uint64_t start, end;
	bool from_sp;       // "task": the THREAD_SIZE-aligned block around the start SP (task->stack unreadable)
};

struct linux_bt_frame {
	uint64_t ip;           // a return address, or an exact IP (exact)
	uint64_t sp;           // the stack pointer in this frame
	uint64_t slot;         // the stack word ip was read from (0: from registers)
	int stack;             // index in ->stacks, -1 when on none
	bool exact;            // ip is the interrupted instruction, not a return address
	bool guess;            // found by the frame-pointer guess (no ORC entry for the callee)
	bool cfi;              // found with DWARF CFI (.debug_frame), where ORC has no entry
	bool regs_frame;       // entered through an exception frame: regs saved at regs_addr
	bool regs_partial;     // only the hardware part (ip, cs, flags, sp, ss) is known
	uint64_t regs_addr;
	struct linux_regs regs;
	struct linux_symbol sym;  // name NULL when no symbol holds ip
};

struct linux_bt {
	uint64_t task;
	int cpu;                  // the CPU whose registers started it, or -1
	const char *start;        // "thread.sp", "crash_notes", "NT_PRSTATUS"
	struct linux_regs start_regs;
	struct linux_stack_range stacks[LINUX_BT_MAX_STACKS];
	size_t nstacks;
	struct linux_bt_frame *frames;
	size_t nr;
	bool user_mode;           // the last frame's registers are user mode's (a syscall or interrupt from user space)
	struct vms_error *end_error;  // why the trace stopped before its end (owned), or NULL
	struct vms_error *stack_error; // why the task stack is from_sp (owned), or NULL
};

/*
 * The backtrace of @task: from its CPU's registers when it is the task a
 * CPU runs (and the dump has them), else from its saved context.
 * Fails only when the trace cannot start (no stack, no registers for a
 * running task, no ORC); a trace that stops early is returned with
 * ->end_error.  On success release *@ret with linux_bt_deinit().
 */
VMS_MUST_CHECK struct vms_error *linux_bt_task(struct vms_program *prog, uint64_t task, struct linux_bt *ret);

/* The backtrace from @regs, in the context of @task on CPU @cpu (-1: none). */
VMS_MUST_CHECK struct vms_error *linux_bt_regs(struct vms_program *prog, uint64_t task, int cpu,
					       const struct linux_regs *regs, const char *source, struct linux_bt *ret);

void linux_bt_deinit(struct linux_bt *bt);

#endif
