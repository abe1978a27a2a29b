// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The program: one open kernel image.  It owns the dump reader and the debug
 * info, knows the KASLR offset, and gives the layers above typed, relocated
 * access to kernel memory.  Nothing above this layer includes dump/ or
 * debuginfo/ headers except through the declarations re-exported here
 * (struct vms_type and its accessors).
 */
#ifndef VMS_PROGRAM_H
#define VMS_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "debuginfo/debuginfo.h"  // the type model (struct vms_type) only

struct vms_program;

#define PROGRAM_MAX_DEBUG_DIRS 8

struct vms_program_options {
	/* NULL: locate a vmlinux with DWARF from the dump's OSRELEASE/build-id,
	 * else use BTF and kallsyms.  Else a vmlinux with DWARF, or (BTF mode) a
	 * System.map, or an image carrying .BTF (vmlinux without DWARF,
	 * vmlinuz, raw BTF). */
	const char *vmlinux;
	bool force;           // accept debug info that does not match the dump
	bool btf;             // BTF mode even when DWARF is there
	// roots to search for module debug info (ROOT/lib/modules/RELEASE/),
	// before /usr/lib/debug
	const char *debug_dirs[PROGRAM_MAX_DEBUG_DIRS];
	size_t ndebug_dirs;
};

/* Open @dump_path (a vmcore or /proc/kcore) with its debug info: DWARF when
 * a vmlinux with DWARF is given or found, else (or with opts->btf) BTF and
 * kallsyms (see program_is_btf(); the choice is told by a warning).  A
 * kernel image (an ELF executable, a vmlinux) given as @dump_path with no
 * opts->vmlinux opens that image alone (program_is_image_only()): types,
 * symbols and the data the image initializes, read at its link-time
 * addresses; reads of anything else fail.  Fails with VMS_ERR_MISMATCH when
 * the debug info does not match the dump (unless opts->force),
 * VMS_ERR_LOOKUP when there is none, VMS_ERR_FORMAT for corrupt BTF or
 * kallsyms.  On success the caller owns *ret (program_destroy). */
VMS_MUST_CHECK struct vms_error *program_open(const char *dump_path,
			       const struct vms_program_options *opts,
			       struct vms_program **ret);
void program_destroy(struct vms_program *prog);

/* Open another handle on the same dump for use by one more thread.  The
 * clone shares the debug info and kernel facts of @prog (which must outlive
 * it) but has its own dump reader.  Destroy with program_destroy(). */
VMS_MUST_CHECK struct vms_error *program_clone(struct vms_program *prog, struct vms_program **ret);

/* Facts about the image. */
const char *program_vmlinux_path(const struct vms_program *prog);
bool program_vmlinux_was_located(const struct vms_program *prog);
/* BTF mode: types from BTF, symbols from kallsyms or a System.map; no
 * vmlinux (program_vmlinux_path() is NULL), so no source lines, inline
 * frames, local variables or macros, and globals typed by a declared table. */
bool program_is_btf(const struct vms_program *prog);
/* Whether BTF mode was chosen because no vmlinux with DWARF was found. */
bool program_btf_was_fallback(const struct vms_program *prog);
/* Where types and symbols come from: the vmlinux path (DWARF), or e.g.
 * "the dump", "kallsyms of the dump", a file path (BTF mode).  Borrowed. */
const char *program_types_from(const struct vms_program *prog);
const char *program_symbols_from(const struct vms_program *prog);
const char *program_dump_path(const struct vms_program *prog);
const char *program_osrelease(const struct vms_program *prog);
uint64_t program_kaslr_offset(const struct vms_program *prog);
uint32_t program_page_size(const struct vms_program *prog);
unsigned program_page_shift(const struct vms_program *prog);
const char *program_arch(const struct vms_program *prog);
const char *program_dump_format(const struct vms_program *prog);
const char *program_dump_compression(const struct vms_program *prog);
/* Opened on a kernel image alone (program_open() of a vmlinux): types,
 * symbols and the image's initialized data; no dump. */
bool program_is_image_only(const struct vms_program *prog);
/* Warnings collected while opening (e.g. "vmlinux mismatch ignored"). */
size_t program_warning_count(const struct vms_program *prog);
const char *program_warning(const struct vms_program *prog, size_t i);
/* A VMCOREINFO value, or NULL; borrowed. */
const char *program_vmcoreinfo(const struct vms_program *prog, const char *key);

struct program_dump_stats {
	uint64_t max_pfn;
	uint64_t pages_present;
	uint64_t pages_excluded;
	bool exact;
	bool truncated;           // the file ends before data it announces
	uint64_t file_size;       // its size in bytes
	uint64_t pages_truncated; // pages past its end (part of pages_excluded)
};
VMS_MUST_CHECK struct vms_error *program_dump_stats(struct vms_program *prog, struct program_dump_stats *ret);
/* Is the page at @pfn held by the dump? */
VMS_MUST_CHECK struct vms_error *program_page_held(struct vms_program *prog, uint64_t pfn, bool *ret);

/* The dump's ELF notes (see dump_notes()): NT_PRSTATUS per CPU from kdump
 * or per vCPU from QEMU, QEMU's CPU state, VMCOREINFO.  Borrowed, live as
 * long as @prog; descriptors are unaligned.  On an error the notes read
 * before the fault are still returned. */
struct program_note {
	const char *name;
	uint32_t type;
	const void *desc;
	size_t size;
};
VMS_MUST_CHECK struct vms_error *program_notes(struct vms_program *prog, const struct program_note **ret,
					       size_t *count);

/* Memory.  Kernel virtual reads translate through the kernel page tables.
 * A page the dump does not hold fails with VMS_ERR_NODATA naming the
 * address; an untranslatable address with VMS_ERR_FAULT. */
VMS_MUST_CHECK struct vms_error *program_read(struct vms_program *prog, uint64_t addr, void *buf, size_t len);
VMS_MUST_CHECK struct vms_error *program_read_phys(struct vms_program *prog, uint64_t paddr, void *buf, size_t len);
/* Zero-copy read of kernel virtual [addr, addr + len): a borrowed read-only
 * pointer into the dump file, or NULL when not available (then use
 * program_read()).  Release with program_unmap().  See dump_map(). */
const void *program_map(struct vms_program *prog, uint64_t addr, size_t len);
/* The same for physical [paddr, paddr + len). */
const void *program_map_phys(struct vms_program *prog, uint64_t paddr, size_t len);
void program_unmap(struct vms_program *prog, const void *p, size_t len);
VMS_MUST_CHECK struct vms_error *program_read_u8(struct vms_program *prog, uint64_t addr, uint8_t *ret);
VMS_MUST_CHECK struct vms_error *program_read_u16(struct vms_program *prog, uint64_t addr, uint16_t *ret);
VMS_MUST_CHECK struct vms_error *program_read_u32(struct vms_program *prog, uint64_t addr, uint32_t *ret);
VMS_MUST_CHECK struct vms_error *program_read_u64(struct vms_program *prog, uint64_t addr, uint64_t *ret);
/* The same reads where a failure only means "not known": true when read,
 * the error dropped otherwise. */
bool program_try_u32(struct vms_program *prog, uint64_t addr, uint32_t *ret);
bool program_try_u64(struct vms_program *prog, uint64_t addr, uint64_t *ret);
/* Read a NUL-terminated string of at most @max bytes; *ret is malloc'd. */
VMS_MUST_CHECK struct vms_error *program_read_string(struct vms_program *prog, uint64_t addr, size_t max, char **ret);
VMS_MUST_CHECK struct vms_error *program_vtop(struct vms_program *prog, uint64_t vaddr, uint64_t *paddr_ret);

/* Symbols, relocated by the KASLR offset. */
struct program_symbol {
	const char *name;  // borrowed from the debug info
	uint64_t address;
	uint64_t size;
	char kind;
};
VMS_MUST_CHECK struct vms_error *program_symbol(struct vms_program *prog, const char *name, struct program_symbol *ret);
/* Symbol containing @addr (or nearest preceding); *offset_ret = addr - start. */
VMS_MUST_CHECK struct vms_error *program_symbol_at(struct vms_program *prog, uint64_t addr,
				    struct program_symbol *ret, uint64_t *offset_ret);
/* The first symbol starting above @addr (see debuginfo_symbol_after()):
 * with program_symbol_at() it gives a symbol's extent as kallsyms sees it. */
VMS_MUST_CHECK struct vms_error *program_symbol_after(struct vms_program *prog, uint64_t addr, struct program_symbol *ret);
/* The nearest text symbol at or below @addr, as kallsyms resolves code
 * addresses (see debuginfo_text_symbol_before()). */
VMS_MUST_CHECK struct vms_error *program_text_symbol_before(struct vms_program *prog, uint64_t addr,
							    struct program_symbol *ret, uint64_t *offset_ret);
size_t program_symbol_count(struct vms_program *prog);
const char *program_symbol_name(struct vms_program *prog, size_t i);  // sorted

/* The DWARF call frame row and the source position (file:line, inlined
 * functions) of a kernel address, relocated by the KASLR offset; see
 * debuginfo_cfi_row() and debuginfo_source_at().  Addresses of modules
 * are not in the vmlinux: VMS_ERR_LOOKUP. */
VMS_MUST_CHECK struct vms_error *program_cfi_row(struct vms_program *prog, uint64_t pc, struct vms_cfi_row *ret);
VMS_MUST_CHECK struct vms_error *program_source_at(struct vms_program *prog, uint64_t pc, struct vms_source_frame *ret,
						   size_t max, size_t *nr_ret);

/* Module debug info.  The roots searched for a module's .ko with DWARF, in
 * order: the options' debug_dirs, then /usr/lib/debug (each as
 * ROOT/lib/modules/RELEASE/...).  Borrowed. */
const char *const *program_debug_dirs(const struct vms_program *prog, size_t *n);
/* See debuginfo_module_open() and friends. */
VMS_MUST_CHECK struct vms_error *program_module_debug_open(const char *path, const char *name, vms_section_addr_fn *fn,
							   void *arg, struct vms_moddebug **ret);
void program_module_debug_close(struct vms_moddebug *m);
VMS_MUST_CHECK struct vms_error *program_module_source_at(struct vms_moddebug *m, uint64_t pc, struct vms_source_frame *ret,
							  size_t max, size_t *nr_ret);

/* Types and variables from DWARF. */
VMS_MUST_CHECK struct vms_error *program_find_type(struct vms_program *prog, const char *name, struct vms_type **ret);
/* A global variable: its type (@type_ret may be NULL) and relocated address. */
VMS_MUST_CHECK struct vms_error *program_variable(struct vms_program *prog, const char *name,
				   struct vms_type **type_ret, uint64_t *addr_ret);
VMS_MUST_CHECK struct vms_error *program_enumerator(struct vms_program *prog, const char *name, int64_t *value_ret);
struct vms_type *program_void_type(struct vms_program *prog);
VMS_MUST_CHECK struct vms_error *program_pointer_type(struct vms_program *prog, struct vms_type *target, struct vms_type **ret);
/* Byte offset of @member (a path like "lru.next") in type @type_name. */
VMS_MUST_CHECK struct vms_error *program_member_offset(struct vms_program *prog, const char *type_name,
					const char *member, uint64_t *ret);
/* Does @type_name have @member?  False also when the type is unknown. */
bool program_has_member(struct vms_program *prog, const char *type_name, const char *member);
/* Size of @type_name in bytes. */
VMS_MUST_CHECK struct vms_error *program_type_size(struct vms_program *prog, const char *type_name, uint64_t *ret);

/* Does function @fn's body name @what (a local, an inlined or called
 * function)?  See debuginfo_function_mentions(). */
VMS_MUST_CHECK struct vms_error *program_function_mentions(struct vms_program *prog, const char *fn,
					    const char *what, bool *ret);

/* Type and variable names starting with @prefix (see
 * debuginfo_names_with_prefix for @kinds and @fn). */
VMS_MUST_CHECK struct vms_error *program_names_with_prefix(struct vms_program *prog, const char *prefix,
					    unsigned kinds,
					    bool (*fn)(const char *name, unsigned kind, void *arg),
					    void *arg);

/*
 * BTF mode's reader of the kallsyms tables over any kernel memory @read
 * (the dump's, or a buffer's: an entry point for fuzzing).  @at holds the
 * run-time addresses VMCOREINFO gives (SYMBOL(kallsyms_*)); the address
 * table is kallsyms_offsets when it is there and kallsyms_addresses is
 * not, relative to kallsyms_relative_base when that is there, else to
 * itself; else kallsyms_addresses.  Reads kallsyms_num_syms, the tables
 * it sizes, and decodes them (debuginfo_kallsyms_decode(), relocated
 * addresses less @kaslr_offset).  Errors: those of @read (wrapped, naming
 * the table), VMS_ERR_FORMAT for corrupt tables.
 */
struct program_kallsyms_at {
	uint64_t names, num_syms, token_table, token_index;
	uint64_t offsets, addresses, relative_base;
	bool have_offsets, have_addresses, have_base;
};
typedef struct vms_error *program_read_fn(void *arg, uint64_t addr, void *buf, size_t len);
VMS_MUST_CHECK struct vms_error *program_kallsyms_read(const struct program_kallsyms_at *at,
					uint64_t kaslr_offset, program_read_fn *read,
					void *arg, struct debuginfo_symbols *ret);

/* A slot for the kernel-knowledge layer to keep what it probed once per
 * program (layouts, offsets).  @destroy is called by program_destroy(). */
void *program_linux_data(const struct vms_program *prog);
void program_set_linux_data(struct vms_program *prog, void *data, void (*destroy)(void *));

/* Cancellation: set asynchronously (SIGINT); long walks poll it and fail
 * with VMS_ERR_CANCELLED. */
void program_cancel_request(void);
void program_cancel_clear(void);
bool program_cancelled(void);
/* Returns a VMS_ERR_CANCELLED error when cancellation was requested. */
VMS_MUST_CHECK struct vms_error *program_check_cancel(void);

#endif
