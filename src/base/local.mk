# base: errors, strings, value trees (JSON), containers
src_libvmsift_a_SOURCES += \
	src/base/error.c src/base/error.h \
	src/base/strbuf.c src/base/strbuf.h \
	src/base/value.c src/base/value.h \
	src/base/record.c src/base/record.h \
	src/base/vector.h src/base/util.h \
	src/base/cleanup.h
