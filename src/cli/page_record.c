// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/page_record.h"

#include "base/cleanup.h"
#include "linux/kpf.h"

static const struct rec_field page_fields[PF_NR] = {
	[PF_PFN] = REC_FIELD("pfn", REC_HEX),
	[PF_PAGE] = REC_FIELD("page", REC_HEX),
	[PF_FLAGS] = REC_FIELD("flags", REC_HEX),
	[PF_FLAG_NAMES] = REC_FIELD("flag_names", REC_STRS),
	[PF_KPF] = REC_FIELD("kpf", REC_HEX),
	[PF_KPF_NAMES] = REC_FIELD("kpf_names", REC_STRS),
	[PF_ZONE] = REC_NAME_FIELD("zone"),  // the zone's name, or its number
	[PF_NODE] = REC_FIELD("node", REC_UINT),
	[PF_USE] = REC_NAME_FIELD("use"),
	[PF_PAGE_TYPE] = REC_NAME_FIELD("page_type"),
	[PF_ORDER] = REC_FIELD("order", REC_UINT),
	[PF_HEAD] = REC_FIELD("head", REC_BOOL),
	[PF_TAIL] = REC_FIELD("tail", REC_BOOL),
	[PF_HEAD_PFN] = REC_FIELD("head_pfn", REC_HEX),
	[PF_HEAD_PAGE] = REC_FIELD("head_page", REC_HEX),
	[PF_THP] = REC_FIELD("thp", REC_BOOL),
	[PF_HUGETLB] = REC_FIELD("hugetlb", REC_BOOL),
	[PF_FREE] = REC_FIELD("free", REC_BOOL),
	[PF_REFCOUNT] = REC_FIELD("refcount", REC_INT),
	[PF_PAGE_COUNT] = REC_FIELD("page_count", REC_INT),
	[PF_MAPCOUNT] = REC_FIELD("mapcount", REC_INT),
	[PF_MAPCOUNT_RAW] = REC_FIELD("mapcount_raw", REC_INT),
	[PF_ENTIRE_MAPCOUNT] = REC_FIELD("entire_mapcount", REC_INT),
	[PF_LARGE_MAPCOUNT] = REC_FIELD("large_mapcount", REC_INT),
	[PF_DOUBLE_MAP] = REC_FIELD("double_map", REC_BOOL),
	[PF_MAPPED] = REC_FIELD("mapped", REC_BOOL),
	[PF_MAPPING] = REC_FIELD("mapping", REC_HEX),
	[PF_MAPPING_RAW] = REC_FIELD("mapping_raw", REC_HEX),
	[PF_MAPPING_KIND] = REC_NAME_FIELD("mapping_kind"),
	[PF_ANON_VMA] = REC_FIELD("anon_vma", REC_HEX),
	[PF_KSM_STABLE_NODE] = REC_FIELD("ksm_stable_node", REC_HEX),
	[PF_MOVABLE_OPS] = REC_FIELD("movable_ops", REC_HEX),
	[PF_ADDRESS_SPACE] = REC_FIELD("address_space", REC_HEX),
	[PF_INDEX] = REC_FIELD("index", REC_HEX),
	[PF_PRIVATE] = REC_FIELD("private", REC_HEX),
	[PF_MEMCG] = REC_FIELD("memcg", REC_HEX),
	[PF_PARTIAL] = REC_FIELD("partial", REC_BOOL),
	[PF_HEAD_UNREADABLE] = REC_FIELD("head_unreadable", REC_BOOL),
	[PF_BAD_ORDER] = REC_FIELD("bad_order", REC_UINT),  // an order the kernel cannot make
};

/* NAMES: the flag names, and a tail's head. */
static void names_col(struct strbuf *out, const struct rec_row *r)
{
	size_t n = rec_strs_count(r, PF_FLAG_NAMES);
	const struct rec_strs_enc *e = rec_strs_enc_of(r, PF_FLAG_NAMES);
	if (e)
		strbuf_add(out, e->text, e->text_len);
	else
		for (size_t i = 0; i < n; i++)
			rec_put_item(out, rec_strs_item(r, PF_FLAG_NAMES, i), i ? ',' : 0);
	if (rec_get_u(r, PF_TAIL)) {
		strbuf_addstr(out, n ? ",tail(head 0x" : "tail(head 0x");
		rec_put_hex(out, rec_get_u(r, PF_HEAD_PFN));
		strbuf_addch(out, ')');
	}
}

#define PAGE_COLS_HEAD                                                             \
	{ PF_PFN, 10, "PFN", NULL }, { PF_FLAGS, 16, "FLAGS", NULL },                 \
	{ PF_ZONE, 8, "ZONE", NULL }, { PF_USE, -10, "USE", NULL },               \
	{ PF_REFCOUNT, 5, "CNT", NULL }, { PF_MAPCOUNT, 5, "MAP", NULL },             \
	{ PF_ORDER, 2, "OR", NULL }, { PF_MAPPING, 16, "MAPPING", NULL }

static const struct rec_col page_cols[] = {
	PAGE_COLS_HEAD,
	{ PF_FLAG_NAMES, 0, "NAMES", names_col },
};

static const struct rec_col page_kpf_cols[] = {
	PAGE_COLS_HEAD,
	{ PF_KPF, 9, "KPF", NULL },
	{ PF_FLAG_NAMES, 0, "NAMES", names_col },
};

const struct rec_schema page_schema = {
	page_fields, PF_NR, page_cols, VMS_ARRAY_SIZE(page_cols), true, NULL, NULL,
};

const struct rec_schema page_kpf_schema = {
	page_fields, PF_NR, page_kpf_cols, VMS_ARRAY_SIZE(page_kpf_cols), true, NULL, NULL,
};

/* "bitN" for a bit without a name. */
static const char *bit_name(unsigned b)
{
	static const char *const names[64] = {
#define B(n) "bit" #n
		B(0), B(1), B(2), B(3), B(4), B(5), B(6), B(7), B(8), B(9), B(10), B(11), B(12),
		B(13), B(14), B(15), B(16), B(17), B(18), B(19), B(20), B(21), B(22), B(23), B(24),
		B(25), B(26), B(27), B(28), B(29), B(30), B(31), B(32), B(33), B(34), B(35), B(36),
		B(37), B(38), B(39), B(40), B(41), B(42), B(43), B(44), B(45), B(46), B(47), B(48),
		B(49), B(50), B(51), B(52), B(53), B(54), B(55), B(56), B(57), B(58), B(59), B(60),
		B(61), B(62), B(63),
#undef B
	};
	return names[b & 63];
}

void page_record_cache_release(struct page_record_cache *c)
{
	for (unsigned i = 0; i < PAGE_NAMES_CACHE; i++) {
		rec_strs_enc_release(&c->flags[i].enc);
		rec_strs_enc_release(&c->kpf[i].enc);
		c->flags[i].valid = c->kpf[i].valid = false;
	}
}

/* The slot of (@key, @variant) in @slots, filled with the @n names @names
 * unless it holds them already; NULL when out of memory. */
static const struct rec_strs_enc *cached(struct page_names_slot *slots, uint64_t key,
					 uint64_t variant, const char *const *names, size_t n)
{
	unsigned i = (unsigned)(((key ^ variant * 0xff51afd7ed558ccdull) * 0x9e3779b97f4a7c15ull) >> 56) %
		     PAGE_NAMES_CACHE;
	struct page_names_slot *s = &slots[i];
	if (s->valid && s->key == key && s->variant == variant)
		return &s->enc;
	if (!names)
		return NULL;
	if (s->valid)
		rec_strs_enc_release(&s->enc);
	s->valid = false;
	if (!rec_strs_encode(&s->enc, names, n))
		return NULL;
	s->key = key;
	s->variant = variant;
	s->valid = true;
	return &s->enc;
}

/* Field @f from @slots (NULL: no cache) if they hold (@key, @variant). */
static bool names_cached(struct rec_row *r, unsigned f, struct page_names_slot *slots, uint64_t key,
			 uint64_t variant)
{
	const struct rec_strs_enc *e = slots ? cached(slots, key, variant, NULL, 0) : NULL;
	if (e)
		rec_strs_encoded(r, f, e);
	return e != NULL;
}

/* Field @f: the @n @names, encoded into @slots under (@key, @variant)
 * when there are slots and memory, else item by item. */
static void names_set(struct rec_row *r, unsigned f, struct page_names_slot *slots, uint64_t key,
		      uint64_t variant, const char *const *names, size_t n)
{
	const struct rec_strs_enc *e = slots ? cached(slots, key, variant, names, n) : NULL;
	if (e) {
		rec_strs_encoded(r, f, e);
		return;
	}
	rec_strs_empty(r, f);
	for (size_t i = 0; i < n; i++)
		rec_strs_add(r, f, names[i]);
}

/* FLAG_NAMES: the names of @pi's flags, by meaning. */
static void flag_names(struct rec_row *r, const struct linux_page_layout *l,
		       const struct linux_page_info *pi, struct page_record_cache *cache)
{
	unsigned nflags = l->nr_pageflags ? l->nr_pageflags : LINUX_MAX_PAGEFLAGS;
	uint64_t bits = nflags >= 64 ? pi->flags : pi->flags & ((UINT64_C(1) << nflags) - 1);
	// what linux_page_flag_name() looks at besides the bit
	uint64_t variant = 0;
	struct page_names_slot *slots = cache ? cache->flags : NULL;
	if (slots) {
		int sb = l->pg[LINUX_PG_SWAPBACKED];
		variant = (sb >= 0 && ((pi->head_flags >> sb) & 1)) | (uint64_t)!!(pi->mapping & l->mapping_anon) << 1 |
			  (uint64_t)!!(pi->bits & LINUX_PAGE_FREE) << 2;
		if (names_cached(r, PF_FLAG_NAMES, slots, bits, variant))
			return;
	}
	const char *names[64] = { 0 };
	size_t n = 0;
	for (uint64_t k = bits; k; k &= k - 1) {
		unsigned b = (unsigned)__builtin_ctzll(k);
		const char *name = linux_page_flag_name(l, pi, b);
		names[n++] = name ? name : bit_name(b);
	}
	names_set(r, PF_FLAG_NAMES, slots, bits, variant, names, n);
}

/* KPF_NAMES: the names of the KPF word @kpf. */
static void kpf_names(struct rec_row *r, uint64_t kpf, struct page_record_cache *cache)
{
	struct page_names_slot *slots = cache ? cache->kpf : NULL;
	if (names_cached(r, PF_KPF_NAMES, slots, kpf, 0))
		return;
	const char *names[64] = { 0 };
	size_t n = 0;
	for (uint64_t k = kpf; k; k &= k - 1) {
		unsigned b = (unsigned)__builtin_ctzll(k);
		const char *name = linux_kpf_name(b);
		names[n++] = name ? name : bit_name(b);
	}
	names_set(r, PF_KPF_NAMES, slots, kpf, 0, names, n);
}

/* The columns of the table: PFN FLAGS ZONE USE CNT MAP OR MAPPING KPF NAMES. */
static void fill_table(struct rec_row *r, const struct linux_page_layout *l,
		       const struct linux_page_info *pi, struct page_record_cache *cache)
{
	rec_hex(r, PF_PFN, pi->pfn);
	rec_hex(r, PF_FLAGS, pi->flags);
	flag_names(r, l, pi, cache);
	rec_hex(r, PF_KPF, pi->kpf);
	// the ZONE column: "?" for a zone number without a name
	const char *zn = linux_zone_name(l, pi->zone);
	rec_str(r, PF_ZONE, zn ? zn : "?");
	rec_str(r, PF_USE, linux_page_use_name(pi->use));
	rec_uint(r, PF_ORDER, pi->order);
	rec_bool(r, PF_TAIL, pi->bits & LINUX_PAGE_TAIL);
	if (pi->bits & LINUX_PAGE_TAIL)
		rec_hex(r, PF_HEAD_PFN, pi->head_pfn);
	rec_int(r, PF_REFCOUNT, pi->refcount);
	rec_int(r, PF_MAPCOUNT, pi->mapcount);
	rec_hex(r, PF_MAPPING, pi->mapping);
}

void page_record_fill(struct rec_row *r, const struct linux_page_layout *l,
		      const struct linux_page_info *pi, bool table, struct page_record_cache *cache)
{
	rec_row_reset(r);
	if (table) {
		fill_table(r, l, pi, cache);
		return;
	}
	rec_hex(r, PF_PFN, pi->pfn);
	rec_hex(r, PF_PAGE, pi->page);
	rec_hex(r, PF_FLAGS, pi->flags);
	flag_names(r, l, pi, cache);
	rec_hex(r, PF_KPF, pi->kpf);
	kpf_names(r, pi->kpf, cache);
	const char *zn = linux_zone_name(l, pi->zone);
	if (zn)
		rec_str(r, PF_ZONE, zn);
	else
		rec_uint(r, PF_ZONE, pi->zone);
	rec_uint(r, PF_NODE, pi->node);
	rec_str(r, PF_USE, linux_page_use_name(pi->use));
	rec_str(r, PF_PAGE_TYPE, linux_page_type_name(pi->type));  // NULL: null
	rec_uint(r, PF_ORDER, pi->order);
	rec_bool(r, PF_HEAD, pi->bits & LINUX_PAGE_HEAD);
	rec_bool(r, PF_TAIL, pi->bits & LINUX_PAGE_TAIL);
	if (pi->bits & LINUX_PAGE_TAIL) {
		rec_hex(r, PF_HEAD_PFN, pi->head_pfn);
		rec_hex(r, PF_HEAD_PAGE, pi->head_page);
	}
	rec_bool(r, PF_THP, pi->bits & LINUX_PAGE_THP);
	rec_bool(r, PF_HUGETLB, pi->bits & LINUX_PAGE_HUGETLB);
	rec_bool(r, PF_FREE, pi->bits & LINUX_PAGE_FREE);
	rec_int(r, PF_REFCOUNT, pi->refcount);
	rec_int(r, PF_PAGE_COUNT, pi->page_count);
	rec_int(r, PF_MAPCOUNT, pi->mapcount);
	rec_int(r, PF_MAPCOUNT_RAW, pi->mapcount_raw);
	if ((pi->bits & (LINUX_PAGE_HEAD | LINUX_PAGE_TAIL)) && l->off_cmp_mapcount >= 0)
		rec_int(r, PF_ENTIRE_MAPCOUNT, pi->entire_mapcount);
	if (pi->large_mapcount >= 0)
		rec_int(r, PF_LARGE_MAPCOUNT, pi->large_mapcount);
	if (l->pg[LINUX_PG_DOUBLE_MAP] >= 0 && (pi->bits & (LINUX_PAGE_HEAD | LINUX_PAGE_TAIL)))
		rec_bool(r, PF_DOUBLE_MAP, pi->bits & LINUX_PAGE_DOUBLEMAP);
	rec_bool(r, PF_MAPPED, pi->bits & LINUX_PAGE_MAPPED);
	rec_hex(r, PF_MAPPING, pi->mapping);
	rec_hex(r, PF_MAPPING_RAW, pi->mapping_raw);
	rec_str(r, PF_MAPPING_KIND, linux_mapping_kind_name(pi->mapping_kind));
	uint64_t target = pi->mapping & ~l->mapping_flags_mask;
	switch (pi->mapping_kind) {
	case LINUX_MAPPING_NONE:
		break;
	case LINUX_MAPPING_ANON:
		rec_hex(r, PF_ANON_VMA, target);
		break;
	case LINUX_MAPPING_KSM:
		rec_hex(r, PF_KSM_STABLE_NODE, target);
		break;
	case LINUX_MAPPING_MOVABLE:
		rec_hex(r, PF_MOVABLE_OPS, target);
		break;
	default:
		rec_hex(r, PF_ADDRESS_SPACE, target);
		break;
	}
	rec_hex(r, PF_INDEX, pi->index);
	rec_hex(r, PF_PRIVATE, pi->private_);
	if (l->has_memcg || l->has_memcg_ptr)
		rec_hex(r, PF_MEMCG, pi->memcg);
	if (pi->bits & LINUX_PAGE_PARTIAL)
		rec_bool(r, PF_PARTIAL, true);
	if (pi->bits & LINUX_PAGE_NOHEAD)
		rec_bool(r, PF_HEAD_UNREADABLE, true);
	if (pi->bits & LINUX_PAGE_BADORDER)
		rec_uint(r, PF_BAD_ORDER, pi->bad_order);
}
