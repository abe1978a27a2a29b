# program: the session over one dump and its debug info
src_libvmsift_a_SOURCES += \
	src/program/program.c src/program/program.h src/program/internal.h \
	src/program/btf.c src/program/btf_globals.c \
	src/program/object.c src/program/object.h
