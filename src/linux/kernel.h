// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Per-program store of what the kernel-knowledge layer probed once: layouts
 * and interned strings.  Lives in the program's linux-data slot.
 */
#ifndef VMS_LINUX_KERNEL_H
#define VMS_LINUX_KERNEL_H

#include "linux/page.h"
#include "linux/walk.h"

struct kf_cache;

struct linux_kernel {
	bool page_layout_done;
	struct linux_page_layout page_layout;
	char **strings;
	size_t nr_strings, cap_strings;
	// the walkers' and process-memory layouts (vmctx.c), probed once;
	// a flat struct, freed with free()
	struct linux_vm_layouts *vm_layouts;
	// the kernel facts resolved so far (kfacts.c); freed with free()
	struct kf_cache *facts;
	// the crash context (cpus.c, module.c, panic.c, orc.c): per-CPU
	// offsets, modules and their symbols, ORC tables, the panic; freed
	// with linux_crash_data_destroy()
	struct linux_crash_data *crash;
};

struct linux_crash_data;
void linux_crash_data_destroy(struct linux_crash_data *c);

/* The store of @prog, created on first use. */
VMS_MUST_CHECK struct vms_error *linux_kernel_get(struct vms_program *prog, struct linux_kernel **ret);
/* Keep a copy of @s for the program's lifetime; returns the copy. */
const char *linux_kernel_intern(struct linux_kernel *k, const char *s);

/* Where a struct percpu_counter keeps its parts, and the per-CPU offsets. */
struct linux_percpu_counter_layout {
	uint64_t off_count, off_counters;  // members of struct percpu_counter
	uint64_t per_cpu_offset;           // address of __per_cpu_offset[]; 0 (UP): none
	unsigned nr_cpu_ids;               // 1..8192
};

/* Probe it: the members must exist; without __per_cpu_offset or a sane
 * nr_cpu_ids the counter's global count alone is summed. */
VMS_MUST_CHECK struct vms_error *linux_percpu_counter_layout(struct vms_program *prog,
					      struct linux_percpu_counter_layout *ret);

/* percpu_counter_sum() (lib/percpu_counter.c) of the struct percpu_counter
 * at @counter: its count plus each possible CPU's s32 delta at counters +
 * __per_cpu_offset[cpu], cpu < nr_cpu_ids.  Fails with the read error. */
VMS_MUST_CHECK struct vms_error *linux_percpu_counter_sum(const struct linux_mem *mem,
					   const struct linux_percpu_counter_layout *l,
					   uint64_t counter, int64_t *ret);

/* Nodes at most: MAX_NUMNODES is 1 << NODES_SHIFT, NODES_SHIFT at most 10
 * on x86-64 (arch/x86/Kconfig). */
#define LINUX_MAX_NODES 1024

/* The pglist_data of each node, by node id: node_data[MAX_NUMNODES] with
 * NUMA (0 where a node is absent), else &contig_page_data as node 0.  At
 * most @max entries in @ret; *nr_ret is how many.  Fails when neither
 * variable exists, node_data's length is 0 or above @max, or it cannot be
 * read. */
VMS_MUST_CHECK struct vms_error *linux_node_pgdats(struct vms_program *prog, uint64_t *ret, size_t max,
				    size_t *nr_ret);

#endif
