// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The memory summary /proc/meminfo would have shown at dump time, computed
 * the way fs/proc/meminfo.c computes it: from the global vm_zone_stat[] and
 * vm_node_stat[] counters (which, like /proc/meminfo, do not include the
 * per-CPU deltas not yet folded in), totalram, the hstates, the swap,
 * vmalloc and per-CPU allocator counters, and the direct-map page counts.
 * A line is shown only when the debug info has its source (the counters
 * exist only with their CONFIG option, as the lines of /proc/meminfo do).
 */
#ifndef VMS_LINUX_MEMINFO_H
#define VMS_LINUX_MEMINFO_H

#include "base/error.h"
#include "base/value.h"
#include "program/program.h"

/*
 * Compute the summary of @prog.  *@ret is an object:
 *   "values": { "MemTotal": kB, ..., "HugePages_Total": count, ... }
 *             in /proc/meminfo order and spelling (kB except HugePages_*),
 *   "page_size", and "unavailable": ["Buffers: reason", ...] for the lines
 *   whose source could not be read.
 * Fails only when the basic counters (vm_zone_stat, vm_node_stat and their
 * enums) cannot be found or read.
 */
VMS_MUST_CHECK struct vms_error *linux_meminfo(struct vms_program *prog, struct vms_value **ret);

/* Whether line @name of /proc/meminfo counts pages (kB) or huge pages. */
bool linux_meminfo_is_count(const char *name);

#endif
