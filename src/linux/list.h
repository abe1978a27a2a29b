// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Bounded, cycle-checked walks of the kernel's linked lists: struct
 * list_head (circular, doubly linked) and struct hlist_head/hlist_node
 * (NULL-terminated).  The callbacks get the address of each embedded node;
 * subtract the member offset to get the containing object (container_of).
 */
#ifndef VMS_LINUX_LIST_H
#define VMS_LINUX_LIST_H

#include "linux/walk.h"

/* Called with the address of each list node.  Return NULL to go on,
 * &linux_walk_stop to end the walk (the walker then returns NULL), or an
 * error, which the walker returns as is. */
typedef struct vms_error *linux_list_fn(void *arg, uint64_t node);

/*
 * Call @fn for each node of the circular list whose head (a struct
 * list_head, not itself an entry) is at @head, following ->next, at most
 * @max nodes (0: LINUX_WALK_MAX_DEFAULT).
 *
 * Errors: VMS_ERR_CORRUPT naming the address for a NULL ->next, a cycle
 * that does not pass through the head (Brent's algorithm, no extra reads) or
 * more than @max nodes; read errors wrapped with "list at 0x...".
 */
VMS_MUST_CHECK struct vms_error *linux_list_for_each(const struct linux_mem *mem, const struct linux_walk_layout *l,
				      uint64_t head, uint64_t max, linux_list_fn *fn, void *arg);

/* As linux_list_for_each() but following ->prev from the head (last node
 * first).  With it a walker can recover the tail of a list whose forward
 * chain is broken by an unreadable node. */
VMS_MUST_CHECK struct vms_error *linux_list_for_each_reverse(const struct linux_mem *mem,
					      const struct linux_walk_layout *l, uint64_t head,
					      uint64_t max, linux_list_fn *fn, void *arg);

/*
 * Call @fn for each node of the hlist whose struct hlist_head is at @head
 * (->first, then ->next until NULL), at most @max nodes.  Errors as for
 * linux_list_for_each().
 */
VMS_MUST_CHECK struct vms_error *linux_hlist_for_each(const struct linux_mem *mem, const struct linux_walk_layout *l,
				       uint64_t head, uint64_t max, linux_list_fn *fn, void *arg);

#endif
