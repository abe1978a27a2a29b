# linux: kernel knowledge, expressed only through program/
src_libvmsift_a_SOURCES += \
	src/linux/kernel.c src/linux/kernel.h \
	src/linux/kfacts.c src/linux/kfacts.h src/linux/kfacts.def \
	src/linux/arch.h src/linux/arch_x86_64.c \
	src/linux/page.c src/linux/page.h \
	src/linux/sysinfo.c src/linux/sysinfo.h
include src/linux/memmap.mk
include src/linux/rmap.mk
include src/linux/report.mk
include src/linux/kmem.mk
include src/linux/crash.mk
