// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * /proc/kpageflags from a dump: the KPF_* word the dump's own kernel would
 * have returned for a page, computed from a decoded struct page exactly as
 * stable_page_flags() in fs/proc/page.c of that kernel does (5.10/6.1 read
 * the page and its compound head; 6.10+ read the folio).  The KPF bit
 * numbers are ABI (include/uapi/linux/kernel-page-flags.h) and do not move.
 */
#ifndef VMS_LINUX_KPF_H
#define VMS_LINUX_KPF_H

#include <stdint.h>

#include "linux/pagedecode.h"

enum {
	KPF_LOCKED = 0, KPF_ERROR = 1, KPF_REFERENCED = 2, KPF_UPTODATE = 3,
	KPF_DIRTY = 4, KPF_LRU = 5, KPF_ACTIVE = 6, KPF_SLAB = 7,
	KPF_WRITEBACK = 8, KPF_RECLAIM = 9, KPF_BUDDY = 10, KPF_MMAP = 11,
	KPF_ANON = 12, KPF_SWAPCACHE = 13, KPF_SWAPBACKED = 14,
	KPF_COMPOUND_HEAD = 15, KPF_COMPOUND_TAIL = 16, KPF_HUGE = 17,
	KPF_UNEVICTABLE = 18, KPF_HWPOISON = 19, KPF_NOPAGE = 20, KPF_KSM = 21,
	KPF_THP = 22, KPF_OFFLINE = 23, KPF_ZERO_PAGE = 24, KPF_IDLE = 25,
	KPF_PGTABLE = 26,
	// kernel-internal bits, exported too (include/linux/kernel-page-flags.h)
	KPF_RESERVED = 32, KPF_MLOCKED = 33, KPF_MAPPEDTODISK = 34, KPF_PRIVATE = 35,
	KPF_PRIVATE_2 = 36, KPF_OWNER_PRIVATE = 37, KPF_ARCH = 38, KPF_UNCACHED = 39,
	KPF_SOFTDIRTY = 40, KPF_ARCH_2 = 41, KPF_ARCH_3 = 42,
};

/* The KPF word of decoded page @pi (see linux_page_decode()), the flag bits
 * copied 1:1 looked up in @tab, filled once by linux_kpf_common_table() (8
 * lookups instead of a test per flag). */
void linux_kpf_common_table(const struct linux_page_layout *l, uint64_t tab[8][256]);
uint64_t linux_page_kpf_tab(const struct linux_page_layout *l, const uint64_t tab[8][256],
			    const struct linux_page_info *pi);

/* Short lowercase name of KPF bit @bit as tools/mm/page-types spells it
 * ("lru", "compound_head", "thp"), or NULL for an unused bit. */
const char *linux_kpf_name(unsigned bit);

#endif
