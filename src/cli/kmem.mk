# SPDX-License-Identifier: GPL-3.0-or-later
# cli: slabinfo, slab, vmalloc, memcg, kmem (kernel memory)
src_libvmsift_a_SOURCES += src/cli/cmd_slab.c src/cli/cmd_vmalloc.c src/cli/cmd_memcg.c src/cli/cmd_kmem.c
