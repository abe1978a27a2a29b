// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Internal to the crash-context modules of src/linux/ (cpus.c, module.c,
 * orc.c, unwind.c, panic.c): what they read once per program, kept in the
 * program's struct linux_kernel.  A failure is cached too and handed out
 * as a copy (crash_err_copy()), so every later caller hears the same
 * reason.
 */
#ifndef VMS_LINUX_CRASHDATA_H
#define VMS_LINUX_CRASHDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "program/program.h"

struct linux_module;
struct linux_orc_table;
struct linux_panic;

struct linux_crash_data {
	// cpus.c
	bool cpus_done;
	struct vms_error *cpus_err;
	unsigned nr_cpus;
	uint64_t *percpu_offset;  // nr_cpus entries
	uint8_t *present;          // nr_cpus entries, or NULL when unknown
	bool percpu_zero_based;
	uint64_t *curr;           // rq->curr per CPU (0: unknown)
	bool curr_done;
	// module.c
	bool mods_done;
	struct vms_error *mods_err;
	struct linux_module *mods;
	size_t nmods;
	// orc.c
	bool orc_done;
	struct vms_error *orc_err;
	struct linux_orc_table *orc;  // vmlinux
	// panic.c
	bool panic_done;
	struct linux_panic *panic;
};

/* The crash data of @prog, created on first use. */
VMS_MUST_CHECK struct vms_error *linux_crash_data_get(struct vms_program *prog, struct linux_crash_data **ret);
/* A new error with the code, address and message of @err (NULL gives NULL). */
VMS_MUST_CHECK struct vms_error *crash_err_copy(const struct vms_error *err);

/* Destructors of each module's part (called by linux_crash_data_destroy()). */
void linux_modules_free(struct linux_crash_data *c);
void linux_orc_free(struct linux_crash_data *c);
void linux_panic_free(struct linux_crash_data *c);

#endif
