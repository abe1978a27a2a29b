// SPDX-License-Identifier: GPL-3.0-or-later
/* Unit tests for src/base: errors, strbuf, value trees and JSON, vectors,
 * the record writer. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <unistd.h>

#include "base/cleanup.h"
#include "base/error.h"
#include "base/record.h"
#include "base/strbuf.h"
#include "base/util.h"
#include "base/value.h"
#include "base/vector.h"

static void test_error_wrap(void **state)
{
	struct vms_error *e = vms_error_addr(VMS_ERR_NODATA, 0x1000, "page 0x%x excluded", 1);
	assert_int_equal(e->code, VMS_ERR_NODATA);
	assert_true(e->has_address);
	assert_int_equal(e->address, 0x1000);
	e = vms_error_wrap(e, "reading %s", "mem_map");
	assert_string_equal(e->message, "reading mem_map: page 0x1 excluded");
	assert_string_equal(vms_error_code_name(e->code), "nodata");
	vms_error_destroy(e);
	assert_null(vms_error_wrap(NULL, "x"));
	vms_error_destroy(NULL);
	vms_error_destroy(&vms_enomem);
	// a quoted name holding control bytes: the message stays one line
	e = vms_error_create(VMS_ERR_INVALID, "cannot parse type name '%s'", "a\nb\t\x7f");
	assert_string_equal(e->message, "cannot parse type name 'a\\x0ab\\x09\\x7f'");
	e = vms_error_wrap(e, "in %s", "x\ry");
	assert_string_equal(e->message, "in x\\x0dy: cannot parse type name 'a\\x0ab\\x09\\x7f'");
	vms_error_destroy(e);
	e = vms_error_errno(2, "open %s", "x");
	assert_string_equal(e->message, "open x: No such file or directory");
	vms_error_destroy(e);
}

static void test_strbuf(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	assert_string_equal(sb.buf, "");
	strbuf_addstr(&sb, "abc");
	strbuf_addch(&sb, 'd');
	strbuf_addf(&sb, "%d-%s", 42, "x");
	assert_string_equal(sb.buf, "abcd42-x");
	assert_int_equal(sb.len, 8);
	for (int i = 0; i < 1000; i++)
		strbuf_addstr(&sb, "0123456789");
	assert_int_equal(sb.len, 10008);
	strbuf_setlen(&sb, 2);
	assert_string_equal(sb.buf, "ab");
	char *s = strbuf_detach(&sb);
	assert_string_equal(s, "ab");
	assert_string_equal(sb.buf, "");
	free(s);
	strbuf_release(&sb);
}

static void test_json(void **state)
{
	struct vms_value *o = value_object();
	value_set_str(o, "name", "a\"b\\c\n\x01\xff");
	value_set_uint(o, "count", 18446744073709551615ull);
	value_set_int(o, "neg", -5);
	value_set_hex(o, "addr", 0xffff888000000000ull);
	value_set_bool(o, "ok", true);
	struct vms_value *a = value_set(o, "list", value_array());
	value_push(a, value_null());
	value_push(a, value_double(1.5));
	value_set_int(o, "neg", -6); // replaces
	struct strbuf sb = STRBUF_INIT;
	value_to_json(o, &sb);
	assert_string_equal(sb.buf,
			    "{\"name\":\"a\\\"b\\\\c\\n\\u0001\\u00ff\",\"count\":18446744073709551615,"
			    "\"neg\":-6,\"addr\":\"0xffff888000000000\",\"ok\":true,\"list\":[null,1.5]}");
	assert_non_null(value_get(o, "ok"));
	assert_null(value_get(o, "missing"));
	strbuf_release(&sb);
	value_to_text(o, &sb, 0);
	assert_non_null(strstr(sb.buf, "addr:  0xffff888000000000\n"));
	strbuf_release(&sb);
	value_destroy(o);
}


VMS_DEFINE_VECTOR(u64_vector, uint64_t);

static void test_vector(void **state)
{
	struct u64_vector v = VMS_VECTOR_INIT;
	assert_null(u64_vector_last(&v));
	for (uint64_t i = 0; i < 100; i++)
		assert_true(u64_vector_append(&v, 100 - i));
	assert_int_equal(v.size, 100);
	assert_true(v.capacity >= 100);
	assert_int_equal(*u64_vector_last(&v), 1);
	uint64_t *e = u64_vector_push(&v);
	assert_non_null(e);
	assert_int_equal(*e, 0);  // zeroed
	u64_vector_pop(&v);
	const uint64_t more[] = { 7, 8, 9 };
	assert_true(u64_vector_extend(&v, more, 3));
	assert_int_equal(v.size, 103);
	qsort(v.data, v.size, sizeof(*v.data), vms_cmp_u64);
	assert_int_equal(v.data[0], 1);
	assert_int_equal(v.data[102], 100);
	// a size that cannot be had fails and leaves the vector alone
	assert_false(u64_vector_reserve(&v, SIZE_MAX / 4));
	assert_int_equal(v.size, 103);
	u64_vector_shrink(&v);
	assert_int_equal(v.capacity, 103);
	size_t n;
	uint64_t *d = u64_vector_steal(&v, &n);
	assert_int_equal(n, 103);
	assert_null(v.data);
	assert_int_equal(v.size, 0);
	free(d);
	u64_vector_clear(&v);
	u64_vector_deinit(&v);
}

static void test_out_of_memory(void **state)
{
	// strbuf: a failed allocation is sticky and detach says so
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "kept");
	assert_false(strbuf_grow(&sb, SIZE_MAX - 2));
	assert_true(strbuf_failed(&sb));
	strbuf_addstr(&sb, "dropped");
	assert_string_equal(sb.buf, "kept");
	assert_null(strbuf_detach(&sb));
	assert_false(strbuf_failed(&sb));
	// value trees: value_nomem absorbs what is set into it
	struct vms_value *o = value_object();
	value_set_int(o, "a", 1);
	assert_false(value_failed(o));
	struct vms_value *x = value_set(&value_nomem, "b", value_int(2));
	assert_ptr_equal(x, &value_nomem);
	value_push(value_set(o, "list", value_array()), &value_nomem);
	assert_true(value_failed(o));
	value_destroy(o);
	value_destroy(&value_nomem);
}

/* A schema with every type, for the writer tests. */
enum { T_ADDR, T_NAME, T_COUNT, T_DELTA, T_OK, T_RATIO, T_TAGS, T_ITEMS, T_NOTE, T_NR };
static const struct rec_field t_fields[T_NR] = {
	[T_ADDR] = REC_FIELD("addr", REC_HEX),
	[T_NAME] = REC_FIELD("name", REC_STR),
	[T_COUNT] = REC_FIELD("count", REC_UINT),
	[T_DELTA] = REC_FIELD("delta", REC_INT),
	[T_OK] = REC_FIELD("ok", REC_BOOL),
	[T_RATIO] = REC_FIELD("ratio", REC_DOUBLE),
	[T_TAGS] = REC_FIELD("tags", REC_STRS),
	[T_ITEMS] = REC_FIELD("items", REC_LIST),
	[T_NOTE] = REC_FIELD("note", REC_STR),
};
static const struct rec_col t_cols[] = {
	{ T_ADDR, 8, "ADDR", NULL }, { T_NAME, -6, "NAME", NULL }, { T_DELTA, 4, "D", NULL },
	{ T_OK, 0, "OK", NULL }, { T_TAGS, 0, "TAGS", NULL },
};
static const struct rec_schema t_schema = {
	t_fields, T_NR, t_cols, VMS_ARRAY_SIZE(t_cols), true, NULL, NULL,
};

enum { I_N, I_NR };
static const struct rec_field i_fields[I_NR] = { [I_N] = REC_FIELD("n", REC_UINT) };
static void i_text(struct strbuf *out, const struct rec_row *r)
{
	strbuf_addstr(out, "  item ");
	rec_put_uint(out, rec_get_u(r, I_N));
	strbuf_addch(out, '\n');
}
static const struct rec_schema i_schema = { i_fields, I_NR, NULL, 0, false, i_text, NULL };

static void t_fill(struct rec_row *r, uint64_t addr, const char *name, int64_t delta)
{
	rec_row_reset(r);
	rec_hex(r, T_ADDR, addr);
	rec_str(r, T_NAME, name);
	rec_uint(r, T_COUNT, 3);
	rec_int(r, T_DELTA, delta);
	rec_bool(r, T_OK, delta >= 0);
	rec_double(r, T_RATIO, 0.5);
	rec_strs_add(r, T_TAGS, "a");
	rec_strs_add(r, T_TAGS, "b\"c");
}

static void test_record_json(void **state)
{
	struct strbuf out = STRBUF_INIT;
	struct rec_writer w;
	struct rec_row r;
	rec_row_init(&r, &t_schema);
	rec_writer_init(&w, REC_JSON, &out);
	t_fill(&r, 0xffff888000001000, "x\n\x01\xff", -12);
	rec_null(&r, T_NOTE);
	rec_write(&w, &r);
	assert_string_equal(out.buf,
		"{\"addr\":\"0xffff888000001000\",\"name\":\"x\\n\\u0001\\u00ff\",\"count\":3,"
		"\"delta\":-12,\"ok\":false,\"ratio\":0.5,\"tags\":[\"a\",\"b\\\"c\"],\"note\":null}\n");
	// the same bytes as a value tree written by value_to_json()
	struct vms_value *v = rec_row_value(&r);
	struct strbuf vj = STRBUF_INIT;
	value_to_json(v, &vj);
	strbuf_addch(&vj, '\n');
	assert_string_equal(vj.buf, out.buf);
	strbuf_release(&vj);
	value_destroy(v);
	// a number in a string field; a formatted string; unset fields left out
	strbuf_reset(&out);
	rec_row_reset(&r);
	rec_uint(&r, T_NAME, 7);
	rec_strf(&r, T_NOTE, "%d-%s", 5, "five");
	rec_write(&w, &r);
	assert_string_equal(out.buf, "{\"name\":7,\"note\":\"5-five\"}\n");
	// strings longer than the writer's reservations, escapes across them
	strbuf_reset(&out);
	rec_row_reset(&r);
	struct strbuf big = STRBUF_INIT, want = STRBUF_INIT;
	for (int i = 0; i < 3000; i++)
		strbuf_addstr(&big, i % 7 ? "ab" : "\"\n");
	rec_str(&r, T_NAME, big.buf);
	for (int i = 0; i < 200; i++)
		rec_strs_add(&r, T_TAGS, big.buf + i);
	rec_write(&w, &r);
	strbuf_addstr(&want, "{\"name\":");
	json_quote(&want, big.buf);
	strbuf_addstr(&want, ",\"tags\":[");
	for (int i = 0; i < 200; i++) {
		if (i)
			strbuf_addch(&want, ',');
		json_quote(&want, big.buf + i);
	}
	strbuf_addstr(&want, "]}\n");
	assert_string_equal(out.buf, want.buf);
	strbuf_release(&big);
	strbuf_release(&want);
	// nesting: a record with a streamed list and a field after it
	strbuf_reset(&out);
	rec_row_reset(&r);
	rec_hex(&r, T_ADDR, 0);
	rec_str(&r, T_NOTE, "after");
	rec_open(&w, &r, T_ITEMS);
	struct rec_row it;
	rec_row_init(&it, &i_schema);
	for (uint64_t i = 1; i <= 2; i++) {
		rec_row_reset(&it);
		rec_uint(&it, I_N, i);
		rec_write(&w, &it);
	}
	rec_close(&w);
	assert_string_equal(out.buf, "{\"addr\":\"0x0\",\"items\":[{\"n\":1},{\"n\":2}],\"note\":\"after\"}\n");
	assert_int_equal(w.records, 4);
	// --fields: chosen fields in the chosen order, unknown and repeated ones skipped
	strbuf_reset(&out);
	t_fill(&r, 0x10, "y", 1);
	assert_int_equal(rec_writer_project(&w, &t_schema, "delta,nosuch,addr,delta"), 2);
	rec_write(&w, &r);
	assert_string_equal(out.buf, "{\"delta\":1,\"addr\":\"0x10\"}\n");
	rec_row_deinit(&it);
	rec_row_deinit(&r);
	strbuf_release(&out);
}

/* Rows of numbers, booleans and static names go the planned way
 * (json_planned()); any other field set sends a row the general way.
 * Both must write the same JSON, whichever way a row goes, and whatever
 * rows went before. */
enum { P_PFN, P_KIND, P_COUNT, P_DELTA, P_OK, P_MAPS, P_TAIL, P_NOTE, P_NR };
static const struct rec_field p_fields[P_NR] = {
	[P_PFN] = REC_FIELD("pfn", REC_HEX),
	[P_KIND] = REC_NAME_FIELD("kind"),
	[P_COUNT] = REC_FIELD("count", REC_UINT),
	[P_DELTA] = REC_FIELD("delta", REC_INT),
	[P_OK] = REC_FIELD("ok", REC_BOOL),
	[P_MAPS] = REC_FIELD("maps", REC_LIST),
	[P_TAIL] = REC_FIELD("a_rather_long_key_of_28_bytes", REC_UINT),
	[P_NOTE] = REC_FIELD("note", REC_STR),
};
static const struct rec_schema p_schema = { p_fields, P_NR, NULL, 0, false, NULL, NULL };
enum { M_PID, M_VADDR, M_NR };
static const struct rec_field m_fields[M_NR] = {
	[M_PID] = REC_FIELD("pid", REC_INT),
	[M_VADDR] = REC_FIELD("vaddr", REC_HEX),
};
static const struct rec_schema m_schema = { m_fields, M_NR, NULL, 0, false, NULL, NULL };

/* Items written as a run (rec_write_items()) must read as the same items
 * written one by one: in each mode, for a shape the plan writes (every
 * numeric type, the long key, addresses that repeat) and for one it leaves
 * to the general way (a static name set), with items before the run and a
 * run of none. */
static char *items_out(enum rec_mode mode, bool run, bool with_name)
{
	static const int64_t pids[] = { 1, -1, INT64_MIN, INT64_MAX, 0, 42 };
	static const uint64_t addrs[] = { 0x7f0000001000, 0x7f0000001000, 0, UINT64_MAX, 0x1000, 0x1000 };
	enum { N = VMS_ARRAY_SIZE(pids) };
	struct strbuf out = STRBUF_INIT;
	struct rec_writer w;
	struct rec_row r, it;
	rec_row_init(&r, &p_schema);
	rec_row_init(&it, &p_schema);
	rec_writer_init(&w, mode, &out);
	// round 0: an item, a run of none; 1: an item, a run; 2: a run, an item
	for (int round = 0; round < 3; round++) {
		rec_row_reset(&r);
		rec_hex(&r, P_PFN, 0x99);
		rec_open(&w, &r, P_MAPS);
		rec_row_reset(&it);
		rec_uint(&it, P_COUNT, 7);
		if (round < 2)
			rec_write(&w, &it);
		rec_row_reset(&it);
		rec_hex(&it, P_PFN, 0);
		if (with_name)
			rec_str(&it, P_KIND, "anon");
		rec_uint(&it, P_COUNT, 0);
		rec_int(&it, P_DELTA, 0);
		rec_bool(&it, P_OK, false);
		rec_uint(&it, P_TAIL, 0);
		const unsigned k = with_name ? 6 : 5;  // pfn, [kind,] count, delta, ok, tail
		union rec_slot vals[N * 6];
		for (unsigned i = 0; i < N; i++) {
			union rec_slot *v = &vals[i * k];
			(v++)->u = addrs[i];
			if (with_name)
				(v++)->s = i & 2 ? "file" : "anon";
			(v++)->u = (uint64_t)pids[i] * 3;
			(v++)->i = pids[i];
			(v++)->u = i & 1;
			v->u = UINT64_MAX - i;
		}
		if (run) {
			rec_write_items(&w, &it, vals, round ? N : 0);
		} else {
			for (unsigned i = 0; i < (round ? N : 0); i++) {
				const union rec_slot *v = &vals[i * k];
				rec_hex(&it, P_PFN, (v++)->u);
				if (with_name)
					rec_str(&it, P_KIND, (v++)->s);
				rec_uint(&it, P_COUNT, (v++)->u);
				rec_int(&it, P_DELTA, (v++)->i);
				rec_bool(&it, P_OK, (v++)->u);
				rec_uint(&it, P_TAIL, v->u);
				rec_write(&w, &it);
			}
		}
		if (round == 2) {
			rec_row_reset(&it);
			rec_uint(&it, P_COUNT, 8);
			rec_write(&w, &it);
		}
		rec_close(&w);
	}
	rec_row_deinit(&it);
	rec_row_deinit(&r);
	assert_false(strbuf_failed(&out));
	return strbuf_detach(&out);
}

static void test_record_items(void **state)
{
	(void)state;
	for (int mode = REC_TEXT; mode <= REC_BLOCK; mode++)
		for (int name = 0; name < 2; name++) {
			char *one = items_out((enum rec_mode)mode, false, name);
			char *run = items_out((enum rec_mode)mode, true, name);
			assert_string_equal(run, one);
			free(one);
			free(run);
		}
	char *run = items_out(REC_JSON, true, false);
	assert_non_null(strstr(run, "[{\"count\":7},{\"pfn\":\"0x7f0000001000\",\"count\":3,\"delta\":1,"
				    "\"ok\":false,\"a_rather_long_key_of_28_bytes\":18446744073709551615},"));
	assert_non_null(strstr(run, "{\"pfn\":\"0xffffffffffffffff\",\"count\":"));
	free(run);
}

static void test_record_planned(void **state)
{
	static const char quoted[] = "q\"t";  // a static name that needs escapes
	struct strbuf out = STRBUF_INIT;
	struct rec_writer w;
	struct rec_row r, m;
	rec_row_init(&r, &p_schema);
	rec_row_init(&m, &m_schema);
	rec_writer_init(&w, REC_JSON, &out);
	// a row with a list of items, as rmap --all writes them
	for (int page = 0; page < 3; page++) {
		rec_row_reset(&r);
		rec_hex(&r, P_PFN, 0x2800 + (uint64_t)page);
		rec_str(&r, P_KIND, page == 1 ? "file" : "anon");
		rec_uint(&r, P_COUNT, (uint64_t)page);
		rec_open(&w, &r, P_MAPS);
		for (int i = 0; i < page + 1; i++) {
			rec_int(&m, M_PID, i == 2 ? -1 : 100 + i);
			rec_hex(&m, M_VADDR, UINT64_C(0x7fffffffe000) + (uint64_t)i);
			rec_write(&w, &m);
		}
		rec_close(&w);
	}
	assert_string_equal(out.buf,
		"{\"pfn\":\"0x2800\",\"kind\":\"anon\",\"count\":0,\"maps\":[{\"pid\":100,\"vaddr\":\"0x7fffffffe000\"}]}\n"
		"{\"pfn\":\"0x2801\",\"kind\":\"file\",\"count\":1,\"maps\":[{\"pid\":100,\"vaddr\":\"0x7fffffffe000\"},"
		"{\"pid\":101,\"vaddr\":\"0x7fffffffe001\"}]}\n"
		"{\"pfn\":\"0x2802\",\"kind\":\"anon\",\"count\":2,\"maps\":[{\"pid\":100,\"vaddr\":\"0x7fffffffe000\"},"
		"{\"pid\":101,\"vaddr\":\"0x7fffffffe001\"},{\"pid\":-1,\"vaddr\":\"0x7fffffffe002\"}]}\n");
	// an address again (its encoding kept), another, the first again, and
	// zero, the shortest
	strbuf_reset(&out);
	rec_row_reset(&r);
	rec_hex(&r, P_PFN, 0x10);
	rec_open(&w, &r, P_MAPS);
	static const uint64_t again[] = { 0x7f0000001000, 0x7f0000001000, 0x1000, 0x7f0000001000, 0 };
	for (size_t i = 0; i < VMS_ARRAY_SIZE(again); i++) {
		rec_int(&m, M_PID, (int64_t)i);
		rec_hex(&m, M_VADDR, again[i]);
		rec_write(&w, &m);
	}
	rec_close(&w);
	assert_string_equal(out.buf,
		"{\"pfn\":\"0x10\",\"maps\":[{\"pid\":0,\"vaddr\":\"0x7f0000001000\"},"
		"{\"pid\":1,\"vaddr\":\"0x7f0000001000\"},{\"pid\":2,\"vaddr\":\"0x1000\"},"
		"{\"pid\":3,\"vaddr\":\"0x7f0000001000\"},{\"pid\":4,\"vaddr\":\"0x0\"}]}\n");
	// no field before the list, an empty list, fields after it (the
	// long key), a static name with escapes, every number's extremes
	strbuf_reset(&out);
	rec_row_reset(&r);
	rec_open(&w, &r, P_MAPS);
	rec_close(&w);
	rec_row_reset(&r);
	rec_str(&r, P_KIND, quoted);
	rec_bool(&r, P_OK, true);
	rec_uint(&r, P_TAIL, UINT64_MAX);
	rec_open(&w, &r, P_MAPS);
	rec_int(&m, M_PID, INT64_MIN);
	rec_hex(&m, M_VADDR, UINT64_MAX);
	rec_write(&w, &m);
	rec_close(&w);
	rec_row_reset(&r);
	rec_str(&r, P_KIND, quoted);  // the kept encoding, again
	rec_int(&r, P_DELTA, INT64_MAX);
	rec_bool(&r, P_OK, false);
	rec_hex(&r, P_PFN, 0);
	rec_write(&w, &r);
	assert_string_equal(out.buf,
		"{\"maps\":[]}\n"
		"{\"kind\":\"q\\\"t\",\"ok\":true,\"maps\":[{\"pid\":-9223372036854775808,"
		"\"vaddr\":\"0xffffffffffffffff\"}],\"a_rather_long_key_of_28_bytes\":18446744073709551615}\n"
		"{\"pfn\":\"0x0\",\"kind\":\"q\\\"t\",\"delta\":9223372036854775807,\"ok\":false}\n");
	// rows the plan cannot write, among rows it can: a null, a string
	// that is not static, a number in a string field, and three sets of
	// fields in turn (more than the plans kept)
	strbuf_reset(&out);
	for (int round = 0; round < 2; round++) {
		rec_row_reset(&r);
		rec_hex(&r, P_PFN, 1);
		rec_null(&r, P_COUNT);
		rec_write(&w, &r);
		rec_row_reset(&r);
		rec_hex(&r, P_PFN, 2);
		rec_strf(&r, P_NOTE, "n%d", round);
		rec_open(&w, &r, P_MAPS);
		rec_int(&m, M_PID, 5);
		rec_hex(&m, M_VADDR, 6);
		rec_write(&w, &m);
		rec_close(&w);
		rec_row_reset(&r);
		rec_uint(&r, P_KIND, 9);
		rec_write(&w, &r);
		rec_row_reset(&r);
		rec_str(&r, P_KIND, "anon");
		rec_write(&w, &r);
	}
#define WANT_ROUND "{\"pfn\":\"0x1\",\"count\":null}\n" \
		   "{\"pfn\":\"0x2\",\"maps\":[{\"pid\":5,\"vaddr\":\"0x6\"}],\"note\":\"n%d\"}\n" \
		   "{\"kind\":9}\n" \
		   "{\"kind\":\"anon\"}\n"
	char want[512];
	int n = snprintf(want, sizeof(want), WANT_ROUND, 0);
	snprintf(want + n, sizeof(want) - (size_t)n, WANT_ROUND, 1);
#undef WANT_ROUND
	assert_string_equal(out.buf, want);
	rec_row_deinit(&m);
	rec_row_deinit(&r);
	strbuf_release(&out);
}

/* A list encoded once (rec_strs_encoded()) writes what its items added one
 * by one write, in every mode, and reads back the same. */
static void test_record_strs_encoded(void **state)
{
	static const char *const items[] = { "lru", "q\"uote", "" };
	struct rec_strs_enc e, none;
	assert_true(rec_strs_encode(&e, items, 3));
	assert_true(rec_strs_encode(&none, NULL, 0));
	const enum rec_mode modes[] = { REC_JSON, REC_TEXT, REC_BLOCK };
	for (size_t m = 0; m < VMS_ARRAY_SIZE(modes); m++) {
		for (int empty = 0; empty < 2; empty++) {
			struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
			struct rec_writer wa, wb;
			struct rec_row r;
			rec_row_init(&r, &t_schema);
			rec_writer_init(&wa, modes[m], &a);
			rec_writer_init(&wb, modes[m], &b);
			if (modes[m] == REC_BLOCK) {
				rec_writer_project(&wa, &t_schema, "addr,tags,name");
				rec_writer_project(&wb, &t_schema, "addr,tags,name");
			}
			rec_row_reset(&r);
			rec_hex(&r, T_ADDR, 0x1000);
			rec_strs_empty(&r, T_TAGS);
			for (size_t i = 0; !empty && i < 3; i++)
				rec_strs_add(&r, T_TAGS, items[i]);
			rec_str(&r, T_NAME, "n");
			rec_write(&wa, &r);
			struct vms_value *va = rec_row_value(&r);
			rec_row_reset(&r);
			rec_hex(&r, T_ADDR, 0x1000);
			rec_strs_encoded(&r, T_TAGS, empty ? &none : &e);
			rec_str(&r, T_NAME, "n");
			assert_int_equal(rec_strs_count(&r, T_TAGS), empty ? 0 : 3);
			if (!empty)
				assert_string_equal(rec_strs_item(&r, T_TAGS, 1), items[1]);
			rec_write(&wb, &r);
			assert_string_equal(a.buf, b.buf);
			struct vms_value *vb = rec_row_value(&r);
			struct strbuf ja = STRBUF_INIT, jb = STRBUF_INIT;
			value_to_json(va, &ja);
			value_to_json(vb, &jb);
			assert_string_equal(ja.buf, jb.buf);
			// items added after an encoded list replace it
			rec_strs_add(&r, T_TAGS, "x");
			assert_int_equal(rec_strs_count(&r, T_TAGS), 1);
			assert_null(rec_strs_enc_of(&r, T_TAGS));
			strbuf_release(&ja);
			strbuf_release(&jb);
			value_destroy(va);
			value_destroy(vb);
			rec_row_deinit(&r);
			strbuf_release(&a);
			strbuf_release(&b);
		}
	}
	rec_strs_enc_release(&e);
	rec_strs_enc_release(&none);
}

static void test_record_text(void **state)
{
	struct strbuf out = STRBUF_INIT;
	struct rec_writer w;
	struct rec_row r;
	rec_row_init(&r, &t_schema);
	rec_writer_init(&w, REC_TEXT, &out);
	t_fill(&r, 0xabc, "nm", -1);
	rec_write(&w, &r);
	t_fill(&r, 0x123456789, "toolongname", 12345);
	rec_write(&w, &r);
	assert_string_equal(out.buf,
		"    ADDR NAME      D OK TAGS\n"
		"     abc nm       -1 no a,b\"c\n"
		"123456789 toolongname 12345 yes a,b\"c\n");
	// the generic form, as value_to_text() writes a flat object
	strbuf_reset(&out);
	rec_writer_init(&w, REC_TEXT, &out);
	rec_writer_project(&w, &t_schema, "name,tags,addr,ok,ratio");
	t_fill(&r, 0x10, "y", 1);
	rec_write(&w, &r);
	struct vms_value *v = value_object();
	value_set_str(v, "name", "y");
	struct vms_value *tags = value_set(v, "tags", value_array());
	value_push(tags, value_string("a"));
	value_push(tags, value_string("b\"c"));
	value_set_hex(v, "addr", 0x10);
	value_set_bool(v, "ok", true);
	value_set(v, "ratio", value_double(0.5));
	struct strbuf vt = STRBUF_INIT;
	value_to_text(v, &vt, 0);
	assert_string_equal(out.buf, vt.buf);
	assert_string_equal(out.buf, "name:  y\ntags: a b\"c\naddr:  0x10\nok:    yes\nratio: 0.5\n");
	value_destroy(v);
	strbuf_release(&vt);
	rec_row_deinit(&r);
	strbuf_release(&out);
}

static void test_record_sink(void **state)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	FILE *fp = fdopen(fds[1], "w");
	struct rec_sink s;
	rec_sink_init(&s, fp);
	rec_sink_write(&s, "hello\n", 6);
	rec_sink_flush(&s);
	char buf[16] = "";
	assert_int_equal(read(fds[0], buf, sizeof(buf)), 6);
	assert_false(rec_sink_closed(&s));
	close(fds[0]);  // the reader goes away
	rec_sink_write(&s, "more\n", 5);
	rec_sink_flush(&s);
	assert_true(rec_sink_closed(&s));
	assert_int_equal(s.error, 0);
	rec_sink_write(&s, "dropped\n", 8);  // quietly
	rec_sink_flush(&s);
	rec_sink_deinit(&s);
	fclose(fp);
	signal(SIGPIPE, old);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_wrap),
		cmocka_unit_test(test_strbuf),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_vector),
		cmocka_unit_test(test_out_of_memory),
		cmocka_unit_test(test_record_json),
		cmocka_unit_test(test_record_planned),
		cmocka_unit_test(test_record_items),
		cmocka_unit_test(test_record_strs_encoded),
		cmocka_unit_test(test_record_text),
		cmocka_unit_test(test_record_sink),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
