// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The command layer: one command table, one way to run a command line, and
 * one output path that renders a command's data as text, JSON or NDJSON.
 * Commands never call each other and never print with printf directly: they
 * build a struct vms_value and hand it to cli_emit() / cli_emit_record().
 */
#ifndef VMS_CLI_H
#define VMS_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "base/error.h"
#include "base/strbuf.h"
#include "base/value.h"
#include "program/program.h"

/* Exit statuses of the vmsift process (documented in doc/usage.md). */
enum {
	VMS_EXIT_OK = 0,
	VMS_EXIT_FAILED = 1,   // a command failed
	VMS_EXIT_USAGE = 2,    // bad usage (options, unknown command)
	VMS_EXIT_NODUMP = 3,   // the dump or its vmlinux could not be opened
	VMS_EXIT_PARTIAL = 4,  // commands ran but some data was unreadable
};

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
	bool quit;                 // set by `quit`
	bool interactive;          // running in the REPL
	bool sandbox;              // no pipes, redirections, files written or plugins
	                           // loaded (the command-line fuzz harness)
	unsigned records;          // records emitted by the current command
	const struct cli_command *command;  // the command being run
};

/* All commands, NULL-terminated, sorted by name. */
extern const struct cli_command *const cli_commands[];
const struct cli_command *cli_find_command(const char *name);

/* Emit a command's single answer: JSON document or text (via @text, or the
 * generic renderer when @text is NULL).  Consumes @v. */
void cli_emit(struct cli_ctx *ctx, struct vms_value *v, cli_text_fn *text);
/* Emit one record of a stream: an NDJSON line in JSON mode, else text via
 * @text (generic when NULL).  Consumes @v. */
void cli_emit_record(struct cli_ctx *ctx, struct vms_value *v, cli_text_fn *text);
/* Emit preformatted text (ignored in JSON mode). */
void cli_emit_text(struct cli_ctx *ctx, const char *s);

/* Parse a number: decimal, 0x hex, or a bare hex string with a-f digits
 * when @hex_default.  Also accepts a symbol name (relocated) when @prog is
 * given and @allow_symbol. */
struct vms_error *cli_parse_u64(struct cli_ctx *ctx, const char *s, bool hex_default,
				bool allow_symbol, uint64_t *ret);

/* Split a line into words (quotes and backslashes as in sh).  Returns the
 * number of words; *argv_ret is malloc'd with the strings; free with
 * cli_free_argv().  A `|` or `>` outside quotes ends the command: *rest_ret
 * points at it in @line (or is NULL) -- except inside parentheses or
 * brackets and in the operators `->`, `>=` and `||`, which stay in the word
 * (so `p (flags >> 12) & 1` and `p a[i | 1]` need no quotes). */
struct vms_error *cli_split(const char *line, int *argc_ret, char ***argv_ret, const char **rest_ret);
void cli_free_argv(int argc, char **argv);

/* Run one command line (may carry `| shell` or `> file`).  Errors are
 * printed to stderr as "vmsift: CMD: message" (or a JSON error object in
 * JSON mode) and reflected in the return: VMS_EXIT_*. */
int cli_run_line(struct cli_ctx *ctx, const char *line);
/* Run a script: lines, with `;` separating commands; `#` comments.
 * Returns the worst exit status. */
int cli_run_script(struct cli_ctx *ctx, const char *text);
/* Run lines from a stream until EOF or `quit`. */
int cli_run_stream(struct cli_ctx *ctx, FILE *in);
/* Interactive loop with readline. */
int cli_repl(struct cli_ctx *ctx);

/* Format an error for the user. */
void cli_print_error(struct cli_ctx *ctx, const char *cmd, const struct vms_error *err);

/* Simple option scanner for commands: handles "-j" (JSON) centrally.
 * Returns the index of the first non-option argument; unknown options are
 * left for the command (returned in order in @opts if non-NULL). */

#endif
