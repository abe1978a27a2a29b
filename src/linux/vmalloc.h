// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The vmalloc areas as /proc/vmallocinfo lists them: the busy vmap_areas
 * (vmap_area_list up to 6.8, the per-node busy lists of the vmap nodes
 * since 6.9) with their vm_struct, then the lazily freed ("unpurged") ones.
 */
#ifndef VMS_LINUX_VMALLOC_H
#define VMS_LINUX_VMALLOC_H

#include <stdbool.h>
#include <stdint.h>

#include "linux/kmembase.h"
#include "linux/kmod.h"

#define LINUX_VMALLOC_MAX_NODES 8   // nodes with a count kept per area (N0=...)

enum linux_vmalloc_kind {
	LINUX_VMALLOC_AREA,        // a vm_struct
	LINUX_VMALLOC_VM_MAP_RAM,  // no vm_struct: vm_map_ram() (or being torn down)
	LINUX_VMALLOC_UNPURGED,    // freed, not yet purged
};

struct linux_vmalloc_area {
	unsigned kind;             // enum linux_vmalloc_kind
	uint64_t vmap_area, va_start, va_end;
	uint64_t vm;               // struct vm_struct
	uint64_t addr, size, flags, pages, nr_pages, phys_addr, caller;
	unsigned page_order;
	bool vpages;               // the pages array is itself vmalloc'ed
	char caller_sym[160];      // "%pS" of caller
	unsigned nr_node_counts;
	struct {
		unsigned node;
		uint64_t pages;
	} node_pages[LINUX_VMALLOC_MAX_NODES];  // "N0=4"
	char *error;               // what could not be read about it
};

struct linux_vmalloc_info {
	struct linux_vmalloc_area *areas;
	size_t nr;
	bool numa;                 // /proc/vmallocinfo prints N<node>= counts
	char **errors;             // lists that could not be walked to their end
	size_t nr_errors, cap_errors;
	uint64_t vmalloc_pages;    // pages of VM_ALLOC areas (meminfo's VmallocUsed)
};

/* Read every area; with @node_counts the pages of each area by node (reads
 * each page's flags on NUMA kernels).  Unreadable areas and broken lists are
 * per-item errors (the answer is partial).  Free with
 * linux_vmalloc_info_destroy(). */
VMS_MUST_CHECK struct vms_error *linux_vmalloc_read(struct linux_kmem_base *b, const struct linux_kmods *mods, bool node_counts,
						    struct linux_vmalloc_info **ret);
void linux_vmalloc_info_destroy(struct linux_vmalloc_info *vi);

/* The area holding @addr (the busy one first), or NULL. */
const struct linux_vmalloc_area *linux_vmalloc_find(const struct linux_vmalloc_info *vi, uint64_t addr);

/* The flag words /proc/vmallocinfo prints after an area ("ioremap",
 * "vmalloc", "vmap", "user", "dma-coherent", "sparse"), space-separated,
 * into @buf. */
void linux_vmalloc_flag_names(struct vms_program *prog, uint64_t flags, char *buf, size_t len);

/* The /proc/vmallocinfo line of @a (without the newline). */
void linux_vmalloc_line(const struct linux_vmalloc_info *vi, const struct linux_vmalloc_area *a,
			struct vms_program *prog, char *buf, size_t len);

#endif
