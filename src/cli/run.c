// SPDX-License-Identifier: GPL-3.0-or-later
/* Running command lines: splitting, pipes and redirections, output, errors. */
#include "cli/cli.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/util.h"
#include "base/vector.h"
#include "plugin/plugin.h"

const struct cli_command *cli_find_command(const char *name)
{
	for (size_t i = 0; cli_commands[i]; i++)
		if (strcmp(cli_commands[i]->name, name) == 0)
			return cli_commands[i];
	// A few crash/gdb spellings people type by habit.
	static const struct { const char *alias, *name; } aliases[] = {
		{ "exit", "quit" }, { "q", "quit" }, { "?", "help" }, { "h", "help" },
		{ "print", "p" },
	};
	for (size_t i = 0; i < VMS_ARRAY_SIZE(aliases); i++)
		if (strcmp(aliases[i].alias, name) == 0)
			return cli_find_command(aliases[i].name);
	return plugin_find_command(name);
}

static bool host_command_exists(const char *name)
{
	return cli_find_command(name) != NULL;
}

VMS_MUST_CHECK static struct vms_error *host_parse_number(struct cli_ctx *ctx, const char *text, uint64_t *ret)
{
	return cli_parse_u64(ctx, text, false, true, ret);
}

static void host_emit_record(struct cli_ctx *ctx, struct vms_value *v)
{
	cli_emit_record(ctx, v, NULL);
}

const struct plugin_host_ops cli_plugin_host = {
	.command_exists = host_command_exists,
	.parse_number = host_parse_number,
	.emit_record = host_emit_record,
};

/* The running command's output buffer (ready for appending). */
static struct strbuf *cli_out(struct cli_ctx *ctx)
{
	if (!ctx->sink.flush_at)
		rec_sink_init(&ctx->sink, ctx->out);
	ctx->sink.fp = ctx->out;
	return &ctx->sink.buf;
}

void cli_writer(struct cli_ctx *ctx, struct rec_writer *w)
{
	rec_writer_init(w, ctx->json ? REC_JSON : REC_TEXT, cli_out(ctx));
}

/* The output is gone: stop whatever is running, quietly. */
static bool output_gone(struct cli_ctx *ctx)
{
	if (!rec_sink_closed(&ctx->sink) && !ctx->sink.error)
		return false;
	program_cancel_request();
	return true;
}

bool cli_flush_some(struct cli_ctx *ctx)
{
	rec_sink_maybe_flush(&ctx->sink);
	return !output_gone(ctx);
}

bool cli_write(struct cli_ctx *ctx, const void *data, size_t len)
{
	cli_out(ctx);
	rec_sink_write(&ctx->sink, data, len);
	return !output_gone(ctx);
}

void cli_flush(struct cli_ctx *ctx)
{
	cli_out(ctx);
	rec_sink_flush(&ctx->sink);
}

void cli_progress(void *arg, uint64_t done, uint64_t total)
{
	struct cli_ctx *ctx = arg;
	if (ctx->progress_after < 0)
		return;
	double t = vms_now();
	if (done == 0 && !ctx->progress_shown) {
		ctx->progress_t0 = t;
		ctx->progress_drawn = 0;
		return;
	}
	if (done >= total) {
		if (ctx->progress_shown)
			fprintf(stderr, "\r%*s\r", 30, "");
		ctx->progress_shown = false;
		return;
	}
	if (t - ctx->progress_t0 < ctx->progress_after || t - ctx->progress_drawn <= 0.1 ||
	    !isatty(STDERR_FILENO))
		return;
	fprintf(stderr, "\rscanning mem_map: %3.0f%%", 100.0 * (double)done / (double)total);
	ctx->progress_drawn = t;
	ctx->progress_shown = true;
}

void cli_emit(struct cli_ctx *ctx, struct vms_value *v, cli_text_fn *text)
{
	struct strbuf *sb = cli_out(ctx);
	if (value_failed(v)) {
		ctx->out_nomem = true;
	} else if (ctx->json) {
		value_to_json(v, sb);
		strbuf_addch(sb, '\n');
	} else if (text) {
		text(ctx, v, sb);
	} else {
		value_to_text(v, sb, 0);
	}
	value_destroy(v);
	cli_flush_some(ctx);
}

void cli_emit_record(struct cli_ctx *ctx, struct vms_value *v, cli_text_fn *text)
{
	ctx->records++;
	cli_emit(ctx, v, text);
}

void cli_emit_text(struct cli_ctx *ctx, const char *s)
{
	if (!ctx->json)
		strbuf_addstr(cli_out(ctx), s);
}

struct vms_error *cli_parse_u64(struct cli_ctx *ctx, const char *s, bool hex_default,
				bool allow_symbol, uint64_t *ret)
{
	if (!s || !*s)
		return vms_error_create(VMS_ERR_INVALID, "missing number");
	char *end;
	errno = 0;
	uint64_t v;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		v = strtoull(s + 2, &end, 16);
		if (s[2] && !*end && !errno) {
			*ret = v;
			return NULL;
		}
	} else {
		bool all_hex = true, any_alpha = false;
		for (const char *p = s; *p; p++) {
			if (!isxdigit((unsigned char)*p))
				all_hex = false;
			if (isalpha((unsigned char)*p))
				any_alpha = true;
		}
		if (all_hex && (hex_default || any_alpha)) {
			v = strtoull(s, &end, 16);
		} else {
			v = strtoull(s, &end, 10);
		}
		if (!*end && !errno && (isdigit((unsigned char)s[0]) || all_hex)) {
			// A word that is all hex digits but is also a symbol
			// ("add", "bad") is taken as the symbol only without
			// hex_default.
			if (!(any_alpha && !hex_default && allow_symbol && ctx && ctx->prog)) {
				*ret = v;
				return NULL;
			}
		}
	}
	if (allow_symbol && ctx && ctx->prog) {
		// SYMBOL or SYMBOL+OFFSET
		char name[256];
		const char *plus = strchr(s, '+');
		size_t len = plus ? (size_t)(plus - s) : strlen(s);
		if (len < sizeof(name)) {
			memcpy(name, s, len);
			name[len] = '\0';
			struct program_symbol sym;
			struct vms_error *err = program_symbol(ctx->prog, name, &sym);
			if (!err) {
				uint64_t off = 0;
				if (plus) {
					err = cli_parse_u64(NULL, plus + 1, false, false, &off);
					if (err)
						return err;
				}
				*ret = sym.address + off;
				return NULL;
			}
			vms_error_destroy(err);
		}
		return vms_error_create(VMS_ERR_INVALID, "'%s' is neither a number nor a symbol", s);
	}
	return vms_error_create(VMS_ERR_INVALID, "'%s' is not a number", s);
}

void cli_free_argv(int argc, char **argv)
{
	if (!argv)
		return;
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

/*
 * Is the '|' or '>' at @p part of a word (an expression) rather than a pipe
 * or a redirection?  Inside parentheses or brackets (@depth > 0) always;
 * elsewhere as the operators "->", ">=" and "||", which no command line means
 * as a redirection or pipe.  *@len is how many characters belong to it.
 */
static bool split_operator(const char *p, const struct strbuf *word, int depth, size_t *len)
{
	*len = 1;
	if (depth > 0)
		return true;
	if (*p == '>' && word->len && word->buf[word->len - 1] == '-')
		return true;  // "->"
	if ((*p == '>' && p[1] == '=') || (*p == '|' && p[1] == '|')) {
		*len = 2;
		return true;
	}
	return false;
}

VMS_DEFINE_VECTOR(word_vector, char *);

static void word_vector_free(struct word_vector *v)
{
	for (size_t i = 0; i < v->size; i++)
		free(v->data[i]);
	word_vector_deinit(v);
}

struct vms_error *cli_split(const char *line, int *argc_ret, char ***argv_ret, const char **rest_ret)
{
	struct word_vector argv = VMS_VECTOR_INIT;
	const char *p = line;
	*rest_ret = NULL;
	int depth = 0;  // of ( and [ outside quotes, across words
	for (;;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		struct strbuf word = STRBUF_INIT;
		size_t oplen;
		if ((*p == '|' || *p == '>') && !split_operator(p, &word, depth, &oplen)) {
			*rest_ret = p;
			break;
		}
		char quote = 0;
		for (; *p; p++) {
			if (quote) {
				if (*p == quote)
					quote = 0;
				else if (*p == '\\' && quote == '"' && p[1])
					strbuf_addch(&word, *++p);
				else
					strbuf_addch(&word, *p);
			} else if (*p == '\'' || *p == '"') {
				quote = *p;
			} else if (*p == '\\' && p[1]) {
				strbuf_addch(&word, *++p);
			} else if ((*p == '|' || *p == '>') && split_operator(p, &word, depth, &oplen)) {
				strbuf_add(&word, p, oplen);  // an operator of an expression (p, list)
				p += oplen - 1;
			} else if (isspace((unsigned char)*p) || *p == '|' || *p == '>') {
				break;
			} else {
				if (*p == '(' || *p == '[')
					depth++;
				else if ((*p == ')' || *p == ']') && depth > 0)
					depth--;
				strbuf_addch(&word, *p);
			}
		}
		if (quote) {
			strbuf_release(&word);
			word_vector_free(&argv);
			return vms_error_create(VMS_ERR_INVALID, "unterminated quote");
		}
		char *w = strbuf_detach(&word);
		if (!w || !word_vector_append(&argv, w)) {
			free(w);
			word_vector_free(&argv);
			return &vms_enomem;
		}
	}
	if (argv.size > INT_MAX - 1 || !word_vector_append(&argv, NULL)) {
		word_vector_free(&argv);
		return &vms_enomem;
	}
	size_t n;
	*argv_ret = word_vector_steal(&argv, &n);
	*argc_ret = (int)n - 1;
	return NULL;
}

void cli_print_error(struct cli_ctx *ctx, const char *cmd, const struct vms_error *err)
{
	cli_flush(ctx);  // what the command wrote comes first
	if (ctx->json) {
		struct vms_value *v = value_object();
		struct vms_value *e = value_set(v, "error", value_object());
		if (cmd)
			value_set_str(e, "command", cmd);
		value_set_str(e, "code", vms_error_code_name(err->code));
		value_set_str(e, "message", err->message);
		if (err->has_address)
			value_set_hex(e, "address", err->address);
		struct strbuf sb = STRBUF_INIT;
		value_to_json(v, &sb);
		fprintf(ctx->out, "%s\n", sb.buf);
		fflush(ctx->out);
		strbuf_release(&sb);
		value_destroy(v);
	}
	fflush(stdout);
	if (cmd)
		fprintf(stderr, "vmsift: %s: %s\n", cmd, err->message);
	else
		fprintf(stderr, "vmsift: %s\n", err->message);
}

void cli_partial(struct cli_ctx *ctx, const char *fmt, ...)
{
	ctx->partial = true;
	if (ctx->partial_why) {
		ctx->partial_more++;
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&ctx->partial_why, fmt, ap) < 0)
		ctx->partial_why = NULL;
	va_end(ap);
}

/* A command that could not answer because the dump lacks the data gave a
 * partial answer (nothing); anything else is a failure. */
static int exit_for_error(const struct vms_error *err)
{
	return err->code == VMS_ERR_NODATA ? VMS_EXIT_PARTIAL : VMS_EXIT_FAILED;
}

/*
 * The end of a command's output: write out what is buffered.  A closed pipe
 * ends the command quietly (its cancellation is no error); a write error or
 * lost output fails it.  Returns the command's error, possibly replaced.
 */
VMS_MUST_CHECK static struct vms_error *finish_output(struct cli_ctx *ctx, struct vms_error *err)
{
	struct rec_sink *s = &ctx->sink;
	rec_sink_flush(s);
	if (s->closed) {
		if (err && err->code == VMS_ERR_CANCELLED) {
			vms_error_destroy(err);
			err = NULL;
		}
		program_cancel_clear();
	} else if (s->error && (!err || err->code == VMS_ERR_CANCELLED)) {
		// the command was stopped because its output failed
		vms_error_destroy(err);
		err = vms_error_errno(s->error, "writing the output");
		program_cancel_clear();
	} else if (!err && (ctx->out_nomem || strbuf_failed(&s->buf))) {
		err = vms_error_create(VMS_ERR_NOMEM, "out of memory writing the output");
	}
	rec_sink_deinit(s);  // the next command starts afresh
	rec_sink_init(s, ctx->out);
	return err;
}

/* Run one command (argv) with output to ctx->out. */
static int run_command(struct cli_ctx *ctx, int argc, char **argv)
{
	const struct cli_command *cmd = cli_find_command(argv[0]);
	if (!cmd) {
		struct vms_error e = { .code = VMS_ERR_LOOKUP };
		char msg[300];
		snprintf(msg, sizeof(msg), "unknown command '%.200s' (try 'help')", argv[0]);
		e.message = msg;
		cli_print_error(ctx, NULL, &e);
		return VMS_EXIT_USAGE;
	}
	if (cmd->needs_program && !ctx->prog) {
		struct vms_error e = { .code = VMS_ERR_INVALID, .message = (char *)"no dump is open" };
		cli_print_error(ctx, cmd->name, &e);
		return VMS_EXIT_FAILED;
	}
	// -j anywhere among the options switches this command to JSON.
	bool saved_json = ctx->json;
	int n = 0;
	for (int i = 0; i < argc; i++) {
		if (i > 0 && (strcmp(argv[i], "-j") == 0 || strcmp(argv[i], "--json") == 0)) {
			ctx->json = true;
			free(argv[i]);
			continue;
		}
		argv[n++] = argv[i];
	}
	argv[n] = NULL;
	ctx->partial = false;
	free(ctx->partial_why);
	ctx->partial_why = NULL;
	ctx->partial_more = 0;
	ctx->records = 0;
	ctx->command = cmd;
	ctx->out_nomem = false;
	cli_out(ctx);
	program_cancel_clear();
	// VMSIFT_TIME: the command's own wall time on stderr, its output
	// written (start-up and the opening of the dump excluded), for
	// benchmarks.
	bool timing = getenv("VMSIFT_TIME") != NULL;
	double t0 = timing ? vms_now() : 0;
	struct vms_error *err = cmd->run(ctx, n, argv);
	err = finish_output(ctx, err);
	if (timing)
		fprintf(stderr, "vmsift: time: %s: %.3f ms\n", cmd->name, (vms_now() - t0) * 1e3);
	// argv entries past n were freed above; keep argc consistent for caller
	for (int i = n; i < argc; i++)
		argv[i] = NULL;
	int status = VMS_EXIT_OK;
	if (err) {
		cli_print_error(ctx, cmd->name, err);
		status = exit_for_error(err);
		vms_error_destroy(err);
	} else if (ctx->partial) {
		status = VMS_EXIT_PARTIAL;
		fflush(ctx->out);
		fflush(stdout);
		if (ctx->partial_more)
			fprintf(stderr, "vmsift: %s: partial answer: %s (and %u more)\n", cmd->name,
				ctx->partial_why ? ctx->partial_why : "some data could not be read",
				ctx->partial_more);
		else
			fprintf(stderr, "vmsift: %s: partial answer: %s\n", cmd->name,
				ctx->partial_why ? ctx->partial_why : "some data could not be read");
	}
	free(ctx->partial_why);
	ctx->partial_why = NULL;
	ctx->json = saved_json;
	return status;
}

/* Run one command line (may carry `| shell` or `> file`).  Errors are
 * printed to stderr as "vmsift: CMD: message" (or a JSON error object in
 * JSON mode) and reflected in the return: VMS_EXIT_*. */
static int cli_run_line(struct cli_ctx *ctx, const char *line)
{
	int argc;
	char **argv;
	const char *rest;
	struct vms_error *err = cli_split(line, &argc, &argv, &rest);
	if (err) {
		cli_print_error(ctx, NULL, err);
		vms_error_destroy(err);
		return VMS_EXIT_USAGE;
	}
	if (argc == 0) {
		cli_free_argv(argc, argv);
		if (rest) {
			fprintf(stderr, "vmsift: missing command before '%c'\n", *rest);
			return VMS_EXIT_USAGE;
		}
		return VMS_EXIT_OK;
	}
	FILE *saved = ctx->out;
	FILE *redirect = NULL;
	bool is_pipe = false;
	if (rest && ctx->sandbox) {
		fprintf(stderr, "vmsift: no pipes or redirections here\n");
		cli_free_argv(argc, argv);
		return VMS_EXIT_USAGE;
	}
	if (rest) {
		const char *target = rest + 1;
		const char *mode = "w";
		if (*rest == '>' && rest[1] == '>') {
			target++;
			mode = "a";
		}
		while (isspace((unsigned char)*target))
			target++;
		if (!*target) {
			fprintf(stderr, "vmsift: missing %s after '%c'\n",
				*rest == '|' ? "command" : "file name", *rest);
			cli_free_argv(argc, argv);
			return VMS_EXIT_USAGE;
		}
		fflush(stdout);
		if (*rest == '|') {
			redirect = popen(target, "w");
			is_pipe = true;
		} else {
			// trailing spaces are not part of the name
			char name[4096];
			snprintf(name, sizeof(name), "%s", target);
			for (size_t l = strlen(name); l && isspace((unsigned char)name[l - 1]); l--)
				name[l - 1] = '\0';
			redirect = fopen(name, mode);
		}
		if (!redirect) {
			fprintf(stderr, "vmsift: cannot %s '%s': %s\n",
				is_pipe ? "run" : "open", target, strerror(errno));
			cli_free_argv(argc, argv);
			return VMS_EXIT_FAILED;
		}
		ctx->out = redirect;
	}
	// A closed pipe reader must not kill us.
	void (*old_pipe)(int) = is_pipe ? signal(SIGPIPE, SIG_IGN) : NULL;
	int status = run_command(ctx, argc, argv);
	if (redirect) {
		if (is_pipe) {
			pclose(redirect);
			signal(SIGPIPE, old_pipe);
		} else {
			fclose(redirect);
		}
		ctx->out = saved;
	}
	cli_free_argv(argc, argv);
	return status;
}

static int worse(int a, int b)
{
	// usage > nodump > failed > partial > ok, for the process status
	static const int rank[] = { [VMS_EXIT_OK] = 0, [VMS_EXIT_PARTIAL] = 1,
				    [VMS_EXIT_FAILED] = 2, [VMS_EXIT_NODUMP] = 3,
				    [VMS_EXIT_USAGE] = 4 };
	return rank[b] > rank[a] ? b : a;
}

/* Split @text at ';' and newlines outside quotes and run each piece. */
int cli_run_script(struct cli_ctx *ctx, const char *text)
{
	int status = VMS_EXIT_OK;
	struct strbuf cmd = STRBUF_INIT;
	char quote = 0;
	bool comment = false;
	for (const char *p = text;; p++) {
		char c = *p;
		if (comment && c != '\n' && c)
			continue;
		comment = false;
		if (!c || (!quote && (c == ';' || c == '\n'))) {
			status = worse(status, cli_run_line(ctx, cmd.buf));
			strbuf_reset(&cmd);
			if (!c || ctx->quit)
				break;
			continue;
		}
		if (quote) {
			if (c == quote)
				quote = 0;
		} else if (c == '\'' || c == '"') {
			quote = c;
		} else if (c == '#' && (cmd.len == 0 || isspace((unsigned char)cmd.buf[cmd.len - 1]))) {
			comment = true;
			continue;
		}
		strbuf_addch(&cmd, c);
	}
	strbuf_release(&cmd);
	return status;
}

int cli_run_stream(struct cli_ctx *ctx, FILE *in)
{
	int status = VMS_EXIT_OK;
	char *line = NULL;
	size_t cap = 0;
	while (!ctx->quit && getline(&line, &cap, in) >= 0)
		status = worse(status, cli_run_script(ctx, line));
	free(line);
	return status;
}
