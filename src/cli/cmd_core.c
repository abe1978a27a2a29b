// SPDX-License-Identifier: GPL-3.0-or-later
/* help, quit */
#include "cli/cli.h"

#include <string.h>

#include "plugin/plugin.h"

static void help_text(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out)
{
	const struct vms_value *cmds = value_get(v, "commands");
	if (cmds) {
		for (size_t i = 0; i < cmds->array.len; i++) {
			const struct vms_value *c = cmds->array.items[i];
			strbuf_addf(out, "  %-10s %s\n", value_get(c, "name")->s,
				    value_get(c, "summary")->s);
		}
		strbuf_addstr(out, "\nOutput: add '-j' for JSON, '| CMD' to pipe, '> FILE' to write a file.\n"
				   "Type 'help COMMAND' for details.\n");
		return;
	}
	strbuf_addf(out, "usage: %s %s\n\n%s\n", value_get(v, "name")->s,
		    value_get(v, "usage")->s, value_get(v, "summary")->s);
	const struct vms_value *h = value_get(v, "help");
	if (h && h->kind == VMS_VALUE_STRING)
		strbuf_addf(out, "\n%s\n", h->s);
}

static struct vms_value *describe(const struct cli_command *c)
{
	struct vms_value *o = value_object();
	value_set_str(o, "name", c->name);
	value_set_str(o, "usage", c->usage ? c->usage : "");
	value_set_str(o, "summary", c->summary);
	if (c->help)
		value_set_str(o, "help", c->help);
	return o;
}

static struct vms_error *cmd_help(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc > 1) {
		const struct cli_command *c = cli_find_command(argv[1]);
		if (!c)
			return vms_error_create(VMS_ERR_LOOKUP, "no command '%s'", argv[1]);
		cli_emit(ctx, describe(c), help_text);
		return NULL;
	}
	struct vms_value *v = value_object();
	struct vms_value *arr = value_set(v, "commands", value_array());
	for (size_t i = 0; cli_commands[i]; i++)
		value_push(arr, describe(cli_commands[i]));
	for (size_t i = 0; i < plugin_command_count(); i++)
		value_push(arr, describe(plugin_command(i)));
	cli_emit(ctx, v, help_text);
	return NULL;
}

static struct vms_error *cmd_quit(struct cli_ctx *ctx, int argc, char **argv)
{
	ctx->quit = true;
	return NULL;
}

const struct cli_command cli_cmd_help = {
	.name = "help",
	.usage = "[COMMAND]",
	.summary = "list commands, or describe one",
	.help = "Without COMMAND: every command (plugin commands included) with its summary.\n"
		"With COMMAND: its usage, summary and details.  '?' and 'h' are the same.\n"
		"The same words are in the vmsift(1) manual page.",
	.run = cmd_help,
};

const struct cli_command cli_cmd_quit = {
	.name = "quit",
	.usage = "",
	.summary = "leave vmsift (also: exit, q)",
	.help = "Ends the prompt, a script or the commands read from standard input; end of\n"
		"input (Ctrl-D) does the same.  Commands from -e, -f or standard input make the\n"
		"exit status of the worst of them (2 usage, 1 failed, 4 partial, 0 ok); the\n"
		"interactive prompt exits with 0.",
	.run = cmd_quit,
};
