// SPDX-License-Identifier: GPL-3.0-or-later
/* Shared pieces of the walkers: the stop sentinel and the container layout. */
#include "linux/walk.h"

#include <stddef.h>

struct vms_error linux_walk_stop = {
	.code = VMS_ERR_OTHER,
	.message = (char *)"walk stopped",
};

static struct vms_error *program_mem_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	return program_read(arg, addr, buf, len);
}

struct linux_mem linux_mem_program(struct vms_program *prog)
{
	return (struct linux_mem){.read = program_mem_read, .arg = prog};
}

static struct vms_error *program_phys_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	return program_read_phys(arg, addr, buf, len);
}

struct linux_mem linux_mem_program_phys(struct vms_program *prog)
{
	return (struct linux_mem){.read = program_phys_read, .arg = prog};
}

struct vms_error *linux_offset(struct vms_program *prog, const char *type, const char *member,
			       uint64_t *ret)
{
	struct vms_error *err = program_member_offset(prog, type, member, ret);
	return err ? vms_error_wrap(err, "probing %s.%s", type, member) : NULL;
}

struct vms_error *linux_offset_any(struct vms_program *prog, const char *const *types,
				   const char *member, uint64_t *ret)
{
	for (size_t i = 0; types[i]; i++)
		if (program_has_member(prog, types[i], member))
			return linux_offset(prog, types[i], member, ret);
	return vms_error_create(VMS_ERR_LOOKUP, "no type %s with member %s", types[0], member);
}

/* Length of array member @member of @type (0 on any failure). */
static unsigned array_len(struct vms_program *prog, const char *type, const char *member)
{
	struct vms_type *mt;
	struct vms_error *err = program_member_type(prog, type, member, &mt);
	if (err) {
		vms_error_destroy(err);
		return 0;
	}
	mt = vms_type_strip(mt);
	return vms_type_kind(mt) == VMS_TYPE_ARRAY ? (unsigned)vms_type_array_length(mt) : 0;
}

struct vms_error *linux_walk_layout_probe(struct vms_program *prog, struct linux_walk_layout *ret)
{
	struct linux_walk_layout l = {0};
	struct vms_error *err;
#define OFF(field, type, member)                                  \
	do {                                                      \
		err = linux_offset(prog, type, member, &l.field); \
		if (err)                                          \
			return err;                               \
	} while (0)
	OFF(list_next, "struct list_head", "next");
	OFF(list_prev, "struct list_head", "prev");
	OFF(hlist_first, "struct hlist_head", "first");
	OFF(hnode_next, "struct hlist_node", "next");
	OFF(hnode_pprev, "struct hlist_node", "pprev");
	OFF(rb_parent_color, "struct rb_node", "__rb_parent_color");
	OFF(rb_right, "struct rb_node", "rb_right");
	OFF(rb_left, "struct rb_node", "rb_left");
	OFF(rb_root_node, "struct rb_root", "rb_node");
	OFF(rbc_root, "struct rb_root_cached", "rb_root");
	// The maple tree replaced the VMA rbtree and list in v6.1 (commit
	// d4af56c5c7c6 "mm: start tracking VMAs with maple tree").
	if (program_has_member(prog, "struct maple_tree", "ma_root")) {
		l.has_maple = true;
		OFF(mt_root, "struct maple_tree", "ma_root");
		OFF(mt_flags, "struct maple_tree", "ma_flags");
		OFF(mr64_pivot, "struct maple_node", "mr64.pivot");
		OFF(mr64_slot, "struct maple_node", "mr64.slot");
		OFF(mr64_meta, "struct maple_node", "mr64.meta");
		OFF(ma64_pivot, "struct maple_node", "ma64.pivot");
		OFF(ma64_slot, "struct maple_node", "ma64.slot");
		OFF(ma64_meta, "struct maple_node", "ma64.meta");
		l.mr64_slots = array_len(prog, "struct maple_range_64", "slot");
		l.ma64_slots = array_len(prog, "struct maple_arange_64", "slot");
		if (!l.mr64_slots || !l.ma64_slots || l.mr64_slots > 64 || l.ma64_slots > 64)
			return vms_error_create(VMS_ERR_UNSUPPORTED, "unexpected maple node slot counts");
	}
	if (program_has_member(prog, "struct xa_node", "slots")) {
		l.has_xarray = true;
		OFF(xa_head, "struct xarray", "xa_head");
		OFF(xn_shift, "struct xa_node", "shift");
		OFF(xn_slots, "struct xa_node", "slots");
		l.xa_chunk = array_len(prog, "struct xa_node", "slots");
		if (!l.xa_chunk || l.xa_chunk > 256)
			l.has_xarray = false;
	}
#undef OFF
	*ret = l;
	return NULL;
}
