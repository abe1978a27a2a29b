// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * struct page decoding from arbitrary bytes (linux/pagedecode.c, kpf.c) and
 * the memory-model decoding of mem_section (linux/memmap.c) over arbitrary
 * memory.  Input: one control byte, then an image of up to 1024 struct
 * pages of 64 bytes laid out like x86_64 6.1 or 6.12 (the layouts of
 * tests/unit/page_test.c).
 *   control bit 0: the 6.12 layout (folios, page types in the top byte)
 *           bit 1: hand the decoder the image as a batch window
 *           bit 2: also scan the image as a SPARSEMEM mem_section array
 */
#include <stdlib.h>
#include <string.h>

#include "base/record.h"
#include "base/strbuf.h"
#include "cli/page_record.h"
#include "base/value.h"
#include "fuzz.h"
#include "linux/kpf.h"
#include "linux/memmap.h"
#include "linux/pagedecode.h"

#define PS 64
#define MAXPAGES 1024
#define BASE UINT64_C(0xffffea0000000000)

static struct linux_page_layout l61, l612;

static void layout_61(struct linux_page_layout *l)
{
	memset(l, 0, sizeof(*l));
	l->page_size = PS;
	l->off_flags = 0; l->off_compound_head = 8; l->off_mapping = 24; l->off_index = 32;
	l->off_private = 40; l->off_mapcount = 48; l->off_refcount = 52; l->off_memcg = 56;
	l->has_memcg = true;
	l->model = LINUX_MEMMAP_VMEMMAP;
	l->vmemmap = BASE;
	l->max_pfn = MAXPAGES;
	for (int i = 0; i < LINUX_PG_NR; i++)
		l->pg[i] = -1;
	l->pg[LINUX_PG_LOCKED] = 0; l->pg[LINUX_PG_REFERENCED] = 1; l->pg[LINUX_PG_UPTODATE] = 2;
	l->pg[LINUX_PG_DIRTY] = 3; l->pg[LINUX_PG_LRU] = 4; l->pg[LINUX_PG_ACTIVE] = 5;
	l->pg[LINUX_PG_WORKINGSET] = 6; l->pg[LINUX_PG_ERROR] = 8; l->pg[LINUX_PG_SLAB] = 9;
	l->pg[LINUX_PG_OWNER_PRIV_1] = 10; l->pg[LINUX_PG_SWAPCACHE] = 10;
	l->pg[LINUX_PG_RESERVED] = 12; l->pg[LINUX_PG_HEAD] = 16; l->pg[LINUX_PG_MAPPEDTODISK] = 17;
	l->pg[LINUX_PG_SWAPBACKED] = 19; l->pg[LINUX_PG_DOUBLE_MAP] = 6;
	l->pg[LINUX_PG_UNEVICTABLE] = 20; l->pg[LINUX_PG_MLOCKED] = 21; l->pg[LINUX_PG_HWPOISON] = 22;
	l->pg[LINUX_PG_YOUNG] = 23; l->pg[LINUX_PG_IDLE] = 24;
	l->nr_pageflags = 25;
	l->off_cmp_order = PS + 17; l->off_cmp_mapcount = PS + 20; l->off_cmp_dtor = PS + 16;
	l->off_flags_1 = l->off_cmp_nr = l->off_large_mapcount = l->off_nr_pages_mapped = -1;
	l->hugetlb_dtor = 2;
	l->pt_encoding = LINUX_PT_INVERTED;
	l->pt_value[LINUX_PT_BUDDY] = 0x80; l->pt_value[LINUX_PT_OFFLINE] = 0x100;
	l->pt_value[LINUX_PT_TABLE] = 0x200; l->pt_value[LINUX_PT_GUARD] = 0x400;
	l->nr_zones = 5; l->zones_width = 3; l->nodes_width = 10;
	l->sections_pgshift = 64; l->nodes_pgshift = 54; l->zones_pgshift = 51;
	l->zone_name[1] = "DMA32";
	l->has_zero_pfn = true; l->zero_pfn = 1000;
	l->huge_zero_page = BASE + 512 * PS;
	l->max_order = 11;
	l->max_folio_order = 18;
	// the encodings of x86-64 kernels (kfacts.def)
	l->mapping_anon = 1; l->mapping_ksm_bit = 2; l->mapping_flags_mask = 3;
	l->tail_bit = 1; l->folio_order_mask = 0xff;
	l->pt_base = 0xf0000000u; l->pt_reserve = -128;
}

static void layout_612(struct linux_page_layout *l)
{
	layout_61(l);
	l->pt_encoding = LINUX_PT_TOP_BYTE;
	memset(l->pt_value, 0, sizeof(l->pt_value));
	l->pt_value[LINUX_PT_BUDDY] = 0xf0; l->pt_value[LINUX_PT_OFFLINE] = 0xf1;
	l->pt_value[LINUX_PT_TABLE] = 0xf2; l->pt_value[LINUX_PT_GUARD] = 0xf3;
	l->pt_value[LINUX_PT_HUGETLB] = 0xf4; l->pt_value[LINUX_PT_SLAB] = 0xf5;
	l->pt_value[LINUX_PT_ZSMALLOC] = 0xf6; l->pt_value[LINUX_PT_UNACCEPTED] = 0xf7;
	l->pg[LINUX_PG_LARGE_RMAPPABLE] = 9;
	l->pg[LINUX_PG_DOUBLE_MAP] = -1;
	l->off_cmp_order = -1; l->off_flags_1 = PS; l->off_large_mapcount = PS + 16;
	l->off_cmp_mapcount = PS + 20; l->off_cmp_dtor = -1; l->hugetlb_dtor = -1;
	l->kpf_from_folio = true;
	l->mapcount_precise = true;
	l->idle_from_folio = true;
}

static int init(void)
{
	layout_61(&l61);
	layout_612(&l612);
	return 0;
}

struct image {
	const uint8_t *b;
	uint64_t n;
};

static const uint8_t *get(void *arg, uint64_t pfn)
{
	const struct image *im = arg;
	return pfn < im->n ? im->b + pfn * PS : NULL;
}

static struct vms_error *img_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	const struct image *im = arg;
	uint64_t off = addr - BASE;
	if (addr < BASE || off > im->n * PS || len > im->n * PS - off)
		return vms_error_addr(VMS_ERR_NODATA, addr, "no memory at 0x%llx", (unsigned long long)addr);
	memcpy(buf, im->b + off, len);
	return NULL;
}

static void scan_sparse(const uint8_t *ctl, struct image *im)
{
	struct linux_sparse_geom g;
	struct vms_error *err = linux_sparse_geometry(12, 20 + ctl[1] % 16, 40 + ctl[2] % 16,
						      4 + ctl[3] % 2, 1, 2, 21, &g);
	if (err) {
		fz_check_error(err);
		return;
	}
	struct linux_memmap *m = calloc(1, sizeof(*m));
	if (!m)
		return;
	m->layout = &l61;
	m->max_pfn = fz_u64(ctl, 8, 4) & 0xffffffff;
	struct linux_sparse_desc d = {
		.extreme = ctl[0] & 8, .mem_section = BASE + (ctl[4] % 64) * 8,
		.nr_roots = 1 + ctl[5] % 64, .per_root = 1 + ctl[6] % 256, .ms_size = ctl[0] & 16 ? 32 : 16,
		.off_map = 0, .has_usage = ctl[0] & 32, .off_usage = 8, .off_subsec = 0,
	};
	fz_check_error(linux_memmap_scan_sparse(m, &g, &d, img_read, im));
	linux_memmap_finish(m);
	for (uint64_t pfn = 0; pfn < 1u << 20; pfn += 4099)
		(void)linux_memmap_find(m, pfn);
	linux_memmap_destroy(m);
}

/* Do two decodings of a page agree, field by field (memo_id aside)? */
static bool same_page(const struct linux_page_info *a, const struct linux_page_info *b)
{
	return a->pfn == b->pfn && a->page == b->page && a->flags == b->flags &&
	       a->head_flags == b->head_flags && a->second_flags == b->second_flags &&
	       a->head_pfn == b->head_pfn && a->head_page == b->head_page && a->mapping == b->mapping &&
	       a->mapping_obj == b->mapping_obj && a->mapping_raw == b->mapping_raw &&
	       a->index == b->index && a->private_ == b->private_ && a->compound_raw == b->compound_raw &&
	       a->memcg == b->memcg && a->refcount == b->refcount && a->page_count == b->page_count &&
	       a->mapcount_raw == b->mapcount_raw && a->mapcount == b->mapcount &&
	       a->entire_mapcount == b->entire_mapcount && a->large_mapcount == b->large_mapcount &&
	       a->bits == b->bits && a->type == b->type && a->head_type == b->head_type &&
	       a->order == b->order && a->bad_order == b->bad_order && a->zone == b->zone &&
	       a->mapping_kind == b->mapping_kind && a->use == b->use && a->node == b->node &&
	       a->kpf == b->kpf;
}

static void one(const uint8_t *data, size_t size)
{
	if (size < 8)
		return;
	const uint8_t *ctl = data;
	struct image im = {data + 8, (size - 8) / PS};
	if (im.n > MAXPAGES)
		im.n = MAXPAGES;
	if (!im.n)
		return;
	const struct linux_page_layout *l = ctl[0] & 1 ? &l612 : &l61;
	struct linux_page_fast fast;
	linux_page_fast_init(&fast, l);
	uint8_t *ok = malloc(im.n);
	if (!ok)
		return;
	bool all = true;
	for (uint64_t i = 0; i < im.n; i++) {
		// a page whose flags byte 7 is 0x5a is unreadable in the window
		ok[i] = im.b[i * PS + 7] == 0x5a ? 0 : 0xff;
		all &= ok[i] == 0xff;
	}
	struct linux_page_source src = {.get = get, .arg = &im, .fast = &fast};
	if (ctl[0] & 2) {
		src.win_start = 0;
		src.win_n = im.n;
		src.win = im.b;
		src.win_ok = ok;
		src.win_all_ok = all;
	}
	// the same source with a memo of simple pages: it must decode alike
	struct linux_page_source msrc = src;
	static struct linux_page_memo memo;
	static struct linux_page_info memo_pi[LINUX_SIMPLE_MEMO];
	memset(&memo, 0, sizeof(memo));
	for (unsigned i = 0; i < LINUX_SIMPLE_MEMO; i++)
		memo.slot[i].pi = &memo_pi[i];
	msrc.fast = &fast;
	msrc.simple = &memo;
	static struct page_record_cache names;
	struct strbuf sb = STRBUF_INIT, sb2 = STRBUF_INIT;
	static uint64_t kpf_tab[8][256];
	linux_kpf_common_table(l, kpf_tab);
	struct rec_writer w;
	struct rec_row row;
	rec_writer_init(&w, REC_JSON, &sb);
	rec_row_init(&row, &page_kpf_schema);
	for (uint64_t pfn = 0; pfn < im.n; pfn++) {
		struct linux_page_info pi;
		// (the first pages also without the precomputed tables)
		src.fast = pfn < 4 ? NULL : &fast;
		linux_page_decode(l, &src, im.b + pfn * PS, pfn, BASE + pfn * PS, &pi);
		if (pi.kpf != linux_page_kpf_tab(l, kpf_tab, &pi))
			abort(); // the decoder's KPF word, with or without its fast tables
		struct linux_page_info mbuf;
		const struct linux_page_info *mp =
			linux_page_decode_ref(l, &msrc, im.b + pfn * PS, pfn, BASE + pfn * PS, &mbuf);
		if (!same_page(&pi, mp))
			abort(); // the memo of simple pages changed the answer
		if (pfn % 16)
			continue; // rendering: a sample
		for (unsigned b = 0; b < 64; b++)
			if ((pi.flags >> b) & 1)
				(void)linux_page_flag_name(l, &pi, b);
		strbuf_reset(&sb);
		page_record_fill(&row, l, &pi, pfn % 32 == 0, NULL);
		rec_write(&w, &row);
		// with the cache of names: the same bytes
		struct rec_writer w2;
		rec_writer_init(&w2, REC_JSON, &sb2);
		strbuf_reset(&sb2);
		page_record_fill(&row, l, &pi, pfn % 32 == 0, &names);
		rec_write(&w2, &row);
		if (!strbuf_failed(&sb) && !strbuf_failed(&sb2) && strcmp(sb.buf, sb2.buf) != 0)
			abort();
	}
	rec_row_deinit(&row);
	page_record_cache_release(&names);
	strbuf_release(&sb);
	strbuf_release(&sb2);
	free(ok);
	if (ctl[0] & 4)
		scan_sparse(ctl, &im);
}

const struct fuzz_target fz_page = {"page", "struct page decoding and mem_section scans from bytes", init, one, NULL};
