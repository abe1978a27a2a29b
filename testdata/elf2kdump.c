// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * elf2kdump: convert an ELF vmcore into a kdump-compressed file.
 *
 *   elf2kdump [-c zlib|lzo|snappy|zstd|none] [--exclude-zero] IN.elf OUT
 *
 * Debian 12's makedumpfile 1.7.2 cannot write snappy or zstd and its QEMU 7.2
 * offers only kdump-zlib, so mkvmcore makes those fixtures with this small
 * writer.  The layout is the one makedumpfile writes (see its IMPLEMENTATION
 * file; the same code as tests/tools/dumpgen.c):
 *
 *   block 0        disk_dump_header, version 6 (utsname read from the dump's
 *                  init_uts_ns, status = the codec flag)
 *   block 1..      kdump_sub_header (phys_base from VMCOREINFO
 *                  NUMBER(phys_base)), then the ELF notes of the dump; the
 *                  sub-header's VMCOREINFO offset points at the VMCOREINFO
 *                  note's descriptor inside them
 *   bitmaps        1st: pages in a PT_LOAD; 2nd: pages in the file
 *   descriptors    {offset, size, flags, page_flags}, one per page in the file
 *   data           one shared zero page (unless --exclude-zero, which leaves
 *                  zero pages out like makedumpfile -d 1), then each page
 *                  compressed, or raw when compressing does not make it smaller
 *
 * Compression levels are makedumpfile's: zlib Z_BEST_SPEED, lzo1x_1, snappy,
 * zstd level 1.  Input: any little-endian ELF64 vmcore: QEMU's paging=false
 * (p_vaddr 0, e_ehsize 8, program headers at 192) and paging=true dumps,
 * /proc/vmcore-style standard layouts, PN_XNUM.  Physical addresses come from
 * p_paddr; where PT_LOADs overlap, the first one wins; bytes of a page that no
 * PT_LOAD holds, and p_memsz beyond p_filesz, read as zeros.
 * OUT is written as OUT.tmp and renamed at the end.
 *
 * Build: cc -O2 -o elf2kdump elf2kdump.c -lz -llzo2 -lsnappy -lzstd
 */
#define _GNU_SOURCE
#include <elf.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#define PS 4096u
#define DESC_SIZE 24
#define SUB_HDR_SIZE 104
#define START_KERNEL_MAP 0xffffffff80000000ull

enum { C_NONE = 0, C_ZLIB = 1, C_LZO = 2, C_SNAPPY = 4, C_ZSTD = 0x20 };

static const char *prog = "elf2kdump";

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

struct load {
	uint64_t paddr, off, filesz, memsz;
};

static const uint8_t *img; // the mmapped input
static uint64_t img_size;
static struct load *loads;
static size_t nloads;
static uint64_t max_mapnr;
static int32_t *src; // per PFN: -1 not in any PT_LOAD, -2 assembled, else the load index
static const uint8_t zero_page[PS];

static void le32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, 4);
}

static void le64(uint8_t *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, 8);
}

/* ---- input ---- */

static void read_elf(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st))
		die("%s: %s", path, strerror(errno));
	img_size = (uint64_t)st.st_size;
	if (img_size < sizeof(Elf64_Ehdr))
		die("%s: too small for an ELF file", path);
	img = mmap(NULL, img_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (img == MAP_FAILED)
		die("%s: mmap: %s", path, strerror(errno));
	close(fd);
	madvise((void *)img, img_size, MADV_SEQUENTIAL);
	Elf64_Ehdr eh;
	memcpy(&eh, img, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB)
		die("%s: not a little-endian ELF64 file", path);
	if (le16toh(eh.e_type) != ET_CORE)
		die("%s: not an ELF core file (e_type %u)", path, le16toh(eh.e_type));
	uint64_t phoff = le64toh(eh.e_phoff);
	uint64_t phnum = le16toh(eh.e_phnum);
	if (phnum == PN_XNUM) { // the real count is in section header 0's sh_info
		Elf64_Shdr sh;
		uint64_t shoff = le64toh(eh.e_shoff);
		if (!shoff || shoff + sizeof(sh) > img_size)
			die("%s: PN_XNUM without a section header", path);
		memcpy(&sh, img + shoff, sizeof(sh));
		phnum = le32toh(sh.sh_info);
	}
	if (le16toh(eh.e_phentsize) != sizeof(Elf64_Phdr))
		die("%s: unexpected e_phentsize %u", path, le16toh(eh.e_phentsize));
	if (phoff > img_size || phnum * sizeof(Elf64_Phdr) > img_size - phoff)
		die("%s: program headers beyond the end of the file", path);
	loads = calloc(phnum ? phnum : 1, sizeof(*loads));
	if (!loads)
		die("out of memory");
	for (uint64_t i = 0; i < phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, img + phoff + i * sizeof(ph), sizeof(ph));
		if (le32toh(ph.p_type) != PT_LOAD)
			continue;
		struct load l = {le64toh(ph.p_paddr), le64toh(ph.p_offset), le64toh(ph.p_filesz),
				 le64toh(ph.p_memsz)};
		if (l.memsz < l.filesz)
			l.memsz = l.filesz;
		if (l.off > img_size || l.filesz > img_size - l.off)
			die("%s: PT_LOAD at paddr 0x%" PRIx64 " extends beyond the end of the file "
			    "(truncated dump?)", path, l.paddr);
		if (!l.memsz)
			continue;
		uint64_t end = (l.paddr + l.memsz + PS - 1) / PS;
		if (end > max_mapnr)
			max_mapnr = end;
		loads[nloads++] = l;
	}
	if (!nloads)
		die("%s: no PT_LOAD", path);
	if (max_mapnr > (1ull << 40) / PS * 64)
		die("%s: physical addresses up to 0x%" PRIx64 " are implausible", path, max_mapnr * PS);
	src = malloc(max_mapnr * sizeof(*src));
	if (!src)
		die("out of memory");
	for (uint64_t pfn = 0; pfn < max_mapnr; pfn++)
		src[pfn] = -1;
	// Last load first, so that the first load holding a page wins.
	for (size_t i = nloads; i-- > 0;) {
		const struct load *l = &loads[i];
		for (uint64_t pfn = l->paddr / PS; pfn * PS < l->paddr + l->memsz; pfn++) {
			uint64_t a = pfn * PS;
			bool full = a >= l->paddr && a + PS <= l->paddr + l->filesz;
			src[pfn] = full ? (int32_t)i : -2;
		}
	}
}

/* The content of one page: a pointer into the input, or into buf. */
static const uint8_t *get_page(uint64_t pfn, uint8_t *buf)
{
	int32_t s = src[pfn];
	if (s >= 0)
		return img + loads[s].off + (pfn * PS - loads[s].paddr);
	memset(buf, 0, PS);
	if (s == -1)
		return buf;
	uint64_t a = pfn * PS;
	for (size_t i = nloads; i-- > 0;) {
		const struct load *l = &loads[i];
		if (l->paddr >= a + PS || l->paddr + l->memsz <= a)
			continue;
		uint64_t lo = a > l->paddr ? a : l->paddr, hi = a + PS < l->paddr + l->memsz
									? a + PS : l->paddr + l->memsz;
		memset(buf + (lo - a), 0, hi - lo);
		uint64_t dhi = l->paddr + l->filesz < hi ? l->paddr + l->filesz : hi;
		if (dhi > lo)
			memcpy(buf + (lo - a), img + l->off + (lo - l->paddr), dhi - lo);
	}
	return buf;
}

static bool in_dump(uint64_t pfn)
{
	return pfn < max_mapnr && src[pfn] != -1;
}

static bool is_zero(const uint8_t *p)
{
	return memcmp(p, zero_page, PS) == 0;
}

/* ---- notes and VMCOREINFO ---- */

static uint8_t *notes;
static size_t notes_len;
static size_t vmci_off, vmci_len; // within notes
static uint32_t nr_cpus;

static void read_notes(const char *path)
{
	Elf64_Ehdr eh;
	memcpy(&eh, img, sizeof(eh));
	uint64_t phoff = le64toh(eh.e_phoff), phnum = le16toh(eh.e_phnum);
	if (phnum == PN_XNUM) {
		Elf64_Shdr sh;
		memcpy(&sh, img + le64toh(eh.e_shoff), sizeof(sh));
		phnum = le32toh(sh.sh_info);
	}
	for (uint64_t i = 0; i < phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, img + phoff + i * sizeof(ph), sizeof(ph));
		if (le32toh(ph.p_type) != PT_NOTE)
			continue;
		uint64_t off = le64toh(ph.p_offset), len = le64toh(ph.p_filesz);
		if (off > img_size || len > img_size - off)
			die("%s: PT_NOTE beyond the end of the file", path);
		uint8_t *n = realloc(notes, notes_len + len + 1);
		if (!n)
			die("out of memory");
		notes = n;
		// Keep whole notes only: a segment padded with zeros ends at the first empty note.
		size_t start = notes_len, p = 0;
		while (p + 12 <= len) {
			uint32_t namesz, descsz, type;
			memcpy(&namesz, img + off + p, 4);
			memcpy(&descsz, img + off + p + 4, 4);
			memcpy(&type, img + off + p + 8, 4);
			namesz = le32toh(namesz);
			descsz = le32toh(descsz);
			type = le32toh(type);
			if (!namesz && !descsz)
				break;
			size_t nlen = 12 + ((namesz + 3u) & ~3u) + ((descsz + 3u) & ~3u);
			if (nlen > len - p)
				break;
			const char *name = (const char *)img + off + p + 12;
			if (namesz == 11 && memcmp(name, "VMCOREINFO", 11) == 0) {
				vmci_off = start + p + 12 + ((namesz + 3u) & ~3u);
				vmci_len = descsz;
			}
			if (namesz == 5 && memcmp(name, "CORE", 5) == 0 && type == NT_PRSTATUS)
				nr_cpus++;
			p += nlen;
		}
		memcpy(notes + start, img + off, p);
		notes_len = start + p;
	}
	if (!vmci_len)
		die("%s: no VMCOREINFO note (was qemu_fw_cfg loaded in the guest?)", path);
}

/* The value of KEY=... in VMCOREINFO, or NULL (static buffer). */
static const char *vmcoreinfo(const char *key)
{
	static char val[256];
	size_t klen = strlen(key);
	const char *p = (const char *)notes + vmci_off, *end = p + vmci_len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if ((size_t)(nl - p) > klen && memcmp(p, key, klen) == 0 && p[klen] == '=') {
			size_t n = (size_t)(nl - p) - klen - 1;
			if (n >= sizeof(val))
				n = sizeof(val) - 1;
			memcpy(val, p + klen + 1, n);
			val[n] = 0;
			return val;
		}
		p = nl + 1;
	}
	return NULL;
}

/* ---- header ---- */

static uint64_t phys_base;

/* utsname from init_uts_ns (makedumpfile reads it the same way).  Without
 * OFFSET(uts_namespace.name) in VMCOREINFO (5.10: the name follows a kref),
 * look for it in the first 64 bytes, checked against OSRELEASE.  Else write
 * sysname, release, machine and a placeholder version: libkdumpfile ignores a
 * utsname whose release, version or machine is empty (and then knows no
 * architecture). */
static void fill_utsname(uint8_t *uts, uint16_t machine)
{
	const char *v = vmcoreinfo("SYMBOL(init_uts_ns)"); // a static buffer: parse at once
	uint64_t va = v ? strtoull(v, NULL, 16) : 0;
	v = vmcoreinfo("OFFSET(uts_namespace.name)");
	uint64_t off0 = v ? strtoull(v, NULL, 10) : 0, off1 = v ? off0 : 64;
	const char *rel = vmcoreinfo("OSRELEASE");
	if (machine == EM_X86_64 && va >= START_KERNEL_MAP) {
		uint64_t pa = va - START_KERNEL_MAP + phys_base;
		uint8_t buf[2 * PS], tmp[PS];
		if (pa / PS + 1 < max_mapnr && in_dump(pa / PS) && in_dump(pa / PS + 1)) {
			memcpy(buf, get_page(pa / PS, tmp), PS);
			memcpy(buf + PS, get_page(pa / PS + 1, tmp), PS);
			for (uint64_t off = off0; off <= off1 && pa % PS + off + 65 * 6 <= 2 * PS;
			     off += 4) {
				const uint8_t *u = buf + pa % PS + off;
				if (memcmp(u, "Linux", 6) == 0 && u[65 * 6 - 1] == 0 &&
				    (!rel || strcmp((const char *)u + 130, rel) == 0)) {
					memcpy(uts, u, 65 * 6);
					return;
				}
			}
		}
		fprintf(stderr, "%s: warning: no utsname at init_uts_ns; writing OSRELEASE only\n",
			prog);
	}
	memcpy(uts, "Linux", 5);
	memcpy(uts + 65, "(none)", 6);
	if (rel)
		strncpy((char *)uts + 130, rel, 64);
	memcpy(uts + 195, "unknown", 7);
	if (machine == EM_X86_64)
		memcpy(uts + 260, "x86_64", 6);
}

/* ---- codecs ---- */

static size_t compress_page(unsigned codec, const uint8_t *in, uint8_t *out, size_t cap)
{
	switch (codec) {
	case C_ZLIB: {
		uLongf n = cap;
		return compress2(out, &n, in, PS, Z_BEST_SPEED) == Z_OK ? n : 0;
	}
	case C_LZO: {
		static lzo_align_t wrk[(LZO1X_1_MEM_COMPRESS + sizeof(lzo_align_t) - 1) /
				       sizeof(lzo_align_t)];
		lzo_uint n = cap;
		return lzo1x_1_compress(in, PS, out, &n, wrk) == LZO_E_OK ? n : 0;
	}
	case C_SNAPPY: {
		size_t n = cap;
		return snappy_compress((const char *)in, PS, (char *)out, &n) == SNAPPY_OK ? n : 0;
	}
	case C_ZSTD: {
		static ZSTD_CCtx *cctx;
		if (!cctx && !(cctx = ZSTD_createCCtx()))
			die("out of memory");
		size_t n = ZSTD_compressCCtx(cctx, out, cap, in, PS, 1);
		return ZSTD_isError(n) ? 0 : n;
	}
	default:
		return 0;
	}
}

/* ---- output ---- */

static int out_fd;
static const char *out_tmp;

static void pwrite_all(const void *p, size_t n, uint64_t off)
{
	const uint8_t *b = p;
	while (n) {
		ssize_t w = pwrite(out_fd, b, n, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = w < 0 ? errno : ENOSPC;
			unlink(out_tmp);
			die("%s: write: %s", out_tmp, strerror(e));
		}
		b += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
}

/* Sequential data, buffered. */
static uint8_t wbuf[8 << 20];
static size_t wlen;
static uint64_t wpos; // file offset of wbuf[0]

static void data_flush(void)
{
	pwrite_all(wbuf, wlen, wpos);
	wpos += wlen;
	wlen = 0;
}

static void data_put(const void *p, size_t n)
{
	if (wlen + n > sizeof(wbuf))
		data_flush();
	memcpy(wbuf + wlen, p, n);
	wlen += n;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [-c zlib|lzo|snappy|zstd|none] [--exclude-zero] IN.elf OUT\n"
		   "Converts an ELF vmcore into a kdump-compressed file (default codec: zlib).\n",
		prog);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned codec = C_ZLIB;
	bool exclude_zero = false, verbose = false;
	int i;
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else if (strcmp(a, "-c") == 0 || strcmp(a, "--codec") == 0) {
			if (++i == argc) {
				usage(stderr);
				return 2;
			}
			const char *c = argv[i];
			codec = strcmp(c, "zlib") == 0	   ? C_ZLIB
				: strcmp(c, "lzo") == 0	   ? C_LZO
				: strcmp(c, "snappy") == 0 ? C_SNAPPY
				: strcmp(c, "zstd") == 0   ? C_ZSTD
				: strcmp(c, "none") == 0   ? C_NONE
							   : 99;
			if (codec == 99)
				die("unknown codec '%s' (zlib, lzo, snappy, zstd or none)", c);
		} else if (strcmp(a, "--exclude-zero") == 0) {
			exclude_zero = true;
		} else if (strcmp(a, "-v") == 0) {
			verbose = true;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (argc - i != 2) {
		usage(stderr);
		return 2;
	}
	const char *in = argv[i], *out = argv[i + 1];
	double t0 = now();
	if (codec == C_LZO && lzo_init() != LZO_E_OK)
		die("lzo_init failed");

	read_elf(in);
	read_notes(in);
	const char *pb = vmcoreinfo("NUMBER(phys_base)");
	if (pb) // printed with %ld: decimal, may be negative
		phys_base = (uint64_t)strtoll(pb, NULL, 10);

	// Bitmaps: 1st = pages in the dump's PT_LOADs, 2nd = pages in this file.
	uint64_t bm_bytes = (max_mapnr + PS * 8 - 1) / (PS * 8) * PS;
	uint8_t *bm1 = calloc(1, bm_bytes), *bm2 = calloc(1, bm_bytes);
	if (!bm1 || !bm2)
		die("out of memory");
	uint64_t nram = 0, ndump = 0, nzero = 0;
	uint8_t pbuf[PS];
	for (uint64_t pfn = 0; pfn < max_mapnr; pfn++) {
		if (!in_dump(pfn))
			continue;
		bm1[pfn / 8] |= (uint8_t)(1u << (pfn % 8));
		nram++;
		if (exclude_zero && is_zero(get_page(pfn, pbuf)))
			continue;
		bm2[pfn / 8] |= (uint8_t)(1u << (pfn % 8));
		ndump++;
	}

	size_t tmplen = strlen(out) + 5;
	char *tmp = malloc(tmplen);
	if (!tmp)
		die("out of memory");
	snprintf(tmp, tmplen, "%s.tmp", out);
	out_tmp = tmp;
	out_fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out_fd < 0)
		die("%s: %s", tmp, strerror(errno));

	uint64_t sub_blocks = (SUB_HDR_SIZE + notes_len + PS - 1) / PS;
	uint64_t bitmap_blocks = 2 * bm_bytes / PS;
	uint64_t desc_off = (1 + sub_blocks + bitmap_blocks) * PS;
	uint8_t *descs = calloc(ndump ? ndump : 1, DESC_SIZE);
	if (!descs)
		die("out of memory");
	wpos = desc_off + ndump * DESC_SIZE; // makedumpfile: data right after the descriptors
	uint64_t zero_off = 0;
	if (!exclude_zero) { // one zero page that every zero page's descriptor names
		zero_off = wpos;
		data_put(zero_page, PS);
	}
	static uint8_t cbuf[2 * PS + 1024];
	uint64_t d = 0, ncomp = 0, nraw = 0;
	for (uint64_t pfn = 0; pfn < max_mapnr; pfn++) {
		if (!(bm2[pfn / 8] >> (pfn % 8) & 1))
			continue;
		const uint8_t *p = get_page(pfn, pbuf);
		uint8_t *de = descs + d++ * DESC_SIZE;
		if (!exclude_zero && is_zero(p)) {
			le64(de, zero_off);
			le32(de + 8, PS);
			nzero++;
			continue;
		}
		size_t n = codec ? compress_page(codec, p, cbuf, sizeof(cbuf)) : 0;
		le64(de, wpos + wlen);
		if (n && n < PS) {
			le32(de + 8, (uint32_t)n);
			le32(de + 12, codec);
			data_put(cbuf, n);
			ncomp++;
		} else {
			le32(de + 8, PS);
			data_put(p, PS);
			nraw++;
		}
	}
	data_flush();

	uint8_t *h = calloc(1, PS);
	uint8_t *sh = calloc(sub_blocks, PS);
	if (!h || !sh)
		die("out of memory");
	Elf64_Ehdr eh;
	memcpy(&eh, img, sizeof(eh));
	memcpy(h, "KDUMP   ", 8);
	le32(h + 8, 6); // header_version
	fill_utsname(h + 12, le16toh(eh.e_machine));
	const char *ct = vmcoreinfo("CRASHTIME");
	le64(h + 408, ct ? strtoull(ct, NULL, 10) : 0); // timestamp.tv_sec
	le32(h + 424, codec);                            // status
	le32(h + 428, PS);                               // block_size
	le32(h + 432, (uint32_t)sub_blocks);             // sub_hdr_size
	le32(h + 436, (uint32_t)bitmap_blocks);
	le32(h + 440, max_mapnr > UINT32_MAX ? UINT32_MAX : (uint32_t)max_mapnr);
	le32(h + 460, nr_cpus);
	le64(sh, phys_base);
	le32(sh + 8, exclude_zero ? 1 : 0); // dump_level
	le64(sh + 32, PS + SUB_HDR_SIZE + vmci_off); // offset_vmcoreinfo
	le64(sh + 40, vmci_len);
	le64(sh + 48, PS + SUB_HDR_SIZE); // offset_note
	le64(sh + 56, notes_len);
	le64(sh + 96, max_mapnr); // max_mapnr_64
	memcpy(sh + SUB_HDR_SIZE, notes, notes_len);
	pwrite_all(h, PS, 0);
	pwrite_all(sh, sub_blocks * PS, PS);
	pwrite_all(bm1, bm_bytes, (1 + sub_blocks) * PS);
	pwrite_all(bm2, bm_bytes, (1 + sub_blocks) * PS + bm_bytes);
	pwrite_all(descs, ndump * DESC_SIZE, desc_off);
	if (close(out_fd)) {
		unlink(tmp);
		die("%s: %s", tmp, strerror(errno));
	}
	if (rename(tmp, out)) {
		unlink(tmp);
		die("rename %s: %s", out, strerror(errno));
	}
	if (verbose)
		fprintf(stderr,
			"%s: %s: %" PRIu64 " pages in PT_LOADs, %" PRIu64 " written (%" PRIu64
			" compressed, %" PRIu64 " raw, %" PRIu64 " zero), %" PRIu64 " bytes, %.1f s\n",
			prog, out, nram, ndump, ncomp, nraw, nzero, wpos, now() - t0);
	return 0;
}
