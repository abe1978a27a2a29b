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
TESTS += tests/repl.sh
EXTRA_DIST += tests/repl.sh
tests/repl.log: tests/tools/dumpcat $(DI_FIXTURES)
TESTS += tests/manpage.sh
EXTRA_DIST += tests/manpage.sh
tests/manpage.log: doc/vmsift.1 doc/vmsift-plugin.7 tests/tools/dumpcat $(DI_FIXTURES)
TESTS += tests/completion.sh
EXTRA_DIST += tests/completion.sh
tests/completion.log: completion/vmsift tests/tools/dumpcat $(DI_FIXTURES)
# the installed result: Debian packages built, unpacked and used
TESTS += tests/install.sh
EXTRA_DIST += tests/install.sh
tests/install.log: tests/tools/dumpcat $(DI_FIXTURES)
