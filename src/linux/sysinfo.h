// SPDX-License-Identifier: GPL-3.0-or-later
/* What `sys` shows: the kernel's identity and state at dump time. */
#ifndef VMS_LINUX_SYSINFO_H
#define VMS_LINUX_SYSINFO_H

#include "base/value.h"
#include "program/program.h"

/* Collect release, version, machine, node name, page size, memory, CPUs,
 * uptime, panic state and dump facts into an object.  Fields that cannot be
 * read are left out and named in an "unavailable" array; never fails for
 * that reason alone. */
VMS_MUST_CHECK struct vms_error *linux_sysinfo(struct vms_program *prog, struct vms_value **ret);

/* Set where @prog's debug info comes from in @obj: "debuginfo" ("dwarf" or
 * "btf"), then "vmlinux" (DWARF) or "types_from" and "symbols_from" (BTF). */
void linux_sysinfo_debuginfo(struct vms_program *prog, struct vms_value *obj);

#endif
