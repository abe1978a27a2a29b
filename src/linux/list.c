// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/list.h"

#include <inttypes.h>

/* Brent's cycle detector over a sequence of addresses: remembers one
 * address and moves it at powers of two, so a cycle is found within
 * 2 * (tail + cycle length) steps without reading anything twice. */
struct brent {
	uint64_t saved;
	uint64_t steps, power;
};

static bool brent_step(struct brent *b, uint64_t addr)
{
	if (addr == b->saved)
		return true;
	if (++b->steps == b->power) {
		b->saved = addr;
		b->power *= 2;
		b->steps = 0;
	}
	return false;
}

VMS_MUST_CHECK static struct vms_error *walk(const struct linux_mem *mem, uint64_t head, uint64_t first,
			      uint64_t next_off, bool circular, uint64_t max, linux_list_fn *fn,
			      void *arg)
{
	struct brent b = {.saved = head, .power = 1};
	uint64_t n = 0, prev = head, node = first;
	if (!max)
		max = LINUX_WALK_MAX_DEFAULT;
	for (;;) {
		if (circular ? node == head : node == 0)
			return NULL;
		if (!node)
			return vms_error_addr(VMS_ERR_CORRUPT, prev,
					      "list at 0x%" PRIx64 ": NULL next pointer at 0x%" PRIx64,
					      head, prev);
		if (brent_step(&b, node))
			return vms_error_addr(VMS_ERR_CORRUPT, node,
					      "list at 0x%" PRIx64 ": cycle through 0x%" PRIx64
					      " that does not return to the head",
					      head, node);
		if (++n > max)
			return vms_error_addr(VMS_ERR_CORRUPT, node,
					      "list at 0x%" PRIx64 ": longer than %" PRIu64 " entries",
					      head, max);
		uint64_t next;
		struct vms_error *err = linux_mem_u64(mem, node + next_off, &next);
		if (err)
			return vms_error_wrap(err, "list at 0x%" PRIx64, head);
		err = fn(arg, node);
		if (err == &linux_walk_stop)
			return NULL;
		if (err)
			return err;
		prev = node;
		node = next;
	}
}

struct vms_error *linux_list_for_each(const struct linux_mem *mem, const struct linux_walk_layout *l,
				      uint64_t head, uint64_t max, linux_list_fn *fn, void *arg)
{
	uint64_t first;
	struct vms_error *err = linux_mem_u64(mem, head + l->list_next, &first);
	if (err)
		return vms_error_wrap(err, "list at 0x%" PRIx64, head);
	return walk(mem, head, first, l->list_next, true, max, fn, arg);
}

struct vms_error *linux_list_for_each_reverse(const struct linux_mem *mem,
					      const struct linux_walk_layout *l, uint64_t head,
					      uint64_t max, linux_list_fn *fn, void *arg)
{
	uint64_t last;
	struct vms_error *err = linux_mem_u64(mem, head + l->list_prev, &last);
	if (err)
		return vms_error_wrap(err, "list at 0x%" PRIx64, head);
	return walk(mem, head, last, l->list_prev, true, max, fn, arg);
}

struct vms_error *linux_hlist_for_each(const struct linux_mem *mem, const struct linux_walk_layout *l,
				       uint64_t head, uint64_t max, linux_list_fn *fn, void *arg)
{
	uint64_t first;
	struct vms_error *err = linux_mem_u64(mem, head + l->hlist_first, &first);
	if (err)
		return vms_error_wrap(err, "hlist at 0x%" PRIx64, head);
	return walk(mem, head, first, l->hnode_next, false, max, fn, arg);
}
