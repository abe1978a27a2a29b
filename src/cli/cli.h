// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The command layer: one command table, one way to run a command line, and
 * one output path that renders a command's data as text, JSON or NDJSON.
 * Commands never call each other and never print with printf directly: a
 * single answer is a struct vms_value handed to cli_emit(); a record stream
 * is written row by row through a struct rec_writer (base/record.h) from
 * cli_writer().  Both land in the command's buffered output (ctx->sink),
 * written out in large blocks and at the end of the command.
 */
#ifndef VMS_CLI_H
#define VMS_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "base/error.h"
#include "base/record.h"
#include "base/strbuf.h"
#include "base/value.h"
#include "program/program.h"

/* Exit statuses of the vmsift process (described by cli_exit_statuses[]). */
enum {
	VMS_EXIT_OK = 0,
	VMS_EXIT_FAILED = 1,   // a command failed
	VMS_EXIT_USAGE = 2,    // bad usage (options, unknown command)
	VMS_EXIT_NODUMP = 3,   // the dump or its vmlinux could not be opened (or the
	                       // dump file was cut under a read of its mapping)
	VMS_EXIT_PARTIAL = 4,  // commands ran but some data was unreadable
};

/* One option of the vmsift command line (options.c). */
struct cli_option {
	char short_name;        // 0: long form only
	int key;                // what getopt_long returns for it
	const char *long_name;  // without "--"; NULL: short form only
	const char *arg;        // its argument's name, or NULL for a flag
	const char *help;       // one line
};

/* The options of `vmsift [OPTIONS] VMCORE [VMLINUX]`, ended by an entry with
 * a NULL help.  main.c parses them; --help, the manual page and the shell
 * completion show them. */
extern const struct cli_option cli_main_options[];

struct cli_exit_status {
	int code;
	const char *meaning;
};
/* Every VMS_EXIT_* in code order, ended by a NULL meaning. */
extern const struct cli_exit_status cli_exit_statuses[];

/* The options of `vmsift report VMCORE [VMLINUX]`, the batch report. */
extern const struct cli_option cli_report_options[];

/* The words of `vmsift --help` and `vmsift report --help` around the options. */
extern const char cli_synopsis[], cli_report_synopsis[], cli_description[], cli_input_note[],
	cli_report_description[];

struct cli_ctx;

/* Renders one value as text for a command (optional; default is generic). */
typedef void cli_text_fn(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out);

struct cli_command {
	const char *name;
	const char *usage;     // "PFN | -a ADDR"
	const char *summary;   // one line
	const char *help;      // details, options; may be NULL
	bool needs_program;
	struct vms_error *(*run)(struct cli_ctx *ctx, int argc, char **argv);
};

struct cli_ctx {
	struct vms_program *prog;  // NULL when no dump is open
	FILE *out;                 // where this command's output goes
	bool json;                 // render as JSON (global --json or -j)
	bool partial;              // set by a command whose answer is incomplete
	char *partial_why;         // the first reason given to cli_partial()
	unsigned partial_more;     // how many more reasons followed
	bool quit;                 // set by `quit`
	unsigned records;          // cli_emit_record() calls of the current command
	bool interactive;          // running in the REPL
	bool sandbox;              // no pipes, redirections, files written or plugins
	                           // loaded (the command-line fuzz harness)
	const struct cli_command *command;  // the command being run
	struct rec_sink sink;      // the command's output, buffered (cli_out())
	bool out_nomem;            // output was lost for want of memory
	double progress_after;     // seconds a walk runs before its progress
	                           // shows (on a terminal); < 0: never
	double progress_t0, progress_drawn;  // cli_progress()'s state
	bool progress_shown;
};

/* All commands, NULL-terminated, sorted by name. */
extern const struct cli_command *const cli_commands[];
const struct cli_command *cli_find_command(const char *name);

/* Emit a command's single answer: JSON document or text (via @text, or the
 * generic renderer when @text is NULL).  Consumes @v.  A tree that ran out
 * of memory (value_failed()) is not written: the command then fails with
 * "out of memory". */
void cli_emit(struct cli_ctx *ctx, struct vms_value *v, cli_text_fn *text);
/* Emit one record of a stream from a value tree (plugins, whose records
 * come by name): an NDJSON line in JSON mode, else text via @text (generic
 * when NULL).  Consumes @v.  Built-in streams use cli_writer(). */
void cli_emit_record(struct cli_ctx *ctx, struct vms_value *v, cli_text_fn *text);
/* Emit preformatted text (ignored in JSON mode). */
void cli_emit_text(struct cli_ctx *ctx, const char *s);

/* A record writer into the command's output: JSON (one record per line at
 * the top level) with --json, else the schema's text. */
void cli_writer(struct cli_ctx *ctx, struct rec_writer *w);
/* After some output: write it out when the buffer is full.  False when the
 * output is gone (the reader of a pipe went away): the command should stop.
 * Cancellation is requested then, so walks stop too, and nothing is
 * reported; the command's status stays as it was. */
bool cli_flush_some(struct cli_ctx *ctx);
/* Append a block of output encoded elsewhere (on worker threads); as
 * cli_flush_some(). */
bool cli_write(struct cli_ctx *ctx, const void *data, size_t len);
/* Write all buffered output now. */
void cli_flush(struct cli_ctx *ctx);

/* The progress callback of a long walk (linux/memmap.h; @arg is the
 * struct cli_ctx): "scanning mem_map: N%" on stderr when it is a terminal,
 * once the walk has run for ctx->progress_after seconds, erased when
 * @done reaches @total. */
void cli_progress(void *arg, uint64_t done, uint64_t total);

/* Parse a number: decimal, 0x hex, or a bare hex string with a-f digits
 * when @hex_default.  Also accepts a symbol name (relocated) when @prog is
 * given and @allow_symbol. */
VMS_MUST_CHECK struct vms_error *cli_parse_u64(struct cli_ctx *ctx, const char *s, bool hex_default,
				bool allow_symbol, uint64_t *ret);

/* Split a line into words (quotes and backslashes as in sh).  Returns the
 * number of words; *argv_ret is malloc'd with the strings; free with
 * cli_free_argv().  A `|` or `>` outside quotes ends the command: *rest_ret
 * points at it in @line (or is NULL) -- except inside parentheses or
 * brackets and in the operators `->`, `>=` and `||`, which stay in the word
 * (so `p (flags >> 12) & 1` and `p a[i | 1]` need no quotes). */
VMS_MUST_CHECK struct vms_error *cli_split(const char *line, int *argc_ret, char ***argv_ret, const char **rest_ret);
void cli_free_argv(int argc, char **argv);

/* Run a script: lines, with `;` separating commands; `#` comments.
 * Returns the worst exit status. */
int cli_run_script(struct cli_ctx *ctx, const char *text);
/* Run lines from a stream until EOF or `quit`. */
int cli_run_stream(struct cli_ctx *ctx, FILE *in);
/* Interactive loop with readline. */
int cli_repl(struct cli_ctx *ctx);

/* The command layer's side of the plugin host (plugin/plugin.h): main
 * hands it to plugin_host_init() before loading plugins. */
struct plugin_host_ops;
extern const struct plugin_host_ops cli_plugin_host;

/* Mark the current command's answer partial (exit status 4: some data
 * could not be read) and say why, printf-style.  The answer itself carries
 * the details; when the command ends, one line goes to stderr:
 * "vmsift: CMD: partial answer: WHY" (the first reason, and how many
 * more).  Never fails (without memory the reason is dropped). */
void cli_partial(struct cli_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* kmem ADDR... (cmd_kmem.c): what each address is.  `whatis ADDR` is an
 * alias, so the whatis command hands an address to it. */
VMS_MUST_CHECK struct vms_error *cli_kmem_addresses(struct cli_ctx *ctx, int argc, char **argv);

/* Format an error for the user. */
void cli_print_error(struct cli_ctx *ctx, const char *cmd, const struct vms_error *err);

/* Simple option scanner for commands: handles "-j" (JSON) centrally.
 * Returns the index of the first non-option argument; unknown options are
 * left for the command (returned in order in @opts if non-NULL). */

#endif
