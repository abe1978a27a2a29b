// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * BTF from a kernel image file: an ELF vmlinux (its .BTF section), a raw
 * BTF file (/sys/kernel/btf/vmlinux), or a bzImage.  A bzImage's payload
 * (setup header fields payload_offset/payload_length, boot protocol 2.08+,
 * Documentation/arch/x86/boot.rst) is the stripped vmlinux ELF compressed
 * with the kernel's CONFIG_KERNEL_* codec; Debian's are lz4 (5.10, 6.1) and
 * zstd (6.12 on), and gzip and xz are common elsewhere.  The decompressed
 * ELF is kept in memory so that its sections can be read back (to check the
 * image against a dump).
 */
#include <errno.h>
#include <fcntl.h>
#include <lz4.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "debuginfo/internal.h"

#define MAX_IMAGE ((size_t)1 << 30)   // a decompressed kernel is ~60-100 MiB
#define LZ4_LEGACY_MAGIC 0x184C2102u
#define LZ4_LEGACY_BLOCK ((size_t)8 << 20)

struct growbuf {
	unsigned char *p;
	size_t len, cap;
};

static bool grow(struct growbuf *b, size_t need)
{
	if (b->cap - b->len >= need)
		return true;
	if (need > MAX_IMAGE - b->len)
		return false;
	size_t cap = b->cap ? b->cap : ((size_t)64 << 20);
	while (cap - b->len < need)
		cap *= 2;
	if (cap > MAX_IMAGE)
		cap = MAX_IMAGE;
	unsigned char *p = realloc(b->p, cap);
	if (!p)
		return false;
	b->p = p;
	b->cap = cap;
	return true;
}

VMS_MUST_CHECK static struct vms_error *codec_error(const char *path, const char *codec, const char *what)
{
	return vms_error_create(VMS_ERR_FORMAT, "cannot decompress the %s payload of '%s': %s",
				codec, path, what);
}

VMS_MUST_CHECK static struct vms_error *gunzip(const char *path, const unsigned char *in, size_t n,
					       struct growbuf *out)
{
	z_stream zs = {0};
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return &vms_enomem;
	zs.next_in = (unsigned char *)in;
	zs.avail_in = n > UINT32_MAX ? UINT32_MAX : (uInt)n;
	int rc = Z_OK;
	while (rc == Z_OK) {
		if (!grow(out, 1 << 20)) {
			inflateEnd(&zs);
			return codec_error(path, "gzip", "too large");
		}
		zs.next_out = out->p + out->len;
		zs.avail_out = (uInt)(out->cap - out->len > UINT32_MAX ? UINT32_MAX
							       : out->cap - out->len);
		size_t before = zs.avail_out;
		rc = inflate(&zs, Z_NO_FLUSH);
		out->len += before - zs.avail_out;
	}
	inflateEnd(&zs);
	return rc == Z_STREAM_END ? NULL : codec_error(path, "gzip", zs.msg ? zs.msg : "bad data");
}

VMS_MUST_CHECK static struct vms_error *unxz(const char *path, const unsigned char *in, size_t n,
					     struct growbuf *out)
{
	lzma_stream ls = LZMA_STREAM_INIT;
	if (lzma_stream_decoder(&ls, UINT64_MAX, 0) != LZMA_OK)
		return &vms_enomem;
	ls.next_in = in;
	ls.avail_in = n;
	lzma_ret rc = LZMA_OK;
	while (rc == LZMA_OK) {
		if (!grow(out, 1 << 20)) {
			lzma_end(&ls);
			return codec_error(path, "xz", "too large");
		}
		ls.next_out = out->p + out->len;
		ls.avail_out = out->cap - out->len;
		size_t before = ls.avail_out;
		rc = lzma_code(&ls, LZMA_FINISH);
		out->len += before - ls.avail_out;
	}
	lzma_end(&ls);
	return rc == LZMA_STREAM_END ? NULL : codec_error(path, "xz", "bad data");
}

VMS_MUST_CHECK static struct vms_error *unzstd(const char *path, const unsigned char *in, size_t n,
					       struct growbuf *out)
{
	ZSTD_DStream *ds = ZSTD_createDStream();
	if (!ds)
		return &vms_enomem;
	ZSTD_inBuffer ib = { in, n, 0 };
	size_t rc = 1;
	while (rc != 0) {
		if (!grow(out, 1 << 20)) {
			ZSTD_freeDStream(ds);
			return codec_error(path, "zstd", "too large");
		}
		ZSTD_outBuffer ob = { out->p + out->len, out->cap - out->len, 0 };
		size_t in_before = ib.pos;
		rc = ZSTD_decompressStream(ds, &ob, &ib);
		out->len += ob.pos;
		if (ZSTD_isError(rc)) {
			ZSTD_freeDStream(ds);
			return codec_error(path, "zstd", ZSTD_getErrorName(rc));
		}
		if (rc && ob.pos == 0 && ib.pos == in_before && ib.pos == ib.size) {
			ZSTD_freeDStream(ds);
			return codec_error(path, "zstd", "the data ends early");
		}
	}
	ZSTD_freeDStream(ds);
	return NULL;
}

/* lz4's legacy frame, as the kernel's lz4 payloads use: the magic, then
 * blocks of (u32 compressed size, data) each decompressing to at most 8 MiB;
 * it ends where the input does (the kernel appends the u32 output size). */
VMS_MUST_CHECK static struct vms_error *unlz4(const char *path, const unsigned char *in, size_t n,
					      struct growbuf *out)
{
	size_t pos = 4;
	while (n - pos >= 4) {
		uint32_t csize;
		memcpy(&csize, in + pos, 4);
		if (csize == LZ4_LEGACY_MAGIC) {
			pos += 4;
			continue;
		}
		if (csize > n - pos - 4)
			break; // the appended size, or the end
		if (csize > (uint32_t)LZ4_compressBound((int)LZ4_LEGACY_BLOCK))
			return codec_error(path, "lz4", "a block is too large");
		if (!grow(out, LZ4_LEGACY_BLOCK))
			return codec_error(path, "lz4", "too large");
		int r = LZ4_decompress_safe((const char *)in + pos + 4, (char *)out->p + out->len,
					    (int)csize, (int)LZ4_LEGACY_BLOCK);
		if (r < 0)
			return codec_error(path, "lz4", "bad data");
		out->len += (size_t)r;
		pos += 4 + csize;
	}
	return out->len ? NULL : codec_error(path, "lz4", "no data");
}

/* Decompress the payload of bzImage @img into *@ret. */
VMS_MUST_CHECK static struct vms_error *bzimage_payload(const char *path, const unsigned char *img, size_t size,
							struct growbuf *ret)
{
	uint16_t version;
	uint32_t off, len;
	memcpy(&version, img + 0x206, 2);
	if (version < 0x208)
		return vms_error_create(VMS_ERR_UNSUPPORTED,
					"'%s' is a bzImage of boot protocol %u.%02u, before the "
					"payload fields (2.08)", path, version >> 8, version & 0xff);
	unsigned setup_sects = img[0x1f1] ? img[0x1f1] : 4;
	memcpy(&off, img + 0x248, 4);
	memcpy(&len, img + 0x24c, 4);
	size_t start = (size_t)(setup_sects + 1) * 512 + off;
	if (start > size || len > size - start || len < 8)
		return vms_error_create(VMS_ERR_FORMAT, "'%s': the bzImage payload lies outside "
					"the file", path);
	const unsigned char *p = img + start;
	static const unsigned char gz[] = {0x1f, 0x8b}, xz[] = {0xfd, '7', 'z', 'X', 'Z', 0},
				   zst[] = {0x28, 0xb5, 0x2f, 0xfd}, lz4[] = {0x02, 0x21, 0x4c, 0x18};
	if (!memcmp(p, gz, sizeof(gz)))
		return gunzip(path, p, len, ret);
	if (!memcmp(p, xz, sizeof(xz)))
		return unxz(path, p, len, ret);
	if (!memcmp(p, zst, sizeof(zst)))
		return unzstd(path, p, len, ret);
	if (!memcmp(p, lz4, sizeof(lz4)))
		return unlz4(path, p, len, ret);
	return vms_error_create(VMS_ERR_UNSUPPORTED,
				"'%s': the bzImage payload is compressed with a codec vmsift "
				"cannot read (magic %02x %02x %02x %02x; it reads gzip, xz, zstd, lz4)",
				path, p[0], p[1], p[2], p[3]);
}

VMS_MUST_CHECK static struct vms_error *read_all(int fd, const char *path, size_t size, unsigned char **ret)
{
	unsigned char *buf = malloc(size ? size : 1);
	if (!buf)
		return &vms_enomem;
	size_t done = 0;
	while (done < size) {
		ssize_t r = pread(fd, buf + done, size - done, (off_t)done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			struct vms_error *err = r < 0 ? vms_error_errno(errno, "cannot read '%s'", path)
						      : vms_error_create(VMS_ERR_FORMAT,
									 "'%s' shrank while read", path);
			free(buf);
			return err;
		}
		done += (size_t)r;
	}
	*ret = buf;
	return NULL;
}

/* The .BTF section of @elf (borrowed data), or an error. */
VMS_MUST_CHECK static struct vms_error *elf_btf(Elf *elf, const char *path, Elf_Data **ret)
{
	size_t shstrndx;
	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return vms_error_create(VMS_ERR_FORMAT, "'%s': cannot read section names: %s",
					path, elf_errmsg(-1));
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		const char *name;
		if (!gelf_getshdr(scn, &shdr) ||
		    !(name = elf_strptr(elf, shstrndx, shdr.sh_name)) || strcmp(name, ".BTF") != 0)
			continue;
		if (shdr.sh_type == SHT_NOBITS)
			break;
		Elf_Data *d = elf_rawdata(scn, NULL);
		if (!d || !d->d_buf)
			return vms_error_create(VMS_ERR_FORMAT, "'%s': cannot read its .BTF section: %s",
						path, elf_errmsg(-1));
		*ret = d;
		return NULL;
	}
	return vms_error_create(VMS_ERR_FORMAT, "'%s' has no .BTF section (a kernel built "
				"without CONFIG_DEBUG_INFO_BTF?)", path);
}

/* Open the BTF of the ELF image @elf (memory @raw of @raw_size) and keep the
 * image in the handle: @fd (or -1) and @buf (or NULL) are taken over. */
VMS_MUST_CHECK static struct vms_error *open_elf(const char *path, Elf *elf, int fd, unsigned char *buf,
						 struct vms_debuginfo **ret)
{
	struct vms_error *err;
	Elf_Data *d = NULL;
	struct vms_debuginfo *di = NULL;
	if (elf_kind(elf) != ELF_K_ELF) {
		err = vms_error_create(VMS_ERR_FORMAT, "'%s' is not an ELF file", path);
		goto fail;
	}
	if ((err = elf_btf(elf, path, &d)))
		goto fail;
	if ((err = debuginfo_open_btf(d->d_buf, d->d_size, path, &di)))
		goto fail;
	di->elf = elf;
	di->fd = fd;
	di->image_buf = buf;
	di->raw = (const unsigned char *)elf_rawfile(elf, &di->raw_size);
	di->build_id_len = di_elf_build_id(elf, di->build_id, sizeof(di->build_id));
	if (di->raw && (err = di_load_sections(di))) {
		debuginfo_destroy(di);
		return err;
	}
	*ret = di;
	return NULL;
fail:
	elf_end(elf);
	if (fd >= 0)
		close(fd);
	free(buf);
	return err;
}

struct vms_error *debuginfo_open_btf_image(const char *path, struct vms_debuginfo **ret)
{
	elf_version(EV_CURRENT);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vms_error_errno(errno, "cannot open '%s'", path);
	struct stat st;
	unsigned char head[0x250];
	ssize_t n;
	if (fstat(fd, &st) < 0 ||
	    (n = pread(fd, head, sizeof(head), 0)) < 0) {
		struct vms_error *err = vms_error_errno(errno, "cannot read '%s'", path);
		close(fd);
		return err;
	}
	if (n >= 4 && !memcmp(head, ELFMAG, SELFMAG)) {
		Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
		if (!elf) {
			close(fd);
			return vms_error_create(VMS_ERR_FORMAT, "'%s' is not an ELF file", path);
		}
		return open_elf(path, elf, fd, NULL, ret);
	}
	size_t size = (size_t)st.st_size;
	struct vms_error *err = NULL;
	unsigned char *buf = NULL;
	if (size > MAX_IMAGE)
		err = vms_error_create(VMS_ERR_FORMAT, "'%s' is too large for a kernel image", path);
	else
		err = read_all(fd, path, size, &buf);
	close(fd);
	if (err)
		return err;
	if (size >= 2 && ((buf[0] == 0x9f && buf[1] == 0xeb) || (buf[0] == 0xeb && buf[1] == 0x9f))) {
		err = debuginfo_open_btf(buf, size, path, ret);
		free(buf);
		return err;
	}
	if (size < 0x250 || memcmp(buf + 0x202, "HdrS", 4) != 0) {
		free(buf);
		return vms_error_create(VMS_ERR_FORMAT, "'%s' is neither an ELF vmlinux, a bzImage "
					"nor BTF", path);
	}
	struct growbuf out = {0};
	err = bzimage_payload(path, buf, size, &out);
	free(buf);
	if (err) {
		free(out.p);
		return err;
	}
	Elf *elf = elf_memory((char *)out.p, out.len);
	if (!elf) {
		free(out.p);
		return vms_error_create(VMS_ERR_FORMAT, "the payload of '%s' is not an ELF file",
					path);
	}
	return open_elf(path, elf, -1, out.p, ret);
}
