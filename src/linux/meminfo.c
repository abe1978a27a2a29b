// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/meminfo.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "linux/kernel.h"

/* The address of global variable @name (program_variable() wants a type
 * pointer too). */
static struct vms_error *var_addr(struct vms_program *prog, const char *name, uint64_t *ret)
{
	struct vms_type *t;
	return program_variable(prog, name, &t, ret);
}

#define MAX_STAT_ITEMS 256
#define MAX_BDEV_INODES (1u << 20)

struct mi {
	struct vms_program *prog;
	struct vms_value *values;
	struct vms_value *unavailable;
	unsigned page_shift;
	struct vms_type *zone_enum, *node_enum;
	int64_t zone_stat[MAX_STAT_ITEMS], node_stat[MAX_STAT_ITEMS];
	size_t nr_zone, nr_node;
};

static void note(struct mi *m, const char *line, struct vms_error *err)
{
	value_push(m->unavailable, value_stringf("%s: %s", line, err->message));
	vms_error_destroy(err);
}

static bool enum_value(struct vms_type *t, const char *name, int64_t *ret)
{
	t = vms_type_strip(t);
	for (size_t i = 0; i < vms_type_enumerator_count(t); i++) {
		const struct vms_type_enumerator *e = vms_type_enumerator(t, i);
		if (strcmp(e->name, name) == 0) {
			*ret = e->value;
			return true;
		}
	}
	return false;
}

/* A counter of enum zone_stat_item or node_stat_item, in pages (or in the
 * unit of the item, e.g. kB for NR_KERNEL_STACK_KB).  false when neither
 * enum has @item (the kernel lacks the CONFIG that adds it). */
static bool stat(struct mi *m, const char *item, int64_t *ret)
{
	int64_t idx;
	if (enum_value(m->zone_enum, item, &idx) && idx >= 0 && (size_t)idx < m->nr_zone) {
		*ret = m->zone_stat[idx];
		return true;
	}
	if (enum_value(m->node_enum, item, &idx) && idx >= 0 && (size_t)idx < m->nr_node) {
		*ret = m->node_stat[idx];
		return true;
	}
	return false;
}

static int64_t stat0(struct mi *m, const char *item)
{
	int64_t v = 0;
	return stat(m, item, &v) ? v : 0;
}

static void put_kb(struct mi *m, const char *name, int64_t pages)
{
	if (pages < 0)
		pages = 0;
	value_set_uint(m->values, name, (uint64_t)pages << (m->page_shift - 10));
}

static void put(struct mi *m, const char *name, uint64_t v)
{
	value_set_uint(m->values, name, v);
}

static struct vms_error *read_var(struct mi *m, const char *var, const char *path, uint64_t *ret)
{
	return linux_var_read_uint(m->prog, var, path, ret);
}

static struct vms_error *read_stat_array(struct mi *m, const char *var, const char *enum_name,
					 const char *nr_name, struct vms_type **enum_ret,
					 int64_t *vals, size_t *nr_ret)
{
	struct vms_error *err = program_find_type(m->prog, enum_name, enum_ret);
	if (err)
		return err;
	int64_t nr;
	if (!enum_value(*enum_ret, nr_name, &nr) || nr <= 0 || nr > MAX_STAT_ITEMS)
		return vms_error_create(VMS_ERR_UNSUPPORTED, "%s has no usable %s", enum_name, nr_name);
	uint64_t addr;
	if ((err = var_addr(m->prog, var, &addr)))
		return err;
	if ((err = program_read(m->prog, addr, vals, (size_t)nr * 8)))
		return vms_error_wrap(err, "reading %s", var);
	*nr_ret = (size_t)nr;
	return NULL;
}

/* nr_blockdev_pages(): the page cache of the block device inodes (the
 * inodes of blockdev_superblock, on its s_inodes list). */
static struct vms_error *blockdev_pages(struct mi *m, uint64_t *ret)
{
	struct vms_error *err;
	uint64_t sb, o_s_inodes, o_i_sb_list, o_i_mapping, o_nrpages;
	if ((err = read_var(m, "blockdev_superblock", "", &sb)) ||
	    (err = program_member_offset(m->prog, "struct super_block", "s_inodes", &o_s_inodes)) ||
	    (err = program_member_offset(m->prog, "struct inode", "i_sb_list", &o_i_sb_list)) ||
	    (err = program_member_offset(m->prog, "struct inode", "i_mapping", &o_i_mapping)) ||
	    (err = program_member_offset(m->prog, "struct address_space", "nrpages", &o_nrpages)))
		return err;
	uint64_t head = sb + o_s_inodes, node, total = 0;
	if ((err = program_read_u64(m->prog, head, &node)))
		return err;
	for (unsigned n = 0; node != head; n++) {
		if (n >= MAX_BDEV_INODES || node == 0)
			return vms_error_addr(VMS_ERR_CORRUPT, node, "blockdev inode list is corrupt");
		uint64_t mapping, nrpages;
		if ((err = program_read_u64(m->prog, node - o_i_sb_list + o_i_mapping, &mapping)) ||
		    (err = program_read_u64(m->prog, mapping + o_nrpages, &nrpages)) ||
		    (err = program_read_u64(m->prog, node, &node)))
			return err;
		total += nrpages;
	}
	*ret = total;
	return NULL;
}

/* The sum of the low watermarks of every zone (si_mem_available()).
 * low_wmark_pages() is _watermark[WMARK_LOW] + watermark_boost since 5.0
 * (commit 1c30844d2dfe "mm: reclaim small amounts of memory when an
 * external fragmentation event occurs"); before, watermark[WMARK_LOW]. */
static struct vms_error *wmark_low_sum(struct mi *m, uint64_t *ret)
{
	struct vms_error *err;
	struct vms_type *pgdat_t, *zone_t;
	if ((err = program_find_type(m->prog, "struct pglist_data", &pgdat_t)) ||
	    (err = program_find_type(m->prog, "struct zone", &zone_t)))
		return err;
	uint64_t o_zones, o_wmark, o_boost = 0;
	struct vms_type *zones_t;
	uint64_t bits;
	if ((err = vms_type_member_find(pgdat_t, "node_zones", &zones_t, &bits, NULL)))
		return err;
	o_zones = bits / 8;
	uint64_t nzones = vms_type_array_length(vms_type_strip(zones_t));
	int64_t wmark_low = 1;
	struct vms_type *wm_enum;
	if (vms_error_ok(program_find_type(m->prog, "enum zone_watermarks", &wm_enum)))
		enum_value(wm_enum, "WMARK_LOW", &wmark_low);
	bool has_boost = program_has_member(m->prog, "struct zone", "watermark_boost");
	err = program_member_offset(m->prog, "struct zone", "_watermark", &o_wmark);
	if (err) {
		vms_error_destroy(err);
		if ((err = program_member_offset(m->prog, "struct zone", "watermark", &o_wmark)))
			return err;
	}
	if (has_boost && (err = program_member_offset(m->prog, "struct zone", "watermark_boost", &o_boost)))
		return err;
	uint64_t zsize = vms_type_size(zone_t);

	// The nodes: node_data[] with NUMA, else contig_page_data.
	uint64_t pgdats[64];
	size_t npg = 0;
	struct vms_type *nd_t;
	uint64_t nd_addr;
	err = program_variable(m->prog, "node_data", &nd_t, &nd_addr);
	if (!err) {
		uint64_t n = vms_type_array_length(vms_type_strip(nd_t));
		for (uint64_t i = 0; i < n && npg < VMS_ARRAY_SIZE(pgdats); i++) {
			uint64_t p;
			if ((err = program_read_u64(m->prog, nd_addr + 8 * i, &p)))
				return err;
			if (p)
				pgdats[npg++] = p;
		}
	} else {
		vms_error_destroy(err);
		if ((err = var_addr(m->prog, "contig_page_data", &nd_addr)))
			return err;
		pgdats[npg++] = nd_addr;
	}
	uint64_t sum = 0;
	for (size_t i = 0; i < npg; i++) {
		for (uint64_t z = 0; z < nzones; z++) {
			uint64_t za = pgdats[i] + o_zones + z * zsize, w, b = 0;
			if ((err = program_read_u64(m->prog, za + o_wmark + 8 * (uint64_t)wmark_low, &w)))
				return err;
			if (has_boost && (err = program_read_u64(m->prog, za + o_boost, &b)))
				return err;
			sum += w + b;
		}
	}
	*ret = sum;
	return NULL;
}

static void hugetlb(struct mi *m, uint64_t totalram, uint64_t *huge_pages_ret)
{
	struct vms_error *err;
	struct vms_type *hs_t, *h_t;
	uint64_t hs_addr, max_hstate, def_idx;
	*huge_pages_ret = 0;
	if ((err = program_variable(m->prog, "hstates", &hs_t, &hs_addr)))
		goto fail;
	if ((err = program_find_type(m->prog, "struct hstate", &h_t)))
		goto fail;
	if ((err = read_var(m, "hugetlb_max_hstate", "", &max_hstate)) ||
	    (err = read_var(m, "default_hstate_idx", "", &def_idx)))
		goto fail;
	uint64_t o_order, o_nr, o_free, o_resv, o_surp, hsize = vms_type_size(h_t);
	if ((err = program_member_offset(m->prog, "struct hstate", "order", &o_order)) ||
	    (err = program_member_offset(m->prog, "struct hstate", "nr_huge_pages", &o_nr)) ||
	    (err = program_member_offset(m->prog, "struct hstate", "free_huge_pages", &o_free)) ||
	    (err = program_member_offset(m->prog, "struct hstate", "resv_huge_pages", &o_resv)) ||
	    (err = program_member_offset(m->prog, "struct hstate", "surplus_huge_pages", &o_surp)))
		goto fail;
	max_hstate &= 0xffffffff;
	def_idx &= 0xffffffff;
	uint64_t total_kb = 0;
	for (uint64_t i = 0; i < max_hstate && i < 16; i++) {
		uint64_t h = hs_addr + i * hsize, nr, fr, rs, sp;
		uint32_t order;
		if ((err = program_read_u32(m->prog, h + o_order, &order)) ||
		    (err = program_read_u64(m->prog, h + o_nr, &nr)) ||
		    (err = program_read_u64(m->prog, h + o_free, &fr)) ||
		    (err = program_read_u64(m->prog, h + o_resv, &rs)) ||
		    (err = program_read_u64(m->prog, h + o_surp, &sp)))
			goto fail;
		uint64_t kb = (1ull << (order + m->page_shift)) >> 10;
		total_kb += kb * nr;
		*huge_pages_ret += nr << order;
		if (i == def_idx) {
			put(m, "HugePages_Total", nr);
			put(m, "HugePages_Free", fr);
			put(m, "HugePages_Rsvd", rs);
			put(m, "HugePages_Surp", sp);
			put(m, "Hugepagesize", kb);
		}
	}
	put(m, "Hugetlb", total_kb);
	(void)totalram;
	return;
fail:
	note(m, "HugePages", err);
}

/* percpu_counter_sum() of the percpu_counter at @addr: the global count plus
 * every possible CPU's s32 delta (counters + __per_cpu_offset[cpu]). */
static struct vms_error *percpu_counter_sum(struct mi *m, uint64_t addr, int64_t *ret)
{
	struct vms_error *err;
	uint64_t o_count, o_counters, count, counters, ncpus, pco;
	if ((err = program_member_offset(m->prog, "struct percpu_counter", "count", &o_count)) ||
	    (err = program_member_offset(m->prog, "struct percpu_counter", "counters", &o_counters)) ||
	    (err = program_read_u64(m->prog, addr + o_count, &count)) ||
	    (err = program_read_u64(m->prog, addr + o_counters, &counters)) ||
	    (err = read_var(m, "nr_cpu_ids", "", &ncpus)) ||
	    (err = var_addr(m->prog, "__per_cpu_offset", &pco)))
		return err;
	int64_t sum = (int64_t)count;
	ncpus &= 0xffffffff;
	for (uint64_t cpu = 0; cpu < ncpus && cpu < 8192; cpu++) {
		uint64_t off;
		uint32_t d;
		if ((err = program_read_u64(m->prog, pco + 8 * cpu, &off)) ||
		    (err = program_read_u32(m->prog, counters + off, &d)))
			return vms_error_wrap(err, "reading the counter of cpu %" PRIu64, cpu);
		sum += (int32_t)d;
	}
	*ret = sum;
	return NULL;
}

struct vms_error *linux_meminfo(struct vms_program *prog, struct vms_value **ret)
{
	_cleanup_free_ struct mi *m = calloc(1, sizeof(*m));
	if (!m)
		return &vms_enomem;
	m->prog = prog;
	m->page_shift = program_page_shift(prog);
	struct vms_error *err;
	if ((err = read_stat_array(m, "vm_zone_stat", "enum zone_stat_item", "NR_VM_ZONE_STAT_ITEMS",
				   &m->zone_enum, m->zone_stat, &m->nr_zone)) ||
	    (err = read_stat_array(m, "vm_node_stat", "enum node_stat_item", "NR_VM_NODE_STAT_ITEMS",
				   &m->node_enum, m->node_stat, &m->nr_node)))
		return vms_error_wrap(err, "reading the vm counters");
	struct vms_value *obj = value_object();
	m->values = value_set(obj, "values", value_object());
	m->unavailable = value_array();

	uint64_t totalram = 0, v;
	// totalram_pages became atomic _totalram_pages in 5.0 (commit
	// ca79b0c211af "mm: convert totalram_pages and totalhigh_pages
	// variables to atomic").
	err = read_var(m, "_totalram_pages", "", &totalram);
	if (err) {
		vms_error_destroy(err);
		err = read_var(m, "totalram_pages", "", &totalram);
	}
	if (err)
		note(m, "MemTotal", err);
	int64_t freeram = stat0(m, "NR_FREE_PAGES");
	uint64_t bufferram = 0;
	err = blockdev_pages(m, &bufferram);
	if (err) {
		note(m, "Buffers", err);
		bufferram = 0;
	}
	uint64_t total_swap = 0, free_swap = 0;
	if ((err = read_var(m, "total_swap_pages", "", &total_swap)))
		note(m, "SwapTotal", err);
	if ((err = read_var(m, "nr_swap_pages", "counter", &free_swap)))
		note(m, "SwapFree", err);
	// NR_SWAPCACHE is a node counter since 5.13 (commit b6038942480e
	// "mm: memcg: add swapcache stat for memcg v2"); before, the swap
	// address spaces would have to be summed: only when swap exists.
	int64_t swapcache = 0;
	if (!stat(m, "NR_SWAPCACHE", &swapcache) && total_swap)
		value_push(m->unavailable, value_string("SwapCached: no NR_SWAPCACHE counter in this kernel"));
	int64_t lru[5];
	static const char *const lru_items[5] = { "NR_INACTIVE_ANON", "NR_ACTIVE_ANON", "NR_INACTIVE_FILE",
						  "NR_ACTIVE_FILE", "NR_UNEVICTABLE" };
	for (int i = 0; i < 5; i++)
		lru[i] = stat0(m, lru_items[i]);
	// Slab counters in bytes' names since 5.9 (commit d42f3245c7e2 "mm:
	// memcg: convert vmstat slab counters to bytes"), still kept in pages.
	int64_t srecl, sunrecl;
	if (!stat(m, "NR_SLAB_RECLAIMABLE_B", &srecl))
		srecl = stat0(m, "NR_SLAB_RECLAIMABLE");
	if (!stat(m, "NR_SLAB_UNRECLAIMABLE_B", &sunrecl))
		sunrecl = stat0(m, "NR_SLAB_UNRECLAIMABLE");
	int64_t misc_recl = stat0(m, "NR_KERNEL_MISC_RECLAIMABLE");

	int64_t cached = stat0(m, "NR_FILE_PAGES") - swapcache - (int64_t)bufferram;
	if (cached < 0)
		cached = 0;

	// si_mem_available()
	int64_t available = -1;
	uint64_t wmark_low = 0, totalreserve = 0;
	if ((err = wmark_low_sum(m, &wmark_low)) ||
	    (err = read_var(m, "totalreserve_pages", "", &totalreserve))) {
		note(m, "MemAvailable", err);
	} else {
		available = freeram - (int64_t)totalreserve;
		int64_t pagecache = lru[2] + lru[3];
		pagecache -= pagecache / 2 < (int64_t)wmark_low ? pagecache / 2 : (int64_t)wmark_low;
		available += pagecache;
		int64_t reclaimable = srecl + misc_recl;
		available += reclaimable -
			     (reclaimable / 2 < (int64_t)wmark_low ? reclaimable / 2 : (int64_t)wmark_low);
		if (available < 0)
			available = 0;
	}

	put_kb(m, "MemTotal", (int64_t)totalram);
	put_kb(m, "MemFree", freeram);
	if (available >= 0)
		put_kb(m, "MemAvailable", available);
	put_kb(m, "Buffers", (int64_t)bufferram);
	put_kb(m, "Cached", cached);
	put_kb(m, "SwapCached", swapcache);
	put_kb(m, "Active", lru[1] + lru[3]);
	put_kb(m, "Inactive", lru[0] + lru[2]);
	put_kb(m, "Active(anon)", lru[1]);
	put_kb(m, "Inactive(anon)", lru[0]);
	put_kb(m, "Active(file)", lru[3]);
	put_kb(m, "Inactive(file)", lru[2]);
	put_kb(m, "Unevictable", lru[4]);
	put_kb(m, "Mlocked", stat0(m, "NR_MLOCK"));
	put_kb(m, "SwapTotal", (int64_t)total_swap);
	put_kb(m, "SwapFree", (int64_t)free_swap);
	put_kb(m, "Dirty", stat0(m, "NR_FILE_DIRTY"));
	put_kb(m, "Writeback", stat0(m, "NR_WRITEBACK"));
	put_kb(m, "AnonPages", stat0(m, "NR_ANON_MAPPED"));
	put_kb(m, "Mapped", stat0(m, "NR_FILE_MAPPED"));
	put_kb(m, "Shmem", stat0(m, "NR_SHMEM"));
	put_kb(m, "KReclaimable", srecl + misc_recl);
	put_kb(m, "Slab", srecl + sunrecl);
	put_kb(m, "SReclaimable", srecl);
	put_kb(m, "SUnreclaim", sunrecl);
	int64_t x;
	if (stat(m, "NR_KERNEL_STACK_KB", &x))
		put(m, "KernelStack", x < 0 ? 0 : (uint64_t)x);
	if (stat(m, "NR_KERNEL_SCS_KB", &x))
		put(m, "ShadowCallStack", x < 0 ? 0 : (uint64_t)x);
	put_kb(m, "PageTables", stat0(m, "NR_PAGETABLE"));
	// NR_SECONDARY_PAGETABLE: 6.0 (commit ebc97a52b5d6 "mm: add
	// NR_SECONDARY_PAGETABLE to count secondary page table uses").
	if (stat(m, "NR_SECONDARY_PAGETABLE", &x))
		put_kb(m, "SecPageTables", x);
	put_kb(m, "NFS_Unstable", 0);
	put_kb(m, "Bounce", stat0(m, "NR_BOUNCE"));
	put_kb(m, "WritebackTmp", stat0(m, "NR_WRITEBACK_TEMP"));

	uint64_t huge_pages = 0;
	struct vms_value *saved = m->values;
	m->values = value_object();  // hugetlb lines go after the others
	hugetlb(m, totalram, &huge_pages);
	struct vms_value *huge_values = m->values;
	m->values = saved;

	// vm_commit_limit()
	uint64_t okb = 0, ratio = 50;
	if ((err = read_var(m, "sysctl_overcommit_kbytes", "", &okb)) ||
	    (err = read_var(m, "sysctl_overcommit_ratio", "", &ratio))) {
		note(m, "CommitLimit", err);
	} else {
		ratio &= 0xffffffff;
		uint64_t allowed = okb ? okb >> (m->page_shift - 10)
				       : (totalram - huge_pages) * ratio / 100;
		put_kb(m, "CommitLimit", (int64_t)(allowed + total_swap));
	}
	// vm_memory_committed() is percpu_counter_sum_positive() since 5.8
	// (commit 56f3547bfa4d "mm: adjust vm_committed_as_batch according to
	// vm overcommit policy"): the per-CPU deltas count.
	uint64_t committed_addr;
	int64_t committed = 0;
	if ((err = var_addr(prog, "vm_committed_as", &committed_addr)) ||
	    (err = percpu_counter_sum(m, committed_addr, &committed)))
		note(m, "Committed_AS", err);
	else
		put_kb(m, "Committed_AS", committed < 0 ? 0 : committed);
	// VMALLOC_SIZE_TB: 32 with 4-level paging, 12800 with 5-level
	// (arch/x86/include/asm/pgtable_64_types.h).
	uint64_t l5 = 0;
	err = read_var(m, "__pgtable_l5_enabled", "", &l5);
	vms_error_destroy(err);
	uint64_t vtb = (l5 & 0xffffffff) ? 12800 : 32;
	put(m, "VmallocTotal", ((vtb << 40) - 1) >> 10);
	if ((err = read_var(m, "nr_vmalloc_pages", "counter", &v)))
		note(m, "VmallocUsed", err);
	else
		put_kb(m, "VmallocUsed", (int64_t)v);
	put_kb(m, "VmallocChunk", 0);
	uint64_t populated, units;
	if ((err = read_var(m, "pcpu_nr_populated", "", &populated)) ||
	    (err = read_var(m, "pcpu_nr_units", "", &units)))
		note(m, "Percpu", err);
	else
		put_kb(m, "Percpu", (int64_t)(populated * (units & 0xffffffff)));
	// CONFIG_MEMORY_FAILURE
	if (!(err = read_var(m, "num_poisoned_pages", "counter", &v)))
		put_kb(m, "HardwareCorrupted", (int64_t)v);
	vms_error_destroy(err);
	// NR_ANON_THPS counts pages since 5.13 (commit 69473e5de873 "mm:
	// memcontrol: convert NR_ANON_THPS account to pages"), THPs before;
	// NR_SWAPCACHE (same release) tells the two apart.
	int64_t thp_unit = stat(m, "NR_SWAPCACHE", &x) ? 1 : 512;
	if (stat(m, "NR_ANON_THPS", &x)) {
		put_kb(m, "AnonHugePages", x * thp_unit);
		put_kb(m, "ShmemHugePages", stat0(m, "NR_SHMEM_THPS") * thp_unit);
		put_kb(m, "ShmemPmdMapped", stat0(m, "NR_SHMEM_PMDMAPPED") * thp_unit);
		if (stat(m, "NR_FILE_THPS", &x))
			put_kb(m, "FileHugePages", x * thp_unit);
		if (stat(m, "NR_FILE_PMDMAPPED", &x))
			put_kb(m, "FilePmdMapped", x * thp_unit);
	}
	// CONFIG_CMA: mm/cma.c defines cma_areas (NR_FREE_CMA_PAGES and
	// totalcma_pages exist without it).
	struct program_symbol sym;
	if (!(err = program_symbol(prog, "cma_areas", &sym)) &&
	    !(err = read_var(m, "totalcma_pages", "", &v))) {
		put_kb(m, "CmaTotal", (int64_t)v);
		put_kb(m, "CmaFree", stat0(m, "NR_FREE_CMA_PAGES"));
	}
	vms_error_destroy(err);
	// CONFIG_UNACCEPTED_MEMORY (6.5, commit dcdfdd40fa82 "mm: Add support
	// for unaccepted memory")
	if (stat(m, "NR_UNACCEPTED", &x))
		put_kb(m, "Unaccepted", x);
	for (size_t i = 0; i < huge_values->object.len; i++) {
		value_set(m->values, huge_values->object.pairs[i].key, huge_values->object.pairs[i].value);
		huge_values->object.pairs[i].value = NULL;
	}
	value_destroy(huge_values);
	// arch_report_meminfo() on x86: direct_pages_count[enum pg_level].
	uint64_t dpc;
	struct vms_type *dpc_t;
	int64_t l4k = 1, l2m = 2, l1g = 3;
	vms_error_destroy(program_enumerator(prog, "PG_LEVEL_4K", &l4k));
	vms_error_destroy(program_enumerator(prog, "PG_LEVEL_2M", &l2m));
	vms_error_destroy(program_enumerator(prog, "PG_LEVEL_1G", &l1g));
	if (!(err = program_variable(prog, "direct_pages_count", &dpc_t, &dpc))) {
		uint64_t c4k, c2m, c1g, gb = 0;
		if ((err = program_read_u64(prog, dpc + 8 * (uint64_t)l4k, &c4k)) ||
		    (err = program_read_u64(prog, dpc + 8 * (uint64_t)l2m, &c2m)) ||
		    (err = program_read_u64(prog, dpc + 8 * (uint64_t)l1g, &c1g))) {
			note(m, "DirectMap", err);
		} else {
			put(m, "DirectMap4k", c4k << 2);
			put(m, "DirectMap2M", c2m << 11);
			vms_error_destroy(read_var(m, "direct_gbpages", "", &gb));
			if (gb & 0xffffffff)
				put(m, "DirectMap1G", c1g << 20);
		}
	} else {
		vms_error_destroy(err);
	}
	value_set_uint(obj, "page_size", program_page_size(prog));
	if (m->unavailable->array.len)
		value_set(obj, "unavailable", m->unavailable);
	else
		value_destroy(m->unavailable);
	*ret = obj;
	return NULL;
}

bool linux_meminfo_is_count(const char *name)
{
	return strncmp(name, "HugePages_", 10) == 0;
}
