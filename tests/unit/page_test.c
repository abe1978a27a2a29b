// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The struct page decoder on byte images: a mock 64-byte struct page laid out
 * like x86_64 6.1 (flags 0, compound_head 8, mapping 24, index 32, private
 * 40, _mapcount 48, _refcount 52, memcg_data 56; compound metadata in
 * page[1]) and, for the folio generation, like 6.12.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <string.h>

#include "linux/kpf.h"
#include "linux/pagedecode.h"

#define NPAGES 1024
#define BASE UINT64_C(0xffffea0000000000)

static uint8_t image[NPAGES][64];

static uint64_t unreadable_pfn = UINT64_MAX;  // get() fails for this one

static const uint8_t *get(void *arg, uint64_t pfn)
{
	(void)arg;
	return pfn < NPAGES && pfn != unreadable_pfn ? image[pfn] : NULL;
}

static void put64(uint64_t pfn, unsigned off, uint64_t v) { memcpy(&image[pfn][off], &v, 8); }
static void put32(uint64_t pfn, unsigned off, int32_t v) { memcpy(&image[pfn][off], &v, 4); }

/* 6.1 pageflags: locked 0, referenced 1, uptodate 2, dirty 3, lru 4, active 5,
 * workingset 6, waiters 7, error 8, slab 9, owner_priv_1 10, arch_1 11,
 * reserved 12, private 13, private_2 14, writeback 15, head 16,
 * mappedtodisk 17, reclaim 18, swapbacked 19, unevictable 20, mlocked 21 */
static void layout_61(struct linux_page_layout *l)
{
	memset(l, 0, sizeof(*l));
	l->page_size = 64;
	l->off_flags = 0; l->off_compound_head = 8; l->off_mapping = 24; l->off_index = 32;
	l->off_private = 40; l->off_mapcount = 48; l->off_refcount = 52; l->off_memcg = 56;
	l->has_memcg = true;
	l->model = LINUX_MEMMAP_VMEMMAP;
	l->vmemmap = BASE;
	for (int i = 0; i < LINUX_PG_NR; i++)
		l->pg[i] = -1;
	l->pg[LINUX_PG_LOCKED] = 0; l->pg[LINUX_PG_REFERENCED] = 1; l->pg[LINUX_PG_UPTODATE] = 2;
	l->pg[LINUX_PG_DIRTY] = 3; l->pg[LINUX_PG_LRU] = 4; l->pg[LINUX_PG_ACTIVE] = 5;
	l->pg[LINUX_PG_WORKINGSET] = 6; l->pg[LINUX_PG_ERROR] = 8; l->pg[LINUX_PG_SLAB] = 9;
	l->pg[LINUX_PG_OWNER_PRIV_1] = 10; l->pg[LINUX_PG_SWAPCACHE] = 10;
	l->pg[LINUX_PG_RESERVED] = 12; l->pg[LINUX_PG_HEAD] = 16; l->pg[LINUX_PG_MAPPEDTODISK] = 17;
	l->pg[LINUX_PG_SWAPBACKED] = 19; l->pg[LINUX_PG_DOUBLE_MAP] = 6;
	l->nr_pageflags = 24;
	l->off_cmp_order = 64 + 17; l->off_cmp_mapcount = 64 + 20; l->off_cmp_dtor = 64 + 16;
	l->off_flags_1 = l->off_cmp_nr = l->off_large_mapcount = l->off_nr_pages_mapped = -1;
	l->hugetlb_dtor = 2;
	l->pt_encoding = LINUX_PT_INVERTED;
	l->pt_value[LINUX_PT_BUDDY] = 0x80; l->pt_value[LINUX_PT_OFFLINE] = 0x100;
	l->pt_value[LINUX_PT_TABLE] = 0x200; l->pt_value[LINUX_PT_GUARD] = 0x400;
	l->nr_zones = 5; l->zones_width = 3; l->nodes_width = 10;
	l->sections_pgshift = 64; l->nodes_pgshift = 54; l->zones_pgshift = 51;
	l->zone_name[1] = "DMA32";
	l->has_zero_pfn = true; l->zero_pfn = 1000;
	l->max_order = 11;
	l->mapping_anon = 1; l->mapping_ksm_bit = 2; l->mapping_flags_mask = 3;
	l->tail_bit = 1; l->folio_order_mask = 0xff;
	l->pt_base = 0xf0000000u; l->pt_reserve = -128;
	l->max_folio_order = 18; // gigantic 1 GiB hugetlb pages
}

static void blank(void)
{
	memset(image, 0, sizeof(image));
	for (uint64_t p = 0; p < NPAGES; p++) {
		put64(p, 0, UINT64_C(1) << 51); // zone 1
		put32(p, 48, -1);
		put32(p, 52, 1);
	}
}

static void decode(const struct linux_page_layout *l, uint64_t pfn, struct linux_page_info *pi)
{
	struct linux_page_source src = { .get = get };
	linux_page_decode(l, &src, image[pfn], pfn, BASE + pfn * 64, pi);
}

static void test_anon_page(void **state)
{
	(void)state;
	struct linux_page_layout l;
	layout_61(&l);
	blank();
	put64(5, 0, (UINT64_C(1) << 51) | (1 << 2) | (1 << 4) | (1 << 19)); // uptodate,lru,swapbacked
	put64(5, 24, UINT64_C(0xffff888001234561));                         // anon_vma | 1
	put32(5, 48, 2);                                                    // mapped 3 times
	put32(5, 52, 3);
	struct linux_page_info pi;
	decode(&l, 5, &pi);
	assert_int_equal(pi.mapping_kind, LINUX_MAPPING_ANON);
	assert_int_equal(pi.mapcount, 3);
	assert_int_equal(pi.refcount, 3);
	assert_int_equal(pi.zone, 1);
	assert_int_equal(pi.use, LINUX_USE_ANON);
	assert_int_equal(pi.kpf, (1u << KPF_UPTODATE) | (1u << KPF_LRU) | (1u << KPF_SWAPBACKED) |
					 (1u << KPF_MMAP) | (1u << KPF_ANON));
}

static void test_buddy_block(void **state)
{
	(void)state;
	struct linux_page_layout l;
	layout_61(&l);
	blank();
	// an order-3 free block at PFN 64: head PageBuddy, private 3, count 0
	for (uint64_t p = 64; p < 72; p++)
		put32(p, 52, 0);
	put32(64, 48, (int32_t)(0xf0000000u | (0xffffu & ~0x80u) | 0x0fff0000u));
	put64(64, 40, 3);
	struct linux_page_info pi;
	decode(&l, 64, &pi);
	assert_int_equal(pi.type, LINUX_PT_BUDDY);
	assert_int_equal(pi.order, 3);
	assert_int_equal(pi.mapcount, 0);
	assert_true(pi.kpf & (1u << KPF_BUDDY));
	decode(&l, 70, &pi);             // inside the block
	assert_true(pi.bits & LINUX_PAGE_FREE);
	assert_int_equal(pi.kpf, 1u << KPF_BUDDY);
	decode(&l, 72, &pi);             // past it
	assert_false(pi.bits & LINUX_PAGE_FREE);
}

static void test_thp_doublemap(void **state)
{
	(void)state;
	struct linux_page_layout l;
	layout_61(&l);
	blank();
	// an order-9 anon THP at PFN 512, PMD-mapped twice, PTE-mapped once
	// more on subpage 3 (PageDoubleMap, so subpage _mapcounts are +1)
	put64(512, 0, (UINT64_C(1) << 51) | (1 << 4) | (1 << 16) | (1 << 19));
	put64(512, 24, UINT64_C(0xffff888001234561));
	put32(512, 52, 3);
	put32(512, 48, 0);
	for (uint64_t p = 513; p < 1024; p++) {
		put64(p, 8, (BASE + 512 * 64) | 1);
		put32(p, 52, 0);
		put32(p, 48, 0);
	}
	put64(513, 0, (UINT64_C(1) << 51) | (1 << 6));   // PG_double_map in page[1]
	image[513][17] = 9;                              // compound_order
	image[513][16] = 3;                              // a THP dtor
	put32(513, 20, 1);                               // compound_mapcount: 2 PMDs
	put32(515, 48, 1);                               // subpage 3: one PTE (+1 double map)
	struct linux_page_info pi;
	decode(&l, 515, &pi);
	assert_true(pi.bits & LINUX_PAGE_TAIL);
	assert_int_equal(pi.head_pfn, 512);
	assert_int_equal(pi.order, 9);
	assert_true(pi.bits & LINUX_PAGE_THP);
	// page_mapcount: (1 + 1) + (1 + 1) - 1 (double map) = 3
	assert_int_equal(pi.mapcount, 3);
	assert_int_equal(pi.kpf, (1u << KPF_MMAP) | (1u << KPF_ANON) | (1u << KPF_COMPOUND_TAIL) |
					 (1u << KPF_THP));
	decode(&l, 512, &pi);
	assert_true(pi.kpf & (1u << KPF_COMPOUND_HEAD));
	assert_int_equal(pi.use, LINUX_USE_THP);
}

static void test_folio_generation(void **state)
{
	(void)state;
	struct linux_page_layout l;
	layout_61(&l);
	// 6.12: page types in the top byte, folio-based KPF, precise mapcount
	l.pt_encoding = LINUX_PT_TOP_BYTE;
	memset(l.pt_value, 0, sizeof(l.pt_value));
	l.pt_value[LINUX_PT_BUDDY] = 0xf0; l.pt_value[LINUX_PT_SLAB] = 0xf5;
	l.pt_value[LINUX_PT_HUGETLB] = 0xf4; l.pt_has_type_below = 0xff000000u; l.pt_shift = 24;
	l.pg[LINUX_PG_LARGE_RMAPPABLE] = 9;
	l.pg[LINUX_PG_DOUBLE_MAP] = -1;
	l.off_cmp_order = -1; l.off_flags_1 = 64; l.off_large_mapcount = 64 + 16;
	l.off_cmp_mapcount = 64 + 20;
	l.kpf_from_folio = true;
	l.mapcount_precise = true;
	blank();
	put64(512, 0, (UINT64_C(1) << 51) | (1 << 4) | (1 << 16));
	put64(512, 24, UINT64_C(0xffff888001234561));
	put32(512, 52, 2);
	for (uint64_t p = 513; p < 1024; p++)
		put64(p, 8, (BASE + 512 * 64) | 1);
	put64(513, 0, (UINT64_C(1) << 9) | 9);  // large_rmappable, order 9 in _flags_1
	put32(513, 16, 0);                      // _large_mapcount: 1 mapping
	put32(513, 20, -1);                     // not PMD-mapped
	put32(600, 48, 0);                      // subpage 88 PTE-mapped
	struct linux_page_info pi;
	decode(&l, 600, &pi);
	assert_int_equal(pi.order, 9);
	assert_int_equal(pi.mapcount, 1);
	// the tail reports its folio's flags (lru) and, like 6.12, KSM on anon
	assert_int_equal(pi.kpf, (1u << KPF_LRU) | (1u << KPF_MMAP) | (1u << KPF_ANON) |
					 (1u << KPF_KSM) | (1u << KPF_COMPOUND_TAIL) | (1u << KPF_THP));
	decode(&l, 601, &pi);
	assert_int_equal(pi.mapcount, 0);
	assert_true(pi.kpf & (1u << KPF_MMAP));  // folio_mapped()
	// a slab page: type in the top byte, kpagecount 0
	put32(10, 48, (int32_t)0xf5000000u);
	decode(&l, 10, &pi);
	assert_int_equal(pi.type, LINUX_PT_SLAB);
	assert_int_equal(pi.mapcount, 0);
	assert_int_equal(pi.kpf, 1u << KPF_SLAB);
}

static void test_unreadable_head(void **state)
{
	(void)state;
	struct linux_page_layout l;
	layout_61(&l);
	blank();
	// a tail whose head lies outside the image
	put64(3, 8, (BASE - 64 * 4) | 1);
	struct linux_page_info pi;
	struct linux_page_source src = { .get = get };
	linux_page_decode(&l, &src, image[3], 3, BASE + 3 * 64, &pi);
	assert_true(pi.bits & LINUX_PAGE_BADHEAD);
	// zero page
	decode(&l, 1000, &pi);
	assert_true(pi.kpf & (1u << KPF_ZERO_PAGE));
}

/* A THP tail whose head's struct page is unreadable (excluded from the
 * dump): nothing of the folio may be taken from the tail itself (its
 * mapping word is TAIL_MAPPING poison, not an address_space). */
static void test_tail_head_unreadable(void **state)
{
	(void)state;
	struct linux_page_layout l;
	layout_61(&l);
	blank();
	put64(64, 0, UINT64_C(1) << 16 | 1 << 4 | 1 << 19);  // head, lru, swapbacked
	put64(64, 24, 0xffff888012345001);                   // anon_vma
	for (uint64_t p = 65; p < 128; p++) {
		put64(p, 8, (BASE + 64 * 64) | 1);
		put64(p, 24, 0xdead000000000400);            // TAIL_MAPPING
	}
	unreadable_pfn = 64;
	struct linux_page_info pi;
	struct linux_page_source src = { .get = get };
	linux_page_decode(&l, &src, image[70], 70, BASE + 70 * 64, &pi);
	unreadable_pfn = UINT64_MAX;
	assert_true(pi.bits & LINUX_PAGE_TAIL);
	assert_true(pi.bits & LINUX_PAGE_PARTIAL);
	assert_true(pi.bits & LINUX_PAGE_NOHEAD);
	assert_int_equal(pi.head_pfn, 64);
	assert_int_equal(pi.use, LINUX_USE_UNKNOWN);
	assert_int_equal(pi.mapping_kind, LINUX_MAPPING_NONE);
	assert_int_equal(pi.mapping, 0);
	assert_int_equal(pi.kpf, UINT64_C(1) << KPF_COMPOUND_TAIL);
	// readable: the same tail decodes as the THP's
	linux_page_decode(&l, &src, image[70], 70, BASE + 70 * 64, &pi);
	assert_false(pi.bits & LINUX_PAGE_NOHEAD);
	assert_int_equal(pi.mapping_kind, LINUX_MAPPING_ANON);
}

/* A struct page whose flags word is all ones (found by fuzzing a dump's
 * memory): a "head" whose first tail gives order 229.  The decoder once
 * shifted by it (UBSan) and would loop 2^order times for orders 23-63; now
 * an order the kernel cannot make, or a head not aligned to its order, is
 * flagged and taken as 0. */
static void test_bad_order(void **state)
{
	(void)state;
	struct linux_page_layout l;
	layout_61(&l);
	const uint8_t orders[] = {229, 63, 40, 23, 19};
	for (size_t i = 0; i < sizeof(orders); i++) {
		blank();
		put64(256, 0, UINT64_MAX);
		image[257][17] = orders[i];
		struct linux_page_info pi;
		decode(&l, 256, &pi);
		assert_true(pi.bits & LINUX_PAGE_HEAD);
		assert_true(pi.bits & LINUX_PAGE_BADORDER);
		assert_true(pi.bits & LINUX_PAGE_PARTIAL);
		assert_int_equal(pi.bad_order, orders[i]);
		assert_int_equal(pi.order, 0);
	}
	// the largest order the kernel makes passes; a head not aligned to
	// its order (order 3 at PFN 260) does not
	blank();
	put64(0, 0, UINT64_MAX);
	image[1][17] = 18;
	struct linux_page_info pi;
	decode(&l, 0, &pi);
	assert_false(pi.bits & LINUX_PAGE_BADORDER);
	assert_int_equal(pi.order, 18);
	blank();
	put64(260, 0, (UINT64_C(1) << 51) | (1 << 16));
	image[261][17] = 3;
	decode(&l, 260, &pi);
	assert_true(pi.bits & LINUX_PAGE_BADORDER);
	assert_int_equal(pi.bad_order, 3);
	// a tail of the bogus head: same answer, no loop
	blank();
	put64(256, 0, UINT64_MAX);
	image[257][17] = 229;
	put64(300, 8, (BASE + 256 * 64) | 1);
	decode(&l, 300, &pi);
	assert_true(pi.bits & LINUX_PAGE_TAIL);
	assert_true(pi.bits & LINUX_PAGE_BADORDER);
}

/* Map counts at the edge of int (found by fuzzing: UBSan on a signed
 * overflow): they wrap as in the kernel, which builds with
 * -fno-strict-overflow. */
static void test_count_overflow(void **state)
{
	(void)state;
	struct linux_page_layout l;
	layout_61(&l);
	blank();
	put64(512, 0, (UINT64_C(1) << 51) | (1 << 16));  // a head
	put64(512, 24, UINT64_C(0xffff888001234561));    // anon
	put32(512, 48, INT32_MAX);
	image[513][17] = 9;
	put32(513, 20, INT32_MAX);                       // compound_mapcount
	for (uint64_t p = 513; p < 1024; p++)
		put64(p, 8, (BASE + 512 * 64) | 1);
	struct linux_page_info pi;
	decode(&l, 512, &pi);
	assert_int_equal(pi.entire_mapcount, INT32_MIN);
	assert_int_equal(pi.mapcount, 0); // INT32_MIN + INT32_MIN wraps to 0
	assert_true(pi.bits & LINUX_PAGE_MAPPED); // its own _mapcount INT32_MAX >= 0
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_anon_page),
		cmocka_unit_test(test_buddy_block),
		cmocka_unit_test(test_thp_doublemap),
		cmocka_unit_test(test_folio_generation),
		cmocka_unit_test(test_unreadable_head),
		cmocka_unit_test(test_tail_head_unreadable),
		cmocka_unit_test(test_bad_order),
		cmocka_unit_test(test_count_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
