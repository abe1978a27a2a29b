// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * struct page: where it lives for a PFN, and what its raw fields say.
 * Every offset and flag bit comes from the dump's own debug info, probed
 * once per program and kept in struct linux_page_layout.
 */
#ifndef VMS_LINUX_PAGE_H
#define VMS_LINUX_PAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "program/program.h"

#define LINUX_MAX_PAGEFLAGS 64
// Bounds of what vmsift accepts from the debug info (sanity limits, not
// kernel facts).
#define LINUX_MAX_ZONES 8
#define LINUX_MAX_PAGE_STRUCT 256
// Orders are below this (an order is a shift of a 64-bit page count).
#define LINUX_MAX_ORDER_BITS 64

enum linux_memmap_model {
	LINUX_MEMMAP_VMEMMAP,   // SPARSEMEM_VMEMMAP: one virtual array
	LINUX_MEMMAP_SPARSE,    // SPARSEMEM: per-section mem_map pointers
	LINUX_MEMMAP_FLAT,      // FLATMEM: mem_map
};

/* The page flags the decoder reads by meaning. */
enum linux_pg {
	LINUX_PG_LOCKED, LINUX_PG_ERROR, LINUX_PG_REFERENCED, LINUX_PG_UPTODATE,
	LINUX_PG_DIRTY, LINUX_PG_LRU, LINUX_PG_ACTIVE, LINUX_PG_WORKINGSET,
	LINUX_PG_SLAB, LINUX_PG_OWNER_PRIV_1, LINUX_PG_ARCH_1, LINUX_PG_RESERVED,
	LINUX_PG_PRIVATE, LINUX_PG_PRIVATE_2, LINUX_PG_WRITEBACK, LINUX_PG_HEAD,
	LINUX_PG_MAPPEDTODISK, LINUX_PG_OWNER_2, LINUX_PG_RECLAIM, LINUX_PG_SWAPBACKED,
	LINUX_PG_UNEVICTABLE, LINUX_PG_MLOCKED, LINUX_PG_UNCACHED, LINUX_PG_HWPOISON,
	LINUX_PG_YOUNG, LINUX_PG_IDLE, LINUX_PG_ARCH_2, LINUX_PG_ARCH_3,
	LINUX_PG_DOUBLE_MAP, LINUX_PG_LARGE_RMAPPABLE, LINUX_PG_ANON_EXCLUSIVE,
	LINUX_PG_SWAPCACHE, LINUX_PG_MOVABLE_OPS,
	LINUX_PG_NR,
};

/* Page types kept in page_type. */
enum linux_page_type {
	LINUX_PT_BUDDY, LINUX_PT_OFFLINE, LINUX_PT_TABLE, LINUX_PT_GUARD,
	LINUX_PT_SLAB, LINUX_PT_HUGETLB, LINUX_PT_ZSMALLOC, LINUX_PT_UNACCEPTED,
	LINUX_PT_KMEMCG, LINUX_PT_LARGE_KMALLOC,
	LINUX_PT_NR,
};

enum linux_page_type_encoding {
	LINUX_PT_INVERTED,  // PAGE_TYPE_BASE with a cleared bit per type (up to 6.10)
	LINUX_PT_TOP_BYTE,  // enum pagetype value in the top byte (6.11+)
};

struct linux_page_layout {
	uint64_t page_size;        // sizeof(struct page)
	uint64_t off_flags, off_compound_head, off_mapping, off_index, off_private;
	uint64_t off_mapcount, off_refcount, off_memcg;
	bool has_memcg;
	enum linux_memmap_model model;
	uint64_t vmemmap;          // base of the struct page array (VMEMMAP)
	uint64_t mem_map;          // FLATMEM base
	uint64_t max_pfn;
	// Flags: bit number -> kernel's display name ("locked") and enum name
	// ("PG_locked"); NULL where the bit has no flag.
	unsigned nr_pageflags;
	const char *flag_name[LINUX_MAX_PAGEFLAGS];
	const char *flag_enum[LINUX_MAX_PAGEFLAGS];
	bool names_from_kernel;    // flag_name came from pageflag_names[]
	int pg_head, pg_tail_bit;  // PG_head bit or -1

	// ---- What the full decoder (linux/pagedecode.h) needs, probed once.
	// Bit numbers of the page flags it reads, -1 where this kernel has none.
	int pg[LINUX_PG_NR];
	// Compound/folio metadata, as byte offsets from the head's struct
	// page (>= page_size: in page[1]); -1 where absent.
	int64_t off_cmp_order;       // compound_order / _folio_order (u8)
	int64_t off_flags_1;         // folio->_flags_1: order in its low byte
	int64_t off_cmp_nr;          // compound_nr / _folio_nr_pages (u32)
	int64_t off_cmp_mapcount;    // compound_mapcount / _entire_mapcount
	int64_t off_large_mapcount;  // _large_mapcount
	int64_t off_nr_pages_mapped; // _nr_pages_mapped / subpages_mapcount
	int64_t off_cmp_dtor;        // compound_dtor / _folio_dtor (u8)
	int64_t hugetlb_dtor;        // HUGETLB_PAGE_DTOR or -1
	// Page types in page_type (a union with _mapcount).
	enum linux_page_type_encoding pt_encoding;
	uint32_t pt_value[LINUX_PT_NR]; // inverted: the bit; top byte: the byte; 0 = none
	uint32_t pt_base;            // inverted: PAGE_TYPE_BASE
	int32_t pt_reserve;          // inverted: PAGE_MAPCOUNT_RESERVE
	uint32_t pt_has_type_below;  // top byte: PGTY_mapcount_underflow << pt_shift
	unsigned pt_shift;           // top byte: the type is page_type >> pt_shift
	// The node/zone/section fields packed at the top of page->flags.
	unsigned zones_pgshift, zones_width, nodes_pgshift, nodes_width;
	unsigned sections_pgshift, sections_width;
	unsigned nr_zones;
	const char *zone_name[LINUX_MAX_ZONES];
	// Special pages.
	bool has_zero_pfn;
	uint64_t zero_pfn;
	uint64_t huge_zero_page;     // struct page of the huge zero folio, 0 if none
	unsigned max_order;          // buddy orders are < max_order
	unsigned max_folio_order;    // no folio (compound page) is larger
	uint64_t mapping_flags_mask; // PAGE_MAPPING_FLAGS / FOLIO_MAPPING_FLAGS
	uint64_t mapping_anon;       // PAGE_MAPPING_ANON
	uint64_t mapping_ksm_bit;    // with mapping_anon: KSM (MOVABLE alone up to 6.16)
	uint64_t tail_bit;           // PageTail(): bit of compound_head/compound_info
	uint64_t folio_order_mask;   // folio_order(): the order bits of _flags_1
	bool compound_info_mask;     // tail pages hold a mask to their head (7.x HVO)
	bool movable_is_flag;        // movable is PG_movable_ops, not a mapping bit
	// Kernel behaviour switches for /proc/kpageflags and /proc/kpagecount.
	bool kpf_from_folio;         // stable_page_flags() reads the folio (6.10+)
	bool kpf_snapshot;           // ... a snapshot_page() copy of it (7.x)
	bool kpf_ksm_exact;          // KPF_KSM only for KSM folios
	bool mapcount_precise;       // kpagecount = folio_precise_page_mapcount()
	bool idle_from_folio;        // page_is_idle() tests the folio
	bool has_memcg_ptr;          // 5.10: page->mem_cgroup instead of memcg_data
	uint64_t off_memcg_ptr;
	// Address-space names (for the single-page view), -1 if unknown.
	int64_t off_as_host, off_inode_dentry, off_dentry_alias, off_dentry_name, off_inode_ino;
};

/* The page layout of @prog, probed on first use and cached in the program. */
VMS_MUST_CHECK struct vms_error *linux_page_layout(struct vms_program *prog, const struct linux_page_layout **ret);

/* The struct page of the head of tail page @page whose compound_head word
 * is @info (tail bit set): a pointer with the tail bit, or in 7.x with
 * compound_info_has_mask() a mask to apply to the tail's own address. */
static inline uint64_t linux_compound_head(const struct linux_page_layout *l, uint64_t page,
					   uint64_t info)
{
	return l->compound_info_mask ? page & info : info - l->tail_bit;
}

/* PFN of the struct page at @page (VMEMMAP and FLATMEM; fails with
 * VMS_ERR_INVALID for an address that is not a struct page's). */
VMS_MUST_CHECK struct vms_error *linux_page_to_pfn(struct vms_program *prog, uint64_t page, uint64_t *ret);

#endif
