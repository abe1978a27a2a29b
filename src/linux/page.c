// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/page.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "linux/kernel.h"
#include "linux/kfacts.h"

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
	struct vms_type *t = kf_type(prog, KF_ENUM_PAGEFLAGS);
	int64_t nr = kf_const_or(prog, KF_NR_PAGEFLAGS, -1);
	for (size_t i = 0; t && i < vms_type_enumerator_count(t); i++) {
		const struct vms_type_enumerator *e = vms_type_enumerator(t, i);
		if (e->value < 0 || e->value >= LINUX_MAX_PAGEFLAGS || (nr >= 0 && e->value >= nr))
			continue;
		// The first enumerator of a value is its primary name;
		// later ones (PG_checked, PG_swapcache...) are aliases.
		if (!l->flag_enum[e->value])
			l->flag_enum[e->value] = e->name;
	}
	l->nr_pageflags = nr > 0 && nr <= LINUX_MAX_PAGEFLAGS ? (unsigned)nr : 0;

	uint64_t names, entsz = kf_size(prog, KF_TRACE_PRINT_FLAGS);
	int64_t off_mask = kf_off(prog, KF_TPF_MASK), off_name = kf_off(prog, KF_TPF_NAME);
	struct vms_error *err = kf_var(prog, KF_PAGEFLAG_NAMES, &names, NULL);
	if (!err && off_mask >= 0 && off_name >= 0 && entsz >= 16 && entsz <= 64) {
		for (unsigned i = 0; i < 2 * LINUX_MAX_PAGEFLAGS; i++) {
			uint8_t ent[64];
			struct vms_error *rerr = program_read(prog, names + i * entsz, ent, entsz);
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
			char *str;
			struct vms_error *e = program_read_string(prog, name, 32, &str);
			if (e) {
				vms_error_destroy(e);
				continue;
			}
			l->flag_name[bit] = linux_kernel_intern(k, str);
			free(str);
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
VMS_MUST_CHECK static struct vms_error *probe_memmap(struct vms_program *prog, struct linux_page_layout *l)
{
	uint64_t addr;
	int64_t start;
	// x86_64 with KASLR keeps the vmemmap base in a variable.
	if (kf_has(prog, KF_VMEMMAP_BASE)) {
		l->model = LINUX_MEMMAP_VMEMMAP;
		struct vms_error *err = kf_var(prog, KF_VMEMMAP_BASE, &addr, NULL);
		if (!err)
			err = program_read_u64(prog, addr, &l->vmemmap);
		return vms_error_wrap(err, "reading vmemmap_base");
	}
	if (vms_ok(kf_const(prog, KF_VMEMMAP_START, &start))) {
		l->model = LINUX_MEMMAP_VMEMMAP;
		l->vmemmap = (uint64_t)start;
		return NULL;
	}
	if (kf_has(prog, KF_MEM_MAP)) {
		l->model = LINUX_MEMMAP_FLAT;
		struct vms_error *err = kf_var(prog, KF_MEM_MAP, &addr, NULL);
		if (!err)
			err = program_read_u64(prog, addr, &l->mem_map);
		return vms_error_wrap(err, "reading mem_map");
	}
	// x86_64 without a randomized vmemmap: the fixed base.
	if (strcmp(program_arch(prog), "x86_64") == 0 &&
	    vms_ok(kf_const(prog, KF_X86_64_VMEMMAP_START_L4, &start))) {
		l->model = LINUX_MEMMAP_VMEMMAP;
		l->vmemmap = (uint64_t)start;
		return NULL;
	}
	return vms_error_create(VMS_ERR_UNSUPPORTED, "cannot find the struct page array (no vmemmap_base or mem_map)");
}

static bool read_var_u64(struct vms_program *prog, enum kf_id id, uint64_t *ret)
{
	uint64_t addr;
	struct vms_error *err = kf_var(prog, id, &addr, NULL);
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

/* A byte offset in the first tail page: @id's offset plus one struct page,
 * -1 when this kernel has no such member. */
static int64_t tail_off(struct vms_program *prog, struct linux_page_layout *l, enum kf_id id)
{
	int64_t o = kf_off(prog, id);
	return o >= 0 ? (int64_t)l->page_size + o : -1;
}

/* Page types (a union with _mapcount). */
static void probe_page_types(struct vms_program *prog, struct linux_page_layout *l)
{
	memset(l->pt_value, 0, sizeof(l->pt_value));
	if (kf_probe(prog, KF_PAGE_TYPE_TOP_BYTE)) {
		static const enum kf_id pgty[LINUX_PT_NR] = {
			[LINUX_PT_BUDDY] = KF_PGTY_BUDDY, [LINUX_PT_OFFLINE] = KF_PGTY_OFFLINE,
			[LINUX_PT_TABLE] = KF_PGTY_TABLE, [LINUX_PT_GUARD] = KF_PGTY_GUARD,
			[LINUX_PT_SLAB] = KF_PGTY_SLAB, [LINUX_PT_HUGETLB] = KF_PGTY_HUGETLB,
			[LINUX_PT_ZSMALLOC] = KF_PGTY_ZSMALLOC, [LINUX_PT_UNACCEPTED] = KF_PGTY_UNACCEPTED,
			[LINUX_PT_LARGE_KMALLOC] = KF_PGTY_LARGE_KMALLOC, [LINUX_PT_KMEMCG] = KF_NR,
		};
		l->pt_encoding = LINUX_PT_TOP_BYTE;
		for (int i = 0; i < LINUX_PT_NR; i++) {
			int64_t v = pgty[i] == KF_NR ? -1 : kf_const_or(prog, pgty[i], -1);
			l->pt_value[i] = v > 0 && v < 256 ? (uint32_t)v : 0;
		}
		l->pt_shift = (unsigned)kf_const_or(prog, KF_PAGE_TYPE_SHIFT, 0);
		// the decoder reads the type as the top byte of the word
		if (l->pt_shift != 24)
			l->pt_encoding = LINUX_PT_INVERTED, memset(l->pt_value, 0, sizeof(l->pt_value));
		l->pt_has_type_below = (uint32_t)kf_const_or(prog, KF_PGTY_MAPCOUNT_UNDERFLOW, 0) << l->pt_shift;
		return;
	}
	l->pt_encoding = LINUX_PT_INVERTED;
	l->pt_base = (uint32_t)kf_const_or(prog, KF_PAGE_TYPE_BASE, 0);
	l->pt_reserve = (int32_t)kf_const_or(prog, KF_PAGE_MAPCOUNT_RESERVE, 0);
	l->pt_value[LINUX_PT_BUDDY] = (uint32_t)kf_const_or(prog, KF_PG_BUDDY_TYPE, 0);
	l->pt_value[LINUX_PT_OFFLINE] = (uint32_t)kf_const_or(prog, KF_PG_OFFLINE_TYPE, 0);
	if (kf_probe(prog, KF_MEMCG_DATA_KMEM)) {
		l->pt_value[LINUX_PT_TABLE] = (uint32_t)kf_const_or(prog, KF_PG_TABLE_TYPE, 0);
		l->pt_value[LINUX_PT_GUARD] = (uint32_t)kf_const_or(prog, KF_PG_GUARD_TYPE, 0);
	} else {
		l->pt_value[LINUX_PT_KMEMCG] = (uint32_t)kf_const_or(prog, KF_PG_KMEMCG_TYPE, 0);
		l->pt_value[LINUX_PT_TABLE] = (uint32_t)kf_const_or(prog, KF_PG_TABLE_TYPE_OLD, 0);
		l->pt_value[LINUX_PT_GUARD] = (uint32_t)kf_const_or(prog, KF_PG_GUARD_TYPE_OLD, 0);
	}
	l->pt_value[LINUX_PT_HUGETLB] = (uint32_t)kf_const_or(prog, KF_PG_HUGETLB_TYPE, 0);
	l->pt_value[LINUX_PT_SLAB] = (uint32_t)kf_const_or(prog, KF_PG_SLAB_TYPE, 0);
	l->pt_value[LINUX_PT_UNACCEPTED] = (uint32_t)kf_const_or(prog, KF_PG_UNACCEPTED_TYPE, 0);
}

/*
 * The largest folio order this kernel can make, so that an order read from
 * a corrupt struct page is recognised as such.  The buddy allocator hands
 * out orders below NR_PAGE_ORDERS (l->max_order).  Larger compound pages are
 * hugetlb's gigantic pages only (alloc_gigantic_folio(), mm/hugetlb.c), of
 * the orders in hstates[i].order for i < hugetlb_max_hstate; kernels after
 * 6.12 name the resulting bound MAX_FOLIO_ORDER (include/linux/mmzone.h).
 * A folio never exceeds the memory map either: at most ilog2(max_pfn).
 */
static unsigned probe_max_folio_order(struct vms_program *prog, const struct linux_page_layout *l)
{
	unsigned order = l->max_order ? l->max_order - 1 : 0;
	struct vms_type *t;
	uint64_t addr, hsize, off, n = 0;
	struct vms_error *err = NULL;
	if (kf_has(prog, KF_HSTATES) && kf_has(prog, KF_HUGETLB_MAX_HSTATE) &&
	    !(err = kf_var(prog, KF_HSTATES, &addr, &t)) && !(err = kf_need_size(prog, KF_HSTATE, &hsize)) &&
	    !(err = kf_need_off(prog, KF_HSTATE_ORDER, &off)) &&
	    !(err = kf_var_read_uint(prog, KF_HUGETLB_MAX_HSTATE, NULL, &n)) && hsize &&
	    n <= vms_type_size(t) / hsize) {
		for (uint64_t i = 0; i < n; i++) {
			uint32_t o;
			if (vms_ok(program_read_u32(prog, addr + i * hsize + off, &o)) && o > order &&
			    o < LINUX_MAX_ORDER_BITS)
				order = o;
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
	static const enum kf_id pg_facts[LINUX_PG_NR] = {
		[LINUX_PG_LOCKED] = KF_PG_LOCKED, [LINUX_PG_ERROR] = KF_PG_ERROR,
		[LINUX_PG_REFERENCED] = KF_PG_REFERENCED, [LINUX_PG_UPTODATE] = KF_PG_UPTODATE,
		[LINUX_PG_DIRTY] = KF_PG_DIRTY, [LINUX_PG_LRU] = KF_PG_LRU,
		[LINUX_PG_ACTIVE] = KF_PG_ACTIVE, [LINUX_PG_WORKINGSET] = KF_PG_WORKINGSET,
		[LINUX_PG_SLAB] = KF_PG_SLAB, [LINUX_PG_OWNER_PRIV_1] = KF_PG_OWNER_PRIV_1,
		[LINUX_PG_ARCH_1] = KF_PG_ARCH_1, [LINUX_PG_RESERVED] = KF_PG_RESERVED,
		[LINUX_PG_PRIVATE] = KF_PG_PRIVATE, [LINUX_PG_PRIVATE_2] = KF_PG_PRIVATE_2,
		[LINUX_PG_WRITEBACK] = KF_PG_WRITEBACK, [LINUX_PG_HEAD] = KF_PG_HEAD,
		[LINUX_PG_MAPPEDTODISK] = KF_PG_MAPPEDTODISK, [LINUX_PG_OWNER_2] = KF_PG_OWNER_2,
		[LINUX_PG_RECLAIM] = KF_PG_RECLAIM, [LINUX_PG_SWAPBACKED] = KF_PG_SWAPBACKED,
		[LINUX_PG_UNEVICTABLE] = KF_PG_UNEVICTABLE, [LINUX_PG_MLOCKED] = KF_PG_MLOCKED,
		[LINUX_PG_UNCACHED] = KF_PG_UNCACHED, [LINUX_PG_HWPOISON] = KF_PG_HWPOISON,
		[LINUX_PG_YOUNG] = KF_PG_YOUNG, [LINUX_PG_IDLE] = KF_PG_IDLE,
		[LINUX_PG_ARCH_2] = KF_PG_ARCH_2, [LINUX_PG_ARCH_3] = KF_PG_ARCH_3,
		[LINUX_PG_DOUBLE_MAP] = KF_PG_DOUBLE_MAP,
		[LINUX_PG_LARGE_RMAPPABLE] = KF_PG_LARGE_RMAPPABLE,
		[LINUX_PG_ANON_EXCLUSIVE] = KF_PG_ANON_EXCLUSIVE,
		[LINUX_PG_SWAPCACHE] = KF_PG_SWAPCACHE, [LINUX_PG_MOVABLE_OPS] = KF_PG_MOVABLE_OPS,
	};
	for (int i = 0; i < LINUX_PG_NR; i++) {
		int64_t v = kf_const_or(prog, pg_facts[i], -1);
		l->pg[i] = v >= 0 && v < LINUX_MAX_PAGEFLAGS ? (int)v : -1;
	}
	l->pg_head = l->pg[LINUX_PG_HEAD];

	// Compound metadata lives in the first tail page: named in struct
	// folio on kernels that have one, in struct page's "second tail page"
	// union before.
	l->off_cmp_order = kf_off(prog, KF_FOLIO_ORDER);
	l->off_flags_1 = kf_off(prog, KF_FOLIO_FLAGS_1);
	l->off_cmp_nr = kf_off(prog, KF_FOLIO_NR_PAGES);
	l->off_cmp_mapcount = kf_off(prog, KF_FOLIO_ENTIRE_MAPCOUNT);
	l->off_large_mapcount = kf_off(prog, KF_FOLIO_LARGE_MAPCOUNT);
	l->off_nr_pages_mapped = kf_off(prog, KF_FOLIO_NR_PAGES_MAPPED);
	l->off_cmp_dtor = kf_off(prog, KF_FOLIO_DTOR);
	if (l->off_cmp_order < 0)
		l->off_cmp_order = tail_off(prog, l, KF_PAGE_COMPOUND_ORDER);
	if (l->off_cmp_nr < 0)
		l->off_cmp_nr = tail_off(prog, l, KF_PAGE_COMPOUND_NR);
	if (l->off_cmp_mapcount < 0)
		l->off_cmp_mapcount = tail_off(prog, l, KF_PAGE_COMPOUND_MAPCOUNT);
	if (l->off_cmp_dtor < 0)
		l->off_cmp_dtor = tail_off(prog, l, KF_PAGE_COMPOUND_DTOR);
	l->hugetlb_dtor = kf_const_or(prog, KF_HUGETLB_PAGE_DTOR, -1);
	probe_page_types(prog, l);

	// Fields packed at the top of page->flags (include/linux/
	// page-flags-layout.h): [SECTION][NODE][ZONE]... from bit 63 down.
	// ZONES_SHIFT is the bits MAX_NR_ZONES needs; NODES_SHIFT is
	// log2(MAX_NUMNODES), the length of node_data[]; the section number
	// is only there without SPARSEMEM_VMEMMAP.
	int64_t nz = kf_const_or(prog, KF_NR_ZONES, 0);
	l->nr_zones = nz > 0 && nz <= LINUX_MAX_ZONES ? (unsigned)nz : 0;
	l->zones_width = l->nr_zones < 2 ? 0 : ilog2_u64(l->nr_zones - 1) + 1;
	uint64_t numnodes = 0;
	int64_t v;
	if (vms_ok(kf_const(prog, KF_MAX_NUMNODES, &v)) && v > 0) {
		numnodes = (uint64_t)v;
	} else {
		struct vms_type *t = vms_type_strip(kf_type(prog, KF_NODE_DATA));
		if (t && vms_type_kind(t) == VMS_TYPE_ARRAY)
			numnodes = vms_type_array_length(t);
	}
	l->nodes_width = numnodes > 1 ? ilog2_u64(numnodes) : 0;
	l->sections_width = 0;
	if (l->model != LINUX_MEMMAP_VMEMMAP) {
		int64_t phys = kf_const_or(prog, KF_MAX_PHYSMEM_BITS, 0);
		int64_t sect = kf_const_or(prog, KF_SECTION_SIZE_BITS, 0);
		if (phys > sect && sect > 0)
			l->sections_width = (unsigned)(phys - sect);
	}
	l->sections_pgshift = 64 - l->sections_width;
	l->nodes_pgshift = l->sections_pgshift - l->nodes_width;
	l->zones_pgshift = l->nodes_pgshift - l->zones_width;
	for (unsigned z = 0; z < LINUX_MAX_ZONES; z++)
		l->zone_name[z] = NULL;
	struct vms_type *zt = kf_type(prog, KF_ENUM_ZONE_TYPE);
	for (size_t i = 0; zt && i < vms_type_enumerator_count(zt); i++) {
		const struct vms_type_enumerator *e = vms_type_enumerator(zt, i);
		if (e->value >= 0 && (uint64_t)e->value < l->nr_zones && strncmp(e->name, "ZONE_", 5) == 0)
			l->zone_name[e->value] = e->name + 5;
	}
	// Prefer the kernel's own spelling (mm/page_alloc.c zone_names[]).
	uint64_t zn;
	if (vms_ok(kf_var(prog, KF_ZONE_NAMES, &zn, NULL))) {
		for (unsigned z = 0; z < l->nr_zones; z++) {
			uint64_t p = 0;
			char *str = NULL;
			struct vms_error *e = program_read_u64(prog, zn + 8 * z, &p);
			if (!e && p)
				e = program_read_string(prog, p, 16, &str);
			if (!e && str)
				l->zone_name[z] = linux_kernel_intern(k, str);
			free(str);
			vms_error_destroy(e);
		}
	}

	l->has_zero_pfn = read_var_u64(prog, KF_ZERO_PFN, &l->zero_pfn);
	l->huge_zero_page = 0;
	read_var_u64(prog, KF_HUGE_ZERO_PAGE, &l->huge_zero_page);
	v = kf_const_or(prog, KF_NR_PAGE_ORDERS, 0);
	l->max_order = v > 0 && v < 64 ? (unsigned)v : 0;
	l->mapping_anon = (uint64_t)kf_const_or(prog, KF_MAPPING_ANON, 0);
	l->mapping_ksm_bit = (uint64_t)kf_const_or(prog, KF_MAPPING_KSM_BIT, 0);
	l->mapping_flags_mask = l->mapping_anon | l->mapping_ksm_bit;
	l->tail_bit = (uint64_t)kf_const_or(prog, KF_TAIL_PAGE_BIT, 0);
	l->folio_order_mask = (uint64_t)kf_const_or(prog, KF_FOLIO_ORDER_MASK, 0);
	l->compound_info_mask = kf_probe(prog, KF_COMPOUND_INFO_MASK);
	l->movable_is_flag = kf_probe(prog, KF_MOVABLE_IS_FLAG);
	l->max_folio_order = probe_max_folio_order(prog, l);

	l->kpf_from_folio = kf_probe(prog, KF_KPF_FROM_FOLIO);
	l->kpf_ksm_exact = kf_probe(prog, KF_KPF_KSM_EXACT);
	l->mapcount_precise = kf_probe(prog, KF_MAPCOUNT_PRECISE);
	l->idle_from_folio = kf_probe(prog, KF_IDLE_FROM_FOLIO);
	l->kpf_snapshot = kf_has(prog, KF_PAGE_SNAPSHOT);
	l->has_memcg_ptr = !l->has_memcg && kf_has(prog, KF_PAGE_MEM_CGROUP);
	if (l->has_memcg_ptr)
		l->off_memcg_ptr = (uint64_t)kf_off(prog, KF_PAGE_MEM_CGROUP);

	l->off_as_host = kf_off(prog, KF_AS_HOST);
	l->off_inode_dentry = kf_off(prog, KF_INODE_I_DENTRY);
	l->off_inode_ino = kf_off(prog, KF_INODE_I_INO);
	l->off_dentry_alias = kf_off(prog, KF_DENTRY_D_ALIAS);
	l->off_dentry_name = kf_off(prog, KF_DENTRY_D_NAME_NAME);
}

VMS_MUST_CHECK static struct vms_error *probe_layout(struct vms_program *prog, struct linux_page_layout *l,
				      struct linux_kernel *k)
{
	struct vms_error *err;
	l->pg_head = -1;
	if ((err = kf_need_size(prog, KF_PAGE, &l->page_size)) ||
	    (err = kf_need_off(prog, KF_PAGE_FLAGS, &l->off_flags)) ||
	    (err = kf_need_off(prog, KF_PAGE_COMPOUND_HEAD, &l->off_compound_head)) ||
	    (err = kf_need_off(prog, KF_PAGE_MAPPING, &l->off_mapping)) ||
	    (err = kf_need_off(prog, KF_PAGE_INDEX, &l->off_index)) ||
	    (err = kf_need_off(prog, KF_PAGE_PRIVATE, &l->off_private)) ||
	    (err = kf_need_off(prog, KF_PAGE_MAPCOUNT, &l->off_mapcount)) ||
	    (err = kf_need_off(prog, KF_PAGE_REFCOUNT, &l->off_refcount)))
		return vms_error_wrap(err, "probing struct page");
	l->has_memcg = kf_has(prog, KF_PAGE_MEMCG_DATA);
	if (l->has_memcg)
		l->off_memcg = (uint64_t)kf_off(prog, KF_PAGE_MEMCG_DATA);
	if (l->page_size == 0 || l->page_size > LINUX_MAX_PAGE_STRUCT)
		return vms_error_create(VMS_ERR_FORMAT, "implausible sizeof(struct page) %" PRIu64,
					l->page_size);
	if (!read_var_u64(prog, KF_MAX_PFN, &l->max_pfn))
		l->max_pfn = 0;
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

