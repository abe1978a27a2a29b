# linux: kernel log, memory summary and the batch report's sections
src_libvmsift_a_SOURCES += \
	src/linux/printk.c src/linux/printk.h \
	src/linux/meminfo.c src/linux/meminfo.h \
	src/linux/report.c src/linux/report.h
