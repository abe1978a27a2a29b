// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Bounded walk of a maple tree (lib/maple_tree.c, v6.1+): the B-tree of
 * ranges that holds an mm's VMAs since v6.1.  Entries are visited in index
 * order with the range each covers.
 *
 * Encoding (include/linux/maple_tree.h): ma_root is NULL, a single entry for
 * index 0, or a node pointer with the low bits '10' (xa_is_node); a node
 * pointer (enode) keeps the node type (enum maple_type) in bits 3-6 and the
 * 256-byte aligned node address above bit 7.  Range nodes hold pivots (the
 * inclusive upper bound of each slot); the end of a node's data comes from
 * its metadata or the pivots (ma_data_end()).
 *
 * Checks: node types, alignment, pivots that must increase and stay inside
 * the parent's range, depth (at most LINUX_MAPLE_MAX_HEIGHT) and node count.
 */
#ifndef VMS_LINUX_MAPLE_H
#define VMS_LINUX_MAPLE_H

#include "linux/walk.h"

#define LINUX_MAPLE_MAX_HEIGHT 31  // MT_FLAGS_HEIGHT_MASK allows 5 bits

/* Called for each non-NULL entry stored in [@first, @last].  Return as for
 * linux_list_fn. */
typedef struct vms_error *linux_maple_fn(void *arg, uint64_t first, uint64_t last, uint64_t entry);

/*
 * Call @fn for each entry of the maple tree (struct maple_tree) at @tree in
 * index order, at most @max entries (0: LINUX_WALK_MAX_DEFAULT).  Internal
 * entries (XA_ZERO_ENTRY and other values below 4096 with low bits '10')
 * are skipped.  Fails with VMS_ERR_UNSUPPORTED if the kernel has no maple
 * tree (l->has_maple false).
 */
VMS_MUST_CHECK struct vms_error *linux_maple_for_each(const struct linux_mem *mem, const struct linux_walk_layout *l,
				       uint64_t tree, uint64_t max, linux_maple_fn *fn, void *arg);

#endif
