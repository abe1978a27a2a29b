// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * mkdoc: the vmsift(1) manual page and the bash completion, made at build
 * time from the program's own tables -- the command table (the words of
 * `help CMD`), the option tables and the exit statuses -- so that neither
 * can drift from what vmsift accepts and says.
 *
 *   mkdoc man TRIAGE.md VERSION DATE   the manual page (roff) on stdout; its
 *                                      EXAMPLES are the recipes of TRIAGE.md
 *   mkdoc bash-completion TEMPLATE     the bash completion script on stdout:
 *                                      TEMPLATE with the commands and options
 *
 * tests/manpage.sh checks the rendered page against `help CMD`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "cli/cli.h"

/* ---- roff ---- */

/* Write @n bytes of @s as roff text: every character that roff or the
 * terminal would change is escaped, so the page shows the same bytes. */
static void roff_text(FILE *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '\\': fputs("\\e", out); break;
		case '-': fputs("\\-", out); break;
		case '\'': fputs("\\(aq", out); break;
		case '`': fputs("\\(ga", out); break;
		case '"': fputs("\\(dq", out); break;
		case '^': fputs("\\(ha", out); break;
		case '~': fputs("\\(ti", out); break;
		default: fputc(s[i], out);
		}
	}
}

/* One input line of text (a leading '.' or '\'' would be a request). */
static void roff_line(FILE *out, const char *s, size_t n)
{
	if (n && (s[0] == '.' || s[0] == '\''))
		fputs("\\&", out);
	roff_text(out, s, n);
	fputc('\n', out);
}

static void roff_str(FILE *out, const char *s)
{
	roff_line(out, s, strlen(s));
}

/* Lines of @s (no trailing newline) as text lines. */
static void roff_lines(FILE *out, const char *s)
{
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		roff_line(out, s, n);
		s += n + (nl != NULL);
	}
}

static void roff_bold(FILE *out, const char *s)
{
	fputs("\\fB", out);
	roff_text(out, s, strlen(s));
	fputs("\\fR", out);
}

static void roff_italic(FILE *out, const char *s)
{
	fputs("\\fI", out);
	roff_text(out, s, strlen(s));
	fputs("\\fR", out);
}

/* A tagged paragraph for one command-line option: -e, --execute CMDS. */
static void roff_option(FILE *out, const struct cli_option *o)
{
	fputs(".TP\n", out);
	if (o->short_name) {
		char s[3] = { '-', o->short_name, '\0' };
		roff_bold(out, s);
		if (o->long_name)
			fputs(", ", out);
	}
	if (o->long_name) {
		char l[64];
		snprintf(l, sizeof(l), "--%s", o->long_name);
		roff_bold(out, l);
	}
	if (o->arg) {
		fputc(' ', out);
		roff_italic(out, o->arg);
	}
	fputc('\n', out);
	roff_str(out, o->help);
}

/* ---- help text ---- */

static size_t indent_of(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] == ' ')
		i++;
	return i;
}

/* "  -n N      only the last N records": an option row of a help text. */
static bool is_option_row(const char *s, size_t n)
{
	size_t in = indent_of(s, n);
	return in >= 1 && in <= 4 && in + 1 < n && s[in] == '-';
}

enum block { B_NONE, B_PROSE, B_TAGGED, B_LITERAL };

static void close_literal(FILE *out, enum block *b)
{
	if (*b == B_LITERAL)
		fputs(".fi\n.RE\n", out);
	*b = B_NONE;
}

static void start_literal(FILE *out, enum block *b)
{
	if (*b == B_LITERAL)
		return;
	fputs(".PP\n.RS 4\n.nf\n", out);
	*b = B_LITERAL;
}

/*
 * A command's help text as roff.  The words stay exactly those of `help CMD`;
 * only the layout is the page's: prose lines are filled into paragraphs,
 * option rows ("  -x ARG   what it does" and their indented continuation
 * lines) become tagged paragraphs, and other indented lines, and the text
 * after "Examples:", stay as they are.
 */
static void roff_help(FILE *out, const char *help)
{
	enum block b = B_NONE;
	const char *s = help;
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		size_t in = indent_of(s, n);
		if (in == n) {
			// an empty line ends a paragraph
			close_literal(out, &b);
		} else if (is_option_row(s, n)) {
			close_literal(out, &b);
			const char *gap = strstr(s + in, "  ");
			size_t tag = gap && gap < s + n ? (size_t)(gap - (s + in)) : n - in;
			fputs(".TP\n\\fB", out);
			roff_text(out, s + in, tag);
			fputs("\\fR\n", out);
			size_t d = in + tag + indent_of(s + in + tag, n - in - tag);
			if (d < n)
				roff_line(out, s + d, n - d);
			b = B_TAGGED;
		} else if (in > 0 && b == B_TAGGED && in >= 6) {
			roff_line(out, s + in, n - in);  // an option row goes on
		} else if (in > 0) {
			start_literal(out, &b);
			roff_line(out, s + in, n - in);
		} else if (strncmp(s, "Examples:", 9) == 0 || strncmp(s, "Example:", 8) == 0) {
			size_t k = s[7] == ':' ? 8 : 9;
			close_literal(out, &b);
			fputs(".PP\n", out);
			roff_line(out, s, k);
			size_t r = k + indent_of(s + k, n - k);
			if (r < n) {
				start_literal(out, &b);
				roff_line(out, s + r, n - r);
			}
		} else {
			if (b != B_PROSE) {
				close_literal(out, &b);
				fputs(".PP\n", out);
			}
			b = B_PROSE;
			roff_line(out, s, n);
		}
		s += n + (nl != NULL);
	}
	close_literal(out, &b);
}

/* ---- the page ---- */

/* The recipes of doc/triage.md: each "## N. Title" with its ```sh blocks. */
static int roff_examples(FILE *out, const char *path)
{
	FILE *in = fopen(path, "r");
	if (!in) {
		perror(path);
		return -1;
	}
	char line[4096];
	bool code = false;
	unsigned recipes = 0;
	while (fgets(line, sizeof(line), in)) {
		size_t n = strcspn(line, "\n");
		line[n] = '\0';
		if (code) {
			if (strncmp(line, "```", 3) == 0) {
				fputs(".fi\n.RE\n", out);
				code = false;
			} else {
				roff_line(out, line, n);
			}
		} else if (strncmp(line, "## ", 3) == 0) {
			// a heading: its words without Markdown's backquotes
			char title[4096];
			size_t t = 0;
			for (size_t i = 3; i < n; i++)
				if (line[i] != '`')
					title[t++] = line[i];
			title[t] = '\0';
			fputs(".SS \"", out);
			roff_text(out, title, t);
			fputs("\"\n", out);
			recipes++;
		} else if (strncmp(line, "```sh", 5) == 0 && recipes) {
			fputs(".PP\n.RS 4\n.nf\n", out);
			code = true;
		}
	}
	fclose(in);
	if (!recipes || code) {
		fprintf(stderr, "mkdoc: %s: %s\n", path, recipes ? "a code block is not closed" : "no recipes");
		return -1;
	}
	return 0;
}

static void roff_command(FILE *out, const struct cli_command *c)
{
	fputs(".SS \"", out);
	roff_text(out, c->name, strlen(c->name));
	if (c->usage && *c->usage) {
		fputc(' ', out);
		roff_text(out, c->usage, strlen(c->usage));
	}
	fputs("\"\n", out);
	roff_str(out, c->summary);
	if (c->help)
		roff_help(out, c->help);
}

static int write_man(FILE *out, const char *triage, const char *version, const char *date)
{
	fprintf(out, ".\\\" Generated by doc/mkdoc from vmsift's command and option tables; do not edit.\n");
	fprintf(out, ".TH VMSIFT 1 \"%s\" \"vmsift %s\" \"User Commands\"\n", date, version);
	// no hyphenation, ragged right: words and options stay whole
	fputs(".nh\n.ad l\n", out);

	fputs(".SH NAME\nvmsift \\- post-mortem analyzer for Linux kernel memory\n", out);

	fputs(".SH SYNOPSIS\n", out);
	fputs(".B vmsift\n[\\fIOPTIONS\\fR] \\fIVMCORE\\fR [\\fIVMLINUX\\fR]\n.br\n", out);
	fputs(".B vmsift report\n\\fIVMCORE\\fR [\\fIVMLINUX\\fR] [\\fIREPORT-OPTIONS\\fR]\n", out);

	fputs(".SH DESCRIPTION\n", out);
	roff_lines(out, cli_description);
	fputs(".PP\n", out);
	roff_lines(out,
		   "VMCORE is a dump in any format libkdumpfile reads (ELF, including QEMU's\n"
		   "paging=false dumps; kdump-compressed with zlib, lzo, snappy or zstd;\n"
		   "makedumpfile-filtered), the flattened format of QEMU and makedumpfile -F\n"
		   "(read in place), or /proc/kcore of the running system.  VMLINUX is the\n"
		   "kernel's image with its DWARF debug info; a vmlinux whose build-id differs\n"
		   "from the dump's is refused unless --force is given.");
	fputs(".PP\n", out);
	roff_lines(out, cli_input_note);
	fputs(".PP\n", out);
	roff_lines(out,
		   "A dump is never written to.  A damaged or incomplete dump gives one clear\n"
		   "error line per command, what could not be read is counted, and the exit\n"
		   "status says when an answer was partial.");

	fputs(".SH OPTIONS\n", out);
	for (const struct cli_option *o = cli_main_options; o->help; o++)
		roff_option(out, o);

	fputs(".SS \"Report mode: vmsift report VMCORE [VMLINUX] [REPORT-OPTIONS]\"\n", out);
	roff_lines(out, cli_report_description);
	for (const struct cli_option *o = cli_report_options; o->help; o++)
		roff_option(out, o);

	fputs(".SH COMMANDS\n", out);
	roff_lines(out,
		   "Commands come from -e, -f, standard input or the prompt, separated by\n"
		   "newlines or ';'; '#' starts a comment.  Any command takes -j for JSON, and\n"
		   "can end in '| shell pipeline' or '> file'.  Numbers are decimal or 0x hex;\n"
		   "where an address is expected, SYMBOL[+OFFSET] works too.  At the prompt,\n"
		   "Tab completes commands, symbols and type names, and Ctrl-C stops a running\n"
		   "command.  'help' lists the commands and 'help COMMAND' prints the text of\n"
		   "its section below.");
	for (size_t i = 0; cli_commands[i]; i++)
		roff_command(out, cli_commands[i]);

	fputs(".SH \"EXIT STATUS\"\n", out);
	for (const struct cli_exit_status *e = cli_exit_statuses; e->meaning; e++) {
		fprintf(out, ".TP\n.B %d\n", e->code);
		roff_str(out, e->meaning);
	}
	fputs(".PP\nWith several commands, the status is that of the worst of them.\n", out);

	fputs(".SH ENVIRONMENT\n", out);
	static const struct { const char *name, *what; } env[] = {
		{ "VMSIFT_CACHE", "the cache directory (the debug-info index goes in its index/); empty: no cache" },
		{ "XDG_CACHE_HOME", "without VMSIFT_CACHE, the cache is $XDG_CACHE_HOME/vmsift" },
		{ "VMSIFT_SYSROOT", "a directory prefixed to every place VMLINUX is looked for" },
		{ "VMSIFT_PLUGIN_DIR", "the plugin directory, instead of the installed one" },
		{ "VMSIFT_HISTORY", "the prompt's history file, instead of ~/.vmsift_history" },
		{ "VMSIFT_INDEX_THREADS", "threads that build the debug-info index (default: one per CPU)" },
		{ "VMSIFT_TIME", "when set, each command's wall time is written to standard error" },
	};
	for (size_t i = 0; i < sizeof(env) / sizeof(env[0]); i++) {
		fputs(".TP\n", out);
		roff_bold(out, env[i].name);
		fputc('\n', out);
		roff_str(out, env[i].what);
	}

	fputs(".SH FILES\n", out);
	// a NULL meaning: the path shares the meaning of the paths after it
	static const struct { const char *path, *what; } files[] = {
		{ "~/.cache/vmsift/index/",
		  "the name index and lookup memo of each vmlinux, by build-id: made on first use, "
		  "then reused (see VMSIFT_CACHE)" },
		{ "~/.vmsift_history", "the prompt's history" },
		{ "/usr/lib/debug/boot/vmlinux-RELEASE", NULL },
		{ "/usr/lib/debug/lib/modules/RELEASE/vmlinux", NULL },
		{ "/usr/lib/debug/.build-id/NN/REST.debug", NULL },
		{ "/boot/vmlinux-RELEASE", NULL },
		{ "/lib/modules/RELEASE/build/vmlinux",
		  "where VMLINUX is looked for when it is not given, in this order, with the "
		  "dump's release and build-id; a file whose build-id differs is passed over" },
		{ VMS_PLUGINDIR, "plugins loaded by name (plugin load NAME, --plugin NAME)" },
	};
	bool group = false;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		fputs(group ? ".TQ\n" : ".TP\n", out);
		roff_italic(out, files[i].path);
		fputc('\n', out);
		group = !files[i].what;
		if (files[i].what)
			roff_str(out, files[i].what);
	}

	fputs(".SH EXAMPLES\n", out);
	fputs("A session: open a dump, then ask.\n.PP\n.RS 4\n.nf\n", out);
	roff_lines(out, "$ vmsift vmcore vmlinux\n"
			"vmsift> sys\n"
			"vmsift> ps | grep systemd\n"
			"vmsift> page 0x34a1\n"
			"vmsift> rmap 0x34a1\n"
			"vmsift> p init_uts_ns.name.release\n");
	fputs(".fi\n.RE\n.PP\nRecipes for scripts, from the triage notes shipped in the "
	      "documentation (triage.md):\n", out);
	if (roff_examples(out, triage))
		return -1;

	fputs(".SH \"SEE ALSO\"\n", out);
	fputs(".BR vmsift\\-plugin (7),\n.BR crash (8),\n.BR makedumpfile (8)\n", out);
	fputs(".PP\nThe JSON output is described in json.md, the report's in report-schema.json, "
	      "and the design in design.md, in\n", out);
	roff_italic(out, VMS_DOCDIR);
	fputs(".\n", out);
	return ferror(out) ? -1 : 0;
}

/* ---- bash completion ---- */

/* The words of the options in @opts ("-e --execute ..."), separated by
 * @sep; only those whose argument is named @arg when @arg is given. */
static void option_words(struct strbuf *sb, const struct cli_option *opts, const char *arg,
			 const char *sep)
{
	size_t start = sb->len;
	for (const struct cli_option *o = opts; o->help; o++) {
		if (arg && (!o->arg || strcmp(o->arg, arg) != 0))
			continue;
		if (o->short_name)
			strbuf_addf(sb, "%s-%c", sb->len > start ? sep : "", o->short_name);
		if (o->long_name)
			strbuf_addf(sb, "%s--%s", sb->len > start ? sep : "", o->long_name);
	}
}

/* An option argument the completion template has no case for is an error
 * here, at build time, not a silent file completion later. */
static bool arguments_known(const struct cli_option *opts, const char *const *known)
{
	for (const struct cli_option *o = opts; o->help; o++) {
		if (!o->arg)
			continue;
		size_t i = 0;
		while (known[i] && strcmp(known[i], o->arg) != 0)
			i++;
		if (!known[i]) {
			fprintf(stderr, "mkdoc: the completion has no case for %s of --%s\n", o->arg,
				o->long_name);
			return false;
		}
	}
	return true;
}

/* The completion script: @template with its @NAME@ words filled in. */
static int write_completion(FILE *out, const char *template)
{
	static const char *const main_args[] = { "CMDS", "FILE", "PATH", "SECONDS", "DIR", NULL };
	static const char *const report_args[] = { "DIR", "SECTIONS", NULL };
	if (!arguments_known(cli_main_options, main_args) ||
	    !arguments_known(cli_report_options, report_args))
		return -1;
	struct { const char *name; struct strbuf sb; } words[] = {
		{ "@COMMANDS@", STRBUF_INIT },
		{ "@OPTIONS@", STRBUF_INIT },
		{ "@CMDS_OPTIONS@", STRBUF_INIT },
		{ "@FILE_OPTIONS@", STRBUF_INIT },
		{ "@PLUGIN_OPTIONS@", STRBUF_INIT },
		{ "@REPORT_OPTIONS@", STRBUF_INIT },
		{ "@REPORT_DIR_OPTIONS@", STRBUF_INIT },
		{ "@REPORT_SECTIONS_OPTIONS@", STRBUF_INIT },
		{ "@SECONDS_OPTIONS@", STRBUF_INIT },
		{ "@DIR_OPTIONS@", STRBUF_INIT },
	};
	for (size_t i = 0; cli_commands[i]; i++)
		strbuf_addf(&words[0].sb, "%s%s", i ? " " : "", cli_commands[i]->name);
	option_words(&words[1].sb, cli_main_options, NULL, " ");
	option_words(&words[2].sb, cli_main_options, "CMDS", "|");
	option_words(&words[3].sb, cli_main_options, "FILE", "|");
	option_words(&words[4].sb, cli_main_options, "PATH", "|");
	option_words(&words[5].sb, cli_report_options, NULL, " ");
	option_words(&words[6].sb, cli_report_options, "DIR", "|");
	option_words(&words[7].sb, cli_report_options, "SECTIONS", "|");
	option_words(&words[8].sb, cli_main_options, "SECONDS", "|");
	option_words(&words[9].sb, cli_main_options, "DIR", "|");
	const size_t nwords = sizeof(words) / sizeof(words[0]);

	int rc = 0;
	FILE *in = fopen(template, "r");
	if (!in) {
		perror(template);
		rc = -1;
	}
	char line[4096];
	while (!rc && fgets(line, sizeof(line), in)) {
		const char *s = line;
		const char *at;
		while ((at = strchr(s, '@'))) {
			size_t i = 0;
			while (i < nwords && strncmp(at, words[i].name, strlen(words[i].name)) != 0)
				i++;
			if (i == nwords) {
				fwrite(s, 1, (size_t)(at - s) + 1, out);
				s = at + 1;
				continue;
			}
			if (!words[i].sb.len) {
				fprintf(stderr, "mkdoc: %s: nothing to put for %s\n", template, words[i].name);
				rc = -1;
			}
			fwrite(s, 1, (size_t)(at - s), out);
			fputs(words[i].sb.buf, out);
			s = at + strlen(words[i].name);
		}
		fputs(s, out);
	}
	if (in)
		fclose(in);
	for (size_t i = 0; i < nwords; i++)
		strbuf_release(&words[i].sb);
	return rc || ferror(out) ? -1 : 0;
}

int main(int argc, char **argv)
{
	int rc;
	if (argc == 5 && strcmp(argv[1], "man") == 0) {
		rc = write_man(stdout, argv[2], argv[3], argv[4]);
	} else if (argc == 3 && strcmp(argv[1], "bash-completion") == 0) {
		rc = write_completion(stdout, argv[2]);
	} else {
		fprintf(stderr, "usage: mkdoc man TRIAGE.md VERSION DATE | mkdoc bash-completion TEMPLATE\n");
		return 2;
	}
	if (fflush(stdout) != 0)
		rc = -1;
	return rc ? 1 : 0;
}
