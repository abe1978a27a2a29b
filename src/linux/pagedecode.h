// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Decoding one struct page the way the kernel itself reads it: flags by
 * meaning, the zone/node packed in page->flags, the page type, compound page
 * or folio membership (head, tail, order, THP, hugetlb), the reference and
 * map counts (mapcount computed as /proc/kpagecount does on the dump's own
 * kernel), the kind of mapping, and the /proc/kpageflags word.
 *
 * The decoder works on raw bytes and never reads memory itself: the caller
 * hands it a page source that returns the bytes of a struct page by PFN (a
 * mem_map batch in a walk, a byte image in the unit tests).  A page whose
 * head (or other page it needs) the source cannot give is still decoded from
 * what is there, with LINUX_PAGE_PARTIAL set.
 */
#ifndef VMS_LINUX_PAGEDECODE_H
#define VMS_LINUX_PAGEDECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "linux/page.h"

/* Tables derived once from a layout so that the per-page work is a few
 * loads (linux_page_fast_init()). */
struct linux_page_fast {
	uint64_t kpf_common[8][256]; // KPF bits copied 1:1 from each byte of a flags word
	uint8_t pt_top[256];         // top-byte page types: type by byte, LINUX_PT_NR if none
	uint32_t pt_inv_mask;        // inverted page types: OR of all type bits
};

void linux_page_fast_init(struct linux_page_fast *f, const struct linux_page_layout *l);

#define LINUX_MEMO_ORDERS 16

struct linux_page_info;

/* Memo of "simple" pages: not part of a compound page, in use (_refcount
 * not 0), not typed as buddy, not the zero page.  Everything the decoder
 * derives for such a page (flags by meaning, type, zone, node, use, map
 * count, KPF word...) is a function of its flags word, its _mapcount word
 * and the flag bits of its mapping word alone; the rest are its own words
 * copied out.  A walk meets the same few combinations millions of times:
 * the memo keeps the decoded page of each, by those three words. */
#define LINUX_SIMPLE_MEMO 64
struct linux_page_memo {
	struct {
		uint64_t flags, mapbits;  // the flags word, the mapping's flag bits
		int32_t mapcount_raw;
		bool mapped;              // mapping != 0
		bool valid;
		struct linux_page_info *pi;
	} slot[LINUX_SIMPLE_MEMO];
	uint64_t hits, misses;
	uint64_t next_id;  // the last memo_id given out
};

/* Where the decoder gets the struct pages it needs besides the one decoded. */
struct linux_page_source {
	/* The struct page bytes of @pfn (l->page_size of them, valid until
	 * the next call), or NULL when they cannot be read. */
	const uint8_t *(*get)(void *arg, uint64_t pfn);
	void *arg;
	/* Optional: a batch the decoder reads directly, without get(): PFNs
	 * [win_start, win_start + win_n) at win, win_ok[i] == 0xff where
	 * readable.  win_n 0: none. */
	uint64_t win_start, win_n;
	const uint8_t *win, *win_ok;
	bool win_all_ok;             // every page of the window is readable
	/* Optional tables for @l (NULL: the decoder builds them per call). */
	const struct linux_page_fast *fast;
	/* Optional memo of simple pages, zero-initialised, with its slot[].pi
	 * pointing at storage (NULL: none; only used with @fast). */
	struct linux_page_memo *simple;
	// Memo of page_mapped() over a whole compound page (5.10/6.1 look at
	// every subpage), one entry per folio order (the folios around a PFN
	// have distinct orders); owned by the decoder, zero-initialise.
	struct {
		uint64_t head_pfn_plus1;
		bool mapped;
	} memo[LINUX_MEMO_ORDERS];
	// Memo of the last free buddy block head seen (is_free_buddy_page()
	// of the pages inside it); owned by the decoder, zero-initialise.
	bool buddy_valid;
	uint64_t buddy_pfn, buddy_order;
};

enum linux_mapping_kind {
	LINUX_MAPPING_NONE,
	LINUX_MAPPING_ANON,     // anon_vma
	LINUX_MAPPING_KSM,      // KSM stable node
	LINUX_MAPPING_MOVABLE,  // non-LRU movable (movable_operations)
	LINUX_MAPPING_FILE,     // address_space
	LINUX_MAPPING_NR,
};

/* What a page is used for, in one word (pagestat totals "by type"). */
enum linux_page_use {
	LINUX_USE_BUDDY,      // free, in the buddy allocator (head or inside a free block)
	LINUX_USE_SLAB,
	LINUX_USE_PGTABLE,
	LINUX_USE_OFFLINE,
	LINUX_USE_GUARD,
	LINUX_USE_UNACCEPTED,
	LINUX_USE_ZSMALLOC,
	LINUX_USE_HUGETLB,
	LINUX_USE_THP,
	LINUX_USE_ANON,
	LINUX_USE_FILE,       // page cache (incl. shmem)
	LINUX_USE_KSM,
	LINUX_USE_MOVABLE,
	LINUX_USE_RESERVED,
	LINUX_USE_OTHER,      // allocated, none of the above (kernel)
	LINUX_USE_UNKNOWN,    // a tail page whose head could not be read
	LINUX_USE_NR,
};

#define LINUX_PAGE_HEAD      (1u << 0)  // PG_head
#define LINUX_PAGE_TAIL      (1u << 1)  // compound_head bit 0
#define LINUX_PAGE_THP       (1u << 2)
#define LINUX_PAGE_HUGETLB   (1u << 3)
#define LINUX_PAGE_MAPPED    (1u << 4)  // page_mapped()
#define LINUX_PAGE_FREE      (1u << 5)  // PageBuddy or inside a free buddy block
#define LINUX_PAGE_DOUBLEMAP (1u << 6)  // PageDoubleMap (5.10/6.1)
#define LINUX_PAGE_PARTIAL   (1u << 7)  // a page the decoder needed was unreadable
#define LINUX_PAGE_BADHEAD   (1u << 8)  // compound_head does not point into mem_map near us
#define LINUX_PAGE_ZERO      (1u << 9)  // the zero page or the huge zero folio
#define LINUX_PAGE_NOHEAD    (1u << 10) // a tail whose head's struct page is unreadable:
                                        // the folio's fields (mapping, counts, use) are unknown
#define LINUX_PAGE_BADORDER  (1u << 11) // the folio order read is one the kernel cannot make
                                        // (or the head is not aligned to it): order 0 taken

struct linux_page_info {
	uint64_t pfn, page;        // PFN and struct page address
	uint64_t flags;            // this page's flags word
	uint64_t head_flags;       // the folio's (head's) flags word
	uint64_t second_flags;     // the first tail's flags (folio _flags_1), 0 if none
	uint64_t head_pfn, head_page;
	uint64_t mapping;          // the folio's mapping, raw (low bits included)
	uint64_t mapping_obj;      // ... without its flag bits: the anon_vma, node or address_space
	uint64_t mapping_raw;      // this page's own mapping word (TAIL_MAPPING etc. on tails)
	uint64_t index, private_;  // this page's
	uint64_t compound_raw;     // this page's own compound_head/compound_info word, raw
	uint64_t memcg;            // the folio's memcg_data / mem_cgroup
	int32_t refcount;          // this page's _refcount
	int32_t page_count;        // page_count(): the folio's _refcount
	int32_t mapcount_raw;      // this page's _mapcount (page_type) word
	int32_t mapcount;          // as /proc/kpagecount computes it
	int32_t entire_mapcount;   // compound_mapcount / _entire_mapcount + 1 (large folios)
	int32_t large_mapcount;    // _large_mapcount + 1 where it exists, else -1
	uint32_t bits;             // LINUX_PAGE_*
	uint8_t type;              // this page's enum linux_page_type, LINUX_PT_NR if none
	uint8_t head_type;         // the folio's (head's) page type
	uint8_t order;             // folio order; for a free buddy head its buddy order
	uint8_t bad_order;         // the order read, with LINUX_PAGE_BADORDER
	uint8_t zone;
	uint8_t mapping_kind;      // enum linux_mapping_kind
	uint8_t use;               // enum linux_page_use
	uint16_t node;
	uint64_t kpf;              // the /proc/kpageflags word
	// Nonzero: the page came from the memo of simple pages (struct
	// linux_page_memo), and every page with the same number is alike in
	// all but its own words (pfn, page, index, private_, mapping words,
	// compound_raw, counts, memcg): a consumer may reuse what it derived.
	uint64_t memo_id;
};

/*
 * Decode the struct page @bytes of @pfn (at kernel address @page_addr).
 * @src supplies other struct pages (the head, the first tail, buddy
 * candidates); @src->get may return NULL.  Never fails; see
 * LINUX_PAGE_PARTIAL.
 */
void linux_page_decode(const struct linux_page_layout *l, struct linux_page_source *src,
		       const uint8_t *bytes, uint64_t pfn, uint64_t page_addr,
		       struct linux_page_info *ret);

/* linux_page_decode() into @buf, or, for a page @src's memo of simple pages
 * knows, into the memo: the decoded page, valid until the next call with
 * @src. */
const struct linux_page_info *linux_page_decode_ref(const struct linux_page_layout *l,
						  struct linux_page_source *src, const uint8_t *bytes,
						  uint64_t pfn, uint64_t page_addr,
						  struct linux_page_info *buf);

/* Names, for output. */
const char *linux_page_type_name(unsigned type);          // "buddy", "slab"...; NULL if none
const char *linux_mapping_kind_name(unsigned kind);       // "anon", "file"...
const char *linux_page_use_name(unsigned use);            // "buddy", "anon"...
/* The name of page flag @bit on this page, by meaning (PG_owner_priv_1 on
 * a swap-backed page is "swapcache", PG_mappedtodisk on an anonymous page
 * "anon_exclusive"...).  Falls back to the kernel's name. */
const char *linux_page_flag_name(const struct linux_page_layout *l,
				 const struct linux_page_info *pi, unsigned bit);
/* A flag's bit by any of its names ("lru", "PG_lru", "swapcache"), -1 if none. */
int linux_page_flag_bit(const struct linux_page_layout *l, const char *name);
/* Name of zone index @zone ("DMA32"), or NULL. */
const char *linux_zone_name(const struct linux_page_layout *l, unsigned zone);

#endif
