// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Opening a kernel image: ELF checks, build-id, section contents, locating
 * the debug file of a running/dumped kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "debuginfo/internal.h"

void *di_alloc(struct vms_debuginfo *di, size_t size)
{
	size = (size + 15) & ~(size_t)15;
	struct di_block *b = di->blocks;
	if (!b || b->cap - b->used < size) {
		size_t cap = size > 65536 ? size : 65536;
		b = malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		vms_prefault(b, sizeof(*b) + cap);  // types are made by the thousand
		b->cap = cap;
		b->used = 0;
		b->next = di->blocks;
		di->blocks = b;
	}
	void *p = b->data + b->used;
	b->used += size;
	memset(p, 0, size);
	return p;
}

struct vms_error *di_dwarf_error(const char *what)
{
	return vms_error_create(VMS_ERR_FORMAT, "%s: %s", what, dwarf_errmsg(-1));
}

size_t di_elf_build_id(Elf *elf, uint8_t *buf, size_t bufsize)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_NOTE)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		size_t off = 0, name_off, desc_off;
		GElf_Nhdr nhdr;
		while (off < data->d_size &&
		       (off = gelf_getnote(data, off, &nhdr, &name_off, &desc_off)) > 0) {
			if (nhdr.n_type == NT_GNU_BUILD_ID && nhdr.n_namesz == 4 &&
			    memcmp((char *)data->d_buf + name_off, "GNU", 4) == 0 &&
			    nhdr.n_descsz > 0 && nhdr.n_descsz <= bufsize) {
				memcpy(buf, (char *)data->d_buf + desc_off, nhdr.n_descsz);
				return nhdr.n_descsz;
			}
		}
	}
	return 0;
}

static int section_cmp(const void *a, const void *b)
{
	const struct di_section *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

VMS_MUST_CHECK struct vms_error *di_load_sections(struct vms_debuginfo *di)
{
	size_t shnum;
	if (elf_getshdrnum(di->elf, &shnum) != 0)
		return vms_error_create(VMS_ERR_FORMAT, "%s: cannot read section headers: %s",
					di->path, elf_errmsg(-1));
	di->sections = calloc(shnum ? shnum : 1, sizeof(*di->sections));
	if (!di->sections)
		return &vms_enomem;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(di->elf, scn))) {
		GElf_Shdr shdr;
		if (!gelf_getshdr(scn, &shdr))
			continue;
		if (!(shdr.sh_flags & SHF_ALLOC) || shdr.sh_size == 0)
			continue;
		struct di_section *s = &di->sections[di->nsections++];
		s->addr = shdr.sh_addr;
		s->size = shdr.sh_size;
		s->offset = shdr.sh_offset;
		s->nobits = shdr.sh_type == SHT_NOBITS;
		if (!s->nobits && (s->offset > di->raw_size || s->size > di->raw_size - s->offset))
			s->nobits = true; // truncated file: treat as without contents
	}
	qsort(di->sections, di->nsections, sizeof(*di->sections), section_cmp);
	return NULL;
}

static bool has_symtab(Elf *elf)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		if (gelf_getshdr(scn, &shdr) && shdr.sh_type == SHT_SYMTAB && shdr.sh_size)
			return true;
	}
	return false;
}

struct vms_error *debuginfo_open(const char *vmlinux, struct vms_debuginfo **ret)
{
	struct vms_error *err;
	elf_version(EV_CURRENT);
	struct vms_debuginfo *di = calloc(1, sizeof(*di));
	if (!di)
		return &vms_enomem;
	di->fd = -1;
	vms_u64map_init(&di->types);
	vms_u64map_init(&di->pointers);
	di->path = strdup(vmlinux);
	if (!di->path) {
		err = &vms_enomem;
		goto fail;
	}
	di->fd = open(vmlinux, O_RDONLY | O_CLOEXEC);
	if (di->fd < 0) {
		err = vms_error_errno(errno, "cannot open '%s'", vmlinux);
		goto fail;
	}
	struct stat st;
	if (fstat(di->fd, &st) < 0) {
		err = vms_error_errno(errno, "cannot stat '%s'", vmlinux);
		goto fail;
	}
	di->file_size = st.st_size;
	di->mtime_sec = st.st_mtim.tv_sec;
	di->mtime_nsec = st.st_mtim.tv_nsec;
	di->elf = elf_begin(di->fd, ELF_C_READ_MMAP, NULL);
	if (!di->elf || elf_kind(di->elf) != ELF_K_ELF) {
		err = vms_error_create(VMS_ERR_FORMAT, "'%s' is not an ELF file", vmlinux);
		goto fail;
	}
	GElf_Ehdr ehdr;
	if (!gelf_getehdr(di->elf, &ehdr)) {
		err = vms_error_create(VMS_ERR_FORMAT, "'%s' is not an ELF file", vmlinux);
		goto fail;
	}
	if (ehdr.e_type == ET_REL) {
		// libdw does not apply relocations to the DWARF of ET_REL files
		err = vms_error_create(VMS_ERR_UNSUPPORTED,
				       "'%s' is a relocatable object; link it first", vmlinux);
		goto fail;
	}
	di->big_endian = ehdr.e_ident[EI_DATA] == ELFDATA2MSB;
	di->addr_size = ehdr.e_ident[EI_CLASS] == ELFCLASS32 ? 4 : 8;
	di->raw = (const unsigned char *)elf_rawfile(di->elf, &di->raw_size);
	if (!di->raw) {
		err = vms_error_create(VMS_ERR_FORMAT, "cannot map '%s': %s", vmlinux,
				       elf_errmsg(-1));
		goto fail;
	}
	di->dwarf = dwarf_begin_elf(di->elf, DWARF_C_READ, NULL);
	if (!di->dwarf) {
		err = vms_error_create(VMS_ERR_FORMAT, "'%s' has no DWARF debug info", vmlinux);
		goto fail;
	}
	if (!has_symtab(di->elf)) {
		err = vms_error_create(VMS_ERR_FORMAT, "'%s' has no symbol table", vmlinux);
		goto fail;
	}
	err = di_load_sections(di);
	if (err)
		goto fail;
	di->build_id_len = di_elf_build_id(di->elf, di->build_id, sizeof(di->build_id));
	di->void_type = di_alloc(di, sizeof(*di->void_type));
	if (!di->void_type) {
		err = &vms_enomem;
		goto fail;
	}
	di->void_type->kind = VMS_TYPE_VOID;
	di->void_type->tag = "void";
	di->void_type->di = di;
	*ret = di;
	return NULL;

fail:
	debuginfo_destroy(di);
	return err;
}

void debuginfo_destroy(struct vms_debuginfo *di)
{
	if (!di)
		return;
	di_memo_deinit(di);
	di_types_deinit(di);
	vms_u64map_deinit(&di->types);
	vms_u64map_deinit(&di->pointers);
	di_index_deinit(&di->index);
	symbols_deinit(di);
	free(di->sections);
	di_btf_deinit(di);
	while (di->blocks) {
		struct di_block *next = di->blocks->next;
		free(di->blocks);
		di->blocks = next;
	}
	if (di->dwarf)
		dwarf_end(di->dwarf);
	if (di->elf)
		elf_end(di->elf);
	free(di->image_buf);
	if (di->fd >= 0)
		close(di->fd);
	free(di->path);
	free(di);
}

const char *debuginfo_path(const struct vms_debuginfo *di)
{
	return di->path;
}

const uint8_t *debuginfo_build_id(const struct vms_debuginfo *di, size_t *len)
{
	*len = di->build_id_len;
	return di->build_id_len ? di->build_id : NULL;
}

struct vms_error *debuginfo_read_static(struct vms_debuginfo *di, uint64_t addr,
					void *buf, size_t len)
{
	unsigned char *out = buf;
	if (!di->raw)
		return vms_error_addr(VMS_ERR_FAULT, addr, "%s has no image to read 0x%" PRIx64
				      " from", di->path, addr);
	while (len > 0) {
		// last section starting at or below addr
		size_t lo = 0, hi = di->nsections;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (di->sections[mid].addr <= addr)
				lo = mid + 1;
			else
				hi = mid;
		}
		const struct di_section *s = NULL;
		// sections may overlap (e.g. .data..percpu at 0); look back a little
		for (size_t i = lo; i-- > 0 && lo - i <= 8;) {
			if (addr - di->sections[i].addr < di->sections[i].size) {
				s = &di->sections[i];
				if (!s->nobits)
					break;
			}
		}
		if (!s)
			return vms_error_addr(VMS_ERR_FAULT, addr,
					      "address 0x%" PRIx64 " is in no section of '%s'",
					      addr, di->path);
		if (s->nobits)
			return vms_error_addr(VMS_ERR_NODATA, addr,
					      "address 0x%" PRIx64
					      " has no contents in '%s' (bss)",
					      addr, di->path);
		uint64_t avail = s->size - (addr - s->addr);
		size_t n = avail < len ? (size_t)avail : len;
		memcpy(out, di->raw + s->offset + (addr - s->addr), n);
		out += n;
		addr += n;
		len -= n;
	}
	return NULL;
}

static bool file_build_id_matches(const char *path, const uint8_t *id, size_t id_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	elf_version(EV_CURRENT);
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	bool ok = false;
	if (elf && elf_kind(elf) == ELF_K_ELF) {
		uint8_t buf[64];
		size_t n = di_elf_build_id(elf, buf, sizeof(buf));
		ok = n == id_len && memcmp(buf, id, n) == 0;
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return ok;
}

struct vms_error *debuginfo_locate(const char *osrelease, const uint8_t *build_id,
				   size_t id_len, char **path_ret)
{
	if ((!osrelease || !*osrelease) && (!build_id || !id_len))
		return vms_error_create(VMS_ERR_INVALID,
					"cannot locate vmlinux without a release or build-id");
	const char *sysroot = getenv("VMSIFT_SYSROOT");
	if (!sysroot)
		sysroot = "";
	char hex[129] = "";
	if (build_id && id_len) {
		if (id_len > 64 || id_len < 2)
			return vms_error_create(VMS_ERR_INVALID, "bad build-id length %zu", id_len);
		for (size_t i = 0; i < id_len; i++)
			sprintf(hex + 2 * i, "%02x", build_id[i]);
	}
	// These places, in this order, are listed in vmsift(1) FILES (doc/mkdoc.c).
	char *cands[5] = {0};
	size_t n = 0;
	int rc = 0;
	if (osrelease && *osrelease) {
		rc |= asprintf(&cands[n++], "%s/usr/lib/debug/boot/vmlinux-%s", sysroot, osrelease) < 0;
		rc |= asprintf(&cands[n++], "%s/usr/lib/debug/lib/modules/%s/vmlinux", sysroot,
			       osrelease) < 0;
	}
	if (hex[0])
		rc |= asprintf(&cands[n++], "%s/usr/lib/debug/.build-id/%.2s/%s.debug", sysroot, hex,
			       hex + 2) < 0;
	if (osrelease && *osrelease) {
		rc |= asprintf(&cands[n++], "%s/boot/vmlinux-%s", sysroot, osrelease) < 0;
		rc |= asprintf(&cands[n++], "%s/lib/modules/%s/build/vmlinux", sysroot, osrelease) < 0;
	}
	struct vms_error *err = NULL;
	const char *mismatch = NULL;
	char *found = NULL;
	if (rc) {
		err = &vms_enomem;
		n = 0;
		for (size_t i = 0; i < 5; i++)
			free(cands[i]);
	}
	for (size_t i = 0; i < n; i++) {
		if (!found && access(cands[i], R_OK) == 0) {
			if (!hex[0] || file_build_id_matches(cands[i], build_id, id_len)) {
				found = cands[i];
				continue;
			}
			if (!mismatch)
				mismatch = cands[i];
		}
	}
	if (!err && !found) {
		if (mismatch)
			err = vms_error_create(VMS_ERR_LOOKUP,
					       "no vmlinux with build-id %s found (%s differs)",
					       hex, mismatch);
		else
			err = vms_error_create(VMS_ERR_LOOKUP, "no vmlinux found for %s%s%s",
					       osrelease && *osrelease ? osrelease : "build-id ",
					       osrelease && *osrelease ? "" : hex,
					       sysroot[0] ? " under VMSIFT_SYSROOT" : "");
	}
	for (size_t i = 0; i < n; i++)
		if (cands[i] != found)
			free(cands[i]);
	if (!err)
		*path_ret = found;
	return err;
}

bool debuginfo_has_dwarf(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	elf_version(EV_CURRENT);
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	bool found = false;
	size_t shstrndx;
	if (elf && elf_kind(elf) == ELF_K_ELF && elf_getshdrstrndx(elf, &shstrndx) == 0) {
		Elf_Scn *scn = NULL;
		while (!found && (scn = elf_nextscn(elf, scn))) {
			GElf_Shdr shdr;
			const char *name;
			found = gelf_getshdr(scn, &shdr) && shdr.sh_type != SHT_NOBITS &&
				shdr.sh_size && (name = elf_strptr(elf, shstrndx, shdr.sh_name)) &&
				!strcmp(name, ".debug_info");
		}
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return found;
}
