// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * vmsift: post-mortem analysis of Linux kernel memory.
 * Option parsing, opening the program, and choosing the front end:
 * REPL, -e commands, -f script, or commands on standard input.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "plugin/plugin.h"
#include "program/program.h"

static void print_options(FILE *fp, const struct cli_option *opts)
{
	for (const struct cli_option *o = opts; o->help; o++) {
		char head[64];
		snprintf(head, sizeof(head), "%c%c%s%s%s%s%s", o->short_name ? '-' : ' ',
			 o->short_name ? o->short_name : ' ', o->short_name && o->long_name ? ", " : "  ",
			 o->long_name ? "--" : "", o->long_name ? o->long_name : "", o->arg ? " " : "",
			 o->arg ? o->arg : "");
		fprintf(fp, "  %-22s%s\n", head, o->help);
	}
}

static void usage(FILE *fp)
{
	fprintf(fp, "usage: %s\n       %s\n\n%s\n\n", cli_synopsis, cli_report_synopsis, cli_description);
	print_options(fp, cli_main_options);
	fprintf(fp, "\n%s\n\nExit status:\n", cli_input_note);
	for (const struct cli_exit_status *e = cli_exit_statuses; e->meaning; e++)
		fprintf(fp, "  %d  %s\n", e->code, e->meaning);
}

enum { MAX_OPTIONS = 32 };

/* getopt_long's tables from @opts: @longopts has room for MAX_OPTIONS and
 * the terminator, @optstring for 3 * MAX_OPTIONS + 3 bytes.  @files_in_order:
 * hand each non-option over in order as option 1 (a leading '-'), so that
 * options may come anywhere whatever POSIXLY_CORRECT says. */
static void getopt_tables(const struct cli_option *opts, bool files_in_order, struct option *longopts,
			  char *optstring)
{
	char *p = optstring;
	if (files_in_order)
		*p++ = '-';
	*p++ = ':';  // a missing argument returns ':'
	for (const struct cli_option *o = opts; o->help && o - opts < MAX_OPTIONS; o++) {
		if (o->long_name)
			*longopts++ = (struct option){ o->long_name, o->arg ? required_argument : no_argument,
						       NULL, o->key };
		if (o->short_name) {
			*p++ = o->short_name;
			if (o->arg)
				*p++ = ':';
		}
	}
	*longopts = (struct option){ 0 };
	*p = '\0';
}

static char *read_file(const char *path)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!fp)
		return NULL;
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(&sb, buf, n);
	if (fp != stdin)
		fclose(fp);
	char *text = strbuf_detach(&sb);
	if (!text)
		errno = ENOMEM;
	return text;
}

/*
 * vmsift report VMCORE [VMLINUX] [-o DIR] [--json] [--html] [--force]: the
 * batch report of a kdump service.  Options may come before or after the
 * files.  Exit status as for commands: 0 ok, 1 failed, 2 usage, 3 the dump
 * cannot be opened, 4 a section failed or was partial.
 */
static int main_report(int argc, char **argv)
{
	struct option longopts[MAX_OPTIONS + 1];
	char optstring[3 * MAX_OPTIONS + 3];
	getopt_tables(cli_report_options, false, longopts, optstring);
	const char *dir = NULL, *only = NULL;
	bool json = false, html = false;
	struct vms_program_options opts = { 0 };
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		switch (c) {
		case 'o': dir = optarg; break;
		case 'j': json = true; break;
		case 'H': html = true; break;
		case 'F': opts.force = true; break;
		case 'B': opts.btf = true; break;
		case 'D':
			if (opts.ndebug_dirs < PROGRAM_MAX_DEBUG_DIRS)
				opts.debug_dirs[opts.ndebug_dirs++] = optarg;
			break;
		case 'O': only = optarg; break;
		case 'h':
			printf("usage: %s\n%s\n\n", cli_report_synopsis, cli_report_description);
			print_options(stdout, cli_report_options);
			return VMS_EXIT_OK;
		case ':':
			fprintf(stderr, "vmsift: report: option '%s' needs an argument\n", argv[optind - 1]);
			return VMS_EXIT_USAGE;
		default:
			fprintf(stderr, "vmsift: report: unknown option '%s' (try 'vmsift report --help')\n",
				argv[optind - 1]);
			return VMS_EXIT_USAGE;
		}
	}
	if (optind >= argc || argc - optind > 2) {
		fprintf(stderr, "vmsift: usage: %s\n", cli_report_synopsis);
		return VMS_EXIT_USAGE;
	}
	if (html && !dir) {
		fprintf(stderr, "vmsift: report: --html needs -o DIR\n");
		return VMS_EXIT_USAGE;
	}
	opts.vmlinux = optind + 1 < argc ? argv[optind + 1] : NULL;
	struct vms_program *prog;
	struct vms_error *err = program_open(argv[optind], &opts, &prog);
	if (err) {
		fprintf(stderr, "vmsift: %s\n", err->message);
		vms_error_destroy(err);
		return VMS_EXIT_NODUMP;
	}
	for (size_t i = 0; i < program_warning_count(prog); i++)
		fprintf(stderr, "vmsift: warning: %s\n", program_warning(prog, i));
	const struct cli_command *cmd = cli_find_command("report");
	char *args[8];
	int n = 0;
	args[n++] = (char *)"report";
	if (dir) {
		args[n++] = (char *)"-o";
		args[n++] = (char *)dir;
	}
	if (html)
		args[n++] = (char *)"--html";
	if (only) {
		args[n++] = (char *)"--only";
		args[n++] = (char *)only;
	}
	args[n] = NULL;
	struct cli_ctx ctx = { .prog = prog, .out = stdout, .json = json, .progress_after = 1.0 };
	int status = VMS_EXIT_OK;
	err = cmd->run(&ctx, n, args);
	cli_flush(&ctx);
	rec_sink_deinit(&ctx.sink);
	free(ctx.partial_why);  // (the report's sections say what they lack)
	if (err) {
		cli_print_error(&ctx, "report", err);
		vms_error_destroy(err);
		status = VMS_EXIT_FAILED;
	} else if (ctx.partial) {
		status = VMS_EXIT_PARTIAL;
	}
	fflush(stdout);
	program_destroy(prog);
	return status;
}

/* What main's options say. */
struct main_options {
	struct strbuf script;  // the commands of -e and -f
	bool have_script, json, quiet;
	double progress_after;
	struct vms_program_options opts;
	const char *dump_path;
};

/* Parse the command line into @o (script initialized by the caller).
 * Returns -1 to go on, else the exit status to leave with. */
static int parse_options(int argc, char **argv, struct main_options *o)
{
	struct option longopts[MAX_OPTIONS + 1];
	char optstring[3 * MAX_OPTIONS + 3];
	getopt_tables(cli_main_options, true, longopts, optstring);
	int c;
	opterr = 0;  // we say what is wrong ourselves, in one line
	// Options anywhere (GNU permutation, as crash takes them): "vmsift
	// VMCORE -e sys" and "vmsift VMCORE VMLINUX --json -e ps"; "--" ends
	// them.
	const char *files[2];
	int nfiles = 0;
	const char *extra = NULL;
	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		switch (c) {
		case 'e':
			strbuf_addstr(&o->script, optarg);
			strbuf_addch(&o->script, '\n');
			o->have_script = true;
			break;
		case 'f': {
			char *text = read_file(optarg);
			if (!text) {
				fprintf(stderr, "vmsift: cannot read '%s': %s\n", optarg, strerror(errno));
				return VMS_EXIT_USAGE;
			}
			strbuf_addstr(&o->script, text);
			strbuf_addch(&o->script, '\n');
			free(text);
			o->have_script = true;
			break;
		}
		case 'j':
			o->json = true;
			break;
		case 'F':
			o->opts.force = true;
			break;
		case 'B':
			o->opts.btf = true;
			break;
		case 'D':
			if (o->opts.ndebug_dirs < PROGRAM_MAX_DEBUG_DIRS)
				o->opts.debug_dirs[o->opts.ndebug_dirs++] = optarg;
			break;
		case 'P': {
			struct vms_error *perr = plugin_load(optarg);
			if (perr) {
				fprintf(stderr, "vmsift: %s\n", perr->message);
				vms_error_destroy(perr);
				return VMS_EXIT_USAGE;
			}
			break;
		}
		case 'A': {
			char *end;
			o->progress_after = strtod(optarg, &end);
			if (end == optarg || *end) {
				fprintf(stderr, "vmsift: --progress-after wants seconds, got '%s'\n", optarg);
				return VMS_EXIT_USAGE;
			}
			break;
		}
		case 1:  // a file name
			if (nfiles < 2)
				files[nfiles++] = optarg;
			else if (!extra)
				extra = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'V':
			printf("vmsift %s\n", PACKAGE_VERSION);
			return VMS_EXIT_OK;
		case 'h':
			usage(stdout);
			return VMS_EXIT_OK;
		case ':':
			fprintf(stderr, "vmsift: option '%s' needs an argument (try 'vmsift --help')\n",
				argv[optind - 1]);
			return VMS_EXIT_USAGE;
		default:
			fprintf(stderr, "vmsift: unknown option '%s' (try 'vmsift --help')\n",
				argv[optind - 1]);
			return VMS_EXIT_USAGE;
		}
	}
	// after "--", the rest are files
	for (; optind < argc; optind++) {
		if (nfiles < 2)
			files[nfiles++] = argv[optind];
		else if (!extra)
			extra = argv[optind];
	}
	if (!nfiles) {
		fprintf(stderr, "vmsift: no dump named (usage: vmsift [OPTIONS] VMCORE [VMLINUX]; try 'vmsift --help')\n");
		return VMS_EXIT_USAGE;
	}
	if (extra) {
		fprintf(stderr, "vmsift: too many arguments: '%s' (usage: vmsift [OPTIONS] VMCORE [VMLINUX])\n",
			extra);
		return VMS_EXIT_USAGE;
	}
	o->dump_path = files[0];
	o->opts.vmlinux = nfiles > 1 ? files[1] : NULL;
	return -1;
}

/* Parts of a plain ELF dump are read through a read-only mapping of the
 * file (dump_map(): page tables, BTF; every read under a page).  If the
 * file shrinks while vmsift runs, touching a page past its new end raises
 * SIGBUS: say so in one line and exit as for a dump that cannot be read,
 * instead of dying of the signal. */
static void on_sigbus(int sig)
{
	(void)sig;
	static const char msg[] = "vmsift: the dump file ended under a read of its mapping "
				  "(truncated or replaced while vmsift was reading it)\n";
	ssize_t n = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)n;
	_exit(VMS_EXIT_NODUMP);
}

int main(int argc, char **argv)
{
	struct sigaction bus = { .sa_handler = on_sigbus };
	sigemptyset(&bus.sa_mask);
	sigaction(SIGBUS, &bus, NULL);
	plugin_host_init(&cli_plugin_host);
	if (argc >= 2 && strcmp(argv[1], "report") == 0)
		return main_report(argc - 1, argv + 1);
	struct main_options o = { .script = STRBUF_INIT, .progress_after = 1.0 };
	int rc = parse_options(argc, argv, &o);
	if (rc >= 0) {
		strbuf_release(&o.script);
		return rc;
	}
	const char *dump_path = o.dump_path;
	struct vms_program *prog;
	struct vms_error *err = program_open(dump_path, &o.opts, &prog);
	if (err) {
		fprintf(stderr, "vmsift: %s\n", err->message);
		vms_error_destroy(err);
		strbuf_release(&o.script);
		return VMS_EXIT_NODUMP;
	}
	for (size_t i = 0; i < program_warning_count(prog); i++)
		fprintf(stderr, "vmsift: warning: %s\n", program_warning(prog, i));
	if (program_vmlinux_was_located(prog) && !o.quiet)
		fprintf(stderr, "vmsift: using %s\n", program_vmlinux_path(prog));
	if (program_is_btf(prog) && !o.quiet && !program_btf_was_fallback(prog))
		fprintf(stderr, "vmsift: types from BTF of %s, symbols from %s (no source lines, "
			"inline frames, locals or macros)\n", program_types_from(prog),
			program_symbols_from(prog));

	struct cli_ctx ctx = { .prog = prog, .out = stdout, .json = o.json,
			       .progress_after = o.progress_after };
	int status;
	if (o.have_script) {
		status = cli_run_script(&ctx, o.script.buf);
	} else if (!isatty(STDIN_FILENO)) {
		status = cli_run_stream(&ctx, stdin);
	} else {
		if (!o.quiet)
			fprintf(stderr, "vmsift %s: %s, linux %s (%s); type 'help'\n", PACKAGE_VERSION,
				dump_path, program_osrelease(prog) ? program_osrelease(prog) : "?",
				program_dump_format(prog));
		status = cli_repl(&ctx);
	}
	cli_flush(&ctx);
	rec_sink_deinit(&ctx.sink);
	strbuf_release(&o.script);
	program_destroy(prog);
	return status;
}
