// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * An mm_struct and its VMAs: the maple tree mm->mm_mt (v6.1+) or the
 * mm->mmap list (older kernels, checked against map_count); VMA fields;
 * RSS counters; the /proc/PID/maps view of a VMA.
 */
#ifndef VMS_LINUX_MM_H
#define VMS_LINUX_MM_H

#include "linux/vmctx.h"

struct linux_vma {
	uint64_t addr;
	uint64_t start, end, flags, pgoff;
	uint64_t anon_pgoff;  // vma_start_anon_pgoff(): apart from pgoff in 7.3, else pgoff
	uint64_t mm, file, anon_vma, ops, private_data;
};

/* Read the vm_area_struct at @addr. */
VMS_MUST_CHECK struct vms_error *linux_vma_read(struct linux_vm *vm, uint64_t addr, struct linux_vma *ret);

/* Called for each VMA of an mm in address order; return as linux_list_fn. */
typedef struct vms_error *linux_vma_fn(void *arg, const struct linux_vma *vma);

/* Call @fn for each VMA of @mm, in address order.  Errors: a corrupt tree
 * or list, a VMA whose range does not match its place in the tree, a
 * failed read (wrapped with "mm 0x..."). */
VMS_MUST_CHECK struct vms_error *linux_mm_for_each_vma(struct linux_vm *vm, uint64_t mm, linux_vma_fn *fn, void *arg);

// Most mm counters vmsift reads (NR_MM_COUNTERS is 4 or 5).
#define LINUX_MAX_MM_COUNTERS 8

struct linux_mm_info {
	uint64_t pgd;
	// pages, summed like get_mm_counter(): MM_ANONPAGES, MM_FILEPAGES,
	// MM_SHMEMPAGES (0 where the kernel has none)
	int64_t rss_anon, rss_file, rss_shmem;
	uint64_t total_vm;
	int32_t map_count;
	uint64_t start_brk, brk, start_stack;
};

/* Read the summary of @mm.  RSS counters are summed over the per-CPU parts
 * (v6.2+, percpu_counter) or taken from the mm plus the per-task caches of
 * its threads (SPLIT_RSS_COUNTING, before v6.2), like the kernel's own
 * get_mm_counter() plus what sync_mm_rss() would add. */
VMS_MUST_CHECK struct vms_error *linux_mm_info(struct linux_vm *vm, uint64_t mm, struct linux_mm_info *ret);

/* Text of the name column of /proc/PID/maps for @vma ("/path", "[heap]",
 * "[stack]", "[vdso]", "" ...) and the inode number (0 for anonymous);
 * *name_ret is malloc'd. */
VMS_MUST_CHECK struct vms_error *linux_vma_name(struct linux_vm *vm, const struct linux_vma *vma,
				 const struct linux_mm_info *mi, char **name_ret, uint64_t *ino_ret);

/* The "rwxp" permission string of @flags into @buf (5 bytes). */
void linux_vma_perms(const struct linux_vm *vm, uint64_t flags, char buf[5]);

#endif
