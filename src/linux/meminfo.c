// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/meminfo.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "linux/kernel.h"
#include "linux/kfacts.h"
#include "linux/vmctx.h"

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

VMS_MUST_CHECK static struct vms_error *read_var(struct mi *m, enum kf_id var, const char *path, uint64_t *ret)
{
	return kf_var_read_uint(m->prog, var, path, ret);
}

VMS_MUST_CHECK static struct vms_error *read_stat_array(struct mi *m, enum kf_id var, enum kf_id enum_id,
					 const char *nr_name, struct vms_type **enum_ret,
					 int64_t *vals, size_t *nr_ret)
{
	*enum_ret = kf_type(m->prog, enum_id);
	if (!*enum_ret)
		return vms_error_create(VMS_ERR_LOOKUP, "no %s in the debug info", kf_name(m->prog, enum_id));
	int64_t nr;
	if (!enum_value(*enum_ret, nr_name, &nr) || nr <= 0 || nr > MAX_STAT_ITEMS)
		return vms_error_create(VMS_ERR_UNSUPPORTED, "%s has no usable %s",
					kf_name(m->prog, enum_id), nr_name);
	uint64_t addr;
	struct vms_error *err = kf_var(m->prog, var, &addr, NULL);
	if (err)
		return err;
	if ((err = program_read(m->prog, addr, vals, (size_t)nr * 8)))
		return vms_error_wrap(err, "reading %s", kf_name(m->prog, var));
	*nr_ret = (size_t)nr;
	return NULL;
}

/* nr_blockdev_pages(): the page cache of the block device inodes (the
 * inodes of blockdev_superblock, on its s_inodes list). */
VMS_MUST_CHECK static struct vms_error *blockdev_pages(struct mi *m, uint64_t *ret)
{
	struct vms_error *err;
	uint64_t sb, o_s_inodes, o_i_sb_list, o_i_mapping, o_nrpages;
	if ((err = read_var(m, KF_BLOCKDEV_SUPERBLOCK, NULL, &sb)) ||
	    (err = kf_need_off(m->prog, KF_SB_S_INODES, &o_s_inodes)) ||
	    (err = kf_need_off(m->prog, KF_INODE_I_SB_LIST, &o_i_sb_list)) ||
	    (err = kf_need_off(m->prog, KF_INODE_I_MAPPING, &o_i_mapping)) ||
	    (err = kf_need_off(m->prog, KF_AS_NRPAGES, &o_nrpages)))
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
VMS_MUST_CHECK static struct vms_error *wmark_low_sum(struct mi *m, uint64_t *ret)
{
	struct vms_error *err;
	uint64_t o_zones, o_wmark, o_boost = 0, zsize;
	int64_t wmark_low;
	if ((err = kf_need_off(m->prog, KF_PGDAT_NODE_ZONES, &o_zones)) ||
	    (err = kf_need_off(m->prog, KF_ZONE_WATERMARK, &o_wmark)) ||
	    (err = kf_need_size(m->prog, KF_ZONE, &zsize)) ||
	    (err = kf_const(m->prog, KF_WMARK_LOW, &wmark_low)))
		return err;
	struct vms_type *zones_t = vms_type_strip(kf_type(m->prog, KF_PGDAT_NODE_ZONES));
	uint64_t nzones = zones_t ? vms_type_array_length(zones_t) : 0;
	bool has_boost = kf_has(m->prog, KF_ZONE_WATERMARK_BOOST);
	if (has_boost)
		o_boost = (uint64_t)kf_off(m->prog, KF_ZONE_WATERMARK_BOOST);

	// The nodes: node_data[] with NUMA, else contig_page_data.
	uint64_t pgdats[LINUX_MAX_NODES];
	size_t npg;
	if ((err = linux_node_pgdats(m->prog, pgdats, VMS_ARRAY_SIZE(pgdats), &npg)))
		return err;
	uint64_t sum = 0;
	for (size_t i = 0; i < npg; i++) {
		if (!pgdats[i])
			continue;
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
	struct vms_type *hs_t;
	uint64_t hs_addr, max_hstate, def_idx, hsize;
	*huge_pages_ret = 0;
	if ((err = kf_var(m->prog, KF_HSTATES, &hs_addr, &hs_t)) ||
	    (err = kf_need_size(m->prog, KF_HSTATE, &hsize)))
		goto fail;
	if ((err = read_var(m, KF_HUGETLB_MAX_HSTATE, NULL, &max_hstate)) ||
	    (err = read_var(m, KF_DEFAULT_HSTATE_IDX, NULL, &def_idx)))
		goto fail;
	uint64_t o_order, o_nr, o_free, o_resv, o_surp;
	if ((err = kf_need_off(m->prog, KF_HSTATE_ORDER, &o_order)) ||
	    (err = kf_need_off(m->prog, KF_HSTATE_NR_HUGE_PAGES, &o_nr)) ||
	    (err = kf_need_off(m->prog, KF_HSTATE_FREE_HUGE_PAGES, &o_free)) ||
	    (err = kf_need_off(m->prog, KF_HSTATE_RESV_HUGE_PAGES, &o_resv)) ||
	    (err = kf_need_off(m->prog, KF_HSTATE_SURPLUS_HUGE_PAGES, &o_surp)))
		goto fail;
	// hstates[HUGE_MAX_HSTATE]
	uint64_t nr_hstates = vms_type_array_length(vms_type_strip(hs_t));
	uint64_t total_kb = 0;
	for (uint64_t i = 0; i < max_hstate && i < nr_hstates; i++) {
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

/* Zswap and Zswapped (CONFIG_ZSWAP): the compressed pool's size, and the
 * pages stored in it.  The pool size is zswap_pool_total_size (bytes) up to
 * 6.9; later zswap_total_pages() sums the pages of every pool on
 * zswap_pools, which is answered here only when there is no pool. */
static void zswap(struct mi *m)
{
	uint64_t stored, v, head, first;
	struct vms_type *t = kf_type(m->prog, KF_ZSWAP_STORED_PAGES);
	if (!t)
		return;
	struct vms_error *err = read_var(m, KF_ZSWAP_STORED_PAGES, "counter", &stored);
	if (err) {
		note(m, "Zswapped", err);
		return;
	}
	if (!(err = read_var(m, KF_ZSWAP_POOL_TOTAL_SIZE, NULL, &v))) {
		put(m, "Zswap", v >> 10);
	} else if (!(vms_error_destroy(err), err = kf_var(m->prog, KF_ZSWAP_POOLS, &head, NULL)) &&
		   !(err = program_read_u64(m->prog, head, &first))) {
		if (first == head)
			put_kb(m, "Zswap", 0);
		else
			value_push(m->unavailable, value_string("Zswap: summing the pages of zswap pools is not done yet"));
	} else {
		note(m, "Zswap", err);
	}
	put_kb(m, "Zswapped", (int64_t)stored);
}

/* How many pages one count of NR_ANON_THPS (and the other THP counters)
 * stands for: pages since 5.13, whole THPs before.  The kernel's own
 * memory_stats[] table tells: up to 5.14 each entry carries the bytes one
 * count is (`ratio`, set at boot to HPAGE_PMD_SIZE for the THP counters
 * while they counted THPs); without a ratio member they count pages. */
VMS_MUST_CHECK static struct vms_error *thp_counter_unit(struct mi *m, int64_t *ret)
{
	if (!kf_has(m->prog, KF_MEMSTAT_RATIO)) {
		if (!kf_has(m->prog, KF_MEMORY_STAT))
			return vms_error_create(VMS_ERR_LOOKUP, "no memory_stats[] (CONFIG_MEMCG) to tell the unit of NR_ANON_THPS");
		*ret = 1;
		return NULL;
	}
	uint64_t table, size, o_ratio, o_idx;
	struct vms_type *t;
	int64_t thps;
	struct vms_error *err;
	if ((err = kf_var(m->prog, KF_MEMORY_STATS, &table, &t)) ||
	    (err = kf_need_size(m->prog, KF_MEMORY_STAT, &size)) ||
	    (err = kf_need_off(m->prog, KF_MEMSTAT_RATIO, &o_ratio)) ||
	    (err = kf_need_off(m->prog, KF_MEMSTAT_IDX, &o_idx)) ||
	    (err = kf_const(m->prog, KF_NR_ANON_THPS, &thps)))
		return err;
	uint64_t n = vms_type_array_length(vms_type_strip(t));
	for (uint64_t i = 0; i < n && i < MAX_STAT_ITEMS; i++) {
		uint32_t ratio, idx;
		if ((err = program_read_u32(m->prog, table + i * size + o_idx, &idx)) ||
		    (err = program_read_u32(m->prog, table + i * size + o_ratio, &ratio)))
			return vms_error_wrap(err, "reading memory_stats[]");
		if (idx == (uint64_t)thps && ratio) {
			*ret = (int64_t)(ratio >> m->page_shift);
			return *ret ? NULL : vms_error_create(VMS_ERR_CORRUPT, "memory_stats[] ratio %u", ratio);
		}
	}
	return vms_error_create(VMS_ERR_LOOKUP, "no NR_ANON_THPS entry in memory_stats[]");
}

struct vms_error *linux_meminfo(struct vms_program *prog, struct vms_value **ret)
{
	_cleanup_free_ struct mi *m = calloc(1, sizeof(*m));
	if (!m)
		return &vms_enomem;
	m->prog = prog;
	m->page_shift = program_page_shift(prog);
	struct vms_error *err;
	if ((err = read_stat_array(m, KF_VM_ZONE_STAT, KF_ENUM_ZONE_STAT_ITEM, "NR_VM_ZONE_STAT_ITEMS",
				   &m->zone_enum, m->zone_stat, &m->nr_zone)) ||
	    (err = read_stat_array(m, KF_VM_NODE_STAT, KF_ENUM_NODE_STAT_ITEM, "NR_VM_NODE_STAT_ITEMS",
				   &m->node_enum, m->node_stat, &m->nr_node)))
		return vms_error_wrap(err, "reading the vm counters");
	struct vms_value *obj = value_object();
	m->values = value_set(obj, "values", value_object());
	m->unavailable = value_array();

	uint64_t totalram = 0, v;
	err = read_var(m, KF_TOTALRAM_PAGES, NULL, &totalram);
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
	if ((err = read_var(m, KF_TOTAL_SWAP_PAGES, NULL, &total_swap)))
		note(m, "SwapTotal", err);
	if ((err = read_var(m, KF_NR_SWAP_PAGES, "counter", &free_swap)))
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
	    (err = read_var(m, KF_TOTALRESERVE_PAGES, NULL, &totalreserve))) {
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
	zswap(m);
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
	uint64_t okb = 0, ratio = 0;
	if ((err = read_var(m, KF_SYSCTL_OVERCOMMIT_KBYTES, NULL, &okb)) ||
	    (err = read_var(m, KF_SYSCTL_OVERCOMMIT_RATIO, NULL, &ratio))) {
		note(m, "CommitLimit", err);
	} else {
		uint64_t allowed = okb ? okb >> (m->page_shift - 10)
				       : (totalram - huge_pages) * ratio / 100;
		put_kb(m, "CommitLimit", (int64_t)(allowed + total_swap));
	}
	// vm_memory_committed() is percpu_counter_sum_positive() since 5.8
	// (commit 56f3547bfa4d "mm: adjust vm_committed_as_batch according to
	// vm overcommit policy"): the per-CPU deltas count.
	uint64_t committed_addr;
	int64_t committed = 0;
	struct linux_percpu_counter_layout pcl;
	struct linux_mem mem = linux_mem_program(prog);
	if ((err = kf_var(prog, KF_VM_COMMITTED_AS, &committed_addr, NULL)) ||
	    (err = linux_percpu_counter_layout(prog, &pcl)) ||
	    (err = linux_percpu_counter_sum(&mem, &pcl, committed_addr, &committed)))
		note(m, "Committed_AS", err);
	else
		put_kb(m, "Committed_AS", committed < 0 ? 0 : committed);
	// VMALLOC_SIZE_TB, by the paging mode (x86-64)
	uint64_t l5 = 0;
	int64_t l5c;
	if (vms_ok(kf_const(prog, KF_PGTABLE_L5, &l5c)))
		l5 = l5c != 0;
	else
		vms_error_destroy(read_var(m, KF_PGTABLE_L5_ENABLED, NULL, &l5));
	int64_t vtb = kf_const_or(prog, l5 ? KF_X86_VMALLOC_SIZE_TB_L5 : KF_X86_VMALLOC_SIZE_TB_L4, 0);
	if (vtb > 0)
		put(m, "VmallocTotal", (((uint64_t)vtb << 40) - 1) >> 10);
	// vmalloc pages: the node counter NR_VMALLOC since 7.2, before the
	// atomic nr_vmalloc_pages
	if (stat(m, "NR_VMALLOC", &x))
		put_kb(m, "VmallocUsed", x);
	else if ((err = read_var(m, KF_NR_VMALLOC_PAGES, "counter", &v)))
		note(m, "VmallocUsed", err);
	else
		put_kb(m, "VmallocUsed", (int64_t)v);
	put_kb(m, "VmallocChunk", 0);
	uint64_t populated, units;
	if ((err = read_var(m, KF_PCPU_NR_POPULATED, NULL, &populated)) ||
	    (err = read_var(m, KF_PCPU_NR_UNITS, NULL, &units)))
		note(m, "Percpu", err);
	else
		put_kb(m, "Percpu", (int64_t)(populated * units));
	// CONFIG_MEMORY_FAILURE
	if (!(err = read_var(m, KF_NUM_POISONED_PAGES, "counter", &v)))
		put_kb(m, "HardwareCorrupted", (int64_t)v);
	vms_error_destroy(err);
	// NR_ANON_THPS counts pages since 5.13, THPs before: the kernel's
	// own memory_stats[] says which (thp_counter_unit()).  The counters
	// exist without CONFIG_TRANSPARENT_HUGEPAGE, the lines do not.
	int64_t thp_unit = 1;
	if (!kf_has(prog, KF_TRANSPARENT_HUGEPAGE_FLAGS)) {
		// no such kernel option: no lines
	} else if (stat(m, "NR_ANON_THPS", &x) && (err = thp_counter_unit(m, &thp_unit))) {
		note(m, "AnonHugePages", err);
	} else if (stat(m, "NR_ANON_THPS", &x)) {
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
	uint64_t cma;
	if (!(err = kf_var(prog, KF_CMA_AREAS, &cma, NULL)) &&
	    !(err = read_var(m, KF_TOTALCMA_PAGES, NULL, &v))) {
		put_kb(m, "CmaTotal", (int64_t)v);
		put_kb(m, "CmaFree", stat0(m, "NR_FREE_CMA_PAGES"));
	}
	vms_error_destroy(err);
	// CONFIG_UNACCEPTED_MEMORY (6.5, commit dcdfdd40fa82 "mm: Add support
	// for unaccepted memory")
	if (stat(m, "NR_UNACCEPTED", &x))
		put_kb(m, "Unaccepted", x);
	// 7.x node counters
	if (stat(m, "NR_BALLOON_PAGES", &x))
		put_kb(m, "Balloon", x);
	if (stat(m, "NR_GPU_ACTIVE", &x))
		put_kb(m, "GPUActive", x);
	if (stat(m, "NR_GPU_RECLAIM", &x))
		put_kb(m, "GPUReclaim", x);
	for (size_t i = 0; i < huge_values->object.len; i++) {
		value_set(m->values, huge_values->object.pairs[i].key, huge_values->object.pairs[i].value);
		huge_values->object.pairs[i].value = NULL;
	}
	value_destroy(huge_values);
	// arch_report_meminfo() on x86: direct_pages_count[enum pg_level],
	// in kB of each level's page size.
	uint64_t dpc;
	int64_t l4k, l2m, l1g;
	if (!(err = kf_var(prog, KF_DIRECT_PAGES_COUNT, &dpc, NULL)) &&
	    !(err = kf_const(prog, KF_PG_LEVEL_4K, &l4k)) && !(err = kf_const(prog, KF_PG_LEVEL_2M, &l2m)) &&
	    !(err = kf_const(prog, KF_PG_LEVEL_1G, &l1g))) {
		uint64_t c4k, c2m, c1g, gb = 0;
		unsigned pmd_shift = (unsigned)kf_const_or(prog, KF_X86_PMD_SHIFT, 0);
		unsigned pud_shift = (unsigned)kf_const_or(prog, KF_X86_PUD_SHIFT, 0);
		if ((err = program_read_u64(prog, dpc + 8 * (uint64_t)l4k, &c4k)) ||
		    (err = program_read_u64(prog, dpc + 8 * (uint64_t)l2m, &c2m)) ||
		    (err = program_read_u64(prog, dpc + 8 * (uint64_t)l1g, &c1g))) {
			note(m, "DirectMap", err);
		} else {
			put(m, "DirectMap4k", c4k << (m->page_shift - 10));
			put(m, "DirectMap2M", c2m << (pmd_shift - 10));
			vms_error_destroy(read_var(m, KF_DIRECT_GBPAGES, NULL, &gb));
			if (gb)
				put(m, "DirectMap1G", c1g << (pud_shift - 10));
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
