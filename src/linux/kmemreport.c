// SPDX-License-Identifier: GPL-3.0-or-later
/* The report's "Kernel memory" section: the top slab caches, vmalloc by
 * caller, the largest memory cgroups, and the census reconciled with them. */
#include "linux/kmemreport.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "linux/kmembase.h"
#include "linux/kmod.h"
#include "linux/memcg.h"
#include "linux/meminfo.h"
#include "linux/slab.h"
#include "linux/vmalloc.h"

static void unavailable(struct vms_value *v, const char *what, const struct vms_error *err)
{
	struct vms_value *u = value_get(v, "unavailable");
	if (!u)
		u = value_set(v, "unavailable", value_array());
	value_push(u, value_stringf("%s: %s", what, err->message));
}

static int by_pages_desc(const void *a, const void *b)
{
	const struct linux_slab_cache *x = *(const struct linux_slab_cache *const *)a;
	const struct linux_slab_cache *y = *(const struct linux_slab_cache *const *)b;
	if (x->pages != y->pages)
		return x->pages < y->pages ? 1 : -1;
	return strcmp(x->name ? x->name : "", y->name ? y->name : "");
}

static uint64_t slab_section(struct linux_kmem_base *b, struct vms_value *v, unsigned top, uint64_t *pages_ret)
{
	struct linux_slab_info *si;
	struct vms_error *err = linux_slab_info(b, true, &si);
	if (err) {
		unavailable(v, "slab caches", err);
		vms_error_destroy(err);
		return 0;
	}
	struct vms_value *o = value_set(v, "slab", value_object());
	const struct linux_slab_cache **order = calloc(si->nr ? si->nr : 1, sizeof(*order));
	uint64_t pages = 0, errors = 0, objs = 0, active = 0;
	for (size_t i = 0; i < si->nr; i++) {
		if (order)
			order[i] = &si->caches[i];
		pages += si->caches[i].pages;
		errors += si->caches[i].nr_errors;
		objs += si->caches[i].num_objs;
		active += si->caches[i].active_objs;
	}
	value_set_uint(o, "caches", si->nr);
	value_set_uint(o, "pages", pages);
	value_set_uint(o, "memory_kb", pages * b->page_size / 1024);
	value_set_uint(o, "num_objs", objs);
	value_set_uint(o, "active_objs", active);
	struct vms_value *t = value_set(o, "top", value_array());
	if (order) {
		qsort(order, si->nr, sizeof(*order), by_pages_desc);
		for (size_t i = 0; i < si->nr && i < top; i++) {
			const struct linux_slab_cache *c = order[i];
			struct vms_value *e = value_push(t, value_object());
			value_set_str(e, "name", c->name);
			value_set_uint(e, "memory_kb", c->pages * b->page_size / 1024);
			value_set_uint(e, "num_objs", c->num_objs);
			value_set_uint(e, "active_objs", c->active_objs);
			value_set_uint(e, "objsize", c->size);
			struct vms_value *al = value_set(e, "aliases", value_array());
			for (size_t k = 0; k < c->nr_aliases; k++)
				value_push(al, value_string(c->aliases[k]));
		}
	}
	free(order);
	if (errors) {
		struct vms_value *u = value_get(v, "unavailable");
		if (!u)
			u = value_set(v, "unavailable", value_array());
		value_push(u, value_stringf("slab caches: %" PRIu64 " per-cache errors (see slabinfo)", errors));
	}
	if (si->list_error) {
		struct vms_error e = { .code = VMS_ERR_CORRUPT, .message = si->list_error };
		unavailable(v, "slab_caches", &e);
	}
	linux_slab_info_destroy(si);
	*pages_ret = pages;
	return 1;
}

struct caller {
	char name[160];
	uint64_t areas, bytes, pages;
};

static int by_bytes_desc(const void *a, const void *b)
{
	const struct caller *x = a, *y = b;
	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	return strcmp(x->name, y->name);
}

static uint64_t vmalloc_section(struct linux_kmem_base *b, struct vms_value *v, unsigned top, uint64_t *pages_ret)
{
	struct linux_kmods *mods = NULL;
	struct linux_vmalloc_info *vi = NULL;
	struct vms_error *err = linux_kmods_read(b, &mods);
	if (!err)
		err = linux_vmalloc_read(b, mods, false, &vi);
	if (err) {
		unavailable(v, "vmalloc areas", err);
		vms_error_destroy(err);
		linux_kmods_destroy(mods);
		return 0;
	}
	struct caller *cs = calloc(vi->nr ? vi->nr : 1, sizeof(*cs));
	size_t n = 0;
	uint64_t bytes = 0;
	for (size_t i = 0; cs && i < vi->nr; i++) {
		const struct linux_vmalloc_area *a = &vi->areas[i];
		if (a->kind != LINUX_VMALLOC_AREA)
			continue;
		char name[160];
		// by function: "kernel_clone+0xbf/0x430" -> "kernel_clone", module name kept
		snprintf(name, sizeof(name), "%s", a->caller ? a->caller_sym : "(none)");
		char *plus = strchr(name, '+');
		if (plus) {
			const char *mod = strchr(plus, '[');
			if (mod)
				memmove(plus + 1, mod, strlen(mod) + 1), *plus = ' ';
			else
				*plus = '\0';
		}
		size_t k = 0;
		while (k < n && strcmp(cs[k].name, name) != 0)
			k++;
		if (k == n)
			snprintf(cs[n++].name, sizeof(cs[0].name), "%s", name);
		cs[k].areas++;
		cs[k].bytes += a->size;
		cs[k].pages += a->nr_pages;
		bytes += a->size;
	}
	struct vms_value *o = value_set(v, "vmalloc", value_object());
	value_set_uint(o, "areas", vi->nr);
	value_set_uint(o, "size_kb", bytes / 1024);
	value_set_uint(o, "vmalloc_pages", vi->vmalloc_pages);
	struct vms_value *t = value_set(o, "by_caller", value_array());
	if (cs) {
		qsort(cs, n, sizeof(*cs), by_bytes_desc);
		for (size_t i = 0; i < n && i < top; i++) {
			struct vms_value *e = value_push(t, value_object());
			value_set_str(e, "caller", cs[i].name);
			value_set_uint(e, "areas", cs[i].areas);
			value_set_uint(e, "size_kb", cs[i].bytes / 1024);
			value_set_uint(e, "pages", cs[i].pages);
		}
	}
	free(cs);
	for (size_t i = 0; i < vi->nr_errors; i++) {
		struct vms_error e = { .code = VMS_ERR_CORRUPT, .message = vi->errors[i] };
		unavailable(v, "vmalloc", &e);
	}
	*pages_ret = vi->vmalloc_pages;
	linux_vmalloc_info_destroy(vi);
	linux_kmods_destroy(mods);
	return 1;
}

static int by_current_desc(const void *a, const void *b)
{
	const struct linux_memcg *x = *(const struct linux_memcg *const *)a;
	const struct linux_memcg *y = *(const struct linux_memcg *const *)b;
	if (x->current != y->current)
		return x->current < y->current ? 1 : -1;
	return strcmp(x->path, y->path);
}

static void memcg_section(struct linux_kmem_base *b, struct vms_value *v, unsigned top)
{
	struct linux_memcg_info *mi;
	struct vms_error *err = linux_memcg_read(b, &mi);
	if (err) {
		if (err->code == VMS_ERR_UNSUPPORTED)
			value_set_str(v, "cgroups_note", err->message);
		else
			unavailable(v, "memory cgroups", err);
		vms_error_destroy(err);
		return;
	}
	struct vms_value *o = value_set(v, "cgroups", value_object());
	value_set_uint(o, "count", mi->nr);
	const struct linux_memcg **order = calloc(mi->nr ? mi->nr : 1, sizeof(*order));
	size_t n = 0;
	for (size_t i = 0; order && i < mi->nr; i++)
		if (mi->cgroups[i].depth > 0)
			order[n++] = &mi->cgroups[i];
	struct vms_value *t = value_set(o, "top", value_array());
	if (order) {
		qsort(order, n, sizeof(*order), by_current_desc);
		for (size_t i = 0; i < n && i < top; i++) {
			const struct linux_memcg *g = order[i];
			struct vms_value *e = value_push(t, value_object());
			uint64_t x;
			value_set_str(e, "path", g->path);
			value_set_uint(e, "current_kb", g->current / 1024);
			static const char *const keys[] = { "anon", "file", "kernel", "slab" };
			for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
				if (linux_memcg_stat(g, keys[k], &x)) {
					char key[32];
					snprintf(key, sizeof(key), "%s_kb", keys[k]);
					value_set_uint(e, key, x / 1024);
				}
		}
	}
	free(order);
	for (size_t i = 0; i < mi->nr_errors; i++) {
		struct vms_error e = { .code = VMS_ERR_CORRUPT, .message = mi->errors[i] };
		unavailable(v, "memory cgroups", &e);
	}
	linux_memcg_info_destroy(mi);
}

static bool meminfo_kb(const struct vms_value *mi, const char *key, uint64_t *ret)
{
	const struct vms_value *x = value_get(value_get(mi, "values"), key);
	if (!x)
		return false;
	*ret = x->u;
	return true;
}

struct vms_error *linux_kmem_report(struct vms_program *prog, uint64_t census_slab_pages, unsigned top,
				    struct vms_value **ret)
{
	struct linux_kmem_base b;
	struct vms_error *err = linux_kmem_base_init(prog, &b);
	if (err)
		return err;
	struct vms_value *v = value_object();
	uint64_t slab_pages = 0, vmalloc_pages = 0;
	bool have_slab = slab_section(&b, v, top, &slab_pages);
	bool have_vmalloc = vmalloc_section(&b, v, top, &vmalloc_pages);
	memcg_section(&b, v, top);
	// the census and the kernel's counters, reconciled with the walks
	struct vms_value *mi = NULL;
	struct vms_error *merr = linux_meminfo(prog, &mi);
	vms_error_destroy(merr);
	uint64_t kb_per_page = b.page_size / 1024, x;
	struct vms_value *rec = value_set(v, "reconcile", value_array());
	if (have_slab) {
		struct vms_value *e = value_push(rec, value_object());
		value_set_str(e, "what", "slab pages");
		value_set_uint(e, "walked", slab_pages);
		value_set_str(e, "walked_as", "the caches' slabs (nr_slabs by slab order)");
		if (census_slab_pages != UINT64_MAX) {
			value_set_uint(e, "census", census_slab_pages);
			value_set_int(e, "census_difference", (int64_t)census_slab_pages - (int64_t)slab_pages);
		}
		if (mi && meminfo_kb(mi, "Slab", &x)) {
			value_set_uint(e, "counter", x / kb_per_page);
			value_set_int(e, "counter_difference", (int64_t)(x / kb_per_page) - (int64_t)slab_pages);
		}
	}
	if (have_vmalloc) {
		struct vms_value *e = value_push(rec, value_object());
		value_set_str(e, "what", "vmalloc pages");
		value_set_uint(e, "walked", vmalloc_pages);
		value_set_str(e, "walked_as", "the pages of the vmalloc() areas");
		if (mi && meminfo_kb(mi, "VmallocUsed", &x)) {
			value_set_uint(e, "counter", x / kb_per_page);
			value_set_int(e, "counter_difference", (int64_t)(x / kb_per_page) - (int64_t)vmalloc_pages);
		}
	}
	value_destroy(mi);
	linux_kmem_base_deinit(&b);
	*ret = v;
	return NULL;
}
