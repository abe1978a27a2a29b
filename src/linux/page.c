// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/page.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "linux/kernel.h"

static struct vms_error *member(struct vms_program *prog, const char *m, uint64_t *ret)
{
	return vms_error_wrap(program_member_offset(prog, "struct page", m, ret),
			      "probing struct page");
}

/*
 * Flag names.  The bit numbers come from the dump's own `enum pageflags`
 * (they move between versions: 6.12 dropped PG_error and renumbered).  The
 * display names come from the kernel's own pageflag_names[] table
 * (mm/debug.c, an array of struct trace_print_flags ending in {0, NULL}) when
 * the dump holds it; otherwise the enum names without "PG_".
 */
static void probe_flag_names(struct vms_program *prog, struct linux_page_layout *l,
			     struct linux_kernel *k)
{
	struct vms_type *t;
	struct vms_error *err = program_find_type(prog, "enum pageflags", &t);
	int64_t nr = -1;
	if (!err) {
		for (size_t i = 0; i < vms_type_enumerator_count(t); i++) {
			const struct vms_type_enumerator *e = vms_type_enumerator(t, i);
			if (strcmp(e->name, "__NR_PAGEFLAGS") == 0)
				nr = e->value;
		}
		for (size_t i = 0; i < vms_type_enumerator_count(t); i++) {
			const struct vms_type_enumerator *e = vms_type_enumerator(t, i);
			if (e->value < 0 || e->value >= LINUX_MAX_PAGEFLAGS || (nr >= 0 && e->value >= nr))
				continue;
			// The first enumerator of a value is its primary name;
			// later ones (PG_checked, PG_swapcache...) are aliases.
			if (!l->flag_enum[e->value])
				l->flag_enum[e->value] = e->name;
			if (strcmp(e->name, "PG_head") == 0)
				l->pg_head = (int)e->value;
		}
	}
	vms_error_destroy(err);
	l->nr_pageflags = nr > 0 && nr <= LINUX_MAX_PAGEFLAGS ? (unsigned)nr : 0;

	struct program_symbol sym;
	uint64_t entsz = 0, off_mask = 0, off_name = 8;
	err = linux_var_member(prog, "pageflag_names", NULL, &sym.address, NULL);
	if (!err)
		err = program_type_size(prog, "struct trace_print_flags", &entsz);
	if (!err)
		err = program_member_offset(prog, "struct trace_print_flags", "mask", &off_mask);
	if (!err)
		err = program_member_offset(prog, "struct trace_print_flags", "name", &off_name);
	if (!err && entsz >= 16 && entsz <= 64) {
		for (unsigned i = 0; i < 2 * LINUX_MAX_PAGEFLAGS; i++) {
			uint8_t ent[64];
			struct vms_error *rerr = program_read(prog, sym.address + i * entsz, ent, entsz);
			if (rerr) {
				vms_error_destroy(rerr);
				break;
			}
			uint64_t mask, name;
			memcpy(&mask, ent + off_mask, 8);
			memcpy(&name, ent + off_name, 8);
			if (!name)
				break;
			if (!mask || (mask & (mask - 1)))
				continue;
			unsigned bit = (unsigned)__builtin_ctzll(mask);
			if (bit >= LINUX_MAX_PAGEFLAGS || l->flag_name[bit])
				continue;
			char *s;
			struct vms_error *e = program_read_string(prog, name, 32, &s);
			if (e) {
				vms_error_destroy(e);
				continue;
			}
			l->flag_name[bit] = linux_kernel_intern(k, s);
			free(s);
			l->names_from_kernel = true;
		}
	}
	vms_error_destroy(err);
	for (unsigned b = 0; b < LINUX_MAX_PAGEFLAGS; b++) {
		if (l->flag_name[b] || !l->flag_enum[b])
			continue;
		const char *n = l->flag_enum[b];
		l->flag_name[b] = strncmp(n, "PG_", 3) == 0 ? n + 3 : n;
	}
}

/* Where the struct page array starts. */
static struct vms_error *probe_memmap(struct vms_program *prog, struct linux_page_layout *l)
{
	struct program_symbol sym;
	// x86_64 with KASLR keeps the vmemmap base in a variable
	// (arch/x86/kernel/head64.c, since 4.9: "x86/mm: Enable KASLR for
	// vmemmap memory region", commit 25dfe4785332).
	struct vms_error *err = linux_var_member(prog, "vmemmap_base", NULL, &sym.address, NULL);
	if (!err) {
		l->model = LINUX_MEMMAP_VMEMMAP;
		return vms_error_wrap(program_read_u64(prog, sym.address, &l->vmemmap),
				      "reading vmemmap_base");
	}
	vms_error_destroy(err);
	const char *v = program_vmcoreinfo(prog, "NUMBER(VMEMMAP_START)");
	if (v) {
		l->model = LINUX_MEMMAP_VMEMMAP;
		l->vmemmap = strtoull(v, NULL, 0);
		return NULL;
	}
	err = linux_var_member(prog, "mem_map", NULL, &sym.address, NULL);
	if (!err) {
		l->model = LINUX_MEMMAP_FLAT;
		return vms_error_wrap(program_read_u64(prog, sym.address, &l->mem_map),
				      "reading mem_map");
	}
	vms_error_destroy(err);
	// x86_64 without a randomized vmemmap: the fixed base from
	// Documentation/x86/x86_64/mm.rst (4-level paging).
	if (strcmp(program_arch(prog), "x86_64") == 0) {
		l->model = LINUX_MEMMAP_VMEMMAP;
		l->vmemmap = 0xffffea0000000000ull;
		return NULL;
	}
	return vms_error_create(VMS_ERR_UNSUPPORTED, "cannot find the struct page array (no vmemmap_base or mem_map)");
}

static int64_t offset_or(struct vms_program *prog, const char *type, const char *m, int64_t dflt)
{
	uint64_t off;
	if (!program_has_member(prog, type, m))
		return dflt;
	struct vms_error *err = program_member_offset(prog, type, m, &off);
	if (err) {
		vms_error_destroy(err);
		return dflt;
	}
	return (int64_t)off;
}

static bool vmcoreinfo_number(struct vms_program *prog, const char *key, int64_t *ret)
{
	const char *v = program_vmcoreinfo(prog, key);
	if (!v)
		return false;
	char *end;
	long long n = strtoll(v, &end, 10);
	if (end == v)
		return false;
	*ret = n;
	return true;
}

static bool read_var_u64(struct vms_program *prog, const char *name, uint64_t *ret)
{
	struct vms_type *t;
	uint64_t addr;
	struct vms_error *err = program_variable(prog, name, &t, &addr);
	if (!err)
		err = program_read_u64(prog, addr, ret);
	if (err) {
		vms_error_destroy(err);
		return false;
	}
	return true;
}

static unsigned ilog2_u64(uint64_t v)
{
	unsigned r = 0;
	while (v > 1) {
		v >>= 1;
		r++;
	}
	return r;
}

/*
 * KERNEL FACT (to move into the kernel-facts layer): the largest folio order
 * this kernel can make, so that an order read from a corrupt struct page is
 * recognised as such.  The buddy allocator hands out orders below
 * LENGTH(zone.free_area) (VMCOREINFO, mm/vmcore_info.c: NR_PAGE_ORDERS, or
 * MAX_ORDER before 6.8), already in l->max_order.  Larger compound pages are
 * hugetlb's gigantic pages only (alloc_gigantic_folio(), mm/hugetlb.c), of
 * the orders in hstates[i].order for i < hugetlb_max_hstate; kernels after
 * 6.12 name the resulting bound MAX_FOLIO_ORDER (include/linux/mmzone.h).
 * A folio never exceeds the memory map either: at most ilog2(max_pfn).
 */
static unsigned probe_max_folio_order(struct vms_program *prog, const struct linux_page_layout *l)
{
	unsigned order = l->max_order - 1;
	struct vms_type *t;
	uint64_t addr, hsize, off, n = 0;
	struct vms_error *err = program_variable(prog, "hstates", &t, &addr);
	if (!err)
		err = program_type_size(prog, "struct hstate", &hsize);
	if (!err)
		err = program_member_offset(prog, "struct hstate", "order", &off);
	if (!err)
		err = linux_var_read_uint(prog, "hugetlb_max_hstate", "", &n);
	if (!err && hsize && n <= vms_type_size(t) / hsize) {
		for (uint64_t i = 0; i < n; i++) {
			uint32_t o;
			struct vms_error *e = program_read_u32(prog, addr + i * hsize + off, &o);
			if (!e && o > order && o < 64)
				order = o;
			vms_error_destroy(e);
		}
	}
	vms_error_destroy(err);
	if (l->max_pfn && order > ilog2_u64(l->max_pfn))
		order = ilog2_u64(l->max_pfn);
	return order;
}

/* Everything the full decoder needs beyond the basic offsets. */
static void probe_decode(struct vms_program *prog, struct linux_page_layout *l,
			 struct linux_kernel *k)
{
	static const char *const pg_names[LINUX_PG_NR] = {
		[LINUX_PG_LOCKED] = "PG_locked", [LINUX_PG_ERROR] = "PG_error",
		[LINUX_PG_REFERENCED] = "PG_referenced", [LINUX_PG_UPTODATE] = "PG_uptodate",
		[LINUX_PG_DIRTY] = "PG_dirty", [LINUX_PG_LRU] = "PG_lru",
		[LINUX_PG_ACTIVE] = "PG_active", [LINUX_PG_WORKINGSET] = "PG_workingset",
		[LINUX_PG_SLAB] = "PG_slab", [LINUX_PG_OWNER_PRIV_1] = "PG_owner_priv_1",
		[LINUX_PG_ARCH_1] = "PG_arch_1", [LINUX_PG_RESERVED] = "PG_reserved",
		[LINUX_PG_PRIVATE] = "PG_private", [LINUX_PG_PRIVATE_2] = "PG_private_2",
		[LINUX_PG_WRITEBACK] = "PG_writeback", [LINUX_PG_HEAD] = "PG_head",
		[LINUX_PG_MAPPEDTODISK] = "PG_mappedtodisk", [LINUX_PG_OWNER_2] = "PG_owner_2",
		[LINUX_PG_RECLAIM] = "PG_reclaim", [LINUX_PG_SWAPBACKED] = "PG_swapbacked",
		[LINUX_PG_UNEVICTABLE] = "PG_unevictable", [LINUX_PG_MLOCKED] = "PG_mlocked",
		[LINUX_PG_UNCACHED] = "PG_uncached", [LINUX_PG_HWPOISON] = "PG_hwpoison",
		[LINUX_PG_YOUNG] = "PG_young", [LINUX_PG_IDLE] = "PG_idle",
		[LINUX_PG_ARCH_2] = "PG_arch_2", [LINUX_PG_ARCH_3] = "PG_arch_3",
		[LINUX_PG_DOUBLE_MAP] = "PG_double_map",
		[LINUX_PG_LARGE_RMAPPABLE] = "PG_large_rmappable",
		[LINUX_PG_ANON_EXCLUSIVE] = "PG_anon_exclusive",
		[LINUX_PG_SWAPCACHE] = "PG_swapcache",
	};
	for (int i = 0; i < LINUX_PG_NR; i++) {
		int64_t v = program_enumerator_or(prog, pg_names[i], -1);
		l->pg[i] = v >= 0 && v < 64 ? (int)v : -1;
	}
	// 6.12 has PG_owner_2 where older kernels had PG_mappedtodisk; the
	// KPF bit 34 copies whichever exists (fs/proc/page.c).
	if (l->pg[LINUX_PG_MAPPEDTODISK] < 0)
		l->pg[LINUX_PG_MAPPEDTODISK] = l->pg[LINUX_PG_OWNER_2];

	// Compound metadata lives in the first tail page.  Kernels with
	// struct folio name it there (5.16+); older ones in struct page's
	// "second tail page" union, at page[1].
	bool folio = program_has_member(prog, "struct folio", "flags");
	l->off_cmp_order = l->off_flags_1 = l->off_cmp_nr = l->off_cmp_mapcount = -1;
	l->off_large_mapcount = l->off_nr_pages_mapped = l->off_cmp_dtor = -1;
	if (folio) {
		l->off_cmp_order = offset_or(prog, "struct folio", "_folio_order", -1);
		// Without _folio_order (6.6+, commit ebc1baf5c9b4 "mm: free up a
		// word in the first tail page") the order is the low byte of
		// _flags_1 (folio_order()).
		l->off_flags_1 = offset_or(prog, "struct folio", "_flags_1", -1);
		l->off_cmp_nr = offset_or(prog, "struct folio", "_folio_nr_pages", -1);
		l->off_cmp_mapcount = offset_or(prog, "struct folio", "_entire_mapcount", -1);
		if (l->off_cmp_mapcount < 0) // 6.1: _total_mapcount == compound_mapcount
			l->off_cmp_mapcount = offset_or(prog, "struct folio", "_total_mapcount", -1);
		l->off_large_mapcount = offset_or(prog, "struct folio", "_large_mapcount", -1);
		l->off_nr_pages_mapped = offset_or(prog, "struct folio", "_nr_pages_mapped", -1);
		l->off_cmp_dtor = offset_or(prog, "struct folio", "_folio_dtor", -1);
	}
	int64_t ps = (int64_t)l->page_size;
	int64_t o;
	if (l->off_cmp_order < 0 && (o = offset_or(prog, "struct page", "compound_order", -1)) >= 0)
		l->off_cmp_order = ps + o;
	if (l->off_cmp_nr < 0 && (o = offset_or(prog, "struct page", "compound_nr", -1)) >= 0)
		l->off_cmp_nr = ps + o;
	if (l->off_cmp_mapcount < 0 && (o = offset_or(prog, "struct page", "compound_mapcount", -1)) >= 0)
		l->off_cmp_mapcount = ps + o;
	if (l->off_cmp_dtor < 0 && (o = offset_or(prog, "struct page", "compound_dtor", -1)) >= 0)
		l->off_cmp_dtor = ps + o;
	l->hugetlb_dtor = program_enumerator_or(prog, "HUGETLB_PAGE_DTOR", -1);

	// Page types.  6.11 put one type in the top byte of page_type with
	// values from enum pagetype (commit 4ffca5a96678 "mm: support only one
	// page_type per page"); before, each type cleared one bit below
	// PAGE_TYPE_BASE (0xf0000000).
	memset(l->pt_value, 0, sizeof(l->pt_value));
	if (program_enumerator_or(prog, "PGTY_buddy", -1) >= 0) {
		static const char *const pgty[LINUX_PT_NR] = {
			[LINUX_PT_BUDDY] = "PGTY_buddy", [LINUX_PT_OFFLINE] = "PGTY_offline",
			[LINUX_PT_TABLE] = "PGTY_table", [LINUX_PT_GUARD] = "PGTY_guard",
			[LINUX_PT_SLAB] = "PGTY_slab", [LINUX_PT_HUGETLB] = "PGTY_hugetlb",
			[LINUX_PT_ZSMALLOC] = "PGTY_zsmalloc", [LINUX_PT_UNACCEPTED] = "PGTY_unaccepted",
			[LINUX_PT_KMEMCG] = "PGTY_kmemcg",
		};
		l->pt_encoding = LINUX_PT_TOP_BYTE;
		for (int i = 0; i < LINUX_PT_NR; i++) {
			int64_t v = program_enumerator_or(prog, pgty[i], -1);
			l->pt_value[i] = v > 0 && v < 256 ? (uint32_t)v : 0;
		}
	} else {
		int64_t v;
		l->pt_encoding = LINUX_PT_INVERTED;
		l->pt_value[LINUX_PT_BUDDY] = vmcoreinfo_number(prog, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", &v)
					      ? (uint32_t)~v : 0x80;
		l->pt_value[LINUX_PT_OFFLINE] = vmcoreinfo_number(prog, "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)", &v)
						? (uint32_t)~v : 0x100;
		// The Kmemcg type went away in 5.11 (commit 18b2db3b0385 "mm:
		// Convert page kmemcg type to a page memcg flag"), together with
		// page->mem_cgroup becoming memcg_data, and PG_table/PG_guard
		// moved down one bit.
		if (l->has_memcg) {
			l->pt_value[LINUX_PT_TABLE] = 0x200;
			l->pt_value[LINUX_PT_GUARD] = 0x400;
		} else {
			l->pt_value[LINUX_PT_KMEMCG] = 0x200;
			l->pt_value[LINUX_PT_TABLE] = 0x400;
			l->pt_value[LINUX_PT_GUARD] = 0x800;
		}
		// 6.9/6.10 exported these when hugetlb and slab became types.
		if (vmcoreinfo_number(prog, "NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)", &v))
			l->pt_value[LINUX_PT_HUGETLB] = (uint32_t)~v;
		if (vmcoreinfo_number(prog, "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)", &v))
			l->pt_value[LINUX_PT_SLAB] = (uint32_t)~v;
	}

	// Fields packed at the top of page->flags (include/linux/
	// page-flags-layout.h): [SECTION][NODE][ZONE]... from bit 63 down.
	// ZONES_SHIFT follows MAX_NR_ZONES; NODES_SHIFT is log2(MAX_NUMNODES),
	// the length of node_data[]; the section number is only there without
	// SPARSEMEM_VMEMMAP.
	int64_t nz = program_enumerator_or(prog, "__MAX_NR_ZONES", 0);
	l->nr_zones = nz > 0 && nz <= 8 ? (unsigned)nz : 0;
	l->zones_width = l->nr_zones < 2 ? 0 : l->nr_zones <= 2 ? 1 : l->nr_zones <= 4 ? 2 : 3;
	uint64_t numnodes = 0;
	int64_t v;
	if (vmcoreinfo_number(prog, "LENGTH(node_data)", &v) && v > 0) {
		numnodes = (uint64_t)v;
	} else {
		struct vms_type *t;
		uint64_t addr;
		struct vms_error *err = program_variable(prog, "node_data", &t, &addr);
		if (!err && vms_type_kind(vms_type_strip(t)) == VMS_TYPE_ARRAY)
			numnodes = vms_type_array_length(vms_type_strip(t));
		vms_error_destroy(err);
	}
	l->nodes_width = numnodes > 1 ? ilog2_u64(numnodes) : 0;
	l->sections_width = 0;
	if (l->model != LINUX_MEMMAP_VMEMMAP) {
		int64_t phys, sect;
		if (vmcoreinfo_number(prog, "NUMBER(MAX_PHYSMEM_BITS)", &phys) &&
		    vmcoreinfo_number(prog, "NUMBER(SECTION_SIZE_BITS)", &sect) && phys > sect)
			l->sections_width = (unsigned)(phys - sect);
	}
	l->sections_pgshift = 64 - l->sections_width;
	l->nodes_pgshift = l->sections_pgshift - l->nodes_width;
	l->zones_pgshift = l->nodes_pgshift - l->zones_width;
	for (unsigned z = 0; z < l->nr_zones && z < 8; z++)
		l->zone_name[z] = NULL;
	struct vms_type *zt;
	struct vms_error *err = program_find_type(prog, "enum zone_type", &zt);
	if (!err) {
		for (size_t i = 0; i < vms_type_enumerator_count(zt); i++) {
			const struct vms_type_enumerator *e = vms_type_enumerator(zt, i);
			if (e->value >= 0 && e->value < 8 && (unsigned)e->value < l->nr_zones &&
			    strncmp(e->name, "ZONE_", 5) == 0)
				l->zone_name[e->value] = e->name + 5;
		}
	}
	vms_error_destroy(err);
	// Prefer the kernel's own spelling (mm/page_alloc.c zone_names[]).
	struct program_symbol zsym;
	err = linux_var_member(prog, "zone_names", NULL, &zsym.address, NULL);
	if (!err) {
		for (unsigned z = 0; z < l->nr_zones; z++) {
			uint64_t p = 0;
			char *s = NULL;
			struct vms_error *e = program_read_u64(prog, zsym.address + 8 * z, &p);
			if (!e && p)
				e = program_read_string(prog, p, 16, &s);
			if (!e && s)
				l->zone_name[z] = linux_kernel_intern(k, s);
			free(s);
			vms_error_destroy(e);
		}
	}
	vms_error_destroy(err);

	l->has_zero_pfn = read_var_u64(prog, "zero_pfn", &l->zero_pfn);
	l->huge_zero_page = 0;
	if (!read_var_u64(prog, "huge_zero_page", &l->huge_zero_page))
		read_var_u64(prog, "huge_zero_folio", &l->huge_zero_page);
	l->max_order = vmcoreinfo_number(prog, "LENGTH(zone.free_area)", &v) && v > 0 && v < 64
			       ? (unsigned)v : 11;
	l->max_folio_order = probe_max_folio_order(prog, l);
	l->mapping_flags_mask = 3; // PAGE_MAPPING_ANON | PAGE_MAPPING_MOVABLE

	// stable_page_flags() was rewritten on folios in 6.10 (commit
	// dee3d0bef2b0 "proc: rewrite stable_page_flags()"): flags of a tail
	// come from its folio and THP means "large and large_rmappable".  The
	// PG_large_rmappable flag it tests is the probe (it exists since 6.6;
	// 6.6-6.9 are not supported kernels).
	l->kpf_from_folio = l->pg[LINUX_PG_LARGE_RMAPPABLE] >= 0;
	// /proc/kpagecount uses folio_precise_page_mapcount() since the large
	// mapcount went in (6.11, commit 05c5323b2a34 "mm: track mapcount of
	// large folios in single value").
	l->mapcount_precise = l->off_large_mapcount >= 0;
	// page_is_idle() reads the folio once folios exist (5.19 page_idle.h).
	l->idle_from_folio = folio;
	l->has_memcg_ptr = !l->has_memcg && program_has_member(prog, "struct page", "mem_cgroup");
	if (l->has_memcg_ptr)
		l->off_memcg_ptr = (uint64_t)offset_or(prog, "struct page", "mem_cgroup", 0);

	l->off_as_host = offset_or(prog, "struct address_space", "host", -1);
	l->off_inode_dentry = offset_or(prog, "struct inode", "i_dentry", -1);
	l->off_inode_ino = offset_or(prog, "struct inode", "i_ino", -1);
	l->off_dentry_alias = offset_or(prog, "struct dentry", "d_u.d_alias", -1);
	l->off_dentry_name = offset_or(prog, "struct dentry", "d_name.name", -1);
}

static struct vms_error *probe_layout(struct vms_program *prog, struct linux_page_layout *l,
				      struct linux_kernel *k)
{
	struct vms_error *err;
	l->pg_head = -1;
	if ((err = program_type_size(prog, "struct page", &l->page_size)) ||
	    (err = member(prog, "flags", &l->off_flags)) ||
	    (err = member(prog, "compound_head", &l->off_compound_head)) ||
	    (err = member(prog, "mapping", &l->off_mapping)) ||
	    (err = member(prog, "index", &l->off_index)) ||
	    (err = member(prog, "private", &l->off_private)) ||
	    (err = member(prog, "_mapcount", &l->off_mapcount)) ||
	    (err = member(prog, "_refcount", &l->off_refcount)))
		return err;
	l->has_memcg = program_has_member(prog, "struct page", "memcg_data");
	if (l->has_memcg)
		vms_error_destroy(member(prog, "memcg_data", &l->off_memcg));
	if (l->page_size == 0 || l->page_size > 256)
		return vms_error_create(VMS_ERR_FORMAT, "implausible sizeof(struct page) %" PRIu64,
					l->page_size);
	struct program_symbol sym;
	err = linux_var_member(prog, "max_pfn", NULL, &sym.address, NULL);
	if (!err)
		err = program_read_u64(prog, sym.address, &l->max_pfn);
	vms_error_destroy(err);
	probe_flag_names(prog, l, k);
	err = probe_memmap(prog, l);
	if (err)
		return err;
	probe_decode(prog, l, k);
	return NULL;
}

struct vms_error *linux_page_layout(struct vms_program *prog, const struct linux_page_layout **ret)
{
	struct linux_kernel *k;
	struct vms_error *err = linux_kernel_get(prog, &k);
	if (err)
		return err;
	if (!k->page_layout_done) {
		err = probe_layout(prog, &k->page_layout, k);
		if (err)
			return err;
		k->page_layout_done = true;
	}
	*ret = &k->page_layout;
	return NULL;
}

struct vms_error *linux_pfn_to_page(struct vms_program *prog, uint64_t pfn, uint64_t *ret)
{
	const struct linux_page_layout *l;
	struct vms_error *err = linux_page_layout(prog, &l);
	if (err)
		return err;
	switch (l->model) {
	case LINUX_MEMMAP_VMEMMAP:
		*ret = l->vmemmap + pfn * l->page_size;
		return NULL;
	case LINUX_MEMMAP_FLAT:
		*ret = l->mem_map + pfn * l->page_size;
		return NULL;
	default:
		return vms_error_create(VMS_ERR_UNSUPPORTED, "SPARSEMEM without VMEMMAP is not handled yet");
	}
}

struct vms_error *linux_page_to_pfn(struct vms_program *prog, uint64_t page, uint64_t *ret)
{
	const struct linux_page_layout *l;
	struct vms_error *err = linux_page_layout(prog, &l);
	if (err)
		return err;
	uint64_t base = l->model == LINUX_MEMMAP_FLAT ? l->mem_map : l->vmemmap;
	if (l->model == LINUX_MEMMAP_SPARSE)
		return vms_error_create(VMS_ERR_UNSUPPORTED, "SPARSEMEM without VMEMMAP is not handled yet");
	if (page < base || (page - base) % l->page_size)
		return vms_error_addr(VMS_ERR_INVALID, page, "0x%" PRIx64 " is not a struct page address", page);
	*ret = (page - base) / l->page_size;
	return NULL;
}

void linux_page_parse(const struct linux_page_layout *l, const uint8_t *b,
		      uint64_t pfn, uint64_t page, struct linux_page_raw *r)
{
	memset(r, 0, sizeof(*r));
	r->pfn = pfn;
	r->page = page;
	memcpy(&r->flags, b + l->off_flags, 8);
	memcpy(&r->compound_head, b + l->off_compound_head, 8);
	memcpy(&r->mapping, b + l->off_mapping, 8);
	memcpy(&r->index, b + l->off_index, 8);
	memcpy(&r->private_, b + l->off_private, 8);
	memcpy(&r->mapcount_raw, b + l->off_mapcount, 4);
	memcpy(&r->refcount, b + l->off_refcount, 4);
	if (l->has_memcg)
		memcpy(&r->memcg_data, b + l->off_memcg, 8);
	// Tail pages point at their head with bit 0 set (include/linux/mm_types.h
	// "compound_head"); PageTail() tests exactly that.
	if (r->compound_head & 1) {
		r->is_tail = true;
		r->head = r->compound_head - 1;
	}
}

struct vms_error *linux_page_read(struct vms_program *prog, uint64_t pfn, struct linux_page_raw *ret)
{
	const struct linux_page_layout *l;
	struct vms_error *err = linux_page_layout(prog, &l);
	if (err)
		return err;
	uint64_t page;
	err = linux_pfn_to_page(prog, pfn, &page);
	if (err)
		return err;
	uint8_t buf[256];
	err = program_read(prog, page, buf, l->page_size);
	if (err)
		return vms_error_wrap(err, "reading struct page of pfn 0x%" PRIx64, pfn);
	linux_page_parse(l, buf, pfn, page, ret);
	return NULL;
}
