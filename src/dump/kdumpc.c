// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Reader of the kdump-compressed layout over a plain or flattened file.
 * Layout references: makedumpfile's IMPLEMENTATION file and diskdump_mod.h;
 * the flattened format is makedumpfile's "makedumpfile" header (4096 bytes)
 * followed by big-endian {int64 offset, int64 size} records, ended by an
 * offset of -1.  Records written later win over earlier ones, as in
 * makedumpfile -R.
 */
#include "dump/kdumpc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <libdeflate.h>
#include <zlib.h>
#include <zstd.h>

#include "base/vector.h"

#define FLAT_SIGNATURE "makedumpfile"
#define FLAT_HEADER_SIZE 4096
#define FLAT_END ((uint64_t)-1)
#define DESC_SIZE 24
#define RANK_SHIFT 9 // one rank entry per 512 PFNs
#define MAX_VMCOREINFO (1u << 20)

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static uint64_t get_le64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return le64toh(v);
}

static uint32_t get_le32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return le32toh(v);
}

int64_t kdc_pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (int64_t)done;
}

/* ---- flattened index ---- */

VMS_DEFINE_VECTOR(segvec, struct kdc_seg);

/* Insert a record; later records override earlier ones where they overlap. */
static bool segvec_insert(struct segvec *sv, uint64_t off, uint64_t size, uint64_t fpos)
{
	if (!size)
		return true;
	uint64_t end = off + size;
	if (sv->size == 0 || off >= sv->data[sv->size - 1].off + sv->data[sv->size - 1].size) {
		struct kdc_seg *last = sv->size ? &sv->data[sv->size - 1] : NULL;
		if (last && last->off + last->size == off && last->fpos + last->size == fpos) {
			last->size += size;
			return true;
		}
		return segvec_append(sv, (struct kdc_seg){off, size, fpos});
	}
	// Rare: an overlapping or out-of-order record.  First segment ending
	// after off:
	size_t lo = 0, hi = sv->size;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (sv->data[mid].off + sv->data[mid].size <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t i = lo, j = lo;
	while (j < sv->size && sv->data[j].off < end)
		j++;
	struct kdc_seg repl[3];
	size_t nr = 0;
	if (i < j && sv->data[i].off < off)
		repl[nr++] = (struct kdc_seg){sv->data[i].off, off - sv->data[i].off, sv->data[i].fpos};
	repl[nr++] = (struct kdc_seg){off, size, fpos};
	if (i < j) {
		struct kdc_seg *s = &sv->data[j - 1];
		uint64_t send = s->off + s->size;
		if (send > end)
			repl[nr++] = (struct kdc_seg){end, send - end, s->fpos + (end - s->off)};
	}
	if (!segvec_reserve(sv, sv->size + 3))
		return false;
	memmove(&sv->data[i + nr], &sv->data[j], (sv->size - j) * sizeof(*sv->data));
	memcpy(&sv->data[i], repl, nr * sizeof(*repl));
	sv->size = sv->size - (j - i) + nr;
	return true;
}

VMS_MUST_CHECK static struct vms_error *flat_index(struct kdc *k, uint64_t fsize, const char *path)
{
	struct segvec sv = VMS_VECTOR_INIT;
	uint8_t *buf = malloc(1 << 16);
	if (!buf)
		return &vms_enomem;
	struct vms_error *err = NULL;
	uint64_t pos = FLAT_HEADER_SIZE;
	uint64_t bufpos = 0, buflen = 0;
	uint64_t logical_end = 0;
	bool ended = false;
	for (;;) {
		if (pos + 16 > fsize)
			break;
		if (pos < bufpos || pos + 16 > bufpos + buflen) {
			int64_t n = kdc_pread_full(k->fd, buf, 1 << 16, pos);
			if (n < 0) {
				err = vms_error_errno((int)-n, "%s: reading flattened record", path);
				goto out;
			}
			bufpos = pos;
			buflen = (uint64_t)n;
			if (buflen < 16)
				break;
		}
		const uint8_t *h = buf + (pos - bufpos);
		uint64_t off = get_be64(h), size = get_be64(h + 8);
		if (off == FLAT_END) {
			ended = true;
			break;
		}
		if ((int64_t)off < 0 || (int64_t)size < 0 || off + size < off) {
			err = vms_error_create(VMS_ERR_FORMAT,
					       "%s: corrupt flattened record at file offset %" PRIu64,
					       path, pos);
			goto out;
		}
		pos += 16;
		if (pos + size > fsize) {
			// The last record was cut: keep what is there.
			size = fsize - pos;
			k->truncated = true;
		}
		if (!segvec_insert(&sv, off, size, pos)) {
			err = &vms_enomem;
			goto out;
		}
		if (off + size > logical_end)
			logical_end = off + size;
		pos += size;
	}
	if (!ended)
		k->truncated = true;
	if (sv.size == 0) {
		err = vms_error_create(VMS_ERR_FORMAT, "%s: truncated: flattened dump holds no data",
				       path);
		goto out;
	}
	k->segs = segvec_steal(&sv, &k->nsegs);
	k->file_size = logical_end;
out:
	segvec_deinit(&sv);
	free(buf);
	return err;
}

int64_t kdc_pread(const struct kdc *k, void *buf, size_t len, uint64_t off)
{
	if (!k->flattened) {
		if (off >= k->file_size)
			return 0;
		if (len > k->file_size - off)
			len = k->file_size - off;
		return kdc_pread_full(k->fd, buf, len, off);
	}
	if (off >= k->file_size)
		return 0;
	if (len > k->file_size - off)
		len = k->file_size - off;
	// First segment ending after off.
	size_t lo = 0, hi = k->nsegs;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (k->segs[mid].off + k->segs[mid].size <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t done = 0;
	for (size_t i = lo; done < len; i++) {
		uint64_t cur = off + done;
		if (i >= k->nsegs) {
			if (k->truncated)
				break;
			memset((char *)buf + done, 0, len - done);
			done = len;
			break;
		}
		const struct kdc_seg *s = &k->segs[i];
		if (s->off > cur && k->truncated)
			break; // data missing from a cut file is not zeros
		if (s->off > cur) { // gap: zeros, as in a reassembled sparse file
			size_t gap = (size_t)(s->off - cur < len - done ? s->off - cur : len - done);
			memset((char *)buf + done, 0, gap);
			done += gap;
			if (done == len)
				break;
			cur = off + done;
		}
		uint64_t in = cur - s->off;
		size_t n = (size_t)(s->size - in < len - done ? s->size - in : len - done);
		int64_t r = kdc_pread_full(k->fd, (char *)buf + done, n, s->fpos + in);
		if (r < 0)
			return r;
		done += (size_t)r;
		if ((size_t)r < n)
			break;
	}
	return (int64_t)done;
}

/* ---- kdump header ---- */

VMS_MUST_CHECK static struct vms_error *read_exact(const struct kdc *k, void *buf, size_t len, uint64_t off,
				    const char *path, const char *what)
{
	int64_t n = kdc_pread(k, buf, len, off);
	if (n < 0)
		return vms_error_errno((int)-n, "%s: reading %s", path, what);
	if ((size_t)n < len)
		return vms_error_create(VMS_ERR_FORMAT,
					"%s: truncated: %s at offset %" PRIu64 " ends beyond the end of the file",
					path, what, off);
	return NULL;
}

static void copy_uts(char *dst, const uint8_t *src)
{
	memcpy(dst, src, 65);
	dst[65] = '\0';
}

struct vms_error *kdc_open(int fd, uint64_t fsize, bool flattened, const char *path,
			   struct kdc **ret)
{
	struct kdc *k = calloc(1, sizeof(*k));
	if (!k)
		return &vms_enomem;
	k->fd = fd;
	k->flattened = flattened;
	k->file_size = fsize;
	struct vms_error *err = NULL;
	if (flattened) {
		err = flat_index(k, fsize, path);
		if (err)
			goto fail;
	}

	uint8_t h[464];
	err = read_exact(k, h, sizeof(h), 0, path, "kdump header");
	if (err)
		goto fail;
	if (memcmp(h, "KDUMP   ", 8) != 0 && memcmp(h, "DISKDUMP", 8) != 0) {
		err = vms_error_create(VMS_ERR_FORMAT, "%s: not a kernel dump (no kdump signature%s)",
				       path, flattened ? " in the flattened data" : "");
		goto fail;
	}
	k->header_version = (int)get_le32(h + 8);
	copy_uts(k->release, h + 12 + 2 * 65);
	copy_uts(k->machine, h + 12 + 4 * 65);
	k->block_size = get_le32(h + 428);
	uint32_t sub_hdr_size = get_le32(h + 432);
	uint32_t bitmap_blocks = get_le32(h + 436);
	k->max_mapnr = get_le32(h + 440);
	uint32_t bs = k->block_size;
	if (bs < 512 || bs > (1u << 20) || (bs & (bs - 1))) {
		err = vms_error_create(VMS_ERR_FORMAT, "%s: bad kdump header: block size %u", path, bs);
		goto fail;
	}
	if (k->header_version >= 1) {
		uint8_t sh[104] = {0};
		size_t shlen = k->header_version >= 6 ? 104 : k->header_version >= 5 ? 80 : 64;
		err = read_exact(k, sh, shlen, bs, path, "kdump sub-header");
		if (err)
			goto fail;
		k->sub_phys_base = get_le64(sh);
		if (k->header_version >= 6 && get_le64(sh + 96))
			k->max_mapnr = get_le64(sh + 96);
		if (k->header_version >= 3) {
			uint64_t vi_off = get_le64(sh + 32), vi_size = get_le64(sh + 40);
			if (vi_size && vi_size < MAX_VMCOREINFO) {
				k->vmcoreinfo = malloc(vi_size + 1);
				if (!k->vmcoreinfo) {
					err = &vms_enomem;
					goto fail;
				}
				err = read_exact(k, k->vmcoreinfo, vi_size, vi_off, path, "VMCOREINFO");
				if (err)
					goto fail;
				k->vmcoreinfo[vi_size] = '\0';
			}
		}
		if (k->header_version >= 4) {
			k->note_off = get_le64(sh + 48);
			k->note_size = get_le64(sh + 56);
		}
	}
	uint64_t bitmap_off = (uint64_t)bs * (1 + (uint64_t)sub_hdr_size);
	uint64_t bitmap_total = (uint64_t)bs * bitmap_blocks;
	k->bitmap_len = bitmap_total / 2;
	// (the bytes the file really holds: a flattened file's records may
	// claim a logical size far beyond them)
	if (bitmap_total > k->file_size || bitmap_total > fsize || k->bitmap_len == 0) {
		err = vms_error_create(VMS_ERR_FORMAT,
				       "%s: truncated: bitmaps of %" PRIu64 " bytes do not fit in the file",
				       path, bitmap_total);
		goto fail;
	}
	if (k->max_mapnr > k->bitmap_len * 8)
		k->max_mapnr = k->bitmap_len * 8;
	k->bitmap1 = malloc(k->bitmap_len);
	k->bitmap2 = malloc(k->bitmap_len);
	uint64_t nrank = (k->max_mapnr >> RANK_SHIFT) + 2;
	k->rank = malloc(nrank * sizeof(*k->rank));
	if (!k->bitmap1 || !k->bitmap2 || !k->rank) {
		err = &vms_enomem;
		goto fail;
	}
	err = read_exact(k, k->bitmap1, k->bitmap_len, bitmap_off, path, "1st bitmap");
	if (!err)
		err = read_exact(k, k->bitmap2, k->bitmap_len, bitmap_off + k->bitmap_len, path,
				 "2nd bitmap");
	if (err)
		goto fail;
	// Clear bits beyond max_mapnr so that ranks and counts agree.
	for (uint64_t pfn = k->max_mapnr; pfn < k->bitmap_len * 8 && (pfn & 7); pfn++)
		k->bitmap2[pfn >> 3] &= (uint8_t)~(1u << (pfn & 7));
	if ((k->max_mapnr + 7) / 8 < k->bitmap_len)
		memset(k->bitmap2 + (k->max_mapnr + 7) / 8, 0, k->bitmap_len - (k->max_mapnr + 7) / 8);
	uint64_t count = 0;
	for (uint64_t r = 0; r < nrank; r++) {
		k->rank[r] = count;
		uint64_t b0 = r << (RANK_SHIFT - 3), b1 = b0 + (1 << (RANK_SHIFT - 3));
		if (b1 > k->bitmap_len)
			b1 = k->bitmap_len;
		for (uint64_t b = b0; b < b1; b++)
			count += (uint64_t)__builtin_popcount(k->bitmap2[b]);
	}
	k->ndesc = count;
	k->desc_off = (uint64_t)bs * (1 + (uint64_t)sub_hdr_size + bitmap_blocks);

	// Sample descriptors: the compression and whether the file is complete.
	uint64_t nsample = k->ndesc < 4096 ? k->ndesc : 4096;
	uint8_t *d = malloc(nsample * DESC_SIZE + DESC_SIZE);
	if (!d) {
		err = &vms_enomem;
		goto fail;
	}
	int64_t got = kdc_pread(k, d, nsample * DESC_SIZE, k->desc_off);
	if (got < 0) {
		free(d);
		err = vms_error_errno((int)-got, "%s: reading page descriptors", path);
		goto fail;
	}
	for (uint64_t i = 0; i < (uint64_t)got / DESC_SIZE; i++) {
		uint32_t flags = get_le32(d + i * DESC_SIZE + 12);
		if (flags & KDC_CODECS)
			k->codecs_seen |= flags & KDC_CODECS;
		else
			k->raw_seen = true;
	}
	if (k->ndesc) {
		uint64_t last = k->desc_off + (k->ndesc - 1) * DESC_SIZE;
		if (kdc_pread(k, d, DESC_SIZE, last) != DESC_SIZE ||
		    get_le64(d) + get_le32(d + 8) > k->file_size)
			k->truncated = true;
	}
	free(d);
	*ret = k;
	return NULL;
fail:
	kdc_destroy(k);
	return err;
}

uint64_t kdc_pages_cut(const struct kdc *k)
{
	enum { CHUNK = 4096 };
	uint8_t *d = malloc(CHUNK * DESC_SIZE);
	if (!d)
		return 0;
	uint64_t cut = 0, rank = 0;
	while (rank < k->ndesc) {
		uint64_t n = k->ndesc - rank < CHUNK ? k->ndesc - rank : CHUNK;
		int64_t got = kdc_pread(k, d, n * DESC_SIZE, k->desc_off + rank * DESC_SIZE);
		uint64_t have = got > 0 ? (uint64_t)got / DESC_SIZE : 0;
		for (uint64_t i = 0; i < have; i++)
			if (get_le64(d + i * DESC_SIZE) + get_le32(d + i * DESC_SIZE + 8) > k->file_size)
				cut++;
		if (have < n) { // the descriptor table itself is cut
			cut += k->ndesc - rank - have;
			break;
		}
		rank += n;
	}
	free(d);
	return cut;
}

void kdc_destroy(struct kdc *k)
{
	if (!k)
		return;
	free(k->segs);
	free(k->vmcoreinfo);
	free(k->bitmap1);
	free(k->bitmap2);
	free(k->rank);
	free(k);
}

/* Whether the dump holds page @pfn (2nd bitmap). */
static bool kdc_page_held(const struct kdc *k, uint64_t pfn)
{
	return pfn < k->max_mapnr && (k->bitmap2[pfn >> 3] >> (pfn & 7) & 1);
}

/* Whether @pfn is RAM (1st bitmap). */
static bool kdc_page_ram(const struct kdc *k, uint64_t pfn)
{
	return pfn < k->max_mapnr && (k->bitmap1[pfn >> 3] >> (pfn & 7) & 1);
}

static uint64_t pfn_rank(const struct kdc *k, uint64_t pfn)
{
	uint64_t r = k->rank[pfn >> RANK_SHIFT];
	for (uint64_t b = (pfn >> RANK_SHIFT) << (RANK_SHIFT - 3); b < pfn >> 3; b++)
		r += (uint64_t)__builtin_popcount(k->bitmap2[b]);
	return r + (uint64_t)__builtin_popcount(k->bitmap2[pfn >> 3] & ((1u << (pfn & 7)) - 1));
}

/* ---- codecs ----
 * The four codecs makedumpfile and QEMU write; configure requires them all.
 */
const char *kdc_codec_name(unsigned flags)
{
	switch (flags) {
	case KDC_ZLIB: return "zlib";
	case KDC_LZO: return "lzo";
	case KDC_SNAPPY: return "snappy";
	case KDC_ZSTD: return "zstd";
	default: return "unknown";
	}
}

/* A zlib page through libdeflate: one decompressor per reader (it holds no
 * state between calls, only its tables).  It checks what uncompress() does,
 * the zlib header and the Adler-32 trailer, and the page must fill @dlen
 * exactly (LIBDEFLATE_SHORT_OUTPUT otherwise). */
static int inflate_page(struct kdc_reader *r, const uint8_t *src, size_t slen, uint8_t *dst,
			size_t dlen)
{
	if (!r->zs && !(r->zs = libdeflate_alloc_decompressor())) {
		uLongf n = dlen;  // no memory for its tables: zlib's own
		return uncompress(dst, &n, src, slen) == Z_OK && n == dlen ? 0 : -2;
	}
	return libdeflate_zlib_decompress(r->zs, src, slen, dst, dlen, NULL) == LIBDEFLATE_SUCCESS ?
		       0 : -2;
}

/* Returns 0, or -1 if unavailable, or -2 on a decompression error. */
static int decompress(struct kdc_reader *r, unsigned codec, const uint8_t *src, size_t slen,
		      uint8_t *dst, size_t dlen)
{
	switch (codec) {
	case KDC_ZLIB:
		return inflate_page(r, src, slen, dst, dlen);
	case KDC_LZO: {
		lzo_uint n = dlen;
		return lzo1x_decompress_safe(src, slen, dst, &n, NULL) == LZO_E_OK && n == dlen ? 0 : -2;
	}
	case KDC_SNAPPY: {
		size_t n = dlen;
		return snappy_uncompress((const char *)src, slen, (char *)dst, &n) == SNAPPY_OK &&
			       n == dlen ? 0 : -2;
	}
	case KDC_ZSTD: {
		size_t n = ZSTD_decompress(dst, dlen, src, slen);
		return !ZSTD_isError(n) && n == dlen ? 0 : -2;
	}
	default:
		return -2;
	}
}

/* ---- per-thread reader ---- */

struct vms_error *kdc_reader_init(struct kdc_reader *r, const struct kdc *k)
{
	memset(r, 0, sizeof(*r));
	r->k = k;
	r->scratch = malloc(k->block_size);
	r->pages = malloc((size_t)k->block_size * KDC_PCACHE);
	if (!r->scratch || !r->pages) {
		kdc_reader_deinit(r);
		return &vms_enomem;
	}
	for (int i = 0; i < KDC_PCACHE; i++)
		r->page_pfn[i] = UINT64_MAX;
	return NULL;
}

void kdc_reader_deinit(struct kdc_reader *r)
{
	free(r->scratch);
	free(r->pages);
	r->scratch = r->pages = NULL;
	if (r->zs) {
		libdeflate_free_decompressor(r->zs);
		r->zs = NULL;
	}
}

VMS_MUST_CHECK static struct vms_error *get_desc(struct kdc_reader *r, uint64_t rank, uint64_t paddr,
				  const uint8_t **ret)
{
	const struct kdc *k = r->k;
	if (rank < r->dfirst || rank >= r->dfirst + r->dcount) {
		uint64_t n = k->ndesc - rank < KDC_DCACHE ? k->ndesc - rank : KDC_DCACHE;
		int64_t got = kdc_pread(k, r->dcache, n * DESC_SIZE, k->desc_off + rank * DESC_SIZE);
		if (got < 0)
			return vms_error_errno((int)-got, "reading page descriptor");
		r->dfirst = rank;
		r->dcount = (uint64_t)got / DESC_SIZE;
		if (r->dcount == 0)
			return vms_error_addr(VMS_ERR_NODATA, paddr,
					      "page descriptor of 0x%" PRIx64 " is beyond the end of the file (truncated dump)",
					      paddr);
	}
	*ret = r->dcache + (rank - r->dfirst) * DESC_SIZE;
	return NULL;
}

/* Read the whole page @pfn into @out (block_size bytes). */
VMS_MUST_CHECK static struct vms_error *read_page(struct kdc_reader *r, uint64_t pfn, uint8_t *out)
{
	const struct kdc *k = r->k;
	uint64_t paddr = pfn * k->block_size;
	if (!kdc_page_held(k, pfn))
		return vms_error_addr(VMS_ERR_NODATA, paddr,
				      "physical address 0x%" PRIx64 " is not in the dump%s", paddr,
				      kdc_page_ram(k, pfn) ? " (page excluded)" : "");
	const uint8_t *d = NULL;
	struct vms_error *err = get_desc(r, pfn_rank(k, pfn), paddr, &d);
	if (err)
		return err;
	uint64_t off = get_le64(d);
	uint32_t size = get_le32(d + 8), flags = get_le32(d + 12);
	unsigned codec = flags & KDC_CODECS;
	if (size > k->block_size || (!codec && size != k->block_size) ||
	    (codec & (codec - 1)))
		return vms_error_addr(VMS_ERR_CORRUPT, paddr,
				      "corrupt page descriptor for physical address 0x%" PRIx64
				      " (size %u, flags 0x%x)",
				      paddr, size, flags);
	uint8_t *dst = codec ? r->scratch : out;
	int64_t got = kdc_pread(k, dst, size, off);
	if (got < 0)
		return vms_error_errno((int)-got, "reading page at 0x%" PRIx64, paddr);
	if ((uint64_t)got < size)
		return vms_error_addr(VMS_ERR_NODATA, paddr,
				      "page at physical address 0x%" PRIx64 " is beyond the end of the file (truncated dump)",
				      paddr);
	if (codec) {
		int rc = decompress(r, codec, r->scratch, size, out, k->block_size);
		if (rc == -1)
			return vms_error_create(VMS_ERR_UNSUPPORTED, "%s decompression is not available",
						kdc_codec_name(codec));
		if (rc)
			return vms_error_addr(k->truncated ? VMS_ERR_NODATA : VMS_ERR_CORRUPT, paddr,
					      "cannot decompress (%s) page at physical address 0x%" PRIx64 "%s",
					      kdc_codec_name(codec), paddr,
					      k->truncated ? " (truncated dump)" : "");
	}
	return NULL;
}

struct vms_error *kdc_read(struct kdc_reader *r, uint64_t paddr, void *buf, size_t len)
{
	const struct kdc *k = r->k;
	uint64_t bs = k->block_size;
	uint8_t *p = buf;
	while (len) {
		uint64_t pfn = paddr / bs, in = paddr % bs;
		size_t n = (size_t)(bs - in < len ? bs - in : len);
		struct vms_error *err;
		if (n == bs) {
			err = read_page(r, pfn, p);
			if (err)
				return err;
		} else {
			unsigned slot = (unsigned)(pfn % KDC_PCACHE);
			uint8_t *page = r->pages + slot * bs;
			if (r->page_pfn[slot] != pfn) {
				r->page_pfn[slot] = UINT64_MAX;
				err = read_page(r, pfn, page);
				if (err) {
					if (err->has_address && err->address < paddr)
						err->address = paddr;
					return err;
				}
				r->page_pfn[slot] = pfn;
			}
			memcpy(p, page + in, n);
		}
		p += n;
		paddr += n;
		len -= n;
	}
	return NULL;
}
