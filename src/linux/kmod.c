// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/kmod.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/vector.h"
#include "linux/kfacts.h"
#include "linux/list.h"

// Sanity bounds (not kernel facts).
#define MAX_MODULES 65536
#define MAX_MODULE_SYMBOLS (1u << 20)
#define MAX_SYMBOL_NAME 512

void linux_kmods_destroy(struct linux_kmods *m)
{
	if (!m)
		return;
	free(m->mods);
	free(m->error);
	free(m);
}

struct mod_walk {
	struct linux_kmem_base *b;
	struct linux_kmods *m;
	size_t cap;
	uint64_t list_off;
};

static const char *mem_kind(struct vms_program *prog, unsigned i, char *buf, size_t len)
{
	// enum mod_mem_type: MOD_TEXT -> "text", MOD_RO_AFTER_INIT -> "ro_after_init"
	struct vms_type *t = vms_type_strip(kf_type(prog, KF_KMEM_ENUM_MOD_MEM_TYPE));
	for (size_t k = 0; t && k < vms_type_enumerator_count(t); k++) {
		const struct vms_type_enumerator *e = vms_type_enumerator(t, k);
		if (e->value == (int64_t)i && strncmp(e->name, "MOD_", 4) == 0) {
			size_t n = 0;
			for (const char *p = e->name + 4; *p && n + 1 < len; p++)
				buf[n++] = (char)tolower((unsigned char)*p);
			buf[n] = '\0';
			return buf;
		}
	}
	snprintf(buf, len, "mem%u", i);
	return buf;
}

static const char *intern_kind(const char *s)
{
	static const char *const known[] = { "text", "data", "rodata", "ro_after_init", "init_text",
					     "init_data", "init_rodata" };
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(known[i], s) == 0)
			return known[i];
	return "other";
}

static void add_mem(struct linux_kmod *k, uint64_t base, uint64_t size, const char *kind)
{
	if (!size || k->nr_mem >= LINUX_KMOD_MAX_MEM)
		return;
	k->mem[k->nr_mem].base = base;
	k->mem[k->nr_mem].size = size;
	k->mem[k->nr_mem].kind = kind;
	k->nr_mem++;
}

/* 5.10-6.3: core_layout and init_layout, each text | rodata | ro_after_init | data. */
VMS_MUST_CHECK static struct vms_error *read_layout(struct vms_program *prog, uint64_t at, struct linux_kmod *k, bool init)
{
	uint64_t base;
	uint32_t size, text, ro, roai = 0;
	struct vms_error *err;
	if ((err = program_read_u64(prog, at + (uint64_t)kf_off(prog, KF_KMEM_MODLAY_BASE), &base)) ||
	    (err = program_read_u32(prog, at + (uint64_t)kf_off(prog, KF_KMEM_MODLAY_SIZE), &size)) ||
	    (err = program_read_u32(prog, at + (uint64_t)kf_off(prog, KF_KMEM_MODLAY_TEXT_SIZE), &text)) ||
	    (err = program_read_u32(prog, at + (uint64_t)kf_off(prog, KF_KMEM_MODLAY_RO_SIZE), &ro)))
		return err;
	if (kf_has(prog, KF_KMEM_MODLAY_RO_AFTER_INIT_SIZE) &&
	    (err = program_read_u32(prog, at + (uint64_t)kf_off(prog, KF_KMEM_MODLAY_RO_AFTER_INIT_SIZE), &roai)))
		return err;
	if (ro < text)
		ro = text;
	if (roai < ro)
		roai = ro;
	if (size < roai)
		size = roai;
	add_mem(k, base, text, init ? "init_text" : "text");
	add_mem(k, base + text, ro - text, init ? "init_rodata" : "rodata");
	add_mem(k, base + ro, roai - ro, "ro_after_init");
	add_mem(k, base + roai, size - roai, init ? "init_data" : "data");
	if (init)
		k->init_text_end = base + text;
	else
		k->text_end = base + text;
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *on_module(void *arg, uint64_t node)
{
	struct mod_walk *w = arg;
	struct vms_program *prog = w->b->prog;
	struct linux_kmods *m = w->m;
	if (!vms_array_reserve(m->mods, w->cap, m->nr + 1))
		return &vms_enomem;
	struct linux_kmod *k = &m->mods[m->nr];
	memset(k, 0, sizeof(*k));
	k->addr = node - w->list_off;
	struct vms_error *err;
	int64_t name_off = kf_off(prog, KF_KMEM_MOD_NAME);
	if (name_off >= 0 &&
	    (err = program_read(prog, k->addr + (uint64_t)name_off, k->name, sizeof(k->name) - 1)))
		return err;
	k->name[sizeof(k->name) - 1] = '\0';
	if (kf_has(prog, KF_KMEM_MOD_MEM)) {
		uint64_t stride = kf_size(prog, KF_KMEM_MODULE_MEMORY);
		struct vms_type *arr = vms_type_strip(kf_type(prog, KF_KMEM_MOD_MEM));
		uint64_t n = arr && vms_type_kind(arr) == VMS_TYPE_ARRAY ? vms_type_array_length(arr) : 0;
		uint64_t at = k->addr + (uint64_t)kf_off(prog, KF_KMEM_MOD_MEM);
		for (uint64_t i = 0; i < n && i < LINUX_KMOD_MAX_MEM && stride; i++) {
			uint64_t base;
			uint32_t size;
			if ((err = program_read_u64(prog, at + i * stride + (uint64_t)kf_off(prog, KF_KMEM_MODMEM_BASE),
						    &base)) ||
			    (err = program_read_u32(prog, at + i * stride + (uint64_t)kf_off(prog, KF_KMEM_MODMEM_SIZE),
						    &size)))
				return err;
			char kb[32];
			const char *kind = intern_kind(mem_kind(prog, (unsigned)i, kb, sizeof(kb)));
			add_mem(k, base, size, kind);
			if (strcmp(kind, "text") == 0)
				k->text_end = base + size;
			else if (strcmp(kind, "init_text") == 0)
				k->init_text_end = base + size;
		}
	} else if (kf_has(prog, KF_KMEM_MOD_CORE_LAYOUT)) {
		if ((err = read_layout(prog, k->addr + (uint64_t)kf_off(prog, KF_KMEM_MOD_CORE_LAYOUT), k, false)))
			return err;
		if (kf_has(prog, KF_KMEM_MOD_INIT_LAYOUT) &&
		    (err = read_layout(prog, k->addr + (uint64_t)kf_off(prog, KF_KMEM_MOD_INIT_LAYOUT), k, true)))
			return err;
	}
	int64_t ks = kf_off(prog, KF_KMEM_MOD_KALLSYMS);
	if (ks >= 0 && (err = program_read_u64(prog, k->addr + (uint64_t)ks, &k->kallsyms)))
		return err;
	m->nr++;
	return NULL;
}

struct vms_error *linux_kmods_read(struct linux_kmem_base *b, struct linux_kmods **ret)
{
	struct linux_kmods *m = calloc(1, sizeof(*m));
	if (!m)
		return &vms_enomem;
	struct vms_program *prog = b->prog;
	uint64_t head, list_off;
	struct vms_error *err;
	if ((err = kf_var(prog, KF_KMEM_MODULES, &head, NULL)) || (err = kf_need_off(prog, KF_KMEM_MOD_LIST, &list_off))) {
		m->error = strdup(err->message);
		vms_error_destroy(err);
		*ret = m;
		return NULL;
	}
	struct mod_walk w = { .b = b, .m = m, .list_off = list_off };
	err = linux_list_for_each(&b->mem, &b->walk, head, MAX_MODULES, on_module, &w);
	if (err == &vms_enomem) {
		linux_kmods_destroy(m);
		return err;
	}
	if (err) {
		m->error = strdup(err->message);
		vms_error_destroy(err);
	}
	*ret = m;
	return NULL;
}

const struct linux_kmod *linux_kmod_at(const struct linux_kmods *m, uint64_t addr, unsigned *mem_ret)
{
	for (size_t i = 0; m && i < m->nr; i++)
		for (unsigned k = 0; k < m->mods[i].nr_mem; k++)
			if (addr - m->mods[i].mem[k].base < m->mods[i].mem[k].size) {
				if (mem_ret)
					*mem_ret = k;
				return &m->mods[i];
			}
	return NULL;
}

static bool mapping_symbol(const char *s)
{
	// include/linux/module_symbol.h is_mapping_symbol()
	return (s[0] == '.' && s[1] == 'L') || (s[0] == 'L' && s[1] == '0') || s[0] == '$';
}

/* The symbol @addr names in module @mod: *name_ret malloc'd, offset and
 * size as kallsyms computes them.  VMS_ERR_LOOKUP when none. */
VMS_MUST_CHECK static struct vms_error *linux_kmod_symbol(struct linux_kmem_base *b, const struct linux_kmod *mod, uint64_t addr,
							  char **name_ret, uint64_t *offset_ret, uint64_t *size_ret)
{
	struct vms_program *prog = b->prog;
	if (!mod->kallsyms)
		return vms_error_create(VMS_ERR_LOOKUP, "module %s has no kallsyms", mod->name);
	uint64_t symtab, strtab, esz = kf_size(prog, KF_KMEM_ELF_SYM);
	uint32_t num;
	int64_t o_name = kf_off(prog, KF_KMEM_ELFSYM_NAME), o_shndx = kf_off(prog, KF_KMEM_ELFSYM_SHNDX),
		o_value = kf_off(prog, KF_KMEM_ELFSYM_VALUE);
	if (!esz || esz > 64 || o_name < 0 || o_shndx < 0 || o_value < 0 || !kf_has(prog, KF_KMEM_MODKS_SYMTAB))
		return vms_error_create(VMS_ERR_LOOKUP, "Elf64_Sym or struct mod_kallsyms is not in the debug info");
	struct vms_error *err;
	uint64_t ks = mod->kallsyms;
	if ((err = program_read_u64(prog, ks + (uint64_t)kf_off(prog, KF_KMEM_MODKS_SYMTAB), &symtab)) ||
	    (err = program_read_u32(prog, ks + (uint64_t)kf_off(prog, KF_KMEM_MODKS_NUM_SYMTAB), &num)) ||
	    (err = program_read_u64(prog, ks + (uint64_t)kf_off(prog, KF_KMEM_MODKS_STRTAB), &strtab)))
		return vms_error_wrap(err, "module %s kallsyms", mod->name);
	if (num > MAX_MODULE_SYMBOLS)
		return vms_error_addr(VMS_ERR_CORRUPT, ks, "module %s: %u symbols", mod->name, num);
	uint8_t *syms = malloc((size_t)num * esz + 1);
	if (!syms)
		return &vms_enomem;
	if ((err = program_read(prog, symtab, syms, (size_t)num * esz))) {
		free(syms);
		return vms_error_wrap(err, "module %s symbol table", mod->name);
	}
	bool init = false;
	for (unsigned k = 0; k < mod->nr_mem; k++)
		if (addr - mod->mem[k].base < mod->mem[k].size && strncmp(mod->mem[k].kind, "init", 4) == 0)
			init = true;
	uint64_t nextval = init ? mod->init_text_end : mod->text_end, bestval = 0;
	uint32_t best = 0;
	uint16_t undef = (uint16_t)kf_const_or(prog, KF_KMEM_SHN_UNDEF, 0);
	if (num)
		memcpy(&bestval, syms + (uint64_t)o_value, 8);
	char nb[4];
	for (uint32_t i = 1; i < num; i++) {
		const uint8_t *s = syms + (uint64_t)i * esz;
		uint64_t val;
		uint16_t shndx;
		uint32_t sname;
		memcpy(&val, s + o_value, 8);
		memcpy(&shndx, s + o_shndx, 2);
		memcpy(&sname, s + o_name, 4);
		if (shndx == undef)
			continue;
		if (program_read(prog, strtab + sname, nb, 2)) {
			continue;
		}
		nb[2] = '\0';
		if (nb[0] == '\0' || mapping_symbol(nb))
			continue;
		if (val <= addr && val > bestval) {
			best = i;
			bestval = val;
		}
		if (val > addr && val < nextval)
			nextval = val;
	}
	uint32_t sname = 0;
	if (best)
		memcpy(&sname, syms + (uint64_t)best * esz + o_name, 4);
	free(syms);
	if (!best)
		return vms_error_create(VMS_ERR_LOOKUP, "no symbol of module %s at 0x%" PRIx64, mod->name, addr);
	if ((err = program_read_string(prog, strtab + sname, MAX_SYMBOL_NAME, name_ret)))
		return err;
	*offset_ret = addr - bestval;
	*size_ret = nextval - bestval;
	return NULL;
}

void linux_kmem_symbolize(struct linux_kmem_base *b, const struct linux_kmods *mods, uint64_t addr, char *buf,
			  size_t len)
{
	const struct linux_kmod *mod = linux_kmod_at(mods, addr, NULL);
	if (mod) {
		char *name;
		uint64_t off = 0, size = 0;
		struct vms_error *err = linux_kmod_symbol(b, mod, addr, &name, &off, &size);
		if (!err) {
			snprintf(buf, len, "%s+0x%" PRIx64 "/0x%" PRIx64 " [%s]", name, off, size, mod->name);
			free(name);
			return;
		}
		vms_error_destroy(err);
		snprintf(buf, len, "0x%" PRIx64 " [%s]", addr, mod->name);
		return;
	}
	struct program_symbol s, next;
	uint64_t off;
	struct vms_error *err = NULL;
	linux_kmem_image(b);
	if (b->text && (addr < b->text || addr >= b->end)) {
		snprintf(buf, len, "0x%" PRIx64, addr);
		return;
	}
	if ((err = program_symbol_at(b->prog, addr, &s, &off))) {
		vms_error_destroy(err);
		snprintf(buf, len, "0x%" PRIx64, addr);
		return;
	}
	// kallsyms ends a symbol where the next one starts
	uint64_t size = s.size;
	if (!(err = program_symbol_after(b->prog, s.address, &next)))
		size = next.address - s.address;
	vms_error_destroy(err);
	snprintf(buf, len, "%s+0x%" PRIx64 "/0x%" PRIx64, s.name, off, size);
}
