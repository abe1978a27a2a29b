// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * anon_vma and anon_vma_chain (mm/rmap.c): an anon_vma's interval tree of
 * avcs keyed by each VMA's pgoff range (mm/interval_tree.c), and a file's
 * address_space->i_mmap interval tree of VMAs.
 */
#ifndef VMS_LINUX_ANON_VMA_H
#define VMS_LINUX_ANON_VMA_H

#include "linux/mm.h"

struct linux_anon_vma {
	uint64_t addr, root, parent;
	int32_t refcount;
	int64_t degree;         // 5.10: degree; -1 when absent
	int64_t num_children;   // 6.1+; -1 when absent
	int64_t num_active_vmas;
	uint64_t rb_root;       // address of the struct rb_root of avcs
};

/* Read the anon_vma at @addr.  VMS_ERR_CORRUPT if its root pointer is NULL
 * or misaligned. */
VMS_MUST_CHECK struct vms_error *linux_anon_vma_read(struct linux_vm *vm, uint64_t addr, struct linux_anon_vma *ret);

/* Called with each avc and its VMA; return as linux_list_fn. */
typedef struct vms_error *linux_avc_fn(void *arg, uint64_t avc, const struct linux_vma *vma);

/*
 * Call @fn for each avc of the anon_vma at @anon_vma whose VMA's pgoff range
 * overlaps [@first, @last] (anon_vma_interval_tree_foreach()); [0,
 * UINT64_MAX] lists them all.  An avc whose ->anon_vma is not @anon_vma is
 * VMS_ERR_CORRUPT.
 */
VMS_MUST_CHECK struct vms_error *linux_anon_vma_for_each_avc(struct linux_vm *vm, uint64_t anon_vma, uint64_t first,
					      uint64_t last, linux_avc_fn *fn, void *arg);

/* Called with each VMA of a file's i_mmap tree; return as linux_list_fn. */
typedef struct vms_error *linux_file_vma_fn(void *arg, const struct linux_vma *vma);

/* Call @fn for each VMA of the address_space at @mapping whose pgoff range
 * overlaps [@first, @last] (vma_interval_tree_foreach()). */
VMS_MUST_CHECK struct vms_error *linux_mapping_for_each_vma(struct linux_vm *vm, uint64_t mapping, uint64_t first,
					     uint64_t last, linux_file_vma_fn *fn, void *arg);

#endif
