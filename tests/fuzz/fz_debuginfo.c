// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The files vmsift writes for itself and reads back (src/debuginfo): the
 * DWARF name index (<build-id>.idx) and the lookup memo (<build-id>.memo)
 * of the harness vmlinux.  The input is the file; the harness gives it the
 * identity stamps and checksum this process expects (di_index_seal(),
 * di_memo_seal()), so the bytes reach the checks of the contents, then
 * looks names up and walks the types the answers reach.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "debuginfo/internal.h"
#include "fuzz.h"

static const char *const type_names[] = {
	"struct task_struct", "struct page", "struct folio", "struct mm_struct", "struct list_head",
	"struct address_space", "struct flex", "struct zero_len", "struct only_declared", "u64",
	"bool", "handler_t", "int", "unsigned long", "char",
};
static const char *const var_names[] = {"init_task", "linux_banner", "mem_map", "a_folio", "init_mm"};

/* The index and memo reach only the fixture's few types: no bound. */
static struct fz_walk unbounded = {SIZE_MAX, SIZE_MAX};

static void lookups(struct vms_debuginfo *di)
{
	struct vms_type *t;
	uint64_t addr;
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++) {
		struct vms_error *err = debuginfo_find_type(di, type_names[i], &t);
		if (!err) {
			fz_walk_type(&unbounded, t);
			struct vms_type *m;
			uint64_t bo, bs;
			err = vms_type_member_find(t, "tasks.next", &m, &bo, &bs);
		}
		fz_check_error(err);
	}
	for (size_t i = 0; i < sizeof(var_names) / sizeof(var_names[0]); i++) {
		struct vms_error *err = debuginfo_find_variable(di, var_names[i], &t, &addr);
		if (!err)
			fz_walk_type(&unbounded, t);
		fz_check_error(err);
	}
	fz_lookup_listed(di, &unbounded, NULL);
}

static uint8_t *good_idx;
static size_t good_idx_len;

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *b = n > 0 ? malloc((size_t)n) : NULL;
	if (b && fread(b, (size_t)n, 1, f) != 1) {
		free(b);
		b = NULL;
	}
	fclose(f);
	*len = b ? (size_t)n : 0;
	return b;
}

/* Build the real index and memo of the vmlinux once (lookups, then destroy
 * writes the memo) and keep the index. */
static int init(void)
{
	if (good_idx)
		return 0;
	if (!fz_cache_dir())
		return -1;
	struct vms_debuginfo *di;
	struct vms_error *err = debuginfo_open(fz_vmlinux(), &di);
	if (err) {
		fprintf(stderr, "fuzz: %s\n", err->message);
		vms_error_destroy(err);
		return -1;
	}
	lookups(di);
	char *idx = di_cache_file(di, "idx");
	debuginfo_destroy(di);
	good_idx = idx ? slurp(idx, &good_idx_len) : NULL;
	free(idx);
	if (!good_idx)
		fprintf(stderr, "fuzz: no index was written in %s\n", fz_cache_dir());
	return good_idx ? 0 : -1;
}

static void one(const uint8_t *data, size_t size, bool memo)
{
	struct vms_debuginfo *di;
	struct vms_error *err = debuginfo_open(fz_vmlinux(), &di);
	if (err) {
		fz_check_error(err);
		return;
	}
	char *idx = di_cache_file(di, "idx"), *mem = di_cache_file(di, "memo");
	uint8_t *copy = malloc(size ? size : 1);
	if (idx && mem && copy) {
		memcpy(copy, data, size);
		if (memo) {
			// the valid index (unchanged: the memo is checked against it)
			di_memo_seal(di, copy, size);
			di_cache_store(mem, copy, size);
		} else {
			di_index_seal(di, copy, size);
			di_cache_store(idx, copy, size);
			unlink(mem);
		}
		lookups(di);
	}
	free(copy);
	debuginfo_destroy(di);
	if (!memo && idx) // the next input starts from a known state
		di_cache_store(idx, good_idx, good_idx_len);
	if (mem)
		unlink(mem);
	free(idx);
	free(mem);
}

static void one_index(const uint8_t *data, size_t size) { one(data, size, false); }
static void one_memo(const uint8_t *data, size_t size) { one(data, size, true); }

/* Seeds: the real files of the vmlinux. */
static int seeds(const char *dir, const char *ext)
{
	if (init())
		return -1;
	struct vms_debuginfo *di;
	struct vms_error *err = debuginfo_open(fz_vmlinux(), &di);
	if (err) {
		vms_error_destroy(err);
		return -1;
	}
	lookups(di); // (the memo of init() was removed by nothing: rewrite it)
	char *path = di_cache_file(di, ext);
	debuginfo_destroy(di);
	size_t len;
	uint8_t *b = path ? slurp(path, &len) : NULL;
	char name[32];
	snprintf(name, sizeof(name), "fixture.%s", ext);
	int rc = b ? fz_write_seed(dir, name, b, len) : -1;
	free(b);
	free(path);
	return rc;
}

static int seeds_index(const char *dir) { return seeds(dir, "idx"); }
static int seeds_memo(const char *dir) { return seeds(dir, "memo"); }

static int init_index(void) { return init(); }

const struct fuzz_target fz_dwarf_index = {"dwarf-index", "the DWARF name index cache file", init_index, one_index, seeds_index};
const struct fuzz_target fz_memo = {"memo", "the lookup memo cache file", init, one_memo, seeds_memo};
