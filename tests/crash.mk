# the crash context on real panic dumps (testdata/mkpanic): bt, mod, sym,
# sys and the report's crash section against the guest's own record
# (tests/realdump/crash.sh runs once per kernel line: REALDUMP_LINE_TESTS)
EXTRA_DIST += tests/realdump/crash.sh tests/realdump/crash.py tests/realdump/crash_bad.py \
	tests/realdump/slabobjects.py \
	bench/crash-compare.sh bench/crash_compare.py
# the crash context's pure parts (ORC, signature, ELF notes) on byte images
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/crash_test
TESTS += tests/unit/crash_test
tests_unit_crash_test_SOURCES = tests/unit/crash_test.c tests/tools/dumpgen.c tests/tools/dumpgen.h
tests_unit_crash_test_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/tools
tests_unit_crash_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_crash_test_LDADD = src/libvmsift.a $(VMS_LIBS) $(CMOCKA_LIBS)
endif
