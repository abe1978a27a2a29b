// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The CPUs of the dumped kernel: how many there are, which were online,
 * where each one's per-CPU data lies and which task each one ran.
 *
 * Per-CPU variables: x86-64 kernels before 6.15 link the .data..percpu
 * section at address 0 and do not relocate it with KASLR, so a static
 * per-CPU variable's link address is its offset in every CPU's area; newer
 * kernels link it among the kernel's data.  Either way the variable of CPU
 * N is its address plus __per_cpu_offset[N], taken from the link address
 * when the section is zero-based (probed: __per_cpu_start is 0).
 */
#ifndef VMS_LINUX_CPUS_H
#define VMS_LINUX_CPUS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "linux/kfacts.h"
#include "program/program.h"

#include "linux/vmctx.h"  // LINUX_MAX_CPUS

/* nr_cpu_ids: the number of CPU numbers in use (1 without CONFIG_SMP). */
VMS_MUST_CHECK struct vms_error *linux_nr_cpus(struct vms_program *prog, unsigned *ret);
/* Does CPU @cpu exist (__cpu_present_mask)?  True when the mask is unknown. */
bool linux_cpu_present(struct vms_program *prog, unsigned cpu);

/* The address of CPU @cpu's copy of static per-CPU variable fact @var. */
VMS_MUST_CHECK struct vms_error *linux_percpu_var(struct vms_program *prog, enum kf_id var, unsigned cpu,
						  uint64_t *ret);
/* The address of CPU @cpu's copy of a dynamic per-CPU pointer @ptr (the
 * value of a `__percpu *` variable). */
VMS_MUST_CHECK struct vms_error *linux_percpu_ptr(struct vms_program *prog, uint64_t ptr, unsigned cpu,
						  uint64_t *ret);
/* The per-CPU offset of CPU @cpu (__per_cpu_offset[cpu]). */
VMS_MUST_CHECK struct vms_error *linux_percpu_offset(struct vms_program *prog, unsigned cpu, uint64_t *ret);

/* The task CPU @cpu runs (its runqueue's curr). */
VMS_MUST_CHECK struct vms_error *linux_cpu_curr(struct vms_program *prog, unsigned cpu, uint64_t *ret);

/* The CPU whose runqueue runs @task, or -1 (not running, or unknown). */
int linux_task_running_cpu(struct vms_program *prog, uint64_t task);

#endif
