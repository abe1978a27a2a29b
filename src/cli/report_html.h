// SPDX-License-Identifier: GPL-3.0-or-later
/* The batch report as one self-contained HTML page with an SVG picture of
 * physical memory (no scripts, no external resources). */
#ifndef VMS_CLI_REPORT_HTML_H
#define VMS_CLI_REPORT_HTML_H

#include "base/strbuf.h"
#include "base/value.h"

/* Append the HTML page of report document @doc (linux/report.h) to @out. */
void report_html(const struct vms_value *doc, struct strbuf *out);

#endif
