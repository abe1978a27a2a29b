# debuginfo layer: names and types from ELF/DWARF or BTF (the only libdw/libelf
# and libbpf user)
src_libvmsift_a_SOURCES += \
	src/base/hashmap.c src/base/hashmap.h \
	src/debuginfo/debuginfo.h src/debuginfo/internal.h \
	src/debuginfo/debuginfo.c src/debuginfo/symbols.c \
	src/debuginfo/dwarf_index.c src/debuginfo/memo.c \
	src/debuginfo/types.c src/debuginfo/functions.c \
	src/debuginfo/btf.c src/debuginfo/kallsyms.c src/debuginfo/image.c \
	src/debuginfo/type_name.c src/debuginfo/frames.c \
	src/debuginfo/modfile.c
