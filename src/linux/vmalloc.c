// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/vmalloc.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/vector.h"
#include "linux/kfacts.h"
#include "linux/list.h"
#include "linux/page.h"

// Sanity bounds (not kernel facts).
#define MAX_AREAS (1u << 24)
#define MAX_VMAP_NODES 4096
#define MAX_AREA_PAGES (1u << 28)

struct vl {
	struct linux_kmem_base *b;
	const struct linux_kmods *mods;
	struct linux_vmalloc_info *vi;
	size_t cap;
	bool node_counts;
	int64_t va_start, va_end, va_list, va_vm, va_flags, va_purge;
	int64_t vm_addr, vm_size, vm_flags, vm_pages, vm_nr_pages, vm_phys, vm_caller, vm_order;
	unsigned nr_pages_size, phys_size;
	uint64_t vmap_ram, vm_uninit;
	const struct linux_page_layout *pl;
	unsigned kind;  // of the areas being added
};

void linux_vmalloc_info_destroy(struct linux_vmalloc_info *vi)
{
	if (!vi)
		return;
	for (size_t i = 0; i < vi->nr; i++)
		free(vi->areas[i].error);
	free(vi->areas);
	for (size_t i = 0; i < vi->nr_errors; i++)
		free(vi->errors[i]);
	free(vi->errors);
	free(vi);
}

#define list_error(vi, ...) vms_msgs_add(&(vi)->errors, &(vi)->nr_errors, &(vi)->cap_errors, __VA_ARGS__)

static uint64_t rd(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;
	memcpy(&v, p, size > 8 ? 8 : size);
	return v;
}

/* The node counts of an area's pages (show_numa_info()). */
VMS_MUST_CHECK static struct vms_error *node_pages(struct vl *l, struct linux_vmalloc_area *a)
{
	struct linux_kmem_base *b = l->b;
	if (!a->nr_pages || !a->pages)
		return NULL;
	if (a->nr_pages > MAX_AREA_PAGES)
		return vms_error_addr(VMS_ERR_CORRUPT, a->vm, "vm_struct with %" PRIu64 " pages", a->nr_pages);
	uint64_t step = UINT64_C(1) << a->page_order;
	if (b->nr_nodes <= 1 || !l->pl) {
		a->node_pages[0].node = 0;
		a->node_pages[0].pages = (a->nr_pages + step - 1) / step * step;
		a->nr_node_counts = 1;
		return NULL;
	}
	uint64_t *pp = malloc(a->nr_pages * 8);
	if (!pp)
		return &vms_enomem;
	struct vms_error *err = program_read(b->prog, a->pages, pp, a->nr_pages * 8);
	for (uint64_t i = 0; !err && i < a->nr_pages; i += step) {
		uint64_t flags;
		if ((err = program_read_u64(b->prog, pp[i] + l->pl->off_flags, &flags)))
			break;
		unsigned nid = (unsigned)((flags >> l->pl->nodes_pgshift) &
					  ((UINT64_C(1) << l->pl->nodes_width) - 1));
		unsigned k = 0;
		while (k < a->nr_node_counts && a->node_pages[k].node != nid)
			k++;
		if (k == a->nr_node_counts) {
			if (k == LINUX_VMALLOC_MAX_NODES)
				continue;
			a->node_pages[k].node = nid;
			a->node_pages[k].pages = 0;
			a->nr_node_counts++;
		}
		a->node_pages[k].pages += step;
	}
	free(pp);
	return err;
}

static struct linux_vmalloc_area *new_area(struct vl *l)
{
	struct linux_vmalloc_info *vi = l->vi;
	if (!vms_array_reserve(vi->areas, l->cap, vi->nr + 1))
		return NULL;
	struct linux_vmalloc_area *a = &vi->areas[vi->nr++];
	memset(a, 0, sizeof(*a));
	return a;
}

VMS_MUST_CHECK static struct vms_error *add_area(struct vl *l, uint64_t va)
{
	struct vms_program *prog = l->b->prog;
	if (l->vi->nr >= MAX_AREAS)
		return vms_error_create(VMS_ERR_CORRUPT, "more than %u vmalloc areas", MAX_AREAS);
	struct linux_vmalloc_area *a = new_area(l);
	if (!a)
		return &vms_enomem;
	a->vmap_area = va;
	a->kind = l->kind;
	uint64_t vaflags = 0;
	struct vms_error *err;
	if ((err = program_read_u64(prog, va + (uint64_t)l->va_start, &a->va_start)) ||
	    (err = program_read_u64(prog, va + (uint64_t)l->va_end, &a->va_end)) ||
	    (l->kind == LINUX_VMALLOC_AREA && (err = program_read_u64(prog, va + (uint64_t)l->va_vm, &a->vm))) ||
	    (l->va_flags >= 0 && (err = program_read_u64(prog, va + (uint64_t)l->va_flags, &vaflags)))) {
		a->error = strdup(err->message);
		vms_error_destroy(err);
		return NULL;
	}
	a->addr = a->va_start;
	a->size = a->va_end - a->va_start;
	if (l->kind != LINUX_VMALLOC_AREA)
		return NULL;
	if (!a->vm) {
		// s_show(): an area without vm_struct is vm_map_ram's; since
		// 6.3 only those marked VMAP_RAM are shown
		a->kind = LINUX_VMALLOC_VM_MAP_RAM;
		if (l->va_flags >= 0 && !(vaflags & l->vmap_ram))
			l->vi->nr--;
		return NULL;
	}
	uint8_t vm[256];
	uint64_t vsize = kf_size(prog, KF_VM_STRUCT);
	if (vsize > sizeof(vm))
		vsize = sizeof(vm);
	if ((err = program_read(prog, a->vm, vm, vsize))) {
		a->error = strdup(err->message);
		vms_error_destroy(err);
		return NULL;
	}
	a->addr = rd(vm + l->vm_addr, 8);
	a->size = rd(vm + l->vm_size, 8);
	a->flags = rd(vm + l->vm_flags, 8);
	a->pages = rd(vm + l->vm_pages, 8);
	a->nr_pages = rd(vm + l->vm_nr_pages, l->nr_pages_size);
	a->phys_addr = rd(vm + l->vm_phys, l->phys_size);
	a->caller = rd(vm + l->vm_caller, 8);
	a->page_order = l->vm_order >= 0 ? (unsigned)rd(vm + l->vm_order, 4) : 0;
	if (a->page_order > 30)
		a->page_order = 0;
	a->vpages = a->pages >= l->b->vmalloc_start && a->pages < l->b->vmalloc_end;
	if (a->caller)
		linux_kmem_symbolize(l->b, l->mods, a->caller, a->caller_sym, sizeof(a->caller_sym));
	if (l->node_counts && (err = node_pages(l, a))) {
		if (err == &vms_enomem)
			return err;
		a->error = strdup(err->message);
		vms_error_destroy(err);
	}
	return NULL;
}

struct list_walk {
	struct vl *l;
	uint64_t sub;
};

VMS_MUST_CHECK static struct vms_error *on_area(void *arg, uint64_t node)
{
	struct list_walk *w = arg;
	struct vms_error *err = add_area(w->l, node - w->sub);
	if (!err && (w->l->vi->nr % 4096) == 0)
		err = program_check_cancel();
	return err;
}

static void walk_list(struct vl *l, uint64_t head, uint64_t sub, const char *what)
{
	struct list_walk w = { l, sub };
	struct vms_error *err = linux_list_for_each(&l->b->mem, &l->b->walk, head, MAX_AREAS, on_area, &w);
	if (err) {
		list_error(l->vi, "%s: %s", what, err->message);
		vms_error_destroy(err);
	}
}

/* 5.10: vmap_purge_list is an llist of vmap_area.purge_list nodes. */
static void walk_llist(struct vl *l, uint64_t first)
{
	uint64_t node = first;
	for (uint64_t n = 0; node; n++) {
		if (n >= MAX_AREAS) {
			list_error(l->vi, "vmap_purge_list: longer than %u areas (a loop?)", MAX_AREAS);
			return;
		}
		struct vms_error *err = add_area(l, node - (uint64_t)l->va_purge);
		if (!err)
			err = program_read_u64(l->b->prog, node, &node);
		if (err) {
			list_error(l->vi, "vmap_purge_list: %s", err->message);
			vms_error_destroy(err);
			return;
		}
	}
}

VMS_MUST_CHECK static struct vms_error *need(struct vms_program *prog, enum kf_id id, int64_t *ret)
{
	uint64_t v;
	struct vms_error *err = kf_need_off(prog, id, &v);
	if (!err)
		*ret = (int64_t)v;
	return err;
}

struct vms_error *linux_vmalloc_read(struct linux_kmem_base *b, const struct linux_kmods *mods, bool node_counts,
				     struct linux_vmalloc_info **ret)
{
	struct vms_program *prog = b->prog;
	struct vl l = { .b = b, .mods = mods, .node_counts = node_counts };
	struct vms_error *err;
	if ((err = need(prog, KF_VA_START, &l.va_start)) || (err = need(prog, KF_VA_END, &l.va_end)) ||
	    (err = need(prog, KF_VA_LIST, &l.va_list)) || (err = need(prog, KF_VA_VM, &l.va_vm)) ||
	    (err = need(prog, KF_VM_ADDR, &l.vm_addr)) || (err = need(prog, KF_VM_SIZE, &l.vm_size)) ||
	    (err = need(prog, KF_VM_FLAGS, &l.vm_flags)) || (err = need(prog, KF_VM_PAGES, &l.vm_pages)) ||
	    (err = need(prog, KF_VM_NR_PAGES, &l.vm_nr_pages)) || (err = need(prog, KF_VM_PHYS_ADDR, &l.vm_phys)) ||
	    (err = need(prog, KF_VM_CALLER, &l.vm_caller)))
		return vms_error_wrap(err, "probing vmalloc");
	l.va_flags = kf_off(prog, KF_VA_FLAGS);
	l.va_purge = kf_off(prog, KF_VA_PURGE_LIST);
	l.vm_order = kf_off(prog, KF_VM_PAGE_ORDER);
	l.nr_pages_size = (unsigned)kf_size(prog, KF_VM_NR_PAGES);
	l.phys_size = (unsigned)kf_size(prog, KF_VM_PHYS_ADDR);
	l.vmap_ram = (uint64_t)kf_const_or(prog, KF_VMAP_RAM, 0);
	struct vms_error *perr = linux_page_layout(prog, &l.pl);
	if (perr) {
		vms_error_destroy(perr);
		l.pl = NULL;
	}
	struct linux_vmalloc_info *vi = calloc(1, sizeof(*vi));
	if (!vi)
		return &vms_enomem;
	l.vi = vi;
	// show_numa_info() prints with CONFIG_NUMA, of which nr_node_ids is a sign
	vi->numa = kf_has(prog, KF_NR_NODE_IDS);
	uint64_t head;
	if (kf_has(prog, KF_VMAP_NODES)) {
		// 6.9+: the nodes' busy lists, then their lazy lists
		uint64_t nodes, nr = 0, stride = kf_size(prog, KF_VMAP_NODE);
		int64_t busy = kf_off(prog, KF_VN_BUSY_HEAD), lazy = kf_off(prog, KF_VN_LAZY_HEAD);
		if ((err = kf_var_read_uint(prog, KF_VMAP_NODES, NULL, &nodes)) ||
		    (err = kf_var_read_uint(prog, KF_NR_VMAP_NODES, NULL, &nr))) {
			free(vi);
			return vms_error_wrap(err, "reading the vmap nodes");
		}
		if (busy < 0 || lazy < 0 || !stride || nr > MAX_VMAP_NODES) {
			free(vi);
			return vms_error_create(VMS_ERR_LOOKUP, "struct vmap_node is not described by the debug info, "
						"or nr_vmap_nodes (%" PRIu64 ") is implausible", nr);
		}
		l.kind = LINUX_VMALLOC_AREA;
		for (uint64_t i = 0; i < nr; i++)
			walk_list(&l, nodes + i * stride + (uint64_t)busy, (uint64_t)l.va_list, "vmap node busy list");
		l.kind = LINUX_VMALLOC_UNPURGED;
		for (uint64_t i = 0; i < nr; i++)
			walk_list(&l, nodes + i * stride + (uint64_t)lazy, (uint64_t)l.va_list, "vmap node lazy list");
	} else if (!(err = kf_var(prog, KF_VMAP_AREA_LIST, &head, NULL))) {
		l.kind = LINUX_VMALLOC_AREA;
		walk_list(&l, head, (uint64_t)l.va_list, "vmap_area_list");
		l.kind = LINUX_VMALLOC_UNPURGED;
		if (vms_ok(kf_var(prog, KF_PURGE_VMAP_AREA_LIST, &head, NULL))) {
			walk_list(&l, head, (uint64_t)l.va_list, "purge_vmap_area_list");
		} else if (l.va_purge >= 0 && vms_ok(kf_var(prog, KF_VMAP_PURGE_LIST, &head, NULL))) {
			uint64_t first;
			if ((err = program_read_u64(prog, head, &first))) {
				list_error(vi, "vmap_purge_list: %s", err->message);
				vms_error_destroy(err);
			} else {
				walk_llist(&l, first);
			}
		}
	} else {
		free(vi);
		return vms_error_wrap(err, "no list of vmalloc areas");
	}
	uint64_t alloc = (uint64_t)kf_const_or(prog, KF_VMAREA_ALLOC, 0);
	for (size_t i = 0; i < vi->nr; i++)
		if (vi->areas[i].kind == LINUX_VMALLOC_AREA && (vi->areas[i].flags & alloc))
			vi->vmalloc_pages += vi->areas[i].nr_pages;
	*ret = vi;
	return NULL;
}

const struct linux_vmalloc_area *linux_vmalloc_find(const struct linux_vmalloc_info *vi, uint64_t addr)
{
	const struct linux_vmalloc_area *lazy = NULL;
	for (size_t i = 0; i < vi->nr; i++) {
		const struct linux_vmalloc_area *a = &vi->areas[i];
		if (addr >= a->va_start && addr < a->va_end) {
			if (a->kind != LINUX_VMALLOC_UNPURGED)
				return a;
			lazy = a;
		}
	}
	return lazy;
}

void linux_vmalloc_flag_names(struct vms_program *prog, uint64_t flags, char *buf, size_t len)
{
	// in the order s_show() / vmalloc_info_show() prints them
	static const struct {
		enum kf_id id;
		const char *name;
	} names[] = {
		{ KF_VMAREA_IOREMAP, "ioremap" }, { KF_VMAREA_SPARSE, "sparse" },
		{ KF_VMAREA_ALLOC, "vmalloc" },   { KF_VMAREA_MAP, "vmap" },
		{ KF_VMAREA_USERMAP, "user" },    { KF_VMAREA_DMA_COHERENT, "dma-coherent" },
	};
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint64_t bit = (uint64_t)kf_const_or(prog, names[i].id, 0);
		if (!bit || !(flags & bit))
			continue;
		// VM_SPARSE is printed only by the kernels that define it
		if (names[i].id == KF_VMAREA_SPARSE && !kf_has(prog, KF_VMAP_NODES))
			continue;
		int k = snprintf(buf + n, len - n, "%s%s", n ? " " : "", names[i].name);
		if (k < 0 || (size_t)k >= len - n)
			break;
		n += (size_t)k;
	}
}

void linux_vmalloc_line(const struct linux_vmalloc_info *vi, const struct linux_vmalloc_area *a,
			struct vms_program *prog, char *buf, size_t len)
{
	size_t n = 0;
#define ADD(...)                                                              \
	do {                                                                  \
		int k_ = snprintf(buf + n, len > n ? len - n : 0, __VA_ARGS__); \
		if (k_ > 0)                                                   \
			n += (size_t)k_;                                      \
		if (n >= len)                                                 \
			return;                                               \
	} while (0)
	if (a->kind == LINUX_VMALLOC_VM_MAP_RAM || a->kind == LINUX_VMALLOC_UNPURGED) {
		ADD("0x%016" PRIx64 "-0x%016" PRIx64 " %7" PRIu64 " %s", a->va_start, a->va_end,
		    a->va_end - a->va_start, a->kind == LINUX_VMALLOC_UNPURGED ? "unpurged vm_area" : "vm_map_ram");
		return;
	}
	ADD("0x%016" PRIx64 "-0x%016" PRIx64 " %7" PRIu64, a->addr, a->addr + a->size, a->size);
	if (a->caller)
		ADD(" %s", a->caller_sym);
	if (a->nr_pages)
		ADD(" pages=%" PRIu64, a->nr_pages);
	if (a->phys_addr)
		ADD(" phys=0x%016" PRIx64, a->phys_addr);
	char fl[128];
	linux_vmalloc_flag_names(prog, a->flags, fl, sizeof(fl));
	if (fl[0])
		ADD(" %s", fl);
	if (a->vpages)
		ADD(" vpages");
	if (vi->numa)
		for (unsigned k = 0; k < a->nr_node_counts; k++)
			if (a->node_pages[k].pages)
				ADD(" N%u=%" PRIu64, a->node_pages[k].node, a->node_pages[k].pages);
#undef ADD
}
