// SPDX-License-Identifier: GPL-3.0-or-later
#include "program/object.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"

#define MAX_DEPTH 16

uint64_t object_extract_bits(const uint8_t *buf, uint64_t bit_offset, uint64_t bit_size)
{
	// Little-endian bit numbering (x86_64): bit n of the object is bit
	// n%8 of byte n/8.
	uint64_t v = 0;
	for (uint64_t i = 0; i < bit_size; i++) {
		uint64_t b = bit_offset + i;
		if (buf[b / 8] & (1u << (b % 8)))
			v |= 1ull << i;
	}
	return v;
}

static uint64_t load_uint(const uint8_t *p, uint64_t size)
{
	uint64_t v = 0;
	if (size > 8)
		size = 8;
	memcpy(&v, p, size);  // little-endian host and target
	return v;
}

static int64_t sign_extend(uint64_t v, unsigned bits)
{
	if (bits == 0 || bits >= 64)
		return (int64_t)v;
	uint64_t m = 1ull << (bits - 1);
	v &= (1ull << bits) - 1;
	return (int64_t)((v ^ m) - m);
}

struct render {
	struct vms_program *prog;
	struct strbuf *text;
	bool want_value;
};

static bool is_char_type(struct vms_type *t)
{
	t = vms_type_strip(t);
	if (vms_type_kind(t) != VMS_TYPE_INT || vms_type_size(t) != 1)
		return false;
	const char *name = vms_type_tag(t);
	return name && strstr(name, "char");
}

static void indent(struct strbuf *sb, int depth)
{
	strbuf_addchars(sb, ' ', (size_t)depth * 2);
}

static struct vms_value *render_scalar(struct render *r, struct vms_type *t, const uint8_t *buf,
				       uint64_t bit_offset, uint64_t bit_size)
{
	struct vms_type *st = vms_type_strip(t);
	enum vms_type_kind kind = vms_type_kind(st);
	uint64_t size = vms_type_size(st);
	uint64_t raw;
	unsigned bits;
	if (bit_size) {
		raw = object_extract_bits(buf, bit_offset, bit_size);
		bits = (unsigned)bit_size;
	} else {
		raw = load_uint(buf + bit_offset / 8, size);
		bits = (unsigned)(size * 8);
	}
	struct strbuf *out = r->text;
	switch (kind) {
	case VMS_TYPE_POINTER: {
		if (out) {
			strbuf_addf(out, "0x%" PRIx64, raw);
			struct vms_type *target = vms_type_strip(vms_type_target(st));
			if (target && vms_type_kind(target) == VMS_TYPE_FUNCTION && raw) {
				struct program_symbol sym;
				uint64_t off;
				struct vms_error *err = program_symbol_at(r->prog, raw, &sym, &off);
				if (!err && off == 0)
					strbuf_addf(out, " <%s>", sym.name);
				vms_error_destroy(err);
			}
		}
		return r->want_value ? value_hex(raw) : NULL;
	}
	case VMS_TYPE_BOOL:
		if (out)
			strbuf_addstr(out, raw ? "true" : "false");
		return r->want_value ? value_bool(raw != 0) : NULL;
	case VMS_TYPE_ENUM: {
		int64_t sv = vms_type_is_signed(st) ? sign_extend(raw, bits) : (int64_t)raw;
		const char *name = NULL;
		for (size_t i = 0; i < vms_type_enumerator_count(st); i++) {
			const struct vms_type_enumerator *e = vms_type_enumerator(st, i);
			if (e->value == sv) {
				name = e->name;
				break;
			}
		}
		if (out) {
			if (name)
				strbuf_addstr(out, name);
			else
				strbuf_addf(out, "%" PRId64, sv);
		}
		if (!r->want_value)
			return NULL;
		return name ? value_string(name) : value_int(sv);
	}
	case VMS_TYPE_FLOAT: {
		double d = 0;
		if (size == 4) {
			float f;
			memcpy(&f, buf + bit_offset / 8, 4);
			d = f;
		} else if (size == 8) {
			memcpy(&d, buf + bit_offset / 8, 8);
		}
		if (out)
			strbuf_addf(out, "%g", d);
		return r->want_value ? value_double(d) : NULL;
	}
	case VMS_TYPE_INT:
	default:
		if (vms_type_is_signed(st)) {
			int64_t sv = sign_extend(raw, bits);
			if (out)
				strbuf_addf(out, "%" PRId64, sv);
			return r->want_value ? value_int(sv) : NULL;
		}
		if (out) {
			// crash prints unsigned longs in hex, smaller ones in decimal
			if (size >= 8)
				strbuf_addf(out, "0x%" PRIx64, raw);
			else
				strbuf_addf(out, "%" PRIu64, raw);
		}
		if (!r->want_value)
			return NULL;
		return size >= 8 ? value_hex(raw) : value_uint(raw);
	}
}

static struct vms_value *render_any(struct render *r, struct vms_type *t, const uint8_t *buf,
				    uint64_t bit_offset, uint64_t bit_size, int depth);

static struct vms_value *render_char_array(struct render *r, const uint8_t *p, uint64_t len)
{
	struct strbuf s = STRBUF_INIT;
	for (uint64_t i = 0; i < len && p[i]; i++)
		strbuf_addch(&s, (char)p[i]);
	if (r->text) {
		strbuf_addch(r->text, '"');
		for (size_t i = 0; i < s.len; i++) {
			unsigned char c = (unsigned char)s.buf[i];
			if (c == '"' || c == '\\')
				strbuf_addf(r->text, "\\%c", c);
			else if (c < 0x20 || c >= 0x7f)
				strbuf_addf(r->text, "\\%03o", c);
			else
				strbuf_addch(r->text, (char)c);
		}
		strbuf_addch(r->text, '"');
	}
	struct vms_value *v = r->want_value ? value_string(s.buf) : NULL;
	strbuf_release(&s);
	return v;
}

static struct vms_value *render_array(struct render *r, struct vms_type *st, const uint8_t *buf,
				      uint64_t bit_offset, int depth)
{
	struct vms_type *elem = vms_type_target(st);
	uint64_t n = vms_type_array_has_length(st) ? vms_type_array_length(st) : 0;
	uint64_t esize = vms_type_size(elem);
	if (is_char_type(elem))
		return render_char_array(r, buf + bit_offset / 8, n);
	struct vms_value *arr = r->want_value ? value_array() : NULL;
	if (r->text)
		strbuf_addch(r->text, '{');
	bool nested = false;
	for (uint64_t i = 0; i < n; i++) {
		struct vms_type *se = vms_type_strip(elem);
		enum vms_type_kind k = vms_type_kind(se);
		nested = k == VMS_TYPE_STRUCT || k == VMS_TYPE_UNION || k == VMS_TYPE_ARRAY;
		if (r->text) {
			if (nested) {
				strbuf_addch(r->text, '\n');
				indent(r->text, depth + 1);
			} else if (i) {
				strbuf_addch(r->text, ' ');
			}
		}
		struct vms_value *v = render_any(r, elem, buf, bit_offset + i * esize * 8, 0, depth + 1);
		if (arr)
			value_push(arr, v);
		if (r->text && i + 1 < n)
			strbuf_addch(r->text, ',');
	}
	if (r->text) {
		if (nested) {
			strbuf_addch(r->text, '\n');
			indent(r->text, depth);
		}
		strbuf_addch(r->text, '}');
	}
	return arr;
}

static struct vms_value *render_compound(struct render *r, struct vms_type *st, const uint8_t *buf,
					 uint64_t bit_offset, int depth)
{
	struct vms_value *obj = r->want_value ? value_object() : NULL;
	if (r->text)
		strbuf_addstr(r->text, "{\n");
	size_t n = vms_type_member_count(st);
	for (size_t i = 0; i < n; i++) {
		const struct vms_type_member *m = vms_type_member(st, i);
		if (r->text) {
			indent(r->text, depth + 1);
			if (m->name)
				strbuf_addf(r->text, "%s = ", m->name);
		}
		struct vms_value *v = render_any(r, m->type, buf, bit_offset + m->bit_offset,
						 m->bit_size, depth + 1);
		if (obj) {
			if (m->name) {
				value_set(obj, m->name, v);
			} else if (v && v->kind == VMS_VALUE_OBJECT) {
				// Anonymous struct/union: hoist its members, as C
				// lets you name them directly.
				for (size_t j = 0; j < v->object.len; j++) {
					value_set(obj, v->object.pairs[j].key, v->object.pairs[j].value);
					v->object.pairs[j].value = NULL;
				}
				value_destroy(v);
			} else {
				value_destroy(v);
			}
		}
		if (r->text)
			strbuf_addstr(r->text, ",\n");
	}
	if (r->text) {
		indent(r->text, depth);
		strbuf_addch(r->text, '}');
	}
	return obj;
}

static struct vms_value *render_any(struct render *r, struct vms_type *t, const uint8_t *buf,
				    uint64_t bit_offset, uint64_t bit_size, int depth)
{
	struct vms_type *st = vms_type_strip(t);
	if (depth > MAX_DEPTH) {
		if (r->text)
			strbuf_addstr(r->text, "...");
		return r->want_value ? value_null() : NULL;
	}
	switch (vms_type_kind(st)) {
	case VMS_TYPE_STRUCT:
	case VMS_TYPE_UNION:
		return render_compound(r, st, buf, bit_offset, depth);
	case VMS_TYPE_ARRAY:
		return render_array(r, st, buf, bit_offset, depth);
	case VMS_TYPE_VOID:
	case VMS_TYPE_FUNCTION:
		if (r->text)
			strbuf_addstr(r->text, "<no value>");
		return r->want_value ? value_null() : NULL;
	default:
		return render_scalar(r, t, buf, bit_offset, bit_size);
	}
}

void object_render_bytes(struct vms_program *prog, struct vms_type *t, uint64_t addr,
			 const uint8_t *buf, struct strbuf *text, struct vms_value **value_ret)
{
	struct render r = { .prog = prog, .text = text, .want_value = value_ret != NULL };
	(void)addr;
	struct vms_value *v = render_any(&r, t, buf, 0, 0, 0);
	if (value_ret)
		*value_ret = v;
	if (text)
		strbuf_addch(text, '\n');
}

struct vms_error *object_render(struct vms_program *prog, struct vms_type *t, uint64_t addr,
				const char *const *members, size_t nmembers,
				struct strbuf *text, struct vms_value **value_ret)
{
	uint64_t size = vms_type_size(t);
	if (!vms_type_is_complete(t) || size == 0)
		return vms_error_create(VMS_ERR_INVALID, "type has no size");
	if (size > OBJECT_MAX_SIZE)
		return vms_error_create(VMS_ERR_INVALID, "object of %" PRIu64 " bytes is too big to print", size);
	_cleanup_free_ uint8_t *buf = malloc(size);
	if (!buf)
		return &vms_enomem;
	struct vms_error *err = program_read(prog, addr, buf, size);
	if (err)
		return err;
	if (nmembers == 0) {
		_cleanup_free_ char *name = vms_type_name(t);
		if (text)
			strbuf_addf(text, "%s ", name ? name : "?");
		object_render_bytes(prog, t, addr, buf, text, value_ret);
		return NULL;
	}
	struct render r = { .prog = prog, .text = text, .want_value = value_ret != NULL };
	struct vms_value *obj = value_ret ? value_object() : NULL;
	for (size_t i = 0; i < nmembers; i++) {
		struct vms_type *mt;
		uint64_t bit_offset, bit_size;
		err = vms_type_member_find(t, members[i], &mt, &bit_offset, &bit_size);
		if (err) {
			value_destroy(obj);
			return err;
		}
		if (text)
			strbuf_addf(text, "  %s = ", members[i]);
		struct vms_value *v = render_any(&r, mt, buf, bit_offset, bit_size, 1);
		if (obj)
			value_set(obj, members[i], v);
		if (text)
			strbuf_addch(text, '\n');
	}
	if (value_ret)
		*value_ret = obj;
	return NULL;
}
