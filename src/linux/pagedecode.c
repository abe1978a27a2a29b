// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/pagedecode.h"

#include <string.h>

#include "base/cleanup.h"
#include "base/util.h"
#include "linux/kpf.h"

// Largest compound page we accept a head pointer for: a 16 GiB gigantic page
// of 4 KiB pages (order 22); anything farther away is corruption.
#define MAX_COMPOUND_PAGES (UINT64_C(1) << 22)

static inline uint64_t rd64(const uint8_t *b, uint64_t off)
{
	uint64_t v;
	memcpy(&v, b + off, 8);
	return v;
}

static inline int32_t rd32(const uint8_t *b, uint64_t off)
{
	int32_t v;
	memcpy(&v, b + off, 4);
	return v;
}

/* a + b on counters as the kernel computes them: it builds with
 * -fno-strict-overflow, so a corrupt count wraps instead of being
 * undefined. */
static inline int32_t add32(int32_t a, int32_t b)
{
	return (int32_t)((uint32_t)a + (uint32_t)b);
}

static inline bool flag(const struct linux_page_layout *l, uint64_t flags, enum linux_pg pg)
{
	return l->pg[pg] >= 0 && ((flags >> l->pg[pg]) & 1);
}

/* The page type of a page_type word, LINUX_PT_NR if none (the reference
 * definition; page_type_fast() is the same by table). */
static unsigned page_type_of(const struct linux_page_layout *l, uint32_t pt)
{
	if (l->pt_encoding == LINUX_PT_TOP_BYTE) {
		uint32_t byte = pt >> l->pt_shift;
		for (unsigned t = 0; t < LINUX_PT_NR; t++)
			if (l->pt_value[t] && l->pt_value[t] == byte)
				return t;
		return LINUX_PT_NR;
	}
	// PageType(page, flag): (page_type & (PAGE_TYPE_BASE | flag)) == PAGE_TYPE_BASE
	if ((pt & l->pt_base) != l->pt_base)
		return LINUX_PT_NR;
	for (unsigned t = 0; t < LINUX_PT_NR; t++)
		if (l->pt_value[t] && !(pt & l->pt_value[t]))
			return t;
	return LINUX_PT_NR;
}

static inline unsigned page_type_fast(const struct linux_page_layout *l,
				      const struct linux_page_fast *f, uint32_t pt)
{
	if (l->pt_encoding == LINUX_PT_TOP_BYTE)
		return f->pt_top[(uint8_t)(pt >> l->pt_shift)];
	// No type bit cleared (a map count, -1 included): no type.
	if ((pt & l->pt_base) != l->pt_base || (pt & f->pt_inv_mask) == f->pt_inv_mask)
		return LINUX_PT_NR;
	return page_type_of(l, pt);
}

void linux_page_fast_init(struct linux_page_fast *f, const struct linux_page_layout *l)
{
	linux_kpf_common_table(l, f->kpf_common);
	for (unsigned b = 0; b < 256; b++)
		f->pt_top[b] = l->pt_encoding == LINUX_PT_TOP_BYTE ? (uint8_t)page_type_of(l, (uint32_t)b << l->pt_shift)
								   : LINUX_PT_NR;
	f->pt_inv_mask = 0;
	for (unsigned t = 0; t < LINUX_PT_NR; t++)
		f->pt_inv_mask |= l->pt_value[t];
}

/* The struct page of @pfn from the source: the batch window inline, else
 * get(). */
static inline const uint8_t *src_get(const struct linux_page_layout *l,
				     struct linux_page_source *src, uint64_t pfn)
{
	uint64_t i = pfn - src->win_start;
	if (i < src->win_n)
		return src->win_ok[i] == 0xff ? src->win + i * l->page_size : NULL;
	return src->get(src->arg, pfn);
}

/* page_has_type(): the _mapcount word holds a type, not a count. */
static bool has_type(const struct linux_page_layout *l, int32_t raw)
{
	if (l->pt_encoding == LINUX_PT_TOP_BYTE)
		// page_type_has_type(): page_type < PGTY_mapcount_underflow << 24
		return raw < (int32_t)l->pt_has_type_below;
	return raw < l->pt_reserve; // PAGE_MAPCOUNT_RESERVE
}

/* is_free_buddy_page() for a page whose count is 0: is it inside a free
 * block whose head is PageBuddy with a large enough order?  The kernel
 * tries each order from 0; the answer is yes as soon as one order works, so
 * a block head seen before that covers @pfn answers without the loop. */
static bool in_free_block(const struct linux_page_layout *l, const struct linux_page_fast *f,
			  struct linux_page_source *src, uint64_t pfn, bool *partial)
{
	// (Only within a fully readable batch, where the loop could not have
	// met an unreadable page and flagged the page partial.)
	if (src->buddy_valid && src->win_all_ok && pfn > src->buddy_pfn &&
	    src->buddy_pfn >= src->win_start && pfn - src->win_start < src->win_n) {
		// the smallest order whose aligned head is the memo's head
		unsigned order = 64 - (unsigned)__builtin_clzll(pfn ^ src->buddy_pfn);
		if (order < l->max_order && src->buddy_order >= order)
			return true;
	}
	for (unsigned order = 0; order < l->max_order; order++) {
		uint64_t hp = pfn & ~((UINT64_C(1) << order) - 1);
		const uint8_t *b = src_get(l, src, hp);
		if (!b) {
			*partial = true;
			continue;
		}
		if (page_type_fast(l, f, (uint32_t)rd32(b, l->off_mapcount)) == LINUX_PT_BUDDY &&
		    rd64(b, l->off_private) >= order) {
			src->buddy_valid = true;
			src->buddy_pfn = hp;
			src->buddy_order = rd64(b, l->off_private);
			return true;
		}
	}
	return false;
}

/* 5.10/6.1 page_mapped()/folio_mapped() of a compound page: entire map
 * count, then (not hugetlb) any subpage's _mapcount. */
static bool compound_mapped(const struct linux_page_layout *l, struct linux_page_source *src,
			    const struct linux_page_info *pi, bool *partial)
{
	if (pi->entire_mapcount > 0)
		return true;
	if (pi->bits & LINUX_PAGE_HUGETLB)
		return false;
	// Other compound pages come from the buddy allocator: larger ones
	// (ZONE_DEVICE, or corruption) are not looked into.
	if (pi->order >= l->max_order) {
		*partial = true;
		return false;
	}
	unsigned slot = pi->order % LINUX_MEMO_ORDERS;
	if (src->memo[slot].head_pfn_plus1 == pi->head_pfn + 1)
		return src->memo[slot].mapped;
	bool mapped = false;
	uint64_t nr = UINT64_C(1) << pi->order;
	for (uint64_t i = 0; i < nr && !mapped; i++) {
		const uint8_t *b = src_get(l, src, pi->head_pfn + i);
		if (!b) {
			*partial = true;
			continue;
		}
		if (rd32(b, l->off_mapcount) >= 0)
			mapped = true;
	}
	src->memo[slot].head_pfn_plus1 = pi->head_pfn + 1;
	src->memo[slot].mapped = mapped;
	return mapped;
}

static unsigned use_of(const struct linux_page_layout *l, const struct linux_page_info *pi)
{
	if (pi->bits & LINUX_PAGE_FREE)
		return LINUX_USE_BUDDY;
	switch (pi->head_type != LINUX_PT_NR ? pi->head_type : pi->type) {
	case LINUX_PT_SLAB: return LINUX_USE_SLAB;
	case LINUX_PT_TABLE: return LINUX_USE_PGTABLE;
	case LINUX_PT_OFFLINE: return LINUX_USE_OFFLINE;
	case LINUX_PT_GUARD: return LINUX_USE_GUARD;
	case LINUX_PT_UNACCEPTED: return LINUX_USE_UNACCEPTED;
	case LINUX_PT_ZSMALLOC: return LINUX_USE_ZSMALLOC;
	case LINUX_PT_HUGETLB: return LINUX_USE_HUGETLB;
	default: break;
	}
	if (flag(l, pi->head_flags, LINUX_PG_SLAB))
		return LINUX_USE_SLAB;
	if (pi->bits & LINUX_PAGE_HUGETLB)
		return LINUX_USE_HUGETLB;
	switch (pi->mapping_kind) {
	case LINUX_MAPPING_KSM: return LINUX_USE_KSM;
	case LINUX_MAPPING_ANON: return pi->bits & LINUX_PAGE_THP ? LINUX_USE_THP : LINUX_USE_ANON;
	case LINUX_MAPPING_FILE: return pi->bits & LINUX_PAGE_THP ? LINUX_USE_THP : LINUX_USE_FILE;
	case LINUX_MAPPING_MOVABLE: return LINUX_USE_MOVABLE;
	default: break;
	}
	if (flag(l, pi->flags, LINUX_PG_RESERVED))
		return LINUX_USE_RESERVED;
	return LINUX_USE_OTHER;
}

static inline void decode(const struct linux_page_layout *l, const struct linux_page_fast *f,
			  struct linux_page_source *src, const uint8_t *b, uint64_t pfn,
			  uint64_t page_addr, struct linux_page_info *pi);

/* The words of a simple page that are its own and not derived (struct
 * linux_page_memo): copied into the memo's decoded page. */
static inline __attribute__((always_inline)) void simple_own_words(const struct linux_page_layout *l, const uint8_t *b,
				    uint64_t pfn, uint64_t page_addr, uint64_t mapping,
				    struct linux_page_info *pi)
{
	pi->pfn = pi->head_pfn = pfn;
	pi->page = pi->head_page = page_addr;
	pi->index = rd64(b, l->off_index);
	pi->private_ = rd64(b, l->off_private);
	pi->mapping_raw = pi->mapping = mapping;
	pi->mapping_obj = mapping & ~l->mapping_flags_mask;
	pi->compound_raw = rd64(b, l->off_compound_head);
	pi->refcount = pi->page_count = rd32(b, l->off_refcount);
	if (l->has_memcg)
		pi->memcg = rd64(b, l->off_memcg);
	else if (l->has_memcg_ptr)
		pi->memcg = rd64(b, l->off_memcg_ptr);
}

/* decode() out of line: the memo's hit path stays small. */
static __attribute__((noinline)) void decode_outline(const struct linux_page_layout *l,
						     const struct linux_page_fast *f,
						     struct linux_page_source *src, const uint8_t *b,
						     uint64_t pfn, uint64_t page_addr,
						     struct linux_page_info *pi)
{
	decode(l, f, src, b, pfn, page_addr, pi);
}

/* decode() through the memo of simple pages: the decoded page, in @pi or,
 * for a page the memo knows, in the memo itself. */
static inline __attribute__((always_inline)) const struct linux_page_info *
decode_memo(const struct linux_page_layout *l, const struct linux_page_fast *f,
	    struct linux_page_source *src, const uint8_t *b, uint64_t pfn, uint64_t page_addr,
	    struct linux_page_info *pi)
{
	struct linux_page_memo *mm = src->simple;
	uint64_t flags = rd64(b, l->off_flags);
	uint64_t mapping = rd64(b, l->off_mapping);
	int32_t mc = rd32(b, l->off_mapcount);
	// Simple: not a tail, not a head, in use, not the zero page (whose KPF
	// word says so), and not buddy (its decoding sets the free-block memo).
	bool simple = !(rd64(b, l->off_compound_head) & l->tail_bit) && !flag(l, flags, LINUX_PG_HEAD) &&
		      rd32(b, l->off_refcount) != 0 && !(l->has_zero_pfn && pfn == l->zero_pfn) &&
		      !(l->huge_zero_page && page_addr == l->huge_zero_page);
	if (!simple) {
		decode_outline(l, f, src, b, pfn, page_addr, pi);
		return pi;
	}
	uint64_t mapbits = mapping & l->mapping_flags_mask;
	bool mapped = mapping != 0;
	unsigned s = (unsigned)(vms_mix64(flags ^ vms_mix64((uint64_t)(uint32_t)mc ^ mapbits) ^ mapped) %
				LINUX_SIMPLE_MEMO);
	if (mm->slot[s].valid && mm->slot[s].flags == flags && mm->slot[s].mapcount_raw == mc &&
	    mm->slot[s].mapbits == mapbits && mm->slot[s].mapped == mapped) {
		mm->hits++;
		simple_own_words(l, b, pfn, page_addr, mapping, mm->slot[s].pi);
		return mm->slot[s].pi;
	}
	mm->misses++;
	decode_outline(l, f, src, b, pfn, page_addr, pi);
	if (pi->type == LINUX_PT_BUDDY || (pi->bits & (LINUX_PAGE_PARTIAL | LINUX_PAGE_FREE)))
		return pi;
	mm->slot[s].valid = true;
	mm->slot[s].flags = flags;
	mm->slot[s].mapcount_raw = mc;
	mm->slot[s].mapbits = mapbits;
	mm->slot[s].mapped = mapped;
	*mm->slot[s].pi = *pi;
	mm->slot[s].pi->memo_id = ++mm->next_id;
	return pi;
}

static inline void decode(const struct linux_page_layout *l, const struct linux_page_fast *f,
			  struct linux_page_source *src, const uint8_t *b, uint64_t pfn,
			  uint64_t page_addr, struct linux_page_info *pi)
{
	bool partial = false;
	memset(pi, 0, sizeof(*pi));
	pi->pfn = pfn;
	pi->page = page_addr;
	pi->flags = rd64(b, l->off_flags);
	pi->index = rd64(b, l->off_index);
	pi->mapping_raw = rd64(b, l->off_mapping);
	pi->private_ = rd64(b, l->off_private);
	pi->compound_raw = rd64(b, l->off_compound_head);
	pi->mapcount_raw = rd32(b, l->off_mapcount);
	pi->refcount = rd32(b, l->off_refcount);
	pi->type = (uint8_t)page_type_fast(l, f, (uint32_t)pi->mapcount_raw);
	pi->large_mapcount = -1;
	if (l->zones_width)
		pi->zone = (uint8_t)((pi->flags >> l->zones_pgshift) & ((1u << l->zones_width) - 1));
	if (l->nodes_width)
		pi->node = (uint16_t)((pi->flags >> l->nodes_pgshift) & ((1u << l->nodes_width) - 1));

	// The folio: a tail's compound_head points at its head with the tail
	// bit set (PageTail()), or holds a mask to its head (7.x HVO).  The
	// head's PFN follows from the distance between the two struct pages,
	// which are contiguous within a compound page.
	const uint8_t *hb = b;
	pi->head_pfn = pfn;
	pi->head_page = page_addr;
	uint64_t ch = rd64(b, l->off_compound_head);
	if (ch & l->tail_bit) {
		uint64_t head = linux_compound_head(l, page_addr, ch);
		uint64_t dist = page_addr - head;
		pi->bits |= LINUX_PAGE_TAIL;
		if (head < page_addr && dist % l->page_size == 0 &&
		    dist / l->page_size < MAX_COMPOUND_PAGES && dist / l->page_size <= pfn) {
			pi->head_pfn = pfn - dist / l->page_size;
			pi->head_page = head;
			hb = src_get(l, src, pi->head_pfn);
			if (!hb) {
				// Never take the folio's fields from the tail
				// itself (its mapping is TAIL_MAPPING poison):
				// they are unknown.
				hb = NULL;
				partial = true;
				pi->bits |= LINUX_PAGE_NOHEAD;
			}
		} else {
			pi->bits |= LINUX_PAGE_BADHEAD;
		}
	}
	if (!hb) {
		// A tail without its head: only this page's own words are
		// known.  Not free, not mapped as far as we can tell.
		pi->head_type = LINUX_PT_NR;
		pi->page_count = 0;
		pi->mapcount = 0;
		pi->bits |= LINUX_PAGE_PARTIAL;
		pi->use = LINUX_USE_UNKNOWN;
		pi->kpf = linux_page_kpf_tab(l, f->kpf_common, pi);
		return;
	}
	// hb is only valid until the next src->get(): take what we need now.
	int32_t head_mapcount_raw = rd32(hb, l->off_mapcount);
	pi->head_flags = rd64(hb, l->off_flags);
	pi->head_type = hb == b ? pi->type : (uint8_t)page_type_fast(l, f, (uint32_t)head_mapcount_raw);
	pi->mapping = rd64(hb, l->off_mapping);
	pi->mapping_obj = pi->mapping & ~l->mapping_flags_mask;
	pi->page_count = rd32(hb, l->off_refcount);
	if (l->has_memcg)
		pi->memcg = rd64(hb, l->off_memcg);
	else if (l->has_memcg_ptr)
		pi->memcg = rd64(hb, l->off_memcg_ptr);
	if (flag(l, pi->flags, LINUX_PG_HEAD))
		pi->bits |= LINUX_PAGE_HEAD;

	// Large folio / compound page metadata from the first tail page.
	bool large = flag(l, pi->head_flags, LINUX_PG_HEAD) && !(pi->bits & LINUX_PAGE_BADHEAD);
	if (large) {
		const uint8_t *sb = src_get(l, src, pi->head_pfn + 1);
		if (!sb) {
			partial = true;
		} else {
			uint64_t ps = l->page_size;
			pi->second_flags = rd64(sb, l->off_flags);
			if (l->off_cmp_order >= 0)
				pi->order = sb[l->off_cmp_order - ps];
			else if (l->off_flags_1 >= 0)
				pi->order = (uint8_t)(rd64(sb, (uint64_t)l->off_flags_1 - ps) & l->folio_order_mask);
			// A folio is a power of two in size and aligned to it
			// (struct folio, include/linux/mm_types.h); an order
			// this kernel cannot make or a misaligned head is
			// corruption: no loop over its subpages, no shift by it.
			if (pi->order > l->max_folio_order ||
			    (pi->head_pfn & ((UINT64_C(1) << pi->order) - 1))) {
				pi->bad_order = pi->order;
				pi->order = 0;
				pi->bits |= LINUX_PAGE_BADORDER;
				partial = true;
			}
			if (l->off_cmp_mapcount >= 0)
				pi->entire_mapcount = add32(rd32(sb, (uint64_t)l->off_cmp_mapcount - ps), 1);
			if (l->off_large_mapcount >= 0)
				pi->large_mapcount = add32(rd32(sb, (uint64_t)l->off_large_mapcount - ps), 1);
			if (l->off_cmp_dtor >= 0 && l->hugetlb_dtor >= 0 &&
			    sb[l->off_cmp_dtor - ps] == (uint8_t)l->hugetlb_dtor)
				pi->bits |= LINUX_PAGE_HUGETLB;
			if (flag(l, pi->second_flags, LINUX_PG_DOUBLE_MAP))
				pi->bits |= LINUX_PAGE_DOUBLEMAP;
		}
	}
	if (pi->head_type == LINUX_PT_HUGETLB)
		pi->bits |= LINUX_PAGE_HUGETLB;

	// What the mapping word points at (include/linux/page-flags.h): the
	// anon bit alone an anon_vma, with the second bit a KSM stable node;
	// the second bit alone a movable_operations up to 6.16, nothing after
	// (movable became the page flag PG_movable_ops).
	if (pi->mapping) {
		uint64_t bits = pi->mapping & l->mapping_flags_mask;
		if (bits == l->mapping_flags_mask)
			pi->mapping_kind = LINUX_MAPPING_KSM;
		else if (bits == l->mapping_anon)
			pi->mapping_kind = LINUX_MAPPING_ANON;
		else if (bits && !l->movable_is_flag)
			pi->mapping_kind = LINUX_MAPPING_MOVABLE;
		else if (!bits)
			pi->mapping_kind = LINUX_MAPPING_FILE;
	}
	bool anon = pi->mapping & l->mapping_anon;
	bool slab = l->pt_value[LINUX_PT_SLAB] ? pi->head_type == LINUX_PT_SLAB
					       : flag(l, pi->head_flags, LINUX_PG_SLAB);
	// A slab page's mapping word is struct slab's slab_cache (or, on 6.12,
	// whatever struct slab keeps there): no mapping at all.  The KPF word
	// still follows the kernel, which tests the raw bit (fs/proc/page.c).
	if (slab)
		pi->mapping_kind = LINUX_MAPPING_NONE;

	// THP: 6.10+ "large and large_rmappable"; before, a compound page on
	// the LRU or anonymous (stable_page_flags()).
	if (large && !(pi->bits & LINUX_PAGE_HUGETLB)) {
		if (l->kpf_from_folio ? flag(l, pi->second_flags, LINUX_PG_LARGE_RMAPPABLE)
				      : (flag(l, pi->head_flags, LINUX_PG_LRU) || anon))
			pi->bits |= LINUX_PAGE_THP;
	}
	if ((l->has_zero_pfn && pi->head_pfn == l->zero_pfn) ||
	    (l->huge_zero_page && pi->head_page == l->huge_zero_page))
		pi->bits |= LINUX_PAGE_ZERO;

	// Free pages: PageBuddy on a block's head, count 0 inside the block.
	if (pi->type == LINUX_PT_BUDDY) {
		pi->bits |= LINUX_PAGE_FREE;
		pi->order = (uint8_t)(pi->private_ < 64 ? pi->private_ : 63);
		src->buddy_valid = true;
		src->buddy_pfn = pfn;
		src->buddy_order = pi->private_;
	} else if (pi->page_count == 0 && in_free_block(l, f, src, pfn, &partial)) {
		pi->bits |= LINUX_PAGE_FREE;
	}

	// Map counts, as page_mapped() and /proc/kpagecount see them.
	int32_t own = add32(pi->mapcount_raw, 1);
	if (l->mapcount_precise) {
		// 6.11+: folio_mapped() is folio_mapcount() >= 1;
		// kpagecount is folio_precise_page_mapcount().
		int32_t small = has_type(l, pi->mapcount_raw) ? 0 : own;
		bool mapped;
		if (large)
			mapped = pi->large_mapcount >= 1;
		else
			mapped = !has_type(l, head_mapcount_raw) && add32(head_mapcount_raw, 1) >= 1;
		if (mapped)
			pi->bits |= LINUX_PAGE_MAPPED;
		pi->mapcount = add32(small, large ? pi->entire_mapcount : 0);
	} else {
		bool compound = large || (pi->bits & LINUX_PAGE_TAIL);
		if (!compound) {
			if (pi->mapcount_raw >= 0)
				pi->bits |= LINUX_PAGE_MAPPED;
		} else if (compound_mapped(l, src, pi, &partial)) {
			pi->bits |= LINUX_PAGE_MAPPED;
		}
		// kpagecount_read(): 0 for slab and typed pages, else
		// page_mapcount() with __page_mapcount() for compound pages.
		if (slab || has_type(l, pi->mapcount_raw)) {
			pi->mapcount = 0;
		} else {
			pi->mapcount = own;
			if (compound && (anon || (pi->bits & LINUX_PAGE_HUGETLB))) {
				pi->mapcount = add32(pi->mapcount, pi->entire_mapcount);
				if (pi->bits & LINUX_PAGE_DOUBLEMAP)
					pi->mapcount = add32(pi->mapcount, -1);
			}
		}
	}
	if (partial)
		pi->bits |= LINUX_PAGE_PARTIAL;
	pi->use = (uint8_t)use_of(l, pi);
	pi->kpf = linux_page_kpf_tab(l, f->kpf_common, pi);
}

void linux_page_decode(const struct linux_page_layout *l, struct linux_page_source *src,
		       const uint8_t *b, uint64_t pfn, uint64_t page_addr,
		       struct linux_page_info *pi)
{
	if (src->fast) {
		if (src->simple)
			*pi = *decode_memo(l, src->fast, src, b, pfn, page_addr, pi);
		else
			decode(l, src->fast, src, b, pfn, page_addr, pi);
		return;
	}
	struct linux_page_fast f;
	linux_page_fast_init(&f, l);
	decode(l, &f, src, b, pfn, page_addr, pi);
}

const struct linux_page_info *linux_page_decode_ref(const struct linux_page_layout *l,
						  struct linux_page_source *src, const uint8_t *b,
						  uint64_t pfn, uint64_t page_addr,
						  struct linux_page_info *buf)
{
	if (src->fast && src->simple)
		return decode_memo(l, src->fast, src, b, pfn, page_addr, buf);
	linux_page_decode(l, src, b, pfn, page_addr, buf);
	return buf;
}

const char *linux_page_type_name(unsigned type)
{
	static const char *const names[LINUX_PT_NR] = {
		[LINUX_PT_BUDDY] = "buddy", [LINUX_PT_OFFLINE] = "offline",
		[LINUX_PT_TABLE] = "pgtable", [LINUX_PT_GUARD] = "guard",
		[LINUX_PT_SLAB] = "slab", [LINUX_PT_HUGETLB] = "hugetlb",
		[LINUX_PT_ZSMALLOC] = "zsmalloc", [LINUX_PT_UNACCEPTED] = "unaccepted",
		[LINUX_PT_KMEMCG] = "kmemcg", [LINUX_PT_LARGE_KMALLOC] = "large_kmalloc",
	};
	return type < LINUX_PT_NR ? names[type] : NULL;
}

const char *linux_mapping_kind_name(unsigned kind)
{
	static const char *const names[LINUX_MAPPING_NR] = {
		"none", "anon", "ksm", "movable", "file",
	};
	return kind < LINUX_MAPPING_NR ? names[kind] : "?";
}

const char *linux_page_use_name(unsigned use)
{
	static const char *const names[LINUX_USE_NR] = {
		[LINUX_USE_BUDDY] = "free", [LINUX_USE_SLAB] = "slab",
		[LINUX_USE_PGTABLE] = "pgtable", [LINUX_USE_OFFLINE] = "offline",
		[LINUX_USE_GUARD] = "guard", [LINUX_USE_UNACCEPTED] = "unaccepted",
		[LINUX_USE_ZSMALLOC] = "zsmalloc", [LINUX_USE_HUGETLB] = "hugetlb",
		[LINUX_USE_THP] = "thp", [LINUX_USE_ANON] = "anon", [LINUX_USE_FILE] = "file",
		[LINUX_USE_KSM] = "ksm", [LINUX_USE_MOVABLE] = "movable",
		[LINUX_USE_RESERVED] = "reserved", [LINUX_USE_OTHER] = "kernel",
		[LINUX_USE_UNKNOWN] = "unknown",
	};
	return use < LINUX_USE_NR ? names[use] : "?";
}

const char *linux_page_flag_name(const struct linux_page_layout *l,
				 const struct linux_page_info *pi, unsigned bit)
{
	if (bit >= LINUX_MAX_PAGEFLAGS)
		return NULL;
	int b = (int)bit;
	bool anon = pi && (pi->mapping & l->mapping_anon);
	if (pi && b == l->pg[LINUX_PG_OWNER_PRIV_1] && flag(l, pi->head_flags, LINUX_PG_SWAPBACKED))
		return "swapcache";
	if (pi && anon && b == l->pg[LINUX_PG_ANON_EXCLUSIVE] && l->pg[LINUX_PG_ANON_EXCLUSIVE] >= 0)
		return "anon_exclusive";
	if (pi && (pi->bits & LINUX_PAGE_FREE) && b == l->pg[LINUX_PG_UPTODATE])
		return "reported";
	return l->flag_name[bit];
}

int linux_page_flag_bit(const struct linux_page_layout *l, const char *name)
{
	if (strncmp(name, "PG_", 3) == 0)
		name += 3;
	for (unsigned b = 0; b < LINUX_MAX_PAGEFLAGS; b++) {
		if (l->flag_name[b] && strcmp(l->flag_name[b], name) == 0)
			return (int)b;
		if (l->flag_enum[b] && strcmp(l->flag_enum[b] + 3, name) == 0)
			return (int)b;
	}
	// Aliases by meaning: any enumerator of enum pageflags.
	static const struct { const char *name; enum linux_pg pg; } aliases[] = {
		{ "swapcache", LINUX_PG_SWAPCACHE }, { "anon_exclusive", LINUX_PG_ANON_EXCLUSIVE },
		{ "mappedtodisk", LINUX_PG_MAPPEDTODISK }, { "double_map", LINUX_PG_DOUBLE_MAP },
		{ "large_rmappable", LINUX_PG_LARGE_RMAPPABLE }, { "owner_2", LINUX_PG_OWNER_2 },
	};
	for (size_t i = 0; i < VMS_ARRAY_SIZE(aliases); i++)
		if (strcmp(aliases[i].name, name) == 0)
			return l->pg[aliases[i].pg];
	return -1;
}

const char *linux_zone_name(const struct linux_page_layout *l, unsigned zone)
{
	if (zone < l->nr_zones && zone < 8)
		return l->zone_name[zone];
	// init_reserved_page() (mm/page_alloc.c, CONFIG_DEFERRED_STRUCT_PAGE_INIT)
	// looks for the zone that spans a reserved page and, when none does,
	// initialises it with zid == MAX_NR_ZONES: a reserved page outside
	// every zone, not a corrupt flags word.
	if (l->nr_zones && zone == l->nr_zones)
		return "none";
	return NULL;
}
