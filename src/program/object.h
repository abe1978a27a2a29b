// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Typed views of kernel memory: read an object of a DWARF type at an address
 * and render it crash-style as text, or as a value tree for JSON.
 */
#ifndef VMS_PROGRAM_OBJECT_H
#define VMS_PROGRAM_OBJECT_H

#include "base/strbuf.h"
#include "base/value.h"
#include "program/program.h"

/* Largest object read in one go by the renderers (bigger ones are refused). */
#define OBJECT_MAX_SIZE (4u << 20)

/* Render the object of type @t at @addr.  With @nmembers > 0 only those
 * member paths are shown (crash `struct TYPE ADDR member...`).  Text goes to
 * @text (when non-NULL) and a value tree to *value_ret (when non-NULL). */
VMS_MUST_CHECK struct vms_error *object_render(struct vms_program *prog, struct vms_type *t, uint64_t addr,
				const char *const *members, size_t nmembers,
				struct strbuf *text, struct vms_value **value_ret);

/* Render already-read bytes @buf of type @t (which must be at least
 * vms_type_size(t) long).  @addr is where they came from (for display of
 * nested addresses); same outputs as object_render(). */
void object_render_bytes(struct vms_program *prog, struct vms_type *t, uint64_t addr,
			 const uint8_t *buf, struct strbuf *text, struct vms_value **value_ret);

/* Extract an integer field: @bit_size 0 means the whole @byte_size bytes. */
uint64_t object_extract_bits(const uint8_t *buf, uint64_t bit_offset, uint64_t bit_size);

#endif
