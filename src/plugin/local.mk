# plugin: the loader (the only dlopen user) and the public plugin header
src_libvmsift_a_SOURCES += src/plugin/plugin.c src/plugin/plugin.h src/cli/cmd_plugin.c
# installed as $(includedir)/vmsift/plugin.h: plugins write <vmsift/plugin.h>
pkginclude_HEADERS += include/vmsift/plugin.h
