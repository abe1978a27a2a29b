// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/module.h"

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "base/vector.h"
#include "linux/crashdata.h"
#include "linux/kfacts.h"
#include "linux/list.h"
#include "linux/orc.h"
#include "linux/walk.h"

#define MAX_MODULES 65536
#define MAX_MODULE_SYMS (1u << 20)
#define MAX_MODULE_STRTAB (UINT64_C(16) << 20)
#define MAX_USERS 256

static void module_free(struct linux_module *m)
{
	linux_orc_table_deinit(m->orc_table);
	free(m->orc_table);
	program_module_debug_close(m->debug);
	vms_error_destroy(m->debug_err);
	free(m->debug_path);
	vms_error_destroy(m->orc_err);
	free(m->used_by);
	free(m->syms);
	free(m->strtab);
	vms_error_destroy(m->syms_err);
}

void linux_modules_free(struct linux_crash_data *c)
{
	for (size_t i = 0; i < c->nmods; i++)
		module_free(&c->mods[i]);
	free(c->mods);
	vms_error_destroy(c->mods_err);
}

VMS_MUST_CHECK static struct vms_error *read_uint(struct vms_program *prog, uint64_t addr, uint64_t size, uint64_t *ret)
{
	uint64_t v = 0;
	if (size == 0 || size > 8)
		return vms_error_create(VMS_ERR_INVALID, "an integer of %" PRIu64 " bytes", size);
	struct vms_error *err = program_read(prog, addr, &v, size);
	if (err)
		return err;
	*ret = v;
	return NULL;
}

/* Member fact @id of the object at @obj, an unsigned integer of its own size. */
VMS_MUST_CHECK static struct vms_error *member_uint(struct vms_program *prog, uint64_t obj, enum kf_id id, uint64_t *ret)
{
	uint64_t off;
	struct vms_error *err = kf_need_off(prog, id, &off);
	if (err)
		return err;
	return read_uint(prog, obj + off, kf_size(prog, id), ret);
}

static void add_range(struct linux_module *m, uint64_t base, uint64_t size)
{
	if (!base || !size || m->nranges >= LINUX_MODULE_RANGES)
		return;
	m->ranges[m->nranges].start = base;
	m->ranges[m->nranges].end = base + size;
	m->nranges++;
}

/* Base, size and memory ranges: mod->mem[] (6.4+) or the core and init
 * layouts. */
VMS_MUST_CHECK static struct vms_error *module_layout(struct vms_program *prog, struct linux_module *m)
{
	struct vms_error *err;
	uint64_t base, size;
	if (kf_has(prog, KF_MOD_MEM)) {
		int64_t ntypes, text;
		uint64_t stride = kf_size(prog, KF_MODULE_MEMORY), mem = m->addr + (uint64_t)kf_off(prog, KF_MOD_MEM);
		if ((err = kf_const(prog, KF_MOD_MEM_NUM_TYPES, &ntypes)) || (err = kf_const(prog, KF_MOD_TEXT, &text)))
			return err;
		if (ntypes <= 0 || ntypes > LINUX_MODULE_RANGES || !stride)
			return vms_error_create(VMS_ERR_UNSUPPORTED, "struct module has %" PRId64 " memory types",
						ntypes);
		m->size = 0;
		for (int64_t t = 0; t < ntypes; t++) {
			uint64_t at = mem + (uint64_t)t * stride;
			if ((err = member_uint(prog, at, KF_MODMEM_BASE, &base)) ||
			    (err = member_uint(prog, at, KF_MODMEM_SIZE, &size)))
				return err;
			if (t == text)
				m->base = base;
			m->size += size;
			add_range(m, base, size);
		}
		return NULL;
	}
	if (!kf_has(prog, KF_MOD_CORE_LAYOUT))
		return vms_error_create(VMS_ERR_LOOKUP, "struct module has neither mem nor core_layout");
	m->size = 0;
	enum kf_id layouts[] = {KF_MOD_CORE_LAYOUT, KF_MOD_INIT_LAYOUT};
	for (size_t i = 0; i < 2; i++) {
		if (!kf_has(prog, layouts[i]))
			continue;
		uint64_t at = m->addr + (uint64_t)kf_off(prog, layouts[i]);
		if ((err = member_uint(prog, at, KF_MODLAYOUT_BASE, &base)) ||
		    (err = member_uint(prog, at, KF_MODLAYOUT_SIZE, &size)))
			return err;
		if (i == 0)
			m->base = base;
		m->size += size;
		add_range(m, base, size);
	}
	return NULL;
}

struct users {
	struct vms_program *prog;
	struct strbuf sb;
	unsigned n;
};

VMS_MUST_CHECK static struct vms_error *user_fn(void *arg, uint64_t node)
{
	struct users *u = arg;
	uint64_t src;
	char name[LINUX_MODULE_NAME_MAX] = "";
	struct vms_error *err = program_read_u64(u->prog, node - (uint64_t)kf_off(u->prog, KF_MU_SOURCE_LIST) +
							       (uint64_t)kf_off(u->prog, KF_MU_SOURCE),
						 &src);
	if (!err) {
		size_t len = kf_size(u->prog, KF_MOD_NAME);
		err = program_read(u->prog, src + (uint64_t)kf_off(u->prog, KF_MOD_NAME), name,
				   len && len < sizeof(name) ? len : sizeof(name) - 1);
	}
	if (err)
		return err;
	name[sizeof(name) - 1] = '\0';
	strbuf_addf(&u->sb, "%s,", name);
	return ++u->n >= MAX_USERS ? &linux_walk_stop : NULL;
}

static const char *state_name(struct vms_program *prog, int64_t state)
{
	if (state == kf_const_or(prog, KF_MODULE_STATE_LIVE, -100))
		return "Live";
	if (state == kf_const_or(prog, KF_MODULE_STATE_COMING, -100))
		return "Loading";
	if (state == kf_const_or(prog, KF_MODULE_STATE_GOING, -100))
		return "Unloading";
	if (state == kf_const_or(prog, KF_MODULE_STATE_UNFORMED, -100))
		return "Unformed";
	return "?";
}

VMS_MUST_CHECK static struct vms_error *module_read(struct vms_program *prog, const struct linux_walk_layout *wl,
						    uint64_t addr, struct linux_module *m)
{
	struct vms_error *err;
	m->addr = addr;
	m->refcount = INT64_MIN;
	size_t nlen = kf_size(prog, KF_MOD_NAME);
	if (!nlen || nlen >= sizeof(m->name))
		nlen = sizeof(m->name) - 1;
	if ((err = program_read(prog, addr + (uint64_t)kf_off(prog, KF_MOD_NAME), m->name, nlen)))
		return err;
	m->name[nlen] = '\0';
	uint64_t v;
	if ((err = member_uint(prog, addr, KF_MOD_STATE, &v)))
		return err;
	m->state = (int32_t)v;
	m->state_name = state_name(prog, m->state);
	if ((err = module_layout(prog, m)))
		return err;
	if (kf_has(prog, KF_MOD_TAINTS) && (err = member_uint(prog, addr, KF_MOD_TAINTS, &m->taints)))
		return err;
	if (m->taints) {
		err = linux_taint_string(prog, m->taints, false, m->taint_str, sizeof(m->taint_str));
		vms_error_destroy(err);
	}
	if (kf_has(prog, KF_MOD_REFCNT)) {
		if ((err = member_uint(prog, addr, KF_MOD_REFCNT, &v)))
			return err;
		m->refcount = (int32_t)v - kf_const_or(prog, KF_MODULE_REF_BASE, 1);
	}
	if (kf_has(prog, KF_MOD_SOURCE_LIST) && kf_has(prog, KF_MU_SOURCE)) {
		struct users u = {prog, STRBUF_INIT, 0};
		struct linux_mem mem = linux_mem_program(prog);
		err = linux_list_for_each(&mem, wl, addr + (uint64_t)kf_off(prog, KF_MOD_SOURCE_LIST), MAX_USERS,
					  user_fn, &u);
		if (err) {
			strbuf_release(&u.sb);
			return vms_error_wrap(err, "the users of module %s", m->name);
		}
		m->used_by = u.n ? strbuf_detach(&u.sb) : NULL;
		strbuf_release(&u.sb);
	}
	if (kf_has(prog, KF_MOD_INIT) && kf_has(prog, KF_MOD_EXIT)) {
		uint64_t init, exit;
		if (!member_uint(prog, addr, KF_MOD_INIT, &init) && !member_uint(prog, addr, KF_MOD_EXIT, &exit))
			m->permanent = init && !exit;
	}
	if (kf_has(prog, KF_MOD_ARCH_ORC)) {
		if ((err = member_uint(prog, addr, KF_MOD_ARCH_NUM_ORCS, &m->num_orcs)) ||
		    (err = member_uint(prog, addr, KF_MOD_ARCH_ORC_IP, &m->orc_ip)) ||
		    (err = member_uint(prog, addr, KF_MOD_ARCH_ORC, &m->orc)))
			return err;
	}
	return NULL;
}

struct walk {
	struct vms_program *prog;
	const struct linux_walk_layout *wl;
	struct linux_crash_data *c;
	size_t cap;
	uint64_t skipped;
	struct vms_error *first;
};

VMS_MUST_CHECK static struct vms_error *module_fn(void *arg, uint64_t node)
{
	struct walk *w = arg;
	struct linux_crash_data *c = w->c;
	if (!vms_array_reserve(c->mods, w->cap, c->nmods + 1))
		return &vms_enomem;
	struct linux_module *m = &c->mods[c->nmods];
	memset(m, 0, sizeof(*m));
	struct vms_error *err = module_read(w->prog, w->wl, node - (uint64_t)kf_off(w->prog, KF_MOD_LIST), m);
	if (err) {
		// one unreadable module: skip it, say so at the end
		module_free(m);
		w->skipped++;
		if (!w->first)
			w->first = vms_error_wrap(err, "module at 0x%" PRIx64,
						  node - (uint64_t)kf_off(w->prog, KF_MOD_LIST));
		else
			vms_error_destroy(err);
		return NULL;
	}
	c->nmods++;
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *modules_load(struct vms_program *prog, struct linux_crash_data *c)
{
	uint64_t head;
	struct vms_error *err = kf_var(prog, KF_MODULES, &head, NULL);
	if (err)
		return err;
	if (!kf_has(prog, KF_MOD_LIST) || !kf_has(prog, KF_MOD_NAME))
		return vms_error_create(VMS_ERR_LOOKUP, "struct module has no list or name");
	struct linux_walk_layout lay;
	if ((err = linux_walk_layout_probe(prog, &lay)))
		return err;
	struct walk w = {prog, &lay, c, 0, 0, NULL};
	struct linux_mem mem = linux_mem_program(prog);
	err = linux_list_for_each(&mem, &lay, head, MAX_MODULES, module_fn, &w);
	if (err) {
		vms_error_destroy(w.first);
		return vms_error_wrap(err, "the module list");
	}
	if (w.first) {
		if (w.skipped > 1)
			return vms_error_wrap(w.first, "%" PRIu64 " modules unreadable, the first", w.skipped);
		return w.first;
	}
	return NULL;
}

struct vms_error *linux_modules(struct vms_program *prog, const struct linux_module **ret,
				size_t *nr_ret)
{
	struct linux_crash_data *c;
	struct vms_error *err = linux_crash_data_get(prog, &c);
	if (err)
		return err;
	if (!c->mods_done) {
		c->mods_done = true;
		c->mods_err = modules_load(prog, c);
	}
	*ret = c->mods;
	*nr_ret = c->nmods;
	return crash_err_copy(c->mods_err);
}

const struct linux_module *linux_module_at(struct vms_program *prog, uint64_t addr)
{
	const struct linux_module *mods;
	size_t n;
	struct vms_error *err = linux_modules(prog, &mods, &n);
	vms_error_destroy(err);
	for (size_t i = 0; i < n; i++)
		for (size_t r = 0; r < mods[i].nranges; r++)
			if (addr >= mods[i].ranges[r].start && addr < mods[i].ranges[r].end)
				return &mods[i];
	return NULL;
}

/* ---- module symbols ---- */

static int sym_cmp(const void *a, const void *b)
{
	// by address; aliases keep the symbol table's order, as the kernel's
	// find_kallsyms_symbol() takes the first of them
	const struct linux_modsym *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static uint64_t le(const uint8_t *p, uint64_t size)
{
	uint64_t v = 0;
	memcpy(&v, p, size > 8 ? 8 : size);
	return v;
}

VMS_MUST_CHECK static struct vms_error *symbols_load(struct vms_program *prog, struct linux_module *m)
{
	struct vms_error *err;
	uint64_t ks, symtab, num, strtab, typetab = 0;
	if ((err = member_uint(prog, m->addr, KF_MOD_KALLSYMS, &ks)))
		return err;
	if (!ks)
		return vms_error_create(VMS_ERR_LOOKUP, "module %s has no kallsyms", m->name);
	if ((err = member_uint(prog, ks, KF_MKS_SYMTAB, &symtab)) ||
	    (err = member_uint(prog, ks, KF_MKS_NUM_SYMTAB, &num)) ||
	    (err = member_uint(prog, ks, KF_MKS_STRTAB, &strtab)) ||
	    (kf_has(prog, KF_MKS_TYPETAB) && (err = member_uint(prog, ks, KF_MKS_TYPETAB, &typetab))))
		return err;
	if (num > MAX_MODULE_SYMS)
		return vms_error_addr(VMS_ERR_CORRUPT, ks, "module %s claims %" PRIu64 " symbols", m->name, num);
	uint64_t esz = kf_size(prog, KF_ELF64_SYM);
	if (!esz)
		return vms_error_create(VMS_ERR_LOOKUP, "no struct elf64_sym in the debug info");
	uint8_t *raw = malloc(num * esz + 1), *types = typetab ? malloc(num + 1) : NULL;
	if (!raw || (typetab && !types)) {
		free(raw);
		return &vms_enomem;
	}
	err = program_read(prog, symtab, raw, num * esz);
	if (!err && typetab)
		err = program_read(prog, typetab, types, num);
	if (err) {
		free(raw);
		free(types);
		return vms_error_wrap(err, "the symbols of module %s", m->name);
	}
	uint64_t o_name = (uint64_t)kf_off(prog, KF_ESYM_NAME), o_shndx = (uint64_t)kf_off(prog, KF_ESYM_SHNDX),
		 o_value = (uint64_t)kf_off(prog, KF_ESYM_VALUE);
	uint64_t max_name = 0;
	for (uint64_t i = 0; i < num; i++) {
		uint64_t nm = le(raw + i * esz + o_name, 4);
		if (nm > max_name)
			max_name = nm;
	}
	uint64_t strsize = max_name + 256;
	if (strsize > MAX_MODULE_STRTAB)
		strsize = MAX_MODULE_STRTAB;
	m->strtab = calloc(1, strsize + 1);
	m->syms = calloc(num ? num : 1, sizeof(*m->syms));
	if (!m->strtab || !m->syms) {
		free(raw);
		free(types);
		return &vms_enomem;
	}
	// the string table may end before the last name's page ends: read it
	// page by page and stop at the first page that is not there
	uint64_t ps = program_page_size(prog);
	for (uint64_t at = 0; at < strsize;) {
		uint64_t chunk = ps - (strtab + at) % ps;
		if (chunk > strsize - at)
			chunk = strsize - at;
		if (program_read(prog, strtab + at, m->strtab + at, chunk)) {
			if (at <= max_name) {
				free(raw);
				free(types);
				return vms_error_addr(VMS_ERR_NODATA, strtab + at,
						      "the symbol names of module %s are not in the dump", m->name);
			}
			break;
		}
		at += chunk;
	}
	for (uint64_t i = 0; i < num; i++) {
		const uint8_t *e = raw + i * esz;
		uint64_t nm = le(e + o_name, 4), shndx = le(e + o_shndx, 2), value = le(e + o_value, 8);
		if (!shndx || !value || nm >= strsize || !m->strtab[nm])
			continue;
		struct linux_modsym *s = &m->syms[m->nsyms++];
		s->addr = value;
		s->name = m->strtab + nm;
		s->index = (uint32_t)i;
		s->type = types ? (char)types[i] : '?';
	}
	free(raw);
	free(types);
	qsort(m->syms, m->nsyms, sizeof(*m->syms), sym_cmp);
	for (size_t i = 0; i < m->nsyms; i++) {
		uint64_t end = i + 1 < m->nsyms ? m->syms[i + 1].addr : 0;
		if (!end)
			for (size_t r = 0; r < m->nranges; r++)
				if (m->syms[i].addr >= m->ranges[r].start && m->syms[i].addr < m->ranges[r].end)
					end = m->ranges[r].end;
		m->syms[i].size = end > m->syms[i].addr ? end - m->syms[i].addr : 0;
	}
	return NULL;
}

/* The symbols of @mod (read on first call).  Errors: the symbol table
 * cannot be read (VMS_ERR_NODATA ...). */
VMS_MUST_CHECK static struct vms_error *linux_module_symbols(struct vms_program *prog, const struct linux_module *mod,
							     const struct linux_modsym **ret, size_t *nr_ret)
{
	struct linux_module *m = (struct linux_module *)mod;  // the cache is ours
	if (!m->syms_done) {
		m->syms_done = true;
		m->syms_err = symbols_load(prog, m);
	}
	*ret = m->syms;
	*nr_ret = m->nsyms;
	return crash_err_copy(m->syms_err);
}

struct vms_error *linux_symbolize(struct vms_program *prog, uint64_t addr, struct linux_symbol *ret)
{
	memset(ret, 0, sizeof(*ret));
	const struct linux_module *m = linux_module_at(prog, addr);
	if (m) {
		const struct linux_modsym *syms;
		size_t n;
		struct vms_error *err = linux_module_symbols(prog, m, &syms, &n);
		if (err)
			return vms_error_wrap(err, "0x%" PRIx64 " in module %s", addr, m->name);
		size_t lo = 0, hi = n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (syms[mid].addr <= addr)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == 0 || addr - syms[lo - 1].addr >= (syms[lo - 1].size ? syms[lo - 1].size : 1))
			return vms_error_create(VMS_ERR_LOOKUP, "no symbol of module %s holds 0x%" PRIx64, m->name,
						addr);
		size_t i = lo - 1;
		while (i > 0 && syms[i - 1].addr == syms[i].addr)
			i--;
		const struct linux_modsym *s = &syms[i];
		*ret = (struct linux_symbol){s->name, s->addr, addr - s->addr, s->size, m->name, s->type};
		return NULL;
	}
	struct program_symbol sym;
	uint64_t off, stext = 0, etext = 0;
	struct vms_error *err;
	// code: the nearest text symbol, as kallsyms and the kernel's own
	// traces name it; data: the symbol that contains the address
	struct vms_error *e1 = kf_var(prog, KF_STEXT, &stext, NULL);
	struct vms_error *e2 = e1 ? NULL : kf_var(prog, KF_ETEXT, &etext, NULL);
	bool text = !e1 && !e2 && addr >= stext && addr < etext;
	vms_error_destroy(e1);
	vms_error_destroy(e2);
	err = text ? program_text_symbol_before(prog, addr, &sym, &off) : program_symbol_at(prog, addr, &sym, &off);
	if (err && text) {
		vms_error_destroy(err);
		err = program_symbol_at(prog, addr, &sym, &off);
	}
	if (err)
		return err;
	if (!text && (sym.size ? off >= sym.size : off >= (UINT64_C(1) << 20)))
		return vms_error_create(VMS_ERR_LOOKUP, "no symbol holds 0x%" PRIx64, addr);
	*ret = (struct linux_symbol){sym.name, sym.address, off, sym.size, NULL, sym.kind};
	return NULL;
}

struct vms_error *linux_module_lookup(struct vms_program *prog, const char *name, struct linux_symbol *ret)
{
	const struct linux_module *mods;
	size_t n;
	struct vms_error *err = linux_modules(prog, &mods, &n);
	vms_error_destroy(err);
	// "name [module]" or "module:name" narrows the search to one module
	char want[256], mod[256] = "";
	snprintf(want, sizeof(want), "%s", name);
	char *colon = strchr(want, ':');
	if (colon) {
		*colon = '\0';
		snprintf(mod, sizeof(mod), "%s", want);
		memmove(want, colon + 1, strlen(colon + 1) + 1);
	}
	for (size_t i = 0; i < n; i++) {
		if (*mod && strcmp(mods[i].name, mod) != 0)
			continue;
		const struct linux_modsym *syms;
		size_t ns;
		err = linux_module_symbols(prog, &mods[i], &syms, &ns);
		if (err) {
			vms_error_destroy(err);
			continue;
		}
		for (size_t k = 0; k < ns; k++)
			if (strcmp(syms[k].name, want) == 0) {
				*ret = (struct linux_symbol){syms[k].name, syms[k].addr, 0, syms[k].size, mods[i].name,
							     syms[k].type};
				return NULL;
			}
	}
	return vms_error_create(VMS_ERR_LOOKUP, "no symbol '%s' in vmlinux or a module", name);
}

/* ---- module debug info ---- */

#define MAX_SECTIONS 512
#define MAX_SEARCH_DEPTH 8
#define MAX_SEARCH_ENTRIES 200000

struct section_addr {
	char name[64];
	uint64_t addr;
};

struct sections {
	struct section_addr *s;
	size_t n;
};

static bool section_lookup(void *arg, const char *name, uint64_t *ret)
{
	const struct sections *ss = arg;
	for (size_t i = 0; i < ss->n; i++)
		if (strcmp(ss->s[i].name, name) == 0) {
			*ret = ss->s[i].addr;
			return true;
		}
	return false;
}

/* The sections the module recorded: mod->sect_attrs->grp.bin_attrs, each a
 * bin_attribute named for its section, with the address beside it
 * (module_sect_attr.address) or in its private pointer (7.x). */
VMS_MUST_CHECK static struct vms_error *module_sections(struct vms_program *prog, const struct linux_module *m,
							struct sections *ret)
{
	uint64_t sa, arr;
	struct vms_error *err;
	if ((err = member_uint(prog, m->addr, KF_MOD_SECT_ATTRS, &sa)))
		return err;
	if (!sa)
		return vms_error_create(VMS_ERR_LOOKUP, "module %s has no section attributes", m->name);
	if ((err = member_uint(prog, sa, KF_MSA_BIN_ATTRS, &arr)))
		return err;
	ret->s = calloc(MAX_SECTIONS, sizeof(*ret->s));
	ret->n = 0;
	if (!ret->s)
		return &vms_enomem;
	bool beside = kf_has(prog, KF_MSATTR_ADDRESS);
	for (size_t i = 0; i < MAX_SECTIONS; i++) {
		uint64_t ba, name_ptr, addr;
		if ((err = program_read_u64(prog, arr + 8 * i, &ba)))
			break;
		if (!ba)
			break;
		if (beside)
			err = member_uint(prog, ba - (uint64_t)kf_off(prog, KF_MSATTR_BATTR), KF_MSATTR_ADDRESS, &addr);
		else
			err = member_uint(prog, ba, KF_BA_PRIVATE, &addr);
		if (!err)
			err = member_uint(prog, ba, KF_BA_NAME, &name_ptr);
		if (err)
			break;
		char *name = NULL;
		if ((err = program_read_string(prog, name_ptr, sizeof(ret->s[0].name), &name)))
			break;
		snprintf(ret->s[ret->n].name, sizeof(ret->s[0].name), "%s", name);
		ret->s[ret->n++].addr = addr;
		free(name);
	}
	if (err) {
		free(ret->s);
		return vms_error_wrap(err, "the sections of module %s", m->name);
	}
	return NULL;
}

static bool same_module_name(const char *file, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < n; i++) {
		char a = file[i] == '-' ? '_' : file[i], b = name[i] == '-' ? '_' : name[i];
		if (a != b)
			return false;
	}
	return strcmp(file + n, ".ko") == 0 || strcmp(file + n, ".ko.debug") == 0;
}

/* Find NAME.ko below @dir (depth-first, bounded). */
static char *find_ko(const char *dir, const char *name, int depth, unsigned *budget)
{
	if (depth > MAX_SEARCH_DEPTH)
		return NULL;
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	char *found = NULL;
	struct dirent *e;
	while (!found && (e = readdir(d)) && (*budget)-- > 0) {
		if (e->d_name[0] == '.')
			continue;
		char *path = NULL;
		if (asprintf(&path, "%s/%s", dir, e->d_name) < 0)
			break;
		struct stat st;
		if (stat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				found = find_ko(path, name, depth + 1, budget);
			else if (S_ISREG(st.st_mode) && same_module_name(e->d_name, name))
				found = strdup(path);
		}
		free(path);
	}
	closedir(d);
	return found;
}

VMS_MUST_CHECK static struct vms_error *debug_load(struct vms_program *prog, struct linux_module *m)
{
	const char *rel = program_osrelease(prog);
	size_t n;
	const char *const *dirs = program_debug_dirs(prog, &n);
	char *path = NULL;
	for (size_t i = 0; !path && rel && i < n; i++) {
		char *root = NULL;
		if (asprintf(&root, "%s/lib/modules/%s", dirs[i], rel) < 0)
			return &vms_enomem;
		unsigned budget = MAX_SEARCH_ENTRIES;
		path = find_ko(root, m->name, 0, &budget);
		free(root);
	}
	if (!path)
		return vms_error_create(VMS_ERR_LOOKUP, "no debug info of module %s (no %s.ko under "
					"DIR/lib/modules/%s of the debug directories)", m->name, m->name,
					rel ? rel : "?");
	struct sections ss;
	struct vms_error *err = module_sections(prog, m, &ss);
	if (!err)
		err = program_module_debug_open(path, m->name, section_lookup, &ss, &m->debug);
	if (!err)
		free(ss.s);
	if (err) {
		free(path);
		return vms_error_wrap(err, "module %s", m->name);
	}
	m->debug_path = path;
	return NULL;
}

struct vms_error *linux_module_debug(struct vms_program *prog, const struct linux_module *mod,
				     struct vms_moddebug **ret, const char **path_ret)
{
	struct linux_module *m = (struct linux_module *)mod;  // our cache
	if (!m->debug_done) {
		m->debug_done = true;
		m->debug_err = debug_load(prog, m);
	}
	if (m->debug_err)
		return crash_err_copy(m->debug_err);
	*ret = m->debug;
	if (path_ret)
		*path_ret = m->debug_path;
	return NULL;
}

/* ---- taint ---- */

struct vms_error *linux_taint_string(struct vms_program *prog, uint64_t mask, bool all_flags,
				     char *buf, size_t size)
{
	uint64_t addr;
	struct vms_type *t;
	struct vms_error *err = kf_var(prog, KF_TAINT_FLAGS, &addr, &t);
	if (err)
		return err;
	struct vms_type *arr = vms_type_strip(t);
	uint64_t esz = kf_size(prog, KF_TAINT_FLAG), n = 0;
	if (vms_type_kind(arr) == VMS_TYPE_ARRAY && vms_type_array_has_length(arr))
		n = vms_type_array_length(arr);
	if (!esz || n == 0 || n > 64)
		return vms_error_create(VMS_ERR_UNSUPPORTED, "taint_flags[] has no usable length");
	size_t len = 0;
	for (uint64_t i = 0; i < n && len + 1 < size; i++) {
		bool set = (mask >> i) & 1;
		if (!set && !all_flags)
			continue;
		uint8_t c[2];
		err = program_read(prog, addr + i * esz + (uint64_t)kf_off(prog, KF_TAINT_FLAG_C_TRUE), c, 2);
		if (err)
			return vms_error_wrap(err, "taint_flags[%" PRIu64 "]", i);
		// c_false follows c_true in every version of struct taint_flag
		buf[len++] = (char)(set ? c[0] : c[1]);
	}
	buf[len] = '\0';
	return NULL;
}

struct vms_error *linux_taint_names(struct vms_program *prog, uint64_t mask, char *buf, size_t size)
{
	buf[0] = '\0';
	if (!kf_has(prog, KF_TAINT_FLAG_DESC))
		return NULL;
	uint64_t addr;
	struct vms_type *t;
	struct vms_error *err = kf_var(prog, KF_TAINT_FLAGS, &addr, &t);
	if (err)
		return err;
	struct vms_type *arr = vms_type_strip(t);
	uint64_t esz = kf_size(prog, KF_TAINT_FLAG), n = 0;
	if (vms_type_kind(arr) == VMS_TYPE_ARRAY && vms_type_array_has_length(arr))
		n = vms_type_array_length(arr);
	size_t len = 0;
	for (uint64_t i = 0; i < n && i < 64; i++) {
		if (!((mask >> i) & 1))
			continue;
		uint64_t p;
		char *s = NULL;
		err = program_read_u64(prog, addr + i * esz + (uint64_t)kf_off(prog, KF_TAINT_FLAG_DESC), &p);
		if (!err)
			err = program_read_string(prog, p, 64, &s);
		if (err)
			return err;
		int w = snprintf(buf + len, size - len, "%s%s", len ? "," : "", s);
		free(s);
		if (w < 0 || (size_t)w >= size - len)
			break;
		len += (size_t)w;
	}
	return NULL;
}
