// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * BTF mode: the program without DWARF.  A kernel keeps its own types (BTF,
 * CONFIG_DEBUG_INFO_BTF) and symbols (kallsyms, CONFIG_KALLSYMS_ALL) in
 * memory, so the dump carries what vmsift needs:
 *   - symbols: the kallsyms tables, found through VMCOREINFO (since 6.0,
 *     commit 5fd8fea935a1 "vmcoreinfo: include kallsyms symbols"), read here
 *     and decoded by debuginfo_kallsyms_decode(); before that, a System.map;
 *   - types: .BTF between __start_BTF and __stop_BTF, found through those
 *     symbols, or /sys/kernel/btf/vmlinux on a live system, or the .BTF of
 *     an image file.
 * Reading dump memory is this layer's (it owns the dump); decoding bytes is
 * the debug info layer's, which owns symbol tables and types.  Both are
 * checked against what the dump says of itself in VMCOREINFO: every
 * SYMBOL(x) against the symbols, every SIZE(x) and OFFSET(x.y) against the
 * types.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/hashmap.h"
#include "base/strbuf.h"
#include "base/vector.h"
#include "program/internal.h"

#define MAX_KALLSYMS_BYTES ((size_t)64 << 20)
#define MAX_BTF_BYTES ((size_t)256 << 20)
#define NAMES_CHUNK ((size_t)256 << 10)

static bool vmci_hex(struct vms_program *prog, const char *key, uint64_t *ret)
{
	const char *v = dump_vmcoreinfo_value(prog->dump, key);
	if (!v || !*v)
		return false;
	char *end;
	errno = 0;
	unsigned long long x = strtoull(v, &end, 16);
	if (errno || *end)
		return false;
	*ret = x;
	return true;
}

/* The dump's kernel virtual memory, as a program_read_fn. */
VMS_MUST_CHECK static struct vms_error *dump_kvirt(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct vms_program *prog = arg;
	return dump_read(prog->dump, DUMP_KVIRT, addr, buf, len);
}

VMS_MUST_CHECK static struct vms_error *read_kvirt(program_read_fn *read, void *arg, const char *what,
						   uint64_t addr, size_t len, uint8_t **ret)
{
	uint8_t *buf = malloc(len ? len : 1);
	if (!buf)
		return &vms_enomem;
	struct vms_error *err = read(arg, addr, buf, len);
	if (err) {
		free(buf);
		return vms_error_wrap(err, "reading %s", what);
	}
	*ret = buf;
	return NULL;
}

/* kallsyms_names: as many bytes as num_syms length-prefixed names take,
 * read in chunks (its size is recorded nowhere).  Memory may end less than
 * a chunk past the tables (the next pages unmapped or not in the dump):
 * then only what each name needs. */
struct names_buf {
	program_read_fn *read;
	void *arg;
	uint64_t addr;
	uint8_t *buf;
	size_t have, cap;
	bool exact; // a chunk could not be read
};

VMS_MUST_CHECK static struct vms_error *names_ensure(struct names_buf *nb, size_t need)
{
	while (nb->have < need) {
		size_t want = nb->exact ? need - nb->have : NAMES_CHUNK;
		if (nb->have + want > MAX_KALLSYMS_BYTES)
			return vms_error_create(VMS_ERR_FORMAT,
						"kallsyms table is corrupt: names run past %zu bytes",
						MAX_KALLSYMS_BYTES);
		if (nb->have + want > nb->cap) {
			uint8_t *p = realloc(nb->buf, nb->have + NAMES_CHUNK);
			if (!p)
				return &vms_enomem;
			nb->buf = p;
			nb->cap = nb->have + NAMES_CHUNK;
		}
		struct vms_error *err = nb->read(nb->arg, nb->addr + nb->have, nb->buf + nb->have,
						 want);
		if (err && !nb->exact) {
			vms_error_destroy(err);
			nb->exact = true;
			continue;
		}
		if (err)
			return vms_error_wrap(err, "reading kallsyms_names");
		nb->have += want;
	}
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *read_names(program_read_fn *read, void *arg, uint64_t addr,
						   uint64_t num, uint8_t **ret, size_t *size_ret)
{
	struct names_buf nb = {.read = read, .arg = arg, .addr = addr};
	size_t pos = 0;
	struct vms_error *err = NULL;
	for (uint64_t i = 0; i < num && !err; i++) {
		// the length: one byte, or two when the first has bit 7 set
		if ((err = names_ensure(&nb, pos + 1)))
			break;
		size_t len = nb.buf[pos], hdr = 1;
		if (len & 0x80) {
			if ((err = names_ensure(&nb, pos + 2)))
				break;
			len = (len & 0x7f) | ((size_t)nb.buf[pos + 1] << 7);
			hdr = 2;
		}
		pos += hdr + len;
		err = names_ensure(&nb, pos);
	}
	if (err) {
		free(nb.buf);
		return err;
	}
	*ret = nb.buf;
	*size_ret = pos;
	return NULL;
}

struct vms_error *program_kallsyms_read(const struct program_kallsyms_at *at,
					uint64_t kaslr_offset, program_read_fn *read,
					void *arg, struct debuginfo_symbols *ret)
{
	struct debuginfo_kallsyms ks = { .kaslr_offset = kaslr_offset };
	uint32_t num;
	struct vms_error *err = read(arg, at->num_syms, &num, sizeof(num));
	if (err)
		return vms_error_wrap(err, "reading kallsyms_num_syms");
	if (num == 0 || num > (1u << 24))
		return vms_error_create(VMS_ERR_FORMAT, "kallsyms table is corrupt: "
					"kallsyms_num_syms is %u", num);
	ks.num_syms = num;
	_cleanup_free_ uint8_t *index = NULL, *table = NULL, *names = NULL, *offs = NULL;
	if ((err = read_kvirt(read, arg, "kallsyms_token_index", at->token_index, 512, &index)))
		return err;
	uint16_t max_off = 0;
	for (int i = 0; i < 256; i++) {
		uint16_t o;
		memcpy(&o, index + 2 * i, 2);
		if (o > max_off)
			max_off = o;
	}
	// the last token: a few bytes past the largest offset
	ks.token_table_size = (size_t)max_off + 256;
	if ((err = read_kvirt(read, arg, "kallsyms_token_table", at->token_table,
			      ks.token_table_size, &table)))
		return err;
	if ((err = read_names(read, arg, at->names, num, &names, &ks.names_size)))
		return err;
	if (at->have_offsets && !at->have_addresses) {
		ks.offsets_size = (size_t)num * 4;
		if ((err = read_kvirt(read, arg, "kallsyms_offsets", at->offsets, ks.offsets_size,
				      &offs)))
			return err;
		ks.offsets = offs;
		if (at->have_base) {
			if ((err = read(arg, at->relative_base, &ks.relative_base, 8)))
				return vms_error_wrap(err, "reading kallsyms_relative_base");
			// CONFIG_KALLSYMS_ABSOLUTE_PERCPU stores relocated symbols as
			// negative offsets (and per-CPU ones as non-negative absolute
			// values); without it every offset is a small unsigned one.
			ks.mode = DEBUGINFO_KALLSYMS_BASE_RELATIVE;
			for (uint32_t i = 0; i < num; i++) {
				int32_t o;
				memcpy(&o, offs + 4 * i, 4);
				if (o < 0) {
					ks.mode = DEBUGINFO_KALLSYMS_ABSOLUTE_PERCPU;
					break;
				}
			}
		} else {
			ks.mode = DEBUGINFO_KALLSYMS_PC_RELATIVE;
			ks.offsets_address = at->offsets;
		}
	} else {
		ks.addresses_size = (size_t)num * 8;
		if ((err = read_kvirt(read, arg, "kallsyms_addresses", at->addresses,
				      ks.addresses_size, &offs)))
			return err;
		ks.addresses = offs;
		ks.mode = DEBUGINFO_KALLSYMS_ADDRESSES;
	}
	ks.names = names;
	ks.token_table = table;
	ks.token_index = index;
	return debuginfo_kallsyms_decode(&ks, ret);
}

/* Decode the kallsyms tables the dump's VMCOREINFO points to. */
VMS_MUST_CHECK static struct vms_error *kallsyms_from_dump(struct vms_program *prog, struct debuginfo_symbols *ret)
{
	struct program_kallsyms_at at = {0};
	if (!vmci_hex(prog, "SYMBOL(kallsyms_names)", &at.names) ||
	    !vmci_hex(prog, "SYMBOL(kallsyms_num_syms)", &at.num_syms) ||
	    !vmci_hex(prog, "SYMBOL(kallsyms_token_table)", &at.token_table) ||
	    !vmci_hex(prog, "SYMBOL(kallsyms_token_index)", &at.token_index))
		return vms_error_create(VMS_ERR_LOOKUP, "the dump's VMCOREINFO lists no kallsyms "
					"tables (kernels before 6.0)");
	// How addresses are stored, probed by which symbols VMCOREINFO has:
	// kallsyms_addresses without CONFIG_KALLSYMS_BASE_RELATIVE;
	// kallsyms_relative_base with it (4.6, commit 2213e9a66bb8 "kallsyms:
	// add support for relative offsets in kallsyms address table"); neither
	// once offsets became relative to their own place (kallsyms_sym_address()
	// is offset_to_ptr() in 7.2, relative_base gone).
	at.have_addresses = vmci_hex(prog, "SYMBOL(kallsyms_addresses)", &at.addresses);
	at.have_base = vmci_hex(prog, "SYMBOL(kallsyms_relative_base)", &at.relative_base);
	at.have_offsets = vmci_hex(prog, "SYMBOL(kallsyms_offsets)", &at.offsets);
	if (!at.have_addresses && !at.have_offsets)
		return vms_error_create(VMS_ERR_LOOKUP, "the dump's VMCOREINFO lists no kallsyms "
					"address table");
	return program_kallsyms_read(&at, prog->kaslr_offset, dump_kvirt, prog, ret);
}

VMS_MUST_CHECK static struct vms_error *read_file(const char *path, size_t max, char **ret, size_t *size_ret)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vms_error_errno(errno, "cannot open '%s'", path);
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	ssize_t n;
	struct vms_error *err = NULL;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = vms_error_errno(errno, "cannot read '%s'", path);
			break;
		}
		if (sb.len + (size_t)n > max) {
			err = vms_error_create(VMS_ERR_FORMAT, "'%s' is too large", path);
			break;
		}
		strbuf_add(&sb, buf, (size_t)n);
	}
	close(fd);
	if (err) {
		strbuf_release(&sb);
		return err;
	}
	*size_ret = sb.len;
	*ret = strbuf_detach(&sb);
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *sysmap_load(const char *path, struct debuginfo_symbols *ret)
{
	char *text;
	size_t len;
	struct vms_error *err = read_file(path, (size_t)256 << 20, &text, &len);
	if (err)
		return err;
	err = debuginfo_sysmap_parse(text, len, ret);
	free(text);
	return err ? vms_error_wrap(err, "%s", path) : NULL;
}

/* A System.map for the dump's release: next to the kernel image as Debian
 * installs it, or next to the dump. */
static char *sysmap_locate(struct vms_program *prog)
{
	const char *sysroot = getenv("VMSIFT_SYSROOT");
	if (!sysroot)
		sysroot = "";
	const char *rel = prog->osrelease;
	_cleanup_free_ char *dir = strdup(prog->dump_path ? prog->dump_path : ".");
	if (!dir)
		return NULL;
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	else
		strcpy(dir, ".");
	char *cands[5] = {0};
	size_t n = 0;
	if (rel) {
		if (asprintf(&cands[n], "%s/boot/System.map-%s", sysroot, rel) >= 0)
			n++;
		if (asprintf(&cands[n], "%s/usr/lib/modules/%s/System.map", sysroot, rel) >= 0)
			n++;
		if (asprintf(&cands[n], "%s/lib/modules/%s/System.map", sysroot, rel) >= 0)
			n++;
		if (asprintf(&cands[n], "%s/System.map-%s", dir, rel) >= 0)
			n++;
	}
	if (asprintf(&cands[n], "%s/System.map", dir) >= 0)
		n++;
	char *found = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!found && access(cands[i], R_OK) == 0) {
			// Debian's image packages ship a placeholder: skip it
			struct debuginfo_symbols s;
			struct vms_error *err = sysmap_load(cands[i], &s);
			if (!err) {
				debuginfo_symbols_deinit(&s);
				found = cands[i];
				continue;
			}
			vms_error_destroy(err);
		}
		free(cands[i]);
	}
	return found;
}

/* Every SYMBOL(x)=ADDR of VMCOREINFO that symbol table @s has must be at
 * ADDR once relocated (one pass over @s; a name several symbols share needs
 * one of them there). */
VMS_MUST_CHECK static struct vms_error *check_symbols(struct vms_program *prog,
						      const struct debuginfo_symbols *s, const char *what)
{
	struct vmci_sym {
		char name[128];
		uint64_t addr;
		int state; // 0 absent from @s, 1 elsewhere, 2 there
		uint64_t at;
	} *want = NULL;
	size_t n = 0, cap = 0;
	struct vms_strmap map;
	vms_strmap_init(&map);
	struct vms_error *err = NULL;
	const char *text = dump_vmcoreinfo(prog->dump);
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char name[128];
		unsigned long long addr;
		int consumed = 0;
		if (len < sizeof(name) + 32 && sscanf(p, "SYMBOL(%127[^)])=%llx%n", name, &addr,
						      &consumed) == 2 && (size_t)consumed == len) {
			if (!vms_array_reserve(want, cap, n + 1)) {
				err = &vms_enomem;
				break;
			}
			memset(&want[n], 0, sizeof(want[n]));
			strcpy(want[n].name, name);
			want[n].addr = addr;
			n++;
		}
		p = nl ? nl + 1 : NULL;
	}
	for (size_t i = 0; i < n && !err; i++) {
		bool inserted;
		uint64_t *v = vms_strmap_insert_hashed(&map, want[i].name,
						      vms_hash_string(want[i].name), &inserted);
		if (!v)
			err = &vms_enomem;
		else
			*v = i;
	}
	for (size_t i = 0; i < s->nsyms && !err && map.count; i++) {
		const struct vms_symbol *sym = &s->syms[i];
		uint64_t *v = vms_strmap_find(&map, sym->name);
		if (!v || want[*v].state == 2)
			continue;
		struct vmci_sym *w = &want[*v];
		w->at = sym->address + (sym->kind == 'A' || sym->kind == 'a' ? 0 : prog->kaslr_offset);
		// VMCOREINFO_SYMBOL_ARRAY() records an array's address, which for
		// a pointer (SPARSEMEM_EXTREME's mem_section) is its value
		uint64_t val;
		struct vms_error *rerr = NULL;
		if (w->at == w->addr ||
		    (!(rerr = dump_read(prog->dump, DUMP_KVIRT, w->at, &val, 8)) && val == w->addr))
			w->state = 2;
		else if (!rerr)
			w->state = 1;
		// (a pointer the dump does not hold, in a cut or filtered file,
		// checks nothing either way: the other symbols decide)
		vms_error_destroy(rerr);
	}
	size_t checked = 0;
	for (size_t i = 0; i < n && !err; i++) {
		if (want[i].state == 1)
			err = vms_error_create(VMS_ERR_MISMATCH,
					       "%s does not match the dump: %s is at 0x%" PRIx64
					       ", VMCOREINFO says 0x%" PRIx64, what, want[i].name,
					       want[i].at, want[i].addr);
		checked += want[i].state == 2;
	}
	vms_strmap_deinit(&map);
	free(want);
	if (!err && !checked)
		program_warn(prog, "cannot check %s against the dump: no VMCOREINFO symbol in it",
			     what);
	return err;
}

/* Every SIZE(x) and OFFSET(x.y) of VMCOREINFO whose type the BTF has must
 * agree with it.  x is a struct tag or a typedef name. */
VMS_MUST_CHECK static struct vms_error *check_types(struct vms_program *prog)
{
	const char *text = dump_vmcoreinfo(prog->dump);
	size_t checked = 0;
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		char key[128], member[128] = "";
		unsigned long long v;
		int consumed = 0;
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		bool is_size = false, ok = false;
		if (len < 200) {
			if (sscanf(p, "SIZE(%127[^)])=%llu%n", key, &v, &consumed) == 2 &&
			    (size_t)consumed == len)
				ok = is_size = true;
			else if (sscanf(p, "OFFSET(%127[^.)].%127[^)])=%llu%n", key, member, &v,
					&consumed) == 3 && (size_t)consumed == len)
				ok = true;
		}
		p = nl ? nl + 1 : NULL;
		if (!ok)
			continue;
		struct vms_type *t = NULL;
		char tname[140];
		snprintf(tname, sizeof(tname), "struct %s", key);
		struct vms_error *err = debuginfo_find_type(prog->di, tname, &t);
		if (err) {
			vms_error_destroy(err);
			err = debuginfo_find_type(prog->di, key, &t);
		}
		if (err) { // a type this BTF does not have: nothing to compare
			vms_error_destroy(err);
			continue;
		}
		uint64_t have;
		if (is_size) {
			have = vms_type_size(t);
		} else {
			uint64_t bits;
			err = vms_type_member_find(t, member, NULL, &bits, NULL);
			if (err) {
				vms_error_destroy(err);
				return vms_error_create(VMS_ERR_MISMATCH,
							"BTF from %s does not match the dump: %s has "
							"no member %s, VMCOREINFO has OFFSET(%s.%s)",
							prog->types_from, key, member, key, member);
			}
			have = bits / 8;
		}
		if (have != v)
			return vms_error_create(VMS_ERR_MISMATCH,
						"BTF from %s does not match the dump: %s(%s%s%s) is %llu "
						"in VMCOREINFO, %" PRIu64 " in BTF", prog->types_from,
						is_size ? "SIZE" : "OFFSET", key, is_size ? "" : ".",
						member, v, have);
		checked++;
	}
	if (!checked)
		program_warn(prog, "cannot check the BTF against the dump: no VMCOREINFO type "
			     "it has");
	return NULL;
}

/* An image's banner must be the dump's (what the DWARF mode checks too). */
VMS_MUST_CHECK static struct vms_error *check_image(struct vms_program *prog, struct vms_debuginfo *di)
{
	struct vms_symbol sym;
	struct vms_error *err = debuginfo_symbol(di, "linux_banner", &sym);
	if (err) {
		vms_error_destroy(err);
		return NULL;
	}
	char file[256] = "", mem[256] = "";
	size_t len = sym.size && sym.size < sizeof(file) ? sym.size : sizeof(file) - 1;
	struct vms_error *e1 = debuginfo_read_static(di, sym.address, file, len);
	struct vms_error *e2 = dump_read(prog->dump, DUMP_KVIRT, sym.address + prog->kaslr_offset,
					 mem, len);
	bool compared = !e1 && !e2;
	vms_error_destroy(e1);
	vms_error_destroy(e2);
	if (!compared)
		return NULL;
	file[len] = mem[len] = 0;
	// the banner ends at its newline; the bytes after it are another object
	char *nl1 = strchr(file, '\n'), *nl2 = strchr(mem, '\n');
	if (nl1)
		nl1[1] = 0;
	if (nl2)
		nl2[1] = 0;
	if (strcmp(file, mem) != 0) {
		if (nl2)
			*nl2 = 0;
		return vms_error_create(VMS_ERR_MISMATCH,
					"%s does not match the dump: linux_banner differs (dump: \"%.80s\")",
					prog->types_from, mem);
	}
	return NULL;
}

static bool symbols_find(const struct debuginfo_symbols *s, const char *name,
			 struct vms_symbol *ret)
{
	for (size_t i = 0; i < s->nsyms; i++) {
		if (!strcmp(s->syms[i].name, name)) {
			*ret = s->syms[i];
			return true;
		}
	}
	return false;
}

VMS_MUST_CHECK static struct vms_error *btf_from_dump(struct vms_program *prog,
						      const struct debuginfo_symbols *syms,
						      struct vms_debuginfo **ret)
{
	struct vms_symbol start, stop;
	struct vms_error *err;
	if (!symbols_find(syms, "__start_BTF", &start) || !symbols_find(syms, "__stop_BTF", &stop)) {
		return vms_error_create(VMS_ERR_LOOKUP, "the kernel has no __start_BTF symbol "
					"(built without CONFIG_DEBUG_INFO_BTF?); name a vmlinux "
					"after the dump");
	}
	if (stop.address <= start.address || stop.address - start.address > MAX_BTF_BYTES)
		return vms_error_create(VMS_ERR_FORMAT, "BTF in the dump has a bad size (%"
					PRIu64 " bytes)", stop.address - start.address);
	uint64_t addr = start.address + prog->kaslr_offset, len = stop.address - start.address;
	// libbpf copies the blob: read it in place when the dump allows
	const void *p = dump_map(prog->dump, DUMP_KVIRT, addr, len);
	if (p) {
		err = debuginfo_open_btf(p, len, "the dump", ret);
		dump_unmap(prog->dump, p, len);
		return err;
	}
	_cleanup_free_ uint8_t *buf = NULL;
	err = read_kvirt(dump_kvirt, prog, "the BTF in the dump", addr, len, &buf);
	if (err && (err->code == VMS_ERR_NODATA || err->code == VMS_ERR_FAULT))
		return vms_error_wrap(err, "the dump does not hold the kernel's BTF (name a vmlinux "
				      "or vmlinuz after the dump)");
	if (err)
		return err;
	return debuginfo_open_btf(buf, len, "the dump", ret);
}

/* What the second file is: a System.map (text) or an image with BTF. */
static bool looks_like_sysmap(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	char buf[64];
	ssize_t n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 20)
		return false;
	for (ssize_t i = 0; i < 16; i++)
		if (!((buf[i] >= '0' && buf[i] <= '9') || (buf[i] >= 'a' && buf[i] <= 'f')))
			return false;
	return buf[16] == ' ';
}

struct vms_error *program_open_btf(struct vms_program *prog, const char *file, bool force)
{
	struct vms_error *err;
	struct debuginfo_symbols syms = {0};
	const char *image = NULL, *sysmap = NULL;
	if (file) {
		if (looks_like_sysmap(file))
			sysmap = file;
		else
			image = file;
	}
	prog->btf = true;
	// symbols
	if (sysmap) {
		err = sysmap_load(sysmap, &syms);
		prog->symbols_from = strdup(sysmap);
	} else {
		err = kallsyms_from_dump(prog, &syms);
		if (err && (err->code == VMS_ERR_NODATA || err->code == VMS_ERR_FAULT))
			err = vms_error_wrap(err, "the dump does not hold the kernel's kallsyms (name "
					     "a System.map after the dump)");
		prog->symbols_from = strdup("kallsyms of the dump");
		if (err && err->code == VMS_ERR_LOOKUP) {
			_cleanup_free_ char *found = sysmap_locate(prog);
			if (!found)
				return vms_error_wrap(err, "no symbols: give a System.map of %s after the dump",
						      prog->osrelease ? prog->osrelease : "the kernel");
			vms_error_destroy(err);
			err = sysmap_load(found, &syms);
			free(prog->symbols_from);
			prog->symbols_from = strdup(found);
		}
	}
	if (!err)
		err = check_symbols(prog, &syms, prog->symbols_from ? prog->symbols_from : "?");
	if (err && err->code == VMS_ERR_MISMATCH && force) {
		program_warn(prog, "%s; used anyway (--force)", err->message);
		vms_error_destroy(err);
		err = NULL;
	} else if (err && err->code == VMS_ERR_MISMATCH) {
		struct vms_error *hint = vms_error_create(err->code, "%s; --force uses it anyway",
							  err->message);
		vms_error_destroy(err);
		err = hint;
	}
	if (err) {
		debuginfo_symbols_deinit(&syms);
		return err;
	}
	// types
	struct vms_debuginfo *di = NULL;
	if (image) {
		err = debuginfo_open_btf_image(image, &di);
		prog->types_from = strdup(image);
	} else if (dump_is_live(prog->dump) && access("/sys/kernel/btf/vmlinux", R_OK) == 0) {
		err = debuginfo_open_btf_image("/sys/kernel/btf/vmlinux", &di);
		prog->types_from = strdup("/sys/kernel/btf/vmlinux");
	} else {
		err = btf_from_dump(prog, &syms, &di);
		prog->types_from = strdup("the dump");
	}
	if (err) {
		debuginfo_symbols_deinit(&syms);
		return err;
	}
	if (!prog->types_from || !prog->symbols_from) {
		debuginfo_symbols_deinit(&syms);
		debuginfo_destroy(di);
		return &vms_enomem;
	}
	prog->di = di;
	if ((err = debuginfo_set_symbols(di, &syms)))
		return err;
	struct vms_error *mismatch = check_types(prog);
	if (!mismatch && image)
		mismatch = check_image(prog, di);
	if (mismatch) {
		if (!force) {
			err = vms_error_create(mismatch->code, "%s; --force uses it anyway",
					       mismatch->message);
			vms_error_destroy(mismatch);
			return err;
		}
		program_warn(prog, "%s; used anyway (--force)", mismatch->message);
		vms_error_destroy(mismatch);
	}
	return program_btf_globals_load(prog);
}
