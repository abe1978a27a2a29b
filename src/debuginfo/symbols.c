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

static int sym_name_only_cmp(const void *a, const void *b)
{
	return strcmp(((const struct vms_symbol *)a)->name, ((const struct vms_symbol *)b)->name);
}

/* Sort @syms by address, then name: a vmlinux symbol table in the order
 * that index_installed() indexes without a second sort.  A stable radix
 * sort of the addresses, 16 bits a pass, skipping the digits all share
 * (the upper half of kernel addresses); then each run of aliases by name.
 * A comparison sort of the structures took most of the start-up. */
VMS_MUST_CHECK static struct vms_error *sort_by_address(struct vms_symbol *syms, size_t n)
{
	struct vms_symbol *tmp = malloc((n ? n : 1) * sizeof(*tmp));
	size_t *count = malloc(65536 * sizeof(*count));
	if (!tmp || !count) {
		free(tmp);
		free(count);
		return &vms_enomem;
	}
	struct vms_symbol *from = syms, *to = tmp;
	for (unsigned shift = 0; shift < 64 && n; shift += 16) {
		memset(count, 0, 65536 * sizeof(*count));
		for (size_t i = 0; i < n; i++)
			count[(from[i].address >> shift) & 0xffff]++;
		if (count[(from[0].address >> shift) & 0xffff] == n)
			continue;  // one digit for all
		size_t sum = 0;
		for (size_t d = 0; d < 65536; d++) {
			size_t c = count[d];
			count[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			to[count[(from[i].address >> shift) & 0xffff]++] = from[i];
		struct vms_symbol *t = from;
		from = to;
		to = t;
	}
	if (from != syms)
		memcpy(syms, from, n * sizeof(*syms));
	free(tmp);
	free(count);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && syms[j].address == syms[i].address; j++)
			;
		if (j - i > 1)
			qsort(syms + i, j - i, sizeof(*syms), sym_name_only_cmp);
	}
	return NULL;
}

/*
 * Symbol tables (vmlinux: ~150k names, kallsyms: ~200k) are indexed without
 * sorting by name, which would dominate the start-up: they come in address
 * order (as kallsyms and System.map keep them; a vmlinux's is sorted so
 * first), names are found through a hash map, and the name order that
 * completion wants is made on first use.
 */
/* The slot of @name in di->sym_slots: its symbol's, or the empty one where
 * it would go. */
static uint32_t *sym_slot(struct vms_debuginfo *di, const char *name)
{
	for (size_t i = vms_hash_string(name) & di->sym_mask;; i = (i + 1) & di->sym_mask) {
		uint32_t *slot = &di->sym_slots[i];
		if (!*slot || !strcmp(di->syms[*slot - 1].name, name))
			return slot;
	}
}

VMS_MUST_CHECK static struct vms_error *index_installed(struct vms_debuginfo *di)
{
	size_t n = di->nsyms;
	di->syms_by_addr = malloc((n ? n : 1) * sizeof(uint32_t));
	if (!di->syms_by_addr)
		return &vms_enomem;
	for (size_t i = 0; i < n; i++)
		di->syms_by_addr[i] = (uint32_t)i;
	bool sorted = true;
	for (size_t i = 1; i < n && sorted; i++)
		sorted = di->syms[i - 1].address <= di->syms[i].address;
	if (!sorted) {
		qsort_r(di->syms_by_addr, n, sizeof(uint32_t), sym_addr_cmp, di->syms);
	} else {
		// order each run of aliases as sym_addr_cmp does
		for (size_t i = 0, j; i < n; i = j) {
			for (j = i + 1; j < n && di->syms[j].address == di->syms[i].address; j++)
				;
			if (j - i > 1)
				qsort_r(di->syms_by_addr + i, j - i, sizeof(uint32_t), sym_addr_cmp,
					di->syms);
		}
	}
	size_t cap = 64;
	while (cap < 2 * n + 2)
		cap *= 2;
	di->sym_slots = calloc(cap, sizeof(*di->sym_slots));
	if (!di->sym_slots)
		return &vms_enomem;
	di->sym_mask = cap - 1;
	for (size_t i = 0; i < n; i++) {
		const struct vms_symbol *s = &di->syms[i];
		uint32_t *slot = sym_slot(di, s->name);
		// one name, several symbols: as sym_name_cmp orders them
		if (!*slot || sym_name_cmp(s, &di->syms[*slot - 1]) < 0)
			*slot = (uint32_t)i + 1;
	}
	return NULL;
}

struct vms_error *debuginfo_set_symbols(struct vms_debuginfo *di, struct debuginfo_symbols *s)
{
	if (s->nsyms > UINT32_MAX) {
		debuginfo_symbols_deinit(s);
		return vms_error_create(VMS_ERR_UNSUPPORTED, "too many symbols");
	}
	symbols_deinit(di);
	di->syms = s->syms;
	di->nsyms = s->nsyms;
	di->sym_names = s->names;
	di->syms_loaded = true;
	memset(s, 0, sizeof(*s));
	struct vms_error *err = index_installed(di);
	if (err)
		symbols_deinit(di);
	return err;
}

void symbols_deinit(struct vms_debuginfo *di)
{
	free(di->syms);
	free(di->syms_by_addr);
	free(di->syms_by_name);
	free(di->sym_names);
	free(di->sym_slots);
	vms_error_destroy(di->syms_err);
	di->syms = NULL;
	di->syms_by_addr = di->syms_by_name = NULL;
	di->sym_names = NULL;
	di->syms_err = NULL;
	di->sym_slots = NULL;
	di->nsyms = 0;
}

VMS_MUST_CHECK static struct vms_error *load_symbols(struct vms_debuginfo *di)
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
		// assembler-local labels (".Ltmp193" of rustc in 7.x kernels):
		// neither kallsyms nor System.map have them (scripts/mksysmap)
		if (strncmp(strtab + sym.st_name, ".L", 2) == 0)
			continue;
		struct vms_symbol *s = &di->syms[count++];
		s->name = strtab + sym.st_name;
		s->address = sym.st_value;
		s->size = sym.st_size;
		s->kind = nm_kind(&sym, shdrs, shnum);
	}
	di->nsyms = count;
	err = sort_by_address(di->syms, count);
	if (!err)
		err = index_installed(di);
out:
	free(shdrs);
	if (err) {
		free(di->syms);
		free(di->syms_by_addr);
		free(di->sym_slots);
		di->syms = NULL;
		di->syms_by_addr = NULL;
		di->sym_slots = NULL;
		di->nsyms = 0;
	}
	return err;
}

VMS_MUST_CHECK static struct vms_error *symbols_ensure(struct vms_debuginfo *di)
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
	// Remembered across processes (memo.c; not in BTF mode): a command
	// that needs a few symbols by name does not load the whole table.
	const struct di_memo_lookup *l = di->syms_loaded ? NULL : di_memo_find(di, DI_MEMO_SYMBOL, name);
	if (l) {
		if (l->code)
			return vms_error_create((enum vms_error_code)l->code, "%s",
						l->message ? l->message : "no symbol");
		*ret = (struct vms_symbol){.name = l->key + 2, .address = l->value, .size = l->size,
					   .kind = l->kind};
		return NULL;
	}
	struct vms_error *err = symbols_ensure(di);
	if (err)
		return err;
	// no table at all: BTF mode before (or without) kallsyms
	uint32_t *slot = di->sym_slots ? sym_slot(di, name) : NULL;
	if (!slot || !*slot)
		err = vms_error_create(VMS_ERR_LOOKUP, "no symbol '%s'", name);
	else
		*ret = di->syms[*slot - 1];
	// only what the ELF file says (not symbols installed from kallsyms)
	if (!di->sym_names && !di_memo_find(di, DI_MEMO_SYMBOL, name))
		di_memo_record_sym(di, DI_MEMO_SYMBOL, name, err, NULL, err ? 0 : ret->address,
				   err ? 0 : ret->size, err ? 0 : ret->kind);
	return err;
}

/* How many symbols (in address order) start at or below @addr: the index
 * in syms_by_addr of the first one above it. */
VMS_MUST_CHECK static struct vms_error *syms_above(struct vms_debuginfo *di, uint64_t addr, size_t *ret)
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
	*ret = lo;
	return NULL;
}

struct vms_error *debuginfo_symbol_at(struct vms_debuginfo *di, uint64_t addr,
				      struct vms_symbol *ret)
{
	size_t lo;
	struct vms_error *err = syms_above(di, addr, &lo);
	if (err)
		return err;
	if (lo == 0)
		return vms_error_create(VMS_ERR_LOOKUP, "no symbol at or below 0x%" PRIx64, addr);
	const struct vms_symbol *nearest = &di->syms[di->syms_by_addr[lo - 1]];
	if (nearest->address == addr) {
		// a symbol that starts at addr wins over one that merely contains
		// it (__x86_indirect_thunk_r15 inside __x86_indirect_thunk_array);
		// of several there, the first with a size
		for (size_t i = lo; i-- > 0;) {
			const struct vms_symbol *s = &di->syms[di->syms_by_addr[i]];
			if (s->address != addr)
				break;
			if (s->size)
				nearest = s;
		}
		*ret = *nearest;
		return NULL;
	}
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

struct vms_error *debuginfo_symbol_after(struct vms_debuginfo *di, uint64_t addr,
					 struct vms_symbol *ret)
{
	size_t lo;
	struct vms_error *err = syms_above(di, addr, &lo);
	if (err)
		return err;
	for (; lo < di->nsyms; lo++) {
		const struct vms_symbol *s = &di->syms[di->syms_by_addr[lo]];
		char k = (char)toupper((unsigned char)s->kind);
		if (k != 'A' && k != 'N' && k != '?') {
			*ret = *s;
			return NULL;
		}
	}
	return vms_error_create(VMS_ERR_LOOKUP, "no symbol above 0x%" PRIx64, addr);
}

struct vms_error *debuginfo_text_symbol_before(struct vms_debuginfo *di, uint64_t addr, struct vms_symbol *ret)
{
	size_t lo;
	struct vms_error *err = syms_above(di, addr, &lo);
	if (err)
		return err;
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

static int index_name_cmp(const void *a, const void *b, void *arg)
{
	const struct vms_symbol *syms = arg;
	return sym_name_cmp(&syms[*(const uint32_t *)a], &syms[*(const uint32_t *)b]);
}

const struct vms_symbol *debuginfo_symbol_by_index(struct vms_debuginfo *di, size_t i)
{
	if (i >= debuginfo_symbol_count(di))
		return NULL;
	if (!di->syms_by_name) {
		di->syms_by_name = malloc(di->nsyms * sizeof(uint32_t));
		if (!di->syms_by_name)
			return NULL;
		for (size_t k = 0; k < di->nsyms; k++)
			di->syms_by_name[k] = (uint32_t)k;
		qsort_r(di->syms_by_name, di->nsyms, sizeof(uint32_t), index_name_cmp, di->syms);
	}
	return &di->syms[di->syms_by_name[i]];
}
