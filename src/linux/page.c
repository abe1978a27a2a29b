// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/page.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "linux/kernel.h"

static struct vms_error *member(struct vms_program *prog, const char *m, uint64_t *ret)
{
	return vms_error_wrap(program_member_offset(prog, "struct page", m, ret),
			      "probing struct page");
}

/*
 * Flag names.  The bit numbers come from the dump's own `enum pageflags`
 * (they move between versions: 6.12 dropped PG_error and renumbered).  The
 * display names come from the kernel's own pageflag_names[] table
 * (mm/debug.c, an array of struct trace_print_flags ending in {0, NULL}) when
 * the dump holds it; otherwise the enum names without "PG_".
 */
static void probe_flag_names(struct vms_program *prog, struct linux_page_layout *l,
			     struct linux_kernel *k)
{
	struct vms_type *t;
	struct vms_error *err = program_find_type(prog, "enum pageflags", &t);
	int64_t nr = -1;
	if (!err) {
		for (size_t i = 0; i < vms_type_enumerator_count(t); i++) {
			const struct vms_type_enumerator *e = vms_type_enumerator(t, i);
			if (strcmp(e->name, "__NR_PAGEFLAGS") == 0)
				nr = e->value;
		}
		for (size_t i = 0; i < vms_type_enumerator_count(t); i++) {
			const struct vms_type_enumerator *e = vms_type_enumerator(t, i);
			if (e->value < 0 || e->value >= LINUX_MAX_PAGEFLAGS || (nr >= 0 && e->value >= nr))
				continue;
			// The first enumerator of a value is its primary name;
			// later ones (PG_checked, PG_swapcache...) are aliases.
			if (!l->flag_enum[e->value])
				l->flag_enum[e->value] = e->name;
			if (strcmp(e->name, "PG_head") == 0)
				l->pg_head = (int)e->value;
		}
	}
	vms_error_destroy(err);
	l->nr_pageflags = nr > 0 && nr <= LINUX_MAX_PAGEFLAGS ? (unsigned)nr : 0;

	struct program_symbol sym;
	uint64_t entsz = 0, off_mask = 0, off_name = 8;
	err = program_symbol(prog, "pageflag_names", &sym);
	if (!err)
		err = program_type_size(prog, "struct trace_print_flags", &entsz);
	if (!err)
		err = program_member_offset(prog, "struct trace_print_flags", "mask", &off_mask);
	if (!err)
		err = program_member_offset(prog, "struct trace_print_flags", "name", &off_name);
	if (!err && entsz >= 16 && entsz <= 64) {
		for (unsigned i = 0; i < 2 * LINUX_MAX_PAGEFLAGS; i++) {
			uint8_t ent[64];
			struct vms_error *rerr = program_read(prog, sym.address + i * entsz, ent, entsz);
			if (rerr) {
				vms_error_destroy(rerr);
				break;
			}
			uint64_t mask, name;
			memcpy(&mask, ent + off_mask, 8);
			memcpy(&name, ent + off_name, 8);
			if (!name)
				break;
			if (!mask || (mask & (mask - 1)))
				continue;
			unsigned bit = (unsigned)__builtin_ctzll(mask);
			if (bit >= LINUX_MAX_PAGEFLAGS || l->flag_name[bit])
				continue;
			char *s;
			struct vms_error *e = program_read_string(prog, name, 32, &s);
			if (e) {
				vms_error_destroy(e);
				continue;
			}
			l->flag_name[bit] = linux_kernel_intern(k, s);
			free(s);
			l->names_from_kernel = true;
		}
	}
	vms_error_destroy(err);
	for (unsigned b = 0; b < LINUX_MAX_PAGEFLAGS; b++) {
		if (l->flag_name[b] || !l->flag_enum[b])
			continue;
		const char *n = l->flag_enum[b];
		l->flag_name[b] = strncmp(n, "PG_", 3) == 0 ? n + 3 : n;
	}
}

/* Where the struct page array starts. */
static struct vms_error *probe_memmap(struct vms_program *prog, struct linux_page_layout *l)
{
	struct program_symbol sym;
	// x86_64 with KASLR keeps the vmemmap base in a variable
	// (arch/x86/kernel/head64.c, since 4.9: "x86/mm: Enable KASLR for
	// vmemmap memory region", commit 25dfe4785332).
	struct vms_error *err = program_symbol(prog, "vmemmap_base", &sym);
	if (!err) {
		l->model = LINUX_MEMMAP_VMEMMAP;
		return vms_error_wrap(program_read_u64(prog, sym.address, &l->vmemmap),
				      "reading vmemmap_base");
	}
	vms_error_destroy(err);
	const char *v = program_vmcoreinfo(prog, "NUMBER(VMEMMAP_START)");
	if (v) {
		l->model = LINUX_MEMMAP_VMEMMAP;
		l->vmemmap = strtoull(v, NULL, 0);
		return NULL;
	}
	err = program_symbol(prog, "mem_map", &sym);
	if (!err) {
		l->model = LINUX_MEMMAP_FLAT;
		return vms_error_wrap(program_read_u64(prog, sym.address, &l->mem_map),
				      "reading mem_map");
	}
	vms_error_destroy(err);
	// x86_64 without a randomized vmemmap: the fixed base from
	// Documentation/x86/x86_64/mm.rst (4-level paging).
	if (strcmp(program_arch(prog), "x86_64") == 0) {
		l->model = LINUX_MEMMAP_VMEMMAP;
		l->vmemmap = 0xffffea0000000000ull;
		return NULL;
	}
	return vms_error_create(VMS_ERR_UNSUPPORTED, "cannot find the struct page array (no vmemmap_base or mem_map)");
}

static struct vms_error *probe_layout(struct vms_program *prog, struct linux_page_layout *l,
				      struct linux_kernel *k)
{
	struct vms_error *err;
	l->pg_head = -1;
	if ((err = program_type_size(prog, "struct page", &l->page_size)) ||
	    (err = member(prog, "flags", &l->off_flags)) ||
	    (err = member(prog, "compound_head", &l->off_compound_head)) ||
	    (err = member(prog, "mapping", &l->off_mapping)) ||
	    (err = member(prog, "index", &l->off_index)) ||
	    (err = member(prog, "private", &l->off_private)) ||
	    (err = member(prog, "_mapcount", &l->off_mapcount)) ||
	    (err = member(prog, "_refcount", &l->off_refcount)))
		return err;
	l->has_memcg = program_has_member(prog, "struct page", "memcg_data");
	if (l->has_memcg)
		member(prog, "memcg_data", &l->off_memcg);
	if (l->page_size == 0 || l->page_size > 256)
		return vms_error_create(VMS_ERR_FORMAT, "implausible sizeof(struct page) %" PRIu64,
					l->page_size);
	struct program_symbol sym;
	err = program_symbol(prog, "max_pfn", &sym);
	if (!err)
		err = program_read_u64(prog, sym.address, &l->max_pfn);
	vms_error_destroy(err);
	probe_flag_names(prog, l, k);
	return probe_memmap(prog, l);
}

struct vms_error *linux_page_layout(struct vms_program *prog, const struct linux_page_layout **ret)
{
	struct linux_kernel *k;
	struct vms_error *err = linux_kernel_get(prog, &k);
	if (err)
		return err;
	if (!k->page_layout_done) {
		err = probe_layout(prog, &k->page_layout, k);
		if (err)
			return err;
		k->page_layout_done = true;
	}
	*ret = &k->page_layout;
	return NULL;
}

struct vms_error *linux_pfn_to_page(struct vms_program *prog, uint64_t pfn, uint64_t *ret)
{
	const struct linux_page_layout *l;
	struct vms_error *err = linux_page_layout(prog, &l);
	if (err)
		return err;
	switch (l->model) {
	case LINUX_MEMMAP_VMEMMAP:
		*ret = l->vmemmap + pfn * l->page_size;
		return NULL;
	case LINUX_MEMMAP_FLAT:
		*ret = l->mem_map + pfn * l->page_size;
		return NULL;
	default:
		return vms_error_create(VMS_ERR_UNSUPPORTED, "SPARSEMEM without VMEMMAP is not handled yet");
	}
}

struct vms_error *linux_page_to_pfn(struct vms_program *prog, uint64_t page, uint64_t *ret)
{
	const struct linux_page_layout *l;
	struct vms_error *err = linux_page_layout(prog, &l);
	if (err)
		return err;
	uint64_t base = l->model == LINUX_MEMMAP_FLAT ? l->mem_map : l->vmemmap;
	if (l->model == LINUX_MEMMAP_SPARSE)
		return vms_error_create(VMS_ERR_UNSUPPORTED, "SPARSEMEM without VMEMMAP is not handled yet");
	if (page < base || (page - base) % l->page_size)
		return vms_error_addr(VMS_ERR_INVALID, page, "0x%" PRIx64 " is not a struct page address", page);
	*ret = (page - base) / l->page_size;
	return NULL;
}

void linux_page_parse(const struct linux_page_layout *l, const uint8_t *b,
		      uint64_t pfn, uint64_t page, struct linux_page_raw *r)
{
	memset(r, 0, sizeof(*r));
	r->pfn = pfn;
	r->page = page;
	memcpy(&r->flags, b + l->off_flags, 8);
	memcpy(&r->compound_head, b + l->off_compound_head, 8);
	memcpy(&r->mapping, b + l->off_mapping, 8);
	memcpy(&r->index, b + l->off_index, 8);
	memcpy(&r->private_, b + l->off_private, 8);
	memcpy(&r->mapcount_raw, b + l->off_mapcount, 4);
	memcpy(&r->refcount, b + l->off_refcount, 4);
	if (l->has_memcg)
		memcpy(&r->memcg_data, b + l->off_memcg, 8);
	// Tail pages point at their head with bit 0 set (include/linux/mm_types.h
	// "compound_head"); PageTail() tests exactly that.
	if (r->compound_head & 1) {
		r->is_tail = true;
		r->head = r->compound_head - 1;
	}
}

struct vms_error *linux_page_read(struct vms_program *prog, uint64_t pfn, struct linux_page_raw *ret)
{
	const struct linux_page_layout *l;
	struct vms_error *err = linux_page_layout(prog, &l);
	if (err)
		return err;
	uint64_t page;
	err = linux_pfn_to_page(prog, pfn, &page);
	if (err)
		return err;
	uint8_t buf[256];
	err = program_read(prog, page, buf, l->page_size);
	if (err)
		return vms_error_wrap(err, "reading struct page of pfn 0x%" PRIx64, pfn);
	linux_page_parse(l, buf, pfn, page, ret);
	return NULL;
}
