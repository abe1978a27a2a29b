// SPDX-License-Identifier: GPL-3.0-or-later
/* facts: what vmsift knows about this kernel's layout, and from where */
#include "cli/cli.h"

#include <inttypes.h>
#include <string.h>

#include "linux/kfacts.h"

static const char *kind_name(enum kf_kind k)
{
	switch (k) {
	case KF_KIND_TYPE: return "type";
	case KF_KIND_MEMBER: return "member";
	case KF_KIND_VAR: return "variable";
	case KF_KIND_CONST: return "constant";
	case KF_KIND_SYM: return "symbol";
	}
	return "?";
}

static void fact_text(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out)
{
	const struct vms_value *facts = value_get(v, "facts");
	for (size_t i = 0; facts && i < facts->array.len; i++) {
		const struct vms_value *f = facts->array.items[i];
		const struct vms_value *res = value_get(f, "resolved");
		const struct vms_value *name = value_get(f, "name");
		const struct vms_value *val = value_get(f, "value");
		strbuf_addf(out, "%-28s %-8s %-3s %-10s ", value_get(f, "id")->s, value_get(f, "kind")->s,
			    value_get(f, "need")->s, value_get(f, "source")->s);
		if (!res->b)
			strbuf_addf(out, "-        (tried %s)\n", value_get(f, "names")->s);
		else if (val && val->kind == VMS_VALUE_INT)
			strbuf_addf(out, "%-8" PRId64 " %s\n", val->i, name ? name->s : "");
		else if (val)
			strbuf_addf(out, "%-8s %s\n", val->s, name ? name->s : "");
		else
			strbuf_addf(out, "%s\n", name ? name->s : "");
	}
	const struct vms_value *probes = value_get(v, "probes");
	for (size_t i = 0; probes && i < probes->array.len; i++) {
		const struct vms_value *p = probes->array.items[i];
		strbuf_addf(out, "probe %-22s %-5s %s\n", value_get(p, "name")->s,
			    value_get(p, "value")->b ? "yes" : "no", value_get(p, "note")->s);
	}
	const struct vms_value *u = value_get(v, "unresolved_required");
	strbuf_addf(out, "%" PRIu64 " facts, %" PRIu64 " resolved; required facts not resolved: %" PRIu64 "\n",
		    value_get(v, "total")->u, value_get(v, "resolved")->u, u->array.len);
	for (size_t i = 0; i < u->array.len; i++)
		strbuf_addf(out, "  %s\n", u->array.items[i]->s);
}

VMS_MUST_CHECK static struct vms_error *cmd_facts(struct cli_ctx *ctx, int argc, char **argv)
{
	bool only_missing = false, with_notes = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--missing") == 0)
			only_missing = true;
		else if (strcmp(argv[i], "--notes") == 0)
			with_notes = true;
		else
			return vms_error_create(VMS_ERR_INVALID, "usage: facts [--missing] [--notes]");
	}
	struct vms_value *v = value_object();
	struct vms_value *list = value_set(v, "facts", value_array());
	struct vms_value *missing = value_array();
	uint64_t resolved = 0;
	for (int id = 0; id < KF_NR; id++) {
		struct kf_info fi;
		kf_describe(ctx->prog, (enum kf_id)id, &fi);
		if (fi.resolved || fi.source == KF_SRC_ABSENT)
			resolved++;
		bool req_missing = !fi.resolved && fi.need == KF_REQ && fi.source != KF_SRC_ABSENT;
		if (req_missing)
			value_push(missing, value_stringf("%s (%s%s%s)", fi.id, fi.type ? fi.type : "",
							  fi.type ? " " : "", fi.names));
		if (only_missing && (fi.resolved || fi.need == KF_OPT || fi.source == KF_SRC_ABSENT))
			continue;
		struct vms_value *f = value_push(list, value_object());
		value_set_str(f, "id", fi.id);
		value_set_str(f, "kind", kind_name(fi.kind));
		value_set_str(f, "need", fi.need == KF_REQ ? "req" : "opt");
		if (fi.type)
			value_set_str(f, "type", fi.type);
		value_set_str(f, "names", fi.names);
		value_set_bool(f, "resolved", fi.resolved);
		value_set_str(f, "source", kf_source_name(fi.source));
		if (fi.resolved) {
			if (fi.kind != KF_KIND_CONST)
				value_set_str(f, "name", fi.resolved_name);
			if (fi.kind == KF_KIND_VAR || fi.kind == KF_KIND_SYM)
				value_set(f, "value", value_stringf("%" PRIx64, (uint64_t)fi.value));
			else
				value_set_int(f, "value", fi.value);
			if (fi.kind != KF_KIND_CONST)
				value_set_uint(f, "size", fi.size);
		}
		if (with_notes && fi.note && *fi.note)
			value_set_str(f, "note", fi.note);
	}
	if (!only_missing) {
		struct vms_value *probes = value_set(v, "probes", value_array());
		for (int p = 0; p < KF_PROBE_NR; p++) {
			struct vms_value *o = value_push(probes, value_object());
			value_set_str(o, "name", kf_probe_name((enum kf_probe)p));
			value_set_bool(o, "value", kf_probe(ctx->prog, (enum kf_probe)p));
			value_set_str(o, "note", kf_probe_note((enum kf_probe)p));
		}
	}
	value_set_uint(v, "total", KF_NR);
	value_set_uint(v, "resolved", resolved);
	value_set(v, "unresolved_required", missing);
	if (missing->array.len)
		cli_partial(ctx, "%zu required kernel facts not resolved", (size_t)missing->array.len);
	cli_emit(ctx, v, fact_text);
	return NULL;
}

const struct cli_command cli_cmd_facts = {
	.name = "facts",
	.usage = "[--missing] [--notes]",
	.summary = "every kernel fact vmsift reads: resolved how, from where",
	.help = "Lists each type, struct member, global variable and constant of the kernel-facts\n"
		"table (src/linux/kfacts.def) with the name that resolved on this kernel, its\n"
		"offset, size, address or value, and where it came from (debuginfo, enumerator,\n"
		"vmcoreinfo, derived, fallback, absent); then the behaviour probes.  A required\n"
		"fact that does not resolve makes the exit status 4: the commands that need it\n"
		"answer with an error naming it.\n"
		"  --missing  only the required facts that did not resolve\n"
		"  --notes    add each fact's note: the kernels it holds for, the commit",
	.needs_program = true,
	.run = cmd_facts,
};
