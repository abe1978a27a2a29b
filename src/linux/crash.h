// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The crash, as the commands and the report show it: backtraces as values,
 * the panic context for `sys`, and the "Crash" section of the report with
 * its signature.
 *
 * The crash signature groups dumps by cause: a hash of the normalized
 * reason (numbers, addresses, task names and durations taken out) and the
 * names of the top frames of the panicking task that are not generic
 * (panic, oops and kdump machinery, exception and interrupt entry, the
 * watchdogs, delay loops), with no address or offset, so two dumps of the
 * same bug on the same kernel build agree and different bugs do not.
 */
#ifndef VMS_LINUX_CRASH_H
#define VMS_LINUX_CRASH_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "base/value.h"
#include "linux/unwind.h"
#include "program/program.h"

/* How many frames the signature takes. */
#define LINUX_SIGNATURE_FRAMES 5

/* A backtrace as a value: task, pid, comm, cpu, start, stacks, frames
 * (level, ip, sp, slot, stack, function, offset, module, exact, guess,
 * registers of exception frames), user_mode, error.  Caller owns it. */
struct vms_value *linux_bt_value(struct vms_program *prog, const struct linux_bt *bt);
/* The same, with each vmlinux frame's source position from the DWARF
 * ("source": [{function, file, line, inlined}], innermost first: the
 * functions inlined at the frame's address, then the real one). */
struct vms_value *linux_bt_value_source(struct vms_program *prog, const struct linux_bt *bt);

/* The task a `bt` argument names: a PID (decimal) or a task_struct
 * address (hex with 0x).  VMS_ERR_LOOKUP when no task has that PID. */
VMS_MUST_CHECK struct vms_error *linux_bt_find_task(struct vms_program *prog, const char *spec, uint64_t *task_ret);

/* The task that panicked (the current task of panic_cpu).  VMS_ERR_LOOKUP
 * when the kernel did not panic. */
VMS_MUST_CHECK struct vms_error *linux_panic_task(struct vms_program *prog, uint64_t *task_ret, int *cpu_ret);

/* Add the panic context to `sys`'s value @obj: panic_cpu, task, reason,
 * message, oops, registers source, taint. */
void linux_crash_sysinfo(struct vms_program *prog, struct vms_value *obj);

/* The report's "crash" section (see doc/report-schema.json): reason, cpu,
 * task, backtrace, registers, modules in the trace, taint, signature.
 * *ret is NULL when the kernel did not panic.  Partial data comes with
 * an "unavailable" list. */
VMS_MUST_CHECK struct vms_error *linux_crash_section(struct vms_program *prog, struct vms_value **ret);

/* Is @fn a generic frame that the signature skips? */
bool linux_crash_generic_frame(const char *fn);
/* The index in @bt (a panic task's trace) where the signature's frames
 * start: the innermost exception frame taken in kernel mode, else the
 * frame after the outermost panic(). */
struct linux_bt;
/* The reason with its variable parts taken out ("CPU#N stuck for Ns!"). */
char *linux_crash_normalize_reason(const char *reason);
/* The signature of @reason and the function names @frames (top first):
 * 16 hex digits into @buf (17 bytes). */
void linux_crash_signature(const char *reason, const char *const *frames, size_t n, char *buf);

#endif
