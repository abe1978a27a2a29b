// SPDX-License-Identifier: GPL-3.0-or-later
#include "dumpgen.h"

#include <elf.h>
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#define PS 4096u
#define PTE 0x63u // present, rw, accessed, dirty
#define PTE_PS 0x80u

static const char default_vmcoreinfo[] =
	"OSRELEASE=6.1.0-test-amd64\n"
	"PAGESIZE=4096\n"
	"SYMBOL(init_top_pgt)=ffffffff80010000\n"
	"SYMBOL(swapper_pg_dir)=ffffffff80010000\n"
	"SYMBOL(_stext)=ffffffff80000000\n"
	"NUMBER(phys_base)=0\n"
	"NUMBER(pgtable_l5_enabled)=0\n"
	"KERNELOFFSET=0\n"
	"CRASHTIME=1700000000\n";

static uint8_t mem[DG_MEM_SIZE];
static bool mem_ready;

// The options of the dump being written (dg_write_opts()).
static bool small;
static const char *vmcoreinfo = default_vmcoreinfo;
static size_t vmcoreinfo_len = sizeof(default_vmcoreinfo) - 1;

static void put64(uint64_t paddr, uint64_t v)
{
	memcpy(mem + paddr, &v, 8);
}

static void build_image(void)
{
	if (mem_ready)
		return;
	for (uint32_t a = 0; a < DG_MEM_SIZE; a++)
		mem[a] = (uint8_t)(a ^ (a >> 8) ^ (a >> 16) ^ 0x5a);
	memset(mem + 0x40000, 0, 8 * PS); // some zero pages compress well
	for (uint64_t a = 0x10000; a < 0x17000; a += 8)
		put64(a, 0);
	// PML4 at 0x10000
	put64(0x10000 + 8 * 511, 0x11000 | PTE);
	put64(0x10000 + 8 * ((DG_DIRECT >> 39) & 511), 0x14000 | PTE);
	put64(0x10000 + 8 * ((DG_VMEMMAP >> 39) & 511), 0x15000 | PTE);
	// kernel text: PDPT[510] -> PD -> PT, 256 4 KiB pages
	put64(0x11000 + 8 * 510, 0x12000 | PTE);
	put64(0x12000, 0x13000 | PTE);
	for (uint64_t i = 0; i < 256; i++)
		put64(0x13000 + 8 * i, i * PS | PTE);
	// direct map: one 1 GiB page
	put64(0x14000, 0 | PTE | PTE_PS);
	// vmemmap-like: one 2 MiB page at phys 2 MiB
	put64(0x15000, 0x16000 | PTE);
	put64(0x16000, DG_SEG1 | PTE | PTE_PS);
	// hole and beyond: not RAM
	memset(mem + DG_HOLE, 0, DG_SEG1 - DG_HOLE);
	memset(mem + DG_SEG1_END, 0, DG_MEM_SIZE - DG_SEG1_END);
	mem_ready = true;
}

const uint8_t *dg_image(void)
{
	build_image();
	return mem;
}

static bool page_ram(uint64_t pfn)
{
	uint64_t a = pfn * PS;
	if (small)
		return a < DG_SMALL_RAM;
	return a < DG_HOLE || (a >= DG_SEG1 && a < DG_SEG1_END);
}

static bool page_held(uint64_t pfn)
{
	uint64_t a = pfn * PS;
	if (small)
		return a < DG_SMALL_RAM - PS;
	return a < DG_HOLE || (a >= DG_SEG1 && a < DG_EXCL);
}

/* ---- ELF ---- */

static size_t note_size(void)
{
	return sizeof(Elf64_Nhdr) + 12 + ((vmcoreinfo_len + 3) & ~(size_t)3);
}

static int write_elf(FILE *f)
{
	Elf64_Ehdr eh = {0};
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = small ? 2 : 3;
	Elf64_Phdr ph[3] = {0};
	uint64_t off = sizeof(eh) + eh.e_phnum * sizeof(Elf64_Phdr);
	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = off;
	ph[0].p_filesz = note_size();
	off = (off + note_size() + PS - 1) & ~(uint64_t)(PS - 1);
	// QEMU paging=false style: p_vaddr 0.
	uint64_t end1 = small ? DG_SMALL_RAM - PS : DG_HOLE;
	ph[1] = (Elf64_Phdr){.p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X, .p_offset = off,
			     .p_paddr = 0, .p_filesz = end1, .p_memsz = small ? DG_SMALL_RAM : end1,
			     .p_align = PS};
	off += end1;
	ph[2] = (Elf64_Phdr){.p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X, .p_offset = off,
			     .p_paddr = DG_SEG1, .p_filesz = DG_EXCL - DG_SEG1,
			     .p_memsz = DG_SEG1_END - DG_SEG1, .p_align = PS};
	if (fwrite(&eh, sizeof(eh), 1, f) != 1 || fwrite(ph, sizeof(Elf64_Phdr), eh.e_phnum, f) != eh.e_phnum)
		return -1;
	Elf64_Nhdr nh = {.n_namesz = 11, .n_descsz = (uint32_t)vmcoreinfo_len, .n_type = 0};
	char name[12] = "VMCOREINFO";
	size_t padded = (vmcoreinfo_len + 3) & ~(size_t)3;
	uint8_t *desc = calloc(1, padded + 1);
	if (!desc)
		return -1;
	memcpy(desc, vmcoreinfo, vmcoreinfo_len);
	int rc = fwrite(&nh, sizeof(nh), 1, f) != 1 || fwrite(name, 12, 1, f) != 1 ||
		 (padded && fwrite(desc, padded, 1, f) != 1);
	free(desc);
	if (rc || fseek(f, (long)ph[1].p_offset, SEEK_SET) || fwrite(mem, end1, 1, f) != 1)
		return -1;
	if (!small && fwrite(mem + DG_SEG1, DG_EXCL - DG_SEG1, 1, f) != 1)
		return -1;
	return 0;
}

/* ---- kdump-compressed ---- */

struct out {
	uint8_t *buf;
	size_t len, cap;
};

static int out_at(struct out *o, size_t off, const void *p, size_t n)
{
	if (off + n > o->cap) {
		size_t cap = o->cap ? o->cap : 1 << 20;
		while (cap < off + n)
			cap *= 2;
		uint8_t *b = realloc(o->buf, cap);
		if (!b)
			return -1;
		memset(b + o->cap, 0, cap - o->cap);
		o->buf = b;
		o->cap = cap;
	}
	memcpy(o->buf + off, p, n);
	if (off + n > o->len)
		o->len = off + n;
	return 0;
}

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

static size_t compress_page(unsigned codec, const uint8_t *src, uint8_t *dst, size_t cap)
{
	switch (codec) {
	case 1: {
		uLongf n = cap;
		return compress2(dst, &n, src, PS, 6) == Z_OK ? n : 0;
	}
	case 2: {
		static uint8_t wrk[LZO1X_1_MEM_COMPRESS];
		lzo_uint n = cap;
		return lzo1x_1_compress(src, PS, dst, &n, wrk) == LZO_E_OK ? n : 0;
	}
	case 4: {
		size_t n = cap;
		return snappy_compress((const char *)src, PS, (char *)dst, &n) == SNAPPY_OK ? n : 0;
	}
	case 0x20: {
		size_t n = ZSTD_compress(dst, cap, src, PS, 3);
		return ZSTD_isError(n) ? 0 : n;
	}
	default:
		return 0;
	}
}

static int build_kdump(struct out *o, unsigned codec)
{
	const uint32_t max_mapnr = (small ? DG_SMALL_RAM : DG_MEM_SIZE) / PS;
	uint8_t h[PS] = {0};
	memcpy(h, "KDUMP   ", 8);
	le32(h + 8, 6);                       // header_version
	memcpy(h + 12 + 4 * 65, "x86_64", 6); // utsname.machine only, like QEMU
	le32(h + 428, PS);                    // block_size
	le32(h + 436, 2);                     // bitmap_blocks
	le32(h + 440, max_mapnr);
	le32(h + 460, 1); // nr_cpus
	uint8_t sh[PS] = {0};
	le64(sh, 0x12345000); // a wrong phys_base, like QEMU's
	le32(sh + 8, 31);
	// VMCOREINFO at 2 pages, the ELF notes (VMCOREINFO again as a note,
	// which libkdumpfile reads) after it, page aligned
	size_t vi_off = 2 * PS, nlen = note_size();
	size_t note_off = (vi_off + vmcoreinfo_len + 63) & ~(size_t)63;
	size_t meta_pages = (note_off + nlen + PS - 1) / PS; // header pages so far
	le64(sh + 32, vi_off);
	le64(sh + 40, vmcoreinfo_len);
	le64(sh + 96, max_mapnr);
	uint8_t *note = calloc(1, nlen);
	if (!note)
		return -1;
	Elf64_Nhdr nh = {.n_namesz = 11, .n_descsz = (uint32_t)vmcoreinfo_len, .n_type = 0};
	memcpy(note, &nh, sizeof(nh));
	memcpy(note + sizeof(nh), "VMCOREINFO", 11);
	memcpy(note + sizeof(nh) + 12, vmcoreinfo, vmcoreinfo_len);
	le64(sh + 48, note_off);
	le64(sh + 56, nlen);
	le32(h + 432, (uint32_t)(meta_pages - 1)); // sub_hdr_size: pages after the header
	if (out_at(o, 0, h, PS) || out_at(o, PS, sh, PS) ||
	    (vmcoreinfo_len && out_at(o, vi_off, vmcoreinfo, vmcoreinfo_len)) ||
	    out_at(o, note_off, note, nlen)) {
		free(note);
		return -1;
	}
	free(note);
	uint8_t bm1[PS] = {0}, bm2[PS] = {0};
	uint32_t nheld = 0;
	for (uint32_t pfn = 0; pfn < max_mapnr; pfn++) {
		if (page_ram(pfn))
			bm1[pfn / 8] |= (uint8_t)(1u << (pfn % 8));
		if (page_held(pfn)) {
			bm2[pfn / 8] |= (uint8_t)(1u << (pfn % 8));
			nheld++;
		}
	}
	if (out_at(o, meta_pages * PS, bm1, PS) || out_at(o, (meta_pages + 1) * PS, bm2, PS))
		return -1;
	size_t desc_off = (meta_pages + 2) * PS;
	size_t data_off = desc_off + ((nheld * 24 + PS - 1) & ~(size_t)(PS - 1));
	uint32_t i = 0;
	uint8_t cbuf[2 * PS];
	for (uint32_t pfn = 0; pfn < max_mapnr; pfn++) {
		if (!page_held(pfn))
			continue;
		size_t n = codec ? compress_page(codec, mem + (size_t)pfn * PS, cbuf, sizeof(cbuf)) : 0;
		uint8_t d[24] = {0};
		le64(d, data_off);
		if (n && n < PS) {
			le32(d + 8, (uint32_t)n);
			le32(d + 12, codec);
			if (out_at(o, data_off, cbuf, n))
				return -1;
		} else {
			n = PS;
			le32(d + 8, PS);
			if (out_at(o, data_off, mem + (size_t)pfn * PS, PS))
				return -1;
		}
		if (out_at(o, desc_off + 24 * (size_t)i++, d, 24))
			return -1;
		data_off += n;
	}
	return 0;
}

static void be64(uint8_t *p, uint64_t v)
{
	v = htobe64(v);
	memcpy(p, &v, 8);
}

/* Flattened: records in an odd order, with one record overwritten later. */
static int write_flat(FILE *f, const struct out *o)
{
	uint8_t h[PS] = {0};
	memcpy(h, "makedumpfile", 12);
	be64(h + 16, 1);
	be64(h + 24, 1);
	if (fwrite(h, PS, 1, f) != 1)
		return -1;
	uint8_t rh[16];
	// A bogus header record that the real one overrides.
	uint8_t junk[64];
	memset(junk, 0xee, sizeof(junk));
	be64(rh, 0);
	be64(rh + 8, sizeof(junk));
	if (fwrite(rh, 16, 1, f) != 1 || fwrite(junk, sizeof(junk), 1, f) != 1)
		return -1;
	// Second half first, then the first half, in records of odd sizes.
	size_t half = o->len / 2;
	size_t parts[2][2] = {{half, o->len}, {0, half}};
	for (int p = 0; p < 2; p++) {
		for (size_t off = parts[p][0]; off < parts[p][1];) {
			size_t n = 3000 + off % 5000;
			if (n > parts[p][1] - off)
				n = parts[p][1] - off;
			be64(rh, off);
			be64(rh + 8, n);
			if (fwrite(rh, 16, 1, f) != 1 || fwrite(o->buf + off, n, 1, f) != 1)
				return -1;
			off += n;
		}
	}
	be64(rh, UINT64_MAX);
	be64(rh + 8, UINT64_MAX);
	return fwrite(rh, 16, 1, f) == 1 ? 0 : -1;
}

int dg_write(const char *path, enum dg_format fmt, unsigned codec)
{
	return dg_write_opts(path, fmt, codec, NULL);
}

int dg_write_opts(const char *path, enum dg_format fmt, unsigned codec, const struct dg_opts *opts)
{
	static const struct dg_opts defaults;
	if (!opts)
		opts = &defaults;
	small = opts->small;
	vmcoreinfo = opts->vmcoreinfo ? opts->vmcoreinfo : default_vmcoreinfo;
	vmcoreinfo_len = opts->vmcoreinfo ? opts->vmcoreinfo_len : sizeof(default_vmcoreinfo) - 1;
	build_image();
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	int rc;
	if (fmt == DG_ELF) {
		rc = write_elf(f);
	} else {
		struct out o = {0};
		rc = build_kdump(&o, codec);
		if (!rc)
			rc = fmt == DG_KDUMP ? (fwrite(o.buf, o.len, 1, f) == 1 ? 0 : -1)
					     : write_flat(f, &o);
		free(o.buf);
	}
	if (fclose(f) && !rc)
		rc = -1;
	return rc;
}
