// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * What a function's own DWARF says about its body: the names of its local
 * variables and parameters, of the functions inlined into it and of the
 * functions it calls.  The kernel-facts layer uses it to probe behaviour
 * that changed without any type changing (which helper /proc/kpagecount
 * calls, whether stable_page_flags() works on a folio).
 */
#include <stdio.h>
#include <string.h>

#include "debuginfo/internal.h"

#define MAX_DEPTH 32

/* The name of @die, following DW_AT_abstract_origin / DW_AT_specification
 * (an inlined or out-of-line instance names its origin). */
static const char *die_name_followed(Dwarf_Die *die)
{
	const char *name = dwarf_diename(die);
	if (name)
		return name;
	Dwarf_Attribute attr;
	Dwarf_Die origin;
	for (int i = 0; i < 4; i++) {
		if (!dwarf_attr(die, DW_AT_abstract_origin, &attr) &&
		    !dwarf_attr(die, DW_AT_specification, &attr))
			return NULL;
		if (!dwarf_formref_die(&attr, &origin))
			return NULL;
		name = dwarf_diename(&origin);
		if (name)
			return name;
		die = &origin;
	}
	return NULL;
}

/* The name of the callee of a call-site DIE, if it names one. */
static const char *call_target(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	Dwarf_Die callee;
	if (!dwarf_attr(die, DW_AT_call_origin, &attr) &&
	    !dwarf_attr(die, DW_AT_abstract_origin, &attr))
		return NULL;
	if (!dwarf_formref_die(&attr, &callee))
		return NULL;
	return die_name_followed(&callee);
}

/* Does @die's body name @what?  Local variables and parameters count only
 * in the function's own scope (its lexical blocks), not those of functions
 * inlined into it; inlined and called functions count at any depth. */
static bool mentions(Dwarf_Die *die, const char *what, bool own_scope, unsigned depth)
{
	Dwarf_Die child;
	if (depth > MAX_DEPTH || dwarf_child(die, &child) != 0)
		return false;
	do {
		const char *name = NULL;
		int tag = dwarf_tag(&child);
		switch (tag) {
		case DW_TAG_variable:
		case DW_TAG_formal_parameter:
			if (own_scope)
				name = die_name_followed(&child);
			break;
		case DW_TAG_inlined_subroutine:
			name = die_name_followed(&child);
			break;
		case DW_TAG_call_site:
		case DW_TAG_GNU_call_site:
			name = call_target(&child);
			break;
		default:
			break;
		}
		if (name && strcmp(name, what) == 0)
			return true;
		if (tag == DW_TAG_lexical_block && mentions(&child, what, own_scope, depth + 1))
			return true;
		if (tag == DW_TAG_inlined_subroutine && mentions(&child, what, false, depth + 1))
			return true;
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

/* The concrete subprogram DIE of function @fn that starts at @addr. */
static bool find_subprogram(struct vms_debuginfo *di, const char *fn, uint64_t addr,
			    Dwarf_Die *ret)
{
	Dwarf_Die cu;
	if (!dwarf_addrdie(di->dwarf, addr, &cu))
		return false;
	Dwarf_Die child;
	if (dwarf_child(&cu, &child) != 0)
		return false;
	do {
		if (dwarf_tag(&child) != DW_TAG_subprogram)
			continue;
		Dwarf_Addr low;
		if (dwarf_lowpc(&child, &low) != 0 || low != addr)
			continue;
		const char *name = die_name_followed(&child);
		if (name && strcmp(name, fn) == 0) {
			*ret = child;
			return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

struct vms_error *debuginfo_function_mentions(struct vms_debuginfo *di, const char *fn,
					      const char *what, bool *ret)
{
	if (!di->dwarf)
		return vms_error_create(VMS_ERR_UNSUPPORTED,
					"no DWARF to tell what function %s does", fn);
	// Remembered across processes (memo.c): finding the function's DIE
	// loads the whole symbol table and the address ranges of every unit,
	// most of the start-up time of a command that probes the kernel.
	char key[256];
	int n = snprintf(key, sizeof(key), "%s %s", fn, what);
	bool memo = n > 0 && (size_t)n < sizeof(key);
	const struct di_memo_lookup *l = memo ? di_memo_find(di, DI_MEMO_MENTIONS, key) : NULL;
	if (l) {
		if (l->code)
			return vms_error_create((enum vms_error_code)l->code, "%s",
						l->message ? l->message : "lookup failed");
		*ret = l->value != 0;
		return NULL;
	}
	struct vms_symbol sym;
	struct vms_error *err = debuginfo_symbol(di, fn, &sym);
	Dwarf_Die die;
	if (!err && !find_subprogram(di, fn, sym.address, &die))
		err = vms_error_create(VMS_ERR_LOOKUP, "no DWARF for function %s", fn);
	if (!err)
		*ret = mentions(&die, what, true, 0);
	if (memo)
		di_memo_record(di, DI_MEMO_MENTIONS, key, err, NULL, err ? 0 : *ret);
	return err;
}
