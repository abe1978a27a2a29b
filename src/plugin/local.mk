# plugin: the loader (the only dlopen user) and the public plugin header
src_libvmsift_a_SOURCES += src/plugin/plugin.c src/plugin/plugin.h src/cli/cmd_plugin.c
include_HEADERS += include/vmsift/plugin.h
