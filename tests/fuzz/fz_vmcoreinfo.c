// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * VMCOREINFO: the input (after one control byte) is the VMCOREINFO text of
 * a small synthetic dump (tests/tools/dumpgen.c).  Control bits 0-1 pick the
 * container: ELF (libkdumpfile parses the note and builds its translation
 * from it), kdump-compressed or flattened (src/dump parses it and builds
 * its own libaddrxlat system).  The dump layer's parser, the translation set
 * up from its symbols and numbers, and the program's use of it (KASLR
 * offset, release, the vmlinux match, --force) all see the text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump/dump.h"
#include "dumpgen.h"
#include "fuzz.h"
#include "program/program.h"

static const char *const keys[] = {
	"OSRELEASE", "PAGESIZE", "KERNELOFFSET", "SYMBOL(swapper_pg_dir)", "SYMBOL(init_top_pgt)",
	"NUMBER(phys_base)", "NUMBER(pgtable_l5_enabled)", "CRASHTIME", "BUILD-ID",
	"LENGTH(zone.free_area)", "NUMBER(SECTION_SIZE_BITS)", "NUMBER(MAX_PHYSMEM_BITS)",
};

static int init(void)
{
	return fz_cache_dir() ? 0 : -1;
}

static void one(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 65536)
		return;
	static const enum dg_format fmts[] = {DG_ELF, DG_KDUMP, DG_FLAT, DG_ELF};
	struct dg_opts o = {.small = true, .vmcoreinfo = (const char *)data + 1, .vmcoreinfo_len = size - 1};
	const char *path = fz_file(NULL, 0);
	if (!path || dg_write_opts(path, fmts[data[0] & 3], data[0] & 4 ? 1 : 0, &o))
		return;
	struct vms_dump *d;
	struct vms_error *err = dump_open(path, &d);
	if (err) {
		fz_check_error(err);
		return;
	}
	uint64_t sym = 0;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = dump_vmcoreinfo_value(d, keys[i]);
		if (v)
			(void)strlen(v);
		uint64_t n;
		err = dump_vmcoreinfo_number(d, keys[i], &n);
		if (!err && i == 3)
			sym = n;
		fz_check_error(err);
	}
	uint8_t buf[64];
	uint64_t pa;
	const uint64_t va[] = {sym, DG_KTEXT + 0x3000, DG_DIRECT + 0x1000, DG_VMEMMAP + 0x8000};
	for (size_t i = 0; i < 4; i++) {
		fz_check_error(dump_vtop(d, va[i], &pa));
		fz_check_error(dump_read(d, DUMP_KVIRT, va[i], buf, sizeof(buf)));
	}
	dump_destroy(d);
	if (!(data[0] & 8))
		return;
	// the program: KASLR offset, release, the vmlinux match (forced)
	struct vms_program_options opts = {.vmlinux = fz_vmlinux(), .force = data[0] & 16};
	struct vms_program *prog;
	err = program_open(path, &opts, &prog);
	if (err) {
		fz_check_error(err);
		return;
	}
	(void)program_kaslr_offset(prog);
	const char *rel = program_osrelease(prog);
	if (rel)
		(void)strlen(rel);
	struct program_symbol s;
	err = program_symbol(prog, "init_task", &s);
	if (!err)
		err = program_read(prog, s.address, buf, 16);
	fz_check_error(err);
	program_destroy(prog);
}

static int seeds(const char *dir)
{
	// the default text of dumpgen, in each container
	static const char text[] =
		"OSRELEASE=6.1.0-test-amd64\nPAGESIZE=4096\n"
		"SYMBOL(init_top_pgt)=ffffffff80010000\nSYMBOL(swapper_pg_dir)=ffffffff80010000\n"
		"SYMBOL(_stext)=ffffffff80000000\nNUMBER(phys_base)=0\n"
		"NUMBER(pgtable_l5_enabled)=0\nKERNELOFFSET=0\nCRASHTIME=1700000000\n";
	uint8_t buf[sizeof(text)];
	memcpy(buf + 1, text, sizeof(text) - 1);
	for (unsigned c = 0; c < 3; c++) {
		char name[32];
		buf[0] = (uint8_t)(c | 8 | 16);
		snprintf(name, sizeof(name), "dumpgen-%u", c);
		if (fz_write_seed(dir, name, buf, sizeof(buf)))
			return -1;
	}
	return 0;
}

const struct fuzz_target fz_vmcoreinfo = {"vmcoreinfo", "VMCOREINFO text in ELF, kdump and flattened dumps, up to the program", init, one, seeds};
