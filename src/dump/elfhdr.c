// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * ELF dump headers, checked before libkdumpfile reads them (see elfhdr.h).
 * The reading mirrors libkdumpfile 0.5.1's elfdump.c (init_elf64(),
 * init_elf32(), init_strtab(), open_common()): the same fields, the same
 * extended counts (e_phnum == PN_XNUM, e_shnum == 0), so that whatever it
 * will allocate or copy has been bounded here first.
 */
#include "dump/elfhdr.h"

#include <elf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump/kdumpc.h"

/* Byte order and class of the file, and accessors for its fields. */
struct ehdr {
	bool is64, le;
	const char *path;
	int fd;
	uint64_t fsize;
	uint16_t type, machine, phentsize, shentsize, shstrndx;
	uint64_t phoff, shoff, phnum, shnum;
};

static uint64_t get(const struct ehdr *h, const uint8_t *p, unsigned size)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)p[h->le ? i : size - 1 - i] << (8 * i);
	return v;
}

#define FIELD(h, p, T64, T32, f)                                                  \
	((h)->is64 ? get(h, (p) + offsetof(T64, f), sizeof(((T64 *)0)->f))     \
		   : get(h, (p) + offsetof(T32, f), sizeof(((T32 *)0)->f)))

struct phdr {
	uint32_t type;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

static void phdr_get(const struct ehdr *h, const uint8_t *p, struct phdr *ph)
{
	ph->type = (uint32_t)FIELD(h, p, Elf64_Phdr, Elf32_Phdr, p_type);
	ph->offset = FIELD(h, p, Elf64_Phdr, Elf32_Phdr, p_offset);
	ph->vaddr = FIELD(h, p, Elf64_Phdr, Elf32_Phdr, p_vaddr);
	ph->paddr = FIELD(h, p, Elf64_Phdr, Elf32_Phdr, p_paddr);
	ph->filesz = FIELD(h, p, Elf64_Phdr, Elf32_Phdr, p_filesz);
	ph->memsz = FIELD(h, p, Elf64_Phdr, Elf32_Phdr, p_memsz);
	// libkdumpfile takes an all-ones 32-bit address for "none" too
	if (!h->is64 && ph->paddr == UINT32_MAX)
		ph->paddr = UINT64_MAX;
}

struct shdr {
	uint32_t name, info;
	uint64_t offset, size;
};

static void shdr_get(const struct ehdr *h, const uint8_t *p, struct shdr *sh)
{
	sh->name = (uint32_t)FIELD(h, p, Elf64_Shdr, Elf32_Shdr, sh_name);
	sh->info = (uint32_t)FIELD(h, p, Elf64_Shdr, Elf32_Shdr, sh_info);
	sh->offset = FIELD(h, p, Elf64_Shdr, Elf32_Shdr, sh_offset);
	sh->size = FIELD(h, p, Elf64_Shdr, Elf32_Shdr, sh_size);
}

VMS_MUST_CHECK static struct vms_error *corrupt(const struct ehdr *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

VMS_MUST_CHECK static struct vms_error *corrupt(const struct ehdr *h, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return vms_error_create(VMS_ERR_FORMAT, "%s: corrupt ELF headers: %s", h->path, msg);
}

/* [off, off + len) lies within the file (and does not wrap). */
static bool in_file(const struct ehdr *h, uint64_t off, uint64_t len)
{
	return off <= h->fsize && len <= h->fsize - off;
}

/*
 * Read a table of @n entries of @entsize bytes at @off (program or section
 * headers).  The table must lie within the file: checked before anything is
 * allocated.
 */
VMS_MUST_CHECK static struct vms_error *read_table(const struct ehdr *h, const char *what, uint64_t off,
						   uint64_t n, uint64_t entsize, uint8_t **ret)
{
	if (n > h->fsize / entsize || !in_file(h, off, n * entsize))
		return vms_error_create(VMS_ERR_FORMAT,
					"%s: truncated: %" PRIu64 " %s headers at offset %" PRIu64
					" end beyond the end of the file",
					h->path, n, what, off);
	// a table larger than any dump's metadata is corrupt (a live image's
	// "file size" bounds nothing)
	if (entsize && n > ELFHDR_META_MAX / entsize)
		return vms_error_create(VMS_ERR_FORMAT,
					"%s: corrupt ELF headers: %" PRIu64 " %s headers of %" PRIu64 " bytes",
					h->path, n, what, entsize);
	size_t len = (size_t)(n * entsize);
	uint8_t *buf = malloc(len ? len : 1);
	if (!buf)
		return &vms_enomem;
	int64_t got = kdc_pread_full(h->fd, buf, len, off);
	if (got < 0 || (uint64_t)got != len) {
		free(buf);
		return got < 0 ? vms_error_errno((int)-got, "%s: reading %s headers", h->path, what)
			       : vms_error_create(VMS_ERR_FORMAT,
						  "%s: truncated: %s headers cut off", h->path, what);
	}
	*ret = buf;
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *parse_ehdr(struct ehdr *h, const uint8_t *head, size_t headlen)
{
	h->is64 = head[EI_CLASS] == ELFCLASS64;
	h->le = head[EI_DATA] == ELFDATA2LSB;
	if (head[EI_CLASS] != ELFCLASS64 && head[EI_CLASS] != ELFCLASS32)
		return vms_error_create(VMS_ERR_FORMAT, "%s: not a kernel dump (ELF class %u)",
					h->path, head[EI_CLASS]);
	if (head[EI_DATA] != ELFDATA2LSB && head[EI_DATA] != ELFDATA2MSB)
		return vms_error_create(VMS_ERR_FORMAT, "%s: not a kernel dump (ELF data encoding %u)",
					h->path, head[EI_DATA]);
	if (headlen < (h->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return vms_error_create(VMS_ERR_FORMAT, "%s: truncated: ELF header is cut off",
					h->path);
	h->type = (uint16_t)FIELD(h, head, Elf64_Ehdr, Elf32_Ehdr, e_type);
	h->machine = (uint16_t)FIELD(h, head, Elf64_Ehdr, Elf32_Ehdr, e_machine);
	h->phoff = FIELD(h, head, Elf64_Ehdr, Elf32_Ehdr, e_phoff);
	h->shoff = FIELD(h, head, Elf64_Ehdr, Elf32_Ehdr, e_shoff);
	h->phentsize = (uint16_t)FIELD(h, head, Elf64_Ehdr, Elf32_Ehdr, e_phentsize);
	h->phnum = FIELD(h, head, Elf64_Ehdr, Elf32_Ehdr, e_phnum);
	h->shentsize = (uint16_t)FIELD(h, head, Elf64_Ehdr, Elf32_Ehdr, e_shentsize);
	h->shnum = FIELD(h, head, Elf64_Ehdr, Elf32_Ehdr, e_shnum);
	h->shstrndx = (uint16_t)FIELD(h, head, Elf64_Ehdr, Elf32_Ehdr, e_shstrndx);
	if (h->type != ET_CORE)
		return vms_error_create(VMS_ERR_FORMAT,
					"%s: not a kernel dump (ELF file of type %u, not a core file)",
					h->path, h->type);
	return NULL;
}

/*
 * The section headers, read as libkdumpfile reads them: when e_shoff is set
 * and either count is extended, section 0 holds the real e_shnum (sh_size)
 * and e_phnum (sh_info); then e_shnum headers at e_shoff, whatever e_shoff
 * is (0 included: an e_shnum without e_shoff made libkdumpfile read headers
 * of size 0 and crash, found by fuzzing).  Checks every section whose contents libkdumpfile
 * reads whole (the name table, Xen notes) or walks (Xen page maps).
 */
VMS_MUST_CHECK static struct vms_error *check_sections(struct ehdr *h)
{
	// (libkdumpfile reads e_shnum headers even at e_shoff 0)
	if (!h->shoff && !h->shnum)
		return NULL;
	uint64_t entsize = h->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	if (h->shentsize < entsize)
		return corrupt(h, "section header size %u, want %" PRIu64, h->shentsize, entsize);
	uint8_t *tab = NULL;
	struct vms_error *err;
	if (h->shoff && (h->shnum == 0 || h->phnum == PN_XNUM)) {
		err = read_table(h, "section", h->shoff, 1, h->shentsize, &tab);
		if (err)
			return err;
		struct shdr s0;
		shdr_get(h, tab, &s0);
		free(tab);
		tab = NULL;
		if (h->shnum == 0)
			h->shnum = s0.size;
		if (h->shnum > 0 && h->phnum == PN_XNUM)
			h->phnum = s0.info;
	}
	if (!h->shnum)
		return NULL;
	err = read_table(h, "section", h->shoff, h->shnum, h->shentsize, &tab);
	if (err)
		return err;
	// The name table, read whole (beyond the end of a cut file: zeros).
	char *names = NULL;
	uint64_t names_len = 0;
	if (h->shstrndx && h->shstrndx < h->shnum) {
		struct shdr st;
		shdr_get(h, tab + (size_t)h->shstrndx * h->shentsize, &st);
		if (st.size > ELFHDR_META_MAX || st.offset + st.size < st.offset) {
			err = corrupt(h, "section name table of %" PRIu64 " bytes at offset %" PRIu64,
				      st.size, st.offset);
			goto out;
		}
		names_len = st.size;
		names = calloc(1, (size_t)names_len + 1);
		if (!names) {
			err = &vms_enomem;
			goto out;
		}
		if (st.offset < h->fsize) {
			uint64_t n = h->fsize - st.offset < names_len ? h->fsize - st.offset : names_len;
			int64_t got = kdc_pread_full(h->fd, names, (size_t)n, st.offset);
			if (got < 0) {
				err = vms_error_errno((int)-got, "%s: reading section names", h->path);
				goto out;
			}
		}
	}
	for (uint64_t i = 0; i < h->shnum; i++) {
		struct shdr s;
		shdr_get(h, tab + (size_t)i * h->shentsize, &s);
		if (s.offset + s.size < s.offset) {
			err = corrupt(h, "section %" PRIu64 ": offset %" PRIu64 " + size %" PRIu64
				      " wraps around", i, s.offset, s.size);
			goto out;
		}
		const char *name = s.name < names_len ? names + s.name : "";
		if ((!strcmp(name, ".note.Xen") || !strcmp(name, ".xen_prstatus")) &&
		    s.size > ELFHDR_META_MAX) {
			err = corrupt(h, "section %s of %" PRIu64 " bytes", name, s.size);
			goto out;
		}
		if ((!strcmp(name, ".xen_p2m") || !strcmp(name, ".xen_pfn")) &&
		    !in_file(h, s.offset, s.size)) {
			err = corrupt(h, "section %s ends beyond the end of the file", name);
			goto out;
		}
	}
	err = NULL;
out:
	free(names);
	free(tab);
	return err;
}

VMS_MUST_CHECK static struct vms_error *check_phdr(const struct ehdr *h, uint64_t i, const struct phdr *p)
{
	if (p->type == PT_NOTE) {
		if (p->offset + p->filesz < p->offset || p->filesz > ELFHDR_META_MAX)
			return corrupt(h, "PT_NOTE %" PRIu64 " of %" PRIu64 " bytes at offset %" PRIu64,
				       i, p->filesz, p->offset);
		return NULL;
	}
	if (p->type != PT_LOAD)
		return NULL;
	if (p->offset + p->filesz < p->offset)
		return corrupt(h, "PT_LOAD %" PRIu64 ": file offset %" PRIu64 " + size %" PRIu64
			       " wraps around", i, p->offset, p->filesz);
	if (p->filesz > p->memsz)
		return corrupt(h, "PT_LOAD %" PRIu64 ": %" PRIu64 " bytes in the file but %" PRIu64
			       " in memory", i, p->filesz, p->memsz);
	if (p->memsz && p->paddr != UINT64_MAX && p->paddr + (p->memsz - 1) < p->paddr)
		return corrupt(h, "PT_LOAD %" PRIu64 ": physical 0x%" PRIx64 " + size 0x%" PRIx64
			       " wraps around", i, p->paddr, p->memsz);
	if (p->memsz && p->vaddr + (p->memsz - 1) < p->vaddr)
		return corrupt(h, "PT_LOAD %" PRIu64 ": virtual 0x%" PRIx64 " + size 0x%" PRIx64
			       " wraps around", i, p->vaddr, p->memsz);
	return NULL;
}

/*
 * VMCOREINFO as libkdumpfile will take it (vmcoreinfo_raw_post_hook(): one
 * attribute per line, the key up to '=' split at '.' into an attribute
 * path): a key with an empty path component crashes libkdumpfile 0.5.1 (a
 * leading '.', found by fuzzing), and an empty key ("=x") makes it lose
 * its page size.  The kernel writes printable keys of non-empty components
 * ("OFFSET(page.flags)"); anything else is refused (empty lines pass), as is
 * a PAGESIZE that is not one.
 */
/* The value of PAGESIZE as libkdumpfile reads it (decimal, up to the line's
 * end or a NUL): libkdumpfile sets its page size from it unchecked, and a
 * zero ("PAGESIZE=" with no digits) makes it divide by zero while it sets
 * up the architecture.  A page size is a power of two, 512 B to 1 GiB. */
static bool page_size_ok(const char *v, const char *end)
{
	uint64_t n = 0;
	const char *d = v;
	for (; d < end && *d >= '0' && *d <= '9' && d - v < 11; d++)
		n = n * 10 + (uint64_t)(*d - '0');
	if (d == v || (d < end && *d != '\0' && *d != '\r'))
		return false;
	return n >= 512 && n <= (UINT64_C(1) << 30) && !(n & (n - 1));
}

VMS_MUST_CHECK static struct vms_error *check_vmcoreinfo(const struct ehdr *h, const char *text, size_t len)
{
	unsigned line = 0;
	for (const char *p = text, *end = text + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *eq = memchr(p, '=', (size_t)(eol - p));
		const char *kend = eq ? eq : eol;
		line++;
		bool bad = false, empty_part = true;
		for (const char *k = p; k < kend && !bad; k++) {
			if (*k < 0x21 || *k > 0x7e)
				bad = true;
			else if (*k == '.')
				bad = empty_part; // a component ends: it must not be empty
			empty_part = *k == '.';
		}
		if ((kend > p && (bad || empty_part)) || (eq && kend == p))
			return vms_error_create(VMS_ERR_FORMAT,
						"%s: corrupt VMCOREINFO: line %u has a malformed key",
						h->path, line);
		if (eq && kend - p == 8 && !memcmp(p, "PAGESIZE", 8) && !page_size_ok(eq + 1, eol))
			return vms_error_create(VMS_ERR_FORMAT,
						"%s: corrupt VMCOREINFO: line %u: PAGESIZE is not a page size",
						h->path, line);
		p = eol + 1;
	}
	return NULL;
}

/* Walk the notes of one PT_NOTE segment as libkdumpfile's do_notes() does
 * and check the VMCOREINFO ones. */
VMS_MUST_CHECK static struct vms_error *check_notes(const struct ehdr *h, const uint8_t *b, size_t size)
{
	while (size >= 12) {
		uint32_t namesz = (uint32_t)get(h, b, 4), descsz = (uint32_t)get(h, b + 4, 4);
		size_t descoff = 12 + (((size_t)namesz + 3) & ~(size_t)3);
		if (size < descoff + descsz)
			break;
		const char *name = (const char *)b + 12;
		size_t nlen = strnlen(name, namesz);
		if ((nlen == 10 && !memcmp(name, "VMCOREINFO", 10)) ||
		    (nlen == 14 && !memcmp(name, "VMCOREINFO_XEN", 14))) {
			struct vms_error *err = check_vmcoreinfo(h, (const char *)b + descoff, descsz);
			if (err)
				return err;
		}
		size_t adv = descoff + ((descsz + (size_t)3) & ~(size_t)3);
		if (adv >= size)
			break;
		b += adv;
		size -= adv;
	}
	return NULL;
}

/* A PT_NOTE as libkdumpfile reads it, checked (its size was bounded
 * before): libkdumpfile's file cache reads whole pages and fills what lies
 * past the end of the file with zeros (fcache.c), so a note cut off by the
 * end of the file is checked as if those zeros were there. */
VMS_MUST_CHECK static struct vms_error *read_notes(const struct ehdr *h, const struct phdr *p)
{
	if (!p->filesz)
		return NULL;
	size_t len = (size_t)p->filesz;
	uint8_t *buf = calloc(1, len);
	if (!buf)
		return &vms_enomem;
	int64_t got = p->offset < h->fsize ? kdc_pread_full(h->fd, buf, len, p->offset) : 0;
	struct vms_error *err = got < 0 ? vms_error_errno((int)-got, "%s: reading notes", h->path)
					: check_notes(h, buf, len);
	free(buf);
	if (err && got >= 0 && (uint64_t)got < len) {
		vms_error_destroy(err);
		err = vms_error_create(VMS_ERR_FORMAT,
				       "%s: truncated: the ELF notes at offset %" PRIu64
				       " end beyond the end of the file", h->path, p->offset);
	}
	return err;
}

struct vms_error *elfhdr_read(int fd, uint64_t fsize, const uint8_t *head, size_t headlen,
			      bool live, const char *path, struct elfhdr_info *ret)
{
	struct ehdr h = {.path = path, .fd = fd, .fsize = fsize};
	if (headlen < EI_NIDENT)
		return vms_error_create(VMS_ERR_FORMAT, "%s: truncated: ELF header is cut off", path);
	struct vms_error *err = parse_ehdr(&h, head, headlen);
	if (err)
		return err;
	if (live)
		h.fsize = UINT64_MAX; // /proc/kcore: its size says nothing
	err = check_sections(&h);
	if (err)
		return err;
	uint64_t entsize = h.is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	if (h.phnum == 0 || h.phnum == PN_XNUM)
		return vms_error_create(VMS_ERR_FORMAT,
					"%s: not a kernel dump (ELF file without program headers)", path);
	if (h.phentsize < entsize)
		return corrupt(&h, "program header size %u, want %" PRIu64, h.phentsize, entsize);
	uint8_t *tab;
	err = read_table(&h, "program", h.phoff, h.phnum, h.phentsize, &tab);
	if (err)
		return err;
	// Every PT_LOAD fits the table just read: no more than the file holds.
	struct elfhdr_info info = {.machine = h.machine};
	info.loads = calloc(h.phnum, sizeof(*info.loads));
	info.notes = calloc(h.phnum, sizeof(*info.notes));
	if (!info.loads || !info.notes) {
		free(info.loads);
		free(info.notes);
		free(tab);
		return &vms_enomem;
	}
	for (uint64_t i = 0; i < h.phnum && !err; i++) {
		struct phdr p;
		phdr_get(&h, tab + (size_t)i * h.phentsize, &p);
		err = check_phdr(&h, i, &p);
		if (!err && p.type == PT_NOTE)
			err = read_notes(&h, &p);
		if (!err && p.type == PT_NOTE && p.filesz)
			info.notes[info.nnotes++] = (struct elf_span){p.offset, p.filesz};
		if (err || p.type != PT_LOAD)
			continue;
		if (!live && p.offset + p.filesz > fsize)
			info.truncated = true;
		info.loads[info.nloads++] = (struct elf_load){p.paddr, p.vaddr, p.offset, p.filesz,
							      p.memsz};
	}
	free(tab);
	// PT_LOADs may overlap without bound: a QEMU paging=true dump of
	// Debian's generic 6.12 kernel maps one physical page at 65,537
	// virtual addresses.  (They were once refused above 64, as if no
	// machine looked like that.)  The page map merges them (dump.c).
	if (!err && info.nloads == 0 && !live)
		err = vms_error_create(VMS_ERR_FORMAT, "%s: not a kernel dump (ELF file without PT_LOAD)",
				       path);
	if (err) {
		free(info.loads);
		free(info.notes);
		return err;
	}
	*ret = info;
	return NULL;
}
