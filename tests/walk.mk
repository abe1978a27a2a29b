# (list and tree on real dumps, tests/realdump/walk.sh: tests/realdump.mk)
# the expression evaluator (program/eval.h) on the synthetic dump of
# tests/program.mk
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/eval_test
TESTS += tests/unit/eval_test
tests_unit_eval_test_SOURCES = tests/unit/eval_test.c tests/tools/dumpgen.c tests/tools/dumpgen.h
tests_unit_eval_test_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/tools
tests_unit_eval_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_eval_test_LDADD = src/libvmsift.a $(VMS_LIBS) $(CMOCKA_LIBS)
EXTRA_tests_unit_eval_test_DEPENDENCIES = $(DI_FIXTURES)
endif
