// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The fuzz harnesses: one per input path of vmsift.  Each is a pair of
 * functions, init (once per process) and one (per input), listed in
 * targets.c.  The same harnesses run under libFuzzer (fuzz_main.c, built
 * with --enable-fuzzing, `make fuzz`) and as a plain replay of files
 * (replay.c, built by `make check`, which replays every corpus and
 * regression input).
 *
 * What every harness checks besides the sanitizers: an error is a value
 * with a one-line message (fz_check_error()), and no input makes a walk run
 * away (libFuzzer's -timeout, replay's alarm).
 */
#ifndef VMS_TESTS_FUZZ_H
#define VMS_TESTS_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

struct vms_debuginfo;
struct vms_program;
struct vms_type;

struct fuzz_target {
	const char *name;
	const char *what;                            // one line, for `replay --list`
	int (*init)(void);                           // 0 or -1 (says why on stderr)
	void (*one)(const uint8_t *data, size_t size);
	// Write the generated seeds into directory @dir (optional; the corpus
	// in git holds the rest).  0 or -1.
	int (*seeds)(const char *dir);
};

extern const struct fuzz_target *const fuzz_targets[]; // NULL-terminated
const struct fuzz_target *fuzz_target_find(const char *name);

/* An error must be a value with a one-line message: abort otherwise (the
 * fuzzer reports the input).  Consumes @err. */
void fz_check_error(struct vms_error *err);

/* A file holding @size bytes of @data, rewritten on every call: a memfd,
 * named by a /proc/self/fd path (borrowed, valid until the next call).
 * NULL on failure. */
const char *fz_file(const uint8_t *data, size_t size);
/* The same as a second, independent file. */
const char *fz_file2(const uint8_t *data, size_t size);

/* Write @size bytes to @dir/@name.  0 or -1. */
int fz_write_seed(const char *dir, const char *name, const void *data, size_t size);

/* A private cache directory for the debug info index and memo
 * (VMSIFT_CACHE), created once.  Borrowed. */
const char *fz_cache_dir(void);

/* The kernel-shaped vmlinux fixture the build compiles
 * (tests/fixtures/kernel_types.elf in the build tree): small, so that the
 * harnesses that open debug info per input stay fast.  Borrowed. */
const char *fz_vmlinux(void);

/*
 * A program for the harnesses that need one (eval, command lines): the dump
 * $VMSIFT_FUZZ_DUMP with $VMSIFT_FUZZ_VMLINUX (a real kernel: `make fuzz`
 * passes a small fixture when there is one), else a synthetic dump
 * (tests/tools/dumpgen.c) with the fixture vmlinux.  Opened once.  NULL on
 * failure (said on stderr).
 */
struct vms_program *fz_program(void);

/*
 * Walk type @t and the types it reaches, to depth 6 and 64 members: every
 * accessor, and the name and declaration of each.  @w bounds the work (a
 * type may contain itself many times over, and a name may be spelled from
 * thousands of types): at most w->types types, the names of the first
 * w->names.  SIZE_MAX for no bound.
 */
struct fz_walk {
	size_t types, names;
};
void fz_walk_type(struct fz_walk *w, struct vms_type *t);

/*
 * The first 64 names @di lists, each looked up as a type (@look_type, or
 * found and walked when NULL), a variable (walked) and an enumerator.
 */
void fz_lookup_listed(struct vms_debuginfo *di, struct fz_walk *w,
		      void (*look_type)(struct vms_debuginfo *di, const char *name));

/* Little-endian reads from the input, 0 past its end. */
uint64_t fz_u64(const uint8_t *data, size_t size, size_t off);

#endif
