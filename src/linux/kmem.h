// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * What an address is (kmem ADDR, whatis ADDR): the region of the kernel's
 * address space it lies in, and every thing of the kernel that holds it: a
 * slab object (cache, object start, offset, allocated or free), a page of
 * the memory map (its use), a vmalloc area (caller, size), a task's stack
 * (which task), a module's text or data, a kernel symbol, a CPU's per-CPU
 * area, or a struct page of the vmemmap.
 *
 * A struct linux_kmem reads what answers need on first use (slab caches,
 * vmalloc areas, modules, tasks, the memory map) and keeps it for the next
 * address.
 */
#ifndef VMS_LINUX_KMEM_H
#define VMS_LINUX_KMEM_H

#include <stdbool.h>
#include <stdint.h>

#include "linux/kmembase.h"
#include "linux/kmod.h"
#include "linux/memmap.h"
#include "linux/slab.h"
#include "linux/vmalloc.h"

struct linux_kmem;

VMS_MUST_CHECK struct vms_error *linux_kmem_create(struct vms_program *prog, struct linux_kmem **ret);
void linux_kmem_destroy(struct linux_kmem *k);

struct linux_kmem_what {
	uint64_t addr;
	const char *region;              // linux_kmem_region()
	// a page of the memory map (direct-map or vmalloc-backed addresses)
	bool has_page;
	uint64_t pfn;
	struct linux_page_info page;
	// a slab object
	bool has_slab;
	struct linux_slab_hit slab;
	// a vmalloc area
	bool has_vmalloc;
	struct linux_vmalloc_area vmalloc;  // copy; its error pointer is not owned
	// a task's stack
	bool has_stack;
	int32_t pid;
	char comm[17];
	uint64_t task, stack_base, stack_size;
	// a module's memory
	bool has_module;
	char module[64];
	const char *module_kind;
	uint64_t module_offset;
	// a symbol: of the kernel image or of a module ("%pS"), or of the
	// per-CPU section
	char symbol[200];
	// a CPU's per-CPU area
	bool has_percpu;
	unsigned cpu;
	uint64_t percpu_offset;          // from the CPU's area start
	// a struct page of the vmemmap
	bool has_struct_page;
	uint64_t sp_pfn, sp_page, sp_offset;
	// what could not be known (each malloc'd)
	char *notes[8];
	unsigned nr_notes;
};

/* Describe @addr.  Fails only on setup errors; what cannot be read about
 * the address becomes a note (the answer is then partial). */
VMS_MUST_CHECK struct vms_error *linux_kmem_what(struct linux_kmem *k, uint64_t addr, struct linux_kmem_what *ret);
void linux_kmem_what_deinit(struct linux_kmem_what *w);

#endif
