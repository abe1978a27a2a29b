# linux: the crash context: CPUs, modules, ORC and backtraces, the panic
src_libvmsift_a_SOURCES += \
	src/linux/crashdata.h \
	src/linux/cpus.c src/linux/cpus.h \
	src/linux/module.c src/linux/module.h \
	src/linux/orc.c src/linux/orc.h \
	src/linux/unwind.c src/linux/unwind.h \
	src/linux/panic.c src/linux/panic.h \
	src/linux/crash.c src/linux/crash.h
