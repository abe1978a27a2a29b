// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The batch report's "Kernel memory" section (see doc/report-schema.json,
 * section "kmem"): the largest slab caches, vmalloc areas by caller, the
 * largest memory cgroups, and the reconciliation of the page census and the
 * kernel's counters (Slab, VmallocUsed) with the sums of those walks.
 */
#ifndef VMS_LINUX_KMEMREPORT_H
#define VMS_LINUX_KMEMREPORT_H

#include <stdint.h>

#include "base/error.h"
#include "base/value.h"
#include "program/program.h"

/* Build the section's data.  @census_slab_pages: the slab pages the
 * mem_map census counted, UINT64_MAX if unknown.  @top: entries per list.
 * Parts that cannot be read are listed under "unavailable" (the section is
 * then partial); fails only on setup errors. */
VMS_MUST_CHECK struct vms_error *linux_kmem_report(struct vms_program *prog, uint64_t census_slab_pages, unsigned top,
						   struct vms_value **ret);

#endif
