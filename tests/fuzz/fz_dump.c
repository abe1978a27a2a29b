// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Dump files: the input is the file.  Four targets keep the fuzzer inside
 * one parser each by forcing the signature: ELF (libkdumpfile after
 * src/dump/elfhdr.c), kdump-compressed and flattened (src/dump/kdumpc.c),
 * and kcore-style ELF opened as a live image.  After opening: properties,
 * VMCOREINFO, page accounting, physical and virtual reads, translations,
 * zero-copy maps, a clone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump/dump.h"
#include "dumpgen.h"
#include "fuzz.h"

static const char *const vi_keys[] = {
	"OSRELEASE", "PAGESIZE", "KERNELOFFSET", "SYMBOL(swapper_pg_dir)", "SYMBOL(init_top_pgt)",
	"SYMBOL(_stext)", "NUMBER(phys_base)", "NUMBER(pgtable_l5_enabled)", "CRASHTIME",
	"NUMBER(MAX_PHYSMEM_BITS)", "BUILD-ID", "",
};

static bool with_maps; // this input also tries zero-copy maps and a clone

static void read_some(struct vms_dump *d, enum dump_space s, uint64_t addr, size_t len)
{
	static uint8_t buf[65536];
	if (len > sizeof(buf))
		len = sizeof(buf);
	fz_check_error(dump_read(d, s, addr, buf, len));
	const void *p = with_maps ? dump_map(d, s, addr, len) : NULL;
	if (p) {
		// the mapping must be readable in full
		volatile uint8_t x = 0;
		for (size_t i = 0; i < len; i += 4096)
			x ^= ((const uint8_t *)p)[i];
		x ^= ((const uint8_t *)p)[len - 1];
		(void)x;
		dump_unmap(d, p, len);
	}
}

static void exercise(struct vms_dump *d)
{
	(void)strlen(dump_path(d));
	(void)strlen(dump_format(d));
	const char *c = dump_compression(d), *a = dump_arch(d), *vi = dump_vmcoreinfo(d);
	if (c)
		(void)strlen(c);
	if (a)
		(void)strlen(a);
	if (vi)
		(void)strlen(vi);
	(void)dump_page_size(d);
	(void)dump_is_live(d);
	uint64_t addrs[16];
	size_t na = 0;
	for (size_t i = 0; i < sizeof(vi_keys) / sizeof(vi_keys[0]); i++) {
		const char *v = dump_vmcoreinfo_value(d, vi_keys[i]);
		if (v)
			(void)strlen(v);
		uint64_t n;
		struct vms_error *err = dump_vmcoreinfo_number(d, vi_keys[i], &n);
		if (!err && !strncmp(vi_keys[i], "SYMBOL(", 7) && na < 8)
			addrs[na++] = n;
		fz_check_error(err);
	}
	struct dump_stats st;
	fz_check_error(dump_stats(d, &st));
	uint64_t r[8][2];
	size_t nr = dump_phys_ranges(d, r, 8);
	for (size_t i = 0; i < nr && i < 8; i++) {
		read_some(d, DUMP_PHYS, r[i][0], 4096);
		read_some(d, DUMP_PHYS, r[i][1] - 8, 8);
		read_some(d, DUMP_PHYS, r[i][0], (size_t)(r[i][1] - r[i][0]));
	}
	for (uint64_t pfn = 0; pfn < 40; pfn += 7) {
		bool held;
		fz_check_error(dump_page_held(d, pfn, &held));
	}
	read_some(d, DUMP_PHYS, 0x10000, 20000);
	read_some(d, DUMP_PHYS, UINT64_MAX - 4, 8);
	addrs[na++] = DG_KTEXT + 0x3000;
	addrs[na++] = DG_DIRECT + 0x11ff8;
	addrs[na++] = DG_VMEMMAP + 0x1ffff0;
	addrs[na++] = 0xffffffff81000000;
	for (size_t i = 0; i < na; i++) {
		uint64_t pa;
		fz_check_error(dump_vtop(d, addrs[i], &pa));
		read_some(d, DUMP_KVIRT, addrs[i], 8);
		read_some(d, DUMP_KVIRT, addrs[i], 9000);
	}
	if (!with_maps)
		return;
	struct vms_dump *cl;
	struct vms_error *err = dump_clone(d, &cl);
	if (!err) {
		read_some(cl, DUMP_KVIRT, addrs[0], 64);
		read_some(cl, DUMP_PHYS, 0x1000, 64);
		dump_destroy(cl);
	}
	fz_check_error(err);
}

static void one(const uint8_t *data, size_t size, const char *magic, size_t mlen, unsigned flags)
{
	uint8_t *copy = malloc(size > mlen ? size : mlen);
	if (!copy)
		return;
	// (maps and clones cost system calls and caches: one input in four)
	with_maps = size && (data[size - 1] & 3) == 0;
	memcpy(copy, data, size);
	if (size < mlen)
		size = mlen;
	memcpy(copy, magic, mlen);
	const char *path = fz_file(copy, size);
	free(copy);
	if (!path)
		return;
	struct vms_dump *d = NULL;
	struct vms_error *err = dump_open_flags(path, flags, &d);
	if (err) {
		fz_check_error(err);
		return;
	}
	exercise(d);
	dump_destroy(d);
}

static void one_elf(const uint8_t *data, size_t size) { one(data, size, "\177ELF", 4, 0); }
static void one_kcore(const uint8_t *data, size_t size) { one(data, size, "\177ELF", 4, DUMP_OPEN_LIVE); }
static void one_kdump(const uint8_t *data, size_t size) { one(data, size, "KDUMP   ", 8, 0); }
static void one_flat(const uint8_t *data, size_t size) { one(data, size, "makedumpfile\0", 13, 0); }

static int init(void) { return 0; }

/* Seeds: the synthetic dumps of dumpgen on a 128 KiB machine, every codec
 * (dump-kcore: the ELF one; the live flag makes it kcore-style). */
static int seeds_gen(const char *dir, enum dg_format fmt)
{
	static const unsigned codecs[] = {0, 1, 2, 4, 0x20};
	struct dg_opts o = {.small = true};
	for (size_t i = 0; i < (fmt == DG_ELF ? 1 : sizeof(codecs) / sizeof(codecs[0])); i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/dumpgen-small-%u", dir, codecs[i]);
		if (dg_write_opts(path, fmt, codecs[i], &o))
			return -1;
	}
	return 0;
}

static int seeds_elf(const char *dir) { return seeds_gen(dir, DG_ELF); }
static int seeds_kdump(const char *dir) { return seeds_gen(dir, DG_KDUMP); }
static int seeds_flat(const char *dir) { return seeds_gen(dir, DG_FLAT); }

const struct fuzz_target fz_dump_elf = {"dump-elf", "ELF vmcores (elfhdr.c, libkdumpfile)", init, one_elf, seeds_elf};
const struct fuzz_target fz_dump_kdump = {"dump-kdump", "kdump-compressed files (kdumpc.c)", init, one_kdump, seeds_kdump};
const struct fuzz_target fz_dump_flat = {"dump-flat", "flattened kdump files (kdumpc.c)", init, one_flat, seeds_flat};
const struct fuzz_target fz_dump_kcore = {"dump-kcore", "kcore-style ELF opened as a live image", init, one_kcore, seeds_elf};
