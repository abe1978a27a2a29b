// SPDX-License-Identifier: GPL-3.0-or-later
#include "program/program.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/strbuf.h"
#include "dump/dump.h"
#include "program/internal.h"

static volatile sig_atomic_t cancel_requested;

void program_cancel_request(void) { cancel_requested = 1; }
void program_cancel_clear(void) { cancel_requested = 0; }
bool program_cancelled(void) { return cancel_requested != 0; }

struct vms_error *program_check_cancel(void)
{
	if (cancel_requested)
		return vms_error_create(VMS_ERR_CANCELLED, "interrupted");
	return NULL;
}

void program_warn(struct vms_program *prog, const char *fmt, ...)
{
	if (prog->nr_warnings >= MAX_WARNINGS)
		return;
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	char *w = strbuf_detach(&sb);
	if (w)  // out of memory: the warning is lost, nothing else
		prog->warnings[prog->nr_warnings++] = w;
}

static char *hex_string(const uint8_t *bytes, size_t len)
{
	char *s = malloc(2 * len + 1);
	if (!s)
		return NULL;
	for (size_t i = 0; i < len; i++)
		sprintf(s + 2 * i, "%02x", bytes[i]);
	s[2 * len] = '\0';
	return s;
}

/*
 * Does the vmlinux belong to the dump?  The strongest evidence is the
 * build-id (VMCOREINFO carries BUILD-ID since Linux 5.9, commit 0935288c6e00
 * "kdump: append kernel build-id string to VMCOREINFO").  Without it, compare
 * linux_banner in the dump with the one in the file, then the release string.
 * With no evidence either way the file is refused too: a wrong vmlinux gives
 * answers that look right and are not.
 */
VMS_MUST_CHECK static struct vms_error *program_check_match(struct vms_program *prog)
{
	const char *dump_id = dump_vmcoreinfo_value(prog->dump, "BUILD-ID");
	size_t id_len = 0;
	const uint8_t *file_id = debuginfo_build_id(prog->di, &id_len);
	if (dump_id && file_id) {
		_cleanup_free_ char *hex = hex_string(file_id, id_len);
		if (!hex)
			return &vms_enomem;
		if (strncasecmp(dump_id, hex, strlen(dump_id)) != 0)
			return vms_error_create(VMS_ERR_MISMATCH,
						"%s does not match the dump: build-id %s, dump has %s",
						prog->vmlinux_path, hex, dump_id);
		return NULL;
	}

	struct vms_symbol sym;
	struct vms_error *err = debuginfo_symbol(prog->di, "linux_banner", &sym);
	if (!err) {
		char file_banner[256] = "", dump_banner[256] = "";
		size_t len = sym.size && sym.size < sizeof(file_banner) ? sym.size
									 : sizeof(file_banner) - 1;
		struct vms_error *e1 = debuginfo_read_static(prog->di, sym.address, file_banner, len);
		struct vms_error *e2 = dump_read(prog->dump, DUMP_KVIRT,
						 sym.address + prog->kaslr_offset, dump_banner, len);
		bool compared = !e1 && !e2;
		vms_error_destroy(e1);
		vms_error_destroy(e2);
		if (compared) {
			file_banner[len] = dump_banner[len] = '\0';
			if (strcmp(file_banner, dump_banner) != 0) {
				char *nl = strchr(dump_banner, '\n');
				if (nl)
					*nl = '\0';
				return vms_error_create(VMS_ERR_MISMATCH,
							"%s does not match the dump: linux_banner differs (dump: \"%.80s\")",
							prog->vmlinux_path, dump_banner);
			}
			return NULL;
		}
	}
	vms_error_destroy(err);
	// Last resort: the release string in the file's init_uts_ns.
	if (prog->osrelease) {
		err = debuginfo_symbol(prog->di, "init_uts_ns", &sym);
		if (!err) {
			char buf[4096];
			size_t len = sym.size && sym.size < sizeof(buf) ? sym.size : sizeof(buf);
			struct vms_error *e = debuginfo_read_static(prog->di, sym.address, buf, len);
			if (!e) {
				bool found = memmem(buf, len, prog->osrelease,
						    strlen(prog->osrelease)) != NULL;
				if (!found)
					return vms_error_create(VMS_ERR_MISMATCH,
								"%s does not match the dump: release %s not found in it",
								prog->vmlinux_path, prog->osrelease);
				return NULL;
			}
			vms_error_destroy(e);
		}
		vms_error_destroy(err);
	}
	return vms_error_create(VMS_ERR_MISMATCH,
				"cannot tell whether %s matches the dump (no build-id, banner or release to compare)",
				prog->vmlinux_path);
}

/* Find the vmlinux with DWARF of the dump by its release and build-id. */
VMS_MUST_CHECK static struct vms_error *locate_vmlinux(struct vms_program *prog)
{
	if (!prog->osrelease)
		return vms_error_create(VMS_ERR_LOOKUP, "%s: no OSRELEASE in the dump to find its "
					"vmlinux by", prog->dump_path);
	const char *id = dump_vmcoreinfo_value(prog->dump, "BUILD-ID");
	uint8_t idbuf[64];
	size_t idlen = 0;
	if (id) {
		for (; idlen < sizeof(idbuf) && id[2 * idlen] && id[2 * idlen + 1]; idlen++) {
			unsigned v;
			if (sscanf(id + 2 * idlen, "%2x", &v) != 1)
				break;
			idbuf[idlen] = (uint8_t)v;
		}
	}
	struct vms_error *err = debuginfo_locate(prog->osrelease, idlen ? idbuf : NULL, idlen,
						 &prog->vmlinux_path);
	if (err)
		return err;
	prog->vmlinux_located = true;
	return NULL;
}

/* Is @path a kernel image (an ELF executable) rather than a dump (an ELF
 * core file or a kdump file)? */
static bool is_kernel_image(const char *path)
{
	unsigned char h[18];
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	size_t n = fread(h, 1, sizeof(h), f);
	fclose(f);
	// e_ident, then e_type (ET_EXEC 2, ET_DYN 3) in the file's byte order
	if (n < sizeof(h) || memcmp(h, "\x7f" "ELF", 4) != 0)
		return false;
	unsigned type = h[5] == 2 ? (unsigned)h[16] << 8 | h[17] : (unsigned)h[17] << 8 | h[16];
	return type == 2 || type == 3;
}

/* A program over a kernel image alone: its types, symbols and the
 * initialized data of its sections, read at link-time addresses.  What only
 * a running kernel has (allocated memory, VMCOREINFO) is not there. */
VMS_MUST_CHECK static struct vms_error *open_image(struct vms_program *prog, const char *path)
{
	prog->image_only = true;
	prog->vmlinux_path = strdup(path);
	struct vms_error *err = debuginfo_open(path, &prog->di);
	if (err)
		return err;
	// x86-64 is the one architecture vmsift reads: 4 KiB pages
	prog->page_size = 4096;
	prog->page_shift = 12;
	return NULL;
}

struct vms_error *program_open(const char *dump_path,
			       const struct vms_program_options *opts,
			       struct vms_program **ret)
{
	struct vms_error *err;
	struct vms_program *prog = calloc(1, sizeof(*prog));
	if (!prog)
		return &vms_enomem;
	prog->owns_di = true;
	prog->dump_path = strdup(dump_path);
	prog->owns_debug_dirs = true;
	for (size_t i = 0; opts && i < opts->ndebug_dirs && i < PROGRAM_MAX_DEBUG_DIRS; i++)
		prog->debug_dirs[prog->ndebug_dirs++] = strdup(opts->debug_dirs[i]);
	prog->debug_dirs[prog->ndebug_dirs++] = strdup("/usr/lib/debug");

	if (!(opts && opts->vmlinux) && is_kernel_image(dump_path)) {
		err = open_image(prog, dump_path);
		if (err)
			goto fail;
		*ret = prog;
		return NULL;
	}
	err = dump_open(dump_path, &prog->dump);
	if (err)
		goto fail;

	prog->page_size = dump_page_size(prog->dump);
	if (!prog->page_size)
		prog->page_size = 4096;
	while ((1u << prog->page_shift) < prog->page_size)
		prog->page_shift++;
	const char *rel = dump_vmcoreinfo_value(prog->dump, "OSRELEASE");
	if (rel)
		prog->osrelease = strdup(rel);
	const char *off = dump_vmcoreinfo_value(prog->dump, "KERNELOFFSET");
	if (off)
		prog->kaslr_offset = strtoull(off, NULL, 16);

	const char *file = opts ? opts->vmlinux : NULL;
	bool btf = (opts && opts->btf) || (file && !debuginfo_has_dwarf(file));
	if (!btf && !file) {
		err = locate_vmlinux(prog);
		if (err && err->code == VMS_ERR_LOOKUP) {
			// no DWARF for this kernel here: the dump's own BTF and kallsyms
			program_warn(prog, "%s (no DWARF); using the kernel's BTF and kallsyms from the dump (no source lines, inline frames, locals or macros)",
				     err->message);
			vms_error_destroy(err);
			err = NULL;
			btf = true;
			prog->btf_fallback = true;
		}
		if (err)
			goto fail;
	}
	if (btf) {
		err = program_open_btf(prog, file, opts && opts->force);
		if (err)
			goto fail;
		*ret = prog;
		return NULL;
	}
	if (file)
		prog->vmlinux_path = strdup(file);

	err = debuginfo_open(prog->vmlinux_path, &prog->di);
	if (err)
		goto fail;

	err = program_check_match(prog);
	if (err) {
		if (!(opts && opts->force)) {
			struct vms_error *hint = vms_error_create(err->code, "%s; --force uses it anyway",
								  err->message);
			vms_error_destroy(err);
			err = hint;
			goto fail;
		}
		program_warn(prog, "%s; used anyway (--force)", err->message);
		vms_error_destroy(err);
		err = NULL;
	}
	*ret = prog;
	return NULL;

fail:
	program_destroy(prog);
	return err;
}

struct vms_error *program_clone(struct vms_program *prog, struct vms_program **ret)
{
	if (prog->image_only)
		return vms_error_create(VMS_ERR_UNSUPPORTED, "a kernel image alone has no memory to walk");
	struct vms_program *c = calloc(1, sizeof(*c));
	if (!c)
		return &vms_enomem;
	struct vms_error *err = dump_clone(prog->dump, &c->dump);
	if (err) {
		free(c);
		return err;
	}
	c->di = prog->di;
	c->owns_di = false;
	c->btf = prog->btf;
	c->globals = prog->globals;
	c->kaslr_offset = prog->kaslr_offset;
	c->page_size = prog->page_size;
	c->page_shift = prog->page_shift;
	c->dump_path = prog->dump_path ? strdup(prog->dump_path) : NULL;
	c->vmlinux_path = prog->vmlinux_path ? strdup(prog->vmlinux_path) : NULL;
	c->osrelease = prog->osrelease ? strdup(prog->osrelease) : NULL;
	memcpy(c->debug_dirs, prog->debug_dirs, sizeof(c->debug_dirs));
	c->ndebug_dirs = prog->ndebug_dirs;
	*ret = c;
	return NULL;
}

void program_destroy(struct vms_program *prog)
{
	if (!prog)
		return;
	if (prog->linux_data_destroy)
		prog->linux_data_destroy(prog->linux_data);
	if (prog->owns_di) {
		debuginfo_destroy(prog->di);
		program_btf_globals_destroy(prog->globals);
	}
	free(prog->types_from);
	free(prog->symbols_from);
	dump_destroy(prog->dump);
	for (size_t i = 0; i < prog->nr_warnings; i++)
		free(prog->warnings[i]);
	free(prog->dump_path);
	free(prog->vmlinux_path);
	free(prog->osrelease);
	for (size_t i = 0; prog->owns_debug_dirs && i < prog->ndebug_dirs; i++)
		free(prog->debug_dirs[i]);
	free(prog);
}

const char *const *program_debug_dirs(const struct vms_program *prog, size_t *n)
{
	*n = prog->ndebug_dirs;
	return (const char *const *)prog->debug_dirs;
}

struct vms_error *program_module_debug_open(const char *path, const char *name, vms_section_addr_fn *fn,
					    void *arg, struct vms_moddebug **ret)
{
	return debuginfo_module_open(path, name, fn, arg, ret);
}

void program_module_debug_close(struct vms_moddebug *m)
{
	debuginfo_module_close(m);
}

struct vms_error *program_module_source_at(struct vms_moddebug *m, uint64_t pc, struct vms_source_frame *ret,
					   size_t max, size_t *nr_ret)
{
	return debuginfo_module_source_at(m, pc, ret, max, nr_ret);
}

const char *program_vmlinux_path(const struct vms_program *prog) { return prog->vmlinux_path; }
bool program_vmlinux_was_located(const struct vms_program *prog) { return prog->vmlinux_located; }
bool program_is_btf(const struct vms_program *prog) { return prog->btf; }
bool program_btf_was_fallback(const struct vms_program *prog) { return prog->btf_fallback; }
const char *program_types_from(const struct vms_program *prog)
{
	return prog->btf ? prog->types_from : prog->vmlinux_path;
}
const char *program_symbols_from(const struct vms_program *prog)
{
	return prog->btf ? prog->symbols_from : prog->vmlinux_path;
}
const char *program_dump_path(const struct vms_program *prog) { return prog->dump_path; }
const char *program_osrelease(const struct vms_program *prog) { return prog->osrelease; }
uint64_t program_kaslr_offset(const struct vms_program *prog) { return prog->kaslr_offset; }
uint32_t program_page_size(const struct vms_program *prog) { return prog->page_size; }
unsigned program_page_shift(const struct vms_program *prog) { return prog->page_shift; }
const char *program_arch(const struct vms_program *prog)
{
	return prog->dump ? dump_arch(prog->dump) : "x86_64";
}
const char *program_dump_format(const struct vms_program *prog)
{
	return prog->dump ? dump_format(prog->dump) : "kernel image (no dump)";
}
const char *program_dump_compression(const struct vms_program *prog)
{
	return prog->dump ? dump_compression(prog->dump) : NULL;
}
bool program_is_image_only(const struct vms_program *prog) { return prog->image_only; }

VMS_MUST_CHECK static struct vms_error *no_dump(void)
{
	return vms_error_create(VMS_ERR_UNSUPPORTED, "no dump: only a kernel image is open");
}

/* Kernel virtual memory: the dump's, or the image's initialized data. */
VMS_MUST_CHECK static struct vms_error *kread(struct vms_program *prog, uint64_t addr, void *buf, size_t len)
{
	if (prog->dump)
		return dump_read(prog->dump, DUMP_KVIRT, addr, buf, len);
	return debuginfo_read_static(prog->di, addr - prog->kaslr_offset, buf, len);
}
size_t program_warning_count(const struct vms_program *prog) { return prog->nr_warnings; }
const char *program_warning(const struct vms_program *prog, size_t i) { return prog->warnings[i]; }

const char *program_vmcoreinfo(const struct vms_program *prog, const char *key)
{
	return prog->dump ? dump_vmcoreinfo_value(prog->dump, key) : NULL;
}

struct vms_error *program_dump_stats(struct vms_program *prog, struct program_dump_stats *ret)
{
	struct dump_stats st;
	if (!prog->dump)
		return no_dump();
	struct vms_error *err = dump_stats(prog->dump, &st);
	if (err)
		return err;
	ret->max_pfn = st.max_pfn;
	ret->pages_present = st.pages_present;
	ret->pages_excluded = st.pages_excluded;
	ret->exact = st.exact;
	ret->truncated = st.truncated;
	ret->file_size = st.file_size;
	ret->pages_truncated = st.pages_truncated;
	return NULL;
}

struct vms_error *program_notes(struct vms_program *prog, const struct program_note **ret,
				size_t *count)
{
	*ret = NULL;
	*count = 0;
	if (!prog->dump)
		return no_dump();
	const struct dump_note *n;
	struct vms_error *err = dump_notes(prog->dump, &n, count);
	// struct program_note mirrors struct dump_note (checked below)
	*ret = (const struct program_note *)n;
	return err;
}
_Static_assert(sizeof(struct program_note) == sizeof(struct dump_note) &&
		       offsetof(struct program_note, desc) == offsetof(struct dump_note, desc) &&
		       offsetof(struct program_note, size) == offsetof(struct dump_note, size),
	       "program_note and dump_note differ");

struct vms_error *program_page_held(struct vms_program *prog, uint64_t pfn, bool *ret)
{
	if (!prog->dump)
		return no_dump();
	return dump_page_held(prog->dump, pfn, ret);
}

struct vms_error *program_read(struct vms_program *prog, uint64_t addr, void *buf, size_t len)
{
	return kread(prog, addr, buf, len);
}

struct vms_error *program_read_phys(struct vms_program *prog, uint64_t paddr, void *buf, size_t len)
{
	if (!prog->dump)
		return no_dump();
	return dump_read(prog->dump, DUMP_PHYS, paddr, buf, len);
}

const void *program_map(struct vms_program *prog, uint64_t addr, size_t len)
{
	return prog->dump ? dump_map(prog->dump, DUMP_KVIRT, addr, len) : NULL;
}

const void *program_map_phys(struct vms_program *prog, uint64_t paddr, size_t len)
{
	return prog->dump ? dump_map(prog->dump, DUMP_PHYS, paddr, len) : NULL;
}

void program_unmap(struct vms_program *prog, const void *p, size_t len)
{
	if (prog->dump)
		dump_unmap(prog->dump, p, len);
}

#define DEFINE_READ(bits)                                                           \
	struct vms_error *program_read_u##bits(struct vms_program *prog, uint64_t addr, \
					       uint##bits##_t *ret)                 \
	{                                                                           \
		uint##bits##_t v;                                                   \
		struct vms_error *err = kread(prog, addr, &v, sizeof(v));                  \
		if (!err)                                                           \
			*ret = v;                                                   \
		return err;                                                         \
	}
DEFINE_READ(8)
DEFINE_READ(16)
DEFINE_READ(32)
DEFINE_READ(64)

bool program_try_u32(struct vms_program *prog, uint64_t addr, uint32_t *ret)
{
	struct vms_error *err = program_read_u32(prog, addr, ret);
	vms_error_destroy(err);
	return !err;
}

bool program_try_u64(struct vms_program *prog, uint64_t addr, uint64_t *ret)
{
	struct vms_error *err = program_read_u64(prog, addr, ret);
	vms_error_destroy(err);
	return !err;
}

struct vms_error *program_read_string(struct vms_program *prog, uint64_t addr, size_t max, char **ret)
{
	struct strbuf sb = STRBUF_INIT;
	char chunk[64];
	while (sb.len < max) {
		// Read up to the end of the current page so a string that ends
		// just before an unreadable page is still read.
		size_t n = sizeof(chunk);
		uint64_t to_page_end = prog->page_size - (addr % prog->page_size);
		if (n > to_page_end)
			n = to_page_end;
		if (n > max - sb.len)
			n = max - sb.len;
		struct vms_error *err = kread(prog, addr, chunk, n);
		if (err) {
			strbuf_release(&sb);
			return err;
		}
		char *nul = memchr(chunk, '\0', n);
		if (nul) {
			strbuf_add(&sb, chunk, (size_t)(nul - chunk));
			break;
		}
		strbuf_add(&sb, chunk, n);
		addr += n;
	}
	char *s = strbuf_detach(&sb);
	if (!s)
		return &vms_enomem;
	*ret = s;
	return NULL;
}

struct vms_error *program_vtop(struct vms_program *prog, uint64_t vaddr, uint64_t *paddr_ret)
{
	if (!prog->dump)
		return no_dump();
	return dump_vtop(prog->dump, vaddr, paddr_ret);
}

struct vms_error *program_symbol(struct vms_program *prog, const char *name, struct program_symbol *ret)
{
	struct vms_symbol sym;
	struct vms_error *err = debuginfo_symbol(prog->di, name, &sym);
	if (err)
		return err;
	ret->name = sym.name;
	ret->address = sym.address + (sym.kind == 'A' || sym.kind == 'a' ? 0 : prog->kaslr_offset);
	ret->size = sym.size;
	ret->kind = sym.kind;
	return NULL;
}

/* A debug-info symbol found by @lookup near @addr, relocated by the KASLR
 * offset, with @addr's offset into it when @offset_ret is given. */
VMS_MUST_CHECK static struct vms_error *symbol_near(struct vms_program *prog, uint64_t addr,
				     struct vms_error *(*lookup)(struct vms_debuginfo *, uint64_t,
								  struct vms_symbol *),
				     struct program_symbol *ret, uint64_t *offset_ret)
{
	struct vms_symbol sym;
	struct vms_error *err = lookup(prog->di, addr - prog->kaslr_offset, &sym);
	if (err)
		return err;
	ret->name = sym.name;
	ret->address = sym.address + prog->kaslr_offset;
	ret->size = sym.size;
	ret->kind = sym.kind;
	if (offset_ret)
		*offset_ret = addr - ret->address;
	return NULL;
}

struct vms_error *program_symbol_at(struct vms_program *prog, uint64_t addr,
				    struct program_symbol *ret, uint64_t *offset_ret)
{
	return symbol_near(prog, addr, debuginfo_symbol_at, ret, offset_ret);
}

struct vms_error *program_symbol_after(struct vms_program *prog, uint64_t addr, struct program_symbol *ret)
{
	return symbol_near(prog, addr, debuginfo_symbol_after, ret, NULL);
}

struct vms_error *program_text_symbol_before(struct vms_program *prog, uint64_t addr,
					     struct program_symbol *ret, uint64_t *offset_ret)
{
	return symbol_near(prog, addr, debuginfo_text_symbol_before, ret, offset_ret);
}

size_t program_symbol_count(struct vms_program *prog)
{
	return debuginfo_symbol_count(prog->di);
}

const char *program_symbol_name(struct vms_program *prog, size_t i)
{
	const struct vms_symbol *s = debuginfo_symbol_by_index(prog->di, i);
	return s ? s->name : NULL;
}

struct vms_error *program_find_type(struct vms_program *prog, const char *name, struct vms_type **ret)
{
	return debuginfo_find_type(prog->di, name, ret);
}

struct vms_error *program_variable(struct vms_program *prog, const char *name,
				   struct vms_type **type_ret, uint64_t *addr_ret)
{
	struct vms_type *t;
	uint64_t addr;
	struct vms_error *err;
	if (!program_btf_global(prog, name, &t, &addr, &err))
		err = debuginfo_find_variable(prog->di, name, &t, &addr);
	if (err)
		return err;
	if (type_ret)
		*type_ret = t;
	*addr_ret = addr + prog->kaslr_offset;
	return NULL;
}

struct vms_error *program_cfi_row(struct vms_program *prog, uint64_t pc, struct vms_cfi_row *ret)
{
	return debuginfo_cfi_row(prog->di, pc - prog->kaslr_offset, ret);
}

struct vms_error *program_source_at(struct vms_program *prog, uint64_t pc, struct vms_source_frame *ret,
				    size_t max, size_t *nr_ret)
{
	return debuginfo_source_at(prog->di, pc - prog->kaslr_offset, ret, max, nr_ret);
}

struct vms_error *program_enumerator(struct vms_program *prog, const char *name, int64_t *value_ret)
{
	struct vms_type *t;
	return debuginfo_find_enumerator(prog->di, name, &t, value_ret);
}

struct vms_type *program_void_type(struct vms_program *prog)
{
	return debuginfo_void_type(prog->di);
}

struct vms_error *program_pointer_type(struct vms_program *prog, struct vms_type *target, struct vms_type **ret)
{
	return debuginfo_pointer_type(prog->di, target, ret);
}

struct vms_error *program_member_offset(struct vms_program *prog, const char *type_name,
					const char *member, uint64_t *ret)
{
	struct vms_type *t, *mt;
	uint64_t bit_offset, bit_size;
	struct vms_error *err = debuginfo_find_type(prog->di, type_name, &t);
	if (err)
		return err;
	err = vms_type_member_find(t, member, &mt, &bit_offset, &bit_size);
	if (err)
		return err;
	*ret = bit_offset / 8;
	return NULL;
}

bool program_has_member(struct vms_program *prog, const char *type_name, const char *member)
{
	uint64_t off;
	struct vms_error *err = program_member_offset(prog, type_name, member, &off);
	bool found = err == NULL;
	vms_error_destroy(err);
	return found;
}

struct vms_error *program_type_size(struct vms_program *prog, const char *type_name, uint64_t *ret)
{
	struct vms_type *t;
	struct vms_error *err = debuginfo_find_type(prog->di, type_name, &t);
	if (err)
		return err;
	*ret = vms_type_size(t);
	return NULL;
}

void *program_linux_data(const struct vms_program *prog)
{
	return prog->linux_data;
}

void program_set_linux_data(struct vms_program *prog, void *data, void (*destroy)(void *))
{
	if (prog->linux_data_destroy)
		prog->linux_data_destroy(prog->linux_data);
	prog->linux_data = data;
	prog->linux_data_destroy = destroy;
}

struct vms_error *program_names_with_prefix(struct vms_program *prog, const char *prefix,
					    unsigned kinds,
					    bool (*fn)(const char *name, unsigned kind, void *arg),
					    void *arg)
{
	return debuginfo_names_with_prefix(prog->di, prefix, kinds, fn, arg);
}

struct vms_error *program_function_mentions(struct vms_program *prog, const char *fn,
					    const char *what, bool *ret)
{
	return debuginfo_function_mentions(prog->di, fn, what, ret);
}
