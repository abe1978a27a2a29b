// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Bounded walk of an xarray (lib/xarray.c; the page cache's i_pages, IDRs).
 * Entries are visited in index order; value entries (low bit 1: shadow and
 * swap entries) are passed as they are, the caller decides.  Internal
 * entries (sibling, retry, zero) are skipped.
 */
#ifndef VMS_LINUX_XARRAY_H
#define VMS_LINUX_XARRAY_H

#include "linux/walk.h"

/* Called for each entry; return as for linux_list_fn. */
typedef struct vms_error *linux_xa_fn(void *arg, uint64_t index, uint64_t entry);

/*
 * Call @fn for each entry of the xarray (struct xarray) at @xa, at most @max
 * entries (0: LINUX_WALK_MAX_DEFAULT).  Errors: VMS_ERR_CORRUPT naming the
 * node for a shift that does not decrease by XA_CHUNK_SHIFT, an out-of-range
 * shift or too many entries; VMS_ERR_UNSUPPORTED if l->has_xarray is false.
 */
VMS_MUST_CHECK struct vms_error *linux_xarray_for_each(const struct linux_mem *mem, const struct linux_walk_layout *l,
					uint64_t xa, uint64_t max, linux_xa_fn *fn, void *arg);

/* The entry at @index of the xarray at @xa (0 if none). */
VMS_MUST_CHECK struct vms_error *linux_xarray_load(const struct linux_mem *mem, const struct linux_walk_layout *l,
				    uint64_t xa, uint64_t index, uint64_t *ret);

#endif
