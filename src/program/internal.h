// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Private declarations of src/program/: the program struct, shared by
 * program.c and the BTF mode (btf.c: opening without DWARF; btf_globals.c:
 * the declared types of global variables).  Nothing outside this directory
 * includes it.
 */
#ifndef VMS_PROGRAM_INTERNAL_H
#define VMS_PROGRAM_INTERNAL_H

#include "dump/dump.h"
#include "program/program.h"

#define MAX_WARNINGS 16

struct program_btf_globals;

struct vms_program {
	struct vms_dump *dump;
	struct vms_debuginfo *di;
	bool owns_di;
	char *dump_path;
	char *vmlinux_path;
	bool vmlinux_located;
	char *osrelease;
	uint64_t kaslr_offset;
	uint32_t page_size;
	unsigned page_shift;
	void *linux_data;
	void (*linux_data_destroy)(void *);
	bool image_only;  // a kernel image without a dump (open_image())
	char *warnings[MAX_WARNINGS];
	size_t nr_warnings;
	char *debug_dirs[PROGRAM_MAX_DEBUG_DIRS + 1];  // + /usr/lib/debug
	size_t ndebug_dirs;
	bool owns_debug_dirs;
	// BTF mode: types from BTF, symbols from kallsyms or a System.map
	bool btf;
	bool btf_fallback; // chosen because no DWARF was found
	char *types_from;   // "the dump", a path, /sys/kernel/btf/vmlinux
	char *symbols_from; // "kallsyms of the dump", a System.map path
	struct program_btf_globals *globals; // shared with clones, owned if owns_di
};

/* Add a warning to @prog (printf format). */
void program_warn(struct vms_program *prog, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Open @prog's debug info in BTF mode (btf.c).  @file (or NULL) is a
 * System.map or an image (vmlinux, vmlinuz or raw BTF).  Symbols: from a
 * System.map @file, else the kallsyms of the dump, else a System.map found
 * for its release.  BTF: from an image @file, else /sys/kernel/btf/vmlinux
 * on a live system, else the dump's own memory.  Then both are checked
 * against the dump's VMCOREINFO, and the global variable table against the
 * BTF.  @force turns a mismatch into a warning.
 */
VMS_MUST_CHECK struct vms_error *program_open_btf(struct vms_program *prog, const char *file, bool force);

/* The declared global variables of BTF mode (btf_globals.c): resolve and
 * check every entry against the BTF (at open); look one up; free. */
VMS_MUST_CHECK struct vms_error *program_btf_globals_load(struct vms_program *prog);
/* Returns false if @name is not in the table (then ask the BTF itself). */
bool program_btf_global(struct vms_program *prog, const char *name, struct vms_type **type_ret,
			uint64_t *addr_ret, struct vms_error **err_ret);
void program_btf_globals_destroy(struct program_btf_globals *g);

#endif
