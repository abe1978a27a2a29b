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

/* ---- registers ---- */

static const char *const reg_names[LINUX_NR_REGS] = {
	"R15", "R14", "R13", "R12", "RBP", "RBX", "R11", "R10", "R9", "R8", "RAX", "RCX",
	"RDX", "RSI", "RDI", "ORIG_RAX", "RIP", "CS", "RFLAGS", "RSP", "SS", "FS_BASE", "GS_BASE",
};

const char *linux_reg_name(enum linux_reg r)
{
	return (unsigned)r < LINUX_NR_REGS ? reg_names[r] : "?";
}

#define X86_SEGMENT_RPL_MASK 0x3  // arch/x86/include/asm/segment.h
#define X86_SELECTOR_MASK 0xffff  // a selector is 16 bits; FRED's pt_regs keep more in the word

uint64_t linux_arch_selector(uint64_t word)
{
	return word & X86_SELECTOR_MASK;
}
#define X86_USER_RPL 0x3

bool linux_regs_user_mode(const struct linux_regs *regs)
{
	return (regs->valid & (1u << LINUX_REG_CS)) &&
	       (regs->r[LINUX_REG_CS] & X86_SEGMENT_RPL_MASK) == X86_USER_RPL;
}

/* struct elf_prstatus of x86-64 (include/uapi/linux/elfcore.h, the ELF
 * ABI): pr_pid at byte 32, pr_reg (struct user_regs_struct, 27 longs) at
 * byte 112.  user_regs_struct (arch/x86/include/asm/user_64.h) keeps
 * pt_regs's order for its first 21 words, then fs_base and gs_base. */
#define X86_PRSTATUS_PID 32
#define X86_PRSTATUS_REG 112
#define X86_PRSTATUS_NREG 27
#define X86_PRSTATUS_SIZE 336

struct vms_error *linux_arch_prstatus(const void *desc, size_t size, struct linux_regs *regs_ret,
				      int32_t *pid_ret)
{
	if (size < X86_PRSTATUS_REG + X86_PRSTATUS_NREG * 8)
		return vms_error_create(VMS_ERR_CORRUPT,
					"NT_PRSTATUS note of %zu bytes is too short (%d expected)", size,
					X86_PRSTATUS_SIZE);
	const uint8_t *p = desc;
	int32_t pid;
	memcpy(&pid, p + X86_PRSTATUS_PID, sizeof(pid));
	struct linux_regs r = {0};
	for (int i = 0; i < LINUX_NR_REGS; i++) {
		memcpy(&r.r[i], p + X86_PRSTATUS_REG + 8 * i, 8);
		r.valid |= 1u << i;
	}
	*regs_ret = r;
	*pid_ret = pid;
	return NULL;
}
