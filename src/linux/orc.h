// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * ORC, the x86 kernel's own unwind tables (arch/x86/kernel/unwind_orc.c):
 * for every code address, how to find the caller's stack pointer, frame
 * pointer and return address.  vmlinux keeps them between
 * __start_orc_unwind_ip and __stop_orc_unwind (IPs as 32-bit offsets from
 * their own slot, sorted, one struct orc_entry each); every module keeps its
 * own in mod->arch.  The layout of struct orc_entry and the numbering of its
 * types changed (6.3 added `signal`, 6.4 replaced `end` with the types
 * UNDEFINED and END_OF_STACK): both are probed from the debug info
 * (kfacts.def, KF_ORC_TYPES_V2).
 *
 * The step function is pure: it reads memory through a struct linux_mem
 * and pt_regs through a layout, so unit tests drive it over byte images.
 */
#ifndef VMS_LINUX_ORC_H
#define VMS_LINUX_ORC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"
#include "linux/arch.h"
#include "linux/walk.h"
#include "program/program.h"

/* How struct orc_entry is laid out and numbered in this kernel. */
struct linux_orc_layout {
	unsigned entry_size;
	unsigned sp_offset_byte, bp_offset_byte;
	unsigned sp_reg_bit, sp_reg_bits, bp_reg_bit, bp_reg_bits, type_bit, type_bits;
	int end_bit, signal_bit;      // -1 where the field does not exist
	bool sp_indirect_v1;          // SP_INDIRECT is *(SP + offset) (KF_ORC_SP_INDIRECT_V1)
	// ORC_REG_*
	int reg_undefined, reg_prev_sp, reg_dx, reg_di, reg_bp, reg_sp, reg_r10, reg_r13,
		reg_bp_indirect, reg_sp_indirect, reg_ax;  // -1: not in this numbering
	// ORC_TYPE_*; -1 for UNDEFINED and END_OF_STACK where the end bit
	// and ORC_REG_UNDEFINED say it instead (before 6.4)
	int type_undefined, type_end_of_stack, type_call, type_regs, type_regs_partial;
};

/* Where struct pt_regs keeps each register (LINUX_NR_PT_REGS of them). */
struct linux_ptregs_layout {
	uint64_t size;
	uint64_t off[LINUX_NR_PT_REGS];
};

/* One decoded struct orc_entry. */
struct linux_orc {
	int16_t sp_offset, bp_offset;
	unsigned sp_reg, bp_reg, type;
	bool end, signal;
};

/* An ORC table: sorted absolute IPs and their raw entries. */
struct linux_orc_table {
	uint64_t *ips;
	uint8_t *entries;   // n * entry_size bytes
	size_t n;
};

/* Probe the layouts from the kernel facts.  VMS_ERR_LOOKUP naming the fact
 * when the kernel has no ORC (CONFIG_UNWINDER_ORC=n) or no pt_regs. */
VMS_MUST_CHECK struct vms_error *linux_orc_layout_probe(struct vms_program *prog, struct linux_orc_layout *ret);
VMS_MUST_CHECK struct vms_error *linux_ptregs_layout_probe(struct vms_program *prog, struct linux_ptregs_layout *ret);

/* Decode the raw entry at @raw. */
void linux_orc_decode(const struct linux_orc_layout *l, const uint8_t *raw, struct linux_orc *ret);

/* Index of the entry that covers @ip (the last one at or below it), or -1. */
ssize_t linux_orc_search(const struct linux_orc_table *t, uint64_t ip);

/*
 * Read an ORC table: @n_ips 32-bit self-relative IPs at @ip_table and the
 * entries at @entries, from @mem.  Checks that the IPs are sorted.  On
 * success *@ret owns its arrays (linux_orc_table_deinit()).
 * Errors: read errors wrapped with what was read; VMS_ERR_CORRUPT for an
 * unsorted or oversized table.
 */
VMS_MUST_CHECK struct vms_error *linux_orc_table_read(const struct linux_mem *mem, const struct linux_orc_layout *l,
						      uint64_t ip_table, uint64_t entries, uint64_t n_ips,
						      struct linux_orc_table *ret);
void linux_orc_table_deinit(struct linux_orc_table *t);

/* The state of an unwind between two frames. */
struct linux_unwind_state {
	uint64_t ip, sp, bp;
	bool signal;                 // ip is exact, not a return address
	// the exception frame the unwind last went through
	bool have_regs, full_regs;
	uint64_t regs_addr;
	struct linux_regs regs;      // as much of it as was read (regs.valid)
	bool have_prev_regs;
	struct linux_regs prev_regs;
};

/* What linux_orc_step() found. */
enum linux_orc_step {
	LINUX_ORC_NEXT,      // the state is the caller's frame
	LINUX_ORC_END,       // the entry marks the end of the stack
	LINUX_ORC_NEXT_REGS, // the caller's frame, entered through an exception frame (regs set)
};

/*
 * Apply entry @orc (the one for @st->ip) to @st: find the caller's SP, its
 * IP (a return address, or an exception frame's saved IP) and BP.
 * Errors (the state is then unchanged): VMS_ERR_CORRUPT for an entry that
 * says the stack is undefined here or has an unknown register or type,
 * naming the IP; VMS_ERR_NODATA/FAULT for a stack word that cannot be read,
 * naming its address.
 */
VMS_MUST_CHECK struct vms_error *linux_orc_step(const struct linux_orc_layout *l, const struct linux_ptregs_layout *pl,
						const struct linux_orc *orc, const struct linux_mem *mem,
						struct linux_unwind_state *st, enum linux_orc_step *ret);

/* The frame-pointer guess the kernel uses where no ORC entry exists
 * (orc_fp_entry: CFA at BP + 16, BP saved at CFA - 16). */
void linux_orc_fp_entry(const struct linux_orc_layout *l, struct linux_orc *ret);

#endif
