// SPDX-License-Identifier: GPL-3.0-or-later
/* What the harnesses share: the error check, memfd files, the program. */
#include "fuzz.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "debuginfo/debuginfo.h"
#include "dumpgen.h"
#include "program/program.h"

#ifndef FZ_BUILDDIR
#define FZ_BUILDDIR "."
#endif

void fz_check_error(struct vms_error *err)
{
	if (!err)
		return;
	if (!err->message || !*err->message || strchr(err->message, '\n')) {
		fprintf(stderr, "fuzz: error without a one-line message: %s\n",
			err->message ? err->message : "(null)");
		abort();
	}
	if (err->code <= 0 || err->code >= VMS_ERR_NR_CODES) {
		fprintf(stderr, "fuzz: error with code %d: %s\n", (int)err->code, err->message);
		abort();
	}
	vms_error_destroy(err);
}

static const char *file_at(int *fdp, char *path, size_t pathlen, const char *name,
			   const uint8_t *data, size_t size)
{
	if (*fdp < 0) {
		*fdp = memfd_create(name, MFD_CLOEXEC);
		if (*fdp < 0)
			return NULL;
		snprintf(path, pathlen, "/proc/self/fd/%d", *fdp);
	}
	if (ftruncate(*fdp, 0) || (size && pwrite(*fdp, data, size, 0) != (ssize_t)size))
		return NULL;
	return path;
}

const char *fz_file(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	return file_at(&fd, path, sizeof(path), "vmsift-fuzz", data, size);
}

const char *fz_file2(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	return file_at(&fd, path, sizeof(path), "vmsift-fuzz2", data, size);
}

int fz_write_seed(const char *dir, const char *name, const void *data, size_t size)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	int rc = size && fwrite(data, size, 1, f) != 1 ? -1 : 0;
	if (fclose(f))
		rc = -1;
	return rc;
}

const char *fz_cache_dir(void)
{
	static char dir[64];
	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/vmsift-fuzz-cache.XXXXXX");
		if (!mkdtemp(dir)) {
			dir[0] = 0;
			return NULL;
		}
		setenv("VMSIFT_CACHE", dir, 1);
	}
	return dir;
}

const char *fz_vmlinux(void)
{
	return FZ_BUILDDIR "/tests/fixtures/kernel_types.elf";
}

struct vms_program *fz_program(void)
{
	static struct vms_program *prog;
	static bool tried;
	if (tried)
		return prog;
	tried = true;
	fz_cache_dir();
	const char *dump = getenv("VMSIFT_FUZZ_DUMP");
	static char synth[64];
	if (!dump || !*dump || !getenv("VMSIFT_FUZZ_VMLINUX")) {
		snprintf(synth, sizeof(synth), "%s/synthetic.elf", fz_cache_dir());
		if (dg_write(synth, DG_ELF, 0)) {
			fprintf(stderr, "fuzz: cannot write %s: %s\n", synth, strerror(errno));
			return NULL;
		}
		dump = synth;
	}
	const char *vmlinux = dump == synth ? fz_vmlinux() : getenv("VMSIFT_FUZZ_VMLINUX");
	struct vms_program_options opts = {.vmlinux = vmlinux, .force = true};
	struct vms_error *err = program_open(dump, &opts, &prog);
	if (err) {
		fprintf(stderr, "fuzz: cannot open %s with %s: %s\n", dump, opts.vmlinux, err->message);
		vms_error_destroy(err);
		prog = NULL;
	}
	return prog;
}

uint64_t fz_u64(const uint8_t *data, size_t size, size_t off)
{
	uint64_t v = 0;
	for (size_t i = 0; i < 8 && off + i < size; i++)
		v |= (uint64_t)data[off + i] << (8 * i);
	return v;
}

static void walk(struct fz_walk *w, struct vms_type *t, int depth)
{
	if (!t || depth > 6 || !w->types)
		return;
	w->types--;
	if (w->names) {
		w->names--;
		free(vms_type_name(t));
		free(vms_type_declaration(t, "x"));
	}
	(void)vms_type_size(t);
	(void)vms_type_is_signed(t);
	(void)vms_type_is_complete(t);
	(void)vms_type_array_length(t);
	(void)vms_type_is_variadic(t);
	(void)vms_type_strip(t);
	size_t n = vms_type_member_count(t);
	for (size_t i = 0; i < n && i < 64; i++) {
		const struct vms_type_member *m = vms_type_member(t, i);
		if (m)
			walk(w, m->type, depth + 1);
	}
	n = vms_type_enumerator_count(t);
	for (size_t i = 0; i < n && i < 64; i++)
		(void)vms_type_enumerator(t, i);
	n = vms_type_param_count(t);
	for (size_t i = 0; i < n && i < 16; i++)
		walk(w, vms_type_param(t, i), depth + 1);
	walk(w, vms_type_target(t), depth + 1);
}

void fz_walk_type(struct fz_walk *w, struct vms_type *t)
{
	walk(w, t, 0);
}

struct names {
	char *v[64];
	size_t n;
};

static bool collect(const char *name, unsigned kind, void *arg)
{
	(void)kind;
	struct names *ns = arg;
	if (ns->n < 64)
		ns->v[ns->n++] = strdup(name);
	return ns->n < 64;
}

void fz_lookup_listed(struct vms_debuginfo *di, struct fz_walk *w,
		      void (*look_type)(struct vms_debuginfo *di, const char *name))
{
	struct vms_type *t;
	uint64_t addr;
	int64_t val;
	struct names ns = {0};
	fz_check_error(debuginfo_names_with_prefix(di, "", ~0u, collect, &ns));
	for (size_t i = 0; i < ns.n; i++) {
		if (!ns.v[i])
			continue;
		struct vms_error *err;
		if (look_type) {
			look_type(di, ns.v[i]);
		} else {
			err = debuginfo_find_type(di, ns.v[i], &t);
			if (!err)
				fz_walk_type(w, t);
			fz_check_error(err);
		}
		err = debuginfo_find_variable(di, ns.v[i], &t, &addr);
		if (!err)
			fz_walk_type(w, t);
		fz_check_error(err);
		fz_check_error(debuginfo_find_enumerator(di, ns.v[i], &t, &val));
		free(ns.v[i]);
	}
}
