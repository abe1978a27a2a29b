// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * C-like expressions over the dump's memory with the kernel's DWARF types
 * (crash `p`, drgn style): global variables, symbols and enumerators;
 * integer literals; casts to any type the debug info names; member access
 * `.` and `->`; `[]`; unary `& * - + ! ~`; `* / % + - << >> < <= > >= ==
 * != & ^ | && ||` and `?:` with C's integer promotions and pointer
 * arithmetic; `sizeof(TYPE)`, `sizeof EXPR`, `offsetof(TYPE, MEMBER)` and
 * `container_of(PTR, TYPE, MEMBER)`.
 *
 * Objects are read lazily: `&((struct page *)0)->_refcount` and
 * `sizeof(*p)` read no memory; a value is read only when an operator needs
 * it or when it is rendered.  Floating point is not supported.
 */
#ifndef VMS_PROGRAM_EVAL_H
#define VMS_PROGRAM_EVAL_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "base/strbuf.h"
#include "base/value.h"
#include "program/program.h"

/* The result of an expression: an object in memory (lvalue) or a scalar
 * value.  Types are borrowed from the program's debug info. */
struct eval_value {
	struct vms_type *type;
	bool lvalue;          // the object at @address (+ @bit_offset bits)
	uint64_t address;
	uint64_t bit_offset;  // bitfield position from @address (lvalues)
	uint64_t bit_size;    // 0 unless a bitfield
	uint64_t raw;         // the value's bits for scalars that are not lvalues
	bool is_symbol;       // a symbol without a DWARF type (type is void)
};

/*
 * Evaluate @expr.  Errors: VMS_ERR_INVALID for syntax errors and
 * ill-typed operations (the message quotes the offending token),
 * VMS_ERR_LOOKUP for unknown names, types and members, and the read errors
 * of program_read() (VMS_ERR_NODATA, VMS_ERR_FAULT) when a value must be
 * read.
 */
VMS_MUST_CHECK struct vms_error *eval_expr(struct vms_program *prog, const char *expr, struct eval_value *ret);

/*
 * Render @v: text "(TYPE) VALUE" (structs, unions and arrays pretty-printed
 * by object.h) into @text when non-NULL, and a value tree {type, value,
 * address (lvalues)} into *@value_ret when non-NULL.  Integers are written
 * in decimal (JSON numbers), pointers in hex (JSON strings); a char pointer
 * also shows the string it points to.  Fails when the object cannot be read.
 */
VMS_MUST_CHECK struct vms_error *eval_render(struct vms_program *prog, const struct eval_value *v,
			      struct strbuf *text, struct vms_value **value_ret);

/* The scalar value of @v as 64 bits (reading it if it is an lvalue; arrays
 * give their address).  Errors for structs and unions. */
VMS_MUST_CHECK struct vms_error *eval_scalar(struct vms_program *prog, const struct eval_value *v, uint64_t *ret);

#endif
