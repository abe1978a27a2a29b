// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Per-program store of what the kernel-knowledge layer probed once: layouts
 * and interned strings.  Lives in the program's linux-data slot.
 */
#ifndef VMS_LINUX_KERNEL_H
#define VMS_LINUX_KERNEL_H

#include "linux/page.h"

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
struct vms_error *linux_kernel_get(struct vms_program *prog, struct linux_kernel **ret);
/* Keep a copy of @s for the program's lifetime; returns the copy. */
const char *linux_kernel_intern(struct linux_kernel *k, const char *s);

/* Address (and type) of member path @path of global variable @var, e.g.
 * ("init_uts_ns", "name.release").  An empty path gives the variable. */
struct vms_error *linux_var_member(struct vms_program *prog, const char *var, const char *path,
				   uint64_t *addr_ret, struct vms_type **type_ret);
/* Read an unsigned integer member of a global variable (size from DWARF,
 * at most 8 bytes, zero-extended). */
struct vms_error *linux_var_read_uint(struct vms_program *prog, const char *var, const char *path,
				      uint64_t *ret);

#endif
