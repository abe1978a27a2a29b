// SPDX-License-Identifier: GPL-3.0-or-later
/* Unit tests for the command layer that need no dump: splitting, numbers,
 * scripts, help, unknown commands, pipes and redirections. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/cli.h"

static void test_split(void **state)
{
	int argc;
	char **argv;
	const char *rest;
	assert_null(cli_split("  struct 'task struct' a\\ b \"x\\\"y\" | grep x", &argc, &argv, &rest));
	assert_int_equal(argc, 4);
	assert_string_equal(argv[0], "struct");
	assert_string_equal(argv[1], "task struct");
	assert_string_equal(argv[2], "a b");
	assert_string_equal(argv[3], "x\"y");
	assert_non_null(rest);
	assert_string_equal(rest, "| grep x");
	cli_free_argv(argc, argv);
	// expressions: '|' and '>' inside () or [] and the operators ->, >=, ||
	// are words; elsewhere they end the command
	assert_null(cli_split("p (x >> 2) | grep 1", &argc, &argv, &rest));
	assert_int_equal(argc, 4);
	assert_string_equal(argv[1], "(x");
	assert_string_equal(argv[2], ">>");
	assert_string_equal(argv[3], "2)");
	assert_string_equal(rest, "| grep 1");
	cli_free_argv(argc, argv);
	assert_null(cli_split("p a[i|1]->b>=c||d>out", &argc, &argv, &rest));
	assert_int_equal(argc, 2);
	assert_string_equal(argv[1], "a[i|1]->b>=c||d");
	assert_string_equal(rest, ">out");
	cli_free_argv(argc, argv);
	assert_null(cli_split("p (a > b) || c >> log", &argc, &argv, &rest));
	assert_int_equal(argc, 6);
	assert_string_equal(argv[4], "||");
	assert_string_equal(argv[5], "c");
	assert_string_equal(rest, ">> log");
	cli_free_argv(argc, argv);
	assert_null(cli_split("list x) > f", &argc, &argv, &rest));  // stray ')'
	assert_int_equal(argc, 2);
	assert_string_equal(rest, "> f");
	cli_free_argv(argc, argv);
	assert_null(cli_split("p '(a' > f", &argc, &argv, &rest));  // quoted '(' counts not
	assert_int_equal(argc, 2);
	assert_string_equal(rest, "> f");
	cli_free_argv(argc, argv);
	struct vms_error *err = cli_split("echo 'open", &argc, &argv, &rest);
	assert_non_null(err);
	assert_int_equal(err->code, VMS_ERR_INVALID);
	vms_error_destroy(err);
}

static void test_parse_u64(void **state)
{
	uint64_t v;
	assert_null(cli_parse_u64(NULL, "0x10", false, false, &v));
	assert_int_equal(v, 16);
	assert_null(cli_parse_u64(NULL, "10", false, false, &v));
	assert_int_equal(v, 10);
	assert_null(cli_parse_u64(NULL, "10", true, false, &v));
	assert_int_equal(v, 16);
	assert_null(cli_parse_u64(NULL, "ffff888000000000", false, false, &v));
	assert_int_equal(v, 0xffff888000000000ull);
	struct vms_error *err = cli_parse_u64(NULL, "12zz", false, false, &v);
	assert_non_null(err);
	vms_error_destroy(err);
	err = cli_parse_u64(NULL, "", false, false, &v);
	assert_non_null(err);
	vms_error_destroy(err);
}

static char *run_capture(const char *script, bool json, int *status)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct cli_ctx ctx = { .out = out, .json = json };
	*status = cli_run_script(&ctx, script);
	fclose(out);
	return buf;
}

static void test_script(void **state)
{
	int status;
	char *out = run_capture("help; help rd # comment\n\nhelp page", false, &status);
	assert_int_equal(status, VMS_EXIT_OK);
	assert_non_null(strstr(out, "ptype"));
	assert_non_null(strstr(out, "usage: rd"));
	assert_non_null(strstr(out, "usage: page"));
	free(out);

	out = run_capture("nosuchcommand", false, &status);
	assert_int_equal(status, VMS_EXIT_USAGE);
	free(out);

	// A command that needs a dump fails cleanly without one.
	out = run_capture("sys", true, &status);
	assert_int_equal(status, VMS_EXIT_FAILED);
	assert_non_null(strstr(out, "\"error\""));
	free(out);

	out = run_capture("help -j", false, &status);
	assert_int_equal(status, VMS_EXIT_OK);
	assert_int_equal(out[0], '{');
	free(out);
}

static void test_redirect(void **state)
{
	char path[] = "/tmp/vmsift-cli-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	char line[128];
	snprintf(line, sizeof(line), "help quit > %s", path);
	int status;
	char *out = run_capture(line, false, &status);
	assert_int_equal(status, VMS_EXIT_OK);
	assert_string_equal(out, "");
	free(out);
	FILE *fp = fopen(path, "r");
	char buf[256] = "";
	assert_non_null(fgets(buf, sizeof(buf), fp));
	fclose(fp);
	assert_non_null(strstr(buf, "usage: quit"));
	snprintf(line, sizeof(line), "help | grep -c ptype > %s", path);
	out = run_capture(line, false, &status);
	free(out);
	unlink(path);
}

/* Every command documents itself: usage, a summary and help text, which
 * `help CMD` and the vmsift(1) manual page show.  The table is sorted. */
static void test_commands_documented(void **state)
{
	size_t n = 0;
	for (size_t i = 0; cli_commands[i]; i++, n++) {
		const struct cli_command *c = cli_commands[i];
		assert_non_null(c->name);
		if (!c->usage || !c->summary || !c->summary[0])
			fail_msg("command '%s' has no usage or summary", c->name);
		if (!c->help || strlen(c->help) < 20)
			fail_msg("command '%s' has no help text", c->name);
		if (i > 0)
			assert_true(strcmp(cli_commands[i - 1]->name, c->name) < 0);
	}
	assert_true(n > 20);
	for (size_t i = 0; cli_main_options[i].help; i++) {
		const struct cli_option *o = &cli_main_options[i];
		assert_true(o->short_name || o->long_name);
		assert_true(o->help[0] != '\0');
	}
	for (size_t i = 0; cli_exit_statuses[i].meaning; i++)
		assert_int_equal(cli_exit_statuses[i].code, (int)i);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_script),
		cmocka_unit_test(test_redirect),
		cmocka_unit_test(test_commands_documented),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
