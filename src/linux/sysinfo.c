// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/sysinfo.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "linux/kernel.h"
#include "linux/kfacts.h"

#define LINUX_NSEC_PER_SEC 1000000000ull

static void note_unavailable(struct vms_value *obj, const char *what, struct vms_error *err)
{
	struct vms_value *u = value_get(obj, "unavailable");
	if (!u)
		u = value_set(obj, "unavailable", value_array());
	value_push(u, value_stringf("%s: %s", what, err->message));
	vms_error_destroy(err);
}

static void uts_field(struct vms_program *prog, struct vms_value *obj, const char *key,
		      const char *field)
{
	uint64_t addr;
	char path[64];
	snprintf(path, sizeof(path), "name.%s", field);
	struct vms_type *t;
	struct vms_error *err = kf_var(prog, KF_INIT_UTS_NS, &addr, &t);
	uint64_t bit_off;
	if (!err)
		err = vms_type_member_find(t, path, NULL, &bit_off, NULL);
	if (!err)
		addr += bit_off / 8;
	char *s = NULL;
	if (!err)
		err = program_read_string(prog, addr, 65, &s);
	if (err) {
		note_unavailable(obj, key, err);
		return;
	}
	value_set_str(obj, key, s);
	free(s);
}

void linux_sysinfo_debuginfo(struct vms_program *prog, struct vms_value *obj)
{
	if (program_is_btf(prog)) {
		value_set_str(obj, "debuginfo", "btf");
		value_set_str(obj, "types_from", program_types_from(prog));
		value_set_str(obj, "symbols_from", program_symbols_from(prog));
	} else {
		value_set_str(obj, "debuginfo", "dwarf");
		value_set_str(obj, "vmlinux", program_vmlinux_path(prog));
	}
}

struct vms_error *linux_sysinfo(struct vms_program *prog, struct vms_value **ret)
{
	struct vms_value *obj = value_object();
	struct vms_error *err;

	uts_field(prog, obj, "release", "release");
	uts_field(prog, obj, "version", "version");
	uts_field(prog, obj, "machine", "machine");
	uts_field(prog, obj, "nodename", "nodename");
	value_set_uint(obj, "page_size", program_page_size(prog));
	if (program_is_image_only(prog)) {
		// a kernel image alone: what it says of itself, nothing that
		// only a running kernel knows
		struct vms_value *d = value_set(obj, "dump", value_object());
		value_set_str(d, "path", program_dump_path(prog));
		value_set_str(d, "format", program_dump_format(prog));
		value_set_str(d, "vmlinux", program_vmlinux_path(prog));
		*ret = obj;
		return NULL;
	}
	value_set_hex(obj, "kaslr_offset", program_kaslr_offset(prog));

	uint64_t v;
	err = kf_var_read_uint(prog, KF_TOTALRAM_PAGES, NULL, &v);
	if (!err)
		value_set_uint(obj, "memory_bytes", v * program_page_size(prog));
	else
		note_unavailable(obj, "memory_bytes", err);

	err = kf_var_read_uint(prog, KF_MAX_PFN, NULL, &v);
	if (!err)
		value_set_hex(obj, "max_pfn", v);
	else
		note_unavailable(obj, "max_pfn", err);

	err = kf_var_read_uint(prog, KF_NR_CPU_IDS, NULL, &v);
	if (!err)
		value_set_uint(obj, "cpus", v);
	else if (err->code == VMS_ERR_LOOKUP)
		vms_error_destroy(err);
	else
		note_unavailable(obj, "cpus", err);

	// Monotonic seconds since boot, kept by the timekeeper (struct
	// timekeeper.ktime_sec since 3.17); plus the suspended time in offs_boot.
	err = kf_var_read_uint(prog, KF_TK_CORE, "timekeeper.ktime_sec", &v);
	if (!err) {
		uint64_t offs_boot = 0;
		struct vms_error *e2 = kf_var_read_uint(prog, KF_TK_CORE, "timekeeper.offs_boot", &offs_boot);
		vms_error_destroy(e2);
		// offs_boot is a ktime_t in nanoseconds
		value_set_uint(obj, "uptime_seconds", v + offs_boot / LINUX_NSEC_PER_SEC);
	} else {
		note_unavailable(obj, "uptime_seconds", err);
	}

	// panic_cpu is PANIC_CPU_INVALID (-1) unless a CPU entered panic().
	// an atomic_t since 4.5; a plain int before
	struct vms_type *pct = kf_type(prog, KF_PANIC_CPU);
	bool atomic = pct && vms_type_kind(vms_type_strip(pct)) == VMS_TYPE_STRUCT;
	err = kf_var_read_uint(prog, KF_PANIC_CPU, atomic ? "counter" : NULL, &v);
	if (!err) {
		int32_t cpu = (int32_t)v;
		value_set_bool(obj, "panicked", cpu >= 0);
		if (cpu >= 0)
			value_set_int(obj, "panic_cpu", cpu);
	} else {
		note_unavailable(obj, "panicked", err);
	}
	const char *crash = program_vmcoreinfo(prog, "PANIC");
	if (crash)
		value_set_str(obj, "panic_string", crash);

	struct vms_value *d = value_set(obj, "dump", value_object());
	value_set_str(d, "path", program_dump_path(prog));
	value_set_str(d, "format", program_dump_format(prog));
	const char *comp = program_dump_compression(prog);
	if (comp)
		value_set_str(d, "compression", comp);
	value_set_str(d, "arch", program_arch(prog));
	linux_sysinfo_debuginfo(prog, d);
	struct program_dump_stats st;
	err = program_dump_stats(prog, &st);
	if (!err) {
		value_set_hex(d, "max_pfn", st.max_pfn);
		value_set_uint(d, "pages_present", st.pages_present);
		value_set_uint(d, "pages_excluded", st.pages_excluded);
		if (!st.exact)
			value_set_bool(d, "counts_exact", false);
		if (st.truncated) {
			struct vms_value *t = value_set(d, "truncated", value_object());
			value_set_uint(t, "file_size", st.file_size);
			value_set_uint(t, "pages_missing", st.pages_truncated);
		}
	} else {
		note_unavailable(obj, "dump page counts", err);
	}
	*ret = obj;
	return NULL;
}
