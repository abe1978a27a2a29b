// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * What an architecture's page tables look like, for the walks of user page
 * tables (pgtable.c): the geometry of the levels, the bits of an entry, and
 * the canonical form of an address.  The one place with architecture
 * numbers; like kfacts.def it names the kernel header each comes from.  Only
 * x86-64 is described (arch_x86_64.c); another architecture adds its own
 * file and a case in linux_arch_pt_format().
 */
#ifndef VMS_LINUX_ARCH_H
#define VMS_LINUX_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "program/program.h"

#define LINUX_PT_MAX_LEVELS 5

struct linux_pt_format {
	unsigned levels;          // 4 or 5 (5-level paging)
	unsigned page_shift;      // bits of the smallest page
	unsigned entries_shift;   // log2 of the entries per table
	unsigned va_bits;         // bits of a canonical user/kernel address
	uint64_t present;         // _PAGE_PRESENT
	uint64_t huge;            // _PAGE_PSE: a leaf above the last level
	uint64_t protnone;        // _PAGE_PROTNONE: present for the kernel though not for the MMU
	uint64_t phys_mask;       // the physical address bits of an entry (SME mask taken out)
	unsigned huge_levels;     // levels (from 1 = PTE) that may hold huge leaves: a bit mask
	bool invert_nonpresent;   // L1TF: PFN bits of non-present entries are inverted
};

/* The page-table format of @prog's kernel; @l5 says whether 5-level paging
 * is on.  Fails with VMS_ERR_UNSUPPORTED for an architecture vmsift does
 * not know. */
struct vms_error *linux_arch_pt_format(struct vms_program *prog, bool l5, struct linux_pt_format *ret);

/* Bits of a page-table level (1 = PTE) and its span in bytes. */
static inline unsigned linux_pt_level_shift(const struct linux_pt_format *f, int level)
{
	return f->page_shift + f->entries_shift * (unsigned)(level - 1);
}

#endif
