// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/orc.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "linux/kfacts.h"

#define MAX_ORC_ENTRIES (UINT64_C(1) << 24)
#define ORC_ENTRY_MAX 16

static int kconst(struct vms_program *prog, enum kf_id id, int dflt)
{
	return (int)kf_const_or(prog, id, dflt);
}

struct vms_error *linux_orc_layout_probe(struct vms_program *prog, struct linux_orc_layout *ret)
{
	struct linux_orc_layout l = {0};
	uint64_t size;
	struct vms_error *err = kf_need_size(prog, KF_ORC_ENTRY, &size);
	if (err)
		return err;
	static const enum kf_id need[] = {KF_ORC_SP_OFFSET, KF_ORC_BP_OFFSET, KF_ORC_SP_REG, KF_ORC_BP_REG,
					  KF_ORC_TYPE};
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		uint64_t off;
		if ((err = kf_need_off(prog, need[i], &off)))
			return err;
	}
	if (size > ORC_ENTRY_MAX || kf_size(prog, KF_ORC_SP_OFFSET) != 2 || kf_size(prog, KF_ORC_BP_OFFSET) != 2)
		return vms_error_create(VMS_ERR_UNSUPPORTED, "struct orc_entry of %" PRIu64 " bytes is not known",
					size);
	l.entry_size = (unsigned)size;
	l.sp_offset_byte = (unsigned)kf_off(prog, KF_ORC_SP_OFFSET);
	l.bp_offset_byte = (unsigned)kf_off(prog, KF_ORC_BP_OFFSET);
	l.sp_reg_bit = (unsigned)kf_bit_off(prog, KF_ORC_SP_REG);
	l.sp_reg_bits = (unsigned)kf_bit_size(prog, KF_ORC_SP_REG);
	l.bp_reg_bit = (unsigned)kf_bit_off(prog, KF_ORC_BP_REG);
	l.bp_reg_bits = (unsigned)kf_bit_size(prog, KF_ORC_BP_REG);
	l.type_bit = (unsigned)kf_bit_off(prog, KF_ORC_TYPE);
	l.type_bits = (unsigned)kf_bit_size(prog, KF_ORC_TYPE);
	l.end_bit = kf_has(prog, KF_ORC_END) ? (int)kf_bit_off(prog, KF_ORC_END) : -1;
	l.signal_bit = kf_has(prog, KF_ORC_SIGNAL) ? (int)kf_bit_off(prog, KF_ORC_SIGNAL) : -1;
	if (!l.sp_reg_bits || !l.bp_reg_bits || !l.type_bits ||
	    l.sp_reg_bit + l.sp_reg_bits > 8 * size || l.bp_reg_bit + l.bp_reg_bits > 8 * size ||
	    l.type_bit + l.type_bits > 8 * size)
		return vms_error_create(VMS_ERR_UNSUPPORTED, "struct orc_entry's bit fields are not known");
	l.sp_indirect_v1 = kf_probe(prog, KF_ORC_SP_INDIRECT_V1);
	l.reg_undefined = kconst(prog, KF_ORC_REG_UNDEFINED, 0);
	if (kf_probe(prog, KF_ORC_REGS_V2)) {
		l.reg_ax = kconst(prog, KF_ORC_REG_AX_V2, -1);
		l.reg_dx = kconst(prog, KF_ORC_REG_DX_V2, -1);
		l.reg_sp = kconst(prog, KF_ORC_REG_SP_V2, -1);
		l.reg_bp = kconst(prog, KF_ORC_REG_BP_V2, -1);
		l.reg_di = kconst(prog, KF_ORC_REG_DI_V2, -1);
		l.reg_r10 = kconst(prog, KF_ORC_REG_R10_V2, -1);
		l.reg_r13 = kconst(prog, KF_ORC_REG_R13_V2, -1);
		l.reg_prev_sp = kconst(prog, KF_ORC_REG_PREV_SP_V2, -1);
		l.reg_sp_indirect = kconst(prog, KF_ORC_REG_SP_INDIRECT_V2, -1);
		l.reg_bp_indirect = kconst(prog, KF_ORC_REG_BP_INDIRECT_V2, -1);
	} else {
		l.reg_ax = -1;
		l.reg_prev_sp = kconst(prog, KF_ORC_REG_PREV_SP, 1);
		l.reg_dx = kconst(prog, KF_ORC_REG_DX, 2);
		l.reg_di = kconst(prog, KF_ORC_REG_DI, 3);
		l.reg_bp = kconst(prog, KF_ORC_REG_BP, 4);
		l.reg_sp = kconst(prog, KF_ORC_REG_SP, 5);
		l.reg_r10 = kconst(prog, KF_ORC_REG_R10, 6);
		l.reg_r13 = kconst(prog, KF_ORC_REG_R13, 7);
		l.reg_bp_indirect = kconst(prog, KF_ORC_REG_BP_INDIRECT, 8);
		l.reg_sp_indirect = kconst(prog, KF_ORC_REG_SP_INDIRECT, 9);
	}
	if (kf_probe(prog, KF_ORC_TYPES_V2)) {
		l.type_undefined = kconst(prog, KF_ORC_TYPE_UNDEFINED, 0);
		l.type_end_of_stack = kconst(prog, KF_ORC_TYPE_END_OF_STACK, 1);
		l.type_call = kconst(prog, KF_ORC_TYPE_CALL, 2);
		l.type_regs = kconst(prog, KF_ORC_TYPE_REGS, 3);
		l.type_regs_partial = kconst(prog, KF_ORC_TYPE_REGS_PARTIAL, 4);
	} else {
		l.type_undefined = l.type_end_of_stack = -1;
		l.type_call = kconst(prog, KF_ORC_TYPE_CALL_V1, 0);
		l.type_regs = kconst(prog, KF_ORC_TYPE_REGS_V1, 1);
		l.type_regs_partial = kconst(prog, KF_ORC_TYPE_REGS_PARTIAL_V1, 2);
	}
	*ret = l;
	return NULL;
}

struct vms_error *linux_ptregs_layout_probe(struct vms_program *prog, struct linux_ptregs_layout *ret)
{
	static const enum kf_id ids[LINUX_NR_PT_REGS] = {
		KF_PT_REGS_R15, KF_PT_REGS_R14, KF_PT_REGS_R13, KF_PT_REGS_R12, KF_PT_REGS_BP,
		KF_PT_REGS_BX, KF_PT_REGS_R11, KF_PT_REGS_R10, KF_PT_REGS_R9, KF_PT_REGS_R8,
		KF_PT_REGS_AX, KF_PT_REGS_CX, KF_PT_REGS_DX, KF_PT_REGS_SI, KF_PT_REGS_DI,
		KF_PT_REGS_ORIG_AX, KF_PT_REGS_IP, KF_PT_REGS_CS, KF_PT_REGS_FLAGS, KF_PT_REGS_SP,
		KF_PT_REGS_SS,
	};
	struct linux_ptregs_layout l = {0};
	struct vms_error *err = kf_need_size(prog, KF_PT_REGS, &l.size);
	if (err)
		return err;
	for (int i = 0; i < LINUX_NR_PT_REGS; i++) {
		if ((err = kf_need_off(prog, ids[i], &l.off[i])))
			return err;
		if (l.off[i] + 8 > l.size)
			return vms_error_create(VMS_ERR_UNSUPPORTED, "struct pt_regs member %s at %" PRIu64
						" is outside its %" PRIu64 " bytes",
						linux_reg_name((enum linux_reg)i), l.off[i], l.size);
	}
	// the hardware frame is ip, cs, flags, sp, ss in a row (the code below
	// reads it in one piece)
	for (int i = 1; i < LINUX_IRET_WORDS; i++)
		if (l.off[LINUX_REG_IP + i] != l.off[LINUX_REG_IP] + 8 * (uint64_t)i)
			return vms_error_create(VMS_ERR_UNSUPPORTED, "struct pt_regs does not end with the iret frame");
	*ret = l;
	return NULL;
}

static unsigned bits(const uint8_t *raw, unsigned bit, unsigned nbits)
{
	uint64_t v = 0;
	memcpy(&v, raw + bit / 8, (bit % 8 + nbits + 7) / 8);
	return (unsigned)((v >> (bit % 8)) & ((1u << nbits) - 1));
}

void linux_orc_decode(const struct linux_orc_layout *l, const uint8_t *raw, struct linux_orc *ret)
{
	int16_t sp, bp;
	memcpy(&sp, raw + l->sp_offset_byte, 2);
	memcpy(&bp, raw + l->bp_offset_byte, 2);
	ret->sp_offset = sp;
	ret->bp_offset = bp;
	ret->sp_reg = bits(raw, l->sp_reg_bit, l->sp_reg_bits);
	ret->bp_reg = bits(raw, l->bp_reg_bit, l->bp_reg_bits);
	ret->type = bits(raw, l->type_bit, l->type_bits);
	ret->end = l->end_bit >= 0 && bits(raw, (unsigned)l->end_bit, 1);
	ret->signal = l->signal_bit >= 0 && bits(raw, (unsigned)l->signal_bit, 1);
}

void linux_orc_fp_entry(const struct linux_orc_layout *l, struct linux_orc *ret)
{
	// arch/x86/kernel/unwind_orc.c orc_fp_entry
	*ret = (struct linux_orc){.sp_offset = 16, .bp_offset = -16, .sp_reg = (unsigned)l->reg_bp,
				  .bp_reg = (unsigned)l->reg_prev_sp, .type = (unsigned)l->type_call};
}

ssize_t linux_orc_search(const struct linux_orc_table *t, uint64_t ip)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->ips[mid] <= ip)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == 0 ? -1 : (ssize_t)(lo - 1);
}

struct vms_error *linux_orc_table_read(const struct linux_mem *mem, const struct linux_orc_layout *l,
				       uint64_t ip_table, uint64_t entries, uint64_t n_ips,
				       struct linux_orc_table *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (n_ips == 0 || n_ips > MAX_ORC_ENTRIES)
		return vms_error_addr(VMS_ERR_CORRUPT, ip_table, "ORC table of %" PRIu64 " entries", n_ips);
	int32_t *rel = malloc(n_ips * sizeof(*rel));
	uint64_t *ips = malloc(n_ips * sizeof(*ips));
	uint8_t *raw = malloc(n_ips * l->entry_size);
	struct vms_error *err = NULL;
	if (!rel || !ips || !raw) {
		err = &vms_enomem;
		goto fail;
	}
	if ((err = linux_mem_read(mem, ip_table, rel, n_ips * sizeof(*rel)))) {
		err = vms_error_wrap(err, "ORC IP table at 0x%" PRIx64, ip_table);
		goto fail;
	}
	if ((err = linux_mem_read(mem, entries, raw, n_ips * l->entry_size))) {
		err = vms_error_wrap(err, "ORC entries at 0x%" PRIx64, entries);
		goto fail;
	}
	for (uint64_t i = 0; i < n_ips; i++) {
		ips[i] = ip_table + 4 * i + (uint64_t)(int64_t)rel[i];
		if (i && ips[i] < ips[i - 1]) {
			err = vms_error_addr(VMS_ERR_CORRUPT, ip_table + 4 * i,
					     "ORC IP table at 0x%" PRIx64 " is not sorted at entry %" PRIu64, ip_table, i);
			goto fail;
		}
	}
	free(rel);
	*ret = (struct linux_orc_table){ips, raw, n_ips};
	return NULL;
fail:
	free(rel);
	free(ips);
	free(raw);
	return err;
}

void linux_orc_table_deinit(struct linux_orc_table *t)
{
	if (!t)
		return;
	free(t->ips);
	free(t->entries);
	memset(t, 0, sizeof(*t));
}

/* Read a struct pt_regs at @addr into @ret; with @partial only the hardware
 * frame (ip, cs, flags, sp, ss). */
VMS_MUST_CHECK static struct vms_error *linux_ptregs_read(const struct linux_mem *mem, const struct linux_ptregs_layout *pl,
							  uint64_t addr, bool partial, struct linux_regs *ret)
{
	struct linux_regs r = {0};
	struct vms_error *err;
	if (partial) {
		uint64_t w[LINUX_IRET_WORDS];
		if ((err = linux_mem_read(mem, addr + pl->off[LINUX_REG_IP], w, sizeof(w))))
			return err;
		for (int i = 0; i < LINUX_IRET_WORDS; i++) {
			r.r[LINUX_REG_IP + i] = w[i];
			r.valid |= 1u << (LINUX_REG_IP + i);
		}
	} else {
		uint8_t buf[512];
		if (pl->size > sizeof(buf))
			return vms_error_create(VMS_ERR_UNSUPPORTED, "struct pt_regs of %" PRIu64 " bytes", pl->size);
		if ((err = linux_mem_read(mem, addr, buf, pl->size)))
			return err;
		for (int i = 0; i < LINUX_NR_PT_REGS; i++) {
			memcpy(&r.r[i], buf + pl->off[i], 8);
			r.valid |= 1u << i;
		}
	}
	// only the selector part of cs and ss (FRED keeps more in those words)
	r.r[LINUX_REG_CS] = linux_arch_selector(r.r[LINUX_REG_CS]);
	r.r[LINUX_REG_SS] = linux_arch_selector(r.r[LINUX_REG_SS]);
	*ret = r;
	return NULL;
}

/* A register of the last exception frame, as the kernel's get_reg(). */
static bool get_reg(const struct linux_unwind_state *st, enum linux_reg r, uint64_t *ret)
{
	if (st->have_regs && st->full_regs && (st->regs.valid & (1u << r))) {
		*ret = st->regs.r[r];
		return true;
	}
	if (st->have_prev_regs && (st->prev_regs.valid & (1u << r))) {
		*ret = st->prev_regs.r[r];
		return true;
	}
	return false;
}

struct vms_error *linux_orc_step(const struct linux_orc_layout *l, const struct linux_ptregs_layout *pl,
				 const struct linux_orc *orc, const struct linux_mem *mem,
				 struct linux_unwind_state *st, enum linux_orc_step *ret)
{
	struct linux_unwind_state n = *st;
	struct vms_error *err;
	uint64_t sp = 0;
	int reg = (int)orc->sp_reg;
	bool indirect = false;

	if (l->type_undefined >= 0) {
		if ((int)orc->type == l->type_undefined)
			return vms_error_addr(VMS_ERR_CORRUPT, st->ip,
					      "the ORC entry of 0x%" PRIx64 " says the stack is undefined here", st->ip);
		if ((int)orc->type == l->type_end_of_stack) {
			*ret = LINUX_ORC_END;
			return NULL;
		}
	} else if (reg == l->reg_undefined) {
		if (orc->end) {
			*ret = LINUX_ORC_END;
			return NULL;
		}
		return vms_error_addr(VMS_ERR_CORRUPT, st->ip,
				      "the ORC entry of 0x%" PRIx64 " says the stack is undefined here", st->ip);
	}
	if (reg == l->reg_sp) {
		sp = st->sp + (uint64_t)(int64_t)orc->sp_offset;
	} else if (reg == l->reg_bp) {
		sp = st->bp + (uint64_t)(int64_t)orc->sp_offset;
	} else if (reg == l->reg_sp_indirect) {
		sp = l->sp_indirect_v1 ? st->sp + (uint64_t)(int64_t)orc->sp_offset : st->sp;
		indirect = true;
	} else if (reg == l->reg_bp_indirect) {
		sp = st->bp + (uint64_t)(int64_t)orc->sp_offset;
		indirect = true;
	} else if (reg == l->reg_r10 || reg == l->reg_r13 || reg == l->reg_di || reg == l->reg_dx ||
		   (l->reg_ax >= 0 && reg == l->reg_ax)) {
		enum linux_reg r = reg == l->reg_r10   ? LINUX_REG_R10
				   : reg == l->reg_r13 ? LINUX_REG_R13
				   : reg == l->reg_di  ? LINUX_REG_DI
				   : reg == l->reg_dx  ? LINUX_REG_DX
						       : LINUX_REG_AX;
		if (!get_reg(st, r, &sp))
			return vms_error_addr(VMS_ERR_CORRUPT, st->ip,
					      "the ORC entry of 0x%" PRIx64 " needs %s, which no exception frame saved",
					      st->ip, linux_reg_name(r));
	} else {
		return vms_error_addr(VMS_ERR_CORRUPT, st->ip,
				      "the ORC entry of 0x%" PRIx64 " has an unknown SP base register %d", st->ip, reg);
	}
	if (indirect) {
		uint64_t v;
		if ((err = linux_mem_u64(mem, sp, &v)))
			return vms_error_wrap(err, "reading the stack pointer saved at 0x%" PRIx64, sp);
		sp = v;
		if (reg == l->reg_sp_indirect && !l->sp_indirect_v1)
			sp += (uint64_t)(int64_t)orc->sp_offset;
	}

	enum linux_orc_step kind = LINUX_ORC_NEXT;
	int type = (int)orc->type;
	if (type == l->type_call) {
		uint64_t ra;
		if ((err = linux_mem_u64(mem, sp - LINUX_STACK_WORD, &ra)))
			return vms_error_wrap(err, "reading the return address at 0x%" PRIx64, sp - LINUX_STACK_WORD);
		n.ip = ra;
		n.sp = sp;
		n.have_regs = false;
		n.have_prev_regs = false;
		n.signal = false;
	} else if (type == l->type_regs) {
		if ((err = linux_ptregs_read(mem, pl, sp, false, &n.regs)))
			return vms_error_wrap(err, "reading the registers saved at 0x%" PRIx64, sp);
		n.ip = n.regs.r[LINUX_REG_IP];
		n.sp = n.regs.r[LINUX_REG_SP];
		n.regs_addr = sp;
		n.have_regs = true;
		n.full_regs = true;
		n.have_prev_regs = false;
		n.signal = true;
		kind = LINUX_ORC_NEXT_REGS;
	} else if (type == l->type_regs_partial) {
		uint64_t regs = sp - pl->off[LINUX_REG_IP];  // IRET_FRAME_OFFSET
		struct linux_regs r;
		if ((err = linux_ptregs_read(mem, pl, regs, true, &r)))
			return vms_error_wrap(err, "reading the interrupt frame at 0x%" PRIx64, sp);
		if (st->have_regs && st->full_regs) {
			n.have_prev_regs = true;
			n.prev_regs = st->regs;
		}
		n.regs = r;
		n.ip = r.r[LINUX_REG_IP];
		n.sp = r.r[LINUX_REG_SP];
		n.regs_addr = regs;
		n.have_regs = true;
		n.full_regs = false;
		n.signal = true;
		kind = LINUX_ORC_NEXT_REGS;
	} else {
		return vms_error_addr(VMS_ERR_CORRUPT, st->ip, "the ORC entry of 0x%" PRIx64 " has an unknown type %d",
				      st->ip, type);
	}
	if (l->signal_bit >= 0)
		n.signal = orc->signal;

	// the caller's BP
	int breg = (int)orc->bp_reg;
	if (breg == l->reg_undefined) {
		uint64_t v;
		if (get_reg(&n, LINUX_REG_BP, &v))
			n.bp = v;
	} else if (breg == l->reg_prev_sp) {
		if ((err = linux_mem_u64(mem, sp + (uint64_t)(int64_t)orc->bp_offset, &n.bp)))
			return vms_error_wrap(err, "reading the saved frame pointer");
	} else if (breg == l->reg_bp) {
		if ((err = linux_mem_u64(mem, st->bp + (uint64_t)(int64_t)orc->bp_offset, &n.bp)))
			return vms_error_wrap(err, "reading the saved frame pointer");
	} else {
		return vms_error_addr(VMS_ERR_CORRUPT, st->ip,
				      "the ORC entry of 0x%" PRIx64 " has an unknown BP base register %d", st->ip, breg);
	}
	*st = n;
	*ret = kind;
	return NULL;
}
