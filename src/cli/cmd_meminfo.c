// SPDX-License-Identifier: GPL-3.0-or-later
/* meminfo: /proc/meminfo as it would have read at dump time */
#include "cli/cli.h"

#include <inttypes.h>
#include <string.h>

#include "linux/meminfo.h"

static void meminfo_text(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out)
{
	(void)ctx;
	const struct vms_value *vals = value_get(v, "values");
	for (size_t i = 0; vals && i < vals->object.len; i++) {
		const char *name = vals->object.pairs[i].key;
		uint64_t x = vals->object.pairs[i].value->u;
		size_t pad = strlen(name) + 1 < 16 ? 16 - strlen(name) - 1 : 0;
		strbuf_addf(out, "%s:", name);
		strbuf_addchars(out, ' ', pad);
		if (linux_meminfo_is_count(name))
			strbuf_addf(out, "%8" PRIu64 "\n", x);
		else
			strbuf_addf(out, "%8" PRIu64 " kB\n", x);
	}
	const struct vms_value *u = value_get(v, "unavailable");
	for (size_t i = 0; u && i < u->array.len; i++)
		strbuf_addf(out, "# unavailable: %s\n", u->array.items[i]->s);
}

VMS_MUST_CHECK static struct vms_error *cmd_meminfo(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc > 1)
		return vms_error_create(VMS_ERR_INVALID, "usage: %s", argv[0]);
	struct vms_value *v;
	struct vms_error *err = linux_meminfo(ctx->prog, &v);
	if (err)
		return err;
	if (value_get(v, "unavailable"))
		cli_partial(ctx, "some lines could not be computed (see \"unavailable\")");
	cli_emit(ctx, v, meminfo_text);
	return NULL;
}

const struct cli_command cli_cmd_meminfo = {
	.name = "meminfo",
	.usage = "",
	.summary = "memory summary as /proc/meminfo (kmem -i)",
	.help = "Computed as fs/proc/meminfo.c does, from the global vm_zone_stat[] and\n"
		"vm_node_stat[] counters, totalram, the hstates, swap, vmalloc, per-CPU and\n"
		"direct-map counts.  Values in kB except HugePages_* (counts).  Lines whose\n"
		"source cannot be read are listed as unavailable (exit status 4).\n"
		"JSON: {values: {MemTotal: kB, ...}, page_size, unavailable[]}.",
	.needs_program = true,
	.run = cmd_meminfo,
};
