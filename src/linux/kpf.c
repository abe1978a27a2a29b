// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/kpf.h"

#include <stdbool.h>

static inline uint64_t copy_bit(const struct linux_page_layout *l, uint64_t flags,
				unsigned kpf, enum linux_pg pg)
{
	return l->pg[pg] >= 0 ? ((flags >> l->pg[pg]) & 1) << kpf : 0;
}

static inline bool test(const struct linux_page_layout *l, uint64_t flags, enum linux_pg pg)
{
	return l->pg[pg] >= 0 && ((flags >> l->pg[pg]) & 1);
}

/* Flags copied one to one from a flags word (both generations). */
static uint64_t copy_common(const struct linux_page_layout *l, uint64_t k)
{
	uint64_t u = 0;
	u |= copy_bit(l, k, KPF_LOCKED, LINUX_PG_LOCKED);
	u |= copy_bit(l, k, KPF_ERROR, LINUX_PG_ERROR);
	u |= copy_bit(l, k, KPF_DIRTY, LINUX_PG_DIRTY);
	u |= copy_bit(l, k, KPF_UPTODATE, LINUX_PG_UPTODATE);
	u |= copy_bit(l, k, KPF_WRITEBACK, LINUX_PG_WRITEBACK);
	u |= copy_bit(l, k, KPF_LRU, LINUX_PG_LRU);
	u |= copy_bit(l, k, KPF_REFERENCED, LINUX_PG_REFERENCED);
	u |= copy_bit(l, k, KPF_ACTIVE, LINUX_PG_ACTIVE);
	u |= copy_bit(l, k, KPF_RECLAIM, LINUX_PG_RECLAIM);
	u |= copy_bit(l, k, KPF_SWAPBACKED, LINUX_PG_SWAPBACKED);
	u |= copy_bit(l, k, KPF_UNEVICTABLE, LINUX_PG_UNEVICTABLE);
	u |= copy_bit(l, k, KPF_MLOCKED, LINUX_PG_MLOCKED);
	u |= copy_bit(l, k, KPF_RESERVED, LINUX_PG_RESERVED);
	// bit 34: PG_mappedtodisk, or PG_owner_2 on 6.12 (KPF_OWNER_2)
	u |= copy_bit(l, k, KPF_MAPPEDTODISK, LINUX_PG_MAPPEDTODISK);
	u |= copy_bit(l, k, KPF_PRIVATE, LINUX_PG_PRIVATE);
	u |= copy_bit(l, k, KPF_PRIVATE_2, LINUX_PG_PRIVATE_2);
	u |= copy_bit(l, k, KPF_OWNER_PRIVATE, LINUX_PG_OWNER_PRIV_1);
	u |= copy_bit(l, k, KPF_ARCH, LINUX_PG_ARCH_1);
	u |= copy_bit(l, k, KPF_ARCH_2, LINUX_PG_ARCH_2);
	u |= copy_bit(l, k, KPF_ARCH_3, LINUX_PG_ARCH_3);
	u |= copy_bit(l, k, KPF_UNCACHED, LINUX_PG_UNCACHED);
	return u;
}

/* copy_common() by table lookups: one per byte of the flags word. */
static inline uint64_t common_of(const struct linux_page_layout *l, const uint64_t (*tab)[256],
				 uint64_t k)
{
	if (!tab)
		return copy_common(l, k);
	return tab[0][k & 0xff] | tab[1][(k >> 8) & 0xff] | tab[2][(k >> 16) & 0xff] |
	       tab[3][(k >> 24) & 0xff] | tab[4][(k >> 32) & 0xff] | tab[5][(k >> 40) & 0xff] |
	       tab[6][(k >> 48) & 0xff] | tab[7][k >> 56];
}

void linux_kpf_common_table(const struct linux_page_layout *l, uint64_t tab[8][256])
{
	// copy_common() is an OR of single-bit copies, so it distributes over
	// the bytes of the flags word.
	for (unsigned b = 0; b < 8; b++) {
		tab[b][0] = 0;
		for (unsigned v = 1; v < 256; v++) {
			unsigned low = v & -v;
			tab[b][v] = tab[b][v & ~low] | copy_common(l, (uint64_t)low << (8 * b));
		}
	}
}

/* fs/proc/page.c stable_page_flags() before 6.10: the page's own flags, with
 * PageAnon/PageKsm/PageSlab/PageSwapCache/PageLRU answered by its head. */
static inline uint64_t kpf_page(const struct linux_page_layout *l, const uint64_t (*tab)[256],
				const struct linux_page_info *pi)
{
	uint64_t k = pi->flags, u = 0;
	bool slab = test(l, pi->head_flags, LINUX_PG_SLAB);
	bool anon = pi->mapping & l->mapping_anon;
	bool head = pi->bits & LINUX_PAGE_HEAD, tail = pi->bits & LINUX_PAGE_TAIL;

	if (!slab && (pi->bits & LINUX_PAGE_MAPPED))
		u |= UINT64_C(1) << KPF_MMAP;
	if (anon)
		u |= UINT64_C(1) << KPF_ANON;
	if ((pi->mapping & l->mapping_flags_mask) == l->mapping_flags_mask)
		u |= UINT64_C(1) << KPF_KSM;
	if (head)
		u |= UINT64_C(1) << KPF_COMPOUND_HEAD;
	if (tail)
		u |= UINT64_C(1) << KPF_COMPOUND_TAIL;
	if (pi->bits & LINUX_PAGE_HUGETLB) {
		u |= UINT64_C(1) << KPF_HUGE;
	} else if (head || tail) {
		// PageTransCompound: THP if the head is on the LRU or anonymous
		if (test(l, pi->head_flags, LINUX_PG_LRU) || anon)
			u |= UINT64_C(1) << KPF_THP;
		else if (l->huge_zero_page && pi->head_page == l->huge_zero_page)
			u |= (UINT64_C(1) << KPF_ZERO_PAGE) | (UINT64_C(1) << KPF_THP);
	} else if (l->has_zero_pfn && pi->pfn == l->zero_pfn) {
		u |= UINT64_C(1) << KPF_ZERO_PAGE;
	}
	if (pi->bits & LINUX_PAGE_FREE)
		u |= UINT64_C(1) << KPF_BUDDY;
	if (pi->type == LINUX_PT_OFFLINE)
		u |= UINT64_C(1) << KPF_OFFLINE;
	if (pi->type == LINUX_PT_TABLE)
		u |= UINT64_C(1) << KPF_PGTABLE;
	u |= copy_bit(l, l->idle_from_folio ? pi->head_flags : k, KPF_IDLE, LINUX_PG_IDLE);
	u |= copy_bit(l, k, KPF_SLAB, LINUX_PG_SLAB);
	if (tail && slab)
		u |= UINT64_C(1) << KPF_SLAB;
	// PageSwapCache(): swap-backed and PG_swapcache, on the head
	if (test(l, pi->head_flags, LINUX_PG_SWAPBACKED) && test(l, pi->head_flags, LINUX_PG_SWAPCACHE))
		u |= UINT64_C(1) << KPF_SWAPCACHE;
	u |= copy_bit(l, k, KPF_HWPOISON, LINUX_PG_HWPOISON);
	return u | common_of(l, tab, k);
}

/* 6.10+ (commit dee3d0bef2b0 "proc: rewrite stable_page_flags()"): the
 * folio's flags for everything but head/tail, buddy, offline, pgtable and
 * (outside hugetlb) hwpoison. */
static inline uint64_t kpf_folio(const struct linux_page_layout *l, const uint64_t (*tab)[256],
				 const struct linux_page_info *pi)
{
	uint64_t k = pi->head_flags, u = 0;
	if (pi->bits & LINUX_PAGE_MAPPED)
		u |= UINT64_C(1) << KPF_MMAP;
	if (pi->mapping & l->mapping_anon) {
		u |= UINT64_C(1) << KPF_ANON;
		// 6.10-6.16: "if (mapping & PAGE_MAPPING_KSM)" with
		// PAGE_MAPPING_KSM = ANON | MOVABLE is true for every anonymous
		// folio: the kernel reports KPF_KSM on all anon pages, and so do
		// we (the page's real KSM-ness is mapping_kind).  7.x tests
		// folio_test_ksm().
		uint64_t bits = pi->mapping & l->mapping_flags_mask;
		if (l->kpf_ksm_exact ? bits == l->mapping_flags_mask : bits != 0)
			u |= UINT64_C(1) << KPF_KSM;
	}
	if (!(pi->bits & LINUX_PAGE_TAIL))
		u |= copy_bit(l, k, KPF_COMPOUND_HEAD, LINUX_PG_HEAD);
	else
		u |= UINT64_C(1) << KPF_COMPOUND_TAIL;
	if (pi->head_type == LINUX_PT_HUGETLB)
		u |= UINT64_C(1) << KPF_HUGE;
	else if (test(l, k, LINUX_PG_HEAD) && test(l, pi->second_flags, LINUX_PG_LARGE_RMAPPABLE))
		u |= UINT64_C(1) << KPF_THP;
	else if (l->huge_zero_page && pi->head_page == l->huge_zero_page)
		u |= (UINT64_C(1) << KPF_ZERO_PAGE) | (UINT64_C(1) << KPF_THP);
	else if (l->has_zero_pfn && pi->head_pfn == l->zero_pfn)
		u |= UINT64_C(1) << KPF_ZERO_PAGE;
	if (pi->bits & LINUX_PAGE_FREE)
		u |= UINT64_C(1) << KPF_BUDDY;
	// PageOffline(page)/PageTable(page) up to 6.16; the snapshot's
	// folio_test_offline()/folio_test_pgtable() in 7.x
	unsigned type = l->kpf_snapshot ? pi->head_type : pi->type;
	if (type == LINUX_PT_OFFLINE)
		u |= UINT64_C(1) << KPF_OFFLINE;
	if (type == LINUX_PT_TABLE)
		u |= UINT64_C(1) << KPF_PGTABLE;
	if (pi->head_type == LINUX_PT_SLAB)
		u |= UINT64_C(1) << KPF_SLAB;
	u |= copy_bit(l, k, KPF_IDLE, LINUX_PG_IDLE);
	if (test(l, k, LINUX_PG_SWAPBACKED) && test(l, k, LINUX_PG_SWAPCACHE))
		u |= UINT64_C(1) << KPF_SWAPCACHE;
	if (u & (UINT64_C(1) << KPF_HUGE))
		u |= copy_bit(l, k, KPF_HWPOISON, LINUX_PG_HWPOISON);
	else
		u |= copy_bit(l, pi->flags, KPF_HWPOISON, LINUX_PG_HWPOISON);
	return u | common_of(l, tab, k);
}

uint64_t linux_page_kpf_tab(const struct linux_page_layout *l, const uint64_t tab[8][256],
			    const struct linux_page_info *pi)
{
	return l->kpf_from_folio ? kpf_folio(l, tab, pi) : kpf_page(l, tab, pi);
}

const char *linux_kpf_name(unsigned bit)
{
	// tools/mm/page-types.c page_flag_names[], without the one-letter tags
	static const char *const names[64] = {
		[KPF_LOCKED] = "locked", [KPF_ERROR] = "error", [KPF_REFERENCED] = "referenced",
		[KPF_UPTODATE] = "uptodate", [KPF_DIRTY] = "dirty", [KPF_LRU] = "lru",
		[KPF_ACTIVE] = "active", [KPF_SLAB] = "slab", [KPF_WRITEBACK] = "writeback",
		[KPF_RECLAIM] = "reclaim", [KPF_BUDDY] = "buddy", [KPF_MMAP] = "mmap",
		[KPF_ANON] = "anonymous", [KPF_SWAPCACHE] = "swapcache",
		[KPF_SWAPBACKED] = "swapbacked", [KPF_COMPOUND_HEAD] = "compound_head",
		[KPF_COMPOUND_TAIL] = "compound_tail", [KPF_HUGE] = "huge",
		[KPF_UNEVICTABLE] = "unevictable", [KPF_HWPOISON] = "hwpoison",
		[KPF_NOPAGE] = "nopage", [KPF_KSM] = "ksm", [KPF_THP] = "thp",
		[KPF_OFFLINE] = "offline", [KPF_ZERO_PAGE] = "zero_page", [KPF_IDLE] = "idle",
		[KPF_PGTABLE] = "pgtable", [KPF_RESERVED] = "reserved", [KPF_MLOCKED] = "mlocked",
		[KPF_MAPPEDTODISK] = "mappedtodisk", [KPF_PRIVATE] = "private",
		[KPF_PRIVATE_2] = "private_2", [KPF_OWNER_PRIVATE] = "owner_private",
		[KPF_ARCH] = "arch", [KPF_UNCACHED] = "uncached", [KPF_SOFTDIRTY] = "softdirty",
		[KPF_ARCH_2] = "arch_2", [KPF_ARCH_3] = "arch_3",
	};
	return bit < 64 ? names[bit] : NULL;
}
