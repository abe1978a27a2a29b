// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * A decoded struct page as a record (base/record.h): the fields `pages`
 * streams and `page` answers with, declared once.
 */
#ifndef VMS_CLI_PAGE_RECORD_H
#define VMS_CLI_PAGE_RECORD_H

#include "base/record.h"
#include "linux/pagedecode.h"

enum page_field {
	PF_PFN, PF_PAGE, PF_FLAGS, PF_FLAG_NAMES, PF_KPF, PF_KPF_NAMES, PF_ZONE, PF_NODE,
	PF_USE, PF_PAGE_TYPE, PF_ORDER, PF_HEAD, PF_TAIL, PF_HEAD_PFN, PF_HEAD_PAGE, PF_THP,
	PF_HUGETLB, PF_FREE, PF_REFCOUNT, PF_PAGE_COUNT, PF_MAPCOUNT, PF_MAPCOUNT_RAW,
	PF_ENTIRE_MAPCOUNT, PF_LARGE_MAPCOUNT, PF_DOUBLE_MAP, PF_MAPPED, PF_MAPPING,
	PF_MAPPING_RAW, PF_MAPPING_KIND, PF_ANON_VMA, PF_KSM_STABLE_NODE, PF_MOVABLE_OPS,
	PF_ADDRESS_SPACE, PF_INDEX, PF_PRIVATE, PF_MEMCG, PF_PARTIAL, PF_HEAD_UNREADABLE, PF_BAD_ORDER,
	PF_NR
};

/* The pages table (`pages`): text columns PFN FLAGS ZONE USE CNT MAP OR
 * MAPPING NAMES, with a KPF column before NAMES in page_kpf_schema. */
extern const struct rec_schema page_schema, page_kpf_schema;

/* The names of flags words and KPF words met before, encoded once
 * (struct rec_strs_enc): a stream of pages meets the same few thousand
 * combinations millions of times.  Zero-initialise; one per thread. */
#define PAGE_NAMES_CACHE 256
struct page_record_cache {
	struct page_names_slot {
		uint64_t key, variant;  // the word, and what else names depend on
		bool valid;
		struct rec_strs_enc enc;
	} flags[PAGE_NAMES_CACHE], kpf[PAGE_NAMES_CACHE];
};
void page_record_cache_release(struct page_record_cache *c);

/* Fill @r (reset first) with the fields of @pi; with @table only those the
 * text table shows.  @cache may be NULL. */
void page_record_fill(struct rec_row *r, const struct linux_page_layout *l,
		      const struct linux_page_info *pi, bool table, struct page_record_cache *cache);

#endif
