// SPDX-License-Identifier: GPL-3.0-or-later
/* Shared pieces of the walkers: the stop sentinel and the container layout. */
#include "linux/walk.h"

#include <stddef.h>

#include "linux/kfacts.h"

struct vms_error linux_walk_stop = {
	.code = VMS_ERR_OTHER,
	.message = (char *)"walk stopped",
};

VMS_MUST_CHECK static struct vms_error *program_mem_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	return program_read(arg, addr, buf, len);
}

struct linux_mem linux_mem_program(struct vms_program *prog)
{
	return (struct linux_mem){.read = program_mem_read, .arg = prog};
}

VMS_MUST_CHECK static struct vms_error *program_phys_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	return program_read_phys(arg, addr, buf, len);
}

static const void *program_phys_map(void *arg, uint64_t addr, size_t len)
{
	return program_map_phys(arg, addr, len);
}

static void program_phys_unmap(void *arg, const void *p, size_t len)
{
	program_unmap(arg, p, len);
}

struct linux_mem linux_mem_program_phys(struct vms_program *prog)
{
	return (struct linux_mem){.read = program_phys_read, .arg = prog, .map = program_phys_map,
				  .unmap = program_phys_unmap};
}

/* Length of array member fact @id (0 on any failure). */
static unsigned array_len(struct vms_program *prog, enum kf_id id)
{
	struct vms_type *mt = vms_type_strip(kf_type(prog, id));
	return mt && vms_type_kind(mt) == VMS_TYPE_ARRAY ? (unsigned)vms_type_array_length(mt) : 0;
}

struct vms_error *linux_walk_layout_probe(struct vms_program *prog, struct linux_walk_layout *ret)
{
	struct linux_walk_layout l = {0};
	struct vms_error *err;
#define OFF(field, id)                                         \
	do {                                                   \
		if ((err = kf_need_off(prog, KF_##id, &l.field))) \
			return err;                            \
	} while (0)
#define CONST(field, id)                                                \
	do {                                                            \
		int64_t v_;                                             \
		if ((err = kf_const(prog, KF_##id, &v_)))               \
			return err;                                     \
		l.field = (__typeof__(l.field))v_;                      \
	} while (0)
	OFF(list_next, LIST_NEXT);
	OFF(list_prev, LIST_PREV);
	OFF(hlist_first, HLIST_FIRST);
	OFF(hnode_next, HNODE_NEXT);
	OFF(hnode_pprev, HNODE_PPREV);
	OFF(rb_parent_color, RB_PARENT_COLOR);
	OFF(rb_right, RB_RIGHT);
	OFF(rb_left, RB_LEFT);
	OFF(rb_root_node, RB_ROOT_NODE);
	OFF(rbc_root, RBC_ROOT);
	CONST(rb_color_mask, RB_COLOR_MASK);
	// The maple tree replaced the VMA rbtree and list in v6.1 (commit
	// d4af56c5c7c6 "mm: start tracking VMAs with maple tree").
	if (kf_has(prog, KF_MT_ROOT)) {
		l.has_maple = true;
		OFF(mt_root, MT_ROOT);
		OFF(mt_flags, MT_FLAGS);
		OFF(mr64_pivot, MN_MR64_PIVOT);
		OFF(mr64_slot, MN_MR64_SLOT);
		OFF(mr64_meta, MN_MR64_META);
		OFF(ma64_pivot, MN_MA64_PIVOT);
		OFF(ma64_slot, MN_MA64_SLOT);
		OFF(ma64_meta, MN_MA64_META);
		l.mr64_slots = array_len(prog, KF_MN_MR64_SLOT);
		l.ma64_slots = array_len(prog, KF_MN_MA64_SLOT);
		if (!l.mr64_slots || !l.ma64_slots || l.mr64_slots > LINUX_MAPLE_MAX_SLOTS ||
		    l.ma64_slots > LINUX_MAPLE_MAX_SLOTS)
			return vms_error_create(VMS_ERR_UNSUPPORTED, "unexpected maple node slot counts");
		if ((err = kf_need_size(prog, KF_MAPLE_NODE, &l.maple_node_size)))
			return err;
		if (l.maple_node_size > LINUX_MAPLE_MAX_NODE_SIZE)
			return vms_error_create(VMS_ERR_UNSUPPORTED, "unexpected struct maple_node size");
		CONST(maple_node_mask, MAPLE_NODE_MASK);
		CONST(maple_root_tag, MAPLE_ROOT_NODE);
		CONST(maple_enode_bit, MAPLE_ENODE_NULL);
		CONST(maple_type_shift, MAPLE_NODE_TYPE_SHIFT);
		CONST(maple_type_mask, MAPLE_NODE_TYPE_MASK);
		CONST(maple_dense, MAPLE_DENSE);
		CONST(maple_leaf_64, MAPLE_LEAF_64);
		CONST(maple_range_64, MAPLE_RANGE_64);
		CONST(maple_arange_64, MAPLE_ARANGE_64);
	}
	CONST(xa_internal_mask, XA_INTERNAL_MASK);
	CONST(xa_internal_tag, XA_INTERNAL_TAG);
	CONST(xa_node_min, XA_INTERNAL_MAX);
	if (kf_has(prog, KF_XN_SLOTS)) {
		l.has_xarray = true;
		OFF(xa_head, XA_HEAD);
		OFF(xn_shift, XN_SHIFT);
		OFF(xn_slots, XN_SLOTS);
		l.xa_chunk = array_len(prog, KF_XN_SLOTS);
		if (!l.xa_chunk || l.xa_chunk > LINUX_XA_MAX_CHUNK)
			l.has_xarray = false;
	}
#undef OFF
#undef CONST
	*ret = l;
	return NULL;
}
