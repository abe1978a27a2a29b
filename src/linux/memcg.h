// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Memory cgroups: the tree under root_mem_cgroup, each cgroup's path and
 * its memory.stat as the kernel would print it (the kernel's own
 * memory_stats[] table, its units, its counters: the atomic counters of 5.10,
 * or the rstat counters with every pending per-CPU and child delta flushed),
 * memory.current, and, from the memory map, the pages whose memcg_data names
 * each cgroup (so a charge the counters miss shows).
 */
#ifndef VMS_LINUX_MEMCG_H
#define VMS_LINUX_MEMCG_H

#include <stdbool.h>
#include <stdint.h>

#include "linux/kmembase.h"
#include "linux/memmap.h"

struct linux_memcg_stat {
	const char *name;          // memory.stat's key (owned by the info)
	uint64_t value;            // in memory.stat's unit (bytes for memory)
};

/* Pages of the memory map charged to a cgroup (its own, not its children's). */
struct linux_memcg_pages {
	uint64_t anon, file, kernel, other;  // by the page's use: anon/KSM/THP, page cache, the rest
	uint64_t objcg;            // of those, charged through an obj_cgroup (kernel pages)
};

struct linux_memcg {
	uint64_t memcg;            // struct mem_cgroup
	uint64_t parent;           // its parent's, 0 for the root
	unsigned depth;
	char *path;                // "/", "/vmsift-a"
	bool online;               // CSS_ONLINE (a removed cgroup lingers while charged)
	uint64_t current;          // memory.current, bytes
	struct linux_memcg_stat *stats;
	size_t nr_stats;
	struct linux_memcg_pages pages;       // this cgroup's own
	struct linux_memcg_pages pages_tree;  // with its descendants' (as memory.stat counts)
	char *error;
};

struct linux_memcg_info {
	struct linux_memcg *cgroups;   // depth first, parents before children
	size_t nr;
	char **names;                  // memory.stat keys, shared by every cgroup
	size_t nr_names, cap_names;
	bool pages_counted;            // linux_memcg_count_pages() ran
	uint64_t pages_slab_objcg;     // slab pages with per-object charges (no one cgroup)
	uint64_t pages_unknown_memcg;  // memcg_data naming no cgroup of the tree
	uint64_t unknown[LINUX_UNKNOWN_NR];
	char **errors;
	size_t nr_errors, cap_errors;
};

/* Read every memory cgroup with its memory.stat and memory.current.
 * VMS_ERR_UNSUPPORTED without CONFIG_MEMCG; unreadable cgroups and broken
 * lists are per-item errors.  Free with linux_memcg_info_destroy(). */
VMS_MUST_CHECK struct vms_error *linux_memcg_read(struct linux_kmem_base *b, struct linux_memcg_info **ret);
void linux_memcg_info_destroy(struct linux_memcg_info *mi);

/* Count the pages of the memory map by the cgroup their memcg_data names
 * (kernel pages through their obj_cgroup). */
VMS_MUST_CHECK struct vms_error *linux_memcg_count_pages(struct linux_kmem_base *b, const struct linux_memmap *m,
							 struct linux_memcg_info *mi, unsigned nthreads);

/* A memory.stat value of @cg, or false when the kernel has no such key. */
bool linux_memcg_stat(const struct linux_memcg *cg, const char *name, uint64_t *ret);

#endif
