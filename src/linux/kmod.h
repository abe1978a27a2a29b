// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Loaded modules as the kernel-memory answers need them: where each
 * module's memory is (text, rodata, data...), and the symbol an address in
 * it names, found in the module's own kallsyms the way the kernel's
 * find_kallsyms_symbol() finds it (so "%pS" of a module address reads the
 * same: name+0xoffset/0xsize [module]).
 */
#ifndef VMS_LINUX_KMOD_H
#define VMS_LINUX_KMOD_H

#include <stdint.h>

#include "linux/kmembase.h"

#define LINUX_KMOD_MAX_MEM 8

struct linux_kmod {
	uint64_t addr;            // struct module
	char name[64];
	struct {
		uint64_t base, size;
		const char *kind;     // "text", "rodata", "ro_after_init", "data", "init_text"...
	} mem[LINUX_KMOD_MAX_MEM];
	unsigned nr_mem;
	uint64_t text_end, init_text_end;  // where find_kallsyms_symbol() ends the last symbol
	uint64_t kallsyms;        // struct mod_kallsyms
};

struct linux_kmods {
	struct linux_kmod *mods;
	size_t nr;
	char *error;              // the module list could not be read to its end, or NULL
};

/* Read the module list.  Without CONFIG_MODULES or its facts: no module and
 * an error note.  Free with linux_kmods_destroy(). */
VMS_MUST_CHECK struct vms_error *linux_kmods_read(struct linux_kmem_base *b, struct linux_kmods **ret);
void linux_kmods_destroy(struct linux_kmods *m);

/* The module whose memory holds @addr (and which part), or NULL. */
const struct linux_kmod *linux_kmod_at(const struct linux_kmods *m, uint64_t addr, unsigned *mem_ret);

/* "%pS" of @addr: "name+0xoff/0xsize", with " [module]" for a module
 * address, or "0x..." when no symbol names it.  Writes at most @len bytes. */
void linux_kmem_symbolize(struct linux_kmem_base *b, const struct linux_kmods *mods, uint64_t addr, char *buf,
			  size_t len);

#endif
