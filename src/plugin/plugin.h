// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The plugin loader: the only user of dlopen.  Plugins see only
 * include/vmsift/plugin.h; their commands join the command table.
 */
#ifndef VMS_PLUGIN_H
#define VMS_PLUGIN_H

#include "base/error.h"
#include "cli/cli.h"

/* Load the plugin at @path and run its init.  Fails with VMS_ERR_OS (cannot
 * load), VMS_ERR_FORMAT (not a vmsift plugin), VMS_ERR_MISMATCH (another
 * ABI) or VMS_ERR_INVALID (init failed or a command name clashes). */
struct vms_error *plugin_load(const char *path);

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
