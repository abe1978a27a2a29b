// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The ELF symbol table: loaded on first use into an array sorted by name and
 * an index array sorted by address.  Names point into the mapped file.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo/internal.h"

static char nm_kind(const GElf_Sym *sym, const GElf_Shdr *shdrs, size_t shnum)
{
	int bind = GELF_ST_BIND(sym->st_info);
	int type = GELF_ST_TYPE(sym->st_info);
	char c;
	if (sym->st_shndx == SHN_ABS) {
		c = 'A';
	} else if (sym->st_shndx == SHN_COMMON) {
		c = 'C';
	} else if (bind == STB_WEAK) {
		return type == STT_OBJECT ? 'V' : 'W';
	} else if (sym->st_shndx >= shnum) {
		c = '?';
	} else {
		const GElf_Shdr *sh = &shdrs[sym->st_shndx];
		if (sh->sh_flags & SHF_EXECINSTR)
			c = 'T';
		else if (sh->sh_type == SHT_NOBITS)
			c = 'B';
		else if (sh->sh_flags & SHF_WRITE)
			c = 'D';
		else if (sh->sh_flags & SHF_ALLOC)
			c = 'R';
		else
			c = 'N';
	}
	if (bind == STB_LOCAL)
		c = tolower((unsigned char)c);
	return c;
}

static int sym_name_cmp(const void *a, const void *b)
{
	const struct vms_symbol *x = a, *y = b;
	int r = strcmp(x->name, y->name);
	if (r)
		return r;
	// globals first, then by address, for a stable choice
	bool gx = isupper((unsigned char)x->kind), gy = isupper((unsigned char)y->kind);
	if (gx != gy)
		return gx ? -1 : 1;
	return x->address < y->address ? -1 : x->address > y->address;
}

static int sym_addr_cmp(const void *a, const void *b, void *arg)
{
	const struct vms_symbol *syms = arg;
	const struct vms_symbol *x = &syms[*(const uint32_t *)a];
	const struct vms_symbol *y = &syms[*(const uint32_t *)b];
	if (x->address != y->address)
		return x->address < y->address ? -1 : 1;
	// at one address: globals, then sized, then by name (already index order)
	bool gx = isupper((unsigned char)x->kind), gy = isupper((unsigned char)y->kind);
	if (gx != gy)
		return gx ? 1 : -1; // best last: lookups take the last one <= addr
	if ((x->size != 0) != (y->size != 0))
		return x->size ? 1 : -1;
	return *(const uint32_t *)a < *(const uint32_t *)b ? 1 : -1;
}

static struct vms_error *load_symbols(struct vms_debuginfo *di)
{
	size_t shnum;
	if (elf_getshdrnum(di->elf, &shnum) != 0)
		return vms_error_create(VMS_ERR_FORMAT, "%s: bad section headers", di->path);
	GElf_Shdr *shdrs = calloc(shnum ? shnum : 1, sizeof(*shdrs));
	if (!shdrs)
		return &vms_enomem;
	Elf_Scn *symscn = NULL, *scn = NULL;
	while ((scn = elf_nextscn(di->elf, scn))) {
		size_t i = elf_ndxscn(scn);
		if (i < shnum && gelf_getshdr(scn, &shdrs[i]) && shdrs[i].sh_type == SHT_SYMTAB)
			symscn = scn;
	}
	struct vms_error *err = NULL;
	if (!symscn) {
		err = vms_error_create(VMS_ERR_FORMAT, "'%s' has no symbol table", di->path);
		goto out;
	}
	size_t symidx = elf_ndxscn(symscn);
	Elf_Data *data = elf_getdata(symscn, NULL);
	Elf_Scn *strscn = elf_getscn(di->elf, shdrs[symidx].sh_link);
	Elf_Data *strdata = strscn ? elf_getdata(strscn, NULL) : NULL;
	if (!data || !strdata) {
		err = vms_error_create(VMS_ERR_FORMAT, "%s: cannot read symbol table: %s",
				       di->path, elf_errmsg(-1));
		goto out;
	}
	size_t n = shdrs[symidx].sh_entsize ? data->d_size / shdrs[symidx].sh_entsize : 0;
	di->syms = malloc((n ? n : 1) * sizeof(*di->syms));
	if (!di->syms) {
		err = &vms_enomem;
		goto out;
	}
	const char *strtab = strdata->d_buf;
	size_t strsize = strdata->d_size;
	size_t count = 0;
	for (size_t i = 1; i < n; i++) {
		GElf_Sym sym;
		if (!gelf_getsym(data, (int)i, &sym))
			continue;
		int type = GELF_ST_TYPE(sym.st_info);
		if (type == STT_SECTION || type == STT_FILE || sym.st_shndx == SHN_UNDEF ||
		    sym.st_name == 0 || sym.st_name >= strsize || !strtab[sym.st_name])
			continue;
		if (!memchr(strtab + sym.st_name, 0, strsize - sym.st_name))
			continue;
		struct vms_symbol *s = &di->syms[count++];
		s->name = strtab + sym.st_name;
		s->address = sym.st_value;
		s->size = sym.st_size;
		s->kind = nm_kind(&sym, shdrs, shnum);
	}
	di->nsyms = count;
	qsort(di->syms, count, sizeof(*di->syms), sym_name_cmp);
	di->syms_by_addr = malloc((count ? count : 1) * sizeof(uint32_t));
	if (!di->syms_by_addr) {
		err = &vms_enomem;
		goto out;
	}
	for (size_t i = 0; i < count; i++)
		di->syms_by_addr[i] = (uint32_t)i;
	qsort_r(di->syms_by_addr, count, sizeof(uint32_t), sym_addr_cmp, di->syms);
out:
	free(shdrs);
	if (err) {
		free(di->syms);
		free(di->syms_by_addr);
		di->syms = NULL;
		di->syms_by_addr = NULL;
		di->nsyms = 0;
	}
	return err;
}

static struct vms_error *symbols_ensure(struct vms_debuginfo *di)
{
	if (!di->syms_loaded) {
		di->syms_loaded = true;
		di->syms_err = load_symbols(di);
	}
	if (di->syms_err)
		return vms_error_create(di->syms_err->code, "%s", di->syms_err->message);
	return NULL;
}

struct vms_error *debuginfo_symbol(struct vms_debuginfo *di, const char *name,
				   struct vms_symbol *ret)
{
	struct vms_error *err = symbols_ensure(di);
	if (err)
		return err;
	// first entry with this name: globals sort first among equal names
	size_t lo = 0, hi = di->nsyms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(di->syms[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == di->nsyms || strcmp(di->syms[lo].name, name) != 0)
		return vms_error_create(VMS_ERR_LOOKUP, "no symbol '%s'", name);
	*ret = di->syms[lo];
	return NULL;
}

struct vms_error *debuginfo_symbol_at(struct vms_debuginfo *di, uint64_t addr,
				      struct vms_symbol *ret)
{
	struct vms_error *err = symbols_ensure(di);
	if (err)
		return err;
	size_t lo = 0, hi = di->nsyms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (di->syms[di->syms_by_addr[mid]].address <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return vms_error_create(VMS_ERR_LOOKUP, "no symbol at or below 0x%" PRIx64, addr);
	const struct vms_symbol *nearest = &di->syms[di->syms_by_addr[lo - 1]];
	// a symbol further down may contain addr (an object with labels inside)
	for (size_t i = lo; i-- > 0 && lo - i <= 64;) {
		const struct vms_symbol *s = &di->syms[di->syms_by_addr[i]];
		if (addr - s->address < s->size) {
			*ret = *s;
			return NULL;
		}
	}
	*ret = *nearest;
	return NULL;
}

struct vms_error *debuginfo_text_symbol_before(struct vms_debuginfo *di, uint64_t addr, struct vms_symbol *ret)
{
	struct vms_error *err = symbols_ensure(di);
	if (err)
		return err;
	size_t lo = 0, hi = di->nsyms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (di->syms[di->syms_by_addr[mid]].address <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	const struct vms_symbol *best = NULL;
	for (size_t i = lo; i-- > 0 && lo - i <= 64;) {
		const struct vms_symbol *s = &di->syms[di->syms_by_addr[i]];
		if (best && s->address != best->address)
			break;
		if (s->kind != 'T' && s->kind != 't' && s->kind != 'W' && s->kind != 'w')
			continue;
		// aliases: kallsyms keeps the first of scripts/kallsyms.c's order,
		// which puts strong before weak, fewer leading underscores first,
		// then nm's order (by name)
		if (!best) {
			best = s;
			continue;
		}
		bool sw = s->kind == 'W' || s->kind == 'w', bw = best->kind == 'W' || best->kind == 'w';
		size_t su = strspn(s->name, "_"), bu = strspn(best->name, "_");
		if (sw != bw ? !sw : su != bu ? su < bu : strcmp(s->name, best->name) < 0)
			best = s;
	}
	if (!best)
		return vms_error_create(VMS_ERR_LOOKUP, "no text symbol at or below 0x%" PRIx64, addr);
	*ret = *best;
	return NULL;
}

size_t debuginfo_symbol_count(struct vms_debuginfo *di)
{
	struct vms_error *err = symbols_ensure(di);
	if (err) {
		vms_error_destroy(err);
		return 0;
	}
	return di->nsyms;
}

const struct vms_symbol *debuginfo_symbol_by_index(struct vms_debuginfo *di, size_t i)
{
	return i < debuginfo_symbol_count(di) ? &di->syms[i] : NULL;
}
