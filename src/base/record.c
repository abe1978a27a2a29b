// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/record.h"

#include "base/value.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void rec_put_json_str(struct strbuf *out, const char *s);

/* ---- rows ---- */

void rec_row_init(struct rec_row *r, const struct rec_schema *s)
{
	memset(r, 0, sizeof(*r));
	r->schema = s;
	strbuf_init(&r->scratch);
	for (unsigned f = 0; f < s->nfields && f < REC_MAX_FIELDS; f++) {
		switch (s->fields[f].type) {
		case REC_DOUBLE:
		case REC_VALUE:
			r->slow |= UINT64_C(1) << f;
			break;
		case REC_HEX:
		case REC_UINT:
		case REC_INT:
		case REC_BOOL:
			r->cacheable |= UINT64_C(1) << f;
			r->plannable |= UINT64_C(1) << f;
			break;
		case REC_STR:
			// a number in it, or a static string (REC_NAME_FIELD)
			r->strs |= UINT64_C(1) << f;
			if (s->fields[f].static_str) {
				r->cacheable |= UINT64_C(1) << f;
				r->plannable |= UINT64_C(1) << f;
			}
			break;
		}
	}
}

void rec_row_deinit(struct rec_row *r)
{
	strbuf_release(&r->scratch);
	rec_items_deinit(&r->items);
	free(r->cache);
	r->cache = NULL;
	free(r->plans);
	r->plans = NULL;
}

/* @r's cache of encodings (allocated on first use), NULL if there is no
 * memory for one: then nothing is cached. */
static struct rec_enc_cache *enc_cache(const struct rec_row *r)
{
	struct rec_row *rw = (struct rec_row *)r;  // the cache is the writer's, not a value
	if (!rw->cache)
		rw->cache = calloc(1, sizeof(*rw->cache));
	return rw->cache;
}

/* The tag and value under which the encoding of set field @f of @r may be
 * remembered (struct rec_enc_cache); 0 when it may not (a string that is
 * not static, a list...).  The tag tells null and number apart. */
static inline uint8_t enc_key(const struct rec_row *r, unsigned f, uint64_t *val)
{
	uint64_t bit = UINT64_C(1) << f;
	if (!((r->cacheable & ~r->arena) & bit))
		return 0;
	*val = (r->nul & bit) ? 0 : r->v[f].u;
	return (uint8_t)(1 | ((r->nul & bit) ? 2 : 0) | ((r->num & bit) ? 4 : 0));
}

/* Write @slot's bytes at @p (the room allows REC_ENC_BYTES): most are
 * short, one 32-byte copy. */
static inline void enc_copy(char *p, const struct rec_enc_slot *slot)
{
	memcpy(p, slot->bytes, 32);
	if (slot->len > 32)
		memcpy(p + 32, slot->bytes + 32, REC_ENC_BYTES - 32);
}

/* Whether to remember a value that missed @slot.  Remembering reads back
 * bytes just written piece by piece, a store-forwarding stall; a field
 * whose values keep changing (the pid of each mapping in rmap --all
 * alternates between a few) would pay it on every row for nothing.  After
 * 8 misses in a row only every 32nd miss is remembered, so a field that
 * starts repeating is cached again soon. */
static inline bool enc_want(struct rec_enc_slot *slot)
{
	if (slot->misses < 255)
		slot->misses++;
	return slot->misses < 8 || (slot->misses & 31) == 0;
}

/* Remember the @n bytes at @p as the encoding of (@tag, @val) in @slot.
 * With @room, REC_ENC_BYTES may be read from @p (the JSON room): a
 * fixed-size copy then, not a call to memcpy() of @n bytes. */
static inline void enc_store(struct rec_enc_slot *slot, uint8_t tag, uint64_t val, const char *p, size_t n,
			     bool room)
{
	if (n > REC_ENC_BYTES) {
		slot->tag = 0;
		return;
	}
	if (!room) {
		memcpy(slot->bytes, p, n);
	} else {
		memcpy(slot->bytes, p, 32);
		if (n > 32)
			memcpy(slot->bytes + 32, p + 32, REC_ENC_BYTES - 32);
	}
	slot->len = (uint8_t)n;
	slot->tag = tag;
	slot->v = val;
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
	r->enc &= ~(UINT64_C(1) << f);
}

void rec_strs_add(struct rec_row *r, unsigned f, const char *s)
{
	if (!rec_has(r, f) || ((r->enc >> f) & 1))
		rec_strs_empty(r, f);
	if (!rec_items_append(&r->items, s)) {
		r->failed = true;
		return;
	}
	r->v[f].list.n++;
}

size_t rec_strs_count(const struct rec_row *r, unsigned f)
{
	if (!rec_has(r, f))
		return 0;
	return (r->enc >> f) & 1 ? r->v[f].enc->n : r->v[f].list.n;
}

const char *rec_strs_item(const struct rec_row *r, unsigned f, size_t i)
{
	if ((r->enc >> f) & 1)
		return r->v[f].enc->items[i];
	return r->items.data[r->v[f].list.first + i];
}

void rec_strs_enc_release(struct rec_strs_enc *e)
{
	if (e->items)
		for (uint32_t i = 0; i < e->n; i++)
			free((char *)e->items[i]);
	free(e->items);
	free(e->json);
	free(e->text);
	free(e->block);
	memset(e, 0, sizeof(*e));
}

bool rec_strs_encode(struct rec_strs_enc *e, const char *const *items, size_t n)
{
	memset(e, 0, sizeof(*e));
	struct strbuf json = STRBUF_INIT, text = STRBUF_INIT, block = STRBUF_INIT;
	e->items = calloc(n ? n : 1, sizeof(*e->items));
	bool ok = e->items != NULL;
	strbuf_addch(&json, '[');
	for (size_t i = 0; ok && i < n; i++) {
		if (!(e->items[i] = strdup(items[i]))) {
			ok = false;
			break;
		}
		e->n++;
		if (i) {
			strbuf_addch(&json, ',');
			strbuf_addch(&text, ',');
			strbuf_addch(&block, ' ');
		}
		rec_put_json_str(&json, items[i]);
		strbuf_addstr(&text, items[i]);
		strbuf_addstr(&block, items[i]);
	}
	strbuf_addch(&json, ']');
	if (!ok || strbuf_failed(&json) || strbuf_failed(&text) || strbuf_failed(&block)) {
		strbuf_release(&json);
		strbuf_release(&text);
		strbuf_release(&block);
		rec_strs_enc_release(e);
		return false;
	}
	e->json_len = json.len;
	e->text_len = text.len;
	e->block_len = block.len;
	e->json = strbuf_detach(&json);
	e->text = strbuf_detach(&text);
	e->block = strbuf_detach(&block);
	if (!e->json || !e->text || !e->block) {
		rec_strs_enc_release(e);
		return false;
	}
	return true;
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
				for (size_t i = 0; i < rec_strs_count(r, f); i++)
					value_push(x, value_string(rec_strs_item(r, f, i)));
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

/* "000102...ff": two hex digits a byte. */
static const char hexpairs[513] =
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	"404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
	"606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
	"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	"a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
	"c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
	"e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

/* "00" to "99". */
static const char decpairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

static inline unsigned hex_len(uint64_t v)
{
	return v ? (unsigned)(64 - __builtin_clzll(v) + 3) / 4 : 1;
}

/* The 8 hex digits of @x, most significant first, as 8 bytes to store
 * (each nibble spread into its own byte, then made ASCII, all at once). */
static inline uint64_t hex8(uint32_t x)
{
	uint64_t v = x;
	v = ((v & 0xffff0000u) << 16) | (v & 0xffffu);
	v = ((v & UINT64_C(0x0000ff000000ff00)) << 8) | (v & UINT64_C(0x000000ff000000ff));
	v = ((v & UINT64_C(0x00f000f000f000f0)) << 4) | (v & UINT64_C(0x000f000f000f000f));
	// nibble n (0..15) -> '0' + n, plus 'a' - '0' - 10 where n > 9
	uint64_t letters = ((v + UINT64_C(0x0606060606060606)) >> 4) & UINT64_C(0x0101010101010101);
	v += UINT64_C(0x3030303030303030) + letters * ('a' - '0' - 10);
	return __builtin_bswap64(v);  // the first digit to the lowest address
}

/* @v in hex without leading zeros.  Writes 16 bytes at @p whatever the
 * length (callers' room allows it); returns the end of the digits.  The
 * digits are moved into place in registers: storing them to a buffer and
 * reading them back at an offset stalled on store forwarding. */
static inline char *put_hex16(char *p, uint64_t v)
{
	uint64_t hi = hex8((uint32_t)(v >> 32)), lo = hex8((uint32_t)v);
	unsigned n = hex_len(v);
	// the 16 digits as one little-endian number: byte k is digit k
	unsigned __int128 all = ((unsigned __int128)lo << 64) | hi;
	all >>= 8 * (16 - n);  // the last n digits first
	uint64_t a = (uint64_t)all, b = (uint64_t)(all >> 64);
	memcpy(p, &a, 8);
	memcpy(p + 8, &b, 8);
	return p + n;
}

static inline char *put_hex(char *p, uint64_t v)
{
	unsigned n = hex_len(v);
	char *e = p + n;
	unsigned i = n;
	for (; i >= 2; i -= 2, v >>= 8)
		memcpy(p + i - 2, hexpairs + 2 * (v & 0xff), 2);
	if (i)
		p[0] = hexdigits[v & 15];
	return e;
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
	char *e = p + n;
	for (; v >= 100; v /= 100) {
		e -= 2;
		memcpy(e, decpairs + 2 * (v % 100), 2);
	}
	if (v >= 10)
		memcpy(e - 2, decpairs + 2 * v, 2);
	else
		e[-1] = (char)('0' + v);
	return p + n;
}

/* @v in decimal, a '-' first when negative (21 bytes at most). */
static inline char *put_int(char *p, int64_t v)
{
	if (v < 0) {
		*p++ = '-';
		return put_dec(p, -(uint64_t)v);
	}
	return put_dec(p, (uint64_t)v);
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
	commit(out, put_int(p, v));
}

void rec_put_item(struct strbuf *out, const char *s, char sep)
{
	size_t n = strlen(s);
	char *p = room(out, n + 1);
	if (!p)
		return;
	if (sep)
		*p++ = sep;
	commit(out, put_mem(p, s, n));
}

/* @s in @width (> 0 right-aligned, < 0 left-aligned). */
static void rec_put_pad(struct strbuf *out, const char *s, size_t len, int width)
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

/* Bytes that need an escape in a JSON string (json_quote() rules): controls,
 * '"', '\\' and everything from 0x7f on. */
static const unsigned char json_escape[256] = {
	[0 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x7f ... 0xff] = 1,
};

static inline bool json_special(unsigned char c)
{
	return json_escape[c];
}

/* Append @s as a JSON string literal, quotes included (bytes that are not
 * printable ASCII become \u00XX, as json_quote()). */
static void rec_put_json_str(struct strbuf *out, const char *s)
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

/* Bytes @s takes as a JSON string literal, at most (every byte escaped). */
static inline size_t json_str_bound(const char *s)
{
	return 2 + 6 * strlen(s);
}

/* Write @s as a JSON string literal at @p, not past @end; NULL when it
 * does not fit. */
static char *put_json_str(char *p, const char *end, const char *s)
{
	if (end - p < 2)
		return NULL;
	*p++ = '"';
	for (;;) {
		size_t n = 0;
		while (!json_escape[(unsigned char)s[n]])  // stops at the NUL too
			n++;
		if ((size_t)(end - p) < n + 7)  // the run, an escape, the quote
			return NULL;
		p = put_mem(p, s, n);
		s += n;
		if (!*s)
			break;
		unsigned char c = (unsigned char)*s++;
		switch (c) {
		case '"': p = put_mem(p, "\\\"", 2); break;
		case '\\': p = put_mem(p, "\\\\", 2); break;
		case '\n': p = put_mem(p, "\\n", 2); break;
		case '\r': p = put_mem(p, "\\r", 2); break;
		case '\t': p = put_mem(p, "\\t", 2); break;
		default:
			p = put_mem(p, "\\u00", 4);
			*p++ = hexdigits[c >> 4];
			*p++ = hexdigits[c & 15];
		}
	}
	*p++ = '"';
	return p;
}

/* Bytes the key and value of set field @f take, at most; 0 for a value
 * that is written through a strbuf (REC_DOUBLE, REC_VALUE). */
static size_t json_field_bound(const struct rec_row *r, unsigned f)
{
	uint64_t bit = UINT64_C(1) << f;
	size_t key = sizeof(r->schema->fields[f].json_key) + 1;  // ,"key": copied whole
	if (r->nul & bit)
		return key + 4;
	switch (r->schema->fields[f].type) {
	case REC_HEX:
	case REC_UINT:
	case REC_INT:
		return key + 21;
	case REC_BOOL:
		return key + 5;
	case REC_STR:
		return key + (r->num & bit ? 20 : json_str_bound(rec_get_s(r, f)));
	case REC_STRS: {
		if ((r->enc >> f) & 1)
			return key + r->v[f].enc->json_len;
		size_t n = key + 2;
		for (uint32_t i = 0; i < r->v[f].list.n; i++)
			n += 1 + json_str_bound(r->items.data[r->v[f].list.first + i]);
		return n;
	}
	case REC_LIST:
		return key + 2;
	default:
		return 0;
	}
}

/* Write set field @f (",", key and value) at @p, not past @end (which
 * leaves at least JSON_FIELD_ROOM bytes for anything but strings); NULL
 * when a string does not fit.  The types json_field_bound() calls 0 are
 * not here. */
#define JSON_FIELD_ROOM (sizeof(((struct rec_field *)0)->json_key) + 32)

static inline __attribute__((always_inline)) char *json_field(char *p, const char *end,
							     const struct rec_row *r, unsigned f, bool comma)
{
	const struct rec_field *fd = &r->schema->fields[f];
	uint64_t bit = UINT64_C(1) << f;
	const union rec_slot *v = &r->v[f];
	if (comma)
		*p++ = ',';
	memcpy(p, fd->json_key, sizeof(fd->json_key));  // the room allows it
	p += fd->key_len + 3u;
	if (r->nul & bit)
		return put_mem(p, "null", 4);
	switch (fd->type) {
	case REC_HEX:
		p = put_mem(p, "\"0x", 3);
		p = put_hex16(p, v->u);
		*p++ = '"';
		return p;
	case REC_UINT:
		return put_dec(p, v->u);
	case REC_INT:
		return put_int(p, v->i);
	case REC_BOOL:
		return v->u ? put_mem(p, "true", 4) : put_mem(p, "false", 5);
	case REC_STR:
		if (r->num & bit)
			return put_dec(p, v->u);
		return put_json_str(p, end, rec_get_s(r, f));
	case REC_STRS:
		if (r->enc & bit) {
			if ((size_t)(end - p) < v->enc->json_len)
				return NULL;
			return put_mem(p, v->enc->json, v->enc->json_len);
		}
		*p++ = '[';
		for (uint32_t i = 0; i < v->list.n && p; i++) {
			if (i)
				*p++ = ',';
			p = put_json_str(p, end - 1, r->items.data[v->list.first + i]);
		}
		if (p)
			*p++ = ']';
		return p;
	case REC_LIST:
		return put_mem(p, "[]", 2);  // set but never opened: empty
	default:
		return p;
	}
}

/* The fields json_field() does not write: through a strbuf. */
static void json_field_slow(struct strbuf *out, const struct rec_row *r, unsigned f, bool comma)
{
	const struct rec_field *fd = &r->schema->fields[f];
	if (comma)
		strbuf_addch(out, ',');
	strbuf_addch(out, '"');
	strbuf_add(out, fd->key, fd->key_len);
	strbuf_add(out, "\":", 2);
	if (r->nul & (UINT64_C(1) << f)) {
		strbuf_add(out, "null", 4);
	} else if (fd->type == REC_DOUBLE) {
		put_double(out, r->v[f].d, true);
	} else if (fd->type == REC_VALUE) {
		if (r->v[f].val)
			value_to_json(r->v[f].val, out);
		else
			strbuf_add(out, "null", 4);
	}
}

/* Write the set fields of @r among @mask, in field order (or, with @order,
 * in that order); *first: no field written yet in this object. */
/* One field of json_fields_order() at @p, in the room before *end (a new
 * room when less than JSON_FIELD_ROOM bytes are left); the end of what was
 * written, NULL when out of memory. */
static inline __attribute__((always_inline)) char *
json_one(struct strbuf *out, const struct rec_row *r, struct rec_enc_cache *cache, unsigned f,
	 bool comma, char *p, char **end)
{
	const size_t chunk = 4096;
	uint64_t bit = UINT64_C(1) << f;
	if ((size_t)(*end - p) < JSON_FIELD_ROOM) {
		commit(out, p);
		if (!(p = room(out, chunk)))
			return NULL;
		*end = p + chunk;
	}
	if (r->slow & bit) {
		commit(out, p);
		json_field_slow(out, r, f, comma);
		if (!(p = room(out, chunk)))
			return NULL;
		*end = p + chunk;
		return p;
	}
	// a value written before: its bytes again (the room holds them)
	struct rec_enc_slot *slot = NULL;
	uint64_t val = 0;
	uint8_t tag = cache ? enc_key(r, f, &val) : 0;
	if (tag) {
		slot = &cache->json[f];
		if (slot->tag == tag && slot->v == val) {
			slot->misses = 0;
			*p = ',';
			p += comma;
			enc_copy(p, slot);
			p += slot->len;
			return p;
		}
	}
	char *q = json_field(p, *end, r, f, comma);
	if (!q) {  // a long string
		size_t need = json_field_bound(r, f) + JSON_FIELD_ROOM;
		commit(out, p);
		if (!(p = room(out, need)))
			return NULL;
		*end = p + need;
		q = json_field(p, *end, r, f, comma);
	}
	// the room: JSON_FIELD_ROOM bytes from p at least
	_Static_assert(REC_ENC_BYTES + 1 <= JSON_FIELD_ROOM, "the room holds a cached encoding");
	if (slot && q && enc_want(slot))
		enc_store(slot, tag, val, p + comma, (size_t)(q - p) - comma, true);
	return q;
}

/* Write the set fields of @r among @mask, in field order (or, with @order,
 * in that order); *first: no field written yet in this object. */
static void json_fields_order(struct strbuf *out, const struct rec_row *r, uint64_t mask,
			      const unsigned char *order, unsigned n, bool *first)
{
	uint64_t set = r->set & mask;
	// Write into a large reservation, with room for any field but a long
	// string left before each; a string that does not fit is written again
	// after a reservation of its bound.
	const size_t chunk = 4096;
	char *p = room(out, chunk), *end = p ? p + chunk : NULL;
	if (!p)
		return;
	struct rec_enc_cache *cache = enc_cache(r);
	bool comma = !*first;
	if (order) {
		for (unsigned i = 0; i < n; i++) {
			unsigned f = order[i];
			if (!((set >> f) & 1))
				continue;
			if (!(p = json_one(out, r, cache, f, comma, p, &end)))
				return;
			comma = true;
		}
	} else {
		for (; set; set &= set - 1) {
			unsigned f = (unsigned)__builtin_ctzll(set);
			if (!(p = json_one(out, r, cache, f, comma, p, &end)))
				return;
			comma = true;
		}
	}
	*first = !comma;
	commit(out, p);
}

/* Set fields [from, to) of @r; *first: no field written yet in this object. */
static void json_fields(struct strbuf *out, const struct rec_row *r, unsigned from, unsigned to,
			bool *first)
{
	uint64_t mask = (to >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << to) - 1) &
			~((UINT64_C(1) << from) - 1);
	json_fields_order(out, r, mask, NULL, 0, first);
}

/*
 * The planned way to write fields: for the rows of record streams, which
 * set the same fields row after row (rmap --all writes millions of
 * {"pid":N,"vaddr":"0x..."} items).  The plan of a set of fields holds
 * each one's key, with the comma before it, as one literal; a row is then
 * written into one reservation, a copy of a literal and a number per
 * field, without the general way's checks per field (room, slow types,
 * the encoding cache).  Only numbers, booleans and static strings
 * (REC_NAME_FIELD) are planned, none null.
 */

/* The plan for fields @set of @r (all plannable), made if it is not among
 * the row's plans; NULL when out of memory. */
static struct rec_plan *plan_make(const struct rec_row *r, uint64_t set);

static inline __attribute__((always_inline)) struct rec_plan *plan_of(const struct rec_row *r, uint64_t set)
{
	struct rec_plan *pl = r->plans;
	if (pl) {
		_Static_assert(REC_PLANS == 2, "two plans looked at");
		if (pl[0].set == set)
			return &pl[0];
		if (pl[1].set == set)
			return &pl[1];
	}
	return plan_make(r, set);
}

static struct rec_plan *plan_make(const struct rec_row *r, uint64_t set)
{
	struct rec_row *rw = (struct rec_row *)r;  // the plans are the writer's, not values
	if (!rw->plans && !(rw->plans = calloc(REC_PLANS, sizeof(*rw->plans))))
		return NULL;
	struct rec_plan *pl = &rw->plans[rw->next_plan];
	rw->next_plan = (rw->next_plan + 1) % REC_PLANS;
	pl->n = 0;
	pl->nstrs = 0;
	pl->bound = 0;
	for (uint64_t m = set; m; m &= m - 1) {
		unsigned f = (unsigned)__builtin_ctzll(m);
		const struct rec_field *fd = &r->schema->fields[f];
		struct rec_plan_step *st = &pl->steps[pl->n++];
		memset(st->lit, 0, sizeof(st->lit));
		st->lit[0] = ',';
		memcpy(st->lit + 1, fd->json_key, fd->key_len + 3u);
		st->lit_len = (uint8_t)(fd->key_len + 4u);
		if (fd->type == REC_HEX) {
			memcpy(st->lit + st->lit_len, "\"0x", 3);
			st->lit_len += 3;
		}
		st->field = (uint8_t)f;
		st->type = fd->type;
		st->last = NULL;
		st->enc_len = 0;
		if (fd->type == REC_STR)
			pl->strs[pl->nstrs++] = (unsigned char)(pl->n - 1);
		// a number, or the last string again (another adds its bound)
		pl->bound += st->lit_len + sizeof(st->enc);
	}
	pl->set = set;
	return pl;
}

_Static_assert(sizeof(((struct rec_field *)0)->json_key) + 4 <= sizeof(((struct rec_plan_step *)0)->lit),
	       "a plan's literal holds a comma, a key and \"0x");

/* The value of plan step @st, a number or a boolean, at @p (room for 32
 * bytes); returns the end. */
static inline __attribute__((always_inline)) char *step_number(char *p, struct rec_plan_step *st,
							       const union rec_slot *v)
{
	switch (st->type) {
	case REC_HEX: {
		// an address repeats from item to item: the same page at the
		// same place in processes forked from one
		if (v->u == st->last_u && st->enc_len) {
			memcpy(p, st->enc, 24);
			return p + st->enc_len;
		}
		char *q = put_hex16(p, v->u);
		*q++ = '"';
		memcpy(st->enc, p, 24);
		st->enc_len = (uint8_t)(q - p);
		st->last_u = v->u;
		return q;
	}
	case REC_UINT:
		return put_dec(p, v->u);
	case REC_INT:
		return put_int(p, v->i);
	default:  // REC_BOOL
		return v->u ? put_mem(p, "true", 4) : put_mem(p, "false", 5);
	}
}

/*
 * Write the set fields of @r among @mask by their plan, with @pre before
 * them and @post after (16 and 48 bytes copied whole; a comma that begins
 * @post is left out if no field came before it), all in one reservation;
 * *first as for json_fields(): whether a field comes first in its object
 * (no comma before it).  False when the plan does not apply
 * (a field it cannot write is set): nothing was written then.
 */
static inline __attribute__((always_inline)) bool
json_planned(struct strbuf *out, const struct rec_row *r, uint64_t mask, const char *pre, size_t npre,
	     const char *post, size_t npost, bool *first)
{
	uint64_t set = r->set & mask;
	if (set & ~r->plannable)
		return false;
	uint64_t strs = set & r->strs;
	if (set & (r->nul | r->arena) || (strs & r->num))
		return false;
	struct rec_plan *pl = NULL;
	if (set && !(pl = plan_of(r, set)))
		return false;
	size_t need = 96;
	if (pl) {
		need += pl->bound;
		for (unsigned i = 0; i < pl->nstrs; i++) {
			const struct rec_plan_step *st = &pl->steps[pl->strs[i]];
			if (st->last != r->v[st->field].s)
				need += json_str_bound(r->v[st->field].s) + 8;
		}
	}
	char *p = room(out, need);
	if (!p)
		return true;  // the strbuf is marked failed
	memcpy(p, pre, 16);
	p += npre;
	size_t skip = *first;  // the comma of the first field
	for (unsigned i = 0; pl && i < pl->n; i++) {
		struct rec_plan_step *st = &pl->steps[i];
		const union rec_slot *v = &r->v[st->field];
		// the room allows it; most keys are short
		if (st->lit_len <= 17)
			memcpy(p, st->lit + skip, 16);
		else
			memcpy(p, st->lit + skip, 40);
		p += st->lit_len - skip;
		skip = 0;
		switch (st->type) {
		case REC_HEX:
		case REC_UINT:
		case REC_INT:
		case REC_BOOL:
			p = step_number(p, st, v);
			break;
		case REC_STR: {
			// the names of a static string field are few and
			// repeat: the last one's encoding is kept
			if (v->s == st->last) {
				memcpy(p, st->enc, sizeof(st->enc));
				p += st->enc_len;
				break;
			}
			char *q = put_json_str(p, p + json_str_bound(v->s) + 8, v->s);
			st->last = NULL;
			if ((size_t)(q - p) <= sizeof(st->enc)) {
				memcpy(st->enc, p, (size_t)(q - p));
				st->enc_len = (uint8_t)(q - p);
				st->last = v->s;
			}
			p = q;
			break;
		}
		}
	}
	if (pl)
		*first = false;
	// a comma that begins @post only follows a field
	size_t drop = post[0] == ',' && *first;
	if (npost <= 16)
		memcpy(p, post + drop, 16);
	else
		memcpy(p, post + drop, 48);
	p += npost - drop;
	commit(out, p);
	return true;
}

/* What json_planned() writes around a record's fields, 16 bytes each:
 * [an item after another], [a record at the top level]. */
static const char json_open[2][16] = { "{", ",{" };
static const char json_open_list_end[16] = "]";
static const char json_close[2][49] = { "}", "}\n" };

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
		if (r->enc & bit) {
			if (block)
				strbuf_add(out, v->enc->block, v->enc->block_len);
			else
				strbuf_add(out, v->enc->text, v->enc->text_len);
			break;
		}
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

/* Write @n bytes of spaces at @p (n small: a column's padding). */
static inline char *put_spaces(char *p, size_t n)
{
	static const char spaces[64] = "                                                                ";
	if (n <= sizeof(spaces)) {
		memcpy(p, spaces, n);
		return p + n;
	}
	memset(p, ' ', n);
	return p + n;
}

/* @n bytes of @s padded to @w. */
static inline char *put_padded(char *p, const char *s, size_t n, int w)
{
	size_t aw = w < 0 ? (size_t)-w : (size_t)w;
	if (w > 0 && aw > n)
		p = put_spaces(p, aw - n);
	p = put_mem(p, s, n);
	if (w < 0 && aw > n)
		p = put_spaces(p, aw - n);
	return p;
}

/* A number's @n (<= 24) digits in @tmp (48 bytes) padded to @w, in fixed-size
 * copies: the room must have aw + 64 bytes. */
static inline char *put_padded_number(char *p, const char *tmp, size_t n, int w)
{
	static const char spaces[32] = "                                ";
	size_t aw = w < 0 ? (size_t)-w : (size_t)w;
	size_t pad = aw > n ? aw - n : 0;
	if (pad > sizeof(spaces))
		return put_padded(p, tmp, n, w);
	if (w > 0) {
		memcpy(p, spaces, sizeof(spaces));
		p += pad;
	}
	memcpy(p, tmp, 24);
	p += n;
	if (w < 0) {
		memcpy(p, spaces, sizeof(spaces));
		p += pad;
	}
	return p;
}

/* Room for @need bytes at @p, before @end: *end moves past a new room of
 * at least @need + TEXT_CHUNK bytes when there was not (NULL: failed). */
#define TEXT_CHUNK 4096
static inline char *text_room(struct strbuf *out, char *p, char **end, size_t need)
{
	if ((size_t)(*end - p) >= need)
		return p;
	commit(out, p);
	if (!(p = room(out, need + TEXT_CHUNK)))
		return NULL;
	*end = p + need + TEXT_CHUNK;
	return p;
}

static void text_columns(struct strbuf *out, const struct rec_row *r)
{
	const struct rec_schema *s = r->schema;
	const struct rec_field *fd = s->fields;
	uint64_t plain = r->set & ~r->nul;  // fields with a non-null value
	// one reservation for the row, as the JSON writer does; a column that
	// does not fit (a long string) or goes through a strbuf commits first
	char *p = room(out, TEXT_CHUNK), *end = p ? p + TEXT_CHUNK : NULL;
	if (!p)
		return;
	struct rec_enc_cache *cache = s->ncols <= REC_MAX_FIELDS ? enc_cache(r) : NULL;
	// the fields whose encoding the cache may hold in this row (enc_key():
	// not null here, so the tag only tells a number in a string field)
	uint64_t cacheable = cache ? r->cacheable & ~r->arena & plain : 0;
	for (unsigned c = 0; c < s->ncols; c++) {
		const struct rec_col *col = &s->cols[c];
		unsigned f = col->field;
		struct rec_enc_slot *slot = NULL;
		uint64_t val = 0;
		uint8_t tag = 0;
		if (!col->render && ((cacheable >> f) & 1)) {
			// a value written before in this column: its bytes again
			tag = (uint8_t)(1 | ((r->num >> f) & 1) << 2);
			val = r->v[f].u;
			slot = &cache->text[c];
			if (slot->tag == tag && slot->v == val) {
				slot->misses = 0;
				if (!(p = text_room(out, p, &end, REC_ENC_BYTES + 2)))
					return;
				if (c)
					*p++ = ' ';
				enc_copy(p, slot);
				p += slot->len;
				continue;
			}
		}
		int w = col->width;
		size_t aw = w < 0 ? (size_t)-w : (size_t)w;
		if (!col->render && ((plain >> f) & 1)) {
			char tmp[48], *e;
			switch (fd[f].type) {
			case REC_HEX:
				e = put_hex16(tmp, r->v[f].u);
				break;
			case REC_UINT:
				e = put_dec(tmp, r->v[f].u);
				break;
			case REC_INT:
				e = tmp;
				if (r->v[f].i < 0) {
					*e++ = '-';
					e = put_dec(e, -(uint64_t)r->v[f].i);
				} else {
					e = put_dec(e, (uint64_t)r->v[f].i);
				}
				break;
			case REC_STR:
				if ((r->num >> f) & 1) {
					e = put_dec(tmp, r->v[f].u);
					break;
				}
				const char *str = rec_get_s(r, f);
				size_t n = strlen(str);
				if (!(p = text_room(out, p, &end, aw + n + 2)))
					return;
				if (c)
					*p++ = ' ';
				char *cs = p;
				p = put_padded(p, str, n, w);
				if (slot && enc_want(slot))
					enc_store(slot, tag, val, cs, (size_t)(p - cs), false);
				continue;
			default:
				e = NULL;
			}
			if (e) {
				if (!(p = text_room(out, p, &end, aw + 65)))
					return;
				if (c)
					*p++ = ' ';
				char *cs = p;
				p = put_padded_number(p, tmp, (size_t)(e - tmp), w);
				if (slot && enc_want(slot))
					enc_store(slot, tag, val, cs, (size_t)(p - cs), false);
				continue;
			}
		}
		// through the strbuf
		if (c)
			*p++ = ' ';  // the room holds at least TEXT_CHUNK
		commit(out, p);
		size_t start = out->len;
		if (col->render)
			col->render(out, r);
		else
			text_value(out, r, f, false);
		if (w)
			pad_from(out, start, w);
		if (!(p = room(out, TEXT_CHUNK)))
			return;
		end = p + TEXT_CHUNK;
	}
	if ((p = text_room(out, p, &end, 1))) {
		*p++ = '\n';
		commit(out, p);
	}
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
	if (w->mode == REC_JSON && !(w->projected && !w->depth)) {
		// an item after another: its comma first
		bool sep = w->depth && !w->open[w->depth - 1].first;
		bool first = true;
		if (json_planned(out, r, ~UINT64_C(0), json_open[sep], 1 + sep, json_close[!w->depth],
				 1 + !w->depth, &first)) {
			if (w->depth)
				w->open[w->depth - 1].first = false;
			return;
		}
	}
	item_start(w);
	switch (w->mode) {
	case REC_JSON: {
		strbuf_addch(out, '{');
		bool first = true;
		if (w->projected && !w->depth) {
			json_fields_order(out, r, ~UINT64_C(0), w->proj, w->nproj, &first);
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

/* The fields of @set by their order, @r's values set from @vals. */
static void items_fill(struct rec_row *r, uint64_t set, const union rec_slot *vals)
{
	for (uint64_t m = set; m; m &= m - 1)
		r->v[__builtin_ctzll(m)] = *vals++;
}

void rec_write_items(struct rec_writer *w, struct rec_row *r, const union rec_slot *vals, size_t n)
{
	const uint64_t set = r->set;
	const unsigned k = (unsigned)__builtin_popcountll(set);
	struct rec_plan *pl = NULL;
	// the plan's way: JSON items of an open list, numbers and booleans
	// (no string, null or slow field: nothing a plan leaves to the
	// general way), and at least one of them
	if (w->mode == REC_JSON && w->depth && w->depth <= REC_MAX_DEPTH && set &&
	    !(set & (~r->plannable | r->strs | r->nul | r->arena)))
		pl = plan_of(r, set);
	if (!pl) {
		for (size_t i = 0; i < n; i++) {
			items_fill(r, set, vals + i * k);
			rec_write(w, r);
		}
		return;
	}
	struct strbuf *out = w->out;
	bool *first = &w->open[w->depth - 1].first;
	const size_t need = pl->bound + 8;
	for (size_t i = 0; i < n; i++) {
		const union rec_slot *v = vals + i * k;
		char *p = room(out, need);
		if (!p)
			return;  // the strbuf is marked failed
		if (!*first)
			*p++ = ',';
		*first = false;
		*p++ = '{';
		for (unsigned j = 0; j < pl->n; j++, v++) {
			struct rec_plan_step *st = &pl->steps[j];
			size_t skip = j == 0;  // no comma before the first field
			if (st->lit_len <= 17)
				memcpy(p, st->lit + skip, 16);
			else
				memcpy(p, st->lit + skip, 40);
			p += st->lit_len - skip;
			p = step_number(p, st, v);
		}
		*p++ = '}';
		commit(out, p);
	}
	if (n)
		items_fill(r, set, vals + (n - 1) * k);
}

void rec_open(struct rec_writer *w, const struct rec_row *r, unsigned f)
{
	const struct rec_schema *s = r->schema;
	if (!w->depth) {
		if (w->header_pending)
			rec_write_header(w, s);
		w->records++;
	}
	if (w->mode == REC_JSON && w->depth < REC_MAX_DEPTH) {
		bool sep = w->depth && !w->open[w->depth - 1].first;
		bool first = true;
		// the fields before the list, and its key
		char list[49] = { ',' };
		memcpy(list + 1, s->fields[f].json_key, sizeof(s->fields[f].json_key));
		list[s->fields[f].key_len + 4] = '[';
		if (json_planned(w->out, r, (UINT64_C(1) << f) - 1, json_open[sep], 1 + sep, list,
				 s->fields[f].key_len + 5u, &first)) {
			if (w->depth)
				w->open[w->depth - 1].first = false;
			w->open[w->depth].row = r;
			w->open[w->depth].field = f;
			w->open[w->depth].first = true;
			w->depth++;
			return;
		}
	}
	item_start(w);
	if (w->mode == REC_JSON) {
		strbuf_addch(w->out, '{');
		bool first = true;
		json_fields(w->out, r, 0, f, &first);
		if (!first)
			strbuf_addch(w->out, ',');
		strbuf_addch(w->out, '"');
		strbuf_add(w->out, s->fields[f].key, s->fields[f].key_len);
		strbuf_add(w->out, "\":[", 3);
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
		bool first = false;
		uint64_t after = f + 1 >= 64 ? 0 : ~((UINT64_C(2) << f) - 1);
		if (json_planned(w->out, r, after, json_open_list_end, 1, json_close[!w->depth],
				 1 + !w->depth, &first))
			return;
		strbuf_addch(w->out, ']');
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
