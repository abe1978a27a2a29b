// SPDX-License-Identifier: GPL-3.0-or-later
/* sys: what kernel, what machine, what dump */
#include "cli/cli.h"

#include <inttypes.h>
#include <string.h>

#include "linux/crash.h"
#include "linux/sysinfo.h"

static void sys_text(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out)
{
	const struct vms_value *x;
	if ((x = value_get(v, "release")))
		strbuf_addf(out, "     RELEASE: %s\n", x->s);
	if ((x = value_get(v, "version")))
		strbuf_addf(out, "     VERSION: %s\n", x->s);
	if ((x = value_get(v, "machine")))
		strbuf_addf(out, "     MACHINE: %s\n", x->s);
	if ((x = value_get(v, "nodename")))
		strbuf_addf(out, "    NODENAME: %s\n", x->s);
	if ((x = value_get(v, "cpus")))
		strbuf_addf(out, "        CPUS: %" PRIu64 "\n", x->u);
	if ((x = value_get(v, "memory_bytes")))
		strbuf_addf(out, "      MEMORY: %.1f MiB\n", x->u / 1048576.0);
	if ((x = value_get(v, "page_size")))
		strbuf_addf(out, "   PAGE SIZE: %" PRIu64 "\n", x->u);
	if ((x = value_get(v, "uptime_seconds"))) {
		uint64_t s = x->u;
		strbuf_addf(out, "      UPTIME: %" PRIu64 " days, %02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 "\n",
			    s / 86400, s / 3600 % 24, s / 60 % 60, s % 60);
	}
	if ((x = value_get(v, "panicked")))
		strbuf_addf(out, "       PANIC: %s\n", x->b ? "yes" : "no");
	if ((x = value_get(v, "panic_string")))
		strbuf_addf(out, "  PANIC TEXT: %s\n", x->s);
	// the panic context (linux_crash_sysinfo())
	if ((x = value_get(v, "panic_reason")))
		strbuf_addf(out, "      REASON: %s\n", x->s);
	if ((x = value_get(v, "panic_message")) && value_get(v, "oops"))
		strbuf_addf(out, "  PANIC MSG.: %s\n", x->s);
	if ((x = value_get(v, "panic_cpu"))) {
		strbuf_addf(out, "   PANIC CPU: %" PRId64, x->i);
		const struct vms_value *t = value_get(v, "panic_task");
		const struct vms_value *pid = value_get(v, "panic_pid");
		if (t && pid)
			strbuf_addf(out, "  (PID %" PRId64 " \"%s\", task %016" PRIx64 ")", pid->i,
				    value_get(v, "panic_comm")->s, t->u);
		else if (t)
			strbuf_addf(out, "  (task %016" PRIx64 ", not in the dump: PID unknown)", t->u);
		strbuf_addch(out, '\n');
	}
	if ((x = value_get(v, "registers_from")))
		strbuf_addf(out, "   REGISTERS: %s\n", x->s);
	if ((x = value_get(v, "taint")) && x->u) {
		const struct vms_value *n = value_get(v, "taint_names");
		strbuf_addf(out, "     TAINTED: %s (0x%" PRIx64 ")%s%s\n", value_get(v, "taint_flags")->s, x->u,
			    n ? " " : "", n ? n->s : "");
	}
	if ((x = value_get(v, "kaslr_offset")))
		strbuf_addf(out, "KASLR OFFSET: 0x%" PRIx64 "\n", x->u);
	const struct vms_value *d = value_get(v, "dump");
	if (d) {
		strbuf_addf(out, "    DUMPFILE: %s\n", value_get(d, "path")->s);
		strbuf_addf(out, "      FORMAT: %s", value_get(d, "format")->s);
		if ((x = value_get(d, "compression")) && strcmp(x->s, "none") != 0)
			strbuf_addf(out, " (%s)", x->s);
		strbuf_addch(out, '\n');
		if ((x = value_get(d, "pages_present")))
			strbuf_addf(out, "  DUMP PAGES: %" PRIu64 " held, %" PRIu64 " excluded\n",
				    x->u, value_get(d, "pages_excluded")->u);
		if ((x = value_get(d, "truncated")))
			strbuf_addf(out, "              truncated: file ends at %" PRIu64 ", %" PRIu64
				    " pages past the end are missing\n",
				    value_get(x, "file_size")->u, value_get(x, "pages_missing")->u);
		if ((x = value_get(d, "vmlinux")))
			strbuf_addf(out, "     VMLINUX: %s\n", x->s);
		if ((x = value_get(d, "types_from")))
			strbuf_addf(out, "       TYPES: BTF of %s\n     SYMBOLS: %s\n", x->s,
				    value_get(d, "symbols_from")->s);
	}
	const struct vms_value *u = value_get(v, "unavailable");
	for (size_t i = 0; u && i < u->array.len; i++)
		strbuf_addf(out, " UNAVAILABLE: %s\n", u->array.items[i]->s);
}

VMS_MUST_CHECK static struct vms_error *cmd_sys(struct cli_ctx *ctx, int argc, char **argv)
{
	struct vms_value *v;
	struct vms_error *err = linux_sysinfo(ctx->prog, &v);
	if (err)
		return err;
	const struct vms_value *pk = value_get(v, "panicked");
	if (pk && pk->b)
		linux_crash_sysinfo(ctx->prog, v);  // after the facts: may add to "unavailable"
	const struct vms_value *d = value_get(v, "dump");
	if (d && value_get(d, "truncated"))
		cli_partial(ctx, "the dump file is truncated");
	else if (value_get(v, "unavailable"))
		cli_partial(ctx, "some facts could not be read (see \"unavailable\")");
	cli_emit(ctx, v, sys_text);
	return NULL;
}

const struct cli_command cli_cmd_sys = {
	.name = "sys",
	.usage = "",
	.summary = "kernel release, machine, memory, uptime, panic state and dump format",
	.help = "Release, version, machine and node name come from init_uts_ns; memory from\n"
		"totalram_pages, CPUs from nr_cpu_ids, uptime from the timekeeper, the panic\n"
		"state from panic_cpu and the VMCOREINFO PANIC note.  The dump lines give its\n"
		"format and compression, how many pages it holds or excluded, whether the file\n"
		"is cut short, and the vmlinux in use.  A value the dump cannot give is listed\n"
		"as UNAVAILABLE with the reason, and the exit status is then 4 (partial).\n"
		"JSON: {release, version, machine, nodename, cpus, memory_bytes, page_size,\n"
		"uptime_seconds, panicked, panic_string, kaslr_offset, dump, unavailable}.",
	.needs_program = true,
	.run = cmd_sys,
};
