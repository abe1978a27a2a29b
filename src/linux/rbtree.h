// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Bounded walks of the kernel's red-black trees (struct rb_root, and
 * rb_root_cached through its rb_root member) and of the interval trees built
 * on them (include/linux/interval_tree_generic.h: each node carries the
 * largest "last" of its subtree, so a query visits only the subtrees that
 * can overlap it).
 *
 * Checks: each child's parent pointer must name the node it hangs from, the
 * depth is bounded by LINUX_RB_MAX_DEPTH (an rbtree of 2^64 nodes is at most
 * 128 deep, so deeper means a cycle) and the node count by @max.  Violations
 * are VMS_ERR_CORRUPT naming the node.
 */
#ifndef VMS_LINUX_RBTREE_H
#define VMS_LINUX_RBTREE_H

#include "linux/walk.h"

#define LINUX_RB_MAX_DEPTH 128

/* Called with the address of each struct rb_node; return as for
 * linux_list_fn (NULL, &linux_walk_stop or an error). */
typedef struct vms_error *linux_rb_fn(void *arg, uint64_t node);

/*
 * Call @fn for every node of the tree whose struct rb_root is at @root, in
 * order (leftmost first), at most @max nodes (0: LINUX_WALK_MAX_DEFAULT).
 * For an rb_root_cached pass its address + l->rbc_root.
 */
VMS_MUST_CHECK struct vms_error *linux_rbtree_for_each(const struct linux_mem *mem, const struct linux_walk_layout *l,
					uint64_t root, uint64_t max, linux_rb_fn *fn, void *arg);

/* How an interval tree keys its nodes.  @subtree_last is the offset of the
 * node's rb_subtree_last field relative to its struct rb_node. */
struct linux_interval_ops {
	uint64_t subtree_last;
	/* The [start, last] interval of the node whose rb_node is at @node. */
	struct vms_error *(*bounds)(void *arg, uint64_t node, uint64_t *start, uint64_t *last);
	void *arg;
};

/*
 * Call @fn for every node of the interval tree at @root (a struct rb_root)
 * whose interval overlaps [@qstart, @qlast], in order of start, as the
 * kernel's *_iter_first()/_iter_next() would.  Bounds and checks as for
 * linux_rbtree_for_each(); in addition a node whose rb_subtree_last is
 * smaller than its own last is reported as VMS_ERR_CORRUPT (the pruning
 * would be wrong).
 */
VMS_MUST_CHECK struct vms_error *linux_interval_tree_query(const struct linux_mem *mem,
					    const struct linux_walk_layout *l, uint64_t root,
					    uint64_t qstart, uint64_t qlast,
					    const struct linux_interval_ops *ops, uint64_t max,
					    linux_rb_fn *fn, void *arg);

#endif
