// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The streaming record writer: how every record stream (pages, rmap --all,
 * ps, vm, list, tree, log...) reaches its output, as text, JSON or NDJSON,
 * with no allocation per row and no lookup of a field by name.
 *
 * A command declares the schema of its records once, as static data:
 *
 *   enum { F_PFN, F_FLAGS, F_USE, F_NR };            field numbers
 *   static const struct rec_field page_fields[] = {
 *       [F_PFN] = REC_FIELD("pfn", REC_HEX),         JSON key and type,
 *       [F_FLAGS] = REC_FIELD("flags", REC_HEX),     in JSON order
 *       [F_USE] = REC_FIELD("use", REC_STR),
 *   };
 *   static const struct rec_col page_cols[] = {      text columns, in order
 *       { F_PFN, 10, "PFN" }, { F_USE, -10, "USE" }, { F_FLAGS, 16, "FLAGS" },
 *   };
 *   static const struct rec_schema page_schema = REC_SCHEMA(page_fields, page_cols);
 *
 * and per row fills a struct rec_row by field number (rec_hex(), rec_str()...)
 * and hands it to rec_write().  The row is a fixed array of slots: filling it
 * stores numbers and borrowed pointers; rec_write() encodes the set fields
 * straight into a strbuf (one JSON object per line, or one text line through
 * the columns: width > 0 right-aligned, < 0 left-aligned, 0 as is; hex
 * without "0x").  A schema whose text is not a table gives `text` (and
 * `text_close`) functions instead of columns.
 *
 * Nesting: a field of type REC_LIST holds records of another schema, streamed:
 * rec_open(w, row, F) writes the row up to list F (JSON: its fields before F
 * and `"key":[`; text: the row), then every rec_write() is an item of that
 * list, until rec_close() writes the rest (JSON: `]`, the fields after F,
 * `}`; text: the schema's text_close).  A document that holds a stream
 * (ps: {"tasks":[...]}, vm: {..."vmas":[{..."pages":[...]}]}) is written so,
 * without ever holding the stream in memory.
 *
 * Output: a struct strbuf.  Rows may be encoded on worker threads, each
 * with its own struct rec_writer and strbuf, and the buffers written out in
 * order; struct rec_sink is the large buffered output on a FILE that the
 * main thread writes them to.  A closed pipe (EPIPE) makes the sink drop
 * everything quietly and say so (rec_sink_closed()), so a stream can stop.
 *
 * Nothing here allocates per row once the buffers have grown; a failed
 * allocation is the strbuf's sticky failure (base/strbuf.h).
 */
#ifndef VMS_BASE_RECORD_H
#define VMS_BASE_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/strbuf.h"
#include "base/vector.h"

enum rec_type {
	REC_HEX,     // uint64_t: JSON "0x..." string, text hex digits
	REC_UINT,    // uint64_t: decimal
	REC_INT,     // int64_t: decimal
	REC_BOOL,    // JSON true/false, text yes/no
	REC_STR,     // a string (JSON-escaped); a row may also store a number
	             // in a REC_STR field (rec_uint()), written as a number
	REC_DOUBLE,  // %.6g, JSON null when not finite
	REC_STRS,    // a list of strings: JSON array, text joined by ','
	REC_LIST,    // records of another schema, streamed (rec_open())
	REC_VALUE,   // a borrowed struct vms_value (a nested object whose shape
	             // is only known at run time); JSON only, text leaves it out
};

#define REC_MAX_FIELDS 64

struct rec_field {
	const char *key;
	unsigned char key_len;
	unsigned char type;  // enum rec_type
	char json_key[32];   // "\"key\":", zero-padded: copied 32 bytes at a time
	bool static_str;     // REC_STR whose strings are never rewritten in place
};

/* A field: JSON key (a string literal, at most 28 characters) and type. */
#define REC_FIELD(key, type) { key, sizeof(key) - 1, type, "\"" key "\":", false }
/* A REC_STR field whose values are static strings (names from a table,
 * literals): the writer may know a value by its address (struct
 * rec_enc_cache). */
#define REC_NAME_FIELD(key) { key, sizeof(key) - 1, REC_STR, "\"" key "\":", true }

struct rec_row;

/* A text column: field @field with @width; or, with @render, whatever
 * render appends (padded to @width as a field would be). */
struct rec_col {
	unsigned field;
	int width;           // > 0 right-aligned, < 0 left-aligned, 0 as is
	const char *title;   // the header line's title (NULL: "")
	void (*render)(struct strbuf *out, const struct rec_row *r);
};

/* Text of a row by hand: the row (at rec_write(), or at rec_open()) and
 * what follows its list's items (at rec_close(), or right after text at
 * rec_write()).  Either may be NULL. */
typedef void rec_text_fn(struct strbuf *out, const struct rec_row *r);

struct rec_schema {
	const struct rec_field *fields;
	unsigned nfields;
	const struct rec_col *cols;  // a table: one line per row, columns
	unsigned ncols;              // separated by one space
	bool header;                 // a line of the titles before the first row
	rec_text_fn *text;           // instead of columns
	rec_text_fn *text_close;
};

#define REC_SCHEMA(fields, cols)                                                        \
	{ fields, sizeof(fields) / sizeof((fields)[0]), cols, sizeof(cols) / sizeof((cols)[0]), \
	  false, NULL, NULL }

VMS_DEFINE_VECTOR(rec_items, const char *);

/* What the writer last wrote for each field (JSON: `"key":value`) and each
 * text column (padded) of a row, by value: a stream's rows repeat most of
 * their values, and a value met again is copied, not encoded.  Numbers,
 * booleans, nulls and static strings (REC_NAME_FIELD) only. */
#define REC_ENC_BYTES 53
struct rec_enc_slot {
	uint64_t v;     // the value (a static string: its address)
	uint8_t tag;    // 0: empty; else what kind of value (enc_tag())
	uint8_t len;
	uint8_t misses; // misses in a row (saturating): storing on each costs
	char bytes[REC_ENC_BYTES];
};
struct rec_enc_cache {
	struct rec_enc_slot json[REC_MAX_FIELDS];
	struct rec_enc_slot text[REC_MAX_FIELDS];  // by column
};

/* A list of strings encoded once, for a REC_STRS value that recurs across
 * many rows (the names of a page's flags word): its items, its JSON array
 * and its text, written by copying (rec_strs_encoded()). */
/* A row's JSON plan (json_planned()): for one set of fields, each field's
 * key and what comes before its value, as one literal to copy. */
struct rec_plan_step {
	char lit[48];     // ,"key": and, for a hex number, "0x (the comma skipped first)
	uint8_t lit_len;
	uint8_t field;
	uint8_t type;     // enum rec_type
	uint8_t enc_len;  // a static string or a hex number: the last one
	const char *last; // written, encoded (enc_len 0, last NULL: none)
	uint64_t last_u;
	char enc[32];
};
struct rec_plan {
	uint64_t set;     // the fields it writes (0: empty)
	unsigned n;
	size_t bound;     // bytes at most, static strings aside
	struct rec_plan_step steps[REC_MAX_FIELDS];
	unsigned nstrs;   // the steps of static strings
	unsigned char strs[REC_MAX_FIELDS];
};
#define REC_PLANS 2

struct rec_strs_enc {
	const char **items;
	uint32_t n;
	char *json;        // ["a","b"]
	char *text;        // a,b
	char *block;       // a b (REC_BLOCK)
	size_t json_len, text_len, block_len;
};

/* One row being filled.  Strings set with rec_str() are borrowed until the
 * row is written; rec_strf() and rec_strs_add() of a formatted item copy
 * into the row's own arena. */
struct rec_row {
	const struct rec_schema *schema;
	uint64_t set;     // bit i: field i has a value
	uint64_t nul;     // bit i: ... and it is null
	uint64_t num;     // bit i: a REC_STR field that holds a number
	uint64_t arena;   // bit i: a REC_STR field whose text is in the arena
	uint64_t enc;     // bit i: a REC_STRS field given encoded (v[i].enc)
	union rec_slot {
		uint64_t u;
		int64_t i;
		double d;
		const char *s;
		const struct vms_value *val;  // REC_VALUE
		size_t off;                   // in the arena
		struct { uint32_t first, n; } list;  // REC_STRS: items
		const struct rec_strs_enc *enc;      // REC_STRS: encoded
	} v[REC_MAX_FIELDS];
	struct strbuf scratch;            // arena
	struct rec_items items;           // REC_STRS items
	bool failed;                      // out of memory while filling
	struct rec_enc_cache *cache;      // the writer's; allocated on first use
	struct rec_plan *plans;           // the writer's; REC_PLANS, on first use
	unsigned next_plan;               // the plan to replace next
	uint64_t plannable;               // by the schema: fields a plan may write
	uint64_t strs;                    // by the schema: REC_STR fields
	// by the schema: fields written through a strbuf (REC_DOUBLE,
	// REC_VALUE), and fields whose encoding the cache may hold
	uint64_t slow, cacheable;
};

void rec_row_init(struct rec_row *r, const struct rec_schema *s);
void rec_row_deinit(struct rec_row *r);
/* Forget all values (keeps the memory), for the next row. */
static inline void rec_row_reset(struct rec_row *r)
{
	r->set = r->nul = r->num = r->arena = r->enc = 0;
	rec_items_clear(&r->items);
	r->failed = false;
	strbuf_reset(&r->scratch);
}

static inline void rec_hex(struct rec_row *r, unsigned f, uint64_t v)
{
	r->v[f].u = v;
	r->set |= UINT64_C(1) << f;
}
static inline void rec_uint(struct rec_row *r, unsigned f, uint64_t v)
{
	r->v[f].u = v;
	r->set |= UINT64_C(1) << f;
	r->num |= UINT64_C(1) << f;  // matters only for REC_STR fields
}
static inline void rec_int(struct rec_row *r, unsigned f, int64_t v)
{
	r->v[f].i = v;
	r->set |= UINT64_C(1) << f;
}
static inline void rec_bool(struct rec_row *r, unsigned f, bool v)
{
	r->v[f].u = v;
	r->set |= UINT64_C(1) << f;
}
static inline void rec_double(struct rec_row *r, unsigned f, double v)
{
	r->v[f].d = v;
	r->set |= UINT64_C(1) << f;
}
/* A borrowed string; NULL sets null. */
static inline void rec_str(struct rec_row *r, unsigned f, const char *s)
{
	r->v[f].s = s;
	r->set |= UINT64_C(1) << f;
	if (!s)
		r->nul |= UINT64_C(1) << f;
}
static inline void rec_null(struct rec_row *r, unsigned f)
{
	r->set |= UINT64_C(1) << f;
	r->nul |= UINT64_C(1) << f;
}
static inline bool rec_has(const struct rec_row *r, unsigned f)
{
	return (r->set >> f) & 1;
}
/* Did filling the row run out of memory (its text would be wrong)? */
static inline bool rec_row_failed(const struct rec_row *r)
{
	return r->failed || strbuf_failed(&r->scratch);
}
struct vms_value;
/* A borrowed value tree (REC_VALUE field), until the row is written. */
static inline void rec_value(struct rec_row *r, unsigned f, const struct vms_value *v)
{
	r->v[f].val = v;
	r->set |= UINT64_C(1) << f;
}
/* A formatted string, copied into the row. */
void rec_strf(struct rec_row *r, unsigned f, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Append an item to the REC_STRS field @f (borrowed; items of one field
 * must be added one after the other).  Setting no item gives []. */
void rec_strs_add(struct rec_row *r, unsigned f, const char *s);
/* Start REC_STRS field @f empty ([]). */
void rec_strs_empty(struct rec_row *r, unsigned f);
/* REC_STRS field @f: the list @e (borrowed until the row is written). */
static inline void rec_strs_encoded(struct rec_row *r, unsigned f, const struct rec_strs_enc *e)
{
	r->v[f].enc = e;
	r->set |= UINT64_C(1) << f;
	r->enc |= UINT64_C(1) << f;
}
/* Encode the @n strings @items (copied) into @e; false when out of memory
 * (@e is then empty).  rec_strs_enc_release() frees what it holds. */
bool rec_strs_encode(struct rec_strs_enc *e, const char *const *items, size_t n);
void rec_strs_enc_release(struct rec_strs_enc *e);

/* Reading a row back (text renderers). */
static inline uint64_t rec_get_u(const struct rec_row *r, unsigned f) { return r->v[f].u; }
static inline int64_t rec_get_i(const struct rec_row *r, unsigned f) { return r->v[f].i; }
/* The string of a REC_STR field ("" when unset or null or a number). */
static inline const char *rec_get_s(const struct rec_row *r, unsigned f)
{
	uint64_t bit = UINT64_C(1) << f;
	if (!(r->set & bit) || ((r->nul | r->num) & bit))
		return "";
	if (r->arena & bit)
		return r->scratch.buf + r->v[f].off;
	return r->v[f].s;
}
size_t rec_strs_count(const struct rec_row *r, unsigned f);
/* The encoded list of REC_STRS field @f, NULL if it was not given so. */
static inline const struct rec_strs_enc *rec_strs_enc_of(const struct rec_row *r, unsigned f)
{
	return (r->enc >> f) & 1 ? r->v[f].enc : NULL;
}
const char *rec_strs_item(const struct rec_row *r, unsigned f, size_t i);

enum rec_mode {
	REC_TEXT,   // the schema's text
	REC_JSON,   // one JSON object per top-level record, one per line
	REC_BLOCK,  // "key: value" lines, keys aligned (the generic text form)
};

#define REC_MAX_DEPTH 4

struct rec_writer {
	enum rec_mode mode;
	struct strbuf *out;
	bool header_pending;  // write the schema's header before the next top-level row
	unsigned depth;       // open lists
	struct {
		const struct rec_row *row;  // the open record (must live until closed)
		unsigned field;
		bool first;                 // no item yet
	} open[REC_MAX_DEPTH];
	// --fields: the fields (by number) of top-level rows, in order
	unsigned char proj[REC_MAX_FIELDS];
	unsigned nproj;
	bool projected;       // rec_writer_project() was called
	uint64_t records;     // top-level records written
};

/* A writer of @mode into @out, a header pending (see rec_schema.header). */
void rec_writer_init(struct rec_writer *w, enum rec_mode mode, struct strbuf *out);

/* Only the fields named in the comma-separated @keys, in that order, for
 * top-level rows of @s (unknown names are skipped, repeats ignored); text
 * becomes REC_BLOCK.  Returns how many were found. */
unsigned rec_writer_project(struct rec_writer *w, const struct rec_schema *s, const char *keys);

/* Write @r as a whole record (an item of the open list, if any). */
void rec_write(struct rec_writer *w, const struct rec_row *r);

/* Write @n items of the open list, all of one shape: the fields set in @r
 * (filled once; their values are ignored), numbers or booleans only, the
 * values of item i at @vals[i * k .. i * k + k - 1], k the number of fields
 * set, in field order.  Output as from @n rec_write() of @r with those
 * values; in JSON the items go by @r's plan with no per-item checks, the
 * hot path of a long list (rmap --all's mappings).  @r's values are left
 * as the last item's. */
void rec_write_items(struct rec_writer *w, struct rec_row *r, const union rec_slot *vals, size_t n);
/* Write @r up to its REC_LIST field @f, whose items follow.  @r must stay
 * untouched until rec_close(). */
void rec_open(struct rec_writer *w, const struct rec_row *r, unsigned f);
/* Close the innermost open list and its record. */
void rec_close(struct rec_writer *w);
/* Write the text header of @s now (text mode, if it has one). */
void rec_write_header(struct rec_writer *w, const struct rec_schema *s);
/* Append the header line of @s's columns (for a text function that writes
 * a list's header itself). */
void rec_put_header(struct strbuf *out, const struct rec_schema *s);

/* The set fields of @r as a value object, in schema order (a single answer
 * built from a record's schema); REC_LIST and REC_VALUE fields are left
 * out.  Caller owns it (value_failed() on out of memory). */
struct vms_value *rec_row_value(const struct rec_row *r);

/* Fast appends for text renderers. */
void rec_put_hex(struct strbuf *out, uint64_t v);                 // no 0x
void rec_put_uint(struct strbuf *out, uint64_t v);
void rec_put_int(struct strbuf *out, int64_t v);
/* @s after the separator @sep (none when 0). */
void rec_put_item(struct strbuf *out, const char *s, char sep);

/*
 * The buffered output of a command: bytes gather in @buf and go to @fp in
 * large writes.  An EPIPE (the reader of a pipe went away) makes the sink
 * closed: later output is dropped and rec_sink_closed() says so, for a
 * stream to stop quietly.  Another write error is kept in @error (errno).
 * A zeroed struct rec_sink is not ready: rec_sink_init().
 */
struct rec_sink {
	struct strbuf buf;
	FILE *fp;
	size_t flush_at;  // flush when buf.len reaches this
	bool closed;
	int error;        // errno of the first write error other than EPIPE
};

#define REC_SINK_FLUSH_AT (1u << 20)

void rec_sink_init(struct rec_sink *s, FILE *fp);
void rec_sink_deinit(struct rec_sink *s);
/* Write everything gathered to fp (and fflush it). */
void rec_sink_flush(struct rec_sink *s);
/* Flush when the buffer has reached flush_at. */
static inline void rec_sink_maybe_flush(struct rec_sink *s)
{
	if (s->buf.len >= s->flush_at)
		rec_sink_flush(s);
}
/* Append @len bytes (large ones go straight to fp). */
void rec_sink_write(struct rec_sink *s, const void *data, size_t len);
static inline bool rec_sink_closed(const struct rec_sink *s)
{
	return s->closed;
}

#endif
