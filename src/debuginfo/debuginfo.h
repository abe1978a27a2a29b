// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * debuginfo: names and types of a kernel image, from its ELF symbol table and
 * DWARF, or from BTF with symbols from kallsyms or System.map (btf.c,
 * kallsyms.c).  This module is the only user of libdw/libelf and of libbpf
 * in vmsift.
 *
 * Ownership: a struct vms_debuginfo owns everything reached from it.  Names,
 * symbols, types, members and enumerators returned by the functions below are
 * borrowed and stay valid until debuginfo_destroy(); functions that return
 * malloc'd memory say so.  Addresses are the unrelocated link-time addresses
 * of the file (callers apply KASLR offsets).
 *
 * Speed: name lookups go through an index of the DWARF (type names by kind,
 * global variables, enumerators -> DIE offsets) built on first use by a
 * parallel scan of the top-level DIEs and persisted in a cache directory
 * ($VMSIFT_CACHE/index/, else ${XDG_CACHE_HOME:-~/.cache}/vmsift/index/),
 * keyed by build-id and validated by build-id, file size and mtime.  Types are
 * built lazily, one DIE at a time; struct and union members are parsed when
 * first asked for.  Next to the index, a memo (<build-id>.memo, memo.c)
 * keeps the answers of type, variable and enumerator lookups and the types
 * they reached, written when a process added to it, so that later processes
 * answer the same lookups without reading any DWARF.
 *
 * Threads: a struct vms_debuginfo and its types must be used by one thread at
 * a time (lookups fill caches).
 */
#ifndef VMS_DEBUGINFO_DEBUGINFO_H
#define VMS_DEBUGINFO_DEBUGINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

struct vms_debuginfo;
struct vms_type;

/*
 * Open the ELF file @vmlinux and check that it has DWARF and a symbol table.
 * The DWARF is not scanned yet.  On success *@ret is a new handle the caller
 * frees with debuginfo_destroy().  Errors: VMS_ERR_OS (cannot open),
 * VMS_ERR_FORMAT ("... is not an ELF file", "... has no DWARF debug info",
 * "... has no symbol table").
 */
VMS_MUST_CHECK struct vms_error *debuginfo_open(const char *vmlinux, struct vms_debuginfo **ret);

/* Whether @path is an ELF file with DWARF (a .debug_info section); false
 * when it cannot be read. */
bool debuginfo_has_dwarf(const char *path);

/* Free @di and everything borrowed from it.  NULL is a no-op. */
void debuginfo_destroy(struct vms_debuginfo *di);

/* The path given to debuginfo_open() (borrowed). */
const char *debuginfo_path(const struct vms_debuginfo *di);

/*
 * The GNU build-id of the file (from .note.gnu.build-id or a PT_NOTE), with
 * its length in *@len.  Returns NULL and sets *@len to 0 if there is none.
 */
const uint8_t *debuginfo_build_id(const struct vms_debuginfo *di, size_t *len);

/*
 * Copy @len bytes at unrelocated virtual address @addr from the file's
 * allocated sections into @buf (e.g. linux_banner in .rodata).  The range may
 * span adjacent sections.  Errors: VMS_ERR_FAULT if some byte is in no
 * section, VMS_ERR_NODATA if it is in a section without file contents
 * (.bss); the error carries the first address that could not be read.
 */
VMS_MUST_CHECK struct vms_error *debuginfo_read_static(struct vms_debuginfo *di, uint64_t addr,
					void *buf, size_t len);

/*
 * Find the vmlinux with debug info for kernel release @osrelease (uname -r).
 * Tries, in order: /usr/lib/debug/boot/vmlinux-R,
 * /usr/lib/debug/lib/modules/R/vmlinux, /usr/lib/debug/.build-id/xx/rest.debug
 * (only when @build_id is given), /boot/vmlinux-R, /lib/modules/R/build/vmlinux.
 * The environment variable VMSIFT_SYSROOT, if set, prefixes every path.  When
 * @build_id (of @id_len bytes) is non-NULL, a candidate is taken only if its
 * build-id matches.  On success *@path_ret is a malloc'd path the caller
 * frees.  Errors: VMS_ERR_INVALID (no release and no build-id),
 * VMS_ERR_LOOKUP (nothing found; a candidate with a different build-id is
 * named in the message).
 */
VMS_MUST_CHECK struct vms_error *debuginfo_locate(const char *osrelease, const uint8_t *build_id,
				   size_t id_len, char **path_ret);

/* ---- symbols: ELF .symtab, unrelocated addresses ---- */

struct vms_symbol {
	const char *name; // borrowed from the file
	uint64_t address;
	uint64_t size;
	char kind; // nm-style: 'T','t','D','d','B','b','R','r','A','W','w','V','v','U',...
};

/*
 * Look up symbol @name exactly; if several have that name, a global (or
 * weak) one is preferred over a local one.  The symbol table is loaded on
 * the first symbol call.  Errors: VMS_ERR_LOOKUP ("no symbol 'x'").
 */
VMS_MUST_CHECK struct vms_error *debuginfo_symbol(struct vms_debuginfo *di, const char *name,
				   struct vms_symbol *ret);

/*
 * The symbol containing @addr, or failing that the nearest symbol below it
 * (callers compare against address + size to tell the two apart).
 * Undefined symbols are ignored.  Errors: VMS_ERR_LOOKUP if no symbol lies at
 * or below @addr.
 */
VMS_MUST_CHECK struct vms_error *debuginfo_symbol_at(struct vms_debuginfo *di, uint64_t addr,
				      struct vms_symbol *ret);

/* Number of named symbols (0 if the table cannot be loaded). */
/* The first symbol (not absolute, not a debugging symbol) that starts
 * above @addr: where kallsyms ends the symbol containing @addr (the size
 * %pS prints).  VMS_ERR_LOOKUP when there is none. */
VMS_MUST_CHECK struct vms_error *debuginfo_symbol_after(struct vms_debuginfo *di, uint64_t addr,
							struct vms_symbol *ret);
size_t debuginfo_symbol_count(struct vms_debuginfo *di);

/* The nearest text symbol (T, t, W, w) at or below @addr, as kallsyms
 * resolves a code address: a label inside a function (such as
 * entry_SYSCALL_64_after_hwframe) wins over the function that contains
 * it.  VMS_ERR_LOOKUP when there is none close by. */
VMS_MUST_CHECK struct vms_error *debuginfo_text_symbol_before(struct vms_debuginfo *di, uint64_t addr, struct vms_symbol *ret);

/*
 * The @i-th symbol in name order (for completion), or NULL if @i is out of
 * range.  Borrowed.
 */
const struct vms_symbol *debuginfo_symbol_by_index(struct vms_debuginfo *di, size_t i);

/* ---- debug info without DWARF: BTF types, kallsyms or System.map symbols ---- */

/*
 * Open kernel BTF: @size bytes at @data (copied), e.g. the .BTF section of an
 * image, the dump's __start_BTF..__stop_BTF, or /sys/kernel/btf/vmlinux.
 * @origin names where it came from in messages and debuginfo_path().  The
 * handle has no symbols until debuginfo_set_symbols(), no DWARF, no build-id
 * and no file contents (debuginfo_read_static() fails); types, enumerators,
 * per-CPU variables and name completion work as with DWARF.  Errors:
 * VMS_ERR_FORMAT naming what is wrong ("BTF from X is truncated", "... has a
 * bad magic number", "... is corrupt (libbpf: ...)").  This is the entry
 * point for fuzzing BTF parsing on raw bytes.
 */
VMS_MUST_CHECK struct vms_error *debuginfo_open_btf(const void *data, size_t size, const char *origin,
						    struct vms_debuginfo **ret);

/*
 * Open the BTF of a kernel image file @path: an ELF vmlinux (with or without
 * DWARF) with a .BTF section, a bzImage (vmlinuz, its payload decompressed:
 * gzip, xz, zstd or lz4), or a raw BTF file (/sys/kernel/btf/vmlinux).  An
 * ELF image's allocated sections stay readable through
 * debuginfo_read_static() (to check it against a dump).  Errors: VMS_ERR_OS,
 * VMS_ERR_FORMAT ("... has no .BTF section", ...), VMS_ERR_UNSUPPORTED (a
 * compression this build cannot read).
 */
VMS_MUST_CHECK struct vms_error *debuginfo_open_btf_image(const char *path, struct vms_debuginfo **ret);

/* Whether @di reads BTF rather than DWARF. */
bool debuginfo_is_btf(const struct vms_debuginfo *di);

/* A symbol table made outside ELF; names point into @names.  Owned. */
struct debuginfo_symbols {
	struct vms_symbol *syms;
	size_t nsyms;
	char *names;
};

/* Free what @s holds (it can be reused). */
void debuginfo_symbols_deinit(struct debuginfo_symbols *s);

/* How kallsyms_offsets encode addresses (see kernel/kallsyms.c,
 * kallsyms_sym_address(), of each version). */
enum debuginfo_kallsyms_mode {
	/* kallsyms_addresses[]: absolute u64 (!CONFIG_KALLSYMS_BASE_RELATIVE,
	 * before 6.12) */
	DEBUGINFO_KALLSYMS_ADDRESSES,
	/* relative_base + (u32)offset (CONFIG_KALLSYMS_BASE_RELATIVE without
	 * ABSOLUTE_PERCPU, 4.6+) */
	DEBUGINFO_KALLSYMS_BASE_RELATIVE,
	/* offset >= 0: absolute (per-CPU symbols); else relative_base - 1 -
	 * offset (CONFIG_KALLSYMS_ABSOLUTE_PERCPU, x86-64 SMP until 6.15) */
	DEBUGINFO_KALLSYMS_ABSOLUTE_PERCPU,
	/* &kallsyms_offsets[i] + offset (kallsyms_relative_base removed) */
	DEBUGINFO_KALLSYMS_PC_RELATIVE,
};

/* The kallsyms tables of a kernel, as bytes copied from its memory (in the
 * kernel's byte order, which must be the host's). */
struct debuginfo_kallsyms {
	uint64_t num_syms;
	const uint8_t *names;
	size_t names_size;          // may extend past the last name
	const uint8_t *token_table;
	size_t token_table_size;
	const uint8_t *token_index; // 256 u16
	enum debuginfo_kallsyms_mode mode;
	const uint8_t *offsets;     // num_syms s32 (all modes but ADDRESSES)
	size_t offsets_size;
	const uint8_t *addresses;   // num_syms u64 (ADDRESSES)
	size_t addresses_size;
	uint64_t relative_base;     // BASE_RELATIVE, ABSOLUTE_PERCPU
	uint64_t offsets_address;   // PC_RELATIVE: run-time address of offsets[0]
	uint64_t kaslr_offset;      // subtracted from relocated addresses
};

/*
 * Decode kallsyms tables @ks into a symbol table with unrelocated addresses
 * (relocated ones less @ks->kaslr_offset; absolute per-CPU ones as they
 * are), nm kinds from the names' first letters, and sizes inferred from the
 * next symbol's address.  Bounded by the given sizes.  On success the caller
 * owns *@ret.  Errors: VMS_ERR_FORMAT ("kallsyms table is corrupt: ... at
 * symbol N").  An entry point for fuzzing.
 */
VMS_MUST_CHECK struct vms_error *debuginfo_kallsyms_decode(const struct debuginfo_kallsyms *ks,
							   struct debuginfo_symbols *ret);

/*
 * Parse System.map text (lines "ADDRESS TYPE NAME", as nm -n prints them)
 * of @len bytes.  Undefined ('U') symbols are dropped; sizes are inferred.
 * Errors: VMS_ERR_FORMAT naming the first bad line, or saying that the file
 * is Debian's placeholder that points to the -dbg package.  An entry point
 * for fuzzing.
 */
VMS_MUST_CHECK struct vms_error *debuginfo_sysmap_parse(const char *text, size_t len,
							struct debuginfo_symbols *ret);

/* Make @s (taken over, left empty) the symbol table of @di, replacing any
 * other.  Errors: VMS_ERR_NOMEM. */
VMS_MUST_CHECK struct vms_error *debuginfo_set_symbols(struct vms_debuginfo *di, struct debuginfo_symbols *s);

/*
 * The anonymous struct (BTF only) whose members are named exactly
 * @members[0..@n) in order, for variables of a type without a name (e.g.
 * tk_core).  Errors: VMS_ERR_LOOKUP, VMS_ERR_UNSUPPORTED (not BTF).
 */
VMS_MUST_CHECK struct vms_error *debuginfo_find_anonymous_struct(struct vms_debuginfo *di,
								 const char *const *members, size_t n,
								 struct vms_type **ret);
/*
 * Does the body of function @fn name @what: as one of its own local
 * variables or parameters (not those of functions inlined into it), as a
 * function inlined into it at any depth, or as a function it calls
 * (DWARF call sites)?  Looks only at the out-of-line instance at the
 * symbol's address.  For probes of kernel behaviour that no type shows.
 * Errors: VMS_ERR_LOOKUP (no such function or no DWARF for it),
 * VMS_ERR_UNSUPPORTED (the debug info has no function bodies).
 */
VMS_MUST_CHECK struct vms_error *debuginfo_function_mentions(struct vms_debuginfo *di, const char *fn,
					      const char *what, bool *ret);

/* ---- types ---- */

enum vms_type_kind {
	VMS_TYPE_VOID,
	VMS_TYPE_INT,
	VMS_TYPE_BOOL,
	VMS_TYPE_FLOAT,
	VMS_TYPE_POINTER,
	VMS_TYPE_STRUCT,
	VMS_TYPE_UNION,
	VMS_TYPE_ENUM,
	VMS_TYPE_TYPEDEF,
	VMS_TYPE_ARRAY,
	VMS_TYPE_FUNCTION,
};

struct vms_type;

struct vms_type_member {
	const char *name; // NULL if anonymous
	struct vms_type *type;
	uint64_t bit_offset; // from the start of the containing struct/union
	uint64_t bit_size;   // 0 unless a bitfield
};

struct vms_type_enumerator {
	const char *name;
	int64_t value; // an unsigned enum's values are stored as their bits
};

/*
 * Find a type by its C spelling: "struct page", "union x", "enum pageflags",
 * a typedef name ("pgd_t"), a bare tag ("page": typedef, then struct, union,
 * enum), a base type in any word order ("unsigned long", "long unsigned
 * int", "char", "_Bool"), "void", followed by any number of "*" and then
 * "[N]" / "[]" suffixes ("struct page *", "char [16]", "int *[4]").
 * cv-qualifiers in @name are ignored.  A complete definition is preferred to
 * a declaration.  On success *@ret is borrowed.  Errors: VMS_ERR_LOOKUP
 * ("no type 'struct nosuch'"), VMS_ERR_INVALID (unparsable name),
 * VMS_ERR_FORMAT (bad DWARF).
 */
VMS_MUST_CHECK struct vms_error *debuginfo_find_type(struct vms_debuginfo *di, const char *name,
				      struct vms_type **ret);

/*
 * Find global variable @name: its type from DWARF and its unrelocated address
 * from DW_AT_location (DW_OP_addr) or, for declarations and optimized-out
 * locations, from the symbol table.  Definitions with external linkage are
 * preferred over file-static ones of the same name.  Either output may be
 * NULL.  Errors: VMS_ERR_LOOKUP (no such variable, or no address for it).
 */
VMS_MUST_CHECK struct vms_error *debuginfo_find_variable(struct vms_debuginfo *di, const char *name,
					  struct vms_type **type_ret, uint64_t *addr_ret);

/*
 * Find enumeration constant @name (e.g. "PG_locked", "NR_PAGEFLAGS"): the enum
 * type that declares it and its value.  Either output may be NULL.  Errors:
 * VMS_ERR_LOOKUP.
 */
VMS_MUST_CHECK struct vms_error *debuginfo_find_enumerator(struct vms_debuginfo *di, const char *name,
					    struct vms_type **enum_ret, int64_t *value_ret);

/* The void type of @di (never NULL, borrowed). */
struct vms_type *debuginfo_void_type(struct vms_debuginfo *di);

/*
 * A pointer type to @target (the same object for the same target every time).
 * Errors: VMS_ERR_NOMEM.
 */
VMS_MUST_CHECK struct vms_error *debuginfo_pointer_type(struct vms_debuginfo *di, struct vms_type *target,
					 struct vms_type **ret);

/* ---- type accessors: pure queries on borrowed types ---- */

/* The kind of @t (cv-qualifiers are not represented). */
enum vms_type_kind vms_type_kind(const struct vms_type *t);

/* struct/union/enum tag, typedef name or base type name; NULL if anonymous
 * or for pointers, arrays and functions. */
const char *vms_type_tag(const struct vms_type *t);

/* sizeof @t in bytes: typedefs resolved, declarations resolved to their
 * definition by name; 0 for void, functions and incomplete types. */
uint64_t vms_type_size(const struct vms_type *t);

/* Whether an integer, enum (via its compatible type) or float type is signed;
 * typedefs resolved.  false for everything else. */
bool vms_type_is_signed(const struct vms_type *t);

/* false for void, incomplete struct/union/enum (a declaration without a
 * definition anywhere) and arrays without a length; typedefs resolved. */
bool vms_type_is_complete(const struct vms_type *t);

/* pointer -> pointee, typedef -> aliased type, array -> element type,
 * enum -> compatible integer type, function -> return type; NULL otherwise. */
struct vms_type *vms_type_target(const struct vms_type *t);

/* Number of elements of array @t (0 if it has none or is not an array). */
uint64_t vms_type_array_length(const struct vms_type *t);
/* false for flexible/unknown-length arrays (and non-arrays). */
bool vms_type_array_has_length(const struct vms_type *t);

/* @t with all typedefs stripped (NULL stays NULL). */
struct vms_type *vms_type_strip(struct vms_type *t);

/* Members of a struct or union (0/NULL for other kinds and out-of-range @i).
 * Parsed from DWARF on first use; a declaration exposes its definition's
 * members.  Bitfield offsets are normalized to DW_AT_data_bit_offset
 * semantics (bit offset from the start of the struct, little-endian order). */
size_t vms_type_member_count(const struct vms_type *t);
const struct vms_type_member *vms_type_member(const struct vms_type *t, size_t i);

/* Enumerators of an enum, in declaration order (0/NULL otherwise). */
size_t vms_type_enumerator_count(const struct vms_type *t);
const struct vms_type_enumerator *vms_type_enumerator(const struct vms_type *t, size_t i);

/* Parameters of a function type (0/NULL otherwise) and whether it is
 * variadic. */
size_t vms_type_param_count(const struct vms_type *t);
struct vms_type *vms_type_param(const struct vms_type *t, size_t i);
bool vms_type_is_variadic(const struct vms_type *t);

/*
 * Resolve the member designator @path ("flags", "lru.next", "a.b[2].c")
 * within struct/union @t: descends typedefs and anonymous structs/unions,
 * and "[N]" indexes arrays.  Outputs (each may be NULL): the member's type,
 * its bit offset from the start of @t, and its bit size (0 unless a
 * bitfield).  Errors: VMS_ERR_LOOKUP naming the member and the type
 * ("struct page has no member 'nosuch'"), VMS_ERR_INVALID (bad syntax,
 * indexing a non-array).
 */
VMS_MUST_CHECK struct vms_error *vms_type_member_find(struct vms_type *t, const char *path,
				       struct vms_type **type_ret, uint64_t *bit_offset_ret,
				       uint64_t *bit_size_ret);

/*
 * The C spelling of @t as a malloc'd string the caller frees, e.g.
 * "struct page *", "char [16]", "int (*)(void)"; anonymous tags are spelled
 * "struct <anonymous>".  Returns NULL only if out of memory.
 */
char *vms_type_name(const struct vms_type *t);

/*
 * A C declaration of @ident with type @t as a malloc'd string, e.g.
 * "struct page *next", "char comm[16]", "int (*fn)(void)".  @ident NULL or ""
 * gives vms_type_name().  Returns NULL only if out of memory.
 */
char *vms_type_declaration(const struct vms_type *t, const char *ident);

/* Kinds of indexed names, for debuginfo_names_with_prefix(). */
enum {
	DEBUGINFO_NAME_TYPEDEF = 1u << 0,
	DEBUGINFO_NAME_STRUCT = 1u << 1,
	DEBUGINFO_NAME_UNION = 1u << 2,
	DEBUGINFO_NAME_ENUM = 1u << 3,
	DEBUGINFO_NAME_BASE = 1u << 4,
	DEBUGINFO_NAME_VARIABLE = 1u << 5,
};

/* Call @fn(name, kind, arg) for every indexed name that starts with @prefix
 * and is of one of the @kinds (a mask of DEBUGINFO_NAME_*), in name order
 * within each kind, until @fn returns false.  Struct/union/enum names are
 * bare tags.  Loads the name index if needed (its only failure). */
VMS_MUST_CHECK struct vms_error *debuginfo_names_with_prefix(struct vms_debuginfo *di, const char *prefix,
					      unsigned kinds,
					      bool (*fn)(const char *name, unsigned kind, void *arg),
					      void *arg);

/* ---- call frames and source lines (frames.c) ---- */

/* DWARF registers of x86-64 kept in a CFI row: 0-15 the general registers
 * (rax, rdx, rcx, rbx, rsi, rdi, rbp, rsp, r8-r15), 16 the return address. */
#define VMS_CFI_NREGS 17

enum vms_cfi_kind {
	VMS_CFI_UNDEFINED,   // the caller's value is lost
	VMS_CFI_SAME,        // unchanged by this frame
	VMS_CFI_AT_CFA,      // saved in memory at CFA + offset
	VMS_CFI_IS_CFA,      // its value is CFA + offset
	VMS_CFI_IN_REG,      // its value is in register reg
	VMS_CFI_UNSUPPORTED, // an expression vmsift does not evaluate
};

struct vms_cfi_rule {
	enum vms_cfi_kind kind;
	int64_t offset;
	int reg;
};

/* The unwind row of an address: CFA = register cfa_reg + cfa_offset; how
 * to recover each register of the caller; which column is the return
 * address. */
struct vms_cfi_row {
	int cfa_reg;
	int64_t cfa_offset;
	int ra_reg;
	struct vms_cfi_rule regs[VMS_CFI_NREGS];
};

/*
 * The call frame information of @pc (a link-time address of the image)
 * from its .debug_frame.  Errors: VMS_ERR_LOOKUP (no DWARF, no
 * .debug_frame, no entry for @pc), VMS_ERR_UNSUPPORTED (the CFA is an
 * expression).
 */
VMS_MUST_CHECK struct vms_error *debuginfo_cfi_row(struct vms_debuginfo *di, uint64_t pc, struct vms_cfi_row *ret);

/* One level of the source position of an address. */
struct vms_source_frame {
	const char *function;  // borrowed from the DWARF; NULL if unknown
	const char *file;      // borrowed; NULL if unknown
	int line;              // 0 if unknown
	bool inlined;          // an inlined instance inside the next entry
};

/*
 * The source position of @pc (a link-time address): the innermost inlined
 * function at its file:line, then each function it was inlined into at the
 * line of the call, ending with the real function.  At most @max entries
 * into @ret; *@nr_ret how many.  Errors: VMS_ERR_LOOKUP (no DWARF, no
 * compilation unit holds @pc).
 */
VMS_MUST_CHECK struct vms_error *debuginfo_source_at(struct vms_debuginfo *di, uint64_t pc, struct vms_source_frame *ret,
						     size_t max, size_t *nr_ret);

/* ---- a kernel module's debug info (modfile.c) ---- */

struct vms_moddebug;

/* Where the kernel loaded section @name of a module: true and *ret, or
 * false for a section that is not loaded. */
typedef bool vms_section_addr_fn(void *arg, const char *name, uint64_t *ret);

/*
 * Open the debug info of a module, the .ko at @path (named @name): libdwfl
 * relocates its DWARF (an ET_REL object) to a layout of its own, and @fn
 * (called during this call only) says where the kernel loaded each
 * section, so that loaded addresses can be translated.  Errors:
 * VMS_ERR_FORMAT (not an ELF object), VMS_ERR_LOOKUP (no DWARF),
 * VMS_ERR_MISMATCH (no section of the file was loaded).  Close with
 * debuginfo_module_close().
 */
VMS_MUST_CHECK struct vms_error *debuginfo_module_open(const char *path, const char *name, vms_section_addr_fn *fn, void *arg,
						       struct vms_moddebug **ret);
void debuginfo_module_close(struct vms_moddebug *m);
/* As debuginfo_source_at(), for a loaded address of the module. */
VMS_MUST_CHECK struct vms_error *debuginfo_module_source_at(struct vms_moddebug *m, uint64_t pc, struct vms_source_frame *ret,
							    size_t max, size_t *nr_ret);

#endif
