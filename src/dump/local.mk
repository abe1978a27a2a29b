# SPDX-License-Identifier: GPL-3.0-or-later
# dump layer: the only user of libkdumpfile/libaddrxlat.
# NOTE(lead): kdumpc.c looks the zlib/lzo2/snappy/zstd decompressors up with
# dlsym() (they are loaded as dependencies of libkdumpfile) until configure
# checks for them; see the report.
src_libvmsift_a_SOURCES += \
	src/dump/dump.c src/dump/dump.h \
	src/dump/elfhdr.c src/dump/elfhdr.h \
	src/dump/kdumpc.c src/dump/kdumpc.h
