// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * SLUB: the slab caches (slab_caches), their counters as /proc/slabinfo
 * shows them, their per-node partial lists and per-CPU slabs (sheaves in
 * 7.x), the names merged into each (the symbolic links of /sys/kernel/slab),
 * every object of a cache with its state, and the object an address lies
 * in.
 *
 * Free pointers are decoded as the kernel does: with
 * CONFIG_SLAB_FREELIST_HARDENED (probed: struct kmem_cache has `random')
 * a stored pointer is ptr ^ s->random ^ swab(address where it is stored).
 * A free pointer that decodes outside its slab, or a freelist that loops,
 * is a per-item error naming the object: the walk goes on with the next
 * slab and the answer is partial.  Every list is bounded and cycle-checked.
 */
#ifndef VMS_LINUX_SLAB_H
#define VMS_LINUX_SLAB_H

#include <stdbool.h>
#include <stdint.h>

#include "linux/kmembase.h"
#include "linux/memmap.h"

/* One node's part of a cache (struct kmem_cache_node). */
struct linux_slab_node {
	unsigned node;
	uint64_t addr;            // the kmem_cache_node
	uint64_t nr_partial;      // n->nr_partial
	uint64_t partial_walked;  // slabs found on n->partial
	uint64_t partial_free;    // their free objects (objects - inuse)
	uint64_t nr_slabs;        // n->nr_slabs (CONFIG_SLUB_DEBUG)
	uint64_t total_objects;   // n->total_objects
	uint64_t barn_full, barn_empty;  // 7.x: sheaves in the node's barn
	uint64_t barn_objects;           // objects in its full sheaves
};

/* One CPU's part of a cache: struct kmem_cache_cpu (until 6.x), or its
 * sheaves (7.x). */
struct linux_slab_cpu {
	unsigned cpu;
	uint64_t slab;            // the CPU slab (struct slab or page), 0 if none
	uint64_t freelist;        // c->freelist, decoded object address
	uint64_t freelist_objects;// objects on it
	uint64_t slab_inuse, slab_objects;
	uint64_t partial_slabs;   // slabs on c->partial
	uint64_t partial_free;    // their free objects
	uint64_t sheaf_objects;   // 7.x: objects in the main and spare sheaves
	uint64_t rcu_objects;     // 7.x: objects in the rcu_free sheaf
};

struct linux_slab_cache {
	uint64_t addr;
	char *name;
	uint64_t flags;
	uint32_t size, object_size, offset, inuse, align, red_left_pad;
	uint32_t order, objects;          // oo: pages per slab is 1 << order
	uint32_t min_order, min_objects;  // the fallback slab size
	int32_t refcount;
	bool hardened;                    // CONFIG_SLAB_FREELIST_HARDENED
	uint64_t random;
	bool red_zone;                    // objects start red_left_pad into a slot
	uint64_t kobj_sd;                 // its /sys/kernel/slab directory (kernfs_node)
	char *sysfs_name;                 // that directory's name (":0000064" when merged)
	// /proc/slabinfo, computed as get_slabinfo() does
	uint64_t num_objs, active_objs, num_slabs;
	bool approximate;                 // active_objs sampled (count_partial_free_approx())
	uint64_t pages;                   // pages of its slabs (nr_slabs split by slab order)
	bool pages_exact;                 // ... by oo/min, not assumed all oo
	struct linux_slab_node *nodes;
	size_t nr_nodes;
	struct linux_slab_cpu *cpus;
	size_t nr_cpus;
	uint64_t cpu_slabs;               // CPU slabs + CPU partial slabs
	uint64_t cached_objects;          // 7.x: objects in sheaves (main, spare, barns)
	char **aliases;                   // other names of this cache (merged caches)
	size_t nr_aliases, cap_aliases;
	char **errors;                    // per-item problems: the answer is partial
	size_t nr_errors, cap_errors;
};

struct linux_slab_info {
	struct linux_slab_cache *caches;
	size_t nr;
	bool aliases_read;                // /sys/kernel/slab could be walked
	char *aliases_error;              // why not
	char *list_error;                 // slab_caches could not be walked to the end
};

/* Every cache on slab_caches, in that order (the order of /proc/slabinfo),
 * with its counters, nodes and CPUs; with @aliases the names merged into
 * each from /sys/kernel/slab.  A cache that cannot be read completely keeps
 * what was read and its errors; a broken slab_caches list keeps the caches
 * before the break (list_error).  Fails only when nothing can be read (no
 * SLUB facts, slab_caches unreadable).  Free with linux_slab_info_destroy(). */
VMS_MUST_CHECK struct vms_error *linux_slab_info(struct linux_kmem_base *b, bool aliases, struct linux_slab_info **ret);
void linux_slab_info_destroy(struct linux_slab_info *si);

/* The cache named @name (or whose alias or sysfs name it is), or at
 * address @name given as a number; borrowed from @si. */
const struct linux_slab_cache *linux_slab_find(const struct linux_slab_info *si, const char *name);

enum linux_slab_state {
	LINUX_SLAB_ALLOCATED,
	LINUX_SLAB_FREE,      // on a freelist of its slab or of a CPU
	LINUX_SLAB_CACHED,    // 7.x: in a sheaf (free to callers, allocated from its slab)
	LINUX_SLAB_RCU,       // 7.x: in an rcu_free sheaf, freed after a grace period
	LINUX_SLAB_UNKNOWN,   // on no freelist read, but one could not be read: the
	                      // slab's own ended early (a free pointer unreadable or
	                      // corrupt), or a CPU freelist, sheaf or barn: free or not
	LINUX_SLAB_NR_STATES,
};
/* "allocated", "free", "cached", "rcu-free", "unknown". */
const char *linux_slab_state_name(unsigned state);

/* Where a slab is. */
enum linux_slab_where {
	LINUX_SLAB_ON_CPU,         // a CPU slab
	LINUX_SLAB_ON_CPU_PARTIAL, // on a CPU's partial list
	LINUX_SLAB_ON_NODE_PARTIAL,
	LINUX_SLAB_ON_NONE,        // full, or on no list the walk knows
};
const char *linux_slab_where_name(unsigned where);

struct linux_slab_slab {
	uint64_t slab;            // struct slab (struct page up to 5.16)
	uint64_t pfn;
	uint64_t base;            // address of its first slot
	unsigned order;
	uint32_t objects, inuse;
	bool frozen;
	unsigned where;           // enum linux_slab_where
	int cpu;                  // for ON_CPU / ON_CPU_PARTIAL, else -1
	uint64_t free, allocated; // filled by the walk
};

/* Called for each object (@addr: its start, after the left red zone) of
 * each slab in PFN order.  Return NULL to go on, &linux_walk_stop to end. */
typedef struct vms_error *linux_slab_object_fn(void *arg, const struct linux_slab_cache *c,
					       const struct linux_slab_slab *s, uint64_t addr,
					       unsigned state);
/* Called for each per-item problem (corrupt free pointer, unreadable
 * slab...); the walk goes on.  @err is borrowed. */
typedef void linux_slab_problem_fn(void *arg, const struct vms_error *err);

struct linux_slab_walk_stats {
	uint64_t slabs, objects;
	uint64_t by_state[LINUX_SLAB_NR_STATES];
	uint64_t problems;          // per-item errors reported
	uint64_t unknown_pages[LINUX_UNKNOWN_NR]; // struct pages the mem_map walk could not read
	double seconds_find, seconds_objects;          // wall
	double cpu_seconds_find, cpu_seconds_objects;  // CPU time of the process (all threads)
};

/*
 * Walk every object of cache @c: its slabs are found on the memory map @m
 * (full slabs are on no list), their states from the CPU freelists, the
 * slabs' freelists and (7.x) the sheaves.  @fn may be NULL (counting only).
 * Fails on setup errors or cancellation; per-item problems go to @pfn and
 * stats->problems.
 */
VMS_MUST_CHECK struct vms_error *linux_slab_walk(struct linux_kmem_base *b, const struct linux_memmap *m,
						 const struct linux_slab_cache *c, linux_slab_object_fn *fn,
						 linux_slab_problem_fn *pfn, void *arg, unsigned nthreads,
						 struct linux_slab_walk_stats *stats);

/* What an address inside a slab is. */
struct linux_slab_hit {
	const struct linux_slab_cache *cache;  // borrowed from the linux_slab_info
	struct linux_slab_slab slab;
	uint64_t object;          // start of the object it lies in
	uint64_t index;           // its slot in the slab
	uint64_t offset;          // addr - object
	unsigned state;           // enum linux_slab_state
	bool in_object;           // offset < object_size (else metadata or padding)
	char *problem;            // the state could not be known exactly (malloc'd), or NULL
};
/* Is the slab page at @head_page (the head's struct page) holding @addr
 * one of @si's caches?  Fills @ret; VMS_ERR_LOOKUP when its slab_cache is
 * none of them. */
VMS_MUST_CHECK struct vms_error *linux_slab_lookup(struct linux_kmem_base *b, const struct linux_slab_info *si,
						   uint64_t head_page, uint64_t head_pfn, uint64_t addr,
						   struct linux_slab_hit *ret);
void linux_slab_hit_deinit(struct linux_slab_hit *h);

#endif
