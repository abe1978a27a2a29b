// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/value.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/vector.h"

struct vms_value value_nomem = { .kind = VMS_VALUE_NULL, .failed = true };

bool value_failed(const struct vms_value *v)
{
	if (v->failed)
		return true;
	if (v->kind == VMS_VALUE_ARRAY) {
		for (size_t i = 0; i < v->array.len; i++)
			if (value_failed(v->array.items[i]))
				return true;
	} else if (v->kind == VMS_VALUE_OBJECT) {
		for (size_t i = 0; i < v->object.len; i++)
			if (value_failed(v->object.pairs[i].value))
				return true;
	}
	return false;
}

static struct vms_value *value_new(enum vms_value_kind kind)
{
	struct vms_value *v = calloc(1, sizeof(*v));
	if (!v)
		return &value_nomem;
	v->kind = kind;
	return v;
}

struct vms_value *value_null(void) { return value_new(VMS_VALUE_NULL); }

struct vms_value *value_bool(bool b)
{
	struct vms_value *v = value_new(VMS_VALUE_BOOL);
	if (v != &value_nomem)
		v->b = b;
	return v;
}

struct vms_value *value_int(int64_t i)
{
	struct vms_value *v = value_new(VMS_VALUE_INT);
	if (v != &value_nomem)
		v->i = i;
	return v;
}

struct vms_value *value_uint(uint64_t u)
{
	struct vms_value *v = value_new(VMS_VALUE_UINT);
	if (v != &value_nomem)
		v->u = u;
	return v;
}

struct vms_value *value_hex(uint64_t u)
{
	struct vms_value *v = value_new(VMS_VALUE_HEX);
	if (v != &value_nomem)
		v->u = u;
	return v;
}

struct vms_value *value_double(double d)
{
	struct vms_value *v = value_new(VMS_VALUE_DOUBLE);
	if (v != &value_nomem)
		v->d = d;
	return v;
}

struct vms_value *value_string(const char *s)
{
	if (!s)
		return value_null();
	char *d = strdup(s);
	if (!d)
		return &value_nomem;
	struct vms_value *v = value_new(VMS_VALUE_STRING);
	if (v == &value_nomem)
		free(d);
	else
		v->s = d;
	return v;
}

struct vms_value *value_stringf(const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	char *s = strbuf_detach(&sb);
	if (!s)
		return &value_nomem;
	struct vms_value *v = value_new(VMS_VALUE_STRING);
	if (v == &value_nomem)
		free(s);
	else
		v->s = s;
	return v;
}

struct vms_value *value_array(void) { return value_new(VMS_VALUE_ARRAY); }
struct vms_value *value_object(void) { return value_new(VMS_VALUE_OBJECT); }

void value_destroy(struct vms_value *v)
{
	if (!v || v == &value_nomem)
		return;
	switch (v->kind) {
	case VMS_VALUE_STRING:
		free(v->s);
		break;
	case VMS_VALUE_ARRAY:
		for (size_t i = 0; i < v->array.len; i++)
			value_destroy(v->array.items[i]);
		free(v->array.items);
		break;
	case VMS_VALUE_OBJECT:
		for (size_t i = 0; i < v->object.len; i++) {
			free(v->object.pairs[i].key);
			value_destroy(v->object.pairs[i].value);
		}
		free(v->object.pairs);
		break;
	default:
		break;
	}
	free(v);
}

struct vms_value *value_push(struct vms_value *a, struct vms_value *item)
{
	if (a->kind != VMS_VALUE_ARRAY) {  // value_nomem
		value_destroy(item);
		return &value_nomem;
	}
	if (!vms_array_reserve(a->array.items, a->array.cap, a->array.len + 1)) {
		value_destroy(item);
		a->failed = true;
		return &value_nomem;
	}
	a->array.items[a->array.len++] = item;
	return item;
}

struct vms_value *value_set(struct vms_value *o, const char *key, struct vms_value *v)
{
	if (o->kind != VMS_VALUE_OBJECT) {  // value_nomem
		value_destroy(v);
		return &value_nomem;
	}
	for (size_t i = 0; i < o->object.len; i++) {
		if (strcmp(o->object.pairs[i].key, key) == 0) {
			value_destroy(o->object.pairs[i].value);
			o->object.pairs[i].value = v;
			return v;
		}
	}
	char *k = strdup(key);
	if (!k)
		goto fail;
	if (!vms_array_reserve(o->object.pairs, o->object.cap, o->object.len + 1)) {
		free(k);
		goto fail;
	}
	o->object.pairs[o->object.len].key = k;
	o->object.pairs[o->object.len].value = v;
	o->object.len++;
	return v;
fail:
	value_destroy(v);
	o->failed = true;
	return &value_nomem;
}

void value_set_str(struct vms_value *o, const char *key, const char *s)
{
	value_set(o, key, value_string(s));
}
void value_set_int(struct vms_value *o, const char *key, int64_t i)
{
	value_set(o, key, value_int(i));
}
void value_set_uint(struct vms_value *o, const char *key, uint64_t u)
{
	value_set(o, key, value_uint(u));
}
void value_set_hex(struct vms_value *o, const char *key, uint64_t u)
{
	value_set(o, key, value_hex(u));
}
void value_set_bool(struct vms_value *o, const char *key, bool b)
{
	value_set(o, key, value_bool(b));
}

struct vms_value *value_get(const struct vms_value *o, const char *key)
{
	if (!o || o->kind != VMS_VALUE_OBJECT)
		return NULL;
	for (size_t i = 0; i < o->object.len; i++)
		if (strcmp(o->object.pairs[i].key, key) == 0)
			return o->object.pairs[i].value;
	return NULL;
}

void json_quote(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': strbuf_addstr(out, "\\\""); break;
		case '\\': strbuf_addstr(out, "\\\\"); break;
		case '\n': strbuf_addstr(out, "\\n"); break;
		case '\r': strbuf_addstr(out, "\\r"); break;
		case '\t': strbuf_addstr(out, "\\t"); break;
		default:
			// Kernel strings may hold anything: escape controls and
			// bytes that are not ASCII so the output is valid UTF-8.
			if (*p < 0x20 || *p >= 0x7f)
				strbuf_addf(out, "\\u%04x", *p);
			else
				strbuf_addch(out, (char)*p);
		}
	}
	strbuf_addch(out, '"');
}

void value_to_json(const struct vms_value *v, struct strbuf *out)
{
	switch (v->kind) {
	case VMS_VALUE_NULL: strbuf_addstr(out, "null"); break;
	case VMS_VALUE_BOOL: strbuf_addstr(out, v->b ? "true" : "false"); break;
	case VMS_VALUE_INT: strbuf_addf(out, "%" PRId64, v->i); break;
	case VMS_VALUE_UINT: strbuf_addf(out, "%" PRIu64, v->u); break;
	case VMS_VALUE_HEX: strbuf_addf(out, "\"0x%" PRIx64 "\"", v->u); break;
	case VMS_VALUE_DOUBLE:
		if (isfinite(v->d))
			strbuf_addf(out, "%.6g", v->d);
		else
			strbuf_addstr(out, "null");
		break;
	case VMS_VALUE_STRING: json_quote(out, v->s); break;
	case VMS_VALUE_ARRAY:
		strbuf_addch(out, '[');
		for (size_t i = 0; i < v->array.len; i++) {
			if (i)
				strbuf_addch(out, ',');
			value_to_json(v->array.items[i], out);
		}
		strbuf_addch(out, ']');
		break;
	case VMS_VALUE_OBJECT:
		strbuf_addch(out, '{');
		for (size_t i = 0; i < v->object.len; i++) {
			if (i)
				strbuf_addch(out, ',');
			json_quote(out, v->object.pairs[i].key);
			strbuf_addch(out, ':');
			value_to_json(v->object.pairs[i].value, out);
		}
		strbuf_addch(out, '}');
		break;
	}
}

static bool value_is_scalar(const struct vms_value *v)
{
	return v->kind != VMS_VALUE_ARRAY && v->kind != VMS_VALUE_OBJECT;
}

static void scalar_to_text(const struct vms_value *v, struct strbuf *out)
{
	switch (v->kind) {
	case VMS_VALUE_NULL: strbuf_addstr(out, "-"); break;
	case VMS_VALUE_BOOL: strbuf_addstr(out, v->b ? "yes" : "no"); break;
	case VMS_VALUE_INT: strbuf_addf(out, "%" PRId64, v->i); break;
	case VMS_VALUE_UINT: strbuf_addf(out, "%" PRIu64, v->u); break;
	case VMS_VALUE_HEX: strbuf_addf(out, "0x%" PRIx64, v->u); break;
	case VMS_VALUE_DOUBLE: strbuf_addf(out, "%.6g", v->d); break;
	case VMS_VALUE_STRING: strbuf_addstr(out, v->s); break;
	default: break;
	}
}

void value_to_text(const struct vms_value *v, struct strbuf *out, int indent)
{
	if (value_is_scalar(v)) {
		strbuf_addchars(out, ' ', (size_t)indent);
		scalar_to_text(v, out);
		strbuf_addch(out, '\n');
		return;
	}
	if (v->kind == VMS_VALUE_ARRAY) {
		for (size_t i = 0; i < v->array.len; i++) {
			value_to_text(v->array.items[i], out, indent);
			if (!value_is_scalar(v->array.items[i]) && i + 1 < v->array.len)
				strbuf_addch(out, '\n');
		}
		return;
	}
	size_t width = 0;
	for (size_t i = 0; i < v->object.len; i++) {
		size_t l = strlen(v->object.pairs[i].key);
		if (value_is_scalar(v->object.pairs[i].value) && l > width)
			width = l;
	}
	for (size_t i = 0; i < v->object.len; i++) {
		const char *key = v->object.pairs[i].key;
		const struct vms_value *child = v->object.pairs[i].value;
		strbuf_addchars(out, ' ', (size_t)indent);
		strbuf_addstr(out, key);
		strbuf_addch(out, ':');
		if (value_is_scalar(child)) {
			strbuf_addchars(out, ' ', width - strlen(key) + 1);
			scalar_to_text(child, out);
			strbuf_addch(out, '\n');
		} else if (child->kind == VMS_VALUE_ARRAY &&
			   (child->array.len == 0 || value_is_scalar(child->array.items[0]))) {
			for (size_t j = 0; j < child->array.len; j++) {
				strbuf_addch(out, ' ');
				scalar_to_text(child->array.items[j], out);
			}
			strbuf_addch(out, '\n');
		} else {
			strbuf_addch(out, '\n');
			value_to_text(child, out, indent + 2);
		}
	}
}
