// SPDX-License-Identifier: GPL-3.0-or-later
/* ps, vm, anonvma: tasks, their address spaces, and anon_vma trees */
#include "cli/cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "linux/anon_vma.h"
#include "linux/mm.h"
#include "linux/page.h"
#include "linux/pgtable.h"
#include "linux/task.h"

static struct vms_value *pid_list(struct linux_vm *vm, uint64_t mm)
{
	const struct linux_mm_owners *o = linux_mm_owners(vm, mm);
	struct vms_value *a = value_array();
	for (size_t i = 0; i < o->nr; i++) {
		struct vms_value *p = value_push(a, value_object());
		value_set_int(p, "pid", o->procs[i]->tgid);
		value_set_str(p, "comm", o->procs[i]->comm);
		if (o->procs[i]->exiting)
			value_set_bool(p, "exiting", true);
	}
	return a;
}

/* ---- ps ---- */

static void ps_text(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out)
{
	(void)ctx;
	const struct vms_value *tasks = value_get(v, "tasks");
	strbuf_addf(out, "%7s %7s %-18s %-2s %10s %10s  %s\n", "PID", "PPID", "TASK", "ST", "VSZ(KB)",
		    "RSS(KB)", "COMM");
	for (size_t i = 0; i < tasks->array.len; i++) {
		const struct vms_value *t = tasks->array.items[i];
		const struct vms_value *rss = value_get(t, "rss_kb"), *vsz = value_get(t, "vsz_kb");
		bool thread = !value_get(t, "leader")->b;
		strbuf_addf(out, "%7" PRId64 " %7" PRId64 " %-18" PRIx64 " %-2s %10" PRId64 " %10" PRId64
			    "  %s%s%s\n",
			    value_get(t, "pid")->i, value_get(t, "ppid")->i, value_get(t, "task")->u,
			    value_get(t, "state")->s, vsz ? vsz->i : 0, rss ? rss->i : 0,
			    thread ? "" : "", value_get(t, "comm")->s, thread ? " (thread)" : "");
		const struct vms_value *e = value_get(t, "error");
		if (e)
			strbuf_addf(out, "%7s error: %s\n", "", e->s);
	}
	const struct vms_value *e = value_get(v, "error");
	if (e)
		strbuf_addf(out, "error: %s\n", e->s);
}

static struct vms_error *cmd_ps(struct cli_ctx *ctx, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return vms_error_create(VMS_ERR_INVALID, "usage: ps");
	struct linux_vm *vm;
	struct vms_error *err = linux_vm_create(ctx->prog, &vm);
	if (err)
		return err;
	const struct linux_task *tasks = NULL;
	size_t n = 0;
	err = linux_vm_tasks(vm, &tasks, &n);
	if (err) {
		linux_vm_destroy(vm);
		return err;
	}
	unsigned kb_per_page = program_page_size(ctx->prog) / 1024;
	struct vms_value *v = value_object();
	struct vms_value *arr = value_set(v, "tasks", value_array());
	for (size_t i = 0; i < n; i++) {
		const struct linux_task *t = &tasks[i];
		struct vms_value *o = value_push(arr, value_object());
		value_set_int(o, "pid", t->pid);
		value_set_int(o, "tgid", t->tgid);
		value_set_int(o, "ppid", t->ppid);
		value_set_hex(o, "task", t->addr);
		value_set_str(o, "state", linux_task_state_name(vm, t));
		value_set_str(o, "comm", t->comm);
		value_set_bool(o, "leader", t->leader);
		value_set_hex(o, "mm", t->mm);
		if (t->exiting)
			value_set_bool(o, "exiting", true);
		if (t->mm) {
			struct linux_mm_info mi;
			struct vms_error *e = linux_mm_info(vm, t->mm, &mi);
			if (e) {
				value_set_str(o, "error", e->message);
				cli_partial(ctx, "task %d: %s", t->pid, e->message);
				vms_error_destroy(e);
				continue;
			}
			int64_t rss = mi.rss_file + mi.rss_anon + mi.rss_shmem;
			value_set_int(o, "rss_kb", rss * kb_per_page);
			value_set_int(o, "vsz_kb", (int64_t)mi.total_vm * kb_per_page);
			value_set_int(o, "rss_anon_kb", mi.rss_anon * kb_per_page);
			value_set_int(o, "rss_file_kb", mi.rss_file * kb_per_page);
			value_set_int(o, "rss_shmem_kb", mi.rss_shmem * kb_per_page);
		}
	}
	const struct vms_error *te = linux_vm_tasks_error(vm);
	if (te) {
		value_set_str(v, "error", te->message);
		cli_partial(ctx, "%s", te->message);
	}
	linux_vm_destroy(vm);
	cli_emit(ctx, v, ps_text);
	return NULL;
}

const struct cli_command cli_cmd_ps = {
	.name = "ps",
	.usage = "",
	.summary = "list tasks with state, parent and RSS",
	.help = "Every thread of every process from init_task.tasks and each group's thread list.\n"
		"RSS is file + anon + shmem pages from the mm counters (summed over CPUs or thread\n"
		"caches as the kernel would).",
	.needs_program = true,
	.run = cmd_ps,
};

/* ---- vm ---- */

struct vm_walk {
	struct cli_ctx *ctx;
	struct linux_vm *vm;
	struct linux_mm_info *mi;
	struct vms_value *vmas;
	bool pages;
};

static struct vms_error *page_cb(void *arg, uint64_t vaddr, const struct linux_pt_entry *e)
{
	struct vms_value *pages = arg;
	struct vms_value *p = value_push(pages, value_object());
	value_set_hex(p, "vaddr", vaddr);
	value_set_hex(p, "paddr", e->paddr);
	value_set_hex(p, "pfn", e->pfn);
	value_set_str(p, "level", e->level == LINUX_PT_PTE ? "pte" : e->level == LINUX_PT_PMD ? "pmd" : "pud");
	value_set_hex(p, "entry", e->entry);
	return NULL;
}

static struct vms_error *vma_cb(void *arg, const struct linux_vma *v)
{
	struct vm_walk *w = arg;
	struct vms_value *o = value_push(w->vmas, value_object());
	char perms[5];
	linux_vma_perms(w->vm, v->flags, perms);
	value_set_hex(o, "vma", v->addr);
	value_set_hex(o, "start", v->start);
	value_set_hex(o, "end", v->end);
	value_set_hex(o, "flags", v->flags);
	value_set_str(o, "perms", perms);
	value_set_hex(o, "pgoff", v->pgoff);
	value_set_hex(o, "offset", v->file ? v->pgoff << w->vm->page_shift : 0);
	value_set_hex(o, "file", v->file);
	value_set_hex(o, "anon_vma", v->anon_vma);
	char *name = NULL;
	uint64_t ino = 0;
	struct vms_error *err = linux_vma_name(w->vm, v, w->mi, &name, &ino);
	if (err) {
		value_set_str(o, "name_error", err->message);
		cli_partial(w->ctx, "VMA 0x%" PRIx64 "-0x%" PRIx64 ": %s", v->start, v->end, err->message);
		vms_error_destroy(err);
	} else {
		value_set_str(o, "name", name);
		value_set_uint(o, "inode", ino);
		free(name);
	}
	if (w->pages) {
		struct vms_value *pages = value_set(o, "pages", value_array());
		err = linux_pgtable_for_each(w->vm, v->mm, v->start, v->end, page_cb, pages);
		if (err) {
			value_set_str(o, "pages_error", err->message);
			cli_partial(w->ctx, "pages of VMA 0x%" PRIx64 "-0x%" PRIx64 ": %s", v->start, v->end,
				    err->message);
			vms_error_destroy(err);
		}
	}
	return NULL;
}

static void vm_text(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out)
{
	(void)ctx;
	strbuf_addf(out, "PID: %-7" PRId64 " TASK: %" PRIx64 "  COMMAND: \"%s\"\n", value_get(v, "pid")->i,
		    value_get(v, "task")->u, value_get(v, "comm")->s);
	if (!value_get(v, "mm")->u) {
		strbuf_addstr(out, "(no user address space)\n");
		return;
	}
	if (!value_get(v, "pgd")) {
		strbuf_addf(out, "MM: %" PRIx64 "\nerror: %s\n", value_get(v, "mm")->u,
			    value_get(v, "error")->s);
		return;
	}
	strbuf_addf(out, "%16s  %16s  %10s  %10s\n", "MM", "PGD", "RSS", "TOTAL_VM");
	strbuf_addf(out, "%16" PRIx64 "  %16" PRIx64 "  %9" PRId64 "k  %9" PRId64 "k\n", value_get(v, "mm")->u,
		    value_get(v, "pgd")->u, value_get(v, "rss_kb")->i, value_get(v, "total_vm_kb")->i);
	strbuf_addf(out, "%16s  %16s  %16s  %8s %4s  %s\n", "VMA", "START", "END", "FLAGS", "PERM", "FILE");
	const struct vms_value *vmas = value_get(v, "vmas");
	for (size_t i = 0; i < vmas->array.len; i++) {
		const struct vms_value *m = vmas->array.items[i];
		const struct vms_value *name = value_get(m, "name");
		strbuf_addf(out, "%16" PRIx64 "  %16" PRIx64 "  %16" PRIx64 "  %8" PRIx64 " %4s  %s",
			    value_get(m, "vma")->u, value_get(m, "start")->u, value_get(m, "end")->u,
			    value_get(m, "flags")->u, value_get(m, "perms")->s,
			    name && name->s && *name->s ? name->s : "");
		if (value_get(m, "anon_vma")->u)
			strbuf_addf(out, "%sanon_vma %" PRIx64, name && name->s && *name->s ? "  " : "",
				    value_get(m, "anon_vma")->u);
		strbuf_addch(out, '\n');
		const struct vms_value *pages = value_get(m, "pages");
		for (size_t j = 0; pages && j < pages->array.len; j++) {
			const struct vms_value *p = pages->array.items[j];
			strbuf_addf(out, "    %16" PRIx64 "  %12" PRIx64 "  %s\n", value_get(p, "vaddr")->u,
				    value_get(p, "paddr")->u, value_get(p, "level")->s);
		}
		const struct vms_value *pe = value_get(m, "pages_error");
		if (pe)
			strbuf_addf(out, "    error: %s\n", pe->s);
	}
	const struct vms_value *e = value_get(v, "error");
	if (e)
		strbuf_addf(out, "error: %s\n", e->s);
}

static struct vms_error *cmd_vm(struct cli_ctx *ctx, int argc, char **argv)
{
	bool pages = false;
	int i = 1;
	if (i < argc && strcmp(argv[i], "-p") == 0) {
		pages = true;
		i++;
	}
	if (i != argc - 1)
		return vms_error_create(VMS_ERR_INVALID, "usage: vm [-p] PID");
	uint64_t pid;
	struct vms_error *err = cli_parse_u64(ctx, argv[i], false, false, &pid);
	if (err)
		return err;
	struct linux_vm *vm;
	if ((err = linux_vm_create(ctx->prog, &vm)))
		return err;
	const struct linux_task *t;
	if ((err = linux_find_task(vm, (int32_t)pid, &t))) {
		// Not found in a task list the dump cut short: unknown, not absent.
		const struct vms_error *te = linux_vm_tasks_error(vm);
		if (err->code == VMS_ERR_LOOKUP && te) {
			struct vms_error *why = vms_error_create(VMS_ERR_NODATA,
				"no task with pid %" PRIu64 " in the part of the task list the dump holds (%s)",
				pid, te->message);
			vms_error_destroy(err);
			err = why;
		}
		linux_vm_destroy(vm);
		return err;
	}
	struct vms_value *v = value_object();
	value_set_int(v, "pid", t->pid);
	value_set_hex(v, "task", t->addr);
	value_set_str(v, "comm", t->comm);
	uint64_t mm = t->mm ? t->mm : (t->exiting && !t->kthread ? t->active_mm : 0);
	value_set_hex(v, "mm", mm);
	if (mm) {
		struct linux_mm_info mi;
		if ((err = linux_mm_info(vm, mm, &mi))) {
			// a bad mm pointer: say so for this task, exit partial
			value_set_str(v, "error", err->message);
			cli_partial(ctx, "%s", err->message);
			vms_error_destroy(err);
			linux_vm_destroy(vm);
			cli_emit(ctx, v, vm_text);
			return NULL;
		}
		unsigned kb = program_page_size(ctx->prog) / 1024;
		value_set_hex(v, "pgd", mi.pgd);
		value_set_int(v, "rss_kb", (mi.rss_file + mi.rss_anon + mi.rss_shmem) * kb);
		value_set_int(v, "total_vm_kb", (int64_t)mi.total_vm * kb);
		value_set_int(v, "map_count", mi.map_count);
		struct vm_walk w = {.ctx = ctx, .vm = vm, .mi = &mi, .pages = pages};
		w.vmas = value_set(v, "vmas", value_array());
		err = linux_mm_for_each_vma(vm, mm, vma_cb, &w);
		if (err) {
			value_set_str(v, "error", err->message);
			cli_partial(ctx, "%s", err->message);
			vms_error_destroy(err);
		}
	}
	linux_vm_destroy(vm);
	cli_emit(ctx, v, vm_text);
	return NULL;
}

const struct cli_command cli_cmd_vm = {
	.name = "vm",
	.usage = "[-p] PID",
	.summary = "show a task's address space: VMAs, flags, files, anon_vmas",
	.help = "VMAs come from the maple tree (v6.1+) or the mmap list.  The name column is\n"
		"what /proc/PID/maps shows.  -p lists each VMA's resident pages from the page\n"
		"tables (virtual, physical, PTE/PMD/PUD).",
	.needs_program = true,
	.run = cmd_vm,
};

/* ---- anonvma ---- */

struct av_walk {
	struct linux_vm *vm;
	struct vms_value *avcs;
};

static struct vms_error *avc_cb(void *arg, uint64_t avc, const struct linux_vma *vma)
{
	struct av_walk *w = arg;
	struct vms_value *o = value_push(w->avcs, value_object());
	value_set_hex(o, "avc", avc);
	value_set_hex(o, "vma", vma->addr);
	value_set_hex(o, "start", vma->start);
	value_set_hex(o, "end", vma->end);
	value_set_hex(o, "pgoff", vma->pgoff);
	value_set_hex(o, "pgoff_last", vma->pgoff + ((vma->end - vma->start) >> w->vm->page_shift) - 1);
	value_set_hex(o, "vma_anon_vma", vma->anon_vma);
	value_set_hex(o, "mm", vma->mm);
	value_set(o, "tasks", pid_list(w->vm, vma->mm));
	return NULL;
}

static void anonvma_text(struct cli_ctx *ctx, const struct vms_value *v, struct strbuf *out)
{
	(void)ctx;
	strbuf_addf(out, "ANON_VMA: %" PRIx64 "  ROOT: %" PRIx64 "  PARENT: %" PRIx64 "  REFCOUNT: %" PRId64,
		    value_get(v, "anon_vma")->u, value_get(v, "root")->u, value_get(v, "parent")->u,
		    value_get(v, "refcount")->i);
	const struct vms_value *d = value_get(v, "degree");
	if (d)
		strbuf_addf(out, "  DEGREE: %" PRId64, d->i);
	d = value_get(v, "num_children");
	if (d)
		strbuf_addf(out, "  CHILDREN: %" PRId64 "  ACTIVE_VMAS: %" PRId64, d->i,
			    value_get(v, "num_active_vmas")->i);
	strbuf_addch(out, '\n');
	const struct vms_value *avcs = value_get(v, "avcs");
	for (size_t i = 0; i < avcs->array.len; i++) {
		const struct vms_value *a = avcs->array.items[i];
		strbuf_addf(out, "  avc %" PRIx64 " -> vma %" PRIx64 " [%" PRIx64 "-%" PRIx64 ") pgoff %" PRIx64
			    "-%" PRIx64 " -> mm %" PRIx64 " ->",
			    value_get(a, "avc")->u, value_get(a, "vma")->u, value_get(a, "start")->u,
			    value_get(a, "end")->u, value_get(a, "pgoff")->u, value_get(a, "pgoff_last")->u,
			    value_get(a, "mm")->u);
		const struct vms_value *t = value_get(a, "tasks");
		if (!t->array.len)
			strbuf_addstr(out, " (no task)");
		for (size_t j = 0; j < t->array.len; j++)
			strbuf_addf(out, " %" PRId64 " %s", value_get(t->array.items[j], "pid")->i,
				    value_get(t->array.items[j], "comm")->s);
		strbuf_addch(out, '\n');
	}
	const struct vms_value *e = value_get(v, "error");
	if (e)
		strbuf_addf(out, "error: %s\n", e->s);
}

static struct vms_error *cmd_anonvma(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc != 2)
		return vms_error_create(VMS_ERR_INVALID, "usage: anonvma ADDR");
	uint64_t addr;
	struct vms_error *err = cli_parse_u64(ctx, argv[1], true, true, &addr);
	if (err)
		return err;
	// accept a page->mapping value as is
	const struct linux_page_layout *pl;
	if (!(err = linux_page_layout(ctx->prog, &pl)))
		addr &= ~pl->mapping_flags_mask;
	vms_error_destroy(err);
	struct linux_vm *vm;
	if ((err = linux_vm_create(ctx->prog, &vm)))
		return err;
	struct linux_anon_vma a;
	if ((err = linux_anon_vma_read(vm, addr, &a))) {
		linux_vm_destroy(vm);
		return err;
	}
	struct vms_value *v = value_object();
	value_set_hex(v, "anon_vma", a.addr);
	value_set_hex(v, "root", a.root);
	value_set_hex(v, "parent", a.parent);
	value_set_int(v, "refcount", a.refcount);
	if (a.degree >= 0)
		value_set_int(v, "degree", a.degree);
	if (a.num_children >= 0) {
		value_set_int(v, "num_children", a.num_children);
		value_set_int(v, "num_active_vmas", a.num_active_vmas);
	}
	struct av_walk w = {.vm = vm};
	w.avcs = value_set(v, "avcs", value_array());
	err = linux_anon_vma_for_each_avc(vm, addr, 0, UINT64_MAX, avc_cb, &w);
	if (err) {
		value_set_str(v, "error", err->message);
		cli_partial(ctx, "%s", err->message);
		vms_error_destroy(err);
	}
	linux_vm_destroy(vm);
	cli_emit(ctx, v, anonvma_text);
	return NULL;
}

const struct cli_command cli_cmd_anonvma = {
	.name = "anonvma",
	.usage = "ADDR",
	.summary = "show an anon_vma: root, refcount, degree, and its avc -> VMA -> mm -> task tree",
	.help = "ADDR is a struct anon_vma address (a page->mapping value with its low bits is\n"
		"accepted).  The avcs are listed in interval-tree order (by VMA pgoff).",
	.needs_program = true,
	.run = cmd_anonvma,
};
