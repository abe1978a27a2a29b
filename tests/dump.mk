# SPDX-License-Identifier: GPL-3.0-or-later
# dump tests.  The synthetic dump writer (tests/tools/dumpgen.c) compresses
# with zlib, lzo2, snappy and zstd (in $(CODEC_LIBS), part of $(VMS_LIBS)).
DUMP_TEST_CODEC_LIBS =

check_PROGRAMS += tests/tools/dumpcat
tests_tools_dumpcat_SOURCES = tests/tools/dumpcat.c tests/tools/dumpgen.c tests/tools/dumpgen.h
tests_tools_dumpcat_LDADD = src/libvmsift.a $(VMS_LIBS) $(DUMP_TEST_CODEC_LIBS)

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/dump_test
TESTS += tests/unit/dump_test
tests_unit_dump_test_SOURCES = tests/unit/dump_test.c tests/tools/dumpgen.c tests/tools/dumpgen.h
tests_unit_dump_test_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/tools
tests_unit_dump_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_dump_test_LDADD = src/libvmsift.a $(VMS_LIBS) $(CMOCKA_LIBS) $(DUMP_TEST_CODEC_LIBS)
endif
