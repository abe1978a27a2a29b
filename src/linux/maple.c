// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/maple.h"

#include <inttypes.h>
#include <string.h>

// The encodings of maple tree pointers (include/linux/maple_tree.h,
// lib/maple_tree.c) come from the walk layout (kfacts.def).
static bool xa_is_node(const struct linux_walk_layout *l, uint64_t e)
{
	return (e & l->xa_internal_mask) == l->xa_internal_tag && e > l->xa_node_min;
}

static bool xa_is_internal_small(const struct linux_walk_layout *l, uint64_t e)
{
	return (e & l->xa_internal_mask) == l->xa_internal_tag && e <= l->xa_node_min;
}

struct mwalk {
	const struct linux_mem *mem;
	const struct linux_walk_layout *l;
	uint64_t tree, max, nodes, entries;
	linux_maple_fn *fn;
	void *arg;
	struct vms_error *fn_err;   // what @fn returned: passed up as is
	struct vms_error *fatal;    // a bound was hit: ends the walk
	struct vms_error *skipped;  // the first subtree that could not be walked
	uint64_t nr_skipped, skip_first, skip_last;
};

VMS_MUST_CHECK static struct vms_error *emit(struct mwalk *w, uint64_t first, uint64_t last, uint64_t entry)
{
	if (!entry || xa_is_internal_small(w->l, entry))
		return NULL;
	if (++w->entries > w->max)
		return w->fatal = vms_error_create(VMS_ERR_CORRUPT, "maple tree at 0x%" PRIx64
						   ": more than %" PRIu64 " entries", w->tree, w->max);
	struct vms_error *err = w->fn(w->arg, first, last, entry);
	if (err)
		w->fn_err = err;
	return err;
}

VMS_MUST_CHECK static struct vms_error *visit(struct mwalk *w, uint64_t enode, uint64_t min, uint64_t max,
			       unsigned depth)
{
	const struct linux_walk_layout *l = w->l;
	uint64_t node = enode & ~l->maple_node_mask;
	unsigned type = (enode >> l->maple_type_shift) & l->maple_type_mask;
	if (depth > LINUX_MAPLE_MAX_HEIGHT)
		return vms_error_addr(VMS_ERR_CORRUPT, node,
				      "maple tree at 0x%" PRIx64 ": deeper than %d at node 0x%" PRIx64,
				      w->tree, LINUX_MAPLE_MAX_HEIGHT, node);
	if (type > l->maple_arange_64 || !node)
		return vms_error_addr(VMS_ERR_CORRUPT, node,
				      "maple tree at 0x%" PRIx64 ": bad node pointer 0x%" PRIx64,
				      w->tree, enode);
	if (++w->nodes > w->max)
		return w->fatal = vms_error_addr(VMS_ERR_CORRUPT, node,
						 "maple tree at 0x%" PRIx64 ": more than %" PRIu64 " nodes",
						 w->tree, w->max);
	uint8_t buf[LINUX_MAPLE_MAX_NODE_SIZE];
	const uint64_t size = l->maple_node_size;
	struct vms_error *err = linux_mem_read(w->mem, node, buf, size);
	if (err)
		return vms_error_wrap(err, "maple tree at 0x%" PRIx64 ": node 0x%" PRIx64, w->tree, node);

	if (type == l->maple_dense) {
		// struct maple_node: the parent pointer, then the slots
		uint64_t slots[LINUX_MAPLE_MAX_NODE_SIZE / 8];
		unsigned nr = (unsigned)(size / 8 - 1);
		memcpy(slots, buf + 8, nr * 8);
		for (unsigned i = 0; i < nr && min + i <= max; i++) {
			err = emit(w, min + i, min + i, slots[i]);
			if (err)
				return err;
		}
		return NULL;
	}
	bool arange = type == l->maple_arange_64;
	unsigned nslots = arange ? l->ma64_slots : l->mr64_slots;
	unsigned npivots = nslots - 1;
	uint64_t poff = arange ? l->ma64_pivot : l->mr64_pivot;
	uint64_t soff = arange ? l->ma64_slot : l->mr64_slot;
	uint64_t moff = arange ? l->ma64_meta : l->mr64_meta;
	if (poff + 8 * npivots > size || soff + 8 * nslots > size || moff >= size)
		return vms_error_create(VMS_ERR_UNSUPPORTED, "unexpected maple node layout");
	uint64_t pivots[LINUX_MAPLE_MAX_SLOTS], slots[LINUX_MAPLE_MAX_SLOTS];
	memcpy(pivots, buf + poff, 8 * npivots);
	memcpy(slots, buf + soff, 8 * nslots);
	uint8_t meta_end = buf[moff];

	// ma_data_end()
	unsigned end;
	if (arange || !pivots[npivots - 1])
		end = meta_end;
	else if (pivots[npivots - 1] == max)
		end = npivots - 1;
	else
		end = npivots;
	if (end >= nslots)
		return vms_error_addr(VMS_ERR_CORRUPT, node,
				      "maple tree at 0x%" PRIx64 ": node 0x%" PRIx64 " data end %u",
				      w->tree, node, end);
	bool leaf = type < l->maple_range_64;
	uint64_t first = min;
	for (unsigned i = 0; i <= end; i++) {
		// mas_logical_pivot(): a missing or zero pivot past slot 0 means
		// the node's own maximum.
		uint64_t last = i < npivots ? pivots[i] : max;
		if (i < npivots && !last && i)
			last = max;
		if (last < first || last > max)
			return vms_error_addr(VMS_ERR_CORRUPT, node,
					      "maple tree at 0x%" PRIx64 ": node 0x%" PRIx64 " slot %u"
					      " pivot 0x%" PRIx64 " outside [0x%" PRIx64 ", 0x%" PRIx64 "]",
					      w->tree, node, i, last, first, max);
		if (leaf) {
			err = emit(w, first, last, slots[i]);
		} else if (slots[i]) {
			if ((slots[i] & l->maple_node_mask) >> l->maple_type_shift > l->maple_arange_64 ||
			    !(slots[i] & l->maple_enode_bit))
				return vms_error_addr(VMS_ERR_CORRUPT, node,
						      "maple tree at 0x%" PRIx64 ": node 0x%" PRIx64
						      " slot %u holds 0x%" PRIx64 ", not a node",
						      w->tree, node, i, slots[i]);
			err = visit(w, slots[i], first, last, depth + 1);
			if (err && err != w->fn_err && err != w->fatal) {
				// A subtree the dump does not hold, or a corrupt
				// one: skip its range [first, last], go on.
				if (!w->skipped) {
					w->skipped = err;
					w->skip_first = first;
					w->skip_last = last;
				} else {
					vms_error_destroy(err);
				}
				w->nr_skipped++;
				err = NULL;
			}
		}
		if (err)
			return err;
		if (last == max)
			break;
		first = last + 1;
	}
	return NULL;
}

struct vms_error *linux_maple_for_each(const struct linux_mem *mem, const struct linux_walk_layout *l,
				       uint64_t tree, uint64_t max, linux_maple_fn *fn, void *arg)
{
	if (!l->has_maple)
		return vms_error_create(VMS_ERR_UNSUPPORTED, "this kernel has no maple tree");
	// a layout the node buffers cannot hold (the walkers trust no caller)
	if (l->maple_node_size < 16 || l->maple_node_size > LINUX_MAPLE_MAX_NODE_SIZE ||
	    l->mr64_slots < 2 || l->mr64_slots > LINUX_MAPLE_MAX_SLOTS || l->ma64_slots < 2 ||
	    l->ma64_slots > LINUX_MAPLE_MAX_SLOTS)
		return vms_error_create(VMS_ERR_UNSUPPORTED, "unexpected maple node layout (%" PRIu64
					" bytes, %u and %u slots)", l->maple_node_size, l->mr64_slots,
					l->ma64_slots);
	struct mwalk w = {.mem = mem, .l = l, .tree = tree, .max = max ? max : LINUX_WALK_MAX_DEFAULT,
			  .fn = fn, .arg = arg};
	uint64_t root;
	struct vms_error *err = linux_mem_u64(mem, tree + l->mt_root, &root);
	if (err)
		return vms_error_wrap(err, "maple tree at 0x%" PRIx64, tree);
	if (!root)
		return NULL;
	if (!xa_is_node(l, root))
		err = emit(&w, 0, 0, root);
	else
		err = visit(&w, root & ~l->maple_root_tag, 0, UINT64_MAX, 1);
	if (err == &linux_walk_stop)
		err = NULL;
	if (w.skipped) {
		if (!err) {
			// Everything else was walked: say what was skipped.
			err = vms_error_create(w.skipped->code,
					       "%" PRIu64 " subtree%s skipped, the first holding indices [0x%" PRIx64
					       ", 0x%" PRIx64 "]: %s",
					       w.nr_skipped, w.nr_skipped > 1 ? "s" : "", w.skip_first,
					       w.skip_last, w.skipped->message);
			if (err != &vms_enomem && w.skipped->has_address) {
				err->has_address = true;
				err->address = w.skipped->address;
			}
		}
		vms_error_destroy(w.skipped);
	}
	return err;
}
