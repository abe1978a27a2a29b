// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The vmsift command line as data: its options, exit statuses and the words
 * around them.  `vmsift --help`, the option parser in main.c, the vmsift(1)
 * manual page and the bash completion are all made from these tables.
 */
#include "cli/cli.h"

const char cli_synopsis[] = "vmsift [OPTIONS] VMCORE [VMLINUX | SYSTEM.MAP | IMAGE]";
const char cli_report_synopsis[] = "vmsift report VMCORE [VMLINUX] [-o DIR] [--json] [--html] [--only SECTIONS]";

const char cli_description[] =
	"Open a kernel crash dump (or /proc/kcore) with the kernel's debug info and\n"
	"answer questions about its memory.";

const char cli_input_note[] =
	"Options may come before or after VMCORE and VMLINUX; '--' ends them.\n"
	"Without -e or -f, commands are read from standard input when it is not a\n"
	"terminal, else from an interactive prompt.  VMLINUX is found from the dump's\n"
	"release and build-id when not given; without one, or with --btf, types come\n"
	"from the BTF in the dump and symbols from its kallsyms (kernels 6.0 and\n"
	"later; give a SYSTEM.MAP for older ones), or from an IMAGE with .BTF (a\n"
	"vmlinux or vmlinuz).";

const struct cli_option cli_main_options[] = {
	{ 'e', 'e', "execute", "CMDS", "run CMDS (separated by ';') and exit; may be repeated" },
	{ 'f', 'f', "file", "FILE", "run the commands in FILE ('-' for standard input)" },
	{ 'j', 'j', "json", NULL, "JSON output: one document per command, NDJSON for streams" },
	{ 0, 'F', "force", NULL, "use debug info even if it does not match the dump" },
	{ 0, 'B', "btf", NULL, "types from the kernel's BTF, symbols from its kallsyms, not DWARF" },
	{ 0, 'D', "debug-dir", "DIR", "also look for modules' debug info under DIR/lib/modules/RELEASE (repeatable; /usr/lib/debug is searched last)" },
	{ 0, 'P', "plugin", "PATH", "load a plugin (repeatable); a NAME without '/' from the plugin directory" },
	{ 0, 'A', "progress-after", "SECONDS", "show a long walk's progress on a terminal after SECONDS (default 1; negative: never)" },
	{ 'q', 'q', "quiet", NULL, "no banner, and no note of the vmlinux found" },
	{ 'V', 'V', "version", NULL, "print the version" },
	{ 'h', 'h', "help", NULL, "this help" },
	{ 0 },
};

const char cli_report_description[] =
	"Write the batch report of a dump: text on standard output (JSON with --json);\n"
	"-o DIR also writes DIR/report.txt and DIR/report.json, and with --html\n"
	"DIR/report.html.  Options may come before or after the files.  Exit status 4\n"
	"when a section failed or was partial.";

const struct cli_option cli_report_options[] = {
	{ 'o', 'o', "output", "DIR", "also write report.txt and report.json (and report.html) in DIR" },
	{ 'j', 'j', "json", NULL, "the report as one JSON document on standard output" },
	{ 0, 'H', "html", NULL, "also write DIR/report.html (needs -o)" },
	{ 0, 'O', "only", "SECTIONS", "only these sections (comma-separated names)" },
	{ 0, 'F', "force", NULL, "use debug info even if it does not match the dump" },
	{ 0, 'B', "btf", NULL, "types from the kernel's BTF, symbols from its kallsyms, not DWARF" },
	{ 0, 'D', "debug-dir", "DIR", "also look for modules' debug info under DIR/lib/modules/RELEASE (repeatable)" },
	{ 'h', 'h', "help", NULL, "this help" },
	{ 0 },
};

const struct cli_exit_status cli_exit_statuses[] = {
	{ VMS_EXIT_OK, "every command succeeded" },
	{ VMS_EXIT_FAILED, "a command failed" },
	{ VMS_EXIT_USAGE, "bad usage: an unknown option or command, a missing argument" },
	{ VMS_EXIT_NODUMP, "the dump or its vmlinux could not be opened, or the dump file was cut while being read" },
	{ VMS_EXIT_PARTIAL, "an answer was partial: the dump lacks data it needed" },
	{ 0, NULL },
};
