# program tests: a synthetic dump (tests/tools/dumpgen.c) with the
# kernel-shaped vmlinux the debuginfo tests build
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/program_test
TESTS += tests/unit/program_test
tests_unit_program_test_SOURCES = tests/unit/program_test.c tests/tools/dumpgen.c tests/tools/dumpgen.h
tests_unit_program_test_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/tools
tests_unit_program_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_program_test_LDADD = src/libvmsift.a $(VMS_LIBS) $(CMOCKA_LIBS)
EXTRA_tests_unit_program_test_DEPENDENCIES = $(DI_FIXTURES)
endif
