// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Private declarations shared by the files of src/debuginfo/.  Nothing
 * outside this directory includes this header.
 */
#ifndef VMS_DEBUGINFO_INTERNAL_H
#define VMS_DEBUGINFO_INTERNAL_H

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/hashmap.h"
#include "base/vector.h"
#include "debuginfo/debuginfo.h"

/* Kinds of names in the DWARF index; each has its own sorted table. */
enum di_index_kind {
	DI_IDX_TYPEDEF,
	DI_IDX_STRUCT,
	DI_IDX_UNION,
	DI_IDX_ENUM,
	DI_IDX_BASE,
	DI_IDX_VARIABLE,
	DI_IDX_ENUMERATOR,
	DI_IDX_NR_KINDS,
};

/* Index entry flags; a higher value of (flags & DI_PRIO_MASK) wins. */
#define DI_FLAG_COMPLETE 1u // type: a definition, not a declaration
#define DI_FLAG_EXTERNAL 1u // variable: DW_AT_external
#define DI_FLAG_LOCATION 2u // variable: has DW_AT_location
#define DI_PRIO_MASK 3u

struct di_index_entry {
	uint32_t name_off; // into the string table
	uint32_t flags;
	uint64_t die_off; // enumerators: offset of the enumeration_type DIE
};

/* A loaded index: one buffer in the on-disk format (see dwarf_index.c). */
struct di_index {
	void *buf;
	size_t size;
	const char *strtab;
	size_t strtab_size;
	const struct di_index_entry *tables[DI_IDX_NR_KINDS];
	size_t counts[DI_IDX_NR_KINDS];
	bool from_cache; // loaded from the cache file rather than scanned: buf is mapped
	// BTF: names looked up in these maps (values by di_index_value()); the
	// sorted tables above are made from them only for prefix listings
	struct vms_strmap *maps;
	struct di_index_entry found[DI_IDX_NR_KINDS]; // di_index_find()'s answer
};

struct di_section {
	uint64_t addr, size, offset;
	bool nobits;
};

struct di_block {
	struct di_block *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

/* One remembered lookup of the memo (memo.c). */
struct di_memo_lookup {
	const char *key;    // "T:struct page"; owned if @owned
	bool owned;
	int code;           // 0, or the VMS_ERR_LOOKUP of a failed lookup
	const char *message; // of the error; owned if @owned
	struct vms_type *type;
	uint64_t value;     // variable address, enumerator value, symbol address
	uint64_t size;      // S: the symbol's size
	char kind;          // S: its nm-style kind
};
VMS_DEFINE_VECTOR(di_memo_lookup_vector, struct di_memo_lookup);

struct vms_debuginfo {
	char *path; // the ELF file, or where the BTF came from
	// BTF mode (btf.c): types from this BTF, no DWARF; symbols installed by
	// debuginfo_set_symbols() (kallsyms, System.map), not read from ELF
	struct btf *btf;
	char *sym_names; // the names of installed symbols
	void *image_buf; // a decompressed image that elf reads (image.c)
	int fd;
	Elf *elf;
	Dwarf *dwarf;
	uint64_t file_size;
	int64_t mtime_sec, mtime_nsec;
	bool big_endian;
	uint8_t addr_size;
	uint8_t build_id[64];
	size_t build_id_len;
	const unsigned char *raw; // elf_rawfile()
	size_t raw_size;
	struct di_section *sections; // allocated, sorted by address
	size_t nsections;

	// symbols, loaded on first use
	bool syms_loaded;
	struct vms_error *syms_err;
	struct vms_symbol *syms; // sorted by name
	uint32_t *syms_by_addr;  // indexes into syms, sorted by address
	size_t nsyms;
	// installed symbols (debuginfo_set_symbols): syms in address order,
	// names through an open-addressed table of index + 1 (sym_slots), name
	// order made on demand
	uint32_t *sym_slots;
	size_t sym_mask;
	uint32_t *syms_by_name;

	// DWARF name index, loaded on first use
	bool index_loaded;
	struct di_index index;

	// types
	struct vms_u64map types;    // DIE offset -> struct vms_type *
	struct vms_u64map pointers; // target pointer -> pointer type
	struct vms_type *void_type;
	struct di_block *blocks; // arena for types and their arrays

	// persistent memo of lookups and the types they reached (memo.c)
	bool memo_loaded;
	bool memo_dirty;          // something to add to the memo file
	void *memo_buf;           // the loaded file, mapped; names in types point into it
	size_t memo_size;
	struct vms_strmap memo;   // "T:name" / "V:name" / "E:name" -> lookup + 1
	struct di_memo_lookup_vector memo_lookups;
	struct di_memo_stamp *memo_stamp; // the index file the memo was checked against
};

struct vms_type {
	enum vms_type_kind kind;
	bool is_signed;
	bool complete;
	bool has_length;
	bool variadic;
	bool prototyped;
	bool members_loaded;
	bool in_pointers; // the pointer type of di->pointers for its target
	const char *tag;
	uint64_t size;
	uint64_t length;
	struct vms_type *target;
	struct vms_debuginfo *di;
	uint64_t die_off; // struct/union: DIE (BTF: type id) to read members from
	struct vms_error *members_err;
	struct vms_type_member *members;
	size_t nmembers;
	struct vms_type_enumerator *enumerators;
	size_t nenumerators;
	struct vms_type **params;
	size_t nparams;
};

/* Zeroed memory from @di's arena, freed by debuginfo_destroy(); NULL if out
 * of memory. */
void *di_alloc(struct vms_debuginfo *di, size_t size);

/* A name map value: DIE offset (or BTF type id) in the low 56 bits, index
 * entry flags + 1 above. */
static inline uint64_t di_index_value(uint64_t off, uint32_t flags)
{
	return off | ((uint64_t)(flags + 1) << 56);
}
/* Whether name map value @nv should replace @old (0 = none): the higher
 * priority flags, then the lower offset. */
bool di_index_value_better(uint64_t nv, uint64_t old);

/* Load the DWARF name index (from the cache, else by scanning) if not loaded
 * yet; for BTF, build it from the BTF types (never cached). */
VMS_MUST_CHECK struct vms_error *di_index_ensure(struct vms_debuginfo *di);
/* The best entry named @name of @kind, or NULL (valid until the next call).
 * The index must be loaded. */
const struct di_index_entry *di_index_find(struct di_index *index,
					   enum di_index_kind kind, const char *name);
/* Free the index's memory. */
void di_index_deinit(struct di_index *index);

/* Path of @di's cache file with extension @ext ("idx", "memo") as a malloc'd
 * string, or NULL. */
char *di_cache_file(struct vms_debuginfo *di, const char *ext);
/* Write @size bytes of @buf to the cache file @path through a temporary file
 * renamed into place.  Best effort: a failure leaves no file and is not
 * reported. */
void di_cache_store(const char *path, const void *buf, size_t size);
/* Map the cache file @path read-only if its size is in [@min, @max]; NULL if
 * it cannot be.  A cache file is only ever replaced whole (di_cache_store()
 * renames a new one into place), so the mapping stays as it was read.
 * Unmap with di_cache_unmap(@buf, *@size_ret). */
void *di_cache_map(const char *path, size_t min, size_t max, size_t *size_ret);
void di_cache_unmap(void *buf, size_t size);
/* The checksum the cache files carry. */
uint64_t di_checksum(const void *p, size_t n);

/*
 * For the fuzz harness (tests/fuzz/fz_debuginfo.c): give the cache image
 * @buf of @size bytes (the name index, or the memo) the identity stamps
 * (build-id, size and mtime of @di's file, for the memo those of the index
 * file now in the cache), total size and checksum that this process will
 * accept, so that arbitrary contents reach the checks of the contents.
 * Images shorter than their header are left alone.
 */
void di_index_seal(struct vms_debuginfo *di, void *buf, size_t size);
void di_memo_seal(struct vms_debuginfo *di, void *buf, size_t size);

/* ---- the lookup memo (memo.c) ---- */

/* M: whether a function's body mentions a name (debuginfo_function_mentions(),
 * keyed "FUNCTION NAME", the answer in value).  S: a symbol of the ELF
 * symbol table by name (debuginfo_symbol()), so that a process that needs a
 * few symbols by name does not load the whole table. */
enum di_memo_kind {
	DI_MEMO_TYPE = 'T',
	DI_MEMO_VARIABLE = 'V',
	DI_MEMO_ENUMERATOR = 'E',
	DI_MEMO_MENTIONS = 'M',
	DI_MEMO_SYMBOL = 'S',
};

/* The memoized answer to lookup @kind of @name, or NULL (loads the memo file
 * on first use). */
const struct di_memo_lookup *di_memo_find(struct vms_debuginfo *di, enum di_memo_kind kind,
					  const char *name);
/* Remember the answer to a lookup: @err (only VMS_ERR_LOOKUP errors are
 * kept) or @type and @value.  Best effort. */
void di_memo_record(struct vms_debuginfo *di, enum di_memo_kind kind, const char *name,
		    const struct vms_error *err, struct vms_type *type, uint64_t value);
/* di_memo_record() of a symbol: its address in @value, @size and @sym_kind. */
void di_memo_record_sym(struct vms_debuginfo *di, enum di_memo_kind kind, const char *name,
			const struct vms_error *err, struct vms_type *type, uint64_t value,
			uint64_t size, char sym_kind);
/* Write the memo file if anything was added; free the memo.  Called by
 * debuginfo_destroy() before the types go away. */
void di_memo_deinit(struct vms_debuginfo *di);

/* Create an error from the current libdw error, prefixed by @what. */
VMS_MUST_CHECK struct vms_error *di_dwarf_error(const char *what);

/* Free what types hold outside the arena (lazily recorded errors). */
void di_types_deinit(struct vms_debuginfo *di);

/* ---- BTF (btf.c) ---- */

/* Build the name maps of @di's BTF into @index->maps. */
VMS_MUST_CHECK struct vms_error *di_btf_index_build(struct vms_debuginfo *di, struct di_index *index);
/* The type of BTF type id @id. */
VMS_MUST_CHECK struct vms_error *di_btf_type(struct vms_debuginfo *di, uint64_t id, struct vms_type **ret);
/* Load the members of BTF struct/union @t. */
VMS_MUST_CHECK struct vms_error *di_btf_members(struct vms_type *t);
/* A BTF variable (per-CPU variables only, in kernel BTF): its type, and its
 * address from the installed symbols. */
VMS_MUST_CHECK struct vms_error *di_btf_variable(struct vms_debuginfo *di, uint64_t id, const char *name,
						 struct vms_type **type_ret, uint64_t *addr_ret);
/* Free the BTF of @di. */
void di_btf_deinit(struct vms_debuginfo *di);

/* Free the symbol table of @di. */
void symbols_deinit(struct vms_debuginfo *di);

/* Record the allocated sections of di->elf (di->raw must be set). */
VMS_MUST_CHECK struct vms_error *di_load_sections(struct vms_debuginfo *di);

/* Read build-id of an open Elf; returns the length (0 if none). */
size_t di_elf_build_id(Elf *elf, uint8_t *buf, size_t bufsize);

/* The source position of @pc in the compilation unit @cu (frames.c):
 * debuginfo_source_at() for an already found unit, also for modules. */
VMS_MUST_CHECK struct vms_error *debuginfo_source_in_cu(Dwarf_Die *cu, uint64_t pc, struct vms_source_frame *ret, size_t max,
							size_t *nr_ret);

#endif
