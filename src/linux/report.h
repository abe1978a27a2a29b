// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The batch report: what a kdump service writes the moment a dump is saved.
 * A report is a list of sections; each is a function over the program that
 * returns a value tree or an error, run in isolation (one failing section is
 * reported with its error and the others go on) and timed.  Expensive
 * products several sections use (the kernel log, the mem_map walk, the
 * census) are computed once, on first use, with their error kept.
 *
 * The value tree follows doc/report-schema.json (REPORT_SCHEMA_VERSION).
 */
#ifndef VMS_LINUX_REPORT_H
#define VMS_LINUX_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "base/value.h"
#include "program/program.h"

#define REPORT_SCHEMA_VERSION 1

/* Colour categories of the physical memory picture, in legend order. */
enum report_cat {
	REPORT_CAT_FREE, REPORT_CAT_ANON, REPORT_CAT_FILE, REPORT_CAT_SLAB,
	REPORT_CAT_PGTABLE, REPORT_CAT_KERNEL, REPORT_CAT_RESERVED, REPORT_CAT_UNKNOWN,
	REPORT_CAT_NR,
};

struct report_options {
	unsigned log_tail;     // kernel log records in the report (0: 40)
	unsigned top;          // processes / sharers listed (0: 10)
	unsigned max_pfns;     // PFNs listed per anomaly (0: 16)
	unsigned max_cells;    // cells of the memory picture (0: 4096)
	unsigned threads;      // mem_map walk workers (0: one per CPU)
	const char *only;      // run only the sections named here (comma list), or NULL
};

/*
 * Run every section on @prog and return the report document (caller owns
 * it).  Fails only on allocation failure or cancellation; section failures
 * are part of the document ("status": "failed", "error": {...}).  *partial_ret
 * (may be NULL) is set when a section failed or was partial.
 */
VMS_MUST_CHECK struct vms_error *report_run(struct vms_program *prog, const struct report_options *opts,
			     struct vms_value **ret, bool *partial_ret);

/* Names of the sections, in order, NULL-terminated. */
extern const char *const report_section_names[];

#endif
