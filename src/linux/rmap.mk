# SPDX-License-Identifier: GPL-3.0-or-later
# linux: generic walkers (list, rbtree, maple tree, xarray), tasks, mm,
# page tables, anon_vma, KSM and the reverse map
src_libvmsift_a_SOURCES += \
	src/linux/walk.c src/linux/walk.h \
	src/linux/list.c src/linux/list.h \
	src/linux/rbtree.c src/linux/rbtree.h \
	src/linux/maple.c src/linux/maple.h \
	src/linux/xarray.c src/linux/xarray.h \
	src/linux/vmctx.c src/linux/vmctx.h \
	src/linux/task.c src/linux/task.h \
	src/linux/mm.c src/linux/mm.h \
	src/linux/pgtable.c src/linux/pgtable.h \
	src/linux/anon_vma.c src/linux/anon_vma.h \
	src/linux/ksm.c src/linux/ksm.h \
	src/linux/rmap.c src/linux/rmap.h
