// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/memcg.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hashmap.h"
#include "base/util.h"
#include "base/vector.h"
#include "linux/kfacts.h"
#include "linux/list.h"

// Sanity bounds (not kernel facts).
#define MAX_CGROUPS 100000
#define MAX_DEPTH 64
#define MAX_STATS 512
#define MAX_NAME 256

struct mc {
	struct linux_kmem_base *b;
	struct vms_program *prog;
	struct linux_memcg_info *mi;
	size_t cap;
	int64_t css, css_cgroup, css_parent, css_children, css_sibling, css_flags, cg_kn, kn_name, kn_parent;
	int64_t memory_usage;
	bool atomic_stats;          // 5.10: mem_cgroup.vmstats[] atomics
	int64_t vmstats, vmstats_percpu, mvs_state, mvs_pending, mvsp_state, mvsp_prev;
	uint64_t nr_state;          // entries of the state arrays
	uint8_t *stats_index;       // 6.10+: mem_cgroup_stats_index[]
	uint64_t nr_stats_index;
	uint64_t css_online;
	// memory_stats[]: per entry its counter index, unit and key
	size_t nr_items;
	struct item {
		int64_t idx;
		uint64_t unit;
		size_t name;            // into mi->names
		bool slab_after;        // memory.stat prints "slab" after it
	} items[MAX_STATS];
	int64_t slab_reclaimable;
	size_t slab_name;
	bool have_slab;
};

#define add_error(mi, ...) vms_msgs_add(&(mi)->errors, &(mi)->nr_errors, &(mi)->cap_errors, __VA_ARGS__)

static size_t add_name(struct linux_memcg_info *mi, const char *name)
{
	for (size_t i = 0; i < mi->nr_names; i++)
		if (strcmp(mi->names[i], name) == 0)
			return i;
	if (!vms_array_reserve(mi->names, mi->cap_names, mi->nr_names + 1))
		return SIZE_MAX;
	if (!(mi->names[mi->nr_names] = strdup(name)))
		return SIZE_MAX;
	return mi->nr_names++;
}

void linux_memcg_info_destroy(struct linux_memcg_info *mi)
{
	if (!mi)
		return;
	for (size_t i = 0; i < mi->nr; i++) {
		free(mi->cgroups[i].path);
		free(mi->cgroups[i].stats);
		free(mi->cgroups[i].error);
	}
	free(mi->cgroups);
	for (size_t i = 0; i < mi->nr_names; i++)
		free(mi->names[i]);
	free(mi->names);
	for (size_t i = 0; i < mi->nr_errors; i++)
		free(mi->errors[i]);
	free(mi->errors);
	free(mi);
}

/* The enumerator of enum node_stat_item or memcg_stat_item with @value. */
static const char *item_name(struct vms_program *prog, int64_t value)
{
	enum kf_id ids[] = { KF_ENUM_NODE_STAT_ITEM, KF_ENUM_MEMCG_STAT_ITEM };
	for (size_t k = 0; k < 2; k++) {
		struct vms_type *t = vms_type_strip(kf_type(prog, ids[k]));
		for (size_t i = 0; t && i < vms_type_enumerator_count(t); i++) {
			const struct vms_type_enumerator *e = vms_type_enumerator(t, i);
			if (e->value == value && strncmp(e->name, "NR_VM_", 6) != 0 && strncmp(e->name, "MEMCG_NR", 8) != 0)
				return e->name;
		}
	}
	return NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The unit of memory.stat's value of counter @name (memcg_page_state_unit()
 * and memcg_page_state_output_unit() of 6.x, which switch on these names:
 * bytes for the _B counters, kB for NR_KERNEL_STACK_KB, 1 for the events
 * and workingset counters, else pages). */
static uint64_t unit_of(const char *name, uint64_t page_size)
{
	static const char *const events[] = { "WORKINGSET_", "PGDEMOTE_", "PGSTEAL_", "PGSCAN_", "PGREFILL",
					      "PGPROMOTE_" };
	if (ends_with(name, "_B"))
		return 1;
	if (ends_with(name, "_KB"))
		return 1024;
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		if (strncmp(name, events[i], strlen(events[i])) == 0)
			return 1;
	return page_size;
}

/* memory_stats[]: the kernel's own list of memory.stat's keys. */
VMS_MUST_CHECK static struct vms_error *read_items(struct mc *c)
{
	struct vms_program *prog = c->prog;
	uint64_t addr, esz;
	struct vms_type *t;
	struct vms_error *err;
	if ((err = kf_var(prog, KF_MEMORY_STATS, &addr, &t)) || (err = kf_need_size(prog, KF_MEMORY_STAT, &esz)))
		return err;
	struct vms_type *arr = vms_type_strip(t);
	if (vms_type_kind(arr) != VMS_TYPE_ARRAY || !vms_type_array_has_length(arr))
		return vms_error_create(VMS_ERR_LOOKUP, "memory_stats is not an array of known length");
	uint64_t n = vms_type_array_length(arr);
	int64_t o_name = kf_off(prog, KF_MEMSTAT_NAME), o_idx = kf_off(prog, KF_MEMSTAT_IDX),
		o_ratio = kf_off(prog, KF_MEMSTAT_RATIO);
	if (o_name < 0 || o_idx < 0 || n > MAX_STATS || esz > 64)
		return vms_error_create(VMS_ERR_LOOKUP, "struct memory_stat is not described by the debug info");
	int64_t unrecl = kf_const_or(prog, KF_NR_SLAB_UNRECLAIMABLE_B, -1);
	c->slab_reclaimable = kf_const_or(prog, KF_NR_SLAB_RECLAIMABLE_B, -1);
	for (uint64_t i = 0; i < n; i++) {
		uint8_t e[64];
		if ((err = program_read(prog, addr + i * esz, e, esz)))
			return vms_error_wrap(err, "reading memory_stats[%" PRIu64 "]", i);
		uint64_t np = 0;
		uint32_t idx = 0, ratio = 0;
		memcpy(&np, e + o_name, 8);
		memcpy(&idx, e + o_idx, 4);
		if (o_ratio >= 0)
			memcpy(&ratio, e + o_ratio, 4);
		// every entry of the kernel's table names its key: a null name is
		// the padding after it, which BTF mode's length (the room up to the
		// next symbol, src/program/btf_globals.c) may include
		if (!np && i > 0)
			break;
		char *name;
		if ((err = program_read_string(prog, np, MAX_NAME, &name)))
			return vms_error_wrap(err, "reading memory_stats[%" PRIu64 "].name", i);
		struct item *it = &c->items[c->nr_items];
		it->idx = idx;
		const char *en = item_name(prog, idx);
		it->unit = o_ratio >= 0 ? ratio : en ? unit_of(en, c->b->page_size) : c->b->page_size;
		it->name = add_name(c->mi, name);
		free(name);
		if (it->name == SIZE_MAX)
			return &vms_enomem;
		it->slab_after = unrecl >= 0 && (int64_t)idx == unrecl;
		c->nr_items++;
		if (it->slab_after) {
			c->have_slab = c->slab_reclaimable >= 0;
			if ((c->slab_name = add_name(c->mi, "slab")) == SIZE_MAX)
				return &vms_enomem;
		}
	}
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *probe(struct mc *c)
{
	struct vms_program *prog = c->prog;
	if (!kf_has(prog, KF_MEM_CGROUP) || !kf_has(prog, KF_ROOT_MEM_CGROUP))
		return vms_error_create(VMS_ERR_UNSUPPORTED, "the kernel has no memory cgroups (no struct mem_cgroup "
					"or root_mem_cgroup)");
	c->css = kf_off(prog, KF_MEMCG_CSS);
	c->css_cgroup = kf_off(prog, KF_CSS_CGROUP);
	c->css_parent = kf_off(prog, KF_CSS_PARENT);
	c->css_children = kf_off(prog, KF_CSS_CHILDREN);
	c->css_sibling = kf_off(prog, KF_CSS_SIBLING);
	c->css_flags = kf_off(prog, KF_CSS_FLAGS);
	c->cg_kn = kf_off(prog, KF_CGROUP_KN);
	c->kn_name = kf_off(prog, KF_KN_NAME);
	c->kn_parent = kf_off(prog, KF_KN_PARENT);
	c->vmstats = kf_off(prog, KF_MEMCG_VMSTATS_MEMBER);
	c->vmstats_percpu = kf_off(prog, KF_MEMCG_VMSTATS_PERCPU_MEMBER);
	if (c->css < 0 || c->css_children < 0 || c->css_sibling < 0 || c->vmstats < 0)
		return vms_error_create(VMS_ERR_LOOKUP, "struct mem_cgroup or cgroup_subsys_state is not described "
					"by the debug info");
	int64_t mem = kf_off(prog, KF_MEMCG_MEMORY), usage = kf_off(prog, KF_PAGE_COUNTER_USAGE);
	c->memory_usage = mem >= 0 && usage >= 0 ? mem + usage : -1;
	c->css_online = (uint64_t)kf_const_or(prog, KF_CSS_ONLINE, 0);
	struct vms_type *vt = vms_type_strip(kf_type(prog, KF_MEMCG_VMSTATS_MEMBER));
	c->atomic_stats = vt && vms_type_kind(vt) == VMS_TYPE_ARRAY;
	if (c->atomic_stats) {
		// 5.10: atomic_long_t vmstats[MEMCG_NR_STAT], hierarchical
		c->nr_state = vms_type_array_length(vt);
	} else {
		c->mvs_state = kf_off(prog, KF_MVS_STATE);
		c->mvs_pending = kf_off(prog, KF_MVS_STATE_PENDING);
		c->mvsp_state = kf_off(prog, KF_MVSP_STATE);
		c->mvsp_prev = kf_off(prog, KF_MVSP_STATE_PREV);
		struct vms_type *st = vms_type_strip(kf_type(prog, KF_MVS_STATE));
		if (c->mvs_state < 0 || !st || vms_type_kind(st) != VMS_TYPE_ARRAY)
			return vms_error_create(VMS_ERR_LOOKUP, "struct memcg_vmstats is not described by the debug info");
		c->nr_state = vms_type_array_length(st);
	}
	if (c->nr_state == 0 || c->nr_state > 4096)
		return vms_error_create(VMS_ERR_FORMAT, "implausible memcg counter array of %" PRIu64, c->nr_state);
	// 6.10+: the compacted index (mem_cgroup_stats_index[])
	uint64_t a;
	struct vms_type *it;
	if (vms_ok(kf_var(prog, KF_MEMCG_STATS_INDEX, &a, &it))) {
		struct vms_type *arr = vms_type_strip(it);
		c->nr_stats_index = vms_type_kind(arr) == VMS_TYPE_ARRAY ? vms_type_array_length(arr) : 0;
		if (c->nr_stats_index && c->nr_stats_index <= 4096) {
			c->stats_index = malloc(c->nr_stats_index);
			struct vms_error *err;
			if (!c->stats_index)
				return &vms_enomem;
			if ((err = program_read(prog, a, c->stats_index, c->nr_stats_index)))
				return vms_error_wrap(err, "reading mem_cgroup_stats_index");
		}
	}
	return read_items(c);
}

/* Slot of counter @idx in the state arrays, or -1 when memcg does not keep it. */
static int64_t slot_of(const struct mc *c, int64_t idx)
{
	if (idx < 0)
		return -1;
	if (c->stats_index) {
		if ((uint64_t)idx >= c->nr_stats_index)
			return -1;
		int64_t bad = kf_const_or(c->prog, KF_MEMCG_BAD_STAT_IDX, 0);
		uint8_t s = c->stats_index[idx];
		return s >= bad ? -1 : s;
	}
	return (uint64_t)idx < c->nr_state ? idx : -1;
}

/* ---- reading one cgroup's counters ---- */

struct counters {
	int64_t *state;    // aggregated (5.10: the atomics), nr_state entries
	int64_t *local;    // this cgroup's unflushed deltas: pending + per-CPU (state - prev)
};

VMS_MUST_CHECK static struct vms_error *read_counters(struct mc *c, uint64_t memcg, struct counters *k)
{
	struct vms_program *prog = c->prog;
	size_t n = c->nr_state;
	k->state = calloc(n, sizeof(int64_t));
	k->local = calloc(n, sizeof(int64_t));
	if (!k->state || !k->local)
		return &vms_enomem;
	struct vms_error *err;
	if (c->atomic_stats)
		return program_read(prog, memcg + (uint64_t)c->vmstats, k->state, n * 8);
	uint64_t vs, pcpu = 0;
	if ((err = program_read_u64(prog, memcg + (uint64_t)c->vmstats, &vs)))
		return err;
	if ((err = program_read(prog, vs + (uint64_t)c->mvs_state, k->state, n * 8)))
		return err;
	if (c->mvs_pending >= 0 && (err = program_read(prog, vs + (uint64_t)c->mvs_pending, k->local, n * 8)))
		return err;
	if (c->vmstats_percpu < 0 || c->mvsp_state < 0 || c->mvsp_prev < 0 || !c->b->cpu_offset)
		return NULL;
	if ((err = program_read_u64(prog, memcg + (uint64_t)c->vmstats_percpu, &pcpu)))
		return err;
	int64_t *cur = malloc(n * 8), *prev = malloc(n * 8);
	if (!cur || !prev) {
		free(cur);
		free(prev);
		return &vms_enomem;
	}
	for (unsigned cpu = 0; cpu < c->b->nr_cpus && !err; cpu++) {
		uint64_t at = pcpu + c->b->cpu_offset[cpu];
		if ((err = program_read(prog, at + (uint64_t)c->mvsp_state, cur, n * 8)) ||
		    (err = program_read(prog, at + (uint64_t)c->mvsp_prev, prev, n * 8)))
			break;
		for (size_t i = 0; i < n; i++)
			k->local[i] += cur[i] - prev[i];
	}
	free(cur);
	free(prev);
	return err;
}

/* ---- the tree ---- */

struct node {
	uint64_t memcg;
	size_t parent;          // index, SIZE_MAX for the root
	struct counters k;
	bool ok;
};

static char *kn_path(struct mc *c, uint64_t kn)
{
	// names from the cgroup's kernfs node up to the root (whose name is not part of the path)
	char *parts[MAX_DEPTH];
	size_t np = 0;
	uint64_t p = kn;
	for (unsigned d = 0; p && d < MAX_DEPTH; d++) {
		uint64_t parent = 0, name = 0;
		if (c->kn_parent < 0 || c->kn_name < 0 || program_read_u64(c->prog, p + (uint64_t)c->kn_parent, &parent))
			break;
		if (!parent)
			break;  // the root
		char *s = NULL;
		if (program_read_u64(c->prog, p + (uint64_t)c->kn_name, &name) ||
		    program_read_string(c->prog, name, MAX_NAME, &s)) {
			free(s);
			s = strdup("?");
		}
		parts[np++] = s;
		p = parent;
	}
	size_t len = 2;
	for (size_t i = 0; i < np; i++)
		len += strlen(parts[i] ? parts[i] : "?") + 1;
	char *out = malloc(len);
	if (out) {
		out[0] = '\0';
		for (size_t i = np; i-- > 0;) {
			strcat(out, "/");
			strcat(out, parts[i] ? parts[i] : "?");
		}
		if (!np)
			strcpy(out, "/");
	}
	for (size_t i = 0; i < np; i++)
		free(parts[i]);
	return out;
}

struct tree_walk {
	struct mc *c;
	struct node *nodes;
	size_t nr, cap, cap_cgroups;
	struct vms_u64map seen;
	size_t parent;
	unsigned depth;
};

VMS_MUST_CHECK static struct vms_error *visit(struct tree_walk *w, uint64_t memcg, size_t parent, unsigned depth);

VMS_MUST_CHECK static struct vms_error *on_child(void *arg, uint64_t node)
{
	struct tree_walk *w = arg;
	uint64_t memcg = node - (uint64_t)w->c->css_sibling - (uint64_t)w->c->css;
	size_t parent = w->parent;
	unsigned depth = w->depth;
	struct vms_error *err = visit(w, memcg, parent, depth + 1);
	w->parent = parent;
	w->depth = depth;
	return err;
}

VMS_MUST_CHECK static struct vms_error *visit(struct tree_walk *w, uint64_t memcg, size_t parent, unsigned depth)
{
	struct mc *c = w->c;
	struct linux_memcg_info *mi = c->mi;
	if (depth > MAX_DEPTH)
		return vms_error_addr(VMS_ERR_CORRUPT, memcg, "memory cgroups nest deeper than %u", MAX_DEPTH);
	if (vms_u64map_get(&w->seen, memcg))
		return vms_error_addr(VMS_ERR_CORRUPT, memcg, "memory cgroup 0x%" PRIx64 " is its own descendant",
				      memcg);
	if (w->nr >= MAX_CGROUPS)
		return vms_error_create(VMS_ERR_CORRUPT, "more than %u memory cgroups", MAX_CGROUPS);
	vms_u64map_set(&w->seen, memcg, (void *)1);
	if (!vms_array_reserve(w->nodes, w->cap, w->nr + 1) ||
	    !vms_array_reserve(mi->cgroups, w->cap_cgroups, w->nr + 1))
		return &vms_enomem;
	size_t me = w->nr++;
	mi->nr = w->nr;
	struct node *nd = &w->nodes[me];
	memset(nd, 0, sizeof(*nd));
	nd->memcg = memcg;
	nd->parent = parent;
	struct linux_memcg *g = &mi->cgroups[me];
	memset(g, 0, sizeof(*g));
	g->memcg = memcg;
	g->parent = parent == SIZE_MAX ? 0 : w->nodes[parent].memcg;
	g->depth = depth;
	uint64_t css = memcg + (uint64_t)c->css, cgrp = 0, kn = 0;
	struct vms_error *err;
	if (c->css_cgroup >= 0 && c->cg_kn >= 0 && program_try_u64(c->prog, css + (uint64_t)c->css_cgroup, &cgrp) &&
	    cgrp && program_try_u64(c->prog, cgrp + (uint64_t)c->cg_kn, &kn))
		g->path = kn_path(c, kn);
	if (!g->path) {
		char buf[40];
		snprintf(buf, sizeof(buf), "memcg:0x%" PRIx64, memcg);
		g->path = strdup(buf);
	}
	uint32_t flags = 0;
	if (c->css_flags >= 0 && program_try_u32(c->prog, css + (uint64_t)c->css_flags, &flags))
		g->online = parent == SIZE_MAX || (flags & c->css_online) != 0;
	if (c->memory_usage >= 0) {
		uint64_t pages;
		if ((err = program_read_u64(c->prog, memcg + (uint64_t)c->memory_usage, &pages))) {
			g->error = strdup(err->message);
			vms_error_destroy(err);
		} else {
			g->current = pages * c->b->page_size;
		}
	}
	err = read_counters(c, memcg, &nd->k);
	if (err == &vms_enomem)
		return err;
	if (err) {
		free(g->error);
		g->error = strdup(err->message);
		vms_error_destroy(err);
	} else {
		nd->ok = true;
	}
	w->parent = me;
	w->depth = depth;
	err = linux_list_for_each(&c->b->mem, &c->b->walk, css + (uint64_t)c->css_children, MAX_CGROUPS, on_child, w);
	if (err && err != &vms_enomem && err->code != VMS_ERR_CANCELLED) {
		add_error(mi, "children of %s: %s", mi->cgroups[me].path, err->message);
		vms_error_destroy(err);
		err = NULL;
	}
	return err;
}

/* memory.stat of every cgroup: its state plus every unflushed delta of its
 * subtree (what mem_cgroup_flush_stats() would add), clamped at 0 as
 * memcg_page_state() does, times the unit. */
VMS_MUST_CHECK static struct vms_error *compute_stats(struct mc *c, struct tree_walk *w)
{
	struct linux_memcg_info *mi = c->mi;
	size_t n = c->nr_state;
	// subtree sums of the unflushed deltas: children come after parents
	int64_t *sub = calloc(w->nr * n, sizeof(int64_t));
	if (!sub)
		return &vms_enomem;
	for (size_t i = w->nr; i-- > 0;) {
		struct node *nd = &w->nodes[i];
		if (nd->ok && nd->k.local)
			for (size_t s = 0; s < n; s++)
				sub[i * n + s] += nd->k.local[s];
		if (nd->parent != SIZE_MAX)
			for (size_t s = 0; s < n; s++)
				sub[nd->parent * n + s] += sub[i * n + s];
	}
	for (size_t i = 0; i < w->nr; i++) {
		struct node *nd = &w->nodes[i];
		struct linux_memcg *g = &mi->cgroups[i];
		if (!nd->ok)
			continue;
		g->stats = calloc(c->nr_items + 1, sizeof(*g->stats));
		if (!g->stats) {
			free(sub);
			return &vms_enomem;
		}
		for (size_t k = 0; k < c->nr_items; k++) {
			const struct item *it = &c->items[k];
			int64_t s = slot_of(c, it->idx), v = 0;
			if (s >= 0) {
				v = nd->k.state[s] + (c->atomic_stats ? 0 : sub[i * n + (size_t)s]);
				if (v < 0)
					v = 0;
			}
			g->stats[g->nr_stats].name = mi->names[it->name];
			g->stats[g->nr_stats].value = (uint64_t)v * it->unit;
			g->nr_stats++;
			if (it->slab_after && c->have_slab) {
				int64_t r = slot_of(c, c->slab_reclaimable), rv = 0;
				if (r >= 0) {
					rv = nd->k.state[r] + (c->atomic_stats ? 0 : sub[i * n + (size_t)r]);
					if (rv < 0)
						rv = 0;
				}
				uint64_t unit_r = it->unit;  // both slab counters are in bytes
				g->stats[g->nr_stats].name = mi->names[c->slab_name];
				g->stats[g->nr_stats].value = (uint64_t)v * it->unit + (uint64_t)rv * unit_r;
				g->nr_stats++;
			}
		}
	}
	free(sub);
	return NULL;
}

struct vms_error *linux_memcg_read(struct linux_kmem_base *b, struct linux_memcg_info **ret)
{
	struct linux_memcg_info *mi = calloc(1, sizeof(*mi));
	if (!mi)
		return &vms_enomem;
	struct mc *c = calloc(1, sizeof(*c));
	if (!c) {
		free(mi);
		return &vms_enomem;
	}
	c->b = b;
	c->prog = b->prog;
	c->mi = mi;
	struct vms_error *err = probe(c);
	uint64_t root = 0;
	if (!err)
		err = kf_var_read_uint(b->prog, KF_ROOT_MEM_CGROUP, NULL, &root);
	if (!err && !root)
		err = vms_error_create(VMS_ERR_UNSUPPORTED, "root_mem_cgroup is NULL (memory cgroups disabled)");
	struct tree_walk w = { .c = c };
	vms_u64map_init(&w.seen);
	if (!err) {
		err = visit(&w, root, SIZE_MAX, 0);
		if (err && err != &vms_enomem && err->code != VMS_ERR_CANCELLED && w.nr) {
			add_error(mi, "%s", err->message);
			vms_error_destroy(err);
			err = NULL;
		}
	}
	if (!err)
		err = compute_stats(c, &w);
	for (size_t i = 0; i < w.nr; i++) {
		free(w.nodes[i].k.state);
		free(w.nodes[i].k.local);
	}
	free(w.nodes);
	vms_u64map_deinit(&w.seen);
	free(c->stats_index);
	free(c);
	if (err) {
		linux_memcg_info_destroy(mi);
		return err;
	}
	*ret = mi;
	return NULL;
}

bool linux_memcg_stat(const struct linux_memcg *cg, const char *name, uint64_t *ret)
{
	for (size_t i = 0; i < cg->nr_stats; i++)
		if (strcmp(cg->stats[i].name, name) == 0) {
			*ret = cg->stats[i].value;
			return true;
		}
	return false;
}

/* ---- pages by memcg_data ---- */

struct count_worker {
	VMS_CACHELINE_HEAD;
	struct vms_u64map map;  // memcg_data -> index into counts + 1
	struct {
		uint64_t data;
		struct linux_memcg_pages p;
	} *counts;
	size_t n, cap;
	uint64_t objcgs_pages;  // slab pages with an obj_cgroups vector
	uint64_t mask, objcgs;
	bool oom;
	VMS_CACHELINE_PAD;
};

static void count_page(void *arg, const struct linux_page_info *pi, uint64_t npages)
{
	struct count_worker *w = arg;
	uint64_t d = pi->memcg;
	if (!d)
		return;
	if (d & w->objcgs) {
		w->objcgs_pages += npages;
		return;
	}
	void *v = vms_u64map_get(&w->map, d);
	size_t i;
	if (v) {
		i = (uintptr_t)v - 1;
	} else {
		if (!vms_array_reserve(w->counts, w->cap, w->n + 1)) {
			w->oom = true;
			return;
		}
		i = w->n++;
		memset(&w->counts[i], 0, sizeof(w->counts[i]));
		w->counts[i].data = d;
		vms_u64map_set(&w->map, d, (void *)(uintptr_t)(i + 1));
	}
	struct linux_memcg_pages *p = &w->counts[i].p;
	switch (pi->use) {
	case LINUX_USE_ANON:
	case LINUX_USE_KSM:
	case LINUX_USE_THP:
		p->anon += npages;
		break;
	case LINUX_USE_FILE:
		p->file += npages;
		break;
	default:
		p->kernel += npages;
		break;
	}
}

static void count_on_page(void *arg, const struct linux_page_info *pi)
{
	count_page(arg, pi, 1);
}

static void count_on_run(void *arg, const struct linux_page_info *pi, uint64_t n)
{
	count_page(arg, pi, n);
}

static void add_pages(struct linux_memcg_pages *to, const struct linux_memcg_pages *p)
{
	to->anon += p->anon;
	to->file += p->file;
	to->kernel += p->kernel;
	to->other += p->other;
	to->objcg += p->objcg;
}

static struct linux_memcg *find_rw(struct linux_memcg_info *mi, uint64_t memcg)
{
	for (size_t j = 0; memcg && j < mi->nr; j++)
		if (mi->cgroups[j].memcg == memcg)
			return &mi->cgroups[j];
	return NULL;
}

struct vms_error *linux_memcg_count_pages(struct linux_kmem_base *b, const struct linux_memmap *m,
					  struct linux_memcg_info *mi, unsigned nthreads)
{
	struct vms_program *prog = b->prog;
	uint64_t end = (uint64_t)kf_const_or(prog, KF_MEMCG_DATA_FLAGS_END, 0);
	uint64_t objcgs = (uint64_t)kf_const_or(prog, KF_MEMCG_DATA_OBJCGS, 0);
	uint64_t kmem = (uint64_t)kf_const_or(prog, KF_MEMCG_DATA_KMEM_FLAG, 0);
	uint64_t mask = end ? end - 1 : 0;
	struct linux_memmap_walk wk = { .nthreads = nthreads, .page = count_on_page, .page_run = count_on_run };
	unsigned n = linux_memmap_walk_threads(&wk);
	wk.nthreads = n;
	struct count_worker *ws = calloc(n, sizeof(*ws));
	void **states = calloc(n, sizeof(*states));
	if (!ws || !states) {
		free(ws);
		free(states);
		return &vms_enomem;
	}
	for (unsigned i = 0; i < n; i++) {
		vms_u64map_init(&ws[i].map);
		ws[i].mask = mask;
		ws[i].objcgs = objcgs;
		states[i] = &ws[i];
	}
	wk.wstate = states;
	struct vms_error *err = linux_memmap_walk(prog, m, &wk);
	// objcg -> memcg, read once per obj_cgroup
	struct vms_u64map objcg_memcg;
	vms_u64map_init(&objcg_memcg);
	int64_t o_memcg = kf_off(prog, KF_OBJCG_MEMCG);
	for (unsigned i = 0; i < n && !err; i++) {
		if (ws[i].oom) {
			err = &vms_enomem;
			break;
		}
		mi->pages_slab_objcg += ws[i].objcgs_pages;
		for (size_t k = 0; k < ws[i].n; k++) {
			uint64_t d = ws[i].counts[k].data, memcg = d & ~mask;
			struct linux_memcg_pages p = ws[i].counts[k].p;
			struct linux_memcg *g = find_rw(mi, memcg);
			if (!g) {
				// an obj_cgroup: kernel pages (MEMCG_DATA_KMEM, 5.11+), and every
				// folio in 7.x (folio_memcg() is obj_cgroup_memcg(folio_objcg()))
				void *v = vms_u64map_get(&objcg_memcg, memcg);
				uint64_t mc = 0;
				if (v) {
					mc = (uint64_t)(uintptr_t)v;
				} else {
					struct vms_error *e =
						o_memcg >= 0 ? program_read_u64(prog, memcg + (uint64_t)o_memcg, &mc) : NULL;
					vms_error_destroy(e);
					vms_u64map_set(&objcg_memcg, memcg, (void *)(uintptr_t)(mc ? mc : 1));
				}
				g = find_rw(mi, mc);
				if (g && kmem && (d & kmem))
					p.objcg = p.anon + p.file + p.kernel;
			}
			if (!g) {
				mi->pages_unknown_memcg += p.anon + p.file + p.kernel;
				continue;
			}
			add_pages(&g->pages, &p);
		}
	}
	vms_u64map_deinit(&objcg_memcg);
	for (unsigned i = 0; i < n; i++) {
		vms_u64map_deinit(&ws[i].map);
		free(ws[i].counts);
	}
	free(ws);
	free(states);
	if (err)
		return err;
	// the subtree sums: children come after their parents
	for (size_t i = 0; i < mi->nr; i++)
		mi->cgroups[i].pages_tree = mi->cgroups[i].pages;
	for (size_t i = mi->nr; i-- > 0;) {
		const struct linux_memcg *g = &mi->cgroups[i];
		if (!g->parent)
			continue;
		for (size_t j = 0; j < i; j++)
			if (mi->cgroups[j].memcg == g->parent) {
				add_pages(&mi->cgroups[j].pages_tree, &g->pages_tree);
				break;
			}
	}
	memcpy(mi->unknown, wk.unknown, sizeof(wk.unknown));
	mi->pages_counted = true;
	return NULL;
}
