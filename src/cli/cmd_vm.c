// SPDX-License-Identifier: GPL-3.0-or-later
/* ps, vm, anonvma: tasks, their address spaces, and anon_vma trees */
#include "cli/cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
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

/* The document {"tasks":[...], "error"}: one record per task, streamed. */
enum { PS_TASKS, PS_ERROR, PS_NR };
enum { TF_PID, TF_TGID, TF_PPID, TF_TASK, TF_STATE, TF_COMM, TF_LEADER, TF_MM, TF_EXITING,
       TF_ERROR, TF_RSS_KB, TF_VSZ_KB, TF_RSS_ANON_KB, TF_RSS_FILE_KB, TF_RSS_SHMEM_KB, TF_NR };

static const struct rec_field task_fields[TF_NR] = {
	[TF_PID] = REC_FIELD("pid", REC_INT),
	[TF_TGID] = REC_FIELD("tgid", REC_INT),
	[TF_PPID] = REC_FIELD("ppid", REC_INT),
	[TF_TASK] = REC_FIELD("task", REC_HEX),
	[TF_STATE] = REC_FIELD("state", REC_STR),
	[TF_COMM] = REC_FIELD("comm", REC_STR),
	[TF_LEADER] = REC_FIELD("leader", REC_BOOL),
	[TF_MM] = REC_FIELD("mm", REC_HEX),
	[TF_EXITING] = REC_FIELD("exiting", REC_BOOL),
	[TF_ERROR] = REC_FIELD("error", REC_STR),  // the mm could not be read
	[TF_RSS_KB] = REC_FIELD("rss_kb", REC_INT),
	[TF_VSZ_KB] = REC_FIELD("vsz_kb", REC_INT),
	[TF_RSS_ANON_KB] = REC_FIELD("rss_anon_kb", REC_INT),
	[TF_RSS_FILE_KB] = REC_FIELD("rss_file_kb", REC_INT),
	[TF_RSS_SHMEM_KB] = REC_FIELD("rss_shmem_kb", REC_INT),
};

/* VSZ and RSS: 0 without an address space. */
static void vsz_col(struct strbuf *out, const struct rec_row *r)
{
	rec_put_int(out, rec_has(r, TF_VSZ_KB) ? rec_get_i(r, TF_VSZ_KB) : 0);
}

static void rss_col(struct strbuf *out, const struct rec_row *r)
{
	rec_put_int(out, rec_has(r, TF_RSS_KB) ? rec_get_i(r, TF_RSS_KB) : 0);
}

static void comm_col(struct strbuf *out, const struct rec_row *r)
{
	strbuf_addch(out, ' ');
	strbuf_addstr(out, rec_get_s(r, TF_COMM));
	if (!rec_get_u(r, TF_LEADER))
		strbuf_addstr(out, " (thread)");
}

static void task_text_close(struct strbuf *out, const struct rec_row *r)
{
	if (rec_has(r, TF_ERROR))
		strbuf_addf(out, "%7s error: %s\n", "", rec_get_s(r, TF_ERROR));
}

static const struct rec_col task_cols[] = {
	{ TF_PID, 7, "PID", NULL }, { TF_PPID, 7, "PPID", NULL }, { TF_TASK, -18, "TASK", NULL },
	{ TF_STATE, -2, "ST", NULL }, { TF_VSZ_KB, 10, "VSZ(KB)", vsz_col },
	{ TF_RSS_KB, 10, "RSS(KB)", rss_col }, { TF_COMM, 0, " COMM", comm_col },
};

static const struct rec_schema task_schema = {
	task_fields, TF_NR, task_cols, VMS_ARRAY_SIZE(task_cols), false, NULL, task_text_close,
};

static const struct rec_field ps_fields[PS_NR] = {
	[PS_TASKS] = REC_FIELD("tasks", REC_LIST),
	[PS_ERROR] = REC_FIELD("error", REC_STR),  // the task list is partial
};

static void ps_text(struct strbuf *out, const struct rec_row *r)
{
	(void)r;
	rec_put_header(out, &task_schema);
}

static void ps_text_close(struct strbuf *out, const struct rec_row *r)
{
	if (rec_has(r, PS_ERROR))
		strbuf_addf(out, "error: %s\n", rec_get_s(r, PS_ERROR));
}

static const struct rec_schema ps_schema = { ps_fields, PS_NR, NULL, 0, false, ps_text, ps_text_close };

VMS_MUST_CHECK static struct vms_error *cmd_ps(struct cli_ctx *ctx, int argc, char **argv)
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
	struct rec_writer w;
	struct rec_row doc, row;
	cli_writer(ctx, &w);
	rec_row_init(&doc, &ps_schema);
	rec_row_init(&row, &task_schema);
	rec_open(&w, &doc, PS_TASKS);
	for (size_t i = 0; i < n; i++) {
		const struct linux_task *t = &tasks[i];
		rec_row_reset(&row);
		rec_int(&row, TF_PID, t->pid);
		rec_int(&row, TF_TGID, t->tgid);
		rec_int(&row, TF_PPID, t->ppid);
		rec_hex(&row, TF_TASK, t->addr);
		rec_str(&row, TF_STATE, linux_task_state_name(vm, t));
		rec_str(&row, TF_COMM, t->comm);
		rec_bool(&row, TF_LEADER, t->leader);
		rec_hex(&row, TF_MM, t->mm);
		if (t->exiting)
			rec_bool(&row, TF_EXITING, true);
		struct vms_error *e = NULL;
		if (t->mm) {
			struct linux_mm_info mi;
			e = linux_mm_info(vm, t->mm, &mi);
			if (e) {
				rec_strf(&row, TF_ERROR, "%s", e->message);
				cli_partial(ctx, "task %d: %s", t->pid, e->message);
				vms_error_destroy(e);
			} else {
				int64_t rss = mi.rss_file + mi.rss_anon + mi.rss_shmem;
				rec_int(&row, TF_RSS_KB, rss * kb_per_page);
				rec_int(&row, TF_VSZ_KB, (int64_t)mi.total_vm * kb_per_page);
				rec_int(&row, TF_RSS_ANON_KB, mi.rss_anon * kb_per_page);
				rec_int(&row, TF_RSS_FILE_KB, mi.rss_file * kb_per_page);
				rec_int(&row, TF_RSS_SHMEM_KB, mi.rss_shmem * kb_per_page);
			}
		}
		rec_write(&w, &row);
		if (!cli_flush_some(ctx))
			break;
	}
	const struct vms_error *te = linux_vm_tasks_error(vm);
	if (te) {
		rec_str(&doc, PS_ERROR, te->message);
		cli_partial(ctx, "%s", te->message);
	}
	rec_close(&w);
	rec_row_deinit(&row);
	rec_row_deinit(&doc);
	linux_vm_destroy(vm);
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

/* The document: the task, its mm, and its VMAs streamed, each with its
 * resident pages streamed (-p). */
enum { VF_PID, VF_TASK, VF_COMM, VF_MM, VF_PGD, VF_RSS_KB, VF_TOTAL_VM_KB, VF_MAP_COUNT, VF_VMAS,
       VF_ERROR, VF_NR };
enum { MF_VMA, MF_START, MF_END, MF_FLAGS, MF_PERMS, MF_PGOFF, MF_OFFSET, MF_FILE, MF_ANON_VMA,
       MF_NAME_ERROR, MF_NAME, MF_INODE, MF_PAGES, MF_PAGES_ERROR, MF_NR };
enum { PG_VADDR, PG_PADDR, PG_PFN, PG_LEVEL, PG_ENTRY, PG_NR };

static const struct rec_field vm_fields[VF_NR] = {
	[VF_PID] = REC_FIELD("pid", REC_INT),
	[VF_TASK] = REC_FIELD("task", REC_HEX),
	[VF_COMM] = REC_FIELD("comm", REC_STR),
	[VF_MM] = REC_FIELD("mm", REC_HEX),
	[VF_PGD] = REC_FIELD("pgd", REC_HEX),
	[VF_RSS_KB] = REC_FIELD("rss_kb", REC_INT),
	[VF_TOTAL_VM_KB] = REC_FIELD("total_vm_kb", REC_INT),
	[VF_MAP_COUNT] = REC_FIELD("map_count", REC_INT),
	[VF_VMAS] = REC_FIELD("vmas", REC_LIST),
	[VF_ERROR] = REC_FIELD("error", REC_STR),
};

static const struct rec_field vma_fields[MF_NR] = {
	[MF_VMA] = REC_FIELD("vma", REC_HEX),
	[MF_START] = REC_FIELD("start", REC_HEX),
	[MF_END] = REC_FIELD("end", REC_HEX),
	[MF_FLAGS] = REC_FIELD("flags", REC_HEX),
	[MF_PERMS] = REC_FIELD("perms", REC_STR),
	[MF_PGOFF] = REC_FIELD("pgoff", REC_HEX),
	[MF_OFFSET] = REC_FIELD("offset", REC_HEX),
	[MF_FILE] = REC_FIELD("file", REC_HEX),
	[MF_ANON_VMA] = REC_FIELD("anon_vma", REC_HEX),
	[MF_NAME_ERROR] = REC_FIELD("name_error", REC_STR),
	[MF_NAME] = REC_FIELD("name", REC_STR),
	[MF_INODE] = REC_FIELD("inode", REC_UINT),
	[MF_PAGES] = REC_FIELD("pages", REC_LIST),
	[MF_PAGES_ERROR] = REC_FIELD("pages_error", REC_STR),
};

static const struct rec_field vm_page_fields[PG_NR] = {
	[PG_VADDR] = REC_FIELD("vaddr", REC_HEX),
	[PG_PADDR] = REC_FIELD("paddr", REC_HEX),
	[PG_PFN] = REC_FIELD("pfn", REC_HEX),
	[PG_LEVEL] = REC_FIELD("level", REC_STR),
	[PG_ENTRY] = REC_FIELD("entry", REC_HEX),
};

static void vm_text(struct strbuf *out, const struct rec_row *r)
{
	strbuf_addf(out, "PID: %-7" PRId64 " TASK: %" PRIx64 "  COMMAND: \"%s\"\n", rec_get_i(r, VF_PID),
		    rec_get_u(r, VF_TASK), rec_get_s(r, VF_COMM));
	if (!rec_get_u(r, VF_MM)) {
		strbuf_addstr(out, "(no user address space)\n");
		return;
	}
	if (!rec_has(r, VF_PGD)) {  // the mm could not be read: the error follows
		strbuf_addf(out, "MM: %" PRIx64 "\n", rec_get_u(r, VF_MM));
		return;
	}
	strbuf_addf(out, "%16s  %16s  %10s  %10s\n", "MM", "PGD", "RSS", "TOTAL_VM");
	strbuf_addf(out, "%16" PRIx64 "  %16" PRIx64 "  %9" PRId64 "k  %9" PRId64 "k\n", rec_get_u(r, VF_MM),
		    rec_get_u(r, VF_PGD), rec_get_i(r, VF_RSS_KB), rec_get_i(r, VF_TOTAL_VM_KB));
	strbuf_addf(out, "%16s  %16s  %16s  %8s %4s  %s\n", "VMA", "START", "END", "FLAGS", "PERM", "FILE");
}

static void vm_text_close(struct strbuf *out, const struct rec_row *r)
{
	if (rec_has(r, VF_ERROR))
		strbuf_addf(out, "error: %s\n", rec_get_s(r, VF_ERROR));
}

static void vma_text(struct strbuf *out, const struct rec_row *r)
{
	const char *name = rec_get_s(r, MF_NAME);
	strbuf_addf(out, "%16" PRIx64 "  %16" PRIx64 "  %16" PRIx64 "  %8" PRIx64 " %4s  %s",
		    rec_get_u(r, MF_VMA), rec_get_u(r, MF_START), rec_get_u(r, MF_END),
		    rec_get_u(r, MF_FLAGS), rec_get_s(r, MF_PERMS), name);
	if (rec_get_u(r, MF_ANON_VMA))
		strbuf_addf(out, "%sanon_vma %" PRIx64, *name ? "  " : "", rec_get_u(r, MF_ANON_VMA));
	strbuf_addch(out, '\n');
}

static void vma_text_close(struct strbuf *out, const struct rec_row *r)
{
	if (rec_has(r, MF_PAGES_ERROR))
		strbuf_addf(out, "    error: %s\n", rec_get_s(r, MF_PAGES_ERROR));
}

static void vm_page_text(struct strbuf *out, const struct rec_row *r)
{
	strbuf_addf(out, "    %16" PRIx64 "  %12" PRIx64 "  %s\n", rec_get_u(r, PG_VADDR),
		    rec_get_u(r, PG_PADDR), rec_get_s(r, PG_LEVEL));
}

static const struct rec_schema vm_schema = { vm_fields, VF_NR, NULL, 0, false, vm_text, vm_text_close };
static const struct rec_schema vma_schema = {
	vma_fields, MF_NR, NULL, 0, false, vma_text, vma_text_close,
};
static const struct rec_schema vm_page_schema = {
	vm_page_fields, PG_NR, NULL, 0, false, vm_page_text, NULL,
};

struct vm_walk {
	struct cli_ctx *ctx;
	struct linux_vm *vm;
	struct linux_mm_info *mi;
	struct rec_writer w;
	struct rec_row vma, page;
	bool pages;
};

VMS_MUST_CHECK static struct vms_error *page_cb(void *arg, uint64_t vaddr, const struct linux_pt_entry *e)
{
	struct vm_walk *w = arg;
	struct rec_row *p = &w->page;
	rec_row_reset(p);
	rec_hex(p, PG_VADDR, vaddr);
	rec_hex(p, PG_PADDR, e->paddr);
	rec_hex(p, PG_PFN, e->pfn);
	rec_str(p, PG_LEVEL, e->level == LINUX_PT_PTE ? "pte" : e->level == LINUX_PT_PMD ? "pmd" : "pud");
	rec_hex(p, PG_ENTRY, e->entry);
	rec_write(&w->w, p);
	if (!cli_flush_some(w->ctx))
		return program_check_cancel();
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *vma_cb(void *arg, const struct linux_vma *v)
{
	struct vm_walk *w = arg;
	struct rec_row *o = &w->vma;
	rec_row_reset(o);
	char perms[5];
	linux_vma_perms(w->vm, v->flags, perms);
	rec_hex(o, MF_VMA, v->addr);
	rec_hex(o, MF_START, v->start);
	rec_hex(o, MF_END, v->end);
	rec_hex(o, MF_FLAGS, v->flags);
	rec_strf(o, MF_PERMS, "%s", perms);
	rec_hex(o, MF_PGOFF, v->pgoff);
	rec_hex(o, MF_OFFSET, v->file ? v->pgoff << w->vm->page_shift : 0);
	rec_hex(o, MF_FILE, v->file);
	rec_hex(o, MF_ANON_VMA, v->anon_vma);
	char *name = NULL;
	uint64_t ino = 0;
	struct vms_error *err = linux_vma_name(w->vm, v, w->mi, &name, &ino);
	if (err) {
		rec_strf(o, MF_NAME_ERROR, "%s", err->message);
		cli_partial(w->ctx, "VMA 0x%" PRIx64 "-0x%" PRIx64 ": %s", v->start, v->end, err->message);
		vms_error_destroy(err);
	} else {
		rec_str(o, MF_NAME, name);
		rec_uint(o, MF_INODE, ino);
	}
	if (!w->pages) {
		rec_write(&w->w, o);
	} else {
		rec_open(&w->w, o, MF_PAGES);
		err = linux_pgtable_for_each(w->vm, v->mm, v->start, v->end, page_cb, w);
		if (err && err->code == VMS_ERR_CANCELLED) {
			free(name);
			rec_close(&w->w);
			return err;
		}
		if (err) {
			rec_strf(o, MF_PAGES_ERROR, "%s", err->message);
			cli_partial(w->ctx, "pages of VMA 0x%" PRIx64 "-0x%" PRIx64 ": %s", v->start, v->end,
				    err->message);
			vms_error_destroy(err);
		}
		rec_close(&w->w);
	}
	free(name);
	if (!cli_flush_some(w->ctx))
		return program_check_cancel();
	return NULL;
}

VMS_MUST_CHECK static struct vms_error *cmd_vm(struct cli_ctx *ctx, int argc, char **argv)
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
		linux_vm_destroy(vm);
		return err;
	}
	struct vm_walk w = {.ctx = ctx, .vm = vm, .pages = pages};
	struct rec_row doc;
	cli_writer(ctx, &w.w);
	rec_row_init(&doc, &vm_schema);
	rec_row_init(&w.vma, &vma_schema);
	rec_row_init(&w.page, &vm_page_schema);
	rec_int(&doc, VF_PID, t->pid);
	rec_hex(&doc, VF_TASK, t->addr);
	rec_str(&doc, VF_COMM, t->comm);
	uint64_t mm = t->mm ? t->mm : (t->exiting && !t->kthread ? t->active_mm : 0);
	rec_hex(&doc, VF_MM, mm);
	struct linux_mm_info mi;
	if (!mm) {
		rec_write(&w.w, &doc);
	} else if ((err = linux_mm_info(vm, mm, &mi))) {
		// a bad mm pointer: say so for this task, exit partial
		rec_strf(&doc, VF_ERROR, "%s", err->message);
		cli_partial(ctx, "%s", err->message);
		vms_error_destroy(err);
		err = NULL;
		rec_write(&w.w, &doc);
	} else {
		unsigned kb = program_page_size(ctx->prog) / 1024;
		rec_hex(&doc, VF_PGD, mi.pgd);
		rec_int(&doc, VF_RSS_KB, (mi.rss_file + mi.rss_anon + mi.rss_shmem) * kb);
		rec_int(&doc, VF_TOTAL_VM_KB, (int64_t)mi.total_vm * kb);
		rec_int(&doc, VF_MAP_COUNT, mi.map_count);
		w.mi = &mi;
		rec_open(&w.w, &doc, VF_VMAS);
		err = linux_mm_for_each_vma(vm, mm, vma_cb, &w);
		if (err && err->code != VMS_ERR_CANCELLED) {
			rec_strf(&doc, VF_ERROR, "%s", err->message);
			cli_partial(ctx, "%s", err->message);
			vms_error_destroy(err);
			err = NULL;
		}
		rec_close(&w.w);
	}
	rec_row_deinit(&w.page);
	rec_row_deinit(&w.vma);
	rec_row_deinit(&doc);
	linux_vm_destroy(vm);
	return err;
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

VMS_MUST_CHECK static struct vms_error *avc_cb(void *arg, uint64_t avc, const struct linux_vma *vma)
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

VMS_MUST_CHECK static struct vms_error *cmd_anonvma(struct cli_ctx *ctx, int argc, char **argv)
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
