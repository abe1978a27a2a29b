// SPDX-License-Identifier: GPL-3.0-or-later
/* The interactive loop: the only user of readline. */
#include "cli/cli.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "base/cleanup.h"
#include "base/vector.h"

static struct cli_ctx *repl_ctx;
static volatile sig_atomic_t at_prompt;

static void on_sigint(int sig)
{
	(void)sig;
	if (at_prompt) {
		// Abandon the line being typed, as a shell does.
		(void)!write(STDOUT_FILENO, "\n", 1);
		rl_on_new_line();
		rl_replace_line("", 0);
		rl_redisplay();
		return;
	}
	program_cancel_request();
}

static char *complete_command(const char *text, int state)
{
	static size_t i;
	static size_t len;
	if (!state) {
		i = 0;
		len = strlen(text);
	}
	while (cli_commands[i]) {
		const char *name = cli_commands[i++]->name;
		if (strncmp(name, text, len) == 0)
			return strdup(name);
	}
	return NULL;
}

static char *complete_symbol(const char *text, int state)
{
	static size_t i, n, len;
	struct vms_program *prog = repl_ctx->prog;
	if (!prog)
		return NULL;
	if (!state) {
		n = program_symbol_count(prog);
		len = strlen(text);
		// Names are sorted: binary search the first candidate.
		size_t lo = 0, hi = n;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			const char *s = program_symbol_name(prog, mid);
			if (strncmp(s, text, len) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		i = lo;
	}
	while (i < n) {
		const char *s = program_symbol_name(prog, i++);
		if (strncmp(s, text, len) != 0)
			return NULL;
		if (i >= 2 && strcmp(s, program_symbol_name(prog, i - 2)) == 0)
			continue;
		return strdup(s);
	}
	return NULL;
}

VMS_DEFINE_VECTOR(name_vector, char *);

/* Type names: gathered once per completion into a list. */
struct name_list {
	struct name_vector names;
	const char *prefix_word;  // "struct ", "union ", "enum " or ""
};

static struct name_list type_names;

static bool collect_name(const char *name, unsigned kind, void *arg)
{
	struct name_list *l = arg;
	if (l->names.size >= 5000)
		return false;
	char *copy = strdup(name);
	if (!copy || !name_vector_append(&l->names, copy)) {
		free(copy);
		return false;
	}
	return true;
}

static char *complete_type(const char *text, int state)
{
	static size_t i;
	if (!state)
		i = 0;
	while (i < type_names.names.size) {
		char *n = type_names.names.data[i++];
		if (i >= 2 && strcmp(n, type_names.names.data[i - 2]) == 0)
			continue;
		return strdup(n);
	}
	return NULL;
}

static void gather_types(const char *text, unsigned kinds)
{
	for (size_t i = 0; i < type_names.names.size; i++)
		free(type_names.names.data[i]);
	name_vector_clear(&type_names.names);
	if (!repl_ctx->prog)
		return;
	struct vms_error *err = program_names_with_prefix(repl_ctx->prog, text, kinds,
							  collect_name, &type_names);
	vms_error_destroy(err);
}

static char **complete(const char *text, int start, int end)
{
	(void)end;
	rl_attempted_completion_over = 1;
	// The first word is a command.  After struct/union/enum come tags of
	// that kind; the arguments of ptype, whatis and struct are type and
	// variable names; everything else completes to symbols.
	int i = 0;
	while (i < start && (rl_line_buffer[i] == ' ' || rl_line_buffer[i] == '\t'))
		i++;
	if (i == start)
		return rl_completion_matches(text, complete_command);
	char cmd[32] = "", prev[32] = "";
	sscanf(rl_line_buffer + i, "%31s", cmd);
	int p = start;
	while (p > 0 && (rl_line_buffer[p - 1] == ' ' || rl_line_buffer[p - 1] == '\t'))
		p--;
	int q = p;
	while (q > 0 && rl_line_buffer[q - 1] != ' ' && rl_line_buffer[q - 1] != '\t')
		q--;
	if (p - q < (int)sizeof(prev))
		snprintf(prev, sizeof(prev), "%.*s", p - q, rl_line_buffer + q);
	unsigned kinds = 0;
	if (strcmp(prev, "struct") == 0 && q > i)
		kinds = DEBUGINFO_NAME_STRUCT;
	else if (strcmp(prev, "union") == 0)
		kinds = DEBUGINFO_NAME_UNION;
	else if (strcmp(prev, "enum") == 0)
		kinds = DEBUGINFO_NAME_ENUM;
	else if (strcmp(cmd, "ptype") == 0 || strcmp(cmd, "whatis") == 0 ||
		 (strcmp(cmd, "struct") == 0 && q == start && q <= i + 7))
		kinds = DEBUGINFO_NAME_TYPEDEF | DEBUGINFO_NAME_STRUCT | DEBUGINFO_NAME_UNION |
			DEBUGINFO_NAME_BASE | DEBUGINFO_NAME_VARIABLE;
	if (kinds) {
		gather_types(text, kinds);
		return rl_completion_matches(text, complete_type);
	}
	return rl_completion_matches(text, complete_symbol);
}

static char *history_path(void)
{
	const char *h = getenv("VMSIFT_HISTORY");
	if (h)
		return strdup(h);
	const char *home = getenv("HOME");
	if (!home)
		return NULL;
	char *p;
	if (asprintf(&p, "%s/.vmsift_history", home) < 0)
		return NULL;
	return p;
}

int cli_repl(struct cli_ctx *ctx)
{
	repl_ctx = ctx;
	ctx->interactive = true;
	rl_readline_name = "vmsift";
	rl_attempted_completion_function = complete;
	_cleanup_free_ char *hist = history_path();
	// append_history() only appends to an existing file: create it.
	if (hist && read_history(hist) != 0)
		write_history(hist);
	struct sigaction sa = { .sa_handler = on_sigint };
	sigemptyset(&sa.sa_mask);
	struct sigaction old;
	sigaction(SIGINT, &sa, &old);
	int status = VMS_EXIT_OK;
	while (!ctx->quit) {
		at_prompt = 1;
		char *line = readline("vmsift> ");
		at_prompt = 0;
		if (!line) {
			fputc('\n', stdout);
			break;
		}
		if (*line) {
			add_history(line);
			if (hist)
				append_history(1, hist);
		}
		status = cli_run_script(ctx, line);
		free(line);
		if (program_cancelled())
			fprintf(stderr, "interrupted\n");
		program_cancel_clear();
	}
	if (hist)
		history_truncate_file(hist, 2000);
	sigaction(SIGINT, &old, NULL);
	return status == VMS_EXIT_USAGE ? VMS_EXIT_OK : VMS_EXIT_OK;
}
