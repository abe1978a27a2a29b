// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/xarray.h"

#include <inttypes.h>

// include/linux/xarray.h: internal entries are (v << 2) | 2 (the encodings
// come from the walk layout, kfacts.def).
static bool xa_is_internal(const struct linux_walk_layout *l, uint64_t e)
{
	return (e & l->xa_internal_mask) == l->xa_internal_tag;
}

static bool xa_is_node(const struct linux_walk_layout *l, uint64_t e)
{
	return xa_is_internal(l, e) && e > l->xa_node_min;
}

static unsigned chunk_shift(const struct linux_walk_layout *l)
{
	unsigned s = 0;
	while ((1u << s) < l->xa_chunk)
		s++;
	return s;
}

struct xwalk {
	const struct linux_mem *mem;
	const struct linux_walk_layout *l;
	uint64_t xa, max, count;
	unsigned shift_step;
	linux_xa_fn *fn;
	void *arg;
};

VMS_MUST_CHECK static struct vms_error *visit(struct xwalk *w, uint64_t node, uint64_t base, int expect_shift)
{
	const struct linux_walk_layout *l = w->l;
	uint8_t shift;
	struct vms_error *err = linux_mem_read(w->mem, node + l->xn_shift, &shift, 1);
	if (err)
		return vms_error_wrap(err, "xarray at 0x%" PRIx64 ": node 0x%" PRIx64, w->xa, node);
	if (shift > 64 || shift % w->shift_step || (expect_shift >= 0 && shift != expect_shift))
		return vms_error_addr(VMS_ERR_CORRUPT, node,
				      "xarray at 0x%" PRIx64 ": node 0x%" PRIx64 " has shift %u", w->xa,
				      node, shift);
	uint64_t slots[LINUX_XA_MAX_CHUNK];
	err = linux_mem_read(w->mem, node + l->xn_slots, slots, 8 * l->xa_chunk);
	if (err)
		return vms_error_wrap(err, "xarray at 0x%" PRIx64 ": node 0x%" PRIx64, w->xa, node);
	for (unsigned i = 0; i < l->xa_chunk; i++) {
		uint64_t e = slots[i], index = base + ((uint64_t)i << shift);
		if (!e)
			continue;
		if (xa_is_node(l, e)) {
			if (!shift)
				return vms_error_addr(VMS_ERR_CORRUPT, node,
						      "xarray at 0x%" PRIx64 ": leaf node 0x%" PRIx64
						      " points to node 0x%" PRIx64, w->xa, node, e);
			err = visit(w, e - l->xa_internal_tag, index, shift - w->shift_step);
		} else if (xa_is_internal(l, e)) {
			continue;  // sibling, retry, zero entry
		} else {
			if (++w->count > w->max)
				return vms_error_create(VMS_ERR_CORRUPT, "xarray at 0x%" PRIx64
						        ": more than %" PRIu64 " entries", w->xa, w->max);
			err = w->fn(w->arg, index, e);
		}
		if (err)
			return err;
	}
	return NULL;
}

struct vms_error *linux_xarray_for_each(const struct linux_mem *mem, const struct linux_walk_layout *l,
					uint64_t xa, uint64_t max, linux_xa_fn *fn, void *arg)
{
	if (!l->has_xarray)
		return vms_error_create(VMS_ERR_UNSUPPORTED, "this kernel has no xarray");
	struct xwalk w = {.mem = mem, .l = l, .xa = xa, .max = max ? max : LINUX_WALK_MAX_DEFAULT,
			  .shift_step = chunk_shift(l), .fn = fn, .arg = arg};
	uint64_t head;
	struct vms_error *err = linux_mem_u64(mem, xa + l->xa_head, &head);
	if (err)
		return vms_error_wrap(err, "xarray at 0x%" PRIx64, xa);
	if (!head)
		return NULL;
	if (xa_is_node(l, head))
		err = visit(&w, head - l->xa_internal_tag, 0, -1);
	else if (!xa_is_internal(l, head))
		err = fn(arg, 0, head);
	return err == &linux_walk_stop ? NULL : err;
}

struct load {
	uint64_t index, entry;
};

VMS_MUST_CHECK static struct vms_error *load_one(void *arg, uint64_t index, uint64_t entry)
{
	struct load *ld = arg;
	if (index != ld->index)
		return NULL;
	ld->entry = entry;
	return &linux_walk_stop;
}

struct vms_error *linux_xarray_load(const struct linux_mem *mem, const struct linux_walk_layout *l,
				    uint64_t xa, uint64_t index, uint64_t *ret)
{
	// A full walk is simple and bounded; page-cache lookups are rare here.
	struct load ld = {.index = index};
	struct vms_error *err = linux_xarray_for_each(mem, l, xa, 0, load_one, &ld);
	if (!err)
		*ret = ld.entry;
	return err;
}
