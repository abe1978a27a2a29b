// SPDX-License-Identifier: GPL-3.0-or-later
/* The command table: every command, sorted by name. */
#include "cli/cli.h"

extern const struct cli_command cli_cmd_help, cli_cmd_page, cli_cmd_plugin, cli_cmd_ptype, cli_cmd_quit,
	cli_cmd_rd, cli_cmd_struct, cli_cmd_sym, cli_cmd_sys, cli_cmd_vtop, cli_cmd_whatis;

const struct cli_command *const cli_commands[] = {
	&cli_cmd_help,
	&cli_cmd_page,
	&cli_cmd_plugin,
	&cli_cmd_ptype,
	&cli_cmd_quit,
	&cli_cmd_rd,
	&cli_cmd_struct,
	&cli_cmd_sym,
	&cli_cmd_sys,
	&cli_cmd_vtop,
	&cli_cmd_whatis,
	NULL,
};
