// SPDX-License-Identifier: GPL-3.0-or-later
/* The harness table.  BTF mode's readers have two: the raw .BTF blob
 * (fz_btf.c) and the kallsyms tables in a memory image (fz_kallsyms.c),
 * each seeded with small tables it makes itself. */
#include <string.h>

#include "fuzz.h"

extern const struct fuzz_target fz_dump_elf, fz_dump_kdump, fz_dump_flat, fz_dump_kcore,
	fz_vmcoreinfo, fz_dwarf_index, fz_memo, fz_btf, fz_kallsyms, fz_page, fz_walkers, fz_vm,
	fz_eval, fz_cmdline;

const struct fuzz_target *const fuzz_targets[] = {
	&fz_dump_elf,
	&fz_dump_kdump,
	&fz_dump_flat,
	&fz_dump_kcore,
	&fz_vmcoreinfo,
	&fz_dwarf_index,
	&fz_memo,
	&fz_btf,
	&fz_kallsyms,
	&fz_page,
	&fz_walkers,
	&fz_vm,
	&fz_eval,
	&fz_cmdline,
	NULL,
};

const struct fuzz_target *fuzz_target_find(const char *name)
{
	for (size_t i = 0; fuzz_targets[i]; i++)
		if (name && strcmp(fuzz_targets[i]->name, name) == 0)
			return fuzz_targets[i];
	return NULL;
}
