# SPDX-License-Identifier: GPL-3.0-or-later
# linux: kernel memory: slab caches and objects, vmalloc areas, memory
# cgroups, modules, what an address is
src_libvmsift_a_SOURCES += \
	src/linux/kmembase.c src/linux/kmembase.h \
	src/linux/slab.c src/linux/slab.h \
	src/linux/kmod.c src/linux/kmod.h \
	src/linux/vmalloc.c src/linux/vmalloc.h \
	src/linux/memcg.c src/linux/memcg.h \
	src/linux/kmem.c src/linux/kmem.h \
	src/linux/kmemreport.c src/linux/kmemreport.h
