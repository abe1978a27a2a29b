// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/slab.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/hashmap.h"
#include "base/util.h"
#include "base/vector.h"
#include "linux/kfacts.h"
#include "linux/list.h"
#include "linux/rbtree.h"

// Sanity bounds of the walks (not kernel facts).
#define MAX_CACHES 100000
#define MAX_NAME 256
#define MAX_SLAB_OBJECTS 32768       // objects is a 15-bit field
#define MAX_CPU_PARTIAL 100000       // slabs on one CPU's partial chain
#define MAX_SHEAF_OBJECTS 65536
#define MAX_SYSFS_ENTRIES 1000000
#define MAX_SLAB_BYTES (64u * 1024 * 1024)  // largest slab read at once
#define MANY_FREE 4                          // free objects worth reading the whole slab for

/* The layout of SLUB's structures, probed from the facts. */
struct sl {
	struct linux_kmem_base *b;
	struct vms_program *prog;
	uint64_t kc_head;  // bytes of struct kmem_cache read at once (up to the node array)
	int64_t kc_cpu_slab, kc_cpu_sheaves, kc_flags, kc_size, kc_object_size, kc_offset, kc_oo,
		kc_min, kc_refcount, kc_inuse, kc_align, kc_red_left_pad, kc_name, kc_list, kc_kobj,
		kc_random, kc_node, kc_per_node;
	unsigned flags_size;
	uint64_t per_node_stride;
	int64_t kpn_node, kpn_barn;
	int64_t kcc_freelist, kcc_slab, kcc_partial;
	int64_t kcn_nr_partial, kcn_partial, kcn_nr_slabs, kcn_total_objects;
	int64_t s_cache, s_list, s_next, s_freelist, s_counters;
	unsigned inuse_shift, inuse_bits, objects_shift, objects_bits, frozen_shift;
	uint64_t slab_size;  // bytes of struct slab read
	int64_t sps_main, sps_spare, sps_rcu, sheaf_barn_list, sheaf_size, sheaf_objects, barn_full,
		barn_empty;
	int64_t kobj_sd;
	unsigned oo_shift;
	unsigned red_zone_bit;
	int approx;              // count_partial_free_approx(): -1 not probed yet
	uint64_t max_partial_scan;
	// Which word of the decoded struct page (linux_page_info) holds the
	// slab's slab_cache, freelist and counters: struct slab overlays
	// struct page, so a memory-map walk has them without another read.
	unsigned w_cache, w_freelist, w_counters;
};

enum { WORD_NONE, WORD_COMPOUND, WORD_MAPPING, WORD_INDEX, WORD_PRIVATE };

static unsigned word_of(struct vms_program *prog, int64_t off)
{
	if (off == kf_off(prog, KF_PAGE_COMPOUND_HEAD))
		return WORD_COMPOUND;
	if (off == kf_off(prog, KF_PAGE_MAPPING))
		return WORD_MAPPING;
	if (off == kf_off(prog, KF_PAGE_INDEX))
		return WORD_INDEX;
	if (off == kf_off(prog, KF_PAGE_PRIVATE))
		return WORD_PRIVATE;
	return WORD_NONE;
}

static uint64_t page_word(const struct linux_page_info *pi, unsigned w)
{
	switch (w) {
	case WORD_COMPOUND: return pi->compound_raw;
	case WORD_MAPPING: return pi->mapping_raw;
	case WORD_INDEX: return pi->index;
	case WORD_PRIVATE: return pi->private_;
	}
	return 0;
}

static uint64_t get_le(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;
	memcpy(&v, p, size > 8 ? 8 : size);
	return v;
}

static inline bool bit_test(const uint64_t *bits, uint64_t i)
{
	return (bits[i / 64] & (UINT64_C(1) << (i % 64))) != 0;
}

/* The low @bits bits of @v after shifting it right by @shift. */
static uint64_t field(uint64_t v, unsigned shift, unsigned bits)
{
	v >>= shift;
	return bits >= 64 ? v : v & ((UINT64_C(1) << bits) - 1);
}

VMS_MUST_CHECK static struct vms_error *need(struct vms_program *prog, enum kf_id id, int64_t *ret)
{
	uint64_t v;
	struct vms_error *err = kf_need_off(prog, id, &v);
	if (err)
		return err;
	*ret = (int64_t)v;
	return NULL;
}

/* Bit position of bitfield fact @id inside the word of member fact @word. */
static void bitfield(struct vms_program *prog, enum kf_id id, enum kf_id word, unsigned *shift,
		     unsigned *bits)
{
	*shift = (unsigned)(kf_bit_off(prog, id) - 8 * (uint64_t)kf_off(prog, word));
	*bits = (unsigned)kf_bit_size(prog, id);
	if (!*bits)
		*bits = (unsigned)(8 * kf_size(prog, id));
}

VMS_MUST_CHECK static struct vms_error *sl_probe(struct linux_kmem_base *b, struct sl *l)
{
	struct vms_program *prog = b->prog;
	memset(l, 0, sizeof(*l));
	l->b = b;
	l->prog = prog;
	struct vms_error *err;
	if ((err = need(prog, KF_KC_FLAGS, &l->kc_flags)) || (err = need(prog, KF_KC_SIZE, &l->kc_size)) ||
	    (err = need(prog, KF_KC_OBJECT_SIZE, &l->kc_object_size)) ||
	    (err = need(prog, KF_KC_OFFSET, &l->kc_offset)) || (err = need(prog, KF_KC_OO, &l->kc_oo)) ||
	    (err = need(prog, KF_KC_MIN, &l->kc_min)) || (err = need(prog, KF_KC_REFCOUNT, &l->kc_refcount)) ||
	    (err = need(prog, KF_KC_INUSE, &l->kc_inuse)) || (err = need(prog, KF_KC_ALIGN, &l->kc_align)) ||
	    (err = need(prog, KF_KC_RED_LEFT_PAD, &l->kc_red_left_pad)) ||
	    (err = need(prog, KF_KC_NAME, &l->kc_name)) || (err = need(prog, KF_KC_LIST, &l->kc_list)) ||
	    (err = need(prog, KF_KCN_NR_PARTIAL, &l->kcn_nr_partial)) ||
	    (err = need(prog, KF_KCN_PARTIAL, &l->kcn_partial)) ||
	    (err = need(prog, KF_SLAB_SLAB_CACHE, &l->s_cache)) || (err = need(prog, KF_SLAB_LIST, &l->s_list)) ||
	    (err = need(prog, KF_SLAB_FREELIST, &l->s_freelist)) ||
	    (err = need(prog, KF_SLAB_COUNTERS, &l->s_counters)) ||
	    (err = kf_need_size(prog, KF_SLAB, &l->slab_size)))
		return vms_error_wrap(err, "probing the slab allocator");
	if (!kf_has(prog, KF_SLAB_INUSE) || !kf_has(prog, KF_SLAB_OBJECTS) || !kf_has(prog, KF_SLAB_FROZEN))
		return vms_error_create(VMS_ERR_LOOKUP, "%s has no inuse/objects/frozen bitfields (kernel facts "
					"SLAB_INUSE, SLAB_OBJECTS, SLAB_FROZEN)", kf_name(prog, KF_SLAB));
	l->flags_size = (unsigned)kf_size(prog, KF_KC_FLAGS);
	l->kc_cpu_slab = kf_off(prog, KF_KC_CPU_SLAB);
	l->kc_cpu_sheaves = kf_off(prog, KF_KC_CPU_SHEAVES);
	l->kc_kobj = kf_off(prog, KF_KC_KOBJ);
	l->kc_random = kf_off(prog, KF_KC_RANDOM);
	l->kc_node = kf_off(prog, KF_KC_NODE);
	l->kc_per_node = kf_off(prog, KF_KC_PER_NODE);
	l->kcc_freelist = kf_off(prog, KF_KCC_FREELIST);
	l->kcc_slab = kf_off(prog, KF_KCC_SLAB);
	l->kcc_partial = kf_off(prog, KF_KCC_PARTIAL);
	l->kcn_nr_slabs = kf_off(prog, KF_KCN_NR_SLABS);
	l->kcn_total_objects = kf_off(prog, KF_KCN_TOTAL_OBJECTS);
	l->s_next = kf_off(prog, KF_SLAB_NEXT);
	l->sps_main = kf_off(prog, KF_SPS_MAIN);
	l->sps_spare = kf_off(prog, KF_SPS_SPARE);
	l->sps_rcu = kf_off(prog, KF_SPS_RCU_FREE);
	l->sheaf_barn_list = kf_off(prog, KF_SHEAF_BARN_LIST);
	l->sheaf_size = kf_off(prog, KF_SHEAF_SIZE);
	l->sheaf_objects = kf_off(prog, KF_SHEAF_OBJECTS);
	l->barn_full = kf_off(prog, KF_BARN_SHEAVES_FULL);
	l->barn_empty = kf_off(prog, KF_BARN_SHEAVES_EMPTY);
	l->kobj_sd = kf_off(prog, KF_KOBJ_SD);
	if (l->kc_per_node >= 0) {
		l->kpn_node = kf_off(prog, KF_KPN_NODE);
		l->kpn_barn = kf_off(prog, KF_KPN_BARN);
		l->per_node_stride = kf_size(prog, KF_KMEM_CACHE_PER_NODE_PTRS);
		if (l->kpn_node < 0 || !l->per_node_stride)
			return vms_error_create(VMS_ERR_LOOKUP, "struct kmem_cache_per_node_ptrs is not described "
						"by the debug info (kernel facts KPN_NODE)");
	} else if (l->kc_node < 0) {
		return vms_error_create(VMS_ERR_LOOKUP, "struct kmem_cache has neither node nor per_node "
					"(kernel facts KC_NODE, KC_PER_NODE)");
	}
	bitfield(prog, KF_SLAB_INUSE, KF_SLAB_COUNTERS, &l->inuse_shift, &l->inuse_bits);
	bitfield(prog, KF_SLAB_OBJECTS, KF_SLAB_COUNTERS, &l->objects_shift, &l->objects_bits);
	unsigned fbits;
	bitfield(prog, KF_SLAB_FROZEN, KF_SLAB_COUNTERS, &l->frozen_shift, &fbits);
	if (l->inuse_shift >= 64 || l->objects_shift >= 64 || l->frozen_shift >= 64 || l->slab_size > 4096)
		return vms_error_create(VMS_ERR_FORMAT, "implausible layout of %s", kf_name(prog, KF_SLAB));
	int64_t v;
	if ((err = kf_const(prog, KF_OO_SHIFT, &v)))
		return err;
	l->oo_shift = (unsigned)v;
	if ((err = kf_const(prog, KF_SLAB_RED_ZONE_BIT, &v)))
		return err;
	l->red_zone_bit = (unsigned)v;
	// The head of struct kmem_cache: everything before its node array.
	int64_t nodes_at = l->kc_per_node >= 0 ? l->kc_per_node : l->kc_node;
	l->kc_head = (uint64_t)nodes_at;
	if (l->kc_head == 0 || l->kc_head > 65536)
		return vms_error_create(VMS_ERR_FORMAT, "implausible layout of struct kmem_cache");
	l->max_partial_scan = (uint64_t)kf_const_or(prog, KF_MAX_PARTIAL_TO_SCAN, 0);
	l->approx = -1;
	l->w_cache = word_of(prog, l->s_cache);
	l->w_freelist = word_of(prog, l->s_freelist);
	l->w_counters = word_of(prog, l->s_counters);
	if (kf_size(prog, KF_SLAB_COUNTERS) != 8 || kf_size(prog, KF_SLAB_FREELIST) != 8)
		l->w_freelist = l->w_counters = WORD_NONE;
	return NULL;
}

/* ---- small helpers ---- */

#define add_error(c, ...) vms_msgs_add(&(c)->errors, &(c)->nr_errors, &(c)->cap_errors, __VA_ARGS__)

static void add_alias(struct linux_slab_cache *c, const char *name)
{
	if (!vms_array_reserve(c->aliases, c->cap_aliases, c->nr_aliases + 1))
		return;
	c->aliases[c->nr_aliases] = strdup(name);
	if (c->aliases[c->nr_aliases])
		c->nr_aliases++;
}

static inline uint64_t fp_decode(const struct linux_slab_cache *c, uint64_t stored, uint64_t at)
{
	return c->hardened ? stored ^ c->random ^ __builtin_bswap64(at) : stored;
}

/* The counters of the struct slab whose bytes are @s. */
static void slab_counters(const struct sl *l, const uint8_t *s, uint32_t *inuse, uint32_t *objects,
			  bool *frozen)
{
	uint64_t w = get_le(s + l->s_counters, 8);
	*inuse = (uint32_t)field(w, l->inuse_shift, l->inuse_bits);
	*objects = (uint32_t)field(w, l->objects_shift, l->objects_bits);
	*frozen = field(w, l->frozen_shift, 1) != 0;
}

VMS_MUST_CHECK static struct vms_error *read_slab(const struct sl *l, uint64_t slab, uint8_t *buf)
{
	struct vms_error *err = program_read(l->prog, slab, buf, l->slab_size);
	return err ? vms_error_wrap(err, "reading the slab at 0x%" PRIx64, slab) : NULL;
}

/* ---- one cache ---- */

struct partial_walk {
	const struct sl *l;
	uint64_t slabs, free, limit;
	struct vms_error *err;  // a slab that could not be read
};

VMS_MUST_CHECK static struct vms_error *on_partial(void *arg, uint64_t node)
{
	struct partial_walk *pw = arg;
	uint8_t s[4096];
	uint64_t slab = node - (uint64_t)pw->l->s_list;
	struct vms_error *err = read_slab(pw->l, slab, s);
	if (err)
		return err;
	uint32_t inuse, objects;
	bool frozen;
	slab_counters(pw->l, s, &inuse, &objects, &frozen);
	pw->slabs++;
	pw->free += objects > inuse ? objects - inuse : 0;
	if (pw->limit && pw->slabs >= pw->limit)
		return &linux_walk_stop;
	return NULL;
}

/* Does /proc/slabinfo sample long node partial lists?  Since 6.10
 * get_slabinfo() calls count_partial_free_approx() (commit 046f4c69d4e1);
 * the function's DWARF says so.  Probed only when a list is that long:
 * the probe loads the symbol table and DWARF ranges. */
static bool sampling(const struct sl *cl)
{
	struct sl *l = (struct sl *)cl;
	if (l->approx >= 0)
		return l->approx;
	bool r = false;
	struct vms_error *err = program_function_mentions(l->prog, "get_slabinfo", "count_partial_free_approx", &r);
	if (err) {
		vms_error_destroy(err);
		struct program_symbol sym;
		err = program_symbol(l->prog, "count_partial_free_approx", &sym);
		r = err == NULL;
		vms_error_destroy(err);
	}
	l->approx = r;
	return r;
}

/* count_partial(count_free) of the node partial list at @head, or its
 * sampled form (count_partial_free_approx(): the first and last
 * MAX_PARTIAL_TO_SCAN/2 slabs, scaled to nr_partial, at most
 * total_objects). */
VMS_MUST_CHECK static struct vms_error *count_partial(const struct sl *l, struct linux_slab_cache *c,
						      struct linux_slab_node *n, uint64_t head)
{
	struct partial_walk pw = { .l = l };
	bool sample = l->max_partial_scan && n->nr_partial > l->max_partial_scan && sampling(l);
	if (sample)
		pw.limit = l->max_partial_scan / 2;
	struct vms_error *err = linux_list_for_each(&l->b->mem, &l->b->walk, head, 0, on_partial, &pw);
	if (err)
		return err;
	n->partial_walked = pw.slabs;
	if (!sample) {
		n->partial_free = pw.free;
		return NULL;
	}
	struct partial_walk back = { .l = l, .limit = l->max_partial_scan / 2 };
	if ((err = linux_list_for_each_reverse(&l->b->mem, &l->b->walk, head, 0, on_partial, &back)))
		return err;
	uint64_t scanned = pw.slabs + back.slabs, x = pw.free + back.free;
	if (scanned)
		x = x * n->nr_partial / scanned;  // mult_frac()
	n->partial_free = x < n->total_objects ? x : n->total_objects;
	n->partial_walked = scanned;
	c->approximate = true;
	return NULL;
}

struct sheaf_list {
	const struct sl *l;
	uint64_t sheaves, objects;
};

VMS_MUST_CHECK static struct vms_error *on_sheaf(void *arg, uint64_t node)
{
	struct sheaf_list *sw = arg;
	uint32_t size;
	uint64_t sheaf = node - (uint64_t)sw->l->sheaf_barn_list;
	struct vms_error *err = program_read_u32(sw->l->prog, sheaf + (uint64_t)sw->l->sheaf_size, &size);
	if (err)
		return err;
	sw->sheaves++;
	sw->objects += size;
	return NULL;
}

static void read_node(const struct sl *l, struct linux_slab_cache *c, unsigned nid, uint64_t addr,
		      uint64_t barn)
{
	struct linux_slab_node *n = &c->nodes[c->nr_nodes++];
	n->node = nid;
	n->addr = addr;
	struct vms_error *err;
	if ((err = program_read_u64(l->prog, addr + (uint64_t)l->kcn_nr_partial, &n->nr_partial))) {
		add_error(c, "node %u: %s", nid, err->message);
		vms_error_destroy(err);
		return;
	}
	if (l->kcn_nr_slabs >= 0 && l->kcn_total_objects >= 0) {
		if ((err = program_read_u64(l->prog, addr + (uint64_t)l->kcn_nr_slabs, &n->nr_slabs)) ||
		    (err = program_read_u64(l->prog, addr + (uint64_t)l->kcn_total_objects, &n->total_objects))) {
			add_error(c, "node %u: %s", nid, err->message);
			vms_error_destroy(err);
		}
	}
	if ((err = count_partial(l, c, n, addr + (uint64_t)l->kcn_partial))) {
		add_error(c, "node %u partial list: %s", nid, err->message);
		vms_error_destroy(err);
	}
	if (barn && l->barn_full >= 0 && l->sheaf_barn_list >= 0 && l->sheaf_size >= 0) {
		struct sheaf_list full = { .l = l }, empty = { .l = l };
		if ((err = linux_list_for_each(&l->b->mem, &l->b->walk, barn + (uint64_t)l->barn_full, 0, on_sheaf,
					       &full)) ||
		    (err = linux_list_for_each(&l->b->mem, &l->b->walk, barn + (uint64_t)l->barn_empty, 0, on_sheaf,
					       &empty))) {
			add_error(c, "node %u barn: %s", nid, err->message);
			vms_error_destroy(err);
		}
		n->barn_full = full.sheaves;
		n->barn_empty = empty.sheaves;
		n->barn_objects = full.objects;
	}
}

/* Mark the objects of a freelist (below). */
VMS_MUST_CHECK static struct vms_error *mark_freelist(const struct sl *l, const struct linux_slab_cache *c, uint64_t first,
						      uint32_t objects, uint64_t head, const uint8_t *bytes, uint64_t mem,
						      uint64_t len, uint64_t *bits, uint64_t *count);

/* Objects on the freelist whose first (decoded) object is @head, inside
 * the slab of @objects slots from @first: the count, or an error naming
 * the object whose free pointer is bad. */
VMS_MUST_CHECK static struct vms_error *count_freelist(const struct sl *l, const struct linux_slab_cache *c, uint64_t first,
						       uint32_t objects, uint64_t head, uint64_t *ret)
{
	uint64_t bits[MAX_SLAB_OBJECTS / 64];
	if (objects > MAX_SLAB_OBJECTS)
		return vms_error_addr(VMS_ERR_CORRUPT, first, "slab at 0x%" PRIx64 " claims %u objects", first, objects);
	memset(bits, 0, ((objects + 63) / 64) * sizeof(uint64_t));
	*ret = 0;
	return mark_freelist(l, c, first, objects, head, NULL, 0, 0, bits, ret);
}

static uint64_t slab_first(const struct sl *l, const struct linux_slab_cache *c, uint64_t slab)
{
	uint64_t pfn;
	struct vms_error *err = linux_kmem_page_pfn(l->b, slab, &pfn);
	if (err) {
		vms_error_destroy(err);
		return 0;
	}
	return linux_kmem_pfn_addr(l->b, pfn) + (c->red_zone ? c->red_left_pad : 0);
}

static void read_sheaf(const struct sl *l, struct linux_slab_cache *c, unsigned cpu, uint64_t sheaf,
		       uint64_t *count)
{
	if (!sheaf || l->sheaf_size < 0)
		return;
	uint32_t size;
	struct vms_error *err = program_read_u32(l->prog, sheaf + (uint64_t)l->sheaf_size, &size);
	if (err) {
		add_error(c, "cpu %u sheaf 0x%" PRIx64 ": %s", cpu, sheaf, err->message);
		vms_error_destroy(err);
		return;
	}
	if (size > MAX_SHEAF_OBJECTS) {
		add_error(c, "cpu %u sheaf 0x%" PRIx64 ": implausible size %u", cpu, sheaf, size);
		return;
	}
	*count += size;
}

/* A CPU's share of a cache: its sheaves when the cache has them
 * (@sheaves, the per-CPU pointer, not NULL: 6.18 gave them to the caches
 * that opt in, 7.x to every cache), and its CPU slab and partial slabs
 * when the kernel still has them (@percpu, until 7.x). */
static void read_cpu(const struct sl *l, struct linux_slab_cache *c, unsigned cpu, uint64_t percpu,
		     uint64_t sheaves)
{
	struct linux_slab_cpu *k = &c->cpus[c->nr_cpus++];
	k->cpu = cpu;
	struct vms_error *err = NULL;
	if (sheaves) {
		uint64_t addr = sheaves + l->b->cpu_offset[cpu];
		// the main and spare sheaves, and the rcu_free one
		uint64_t main_s = 0, spare = 0, rcu = 0;
		if ((l->sps_main >= 0 && (err = program_read_u64(l->prog, addr + (uint64_t)l->sps_main, &main_s))) ||
		    (l->sps_spare >= 0 && (err = program_read_u64(l->prog, addr + (uint64_t)l->sps_spare, &spare))) ||
		    (l->sps_rcu >= 0 && (err = program_read_u64(l->prog, addr + (uint64_t)l->sps_rcu, &rcu)))) {
			add_error(c, "cpu %u sheaves: %s", cpu, err->message);
			vms_error_destroy(err);
			return;
		}
		read_sheaf(l, c, cpu, main_s, &k->sheaf_objects);
		read_sheaf(l, c, cpu, spare, &k->sheaf_objects);
		read_sheaf(l, c, cpu, rcu, &k->rcu_objects);
		c->cached_objects += k->sheaf_objects;
	}
	if (l->kc_cpu_slab < 0 || !percpu)
		return;
	uint64_t addr = percpu + l->b->cpu_offset[cpu];
	uint64_t partial = 0;
	if ((err = program_read_u64(l->prog, addr + (uint64_t)l->kcc_freelist, &k->freelist)) ||
	    (err = program_read_u64(l->prog, addr + (uint64_t)l->kcc_slab, &k->slab)) ||
	    (l->kcc_partial >= 0 && (err = program_read_u64(l->prog, addr + (uint64_t)l->kcc_partial, &partial)))) {
		add_error(c, "cpu %u: %s", cpu, err->message);
		vms_error_destroy(err);
		return;
	}
	uint8_t s[4096];
	if (k->slab) {
		c->cpu_slabs++;
		uint32_t inuse, objects;
		bool frozen;
		if ((err = read_slab(l, k->slab, s))) {
			add_error(c, "cpu %u: %s", cpu, err->message);
			vms_error_destroy(err);
		} else {
			slab_counters(l, s, &inuse, &objects, &frozen);
			k->slab_inuse = inuse;
			k->slab_objects = objects;
			uint64_t first = slab_first(l, c, k->slab);
			if (first && (err = count_freelist(l, c, first, objects, k->freelist, &k->freelist_objects))) {
				add_error(c, "cpu %u freelist: %s", cpu, err->message);
				vms_error_destroy(err);
			}
		}
	}
	// the CPU partial chain: slab->next until NULL
	for (uint64_t sl = partial, n = 0; sl; n++) {
		if (n >= MAX_CPU_PARTIAL || l->s_next < 0) {
			add_error(c, "cpu %u partial chain longer than %u slabs (a loop?)", cpu, MAX_CPU_PARTIAL);
			break;
		}
		if ((err = read_slab(l, sl, s))) {
			add_error(c, "cpu %u partial: %s", cpu, err->message);
			vms_error_destroy(err);
			break;
		}
		uint32_t inuse, objects;
		bool frozen;
		slab_counters(l, s, &inuse, &objects, &frozen);
		k->partial_slabs++;
		k->partial_free += objects > inuse ? objects - inuse : 0;
		sl = get_le(s + l->s_next, 8);
	}
	c->cpu_slabs += k->partial_slabs;
}

/* nr_slabs split between oo and min slabs: x oo slabs of a objects and
 * N - x min slabs of b objects hold T objects. */
static void slab_pages(struct linux_slab_cache *c)
{
	uint64_t N = c->num_slabs, T = c->num_objs, a = c->objects, bo = c->min_objects;
	c->pages = N << c->order;
	c->pages_exact = a == bo || N == 0;
	if (c->pages_exact || a < bo || T < N * bo)
		return;
	uint64_t d = T - N * bo;
	if (d % (a - bo) || d / (a - bo) > N)
		return;
	uint64_t x = d / (a - bo);
	c->pages = (x << c->order) + ((N - x) << c->min_order);
	c->pages_exact = true;
}

VMS_MUST_CHECK static struct vms_error *read_cache(const struct sl *l, uint64_t addr, struct linux_slab_cache *c)
{
	struct linux_kmem_base *b = l->b;
	uint8_t *h = malloc(l->kc_head);
	if (!h)
		return &vms_enomem;
	c->addr = addr;
	struct vms_error *err = program_read(l->prog, addr, h, l->kc_head);
	if (err) {
		free(h);
		return vms_error_wrap(err, "reading the kmem_cache at 0x%" PRIx64, addr);
	}
	c->flags = get_le(h + l->kc_flags, l->flags_size);
	c->size = (uint32_t)get_le(h + l->kc_size, 4);
	c->object_size = (uint32_t)get_le(h + l->kc_object_size, 4);
	c->offset = (uint32_t)get_le(h + l->kc_offset, 4);
	c->inuse = (uint32_t)get_le(h + l->kc_inuse, 4);
	c->align = (uint32_t)get_le(h + l->kc_align, 4);
	c->red_left_pad = (uint32_t)get_le(h + l->kc_red_left_pad, 4);
	c->refcount = (int32_t)get_le(h + l->kc_refcount, 4);
	uint32_t oo = (uint32_t)get_le(h + l->kc_oo, 4), mn = (uint32_t)get_le(h + l->kc_min, 4);
	uint32_t mask = (UINT32_C(1) << l->oo_shift) - 1;
	c->order = oo >> l->oo_shift;
	c->objects = oo & mask;
	c->min_order = mn >> l->oo_shift;
	c->min_objects = mn & mask;
	c->red_zone = l->red_zone_bit < 64 && (c->flags & (UINT64_C(1) << l->red_zone_bit)) != 0;
	if (l->kc_random >= 0) {
		c->hardened = true;
		c->random = get_le(h + l->kc_random, 8);
	}
	if (l->kc_kobj >= 0 && l->kobj_sd >= 0)
		c->kobj_sd = get_le(h + l->kc_kobj + l->kobj_sd, 8);
	uint64_t name = get_le(h + l->kc_name, 8);
	uint64_t percpu = 0, sheaves = 0;
	if (l->kc_cpu_slab >= 0)
		percpu = get_le(h + l->kc_cpu_slab, 8);
	if (l->kc_cpu_sheaves >= 0)
		sheaves = get_le(h + l->kc_cpu_sheaves, 8);
	free(h);
	err = program_read_string(l->prog, name, MAX_NAME, &c->name);
	if (err) {
		c->name = NULL;
		add_error(c, "name: %s", err->message);
		vms_error_destroy(err);
		char buf[32];
		snprintf(buf, sizeof(buf), "0x%" PRIx64, addr);
		c->name = strdup(buf);
	}
	if (c->size == 0 || c->objects == 0 || c->objects > MAX_SLAB_OBJECTS || c->order > 20) {
		add_error(c, "implausible geometry: size %u, %u objects of order %u", c->size, c->objects, c->order);
		return NULL;
	}
	// nodes
	c->nodes = calloc(b->nr_nodes, sizeof(*c->nodes));
	c->cpus = calloc(b->nr_cpus ? b->nr_cpus : 1, sizeof(*c->cpus));
	if (!c->nodes || !c->cpus)
		return &vms_enomem;
	for (unsigned nid = 0; nid < b->nr_nodes; nid++) {
		uint64_t n = 0, barn = 0;
		if (l->kc_per_node >= 0) {
			uint64_t at = addr + (uint64_t)l->kc_per_node + nid * l->per_node_stride;
			err = program_read_u64(l->prog, at + (uint64_t)l->kpn_node, &n);
			if (!err && l->kpn_barn >= 0)
				err = program_read_u64(l->prog, at + (uint64_t)l->kpn_barn, &barn);
		} else {
			err = program_read_u64(l->prog, addr + (uint64_t)l->kc_node + 8 * (uint64_t)nid, &n);
		}
		if (err) {
			add_error(c, "node %u: %s", nid, err->message);
			vms_error_destroy(err);
			continue;
		}
		if (n)
			read_node(l, c, nid, n, barn);
	}
	for (size_t i = 0; i < c->nr_nodes; i++) {
		c->num_objs += c->nodes[i].total_objects;
		c->num_slabs += c->nodes[i].nr_slabs;
		c->cached_objects += c->nodes[i].barn_objects;
	}
	uint64_t free = 0;
	for (size_t i = 0; i < c->nr_nodes; i++)
		free += c->nodes[i].partial_free;
	c->active_objs = c->num_objs > free ? c->num_objs - free : 0;
	slab_pages(c);
	// CPUs
	if ((percpu || sheaves) && b->cpu_offset)
		for (unsigned cpu = 0; cpu < b->nr_cpus; cpu++)
			read_cpu(l, c, cpu, percpu, sheaves);
	return NULL;
}

static void cache_deinit(struct linux_slab_cache *c)
{
	free(c->name);
	free(c->sysfs_name);
	free(c->nodes);
	free(c->cpus);
	for (size_t i = 0; i < c->nr_aliases; i++)
		free(c->aliases[i]);
	free(c->aliases);
	for (size_t i = 0; i < c->nr_errors; i++)
		free(c->errors[i]);
	free(c->errors);
}

void linux_slab_info_destroy(struct linux_slab_info *si)
{
	if (!si)
		return;
	for (size_t i = 0; i < si->nr; i++)
		cache_deinit(&si->caches[i]);
	free(si->caches);
	free(si->aliases_error);
	free(si->list_error);
	free(si);
}

/* ---- the list of caches ---- */

struct addr_vec {
	uint64_t *v;
	size_t n, cap;
	uint64_t sub;
};

VMS_MUST_CHECK static struct vms_error *collect(void *arg, uint64_t node)
{
	struct addr_vec *a = arg;
	if (!vms_array_reserve(a->v, a->cap, a->n + 1))
		return &vms_enomem;
	a->v[a->n++] = node - a->sub;
	return NULL;
}

/* ---- /sys/kernel/slab: directory names and symbolic links ---- */

struct sysfs_walk {
	const struct sl *l;
	struct linux_slab_info *si;
	struct vms_u64map by_kn;    // kernfs_node of a cache's directory -> cache index + 1
	int64_t kn_name, kn_rb, kn_flags, kn_target;
	uint64_t type_mask, link;
	uint64_t entries;
};

VMS_MUST_CHECK static struct vms_error *on_sysfs_entry(void *arg, uint64_t node)
{
	struct sysfs_walk *w = arg;
	if (++w->entries > MAX_SYSFS_ENTRIES)
		return vms_error_create(VMS_ERR_CORRUPT, "/sys/kernel/slab has more than %u entries",
					MAX_SYSFS_ENTRIES);
	uint64_t kn = node - (uint64_t)w->kn_rb, name_p, target = 0;
	uint16_t flags;
	struct vms_error *err;
	if ((err = program_read_u64(w->l->prog, kn + (uint64_t)w->kn_name, &name_p)) ||
	    (err = program_read_u16(w->l->prog, kn + (uint64_t)w->kn_flags, &flags)))
		return err;
	bool is_link = (flags & w->type_mask) == w->link;
	if (is_link && (err = program_read_u64(w->l->prog, kn + (uint64_t)w->kn_target, &target)))
		return err;
	char *name;
	if ((err = program_read_string(w->l->prog, name_p, MAX_NAME, &name)))
		return err;
	void *hit = vms_u64map_get(&w->by_kn, is_link ? target : kn);
	if (hit) {
		struct linux_slab_cache *c = &w->si->caches[(uintptr_t)hit - 1];
		if (!is_link) {
			free(c->sysfs_name);
			c->sysfs_name = name;
			return NULL;
		}
		if (!c->name || strcmp(c->name, name) != 0)
			add_alias(c, name);
	}
	free(name);
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *read_aliases(const struct sl *l, struct linux_slab_info *si)
{
	struct vms_program *prog = l->prog;
	uint64_t kset, kobj_off, sd;
	struct sysfs_walk w = { .l = l, .si = si };
	w.kn_name = kf_off(prog, KF_KN_NAME);
	w.kn_rb = kf_off(prog, KF_KN_RB);
	w.kn_flags = kf_off(prog, KF_KN_FLAGS);
	w.kn_target = kf_off(prog, KF_KN_SYMLINK_TARGET);
	int64_t children = kf_off(prog, KF_KN_DIR_CHILDREN), mask, link;
	struct vms_error *err;
	if ((err = kf_var_read_uint(prog, KF_SLAB_KSET, NULL, &kset)) ||
	    (err = kf_need_off(prog, KF_KSET_KOBJ, &kobj_off)) || (err = kf_const(prog, KF_KERNFS_LINK, &link)) ||
	    (err = kf_const(prog, KF_KERNFS_TYPE_MASK, &mask)))
		return err;
	if (w.kn_name < 0 || w.kn_rb < 0 || w.kn_flags < 0 || w.kn_target < 0 || children < 0 || l->kobj_sd < 0)
		return vms_error_create(VMS_ERR_LOOKUP, "struct kernfs_node is not described by the debug info");
	if (!kset)
		return vms_error_create(VMS_ERR_NODATA, "slab_kset is NULL (no sysfs)");
	if ((err = program_read_u64(prog, kset + kobj_off + (uint64_t)l->kobj_sd, &sd)))
		return err;
	w.type_mask = (uint64_t)mask;
	w.link = (uint64_t)link;
	vms_u64map_init(&w.by_kn);
	for (size_t i = 0; i < si->nr; i++)
		if (si->caches[i].kobj_sd)
			vms_u64map_set(&w.by_kn, si->caches[i].kobj_sd, (void *)(uintptr_t)(i + 1));
	err = linux_rbtree_for_each(&l->b->mem, &l->b->walk, sd + (uint64_t)children, MAX_SYSFS_ENTRIES,
				    on_sysfs_entry, &w);
	vms_u64map_deinit(&w.by_kn);
	return err;
}

struct vms_error *linux_slab_info(struct linux_kmem_base *b, bool aliases, struct linux_slab_info **ret)
{
	struct sl l;
	struct vms_error *err = sl_probe(b, &l);
	if (err)
		return err;
	uint64_t head;
	if ((err = kf_var(b->prog, KF_SLAB_CACHES, &head, NULL)))
		return err;
	struct linux_slab_info *si = calloc(1, sizeof(*si));
	if (!si)
		return &vms_enomem;
	struct addr_vec a = { .sub = (uint64_t)l.kc_list };
	err = linux_list_for_each(&b->mem, &b->walk, head, MAX_CACHES, collect, &a);
	if (err) {
		if (err == &vms_enomem || a.n == 0) {
			free(a.v);
			free(si);
			return vms_error_wrap(err, "walking slab_caches");
		}
		si->list_error = strdup(err->message);
		vms_error_destroy(err);
	}
	si->caches = calloc(a.n ? a.n : 1, sizeof(*si->caches));
	if (!si->caches) {
		free(a.v);
		free(si);
		return &vms_enomem;
	}
	for (size_t i = 0; i < a.n; i++) {
		if ((err = program_check_cancel()))
			break;
		err = read_cache(&l, a.v[i], &si->caches[si->nr]);
		si->nr++;
		if (err == &vms_enomem)
			break;
		if (err) {
			// the kmem_cache itself is unreadable: keep it as an error item
			struct linux_slab_cache *c = &si->caches[si->nr - 1];
			char buf[32];
			snprintf(buf, sizeof(buf), "0x%" PRIx64, a.v[i]);
			c->name = strdup(buf);
			add_error(c, "%s", err->message);
			vms_error_destroy(err);
			err = NULL;
		}
	}
	free(a.v);
	if (err) {
		linux_slab_info_destroy(si);
		return err;
	}
	if (aliases) {
		err = read_aliases(&l, si);
		if (err) {
			si->aliases_error = strdup(err->message);
			vms_error_destroy(err);
		} else {
			si->aliases_read = true;
		}
	}
	*ret = si;
	return NULL;
}

const struct linux_slab_cache *linux_slab_find(const struct linux_slab_info *si, const char *name)
{
	for (size_t i = 0; i < si->nr; i++)
		if (si->caches[i].name && strcmp(si->caches[i].name, name) == 0)
			return &si->caches[i];
	for (size_t i = 0; i < si->nr; i++) {
		const struct linux_slab_cache *c = &si->caches[i];
		if (c->sysfs_name && strcmp(c->sysfs_name, name) == 0)
			return c;
		for (size_t k = 0; k < c->nr_aliases; k++)
			if (strcmp(c->aliases[k], name) == 0)
				return c;
	}
	char *end;
	uint64_t a = strtoull(name, &end, 16);
	if (end != name && !*end)
		for (size_t i = 0; i < si->nr; i++)
			if (si->caches[i].addr == a)
				return &si->caches[i];
	return NULL;
}

const char *linux_slab_state_name(unsigned state)
{
	static const char *const names[] = { "allocated", "free", "cached", "rcu-free", "unknown" };
	return state < LINUX_SLAB_NR_STATES ? names[state] : "?";
}

const char *linux_slab_where_name(unsigned where)
{
	static const char *const names[] = { "cpu", "cpu-partial", "node-partial", "full" };
	return where <= LINUX_SLAB_ON_NONE ? names[where] : "?";
}

/* ---- the objects of a cache ---- */

struct slab_head {
	uint64_t pfn, page;
	unsigned order;
	bool have_words;          // cache, freelist, counters come from the walk
	uint64_t cache, freelist, counters;
};

struct find_worker {
	VMS_CACHELINE_HEAD;
	const struct sl *l;
	struct slab_head *v;
	size_t n, cap;
	bool oom;
	VMS_CACHELINE_PAD;
};

static void find_on_page(void *arg, const struct linux_page_info *pi)
{
	struct find_worker *w = arg;
	if (pi->use != LINUX_USE_SLAB || (pi->bits & LINUX_PAGE_TAIL))
		return;
	if (!vms_array_reserve(w->v, w->cap, w->n + 1)) {
		w->oom = true;
		return;
	}
	struct slab_head *h = &w->v[w->n++];
	h->pfn = pi->pfn;
	h->page = pi->page;
	h->order = pi->order;
	const struct sl *l = w->l;
	h->have_words = l->w_cache != WORD_NONE && l->w_freelist != WORD_NONE && l->w_counters != WORD_NONE;
	h->cache = page_word(pi, l->w_cache);
	h->freelist = page_word(pi, l->w_freelist);
	h->counters = page_word(pi, l->w_counters);
}

static void find_on_run(void *arg, const struct linux_page_info *pi, uint64_t n)
{
	if (pi->use != LINUX_USE_SLAB)
		return;
	struct linux_page_info p = *pi;
	for (uint64_t k = 0; k < n; k++, p.pfn++)
		find_on_page(arg, &p);
}

static int by_pfn(const void *a, const void *b)
{
	const struct slab_head *x = a, *y = b;
	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

/* Every slab head page of the memory map (of the cache at @cache, when not
 * 0), in PFN order. */
VMS_MUST_CHECK static struct vms_error *find_slabs(const struct sl *l, const struct linux_memmap *m, unsigned nthreads,
						   uint64_t cache, struct slab_head **ret, size_t *nr_ret, uint64_t *unknown)
{
	struct linux_memmap_walk w = { .nthreads = nthreads, .page = find_on_page, .page_run = find_on_run };
	// The slabs of one cache: only the struct pages whose slab_cache
	// word holds its address need decoding (slab_of() checks it again).
	// (Reading them in place, --zerocopy, measured slower here: the
	// page faults of the mapping cost more than the copy.)
	if (cache && l->w_cache != WORD_NONE && l->s_cache >= 0) {
		w.match = true;
		w.match_off = (unsigned)l->s_cache;
		w.match_value = cache;
	}
	unsigned n = linux_memmap_walk_threads(&w);
	w.nthreads = n;
	struct find_worker *ws = calloc(n, sizeof(*ws));
	void **states = calloc(n, sizeof(*states));
	if (!ws || !states) {
		free(ws);
		free(states);
		return &vms_enomem;
	}
	for (unsigned i = 0; i < n; i++) {
		ws[i].l = l;
		states[i] = &ws[i];
	}
	w.wstate = states;
	struct vms_error *err = linux_memmap_walk(l->prog, m, &w);
	size_t total = 0;
	for (unsigned i = 0; i < n; i++) {
		total += ws[i].n;
		if (ws[i].oom && !err)
			err = &vms_enomem;
	}
	struct slab_head *all = err ? NULL : malloc((total ? total : 1) * sizeof(*all));
	if (!err && !all)
		err = &vms_enomem;
	size_t k = 0;
	for (unsigned i = 0; i < n; i++) {
		if (all && ws[i].n)
			memcpy(all + k, ws[i].v, ws[i].n * sizeof(*all));
		k += ws[i].n;
		free(ws[i].v);
	}
	free(ws);
	free(states);
	if (err) {
		free(all);
		return err;
	}
	qsort(all, total, sizeof(*all), by_pfn);
	memcpy(unknown, w.unknown, sizeof(w.unknown));
	*ret = all;
	*nr_ret = total;
	return NULL;
}

/* Where the objects of one cache are kept apart from their slabs: the CPU
 * freelists (by slab), the CPU and node partial slabs, the sheaves. */
struct walk_ctx {
	const struct sl *l;
	const struct linux_slab_cache *c;
	struct vms_u64map cpu_slab;     // slab -> index into cpu_free[] + 1
	uint64_t cpu_free[1024];        // CPU freelist heads (decoded), by CPU slot
	int cpu_of[1024];
	size_t nr_cpu_free;
	struct vms_u64map where;        // slab -> enum linux_slab_where + 1
	struct vms_u64map sheaf_obj;    // object -> state + 1
	// A CPU freelist, a sheaf or a barn could not be read: an object
	// found on no freelist may be free there, so it is unknown, not
	// allocated.
	bool state_gaps;
	linux_slab_problem_fn *pfn;
	void *arg;
	struct linux_slab_walk_stats *st;
};

static void problem(struct walk_ctx *w, struct vms_error *err)
{
	w->st->problems++;
	if (w->pfn)
		w->pfn(w->arg, err);
	vms_error_destroy(err);
}

static void sheaf_objects(struct walk_ctx *w, uint64_t sheaf, unsigned state)
{
	const struct sl *l = w->l;
	if (!sheaf || l->sheaf_size < 0 || l->sheaf_objects < 0)
		return;
	uint32_t size;
	struct vms_error *err = program_read_u32(l->prog, sheaf + (uint64_t)l->sheaf_size, &size);
	if (!err && size > MAX_SHEAF_OBJECTS)
		err = vms_error_addr(VMS_ERR_CORRUPT, sheaf, "sheaf 0x%" PRIx64 " has %u objects", sheaf, size);
	uint64_t *objs = NULL;
	if (!err && size) {
		objs = malloc(size * sizeof(*objs));
		if (!objs)
			return;
		err = program_read(l->prog, sheaf + (uint64_t)l->sheaf_objects, objs, size * sizeof(*objs));
	}
	if (err) {
		free(objs);
		w->state_gaps = true;
		problem(w, vms_error_wrap(err, "cache %s", w->c->name));
		return;
	}
	for (uint32_t i = 0; i < size; i++)
		vms_u64map_set(&w->sheaf_obj, objs[i], (void *)(uintptr_t)(state + 1));
	free(objs);
}

struct barn_walk {
	struct walk_ctx *w;
};

VMS_MUST_CHECK static struct vms_error *on_barn_sheaf(void *arg, uint64_t node)
{
	struct walk_ctx *w = arg;
	sheaf_objects(w, node - (uint64_t)w->l->sheaf_barn_list, LINUX_SLAB_CACHED);
	return NULL;
}

struct where_walk {
	struct walk_ctx *w;
	unsigned where;
};

VMS_MUST_CHECK static struct vms_error *on_where(void *arg, uint64_t node)
{
	struct where_walk *ww = arg;
	uint64_t slab = node - (uint64_t)ww->w->l->s_list;
	vms_u64map_set(&ww->w->where, slab, (void *)(uintptr_t)(ww->where + 1));
	return NULL;
}

static void walk_ctx_setup(struct walk_ctx *w)
{
	const struct sl *l = w->l;
	const struct linux_slab_cache *c = w->c;
	struct linux_kmem_base *b = l->b;
	vms_u64map_init(&w->cpu_slab);
	vms_u64map_init(&w->where);
	vms_u64map_init(&w->sheaf_obj);
	struct vms_error *err = NULL;
	// the node partial lists
	for (size_t i = 0; i < c->nr_nodes; i++) {
		struct where_walk ww = { w, LINUX_SLAB_ON_NODE_PARTIAL };
		struct vms_error *lerr = linux_list_for_each(&b->mem, &b->walk,
							     c->nodes[i].addr + (uint64_t)l->kcn_partial, 0,
							     on_where, &ww);
		if (lerr)
			problem(w, vms_error_wrap(lerr, "cache %s node %u partial list", c->name,
						  c->nodes[i].node));
	}
	uint8_t h[64];
	// the per-CPU pointers: sheaves (6.18+: NULL for a cache without
	// them), the CPU slabs (until 7.x); see read_cpu()
	uint64_t percpu = 0, sheaves = 0;
	if (l->kc_cpu_slab >= 0)
		err = program_read_u64(l->prog, c->addr + (uint64_t)l->kc_cpu_slab, &percpu);
	if (!err && l->kc_cpu_sheaves >= 0)
		err = program_read_u64(l->prog, c->addr + (uint64_t)l->kc_cpu_sheaves, &sheaves);
	if (!err && b->cpu_offset) {
		for (unsigned cpu = 0; cpu < b->nr_cpus; cpu++) {
			if (sheaves) {
				uint64_t a = sheaves + b->cpu_offset[cpu];
				uint64_t s[3] = { 0, 0, 0 };
				int64_t offs[3] = { l->sps_main, l->sps_spare, l->sps_rcu };
				for (int k = 0; k < 3; k++) {
					if (offs[k] < 0)
						continue;
					if ((err = program_read_u64(l->prog, a + (uint64_t)offs[k], &s[k]))) {
						problem(w, vms_error_wrap(err, "cache %s cpu %u sheaves", c->name, cpu));
						break;
					}
					sheaf_objects(w, s[k], k == 2 ? LINUX_SLAB_RCU : LINUX_SLAB_CACHED);
				}
			}
			if (l->kc_cpu_slab < 0 || !percpu)
				continue;
			uint64_t a = percpu + b->cpu_offset[cpu];
			uint64_t fl, slab, partial = 0;
			if ((err = program_read_u64(l->prog, a + (uint64_t)l->kcc_freelist, &fl)) ||
			    (err = program_read_u64(l->prog, a + (uint64_t)l->kcc_slab, &slab)) ||
			    (l->kcc_partial >= 0 &&
			     (err = program_read_u64(l->prog, a + (uint64_t)l->kcc_partial, &partial)))) {
				w->state_gaps = true;
				problem(w, vms_error_wrap(err, "cache %s cpu %u", c->name, cpu));
				continue;
			}
			if (slab && w->nr_cpu_free < sizeof(w->cpu_free) / sizeof(w->cpu_free[0])) {
				w->cpu_free[w->nr_cpu_free] = fl;
				w->cpu_of[w->nr_cpu_free] = (int)cpu;
				w->nr_cpu_free++;
				vms_u64map_set(&w->cpu_slab, slab, (void *)(uintptr_t)w->nr_cpu_free);
				vms_u64map_set(&w->where, slab, (void *)(uintptr_t)(LINUX_SLAB_ON_CPU + 1));
			}
			for (uint64_t sl = partial, n = 0; sl && l->s_next >= 0; n++) {
				if (n >= MAX_CPU_PARTIAL) {
					problem(w, vms_error_addr(VMS_ERR_CORRUPT, sl, "cache %s cpu %u: partial chain "
								  "longer than %u slabs", c->name, cpu, MAX_CPU_PARTIAL));
					break;
				}
				vms_u64map_set(&w->where, sl, (void *)(uintptr_t)(LINUX_SLAB_ON_CPU_PARTIAL + 1));
				if ((err = program_read(l->prog, sl + (uint64_t)l->s_next, h, 8))) {
					problem(w, vms_error_wrap(err, "cache %s cpu %u partial chain", c->name, cpu));
					break;
				}
				sl = get_le(h, 8);
			}
		}
	} else if (err) {
		problem(w, vms_error_wrap(err, "cache %s", c->name));
	}
	// 7.x: the barns' full sheaves
	if (l->kc_per_node >= 0 && l->kpn_barn >= 0 && l->barn_full >= 0 && l->sheaf_barn_list >= 0) {
		for (unsigned nid = 0; nid < b->nr_nodes; nid++) {
			uint64_t barn;
			uint64_t at2 = c->addr + (uint64_t)l->kc_per_node + nid * l->per_node_stride + (uint64_t)l->kpn_barn;
			if ((err = program_read_u64(l->prog, at2, &barn))) {
				w->state_gaps = true;
				problem(w, vms_error_wrap(err, "cache %s node %u barn", c->name, nid));
				continue;
			}
			if (barn && (err = linux_list_for_each(&b->mem, &b->walk, barn + (uint64_t)l->barn_full, 0,
							       on_barn_sheaf, w))) {
				w->state_gaps = true;
				problem(w, vms_error_wrap(err, "cache %s node %u barn", c->name, nid));
			}
		}
	}
}

static void walk_ctx_deinit(struct walk_ctx *w)
{
	vms_u64map_deinit(&w->cpu_slab);
	vms_u64map_deinit(&w->where);
	vms_u64map_deinit(&w->sheaf_obj);
}

/* Mark the objects of the freelist from @head (decoded) in @bits and count
 * them in *@count; the free pointers are read from @bytes (the slab's
 * memory from @mem, @len bytes) or, outside it, from the dump.  A pointer
 * that is no object of the slab, or a loop, ends the walk with an error
 * naming the object whose free pointer it is (what was marked stays). */
VMS_MUST_CHECK static struct vms_error *mark_freelist(const struct sl *l, const struct linux_slab_cache *c, uint64_t first,
						      uint32_t objects, uint64_t head, const uint8_t *bytes, uint64_t mem,
						      uint64_t len, uint64_t *bits, uint64_t *count)
{
	uint64_t p = head, n = 0, prev = 0, stored = 0;
	while (p) {
		uint64_t rel = p - first;
		if (p < first || rel % c->size || rel / c->size >= objects) {
			if (!prev)
				return vms_error_addr(VMS_ERR_CORRUPT, first, "cache %s: the freelist of the slab at 0x%" PRIx64
						      " starts at 0x%" PRIx64 ", not one of its objects", c->name, first, p);
			return vms_error_addr(VMS_ERR_CORRUPT, prev, "cache %s: object 0x%" PRIx64 " has a corrupt free "
					      "pointer: 0x%" PRIx64 " at 0x%" PRIx64 " decodes to 0x%" PRIx64
					      ", not an object of its slab", c->name, prev, stored, prev + c->offset, p);
		}
		uint64_t idx = rel / c->size;
		if (bit_test(bits, idx))
			return vms_error_addr(VMS_ERR_CORRUPT, prev ? prev : p, "cache %s: the freelist of the slab at 0x%"
					      PRIx64 " loops: object 0x%" PRIx64 " points back to 0x%" PRIx64, c->name, first,
					      prev, p);
		bits[idx / 64] |= UINT64_C(1) << (idx % 64);
		n++;
		*count += 1;
		uint64_t at = p + c->offset;
		if (bytes && at >= mem && at + 8 <= mem + len) {
			memcpy(&stored, bytes + (at - mem), 8);
		} else {
			struct vms_error *err = linux_kmem_read(l->b, at, &stored, 8);
			if (err)
				return vms_error_wrap(err, "cache %s: free pointer of object 0x%" PRIx64, c->name, p);
		}
		prev = p;
		p = fp_decode(c, stored, at);
	}
	(void)n;
	return NULL;
}

/* The struct slab at @sh->page (from the words the memory-map walk kept,
 * else read): check it belongs to @c and fill @out and *@freelist.  false
 * (nothing reported) when the slab is another cache's. */
static bool slab_of(struct walk_ctx *w, const struct slab_head *sh, struct linux_slab_slab *out,
		    uint64_t *freelist)
{
	const struct sl *l = w->l;
	uint64_t cache, counters;
	struct vms_error *err;
	if (sh->have_words) {
		cache = sh->cache;
		if (cache != w->c->addr)
			return false;
		*freelist = sh->freelist;
		counters = sh->counters;
	} else {
		uint8_t s[4096];
		if ((err = program_read_u64(l->prog, sh->page + (uint64_t)l->s_cache, &cache))) {
			problem(w, vms_error_wrap(err, "slab page %" PRIx64, sh->pfn));
			return false;
		}
		if (cache != w->c->addr)
			return false;
		if ((err = read_slab(l, sh->page, s))) {
			problem(w, err);
			return false;
		}
		*freelist = get_le(s + l->s_freelist, 8);
		counters = get_le(s + l->s_counters, 8);
	}
	memset(out, 0, sizeof(*out));
	out->slab = sh->page;
	out->pfn = sh->pfn;
	out->order = sh->order;
	out->base = linux_kmem_pfn_addr(l->b, sh->pfn) + (w->c->red_zone ? w->c->red_left_pad : 0);
	out->inuse = (uint32_t)field(counters, l->inuse_shift, l->inuse_bits);
	out->objects = (uint32_t)field(counters, l->objects_shift, l->objects_bits);
	out->frozen = field(counters, l->frozen_shift, 1) != 0;
	void *wh = vms_u64map_get(&w->where, sh->page);
	out->where = wh ? (unsigned)((uintptr_t)wh - 1) : LINUX_SLAB_ON_NONE;
	out->cpu = -1;
	void *ci = vms_u64map_get(&w->cpu_slab, sh->page);
	if (ci)
		out->cpu = w->cpu_of[(uintptr_t)ci - 1];
	return true;
}

VMS_MUST_CHECK static struct vms_error *walk_one_slab(struct walk_ctx *w, struct linux_slab_slab *s, uint64_t freelist,
						      uint8_t **buf, size_t *bufsize, linux_slab_object_fn *fn, void *arg)
{
	const struct sl *l = w->l;
	const struct linux_slab_cache *c = w->c;
	uint64_t bits[MAX_SLAB_OBJECTS / 64];
	uint32_t objects = s->objects;
	if (objects == 0 || objects > MAX_SLAB_OBJECTS) {
		problem(w, vms_error_addr(VMS_ERR_CORRUPT, s->slab, "cache %s: slab 0x%" PRIx64 " claims %u objects",
					  c->name, s->slab, objects));
		return NULL;
	}
	memset(bits, 0, ((objects + 63) / 64) * sizeof(uint64_t));
	// the slab's memory in one read
	uint64_t mem = linux_kmem_pfn_addr(l->b, s->pfn);
	uint64_t len = (uint64_t)objects * c->size + (c->red_zone ? c->red_left_pad : 0);
	// the whole slab: one read of its pages (a big read goes straight to
	// the file on ELF dumps)
	uint64_t pages_len = l->b->page_size << (s->order < 20 ? s->order : 0);
	if (pages_len > len)
		len = pages_len;
	const uint8_t *bytes = NULL;
	// Only free objects are read (their free pointers): a full slab needs
	// no read, a slab with a few free objects a few small ones
	void *ci = vms_u64map_get(&w->cpu_slab, s->slab);
	bool many_free = ci || s->inuse + MANY_FREE <= objects;
	if (many_free && len <= MAX_SLAB_BYTES) {
		if (*bufsize < len) {
			uint8_t *nb = realloc(*buf, len);
			if (!nb)
				return &vms_enomem;
			*buf = nb;
			*bufsize = len;
		}
		struct vms_error *err = linux_kmem_read(l->b, mem, *buf, len);
		if (err) {
			problem(w, vms_error_wrap(err, "cache %s: slab 0x%" PRIx64 " (pfn %" PRIx64 ")", c->name,
						  s->slab, s->pfn));
			return NULL;
		}
		bytes = *buf;
	}
	uint64_t nfree = 0;
	// A freelist walk that ends early (a free pointer unreadable, as in
	// a filtered dump that left the slab's page out, or corrupt) leaves
	// the objects it did not reach unknown: calling them allocated would
	// list free objects as live.
	bool complete = true;
	struct vms_error *err = mark_freelist(l, c, s->base, objects, freelist, bytes, mem,
					      len, bits, &nfree);
	if (err) {
		problem(w, err);
		complete = false;
	}
	if (ci) {
		err = mark_freelist(l, c, s->base, objects, w->cpu_free[(uintptr_t)ci - 1], bytes, mem, len, bits,
				    &nfree);
		if (err) {
			problem(w, err);
			complete = false;
		}
	}
	unsigned rest = complete && !w->state_gaps ? LINUX_SLAB_ALLOCATED : LINUX_SLAB_UNKNOWN;
	s->free = nfree;
	s->allocated = rest == LINUX_SLAB_ALLOCATED ? objects - nfree : 0;
	w->st->slabs++;
	for (uint32_t i = 0; i < objects; i++) {
		uint64_t a = s->base + (uint64_t)i * c->size;
		unsigned state = bit_test(bits, i) ? LINUX_SLAB_FREE : rest;
		if (state == rest && w->sheaf_obj.count) {
			void *v = vms_u64map_get(&w->sheaf_obj, a);
			if (v)
				state = (unsigned)((uintptr_t)v - 1);
		}
		w->st->by_state[state]++;
		w->st->objects++;
		if (fn) {
			err = fn(arg, c, s, a, state);
			if (err)
				return err;
		}
	}
	return NULL;
}

static double now_clock(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void)
{
	return now_clock(CLOCK_MONOTONIC);
}

struct vms_error *linux_slab_walk(struct linux_kmem_base *b, const struct linux_memmap *m,
				  const struct linux_slab_cache *c, linux_slab_object_fn *fn,
				  linux_slab_problem_fn *pfn, void *arg, unsigned nthreads,
				  struct linux_slab_walk_stats *stats)
{
	struct sl l;
	struct vms_error *err = sl_probe(b, &l);
	if (err)
		return err;
	memset(stats, 0, sizeof(*stats));
	double t0 = now(), c0 = now_clock(CLOCK_PROCESS_CPUTIME_ID);
	struct slab_head *heads;
	size_t nr;
	if ((err = find_slabs(&l, m, nthreads, c->addr, &heads, &nr, stats->unknown_pages)))
		return err;
	double t1 = now(), c1 = now_clock(CLOCK_PROCESS_CPUTIME_ID);
	stats->seconds_find = t1 - t0;
	stats->cpu_seconds_find = c1 - c0;
	struct walk_ctx w = { .l = &l, .c = c, .pfn = pfn, .arg = arg, .st = stats };
	walk_ctx_setup(&w);
	uint8_t *buf = NULL;
	size_t bufsize = 0;
	for (size_t i = 0; i < nr; i++) {
		if (i % 1024 == 0 && (err = program_check_cancel()))
			break;
		struct linux_slab_slab s;
		uint64_t freelist;
		if (!slab_of(&w, &heads[i], &s, &freelist))
			continue;
		err = walk_one_slab(&w, &s, freelist, &buf, &bufsize, fn, arg);
		if (err == &linux_walk_stop) {
			err = NULL;
			break;
		}
		if (err)
			break;
	}
	free(buf);
	free(heads);
	walk_ctx_deinit(&w);
	stats->seconds_objects = now() - t1;
	stats->cpu_seconds_objects = now_clock(CLOCK_PROCESS_CPUTIME_ID) - c1;
	return err;
}

/* ---- one address ---- */

void linux_slab_hit_deinit(struct linux_slab_hit *h)
{
	if (h)
		free(h->problem);
}

struct want {
	uint64_t addr;
	unsigned state;
};

VMS_MUST_CHECK static struct vms_error *on_want(void *arg, const struct linux_slab_cache *c, const struct linux_slab_slab *s,
						uint64_t addr, unsigned state)
{
	(void)c;
	(void)s;
	struct want *wt = arg;
	if (addr != wt->addr)
		return NULL;
	wt->state = state;
	return &linux_walk_stop;
}

static void hit_problem(void *arg, const struct vms_error *err)
{
	struct linux_slab_hit *h = arg;
	if (!h->problem)
		h->problem = strdup(err->message);
}

struct vms_error *linux_slab_lookup(struct linux_kmem_base *b, const struct linux_slab_info *si,
				    uint64_t head_page, uint64_t head_pfn, uint64_t addr,
				    struct linux_slab_hit *ret)
{
	struct sl l;
	struct vms_error *err = sl_probe(b, &l);
	if (err)
		return err;
	uint64_t cache_addr;
	if ((err = program_read_u64(b->prog, head_page + (uint64_t)l.s_cache, &cache_addr)))
		return vms_error_wrap(err, "reading the slab at 0x%" PRIx64, head_page);
	const struct linux_slab_cache *c = NULL;
	for (size_t i = 0; i < si->nr && !c; i++)
		if (si->caches[i].addr == cache_addr)
			c = &si->caches[i];
	if (!c)
		return vms_error_addr(VMS_ERR_LOOKUP, cache_addr, "the slab at 0x%" PRIx64 " names cache 0x%" PRIx64
				      ", which is not on slab_caches", head_page, cache_addr);
	memset(ret, 0, sizeof(*ret));
	ret->cache = c;
	struct linux_slab_walk_stats st = { 0 };
	struct walk_ctx w = { .l = &l, .c = c, .pfn = hit_problem, .arg = ret, .st = &st };
	walk_ctx_setup(&w);
	struct slab_head sh = { .pfn = head_pfn, .page = head_page };
	uint64_t freelist;
	if (!slab_of(&w, &sh, &ret->slab, &freelist)) {
		walk_ctx_deinit(&w);
		if (!ret->problem)
			return vms_error_addr(VMS_ERR_CORRUPT, head_page, "slab 0x%" PRIx64 " changed cache", head_page);
		err = vms_error_create(VMS_ERR_CORRUPT, "%s", ret->problem);
		linux_slab_hit_deinit(ret);
		return err;
	}
	struct linux_slab_slab *s = &ret->slab;
	if (addr < s->base) {
		// in the left red zone of the first object
		ret->index = 0;
	} else {
		ret->index = (addr - s->base) / c->size;
	}
	if (ret->index >= s->objects)
		ret->index = s->objects ? s->objects - 1 : 0;
	ret->object = s->base + ret->index * c->size;
	ret->offset = addr - ret->object;
	ret->in_object = addr >= ret->object && ret->offset < c->object_size;
	// the state: walk the slab's freelists, look in the sheaves
	// (unknown if the walk cannot reach the object: its slab unreadable)
	struct want wt = { .addr = ret->object, .state = LINUX_SLAB_UNKNOWN };
	uint8_t *buf = NULL;
	size_t bufsize = 0;
	err = walk_one_slab(&w, s, freelist, &buf, &bufsize, on_want, &wt);
	if (err == &linux_walk_stop)
		err = NULL;
	free(buf);
	walk_ctx_deinit(&w);
	if (err) {
		linux_slab_hit_deinit(ret);
		return err;
	}
	ret->state = wt.state;
	return NULL;
}
