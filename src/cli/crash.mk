# cli: the crash context: bt, mod
src_libvmsift_a_SOURCES += src/cli/cmd_crash.c
