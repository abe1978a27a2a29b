// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Internal to src/dump/: a reader of makedumpfile's kdump-compressed layout
 * (header, sub-header, VMCOREINFO, bitmaps, page descriptors, zlib / lzo /
 * snappy / zstd pages), over a plain file or over the flattened stream
 * format (makedumpfile -F, QEMU kdump-*), whose records are indexed in place:
 * logical offset -> position in the file, no copy.
 *
 * struct kdc is immutable after kdc_open() and may be shared by threads;
 * struct kdc_reader holds one thread's buffers.
 */
#ifndef VMS_DUMP_KDUMPC_H
#define VMS_DUMP_KDUMPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

/* Codec bits, as in makedumpfile's page_desc.flags. */
#define KDC_ZLIB 0x1u
#define KDC_LZO 0x2u
#define KDC_SNAPPY 0x4u
#define KDC_ZSTD 0x20u
#define KDC_CODECS (KDC_ZLIB | KDC_LZO | KDC_SNAPPY | KDC_ZSTD)

struct kdc_seg {
	uint64_t off;  // logical offset in the reassembled file
	uint64_t size;
	uint64_t fpos; // position of the bytes in the flattened file
};

struct kdc {
	int fd;               // not owned
	bool flattened;
	bool truncated;       // data announced beyond the end of the file
	uint64_t file_size;   // logical size (reassembled size for flattened files)
	struct kdc_seg *segs; // flattened: sorted, non-overlapping
	size_t nsegs;

	int header_version;
	char machine[66];
	char release[66];
	uint32_t block_size;  // == page size
	uint64_t max_mapnr;
	uint64_t sub_phys_base;
	char *vmcoreinfo;     // NUL-terminated, or NULL
	uint64_t note_off;    // the ELF notes (sub-header version 4+), 0 if none
	uint64_t note_size;
	uint8_t *bitmap1;     // RAM pages
	uint8_t *bitmap2;     // dumped pages
	uint64_t bitmap_len;  // bytes in each bitmap
	uint64_t *rank;       // rank[i]: dumped pages below PFN i * 512
	uint64_t desc_off;
	uint64_t ndesc;
	unsigned codecs_seen; // KDC_* bits seen in the sampled descriptors
	bool raw_seen;        // uncompressed pages seen
};

/*
 * Parse the kdump-compressed file on @fd (size @fsize).  @flattened selects
 * the makedumpfile flattened stream format.  @path is only used in messages.
 * Errors: VMS_ERR_FORMAT ("PATH: truncated: ...", "PATH: bad kdump header:
 * ..."), VMS_ERR_OS, VMS_ERR_NOMEM.
 */
VMS_MUST_CHECK struct vms_error *kdc_open(int fd, uint64_t fsize, bool flattened, const char *path,
			   struct kdc **ret);
void kdc_destroy(struct kdc *k);

/* Of the pages the 2nd bitmap says are dumped, how many have their
 * descriptor or their data beyond the end of the file (truncated dumps). */
uint64_t kdc_pages_cut(const struct kdc *k);

/*
 * Read @len bytes at logical file offset @off (through the flattened index
 * if needed).  Unwritten gaps read as zeros.  Returns the number of bytes
 * read (short at the end of the file) or -errno.
 */
int64_t kdc_pread(const struct kdc *k, void *buf, size_t len, uint64_t off);

#define KDC_PCACHE 8
#define KDC_DCACHE 512

struct kdc_reader {
	const struct kdc *k;
	uint8_t *scratch;                // compressed data, block_size bytes
	uint8_t *pages;                  // KDC_PCACHE pages
	uint64_t page_pfn[KDC_PCACHE];   // UINT64_MAX = empty
	uint8_t dcache[KDC_DCACHE * 24]; // raw page descriptors
	uint64_t dfirst, dcount;         // ranks cached in dcache
	void *zs;                        // libdeflate decompressor for zlib pages, or NULL
};

VMS_MUST_CHECK struct vms_error *kdc_reader_init(struct kdc_reader *r, const struct kdc *k);
void kdc_reader_deinit(struct kdc_reader *r);

/*
 * Read @len bytes at physical address @paddr.  All or nothing.
 * Errors: VMS_ERR_NODATA (page not in the dump or beyond the end of a
 * truncated file) naming the first missing address, VMS_ERR_CORRUPT
 * (bad descriptor, decompression failure), VMS_ERR_UNSUPPORTED (codec not
 * available), VMS_ERR_OS.
 */
VMS_MUST_CHECK struct vms_error *kdc_read(struct kdc_reader *r, uint64_t paddr, void *buf, size_t len);

/* Names of codec bits ("zlib", ...) for messages. */
const char *kdc_codec_name(unsigned flags);

/* pread() until @len bytes are read, EOF or an error; retries EINTR.
 * Returns the bytes read (short at EOF) or -errno. */
int64_t kdc_pread_full(int fd, void *buf, size_t len, uint64_t off);

#endif
