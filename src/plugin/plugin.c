// SPDX-License-Identifier: GPL-3.0-or-later
#include "plugin/plugin.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "vmsift/plugin.h"

#define MAX_PLUGINS 32
#define MAX_PLUGIN_COMMANDS 128

struct loaded_plugin {
	char *path;
	void *handle;
};

struct plugin_cmd {
	struct cli_command cli;  // first: the table hands out &cli
	const struct vmsift_command *cmd;
};

static const struct plugin_host_ops *host_ops;
static struct loaded_plugin plugins[MAX_PLUGINS];
static size_t nr_plugins;
static struct plugin_cmd commands[MAX_PLUGIN_COMMANDS];
static size_t nr_commands;

struct vmsift_call {
	struct cli_ctx *ctx;
	char *error;
};

/* ---- the function table ---- */

static int api_fail(struct vmsift_call *call, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int api_fail(struct vmsift_call *call, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(call->error);
	call->error = strbuf_detach(&sb);
	return -1;
}

static int take_error(struct vmsift_call *call, struct vms_error *err)
{
	if (!err)
		return 0;
	api_fail(call, "%s", err->message);
	vms_error_destroy(err);
	return -1;
}

static int api_read(struct vmsift_call *call, uint64_t addr, void *buf, size_t len)
{
	return take_error(call, program_read(call->ctx->prog, addr, buf, len));
}

static int api_read_phys(struct vmsift_call *call, uint64_t addr, void *buf, size_t len)
{
	return take_error(call, program_read_phys(call->ctx->prog, addr, buf, len));
}

static int api_symbol(struct vmsift_call *call, const char *name, uint64_t *addr)
{
	struct program_symbol sym;
	struct vms_error *err = program_symbol(call->ctx->prog, name, &sym);
	if (!err)
		*addr = sym.address;
	return take_error(call, err);
}

static int api_member_offset(struct vmsift_call *call, const char *type, const char *member,
			     uint64_t *offset)
{
	return take_error(call, program_member_offset(call->ctx->prog, type, member, offset));
}

static int api_type_size(struct vmsift_call *call, const char *type, uint64_t *size)
{
	return take_error(call, program_type_size(call->ctx->prog, type, size));
}

static int api_parse_number(struct vmsift_call *call, const char *text, uint64_t *value)
{
	return take_error(call, host_ops->parse_number(call->ctx, text, value));
}

static struct vmsift_obj *api_obj_new(struct vmsift_call *call)
{
	return (struct vmsift_obj *)value_object();
}

static void api_obj_set_str(struct vmsift_obj *obj, const char *key, const char *value)
{
	value_set_str((struct vms_value *)obj, key, value);
}

static void api_obj_set_int(struct vmsift_obj *obj, const char *key, int64_t value)
{
	value_set_int((struct vms_value *)obj, key, value);
}

static void api_obj_set_hex(struct vmsift_obj *obj, const char *key, uint64_t value)
{
	value_set_hex((struct vms_value *)obj, key, value);
}

static void api_emit(struct vmsift_call *call, struct vmsift_obj *obj)
{
	host_ops->emit_record(call->ctx, (struct vms_value *)obj);
}

static const char *api_last_error(struct vmsift_call *call)
{
	return call->error;
}

static int api_register_command(struct vmsift_host *host, const struct vmsift_command *cmd);

static const struct vmsift_api api = {
	.abi = VMSIFT_PLUGIN_ABI,
	.size = sizeof(struct vmsift_api),
	.register_command = api_register_command,
	.read = api_read,
	.read_phys = api_read_phys,
	.symbol = api_symbol,
	.member_offset = api_member_offset,
	.type_size = api_type_size,
	.parse_number = api_parse_number,
	.obj_new = api_obj_new,
	.obj_set_str = api_obj_set_str,
	.obj_set_int = api_obj_set_int,
	.obj_set_hex = api_obj_set_hex,
	.emit = api_emit,
	.fail = api_fail,
	.last_error = api_last_error,
};

/* ---- commands ---- */

VMS_MUST_CHECK static struct vms_error *run_plugin_command(struct cli_ctx *ctx, int argc, char **argv)
{
	const struct plugin_cmd *pc = (const struct plugin_cmd *)ctx->command;
	struct vmsift_call call = { .ctx = ctx };
	int rc = pc->cmd->run(&call, argc, argv);
	struct vms_error *err = NULL;
	if (rc != 0)
		err = vms_error_create(VMS_ERR_OTHER, "%s", call.error ? call.error : "failed");
	free(call.error);
	return err;
}

static int api_register_command(struct vmsift_host *host, const struct vmsift_command *cmd)
{
	(void)host;
	if (!cmd || !cmd->name || !cmd->run || nr_commands >= MAX_PLUGIN_COMMANDS)
		return -1;
	if (host_ops->command_exists(cmd->name))
		return -1;  // built-ins and earlier plugins win
	struct plugin_cmd *pc = &commands[nr_commands++];
	pc->cmd = cmd;
	pc->cli.name = cmd->name;
	pc->cli.usage = cmd->usage ? cmd->usage : "";
	pc->cli.summary = cmd->summary ? cmd->summary : "(plugin command)";
	pc->cli.help = cmd->help;
	pc->cli.needs_program = true;
	pc->cli.run = run_plugin_command;
	return 0;
}

/* ---- loading ---- */

const char *plugin_dir(void)
{
	const char *env = getenv("VMSIFT_PLUGIN_DIR");
	return env ? env : VMS_PLUGINDIR;
}

void plugin_host_init(const struct plugin_host_ops *ops)
{
	host_ops = ops;
}

struct vms_error *plugin_load(const char *path)
{
	if (!host_ops)
		return vms_error_create(VMS_ERR_INVALID, "plugins cannot be loaded here (no plugin host)");
	if (nr_plugins >= MAX_PLUGINS)
		return vms_error_create(VMS_ERR_INVALID, "too many plugins");
	char *full;
	if (strchr(path, '/'))
		full = strdup(path);
	else if (asprintf(&full, "%s/%s%s", plugin_dir(), path,
			  strstr(path, ".so") ? "" : ".so") < 0)
		full = NULL;
	if (!full)
		return &vms_enomem;
	for (size_t i = 0; i < nr_plugins; i++) {
		if (strcmp(plugins[i].path, full) == 0) {
			struct vms_error *err = vms_error_create(VMS_ERR_INVALID, "plugin '%s' is already loaded", full);
			free(full);
			return err;
		}
	}
	dlerror();
	void *h = dlopen(full, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *why = dlerror();
		struct vms_error *err = vms_error_create(VMS_ERR_OS, "cannot load plugin '%s': %s", full,
							 why ? why : "unknown error");
		free(full);
		return err;
	}
	const uint32_t *abi = dlsym(h, "vmsift_plugin_abi");
	int (*init)(const struct vmsift_api *, struct vmsift_host *) =
		(int (*)(const struct vmsift_api *, struct vmsift_host *))dlsym(h, "vmsift_plugin_init");
	struct vms_error *err = NULL;
	size_t before = nr_commands;
	if (!abi || !init)
		err = vms_error_create(VMS_ERR_FORMAT, "'%s' is not a vmsift plugin (no vmsift_plugin_abi/vmsift_plugin_init)", full);
	else if (*abi != VMSIFT_PLUGIN_ABI)
		err = vms_error_create(VMS_ERR_MISMATCH, "plugin '%s' was built for plugin ABI %u, this vmsift has %u",
				       full, *abi, VMSIFT_PLUGIN_ABI);
	else if (init(&api, NULL) != 0)
		err = vms_error_create(VMS_ERR_INVALID, "plugin '%s' failed to initialize", full);
	if (err) {
		nr_commands = before;  // forget what a failed init registered
		dlclose(h);
		free(full);
		return err;
	}
	plugins[nr_plugins].path = full;
	plugins[nr_plugins].handle = h;
	nr_plugins++;
	return NULL;
}

const struct cli_command *plugin_find_command(const char *name)
{
	for (size_t i = 0; i < nr_commands; i++)
		if (strcmp(commands[i].cli.name, name) == 0)
			return &commands[i].cli;
	return NULL;
}

size_t plugin_count(void) { return nr_plugins; }
const char *plugin_path(size_t i) { return i < nr_plugins ? plugins[i].path : NULL; }
size_t plugin_command_count(void) { return nr_commands; }
const struct cli_command *plugin_command(size_t i) { return i < nr_commands ? &commands[i].cli : NULL; }
