// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The debug info of a kernel module: its .ko (an ET_REL object), whose
 * DWARF is only right once relocated to where the kernel loaded each of its
 * sections.  libdwfl relocates it; the section addresses come from the
 * caller (the module's own record of them in the dump, mod->sect_attrs).
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "debuginfo/internal.h"

struct modsec {
	uint64_t offline, runtime, size;
};

struct vms_moddebug {
	Dwfl *dwfl;
	Dwfl_Module *mod;
	char *path;
	struct modsec *secs;  // the loaded sections: offline and runtime addresses
	size_t nsecs;
};

/* libdwfl lays an ET_REL module out at addresses of its own ("offline");
 * a loaded address is translated through the section that holds it. */
static char *dwfl_debuginfo_path = NULL;

static const Dwfl_Callbacks callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &dwfl_debuginfo_path,
};

struct vms_error *debuginfo_module_open(const char *path, const char *name, vms_section_addr_fn *fn, void *arg,
					struct vms_moddebug **ret)
{
	struct vms_moddebug *m = calloc(1, sizeof(*m));
	if (!m)
		return &vms_enomem;
	m->path = strdup(path);
	m->dwfl = dwfl_begin(&callbacks);
	if (!m->path || !m->dwfl) {
		debuginfo_module_close(m);
		return &vms_enomem;
	}
	dwfl_report_begin(m->dwfl);
	m->mod = dwfl_report_offline(m->dwfl, name, path, -1);
	if (!m->mod || dwfl_report_end(m->dwfl, NULL, NULL) != 0) {
		struct vms_error *err =
			vms_error_create(VMS_ERR_FORMAT, "%s: not a module's debug info: %s", path, dwfl_errmsg(-1));
		debuginfo_module_close(m);
		return err;
	}
	Dwarf_Addr bias;
	Elf *elf = dwfl_module_getelf(m->mod, &bias);
	if (!elf || !dwfl_module_getdwarf(m->mod, &bias)) {
		struct vms_error *err = vms_error_create(VMS_ERR_LOOKUP, "%s: no DWARF: %s", path, dwfl_errmsg(-1));
		debuginfo_module_close(m);
		return err;
	}
	int n = dwfl_module_relocations(m->mod);
	m->secs = calloc(n > 0 ? (size_t)n : 1, sizeof(*m->secs));
	if (!m->secs) {
		debuginfo_module_close(m);
		return &vms_enomem;
	}
	for (int i = 0; i < n; i++) {
		Elf32_Word shndx;
		const char *sec = dwfl_module_relocation_info(m->mod, (unsigned)i, &shndx);
		GElf_Shdr sh;
		Elf_Scn *scn = elf_getscn(elf, shndx);
		uint64_t runtime;
		if (!sec || !scn || !gelf_getshdr(scn, &sh) || !sh.sh_size || !fn(arg, sec, &runtime))
			continue;
		m->secs[m->nsecs++] = (struct modsec){sh.sh_addr + bias, runtime, sh.sh_size};
	}
	if (!m->nsecs) {
		struct vms_error *err =
			vms_error_create(VMS_ERR_MISMATCH, "%s: none of its sections is where the module was loaded", path);
		debuginfo_module_close(m);
		return err;
	}
	*ret = m;
	return NULL;
}

void debuginfo_module_close(struct vms_moddebug *m)
{
	if (!m)
		return;
	if (m->dwfl)
		dwfl_end(m->dwfl);
	free(m->secs);
	free(m->path);
	free(m);
}

struct vms_error *debuginfo_module_source_at(struct vms_moddebug *m, uint64_t pc, struct vms_source_frame *ret,
					     size_t max, size_t *nr_ret)
{
	*nr_ret = 0;
	const struct modsec *s = NULL;
	for (size_t i = 0; i < m->nsecs; i++)
		if (pc - m->secs[i].runtime < m->secs[i].size)
			s = &m->secs[i];
	if (!s)
		return vms_error_addr(VMS_ERR_LOOKUP, pc, "%s: no loaded section holds 0x%" PRIx64, m->path, pc);
	uint64_t offline = s->offline + (pc - s->runtime);
	Dwarf_Addr bias = 0;
	Dwarf_Die *cu = dwfl_module_addrdie(m->mod, offline, &bias);
	if (!cu)
		return vms_error_addr(VMS_ERR_LOOKUP, pc, "%s: no compilation unit holds 0x%" PRIx64, m->path, pc);
	return debuginfo_source_in_cu(cu, offline - bias, ret, max, nr_ret);
}
