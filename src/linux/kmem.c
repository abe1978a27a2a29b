// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/kmem.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux/kfacts.h"
#include "linux/task.h"

struct stack {
	uint64_t base, size, task;
	int32_t pid;
	char comm[17];
};

struct linux_kmem {
	struct vms_program *prog;
	struct linux_kmem_base b;
	struct linux_memmap *m;
	struct vms_error *m_err;
	struct linux_slab_info *si;
	struct vms_error *si_err;
	struct linux_vmalloc_info *vi;
	struct vms_error *vi_err;
	struct linux_kmods *mods;
	struct vms_error *mods_err;
	struct stack *stacks;
	size_t nr_stacks;
	bool stacks_done;
	struct vms_error *stacks_err;
	bool percpu_done;
	bool percpu_zero_based;  // per-CPU symbols are offsets from 0
	uint64_t percpu_start, percpu_end, percpu_unit; // the per-CPU section, the size of a unit
};

struct vms_error *linux_kmem_create(struct vms_program *prog, struct linux_kmem **ret)
{
	struct linux_kmem *k = calloc(1, sizeof(*k));
	if (!k)
		return &vms_enomem;
	k->prog = prog;
	struct vms_error *err = linux_kmem_base_init(prog, &k->b);
	if (err) {
		free(k);
		return err;
	}
	*ret = k;
	return NULL;
}

void linux_kmem_destroy(struct linux_kmem *k)
{
	if (!k)
		return;
	linux_memmap_destroy(k->m);
	vms_error_destroy(k->m_err);
	linux_slab_info_destroy(k->si);
	vms_error_destroy(k->si_err);
	linux_vmalloc_info_destroy(k->vi);
	vms_error_destroy(k->vi_err);
	linux_kmods_destroy(k->mods);
	vms_error_destroy(k->mods_err);
	free(k->stacks);
	vms_error_destroy(k->stacks_err);
	linux_kmem_base_deinit(&k->b);
	free(k);
}

static void note(struct linux_kmem_what *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct linux_kmem_what *w, const char *fmt, ...)
{
	if (w->nr_notes >= sizeof(w->notes) / sizeof(w->notes[0]))
		return;
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if ((w->notes[w->nr_notes] = strdup(buf)))
		w->nr_notes++;
}

void linux_kmem_what_deinit(struct linux_kmem_what *w)
{
	if (!w)
		return;
	if (w->has_slab)
		linux_slab_hit_deinit(&w->slab);
	for (unsigned i = 0; i < w->nr_notes; i++)
		free(w->notes[i]);
	w->nr_notes = 0;
}

/* ---- what is read on first use ---- */

static const struct vms_error *need_memmap(struct linux_kmem *k)
{
	if (!k->m && !k->m_err)
		k->m_err = linux_memmap_create(k->prog, &k->m);
	return k->m_err;
}

static const struct vms_error *need_slabs(struct linux_kmem *k)
{
	if (!k->si && !k->si_err)
		k->si_err = linux_slab_info(&k->b, true, &k->si);
	return k->si_err;
}

static const struct vms_error *need_mods(struct linux_kmem *k)
{
	if (!k->mods && !k->mods_err)
		k->mods_err = linux_kmods_read(&k->b, &k->mods);
	return k->mods_err;
}

static const struct vms_error *need_vmalloc(struct linux_kmem *k)
{
	if (!k->vi && !k->vi_err) {
		need_mods(k);
		k->vi_err = linux_vmalloc_read(&k->b, k->mods, false, &k->vi);
	}
	return k->vi_err;
}

/* Every task's stack: task->stack, sized by its vm_struct with
 * CONFIG_VMAP_STACK (the pages of the area), else THREAD_SIZE. */
static const struct vms_error *need_stacks(struct linux_kmem *k)
{
	if (k->stacks_done)
		return k->stacks_err;
	k->stacks_done = true;
	struct linux_vm *vm;
	struct vms_error *err = linux_vm_create(k->prog, &vm);
	if (err) {
		k->stacks_err = err;
		return err;
	}
	const struct linux_task *tasks;
	size_t n;
	if ((err = linux_vm_tasks(vm, &tasks, &n))) {
		linux_vm_destroy(vm);
		k->stacks_err = err;
		return err;
	}
	k->stacks = calloc(n ? n : 1, sizeof(*k->stacks));
	if (!k->stacks) {
		linux_vm_destroy(vm);
		k->stacks_err = &vms_enomem;
		return k->stacks_err;
	}
	int64_t o_stack = kf_off(k->prog, KF_TASK_STACK), o_vm = kf_off(k->prog, KF_TASK_STACK_VM_AREA);
	int64_t o_nr = kf_off(k->prog, KF_VM_NR_PAGES);
	unsigned nr_size = (unsigned)kf_size(k->prog, KF_VM_NR_PAGES);
	uint64_t thread_size = (uint64_t)kf_const_or(k->prog, KF_X86_THREAD_SIZE, 0);
	for (size_t i = 0; i < n && o_stack >= 0; i++) {
		struct stack *s = &k->stacks[k->nr_stacks];
		uint64_t area = 0;
		if (program_read_u64(k->prog, tasks[i].addr + (uint64_t)o_stack, &s->base) || !s->base)
			continue;
		s->size = thread_size;
		if (o_vm >= 0 && o_nr >= 0 && program_try_u64(k->prog, tasks[i].addr + (uint64_t)o_vm, &area) && area) {
			uint64_t nr = 0;
			if (!program_read(k->prog, area + (uint64_t)o_nr, &nr, nr_size <= 8 ? nr_size : 8) && nr)
				s->size = nr << k->b.page_shift;
		}
		s->task = tasks[i].addr;
		s->pid = tasks[i].pid;
		snprintf(s->comm, sizeof(s->comm), "%s", tasks[i].comm);
		k->nr_stacks++;
	}
	const struct vms_error *te = linux_vm_tasks_error(vm);
	if (te)
		k->stacks_err = vms_error_create(te->code, "%s", te->message);
	linux_vm_destroy(vm);
	return k->stacks_err;
}

/* The per-CPU section and the size of a CPU's unit.  x86-64 linked it at
 * address 0 until 6.15 ("x86/percpu/64: Use relative percpu offsets"):
 * per-CPU symbols are then offsets, which take no KASLR offset, and a CPU's
 * copy of one is at __per_cpu_offset[cpu] + the offset; later kernels link
 * it in the image like any data and __per_cpu_offset[cpu] is added to the
 * (relocated) address.  Probed from the link address of __per_cpu_start. */
static void need_percpu(struct linux_kmem *k)
{
	if (k->percpu_done)
		return;
	k->percpu_done = true;
	struct program_symbol s, e;
	struct vms_error *err;
	if ((err = program_symbol(k->prog, "__per_cpu_start", &s)) ||
	    (err = program_symbol(k->prog, "__per_cpu_end", &e))) {
		vms_error_destroy(err);
		return;
	}
	uint64_t kaslr = program_kaslr_offset(k->prog);
	bool absolute = s.kind == 'A' || s.kind == 'a';
	uint64_t link = absolute ? s.address : s.address - kaslr;
	k->percpu_zero_based = link == 0;
	k->percpu_start = k->percpu_zero_based ? 0 : s.address;
	k->percpu_end = k->percpu_zero_based ? (absolute ? e.address : e.address - kaslr) : e.address;
	uint64_t unit = 0;
	if (!(err = kf_var_read_uint(k->prog, KF_PCPU_UNIT_SIZE, NULL, &unit)))
		k->percpu_unit = unit;
	vms_error_destroy(err);
	if (!k->percpu_unit)
		k->percpu_unit = k->percpu_end - k->percpu_start;
}

/* ---- the parts of an answer ---- */

static void what_page(struct linux_kmem *k, struct linux_kmem_what *w, uint64_t pfn)
{
	const struct vms_error *e = need_memmap(k);
	if (e) {
		note(w, "memory map: %s", e->message);
		return;
	}
	struct vms_error *err = linux_memmap_decode_one(k->prog, k->m, pfn, &w->page);
	if (err) {
		note(w, "page 0x%" PRIx64 ": %s", pfn, err->message);
		vms_error_destroy(err);
		return;
	}
	w->has_page = true;
	w->pfn = pfn;
	if (w->page.use != LINUX_USE_SLAB)
		return;
	if ((e = need_slabs(k))) {
		note(w, "slab caches: %s", e->message);
		return;
	}
	uint64_t head_pfn = w->page.head_pfn, head_page = w->page.head_page;
	if (!(w->page.bits & LINUX_PAGE_TAIL)) {
		head_pfn = pfn;
		head_page = w->page.page;
	}
	err = linux_slab_lookup(&k->b, k->si, head_page, head_pfn, w->addr, &w->slab);
	if (err) {
		note(w, "slab: %s", err->message);
		vms_error_destroy(err);
		return;
	}
	w->has_slab = true;
	if (w->slab.problem)
		note(w, "slab: %s", w->slab.problem);
}

static void what_stack(struct linux_kmem *k, struct linux_kmem_what *w)
{
	const struct vms_error *e = need_stacks(k);
	if (e)
		note(w, "tasks: %s", e->message);
	for (size_t i = 0; i < k->nr_stacks; i++) {
		const struct stack *s = &k->stacks[i];
		if (w->addr - s->base < s->size) {
			w->has_stack = true;
			w->pid = s->pid;
			w->task = s->task;
			w->stack_base = s->base;
			w->stack_size = s->size;
			snprintf(w->comm, sizeof(w->comm), "%s", s->comm);
			return;
		}
	}
}

static void what_percpu(struct linux_kmem *k, struct linux_kmem_what *w)
{
	need_percpu(k);
	if (!k->percpu_unit || !k->b.cpu_offset)
		return;
	for (unsigned cpu = 0; cpu < k->b.nr_cpus; cpu++) {
		uint64_t start = k->b.cpu_offset[cpu] + k->percpu_start;
		if (w->addr - start >= k->percpu_unit)
			continue;
		w->has_percpu = true;
		w->cpu = cpu;
		w->percpu_offset = w->addr - start;
		uint64_t var = w->addr - k->b.cpu_offset[cpu];
		if (var < k->percpu_end) {
			// a static per-CPU variable: look it up where the symbol table has it
			struct program_symbol s;
			uint64_t off, at = k->percpu_zero_based ? var + program_kaslr_offset(k->prog) : var;
			struct vms_error *err = program_symbol_at(k->prog, at, &s, &off);
			if (!err && (s.size == 0 || off < s.size))
				snprintf(w->symbol, sizeof(w->symbol), "%s+0x%" PRIx64, s.name, off);
			vms_error_destroy(err);
		}
		return;
	}
}

static void what_vmalloc(struct linux_kmem *k, struct linux_kmem_what *w)
{
	const struct vms_error *e = need_vmalloc(k);
	if (e) {
		note(w, "vmalloc areas: %s", e->message);
		return;
	}
	const struct linux_vmalloc_area *a = linux_vmalloc_find(k->vi, w->addr);
	if (!a)
		return;
	w->has_vmalloc = true;
	w->vmalloc = *a;
	w->vmalloc.error = NULL;
	what_stack(k, w);
	// the page behind it
	if (a->kind == LINUX_VMALLOC_AREA && a->pages && a->nr_pages) {
		uint64_t idx = (w->addr - a->addr) >> k->b.page_shift, page = 0, pfn;
		if (idx < a->nr_pages && program_try_u64(k->prog, a->pages + 8 * idx, &page) && page) {
			struct vms_error *err = linux_page_to_pfn(k->prog, page, &pfn);
			if (!err)
				what_page(k, w, pfn);
			vms_error_destroy(err);
		}
	} else {
		uint64_t pa;
		struct vms_error *err = program_vtop(k->prog, w->addr, &pa);
		if (!err)
			what_page(k, w, pa >> k->b.page_shift);
		vms_error_destroy(err);
	}
}

static void what_module(struct linux_kmem *k, struct linux_kmem_what *w)
{
	const struct vms_error *e = need_mods(k);
	if (e) {
		note(w, "modules: %s", e->message);
		return;
	}
	unsigned mem;
	const struct linux_kmod *mod = linux_kmod_at(k->mods, w->addr, &mem);
	if (!mod)
		return;
	w->has_module = true;
	snprintf(w->module, sizeof(w->module), "%s", mod->name);
	w->module_kind = mod->mem[mem].kind;
	w->module_offset = w->addr - mod->mem[mem].base;
	linux_kmem_symbolize(&k->b, k->mods, w->addr, w->symbol, sizeof(w->symbol));
}

struct vms_error *linux_kmem_what(struct linux_kmem *k, uint64_t addr, struct linux_kmem_what *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct linux_kmem_what *w = ret;
	w->addr = addr;
	w->region = linux_kmem_region(&k->b, addr);
	uint64_t pfn;
	if (strcmp(w->region, "direct map") == 0 && linux_kmem_direct_pfn(&k->b, addr, &pfn)) {
		what_page(k, w, pfn);
		if (!w->has_slab)
			what_stack(k, w);   // stacks without CONFIG_VMAP_STACK
		what_percpu(k, w);      // the embedded first chunk
	} else if (strcmp(w->region, "vmalloc") == 0) {
		what_vmalloc(k, w);
		what_percpu(k, w);      // later chunks are vmalloc'ed
	} else if (strcmp(w->region, "vmemmap") == 0) {
		const struct linux_page_layout *pl;
		struct vms_error *err = linux_page_layout(k->prog, &pl);
		if (err) {
			note(w, "%s", err->message);
			vms_error_destroy(err);
		} else if (pl->page_size) {
			w->has_struct_page = true;
			w->sp_pfn = (addr - pl->vmemmap) / pl->page_size;
			w->sp_page = pl->vmemmap + w->sp_pfn * pl->page_size;
			w->sp_offset = addr - w->sp_page;
		}
	} else if (strcmp(w->region, "kernel image") == 0) {
		need_mods(k);
		linux_kmem_symbolize(&k->b, k->mods, addr, w->symbol, sizeof(w->symbol));
	} else if (strcmp(w->region, "modules") == 0) {
		what_module(k, w);
	}
	return NULL;
}
