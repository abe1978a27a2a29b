// SPDX-License-Identifier: GPL-3.0-or-later
/* x86-64 page tables (arch/x86/include/asm/pgtable_types.h,
 * pgtable_64_types.h, pgtable-invert.h), the same in every kernel vmsift
 * reads. */
#include "linux/arch.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define X86_PAGE_PRESENT (UINT64_C(1) << 0)     // _PAGE_BIT_PRESENT
#define X86_PAGE_PSE (UINT64_C(1) << 7)         // _PAGE_BIT_PSE
#define X86_PAGE_PROTNONE (UINT64_C(1) << 8)    // _PAGE_BIT_PROTNONE = _PAGE_BIT_GLOBAL
#define X86_PHYSICAL_MASK_SHIFT 52              // __PHYSICAL_MASK_SHIFT
#define X86_PAGE_SHIFT 12
#define X86_PTRS_SHIFT 9                        // 512 entries per table
#define X86_VA_BITS_L4 48                       // __VIRTUAL_MASK_SHIFT 47, plus the sign
#define X86_VA_BITS_L5 57

struct vms_error *linux_arch_pt_format(struct vms_program *prog, bool l5, struct linux_pt_format *ret)
{
	if (strcmp(program_arch(prog), "x86_64") != 0)
		return vms_error_create(VMS_ERR_UNSUPPORTED, "page tables of %s are not known to vmsift",
					program_arch(prog));
	struct linux_pt_format f = {
		.levels = l5 ? 5 : 4,
		.page_shift = X86_PAGE_SHIFT,
		.entries_shift = X86_PTRS_SHIFT,
		.va_bits = l5 ? X86_VA_BITS_L5 : X86_VA_BITS_L4,
		.present = X86_PAGE_PRESENT,
		.huge = X86_PAGE_PSE,
		.protnone = X86_PAGE_PROTNONE,
		// PTE_PFN_MASK: bits 12-51
		.phys_mask = ((UINT64_C(1) << X86_PHYSICAL_MASK_SHIFT) - 1) &
			     ~((UINT64_C(1) << X86_PAGE_SHIFT) - 1),
		.huge_levels = (1u << 2) | (1u << 3),  // PMD (2 MiB) and PUD (1 GiB) leaves
		.invert_nonpresent = true,             // since 4.19 (L1TF)
	};
	// AMD SME/SEV: the encryption bit sits among the address bits of
	// every entry; the kernel exports it (arch/x86/kernel/vmcore_info_64.c).
	const char *sme = program_vmcoreinfo(prog, "NUMBER(sme_mask)");
	if (sme)
		f.phys_mask &= ~strtoull(sme, NULL, 0);
	*ret = f;
	return NULL;
}
