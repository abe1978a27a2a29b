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
VMS_MUST_CHECK struct vms_error *linux_arch_pt_format(struct vms_program *prog, bool l5, struct linux_pt_format *ret);

/* Bits of a page-table level (1 = PTE) and its span in bytes. */
static inline unsigned linux_pt_level_shift(const struct linux_pt_format *f, int level)
{
	return f->page_shift + f->entries_shift * (unsigned)(level - 1);
}

/* ---- registers (the crash context, backtraces) ---- */

/* The registers vmsift keeps for a CPU or an exception frame: struct
 * pt_regs's, in its order, then the two segment bases the ELF prstatus of
 * x86-64 adds. */
enum linux_reg {
	LINUX_REG_R15, LINUX_REG_R14, LINUX_REG_R13, LINUX_REG_R12, LINUX_REG_BP,
	LINUX_REG_BX, LINUX_REG_R11, LINUX_REG_R10, LINUX_REG_R9, LINUX_REG_R8,
	LINUX_REG_AX, LINUX_REG_CX, LINUX_REG_DX, LINUX_REG_SI, LINUX_REG_DI,
	LINUX_REG_ORIG_AX, LINUX_REG_IP, LINUX_REG_CS, LINUX_REG_FLAGS, LINUX_REG_SP,
	LINUX_REG_SS, LINUX_REG_FS_BASE, LINUX_REG_GS_BASE,
	LINUX_NR_REGS,
	LINUX_NR_PT_REGS = LINUX_REG_FS_BASE,  // the ones struct pt_regs holds
};

struct linux_regs {
	uint64_t r[LINUX_NR_REGS];
	uint32_t valid;  // bit i: r[i] is known
};

/* "RIP", "RSP", ... as crash and the kernel's __show_regs() print them. */
const char *linux_reg_name(enum linux_reg r);

/* The segment selector in a saved CS or SS word (the low 16 bits; FRED
 * kernels keep more in the word). */
uint64_t linux_arch_selector(uint64_t word);

/* Do these registers belong to user mode (the privilege level in CS)? */
bool linux_regs_user_mode(const struct linux_regs *regs);

/* The ELF NT_PRSTATUS note of the architecture (struct elf_prstatus of the
 * ELF ABI): its size, and its registers and pr_pid decoded.  Fails with
 * VMS_ERR_CORRUPT when @size is too small. */
VMS_MUST_CHECK struct vms_error *linux_arch_prstatus(const void *desc, size_t size, struct linux_regs *regs_ret,
						     int32_t *pid_ret);
/* The ELF note type NT_PRSTATUS (1 in every ELF ABI). */
#define LINUX_NT_PRSTATUS 1

/* The stack: each slot holds a word of this size, and a call pushes the
 * return address in one. */
#define LINUX_STACK_WORD 8

/* Offsets in the hardware's interrupt return frame (the part of pt_regs from
 * ip on): ip, cs, flags, sp, ss. */
enum { LINUX_IRET_IP, LINUX_IRET_CS, LINUX_IRET_FLAGS, LINUX_IRET_SP, LINUX_IRET_SS, LINUX_IRET_WORDS };

#endif
