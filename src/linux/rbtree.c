// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/rbtree.h"

#include <inttypes.h>

struct rbwalk {
	const struct linux_mem *mem;
	const struct linux_walk_layout *l;
	uint64_t root, max, count;
	const struct linux_interval_ops *ops;  // NULL: plain in-order walk
	uint64_t qstart, qlast;
	linux_rb_fn *fn;
	void *arg;
	struct vms_error *skipped;  // the first node whose interval could not be read
	uint64_t nr_skipped;
};

struct rbnode {
	uint64_t left, right, parent, subtree_last;
};

VMS_MUST_CHECK static struct vms_error *read_node(struct rbwalk *w, uint64_t node, uint64_t parent, unsigned depth,
				   struct rbnode *ret)
{
	const struct linux_walk_layout *l = w->l;
	if (depth > LINUX_RB_MAX_DEPTH)
		return vms_error_addr(VMS_ERR_CORRUPT, node,
				      "rbtree at 0x%" PRIx64 ": deeper than %d at node 0x%" PRIx64
				      " (cycle?)",
				      w->root, LINUX_RB_MAX_DEPTH, node);
	if (++w->count > w->max)
		return vms_error_addr(VMS_ERR_CORRUPT, node,
				      "rbtree at 0x%" PRIx64 ": more than %" PRIu64 " nodes", w->root,
				      w->max);
	if (node & l->rb_color_mask)
		return vms_error_addr(VMS_ERR_CORRUPT, node,
				      "rbtree at 0x%" PRIx64 ": misaligned node pointer 0x%" PRIx64,
				      w->root, node);
	uint64_t buf[8];
	uint64_t end = l->rb_parent_color;
	if (l->rb_left > end)
		end = l->rb_left;
	if (l->rb_right > end)
		end = l->rb_right;
	if (w->ops && w->ops->subtree_last > end)
		end = w->ops->subtree_last;
	end += 8;
	if (end > sizeof(buf) || (l->rb_parent_color | l->rb_left | l->rb_right) % 8)
		return vms_error_create(VMS_ERR_UNSUPPORTED, "unexpected rb_node layout");
	struct vms_error *err = linux_mem_read(w->mem, node, buf, end);
	if (err)
		return vms_error_wrap(err, "rbtree at 0x%" PRIx64 ": node 0x%" PRIx64, w->root, node);
	ret->left = buf[l->rb_left / 8];
	ret->right = buf[l->rb_right / 8];
	ret->parent = buf[l->rb_parent_color / 8] & ~l->rb_color_mask;
	if (w->ops)
		ret->subtree_last = buf[w->ops->subtree_last / 8];
	if (ret->parent != parent)
		return vms_error_addr(VMS_ERR_CORRUPT, node,
				      "rbtree at 0x%" PRIx64 ": node 0x%" PRIx64 " has parent 0x%" PRIx64
				      ", reached from 0x%" PRIx64,
				      w->root, node, ret->parent, parent);
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *visit(struct rbwalk *w, uint64_t node, uint64_t parent, unsigned depth)
{
	struct rbnode n = { 0 };
	struct vms_error *err = read_node(w, node, parent, depth, &n);
	if (err)
		return err;
	if (w->ops) {
		if (n.subtree_last < w->qstart)
			return NULL;
		if (n.left) {
			err = visit(w, n.left, node, depth + 1);
			if (err)
				return err;
		}
		uint64_t start, last;
		err = w->ops->bounds(w->ops->arg, node, &start, &last);
		if (err) {
			// The node's own interval is unreadable (a bad pointer in its
			// payload) but the tree around it is sound: skip it, keep the
			// first such error for the end, and go on to its right
			// subtree, which its own rb_subtree_last prunes.
			if (!w->skipped)
				w->skipped = err;
			else
				vms_error_destroy(err);
			w->nr_skipped++;
			return n.right ? visit(w, n.right, node, depth + 1) : NULL;
		}
		if (last > n.subtree_last || start > last)
			return vms_error_addr(VMS_ERR_CORRUPT, node,
					      "interval tree at 0x%" PRIx64 ": node 0x%" PRIx64
					      " [0x%" PRIx64 ", 0x%" PRIx64 "] exceeds its subtree last 0x%" PRIx64,
					      w->root, node, start, last, n.subtree_last);
		if (start > w->qlast)
			return NULL;  // this node and its right subtree start too late
		if (w->qstart <= last) {
			err = w->fn(w->arg, node);
			if (err)
				return err;
		}
		return n.right ? visit(w, n.right, node, depth + 1) : NULL;
	}
	if (n.left) {
		err = visit(w, n.left, node, depth + 1);
		if (err)
			return err;
	}
	err = w->fn(w->arg, node);
	if (err)
		return err;
	return n.right ? visit(w, n.right, node, depth + 1) : NULL;
}

VMS_MUST_CHECK static struct vms_error *run(struct rbwalk *w)
{
	uint64_t top;
	struct vms_error *err = linux_mem_u64(w->mem, w->root + w->l->rb_root_node, &top);
	if (err)
		return vms_error_wrap(err, "rbtree at 0x%" PRIx64, w->root);
	if (!top)
		return NULL;
	err = visit(w, top, 0, 1);
	if (err == &linux_walk_stop)
		err = NULL;
	if (err) {
		vms_error_destroy(w->skipped);
		return err;
	}
	if (w->skipped && w->nr_skipped > 1)
		return vms_error_wrap(w->skipped, "%" PRIu64 " nodes skipped, the first", w->nr_skipped);
	return w->skipped;
}

struct vms_error *linux_rbtree_for_each(const struct linux_mem *mem, const struct linux_walk_layout *l,
					uint64_t root, uint64_t max, linux_rb_fn *fn, void *arg)
{
	struct rbwalk w = {.mem = mem, .l = l, .root = root, .max = max ? max : LINUX_WALK_MAX_DEFAULT,
			   .fn = fn, .arg = arg};
	return run(&w);
}

struct vms_error *linux_interval_tree_query(const struct linux_mem *mem,
					    const struct linux_walk_layout *l, uint64_t root,
					    uint64_t qstart, uint64_t qlast,
					    const struct linux_interval_ops *ops, uint64_t max,
					    linux_rb_fn *fn, void *arg)
{
	struct rbwalk w = {.mem = mem, .l = l, .root = root, .max = max ? max : LINUX_WALK_MAX_DEFAULT,
			   .ops = ops, .qstart = qstart, .qlast = qlast, .fn = fn, .arg = arg};
	if (ops->subtree_last % 8)
		return vms_error_create(VMS_ERR_UNSUPPORTED, "unexpected interval tree layout");
	return run(&w);
}
