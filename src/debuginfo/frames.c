// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Where code comes from and how its frames unwind, from the DWARF of the
 * image: the call frame information of .debug_frame (the unwinder's
 * fallback where the kernel's ORC has no entry), and the source line and
 * the chain of inlined functions at an address.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo/internal.h"

/* ---- call frame information ---- */

VMS_MUST_CHECK static struct vms_error *cfi_of(struct vms_debuginfo *di, Dwarf_CFI **ret)
{
	if (!di->dwarf)
		return vms_error_create(VMS_ERR_LOOKUP, "%s has no DWARF", di->path);
	// dwarf_getcfi() caches the CFI in the Dwarf handle
	Dwarf_CFI *cfi = dwarf_getcfi(di->dwarf);
	if (!cfi)
		return vms_error_create(VMS_ERR_LOOKUP, "%s has no .debug_frame: %s", di->path, dwarf_errmsg(-1));
	*ret = cfi;
	return NULL;
}

static void rule_of(Dwarf_Frame *frame, int regno, struct vms_cfi_rule *ret)
{
	Dwarf_Op mem[3], *ops = NULL;
	size_t nops = 0;
	*ret = (struct vms_cfi_rule){VMS_CFI_UNSUPPORTED, 0, -1};
	if (dwarf_frame_register(frame, regno, mem, &ops, &nops) != 0)
		return;
	if (nops == 0) {
		ret->kind = ops ? VMS_CFI_SAME : VMS_CFI_UNDEFINED;
		return;
	}
	if (ops[0].atom == DW_OP_regx && nops == 1) {
		ret->kind = VMS_CFI_IN_REG;
		ret->reg = (int)ops[0].number;
		return;
	}
	if (ops[0].atom != DW_OP_call_frame_cfa)
		return;
	size_t i = 1;
	if (i < nops && ops[i].atom == DW_OP_plus_uconst)
		ret->offset = (int64_t)ops[i++].number;
	bool value = i < nops && ops[i].atom == DW_OP_stack_value;
	if (value)
		i++;
	if (i != nops)
		return;
	ret->kind = value ? VMS_CFI_IS_CFA : VMS_CFI_AT_CFA;
}

struct vms_error *debuginfo_cfi_row(struct vms_debuginfo *di, uint64_t pc, struct vms_cfi_row *ret)
{
	Dwarf_CFI *cfi = NULL;
	struct vms_error *err = cfi_of(di, &cfi);
	if (err)
		return err;
	Dwarf_Frame *frame = NULL;
	if (dwarf_cfi_addrframe(cfi, pc, &frame) != 0)
		return vms_error_addr(VMS_ERR_LOOKUP, pc, "no call frame information for 0x%" PRIx64 ": %s", pc,
				      dwarf_errmsg(-1));
	struct vms_cfi_row r = {.cfa_reg = -1};
	Dwarf_Op *ops = NULL;
	size_t nops = 0;
	if (dwarf_frame_cfa(frame, &ops, &nops) == 0 && nops == 1) {
		if (ops[0].atom == DW_OP_bregx) {
			r.cfa_reg = (int)ops[0].number;
			r.cfa_offset = (int64_t)ops[0].number2;
		} else if (ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg31) {
			r.cfa_reg = ops[0].atom - DW_OP_breg0;
			r.cfa_offset = (int64_t)ops[0].number;
		}
	}
	bool signal = false;
	r.ra_reg = dwarf_frame_info(frame, NULL, NULL, &signal);
	for (int i = 0; i < VMS_CFI_NREGS; i++)
		rule_of(frame, i, &r.regs[i]);
	free(frame);
	if (r.cfa_reg < 0)
		return vms_error_addr(VMS_ERR_UNSUPPORTED, pc, "the frame of 0x%" PRIx64 " has a CFA expression", pc);
	*ret = r;
	return NULL;
}

/* ---- source lines and inlined functions ---- */

static const char *die_function_name(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	Dwarf_Die origin;
	const char *name = dwarf_diename(die);
	if (name)
		return name;
	// an inlined instance names its function through its abstract origin
	for (int depth = 0; depth < 4; depth++) {
		if (!dwarf_attr_integrate(die, DW_AT_abstract_origin, &attr) &&
		    !dwarf_attr_integrate(die, DW_AT_specification, &attr))
			return NULL;
		if (!dwarf_formref_die(&attr, &origin))
			return NULL;
		name = dwarf_diename(&origin);
		if (name)
			return name;
		*die = origin;
	}
	return NULL;
}

static const char *file_name(Dwarf_Files *files, Dwarf_Word idx)
{
	if (!files)
		return NULL;
	return dwarf_filesrc(files, idx, NULL, NULL);
}

struct vms_error *debuginfo_source_at(struct vms_debuginfo *di, uint64_t pc, struct vms_source_frame *ret,
				      size_t max, size_t *nr_ret)
{
	*nr_ret = 0;
	if (!di->dwarf)
		return vms_error_create(VMS_ERR_LOOKUP, "%s has no DWARF", di->path);
	Dwarf_Die cu;
	if (!dwarf_addrdie(di->dwarf, pc, &cu))
		return vms_error_addr(VMS_ERR_LOOKUP, pc, "no compilation unit holds 0x%" PRIx64, pc);
	return debuginfo_source_in_cu(&cu, pc, ret, max, nr_ret);
}

struct vms_error *debuginfo_source_in_cu(Dwarf_Die *cu_die, uint64_t pc, struct vms_source_frame *ret, size_t max,
					 size_t *nr_ret)
{
	Dwarf_Die cu = *cu_die;
	*nr_ret = 0;
	Dwarf_Line *line = dwarf_getsrc_die(&cu, pc);
	const char *file = line ? dwarf_linesrc(line, NULL, NULL) : NULL;
	int lineno = 0;
	if (line)
		dwarf_lineno(line, &lineno);
	Dwarf_Files *files = NULL;
	size_t nfiles;
	if (dwarf_getsrcfiles(&cu, &files, &nfiles) != 0)
		files = NULL;
	// the innermost scope holding pc, then its parents in the DIE tree
	// (dwarf_getscopes() follows an inlined instance to its abstract
	// origin instead, which loses the functions it was inlined into)
	Dwarf_Die *inner = NULL, *scopes = NULL;
	int n = dwarf_getscopes(&cu, pc, &inner);
	if (n > 0)
		n = dwarf_getscopes_die(&inner[0], &scopes);
	free(inner);
	size_t k = 0;
	for (int i = 0; i < n && k < max; i++) {
		Dwarf_Die *s = &scopes[i];
		int tag = dwarf_tag(s);
		if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_subprogram)
			continue;
		Dwarf_Die d = *s;
		const char *fn = die_function_name(&d);
		ret[k] = (struct vms_source_frame){fn, file, lineno, tag == DW_TAG_inlined_subroutine};
		k++;
		if (tag == DW_TAG_subprogram)
			break;
		// the caller's position: where this instance was inlined
		Dwarf_Attribute attr;
		Dwarf_Word cf = 0, cl = 0;
		if (dwarf_attr(s, DW_AT_call_file, &attr))
			dwarf_formudata(&attr, &cf);
		if (dwarf_attr(s, DW_AT_call_line, &attr))
			dwarf_formudata(&attr, &cl);
		file = file_name(files, cf);
		lineno = (int)cl;
	}
	free(scopes);
	if (k == 0 && file && max) {
		ret[0] = (struct vms_source_frame){NULL, file, lineno, false};
		k = 1;
	}
	*nr_ret = k;
	return NULL;
}
