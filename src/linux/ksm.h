// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * KSM (mm/ksm.c): a KSM page's mapping points to a stable node (low bits
 * PAGE_MAPPING_KSM); the node's hlist holds one rmap_item per (mm, address)
 * that was merged into the page, each naming the anon_vma of its VMA.  A
 * stable node with rmap_hlist_len == STABLE_NODE_CHAIN is a chain whose
 * hlist holds "dup" stable nodes (hlist_dup), one per KSM page of the same
 * content.
 */
#ifndef VMS_LINUX_KSM_H
#define VMS_LINUX_KSM_H

#include "linux/vmctx.h"


struct linux_stable_node {
	uint64_t addr, kpfn;
	int32_t rmap_hlist_len;
	bool chain;
};

struct linux_rmap_item {
	uint64_t addr, anon_vma, mm, address;  // address without the flag bits
};

typedef struct vms_error *linux_ksm_item_fn(void *arg, const struct linux_rmap_item *item);

/* Call @fn for each rmap_item of the (non-chain) stable node at @node. */
VMS_MUST_CHECK struct vms_error *linux_ksm_for_each_rmap_item(struct linux_vm *vm, uint64_t node,
					       linux_ksm_item_fn *fn, void *arg);

#endif
