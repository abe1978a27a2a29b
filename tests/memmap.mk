# SPDX-License-Identifier: GPL-3.0-or-later
# mem_map walk and struct page decoding: unit tests on byte images, and the
# real-dump comparison with the kernel's /proc/kpageflags and kpagecount
TESTS += tests/realdump/pageflags.sh tests/realdump/truncated.sh tests/realdump/progress.sh
EXTRA_DIST += tests/realdump/pageflags.sh tests/realdump/kpfcompare.py \
	tests/realdump/kmemcompare.py bench/memmap.sh \
	tests/realdump/truncated.sh tests/realdump/truncated.py tests/tools/kdump_exclude.py \
	tests/realdump/progress.sh

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
