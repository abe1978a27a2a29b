// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * What every walker of kernel data structures shares: the "stop" sentinel a
 * callback returns to end a walk early, the bounds that keep a walk over
 * corrupt memory finite, and the layouts of the generic containers
 * (list_head, hlist, rb_node, maple tree, xarray), probed once from the debug
 * info.
 *
 * Walkers are bounded: every list, tree and array walk has a length or depth
 * limit and reports a cycle or a bad pointer as VMS_ERR_CORRUPT naming the
 * address where it noticed it.  A read failure (VMS_ERR_NODATA for a page the
 * dump does not hold, VMS_ERR_FAULT) is passed up wrapped with what was being
 * walked, so the caller can count it and go on with the next object.
 */
#ifndef VMS_LINUX_WALK_H
#define VMS_LINUX_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "program/program.h"

/* Returned by a walk callback to end the walk early; the walker then returns
 * NULL.  Never freed (vms_error_destroy() must not be called on it, and
 * walkers never pass it up). */
extern struct vms_error linux_walk_stop;

/* Where a walker reads kernel memory (kernel virtual addresses).  The
 * program reads through program_read(); unit tests read in-memory images. */
struct linux_mem {
	struct vms_error *(*read)(void *arg, uint64_t addr, void *buf, size_t len);
	void *arg;
	// Optional zero-copy access: a borrowed read-only pointer to [addr,
	// addr + len), valid as long as the reader, or NULL (then read).
	const void *(*map)(void *arg, uint64_t addr, size_t len);
	// With map: done with [p, p + len) for now; its pages may leave the
	// resident set (pointers stay valid).
	void (*unmap)(void *arg, const void *p, size_t len);
};

/* A reader of @prog's kernel virtual memory. */
struct linux_mem linux_mem_program(struct vms_program *prog);
/* A reader of @prog's physical memory (addresses are physical). */
struct linux_mem linux_mem_program_phys(struct vms_program *prog);

VMS_MUST_CHECK static inline struct vms_error *linux_mem_read(const struct linux_mem *m, uint64_t addr, void *buf,
					       size_t len)
{
	return m->read(m->arg, addr, buf, len);
}

/* [addr, addr + len) in place, or NULL when @m cannot (not an error). */
static inline const void *linux_mem_map(const struct linux_mem *m, uint64_t addr, size_t len)
{
	return m->map ? m->map(m->arg, addr, len) : NULL;
}

static inline void linux_mem_unmap(const struct linux_mem *m, const void *p, size_t len)
{
	if (m->unmap)
		m->unmap(m->arg, p, len);
}

VMS_MUST_CHECK static inline struct vms_error *linux_mem_u64(const struct linux_mem *m, uint64_t addr, uint64_t *ret)
{
	return m->read(m->arg, addr, ret, 8);
}

/* Default bound of list and tree walks (entries). */
#define LINUX_WALK_MAX_DEFAULT (1u << 24)
// Sanity bounds on container layouts read from the debug info.
#define LINUX_MAPLE_MAX_SLOTS 64
#define LINUX_MAPLE_MAX_NODE_SIZE 512
#define LINUX_XA_MAX_CHUNK 256

struct linux_walk_layout {
	// struct list_head / hlist_head / hlist_node
	uint64_t list_next, list_prev;
	uint64_t hlist_first, hnode_next, hnode_pprev;
	// struct rb_node, rb_root, rb_root_cached
	uint64_t rb_parent_color, rb_right, rb_left;
	uint64_t rb_root_node;     // rb_root.rb_node
	uint64_t rbc_root;         // rb_root_cached.rb_root
	// maple tree (6.1+): maple_tree.ma_root/ma_flags, node arrays
	bool has_maple;
	uint64_t mt_root, mt_flags;
	uint64_t mr64_pivot, mr64_slot, mr64_meta;  // maple_node.mr64.*
	uint64_t ma64_pivot, ma64_slot, ma64_meta;  // maple_node.ma64.*
	unsigned mr64_slots, ma64_slots;            // slot counts (16 and 10 on 64-bit)
	// xarray: xarray.xa_head, xa_node.shift/count/slots
	bool has_xarray;
	uint64_t xa_head, xn_shift, xn_slots;
	unsigned xa_chunk;                          // XA_CHUNK_SIZE (slots per node)
	// pointer encodings (kfacts.def: RB_COLOR_MASK, XA_*, MAPLE_*)
	uint64_t rb_color_mask;
	uint64_t xa_internal_mask, xa_internal_tag, xa_node_min;
	uint64_t maple_node_mask, maple_root_tag, maple_enode_bit, maple_node_size;
	unsigned maple_type_shift, maple_type_mask;
	unsigned maple_dense, maple_leaf_64, maple_range_64, maple_arange_64;
};

/* Probe the container layout of @prog into the caller's *@ret (callers keep
 * it in their own context; the walkers only read it).  Maple tree and xarray
 * parts are optional (has_maple, has_xarray).  Fails with VMS_ERR_LOOKUP
 * when list_head or rb_node is not described by the debug info. */
VMS_MUST_CHECK struct vms_error *linux_walk_layout_probe(struct vms_program *prog, struct linux_walk_layout *ret);

#endif
