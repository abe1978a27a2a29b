// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/kfacts.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux/kernel.h"

struct kf_def {
	const char *id;
	enum kf_kind kind;
	int type;            // members: the type fact
	const char *names;   // alternatives, '|'-separated; constants: sources
	enum kf_need need;
	const char *note;
};

static const struct kf_def defs[KF_NR] = {
#define KF_TYPE(id, names, need, note) [KF_##id] = { #id, KF_KIND_TYPE, -1, names, need, note },
#define KF_MEMBER(id, type, names, need, note) [KF_##id] = { #id, KF_KIND_MEMBER, KF_##type, names, need, note },
#define KF_VAR(id, names, need, note) [KF_##id] = { #id, KF_KIND_VAR, -1, names, need, note },
#define KF_CONST(id, sources, need, note) [KF_##id] = { #id, KF_KIND_CONST, -1, sources, need, note },
#define KF_SYM(id, names, need, note) [KF_##id] = { #id, KF_KIND_SYM, -1, names, need, note },
#include "linux/kfacts.def"
};

/* What one fact resolved to, cached per program. */
struct kf_slot {
	bool done, found;
	int8_t alt;
	uint8_t source;       // enum kf_source
	int64_t value;        // offset, address or constant
	uint64_t size;        // bytes
	uint64_t bit_off, bit_size;
	struct vms_type *type;
};

struct kf_cache {
	struct kf_slot slot[KF_NR];
	bool probe_done[KF_PROBE_NR], probe[KF_PROBE_NR];
};

static struct kf_cache *cache_of(struct vms_program *prog)
{
	struct linux_kernel *k;
	struct vms_error *err = linux_kernel_get(prog, &k);
	if (err) {
		vms_error_destroy(err);
		return NULL;
	}
	if (!k->facts)
		k->facts = calloc(1, sizeof(struct kf_cache));
	return k->facts;
}

/* The @i-th '|'-separated alternative of @names into @buf; false past the
 * last one. */
static bool alternative(const char *names, int i, char *buf, size_t size)
{
	const char *p = names;
	for (; i > 0; i--) {
		p = strchr(p, '|');
		if (!p)
			return false;
		p++;
	}
	size_t n = strcspn(p, "|");
	if (n >= size)
		n = size - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return true;
}

static const struct kf_slot *resolve(struct vms_program *prog, enum kf_id id);

static void resolve_type(struct vms_program *prog, const struct kf_def *d, struct kf_slot *s)
{
	char name[128];
	for (int i = 0; alternative(d->names, i, name, sizeof(name)); i++) {
		struct vms_type *t;
		struct vms_error *err = program_find_type(prog, name, &t);
		if (err) {
			vms_error_destroy(err);
			continue;
		}
		if (!vms_type_is_complete(t))
			continue;
		s->found = true;
		s->alt = (int8_t)i;
		s->type = t;
		s->size = vms_type_size(t);
		s->value = (int64_t)s->size;
		s->source = KF_SRC_DEBUGINFO;
		return;
	}
}

static void resolve_member(struct vms_program *prog, const struct kf_def *d, struct kf_slot *s)
{
	const struct kf_slot *ts = resolve(prog, (enum kf_id)d->type);
	if (!ts || !ts->found)
		return;
	char path[128];
	for (int i = 0; alternative(d->names, i, path, sizeof(path)); i++) {
		struct vms_type *mt;
		uint64_t bit_off, bit_size;
		struct vms_error *err = vms_type_member_find(ts->type, path, &mt, &bit_off, &bit_size);
		if (err) {
			vms_error_destroy(err);
			continue;
		}
		s->found = true;
		s->alt = (int8_t)i;
		s->type = mt;
		s->value = (int64_t)(bit_off / 8);
		s->bit_off = bit_off;
		s->bit_size = bit_size;
		s->size = vms_type_size(mt);
		s->source = KF_SRC_DEBUGINFO;
		return;
	}
}

/* "name" or "name[ENUMERATOR]" */
static bool resolve_var_alt(struct vms_program *prog, const char *spec, struct kf_slot *s)
{
	char name[128], index[128] = "";
	const char *br = strchr(spec, '[');
	size_t n = br ? (size_t)(br - spec) : strlen(spec);
	if (n >= sizeof(name))
		return false;
	memcpy(name, spec, n);
	name[n] = '\0';
	if (br) {
		size_t m = strcspn(br + 1, "]");
		if (m >= sizeof(index))
			return false;
		memcpy(index, br + 1, m);
		index[m] = '\0';
	}
	struct vms_type *t;
	uint64_t addr;
	struct vms_error *err = program_variable(prog, name, &t, &addr);
	if (err) {
		vms_error_destroy(err);
		return false;
	}
	if (*index) {
		struct vms_type *arr = vms_type_strip(t);
		int64_t idx;
		if (vms_type_kind(arr) != VMS_TYPE_ARRAY)
			return false;
		err = program_enumerator(prog, index, &idx);
		if (err) {
			vms_error_destroy(err);
			return false;
		}
		t = vms_type_target(arr);
		if (idx < 0 || (vms_type_array_has_length(arr) && (uint64_t)idx >= vms_type_array_length(arr)))
			return false;
		addr += (uint64_t)idx * vms_type_size(t);
	}
	s->type = t;
	s->value = (int64_t)addr;
	s->size = vms_type_size(t);
	return true;
}

static void resolve_var(struct vms_program *prog, const struct kf_def *d, struct kf_slot *s)
{
	char spec[128];
	for (int i = 0; alternative(d->names, i, spec, sizeof(spec)); i++) {
		if (resolve_var_alt(prog, spec, s)) {
			s->found = true;
			s->alt = (int8_t)i;
			s->source = KF_SRC_DEBUGINFO;
			return;
		}
	}
}

static void resolve_sym(struct vms_program *prog, const struct kf_def *d, struct kf_slot *s)
{
	char name[128];
	for (int i = 0; alternative(d->names, i, name, sizeof(name)); i++) {
		struct program_symbol sym;
		struct vms_error *err = program_symbol(prog, name, &sym);
		if (err) {
			vms_error_destroy(err);
			continue;
		}
		s->found = true;
		s->alt = (int8_t)i;
		s->value = (int64_t)sym.address;
		s->size = sym.size;
		s->source = KF_SRC_DEBUGINFO;
		return;
	}
}

static bool parse_number(const char *v, int64_t *ret)
{
	if (!v || !*v)
		return false;
	char *end;
	// 64-bit addresses (0xffffffff80000000) do not fit strtoll()
	while (*v == ' ')
		v++;
	int64_t n = *v == '-' ? (int64_t)strtoll(v, &end, 0) : (int64_t)strtoull(v, &end, 0);
	if (end == v)
		return false;
	*ret = n;
	return true;
}

static int find_id(const char *name)
{
	for (int i = 0; i < KF_NR; i++)
		if (strcmp(defs[i].id, name) == 0)
			return i;
	return -1;
}

static void resolve_const(struct vms_program *prog, const struct kf_def *d, struct kf_slot *s)
{
	char src[160];
	for (int i = 0; alternative(d->names, i, src, sizeof(src)); i++) {
		char *arg = strchr(src, ':');
		if (arg)
			*arg++ = '\0';
		int64_t v;
		if (strcmp(src, "enum") == 0 && arg) {
			struct vms_error *err = program_enumerator(prog, arg, &v);
			if (err) {
				vms_error_destroy(err);
				continue;
			}
			s->source = KF_SRC_ENUM;
		} else if ((strcmp(src, "vmci") == 0 || strcmp(src, "vmci_inv") == 0) && arg) {
			if (!parse_number(program_vmcoreinfo(prog, arg), &v))
				continue;
			if (src[4] == '_')
				v = ~v;
			s->source = KF_SRC_VMCOREINFO;
		} else if (strcmp(src, "bits") == 0 && arg) {
			int m = find_id(arg);
			const struct kf_slot *ms = m >= 0 ? resolve(prog, (enum kf_id)m) : NULL;
			if (!ms || !ms->found || !ms->size)
				continue;
			v = (int64_t)ms->size * 8;
			s->source = KF_SRC_DERIVED;
		} else if (strcmp(src, "fallback") == 0 && arg) {
			if (!parse_number(arg, &v))
				continue;
			s->source = KF_SRC_FALLBACK;
		} else if (strcmp(src, "absent") == 0) {
			s->source = KF_SRC_ABSENT;
			s->alt = (int8_t)i;
			return;
		} else {
			continue;
		}
		s->found = true;
		s->alt = (int8_t)i;
		s->value = v;
		return;
	}
}

static const struct kf_slot *resolve(struct vms_program *prog, enum kf_id id)
{
	if ((unsigned)id >= KF_NR)
		return NULL;
	struct kf_cache *c = cache_of(prog);
	if (!c)
		return NULL;
	struct kf_slot *s = &c->slot[id];
	if (s->done)
		return s;
	s->done = true; // also guards against a cycle in the table
	s->alt = -1;
	const struct kf_def *d = &defs[id];
	switch (d->kind) {
	case KF_KIND_TYPE: resolve_type(prog, d, s); break;
	case KF_KIND_MEMBER: resolve_member(prog, d, s); break;
	case KF_KIND_VAR: resolve_var(prog, d, s); break;
	case KF_KIND_CONST: resolve_const(prog, d, s); break;
	case KF_KIND_SYM: resolve_sym(prog, d, s); break;
	}
	return s;
}

VMS_MUST_CHECK static struct vms_error *missing(struct vms_program *prog, enum kf_id id)
{
	const struct kf_def *d = &defs[id];
	char names[256];
	snprintf(names, sizeof(names), "%s", d->names);
	for (char *p = names; (p = strchr(p, '|'));)
		*p = '/';
	switch (d->kind) {
	case KF_KIND_MEMBER: {
		const struct kf_slot *ts = resolve(prog, (enum kf_id)d->type);
		if (!ts || !ts->found)
			return missing(prog, (enum kf_id)d->type);
		return vms_error_create(VMS_ERR_LOOKUP, "%s has no member %s (kernel fact %s)",
					kf_name(prog, (enum kf_id)d->type), names, d->id);
	}
	case KF_KIND_TYPE:
		return vms_error_create(VMS_ERR_LOOKUP, "no type %s in the debug info (kernel fact %s)",
					names, d->id);
	case KF_KIND_VAR:
		return vms_error_create(VMS_ERR_LOOKUP, "no variable %s in the debug info (kernel fact %s)",
					names, d->id);
	case KF_KIND_CONST:
		return vms_error_create(VMS_ERR_LOOKUP, "kernel constant %s not found (tried %s)", d->id,
					d->names);
	case KF_KIND_SYM:
		return vms_error_create(VMS_ERR_LOOKUP, "no symbol %s in the symbol table (kernel fact %s)",
					names, d->id);
	}
	return vms_error_create(VMS_ERR_LOOKUP, "kernel fact %s not found", d->id);
}

int64_t kf_off(struct vms_program *prog, enum kf_id id)
{
	const struct kf_slot *s = resolve(prog, id);
	return s && s->found ? s->value : -1;
}

bool kf_has(struct vms_program *prog, enum kf_id id)
{
	const struct kf_slot *s = resolve(prog, id);
	return s && s->found;
}

/* The slot of fact @id, or the error that says it is missing. */
VMS_MUST_CHECK static struct vms_error *need(struct vms_program *prog, enum kf_id id, const struct kf_slot **ret)
{
	const struct kf_slot *s = resolve(prog, id);
	if (!s)
		return &vms_enomem;
	if (!s->found)
		return missing(prog, id);
	*ret = s;
	return NULL;
}

struct vms_error *kf_need_off(struct vms_program *prog, enum kf_id id, uint64_t *ret)
{
	const struct kf_slot *s = NULL;
	struct vms_error *err = need(prog, id, &s);
	if (!err)
		*ret = (uint64_t)s->value;
	return err;
}

uint64_t kf_size(struct vms_program *prog, enum kf_id id)
{
	const struct kf_slot *s = resolve(prog, id);
	return s && s->found ? s->size : 0;
}

struct vms_error *kf_need_size(struct vms_program *prog, enum kf_id id, uint64_t *ret)
{
	const struct kf_slot *s = NULL;
	struct vms_error *err = need(prog, id, &s);
	if (!err)
		*ret = s->size;
	return err;
}

struct vms_type *kf_type(struct vms_program *prog, enum kf_id id)
{
	const struct kf_slot *s = resolve(prog, id);
	return s && s->found ? s->type : NULL;
}

/* Which of the alternative names resolved (0 = the first), -1 if none. */
static int kf_alt(struct vms_program *prog, enum kf_id id)
{
	const struct kf_slot *s = resolve(prog, id);
	return s && s->found ? s->alt : -1;
}

const char *kf_name(struct vms_program *prog, enum kf_id id)
{
	const struct kf_slot *s = resolve(prog, id);
	if (!s || !s->found || defs[id].kind == KF_KIND_CONST)
		return defs[id].names;
	// the alternative, interned so that it outlives this call
	char buf[128];
	if (!alternative(defs[id].names, s->alt, buf, sizeof(buf)))
		return defs[id].names;
	struct linux_kernel *k;
	struct vms_error *err = linux_kernel_get(prog, &k);
	if (err) {
		vms_error_destroy(err);
		return defs[id].names;
	}
	return linux_kernel_intern(k, buf);
}

uint64_t kf_bit_size(struct vms_program *prog, enum kf_id id)
{
	const struct kf_slot *s = resolve(prog, id);
	return s && s->found ? s->bit_size : 0;
}

uint64_t kf_bit_off(struct vms_program *prog, enum kf_id id)
{
	const struct kf_slot *s = resolve(prog, id);
	return s && s->found ? s->bit_off : 0;
}

struct vms_error *kf_var(struct vms_program *prog, enum kf_id id, uint64_t *addr_ret,
			 struct vms_type **type_ret)
{
	const struct kf_slot *s = NULL;
	struct vms_error *err = need(prog, id, &s);
	if (err)
		return err;
	*addr_ret = (uint64_t)s->value;
	if (type_ret)
		*type_ret = s->type;
	return NULL;
}

struct vms_error *kf_var_read_uint(struct vms_program *prog, enum kf_id id, const char *path,
				   uint64_t *ret)
{
	uint64_t addr = 0;
	struct vms_type *t;
	struct vms_error *err = kf_var(prog, id, &addr, &t);
	if (err)
		return err;
	if (path && *path) {
		uint64_t bit_off;
		err = vms_type_member_find(t, path, &t, &bit_off, NULL);
		if (err)
			return vms_error_wrap(err, "%s", kf_name(prog, id));
		addr += bit_off / 8;
	}
	uint64_t size = vms_type_size(t), v = 0;
	if (size == 0 || size > 8)
		return vms_error_create(VMS_ERR_INVALID, "%s%s%s is not an integer", kf_name(prog, id),
					path && *path ? "." : "", path ? path : "");
	err = program_read(prog, addr, &v, size);
	if (err)
		return err;
	*ret = v;
	return NULL;
}

struct vms_error *kf_const(struct vms_program *prog, enum kf_id id, int64_t *ret)
{
	const struct kf_slot *s = resolve(prog, id);
	if (!s)
		return &vms_enomem;
	if (!s->found) {
		if (s->source == KF_SRC_ABSENT)
			return vms_error_create(VMS_ERR_LOOKUP, "kernel constant %s: not in this kernel",
						defs[id].id);
		return missing(prog, id);
	}
	*ret = s->value;
	return NULL;
}

int64_t kf_const_or(struct vms_program *prog, enum kf_id id, int64_t dflt)
{
	const struct kf_slot *s = resolve(prog, id);
	return s && s->found ? s->value : dflt;
}

/* ---- probes ---- */

static bool mentions(struct vms_program *prog, const char *fn, const char *what, bool *known)
{
	bool r = false;
	struct vms_error *err = program_function_mentions(prog, fn, what, &r);
	*known = err == NULL;
	vms_error_destroy(err);
	return r;
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static bool run_probe(struct vms_program *prog, enum kf_probe p)
{
	bool known;
	switch (p) {
	case KF_PAGE_TYPE_TOP_BYTE: {
		int64_t v;
		struct vms_error *err = program_enumerator(prog, "PGTY_buddy", &v);
		vms_error_destroy(err);
		return err == NULL;
	}
	case KF_MEMCG_DATA_KMEM: {
		int64_t v;
		struct vms_error *err = program_enumerator(prog, "MEMCG_DATA_KMEM", &v);
		vms_error_destroy(err);
		return err == NULL;
	}
	case KF_COMPOUND_INFO_MASK:
		return kf_alt(prog, KF_PAGE_COMPOUND_HEAD) == 0 && kf_has(prog, KF_HVO_ENABLED) &&
		       is_pow2(kf_size(prog, KF_PAGE));
	case KF_KPF_FROM_FOLIO: {
		if (kf_has(prog, KF_PAGE_SNAPSHOT))
			return true;
		bool r = mentions(prog, "stable_page_flags", "folio", &known);
		if (known)
			return r;
		// Without function bodies (BTF): PG_large_rmappable came in
		// 6.6, the rewrite in 6.10; 6.6-6.9 would be misread.
		int64_t v;
		struct vms_error *err = program_enumerator(prog, "PG_large_rmappable", &v);
		vms_error_destroy(err);
		return err == NULL;
	}
	case KF_MAPCOUNT_PRECISE:
		// 6.11 (commit 05c5323b2a34) made folio_mapped() the large map
		// count and kpagecount folio_precise_page_mapcount(); kernels
		// with CONFIG_NO_PAGE_MAPCOUNT (7.x option) report the average
		// instead, which get_kpage_count() then inlines.
		if (!kf_has(prog, KF_FOLIO_LARGE_MAPCOUNT))
			return false;
		if (mentions(prog, "get_kpage_count", "folio_average_page_mapcount", &known) && known)
			return false;
		return true;
	case KF_IDLE_FROM_FOLIO:
		// page_is_idle() became folio_test_idle() of the page's folio
		// with the folio conversion of page_idle (5.16-5.19): struct
		// folio is the probe, fs/proc/page.c of 6.10+ reads the folio
		// anyway.
		return kf_has(prog, KF_FOLIO);
	case KF_MOVABLE_IS_FLAG: {
		int64_t v;
		struct vms_error *err = program_enumerator(prog, "PG_movable_ops", &v);
		vms_error_destroy(err);
		return err == NULL;
	}
	case KF_ORC_TYPES_V2:
		return kf_has(prog, KF_ORC_ENTRY) && !kf_has(prog, KF_ORC_END);
	case KF_ORC_SP_INDIRECT_V1:
		return kf_has(prog, KF_ASM_CALL_ON_STACK);
	case KF_ORC_REGS_V2: {
		uint64_t addr, v = 0, bit = kf_bit_off(prog, KF_ORC_BP_REG), nbits = kf_bit_size(prog, KF_ORC_BP_REG);
		struct vms_error *err = kf_var(prog, KF_ORC_FP_ENTRY, &addr, NULL);
		if (!err && nbits && nbits < 8 && bit % 8 + nbits <= 8)
			err = program_read(prog, addr + bit / 8, &v, 1);
		bool r = !err && nbits && ((v >> (bit % 8)) & ((UINT64_C(1) << nbits) - 1)) ==
						  (uint64_t)kf_const_or(prog, KF_ORC_REG_PREV_SP_V2, -1);
		vms_error_destroy(err);
		return r;
	}
	case KF_KPF_KSM_EXACT:
		// stable_page_flags() set KPF_KSM on every anonymous folio from
		// the 6.10 rewrite to 6.18 ("mapping & PAGE_MAPPING_KSM", KSM
		// being both mapping bits); 7.1, 7.2 and 7.3 compare both bits
		// (checked in their sources; 6.19 and 7.0 are gone from the
		// archive).  Before 6.10 PageKsm() was exact too.  No type
		// changed with the fix: the probe is compound_info, which 7.1
		// has and 6.18 lacks, documented as such (tests/realdump
		// compares the KPF word with each line's /proc/kpageflags).
		if (!kf_probe(prog, KF_KPF_FROM_FOLIO))
			return true;
		return kf_alt(prog, KF_PAGE_COMPOUND_HEAD) == 0;
	case KF_PROBE_NR:
		break;
	}
	return false;
}

bool kf_probe(struct vms_program *prog, enum kf_probe p)
{
	struct kf_cache *c = cache_of(prog);
	if (!c || (unsigned)p >= KF_PROBE_NR)
		return false;
	if (!c->probe_done[p]) {
		c->probe_done[p] = true;
		c->probe[p] = run_probe(prog, p);
	}
	return c->probe[p];
}

static const struct {
	const char *name, *note;
} probe_desc[KF_PROBE_NR] = {
	[KF_PAGE_TYPE_TOP_BYTE] = { "page_type_top_byte",
				    "one page type in the top byte of page_type (enumerator PGTY_buddy; 6.11+)" },
	[KF_MEMCG_DATA_KMEM] = { "memcg_data_kmem",
				 "kmemcg is a memcg_data flag, not a page type (enumerator MEMCG_DATA_KMEM; 5.11+)" },
	[KF_COMPOUND_INFO_MASK] = { "compound_info_mask",
				    "tail pages hold a mask to their head (compound_info, HVO built in, power-of-two struct page; 7.x)" },
	[KF_KPF_FROM_FOLIO] = { "kpageflags_from_folio",
				"/proc/kpageflags reads the folio (stable_page_flags() has a local folio; 6.10+)" },
	[KF_MAPCOUNT_PRECISE] = { "kpagecount_precise",
				  "/proc/kpagecount is folio_precise_page_mapcount() (_large_mapcount; 6.11+, CONFIG_PAGE_MAPCOUNT)" },
	[KF_IDLE_FROM_FOLIO] = { "idle_from_folio", "page_is_idle() tests the folio (struct folio exists)" },
	[KF_MOVABLE_IS_FLAG] = { "movable_is_flag",
				 "non-LRU movable pages carry PG_movable_ops, not mapping bit 1 (6.17+)" },
	[KF_ORC_TYPES_V2] = { "orc_types_v2",
			       "ORC types UNDEFINED/END_OF_STACK/CALL/REGS/REGS_PARTIAL, no end bit (struct orc_entry has no end; 6.4+)" },
	[KF_ORC_SP_INDIRECT_V1] = { "orc_sp_indirect_v1",
				    "ORC_REG_SP_INDIRECT is *(SP + offset) (asm_call_on_stack(), 5.8-5.11); else *SP + offset" },
	[KF_ORC_REGS_V2] = { "orc_regs_v2",
			      "ORC registers renumbered with AX (orc_fp_entry.bp_reg, from memory, is PREV_SP = 8; 7.2+)" },
	[KF_KPF_KSM_EXACT] = { "kpageflags_ksm_exact",
			       "KPF_KSM only on KSM folios (7.1+ and before 6.10; 6.10-6.18 set it on every anon folio)" },
};

const char *kf_probe_name(enum kf_probe p)
{
	return (unsigned)p < KF_PROBE_NR ? probe_desc[p].name : "?";
}

const char *kf_probe_note(enum kf_probe p)
{
	return (unsigned)p < KF_PROBE_NR ? probe_desc[p].note : "";
}

/* ---- description ---- */

const char *kf_source_name(enum kf_source s)
{
	static const char *const names[] = {
		[KF_SRC_NONE] = "unresolved", [KF_SRC_DEBUGINFO] = "debuginfo",
		[KF_SRC_ENUM] = "enumerator", [KF_SRC_VMCOREINFO] = "vmcoreinfo",
		[KF_SRC_DERIVED] = "derived", [KF_SRC_FALLBACK] = "fallback",
		[KF_SRC_ABSENT] = "absent",
	};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

void kf_describe(struct vms_program *prog, enum kf_id id, struct kf_info *ret)
{
	memset(ret, 0, sizeof(*ret));
	if ((unsigned)id >= KF_NR)
		return;
	const struct kf_def *d = &defs[id];
	const struct kf_slot *s = resolve(prog, id);
	ret->id = d->id;
	ret->kind = d->kind;
	ret->need = d->need;
	ret->names = d->names;
	ret->type = d->kind == KF_KIND_MEMBER ? defs[d->type].names : NULL;
	ret->note = d->note;
	if (!s)
		return;
	ret->resolved = s->found;
	ret->source = (enum kf_source)s->source;
	ret->value = s->value;
	ret->size = s->size;
	ret->resolved_name = s->found ? kf_name(prog, id) : NULL;
}
