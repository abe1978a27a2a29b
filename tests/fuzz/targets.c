// SPDX-License-Identifier: GPL-3.0-or-later
/* The harness table.  BTF and kallsyms get their targets here when those
 * readers land (src/debuginfo): a harness over the raw section bytes, seeded
 * from the fixture kernels' .BTF and the kallsyms tables in their dumps. */
#include <string.h>

#include "fuzz.h"

extern const struct fuzz_target fz_dump_elf, fz_dump_kdump, fz_dump_flat, fz_dump_kcore,
	fz_vmcoreinfo, fz_dwarf_index, fz_memo, fz_page, fz_walkers, fz_vm, fz_eval, fz_cmdline;

const struct fuzz_target *const fuzz_targets[] = {
	&fz_dump_elf,
	&fz_dump_kdump,
	&fz_dump_flat,
	&fz_dump_kcore,
	&fz_vmcoreinfo,
	&fz_dwarf_index,
	&fz_memo,
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
