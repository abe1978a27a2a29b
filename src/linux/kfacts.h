// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The kernel-facts layer: the one place where src/linux/ learns how the
 * dump's kernel lays out its data.  Every type, member, global variable and
 * constant vmsift reads is named in kfacts.def with all the names it has had;
 * every behaviour that changed between versions is a probe here (kf_probe())
 * that says what it tests and which kernel change it follows.  Nothing in
 * src/linux/ compares version numbers or spells a kernel constant outside
 * this layer (tests/kfacts-literals.sh keeps it so).
 *
 * Facts are resolved on first use and cached per program (struct
 * linux_kernel).  A fact that does not resolve is not an error by itself:
 * KF_OPT facts are probes, and a KF_REQ fact that is missing makes the
 * answers that need it fail with VMS_ERR_LOOKUP naming the fact ("kernel fact
 * struct page.compound_info|compound_head: ..."), so a kernel newer than any
 * vmsift knows still gets every answer that does not depend on it.
 *
 * Threads: resolve the facts a walk needs before starting its threads; the
 * lookups fill caches of the shared debug info.
 */
#ifndef VMS_LINUX_KFACTS_H
#define VMS_LINUX_KFACTS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "program/program.h"

enum kf_id {
#define KF_TYPE(id, names, need, note) KF_##id,
#define KF_MEMBER(id, type, names, need, note) KF_##id,
#define KF_VAR(id, names, need, note) KF_##id,
#define KF_CONST(id, sources, need, note) KF_##id,
#define KF_SYM(id, names, need, note) KF_##id,
#include "linux/kfacts.def"
	KF_NR
};

enum kf_kind { KF_KIND_TYPE, KF_KIND_MEMBER, KF_KIND_VAR, KF_KIND_CONST, KF_KIND_SYM };
enum kf_need { KF_REQ, KF_OPT };

/* Where a constant came from. */
enum kf_source {
	KF_SRC_NONE,       // unresolved
	KF_SRC_DEBUGINFO,  // a type, member or variable found in the debug info
	KF_SRC_ENUM,       // an enumerator
	KF_SRC_VMCOREINFO, // a VMCOREINFO value
	KF_SRC_DERIVED,    // computed from other facts (bits:)
	KF_SRC_FALLBACK,   // the table's documented fallback
	KF_SRC_ABSENT,     // not in this kernel, which is a valid answer
};

/* ---- types, members, variables ---- */

/* Offset in bytes of member fact @id, or -1 when this kernel has none. */
int64_t kf_off(struct vms_program *prog, enum kf_id id);
/* Does this kernel have fact @id (any kind)? */
bool kf_has(struct vms_program *prog, enum kf_id id);
/* Offset of a member fact the caller cannot do without: fails with
 * VMS_ERR_LOOKUP naming the fact and every name tried. */
VMS_MUST_CHECK struct vms_error *kf_need_off(struct vms_program *prog, enum kf_id id, uint64_t *ret);
/* Size in bytes of a type fact, or of a member fact's type (0 if unknown). */
uint64_t kf_size(struct vms_program *prog, enum kf_id id);
VMS_MUST_CHECK struct vms_error *kf_need_size(struct vms_program *prog, enum kf_id id, uint64_t *ret);
/* The type of a type, member or variable fact, or NULL. */
struct vms_type *kf_type(struct vms_program *prog, enum kf_id id);
/* The name that resolved, or the whole "a|b" spelling if none did. */
const char *kf_name(struct vms_program *prog, enum kf_id id);
/* Bit size and bit offset of a bitfield member fact (0 when not a bitfield). */
uint64_t kf_bit_size(struct vms_program *prog, enum kf_id id);
uint64_t kf_bit_off(struct vms_program *prog, enum kf_id id);

/* Address (relocated) and type of a variable fact; VMS_ERR_LOOKUP naming
 * the fact when the kernel has none.  @type_ret may be NULL. */
VMS_MUST_CHECK struct vms_error *kf_var(struct vms_program *prog, enum kf_id id, uint64_t *addr_ret,
			 struct vms_type **type_ret);
/* Read an unsigned integer of at most 8 bytes at member @path (NULL or ""
 * for the variable itself) of variable fact @id. */
VMS_MUST_CHECK struct vms_error *kf_var_read_uint(struct vms_program *prog, enum kf_id id, const char *path,
				   uint64_t *ret);

/* ---- constants ---- */

/* The value of constant fact @id from its first source that has it.
 * Fails with VMS_ERR_LOOKUP when none does, or when the constant resolved
 * to "absent" (use kf_const_or() for those). */
VMS_MUST_CHECK struct vms_error *kf_const(struct vms_program *prog, enum kf_id id, int64_t *ret);
/* The value of @id, or @dflt when it is absent or unresolved. */
int64_t kf_const_or(struct vms_program *prog, enum kf_id id, int64_t dflt);

/* ---- behaviour probes ---- */

enum kf_probe {
	/* page_type keeps one type in its top byte, values of enum pagetype
	 * (6.11, commit 4ffca5a96678 "mm: support only one page_type per
	 * page"); else one cleared bit per type under PAGE_TYPE_BASE. */
	KF_PAGE_TYPE_TOP_BYTE,
	/* Kmemcg is a memcg_data flag, not a page type (commit 18b2db3b0385
	 * "mm: Convert page kmemcg type to a page memcg flag", 5.11): the
	 * enumerator MEMCG_DATA_KMEM that commit added exists. */
	KF_MEMCG_DATA_KMEM,
	/* compound_info of a tail page holds a mask to apply to its own
	 * address instead of the head pointer: compound_info_has_mask()
	 * (include/linux/page-flags.h, 7.x) is true with
	 * CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP and a power-of-two
	 * sizeof(struct page). */
	KF_COMPOUND_INFO_MASK,
	/* /proc/kpageflags reads the folio (commit dee3d0bef2b0 "proc:
	 * rewrite stable_page_flags()", 6.10): stable_page_flags() has a
	 * local `folio`; or it reads a snapshot (KF_PAGE_SNAPSHOT type). */
	KF_KPF_FROM_FOLIO,
	/* /proc/kpagecount is folio_precise_page_mapcount() (6.11, with the
	 * large mapcount), and so is folio_mapped(). */
	KF_MAPCOUNT_PRECISE,
	/* page_is_idle()/kpageflags idle reads the folio (5.19+ folio_test_idle). */
	KF_IDLE_FROM_FOLIO,
	/* "movable" is the page flag PG_movable_ops, not mapping bit 1 (6.17,
	 * "mm: convert "movable" flag in page->mapping to a page flag"). */
	KF_MOVABLE_IS_FLAG,
	/* The KSM test of /proc/kpageflags is folio_test_ksm() (both mapping
	 * bits); 6.10-6.16 tested "mapping & PAGE_MAPPING_KSM", true for every
	 * anonymous folio. */
	KF_KPF_KSM_EXACT,
	/* ORC types numbered UNDEFINED 0, END_OF_STACK 1, CALL 2, REGS 3,
	 * REGS_PARTIAL 4, with no `end` bit (6.4, commit fb799447ae29
	 * "x86,objtool: Split UNWIND_HINT_EMPTY in two"): struct orc_entry has
	 * no member `end`.  Before, CALL 0, REGS 1, REGS_PARTIAL 2 and the end
	 * bit. */
	KF_ORC_TYPES_V2,
	/* ORC_REG_SP_INDIRECT means *(SP + sp_offset), not *SP + sp_offset:
	 * kernels whose IRQ stack switch is asm_call_on_stack() (5.8 to
	 * 5.11); the series that replaced it with the call_on_stack() macros
	 * (5.12) changed the meaning ("x86/unwind/orc: Change
	 * REG_SP_INDIRECT"). */
	KF_ORC_SP_INDIRECT_V1,
	/* The ORC registers numbered UNDEFINED 0, AX 1, DX 2, SP 3, BP 4, DI 5,
	 * R10 6, R13 7, PREV_SP 8, SP_INDIRECT 9, BP_INDIRECT 10 (the 7.2 and
	 * 7.3 sources; 6.12 still has PREV_SP 1 ... SP 5): the kernel's own
	 * orc_fp_entry, read from memory, has bp_reg ORC_REG_PREV_SP = 8. */
	KF_ORC_REGS_V2,
	KF_PROBE_NR,
};

/* The answer of probe @p for this kernel (cached). */
bool kf_probe(struct vms_program *prog, enum kf_probe p);

/* ---- describing the facts (the `facts` command, the facts tests) ---- */

struct kf_info {
	const char *id;       // "PAGE_COMPOUND_HEAD"
	enum kf_kind kind;
	enum kf_need need;
	const char *names;    // "compound_info|compound_head" (members: of type ->type)
	const char *type;     // members: the type fact's spelling
	const char *note;
	bool resolved;        // found (types, members, variables), or a value (constants)
	const char *resolved_name;
	int64_t value;        // offset, size (types), address (variables), or the constant
	uint64_t size;
	enum kf_source source;
};

/* Resolve fact @id and describe it. */
void kf_describe(struct vms_program *prog, enum kf_id id, struct kf_info *ret);
const char *kf_source_name(enum kf_source s);
const char *kf_probe_name(enum kf_probe p);
const char *kf_probe_note(enum kf_probe p);

#endif
