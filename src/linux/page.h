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
	LINUX_PG_SWAPCACHE,
	LINUX_PG_NR,
};

/* Page types kept in page_type. */
enum linux_page_type {
	LINUX_PT_BUDDY, LINUX_PT_OFFLINE, LINUX_PT_TABLE, LINUX_PT_GUARD,
	LINUX_PT_SLAB, LINUX_PT_HUGETLB, LINUX_PT_ZSMALLOC, LINUX_PT_UNACCEPTED,
	LINUX_PT_KMEMCG,
	LINUX_PT_NR,
};

enum linux_page_type_encoding {
	LINUX_PT_INVERTED,  // PAGE_TYPE_BASE 0xf0000000 with a cleared bit per type (<= 6.9)
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
	// The node/zone/section fields packed at the top of page->flags.
	unsigned zones_pgshift, zones_width, nodes_pgshift, nodes_width;
	unsigned sections_pgshift, sections_width;
	unsigned nr_zones;
	const char *zone_name[8];
	// Special pages.
	bool has_zero_pfn;
	uint64_t zero_pfn;
	uint64_t huge_zero_page;     // struct page of the huge zero folio, 0 if none
	unsigned max_order;          // buddy orders are < max_order
	unsigned max_folio_order;    // no folio (compound page) is larger
	uint64_t mapping_flags_mask; // PAGE_MAPPING_FLAGS (3)
	// Kernel behaviour switches for /proc/kpageflags and /proc/kpagecount.
	bool kpf_from_folio;         // stable_page_flags() reads the folio (6.10+)
	bool mapcount_precise;       // kpagecount = folio_precise_page_mapcount()
	bool idle_from_folio;        // page_is_idle() tests the folio
	bool has_memcg_ptr;          // 5.10: page->mem_cgroup instead of memcg_data
	uint64_t off_memcg_ptr;
	// Address-space names (for the single-page view), -1 if unknown.
	int64_t off_as_host, off_inode_dentry, off_dentry_alias, off_dentry_name, off_inode_ino;
};

/* The page layout of @prog, probed on first use and cached in the program. */
struct vms_error *linux_page_layout(struct vms_program *prog, const struct linux_page_layout **ret);

/* Address of the struct page of @pfn. */
struct vms_error *linux_pfn_to_page(struct vms_program *prog, uint64_t pfn, uint64_t *ret);
/* PFN of the struct page at @page (inverse of linux_pfn_to_page). */
struct vms_error *linux_page_to_pfn(struct vms_program *prog, uint64_t page, uint64_t *ret);
/* Physical address of a kernel virtual address's page: vtop then >> PAGE_SHIFT. */

struct linux_page_raw {
	uint64_t pfn;
	uint64_t page;            // struct page address
	uint64_t flags;
	uint64_t compound_head;   // raw word
	uint64_t mapping;
	uint64_t index;
	uint64_t private_;
	int32_t mapcount_raw;     // _mapcount / page_type word
	int32_t refcount;
	uint64_t memcg_data;
	bool is_tail;
	uint64_t head;            // struct page of the head when is_tail
};

/* Read and split the struct page of @pfn. */
struct vms_error *linux_page_read(struct vms_program *prog, uint64_t pfn, struct linux_page_raw *ret);
/* Split already-read struct page bytes. */
void linux_page_parse(const struct linux_page_layout *l, const uint8_t *bytes,
		      uint64_t pfn, uint64_t page, struct linux_page_raw *ret);

#endif
