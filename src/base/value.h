// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * A small dynamic value tree: what a command computes, before it is rendered
 * as text, JSON or NDJSON by the output layer.  Objects keep insertion order.
 * Addresses and other 64-bit quantities that people read in hex are kept as
 * VMS_VALUE_HEX and written to JSON as strings ("0xffff888000000000") so no
 * JSON reader loses precision; plain counts are JSON numbers.
 *
 * A tree is owned by its root; value_destroy() frees the whole tree.
 *
 * Out of memory (the project's one policy, doc/design.md): a constructor
 * that cannot allocate returns the shared value_nomem (a null that is never
 * freed), and a container that cannot grow drops the new item and is marked
 * failed; setting into value_nomem is a no-op.  So building code needs no
 * checks: whoever renders or keeps the tree asks value_failed() once and
 * returns &vms_enomem instead.
 */
#ifndef VMS_BASE_VALUE_H
#define VMS_BASE_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/strbuf.h"

enum vms_value_kind {
	VMS_VALUE_NULL,
	VMS_VALUE_BOOL,
	VMS_VALUE_INT,    // int64_t
	VMS_VALUE_UINT,   // uint64_t
	VMS_VALUE_HEX,    // uint64_t shown as 0x...
	VMS_VALUE_DOUBLE,
	VMS_VALUE_STRING,
	VMS_VALUE_ARRAY,
	VMS_VALUE_OBJECT,
};

struct vms_value;

struct vms_value_pair {
	char *key;
	struct vms_value *value;
};

struct vms_value {
	enum vms_value_kind kind;
	bool failed;  // a container that could not take an item (out of memory)
	union {
		bool b;
		int64_t i;
		uint64_t u;
		double d;
		char *s;
		struct {
			struct vms_value **items;
			size_t len, cap;
		} array;
		struct {
			struct vms_value_pair *pairs;
			size_t len, cap;
		} object;
	};
};

/* What a constructor returns when it cannot allocate (never freed). */
extern struct vms_value value_nomem;

/* Did any allocation in the tree of @v fail (see above)? */
bool value_failed(const struct vms_value *v);

struct vms_value *value_null(void);
struct vms_value *value_bool(bool b);
struct vms_value *value_int(int64_t i);
struct vms_value *value_uint(uint64_t u);
struct vms_value *value_hex(uint64_t u);
struct vms_value *value_double(double d);
struct vms_value *value_string(const char *s);  // copies; NULL gives null
struct vms_value *value_stringf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
struct vms_value *value_array(void);
struct vms_value *value_object(void);
void value_destroy(struct vms_value *v);

/* Append @item to array @a (takes ownership); returns @item. */
struct vms_value *value_push(struct vms_value *a, struct vms_value *item);
/* Set @key in object @o (takes ownership of @v; replaces an existing key);
 * returns @v. */
struct vms_value *value_set(struct vms_value *o, const char *key, struct vms_value *v);
/* Shorthands. */
void value_set_str(struct vms_value *o, const char *key, const char *s);
void value_set_int(struct vms_value *o, const char *key, int64_t i);
void value_set_uint(struct vms_value *o, const char *key, uint64_t u);
void value_set_hex(struct vms_value *o, const char *key, uint64_t u);
void value_set_bool(struct vms_value *o, const char *key, bool b);
/* Borrowed lookup; NULL if @o is not an object or has no @key. */
struct vms_value *value_get(const struct vms_value *o, const char *key);

/* Write compact JSON (one line, no trailing newline). */
void value_to_json(const struct vms_value *v, struct strbuf *out);
/* Append a JSON string literal for @s (with quotes). */
void json_quote(struct strbuf *out, const char *s);

/* Generic text rendering: "key: value" lines, nested objects indented,
 * arrays of scalars on one line, arrays of objects as blocks. */
void value_to_text(const struct vms_value *v, struct strbuf *out, int indent);

#endif
