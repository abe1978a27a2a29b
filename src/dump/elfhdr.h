// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The ELF headers of a dump, read and checked before libkdumpfile sees the
 * file.
 *
 * libkdumpfile 0.5.1 trusts an ELF file's headers: a section header table
 * with entries of size 0 makes it dereference NULL, a string table or note
 * that claims gigabytes makes it allocate and fill that much.  This module
 * reads every header libkdumpfile reads (the ELF header, program headers,
 * section headers, the section-name table) the way it reads them, and
 * refuses a file whose headers do not describe a sane dump, with one line
 * saying what is wrong.  A dump cut short (truncated) is not refused: its
 * PT_LOADs may describe data beyond the end of the file.
 *
 * Internal to src/dump/; used by dump.c only.
 */
#ifndef VMS_DUMP_ELFHDR_H
#define VMS_DUMP_ELFHDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

/* One PT_LOAD. */
struct elf_load {
	uint64_t paddr, vaddr, offset, filesz, memsz;
};

/* Where a PT_NOTE segment's data is in the file. */
struct elf_span {
	uint64_t offset, size;
};

/* What the headers say. */
struct elfhdr_info {
	uint16_t machine;        // e_machine
	struct elf_load *loads;  // the PT_LOADs in file order; owned, free()
	size_t nloads;
	struct elf_span *notes;  // the PT_NOTE segments with data; owned, free()
	size_t nnotes;
	bool truncated;          // some PT_LOAD's data ends beyond the end of the file
};

/*
 * The most bytes libkdumpfile may read whole into memory for one piece of
 * metadata (a PT_NOTE segment, the section-name table, a Xen note section).
 * Real dumps have a few KiB of notes per CPU plus VMCOREINFO (one page);
 * device dumps add at most some MiB.
 */
#define ELFHDR_META_MAX (UINT64_C(64) << 20)

/*
 * Read and check the ELF headers of the file @fd of @fsize bytes, whose
 * first @headlen bytes (at least EI_NIDENT, starting with the ELF magic) are
 * @head.  @live: the file is /proc/kcore (its size is not the end of its
 * data; overlaps are the kernel's own).  @path names the file in errors.
 *
 * Errors: VMS_ERR_FORMAT with one line "PATH: ..." ("truncated: ..." for
 * headers cut off the file, "not a kernel dump (...)" for an ELF file that
 * is no dump, "corrupt ELF headers: ..." for impossible values);
 * VMS_ERR_OS if reading fails; VMS_ERR_NOMEM.  Nothing is allocated beyond
 * what the file holds.
 * Ownership: on success @ret->loads and @ret->notes are the caller's to free().
 */
VMS_MUST_CHECK struct vms_error *elfhdr_read(int fd, uint64_t fsize, const uint8_t *head, size_t headlen,
			      bool live, const char *path, struct elfhdr_info *ret);

#endif
