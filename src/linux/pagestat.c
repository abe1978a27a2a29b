// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/pagestat.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* A tiny open-addressing counter table: KPF word -> pages. */
struct counter {
	uint64_t *keys, *vals;
	bool *used;
	size_t mask, count;
	bool oom;
};

static bool counter_grow(struct counter *c)
{
	size_t cap = c->mask ? 2 * (c->mask + 1) : 256;
	uint64_t *k = calloc(cap, 8), *v = calloc(cap, 8);
	bool *u = calloc(cap, 1);
	if (!k || !v || !u) {
		free(k);
		free(v);
		free(u);
		c->oom = true;
		return false;
	}
	for (size_t i = 0; c->mask && i <= c->mask; i++) {
		if (!c->used[i])
			continue;
		size_t j = (size_t)(c->keys[i] * 0x9e3779b97f4a7c15ull >> 20) & (cap - 1);
		while (u[j])
			j = (j + 1) & (cap - 1);
		u[j] = true;
		k[j] = c->keys[i];
		v[j] = c->vals[i];
	}
	free(c->keys);
	free(c->vals);
	free(c->used);
	c->keys = k;
	c->vals = v;
	c->used = u;
	c->mask = cap - 1;
	return true;
}

static void counter_add(struct counter *c, uint64_t key, uint64_t n)
{
	if ((c->count + 1) * 2 > (c->mask ? c->mask + 1 : 0) && !counter_grow(c))
		return;
	size_t j = (size_t)(key * 0x9e3779b97f4a7c15ull >> 20) & c->mask;
	while (c->used[j] && c->keys[j] != key)
		j = (j + 1) & c->mask;
	if (!c->used[j]) {
		c->used[j] = true;
		c->keys[j] = key;
		c->count++;
	}
	c->vals[j] += n;
}

static void counter_free(struct counter *c)
{
	free(c->keys);
	free(c->vals);
	free(c->used);
}

/* What the tallies other than the KPF word take from a page. */
struct tally_key {
	uint8_t use, zone, mapping_kind;
	uint8_t block;   // the block order + 1 if the page starts a block
	                 // (folio head, free block head, single page), else 0
	uint16_t node;
};

static inline bool tally_key_eq(const struct tally_key *a, const struct tally_key *b)
{
	return a->use == b->use && a->zone == b->zone && a->mapping_kind == b->mapping_kind &&
	       a->block == b->block && a->node == b->node;
}

struct worker_state {
	VMS_CACHELINE_HEAD;
	const struct linux_memmap *m;
	struct linux_pagestat st;
	struct counter combos;
	// The current run of pages alike in everything tallied: counted here
	// first and added to the tallies when a page differs (tally_flush()).
	uint64_t run_kpf, run_n;
	struct tally_key run_key;
	uint64_t run_memo;  // the run's pages' memo_id, 0 if none
	// The zone span the last page was found in (zs_valid false: none).
	bool zs_valid;
	uint16_t zs_node;
	uint8_t zs_zone;
	uint64_t zs_start, zs_spanned;
	VMS_CACHELINE_PAD;
};

static inline struct tally_key tally_key_of(const struct linux_page_info *pi)
{
	bool free_tail = (pi->bits & LINUX_PAGE_FREE) && pi->type != LINUX_PT_BUDDY;
	bool starts = !(pi->bits & LINUX_PAGE_TAIL) && !free_tail;
	return (struct tally_key){
		.use = pi->use, .zone = (uint8_t)(pi->zone & 7), .mapping_kind = pi->mapping_kind,
		.block = starts ? (uint8_t)((pi->order & 63) + 1) : 0, .node = pi->node,
	};
}

static void tally_flush(struct worker_state *ws)
{
	uint64_t n = ws->run_n;
	const struct tally_key *k = &ws->run_key;
	if (!n)
		return;
	counter_add(&ws->combos, ws->run_kpf, n);
	ws->st.by_use[k->use] += n;
	ws->st.by_zone[k->zone] += n;
	ws->st.by_node[k->node < LINUX_PAGESTAT_MAX_NODES ? k->node : LINUX_PAGESTAT_MAX_NODES - 1] += n;
	ws->st.by_mapping[k->mapping_kind] += n;
	if (k->block)
		ws->st.blocks_by_order[k->block - 1] += n;
	ws->run_n = 0;
}

/* @n pages like @pi, its zone checked. */
static inline void tally(struct worker_state *ws, const struct linux_page_info *pi, uint64_t n)
{
	struct tally_key key = tally_key_of(pi);
	if (pi->kpf != ws->run_kpf || !tally_key_eq(&key, &ws->run_key) || pi->memo_id != ws->run_memo) {
		tally_flush(ws);
		ws->run_kpf = pi->kpf;
		ws->run_key = key;
		ws->run_memo = pi->memo_id;
	}
	ws->run_n += n;
}

/* Is the zone @pi's flags name known to span [pi->pfn, pi->pfn + n)?
 * Only a yes is sure; a no is for linux_memmap_zone_check() to look at. */
static inline bool zone_spans(struct worker_state *ws, const struct linux_page_info *pi, uint64_t n)
{
	const struct linux_memmap *m = ws->m;
	if (!m->zones)
		return true;
	if (!ws->zs_valid || ws->zs_node != pi->node || ws->zs_zone != pi->zone) {
		// where probe_zones() put the zone (linux_memmap_zone_check())
		size_t at = (size_t)pi->node * m->layout->nr_zones + pi->zone;
		if (at >= m->nr_zones || m->zones[at].node != pi->node || m->zones[at].zone != pi->zone)
			return false;
		ws->zs_valid = true;
		ws->zs_node = pi->node;
		ws->zs_zone = pi->zone;
		ws->zs_start = m->zones[at].start_pfn;
		ws->zs_spanned = m->zones[at].spanned;
	}
	return pi->pfn - ws->zs_start < ws->zs_spanned && pi->pfn + n - 1 - ws->zs_start < ws->zs_spanned;
}

static void on_page(void *arg, const struct linux_page_info *pi)
{
	struct worker_state *ws = arg;
	// A page alike the run's (the same memo entry) in the zone last checked
	if (pi->memo_id && pi->memo_id == ws->run_memo && ws->run_n && ws->zs_valid &&
	    ws->zs_node == pi->node && ws->zs_zone == pi->zone && pi->pfn - ws->zs_start < ws->zs_spanned) {
		ws->run_n++;
		return;
	}
	if (!zone_spans(ws, pi, 1)) {
		switch (linux_memmap_zone_check(ws->m, pi)) {
		case LINUX_ZONE_OK: break;
		case LINUX_ZONE_HOLE: ws->st.zone_hole++; break;
		case LINUX_ZONE_MISMATCH:
			if (ws->st.nr_zone_mismatch_pfn < 8)
				ws->st.zone_mismatch_pfn[ws->st.nr_zone_mismatch_pfn++] = pi->pfn;
			ws->st.zone_mismatch++;
			break;
		}
	}
	tally(ws, pi, 1);
}

/* @n pages from pi->pfn that are all *pi but for their PFN. */
static void on_page_run(void *arg, const struct linux_page_info *pi, uint64_t n)
{
	struct worker_state *ws = arg;
	const struct linux_memmap *m = ws->m;
	// The zone check, for the whole run at once when one zone of the
	// page's node and zone number spans it all (then each page is OK).
	bool ok = zone_spans(ws, pi, n);
	for (size_t i = 0; i < m->nr_zones && !ok; i++) {
		const struct linux_zone_span *z = &m->zones[i];
		if (z->node == pi->node && z->zone == pi->zone && pi->pfn - z->start_pfn < z->spanned &&
		    pi->pfn + n - 1 - z->start_pfn < z->spanned)
			ok = true;
	}
	if (!ok) {
		struct linux_page_info p = *pi;
		for (uint64_t k = 0; k < n; k++, p.pfn++)
			on_page(arg, &p);
		return;
	}
	tally(ws, pi, n);
}

static int by_pages_desc(const void *a, const void *b)
{
	const struct linux_pagestat_combo *x = a, *y = b;
	if (x->pages != y->pages)
		return x->pages < y->pages ? 1 : -1;
	return x->kpf < y->kpf ? -1 : x->kpf > y->kpf;
}

struct vms_error *linux_pagestat(struct vms_program *prog, const struct linux_memmap *m,
				 const struct linux_memmap_walk *how, struct linux_pagestat **ret)
{
	struct linux_memmap_walk w = { 0 };
	if (how) {
		w.start_pfn = how->start_pfn;
		w.end_pfn = how->end_pfn;
		w.nthreads = how->nthreads;
		w.batch = how->batch;
		w.zerocopy = how->zerocopy;
		w.progress = how->progress;
		w.progress_arg = how->progress_arg;
	}
	w.page = on_page;
	w.page_run = on_page_run;
	unsigned n = linux_memmap_walk_threads(&w);
	w.nthreads = n;
	struct worker_state *ws = calloc(n, sizeof(*ws));
	void **states = calloc(n, sizeof(*states));
	struct linux_pagestat *st = calloc(1, sizeof(*st));
	if (!ws || !states || !st) {
		free(ws);
		free(states);
		free(st);
		return &vms_enomem;
	}
	for (unsigned i = 0; i < n; i++) {
		ws[i].m = m;
		states[i] = &ws[i];
	}
	w.wstate = states;
	double t0 = vms_now();
	struct vms_error *err = linux_memmap_walk(prog, m, &w);
	double seconds = vms_now() - t0;
	for (unsigned i = 0; i < n; i++)
		tally_flush(&ws[i]);
	struct counter all = { 0 };
	for (unsigned i = 0; i < n && !err; i++) {
		for (unsigned u = 0; u < LINUX_USE_NR; u++)
			st->by_use[u] += ws[i].st.by_use[u];
		for (unsigned z = 0; z < 8; z++)
			st->by_zone[z] += ws[i].st.by_zone[z];
		for (unsigned d = 0; d < LINUX_PAGESTAT_MAX_NODES; d++)
			st->by_node[d] += ws[i].st.by_node[d];
		for (unsigned k = 0; k < LINUX_MAPPING_NR; k++)
			st->by_mapping[k] += ws[i].st.by_mapping[k];
		for (unsigned o = 0; o < 64; o++)
			st->blocks_by_order[o] += ws[i].st.blocks_by_order[o];
		st->zone_mismatch += ws[i].st.zone_mismatch;
		st->zone_hole += ws[i].st.zone_hole;
		for (size_t k = 0; k < ws[i].st.nr_zone_mismatch_pfn; k++)
			if (st->nr_zone_mismatch_pfn < 8)
				st->zone_mismatch_pfn[st->nr_zone_mismatch_pfn++] = ws[i].st.zone_mismatch_pfn[k];
		if (ws[i].combos.oom)
			err = &vms_enomem;
		for (size_t j = 0; ws[i].combos.mask && j <= ws[i].combos.mask; j++)
			if (ws[i].combos.used[j])
				counter_add(&all, ws[i].combos.keys[j], ws[i].combos.vals[j]);
	}
	for (unsigned i = 0; i < n; i++)
		counter_free(&ws[i].combos);
	free(ws);
	free(states);
	if (!err && all.oom)
		err = &vms_enomem;
	if (!err) {
		st->combos = calloc(all.count ? all.count : 1, sizeof(*st->combos));
		if (!st->combos)
			err = &vms_enomem;
	}
	if (err) {
		counter_free(&all);
		linux_pagestat_destroy(st);
		return err;
	}
	for (size_t j = 0; all.mask && j <= all.mask; j++)
		if (all.used[j])
			st->combos[st->nr_combos++] = (struct linux_pagestat_combo){ all.keys[j], all.vals[j] };
	counter_free(&all);
	qsort(st->combos, st->nr_combos, sizeof(*st->combos), by_pages_desc);
	st->zone_checked = m->zones != NULL;
	st->start_pfn = w.start_pfn;
	st->end_pfn = w.end_pfn ? w.end_pfn : m->end_pfn;
	st->pfns = w.pfns_covered;
	st->decoded = w.pages_decoded;
	st->partial = w.pages_partial;
	memcpy(st->unknown, w.unknown, sizeof(st->unknown));
	st->threads = n;
	st->seconds = seconds;
	*ret = st;
	return NULL;
}

void linux_pagestat_destroy(struct linux_pagestat *st)
{
	if (!st)
		return;
	free(st->combos);
	free(st);
}
