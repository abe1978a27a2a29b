// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * What the kernel-memory walkers (slab.h, vmalloc.h, memcg.h, kmem.h) share:
 * the direct map, the per-CPU offsets, the number of nodes, the address
 * ranges of the kernel's virtual address space, and the container layouts,
 * probed once per command.
 */
#ifndef VMS_LINUX_KMEMBASE_H
#define VMS_LINUX_KMEMBASE_H

#include <stdbool.h>
#include <stdint.h>

#include "linux/walk.h"

// Sanity bounds (not kernel facts): most nodes a kernel may have.
#define LINUX_KMEM_MAX_NODES 1024

struct linux_kmem_base {
	struct vms_program *prog;
	struct linux_mem mem;
	struct linux_walk_layout walk;
	unsigned page_shift;
	uint64_t page_size;
	bool l5;                  // 5-level paging
	unsigned va_bits;         // of a canonical address (0 if unknown)
	uint64_t page_offset;     // the direct map's base (page_offset_base)
	uint64_t direct_end;      // end of the direct map region
	uint64_t vmalloc_start, vmalloc_end;
	uint64_t vmemmap_start, vmemmap_end;
	uint64_t page_struct_size;         // sizeof(struct page)
	uint64_t kernel_map, modules_end; // __START_KERNEL_map, MODULES_END
	bool image_done;
	uint64_t text, end;               // _text, _end (linux_kmem_image())
	uint64_t cpu_entry_area;
	unsigned nr_cpus;         // nr_cpu_ids
	uint64_t *cpu_offset;     // __per_cpu_offset[nr_cpus]; NULL without SMP
	unsigned nr_nodes;        // nr_node_ids (1 without NUMA)
};

/* Probe the basics of @prog into @ret.  Fails with VMS_ERR_LOOKUP when the
 * container layouts cannot be probed; the per-CPU offsets that cannot be
 * read leave nr_cpus 0 (the callers then see no per-CPU data).  Free with
 * linux_kmem_base_deinit(). */
VMS_MUST_CHECK struct vms_error *linux_kmem_base_init(struct vms_program *prog, struct linux_kmem_base *ret);
void linux_kmem_base_deinit(struct linux_kmem_base *b);

/* The direct-map address of PFN @pfn. */
static inline uint64_t linux_kmem_pfn_addr(const struct linux_kmem_base *b, uint64_t pfn)
{
	return b->page_offset + (pfn << b->page_shift);
}

/* The PFN of the struct page at @page: vmemmap arithmetic, else the
 * memory model's (linux_page_to_pfn()). */
VMS_MUST_CHECK struct vms_error *linux_kmem_page_pfn(const struct linux_kmem_base *b, uint64_t page, uint64_t *ret);

/* Is @addr in the direct map?  Then *pfn_ret is its PFN. */
bool linux_kmem_direct_pfn(const struct linux_kmem_base *b, uint64_t addr, uint64_t *pfn_ret);

/* Read kernel memory at @addr: the direct map as the physical memory it
 * maps (no page-table walk), anything else through program_read(). */
VMS_MUST_CHECK struct vms_error *linux_kmem_read(const struct linux_kmem_base *b, uint64_t addr, void *buf, size_t len);

/* The name of the region of the kernel's address space @addr lies in:
 * "direct map", "vmalloc", "vmemmap", "kernel image", "modules",
 * "cpu entry area", "kernel map" (the image mapping outside _text.._end),
 * "user" or "unknown". */
const char *linux_kmem_region(struct linux_kmem_base *b, uint64_t addr);

/* Fill b->text and b->end (the kernel image), once. */
void linux_kmem_image(struct linux_kmem_base *b);

#endif
