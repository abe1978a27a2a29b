// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/sysinfo.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "linux/kernel.h"

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
	struct vms_error *err = linux_var_member(prog, "init_uts_ns", path, &addr, NULL);
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
	value_set_hex(obj, "kaslr_offset", program_kaslr_offset(prog));

	uint64_t v;
	// totalram_pages became an atomic_long_t _totalram_pages in 5.0
	// (commit ca79b0c211af "mm: convert totalram_pages and totalhigh_pages
	// variables to atomic"); probe both names.
	// Fall back only when the name is not found: a read error (page not
	// in the dump) is the answer.
	err = linux_var_read_uint(prog, "_totalram_pages", "", &v);
	if (err && err->code == VMS_ERR_LOOKUP) {
		vms_error_destroy(err);
		err = linux_var_read_uint(prog, "totalram_pages", "", &v);
	}
	if (!err)
		value_set_uint(obj, "memory_bytes", v * program_page_size(prog));
	else
		note_unavailable(obj, "memory_bytes", err);

	err = linux_var_read_uint(prog, "max_pfn", "", &v);
	if (!err)
		value_set_hex(obj, "max_pfn", v);
	else
		note_unavailable(obj, "max_pfn", err);

	err = linux_var_read_uint(prog, "nr_cpu_ids", "", &v);
	if (!err)
		value_set_uint(obj, "cpus", v);
	else if (err->code == VMS_ERR_LOOKUP)
		vms_error_destroy(err);
	else
		note_unavailable(obj, "cpus", err);

	// Monotonic seconds since boot, kept by the timekeeper (struct
	// timekeeper.ktime_sec since 3.17); plus the suspended time in offs_boot.
	err = linux_var_read_uint(prog, "tk_core", "timekeeper.ktime_sec", &v);
	if (!err) {
		uint64_t offs_boot = 0;
		struct vms_error *e2 = linux_var_read_uint(prog, "tk_core", "timekeeper.offs_boot", &offs_boot);
		vms_error_destroy(e2);
		value_set_uint(obj, "uptime_seconds", v + offs_boot / 1000000000ull);
	} else {
		note_unavailable(obj, "uptime_seconds", err);
	}

	// panic_cpu is PANIC_CPU_INVALID (-1) unless a CPU entered panic().
	err = linux_var_read_uint(prog, "panic_cpu", "counter", &v);
	if (err && err->code == VMS_ERR_LOOKUP) {
		vms_error_destroy(err);
		err = linux_var_read_uint(prog, "panic_cpu", "", &v);
	}
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
