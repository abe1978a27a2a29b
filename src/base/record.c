// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/record.h"

#include "base/value.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- rows ---- */

void rec_row_init(struct rec_row *r, const struct rec_schema *s)
{
	memset(r, 0, sizeof(*r));
	r->schema = s;
	strbuf_init(&r->scratch);
}

void rec_row_deinit(struct rec_row *r)
{
	strbuf_release(&r->scratch);
	rec_items_deinit(&r->items);
}

void rec_strf(struct rec_row *r, unsigned f, const char *fmt, ...)
{
	size_t off = r->scratch.len;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&r->scratch, fmt, ap);
	va_end(ap);
	strbuf_addch(&r->scratch, '\0');  // each string keeps its own NUL
	r->v[f].off = off;
	uint64_t bit = UINT64_C(1) << f;
	r->set |= bit;
	r->arena |= bit;
	r->nul &= ~bit;
	r->num &= ~bit;
}

void rec_strs_empty(struct rec_row *r, unsigned f)
{
	r->v[f].list.first = (uint32_t)r->items.size;
	r->v[f].list.n = 0;
	r->set |= UINT64_C(1) << f;
}

void rec_strs_add(struct rec_row *r, unsigned f, const char *s)
{
	if (!rec_has(r, f))
		rec_strs_empty(r, f);
	if (!rec_items_append(&r->items, s)) {
		r->failed = true;
		return;
	}
	r->v[f].list.n++;
}

const char *rec_get_s(const struct rec_row *r, unsigned f)
{
	uint64_t bit = UINT64_C(1) << f;
	if (!(r->set & bit) || (r->nul & bit) || (r->num & bit))
		return "";
	if (r->arena & bit)
		return r->scratch.buf + r->v[f].off;
	return r->v[f].s;
}

size_t rec_strs_count(const struct rec_row *r, unsigned f)
{
	return rec_has(r, f) ? r->v[f].list.n : 0;
}

const char *rec_strs_item(const struct rec_row *r, unsigned f, size_t i)
{
	return r->items.data[r->v[f].list.first + i];
}

struct vms_value *rec_row_value(const struct rec_row *r)
{
	struct vms_value *o = value_object();
	if (rec_row_failed(r))
		o->failed = true;
	const struct rec_schema *s = r->schema;
	for (unsigned f = 0; f < s->nfields; f++) {
		if (!rec_has(r, f))
			continue;
		uint64_t bit = UINT64_C(1) << f;
		const union rec_slot *v = &r->v[f];
		struct vms_value *x = NULL;
		if (r->nul & bit) {
			x = value_null();
		} else {
			switch (s->fields[f].type) {
			case REC_HEX: x = value_hex(v->u); break;
			case REC_UINT: x = value_uint(v->u); break;
			case REC_INT: x = value_int(v->i); break;
			case REC_BOOL: x = value_bool(v->u); break;
			case REC_STR:
				x = r->num & bit ? value_uint(v->u) : value_string(rec_get_s(r, f));
				break;
			case REC_DOUBLE: x = value_double(v->d); break;
			case REC_STRS:
				x = value_array();
				for (uint32_t i = 0; i < v->list.n; i++)
					value_push(x, value_string(r->items.data[v->list.first + i]));
				break;
			case REC_LIST:
			case REC_VALUE:
				continue;
			}
		}
		value_set(o, s->fields[f].key, x);
	}
	return o;
}

/* ---- fast appends ---- */

/* Room for @n more bytes at the end of @out, or NULL (failed). */
static inline char *room(struct strbuf *out, size_t n)
{
	if (out->len + n + 1 > out->alloc && !strbuf_grow(out, n))
		return NULL;
	return out->buf + out->len;
}

/* Done writing at @p (from room()). */
static inline void commit(struct strbuf *out, char *p)
{
	out->len = (size_t)(p - out->buf);
	*p = '\0';
}

static const char hexdigits[] = "0123456789abcdef";

static inline unsigned hex_len(uint64_t v)
{
	return v ? (unsigned)(64 - __builtin_clzll(v) + 3) / 4 : 1;
}

static inline char *put_hex(char *p, uint64_t v)
{
	unsigned n = hex_len(v);
	for (unsigned i = n; i-- > 0; v >>= 4)
		p[i] = hexdigits[v & 15];
	return p + n;
}

static inline unsigned dec_len(uint64_t v)
{
	unsigned n = 1;
	while (v >= 10000) {
		v /= 10000;
		n += 4;
	}
	return n + (v >= 10) + (v >= 100) + (v >= 1000);
}

static inline char *put_dec(char *p, uint64_t v)
{
	unsigned n = dec_len(v);
	for (unsigned i = n; i-- > 0; v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + n;
}

static inline char *put_mem(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

void rec_put_hex(struct strbuf *out, uint64_t v)
{
	char *p = room(out, 16);
	if (p)
		commit(out, put_hex(p, v));
}

void rec_put_uint(struct strbuf *out, uint64_t v)
{
	char *p = room(out, 20);
	if (p)
		commit(out, put_dec(p, v));
}

void rec_put_int(struct strbuf *out, int64_t v)
{
	char *p = room(out, 21);
	if (!p)
		return;
	if (v < 0) {
		*p++ = '-';
		p = put_dec(p, -(uint64_t)v);
	} else {
		p = put_dec(p, (uint64_t)v);
	}
	commit(out, p);
}

void rec_put_pad(struct strbuf *out, const char *s, size_t len, int width)
{
	size_t w = width < 0 ? (size_t)-width : (size_t)width;
	size_t pad = w > len ? w - len : 0;
	char *p = room(out, len + pad);
	if (!p)
		return;
	if (width > 0) {
		memset(p, ' ', pad);
		p += pad;
	}
	p = put_mem(p, s, len);
	if (width < 0) {
		memset(p, ' ', pad);
		p += pad;
	}
	commit(out, p);
}

/* Does @c need an escape in a JSON string (json_quote() rules)? */
static inline bool json_special(unsigned char c)
{
	return c < 0x20 || c >= 0x7f || c == '"' || c == '\\';
}

void rec_put_json_str(struct strbuf *out, const char *s)
{
	size_t n = 0;
	while (s[n] && !json_special((unsigned char)s[n]))
		n++;
	char *p;
	if (!s[n]) {  // nothing to escape: the common case
		if ((p = room(out, n + 2))) {
			*p++ = '"';
			p = put_mem(p, s, n);
			*p++ = '"';
			commit(out, p);
		}
		return;
	}
	if (!(p = room(out, n + 1)))
		return;
	*p++ = '"';
	commit(out, put_mem(p, s, n));
	for (const unsigned char *c = (const unsigned char *)s + n; *c; c++) {
		if (!(p = room(out, 6)))
			return;
		switch (*c) {
		case '"': p = put_mem(p, "\\\"", 2); break;
		case '\\': p = put_mem(p, "\\\\", 2); break;
		case '\n': p = put_mem(p, "\\n", 2); break;
		case '\r': p = put_mem(p, "\\r", 2); break;
		case '\t': p = put_mem(p, "\\t", 2); break;
		default:
			if (json_special(*c)) {
				p = put_mem(p, "\\u00", 4);
				*p++ = hexdigits[*c >> 4];
				*p++ = hexdigits[*c & 15];
			} else {
				*p++ = (char)*c;
			}
		}
		commit(out, p);
	}
	if ((p = room(out, 1))) {
		*p++ = '"';
		commit(out, p);
	}
}

static void put_double(struct strbuf *out, double d, bool json)
{
	if (json && !isfinite(d))
		strbuf_addstr(out, "null");
	else
		strbuf_addf(out, "%.6g", d);
}

/* ---- JSON ---- */

/* The value of set field @f of @r as JSON. */
static void json_value(struct strbuf *out, const struct rec_row *r, unsigned f)
{
	uint64_t bit = UINT64_C(1) << f;
	const union rec_slot *v = &r->v[f];
	char *p;
	if (r->nul & bit) {
		strbuf_add(out, "null", 4);
		return;
	}
	switch (r->schema->fields[f].type) {
	case REC_HEX:
		if ((p = room(out, 20))) {
			p = put_mem(p, "\"0x", 3);
			p = put_hex(p, v->u);
			*p++ = '"';
			commit(out, p);
		}
		break;
	case REC_UINT:
		rec_put_uint(out, v->u);
		break;
	case REC_INT:
		rec_put_int(out, v->i);
		break;
	case REC_BOOL:
		if (v->u)
			strbuf_add(out, "true", 4);
		else
			strbuf_add(out, "false", 5);
		break;
	case REC_STR:
		if (r->num & bit)
			rec_put_uint(out, v->u);
		else
			rec_put_json_str(out, rec_get_s(r, f));
		break;
	case REC_DOUBLE:
		put_double(out, v->d, true);
		break;
	case REC_STRS:
		strbuf_addch(out, '[');
		for (uint32_t i = 0; i < v->list.n; i++) {
			if (i)
				strbuf_addch(out, ',');
			rec_put_json_str(out, r->items.data[v->list.first + i]);
		}
		strbuf_addch(out, ']');
		break;
	case REC_LIST:
		strbuf_add(out, "[]", 2);  // set but never opened: empty
		break;
	case REC_VALUE:
		if (v->val)
			value_to_json(v->val, out);
		else
			strbuf_add(out, "null", 4);
		break;
	}
}

static inline void json_key(struct strbuf *out, const struct rec_field *fd, bool comma)
{
	char *p = room(out, fd->key_len + 4);
	if (!p)
		return;
	if (comma)
		*p++ = ',';
	*p++ = '"';
	p = put_mem(p, fd->key, fd->key_len);
	*p++ = '"';
	*p++ = ':';
	commit(out, p);
}

/* Set fields [from, to) of @r; *first: no field written yet in this object. */
static void json_fields(struct strbuf *out, const struct rec_row *r, unsigned from, unsigned to,
			bool *first)
{
	uint64_t set = r->set;
	for (unsigned f = from; f < to; f++) {
		if (!((set >> f) & 1))
			continue;
		json_key(out, &r->schema->fields[f], !*first);
		*first = false;
		json_value(out, r, f);
	}
}

/* ---- text ---- */

/* Field @f as text (no padding). */
static void text_value(struct strbuf *out, const struct rec_row *r, unsigned f, bool block)
{
	uint64_t bit = UINT64_C(1) << f;
	const union rec_slot *v = &r->v[f];
	if (!(r->set & bit))
		return;
	if (r->nul & bit) {
		strbuf_addch(out, '-');
		return;
	}
	switch (r->schema->fields[f].type) {
	case REC_HEX:
		if (block)
			strbuf_add(out, "0x", 2);
		rec_put_hex(out, v->u);
		break;
	case REC_UINT:
		rec_put_uint(out, v->u);
		break;
	case REC_INT:
		rec_put_int(out, v->i);
		break;
	case REC_BOOL:
		strbuf_addstr(out, v->u ? "yes" : "no");
		break;
	case REC_STR:
		if (r->num & bit)
			rec_put_uint(out, v->u);
		else
			strbuf_addstr(out, rec_get_s(r, f));
		break;
	case REC_DOUBLE:
		put_double(out, v->d, false);
		break;
	case REC_STRS:
		for (uint32_t i = 0; i < v->list.n; i++) {
			if (i)
				strbuf_addch(out, block ? ' ' : ',');
			strbuf_addstr(out, r->items.data[v->list.first + i]);
		}
		break;
	case REC_LIST:
	case REC_VALUE:
		break;
	}
}

/* Pad what was appended to @out since @start to @width. */
static void pad_from(struct strbuf *out, size_t start, int width)
{
	size_t len = out->len - start;
	size_t w = width < 0 ? (size_t)-width : (size_t)width;
	if (w <= len)
		return;
	size_t pad = w - len;
	char *p = room(out, pad);
	if (!p)
		return;
	if (width > 0) {
		memmove(out->buf + start + pad, out->buf + start, len);
		memset(out->buf + start, ' ', pad);
	} else {
		memset(p, ' ', pad);
	}
	commit(out, out->buf + out->len + pad);
}

static void text_columns(struct strbuf *out, const struct rec_row *r)
{
	const struct rec_schema *s = r->schema;
	for (unsigned c = 0; c < s->ncols; c++) {
		const struct rec_col *col = &s->cols[c];
		if (c)
			strbuf_addch(out, ' ');
		unsigned f = col->field;
		uint64_t bit = UINT64_C(1) << f;
		// the common cases without a second pass over the bytes
		if (!col->render && (r->set & ~r->nul & bit)) {
			unsigned type = s->fields[f].type;
			int w = col->width;
			size_t aw = w < 0 ? (size_t)-w : (size_t)w;
			char *p;
			if (type == REC_HEX && (p = room(out, aw + 16))) {
				unsigned n = hex_len(r->v[f].u);
				if (w > 0 && aw > n) {
					memset(p, ' ', aw - n);
					p += aw - n;
				}
				p = put_hex(p, r->v[f].u);
				if (w < 0 && aw > n) {
					memset(p, ' ', aw - n);
					p += aw - n;
				}
				commit(out, p);
				continue;
			}
			if (type == REC_STR && !(r->num & bit)) {
				const char *str = rec_get_s(r, f);
				rec_put_pad(out, str, strlen(str), w);
				continue;
			}
		}
		size_t start = out->len;
		if (col->render)
			col->render(out, r);
		else
			text_value(out, r, f, false);
		if (col->width)
			pad_from(out, start, col->width);
	}
	strbuf_addch(out, '\n');
}

void rec_put_header(struct strbuf *out, const struct rec_schema *s)
{
	for (unsigned c = 0; c < s->ncols; c++) {
		if (c)
			strbuf_addch(out, ' ');
		const char *t = s->cols[c].title ? s->cols[c].title : "";
		rec_put_pad(out, t, strlen(t), s->cols[c].width);
	}
	strbuf_addch(out, '\n');
}

void rec_write_header(struct rec_writer *w, const struct rec_schema *s)
{
	w->header_pending = false;
	if (w->mode == REC_TEXT && s->header)
		rec_put_header(w->out, s);
}

/* The generic text form (value_to_text() of a flat object): "key: value",
 * keys padded to the longest scalar key, lists on one line. */
static void text_block(struct strbuf *out, const struct rec_row *r, const unsigned char *order,
		       unsigned n)
{
	const struct rec_field *fd = r->schema->fields;
	size_t width = 0;
	for (unsigned i = 0; i < n; i++) {
		unsigned f = order[i];
		unsigned type = fd[f].type;
		if (rec_has(r, f) && type != REC_STRS && type != REC_LIST && type != REC_VALUE &&
		    fd[f].key_len > width)
			width = fd[f].key_len;
	}
	for (unsigned i = 0; i < n; i++) {
		unsigned f = order[i];
		if (!rec_has(r, f) || fd[f].type == REC_LIST || fd[f].type == REC_VALUE)
			continue;
		strbuf_add(out, fd[f].key, fd[f].key_len);
		strbuf_addch(out, ':');
		if (fd[f].type == REC_STRS) {
			if (rec_strs_count(r, f))
				strbuf_addch(out, ' ');
		} else {
			strbuf_addchars(out, ' ', width - fd[f].key_len + 1);
		}
		text_value(out, r, f, true);
		strbuf_addch(out, '\n');
	}
}

/* ---- the writer ---- */

void rec_writer_init(struct rec_writer *w, enum rec_mode mode, struct strbuf *out)
{
	memset(w, 0, sizeof(*w));
	w->mode = mode;
	w->out = out;
	w->header_pending = true;
}

unsigned rec_writer_project(struct rec_writer *w, const struct rec_schema *s, const char *keys)
{
	w->nproj = 0;
	w->projected = true;
	uint64_t seen = 0;
	for (const char *k = keys; *k;) {
		const char *end = strchr(k, ',');
		size_t len = end ? (size_t)(end - k) : strlen(k);
		for (unsigned f = 0; f < s->nfields && w->nproj < REC_MAX_FIELDS; f++) {
			if (s->fields[f].key_len != len || memcmp(s->fields[f].key, k, len) != 0 ||
			    ((seen >> f) & 1))
				continue;
			seen |= UINT64_C(1) << f;
			w->proj[w->nproj++] = (unsigned char)f;
		}
		k += len + (end != NULL);
	}
	if (w->mode == REC_TEXT)
		w->mode = REC_BLOCK;
	return w->nproj;
}

/* Before an item: the separator inside an open list. */
static void item_start(struct rec_writer *w)
{
	if (!w->depth)
		return;
	if (!w->open[w->depth - 1].first && w->mode == REC_JSON)
		strbuf_addch(w->out, ',');
	w->open[w->depth - 1].first = false;
}

void rec_write(struct rec_writer *w, const struct rec_row *r)
{
	const struct rec_schema *s = r->schema;
	struct strbuf *out = w->out;
	if (!w->depth) {
		if (w->header_pending)
			rec_write_header(w, s);
		w->records++;
	}
	item_start(w);
	switch (w->mode) {
	case REC_JSON: {
		strbuf_addch(out, '{');
		bool first = true;
		if (w->projected && !w->depth) {
			for (unsigned i = 0; i < w->nproj; i++) {
				unsigned f = w->proj[i];
				if (!rec_has(r, f))
					continue;
				json_key(out, &s->fields[f], !first);
				first = false;
				json_value(out, r, f);
			}
		} else {
			json_fields(out, r, 0, s->nfields, &first);
		}
		strbuf_addch(out, '}');
		if (!w->depth)
			strbuf_addch(out, '\n');
		break;
	}
	case REC_BLOCK:
		if (w->projected && !w->depth) {
			text_block(out, r, w->proj, w->nproj);
		} else {
			unsigned char all[REC_MAX_FIELDS];
			for (unsigned f = 0; f < s->nfields; f++)
				all[f] = (unsigned char)f;
			text_block(out, r, all, s->nfields);
		}
		break;
	case REC_TEXT:
		if (s->text)
			s->text(out, r);
		else if (s->ncols)
			text_columns(out, r);
		if (s->text_close)
			s->text_close(out, r);
		break;
	}
}

void rec_open(struct rec_writer *w, const struct rec_row *r, unsigned f)
{
	const struct rec_schema *s = r->schema;
	if (!w->depth) {
		if (w->header_pending)
			rec_write_header(w, s);
		w->records++;
	}
	item_start(w);
	if (w->mode == REC_JSON) {
		strbuf_addch(w->out, '{');
		bool first = true;
		json_fields(w->out, r, 0, f, &first);
		json_key(w->out, &s->fields[f], !first);
		strbuf_addch(w->out, '[');
	} else if (w->mode == REC_TEXT) {
		if (s->text)
			s->text(w->out, r);
		else if (s->ncols)
			text_columns(w->out, r);
	}
	if (w->depth < REC_MAX_DEPTH) {
		w->open[w->depth].row = r;
		w->open[w->depth].field = f;
		w->open[w->depth].first = true;
	}
	w->depth++;
}

void rec_close(struct rec_writer *w)
{
	if (!w->depth)
		return;
	w->depth--;
	if (w->depth >= REC_MAX_DEPTH)
		return;
	const struct rec_row *r = w->open[w->depth].row;
	unsigned f = w->open[w->depth].field;
	if (w->mode == REC_JSON) {
		strbuf_addch(w->out, ']');
		bool first = false;
		json_fields(w->out, r, f + 1, r->schema->nfields, &first);
		strbuf_addch(w->out, '}');
		if (!w->depth)
			strbuf_addch(w->out, '\n');
	} else if (w->mode == REC_TEXT && r->schema->text_close) {
		r->schema->text_close(w->out, r);
	}
}

/* ---- the sink ---- */

void rec_sink_init(struct rec_sink *s, FILE *fp)
{
	strbuf_init(&s->buf);
	s->fp = fp;
	s->flush_at = REC_SINK_FLUSH_AT;
	s->closed = false;
	s->error = 0;
}

void rec_sink_deinit(struct rec_sink *s)
{
	strbuf_release(&s->buf);
}

static void sink_out(struct rec_sink *s, const void *data, size_t len)
{
	if (s->closed || s->error || !len)
		return;
	errno = 0;
	if (fwrite(data, 1, len, s->fp) == len)
		return;
	if (errno == EPIPE)
		s->closed = true;
	else
		s->error = errno ? errno : EIO;
}

void rec_sink_flush(struct rec_sink *s)
{
	sink_out(s, s->buf.buf, s->buf.len);
	strbuf_setlen(&s->buf, 0);
	if (!s->closed && !s->error && s->fp && fflush(s->fp) != 0) {
		if (errno == EPIPE)
			s->closed = true;
		else
			s->error = errno ? errno : EIO;
	}
}

void rec_sink_write(struct rec_sink *s, const void *data, size_t len)
{
	if (len >= s->flush_at / 4) {
		sink_out(s, s->buf.buf, s->buf.len);
		strbuf_setlen(&s->buf, 0);
		sink_out(s, data, len);
		return;
	}
	strbuf_add(&s->buf, data, len);
	rec_sink_maybe_flush(s);
}
