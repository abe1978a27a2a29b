// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Tasks: the init_task.tasks list of thread-group leaders and each group's
 * threads (signal->thread_head), read once into a table; which processes
 * own an mm.
 */
#ifndef VMS_LINUX_TASK_H
#define VMS_LINUX_TASK_H

#include "linux/vmctx.h"

#define LINUX_TASK_COMM_LEN 16

struct linux_task {
	uint64_t addr;
	int32_t pid, tgid, ppid;
	char comm[LINUX_TASK_COMM_LEN + 1];
	uint64_t state;        // __state (5.14+) or state
	uint32_t exit_state;   // EXIT_ZOMBIE, EXIT_DEAD
	uint32_t flags;        // PF_*
	uint64_t mm, active_mm, real_parent, group_leader;
	bool leader;           // pid == tgid
	bool exiting;          // PF_EXITING or exit_state set
	bool kthread;
};

/*
 * The task table: every thread of every process, leaders first within each
 * group, in init_task.tasks order (pid 0, the idle task of CPU 0, first).
 * Read on first call.  A walk that fails half-way keeps what it read; the
 * failure is returned by linux_vm_tasks_error() (borrowed), so callers can
 * say the answer is partial.  *ret is borrowed from @vm.
 */
VMS_MUST_CHECK struct vms_error *linux_vm_tasks(struct linux_vm *vm, const struct linux_task **ret, size_t *nr_ret);
const struct vms_error *linux_vm_tasks_error(struct linux_vm *vm);

/* The thread-group leader (process) with pid @pid, or any thread with that
 * pid.  VMS_ERR_LOOKUP if none; VMS_ERR_NODATA if none in a task list the
 * dump cut short (linux_vm_tasks_error()). */
VMS_MUST_CHECK struct vms_error *linux_find_task(struct linux_vm *vm, int32_t pid, const struct linux_task **ret);

/* The name of a task state: "RU", "IN", "UN", "ZO", "DE", "ST", "TR", "ID"...
 * as crash names them, from the letter of the kernel's own task_state_array
 * (fs/proc/array.c) that /proc/PID/status would show. */
const char *linux_task_state_name(const struct linux_vm *vm, const struct linux_task *t);

/* The processes that use @mm: thread-group leaders (one per tgid) whose
 * threads have ->mm == @mm, or, for an exiting task whose ->mm is already
 * gone, ->active_mm == @mm.  Empty when no task uses it (an orphaned mm). */
struct linux_mm_owners {
	size_t nr, cap;
	const struct linux_task **procs;  // leaders (or the first thread seen)
};
const struct linux_mm_owners *linux_mm_owners(struct linux_vm *vm, uint64_t mm);

/* Have @clone (a linux_vm_clone() of @src, for another thread) read @src's
 * task table and owners instead of its own: they are read here, on @src's
 * thread, and only read after.  @src must outlive @clone. */
void linux_vm_share_tasks(struct linux_vm *clone, struct linux_vm *src);

#endif
