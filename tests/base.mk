# base tests
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/base_test
TESTS += tests/unit/base_test
tests_unit_base_test_SOURCES = tests/unit/base_test.c
tests_unit_base_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_base_test_LDADD = src/libvmsift.a $(VMS_LIBS) $(CMOCKA_LIBS)
endif
