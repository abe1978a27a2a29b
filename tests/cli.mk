# cli tests: the command layer without a dump, and the binary on bad input
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/cli_test
TESTS += tests/unit/cli_test
tests_unit_cli_test_SOURCES = tests/unit/cli_test.c
tests_unit_cli_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_cli_test_LDADD = src/libvmsift.a $(VMS_LIBS) $(CMOCKA_LIBS)
endif
TESTS += tests/badinput.sh
EXTRA_DIST += tests/badinput.sh
TESTS += tests/plugin.sh
EXTRA_DIST += tests/plugin.sh
tests/plugin.log: plugins/peek.so tests/tools/dumpcat $(DI_FIXTURES)
TESTS += tests/options.sh
EXTRA_DIST += tests/options.sh
tests/options.log: tests/tools/dumpcat $(DI_FIXTURES)
TESTS += tests/repl.sh
EXTRA_DIST += tests/repl.sh
tests/repl.log: tests/tools/dumpcat $(DI_FIXTURES)
