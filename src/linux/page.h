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
