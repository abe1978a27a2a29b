// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/task.h"

#include "base/vector.h"
#include "linux/kfacts.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "linux/list.h"

/* Read one task_struct. */
VMS_MUST_CHECK static struct vms_error *linux_task_read(struct linux_vm *vm, uint64_t addr, struct linux_task *ret)
{
	const struct linux_vm_layout *l = &vm->l;
	struct linux_task t = {.addr = addr};
	struct vms_error *err;
	uint32_t u32;
	uint64_t v;
#define RD(field, off)                                                          \
	do {                                                                    \
		if ((err = linux_mem_read(&vm->mem, addr + (off), &field, sizeof(field)))) \
			return vms_error_wrap(err, "task_struct 0x%" PRIx64, addr); \
	} while (0)
	RD(t.pid, l->t_pid);
	RD(t.tgid, l->t_tgid);
	RD(t.comm, l->t_comm);
	t.comm[LINUX_TASK_COMM_LEN] = '\0';
	if ((err = linux_vm_read_uint(vm, addr + l->t_state, l->t_state_size, &v)))
		return vms_error_wrap(err, "task_struct 0x%" PRIx64, addr);
	t.state = v;
	RD(u32, l->t_exit_state);
	t.exit_state = u32;
	RD(t.flags, l->t_flags);
	RD(t.mm, l->t_mm);
	RD(t.active_mm, l->t_active_mm);
	RD(t.real_parent, l->t_real_parent);
	RD(t.group_leader, l->t_group_leader);
#undef RD
	t.leader = t.pid == t.tgid;
	t.kthread = t.flags & vm->l.pf_kthread;
	t.exiting = (t.flags & vm->l.pf_exiting) || t.exit_state;
	t.ppid = -1;
	*ret = t;
	return NULL;
}

struct collect {
	struct linux_vm *vm;
	struct linux_task *tasks;
	size_t nr, cap;
	bool reverse;
	struct vms_error *thread_err;  // the first thread list that could not be read
	size_t nr_thread_errs;
};

VMS_MUST_CHECK static struct vms_error *add_task(struct collect *c, uint64_t addr)
{
	if (!vms_array_reserve(c->tasks, c->cap, c->nr + 1))
		return &vms_enomem;
	struct vms_error *err = linux_task_read(c->vm, addr, &c->tasks[c->nr]);
	if (!err)
		c->nr++;
	return err;
}

VMS_MUST_CHECK static struct vms_error *thread_cb(void *arg, uint64_t node)
{
	struct collect *c = arg;
	uint64_t addr = node - c->vm->l.t_thread_node;
	if (addr == c->tasks[c->nr - 1].addr)
		return NULL;  // the leader, already added
	for (size_t i = c->nr; i-- > 0 && c->tasks[i].tgid == c->tasks[c->nr - 1].tgid;)
		if (c->tasks[i].addr == addr)
			return NULL;
	return add_task(c, addr);
}

VMS_MUST_CHECK static struct vms_error *leader_cb(void *arg, uint64_t node)
{
	struct collect *c = arg;
	struct linux_vm *vm = c->vm;
	uint64_t addr = node - vm->l.t_tasks;
	if (c->reverse)
		for (size_t i = 0; i < c->nr; i++)
			if (c->tasks[i].addr == addr)
				return &linux_walk_stop;  // met the forward part
	struct vms_error *err = add_task(c, addr);
	if (err)
		return err;
	size_t leader = c->nr - 1;
	uint64_t signal;
	err = linux_mem_u64(&vm->mem, addr + vm->l.t_signal, &signal);
	if (!err && signal)
		err = linux_list_for_each(&vm->mem, &vm->walk, signal + vm->l.sig_thread_head, 1u << 20,
					  thread_cb, c);
	if (err && err != &linux_walk_stop) {
		// Keep the leader and the threads read so far, and go on with
		// the next process: the leaders' list does not depend on it.
		err = vms_error_wrap(err, "threads of pid %d", c->tasks[leader].pid);
		if (!c->thread_err)
			c->thread_err = err;
		else
			vms_error_destroy(err);
		c->nr_thread_errs++;
		err = NULL;
	}
	return err;
}

static int cmp_addr(const void *a, const void *b)
{
	uint64_t x = ((const struct linux_task *)a)->addr, y = ((const struct linux_task *)b)->addr;
	return x < y ? -1 : x > y;
}

static const struct linux_task *by_addr(const struct linux_task *sorted, size_t n, uint64_t addr)
{
	struct linux_task key = {.addr = addr};
	return bsearch(&key, sorted, n, sizeof(key), cmp_addr);
}

static void read_tasks(struct linux_vm *vm)
{
	struct collect c = {.vm = vm};
	uint64_t init_task = 0;
	struct vms_error *err = kf_var(vm->prog, KF_INIT_TASK, &init_task, NULL);
	if (!err)
		err = leader_cb(&c, init_task + vm->l.t_tasks);
	if (!err)
		err = linux_list_for_each(&vm->mem, &vm->walk, init_task + vm->l.t_tasks, 1u << 22,
					  leader_cb, &c);
	if (err && init_task) {
		// The forward chain is broken (a task_struct the dump does not
		// hold): recover the rest of the list from its tail, backwards,
		// until a task already read.
		size_t forward = c.nr;
		c.reverse = true;
		struct vms_error *e2 = linux_list_for_each_reverse(&vm->mem, &vm->walk,
								   init_task + vm->l.t_tasks, 1u << 22,
								   leader_cb, &c);
		if (e2 && e2 != &linux_walk_stop)
			vms_error_destroy(e2);
		if (c.nr > forward)
			err = vms_error_wrap(err, "%zu tasks recovered walking backwards", c.nr - forward);
	}
	if (!err && c.thread_err) {
		if (c.nr_thread_errs > 1) {
			err = vms_error_create(c.thread_err->code, "%s (and %zu more thread lists)",
					       c.thread_err->message, c.nr_thread_errs - 1);
		} else {
			err = c.thread_err;
			c.thread_err = NULL;
		}
	}
	vms_error_destroy(c.thread_err);
	if (err)
		vm->tasks_err = vms_error_wrap(err, "reading the task list");
	// Parent pids: look the parent up by address.
	struct linux_task *sorted = malloc((c.nr ? c.nr : 1) * sizeof(*sorted));
	if (sorted) {
		memcpy(sorted, c.tasks, c.nr * sizeof(*sorted));
		qsort(sorted, c.nr, sizeof(*sorted), cmp_addr);
		for (size_t i = 0; i < c.nr; i++) {
			const struct linux_task *p = by_addr(sorted, c.nr, c.tasks[i].real_parent);
			c.tasks[i].ppid = p ? p->tgid : (c.tasks[i].pid ? -1 : 0);
		}
		free(sorted);
	}
	vm->tasks = c.tasks;
	vm->nr_tasks = c.nr;
	vm->tasks_read = true;
}

/* The context whose task table @vm reads: its own, read now if it was not
 * yet, or the one it shares (read before it was shared). */
static const struct linux_vm *tasks_vm(struct linux_vm *vm)
{
	if (vm->tasks_of)
		return vm->tasks_of;
	if (!vm->tasks_read)
		read_tasks(vm);
	return vm;
}

struct vms_error *linux_vm_tasks(struct linux_vm *own, const struct linux_task **ret, size_t *nr_ret)
{
	const struct linux_vm *vm = tasks_vm(own);
	if (!vm->nr_tasks && vm->tasks_err)
		return vms_error_create(vm->tasks_err->code, "%s", vm->tasks_err->message);
	*ret = vm->tasks;
	*nr_ret = vm->nr_tasks;
	return NULL;
}

const struct vms_error *linux_vm_tasks_error(struct linux_vm *vm)
{
	return tasks_vm(vm)->tasks_err;
}

struct vms_error *linux_find_task(struct linux_vm *vm, int32_t pid, const struct linux_task **ret)
{
	const struct linux_task *tasks = NULL;
	size_t n = 0;
	struct vms_error *err = linux_vm_tasks(vm, &tasks, &n);
	if (err)
		return err;
	const struct linux_task *any = NULL;
	for (size_t i = 0; i < n; i++) {
		if (tasks[i].pid != pid)
			continue;
		if (tasks[i].leader) {
			*ret = &tasks[i];
			return NULL;
		}
		if (!any)
			any = &tasks[i];
	}
	// Not found in a task list the dump cut short: unknown, not absent.
	if (!any && vm->tasks_err)
		return vms_error_create(VMS_ERR_NODATA,
					"no task with pid %" PRId32 " in the part of the task list the dump holds (%s)",
					pid, vm->tasks_err->message);
	if (!any)
		return vms_error_create(VMS_ERR_LOOKUP, "no task with pid %" PRId32, pid);
	*ret = any;
	return NULL;
}

const char *linux_task_state_name(const struct linux_vm *vm, const struct linux_task *t)
{
	// task_state_index() (include/linux/sched.h): the reportable bits of
	// state | exit_state, TASK_IDLE as its own entry past them; the
	// index is fls() of that, into task_state_array[].
	const struct linux_vm_layout *l = &vm->l;
	if (!l->nr_task_states)
		return "??";
	unsigned nr = l->nr_task_states;
	uint64_t report = (UINT64_C(1) << (nr - 2)) - 1;  // TASK_REPORT
	uint64_t state = t->state, s = (state | t->exit_state) & report;
	unsigned idx;
	if ((state & l->task_idle) == l->task_idle)
		idx = nr - 1;  // TASK_REPORT_IDLE
	else
		idx = s ? 64 - (unsigned)__builtin_clzll(s) : 0;
	if (idx >= nr)
		return "??";
	// crash's two-letter names of the kernel's letters
	switch (l->task_state_letter[idx]) {
	case 'R': return "RU";
	case 'S': return "IN";
	case 'D': return "UN";
	case 'T': return "ST";
	case 't': return "TR";
	case 'X': return "DE";
	case 'Z': return "ZO";
	case 'P': return "PA";
	case 'I': return "ID";
	default: return "??";
	}
}

static const struct linux_task *leader_of(struct linux_vm *vm, const struct linux_task *t)
{
	if (t->leader)
		return t;
	for (size_t i = 0; i < vm->nr_tasks; i++)
		if (vm->tasks[i].pid == t->tgid)
			return &vm->tasks[i];
	return t;
}

static void build_owners(struct linux_vm *vm)
{
	for (size_t i = 0; i < vm->nr_tasks; i++) {
		const struct linux_task *t = &vm->tasks[i];
		uint64_t mm = t->mm;
		// An exiting task has dropped ->mm (exit_mm()) but still runs on
		// ->active_mm until it is switched away from.
		if (!mm && !t->kthread && t->exiting)
			mm = t->active_mm;
		if (!mm)
			continue;
		struct linux_mm_owners *o = vms_u64map_get(&vm->mm_owners, mm);
		if (!o) {
			o = calloc(1, sizeof(*o));
			if (!o || !vms_u64map_set(&vm->mm_owners, mm, o)) {
				free(o);
				continue;
			}
		}
		const struct linux_task *p = leader_of(vm, t);
		bool dup = false;
		for (size_t j = 0; j < o->nr; j++)
			dup |= o->procs[j]->tgid == p->tgid;
		if (dup)
			continue;
		if (!vms_array_reserve(o->procs, o->cap, o->nr + 1))
			continue;
		o->procs[o->nr++] = p;
	}
}

const struct linux_mm_owners *linux_mm_owners(struct linux_vm *vm, uint64_t mm)
{
	static const struct linux_mm_owners none;
	const struct vms_u64map *owners = &vm->mm_owners;
	if (vm->tasks_of) {
		owners = &vm->tasks_of->mm_owners;  // built before it was shared
	} else if (!vm->tasks_read) {
		read_tasks(vm);
		build_owners(vm);
	} else if (!vm->mm_owners.count) {
		build_owners(vm);
	}
	const struct linux_mm_owners *o = vms_u64map_get(owners, mm);
	return o ? o : &none;
}

void linux_vm_share_tasks(struct linux_vm *clone, struct linux_vm *src)
{
	if (src->tasks_of) {
		clone->tasks_of = src->tasks_of;
		return;
	}
	linux_mm_owners(src, 0);  // the task table and the owners, now
	clone->tasks_of = src;
}
