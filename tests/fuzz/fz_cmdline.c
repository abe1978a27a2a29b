// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Command lines (cli/run.c, every command's option parsing): the input is
 * a script as given to -e, -f or the prompt (';' and newlines separate
 * commands, quotes, comments), run over the harness program with output to
 * /dev/null, in the sandbox (no pipes, redirections, files or plugins).
 * A script is cut short after 2 s of CPU time (SIGVTALRM cancels the running
 * command the way Ctrl-C does and ends the script), so a slow command does
 * not read as a hang; a command that ignores cancellation still does.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "cli/cli.h"
#include "fuzz.h"

static FILE *devnull;

static struct cli_ctx *running;

/* 2 s of CPU time: the running command is cancelled, the script ends. */
static void on_vtalrm(int sig)
{
	(void)sig;
	program_cancel_request();
	if (running)
		running->quit = true;
}

static int init(void)
{
	devnull = fopen("/dev/null", "w");
	signal(SIGVTALRM, on_vtalrm);
	if (!devnull || !fz_program())
		return -1;
	// the first lookups build the DWARF index: not in the first input's time
	struct cli_ctx ctx = {.prog = fz_program(), .out = devnull, .sandbox = true};
	FILE *saved = stderr;
	stderr = devnull;
	(void)cli_run_script(&ctx, "ps; sys; p init_task.comm");
	stderr = saved;
	return 0;
}

static void one(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return;
	char *text = malloc(size + 1);
	if (!text)
		return;
	memcpy(text, data, size);
	text[size] = 0;
	struct cli_ctx ctx = {.prog = fz_program(), .out = devnull, .sandbox = true};
	// (cli_split() alone, as the REPL's completion uses it)
	int argc;
	char **argv;
	const char *rest;
	struct vms_error *err = cli_split(text, &argc, &argv, &rest);
	if (!err)
		cli_free_argv(argc, argv);
	fz_check_error(err);
	FILE *saved = stderr;
	stderr = devnull; // commands say what failed on stderr
	struct itimerval cpu = {.it_interval = {0, 100000}, .it_value = {2, 0}};
	running = &ctx;
	setitimer(ITIMER_VIRTUAL, &cpu, NULL);
	(void)cli_run_script(&ctx, text);
	memset(&cpu, 0, sizeof(cpu));
	setitimer(ITIMER_VIRTUAL, &cpu, NULL);
	running = NULL;
	program_cancel_clear();
	stderr = saved;
	free(text);
}

static int seeds(const char *dir)
{
	static const char *const lines[] = {
		"sys", "ps", "ps -j", "help; help page", "sym init_task", "sym 0xffffffff80000000",
		"whatis struct task_struct", "ptype struct page", "struct task_struct &init_task",
		"p init_task.comm", "rd -p 0x1000 64", "rd &init_task 16", "vtop 0xffffffff80003000",
		"page 3", "pages --max 5", "pagestat", "list &init_task.tasks -s task_struct.tasks -m pid",
		"tree -t xarray &swapper_space", "log -n 3", "meminfo", "vm 1", "rmap 3", "anonvma 0",
		"report --only system", "p 1; p 2 # comment\np 'x;y'", "quit",
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		char name[16];
		snprintf(name, sizeof(name), "line-%02zu", i);
		if (fz_write_seed(dir, name, lines[i], strlen(lines[i])))
			return -1;
	}
	return 0;
}

const struct fuzz_target fz_cmdline = {"cmdline", "command lines and scripts of the command layer", init, one, seeds};
