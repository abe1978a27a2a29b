// SPDX-License-Identifier: GPL-3.0-or-later
/* plugin: load plugins and list them */
#include "cli/cli.h"

#include <string.h>

#include "plugin/plugin.h"

static void plugin_text(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out)
{
	const struct vms_value *p = value_get(v, "plugins");
	const struct vms_value *c = value_get(v, "commands");
	if (!p->array.len)
		strbuf_addf(out, "no plugins loaded (directory: %s)\n", value_get(v, "directory")->s);
	for (size_t i = 0; i < p->array.len; i++)
		strbuf_addf(out, "plugin %s\n", p->array.items[i]->s);
	for (size_t i = 0; i < c->array.len; i++)
		strbuf_addf(out, "  %-12s %s\n", value_get(c->array.items[i], "name")->s,
			    value_get(c->array.items[i], "summary")->s);
}

VMS_MUST_CHECK static struct vms_error *cmd_plugin(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "load") == 0) {
		if (ctx->sandbox)
			return vms_error_create(VMS_ERR_INVALID, "plugin: no plugins loaded here");
		struct vms_error *err = plugin_load(argv[2]);
		if (err)
			return err;
	} else if (!(argc == 1 || (argc == 2 && strcmp(argv[1], "list") == 0))) {
		return vms_error_create(VMS_ERR_INVALID, "usage: plugin [list | load PATH]");
	}
	struct vms_value *v = value_object();
	value_set_str(v, "directory", plugin_dir());
	struct vms_value *p = value_set(v, "plugins", value_array());
	for (size_t i = 0; i < plugin_count(); i++)
		value_push(p, value_string(plugin_path(i)));
	struct vms_value *c = value_set(v, "commands", value_array());
	for (size_t i = 0; i < plugin_command_count(); i++) {
		struct vms_value *o = value_push(c, value_object());
		value_set_str(o, "name", plugin_command(i)->name);
		value_set_str(o, "summary", plugin_command(i)->summary);
	}
	cli_emit(ctx, v, plugin_text);
	return NULL;
}

const struct cli_command cli_cmd_plugin = {
	.name = "plugin",
	.usage = "[list | load PATH]",
	.summary = "load a plugin (a shared object built against <vmsift/plugin.h>) or list them",
	.help = "A PATH without '/' is looked up in the plugin directory ($VMSIFT_PLUGIN_DIR,\n"
		"or the installed one).  Plugins add commands; `vmsift --plugin PATH` loads\n"
		"one at start-up.",
	.run = cmd_plugin,
};
