# SPDX-License-Identifier: GPL-3.0-or-later
# mem_map walk and struct page decoding: unit tests on byte images, and the
# real-dump comparison with the kernel's /proc/kpageflags and kpagecount
# (the real-dump scripts pageflags.sh and truncated.sh: tests/realdump.mk)
EXTRA_DIST += bench/memmap.sh

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/page_test
TESTS += tests/unit/page_test
tests_unit_page_test_SOURCES = tests/unit/page_test.c
tests_unit_page_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_page_test_LDADD = src/libvmsift.a $(VMS_LIBS) $(CMOCKA_LIBS)
endif

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/memmap_test
TESTS += tests/unit/memmap_test
tests_unit_memmap_test_SOURCES = tests/unit/memmap_test.c
tests_unit_memmap_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_memmap_test_LDADD = src/libvmsift.a $(VMS_LIBS) $(CMOCKA_LIBS)
endif
