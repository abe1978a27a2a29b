// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The memory-model logic of linux/memmap.c on mock memory: SPARSEMEM_VMEMMAP
 * (holes, sections without a memory map, subsections), classic SPARSEMEM
 * (per-section encoded mem_map pointers), the SPARSEMEM_EXTREME root array
 * and the static mem_section[][], FLATMEM, and what happens when mem_section
 * cannot be read.
 *
 * Encodings (include/linux/mmzone.h of 5.10, 6.1 and 6.12, the same in all
 * three unless said):
 *  - SECTION_MARKED_PRESENT bit 0, SECTION_HAS_MEM_MAP bit 1,
 *    SECTION_IS_ONLINE bit 2, SECTION_IS_EARLY bit 3; SECTION_MAP_LAST_BIT
 *    is the define (1UL<<4) in 5.10 (mmzone.h:1309) and an enumerator in 6.1
 *    (mmzone.h:1727) and 6.12 (mmzone.h:1913), 5 with CONFIG_ZONE_DEVICE
 *    (SECTION_TAINT_ZONE_DEVICE_BIT 4);
 *    SECTION_MAP_MASK = ~(BIT(SECTION_MAP_LAST_BIT) - 1).
 *  - sparse_encode_mem_map(): section_mem_map = mem_map -
 *    section_nr_to_pfn(pnum); __section_mem_map_addr() masks
 *    SECTION_MAP_MASK; __pfn_to_page(pfn) = that + pfn.
 *  - SUBSECTION_SHIFT 21 (5.10 mmzone.h:1196, 6.1:1607, 6.12:1795),
 *    SUBSECTIONS_PER_SECTION = 1 << (SECTION_SIZE_BITS - 21);
 *    pfn_section_valid() tests ms->usage->subsection_map.
 *  - SECTIONS_PER_ROOT = PAGE_SIZE / sizeof(struct mem_section) with
 *    SPARSEMEM_EXTREME, else 1 (5.10:1256, 6.1:1667, 6.12:1853).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linux/memmap.h"

/* x86_64: 4 KiB pages, 128 MiB sections, 46 physical bits. */
#define PAGE_SHIFT 12
#define SECTION_BITS 27
#define SECTION_PAGES 32768
#define SUBSEC_PAGES 512
#define PAGE_STRUCT 64
#define VMEMMAP UINT64_C(0xffffea0000000000)

/* Mock memory: a few regions of bytes at kernel addresses. */
struct region {
	uint64_t addr;
	uint8_t *bytes;
	size_t len;
};
static struct region mem[16];
static size_t nmem;

static void mem_reset(void)
{
	for (size_t i = 0; i < nmem; i++)
		free(mem[i].bytes);
	nmem = 0;
}

static uint8_t *mem_add(uint64_t addr, size_t len)
{
	mem[nmem] = (struct region){ addr, calloc(1, len), len };
	return mem[nmem++].bytes;
}

static struct vms_error *mock_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	(void)arg;
	for (size_t i = 0; i < nmem; i++)
		if (addr >= mem[i].addr && addr + len <= mem[i].addr + mem[i].len) {
			memcpy(buf, mem[i].bytes + (addr - mem[i].addr), len);
			return NULL;
		}
	return vms_error_addr(VMS_ERR_NODATA, addr, "address 0x%llx is not in the dump",
			      (unsigned long long)addr);
}

/* struct mem_section of 6.1: section_mem_map 0, usage 8 (16 bytes);
 * struct mem_section_usage: subsection_map at 0 (after 5.10's 8-byte
 * pageblock_flags[] it is at 0 too: the bitmap comes first). */
#define MS_SIZE 16
static void put_section(uint8_t *root, uint64_t i, uint64_t smm, uint64_t usage)
{
	memcpy(root + i * MS_SIZE, &smm, 8);
	memcpy(root + i * MS_SIZE + 8, &usage, 8);
}

static struct linux_page_layout layout;

static struct linux_memmap *new_map(enum linux_memmap_model model, uint64_t max_pfn)
{
	memset(&layout, 0, sizeof(layout));
	layout.page_size = PAGE_STRUCT;
	layout.model = model;
	layout.vmemmap = VMEMMAP;
	layout.max_pfn = max_pfn;
	struct linux_memmap *m = calloc(1, sizeof(*m));
	m->layout = &layout;
	m->max_pfn = max_pfn;
	return m;
}

static void geom(struct linux_sparse_geom *g, int64_t last_bit)
{
	assert_null(linux_sparse_geometry(PAGE_SHIFT, SECTION_BITS, 46, last_bit, 1, 2, 21, g));
}

static uint64_t page_of(const struct linux_memmap *m, uint64_t pfn)
{
	const struct linux_memmap_range *r = linux_memmap_find(m, pfn);
	return r && !r->unreadable ? r->map_base + pfn * PAGE_STRUCT : 0;
}

static void test_geometry(void **state)
{
	(void)state;
	struct linux_sparse_geom g;
	geom(&g, 5);
	assert_int_equal(g.section_pages, SECTION_PAGES);
	assert_int_equal(g.subsec_pages, SUBSEC_PAGES);
	assert_int_equal(g.nr_subsec, 64);
	assert_int_equal(g.nr_sections, UINT64_C(1) << 19);
	assert_int_equal(g.map_mask, ~UINT64_C(0x1f));  // 6.1/6.12 with ZONE_DEVICE
	geom(&g, 4);
	assert_int_equal(g.map_mask, ~UINT64_C(0xf));   // 5.10: (1UL<<4) - 1
	// implausible numbers are refused, not trusted
	struct vms_error *bad[] = {
		linux_sparse_geometry(PAGE_SHIFT, 12, 46, 5, 1, 2, 21, &g),
		linux_sparse_geometry(PAGE_SHIFT, 27, 80, 5, 1, 2, 21, &g),
		linux_sparse_geometry(PAGE_SHIFT, 27, 46, 0, 1, 2, 21, &g),
		linux_sparse_geometry(PAGE_SHIFT, 27, 46, 5, 7, 2, 21, &g),
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_non_null(bad[i]);
		vms_error_destroy(bad[i]);
	}
}

/* SPARSEMEM_VMEMMAP with SPARSEMEM_EXTREME (x86_64): sections 0, 1 and 3
 * present, 2 absent (a hole), 4 present without a memory map (early nid
 * encoding only), section 1 with only its first and last subsections
 * valid, section 3 offline; root 1 NULL. */
static void test_vmemmap_extreme(void **state)
{
	(void)state;
	mem_reset();
	const uint64_t var = 0xffffffff82000000, rootarr = 0xffff888000100000,
		       root0 = 0xffff888000200000, usage = 0xffff888000300000;
	uint64_t per_root = 4096 / MS_SIZE; // 256
	uint64_t nr_roots = 4;
	uint8_t *v = mem_add(var, 8);
	memcpy(v, &rootarr, 8);
	uint8_t *ra = mem_add(rootarr, nr_roots * 8);
	memcpy(ra, &root0, 8);       // root 0; roots 1..3 NULL
	uint8_t *r0 = mem_add(root0, per_root * MS_SIZE);
	uint8_t *u = mem_add(usage, 3 * 16);
	uint64_t all = ~UINT64_C(0), firstlast = 1 | UINT64_C(1) << 63;
	memcpy(u, &all, 8);
	memcpy(u + 16, &firstlast, 8);
	memcpy(u + 32, &all, 8);
	// vmemmap: section_mem_map = vmemmap (mem_map - start pfn = vmemmap)
	uint64_t present = 1, has_map = 2, online = 4, early = 8;
	put_section(r0, 0, VMEMMAP | present | has_map | online | early, usage);
	put_section(r0, 1, VMEMMAP | present | has_map | online, usage + 16);
	put_section(r0, 3, VMEMMAP | present | has_map, usage + 32);
	put_section(r0, 4, (UINT64_C(3) << 5) | present, 0);  // nid 3, no map yet
	struct linux_sparse_geom g;
	geom(&g, 5);
	struct linux_memmap *m = new_map(LINUX_MEMMAP_VMEMMAP, 4 * SECTION_PAGES);
	struct linux_sparse_desc d = {
		.extreme = true, .mem_section = var, .nr_roots = nr_roots, .per_root = per_root,
		.ms_size = MS_SIZE, .off_map = 0, .has_usage = true, .off_usage = 8, .off_subsec = 0,
	};
	assert_null(linux_memmap_scan_sparse(m, &g, &d, mock_read, NULL));
	linux_memmap_finish(m);
	assert_null(m->note);
	assert_int_equal(m->nr_sections, 3);
	assert_int_equal(m->section_pages, SECTION_PAGES);
	// section 0 whole; section 1's first subsection merges with it
	assert_int_equal(m->ranges[0].start_pfn, 0);
	assert_int_equal(m->ranges[0].end_pfn, SECTION_PAGES + SUBSEC_PAGES);
	assert_true(m->ranges[0].online);
	assert_int_equal(page_of(m, 5), VMEMMAP + 5 * PAGE_STRUCT);
	assert_int_equal(page_of(m, SECTION_PAGES + 1), VMEMMAP + (SECTION_PAGES + 1) * PAGE_STRUCT);
	// a subsection hole inside section 1
	assert_null(linux_memmap_find(m, SECTION_PAGES + SUBSEC_PAGES));
	assert_null(linux_memmap_find(m, 2 * SECTION_PAGES - SUBSEC_PAGES - 1));
	assert_non_null(linux_memmap_find(m, 2 * SECTION_PAGES - SUBSEC_PAGES));
	// section 2 absent, section 3 present and offline, 4 without a map
	assert_null(linux_memmap_find(m, 2 * SECTION_PAGES + 7));
	const struct linux_memmap_range *r = linux_memmap_find(m, 3 * SECTION_PAGES);
	assert_non_null(r);
	assert_false(r->online);
	assert_int_equal(r->end_pfn, 4 * SECTION_PAGES);
	assert_null(linux_memmap_find(m, 4 * SECTION_PAGES));
	assert_int_equal(m->end_pfn, 4 * SECTION_PAGES);
	linux_memmap_destroy(m);
}

/* Classic SPARSEMEM (no vmemmap), static mem_section[NR_ROOTS][1] as
 * without SPARSEMEM_EXTREME: each section's own mem_map, encoded. */
static void test_sparse_static(void **state)
{
	(void)state;
	mem_reset();
	const uint64_t var = 0xffffffff82100000;
	const uint64_t map0 = 0xffff888010000000, map2 = 0xffff888020000000;
	uint64_t nr_roots = 8;
	uint8_t *ms = mem_add(var, nr_roots * MS_SIZE);
	uint64_t has_map = 2, online = 4;
	// sparse_encode_mem_map(): mem_map - section_nr_to_pfn(pnum)
	put_section(ms, 0, (map0 - 0 * SECTION_PAGES * PAGE_STRUCT) | has_map | online, 0);
	put_section(ms, 2, (map2 - 2 * SECTION_PAGES * PAGE_STRUCT) | has_map | online, 0);
	struct linux_sparse_geom g;
	geom(&g, 4);
	struct linux_memmap *m = new_map(LINUX_MEMMAP_SPARSE, 3 * SECTION_PAGES);
	// no usage member: whole sections (before 5.3)
	struct linux_sparse_desc d = {
		.extreme = false, .mem_section = var, .nr_roots = nr_roots, .per_root = 1,
		.ms_size = MS_SIZE, .off_map = 0, .has_usage = false,
	};
	assert_null(linux_memmap_scan_sparse(m, &g, &d, mock_read, NULL));
	linux_memmap_finish(m);
	assert_int_equal(m->nr_sections, 2);
	assert_int_equal(m->nr_ranges, 2);
	// __section_mem_map_addr(ms) + pfn
	assert_int_equal(page_of(m, 0), map0);
	assert_int_equal(page_of(m, 100), map0 + 100 * PAGE_STRUCT);
	assert_int_equal(page_of(m, 2 * SECTION_PAGES), map2);
	assert_int_equal(page_of(m, 2 * SECTION_PAGES + 9), map2 + 9 * PAGE_STRUCT);
	assert_null(linux_memmap_find(m, SECTION_PAGES));
	linux_memmap_destroy(m);
}

/* SPARSEMEM_EXTREME without vmemmap, two roots: the section number is
 * root * SECTIONS_PER_ROOT + index. */
static void test_sparse_extreme_roots(void **state)
{
	(void)state;
	mem_reset();
	const uint64_t var = 0xffffffff82200000, rootarr = 0xffff888000400000,
		       root1 = 0xffff888000500000, map = 0xffff888030000000;
	uint64_t per_root = 4;  // a small root, as with a large struct mem_section
	uint8_t *v = mem_add(var, 8);
	memcpy(v, &rootarr, 8);
	uint8_t *ra = mem_add(rootarr, 2 * 8);
	memcpy(ra + 8, &root1, 8);
	uint8_t *r1 = mem_add(root1, per_root * MS_SIZE);
	uint64_t nr = 1 * per_root + 2;  // section 6
	put_section(r1, 2, (map - nr * SECTION_PAGES * PAGE_STRUCT) | 2, 0);
	struct linux_sparse_geom g;
	geom(&g, 5);
	struct linux_memmap *m = new_map(LINUX_MEMMAP_SPARSE, 8 * SECTION_PAGES);
	struct linux_sparse_desc d = {
		.extreme = true, .mem_section = var, .nr_roots = 2, .per_root = per_root,
		.ms_size = MS_SIZE, .off_map = 0, .has_usage = true, .off_usage = 8,
	};
	assert_null(linux_memmap_scan_sparse(m, &g, &d, mock_read, NULL));
	linux_memmap_finish(m);
	assert_int_equal(m->nr_ranges, 0);  // usage NULL: no valid subsection
	// with a usage that has all subsections
	const uint64_t usage = 0xffff888000600000;
	uint8_t *u = mem_add(usage, 8);
	memset(u, 0xff, 8);
	put_section(r1, 2, (map - nr * SECTION_PAGES * PAGE_STRUCT) | 2, usage);
	linux_memmap_destroy(m);
	m = new_map(LINUX_MEMMAP_SPARSE, 8 * SECTION_PAGES);
	assert_null(linux_memmap_scan_sparse(m, &g, &d, mock_read, NULL));
	linux_memmap_finish(m);
	assert_int_equal(m->nr_ranges, 1);
	assert_int_equal(m->ranges[0].start_pfn, nr * SECTION_PAGES);
	assert_int_equal(m->ranges[0].end_pfn, (nr + 1) * SECTION_PAGES);
	assert_int_equal(page_of(m, nr * SECTION_PAGES + 3), map + 3 * PAGE_STRUCT);
	assert_false(m->ranges[0].online);
	linux_memmap_destroy(m);
}

/* mem_section unreadable: never a failure, and never invented pages.  With
 * a vmemmap the PFNs below max_pfn are walked at their fixed address; a
 * classic sparse map marks them unknown (excluded) instead. */
static void test_unreadable(void **state)
{
	(void)state;
	mem_reset();
	const uint64_t var = 0xffffffff82300000, rootarr = 0xffff888000700000;
	uint8_t *v = mem_add(var, 8);
	memcpy(v, &rootarr, 8);  // the root array itself is not in memory
	struct linux_sparse_geom g;
	geom(&g, 5);
	struct linux_sparse_desc d = {
		.extreme = true, .mem_section = var, .nr_roots = 2048, .per_root = 256,
		.ms_size = MS_SIZE, .off_map = 0, .has_usage = true, .off_usage = 8,
	};
	struct linux_memmap *m = new_map(LINUX_MEMMAP_VMEMMAP, 100000);
	assert_null(linux_memmap_scan_sparse(m, &g, &d, mock_read, NULL));
	linux_memmap_finish(m);
	assert_non_null(m->note);
	assert_non_null(strstr(m->note, "root array"));
	assert_int_equal(m->nr_ranges, 1);
	assert_int_equal(m->ranges[0].end_pfn, 100000);
	assert_int_equal(m->ranges[0].unreadable, 0);
	assert_int_equal(page_of(m, 99999), VMEMMAP + 99999 * PAGE_STRUCT);
	assert_int_equal(m->end_pfn, 100000);
	linux_memmap_destroy(m);

	m = new_map(LINUX_MEMMAP_SPARSE, 100000);
	assert_null(linux_memmap_scan_sparse(m, &g, &d, mock_read, NULL));
	linux_memmap_finish(m);
	assert_int_equal(m->nr_ranges, 1);
	assert_int_equal(m->ranges[0].unreadable, 1 + LINUX_UNKNOWN_EXCLUDED);
	assert_int_equal(page_of(m, 5), 0);
	linux_memmap_destroy(m);

	// implausible descriptions fail cleanly
	d.ms_size = 0;
	m = new_map(LINUX_MEMMAP_SPARSE, 100000);
	struct vms_error *err = linux_memmap_scan_sparse(m, &g, &d, mock_read, NULL);
	assert_non_null(err);
	vms_error_destroy(err);
	linux_memmap_destroy(m);
}

/* FLATMEM: one mem_map from PFN 0 (ARCH_PFN_OFFSET 0). */
static void test_flatmem(void **state)
{
	(void)state;
	const uint64_t mem_map = 0xc1000000;
	struct linux_memmap *m = new_map(LINUX_MEMMAP_FLAT, 4096);
	assert_null(linux_memmap_add_range(m, 0, 4096, mem_map, true, 0));
	linux_memmap_finish(m);
	assert_int_equal(page_of(m, 0), mem_map);
	assert_int_equal(page_of(m, 4095), mem_map + 4095 * PAGE_STRUCT);
	assert_null(linux_memmap_find(m, 4096));
	assert_int_equal(m->end_pfn, 4096);
	// adjacent ranges with the same base merge; others do not
	assert_null(linux_memmap_add_range(m, 4096, 5000, mem_map, true, 0));
	assert_int_equal(m->nr_ranges, 1);
	assert_null(linux_memmap_add_range(m, 6000, 7000, mem_map, true, 0));
	assert_int_equal(m->nr_ranges, 2);
	assert_null(linux_memmap_find(m, 5500));
	linux_memmap_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_geometry),
		cmocka_unit_test(test_vmemmap_extreme),
		cmocka_unit_test(test_sparse_static),
		cmocka_unit_test(test_sparse_extreme_roots),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_flatmem),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	mem_reset();
	return rc;
}
