// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The plugin loader: the only user of dlopen.  Plugins see only
 * include/vmsift/plugin.h; their commands join the command table.
 *
 * The loader sits beside the command layer and never calls into it: what it
 * needs from it (is a name taken, parse a number, emit a record) comes as a
 * function table, handed over once with plugin_host_init().  The command
 * layer calls the loader (plugin_find_command()); the loader calls back only
 * through the table, so there is no cycle between the two.
 */
#ifndef VMS_PLUGIN_H
#define VMS_PLUGIN_H

#include "base/error.h"
#include "cli/cli.h"

/* What the host (the command layer) does for plugins. */
struct plugin_host_ops {
	/* Is @name already a command (built-in, alias or loaded plugin)? */
	bool (*command_exists)(const char *name);
	/* Parse a number (decimal, 0x hex) or SYMBOL[+OFFSET] for a running
	 * command. */
	struct vms_error *(*parse_number)(struct cli_ctx *ctx, const char *text, uint64_t *ret);
	/* Emit one output record of a running command; consumes @v. */
	void (*emit_record)(struct cli_ctx *ctx, struct vms_value *v);
};

/* Set the host's table (borrowed; it must outlive the loaded plugins).
 * plugin_load() fails before this is called. */
void plugin_host_init(const struct plugin_host_ops *ops);

/* Load the plugin at @path and run its init.  Fails with VMS_ERR_OS (cannot
 * load), VMS_ERR_FORMAT (not a vmsift plugin), VMS_ERR_MISMATCH (another
 * ABI) or VMS_ERR_INVALID (init failed or a command name clashes). */
VMS_MUST_CHECK struct vms_error *plugin_load(const char *path);

/* A command registered by a plugin, or NULL. */
const struct cli_command *plugin_find_command(const char *name);

/* Loaded plugins and their commands, for `plugin list`. */
size_t plugin_count(void);
const char *plugin_path(size_t i);
size_t plugin_command_count(void);
const struct cli_command *plugin_command(size_t i);

/* Directory searched for a plugin named without a '/'. */
const char *plugin_dir(void);

#endif
