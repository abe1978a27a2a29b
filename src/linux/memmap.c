// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/memmap.h"
#include "linux/kernel.h"
#include "linux/kfacts.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/util.h"
#include "base/vector.h"

const char *linux_memmap_unknown_name(unsigned why)
{
	static const char *const names[LINUX_UNKNOWN_NR] = {
		[LINUX_UNKNOWN_HOLE] = "hole", [LINUX_UNKNOWN_EXCLUDED] = "excluded",
		[LINUX_UNKNOWN_UNMAPPED] = "unmapped", [LINUX_UNKNOWN_ERROR] = "error",
	};
	return why < LINUX_UNKNOWN_NR ? names[why] : "?";
}

struct vms_error *linux_memmap_add_range(struct linux_memmap *m, uint64_t start, uint64_t end,
					 uint64_t map_base, bool online, uint8_t unreadable)
{
	if (end <= start)
		return NULL;
	if (m->nr_ranges) {
		struct linux_memmap_range *last = &m->ranges[m->nr_ranges - 1];
		if (last->end_pfn == start && last->map_base == map_base && last->online == online &&
		    last->unreadable == unreadable) {
			last->end_pfn = end;
			return NULL;
		}
	}
	if (!vms_array_reserve(m->ranges, m->cap_ranges, m->nr_ranges + 1))
		return &vms_enomem;
	m->ranges[m->nr_ranges++] = (struct linux_memmap_range){ start, end, map_base, online, unreadable };
	return NULL;
}

struct vms_error *linux_sparse_geometry(unsigned page_shift, uint64_t section_bits,
					uint64_t physmem_bits, int64_t map_last_bit,
					int64_t has_map_bit, int64_t online_bit, unsigned subsec_shift,
					struct linux_sparse_geom *ret)
{
	if (page_shift < 9 || page_shift > 20 || section_bits <= page_shift || section_bits >= 48 ||
	    physmem_bits > 64 || physmem_bits <= section_bits || physmem_bits - section_bits > 40)
		return vms_error_create(VMS_ERR_FORMAT, "implausible SECTION_SIZE_BITS %" PRIu64
					" / MAX_PHYSMEM_BITS %" PRIu64, section_bits, physmem_bits);
	if (map_last_bit < 1 || map_last_bit > 12 || has_map_bit < 0 || has_map_bit >= map_last_bit ||
	    online_bit < 0 || online_bit >= map_last_bit)
		return vms_error_create(VMS_ERR_FORMAT, "implausible mem_section flag bits (SECTION_MAP_LAST_BIT %"
					PRId64 ")", map_last_bit);
	struct linux_sparse_geom g;
	g.section_pages = UINT64_C(1) << (section_bits - page_shift);
	g.nr_sections = UINT64_C(1) << (physmem_bits - section_bits);
	// SUBSECTION_SHIFT; a section smaller than a subsection is one
	// subsection (the kernel's #error aside).
	g.subsec_pages = page_shift < subsec_shift ? UINT64_C(1) << (subsec_shift - page_shift) : 1;
	if (g.subsec_pages > g.section_pages)
		g.subsec_pages = g.section_pages;
	g.nr_subsec = g.section_pages / g.subsec_pages;
	g.map_mask = ~((UINT64_C(1) << map_last_bit) - 1);
	g.has_map_bit = (unsigned)has_map_bit;
	g.online_bit = (unsigned)online_bit;
	*ret = g;
	return NULL;
}

/* Add section @nr with mem_section word @section_mem_map and subsection map
 * @subsection_map (all ones where the kernel has no usage/subsections) to
 * @m: its valid subsections become ranges.  A section without
 * SECTION_HAS_MEM_MAP adds nothing.  Fails only on ENOMEM. */
VMS_MUST_CHECK static struct vms_error *linux_memmap_add_section(struct linux_memmap *m, const struct linux_sparse_geom *g,
								 uint64_t nr, uint64_t section_mem_map,
								 uint64_t subsection_map)
{
	if (!(section_mem_map >> g->has_map_bit & 1))
		return NULL;
	uint64_t start = nr * g->section_pages;
	// the encoded map: mem_map - section_nr_to_pfn(nr), so that the
	// struct page of any pfn of the section is base + pfn
	uint64_t base = section_mem_map & g->map_mask;
	bool online = section_mem_map >> g->online_bit & 1;
	m->nr_sections++;
	if (!m->section_pages)
		m->section_pages = g->section_pages;
	for (uint64_t s = 0; s < g->nr_subsec; s++) {
		// more than 64 subsections: only the first word is read
		if (s < 64 && !(subsection_map >> s & 1))
			continue;
		struct vms_error *err = linux_memmap_add_range(m, start + s * g->subsec_pages,
							       start + (s + 1) * g->subsec_pages,
							       base, online, 0);
		if (err)
			return err;
	}
	return NULL;
}

void linux_memmap_finish(struct linux_memmap *m)
{
	m->end_pfn = m->max_pfn;
	if (m->nr_ranges && m->ranges[m->nr_ranges - 1].end_pfn > m->end_pfn)
		m->end_pfn = m->ranges[m->nr_ranges - 1].end_pfn;
}

/* mem_section data that cannot be read (@err, consumed): the PFNs of
 * sections [first, last) below max_pfn.  With a vmemmap the struct page
 * of each is still where it always is, so they are walked as if present
 * (unreadable struct pages are counted by the walk; PFNs that were holes
 * count as "unmapped"); without one they are unknown.  Records the first
 * such failure in m->note. */
VMS_MUST_CHECK static struct vms_error *sections_unreadable(struct linux_memmap *m, const struct linux_sparse_geom *g,
					     uint64_t first, uint64_t last, struct vms_error *err,
					     const char *what)
{
	uint64_t start = first * g->section_pages, end = last * g->section_pages;
	if (end > m->max_pfn)
		end = m->max_pfn;
	bool vmemmap = m->layout->model == LINUX_MEMMAP_VMEMMAP;
	if (!m->note) {
		char buf[512];
		snprintf(buf, sizeof(buf), "%s is unreadable (%s): %s", what, err->message,
			 vmemmap ? "sections unknown, assuming a struct page for every PFN below max_pfn"
				 : "the PFNs of those sections are unknown");
		m->note = strdup(buf);
	}
	unsigned why = linux_memmap_unknown_reason(err);
	vms_error_destroy(err);
	if (vmemmap)
		return linux_memmap_add_range(m, start, end, m->layout->vmemmap, true, 0);
	return linux_memmap_add_range(m, start, end, 0, false, (uint8_t)(1 + why));
}

VMS_MUST_CHECK static struct vms_error *sparse_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	return program_read(arg, addr, buf, len);
}

struct vms_error *linux_memmap_scan_sparse(struct linux_memmap *m, const struct linux_sparse_geom *g,
					   const struct linux_sparse_desc *d,
					   struct vms_error *(*read)(void *arg, uint64_t addr, void *buf, size_t len),
					   void *arg)
{
	uint64_t per_root = d->per_root, nr_roots = d->nr_roots, ms_size = d->ms_size;
	if (!nr_roots || !per_root || nr_roots > (UINT64_C(1) << 24) || per_root > 4096 ||
	    ms_size < 8 || ms_size > 4096 || d->off_map + 8 > ms_size ||
	    (d->has_usage && d->off_usage + 8 > ms_size))
		return vms_error_create(VMS_ERR_FORMAT, "implausible mem_section geometry (%" PRIu64
					" roots of %" PRIu64 ")", nr_roots, per_root);
	m->section_pages = g->section_pages;
	_cleanup_free_ uint64_t *roots = NULL;
	uint64_t roots_addr = d->mem_section;
	struct vms_error *err;
	if (d->extreme) {
		// struct mem_section **mem_section: a pointer to the root array
		roots = malloc(nr_roots * 8);
		if (!roots)
			return &vms_enomem;
		err = read(arg, d->mem_section, &roots_addr, 8);
		if (!err)
			err = read(arg, roots_addr, roots, nr_roots * 8);
		if (err)
			return sections_unreadable(m, g, 0, nr_roots * per_root, err,
						   "the mem_section root array");
	}
	_cleanup_free_ uint8_t *buf = malloc(per_root * ms_size);
	if (!buf)
		return &vms_enomem;
	for (uint64_t r = 0; r < nr_roots; r++) {
		// SPARSEMEM_EXTREME: roots[r] (NULL: no section of it present);
		// static: mem_section[r][0..per_root)
		uint64_t root = d->extreme ? roots[r] : roots_addr + r * per_root * ms_size;
		if (!root)
			continue;
		err = read(arg, root, buf, per_root * ms_size);
		if (err) {
			if (m->max_pfn && r * per_root * g->section_pages >= m->max_pfn) {
				vms_error_destroy(err);
				continue;
			}
			err = sections_unreadable(m, g, r * per_root, (r + 1) * per_root, err,
						  "a mem_section root");
			if (err)
				return err;
			continue;
		}
		for (uint64_t i = 0; i < per_root; i++) {
			const uint8_t *ms = buf + i * ms_size;
			uint64_t smm, usage = 0;
			memcpy(&smm, ms + d->off_map, 8);
			if (!(smm >> g->has_map_bit & 1))
				continue;
			// no struct mem_section_usage (before 5.3): whole sections
			uint64_t subsec = ~UINT64_C(0);
			if (d->has_usage) {
				memcpy(&usage, ms + d->off_usage, 8);
				subsec = 0;
				if (usage) {
					struct vms_error *e = read(arg, usage + d->off_subsec, &subsec, 8);
					if (e) { // unreadable usage: assume the whole section
						vms_error_destroy(e);
						subsec = ~UINT64_C(0);
					}
				}
			}
			err = linux_memmap_add_section(m, g, r * per_root + i, smm, subsec);
			if (err)
				return err;
		}
	}
	return NULL;
}

/*
 * SPARSEMEM: mem_section is either `struct mem_section **` (SPARSEMEM_EXTREME,
 * roots allocated at boot) or a static [NR_SECTION_ROOTS][SECTIONS_PER_ROOT]
 * array.  section_mem_map holds the encoded memory map (mem_map - section's
 * first pfn, so base + pfn * sizeof(struct page) is the struct page for
 * both VMEMMAP and classic sparse) with flags in its low bits
 * (include/linux/mmzone.h).  ms->usage->subsection_map says which 2 MiB
 * subsections are valid (5.3+, commit f1eca35a0dc7 "mm/sparsemem: introduce
 * struct mem_section_usage").
 */
VMS_MUST_CHECK static struct vms_error *probe_sparse(struct vms_program *prog, struct linux_memmap *m)
{
	const struct linux_page_layout *l = m->layout;
	struct vms_type *t;
	uint64_t addr;
	struct vms_error *err = kf_var(prog, KF_MEM_SECTIONS, &addr, &t);
	if (err)
		return err;
	uint64_t ms_size, off_map, off_usage = 0, off_subsec = 0;
	if ((err = kf_need_size(prog, KF_MEM_SECTION, &ms_size)) ||
	    (err = kf_need_off(prog, KF_MS_SECTION_MEM_MAP, &off_map)))
		return err;
	bool has_usage = kf_has(prog, KF_MS_USAGE);
	if (has_usage &&
	    ((err = kf_need_off(prog, KF_MS_USAGE, &off_usage)) ||
	     (err = kf_need_off(prog, KF_MSU_SUBSECTION_MAP, &off_subsec))))
		return err;
	int64_t section_bits, physmem_bits, last_bit, has_map_bit, online_bit, subsec_shift;
	if ((err = kf_const(prog, KF_SECTION_SIZE_BITS, &section_bits)) ||
	    (err = kf_const(prog, KF_MAX_PHYSMEM_BITS, &physmem_bits)) ||
	    (err = kf_const(prog, KF_SECTION_MAP_LAST_BIT, &last_bit)) ||
	    (err = kf_const(prog, KF_SECTION_HAS_MEM_MAP_BIT, &has_map_bit)) ||
	    (err = kf_const(prog, KF_SECTION_IS_ONLINE_BIT, &online_bit)) ||
	    (err = kf_const(prog, KF_SUBSECTION_SHIFT, &subsec_shift)))
		return err;
	struct linux_sparse_geom g;
	err = linux_sparse_geometry(program_page_shift(prog), (uint64_t)section_bits, (uint64_t)physmem_bits,
				    last_bit, has_map_bit, online_bit, (unsigned)subsec_shift, &g);
	if (err)
		return err;
	m->section_pages = g.section_pages;

	struct linux_sparse_desc d = {
		.extreme = vms_type_kind(vms_type_strip(t)) == VMS_TYPE_POINTER,
		.mem_section = addr, .ms_size = ms_size, .off_map = off_map,
		.has_usage = has_usage, .off_usage = off_usage, .off_subsec = off_subsec,
	};
	if (d.extreme) {
		// SECTIONS_PER_ROOT: a page of them
		d.per_root = program_page_size(prog) / ms_size;
		int64_t roots;
		if (vms_ok(kf_const(prog, KF_MEM_SECTION_ROOTS, &roots)) && roots > 0)
			d.nr_roots = (uint64_t)roots;
		else
			d.nr_roots = d.per_root ? (g.nr_sections + d.per_root - 1) / d.per_root : 0;
	} else {
		struct vms_type *outer = vms_type_strip(t);
		d.nr_roots = vms_type_array_length(outer);
		struct vms_type *inner = vms_type_strip(vms_type_target(outer));
		d.per_root = vms_type_kind(inner) == VMS_TYPE_ARRAY ? vms_type_array_length(inner) : 1;
	}
	m->model = l->model == LINUX_MEMMAP_VMEMMAP ? "sparsemem-vmemmap" : "sparsemem";
	return linux_memmap_scan_sparse(m, &g, &d, sparse_read, prog);
}

/* The zone spans of every online node: node_data[] (NUMA) or
 * contig_page_data, each pglist_data's node_zones[MAX_NR_ZONES]. */
VMS_MUST_CHECK static struct vms_error *probe_zones(struct vms_program *prog, struct linux_memmap *m)
{
	uint64_t off_zones, zone_size, off_start, off_spanned, nr_zones_arr;
	struct vms_error *err;
	if ((err = kf_need_off(prog, KF_PGDAT_NODE_ZONES, &off_zones)) ||
	    (err = kf_need_size(prog, KF_ZONE, &zone_size)) ||
	    (err = kf_need_off(prog, KF_ZONE_START_PFN, &off_start)) ||
	    (err = kf_need_off(prog, KF_ZONE_SPANNED_PAGES, &off_spanned)))
		return err;
	nr_zones_arr = m->layout->nr_zones;
	if (!nr_zones_arr || nr_zones_arr > LINUX_MAX_ZONES || zone_size < 16 || zone_size > 65536)
		return vms_error_create(VMS_ERR_FORMAT, "implausible struct zone (%" PRIu64 " zones of %"
					PRIu64 " bytes)", nr_zones_arr, zone_size);
	uint64_t nodes[LINUX_MAX_NODES];
	size_t nr_nodes;
	if ((err = linux_node_pgdats(prog, nodes, VMS_ARRAY_SIZE(nodes), &nr_nodes)))
		return err;
	for (uint64_t n = 0; n < nr_nodes; n++) {
		if (!nodes[n])
			continue;
		for (uint64_t z = 0; z < nr_zones_arr; z++) {
			uint64_t zaddr = nodes[n] + off_zones + z * zone_size, start, spanned;
			if ((err = program_read_u64(prog, zaddr + off_start, &start)) ||
			    (err = program_read_u64(prog, zaddr + off_spanned, &spanned)))
				return vms_error_wrap(err, "reading zone %" PRIu64 " of node %" PRIu64, z, n);
			if (!vms_array_reserve(m->zones, m->cap_zones, m->nr_zones + 1))
				return &vms_enomem;
			m->zones[m->nr_zones++] = (struct linux_zone_span){ (uint16_t)n, (uint8_t)z, start, spanned };
		}
	}
	return NULL;
}

enum linux_zone_check linux_memmap_zone_check(const struct linux_memmap *m,
					      const struct linux_page_info *pi)
{
	if (!m->zones)
		return LINUX_ZONE_OK;
	// Most pages: the named zone, found where probe_zones() put it when
	// every node before it is online, spans the page.
	size_t at = (size_t)pi->node * m->layout->nr_zones + pi->zone;
	if (at < m->nr_zones && m->zones[at].node == pi->node && m->zones[at].zone == pi->zone &&
	    pi->pfn - m->zones[at].start_pfn < m->zones[at].spanned)
		return LINUX_ZONE_OK;
	bool named = false, spanned = false;
	for (size_t i = 0; i < m->nr_zones; i++) {
		const struct linux_zone_span *z = &m->zones[i];
		bool in = pi->pfn - z->start_pfn < z->spanned;
		if (z->node == pi->node && z->zone == pi->zone) {
			if (in)
				return LINUX_ZONE_OK;
			named = true;
		}
		spanned |= in;
	}
	// init_reserved_page() gives a reserved page that no zone spans the
	// zone number MAX_NR_ZONES (its search loop runs off the end).
	int rsv = m->layout->pg[LINUX_PG_RESERVED];
	if (!named && !spanned && m->layout->nr_zones && pi->zone == m->layout->nr_zones &&
	    rsv >= 0 && (pi->flags >> rsv & 1))
		return LINUX_ZONE_HOLE;
	if (!named)
		return LINUX_ZONE_MISMATCH;
	// init_unavailable_range(): __init_single_page() with the zone at
	// hand, then __SetPageReserved()
	int rb = m->layout->pg[LINUX_PG_RESERVED];
	bool reserved = rb >= 0 && (pi->flags >> rb & 1);
	return !spanned || reserved ? LINUX_ZONE_HOLE : LINUX_ZONE_MISMATCH;
}

struct vms_error *linux_memmap_create(struct vms_program *prog, struct linux_memmap **ret)
{
	const struct linux_page_layout *l;
	struct vms_error *err = linux_page_layout(prog, &l);
	if (err)
		return err;
	struct linux_memmap *m = calloc(1, sizeof(*m));
	if (!m)
		return &vms_enomem;
	m->layout = l;
	m->max_pfn = l->max_pfn;
	if (kf_has(prog, KF_MEM_SECTIONS)) {
		err = probe_sparse(prog, m);
	} else if (l->model == LINUX_MEMMAP_FLAT && l->max_pfn) {
		// FLATMEM: one mem_map from PFN 0 (ARCH_PFN_OFFSET 0 on the
		// architectures we read).
		m->model = "flatmem";
		m->section_pages = 32768;
		err = linux_memmap_add_range(m, 0, l->max_pfn, l->mem_map, true, 0);
	} else {
		err = vms_error_create(VMS_ERR_LOOKUP, "no SPARSEMEM mem_section and no FLATMEM mem_map");
	}
	if (err) {
		linux_memmap_destroy(m);
		return vms_error_wrap(err, "probing the memory map");
	}
	linux_memmap_finish(m);
	struct vms_error *zerr = probe_zones(prog, m);
	if (zerr) {
		free(m->zones);
		m->zones = NULL;
		m->nr_zones = m->cap_zones = 0;
		m->zones_err = strdup(zerr->message);
		vms_error_destroy(zerr);
	}
	*ret = m;
	return NULL;
}

void linux_memmap_destroy(struct linux_memmap *m)
{
	if (!m)
		return;
	free(m->ranges);
	free(m->note);
	free(m->zones);
	free(m->zones_err);
	free(m);
}

const struct linux_memmap_range *linux_memmap_find(const struct linux_memmap *m, uint64_t pfn)
{
	size_t lo = 0, hi = m->nr_ranges;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct linux_memmap_range *r = &m->ranges[mid];
		if (pfn < r->start_pfn)
			hi = mid;
		else if (pfn >= r->end_pfn)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

unsigned linux_memmap_unknown_reason(const struct vms_error *err)
{
	switch (err->code) {
	case VMS_ERR_NODATA: return LINUX_UNKNOWN_EXCLUDED;
	case VMS_ERR_FAULT: return LINUX_UNKNOWN_UNMAPPED;
	default: return LINUX_UNKNOWN_ERROR;
	}
}

/* ---- a page source reading through a program, with a small cache ---- */

#define SRC_CACHE 64

struct read_source {
	struct vms_program *prog;
	const struct linux_memmap *m;
	// the current chunk
	uint64_t chunk_start, chunk_n;
	const uint8_t *chunk;
	const uint8_t *chunk_ok;  // 0xff = readable, else reason
	// direct-mapped cache of single struct pages outside the chunk
	uint64_t tag[SRC_CACHE];
	bool valid[SRC_CACHE], ok[SRC_CACHE];
	uint8_t data[SRC_CACHE][256];
};

static const uint8_t *read_source_get(void *arg, uint64_t pfn)
{
	struct read_source *rs = arg;
	if (pfn - rs->chunk_start < rs->chunk_n)
		return rs->chunk_ok[pfn - rs->chunk_start] == 0xff
			       ? rs->chunk + (pfn - rs->chunk_start) * rs->m->layout->page_size
			       : NULL;
	unsigned slot = (unsigned)(pfn % SRC_CACHE);
	if (rs->valid[slot] && rs->tag[slot] == pfn)
		return rs->ok[slot] ? rs->data[slot] : NULL;
	rs->valid[slot] = true;
	rs->tag[slot] = pfn;
	rs->ok[slot] = false;
	const struct linux_memmap_range *r = linux_memmap_find(rs->m, pfn);
	if (!r || r->unreadable)
		return NULL;
	uint64_t size = rs->m->layout->page_size;
	struct vms_error *err = program_read(rs->prog, r->map_base + pfn * size, rs->data[slot], size);
	if (err) {
		vms_error_destroy(err);
		return NULL;
	}
	rs->ok[slot] = true;
	return rs->data[slot];
}

struct vms_error *linux_memmap_decode_one(struct vms_program *prog, const struct linux_memmap *m,
					  uint64_t pfn, struct linux_page_info *ret)
{
	const struct linux_memmap_range *r = linux_memmap_find(m, pfn);
	if (!r)
		return vms_error_create(VMS_ERR_INVALID, "pfn 0x%" PRIx64 " has no struct page (a hole in the memory map)",
					pfn);
	if (r->unreadable)
		return vms_error_create(r->unreadable - 1 == LINUX_UNKNOWN_EXCLUDED ? VMS_ERR_NODATA
					: r->unreadable - 1 == LINUX_UNKNOWN_UNMAPPED ? VMS_ERR_FAULT
					: VMS_ERR_OTHER, "pfn 0x%" PRIx64 ": %s", pfn,
					m->note ? m->note : "its mem_section is unreadable");
	uint64_t size = m->layout->page_size;
	uint8_t bytes[256];
	uint64_t addr = r->map_base + pfn * size;
	struct vms_error *err = program_read(prog, addr, bytes, size);
	if (err)
		return vms_error_wrap(err, "reading struct page of pfn 0x%" PRIx64, pfn);
	struct read_source *rs = calloc(1, sizeof(*rs));
	if (!rs)
		return &vms_enomem;
	rs->prog = prog;
	rs->m = m;
	rs->chunk_start = UINT64_MAX;
	struct linux_page_source src = { .get = read_source_get, .arg = rs };
	linux_page_decode(m->layout, &src, bytes, pfn, addr, ret);
	free(rs);
	return NULL;
}

struct vms_error *linux_mapping_file(struct vms_program *prog, const struct linux_page_layout *l,
				     uint64_t mapping, uint64_t *inode_ret, uint64_t *ino_ret,
				     char **name_ret)
{
	if (l->off_as_host < 0 || l->off_inode_dentry < 0 || l->off_dentry_alias < 0 ||
	    l->off_dentry_name < 0 || l->off_inode_ino < 0)
		return vms_error_create(VMS_ERR_UNSUPPORTED, "no address_space/inode/dentry layout");
	uint64_t inode, ino, first;
	struct vms_error *err = program_read_u64(prog, mapping + (uint64_t)l->off_as_host, &inode);
	if (!err && !inode)
		err = vms_error_addr(VMS_ERR_CORRUPT, mapping, "address_space 0x%" PRIx64 " has no host", mapping);
	if (!err)
		err = program_read_u64(prog, inode + (uint64_t)l->off_inode_ino, &ino);
	if (!err)
		err = program_read_u64(prog, inode + (uint64_t)l->off_inode_dentry, &first);
	if (err)
		return vms_error_wrap(err, "reading the host inode of address_space 0x%" PRIx64, mapping);
	char *name = NULL;
	if (first) {
		// i_dentry is an hlist of dentries linked through d_u.d_alias
		uint64_t dentry = first - (uint64_t)l->off_dentry_alias, p;
		err = program_read_u64(prog, dentry + (uint64_t)l->off_dentry_name, &p);
		if (!err)
			err = program_read_string(prog, p, 256, &name);
		if (err)
			return vms_error_wrap(err, "reading the dentry of inode 0x%" PRIx64, inode);
	}
	*inode_ret = inode;
	*ino_ret = ino;
	*name_ret = name;
	return NULL;
}

/* ---- the parallel walk ---- */

struct chunk {
	uint64_t start, n;       // PFNs
	uint64_t map_base;
	bool hole;               // no struct pages: counted, not read
	uint8_t why;             // for a hole: the reason it is counted under
};

struct walk_shared {
	struct vms_program *prog;
	const struct linux_memmap *m;
	struct linux_memmap_walk *w;
	struct chunk *chunks;
	size_t nr_chunks;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	size_t next;             // next chunk to take
	size_t delivered;        // chunks delivered so far
	size_t window;           // how far ahead of delivery workers may go
	bool stop;
	void **results;
	bool *done;
	// per-chunk counts, folded in on delivery so a stop stays consistent
	uint64_t (*counts)[LINUX_UNKNOWN_NR + 2];
	struct linux_page_fast *fast;  // decoder tables, read-only in workers
	bool zerocopy;           // w->zerocopy: struct pages from program_map()
};

struct worker {
	struct walk_shared *sh;
	struct vms_program *prog;   // the clone
	void *wstate;
	struct vms_error *err;
	pthread_t thread;
};

/* The first byte of @p[0..n) that is not @c, or NULL. */
static const uint8_t *memchr_not(const uint8_t *p, uint8_t c, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if (p[i] != c)
			return p + i;
	return NULL;
}

/* Read a chunk of struct pages; on failure fall back to the pieces between
 * kernel page boundaries and mark each struct page with why it failed. */
static void read_chunk(struct vms_program *prog, uint64_t addr, uint64_t bytes, uint64_t size,
		       uint8_t *buf, uint8_t *ok, uint64_t n)
{
	struct vms_error *err = program_read(prog, addr, buf, bytes);
	if (!err) {
		memset(ok, 0xff, n);
		return;
	}
	vms_error_destroy(err);
	memset(ok, 0xff, n);
	uint64_t ps = program_page_size(prog);
	for (uint64_t off = 0; off < bytes;) {
		uint64_t piece = ps - ((addr + off) & (ps - 1));
		if (piece > bytes - off)
			piece = bytes - off;
		err = program_read(prog, addr + off, buf + off, piece);
		if (err) {
			uint8_t why = (uint8_t)linux_memmap_unknown_reason(err);
			vms_error_destroy(err);
			for (uint64_t i = off / size; i < n && i * size < off + piece; i++)
				if (ok[i] == 0xff)
					ok[i] = why;
		}
		off += piece;
	}
}

/*
 * After the PageBuddy head at index @hi of chunk @c (decoded into @head, the
 * free-block memo now pointing at it): its tail pages in bulk.  The first
 * tail is decoded as usual and is the reference; each further tail whose
 * words that decode() looks at (flags, compound_head's tail bit, _refcount,
 * _mapcount, mapping) equal the reference's would decode to the same page
 * but for its PFN: the memo answers "free" for all of them alike (the block
 * is aligned, lies in the batch, the batch is fully readable and none of
 * them is PageBuddy), and none is a head, a tail or the zero page.  Those
 * go to w->page_run() in runs; the first tail that differs ends the bulk
 * and the pages from it on are decoded one by one as before.  Returns how
 * many pages after @hi were consumed here.
 */
static uint64_t free_tails(const struct linux_page_layout *l, struct linux_page_source *src,
			   const struct linux_memmap_walk *w, void *wstate, const uint8_t *data,
			   const struct chunk *c, uint64_t hi, const struct linux_page_info *head,
			   uint64_t *cnt)
{
	if (!(head->bits & LINUX_PAGE_FREE) || (head->bits & (LINUX_PAGE_PARTIAL | LINUX_PAGE_TAIL)) ||
	    head->private_ < 1 || head->private_ >= l->max_order || head->private_ > 20)
		return 0;
	uint64_t size = l->page_size, nr = UINT64_C(1) << head->private_, hpfn = head->pfn;
	if ((hpfn & (nr - 1)) || hi + nr > c->n || nr < 3)
		return 0;
	if (l->has_zero_pfn && l->zero_pfn - hpfn < nr)
		return 0;
	uint64_t hpage = c->map_base + hpfn * size;
	if (l->huge_zero_page && l->huge_zero_page - hpage < nr * size)
		return 0;
	// the reference: the first tail, decoded as usual
	struct linux_page_info ref;
	const uint8_t *rb = data + (hi + 1) * size;
	linux_page_decode(l, src, rb, hpfn + 1, hpage + size, &ref);
	cnt[LINUX_UNKNOWN_NR]++;
	if (ref.bits & LINUX_PAGE_PARTIAL)
		cnt[LINUX_UNKNOWN_NR + 1]++;
	if (w->page)
		w->page(wstate, &ref);
	if (!(ref.bits & LINUX_PAGE_FREE) ||
	    (ref.bits & (LINUX_PAGE_PARTIAL | LINUX_PAGE_TAIL | LINUX_PAGE_HEAD)) ||
	    ref.type != LINUX_PT_NR || ref.refcount != 0)
		return 1;
	uint64_t off_f = l->off_flags, off_c = l->off_compound_head, off_m = l->off_mapping;
	uint64_t off_r = l->off_refcount, off_mc = l->off_mapcount;
	uint64_t rflags, rmap;
	int32_t rmc;
	memcpy(&rflags, rb + off_f, 8);
	memcpy(&rmap, rb + off_m, 8);
	memcpy(&rmc, rb + off_mc, 4);
	uint64_t k = 2;
	for (; k < nr; k++) {
		const uint8_t *b = data + (hi + k) * size;
		uint64_t fl, ch, mp;
		int32_t rc, mc;
		memcpy(&fl, b + off_f, 8);
		memcpy(&ch, b + off_c, 8);
		memcpy(&mp, b + off_m, 8);
		memcpy(&rc, b + off_r, 4);
		memcpy(&mc, b + off_mc, 4);
		if (fl != rflags || (ch & l->tail_bit) || mp != rmap || rc != 0 || mc != rmc)
			break;
	}
	if (k > 2) {
		ref.pfn = hpfn + 2;
		ref.page = hpage + 2 * size;
		ref.head_pfn = ref.pfn;
		ref.head_page = ref.page;
		w->page_run(wstate, &ref, k - 2);
		cnt[LINUX_UNKNOWN_NR] += k - 2;
	}
	return k - 1;
}

static void *worker_main(void *arg)
{
	struct worker *wk = arg;
	struct walk_shared *sh = wk->sh;
	struct linux_memmap_walk *w = sh->w;
	const struct linux_page_layout *l = sh->m->layout;
	uint64_t size = l->page_size;
	uint8_t *buf = NULL, *ok = NULL;
	uint64_t cap = 0;
	struct read_source *rs = calloc(1, sizeof(*rs));
	struct linux_page_memo *memo = calloc(1, sizeof(*memo));
	struct linux_page_info *memo_pi = calloc(LINUX_SIMPLE_MEMO, sizeof(*memo_pi));
	if (!rs || !memo || !memo_pi) {
		wk->err = &vms_enomem;
		goto out;
	}
	for (unsigned i = 0; i < LINUX_SIMPLE_MEMO; i++)
		memo->slot[i].pi = &memo_pi[i];
	rs->prog = wk->prog;
	rs->m = sh->m;
	struct linux_page_source src = { .get = read_source_get, .arg = rs, .fast = sh->fast, .simple = memo };
	for (;;) {
		pthread_mutex_lock(&sh->lock);
		while (!sh->stop && sh->next < sh->nr_chunks && sh->next >= sh->delivered + sh->window)
			pthread_cond_wait(&sh->cond, &sh->lock);
		if (sh->stop || sh->next >= sh->nr_chunks) {
			pthread_mutex_unlock(&sh->lock);
			break;
		}
		size_t ci = sh->next++;
		pthread_mutex_unlock(&sh->lock);

		const struct chunk *c = &sh->chunks[ci];
		// Counted here and copied out once: the chunks' count arrays
		// lie side by side, and other threads write their neighbours.
		uint64_t cnt[LINUX_UNKNOWN_NR + 2];
		memcpy(cnt, sh->counts[ci], sizeof(cnt));
		if (!c->hole) {
			if (c->n > cap) {
				free(buf);
				free(ok);
				buf = malloc(c->n * size);
				ok = malloc(c->n);
				cap = c->n;
				if (!buf || !ok) {
					wk->err = &vms_enomem;
					cap = 0;
					pthread_mutex_lock(&sh->lock);
					sh->stop = true;
					pthread_cond_broadcast(&sh->cond);
					pthread_mutex_unlock(&sh->lock);
					break;
				}
				vms_prefault(buf, c->n * size);  // read into whole
			}
			// Straight from the dump file when asked and it can, else a
			// copy (measured no faster here: bench/memmap.sh).
			uint64_t addr = c->map_base + c->start * size;
			const uint8_t *data = sh->zerocopy ? program_map(wk->prog, addr, c->n * size) : NULL;
			if (data) {
				memset(ok, 0xff, c->n);
			} else {
				read_chunk(wk->prog, addr, c->n * size, size, buf, ok, c->n);
				data = buf;
			}
			rs->chunk = data;
			rs->chunk_ok = ok;
			rs->chunk_start = c->start;
			rs->chunk_n = c->n;
			memset(rs->valid, 0, sizeof(rs->valid));
			src.win = data;
			src.win_ok = ok;
			src.win_start = c->start;
			src.win_n = c->n;
			src.win_all_ok = memchr_not(ok, 0xff, c->n) == NULL;
			for (uint64_t i = 0; i < c->n; i++) {
				if (ok[i] != 0xff) {
					cnt[ok[i]]++;
					continue;
				}
				if (w->match) {
					uint64_t word;
					memcpy(&word, data + i * size + w->match_off, 8);
					if (word != w->match_value) {
						cnt[LINUX_UNKNOWN_NR]++;
						continue;
					}
				}
				struct linux_page_info pbuf;
				uint64_t pfn = c->start + i;
				const struct linux_page_info *pi =
					linux_page_decode_ref(l, &src, data + i * size, pfn, c->map_base + pfn * size, &pbuf);
				cnt[LINUX_UNKNOWN_NR]++;
				if (pi->bits & LINUX_PAGE_PARTIAL)
					cnt[LINUX_UNKNOWN_NR + 1]++;
				if (w->page)
					w->page(wk->wstate, pi);
				if (w->page_run && pi->type == LINUX_PT_BUDDY && src.win_all_ok)
					i += free_tails(l, &src, w, wk->wstate, data, c, i, pi, cnt);
			}
			if (data != buf)
				program_unmap(wk->prog, data, c->n * size);
		}
		memcpy(sh->counts[ci], cnt, sizeof(cnt));
		void *res = w->chunk_done ? w->chunk_done(wk->wstate) : NULL;
		pthread_mutex_lock(&sh->lock);
		sh->results[ci] = res;
		sh->done[ci] = true;
		pthread_cond_broadcast(&sh->cond);
		pthread_mutex_unlock(&sh->lock);
	}
out:
	free(memo);
	free(memo_pi);
	free(rs);
	free(buf);
	free(ok);
	return NULL;
}

unsigned linux_memmap_walk_threads(const struct linux_memmap_walk *w)
{
	if (w->nthreads)
		return w->nthreads;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 16 ? 16 : (unsigned)n;
}

/* PFNs per batch: a power of two (w->batch to experiment). */
static uint64_t batch_pages(const struct linux_memmap_walk *w)
{
	uint64_t n = w->batch;
	if (n < 64 || (n & (n - 1)))
		n = 4096;
	return n;
}

VMS_DEFINE_VECTOR(chunk_vector, struct chunk);

/* Split [start, end) into chunks: pieces of ranges (at most a section, not
 * crossing a range) and holes (counted, not read). */
VMS_MUST_CHECK static struct vms_error *make_chunks(const struct linux_memmap *m, uint64_t start, uint64_t end,
				     uint64_t batch, struct chunk **ret, size_t *nr_ret)
{
	struct chunk_vector cs = VMS_VECTOR_INIT;
	uint64_t pfn = start;
	// Batches of at most a section, and small enough that the struct pages
	// of one (256 KiB for 4096 of 64 bytes) stay in the L2 cache while
	// they are decoded; aligned, so that compound pages up to order 12 and
	// free buddy blocks lie within one batch.
	uint64_t sp = m->section_pages ? m->section_pages : 32768;
	if (sp > batch)
		sp = batch;
	while (pfn < end) {
		const struct linux_memmap_range *r = linux_memmap_find(m, pfn);
		struct chunk c;
		if (r && r->unreadable) {
			uint64_t stop = r->end_pfn < end ? r->end_pfn : end;
			c = (struct chunk){ pfn, stop - pfn, 0, true, (uint8_t)(r->unreadable - 1) };
		} else if (r) {
			uint64_t stop = (pfn / sp + 1) * sp;
			if (stop > r->end_pfn)
				stop = r->end_pfn;
			if (stop > end)
				stop = end;
			c = (struct chunk){ pfn, stop - pfn, r->map_base, false, 0 };
		} else {
			// a hole up to the next range
			uint64_t stop = end;
			for (size_t i = 0; i < m->nr_ranges; i++)
				if (m->ranges[i].start_pfn > pfn) {
					if (m->ranges[i].start_pfn < stop)
						stop = m->ranges[i].start_pfn;
					break;
				}
			c = (struct chunk){ pfn, stop - pfn, 0, true, LINUX_UNKNOWN_HOLE };
		}
		if (!chunk_vector_append(&cs, c)) {
			chunk_vector_deinit(&cs);
			return &vms_enomem;
		}
		pfn += c.n;
	}
	*ret = chunk_vector_steal(&cs, nr_ret);
	return NULL;
}

struct vms_error *linux_memmap_walk(struct vms_program *prog, const struct linux_memmap *m,
				    struct linux_memmap_walk *w)
{
	uint64_t start = w->start_pfn, end = w->end_pfn ? w->end_pfn : m->end_pfn;
	memset(w->unknown, 0, sizeof(w->unknown));
	w->pages_decoded = w->pages_partial = w->pfns_covered = 0;
	w->stopped = false;
	if (end <= start)
		return NULL;
	if (w->match && (uint64_t)w->match_off + 8 > m->layout->page_size)
		return vms_error_create(VMS_ERR_OTHER, "memory map walk: word at %u outside the %" PRIu64
					"-byte struct page", w->match_off, m->layout->page_size);
	struct walk_shared sh = { .prog = prog, .m = m, .w = w, .zerocopy = w->zerocopy };
	struct vms_error *err = make_chunks(m, start, end, batch_pages(w), &sh.chunks, &sh.nr_chunks);
	if (err)
		return err;
	unsigned nthreads = linux_memmap_walk_threads(w);
	sh.window = 4 * nthreads;
	sh.results = calloc(sh.nr_chunks, sizeof(*sh.results));
	sh.done = calloc(sh.nr_chunks, sizeof(*sh.done));
	sh.counts = calloc(sh.nr_chunks, sizeof(*sh.counts));
	sh.fast = malloc(sizeof(*sh.fast));
	struct worker *wk = calloc(nthreads, sizeof(*wk));
	if (!sh.results || !sh.done || !sh.counts || !sh.fast || !wk) {
		err = &vms_enomem;
		goto out_free;
	}
	linux_page_fast_init(sh.fast, m->layout);
	// Holes are counted here; workers skip them.
	for (size_t i = 0; i < sh.nr_chunks; i++)
		if (sh.chunks[i].hole)
			sh.counts[i][sh.chunks[i].why] = sh.chunks[i].n;
	pthread_mutex_init(&sh.lock, NULL);
	pthread_cond_init(&sh.cond, NULL);
	unsigned started = 0;
	for (unsigned i = 0; i < nthreads; i++) {
		wk[i].sh = &sh;
		wk[i].wstate = w->wstate ? w->wstate[i] : NULL;
		err = program_clone(prog, &wk[i].prog);
		if (err) {
			err = vms_error_wrap(err, "opening the dump for worker %u", i);
			break;
		}
		if (pthread_create(&wk[i].thread, NULL, worker_main, &wk[i]) != 0) {
			program_destroy(wk[i].prog);
			wk[i].prog = NULL;
			err = vms_error_create(VMS_ERR_OS, "cannot start worker thread %u", i);
			break;
		}
		started++;
	}
	if (!started && !err)
		err = vms_error_create(VMS_ERR_OTHER, "no worker thread");
	if (err) {
		pthread_mutex_lock(&sh.lock);
		sh.stop = true;
		pthread_cond_broadcast(&sh.cond);
		pthread_mutex_unlock(&sh.lock);
	}

	uint64_t total = end - start;
	if (w->progress)
		w->progress(w->progress_arg, 0, total);
	for (size_t i = 0; i < sh.nr_chunks && !err; i++) {
		pthread_mutex_lock(&sh.lock);
		while (!sh.done[i] && !sh.stop)
			pthread_cond_wait(&sh.cond, &sh.lock);
		bool ready = sh.done[i];
		pthread_mutex_unlock(&sh.lock);
		if (!ready)
			break;
		for (unsigned r = 0; r < LINUX_UNKNOWN_NR; r++)
			w->unknown[r] += sh.counts[i][r];
		w->pages_decoded += sh.counts[i][LINUX_UNKNOWN_NR];
		w->pages_partial += sh.counts[i][LINUX_UNKNOWN_NR + 1];
		w->pfns_covered = sh.chunks[i].start + sh.chunks[i].n - start;
		if (w->deliver)
			w->deliver(w->arg, sh.results[i]);
		sh.results[i] = NULL;
		bool stop = (w->stop && w->stop(w->arg));
		struct vms_error *cerr = program_check_cancel();
		if (cerr)
			err = cerr;
		pthread_mutex_lock(&sh.lock);
		sh.delivered = i + 1;
		if (stop || cerr)
			sh.stop = true;
		pthread_cond_broadcast(&sh.cond);
		pthread_mutex_unlock(&sh.lock);
		if (stop) {
			w->stopped = true;
			break;
		}
		if (w->progress)
			w->progress(w->progress_arg, w->pfns_covered, total);
	}
	if (w->progress)
		w->progress(w->progress_arg, total, total);
	pthread_mutex_lock(&sh.lock);
	sh.stop = true;
	pthread_cond_broadcast(&sh.cond);
	pthread_mutex_unlock(&sh.lock);
	for (unsigned i = 0; i < nthreads; i++) {
		if (!wk[i].prog)
			continue;
		if (i < started)
			pthread_join(wk[i].thread, NULL);
		if (!err && wk[i].err)
			err = wk[i].err;
		else if (wk[i].err)
			vms_error_destroy(wk[i].err);
		program_destroy(wk[i].prog);
	}
	// Results of chunks never delivered in order (stop, error) are handed
	// over with w->stopped set, for the caller to free without output.
	for (size_t i = 0; i < sh.nr_chunks; i++)
		if (sh.results[i] && w->deliver) {
			bool was_stopped = w->stopped;
			w->stopped = true;
			w->deliver(w->arg, sh.results[i]);
			w->stopped = was_stopped;
		}
	pthread_mutex_destroy(&sh.lock);
	pthread_cond_destroy(&sh.cond);
out_free:
	free(wk);
	free(sh.results);
	free(sh.done);
	free(sh.counts);
	free(sh.fast);
	free(sh.chunks);
	return err;
}
