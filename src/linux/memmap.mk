# SPDX-License-Identifier: GPL-3.0-or-later
# linux: the memory map walk and the struct page decoder
src_libvmsift_a_SOURCES += \
	src/linux/memmap.c src/linux/memmap.h \
	src/linux/pagedecode.c src/linux/pagedecode.h \
	src/linux/kpf.c src/linux/kpf.h
src_libvmsift_a_SOURCES += src/linux/pagestat.c src/linux/pagestat.h
