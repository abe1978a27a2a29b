// SPDX-License-Identifier: GPL-3.0-or-later
/* The process-memory context: layout probes (each citing the kernel change
 * it follows) and lifetime. */
#include "linux/vmctx.h"

#include <stdlib.h>
#include <string.h>

#include "linux/kernel.h"
#include "linux/pgtable.h"
#include "linux/task.h"

/* What linux_vm_create() probes, kept per program (struct linux_kernel). */
struct linux_vm_layouts {
	struct linux_walk_layout walk;
	struct linux_vm_layout l;
};

static bool has(struct vms_program *prog, const char *type, const char *member)
{
	return program_has_member(prog, type, member);
}

static unsigned member_size(struct vms_program *prog, const char *type, const char *member)
{
	struct vms_type *mt;
	struct vms_error *err = program_member_type(prog, type, member, &mt);
	if (err) {
		vms_error_destroy(err);
		return 0;
	}
	return (unsigned)vms_type_size(mt);
}

static struct vms_error *probe(struct vms_program *prog, struct linux_vm_layout *l)
{
	struct vms_error *err;
#define OFF(field, type, member)                                 \
	do {                                                     \
		err = linux_offset(prog, type, member, &l->field); \
		if (err)                                         \
			return err;                              \
	} while (0)
	static const char TS[] = "struct task_struct", MM[] = "struct mm_struct",
			  VMA[] = "struct vm_area_struct", AV[] = "struct anon_vma",
			  AVC[] = "struct anon_vma_chain";
	OFF(t_tasks, TS, "tasks");
	OFF(t_pid, TS, "pid");
	OFF(t_tgid, TS, "tgid");
	OFF(t_comm, TS, "comm");
	// task_struct::state became __state in v5.14 (commit 2f064a59a11f).
	const char *state = has(prog, TS, "__state") ? "__state" : "state";
	OFF(t_state, TS, state);
	l->t_state_size = member_size(prog, TS, state);
	OFF(t_exit_state, TS, "exit_state");
	OFF(t_flags, TS, "flags");
	OFF(t_mm, TS, "mm");
	OFF(t_active_mm, TS, "active_mm");
	OFF(t_real_parent, TS, "real_parent");
	OFF(t_group_leader, TS, "group_leader");
	OFF(t_signal, TS, "signal");
	// Threads are listed on signal->thread_head since v3.14 (commit
	// 0c740d0afc3b); task_struct.thread_group went away in v6.7.
	OFF(t_thread_node, TS, "thread_node");
	OFF(sig_thread_head, "struct signal_struct", "thread_head");
	// Per-task RSS caches (SPLIT_RSS_COUNTING) until v6.2 (commit
	// f1a7941243c1 "mm: convert mm's rss stats into percpu_counter").
	l->has_task_rss = has(prog, TS, "rss_stat.count");
	if (l->has_task_rss)
		OFF(t_rss, TS, "rss_stat.count");

	// VMAs: maple tree mm_mt since v6.1 (commit d4af56c5c7c6), before
	// that the mmap list and mm_rb rbtree.
	l->mm_maple = has(prog, MM, "mm_mt");
	if (l->mm_maple) {
		OFF(mm_mt, MM, "mm_mt");
	} else {
		OFF(mm_mmap, MM, "mmap");
		OFF(mm_rb, MM, "mm_rb");
	}
	OFF(mm_pgd, MM, "pgd");
	OFF(mm_map_count, MM, "map_count");
	OFF(mm_rss, MM, "rss_stat");
	OFF(mm_total_vm, MM, "total_vm");
	OFF(mm_start_brk, MM, "start_brk");
	OFF(mm_brk, MM, "brk");
	OFF(mm_start_stack, MM, "start_stack");
	l->has_mm_owner = has(prog, MM, "owner");
	if (l->has_mm_owner)
		OFF(mm_owner, MM, "owner");
	if (has(prog, MM, "rss_stat.count")) {
		OFF(mm_rss, MM, "rss_stat.count");
		l->rss_stride = 8;  // atomic_long_t count[NR_MM_COUNTERS]
	} else {
		l->rss_percpu = true;
		uint64_t sz;
		err = program_type_size(prog, "struct percpu_counter", &sz);
		if (err)
			return vms_error_wrap(err, "probing mm_struct.rss_stat");
		l->rss_stride = sz;
		OFF(pcc_count, "struct percpu_counter", "count");
		OFF(pcc_counters, "struct percpu_counter", "counters");
	}

	OFF(v_start, VMA, "vm_start");
	OFF(v_end, VMA, "vm_end");
	l->has_vm_next = has(prog, VMA, "vm_next");
	if (l->has_vm_next)
		OFF(v_next, VMA, "vm_next");
	OFF(v_mm, VMA, "vm_mm");
	OFF(v_flags, VMA, "vm_flags");
	OFF(v_pgoff, VMA, "vm_pgoff");
	OFF(v_file, VMA, "vm_file");
	OFF(v_anon_vma, VMA, "anon_vma");
	OFF(v_ops, VMA, "vm_ops");
	OFF(v_private, VMA, "vm_private_data");
	OFF(v_shared_rb, VMA, "shared.rb");
	OFF(v_shared_last, VMA, "shared.rb_subtree_last");
	OFF(v_avc_list, VMA, "anon_vma_chain");
	err = program_type_size(prog, VMA, &l->v_size);
	if (err)
		return err;

	OFF(av_root, AV, "root");
	OFF(av_parent, AV, "parent");
	OFF(av_refcount, AV, "refcount");
	OFF(av_rb_root, AV, "rb_root");
	// anon_vma.rb_root became an rb_root_cached in v4.13 (commit
	// f808c13fd373).
	l->av_cached = has(prog, AV, "rb_root.rb_leftmost");
	// anon_vma.degree was split into num_children and num_active_vmas in
	// v6.1 (commit 2555283eb40d).
	l->has_degree = has(prog, AV, "degree");
	if (l->has_degree)
		OFF(av_degree, AV, "degree");
	l->has_children = has(prog, AV, "num_children");
	if (l->has_children) {
		OFF(av_children, AV, "num_children");
		OFF(av_active, AV, "num_active_vmas");
	}
	OFF(avc_vma, AVC, "vma");
	OFF(avc_anon_vma, AVC, "anon_vma");
	OFF(avc_rb, AVC, "rb");
	OFF(avc_last, AVC, "rb_subtree_last");
	OFF(avc_same_vma, AVC, "same_vma");

	OFF(f_mapping, "struct file", "f_mapping");
	OFF(f_inode, "struct file", "f_inode");
	OFF(f_dentry, "struct file", "f_path.dentry");
	OFF(f_vfsmnt, "struct file", "f_path.mnt");
	OFF(as_i_mmap, "struct address_space", "i_mmap");
	OFF(as_host, "struct address_space", "host");
	OFF(i_ino, "struct inode", "i_ino");
	OFF(d_name, "struct dentry", "d_name");
	OFF(d_parent, "struct dentry", "d_parent");
	OFF(d_hash_pprev, "struct dentry", "d_hash.pprev");
	OFF(qstr_name, "struct qstr", "name");
	l->has_paths = has(prog, "struct mount", "mnt_mountpoint");
	if (l->has_paths) {
		OFF(mnt_mnt, "struct mount", "mnt");
		OFF(mnt_parent, "struct mount", "mnt_parent");
		OFF(mnt_mountpoint, "struct mount", "mnt_mountpoint");
		OFF(vfsmnt_root, "struct vfsmount", "mnt_root");
	}

	// KSM's private types gained a ksm_ prefix in v6.3 (commit
	// 21fbd59136e0 "ksm: add the ksm prefix to the names of the ksm
	// private structures").
	static const char *const SN[] = {"struct ksm_stable_node", "struct stable_node", NULL};
	static const char *const RI[] = {"struct ksm_rmap_item", "struct rmap_item", NULL};
	l->has_ksm = has(prog, SN[0], "kpfn") || has(prog, SN[1], "kpfn");
	if (l->has_ksm) {
		if ((err = linux_offset_any(prog, SN, "hlist", &l->sn_hlist)) ||
		    (err = linux_offset_any(prog, SN, "kpfn", &l->sn_kpfn)) ||
		    (err = linux_offset_any(prog, SN, "rmap_hlist_len", &l->sn_hlist_len)) ||
		    (err = linux_offset_any(prog, SN, "hlist_dup", &l->sn_hlist_dup)) ||
		    (err = linux_offset_any(prog, RI, "anon_vma", &l->ri_anon_vma)) ||
		    (err = linux_offset_any(prog, RI, "mm", &l->ri_mm)) ||
		    (err = linux_offset_any(prog, RI, "address", &l->ri_address)) ||
		    (err = linux_offset_any(prog, RI, "hlist", &l->ri_hlist)))
			return err;
	}

	// special_mapping_vmops is a static variable: its DWARF location is
	// enough (no symbol table load, which costs tens of ms).
	struct vms_type *t;
	if ((err = program_variable(prog, "special_mapping_vmops", &t, &l->special_vmops)))
		l->special_vmops = 0;
	vms_error_destroy(err);
	if (has(prog, "struct vm_special_mapping", "name"))
		OFF(vsm_name, "struct vm_special_mapping", "name");

	if ((err = program_variable(prog, "__per_cpu_offset", &t, &l->per_cpu_offset))) {
		vms_error_destroy(err);
		l->per_cpu_offset = 0;
	}
	l->nr_cpu_ids = 1;
	uint64_t a;
	if (!(err = program_variable(prog, "nr_cpu_ids", &t, &a))) {
		uint32_t n;
		if (!(err = program_read_u32(prog, a, &n)) && n && n <= 8192)
			l->nr_cpu_ids = n;
	}
	vms_error_destroy(err);
	err = NULL;

	// 5-level paging is a boot-time choice (v4.17, commit 91f606a8fa68);
	// the kernel exports it in VMCOREINFO.
	const char *l5 = program_vmcoreinfo(prog, "NUMBER(pgtable_l5_enabled)");
	if (l5) {
		l->l5 = strtoul(l5, NULL, 10) != 0;
	} else if (!(err = program_variable(prog, "__pgtable_l5_enabled", &t, &a))) {
		uint32_t v;
		if (!(err = program_read_u32(prog, a, &v)))
			l->l5 = v != 0;
	}
	vms_error_destroy(err);
#undef OFF
	return NULL;
}

struct vms_error *linux_vm_create(struct vms_program *prog, struct linux_vm **ret)
{
	struct linux_vm *vm = calloc(1, sizeof(*vm));
	if (!vm)
		return &vms_enomem;
	vm->prog = prog;
	vm->mem = linux_mem_program(prog);
	vm->phys = linux_mem_program_phys(prog);
	vm->page_shift = program_page_shift(prog);
	vms_u64map_init(&vm->mm_owners);
	vms_u64map_init(&vm->pgd_phys);
	struct linux_kernel *k;
	struct vms_error *err = linux_kernel_get(prog, &k);
	if (!err && !k->vm_layouts) {
		struct linux_vm_layouts *p = calloc(1, sizeof(*p));
		if (!p)
			err = &vms_enomem;
		if (!err)
			err = linux_walk_layout_probe(prog, &p->walk);
		if (!err)
			err = probe(prog, &p->l);
		if (!err)
			k->vm_layouts = p;
		else
			free(p);
	}
	if (err) {
		linux_vm_destroy(vm);
		return err;
	}
	vm->walk = k->vm_layouts->walk;
	vm->l = k->vm_layouts->l;
	*ret = vm;
	return NULL;
}

struct vms_error *linux_vm_clone(const struct linux_vm *src, struct vms_program *prog, struct linux_vm **ret)
{
	struct linux_vm *vm = calloc(1, sizeof(*vm));
	if (!vm)
		return &vms_enomem;
	vm->prog = prog;
	vm->mem = linux_mem_program(prog);
	vm->phys = linux_mem_program_phys(prog);
	vm->page_shift = src->page_shift;
	vm->walk = src->walk;
	vm->l = src->l;
	vms_u64map_init(&vm->mm_owners);
	vms_u64map_init(&vm->pgd_phys);
	*ret = vm;
	return NULL;
}

void linux_vm_destroy(struct linux_vm *vm)
{
	if (!vm)
		return;
	for (size_t i = 0; i <= vm->mm_owners.mask && vm->mm_owners.slots; i++) {
		struct linux_mm_owners *o = vm->mm_owners.slots[i].value;
		if (o) {
			free(o->procs);
			free(o);
		}
	}
	vms_u64map_deinit(&vm->mm_owners);
	vms_u64map_deinit(&vm->pgd_phys);
	linux_pt_cache_destroy(vm);
	free(vm->tasks);
	vms_error_destroy(vm->tasks_err);
	free(vm);
}

struct vms_error *linux_vm_read_uint(struct linux_vm *vm, uint64_t addr, unsigned size, uint64_t *ret)
{
	uint64_t v = 0;
	if (size > 8)
		size = 8;
	struct vms_error *err = linux_mem_read(&vm->mem, addr, &v, size);
	if (!err)
		*ret = v;
	return err;
}
