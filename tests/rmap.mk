# SPDX-License-Identifier: GPL-3.0-or-later
# rmap, vm, ps: walker unit tests on in-memory images; the real-dump proof;
# hand-corrupted dumps
# (the real-dump scripts rmap.sh and corrupt.sh: tests/realdump.mk)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/walkers_test
TESTS += tests/unit/walkers_test
tests_unit_walkers_test_SOURCES = tests/unit/walkers_test.c
tests_unit_walkers_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_walkers_test_LDADD = src/libvmsift.a $(VMS_LIBS) $(CMOCKA_LIBS)
endif
