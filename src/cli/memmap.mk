# SPDX-License-Identifier: GPL-3.0-or-later
# cli: pages, pagestat
src_libvmsift_a_SOURCES += src/cli/cmd_pages.c
