// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Unit tests of the dump layer on synthetic dumps written by
 * tests/tools/dumpgen.c: ELF, kdump-compressed (raw, zlib, lzo, snappy,
 * zstd) and flattened, plus truncated, empty, random and corrupted files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <elf.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump/dump.h"
#include "dumpgen.h"

static char tmpdir[] = "/tmp/vmsift-dump-test.XXXXXX";

struct variant {
	const char *name;
	enum dg_format fmt;
	unsigned codec;
	const char *format;
	const char *compression;
};

static const struct variant variants[] = {
	{"elf", DG_ELF, 0, "elf", "none"},
	{"kdump-raw", DG_KDUMP, 0, "kdump-compressed", "none"},
	{"kdump-zlib", DG_KDUMP, 1, "kdump-compressed", "zlib"},
	{"kdump-lzo", DG_KDUMP, 2, "kdump-compressed", "lzo"},
	{"kdump-snappy", DG_KDUMP, 4, "kdump-compressed", "snappy"},
	{"kdump-zstd", DG_KDUMP, 0x20, "kdump-compressed", "zstd"},
	{"flat-raw", DG_FLAT, 0, "flattened kdump", "none"},
	{"flat-zlib", DG_FLAT, 1, "flattened kdump", "zlib"},
	{"flat-lzo", DG_FLAT, 2, "flattened kdump", "lzo"},
	{"flat-snappy", DG_FLAT, 4, "flattened kdump", "snappy"},
	{"flat-zstd", DG_FLAT, 0x20, "flattened kdump", "zstd"},
};

static char *variant_path(const struct variant *v)
{
	static char path[256];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, v->name);
	return path;
}

static int setup_all(void **state)
{
	if (!mkdtemp(tmpdir))
		return -1;
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
		if (dg_write(variant_path(&variants[i]), variants[i].fmt, variants[i].codec))
			return -1;
	return 0;
}

static int teardown_all(void **state)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct vms_dump *open_ok(const char *path)
{
	struct vms_dump *d = NULL;
	struct vms_error *err = dump_open(path, &d);
	if (err)
		fail_msg("%s: %s", path, err->message);
	return d;
}

static void expect_error(struct vms_error *err, enum vms_error_code code, bool has_addr,
			 uint64_t addr)
{
	assert_non_null(err);
	if (err->code != code)
		fail_msg("expected %s, got %s: %s", vms_error_code_name(code),
			 vms_error_code_name(err->code), err->message);
	if (has_addr) {
		assert_true(err->has_address);
		assert_int_equal(err->address, addr);
	}
	vms_error_destroy(err);
}

static void check_variant(const struct variant *v)
{
	const uint8_t *img = dg_image();
	struct vms_dump *d = open_ok(variant_path(v));
	assert_string_equal(dump_format(d), v->format);
	assert_non_null(dump_compression(d));
	assert_string_equal(dump_compression(d), v->compression);
	assert_string_equal(dump_arch(d), "x86_64");
	assert_int_equal(dump_page_size(d), 4096);
	assert_false(dump_is_live(d));
	assert_non_null(dump_vmcoreinfo(d));
	assert_string_equal(dump_vmcoreinfo_value(d, "OSRELEASE"), "6.1.0-test-amd64");
	assert_string_equal(dump_vmcoreinfo_value(d, "SYMBOL(init_top_pgt)"), "ffffffff80010000");
	assert_null(dump_vmcoreinfo_value(d, "SYMBOL(nonexistent)"));
	assert_null(dump_vmcoreinfo_value(d, "OSREL"));
	uint64_t num;
	assert_null(dump_vmcoreinfo_number(d, "KERNELOFFSET", &num));
	assert_int_equal(num, 0);
	assert_null(dump_vmcoreinfo_number(d, "SYMBOL(init_top_pgt)", &num));
	assert_int_equal(num, 0xffffffff80010000);
	expect_error(dump_vmcoreinfo_number(d, "NUMBER(nope)", &num), VMS_ERR_LOOKUP, false, 0);

	// Physical reads: a whole segment, an unaligned range across pages.
	uint8_t *buf = malloc(DG_HOLE);
	assert_null(dump_read(d, DUMP_PHYS, 0, buf, DG_HOLE));
	assert_memory_equal(buf, img, DG_HOLE);
	assert_null(dump_read(d, DUMP_PHYS, DG_SEG1 + 4000, buf, 10000));
	assert_memory_equal(buf, img + DG_SEG1 + 4000, 10000);
	assert_null(dump_read(d, DUMP_PHYS, 0x5003, buf, 5));
	assert_memory_equal(buf, img + 0x5003, 5);

	// NODATA: hole, excluded page, beyond the dump; the first missing address.
	expect_error(dump_read(d, DUMP_PHYS, DG_HOLE + 8, buf, 8), VMS_ERR_NODATA, true, DG_HOLE + 8);
	expect_error(dump_read(d, DUMP_PHYS, DG_HOLE - 100, buf, 200), VMS_ERR_NODATA, true, DG_HOLE);
	expect_error(dump_read(d, DUMP_PHYS, DG_EXCL - 16, buf, 64), VMS_ERR_NODATA, true, DG_EXCL);
	expect_error(dump_read(d, DUMP_PHYS, 0x40000000, buf, 8), VMS_ERR_NODATA, true, 0x40000000);
	expect_error(dump_read(d, DUMP_PHYS, UINT64_MAX - 3, buf, 8), VMS_ERR_INVALID, false, 0);

	// Virtual reads through the page tables: kernel text, direct map, 2 MiB page.
	assert_null(dump_read(d, DUMP_KVIRT, DG_KTEXT + 0x3000, buf, 3 * 4096 + 7));
	assert_memory_equal(buf, img + 0x3000, 3 * 4096 + 7);
	assert_null(dump_read(d, DUMP_KVIRT, DG_DIRECT + 0x1234, buf, 0x50000));
	assert_memory_equal(buf, img + 0x1234, 0x50000);
	assert_null(dump_read(d, DUMP_KVIRT, DG_VMEMMAP + 0x100, buf, 0x7ff00));
	assert_memory_equal(buf, img + DG_SEG1 + 0x100, 0x7ff00);
	uint64_t pa;
	assert_null(dump_vtop(d, DG_VMEMMAP + 0x1008, &pa));
	assert_int_equal(pa, DG_SEG1 + 0x1008);
	assert_null(dump_vtop(d, DG_KTEXT + 0x10000, &pa));
	assert_int_equal(pa, 0x10000);
	// Excluded page behind a valid mapping: NODATA at the virtual address.
	expect_error(dump_read(d, DUMP_KVIRT, DG_VMEMMAP + 0x7fff0, buf, 32), VMS_ERR_NODATA, true,
		     DG_VMEMMAP + 0x80000);
	// Unmapped: FAULT at the first unmapped virtual address.
	expect_error(dump_read(d, DUMP_KVIRT, 0xffffc90000000000, buf, 8), VMS_ERR_FAULT, true,
		     0xffffc90000000000);
	expect_error(dump_read(d, DUMP_KVIRT, DG_KTEXT + 0x100000 - 8, buf, 16), VMS_ERR_FAULT, true,
		     DG_KTEXT + 0x100000);
	expect_error(dump_vtop(d, 0xffffc90000000000, &pa), VMS_ERR_FAULT, true, 0xffffc90000000000);

	// Page accounting.
	struct dump_stats st;
	assert_null(dump_stats(d, &st));
	assert_true(st.exact);
	assert_false(st.truncated);
	assert_int_equal(st.pages_present, (DG_HOLE + DG_EXCL - DG_SEG1) / 4096);
	assert_int_equal(st.pages_excluded, (DG_SEG1_END - DG_EXCL) / 4096);
	assert_true(st.max_pfn >= DG_SEG1_END / 4096);
	bool held;
	assert_null(dump_page_held(d, 3, &held));
	assert_true(held);
	assert_null(dump_page_held(d, DG_HOLE / 4096, &held));
	assert_false(held);
	assert_null(dump_page_held(d, DG_EXCL / 4096, &held));
	assert_false(held);
	assert_null(dump_page_held(d, UINT64_C(1) << 40, &held));
	assert_false(held);
	uint64_t r[4][2];
	assert_int_equal(dump_phys_ranges(d, r, 1), 2);
	assert_int_equal(dump_phys_ranges(d, r, 4), 2);
	assert_int_equal(r[0][0], 0);
	assert_int_equal(r[0][1], DG_HOLE);
	assert_int_equal(r[1][0], DG_SEG1);
	assert_int_equal(r[1][1], DG_EXCL);

	// A clone reads independently and outlives the original.
	struct vms_dump *c;
	assert_null(dump_clone(d, &c));
	dump_destroy(d);
	assert_null(dump_read(c, DUMP_KVIRT, DG_KTEXT + 0x20000, buf, 4096));
	assert_memory_equal(buf, img + 0x20000, 4096);
	assert_string_equal(dump_vmcoreinfo_value(c, "PAGESIZE"), "4096");
	dump_destroy(c);
	free(buf);
}

static void test_variants(void **state)
{
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
		check_variant(&variants[i]);
	// Plain kdump-compressed files through libkdumpfile give the same answers.
	setenv("VMSIFT_DUMP_LIBKDUMPFILE", "1", 1);
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
		if (variants[i].fmt == DG_KDUMP)
			check_variant(&variants[i]);
	unsetenv("VMSIFT_DUMP_LIBKDUMPFILE");
}

struct thread_arg {
	struct vms_dump *d;
	int ok;
};

static void *reader_thread(void *p)
{
	struct thread_arg *a = p;
	const uint8_t *img = dg_image();
	uint8_t buf[8192];
	a->ok = 1;
	for (int i = 0; i < 2000; i++) {
		uint64_t off = (uint64_t)(i * 7919) % (DG_HOLE - sizeof(buf));
		struct vms_error *err = dump_read(a->d, DUMP_KVIRT, DG_DIRECT + off, buf, sizeof(buf));
		if (err || memcmp(buf, img + off, sizeof(buf))) {
			vms_error_destroy(err);
			a->ok = 0;
			break;
		}
	}
	return NULL;
}

/* One clone per thread, reading concurrently. */
static void test_threads(void **state)
{
	const struct variant *vs[] = {&variants[0], &variants[2], &variants[7]};
	for (size_t i = 0; i < 3; i++) {
		struct vms_dump *d = open_ok(variant_path(vs[i]));
		struct thread_arg args[3];
		pthread_t th[3];
		for (int t = 0; t < 3; t++) {
			assert_null(dump_clone(d, &args[t].d));
			assert_int_equal(pthread_create(&th[t], NULL, reader_thread, &args[t]), 0);
		}
		for (int t = 0; t < 3; t++) {
			pthread_join(th[t], NULL);
			assert_true(args[t].ok);
			dump_destroy(args[t].d);
		}
		dump_destroy(d);
	}
}

static char *write_file(const char *name, const void *data, size_t len)
{
	static char path[256];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	if (len)
		assert_int_equal(fwrite(data, len, 1, f), 1);
	assert_int_equal(fclose(f), 0);
	return path;
}

static void *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	void *p = malloc(*len);
	assert_int_equal(fread(p, *len, 1, f), 1);
	fclose(f);
	return p;
}

static void expect_open_fails(const char *path, enum vms_error_code code, const char *substr)
{
	struct vms_dump *d = NULL;
	struct vms_error *err = dump_open(path, &d);
	if (!err)
		fail_msg("%s: opened unexpectedly", path);
	assert_null(d);
	if (err->code != code || !strstr(err->message, substr))
		fail_msg("%s: got %s: %s", path, vms_error_code_name(err->code), err->message);
	assert_non_null(strstr(err->message, path));
	assert_null(strchr(err->message, '\n'));
	vms_error_destroy(err);
}

static void test_bad_files(void **state)
{
	expect_open_fails(write_file("empty", "", 0), VMS_ERR_FORMAT, "not a kernel dump");
	uint8_t junk[65536];
	srand(42);
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)rand();
	expect_open_fails(write_file("random", junk, sizeof(junk)), VMS_ERR_FORMAT,
			  "not a kernel dump (no ELF or kdump signature)");
	expect_open_fails(write_file("short", "\177ELF", 4), VMS_ERR_FORMAT, "truncated");
	struct vms_dump *d;
	struct vms_error *err = dump_open("/nonexistent/vmcore", &d);
	assert_non_null(err);
	assert_int_equal(err->code, VMS_ERR_OS);
	vms_error_destroy(err);
}

/* Cut each kind of dump at many lengths: open fails cleanly or reads fail
 * cleanly with NODATA; never a crash, never wrong data. */
static void test_truncated(void **state)
{
	const uint8_t *img = dg_image();
	const struct variant *vs[] = {&variants[0], &variants[2], &variants[7], &variants[10]};
	uint8_t *buf = malloc(DG_MEM_SIZE);
	for (size_t i = 0; i < sizeof(vs) / sizeof(vs[0]); i++) {
		size_t len;
		uint8_t *data = slurp(variant_path(vs[i]), &len);
		size_t cuts[] = {1, 10, 100, 500, 4096, 5000, 12000, 20000, 24000, len / 3, len / 2,
				 len - 5000, len - 1};
		for (size_t j = 0; j < sizeof(cuts) / sizeof(cuts[0]); j++) {
			char *path = write_file("cut", data, cuts[j]);
			struct vms_dump *d = NULL;
			struct vms_error *err = dump_open(path, &d);
			if (err) {
				assert_true(err->code == VMS_ERR_FORMAT);
				vms_error_destroy(err);
				continue;
			}
			struct dump_stats st;
			err = dump_stats(d, &st);
			if (!err)
				assert_true(st.truncated);
			vms_error_destroy(err);
			// Every page reads correctly or fails with NODATA.
			for (uint64_t a = 0; a < DG_SEG1_END; a += 4096) {
				err = dump_read(d, DUMP_PHYS, a, buf, 4096);
				if (err) {
					if (err->code != VMS_ERR_NODATA)
						fail_msg("%s cut at %zu: 0x%lx: %s", vs[i]->name, cuts[j],
							 (unsigned long)a, err->message);
					vms_error_destroy(err);
				} else {
					assert_memory_equal(buf, img + a, 4096);
				}
				// Virtually, through page tables that may be cut off
				// too: a missing page table page is NODATA, not FAULT.
				err = dump_read(d, DUMP_KVIRT, DG_DIRECT + a, buf, 4096);
				if (err) {
					if (err->code != VMS_ERR_NODATA &&
					    !(err->code == VMS_ERR_UNSUPPORTED && !dump_vmcoreinfo(d)))
						fail_msg("%s cut at %zu: virtual 0x%lx: %s", vs[i]->name,
							 cuts[j], (unsigned long)(DG_DIRECT + a), err->message);
					vms_error_destroy(err);
				} else {
					assert_memory_equal(buf, img + a, 4096);
				}
			}
			// No zero-copy access to a truncated file.
			assert_null(dump_map(d, DUMP_PHYS, 0, 4096));
			dump_destroy(d);
		}
		free(data);
	}
	free(buf);
}

/* dump_map(): pointers into a complete ELF file, nothing elsewhere. */
static void test_map(void **state)
{
	const uint8_t *img = dg_image();
	struct vms_dump *d = open_ok(variant_path(&variants[0]));
	const uint8_t *p = dump_map(d, DUMP_PHYS, 0x1000, 0x5000);
	assert_non_null(p);
	assert_memory_equal(p, img + 0x1000, 0x5000);
	dump_unmap(d, p, 0x5000);
	// still valid after the release: the pages fault back in
	assert_memory_equal(p, img + 0x1000, 0x5000);
	// the second PT_LOAD; unaligned virtual ranges through 4 KiB and 2 MiB pages
	p = dump_map(d, DUMP_PHYS, DG_SEG1 + 3, DG_EXCL - DG_SEG1 - 3);
	assert_non_null(p);
	assert_memory_equal(p, img + DG_SEG1 + 3, DG_EXCL - DG_SEG1 - 3);
	dump_unmap(d, p, DG_EXCL - DG_SEG1 - 3);
	p = dump_map(d, DUMP_KVIRT, DG_DIRECT + 0x1234, 0x50000);
	assert_non_null(p);
	assert_memory_equal(p, img + 0x1234, 0x50000);
	dump_unmap(d, p, 0x50000);
	p = dump_map(d, DUMP_KVIRT, DG_VMEMMAP + 0x100, 0x7ff00);
	assert_non_null(p);
	assert_memory_equal(p, img + DG_SEG1 + 0x100, 0x7ff00);
	dump_unmap(d, p, 0x7ff00);
	p = dump_map(d, DUMP_KVIRT, DG_KTEXT + 0x3000, 3 * 4096 + 7);
	assert_non_null(p);
	assert_memory_equal(p, img + 0x3000, 3 * 4096 + 7);
	dump_unmap(d, p, 3 * 4096 + 7);
	// Not available: across a hole or PT_LOAD end, excluded (memsz beyond
	// filesz), beyond the dump, unmapped or not translatable, empty, wrapping.
	assert_null(dump_map(d, DUMP_PHYS, DG_HOLE - 100, 200));
	assert_null(dump_map(d, DUMP_PHYS, DG_HOLE, 8));
	assert_null(dump_map(d, DUMP_PHYS, DG_EXCL - 16, 64));
	assert_null(dump_map(d, DUMP_PHYS, 0x40000000, 8));
	assert_null(dump_map(d, DUMP_KVIRT, DG_VMEMMAP + 0x7fff0, 32));
	assert_null(dump_map(d, DUMP_KVIRT, 0xffffc90000000000, 8));
	assert_null(dump_map(d, DUMP_KVIRT, DG_KTEXT + 0x100000 - 8, 16));
	assert_null(dump_map(d, DUMP_PHYS, 0x1000, 0));
	assert_null(dump_map(d, DUMP_PHYS, UINT64_MAX - 3, 8));
	dump_unmap(d, NULL, 8);
	// A clone shares the mapping and keeps it after the original is gone.
	struct vms_dump *c;
	assert_null(dump_clone(d, &c));
	dump_destroy(d);
	p = dump_map(c, DUMP_KVIRT, DG_KTEXT + 0x20000, 4096);
	assert_non_null(p);
	assert_memory_equal(p, img + 0x20000, 4096);
	dump_unmap(c, p, 4096);
	dump_destroy(c);
	// Compressed and flattened files: never.
	for (size_t i = 1; i < sizeof(variants) / sizeof(variants[0]); i++) {
		d = open_ok(variant_path(&variants[i]));
		assert_null(dump_map(d, DUMP_PHYS, 0x1000, 4096));
		assert_null(dump_map(d, DUMP_KVIRT, DG_KTEXT + 0x3000, 4096));
		dump_destroy(d);
	}
}

/* ---- ELF headers that would mislead libkdumpfile ---- */

/* The dumpgen ELF file with a section header table appended (a null
 * section and ".shstrtab", as QEMU writes them); *@len gets its size. */
static uint8_t *elf_with_sections(size_t *len)
{
	size_t base;
	uint8_t *data = slurp(variant_path(&variants[0]), &base);
	static const char names[] = "\0.shstrtab";
	size_t shoff = (base + sizeof(names) + 7) & ~(size_t)7; // aligned for shdr()
	*len = shoff + 2 * sizeof(Elf64_Shdr);
	data = realloc(data, *len);
	memset(data + base, 0, shoff - base);
	memcpy(data + base, names, sizeof(names));
	Elf64_Shdr sh[2] = {{0}, {.sh_name = 1, .sh_type = SHT_STRTAB, .sh_offset = base,
				  .sh_size = sizeof(names)}};
	memcpy(data + shoff, sh, sizeof(sh));
	Elf64_Ehdr *eh = (Elf64_Ehdr *)data;
	eh->e_shoff = shoff;
	eh->e_shentsize = sizeof(Elf64_Shdr);
	eh->e_shnum = 2;
	eh->e_shstrndx = 1;
	return data;
}

static Elf64_Phdr *phdr(uint8_t *data, unsigned i)
{
	return (Elf64_Phdr *)(data + sizeof(Elf64_Ehdr)) + i;
}

static Elf64_Shdr *shdr(uint8_t *data, unsigned i)
{
	return (Elf64_Shdr *)(data + ((Elf64_Ehdr *)data)->e_shoff) + i;
}

/* Opens, and reads the first page of RAM right. */
static void expect_open_reads(const char *path)
{
	struct vms_dump *d = open_ok(path);
	uint8_t buf[4096];
	assert_null(dump_read(d, DUMP_PHYS, 0x3000, buf, sizeof(buf)));
	assert_memory_equal(buf, dg_image() + 0x3000, sizeof(buf));
	dump_destroy(d);
}

/* Each header libkdumpfile 0.5.1 would trust (reproducers found by fuzzing:
 * a NULL dereference on section headers of size 0, gigabytes allocated for
 * a section name table or notes, 3.7 GB asked for program headers that the
 * file cannot hold) is checked first and refused with one line. */
static void test_elf_headers(void **state)
{
	size_t len;
	uint8_t *good = elf_with_sections(&len), *d = malloc(len);
	expect_open_reads(write_file("sections", good, len));

#define MUTATE(stmt, substr)                                                  \
	do {                                                                  \
		memcpy(d, good, len);                                         \
		stmt;                                                         \
		expect_open_fails(write_file("bad-elf", d, len), VMS_ERR_FORMAT, substr); \
	} while (0)
	Elf64_Ehdr *eh = (Elf64_Ehdr *)d;
	// program headers the file cannot hold: refused before any allocation
	MUTATE((eh->e_phnum = 65444, eh->e_phentsize = 57344), "program headers at offset 64 end beyond");
	MUTATE(eh->e_phoff = UINT64_C(1) << 40, "end beyond the end of the file");
	MUTATE(eh->e_phentsize = 32, "program header size 32");
	MUTATE(eh->e_type = ET_EXEC, "not a core file");
	// section headers: libkdumpfile reads section 0 whenever e_shoff is set
	MUTATE(eh->e_shentsize = 0, "section header size 0");
	MUTATE((eh->e_shentsize = 0, eh->e_shnum = 0), "section header size 0");
	MUTATE((eh->e_shoff = 0, eh->e_shentsize = 0, eh->e_shnum = 2048), "section header size 0");
	MUTATE(eh->e_shoff = UINT64_C(1) << 60, "section headers at offset");
	MUTATE(eh->e_shnum = 60000, "60000 section headers");
	MUTATE(shdr(d, 1)->sh_size = UINT64_C(10926530560), "section name table of 10926530560 bytes");
	MUTATE(shdr(d, 1)->sh_offset = UINT64_MAX - 4, "section name table of 11 bytes at offset");
	// notes and PT_LOADs
	MUTATE(phdr(d, 0)->p_filesz = UINT64_C(1) << 33, "PT_NOTE 0 of 8589934592 bytes");
	MUTATE(phdr(d, 1)->p_filesz = UINT64_MAX - 0x7ff, "PT_LOAD 1: file offset");
	MUTATE(phdr(d, 2)->p_filesz = phdr(d, 2)->p_memsz + 4096, "bytes in the file but");
	MUTATE((phdr(d, 2)->p_paddr = UINT64_MAX - 4095, phdr(d, 2)->p_memsz = 8192,
		phdr(d, 2)->p_filesz = 4096), "physical");
#undef MUTATE

	// Counts libkdumpfile extends through section 0 are followed, not refused.
	memcpy(d, good, len);
	eh->e_shnum = 0;
	shdr(d, 0)->sh_size = 2;
	expect_open_reads(write_file("shnum0", d, len));
	memcpy(d, good, len);
	eh->e_phnum = PN_XNUM;
	shdr(d, 0)->sh_info = 3;
	expect_open_reads(write_file("pnxnum", d, len));
	// A truncated copy (name table beyond the end) still opens.
	memcpy(d, good, len);
	eh->e_shoff = 0x5000;
	expect_open_fails(write_file("shoff-cut", d, 0x5000 + 64), VMS_ERR_FORMAT,
			  "section headers at offset 20480 end beyond");
	free(good);
	free(d);
}

/* A VMCOREINFO key libkdumpfile 0.5.1 turns into an attribute path with an
 * empty component crashes it (found by fuzzing: ".", ".a"): refused before
 * it reads the file.  Keys of the kernel's own shape pass. */
static void test_elf_vmcoreinfo(void **state)
{
	static const char *const bad[] = {".\n", "OSRELEASE=6.1\n.a=1\n", "a..b=1\n", "OSRELEASE.=1\n",
					   "SYM BOL(x)=1\n", "A=1\n=x\n"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct dg_opts o = {.vmcoreinfo = bad[i], .vmcoreinfo_len = strlen(bad[i])};
		char *path = write_file("vmci", "", 0);
		assert_int_equal(dg_write_opts(path, DG_ELF, 0, &o), 0);
		expect_open_fails(path, VMS_ERR_FORMAT, "corrupt VMCOREINFO: line");
	}
	static const char good[] = "OSRELEASE=6.1.0-test-amd64\nPAGESIZE=4096\n\nNOVALUE\n"
				   "SYMBOL(init_top_pgt)=ffffffff80010000\nSYMBOL(swapper_pg_dir)=ffffffff80010000\n"
				   "SYMBOL(_stext)=ffffffff80000000\nNUMBER(phys_base)=0\nOFFSET(page.flags)=0\n"
				   "NUMBER(pgtable_l5_enabled)=0\nKERNELOFFSET=0\n";
	struct dg_opts o = {.vmcoreinfo = good, .vmcoreinfo_len = sizeof(good) - 1};
	char *path = write_file("vmci", "", 0);
	assert_int_equal(dg_write_opts(path, DG_ELF, 0, &o), 0);
	expect_open_reads(path);
}

/* Many PT_LOADs over one page open and read: a QEMU paging=true dump of
 * Debian's generic 6.12 kernel maps one page at 65,537 virtual addresses. */
static void test_elf_overlap(void **state)
{
	size_t base;
	uint8_t *data = slurp(variant_path(&variants[0]), &base);
	const unsigned n = 2000;
	// the program headers move to the end of the file: note, two loads,
	// then n - 2 more copies of the first load
	Elf64_Phdr *ph = calloc(n + 1, sizeof(*ph));
	memcpy(ph, phdr(data, 0), 3 * sizeof(*ph));
	for (unsigned i = 3; i <= n; i++)
		ph[i] = ph[1];
	size_t len = base + (n + 1) * sizeof(*ph);
	data = realloc(data, len);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)data;
	eh->e_phoff = base;
	eh->e_phnum = (uint16_t)(n + 1);
	memcpy(data + base, ph, eh->e_phnum * sizeof(*ph));
	char *path = write_file("overlap", data, base + eh->e_phnum * sizeof(*ph));
	expect_open_reads(path);
	free(ph);
	free(data);
}

static long maxrss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* A PT_LOAD at the top of the physical address space costs what the file
 * holds (regression: two bitmaps of up to 512 MiB, scanned byte by byte). */
static void test_elf_high_load(void **state)
{
	size_t len;
	uint8_t *data = slurp(variant_path(&variants[0]), &len);
	const uint64_t tops[] = {(UINT64_C(1) << 44) - 0x80000, UINT64_C(0) - 0x80000};
	for (unsigned k = 0; k < 2; k++) {
		// the second segment (0x80000 bytes held) moves to the top
		phdr(data, 2)->p_paddr = tops[k];
		phdr(data, 2)->p_memsz = 0x80000;
		long rss = maxrss_kb();
		struct vms_dump *d = open_ok(write_file("high", data, len));
		struct dump_stats st;
		assert_null(dump_stats(d, &st));
		assert_int_equal(st.pages_present, 256 + 128);
		assert_int_equal(st.pages_excluded, 0);
		assert_int_equal(st.max_pfn, tops[k] / 4096 + 128);
		bool held;
		assert_null(dump_page_held(d, tops[k] / 4096 + 127, &held));
		assert_true(held);
		assert_null(dump_page_held(d, tops[k] / 4096 - 1, &held));
		assert_false(held);
		uint64_t r[4][2];
		assert_int_equal(dump_phys_ranges(d, r, 4), 2);
		assert_int_equal(r[1][0], tops[k]);
		assert_int_equal(r[1][1], k ? UINT64_MAX : tops[k] + 0x80000);
		uint8_t buf[4096];
		if (!k) { // (libkdumpfile translates no address at the very top)
			assert_null(dump_read(d, DUMP_PHYS, tops[k] + 0x1000, buf, sizeof(buf)));
			assert_memory_equal(buf, dg_image() + DG_SEG1 + 0x1000, sizeof(buf));
		}
		dump_destroy(d);
		// (a bitmap per PFN would have been 512 MiB and more)
		assert_true(maxrss_kb() - rss < 64 * 1024);
	}
	free(data);
}

/* Flip bytes all over each dump: no crash, errors are values. */
static void test_corrupt(void **state)
{
	uint8_t *buf = malloc(65536);
	srand(7);
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		size_t len;
		uint8_t *data = slurp(variant_path(&variants[i]), &len);
		for (int iter = 0; iter < 12; iter++) {
			uint8_t *copy = malloc(len);
			memcpy(copy, data, len);
			for (int k = 0; k < 40; k++) {
				// Mostly metadata (first 24 KiB), some page data.
				size_t at = k % 4 ? (size_t)rand() % (len < 24576 ? len : 24576)
						  : (size_t)rand() % len;
				copy[at] = (uint8_t)rand();
			}
			char *path = write_file("corrupt", copy, len);
			struct vms_dump *d = NULL;
			struct vms_error *err = dump_open(path, &d);
			if (!err) {
				struct dump_stats st;
				vms_error_destroy(dump_stats(d, &st));
				uint64_t r[8][2];
				dump_phys_ranges(d, r, 8);
				for (uint64_t a = 0; a < DG_MEM_SIZE; a += 65536)
					vms_error_destroy(dump_read(d, DUMP_PHYS, a, buf, 65536));
				vms_error_destroy(dump_read(d, DUMP_KVIRT, DG_DIRECT, buf, 65536));
				vms_error_destroy(dump_read(d, DUMP_KVIRT, DG_VMEMMAP, buf, 65536));
				dump_destroy(d);
			} else {
				assert_non_null(err->message);
				vms_error_destroy(err);
			}
			free(copy);
		}
		free(data);
	}
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_variants),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_map),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_elf_headers),
		cmocka_unit_test(test_elf_vmcoreinfo),
		cmocka_unit_test(test_elf_overlap),
		cmocka_unit_test(test_elf_high_load),
	};
	return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
