// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The dump layer: bytes by address from a kernel memory dump.
 *
 * This is the only module that sees libkdumpfile/libaddrxlat.  It opens ELF
 * vmcores (QEMU paging=false/true, /proc/kcore), kdump-compressed files
 * (zlib, lzo, snappy, zstd, makedumpfile-filtered) through libkdumpfile, and
 * makedumpfile's flattened stream format (QEMU's kdump-* output,
 * makedumpfile -F) through its own reader that indexes the flattened records
 * in place (no temporary copy) and translates addresses with libaddrxlat.
 *
 * Threads: a struct vms_dump is used by one thread at a time.  Give each
 * further thread its own handle with dump_clone(); clones share the file,
 * the parsed metadata and (for libkdumpfile formats) the page cache.
 * Destroying the original before its clones is allowed.
 *
 * Errors: every fallible function returns a struct vms_error * (NULL on
 * success) and writes its results only on success.  A page that the dump
 * does not hold (excluded by makedumpfile, outside every PT_LOAD, beyond the
 * end of a truncated file) is VMS_ERR_NODATA naming the first missing
 * address; a virtual address without a translation is VMS_ERR_FAULT naming
 * that address.
 */
#ifndef VMS_DUMP_DUMP_H
#define VMS_DUMP_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

/* An open dump; opaque.  One per thread (see dump_clone()). */
struct vms_dump;

/* Address space of a read. */
enum dump_space {
	DUMP_PHYS,  // (kernel) physical address
	DUMP_KVIRT, // kernel virtual address, translated via the kernel's page tables
};

/* Page accounting of a dump (see dump_stats()). */
struct dump_stats {
	uint64_t max_pfn;        // one past the highest PFN the dump describes
	uint64_t pages_present;  // pages whose contents the file holds
	uint64_t pages_excluded; // RAM pages described by the dump but not held
	bool exact;              // counts come from a bitmap / the program headers
	bool truncated;          // the file ends before data it announces
	uint64_t file_size;      // bytes in the file (logical size if flattened)
	uint64_t pages_truncated; // pages the dump announces but whose data lies
				  // past the end of the file (a part of
				  // pages_excluded)
};

/*
 * Open the dump at @path read-only (O_RDONLY: the file is never written) and
 * detect its format.
 *
 * Errors: VMS_ERR_OS if the file cannot be opened; VMS_ERR_FORMAT with a
 * one-line message "PATH: not a kernel dump (...)" or "PATH: truncated: ..."
 * for garbage, empty or cut-off headers; VMS_ERR_UNSUPPORTED for dump
 * formats that are recognised but not handled.
 * Ownership: on success *@ret is a new handle; free it with dump_destroy().
 */
VMS_MUST_CHECK struct vms_error *dump_open(const char *path, struct vms_dump **ret);

/* Flags of dump_open_flags(). */
enum {
	DUMP_OPEN_LIVE = 1 << 0, // take the file for a live /proc/kcore (tests, fuzzing)
};

/* dump_open() with @flags (DUMP_OPEN_*). */
VMS_MUST_CHECK struct vms_error *dump_open_flags(const char *path, unsigned flags, struct vms_dump **ret);

/*
 * Create an independent handle on the same dump for use by another thread.
 * It shares the file, the metadata and caches where the backend allows it
 * (libkdumpfile's kdump_clone()), and has its own translation context.
 *
 * Errors: VMS_ERR_NOMEM, or VMS_ERR_OTHER if the backend refuses.
 * Ownership: *@ret must be freed with dump_destroy(); it stays valid after
 * @d is destroyed.
 */
VMS_MUST_CHECK struct vms_error *dump_clone(struct vms_dump *d, struct vms_dump **ret);

/* Free a handle.  NULL is a no-op. */
void dump_destroy(struct vms_dump *d);

/* The path given to dump_open().  Borrowed, lives as long as @d. */
const char *dump_path(const struct vms_dump *d);

/*
 * Dump format: "elf", "kdump-compressed", "flattened kdump", "kcore", or
 * libkdumpfile's own name for rarer formats.  Borrowed, never NULL.
 */
const char *dump_format(const struct vms_dump *d);

/*
 * Page compression: "zlib", "lzo", "snappy", "zstd", "none", "mixed"
 * (several codecs in one file), or NULL if unknown.  ELF dumps are "none".
 * For compressed kdump files this is taken from the page descriptors (a
 * sample for files read by libkdumpfile, all of them for flattened ones).
 * Borrowed.
 */
const char *dump_compression(const struct vms_dump *d);

/* Architecture name ("x86_64"), or NULL if unknown.  Borrowed. */
const char *dump_arch(const struct vms_dump *d);

/* Page size of the dumped machine in bytes (4096 on x86_64). */
uint32_t dump_page_size(const struct vms_dump *d);

/* True for a live system image (/proc/kcore). */
bool dump_is_live(const struct vms_dump *d);

/* The raw VMCOREINFO text, or NULL if the dump has none.  Borrowed. */
const char *dump_vmcoreinfo(const struct vms_dump *d);

/*
 * The value of the VMCOREINFO line "KEY=value" for @key (e.g. "OSRELEASE",
 * "KERNELOFFSET", "SYMBOL(swapper_pg_dir)", "NUMBER(phys_base)"), or NULL
 * if absent.  Borrowed: valid as long as @d (and its clones) live.
 */
const char *dump_vmcoreinfo_value(const struct vms_dump *d, const char *key);

/*
 * Parse the VMCOREINFO value of @key as a number: base 16 for "SYMBOL(...)"
 * and "KERNELOFFSET", base 10 (signed allowed) otherwise, as the kernel
 * prints them.
 * Errors: VMS_ERR_LOOKUP if absent, VMS_ERR_FORMAT if not a number.
 */
VMS_MUST_CHECK struct vms_error *dump_vmcoreinfo_number(const struct vms_dump *d, const char *key,
					 uint64_t *ret);

/* One ELF note of the dump. */
struct dump_note {
	const char *name;  // "CORE", "QEMU", "VMCOREINFO", ... (NUL-terminated)
	uint32_t type;     // NT_PRSTATUS, ...
	const void *desc;  // its descriptor, @size bytes
	size_t size;
};

/*
 * The ELF notes the dump carries, in file order: the PT_NOTE segments of an
 * ELF dump (QEMU writes an NT_PRSTATUS and a "QEMU" note per vCPU; a kdump
 * /proc/vmcore the capture kernel's copy of each CPU's crash_notes), or the
 * note area of a kdump-compressed file (sub-header version 4+, where
 * makedumpfile copies them).  Read on first call and shared by clones.
 * Ownership: *@ret (@count entries, maybe 0) is borrowed from @d and lives
 * as long as it; the descriptors are not aligned, copy before reading
 * fields.  Errors: VMS_ERR_CORRUPT (a note runs past its segment; the
 * notes before it are still returned), VMS_ERR_NODATA (the notes lie past
 * the end of a truncated file), VMS_ERR_OS, VMS_ERR_NOMEM.
 */
VMS_MUST_CHECK struct vms_error *dump_notes(struct vms_dump *d, const struct dump_note **ret, size_t *count);

/*
 * Read @len bytes at @addr in address space @s into @buf.  All or nothing:
 * on error the contents of @buf are unspecified.  Large reads are cheap
 * (no per-byte overhead; virtual translations are cached per page).
 *
 * Errors: VMS_ERR_NODATA naming the first missing address when the dump
 * does not hold a page (excluded, filtered, not in any PT_LOAD, beyond the
 * end of the file); VMS_ERR_FAULT naming the address when a kernel virtual
 * address has no translation; VMS_ERR_CORRUPT if a page cannot be
 * decompressed; VMS_ERR_INVALID if @addr + @len wraps.
 */
VMS_MUST_CHECK struct vms_error *dump_read(struct vms_dump *d, enum dump_space s, uint64_t addr,
			    void *buf, size_t len);

/*
 * Zero-copy read: a read-only pointer to the @len bytes at @addr in space
 * @s, straight from a read-only mapping of the dump file, or NULL if that is
 * not available.  Available only where the file holds the bytes as they are
 * and in one piece: a plain, complete ELF dump (not kdump-compressed, not
 * flattened, not truncated, not /proc/kcore), the range inside the file data
 * of one PT_LOAD, and for DUMP_KVIRT a physically contiguous translation.
 * NULL is not an error: read with dump_read(), which reports why the data is
 * missing, if it is.
 * Ownership: the memory is borrowed from @d's file mapping (shared by its
 * clones) and stays valid as long as @d; never write to it.  Call
 * dump_unmap() when done so the pages leave the resident set.
 */
const void *dump_map(struct vms_dump *d, enum dump_space s, uint64_t addr, size_t len);

/*
 * Done with the range [@p, @p + @len) returned by dump_map(): drop its pages
 * from the process (MADV_DONTNEED; they stay in the page cache), so a sweep
 * over the dump does not grow the resident set.  NULL is a no-op.  The
 * pointer stays valid (touching it again faults the pages back in).
 */
void dump_unmap(struct vms_dump *d, const void *p, size_t len);

/*
 * Translate kernel virtual address @kvaddr to a physical address through
 * the kernel's page tables (or the kernel text / direct mapping).
 * Errors: VMS_ERR_FAULT (not mapped), VMS_ERR_NODATA (a page table page is
 * missing from the dump), VMS_ERR_UNSUPPORTED (no translation system, e.g.
 * no VMCOREINFO and unknown architecture).
 */
VMS_MUST_CHECK struct vms_error *dump_vtop(struct vms_dump *d, uint64_t kvaddr, uint64_t *paddr_ret);

/*
 * Page accounting: kdump bitmaps (2nd bitmap = held, 1st = RAM) or ELF
 * PT_LOAD coverage (p_filesz = held, p_memsz = RAM).  The first call builds
 * a per-dump bitmap of held pages (1 bit per PFN), shared by clones.
 * Errors: VMS_ERR_NOMEM; VMS_ERR_UNSUPPORTED if the dump has no page map.
 */
VMS_MUST_CHECK struct vms_error *dump_stats(struct vms_dump *d, struct dump_stats *ret);

/*
 * Whether the dump holds the page with frame number @pfn: a bit test once
 * the held-page bitmap is built (by the first call).  PFNs beyond the dump
 * give false.  Errors: as dump_stats().
 */
VMS_MUST_CHECK struct vms_error *dump_page_held(struct vms_dump *d, uint64_t pfn, bool *ret);

/*
 * Fill @ranges with up to @max [start, end) physical byte ranges whose
 * pages the file holds, in ascending order, coalescing adjacent pages.
 * Returns the total number of ranges (which may exceed @max: call again
 * with a bigger array); 0 if there are none or the page map is unavailable.
 */
size_t dump_phys_ranges(struct vms_dump *d, uint64_t (*ranges)[2], size_t max);

#endif
