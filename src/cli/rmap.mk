# SPDX-License-Identifier: GPL-3.0-or-later
# cli: rmap, vm, ps, anonvma
src_libvmsift_a_SOURCES += src/cli/cmd_rmap.c src/cli/cmd_vm.c
