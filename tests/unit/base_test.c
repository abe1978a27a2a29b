// SPDX-License-Identifier: GPL-3.0-or-later
/* Unit tests for src/base: errors, strbuf, value trees and JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/error.h"
#include "base/strbuf.h"
#include "base/value.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_wrap),
		cmocka_unit_test(test_strbuf),
		cmocka_unit_test(test_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
