// SPDX-License-Identifier: GPL-3.0-or-later
/* Scope guards: `_cleanup_free_ char *s = ...;` frees s when it goes out of scope. */
#ifndef VMS_BASE_CLEANUP_H
#define VMS_BASE_CLEANUP_H

#include <stdlib.h>

static inline void vms_freep(void *p)
{
	free(*(void **)p);
}
#define _cleanup_free_ __attribute__((cleanup(vms_freep)))

#define VMS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
