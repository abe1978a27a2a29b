// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Writers of tiny synthetic kernel dumps for the dump layer's tests: a 4 MiB
 * x86_64 machine with page tables (kernel text, direct map, a vmemmap-like
 * 2 MiB page), a VMCOREINFO, a hole and excluded pages, as an ELF vmcore, a
 * kdump-compressed file or its flattened form.
 *
 * Physical layout (page = 4 KiB):
 *   [0, 1 MiB)        RAM, held (page tables at 0x10000..0x17000)
 *   [1 MiB, 2 MiB)    hole: not RAM, not in the dump
 *   [2 MiB, 2.5 MiB)  RAM, held
 *   [2.5 MiB, 3 MiB)  RAM, excluded (ELF: p_memsz > p_filesz; kdump: bitmaps)
 * Virtual mappings:
 *   0xffffffff80000000 + [0, 1 MiB)  -> phys [0, 1 MiB)  (4 KiB PTEs)
 *   0xffff888000000000 + [0, 1 GiB)  -> phys [0, 1 GiB)  (1 GiB page)
 *   0xffffea0000000000 + [0, 2 MiB)  -> phys [2 MiB, 4 MiB) (2 MiB page)
 */
#ifndef VMS_TESTS_DUMPGEN_H
#define VMS_TESTS_DUMPGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DG_MEM_SIZE (4u << 20)
#define DG_KTEXT UINT64_C(0xffffffff80000000)
#define DG_DIRECT UINT64_C(0xffff888000000000)
#define DG_VMEMMAP UINT64_C(0xffffea0000000000)
#define DG_HOLE 0x100000u
#define DG_SEG1 0x200000u
#define DG_EXCL 0x280000u
#define DG_SEG1_END 0x300000u
#define DG_SMALL_RAM 0x20000u // dg_opts.small: RAM [0, 128 KiB), the last page excluded

enum dg_format { DG_ELF, DG_KDUMP, DG_FLAT };

/* Codec for DG_KDUMP/DG_FLAT: 0 (raw), 1 zlib, 2 lzo, 4 snappy, 0x20 zstd. */

/* The expected physical memory image (DG_MEM_SIZE bytes). */
const uint8_t *dg_image(void);

/* Write a dump; returns 0 or -1 with errno set. */
int dg_write(const char *path, enum dg_format fmt, unsigned codec);

/* Variations (fuzzing seeds). */
struct dg_opts {
	bool small;             // a 128 KiB machine (DG_SMALL_RAM), same page tables
	const char *vmcoreinfo; // this VMCOREINFO text (vmcoreinfo_len bytes), NULL: default
	size_t vmcoreinfo_len;
};
int dg_write_opts(const char *path, enum dg_format fmt, unsigned codec, const struct dg_opts *opts);

#endif
