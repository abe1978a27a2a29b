// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The panic: did the kernel panic, on which CPU and in which task, why
 * (from the kernel log), with which taint; and the registers of every CPU
 * at the time of the dump.
 *
 * Registers come from two places.  A kdump capture kernel finds each CPU's
 * state in the per-CPU crash_notes, an ELF NT_PRSTATUS that
 * crash_save_cpu() filled (the panicking CPU's own at __crash_kexec() or
 * the oops, the others' from the NMI that stopped them); they are read from
 * the dump's memory, CPU by CPU.  A QEMU dump-guest-memory has no
 * crash_notes but an NT_PRSTATUS note per vCPU, whose pr_pid is the vCPU
 * index + 1, not a Linux PID: each is mapped to the CPU whose per-CPU
 * offset its GS base holds (kernel mode), else by vCPU index.
 */
#ifndef VMS_LINUX_PANIC_H
#define VMS_LINUX_PANIC_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "linux/arch.h"
#include "program/program.h"

struct linux_cpu_regs {
	bool valid;
	struct linux_regs regs;
	const char *source;     // "crash_notes", "NT_PRSTATUS"
	int32_t note_pid;       // the note's pr_pid
	const char *how;        // how the note was matched to the CPU
};

struct linux_panic {
	bool panicked;          // panic_cpu is set, or crash_notes were written
	int cpu;                // the CPU that panicked, or -1
	uint64_t task;          // its current task (0 when unknown)
	int32_t pid;            // -1 when the task could not be read
	char comm[17];
	struct vms_error *task_error;  // the task could not be read (owned)
	char *message;          // "Kernel panic - not syncing: MSG": MSG, or NULL
	char *oops;             // the report that led to it ("BUG: ...", "Oops: ..."), or NULL
	const char *reason;     // oops if any, else message (borrowed from them), or NULL
	uint64_t taint;         // tainted_mask
	char taint_str[64];     // its letters ("OE"); "" when not tainted
	char taint_names[256];  // 7.x: the flags' names
	const char *regs_source;  // "crash_notes", "NT_PRSTATUS" or NULL
	unsigned nr_cpus;
	struct linux_cpu_regs *cpus;  // nr_cpus entries
	struct vms_error *notes_error;  // reading the notes failed (owned)
	struct vms_error *log_error;    // reading the log failed (owned)
	char *unmatched;        // notes that matched no CPU, described, or NULL
};

/* The panic context of @prog, read once (borrowed). Fails only when the
 * CPUs cannot be read at all; a missing part is NULL/-1 with its error
 * kept in the struct. */
VMS_MUST_CHECK struct vms_error *linux_panic_get(struct vms_program *prog, const struct linux_panic **ret);

/* The registers of CPU @cpu at the time of the dump, or VMS_ERR_NODATA
 * saying why there are none. */
VMS_MUST_CHECK struct vms_error *linux_cpu_regs(struct vms_program *prog, unsigned cpu, const struct linux_cpu_regs **ret);

#endif
