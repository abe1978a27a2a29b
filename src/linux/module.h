// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Loaded kernel modules, read from the dump: the `modules` list with what
 * /proc/modules shows of each (name, size, reference count, users, state,
 * base address, taint), the module's memory ranges, its own symbols from
 * its in-memory kallsyms (no .ko needed) and its ORC tables.  Read once
 * per program; a module that cannot be read is skipped and counted.
 */
#ifndef VMS_LINUX_MODULE_H
#define VMS_LINUX_MODULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "program/program.h"

#define LINUX_MODULE_NAME_MAX 64
#define LINUX_MODULE_RANGES 8

struct linux_modsym {
	uint64_t addr;
	uint64_t size;     // up to the next symbol (as kallsyms sizes them)
	const char *name;  // owned by the module's string table copy
	char type;         // nm-style letter
	uint32_t index;    // in the module's symbol table
};

struct linux_module {
	uint64_t addr;                 // struct module
	char name[LINUX_MODULE_NAME_MAX];
	int64_t state;                 // MODULE_STATE_*
	const char *state_name;        // "Live", "Loading", "Unloading", "Unformed"
	uint64_t base;                 // text base, as /proc/modules shows it
	uint64_t size;                 // total size, as /proc/modules shows it
	struct { uint64_t start, end; } ranges[LINUX_MODULE_RANGES];
	size_t nranges;
	uint64_t taints;               // TAINT_* bits
	char taint_str[32];            // "OE" (letters from taint_flags[])
	int64_t refcount;              // module_refcount(), or INT64_MIN if unknown
	char *used_by;                 // "a,b," as /proc/modules, NULL for none
	bool permanent;                // init without exit: "[permanent]"
	// the module's ORC (x86), read by unwind.c on first use
	uint64_t orc_ip, orc, num_orcs;
	bool orc_done;
	struct vms_error *orc_err;
	struct linux_orc_table *orc_table;
	// its debug info (linux_module_debug())
	bool debug_done;
	struct vms_error *debug_err;
	struct vms_moddebug *debug;
	char *debug_path;
	// its symbols, sorted by address (linux_module_symbols())
	bool syms_done;
	struct vms_error *syms_err;
	struct linux_modsym *syms;
	size_t nsyms;
	char *strtab;
};

/*
 * The loaded modules in list order (most recently loaded first, as
 * /proc/modules).  Borrowed from @prog.  When the walk fails half-way the
 * modules read so far are returned along with the error (*nr_ret set).
 * VMS_ERR_LOOKUP when the kernel has no modules (CONFIG_MODULES=n).
 */
VMS_MUST_CHECK struct vms_error *linux_modules(struct vms_program *prog, const struct linux_module **ret,
					       size_t *nr_ret);

/* The module whose memory holds @addr, or NULL. */
const struct linux_module *linux_module_at(struct vms_program *prog, uint64_t addr);

/* What an address is: the vmlinux or module symbol that holds it. */
struct linux_symbol {
	const char *name;      // NULL when nothing holds the address
	uint64_t addr;         // the symbol's start
	uint64_t offset;       // addr - start
	uint64_t size;         // the symbol's size (0 if unknown)
	const char *module;    // the module's name, or NULL for vmlinux
	char type;
};

/* Resolve @addr to a symbol of vmlinux or of a module: module ranges first
 * (from the modules' own kallsyms), then vmlinux's symbol table.  A
 * vmlinux symbol is given only for an address inside it or, for symbols
 * without a size, in the kernel image.  Fails with VMS_ERR_LOOKUP when no
 * symbol holds @addr. */
VMS_MUST_CHECK struct vms_error *linux_symbolize(struct vms_program *prog, uint64_t addr, struct linux_symbol *ret);

/* The debug info of @mod: its .ko with DWARF, found under the program's
 * debug roots (ROOT/lib/modules/RELEASE/.../NAME.ko, '-' and '_' alike),
 * relocated to the section addresses the module recorded
 * (mod->sect_attrs).  Opened on first call.  VMS_ERR_LOOKUP when no file
 * is found.  *path_ret (may be NULL) is the file used; borrowed. */
VMS_MUST_CHECK struct vms_error *linux_module_debug(struct vms_program *prog, const struct linux_module *mod,
						    struct vms_moddebug **ret, const char **path_ret);

/* A module symbol by name ("name", or "module:name" for one module's). */
VMS_MUST_CHECK struct vms_error *linux_module_lookup(struct vms_program *prog, const char *name, struct linux_symbol *ret);

/* The taint letters of the TAINT_* bits in @mask, from the kernel's own
 * taint_flags[] table, into @buf ("POE"); "" for none.  With @all_flags,
 * as print_tainted() does, a letter for every flag (c_false where clear). */
VMS_MUST_CHECK struct vms_error *linux_taint_string(struct vms_program *prog, uint64_t mask, bool all_flags,
						    char *buf, size_t size);
/* The names of the set flags (7.x tables carry them: "OOT_MODULE"), comma
 * separated, or "" when the table has none. */
VMS_MUST_CHECK struct vms_error *linux_taint_names(struct vms_program *prog, uint64_t mask, char *buf, size_t size);

#endif
